/* srtp_crypto.c - the ciphers and the MAC under libsrtp2, on nettle.
 *
 * libsrtp2 keeps the SRTP protocol (key derivation, ROC and replay window,
 * SSRC streams, packet layout); it reaches its crypto through a "crypto
 * kernel" of cipher and auth types that can be replaced at run time
 * (srtp_replace_cipher_type / srtp_replace_auth_type, public since 2.0).
 * Debian builds libsrtp2 on NSS, which opens an NSS context for every cipher
 * and MAC it allocates and re-creates a PKCS#11 context for every packet: a
 * protect costs about 3 us with no other context alive and 30 us with 8,000
 * alive (docs/performance.md).  Here the same types are implemented on
 * nettle (GnuTLS's own crypto library, so no new dependency), which uses
 * AES-NI, PCLMULQDQ and SHA-NI when the CPU has them:
 *
 *   AES-ICM 128/192/256 (RFC 3711 4.1.1)  - nettle AES + counter mode
 *   AES-GCM 128/256     (RFC 7714)        - nettle GCM
 *   HMAC-SHA1           (RFC 3711 4.2.1)  - nettle HMAC
 *
 * Every type carries known-answer vectors (RFC 3711 B.2, the GCM
 * specification's test cases 4 and 16, RFC 2202 case 1), and libsrtp2 runs
 * them before it accepts the replacement, so a wrong implementation cannot be
 * installed silently.  The types follow libsrtp2's contracts exactly: ICM keys
 * carry the 14-byte salt, the counter is salt XOR IV; GCM keys carry the
 * 12-byte salt (ignored here: libsrtp2 forms the IV), AAD may arrive in
 * several pieces, decrypt takes the tag at the end of the buffer and shortens
 * the length by it.
 *
 * Threading: the types are immutable; each allocated state belongs to the one
 * srtp_t that allocated it (one thread at a time, as libsrtp2 requires).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/aes.h>
#include <nettle/ctr.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>

#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include "media/srtp.h"

/* Free one of the allocations below, keys wiped first. */
static void free_wiped(void *p, size_t n)
{
	if (p) {
		explicit_bzero(p, n);
		free(p);
	}
}

/* ---- AES-ICM ---- */

struct icm_state {
	union {
		struct aes128_ctx a128;
		struct aes192_ctx a192;
		struct aes256_ctx a256;
	} k;
	nettle_cipher_func *enc;
	const void *kctx;
	unsigned key_size;  /* 16, 24 or 32 */
	uint8_t offset[16]; /* salt, low 16 bits zero */
	uint8_t ctr[16];    /* next counter block */
	uint8_t ks[16];     /* keystream of a partly used block */
	unsigned ks_left;   /* unused bytes at the end of ks */
};

/* the allocation: libsrtp2's handle and our state in one block (owned by
 * the srtp_t that allocated it, freed by the dealloc function) */
struct icm_cipher {
	srtp_cipher_t c;
	struct icm_state st;
};

static const srtp_cipher_type_t icm128_type, icm192_type, icm256_type;

static srtp_err_status_t kicm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tlen)
{
	const srtp_cipher_type_t *t;
	struct icm_cipher *ic;
	int alg;

	(void)tlen;
	switch (key_len) {
	case SRTP_AES_ICM_128_KEY_LEN_WSALT: t = &icm128_type; alg = SRTP_AES_ICM_128; break;
	case SRTP_AES_ICM_192_KEY_LEN_WSALT: t = &icm192_type; alg = SRTP_AES_ICM_192; break;
	case SRTP_AES_ICM_256_KEY_LEN_WSALT: t = &icm256_type; alg = SRTP_AES_ICM_256; break;
	default: return srtp_err_status_bad_param;
	}
	ic = calloc(1, sizeof(*ic));
	if (!ic)
		return srtp_err_status_alloc_fail;
	ic->c.type = t;
	ic->c.state = &ic->st;
	ic->c.key_len = key_len;
	ic->c.algorithm = alg;
	ic->st.key_size = (unsigned)key_len - SRTP_SALT_LEN;
	*cp = &ic->c;
	return srtp_err_status_ok;
}

