/* media_load.c - SRTP media load generator for `make bench` (tests/bench/media_bench.py), not a test.
 *
 * N calls, each an SRTP leg A and a plain-RTP leg B through a relay on
 * 127.0.0.1.  The generator sends N G.711 streams (172-byte RTP: 12-byte
 * header + 160 bytes, 50 packets per second each, paced in 1 ms slots, the
 * streams spread evenly over the slots) SRTP-protected into each call's leg A,
 * and receives them as plain RTP from leg B (SRTP -> RTP).  With -b it also
 * sends N plain streams into leg B and receives them SRTP-protected from leg A
 * (RTP -> SRTP).  Every packet that arrives is checked: the plain ones byte
 * for byte, the SRTP ones after libsrtp2 unprotect with the relay's key
 * (authentication, replay and payload), duplicates counted apart.
 *
 * The relay is either
 *   -T  Tollgate's relay (media/relay.c) started in this process with one
 *       thread (as tollgated does, media/session.c), each session configured
 *       as media/session.c does for an SRTP leg A and an RTP leg B: on leg A
 *       SRTP unprotect (the peer's key) in and protect (Tollgate's key) out,
 *       plus the SRTCP pair; nothing on leg B.  CPU: relay_cpu_ns(), the relay
 *       thread's own clock.
 *   or, without -T, an external relay (rtpengine) set up by the caller: the
 *       generator binds its two sockets, prints `media_load: ports A B`, then
 *       reads N lines from stdin, one per call, tab-separated:
 *         RELAY_A_PORT  RELAY_B_PORT  OUR_CRYPTO  RELAY_CRYPTO
 *       (the relay's leg-A and leg-B RTP ports on 127.0.0.1, our a=crypto
 *       value, i.e. the key we protect with, and the relay's a=crypto value
 *       from its answer, the key it protects with towards us).  CPU: utime +
 *       stime of -p PID from /proc/PID/stat over the same window.
 *
 * To keep the generator's own CPU (which shares the cores with the relay)
 * small and the same for both relays, the SRTP packets are protected before
 * the timed window and stored (about 190 bytes x streams x 50 x seconds),
 * and arrivals are stored during the window and checked after it.  The
 * window runs from the first packet sent to 0.5 s after the last one.
 *
 * Usage: media_load [-T [-P]] [-n calls] [-s seconds] [-r pps] [-c SUITE] [-b] [-p PID] [-t threads]
 *   -P  (with -T) no SRTP at all: plain RTP through the relay, its cost without crypto
 *        media_load -k [-c SUITE]   (probe: SRTP cost per packet against the contexts alive)
 *   SUITE: AES_CM_128_HMAC_SHA1_80 (default), AEAD_AES_128_GCM, ... (RFC 4568 names)
 * Output: a human line, then one line `MEDIA_LOAD {json}` for media_bench.py. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "media/relay.h"
#include "media/session.h"
#include "media/srtp.h"

#define PKT   172          /* RTP header + 160 bytes of G.711 */
#define SLOT  192          /* bytes per stored packet: PKT + at most a 16-byte tag, rounded up */
#define BATCH 64

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime + stime of a process (all its threads), seconds; < 0 on error. */
static double proc_cpu_s(int pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');          /* comm may hold blanks */
	if (!p)
		return -1;
	unsigned long long ut = 0, st = 0;
	/* after ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* UDP InErrors + RcvbufErrors from /proc/net/snmp (the whole host): receive-queue drops. */
static long long udp_rcv_errors(void)
{
	char hdr[1024], val[1024];
	long long sum = -1;
	FILE *f = fopen("/proc/net/snmp", "r");
	if (!f)
		return -1;
	while (fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
		if (strncmp(hdr, "Udp:", 4) || strncmp(val, "Udp:", 4))
			continue;
		char *sh = NULL, *sv = NULL, *h = strtok_r(hdr, " \n", &sh), *v = strtok_r(val, " \n", &sv);
		sum = 0;
		while (h && v) {
			if (!strcmp(h, "InErrors") || !strcmp(h, "RcvbufErrors"))
				sum += atoll(v);
			h = strtok_r(NULL, " \n", &sh);
			v = strtok_r(NULL, " \n", &sv);
		}
		break;
	}
	fclose(f);
	return sum;
}

/* The host's CPU time from /proc/stat's "cpu" line, in ticks: [0] busy outside softirq,
 * [1] softirq, [2] steal, [3] idle + iowait. */
static void host_cpu(unsigned long long out[4])
{
	unsigned long long v[8] = { 0 };
	memset(out, 0, 4 * sizeof(*out));
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7]) == 8) {
		out[0] = v[0] + v[1] + v[2] + v[5];
		out[1] = v[6];
		out[2] = v[7];
		out[3] = v[3] + v[4];
	}
	fclose(f);
}


