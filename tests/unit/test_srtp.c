/* test_srtp.c - unit tests for media/srtp_suite.c (suite table, SDES a=crypto
 * parse/emit, negotiation) and media/srtp.c (libsrtp2 contexts). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/srtp.h"

#define CANARY 0xA5
#define NCANARY 64

static const enum cfg_srtp_suite all_suites[] = {
	CFG_SUITE_AES_CM_128_HMAC_SHA1_80, CFG_SUITE_AES_CM_128_HMAC_SHA1_32,
	CFG_SUITE_AEAD_AES_128_GCM, CFG_SUITE_AEAD_AES_256_GCM,
};
#define NSUITES (sizeof(all_suites) / sizeof(all_suites[0]))

/* RTP: 12-byte header (V=2, PT 0) + 160 bytes of payload = 172 bytes. */
static size_t make_rtp(uint8_t *p, uint16_t seq, uint32_t ssrc)
{
	uint32_t ts = (uint32_t)seq * 160;

	p[0] = 0x80;
	p[1] = 0x00;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int i = 0; i < 160; i++)
		p[12 + i] = (uint8_t)(i * 7 + seq);
	return 172;
}

/* RTCP sender report without report blocks: 28 bytes. */
static size_t make_rtcp(uint8_t *p, uint32_t ssrc, uint32_t n)
{
	memset(p, 0, 28);
	p[0] = 0x80;
	p[1] = 200;
	p[3] = 6;
	p[4] = (uint8_t)(ssrc >> 24);
	p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8);
	p[7] = (uint8_t)ssrc;
	for (int i = 8; i < 28; i++)
		p[i] = (uint8_t)(i + n);
	return 28;
}

/* A send context from `line`, and a receive context from the same line
 * emitted to text and parsed back (what the far side would do). */
static void make_pair(const struct sdes_crypto *line, struct tg_srtp **tx, struct tg_srtp **rx)
{
	char text[SDES_LINE_MAX], err[128];
	struct sdes_crypto parsed;

	assert_true(sdes_crypto_emit(text, sizeof(text), line) > 0);
	if (sdes_crypto_parse(&parsed, text, err, sizeof(err)) != 0)
		fail_msg("reparse '%s': %s", text, err);
	assert_int_equal(tg_srtp_new(tx, line, TG_SRTP_SEND), 0);
	assert_int_equal(tg_srtp_new(rx, &parsed, TG_SRTP_RECV), 0);
	sdes_crypto_clear(&parsed);
}

static void check_canary(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != CANARY)
			fail_msg("wrote past the declared overhead at +%zu", i);
}

static void roundtrip(const struct sdes_crypto *line)
{
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD + NCANARY], orig[172];
	struct tg_srtp *tx, *rx;

	make_pair(line, &tx, &rx);
	for (uint16_t seq = 65530; seq != 10; seq++) {   /* crosses the ROC wrap */
		size_t len = make_rtp(pkt, seq, 0x11223344), oh = tg_srtp_overhead(tx, false);
		size_t cap = len + oh;

		memcpy(orig, pkt, len);
		memset(pkt + cap, CANARY, NCANARY);
		assert_int_equal(tg_srtp_protect(tx, pkt, &len, cap), 0);
		assert_int_equal(len, 172 + oh);
		check_canary(pkt + cap, NCANARY);
		assert_memory_equal(pkt, orig, 12);                 /* header clear */
		assert_memory_not_equal(pkt + 12, orig + 12, 160);  /* payload encrypted */
		assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), 0);
		assert_int_equal(len, 172);
		assert_memory_equal(pkt, orig, 172);
	}
	assert_int_equal(tg_srtp_stats(tx)->packets, 16);
	assert_int_equal(tg_srtp_stats(rx)->packets, 16);
	assert_int_equal(tg_srtp_stats(rx)->bytes, 16 * 172);
	tg_srtp_free(tx);
	tg_srtp_free(rx);
}