static srtp_err_status_t kicm_dealloc(srtp_cipher_pointer_t cp)
{
	free_wiped(cp, sizeof(struct icm_cipher));   /* cp is the first member */
	return srtp_err_status_ok;
}

static srtp_err_status_t kicm_init(void *state, const uint8_t *key)
{
	struct icm_state *s = state;

	switch (s->key_size) {
	case 16:
		aes128_set_encrypt_key(&s->k.a128, key);
		s->enc = (nettle_cipher_func *)aes128_encrypt;
		break;
	case 24:
		aes192_set_encrypt_key(&s->k.a192, key);
		s->enc = (nettle_cipher_func *)aes192_encrypt;
		break;
	case 32:
		aes256_set_encrypt_key(&s->k.a256, key);
		s->enc = (nettle_cipher_func *)aes256_encrypt;
		break;
	default:
		return srtp_err_status_bad_param;
	}
	s->kctx = &s->k;
	memset(s->offset, 0, sizeof(s->offset));
	memcpy(s->offset, key + s->key_size, SRTP_SALT_LEN);
	memcpy(s->ctr, s->offset, sizeof(s->ctr));
	s->ks_left = 0;
	return srtp_err_status_ok;
}

static srtp_err_status_t kicm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct icm_state *s = state;

	(void)dir;
	for (int i = 0; i < 16; i++)
		s->ctr[i] = s->offset[i] ^ iv[i];
	s->ks_left = 0;
	return srtp_err_status_ok;
}

/* XOR the keystream into buf; encryption and decryption are the same.  The
 * keystream continues across calls made after one set_iv. */
static srtp_err_status_t kicm_crypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct icm_state *s = state;
	size_t n = *len, full;

	if (!s->enc)
		return srtp_err_status_bad_param;
	/* RFC 3711 4.1.1: at most 2^16 blocks under one IV */
	if (n > (size_t)0xffff * 16)
		return srtp_err_status_terminus;
	while (n && s->ks_left) {
		*buf++ ^= s->ks[16 - s->ks_left--];
		n--;
	}
	full = n & ~(size_t)15;
	if (full) {
		ctr_crypt(s->kctx, s->enc, 16, s->ctr, full, buf, buf);
		buf += full;
		n -= full;
	}
	if (n) {
		memset(s->ks, 0, sizeof(s->ks));
		ctr_crypt(s->kctx, s->enc, 16, s->ctr, 16, s->ks, s->ks);
		for (size_t i = 0; i < n; i++)
			buf[i] ^= s->ks[i];
		s->ks_left = 16 - (unsigned)n;
	}
	return srtp_err_status_ok;
}

/* ---- AES-GCM ---- */

struct gcm_state {
	union {
		struct gcm_aes128_ctx g128;
		struct gcm_aes256_ctx g256;
	} g;
	unsigned key_size; /* 16 or 32 */
	unsigned tag_len;  /* 8 or 16 */
	uint8_t aad[16];   /* AAD bytes not yet given to nettle (less than a block) */
	unsigned aad_n;
};

struct gcm_cipher {
	srtp_cipher_t c;
	struct gcm_state st;
};

static const srtp_cipher_type_t gcm128_type, gcm256_type;

static srtp_err_status_t kgcm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tlen)
{
	const srtp_cipher_type_t *t;
	struct gcm_cipher *gc;
	int alg;

	switch (key_len) {
	case SRTP_AES_GCM_128_KEY_LEN_WSALT: t = &gcm128_type; alg = SRTP_AES_GCM_128; break;
	case SRTP_AES_GCM_256_KEY_LEN_WSALT: t = &gcm256_type; alg = SRTP_AES_GCM_256; break;
	default: return srtp_err_status_bad_param;
	}
	if (tlen != 8 && tlen != 16)
		return srtp_err_status_bad_param;
	gc = calloc(1, sizeof(*gc));
	if (!gc)
		return srtp_err_status_alloc_fail;
	gc->c.type = t;
	gc->c.state = &gc->st;
	gc->c.key_len = key_len;
	gc->c.algorithm = alg;
	gc->st.key_size = (unsigned)key_len - SRTP_AEAD_SALT_LEN;
	gc->st.tag_len = (unsigned)tlen;
	*cp = &gc->c;
	return srtp_err_status_ok;
}

