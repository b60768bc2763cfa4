/* dns.c - asynchronous RFC 3263 resolution of SIP targets on c-ares, inside
 * the main event loop (see dns.h): queries, SRV ordering, target lists and
 * errors.  The c-ares channels, the cache and raw-answer TTLs are in
 * dns_ares.c (dns_int.h).  `dns_reconfigure` with new name servers opens a
 * new channel and lets the old one finish its lookups.
 *
 * A query goes through phases: START (a 0 ms timer, so callbacks never run
 * inside dns_resolve_*), SRV (1 or 3 SRV questions), ADDR (A/AAAA of each
 * distinct SRV target, or of NAME), then it calls back and is freed.
 * q->pending counts the c-ares calls outstanding plus a guard held while a
 * phase launches them (c-ares may answer synchronously, from /etc/hosts or
 * on error); the phase advances when it drops to zero. */
#include "core/dns_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/loop.h"

#define DNS_MAX_SRVQ 3

struct addr_set {             /* addresses of one name */
	char host[DNS_NAME_LEN];
	int status;               /* ARES_SUCCESS or the failure */
	size_t n;
	struct sockaddr_storage *v; /* owned */
};

enum phase { PH_START, PH_SRV, PH_ADDR };

struct dns_query {            /* owned by the resolver (D.queries list) */
	struct dns_query *prev, *next;
	char name[DNS_NAME_LEN];
	uint16_t port;
	enum cfg_transport pref;
	bool sip, cancelled, done;
	dns_done_fn cb;
	void *arg;
	struct loop_timer *start;
	int pending;
	enum phase ph;
	int nsrvq;
	struct { char owner[DNS_NAME_LEN]; enum cfg_transport tr; int status; } srvq[DNS_MAX_SRVQ];
	struct dns_srv *recs;     /* owned */
	size_t nrecs;
	struct addr_set *hosts;   /* owned */
	size_t nhosts;
};

struct sub {                  /* one c-ares call; freed by its callback */
	struct dns_query *q;
	struct dns_chan *c;
	int idx;
};

static struct {
	bool up, stopping, lib;
	struct dns_query *queries;
	struct dns_stats st;
	char cfgkey[DNS_MAX_SERVERS * (CFG_ADDR_LEN + 8) + 1];
	uint64_t rng;
} D;

static uint32_t rnd(void)     /* xorshift64; spreads load, not security */
{
	D.rng ^= D.rng << 13;
	D.rng ^= D.rng >> 7;
	D.rng ^= D.rng << 17;
	return (uint32_t)(D.rng >> 32);
}

static bool negative(int status)
{
	return status == ARES_ENOTFOUND || status == ARES_ENODATA || status == ARES_ENONAME;
}

static int ares_errno(int status)
{
	switch (status) {
	case ARES_SUCCESS: return 0;
	case ARES_ENODATA: case ARES_ENOTFOUND: case ARES_ENONAME: return -ENOENT;
	case ARES_ETIMEOUT: return -ETIMEDOUT;
	case ARES_ECONNREFUSED: return -ECONNREFUSED;
	case ARES_ENOMEM: return -ENOMEM;
	case ARES_ECANCELLED: case ARES_EDESTRUCTION: return -ECANCELED;
	case ARES_EBADNAME: return -EINVAL;
	default: return -EIO;
	}
}

static void q_release(struct dns_query *q);

static void srv_add(struct dns_query *q, int qi, const struct dns_srv *r, size_t n)
{
	struct dns_srv *v;
	if (!n || !(v = realloc(q->recs, (q->nrecs + n) * sizeof(*v))))
		return;
	q->recs = v;
	for (size_t i = 0; i < n; i++) {
		v[q->nrecs] = r[i];
		v[q->nrecs++].qi = (uint8_t)qi;
	}
}