/* The transforms media/session.c gives an SRTP leg. */
static int srtp_leg_xforms(const struct sdes_crypto *recv_key, const struct sdes_crypto *send_key,
			   struct relay_xform xf[RELAY_XF_COUNT])
{
	return media_srtp_xforms(recv_key, send_key, xf);
}

/* ---- generator state ---- */

/* Direction 0: SRTP into leg A (socket 0), plain out of leg B (socket 1).
 * Direction 1: plain into leg B (socket 1), SRTP out of leg A (socket 0).
 * Stream i of direction d has SSRC 2i+d and sends packets seq 0..per_stream-1. */
struct dir {
	uint8_t *pkt;            /* precomputed, in send order, SLOT bytes each */
	uint16_t *len;
	uint32_t *stream;        /* the stream of each packet (its destination) */
	size_t npk, next;
	uint64_t sent;
	uint8_t *rx;             /* arrivals (on the other socket), SLOT bytes each */
	uint16_t *rxlen;
	size_t nrx, rxcap;
	uint64_t overflow, trunc;
	uint8_t *seen;           /* per stream per seq: arrived once */
	uint64_t recvd, dup, bad, auth_fail, replay, other_fail;
	uint64_t bad_dir, bad_ssrc, bad_seq, bad_payload;   /* the kinds of bad */
};

static struct {
	int n, pps, secs, period, per_slot, per_stream;
	bool bidir, plain;        /* plain: -P, no SRTP anywhere (the relay's floor) */
	struct sockaddr_in *dst[2];       /* [0]: leg A's RTP address, [1]: leg B's */
	struct sdes_crypto *ours, *theirs;
	struct dir d[2];
	int fd[2];
	uint64_t eagain;         /* sendmmsg found the send buffer full */
	double send_wait;        /* seconds spent waiting for it */
	char io[160];            /* the relay's I/O back-end (-T) */
} G;

static int gen_socket(struct sockaddr_in *addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(*addr);
	int big = 64 << 20;
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
	b[1] = 0;                /* PCMU */
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	for (int i = 12; i < PKT; i++)
		b[i] = (uint8_t)(seq * 7u + ssrc * 13u + (unsigned)i);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);
	if (!p) {
		fprintf(stderr, "media_load: out of memory (%zu x %zu)\n", n, sz);
		exit(1);
	}
	return p;
}

/* Slots [0, secs*1000): slot s sends packet s/period of streams [g*per_slot, (g+1)*per_slot), g = s % period. */
static size_t slot_streams(long s, int *from, int *to)
{
	int g = (int)(s % G.period);
	*from = g * G.per_slot;
	*to = *from + G.per_slot;
	if (*to > G.n)
		*to = G.n;
	if (*from > *to)
		*from = *to;
	return (size_t)(*to - *from);
}

/* slot_end[s]: the index after the last packet of slot s in send order (both directions). */
static size_t *slot_end;

/* Where packet seq of stream i sits in send order. */
static size_t pkt_index(int i, int seq)
{
	int g = i / G.per_slot;
	long s = (long)seq * G.period + g;
	return (s ? slot_end[s - 1] : 0) + (size_t)(i - g * G.per_slot);
}

/* Protect (direction 0) or just build (direction 1) every packet of the run, in send order.
 * Stream by stream, with one SRTP context alive at a time, so the generator's own
 * contexts add nothing to what the relay's cost (libsrtp2 on NSS, without Tollgate's
 * crypto, slowed down with every context alive in the process). */
