/* test_route.c - unit tests of the dial-peer routing index (sip/route*.c):
 * inbound criteria and their order, dial-peer 0, shutdown, outbound longest
 * match / preference / random / busyout, the literal-prefix trie against a
 * brute-force scan, trusted sources, RFC 4904 trunk groups, build errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/config.h"
#include "sip/pattern.h"
#include "sip/route.h"

/* ------------------------------------------------------------------ */
/* configuration helpers                                                */

static struct cfg_dial_peer *dp(struct cfg *c, uint32_t tag)
{
	struct cfg_dial_peer *d = cfg_dial_peer_get(c, tag);

	assert_non_null(d);
	d->session_sipv2 = true;
	return d;
}

static void dp_target(struct cfg_dial_peer *d, const char *text)
{
	char err[128];

	assert_int_equal(cfg_target_parse(text, &d->target, err, sizeof(err)), 0);
}

/* An outbound dial-peer: one without a session target is operationally down
 * and never hunted (route_outbound skips it). */
static struct cfg_dial_peer *dpo(struct cfg *c, uint32_t tag)
{
	struct cfg_dial_peer *d = dp(c, tag);

	if (d->target.kind == CFG_TARGET_NONE)
		dp_target(d, "ipv4:192.0.2.1");
	return d;
}

static struct cfg_uri_class *uri(struct cfg *c, const char *tag)
{
	struct cfg_uri_class *u = cfg_uri_get(c, tag);

	assert_non_null(u);
	return u;
}

static void uri_host(struct cfg_uri_class *u, const char *text)
{
	struct cfg_target t;
	char err[128];

	assert_int_equal(cfg_target_parse(text, &t, err, sizeof(err)), 0);
	assert_int_equal(CFG_VEC_PUSH(u->hosts, t), 0);
}

static void trusted(struct cfg *c, const char *addr, const char *mask)
{
	struct cfg_prefix p;
	char err[128];

	assert_int_equal(cfg_prefix_parse(addr, mask, &p, err, sizeof(err)), 0);
	assert_int_equal(CFG_VEC_PUSH(c->voice.trusted, p), 0);
	c->voice.present = c->voice.trusted_list_present = true;
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

static const struct route_match *in_match(const struct route_table *t, const struct route_in *in)
{
	static struct route_match m;

	assert_int_equal(route_inbound(t, in, &m), 0);
	assert_non_null(m.peer);
	return &m;
}

/* ------------------------------------------------------------------ */
/* inbound                                                              */

/* One peer per criterion; each removal of the winning input moves the match
 * one step down CUBE's order. */
static void build_order_cfg(struct cfg *c)
{
	cfg_init(c);
	uri_host(uri(c, "VIA"), "ipv4:192.0.2.10");
	CFG_SET(uri(c, "REQ")->user_id, "^\\+1555");
	uri_host(uri(c, "TO"), "dns:sbc.example.com");
	CFG_SET(uri(c, "FROM")->pattern, "^sip:alice@");
	/* higher tags for the earlier criteria: order is by criterion, not by tag */
	CFG_SET(dp(c, 60)->incoming_uri[CFG_URI_VIA], "VIA");
	CFG_SET(dp(c, 50)->incoming_uri[CFG_URI_REQUEST], "REQ");
	CFG_SET(dp(c, 40)->incoming_uri[CFG_URI_TO], "TO");
	CFG_SET(dp(c, 30)->incoming_uri[CFG_URI_FROM], "FROM");
	CFG_SET(dp(c, 20)->incoming_called, "1444....");
	CFG_SET(dp(c, 10)->dest_pattern, "1333....");
}

static struct route_in full_in(void)
{
	struct route_in in = {
		.via_host = "192.0.2.10", .via_port = 5060,
		.request = { .uri = "sip:+15551234@sbc.example.com", .user = "+15551234",
			     .host = "sbc.example.com" },
		.to = { .uri = "sip:bob@SBC.example.com.", .user = "bob",
			.host = "SBC.example.com." },
		.from = { .uri = "sip:alice@198.51.100.1", .user = "alice",
			  .host = "198.51.100.1" },
		.called = "14441234",
		.calling = "13331234",
	};
	return in;
}

static void test_inbound_order(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in;
	const struct route_match *m;

	build_order_cfg(&c);
	t = build(&c);
	in = full_in();

	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 60);
	assert_int_equal(m->crit, ROUTE_BY_URI_VIA);
	assert_int_equal(m->how, ROUTE_URI_HOST);
	assert_non_null(strstr(m->why, "incoming uri via VIA"));
	assert_non_null(strstr(m->why, "host ipv4:192.0.2.10"));
	assert_non_null(strstr(m->why, "192.0.2.10:5060"));

	in.via_host = "192.0.2.11";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 50);
	assert_int_equal(m->crit, ROUTE_BY_URI_REQUEST);
	assert_int_equal(m->how, ROUTE_URI_USER_ID);
	assert_non_null(strstr(m->why, "user-id '^\\+1555'"));

	in.request.user = "+16661234";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 40);   /* dns: host, case and trailing dot ignored */
	assert_int_equal(m->crit, ROUTE_BY_URI_TO);

	in.to.host = "other.example.com";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 30);
	assert_int_equal(m->crit, ROUTE_BY_URI_FROM);
	assert_int_equal(m->how, ROUTE_URI_PATTERN);

	in.from.uri = "sip:mallory@198.51.100.1";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 20);
	assert_int_equal(m->crit, ROUTE_BY_CALLED);
	assert_int_equal(m->match_len, 4);
	assert_non_null(strstr(m->why, "incoming called-number 1444...."));

	in.called = "19991234";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 10);
	assert_int_equal(m->crit, ROUTE_BY_CALLING);
	assert_non_null(strstr(m->why, "calling number '13331234'"));

	/* the called number is NOT tried against destination-pattern inbound */
	in.called = "13331234";
	in.calling = "12221234";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 0);
	assert_int_equal(m->crit, ROUTE_BY_DEFAULT);
	assert_ptr_equal(m->peer, route_peer0());
	assert_non_null(strstr(m->why, "dial-peer 0"));

	route_table_unref(t);
	cfg_free(&c);
}

