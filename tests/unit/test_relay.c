/* test_relay.c - the media relay (media/relay.c, media/relay_ports.c).
 *
 * Ports: ranges and parity, allocation up to exhaustion in a tiny range,
 * reuse after release, a port held by someone else is skipped, IPv6, the
 * media address from the config.  Relay: a real relay thread between UDP
 * peers on 127.0.0.1: packets both ways arrive unchanged (RTP and RTCP),
 * latching learns the peer's real port and then drops other sources, an
 * update moves a remote without losing the other direction, hold, transform
 * hooks (XOR and grow; auth/replay/other drops counted apart; released by the
 * relay), rtcp-mux on one leg only, the inactivity event, counters, and
 * removal (also by relay_stop) giving the ports back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <liburing.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "media/relay.h"

/* A window of 32 ports below the ephemeral range that nothing else holds right
 * now (other tests or benches may run on this machine): chosen in main(). */
static int LO = 24690;

static bool window_free(int lo)
{
	for (int port = lo; port < lo + 32; port++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (fd >= 0)
			close(fd);
		if (!ok)
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static struct sockaddr_storage ip(const char *s, uint16_t port)
{
	struct sockaddr_storage a;
	memset(&a, 0, sizeof(a));
	if (strchr(s, ':')) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		inet_pton(AF_INET6, s, &a6->sin6_addr);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		inet_pton(AF_INET, s, &a4->sin_addr);
	}
	return a;
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)a)->sin6_port
					      : ((const struct sockaddr_in *)a)->sin_port);
}

static uint16_t fd_port(int fd)
{
	struct sockaddr_storage a;
	socklen_t l = sizeof(a);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	return port_of(&a);
}

struct peer { int fd; struct sockaddr_storage addr; };

static struct peer peer_new(void)
{
	struct peer p;
	struct sockaddr_storage a = ip("127.0.0.1", 0);
	socklen_t l = sizeof(a);
	p.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(p.fd >= 0);
	assert_int_equal(bind(p.fd, (struct sockaddr *)&a, sizeof(struct sockaddr_in)), 0);
	assert_int_equal(getsockname(p.fd, (struct sockaddr *)&p.addr, &l), 0);
	return p;
}

static void to(const struct peer *from, const struct relay_pair *pr, bool rtcp, const uint8_t *b, int n)
{
	struct sockaddr_storage d = pr->local;
	((struct sockaddr_in *)&d)->sin_port = htons((uint16_t)(pr->port + (rtcp ? 1 : 0)));
	assert_int_equal(sendto(from->fd, b, (size_t)n, 0, (struct sockaddr *)&d, sizeof(struct sockaddr_in)), n);
}

/* A datagram within ms, its length (source port in *sport), or -1. */
static int rx(const struct peer *p, uint8_t *b, int max, int ms, uint16_t *sport)
{
	struct pollfd pf = { .fd = p->fd, .events = POLLIN };
	if (poll(&pf, 1, ms) != 1)
		return -1;
	struct sockaddr_storage a;
	socklen_t l = sizeof(a);
	int n = (int)recvfrom(p->fd, b, (size_t)max, 0, (struct sockaddr *)&a, &l);
	if (sport)
		*sport = port_of(&a);
	return n;
}

/* A G.711 RTP packet: 12-byte header and 160 bytes of payload (172 bytes). */
static int rtp(uint8_t *b, uint16_t seq, uint32_t ssrc, uint8_t first)
{
	b[0] = 0x80;
	b[1] = 0;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	uint32_t ts = seq * 160u;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	for (int i = 0; i < 160; i++)
		b[12 + i] = (uint8_t)(i + seq);
	b[12] = first;
	return 172;
}

static int rtcp_sr(uint8_t *b)
{
	memset(b, 0x11, 28);
	b[0] = 0x80;
	b[1] = 200;              /* SR */
	b[2] = 0;
	b[3] = 6;
	return 28;
}

/* events seen by the callback */
struct ev_rec { struct relay_session *s; struct relay_event ev; };
static struct ev_rec evlog[64];
static int nev;

static void on_event(void *arg, struct relay_session *s, const struct relay_event *ev)
{
	if (nev < 64)
		evlog[nev++] = (struct ev_rec){ s, *ev };
	if (ev->type == RELAY_EV_REMOVED && arg)
		(*(int *)arg)++;
}

/* Wait for (and consume) an event of type for s; false after ms. */
static bool wait_event(struct relay_session *s, enum relay_event_type type, int ms,
		       struct relay_event *out)
{
	for (int waited = 0;; waited += 10) {
		relay_dispatch();
		for (int i = 0; i < nev; i++)
			if (evlog[i].s == s && evlog[i].ev.type == type) {
				if (out)
					*out = evlog[i].ev;
				memmove(&evlog[i], &evlog[i + 1], sizeof(evlog[0]) * (size_t)(nev - i - 1));
				nev--;
				return true;
			}
		if (waited >= ms)
			return false;
		struct pollfd pf = { .fd = relay_event_fd(), .events = POLLIN };
		poll(&pf, 1, 10);
	}
}

