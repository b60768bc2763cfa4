/* route_in.c - inbound dial-peer matching in CUBE's order: incoming uri via,
 * request, to, from; incoming called-number; destination-pattern on the
 * calling number; else dial-peer 0.  Semantics are described in route.h
 * (layer 5).  Pure lookups on an immutable table: no allocation. */
#include "sip/route_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sip/pattern.h"

#define ROUTE_USER_MAX 256

static const char *const route_crit_names[] = {
	[ROUTE_BY_URI_VIA] = "incoming uri via",
	[ROUTE_BY_URI_REQUEST] = "incoming uri request",
	[ROUTE_BY_URI_TO] = "incoming uri to",
	[ROUTE_BY_URI_FROM] = "incoming uri from",
	[ROUTE_BY_CALLED] = "incoming called-number",
	[ROUTE_BY_CALLING] = "destination-pattern (calling number)",
	[ROUTE_BY_DEFAULT] = "default (dial-peer 0)",
	[ROUTE_BY_OUTBOUND] = "destination-pattern",
};

/* Debug text: truncation is expected and harmless here. */
static void route_why(char *buf, size_t bufsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void route_why(char *buf, size_t bufsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
}

const char *route_criterion_str(enum route_criterion c)
{
	if ((unsigned)c >= sizeof(route_crit_names) / sizeof(route_crit_names[0]))
		return "?";
	return route_crit_names[c];
}

/* A URI (or a Via) prepared once for matching against every class. */
struct route_subject {
	bool via;
	const char *host;           /* without brackets, may be "" */
	size_t hostlen;             /* without a trailing dot */
	int family;                 /* AF_INET/AF_INET6 when host is an address */
	uint8_t addr[16];
	uint16_t port;
	const char *whole;          /* text for `pattern` */
	char user[ROUTE_USER_MAX];  /* user part without ;parameters */
	char tgrp[CFG_NAME_LEN];
	char ctx[CFG_TEXT_LEN];
	char hostbuf[CFG_TARGET_LEN];
	char viabuf[CFG_TARGET_LEN + 16];
};

static void route_subject_host(struct route_subject *s, const char *host, uint16_t port)
{
	size_t n;

	s->port = port;
	s->host = "";
	if (!host)
		return;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n >= sizeof(s->hostbuf))
		n = sizeof(s->hostbuf) - 1;
	memcpy(s->hostbuf, host, n);
	s->hostbuf[n] = '\0';
	s->host = s->hostbuf;
	if (inet_pton(AF_INET, s->host, s->addr) == 1)
		s->family = AF_INET;
	else if (inet_pton(AF_INET6, s->host, s->addr) == 1)
		s->family = AF_INET6;
	s->hostlen = n;
	if (n && s->host[n - 1] == '.')
		s->hostlen--;
}

static void route_subject_via(struct route_subject *s, const char *host, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->via = true;
	route_subject_host(s, host, port);
	if (s->family == AF_INET6)
		snprintf(s->viabuf, sizeof(s->viabuf), port ? "[%s]:%u" : "[%s]", s->host,
			 (unsigned)port);
	else
		snprintf(s->viabuf, sizeof(s->viabuf), port ? "%s:%u" : "%s", s->host,
			 (unsigned)port);
	s->whole = s->viabuf;
}

static void route_subject_uri(struct route_subject *s, const struct route_uri *u)
{
	memset(s, 0, sizeof(*s));
	route_subject_host(s, u->host, u->port);
	s->whole = u->uri ? u->uri : "";
	if (u->user && u->user[0] &&
	    route_tgrp_parse(u->user, s->user, sizeof(s->user), s->tgrp, sizeof(s->tgrp),
			     s->ctx, sizeof(s->ctx)) != 0) {
		s->user[0] = s->tgrp[0] = s->ctx[0] = '\0';
	}
}

static bool route_host_match(const struct route_host *h, const struct route_subject *s)
{
	uint16_t port = s->port ? s->port : 5060;

	if (!s->host[0] || (h->port && h->port != port))
		return false;
	switch (h->kind) {
	case CFG_TARGET_IPV4:
		return s->family == AF_INET && !memcmp(h->addr, s->addr, 4);
	case CFG_TARGET_IPV6:
		return s->family == AF_INET6 && !memcmp(h->addr, s->addr, 16);
	case CFG_TARGET_DNS:
		return strlen(h->name) == s->hostlen && !strncasecmp(h->name, s->host, s->hostlen);
	default:
		return false;
	}
}

/* Best way class c matches subject s (ROUTE_URI_NONE: no match); a detail
 * for the debug line goes to detail. */
static enum route_uri_how route_class_match(const struct route_uricls *c,
					    const struct route_subject *s,
					    char *detail, size_t detsz)
{
	for (size_t i = 0; i < c->nhosts; i++) {
		if (route_host_match(&c->hosts[i], s)) {
			route_why(detail, detsz, "host %s", c->hosts[i].text);
			return ROUTE_URI_HOST;
		}
	}
	if (c->has_host_re && s->host[0] && regexec(&c->host_re, s->host, 0, NULL, 0) == 0) {
		route_why(detail, detsz, "host '%s'", c->host_regex);
		return ROUTE_URI_HOST_REGEX;
	}
	if (!s->via && c->has_user_re && s->user[0] &&
	    regexec(&c->user_re, s->user, 0, NULL, 0) == 0) {
		route_why(detail, detsz, "user-id '%s'", c->user_id);
		return ROUTE_URI_USER_ID;
	}
	if (!s->via && (c->tgrp[0] || c->trunk_context[0]) &&
	    (!c->tgrp[0] || !strcasecmp(c->tgrp, s->tgrp)) &&
	    (!c->trunk_context[0] || !strcasecmp(c->trunk_context, s->ctx))) {
		route_why(detail, detsz, "tgrp %s trunk-context %s", c->tgrp[0] ? c->tgrp : "-",
			 c->trunk_context[0] ? c->trunk_context : "-");
		return ROUTE_URI_TGRP;
	}
	if (c->has_pat_re && s->whole[0] && regexec(&c->pat_re, s->whole, 0, NULL, 0) == 0) {
		route_why(detail, detsz, "pattern '%s'", c->pattern);
		return ROUTE_URI_PATTERN;
	}
	return ROUTE_URI_NONE;
}

