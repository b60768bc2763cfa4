/* test_connlog.c - unit tests for the rate limit of %SIP-3-CONN_FAILED
 * (sip/conn_log.c): the first failure to a remote is logged, the next ones
 * within the window are counted and told in the line after it, remotes and
 * transports are limited each on their own, a full table makes room. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sip/conn_log.h"

static struct sockaddr_storage v4(const char *ip, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &in->sin_addr);
	return ss;
}

static int setup(void **state)
{
	(void)state;
	sip_connlog_reset();
	return 0;
}

static void test_window_and_count(void **state)
{
	(void)state;
	struct sockaddr_storage a = v4("127.0.0.1", 5090);
	unsigned s = 99;
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &a, 1000, &s));
	assert_int_equal(s, 0);
	for (int t = 1; t < SIP_CONNLOG_WINDOW; t += 10)
		assert_false(sip_connlog_due(SIP_PROTO_TCP, &a, 1000 + t, &s));
	/* 1001, 1011, ..., 1051: six not logged */
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &a, 1000 + SIP_CONNLOG_WINDOW, &s));
	assert_int_equal(s, 6);
	assert_false(sip_connlog_due(SIP_PROTO_TCP, &a, 1000 + SIP_CONNLOG_WINDOW + 1, &s));
	/* a failure long after: logged, with the one in between */
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &a, 5000, &s));
	assert_int_equal(s, 1);
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &a, 6000, &s));
	assert_int_equal(s, 0);
}

static void test_per_remote_and_transport(void **state)
{
	(void)state;
	struct sockaddr_storage a = v4("127.0.0.1", 5090), b = v4("127.0.0.1", 5091), c = v4("192.0.2.1", 5090);
	unsigned s;
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &a, 100, &s));
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &b, 100, &s));
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &c, 100, &s));
	assert_true(sip_connlog_due(SIP_PROTO_TLS, &a, 100, &s));
	assert_false(sip_connlog_due(SIP_PROTO_TCP, &a, 101, &s));
	assert_false(sip_connlog_due(SIP_PROTO_TLS, &a, 101, &s));
}

static void test_full_table(void **state)
{
	(void)state;
	unsigned s;
	for (unsigned i = 0; i < SIP_CONNLOG_KEEP; i++) {
		struct sockaddr_storage x = v4("198.51.100.1", 1000 + i);
		assert_true(sip_connlog_due(SIP_PROTO_TCP, &x, 10 + i, &s));
	}
	/* a new remote takes the entry logged longest ago (port 1000) */
	struct sockaddr_storage n = v4("203.0.113.9", 5060), first = v4("198.51.100.1", 1000),
				last = v4("198.51.100.1", 1000 + SIP_CONNLOG_KEEP - 1);
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &n, 20, &s));
	assert_false(sip_connlog_due(SIP_PROTO_TCP, &n, 21, &s));
	assert_false(sip_connlog_due(SIP_PROTO_TCP, &last, 21, &s));
	assert_true(sip_connlog_due(SIP_PROTO_TCP, &first, 21, &s));
}

static void test_format(void **state)
{
	(void)state;
	struct sip_conn_failure f;
	char line[400];
	memset(&f, 0, sizeof(f));
	f.proto = SIP_PROTO_TCP;
	f.dial_peer = 200;
	f.remote = v4("127.0.0.1", 5090);
	strcpy(f.reason, "connection refused");
	sip_connlog_format(&f, 0, line, sizeof(line));
	assert_string_equal(line, "TCP connection to 127.0.0.1:5090 (dial-peer 200) failed: connection refused");
	f.proto = SIP_PROTO_TLS;
	f.dial_peer = 0;
	strcpy(f.reason, "timed out (no connection within 5 s)");
	sip_connlog_format(&f, 3, line, sizeof(line));
	assert_string_equal(line, "TLS connection to 127.0.0.1:5090 failed: timed out (no connection within 5 s) "
				  "(3 more failures since the last message)");
	sip_connlog_format(&f, 1, line, sizeof(line));
	assert_non_null(strstr(line, "(1 more failure since the last message)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_window_and_count, setup),
		cmocka_unit_test_setup(test_per_remote_and_transport, setup),
		cmocka_unit_test_setup(test_full_table, setup),
		cmocka_unit_test_setup(test_format, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
