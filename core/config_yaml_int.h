/* config_yaml_int.h - internal to the YAML face: the schema tables that drive
 * both the emitter (config_yaml_emit.c) and the loader (config_yaml_load.c).
 * Each table is an array of struct yfield terminated by an entry with key NULL;
 * entries are in canonical (emission) order. */
#ifndef TOLLGATE_CONFIG_YAML_INT_H
#define TOLLGATE_CONFIG_YAML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "core/config.h"

enum yf_kind {
	YF_STR,      /* char[size]; validated by chk                     */
	YF_TAG,      /* char[size] holding a class tag <1-10000>, as int  */
	YF_INT,      /* integer of size 1/2/4, range min..max             */
	YF_BOOL,     /* bool; emitted when true                           */
	YF_NBOOL,    /* bool meaning "no ..."; shown as key: false        */
	YF_TBOOL,    /* uint8_t enum cfg_allow: unset, true (1), false (2) */
	YF_ENUM,     /* enum (or bool) stored in size bytes, names in en  */
	YF_TARGET,   /* struct cfg_target; allowed kinds in targets       */
	YF_ADDR4,    /* char[size] IPv4 address                           */
	YF_GROUP,    /* nested mapping; sub-table at base + off           */
	YF_LIST,     /* CFG_VEC of small entries (mapping each)           */
	YF_COLL,     /* keyed collection of struct cfg (see struct ycoll) */
	/* one-off shapes, each used at one place (base type noted) */
	YF_TRUSTED,  /* cfg_voice_service: trusted list + presence       */
	YF_RTPRANGE, /* cfg_voice_service: [lo, hi]                      */
	YF_REVOC,    /* cfg_trustpoint: revocation-check list            */
	YF_CURVES,   /* cfg_tls_profile: ecdh-curve list                 */
	YF_HOSTS,    /* cfg_uri_class: host targets                      */
	YF_TLSVER,   /* cfg_sip_ua: transport tcp tls version            */
	YF_KEEPALIVE,/* cfg_dial_peer: options-keepalive [profile]       */
	YF_PREFIX,   /* struct cfg_prefix at off, IOS text               */
	YF_NAMESERVERS, /* struct cfg: ip name-server list, "A.B.C.D[:PORT]" */
};

/* String checks (YF_STR). */
enum yf_chk {
	YC_WORD = 0, /* one word, no spaces                               */
	YC_LINE,     /* free text on one line                             */
	YC_NAME,     /* letters, digits, - _ . (trustpoints, labels, tags) */
	YC_HOST,     /* hostname: letter first, letters digits -         */
	YC_IFNAME,   /* Linux interface name                              */
	YC_REGEX,    /* POSIX extended regular expression, <= max chars   */
	YC_TGRP,     /* RFC 4904 trunk-group label                        */
	YC_TCTX,     /* RFC 4904 trunk-context: +digits or a domain name  */
};

/* What a reference field points at. */
enum yref {
	YREF_NONE = 0, YREF_TRUSTPOINT, YREF_TLS_CIPHER, YREF_TLS_PROFILE, YREF_SRTP_CRYPTO,
	YREF_URI, YREF_TENANT, YREF_CODEC, YREF_KEEPALIVE, YREF_COUNT
};

/* Keyword names of an enum: name(v) for v in 1..count-1 ("" or NULL = none). */
struct yenum {
	int count;
	const char *(*name)(int v);
	int (*parse)(const char *s); /* optional, replaces the names when reading:
					v (0: the default, stored unset) or -1 */
};

/* Targets allowed in a YF_TARGET field. */
#define YT_IPV4 (1u << CFG_TARGET_IPV4)
#define YT_IPV6 (1u << CFG_TARGET_IPV6)
#define YT_DNS (1u << CFG_TARGET_DNS)
#define YT_SIPSRV (1u << CFG_TARGET_SIP_SERVER)

struct ycoll;

/* One key of a mapping.  Static schema data, never freed. */
struct yfield {
	const char *key;
	enum yf_kind kind;
	size_t off;              /* offset of the field in the base object     */
	size_t size;             /* size of that field                          */
	long long min, max;      /* YF_INT range                                */
	int unset;               /* YF_INT: "not configured" value (0 or -1)    */
	enum yf_chk chk;         /* YF_STR check                                */
	enum yref ref;           /* YF_STR / YF_TAG: must name an existing object */
	unsigned targets;        /* YF_TARGET: YT_* mask                        */
	bool req;                /* YF_LIST entry: the key is required          */
	const struct yenum *en;  /* YF_ENUM names                               */
	const struct yfield *sub;/* YF_GROUP / YF_LIST entry fields             */
	size_t pres1;            /* YF_GROUP: 1 + offset in the parent base of
				    a presence bool, or 0 for none              */
	size_t elsz;             /* YF_LIST: entry size                         */
	bool sorted;             /* YF_LIST: sorted by the first (uint8) field,
				    which must be unique                        */
	const char *(*check)(const void *obj); /* YF_GROUP / YF_LIST entry:
				    consistency; a message or NULL              */
	const struct ycoll *coll;/* YF_COLL                                     */
};

