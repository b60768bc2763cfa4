/* dns_ares.c - the c-ares side of the resolver (see dns_int.h): channels
 * driven by the main event loop, the answer cache, and TTLs read from raw
 * answers (c-ares 1.18 parses SRV records without their TTL).
 *
 * c-ares reports the sockets it wants watched through its socket state
 * callback; each is registered with loop_add and handed back with
 * ares_process_fd().  One loop timer per channel follows ares_timeout() for
 * retransmissions.  A channel replaced by dns_chan_open() is "retiring": it
 * finishes its lookups and is then destroyed by a 0 ms reaper timer, never
 * from inside one of its own callbacks. */
#include "core/dns_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "core/loop.h"

#define DNS_TIMEOUT_MS 1000   /* first try; c-ares doubles it per round: 1+2+4 s */
#define DNS_TRIES 3
#define DNS_CACHE_MAX 512

struct sock {                 /* a c-ares socket watched by the loop; owned by its chan */
	struct sock *next;
	struct dns_chan *c;
	int fd;
};

struct dns_chan {             /* owned by the A.chans list */
	struct dns_chan *next;
	ares_channel ch;
	int nq;                   /* c-ares calls outstanding */
	bool retiring;
	struct sock *socks;
	struct loop_timer *timer; /* next c-ares timeout */
	long long deadline;       /* of timer, monotonic ms */
};

static struct {
	struct dns_chan *chans;   /* the head is the current one */
	struct loop_timer *reaper;
	bool closing;
	char servers[300];
	struct dns_centry *cache; /* newest first */
	size_t ncache;
} A;

long long dns_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* channels and the loop                                                */

static void sock_io(void *arg, uint32_t ev)
{
	struct sock *s = arg;
	struct dns_chan *c = s->c;   /* s may be freed while c-ares works */
	int fd = s->fd;
	bool r = ev & (EPOLLIN | EPOLLERR | EPOLLHUP), w = ev & EPOLLOUT;

	ares_process_fd(c->ch, r ? fd : ARES_SOCKET_BAD, w ? fd : ARES_SOCKET_BAD);
	dns_chan_resched(c);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_chan *c = data;
	struct sock **pp = &c->socks, *s;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);

	while (*pp && (*pp)->fd != fd)
		pp = &(*pp)->next;
	s = *pp;
	if (!ev) {                /* about to be closed */
		if (s) {
			loop_del(fd);
			*pp = s->next;
			free(s);
		}
		return;
	}
	if (s) {
		loop_mod(fd, ev);
		return;
	}
	if (!(s = calloc(1, sizeof(*s))))
		return;               /* the lookup will time out */
	s->c = c;
	s->fd = fd;
	if (loop_add(fd, ev, sock_io, s) < 0) {
		free(s);
		return;
	}
	s->next = c->socks;
	c->socks = s;
}

static void chan_tick(void *arg)
{
	struct dns_chan *c = arg;
	loop_timer_del(c->timer);
	c->timer = NULL;
	ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	dns_chan_resched(c);
}

/* Follow ares_timeout(): re-arm the timer only when the deadline moved. */
void dns_chan_resched(struct dns_chan *c)
{
	struct timeval tv, *t;
	long long ms, dl;

	if (!c->nq) {
		loop_timer_del(c->timer);
		c->timer = NULL;
		return;
	}
	t = ares_timeout(c->ch, NULL, &tv);
	ms = t ? (long long)t->tv_sec * 1000 + t->tv_usec / 1000 + 1 : 1000;
	dl = dns_now_ms() + ms;
	if (c->timer && c->deadline <= dl + 5 && c->deadline >= dl - 5)
		return;
	loop_timer_del(c->timer);
	c->timer = NULL;
	if (loop_timer_add((uint64_t)ms, false, chan_tick, c, &c->timer) == 0)
		c->deadline = dl;
}

/* Frees c; its pending callbacks run first (ARES_EDESTRUCTION). */
static void chan_destroy(struct dns_chan *c)
{
	ares_destroy(c->ch);      /* closes sockets: sock_state() unregisters them */
	while (c->socks) {
		struct sock *s = c->socks;
		c->socks = s->next;
		loop_del(s->fd);
		free(s);
	}
	loop_timer_del(c->timer);
	free(c);
}

