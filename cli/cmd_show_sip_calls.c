/* cmd_show_sip_calls.c - EXEC `show sip-ua calls` and `show call active voice
 * [brief | compact]` (layer 7): the B2BUA's calls (b2bua_foreach_call) in CUBE's layouts
 * (cube-cli.md 6.3 and 6.4).
 *
 * `show call active voice` prints IOS's long form (a GENERIC: / VOIP: block
 * of Name=value lines per leg), `... compact` one line per leg.
 *
 * Each call is two legs: the A leg (the peer called us: UAS, "Answer") and
 * the B leg (we called the dial-peer's target: UAC, "Originate").  Media
 * fields (addresses, codec by its IOS name, packet counters) come from the
 * relay (struct media_leg_info).
 * Output formats are recorded in CLI golden transcripts: keep them stable. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "sip/b2bua.h"
#include "sip/transport.h"

/* "192.0.2.1" / "2001:db8::1" and the port. */
static const char *nz(const char *s)
{
	return s && s[0] ? s : "-";
}

static bool leg_present(const struct b2bua_leg_info *l)
{
	return l->call_id && l->call_id[0];
}

/* ------------------------------------------------------------------ */
/* show sip-ua calls                                                    */

struct calls_ctx {
	struct vty *vty;
	bool uac;                  /* print B legs (UAC), else A legs (UAS) */
	unsigned n;                /* legs printed */
	unsigned uac_legs, uas_legs;
};

static void count_legs(void *arg, const struct b2bua_call_info *ci)
{
	struct calls_ctx *cc = arg;
	if (leg_present(&ci->a))
		cc->uas_legs++;
	if (leg_present(&ci->b))
		cc->uac_legs++;
}

static void print_leg(void *arg, const struct b2bua_call_info *ci)
{
	struct calls_ctx *cc = arg;
	struct vty *vty = cc->vty;
	const struct b2bua_leg_info *l = cc->uac ? &ci->b : &ci->a;
	char h[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], dur[32];
	struct sockaddr_storage local;
	struct sip_dest d;

	if (!leg_present(l))
		return;
	memset(&d, 0, sizeof(d));
	d.proto = l->proto;
	d.addr = l->remote;
	d.udp_fd = -1;
	if (sip_transport_local_for(&d, &local))
		memset(&local, 0, sizeof(local));
	cc->n++;
	vty_out(vty, "Call %u\n", cc->n);
	vty_out(vty, "SIP Call ID                : %s\n", l->call_id);
	vty_out(vty, "   State of the call       : %s%s\n", ci->state,
		!strcmp(ci->state, "STATE_ACTIVE") ? " (7)" : "");
	vty_out(vty, "   Calling Number          : %s\n", nz(l->calling));
	vty_out(vty, "   Called Number           : %s\n", nz(l->called));
	vty_out(vty, "   CC Call ID              : %u\n", (unsigned)ci->id);
	vty_out(vty, "   Local Tag               : %s\n", nz(l->local_tag));
	vty_out(vty, "   Remote Tag              : %s\n", nz(l->remote_tag));
	vty_out(vty, "   Source IP Address (Sig ): %s\n", cmdu_ip_str(&local, src, sizeof(src)));
	cmdu_ip_str(&l->remote, h, sizeof(h));
	vty_out(vty, "   Destn SIP Req Addr:Port : [%s]:%u\n", h, (unsigned)sip_addr_port(&l->remote));
	vty_out(vty, "   Destn SIP Resp Addr:Port: [%s]:%u\n", h, (unsigned)sip_addr_port(&l->remote));
	vty_out(vty, "   Destination Name        : %s\n", h);
	vty_out(vty, "   Transport               : %s", sip_proto_upper(l->proto));
	if (l->conn_id)
		vty_out(vty, " (Conn-Id %u)", (unsigned)l->conn_id);
	vty_out(vty, "\n");
	vty_out(vty, "   Dial-peer               : %u\n", (unsigned)l->dial_peer);
	if (ci->connect) {
		time_t s = time(NULL) - ci->connect;
		snprintf(dur, sizeof(dur), "%02ld:%02ld:%02ld", (long)(s / 3600), (long)(s % 3600 / 60),
			 (long)(s % 60));
	} else {
		snprintf(dur, sizeof(dur), "not connected");
	}
	vty_out(vty, "   Duration                : %s\n", dur);
	const struct media_leg_info *mi = &l->media;
	char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];
	vty_out(vty, "   Number of Media Streams : %d\n", mi->active ? 1 : 0);
	vty_out(vty, "   Media Mode              : flow-through\n");
	if (mi->active || mi->local.ss_family) {
		vty_out(vty, "   Media Stream 1\n");
		vty_out(vty, "     State of the stream      : %s\n", mi->active ? "STREAM_ACTIVE" : "STREAM_IDLE");
		vty_out(vty, "     Negotiated Codec         : %s\n", cmdu_codec_ios(mi->codec));
		vty_out(vty, "     Media Source IP Addr:Port: [%s]:%u\n", cmdu_ip_str(&mi->local, la, sizeof(la)),
			(unsigned)sip_addr_port(&mi->local));
		vty_out(vty, "     Media Dest IP Addr:Port  : [%s]:%u\n", cmdu_ip_str(&mi->remote, ra, sizeof(ra)),
			(unsigned)sip_addr_port(&mi->remote));
		vty_out(vty, "     Local Crypto Suite       : %s\n", mi->srtp ? mi->local_suite : "none (RTP)");
		vty_out(vty, "     Remote Crypto Suite      : %s\n", mi->srtp ? mi->remote_suite : "none (RTP)");
		vty_out(vty, "     Packets rx/tx            : %llu/%llu\n", (unsigned long long)mi->rx_packets,
			(unsigned long long)mi->tx_packets);
	}
	vty_out(vty, "   Options-Ping    ENABLED:NO    ACTIVE:NO\n");
}

