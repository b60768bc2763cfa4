/* config.h - the typed configuration model of Tollgate (layer 2: model).
 *
 * One `struct cfg` holds a whole configuration: what `show running-config`
 * renders, what the YAML face loads and emits, what commit compiles.  It is
 * plain data: fixed-size strings and growable arrays, no sockets, no GnuTLS.
 *
 * Ownership: a struct cfg owns every array and string inside it; cfg_free()
 * releases all of it, cfg_dup() makes a deep copy.  Strings are NUL-terminated
 * and bounded by the CFG_*_LEN sizes; an empty string means "not configured".
 * Numeric fields use 0 for "not configured / default" unless noted.
 *
 * Collections (dial-peers, classes, trustpoints) are kept sorted by their key
 * (cfg_tag_cmp() for class tags, numeric for dial-peer tags) so that renderers
 * print them in a canonical order.
 */
#ifndef TOLLGATE_CONFIG_H
#define TOLLGATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CFG_NAME_LEN 64   /* hostnames, tags, trustpoint names, labels */
#define CFG_TEXT_LEN 256  /* descriptions, regexes, subject names      */
#define CFG_PATH_LEN 512  /* file paths                                 */
#define CFG_ADDR_LEN 64   /* textual IPv4/IPv6 address                  */
#define CFG_TARGET_LEN 300 /* session target text "ipv4:1.2.3.4:5060"   */

/* Growable array: T *v; size_t n, cap. */
#define CFG_VEC(T) struct { T *v; size_t n, cap; }

enum cfg_transport {
	CFG_TRANSPORT_UNSET = 0,
	CFG_TRANSPORT_UDP,
	CFG_TRANSPORT_TCP,
	CFG_TRANSPORT_TLS, /* "tcp tls" */
};

enum cfg_url { CFG_URL_UNSET = 0, CFG_URL_SIP, CFG_URL_SIPS };

/* `srtp`, `srtp fallback`, `srtp pass-thru`; OFF means the line is absent. */
enum cfg_srtp { CFG_SRTP_OFF = 0, CFG_SRTP_ON, CFG_SRTP_FALLBACK, CFG_SRTP_PASSTHRU };

/* sip-ua `transport tcp tls [v1.2 [minimum] | v1.3]` */
enum cfg_tls_version {
	CFG_TLSV_ANY = 0, /* `transport tcp tls` with no version: 1.2 and 1.3 */
	CFG_TLSV_12,      /* v1.2: 1.2 only                                   */
	CFG_TLSV_12_MIN,  /* v1.2 minimum: 1.2 and 1.3                        */
	CFG_TLSV_13,      /* v1.3: 1.3 only                                   */
};

/* A session target: `ipv4:A.B.C.D[:PORT]`, `ipv6:[X:X::X]:PORT`,
 * `dns:NAME[:PORT]`, or `sip-server`. */
enum cfg_target_kind {
	CFG_TARGET_NONE = 0,
	CFG_TARGET_IPV4,
	CFG_TARGET_IPV6,
	CFG_TARGET_DNS,
	CFG_TARGET_SIP_SERVER,
};
struct cfg_target {
	enum cfg_target_kind kind;
	char host[CFG_TARGET_LEN]; /* address or name, without brackets */
	uint16_t port;             /* 0 = not given                      */
};

/* An address with a prefix, as typed: `10.0.0.0 255.255.255.0`, `10.0.0.0 /24`,
 * `192.0.2.1` (host), `2001:db8::/32`.  `mask_dotted` remembers whether the
 * user wrote a dotted mask, so rendering gives back the same form. */
struct cfg_prefix {
	int family;              /* AF_INET or AF_INET6 */
	char addr[CFG_ADDR_LEN]; /* canonical text (inet_ntop) */
	uint8_t len;             /* prefix length */
	bool mask_dotted;        /* IPv4 written with a dotted mask */
	bool len_given;          /* false: a bare host address, rendered without mask */
};

/* ------------------------------------------------------------------ */
/* voice service voip                                                   */

struct cfg_voice_sip {       /* the `sip` sub-mode (conf-serv-sip) */
	enum cfg_transport session_transport;
	enum cfg_url url;
	char srtp_crypto[CFG_NAME_LEN];   /* voice class srtp-crypto tag */
	uint16_t listen_nonsecure;        /* listen-port non-secure (0 = 5060) */
	uint16_t listen_secure;           /* listen-port secure (0 = 5061)     */
	char bind_control_if[CFG_NAME_LEN];   /* bind control source-interface */
	char bind_control_addr[CFG_ADDR_LEN]; /* bind control source-address   */
	char bind_media_if[CFG_NAME_LEN];
	char bind_media_addr[CFG_ADDR_LEN];
	bool early_offer_forced;
	bool no_silent_discard;  /* `no silent-discard untrusted` (default: discard) */
};

