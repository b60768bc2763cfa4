/* hdr_view.c - the structured views of a message's headers (Via, From, To,
 * Call-ID, CSeq, Contact, Route, Record-Route, Max-Forwards, Expires,
 * Content-Type, Content-Length, Supported/Require/Proxy-Require), built from
 * sip_msg.hdrs[] (see msg.h). */
#include "sip/msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/msg_int.h"

static void via_clear(struct sip_via *v)
{
	free(v->transport);
	free(v->host);
	sip__params_free(v->params, v->nparams);
	memset(v, 0, sizeof(*v));
}

static void na_list_free(struct sip_nameaddr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		sip__na_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void tok_list_free(struct sip_token_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Release the view of one header identity and mark it absent. */
static void view_clear(struct sip_msg *m, enum sip__hid id)
{
	switch (id) {
	case H_VIA:
		for (size_t i = 0; i < m->nvia; i++)
			via_clear(&m->via[i]);
		free(m->via);
		m->via = NULL;
		m->nvia = 0;
		break;
	case H_FROM:
		sip_nameaddr_free(m->from);
		m->from = NULL;
		break;
	case H_TO:
		sip_nameaddr_free(m->to);
		m->to = NULL;
		break;
	case H_CALL_ID:
		m->call_id = NULL;
		break;
	case H_CSEQ:
		m->cseq = 0;
		m->cseq_method = SIP_METHOD_UNKNOWN;
		m->cseq_method_name = NULL;
		break;
	case H_CONTACT:
		na_list_free(&m->contact);
		m->contact_star = false;
		break;
	case H_ROUTE:
		na_list_free(&m->route);
		break;
	case H_RECORD_ROUTE:
		na_list_free(&m->record_route);
		break;
	case H_MAX_FORWARDS:
		m->max_forwards = -1;
		break;
	case H_EXPIRES:
		m->expires = -1;
		break;
	case H_CONTENT_TYPE:
		m->content_type = NULL;
		break;
	case H_CONTENT_LENGTH:
		m->content_length = -1;
		break;
	case H_SUPPORTED:
		tok_list_free(&m->supported);
		break;
	case H_REQUIRE:
		tok_list_free(&m->require);
		break;
	case H_PROXY_REQUIRE:
		tok_list_free(&m->proxy_require);
		break;
	default:
		break;
	}
}

void sip__views_free(struct sip_msg *m)
{
	for (int id = H_OTHER; id < H_KNOWN; id++)
		view_clear(m, (enum sip__hid)id);
}

/* sent-protocol LWS sent-by *( SEMI via-params ), from s[*pos]. */
static int via_parse_at(const char *s, size_t len, size_t *pos, struct sip_via *v)
{
	size_t i = *pos, st;
	const char *want[2] = { "SIP", "2.0" };
	int rc = -EINVAL;

	for (int k = 0; k < 3; k++) {
		sip__skip_ws(s, len, &i);
		st = i;
		while (i < len && sip__tokenc((unsigned char)s[i]))
			i++;
		if (i == st)
			goto cleanup;
		if (k < 2 && !sip__strncaseeq(s + st, i - st, want[k]))
			goto cleanup;
		if (k == 2) {
			if (!(v->transport = sip__strndup(s + st, i - st))) {
				rc = -ENOMEM;
				goto cleanup;
			}
			for (char *p = v->transport; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 32);
			break;
		}
		sip__skip_ws(s, len, &i);
		if (i >= len || s[i] != '/')
			goto cleanup;
		i++;
	}
	st = i;
	sip__skip_ws(s, len, &i);
	if (i == st)
		goto cleanup;
	st = i;
	if (i < len && s[i] == '[') {
		while (i < len && s[i] != ']')
			i++;
		if (i < len)
			i++;
	} else {
		while (i < len && (sip__alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.' ||
				   s[i] == '_'))
			i++;
	}
	enum sip_host_type ht;
	if (sip__check_host(s + st, i - st, &ht))
		goto cleanup;
	if (!(v->host = sip__strndup(s + st, i - st))) {
		rc = -ENOMEM;
		goto cleanup;
	}
	sip__skip_ws(s, len, &i);
	if (i < len && s[i] == ':') {
		unsigned long port;
		i++;
		sip__skip_ws(s, len, &i);
		st = i;
		while (i < len && sip__digit((unsigned char)s[i]))
			i++;
		if (i - st > 5 || sip__parse_ulong(s + st, i - st, 65535, &port) || port == 0)
			goto cleanup;
		v->port = (int)port;
	}
	rc = sip__hparams_parse(s, len, &i, &v->params, &v->nparams);
	if (rc)
		goto cleanup;
	rc = -EINVAL;
	v->branch = sip_param_get(v->params, v->nparams, "branch");
	v->received = sip_param_get(v->params, v->nparams, "received");
	if ((v->branch && !*v->branch) || (v->received && !*v->received))
		goto cleanup;
	const char *rp = sip_param_get(v->params, v->nparams, "rport");
	if (rp) {
		unsigned long port = 0;
		v->rport = true;
		if (*rp && sip__parse_ulong(rp, strlen(rp), 65535, &port))
			goto cleanup;
		v->rport_value = (int)port;
	}
	*pos = i;
	rc = 0;
cleanup:
	if (rc)
		via_clear(v);
	return rc;
}

/* Split a comma list of Via values into m->via. */
static int via_list(struct sip_msg *m, const char *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		if (m->nvia >= SIP_MAX_LIST)
			return -E2BIG;
		struct sip_via *nv = realloc(m->via, (m->nvia + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		m->via = nv;
		memset(&nv[m->nvia], 0, sizeof(*nv));
		int rc = via_parse_at(s, len, &i, &nv[m->nvia]);
		if (rc)
			return rc;
		m->nvia++;
		if (i >= len)
			return 0;
		i++; /* ',' */
	}
}

static int na_list(struct sip_nameaddr_list *l, const char *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		if (l->n >= SIP_MAX_LIST)
			return -E2BIG;
		struct sip_nameaddr *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		memset(&nv[l->n], 0, sizeof(*nv));
		int rc = sip__na_parse_at(s, len, &i, &nv[l->n]);
		if (rc)
			return rc;
		l->n++;
		if (i >= len)
			return 0;
		i++;
	}
}

static int tok_list(struct sip_token_list *l, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		sip__skip_ws(s, len, &i);
		size_t st = i;
		while (i < len && sip__tokenc((unsigned char)s[i]))
			i++;
		size_t e = i;
		sip__skip_ws(s, len, &i);
		if (i < len && s[i] != ',')
			return -EINVAL;
		i++;
		if (e == st)
			continue;
		if (l->n >= SIP_MAX_LIST)
			return -E2BIG;
		char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		if (!(nv[l->n] = sip__strndup(s + st, e - st)))
			return -ENOMEM;
		l->n++;
	}
	return 0;
}

static int one_na(struct sip_nameaddr **out, const char *s, size_t len)
{
	if (*out)
		return -EEXIST;
	return sip_nameaddr_parse(out, s, len);
}

static int cseq_view(struct sip_msg *m, const char *v, size_t len)
{
	size_t i = 0, st;
	unsigned long n;

	while (i < len && sip__digit((unsigned char)v[i]))
		i++;
	if (i > 10 || sip__parse_ulong(v, i, 0x7fffffffUL, &n))
		return -EINVAL;
	st = i;
	sip__skip_ws(v, len, &i);
	if (i == st)
		return -EINVAL;
	st = i;
	while (i < len && sip__tokenc((unsigned char)v[i]))
		i++;
	if (i == st || i != len)
		return -EINVAL;
	m->cseq = (uint32_t)n;
	m->cseq_method_name = v + st;
	m->cseq_method = sip_method_from_str(v + st);
	return 0;
}

/* Build the view of one header field. */
static int view_one(struct sip_msg *m, const struct sip_hdr *h, enum sip__hid id)
{
	const char *v = h->value;
	size_t len = h->value_len, i;
	unsigned long n;

	switch (id) {
	case H_VIA:
		return via_list(m, v, len);
	case H_FROM:
		return one_na(&m->from, v, len);
	case H_TO:
		return one_na(&m->to, v, len);
	case H_CALL_ID:
		if (m->call_id)
			return -EEXIST;
		for (i = 0; i < len; i++)
			if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
				return -EINVAL;
		if (len == 0)
			return -EINVAL;
		m->call_id = v;
		return 0;
	case H_CSEQ:
		if (m->cseq_method_name)
			return -EEXIST;
		return cseq_view(m, v, len);
	case H_CONTACT:
		if (m->contact_star)
			return -EINVAL;
		if (len == 1 && v[0] == '*') {
			if (m->contact.n)
				return -EINVAL;
			m->contact_star = true;
			return 0;
		}
		return na_list(&m->contact, v, len);
	case H_ROUTE:
		return na_list(&m->route, v, len);
	case H_RECORD_ROUTE:
		return na_list(&m->record_route, v, len);
	case H_MAX_FORWARDS:
		if (m->max_forwards >= 0)
			return -EEXIST;
		if (sip__parse_ulong(v, len, 255, &n))
			return -EINVAL;
		m->max_forwards = (int)n;
		return 0;
	case H_EXPIRES:
		if (m->expires >= 0)
			return -EEXIST;
		if (len == 0)
			return -EINVAL;
		int rc = sip__parse_ulong(v, len, 0xffffffffUL, &n);
		if (rc == -ERANGE)
			n = 0xffffffffUL; /* RFC 3261 20.19: at most 2**32-1 */
		else if (rc)
			return -EINVAL;
		m->expires = (long)n;
		return 0;
	case H_CONTENT_TYPE:
		if (m->content_type)
			return -EEXIST;
		if (len < 3 || !memchr(v, '/', len))
			return -EINVAL;
		m->content_type = v;
		return 0;
	case H_CONTENT_LENGTH:
		if (m->content_length >= 0)
			return -EEXIST;
		if (sip__parse_ulong(v, len, 0x7fffffffUL, &n))
			return -EINVAL;
		m->content_length = (long)n;
		return 0;
	case H_SUPPORTED:
		return tok_list(&m->supported, v, len);
	case H_REQUIRE:
		return tok_list(&m->require, v, len);
	case H_PROXY_REQUIRE:
		return tok_list(&m->proxy_require, v, len);
	case H_DATE:
		/* rfc1123-date ends in "GMT" (RFC 4475 baddate) */
		if (len < 5 || memcmp(v + len - 4, " GMT", 4) != 0)
			return -EINVAL;
		return 0;
	default:
		return 0;
	}
}

int sip__views_build(struct sip_msg *m, bool strict, char *err, size_t errsz)
{
	sip__views_free(m);
	for (size_t k = 0; k < m->nhdrs; k++) {
		const struct sip_hdr *h = &m->hdrs[k];
		enum sip__hid id = (enum sip__hid)h->hid;
		int rc;

		rc = view_one(m, h, id);
		if (rc == 0)
			continue;
		if (rc == -ENOMEM)
			return rc;
		if (!strict)
			continue; /* leave the bad field out, keep what was good */
		if (rc == -EEXIST)
			sip__err(err, errsz, "multiple %s headers", h->name);
		else if (rc == -E2BIG)
			sip__err(err, errsz, "too many %s values (limit %d)", h->name, SIP_MAX_LIST);
		else
			sip__err(err, errsz, "malformed %s header", h->name);
		return -EINVAL;
	}
	return 0;
}

int sip__view_first(struct sip_msg *m, const struct sip_hdr *h, enum sip__hid id)
{
	int rc = view_one(m, h, id);
	if (rc) {
		view_clear(m, id);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	return 0;
}

int sip__view_rebuild(struct sip_msg *m, enum sip__hid id)
{
	if (id == H_OTHER || id >= H_DATE)
		return 0; /* no view */
	view_clear(m, id);
	for (size_t k = 0; k < m->nhdrs; k++) {
		const struct sip_hdr *h = &m->hdrs[k];
		if ((enum sip__hid)h->hid == id && view_one(m, h, id) == -ENOMEM)
			return -ENOMEM;
	}
	return 0;
}

/* Deep copies of views, for responses built from their request. */
static int via_copy(struct sip_via *d, const struct sip_via *s)
{
	memset(d, 0, sizeof(*d));
	if (!(d->transport = strdup(s->transport)) || !(d->host = strdup(s->host)) ||
	    sip__params_dup(&d->params, &d->nparams, s->params, s->nparams)) {
		via_clear(d);
		return -ENOMEM;
	}
	d->port = s->port;
	d->branch = s->branch ? sip_param_get(d->params, d->nparams, "branch") : NULL;
	d->received = s->received ? sip_param_get(d->params, d->nparams, "received") : NULL;
	d->rport = s->rport;
	d->rport_value = s->rport_value;
	return 0;
}

static int na_copy(struct sip_nameaddr **out, const struct sip_nameaddr *s)
{
	struct sip_nameaddr *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if ((s->display && !(d->display = strdup(s->display))) ||
	    (s->uri_text && !(d->uri_text = strdup(s->uri_text))) ||
	    (s->uri && sip_uri_dup(&d->uri, s->uri)) ||
	    sip__params_dup(&d->params, &d->nparams, s->params, s->nparams)) {
		sip_nameaddr_free(d);
		return -ENOMEM;
	}
	d->tag = s->tag ? sip_param_get(d->params, d->nparams, "tag") : NULL;
	*out = d;
	return 0;
}

int sip__views_for_response(struct sip_msg *m, const struct sip_msg *req, bool to_changed)
{
	int rc = 0;
	sip__views_free(m);
	for (size_t k = 0; k < m->nhdrs && rc != -ENOMEM; k++) {
		const struct sip_hdr *h = &m->hdrs[k];
		enum sip__hid id = (enum sip__hid)h->hid;
		if (id == H_CALL_ID || id == H_CSEQ || (id == H_TO && to_changed))
			rc = view_one(m, h, id); /* no allocation but for a tagged To */
	}
	if (rc == -ENOMEM)
		return rc;
	if (req->nvia) {
		if (!(m->via = calloc(req->nvia, sizeof(*m->via))))
			return -ENOMEM;
		for (; m->nvia < req->nvia; m->nvia++)
			if (via_copy(&m->via[m->nvia], &req->via[m->nvia]))
				return -ENOMEM;
	}
	if (req->from && na_copy(&m->from, req->from))
		return -ENOMEM;
	if (!to_changed && req->to && na_copy(&m->to, req->to))
		return -ENOMEM;
	return 0;
}

int sip__hdr_validate(enum sip__hid id, const char *value, size_t len)
{
	struct sip_msg tmp;
	int rc;

	memset(&tmp, 0, sizeof(tmp));
	tmp.max_forwards = -1;
	tmp.expires = -1;
	tmp.content_length = -1;
	struct sip_hdr h = { .name = (char *)"", .value = (char *)value, .value_len = len, .hid = (int)id };
	rc = view_one(&tmp, &h, id);
	sip__views_free(&tmp);
	return rc == -ENOMEM ? rc : rc ? -EINVAL : 0;
}
