/* route_build.c - compile a configuration into the immutable dial-peer routing
 * index: peers, literal-prefix tries of their number patterns, voice class uri
 * regexes, trusted networks and targets; reference counting (layer 5).
 * The lookups live in route_in.c, route_out.c and route_trust.c. */
#include "sip/route_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/pattern.h"

/* The dial-peer 0 object: tag 0, every field at its default. */
static const struct route_peer route_dp0 = {
	.tag = 0,
	.cfg = { .tag = 0, .preference = -1 },
	.pref = 0,
	.uri_cls = { -1, -1, -1, -1 },
};

const struct route_peer *route_peer0(void)
{
	return &route_dp0;
}

static int route_fail(char *err, size_t errsz, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int route_fail(char *err, size_t errsz, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return rc;
}


/* ------------------------------------------------------------------ */
/* pattern text scan: literal prefix and mandatory positions            */

/* After an atom ending at p: skip pauses, consume a quantifier.  Sets *opt
 * when the atom may be absent (? %), *quant when any quantifier follows. */
static const char *route_pat_quant(const char *p, bool *opt, bool *quant)
{
	while (*p == ',')
		p++;
	*opt = *quant = false;
	if (*p == '?' || *p == '%' || *p == '+') {
		*opt = (*p != '+');
		*quant = true;
		p++;
	}
	return p;
}

/* Mandatory positions of a sequence (validated text) up to ')' or the end. */
static int route_pat_min(const char **pp)
{
	const char *p = *pp;
	int total = 0;

	for (;;) {
		int m = 1;
		bool opt, quant;

		if (*p == '\0' || *p == ')' || *p == '$')
			break;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\\') {
			p += (p[1] != '\0') ? 2 : 1;
		} else if (*p == '[') {
			while (*p && *p != ']')
				p++;
			if (*p)
				p++;
		} else if (*p == '(') {
			p++;
			m = route_pat_min(&p);
			if (*p == ')')
				p++;
		} else if (*p == 'T') {
			m = 0;
			p++;
		} else {
			p++; /* '.', literal, or the leading '+' */
		}
		p = route_pat_quant(p, &opt, &quant);
		total += opt ? 0 : m;
	}
	*pp = p;
	return total;
}

/* The literal prefix of a validated pattern (upper case, alphabet only) and
 * its number of mandatory positions. */
static void route_pat_scan(const char *pat, char prefix[ROUTE_PREFIX_MAX], int *minlen)
{
	const char *p = pat;
	size_t n = 0;

	if (*p == '^')
		p++;
	const char *body = p;
	*minlen = route_pat_min(&body);
	for (;;) {
		char lit;
		bool opt, quant;

		while (*p == ',')
			p++;
		if (*p == '\\' && p[1]) {
			lit = p[1];
			p += 2;
		} else if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F') || *p == '*' ||
			   *p == '#' || (*p == '+' && p == pat + (pat[0] == '^'))) {
			lit = *p++;
		} else {
			break;
		}
		p = route_pat_quant(p, &opt, &quant);
		if (quant || (lit >= 'a' && lit <= 'f') || dp_dial_index(lit) < 0)
			break;
		if (n + 1 >= ROUTE_PREFIX_MAX)
			break;
		prefix[n++] = lit;
	}
	prefix[n] = '\0';
}

/* ------------------------------------------------------------------ */
/* trie                                                                 */