/* `allow-connections sip to sip`: absent (the default, SIP-to-SIP calls
 * allowed, unlike CUBE), typed, or `no allow-connections sip to sip` (new
 * INVITEs refused with 503, Q.850 cause 63). */
enum cfg_allow { CFG_ALLOW_UNSET = 0, CFG_ALLOW_ON, CFG_ALLOW_OFF };

struct cfg_voice_service {
	bool present;            /* `voice service voip` was entered */
	CFG_VEC(struct cfg_prefix) trusted; /* ip address trusted list, in order typed */
	bool trusted_list_present;          /* the sub-mode was entered            */
	uint8_t allow_sip_to_sip;           /* enum cfg_allow: unset = allowed       */
	enum cfg_srtp srtp;
	uint16_t rtp_port_lo, rtp_port_hi;  /* 0,0 = default range */
	uint32_t media_inactivity_sec;      /* media-inactivity-timer: 0 = off */
	bool sip_present;                   /* the `sip` sub-mode was entered */
	struct cfg_voice_sip sip;
};

/* ------------------------------------------------------------------ */
/* sip-ua                                                               */

/* `crypto signaling ... trustpoint TP [cn-san-validate server] [client-vtp TP]`
 * or `... tls-profile TAG`.  Exactly one of trustpoint/tls_profile is set. */
struct cfg_crypto_sig {
	char trustpoint[CFG_NAME_LEN];
	bool cn_san_validate_server;
	char client_vtp[CFG_NAME_LEN];
	char tls_profile[CFG_NAME_LEN];
};

struct cfg_remote_addr {     /* crypto signaling remote-addr PREFIX ... */
	struct cfg_prefix prefix;
	struct cfg_crypto_sig sig;
};

struct cfg_sip_ua {
	bool present;
	bool no_udp, no_tcp, no_tls;         /* `no transport udp|tcp|tcp tls` */
	bool tls_version_set;                /* `transport tcp tls v...` typed */
	enum cfg_tls_version tls_version;
	struct cfg_crypto_sig def_tp;        /* crypto signaling default trustpoint */
	char def_tls_profile[CFG_NAME_LEN];  /* crypto signaling default tls-profile */
	CFG_VEC(struct cfg_remote_addr) remote; /* in order typed */
	uint16_t aging_tls_min;     /* timers connection aging tls (0 = default 5)     */
	uint16_t establish_tls_sec; /* timers connection establish tls (0 = default 20) */
	bool connection_reuse;
	struct cfg_target sip_server; /* ipv4:/dns: only */
};

/* ------------------------------------------------------------------ */
/* voice classes                                                        */

/* TLS cipher names as CUBE spells them; tls_cipher_table[] in config.c
 * maps each to its GnuTLS priority elements. */
enum cfg_cipher {
	CFG_CIPHER_NONE = 0,
	CFG_CIPHER_ECDHE_RSA_AES128_GCM_SHA256,
	CFG_CIPHER_ECDHE_RSA_AES256_GCM_SHA384,
	CFG_CIPHER_ECDHE_ECDSA_AES128_GCM_SHA256,
	CFG_CIPHER_ECDHE_ECDSA_AES256_GCM_SHA384,
	CFG_CIPHER_DHE_RSA_AES128_GCM_SHA256,
	CFG_CIPHER_DHE_RSA_AES256_GCM_SHA384,
	CFG_CIPHER_ECDHE_RSA_AES128_SHA256,
	CFG_CIPHER_ECDHE_RSA_AES256_SHA384,
	CFG_CIPHER_ECDHE_ECDSA_AES256_SHA384,
	CFG_CIPHER_DHE_RSA_AES128_SHA256,
	CFG_CIPHER_DHE_RSA_AES256_SHA256,
	CFG_CIPHER_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	CFG_CIPHER_DHE_RSA_WITH_AES_128_CBC_SHA,
	CFG_CIPHER_DHE_RSA_WITH_AES_256_CBC_SHA,
	CFG_CIPHER_RSA_WITH_AES_128_CBC_SHA,
	CFG_CIPHER_RSA_WITH_AES_256_CBC_SHA,
	CFG_CIPHER_RSA_WITH_AES_256_CBC_SHA256,
	CFG_CIPHER_RSA_WITH_AES_128_GCM_SHA256,
	CFG_CIPHER_RSA_WITH_AES_256_GCM_SHA384,
	CFG_CIPHER_TLS13_AES128_GCM_SHA256,
	CFG_CIPHER_TLS13_AES256_GCM_SHA384,
	CFG_CIPHER_TLS13_CHACHA20_POLY1305_SHA256,
	CFG_CIPHER_COUNT
};

