/* srtp.c - SRTP/SRTCP contexts on libsrtp2 (layer 4): one srtp_t per
 * direction per leg, made from an SDES line, with in-place protect/unprotect
 * and per-context counters.  Interface, error codes and buffer rules:
 * media/srtp.h.
 *
 * Each context holds a single policy with a wildcard SSRC (any outbound for
 * sending, any inbound for receiving), so every SSRC the peer uses (or that we
 * relay) is accepted under the one SDES key, as RFC 4568 intends.  libsrtp2
 * clones the per-SSRC stream only after a packet has authenticated.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "media/srtp.h"

_Static_assert(TG_SRTP_MAX_OVERHEAD == SRTP_MAX_TRAILER_LEN + 4, "TG_SRTP_MAX_OVERHEAD");

struct tg_srtp {
	_Atomic int refs;           /* tg_srtp_ref(); freed on the last tg_srtp_free() */
	srtp_t ctx;                 /* owned */
	enum cfg_srtp_suite suite;
	enum tg_srtp_dir dir;
	unsigned rtp_tag, rtcp_tag; /* bytes */
	unsigned mki_len;           /* bytes, 0 = no MKI */
	uint8_t mki_id[SDES_MKI_LEN_MAX]; /* the MKI as sent on the wire */
	struct tg_srtp_stats st;
};

/* ---- global init ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -EIO;

static void init_run(void)
{
	init_rc = srtp_init() == srtp_err_status_ok ? 0 : -EIO;
	if (init_rc == 0)
		init_rc = tg_srtp_crypto_install();
}

int tg_srtp_init(void)
{
	if (pthread_once(&init_once, init_run) != 0)
		return -EIO;
	return init_rc;
}

/* ---- contexts ---- */