static int32_t route_trie_node(struct route_trie *tr)
{
	struct route_tnode *nd;

	if (tr->nn == tr->ncap) {
		size_t ncap = tr->ncap ? tr->ncap * 2 : 64;
		struct route_tnode *v = realloc(tr->nodes, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		tr->nodes = v;
		tr->ncap = ncap;
	}
	nd = &tr->nodes[tr->nn];
	for (int i = 0; i < ROUTE_ALPHA; i++)
		nd->child[i] = -1;
	nd->head = -1;
	return (int32_t)tr->nn++;
}

/* Room for nodes more nodes and ents more entries at once (the caller knows a
 * bound: one node per prefix character), instead of doubling and copying. */
static int route_trie_reserve(struct route_trie *tr, size_t nodes, size_t ents)
{
	if (tr->nn + nodes > tr->ncap) {
		struct route_tnode *v = realloc(tr->nodes, (tr->nn + nodes) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		tr->nodes = v;
		tr->ncap = tr->nn + nodes;
	}
	if (tr->ne + ents > tr->ecap) {
		struct route_tent *v = realloc(tr->ents, (tr->ne + ents) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		tr->ents = v;
		tr->ecap = tr->ne + ents;
	}
	return 0;
}

/* Give back what the reservation did not use. */
static void route_trie_trim(struct route_trie *tr)
{
	if (tr->nn && tr->nn < tr->ncap) {
		struct route_tnode *v = realloc(tr->nodes, tr->nn * sizeof(*v));

		if (v) {
			tr->nodes = v;
			tr->ncap = tr->nn;
		}
	}
	if (tr->ne && tr->ne < tr->ecap) {
		struct route_tent *v = realloc(tr->ents, tr->ne * sizeof(*v));

		if (v) {
			tr->ents = v;
			tr->ecap = tr->ne;
		}
	}
}

static int route_trie_add(struct route_trie *tr, const char *prefix, uint32_t peer)
{
	int32_t node = 0;

	if (tr->nn == 0 && route_trie_node(tr) < 0)
		return -ENOMEM;
	for (const char *c = prefix; *c; c++) {
		int idx = dp_dial_index(*c);
		int32_t nx = tr->nodes[node].child[idx];

		if (nx < 0) {
			nx = route_trie_node(tr);
			if (nx < 0)
				return -ENOMEM;
			tr->nodes[node].child[idx] = nx;
		}
		node = nx;
	}
	if (tr->ne == tr->ecap) {
		size_t ncap = tr->ecap ? tr->ecap * 2 : 64;
		struct route_tent *v = realloc(tr->ents, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		tr->ents = v;
		tr->ecap = ncap;
	}
	tr->ents[tr->ne] = (struct route_tent){ .peer = peer, .next = tr->nodes[node].head };
	tr->nodes[node].head = (int32_t)tr->ne++;
	return 0;
}

static void route_trie_visit(const struct route_trie *tr, int32_t node,
			     void (*fn)(void *ctx, uint32_t peer), void *ctx)
{
	for (int32_t e = tr->nodes[node].head; e >= 0; e = tr->ents[e].next)
		fn(ctx, tr->ents[e].peer);
}

void route_trie_walk(const struct route_trie *tr, const char *number,
		     void (*fn)(void *ctx, uint32_t peer), void *ctx)
{
	int32_t node = 0;

	if (tr->nn == 0 || !number)
		return;
	route_trie_visit(tr, 0, fn, ctx);
	for (const char *c = number; *c; c++) {
		int idx = dp_dial_index(*c);

		if (idx < 0)
			return;
		node = tr->nodes[node].child[idx];
		if (node < 0)
			return;
		route_trie_visit(tr, node, fn, ctx);
	}
}

static void route_trie_free(struct route_trie *tr)
{
	free(tr->nodes);
	free(tr->ents);
}

/* ------------------------------------------------------------------ */
/* voice class uri                                                      */

static int route_regcomp(regex_t *re, const char *text, const char *cls, const char *what,
			 char *err, size_t errsz)
{
	char msg[128];
	int rc = regcomp(re, text, REG_EXTENDED | REG_NOSUB);

	if (rc == 0)
		return 0;
	regerror(rc, re, msg, sizeof(msg));
	return route_fail(err, errsz, rc == REG_ESPACE ? -ENOMEM : -EINVAL,
			  "voice class uri %s: %s '%s': %s", cls, what, text, msg);
}

static int route_class_build(struct route_uricls *rc, const struct cfg_uri_class *u,
			     char *err, size_t errsz)
{
	int rv;

	snprintf(rc->tag, sizeof(rc->tag), "%s", u->tag);
	snprintf(rc->host_regex, sizeof(rc->host_regex), "%s", u->host_regex);
	snprintf(rc->user_id, sizeof(rc->user_id), "%s", u->user_id);
	snprintf(rc->pattern, sizeof(rc->pattern), "%s", u->pattern);
	snprintf(rc->tgrp, sizeof(rc->tgrp), "%s", u->tgrp);
	snprintf(rc->trunk_context, sizeof(rc->trunk_context), "%s", u->trunk_context);
	if (u->hosts.n) {
		rc->hosts = calloc(u->hosts.n, sizeof(*rc->hosts));
		if (!rc->hosts)
			return route_fail(err, errsz, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < u->hosts.n; i++) {
		const struct cfg_target *tg = &u->hosts.v[i];
		struct route_host *h = &rc->hosts[rc->nhosts];
		int af = tg->kind == CFG_TARGET_IPV4 ? AF_INET : AF_INET6;

		if (tg->kind != CFG_TARGET_IPV4 && tg->kind != CFG_TARGET_IPV6 &&
		    tg->kind != CFG_TARGET_DNS)
			continue;
		h->kind = tg->kind;
		h->port = tg->port;
		cfg_target_str(tg, h->text, sizeof(h->text));
		if (tg->kind == CFG_TARGET_DNS) {
			size_t n = strlen(tg->host);

			if (n && tg->host[n - 1] == '.')
				n--;
			snprintf(h->name, sizeof(h->name), "%.*s", (int)n, tg->host);
		} else if (inet_pton(af, tg->host, h->addr) != 1) {
			return route_fail(err, errsz, -EINVAL, "voice class uri %s: bad host '%s'",
					  u->tag, tg->host);
		}
		rc->nhosts++;
	}
	if (u->host_regex[0]) {
		rv = route_regcomp(&rc->host_re, u->host_regex, u->tag, "host", err, errsz);
		if (rv)
			return rv;
		rc->has_host_re = true;
	}
	if (u->user_id[0]) {
		rv = route_regcomp(&rc->user_re, u->user_id, u->tag, "user-id", err, errsz);
		if (rv)
			return rv;
		rc->has_user_re = true;
	}
	if (u->pattern[0]) {
		rv = route_regcomp(&rc->pat_re, u->pattern, u->tag, "pattern", err, errsz);
		if (rv)
			return rv;
		rc->has_pat_re = true;
	}
	return 0;
}

static void route_class_free(struct route_uricls *rc)
{
	if (rc->has_host_re)
		regfree(&rc->host_re);
	if (rc->has_user_re)
		regfree(&rc->user_re);
	if (rc->has_pat_re)
		regfree(&rc->pat_re);
	free(rc->hosts);
}

/* ------------------------------------------------------------------ */
/* peers                                                                */

static const char *const route_where_kw[CFG_URI_WHERE_COUNT] = { "via", "request", "to", "from" };

static int route_compile_pat(const char *text, struct dp_pattern **out, int *minlen,
			     char prefix[ROUTE_PREFIX_MAX], uint32_t tag, const char *what,
			     char *err, size_t errsz)
{
	char msg[256];
	int rc;

	/* one parse: the validator runs again only to say what is wrong */
	rc = dp_pattern_compile(text, out);
	if (rc == -EINVAL && dp_pattern_validate(text, msg, sizeof(msg)) != 0) {
		char *nl = strchr(msg, '\n');

		if (nl)
			*nl = '\0';
		return route_fail(err, errsz, -EINVAL, "dial-peer %u: %s '%s': %s",
				  (unsigned)tag, what, text, msg);
	}
	if (rc)
		return route_fail(err, errsz, rc, "dial-peer %u: %s '%s': cannot compile",
				  (unsigned)tag, what, text);
	route_pat_scan(text, prefix, minlen);
	return 0;
}

static int route_peer_build(struct route_table *t, const struct cfg *c, size_t i,
			    char *err, size_t errsz)
{
	struct route_peer *p = &t->peers[i];
	const struct cfg_dial_peer *d = &c->dial_peers.v[i];
	char prefix[ROUTE_PREFIX_MAX];
	int rc;

	p->tag = d->tag;
	p->cfg = *d;
	p->pref = d->preference < 0 ? 0 : d->preference;
	for (int w = 0; w < CFG_URI_WHERE_COUNT; w++) {
		const struct cfg_uri_class *u;

		p->uri_cls[w] = -1;
		if (!d->incoming_uri[w][0])
			continue;
		u = cfg_uri_find(c, d->incoming_uri[w]);
		if (!u)
			return route_fail(err, errsz, -EINVAL,
					  "dial-peer %u: incoming uri %s %s: no such voice class uri",
					  (unsigned)d->tag, route_where_kw[w], d->incoming_uri[w]);
		p->uri_cls[w] = (int)(u - c->uris.v);
		if (!d->shutdown)
			t->uri_peers[w][t->n_uri_peers[w]++] = (uint32_t)i;
	}
	if (d->dest_pattern[0]) {
		rc = route_compile_pat(d->dest_pattern, &p->dest, &p->dest_minlen, prefix, d->tag,
				       "destination-pattern", err, errsz);
		if (rc)
			return rc;
		if (route_trie_add(d->shutdown ? &t->dest_shut : &t->dest, prefix, (uint32_t)i))
			return route_fail(err, errsz, -ENOMEM, "out of memory");
	}
	if (d->incoming_called[0]) {
		rc = route_compile_pat(d->incoming_called, &p->called, &p->called_minlen, prefix,
				       d->tag, "incoming called-number", err, errsz);
		if (rc)
			return rc;
		if (!d->shutdown && route_trie_add(&t->called, prefix, (uint32_t)i))
			return route_fail(err, errsz, -ENOMEM, "out of memory");
	}
	if (!d->shutdown && (d->target.kind == CFG_TARGET_IPV4 || d->target.kind == CFG_TARGET_IPV6)) {
		struct route_dyn *y = &t->targets[t->ntargets];
		int af = d->target.kind == CFG_TARGET_IPV4 ? AF_INET : AF_INET6;

		memset(y, 0, sizeof(*y));
		if (inet_pton(af, d->target.host, y->addr) != 1)
			return route_fail(err, errsz, -EINVAL, "dial-peer %u: bad session target '%s'",
					  (unsigned)d->tag, d->target.host);
		y->family = (uint8_t)af;
		y->tag = d->tag;
		t->ntargets++;
	}
	return 0;
}

static int route_dyn_qcmp(const void *a, const void *b)
{
	return route_dyn_cmp(a, b);
}

static int route_nets_build(struct route_table *t, const struct cfg *c, char *err, size_t errsz)
{
	const struct cfg_voice_service *v = &c->voice;

	if (v->trusted.n == 0)
		return 0;
	t->nets = calloc(v->trusted.n, sizeof(*t->nets));
	if (!t->nets)
		return route_fail(err, errsz, -ENOMEM, "out of memory");
	for (size_t i = 0; i < v->trusted.n; i++) {
		const struct cfg_prefix *cp = &v->trusted.v[i];
		struct route_net *n = &t->nets[t->nnets];
		unsigned max = cp->family == AF_INET6 ? 128 : 32;

		if (inet_pton(cp->family, cp->addr, n->addr) != 1)
			return route_fail(err, errsz, -EINVAL, "ip address trusted list: bad address '%s'",
					  cp->addr);
		n->family = cp->family;
		n->len = cp->len_given || cp->mask_dotted ? cp->len : (uint8_t)max;
		if (n->len > max)
			n->len = (uint8_t)max;
		n->src = *cp;
		t->nnets++;
	}
	return 0;
}

int route_table_build(const struct cfg *c, struct route_table **out, char *err, size_t errsz)
{
	struct route_table *t = NULL;
	size_t np;
	int rc = -ENOMEM;

	if (err && errsz)
		err[0] = '\0';
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!c)
		return route_fail(err, errsz, -EINVAL, "no configuration");
	t = calloc(1, sizeof(*t));
	if (!t)
		goto fail;
	atomic_init(&t->refs, 1);
	np = c->dial_peers.n;
	if (c->uris.n) {
		t->classes = calloc(c->uris.n, sizeof(*t->classes));
		if (!t->classes)
			goto fail;
	}
	for (size_t i = 0; i < c->uris.n; i++) {
		t->nclasses = i + 1; /* free what this one compiled, even on error */
		rc = route_class_build(&t->classes[i], &c->uris.v[i], err, errsz);
		if (rc)
			goto fail;
	}
	rc = -ENOMEM;
	if (np) {
		t->peers = calloc(np, sizeof(*t->peers));
		t->targets = calloc(np, sizeof(*t->targets));
		if (!t->peers || !t->targets)
			goto fail;
		for (int w = 0; w < CFG_URI_WHERE_COUNT; w++) {
			t->uri_peers[w] = calloc(np, sizeof(uint32_t));
			if (!t->uri_peers[w])
				goto fail;
		}
	}
	if (route_trie_node(&t->dest) < 0 || route_trie_node(&t->called) < 0)
		goto fail;
	/* a literal prefix is at most as long as its pattern: one node per character */
	size_t dest_chars = 0, called_chars = 0, ndest = 0, ncalled = 0;
	for (size_t i = 0; i < np; i++) {
		const struct cfg_dial_peer *d = &c->dial_peers.v[i];

		if (d->shutdown)
			continue;
		if (d->dest_pattern[0]) {
			dest_chars += strlen(d->dest_pattern);
			ndest++;
		}
		if (d->incoming_called[0]) {
			called_chars += strlen(d->incoming_called);
			ncalled++;
		}
	}
	if (route_trie_reserve(&t->dest, dest_chars, ndest) ||
	    route_trie_reserve(&t->called, called_chars, ncalled))
		goto fail;
	for (size_t i = 0; i < np; i++) {
		t->npeers = i + 1;
		rc = route_peer_build(t, c, i, err, errsz);
		if (rc)
			goto fail;
	}
	route_trie_trim(&t->dest);
	route_trie_trim(&t->dest_shut);
	route_trie_trim(&t->called);
	/* peers come in tag order; their addresses often do too: sort only if needed */
	for (size_t i = 1; i < t->ntargets; i++)
		if (route_dyn_cmp(&t->targets[i - 1], &t->targets[i]) > 0) {
			qsort(t->targets, t->ntargets, sizeof(*t->targets), route_dyn_qcmp);
			break;
		}
	rc = route_nets_build(t, c, err, errsz);
	if (rc)
		goto fail;
	*out = t;
	return 0;
fail:
	if (rc == -ENOMEM && err && errsz && !err[0])
		snprintf(err, errsz, "out of memory");
	route_table_unref(t);
	return rc;
}

struct route_table *route_table_ref(struct route_table *t)
{
	if (t)
		atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
	return t;
}

void route_table_unref(struct route_table *t)
{
	if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (size_t i = 0; i < t->npeers; i++) {
		dp_pattern_free(t->peers[i].dest);
		dp_pattern_free(t->peers[i].called);
	}
	for (size_t i = 0; i < t->nclasses; i++)
		route_class_free(&t->classes[i]);
	for (int w = 0; w < CFG_URI_WHERE_COUNT; w++)
		free(t->uri_peers[w]);
	route_trie_free(&t->dest);
	route_trie_free(&t->dest_shut);
	route_trie_free(&t->called);
	free(t->classes);
	free(t->peers);
	free(t->targets);
	free(t->nets);
	free(t);
}

size_t route_table_peer_count(const struct route_table *t)
{
	return t ? t->npeers : 0;
}

const struct route_peer *route_table_peer_at(const struct route_table *t, size_t i)
{
	return (t && i < t->npeers) ? &t->peers[i] : NULL;
}

const struct route_peer *route_table_peer(const struct route_table *t, uint32_t tag)
{
	size_t lo = 0, hi;

	if (!t)
		return NULL;
	hi = t->npeers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->peers[mid].tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < t->npeers && t->peers[lo].tag == tag) ? &t->peers[lo] : NULL;
}
