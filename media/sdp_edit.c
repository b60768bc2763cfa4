/* sdp_edit.c - SDP rewriters for the media anchor (see sdp.h): addresses,
 * ports, rtcp, proto, crypto lines, direction, codec filtering, version.
 *
 * Every rewriter builds its new line first (formatted, checked against the
 * line syntax and the limits), then replaces or inserts it (the only steps
 * that can fail), then removes what the change makes obsolete (which cannot
 * fail), and derives the views again: on error the SDP is unchanged. */
#include "media/sdp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "media/sdp_int.h"

/* A new line value: formatted, within the line limit, valid for its type.
 * Returns a heap string the caller owns, or NULL with *rc set. */
static char *mkline(int *rc, char type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static char *mkline(int *rc, char type, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	*rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!*rc && !b.p)
		*rc = buf_puts(&b, "");
	if (!*rc && (strlen(b.p) != b.len || strpbrk(b.p, "\r\n")))
		*rc = -EINVAL;
	if (!*rc && b.len + 2 > SDP_MAX_LINE)
		*rc = -E2BIG;
	if (!*rc && sdp__check_line(type, b.p, NULL, 0))
		*rc = -EINVAL;
	if (*rc) {
		buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* Upper bound of the printed size. */
static size_t text_len(const struct sdp *s)
{
	size_t n = s->tail ? strlen(s->tail) : 0;

	for (size_t i = 0; i < s->nlines; i++)
		n += strlen(s->lines[i].val) + 4;
	for (size_t j = 0; j < s->nmedia; j++)
		for (size_t i = 0; i < s->media[j].nlines; i++)
			n += strlen(s->media[j].lines[i].val) + 4;
	return n;
}

/* Replace l's value with val.  Takes ownership of val in every case. */
static int replace(struct sdp *s, struct sdp_line *l, char *val)
{
	if (text_len(s) - strlen(l->val) + strlen(val) > SDP_MAX_LEN) {
		free(val);
		return -E2BIG;
	}
	free(l->val);
	l->val = val;
	return 0;
}

/* Insert a line at pos in media section m, or in the session lines when m is
 * NULL.  Takes ownership of val in every case. */
static int insert(struct sdp *s, struct sdp_media *m, size_t pos, char type, char *val)
{
	struct sdp_line **v = m ? &m->lines : &s->lines;
	size_t *n = m ? &m->nlines : &s->nlines, *cap = m ? &m->cap : &s->cap;

	if (sdp__total_lines(s) + 1 > SDP_MAX_LINES || text_len(s) + strlen(val) + 4 > SDP_MAX_LEN) {
		free(val);
		return -E2BIG;
	}
	if (sdp__lines_reserve(v, cap, *n + 1)) {
		free(val);
		return -ENOMEM;
	}
	sdp__lines_insert(*v, n, pos, type, val, s->eol);
	return 0;
}

/* Set the first line matching (type, attribute name or any) in v[from..n),
 * remove the others; insert at `at` when there is none.  `name` NULL for
 * direction attributes.  Takes ownership of val. */
static int set_unique(struct sdp *s, struct sdp_media *m, size_t from, char type, const char *name,
		      size_t at, char *val)
{
	struct sdp_line *v = m ? m->lines : s->lines;
	size_t *n = m ? &m->nlines : &s->nlines, first = *n;
	int rc;

	for (size_t i = from; i < *n && first == *n; i++)
		if (v[i].type == type &&
		    (type != 'a' || (name ? sdp__attr(v[i].val, name) != NULL : sdp__attr_dir(v[i].val) >= 0)))
			first = i;
	if (first == *n)
		return insert(s, m, at, type, val);
	rc = replace(s, &v[first], val);
	for (size_t i = *n; rc == 0 && i-- > first + 1;)
		if (v[i].type == type &&
		    (type != 'a' || (name ? sdp__attr(v[i].val, name) != NULL : sdp__attr_dir(v[i].val) >= 0)))
			sdp__lines_remove(v, n, i);
	return rc;
}

/* Remove the attributes of media m whose name is name (or every direction
 * attribute when name is NULL). */
static void remove_attrs(struct sdp_media *m, const char *name)
{
	for (size_t i = m->nlines; i-- > 1;)
		if (m->lines[i].type == 'a' &&
		    (name ? sdp__attr(m->lines[i].val, name) != NULL : sdp__attr_dir(m->lines[i].val) >= 0))
			sdp__lines_remove(m->lines, &m->nlines, i);
}

static int done(struct sdp *s, int rc)
{
	return rc ? rc : sdp__derive(s, NULL, 0);
}

static int ip_family(const char *addr)
{
	unsigned char bin[16];

	if (!addr)
		return -EINVAL;
	if (inet_pton(AF_INET, addr, bin) == 1)
		return 4;
	if (inet_pton(AF_INET6, addr, bin) == 1)
		return 6;
	return -EINVAL;
}

/* Replace tokens [from, from + count) of l's value with ins (count 0: up to
 * the end); the line is checked again as type. */
static int splice(struct sdp *s, struct sdp_line *l, size_t from, size_t count, const char *ins)
{
	struct sdp__tok t[SDP_MAX_FMTS + 4];
	size_t n = sdp__split(l->val, t, SDP_MAX_FMTS + 4);
	size_t last = count ? from + count - 1 : n - 1;
	const char *end;
	char *v;
	int rc;

	if (n > SDP_MAX_FMTS + 4 || from >= n || last >= n)
		return -EINVAL;
	end = t[last].p + t[last].n;
	v = mkline(&rc, l->type, "%.*s%s%s", (int)(t[from].p - l->val), l->val, ins, end);
	return v ? replace(s, l, v) : rc;
}

int sdp_set_conn(struct sdp *s, int idx, const char *addr)
{
	int fam = ip_family(addr), rc;
	struct sdp_media *m;
	size_t at;
	char *v;

	if (fam < 0 || idx < SDP_SESSION || (idx >= 0 && (size_t)idx >= s->nmedia))
		return -EINVAL;
	if (!(v = mkline(&rc, 'c', "IN IP%d %s", fam, addr)))
		return rc;
	if (idx == SDP_SESSION) {
		/* RFC 8866 order: v o s i u e p c b t r z k a */
		for (at = 3; at < s->nlines && !strchr("btrzka", s->lines[at].type); at++)
			;
		return done(s, set_unique(s, NULL, 3, 'c', NULL, at, v));
	}
	m = &s->media[idx];
	/* media order: m i c b k a */
	at = (m->nlines > 1 && m->lines[1].type == 'i') ? 2 : 1;
	return done(s, set_unique(s, m, 1, 'c', NULL, at, v));
}

int sdp_set_origin_addr(struct sdp *s, const char *addr)
{
	int fam = ip_family(addr);
	char ins[SDP_ADDR_MAX + 16];

	if (fam < 0)
		return -EINVAL;
	snprintf(ins, sizeof(ins), "IN IP%d %s", fam, addr);
	return done(s, splice(s, &s->lines[1], 3, 3, ins));
}

int sdp_bump_version(struct sdp *s)
{
	char v[SDP_TOKEN_MAX + 1];
	size_t n = strlen(s->sess_version);
	size_t i = n;

	memcpy(v + 1, s->sess_version, n + 1);
	while (i > 0 && v[i] == '9')
		v[i--] = '0';
	if (i > 0) {
		v[i]++;
		return done(s, splice(s, &s->lines[1], 2, 1, v + 1));
	}
	if (n + 1 >= SDP_TOKEN_MAX)
		return -E2BIG;
	v[0] = '1';
	return done(s, splice(s, &s->lines[1], 2, 1, v));
}

int sdp_set_port(struct sdp *s, size_t idx, unsigned port)
{
	char p[16];

	if (idx >= s->nmedia || port > 65535)
		return -EINVAL;
	/* a section with a port needs an address: set it first */
	if (port && !s->media[idx].conn.present)
		return -EINVAL;
	snprintf(p, sizeof(p), "%u", port);
	return done(s, splice(s, &s->media[idx].lines[0], 1, 1, p));
}

int sdp_set_proto(struct sdp *s, size_t idx, const char *proto)
{
	size_t n = proto ? strlen(proto) : 0;

	if (idx >= s->nmedia || n == 0 || n >= SDP_TOKEN_MAX ||
	    strspn(proto, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") != n)
		return -EINVAL;
	return done(s, splice(s, &s->media[idx].lines[0], 2, 1, proto));
}

int sdp_set_rtcp(struct sdp *s, size_t idx, unsigned port, const char *addr)
{
	struct sdp_media *m;
	int fam = 0, rc;
	char *v;

	if (idx >= s->nmedia || port > 65535 || (addr && (fam = ip_family(addr)) < 0))
		return -EINVAL;
	m = &s->media[idx];
	if (port == 0) {
		remove_attrs(m, "rtcp");
		return done(s, 0);
	}
	if (addr)
		v = mkline(&rc, 'a', "rtcp:%u IN IP%d %s", port, fam, addr);
	else
		v = mkline(&rc, 'a', "rtcp:%u", port);
	if (!v)
		return rc;
	return done(s, set_unique(s, m, 1, 'a', "rtcp", m->nlines, v));
}

int sdp_set_rtcp_mux(struct sdp *s, size_t idx, bool on)
{
	struct sdp_media *m;
	char *v;
	int rc;

	if (idx >= s->nmedia)
		return -EINVAL;
	m = &s->media[idx];
	if (!on) {
		remove_attrs(m, "rtcp-mux");
		return done(s, 0);
	}
	if (!(v = mkline(&rc, 'a', "rtcp-mux")))
		return rc;
	return done(s, set_unique(s, m, 1, 'a', "rtcp-mux", m->nlines, v));
}

int sdp_remove_crypto(struct sdp *s, size_t idx, long tag)
{
	struct sdp_media *m;
	const char *a;

	if (idx >= s->nmedia)
		return -EINVAL;
	m = &s->media[idx];
	for (size_t i = m->nlines; i-- > 1;) {
		if (m->lines[i].type != 'a' || !(a = sdp__attr(m->lines[i].val, "crypto")))
			continue;
		if (tag < 0 || strtol(a, NULL, 10) == tag)
			sdp__lines_remove(m->lines, &m->nlines, i);
	}
	return done(s, 0);
}

int sdp_add_crypto(struct sdp *s, size_t idx, const char *value)
{
	struct sdp_media *m;
	char *v;
	int rc;

	if (idx >= s->nmedia || !value)
		return -EINVAL;
	m = &s->media[idx];
	if (m->ncrypto >= SDP_MAX_CRYPTO)
		return -E2BIG;
	if (!(v = mkline(&rc, 'a', "crypto:%s", value)))
		return rc;
	return done(s, insert(s, m, m->nlines, 'a', v));
}

int sdp_set_dir(struct sdp *s, int idx, enum sdp_dir dir)
{
	struct sdp_media *m;
	char *v;
	int rc;

	if ((unsigned)dir > SDP_INACTIVE || idx < SDP_SESSION ||
	    (idx >= 0 && (size_t)idx >= s->nmedia))
		return -EINVAL;
	if (!(v = mkline(&rc, 'a', "%s", sdp_dir_name(dir))))
		return rc;
	if (idx >= 0) {
		m = &s->media[idx];
		return done(s, set_unique(s, m, 1, 'a', NULL, m->nlines, v));
	}
	rc = set_unique(s, NULL, 3, 'a', NULL, s->nlines, v);
	for (size_t i = 0; rc == 0 && i < s->nmedia; i++)
		remove_attrs(&s->media[i], NULL);
	return done(s, rc);
}

/* voice class codec names: IOS name -> encoding name, clock */
static const struct {
	const char *ios, *enc;
	unsigned clock;
} codec_names[] = {
	{ "g711ulaw", "PCMU", 8000 }, { "g711alaw", "PCMA", 8000 }, { "g722-64", "G722", 8000 },
	{ "g729r8", "G729", 8000 },   { "g729br8", "G729", 8000 },  { "opus", "opus", 48000 },
};

const char *sdp_codec_encoding(const char *name, unsigned *clock)
{
	*clock = 0;
	for (size_t i = 0; i < sizeof(codec_names) / sizeof(codec_names[0]); i++)
		if (strcasecmp(name, codec_names[i].ios) == 0) {
			*clock = codec_names[i].clock;
			return codec_names[i].enc;
		}
	return name;
}

/* The payload type an a=rtpmap/fmtp/rtcp-fb value is about, -1 for none. */
static int attr_pt(const char *val)
{
	static const char *const names[] = { "rtpmap", "fmtp", "rtcp-fb" };
	const char *a = NULL;
	char *end;
	long pt;

	for (size_t i = 0; i < 3 && !a; i++)
		a = sdp__attr(val, names[i]);
	if (!a || *a < '0' || *a > '9')
		return -1;
	pt = strtol(a, &end, 10);
	return (*end == ' ' || *end == '\0') && pt <= 127 ? (int)pt : -1;
}

int sdp_filter_codecs(struct sdp *s, size_t idx, const char *const *prefs, size_t n)
{
	struct sdp_media *m;
	struct buf list = BUF_INIT;
	bool keep[128] = { false }, onm[128] = { false }, used[SDP_MAX_FMTS] = { false };
	size_t kept = 0;
	int rc = 0;

	if (idx >= s->nmedia || !s->media[idx].rtp || (n && !prefs))
		return -EINVAL;
	m = &s->media[idx];
	for (size_t i = 0; i < m->nfmts; i++)
		onm[m->pts[i].pt] = true;
	for (size_t p = 0; p < n && !rc; p++) {
		unsigned clock;
		const char *enc = sdp_codec_encoding(prefs[p], &clock);
		for (size_t i = 0; i < m->nfmts && !rc; i++) {
			const struct sdp_pt *pt = &m->pts[i];
			if (used[i] || !pt->encoding[0] || strcasecmp(pt->encoding, enc) != 0 ||
			    (clock && pt->clock != clock) || (int)pt->pt == m->telephone_event)
				continue;
			used[i] = keep[pt->pt] = true;
			kept++;
			rc = buf_printf(&list, "%s%d", list.len ? " " : "", pt->pt);
		}
	}
	if (!rc && kept == 0)
		rc = -ENOENT;
	for (size_t i = 0; i < m->nfmts && !rc; i++)
		if (strcasecmp(m->pts[i].encoding, "telephone-event") == 0) {
			keep[m->pts[i].pt] = true;
			rc = buf_printf(&list, " %d", m->pts[i].pt);
		}
	if (!rc)
		rc = splice(s, &m->lines[0], 3, 0, list.p);
	for (size_t i = m->nlines; rc == 0 && i-- > 1;) {
		int pt = m->lines[i].type == 'a' ? attr_pt(m->lines[i].val) : -1;
		if (pt >= 0 && onm[pt] && !keep[pt])
			sdp__lines_remove(m->lines, &m->nlines, i);
	}
	buf_free(&list);
	rc = done(s, rc);
	return rc ? rc : (int)kept;
}
