/* msg_int.h - internals shared by sip/msg*.c, sip/uri*.c and sip/hdr*.c: character
 * classes, small string helpers, parameter lists, header identities and the
 * view builder.  Not part of the API: include sip/msg.h or sip/uri.h instead.
 *
 * Ownership: helpers returning char * or arrays return heap memory owned by the
 * caller; sip__params_free() releases a parameter array and its strings.
 */
#ifndef TOLLGATE_SIP_MSG_INT_H
#define TOLLGATE_SIP_MSG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sip/msg.h"

/* Character classes (RFC 3261 25.1). */
static inline bool sip__alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool sip__digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool sip__hex(unsigned char c)
{
	return sip__digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline bool sip__ws(unsigned char c) { return c == ' ' || c == '\t'; }
/* Bit 1: token character, bit 2: unreserved (hdr.c). */
extern const unsigned char sip__cclass[256];
/* token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
static inline bool sip__tokenc(unsigned char c)
{
	return sip__cclass[c] & 1;
}
/* unreserved = alphanum / mark ("-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")") */
static inline bool sip__unreserved(unsigned char c)
{
	return sip__cclass[c] & 2;
}

/* Skip SP/HTAB from *pos (bounded by len). */
static inline void sip__skip_ws(const char *s, size_t len, size_t *pos)
{
	while (*pos < len && sip__ws((unsigned char)s[*pos]))
		(*pos)++;
}

char *sip__strndup(const char *s, size_t n);   /* NULL on ENOMEM */
bool sip__strncaseeq(const char *a, size_t alen, const char *b); /* a[0..alen) vs C string b */
void sip__err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Parse decimal digits s[0..len) into *out (no sign, no overflow above max). */
int sip__parse_ulong(const char *s, size_t len, unsigned long max, unsigned long *out);

/* Parameter arrays.  Each parameter is one heap block, its name then its
 * value (value points into it, NULL when absent): free(name) releases both.
 * An array grows to powers of two and is only ever grown by params_add. */
void sip__params_free(struct sip_param *p, size_t n);
/* Fill *p with a new block for name[0..nlen) and value[0..vlen).  0, -ENOMEM. */
int sip__param_make(struct sip_param *p, const char *name, size_t nlen, const char *value, size_t vlen,
		    bool has_value);
int sip__params_add(struct sip_param **p, size_t *n, const char *name, size_t nlen,
		    const char *value, size_t vlen, bool has_value);
int sip__params_dup(struct sip_param **out, size_t *nout, const struct sip_param *p, size_t n);
/* Header parameters: *( LWS ";" LWS token [ LWS "=" LWS (token/host/quoted) ] ),
 * stopping before "," or at len.  0, -EINVAL, -ENOMEM. */
int sip__hparams_parse(const char *s, size_t len, size_t *pos, struct sip_param **out,
		       size_t *n);

/* Fill h's name for name[0..nlen): the static canonical name of a known
 * header, else a heap copy; h->hid set.  0, -ENOMEM (msg.c). */
int sip__hdr_set_name(struct sip_hdr *h, const char *name, size_t nlen);
void sip__hdr_free(struct sip_hdr *h);  /* name (when owned) and value */

/* Room in m->hdrs for one more field (grown by doubling): 0, -ENOMEM (msg.c). */
int sip__hdrs_room(struct sip_msg *m);

/* A zeroed message with absent views (-1 scalars); NULL on ENOMEM (msg.c). */
struct sip_msg *sip__msg_alloc(void);

/* Set the Request-URI text and parsed URI of m (msg.c); unchanged on error. */
int sip__set_ruri(struct sip_msg *m, const char *s, size_t len, char *err, size_t errsz);

/* Validate a host (name, IPv4, "[IPv6]") s[0..len) and tell its type (uri.c). */
int sip__check_host(const char *s, size_t len, enum sip_host_type *type);

/* a[0..alen) equals b case-insensitively after %XX decoding (uri_cmp.c). */
bool sip__esc_caseeq(const char *a, size_t alen, const char *b);

/* name-addr values (hdr.c).  na must be zeroed; parse stops before ',' or at
 * len and clears na on error. */
int sip__na_parse_at(const char *s, size_t len, size_t *pos, struct sip_nameaddr *na);
void sip__na_clear(struct sip_nameaddr *na);

/* Header identities. */
enum sip__hid {
	H_OTHER = 0, H_VIA, H_FROM, H_TO, H_CALL_ID, H_CSEQ, H_CONTACT, H_MAX_FORWARDS,
	H_CONTENT_TYPE, H_CONTENT_LENGTH, H_ROUTE, H_RECORD_ROUTE, H_EXPIRES, H_SUPPORTED,
	H_REQUIRE, H_PROXY_REQUIRE, H_DATE, H_KNOWN, /* H_KNOWN: known name without a view */
};
/* Canonical long name for name[0..len) (compact or any case), or NULL if unknown. */
const char *sip__canon_name(const char *name, size_t len, enum sip__hid *id);
enum sip__hid sip__hid(const char *name);
/* The lookup tables of sip__canon_name agree with its list of names: 0, else -1
 * (for the unit tests, after an edit of the list). */
int sip__names_check(void);

/* Views (hdr.c).  strict: the first bad header is an error (with err);
 * otherwise headers that do not parse are left out of the views. */
int sip__views_build(struct sip_msg *m, bool strict, char *err, size_t errsz);
void sip__views_free(struct sip_msg *m);
/* Rebuild only the view of header identity id, after fields of that name were
 * added, changed or removed: the same views as sip__views_build(m, false ..),
 * since each view is made from the fields of its own name alone.  H_OTHER,
 * H_KNOWN and H_DATE have no view (nothing to do).  0 or -ENOMEM. */
int sip__view_rebuild(struct sip_msg *m, enum sip__hid id);
/* The view of h, the only field of identity id in m (so the view is absent
 * until now): validates and builds it in one parse.  0; -EINVAL or -ENOMEM
 * with the view of id left absent. */
int sip__view_first(struct sip_msg *m, const struct sip_hdr *h, enum sip__hid id);
/* The views of m, a response whose Via, From, To, Call-ID and CSeq fields were
 * copied from req (not malformed, so its views are exactly those of these
 * fields): Via, From and To (unless to_changed: a tag was added) are copied
 * from req's views instead of parsed again.  0 or -ENOMEM. */
int sip__views_for_response(struct sip_msg *m, const struct sip_msg *req, bool to_changed);
/* Check one value for a header with a view: 0 or -EINVAL. */
int sip__hdr_validate(enum sip__hid id, const char *value, size_t len);
/* Is s[0..len) an absoluteURI of a scheme other than sip/sips/tel? */
bool sip__other_uri(const char *s, size_t len);

#endif
