/* relay_load.c - load generator for the media relay (media/relay.c), not a test.
 *
 * Sets up N relay sessions on 127.0.0.1 (ports from the default rtp-port
 * range, latching on), then sends N G.711 streams (172-byte RTP: 12-byte
 * header + 160 bytes, 50 packets per second each, paced in 1 ms slots) into
 * leg A, and with -b as many back into leg B.  Every packet must arrive on
 * the other side unchanged (checked byte for byte).  The generator is one
 * thread with one socket per side (sendmmsg to many ports, recvmmsg), so the
 * relay thread(s) and the generator share the machine's cores.
 * Prints `relay: N streams, sent S, received R, loss L%, relay CPU X us/packet`
 * where X is the relay threads' CPU time over the packets received.
 * Usage: relay_load [-n sessions] [-s seconds] [-r pps] [-t threads] [-b] [-x]
 *   -b  bidirectional (2 streams per session);  -x  an XOR transform hook on
 *   each side (in and out cancel), to see the cost of the hook path. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "media/relay.h"

#define PKT     172
#define BATCH   64

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_self_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int xf_xor(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	for (int i = 12; i < *len; i++)
		pkt[i] ^= 0x5a;
	return 0;
}

struct stream { uint16_t seq; };

static struct {
	int n;                   /* sessions */
	bool bidir;
	struct sockaddr_storage *dst[2];   /* [0]: leg A's RTP address, [1]: leg B's */
	struct stream *st[2];
	uint64_t sent[2], recvd[2], bad;
	int fd[2];               /* the generator's side-A and side-B sockets */
} G;

static int gen_socket(struct sockaddr_storage *addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(*addr);
	int big = 32 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &l) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	return fd;
}

static void fill(uint8_t *b, uint32_t ssrc, uint16_t seq)
{
	uint32_t ts = seq * 160u;
	b[0] = 0x80;
	b[1] = 0;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	memset(b + 12, (uint8_t)(seq ^ ssrc), PKT - 12);
}

/* Send one packet of streams [from, to) of direction d (0: into A). */
static void send_slot(int d, int from, int to)
{
	static uint8_t buf[BATCH][PKT];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	int k = 0;
	for (int i = from; i < to; i++) {
		uint32_t ssrc = (uint32_t)i * 2u + (uint32_t)d;
		fill(buf[k], ssrc, G.st[d][i].seq++);
		iov[k] = (struct iovec){ buf[k], PKT };
		memset(&m[k], 0, sizeof(m[k]));
		m[k].msg_hdr.msg_iov = &iov[k];
		m[k].msg_hdr.msg_iovlen = 1;
		m[k].msg_hdr.msg_name = &G.dst[d][i];
		m[k].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
		if (++k == BATCH || i + 1 >= to) {
			int off = 0;
			while (off < k) {
				int r = sendmmsg(G.fd[d], m + off, (unsigned)(k - off), 0);
				if (r < 0) {
					if (errno == EINTR)
						continue;
					off++;          /* counted as sent: it is lost */
					G.sent[d]++;
					continue;
				}
				off += r;
				G.sent[d] += (uint64_t)r;
			}
			k = 0;
		}
	}
}

/* Drain side s: what arrives there went in on the other side. */
static void drain(int s)
{
	static uint8_t buf[BATCH][2048];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	uint8_t want[PKT];
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
			memset(&m[i], 0, sizeof(m[i]));
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(G.fd[s], m, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			uint8_t *b = buf[i];
			uint32_t ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
			uint16_t seq = (uint16_t)(b[2] << 8 | b[3]);
			fill(want, ssrc, seq);
			if (m[i].msg_len != PKT || (int)(ssrc & 1) == s || ssrc / 2 >= (uint32_t)G.n ||
			    memcmp(b, want, PKT)) {
				G.bad++;
				continue;
			}
			G.recvd[!s]++;
		}
	}
}

