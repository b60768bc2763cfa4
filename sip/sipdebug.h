/* sipdebug.h - `debug ccsip ...`, `debug voip dialpeer`, `debug ssl openssl ...` flags and
 * the helpers that write debug lines to the log (layer 4).  Debug output goes to the
 * logging buffer and to sessions with `terminal monitor`; it never blocks. */
#ifndef TOLLGATE_SIPDEBUG_H
#define TOLLGATE_SIPDEBUG_H

#include <stdbool.h>
#include <stddef.h>

struct sip_dest;
struct sip_src;

struct sip_debug_flags {
	bool messages, error, transport, events; /* debug ccsip ... */
	bool dialpeer;                           /* debug voip dialpeer */
	bool tls_states, tls_msg, tls_errors;    /* debug ssl openssl ... */
};
extern struct sip_debug_flags sipdbg;

void sipdbg_msg(bool out, const char *data, size_t len, const struct sip_dest *dst);
void sipdbg_rx(const char *data, size_t len, const struct sip_src *src);
void sipdbg_printf(const char *fac, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool sipdbg_any(void);
void sipdbg_all_off(void);

#endif
