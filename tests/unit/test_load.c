/* test_load.c - loading a startup-config fast without changing what it means:
 * the dial-peer collection (kept sorted, appends at the end without a search),
 * the first pass that runs only definitions (gram_may_start, vty only_flags),
 * both passes of startup_apply_text() on forward references and errors, and
 * a few thousand dial-peers rendered back exactly as they were read. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/grammar.h"
#include "cli/vty.h"
#include "core/config.h"
#include "core/config_text.h"
#include "core/daemon.h"
#include "core/startup.h"

static int setup(void **state)
{
	struct buf err = BUF_INIT;
	int rc = gram_init(&err);

	if (rc)
		fprintf(stderr, "%s", buf_str(&err));
	buf_free(&err);
	*state = NULL;
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	gram_fini();
	return 0;
}

static void assert_sorted(const struct cfg *c)
{
	for (size_t i = 1; i < c->dial_peers.n; i++)
		assert_true(c->dial_peers.v[i - 1].tag < c->dial_peers.v[i].tag);
}

/* Ascending inserts take the append path; anything else the binary search. */
static void test_dial_peer_collection(void **state)
{
	(void)state;
	struct cfg c;

	cfg_init(&c);
	for (uint32_t t = 10; t <= 5000; t += 10) {
		struct cfg_dial_peer *d = cfg_dial_peer_get(&c, t);

		assert_non_null(d);
		assert_int_equal(d->tag, t);
		assert_int_equal(d->preference, -1);      /* a new peer is defaulted ... */
		assert_string_equal(d->dest_pattern, ""); /* ... and zeroed */
		assert_ptr_equal(cfg_dial_peer_get(&c, t), d); /* the last one again */
		snprintf(d->description, sizeof(d->description), "peer %u", (unsigned)t);
	}
	assert_int_equal(c.dial_peers.n, 500);
	/* below the last, between two, before the first, after the last */
	uint32_t odd[] = { 4995, 15, 5, 7, 5001, 2505, 4999 };
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		assert_null(cfg_dial_peer_find(&c, odd[i]));
		struct cfg_dial_peer *d = cfg_dial_peer_get(&c, odd[i]);

		assert_non_null(d);
		assert_int_equal(d->tag, odd[i]);
		assert_string_equal(d->description, "");
		assert_ptr_equal(cfg_dial_peer_find(&c, odd[i]), d);
		assert_sorted(&c);
	}
	assert_int_equal(c.dial_peers.n, 507);
	for (uint32_t t = 10; t <= 5000; t += 10) {
		const struct cfg_dial_peer *d = cfg_dial_peer_find(&c, t);
		char want[32];

		assert_non_null(d);
		snprintf(want, sizeof(want), "peer %u", (unsigned)t);
		assert_string_equal(d->description, want);
	}
	assert_null(cfg_dial_peer_find(&c, 0));
	assert_null(cfg_dial_peer_find(&c, 5002));
	assert_null(cfg_dial_peer_find(&c, 11));
	/* delete the last, the first, one inside; the end moves */
	assert_int_equal(cfg_dial_peer_del(&c, 5001), 0);
	assert_int_equal(cfg_dial_peer_del(&c, 5), 0);
	assert_int_equal(cfg_dial_peer_del(&c, 2505), 0);
	assert_int_equal(cfg_dial_peer_del(&c, 2505), -ENOENT);
	assert_null(cfg_dial_peer_find(&c, 5001));
	assert_non_null(cfg_dial_peer_find(&c, 5000));
	assert_non_null(cfg_dial_peer_get(&c, 5001));
	assert_int_equal(c.dial_peers.v[c.dial_peers.n - 1].tag, 5001);
	assert_sorted(&c);
	/* a copy compares equal, elements beyond n never matter */
	struct cfg d;
	assert_int_equal(cfg_dup(&d, &c), 0);
	assert_true(cfg_equal(&c, &d));
	cfg_free(&d);
	cfg_free(&c);
}

