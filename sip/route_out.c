/* route_out.c - outbound dial-peer hunt list (longest match, preference,
 * random among equals), the hunt-on-failure rule, and RFC 4904 trunk-group
 * user parts (layer 5).  Lookups allocate nothing: the caller provides the
 * candidate array. */
#include "sip/route_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sip/pattern.h"

/* splitmix64: small, good enough to spread ties, reproducible from a seed. */
static uint64_t route_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct route_hunt {
	const struct route_table *t;
	const char *number;
	const struct route_state *state;
	uint64_t *rng;
	struct route_candidates *out;
	uint64_t rk[ROUTE_MAX_CANDIDATES];   /* random tie-break key of out->v[i] */
};

/* Is (a, ra) before (b, rb) in hunt order? */
static bool route_cand_before(const struct route_cand *a, uint64_t ra,
			      const struct route_cand *b, uint64_t rb)
{
	if (a->match_len != b->match_len)
		return a->match_len > b->match_len;
	if (a->min_len != b->min_len)
		return a->min_len > b->min_len;
	if (a->peer->pref != b->peer->pref)
		return a->peer->pref < b->peer->pref;
	if (ra != rb)
		return ra < rb;
	return a->peer->tag < b->peer->tag;
}

/* Note a peer that matched but cannot take calls: counted, and the lowest
 * ROUTE_MAX_SKIPPED tags kept in tag order (for the debug lines). */
static void route_hunt_skip(struct route_candidates *o, uint32_t tag, enum route_skip why)
{
	size_t n = o->nskipped < ROUTE_MAX_SKIPPED ? o->nskipped : ROUTE_MAX_SKIPPED;
	size_t pos = n;

	o->nskipped++;
	while (pos > 0 && o->skipped[pos - 1].tag > tag)
		pos--;
	if (pos >= ROUTE_MAX_SKIPPED)
		return;
	if (n == ROUTE_MAX_SKIPPED)
		n--;
	memmove(&o->skipped[pos + 1], &o->skipped[pos], (n - pos) * sizeof(o->skipped[0]));
	o->skipped[pos] = (struct route_skipped){ .tag = tag, .why = why };
}

/* A shut-down peer (route_table.dest_shut) whose pattern matches. */
static void route_shut_visit(void *ctx, uint32_t idx)
{
	struct route_hunt *h = ctx;
	const struct route_peer *p = &h->t->peers[idx];
	int len;

	if (dp_pattern_match(p->dest, h->number, &len))
		route_hunt_skip(h->out, p->tag, ROUTE_SKIP_SHUTDOWN);
}

/* Keep the best ROUTE_MAX_CANDIDATES in order (insertion into a sorted array).
 * Every match draws its random key, so ties are broken uniformly even where
 * the cap cuts a group of equals. */
static void route_hunt_visit(void *ctx, uint32_t idx)
{
	struct route_hunt *h = ctx;
	struct route_candidates *o = h->out;
	struct route_cand c = { .peer = &h->t->peers[idx] };
	uint64_t r;
	size_t pos;

	if (!dp_pattern_match(c.peer->dest, h->number, &c.match_len))
		return;
	if (route_state_is_busy(h->state, c.peer->tag)) {
		route_hunt_skip(o, c.peer->tag, ROUTE_SKIP_BUSYOUT);
		return;
	}
	if (c.peer->cfg.target.kind == CFG_TARGET_NONE) {
		route_hunt_skip(o, c.peer->tag, ROUTE_SKIP_NO_TARGET);
		return;
	}
	c.min_len = c.peer->dest_minlen;
	r = h->rng ? route_rand(h->rng) : 0;
	o->matched++;
	pos = o->n;
	while (pos > 0 && route_cand_before(&c, r, &o->v[pos - 1], h->rk[pos - 1]))
		pos--;
	if (pos >= ROUTE_MAX_CANDIDATES)
		return;
	if (o->n == ROUTE_MAX_CANDIDATES)
		o->n--;
	memmove(&o->v[pos + 1], &o->v[pos], (o->n - pos) * sizeof(o->v[0]));
	memmove(&h->rk[pos + 1], &h->rk[pos], (o->n - pos) * sizeof(h->rk[0]));
	o->v[pos] = c;
	h->rk[pos] = r;
	o->n++;
}

