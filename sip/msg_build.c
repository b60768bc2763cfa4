/* msg_build.c - building and editing SIP messages: constructors, header
 * access and changes, body, method names, reason phrases, random tags and
 * branches (see msg.h). */
#include "sip/msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/buf.h"
#include "sip/msg_int.h"

static const char *const method_names[] = {
	[SIP_METHOD_UNKNOWN] = "UNKNOWN", [SIP_METHOD_INVITE] = "INVITE",
	[SIP_METHOD_ACK] = "ACK", [SIP_METHOD_BYE] = "BYE", [SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_OPTIONS] = "OPTIONS", [SIP_METHOD_REGISTER] = "REGISTER",
	[SIP_METHOD_INFO] = "INFO", [SIP_METHOD_UPDATE] = "UPDATE", [SIP_METHOD_PRACK] = "PRACK",
	[SIP_METHOD_REFER] = "REFER", [SIP_METHOD_NOTIFY] = "NOTIFY",
	[SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE", [SIP_METHOD_MESSAGE] = "MESSAGE",
};
#define N_METHODS (sizeof(method_names) / sizeof(method_names[0]))

const char *sip_method_name(enum sip_method m)
{
	return (size_t)m < N_METHODS ? method_names[m] : "UNKNOWN";
}

enum sip_method sip_method_from_str(const char *s)
{
	size_t len = 0;
	while (s[len] && sip__tokenc((unsigned char)s[len]))
		len++;
	for (size_t i = 1; i < N_METHODS; i++)
		if (strlen(method_names[i]) == len && memcmp(s, method_names[i], len) == 0)
			return (enum sip_method)i;
	return SIP_METHOD_UNKNOWN;
}

static const struct {
	int code;
	const char *text;
} reasons[] = {
	{ 100, "Trying" }, { 180, "Ringing" }, { 181, "Call Is Being Forwarded" },
	{ 182, "Queued" }, { 183, "Session Progress" }, { 199, "Early Dialog Terminated" },
	{ 200, "OK" }, { 202, "Accepted" }, { 204, "No Notification" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Moved Temporarily" },
	{ 305, "Use Proxy" }, { 380, "Alternative Service" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" }, { 408, "Request Timeout" }, { 410, "Gone" },
	{ 412, "Conditional Request Failed" }, { 413, "Request Entity Too Large" },
	{ 414, "Request-URI Too Long" }, { 415, "Unsupported Media Type" },
	{ 416, "Unsupported URI Scheme" }, { 417, "Unknown Resource-Priority" },
	{ 420, "Bad Extension" }, { 421, "Extension Required" },
	{ 422, "Session Interval Too Small" }, { 423, "Interval Too Brief" },
	{ 428, "Use Identity Header" }, { 429, "Provide Referrer Identity" },
	{ 433, "Anonymity Disallowed" }, { 436, "Bad Identity-Info" },
	{ 437, "Unsupported Certificate" }, { 438, "Invalid Identity Header" },
	{ 480, "Temporarily Unavailable" }, { 481, "Call/Transaction Does Not Exist" },
	{ 482, "Loop Detected" }, { 483, "Too Many Hops" }, { 484, "Address Incomplete" },
	{ 485, "Ambiguous" }, { 486, "Busy Here" }, { 487, "Request Terminated" },
	{ 488, "Not Acceptable Here" }, { 489, "Bad Event" }, { 491, "Request Pending" },
	{ 493, "Undecipherable" }, { 494, "Security Agreement Required" },
	{ 500, "Server Internal Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
	{ 503, "Service Unavailable" }, { 504, "Server Time-out" },
	{ 505, "Version Not Supported" }, { 513, "Message Too Large" },
	{ 580, "Precondition Failure" }, { 600, "Busy Everywhere" }, { 603, "Decline" },
	{ 604, "Does Not Exist Anywhere" }, { 606, "Not Acceptable" }, { 607, "Unwanted" },
};

const char *sip_reason_phrase(int code)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "Unknown";
}

/* ---- random identifiers ---- */

/* Random bytes from getrandom(), drawn 512 at a time: a call needs about six
 * identifiers (tags, branches, a Call-ID), and one system call each cost more
 * than making them.  Per thread; the bytes are used once and then wiped. */
static _Thread_local struct {
	unsigned char b[512];
	size_t pos, len;
} rnd_pool;

static int random_byte(unsigned char *out)
{
	while (rnd_pool.pos >= rnd_pool.len) {
		ssize_t got = getrandom(rnd_pool.b, sizeof(rnd_pool.b), 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		rnd_pool.pos = 0;
		rnd_pool.len = (size_t)got;
	}
	*out = rnd_pool.b[rnd_pool.pos];
	rnd_pool.b[rnd_pool.pos++] = 0;
	return 0;
}

static int random_alnum(char *out, size_t n)
{
	static const char set[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t o = 0;

	while (o < n) {
		unsigned char r = 0;
		int rc = random_byte(&r);
		if (rc)
			return rc;
		if (r < 248) /* 248 = 4 * 62: no bias */
			out[o++] = set[r % 62];
	}
	out[n] = '\0';
	return 0;
}

int sip_random_tag(char *out, size_t outsz)
{
	return outsz < SIP_TAG_SIZE ? -ENOSPC : random_alnum(out, SIP_TAG_SIZE - 1);
}

int sip_random_branch(char *out, size_t outsz)
{
	if (outsz < SIP_BRANCH_SIZE)
		return -ENOSPC;
	memcpy(out, "z9hG4bK", 7);
	return random_alnum(out + 7, SIP_BRANCH_SIZE - 8);
}

int sip_random_callid(char *out, size_t outsz)
{
	return outsz < SIP_CALLID_SIZE ? -ENOSPC : random_alnum(out, SIP_CALLID_SIZE - 1);
}

/* ---- header access ---- */

static enum sip__hid name_id(const char *name)
{
	enum sip__hid id;
	sip__canon_name(name, strlen(name), &id);
	return id;
}

/* A name to look fields up by: a known name is stored as its static
 * canonical string, so it matches by pointer; an unknown one by text. */
struct lookup {
	const char *c;
	bool known;
};

static struct lookup lookup_of(const char *name)
{
	enum sip__hid id;
	const char *c = sip__canon_name(name, strlen(name), &id);
	return (struct lookup){ c ? c : name, c != NULL };
}

static bool is_named(const struct sip_hdr *h, struct lookup k)
{
	return k.known ? h->name == k.c : h->name_owned && strcasecmp(h->name, k.c) == 0;
}

/* Index in hdrs[] of the idx-th field called name, or -1. */
static long find(const struct sip_msg *m, const char *name, size_t idx)
{
	struct lookup k = lookup_of(name);
	for (size_t i = 0; i < m->nhdrs; i++)
		if (is_named(&m->hdrs[i], k) && idx-- == 0)
			return (long)i;
	return -1;
}

const char *sip_msg_hdr(const struct sip_msg *m, const char *name, size_t idx)
{
	long i = find(m, name, idx);
	return i < 0 ? NULL : m->hdrs[i].value;
}

size_t sip_msg_hdr_count(const struct sip_msg *m, const char *name)
{
	struct lookup k = lookup_of(name);
	size_t n = 0;
	for (size_t i = 0; i < m->nhdrs; i++)
		if (is_named(&m->hdrs[i], k))
			n++;
	return n;
}

static bool single(enum sip__hid id)
{
	return id == H_FROM || id == H_TO || id == H_CALL_ID || id == H_CSEQ ||
	       id == H_MAX_FORWARDS || id == H_CONTENT_TYPE || id == H_CONTENT_LENGTH ||
	       id == H_EXPIRES;
}

/* Check name and value (the value only when validate); *cname gets the name
 * to store, *idp its identity. */
static int check_v(const struct sip_msg *m, const char *name, const char *value, bool adding,
		   const char **cname, enum sip__hid *idp, bool validate)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	enum sip__hid id;

	if (nlen == 0 || vlen > SIP_MAX_HDR_LINE || strpbrk(value, "\r\n"))
		return -EINVAL;
	for (size_t i = 0; i < nlen; i++)
		if (!sip__tokenc((unsigned char)name[i]))
			return -EINVAL;
	*cname = sip__canon_name(name, nlen, &id);
	if (!*cname)
		*cname = name;
	*idp = id;
	if (adding && m->nhdrs >= SIP_MAX_HEADERS)
		return -E2BIG;
	if (adding && single(id) && sip_msg_hdr_count(m, name) > 0)
		return -EINVAL;
	return !validate || id == H_OTHER || id == H_KNOWN ? 0 : sip__hdr_validate(id, value, vlen);
}

static int check(const struct sip_msg *m, const char *name, const char *value, bool adding,
		 const char **cname, enum sip__hid *idp)
{
	return check_v(m, name, value, adding, cname, idp, true);
}

/* A header with a view (not Date) that m does not have yet: its value is
 * validated by building its view once, not parsed twice. */
static bool first_of_view(const struct sip_msg *m, const char *cname, enum sip__hid id)
{
	return id != H_OTHER && id != H_KNOWN && id != H_DATE && sip_msg_hdr_count(m, cname) == 0;
}

static void drop(struct sip_msg *m, size_t i)
{
	sip__hdr_free(&m->hdrs[i]);
	memmove(&m->hdrs[i], &m->hdrs[i + 1], (m->nhdrs - i - 1) * sizeof(m->hdrs[0]));
	m->nhdrs--;
}

int sip_msg_hdr_insert(struct sip_msg *m, size_t pos, const char *name, const char *value)
{
	const char *cname;
	enum sip__hid id;
	struct sip_hdr h;
	int rc = check_v(m, name, value, true, &cname, &id, false);

	if (rc)
		return rc;
	bool first = first_of_view(m, cname, id);
	if (!first && id != H_OTHER && id != H_KNOWN &&
	    (rc = sip__hdr_validate(id, value, strlen(value))))
		return rc;
	if (pos > m->nhdrs)
		pos = m->nhdrs;
	rc = sip__hdr_set_name(&h, cname, strlen(cname));
	h.value = strdup(value);
	h.value_len = strlen(value);
	if (rc || !h.value || sip__hdrs_room(m)) {
		sip__hdr_free(&h);
		return -ENOMEM;
	}
	struct sip_hdr *nh = m->hdrs;
	memmove(&nh[pos + 1], &nh[pos], (m->nhdrs - pos) * sizeof(*nh));
	nh[pos] = h;
	m->nhdrs++;
	if (first && (rc = sip__view_first(m, &nh[pos], id))) {
		drop(m, pos);
		return rc;
	}
	return first ? 0 : sip__view_rebuild(m, id);
}

int sip_msg_hdr_add(struct sip_msg *m, const char *name, const char *value)
{
	return sip_msg_hdr_insert(m, m->nhdrs, name, value);
}

int sip_msg_hdr_push(struct sip_msg *m, const char *name, const char *value)
{
	long i = find(m, name, 0);
	return sip_msg_hdr_insert(m, i < 0 ? m->nhdrs : (size_t)i, name, value);
}

int sip_msg_hdr_addf(struct sip_msg *m, const char *name, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = sip_msg_hdr_add(m, name, buf_str(&b));
	buf_free(&b);
	return rc;
}

int sip_msg_hdr_replace(struct sip_msg *m, const char *name, size_t idx, const char *value)
{
	const char *cname;
	enum sip__hid id;
	long i = find(m, name, idx);
	int rc;

	if (i < 0)
		return -ENOENT;
	rc = check(m, name, value, false, &cname, &id);
	if (rc)
		return rc;
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	free(m->hdrs[i].value);
	m->hdrs[i].value = v;
	m->hdrs[i].value_len = strlen(v);
	return sip__view_rebuild(m, id);
}

int sip_msg_hdr_remove(struct sip_msg *m, const char *name, size_t idx)
{
	long i = find(m, name, idx);
	if (i < 0)
		return -ENOENT;
	drop(m, (size_t)i);
	return sip__view_rebuild(m, name_id(name));
}

int sip_msg_hdr_remove_all(struct sip_msg *m, const char *name)
{
	long i;
	while ((i = find(m, name, 0)) >= 0)
		drop(m, (size_t)i);
	return sip__view_rebuild(m, name_id(name));
}

int sip_msg_hdr_set(struct sip_msg *m, const char *name, const char *value)
{
	const char *cname;
	enum sip__hid id;
	int rc = check(m, name, value, false, &cname, &id);

	if (rc)
		return rc;
	if (find(m, name, 0) >= 0) {
		rc = sip_msg_hdr_replace(m, name, 0, value);
		long i;
		while (!rc && (i = find(m, name, 1)) >= 0)
			drop(m, (size_t)i);
		return rc ? rc : sip__view_rebuild(m, id);
	}
	return sip_msg_hdr_add(m, name, value);
}

int sip_msg_set_body(struct sip_msg *m, const void *body, size_t len, const char *content_type)
{
	char *b = NULL;
	int rc;

	if (len > SIP_MSG_MAX)
		return -EINVAL;
	if (content_type && (rc = check(m, "Content-Type", content_type, false, &(const char *){0}, &(enum sip__hid){0})))
		return rc;
	if (len && !(b = sip__strndup(body, len)))
		return -ENOMEM;
	rc = content_type ? sip_msg_hdr_set(m, "Content-Type", content_type)
			  : sip_msg_hdr_remove_all(m, "Content-Type");
	if (rc) {
		free(b);
		return rc;
	}
	free(m->body);
	m->body = b;
	m->body_len = len;
	return 0;
}

int sip_msg_set_ruri(struct sip_msg *m, const char *ruri)
{
	if (!m->request || !ruri)
		return -EINVAL;
	return sip__set_ruri(m, ruri, strlen(ruri), NULL, 0);
}

/* ---- constructors ---- */

int sip_msg_new_request_name(struct sip_msg **out, const char *method, const char *ruri)
{
	struct sip_msg *m;
	int rc = -EINVAL;

	*out = NULL;
	if (!method || !*method || !ruri)
		return -EINVAL;
	for (const char *p = method; *p; p++)
		if (!sip__tokenc((unsigned char)*p))
			return -EINVAL;
	if (!(m = sip__msg_alloc()))
		return -ENOMEM;
	m->request = true;
	m->method = sip_method_from_str(method);
	rc = -ENOMEM;
	if (!(m->method_name = strdup(method)))
		goto cleanup;
	rc = sip_msg_set_ruri(m, ruri);
cleanup:
	if (rc) {
		sip_msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int sip_msg_new_request(struct sip_msg **out, enum sip_method method, const char *ruri)
{
	*out = NULL;
	if (method == SIP_METHOD_UNKNOWN || (size_t)method >= N_METHODS)
		return -EINVAL;
	return sip_msg_new_request_name(out, method_names[method], ruri);
}

int sip_msg_new_response(struct sip_msg **out, const struct sip_msg *req, int status,
			 const char *reason, const char *to_tag)
{
	struct sip_msg *m;
	int rc = -EINVAL;

	*out = NULL;
	if (!req->request || status < 100 || status > 699)
		return -EINVAL;
	if (!reason)
		reason = sip_reason_phrase(status);
	if (strpbrk(reason, "\r\n") || (to_tag && (!*to_tag || strpbrk(to_tag, "\r\n;, "))))
		return -EINVAL;
	if (!(m = sip__msg_alloc()))
		return -ENOMEM;
	m->status = status;
	rc = -ENOMEM;
	if (!(m->reason = strdup(reason)))
		goto cleanup;
	bool to_changed = false;
	for (size_t i = 0; i < req->nhdrs; i++) {
		const struct sip_hdr *h = &req->hdrs[i];
		enum sip__hid id = (enum sip__hid)h->hid;
		struct sip_hdr nh = { 0 };
		struct buf v = BUF_INIT;

		if (id != H_VIA && id != H_FROM && id != H_TO && id != H_CALL_ID && id != H_CSEQ)
			continue;
		rc = buf_append(&v, h->value, h->value_len);
		if (!rc && id == H_TO && to_tag && req->to && !req->to->tag &&
		    sip_msg_hdr_count(req, "To") == 1) {
			rc = buf_printf(&v, ";tag=%s", to_tag);
			to_changed = true;
		}
		nh.name = h->name; /* the static canonical name of one of the five */
		nh.hid = h->hid;
		nh.value_len = v.len;
		nh.value = v.p ? v.p : strdup("");
		if (rc || !nh.value || sip__hdrs_room(m)) {
			free(nh.value);
			rc = -ENOMEM;
			goto cleanup;
		}
		m->hdrs[m->nhdrs++] = nh;
	}
	rc = req->malformed ? sip__views_build(m, false, NULL, 0) : sip__views_for_response(m, req, to_changed);
cleanup:
	if (rc) {
		sip_msg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