static void test_suite_table(void **state)
{
	static const struct { enum cfg_srtp_suite id; const char *name; size_t ks; unsigned tag; } t[] = {
		{ CFG_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 30, 10 },
		{ CFG_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 30, 4 },
		{ CFG_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", 28, 16 },
		{ CFG_SUITE_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", 44, 16 },
	};

	for (size_t i = 0; i < 4; i++) {
		const struct tg_srtp_suite *s = tg_srtp_suite_get(t[i].id);
		assert_non_null(s);
		assert_int_equal(s->id, t[i].id);
		assert_string_equal(s->name, t[i].name);
		assert_string_equal(s->name, cfg_suite_names[t[i].id]);
		assert_int_equal(tg_srtp_suite_keysalt_len(t[i].id), t[i].ks);
		assert_int_equal(s->rtp_tag_len, t[i].tag);
		assert_non_null(s->set_rtp);
		assert_non_null(s->set_rtcp);
		assert_int_equal(tg_srtp_suite_by_name(t[i].name, strlen(t[i].name)), t[i].id);
	}
	assert_int_equal(tg_srtp_suite_get(CFG_SUITE_AES_CM_128_HMAC_SHA1_32)->rtcp_tag_len, 10);
	assert_null(tg_srtp_suite_get(CFG_SUITE_NONE));
	assert_null(tg_srtp_suite_get(CFG_SUITE_COUNT));
	assert_int_equal(tg_srtp_suite_by_name("F8_128_HMAC_SHA1_80", 19), CFG_SUITE_NONE);
	assert_int_equal(tg_srtp_suite_keysalt_len(CFG_SUITE_NONE), 0);
	assert_int_equal(tg_srtp_init(), 0);
	assert_int_equal(tg_srtp_init(), 0);   /* idempotent */
}

static void test_roundtrip_all_suites(void **state)
{
	struct sdes_crypto c;

	for (size_t i = 0; i < NSUITES; i++) {
		assert_int_equal(sdes_crypto_generate(&c, 1, all_suites[i]), 0);
		roundtrip(&c);
		/* with an MKI, a lifetime and a replay window */
		c.mki = 258;
		c.mki_len = 4;
		c.lifetime = UINT64_C(1) << 31;
		snprintf(c.params, sizeof(c.params), "WSH=256");
		c.window = 256;
		roundtrip(&c);
		sdes_crypto_clear(&c);
	}
}

static void test_tamper(void **state)
{
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD];
	struct tg_srtp *tx, *rx;
	struct sdes_crypto c;

	for (size_t i = 0; i < NSUITES; i++) {
		size_t len;

		assert_int_equal(sdes_crypto_generate(&c, 7, all_suites[i]), 0);
		make_pair(&c, &tx, &rx);
		for (int where = 0; where < 3; where++) {
			len = make_rtp(pkt, (uint16_t)(100 + where), 42);
			assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
			/* header, payload, tag */
			pkt[where == 0 ? 5 : where == 1 ? 40 : len - 1] ^= 0x01;
			assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), TG_SRTP_E_AUTH);
		}
		assert_int_equal(tg_srtp_stats(rx)->auth_fail, 3);
		/* an untouched packet still passes afterwards */
		len = make_rtp(pkt, 200, 42);
		assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
		assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), 0);
		tg_srtp_free(tx);
		tg_srtp_free(rx);
		sdes_crypto_clear(&c);
	}
}

static void test_wrong_key(void **state)
{
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD];
	struct sdes_crypto a, b;
	struct tg_srtp *tx, *rx;
	size_t len;

	assert_int_equal(sdes_crypto_generate(&a, 1, CFG_SUITE_AEAD_AES_128_GCM), 0);
	assert_int_equal(sdes_crypto_generate(&b, 1, CFG_SUITE_AEAD_AES_128_GCM), 0);
	assert_int_equal(tg_srtp_new(&tx, &a, TG_SRTP_SEND), 0);
	assert_int_equal(tg_srtp_new(&rx, &b, TG_SRTP_RECV), 0);
	len = make_rtp(pkt, 1, 9);
	assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
	assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), TG_SRTP_E_AUTH);
	tg_srtp_free(tx);
	tg_srtp_free(rx);

	/* sender with MKI 1, receiver expecting MKI 2 */
	a.mki = 1;
	a.mki_len = 2;
	b = a;
	b.mki = 2;
	assert_int_equal(tg_srtp_new(&tx, &a, TG_SRTP_SEND), 0);
	assert_int_equal(tg_srtp_new(&rx, &b, TG_SRTP_RECV), 0);
	len = make_rtp(pkt, 1, 9);
	assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
	assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), TG_SRTP_E_BADMKI);
	tg_srtp_free(tx);
	tg_srtp_free(rx);
	sdes_crypto_clear(&a);
	sdes_crypto_clear(&b);
}

static void test_replay(void **state)
{
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD], copy[sizeof(pkt)], old[sizeof(pkt)];
	struct tg_srtp *tx, *rx;
	struct sdes_crypto c;

	for (size_t i = 0; i < NSUITES; i++) {
		size_t len, clen, olen;

		assert_int_equal(sdes_crypto_generate(&c, 1, all_suites[i]), 0);
		make_pair(&c, &tx, &rx);
		olen = make_rtp(old, 1, 5);
		assert_int_equal(tg_srtp_protect(tx, old, &olen, sizeof(old)), 0);
		len = make_rtp(pkt, 2, 5);
		assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
		memcpy(copy, pkt, len);
		clen = len;
		assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), 0);
		assert_int_equal(tg_srtp_unprotect(rx, copy, &clen), TG_SRTP_E_REPLAY);
		assert_true(tg_srtp_is_replay(TG_SRTP_E_REPLAY));
		/* the sender refuses to reuse an index */
		len = make_rtp(pkt, 2, 5);
		assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), TG_SRTP_E_REPLAY);
		/* seq 1 after seq 1000: older than the 128-packet window */
		len = make_rtp(pkt, 1000, 5);
		assert_int_equal(tg_srtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
		assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), 0);
		assert_int_equal(tg_srtp_unprotect(rx, old, &olen), TG_SRTP_E_OLD);
		assert_true(tg_srtp_is_replay(TG_SRTP_E_OLD));
		assert_int_equal(tg_srtp_stats(rx)->replay, 2);
		assert_int_equal(tg_srtp_stats(rx)->auth_fail, 0);
		tg_srtp_free(tx);
		tg_srtp_free(rx);
		sdes_crypto_clear(&c);
	}
}