int tg_srtp_new(struct tg_srtp **out, const struct sdes_crypto *c, enum tg_srtp_dir dir)
{
	const struct tg_srtp_suite *su = tg_srtp_suite_get(c->suite);
	uint8_t key[SDES_KEYSALT_MAX];
	uint8_t mki_id[SDES_MKI_LEN_MAX];
	srtp_master_key_t mk;
	srtp_master_key_t *mks[1] = { &mk };
	srtp_policy_t pol;
	struct tg_srtp *s = NULL;
	int rc;

	*out = NULL;
	memset(&pol, 0, sizeof(pol));
	memset(mki_id, 0, sizeof(mki_id));
	if (!su || !sdes_crypto_usable(c) || c->mki_len > SDES_MKI_LEN_MAX ||
	    (dir != TG_SRTP_SEND && dir != TG_SRTP_RECV)) {
		rc = -EINVAL;
		goto out;
	}
	rc = tg_srtp_init();
	if (rc < 0)
		goto out;
	s = calloc(1, sizeof(*s));
	if (s)
		atomic_init(&s->refs, 1);
	if (!s) {
		rc = -ENOMEM;
		goto out;
	}
	s->suite = c->suite;
	s->dir = dir;
	s->rtp_tag = su->rtp_tag_len;
	s->rtcp_tag = su->rtcp_tag_len;
	s->mki_len = c->mki_len;

	su->set_rtp(&pol.rtp);
	su->set_rtcp(&pol.rtcp);
	pol.ssrc.type = dir == TG_SRTP_SEND ? ssrc_any_outbound : ssrc_any_inbound;
	memcpy(key, c->key, c->key_len);
	if (c->mki_len) {
		/* MKI value big-endian in mki_len bytes (leading zeros when > 8) */
		uint64_t v = c->mki;
		for (unsigned i = c->mki_len; i > 0 && v; i--, v >>= 8)
			mki_id[i - 1] = (uint8_t)v;
		memcpy(s->mki_id, mki_id, c->mki_len);
		mk.key = key;
		mk.mki_id = mki_id;
		mk.mki_size = c->mki_len;
		pol.keys = mks;
		pol.num_master_keys = 1;
	} else {
		pol.key = key;
	}
	pol.window_size = c->window ? c->window : SDES_WINDOW_DEFAULT;
	pol.allow_repeat_tx = 0;
	pol.next = NULL;
	switch (srtp_create(&s->ctx, &pol)) {
	case srtp_err_status_ok:
		rc = 0;
		break;
	case srtp_err_status_alloc_fail:
		rc = -ENOMEM;
		break;
	case srtp_err_status_bad_param:
		rc = -EINVAL;
		break;
	default:
		rc = -EIO;
		break;
	}
	if (rc < 0)
		s->ctx = NULL;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(&pol, sizeof(pol));
	if (rc < 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

struct tg_srtp *tg_srtp_ref(struct tg_srtp *s)
{
	if (s)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void tg_srtp_free(struct tg_srtp *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) > 1)
		return;
	if (s->ctx)
		srtp_dealloc(s->ctx);  /* zeroes the session keys */
	explicit_bzero(s, sizeof(*s));
	free(s);
}

enum cfg_srtp_suite tg_srtp_suite(const struct tg_srtp *s) { return s->suite; }
enum tg_srtp_dir tg_srtp_dir(const struct tg_srtp *s) { return s->dir; }
const struct tg_srtp_stats *tg_srtp_stats(const struct tg_srtp *s) { return &s->st; }

size_t tg_srtp_overhead(const struct tg_srtp *s, bool rtcp)
{
	return rtcp ? 4u + s->mki_len + s->rtcp_tag : (size_t)s->mki_len + s->rtp_tag;
}

/* ---- packets ---- */

static int map_err(srtp_err_status_t e)
{
	switch (e) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
		return TG_SRTP_E_AUTH;
	case srtp_err_status_replay_fail:
		return TG_SRTP_E_REPLAY;
	case srtp_err_status_replay_old:
	case srtp_err_status_pkt_idx_old:
		return TG_SRTP_E_OLD;
	case srtp_err_status_bad_mki:
		return TG_SRTP_E_BADMKI;
	case srtp_err_status_key_expired:
		return -EKEYEXPIRED;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* Count the result, update *len.  in_len is the plaintext length for the
 * byte counter. */
static int finish(struct tg_srtp *s, srtp_err_status_t e, size_t *len, int n, size_t plain)
{
	int rc = map_err(e);

	if (rc == 0) {
		*len = (size_t)n;
		s->st.packets++;
		s->st.bytes += plain;
	} else if (rc == TG_SRTP_E_AUTH) {
		s->st.auth_fail++;
	} else if (tg_srtp_is_replay(rc)) {
		s->st.replay++;
	} else {
		s->st.other_err++;
	}
	return rc;
}

/* Common checks before libsrtp2 sees the buffer. */
static int pre(struct tg_srtp *s, enum tg_srtp_dir want, size_t len, size_t room, size_t cap)
{
	int rc = 0;

	if (s->dir != want)
		rc = -EINVAL;
	else if (len > (size_t)INT_MAX - TG_SRTP_MAX_OVERHEAD)
		rc = -EMSGSIZE;
	else if (cap < len || cap - len < room)
		rc = -ENOBUFS;
	if (rc < 0)
		s->st.other_err++;
	return rc;
}

int tg_srtp_protect(struct tg_srtp *s, void *buf, size_t *len, size_t cap)
{
	size_t plain = *len;
	int n = (int)*len, rc;

	srtp_err_status_t e;

	rc = pre(s, TG_SRTP_SEND, *len, tg_srtp_overhead(s, false), cap);
	if (rc < 0)
		return rc;
	e = s->mki_len ? srtp_protect_mki(s->ctx, buf, &n, 1, 0) : srtp_protect(s->ctx, buf, &n);
	return finish(s, e, len, n, plain);
}

int tg_srtp_unprotect(struct tg_srtp *s, void *buf, size_t *len)
{
	int n = (int)*len, rc;
	srtp_err_status_t e;

	rc = pre(s, TG_SRTP_RECV, *len, 0, *len);
	if (rc < 0)
		return rc;
	e = s->mki_len ? srtp_unprotect_mki(s->ctx, buf, &n, 1) : srtp_unprotect(s->ctx, buf, &n);
	return finish(s, e, len, n, e == srtp_err_status_ok ? (size_t)n : 0);
}

int tg_srtp_protect_rtcp(struct tg_srtp *s, void *buf, size_t *len, size_t cap)
{
	size_t plain = *len;
	int n = (int)*len, rc;

	srtp_err_status_t e;

	rc = pre(s, TG_SRTP_SEND, *len, tg_srtp_overhead(s, true), cap);
	if (rc < 0)
		return rc;
	e = s->mki_len ? srtp_protect_rtcp_mki(s->ctx, buf, &n, 1, 0)
		       : srtp_protect_rtcp(s->ctx, buf, &n);
	return finish(s, e, len, n, plain);
}

/* libsrtp2 2.5 looks for the MKI of an SRTCP packet using the SRTP tag
 * length, so with AES_CM_128_HMAC_SHA1_32 (4-byte SRTP tag, 10-byte SRTCP tag)
 * it never finds it.  The MKI is not covered by the SRTCP tag (RFC 3711 3.4),
 * so check it here, remove it (tag moved down over it) and let libsrtp2 use
 * its one key without MKI lookup. */
static int rtcp_strip_mki(struct tg_srtp *s, uint8_t *p, int *n)
{
	size_t len = (size_t)*n, tail = (size_t)s->rtcp_tag + s->mki_len;
	const uint8_t *mki;

	if (len < 8 + 4 + tail) {
		s->st.other_err++;
		return -EINVAL;
	}
	mki = p + len - tail;
	if (memcmp(mki, s->mki_id, s->mki_len) != 0) {
		s->st.other_err++;
		return TG_SRTP_E_BADMKI;
	}
	memmove(p + len - tail, p + len - s->rtcp_tag, s->rtcp_tag);
	*n -= (int)s->mki_len;
	return 0;
}

int tg_srtp_unprotect_rtcp(struct tg_srtp *s, void *buf, size_t *len)
{
	int n = (int)*len, rc;
	srtp_err_status_t e;

	rc = pre(s, TG_SRTP_RECV, *len, 0, *len);
	if (rc < 0)
		return rc;
	if (s->mki_len && s->rtcp_tag != s->rtp_tag) {
		rc = rtcp_strip_mki(s, buf, &n);
		if (rc < 0)
			return rc;
		e = srtp_unprotect_rtcp_mki(s->ctx, buf, &n, 0);
	} else if (s->mki_len) {
		e = srtp_unprotect_rtcp_mki(s->ctx, buf, &n, 1);
	} else {
		e = srtp_unprotect_rtcp(s->ctx, buf, &n);
	}
	return finish(s, e, len, n, e == srtp_err_status_ok ? (size_t)n : 0);
}

const char *tg_srtp_strerror(int rc)
{
	switch (rc) {
	case 0:
		return "ok";
	case TG_SRTP_E_AUTH:
		return "authentication failed";
	case TG_SRTP_E_REPLAY:
		return "replayed packet";
	case TG_SRTP_E_OLD:
		return "packet older than the replay window";
	case TG_SRTP_E_BADMKI:
		return "unknown MKI";
	case -ENOBUFS:
		return "no room for the SRTP trailer";
	case -EMSGSIZE:
		return "packet too large";
	case -EKEYEXPIRED:
		return "key lifetime exhausted";
	case -EINVAL:
		return "malformed packet or wrong direction";
	case -ENOMEM:
		return "out of memory";
	default:
		return "SRTP failure";
	}
}
