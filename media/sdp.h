/* sdp.h - SDP session descriptions (RFC 8866, formerly RFC 4566): parse, views
 * of what a media anchor needs, rewrite, print (layer 3, no I/O).
 *
 * Model: an SDP is a list of lines.  The session-level lines come first, then
 * one section per m= line; every line is kept in order, as "<type>=<value>"
 * with its own line ending, so sdp_print() of an unchanged SDP gives back the
 * parsed text byte for byte (CRLF or bare LF endings, a missing final line
 * ending and trailing blank lines included).  Lines the parser does not
 * interpret (i=, u=, e=, p=, r=, z=, k=, unknown attributes ...) are kept as
 * text.
 *
 * Parsing: sdp_parse() checks the grammar: v=0 first, then o= and s=, at
 * least one t= at session level; a line type must be a known letter
 * (RFC 8866 5: an SDP with an unknown type is rejected), valid at its level
 * (only i= c= b= k= a= in a media section); one c= at session level; every
 * media section with a non-zero port has a connection address (its own c= or
 * the session's).  It checks the lines it interprets: o=, c=, t=, b=, m= and
 * the attributes rtpmap, fmtp, rtcp, ptime and crypto, and the limits below.
 * Errors are -EINVAL with a one-line reason in err, prefixed with the line
 * number: "line 6: port 70000 out of range in m= line", "line 1: missing v=
 * line", "line 3: line too long (limit 1024 bytes)", "line 40: too many media
 * sections (limit 16)".
 *
 * Views: struct sdp_media carries views (port, proto, payload types, rtcp,
 * direction, crypto ...) derived from its lines by the parser and again by
 * every rewriter, so they always agree with the lines.  Do not edit lines or
 * views directly: use the sdp_set_* / sdp_add_* / sdp_remove_* functions.
 * Pointers in the views (fmtp, crypto values) point into the lines and stay
 * valid until the next change to that SDP.
 *
 * Rewriters keep every limit (they return -E2BIG rather than make an SDP that
 * would not parse again), so what sdp_print() writes always parses again.
 *
 * Ownership: struct sdp is a heap object owned by the caller of sdp_parse()
 * or sdp_dup() and released with sdp_free().  It owns copies of all its text;
 * nothing points into the caller's input.
 */
#ifndef TOLLGATE_MEDIA_SDP_H
#define TOLLGATE_MEDIA_SDP_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

#define SDP_MAX_LEN     (64 * 1024) /* bytes of SDP text */
#define SDP_MAX_LINES   256         /* lines in all, session and media */
#define SDP_MAX_LINE    1024        /* bytes per line, type and '=' included, EOL not */
#define SDP_MAX_MEDIA   16          /* m= sections */
#define SDP_MAX_FMTS    64          /* formats on one m= line */
#define SDP_MAX_CRYPTO  16          /* a=crypto lines per media section */
#define SDP_TOKEN_MAX   32          /* bytes of media type, proto, encoding name, with NUL */
#define SDP_ADDR_MAX    256         /* bytes of an address (IP literal or FQDN), with NUL */

#define SDP_SESSION     (-1)        /* index for the session level in sdp_set_conn/_dir */

enum sdp_dir {
	SDP_SENDRECV = 0,
	SDP_SENDONLY,
	SDP_RECVONLY,
	SDP_INACTIVE,
};

/* A connection address from c= (or from o=, or the address part of a=rtcp).
 * Plain data, no pointers. */
struct sdp_conn {
	bool present;
	int family;                  /* 4 (IP4), 6 (IP6), 0 for another addrtype */
	char addr[SDP_ADDR_MAX];     /* address without "/ttl/count"; may be an FQDN */
};

/* One RTP payload type of an m= line, in m= order.  The encoding comes from
 * a=rtpmap, else from the static table of RFC 3551 (0 PCMU, 8 PCMA, 9 G722,
 * 18 G729 ...); encoding "" and clock 0 when neither knows it. */
struct sdp_pt {
	int pt;                          /* 0-127 */
	char encoding[SDP_TOKEN_MAX];    /* as written, "PCMU", "telephone-event", "opus" */
	unsigned clock;                  /* Hz */
	unsigned channels;               /* 1 when absent */
	const char *fmtp;                /* parameters of a=fmtp, into the lines; NULL if none */
};

/* One a=crypto line (RFC 4568): the tag, and the value after "a=crypto:"
 * ("1 AES_CM_128_HMAC_SHA1_80 inline:...") pointing into the lines; media/
 * srtp_suite.c parses the rest. */
struct sdp_crypto {
	unsigned long tag;
	const char *value;
};

/* One line; owned by its array.  val is a heap string, without EOL. */
struct sdp_line {
	char type;           /* 'v', 'o', 'm', 'a' ... */
	unsigned char eol;   /* private: ending as received (see sdp.c) */
	char *val;           /* text after "<type>=" */
};

/* One m= section.  Owned by struct sdp.  lines[0] is the m= line. */
struct sdp_media {
	struct sdp_line *lines;
	size_t nlines;
	size_t cap;                      /* private */

