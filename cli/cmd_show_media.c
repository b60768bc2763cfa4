/* cmd_show_media.c - EXEC `show voip rtp connections`, `show media statistics`,
 * `debug voip rtp`, `debug voip srtp {session | error}` and their `no debug` /
 * `undebug` forms (layer 7).
 *
 * The per-call media data come from the B2BUA (b2bua_foreach_call: each leg
 * carries its struct media_leg_info), the relay totals from media_stats_get().
 * Call leg IDs are those of `show call active voice brief` (leg A of call N is
 * 2N-1, leg B is 2N).  The debug flags live in media/session.h (`mediadbg`);
 * media/session.c writes the lines (severity 7, %VOIP-7-RTP / SRTP_SESSION /
 * SRTP_ERROR) to the log and to sessions with `terminal monitor`.  Keys are
 * never shown.  Output formats are recorded in CLI golden transcripts
 * (tests/cli/media.*): keep them stable. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "media/relay.h"
#include "media/session.h"
#include "media/srtp.h"
#include "sip/b2bua.h"

static unsigned port_num(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return 0;
}

static bool leg_present(const struct b2bua_leg_info *l)
{
	return l->call_id && l->call_id[0];
}

static bool leg_has_media(const struct b2bua_leg_info *l)
{
	return leg_present(l) && l->media.active;
}

/* ------------------------------------------------------------------ */
/* show voip rtp connections                                            */

struct rtp_ctx {
	struct vty *vty;
	unsigned n;
	int ipw;       /* width of the LocalIP column (the longest local address) */
	bool print;    /* second pass: print the rows */
};

/* One format for the header and the rows, so that values sit under their titles. */
#define RTP_ROW "%-4s %-10s %-10s %-8s %-8s %-*s %s\n"

static void rtp_row(struct rtp_ctx *rc, unsigned id, unsigned dst, const struct media_leg_info *mi)
{
	char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN], no[12], cid[12], did[12], lp[8], rp[8];
	cmdu_ip_str(&mi->local, la, sizeof(la));
	if (!rc->print) {
		int w = (int)strlen(la);
		rc->ipw = w > rc->ipw ? w : rc->ipw;
		return;
	}
	rc->n++;
	snprintf(no, sizeof(no), "%u", rc->n);
	snprintf(cid, sizeof(cid), "%u", id);
	snprintf(did, sizeof(did), "%u", dst);
	snprintf(lp, sizeof(lp), "%u", port_num(&mi->local));
	snprintf(rp, sizeof(rp), "%u", port_num(&mi->remote));
	vty_out(rc->vty, RTP_ROW, no, cid, did, lp, rp, rc->ipw, la, cmdu_ip_str(&mi->remote, ra, sizeof(ra)));
}

static void rtp_rows(void *arg, const struct b2bua_call_info *ci)
{
	struct rtp_ctx *rc = arg;
	unsigned a = ci->id * 2 - 1, b = ci->id * 2;
	if (leg_has_media(&ci->a))
		rtp_row(rc, a, b, &ci->a.media);
	if (leg_has_media(&ci->b))
		rtp_row(rc, b, a, &ci->b.media);
}

