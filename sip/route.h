/* route.h - the dial-peer routing index: inbound match, outbound hunt list,
 * trusted sources and RFC 4904 trunk-group helpers (layer 5: signalling).
 *
 * A struct route_table is compiled by route_table_build() at commit from a
 * const struct cfg and is then immutable: it copies every dial-peer it needs,
 * so the configuration snapshot may be freed afterwards.  It is reference
 * counted; a call takes a reference when it starts (route_table_ref) and drops
 * it when it ends (route_table_unref), so a commit never changes the routing of
 * a call in progress.  Lookups only read the table and may run on any thread.
 *
 * Runtime facts that change between commits (dial-peers busied out by OPTIONS
 * keepalive, addresses learned by resolving dns: session targets) live in a
 * separate mutable struct route_state, keyed by dial-peer tag, that survives
 * commits.  It is owned by the main thread and is not locked.
 *
 * This module does no I/O and parses no SIP: its inputs are strings and
 * numbers the B2BUA has extracted from the request.
 *
 * Inbound (cube-cli.md 4.2): every dial-peer is tried on `incoming uri via`,
 * then all on `incoming uri request`, then `to`, then `from`, then
 * `incoming called-number` (against the called number), then
 * `destination-pattern` (against the CALLING number).  Shut-down peers are
 * skipped.  Nothing matches: dial-peer 0, a built-in object with tag 0 and
 * every field at its default (no DTMF relay, all codecs).
 *   Voice class uri semantics (Tollgate's reading of CUBE): a class matches a
 *   URI when any of its criteria does; a peer matched by `host` (ipv4:/ipv6:/
 *   dns: entries, then `host REGEX`) beats one matched by `user-id`, which
 *   beats `tgrp`/`trunk-context`, which beats `pattern`; equal peers: lowest
 *   tag.  Regexes are POSIX extended, case-sensitive, unanchored (use ^ and $).
 *   `host` entries compare the address (or the name, case-insensitively) and
 *   the port when the entry has one (a URI without a port counts as 5060).
 *   `user-id` sees the user part without its ;parameters, `pattern` sees
 *   the whole URI text.  A class with `tgrp` and
 *   `trunk-context` needs both to be equal (case-insensitively) to the URI's
 *   user parameters.  For `incoming uri via`, host entries and `host REGEX`
 *   see the Via host and port, `pattern` sees "host:port"; user-id and tgrp
 *   never match a Via.
 *   Number criteria: longest match (most explicit digits, then the longer
 *   pattern), then lowest tag.
 *
 * Outbound (cube-cli.md 4.3, `dial-peer hunt 0`): the peers whose
 * destination-pattern matches the called number, ordered by most explicit
 * digits (dp_pattern_match's match_len), then the longer pattern (more
 * mandatory positions), then preference (0 best, unset = 0), then at random
 * among equals.  Shut-down (admin down), busied-out and operationally down
 * (no session target) peers are skipped; the ones whose destination-pattern
 * matched are reported in route_candidates.skipped, so that a number every
 * match of which is out of service is answered 503 and not 404
 * (route_refusal).
 *
 * Cost: destination-pattern and incoming called-number are indexed in a trie
 * of their literal prefixes (the leading digits that every match must start
 * with); a lookup walks the number through the trie and tests only the
 * patterns hung on the nodes it passes, plus the root list (patterns that
 * begin with a wildcard).  With distinct prefixes it costs in the length of
 * the number, not in the number of dial-peers.  `incoming uri` peers are
 * scanned per criterion (only the peers that configure that criterion).
 *
 * Trusted sources (toll-fraud protection): `ip address trusted list`
 * entries (IPv4 masks, IPv6 prefixes), plus the ipv4:/ipv6: session targets
 * of dial-peers that are not shut down (minus busied-out ones when a state is
 * given), plus addresses the resolver reports for dns: targets
 * (route_trust_add_dynamic).  Ports are not compared.  IPv4-mapped IPv6
 * source addresses are treated as IPv4.
 *
 * Conventions: functions return 0 or a negative errno; strings written into
 * caller buffers are NUL-terminated. */
