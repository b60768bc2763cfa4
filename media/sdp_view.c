/* sdp_view.c - SDP line syntax checks and the views derived from the lines
 * (see sdp.h): the o=, c=, t=, b= and m= lines and the attributes rtpmap,
 * fmtp, rtcp, rtcp-mux, ptime, crypto and the four directions. */
#include "media/sdp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "media/sdp_int.h"

size_t sdp__split(const char *s, struct sdp__tok *t, size_t max)
{
	size_t n = 0;

	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		t[n].p = s;
		while (*s && *s != ' ')
			s++;
		t[n].n = (size_t)(s - t[n].p);
		n++;
	}
}

int sdp__uint(const char *p, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	if (n > 18)
		return -2;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned long)(p[i] - '0');
	if (v > max)
		return -2;
	*out = v;
	return 0;
}

/* RFC 8866 token-char: visible ASCII except the separators. */
static bool tokc(char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]", c);
}

static bool is_token(const char *p, size_t n, const char *extra)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!tokc(p[i]) && !(extra && p[i] && strchr(extra, p[i])))
			return false;
	return true;
}

static bool tok_is(const struct sdp__tok *t, const char *s)
{
	return t->n == strlen(s) && strncmp(t->p, s, t->n) == 0;
}

static int why_set(char *why, size_t whysz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int why_set(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why && whysz) {
		va_start(ap, fmt);
		vsnprintf(why, whysz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "<nettype> <addrtype> <address>[/ttl[/count]]" as three tokens; the suffix
 * is allowed only when multicast is set (c=).  0 or -EINVAL. */
static int parse_addr(const struct sdp__tok *t, bool multicast, struct sdp_conn *out)
{
	char a[SDP_ADDR_MAX];
	unsigned char bin[16];
	size_t n = t[2].n;
	const char *slash = memchr(t[2].p, '/', t[2].n);

	if (!is_token(t[0].p, t[0].n, NULL) || !is_token(t[1].p, t[1].n, NULL))
		return -EINVAL;
	if (slash) {
		if (!multicast)
			return -EINVAL;
		/* "/ttl" or "/ttl/count" (IPv4), "/count" (IPv6): 1 or 2 numbers */
		const char *q = slash, *end = t[2].p + t[2].n;
		int parts = 0;
		n = (size_t)(slash - t[2].p);
		while (q < end) {
			const char *e = memchr(q + 1, '/', (size_t)(end - q - 1));
			unsigned long x;
			if (!e)
				e = end;
			if (++parts > 2 || sdp__uint(q + 1, (size_t)(e - q - 1), 65535, &x))
				return -EINVAL;
			q = e;
		}
	}
	if (n == 0 || n >= sizeof(a))
		return -EINVAL;
	const char *src = t[2].p;
	/* "[::1]" as some user agents write IPv6 (sipp does): taken without the
	 * brackets, and written back without them */
	if (n > 2 && src[0] == '[' && src[n - 1] == ']' && tok_is(&t[1], "IP6")) {
		src++;
		n -= 2;
	}
	memcpy(a, src, n);
	a[n] = '\0';
	memset(out, 0, sizeof(*out));
	out->present = true;
	memcpy(out->addr, a, n + 1);
	if (tok_is(&t[1], "IP4") || tok_is(&t[1], "IP6")) {
		out->family = t[1].p[2] == '4' ? 4 : 6;
		if (inet_pton(out->family == 4 ? AF_INET : AF_INET6, a, bin) == 1)
			return 0;
		/* else an FQDN, with a letter somewhere (not 300.1.1.1) */
		bool letter = false;
		for (size_t i = 0; i < n; i++) {
			bool alpha = (a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z');
			letter |= alpha;
			if (!alpha && !(a[i] >= '0' && a[i] <= '9') && a[i] != '-' && a[i] != '.')
				return -EINVAL;
		}
		return letter ? 0 : -EINVAL;
	}
	return is_token(a, n, NULL) ? 0 : -EINVAL;
}

/* RFC 3551 static payload types: encoding, clock, channels. */
static const struct {
	int pt;
	const char *enc;
	unsigned clock, channels;
} static_pts[] = {
	{ 0, "PCMU", 8000, 1 },    { 3, "GSM", 8000, 1 },     { 4, "G723", 8000, 1 },
	{ 5, "DVI4", 8000, 1 },    { 6, "DVI4", 16000, 1 },   { 7, "LPC", 8000, 1 },
	{ 8, "PCMA", 8000, 1 },    { 9, "G722", 8000, 1 },    { 10, "L16", 44100, 2 },
	{ 11, "L16", 44100, 1 },   { 12, "QCELP", 8000, 1 },  { 13, "CN", 8000, 1 },
	{ 14, "MPA", 90000, 1 },   { 15, "G728", 8000, 1 },   { 16, "DVI4", 11025, 1 },
	{ 17, "DVI4", 22050, 1 },  { 18, "G729", 8000, 1 },   { 25, "CelB", 90000, 1 },
	{ 26, "JPEG", 90000, 1 },  { 28, "nv", 90000, 1 },    { 31, "H261", 90000, 1 },
	{ 32, "MPV", 90000, 1 },   { 33, "MP2T", 90000, 1 },  { 34, "H263", 90000, 1 },
};

/* The m= line: "<media> <port>[/<count>] <proto> <fmt> ...". */
struct mline {
	struct sdp__tok t[SDP_MAX_FMTS + 3];
	size_t nfmts;
	unsigned long port, count;
	bool rtp, secure;
	int pt[SDP_MAX_FMTS];
};

static int parse_mline(const char *v, struct mline *m, char *why, size_t whysz)
{
	size_t n = sdp__split(v, m->t, SDP_MAX_FMTS + 3);
	const struct sdp__tok *pt = &m->t[1], *pr = &m->t[2];
	const char *slash;
	unsigned long x;
	int rc;

	if (n > SDP_MAX_FMTS + 3)
		return why_set(why, whysz, "too many formats in m= line (limit %d)", SDP_MAX_FMTS);
	if (n < 4)
		return why_set(why, whysz, "malformed m= line: expected <media> <port> <proto> <fmt> ...");
	if (!is_token(m->t[0].p, m->t[0].n, NULL) || m->t[0].n >= SDP_TOKEN_MAX)
		return why_set(why, whysz, "malformed m= line: bad media type");
	slash = memchr(pt->p, '/', pt->n);
	rc = sdp__uint(pt->p, slash ? (size_t)(slash - pt->p) : pt->n, 65535, &m->port);
	if (rc == -2)
		return why_set(why, whysz, "port %.*s out of range in m= line",
			       (int)(slash ? (size_t)(slash - pt->p) : pt->n), pt->p);
	if (rc)
		return why_set(why, whysz, "malformed m= line: bad port");
	m->count = 1;
	if (slash && (sdp__uint(slash + 1, (size_t)(pt->p + pt->n - slash - 1), 65535, &m->count) ||
		      m->count == 0))
		return why_set(why, whysz, "malformed m= line: bad port count");
	if (!is_token(pr->p, pr->n, "/") || pr->n >= SDP_TOKEN_MAX)
		return why_set(why, whysz, "malformed m= line: bad proto");
	m->rtp = (pr->n >= 4 && strncasecmp(pr->p, "RTP/", 4) == 0);
	for (size_t i = 0; i + 5 <= pr->n && !m->rtp; i++)
		m->rtp = strncasecmp(pr->p + i, "/RTP/", 5) == 0;
	m->secure = (pr->n >= 4 && strncasecmp(pr->p + pr->n - 4, "SAVP", 4) == 0) ||
		    (pr->n >= 5 && strncasecmp(pr->p + pr->n - 5, "SAVPF", 5) == 0);
	m->nfmts = n - 3;
	for (size_t i = 0; i < m->nfmts; i++) {
		const struct sdp__tok *f = &m->t[3 + i];
		if (!is_token(f->p, f->n, "/:"))
			return why_set(why, whysz, "malformed m= line: bad format");
		if (!m->rtp)
			continue;
		rc = sdp__uint(f->p, f->n, 127, &x);
		if (rc == -2)
			return why_set(why, whysz, "payload type %.*s out of range in m= line",
				       (int)f->n, f->p);
		if (rc)
			return why_set(why, whysz, "malformed m= line: payload type %.*s",
				       (int)(f->n > 16 ? 16 : f->n), f->p);
		m->pt[i] = (int)x;
		for (size_t j = 0; j < i; j++)
			if (m->pt[j] == (int)x)
				return why_set(why, whysz, "duplicate payload type %lu in m= line", x);
	}
	return 0;
}

/* a=rtpmap value: "<pt> <encoding>/<clock>[/<channels>]". */
static int parse_rtpmap(const char *v, struct sdp_pt *out)
{
	struct sdp__tok t[3];
	const char *s1, *s2, *end;
	unsigned long x;

	if (sdp__split(v, t, 2) != 2 || sdp__uint(t[0].p, t[0].n, 127, &x))
		return -EINVAL;
	out->pt = (int)x;
	end = t[1].p + t[1].n;
	s1 = memchr(t[1].p, '/', t[1].n);
	if (!s1 || s1 == t[1].p || (size_t)(s1 - t[1].p) >= SDP_TOKEN_MAX ||
	    !is_token(t[1].p, (size_t)(s1 - t[1].p), NULL))
		return -EINVAL;
	memcpy(out->encoding, t[1].p, (size_t)(s1 - t[1].p));
	out->encoding[s1 - t[1].p] = '\0';
	s2 = memchr(s1 + 1, '/', (size_t)(end - s1 - 1));
	if (sdp__uint(s1 + 1, (size_t)((s2 ? s2 : end) - s1 - 1), 10000000, &x) || x == 0)
		return -EINVAL;
	out->clock = (unsigned)x;
	out->channels = 1;
	if (s2) {
		if (sdp__uint(s2 + 1, (size_t)(end - s2 - 1), 255, &x) || x == 0)
			return -EINVAL;
		out->channels = (unsigned)x;
	}
	return 0;
}

/* a=rtcp value: "<port> [<nettype> <addrtype> <address>]". */
static int parse_rtcp(const char *v, unsigned *port, struct sdp_conn *c)
{
	struct sdp__tok t[5];
	size_t n = sdp__split(v, t, 4);
	unsigned long x;

	if ((n != 1 && n != 4) || sdp__uint(t[0].p, t[0].n, 65535, &x) || x == 0)
		return -EINVAL;
	*port = (unsigned)x;
	memset(c, 0, sizeof(*c));
	return n == 4 ? parse_addr(&t[1], false, c) : 0;
}

/* a=ptime value: a number of ms, decimal fraction allowed. */
static int parse_ptime(const char *v, unsigned *ms)
{
	const char *dot = strchr(v, '.');
	size_t n = dot ? (size_t)(dot - v) : strlen(v);
	unsigned long x;

	if (sdp__uint(v, n, 100000, &x))
		return -EINVAL;
	if (dot && sdp__uint(dot + 1, strlen(dot + 1), 999999999, &(unsigned long){ 0 }))
		return -EINVAL;
	*ms = (unsigned)x;
	return 0;
}

/* a=crypto value: "<tag> <suite> <key-params> ..." (RFC 4568 9.1). */
static int parse_crypto(const char *v, unsigned long *tag)
{
	struct sdp__tok t[4];

	if (sdp__split(v, t, 3) < 3 || v[0] == ' ' || t[0].n > 9 ||
	    sdp__uint(t[0].p, t[0].n, 999999999, tag) || !is_token(t[1].p, t[1].n, NULL))
		return -EINVAL;
	return 0;
}

const char *sdp__attr(const char *val, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(val, name, n) != 0)
		return NULL;
	if (val[n] == '\0')
		return val + n;
	return val[n] == ':' ? val + n + 1 : NULL;
}

int sdp__attr_dir(const char *val)
{
	static const char *const names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

	for (int i = 0; i < 4; i++)
		if (strcmp(val, names[i]) == 0)
			return i;
	return -1;
}

const char *sdp_dir_name(enum sdp_dir d)
{
	static const char *const names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

	return (unsigned)d < 4 ? names[d] : "?";
}

static int check_attr(const char *v, char *why, size_t whysz)
{
	const char *colon = strchr(v, ':'), *a;
	struct sdp_pt pt;
	struct sdp_conn c;
	struct sdp__tok t[1];
	unsigned u;
	unsigned long tag;

	if (!is_token(v, colon ? (size_t)(colon - v) : strlen(v), NULL))
		return why_set(why, whysz, "malformed a= line: bad attribute name");
	if ((a = sdp__attr(v, "rtpmap")) && parse_rtpmap(a, &pt))
		return why_set(why, whysz, "malformed a=rtpmap: expected <pt> <encoding>/<clock>");
	if ((a = sdp__attr(v, "fmtp")) && (sdp__split(a, t, 1) == 0 || a[0] == ' '))
		return why_set(why, whysz, "malformed a=fmtp: expected <format> <parameters>");
	if ((a = sdp__attr(v, "rtcp")) && parse_rtcp(a, &u, &c))
		return why_set(why, whysz, "malformed a=rtcp: expected <port> [IN IP4|IP6 <address>]");
	if ((a = sdp__attr(v, "ptime")) && parse_ptime(a, &u))
		return why_set(why, whysz, "malformed a=ptime");
	if ((a = sdp__attr(v, "crypto")) && parse_crypto(a, &tag))
		return why_set(why, whysz, "malformed a=crypto: expected <tag> <suite> <key-params>");
	return 0;
}

int sdp__check_line(char type, const char *v, char *why, size_t whysz)
{
	struct sdp__tok t[7];
	struct sdp_conn c;
	struct mline m;
	const char *colon;
	unsigned long x;
	int rc;

	switch (type) {
	case 'v':
		if (strcmp(v, "0") != 0)
			return why_set(why, whysz, "unsupported SDP version \"%.16s\"", v);
		return 0;
	case 'o':
		if (sdp__split(v, t, 6) != 6 || parse_addr(&t[3], false, &c))
			return why_set(why, whysz, "malformed o= line: expected <username> <sess-id> "
						   "<sess-version> IN IP4|IP6 <address>");
		if (t[1].n >= SDP_TOKEN_MAX || sdp__uint(t[1].p, t[1].n, ~0UL, &x) == -1 ||
		    t[2].n >= SDP_TOKEN_MAX || sdp__uint(t[2].p, t[2].n, ~0UL, &x) == -1)
			return why_set(why, whysz, "malformed o= line: bad session id or version");
		return 0;
	case 'c':
		if (sdp__split(v, t, 3) != 3 || parse_addr(t, true, &c))
			return why_set(why, whysz, "malformed c= line: expected IN IP4|IP6 <address>");
		return 0;
	case 't':
		if (sdp__split(v, t, 2) != 2 || sdp__uint(t[0].p, t[0].n, ~0UL, &x) == -1 ||
		    sdp__uint(t[1].p, t[1].n, ~0UL, &x) == -1 || t[0].n > 20 || t[1].n > 20)
			return why_set(why, whysz, "malformed t= line: expected <start> <stop>");
		return 0;
	case 'b':
		colon = strchr(v, ':');
		if (!colon || !is_token(v, (size_t)(colon - v), NULL) ||
		    sdp__uint(colon + 1, strlen(colon + 1), ~0UL, &x))
			return why_set(why, whysz, "malformed b= line: expected <bwtype>:<bandwidth>");
		return 0;
	case 'm':
		rc = parse_mline(v, &m, why, whysz);
		return rc;
	case 'a':
		return check_attr(v, why, whysz);
	default:
		return 0;
	}
}

/* Views of one media section; s->conn and s->dir already derived. */
static int derive_media(const struct sdp *s, struct sdp_media *md, size_t lineno, char *err,
			size_t errsz)
{
	struct mline ml;
	struct sdp__tok t[3];
	const char *a;
	unsigned long x;
	int d;

	if (parse_mline(md->lines[0].val, &ml, NULL, 0))
		return -EINVAL;
	memcpy(md->type, ml.t[0].p, ml.t[0].n);
	md->type[ml.t[0].n] = '\0';
	memcpy(md->proto, ml.t[2].p, ml.t[2].n);
	md->proto[ml.t[2].n] = '\0';
	md->port = (unsigned)ml.port;
	md->port_count = (unsigned)ml.count;
	md->rtp = ml.rtp;
	md->secure = ml.secure;
	md->nfmts = ml.nfmts;
	md->telephone_event = -1;
	memset(&md->conn, 0, sizeof(md->conn));
	memset(&md->rtcp_conn, 0, sizeof(md->rtcp_conn));
	md->rtcp_port = 0;
	md->rtcp_mux = false;
	md->dir = s->dir;
	md->dir_explicit = false;
	md->ptime = 0;
	md->ncrypto = 0;
	for (size_t i = 0; i < (ml.rtp ? ml.nfmts : 0); i++) {
		struct sdp_pt *p = &md->pts[i];
		memset(p, 0, sizeof(*p));
		p->pt = ml.pt[i];
		p->channels = 1;
		for (size_t k = 0; k < sizeof(static_pts) / sizeof(static_pts[0]); k++)
			if (static_pts[k].pt == p->pt) {
				snprintf(p->encoding, sizeof(p->encoding), "%s", static_pts[k].enc);
				p->clock = static_pts[k].clock;
				p->channels = static_pts[k].channels;
			}
	}

	bool rtpmapped[128] = { false }, fmtped[128] = { false };
	for (size_t i = 1; i < md->nlines; i++) {
		const char *v = md->lines[i].val;
		if (md->lines[i].type == 'c') {
			if (!md->conn.present && sdp__split(v, t, 3) == 3)
				parse_addr(t, true, &md->conn);
			continue;
		}
		if (md->lines[i].type != 'a')
			continue;
		if ((d = sdp__attr_dir(v)) >= 0 && !md->dir_explicit) {
			md->dir = (enum sdp_dir)d;
			md->dir_explicit = true;
		} else if (strcmp(v, "rtcp-mux") == 0) {
			md->rtcp_mux = true;
		} else if ((a = sdp__attr(v, "rtcp")) && !md->rtcp_port) {
			parse_rtcp(a, &md->rtcp_port, &md->rtcp_conn);
		} else if ((a = sdp__attr(v, "ptime")) && !md->ptime) {
			parse_ptime(a, &md->ptime);
		} else if ((a = sdp__attr(v, "crypto"))) {
			if (md->ncrypto == SDP_MAX_CRYPTO) {
				snprintf(err, errsz, "line %zu: too many a=crypto lines (limit %d)",
					 lineno + i, SDP_MAX_CRYPTO);
				return -EINVAL;
			}
			parse_crypto(a, &md->crypto[md->ncrypto].tag);
			md->crypto[md->ncrypto++].value = a;
		} else if (ml.rtp && (a = sdp__attr(v, "rtpmap"))) {
			struct sdp_pt p;
			if (parse_rtpmap(a, &p) || rtpmapped[p.pt])
				continue;
			rtpmapped[p.pt] = true;
			for (size_t k = 0; k < ml.nfmts; k++)
				if (md->pts[k].pt == p.pt) {
					memcpy(md->pts[k].encoding, p.encoding, sizeof(p.encoding));
					md->pts[k].clock = p.clock;
					md->pts[k].channels = p.channels;
				}
		} else if (ml.rtp && (a = sdp__attr(v, "fmtp"))) {
			if (sdp__split(a, t, 1) < 1 || sdp__uint(t[0].p, t[0].n, 127, &x) || fmtped[x])
				continue;
			fmtped[x] = true;
			a = t[0].p + t[0].n;
			while (*a == ' ')
				a++;
			for (size_t k = 0; k < ml.nfmts; k++)
				if (md->pts[k].pt == (int)x)
					md->pts[k].fmtp = a;
		}
	}
	for (size_t k = 0; k < (ml.rtp ? ml.nfmts : 0) && md->telephone_event < 0; k++)
		if (strcasecmp(md->pts[k].encoding, "telephone-event") == 0)
			md->telephone_event = md->pts[k].pt;
	if (!md->conn.present)
		md->conn = s->conn;
	if (!md->conn.present && md->port != 0) {
		snprintf(err, errsz, "line %zu: media section has no c= line and the session none",
			 lineno);
		return -EINVAL;
	}
	return 0;
}

int sdp__derive(struct sdp *s, char *err, size_t errsz)
{
	struct sdp__tok t[6];
	size_t lineno;
	int d;
	int rc;

	memset(&s->conn, 0, sizeof(s->conn));
	s->dir = SDP_SENDRECV;
	s->dir_explicit = false;
	if (sdp__split(s->lines[1].val, t, 6) == 6) {
		snprintf(s->sess_id, sizeof(s->sess_id), "%.*s", (int)t[1].n, t[1].p);
		snprintf(s->sess_version, sizeof(s->sess_version), "%.*s", (int)t[2].n, t[2].p);
		parse_addr(&t[3], false, &s->origin);
	}
	for (size_t i = 2; i < s->nlines; i++) {
		const char *v = s->lines[i].val;
		if (s->lines[i].type == 'c' && !s->conn.present && sdp__split(v, t, 3) == 3)
			parse_addr(t, true, &s->conn);
		if (s->lines[i].type == 'a' && (d = sdp__attr_dir(v)) >= 0 && !s->dir_explicit) {
			s->dir = (enum sdp_dir)d;
			s->dir_explicit = true;
		}
	}
	lineno = s->nlines + 1;
	for (size_t i = 0; i < s->nmedia; i++) {
		rc = derive_media(s, &s->media[i], lineno, err, errsz);
		if (rc)
			return rc;
		lineno += s->media[i].nlines;
	}
	return 0;
}

const struct sdp_pt *sdp_media_pt(const struct sdp_media *m, int pt)
{
	for (size_t i = 0; m->rtp && i < m->nfmts; i++)
		if (m->pts[i].pt == pt)
			return &m->pts[i];
	return NULL;
}

bool sdp_media_on_hold(const struct sdp_media *m)
{
	return m->dir == SDP_SENDONLY || m->dir == SDP_INACTIVE ||
	       (m->conn.family == 4 && strcmp(m->conn.addr, "0.0.0.0") == 0);
}
