/* uri.c - SIP, SIPS and tel URIs: parse, print, build (see uri.h).  Comparison
 * and the %XX decoder are in uri_cmp.c. */
#include "sip/uri.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "sip/msg_int.h"

/* user = 1*( unreserved / escaped / user-unreserved ) */
static bool user_c(unsigned char c)
{
	return sip__unreserved(c) || (c && strchr("&=+$,;?/", c) != NULL);
}
/* password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
static bool pass_c(unsigned char c)
{
	return sip__unreserved(c) || (c && strchr("&=+$,", c) != NULL);
}
/* paramchar = param-unreserved / unreserved / escaped */
static bool param_c(unsigned char c)
{
	return sip__unreserved(c) || (c && strchr("[]/:&+$", c) != NULL);
}
/* hname / hvalue characters */
static bool hdr_c(unsigned char c)
{
	return sip__unreserved(c) || (c && strchr("[]/?:+$", c) != NULL);
}

/* Every byte of s[0..len) is in class ok or a valid %XX escape. */
static bool run_ok(const char *s, size_t len, bool (*ok)(unsigned char))
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len || !sip__hex((unsigned char)s[i + 1]) ||
			    !sip__hex((unsigned char)s[i + 2]))
				return false;
			i += 2;
		} else if (!ok(c)) {
			return false;
		}
	}
	return true;
}

const char *sip_uri_scheme_name(enum sip_uri_scheme s)
{
	switch (s) {
	case SIP_URI_SIPS: return "sips";
	case SIP_URI_TEL: return "tel";
	default: return "sip";
	}
}

void sip_uri_free(struct sip_uri *u)
{
	if (!u)
		return;
	free(u->user);
	sip__params_free(u->user_params, u->nuser_params);
	free(u->password);
	free(u->host);
	sip__params_free(u->params, u->nparams);
	sip__params_free(u->headers, u->nheaders);
	free(u);
}

/* Split ";a=b;c" (s[0..len), starting with ';') into a parameter list.  sep
 * separates items, ok validates names and values.  -EINVAL on an empty name. */
static int split_params(const char *s, size_t len, char sep, bool (*ok)(unsigned char),
			struct sip_param **out, size_t *n)
{
	size_t i = 0;

	while (i < len) {
		if (s[i] != sep)
			return -EINVAL;
		i++;
		size_t ns = i;
		while (i < len && s[i] != sep && s[i] != '=')
			i++;
		size_t nlen = i - ns, vs = i, vlen = 0;
		bool has = false;
		if (i < len && s[i] == '=') {
			has = true;
			vs = ++i;
			while (i < len && s[i] != sep)
				i++;
			vlen = i - vs;
		}
		if (nlen == 0 || !run_ok(s + ns, nlen, ok) || !run_ok(s + vs, vlen, ok))
			return -EINVAL;
		if (*n >= SIP_URI_MAX_PARAMS)
			return -EINVAL;
		/* a name given twice has no defined meaning (and breaks 19.1.4) */
		for (size_t k = 0; k < *n; k++)
			if (sip__esc_caseeq(s + ns, nlen, (*out)[k].name))
				return -EINVAL;
		int rc = sip__params_add(out, n, s + ns, nlen, s + vs, vlen, has);
		if (rc)
			return rc;
	}
	return 0;
}

/* Derive user_len_base and user_params from user (RFC 4904).  Malformed user
 * parameters are not an error: the user is then one opaque string. */
static int split_user(struct sip_uri *u)
{
	sip__params_free(u->user_params, u->nuser_params);
	u->user_params = NULL;
	u->nuser_params = 0;
	if (!u->user)
		return 0;
	size_t len = strlen(u->user);
	const char *semi = memchr(u->user, ';', len);
	u->user_len_base = semi ? (size_t)(semi - u->user) : len;
	if (!semi)
		return 0;
	int rc = split_params(semi, len - u->user_len_base, ';', param_c, &u->user_params,
			      &u->nuser_params);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		sip__params_free(u->user_params, u->nuser_params);
		u->user_params = NULL;
		u->nuser_params = 0;
	}
	return 0;
}

