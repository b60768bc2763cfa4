/* cmd_show_cfg.c - EXEC show commands that read the configuration model
 * (layer 7): `show dial-peer voice [summary | TAG]`, `show voice class ...
 * [TAG]` (sip-options-keepalive with its dial-peers' keepalive state),
 * `show ip address trusted list` and `show sip-ua timers`.
 * Output formats are recorded in CLI golden transcripts: keep them stable. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/config.h"
#include "sip/keepalive.h"
#include "sip/txn.h"

#define H_SHOW "Show running system information\n"
#define H_DP "Dial Plan Mapping Table for, e.g. VoIP Peers\n" \
	     "Voice type dial peer\n"

/* ------------------------------------------------------------------ */
/* show dial-peer voice summary                                         */

/* Column starts of the CUBE summary table. */
enum { COL_TAG = 0, COL_TYPE = 7, COL_MIN = 13, COL_OPER = 18, COL_PREFIX = 23,
       COL_DEST = 33, COL_PREF = 51, COL_THRU = 55, COL_TARGET = 60, COL_STAT = 75,
       COL_PORT = 80, COL_KEEP = 88 };

struct row {
	char s[512];
	size_t len;
};

/* Put text at column `col` (or one space after the previous field if it ran
 * past that column). */
static void row_put(struct row *r, size_t col, const char *text)
{
	if (!*text)
		return;
	if (r->len > 0 && r->len >= col)
		col = r->len + 1;
	while (r->len < col && r->len < sizeof(r->s) - 1)
		r->s[r->len++] = ' ';
	int n = snprintf(r->s + r->len, sizeof(r->s) - r->len, "%s", text);
	if (n > 0)
		r->len += (size_t)n < sizeof(r->s) - r->len ? (size_t)n : sizeof(r->s) - 1 - r->len;
}

static bool dp_oper_up(const struct cfg_dial_peer *d)
{
	return !d->shutdown && d->target.kind != CFG_TARGET_NONE;
}