static int precompute(int d)
{
	struct dir *D = &G.d[d];
	D->npk = (size_t)G.n * (size_t)G.per_stream;
	D->pkt = xcalloc(D->npk, SLOT);
	D->len = xcalloc(D->npk, sizeof(*D->len));
	D->stream = xcalloc(D->npk, sizeof(*D->stream));
	for (int i = 0; i < G.n; i++) {
		struct tg_srtp *tx = NULL;
		int rc = d == 0 && !G.plain ? tg_srtp_new(&tx, &G.ours[i], TG_SRTP_SEND) : 0;
		if (rc) {
			fprintf(stderr, "media_load: call %d: SRTP context: %s\n", i, strerror(-rc));
			return -1;
		}
		for (int seq = 0; seq < G.per_stream; seq++) {
			size_t k = pkt_index(i, seq), len = PKT;
			uint8_t *b = D->pkt + k * SLOT;
			fill(b, (uint32_t)i * 2u + (uint32_t)d, (uint16_t)seq);
			if (tx && (rc = tg_srtp_protect(tx, b, &len, SLOT))) {
				fprintf(stderr, "media_load: protect: %s\n", tg_srtp_strerror(rc));
				return -1;
			}
			D->len[k] = (uint16_t)len;
			D->stream[k] = (uint32_t)i;
		}
		tg_srtp_free(tx);
	}
	D->rxcap = D->npk + 4096;
	D->rx = xcalloc(D->rxcap, SLOT);
	D->rxlen = xcalloc(D->rxcap, sizeof(*D->rxlen));
	D->seen = xcalloc((size_t)G.n * (size_t)G.per_stream, 1);
	return 0;
}

/* Send direction d's packets up to (not including) index end. */
static void send_upto(int d, size_t end)
{
	struct dir *D = &G.d[d];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	while (D->next < end) {
		int k = 0;
		for (; k < BATCH && D->next + (size_t)k < end; k++) {
			size_t j = D->next + (size_t)k;
			iov[k] = (struct iovec){ D->pkt + j * SLOT, D->len[j] };
			memset(&m[k], 0, sizeof(m[k]));
			m[k].msg_hdr.msg_iov = &iov[k];
			m[k].msg_hdr.msg_iovlen = 1;
			m[k].msg_hdr.msg_name = &G.dst[d == 0 ? 0 : 1][D->stream[j]];
			m[k].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
		}
		int r = sendmmsg(G.fd[d == 0 ? 0 : 1], m, (unsigned)k, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS) {
				struct pollfd pf = { G.fd[d == 0 ? 0 : 1], POLLOUT, 0 };
				double w = now_s();
				G.eagain++;
				(void)poll(&pf, 1, 1);
				G.send_wait += now_s() - w;
				continue;
			}
			r = 1;           /* this packet is lost: counted as sent */
		}
		D->next += (size_t)r;
		D->sent += (uint64_t)r;
	}
}

/* Store what waits on socket s: packets of direction 1 - s... i.e. socket 1 (B) gets direction 0. */
static void drain(int s)
{
	struct dir *D = &G.d[s == 1 ? 0 : 1];
	static uint8_t scratch[BATCH][SLOT];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			size_t j = D->nrx + (size_t)i;
			iov[i] = j < D->rxcap ? (struct iovec){ D->rx + j * SLOT, SLOT }
					      : (struct iovec){ scratch[i], SLOT };
			memset(&m[i], 0, sizeof(m[i]));
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(G.fd[s], m, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			size_t j = D->nrx + (size_t)i;
			if (j >= D->rxcap)
				D->overflow++;
			else
				D->rxlen[j] = (m[i].msg_hdr.msg_flags & MSG_TRUNC) ? 0 : (uint16_t)m[i].msg_len;
		}
		D->nrx += (size_t)n;
		if (D->nrx > D->rxcap)
			D->nrx = D->rxcap;
	}
}

/* After the window: check every stored arrival of direction d, stream by stream in
 * arrival order (one SRTP context alive at a time, see precompute()). */