	/* views (see the top of this file) */
	char type[SDP_TOKEN_MAX];        /* "audio", "video", "image" ... */
	unsigned port;                   /* 0-65535; 0 = stream rejected or disabled */
	unsigned port_count;             /* the "/count" of the m= line, 1 when absent */
	char proto[SDP_TOKEN_MAX];       /* "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "udptl" */
	bool rtp;                        /* proto is an RTP profile: formats are payload types */
	bool secure;                     /* proto is SAVP or SAVPF */
	size_t nfmts;                    /* formats on the m= line, RTP or not */
	struct sdp_pt pts[SDP_MAX_FMTS]; /* when rtp: one per format, m= order */
	int telephone_event;             /* PT of the first telephone-event, -1 when none */
	struct sdp_conn conn;            /* media c=, else the session c= */
	unsigned rtcp_port;              /* a=rtcp port, 0 when absent */
	struct sdp_conn rtcp_conn;       /* a=rtcp address, present only when given */
	bool rtcp_mux;                   /* a=rtcp-mux */
	enum sdp_dir dir;                /* media attribute, else session, else sendrecv */
	bool dir_explicit;               /* dir came from a media-level attribute */
	unsigned ptime;                  /* a=ptime in ms (fraction dropped), 0 when absent */
	size_t ncrypto;
	struct sdp_crypto crypto[SDP_MAX_CRYPTO];
};

/* Owned as described at the top of this file. */
struct sdp {
	struct sdp_line *lines;          /* session level, lines[0] is v= */
	size_t nlines;
	size_t cap;                      /* private */
	struct sdp_media *media;         /* media sections in order */
	size_t nmedia;
	char *tail;                      /* private: trailing blank lines, as received */
	unsigned char eol;               /* private: ending of new lines */

	/* views */
	char sess_id[SDP_TOKEN_MAX];     /* o= sess-id, digits */
	char sess_version[SDP_TOKEN_MAX];/* o= sess-version, digits */
	struct sdp_conn origin;          /* o= unicast-address */
	struct sdp_conn conn;            /* session-level c= */
	enum sdp_dir dir;                /* session-level direction, sendrecv when absent */
	bool dir_explicit;
};

/* Parse an SDP body.  0 and *out; -EINVAL with err (when errsz > 0);
 * -ENOMEM. */
int sdp_parse(const char *text, size_t len, struct sdp **out, char *err, size_t errsz);

void sdp_free(struct sdp *s);

/* Deep copy.  0, -ENOMEM. */
int sdp_dup(struct sdp **out, const struct sdp *s);

/* Append the SDP text to out.  0, -ENOMEM. */
int sdp_print(const struct sdp *s, struct buf *out);

/* --- helpers ----------------------------------------------------------- */

const char *sdp_dir_name(enum sdp_dir d);           /* "sendrecv" ... */

/* The view of payload type pt in media section m, NULL if not on its m= line. */
const struct sdp_pt *sdp_media_pt(const struct sdp_media *m, int pt);

/* True when the section puts the call on hold: direction sendonly or
 * inactive, or the connection address 0.0.0.0 (RFC 2543 style). */
bool sdp_media_on_hold(const struct sdp_media *m);

/* Map a codec name of `voice class codec` (g711ulaw, g711alaw, g722-64,
 * g729r8, g729br8, opus) to its encoding name and clock rate; any other name
 * is taken as an encoding name with any clock (clock 0).  Never NULL. */
const char *sdp_codec_encoding(const char *name, unsigned *clock);

/* --- rewriters (all: 0, -EINVAL for a bad argument or index, -E2BIG when a
 * limit would be exceeded, -ENOMEM; on error the SDP is unchanged) --------- */

/* Set the c= address of the session (idx SDP_SESSION) or of media section
 * idx (its first c= line is replaced and any further ones removed; one is
 * added when it has none).  addr is an IPv4 or IPv6 literal; the addrtype
 * follows it. */
int sdp_set_conn(struct sdp *s, int idx, const char *addr);

/* Set the o= unicast-address (and its addrtype): topology hiding. */
int sdp_set_origin_addr(struct sdp *s, const char *addr);

/* Set the port of media section idx (0-65535); a "/count" is dropped. */
int sdp_set_port(struct sdp *s, size_t idx, unsigned port);

/* Set a=rtcp of media section idx to port (1-65535) with address addr (an
 * IP literal, or NULL for none); port 0 removes a=rtcp. */
int sdp_set_rtcp(struct sdp *s, size_t idx, unsigned port, const char *addr);

/* Add or remove a=rtcp-mux in media section idx. */
int sdp_set_rtcp_mux(struct sdp *s, size_t idx, bool on);

/* Set the proto of media section idx ("RTP/AVP", "RTP/SAVP" ...): a token of
 * letters, digits and '/', '.', '_', '-'. */
int sdp_set_proto(struct sdp *s, size_t idx, const char *proto);

/* Remove the a=crypto lines of media section idx with this tag, or all of
 * them when tag < 0.  Removing none is not an error. */
int sdp_remove_crypto(struct sdp *s, size_t idx, long tag);

/* Append "a=crypto:<value>" to media section idx; value is "<tag> <suite>
 * <key-params> [<session-params>]" as media/srtp_suite.c emits it. */
int sdp_add_crypto(struct sdp *s, size_t idx, const char *value);

/* Set the direction of the session (idx SDP_SESSION: the session attribute
 * is set and every media-level one removed, so all sections inherit it) or
 * of media section idx (its own attribute). */
int sdp_set_dir(struct sdp *s, int idx, enum sdp_dir dir);

/* Keep on the m= line of RTP media section idx only the payload types whose
 * encoding one of prefs[0..n) names (see sdp_codec_encoding), ordered by
 * prefs (the offer's order among equals), then every telephone-event in
 * its order; the a=rtpmap, a=fmtp and a=rtcp-fb lines of dropped types go
 * too.  Returns the number of payload types kept other than telephone-event,
 * -ENOENT (SDP unchanged) when none matches, -EINVAL when the section is not
 * RTP. */
int sdp_filter_codecs(struct sdp *s, size_t idx, const char *const *prefs, size_t n);

/* Add one to the o= sess-version (a decimal string of any length). */
int sdp_bump_version(struct sdp *s);

#endif
