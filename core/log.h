/* log.h - the logging ring buffer, syslog/stderr output and monitor subscribers (layer 1).
 *
 * Messages are IOS-form: "%FAC-SEV-MNEMONIC: text".  Each is stored with an
 * IOS timestamp in a ring buffer of `logging buffered` bytes (`show logging`),
 * written to stderr in the foreground or to syslog otherwise, and handed to
 * every subscriber (sessions with `terminal monitor`).  Never blocks. */
#ifndef TOLLGATE_LOG_H
#define TOLLGATE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define LOG_BUF_DEFAULT 8192

void log_init(bool foreground, size_t bufsize);
void log_fini(void);
void log_set_size(size_t bytes);          /* logging buffered SIZE (0 = default) */
size_t log_get_size(void);
void log_clear(void);                     /* clear logging: empty the buffer (the count stays) */
/* log_msg(5, "SYS", "CONFIG_I", "Configured from console by %s", who) */
void log_msg(int sev, const char *fac, const char *mnemonic, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void log_dump(struct buf *out);           /* the buffer, oldest first */
unsigned long log_count(void);            /* messages logged since start */

typedef void (*log_sub_fn)(void *arg, const char *line);
int log_subscribe(log_sub_fn fn, void *arg);   /* 0 or -ENOMEM */
void log_unsubscribe(log_sub_fn fn, void *arg);

#endif
