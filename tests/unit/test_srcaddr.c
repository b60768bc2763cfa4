/* test_srcaddr.c - unit tests for the per-destination source address cache
 * (sip/srcaddr.c): hits, the time limit, flush, keys (port ignored, IPv6
 * scope), failures not cached, and the real kernel answer for loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip/srcaddr.h"
#include "sip/transport.h"

static uint64_t fake_now = 1000;
static int probe_calls;
static int probe_fail;

static uint64_t fake_clock(void)
{
	return fake_now;
}

/* Answers 10.0.0.<last byte of dst> (v4) or fe80::<last byte> (v6), port 9. */
static int fake_probe(const struct sockaddr_storage *dst, struct sockaddr_storage *src)
{
	probe_calls++;
	if (probe_fail)
		return -ENETUNREACH;
	memset(src, 0, sizeof(*src));
	if (dst->ss_family == AF_INET) {
		const struct sockaddr_in *d = (const struct sockaddr_in *)dst;
		struct sockaddr_in *s = (struct sockaddr_in *)src;
		s->sin_family = AF_INET;
		s->sin_port = htons(9);
		s->sin_addr.s_addr = htonl(0x0a000000u | (ntohl(d->sin_addr.s_addr) & 0xff));
	} else {
		const struct sockaddr_in6 *d = (const struct sockaddr_in6 *)dst;
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)src;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(9);
		inet_pton(AF_INET6, "fe80::", &s->sin6_addr);
		s->sin6_addr.s6_addr[15] = d->sin6_addr.s6_addr[15];
		s->sin6_scope_id = d->sin6_scope_id;
	}
	return 0;
}

static struct sockaddr_storage v4(const char *ip, int port)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &a->sin_addr);
	return ss;
}

static struct sockaddr_storage v6(const char *ip, int port, uint32_t scope)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons((uint16_t)port);
	a->sin6_scope_id = scope;
	inet_pton(AF_INET6, ip, &a->sin6_addr);
	return ss;
}

static const char *str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)n);
	return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, (socklen_t)n);
}

static int setup(void **state)
{
	(void)state;
	sip_srcaddr_set_probe(fake_probe);
	sip_srcaddr_set_clock(fake_clock);
	fake_now = 1000;
	probe_calls = 0;
	probe_fail = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sip_srcaddr_set_probe(NULL);
	sip_srcaddr_set_clock(NULL);
	return 0;
}

static void test_hits_and_ttl(void **state)
{
	struct sockaddr_storage d = v4("192.0.2.7", 5061), s;
	char b[64];
	unsigned long h0, p0, h1, p1;

	sip_srcaddr_counters(&h0, &p0);
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_string_equal(str(&s, b, sizeof(b)), "10.0.0.7");
	assert_int_equal(((struct sockaddr_in *)&s)->sin_port, 0); /* the port is not part of the answer */
	assert_int_equal(probe_calls, 1);
	/* the same address, another port: cached */
	d = v4("192.0.2.7", 5060);
	for (int i = 0; i < 10; i++)
		assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_int_equal(probe_calls, 1);
	assert_string_equal(str(&s, b, sizeof(b)), "10.0.0.7");
	sip_srcaddr_counters(&h1, &p1);
	assert_int_equal(h1 - h0, 10);
	assert_int_equal(p1 - p0, 1);
	/* just before the time limit: cached; at it: asked again */
	fake_now += SIP_SRCADDR_TTL_MS - 1;
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_int_equal(probe_calls, 1);
	fake_now += 1;
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_int_equal(probe_calls, 2);
	/* flush: asked again */
	sip_srcaddr_flush();
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_int_equal(probe_calls, 3);
}

