/* config.c - the typed configuration model: lifecycle, deep copy and compare,
 * the sorted keyed collections and the small vector/string helpers (layer 2).
 *
 * Enum tables and keyword parsers live in config_enum.c; session targets and
 * prefixes in config_addr.c. */
#include "core/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* helpers                                                              */

int cfg_vec_grow(void **v, size_t *cap, size_t need, size_t elsz)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > (size_t)-1 / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (elsz && ncap > (size_t)-1 / elsz)
		return -ENOMEM;
	void *p = realloc(*v, ncap * elsz);
	if (!p)
		return -ENOMEM;
	/* not zeroed: see config.h (a dial-peer is 1.8 kB, 10,000 of them fault in
	 * tens of MB; the elements in use are initialised by whoever adds them) */
	*v = p;
	*cap = ncap;
	return 0;
}

void cfg_vec_remove(void *v, size_t *n, size_t idx, size_t elsz)
{
	if (idx >= *n)
		return;
	char *base = v;
	memmove(base + idx * elsz, base + (idx + 1) * elsz, (*n - idx - 1) * elsz);
	(*n)--;
	memset(base + *n * elsz, 0, elsz);
}

int cfg_strset(char *dst, size_t dstsz, const char *src)
{
	if (!src)
		src = "";
	size_t n = strlen(src);
	if (n >= dstsz)
		return -ENAMETOOLONG;
	memcpy(dst, src, n + 1);
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int cfg_tag_cmp(const char *a, const char *b)
{
	bool na = all_digits(a), nb = all_digits(b);
	if (na && nb) {
		while (*a == '0' && a[1])
			a++;
		while (*b == '0' && b[1])
			b++;
		size_t la = strlen(a), lb = strlen(b);
		if (la != lb)
			return la < lb ? -1 : 1;
		int r = strcmp(a, b);
		return r < 0 ? -1 : r > 0;
	}
	if (na != nb)
		return na ? -1 : 1;
	int r = strcmp(a, b);
	return r < 0 ? -1 : r > 0;
}

/* Binary search in a vector sorted by a string key at `keyoff`.  Returns the
 * element or NULL; *pos gets the index where it is or would be inserted. */
static void *coll_search(void *v, size_t n, size_t elsz, size_t keyoff,
			 const char *key, size_t *pos)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		char *el = (char *)v + mid * elsz;
		int r = cfg_tag_cmp(el + keyoff, key);
		if (r == 0) {
			*pos = mid;
			return el;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return NULL;
}

/* Insert a zeroed element at `pos`, returning it (NULL on ENOMEM). */
static void *coll_insert(void **v, size_t *n, size_t *cap, size_t elsz, size_t pos)
{
	if (cfg_vec_grow(v, cap, *n + 1, elsz))
		return NULL;
	char *base = *v;
	memmove(base + (pos + 1) * elsz, base + pos * elsz, (*n - pos) * elsz);
	memset(base + pos * elsz, 0, elsz);
	(*n)++;
	return base + pos * elsz;
}

/* ------------------------------------------------------------------ */
/* element cleanup                                                      */

static void tls_cipher_clear(struct cfg_tls_cipher *x) { free(x->e.v); }
static void tls_profile_clear(struct cfg_tls_profile *x) { free(x->cn_san.v); }
static void srtp_crypto_clear(struct cfg_srtp_crypto *x) { free(x->e.v); }
static void codec_clear(struct cfg_codec_class *x) { free(x->e.v); }
static void uri_clear(struct cfg_uri_class *x) { free(x->hosts.v); }
static void tenant_clear(struct cfg_tenant *x) { (void)x; }
static void keepalive_clear(struct cfg_keepalive *x) { (void)x; }
static void trustpoint_clear(struct cfg_trustpoint *x) { (void)x; }
static void dial_peer_clear(struct cfg_dial_peer *x) { (void)x; }

/* ------------------------------------------------------------------ */
/* keyed collections with string keys                                   */

#define CFG_COLL_STR(NAME, TYPE, FIELD, KEY, INIT)                                   \
	TYPE *cfg_##NAME##_find(const struct cfg *c, const char *key)                \
	{                                                                            \
		size_t pos;                                                          \
		return coll_search(c->FIELD.v, c->FIELD.n, sizeof(TYPE),             \
				   offsetof(TYPE, KEY), key, &pos);                  \
	}                                                                            \
	TYPE *cfg_##NAME##_get(struct cfg *c, const char *key)                       \
	{                                                                            \
		size_t pos;                                                          \
		TYPE *x = coll_search(c->FIELD.v, c->FIELD.n, sizeof(TYPE),          \
				      offsetof(TYPE, KEY), key, &pos);               \
		if (x)                                                               \
			return x;                                                    \
		if (strlen(key) >= sizeof(x->KEY))                                   \
			return NULL;                                                 \
		x = coll_insert((void **)&c->FIELD.v, &c->FIELD.n, &c->FIELD.cap,    \
				sizeof(TYPE), pos);                                  \
		if (!x)                                                              \
			return NULL;                                                 \
		CFG_SET(x->KEY, key);                                                \
		INIT;                                                                \
		return x;                                                            \
	}                                                                            \
	int cfg_##NAME##_del(struct cfg *c, const char *key)                         \
	{                                                                            \
		size_t pos;                                                          \
		TYPE *x = coll_search(c->FIELD.v, c->FIELD.n, sizeof(TYPE),          \
				      offsetof(TYPE, KEY), key, &pos);               \
		if (!x)                                                              \
			return -ENOENT;                                              \
		NAME##_clear(x);                                                     \
		CFG_VEC_DEL(c->FIELD, pos);                                          \
		return 0;                                                            \
	}

CFG_COLL_STR(tls_cipher, struct cfg_tls_cipher, tls_ciphers, tag, (void)0)
CFG_COLL_STR(tls_profile, struct cfg_tls_profile, tls_profiles, tag, (void)0)
CFG_COLL_STR(srtp_crypto, struct cfg_srtp_crypto, srtp_cryptos, tag, (void)0)
CFG_COLL_STR(uri, struct cfg_uri_class, uris, tag, (void)0)
CFG_COLL_STR(tenant, struct cfg_tenant, tenants, tag, (void)0)
CFG_COLL_STR(keepalive, struct cfg_keepalive, keepalives, tag, (void)0)
CFG_COLL_STR(trustpoint, struct cfg_trustpoint, trustpoints, name, (void)0)

CFG_COLL_STR(codec, struct cfg_codec_class, codecs, tag, (void)0)

/* ------------------------------------------------------------------ */
/* dial-peers: numeric keys                                             */

static struct cfg_dial_peer *dp_search(const struct cfg *c, uint32_t tag, size_t *pos)
{
	size_t lo = 0, hi = c->dial_peers.n;
	/* a file lists its dial-peers in ascending order (running-config renders
	 * them so): the peer being built, or the next one, is at the end */
	if (hi && c->dial_peers.v[hi - 1].tag <= tag) {
		*pos = c->dial_peers.v[hi - 1].tag == tag ? hi - 1 : hi;
		return c->dial_peers.v[hi - 1].tag == tag ? &c->dial_peers.v[hi - 1] : NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct cfg_dial_peer *d = &c->dial_peers.v[mid];
		if (d->tag == tag) {
			*pos = mid;
			return d;
		}
		if (d->tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return NULL;
}

struct cfg_dial_peer *cfg_dial_peer_find(const struct cfg *c, uint32_t tag)
{
	size_t pos;
	return dp_search(c, tag, &pos);
}

struct cfg_dial_peer *cfg_dial_peer_get(struct cfg *c, uint32_t tag)
{
	size_t pos;
	struct cfg_dial_peer *d = dp_search(c, tag, &pos);
	if (d)
		return d;
	d = coll_insert((void **)&c->dial_peers.v, &c->dial_peers.n, &c->dial_peers.cap,
			sizeof(*d), pos);
	if (!d)
		return NULL;
	d->tag = tag;
	d->preference = -1;
	return d;
}

int cfg_dial_peer_del(struct cfg *c, uint32_t tag)
{
	size_t pos;
	struct cfg_dial_peer *d = dp_search(c, tag, &pos);
	if (!d)
		return -ENOENT;
	dial_peer_clear(d);
	CFG_VEC_DEL(c->dial_peers, pos);
	return 0;
}

/* ------------------------------------------------------------------ */
/* lifecycle                                                            */

void cfg_init(struct cfg *c)
{
	memset(c, 0, sizeof(*c));
	CFG_SET(c->hostname, "tollgate");
}

#define FREE_COLL(vec, clear)                         \
	do {                                          \
		for (size_t i_ = 0; i_ < (vec).n; i_++) \
			clear(&(vec).v[i_]);          \
		free((vec).v);                        \
	} while (0)

void cfg_free(struct cfg *c)
{
	free(c->voice.trusted.v);
	free(c->sipua.remote.v);
	FREE_COLL(c->tls_ciphers, tls_cipher_clear);
	FREE_COLL(c->tls_profiles, tls_profile_clear);
	FREE_COLL(c->srtp_cryptos, srtp_crypto_clear);
	FREE_COLL(c->codecs, codec_clear);
	FREE_COLL(c->uris, uri_clear);
	FREE_COLL(c->tenants, tenant_clear);
	FREE_COLL(c->keepalives, keepalive_clear);
	FREE_COLL(c->dial_peers, dial_peer_clear);
	FREE_COLL(c->trustpoints, trustpoint_clear);
	memset(c, 0, sizeof(*c));
}

/* Copy a flat vector (its elements hold no pointers) into a fresh allocation. */
static int vec_clone(void **dst, size_t *cap, const void *src, size_t n, size_t elsz)
{
	*dst = NULL;
	*cap = 0;
	if (!n)
		return 0;
	int rc = cfg_vec_grow(dst, cap, n, elsz);
	if (rc)
		return rc;
	memcpy(*dst, src, n * elsz);
	return 0;
}

#define CLONE(vec) vec_clone((void **)&(vec).v, &(vec).cap, (vec).v, (vec).n, sizeof(*(vec).v))

int cfg_dup(struct cfg *dst, const struct cfg *src)
{
	int rc = 0;
	*dst = *src;
	/* Detach every vector first, so that cfg_free(dst) is safe on failure. */
	struct cfg s = *src;
	dst->voice.trusted.v = NULL; dst->voice.trusted.n = dst->voice.trusted.cap = 0;
	dst->sipua.remote.v = NULL; dst->sipua.remote.n = dst->sipua.remote.cap = 0;
#define DETACH(f) do { dst->f.v = NULL; dst->f.n = dst->f.cap = 0; } while (0)
	DETACH(tls_ciphers); DETACH(tls_profiles); DETACH(srtp_cryptos); DETACH(codecs);
	DETACH(uris); DETACH(tenants); DETACH(keepalives); DETACH(dial_peers);
	DETACH(trustpoints);
#undef DETACH

#define COPY_FLAT(f)                                                      \
	do {                                                              \
		dst->f = s.f;                                             \
		rc = CLONE(dst->f);                                       \
		if (rc) {                                                 \
			dst->f.v = NULL; dst->f.n = dst->f.cap = 0;       \
			goto fail;                                        \
		}                                                         \
	} while (0)
	/* Collections whose elements own a vector: copy, then clone each inner one,
	 * clearing inner pointers not yet cloned so cleanup never double-frees. */
#define COPY_NESTED(f, inner)                                              \
	do {                                                              \
		COPY_FLAT(f);                                             \
		for (size_t i_ = 0; i_ < dst->f.n; i_++)                  \
			dst->f.v[i_].inner.v = NULL;                      \
		for (size_t i_ = 0; i_ < dst->f.n; i_++) {                \
			dst->f.v[i_].inner = s.f.v[i_].inner;             \
			rc = CLONE(dst->f.v[i_].inner);                   \
			if (rc) {                                         \
				dst->f.v[i_].inner.v = NULL;              \
				goto fail;                                \
			}                                                 \
		}                                                         \
	} while (0)

	COPY_FLAT(voice.trusted);
	COPY_FLAT(sipua.remote);
	COPY_NESTED(tls_ciphers, e);
	COPY_NESTED(tls_profiles, cn_san);
	COPY_NESTED(srtp_cryptos, e);
	COPY_NESTED(codecs, e);
	COPY_NESTED(uris, hosts);
	COPY_FLAT(tenants);
	COPY_FLAT(keepalives);
	COPY_FLAT(dial_peers);
	COPY_FLAT(trustpoints);
#undef COPY_NESTED
#undef COPY_FLAT
	return 0;
fail:
	cfg_free(dst);
	return rc ? rc : -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* deep compare, field by field (fixed strings compare up to their NUL) */

#define EQS(f) (strcmp(a->f, b->f) == 0)
#define EQ(f) (a->f == b->f)

static bool target_eq(const struct cfg_target *a, const struct cfg_target *b)
{
	return EQ(kind) && EQS(host) && EQ(port);
}

static bool sig_eq(const struct cfg_crypto_sig *a, const struct cfg_crypto_sig *b)
{
	return EQS(trustpoint) && EQ(cn_san_validate_server) && EQS(client_vtp) &&
	       EQS(tls_profile);
}

static bool voice_eq(const struct cfg_voice_service *a, const struct cfg_voice_service *b)
{
	if (!(EQ(present) && EQ(trusted_list_present) && EQ(allow_sip_to_sip) && EQ(srtp) &&
	      EQ(rtp_port_lo) && EQ(rtp_port_hi) && EQ(media_inactivity_sec) && EQ(sip_present) && EQ(trusted.n)))
		return false;
	for (size_t i = 0; i < a->trusted.n; i++)
		if (!cfg_prefix_equal(&a->trusted.v[i], &b->trusted.v[i]))
			return false;
	const struct cfg_voice_sip *x = &a->sip, *y = &b->sip;
	return x->session_transport == y->session_transport && x->url == y->url &&
	       !strcmp(x->srtp_crypto, y->srtp_crypto) &&
	       x->listen_nonsecure == y->listen_nonsecure &&
	       x->listen_secure == y->listen_secure &&
	       !strcmp(x->bind_control_if, y->bind_control_if) &&
	       !strcmp(x->bind_control_addr, y->bind_control_addr) &&
	       !strcmp(x->bind_media_if, y->bind_media_if) &&
	       !strcmp(x->bind_media_addr, y->bind_media_addr) &&
	       x->early_offer_forced == y->early_offer_forced &&
	       x->no_silent_discard == y->no_silent_discard;
}

static bool sipua_eq(const struct cfg_sip_ua *a, const struct cfg_sip_ua *b)
{
	if (!(EQ(present) && EQ(no_udp) && EQ(no_tcp) && EQ(no_tls) && EQ(tls_version_set) &&
	      EQ(tls_version) && sig_eq(&a->def_tp, &b->def_tp) && EQS(def_tls_profile) &&
	      EQ(remote.n) && EQ(aging_tls_min) && EQ(establish_tls_sec) &&
	      EQ(connection_reuse) && target_eq(&a->sip_server, &b->sip_server)))
		return false;
	for (size_t i = 0; i < a->remote.n; i++)
		if (!cfg_prefix_equal(&a->remote.v[i].prefix, &b->remote.v[i].prefix) ||
		    !sig_eq(&a->remote.v[i].sig, &b->remote.v[i].sig))
			return false;
	return true;
}

static bool tls_cipher_eq(const struct cfg_tls_cipher *a, const struct cfg_tls_cipher *b)
{
	if (!EQS(tag) || !EQ(e.n))
		return false;
	for (size_t i = 0; i < a->e.n; i++)
		if (a->e.v[i].pri != b->e.v[i].pri || a->e.v[i].cipher != b->e.v[i].cipher)
			return false;
	return true;
}

static bool tls_profile_eq(const struct cfg_tls_profile *a, const struct cfg_tls_profile *b)
{
	if (!(EQS(tag) && EQS(description) && EQS(trustpoint) && EQS(cipher) &&
	      EQ(cn_san_validate) && EQS(client_vtp) && EQ(sni_send) && EQ(cn_san.n)))
		return false;
	for (size_t i = 0; i < a->cn_san.n; i++)
		if (a->cn_san.v[i].idx != b->cn_san.v[i].idx ||
		    strcmp(a->cn_san.v[i].name, b->cn_san.v[i].name))
			return false;
	for (size_t i = 0; i < CFG_CURVE_COUNT; i++) {
		if (a->curves[i] != b->curves[i])
			return false;
		if (a->curves[i] == CFG_CURVE_NONE)
			break;
	}
	return true;
}

static bool srtp_crypto_eq(const struct cfg_srtp_crypto *a, const struct cfg_srtp_crypto *b)
{
	if (!EQS(tag) || !EQ(e.n))
		return false;
	for (size_t i = 0; i < a->e.n; i++)
		if (a->e.v[i].pri != b->e.v[i].pri || a->e.v[i].suite != b->e.v[i].suite)
			return false;
	return true;
}

static bool codec_eq(const struct cfg_codec_class *a, const struct cfg_codec_class *b)
{
	if (!EQS(tag) || !EQ(e.n))
		return false;
	for (size_t i = 0; i < a->e.n; i++)
		if (a->e.v[i].pref != b->e.v[i].pref || a->e.v[i].codec != b->e.v[i].codec)
			return false;
	return true;
}

static bool uri_eq(const struct cfg_uri_class *a, const struct cfg_uri_class *b)
{
	if (!(EQS(tag) && EQS(host_regex) && EQS(user_id) && EQS(pattern) && EQS(tgrp) &&
	      EQS(trunk_context) && EQ(hosts.n)))
		return false;
	for (size_t i = 0; i < a->hosts.n; i++)
		if (!target_eq(&a->hosts.v[i], &b->hosts.v[i]))
			return false;
	return true;
}

static bool tenant_eq(const struct cfg_tenant *a, const struct cfg_tenant *b)
{
	return EQS(tag) && target_eq(&a->sip_server, &b->sip_server) &&
	       EQ(session_transport) && EQ(url) && EQS(tls_profile) && EQS(srtp_crypto) &&
	       EQ(listen_secure);
}

static bool keepalive_eq(const struct cfg_keepalive *a, const struct cfg_keepalive *b)
{
	return EQS(tag) && EQS(description) && EQ(up_interval) && EQ(down_interval) &&
	       EQ(retry) && EQ(transport);
}

static bool dial_peer_eq(const struct cfg_dial_peer *a, const struct cfg_dial_peer *b)
{
	for (int i = 0; i < CFG_URI_WHERE_COUNT; i++)
		if (strcmp(a->incoming_uri[i], b->incoming_uri[i]))
			return false;
	return EQ(tag) && EQS(description) && EQS(dest_pattern) && EQS(incoming_called) &&
	       EQ(session_sipv2) && target_eq(&a->target, &b->target) &&
	       EQ(session_transport) && EQS(vc_tenant) && EQS(vc_srtp_crypto) &&
	       EQS(vc_tls_profile) && EQ(early_offer) && EQ(keepalive) && EQS(keepalive_profile) && EQS(tgrp) &&
	       EQS(trunk_context) && EQS(vc_codec) && EQ(codec) && EQ(dtmf_rtp_nte) &&
	       EQ(srtp) && EQ(preference) && EQ(huntstop) && EQ(shutdown);
}

static bool trustpoint_eq(const struct cfg_trustpoint *a, const struct cfg_trustpoint *b)
{
	for (int i = 0; i < 3; i++) {
		if (a->revocation[i] != b->revocation[i])
			return false;
		if (a->revocation[i] == CFG_REVOC_NONE_SET)
			break;
	}
	return EQS(name) && EQ(enrollment) && EQS(subject_name) && EQS(subject_alt_name) &&
	       EQS(rsakeypair) && EQ(rsa_bits) && EQS(eckeypair) && EQ(chain_validation) &&
	       EQS(cert_file) && EQS(key_file) && EQS(ca_file) && EQS(crl_file);
}

#define COLL_EQ(f, fn)                                           \
	do {                                                     \
		if (a->f.n != b->f.n)                            \
			return false;                            \
		for (size_t i_ = 0; i_ < a->f.n; i_++)           \
			if (!fn(&a->f.v[i_], &b->f.v[i_]))       \
				return false;                    \
	} while (0)

static bool name_servers_eq(const struct cfg *a, const struct cfg *b)
{
	if (!EQ(n_name_servers))
		return false;
	for (int i = 0; i < a->n_name_servers && i < CFG_MAX_NAME_SERVERS; i++)
		if (!EQS(name_servers[i].addr) || !EQ(name_servers[i].port))
			return false;
	return true;
}

bool cfg_equal(const struct cfg *a, const struct cfg *b)
{
	if (!EQS(hostname) || !EQ(logging_buffered) || !name_servers_eq(a, b))
		return false;
	if (!voice_eq(&a->voice, &b->voice) || !sipua_eq(&a->sipua, &b->sipua))
		return false;
	COLL_EQ(tls_ciphers, tls_cipher_eq);
	COLL_EQ(tls_profiles, tls_profile_eq);
	COLL_EQ(srtp_cryptos, srtp_crypto_eq);
	COLL_EQ(codecs, codec_eq);
	COLL_EQ(uris, uri_eq);
	COLL_EQ(tenants, tenant_eq);
	COLL_EQ(keepalives, keepalive_eq);
	COLL_EQ(dial_peers, dial_peer_eq);
	COLL_EQ(trustpoints, trustpoint_eq);
	return true;
}
