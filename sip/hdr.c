/* hdr.c - SIP header names (compact forms, canonical spelling), small string
 * helpers, header parameters and name-addr values (see msg.h, msg_int.h). */
#include "sip/msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "sip/msg_int.h"

char *sip__strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Generated from the ABNF sets in msg_int.h: 1 = token, 2 = unreserved. */
const unsigned char sip__cclass[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 3, 0, 0, 0, 1, 0, 3, 2, 2, 3, 1, 0, 3, 3, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0,
	0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,
	1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 3, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

bool sip__strncaseeq(const char *a, size_t alen, const char *b)
{
	size_t bl = strlen(b);
	return alen == bl && strncasecmp(a, b, bl) == 0;
}

void sip__err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

int sip__parse_ulong(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!sip__digit((unsigned char)s[i]))
			return -EINVAL;
		unsigned long d = (unsigned long)(s[i] - '0');
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

void sip__params_free(struct sip_param *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].name); /* the value lives in the same block */
	free(p);
}

int sip__param_make(struct sip_param *p, const char *name, size_t nlen, const char *value, size_t vlen,
		    bool has_value)
{
	char *b = malloc(nlen + 1 + (has_value ? vlen + 1 : 0));
	if (!b)
		return -ENOMEM;
	memcpy(b, name, nlen);
	b[nlen] = '\0';
	p->name = b;
	p->value = NULL;
	if (has_value) {
		p->value = b + nlen + 1;
		memcpy(p->value, value, vlen);
		p->value[vlen] = '\0';
	}
	return 0;
}

int sip__params_add(struct sip_param **p, size_t *n, const char *name, size_t nlen,
		    const char *value, size_t vlen, bool has_value)
{
	/* the array grows to powers of two: it is reallocated when *n is 0 or one */
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		struct sip_param *np = realloc(*p, (*n ? 2 * *n : 1) * sizeof(**p));
		if (!np)
			return -ENOMEM;
		*p = np;
	}
	int rc = sip__param_make(&(*p)[*n], name, nlen, value, vlen, has_value);
	if (rc)
		return rc;
	(*n)++;
	return 0;
}

int sip__params_dup(struct sip_param **out, size_t *nout, const struct sip_param *p, size_t n)
{
	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = p[i].value;
		int rc = sip__params_add(out, nout, p[i].name, strlen(p[i].name), v ? v : "",
					 v ? strlen(v) : 0, v != NULL);
		if (rc) {
			sip__params_free(*out, *nout);
			*out = NULL;
			*nout = 0;
			return rc;
		}
	}
	return 0;
}

const char *sip_param_get(const struct sip_param *params, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(params[i].name, name) == 0)
			return params[i].value ? params[i].value : "";
	return NULL;
}

/* ---- header names ---- */

/* Names with their lengths, so that a lookup compares a length and a first
 * letter before any string. */
