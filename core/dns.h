/* dns.h - asynchronous resolution of SIP targets (RFC 3263) on c-ares, driven
 * by the main event loop (layer 4).
 *
 * dns_resolve_sip() turns `dns:NAME[:PORT]` into an ordered list of targets
 * to try in turn (failover):
 *   - NAME is an IP literal: that address, on PORT or the default port;
 *   - PORT given: A and AAAA of NAME only (no SRV query);
 *   - no PORT: SRV `_sips._tcp.NAME` (TLS), `_sip._tcp.NAME` (TCP),
 *     `_sip._udp.NAME` (UDP), only the one for the preferred transport, or
 *     all three in that order when there is no preference; the records are
 *     ordered by priority, then by weighted random choice (RFC 2782), and
 *     each SRV target is resolved to its A and AAAA addresses (IPv4 before
 *     IPv6 for one target); with no SRV record at all, A/AAAA of NAME on
 *     5060 (5061 for TLS).
 * Answers are cached for their TTL (capped at DNS_TTL_MAX), missing SRV
 * records for the SOA minimum of the negative answer (or DNS_NEG_TTL).
 *
 * The resolver uses the `ip name-server` entries of the configuration, else
 * /etc/resolv.conf.  Search domains are not applied: session-target names
 * are fully qualified.
 *
 * Callbacks always run from the loop, never inside dns_resolve_*().
 * Ownership: a struct dns_query belongs to the resolver; the caller's handle
 * is valid until its callback returns or until dns_cancel().  The result
 * passed to the callback (and everything it points to) is valid only during
 * the call: copy what you keep. */
#ifndef TOLLGATE_DNS_H
#define TOLLGATE_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/config.h"

#define DNS_NAME_LEN 256    /* a domain name, NUL included */
#define DNS_ERR_LEN 640     /* an error text */
#define DNS_TTL_MAX 3600    /* seconds: longest time an answer is cached */
#define DNS_NEG_TTL 30      /* seconds: "no SRV record" without an SOA */
#define DNS_MAX_SERVERS CFG_MAX_NAME_SERVERS /* `ip name-server` entries */

struct dns_target {
	struct sockaddr_storage addr;   /* address and port (network order inside) */
	socklen_t addrlen;
	uint16_t port;                  /* host order, also in addr */
	enum cfg_transport transport;   /* UDP/TCP/TLS; UNSET from dns_resolve_addr */
	uint16_t priority, weight;      /* from the SRV record, 0 without SRV */
	char srv[DNS_NAME_LEN];         /* SRV owner "_sip._udp.NAME", "" without SRV */
	char host[DNS_NAME_LEN];        /* the name that gave the address */
};

struct dns_result {
	const char *name;               /* as asked */
	int err;                        /* 0, or -ENOENT, -ETIMEDOUT, -ECONNREFUSED,
					   -EIO, -ENOMEM, -ECANCELED, -EINVAL */
	const char *errmsg;             /* "" on success, else "dns: ..." */
	size_t n;                       /* targets, in the order to try them */
	const struct dns_target *v;
};

struct dns_query;
typedef void (*dns_done_fn)(void *arg, const struct dns_result *res);

struct dns_stats {
	unsigned long srv_queries;      /* SRV questions sent to a server */
	unsigned long addr_queries;     /* A/AAAA lookups sent (one per name) */
	unsigned long cache_hits;
	unsigned long cache_misses;
	size_t cache_entries;
};

/* Set up the resolver (after loop_init) with the configuration's name
 * servers.  0 or -errno. */
int dns_init(const struct cfg *c);
/* Apply changed name servers.  Queries in progress finish on the old
 * servers; the cache is flushed when the servers changed.  0 or -errno. */
int dns_reconfigure(const struct cfg *c);
/* Stop: queries in progress end with -ECANCELED; cancelled ones silently. */
void dns_fini(void);

/* Resolve a SIP target (see above).  port 0 = not given (SRV lookup);
 * pref = the transport asked for, CFG_TRANSPORT_UNSET for any.  0, or
 * -EINVAL (bad name), -ENOMEM, -ENOTCONN (dns_init not called). */
int dns_resolve_sip(const char *name, uint16_t port, enum cfg_transport pref,
		    dns_done_fn cb, void *arg, struct dns_query **q);
/* A and AAAA of name, every address on port; targets' transport is UNSET. */
int dns_resolve_addr(const char *name, uint16_t port, dns_done_fn cb, void *arg,
		     struct dns_query **q);
/* The callback of q will not run; q is invalid afterwards.  Not for use on a
 * query whose callback is running. */
void dns_cancel(struct dns_query *q);

void dns_cache_flush(void);
void dns_stats_get(struct dns_stats *out);
/* The servers in use, "127.0.0.1:5353 [::1]:53" (from `ip name-server` or
 * /etc/resolv.conf). */
const char *dns_servers_text(void);

#endif
