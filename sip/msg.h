/* msg.h - SIP messages (RFC 3261): parse, stream framing, views of the headers
 * a B2BUA needs, build, print (layer 3, no I/O).
 *
 * Parsing: sip_msg_parse() takes one whole message (a UDP datagram, or a
 * message cut from a stream by sip_stream_frame()).  It checks the start line,
 * every header the views below cover, the presence of the headers RFC 3261
 * requires (Via, From, To, Call-ID, CSeq; Max-Forwards is not required, as
 * RFC 4475 expects), the CSeq method against the request method, and the
 * Content-Length against the body.  Errors are -EINVAL with a one-line reason
 * in err ("malformed Via header", "Content-Length 500 exceeds body 20",
 * "too many headers (limit 128)", "message larger than 64 KiB" ...).
 * Unknown methods, unknown headers and unknown URI schemes are kept as text.
 * A Content-Length smaller than the rest of a datagram truncates the body
 * (RFC 3261 18.3); when absent on a datagram the body is the rest.
 *
 * Answering malformed requests: sip_msg_parse_partial() behaves as
 * sip_msg_parse() but, when the input is a request whose method and at least
 * one Via header field could be read (the header section itself being
 * well-formed lines), also returns on -EINVAL the message as far as it was
 * read, with `malformed` set and error_status 400 (505 for another SIP
 * version): sip_msg_new_response(m, m->error_status, err, NULL) then copies
 * the Via, From, To, Call-ID and CSeq fields present, as text.  Views in a
 * malformed message may be incomplete (NULL or empty).  Otherwise (a
 * response, no Via, unreadable lines) *out is NULL and the input must be
 * dropped (RFC 4475: bigcode, insuf-like messages without Via).
 *
 * Headers: kept in order as received, as name/value pairs.  Compact names
 * (i m e l f t v k c s o u r b x y j d a) and known names in any case are
 * stored and printed under their canonical long name ("v" and "VIA" become
 * "Via", "call-id" becomes "Call-ID"); unknown names are kept as received.
 * Values are unfolded (a CRLF followed by white space becomes one space) and
 * trimmed; the text is otherwise as received.  Lookup by name is
 * case-insensitive and accepts compact names.  A header field line holding a
 * comma-separated list stays one entry in hdrs[]; the views split it.
 *
 * Views: the structured fields below (via, from, to, call_id, cseq, contact,
 * ...) are derived from hdrs[] by the parser and again by every function that
 * changes headers, so they always agree with hdrs[].  Do not edit views or
 * hdrs[] directly: use the sip_msg_hdr_* functions.  Pointers into a message
 * (views, header values) stay valid until the next change to that message.
 *
 * Ownership: struct sip_msg is a heap object owned by the caller of
 * sip_msg_parse/_partial/new_request/new_response/dup and released with
 * sip_msg_free().  It owns a copy of all its text (start line, headers, body)
 * and all its views; nothing points into the caller's input.
 */
#ifndef TOLLGATE_SIP_MSG_H
#define TOLLGATE_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/uri.h"

struct buf;

#define SIP_MSG_MAX (64 * 1024)  /* bytes per message, start line to end of body */
#define SIP_MAX_HEADERS 128      /* header fields per message */
#define SIP_MAX_HDR_LINE 8192    /* bytes per header field, after unfolding */
#define SIP_MAX_LIST 64          /* elements of one view list (Via, Contact, Route ...) */

enum sip_method {
	SIP_METHOD_UNKNOWN = 0,  /* the text is in sip_msg.method_name */
	SIP_METHOD_INVITE,
	SIP_METHOD_ACK,
	SIP_METHOD_BYE,
	SIP_METHOD_CANCEL,
	SIP_METHOD_OPTIONS,
	SIP_METHOD_REGISTER,
	SIP_METHOD_INFO,
	SIP_METHOD_UPDATE,
	SIP_METHOD_PRACK,
	SIP_METHOD_REFER,
	SIP_METHOD_NOTIFY,
	SIP_METHOD_SUBSCRIBE,
	SIP_METHOD_MESSAGE,
};