static void test_inbound_numbers_from_uri(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in = { 0 };
	const struct route_match *m;

	cfg_init(&c);
	CFG_SET(dp(&c, 1)->incoming_called, "5551...");
	CFG_SET(dp(&c, 2)->dest_pattern, "+4420.......");
	t = build(&c);
	/* called/calling NULL: taken from the Request-URI and From user parts */
	in.request.user = "5551234;tgrp=x;trunk-context=y";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 1);
	in.request.user = "9";
	in.from.user = "+442079460000";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 2);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_dial_peer0(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in = { 0 };
	const struct route_match *m;

	cfg_init(&c);
	t = build(&c);
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 0);
	assert_int_equal(m->crit, ROUTE_BY_DEFAULT);
	assert_false(m->peer->cfg.dtmf_rtp_nte);
	assert_int_equal(m->peer->cfg.codec, 0);
	assert_string_equal(m->peer->cfg.vc_codec, "");
	assert_int_equal(m->peer->pref, 0);
	assert_string_equal(route_criterion_str(ROUTE_BY_URI_VIA), "incoming uri via");
	route_table_unref(t);
	cfg_free(&c);
}

static void test_inbound_shutdown(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in;
	const struct route_match *m;

	build_order_cfg(&c);
	cfg_dial_peer_find(&c, 60)->shutdown = true;
	cfg_dial_peer_find(&c, 20)->shutdown = true;
	t = build(&c);
	in = full_in();
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 50);   /* via peer is shut */
	in.via_host = NULL;
	in.request.user = in.to.host = in.from.uri = NULL;
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 10);   /* called-number peer is shut */
	/* shut peers stay visible in the table */
	assert_non_null(route_table_peer(t, 60));
	assert_true(route_table_peer(t, 60)->cfg.shutdown);
	assert_int_equal(route_table_peer_count(t), 6);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_inbound_uri_kinds(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in = { 0 };
	const struct route_match *m;
	struct cfg_uri_class *u;

	cfg_init(&c);
	CFG_SET(uri(&c, "U")->user_id, "^bob$");
	u = uri(&c, "H");
	uri_host(u, "ipv4:203.0.113.5:5061");
	uri_host(u, "ipv6:[2001:db8::5]");
	CFG_SET(uri(&c, "RX")->host_regex, "\\.carrier\\.net$");
	/* user-id peer has the lowest tag, but host beats user-id */
	CFG_SET(dp(&c, 1)->incoming_uri[CFG_URI_REQUEST], "U");
	CFG_SET(dp(&c, 2)->incoming_uri[CFG_URI_REQUEST], "RX");
	CFG_SET(dp(&c, 3)->incoming_uri[CFG_URI_REQUEST], "H");
	t = build(&c);

	in.request = (struct route_uri){ .uri = "sip:bob@203.0.113.5:5061", .user = "bob",
					 .host = "203.0.113.5", .port = 5061 };
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 3);
	assert_int_equal(m->how, ROUTE_URI_HOST);

	in.request.port = 5060;   /* port of the entry differs: host regex? no; user-id */
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 1);
	assert_int_equal(m->how, ROUTE_URI_USER_ID);

	in.request = (struct route_uri){ .uri = "sip:bob@[2001:db8::5]", .user = "bob",
					 .host = "[2001:db8::5]" };
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 3);

	in.request = (struct route_uri){ .uri = "sip:bob@gw1.carrier.net", .user = "bob",
					 .host = "gw1.carrier.net" };
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 2);
	assert_int_equal(m->how, ROUTE_URI_HOST_REGEX);

	in.request.user = "bobby";
	in.request.host = "gw1.carrier.org";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 0);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_inbound_longest_called(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in = { .called = "5551234" };
	const struct route_match *m;

	cfg_init(&c);
	CFG_SET(dp(&c, 1)->incoming_called, "555....");
	CFG_SET(dp(&c, 2)->incoming_called, "5551...");
	CFG_SET(dp(&c, 3)->incoming_called, "5551...");
	CFG_SET(dp(&c, 4)->incoming_called, ".T");
	t = build(&c);
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 2);    /* 4 explicit digits; tie -> lowest tag */
	assert_int_equal(m->match_len, 4);
	in.called = "6";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 4);    /* wildcard-first pattern, root list */
	route_table_unref(t);
	cfg_free(&c);
}