#define N(s, c, i) { s, sizeof(s) - 1, c, i }
static const struct {
	const char *name;
	size_t len;
	char compact;
	enum sip__hid id;
} names[] = {
	N("Via", 'v', H_VIA), N("From", 'f', H_FROM), N("To", 't', H_TO),
	N("Call-ID", 'i', H_CALL_ID), N("CSeq", 0, H_CSEQ), N("Contact", 'm', H_CONTACT),
	N("Max-Forwards", 0, H_MAX_FORWARDS), N("Content-Type", 'c', H_CONTENT_TYPE),
	N("Content-Length", 'l', H_CONTENT_LENGTH), N("Route", 0, H_ROUTE),
	N("Record-Route", 0, H_RECORD_ROUTE), N("Expires", 0, H_EXPIRES),
	N("Supported", 'k', H_SUPPORTED), N("Require", 0, H_REQUIRE),
	N("Proxy-Require", 0, H_PROXY_REQUIRE), N("Date", 0, H_DATE),
	N("Content-Encoding", 'e', H_KNOWN), N("Subject", 's', H_KNOWN), N("Event", 'o', H_KNOWN),
	N("Allow-Events", 'u', H_KNOWN), N("Refer-To", 'r', H_KNOWN), N("Referred-By", 'b', H_KNOWN),
	N("Session-Expires", 'x', H_KNOWN), N("Identity", 'y', H_KNOWN),
	N("Reject-Contact", 'j', H_KNOWN), N("Request-Disposition", 'd', H_KNOWN),
	N("Accept-Contact", 'a', H_KNOWN), N("Accept", 0, H_KNOWN), N("Accept-Encoding", 0, H_KNOWN),
	N("Accept-Language", 0, H_KNOWN), N("Alert-Info", 0, H_KNOWN), N("Allow", 0, H_KNOWN),
	N("Authentication-Info", 0, H_KNOWN), N("Authorization", 0, H_KNOWN),
	N("Call-Info", 0, H_KNOWN), N("Content-Disposition", 0, H_KNOWN),
	N("Content-Language", 0, H_KNOWN), N("Diversion", 0, H_KNOWN), N("Error-Info", 0, H_KNOWN),
	N("History-Info", 0, H_KNOWN), N("In-Reply-To", 0, H_KNOWN), N("Min-Expires", 0, H_KNOWN),
	N("Min-SE", 0, H_KNOWN), N("MIME-Version", 0, H_KNOWN), N("Organization", 0, H_KNOWN),
	N("P-Asserted-Identity", 0, H_KNOWN), N("P-Preferred-Identity", 0, H_KNOWN),
	N("Path", 0, H_KNOWN), N("Priority", 0, H_KNOWN), N("Privacy", 0, H_KNOWN),
	N("Proxy-Authenticate", 0, H_KNOWN), N("Proxy-Authorization", 0, H_KNOWN),
	N("RAck", 0, H_KNOWN), N("Reason", 0, H_KNOWN), N("Replaces", 0, H_KNOWN),
	N("Reply-To", 0, H_KNOWN), N("Retry-After", 0, H_KNOWN), N("RSeq", 0, H_KNOWN),
	N("Server", 0, H_KNOWN), N("Service-Route", 0, H_KNOWN), N("Subscription-State", 0, H_KNOWN),
	N("Timestamp", 0, H_KNOWN), N("Unsupported", 0, H_KNOWN), N("User-Agent", 0, H_KNOWN),
	N("Warning", 0, H_KNOWN), N("WWW-Authenticate", 0, H_KNOWN),
};
#undef N

/* names[] by the first letter of the name (255 ends a row), and the entry of
 * each compact form: generated from names[] above, in its order. */
static const unsigned char by_letter[26][14] = {
	/* a */ { 19, 26, 27, 28, 29, 30, 31, 32, 33, 255 },
	/* b */ { 255 },
	/* c */ { 3, 4, 5, 7, 8, 16, 34, 35, 36, 255 },
	/* d */ { 15, 37, 255 },
	/* e */ { 11, 18, 38, 255 },
	/* f */ { 1, 255 },
	/* g */ { 255 },
	/* h */ { 39, 255 },
	/* i */ { 23, 40, 255 },
	/* j */ { 255 },
	/* k */ { 255 },
	/* l */ { 255 },
	/* m */ { 6, 41, 42, 43, 255 },
	/* n */ { 255 },
	/* o */ { 44, 255 },
	/* p */ { 14, 45, 46, 47, 48, 49, 50, 51, 255 },
	/* q */ { 255 },
	/* r */ { 9, 10, 13, 20, 21, 24, 25, 52, 53, 54, 55, 56, 57, 255 },
	/* s */ { 12, 17, 22, 58, 59, 60, 255 },
	/* t */ { 2, 61, 255 },
	/* u */ { 62, 63, 255 },
	/* v */ { 0, 255 },
	/* w */ { 64, 65, 255 },
	/* x */ { 255 },
	/* y */ { 255 },
	/* z */ { 255 },
};
static const unsigned char by_compact[26] = { 26, 21, 7, 25, 16, 1, 255, 255, 3, 24, 12, 8, 5, 255, 18, 255, 255, 20, 17, 2, 19, 0, 255, 22, 23, 255 };

const char *sip__canon_name(const char *name, size_t len, enum sip__hid *id)
{
	*id = H_OTHER;
	if (len == 0)
		return NULL;
	unsigned char first = (unsigned char)(name[0] | 0x20);
	if (first < 'a' || first > 'z')
		return NULL; /* every known name starts with a letter */
	if (len == 1) {
		unsigned k = by_compact[first - 'a'];
		if (k == 255)
			return NULL;
		*id = names[k].id;
		return names[k].name;
	}
	for (const unsigned char *k = by_letter[first - 'a']; *k != 255; k++) {
		if (len == names[*k].len && strncasecmp(name, names[*k].name, len) == 0) {
			*id = names[*k].id;
			return names[*k].name;
		}
	}
	return NULL;
}

