/* srtp_bench.c - SRTP micro benchmark: protect+unprotect pairs per second on
 * one core, 172-byte RTP packets (12-byte header + 160 bytes of G.711), for
 * AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM, through media/srtp.c (so the
 * numbers include Tollgate's wrapper over libsrtp2).  Compare with
 * perf-anchors rows 2f/2g (bare libsrtp2 on this machine).
 *
 * Usage: srtp_bench [PAIRS [RUNS]]   (defaults 500000 and 3; best run printed)
 * Output: srtp: AES_CM_128_HMAC_SHA1_80 protect+unprotect: 150000 pairs/s (6.6 us/pair)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "media/srtp.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill_rtp(uint8_t *p, uint32_t i)
{
	uint16_t seq = (uint16_t)i;
	uint32_t ts = i * 160;

	p[0] = 0x80;
	p[1] = 0x00;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = 0x12;
	p[9] = 0x34;
	p[10] = 0x56;
	p[11] = 0x78;
}

/* One run of n pairs; returns seconds, or a negative value on error. */
static double run(enum cfg_srtp_suite suite, long n)
{
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD];
	struct tg_srtp *tx = NULL, *rx = NULL;
	struct sdes_crypto c;
	double t0, t = -1;
	int rc;

	rc = sdes_crypto_generate(&c, 1, suite);
	if (rc == 0)
		rc = tg_srtp_new(&tx, &c, TG_SRTP_SEND);
	if (rc == 0)
		rc = tg_srtp_new(&rx, &c, TG_SRTP_RECV);
	if (rc < 0) {
		fprintf(stderr, "srtp_bench: setup: %s\n", strerror(-rc));
		goto out;
	}
	memset(pkt, 0x55, sizeof(pkt));
	t0 = now();
	for (long i = 0; i < n; i++) {
		size_t len = 172;

		fill_rtp(pkt, (uint32_t)i);   /* payload stays whatever unprotect left */
		rc = tg_srtp_protect(tx, pkt, &len, sizeof(pkt));
		if (rc == 0)
			rc = tg_srtp_unprotect(rx, pkt, &len);
		if (rc < 0) {
			fprintf(stderr, "srtp_bench: packet %ld: %s\n", i, tg_srtp_strerror(rc));
			goto out;
		}
	}
	t = now() - t0;
out:
	tg_srtp_free(tx);
	tg_srtp_free(rx);
	sdes_crypto_clear(&c);
	return t;
}

int main(int argc, char **argv)
{
	static const enum cfg_srtp_suite suites[] = {
		CFG_SUITE_AES_CM_128_HMAC_SHA1_80, CFG_SUITE_AEAD_AES_128_GCM,
	};
	long n = argc > 1 ? atol(argv[1]) : 500000;
	int runs = argc > 2 ? atoi(argv[2]) : 3;

	if (n <= 0 || runs <= 0) {
		fprintf(stderr, "usage: srtp_bench [PAIRS [RUNS]]\n");
		return 2;
	}
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		double best = 0;

		for (int r = 0; r < runs; r++) {
			double t = run(suites[s], n);
			if (t < 0)
				return 1;
			if (best == 0 || t < best)
				best = t;
		}
		printf("srtp: %s protect+unprotect: %.0f pairs/s (%.1f us/pair)\n",
		       tg_srtp_suite_get(suites[s])->name, (double)n / best, best * 1e6 / (double)n);
	}
	return 0;
}
