/* cmd_show_sip.c - EXEC `show sip-ua connections {udp | tcp | tcp tls}
 * {brief | detail}` and `show sip-ua status` (layer 7).
 *
 * The connection report follows CUBE's layout (cube-cli.md 6.1): the header
 * counters with aligned colons, the "Printing Detailed Connection Report"
 * block with one Remote-Agent group per peer address, and the listen-socket
 * table.  Tollgate adds, in `tcp tls detail`, one block per TLS connection
 * (direction, SNI, peer certificate, verification, CertificateRequest,
 * trustpoint, age, messages) and the last failed handshakes with their
 * reasons; and, for TCP and TLS in brief and detail, the last connections
 * that could not be made (time, remote, dial-peer, reason).  The counters are
 * those of the transport shown.  Everything is read from the transport (sip/transport.h) and the
 * TLS sessions (tls_session_info) at the time of the command.
 * Output formats are recorded in CLI golden transcripts: keep them stable. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "sip/txn.h"
#include "cli/vty.h"
#include "core/config.h"
#include "core/dns.h"
#include "sip/sip_runtime.h"
#include "sip/tls.h"
#include "sip/transport.h"

#define H_SHOW_UA "Show running system information\n" \
		  "SIP User Agent\n"

/* ------------------------------------------------------------------ */
/* helpers                                                              */

/* The address without the port: "192.0.2.1", "2001:db8::1". */
static const char *host_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const void *a = ss->ss_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	if (!inet_ntop(ss->ss_family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

/* "2d03h", "01:02:03" */
static void age_str(time_t secs, char *buf, size_t n)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 86400)
		snprintf(buf, n, "%ldd%02ldh", (long)(secs / 86400), (long)(secs % 86400 / 3600));
	else
		snprintf(buf, n, "%02ld:%02ld:%02ld", (long)(secs / 3600), (long)(secs % 3600 / 60),
			 (long)(secs % 60));
}

/* OpenSSL spelling of an IANA TLS 1.2 suite, as CUBE shows it:
 * TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -> ECDHE-RSA-AES256-GCM-SHA384,
 * TLS_RSA_WITH_AES_128_CBC_SHA -> AES128-SHA.  TLS 1.3 names stay as they are. */
static const char *cipher_openssl(const char *iana, char *buf, size_t n)
{
	static const struct { const char *from, *to; } kx[] = {
		{ "ECDHE_RSA", "ECDHE-RSA-" }, { "ECDHE_ECDSA", "ECDHE-ECDSA-" },
		{ "DHE_RSA", "DHE-RSA-" }, { "RSA", "" },
	};
	static const struct { const char *from, *to; bool aead; } ciph[] = {
		{ "AES_128_GCM", "AES128-GCM", false }, { "AES_256_GCM", "AES256-GCM", false },
		{ "AES_128_CBC", "AES128", false }, { "AES_256_CBC", "AES256", false },
		{ "CHACHA20_POLY1305", "CHACHA20-POLY1305", true },
	};
	const char *w = strstr(iana, "_WITH_");
	snprintf(buf, n, "%s", iana);
	if (strncmp(iana, "TLS_", 4) || !w)
		return buf;
	size_t kl = (size_t)(w - iana - 4);
	const char *k = NULL;
	for (size_t i = 0; i < sizeof(kx) / sizeof(kx[0]); i++)
		if (strlen(kx[i].from) == kl && !strncmp(iana + 4, kx[i].from, kl))
			k = kx[i].to;
	const char *rest = w + 6;
	for (size_t i = 0; k && i < sizeof(ciph) / sizeof(ciph[0]); i++) {
		size_t cl = strlen(ciph[i].from);
		if (strncmp(rest, ciph[i].from, cl) || rest[cl] != '_')
			continue;
		if (ciph[i].aead)
			snprintf(buf, n, "%s%s", k, ciph[i].to);
		else
			snprintf(buf, n, "%s%s-%s", k, ciph[i].to, rest + cl + 1);
		return buf;
	}
	return buf;
}

