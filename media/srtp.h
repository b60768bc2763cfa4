/* srtp.h - SRTP for the media relay: the suite table, SDES key exchange
 * (RFC 4568 a=crypto) and per-direction libsrtp2 contexts.
 *
 * Two files implement it, in two layers:
 *   media/srtp_suite.c (layer 3, formats, no I/O): the suite table, a=crypto
 *     parse and emit, key generation (gnutls_rnd), preference lists and the
 *     offer/answer helpers.
 *   media/srtp.c (layer 4, transport): struct tg_srtp, one libsrtp2 srtp_t for
 *     one direction of one leg, and the packet functions.
 *
 * Names: libsrtp2 owns the srtp_ prefix, so this module uses tg_srtp_ (suites,
 * contexts) and sdes_ (a=crypto and negotiation).  A suite is identified by
 * enum cfg_srtp_suite from core/config.h (CFG_SUITE_NONE = unknown).
 *
 * Suites (RFC 4568 6.2, RFC 7714 14.2):
 *   suite                     key+salt  RTP tag  RTCP tag  libsrtp2 setters (RTP / RTCP)
 *   AES_CM_128_HMAC_SHA1_80   16+14=30  10       10        rtp_default / rtcp_default
 *   AES_CM_128_HMAC_SHA1_32   16+14=30   4       10        aes_cm_128_hmac_sha1_32 / rtcp_default
 *   AEAD_AES_128_GCM          16+12=28  16       16        aes_gcm_128_16_auth (both)
 *   AEAD_AES_256_GCM          32+12=44  16       16        aes_gcm_256_16_auth (both)
 * (RFC 4568: SRTCP always uses the 80-bit tag with the _32 suite.)
 * Default preference when no `voice class srtp-crypto` applies (cube-cli.md
 * 4.6): AEAD_AES_256_GCM, AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80,
 * AES_CM_128_HMAC_SHA1_32.
 *
 * SDES key direction: the key in a side's a=crypto is the key THAT side uses
 * to encrypt what it sends.  So our own line (offer or answer) makes the
 * TG_SRTP_SEND context, the peer's line makes the TG_SRTP_RECV context.
 *
 * a=crypto grammar accepted (RFC 4568 9.1, value after "a=crypto:"):
 *   TAG SP SUITE SP inline:KEYSALT[|LIFETIME][|MKI:LEN][;inline:...] *(SP PARAM)
 *   TAG       0-999999999 (1 to 9 digits)
 *   KEYSALT   base64 (padding optional), decoding to exactly the suite's key+salt
 *   LIFETIME  "2^N" (1 <= N <= 48) or a decimal number 1..2^48
 *   MKI:LEN   MKI value (decimal) : length in bytes 1..128 (SRTP_MAX_MKI_LEN);
 *             the value must fit in LEN bytes
 *   several inline keys: all are checked, only the first is kept (n_keys
 *   tells how many there were); Tollgate never rotates to the others, so a
 *   peer that switches MKI mid-call gets its packets rejected (bad MKI).
 *   session params: kept verbatim in `params`; WSH=N (N >= 64) sets the replay
 *   window; KDR=0 and FEC_ORDER=... are accepted; KDR != 0, UNENCRYPTED_SRTP,
 *   UNENCRYPTED_SRTCP, UNAUTHENTICATED_SRTP, FEC_KEY and unknown parameters
 *   set SDES_F_UNSUPPORTED (RFC 4568 6.3: an answerer must not accept a line
 *   whose parameters it does not understand).
 *   An unknown suite is not an error: the line parses with suite
 *   CFG_SUITE_NONE, its name kept in suite_name, SDES_F_UNKNOWN_SUITE set and
 *   the key parameters left unchecked (pass-thru relays such lines untouched).
 *
 * Packets: tg_srtp_protect*() work in place.  The caller's buffer holds the
 * packet in its first *len bytes and has cap bytes in all; protection appends
 * at most tg_srtp_overhead() bytes (auth tag + MKI, plus the 4-byte SRTCP
 * index for RTCP), never more than TG_SRTP_MAX_OVERHEAD (148 = 16-byte tag +
 * 128-byte MKI + 4).  With the four suites and no MKI the overhead is at most
 * 16 bytes (RTP) and 20 bytes (RTCP).  Unprotect shrinks *len.  On an error
 * *len is unchanged and the buffer's content is unspecified (drop it).
 *
 * Errors: 0 or a negative errno.  The packet functions return, so that the
 * relay can count them (they are also counted in tg_srtp_stats):
 *   TG_SRTP_E_AUTH    (-EBADMSG)  authentication tag did not verify
 *   TG_SRTP_E_REPLAY  (-EALREADY) packet index already seen (replay)
 *   TG_SRTP_E_OLD     (-ESTALE)   packet index older than the replay window
 *   TG_SRTP_E_BADMKI  (-ENOKEY)   the packet's MKI is not ours
 *   -ENOBUFS  no room for the trailer;  -EINVAL  malformed packet;
 *   -EKEYEXPIRED  key used up (2^48 packets);  -EIO  other libsrtp2 failure.
 * tg_srtp_is_replay() is true for TG_SRTP_E_REPLAY and TG_SRTP_E_OLD.
 *
 * Threads: the suite table and the parse/emit/negotiation functions are
 * reentrant.  A struct tg_srtp belongs to one thread (the relay): no locks.
 * tg_srtp_init() may be called from any thread, any number of times.
 *
 * Ownership: struct sdes_crypto and struct sdes_prefs are plain values owned
 * by the caller; sdes_crypto holds key material, wipe it with
 * sdes_crypto_clear() when done.  tg_srtp_new() returns a heap object owned by
 * the caller, released with tg_srtp_free() (which wipes the keys); it keeps no
 * pointer to the sdes_crypto it was made from.
 */
