/* test_dns.c - the RFC 3263 resolver (core/dns.c) against a real DNS server:
 * Debian's dnsmasq, started on 127.0.0.1 on a free high port with SRV, A and
 * AAAA records, and killed at teardown.  The resolver runs inside our event
 * loop; each lookup runs the loop until its callback fires (at most 10 s).
 * Also the `ip name-server` command, its rendering and its YAML form.
 * Skipped, with a message, only when dnsmasq is not installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/grammar.h"
#include "cli/vty.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/config_text.h"
#include "core/config_yaml.h"
#include "core/dns.h"
#include "core/loop.h"

/* ------------------------------------------------------------------ */
/* dnsmasq                                                              */

static const char *const records[] = {
	"--srv-host=_sips._tcp.sbc.test,b.sbc.test,5062,20,10",
	"--srv-host=_sips._tcp.sbc.test,a.sbc.test,5061,10,50",
	"--srv-host=_sip._tcp.sbc.test,b.sbc.test,5060,10,0",
	"--srv-host=_sip._udp.sbc.test,a.sbc.test,5070,20,0",
	"--srv-host=_sip._udp.sbc.test,b.sbc.test,5080,10,0",
	"--srv-host=_sip._udp.w.sbc.test,a.sbc.test,6001,5,1",
	"--srv-host=_sip._udp.w.sbc.test,b.sbc.test,6002,5,99",
	"--srv-host=_sip._udp.dead.sbc.test,nohost.sbc.test,5060,1,1",
	"--host-record=a.sbc.test,127.0.0.2",
	"--host-record=b.sbc.test,127.0.0.3,::1",
	"--host-record=plain.sbc.test,127.0.0.4",
	"--host-record=ttl0.sbc.test,127.0.0.9,0",
	"--local=/sbc.test/",       /* unknown names in sbc.test: NXDOMAIN */
	"--local-ttl=300",
};

static struct {
	pid_t pid;
	uint16_t port;
	bool skip;
	struct cfg cfg;
} S;

static const char *dnsmasq_path(void)
{
	static const char *const paths[] = { "/usr/sbin/dnsmasq", "/sbin/dnsmasq",
					     "/usr/local/sbin/dnsmasq", "/usr/bin/dnsmasq" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* A port free for both UDP and TCP on 127.0.0.1 (0 if none found). */
static uint16_t free_port(void)
{
	for (int tries = 0; tries < 20; tries++) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);
		int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
		uint16_t port = 0;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (u >= 0 && t >= 0 && bind(u, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    getsockname(u, (struct sockaddr *)&sa, &len) == 0 &&
		    bind(t, (struct sockaddr *)&sa, sizeof(sa)) == 0 && ntohs(sa.sin_port) > 1024)
			port = ntohs(sa.sin_port);
		if (u >= 0)
			close(u);
		if (t >= 0)
			close(t);
		if (port)
			return port;
	}
	return 0;
}

/* True once the server answers a query (any answer) on 127.0.0.1:port. */
static bool dns_answers(uint16_t port)
{
	/* id 0x1234, RD, one question: a.sbc.test IN A */
	static const unsigned char q[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 3, 's', 'b', 'c', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { 0, 200000 };
	unsigned char buf[512];
	bool ok = false;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return false;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, q, sizeof(q), 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)sizeof(q))
		ok = recv(fd, buf, sizeof(buf), 0) >= 12 && buf[0] == 0x12 && buf[1] == 0x34;
	close(fd);
	return ok;
}