static void test_may_start(void **state)
{
	(void)state;
	unsigned f = CLI_F_DEFINES;

	assert_true(gram_may_start(MODE_CONFIG, "voice class codec 1", f));
	assert_true(gram_may_start(MODE_CONFIG, "  vo cl uri U sip", f));
	assert_true(gram_may_start(MODE_CONFIG, "VOICE class tenant 3", f));
	assert_true(gram_may_start(MODE_CONFIG, "crypto pki trustpoint TP", f));
	assert_true(gram_may_start(MODE_CONFIG, "c", f));
	/* the `no` and `default` forms of a definition may be one */
	assert_true(gram_may_start(MODE_CONFIG, "no voice class codec 1", f));
	assert_true(gram_may_start(MODE_CONFIG, "def voice class codec 1", f));
	/* nothing else in config mode defines what others refer to */
	assert_false(gram_may_start(MODE_CONFIG, "dial-peer voice 1 voip", f));
	assert_false(gram_may_start(MODE_CONFIG, "hostname x", f));
	assert_false(gram_may_start(MODE_CONFIG, "sip-ua", f));
	assert_false(gram_may_start(MODE_CONFIG, "voicex class codec 1", f));
	assert_false(gram_may_start(MODE_CONFIG, "", f));
	assert_false(gram_may_start(MODE_CONFIG, "   ", f));
	/* no definitions below config mode; flags 0: any command of the mode */
	assert_false(gram_may_start(MODE_DIAL_PEER, "voice-class codec 1", f));
	assert_true(gram_may_start(MODE_DIAL_PEER, "voice-class codec 1", 0));
	assert_true(gram_may_start(MODE_DIAL_PEER, "do show version", 0));
	assert_true(gram_may_start(MODE_DIAL_PEER, "d", 0));
	assert_false(gram_may_start(MODE_DIAL_PEER, "dial-peer voice 2 voip", 0));
	assert_true(gram_may_start(MODE_DIAL_PEER, "voice class codec 1", 0)); /* voice-class */
	assert_true(gram_may_start(MODE_CONFIG, "dial-peer voice 1 voip", 0));
}

/* From a sub-mode, a line of a parent mode moves the session there, whether
 * or not its first word could begin a command of the sub-mode; a line no mode
 * takes reports the match that got furthest. */
static void test_walk_up(void **state)
{
	(void)state;
	struct cfg c;
	struct vty v;

	cfg_init(&c);
	vty_init(&v, &c, "test");
	v.file = "x.cfg";
	vty_enter(&v, MODE_CONFIG, 0, NULL);
	assert_int_equal(vty_exec(&v, "dial-peer voice 1 voip"), CLI_OK);
	assert_int_equal(vty_exec(&v, "dial-peer voice 2 voip"), CLI_OK);
	assert_int_equal(v.mode, MODE_DIAL_PEER);
	assert_int_equal(v.ctx_tag, 2);
	assert_int_equal(vty_exec(&v, "voice class codec 3"), CLI_OK);
	assert_int_equal(v.mode, MODE_CLASS_CODEC);
	assert_int_equal(vty_exec(&v, "dial-peer voice 1 voip"), CLI_OK);
	/* `d` starts dial-peer commands and config ones: ambiguous here */
	assert_int_equal(vty_exec(&v, "d 1"), CLI_ERR);
	assert_string_equal(v.err_msg, "Ambiguous command: \"d 1\"");
	/* the caret of the mode that read furthest: config mode, at the `x` of `vox` */
	assert_int_equal(vty_exec(&v, "dial-peer vox 3 voip"), CLI_ERR);
	assert_int_equal(v.err_pos, 12);
	assert_int_equal(vty_exec(&v, "destination-pattern 12x"), CLI_ERR);
	assert_int_equal(v.mode, MODE_DIAL_PEER);
	assert_int_equal(v.ctx_tag, 1);
	vty_fini(&v);
	cfg_free(&c);
}

/* A vty that runs only definitions: the rest is matched (or not) and skipped. */
static void test_only_flags(void **state)
{
	(void)state;
	struct cfg c;
	struct vty v;

	cfg_init(&c);
	vty_init(&v, &c, "test");
	v.file = "x.cfg";
	v.only_flags = CLI_F_DEFINES;
	vty_enter(&v, MODE_CONFIG, 0, NULL);
	assert_int_equal(vty_exec(&v, "hostname other"), CLI_OK);
	assert_string_equal(c.hostname, "tollgate");
	assert_int_equal(vty_exec(&v, "dial-peer voice 7 voip"), CLI_OK);
	assert_int_equal(c.dial_peers.n, 0);
	assert_int_equal(v.mode, MODE_CONFIG);
	assert_int_equal(vty_exec(&v, "frobnicate"), CLI_OK);    /* cannot be one: not matched */
	assert_int_equal(vty_exec(&v, "no such command"), CLI_ERR); /* could be: matched, wrong */
	assert_int_equal(vty_exec(&v, "voice class codec 5"), CLI_OK);
	assert_non_null(cfg_codec_find(&c, "5"));
	assert_int_equal(v.mode, MODE_CLASS_CODEC);
	assert_int_equal(vty_exec(&v, " codec preference 1 g711ulaw"), CLI_OK);
	assert_int_equal(cfg_codec_find(&c, "5")->e.n, 0);
	/* a definition typed in a class mode walks up to config mode */
	assert_int_equal(vty_exec(&v, "crypto pki trustpoint TP"), CLI_OK);
	assert_non_null(cfg_trustpoint_find(&c, "TP"));
	vty_enter(&v, MODE_CONFIG, 0, NULL);
	assert_int_equal(vty_exec(&v, "no voice class codec 5"), CLI_OK);
	assert_null(cfg_codec_find(&c, "5"));
	/* a definition that is wrong still fails */
	assert_int_equal(vty_exec(&v, "voice class codec 99999"), CLI_ERR);
	vty_fini(&v);
	cfg_free(&c);
}

