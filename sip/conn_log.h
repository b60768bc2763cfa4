/* conn_log.h - %SIP-3-CONN_FAILED: the outbound TCP/TLS connections that could
 * not be made (those show sip-ua connections lists as "last connection
 * failures") are logged, at most one line per transport and remote address in
 * SIP_CONNLOG_WINDOW seconds; the next line says how many were not logged. */
#ifndef TOLLGATE_SIP_CONN_LOG_H
#define TOLLGATE_SIP_CONN_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sip/transport.h"

#define SIP_CONNLOG_WINDOW 60   /* seconds */
#define SIP_CONNLOG_KEEP   64   /* remote addresses remembered */

/* Logs f (from sip_conn_failed()) unless a line for its remote went out less
 * than SIP_CONNLOG_WINDOW seconds ago. */
void sip_connlog_failure(const struct sip_conn_failure *f);

/* The decision, at monotonic time now (seconds): true when a line is due, with
 * *suppressed the failures to that remote not logged since the last line. */
bool sip_connlog_due(enum sip_proto p, const struct sockaddr_storage *remote, time_t now,
		     unsigned *suppressed);
/* The line's text (without "%SIP-3-CONN_FAILED: "). */
void sip_connlog_format(const struct sip_conn_failure *f, unsigned suppressed, char *buf, size_t n);
void sip_connlog_reset(void);   /* forget every remote (tests) */

#endif