static void test_inbound_tgrp(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_in in = { 0 };
	const struct route_match *m;
	struct cfg_uri_class *u;

	cfg_init(&c);
	u = uri(&c, "TG");
	CFG_SET(u->tgrp, "TG1");
	CFG_SET(u->trunk_context, "example.com");
	CFG_SET(dp(&c, 7)->incoming_uri[CFG_URI_REQUEST], "TG");
	t = build(&c);

	in.request.user = "+15551234;tgrp=TG1;trunk-context=example.com";
	in.request.host = "192.0.2.1";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 7);
	assert_int_equal(m->how, ROUTE_URI_TGRP);
	assert_non_null(strstr(m->why, "tgrp TG1 trunk-context example.com"));

	in.request.user = "+15551234;trunk-context=Example.COM;tgrp=T%471"; /* %47 = G */
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 7);

	in.request.user = "+15551234;tgrp=TG1;trunk-context=other.net";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 0);
	in.request.user = "+15551234";
	m = in_match(t, &in);
	assert_int_equal(m->peer->tag, 0);
	route_table_unref(t);
	cfg_free(&c);
}

/* ------------------------------------------------------------------ */
/* outbound                                                             */

static void expect_order(const struct route_candidates *cs, const uint32_t *tags, size_t n)
{
	if (cs->n != n)
		fail_msg("expected %zu candidates, got %zu", n, cs->n);
	for (size_t i = 0; i < n; i++)
		if (cs->v[i].peer->tag != tags[i])
			fail_msg("candidate %zu: expected %u, got %u", i, (unsigned)tags[i],
				 (unsigned)cs->v[i].peer->tag);
}