#ifndef TOLLGATE_MEDIA_SRTP_H
#define TOLLGATE_MEDIA_SRTP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

struct srtp_crypto_policy_t; /* libsrtp2's srtp_crypto_policy_t */

/* ---- suite table (srtp_suite.c) ---- */

#define SDES_KEYSALT_MAX 44  /* bytes of key||salt, AEAD_AES_256_GCM */
#define SDES_MKI_LEN_MAX 128 /* bytes of MKI (RFC 4568, SRTP_MAX_MKI_LEN) */
#define SDES_LIFETIME_MAX (UINT64_C(1) << 48)
#define SDES_WINDOW_DEFAULT 128 /* replay window when WSH is absent */
#define SDES_WINDOW_MAX 32704   /* libsrtp2 limit (< 2^15), WSH above is clamped */

struct tg_srtp_suite {
	enum cfg_srtp_suite id;
	const char *name;         /* RFC 4568 / RFC 7714 name */
	uint8_t key_len;          /* master key bytes */
	uint8_t salt_len;         /* master salt bytes */
	uint8_t rtp_tag_len;      /* SRTP auth tag bytes */
	uint8_t rtcp_tag_len;     /* SRTCP auth tag bytes */
	bool aead;
	void (*set_rtp)(struct srtp_crypto_policy_t *p);   /* srtp_crypto_policy_set_* */
	void (*set_rtcp)(struct srtp_crypto_policy_t *p);
};

/* The table entry for a suite, NULL for CFG_SUITE_NONE or out of range. */
const struct tg_srtp_suite *tg_srtp_suite_get(enum cfg_srtp_suite id);

/* The suite with this RFC name (case-insensitive), CFG_SUITE_NONE if none. */
enum cfg_srtp_suite tg_srtp_suite_by_name(const char *name, size_t len);

/* key_len + salt_len, 0 for an unknown suite. */
size_t tg_srtp_suite_keysalt_len(enum cfg_srtp_suite id);

/* ---- SDES a=crypto (srtp_suite.c) ---- */

#define SDES_TAG_MAX 999999999UL
#define SDES_SUITE_NAME_MAX 64  /* with NUL */
#define SDES_PARAMS_MAX 192     /* session parameters, with NUL */
#define SDES_LINE_MAX 320       /* an emitted value, with NUL */

#define SDES_F_UNKNOWN_SUITE 0x1u /* suite not in the table */
#define SDES_F_UNSUPPORTED   0x2u /* a session parameter Tollgate cannot honour */