static void reap(void *arg)
{
	struct dns_chan **pp = &A.chans;
	(void)arg;
	loop_timer_del(A.reaper);
	A.reaper = NULL;
	while (*pp) {
		struct dns_chan *c = *pp;
		if (c->retiring && !c->nq) {
			*pp = c->next;
			chan_destroy(c);
		} else {
			pp = &c->next;
		}
	}
}

static void reap_soon(void)
{
	if (!A.reaper && !A.closing)
		loop_timer_add(0, false, reap, NULL, &A.reaper);
}

struct dns_chan *dns_chan_cur(void) { return A.chans; }
ares_channel dns_chan_ares(const struct dns_chan *c) { return c->ch; }
void dns_chan_hold(struct dns_chan *c) { c->nq++; }

void dns_chan_release(struct dns_chan *c)
{
	if (--c->nq == 0 && c->retiring)
		reap_soon();
}

const char *dns_chan_servers(void) { return A.servers; }

/* "addr:port ..." of the servers a channel uses. */
static void servers_text(ares_channel ch, char *out, size_t sz)
{
	struct ares_addr_port_node *list = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (ares_get_servers_ports(ch, &list) != ARES_SUCCESS)
		return;
	for (struct ares_addr_port_node *n = list; n && len + 64 < sz; n = n->next) {
		char a[INET6_ADDRSTRLEN];
		int port = n->udp_port ? n->udp_port : 53;
		inet_ntop(n->family, &n->addr, a, sizeof(a));
		len += (size_t)snprintf(out + len, sz - len, n->family == AF_INET6 ?
					"%s[%s]:%d" : "%s%s:%d", len ? " " : "", a, port);
	}
	ares_free_data(list);
}

