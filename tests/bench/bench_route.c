/* bench_route.c - benchmark of the dial-peer routing index (sip/route*.c), not
 * a test: builds 10,000 dial-peers with distinct destination-pattern prefixes
 * (plus a few wildcard-first ones in the root list), then measures the table
 * build time and outbound and inbound lookups per second.
 * Prints `route: build N dial-peers: X ms` and `route: lookups: N/s`.
 * Usage: bench_route [dial-peers] [seconds per lookup run] */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "sip/route.h"

#define BENCH_NUMS 8192

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peer i: "+1" + 7 distinct digits + 4 wildcards; a tenth also has an
 * incoming called-number, a hundredth a target (trusted list). */
static int make_cfg(struct cfg *c, unsigned n)
{
	cfg_init(c);
	for (unsigned i = 0; i < n; i++) {
		struct cfg_dial_peer *d = cfg_dial_peer_get(c, i + 1);
		char buf[64], err[128];

		if (!d)
			return -ENOMEM;
		d->session_sipv2 = true;
		snprintf(buf, sizeof(buf), "+1%07u....", 2000000u + i * 37u);
		if (CFG_SET(d->dest_pattern, buf))
			return -EINVAL;
		if (i % 10 == 0) {
			snprintf(buf, sizeof(buf), "%07u...", 3000000u + i);
			CFG_SET(d->incoming_called, buf);
		}
		snprintf(buf, sizeof(buf), "ipv4:10.%u.%u.%u:5060", (i >> 16) & 255, (i >> 8) & 255,
			 i & 255);
		if (cfg_target_parse(buf, &d->target, err, sizeof(err)))
			return -EINVAL;
		d->preference = (int8_t)(i % 3);
	}
	/* a handful of catch-alls with a wildcard first: root list */
	for (unsigned i = 0; i < 4; i++) {
		struct cfg_dial_peer *d = cfg_dial_peer_get(c, n + 1 + i);

		if (!d)
			return -ENOMEM;
		CFG_SET(d->dest_pattern, i % 2 ? ".T" : "[2-9]T");
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
	double secs = argc > 2 ? strtod(argv[2], NULL) : 1.0;
	struct route_table *t = NULL;
	struct route_candidates cs;
	struct route_match m;
	struct cfg c;
	char err[256];
	uint64_t seed = 42, done = 0, hits = 0;
	double t0, t1, best = 1e9;
	int rc;

	if (n == 0 || n > 1000000 || secs <= 0)
		return 2;
	rc = make_cfg(&c, n);
	if (rc) {
		fprintf(stderr, "bench_route: config: %d\n", rc);
		return 1;
	}
	for (int run = 0; run < 5; run++) {   /* best of 5: the build is what commit pays */
		t0 = now_s();
		rc = route_table_build(&c, &t, err, sizeof(err));
		t1 = now_s();
		if (rc) {
			fprintf(stderr, "bench_route: build: %s\n", err);
			return 1;
		}
		if (t1 - t0 < best)
			best = t1 - t0;
		if (run < 4)
			route_table_unref(t);
	}
	printf("route: build %u dial-peers: %.1f ms\n", n, best * 1e3);

	/* numbers made before timing, so the loop measures routing only */
	static char nums[BENCH_NUMS][24];
	static uint32_t want[BENCH_NUMS];
	for (unsigned k = 0; k < BENCH_NUMS; k++) {
		unsigned i = (unsigned)((uint64_t)k * 7919u % n);

		snprintf(nums[k], sizeof(nums[k]), "+1%07u%04u", 2000000u + i * 37u, k % 10000u);
		want[k] = i + 1;
	}
	struct route_out_opts o = { .rng = &seed };
	t0 = now_s();
	do {
		for (int k = 0; k < 1000; k++, done++) {
			size_t j = done % BENCH_NUMS;

			route_outbound(t, nums[j], &o, &cs);
			hits += cs.n > 0 && cs.v[0].peer->tag == want[j];
		}
		t1 = now_s();
	} while (t1 - t0 < secs);
	printf("route: lookups: %.0f/s\n", (double)done / (t1 - t0));
	if (hits != done) {
		fprintf(stderr, "bench_route: %llu of %llu lookups chose the wrong peer\n",
			(unsigned long long)(done - hits), (unsigned long long)done);
		return 1;
	}

	for (unsigned k = 0; k < BENCH_NUMS; k++) {
		unsigned i = (unsigned)((uint64_t)k * 7919u % n) / 10u * 10u;

		snprintf(nums[k], sizeof(nums[k]), "%07u%03u", 3000000u + i, k % 1000u);
		want[k] = i + 1;
	}
	done = hits = 0;
	t0 = now_s();
	do {
		for (int k = 0; k < 1000; k++, done++) {
			size_t j = done % BENCH_NUMS;
			struct route_in in = { .called = nums[j], .calling = "+15550000" };

			route_inbound(t, &in, &m);
			hits += m.peer->tag == want[j];
		}
		t1 = now_s();
	} while (t1 - t0 < secs);
	printf("route: inbound lookups: %.0f/s\n", (double)done / (t1 - t0));
	if (hits != done) {
		fprintf(stderr, "bench_route: inbound chose the wrong peer\n");
		return 1;
	}

	route_table_unref(t);
	cfg_free(&c);
	return 0;
}
