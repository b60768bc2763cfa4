/* msg.c - SIP message parser, stream framing and printer (see msg.h).
 * Constructors, header editing and helpers are in msg_build.c. */
#include "sip/msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "sip/msg_int.h"

struct sip_msg *sip__msg_alloc(void)
{
	struct sip_msg *m = calloc(1, sizeof(*m));
	if (m) {
		m->max_forwards = -1;
		m->expires = -1;
		m->content_length = -1;
	}
	return m;
}

int sip__hdr_set_name(struct sip_hdr *h, const char *name, size_t nlen)
{
	enum sip__hid id;
	const char *canon = sip__canon_name(name, nlen, &id);
	h->hid = (int)id;
	h->name_owned = !canon;
	h->name = canon ? (char *)canon : sip__strndup(name, nlen);
	return h->name ? 0 : -ENOMEM;
}

void sip__hdr_free(struct sip_hdr *h)
{
	if (h->name_owned)
		free(h->name);
	free(h->value);
	h->name = h->value = NULL;
}

int sip__hdrs_room(struct sip_msg *m)
{
	if (m->nhdrs < m->hdrs_cap)
		return 0;
	size_t cap = m->hdrs_cap ? 2 * m->hdrs_cap : 16;
	struct sip_hdr *nh = realloc(m->hdrs, cap * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	m->hdrs = nh;
	m->hdrs_cap = cap;
	return 0;
}

struct sip_msg *sip_msg_ref(const struct sip_msg *m)
{
	struct sip_msg *w = (struct sip_msg *)m; /* only the count changes */
	w->refs++;
	return w;
}

void sip_msg_free(struct sip_msg *m)
{
	if (!m)
		return;
	if (m->refs) {
		m->refs--;
		return;
	}
	sip__views_free(m);
	for (size_t i = 0; i < m->nhdrs; i++)
		sip__hdr_free(&m->hdrs[i]);
	free(m->hdrs);
	free(m->method_name);
	free(m->ruri_text);
	sip_uri_free(m->ruri);
	free(m->reason);
	free(m->body);
	free(m);
}

/* "SIP/x.y" -> 1 for 2.0, 2 for another well-formed version, 0 otherwise. */
static int version_kind(const char *s, size_t len)
{
	size_t i = 4, st;
	if (len < 7 || strncasecmp(s, "SIP/", 4) != 0)
		return 0;
	st = i;
	while (i < len && sip__digit((unsigned char)s[i]))
		i++;
	if (i == st || i >= len || s[i] != '.')
		return 0;
	st = ++i;
	while (i < len && sip__digit((unsigned char)s[i]))
		i++;
	if (i == st || i != len)
		return 0;
	return (len == 7 && memcmp(s + 4, "2.0", 3) == 0) ? 1 : 2;
}

/* Parse and set the Request-URI of m from s[0..len); m is unchanged on error. */
int sip__set_ruri(struct sip_msg *m, const char *s, size_t len, char *err, size_t errsz)
{
	struct sip_uri *u = NULL;
	int rc = sip_uri_parse(&u, s, len);
	char *text;

	if (rc == -ENOMEM)
		return rc;
	if (rc == 0 && u->nheaders) {
		sip_uri_free(u);
		sip__err(err, errsz, "Request-URI contains headers");
		return -EINVAL;
	}
	if (rc && !sip__other_uri(s, len)) {
		sip__err(err, errsz, "malformed Request-URI");
		return -EINVAL;
	}
	if (!(text = sip__strndup(s, len))) {
		sip_uri_free(u);
		return -ENOMEM;
	}
	free(m->ruri_text);
	sip_uri_free(m->ruri);
	m->ruri_text = text;
	m->ruri = u;
	return 0;
}

static int parse_start(struct sip_msg *m, const char *s, size_t len, char *err, size_t errsz)
{
	const char *sp1 = memchr(s, ' ', len), *sp2;
	size_t i;

	if (len >= 4 && strncasecmp(s, "SIP/", 4) == 0) {
		unsigned long code;
		if (!sp1 || version_kind(s, (size_t)(sp1 - s)) != 1)
			goto bad_status;
		i = (size_t)(sp1 - s) + 1;
		if (len - i < 3 || (len - i > 3 && s[i + 3] != ' ') ||
		    sip__parse_ulong(s + i, 3, 999, &code) || code < 100 || code > 699)
			goto bad_status;
		i += len - i > 3 ? 4 : 3;
		for (size_t k = i; k < len; k++)
			if ((unsigned char)s[k] < 0x20 && s[k] != '\t')
				goto bad_status;
		m->status = (int)code;
		m->reason = sip__strndup(s + i, len - i);
		return m->reason ? 0 : -ENOMEM;
	}
	m->request = true;
	for (i = 0; i < len && s[i] != ' '; i++)
		if (!sip__tokenc((unsigned char)s[i]))
			goto bad_request;
	if (!sp1 || sp1 == s)
		goto bad_request;
	if (!(m->method_name = sip__strndup(s, (size_t)(sp1 - s))))
		return -ENOMEM;
	m->method = sip_method_from_str(m->method_name);
	i = (size_t)(sp1 - s) + 1;
	sp2 = memchr(s + i, ' ', len - i);
	if (!sp2 || sp2 == s + i)
		goto bad_request;
	size_t vs = (size_t)(sp2 - s) + 1;
	int vk = version_kind(s + vs, len - vs);
	if (vk == 0)
		goto bad_request;
	if (vk == 2) {
		m->error_status = 505;
		sip__err(err, errsz, "unsupported SIP version %.*s", (int)(len - vs > 32 ? 32 : len - vs),
			 s + vs);
		return -EINVAL;
	}
	return sip__set_ruri(m, s + i, (size_t)(sp2 - s) - i, err, errsz);

bad_request:
	sip__err(err, errsz, "malformed request line");
	return -EINVAL;
bad_status:
	sip__err(err, errsz, "malformed status line");
	return -EINVAL;
}

/* Store the header being collected in v under name. */
static int add_hdr(struct sip_msg *m, const char *name, size_t nlen, struct buf *v)
{
	if (sip__hdrs_room(m))
		return -ENOMEM;
	struct sip_hdr *nh = m->hdrs;
	while (v->len && sip__ws((unsigned char)v->p[v->len - 1]))
		v->len--;
	int rc = sip__hdr_set_name(&nh[m->nhdrs], name, nlen);
	nh[m->nhdrs].value = sip__strndup(v->len ? v->p : "", v->len);
	nh[m->nhdrs].value_len = v->len;
	if (rc || !nh[m->nhdrs].value) {
		sip__hdr_free(&nh[m->nhdrs]);
		return -ENOMEM;
	}
	m->nhdrs++;
	buf_reset(v);
	return 0;
}

/* Read the header section from s[*pos]; *pos ends at the body. */
static int parse_headers(struct sip_msg *m, const char *s, size_t len, size_t *pos, char *err,
			 size_t errsz)
{
	struct buf v = BUF_INIT;
	const char *name = NULL;
	size_t nlen = 0, i = *pos;
	int rc = -EINVAL;

	for (;;) {
		const char *nl = memchr(s + i, '\n', len - i);
		if (!nl) {
			sip__err(err, errsz, "no blank line after the headers");
			goto cleanup;
		}
		size_t e = (size_t)(nl - s), next = e + 1;
		if (e > i && s[e - 1] == '\r')
			e--;
		if (e == i) { /* blank line */
			if (name && (rc = add_hdr(m, name, nlen, &v)))
				goto cleanup;
			*pos = next;
			rc = 0;
			goto cleanup;
		}
		if (sip__ws((unsigned char)s[i])) { /* folded continuation */
			if (!name) {
				sip__err(err, errsz, "malformed header line (leading whitespace)");
				goto cleanup;
			}
			while (v.len && sip__ws((unsigned char)v.p[v.len - 1]))
				v.len--;
			sip__skip_ws(s, e, &i);
			if (v.len && (rc = buf_append(&v, " ", 1)))
				goto cleanup;
		} else {
			if (name && (rc = add_hdr(m, name, nlen, &v)))
				goto cleanup;
			rc = -EINVAL;
			if (m->nhdrs >= SIP_MAX_HEADERS) {
				sip__err(err, errsz, "too many headers (limit %d)", SIP_MAX_HEADERS);
				goto cleanup;
			}
			name = s + i;
			while (i < e && sip__tokenc((unsigned char)s[i]))
				i++;
			nlen = (size_t)(s + i - name);
			sip__skip_ws(s, e, &i);
			if (nlen == 0 || i >= e || s[i] != ':') {
				sip__err(err, errsz, "malformed header line");
				goto cleanup;
			}
			i++;
			sip__skip_ws(s, e, &i);
		}
		for (size_t k = i; k < e; k++) {
			if (s[k] == '\r') {
				sip__err(err, errsz, "stray CR in %.*s header", (int)nlen, name);
				rc = -EINVAL;
				goto cleanup;
			}
		}
		if (v.len + (e - i) > SIP_MAX_HDR_LINE) {
			sip__err(err, errsz, "header line too long (limit %d)", SIP_MAX_HDR_LINE);
			rc = -EINVAL;
			goto cleanup;
		}
		if ((rc = buf_append(&v, s + i, e - i)))
			goto cleanup;
		rc = -EINVAL;
		i = next;
	}
cleanup:
	buf_free(&v);
	return rc;
}

static int check_required(struct sip_msg *m, char *err, size_t errsz)
{
	const char *missing = !m->nvia ? "Via" : !m->from ? "From" : !m->to ? "To" :
			      !m->call_id ? "Call-ID" : !m->cseq_method_name ? "CSeq" : NULL;
	if (missing) {
		sip__err(err, errsz, "missing %s header", missing);
		return -EINVAL;
	}
	if (m->request && strcmp(m->cseq_method_name, m->method_name) != 0) {
		sip__err(err, errsz, "CSeq method %.32s does not match request method %.32s",
			 m->cseq_method_name, m->method_name);
		return -EINVAL;
	}
	return 0;
}

static int parse(const char *data, size_t len, struct sip_msg **out, char *err, size_t errsz,
		 bool partial)
{
	struct sip_msg *m = NULL;
	size_t i = 0, body_len;
	bool lines_ok = false;
	int rc = -EINVAL;

	*out = NULL;
	if (err && errsz)
		err[0] = '\0';
	if (len > SIP_MSG_MAX) {
		sip__err(err, errsz, "message larger than 64 KiB");
		return -EINVAL;
	}
	if (!(m = sip__msg_alloc()))
		return -ENOMEM;
	while (i < len && (data[i] == '\r' || data[i] == '\n'))
		i++;
	const char *nl = i < len ? memchr(data + i, '\n', len - i) : NULL;
	if (!nl) {
		sip__err(err, errsz, i < len ? "no end of start line" : "empty message");
		goto cleanup;
	}
	size_t e = (size_t)(nl - data);
	if (e > i && data[e - 1] == '\r')
		e--;
	/* a bad request line still lets the headers be read, to answer 400 */
	rc = parse_start(m, data + i, e - i, err, errsz);
	if (rc && !(rc == -EINVAL && m->request && m->method_name))
		goto cleanup;
	int start_rc = rc;
	char herr[160];
	i = (size_t)(nl - data) + 1;
	rc = parse_headers(m, data, len, &i, start_rc ? herr : err, start_rc ? sizeof(herr) : errsz);
	if (rc)
		goto cleanup;
	lines_ok = true;
	rc = start_rc;
	if (rc)
		goto cleanup;
	rc = sip__views_build(m, true, err, errsz);
	if (rc)
		goto cleanup;
	rc = check_required(m, err, errsz);
	if (rc)
		goto cleanup;
	body_len = len - i;
	if (m->content_length >= 0) {
		if ((size_t)m->content_length > body_len) {
			sip__err(err, errsz, "Content-Length %ld exceeds body %zu", m->content_length,
				 body_len);
			rc = -EINVAL;
			goto cleanup;
		}
		body_len = (size_t)m->content_length;
	}
	if (body_len) {
		rc = -ENOMEM;
		if (!(m->body = sip__strndup(data + i, body_len)))
			goto cleanup;
		m->body_len = body_len;
	}
	rc = 0;
cleanup:
	if (rc == -EINVAL && partial && m->request && m->method_name &&
	    lines_ok && sip_msg_hdr_count(m, "Via") > 0) {
		if (sip__views_build(m, false, NULL, 0) == 0) {
			m->malformed = true;
			if (!m->error_status)
				m->error_status = 400;
			*out = m;
			return rc;
		}
	}
	if (rc) {
		sip_msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int sip_msg_parse(const char *data, size_t len, struct sip_msg **out, char *err, size_t errsz)
{
	return parse(data, len, out, err, errsz, false);
}

int sip_msg_parse_partial(const char *data, size_t len, struct sip_msg **out, char *err,
			  size_t errsz)
{
	return parse(data, len, out, err, errsz, true);
}

/* ---- stream framing ---- */

long sip_stream_frame(const char *data, size_t len, size_t *skip)
{
	size_t i = 0, hend = 0, lim;
	long cl = -1;

	while (i + 1 < len && data[i] == '\r' && data[i + 1] == '\n')
		i += 2;
	*skip = i;
	data += i;
	len -= i;
	lim = len < SIP_MSG_MAX ? len : SIP_MSG_MAX;

	/* find the blank line that ends the header section */
	for (i = 0;;) {
		const char *nl = memchr(data + i, '\n', lim - i);
		if (!nl)
			return len >= SIP_MSG_MAX ? -EMSGSIZE : 0;
		size_t e = (size_t)(nl - data);
		if (e == i || (e == i + 1 && data[i] == '\r')) {
			hend = e + 1;
			break;
		}
		i = e + 1;
	}

	/* header lines (after the start line): find Content-Length / l */
	const char *nl = memchr(data, '\n', hend);
	for (i = (size_t)(nl - data) + 1; i < hend;) {
		size_t e = (size_t)((const char *)memchr(data + i, '\n', hend - i) - data);
		size_t next = e + 1, k = i;
		if (e > i && data[e - 1] == '\r')
			e--;
		if (e == i || sip__ws((unsigned char)data[i])) {
			i = next;
			continue;
		}
		while (k < e && sip__tokenc((unsigned char)data[k]))
			k++;
		size_t nlen = k - i;
		enum sip__hid id;
		sip__skip_ws(data, e, &k);
		if (nlen == 0 || k >= e || data[k] != ':')
			return -EINVAL;
		/* only "Content-Length" and "l" matter here: skip the lookup for the rest */
		unsigned char f = (unsigned char)(data[i] | 0x20);
		id = H_OTHER;
		if (f == 'c' || f == 'l')
			sip__canon_name(data + i, nlen, &id);
		if (id == H_CONTENT_LENGTH) {
			/* the value, possibly folded onto the following lines */
			unsigned long v = 0;
			size_t d = k + 1, ds;
			for (;;) {
				if (d < hend && sip__ws((unsigned char)data[d]))
					d++;
				else if (d + 2 < hend && data[d] == '\r' && data[d + 1] == '\n' &&
					 sip__ws((unsigned char)data[d + 2]))
					d += 3;
				else if (d + 1 < hend && data[d] == '\n' &&
					 sip__ws((unsigned char)data[d + 1]))
					d += 2;
				else
					break;
			}
			ds = d;
			while (d < hend && sip__digit((unsigned char)data[d]))
				d++;
			if (cl >= 0 || d == ds || d - ds > 9 ||
			    sip__parse_ulong(data + ds, d - ds, 999999999UL, &v))
				return -EINVAL;
			sip__skip_ws(data, hend, &d);
			if (d < hend && data[d] != '\r' && data[d] != '\n')
				return -EINVAL;
			cl = (long)v;
		}
		i = next;
	}
	if (cl < 0)
		return -EINVAL;
	if (hend + (size_t)cl > SIP_MSG_MAX)
		return -EMSGSIZE;
	return len >= hend + (size_t)cl ? (long)(hend + (size_t)cl) : 0;
}

/* ---- printing ---- */

/* "Content-Length: N\r\n" (the body's length; no printf on this path). */
static int put_content_length(struct buf *out, size_t n)
{
	char t[48] = "Content-Length: ", d[24];
	size_t k = 16, nd = 0;
	do
		d[nd++] = (char)('0' + n % 10);
	while ((n /= 10));
	while (nd)
		t[k++] = d[--nd];
	t[k++] = '\r';
	t[k++] = '\n';
	return buf_append(out, t, k);
}

int sip_msg_print(const struct sip_msg *m, struct buf *out)
{
	bool cl_done = false;
	int rc;

	/* one allocation for the whole message, in the usual case */
	size_t est = 64 + m->body_len + (m->ruri_text ? strlen(m->ruri_text) : 0) +
		     (m->reason ? strlen(m->reason) : 0) + (m->method_name ? strlen(m->method_name) : 0);
	for (size_t i = 0; i < m->nhdrs; i++)
		est += strlen(m->hdrs[i].name) + m->hdrs[i].value_len + 4;
	if ((rc = buf_reserve(out, est)))
		return rc;
	if (m->request) {
		rc = buf_puts(out, m->method_name ? m->method_name : "(null)");
		if (!rc)
			rc = buf_append(out, " ", 1);
		if (!rc)
			rc = buf_puts(out, m->ruri_text ? m->ruri_text : "(null)");
		if (!rc)
			rc = buf_append(out, " SIP/2.0\r\n", 10);
	} else if (m->status >= 100 && m->status <= 999) {
		char sl[13] = "SIP/2.0 000 ";
		sl[8] = (char)('0' + m->status / 100);
		sl[9] = (char)('0' + m->status / 10 % 10);
		sl[10] = (char)('0' + m->status % 10);
		rc = buf_append(out, sl, 12);
		if (!rc)
			rc = buf_puts(out, m->reason ? m->reason : "");
		if (!rc)
			rc = buf_append(out, "\r\n", 2);
	} else
		rc = buf_printf(out, "SIP/2.0 %03d %s\r\n", m->status, m->reason ? m->reason : "");
	for (size_t i = 0; i < m->nhdrs && !rc; i++) {
		const struct sip_hdr *h = &m->hdrs[i];
		if (h->hid == H_CONTENT_LENGTH) {
			if (!cl_done)
				rc = put_content_length(out, m->body_len);
			cl_done = true;
			continue;
		}
		rc = buf_append(out, h->name, strlen(h->name));
		if (!rc)
			rc = buf_append(out, ": ", 2);
		if (!rc)
			rc = buf_append(out, h->value, h->value_len);
		if (!rc)
			rc = buf_append(out, "\r\n", 2);
	}
	if (!rc && !cl_done)
		rc = put_content_length(out, m->body_len);
	if (!rc)
		rc = buf_append(out, "\r\n", 2);
	if (!rc && m->body_len)
		rc = buf_append(out, m->body, m->body_len);
	return rc;
}

/* ---- copying ---- */

int sip_msg_dup(struct sip_msg **out, const struct sip_msg *src)
{
	struct sip_msg *m = sip__msg_alloc();
	int rc = -ENOMEM;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->request = src->request;
	m->method = src->method;
	m->status = src->status;
	m->malformed = src->malformed;
	m->error_status = src->error_status;
	if ((src->method_name && !(m->method_name = strdup(src->method_name))) ||
	    (src->ruri_text && !(m->ruri_text = strdup(src->ruri_text))) ||
	    (src->reason && !(m->reason = strdup(src->reason))) ||
	    (src->ruri && sip_uri_dup(&m->ruri, src->ruri)))
		goto cleanup;
	if (src->nhdrs && !(m->hdrs = calloc(src->nhdrs, sizeof(*m->hdrs))))
		goto cleanup;
	m->hdrs_cap = src->nhdrs;
	for (size_t i = 0; i < src->nhdrs; i++) {
		const struct sip_hdr *h = &src->hdrs[i];
		m->hdrs[i].name_owned = h->name_owned;
		m->hdrs[i].hid = h->hid;
		m->hdrs[i].name = h->name_owned ? strdup(h->name) : h->name;
		m->hdrs[i].value = sip__strndup(h->value, h->value_len);
		m->hdrs[i].value_len = h->value_len;
		m->nhdrs++;
		if (!m->hdrs[i].name || !m->hdrs[i].value)
			goto cleanup;
	}
	if (src->body_len) {
		if (!(m->body = sip__strndup(src->body, src->body_len)))
			goto cleanup;
		m->body_len = src->body_len;
	}
	rc = sip__views_build(m, false, NULL, 0);
cleanup:
	if (rc) {
		sip_msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