int route_outbound(const struct route_table *t, const char *called_number,
		   const struct route_out_opts *opts, struct route_candidates *out)
{
	struct route_hunt h;

	if (!out)
		return -EINVAL;
	out->n = out->matched = out->nskipped = 0;
	if (!t || !called_number)
		return -EINVAL;
	h = (struct route_hunt){ .t = t, .number = called_number, .out = out,
				 .state = opts ? opts->state : NULL,
				 .rng = opts ? opts->rng : NULL };
	route_trie_walk(&t->dest, called_number, route_hunt_visit, &h);
	route_trie_walk(&t->dest_shut, called_number, route_shut_visit, &h);
	return 0;
}

const char *route_skip_str(enum route_skip why)
{
	switch (why) {
	case ROUTE_SKIP_BUSYOUT: return "busied out by options-keepalive";
	case ROUTE_SKIP_SHUTDOWN: return "shut down";
	case ROUTE_SKIP_NO_TARGET: return "down (no session target)";
	}
	return "out of service";
}

void route_skip_why(const struct route_skipped *s, char *buf, size_t bufsz)
{
	if (!buf || bufsz == 0)
		return;
	buf[0] = '\0';
	if (s)
		snprintf(buf, bufsz, "dial-peer %u matched but %s", (unsigned)s->tag,
			 route_skip_str(s->why));
}

void route_refusal(const struct route_candidates *c, const char *number, struct route_refusal *out)
{
	size_t at, shown;
	int n;

	if (!out)
		return;
	number = number ? number : "";
	if (!c || c->nskipped == 0) {
		*out = (struct route_refusal){ .status = 404, .reason = "Not Found", .log_sev = 6,
					       .mnemonic = "NO_ROUTE" };
		snprintf(out->text, sizeof(out->text), "no dial-peer matches called number %.64s", number);
		return;
	}
	*out = (struct route_refusal){ .status = 503, .reason = "Service Unavailable",
				       .q850 = ROUTE_Q850_NO_CIRCUIT, .log_sev = 4,
				       .mnemonic = "ROUTE_UNAVAILABLE" };
	n = snprintf(out->text, sizeof(out->text), "called number %.64s: %s%zu matching dial-peer%s out of service (",
		     number, c->nskipped == 1 ? "the " : "all ", c->nskipped, c->nskipped == 1 ? "" : "s");
	at = n > 0 ? (size_t)n : 0;
	shown = c->nskipped < ROUTE_MAX_SKIPPED ? c->nskipped : ROUTE_MAX_SKIPPED;
	for (size_t i = 0; i < shown && at < sizeof(out->text); i++) {
		n = snprintf(out->text + at, sizeof(out->text) - at, "%s%u %s", i ? ", " : "",
			     (unsigned)c->skipped[i].tag, route_skip_str(c->skipped[i].why));
		at += n > 0 ? (size_t)n : 0;
	}
	if (at < sizeof(out->text))
		snprintf(out->text + at, sizeof(out->text) - at, "%s); Q.850 cause %d",
			 c->nskipped > shown ? ", ..." : "", out->q850);
}

void route_cand_why(const struct route_cand *c, const char *number, char *buf, size_t bufsz)
{
	int n;

	if (!buf || bufsz == 0)
		return;
	buf[0] = '\0';
	if (!c || !c->peer)
		return;
	/* through a variable size: the line may be cut, which is fine for debug */
	n = snprintf(buf, bufsz, "dial-peer %u: destination-pattern ", (unsigned)c->peer->tag);
	if (n < 0 || (size_t)n >= bufsz)
		return;
	snprintf(buf + n, bufsz - (size_t)n,
		 "%.64s matched called number '%.128s' (%d explicit digits, preference %d)",
		 c->peer->cfg.dest_pattern, number ? number : "", c->match_len, c->peer->pref);
}

