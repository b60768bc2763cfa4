/* cmd_show_call_hist.c - EXEC `show call history voice brief` (layer 7): the
 * ended calls the B2BUA recorded (sip/b2bua_history.h), oldest first, in the
 * layout of IOS's brief call history: per leg a header line, then
 *
 *   dur hh:mm:ss tx:<packets>/<bytes> rx:<packets>/<bytes> <cause hex> (<text> (<cause>))
 *   IP <ip>:<port> SRTP: <on|off> lost:<lost>/0/0 <codec>
 *   release: SIP <status or BYE> ..., by <caller|callee|Tollgate> (<why>)
 *
 * The last line is Tollgate's (IOS shows the SIP side only in `debug ccsip`).
 * Call leg IDs are those of `show call active voice` (leg A of call N is
 * 2N-1, leg B is 2N).  IOS keeps the history for `dial-control-mib
 * retain-timer` minutes; Tollgate keeps the last B2BUA_HISTORY_MAX calls.
 * There is no command to empty it (IOS has none in the references). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "sip/b2bua_history.h"

static const char *nz(const char *s)
{
	return s && s[0] ? s : "-";
}

static void hist_leg(struct vty *vty, const struct b2bua_history_rec *r, const struct b2bua_history_leg *l,
		     unsigned leg_no)
{
	char when[64], h[INET6_ADDRSTRLEN], st[80];
	struct tm tm;
	long dur = r->connect ? (long)(r->end - r->connect) : 0;
	long conn_ms = r->connect ? (long)(r->connect - r->start) * 1000 : 0;
	long disc_ms = (long)(r->end - r->start) * 1000;
	const struct media_leg_info *mi = &l->media;

	localtime_r(&r->start, &tm);
	strftime(when, sizeof(when), "%H:%M:%S.000 %Z %a %b %d %Y", &tm);
	vty_out(vty, "%X : %u %s.%u +%ld +%ld pid:%u %s %s\n", (unsigned)r->id, leg_no, when, leg_no,
		conn_ms, disc_ms, (unsigned)l->dial_peer, l->answer ? "Answer" : "Originate",
		nz(l->answer ? l->calling : l->called));
	vty_out(vty, " dur %02ld:%02ld:%02ld tx:%llu/%llu rx:%llu/%llu %X (%s (%d))\n", dur / 3600,
		dur % 3600 / 60, dur % 60, (unsigned long long)mi->tx_packets,
		(unsigned long long)mi->tx_bytes, (unsigned long long)mi->rx_packets,
		(unsigned long long)mi->rx_bytes, (unsigned)r->q850, b2bua_history_q850_text(r->q850), r->q850);
	vty_out(vty, " IP %s:%u SRTP: %s lost:%llu/0/0 %s\n", cmdu_ip_str(&l->remote, h, sizeof(h)),
		(unsigned)sip_addr_port(&l->remote), mi->srtp ? "on" : "off", (unsigned long long)mi->lost,
		cmdu_codec_ios(mi->codec));
	if (r->sip_status)
		snprintf(st, sizeof(st), "SIP %d%s%s", r->sip_status, r->sip_reason[0] ? " " : "", r->sip_reason);
	else
		snprintf(st, sizeof(st), "SIP BYE");
	vty_out(vty, " release: %s, by %s (%s)\n", st, b2bua_history_releaser_name(r->by), r->why);
}

static void hist_call(void *arg, const struct b2bua_history_rec *r)
{
	struct vty *vty = arg;
	if (r->a.present)
		hist_leg(vty, r, &r->a, r->id * 2 - 1);
	if (r->b.present)
		hist_leg(vty, r, &r->b, r->id * 2);
}

static void count_legs(void *arg, const struct b2bua_history_rec *r)
{
	unsigned *n = arg;
	*n += r->a.present + r->b.present;
}

CLI_CMD(show_call_history_brief, MODE_EXEC, CLI_F_PIPE,
	"show call history voice brief",
	"Show running system information\n"
	"Show call information\n"
	"Call history table (the last 256 ended calls)\n"
	"Voice calls\n"
	"Brief report of voice calls\n")
{
	unsigned legs = 0;
	b2bua_history_foreach(count_legs, &legs);
	vty_out(vty, "<ID>: <CallID> <start>.<index> +<connect> +<disc> pid:<peer_id> <direction> <addr>\n");
	vty_out(vty, "  dur hh:mm:ss tx:<packets>/<bytes> rx:<packets>/<bytes> <disc-cause> (<text>)\n");
	vty_out(vty, "  IP <ip>:<udp> SRTP: <on|off> lost:<lost>/<early>/<late> <codec>\n");
	vty_out(vty, "  release: SIP <final status|BYE>, by <caller|callee|Tollgate> (<why>)\n\n");
	vty_out(vty, "Calls in history: %u (call-legs: %u, at most %u calls kept)\n", b2bua_history_count(),
		legs, B2BUA_HISTORY_MAX);
	b2bua_history_foreach(hist_call, vty);
	return CLI_OK;
}