static void test_outbound_longest(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_candidates cs;
	static const uint32_t want[] = { 3, 2, 5, 1, 4 };
	char why[ROUTE_WHY_LEN];

	cfg_init(&c);
	CFG_SET(dpo(&c, 1)->dest_pattern, "555T");
	CFG_SET(dpo(&c, 2)->dest_pattern, "5551...");
	CFG_SET(dpo(&c, 3)->dest_pattern, "5551234");
	CFG_SET(dpo(&c, 4)->dest_pattern, "T");
	CFG_SET(dpo(&c, 5)->dest_pattern, "555....");
	CFG_SET(dpo(&c, 6)->dest_pattern, "556....");
	dpo(&c, 5)->preference = 9;   /* preference never beats a longer match */
	t = build(&c);
	assert_int_equal(route_outbound(t, "5551234", NULL, &cs), 0);
	expect_order(&cs, want, 5);   /* 555.... (3 + 4 positions) before 555T */
	assert_int_equal(cs.matched, 5);
	assert_int_equal(cs.v[0].match_len, 7);
	assert_int_equal(cs.v[1].match_len, 4);
	route_cand_why(&cs.v[1], "5551234", why, sizeof(why));
	assert_string_equal(why, "dial-peer 2: destination-pattern 5551... matched called number "
			    "'5551234' (4 explicit digits, preference 0)");
	assert_int_equal(route_outbound(t, "9", NULL, &cs), 0);
	assert_int_equal(cs.n, 1);
	assert_int_equal(cs.v[0].peer->tag, 4);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_outbound_preference(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_candidates cs;
	static const uint32_t want[] = { 12, 13, 11 };

	cfg_init(&c);
	CFG_SET(dpo(&c, 11)->dest_pattern, "+1T");
	CFG_SET(dpo(&c, 12)->dest_pattern, "+1T");
	CFG_SET(dpo(&c, 13)->dest_pattern, "+1T");
	dpo(&c, 11)->preference = 5;
	dpo(&c, 13)->preference = 1;   /* 12 unset = 0, best */
	t = build(&c);
	assert_int_equal(route_outbound(t, "+15551234", NULL, &cs), 0);
	expect_order(&cs, want, 3);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_outbound_random(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_candidates cs, cs2;
	struct route_out_opts o = { 0 };
	uint64_t seed;
	int first[4] = { 0 };

	cfg_init(&c);
	for (uint32_t tag = 1; tag <= 3; tag++)
		CFG_SET(dpo(&c, tag)->dest_pattern, "9T");
	CFG_SET(dpo(&c, 4)->dest_pattern, "91T");   /* longer match: always first */
	t = build(&c);

	assert_int_equal(route_outbound(t, "915", NULL, &cs), 0);   /* no RNG: tag order */
	assert_int_equal(cs.n, 4);
	assert_int_equal(cs.v[1].peer->tag, 1);
	assert_int_equal(cs.v[3].peer->tag, 3);

	for (uint64_t s = 1; s <= 60; s++) {
		seed = s;
		o.rng = &seed;
		assert_int_equal(route_outbound(t, "915", &o, &cs), 0);
		assert_int_equal(cs.n, 4);
		assert_int_equal(cs.v[0].peer->tag, 4);
		first[cs.v[1].peer->tag]++;
		/* the same seed gives the same order */
		seed = s;
		assert_int_equal(route_outbound(t, "915", &o, &cs2), 0);
		for (size_t i = 0; i < 4; i++)
			assert_ptr_equal(cs.v[i].peer, cs2.v[i].peer);
	}
	for (int tag = 1; tag <= 3; tag++)
		if (first[tag] < 5)
			fail_msg("peer %d first only %d times of 60", tag, first[tag]);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_outbound_busy_shut(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_state *st = NULL;
	struct route_candidates cs;
	struct route_out_opts o = { 0 };
	static const uint32_t all[] = { 1, 2 }, one[] = { 2 };

	cfg_init(&c);
	CFG_SET(dpo(&c, 1)->dest_pattern, "2001");
	CFG_SET(dpo(&c, 2)->dest_pattern, "200.");
	CFG_SET(dpo(&c, 3)->dest_pattern, "2001");
	dpo(&c, 3)->shutdown = true;
	t = build(&c);
	assert_int_equal(route_state_new(&st), 0);
	o.state = st;
	assert_int_equal(route_outbound(t, "2001", &o, &cs), 0);
	expect_order(&cs, all, 2);
	assert_int_equal(route_state_set_busy(st, 1, true), 0);
	assert_int_equal(route_state_set_busy(st, 1, true), 0);
	assert_true(route_state_is_busy(st, 1));
	assert_int_equal(route_outbound(t, "2001", &o, &cs), 0);
	expect_order(&cs, one, 1);
	assert_int_equal(route_outbound(t, "2001", NULL, &cs), 0);   /* no state: not busy */
	expect_order(&cs, all, 2);
	assert_int_equal(route_state_set_busy(st, 1, false), 0);
	assert_false(route_state_is_busy(st, 1));
	assert_int_equal(route_outbound(t, "2001", &o, &cs), 0);
	expect_order(&cs, all, 2);
	assert_int_equal(route_outbound(t, "3001", &o, &cs), 0);
	assert_int_equal(cs.n, 0);
	route_state_free(st);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_outbound_cap(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_candidates cs;

	cfg_init(&c);
	for (uint32_t tag = 1; tag <= 100; tag++)
		CFG_SET(dpo(&c, tag)->dest_pattern, "4T");
	CFG_SET(dpo(&c, 200)->dest_pattern, "42T");
	t = build(&c);
	assert_int_equal(route_outbound(t, "4242", NULL, &cs), 0);
	assert_int_equal(cs.matched, 101);
	assert_int_equal(cs.n, ROUTE_MAX_CANDIDATES);
	assert_int_equal(cs.v[0].peer->tag, 200);
	assert_int_equal(cs.v[1].peer->tag, 1);
	assert_int_equal(cs.v[ROUTE_MAX_CANDIDATES - 1].peer->tag, ROUTE_MAX_CANDIDATES - 1);
	route_table_unref(t);
	cfg_free(&c);
}

/* The trie must find exactly what a scan of every pattern finds. */
static void test_trie_vs_scan(void **state)
{
	static const char *const pats[] = {
		"555....", "5551234$", "+1[2-9]..[2-9]......", "+1T", "1?555", "(12)+3", "9,1...",
		"\\*22#", "*22#", "A1..", "[1-3]5T", "T", "55%6", "5(5)?1", "#.", "0044T",
		"00+1", "12+3", "^91T", "9(1)", "+", "\\+1", "B.C", "12?3", "^+44T", "\\.1",
		"+?1", "1,?2",
	};
	static const char *const nums[] = {
		"5551234", "55512345", "+12125551234", "+1", "555", "1555", "12123", "123",
		"91555", "9,1555", "*22#", "A123", "a123", "258", "556", "55556", "5551", "551",
		"#1", "00449", "0011", "1223", "12223", "13", "91", "", "+15", "BxC", "B1C",
		"9", "5", "1", "-5", "5-", "+44", "+4420", "44", ".1", "12", "2",
	};
	struct cfg c;
	struct route_table *t;
	struct route_candidates cs;
	size_t np = sizeof(pats) / sizeof(pats[0]);
	struct dp_pattern *cp[sizeof(pats) / sizeof(pats[0])];

	cfg_init(&c);
	for (size_t i = 0; i < np; i++) {
		CFG_SET(dpo(&c, (uint32_t)i + 1)->dest_pattern, pats[i]);
		assert_int_equal(dp_pattern_compile(pats[i], &cp[i]), 0);
	}
	t = build(&c);
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
		size_t want = 0;

		for (size_t i = 0; i < np; i++)
			want += dp_pattern_match(cp[i], nums[k], NULL);
		assert_int_equal(route_outbound(t, nums[k], NULL, &cs), 0);
		if (cs.matched != want)
			fail_msg("number '%s': trie found %zu, scan %zu", nums[k], cs.matched, want);
	}
	for (size_t i = 0; i < np; i++)
		dp_pattern_free(cp[i]);
	route_table_unref(t);
	cfg_free(&c);
}

static void test_should_hunt(void **state)
{
	struct route_peer p = { .tag = 1 };

	assert_true(route_should_hunt(&p, 0));
	assert_true(route_should_hunt(&p, 408));
	assert_true(route_should_hunt(&p, 500));
	assert_true(route_should_hunt(&p, 503));
	assert_false(route_should_hunt(&p, 486));
	assert_false(route_should_hunt(&p, 404));
	p.cfg.huntstop = true;
	assert_false(route_should_hunt(&p, 503));
	assert_false(route_should_hunt(&p, 0));
}

/* ------------------------------------------------------------------ */
/* trusted sources                                                      */

static const struct sockaddr *sa4(const char *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET, a, &s->sin_addr), 1);
	return (const struct sockaddr *)ss;
}

static const struct sockaddr *sa6(const char *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(40000);
	assert_int_equal(inet_pton(AF_INET6, a, &s->sin6_addr), 1);
	return (const struct sockaddr *)ss;
}

struct collect {
	int n[4];
	char text[16][128];
	size_t count;
};

static void collect_fn(void *ctx, const struct route_trust_entry *e)
{
	struct collect *k = ctx;

	k->n[e->kind]++;
	if (k->count < 16)
		snprintf(k->text[k->count++], sizeof(k->text[0]), "%d %u %d %s", (int)e->kind,
			 (unsigned)e->tag, (int)e->busy, e->text);
}

static void test_trusted(void **state)
{
	struct cfg c;
	struct route_table *t;
	struct route_state *st = NULL;
	struct sockaddr_storage ss;
	struct route_trust_entry hit;
	struct collect k = { 0 };

	cfg_init(&c);
	trusted(&c, "203.0.113.0", "255.255.255.0");
	trusted(&c, "198.51.100.10", NULL);
	trusted(&c, "10.16.0.0", "/12");
	trusted(&c, "2001:db8::/32", NULL);
	dp_target(dp(&c, 1), "ipv4:192.0.2.50:5060");
	dp_target(dp(&c, 2), "ipv6:[2001:db9::7]:5061");
	dp_target(dp(&c, 3), "ipv4:192.0.2.60");
	dp(&c, 3)->shutdown = true;
	dp_target(dp(&c, 4), "dns:sip.example.net");
	dp_target(dp(&c, 5), "dns:down.example.net");
	dp(&c, 5)->shutdown = true;
	dp_target(dp(&c, 6), "ipv4:192.0.2.50");   /* same address as peer 1 */
	t = build(&c);

	assert_true(route_is_trusted(t, sa4("203.0.113.77", &ss)));
	assert_false(route_is_trusted(t, sa4("203.0.114.1", &ss)));
	assert_true(route_is_trusted(t, sa4("198.51.100.10", &ss)));
	assert_false(route_is_trusted(t, sa4("198.51.100.11", &ss)));
	assert_true(route_is_trusted(t, sa4("10.31.255.255", &ss)));
	assert_false(route_is_trusted(t, sa4("10.32.0.0", &ss)));
	assert_true(route_is_trusted(t, sa6("2001:db8:ffff::1", &ss)));
	assert_false(route_is_trusted(t, sa6("2001:db7::1", &ss)));
	assert_true(route_trust_check(t, NULL, sa4("203.0.113.1", &ss), &hit));
	assert_int_equal(hit.kind, ROUTE_TRUST_STATIC);

	/* dynamic: session targets of peers not shut, any source port */
	assert_true(route_trust_check(t, NULL, sa4("192.0.2.50", &ss), &hit));
	assert_int_equal(hit.kind, ROUTE_TRUST_TARGET);
	assert_int_equal(hit.tag, 1);
	assert_true(route_is_trusted(t, sa6("::ffff:192.0.2.50", &ss)));   /* v4-mapped */
	assert_true(route_is_trusted(t, sa6("2001:db9::7", &ss)));
	assert_false(route_is_trusted(t, sa4("192.0.2.60", &ss)));          /* peer 3 shut */

	/* busyout removes a dynamic entry unless another peer has the address */
	assert_int_equal(route_state_new(&st), 0);
	assert_int_equal(route_state_set_busy(st, 2, true), 0);
	assert_false(route_trust_check(t, st, sa6("2001:db9::7", &ss), NULL));
	assert_int_equal(route_state_set_busy(st, 1, true), 0);
	assert_true(route_trust_check(t, st, sa4("192.0.2.50", &ss), &hit));
	assert_int_equal(hit.tag, 6);
	assert_int_equal(route_state_set_busy(st, 6, true), 0);
	assert_false(route_trust_check(t, st, sa4("192.0.2.50", &ss), NULL));

	/* dns: targets, through the resolver hook */
	assert_false(route_trust_check(t, st, sa4("192.0.2.80", &ss), NULL));
	assert_int_equal(route_trust_add_dynamic(st, 4, sa4("192.0.2.80", &ss)), 0);
	assert_int_equal(route_trust_add_dynamic(st, 4, sa4("192.0.2.80", &ss)), 0);
	assert_int_equal(route_trust_add_dynamic(st, 5, sa4("192.0.2.90", &ss)), 0);
	assert_int_equal(route_trust_add_dynamic(st, 1, sa4("192.0.2.91", &ss)), 0);
	assert_true(route_trust_check(t, st, sa4("192.0.2.80", &ss), &hit));
	assert_int_equal(hit.kind, ROUTE_TRUST_DNS);
	assert_int_equal(hit.tag, 4);
	assert_false(route_is_trusted(t, sa4("192.0.2.80", &ss)));           /* needs state */
	assert_false(route_trust_check(t, st, sa4("192.0.2.90", &ss), NULL)); /* peer 5 shut */
	assert_false(route_trust_check(t, st, sa4("192.0.2.91", &ss), NULL)); /* not dns: */
	route_trust_foreach(t, st, collect_fn, &k);
	assert_int_equal(k.n[ROUTE_TRUST_STATIC], 4);
	assert_int_equal(k.n[ROUTE_TRUST_TARGET], 3);
	assert_int_equal(k.n[ROUTE_TRUST_DNS], 1);
	assert_string_equal(k.text[0], "1 0 0 203.0.113.0 255.255.255.0");
	assert_string_equal(k.text[3], "1 0 0 2001:db8::/32");
	assert_string_equal(k.text[4], "2 1 1 ipv4:192.0.2.50:5060");
	assert_string_equal(k.text[5], "2 2 1 ipv6:[2001:db9::7]:5061");
	assert_string_equal(k.text[7], "3 4 0 dns:sip.example.net 192.0.2.80");
	route_trust_clear_dynamic(st, 4);
	assert_false(route_trust_check(t, st, sa4("192.0.2.80", &ss), NULL));
	route_state_free(st);
	route_table_unref(t);
	cfg_free(&c);
}

/* ------------------------------------------------------------------ */
/* RFC 4904, build errors, lifetime                                     */

static void test_tgrp_user(void **state)
{
	struct cfg c;
	struct route_table *t;
	char buf[128], num[32], tg[32], ctx[64];
	const struct route_peer *p;

	cfg_init(&c);
	CFG_SET(dp(&c, 1)->tgrp, "TG-1");
	CFG_SET(dp(&c, 1)->trunk_context, "example.com");
	CFG_SET(dp(&c, 2)->tgrp, "a b;c");
	t = build(&c);
	p = route_table_peer(t, 1);
	assert_int_equal(route_tgrp_user(p, "+15551234", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+15551234;tgrp=TG-1;trunk-context=example.com");
	assert_int_equal(route_tgrp_user(p, "+15551234", buf, 20), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(route_tgrp_user(route_table_peer(t, 2), "100", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "100;tgrp=a%20b%3Bc");
	assert_int_equal(route_tgrp_user(route_peer0(), "100", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "100");

	assert_int_equal(route_tgrp_parse("100;tgrp=a%20b%3Bc;user=phone", num, sizeof(num),
					  tg, sizeof(tg), ctx, sizeof(ctx)), 0);
	assert_string_equal(num, "100");
	assert_string_equal(tg, "a b;c");
	assert_string_equal(ctx, "");
	assert_int_equal(route_tgrp_parse("+1;TRUNK-CONTEXT=x.org;Tgrp=Q", num, sizeof(num),
					  tg, sizeof(tg), ctx, sizeof(ctx)), 0);
	assert_string_equal(tg, "Q");
	assert_string_equal(ctx, "x.org");
	assert_int_equal(route_tgrp_parse("123456", num, 4, NULL, 0, NULL, 0), -ENOSPC);
	route_table_unref(t);
	cfg_free(&c);
}

static void expect_build_error(struct cfg *c, const char *needle)
{
	struct route_table *t = (struct route_table *)1;
	char err[256];

	assert_int_equal(route_table_build(c, &t, err, sizeof(err)), -EINVAL);
	assert_null(t);
	if (!strstr(err, needle))
		fail_msg("expected '%s' in '%s'", needle, err);
}

static void test_build_errors(void **state)
{
	struct cfg c;

	cfg_init(&c);
	CFG_SET(dp(&c, 1)->dest_pattern, "55x");
	expect_build_error(&c, "dial-peer 1: destination-pattern '55x': Incorrect format");
	cfg_free(&c);

	cfg_init(&c);
	CFG_SET(uri(&c, "OK")->user_id, "^1");
	CFG_SET(dp(&c, 1)->incoming_uri[CFG_URI_FROM], "OK");
	CFG_SET(dp(&c, 2)->incoming_uri[CFG_URI_TO], "MISSING");
	expect_build_error(&c, "dial-peer 2: incoming uri to MISSING: no such voice class uri");
	cfg_free(&c);

	cfg_init(&c);
	CFG_SET(uri(&c, "A")->user_id, "^1");
	CFG_SET(uri(&c, "B")->pattern, "(unclosed");
	expect_build_error(&c, "voice class uri B: pattern '(unclosed'");
	cfg_free(&c);

	cfg_init(&c);
	CFG_SET(dp(&c, 1)->incoming_called, "12$3");
	expect_build_error(&c, "incoming called-number '12$3'");
	cfg_free(&c);
}

static void test_refcount_snapshot(void **state)
{
	struct cfg c;
	struct route_table *t1, *t2, *held;
	struct route_candidates cs;

	cfg_init(&c);
	CFG_SET(dpo(&c, 1)->dest_pattern, "7...");
	t1 = build(&c);
	held = route_table_ref(t1);          /* a call in progress */
	cfg_dial_peer_del(&c, 1);
	CFG_SET(dpo(&c, 2)->dest_pattern, "7...");
	t2 = build(&c);
	cfg_free(&c);                        /* the table keeps its own copy */
	route_table_unref(t1);               /* commit swapped it out */
	assert_int_equal(route_outbound(held, "7000", NULL, &cs), 0);
	assert_int_equal(cs.v[0].peer->tag, 1);
	assert_string_equal(cs.v[0].peer->cfg.dest_pattern, "7...");
	assert_int_equal(route_outbound(t2, "7000", NULL, &cs), 0);
	assert_int_equal(cs.v[0].peer->tag, 2);
	route_table_unref(held);
	route_table_unref(t2);
	route_table_unref(NULL);
	assert_null(route_table_ref(NULL));
	assert_int_equal(route_inbound(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(route_outbound(NULL, "1", NULL, &cs), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inbound_order),
		cmocka_unit_test(test_inbound_numbers_from_uri),
		cmocka_unit_test(test_dial_peer0),
		cmocka_unit_test(test_inbound_shutdown),
		cmocka_unit_test(test_inbound_uri_kinds),
		cmocka_unit_test(test_inbound_longest_called),
		cmocka_unit_test(test_inbound_tgrp),
		cmocka_unit_test(test_outbound_longest),
		cmocka_unit_test(test_outbound_preference),
		cmocka_unit_test(test_outbound_random),
		cmocka_unit_test(test_outbound_busy_shut),
		cmocka_unit_test(test_outbound_cap),
		cmocka_unit_test(test_trie_vs_scan),
		cmocka_unit_test(test_should_hunt),
		cmocka_unit_test(test_trusted),
		cmocka_unit_test(test_tgrp_user),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_refcount_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