static void test_rtcp(void **state)
{
	uint8_t pkt[28 + TG_SRTP_MAX_OVERHEAD + NCANARY], orig[28], copy[sizeof(pkt)];
	struct tg_srtp *tx, *rx;
	struct sdes_crypto c;

	for (size_t i = 0; i < NSUITES; i++) {
		for (int mki = 0; mki < 2; mki++) {
			size_t len, cap, clen;

			assert_int_equal(sdes_crypto_generate(&c, 3, all_suites[i]), 0);
			c.mki = mki ? 7 : 0;
			c.mki_len = mki ? 1 : 0;
			make_pair(&c, &tx, &rx);
			assert_int_equal(tg_srtp_overhead(tx, true),
					 4 + c.mki_len + tg_srtp_suite_get(c.suite)->rtcp_tag_len);
			for (uint32_t n = 0; n < 5; n++) {
				len = make_rtcp(pkt, 0xCAFE, n);
				memcpy(orig, pkt, len);
				cap = len + tg_srtp_overhead(tx, true);
				memset(pkt + cap, CANARY, NCANARY);
				assert_int_equal(tg_srtp_protect_rtcp(tx, pkt, &len, cap), 0);
				assert_int_equal(len, cap);
				check_canary(pkt + cap, NCANARY);
				memcpy(copy, pkt, len);
				clen = len;
				assert_int_equal(tg_srtp_unprotect_rtcp(rx, pkt, &len), 0);
				assert_int_equal(len, 28);
				assert_memory_equal(pkt, orig, 28);
				assert_int_equal(tg_srtp_unprotect_rtcp(rx, copy, &clen),
						 TG_SRTP_E_REPLAY);
			}
			len = make_rtcp(pkt, 0xCAFE, 9);
			assert_int_equal(tg_srtp_protect_rtcp(tx, pkt, &len, sizeof(pkt)), 0);
			pkt[12] ^= 0x80;
			assert_int_equal(tg_srtp_unprotect_rtcp(rx, pkt, &len), TG_SRTP_E_AUTH);
			if (mki) {   /* a receiver expecting another MKI */
				struct tg_srtp *rx2;
				c.mki = 8;
				assert_int_equal(tg_srtp_new(&rx2, &c, TG_SRTP_RECV), 0);
				len = make_rtcp(pkt, 0xCAFE, 10);
				assert_int_equal(tg_srtp_protect_rtcp(tx, pkt, &len, sizeof(pkt)), 0);
				assert_int_equal(tg_srtp_unprotect_rtcp(rx2, pkt, &len), TG_SRTP_E_BADMKI);
				tg_srtp_free(rx2);
			}
			tg_srtp_free(tx);
			tg_srtp_free(rx);
			sdes_crypto_clear(&c);
		}
	}
}