/* Fork/exec dnsmasq on a free port; 0 once it answers, else -1. */
static int dnsmasq_start(const char *path)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		char portarg[32];
		const char *argv[40];
		int n = 0, status;
		uint16_t port = free_port();
		pid_t pid, parent = getpid();

		if (!port)
			return -1;
		snprintf(portarg, sizeof(portarg), "--port=%u", (unsigned)port);
		argv[n++] = path;
		argv[n++] = "--no-daemon";
		argv[n++] = "--conf-file=/dev/null";
		argv[n++] = "--no-resolv";
		argv[n++] = "--no-hosts";
		argv[n++] = "--listen-address=127.0.0.1";
		argv[n++] = "--bind-interfaces";
		argv[n++] = "--log-facility=-";
		argv[n++] = portarg;
		for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
			argv[n++] = records[i];
		argv[n] = NULL;
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			int fd;
			/* dies with the test, even when the test is killed */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(1);
			fd = open(getenv("DNSMASQ_LOG") ? getenv("DNSMASQ_LOG") : "/dev/null",
				      O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execv(path, (char *const *)argv);
			_exit(127);
		}
		for (int i = 0; i < 50; i++) {     /* up to 5 s */
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;          /* exited: port taken meanwhile? try another */
			if (dns_answers(port)) {
				S.pid = pid;
				S.port = port;
				return 0;
			}
			usleep(100000);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	return -1;
}

static void dnsmasq_stop(void)
{
	int status;
	if (S.pid > 0) {
		kill(S.pid, SIGTERM);
		waitpid(S.pid, &status, 0);
	}
	S.pid = 0;
}

static void set_server(struct cfg *c, const char *addr, uint16_t port)
{
	memset(c->name_servers, 0, sizeof(c->name_servers));
	snprintf(c->name_servers[0].addr, sizeof(c->name_servers[0].addr), "%s", addr);
	c->name_servers[0].port = port;
	c->n_name_servers = 1;
}

static int group_setup(void **state)
{
	const char *path = dnsmasq_path();
	(void)state;
	cfg_init(&S.cfg);
	if (!path) {
		fprintf(stderr, "SKIP test_dns: dnsmasq is not installed "
				"(apt-get install dnsmasq-base); resolver tests skipped\n");
		S.skip = true;
		return 0;
	}
	if (dnsmasq_start(path) < 0) {
		fprintf(stderr, "test_dns: could not start %s on 127.0.0.1\n", path);
		return -1;
	}
	set_server(&S.cfg, "127.0.0.1", S.port);
	if (loop_init() < 0 || dns_init(&S.cfg) < 0) {
		dnsmasq_stop();
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (!S.skip) {
		dns_fini();
		loop_fini();
	}
	dnsmasq_stop();
	cfg_free(&S.cfg);
	return 0;
}

/* ------------------------------------------------------------------ */
/* running a lookup                                                     */

struct got {                 /* a copy of one result */
	bool done, timed_out;
	int calls;
	int err;
	char msg[DNS_ERR_LEN];
	size_t n;
	struct dns_target v[16];
};

static void on_done(void *arg, const struct dns_result *r)
{
	struct got *g = arg;
	g->done = true;
	g->calls++;
	g->err = r->err;
	snprintf(g->msg, sizeof(g->msg), "%s", r->errmsg);
	g->n = r->n < 16 ? r->n : 16;
	if (g->n)
		memcpy(g->v, r->v, g->n * sizeof(*r->v));
	loop_stop();
}

static void on_watchdog(void *arg)
{
	struct got *g = arg;
	g->timed_out = true;
	loop_stop();
}

static void run_until(struct got *g)
{
	struct loop_timer *wd;
	assert_int_equal(loop_timer_add(10000, false, on_watchdog, g, &wd), 0);
	while (!g->done && !g->timed_out)
		loop_run();
	loop_timer_del(wd);
	assert_false(g->timed_out);
}

static void resolve(const char *name, uint16_t port, enum cfg_transport pref, struct got *g)
{
	memset(g, 0, sizeof(*g));
	assert_int_equal(dns_resolve_sip(name, port, pref, on_done, g, NULL), 0);
	assert_false(g->done);                   /* never called back synchronously */
	run_until(g);
	assert_int_equal(g->calls, 1);
}

static void check(const struct dns_target *t, const char *addr, uint16_t port,
		  enum cfg_transport tr, const char *host)
{
	char a[INET6_ADDRSTRLEN];
	uint16_t p;
	if (t->addr.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)&t->addr;
		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		p = ntohs(s->sin_port);
		assert_int_equal(t->addrlen, sizeof(*s));
	} else {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&t->addr;
		assert_int_equal(t->addr.ss_family, AF_INET6);
		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		p = ntohs(s->sin6_port);
		assert_int_equal(t->addrlen, sizeof(*s));
	}
	assert_string_equal(a, addr);
	assert_int_equal(p, port);
	assert_int_equal(t->port, port);
	assert_int_equal(t->transport, tr);
	assert_string_equal(t->host, host);
}