static srtp_err_status_t kgcm_dealloc(srtp_cipher_pointer_t cp)
{
	free_wiped(cp, sizeof(struct gcm_cipher));   /* cp is the first member */
	return srtp_err_status_ok;
}

static srtp_err_status_t kgcm_init(void *state, const uint8_t *key)
{
	struct gcm_state *s = state;

	if (s->key_size == 16)
		gcm_aes128_set_key(&s->g.g128, key);
	else
		gcm_aes256_set_key(&s->g.g256, key);
	s->aad_n = 0;
	return srtp_err_status_ok;
}

static srtp_err_status_t kgcm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct gcm_state *s = state;

	(void)dir;
	if (s->key_size == 16)
		gcm_aes128_set_iv(&s->g.g128, GCM_IV_SIZE, iv);
	else
		gcm_aes256_set_iv(&s->g.g256, GCM_IV_SIZE, iv);
	s->aad_n = 0;
	return srtp_err_status_ok;
}

static void kgcm_aad_feed(struct gcm_state *s, size_t n, const uint8_t *p)
{
	if (s->key_size == 16)
		gcm_aes128_update(&s->g.g128, n, p);
	else
		gcm_aes256_update(&s->g.g256, n, p);
}

/* nettle wants every AAD piece but the last to be whole blocks; libsrtp2
 * gives SRTCP's AAD in two pieces (header, then E flag and index) */
static srtp_err_status_t kgcm_set_aad(void *state, const uint8_t *aad, uint32_t len)
{
	struct gcm_state *s = state;
	size_t n = len, full;

	if (s->aad_n) {
		size_t take = 16 - s->aad_n < n ? 16 - s->aad_n : n;
		memcpy(s->aad + s->aad_n, aad, take);
		s->aad_n += (unsigned)take;
		aad += take;
		n -= take;
		if (s->aad_n < 16)
			return srtp_err_status_ok;
		kgcm_aad_feed(s, 16, s->aad);
		s->aad_n = 0;
	}
	full = n & ~(size_t)15;
	if (full)
		kgcm_aad_feed(s, full, aad);
	memcpy(s->aad, aad + full, n - full);
	s->aad_n = (unsigned)(n - full);
	return srtp_err_status_ok;
}

static void kgcm_aad_flush(struct gcm_state *s)
{
	if (s->aad_n) {
		kgcm_aad_feed(s, s->aad_n, s->aad);
		s->aad_n = 0;
	}
}

static srtp_err_status_t kgcm_encrypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct gcm_state *s = state;

	kgcm_aad_flush(s);
	if (s->key_size == 16)
		gcm_aes128_encrypt(&s->g.g128, *len, buf, buf);
	else
		gcm_aes256_encrypt(&s->g.g256, *len, buf, buf);
	return srtp_err_status_ok;
}

static srtp_err_status_t kgcm_get_tag(void *state, uint8_t *tag, uint32_t *len)
{
	struct gcm_state *s = state;

	if (s->key_size == 16)
		gcm_aes128_digest(&s->g.g128, s->tag_len, tag);
	else
		gcm_aes256_digest(&s->g.g256, s->tag_len, tag);
	*len = s->tag_len;
	return srtp_err_status_ok;
}