struct sdes_crypto {
	unsigned long tag;
	enum cfg_srtp_suite suite;            /* CFG_SUITE_NONE when unknown */
	char suite_name[SDES_SUITE_NAME_MAX]; /* as written (canonical when known) */
	unsigned flags;                       /* SDES_F_* */
	uint8_t key[SDES_KEYSALT_MAX];        /* master key || master salt */
	size_t key_len;                       /* 0 when the suite is unknown */
	uint64_t lifetime;                    /* packets; 0 = not given */
	uint64_t mki;                         /* MKI value */
	unsigned mki_len;                     /* bytes; 0 = no MKI */
	unsigned n_keys;                      /* inline keys in the line (>= 1) */
	unsigned window;                      /* replay window (WSH), 0 = default */
	char params[SDES_PARAMS_MAX];         /* session parameters, verbatim */
};

/* Parse an a=crypto value (an optional leading "a=crypto:" is skipped,
 * trailing CR/LF/blanks are ignored).  0 with *out filled (an unknown suite
 * is 0 with SDES_F_UNKNOWN_SUITE); -EINVAL with a one-line reason in err
 * (when errsz > 0), e.g. "key is 20 bytes, AES_CM_128_HMAC_SHA1_80 needs 30".
 * *out is wiped on error. */
int sdes_crypto_parse(struct sdes_crypto *out, const char *value, char *err, size_t errsz);

/* Write the a=crypto value (without "a=crypto:") of a known-suite line, with
 * its first key, lifetime (as 2^N when a power of two), MKI and params.
 * Returns the length written (excluding NUL), -ENOSPC, or -EINVAL for an
 * unknown suite or a key of the wrong length. */
int sdes_crypto_emit(char *out, size_t outsz, const struct sdes_crypto *c);

/* A fresh line: tag, suite, key from gnutls_rnd(GNUTLS_RND_KEY), no lifetime,
 * no MKI, no params.  0, -EINVAL (unknown suite, tag too large), -EIO. */
int sdes_crypto_generate(struct sdes_crypto *out, unsigned long tag, enum cfg_srtp_suite suite);

/* Known suite, key of the right length, no SDES_F_* flag. */
bool sdes_crypto_usable(const struct sdes_crypto *c);

/* Wipe the key material (explicit_bzero of the whole struct). */
void sdes_crypto_clear(struct sdes_crypto *c);

/* ---- preferences and negotiation (srtp_suite.c) ---- */

#define SDES_PREFS_MAX (CFG_SUITE_COUNT - 1)

/* Suites in preference order, best first, no duplicates. */
struct sdes_prefs {
	size_t n;
	enum cfg_srtp_suite s[SDES_PREFS_MAX];
};

/* AEAD_AES_256_GCM, AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80, _32. */
void sdes_prefs_default(struct sdes_prefs *out);

/* The order of a `voice class srtp-crypto` (entries by preference number,
 * gaps skipped, a suite listed twice kept at its best place).  A NULL or empty
 * class gives the default order. */
void sdes_prefs_from_class(struct sdes_prefs *out, const struct cfg_srtp_crypto *cls);

/* Our offer: one line per preferred suite, in order, tags 1..n, fresh keys.
 * out has room for cap lines; *n_out lines are written.  0, -ENOSPC (cap <
 * prefs->n), -EINVAL (empty prefs), -EIO (random generator). */
int sdes_offer_build(struct sdes_crypto *out, size_t *n_out, size_t cap,
		     const struct sdes_prefs *prefs);

/* Answer a peer's offer (offer[0..n-1], parsed lines): choose the usable
 * offered line whose suite has our highest preference (first in offer order
 * among equal suites).  *chosen is its index in offer; *answer is our line
 * with the same tag and suite and a fresh key.  0, -ENOENT (no usable common
 * suite), -EIO. */
int sdes_answer_build(size_t *chosen, struct sdes_crypto *answer,
		      const struct sdes_crypto *offer, size_t n, const struct sdes_prefs *prefs);

/* Check the peer's answer against our offer (offer[0..n-1]).  0 with *matched
 * the index of our line it accepts; -ENOENT when its tag is not in our offer;
 * -EPROTO when it is unusable or its suite differs from our line's. */
