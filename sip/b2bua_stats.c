/* b2bua_stats.c - the B2BUA's message and call counters, shown by
 * `show sip-ua statistics` and reset by `clear sip-ua statistics` (see
 * b2bua.h).  Main thread only. */
#include "sip/b2bua.h"

#include <string.h>

#include "sip/b2bua_int.h"

struct b2bua_stats g_b2bua_stats;

const struct b2bua_stats *b2bua_stats(void)
{
	return &g_b2bua_stats;
}

void b2bua_clear_stats(void)
{
	memset(&g_b2bua_stats, 0, sizeof(g_b2bua_stats));
}

const char *b2bua_drop_name(enum b2bua_drop d)
{
	static const char *const n[DROP_COUNT] = { "untrusted source (toll fraud)", "malformed message",
						   "response matching no transaction", "loop (Max-Forwards 0)" };
	return d < DROP_COUNT ? n[d] : "?";
}

/* the counters' slot of a method: 0 for the ones with none */
static unsigned midx(enum sip_method m)
{
	return (unsigned)m < 16 ? (unsigned)m : 0;
}

void count_req_in(enum sip_method m)
{
	g_b2bua_stats.req_in[midx(m)]++;
}

void count_req_out(enum sip_method m)
{
	g_b2bua_stats.req_out[midx(m)]++;
}

void b2bua_count_request_out(enum sip_method m)
{
	count_req_out(m);
}

void count_resp_in(int code)
{
	if (code >= 100 && code < 700) {
		g_b2bua_stats.resp_in[code / 100]++;
		g_b2bua_stats.resp_code_in[code]++;
	}
}

void count_resp_out(int code)
{
	if (code >= 100 && code < 700) {
		g_b2bua_stats.resp_out[code / 100]++;
		g_b2bua_stats.resp_code_out[code]++;
	}
}