/* One header field.  Owned by sip_msg.hdrs[]; value is a heap copy, and so is
 * name when name_owned (an unknown name; a known one points to the static
 * canonical name). */
struct sip_hdr {
	char *name;   /* canonical long name for known headers, else as received */
	char *value;  /* unfolded, trimmed; NUL-terminated */
	size_t value_len; /* bytes of value: a quoted string may hold a NUL (RFC 4475 intmeth) */
	bool name_owned;  /* internal: name is a heap copy */
	int hid;          /* internal: the header's identity (sip/msg_int.h) */
};

/* One Via value ("SIP/2.0/UDP host:port;branch=..").  Owned by sip_msg.via[];
 * every pointer is a heap string owned by this struct (params by the array). */
struct sip_via {
	char *transport;   /* "UDP", "TCP", "TLS", "SCTP", "WS", ... upper-cased */
	char *host;        /* sent-by host; IPv6 as "[...]" */
	int port;          /* 0 when absent */
	const char *branch;   /* value of branch (points into params), NULL if absent */
	const char *received; /* value of received, NULL if absent */
	bool rport;        /* rport present */
	int rport_value;   /* its value, 0 when given without one */
	struct sip_param *params; /* every parameter in order, branch etc. included */
	size_t nparams;
};

/* A name-addr or addr-spec with header parameters: From, To, Contact, Route,
 * Record-Route, Reply-To.  Owned by the message view that holds it; all
 * strings and uri are heap objects owned by this struct. */
struct sip_nameaddr {
	char *display;         /* display name: a quoted string's content without the
	                        * quotes, backslash escapes kept, or the token(s) as
	                        * received; NULL if none */
	char *uri_text;        /* the URI text as received */
	struct sip_uri *uri;   /* parsed; NULL for a scheme other than sip/sips/tel */
	const char *tag;       /* value of tag (points into params), NULL if absent */
	struct sip_param *params; /* header parameters after the URI, in order */
	size_t nparams;
};

/* A list of name-addrs (Contact, Route, Record-Route), comma lists split,
 * across all header fields of that name in order.  Owned by sip_msg. */
struct sip_nameaddr_list {
	struct sip_nameaddr *v;
	size_t n;
};

/* A list of tokens (Supported, Require, Proxy-Require, Unsupported, Allow).
 * Owned by sip_msg; each string a heap copy. */
struct sip_token_list {
	char **v;
	size_t n;
};

/* Owned as described at the top of this file. */
struct sip_msg {
	/* start line */
	bool request;               /* request, else response */
	enum sip_method method;     /* request method (SIP_METHOD_UNKNOWN for others) */
	char *method_name;          /* request method text as received; NULL for a response */
	char *ruri_text;            /* Request-URI text; NULL for a response */
	struct sip_uri *ruri;       /* parsed; NULL when not sip/sips/tel (answer 416) */
	int status;                 /* response code 100-699; 0 for a request */
	char *reason;               /* reason phrase, may be ""; NULL for a request */
	bool malformed;             /* set only by sip_msg_parse_partial() on error */
	int error_status;           /* with malformed: the status to answer, 400, or
	                             * 505 for a SIP version other than 2.0 */

	/* headers in order */
	struct sip_hdr *hdrs;
	size_t nhdrs;
	size_t hdrs_cap;            /* slots allocated in hdrs (internal) */