/* Criterion w over the peers that configure it: best class match, then
 * lowest tag (the list is in tag order). */
static bool route_in_uri(const struct route_table *t, int w, const struct route_subject *s,
			 struct route_match *out)
{
	enum route_uri_how best = ROUTE_URI_NONE;
	const struct route_peer *bp = NULL;
	char detail[2 * CFG_TEXT_LEN + 64], bdetail[2 * CFG_TEXT_LEN + 64];

	for (size_t i = 0; i < t->n_uri_peers[w]; i++) {
		const struct route_peer *p = &t->peers[t->uri_peers[w][i]];
		const struct route_uricls *c = &t->classes[p->uri_cls[w]];
		enum route_uri_how how = route_class_match(c, s, detail, sizeof(detail));

		if (how != ROUTE_URI_NONE && (best == ROUTE_URI_NONE || how < best)) {
			best = how;
			bp = p;
			memcpy(bdetail, detail, sizeof(bdetail));
			if (how == ROUTE_URI_HOST)
				break;
		}
	}
	if (!bp)
		return false;
	out->peer = bp;
	out->crit = (enum route_criterion)w;
	out->how = best;
	route_why(out->why, sizeof(out->why), "dial-peer %u: %s %s: %s matched '%s'",
		 (unsigned)bp->tag, route_crit_names[w], t->classes[bp->uri_cls[w]].tag, bdetail,
		 s->whole);
	return true;
}

/* ------------------------------------------------------------------ */
/* number criteria                                                      */

struct route_numbest {
	const struct route_table *t;
	const char *number;
	bool called;                /* incoming called-number, else destination-pattern */
	const struct route_peer *best;
	int ml, minlen;
};

static void route_num_visit(void *ctx, uint32_t idx)
{
	struct route_numbest *b = ctx;
	const struct route_peer *p = &b->t->peers[idx];
	const struct dp_pattern *pat = b->called ? p->called : p->dest;
	int minlen = b->called ? p->called_minlen : p->dest_minlen;
	int ml = 0;

	if (!dp_pattern_match(pat, b->number, &ml))
		return;
	if (b->best) {
		if (ml != b->ml ? ml < b->ml
		    : minlen != b->minlen ? minlen < b->minlen : p->tag > b->best->tag)
			return;
	}
	b->best = p;
	b->ml = ml;
	b->minlen = minlen;
}

static bool route_in_number(const struct route_table *t, bool called, const char *number,
			    struct route_match *out)
{
	struct route_numbest b = { .t = t, .number = number, .called = called };

	if (!number)
		return false;
	route_trie_walk(called ? &t->called : &t->dest, number, route_num_visit, &b);
	if (!b.best)
		return false;
	out->peer = b.best;
	out->crit = called ? ROUTE_BY_CALLED : ROUTE_BY_CALLING;
	out->match_len = b.ml;
	route_why(out->why, sizeof(out->why), "dial-peer %u: %s %s matched %s number '%s' "
		 "(%d explicit digits)", (unsigned)b.best->tag,
		 called ? "incoming called-number" : "destination-pattern",
		 called ? b.best->cfg.incoming_called : b.best->cfg.dest_pattern,
		 called ? "called" : "calling", number, b.ml);
	return true;
}

/* user without ;parameters, into buf; NULL when there is none */
static const char *route_user_number(const char *user, char *buf, size_t bufsz)
{
	size_t n;

	if (!user || !user[0])
		return NULL;
	n = strcspn(user, ";");
	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, user, n);
	buf[n] = '\0';
	return buf;
}

int route_inbound(const struct route_table *t, const struct route_in *in, struct route_match *out)
{
	struct route_subject s;
	char called[ROUTE_USER_MAX], calling[ROUTE_USER_MAX];
	const char *num;

	if (!t || !in || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (t->n_uri_peers[CFG_URI_VIA]) {
		route_subject_via(&s, in->via_host, in->via_port);
		if (route_in_uri(t, CFG_URI_VIA, &s, out))
			return 0;
	}
	for (int w = CFG_URI_REQUEST; w <= CFG_URI_FROM; w++) {
		const struct route_uri *u = w == CFG_URI_REQUEST ? &in->request
					  : w == CFG_URI_TO ? &in->to : &in->from;

		if (!t->n_uri_peers[w])
			continue;
		route_subject_uri(&s, u);
		if (route_in_uri(t, w, &s, out))
			return 0;
	}
	num = in->called ? in->called : route_user_number(in->request.user, called, sizeof(called));
	if (route_in_number(t, true, num, out))
		return 0;
	num = in->calling ? in->calling : route_user_number(in->from.user, calling, sizeof(calling));
	if (route_in_number(t, false, num, out))
		return 0;
	out->peer = route_peer0();
	out->crit = ROUTE_BY_DEFAULT;
	route_why(out->why, sizeof(out->why),
		 "no inbound dial-peer matched: dial-peer 0 (defaults: no dtmf-relay, all codecs)");
	return 0;
}