int sdes_answer_check(size_t *matched, const struct sdes_crypto *offer, size_t n,
		      const struct sdes_crypto *answer);

/* ---- contexts (srtp.c) ---- */

#define TG_SRTP_E_AUTH   (-EBADMSG)
#define TG_SRTP_E_REPLAY (-EALREADY)
#define TG_SRTP_E_OLD    (-ESTALE)
#define TG_SRTP_E_BADMKI (-ENOKEY)
#define TG_SRTP_MAX_OVERHEAD 148 /* SRTP_MAX_TRAILER_LEN (16 + 128) + 4 SRTCP index */

enum tg_srtp_dir {
	TG_SRTP_SEND = 1, /* protect: our own key */
	TG_SRTP_RECV,     /* unprotect: the peer's key */
};

/* Counters of one context; written by the packet functions only. */
struct tg_srtp_stats {
	uint64_t packets, bytes;     /* processed successfully (bytes before protect / after unprotect) */
	uint64_t auth_fail;          /* TG_SRTP_E_AUTH */
	uint64_t replay;             /* TG_SRTP_E_REPLAY and TG_SRTP_E_OLD */
	uint64_t other_err;          /* anything else */
};

struct tg_srtp;

/* Initialise libsrtp2 (srtp_init) once and install the nettle crypto types
 * (tg_srtp_crypto_install); later calls return the first result.  0 or -EIO.
 * tg_srtp_new() calls it. */
int tg_srtp_init(void);

/* media/srtp_crypto.c: replace libsrtp2's AES-ICM, AES-GCM and HMAC-SHA1
 * types with nettle-backed ones (AES-NI, PCLMULQDQ, SHA-NI); libsrtp2 checks
 * each against its known-answer vectors first.  Call after srtp_init().  0 or
 * -EIO.  tg_srtp_crypto_backend() names what is in use, for show commands. */
int tg_srtp_crypto_install(void);
const char *tg_srtp_crypto_backend(void);

/* A context for one direction from a usable parsed or generated line (its
 * key, suite, MKI and WSH).  Sending contexts refuse to protect the same RTP
 * index twice (allow_repeat_tx off).  0, -EINVAL (unusable line), -ENOMEM,
 * -EIO. */
int tg_srtp_new(struct tg_srtp **out, const struct sdes_crypto *c, enum tg_srtp_dir dir);

/* A context is reference-counted: one srtp_t serves a direction's RTP and
 * SRTCP (libsrtp keeps their index spaces apart), so a leg needs two contexts,
 * not four — with Debian's NSS-backed libsrtp2 the per-packet cost grows with
 * the number of live contexts.  tg_srtp_free() drops one reference (NULL is
 * accepted); the last one frees. */
struct tg_srtp *tg_srtp_ref(struct tg_srtp *s);
void tg_srtp_free(struct tg_srtp *s);

enum cfg_srtp_suite tg_srtp_suite(const struct tg_srtp *s);
enum tg_srtp_dir tg_srtp_dir(const struct tg_srtp *s);

/* Bytes that protecting one packet appends (tag + MKI, + 4 for RTCP). */
size_t tg_srtp_overhead(const struct tg_srtp *s, bool rtcp);

/* In place on buf[0..*len), buffer size cap (see the top of this file).
 * protect needs a TG_SRTP_SEND context, unprotect a TG_SRTP_RECV one. */
int tg_srtp_protect(struct tg_srtp *s, void *buf, size_t *len, size_t cap);
int tg_srtp_unprotect(struct tg_srtp *s, void *buf, size_t *len);
int tg_srtp_protect_rtcp(struct tg_srtp *s, void *buf, size_t *len, size_t cap);
int tg_srtp_unprotect_rtcp(struct tg_srtp *s, void *buf, size_t *len);

const struct tg_srtp_stats *tg_srtp_stats(const struct tg_srtp *s);

static inline bool tg_srtp_is_replay(int rc)
{
	return rc == TG_SRTP_E_REPLAY || rc == TG_SRTP_E_OLD;
}

/* "authentication failed", "replayed packet", ... for debug voip srtp error. */
const char *tg_srtp_strerror(int rc);

#endif
