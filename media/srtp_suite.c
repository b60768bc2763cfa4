/* srtp_suite.c - SRTP suite table, SDES a=crypto parse/emit (RFC 4568,
 * RFC 7714 for the AEAD suites), key generation and offer/answer suite
 * negotiation (layer 3: formats; no I/O, no libsrtp2 calls, only its policy
 * setter addresses for the table).  Interface and rules: media/srtp.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <srtp2/srtp.h>

#include "media/srtp.h"

/* ---- suite table ---- */

static const struct tg_srtp_suite suites[CFG_SUITE_COUNT] = {
	[CFG_SUITE_AES_CM_128_HMAC_SHA1_80] = {
		CFG_SUITE_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80",
		SRTP_AES_128_KEY_LEN, SRTP_SALT_LEN, 10, 10, false,
		srtp_crypto_policy_set_rtp_default, srtp_crypto_policy_set_rtcp_default,
	},
	[CFG_SUITE_AES_CM_128_HMAC_SHA1_32] = {
		CFG_SUITE_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32",
		SRTP_AES_128_KEY_LEN, SRTP_SALT_LEN, 4, 10, false,
		/* RFC 4568 6.2.2: SRTCP keeps the 80-bit tag */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, srtp_crypto_policy_set_rtcp_default,
	},
	[CFG_SUITE_AEAD_AES_128_GCM] = {
		CFG_SUITE_AEAD_AES_128_GCM, "AEAD_AES_128_GCM",
		SRTP_AES_128_KEY_LEN, SRTP_AEAD_SALT_LEN, 16, 16, true,
		srtp_crypto_policy_set_aes_gcm_128_16_auth, srtp_crypto_policy_set_aes_gcm_128_16_auth,
	},
	[CFG_SUITE_AEAD_AES_256_GCM] = {
		CFG_SUITE_AEAD_AES_256_GCM, "AEAD_AES_256_GCM",
		SRTP_AES_256_KEY_LEN, SRTP_AEAD_SALT_LEN, 16, 16, true,
		srtp_crypto_policy_set_aes_gcm_256_16_auth, srtp_crypto_policy_set_aes_gcm_256_16_auth,
	},
};

_Static_assert(SRTP_AES_GCM_256_KEY_LEN_WSALT == SDES_KEYSALT_MAX, "SDES_KEYSALT_MAX");
_Static_assert(SRTP_MAX_MKI_LEN == SDES_MKI_LEN_MAX, "SDES_MKI_LEN_MAX");

const struct tg_srtp_suite *tg_srtp_suite_get(enum cfg_srtp_suite id)
{
	if ((int)id <= CFG_SUITE_NONE || id >= CFG_SUITE_COUNT)
		return NULL;
	return &suites[id];
}

enum cfg_srtp_suite tg_srtp_suite_by_name(const char *name, size_t len)
{
	for (int i = 1; i < CFG_SUITE_COUNT; i++)
		if (strlen(suites[i].name) == len && !strncasecmp(suites[i].name, name, len))
			return (enum cfg_srtp_suite)i;
	return CFG_SUITE_NONE;
}

size_t tg_srtp_suite_keysalt_len(enum cfg_srtp_suite id)
{
	const struct tg_srtp_suite *s = tg_srtp_suite_get(id);

	return s ? (size_t)s->key_len + s->salt_len : 0;
}

/* ---- base64 (RFC 4648, standard alphabet) ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode s[0..len) into out (room for cap bytes).  Padding is optional but
 * must be right when present.  Returns the decoded length or -EINVAL /
 * -E2BIG. */