static void test_keys(void **state)
{
	struct sockaddr_storage s;
	char b[64];

	/* many destinations: each gets its own answer (collisions only cost a probe) */
	for (int i = 1; i < 200; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		struct sockaddr_storage d = v4(ip, 5060);
		assert_int_equal(sip_srcaddr_for(&d, &s), 0);
		char want[32];
		snprintf(want, sizeof(want), "10.0.0.%d", i);
		assert_string_equal(str(&s, b, sizeof(b)), want);
	}
	for (int i = 1; i < 200; i++) {
		char ip[32], want[32];
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		snprintf(want, sizeof(want), "10.0.0.%d", i);
		struct sockaddr_storage d = v4(ip, 5060);
		assert_int_equal(sip_srcaddr_for(&d, &s), 0);
		assert_string_equal(str(&s, b, sizeof(b)), want);
	}
	/* IPv6: the scope is part of the key */
	struct sockaddr_storage a = v6("fe80::1", 5060, 2), c = v6("fe80::1", 5060, 3);
	int before = probe_calls;
	assert_int_equal(sip_srcaddr_for(&a, &s), 0);
	assert_int_equal(((struct sockaddr_in6 *)&s)->sin6_scope_id, 2);
	assert_int_equal(sip_srcaddr_for(&c, &s), 0);
	assert_int_equal(((struct sockaddr_in6 *)&s)->sin6_scope_id, 3);
	assert_int_equal(probe_calls, before + 2);
	assert_int_equal(sip_srcaddr_for(&a, &s), 0);
	assert_int_equal(((struct sockaddr_in6 *)&s)->sin6_scope_id, 2);
	assert_int_equal(probe_calls, before + 2);
	/* v4 and v6 of the same bytes do not mix */
	struct sockaddr_storage d4 = v4("0.0.0.1", 1);
	assert_int_equal(sip_srcaddr_for(&d4, &s), 0);
	assert_int_equal(s.ss_family, AF_INET);
}

static void test_failure_not_cached(void **state)
{
	struct sockaddr_storage d = v4("203.0.113.5", 5060), s;
	probe_fail = 1;
	assert_int_equal(sip_srcaddr_for(&d, &s), -ENETUNREACH);
	assert_int_equal(sip_srcaddr_for(&d, &s), -ENETUNREACH);
	assert_int_equal(probe_calls, 2);
	probe_fail = 0;
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_int_equal(probe_calls, 3);
}

static void test_kernel(void **state)
{
	struct sockaddr_storage d = v4("127.0.0.1", 5060), s;
	char b[64];
	sip_srcaddr_set_probe(NULL);
	sip_srcaddr_set_clock(NULL);
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	assert_string_equal(str(&s, b, sizeof(b)), "127.0.0.1");
	unsigned long h0, p0, h1, p1;
	sip_srcaddr_counters(&h0, &p0);
	assert_int_equal(sip_srcaddr_for(&d, &s), 0);
	sip_srcaddr_counters(&h1, &p1);
	assert_int_equal(h1 - h0, 1);
	assert_int_equal(p1 - p0, 0);
	assert_string_equal(str(&s, b, sizeof(b)), "127.0.0.1");
}

/* The text of addresses (sip/transport.c formats IPv4 without printf). */
static void test_addr_text(void **state)
{
	char b[64];
	struct sockaddr_storage a = v4("10.1.2.3", 5060);
	assert_string_equal(sip_addr_str(&a, b, sizeof(b)), "10.1.2.3:5060");
	assert_string_equal(sip_addr_host(&a, b, sizeof(b)), "10.1.2.3");
	a = v4("0.0.0.0", 0);
	assert_string_equal(sip_addr_str(&a, b, sizeof(b)), "0.0.0.0:0");
	a = v4("255.255.255.255", 65535);
	assert_string_equal(sip_addr_str(&a, b, sizeof(b)), "255.255.255.255:65535");
	assert_string_equal(sip_addr_str(&a, b, 8), "255.255"); /* truncated as snprintf */
	assert_string_equal(sip_addr_host(&a, b, 16), "255.255.255.255");
	a = v4("192.0.2.10", 61000);
	assert_string_equal(sip_addr_str(&a, b, sizeof(b)), "192.0.2.10:61000");
	a = v6("2001:db8::1", 5061, 0);
	assert_string_equal(sip_addr_str(&a, b, sizeof(b)), "[2001:db8::1]:5061");
	assert_string_equal(sip_addr_host(&a, b, sizeof(b)), "2001:db8::1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hits_and_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_not_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel, setup, teardown),
		cmocka_unit_test(test_addr_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