static void srv_cb(void *arg, int status, int timeouts, unsigned char *ab, int alen)
{
	struct sub *s = arg;
	struct dns_query *q = s->q;
	int qi = s->idx;
	struct ares_srv_reply *reply = NULL;
	struct dns_srv *recs = NULL;
	size_t n = 0;
	long ttl, neg;

	(void)timeouts;
	dns_chan_release(s->c);
	free(s);
	dns_answer_ttls(ab, alen, &ttl, &neg);
	if (status == ARES_SUCCESS)
		status = ares_parse_srv_reply(ab, alen, &reply);
	for (struct ares_srv_reply *r = reply; r; r = r->next)
		n++;
	if (n && !(recs = calloc(n, sizeof(*recs))))
		status = ARES_ENOMEM;
	n = 0;
	for (struct ares_srv_reply *r = reply; r && recs; r = r->next) {
		struct dns_srv *x = &recs[n];
		/* "." = the service is decidedly not available (RFC 2782) */
		if (!r->host[0] || !strcmp(r->host, ".") || strlen(r->host) >= DNS_NAME_LEN)
			continue;
		x->prio = r->priority;
		x->weight = r->weight;
		x->port = r->port;
		x->tr = q->srvq[qi].tr;
		snprintf(x->owner, sizeof(x->owner), "%s", q->srvq[qi].owner);
		snprintf(x->host, sizeof(x->host), "%s", r->host);
		n++;
	}
	if (status == ARES_SUCCESS && !n)
		status = ARES_ENODATA;
	if (status == ARES_SUCCESS)
		dns_cache_put('S', q->srvq[qi].owner, recs, n, sizeof(*recs), ttl);
	else if (negative(status))
		dns_cache_put('S', q->srvq[qi].owner, NULL, 0, 0, neg >= 0 ? neg : DNS_NEG_TTL);
	if (status == ARES_SUCCESS)
		srv_add(q, qi, recs, n);
	q->srvq[qi].status = status;
	free(recs);
	if (reply)
		ares_free_data(reply);
	q_release(q);
}

/* Sort the addresses IPv4 first (stable), dropping duplicates; returns the count. */
static size_t addr_order(struct sockaddr_storage *v, size_t n)
{
	struct sockaddr_storage *t = malloc(n * sizeof(*t));
	size_t k = 0;
	if (!t)
		return n;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			bool dup = false;
			if ((v[i].ss_family == AF_INET) != (pass == 0))
				continue;
			for (size_t j = 0; j < k && !dup; j++)
				dup = !memcmp(&t[j], &v[i], sizeof(v[i]));
			if (!dup)
				t[k++] = v[i];
		}
	memcpy(v, t, k * sizeof(*t));
	free(t);
	return k;
}

static void addr_cb(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct sub *s = arg;
	struct dns_query *q = s->q;
	struct addr_set *h = &q->hosts[s->idx];
	long ttl = -1;
	size_t n = 0;

	(void)timeouts;
	dns_chan_release(s->c);
	free(s);
	if (status == ARES_SUCCESS && res) {
		for (struct ares_addrinfo_node *a = res->nodes; a; a = a->ai_next)
			n++;
		h->v = calloc(n ? n : 1, sizeof(*h->v));
		if (!h->v)
			status = ARES_ENOMEM;
		n = 0;
		for (struct ares_addrinfo_node *a = res->nodes; a && h->v; a = a->ai_next) {
			if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) ||
			    a->ai_addrlen > sizeof(h->v[0]))
				continue;
			memcpy(&h->v[n++], a->ai_addr, a->ai_addrlen);
			if (ttl < 0 || a->ai_ttl < ttl)
				ttl = a->ai_ttl;
		}
		for (struct ares_addrinfo_cname *cn = res->cnames; cn; cn = cn->next)
			if (cn->ttl < ttl)
				ttl = cn->ttl;
		h->n = addr_order(h->v, n);
		if (status == ARES_SUCCESS && !h->n)
			status = ARES_ENODATA;
		if (status == ARES_SUCCESS)
			dns_cache_put('A', h->host, h->v, h->n, sizeof(*h->v), ttl);
	}
	if (res)
		ares_freeaddrinfo(res);
	h->status = status;
	q_release(q);
}

/* ------------------------------------------------------------------ */
/* queries                                                              */

static void q_free(struct dns_query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		D.queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
	loop_timer_del(q->start);
	for (size_t i = 0; i < q->nhosts; i++)
		free(q->hosts[i].v);
	free(q->hosts);
	free(q->recs);
	free(q);
}

