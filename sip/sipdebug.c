/* sipdebug.c - SIP/TLS/dial-peer debug output to the log (see sipdebug.h). */
#include "sip/sipdebug.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "sip/transport.h"

struct sip_debug_flags sipdbg;

bool sipdbg_any(void)
{
	static const struct sip_debug_flags none;
	return memcmp(&sipdbg, &none, sizeof(none)) != 0;
}

void sipdbg_all_off(void)
{
	memset(&sipdbg, 0, sizeof(sipdbg));
}

static void dump(const char *head, const char *data, size_t len)
{
	/* one log line for the header, then the message lines */
	log_msg(7, "SIP", "MSG", "%s", head);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n)
			log_msg(7, "SIP", "MSG", "  %.*s", (int)(n > 900 ? 900 : n), p);
		p = nl ? nl + 1 : end;
	}
}

void sipdbg_msg(bool out, const char *data, size_t len, const struct sip_dest *dst)
{
	if (!sipdbg.messages || !data)
		return;
	char a[80], head[160];
	snprintf(head, sizeof(head), "%s %s to %s:", out ? "Sent" : "Received", sip_proto_upper(dst->proto),
		 sip_addr_str(&dst->addr, a, sizeof(a)));
	dump(head, data, len);
}

void sipdbg_rx(const char *data, size_t len, const struct sip_src *src)
{
	if (!sipdbg.messages)
		return;
	char a[80], head[160];
	snprintf(head, sizeof(head), "Received %s from %s:", sip_proto_upper(src->proto),
		 sip_addr_str(&src->remote, a, sizeof(a)));
	dump(head, data, len);
}

void sipdbg_printf(const char *fac, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_msg(7, fac, "DEBUG", "%s", text);
}