/* buf holds ciphertext then tag; on success *len loses the tag */
static srtp_err_status_t kgcm_decrypt(void *state, uint8_t *buf, unsigned int *len)
{
	struct gcm_state *s = state;
	uint8_t tag[GCM_DIGEST_SIZE];
	unsigned n;

	if (*len < s->tag_len)
		return srtp_err_status_bad_param;
	n = *len - s->tag_len;
	kgcm_aad_flush(s);
	if (s->key_size == 16) {
		gcm_aes128_decrypt(&s->g.g128, n, buf, buf);
		gcm_aes128_digest(&s->g.g128, s->tag_len, tag);
	} else {
		gcm_aes256_decrypt(&s->g.g256, n, buf, buf);
		gcm_aes256_digest(&s->g.g256, s->tag_len, tag);
	}
	if (!memeql_sec(tag, buf + n, s->tag_len))
		return srtp_err_status_auth_fail;
	*len = n;
	return srtp_err_status_ok;
}

/* ---- HMAC-SHA1 ---- */

struct hmac_state {
	struct hmac_sha1_ctx ctx;  /* ready for a message, or inside one */
	struct hmac_sha1_ctx base; /* as after the key was set */
	int dirty;                 /* ctx has data since the last digest */
};

struct hmac_auth {
	srtp_auth_t a;
	struct hmac_state st;
};

static const srtp_auth_type_t hmac_type;

static srtp_err_status_t khmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len)
{
	struct hmac_auth *ha;

	if (key_len < 0 || key_len > SHA1_DIGEST_SIZE || out_len < 0 ||
	    out_len > SHA1_DIGEST_SIZE)
		return srtp_err_status_bad_param;
	ha = calloc(1, sizeof(*ha));
	if (!ha)
		return srtp_err_status_alloc_fail;
	ha->a.type = &hmac_type;
	ha->a.state = &ha->st;
	ha->a.out_len = out_len;
	ha->a.key_len = key_len;
	ha->a.prefix_len = 0;
	*ap = &ha->a;
	return srtp_err_status_ok;
}

static srtp_err_status_t khmac_dealloc(srtp_auth_pointer_t ap)
{
	free_wiped(ap, sizeof(struct hmac_auth));   /* ap is the first member */
	return srtp_err_status_ok;
}

static srtp_err_status_t khmac_init(void *state, const uint8_t *key, int key_len)
{
	struct hmac_state *s = state;

	if (key_len < 0 || key_len > SHA1_DIGEST_SIZE)
		return srtp_err_status_bad_param;
	hmac_sha1_set_key(&s->ctx, (size_t)key_len, key);
	s->base = s->ctx;
	s->dirty = 0;
	return srtp_err_status_ok;
}

static srtp_err_status_t khmac_start(void *state)
{
	struct hmac_state *s = state;

	if (s->dirty) {
		s->ctx = s->base;
		s->dirty = 0;
	}
	return srtp_err_status_ok;
}

static srtp_err_status_t khmac_update(void *state, const uint8_t *buf, int len)
{
	struct hmac_state *s = state;

	if (len < 0)
		return srtp_err_status_bad_param;
	hmac_sha1_update(&s->ctx, (size_t)len, buf);
	s->dirty = 1;
	return srtp_err_status_ok;
}

/* nettle's digest leaves the context ready for the next message */
static srtp_err_status_t khmac_compute(void *state, const uint8_t *buf, int len, int tag_len,
				     uint8_t *tag)
{
	struct hmac_state *s = state;

	if (len < 0 || tag_len < 0 || tag_len > SHA1_DIGEST_SIZE)
		return srtp_err_status_bad_param;
	hmac_sha1_update(&s->ctx, (size_t)len, buf);
	hmac_sha1_digest(&s->ctx, (size_t)tag_len, tag);
	s->dirty = 0;
	return srtp_err_status_ok;
}

/* ---- known-answer vectors, checked by libsrtp2 when a type is installed ---- */