static int q_fail(struct dns_query *q, int err, char *msg, size_t sz)
{
	const char *sv = dns_chan_servers()[0] ? dns_chan_servers() : "no server";
	switch (err) {
	case -ETIMEDOUT:
		snprintf(msg, sz, "dns: no answer for %s from %s (timeout)", q->name, sv);
		break;
	case -ECONNREFUSED:
		snprintf(msg, sz, "dns: %s: connection refused by %s", q->name, sv);
		break;
	case -ECANCELED:
		snprintf(msg, sz, "dns: %s: resolver shut down", q->name);
		break;
	case -ENOMEM:
		snprintf(msg, sz, "dns: %s: out of memory", q->name);
		break;
	case -EINVAL:
		snprintf(msg, sz, "dns: %s: not a valid domain name", q->name);
		break;
	default:
		snprintf(msg, sz, "dns: %s: server failure from %s", q->name, sv);
		break;
	}
	return err;
}

/* The worst failure among the statuses: anything beats "no such record". */
static int worst(int acc, int status)
{
	if (status == ARES_SUCCESS)
		return acc;
	if (acc == ARES_SUCCESS || negative(acc))
		return status;
	return acc;
}

static void add_target(struct dns_target *t, const struct sockaddr_storage *a, uint16_t port,
		       enum cfg_transport tr, const struct dns_srv *r, const char *host)
{
	memset(t, 0, sizeof(*t));
	t->addr = *a;
	if (a->ss_family == AF_INET) {
		((struct sockaddr_in *)&t->addr)->sin_port = htons(port);
		t->addrlen = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&t->addr)->sin6_port = htons(port);
		t->addrlen = sizeof(struct sockaddr_in6);
	}
	t->port = port;
	t->transport = tr;
	if (r) {
		t->priority = r->prio;
		t->weight = r->weight;
		snprintf(t->srv, sizeof(t->srv), "%s", r->owner);
	}
	snprintf(t->host, sizeof(t->host), "%s", host);
}

static struct addr_set *host_set(struct dns_query *q, const char *host)
{
	for (size_t i = 0; i < q->nhosts; i++)
		if (!strcasecmp(q->hosts[i].host, host))
			return &q->hosts[i];
	return NULL;
}

/* Build the target list and call back; frees q. */
static void q_finish(struct dns_query *q, int forced)
{
	struct dns_result res = { .name = q->name, .errmsg = "" };
	struct dns_target *v = NULL;
	char msg[DNS_ERR_LEN];
	size_t cap = 0, n = 0;
	int st = ARES_SUCCESS;

	for (size_t i = 0; i < q->nhosts; i++)
		cap += q->hosts[i].n;
	cap *= q->nrecs ? q->nrecs : 1;  /* a host may back several records */
	if (!forced && cap && !(v = calloc(cap, sizeof(*v))))
		forced = -ENOMEM;
	if (!forced && q->nrecs) {
		for (size_t i = 0; i < q->nrecs; i++) {
			const struct dns_srv *r = &q->recs[i];
			struct addr_set *h = host_set(q, r->host);
			for (size_t j = 0; h && j < h->n; j++)
				add_target(&v[n++], &h->v[j], r->port, r->tr, r, r->host);
		}
		for (size_t i = 0; i < q->nhosts; i++)
			st = worst(st, q->hosts[i].status);
	} else if (!forced && q->nhosts) {
		struct addr_set *h = &q->hosts[0];
		enum cfg_transport tr = q->sip ? (q->pref ? q->pref : CFG_TRANSPORT_UDP)
					       : CFG_TRANSPORT_UNSET;
		uint16_t port = q->port ? q->port : tr == CFG_TRANSPORT_TLS ? 5061 : 5060;
		for (size_t j = 0; j < h->n; j++)
			add_target(&v[n++], &h->v[j], port, tr, NULL, h->host);
		st = h->status;
	}
	res.n = n;
	res.v = v;
	if (forced) {
		res.err = q_fail(q, forced, msg, sizeof(msg));
	} else if (!n && q->nrecs) {
		res.err = negative(st) || st == ARES_SUCCESS ? -ENOENT : ares_errno(st);
		if (res.err == -ENOENT) {
			size_t len = (size_t)snprintf(msg, sizeof(msg),
				"dns: no A/AAAA record for the SRV targets of %s (", q->name);
			for (size_t i = 0; i < q->nhosts && len < sizeof(msg); i++)
				len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
							i ? ", " : "", q->hosts[i].host);
			if (len < sizeof(msg))
				snprintf(msg + len, sizeof(msg) - len, ")");
		} else {
			q_fail(q, res.err, msg, sizeof(msg));
		}
	} else if (!n) {
		res.err = st == ARES_SUCCESS ? -ENOENT : ares_errno(st);
		if (res.err == -ENOENT)
			snprintf(msg, sizeof(msg), "dns: no %sA/AAAA record for %s",
				 q->sip && !q->port && q->nsrvq ? "SRV or " : "", q->name);
		else
			q_fail(q, res.err, msg, sizeof(msg));
	}
	if (res.err)
		res.errmsg = msg;
	q->done = true;
	q->cb(q->arg, &res);
	free(v);
	q_free(q);
}

