/* cmd_test_tls.c - EXEC `test tls connect {dns:NAME | ipv4:A.B.C.D |
 * ipv6:[X:X::X]}[:PORT] [trustpoint TP]` (layer 7): one TLS client handshake
 * that prints the peer's chain, the negotiated version, cipher and curve, and
 * the verification result with its precise reason (the same reasons as
 * %SIP-2-TLS_HANDSHAKE_FAILED).
 *
 * The test is synchronous: it blocks the core (and so every call and session)
 * for at most TEST_BUDGET_MS in total for name resolution, the TCP connect and
 * the handshake.  That is acceptable for an operator's test command, and the
 * help text says so.  Names are resolved with a private c-ares channel on the
 * same servers as the core's resolver (`ip name-server` or resolv.conf), A
 * and AAAA only: no SRV lookup; the port defaults to 5061.
 *
 * The TLS policy: the trustpoint given (names checked for dns: targets), else
 * what an outbound leg without a tls-profile would use: the first matching
 * `crypto signaling remote-addr`, else `crypto signaling default`. */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"
#include "core/dns.h"
#include "sip/tls.h"
#include "sip/transport.h"

#define TEST_BUDGET_MS 3000
#define TEST_MAX_ADDRS 8

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int left_ms(long deadline)
{
	long l = deadline - now_ms();
	return l > 0 ? (int)l : 0;
}

/* ------------------------------------------------------------------ */
/* name resolution (private c-ares channel, bounded by the deadline)    */

struct res {
	struct sockaddr_storage v[TEST_MAX_ADDRS];
	size_t n;
	int status;
	bool done;
	uint16_t port;
};

static void res_cb(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct res *r = arg;
	(void)timeouts;
	r->done = true;
	r->status = status;
	if (status != ARES_SUCCESS || !ai)
		return;
	for (struct ares_addrinfo_node *n = ai->nodes; n && r->n < TEST_MAX_ADDRS; n = n->ai_next) {
		struct sockaddr_storage *ss = &r->v[r->n];
		memset(ss, 0, sizeof(*ss));
		if (n->ai_family == AF_INET && n->ai_addrlen <= sizeof(*ss)) {
			memcpy(ss, n->ai_addr, n->ai_addrlen);
			((struct sockaddr_in *)ss)->sin_port = htons(r->port);
			r->n++;
		} else if (n->ai_family == AF_INET6 && n->ai_addrlen <= sizeof(*ss)) {
			memcpy(ss, n->ai_addr, n->ai_addrlen);
			((struct sockaddr_in6 *)ss)->sin6_port = htons(r->port);
			r->n++;
		}
	}
	ares_freeaddrinfo(ai);
}