	/* views (see above); absent ones are NULL / 0 / -1 */
	struct sip_via *via;        /* all Via values, top first */
	size_t nvia;
	struct sip_nameaddr *from;
	struct sip_nameaddr *to;
	const char *call_id;        /* points into hdrs[] */
	uint32_t cseq;              /* CSeq number (valid when cseq_method_name) */
	enum sip_method cseq_method;
	const char *cseq_method_name; /* method text of CSeq, NULL when no CSeq */
	struct sip_nameaddr_list contact;
	bool contact_star;          /* "Contact: *" */
	struct sip_nameaddr_list route;
	struct sip_nameaddr_list record_route;
	int max_forwards;           /* -1 when absent */
	long expires;               /* Expires header (delta-seconds), -1 when absent */
	const char *content_type;   /* whole value, points into hdrs[]; NULL if absent */
	long content_length;        /* as received, -1 when absent (printing recomputes it) */
	struct sip_token_list supported;
	struct sip_token_list require;
	struct sip_token_list proxy_require;

	/* body: heap copy, NUL-terminated for convenience, may contain NULs */
	char *body;                 /* NULL when empty */
	size_t body_len;

	unsigned refs;              /* owners besides the first (sip_msg_ref) */
};

/* Parse one whole message.  0 and *out; -EINVAL with err (when errsz > 0);
 * -ENOMEM. */
int sip_msg_parse(const char *data, size_t len, struct sip_msg **out, char *err, size_t errsz);

/* As sip_msg_parse(); on -EINVAL *out may be a partial request with
 * malformed = true that can be answered 400 (see above), else NULL. */
int sip_msg_parse_partial(const char *data, size_t len, struct sip_msg **out, char *err,
			  size_t errsz);

/* Release one owner's hold; the last one frees the message. */
void sip_msg_free(struct sip_msg *m);

/* One more owner for m (a received request kept by its server transaction and
 * by its call, instead of a deep copy each): every owner calls sip_msg_free().
 * A message with more than one owner must not be changed: take a copy with
 * sip_msg_dup() to edit it.  Not thread-safe (the loop thread's messages). */
struct sip_msg *sip_msg_ref(const struct sip_msg *m);

/* Deep copy (the malformed flag included).  0, -ENOMEM. */
int sip_msg_dup(struct sip_msg **out, const struct sip_msg *m);

/* Stream framing (TCP, TLS).  data[0..len) is what has been received.
 * *skip gets the number of leading CRLF bytes (RFC 5626 keep-alive: each
 * "\r\n\r\n" is a ping to answer with "\r\n", a lone "\r\n" a pong); the
 * caller consumes them.  Returns the length of the whole message starting at
 * data + *skip (headers plus Content-Length body), 0 when more bytes are
 * needed, -EINVAL when the header block is unusable (no Content-Length, a bad
 * or repeated Content-Length, a line that is not a header) and -EMSGSIZE when
 * the message would exceed SIP_MSG_MAX.  After an error the stream cannot be
 * resynchronised: close it. */
long sip_stream_frame(const char *data, size_t len, size_t *skip);

/* Print the message (start line, headers in order, a correct Content-Length
 * in place of the stored one or at the end, blank line, body) appended to out.
 * 0, -ENOMEM. */
int sip_msg_print(const struct sip_msg *m, struct buf *out);

/* A new request with only the request line.  ruri must be a URI the parser
 * accepts (sip/sips/tel or another absoluteURI).  For SIP_METHOD_UNKNOWN use
 * sip_msg_new_request_name().  0, -EINVAL, -ENOMEM. */
int sip_msg_new_request(struct sip_msg **out, enum sip_method method, const char *ruri);
int sip_msg_new_request_name(struct sip_msg **out, const char *method, const char *ruri);

/* A response to req (RFC 3261 8.2.6): copies every Via (in order), From, To,
 * Call-ID and CSeq; adds ";tag=to_tag" to To when to_tag is not NULL and To has
 * no tag yet.  reason NULL = sip_reason_phrase(status).  status 100-699.
 * Works on a malformed partial request.  0, -EINVAL, -ENOMEM. */
int sip_msg_new_response(struct sip_msg **out, const struct sip_msg *req, int status,
			 const char *reason, const char *to_tag);

