/* sdp_int.h - private helpers shared by media/sdp.c (parse, print, copy),
 * media/sdp_view.c (line checks, views) and media/sdp_edit.c (rewriters).
 * Not for use outside media/sdp*.c. */
#ifndef TOLLGATE_MEDIA_SDP_INT_H
#define TOLLGATE_MEDIA_SDP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "media/sdp.h"

/* sdp_line.eol */
enum { SDP_EOL_CRLF = 0, SDP_EOL_LF = 1, SDP_EOL_NONE = 2 };

/* A token of a line value: not NUL-terminated, points into the value. */
struct sdp__tok {
	const char *p;
	size_t n;
};

/* Split s at runs of spaces into at most max tokens; returns the number
 * found, max + 1 when there are more. */
size_t sdp__split(const char *s, struct sdp__tok *t, size_t max);

/* Decimal digits only, at most 18 of them: 0 and *out, -1 when not digits,
 * -2 when larger than max. */
int sdp__uint(const char *p, size_t n, unsigned long max, unsigned long *out);

/* Check the syntax of one line's value for its type, without context.
 * 0, or -EINVAL with a reason (no line number) in why. */
int sdp__check_line(char type, const char *val, char *why, size_t whysz);

/* Derive every view of s from its lines; reports what spans lines (a media
 * section without a connection address).  0, or -EINVAL with err. */
int sdp__derive(struct sdp *s, char *err, size_t errsz);

/* The attribute name of an a= value equals name ("rtcp" matches "rtcp:9"
 * and "rtcp", not "rtcp-mux"); returns the text after ':' ("" when none),
 * NULL when the name differs. */
const char *sdp__attr(const char *val, const char *name);

/* The direction named by an a= value, -1 for another attribute. */
int sdp__attr_dir(const char *val);

/* Line arrays.  Reserve room for n lines: 0 or -ENOMEM.  Insert at pos
 * after a successful reserve: cannot fail; takes ownership of val.  Remove
 * frees the line. */
int sdp__lines_reserve(struct sdp_line **v, size_t *cap, size_t n);
void sdp__lines_insert(struct sdp_line *v, size_t *n, size_t pos, char type, char *val,
		       unsigned char eol);
void sdp__lines_remove(struct sdp_line *v, size_t *n, size_t pos);

/* Lines in all, session and media. */
size_t sdp__total_lines(const struct sdp *s);

#endif