static void start_srv(struct dns_query *q, int qi)
{
	const struct dns_centry *e = dns_cache_find('S', q->srvq[qi].owner);
	struct sub *s;

	if (e) {
		D.st.cache_hits++;
		q->srvq[qi].status = e->n ? ARES_SUCCESS : ARES_ENOTFOUND;
		srv_add(q, qi, e->v, e->n);
		return;
	}
	D.st.cache_misses++;
	if (!(s = calloc(1, sizeof(*s)))) {
		q->srvq[qi].status = ARES_ENOMEM;
		return;
	}
	*s = (struct sub){ q, dns_chan_cur(), qi };
	q->pending++;
	dns_chan_hold(s->c);
	D.st.srv_queries++;
	ares_query(dns_chan_ares(s->c), q->srvq[qi].owner, DNS_C_IN, DNS_T_SRV, srv_cb, s);
}

static void start_addr(struct dns_query *q, size_t i)
{
	struct addr_set *h = &q->hosts[i];
	struct ares_addrinfo_hints hints = { .ai_flags = ARES_AI_NOSORT, .ai_family = AF_UNSPEC };
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;
	const struct dns_centry *e;
	struct sub *s;

	h->status = ARES_ENOMEM;
	if (!(h->v = calloc(1, sizeof(*h->v))))
		return;
	s4 = (struct sockaddr_in *)h->v;
	s6 = (struct sockaddr_in6 *)h->v;
	if (inet_pton(AF_INET, h->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		h->n = 1;
		h->status = ARES_SUCCESS;
		return;
	}
	if (inet_pton(AF_INET6, h->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		h->n = 1;
		h->status = ARES_SUCCESS;
		return;
	}
	free(h->v);
	h->v = NULL;
	if ((e = dns_cache_find('A', h->host)) != NULL && e->n) {
		D.st.cache_hits++;
		if ((h->v = malloc(e->n * sizeof(*h->v))) != NULL) {
			memcpy(h->v, e->v, e->n * sizeof(*h->v));
			h->n = e->n;
			h->status = ARES_SUCCESS;
		}
		return;
	}
	D.st.cache_misses++;
	if (!(s = calloc(1, sizeof(*s))))
		return;
	*s = (struct sub){ q, dns_chan_cur(), (int)i };
	q->pending++;
	dns_chan_hold(s->c);
	D.st.addr_queries++;
	ares_getaddrinfo(dns_chan_ares(s->c), h->host, NULL, &hints, addr_cb, s);
}

static int add_host(struct dns_query *q, const char *host)
{
	struct addr_set *v;
	if (host_set(q, host))
		return 0;
	if (!(v = realloc(q->hosts, (q->nhosts + 1) * sizeof(*v))))
		return -ENOMEM;
	q->hosts = v;
	memset(&v[q->nhosts], 0, sizeof(*v));
	snprintf(v[q->nhosts].host, sizeof(v->host), "%s", host);
	q->nhosts++;
	return 0;
}

static int rec_cmp(const void *x, const void *y)
{
	const struct dns_srv *a = x, *b = y;
	if (a->qi != b->qi)
		return a->qi - b->qi;
	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	return (a->weight != 0) - (b->weight != 0);   /* zero weights first */
}

/* RFC 2782: by priority, then a weighted random pick among equals. */
static void srv_order(struct dns_srv *r, size_t n)
{
	if (n > 1)
		qsort(r, n, sizeof(*r), rec_cmp);
	for (size_t g = 0; g < n;) {
		size_t e = g;
		while (e < n && r[e].qi == r[g].qi && r[e].prio == r[g].prio)
			e++;
		for (size_t k = g; k + 1 < e; k++) {  /* choose r[k] among r[k..e) */
			uint32_t sum = 0, run = 0, pick;
			size_t c = k;
			for (size_t j = k; j < e; j++)
				sum += r[j].weight;
			pick = sum ? rnd() % (sum + 1) : 0;
			for (size_t j = k; j < e; j++) {
				run += r[j].weight;
				if (run >= pick) {
					c = j;
					break;
				}
			}
			struct dns_srv t = r[c];
			memmove(&r[k + 1], &r[k], (c - k) * sizeof(*r));
			r[k] = t;
		}
		g = e;
	}
}

/* The phase's lookups are all back: go on. */
static void q_advance(struct dns_query *q)
{
	int st = ARES_SUCCESS, rc = 0;

	if (q->cancelled) {
		q_free(q);
		return;
	}
	if (D.stopping) {
		q_finish(q, -ECANCELED);
		return;
	}
	if (q->ph == PH_SRV) {
		for (int i = 0; i < q->nsrvq; i++)
			st = worst(st, q->srvq[i].status);
		if (!q->nrecs && !negative(st) && st != ARES_SUCCESS) {
			q_finish(q, ares_errno(st) ? ares_errno(st) : -EIO);
			return;
		}
		if (q->nrecs)
			srv_order(q->recs, q->nrecs);
		for (size_t i = 0; i < q->nrecs && !rc; i++)
			rc = add_host(q, q->recs[i].host);
		if (!q->nrecs)
			rc = add_host(q, q->name);
	} else if (q->ph == PH_START) {
		static const char *const pfx[DNS_MAX_SRVQ] = { "_sips._tcp.", "_sip._tcp.", "_sip._udp." };
		static const enum cfg_transport tr[DNS_MAX_SRVQ] = {
			CFG_TRANSPORT_TLS, CFG_TRANSPORT_TCP, CFG_TRANSPORT_UDP };
		struct in6_addr a6;
		bool literal = inet_pton(AF_INET, q->name, &a6) == 1 ||
			       inet_pton(AF_INET6, q->name, &a6) == 1;
		if (q->sip && !q->port && !literal) {
			q->ph = PH_SRV;
			for (int i = 0; i < DNS_MAX_SRVQ; i++) {
				if (q->pref != CFG_TRANSPORT_UNSET && q->pref != tr[i])
					continue;
				snprintf(q->srvq[q->nsrvq].owner, DNS_NAME_LEN, "%s%s", pfx[i], q->name);
				q->srvq[q->nsrvq++].tr = tr[i];
			}
			q->pending++;     /* guard */
			for (int i = 0; i < q->nsrvq; i++)
				start_srv(q, i);
			dns_chan_resched(dns_chan_cur());
			q_release(q);
			return;
		}
		rc = add_host(q, q->name);
	} else {
		q_finish(q, 0);
		return;
	}
	if (rc) {
		q_finish(q, rc);
		return;
	}
	q->ph = PH_ADDR;
	q->pending++;             /* guard */
	for (size_t i = 0; i < q->nhosts; i++)
		start_addr(q, i);
	dns_chan_resched(dns_chan_cur());
	q_release(q);
}

static void q_release(struct dns_query *q)
{
	if (--q->pending == 0)
		q_advance(q);
}

static void q_start(void *arg)
{
	struct dns_query *q = arg;
	loop_timer_del(q->start);
	q->start = NULL;
	q_release(q);
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	if (!n || n >= DNS_NAME_LEN - 12)   /* room for "_sips._tcp." */
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (!isalnum(ch) && !strchr("-._:", ch))
			return false;
	}
	return true;
}

static int q_new(const char *name, uint16_t port, enum cfg_transport pref, bool sip,
		 dns_done_fn cb, void *arg, struct dns_query **out)
{
	struct dns_query *q;
	struct in6_addr a6;
	size_t n;
	int rc;

	if (!D.up || D.stopping)
		return -ENOTCONN;
	if (!name || !cb)
		return -EINVAL;
	n = strlen(name);
	if (n >= 2 && name[0] == '[' && name[n - 1] == ']') { /* [v6] as in a URI */
		name++;
		n -= 2;
	}
	if (!(q = calloc(1, sizeof(*q))))
		return -ENOMEM;
	if (n < sizeof(q->name))
		memcpy(q->name, name, n);
	if (n >= sizeof(q->name) || !name_ok(q->name) ||
	    (strchr(q->name, ':') && inet_pton(AF_INET6, q->name, &a6) != 1)) {
		free(q);
		return -EINVAL;
	}
	q->port = port;
	q->pref = pref;
	q->sip = sip;
	q->cb = cb;
	q->arg = arg;
	q->pending = 1;           /* the start timer */
	if ((rc = loop_timer_add(0, false, q_start, q, &q->start)) < 0) {
		free(q);
		return rc;
	}
	q->next = D.queries;
	if (D.queries)
		D.queries->prev = q;
	D.queries = q;
	if (out)
		*out = q;
	return 0;
}

int dns_resolve_sip(const char *name, uint16_t port, enum cfg_transport pref,
		    dns_done_fn cb, void *arg, struct dns_query **q)
{
	return q_new(name, port, pref, true, cb, arg, q);
}

int dns_resolve_addr(const char *name, uint16_t port, dns_done_fn cb, void *arg,
		     struct dns_query **q)
{
	return q_new(name, port, CFG_TRANSPORT_UNSET, false, cb, arg, q);
}

void dns_cancel(struct dns_query *q)
{
	if (!q || q->done || q->cancelled)
		return;
	q->cancelled = true;
	if (q->start) {
		loop_timer_del(q->start);
		q->start = NULL;
		q_release(q);         /* nothing else pending yet: frees q */
	}
}

/* ------------------------------------------------------------------ */
/* lifecycle                                                            */

/* A key naming the configured servers, to see whether they changed. */
static void cfg_key(const struct cfg *cfg, char *out, size_t sz)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; cfg && i < cfg->n_name_servers && i < DNS_MAX_SERVERS; i++)
		len += (size_t)snprintf(out + len, sz - len, "%s:%u ", cfg->name_servers[i].addr,
					(unsigned)cfg->name_servers[i].port);
}

