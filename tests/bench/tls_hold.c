/* tls_hold.c - `make bench`, part 3: open N TLS connections to HOST:PORT and hold them idle,
 * so that the server's memory per idle TLS connection can be read (tests/bench/tls_mem.sh).
 * Not a test.  GnuTLS client, non-blocking sockets, one epoll loop; at most -c handshakes in
 * flight.  Source addresses are taken in turn from -s (several 127.0.0.x spread the
 * connections over more 4-tuples than one address's ephemeral ports allow).  The server's
 * certificate is not verified: this measures memory, not PKI.
 *
 * Usage: tls_hold [-c inflight] [-s 127.0.0.2,127.0.0.3,...] [-t hold_s] [-T max_s] HOST PORT N
 *
 * Prints "tls_hold: established E failed F ..." once every connection was tried (or -T
 * passed), then holds the established ones for hold_s seconds (default: until SIGTERM or
 * SIGINT), printing "tls_hold: closed by peer C" at the end.  Exit status 0 when all N were
 * established, 1 otherwise, 2 on usage errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum { S_FREE, S_CONNECTING, S_HANDSHAKE, S_HELD, S_DEAD };

struct conn {
	int fd;
	int state;
	gnutls_session_t s;
};

static volatile sig_atomic_t stop_flag;
static void on_sig(int sig) { (void)sig; stop_flag = 1; }

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: tls_hold [-c inflight] [-s SRC,SRC...] [-t hold_s] [-T max_s] HOST PORT N\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int inflight_max = 64, opt;
	double hold = -1, maxtime = 300;
	char *srcs_arg = NULL;
	struct in_addr srcs[64];
	int nsrc = 0;

	while ((opt = getopt(argc, argv, "c:s:t:T:")) != -1) {
		switch (opt) {
		case 'c': inflight_max = atoi(optarg); break;
		case 's': srcs_arg = optarg; break;
		case 't': hold = strtod(optarg, NULL); break;
		case 'T': maxtime = strtod(optarg, NULL); break;
		default: usage();
		}
	}
	if (argc - optind != 3 || inflight_max < 1)
		usage();
	const char *host = argv[optind];
	int port = atoi(argv[optind + 1]);
	long n = strtol(argv[optind + 2], NULL, 10);
	if (n < 1 || n > 1000000 || port < 1 || port > 65535)
		usage();
	if (srcs_arg) {
		for (char *tok = strtok(srcs_arg, ","); tok && nsrc < 64; tok = strtok(NULL, ","))
			if (inet_pton(AF_INET, tok, &srcs[nsrc]) == 1)
				nsrc++;
			else
				usage();
	}
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &dst.sin_addr) != 1)
		usage();

	/* one fd per connection, plus a few */
	struct rlimit rl = { .rlim_cur = (rlim_t)n + 64, .rlim_max = (rlim_t)n + 64 };
	struct rlimit cur;
	getrlimit(RLIMIT_NOFILE, &cur);
	if (cur.rlim_cur < rl.rlim_cur) {
		if (cur.rlim_max > rl.rlim_max)
			rl.rlim_max = cur.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			fprintf(stderr, "tls_hold: cannot raise RLIMIT_NOFILE to %ld: %s\n", n + 64, strerror(errno));
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);

	if (gnutls_global_init() < 0)
		return 2;
	gnutls_certificate_credentials_t cred;
	gnutls_certificate_allocate_credentials(&cred);
	gnutls_priority_t prio;
	if (gnutls_priority_init(&prio, "NORMAL", NULL) < 0)
		return 2;

	struct conn *cs = calloc((size_t)n, sizeof(*cs));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cs || ep < 0)
		return 2;

	long next = 0, established = 0, failed = 0, inflight = 0, closed = 0;
	long err_connect = 0, err_tls = 0, err_socket = 0;
	char first_err[160] = "";
	double t0 = now_s(), tdone = 0;
	struct epoll_event evs[256];

	while (!stop_flag) {
		/* start new connections up to the in-flight window */
		while (next < n && inflight < inflight_max) {
			struct conn *c = &cs[next];
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (fd < 0) {
				err_socket++;
				failed++;
				if (!first_err[0])
					snprintf(first_err, sizeof(first_err), "socket: %s", strerror(errno));
				next++;
				if (errno == EMFILE || errno == ENFILE)
					next = n; /* no point trying more */
				continue;
			}
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if (nsrc) {
				struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = srcs[next % nsrc] };
				setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
				if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
					if (!first_err[0])
						snprintf(first_err, sizeof(first_err), "bind: %s", strerror(errno));
					close(fd);
					err_connect++;
					failed++;
					next++;
					continue;
				}
			}
			if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0 && errno != EINPROGRESS) {
				if (!first_err[0])
					snprintf(first_err, sizeof(first_err), "connect: %s", strerror(errno));
				close(fd);
				err_connect++;
				failed++;
				next++;
				continue;
			}
			c->fd = fd;
			c->state = S_CONNECTING;
			struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = (uint64_t)next };
			epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			inflight++;
			next++;
		}
		if (!tdone && next >= n && inflight == 0) {
			tdone = now_s();
			printf("tls_hold: established %ld failed %ld (connect %ld, tls %ld, socket %ld) "
			       "in %.1f s (%.0f/s)%s%s\n",
			       established, failed, err_connect, err_tls, err_socket, tdone - t0,
			       established / (tdone - t0 > 0 ? tdone - t0 : 1), first_err[0] ? "; first error: " : "",
			       first_err);
			fflush(stdout);
		}
		double t = now_s();
		if (!tdone && t - t0 > maxtime) {
			tdone = t;
			printf("tls_hold: established %ld failed %ld (connect %ld, tls %ld, socket %ld) "
			       "in %.1f s: gave up after -T %.0f s with %ld in flight and %ld not tried%s%s\n",
			       established, failed, err_connect, err_tls, err_socket, t - t0, maxtime, inflight,
			       n - next, first_err[0] ? "; first error: " : "", first_err);
			fflush(stdout);
			next = n;
		}
		if (tdone && hold >= 0 && t - tdone >= hold)
			break;

		int k = epoll_wait(ep, evs, 256, 200);
		for (int i = 0; i < k; i++) {
			long idx = (long)evs[i].data.u64;
			struct conn *c = &cs[idx];
			if (c->state == S_CONNECTING) {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
				if (soerr) {
					if (!first_err[0])
						snprintf(first_err, sizeof(first_err), "connect: %s", strerror(soerr));
					goto fail_connect;
				}
				gnutls_init(&c->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
				gnutls_priority_set(c->s, prio);
				gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, cred);
				gnutls_transport_set_int(c->s, c->fd);
				c->state = S_HANDSHAKE;
			}
			if (c->state == S_HANDSHAKE) {
				int r = gnutls_handshake(c->s);
				if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
					struct epoll_event ev = { .events = gnutls_record_get_direction(c->s) ? EPOLLOUT : EPOLLIN,
								  .data.u64 = (uint64_t)idx };
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
					continue;
				}
				if (r < 0) {
					if (!first_err[0])
						snprintf(first_err, sizeof(first_err), "handshake: %s", gnutls_strerror(r));
					err_tls++;
					gnutls_deinit(c->s);
					goto fail;
				}
				c->state = S_HELD;
				established++;
				inflight--;
				struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)idx };
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				continue;
			}
			if (c->state == S_HELD) {
				/* the server wrote (a CRLF keep-alive?) or closed */
				char buf[4096];
				ssize_t r = gnutls_record_recv(c->s, buf, sizeof(buf));
				if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED || r > 0)
					continue;
				closed++;
				established--;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				gnutls_deinit(c->s);
				close(c->fd);
				c->state = S_DEAD;
			}
			continue;
fail_connect:
			err_connect++;
fail:
			failed++;
			inflight--;
			epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			c->state = S_DEAD;
		}
	}
	printf("tls_hold: closed by peer %ld, still held %ld\n", closed, established);
	fflush(stdout);
	/* exit closes the sockets; no close_notify: we measure idle connections, not teardown */
	return established == n && !closed ? 0 : 1;
}