struct cfg_cipher_info {
	enum cfg_cipher id;
	const char *name;     /* CUBE keyword, e.g. "ECDHE_RSA_AES128_GCM_SHA256" */
	const char *iana;     /* IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
	const char *help;     /* "supported in TLS 1.2 & above" */
	const char *gnutls;   /* GnuTLS priority elements, e.g. "+ECDHE-RSA:+AES-128-GCM:+AEAD" */
};
extern const struct cfg_cipher_info cfg_cipher_table[]; /* indexed by enum, [0] unused */
const struct cfg_cipher_info *cfg_cipher_by_name(const char *name);

struct cfg_tls_cipher_entry { uint8_t pri; enum cfg_cipher cipher; };
struct cfg_tls_cipher {      /* voice class tls-cipher TAG */
	char tag[CFG_NAME_LEN];
	CFG_VEC(struct cfg_tls_cipher_entry) e; /* sorted by pri */
};

enum cfg_cn_san_validate { CFG_CNSAN_NONE = 0, CFG_CNSAN_SERVER, CFG_CNSAN_CLIENT, CFG_CNSAN_BIDIR };

enum cfg_curve {
	CFG_CURVE_NONE = 0,
	CFG_CURVE_SECP256R1,
	CFG_CURVE_SECP384R1,
	CFG_CURVE_SECP521R1,
	CFG_CURVE_X25519,
	CFG_CURVE_COUNT
};
extern const char *const cfg_curve_names[CFG_CURVE_COUNT]; /* "secp384r1", ... */

struct cfg_cn_san_entry { uint8_t idx; char name[CFG_TEXT_LEN]; };
struct cfg_tls_profile {     /* voice class tls-profile TAG */
	char tag[CFG_NAME_LEN];
	char description[CFG_TEXT_LEN];
	char trustpoint[CFG_NAME_LEN];
	char cipher[CFG_NAME_LEN];          /* voice class tls-cipher tag */
	enum cfg_cn_san_validate cn_san_validate;
	CFG_VEC(struct cfg_cn_san_entry) cn_san; /* sorted by idx */
	char client_vtp[CFG_NAME_LEN];
	bool sni_send;
	enum cfg_curve curves[CFG_CURVE_COUNT]; /* ecdh-curve list in order, NONE-terminated */
};

enum cfg_srtp_suite {
	CFG_SUITE_NONE = 0,
	CFG_SUITE_AES_CM_128_HMAC_SHA1_80,
	CFG_SUITE_AES_CM_128_HMAC_SHA1_32,
	CFG_SUITE_AEAD_AES_128_GCM,
	CFG_SUITE_AEAD_AES_256_GCM,
	CFG_SUITE_COUNT
};
extern const char *const cfg_suite_names[CFG_SUITE_COUNT];

struct cfg_srtp_crypto_entry { uint8_t pri; enum cfg_srtp_suite suite; };
struct cfg_srtp_crypto {     /* voice class srtp-crypto TAG */
	char tag[CFG_NAME_LEN];
	CFG_VEC(struct cfg_srtp_crypto_entry) e; /* sorted by pri, gaps kept */
};

enum cfg_codec {
	CFG_CODEC_NONE = 0,
	CFG_CODEC_G711ULAW,
	CFG_CODEC_G711ALAW,
	CFG_CODEC_G722_64,
	CFG_CODEC_G729R8,
	CFG_CODEC_OPUS,
	CFG_CODEC_COUNT
};
extern const char *const cfg_codec_names[CFG_CODEC_COUNT]; /* "g711ulaw", ... */

struct cfg_codec_entry { uint8_t pref; enum cfg_codec codec; uint16_t bytes; /* 0 = not set */ };
/* `bytes N` for codec c: 0, or the IOS message for a size c cannot take. */
const char *cfg_codec_bytes_check(enum cfg_codec c, unsigned bytes);