int dns_reconfigure(const struct cfg *c)
{
	char key[sizeof(D.cfgkey)];
	int rc;

	if (!D.up)
		return dns_init(c);
	cfg_key(c, key, sizeof(key));
	if (!strcmp(key, D.cfgkey))
		return 0;
	if ((rc = dns_chan_open(c)) < 0)   /* the old channel finishes its lookups */
		return rc;
	snprintf(D.cfgkey, sizeof(D.cfgkey), "%s", key);
	dns_cache_flush();
	return 0;
}

int dns_init(const struct cfg *c)
{
	int rc;

	if (D.up)
		return dns_reconfigure(c);
	if (!D.lib) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
			return -ENOMEM;
		D.lib = true;
	}
	if ((rc = dns_chan_open(c)) < 0)
		return rc;
	D.rng = ((uint64_t)dns_now_ms() * 6364136223846793005ULL + (uint64_t)(uintptr_t)&D) | 1;
	cfg_key(c, D.cfgkey, sizeof(D.cfgkey));
	D.up = true;
	D.stopping = false;
	return 0;
}

void dns_fini(void)
{
	if (!D.up)
		return;
	D.stopping = true;
	dns_chan_close_all();     /* pending callbacks run: queries end ECANCELED */
	while (D.queries) {       /* those still waiting for their start timer */
		struct dns_query *q = D.queries;
		if (q->cancelled || q->done)
			q_free(q);
		else
			q_finish(q, -ECANCELED);
	}
	dns_cache_flush();
	if (D.lib)
		ares_library_cleanup();
	memset(&D, 0, sizeof(D));
}

void dns_stats_get(struct dns_stats *out)
{
	*out = D.st;
	out->cache_entries = dns_cache_count();
}

const char *dns_servers_text(void)
{
	return dns_chan_servers();
}