static void test_buffer_and_direction(void **state)
{
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD];
	struct tg_srtp *tx, *rx;
	struct sdes_crypto c;
	size_t len;

	assert_int_equal(sdes_crypto_generate(&c, 1, CFG_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	make_pair(&c, &tx, &rx);
	assert_int_equal(tg_srtp_overhead(tx, false), 10);
	assert_int_equal(tg_srtp_overhead(tx, true), 14);
	assert_int_equal(tg_srtp_suite(tx), CFG_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(tg_srtp_dir(rx), TG_SRTP_RECV);
	len = make_rtp(pkt, 1, 1);
	assert_int_equal(tg_srtp_protect(tx, pkt, &len, 172 + 9), -ENOBUFS);
	assert_int_equal(len, 172);
	assert_int_equal(tg_srtp_protect(rx, pkt, &len, sizeof(pkt)), -EINVAL);
	assert_int_equal(tg_srtp_unprotect(tx, pkt, &len), -EINVAL);
	assert_int_equal(tg_srtp_protect(tx, pkt, &len, 172 + 10), 0);
	len = 5;   /* shorter than an RTP header */
	assert_int_equal(tg_srtp_unprotect(rx, pkt, &len), -EINVAL);
	assert_int_equal(tg_srtp_stats(rx)->other_err, 2);
	assert_string_equal(tg_srtp_strerror(TG_SRTP_E_AUTH), "authentication failed");
	tg_srtp_free(tx);
	tg_srtp_free(rx);
	tg_srtp_free(NULL);

	/* unusable lines make no context */
	c.flags = SDES_F_UNSUPPORTED;
	assert_int_equal(tg_srtp_new(&tx, &c, TG_SRTP_SEND), -EINVAL);
	assert_null(tx);
	c.flags = 0;
	c.key_len = 16;
	assert_int_equal(tg_srtp_new(&tx, &c, TG_SRTP_SEND), -EINVAL);
	sdes_crypto_clear(&c);
}

/* RFC 4568 section 4 example (two keys, MKI, lifetime, FEC_ORDER). */
#define RFC_KEY1 "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
#define RFC_KEY2 "QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5"

static void test_parse_emit(void **state)
{
	char out[SDES_LINE_MAX], err[128];
	struct sdes_crypto c;

	assert_int_equal(sdes_crypto_parse(&c, "1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1
					   "|2^20|1:4;inline:" RFC_KEY2 "|2^20|2:4 FEC_ORDER=FEC_SRTP",
					   err, sizeof(err)), 0);
	assert_int_equal(c.tag, 1);
	assert_int_equal(c.suite, CFG_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(c.key_len, 30);
	assert_memory_equal(c.key, "=-n@%^x!Bjufr9)?,#5h\\`=&]{qiPQ", 30);
	assert_int_equal(c.lifetime, 1u << 20);
	assert_int_equal(c.mki, 1);
	assert_int_equal(c.mki_len, 4);
	assert_int_equal(c.n_keys, 2);
	assert_string_equal(c.params, "FEC_ORDER=FEC_SRTP");
	assert_int_equal(c.flags, 0);
	assert_true(sdes_crypto_usable(&c));
	assert_int_equal(sdes_crypto_emit(out, sizeof(out), &c),
			 (int)strlen("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1
				     "|2^20|1:4 FEC_ORDER=FEC_SRTP"));
	assert_string_equal(out, "1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1
			    "|2^20|1:4 FEC_ORDER=FEC_SRTP");
	assert_int_equal(sdes_crypto_emit(out, 20, &c), -ENOSPC);

	/* "a=crypto:" prefix, CRLF, MKI without lifetime, decimal lifetime, WSH */
	assert_int_equal(sdes_crypto_parse(&c, "a=crypto:12 aes_cm_128_hmac_sha1_32 inline:"
					   RFC_KEY1 "|1000|5:1  WSH=100000\r\n", err, sizeof(err)), 0);
	assert_int_equal(c.tag, 12);
	assert_int_equal(c.suite, CFG_SUITE_AES_CM_128_HMAC_SHA1_32);
	assert_int_equal(c.lifetime, 1000);
	assert_int_equal(c.mki, 5);
	assert_int_equal(c.mki_len, 1);
	assert_int_equal(c.window, SDES_WINDOW_MAX);
	assert_true(sdes_crypto_emit(out, sizeof(out), &c) > 0);
	assert_string_equal(out, "12 AES_CM_128_HMAC_SHA1_32 inline:" RFC_KEY1 "|1000|5:1 WSH=100000");

	/* every suite: generate -> emit -> parse -> same key, same text */
	for (size_t i = 0; i < NSUITES; i++) {
		struct sdes_crypto g, p;
		char again[SDES_LINE_MAX];

		assert_int_equal(sdes_crypto_generate(&g, 999999999, all_suites[i]), 0);
		assert_true(sdes_crypto_emit(out, sizeof(out), &g) > 0);
		if (sdes_crypto_parse(&p, out, err, sizeof(err)) != 0)
			fail_msg("%s: %s", out, err);
		assert_int_equal(p.suite, g.suite);
		assert_int_equal(p.tag, 999999999);
		assert_int_equal(p.key_len, g.key_len);
		assert_memory_equal(p.key, g.key, g.key_len);
		assert_true(sdes_crypto_emit(again, sizeof(again), &p) > 0);
		assert_string_equal(again, out);
		/* padding is optional on input */
		char *eq = strchr(out, '=');
		if (eq) {
			*eq = '\0';
			assert_int_equal(sdes_crypto_parse(&p, out, err, sizeof(err)), 0);
			assert_memory_equal(p.key, g.key, g.key_len);
		}
		sdes_crypto_clear(&g);
		sdes_crypto_clear(&p);
	}

	/* KDR=0 is fine, the others are flagged */
	assert_int_equal(sdes_crypto_parse(&c, "1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1
					   " KDR=0", err, sizeof(err)), 0);
	assert_true(sdes_crypto_usable(&c));
	static const char *const unsup[] = { "KDR=3", "UNENCRYPTED_SRTP", "UNENCRYPTED_SRTCP",
		"UNAUTHENTICATED_SRTP", ("FEC_KEY=inline:" RFC_KEY2), "FOO=1" };
	for (size_t i = 0; i < sizeof(unsup) / sizeof(unsup[0]); i++) {
		char line[200];
		snprintf(line, sizeof(line), "1 AES_CM_128_HMAC_SHA1_80 inline:%s %s", RFC_KEY1, unsup[i]);
		assert_int_equal(sdes_crypto_parse(&c, line, err, sizeof(err)), 0);
		assert_int_equal(c.flags, SDES_F_UNSUPPORTED);
		assert_false(sdes_crypto_usable(&c));
	}
	sdes_crypto_clear(&c);
}

static void expect_invalid(const char *line, const char *reason)
{
	struct sdes_crypto c;
	char err[128] = "";

	if (sdes_crypto_parse(&c, line, err, sizeof(err)) != -EINVAL)
		fail_msg("accepted: %s", line);
	if (!strstr(err, reason))
		fail_msg("%s: expected '%s' in '%s'", line, reason, err);
	assert_int_equal(c.key_len, 0);
}

static void test_parse_invalid(void **state)
{
	static const char gcm128[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="; /* 28 bytes */

	expect_invalid("", "empty");
	expect_invalid("x AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1, "bad tag");
	expect_invalid("1234567890 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1, "bad tag");
	expect_invalid("1", "missing crypto suite");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80", "missing key parameters");
	expect_invalid("1 AES-CM inline:" RFC_KEY1, "bad character");
	/* bad base64 */
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFC!nVmcjkpPywjNWhcYD0mXXtxaVBR",
		       "base64");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB",
		       "base64");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "=", "base64");
	/* wrong key length */
	expect_invalid("1 AEAD_AES_128_GCM inline:" RFC_KEY1,
		       "key is 30 bytes, AEAD_AES_128_GCM needs 28");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "AAAA", "needs 30");
	expect_invalid("1 AEAD_AES_256_GCM inline:" RFC_KEY1, "needs 44");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:", "needs 30");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:QUJD" RFC_KEY1 RFC_KEY1, "longer");
	/* second key wrong */
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:4;inline:AAAA|2:4", "needs 30");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 uri:http://x", "not inline");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:4;", "empty key parameter");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 ";;inline:" RFC_KEY1, "not inline");
	/* lifetime */
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|2^49", "lifetime");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|2^", "lifetime");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|0", "lifetime");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|281474976710657", "lifetime");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:4|2^20", "out of place");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|2^20|2^20", "out of place");
	/* MKI */
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:0", "MKI length");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:129", "MKI length");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|256:1", "does not fit");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|x:4", "bad MKI");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:", "bad MKI");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 "|1:2|2:2", "two MKI");
	/* session parameters */
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 " WSH=10", "WSH");
	expect_invalid("1 AES_CM_128_HMAC_SHA1_80 inline:" RFC_KEY1 " KDR=25", "KDR");

	/* right lengths are accepted */
	char line[128];
	struct sdes_crypto c;
	snprintf(line, sizeof(line), "1 AEAD_AES_128_GCM inline:%s|2^31|255:1", gcm128);
	assert_int_equal(sdes_crypto_parse(&c, line, NULL, 0), 0);
	assert_int_equal(c.key_len, 28);
	sdes_crypto_clear(&c);
}