int sip__names_check(void)
{
	size_t n = sizeof(names) / sizeof(names[0]);
	size_t listed = 0;
	for (unsigned l = 0; l < 26; l++)
		for (const unsigned char *k = by_letter[l]; *k != 255; k++, listed++)
			if (*k >= n || (unsigned char)(names[*k].name[0] | 0x20) != 'a' + l)
				return -1;
	if (listed != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		enum sip__hid id;
		if (names[i].len != strlen(names[i].name) ||
		    sip__canon_name(names[i].name, names[i].len, &id) != names[i].name || id != names[i].id)
			return -1;
		if (names[i].compact && (sip__canon_name(&names[i].compact, 1, &id) != names[i].name ||
					 id != names[i].id))
			return -1;
	}
	for (unsigned l = 0; l < 26; l++)
		if (by_compact[l] != 255 && names[by_compact[l]].compact != 'a' + (int)l)
			return -1;
	return 0;
}

enum sip__hid sip__hid(const char *name)
{
	enum sip__hid id;
	sip__canon_name(name, strlen(name), &id);
	return id;
}

/* ---- header parameters ---- */

/* A quoted string at s[*pos] (which is '"'): advance past the closing quote. */
static int skip_quoted(const char *s, size_t len, size_t *pos)
{
	size_t i = *pos + 1;
	while (i < len) {
		if (s[i] == '\\') {
			if (i + 1 >= len || s[i + 1] == '\r' || s[i + 1] == '\n')
				return -EINVAL;
			i += 2;
			continue;
		}
		if (s[i] == '"') {
			*pos = i + 1;
			return 0;
		}
		if (s[i] == '\r' || s[i] == '\n')
			return -EINVAL;
		i++;
	}
	return -EINVAL;
}

static bool gvalue_c(unsigned char c)
{
	return sip__tokenc(c) || c == ':' || c == '[' || c == ']';
}

int sip__hparams_parse(const char *s, size_t len, size_t *pos, struct sip_param **out,
		       size_t *n)
{
	size_t i = *pos;

	for (;;) {
		sip__skip_ws(s, len, &i);
		if (i >= len || s[i] == ',')
			break;
		if (s[i] != ';')
			return -EINVAL;
		i++;
		sip__skip_ws(s, len, &i);
		size_t ns = i;
		while (i < len && sip__tokenc((unsigned char)s[i]))
			i++;
		size_t nlen = i - ns, vs = i, vlen = 0;
		bool has = false;
		if (nlen == 0)
			return -EINVAL;
		sip__skip_ws(s, len, &i);
		if (i < len && s[i] == '=') {
			i++;
			sip__skip_ws(s, len, &i);
			has = true;
			vs = i;
			if (i < len && s[i] == '"') {
				if (skip_quoted(s, len, &i))
					return -EINVAL;
			} else {
				while (i < len && gvalue_c((unsigned char)s[i]))
					i++;
			}
			vlen = i - vs;
			if (vlen == 0)
				return -EINVAL;
		} else {
			i = vs;
		}
		if (*n >= SIP_URI_MAX_PARAMS)
			return -EINVAL;
		int rc = sip__params_add(out, n, s + ns, nlen, s + vs, vlen, has);
		if (rc)
			return rc;
	}
	*pos = i;
	return 0;
}

/* ---- URIs in headers ---- */

bool sip__other_uri(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return false;
	while (i < len && (sip__alnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
			   s[i] == '.'))
		i++;
	if (i == len || s[i] != ':' || i + 1 == len)
		return false;
	if (sip__strncaseeq(s, i, "sip") || sip__strncaseeq(s, i, "sips") ||
	    sip__strncaseeq(s, i, "tel"))
		return false;
	for (i++; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return false;
	}
	return true;
}

/* Parse a URI that may be of another scheme: 0 with *out NULL for one. */
static int uri_or_other(const char *s, size_t len, struct sip_uri **out)
{
	int rc = sip_uri_parse(out, s, len);
	if (rc == -ENOMEM)
		return rc;
	if (rc && !sip__other_uri(s, len))
		return -EINVAL;
	return 0;
}

