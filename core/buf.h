/* buf.h - growable byte/string buffer used for command output and file I/O (layer 1).
 *
 * Ownership: a struct buf owns its storage; buf_free() releases it.  The data is
 * always NUL-terminated after any append, so b->p can be used as a C string. */
#ifndef TOLLGATE_BUF_H
#define TOLLGATE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;     /* data, NUL-terminated (NULL until the first append) */
	size_t len;  /* bytes used, not counting the NUL */
	size_t cap;  /* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

int buf_reserve(struct buf *b, size_t extra);              /* 0 or -ENOMEM */
int buf_append(struct buf *b, const void *data, size_t n); /* 0 or -ENOMEM */
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);                             /* len = 0, keeps storage */
void buf_consume(struct buf *b, size_t n);                 /* drop n bytes from the front */
void buf_free(struct buf *b);
const char *buf_str(const struct buf *b);                  /* "" when empty */

#endif