static void test_unknown_suite(void **state)
{
	struct sdes_crypto c;
	char out[SDES_LINE_MAX], err[64];

	assert_int_equal(sdes_crypto_parse(&c, "3 F8_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4",
					   err, sizeof(err)), 0);
	assert_int_equal(c.tag, 3);
	assert_int_equal(c.suite, CFG_SUITE_NONE);
	assert_string_equal(c.suite_name, "F8_128_HMAC_SHA1_80");
	assert_true(c.flags & SDES_F_UNKNOWN_SUITE);
	assert_false(sdes_crypto_usable(&c));
	assert_int_equal(sdes_crypto_emit(out, sizeof(out), &c), -EINVAL);
	struct tg_srtp *s;
	assert_int_equal(tg_srtp_new(&s, &c, TG_SRTP_RECV), -EINVAL);
	/* AES_256_CM_HMAC_SHA1_80 (RFC 6188) is not in the table either */
	assert_int_equal(sdes_crypto_parse(&c, "4 AES_256_CM_HMAC_SHA1_80 inline:xyz", NULL, 0), 0);
	assert_int_equal(c.flags, SDES_F_UNKNOWN_SUITE);
}

static void test_keys_differ(void **state)
{
	struct sdes_crypto a, b;

	for (size_t i = 0; i < NSUITES; i++) {
		assert_int_equal(sdes_crypto_generate(&a, 1, all_suites[i]), 0);
		assert_int_equal(sdes_crypto_generate(&b, 1, all_suites[i]), 0);
		assert_int_equal(a.key_len, tg_srtp_suite_keysalt_len(all_suites[i]));
		assert_memory_not_equal(a.key, b.key, a.key_len);
		assert_int_equal(a.n_keys, 1);
		assert_true(sdes_crypto_usable(&a));
	}
	assert_int_equal(sdes_crypto_generate(&a, 1, CFG_SUITE_NONE), -EINVAL);
	assert_int_equal(sdes_crypto_generate(&a, SDES_TAG_MAX + 1, CFG_SUITE_AEAD_AES_128_GCM), -EINVAL);
	sdes_crypto_clear(&b);
}

