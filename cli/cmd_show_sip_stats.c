/* cmd_show_sip_stats.c - EXEC `show sip-ua statistics` and
 * `clear sip-ua statistics` (layer 7).
 *
 * The counters are the B2BUA's (sip/b2bua.h): requests and responses in and
 * out by method, by class and by code, messages dropped by reason (untrusted
 * sources first: toll-fraud refusals), untrusted INVITEs answered 403, and
 * calls.  The layout follows CUBE's "SIP Response Statistics
 * (Inbound/Outbound)" and "SIP Total Traffic Statistics" blocks; counters that
 * Tollgate does not keep are not printed.
 * Output formats are recorded in CLI golden transcripts: keep them stable. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "sip/b2bua.h"
#include "sip/msg.h"
#include "sip/transport.h"

/* "INVITE" -> "Invite"; index 0 (methods Tollgate does not know) -> "Other". */
static const char *method_label(unsigned m, char *buf, size_t n)
{
	const char *s = m ? sip_method_name((enum sip_method)m) : "Other";
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		buf[i] = (char)(i ? tolower((unsigned char)s[i]) : s[i]);
	buf[i] = '\0';
	return buf;
}

CLI_CMD(show_sipua_stats, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua statistics",
	"Show running system information\n"
	"SIP User Agent\n"
	"SIP Statistics\n")
{
	static const char *const cls[7] = { "", "Informational (1xx)", "Success (2xx)",
					    "Redirection (3xx)", "Client Error (4xx)",
					    "Server Error (5xx)", "Global Failure (6xx)" };
	const struct b2bua_stats *st = b2bua_stats();
	char name[32];

	vty_out(vty, "                     SIP Response Statistics (Inbound/Outbound)\n");
	for (int c = 1; c <= 6; c++)
		vty_out(vty, "      %-24s: %lu/%lu\n", cls[c], st->resp_in[c], st->resp_out[c]);
	vty_out(vty, "      By response code:\n");
	int shown = 0;
	for (int code = 100; code < 700; code++) {
		if (!st->resp_code_in[code] && !st->resp_code_out[code])
			continue;
		vty_out(vty, "         %d %-32s %lu/%lu\n", code, sip_reason_phrase(code),
			st->resp_code_in[code], st->resp_code_out[code]);
		shown++;
	}
	if (!shown)
		vty_out(vty, "         none\n");

	vty_out(vty, "\n      SIP Total Traffic Statistics (Inbound/Outbound)\n");
	/* methods 1..13, then the unknown ones, three per line as CUBE does */
	int col = 0;
	for (unsigned i = 1; i <= (unsigned)SIP_METHOD_MESSAGE + 1; i++) {
		unsigned m = i <= (unsigned)SIP_METHOD_MESSAGE ? i : 0;
		bool last = i == (unsigned)SIP_METHOD_MESSAGE + 1;
		if (!col)
			vty_out(vty, "         ");
		vty_out(vty, "%s %lu/%lu%s", method_label(m, name, sizeof(name)), st->req_in[m],
			st->req_out[m], last ? "\n" : col == 2 ? ",\n" : ", ");
		col = (col + 1) % 3;
	}

	vty_out(vty, "\n      Dropped Messages (Inbound)\n");
	for (int d = 0; d < DROP_COUNT; d++)
		vty_out(vty, "         %-34s: %lu\n", b2bua_drop_name((enum b2bua_drop)d), st->drops[d]);
	vty_out(vty, "         %-34s: %lu\n", "untrusted INVITEs answered 403", st->untrusted_403);

	vty_out(vty, "\n      Calls\n");
	vty_out(vty, "         %-34s: %lu\n", "total", st->calls_total);
	vty_out(vty, "         %-34s: %lu\n", "failed", st->calls_failed);
	vty_out(vty, "         %-34s: %u\n", "active", b2bua_call_count());
	return CLI_OK;
}

CLI_CMD(clear_sipua_stats, MODE_EXEC, 0,
	"clear sip-ua statistics",
	"Reset functions\n"
	"SIP User Agent\n"
	"Clear SIP statistics and transport counters\n")
{
	b2bua_clear_stats();
	sip_transport_clear_stats();
	return CLI_OK;
}