int main(int argc, char **argv)
{
	int n = 1000, secs = 10, pps = 50, threads = 1, opt, rc;
	bool xform = false;
	while ((opt = getopt(argc, argv, "n:s:r:t:bx")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 's': secs = atoi(optarg); break;
		case 'r': pps = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'b': G.bidir = true; break;
		case 'x': xform = true; break;
		default:
			fprintf(stderr, "usage: relay_load [-n sessions] [-s seconds] [-r pps] [-t threads] [-b] [-x]\n");
			return 2;
		}
	}
	if (n < 1 || secs < 1 || pps < 1 || pps > 1000)
		return 2;
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	G.n = n;
	struct relay_ports *ports;
	struct relay_session **sess = calloc((size_t)n, sizeof(*sess));
	struct sockaddr_storage gaddr[2], loc;
	for (int d = 0; d < 2; d++) {
		G.dst[d] = calloc((size_t)n, sizeof(*G.dst[d]));
		G.st[d] = calloc((size_t)n, sizeof(*G.st[d]));
		if ((G.fd[d] = gen_socket(&gaddr[d])) < 0 || !G.dst[d] || !G.st[d]) {
			perror("relay_load: generator socket");
			return 1;
		}
	}
	memset(&loc, 0, sizeof(loc));
	((struct sockaddr_in *)&loc)->sin_family = AF_INET;
	((struct sockaddr_in *)&loc)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((rc = relay_ports_new(0, 0, &ports)) || (rc = relay_start(threads))) {
		fprintf(stderr, "relay_load: start: %s\n", strerror(-rc));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct relay_spec sp = { .ports = ports };
		for (int l = 0; l < 2; l++) {
			struct relay_leg_spec *ls = &sp.leg[l];
			if ((rc = relay_ports_alloc(ports, &loc, false, &ls->ports))) {
				fprintf(stderr, "relay_load: session %d: ports: %s\n", i, strerror(-rc));
				return 1;
			}
			ls->remote_rtp = ls->remote_rtcp = gaddr[l];
			ls->latch = true;
			G.dst[l][i] = ls->ports.local;
			if (xform) {
				ls->xf[RELAY_XF_RTP_IN] = (struct relay_xform){ xf_xor, NULL, NULL };
				ls->xf[RELAY_XF_RTP_OUT] = (struct relay_xform){ xf_xor, NULL, NULL };
			}
		}
		if ((rc = relay_session_add(&sp, &sess[i]))) {
			fprintf(stderr, "relay_load: session %d: %s\n", i, strerror(-rc));
			return 1;
		}
	}
	usleep(200000);          /* let the relay take the sessions */

	int period = 1000 / pps; /* ms between two packets of a stream; one slot per ms */
	int per_slot = (n + period - 1) / period;
	uint64_t cpu0 = relay_cpu_ns();
	double gcpu0 = cpu_self_s(), t0 = now_s(), end = t0 + secs;
	long slot = 0;
	while (now_s() < end) {
		double due = t0 + (double)slot / 1000.0;
		double wait = due - now_s();
		if (wait > 0) {
			struct pollfd pf[2] = { { G.fd[0], POLLIN, 0 }, { G.fd[1], POLLIN, 0 } };
			if (poll(pf, 2, (int)(wait * 1000.0) + 1) > 0) {
				drain(0);
				drain(1);
			}
			if (now_s() < due)
				continue;
		}
		/* slot s sends streams [s*per_slot, (s+1)*per_slot) */
		int s = (int)(slot % period), from = s * per_slot, to = from + per_slot;
		if (to > n)
			to = n;
		if (from < to) {
			send_slot(0, from, to);
			if (G.bidir)
				send_slot(1, from, to);
		}
		slot++;
		drain(0);
		drain(1);
	}
	for (double stop = now_s() + 0.5; now_s() < stop;) {
		struct pollfd pf[2] = { { G.fd[0], POLLIN, 0 }, { G.fd[1], POLLIN, 0 } };
		if (poll(pf, 2, 50) > 0) {
			drain(0);
			drain(1);
		}
	}
	double wall = now_s() - t0, gcpu = cpu_self_s() - gcpu0;
	uint64_t cpu = relay_cpu_ns() - cpu0;
	gcpu -= (double)cpu / 1e9;   /* the process clock includes the relay threads */

	uint64_t dropped = 0, xfail = 0;
	for (int i = 0; i < n; i++) {
		struct relay_stats st;
		relay_session_stats(sess[i], &st);
		for (int l = 0; l < 2; l++) {
			dropped += st.leg[l].rx.dropped + st.leg[l].tx.dropped;
			xfail += st.leg[l].rx.xform_fail + st.leg[l].tx.xform_fail;
		}
		relay_session_remove(sess[i]);
	}
	while (relay_session_count()) {
		struct pollfd pf = { relay_event_fd(), POLLIN, 0 };
		(void)poll(&pf, 1, 100);
		relay_dispatch();
	}
	relay_stop();
	relay_ports_free(ports);

	uint64_t sent = G.sent[0] + G.sent[1], recvd = G.recvd[0] + G.recvd[1];
	double loss = sent ? 100.0 * (double)(sent - (recvd < sent ? recvd : sent)) / (double)sent : 0;
	double want = (double)n * (G.bidir ? 2 : 1) * (1000.0 / period) * secs;
	printf("relay: %d threads, %d s: offered %llu packets of %.0f intended (%.0f%%; less means the "
	       "generator was starved); generator CPU %.0f%%, relay CPU %.0f%% of a core; relay drops %llu, "
	       "transform failures %llu, corrupted %llu\n",
	       threads, secs, (unsigned long long)(G.sent[0] + G.sent[1]), want,
	       100.0 * (double)(G.sent[0] + G.sent[1]) / want, 100.0 * gcpu / wall,
	       100.0 * (double)cpu / 1e9 / wall, (unsigned long long)dropped, (unsigned long long)xfail,
	       (unsigned long long)G.bad);
	printf("relay: %d streams, sent %llu, received %llu, loss %.3f%%, relay CPU %.2f us/packet\n",
	       G.bidir ? 2 * n : n, (unsigned long long)sent, (unsigned long long)recvd, loss,
	       recvd ? (double)cpu / 1e3 / (double)recvd : 0.0);
	for (int d = 0; d < 2; d++) {
		close(G.fd[d]);
		free(G.dst[d]);
		free(G.st[d]);
	}
	free(sess);
	return 0;
}