static const char TWO_PASS[] =
	"dial-peer voice 10 voip\n"             /* 1 */
	" voice-class codec 7\n"                /* 2  forward reference: fine */
	" destination-pattern 9T\n"             /* 3 */
	"!\n"                                   /* 4 */
	"dial-peer voice 11 voip\n"             /* 5 */
	" voice-class codec 8\n"                /* 6  never defined */
	" session target ipv4:192.0.2.7:5062\n" /* 7 */
	"!\n"                                   /* 8 */
	"voice class codec 7\n"                 /* 9 */
	" codec preference 1 g711ulaw\n"        /* 10 */
	"!\n"                                   /* 11 */
	"voice class bogus 3\n"                 /* 12 rejected, and so is ... */
	" codec preference 1 g711alaw\n"        /* 13 ... its block */
	"end\n";

static void test_two_passes(void **state)
{
	(void)state;
	struct cfg c;
	struct tg_rejected *rej = NULL;
	int nrej = 0;
	struct buf errs = BUF_INIT;

	cfg_init(&c);
	assert_int_equal(startup_apply_text(&c, "t.cfg", TWO_PASS, &rej, &nrej, &errs), 3);
	assert_int_equal(nrej, 3);
	assert_int_equal(rej[0].lineno, 6);
	assert_string_equal(rej[0].reason, "voice class codec 8 is not configured");
	assert_string_equal(rej[0].text, " voice-class codec 8");
	assert_int_equal(rej[1].lineno, 12);
	assert_int_equal(rej[1].col, 12);
	assert_int_equal(rej[2].lineno, 13);
	assert_string_equal(rej[2].reason, "not applied: the line it belongs to (line 12) was rejected");
	assert_non_null(strstr(buf_str(&errs),
			       "t.cfg:6: voice class codec 8 is not configured\n voice-class codec 8\n ^\n"));
	assert_non_null(strstr(buf_str(&errs), "t.cfg:12: Invalid input detected at '^' marker.\n"
					       "voice class bogus 3\n            ^\n"));
	/* only pass 2 built the model: two peers, one class, each line once */
	assert_int_equal(c.dial_peers.n, 2);
	assert_string_equal(cfg_dial_peer_find(&c, 10)->vc_codec, "7");
	assert_string_equal(cfg_dial_peer_find(&c, 11)->vc_codec, "");
	assert_string_equal(cfg_dial_peer_find(&c, 11)->target.host, "192.0.2.7");
	assert_int_equal(c.codecs.n, 1);
	assert_int_equal(c.codecs.v[0].e.n, 1);
	startup_free_rejected(rej, nrej);
	buf_free(&errs);
	cfg_free(&c);
}

/* Many peers through the whole text path come back as the same text. */
static void test_many_peers_round_trip(void **state)
{
	(void)state;
	struct buf text = BUF_INIT, out = BUF_INIT, errs = BUF_INIT;
	struct tg_rejected *rej = NULL;
	int nrej = 0;
	struct cfg c;

	buf_puts(&text, "!\nhostname many\n");
	for (unsigned i = 0; i < 3000; i++)
		buf_printf(&text, "!\ndial-peer voice %u voip\n destination-pattern +1%07u....\n"
			   " session protocol sipv2\n session target ipv4:10.%u.%u.%u:5060\n"
			   " preference %u\n", i + 1, 2000000u + i * 37u, (i >> 16) & 255,
			   (i >> 8) & 255, i & 255, i % 3);
	buf_puts(&text, "!\nend\n");
	cfg_init(&c);
	assert_int_equal(startup_apply_text(&c, "many.cfg", buf_str(&text), &rej, &nrej, &errs), 0);
	assert_int_equal(nrej, 0);
	assert_int_equal(c.dial_peers.n, 3000);
	assert_int_equal(cfg_render_text(&c, &out), 0);
	assert_string_equal(buf_str(&out), buf_str(&text));
	startup_free_rejected(rej, nrej);
	buf_free(&text);
	buf_free(&out);
	buf_free(&errs);
	cfg_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dial_peer_collection),
		cmocka_unit_test(test_may_start),
		cmocka_unit_test(test_walk_up),
		cmocka_unit_test(test_only_flags),
		cmocka_unit_test(test_two_passes),
		cmocka_unit_test(test_many_peers_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