/* Validate a host s[0..len); sets *type. */
int sip__check_host(const char *s, size_t len, enum sip_host_type *type)
{
	if (len == 0)
		return -EINVAL;
	if (s[0] == '[') {
		if (len < 4 || s[len - 1] != ']')
			return -EINVAL;
		size_t colons = 0;
		for (size_t i = 1; i + 1 < len; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == ':')
				colons++;
			else if (!sip__hex(c) && c != '.')
				return -EINVAL;
		}
		if (colons < 2)
			return -EINVAL;
		*type = SIP_HOST_IPV6;
		return 0;
	}
	bool numeric = true;
	size_t dots = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.')
			dots++;
		else if (!sip__digit(c))
			numeric = false;
		if (!sip__alnum(c) && c != '-' && c != '.' && c != '_')
			return -EINVAL;
	}
	if (s[0] == '.' || s[0] == '-')
		return -EINVAL;
	if (numeric) {
		/* IPv4: four decimal octets */
		unsigned long v;
		size_t st = 0, parts = 0;
		if (dots != 3)
			return -EINVAL;
		for (size_t i = 0; i <= len; i++) {
			if (i == len || s[i] == '.') {
				if (i == st || i - st > 3 ||
				    sip__parse_ulong(s + st, i - st, 255, &v))
					return -EINVAL;
				parts++;
				st = i + 1;
			}
		}
		*type = SIP_HOST_IPV4;
		return parts == 4 ? 0 : -EINVAL;
	}
	*type = SIP_HOST_NAME;
	return 0;
}

static int parse_tel(struct sip_uri *u, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] != ';')
		i++;
	if (i == 0)
		return -EINVAL;
	for (size_t k = 0; k < i; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == '%') {
			if (k + 2 >= i || !sip__hex((unsigned char)s[k + 1]) ||
			    !sip__hex((unsigned char)s[k + 2]))
				return -EINVAL;
			k += 2;
		} else if (!sip__hex(c) && (!c || !strchr("+*#-.()", c))) {
			return -EINVAL;
		}
	}
	u->user = sip__strndup(s, i);
	if (!u->user)
		return -ENOMEM;
	u->user_len_base = i;
	return split_params(s + i, len - i, ';', param_c, &u->params, &u->nparams);
}