/* Header access.  name is case-insensitive, compact forms accepted.
 * sip_msg_hdr: value of the idx-th (0-based) field of that name, or NULL. */
const char *sip_msg_hdr(const struct sip_msg *m, const char *name, size_t idx);
size_t sip_msg_hdr_count(const struct sip_msg *m, const char *name);

/* Changing headers.  name is stored canonically; value is copied as given
 * (no CR/LF allowed: -EINVAL).  A value that does not parse for a header with
 * a view (Via, From, To, CSeq, Contact, Max-Forwards ...) is refused with
 * -EINVAL and the message is unchanged.  -ENOENT when idx does not exist;
 * -E2BIG beyond SIP_MAX_HEADERS; -ENOMEM. */
int sip_msg_hdr_add(struct sip_msg *m, const char *name, const char *value);   /* at the end */
int sip_msg_hdr_push(struct sip_msg *m, const char *name, const char *value);  /* before the
                                           first field of that name (top Via), else at the end */
int sip_msg_hdr_insert(struct sip_msg *m, size_t pos, const char *name, const char *value);
int sip_msg_hdr_replace(struct sip_msg *m, const char *name, size_t idx, const char *value);
int sip_msg_hdr_remove(struct sip_msg *m, const char *name, size_t idx);
int sip_msg_hdr_remove_all(struct sip_msg *m, const char *name); /* 0 even when none */
int sip_msg_hdr_set(struct sip_msg *m, const char *name, const char *value); /* remove_all+add */
/* printf-style add, for "CSeq: %u INVITE" and the like. */
int sip_msg_hdr_addf(struct sip_msg *m, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Replace the body (copied; len 0 removes it) and set Content-Type to
 * content_type (NULL removes Content-Type).  Content-Length is printed from
 * body_len.  0, -EINVAL (more than SIP_MSG_MAX), -ENOMEM. */
int sip_msg_set_body(struct sip_msg *m, const void *body, size_t len, const char *content_type);

/* Replace the Request-URI of a request.  0, -EINVAL, -ENOMEM. */
int sip_msg_set_ruri(struct sip_msg *m, const char *ruri);

/* Parse one name-addr / addr-spec with parameters (a From/To/Contact value
 * element).  0 and *out (owned by the caller, sip_nameaddr_free), -EINVAL. */
int sip_nameaddr_parse(struct sip_nameaddr **out, const char *s, size_t len);
void sip_nameaddr_free(struct sip_nameaddr *na);
/* Print "display" <uri>;params (display between quotes as stored).  0, -ENOMEM. */
int sip_nameaddr_print(const struct sip_nameaddr *na, struct buf *out);

/* Value of parameter name (case-insensitive) in params[0..n): NULL when
 * absent, "" when present without a value. */
const char *sip_param_get(const struct sip_param *params, size_t n, const char *name);

/* Methods and reasons. */
const char *sip_method_name(enum sip_method m);      /* "INVITE" .. ; "UNKNOWN" */
enum sip_method sip_method_from_str(const char *s);  /* case-sensitive; UNKNOWN */
const char *sip_reason_phrase(int code);             /* RFC 3261 21 and common others;
                                                        "Unknown" for unlisted codes */

/* Random identifiers from getrandom(): letters and digits, NUL-terminated.
 * tag: 16 characters (outsz >= 17); branch: "z9hG4bK" + 20 (outsz >= 28);
 * call-id: 24 characters (outsz >= 25), the caller appends "@host" if wanted.
 * 0, -ENOSPC, or the getrandom() errno. */
#define SIP_TAG_SIZE 17
#define SIP_BRANCH_SIZE 28
#define SIP_CALLID_SIZE 25
int sip_random_tag(char *out, size_t outsz);
int sip_random_branch(char *out, size_t outsz);
int sip_random_callid(char *out, size_t outsz);

#endif
