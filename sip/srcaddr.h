/* srcaddr.h - the source address the kernel picks towards a destination, for
 * messages sent from a wildcard listener (layer 4: transport).
 *
 * Via, Contact and the SDP of every message sent from a listener bound to
 * 0.0.0.0 or :: need the real local address.  Asking the kernel costs four
 * system calls (socket, connect of a UDP socket, getsockname, close), so the
 * answer is cached per destination address (the port does not choose the
 * route): a direct-mapped table of SIP_SRCADDR_SLOTS entries, each kept for
 * SIP_SRCADDR_TTL_MS so that a routing change is seen within that time.
 * sip_srcaddr_flush() empties it (a commit does).  Failures are not cached.
 *
 * Single-threaded (the loop thread). */
#ifndef TOLLGATE_SIP_SRCADDR_H
#define TOLLGATE_SIP_SRCADDR_H

#include <stdint.h>
#include <sys/socket.h>

#define SIP_SRCADDR_SLOTS 256
#define SIP_SRCADDR_TTL_MS 2000

/* The local address (port 0) for packets to dst.  0, or a negative errno from
 * the kernel (no route, unsupported family ...). */
int sip_srcaddr_for(const struct sockaddr_storage *dst, struct sockaddr_storage *src);
void sip_srcaddr_flush(void);

/* For tests: the kernel question and the clock can be replaced (NULL restores
 * the real ones); counters of cached answers and kernel questions. */
typedef int (*sip_srcaddr_probe_fn)(const struct sockaddr_storage *dst, struct sockaddr_storage *src);
typedef uint64_t (*sip_srcaddr_clock_fn)(void);
void sip_srcaddr_set_probe(sip_srcaddr_probe_fn fn);
void sip_srcaddr_set_clock(sip_srcaddr_clock_fn fn);
void sip_srcaddr_counters(unsigned long *hits, unsigned long *probes);

#endif
