/* uri.h - SIP, SIPS and tel URIs: parse, print, compare, build (layer 3, no I/O).
 *
 * Grammar (RFC 3261 19.1, 25; RFC 3966 for tel:; RFC 4904 for trunk groups):
 *   sip:user:password@host:port;uri-parameters?headers
 *   sips:...                       same shape, scheme SIP_URI_SIPS
 *   tel:+1-201-555-0123;phone-context=example.com
 * The host is a hostname, an IPv4 address or an IPv6 reference in brackets
 * ("[2001:db8::1]"; the brackets are kept in host).  Scheme names are matched
 * case-insensitively.  Any other scheme is not a struct sip_uri: the message
 * parser keeps such URIs as text only (RFC 4475 unkscm/novelsc).
 *
 * Text is kept as received: `user`, parameter names and values and header
 * values keep their %XX escapes; sip_uri_unescape() decodes them (the result
 * may contain NUL bytes, RFC 4475 escnull).
 *
 * RFC 4904 user parameters: a telephone-subscriber user part may carry
 * parameters after the number, "+15551234;tgrp=TG1;trunk-context=example.com".
 * `user` is the whole user part as received; `user_len_base` is the length of
 * the number before the first ';', and `user_params` are those parameters,
 * parsed.  sip_uri_user_param() reads one; sip_uri_set_user() builds such a user.
 *
 * Limits: a URI is at most SIP_URI_MAX bytes and SIP_URI_MAX_PARAMS parameters
 * (and as many headers); longer input is -EINVAL.  Parsing does not recurse.
 *
 * Ownership: struct sip_uri is a heap object owned by whoever holds the pointer
 * (the caller of sip_uri_parse/sip_uri_new/sip_uri_dup, or the struct sip_msg
 * it is part of) and released with sip_uri_free(); it owns every string and
 * array it points to.  Strings are NUL-terminated heap copies.
 */
#ifndef TOLLGATE_SIP_URI_H
#define TOLLGATE_SIP_URI_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

#define SIP_URI_MAX 4096        /* longest URI text accepted */
#define SIP_URI_MAX_PARAMS 32   /* parameters (and, separately, headers) per URI */

enum sip_uri_scheme {
	SIP_URI_SIP = 0,
	SIP_URI_SIPS,
	SIP_URI_TEL,
};

enum sip_host_type {
	SIP_HOST_NONE = 0,  /* tel: URIs have no host */
	SIP_HOST_NAME,
	SIP_HOST_IPV4,
	SIP_HOST_IPV6,      /* host holds "[...]" with the brackets */
};

/* One `;name=value` parameter (URI, user, Via or header parameter) or one
 * `?name=value` URI header.  Owned by the array that holds it: name and value
 * are heap strings freed with the array.  value is NULL for a parameter given
 * without '=' (";lr"); "" for one given as "name=".  Text is as received: URI
 * parameters keep %XX escapes, header parameters keep the quotes of a
 * quoted-string value (+sip.instance="<urn:...>").  A URI parameter name may
 * appear only once in a URI (a repeated one is -EINVAL). */
struct sip_param {
	char *name;
	char *value;
};

/* Owned as described at the top of this file. */
struct sip_uri {
	enum sip_uri_scheme scheme;
	char *user;               /* user part as received (escapes kept), NULL if none;
	                           * for tel: the subscriber number, never NULL */
	size_t user_len_base;     /* bytes of user before the first ';' (RFC 4904) */
	struct sip_param *user_params; /* ";tgrp=..;trunk-context=.." of the user part */
	size_t nuser_params;
	char *password;           /* NULL if none */
	char *host;               /* NULL for tel: */
	enum sip_host_type host_type;
	int port;                 /* 0 when absent */
	struct sip_param *params; /* URI parameters in order (tel: its parameters) */
	size_t nparams;
	struct sip_param *headers;/* "?h=v&h2=v2" in order */
	size_t nheaders;
};

/* Parse len bytes of s (no NUL needed).  0 and *out, -EINVAL (also for another
 * scheme, or trailing garbage), -ENOMEM. */
int sip_uri_parse(struct sip_uri **out, const char *s, size_t len);

/* A new URI.  user may be NULL (not for tel:), host must be set unless tel:,
 * port 0 = none.  Strings are copied; user is taken as already escaped. */
int sip_uri_new(struct sip_uri **out, enum sip_uri_scheme scheme, const char *user,
		const char *host, int port);

int sip_uri_dup(struct sip_uri **out, const struct sip_uri *u);
void sip_uri_free(struct sip_uri *u);

/* Append the URI in canonical-ish form (scheme lower case, text as stored) to
 * out.  0 or -ENOMEM.  Parsing the output gives an equal URI. */
int sip_uri_print(const struct sip_uri *u, struct buf *out);

/* Same into a fresh heap string (caller frees).  0, -ENOMEM. */
int sip_uri_to_string(char **out, const struct sip_uri *u);

/* Value of URI parameter name (case-insensitive): NULL when absent, "" when
 * present without a value (";lr").  Points into u. */
const char *sip_uri_param(const struct sip_uri *u, const char *name);
/* Value of a user parameter (RFC 4904 "tgrp", "trunk-context"), same rules. */
const char *sip_uri_user_param(const struct sip_uri *u, const char *name);
/* Value of a "?name=value" header, same rules. */
const char *sip_uri_header(const struct sip_uri *u, const char *name);

/* Set (replace or append) or remove a URI parameter; value NULL = no '='.
 * Remove returns -ENOENT when absent. */
int sip_uri_set_param(struct sip_uri *u, const char *name, const char *value);
int sip_uri_del_param(struct sip_uri *u, const char *name);

/* Replace the host (and the port when port >= 0; 0 removes it).  An IPv6
 * address may be given with or without brackets.  -EINVAL for a bad host. */
int sip_uri_set_host(struct sip_uri *u, const char *host, int port);

/* Build the user part: number (escaped here as needed) followed by the given
 * user parameters, e.g. number "+15551234" and {"tgrp","TG1"},
 * {"trunk-context","example.com"} gives "+15551234;tgrp=TG1;trunk-context=example.com".
 * number NULL removes the user part (not allowed for tel:).  0, -EINVAL, -ENOMEM. */
int sip_uri_set_user(struct sip_uri *u, const char *number,
		     const struct sip_param *uparams, size_t n);

/* The user without its parameters, unescaped, into out (NUL-terminated); the
 * dialled number for routing.  0, -ENOENT (no user), -ENOSPC, -EINVAL (bad %). */
int sip_uri_user_number(char *out, size_t outsz, const struct sip_uri *u);

/* Decode %XX escapes of in[0..inlen) into out (not NUL-terminated, may hold
 * NUL bytes); *outlen gets the decoded length.  out may be in.
 * 0, -EINVAL (bad escape), -ENOSPC (outsz too small; outsz >= inlen suffices). */
int sip_uri_unescape(char *out, size_t outsz, size_t *outlen, const char *in, size_t inlen);

/* RFC 3261 19.1.4 comparison: scheme, user and password case-sensitive after
 * unescaping, host case-insensitive, ports must both be absent or equal,
 * user/ttl/method/maddr/transport parameters must match when present in
 * either, other parameters only when present in both, headers must all match.
 * tel: URIs compare number (visual separators ignored) and parameters. */
bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b);

/* The printable name of a scheme: "sip", "sips", "tel". */
const char *sip_uri_scheme_name(enum sip_uri_scheme s);

#endif