/* ---- name-addr ---- */

void sip__na_clear(struct sip_nameaddr *na)
{
	free(na->display);
	free(na->uri_text);
	sip_uri_free(na->uri);
	sip__params_free(na->params, na->nparams);
	memset(na, 0, sizeof(*na));
}

void sip_nameaddr_free(struct sip_nameaddr *na)
{
	if (!na)
		return;
	sip__na_clear(na);
	free(na);
}

/* One name-addr or addr-spec with parameters from s[*pos]; stops before ','
 * or at len.  na must be zeroed; on error it is cleared. */
int sip__na_parse_at(const char *s, size_t len, size_t *pos, struct sip_nameaddr *na)
{
	size_t i = *pos, ds = 0, de = 0, us, ue;
	bool angle = false, quoted = false;
	int rc = -EINVAL;

	sip__skip_ws(s, len, &i);
	if (i < len && s[i] == '"') {
		ds = i + 1;
		quoted = true;
		if (skip_quoted(s, len, &i))
			goto cleanup;
		de = i - 1;
		sip__skip_ws(s, len, &i);
		if (i >= len || s[i] != '<')
			goto cleanup;
		angle = true;
	} else if (i < len && s[i] != '<') {
		/* tokens then '<' (display name), or an addr-spec */
		size_t k = i, last = i;
		while (k < len && (sip__tokenc((unsigned char)s[k]) || sip__ws((unsigned char)s[k]) ||
				   (unsigned char)s[k] >= 0x80)) {
			if (!sip__ws((unsigned char)s[k]))
				last = k + 1;
			k++;
		}
		if (k < len && s[k] == '<') {
			ds = i;
			de = last;
			i = k;
			angle = true;
		}
	} else if (i < len) {
		angle = true;
	}
	if (angle) {
		us = ++i;
		while (i < len && s[i] != '>')
			i++;
		if (i >= len)
			goto cleanup;
		ue = i++;
	} else {
		us = i;
		while (i < len && s[i] != ';' && s[i] != ',' && !sip__ws((unsigned char)s[i]))
			i++;
		ue = i;
		if (memchr(s + us, '?', ue - us))
			goto cleanup; /* RFC 4475 regbadct: must be in <> */
	}
	if (ue == us)
		goto cleanup;
	rc = uri_or_other(s + us, ue - us, &na->uri);
	if (rc)
		goto cleanup;
	rc = -ENOMEM;
	if (de > ds && !(na->display = sip__strndup(s + ds, de - ds)))
		goto cleanup;
	if (quoted && de == ds && !(na->display = sip__strndup("", 0)))
		goto cleanup;
	if (!(na->uri_text = sip__strndup(s + us, ue - us)))
		goto cleanup;
	rc = sip__hparams_parse(s, len, &i, &na->params, &na->nparams);
	if (rc)
		goto cleanup;
	na->tag = sip_param_get(na->params, na->nparams, "tag");
	rc = -EINVAL;
	if (na->tag && !*na->tag)
		goto cleanup; /* tag-param = "tag" EQUAL token */
	rc = 0;
	*pos = i;
cleanup:
	if (rc)
		sip__na_clear(na);
	return rc;
}

int sip_nameaddr_parse(struct sip_nameaddr **out, const char *s, size_t len)
{
	struct sip_nameaddr *na = calloc(1, sizeof(*na));
	size_t pos = 0;
	int rc;

	*out = NULL;
	if (!na)
		return -ENOMEM;
	rc = sip__na_parse_at(s, len, &pos, na);
	if (!rc && pos != len) {
		sip__na_clear(na);
		rc = -EINVAL;
	}
	if (rc) {
		free(na);
		return rc;
	}
	*out = na;
	return 0;
}

int sip_nameaddr_print(const struct sip_nameaddr *na, struct buf *out)
{
	int rc = 0;

	if (na->display)
		rc = buf_printf(out, "\"%s\" ", na->display);
	if (!rc)
		rc = buf_printf(out, "<%s>", na->uri_text);
	for (size_t i = 0; i < na->nparams && !rc; i++) {
		rc = buf_printf(out, ";%s", na->params[i].name);
		if (!rc && na->params[i].value)
			rc = buf_printf(out, "=%s", na->params[i].value);
	}
	return rc;
}