/* Counters are updated around the send: poll until the expected value shows. */
static uint64_t stat_wait(struct relay_session *s, uint64_t want, size_t off, int leg, bool tx)
{
	struct relay_stats st;
	uint64_t v = 0;
	for (int i = 0; i < 200; i++) {
		relay_session_stats(s, &st);
		const struct relay_dir_stats *d = tx ? &st.leg[leg].tx : &st.leg[leg].rx;
		memcpy(&v, (const char *)d + off, sizeof(v));
		if (v == want)
			break;
		usleep(5000);
	}
	return v;
}
#define STAT(s, leg, dir, field, want) \
	assert_int_equal(stat_wait(s, want, offsetof(struct relay_dir_stats, field), leg, \
				   !strcmp(#dir, "tx")), want)

/* ------------------------------------------------------------------ */
/* Ports                                                                */

static void test_ports_range(void **st)
{
	struct relay_ports *p;
	assert_int_equal(relay_ports_new(0, 0, &p), 0);
	assert_int_equal(relay_ports_total(p), (32767 - 16384 + 1) / 2);
	relay_ports_free(p);
	assert_int_equal(relay_ports_new(LO, LO + 5, &p), 0);
	assert_int_equal(relay_ports_total(p), 3);
	relay_ports_free(p);
	assert_int_equal(relay_ports_new(LO + 1, LO + 6, &p), 0);   /* odd start: from LO+2 */
	assert_int_equal(relay_ports_total(p), 2);
	relay_ports_free(p);
	assert_int_equal(relay_ports_new(LO + 1, LO + 2, &p), -EINVAL);
	assert_int_equal(relay_ports_new(LO + 4, LO, &p), -EINVAL);
}

static void test_ports_exhaust_reuse(void **st)
{
	struct relay_ports *p;
	struct relay_pair pr[4];
	struct sockaddr_storage a = ip("127.0.0.1", 0);
	assert_int_equal(relay_ports_new(LO, LO + 5, &p), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(relay_ports_alloc(p, &a, false, &pr[i]), 0);
		assert_int_equal(pr[i].port % 2, 0);
		assert_true(pr[i].port >= LO && pr[i].port <= LO + 4);
		assert_int_equal(fd_port(pr[i].rtp_fd), pr[i].port);
		assert_int_equal(fd_port(pr[i].rtcp_fd), pr[i].port + 1);
		assert_int_equal(port_of(&pr[i].local), pr[i].port);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(pr[i].port, pr[j].port);
	}
	assert_int_equal(relay_ports_avail(p), 0);
	assert_int_equal(relay_ports_alloc(p, &a, false, &pr[3]), -EADDRNOTAVAIL);
	uint16_t mid = pr[1].port;
	relay_ports_release(p, &pr[1]);
	assert_int_equal(pr[1].rtp_fd, -1);
	relay_ports_release(p, &pr[1]);              /* twice: harmless */
	assert_int_equal(relay_ports_avail(p), 1);
	assert_int_equal(relay_ports_alloc(p, &a, true, &pr[1]), 0);   /* rtcp-mux */
	assert_int_equal(pr[1].port, mid);
	assert_int_equal(pr[1].rtcp_fd, -1);
	for (int i = 0; i < 3; i++)
		relay_ports_release(p, &pr[i]);
	assert_int_equal(relay_ports_avail(p), 3);
	relay_ports_free(p);
}

static void test_ports_in_use(void **st)
{
	struct relay_ports *p;
	struct relay_pair pr, pr2;
	struct sockaddr_storage a = ip("127.0.0.1", 0), held = ip("127.0.0.1", LO + 11);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&held, sizeof(struct sockaddr_in)), 0);
	/* pairs LO+10 (RTCP LO+11 held) and LO+12 */
	assert_int_equal(relay_ports_new(LO + 10, LO + 13, &p), 0);
	assert_int_equal(relay_ports_alloc(p, &a, false, &pr), 0);
	assert_int_equal(pr.port, LO + 12);
	assert_int_equal(relay_ports_alloc(p, &a, false, &pr2), -EADDRNOTAVAIL);
	close(fd);
	assert_int_equal(relay_ports_alloc(p, &a, false, &pr2), 0);
	assert_int_equal(pr2.port, LO + 10);
	relay_ports_release(p, &pr2);
	/* not a local address */
	struct sockaddr_storage bad = ip("192.0.2.1", 0);
	assert_int_equal(relay_ports_alloc(p, &bad, false, &pr2), -EINVAL);
	assert_int_equal(relay_ports_avail(p), 1);
	/* retired with a pair out: freed by the last release (ASan checks) */
	relay_ports_free(p);
	relay_ports_release(p, &pr);
}

static void test_ports_ipv6(void **st)
{
	struct sockaddr_storage a = ip("::1", 0);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(struct sockaddr_in6)) < 0) {
		if (fd >= 0)
			close(fd);
		skip();
	}
	close(fd);
	struct relay_ports *p;
	struct relay_pair pr;
	assert_int_equal(relay_ports_new(LO + 20, LO + 23, &p), 0);
	assert_int_equal(relay_ports_alloc(p, &a, false, &pr), 0);
	assert_int_equal(pr.local.ss_family, AF_INET6);
	assert_int_equal(fd_port(pr.rtcp_fd), pr.port + 1);
	relay_ports_release(p, &pr);
	relay_ports_free(p);
}

