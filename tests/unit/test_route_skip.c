/* test_route_skip.c - unit tests of why an outbound hunt finds no usable
 * dial-peer (sip/route_out.c): peers that matched but are busied out, shut
 * down or without a session target are named (route_candidates.skipped), and
 * route_refusal() answers 503 with a Q.850 cause for them, 404 when nothing
 * matched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "sip/route.h"

static struct cfg_dial_peer *dp(struct cfg *c, uint32_t tag)
{
	struct cfg_dial_peer *d = cfg_dial_peer_get(c, tag);

	assert_non_null(d);
	d->session_sipv2 = true;
	return d;
}

/* A dial-peer with a session target (one without is operationally down). */
static struct cfg_dial_peer *dpo(struct cfg *c, uint32_t tag)
{
	struct cfg_dial_peer *d = dp(c, tag);
	char err[128];

	if (d->target.kind == CFG_TARGET_NONE)
		assert_int_equal(cfg_target_parse("ipv4:192.0.2.1", &d->target, err, sizeof(err)), 0);
	return d;
}

static struct route_table *build(const struct cfg *c)
{
	struct route_table *t = NULL;
	char err[256];
	int rc = route_table_build(c, &t, err, sizeof(err));

	if (rc)
		fail_msg("route_table_build: %d %s", rc, err);
	assert_non_null(t);
	return t;
}

static void expect_order(const struct route_candidates *cs, const uint32_t *tags, size_t n)
{
	if (cs->n != n)
		fail_msg("expected %zu candidates, got %zu", n, cs->n);
	for (size_t i = 0; i < n; i++)
		if (cs->v[i].peer->tag != tags[i])
			fail_msg("candidate %zu: expected %u, got %u", i, (unsigned)tags[i],
				 (unsigned)cs->v[i].peer->tag);
}

/* Every match out of service (busied out, shut down, no target): no
 * candidate, but the skipped peers are named and the answer is 503 with a
 * Q.850 cause; a number nothing matches stays 404. */
static void test_outbound_out_of_service(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_state *st = NULL;
	struct route_candidates cs;
	struct route_out_opts o = { 0 };
	struct route_refusal rf;
	char why[ROUTE_WHY_LEN];
	static const uint32_t one[] = { 200 };

	cfg_init(&c);
	CFG_SET(dpo(&c, 200)->dest_pattern, "2...");
	CFG_SET(dpo(&c, 210)->dest_pattern, "20..");
	dp(&c, 210)->shutdown = true;
	CFG_SET(dp(&c, 220)->dest_pattern, "2T");    /* no session target: oper down */
	CFG_SET(dpo(&c, 300)->dest_pattern, "3...");
	t = build(&c);
	assert_int_equal(route_state_new(&st), 0);
	o.state = st;

	assert_int_equal(route_outbound(t, "2001", &o, &cs), 0);
	expect_order(&cs, one, 1);
	assert_int_equal(cs.nskipped, 2);            /* 210 shut, 220 no target */
	assert_int_equal(cs.skipped[0].tag, 210);
	assert_int_equal(cs.skipped[0].why, ROUTE_SKIP_SHUTDOWN);
	assert_int_equal(cs.skipped[1].tag, 220);
	assert_int_equal(cs.skipped[1].why, ROUTE_SKIP_NO_TARGET);

	assert_int_equal(route_state_set_busy(st, 200, true), 0);
	assert_int_equal(route_outbound(t, "2001", &o, &cs), 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cs.nskipped, 3);
	assert_int_equal(cs.skipped[0].tag, 200);
	assert_int_equal(cs.skipped[0].why, ROUTE_SKIP_BUSYOUT);
	route_skip_why(&cs.skipped[0], why, sizeof(why));
	assert_string_equal(why, "dial-peer 200 matched but busied out by options-keepalive");
	route_skip_why(&cs.skipped[1], why, sizeof(why));
	assert_string_equal(why, "dial-peer 210 matched but shut down");
	route_skip_why(&cs.skipped[2], why, sizeof(why));
	assert_string_equal(why, "dial-peer 220 matched but down (no session target)");
	route_refusal(&cs, "2001", &rf);
	assert_int_equal(rf.status, 503);
	assert_string_equal(rf.reason, "Service Unavailable");
	assert_int_equal(rf.q850, 34);
	assert_string_equal(rf.text, "called number 2001: all 3 matching dial-peers out of service "
			    "(200 busied out by options-keepalive, 210 shut down, 220 down (no session "
			    "target)); Q.850 cause 34");

	/* 2999: 2... (busied out) and 2T (no target) match, 20.. does not */
	assert_int_equal(route_outbound(t, "2999", &o, &cs), 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cs.nskipped, 2);
	route_refusal(&cs, "2999", &rf);
	assert_int_equal(rf.status, 503);

	/* nothing matches: 404, no cause */
	assert_int_equal(route_outbound(t, "4001", &o, &cs), 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cs.nskipped, 0);
	route_refusal(&cs, "4001", &rf);
	assert_int_equal(rf.status, 404);
	assert_int_equal(rf.q850, 0);
	assert_string_equal(rf.text, "no dial-peer matches called number 4001");

	/* back in service: hunted again */
	assert_int_equal(route_state_set_busy(st, 200, false), 0);
	assert_int_equal(route_outbound(t, "2001", &o, &cs), 0);
	expect_order(&cs, one, 1);
	route_state_free(st);
	route_table_unref(t);
	cfg_free(&c);
}

/* More skipped peers than are kept: all counted, the lowest tags named. */
static void test_outbound_skip_cap(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_candidates cs;
	struct route_refusal rf;

	cfg_init(&c);
	for (uint32_t tag = 20; tag >= 1; tag--) {
		CFG_SET(dp(&c, tag)->dest_pattern, "5T");
		dp(&c, tag)->shutdown = true;
	}
	t = build(&c);
	assert_int_equal(route_outbound(t, "55", NULL, &cs), 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cs.nskipped, 20);
	for (size_t i = 0; i < ROUTE_MAX_SKIPPED; i++)
		assert_int_equal(cs.skipped[i].tag, i + 1);
	route_refusal(&cs, "55", &rf);
	assert_int_equal(rf.status, 503);
	assert_non_null(strstr(rf.text, "all 20 matching dial-peers out of service (1 shut down, 2 shut"));
	assert_non_null(strstr(rf.text, ", ...); Q.850 cause 34"));
	route_table_unref(t);
	cfg_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbound_out_of_service),
		cmocka_unit_test(test_outbound_skip_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