/* `ip qos dscp`: IOS's DSCP names (af11 ... af43, cs1 ... cs7, default, ef)
 * and numbers 0-63.  cfg_dscp_parse(): the value, or -EINVAL.
 * cfg_dscp_name(): IOS's name of a value, else its number ("5"); NULL above 63.
 * The TOS bytes of a dial-peer (NULL: no dial-peer) for its media and its
 * signalling: its DSCP << 2, the defaults EF (0xb8) and CS3 (0x60). */
#define CFG_DSCP_EF 46
#define CFG_DSCP_CS3 24
struct cfg_dial_peer;
int cfg_dscp_parse(const char *s);
const char *cfg_dscp_name(unsigned dscp);
int cfg_dp_media_tos(const struct cfg_dial_peer *dp);
int cfg_dp_signaling_tos(const struct cfg_dial_peer *dp);
struct cfg_codec_class {     /* voice class codec TAG */
	char tag[CFG_NAME_LEN];
	CFG_VEC(struct cfg_codec_entry) e; /* sorted by pref */
};

#define CFG_URI_MAX_HOSTS 10
struct cfg_uri_class {       /* voice class uri TAG sip */
	char tag[CFG_NAME_LEN];
	CFG_VEC(struct cfg_target) hosts; /* host ipv4:/dns: entries (<= 10), in order */
	char host_regex[CFG_TEXT_LEN];    /* host REGEX (one) */
	char user_id[CFG_TEXT_LEN];
	char pattern[CFG_TEXT_LEN];
	char tgrp[CFG_NAME_LEN];
	char trunk_context[CFG_TEXT_LEN];
};

struct cfg_tenant {          /* voice class tenant TAG */
	char tag[CFG_NAME_LEN];
	struct cfg_target sip_server;
	enum cfg_transport session_transport;
	enum cfg_url url;
	char tls_profile[CFG_NAME_LEN];
	char srtp_crypto[CFG_NAME_LEN];
	uint16_t listen_secure;
};

struct cfg_keepalive {       /* voice class sip-options-keepalive TAG */
	char tag[CFG_NAME_LEN];
	char description[CFG_TEXT_LEN];
	uint16_t up_interval;    /* 0 = default 60 s */
	uint16_t down_interval;  /* 0 = default 30 s */
	uint8_t retry;           /* 0 = default 5    */
	enum cfg_transport transport;
};

/* ------------------------------------------------------------------ */
/* dial-peer voice TAG voip                                             */

/* voice-class sip early-offer forced [system] */
enum cfg_early_offer { CFG_EO_UNSET = 0, CFG_EO_FORCED, CFG_EO_SYSTEM };

enum cfg_uri_where { CFG_URI_VIA = 0, CFG_URI_REQUEST, CFG_URI_TO, CFG_URI_FROM, CFG_URI_WHERE_COUNT };

struct cfg_dial_peer {
	uint32_t tag;                       /* 1..2147483647 */
	char description[CFG_TEXT_LEN];
	char dest_pattern[CFG_NAME_LEN];    /* destination-pattern */
	char incoming_called[CFG_NAME_LEN]; /* incoming called-number */
	char incoming_uri[CFG_URI_WHERE_COUNT][CFG_NAME_LEN]; /* uri class tags */
	bool session_sipv2;                 /* session protocol sipv2 */
	struct cfg_target target;
	enum cfg_transport session_transport;
	char vc_tenant[CFG_NAME_LEN];       /* voice-class sip tenant */
	char vc_srtp_crypto[CFG_NAME_LEN];  /* voice-class sip srtp-crypto */
	char vc_tls_profile[CFG_NAME_LEN];  /* voice-class sip tls-profile */
	uint8_t early_offer;                /* enum cfg_early_offer */
	bool keepalive;                     /* voice-class sip options-keepalive */
	char keepalive_profile[CFG_NAME_LEN]; /* ... profile TAG (may be empty) */
	char tgrp[CFG_NAME_LEN];            /* voice-class sip tgrp LABEL */
	char trunk_context[CFG_TEXT_LEN];   /*   trunk-context CTX            */
	char vc_codec[CFG_NAME_LEN];        /* voice-class codec TAG */
	enum cfg_codec codec;               /* codec NAME */
	uint16_t codec_bytes;               /*   ... bytes N (0 = not set) */
	bool no_vad;                        /* no vad (no effect: media flows through) */
	uint8_t dscp_media;                 /* ip qos dscp X media: DSCP + 1, 0 = default (ef) */
	uint8_t dscp_signaling;             /* ip qos dscp X signaling: DSCP + 1, 0 = default (cs3) */
	bool dtmf_rtp_nte;
	enum cfg_srtp srtp;
	int8_t preference;                  /* -1 = not configured, else 0..10 */
	bool huntstop;
	bool shutdown;
};