/* CUBE's curve column: P-256, P-384, P-521, X25519. */
static const char *curve_short(const char *cfgname)
{
	if (!strcmp(cfgname, "secp256r1")) return "P-256";
	if (!strcmp(cfgname, "secp384r1")) return "P-384";
	if (!strcmp(cfgname, "secp521r1")) return "P-521";
	if (!strcmp(cfgname, "x25519")) return "X25519";
	if (!strcmp(cfgname, "x448")) return "X448";
	return cfgname;
}

/* ------------------------------------------------------------------ */
/* show sip-ua connections                                              */

#define MAX_ROWS 4096

struct conns {
	enum sip_proto proto;
	struct sip_conn_info *v;   /* owned */
	size_t n, cap;
	size_t total;              /* of this protocol, including rows not kept */
};

static void collect_conn(void *arg, const struct sip_conn_info *ci)
{
	struct conns *cs = arg;
	if (ci->proto != cs->proto)
		return;
	cs->total++;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 16;
		if (cap > MAX_ROWS)
			return;
		struct sip_conn_info *v = realloc(cs->v, cap * sizeof(*v));
		if (!v)
			return;
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n++] = *ci;
}

struct listen_ctx {
	struct vty *vty;
	enum sip_proto proto;
};

static const char *tenant_of_port(const struct cfg *c, enum sip_proto p, uint16_t port)
{
	if (p != SIP_PROTO_TLS)
		return "0";
	for (size_t i = 0; i < c->tenants.n; i++)
		if (c->tenants.v[i].listen_secure == port)
			return c->tenants.v[i].tag;
	return "0";
}

static void print_listener(void *arg, const struct sip_listen_info *li)
{
	struct listen_ctx *lc = arg;
	char h[INET6_ADDRSTRLEN], addr[80];
	if (li->proto != lc->proto)
		return;
	snprintf(addr, sizeof(addr), "[%s]:%u:", host_str(&li->addr, h, sizeof(h)),
		 (unsigned)sip_addr_port(&li->addr));
	vty_out(lc->vty, "  %-13u %-44s %s\n", (unsigned)li->id, addr,
		tenant_of_port(lc->vty->cfg, li->proto, sip_addr_port(&li->addr)));
}

static void print_counters(struct vty *vty, enum sip_proto p, size_t total)
{
	const struct sip_transport_stats *st = sip_transport_stats(p);
	vty_out(vty, "Total active connections      : %zu\n", total);
	vty_out(vty, "No. of send failures          : %lu\n", st->send_failures);
	vty_out(vty, "No. of remote closures        : %lu\n", st->remote_closures);
	vty_out(vty, "No. of conn. failures         : %lu\n", st->conn_failures);
	vty_out(vty, "No. of inactive conn. ageouts : %lu\n", st->ageouts);
	if (p != SIP_PROTO_UDP && st->max_queue)
		vty_out(vty, "Max. %s send msg queue size of %zu, recorded for %s\n",
			p == SIP_PROTO_TLS ? "tls" : "tcp", st->max_queue, st->max_queue_peer);
	if (p == SIP_PROTO_TLS) {
		vty_out(vty, "TLS client handshake failures : %lu\n", st->tls_client_hs_failures);
		vty_out(vty, "TLS server handshake failures : %lu\n", st->tls_server_hs_failures);
	}
}

struct cfail_ctx {
	struct vty *vty;
	int n;
};