/* RFC 3711 appendix B.2: session key and salt, first three keystream blocks */
static const uint8_t icm_key[30] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf,
	0x4f, 0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
	0xfc, 0xfd,
};
static uint8_t icm_idx[16];
static const uint8_t icm_zero[48];
static const uint8_t icm_ks[48] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b,
	0x4e, 0xb4, 0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe,
	0x4a, 0x5f, 0x97, 0xab, 0x41, 0xe9, 0x5b, 0x3b, 0xb0, 0xa2, 0xe8, 0xdd, 0x47, 0x79,
	0x01, 0xe4, 0xfc, 0xa8, 0x94, 0xc0,
};
static const srtp_cipher_test_case_t icm128_test = {
	30, icm_key, icm_idx, 48, icm_zero, 48, icm_ks, 0, NULL, 0, NULL,
};

/* AES-192/256 (RFC 6188 section 7): key and salt, and the first two
 * keystream blocks for IV 0 (also checked with `openssl enc -aes-192-ctr` and
 * `-aes-256-ctr` on zeros). */
static const uint8_t icm192_key[38] = {
	0xea, 0xb2, 0x34, 0x76, 0x4e, 0x51, 0x7b, 0x2d, 0x3d, 0x16, 0x0d, 0x58, 0x7d, 0x8c,
	0x86, 0x21, 0x97, 0x40, 0xf6, 0x5f, 0x99, 0xb6, 0xbc, 0xf7, 0xf0, 0xf1, 0xf2, 0xf3,
	0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t icm192_ks[32] = {
	0x35, 0x09, 0x6c, 0xba, 0x46, 0x10, 0x02, 0x8d, 0xc1, 0xb5, 0x75, 0x03, 0x80, 0x4c,
	0xe3, 0x7c, 0x5d, 0xe9, 0x86, 0x29, 0x1d, 0xcc, 0xe1, 0x61, 0xd5, 0x16, 0x5e, 0xc4,
	0x56, 0x8f, 0x5c, 0x9a,
};
static const srtp_cipher_test_case_t icm192_test = {
	38, icm192_key, icm_idx, 32, icm_zero, 32, icm192_ks, 0, NULL, 0, NULL,
};
static const uint8_t icm256_key[46] = {
	0x57, 0xf8, 0x2f, 0xe3, 0x61, 0x3f, 0xd1, 0x70, 0xa8, 0x5e, 0xc9, 0x3c, 0x40, 0xb1,
	0xf0, 0x92, 0x2e, 0xc4, 0xcb, 0x0d, 0xc0, 0x25, 0xb5, 0x82, 0x72, 0x14, 0x7c, 0xc4,
	0x38, 0x94, 0x4a, 0x98, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
	0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t icm256_ks[32] = {
	0x92, 0xbd, 0xd2, 0x8a, 0x93, 0xc3, 0xf5, 0x25, 0x11, 0xc6, 0x77, 0xd0, 0x8b, 0x55,
	0x15, 0xa4, 0x9d, 0xa7, 0x1b, 0x23, 0x78, 0xa8, 0x54, 0xf6, 0x70, 0x50, 0x75, 0x6d,
	0xed, 0x16, 0x5b, 0xac,
};
static const srtp_cipher_test_case_t icm256_test = {
	46, icm256_key, icm_idx, 32, icm_zero, 32, icm256_ks, 0, NULL, 0, NULL,
};

/* The GCM specification (McGrew and Viega), test cases 4 (AES-128) and 16
 * (AES-256): key (plus 12 salt bytes libsrtp2's key layout carries), IV,
 * AAD, plaintext, ciphertext followed by the 16-byte tag. */
static const uint8_t gcm_key128[28] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30,
	0x83, 0x08,
};
static const uint8_t gcm_key256[44] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30,
	0x83, 0x08, 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94,
	0x67, 0x30, 0x83, 0x08,
};
static uint8_t gcm_iv[12] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88,
};
static const uint8_t gcm_aad[20] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad,
	0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2,
};
static const uint8_t gcm_pt[60] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5,
	0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c, 0x30, 0x3d,
	0x8a, 0x31, 0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf,
	0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25, 0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57,
	0xba, 0x63, 0x7b, 0x39,
};
static const uint8_t gcm_ct128[76] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0,
	0xd4, 0x9c, 0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0, 0x35, 0xc1, 0x7e, 0x23,
	0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f,
	0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05, 0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97,
	0x3d, 0x58, 0xe0, 0x91, 0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa,
	0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47,
};
static const uint8_t gcm_ct256[76] = {
	0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07, 0xf4, 0x7f, 0x37, 0xa3, 0x2a, 0x84,
	0x42, 0x7d, 0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9, 0x75, 0x98, 0xa2, 0xbd,
	0x25, 0x55, 0xd1, 0xaa, 0x8c, 0xb0, 0x8e, 0x48, 0x59, 0x0d, 0xbb, 0x3d, 0xa7, 0xb0,
	0x8b, 0x10, 0x56, 0x82, 0x88, 0x38, 0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a,
	0xbc, 0xc9, 0xf6, 0x62, 0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf,
	0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b,
};
static const srtp_cipher_test_case_t gcm128_test = {
	28, gcm_key128, gcm_iv, 60, gcm_pt, 76, gcm_ct128, 20, gcm_aad, 16, NULL,
};
static const srtp_cipher_test_case_t gcm256_test = {
	44, gcm_key256, gcm_iv, 60, gcm_pt, 76, gcm_ct256, 20, gcm_aad, 16, NULL,
};