CLI_CMD(show_voip_rtp_connections, MODE_EXEC, CLI_F_PIPE,
	"show voip rtp connections",
	"Show running system information\n"
	"Voice over IP information\n"
	"RTP (media) information\n"
	"RTP connections of active calls\n")
{
	struct media_stats ms;
	struct rtp_ctx rc = { vty, 0, 15, false };

	media_stats_get(&ms);
	vty_out(vty, "VoIP RTP Port Usage Information:\n");
	vty_out(vty, "Max Ports Available: %u, Ports Reserved: 0, Ports in Use: %u\n\n", ms.ports_total,
		ms.ports_total - ms.ports_free);
	vty_out(vty, "VoIP RTP active connections :\n");
	b2bua_foreach_call(rtp_rows, &rc);
	vty_out(vty, RTP_ROW, "No.", "CallId", "dstCallId", "LocalRTP", "RmtRTP", rc.ipw, "LocalIP", "RemoteIP");
	rc.print = true;
	b2bua_foreach_call(rtp_rows, &rc);
	vty_out(vty, "Found %u active RTP connections\n", rc.n);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show media statistics                                                */

struct stat_ctx {
	struct vty *vty;
	unsigned n;
	uint64_t rx_p, rx_b, tx_p, tx_b, auth, replay, drop, lost;
};

static void stat_leg(struct stat_ctx *sc, const struct b2bua_call_info *ci, const struct b2bua_leg_info *l,
		     char name, unsigned id)
{
	const struct media_leg_info *mi = &l->media;
	char ra[INET6_ADDRSTRLEN];
	if (!leg_present(l))
		return;
	sc->n++;
	vty_out(sc->vty, "Call %u leg %c (call leg ID %u, %s, dial-peer %u)\n", (unsigned)ci->id, name, id,
		l->answer ? "Answer" : "Originate", (unsigned)l->dial_peer);
	vty_out(sc->vty, "  %-18s: %s\n", "Media", mi->active ? "active" : "not started");
	if (mi->srtp)
		vty_out(sc->vty, "  %-18s: on (local %s, remote %s)\n", "SRTP", mi->local_suite, mi->remote_suite);
	else
		vty_out(sc->vty, "  %-18s: off\n", "SRTP");
	vty_out(sc->vty, "  %-18s: %s:%u\n", "Remote", cmdu_ip_str(&mi->remote, ra, sizeof(ra)), port_num(&mi->remote));
	vty_out(sc->vty, "  %-18s: %s\n", "Codec", cmdu_codec_ios(mi->codec));
	vty_out(sc->vty, "  %-18s: %llu/%llu\n", "Packets rx/tx", (unsigned long long)mi->rx_packets,
		(unsigned long long)mi->tx_packets);
	vty_out(sc->vty, "  %-18s: %llu/%llu\n", "Bytes rx/tx", (unsigned long long)mi->rx_bytes,
		(unsigned long long)mi->tx_bytes);
	vty_out(sc->vty, "  %-18s: %llu\n", "RTP lost (network)", (unsigned long long)mi->lost);
	vty_out(sc->vty, "  %-18s: %llu\n", "SRTP auth failures", (unsigned long long)mi->auth_fail);
	vty_out(sc->vty, "  %-18s: %llu\n", "SRTP replay drops", (unsigned long long)mi->replay_fail);
	vty_out(sc->vty, "  %-18s: %llu\n", "Other drops", (unsigned long long)mi->dropped);
	sc->rx_p += mi->rx_packets;
	sc->rx_b += mi->rx_bytes;
	sc->tx_p += mi->tx_packets;
	sc->tx_b += mi->tx_bytes;
	sc->auth += mi->auth_fail;
	sc->replay += mi->replay_fail;
	sc->drop += mi->dropped;
	sc->lost += mi->lost;
}

static void stat_call(void *arg, const struct b2bua_call_info *ci)
{
	struct stat_ctx *sc = arg;
	stat_leg(sc, ci, &ci->a, 'A', ci->id * 2 - 1);
	stat_leg(sc, ci, &ci->b, 'B', ci->id * 2);
}

CLI_CMD(show_media_statistics, MODE_EXEC, CLI_F_PIPE,
	"show media statistics",
	"Show running system information\n"
	"Media plane (RTP/SRTP relay) information\n"
	"Media packet counters per call leg and relay totals\n")
{
	struct media_stats ms;
	struct stat_ctx sc;

	memset(&sc, 0, sizeof(sc));
	sc.vty = vty;
	media_stats_get(&ms);
	vty_out(vty, "Media relay\n");
	vty_out(vty, "  %-18s: %u\n", "Relay sessions", ms.sessions);
	vty_out(vty, "  %-18s: %u free of %u\n", "RTP port pairs", ms.ports_free, ms.ports_total);
	vty_out(vty, "  %-18s: %s\n", "SRTP crypto", tg_srtp_crypto_backend());
	char io[160];
	relay_io_describe(io, sizeof(io));
	vty_out(vty, "  %-18s: %s\n", "Relay I/O", io);
	vty_out(vty, "  %-18s: %llu.%03llu ms\n", "Relay CPU time", (unsigned long long)(ms.relay_cpu_ns / 1000000),
		(unsigned long long)(ms.relay_cpu_ns / 1000 % 1000));
	vty_out(vty, "\n");
	b2bua_foreach_call(stat_call, &sc);
	if (!sc.n)
		vty_out(vty, "No active call legs\n");
	else
		vty_out(vty, "\n");
	vty_out(vty, "Totals over %u call legs\n", sc.n);
	vty_out(vty, "  %-18s: %llu/%llu\n", "Packets rx/tx", (unsigned long long)sc.rx_p, (unsigned long long)sc.tx_p);
	vty_out(vty, "  %-18s: %llu/%llu\n", "Bytes rx/tx", (unsigned long long)sc.rx_b, (unsigned long long)sc.tx_b);
	vty_out(vty, "  %-18s: %llu\n", "RTP lost (network)", (unsigned long long)sc.lost);
	vty_out(vty, "  %-18s: %llu\n", "SRTP auth failures", (unsigned long long)sc.auth);
	vty_out(vty, "  %-18s: %llu\n", "SRTP replay drops", (unsigned long long)sc.replay);
	vty_out(vty, "  %-18s: %llu\n", "Other drops", (unsigned long long)sc.drop);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* debug voip rtp / debug voip srtp {session | error}                   */

enum mdbg { MD_RTP, MD_SRTP_SESSION, MD_SRTP_ERROR };

static const char *const mdbg_text[] = {
	[MD_RTP] = "voip rtp debugging",
	[MD_SRTP_SESSION] = "voip srtp session debugging",
	[MD_SRTP_ERROR] = "voip srtp error debugging",
};

static int mdbg_apply(struct vty *vty, enum mdbg w, bool on)
{
	switch (w) {
	case MD_RTP: mediadbg.rtp = on; break;
	case MD_SRTP_SESSION: mediadbg.srtp_session = on; break;
	case MD_SRTP_ERROR: mediadbg.srtp_error = on; break;
	}
	vty_out(vty, "%s is %s\n", mdbg_text[w], on ? "on" : "off");
	return CLI_OK;
}

static enum mdbg srtp_what(const struct cli_args *a)
{
	return cli_has(a, "session") ? MD_SRTP_SESSION : MD_SRTP_ERROR;
}

#define H_DEBUG   "Debugging functions (see also 'undebug')\n"
#define H_UNDEBUG "Disable debugging functions (see also 'debug')\n"
#define H_NO      "Negate a command or set its defaults\n"
#define H_VOIP    "VOIP debugging\n"
#define H_RTP     H_VOIP "RTP relay sessions (addresses at start, packet counters at the end)\n"
#define H_SRTP    H_VOIP "SRTP debugging\n"                                            \
		  "SRTP sessions (negotiated crypto suites per call leg; never keys)\n" \
		  "SRTP errors (refused offers and answers, authentication and replay drops)\n"
#define SYN_SRTP  "voip srtp {session|error}"

CLI_CMD(debug_voip_rtp, MODE_EXEC, 0, "debug voip rtp", H_DEBUG H_RTP)
{ return mdbg_apply(vty, MD_RTP, true); }
CLI_CMD(undebug_voip_rtp, MODE_EXEC, 0, "undebug voip rtp", H_UNDEBUG H_RTP)
{ return mdbg_apply(vty, MD_RTP, false); }
CLI_CMD(no_debug_voip_rtp, MODE_EXEC, 0, "no debug voip rtp", H_NO H_DEBUG H_RTP)
{ return mdbg_apply(vty, MD_RTP, false); }

CLI_CMD(debug_voip_srtp, MODE_EXEC, 0, "debug " SYN_SRTP, H_DEBUG H_SRTP)
{ return mdbg_apply(vty, srtp_what(a), true); }
CLI_CMD(undebug_voip_srtp, MODE_EXEC, 0, "undebug " SYN_SRTP, H_UNDEBUG H_SRTP)
{ return mdbg_apply(vty, srtp_what(a), false); }
CLI_CMD(no_debug_voip_srtp, MODE_EXEC, 0, "no debug " SYN_SRTP, H_NO H_DEBUG H_SRTP)
{ return mdbg_apply(vty, srtp_what(a), false); }