CLI_CMD(show_dp_summary, MODE_EXEC, CLI_F_PIPE,
	"show dial-peer voice summary",
	H_SHOW H_DP
	"Dial-peer summary info\n")
{
	const struct cfg *c = vty->cfg;
	vty_out(vty, "dial-peer hunt 0\n");
	vty_out(vty, "             AD                                    PRE PASS"
		     "                OUT\n");
	vty_out(vty, "TAG    TYPE  MIN  OPER PREFIX    DEST-PATTERN      FER THRU"
		     " SESS-TARGET    STAT PORT    KEEPALIVE\n");
	for (size_t i = 0; i < c->dial_peers.n; i++) {
		const struct cfg_dial_peer *d = &c->dial_peers.v[i];
		struct row r = { .len = 0 };
		char num[16], tgt[CFG_TARGET_LEN + 32];
		r.s[0] = '\0';
		snprintf(num, sizeof(num), "%u", (unsigned)d->tag);
		row_put(&r, COL_TAG, num);
		row_put(&r, COL_TYPE, "voip");
		row_put(&r, COL_MIN, d->shutdown ? "down" : "up");
		row_put(&r, COL_OPER, dp_oper_up(d) ? "up" : "down");
		row_put(&r, COL_DEST, d->dest_pattern);
		snprintf(num, sizeof(num), "%2d", d->preference >= 0 ? d->preference : 0);
		row_put(&r, COL_PREF, num);
		row_put(&r, COL_THRU, "syst");
		row_put(&r, COL_TARGET, cfg_target_str(&d->target, tgt, sizeof(tgt)));
		if (d->keepalive) /* busyout, active; idle while not probed (no target, shut down) */
			row_put(&r, COL_KEEP, keepalive_summary_str(keepalive_state(d->tag)));
		vty_out(vty, "%s\n", r.s);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show dial-peer voice TAG                                             */

static const char *or_none(const char *s)
{
	return *s ? s : "none";
}

static const char *transport_or_default(enum cfg_transport t)
{
	return t ? cfg_transport_str(t) : "system";
}

static void show_dp_one(struct vty *vty, const struct cfg_dial_peer *d)
{
	char tgt[CFG_TARGET_LEN + 32];
	static const char *const where[CFG_URI_WHERE_COUNT] = { "via", "request", "to", "from" };
	const char *srtp = d->srtp == CFG_SRTP_ON ? "on"
			 : d->srtp == CFG_SRTP_FALLBACK ? "fallback"
			 : d->srtp == CFG_SRTP_PASSTHRU ? "pass-thru" : "off";

	vty_out(vty, "VoiceOverIpPeer%u\n", (unsigned)d->tag);
	vty_out(vty, "        tag = %u, type = voip,\n", (unsigned)d->tag);
	vty_out(vty, "        Admin state is %s, Operation state is %s,\n",
		d->shutdown ? "down" : "up", dp_oper_up(d) ? "up" : "down");
	vty_out(vty, "        description = `%s',\n", d->description);
	vty_out(vty, "        destination-pattern = `%s',\n", d->dest_pattern);
	vty_out(vty, "        incoming called-number = `%s',\n", d->incoming_called);
	for (int i = 0; i < CFG_URI_WHERE_COUNT; i++)
		vty_out(vty, "        incoming uri %s = %s,\n", where[i],
			or_none(d->incoming_uri[i]));
	vty_out(vty, "        session-protocol = %s,\n", d->session_sipv2 ? "sipv2" : "none");
	vty_out(vty, "        session-target = `%s',\n", cfg_target_str(&d->target, tgt, sizeof(tgt)));
	vty_out(vty, "        session-transport = %s,\n", transport_or_default(d->session_transport));
	vty_out(vty, "        voice-class sip tenant = %s,\n", or_none(d->vc_tenant));
	vty_out(vty, "        voice-class sip srtp-crypto = %s,\n", or_none(d->vc_srtp_crypto));
	vty_out(vty, "        voice-class sip tls-profile = %s,\n", or_none(d->vc_tls_profile));
	if (!d->keepalive)
		vty_out(vty, "        options-keepalive = disabled,\n");
	else if (d->keepalive_profile[0])
		vty_out(vty, "        options-keepalive = enabled, profile = %s,\n",
			d->keepalive_profile);
	else
		vty_out(vty, "        options-keepalive = enabled, profile = default,\n");
	struct keepalive_info ka;
	if (d->keepalive && keepalive_get(d->tag, &ka) == 0)
		vty_out(vty, "        options-keepalive state = %s, up-interval = %u, down-interval = %u, "
			"retry = %u, failures = %u, sent = %lu, answered = %lu, last = `%s',\n",
			keepalive_state_str(ka.state), ka.up_interval, ka.down_interval, ka.retry,
			ka.failures, ka.sent, ka.answered, ka.last);
	else if (d->keepalive)
		vty_out(vty, "        options-keepalive state = idle (not probed),\n");
	vty_out(vty, "        tgrp = `%s', trunk-context = `%s',\n", d->tgrp, d->trunk_context);
	vty_out(vty, "        voice-class codec = %s, codec = %s%s,\n", or_none(d->vc_codec),
		d->codec > CFG_CODEC_NONE && d->codec < CFG_CODEC_COUNT
			? cfg_codec_names[d->codec] : "default", d->no_vad ? ", no vad" : "");
	vty_out(vty, "        voice-class sip early-offer forced = %s,\n",
		d->early_offer == CFG_EO_FORCED ? "enabled"
		: vty->cfg->voice.sip.early_offer_forced ? "system (enabled)" : "system (disabled)");
	vty_out(vty, "        ip media DSCP = %s, ip signaling DSCP = %s,\n",
		cfg_dscp_name((unsigned)cfg_dp_media_tos(d) >> 2), cfg_dscp_name((unsigned)cfg_dp_signaling_tos(d) >> 2));
	vty_out(vty, "        dtmf-relay = %s,\n", d->dtmf_rtp_nte ? "rtp-nte" : "none");
	vty_out(vty, "        srtp = %s,\n", srtp);
	vty_out(vty, "        preference = %d, huntstop = %s\n",
		d->preference >= 0 ? d->preference : 0, d->huntstop ? "enabled" : "disabled");
}

CLI_CMD(show_dp_tag, MODE_EXEC, CLI_F_PIPE,
	"show dial-peer voice <1-2147483647>$tag",
	H_SHOW H_DP
	"Voice dial-peer tag\n")
{
	long tag = cli_num(a, "tag", 0);
	const struct cfg_dial_peer *d = cfg_dial_peer_find(vty->cfg, (uint32_t)tag);
	if (!d)
		return vty_err(vty, "%% Dial-peer %ld does not exist", tag);
	show_dp_one(vty, d);
	return CLI_OK;
}

/* show dial-peer voice: the long listing of every dial-peer, in tag order */
CLI_CMD(show_dp_all, MODE_EXEC, CLI_F_PIPE,
	"show dial-peer voice",
	H_SHOW H_DP)
{
	const struct cfg *c = vty->cfg;
	for (size_t i = 0; i < c->dial_peers.n; i++) {
		if (i)
			vty_out(vty, "\n");
		show_dp_one(vty, &c->dial_peers.v[i]);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show voice class {tls-cipher|tls-profile|srtp-crypto|uri|tenant|codec} [TAG] */

static void show_tls_cipher(struct vty *vty, const struct cfg_tls_cipher *t)
{
	vty_out(vty, "Voice class tls-cipher: %s\n", t->tag);
	vty_out(vty, "  Preference  Cipher-suite                      IANA name\n");
	for (size_t i = 0; i < t->e.n; i++) {
		const struct cfg_tls_cipher_entry *e = &t->e.v[i];
		if (e->cipher <= CFG_CIPHER_NONE || e->cipher >= CFG_CIPHER_COUNT)
			continue;
		vty_out(vty, "  %-10u  %-32s  %s\n", (unsigned)e->pri,
			cfg_cipher_table[e->cipher].name, cfg_cipher_table[e->cipher].iana);
	}
}

static void show_tls_profile(struct vty *vty, const struct cfg_tls_profile *p)
{
	static const char *const val[] = { "none", "server", "client", "bidirectional" };
	vty_out(vty, "Voice class tls-profile: %s\n", p->tag);
	vty_out(vty, "  Description:      %s\n", or_none(p->description));
	vty_out(vty, "  Trustpoint:       %s\n", or_none(p->trustpoint));
	vty_out(vty, "  Cipher class:     %s\n", p->cipher[0] ? p->cipher : "default");
	vty_out(vty, "  CN-SAN validate:  %s\n",
		(unsigned)p->cn_san_validate < 4 ? val[p->cn_san_validate] : "none");
	for (size_t i = 0; i < p->cn_san.n; i++)
		vty_out(vty, "  CN-SAN %-4u       %s\n", (unsigned)p->cn_san.v[i].idx,
			p->cn_san.v[i].name);
	vty_out(vty, "  Client VTP:       %s\n", or_none(p->client_vtp));
	vty_out(vty, "  SNI send:         %s\n", p->sni_send ? "enabled" : "disabled");
	vty_out(vty, "  ECDH curves:     ");
	if (p->curves[0] <= CFG_CURVE_NONE || p->curves[0] >= CFG_CURVE_COUNT)
		vty_out(vty, " default");
	for (int i = 0; i < CFG_CURVE_COUNT && p->curves[i] > CFG_CURVE_NONE &&
			p->curves[i] < CFG_CURVE_COUNT; i++)
		vty_out(vty, " %s", cfg_curve_names[p->curves[i]]);
	vty_out(vty, "\n");
}

static void show_srtp_crypto(struct vty *vty, const struct cfg_srtp_crypto *s)
{
	vty_out(vty, "Voice class srtp-crypto: %s\n", s->tag);
	vty_out(vty, "  Preference  Crypto-suite\n");
	for (size_t i = 0; i < s->e.n; i++)
		if (s->e.v[i].suite > CFG_SUITE_NONE && s->e.v[i].suite < CFG_SUITE_COUNT)
			vty_out(vty, "  %-10u  %s\n", (unsigned)s->e.v[i].pri,
				cfg_suite_names[s->e.v[i].suite]);
}

static void show_uri(struct vty *vty, const struct cfg_uri_class *u)
{
	char tb[CFG_TARGET_LEN + 32];
	vty_out(vty, "Voice class uri: %s sip\n", u->tag);
	for (size_t i = 0; i < u->hosts.n; i++)
		vty_out(vty, "  host:          %s\n", cfg_target_str(&u->hosts.v[i], tb, sizeof(tb)));
	if (u->host_regex[0])
		vty_out(vty, "  host regex:    %s\n", u->host_regex);
	vty_out(vty, "  user-id:       %s\n", or_none(u->user_id));
	vty_out(vty, "  pattern:       %s\n", or_none(u->pattern));
	vty_out(vty, "  tgrp:          %s\n", or_none(u->tgrp));
	vty_out(vty, "  trunk-context: %s\n", or_none(u->trunk_context));
}

static void show_tenant(struct vty *vty, const struct cfg_tenant *t)
{
	char tb[CFG_TARGET_LEN + 32];

	vty_out(vty, "Voice class tenant: %s\n", t->tag);
	vty_out(vty, "  sip-server:         %s\n",
		t->sip_server.kind ? cfg_target_str(&t->sip_server, tb, sizeof(tb)) : "none");
	vty_out(vty, "  session transport:  %s\n", transport_or_default(t->session_transport));
	vty_out(vty, "  url:                %s\n",
		t->url == CFG_URL_SIPS ? "sips" : t->url == CFG_URL_SIP ? "sip" : "system");
	vty_out(vty, "  tls-profile:        %s\n", or_none(t->tls_profile));
	vty_out(vty, "  srtp-crypto:        %s\n", or_none(t->srtp_crypto));
	if (t->listen_secure)
		vty_out(vty, "  listen-port secure: %u\n", (unsigned)t->listen_secure);
	else
		vty_out(vty, "  listen-port secure: system\n");
}

static void show_codec(struct vty *vty, const struct cfg_codec_class *k)
{
	vty_out(vty, "Voice class codec: %s\n", k->tag);
	vty_out(vty, "  Preference  Codec\n");
	for (size_t i = 0; i < k->e.n; i++)
		if (k->e.v[i].codec > CFG_CODEC_NONE && k->e.v[i].codec < CFG_CODEC_COUNT)
			vty_out(vty, "  %-10u  %s\n", (unsigned)k->e.v[i].pref,
				cfg_codec_names[k->e.v[i].codec]);
}

static void show_keepalive(struct vty *vty, const struct cfg_keepalive *k)
{
	vty_out(vty, "Voice class sip-options-keepalive: %s\n", k->tag);
	vty_out(vty, "  Description:    %s\n", or_none(k->description));
	vty_out(vty, "  Up-interval:    %u seconds%s\n", k->up_interval ? (unsigned)k->up_interval : 60u,
		k->up_interval ? "" : " (default)");
	vty_out(vty, "  Down-interval:  %u seconds%s\n", k->down_interval ? (unsigned)k->down_interval : 30u,
		k->down_interval ? "" : " (default)");
	vty_out(vty, "  Retry:          %u%s\n", k->retry ? (unsigned)k->retry : 5u, k->retry ? "" : " (default)");
	vty_out(vty, "  Transport:      %s\n", transport_or_default(k->transport));
	const struct cfg *c = vty->cfg;
	size_t users = 0;
	for (size_t i = 0; i < c->dial_peers.n; i++) {
		const struct cfg_dial_peer *d = &c->dial_peers.v[i];
		if (!d->keepalive || strcmp(d->keepalive_profile, k->tag))
			continue;
		struct keepalive_info ka;
		if (!users++)
			vty_out(vty, "  Dial-peer  State\n");
		vty_out(vty, "  %-9u  %s\n", (unsigned)d->tag,
			keepalive_get(d->tag, &ka) == 0 ? keepalive_state_str(ka.state) : "idle (not probed)");
	}
	if (!users)
		vty_out(vty, "  Dial-peers:     none\n");
}

/* Show one class (tag given: error if absent) or all of one kind. */
#define SHOW_CLASS(vec, findfn, showfn, kindname)                                   \
	do {                                                                        \
		if (tag) {                                                          \
			const void *x_ = findfn(c, tag);                            \
			if (!x_)                                                    \
				return vty_err(vty, "%% Voice class %s %s does not exist", \
					       kindname, tag);                      \
			showfn(vty, x_);                                            \
		} else {                                                            \
			for (size_t i_ = 0; i_ < c->vec.n; i_++) {                  \
				if (i_)                                             \
					vty_out(vty, "\n");                         \
				showfn(vty, &c->vec.v[i_]);                         \
			}                                                           \
		}                                                                   \
	} while (0)

CLI_CMD(show_voice_class, MODE_EXEC, CLI_F_PIPE,
	"show voice class {tls-cipher|tls-profile|srtp-crypto|uri|tenant|codec|sip-options-keepalive} [WORD$tag]",
	H_SHOW
	"Voice configuration\n"
	"Voice class configuration\n"
	"TLS cipher lists\n"
	"TLS profiles\n"
	"SRTP crypto-suite preference lists\n"
	"SIP URI classes\n"
	"Tenant classes\n"
	"Codec preference lists\n"
	"SIP OPTIONS keepalive profiles\n"
	"Voice class tag\n")
{
	const struct cfg *c = vty->cfg;
	const char *tag = cli_get(a, "tag");
	if (cli_has(a, "tls-cipher"))
		SHOW_CLASS(tls_ciphers, cfg_tls_cipher_find, show_tls_cipher, "tls-cipher");
	else if (cli_has(a, "tls-profile"))
		SHOW_CLASS(tls_profiles, cfg_tls_profile_find, show_tls_profile, "tls-profile");
	else if (cli_has(a, "srtp-crypto"))
		SHOW_CLASS(srtp_cryptos, cfg_srtp_crypto_find, show_srtp_crypto, "srtp-crypto");
	else if (cli_has(a, "uri"))
		SHOW_CLASS(uris, cfg_uri_find, show_uri, "uri");
	else if (cli_has(a, "tenant"))
		SHOW_CLASS(tenants, cfg_tenant_find, show_tenant, "tenant");
	else if (cli_has(a, "codec"))
		SHOW_CLASS(codecs, cfg_codec_find, show_codec, "codec");
	else if (cli_has(a, "sip-options-keepalive"))
		SHOW_CLASS(keepalives, cfg_keepalive_find, show_keepalive, "sip-options-keepalive");
	else
		return vty_err(vty, "%% Incomplete command.");
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show ip address trusted list                                         */

CLI_CMD(show_ip_trusted, MODE_EXEC, CLI_F_PIPE,
	"show ip address trusted list",
	H_SHOW
	"IP information\n"
	"IP address\n"
	"Trusted IP addresses for toll fraud prevention\n"
	"Trusted IP address list\n")
{
	const struct cfg *c = vty->cfg;
	char pb[CFG_ADDR_LEN + 32];
	vty_out(vty, "IP Address Trusted Authentication\n");
	vty_out(vty, " Administration State: UP\n");
	vty_out(vty, " Operation State:      UP\n\n");
	vty_out(vty, "Static entries (voice service voip, ip address trusted list):\n");
	for (size_t i = 0; i < c->voice.trusted.n; i++) {
		const struct cfg_prefix *p = &c->voice.trusted.v[i];
		vty_out(vty, "  %s %s\n", p->family == AF_INET6 ? "ipv6" : "ipv4",
			cfg_prefix_str(p, pb, sizeof(pb)));
	}
	vty_out(vty, "Dynamic entries (dial-peer session targets):\n");
	for (size_t i = 0; i < c->dial_peers.n; i++) {
		const struct cfg_dial_peer *d = &c->dial_peers.v[i];
		if (d->shutdown)
			continue;
		if (d->target.kind != CFG_TARGET_IPV4 && d->target.kind != CFG_TARGET_IPV6)
			continue;
		vty_out(vty, "  %s %-40s dial-peer %u\n",
			d->target.kind == CFG_TARGET_IPV6 ? "ipv6" : "ipv4", d->target.host,
			(unsigned)d->tag);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show sip-ua timers                                                   */

CLI_CMD(show_sipua_timers, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua timers",
	H_SHOW
	"SIP User Agent\n"
	"SIP UA timer values (configured and default)\n")
{
	const struct cfg_sip_ua *u = &vty->cfg->sipua;
	vty_out(vty, "SIP UA Timer Values (millisecs unless noted)\n");
	vty_out(vty, "T1 %u, T2 %u, T4 %u (RFC 3261 defaults, not configurable)\n", SIP_T1_MS, SIP_T2_MS,
		SIP_T4_MS);
	vty_out(vty, "transaction timeout (64*T1) %u, INVITE retransmissions on UDP: 6\n", 64 * SIP_T1_MS);
	vty_out(vty, "tls aging %u minutes (%s; timers connection aging tls, default 5)\n",
		u->aging_tls_min ? (unsigned)u->aging_tls_min : 5u, u->aging_tls_min ? "configured" : "default");
	vty_out(vty, "connection establishment %u seconds (TLS) (%s; timers connection establish tls, default 20)\n",
		u->establish_tls_sec ? (unsigned)u->establish_tls_sec : 20u,
		u->establish_tls_sec ? "configured" : "default");
	return CLI_OK;
}