/* RFC 2202 test case 1, truncated to SRTP's 80-bit tag */
static const uint8_t hmac_key[20] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t hmac_data[8] = { 'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e' };
static const uint8_t hmac_tag[10] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
};
static const srtp_auth_test_case_t hmac_test = {
	20, hmac_key, 8, hmac_data, 10, hmac_tag, NULL,
};

/* ---- the types ---- */

#define ICM_TYPE(name, desc, test, id)                                                   \
	static const srtp_cipher_type_t name = {                                         \
		kicm_alloc, kicm_dealloc, kicm_init, NULL, kicm_crypt, kicm_crypt,            \
		kicm_set_iv, NULL, desc, test, id,                                        \
	}
ICM_TYPE(icm128_type, "AES-128 counter mode (nettle)", &icm128_test, SRTP_AES_ICM_128);
ICM_TYPE(icm192_type, "AES-192 counter mode (nettle)", &icm192_test, SRTP_AES_ICM_192);
ICM_TYPE(icm256_type, "AES-256 counter mode (nettle)", &icm256_test, SRTP_AES_ICM_256);

#define GCM_TYPE(name, desc, test, id)                                                   \
	static const srtp_cipher_type_t name = {                                         \
		kgcm_alloc, kgcm_dealloc, kgcm_init, kgcm_set_aad, kgcm_encrypt, kgcm_decrypt, \
		kgcm_set_iv, kgcm_get_tag, desc, test, id,                                 \
	}
GCM_TYPE(gcm128_type, "AES-128 GCM (nettle)", &gcm128_test, SRTP_AES_GCM_128);
GCM_TYPE(gcm256_type, "AES-256 GCM (nettle)", &gcm256_test, SRTP_AES_GCM_256);

static const srtp_auth_type_t hmac_type = {
	khmac_alloc, khmac_dealloc, khmac_init, khmac_compute, khmac_update, khmac_start,
	"HMAC-SHA1 (nettle)", &hmac_test, SRTP_HMAC_SHA1,
};

static const char *backend = "libsrtp2 built-in";

int tg_srtp_crypto_install(void)
{
	static const srtp_cipher_type_t *ciphers[] = {
		&icm128_type, &icm192_type, &icm256_type, &gcm128_type, &gcm256_type,
	};

	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (srtp_replace_cipher_type(ciphers[i], ciphers[i]->id) != srtp_err_status_ok)
			return -EIO;
	if (srtp_replace_auth_type(&hmac_type, SRTP_HMAC_SHA1) != srtp_err_status_ok)
		return -EIO;
	backend = "nettle (AES-ICM, AES-GCM, HMAC-SHA1 under libsrtp2)";
	return 0;
}

const char *tg_srtp_crypto_backend(void)
{
	return backend;
}
