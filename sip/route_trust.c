/* route_trust.c - trusted sources for toll-fraud protection (static `ip
 * address trusted list`, dial-peer session targets, resolved dns: targets)
 * and the mutable runtime state beside the table: busied-out dial-peers and
 * resolved addresses, both keyed by dial-peer tag (layer 5). */
#include "sip/route_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int route_dyn_cmp(const struct route_dyn *a, const struct route_dyn *b)
{
	int r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	r = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (r)
		return r;
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return 0;
}

int route_sa_to_dyn(const struct sockaddr *sa, struct route_dyn *out)
{
	memset(out, 0, sizeof(*out));
	if (!sa)
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;

		out->family = AF_INET;
		memcpy(out->addr, &s4->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			out->family = AF_INET;
			memcpy(out->addr, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			out->family = AF_INET6;
			memcpy(out->addr, s6->sin6_addr.s6_addr, 16);
		}
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* First index in v[0..n) not less than key (by family and address, tag 0). */
static size_t route_dyn_lower(const struct route_dyn *v, size_t n, const struct route_dyn *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (route_dyn_cmp(&v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool route_same_addr(const struct route_dyn *a, const struct route_dyn *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* ------------------------------------------------------------------ */
/* runtime state                                                        */

int route_state_new(struct route_state **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void route_state_free(struct route_state *s)
{
	if (!s)
		return;
	free(s->busy);
	free(s->dns);
	free(s);
}

static size_t route_busy_lower(const struct route_state *s, uint32_t tag)
{
	size_t lo = 0, hi = s->nbusy;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->busy[mid] < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool route_state_is_busy(const struct route_state *s, uint32_t tag)
{
	size_t i;

	if (!s || s->nbusy == 0)
		return false;
	i = route_busy_lower(s, tag);
	return i < s->nbusy && s->busy[i] == tag;
}

int route_state_set_busy(struct route_state *s, uint32_t tag, bool busy)
{
	size_t i;

	if (!s)
		return -EINVAL;
	i = route_busy_lower(s, tag);
	if (i < s->nbusy && s->busy[i] == tag) {
		if (!busy) {
			memmove(&s->busy[i], &s->busy[i + 1], (s->nbusy - i - 1) * sizeof(*s->busy));
			s->nbusy--;
		}
		return 0;
	}
	if (!busy)
		return 0;
	if (s->nbusy == s->busycap) {
		size_t ncap = s->busycap ? s->busycap * 2 : 16;
		uint32_t *v = realloc(s->busy, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->busy = v;
		s->busycap = ncap;
	}
	memmove(&s->busy[i + 1], &s->busy[i], (s->nbusy - i) * sizeof(*s->busy));
	s->busy[i] = tag;
	s->nbusy++;
	return 0;
}

int route_trust_add_dynamic(struct route_state *s, uint32_t tag, const struct sockaddr *sa)
{
	struct route_dyn y;
	size_t i;
	int rc;

	if (!s || !sa)
		return -EINVAL;
	rc = route_sa_to_dyn(sa, &y);
	if (rc)
		return rc;
	y.tag = tag;
	i = route_dyn_lower(s->dns, s->ndns, &y);
	if (i < s->ndns && route_dyn_cmp(&s->dns[i], &y) == 0)
		return 0;
	if (s->ndns == s->dnscap) {
		size_t ncap = s->dnscap ? s->dnscap * 2 : 16;
		struct route_dyn *v = realloc(s->dns, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->dns = v;
		s->dnscap = ncap;
	}
	memmove(&s->dns[i + 1], &s->dns[i], (s->ndns - i) * sizeof(*s->dns));
	s->dns[i] = y;
	s->ndns++;
	return 0;
}

void route_trust_clear_dynamic(struct route_state *s, uint32_t tag)
{
	size_t j = 0;

	if (!s)
		return;
	for (size_t i = 0; i < s->ndns; i++)
		if (s->dns[i].tag != tag)
			s->dns[j++] = s->dns[i];
	s->ndns = j;
}

/* ------------------------------------------------------------------ */
/* trust check                                                          */

static bool route_net_has(const struct route_net *n, const struct route_dyn *a)
{
	unsigned full, rem;

	if (n->family != a->family)
		return false;
	full = n->len / 8;
	rem = n->len % 8;
	if (memcmp(n->addr, a->addr, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rem));

		if ((n->addr[full] & mask) != (a->addr[full] & mask))
			return false;
	}
	return true;
}

/* The dns: entry of s at index i is in force against table t. */
static bool route_dns_live(const struct route_table *t, const struct route_state *s,
			   const struct route_dyn *y)
{
	const struct route_peer *p = route_table_peer(t, y->tag);

	return p && !p->cfg.shutdown && p->cfg.target.kind == CFG_TARGET_DNS &&
	       !route_state_is_busy(s, y->tag);
}

static void route_hit(struct route_trust_entry *hit, enum route_trust_kind kind, int family,
		      uint32_t tag)
{
	if (hit)
		*hit = (struct route_trust_entry){ .kind = kind, .family = family, .tag = tag };
}

bool route_trust_check(const struct route_table *t, const struct route_state *s,
		       const struct sockaddr *sa, struct route_trust_entry *hit)
{
	struct route_dyn key;

	route_hit(hit, ROUTE_TRUST_NONE, 0, 0);
	if (!t || route_sa_to_dyn(sa, &key))
		return false;
	for (size_t i = 0; i < t->nnets; i++) {
		if (route_net_has(&t->nets[i], &key)) {
			route_hit(hit, ROUTE_TRUST_STATIC, key.family, 0);
			return true;
		}
	}
	for (size_t i = route_dyn_lower(t->targets, t->ntargets, &key);
	     i < t->ntargets && route_same_addr(&t->targets[i], &key); i++) {
		if (!route_state_is_busy(s, t->targets[i].tag)) {
			route_hit(hit, ROUTE_TRUST_TARGET, key.family, t->targets[i].tag);
			return true;
		}
	}
	if (!s)
		return false;
	for (size_t i = route_dyn_lower(s->dns, s->ndns, &key);
	     i < s->ndns && route_same_addr(&s->dns[i], &key); i++) {
		if (route_dns_live(t, s, &s->dns[i])) {
			route_hit(hit, ROUTE_TRUST_DNS, key.family, s->dns[i].tag);
			return true;
		}
	}
	return false;
}

bool route_is_trusted(const struct route_table *t, const struct sockaddr *sa)
{
	return route_trust_check(t, NULL, sa, NULL);
}

void route_trust_foreach(const struct route_table *t, const struct route_state *s,
			 void (*fn)(void *ctx, const struct route_trust_entry *e), void *ctx)
{
	char buf[CFG_TARGET_LEN + INET6_ADDRSTRLEN + 16];
	char tgt[CFG_TARGET_LEN + 16];
	char addr[INET6_ADDRSTRLEN];
	struct route_trust_entry e;

	if (!t || !fn)
		return;
	for (size_t i = 0; i < t->nnets; i++) {
		e = (struct route_trust_entry){ .kind = ROUTE_TRUST_STATIC,
						.family = t->nets[i].family,
						.text = cfg_prefix_str(&t->nets[i].src, buf, sizeof(buf)) };
		fn(ctx, &e);
	}
	for (size_t i = 0; i < t->npeers; i++) {
		const struct route_peer *p = &t->peers[i];
		enum cfg_target_kind k = p->cfg.target.kind;

		if (p->cfg.shutdown || (k != CFG_TARGET_IPV4 && k != CFG_TARGET_IPV6))
			continue;
		e = (struct route_trust_entry){ .kind = ROUTE_TRUST_TARGET,
						.family = k == CFG_TARGET_IPV4 ? AF_INET : AF_INET6,
						.tag = p->tag,
						.busy = route_state_is_busy(s, p->tag),
						.text = cfg_target_str(&p->cfg.target, buf, sizeof(buf)) };
		fn(ctx, &e);
	}
	for (size_t i = 0; s && i < s->ndns; i++) {
		const struct route_dyn *y = &s->dns[i];
		const struct route_peer *p = route_table_peer(t, y->tag);

		if (!p || p->cfg.shutdown || p->cfg.target.kind != CFG_TARGET_DNS)
			continue;
		inet_ntop(y->family, y->addr, addr, sizeof(addr));
		cfg_target_str(&p->cfg.target, tgt, sizeof(tgt));
		snprintf(buf, sizeof(buf), "%s %s", tgt, addr);
		e = (struct route_trust_entry){ .kind = ROUTE_TRUST_DNS, .family = y->family,
						.tag = y->tag,
						.busy = route_state_is_busy(s, y->tag), .text = buf };
		fn(ctx, &e);
	}
}