static void test_prefs(void **state)
{
	struct cfg_srtp_crypto_entry e[] = {
		{ 4, CFG_SUITE_AES_CM_128_HMAC_SHA1_32 },
		{ 1, CFG_SUITE_AEAD_AES_256_GCM },
		{ 2, CFG_SUITE_AES_CM_128_HMAC_SHA1_80 },
		{ 3, CFG_SUITE_AEAD_AES_256_GCM },   /* repeated: kept at preference 1 */
	};
	struct cfg_srtp_crypto cls;
	struct sdes_prefs p;

	sdes_prefs_default(&p);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.s[0], CFG_SUITE_AEAD_AES_256_GCM);
	assert_int_equal(p.s[1], CFG_SUITE_AEAD_AES_128_GCM);
	assert_int_equal(p.s[2], CFG_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(p.s[3], CFG_SUITE_AES_CM_128_HMAC_SHA1_32);

	memset(&cls, 0, sizeof(cls));
	snprintf(cls.tag, sizeof(cls.tag), "100");
	cls.e.v = e;
	cls.e.n = 4;
	sdes_prefs_from_class(&p, &cls);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.s[0], CFG_SUITE_AEAD_AES_256_GCM);
	assert_int_equal(p.s[1], CFG_SUITE_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(p.s[2], CFG_SUITE_AES_CM_128_HMAC_SHA1_32);

	cls.e.n = 0;
	sdes_prefs_from_class(&p, &cls);
	assert_int_equal(p.n, 4);
	sdes_prefs_from_class(&p, NULL);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.s[0], CFG_SUITE_AEAD_AES_256_GCM);
}

/* Known answers from an independent implementation: the packets below were
 * computed with Python's `cryptography` package (OpenSSL) following RFC 3711
 * (key derivation, AES-CM, HMAC-SHA1) and RFC 7714 (AES-GCM IV and AAD), not
 * with libsrtp2 or nettle.  Master key 10..1f, master salt a0..ad (GCM: the
 * first 12 bytes), SSRC cafebabe, sequence 0x1234, timestamp 01020304, ROC 0,
 * payload byte i = 7i + 3.  Protecting the plain packet must give exactly
 * these bytes, and unprotecting them must give the plain packet back. */
static const uint8_t kat_cm80[] = {
	0x80, 0x00, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xca, 0xfe, 0xba, 0xbe,
	0xc0, 0xc4, 0x10, 0xa2, 0x28, 0xb9, 0x78, 0x7d, 0x60, 0x8b, 0xdc, 0x6b,
	0xd2, 0x8d, 0x9f, 0x96, 0x80, 0x34, 0x7f, 0x19, 0x1f, 0x16, 0x72, 0x8d,
	0x7b, 0xff, 0xba, 0x6e, 0x2c, 0x75, 0x5b, 0x67, 0x8e, 0xa3, 0xab, 0xc4,
	0x49, 0x5b, 0x04, 0xd8, 0x0c, 0x21, 0x27, 0x0c, 0xd6, 0x02, 0x33, 0xe9,
	0x80, 0x31, 0x27, 0xb6, 0x0f, 0x15, 0x6a, 0xc3, 0xa2, 0xeb, 0x2c, 0xb2,
	0x0a, 0x13, 0x6f, 0x40, 0x45, 0x1b, 0xed, 0x9f, 0x7d, 0x89, 0x2e, 0x46,
	0x16, 0x0b, 0x5d, 0xdd, 0xa3, 0x64, 0x89, 0xfd, 0x8a, 0x6a, 0x7b, 0xd9,
	0x34, 0x77, 0x79, 0xe2, 0x6f, 0xeb, 0xf0, 0xae, 0x1d, 0x61, 0x32, 0x66,
	0x69, 0xce, 0xf7, 0xa7, 0xe1, 0x54, 0x45, 0xe6, 0x11, 0x94, 0x47, 0x4a,
	0xb3, 0x41, 0xef, 0x9f, 0xaf, 0x08, 0x0f, 0x9b, 0x01, 0x4d, 0x86, 0xd0,
	0x95, 0xa1, 0x67, 0xc6, 0x92, 0x33, 0x69, 0x54, 0x00, 0x2e, 0x98, 0xe7,
	0xe6, 0x1f, 0x01, 0x19, 0x74, 0xdb, 0xab, 0x65, 0x7e, 0x4b, 0xd4, 0xbf,
	0xc1, 0xfb, 0x3c, 0xb7, 0xb3, 0x19, 0xda, 0x40, 0x03, 0xd1, 0xb6, 0x47,
	0x18, 0x90, 0x4c, 0xed, 0xb7, 0xd3, 0xf2, 0xac, 0xda, 0xf0, 0x2d, 0x2a,
	0xb6, 0x31,
};
static const uint8_t kat_gcm128[] = {
	0x80, 0x00, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xca, 0xfe, 0xba, 0xbe,
	0xde, 0x81, 0x70, 0xba, 0x07, 0x43, 0x81, 0x4f, 0x33, 0x9d, 0x9a, 0x74,
	0xf7, 0x5a, 0x43, 0xa4, 0x62, 0x86, 0x57, 0x59, 0x95, 0x31, 0xc0, 0xf8,
	0x0b, 0x7a, 0x10, 0x07, 0x4e, 0x4c, 0xe3, 0x33, 0x38, 0x1c, 0x4e, 0x36,
	0x22, 0x02, 0x71, 0x84, 0xaf, 0x01, 0xab, 0xc5, 0xae, 0xee, 0x15, 0x50,
	0x4e, 0xec, 0x0f, 0x50, 0xad, 0xc2, 0x3d, 0x10, 0xfe, 0x1d, 0x6a, 0x06,
	0xa1, 0x2b, 0x66, 0xab, 0xad, 0x3d, 0x4f, 0xb1, 0x17, 0x57, 0x26, 0xb7,
	0xdd, 0x63, 0x1f, 0x48, 0xa4, 0xea, 0x66, 0x65, 0x36, 0x79, 0x50, 0xd8,
	0x05, 0x98, 0x2c, 0x62, 0x80, 0xee, 0x71, 0x9b, 0x01, 0xbf, 0x99, 0x97,
	0xf9, 0xef, 0xfa, 0x69, 0x14, 0x14, 0x10, 0x9a, 0xa6, 0x8a, 0x15, 0x6f,
	0xc7, 0x3c, 0xd8, 0x90, 0xe9, 0x9e, 0xb7, 0xd6, 0xb0, 0x2c, 0x14, 0xef,
	0x23, 0xf6, 0xeb, 0x55, 0xd0, 0x08, 0x1b, 0x96, 0x28, 0xc4, 0x65, 0xdb,
	0x03, 0x78, 0x31, 0x34, 0xfb, 0xa9, 0xb5, 0xf9, 0x19, 0xc2, 0x1a, 0x28,
	0x0c, 0xa1, 0x6f, 0x09, 0x9f, 0x67, 0xaf, 0x05, 0x7b, 0x49, 0xe0, 0x5f,
	0x95, 0xe2, 0x3b, 0xfd, 0x04, 0x74, 0x20, 0x8f, 0x76, 0xc2, 0x6a, 0x45,
	0x91, 0x8b, 0xf2, 0xbf, 0x15, 0x1c, 0xdd, 0xd2,
};