int dns_chan_open(const struct cfg *cfg)
{
	struct ares_options o;
	struct ares_addr_port_node nodes[DNS_MAX_SERVERS];
	struct dns_chan *c = calloc(1, sizeof(*c));
	int rc = 0, ns = cfg ? cfg->n_name_servers : 0;

	if (!c)
		return -ENOMEM;
	memset(&o, 0, sizeof(o));
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = c;
	o.domains = NULL;
	o.ndomains = 0;           /* no search list: targets are FQDNs */
	o.timeout = DNS_TIMEOUT_MS;
	o.tries = DNS_TRIES;
	if (ares_init_options(&c->ch, &o, ARES_OPT_SOCK_STATE_CB | ARES_OPT_DOMAINS |
			      ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS) {
		free(c);
		return -ENOMEM;
	}
	if (ns > DNS_MAX_SERVERS)
		ns = DNS_MAX_SERVERS;
	memset(nodes, 0, sizeof(nodes));
	for (int i = 0; i < ns; i++) {
		const char *a = cfg->name_servers[i].addr;
		int port = cfg->name_servers[i].port ? cfg->name_servers[i].port : 53;
		if (inet_pton(AF_INET, a, &nodes[i].addr.addr4) == 1) {
			nodes[i].family = AF_INET;
		} else if (inet_pton(AF_INET6, a, &nodes[i].addr.addr6) == 1) {
			nodes[i].family = AF_INET6;
		} else {
			rc = -EINVAL;
			goto fail;
		}
		nodes[i].udp_port = nodes[i].tcp_port = port;
		nodes[i].next = i + 1 < ns ? &nodes[i + 1] : NULL;
	}
	if (ns && ares_set_servers_ports(c->ch, nodes) != ARES_SUCCESS) {
		rc = -EINVAL;
		goto fail;
	}
	for (struct dns_chan *o2 = A.chans; o2; o2 = o2->next)
		o2->retiring = true;
	c->next = A.chans;
	A.chans = c;
	if (c->next)
		reap_soon();
	servers_text(c->ch, A.servers, sizeof(A.servers));
	return 0;
fail:
	ares_destroy(c->ch);
	free(c);
	return rc;
}

void dns_chan_close_all(void)
{
	A.closing = true;
	while (A.chans) {
		struct dns_chan *c = A.chans;
		A.chans = c->next;
		chan_destroy(c);
	}
	loop_timer_del(A.reaper);
	A.reaper = NULL;
	A.servers[0] = '\0';
	A.closing = false;
}

/* ------------------------------------------------------------------ */
/* cache                                                                */

static void centry_free(struct dns_centry *e)
{
	free(e->v);
	free(e);
}

static void lower(char *dst, const char *src, size_t sz)
{
	size_t i;
	for (i = 0; i + 1 < sz && src[i]; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/* The live entry, or NULL; drops the expired entries it meets. */
static struct dns_centry *cache_lookup(char kind, const char *name)
{
	char key[DNS_NAME_LEN];
	long long now = dns_now_ms();
	lower(key, name, sizeof(key));
	for (struct dns_centry **pp = &A.cache; *pp;) {
		struct dns_centry *e = *pp;
		if (e->expires <= now) {
			*pp = e->next;
			centry_free(e);
			A.ncache--;
			continue;
		}
		if (e->kind == kind && !strcmp(e->key, key))
			return e;
		pp = &e->next;
	}
	return NULL;
}

const struct dns_centry *dns_cache_find(char kind, const char *name)
{
	return cache_lookup(kind, name);
}

void dns_cache_put(char kind, const char *name, const void *v, size_t n, size_t elsz, long ttl)
{
	struct dns_centry *e, *old;
	if (ttl <= 0)
		return;
	if (ttl > DNS_TTL_MAX)
		ttl = DNS_TTL_MAX;
	if ((old = cache_lookup(kind, name)) != NULL)
		old->expires = 0;     /* replaced: dropped by the next walk */
	if (A.ncache >= DNS_CACHE_MAX) {  /* evict the oldest (the tail) */
		struct dns_centry **pp = &A.cache;
		while ((*pp)->next)
			pp = &(*pp)->next;
		centry_free(*pp);
		*pp = NULL;
		A.ncache--;
	}
	if (!(e = calloc(1, sizeof(*e))))
		return;
	if (n && !(e->v = malloc(n * elsz))) {
		free(e);
		return;
	}
	if (n)
		memcpy(e->v, v, n * elsz);
	e->n = n;
	e->kind = kind;
	lower(e->key, name, sizeof(e->key));
	e->expires = dns_now_ms() + ttl * 1000;
	e->next = A.cache;
	A.cache = e;
	A.ncache++;
}

size_t dns_cache_count(void)
{
	return A.ncache;
}

void dns_cache_flush(void)
{
	while (A.cache) {
		struct dns_centry *e = A.cache;
		A.cache = e->next;
		centry_free(e);
	}
	A.ncache = 0;
}

/* ------------------------------------------------------------------ */
/* TTLs of a raw answer                                                 */

static const unsigned char *skip_name(const unsigned char *p, const unsigned char *end)
{
	while (p && p < end) {
		if ((*p & 0xC0) == 0xC0)
			return end - p >= 2 ? p + 2 : NULL;
		if (!*p)
			return p + 1;
		if (end - p <= *p)
			return NULL;
		p += 1 + *p;
	}
	return NULL;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void dns_answer_ttls(const unsigned char *ab, int alen, long *ans, long *neg)
{
	const unsigned char *p, *end;
	unsigned qd, an, ns;

	*ans = *neg = -1;
	if (!ab || alen < 12)
		return;
	p = ab + 12;
	end = ab + alen;
	qd = (unsigned)ab[4] << 8 | ab[5];
	an = (unsigned)ab[6] << 8 | ab[7];
	ns = (unsigned)ab[8] << 8 | ab[9];
	for (unsigned i = 0; i < qd && p; i++)
		if ((p = skip_name(p, end)) != NULL)
			p = end - p >= 4 ? p + 4 : NULL;
	for (unsigned i = 0; i < an + ns && p; i++) {
		unsigned type, rdlen;
		long ttl;
		if (!(p = skip_name(p, end)) || end - p < 10)
			return;
		type = (unsigned)p[0] << 8 | p[1];
		ttl = (long)(get32(p + 4) & 0x7fffffffu);
		rdlen = (unsigned)p[8] << 8 | p[9];
		p += 10;
		if ((size_t)(end - p) < rdlen)
			return;
		if (i < an && type == DNS_T_SRV && (*ans < 0 || ttl < *ans))
			*ans = ttl;
		if (i >= an && type == DNS_T_SOA) {  /* RFC 2308: min(TTL, MINIMUM) */
			const unsigned char *r = skip_name(skip_name(p, p + rdlen), p + rdlen);
			if (r && p + rdlen - r >= 20) {
				long min = (long)(get32(r + 16) & 0x7fffffffu);
				*neg = min < ttl ? min : ttl;
			}
		}
		p += rdlen;
	}
}