static void test_media_addr(void **st)
{
	static struct cfg c;
	struct sockaddr_storage a;
	struct relay_ports *p;
	cfg_init(&c);
	assert_int_equal(relay_media_addr(&c, AF_INET, &a), 0);
	assert_int_equal(((struct sockaddr_in *)&a)->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(relay_media_addr(&c, AF_INET6, &a), 0);
	assert_int_equal(a.ss_family, AF_INET6);
	strcpy(c.voice.sip.bind_media_if, "lo");
	assert_int_equal(relay_media_addr(&c, AF_INET, &a), 0);
	assert_int_equal(((struct sockaddr_in *)&a)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	strcpy(c.voice.sip.bind_media_if, "no-such-if0");
	assert_int_equal(relay_media_addr(&c, AF_INET, &a), -ENOENT);
	strcpy(c.voice.sip.bind_media_addr, "127.0.0.1");
	assert_int_equal(relay_media_addr(&c, AF_INET, &a), 0);
	assert_int_equal(relay_media_addr(&c, AF_INET6, &a), -EAFNOSUPPORT);
	c.voice.rtp_port_lo = LO;
	c.voice.rtp_port_hi = LO + 99;
	assert_int_equal(relay_ports_new_cfg(&c, &p), 0);
	assert_int_equal(relay_ports_total(p), 50);
	relay_ports_free(p);
	cfg_free(&c);
}

/* ------------------------------------------------------------------ */
/* Relay                                                                */

struct env {
	struct relay_ports *ports;
	struct peer a, b, ac, bc;   /* the far ends: RTP and RTCP of each leg */
	struct relay_spec spec;
	struct relay_session *s;
	int removed;
};

static void env_init(struct env *e, bool mux_a, bool mux_b)
{
	struct sockaddr_storage loc = ip("127.0.0.1", 0);
	memset(e, 0, sizeof(*e));
	assert_int_equal(relay_ports_new(LO + 30, LO + 99, &e->ports), 0);
	e->a = peer_new();
	e->b = peer_new();
	e->ac = peer_new();
	e->bc = peer_new();
	assert_int_equal(relay_ports_alloc(e->ports, &loc, mux_a, &e->spec.leg[0].ports), 0);
	assert_int_equal(relay_ports_alloc(e->ports, &loc, mux_b, &e->spec.leg[1].ports), 0);
	e->spec.leg[0].remote_rtp = e->a.addr;
	e->spec.leg[0].remote_rtcp = e->ac.addr;
	e->spec.leg[1].remote_rtp = e->b.addr;
	e->spec.leg[1].remote_rtcp = e->bc.addr;
	e->spec.ports = e->ports;
	e->spec.on_event = on_event;
	e->spec.arg = &e->removed;
}

static void env_add(struct env *e)
{
	nev = 0;
	assert_int_equal(relay_session_add(&e->spec, &e->s), 0);
}

static const struct relay_pair *LA(struct env *e) { return relay_session_local(e->s, 0); }
static const struct relay_pair *LB(struct env *e) { return relay_session_local(e->s, 1); }

/* Remove; the ports come back only with the REMOVED event. */
static void env_fini(struct env *e)
{
	unsigned total = relay_ports_total(e->ports);
	relay_session_remove(e->s);
	relay_session_remove(e->s);   /* idempotent */
	assert_true(wait_event(e->s, RELAY_EV_REMOVED, 2000, NULL));
	assert_int_equal(e->removed, 1);
	assert_int_equal(relay_ports_avail(e->ports), total);
	relay_ports_free(e->ports);
	close(e->a.fd);
	close(e->b.fd);
	close(e->ac.fd);
	close(e->bc.fd);
}

static void expect_none(const struct peer *p)
{
	uint8_t b[2048];
	assert_int_equal(rx(p, b, sizeof(b), 100, NULL), -1);
}

static void test_relay_both_ways(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	uint16_t sp;
	env_init(&e, false, false);
	env_add(&e);
	for (int i = 0; i < 10; i++) {
		int n = rtp(out, (uint16_t)(1000 + i), 0x11223344, 0);
		to(&e.a, LA(&e), false, out, n);
		assert_int_equal(rx(&e.b, in, sizeof(in), 1000, &sp), n);
		assert_memory_equal(in, out, (size_t)n);
		assert_int_equal(sp, LB(&e)->port);
	}
	for (int i = 0; i < 10; i++) {
		int n = rtp(out, (uint16_t)(7 + i), 0x55667788, 1);
		to(&e.b, LB(&e), false, out, n);
		assert_int_equal(rx(&e.a, in, sizeof(in), 1000, &sp), n);
		assert_memory_equal(in, out, (size_t)n);
		assert_int_equal(sp, LA(&e)->port);
	}
	int n = rtcp_sr(out);
	to(&e.ac, LA(&e), true, out, n);
	assert_int_equal(rx(&e.bc, in, sizeof(in), 1000, &sp), n);
	assert_memory_equal(in, out, (size_t)n);
	assert_int_equal(sp, LB(&e)->port + 1);
	to(&e.bc, LB(&e), true, out, n);
	assert_int_equal(rx(&e.ac, in, sizeof(in), 1000, &sp), n);
	assert_int_equal(sp, LA(&e)->port + 1);
	/* a runt is dropped */
	to(&e.a, LA(&e), false, out, 4);
	expect_none(&e.b);

	STAT(e.s, 0, rx, packets, 11);
	STAT(e.s, 0, rx, bytes, 10 * 172 + 28);
	STAT(e.s, 0, rx, dropped, 1);
	STAT(e.s, 1, tx, packets, 11);
	STAT(e.s, 1, tx, bytes, 10 * 172 + 28);
	STAT(e.s, 1, rx, packets, 11);
	STAT(e.s, 0, tx, packets, 11);
	struct relay_stats s;
	relay_session_stats(e.s, &s);
	assert_true(s.leg[0].last_rx_ms > 0 && s.leg[0].last_rx_ms <= relay_now_ms());
	assert_int_equal(relay_session_count(), 1);
	env_fini(&e);
	assert_int_equal(relay_session_count(), 0);
}

static void test_relay_latch(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	struct relay_event ev;
	env_init(&e, false, false);
	struct peer decoy = peer_new(), nat = peer_new(), stranger = peer_new();
	e.spec.leg[0].remote_rtp = decoy.addr;     /* what SDP said */
	e.spec.leg[0].latch = true;
	env_add(&e);
	/* before anything came from A, B's packets go to the SDP address */
	int n = rtp(out, 1, 2, 3);
	to(&e.b, LB(&e), false, out, n);
	assert_int_equal(rx(&decoy, in, sizeof(in), 1000, NULL), n);
	/* the peer really sends from another port (behind NAT) */
	to(&nat, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	assert_true(wait_event(e.s, RELAY_EV_LATCHED, 1000, &ev));
	assert_int_equal(ev.leg, 0);
	assert_false(ev.rtcp);
	assert_int_equal(port_of(&ev.addr), port_of(&nat.addr));
	assert_int_equal(port_of(relay_session_remote(e.s, 0, false)), port_of(&nat.addr));
	/* B -> A now goes to the learned address */
	to(&e.b, LB(&e), false, out, n);
	assert_int_equal(rx(&nat, in, sizeof(in), 1000, NULL), n);
	expect_none(&decoy);
	/* others are no longer accepted on A */
	to(&stranger, LA(&e), false, out, n);
	expect_none(&e.b);
	STAT(e.s, 0, rx, dropped, 1);
	STAT(e.s, 0, rx, packets, 1);
	/* re-armed by an update: the next source wins again */
	struct relay_update u = { .what = RELAY_UPD_REMOTE, .leg = 0, .latch = true,
				  .remote_rtp = decoy.addr };
	assert_int_equal(relay_session_update(e.s, &u), 0);
	usleep(50000);
	to(&stranger, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	assert_true(wait_event(e.s, RELAY_EV_LATCHED, 1000, &ev));
	assert_int_equal(port_of(&ev.addr), port_of(&stranger.addr));
	env_fini(&e);
	close(decoy.fd);
	close(nat.fd);
	close(stranger.fd);
}

/* Hand-over after a re-INVITE: a new SDP address gets B's packets at once;
 * the old latched source is still relayed but does not latch; the first
 * packet from another source latches; an update with the same SDP address
 * keeps sending to the learned (NAT) address. */
static void test_relay_handover(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	struct relay_event ev;
	env_init(&e, false, false);
	struct peer sdp1 = peer_new(), nat = peer_new(), sdp2 = peer_new();
	e.spec.leg[0].remote_rtp = sdp1.addr;
	e.spec.leg[0].latch = true;
	env_add(&e);
	int n = rtp(out, 1, 2, 3);
	to(&nat, LA(&e), false, out, n);                 /* latches on nat */
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	assert_true(wait_event(e.s, RELAY_EV_LATCHED, 1000, &ev));
	/* the same SDP address again (hold/resume): still to nat */
	struct relay_update u = { .what = RELAY_UPD_REMOTE, .leg = 0, .latch = true,
				  .remote_rtp = sdp1.addr };
	assert_int_equal(relay_session_update(e.s, &u), 0);
	usleep(50000);
	to(&e.b, LB(&e), false, out, n);
	assert_int_equal(rx(&nat, in, sizeof(in), 1000, NULL), n);
	expect_none(&sdp1);
	/* a new SDP address: B's packets go there at once */
	u.remote_rtp = sdp2.addr;
	assert_int_equal(relay_session_update(e.s, &u), 0);
	usleep(50000);
	to(&e.b, LB(&e), false, out, n);
	assert_int_equal(rx(&sdp2, in, sizeof(in), 1000, NULL), n);
	expect_none(&nat);
	/* the old source is still relayed and does not take the latch back */
	for (int i = 0; i < 3; i++) {
		to(&nat, LA(&e), false, out, n);
		assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	}
	to(&e.b, LB(&e), false, out, n);
	assert_int_equal(rx(&sdp2, in, sizeof(in), 1000, NULL), n);
	/* the new source latches; the old one is then dropped */
	to(&sdp2, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	to(&nat, LA(&e), false, out, n);
	expect_none(&e.b);
	STAT(e.s, 0, rx, dropped, 1);
	env_fini(&e);
	close(sdp1.fd);
	close(nat.fd);
	close(sdp2.fd);
}

/* Network loss on a leg's incoming RTP (RFC 3550 A.3): gaps in the
 * sequence, across a wrap of the 16-bit counter; a late packet is not a
 * loss, a duplicate counts as received (as in RTCP reports); a new SSRC
 * starts its own count and the earlier loss is kept. */
static void test_relay_loss(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	env_init(&e, false, false);
	env_add(&e);
	const uint16_t seqs[] = { 65530, 65531, 65533, 65534, 65535, 1, 2, 2, 4, 3, 5 };
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		int n = rtp(out, seqs[i], 0x1111, 0);
		to(&e.a, LA(&e), false, out, n);
		assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	}
	/* expected 65530..5 = 12, received 11: 65532 and 0 are missing, and
	 * the duplicate counts as received, as RFC 3550 counts it: 1 */
	STAT(e.s, 0, rx, lost, 1);
	/* a new SSRC: its own count, the earlier loss kept */
	const uint16_t seqs2[] = { 100, 101, 104 };
	for (size_t i = 0; i < 3; i++) {
		int n = rtp(out, seqs2[i], 0x2222, 0);
		to(&e.a, LA(&e), false, out, n);
		assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	}
	STAT(e.s, 0, rx, lost, 3);
	/* RTCP is not counted; the other leg saw nothing */
	int n = rtcp_sr(out);
	to(&e.ac, LA(&e), true, out, n);
	assert_int_equal(rx(&e.bc, in, sizeof(in), 1000, NULL), n);
	STAT(e.s, 0, rx, lost, 3);
	STAT(e.s, 1, rx, lost, 0);
	env_fini(&e);
}

static void test_relay_update_hold(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	env_init(&e, false, false);
	env_add(&e);
	struct peer b2 = peer_new(), b2c = peer_new();
	/* B -> A flows all along; B's remote moves half-way through */
	for (int i = 0; i < 100; i++) {
		int n = rtp(out, (uint16_t)i, 9, 0);
		to(&e.b, LB(&e), false, out, n);
		if (i == 50) {
			struct relay_update u = { .what = RELAY_UPD_REMOTE, .leg = 1,
						  .remote_rtp = b2.addr, .remote_rtcp = b2c.addr };
			assert_int_equal(relay_session_update(e.s, &u), 0);
		}
		assert_int_equal(rx(&e.a, in, sizeof(in), 1000, NULL), n);
		assert_int_equal((in[2] << 8 | in[3]), i);
	}
	usleep(20000);
	int n = rtp(out, 5, 6, 7);
	to(&e.a, LA(&e), false, out, n);
	assert_int_equal(rx(&b2, in, sizeof(in), 1000, NULL), n);
	expect_none(&e.b);
	n = rtcp_sr(out);
	to(&e.ac, LA(&e), true, out, n);
	assert_int_equal(rx(&b2c, in, sizeof(in), 1000, NULL), n);
	assert_int_equal(port_of(relay_session_remote(e.s, 1, false)), port_of(&b2.addr));

	/* hold towards A: B's packets are dropped, A's still go to B */
	struct relay_update h = { .what = RELAY_UPD_HOLD, .leg = 0, .no_send = true };
	assert_int_equal(relay_session_update(e.s, &h), 0);
	usleep(20000);
	n = rtp(out, 1, 1, 1);
	to(&e.b, LB(&e), false, out, n);
	expect_none(&e.a);
	STAT(e.s, 0, tx, dropped, 1);
	to(&e.a, LA(&e), false, out, n);
	assert_int_equal(rx(&b2, in, sizeof(in), 1000, NULL), n);
	h.no_send = false;
	assert_int_equal(relay_session_update(e.s, &h), 0);
	usleep(20000);
	to(&e.b, LB(&e), false, out, n);
	assert_int_equal(rx(&e.a, in, sizeof(in), 1000, NULL), n);
	bool bad = relay_session_update(e.s, &(struct relay_update){ .leg = 2 }) == -EINVAL;
	assert_true(bad);
	env_fini(&e);
	close(b2.fd);
	close(b2c.fd);
}

/* transforms: ctx counts calls and releases (on the relay thread) */
struct xctx { atomic_int calls, released; uint8_t key; bool grow; };

static int xf_xor(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	struct xctx *x = ctx;
	atomic_fetch_add(&x->calls, 1);
	if (maxlen - *len < RELAY_TAILROOM)
		return -ENOSPC;
	for (int i = 12; i < *len; i++)
		pkt[i] ^= x->key;
	if (x->grow) {               /* like an SRTP tag */
		if (*len + 4 > maxlen)
			return -ENOSPC;
		memcpy(pkt + *len, "\xde\xad\xbe\xef", 4);
		*len += 4;
	}
	return 0;
}

static int xf_check(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	struct xctx *x = ctx;
	atomic_fetch_add(&x->calls, 1);
	switch (pkt[12]) {
	case 0xaa: return RELAY_XF_EAUTH;
	case 0xbb: return RELAY_XF_EREPLAY;
	case 0xbc: return RELAY_XF_EOLD;
	case 0xcc: return -EINVAL;
	default: return 0;
	}
}

static void xf_release_cb(void *ctx)
{
	atomic_fetch_add(&((struct xctx *)ctx)->released, 1);
}

static void test_relay_xform(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	static struct xctx chk, xr;
	atomic_init(&chk.calls, 0);
	atomic_init(&chk.released, 0);
	atomic_init(&xr.calls, 0);
	atomic_init(&xr.released, 0);
	xr.key = 0x5a;
	xr.grow = true;
	env_init(&e, false, false);
	e.spec.leg[0].xf[RELAY_XF_RTP_IN] = (struct relay_xform){ xf_check, &chk, xf_release_cb };
	e.spec.leg[1].xf[RELAY_XF_RTP_OUT] = (struct relay_xform){ xf_xor, &xr, xf_release_cb };
	env_add(&e);
	int n = rtp(out, 42, 0xabcdef01, 0x01);
	to(&e.a, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n + 4);
	assert_memory_equal(in, out, 12);              /* header untouched */
	for (int i = 12; i < n; i++)
		assert_int_equal(in[i], out[i] ^ 0x5a);
	assert_memory_equal(in + n, "\xde\xad\xbe\xef", 4);
	/* drops, counted apart */
	const uint8_t kinds[] = { 0xaa, 0xbb, 0xcc, 0xaa, 0xbc };
	for (size_t k = 0; k < sizeof(kinds); k++) {
		n = rtp(out, 43, 1, kinds[k]);
		to(&e.a, LA(&e), false, out, n);
	}
	expect_none(&e.b);
	STAT(e.s, 0, rx, auth_fail, 2);
	STAT(e.s, 0, rx, replay_fail, 2);
	STAT(e.s, 0, rx, xform_fail, 1);
	STAT(e.s, 0, rx, packets, 6);
	STAT(e.s, 1, tx, packets, 1);
	STAT(e.s, 1, tx, bytes, 176);
	/* RTCP has its own slots: no hook there */
	n = rtcp_sr(out);
	to(&e.ac, LA(&e), true, out, n);
	assert_int_equal(rx(&e.bc, in, sizeof(in), 1000, NULL), n);
	assert_memory_equal(in, out, (size_t)n);
	assert_int_equal(atomic_load(&chk.calls), 6);
	/* the hook removed by an update is released by the relay */
	struct relay_update u = { .what = RELAY_UPD_XFORM, .leg = 1, .xf_mask = 1u << RELAY_XF_RTP_OUT };
	assert_int_equal(relay_session_update(e.s, &u), 0);
	for (int i = 0; i < 100 && !atomic_load(&xr.released); i++)
		usleep(10000);
	assert_int_equal(atomic_load(&xr.released), 1);
	n = rtp(out, 44, 1, 2);
	to(&e.a, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	assert_memory_equal(in, out, (size_t)n);
	assert_int_equal(atomic_load(&chk.released), 0);
	env_fini(&e);
	assert_int_equal(atomic_load(&chk.released), 1);
	assert_int_equal(atomic_load(&xr.released), 1);
}

/* A socket with more packets than one turn reads (RELAY_ROUNDS batches) is
 * still drained with no further arrival: the relay is stalled by a hook on
 * the other leg while 140 packets queue up on leg A, then all 140 must come
 * out of leg B, in order (edge-triggered epoll reports the socket only once;
 * the pending list gives it its next turns). */
static int xf_stall(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	atomic_fetch_add(&((struct xctx *)ctx)->calls, 1);
	usleep(300000);
	return 0;
}

static void test_relay_backlog_drained(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	static struct xctx stall;
	const int N = 140;
	int big = 1 << 20;
	atomic_init(&stall.calls, 0);
	atomic_init(&stall.released, 0);
	env_init(&e, false, false);
	e.spec.leg[1].xf[RELAY_XF_RTP_IN] = (struct relay_xform){ xf_stall, &stall, NULL };
	assert_int_equal(setsockopt(e.b.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)), 0);
	env_add(&e);
	int n = rtp(out, 1, 0x0badcafe, 0);
	to(&e.b, LB(&e), false, out, n);            /* the relay thread sleeps 300 ms */
	for (int i = 0; i < 100 && !atomic_load(&stall.calls); i++)
		usleep(1000);
	assert_int_equal(atomic_load(&stall.calls), 1);
	for (int i = 0; i < N; i++) {
		n = rtp(out, (uint16_t)(100 + i), 0x12345678, (uint8_t)i);
		to(&e.a, LA(&e), false, out, n);
	}
	assert_int_equal(rx(&e.a, in, sizeof(in), 2000, NULL), 172);   /* B's packet */
	for (int i = 0; i < N; i++) {
		n = rtp(out, (uint16_t)(100 + i), 0x12345678, (uint8_t)i);
		assert_int_equal(rx(&e.b, in, sizeof(in), 2000, NULL), n);
		assert_memory_equal(in, out, (size_t)n);
	}
	STAT(e.s, 0, rx, packets, (uint64_t)N);
	STAT(e.s, 0, rx, dropped, 0);
	env_fini(&e);
}

/* More packets waiting at once than the io_uring back-end has buffers (a
 * ring of 64 here, TOLLGATE_RELAY_BUFS): 20 sessions x 60 packets queue up
 * while the relay thread is stalled.  The receives that run out of buffers
 * end (ENOBUFS) and must be re-armed, with nothing lost or reordered; the
 * epoll back-end drains the same backlog in rounds.  The relay is restarted
 * for it, so this also checks that a new relay thread takes its first
 * commands at once (the stall must begin within 100 ms). */
static void test_relay_burst_over_buffers(void **st)
{
	enum { NS = 20, NP = 60 };
	struct relay_ports *ports = NULL;
	struct sockaddr_storage loc = ip("127.0.0.1", 0);
	struct relay_spec spec[NS];
	struct relay_session *s[NS];
	struct peer a[NS], b[NS];
	static struct xctx stall;
	uint8_t out[256], in[2048];
	int big = 1 << 20, removed = 0, n;

	atomic_init(&stall.calls, 0);
	relay_stop();
	setenv("TOLLGATE_RELAY_BUFS", "64", 1);
	assert_int_equal(relay_start(1), 0);
	assert_int_equal(relay_ports_new(LO + 100, LO + 199, &ports), 0);
	nev = 0;
	for (int i = 0; i < NS; i++) {
		a[i] = peer_new();
		b[i] = peer_new();
		assert_int_equal(setsockopt(b[i].fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)), 0);
		memset(&spec[i], 0, sizeof(spec[i]));
		assert_int_equal(relay_ports_alloc(ports, &loc, true, &spec[i].leg[0].ports), 0);
		assert_int_equal(relay_ports_alloc(ports, &loc, true, &spec[i].leg[1].ports), 0);
		spec[i].leg[0].remote_rtp = a[i].addr;
		spec[i].leg[1].remote_rtp = b[i].addr;
		spec[i].ports = ports;
		spec[i].on_event = on_event;
		spec[i].arg = &removed;
		if (i == 0)
			spec[i].leg[1].xf[RELAY_XF_RTP_IN] = (struct relay_xform){ xf_stall, &stall, NULL };
		assert_int_equal(relay_session_add(&spec[i], &s[i]), 0);
	}
	n = rtp(out, 1, 0x0badcafe, 0);
	to(&b[0], relay_session_local(s[0], 1), false, out, n);   /* the relay thread sleeps 300 ms */
	for (int i = 0; i < 100 && !atomic_load(&stall.calls); i++)
		usleep(1000);
	assert_int_equal(atomic_load(&stall.calls), 1);
	for (int p = 0; p < NP; p++)
		for (int i = 0; i < NS; i++) {
			n = rtp(out, (uint16_t)(1000 + p), 0x5000u + (uint32_t)i, (uint8_t)p);
			to(&a[i], relay_session_local(s[i], 0), false, out, n);
		}
	assert_int_equal(rx(&a[0], in, sizeof(in), 2000, NULL), 172);   /* b[0]'s packet */
	for (int i = 0; i < NS; i++) {
		for (int p = 0; p < NP; p++) {
			n = rtp(out, (uint16_t)(1000 + p), 0x5000u + (uint32_t)i, (uint8_t)p);
			assert_int_equal(rx(&b[i], in, sizeof(in), 2000, NULL), n);
			assert_memory_equal(in, out, (size_t)n);
		}
		STAT(s[i], 0, rx, packets, (uint64_t)NP);
		STAT(s[i], 0, rx, dropped, 0);
		STAT(s[i], 1, tx, packets, (uint64_t)NP);
	}
	for (int i = 0; i < NS; i++) {
		relay_session_remove(s[i]);
		assert_true(wait_event(s[i], RELAY_EV_REMOVED, 2000, NULL));
		close(a[i].fd);
		close(b[i].fd);
	}
	assert_int_equal(removed, NS);
	relay_ports_free(ports);
	relay_stop();
	unsetenv("TOLLGATE_RELAY_BUFS");
	assert_int_equal(relay_start(1), 0);
}

static void test_relay_mux(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	uint16_t sp;
	env_init(&e, true, false);          /* A muxed, B not */
	env_add(&e);
	assert_int_equal(LA(&e)->rtcp_fd, -1);
	int n = rtcp_sr(out);
	to(&e.a, LA(&e), false, out, n);   /* RTCP on A's RTP port */
	assert_int_equal(rx(&e.bc, in, sizeof(in), 1000, &sp), n);
	assert_int_equal(sp, LB(&e)->port + 1);
	to(&e.bc, LB(&e), true, out, n);
	assert_int_equal(rx(&e.a, in, sizeof(in), 1000, &sp), n);
	assert_int_equal(sp, LA(&e)->port);
	expect_none(&e.ac);
	n = rtp(out, 1, 2, 3);
	to(&e.a, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	env_fini(&e);
}

static void test_relay_inactivity(void **st)
{
	struct env e;
	uint8_t out[2048], in[2048];
	env_init(&e, false, false);
	e.spec.inactivity_s = 1;
	env_add(&e);
	assert_true(wait_event(e.s, RELAY_EV_INACTIVE, 3000, NULL));
	assert_false(wait_event(e.s, RELAY_EV_INACTIVE, 1200, NULL));   /* once per gap */
	int n = rtp(out, 1, 2, 3);
	to(&e.a, LA(&e), false, out, n);
	assert_int_equal(rx(&e.b, in, sizeof(in), 1000, NULL), n);
	assert_true(wait_event(e.s, RELAY_EV_INACTIVE, 3000, NULL));
	env_fini(&e);
}

/* relay_stop tears down what is left, then the relay starts again (2 threads) */
static void test_relay_stop_cleans(void **st)
{
	struct env e, f;
	uint8_t out[2048], in[2048];
	env_init(&e, false, false);
	env_add(&e);
	relay_stop();
	assert_int_equal(e.removed, 1);
	assert_int_equal(relay_ports_avail(e.ports), relay_ports_total(e.ports));
	assert_int_equal(relay_session_count(), 0);
	assert_int_equal(relay_session_add(&e.spec, &f.s), -ESRCH);
	relay_ports_free(e.ports);
	close(e.a.fd);
	close(e.b.fd);
	close(e.ac.fd);
	close(e.bc.fd);

	assert_int_equal(relay_start(2), 0);
	assert_int_equal(relay_start(2), -EALREADY);
	env_init(&f, false, false);
	env_add(&f);
	struct env g;
	memset(&g, 0, sizeof(g));
	g.ports = f.ports;
	struct sockaddr_storage loc = ip("127.0.0.1", 0);
	g.a = peer_new();
	g.b = peer_new();
	assert_int_equal(relay_ports_alloc(f.ports, &loc, true, &g.spec.leg[0].ports), 0);
	assert_int_equal(relay_ports_alloc(f.ports, &loc, true, &g.spec.leg[1].ports), 0);
	g.spec.leg[0].remote_rtp = g.a.addr;
	g.spec.leg[1].remote_rtp = g.b.addr;
	g.spec.ports = f.ports;
	assert_int_equal(relay_session_add(&g.spec, &g.s), 0);
	int n = rtp(out, 1, 2, 3);
	to(&f.a, LA(&f), false, out, n);
	to(&g.a, relay_session_local(g.s, 0), false, out, n);
	assert_int_equal(rx(&f.b, in, sizeof(in), 1000, NULL), n);
	assert_int_equal(rx(&g.b, in, sizeof(in), 1000, NULL), n);
	assert_true(relay_cpu_ns() > 0);
	relay_session_remove(g.s);
	for (int i = 0; i < 100 && relay_session_count() > 1; i++) {
		relay_dispatch();
		usleep(10000);
	}
	assert_int_equal(relay_session_count(), 1);
	close(g.a.fd);
	close(g.b.fd);
	env_fini(&f);
}

/* Removing a session while its packets are in flight, then handing its
 * ports straight to a new session (a range of two pairs, so the same ports
 * come back): the new session gets every packet.  With io_uring this fails
 * if a receive of the old session survives its removal (it would swallow
 * the new session's packets) or if REMOVED comes before the ring let go. */
static void test_relay_remove_reuse(void **st)
{
	struct relay_ports *ports = NULL;
	struct sockaddr_storage loc = ip("127.0.0.1", 0);
	uint8_t out[256], in[2048];
	int n = rtp(out, 7, 77, 1), removed = 0;

	assert_int_equal(relay_ports_new(LO + 30, LO + 33, &ports), 0);
	for (int round = 0; round < 3; round++) {
		struct relay_spec spec;
		struct relay_session *s = NULL;
		struct peer a = peer_new(), b = peer_new();
		memset(&spec, 0, sizeof(spec));
		assert_int_equal(relay_ports_alloc(ports, &loc, false, &spec.leg[0].ports), 0);
		assert_int_equal(relay_ports_alloc(ports, &loc, false, &spec.leg[1].ports), 0);
		spec.leg[0].remote_rtp = a.addr;
		spec.leg[1].remote_rtp = b.addr;
		spec.ports = ports;
		spec.on_event = on_event;
		spec.arg = &removed;
		nev = 0;
		assert_int_equal(relay_session_add(&spec, &s), 0);
		for (int i = 0; i < 20; i++) {
			n = rtp(out, (uint16_t)(100 * round + i), 77, (uint8_t)round);
			to(&a, relay_session_local(s, 0), false, out, n);
			assert_int_equal(rx(&b, in, sizeof(in), 1000, NULL), n);
			assert_memory_equal(in, out, (size_t)n);
		}
		for (int i = 0; i < 50; i++)   /* in flight while the session goes */
			to(&a, relay_session_local(s, 0), false, out, n);
		relay_session_remove(s);
		assert_true(wait_event(s, RELAY_EV_REMOVED, 2000, NULL));
		assert_int_equal(removed, round + 1);
		assert_int_equal(relay_ports_avail(ports), 2);
		close(a.fd);
		close(b.fd);
	}
	relay_ports_free(ports);
}

/* The back-end in use: epoll when asked for; io_uring whenever this kernel
 * gives a ring with the flags the relay needs. */
static void test_relay_io_backend(void **st)
{
	char d[160];
	const char *mode = getenv("TOLLGATE_RELAY_IO");
	relay_io_describe(d, sizeof(d));
	if (mode && !strcmp(mode, "epoll")) {
		assert_string_equal(d, "epoll (chosen by TOLLGATE_RELAY_IO=epoll)");
		return;
	}
	struct io_uring r;
	struct io_uring_params p = {
		.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL |
			 IORING_SETUP_CQSIZE,
		.cq_entries = 16384,
	};
	int rc = io_uring_queue_init_params(1024, &r, &p);
	if (rc) {
		print_message("io_uring not available here (%s); relay: %s\n", strerror(-rc), d);
		assert_non_null(strstr(d, "epoll (io_uring not used: "));
		return;
	}
	io_uring_queue_exit(&r);
	/* the file table and send-with-address depend on the kernel: named, not required */
	assert_true(!strncmp(d, "io_uring (multishot receive, 2048 provided buffers", 50));
	if (mode && !strcmp(mode, "sendmsg"))
		assert_non_null(strstr(d, ", sendmsg)"));
	else
		assert_true(strstr(d, ", send with address)") || strstr(d, ", sendmsg)"));
}

static int setup(void **st)
{
	unsetenv("TOLLGATE_RELAY_IO");
	return relay_start(1);
}

static int setup_epoll(void **st)
{
	setenv("TOLLGATE_RELAY_IO", "epoll", 1);
	return relay_start(1);
}

/* io_uring, but each packet leaves through IORING_OP_SENDMSG, as on kernels
 * whose IORING_OP_SEND takes no destination address */
static int setup_sendmsg(void **st)
{
	setenv("TOLLGATE_RELAY_IO", "sendmsg", 1);
	return relay_start(1);
}

static int teardown(void **st)
{
	relay_stop();
	return 0;
}

int main(void)
{
	while (LO < 32000 && !window_free(LO))
		LO += 64; /* stays even */
	const struct CMUnitTest ports[] = {
		cmocka_unit_test(test_ports_range),
		cmocka_unit_test(test_ports_exhaust_reuse),
		cmocka_unit_test(test_ports_in_use),
		cmocka_unit_test(test_ports_ipv6),
		cmocka_unit_test(test_media_addr),
	};
	/* the relay tests run on both I/O back-ends, io_uring with both of its sends */
	const struct CMUnitTest relay[] = {
		cmocka_unit_test(test_relay_io_backend),
		cmocka_unit_test(test_relay_both_ways),
		cmocka_unit_test(test_relay_latch),
		cmocka_unit_test(test_relay_update_hold),
		cmocka_unit_test(test_relay_xform),
		cmocka_unit_test(test_relay_handover),
		cmocka_unit_test(test_relay_loss),
		cmocka_unit_test(test_relay_backlog_drained),
		cmocka_unit_test(test_relay_mux),
		cmocka_unit_test(test_relay_inactivity),
		cmocka_unit_test(test_relay_remove_reuse),
		cmocka_unit_test(test_relay_burst_over_buffers),
		cmocka_unit_test(test_relay_stop_cleans),
	};
	int failed = cmocka_run_group_tests_name("ports", ports, NULL, NULL);
	failed += cmocka_run_group_tests_name("relay, io_uring", relay, setup, teardown);
	failed += cmocka_run_group_tests_name("relay, io_uring with sendmsg", relay, setup_sendmsg, teardown);
	failed += cmocka_run_group_tests_name("relay, epoll", relay, setup_epoll, teardown);
	return failed;
}
