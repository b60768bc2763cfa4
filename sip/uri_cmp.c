/* uri_cmp.c - URI comparison (RFC 3261 19.1.4, RFC 3966 for tel:) and the %XX
 * decoder (see uri.h). */
#include "sip/uri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/msg_int.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

int sip_uri_unescape(char *out, size_t outsz, size_t *outlen, const char *in, size_t inlen)
{
	size_t o = 0;

	*outlen = 0;
	for (size_t i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '%') {
			if (i + 2 >= inlen || !sip__hex((unsigned char)in[i + 1]) ||
			    !sip__hex((unsigned char)in[i + 2]))
				return -EINVAL;
			c = (unsigned char)(hexval((unsigned char)in[i + 1]) * 16 +
					    hexval((unsigned char)in[i + 2]));
			i += 2;
		}
		if (o >= outsz)
			return -ENOSPC;
		out[o++] = (char)c;
	}
	*outlen = o;
	return 0;
}

/* Next decoded byte of s[0..len) from *i (a bad escape is taken literally). */
static int next_byte(const char *s, size_t len, size_t *i)
{
	if (*i >= len)
		return -1;
	unsigned char c = (unsigned char)s[*i];
	if (c == '%' && *i + 2 < len && sip__hex((unsigned char)s[*i + 1]) &&
	    sip__hex((unsigned char)s[*i + 2])) {
		c = (unsigned char)(hexval((unsigned char)s[*i + 1]) * 16 +
				    hexval((unsigned char)s[*i + 2]));
		*i += 3;
	} else {
		(*i)++;
	}
	return c;
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static bool esc_eq_n(const char *a, size_t la, const char *b, size_t lb, bool icase)
{
	size_t i = 0, j = 0;

	for (;;) {
		int x = next_byte(a, la, &i), y = next_byte(b, lb, &j);
		if (icase) {
			x = lower(x);
			y = lower(y);
		}
		if (x != y)
			return false;
		if (x < 0)
			return true;
	}
}

/* Compare two escaped strings after decoding; NULL equals only NULL. */
static bool esc_eq(const char *a, const char *b, bool icase)
{
	if (!a || !b)
		return a == b;
	return esc_eq_n(a, strlen(a), b, strlen(b), icase);
}

bool sip__esc_caseeq(const char *a, size_t alen, const char *b)
{
	return esc_eq_n(a, alen, b, strlen(b), true);
}

static bool host_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	if (a[0] == '[' && b[0] == '[') {
		char x[64], y[64];
		unsigned char ax[16], bx[16];
		size_t la = strlen(a), lb = strlen(b);
		if (la - 2 < sizeof(x) && lb - 2 < sizeof(y)) {
			memcpy(x, a + 1, la - 2);
			x[la - 2] = '\0';
			memcpy(y, b + 1, lb - 2);
			y[lb - 2] = '\0';
			if (inet_pton(AF_INET6, x, ax) == 1 && inet_pton(AF_INET6, y, bx) == 1)
				return memcmp(ax, bx, 16) == 0;
		}
	}
	return strcasecmp(a, b) == 0;
}

/* Find a parameter by name, names compared case-insensitively after decoding. */
static const struct sip_param *pfind(const struct sip_param *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (esc_eq(p[i].name, name, true))
			return &p[i];
	return NULL;
}

static bool pval_eq(const struct sip_param *x, const struct sip_param *y, bool icase)
{
	return esc_eq(x->value ? x->value : "", y->value ? y->value : "", icase);
}

static bool must_match(const char *name)
{
	static const char *const m[] = { "user", "ttl", "method", "maddr", "transport" };
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (esc_eq(name, m[i], true))
			return true;
	return false;
}

/* tel: numbers compare without visual separators, hex digits case-insensitive. */
static bool telnum_eq(const char *a, const char *b)
{
	size_t i = 0, j = 0, la = strlen(a), lb = strlen(b);
	for (;;) {
		int x, y;
		do
			x = lower(next_byte(a, la, &i));
		while (x == '-' || x == '.' || x == '(' || x == ')');
		do
			y = lower(next_byte(b, lb, &j));
		while (y == '-' || y == '.' || y == '(' || y == ')');
		if (x != y)
			return false;
		if (x < 0)
			return true;
	}
}

static bool tel_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (!telnum_eq(a->user, b->user) || a->nparams != b->nparams)
		return false;
	for (size_t i = 0; i < a->nparams; i++) {
		const struct sip_param *q = pfind(b->params, b->nparams, a->params[i].name);
		if (!q || !pval_eq(&a->params[i], q, true))
			return false;
	}
	return true;
}

bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (!a || !b || a->scheme != b->scheme)
		return false;
	if (a->scheme == SIP_URI_TEL)
		return tel_equal(a, b);
	if (!esc_eq(a->user, b->user, false) || !esc_eq(a->password, b->password, false) ||
	    !host_eq(a->host, b->host) || a->port != b->port)
		return false;
	/* parameters: the special ones must be in both when in either; others
	 * only compared when present in both */
	for (int pass = 0; pass < 2; pass++) {
		const struct sip_uri *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < x->nparams; i++) {
			const struct sip_param *q = pfind(y->params, y->nparams, x->params[i].name);
			if (!q) {
				if (must_match(x->params[i].name))
					return false;
				continue;
			}
			if (!pval_eq(&x->params[i], q, true))
				return false;
		}
		/* headers: all must be present in both and equal */
		for (size_t i = 0; i < x->nheaders; i++) {
			const struct sip_param *q = pfind(y->headers, y->nheaders, x->headers[i].name);
			if (!q || !pval_eq(&x->headers[i], q, false))
				return false;
		}
	}
	return true;
}