static int b64_decode(uint8_t *out, size_t cap, const char *s, size_t len)
{
	size_t pad = 0, n = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	while (pad < 2 && len > 0 && s[len - 1] == '=') {
		len--;
		pad++;
	}
	if (len % 4 == 1 || (pad && (len + pad) % 4 != 0))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int v = b64val(s[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -E2BIG;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits && (acc & ((1u << bits) - 1)))  /* non-zero leftover bits */
		return -EINVAL;
	return (int)n;
}

/* Encode in[0..len) with padding; out must hold 4*ceil(len/3)+1 bytes. */
static void b64_encode(char *out, const uint8_t *in, size_t len)
{
	size_t i = 0, o = 0;

	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = b64chars[(v >> 6) & 63];
		out[o++] = b64chars[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* ---- parse ---- */

static int fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Decimal s[0..len), 1..maxdig digits, into *out (no overflow for maxdig <= 19). */
static bool parse_dec(const char *s, size_t len, size_t maxdig, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > maxdig)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* LIFETIME: "2^N" or decimal. */
static int parse_lifetime(uint64_t *out, const char *s, size_t len, char *err, size_t errsz)
{
	uint64_t v;

	if (len > 2 && s[0] == '2' && s[1] == '^') {
		if (!parse_dec(s + 2, len - 2, 2, &v) || v < 1 || v > 48)
			return fail(err, errsz, "bad lifetime '%.*s' (2^1 to 2^48)", (int)len, s);
		*out = UINT64_C(1) << v;
		return 0;
	}
	if (!parse_dec(s, len, 15, &v) || v < 1 || v > SDES_LIFETIME_MAX)
		return fail(err, errsz, "bad lifetime '%.*s' (1 to 2^48)", (int)len, s);
	*out = v;
	return 0;
}

/* MKI: "VALUE:LENGTH". */
static int parse_mki(uint64_t *mki, unsigned *mlen, const char *s, size_t len,
		     char *err, size_t errsz)
{
	const char *colon = memchr(s, ':', len);
	uint64_t v, l;

	if (!colon || !parse_dec(s, (size_t)(colon - s), 19, &v) ||
	    !parse_dec(colon + 1, len - (size_t)(colon - s) - 1, 3, &l))
		return fail(err, errsz, "bad MKI '%.*s' (VALUE:LENGTH)", (int)len, s);
	if (l < 1 || l > SDES_MKI_LEN_MAX)
		return fail(err, errsz, "bad MKI length %llu (1 to %d bytes)",
			    (unsigned long long)l, SDES_MKI_LEN_MAX);
	if (l < 8 && v >= (UINT64_C(1) << (8 * l)))
		return fail(err, errsz, "MKI value %llu does not fit in %llu bytes",
			    (unsigned long long)v, (unsigned long long)l);
	*mki = v;
	*mlen = (unsigned)l;
	return 0;
}

/* One key-param "inline:KEYSALT[|LIFETIME][|MKI:LEN]" into key/lifetime/MKI
 * of c (which already has its suite). */
static int parse_key(struct sdes_crypto *c, const char *s, size_t len, char *err, size_t errsz)
{
	size_t need = tg_srtp_suite_keysalt_len(c->suite);
	const char *end = s + len, *p, *bar;
	int n, rc;

	if (len < 7 || strncasecmp(s, "inline:", 7) != 0)
		return fail(err, errsz, "key method is not inline: '%.*s'", (int)len, s);
	p = s + 7;
	bar = memchr(p, '|', (size_t)(end - p));
	if (!bar)
		bar = end;
	n = b64_decode(c->key, sizeof(c->key), p, (size_t)(bar - p));
	if (n == -EINVAL)
		return fail(err, errsz, "key is not valid base64");
	if (n == -E2BIG || (size_t)n != need) {
		if (n == -E2BIG)
			return fail(err, errsz, "key is longer than %zu bytes, %s needs %zu",
				    sizeof(c->key), c->suite_name, need);
		return fail(err, errsz, "key is %d bytes, %s needs %zu", n, c->suite_name, need);
	}
	c->key_len = (size_t)n;
	c->lifetime = 0;
	c->mki = 0;
	c->mki_len = 0;
	for (p = bar; p < end; p = bar) {
		p++;                                  /* past '|' */
		bar = memchr(p, '|', (size_t)(end - p));
		if (!bar)
			bar = end;
		if (memchr(p, ':', (size_t)(bar - p))) {
			if (c->mki_len)
				return fail(err, errsz, "two MKI fields");
			rc = parse_mki(&c->mki, &c->mki_len, p, (size_t)(bar - p), err, errsz);
		} else {
			if (c->lifetime || c->mki_len)
				return fail(err, errsz, "lifetime '%.*s' out of place",
					    (int)(bar - p), p);
			rc = parse_lifetime(&c->lifetime, p, (size_t)(bar - p), err, errsz);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One session parameter: WSH sets the window, unsupported ones set a flag. */
static int parse_param(struct sdes_crypto *c, const char *s, size_t len, char *err, size_t errsz)
{
	uint64_t v;

#define IS(lit) (len == sizeof(lit) - 1 && !strncmp(s, lit, len))
#define HAS(lit) (len > sizeof(lit) - 1 && !strncmp(s, lit, sizeof(lit) - 1))
	if (HAS("WSH=")) {
		if (!parse_dec(s + 4, len - 4, 10, &v) || v < 64)
			return fail(err, errsz, "bad WSH '%.*s' (at least 64)", (int)len, s);
		c->window = v > SDES_WINDOW_MAX ? SDES_WINDOW_MAX : (unsigned)v;
	} else if (HAS("KDR=")) {
		if (!parse_dec(s + 4, len - 4, 2, &v) || v > 24)
			return fail(err, errsz, "bad KDR '%.*s' (0 to 24)", (int)len, s);
		if (v != 0)
			c->flags |= SDES_F_UNSUPPORTED;   /* libsrtp2 has no key derivation rate */
	} else if (IS("FEC_ORDER=FEC_SRTP") || IS("FEC_ORDER=SRTP_FEC")) {
		/* no FEC: nothing to order */
	} else {
		/* UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP, UNAUTHENTICATED_SRTP, FEC_KEY=,
		 * and anything unknown */
		c->flags |= SDES_F_UNSUPPORTED;
	}
#undef IS
#undef HAS
	return 0;
}

static const char *next_token(const char *p, const char *end, const char **tok_end)
{
	while (p < end && is_blank(*p))
		p++;
	*tok_end = p;
	while (*tok_end < end && !is_blank(**tok_end))
		(*tok_end)++;
	return p;
}

int sdes_crypto_parse(struct sdes_crypto *out, const char *value, char *err, size_t errsz)
{
	const char *p = value, *end, *t, *te;
	uint64_t tag;
	int rc = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (errsz > 0)
		err[0] = '\0';
	if (!value) {
		rc = fail(err, errsz, "empty crypto attribute");
		goto out;
	}
	end = value + strlen(value);
	while (end > p && is_blank(end[-1]))
		end--;
	while (p < end && is_blank(*p))
		p++;
	if ((size_t)(end - p) >= 9 && !strncasecmp(p, "a=crypto:", 9))
		p += 9;

	/* tag */
	t = next_token(p, end, &te);
	if (t == te) {
		rc = fail(err, errsz, "empty crypto attribute");
		goto out;
	}
	if (!parse_dec(t, (size_t)(te - t), 9, &tag)) {
		rc = fail(err, errsz, "bad tag '%.*s' (1 to 9 digits)", (int)(te - t), t);
		goto out;
	}
	out->tag = (unsigned long)tag;

	/* suite */
	t = next_token(te, end, &te);
	if (t == te) {
		rc = fail(err, errsz, "missing crypto suite");
		goto out;
	}
	if ((size_t)(te - t) >= sizeof(out->suite_name)) {
		rc = fail(err, errsz, "crypto suite name too long");
		goto out;
	}
	for (const char *q = t; q < te; q++) {
		if (!(is_digit(*q) || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
		      *q == '_')) {
			rc = fail(err, errsz, "bad character in crypto suite '%.*s'", (int)(te - t), t);
			goto out;
		}
	}
	out->suite = tg_srtp_suite_by_name(t, (size_t)(te - t));
	if (out->suite != CFG_SUITE_NONE)
		snprintf(out->suite_name, sizeof(out->suite_name), "%s", suites[out->suite].name);
	else
		snprintf(out->suite_name, sizeof(out->suite_name), "%.*s", (int)(te - t), t);

	/* key params */
	t = next_token(te, end, &te);
	if (t == te) {
		rc = fail(err, errsz, "missing key parameters");
		goto out;
	}
	if (out->suite == CFG_SUITE_NONE) {
		out->flags |= SDES_F_UNKNOWN_SUITE;     /* key format unknown: not checked */
		out->n_keys = 1;
	} else {
		struct sdes_crypto extra;
		const char *k = t, *semi;

		for (; k < te; k = semi + 1) {
			struct sdes_crypto *dst = out->n_keys == 0 ? out : &extra;

			semi = memchr(k, ';', (size_t)(te - k));
			if (!semi)
				semi = te;
			if (dst == &extra)
				extra = *out;
			rc = parse_key(dst, k, (size_t)(semi - k), err, errsz);
			if (dst == &extra)
				explicit_bzero(&extra, sizeof(extra));
			if (rc < 0)
				goto out;
			out->n_keys++;
			if (semi == te)
				break;
			if (semi + 1 == te) {
				rc = fail(err, errsz, "empty key parameter after ';'");
				goto out;
			}
		}
	}

	/* session params: kept verbatim, each one checked */
	t = next_token(te, end, &te);
	if (t < end) {
		if ((size_t)(end - t) >= sizeof(out->params)) {
			rc = fail(err, errsz, "session parameters too long");
			goto out;
		}
		memcpy(out->params, t, (size_t)(end - t));
		out->params[end - t] = '\0';
		for (; t < te; t = next_token(te, end, &te)) {
			rc = parse_param(out, t, (size_t)(te - t), err, errsz);
			if (rc < 0)
				goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		explicit_bzero(out, sizeof(*out));
	return rc;
}

/* ---- emit, generate ---- */

int sdes_crypto_emit(char *out, size_t outsz, const struct sdes_crypto *c)
{
	const struct tg_srtp_suite *s = tg_srtp_suite_get(c->suite);
	char b64[SDES_KEYSALT_MAX / 3 * 4 + 8];
	char life[32] = "", mki[40] = "";
	int n;

	if (!s || c->key_len != (size_t)s->key_len + s->salt_len || c->tag > SDES_TAG_MAX)
		return -EINVAL;
	b64_encode(b64, c->key, c->key_len);
	if (c->lifetime) {
		if ((c->lifetime & (c->lifetime - 1)) == 0)
			snprintf(life, sizeof(life), "|2^%d", __builtin_ctzll(c->lifetime));
		else
			snprintf(life, sizeof(life), "|%llu", (unsigned long long)c->lifetime);
	}
	if (c->mki_len)
		snprintf(mki, sizeof(mki), "|%llu:%u", (unsigned long long)c->mki, c->mki_len);
	n = snprintf(out, outsz, "%lu %s inline:%s%s%s%s%s", c->tag, s->name, b64, life, mki,
		     c->params[0] ? " " : "", c->params);
	explicit_bzero(b64, sizeof(b64));
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			explicit_bzero(out, outsz);
		return -ENOSPC;
	}
	return n;
}

int sdes_crypto_generate(struct sdes_crypto *out, unsigned long tag, enum cfg_srtp_suite suite)
{
	const struct tg_srtp_suite *s = tg_srtp_suite_get(suite);

	memset(out, 0, sizeof(*out));
	if (!s || tag > SDES_TAG_MAX)
		return -EINVAL;
	out->tag = tag;
	out->suite = suite;
	snprintf(out->suite_name, sizeof(out->suite_name), "%s", s->name);
	out->key_len = (size_t)s->key_len + s->salt_len;
	out->n_keys = 1;
	if (gnutls_rnd(GNUTLS_RND_KEY, out->key, out->key_len) < 0) {
		explicit_bzero(out, sizeof(*out));
		return -EIO;
	}
	return 0;
}

bool sdes_crypto_usable(const struct sdes_crypto *c)
{
	return c->flags == 0 && c->key_len != 0 && c->key_len == tg_srtp_suite_keysalt_len(c->suite);
}

void sdes_crypto_clear(struct sdes_crypto *c)
{
	if (c)
		explicit_bzero(c, sizeof(*c));
}

/* ---- preferences, offer, answer ---- */

void sdes_prefs_default(struct sdes_prefs *out)
{
	static const enum cfg_srtp_suite def[SDES_PREFS_MAX] = {
		CFG_SUITE_AEAD_AES_256_GCM, CFG_SUITE_AEAD_AES_128_GCM,
		CFG_SUITE_AES_CM_128_HMAC_SHA1_80, CFG_SUITE_AES_CM_128_HMAC_SHA1_32,
	};

	out->n = SDES_PREFS_MAX;
	memcpy(out->s, def, sizeof(def));
}

static bool prefs_has(const struct sdes_prefs *p, enum cfg_srtp_suite s)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->s[i] == s)
			return true;
	return false;
}

void sdes_prefs_from_class(struct sdes_prefs *out, const struct cfg_srtp_crypto *cls)
{
	unsigned last = 0;   /* preference numbers taken so far are <= last */

	out->n = 0;
	/* by preference number, without trusting the class to be sorted */
	while (cls && out->n < SDES_PREFS_MAX) {
		const struct cfg_srtp_crypto_entry *best = NULL;

		for (size_t i = 0; i < cls->e.n; i++) {
			const struct cfg_srtp_crypto_entry *e = &cls->e.v[i];
			if (e->pri > last && (!best || e->pri < best->pri))
				best = e;
		}
		if (!best)
			break;
		last = best->pri;
		if (tg_srtp_suite_get(best->suite) && !prefs_has(out, best->suite))
			out->s[out->n++] = best->suite;
	}
	if (out->n == 0)
		sdes_prefs_default(out);
}

int sdes_offer_build(struct sdes_crypto *out, size_t *n_out, size_t cap,
		     const struct sdes_prefs *prefs)
{
	int rc = 0;
	size_t i;

	*n_out = 0;
	if (prefs->n == 0)
		return -EINVAL;
	if (cap < prefs->n)
		return -ENOSPC;
	for (i = 0; i < prefs->n; i++) {
		rc = sdes_crypto_generate(&out[i], (unsigned long)(i + 1), prefs->s[i]);
		if (rc < 0)
			goto out;
	}
	*n_out = i;
out:
	if (rc < 0)
		for (size_t j = 0; j < i; j++)
			sdes_crypto_clear(&out[j]);
	return rc;
}

int sdes_answer_build(size_t *chosen, struct sdes_crypto *answer,
		      const struct sdes_crypto *offer, size_t n, const struct sdes_prefs *prefs)
{
	for (size_t p = 0; p < prefs->n; p++) {
		for (size_t i = 0; i < n; i++) {
			int rc;

			if (offer[i].suite != prefs->s[p] || !sdes_crypto_usable(&offer[i]))
				continue;
			rc = sdes_crypto_generate(answer, offer[i].tag, offer[i].suite);
			if (rc < 0)
				return rc;
			*chosen = i;
			return 0;
		}
	}
	return -ENOENT;
}

int sdes_answer_check(size_t *matched, const struct sdes_crypto *offer, size_t n,
		      const struct sdes_crypto *answer)
{
	for (size_t i = 0; i < n; i++) {
		if (offer[i].tag != answer->tag)
			continue;
		if (!sdes_crypto_usable(answer) || answer->suite != offer[i].suite)
			return -EPROTO;
		*matched = i;
		return 0;
	}
	return -ENOENT;
}