/* ------------------------------------------------------------------ */
/* crypto pki trustpoint NAME                                           */

enum cfg_enroll { CFG_ENROLL_NONE = 0, CFG_ENROLL_TERMINAL, CFG_ENROLL_TERMINAL_PEM, CFG_ENROLL_SELFSIGNED };
enum cfg_revocation { CFG_REVOC_NONE_SET = 0, CFG_REVOC_CRL, CFG_REVOC_NONE };

struct cfg_trustpoint {
	char name[CFG_NAME_LEN];
	enum cfg_enroll enrollment;
	char subject_name[CFG_TEXT_LEN];
	char subject_alt_name[CFG_TEXT_LEN];
	enum cfg_revocation revocation[3]; /* as typed, NONE_SET-terminated; empty = default crl */
	char rsakeypair[CFG_NAME_LEN];
	uint16_t rsa_bits;                 /* 0 = not given */
	char eckeypair[CFG_NAME_LEN];
	bool chain_validation;
	char cert_file[CFG_PATH_LEN];
	char key_file[CFG_PATH_LEN];
	char ca_file[CFG_PATH_LEN];
	char crl_file[CFG_PATH_LEN];
};

/* ------------------------------------------------------------------ */

/* `ip name-server A.B.C.D [PORT]` (the port is a Tollgate extension). */
#define CFG_MAX_NAME_SERVERS 4
struct cfg_name_server {
	char addr[CFG_ADDR_LEN];            /* canonical text (inet_ntop) */
	uint16_t port;                      /* 0 = 53 (not rendered) */
};

struct cfg {
	char hostname[CFG_NAME_LEN];        /* default "tollgate" */
	uint32_t logging_buffered;          /* bytes; 0 = default (not rendered) */
	struct cfg_name_server name_servers[CFG_MAX_NAME_SERVERS]; /* in order typed */
	int n_name_servers;                 /* none: /etc/resolv.conf */
	struct cfg_voice_service voice;
	struct cfg_sip_ua sipua;
	CFG_VEC(struct cfg_tls_cipher) tls_ciphers;
	CFG_VEC(struct cfg_tls_profile) tls_profiles;
	CFG_VEC(struct cfg_srtp_crypto) srtp_cryptos;
	CFG_VEC(struct cfg_codec_class) codecs;
	CFG_VEC(struct cfg_uri_class) uris;
	CFG_VEC(struct cfg_tenant) tenants;
	CFG_VEC(struct cfg_keepalive) keepalives;
	CFG_VEC(struct cfg_dial_peer) dial_peers;  /* sorted by tag */
	CFG_VEC(struct cfg_trustpoint) trustpoints; /* sorted by name */
};

/* Lifecycle */
void cfg_init(struct cfg *c);            /* empty config with defaults */
void cfg_free(struct cfg *c);            /* frees arrays; c may be re-inited */
int cfg_dup(struct cfg *dst, const struct cfg *src); /* 0 or -ENOMEM */
bool cfg_equal(const struct cfg *a, const struct cfg *b); /* deep compare */

/* Ordering of class tags: numeric tags by value, then names by strcmp. */
int cfg_tag_cmp(const char *a, const char *b);

/* Lookup-or-create for keyed collections.  find returns NULL when absent;
 * get creates a zeroed, defaulted element in sorted position (NULL on ENOMEM).
 * Pointers are invalidated by any later insert/delete in the same vector. */
struct cfg_tls_cipher *cfg_tls_cipher_find(const struct cfg *c, const char *tag);
struct cfg_tls_cipher *cfg_tls_cipher_get(struct cfg *c, const char *tag);
struct cfg_tls_profile *cfg_tls_profile_find(const struct cfg *c, const char *tag);
struct cfg_tls_profile *cfg_tls_profile_get(struct cfg *c, const char *tag);
struct cfg_srtp_crypto *cfg_srtp_crypto_find(const struct cfg *c, const char *tag);
struct cfg_srtp_crypto *cfg_srtp_crypto_get(struct cfg *c, const char *tag);
struct cfg_codec_class *cfg_codec_find(const struct cfg *c, const char *tag);
struct cfg_codec_class *cfg_codec_get(struct cfg *c, const char *tag);
struct cfg_uri_class *cfg_uri_find(const struct cfg *c, const char *tag);
struct cfg_uri_class *cfg_uri_get(struct cfg *c, const char *tag);
struct cfg_tenant *cfg_tenant_find(const struct cfg *c, const char *tag);
struct cfg_tenant *cfg_tenant_get(struct cfg *c, const char *tag);
struct cfg_keepalive *cfg_keepalive_find(const struct cfg *c, const char *tag);
struct cfg_keepalive *cfg_keepalive_get(struct cfg *c, const char *tag);
struct cfg_dial_peer *cfg_dial_peer_find(const struct cfg *c, uint32_t tag);
struct cfg_dial_peer *cfg_dial_peer_get(struct cfg *c, uint32_t tag);
struct cfg_trustpoint *cfg_trustpoint_find(const struct cfg *c, const char *name);
struct cfg_trustpoint *cfg_trustpoint_get(struct cfg *c, const char *name);