#ifndef TOLLGATE_ROUTE_H
#define TOLLGATE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/config.h"

struct dp_pattern;
struct route_table;
struct route_state;

#define ROUTE_MAX_CANDIDATES 32   /* outbound hunt list length */
#define ROUTE_WHY_LEN 256

/* A compiled dial-peer.  Valid while the table holding it is referenced. */
struct route_peer {
	uint32_t tag;                  /* 0 only for dial-peer 0 */
	struct cfg_dial_peer cfg;      /* copy of the dial-peer as committed */
	int pref;                      /* effective preference, 0 (best) .. 10 */
	/* internal, filled by route_table_build() */
	struct dp_pattern *dest;       /* destination-pattern or NULL */
	struct dp_pattern *called;     /* incoming called-number or NULL */
	int dest_minlen, called_minlen; /* mandatory positions of the patterns */
	int uri_cls[CFG_URI_WHERE_COUNT]; /* voice class uri index, -1 = none */
};

/* ------------------------------------------------------------------ */
/* table lifecycle                                                      */

/* Compile c into a new table with one reference.  On error returns -EINVAL
 * (bad pattern, bad regex, unknown voice class uri) or -ENOMEM with a one-line
 * reason in err, and *out is NULL. */
int route_table_build(const struct cfg *c, struct route_table **out, char *err, size_t errsz);
struct route_table *route_table_ref(struct route_table *t);  /* returns t; NULL-safe */
void route_table_unref(struct route_table *t);               /* frees on the last one */

/* Dial-peers of the table (shut-down ones included), sorted by tag. */
size_t route_table_peer_count(const struct route_table *t);
const struct route_peer *route_table_peer_at(const struct route_table *t, size_t i);
const struct route_peer *route_table_peer(const struct route_table *t, uint32_t tag);
/* The built-in dial-peer 0 (static, never freed). */
const struct route_peer *route_peer0(void);

/* ------------------------------------------------------------------ */
/* runtime state (busyout, resolved dns: targets)                       */

int route_state_new(struct route_state **out);
void route_state_free(struct route_state *s);
/* Mark tag busied out (true) or back in service (false). 0 or -ENOMEM. */
int route_state_set_busy(struct route_state *s, uint32_t tag, bool busy);
bool route_state_is_busy(const struct route_state *s, uint32_t tag); /* NULL s: false */
/* DNS hook: the resolver reports an address of dial-peer tag's dns: target.
 * It is trusted while that peer exists with a dns: target, is not shut down
 * and not busied out.  Port in sa is ignored.  0, -EAFNOSUPPORT, -ENOMEM. */
int route_trust_add_dynamic(struct route_state *s, uint32_t tag, const struct sockaddr *sa);
/* Forget every resolved address of tag (before re-adding a fresh answer). */
void route_trust_clear_dynamic(struct route_state *s, uint32_t tag);

/* ------------------------------------------------------------------ */
/* inbound                                                              */

/* A URI as the B2BUA extracted it.  NULL or "" fields are absent. */
struct route_uri {
	const char *uri;   /* the whole URI text, for `pattern` */
	const char *user;  /* user part, unescaped, with its ;parameters (tgrp) */
	const char *host;  /* host, IPv6 without brackets */
	uint16_t port;     /* 0 = none */
};

struct route_in {
	const char *via_host;      /* top Via sent-by host */
	uint16_t via_port;         /* 0 = none */
	struct route_uri request, to, from;
	/* NULL: taken from request.user (from.user) without ;parameters, and the
	 * criterion is skipped when that is absent too.  "" is an empty number,
	 * which `T` matches (hence the CLI warning about `incoming called-number T`). */
	const char *called;
	const char *calling;
};