static void verify(int d)
{
	struct dir *D = &G.d[d];
	uint8_t want[PKT];
	size_t *start = xcalloc((size_t)G.n + 1, sizeof(*start));
	uint32_t *order = xcalloc(D->nrx + 1, sizeof(*order));
	int32_t *who = xcalloc(D->nrx + 1, sizeof(*who));
	for (size_t j = 0; j < D->nrx; j++) {      /* the stream of each arrival, -1: not ours */
		uint8_t *b = D->rx + j * SLOT;
		uint32_t ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
		who[j] = D->rxlen[j] >= 12 && (ssrc & 1) == (uint32_t)d && ssrc / 2 < (uint32_t)G.n ? (int32_t)(ssrc / 2) : -1;
		if (who[j] < 0) {
			D->bad++;
			if (D->rxlen[j] >= 12 && (ssrc & 1) != (uint32_t)d)
				D->bad_dir++;
			else
				D->bad_ssrc++;
		}
		else
			start[who[j] + 1]++;
	}
	for (int i = 0; i < G.n; i++)
		start[i + 1] += start[i];
	size_t *fillp = xcalloc((size_t)G.n, sizeof(*fillp));
	for (size_t j = 0; j < D->nrx; j++)
		if (who[j] >= 0)
			order[start[who[j]] + fillp[who[j]]++] = (uint32_t)j;
	for (int i = 0; i < G.n; i++) {
		struct tg_srtp *rx = NULL;
		if (d == 1 && !G.plain && start[i] < start[i + 1] && tg_srtp_new(&rx, &G.theirs[i], TG_SRTP_RECV))
			rx = NULL;
		for (size_t o = start[i]; o < start[i + 1]; o++) {
			size_t j = order[o], len = D->rxlen[j];
			uint8_t *b = D->rx + j * SLOT;
			if (d == 1 && !G.plain) {
				int rc = rx ? tg_srtp_unprotect(rx, b, &len) : -EINVAL;
				if (rc) {
					if (rc == TG_SRTP_E_AUTH)
						D->auth_fail++;
					else if (tg_srtp_is_replay(rc))
						D->replay++;
					else
						D->other_fail++;
					continue;
				}
			}
			uint16_t seq = (uint16_t)(b[2] << 8 | b[3]);
			if (seq >= G.per_stream) {
				D->bad++;
				D->bad_seq++;
				continue;
			}
			fill(want, (uint32_t)i * 2u + (uint32_t)d, seq);
			if (len != PKT || memcmp(b, want, PKT)) {
				D->bad++;
				D->bad_payload++;
				continue;
			}
			uint8_t *seen = &D->seen[(size_t)i * (size_t)G.per_stream + seq];
			if (*seen) {
				D->dup++;
				continue;
			}
			*seen = 1;
			D->recvd++;
		}
		tg_srtp_free(rx);
	}
	free(start);
	free(order);
	free(who);
	free(fillp);
}

/* -k: what one SRTP protect + unprotect (172-byte packet) costs on one context pair while
 * K other contexts are alive in the process, for K = 0, 1000, 4000, 8000 (a call with SRTP on
 * one leg holds 4 in Tollgate: SRTP and SRTCP, each direction). */
static int probe(enum cfg_srtp_suite suite)
{
	static const int live[] = { 0, 1000, 4000, 8000 };
	if (tg_srtp_init())
		return 1;
	printf("SRTP_PROBE {\"suite\": \"%s\", \"crypto\": \"%s\", \"points\": [",
	       tg_srtp_suite_get(suite)->name, tg_srtp_crypto_backend());
	for (size_t p = 0; p < sizeof(live) / sizeof(live[0]); p++) {
		struct tg_srtp **v = xcalloc((size_t)live[p] + 2, sizeof(*v));
		struct sdes_crypto c;
		int rc = 0;
		for (int i = 0; i < live[p] + 1 && !rc; i++) {
			rc = sdes_crypto_generate(&c, 1, suite);
			if (!rc)
				rc = tg_srtp_new(&v[i], &c, i == live[p] ? TG_SRTP_SEND : TG_SRTP_RECV);
			if (!rc && i == live[p])
				rc = tg_srtp_new(&v[i + 1], &c, TG_SRTP_RECV);
			sdes_crypto_clear(&c);
		}
		int n = 4000;
		double t0 = now_s();
		for (int k = 0; k < n && !rc; k++) {
			uint8_t b[SLOT];
			size_t len = PKT;
			fill(b, 1, (uint16_t)k);
			rc = tg_srtp_protect(v[live[p]], b, &len, SLOT);
			if (!rc)
				rc = tg_srtp_unprotect(v[live[p] + 1], b, &len);
		}
		double us = (now_s() - t0) * 1e6 / n / 2;
		for (int i = 0; i < live[p] + 2; i++)
			tg_srtp_free(v[i]);
		free(v);
		if (rc) {
			fprintf(stderr, "media_load: probe: %s\n", tg_srtp_strerror(rc));
			return 1;
		}
		printf("%s[%d, %.2f]", p ? ", " : "", live[p], us);
		fflush(stdout);
	}
	printf("]}\n");
	return 0;
}

