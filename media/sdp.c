/* sdp.c - SDP parser, printer and copy (see sdp.h).  Line syntax and views
 * are in sdp_view.c, the rewriters in sdp_edit.c. */
#include "media/sdp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "media/sdp_int.h"

int sdp__lines_reserve(struct sdp_line **v, size_t *cap, size_t n)
{
	struct sdp_line *p;
	size_t c = *cap ? *cap * 2 : 8;

	if (n <= *cap)
		return 0;
	if (c < n)
		c = n;
	p = realloc(*v, c * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

void sdp__lines_insert(struct sdp_line *v, size_t *n, size_t pos, char type, char *val,
		       unsigned char eol)
{
	memmove(&v[pos + 1], &v[pos], (*n - pos) * sizeof(*v));
	v[pos].type = type;
	v[pos].eol = eol;
	v[pos].val = val;
	(*n)++;
}

void sdp__lines_remove(struct sdp_line *v, size_t *n, size_t pos)
{
	free(v[pos].val);
	memmove(&v[pos], &v[pos + 1], (*n - pos - 1) * sizeof(*v));
	(*n)--;
}

size_t sdp__total_lines(const struct sdp *s)
{
	size_t n = s->nlines;

	for (size_t i = 0; i < s->nmedia; i++)
		n += s->media[i].nlines;
	return n;
}

static void lines_free(struct sdp_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].val);
	free(v);
}

void sdp_free(struct sdp *s)
{
	if (!s)
		return;
	lines_free(s->lines, s->nlines);
	for (size_t i = 0; i < s->nmedia; i++)
		lines_free(s->media[i].lines, s->media[i].nlines);
	free(s->media);
	free(s->tail);
	free(s);
}