int sip_uri_parse(struct sip_uri **out, const char *s, size_t len)
{
	struct sip_uri *u = NULL;
	size_t i = 0, colon;
	int rc = -EINVAL;

	*out = NULL;
	if (!s || len == 0 || len > SIP_URI_MAX)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	while (i < len && s[i] != ':')
		i++;
	if (i == len)
		goto cleanup;
	colon = i;
	if (sip__strncaseeq(s, colon, "sip"))
		u->scheme = SIP_URI_SIP;
	else if (sip__strncaseeq(s, colon, "sips"))
		u->scheme = SIP_URI_SIPS;
	else if (sip__strncaseeq(s, colon, "tel"))
		u->scheme = SIP_URI_TEL;
	else
		goto cleanup;
	s += colon + 1;
	len -= colon + 1;
	if (u->scheme == SIP_URI_TEL) {
		rc = parse_tel(u, s, len);
		goto cleanup;
	}

	/* userinfo: up to the first '@', if any */
	const char *at = memchr(s, '@', len);
	if (at) {
		size_t ulen = (size_t)(at - s);
		const char *pc = memchr(s, ':', ulen);
		size_t nlen = pc ? (size_t)(pc - s) : ulen;
		if (nlen == 0 || !run_ok(s, nlen, user_c))
			goto cleanup;
		if (pc && !run_ok(pc + 1, ulen - nlen - 1, pass_c))
			goto cleanup;
		u->user = sip__strndup(s, nlen);
		if (pc)
			u->password = sip__strndup(pc + 1, ulen - nlen - 1);
		if (!u->user || (pc && !u->password)) {
			rc = -ENOMEM;
			goto cleanup;
		}
		s = at + 1;
		len -= ulen + 1;
	}

	/* hostport */
	i = 0;
	if (i < len && s[i] == '[') {
		while (i < len && s[i] != ']')
			i++;
		if (i == len)
			goto cleanup;
		i++;
	} else {
		while (i < len && s[i] != ':' && s[i] != ';' && s[i] != '?')
			i++;
	}
	if (sip__check_host(s, i, &u->host_type))
		goto cleanup;
	u->host = sip__strndup(s, i);
	if (!u->host) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (i < len && s[i] == ':') {
		size_t ps = ++i;
		unsigned long port;
		while (i < len && sip__digit((unsigned char)s[i]))
			i++;
		if (i == ps || i - ps > 5 || sip__parse_ulong(s + ps, i - ps, 65535, &port) ||
		    port == 0)
			goto cleanup;
		u->port = (int)port;
	}

	/* parameters, then headers */
	size_t ps = i;
	while (i < len && s[i] != '?')
		i++;
	rc = split_params(s + ps, i - ps, ';', param_c, &u->params, &u->nparams);
	if (rc)
		goto cleanup;
	if (i < len) {
		if (i + 1 == len) {
			rc = -EINVAL;
			goto cleanup;
		}
		/* "?a=b&c=d": make the first separator look like the others */
		size_t hs = i + 1;
		rc = -EINVAL;
		if (s[hs] == '&')
			goto cleanup;
		char *tmp = sip__strndup(s + i, len - i);
		if (!tmp) {
			rc = -ENOMEM;
			goto cleanup;
		}
		tmp[0] = '&';
		rc = split_params(tmp, len - i, '&', hdr_c, &u->headers, &u->nheaders);
		free(tmp);
		if (rc)
			goto cleanup;
	}
	rc = split_user(u);

cleanup:
	if (rc) {
		sip_uri_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

int sip_uri_new(struct sip_uri **out, enum sip_uri_scheme scheme, const char *user,
		const char *host, int port)
{
	struct sip_uri *u;
	int rc = -EINVAL;

	*out = NULL;
	if ((scheme == SIP_URI_TEL && !user) || (scheme != SIP_URI_TEL && !host) ||
	    port < 0 || port > 65535)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->scheme = scheme;
	if (user && !(u->user = strdup(user))) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (scheme != SIP_URI_TEL) {
		rc = sip_uri_set_host(u, host, port);
		if (rc)
			goto cleanup;
	}
	rc = split_user(u);
cleanup:
	if (rc) {
		sip_uri_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

int sip_uri_dup(struct sip_uri **out, const struct sip_uri *src)
{
	struct sip_uri *u;
	int rc = -ENOMEM;

	*out = NULL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->scheme = src->scheme;
	u->host_type = src->host_type;
	u->port = src->port;
	u->user_len_base = src->user_len_base;
	if ((src->user && !(u->user = strdup(src->user))) ||
	    (src->password && !(u->password = strdup(src->password))) ||
	    (src->host && !(u->host = strdup(src->host))))
		goto cleanup;
	if (sip__params_dup(&u->params, &u->nparams, src->params, src->nparams) ||
	    sip__params_dup(&u->headers, &u->nheaders, src->headers, src->nheaders) ||
	    sip__params_dup(&u->user_params, &u->nuser_params, src->user_params,
			    src->nuser_params))
		goto cleanup;
	rc = 0;
cleanup:
	if (rc) {
		sip_uri_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

static int print_params(struct buf *out, const struct sip_param *p, size_t n, char first,
			char sep)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char c = i == 0 ? first : sep;
		rc = buf_append(out, &c, 1);
		if (!rc)
			rc = buf_puts(out, p[i].name);
		if (!rc && p[i].value)
			rc = buf_printf(out, "=%s", p[i].value);
	}
	return rc;
}

int sip_uri_print(const struct sip_uri *u, struct buf *out)
{
	int rc = buf_printf(out, "%s:", sip_uri_scheme_name(u->scheme));
	if (rc)
		return rc;
	if (u->scheme == SIP_URI_TEL) {
		rc = buf_puts(out, u->user ? u->user : "");
		return rc ? rc : print_params(out, u->params, u->nparams, ';', ';');
	}
	if (u->user) {
		rc = buf_puts(out, u->user);
		if (!rc && u->password)
			rc = buf_printf(out, ":%s", u->password);
		if (!rc)
			rc = buf_puts(out, "@");
	}
	if (!rc)
		rc = buf_puts(out, u->host ? u->host : "");
	if (!rc && u->port)
		rc = buf_printf(out, ":%d", u->port);
	if (!rc)
		rc = print_params(out, u->params, u->nparams, ';', ';');
	if (!rc)
		rc = print_params(out, u->headers, u->nheaders, '?', '&');
	return rc;
}

int sip_uri_to_string(char **out, const struct sip_uri *u)
{
	struct buf b = BUF_INIT;
	int rc = sip_uri_print(u, &b);

	*out = NULL;
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = b.p ? b.p : strdup("");
	return *out ? 0 : -ENOMEM;
}

const char *sip_uri_param(const struct sip_uri *u, const char *name)
{
	return sip_param_get(u->params, u->nparams, name);
}

const char *sip_uri_user_param(const struct sip_uri *u, const char *name)
{
	return sip_param_get(u->user_params, u->nuser_params, name);
}

const char *sip_uri_header(const struct sip_uri *u, const char *name)
{
	return sip_param_get(u->headers, u->nheaders, name);
}

int sip_uri_set_param(struct sip_uri *u, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = value ? strlen(value) : 0;

	if (nlen == 0 || !run_ok(name, nlen, param_c) || (value && !run_ok(value, vlen, param_c)))
		return -EINVAL;
	for (size_t i = 0; i < u->nparams; i++) {
		if (strcasecmp(u->params[i].name, name) == 0) {
			struct sip_param np;
			/* the name as stored (its case kept), the new value */
			int rc = sip__param_make(&np, u->params[i].name, strlen(u->params[i].name),
						 value ? value : "", vlen, value != NULL);
			if (rc)
				return rc;
			free(u->params[i].name);
			u->params[i] = np;
			return 0;
		}
	}
	if (u->nparams >= SIP_URI_MAX_PARAMS)
		return -E2BIG;
	return sip__params_add(&u->params, &u->nparams, name, nlen, value ? value : "", vlen,
			       value != NULL);
}

int sip_uri_del_param(struct sip_uri *u, const char *name)
{
	for (size_t i = 0; i < u->nparams; i++) {
		if (strcasecmp(u->params[i].name, name) == 0) {
			free(u->params[i].name);
			memmove(&u->params[i], &u->params[i + 1],
				(u->nparams - i - 1) * sizeof(u->params[0]));
			u->nparams--;
			return 0;
		}
	}
	return -ENOENT;
}

int sip_uri_set_host(struct sip_uri *u, const char *host, int port)
{
	enum sip_host_type type;
	char *h;
	size_t len = strlen(host);

	if (u->scheme == SIP_URI_TEL || port > 65535)
		return -EINVAL;
	if (len && host[0] != '[' && memchr(host, ':', len)) {
		if (len > 64)
			return -EINVAL;
		char tmp[70];
		snprintf(tmp, sizeof(tmp), "[%s]", host);
		if (sip__check_host(tmp, len + 2, &type))
			return -EINVAL;
		h = strdup(tmp);
	} else {
		if (sip__check_host(host, len, &type))
			return -EINVAL;
		h = strdup(host);
	}
	if (!h)
		return -ENOMEM;
	free(u->host);
	u->host = h;
	u->host_type = type;
	if (port >= 0)
		u->port = port;
	return 0;
}

/* Append s escaped: bytes outside class ok become %XX. */
static int put_escaped(struct buf *b, const char *s, bool (*ok)(unsigned char))
{
	int rc = 0;
	for (; *s && !rc; s++) {
		unsigned char c = (unsigned char)*s;
		if (ok(c) && c != '%' && c != ';' && c != '=')
			rc = buf_append(b, s, 1);
		else
			rc = buf_printf(b, "%%%02X", c);
	}
	return rc;
}

int sip_uri_set_user(struct sip_uri *u, const char *number, const struct sip_param *up,
		     size_t n)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	if (!number) {
		if (u->scheme == SIP_URI_TEL || n)
			return -EINVAL;
		free(u->user);
		u->user = NULL;
		return split_user(u);
	}
	if (!*number || n > SIP_URI_MAX_PARAMS)
		return -EINVAL;
	rc = put_escaped(&b, number, user_c);
	for (size_t i = 0; i < n && !rc; i++) {
		if (!up[i].name || !*up[i].name) {
			rc = -EINVAL;
			break;
		}
		rc = buf_puts(&b, ";");
		if (!rc)
			rc = put_escaped(&b, up[i].name, param_c);
		if (!rc && up[i].value) {
			rc = buf_puts(&b, "=");
			if (!rc)
				rc = put_escaped(&b, up[i].value, param_c);
		}
	}
	if (rc)
		goto cleanup;
	free(u->user);
	u->user = b.p;
	b.p = NULL;
	rc = split_user(u);
cleanup:
	buf_free(&b);
	return rc;
}

int sip_uri_user_number(char *out, size_t outsz, const struct sip_uri *u)
{
	size_t n;
	int rc;

	if (!u->user)
		return -ENOENT;
	if (outsz == 0)
		return -ENOSPC;
	rc = sip_uri_unescape(out, outsz - 1, &n, u->user, u->user_len_base);
	if (rc)
		return rc;
	out[n] = '\0';
	return 0;
}