CLI_CMD(show_sipua_calls, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua calls",
	"Show running system information\n"
	"SIP User Agent\n"
	"SIP UA Calls Information\n")
{
	struct calls_ctx cc = { .vty = vty };
	b2bua_foreach_call(count_legs, &cc);
	vty_out(vty, "Total SIP call legs:%u, User Agent Client:%u, User Agent Server:%u\n",
		cc.uac_legs + cc.uas_legs, cc.uac_legs, cc.uas_legs);
	vty_out(vty, "SIP UAC CALL INFO\n");
	cc.uac = true;
	cc.n = 0;
	b2bua_foreach_call(print_leg, &cc);
	vty_out(vty, "   Number of SIP User Agent Client(UAC) calls: %u\n\n", cc.n);
	vty_out(vty, "SIP UAS CALL INFO\n");
	cc.uac = false;
	cc.n = 0;
	b2bua_foreach_call(print_leg, &cc);
	vty_out(vty, "   Number of SIP User Agent Server(UAS) calls: %u\n", cc.n);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show call active voice brief                                         */

/* One leg of a call in one of the layouts (leg A of call N is 2N-1, B is 2N). */
typedef void (*leg_fn)(struct vty *vty, const struct b2bua_call_info *ci, const struct b2bua_leg_info *l,
		       unsigned leg_no);

struct active_ctx {
	struct vty *vty;
	unsigned legs;
	leg_fn print;
};

static void count_active(void *arg, const struct b2bua_call_info *ci)
{
	struct active_ctx *ac = arg;
	ac->legs += leg_present(&ci->a) + leg_present(&ci->b);
}

static const char *leg_state(const char *call_state)
{
	if (!strcmp(call_state, "STATE_ACTIVE"))
		return "connected";
	if (!strcmp(call_state, "STATE_EARLY"))
		return "alerting";
	if (!strcmp(call_state, "STATE_CALLING"))
		return "setup";
	return "disconnecting";
}

static void print_active_leg(struct vty *vty, const struct b2bua_call_info *ci,
			     const struct b2bua_leg_info *l, unsigned leg_no)
{
	char when[64], h[INET6_ADDRSTRLEN];
	struct tm tm;
	time_t now = time(NULL);
	long dur = ci->connect ? (long)(now - ci->connect) : 0;
	long setup_ms = ci->connect ? (long)(ci->connect - ci->start) * 1000 : 0;

	localtime_r(&ci->start, &tm);
	strftime(when, sizeof(when), "%H:%M:%S.000 %Z %a %b %d %Y", &tm);
	vty_out(vty, "%X : %u %s.%u +%ld pid:%u %s %s %s\n", (unsigned)ci->id, leg_no, when,
		leg_no, setup_ms, (unsigned)l->dial_peer, l->answer ? "Answer" : "Originate",
		nz(l->answer ? l->calling : l->called), leg_state(ci->state));
	const struct media_leg_info *mi = &l->media;
	vty_out(vty, " dur %02ld:%02ld:%02ld tx:%llu/%llu rx:%llu/%llu dscp:0 media:0\n", dur / 3600,
		dur % 3600 / 60, dur % 60, (unsigned long long)mi->tx_packets, (unsigned long long)mi->tx_bytes,
		(unsigned long long)mi->rx_packets, (unsigned long long)mi->rx_bytes);
	vty_out(vty, " IP %s:%u SRTP: %s rtt:0ms pl:0/0ms lost:%llu/0/0 delay:0/0/0ms %s TextRelay: off\n",
		cmdu_ip_str(&l->remote, h, sizeof(h)), (unsigned)sip_addr_port(&l->remote), mi->srtp ? "on" : "off",
		(unsigned long long)mi->lost, cmdu_codec_ios(mi->codec));
}

/* b2bua_foreach_call: each present leg through ac->print */
static void print_call(void *arg, const struct b2bua_call_info *ci)
{
	struct active_ctx *ac = arg;
	if (leg_present(&ci->a))
		ac->print(ac->vty, ci, &ci->a, ci->id * 2 - 1);
	if (leg_present(&ci->b))
		ac->print(ac->vty, ci, &ci->b, ci->id * 2);
}

static void print_legs_total(struct vty *vty, unsigned legs)
{
	vty_out(vty, "Telephony call-legs: 0\n");
	vty_out(vty, "SIP call-legs: %u\n", legs);
	vty_out(vty, "H323 call-legs: 0\n");
	vty_out(vty, "Call agent controlled call-legs: 0\n");
	vty_out(vty, "SCCP call-legs: 0\n");
	vty_out(vty, "Multicast call-legs: 0\n");
	vty_out(vty, "Total call-legs: %u\n", legs);
}

CLI_CMD(show_call_active_brief, MODE_EXEC, CLI_F_PIPE,
	"show call active voice brief",
	"Show running system information\n"
	"Show call information\n"
	"Active call table\n"
	"Voice calls\n"
	"Brief report of voice calls\n")
{
	struct active_ctx ac = { vty, 0, print_active_leg };
	b2bua_foreach_call(count_active, &ac);
	vty_out(vty, "<ID>: <CallID> <start>.<index> +<connect-ms> pid:<peer_id> <dir> <addr> <state>\n");
	vty_out(vty, "  dur hh:mm:ss tx:<packets>/<bytes> rx:<packets>/<bytes> dscp:<packets violation>"
		     " media:<packets violation>\n");
	vty_out(vty, "  IP <signalling ip>:<port> SRTP: <on|off> rtt:<time>ms pl:<play>/<gap>ms"
		     " lost:<lost>/<early>/<late> delay:<last>/<min>/<max>ms <codec> TextRelay: <on|off>\n\n");
	print_legs_total(vty, ac.legs);
	b2bua_foreach_call(print_call, &ac);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show call active voice [compact]                                     */

static void print_long_leg(struct vty *vty, const struct b2bua_call_info *ci, const struct b2bua_leg_info *l,
			   unsigned leg_no)
{
	const struct media_leg_info *mi = &l->media;
	char h[INET6_ADDRSTRLEN], mr[INET6_ADDRSTRLEN], ml[INET6_ADDRSTRLEN], when[64];
	struct tm tm;
	time_t now = time(NULL);
	long dur = ci->connect ? (long)(now - ci->connect) : 0;

	localtime_r(&ci->start, &tm);
	strftime(when, sizeof(when), "%H:%M:%S %Z %a %b %d %Y", &tm);
	vty_out(vty, "\nGENERIC:\n");
	vty_out(vty, "SetupTime=%s\n", when);
	vty_out(vty, "Index=%u\n", leg_no);
	vty_out(vty, "PeerAddress=%s\n", nz(l->answer ? l->calling : l->called));
	vty_out(vty, "PeerId=%u\n", (unsigned)l->dial_peer);
	if (ci->connect) {
		localtime_r(&ci->connect, &tm);
		strftime(when, sizeof(when), "%H:%M:%S %Z %a %b %d %Y", &tm);
		vty_out(vty, "ConnectTime=%s\n", when);
	} else {
		vty_out(vty, "ConnectTime=not connected\n");
	}
	vty_out(vty, "CallDuration=%02ld:%02ld:%02ld sec\n", dur / 3600, dur % 3600 / 60, dur % 60);
	vty_out(vty, "CallState=%s\n", leg_state(ci->state));
	vty_out(vty, "CallOrigin=%s\n", l->answer ? "answer" : "originate");
	vty_out(vty, "InfoType=speech\n");
	vty_out(vty, "TransmitPackets=%llu\n", (unsigned long long)mi->tx_packets);
	vty_out(vty, "TransmitBytes=%llu\n", (unsigned long long)mi->tx_bytes);
	vty_out(vty, "ReceivePackets=%llu\n", (unsigned long long)mi->rx_packets);
	vty_out(vty, "ReceiveBytes=%llu\n", (unsigned long long)mi->rx_bytes);
	vty_out(vty, "VOIP:\n");
	vty_out(vty, "CallID=%u\n", (unsigned)ci->id);
	vty_out(vty, "ProtocolCallId=%s\n", l->call_id);
	vty_out(vty, "SessionProtocol=sipv2\n");
	vty_out(vty, "SessionTransport=%s\n", sip_proto_upper(l->proto));
	cmdu_ip_str(&l->remote, h, sizeof(h));
	vty_out(vty, "RemoteSignallingIPAddress=%s\n", h);
	vty_out(vty, "RemoteSignallingPort=%u\n", (unsigned)sip_addr_port(&l->remote));
	vty_out(vty, "RemoteMediaIPAddress=%s\n", cmdu_ip_str(&mi->remote, mr, sizeof(mr)));
	vty_out(vty, "RemoteMediaPort=%u\n", (unsigned)sip_addr_port(&mi->remote));
	vty_out(vty, "LocalMediaIPAddress=%s\n", cmdu_ip_str(&mi->local, ml, sizeof(ml)));
	vty_out(vty, "LocalMediaPort=%u\n", (unsigned)sip_addr_port(&mi->local));
	vty_out(vty, "SRTP = %s\n", mi->srtp ? "on" : "off");
	if (mi->srtp) {
		vty_out(vty, "LocalCryptoSuite=%s\n", mi->local_suite);
		vty_out(vty, "RemoteCryptoSuite=%s\n", mi->remote_suite);
	}
	vty_out(vty, "CoderTypeRate=%s\n", cmdu_codec_ios(mi->codec));
	vty_out(vty, "LostPackets=%llu\n", (unsigned long long)mi->lost);
	vty_out(vty, "CallingNumber=%s\n", nz(l->calling));
	vty_out(vty, "CalledNumber=%s\n", nz(l->called));
}


CLI_CMD(show_call_active_long, MODE_EXEC, CLI_F_PIPE,
	"show call active voice",
	"Show running system information\n"
	"Show call information\n"
	"Active call table\n"
	"Voice calls\n")
{
	struct active_ctx ac = { vty, 0, print_long_leg };
	b2bua_foreach_call(count_active, &ac);
	print_legs_total(vty, ac.legs);
	b2bua_foreach_call(print_call, &ac);
	return CLI_OK;
}

static void compact_leg(struct vty *vty, const struct b2bua_call_info *ci, const struct b2bua_leg_info *l,
			unsigned leg_no)
{
	const struct media_leg_info *mi = &l->media;
	char h[INET6_ADDRSTRLEN], t[16], peer[72], ip[INET6_ADDRSTRLEN + 8];
	long dur = ci->connect ? (long)(time(NULL) - ci->connect) : 0;
	snprintf(t, sizeof(t), "T%ld", dur);
	snprintf(peer, sizeof(peer), "P%s", nz(l->answer ? l->calling : l->called));
	if (mi->remote.ss_family)
		snprintf(ip, sizeof(ip), "%s:%u", cmdu_ip_str(&mi->remote, h, sizeof(h)),
			 (unsigned)sip_addr_port(&mi->remote));
	else
		snprintf(ip, sizeof(ip), "-");
	vty_out(vty, " %9u %-3s %-3s %-6s %-11s %-10s %-18s %s\n", leg_no, l->answer ? "ANS" : "ORG", "",
		t, cmdu_codec_ios(mi->codec), "VOIP", peer, ip);
}


CLI_CMD(show_call_active_compact, MODE_EXEC, CLI_F_PIPE,
	"show call active voice compact",
	"Show running system information\n"
	"Show call information\n"
	"Active call table\n"
	"Voice calls\n"
	"Compact report of voice calls (one line per call leg)\n")
{
	struct active_ctx ac = { vty, 0, compact_leg };
	b2bua_foreach_call(count_active, &ac);
	vty_out(vty, " %9s %-3s %-3s %-6s %-11s %-10s %-18s %s\n", "<callID>", "A/O", "FAX", "T<sec>", "Codec",
		"type", "Peer Address", "IP R<ip>:<udp>");
	vty_out(vty, "Total call-legs: %u\n", ac.legs);
	b2bua_foreach_call(print_call, &ac);
	return CLI_OK;
}