bool route_should_hunt(const struct route_peer *failed, int status)
{
	if (failed && failed->cfg.huntstop)
		return false;
	return status == 0 || status == 408 || (status >= 500 && status <= 599);
}

/* ------------------------------------------------------------------ */
/* RFC 4904                                                             */

/* unreserved (RFC 3261) plus trunk-group-unreserved "/" "&" "+" "$" */
static bool route_tg_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("-_.!~*'()/&+$", c) != NULL;
}

/* Append src to buf at *at, %-escaping when esc; -ENOSPC when it does not fit. */
static int route_put(char *buf, size_t bufsz, size_t *at, const char *src, bool esc)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		size_t need = (esc && !route_tg_plain(*p)) ? 3 : 1;

		if (*at + need >= bufsz)
			return -ENOSPC;
		if (need == 3) {
			buf[(*at)++] = '%';
			buf[(*at)++] = hex[*p >> 4];
			buf[(*at)++] = hex[*p & 15];
		} else {
			buf[(*at)++] = (char)*p;
		}
	}
	buf[*at] = '\0';
	return 0;
}

int route_tgrp_user(const struct route_peer *p, const char *number, char *buf, size_t bufsz)
{
	size_t at = 0;
	int rc;

	if (!p || !number || !buf || bufsz == 0)
		return -EINVAL;
	buf[0] = '\0';
	rc = route_put(buf, bufsz, &at, number, false);
	if (rc == 0 && p->cfg.tgrp[0]) {
		rc = route_put(buf, bufsz, &at, ";tgrp=", false);
		if (rc == 0)
			rc = route_put(buf, bufsz, &at, p->cfg.tgrp, true);
		if (rc == 0 && p->cfg.trunk_context[0]) {
			rc = route_put(buf, bufsz, &at, ";trunk-context=", false);
			if (rc == 0)
				rc = route_put(buf, bufsz, &at, p->cfg.trunk_context, true);
		}
	}
	if (rc)
		buf[0] = '\0';
	return rc;
}

static int route_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Copy s[0..n) into dst (unescaping %XX when unesc); -ENOSPC if too long. */
static int route_take(char *dst, size_t dstsz, const char *s, size_t n, bool unesc)
{
	size_t o = 0;

	if (!dst)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (unesc && c == '%' && i + 2 < n && route_hexval(s[i + 1]) >= 0 &&
		    route_hexval(s[i + 2]) >= 0) {
			c = (char)(route_hexval(s[i + 1]) * 16 + route_hexval(s[i + 2]));
			i += 2;
		}
		if (o + 1 >= dstsz)
			return -ENOSPC;
		dst[o++] = c;
	}
	if (dstsz == 0)
		return -ENOSPC;
	dst[o] = '\0';
	return 0;
}

int route_tgrp_parse(const char *user, char *num, size_t numsz, char *tgrp, size_t tgrpsz,
		     char *ctx, size_t ctxsz)
{
	const char *p;
	size_t n;
	int rc;

	if (!user)
		return -EINVAL;
	if (tgrp && tgrpsz)
		tgrp[0] = '\0';
	if (ctx && ctxsz)
		ctx[0] = '\0';
	n = strcspn(user, ";");
	rc = route_take(num, numsz, user, n, false);
	if (rc)
		return rc;
	for (p = user + n; *p == ';'; p += n) {
		const char *eq;
		size_t nl;

		p++;
		n = strcspn(p, ";");
		eq = memchr(p, '=', n);
		if (!eq)
			continue;
		nl = (size_t)(eq - p);
		if (nl == 4 && !strncasecmp(p, "tgrp", 4))
			rc = route_take(tgrp, tgrpsz, eq + 1, n - nl - 1, true);
		else if (nl == 13 && !strncasecmp(p, "trunk-context", 13))
			rc = route_take(ctx, ctxsz, eq + 1, n - nl - 1, true);
		if (rc)
			return rc;
	}
	return 0;
}