#define SKIP_IF_NO_DNSMASQ() do { if (S.skip) skip(); } while (0)

/* ------------------------------------------------------------------ */
/* tests                                                                */

static void test_srv_tls(void **state)
{
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	resolve("sbc.test", 0, CFG_TRANSPORT_TLS, &g);
	assert_int_equal(g.err, 0);
	assert_string_equal(g.msg, "");
	assert_int_equal(g.n, 3);
	/* priority 10 before 20, whatever the order in the answer */
	check(&g.v[0], "127.0.0.2", 5061, CFG_TRANSPORT_TLS, "a.sbc.test");
	assert_int_equal(g.v[0].priority, 10);
	assert_int_equal(g.v[0].weight, 50);
	assert_string_equal(g.v[0].srv, "_sips._tcp.sbc.test");
	/* both targets resolved; b has A and AAAA, IPv4 first */
	check(&g.v[1], "127.0.0.3", 5062, CFG_TRANSPORT_TLS, "b.sbc.test");
	check(&g.v[2], "::1", 5062, CFG_TRANSPORT_TLS, "b.sbc.test");
	assert_int_equal(g.v[2].priority, 20);
}

static void test_srv_udp_priority(void **state)
{
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	resolve("sbc.test", 0, CFG_TRANSPORT_UDP, &g);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.n, 3);
	check(&g.v[0], "127.0.0.3", 5080, CFG_TRANSPORT_UDP, "b.sbc.test");
	check(&g.v[1], "::1", 5080, CFG_TRANSPORT_UDP, "b.sbc.test");
	check(&g.v[2], "127.0.0.2", 5070, CFG_TRANSPORT_UDP, "a.sbc.test");
	assert_string_equal(g.v[2].srv, "_sip._udp.sbc.test");
}

static void test_srv_any_transport(void **state)
{
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	/* no preference: _sips._tcp, then _sip._tcp, then _sip._udp */
	resolve("SBC.test", 0, CFG_TRANSPORT_UNSET, &g);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.n, 8);
	check(&g.v[0], "127.0.0.2", 5061, CFG_TRANSPORT_TLS, "a.sbc.test");
	check(&g.v[3], "127.0.0.3", 5060, CFG_TRANSPORT_TCP, "b.sbc.test");
	check(&g.v[4], "::1", 5060, CFG_TRANSPORT_TCP, "b.sbc.test");
	check(&g.v[5], "127.0.0.3", 5080, CFG_TRANSPORT_UDP, "b.sbc.test");
	check(&g.v[7], "127.0.0.2", 5070, CFG_TRANSPORT_UDP, "a.sbc.test");
}

static void test_port_given_no_srv(void **state)
{
	struct dns_stats before, after;
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	dns_stats_get(&before);
	resolve("a.sbc.test", 5099, CFG_TRANSPORT_TCP, &g);
	dns_stats_get(&after);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.n, 1);                /* A only: a.sbc.test has no AAAA */
	check(&g.v[0], "127.0.0.2", 5099, CFG_TRANSPORT_TCP, "a.sbc.test");
	assert_int_equal(g.v[0].priority, 0);
	assert_string_equal(g.v[0].srv, "");
	assert_int_equal(after.srv_queries, before.srv_queries);
	/* sbc.test itself has SRV records but no address: with a port, no SRV */
	resolve("sbc.test", 5060, CFG_TRANSPORT_UDP, &g);
	assert_int_equal(g.err, -ENOENT);
	assert_string_equal(g.msg, "dns: no A/AAAA record for sbc.test");
}