/* Delete by key; return 0 or -ENOENT. */
int cfg_tls_cipher_del(struct cfg *c, const char *tag);
int cfg_tls_profile_del(struct cfg *c, const char *tag);
int cfg_srtp_crypto_del(struct cfg *c, const char *tag);
int cfg_codec_del(struct cfg *c, const char *tag);
int cfg_uri_del(struct cfg *c, const char *tag);
int cfg_tenant_del(struct cfg *c, const char *tag);
int cfg_keepalive_del(struct cfg *c, const char *tag);
int cfg_dial_peer_del(struct cfg *c, uint32_t tag);
int cfg_trustpoint_del(struct cfg *c, const char *name);

/* Generic vector helpers (used by the macros below).  cfg_vec_grow() makes room
 * for `need` elements, doubling the capacity; the spare capacity is NOT zeroed
 * (touching it would fault in pages nobody uses yet): whoever adds an element
 * initialises all of it.  CFG_VEC_PUSH zeroes the slot before copying val in, so
 * padding bytes compare equal with memcmp. */
int cfg_vec_grow(void **v, size_t *cap, size_t need, size_t elsz);
#define CFG_VEC_PUSH(vec, val) \
	(cfg_vec_grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof(*(vec).v)) ? -1 \
	 : (memset(&(vec).v[(vec).n], 0, sizeof(*(vec).v)), (vec).v[(vec).n++] = (val), 0))
void cfg_vec_remove(void *v, size_t *n, size_t idx, size_t elsz);
#define CFG_VEC_DEL(vec, idx) cfg_vec_remove((vec).v, &(vec).n, (idx), sizeof(*(vec).v))

/* Bounded string copy into a fixed field; returns -ENAMETOOLONG if it did not fit
 * (the field is left unchanged then). */
int cfg_strset(char *dst, size_t dstsz, const char *src);
#define CFG_SET(field, src) cfg_strset((field), sizeof(field), (src))

/* Enum <-> keyword helpers shared by the text and YAML faces. */
const char *cfg_transport_str(enum cfg_transport t); /* "udp", "tcp", "tcp tls" */
int cfg_transport_parse(const char *s, enum cfg_transport *out);
const char *cfg_srtp_str(enum cfg_srtp s); /* "", "srtp", "srtp fallback", "srtp pass-thru" */
int cfg_suite_parse(const char *s, enum cfg_srtp_suite *out);
int cfg_codec_parse(const char *s, enum cfg_codec *out);
int cfg_curve_parse(const char *s, enum cfg_curve *out);

/* Targets: parse "ipv4:1.2.3.4:5060", "ipv6:[::1]:5060", "dns:host[:port]",
 * "sip-server"; render back the same canonical text into buf. */
int cfg_target_parse(const char *s, struct cfg_target *out, char *err, size_t errsz);
const char *cfg_target_str(const struct cfg_target *t, char *buf, size_t bufsz);

/* Prefixes: parse address + optional mask text ("255.255.255.0", "/24", or NULL). */
int cfg_prefix_parse(const char *addr, const char *mask, struct cfg_prefix *out,
		     char *err, size_t errsz);
/* Render as typed: "10.0.0.0 255.255.255.0" / "10.0.0.0 /24" / "192.0.2.1" / "2001:db8::/32" */
const char *cfg_prefix_str(const struct cfg_prefix *p, char *buf, size_t bufsz);
bool cfg_prefix_equal(const struct cfg_prefix *a, const struct cfg_prefix *b);
/* Is the address in a (a struct sockaddr_storage of AF_INET/AF_INET6) inside p? */
struct sockaddr_storage;
bool cfg_prefix_contains(const struct cfg_prefix *p, const struct sockaddr_storage *a);

#endif