static void kat_one(const char *line, const uint8_t *want, size_t want_len)
{
	struct sdes_crypto c;
	struct tg_srtp *tx, *rx;
	uint8_t pkt[512], plain[172];
	size_t n = sizeof(plain);

	assert_int_equal(sdes_crypto_parse(&c, line, NULL, 0), 0);
	memcpy(plain, want, 12);
	for (size_t i = 0; i < 160; i++)
		plain[12 + i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(tg_srtp_new(&tx, &c, TG_SRTP_SEND), 0);
	assert_int_equal(tg_srtp_new(&rx, &c, TG_SRTP_RECV), 0);
	memcpy(pkt, plain, n);
	assert_int_equal(tg_srtp_protect(tx, pkt, &n, sizeof(pkt)), 0);
	assert_int_equal(n, want_len);
	assert_memory_equal(pkt, want, want_len);
	assert_int_equal(tg_srtp_unprotect(rx, pkt, &n), 0);
	assert_int_equal(n, sizeof(plain));
	assert_memory_equal(pkt, plain, sizeof(plain));
	tg_srtp_free(tx);
	tg_srtp_free(rx);
}

static void test_known_answers(void **state)
{
	(void)state;
	assert_int_equal(tg_srtp_init(), 0);
	/* the nettle types are what libsrtp2 runs (they passed its self-tests) */
	assert_non_null(strstr(tg_srtp_crypto_backend(), "nettle"));
	kat_one("1 AES_CM_128_HMAC_SHA1_80 inline:EBESExQVFhcYGRobHB0eH6ChoqOkpaanqKmqq6yt",
		kat_cm80, sizeof(kat_cm80));
	kat_one("1 AEAD_AES_128_GCM inline:EBESExQVFhcYGRobHB0eH6ChoqOkpaanqKmqqw==",
		kat_gcm128, sizeof(kat_gcm128));
}

static void test_negotiation(void **state)
{
	struct sdes_crypto offer[SDES_PREFS_MAX], peer[SDES_PREFS_MAX], ans, parsed;
	struct sdes_prefs all, gaps = { 2, { CFG_SUITE_AES_CM_128_HMAC_SHA1_80,
					     CFG_SUITE_AES_CM_128_HMAC_SHA1_32 } };
	struct sdes_prefs only_gcm = { 1, { CFG_SUITE_AEAD_AES_128_GCM } };
	char text[SDES_LINE_MAX];
	size_t n, chosen, matched;

	/* our default offer: 4 lines, tags 1..4, default order, distinct keys */
	sdes_prefs_default(&all);
	assert_int_equal(sdes_offer_build(offer, &n, 2, &all), -ENOSPC);
	assert_int_equal(sdes_offer_build(offer, &n, SDES_PREFS_MAX, &all), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(offer[i].tag, i + 1);
		assert_int_equal(offer[i].suite, all.s[i]);
		for (size_t j = 0; j < i; j++)
			assert_memory_not_equal(offer[i].key, offer[j].key, 28);
	}

	/* a peer's offer, in the reverse order: CM32, CM80, GCM128, GCM256 */
	for (size_t i = 0; i < 4; i++) {
		struct sdes_crypto g;
		assert_int_equal(sdes_crypto_generate(&g, 10 + i, all.s[3 - i]), 0);
		assert_true(sdes_crypto_emit(text, sizeof(text), &g) > 0);
		assert_int_equal(sdes_crypto_parse(&peer[i], text, NULL, 0), 0);
		sdes_crypto_clear(&g);
	}
	/* default preference: GCM256 (offered last) wins */
	assert_int_equal(sdes_answer_build(&chosen, &ans, peer, 4, &all), 0);
	assert_int_equal(chosen, 3);
	assert_int_equal(ans.tag, 13);
	assert_int_equal(ans.suite, CFG_SUITE_AEAD_AES_256_GCM);
	assert_memory_not_equal(ans.key, peer[3].key, ans.key_len);
	/* the answer checks out against the peer's offer, as the peer would see it */
	assert_true(sdes_crypto_emit(text, sizeof(text), &ans) > 0);
	assert_int_equal(sdes_crypto_parse(&parsed, text, NULL, 0), 0);
	assert_int_equal(sdes_answer_check(&matched, peer, 4, &parsed), 0);
	assert_int_equal(matched, 3);

	/* preference list with gaps (crypto 1 CM80, crypto 3 CM32) */
	assert_int_equal(sdes_answer_build(&chosen, &ans, peer, 4, &gaps), 0);
	assert_int_equal(chosen, 1);
	assert_int_equal(ans.tag, 11);
	assert_int_equal(ans.suite, CFG_SUITE_AES_CM_128_HMAC_SHA1_80);
	/* the preferred suite is skipped when its line is unusable */
	peer[1].flags |= SDES_F_UNSUPPORTED;
	assert_int_equal(sdes_answer_build(&chosen, &ans, peer, 4, &gaps), 0);
	assert_int_equal(chosen, 0);
	assert_int_equal(ans.suite, CFG_SUITE_AES_CM_128_HMAC_SHA1_32);

	/* no common suite */
	assert_int_equal(sdes_answer_build(&chosen, &ans, peer, 2, &only_gcm), -ENOENT);
	assert_int_equal(sdes_answer_build(&chosen, &ans, peer, 0, &all), -ENOENT);

	/* checking answers to our offer */
	assert_int_equal(sdes_crypto_generate(&ans, 3, CFG_SUITE_AES_CM_128_HMAC_SHA1_80), 0);
	assert_int_equal(sdes_answer_check(&matched, offer, n, &ans), 0);
	assert_int_equal(matched, 2);
	assert_int_equal(sdes_crypto_generate(&ans, 3, CFG_SUITE_AEAD_AES_128_GCM), 0);
	assert_int_equal(sdes_answer_check(&matched, offer, n, &ans), -EPROTO);
	assert_int_equal(sdes_crypto_generate(&ans, 9, CFG_SUITE_AEAD_AES_128_GCM), 0);
	assert_int_equal(sdes_answer_check(&matched, offer, n, &ans), -ENOENT);
	assert_int_equal(sdes_crypto_generate(&ans, 2, CFG_SUITE_AEAD_AES_128_GCM), 0);
	ans.flags = SDES_F_UNSUPPORTED;
	assert_int_equal(sdes_answer_check(&matched, offer, n, &ans), -EPROTO);

	/* a whole exchange: our send key is in our offer, theirs in the answer */
	struct tg_srtp *a_tx, *b_rx;
	uint8_t pkt[172 + TG_SRTP_MAX_OVERHEAD];
	size_t len = make_rtp(pkt, 1, 77);
	assert_int_equal(sdes_answer_build(&chosen, &ans, offer, n, &gaps), 0);
	assert_int_equal(chosen, 2);
	assert_int_equal(tg_srtp_new(&a_tx, &offer[chosen], TG_SRTP_SEND), 0);
	assert_int_equal(tg_srtp_new(&b_rx, &offer[chosen], TG_SRTP_RECV), 0);
	assert_int_equal(tg_srtp_protect(a_tx, pkt, &len, sizeof(pkt)), 0);
	assert_int_equal(tg_srtp_unprotect(b_rx, pkt, &len), 0);
	tg_srtp_free(a_tx);
	tg_srtp_free(b_rx);

	for (size_t i = 0; i < 4; i++) {
		sdes_crypto_clear(&offer[i]);
		sdes_crypto_clear(&peer[i]);
	}
	sdes_crypto_clear(&ans);
	sdes_crypto_clear(&parsed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite_table),
		cmocka_unit_test(test_roundtrip_all_suites),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_rtcp),
		cmocka_unit_test(test_buffer_and_direction),
		cmocka_unit_test(test_parse_emit),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_unknown_suite),
		cmocka_unit_test(test_keys_differ),
		cmocka_unit_test(test_prefs),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_known_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
