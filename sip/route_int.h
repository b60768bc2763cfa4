/* route_int.h - private layout of the dial-peer routing index, shared by
 * sip/route*.c only (layer 5).  Nothing outside sip/route*.c includes it.
 *
 * Ownership: a struct route_table owns every array below, the compiled
 * patterns of its peers and the compiled regexes of its URI classes;
 * route_table_unref() of the last reference frees them all. */
#ifndef TOLLGATE_ROUTE_INT_H
#define TOLLGATE_ROUTE_INT_H

#include <regex.h>
#include <stdatomic.h>

#include "sip/route.h"

/* Trie alphabet: 0-9 A-F * # + (the characters patterns can name literally). */
#define ROUTE_ALPHA 19
#define ROUTE_PREFIX_MAX 64

/* A trie node.  child[] and head are indexes, -1 for none; head starts the
 * list (through route_tent.next) of patterns whose literal prefix ends here.
 * The root's list holds the patterns without a literal prefix. */
struct route_tnode {
	int32_t child[ROUTE_ALPHA];
	int32_t head;
};

struct route_tent {
	uint32_t peer;   /* index into route_table.peers */
	int32_t next;    /* next entry of the same node, -1 = end */
};

struct route_trie {
	struct route_tnode *nodes;  /* nodes[0] is the root */
	size_t nn, ncap;
	struct route_tent *ents;
	size_t ne, ecap;
};

/* A host entry of a voice class uri, pre-parsed. */
struct route_host {
	enum cfg_target_kind kind;  /* IPV4, IPV6 or DNS */
	uint8_t addr[16];           /* IPV4 in the first 4 bytes */
	char name[CFG_TARGET_LEN];  /* DNS: name without a trailing dot */
	uint16_t port;              /* 0 = any */
	char text[CFG_TARGET_LEN + 8]; /* "ipv4:192.0.2.1" for debug */
};

struct route_uricls {
	char tag[CFG_NAME_LEN];
	struct route_host *hosts;
	size_t nhosts;
	bool has_host_re, has_user_re, has_pat_re;
	regex_t host_re, user_re, pat_re;
	char host_regex[CFG_TEXT_LEN], user_id[CFG_TEXT_LEN], pattern[CFG_TEXT_LEN];
	char tgrp[CFG_NAME_LEN];
	char trunk_context[CFG_TEXT_LEN];
};

/* A network: static list entry, or one address (len 32/128). */
struct route_net {
	int family;
	uint8_t addr[16];
	uint8_t len;
	struct cfg_prefix src;      /* as typed, for show */
};

/* A trusted single address with the dial-peer it belongs to, sorted by
 * (family, addr, tag) for binary search. */
struct route_dyn {
	uint8_t family;             /* AF_INET or AF_INET6 (fits) */
	uint8_t addr[16];
	uint32_t tag;
};

struct route_table {
	atomic_uint refs;
	struct route_peer *peers;   /* sorted by tag, shut-down ones included */
	size_t npeers;
	struct route_uricls *classes;
	size_t nclasses;
	uint32_t *uri_peers[CFG_URI_WHERE_COUNT]; /* peer indexes by tag, not shut */
	size_t n_uri_peers[CFG_URI_WHERE_COUNT];
	struct route_trie dest;     /* destination-pattern, not shut */
	struct route_trie dest_shut; /* destination-pattern of shut-down peers */
	struct route_trie called;   /* incoming called-number, not shut */
	struct route_net *nets;     /* ip address trusted list, in order */
	size_t nnets;
	struct route_dyn *targets;  /* ipv4:/ipv6: targets of peers not shut */
	size_t ntargets;
};

struct route_state {
	uint32_t *busy;             /* sorted tags */
	size_t nbusy, busycap;
	struct route_dyn *dns;      /* sorted like route_table.targets */
	size_t ndns, dnscap;
};

/* route_build.c */
/* Walk number through trie and call fn for each pattern entry whose literal
 * prefix is a prefix of number (root list included). */
void route_trie_walk(const struct route_trie *tr, const char *number,
		     void (*fn)(void *ctx, uint32_t peer), void *ctx);

/* route_trust.c */
int route_dyn_cmp(const struct route_dyn *a, const struct route_dyn *b);
int route_sa_to_dyn(const struct sockaddr *sa, struct route_dyn *out); /* tag = 0 */

#endif