enum route_criterion {
	ROUTE_BY_URI_VIA = 0,      /* same order as enum cfg_uri_where */
	ROUTE_BY_URI_REQUEST,
	ROUTE_BY_URI_TO,
	ROUTE_BY_URI_FROM,
	ROUTE_BY_CALLED,           /* incoming called-number */
	ROUTE_BY_CALLING,          /* destination-pattern on the calling number */
	ROUTE_BY_DEFAULT,          /* dial-peer 0 */
	ROUTE_BY_OUTBOUND,         /* destination-pattern on the called number */
};

/* Which part of a voice class uri matched, best first. */
enum route_uri_how {
	ROUTE_URI_NONE = 0,
	ROUTE_URI_HOST,            /* host ipv4:/ipv6:/dns: entry */
	ROUTE_URI_HOST_REGEX,
	ROUTE_URI_USER_ID,
	ROUTE_URI_TGRP,
	ROUTE_URI_PATTERN,
};

struct route_match {
	const struct route_peer *peer;  /* never NULL after success */
	enum route_criterion crit;
	enum route_uri_how how;         /* for the URI criteria */
	int match_len;                  /* for the number criteria */
	char why[ROUTE_WHY_LEN];        /* for `debug voip dialpeer` */
};

/* Always finds a peer (dial-peer 0 at worst).  0, or -EINVAL for NULL args. */
int route_inbound(const struct route_table *t, const struct route_in *in, struct route_match *out);

const char *route_criterion_str(enum route_criterion c); /* "incoming uri via" ... */

/* ------------------------------------------------------------------ */
/* outbound                                                             */

struct route_out_opts {
	const struct route_state *state;  /* busied-out peers; NULL = none */
	uint64_t *rng;                    /* random tie-break state, advanced;
					     NULL = no shuffle (lowest tag first) */
};

struct route_cand {
	const struct route_peer *peer;
	int match_len;                    /* explicit digits matched */
	int min_len;                      /* mandatory positions of the pattern */
};

/* Why a peer whose destination-pattern matched is not in the hunt list. */
enum route_skip {
	ROUTE_SKIP_BUSYOUT = 1,           /* busied out by OPTIONS keepalive */
	ROUTE_SKIP_SHUTDOWN,              /* admin down (`shutdown`) */
	ROUTE_SKIP_NO_TARGET,             /* oper down: no session target */
};

#define ROUTE_MAX_SKIPPED 8

struct route_skipped {
	uint32_t tag;
	enum route_skip why;
};

struct route_candidates {
	size_t n;                         /* 0: no usable peer (route_refusal) */
	size_t matched;                   /* usable peers that matched, before the cap */
	size_t nskipped;                  /* peers that matched but are out of service */
	struct route_skipped skipped[ROUTE_MAX_SKIPPED]; /* the lowest tags of those */
	struct route_cand v[ROUTE_MAX_CANDIDATES]; /* hunt order */
};

/* The hunt list for called_number.  opts may be NULL.  0 or -EINVAL. */
int route_outbound(const struct route_table *t, const char *called_number,
		   const struct route_out_opts *opts, struct route_candidates *out);

/* One line for `debug voip dialpeer` about candidate c of a hunt for number:
 * "dial-peer 10: destination-pattern 555.... matched called number '5551234'
 * (3 explicit digits, preference 0)".  Truncates to bufsz. */
void route_cand_why(const struct route_cand *c, const char *number, char *buf, size_t bufsz);

/* "busied out by options-keepalive", "shut down", "down (no session target)" */
const char *route_skip_str(enum route_skip why);

/* One line for `debug voip dialpeer` about a skipped peer: "dial-peer 200
 * matched but busied out by options-keepalive".  Truncates to bufsz. */
void route_skip_why(const struct route_skipped *s, char *buf, size_t bufsz);