enum ykey { YK_TAG, YK_NAME, YK_DIALPEER };

/* A keyed collection in struct cfg (dial-peers, classes, trustpoints). */
struct ycoll {
	const char *what;        /* "dial-peer", "voice class codec" ...       */
	size_t vec_off;          /* offset of the CFG_VEC in struct cfg         */
	size_t elsz;
	enum ykey keykind;
	const char *keyname;     /* "tag" / "name"                              */
	size_t key_off;          /* offset of the key in an element             */
	void *(*get)(struct cfg *c, const char *key);
	void *(*find)(const struct cfg *c, const char *key);
	const struct yfield *fields;
	const char *(*check)(const void *obj);
};

/* Layout-compatible view of any CFG_VEC (read and written with memcpy). */
struct yvec {
	void *v;
	size_t n, cap;
};

extern const struct yfield cfg_yaml_root[];
extern const struct ycoll *const cfg_yaml_ref_coll[YREF_COUNT];

/* Helpers shared by the emitter and the loader (config_yaml.c). */
long long cfg_yaml_int_get(const void *p, size_t size, bool sgn);
void cfg_yaml_int_set(void *p, size_t size, long long v);
struct yvec cfg_yaml_vec(const void *base, size_t off);
bool cfg_yaml_isset(const void *base, const struct yfield *f);
const char *cfg_yaml_enum_name(const struct yenum *en, int v);
/* True when a plain scalar with this text would be read back as something
 * other than a string (a number, a boolean, null) and so must be quoted. */
bool cfg_yaml_needs_quotes(const char *s);

/* Names of the one-off keyword sets. */
const char *cfg_yaml_enroll_name(int v);
const char *cfg_yaml_revoc_name(int v);
const char *cfg_yaml_tlsver_name(int v);


/* ------------------------------------------------------------------ */
/* loader internals (config_yaml_load.c, config_yaml_shape.c)          */

struct yerr {                /* one problem; msg owned                   */
	size_t line, seq;
	char *msg;
};

/* State of one cfg_yaml_load() call.  Owns doc, errs (and their messages)
 * and skip; cfg is the caller's. */
struct yload {
	struct cfg *cfg;
	yaml_document_t doc;
	bool have_doc;
	struct yerr *errs;
	size_t nerr, caperr;
	bool oom;
	char path[512];          /* where we are: "dial-peers[tag=1].srtp"  */
	size_t plen;
	unsigned char *skip;     /* per node: collection item rejected in pass 1 */
	size_t nnodes;
};

void yl_err(struct yload *L, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t yl_push(struct yload *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t yl_push_key(struct yload *L, const char *key);
void yl_pop(struct yload *L, size_t old);
yaml_node_t *yl_node(struct yload *L, int idx);
bool yl_is_null(const yaml_node_t *n);
const char *yl_desc(const yaml_node_t *n, char *buf, size_t bufsz);
int yl_str(struct yload *L, const yaml_node_t *n, const char **out);
int yl_int(struct yload *L, const yaml_node_t *n, long long min, long long max, long long *out);
int yl_bool(struct yload *L, const yaml_node_t *n, bool *out);
int yl_ref(struct yload *L, const yaml_node_t *n, enum yref ref, const char *name);
void yl_map(struct yload *L, yaml_node_t *map, void *base, const struct yfield *tab,
	    const char *skip, uint64_t *seen);
void yl_checked_map(struct yload *L, yaml_node_t *n, void *obj, const struct yfield *tab,
		    const char *skip, const char *(*check)(const void *));
/* True for a sequence; null counts as an empty list (false, no error);
 * anything else is reported. */
bool yl_seq_or_null(struct yload *L, const yaml_node_t *n);
void yl_prescan(struct yload *L, yaml_node_t *map, const struct yfield *tab);
int yl_enum(struct yload *L, const yaml_node_t *n, const struct yenum *en, int *out);
int yl_target(struct yload *L, const yaml_node_t *n, unsigned allowed, struct cfg_target *out);
void yl_coll(struct yload *L, yaml_node_t *n, const struct ycoll *co);
void yl_special(struct yload *L, yaml_node_t *n, void *base, const struct yfield *f);

#endif