static void print_conn_failure(void *arg, const struct sip_conn_failure *f)
{
	struct cfail_ctx *fc = arg;
	char when[40], r[80], dp[16] = "-";
	struct tm tm;
	localtime_r(&f->when, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
	if (f->dial_peer)
		snprintf(dp, sizeof(dp), "%u", (unsigned)f->dial_peer);
	if (!fc->n++) {
		vty_out(fc->vty, "  Time            Remote-Address         Dial-Peer Reason\n");
		vty_out(fc->vty, "  =============== ====================== ========= ======\n");
	}
	vty_out(fc->vty, "  %-15s %-22s %-9s %s\n", when, sip_addr_str(&f->remote, r, sizeof(r)), dp, f->reason);
}

/* Tollgate extension: the connections of this transport that could not be made. */
static void print_conn_failures(struct vty *vty, enum sip_proto p)
{
	struct cfail_ctx fc = { vty, 0 };
	if (p == SIP_PROTO_UDP)
		return;
	vty_out(vty, "\n-------------- Last Connection Failures (up to %d) ---------------\n", SIP_CONN_FAIL_KEEP);
	sip_transport_foreach_conn_failure(p, print_conn_failure, &fc);
	if (!fc.n)
		vty_out(vty, "  None\n");
}

static void print_listeners(struct vty *vty, enum sip_proto p)
{
	struct listen_ctx lc = { vty, p };
	vty_out(vty, "\n-------------- SIP Transport Layer Listen Sockets ---------------\n");
	vty_out(vty, "  Conn-Id             Local-Address                      Tenant\n");
	vty_out(vty, " ==========    ===========================              ========\n");
	sip_transport_foreach_listener(print_listener, &lc);
}

static void print_note(struct vty *vty)
{
	vty_out(vty, "\n---------Printing Detailed Connection Report---------\n");
	vty_out(vty, "Note:\n");
	vty_out(vty, " ** Tuples with no matching socket entry\n");
	vty_out(vty, "    - Do 'clear sip <tcp[tls]/udp> conn t ipv4:<addr>:<port>'\n");
	vty_out(vty, "      to overcome this error condition\n");
	vty_out(vty, " ++ Tuples with mismatched address/port entry\n");
	vty_out(vty, "    - Do 'clear sip <tcp[tls]/udp> conn t ipv4:<addr>:<port> id <connid>'\n");
	vty_out(vty, "      to overcome this error condition\n");
	vty_out(vty, " * Connections with SIP OAuth ports\n");
}

/* One table row of a connection (CUBE columns). */
static void print_row(struct vty *vty, const struct sip_conn_info *ci)
{
	char local[80];
	vty_out(vty, "  %11u %7u %-11s %11zu %-38s", (unsigned)sip_addr_port(&ci->remote),
		(unsigned)ci->id, ci->state, ci->writeq, sip_addr_str(&ci->local, local, sizeof(local)));
	if (ci->proto == SIP_PROTO_TLS) {
		struct tls_conn_info ti;
		char ciph[96];
		const char *ver = "-", *cs = "-", *cv = "";
		if (ci->tls) {
			tls_session_info(ci->tls, &ti);
			if (ti.established) {
				ver = ti.version;
				cs = cipher_openssl(ti.cipher, ciph, sizeof(ciph));
				cv = curve_short(ti.curve);
			}
		}
		vty_out(vty, " %11s %34s %-5s", ver, cs, cv);
	}
	vty_out(vty, " %5d\n", 0);
}

static void print_groups(struct vty *vty, struct conns *cs)
{
	bool *done = calloc(cs->n ? cs->n : 1, sizeof(bool));
	if (!done)
		return;
	for (size_t i = 0; i < cs->n; i++) {
		if (done[i])
			continue;
		size_t cnt = 0;
		for (size_t j = i; j < cs->n; j++)
			if (!done[j] && cs->v[j].remote.ss_family == cs->v[i].remote.ss_family) {
				char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
				if (!strcmp(host_str(&cs->v[j].remote, a, sizeof(a)),
					    host_str(&cs->v[i].remote, b, sizeof(b))))
					cnt++;
			}
		char h[INET6_ADDRSTRLEN];
		host_str(&cs->v[i].remote, h, sizeof(h));
		vty_out(vty, "\nRemote-Agent:%s, Connections-Count:%zu\n", h, cnt);
		if (cs->proto == SIP_PROTO_TLS) {
			vty_out(vty, "  Remote-Port Conn-Id Conn-State  WriteQ-Size            Local-Address"
				     "               TLS-Version                Cipher              Curve Tenant\n");
			vty_out(vty, "  =========== ======= =========== =========== ======================"
				     "================ =========== ================================== ===== ======\n");
		} else {
			vty_out(vty, "  Remote-Port Conn-Id Conn-State  WriteQ-Size            Local-Address"
				     "               Tenant\n");
			vty_out(vty, "  =========== ======= =========== =========== ======================"
				     "================ ======\n");
		}
		for (size_t j = i; j < cs->n; j++) {
			char a[INET6_ADDRSTRLEN];
			if (done[j] || cs->v[j].remote.ss_family != cs->v[i].remote.ss_family ||
			    strcmp(host_str(&cs->v[j].remote, a, sizeof(a)), h))
				continue;
			done[j] = true;
			print_row(vty, &cs->v[j]);
		}
	}
	free(done);
}

static void print_cert(struct vty *vty, const struct tls_cert_desc *d)
{
	char exp[64];
	struct tm tm;
	gmtime_r(&d->not_after, &tm);
	strftime(exp, sizeof(exp), "%Y-%m-%d %H:%M:%S UTC", &tm);
	vty_out(vty, "    Peer certificate      : %s\n", d->subject[0] ? d->subject : "-");
	vty_out(vty, "      SAN                 : %s\n", d->sans[0] ? d->sans : "none");
	vty_out(vty, "      Issuer              : %s\n", d->issuer[0] ? d->issuer : "-");
	if (d->days_left < 0)
		vty_out(vty, "      Expires             : %s (expired %ld days ago)\n", exp, -d->days_left);
	else
		vty_out(vty, "      Expires             : %s (%ld days left)\n", exp, d->days_left);
}

/* Tollgate extension: what an engineer needs to know about each TLS connection. */
static void print_tls_details(struct vty *vty, const struct conns *cs)
{
	time_t now = time(NULL);
	vty_out(vty, "\n-------------- TLS Connection Details ---------------\n");
	if (!cs->n)
		vty_out(vty, "  No TLS connections\n");
	for (size_t i = 0; i < cs->n; i++) {
		const struct sip_conn_info *ci = &cs->v[i];
		struct tls_conn_info ti;
		char r[80], l[80], age[32], idle[32];
		if (!ci->tls)
			continue;
		tls_session_info(ci->tls, &ti);
		age_str(now - ci->created, age, sizeof(age));
		age_str(now - ci->last, idle, sizeof(idle));
		vty_out(vty, "\n  Conn-Id %u, %s, %s\n", (unsigned)ci->id, ci->outbound ? "outbound" : "inbound",
			ci->state);
		vty_out(vty, "    Remote / Local        : %s / %s\n", sip_addr_str(&ci->remote, r, sizeof(r)),
			sip_addr_str(&ci->local, l, sizeof(l)));
		if (ti.established)
			vty_out(vty, "    Version / Cipher      : %s %s, curve %s\n", ti.version, ti.cipher,
				ti.curve[0] ? ti.curve : "none");
		if (ci->outbound)
			vty_out(vty, "    SNI sent              : %s\n", ti.sni[0] ? ti.sni : "none");
		else
			vty_out(vty, "    SNI received          : %s\n", ti.sni[0] ? ti.sni : "none");
		if (ci->outbound && ci->tls_name && ci->tls_name[0])
			vty_out(vty, "    Expected peer name    : %s\n", ci->tls_name);
		if (ti.n_peer)
			print_cert(vty, &ti.peer[0]);
		else
			vty_out(vty, "    Peer certificate      : none\n");
		if (ti.n_peer > 1)
			vty_out(vty, "      Chain sent by peer  : %zu certificates\n", ti.n_peer);
		vty_out(vty, "    Verification          : %s\n", ti.verify);
		vty_out(vty, "    CertificateRequest    : %s\n",
			ti.cert_request_sent ? "sent" : ti.cert_request_received ? "received" : "none");
		if (ti.cert_request_received)
			vty_out(vty, "    Our certificate sent  : %s\n", ti.cert_sent ? "yes" : "no");
		vty_out(vty, "    Trustpoint            : %s\n", ti.trustpoint[0] ? ti.trustpoint : "none");
		vty_out(vty, "    Age / idle            : %s / %s\n", age, idle);
		vty_out(vty, "    Messages in / out     : %lu / %lu\n", ci->msgs_in, ci->msgs_out);
		if (ti.reason[0])
			vty_out(vty, "    Failure reason        : %s\n", ti.reason);
	}
}

struct fail_ctx {
	struct vty *vty;
	int n;
};

static void print_fail_line(void *arg, const char *line)
{
	vty_out(arg, "%s\n", line);
}

/* Where a failed handshake's TLS policy comes from in the running-config, in
 * the order sip_runtime.c picks it (dial-peer tls-profile, tenant tls-profile,
 * crypto signaling remote-addr, default); "" when the running-config no longer
 * gives that policy (changed since the failure). */
static void policy_level(const struct cfg *c, const struct sip_tls_failure *f, char *buf, size_t sz)
{
	const struct tls_fail_detail *d = &f->detail;
	const struct cfg_dial_peer *dp = f->outbound ? cfg_dial_peer_find(c, f->dial_peer) : NULL;
	const struct cfg_tenant *ten = dp && dp->vc_tenant[0] ? cfg_tenant_find(c, dp->vc_tenant) : NULL;
	const char *prof = NULL, *tp = NULL;

	buf[0] = '\0';
	if (!c || !d->valid || (f->outbound && !dp))
		return;
	if (dp && dp->vc_tls_profile[0]) {
		prof = dp->vc_tls_profile;
		snprintf(buf, sz, "dial-peer %u voice-class sip tls-profile", (unsigned)f->dial_peer);
	} else if (ten && ten->tls_profile[0]) {
		prof = ten->tls_profile;
		snprintf(buf, sz, "voice class tenant %s tls-profile", ten->tag);
	} else {
		for (size_t i = 0; i < c->sipua.remote.n && !buf[0]; i++) {
			const struct cfg_crypto_sig *sig = &c->sipua.remote.v[i].sig;

			if (!cfg_prefix_contains(&c->sipua.remote.v[i].prefix, &f->remote))
				continue;
			prof = sig->tls_profile[0] ? sig->tls_profile : NULL;
			tp = sig->trustpoint;
			snprintf(buf, sz, "crypto signaling remote-addr (line %zu)", i + 1);
		}
		if (!buf[0] && f->outbound && c->sipua.def_tls_profile[0]) {
			prof = c->sipua.def_tls_profile;
			snprintf(buf, sz, "crypto signaling default tls-profile");
		} else if (!buf[0]) {
			tp = c->sipua.def_tp.trustpoint;
			snprintf(buf, sz, "crypto signaling default");
		}
	}
	if (prof ? strcmp(prof, d->profile) != 0 : (d->profile[0] || !tp || strcmp(tp, d->trustpoint)))
		buf[0] = '\0';
}

static void print_failure(void *arg, const struct sip_tls_failure *f)
{
	struct fail_ctx *fc = arg;
	char when[40], l[80], r[80], level[128];
	struct tm tm;
	localtime_r(&f->when, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
	if (!fc->n++) {
		vty_out(fc->vty, "  Time            Conn-Id Direction Local-Address          Remote-Address"
				 "         Reason\n");
		vty_out(fc->vty, "  =============== ======= ========= ====================== =============="
				 "======== ======\n");
	}
	vty_out(fc->vty, "  %-15s %7u %-9s %-22s %-22s %s\n", when, (unsigned)f->conn_id,
		f->outbound ? "outbound" : "inbound", sip_addr_str(&f->local, l, sizeof(l)),
		sip_addr_str(&f->remote, r, sizeof(r)), f->reason);
	policy_level(fc->vty->cfg, f, level, sizeof(level));
	tls_fail_lines(&f->detail, f->dial_peer, level, time(NULL), print_fail_line, fc->vty);
}

static int by_id(const void *x, const void *y)
{
	const struct sip_conn_info *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int show_conns(struct vty *vty, enum sip_proto p, bool detail)
{
	struct conns cs = { .proto = p };
	sip_transport_foreach_conn(collect_conn, &cs);
	if (cs.n > 1)
		qsort(cs.v, cs.n, sizeof(cs.v[0]), by_id);
	print_counters(vty, p, cs.total);
	print_conn_failures(vty, p);
	if (detail) {
		print_note(vty);
		print_groups(vty, &cs);
		if (cs.total > cs.n)
			vty_out(vty, "\n  (%zu more connections not shown)\n", cs.total - cs.n);
		if (p == SIP_PROTO_TLS) {
			struct fail_ctx fc = { vty, 0 };
			print_tls_details(vty, &cs);
			vty_out(vty, "\n-------------- Last Failed TLS Handshakes (up to 16) ---------------\n");
			sip_transport_foreach_tls_failure(print_failure, &fc);
			if (!fc.n)
				vty_out(vty, "  None\n");
		}
	}
	print_listeners(vty, p);
	free(cs.v);
	return CLI_OK;
}

CLI_CMD(show_sipua_conn_udp, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua connections udp {brief|detail}",
	H_SHOW_UA
	"SIP UA Transport Connection Tables\n"
	"Connection for UDP\n"
	"Brief summary of connections\n"
	"Detailed information about connections\n")
{
	return show_conns(vty, SIP_PROTO_UDP, cli_has(a, "detail"));
}

CLI_CMD(show_sipua_conn_tcp, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua connections tcp {brief|detail}",
	H_SHOW_UA
	"SIP UA Transport Connection Tables\n"
	"Connection for TCP\n"
	"Brief summary of connections\n"
	"Detailed information about connections\n")
{
	return show_conns(vty, SIP_PROTO_TCP, cli_has(a, "detail"));
}

CLI_CMD(show_sipua_conn_tls, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua connections tcp tls {brief|detail}",
	H_SHOW_UA
	"SIP UA Transport Connection Tables\n"
	"Connection for TCP\n"
	"Connection for TLS\n"
	"Brief summary of connections\n"
	"Detailed information about connections\n")
{
	return show_conns(vty, SIP_PROTO_TLS, cli_has(a, "detail"));
}

/* ------------------------------------------------------------------ */
/* show sip-ua status                                                   */

static const char *tls_version_text(const struct cfg_sip_ua *u)
{
	if (!u->tls_version_set)
		return "TLS 1.2 and 1.3 (default)";
	switch (u->tls_version) {
	case CFG_TLSV_12: return "TLS 1.2 only (transport tcp tls v1.2)";
	case CFG_TLSV_12_MIN: return "TLS 1.2 and 1.3 (transport tcp tls v1.2 minimum)";
	case CFG_TLSV_13: return "TLS 1.3 only (transport tcp tls v1.3)";
	default: return "TLS 1.2 and 1.3 (transport tcp tls)";
	}
}

struct lcount { enum sip_proto p; int n; };

static void count_listener(void *arg, const struct sip_listen_info *li)
{
	struct lcount *lc = arg;
	if (li->proto == lc->p)
		lc->n++;
}

static const char *ua_state(const struct cfg *c, bool off, enum sip_proto p)
{
	struct lcount lc = { p, 0 };
	if (!c->voice.present || off)
		return "DISABLED";
	sip_transport_foreach_listener(count_listener, &lc);
	return lc.n ? "ENABLED" : "ENABLED (not listening)";
}

CLI_CMD(show_sipua_status, MODE_EXEC, CLI_F_PIPE,
	"show sip-ua status",
	H_SHOW_UA
	"SIP User Agent Status\n")
{
	const struct cfg *c = vty->cfg;
	const struct cfg_sip_ua *u = &c->sipua;
	const struct cfg_voice_sip *s = &c->voice.sip;
	vty_out(vty, "SIP User Agent Status\n");
	vty_out(vty, "SIP User Agent for UDP : %s\n", ua_state(c, u->no_udp, SIP_PROTO_UDP));
	vty_out(vty, "SIP User Agent for TCP : %s\n", ua_state(c, u->no_tcp, SIP_PROTO_TCP));
	vty_out(vty, "SIP User Agent for TLS over TCP : %s\n", ua_state(c, u->no_tls, SIP_PROTO_TLS));
	if (s->bind_control_addr[0])
		vty_out(vty, "SIP User Agent bind status(signaling): ACTIVE %s\n", s->bind_control_addr);
	else if (s->bind_control_if[0])
		vty_out(vty, "SIP User Agent bind status(signaling): ACTIVE %s\n", s->bind_control_if);
	else
		vty_out(vty, "SIP User Agent bind status(signaling): DISABLED\n");
	if (s->bind_media_addr[0] || s->bind_media_if[0])
		vty_out(vty, "SIP User Agent bind status(media): ACTIVE %s\n",
			s->bind_media_addr[0] ? s->bind_media_addr : s->bind_media_if);
	else
		vty_out(vty, "SIP User Agent bind status(media): DISABLED\n");
	if (!c->voice.present)
		vty_out(vty, "SIP signalling: not listening (voice service voip is not configured)\n");
	vty_out(vty, "Listen ports: non-secure %u, secure %u\n",
		(unsigned)(s->listen_nonsecure ? s->listen_nonsecure : 5060),
		(unsigned)(s->listen_secure ? s->listen_secure : 5061));
	vty_out(vty, "TLS version: %s\n", tls_version_text(u));
	struct tls_policy *srv = sip_runtime_tls_server();
	if (u->no_tls)
		vty_out(vty, "Inbound TLS: disabled (no transport tcp tls)\n");
	else if (srv) {
		const char *tp = tls_policy_trustpoint(srv);
		vty_out(vty, "Inbound TLS: trustpoint %s%s\n", tp && tp[0] ? tp : "-",
			u->def_tls_profile[0] ? " (crypto signaling default tls-profile)" : "");
		vty_out(vty, "Inbound TLS client certificate: %s\n",
			tls_policy_requests_client_cert(srv) ? "requested and required" : "not requested");
		vty_out(vty, "Inbound TLS cipher suites: %s\n", tls_policy_suites(srv));
	} else {
		const char *e = sip_runtime_tls_server_error();
		vty_out(vty, "Inbound TLS: not available: %s\n", e && e[0] ? e : "no TLS policy");
	}
	vty_out(vty, "Timers: connection aging tls %u min, connection establish tls %u sec\n",
		(unsigned)(u->aging_tls_min ? u->aging_tls_min : 5),
		(unsigned)(u->establish_tls_sec ? u->establish_tls_sec : 20));
	vty_out(vty, "Connection reuse: %s\n", u->connection_reuse ? "ENABLED" : "DISABLED");
	vty_out(vty, "SIP transactions in memory: %u\n", sip_txn_count());
	vty_out(vty, "Untrusted INVITEs: %s\n",
		s->no_silent_discard ? "answered 403 Forbidden" : "silently discarded");
	const char *dns = dns_servers_text();
	vty_out(vty, "DNS servers: %s (%s)\n", dns && dns[0] ? dns : "none",
		c->n_name_servers ? "ip name-server" : "/etc/resolv.conf");
	return CLI_OK;
}