static int read_sessions(void)
{
	char line[2048];
	for (int i = 0; i < G.n; i++) {
		if (!fgets(line, sizeof(line), stdin)) {
			fprintf(stderr, "media_load: stdin: %d of %d calls\n", i, G.n);
			return -1;
		}
		line[strcspn(line, "\r\n")] = 0;
		char *f[4], *save = NULL, *p = line;
		int nf = 0;
		for (char *t; nf < 4 && (t = strtok_r(p, "\t", &save)); p = NULL)
			f[nf++] = t;
		char err[200] = "";
		int pa = nf == 4 ? atoi(f[0]) : 0, pb = nf == 4 ? atoi(f[1]) : 0;
		if (pa <= 0 || pa > 65535 || pb <= 0 || pb > 65535 ||
		    sdes_crypto_parse(&G.ours[i], f[2], err, sizeof(err)) ||
		    sdes_crypto_parse(&G.theirs[i], f[3], err, sizeof(err)) ||
		    !sdes_crypto_usable(&G.ours[i]) || !sdes_crypto_usable(&G.theirs[i])) {
			fprintf(stderr, "media_load: call %d: bad line (%s)\n", i, err);
			return -1;
		}
		G.dst[0][i] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)pa),
						    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		G.dst[1][i] = G.dst[0][i];
		G.dst[1][i].sin_port = htons((uint16_t)pb);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int threads = 1, pid = 0, opt, rc;
	bool tollgate = false;
	const char *suite_name = "AES_CM_128_HMAC_SHA1_80";
	G.n = 1000;
	G.secs = 10;
	G.pps = 50;
	bool kprobe = false;
	while ((opt = getopt(argc, argv, "Tn:s:r:c:bp:t:kP")) != -1) {
		switch (opt) {
		case 'T': tollgate = true; break;
		case 'n': G.n = atoi(optarg); break;
		case 's': G.secs = atoi(optarg); break;
		case 'r': G.pps = atoi(optarg); break;
		case 'c': suite_name = optarg; break;
		case 'b': G.bidir = true; break;
		case 'p': pid = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		case 'k': kprobe = true; break;
		case 'P': G.plain = true; break;
		default:
			fprintf(stderr, "usage: media_load [-T] [-n calls] [-s seconds] [-r pps] [-c SUITE] [-b] "
					"[-p PID] [-t threads] [-P] | -k [-c SUITE]\n");
			return 2;
		}
	}
	enum cfg_srtp_suite suite = tg_srtp_suite_by_name(suite_name, strlen(suite_name));
	if (G.n < 1 || G.n > 20000 || G.secs < 1 || G.secs > 120 || G.pps < 1 || G.pps > 1000 ||
	    1000 % G.pps || suite == CFG_SUITE_NONE || (!tollgate && !kprobe && pid <= 0)) {
		fprintf(stderr, "media_load: bad arguments (pps must divide 1000; -p PID without -T)\n");
		return 2;
	}
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	double tstart = now_s();
	if ((rc = tg_srtp_init())) {
		fprintf(stderr, "media_load: libsrtp2 init failed\n");
		return 1;
	}
	if (kprobe)
		return probe(suite);
	G.period = 1000 / G.pps;
	G.per_slot = (G.n + G.period - 1) / G.period;
	G.per_stream = G.secs * G.pps;
	if (G.per_stream > 65536)
		return 2;
	long slots = (long)G.secs * 1000;
	slot_end = xcalloc((size_t)slots, sizeof(*slot_end));
	for (long s = 0, acc = 0; s < slots; s++) {
		int from, to;
		acc += (long)slot_streams(s, &from, &to);
		slot_end[s] = (size_t)acc;
	}
	struct sockaddr_in gaddr[2];
	for (int s = 0; s < 2; s++) {
		G.dst[s] = xcalloc((size_t)G.n, sizeof(*G.dst[s]));
		if ((G.fd[s] = gen_socket(&gaddr[s])) < 0) {
			perror("media_load: generator socket");
			return 1;
		}
	}
	G.ours = xcalloc((size_t)G.n, sizeof(*G.ours));
	G.theirs = xcalloc((size_t)G.n, sizeof(*G.theirs));

	struct relay_ports *ports = NULL;
	struct relay_session **sess = NULL;
	if (!tollgate) {
		printf("media_load: ports %u %u\n", ntohs(gaddr[0].sin_port), ntohs(gaddr[1].sin_port));
		fflush(stdout);
		if (read_sessions())
			return 1;
		double tp = now_s();
		for (int d = 0; d < (G.bidir ? 2 : 1); d++)
			if (precompute(d))
				return 1;
		fprintf(stderr, "media_load: sessions read in %.1f s, packets prepared in %.1f s\n", tp - tstart,
			now_s() - tp);
	} else {
		/* keys and packets first: no relay context alive yet (see precompute()) */
		for (int i = 0; i < G.n; i++)
			if ((rc = sdes_crypto_generate(&G.ours[i], 1, suite)) ||
			    (rc = sdes_crypto_generate(&G.theirs[i], 1, suite))) {
				fprintf(stderr, "media_load: keys: %s\n", strerror(-rc));
				return 1;
			}
		double tp = now_s();
		for (int d = 0; d < (G.bidir ? 2 : 1); d++)
			if (precompute(d))
				return 1;
		fprintf(stderr, "media_load: packets prepared in %.1f s\n", now_s() - tp);
		tp = now_s();
		/* Tollgate: the peer on leg A offers its key (ours[i]), Tollgate answers with its own (theirs[i]). */
		struct sockaddr_storage loc, gss[2];
		memset(&loc, 0, sizeof(loc));
		((struct sockaddr_in *)&loc)->sin_family = AF_INET;
		((struct sockaddr_in *)&loc)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		for (int s = 0; s < 2; s++) {
			memset(&gss[s], 0, sizeof(gss[s]));
			memcpy(&gss[s], &gaddr[s], sizeof(gaddr[s]));
		}
		/* rtp-port range 10000 19999: clear of the e2e tests' 20000-60000 (media_bench.py) */
		if ((rc = relay_ports_new(10000, 19999, &ports)) || (rc = relay_start(threads))) {
			fprintf(stderr, "media_load: relay start: %s\n", strerror(-rc));
			return 1;
		}
		sess = xcalloc((size_t)G.n, sizeof(*sess));
		for (int i = 0; i < G.n; i++) {
			struct relay_spec sp;
			memset(&sp, 0, sizeof(sp));
			sp.ports = ports;
			for (int l = 0; l < 2; l++) {
				struct relay_leg_spec *ls = &sp.leg[l];
				if ((rc = relay_ports_alloc(ports, &loc, false, &ls->ports))) {
					fprintf(stderr, "media_load: call %d: ports: %s\n", i, strerror(-rc));
					return 1;
				}
				ls->remote_rtp = ls->remote_rtcp = gss[l];
				((struct sockaddr_in *)&ls->remote_rtcp)->sin_port = htons((uint16_t)(ntohs(gaddr[l].sin_port) + 1));
				ls->latch = true;
				memcpy(&G.dst[l][i], &ls->ports.local, sizeof(G.dst[l][i]));
			}
			if (!G.plain && (rc = srtp_leg_xforms(&G.ours[i], &G.theirs[i], sp.leg[RELAY_LEG_A].xf))) {
				fprintf(stderr, "media_load: call %d: SRTP context: %s\n", i, strerror(-rc));
				return 1;
			}
			if ((rc = relay_session_add(&sp, &sess[i]))) {
				fprintf(stderr, "media_load: call %d: relay: %s\n", i, strerror(-rc));
				return 1;
			}
		}
		fprintf(stderr, "media_load: %d relay sessions set up in %.1f s\n", G.n, now_s() - tp);
		usleep(200000);  /* let the relay take the sessions */
	}

	uint64_t cpu0 = tollgate ? relay_cpu_ns() : 0;
	double pcpu0 = tollgate ? 0 : proc_cpu_s(pid);
	long long udperr0 = udp_rcv_errors();
	unsigned long long hc0[4], hc1[4];
	host_cpu(hc0);
	double gcpu0 = thread_cpu_s(), t0 = now_s(), maxlag = 0;
	for (long slot = 0; slot < slots; slot++) {
		double due = t0 + (double)slot / 1000.0;
		for (;;) {
			double wait = due - now_s();
			if (wait <= 0)
				break;
			struct pollfd pf[2] = { { G.fd[0], POLLIN, 0 }, { G.fd[1], POLLIN, 0 } };
			struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
			if (ppoll(pf, 2, &ts, NULL) > 0) {   /* sleeps, also for less than a millisecond */
				drain(0);
				drain(1);
			}
		}
		double lag = now_s() - due;
		if (lag > maxlag)
			maxlag = lag;
		send_upto(0, slot_end[slot]);
		if (G.bidir)
			send_upto(1, slot_end[slot]);
		drain(0);
		drain(1);
	}
	double send_s = now_s() - t0;
	for (double stop = now_s() + 0.5; now_s() < stop;) {
		struct pollfd pf[2] = { { G.fd[0], POLLIN, 0 }, { G.fd[1], POLLIN, 0 } };
		if (poll(pf, 2, 20) > 0) {
			drain(0);
			drain(1);
		}
	}
	double wall = now_s() - t0, gcpu = thread_cpu_s() - gcpu0, cpu;
	long long udperr = udp_rcv_errors() - udperr0;
	host_cpu(hc1);
	double tck = (double)sysconf(_SC_CLK_TCK), hbusy = (double)(hc1[0] - hc0[0]) / tck / wall,
	       hsoft = (double)(hc1[1] - hc0[1]) / tck / wall, hsteal = (double)(hc1[2] - hc0[2]) / tck / wall;
	if (tollgate)
		cpu = (double)(relay_cpu_ns() - cpu0) / 1e9;
	else
		cpu = proc_cpu_s(pid) - pcpu0;

	uint64_t rdrop = 0, rxfail = 0, rauth = 0, rreplay = 0, rrx = 0;
	if (tollgate) {
		for (int i = 0; i < G.n; i++) {
			struct relay_stats st;
			relay_session_stats(sess[i], &st);
			for (int l = 0; l < 2; l++) {
				const struct relay_dir_stats *ds[2] = { &st.leg[l].rx, &st.leg[l].tx };
				rrx += st.leg[l].rx.packets;
				for (int k = 0; k < 2; k++) {
					rdrop += ds[k]->dropped;
					rxfail += ds[k]->xform_fail;
					rauth += ds[k]->auth_fail;
					rreplay += ds[k]->replay_fail;
				}
			}
			relay_session_remove(sess[i]);
		}
		while (relay_session_count()) {
			struct pollfd pf = { relay_event_fd(), POLLIN, 0 };
			(void)poll(&pf, 1, 100);
			relay_dispatch();
		}
		relay_io_describe(G.io, sizeof(G.io));
		relay_stop();
		relay_ports_free(ports);
	}
	double tv = now_s();
	for (int d = 0; d < (G.bidir ? 2 : 1); d++)
		verify(d);
	fprintf(stderr, "media_load: arrivals checked in %.1f s\n", now_s() - tv);

	uint64_t sent = 0, recvd = 0, dup = 0, bad = 0, auth = 0, replay = 0, other = 0, ovf = 0;
	for (int d = 0; d < 2; d++) {
		struct dir *D = &G.d[d];
		sent += D->sent;
		recvd += D->recvd;
		dup += D->dup;
		bad += D->bad;
		auth += D->auth_fail;
		replay += D->replay;
		other += D->other_fail;
		ovf += D->overflow;
	}
	double want = (double)(G.d[0].npk + (G.bidir ? G.d[0].npk : 0));
	double loss = sent ? 100.0 * (double)(sent - (recvd < sent ? recvd : sent)) / (double)sent : 0;
	double us = recvd ? cpu * 1e6 / (double)recvd : 0;
	const char *who = tollgate ? "tollgate" : "external";
	double rate = send_s > 0 ? (double)sent / send_s : 0;   /* offered packets per second */
	printf("media_load: %s %s%s %d calls%s, %d s: streams %d, sent %llu (%.1f%% of %.0f) in %.1f s = %.0f pps, "
	       "received %llu (fwd %llu, rev %llu), loss %.3f%%, relay CPU %.2f s = %.0f%% of a core = %.2f "
	       "us/packet; generator CPU %.0f%%, max lag %.1f ms, send buffer full %llu times (%.2f s); dup %llu, "
	       "corrupt %llu, auth fail %llu, replay %llu, other %llu, overflow %llu; relay rx %llu, relay drops "
	       "%llu; host UDP receive-queue drops %lld\n",
	       who, G.plain ? "plain RTP, no " : "", tg_srtp_suite_get(suite)->name, G.n, G.bidir ? " bidirectional" : "", G.secs,
	       G.bidir ? 2 * G.n : G.n, (unsigned long long)sent, 100.0 * (double)sent / want, want, send_s, rate,
	       (unsigned long long)recvd, (unsigned long long)G.d[0].recvd, (unsigned long long)G.d[1].recvd,
	       loss, cpu, 100.0 * cpu / wall, us, 100.0 * gcpu / wall, maxlag * 1e3,
	       (unsigned long long)G.eagain, G.send_wait, (unsigned long long)dup, (unsigned long long)bad,
	       (unsigned long long)auth, (unsigned long long)replay, (unsigned long long)other,
	       (unsigned long long)ovf, (unsigned long long)rrx, (unsigned long long)rdrop, udperr);
	if (tollgate)
		printf("media_load: relay I/O %s\n", G.io);
	printf("MEDIA_LOAD {\"relay\": \"%s\", \"io\": \"%s\", \"plain\": %s, \"suite\": \"%s\", \"calls\": %d, \"bidir\": %s, "
	       "\"streams\": %d, \"pps_per_stream\": %d, \"secs\": %d, \"wall_s\": %.3f, \"send_s\": %.3f, "
	       "\"offered_pps\": %.0f, \"intended\": %.0f, "
	       "\"sent\": %llu, \"received\": %llu, \"received_fwd\": %llu, \"received_rev\": %llu, "
	       "\"sent_fwd\": %llu, \"sent_rev\": %llu, \"loss_pct\": %.4f, \"cpu_s\": %.4f, "
	       "\"cpu_pct\": %.1f, \"us_per_pkt\": %.3f, \"gen_cpu_pct\": %.1f, \"max_lag_ms\": %.2f, "
	       "\"eagain\": %llu, \"send_wait_s\": %.3f, "
	       "\"dup\": %llu, \"corrupt\": %llu, \"auth_fail\": %llu, \"replay\": %llu, \"other_fail\": %llu, "
	       "\"overflow\": %llu, \"relay_rx\": %llu, \"relay_drops\": %llu, \"relay_xform_fail\": %llu, "
	       "\"relay_auth_fail\": %llu, \"relay_replay\": %llu, \"udp_rcv_errors\": %lld, "
	       "\"host_busy_pct\": %.0f, \"host_softirq_pct\": %.0f, \"host_steal_pct\": %.0f, "
	       "\"bad_dir\": %llu, \"bad_ssrc\": %llu, \"bad_seq\": %llu, \"bad_payload\": %llu}\n",
	       who, G.io, G.plain ? "true" : "false", tg_srtp_suite_get(suite)->name, G.n, G.bidir ? "true" : "false",
	       G.bidir ? 2 * G.n : G.n, G.pps, G.secs, wall, send_s, rate, want, (unsigned long long)sent, (unsigned long long)recvd,
	       (unsigned long long)G.d[0].recvd, (unsigned long long)G.d[1].recvd,
	       (unsigned long long)G.d[0].sent, (unsigned long long)G.d[1].sent, loss, cpu, 100.0 * cpu / wall, us,
	       100.0 * gcpu / wall, maxlag * 1e3, (unsigned long long)G.eagain, G.send_wait,
	       (unsigned long long)dup, (unsigned long long)bad,
	       (unsigned long long)auth, (unsigned long long)replay, (unsigned long long)other,
	       (unsigned long long)ovf, (unsigned long long)rrx, (unsigned long long)rdrop,
	       (unsigned long long)rxfail, (unsigned long long)rauth, (unsigned long long)rreplay, udperr,
	       100 * hbusy, 100 * hsoft, 100 * hsteal, (unsigned long long)(G.d[0].bad_dir + G.d[1].bad_dir),
	       (unsigned long long)(G.d[0].bad_ssrc + G.d[1].bad_ssrc), (unsigned long long)(G.d[0].bad_seq + G.d[1].bad_seq),
	       (unsigned long long)(G.d[0].bad_payload + G.d[1].bad_payload));
	for (int i = 0; i < G.n; i++) {
		sdes_crypto_clear(&G.ours[i]);
		sdes_crypto_clear(&G.theirs[i]);
	}
	return 0;
}