static int resolve(struct vty *vty, const char *name, uint16_t port, long deadline, struct res *r)
{
	struct ares_options o = { .timeout = 1000, .tries = 2 };
	ares_channel ch;
	char csv[512];
	const char *sv = dns_servers_text();

	r->port = port;
	if (ares_init_options(&ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS)
		return vty_err(vty, "%% DNS: cannot start a resolver");
	if (sv && sv[0]) {
		snprintf(csv, sizeof(csv), "%s", sv);
		for (char *p = csv; *p; p++)
			if (*p == ' ')
				*p = ',';
		(void)ares_set_servers_ports_csv(ch, csv);
	}
	struct ares_addrinfo_hints h = { .ai_family = AF_UNSPEC };
	ares_getaddrinfo(ch, name, NULL, &h, res_cb, r);
	while (!r->done && left_ms(deadline) > 0) {
		fd_set rd, wr;
		struct timeval tv, maxtv = { left_ms(deadline) / 1000, (left_ms(deadline) % 1000) * 1000 };
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		int nfds = ares_fds(ch, &rd, &wr);
		if (!nfds)
			break;
		struct timeval *t = ares_timeout(ch, &maxtv, &tv);
		if (select(nfds, &rd, &wr, NULL, t) < 0 && errno != EINTR)
			break;
		ares_process(ch, &rd, &wr);
	}
	bool timed_out = !r->done;
	ares_destroy(ch); /* runs the callback with ARES_EDESTRUCTION if still pending */
	if (timed_out)
		return vty_err(vty, "%% DNS: no answer for %s from %s within %d ms", name,
			       sv && sv[0] ? sv : "the resolver", TEST_BUDGET_MS);
	if (r->status != ARES_SUCCESS || !r->n)
		return vty_err(vty, "%% DNS: %s: %s", name,
			       r->status == ARES_SUCCESS ? "no address" : ares_strerror(r->status));
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* TLS policy choice                                                    */


static int build_sig(struct vty *vty, const struct cfg_crypto_sig *s, const char *what,
		     struct tls_policy **out, char *desc, size_t descsz)
{
	const struct cfg *c = vty->cfg;
	char err[256];
	const struct cfg_tls_profile *prof = s->tls_profile[0] ? cfg_tls_profile_find(c, s->tls_profile) : NULL;
	if (s->tls_profile[0] && !prof)
		return vty_err(vty, "%% %s: voice class tls-profile %s is not configured", what, s->tls_profile);
	if (tls_policy_build(c, prof, prof ? NULL : s->trustpoint, prof ? NULL : s->client_vtp,
			     !prof && s->cn_san_validate_server, out, err, sizeof(err)))
		return vty_err(vty, "%% %s: %s", what, err);
	if (prof)
		snprintf(desc, descsz, "%s tls-profile %s", what, s->tls_profile);
	else
		snprintf(desc, descsz, "%s trustpoint %s", what, s->trustpoint);
	return CLI_OK;
}

static int choose_policy(struct vty *vty, const char *tp, bool is_dns,
			 const struct sockaddr_storage *addr, struct tls_policy **out,
			 char *desc, size_t descsz)
{
	const struct cfg_sip_ua *u = &vty->cfg->sipua;
	char err[256];

	if (tp) {
		if (tls_policy_build(vty->cfg, NULL, tp, NULL, is_dns, out, err, sizeof(err)))
			return vty_err(vty, "%% %s", err);
		snprintf(desc, descsz, "trustpoint %s (given)", tp);
		return CLI_OK;
	}
	for (size_t i = 0; i < u->remote.n; i++)
		if (cfg_prefix_contains(&u->remote.v[i].prefix, addr)) {
			char what[96];
			const struct cfg_prefix *pf = &u->remote.v[i].prefix;
			if (pf->len_given)
				snprintf(what, sizeof(what), "crypto signaling remote-addr %s/%u", pf->addr,
					 (unsigned)pf->len);
			else
				snprintf(what, sizeof(what), "crypto signaling remote-addr %s", pf->addr);
			return build_sig(vty, &u->remote.v[i].sig, what, out, desc, descsz);
		}
	if (u->def_tls_profile[0]) {
		struct cfg_crypto_sig s;
		memset(&s, 0, sizeof(s));
		snprintf(s.tls_profile, sizeof(s.tls_profile), "%s", u->def_tls_profile);
		return build_sig(vty, &s, "crypto signaling default", out, desc, descsz);
	}
	if (u->def_tp.trustpoint[0])
		return build_sig(vty, &u->def_tp, "crypto signaling default", out, desc, descsz);
	return vty_err(vty, "%% No TLS trustpoint: give `trustpoint TP` or configure `crypto signaling"
			    " default trustpoint TP` in sip-ua");
}

/* ------------------------------------------------------------------ */
/* connect and handshake                                                */

struct own_ctx {
	const struct sockaddr_storage *addr;
	bool hit;
};

static bool is_loopback(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
	return a->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

static bool is_any(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(INADDR_ANY);
	return a->ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

static void own_listener(void *arg, const struct sip_listen_info *li)
{
	struct own_ctx *o = arg;
	if (li->proto == SIP_PROTO_UDP || sip_addr_port(&li->addr) != sip_addr_port(o->addr))
		return;
	if (sip_addr_equal(&li->addr, o->addr) || (is_any(&li->addr) && is_loopback(o->addr)))
		o->hit = true;
}

/* A connected, non-blocking socket to addr, or -1 with the reason printed. */
static int tcp_connect(struct vty *vty, const struct sockaddr_storage *addr, long deadline)
{
	char a[80];
	socklen_t len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vty_out(vty, "TCP             : socket: %s\n", strerror(errno));
		return -1;
	}
	int rc = connect(fd, (const struct sockaddr *)addr, len);
	if (rc < 0 && errno == EINPROGRESS) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int err = 0;
		socklen_t el = sizeof(err);
		if (poll(&p, 1, left_ms(deadline)) <= 0) {
			vty_out(vty, "TCP             : connect to %s timed out\n", sip_addr_str(addr, a, sizeof(a)));
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err) {
			errno = err;
			rc = -1;
		} else {
			rc = 0;
		}
	}
	if (rc < 0) {
		vty_out(vty, "TCP             : connect to %s: %s\n", sip_addr_str(addr, a, sizeof(a)),
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void print_chain(struct vty *vty, const struct tls_conn_info *ti)
{
	vty_out(vty, "Peer certificate chain (%zu, as sent, leaf first):\n", ti->n_peer);
	for (size_t i = 0; i < ti->n_peer; i++) {
		const struct tls_cert_desc *d = &ti->peer[i];
		char nb[40], na[40];
		struct tm tm;
		gmtime_r(&d->not_before, &tm);
		strftime(nb, sizeof(nb), "%Y-%m-%d %H:%M:%S UTC", &tm);
		gmtime_r(&d->not_after, &tm);
		strftime(na, sizeof(na), "%Y-%m-%d %H:%M:%S UTC", &tm);
		vty_out(vty, "  [%zu] Subject : %s\n", i, d->subject);
		vty_out(vty, "      Issuer  : %s\n", d->issuer);
		vty_out(vty, "      SAN     : %s\n", d->sans[0] ? d->sans : "none");
		vty_out(vty, "      Serial  : %s\n", d->serial);
		if (d->days_left < 0)
			vty_out(vty, "      Valid   : %s to %s (expired %ld days ago)\n", nb, na, -d->days_left);
		else
			vty_out(vty, "      Valid   : %s to %s (%ld days left)\n", nb, na, d->days_left);
	}
}

static int handshake(struct vty *vty, struct tls_policy *pol, int fd, const char *name, long deadline)
{
	struct tls_conn *c;
	struct tls_conn_info ti;
	long t0 = now_ms();
	int rc = tls_session_new(pol, false, fd, name, &c);
	if (rc)
		return vty_err(vty, "%% TLS: cannot start a session: %s", strerror(-rc));
	const char *timeout = NULL;
	for (;;) {
		rc = tls_session_handshake(c);
		if (rc != -EAGAIN)
			break;
		struct pollfd p = { .fd = fd,
				    .events = tls_session_want(c) == TLS_WANT_WRITE ? POLLOUT : POLLIN };
		if (poll(&p, 1, left_ms(deadline)) <= 0) {
			timeout = "no answer from the peer within the test's time limit";
			break;
		}
	}
	tls_session_info(c, &ti);
	if (rc == 0)
		vty_out(vty, "TLS handshake   : ok in %ld ms\n", now_ms() - t0);
	else
		vty_out(vty, "TLS handshake   : FAILED: %s\n",
			timeout ? timeout : tls_session_reason(c)[0] ? tls_session_reason(c) : strerror(-rc));
	if (ti.established) {
		vty_out(vty, "Version         : %s\n", ti.version);
		vty_out(vty, "Cipher          : %s (%s)\n", ti.cipher, ti.cipher_gnutls);
		vty_out(vty, "Curve           : %s\n", ti.curve[0] ? ti.curve : "none");
	}
	vty_out(vty, "SNI sent        : %s\n", ti.sni[0] ? ti.sni : "none");
	vty_out(vty, "CertificateRequest received : %s", ti.cert_request_received ? "yes" : "no");
	if (ti.cert_request_received)
		vty_out(vty, ", our certificate sent: %s", ti.cert_sent ? "yes" : "no");
	vty_out(vty, "\n");
	if (ti.n_peer)
		print_chain(vty, &ti);
	else
		vty_out(vty, "Peer certificate chain: none received\n");
	vty_out(vty, "Verification    : %s\n", ti.verify);
	if (rc == 0)
		(void)tls_session_bye(c);
	tls_session_free(c);
	return rc == 0 ? CLI_OK : CLI_ERR;
}

CLI_CMD(test_tls_connect, MODE_EXEC, 0,
	"test tls connect {dns:TARGET$dns|ipv4:TARGET$v4|ipv6:TARGET$v6} [trustpoint WORD$tp]",
	"Test subsystems and connectivity\n"
	"Test a TLS connection to a SIP peer\n"
	"Connect and handshake once (blocks the core for up to 3 seconds)\n"
	"Peer name (A/AAAA, no SRV), port 5061 unless given\n"
	"Peer IPv4 address, port 5061 unless given\n"
	"Peer IPv6 address with port\n"
	"Verify the peer with this trustpoint (default: sip-ua crypto signaling)\n"
	"Trustpoint name\n")
{
	struct cfg_target t;
	struct res r;
	struct tls_policy *pol = NULL;
	char desc[256], at[80];
	long deadline = now_ms() + TEST_BUDGET_MS;
	const char *tp = cli_get(a, "tp");

	if (cmdu_target(vty, a, CMDU_T_IPV4 | CMDU_T_IPV6 | CMDU_T_DNS, &t) != CLI_OK)
		return CLI_ERR;
	uint16_t port = t.port ? t.port : 5061;
	bool is_dns = t.kind == CFG_TARGET_DNS;
	memset(&r, 0, sizeof(r));
	if (sip_addr_parse(t.host, port, &r.v[0]) == 0) {
		r.n = 1;
		is_dns = false; /* an address literal: nothing to resolve, no name to check */
	} else if (!is_dns) {
		return vty_err(vty, "%% Invalid address %s", t.host);
	} else if (resolve(vty, t.host, port, deadline, &r) != CLI_OK) {
		return CLI_ERR;
	}
	struct own_ctx own = { &r.v[0], false };
	sip_transport_foreach_listener(own_listener, &own);
	if (own.hit)
		return vty_err(vty, "%% %s is this Tollgate's own listener: the core cannot answer its own"
				    " test; run it from another host or use gnutls-cli",
			       sip_addr_str(&r.v[0], at, sizeof(at)));
	if (choose_policy(vty, tp, is_dns, &r.v[0], &pol, desc, sizeof(desc)) != CLI_OK)
		return CLI_ERR;
	char tt[CFG_TARGET_LEN + 32];
	vty_out(vty, "Target          : %s -> %s%s\n", cfg_target_str(&t, tt, sizeof(tt)),
		sip_addr_str(&r.v[0], at, sizeof(at)), r.n > 1 ? " (first of the addresses found)" : "");
	vty_out(vty, "Policy          : %s, server name check %s\n", desc,
		is_dns && tls_policy_validates_server_name(pol) ? "on" : "off");
	int rc = CLI_ERR, fd = -1;
	for (size_t i = 0; i < r.n && fd < 0 && left_ms(deadline) > 0; i++) {
		fd = tcp_connect(vty, &r.v[i], deadline);
		if (fd >= 0) {
			struct sockaddr_storage l;
			socklen_t ll = sizeof(l);
			char ls[80];
			getsockname(fd, (struct sockaddr *)&l, &ll);
			vty_out(vty, "TCP             : connected to %s from %s\n",
				sip_addr_str(&r.v[i], at, sizeof(at)), sip_addr_str(&l, ls, sizeof(ls)));
		}
	}
	if (fd >= 0) {
		rc = handshake(vty, pol, fd, is_dns ? t.host : NULL, deadline);
		close(fd);
	} else {
		vty->failed = true;
	}
	tls_policy_unref(pol);
	return rc;
}