static void test_no_srv_fallback(void **state)
{
	struct dns_stats before, after;
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	dns_stats_get(&before);
	resolve("plain.sbc.test", 0, CFG_TRANSPORT_TLS, &g);
	dns_stats_get(&after);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.n, 1);
	check(&g.v[0], "127.0.0.4", 5061, CFG_TRANSPORT_TLS, "plain.sbc.test");
	assert_int_equal(after.srv_queries, before.srv_queries + 1);
	resolve("plain.sbc.test", 0, CFG_TRANSPORT_UNSET, &g);
	assert_int_equal(g.n, 1);
	check(&g.v[0], "127.0.0.4", 5060, CFG_TRANSPORT_UDP, "plain.sbc.test");
}

static void test_nxdomain(void **state)
{
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	resolve("nx.sbc.test", 0, CFG_TRANSPORT_UDP, &g);
	assert_int_equal(g.err, -ENOENT);
	assert_int_equal(g.n, 0);
	assert_string_equal(g.msg, "dns: no SRV or A/AAAA record for nx.sbc.test");
	resolve("nx.sbc.test", 5060, CFG_TRANSPORT_UDP, &g);
	assert_int_equal(g.err, -ENOENT);
	assert_string_equal(g.msg, "dns: no A/AAAA record for nx.sbc.test");
	resolve("dead.sbc.test", 0, CFG_TRANSPORT_UDP, &g);
	assert_int_equal(g.err, -ENOENT);
	assert_string_equal(g.msg, "dns: no A/AAAA record for the SRV targets of "
				   "dead.sbc.test (nohost.sbc.test)");
}

static void test_cache(void **state)
{
	struct dns_stats s0, s1, s2;
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	dns_cache_flush();
	dns_stats_get(&s0);
	assert_int_equal(s0.cache_entries, 0);
	resolve("sbc.test", 0, CFG_TRANSPORT_TLS, &g);
	dns_stats_get(&s1);
	assert_int_equal(s1.srv_queries, s0.srv_queries + 1);
	assert_int_equal(s1.addr_queries, s0.addr_queries + 2);   /* a and b */
	assert_int_equal(s1.cache_entries, 3);
	resolve("sbc.test", 0, CFG_TRANSPORT_TLS, &g);
	dns_stats_get(&s2);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.n, 3);
	check(&g.v[0], "127.0.0.2", 5061, CFG_TRANSPORT_TLS, "a.sbc.test");
	check(&g.v[2], "::1", 5062, CFG_TRANSPORT_TLS, "b.sbc.test");
	assert_int_equal(s2.srv_queries, s1.srv_queries);   /* all from the cache */
	assert_int_equal(s2.addr_queries, s1.addr_queries);
	assert_int_equal(s2.cache_hits, s1.cache_hits + 3);
	/* a TTL of 0 is not cached */
	resolve("ttl0.sbc.test", 5060, CFG_TRANSPORT_UDP, &g);
	resolve("ttl0.sbc.test", 5060, CFG_TRANSPORT_UDP, &g);
	dns_stats_get(&s1);
	assert_int_equal(g.n, 1);
	check(&g.v[0], "127.0.0.9", 5060, CFG_TRANSPORT_UDP, "ttl0.sbc.test");
	assert_int_equal(s1.addr_queries, s2.addr_queries + 2);
}

static void test_weights(void **state)
{
	struct got g;
	int heavy_first = 0;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	for (int i = 0; i < 200; i++) {          /* from the cache after the first */
		resolve("w.sbc.test", 0, CFG_TRANSPORT_UDP, &g);
		assert_int_equal(g.err, 0);
		assert_int_equal(g.n, 3);
		heavy_first += g.v[0].port == 6002;
	}
	assert_true(heavy_first > 150);          /* weight 99 against 1 */
}