static int perr(char *err, size_t errsz, size_t lineno, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int perr(char *err, size_t errsz, size_t lineno, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!err || !errsz)
		return -EINVAL;
	if (lineno)
		n = snprintf(err, errsz, "line %zu: ", lineno);
	if (n >= 0 && (size_t)n < errsz) {
		va_start(ap, fmt);
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool only_eols(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* Where a line of this type may go, given what came before.  0 or -EINVAL. */
static int check_place(const struct sdp *s, char type, size_t lineno, bool have_c, bool have_t,
		       char *err, size_t errsz)
{
	static const char order[] = "vos";

	if (!strchr("vosiuepcbtrzkam", type))
		return perr(err, errsz, lineno, "unknown line type '%c'", type);
	if (lineno <= 3 && type != order[lineno - 1])
		return perr(err, errsz, lineno, "missing %c= line", order[lineno - 1]);
	if (lineno > 3 && strchr(order, type))
		return perr(err, errsz, lineno, "more than one %c= line", type);
	if (s->nmedia && !strchr("icbkam", type))
		return perr(err, errsz, lineno, "%c= line not allowed in a media section", type);
	if (type == 'm' && !have_t)
		return perr(err, errsz, lineno, "missing t= line");
	if (type == 'm' && s->nmedia == SDP_MAX_MEDIA)
		return perr(err, errsz, lineno, "too many media sections (limit %d)", SDP_MAX_MEDIA);
	if (type == 'c' && !s->nmedia && have_c)
		return perr(err, errsz, lineno, "more than one c= line at session level");
	return 0;
}

/* Append one line (val owned on success) to the session or the last media
 * section, opening a new section for m=.  0 or -ENOMEM. */
static int add_line(struct sdp *s, char type, char *val, unsigned char eol)
{
	struct sdp_media *m;

	if (type == 'm') {
		m = realloc(s->media, (s->nmedia + 1) * sizeof(*m));
		if (!m)
			return -ENOMEM;
		s->media = m;
		memset(&m[s->nmedia], 0, sizeof(*m));
		s->nmedia++;
	}
	if (!s->nmedia) {
		if (sdp__lines_reserve(&s->lines, &s->cap, s->nlines + 1))
			return -ENOMEM;
		sdp__lines_insert(s->lines, &s->nlines, s->nlines, type, val, eol);
		return 0;
	}
	m = &s->media[s->nmedia - 1];
	if (sdp__lines_reserve(&m->lines, &m->cap, m->nlines + 1))
		return -ENOMEM;
	sdp__lines_insert(m->lines, &m->nlines, m->nlines, type, val, eol);
	return 0;
}

int sdp_parse(const char *text, size_t len, struct sdp **out, char *err, size_t errsz)
{
	struct sdp *s = NULL;
	char why[160];
	size_t pos = 0, lineno = 0;
	bool have_c = false, have_t = false;
	int rc = -EINVAL;

	*out = NULL;
	if (err && errsz)
		err[0] = '\0';
	if (len > SDP_MAX_LEN) {
		perr(err, errsz, 0, "SDP larger than %d KiB", SDP_MAX_LEN / 1024);
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = -ENOMEM;
		goto out;
	}
	while (pos < len) {
		const char *p = text + pos, *nl = memchr(p, '\n', len - pos);
		size_t clen = nl ? (size_t)(nl - p) : len - pos;
		size_t next = pos + clen + (nl ? 1 : 0);
		unsigned char eol = nl ? SDP_EOL_LF : SDP_EOL_NONE;
		char *val;

		lineno++;
		if (nl && clen && p[clen - 1] == '\r') {
			clen--;
			eol = SDP_EOL_CRLF;
		}
		if (clen == 0 && lineno > 1 && only_eols(p, len - pos)) {
			/* trailing blank lines: kept as they are */
			s->tail = strndup(p, len - pos);
			if (!s->tail) {
				rc = -ENOMEM;
				goto out;
			}
			break;
		}
		if (clen > SDP_MAX_LINE) {
			perr(err, errsz, lineno, "line too long (limit %d bytes)", SDP_MAX_LINE);
			goto out;
		}
		if (memchr(p, '\0', clen)) {
			perr(err, errsz, lineno, "NUL byte in line");
			goto out;
		}
		if (memchr(p, '\r', clen)) {
			perr(err, errsz, lineno, "stray CR in line");
			goto out;
		}
		if (lineno > SDP_MAX_LINES) {
			perr(err, errsz, lineno, "too many lines (limit %d)", SDP_MAX_LINES);
			goto out;
		}
		if (clen < 2 || p[1] != '=' || p[0] < 'a' || p[0] > 'z') {
			if (lineno == 1)
				perr(err, errsz, lineno, "missing v= line");
			else if (clen == 0)
				perr(err, errsz, lineno, "empty line");
			else
				perr(err, errsz, lineno, "malformed line: expected <type>=<value>");
			goto out;
		}
		if (check_place(s, p[0], lineno, have_c, have_t, err, errsz))
			goto out;
		have_c |= (p[0] == 'c' && !s->nmedia);
		have_t |= (p[0] == 't');
		val = strndup(p + 2, clen - 2);
		if (!val) {
			rc = -ENOMEM;
			goto out;
		}
		if (sdp__check_line(p[0], val, why, sizeof(why))) {
			free(val);
			perr(err, errsz, lineno, "%s", why);
			goto out;
		}
		if (add_line(s, p[0], val, eol)) {
			free(val);
			rc = -ENOMEM;
			goto out;
		}
		pos = next;
	}
	if (s->nlines < 3 && !s->nmedia) {
		perr(err, errsz, lineno + 1, "missing %c= line", "vos"[s->nlines]);
		goto out;
	}
	if (!have_t) {
		perr(err, errsz, lineno + 1, "missing t= line");
		goto out;
	}
	s->eol = s->lines[0].eol == SDP_EOL_LF ? SDP_EOL_LF : SDP_EOL_CRLF;
	if (sdp__derive(s, err, errsz))
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	sdp_free(s);
	return rc;
}

static int print_line(struct buf *out, const struct sdp_line *l, bool last, unsigned char dflt)
{
	unsigned char eol = l->eol == SDP_EOL_NONE && !last ? dflt : l->eol;
	char t[2] = { l->type, '=' };
	int rc = buf_append(out, t, 2);

	if (!rc)
		rc = buf_puts(out, l->val);
	if (!rc && eol != SDP_EOL_NONE)
		rc = buf_puts(out, eol == SDP_EOL_LF ? "\n" : "\r\n");
	return rc;
}

int sdp_print(const struct sdp *s, struct buf *out)
{
	size_t total = sdp__total_lines(s), k = 0;
	int rc = 0;

	for (size_t i = 0; i < s->nlines && !rc; i++)
		rc = print_line(out, &s->lines[i], ++k == total, s->eol);
	for (size_t j = 0; j < s->nmedia && !rc; j++)
		for (size_t i = 0; i < s->media[j].nlines && !rc; i++)
			rc = print_line(out, &s->media[j].lines[i], ++k == total, s->eol);
	if (!rc && s->tail)
		rc = buf_puts(out, s->tail);
	return rc;
}

static int lines_copy(struct sdp_line **dst, size_t *dn, size_t *dcap, const struct sdp_line *src,
		      size_t n)
{
	if (sdp__lines_reserve(dst, dcap, n ? n : 1))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *v = strdup(src[i].val);
		if (!v)
			return -ENOMEM;
		sdp__lines_insert(*dst, dn, *dn, src[i].type, v, src[i].eol);
	}
	return 0;
}

int sdp_dup(struct sdp **out, const struct sdp *s)
{
	struct sdp *d = calloc(1, sizeof(*d));
	int rc = -ENOMEM;

	*out = NULL;
	if (!d)
		goto out;
	d->eol = s->eol;
	if (s->tail && !(d->tail = strdup(s->tail)))
		goto out;
	if (lines_copy(&d->lines, &d->nlines, &d->cap, s->lines, s->nlines))
		goto out;
	if (s->nmedia && !(d->media = calloc(s->nmedia, sizeof(*d->media))))
		goto out;
	for (; d->nmedia < s->nmedia; d->nmedia++) {
		const struct sdp_media *sm = &s->media[d->nmedia];
		struct sdp_media *dm = &d->media[d->nmedia];
		if (lines_copy(&dm->lines, &dm->nlines, &dm->cap, sm->lines, sm->nlines)) {
			d->nmedia++; /* so that sdp_free() frees its lines */
			goto out;
		}
	}
	rc = sdp__derive(d, NULL, 0);
	if (!rc) {
		*out = d;
		d = NULL;
	}
out:
	sdp_free(d);
	return rc;
}
