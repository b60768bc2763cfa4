/* dns_int.h - internal to the resolver: what core/dns.c (queries, RFC 3263)
 * uses from core/dns_ares.c (c-ares channels driven by the event loop, the
 * answer cache, TTLs read from raw answers).  Not for other files. */
#ifndef TOLLGATE_DNS_INT_H
#define TOLLGATE_DNS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <ares.h>

#include "core/dns.h"

#define DNS_C_IN 1
#define DNS_T_SOA 6
#define DNS_T_SRV 33

/* One SRV record as the resolver keeps it (cached and per query). */
struct dns_srv {
	uint16_t prio, weight, port;
	uint8_t qi;               /* which SRV question of the query (preference) */
	enum cfg_transport tr;
	char owner[DNS_NAME_LEN]; /* _sip._udp.NAME */
	char host[DNS_NAME_LEN];  /* target */
};

long long dns_now_ms(void);   /* CLOCK_MONOTONIC */

/* Channels.  Exactly one is current (new lookups); dns_chan_open() makes a
 * new current one and retires the others, which are destroyed from a timer
 * once their lookups are back.  Each holds its own sockets and timeout timer
 * in the loop.  Owned by dns_ares.c. */
struct dns_chan;
int dns_chan_open(const struct cfg *c);         /* 0, -EINVAL (bad address), -ENOMEM */
struct dns_chan *dns_chan_cur(void);            /* NULL before the first open */
ares_channel dns_chan_ares(const struct dns_chan *c);
void dns_chan_hold(struct dns_chan *c);         /* before each c-ares call */
void dns_chan_release(struct dns_chan *c);      /* in that call's callback */
void dns_chan_resched(struct dns_chan *c);      /* after starting c-ares calls */
/* Destroy every channel; pending callbacks run with ARES_EDESTRUCTION. */
void dns_chan_close_all(void);
/* "addr:port ..." of the current channel's servers. */
const char *dns_chan_servers(void);

/* Cache of answers: kind 'S' (struct dns_srv[]) or 'A' (struct
 * sockaddr_storage[]), keyed by lower-cased name; n = 0 is a negative entry.
 * Entries returned by find are valid until the next put or flush. */
struct dns_centry {
	struct dns_centry *next;
	char kind;
	char key[DNS_NAME_LEN];
	long long expires;        /* monotonic ms */
	size_t n;
	void *v;                  /* owned */
};
const struct dns_centry *dns_cache_find(char kind, const char *name);
/* Copy n elements of elsz bytes for ttl seconds (capped at DNS_TTL_MAX);
 * ttl <= 0: not stored. */
void dns_cache_put(char kind, const char *name, const void *v, size_t n, size_t elsz, long ttl);
size_t dns_cache_count(void);

/* From a raw answer: the smallest TTL of its SRV records (*ans) and the
 * negative TTL of an SOA in the authority section (*neg); -1 when absent. */
void dns_answer_ttls(const unsigned char *ab, int alen, long *ans, long *neg);

#endif