static void test_addr_and_literals(void **state)
{
	struct dns_stats before, after;
	struct got g;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	memset(&g, 0, sizeof(g));
	assert_int_equal(dns_resolve_addr("b.sbc.test", 7000, on_done, &g, NULL), 0);
	run_until(&g);
	assert_int_equal(g.err, 0);
	assert_int_equal(g.n, 2);
	check(&g.v[0], "127.0.0.3", 7000, CFG_TRANSPORT_UNSET, "b.sbc.test");
	check(&g.v[1], "::1", 7000, CFG_TRANSPORT_UNSET, "b.sbc.test");
	dns_stats_get(&before);
	resolve("192.0.2.7", 0, CFG_TRANSPORT_TLS, &g);
	assert_int_equal(g.n, 1);
	check(&g.v[0], "192.0.2.7", 5061, CFG_TRANSPORT_TLS, "192.0.2.7");
	resolve("[2001:db8::1]", 5070, CFG_TRANSPORT_UNSET, &g);
	assert_int_equal(g.n, 1);
	check(&g.v[0], "2001:db8::1", 5070, CFG_TRANSPORT_UDP, "2001:db8::1");
	dns_stats_get(&after);
	assert_int_equal(after.srv_queries + after.addr_queries,
			 before.srv_queries + before.addr_queries);
	/* refused at once */
	assert_int_equal(dns_resolve_sip("bad name", 0, CFG_TRANSPORT_UDP, on_done, &g, NULL),
			 -EINVAL);
	assert_int_equal(dns_resolve_sip("", 0, CFG_TRANSPORT_UDP, on_done, &g, NULL), -EINVAL);
	assert_int_equal(dns_resolve_sip("a:b", 0, CFG_TRANSPORT_UDP, on_done, &g, NULL), -EINVAL);
}

static void test_cancel(void **state)
{
	struct got g1, g2, g3;
	struct dns_query *q1, *q3;
	bool cancelled3 = false;
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	dns_cache_flush();
	memset(&g1, 0, sizeof(g1));
	memset(&g3, 0, sizeof(g3));
	/* cancelled before it started, and cancelled with lookups in flight */
	assert_int_equal(dns_resolve_sip("sbc.test", 0, CFG_TRANSPORT_TCP, on_done, &g1, &q1), 0);
	dns_cancel(q1);
	assert_int_equal(dns_resolve_sip("sbc.test", 0, CFG_TRANSPORT_UDP, on_done, &g3, &q3), 0);
	resolve("plain.sbc.test", 5060, CFG_TRANSPORT_UDP, &g2);   /* q3 is in flight now */
	if (!g3.done) {
		dns_cancel(q3);
		cancelled3 = true;
	}
	resolve("sbc.test", 0, CFG_TRANSPORT_TLS, &g2);
	assert_int_equal(g2.err, 0);
	assert_int_equal(g1.calls, 0);
	assert_int_equal(g3.calls, cancelled3 ? 0 : 1);
}

static void test_server_down_and_reconfigure(void **state)
{
	struct cfg c;
	struct got g;
	char want[64];
	uint16_t dead = free_port();
	(void)state;
	SKIP_IF_NO_DNSMASQ();
	cfg_init(&c);
	set_server(&c, "127.0.0.1", dead);       /* nothing listens there */
	assert_int_equal(dns_reconfigure(&c), 0);
	snprintf(want, sizeof(want), "127.0.0.1:%u", (unsigned)dead);
	assert_string_equal(dns_servers_text(), want);
	resolve("sbc.test", 0, CFG_TRANSPORT_UDP, &g);
	assert_true(g.err == -ECONNREFUSED || g.err == -ETIMEDOUT);
	assert_non_null(strstr(g.msg, want));
	assert_non_null(strstr(g.msg, "dns: "));
	assert_int_equal(dns_reconfigure(&S.cfg), 0);   /* back to dnsmasq */
	resolve("sbc.test", 0, CFG_TRANSPORT_UDP, &g);
	assert_int_equal(g.err, 0);
	assert_int_equal(dns_reconfigure(&S.cfg), 0);   /* unchanged: nothing to do */
	cfg_free(&c);
}