/* The answer to a call for which route_outbound found no usable peer (n == 0):
 * nothing matched: 404 Not Found, no cause (Q.850 1, unallocated number, is
 * implied); peers matched but every one is busied out or down: 503 Service
 * Unavailable with `Reason: Q.850;cause=34` (no circuit/channel available:
 * the route exists but none of its trunks can take the call; RFC 3398 maps
 * it to 503, which makes an upstream proxy or CUCM fail over).  text is one
 * line for the log: "no dial-peer matches called number 2001" or "called
 * number 2001: all 1 matching dial-peers out of service (200 busied out by
 * options-keepalive)". */
struct route_refusal {
	int status;                       /* 404 or 503 */
	const char *reason;               /* "Not Found", "Service Unavailable" */
	int q850;                         /* 0 = no Reason header */
	int log_sev;                      /* 6 for 404, 4 for 503 */
	const char *mnemonic;             /* "NO_ROUTE", "ROUTE_UNAVAILABLE" */
	char text[ROUTE_WHY_LEN];
};
void route_refusal(const struct route_candidates *c, const char *number, struct route_refusal *out);

#define ROUTE_Q850_NO_CIRCUIT 34

/* After an attempt to peer failed with SIP status (0 = connect failure or no
 * answer), true when the B2BUA should try the next candidate: 408, 5xx (503
 * included) or 0, and the peer does not have `huntstop`. */
bool route_should_hunt(const struct route_peer *failed, int status);

/* ------------------------------------------------------------------ */
/* trusted sources                                                      */

enum route_trust_kind {
	ROUTE_TRUST_NONE = 0,
	ROUTE_TRUST_STATIC,       /* ip address trusted list entry */
	ROUTE_TRUST_TARGET,       /* ipv4:/ipv6: session target of a dial-peer */
	ROUTE_TRUST_DNS,          /* resolved address of a dns: session target */
};

struct route_trust_entry {
	enum route_trust_kind kind;
	int family;               /* AF_INET or AF_INET6 */
	uint32_t tag;             /* dial-peer, 0 for STATIC */
	bool busy;                /* the peer is busied out (entry not in force) */
	const char *text;         /* STATIC: "203.0.113.0 255.255.255.0" as typed;
				     TARGET: "ipv4:192.0.2.1:5060";
				     DNS: "dns:name 192.0.2.7" */
};

/* route_trust_check(t, NULL, sa, NULL). */
bool route_is_trusted(const struct route_table *t, const struct sockaddr *sa);
/* Is sa trusted?  s (may be NULL) adds resolved dns: addresses and removes
 * busied-out peers.  hit (may be NULL) receives the kind, family and tag of
 * the entry that allowed it; hit->text is NULL (see route_trust_foreach). */
bool route_trust_check(const struct route_table *t, const struct route_state *s,
		       const struct sockaddr *sa, struct route_trust_entry *hit);
/* Every entry, static ones first in the order typed, then dial-peer targets
 * by tag, then resolved addresses: for `show ip address trusted list`. */
void route_trust_foreach(const struct route_table *t, const struct route_state *s,
			 void (*fn)(void *ctx, const struct route_trust_entry *e), void *ctx);

/* ------------------------------------------------------------------ */
/* RFC 4904 trunk groups                                                */

/* The outbound Request-URI user part for number through peer p:
 * "NUMBER;tgrp=LABEL;trunk-context=CTX" when p has `voice-class sip tgrp`,
 * else "NUMBER".  Characters outside the RFC 4904 sets are %-escaped.
 * 0, -EINVAL, or -ENOSPC when buf is too small. */
int route_tgrp_user(const struct route_peer *p, const char *number, char *buf, size_t bufsz);

/* Split a received user part "NUMBER;tgrp=L;trunk-context=C;..." into its
 * number and the unescaped tgrp and trunk-context values ("" when absent).
 * Any of the out buffers may be NULL.  0, -EINVAL, or -ENOSPC. */
int route_tgrp_parse(const char *user, char *num, size_t numsz, char *tgrp, size_t tgrpsz,
		     char *ctx, size_t ctxsz);

#endif