/* `ip name-server`: the command, the canonical text and the YAML face. */
static void test_command_render_yaml(void **state)
{
	struct cfg c, y;
	struct vty v;
	struct buf out = BUF_INIT, yb = BUF_INIT, err = BUF_INIT;
	const char *bad;
	(void)state;
	cfg_init(&c);
	vty_init(&v, &c, "vty0");
	v.interactive = true;
	assert_int_equal(vty_exec(&v, "configure terminal"), 0);
	assert_int_equal(vty_exec(&v, "ip name-server 127.0.0.1 5353"), 0);
	assert_int_equal(vty_exec(&v, "ip name-server 192.0.2.53"), 0);
	assert_int_equal(vty_exec(&v, "ip name-server 192.0.2.54 53"), 0);
	assert_int_equal(c.n_name_servers, 3);
	assert_string_equal(c.name_servers[0].addr, "127.0.0.1");
	assert_int_equal(c.name_servers[0].port, 5353);
	assert_int_equal(c.name_servers[2].port, 0);
	assert_int_equal(vty_exec(&v, "ip name-server 192.0.2.55"), 0);
	assert_int_not_equal(vty_exec(&v, "ip name-server 192.0.2.56"), 0);
	assert_non_null(strstr(buf_str(&v.out), "% At most 4 name servers"));
	assert_int_equal(vty_exec(&v, "no ip name-server 192.0.2.55"), 0);
	assert_int_equal(c.n_name_servers, 3);
	assert_int_equal(cfg_render_text(&c, &out), 0);
	assert_non_null(strstr(buf_str(&out), "!\nip name-server 127.0.0.1 5353\n"
					      "ip name-server 192.0.2.53\n"
					      "ip name-server 192.0.2.54\n!\n"));
	assert_int_equal(cfg_yaml_emit(&c, &yb), 0);
	assert_non_null(strstr(buf_str(&yb), "ip-name-servers: [\"127.0.0.1:5353\", "
					     "\"192.0.2.53\", \"192.0.2.54\"]"));
	cfg_init(&y);
	assert_int_equal(cfg_yaml_load(buf_str(&yb), yb.len, NULL, &y, &err), 0);
	assert_true(cfg_equal(&c, &y));
	cfg_free(&y);
	cfg_init(&y);
	bad = "ip-name-servers: [\"300.1.1.1\", 1.2.3.4:0]\n";
	assert_int_not_equal(cfg_yaml_load(bad, strlen(bad), NULL, &y, &err), 0);
	assert_non_null(strstr(buf_str(&err), "<yaml>:1: ip-name-servers[0]: invalid name "
					      "server \"300.1.1.1\""));
	assert_non_null(strstr(buf_str(&err), "ip-name-servers[1]: invalid name server "
					      "\"1.2.3.4:0\""));
	assert_int_equal(y.n_name_servers, 0);
	cfg_free(&y);
	assert_int_equal(vty_exec(&v, "no ip name-server"), 0);
	assert_int_equal(c.n_name_servers, 0);
	buf_free(&out);
	buf_free(&yb);
	buf_free(&err);
	vty_fini(&v);
	cfg_free(&c);
}

int main(void)
{
	struct buf err = BUF_INIT;
	int rc;
	if (gram_init(&err)) {
		fprintf(stderr, "%s", buf_str(&err));
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srv_tls),
		cmocka_unit_test(test_srv_udp_priority),
		cmocka_unit_test(test_srv_any_transport),
		cmocka_unit_test(test_port_given_no_srv),
		cmocka_unit_test(test_no_srv_fallback),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_addr_and_literals),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_server_down_and_reconfigure),
		cmocka_unit_test(test_command_render_yaml),
	};
	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	gram_fini();
	buf_free(&err);
	return rc;
}
