/* tls.h - SIP signalling TLS on GnuTLS (layer 4: transport): credentials and
 * policy compiled at commit, non-blocking sessions on a connected fd, and
 * diagnostics that give every failed handshake one precise reason.
 *
 * Three pieces:
 *   1. struct tls_policy (sip/tls_policy.c): built from the configuration by
 *      tls_policy_build() at commit.  It holds the GnuTLS certificate
 *      credentials (our certificate with its whole chain and key, the CA list
 *      for verifying servers, the client-vtp CA list for verifying clients,
 *      the CRL) and the priority cache (versions, cipher suites in order,
 *      curves).  Reference-counted: a connection holds the policy it started
 *      with, so a re-commit never disturbs a connection in progress.
 *   2. struct tls_conn (sip/tls.c): one TLS session on a connected,
 *      non-blocking socket owned by the caller.  tls_session_handshake() is a
 *      step function for an event loop: 0 done, -EAGAIN (see
 *      tls_session_want()), or a negative errno with a reason.
 *   3. Diagnostics (sip/tls_diag.c): the failure reason strings, the
 *      description of a peer certificate, the ClientHello parser used to tell
 *      "no shared cipher" from "no shared curve", and the
 *      %SIP-2-TLS_HANDSHAKE_FAILED log line.
 *   4. Failure detail (sip/tls_fail.c, sip/tls_fail.h): what is kept with
 *      each failed handshake (policy, SNI, offers, ServerHello, alerts, the
 *      peer's leaf certificate, the verification check that failed) for
 *      `show sip-ua connections tcp tls detail` and %SIP-2-TLS_CERT_DETAIL.
 *
 * Failure reasons, exactly (docs/tls-troubleshooting.md explains each):
 *   certificate expired | certificate not yet valid | unknown CA |
 *   missing intermediate (issuer <DN> not found) |
 *   name mismatch: expected X, certificate has SAN [a, b] CN c | revoked |
 *   no shared cipher | no shared curve | protocol version |
 *   client certificate required but not sent | peer sent alert: <name> |
 *   connection closed by peer during handshake | <gnutls_strerror text>
 *
 * Threads: policies and connections belong to the thread that runs the event
 * loop; only the reference count and the key-log file are thread-safe.
 */
#ifndef TOLLGATE_TLS_H
#define TOLLGATE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/config.h"
#include "sip/tls_fail.h"

#define TLS_REASON_LEN 512
#define TLS_DN_LEN 512
#define TLS_SAN_LEN 512
#define TLS_NAME_LEN 256
#define TLS_INFO_MAX_CHAIN 6

/* ------------------------------------------------------------------ */
/* 1. Policy                                                            */

struct tls_policy;

/* Compile a policy.  prof may be NULL (crypto signaling ... trustpoint TP);
 * trustpoint and client_vtp may be NULL or "" to take them from prof.
 * The sip-ua `transport tcp tls` version, prof's tls-cipher class (default:
 * the eight BYOC suites) and prof's ecdh-curve list (default secp256r1
 * secp384r1 secp521r1 x25519) make the priority cache.  A client certificate
 * is requested (and required) when client_vtp is set or prof has
 * `cn-san validate client|bidirectional`.
 * Returns 0 and *out (one reference, release with tls_policy_unref()), or a
 * negative errno with *out NULL and one line in err, e.g.
 *   trustpoint SBC is not configured
 *   voice class tls-cipher 7 is not configured
 *   tls-cipher 7 has no TLS 1.2 cipher suite but transport tcp tls v1.2 is set */
int tls_policy_build(const struct cfg *c, const struct cfg_tls_profile *prof,
		     const char *trustpoint, const char *client_vtp,
		     bool cn_san_validate_server, struct tls_policy **out,
		     char *err, size_t errsz);
struct tls_policy *tls_policy_ref(struct tls_policy *p); /* returns p */
void tls_policy_unref(struct tls_policy *p);             /* NULL is fine */

/* What was built, for show commands and tests.  The strings live as long as
 * the policy. */
const char *tls_policy_priority_string(const struct tls_policy *p);
/* The suites the cache really contains, in order: "TLS_ECDHE_RSA_WITH_...,
 * TLS_RSA_WITH_..." (IANA names, ", "-separated). */
const char *tls_policy_suites(const struct tls_policy *p);
/* "" or a remark, e.g. that GnuTLS added suites that were not configured. */
const char *tls_policy_note(const struct tls_policy *p);
const char *tls_policy_trustpoint(const struct tls_policy *p);
bool tls_policy_requests_client_cert(const struct tls_policy *p);
bool tls_policy_validates_server_name(const struct tls_policy *p);
bool tls_policy_validates_client_name(const struct tls_policy *p);
bool tls_policy_has_certificate(const struct tls_policy *p);
/* The policy's groups in order, "secp256r1, secp384r1, ...". */
void tls_policy_groups_text(const struct tls_policy *p, char *buf, size_t sz);
/* The tls-profile tag the policy was built from, "" for crypto signaling. */
const char *tls_policy_profile(const struct tls_policy *p);
/* Issuer DN of the CRL checked under revocation-check crl when verifying a
 * server (server false) or a client (true), "" if none. */
const char *tls_policy_crl_issuer(const struct tls_policy *p, bool server);

/* Used by sip/tls.c. */
gnutls_certificate_credentials_t tls_policy_cred(const struct tls_policy *p, bool server);
gnutls_priority_t tls_policy_prio(const struct tls_policy *p);
/* Whether the suite with IANA id[2] is in the cache; *needs_group tells
 * whether it needs an (EC)DHE group (ECDHE suites, every TLS 1.3 suite). */
bool tls_policy_has_suite(const struct tls_policy *p, const uint8_t id[2], bool *needs_group);
bool tls_policy_has_group(const struct tls_policy *p, uint16_t group); /* IANA group id */
bool tls_policy_has_version(const struct tls_policy *p, uint16_t version); /* 0x0303 = TLS 1.2 */
/* With cn-san validate client|bidirectional: whether crt carries one of the
 * profile's cn-san names (true when the list is empty); names gets the list
 * as "a, b" for the failure reason. */
/* The cn-san names a client certificate must carry, "a or b", "" if none. */
void tls_policy_client_names(const struct tls_policy *p, char *buf, size_t sz);
bool tls_policy_client_name_ok(const struct tls_policy *p, gnutls_x509_crt_t crt,
			       char *names, size_t namesz);

/* ------------------------------------------------------------------ */
/* 2. Sessions                                                          */

struct tls_conn;

enum tls_want { TLS_WANT_NONE = 0, TLS_WANT_READ, TLS_WANT_WRITE };

/* New session on fd (connected, non-blocking; not owned: the caller closes
 * it after tls_session_free()).  server: we answer the handshake.  name: as
 * a client, the expected server FQDN (SNI, and checked against the
 * certificate when the policy validates server names); as a server, ignored.
 * Takes a reference on p.  Returns 0 and *out, or -ENOMEM / -EINVAL. */
int tls_session_new(struct tls_policy *p, bool server, int fd, const char *name,
		    struct tls_conn **out);
void tls_session_free(struct tls_conn *c); /* drops the policy reference */

/* The transport's Connection ID, used in debug lines. */
void tls_session_set_id(struct tls_conn *c, unsigned id);

/* One step: 0 = handshake complete, -EAGAIN = call again when
 * tls_session_want() is ready, -EPROTO = failed (tls_session_reason()),
 * -ENOMEM.  After a failure the fatal alert has been sent (best effort). */
int tls_session_handshake(struct tls_conn *c);
enum tls_want tls_session_want(const struct tls_conn *c);

/* > 0 bytes, 0 = peer closed (close_notify or EOF), -EAGAIN, -EPROTO,
 * -ECONNRESET. */
ssize_t tls_session_read(struct tls_conn *c, void *buf, size_t len);
/* Bytes taken from the socket wait in the session (read ahead, or a record
 * not yet returned): read again without waiting for the fd to be readable. */
bool tls_session_buffered(const struct tls_conn *c);
/* A read may still return data: buffered, or the last recv() did not find the
 * socket empty.  False means the next read would only say -EAGAIN. */
bool tls_session_more(const struct tls_conn *c);
/* > 0 bytes written (all of them or a part), -EAGAIN (call again with the
 * SAME buffer and length), -EPIPE, -EPROTO. */
ssize_t tls_session_write(struct tls_conn *c, const void *buf, size_t len);
/* Send close_notify: 0 or -EAGAIN. */
int tls_session_bye(struct tls_conn *c);

/* The handshake failure reason, "" while none. */
const char *tls_session_reason(const struct tls_conn *c);
int tls_session_gnutls_error(const struct tls_conn *c); /* last fatal GnuTLS code, 0 if none */

struct tls_cert_desc {
	char subject[TLS_DN_LEN];
	char issuer[TLS_DN_LEN];
	char cn[TLS_NAME_LEN];
	char sans[TLS_SAN_LEN];   /* "a.example, 192.0.2.1" (DNS, IP, URI) */
	char serial[80];          /* hex, upper case */
	time_t not_before, not_after;
	long days_left;           /* negative once expired */
};

/* Plain data, filled by tls_session_info() at any time (fields of steps
 * not reached stay empty). */
struct tls_conn_info {
	bool server;                 /* direction: true = inbound (we answered) */
	bool established;
	char version[16];            /* "TLSv1.2", "TLSv1.3" */
	char cipher[80];             /* IANA: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" */
	char cipher_gnutls[80];      /* GnuTLS: "ECDHE_RSA_AES_256_GCM_SHA384" */
	char curve[24];              /* "secp384r1", "x25519"; "" without (EC)DHE */
	size_t n_peer;               /* peer chain as sent, leaf first */
	struct tls_cert_desc peer[TLS_INFO_MAX_CHAIN];
	bool cert_request_sent;      /* we sent a CertificateRequest */
	bool cert_request_received;  /* we received one */
	bool cert_sent;              /* we sent a certificate */
	char sni[TLS_NAME_LEN];      /* server: SNI received; client: SNI sent */
	char verify[TLS_REASON_LEN]; /* "ok", "not requested", or the reason */
	char reason[TLS_REASON_LEN]; /* handshake failure reason, "" if none */
	char trustpoint[CFG_NAME_LEN];
};
void tls_session_info(const struct tls_conn *c, struct tls_conn_info *out);
/* Fill d from a session whose handshake failed (or was never started). */
void tls_session_fail_detail(const struct tls_conn *c, struct tls_fail_detail *d);

/* IANA name of a cipher suite id ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
 * "0xC0,0x99" when GnuTLS does not know it. */
void tls_suite_name(const uint8_t id[2], char *buf, size_t sz);
/* cfg-style name of an IANA group id ("secp384r1" for 24), NULL if unknown;
 * a list of them as "secp256r1, x25519" (GREASE left out). */
const char *tls_group_iana_name(uint16_t g);
void tls_groups_text(const uint16_t *g, size_t n, char *buf, size_t sz);
/* "TLSv1.2" for 0x0303 ("SSLv3" .. "TLSv1.3"), "unknown" otherwise. */
const char *tls_version_name(uint16_t v);
/* GnuTLS suite name to IANA (sip/tls_policy.c). */
void tls_iana_name(const char *gnutls_name, char *buf, size_t sz);

/* NSS key log (CLIENT_RANDOM ... and the TLS 1.3 secrets) for Wireshark:
 * path opens (append, mode 0600) the file for every later handshake; NULL
 * or "" stops.  Returns 0 or a negative errno. */
int tls_keylog_set(const char *path);

/* Debug hook for `debug ssl openssl {states | msg | errors}`: handshake
 * messages and states, alerts, errors.  NULL turns it off.  fn must not call
 * back into this module. */
enum tls_debug_kind { TLS_DEBUG_STATE, TLS_DEBUG_MSG, TLS_DEBUG_ERROR };
typedef void (*tls_debug_fn)(enum tls_debug_kind kind, unsigned conn_id, const char *line);
void tls_set_debug(tls_debug_fn fn);

/* ------------------------------------------------------------------ */
/* 3. Diagnostics (pure functions, sip/tls_diag.c)                      */

/* What a ClientHello offered (server side). */
#define TLS_HELLO_MAX 64
struct tls_hello {
	bool parsed;
	uint16_t legacy_version;        /* 0x0303 for TLS 1.2 */
	size_t n_suites, n_groups, n_versions;
	uint8_t suites[TLS_HELLO_MAX][2];
	uint16_t groups[TLS_HELLO_MAX];
	uint16_t versions[8];           /* supported_versions, when sent */
	char sni[TLS_NAME_LEN];
};
/* Parse a ClientHello body (without the 4-byte handshake header).
 * Returns 0 or -EINVAL (truncated or malformed). */
int tls_hello_parse(const uint8_t *p, size_t n, struct tls_hello *h);

/* The reason for a failed verification: status from
 * gnutls_certificate_verify_peers(), the peer's chain as sent (leaf first),
 * expected = the name checked or NULL.  Writes one reason line into buf and
 * returns the alert to send (GNUTLS_A_*). */
int tls_verify_reason(unsigned status, const gnutls_x509_crt_t *chain, size_t n,
		      const char *expected, char *buf, size_t bufsz);

/* "name mismatch: expected X, certificate has SAN [a, b] CN c" */
void tls_name_mismatch(gnutls_x509_crt_t leaf, const char *expected, char *buf, size_t bufsz);

/* Describe a certificate for tls_conn_info. */
void tls_cert_describe(gnutls_x509_crt_t crt, time_t now, struct tls_cert_desc *d);

/* The server-side reason when GnuTLS found nothing in common with the hello:
 * "protocol version", "no shared cipher" or "no shared curve". */
const char *tls_hello_mismatch(const struct tls_policy *p, const struct tls_hello *h);

/* "%SIP-2-TLS_HANDSHAKE_FAILED: Reason: <reason>, Connection ID: N, local
 * address : A:P and remote address : A:P" into buf (no newline). */
void tls_format_failure(const char *reason, unsigned conn_id, const char *local,
			const char *remote, char *buf, size_t bufsz);

/* For struct tls_fail_detail (sip/tls_fail.c): the check that failed, in
 * one line ("validity: ...; chain: ...; revocation: ...; name: ...");
 * names = the name(s) expected or NULL; crl_issuer "" when no CRL;
 * of_client: the certificate is a client's (we are the server). */
void tls_check_text(unsigned status, const gnutls_x509_crt_t *chain, size_t n, const char *names,
		    const char *crl_issuer, const char *trustpoint, bool of_client, time_t now,
		    char *buf, size_t bufsz);
/* What the ClientHello offered: "TLSv1.2, TLSv1.3" and IANA suite names. */
void tls_hello_offers(const struct tls_hello *h, char *vers, size_t versz, char *suites, size_t suitesz);
/* Reset d and fill what the policy tells: trustpoint, profile, name check,
 * expected client names (server), our versions, suites and curves. */
void tls_fail_policy(const struct tls_policy *p, bool server, struct tls_fail_detail *d);
/* The leaf's subject, issuer, CN, SANs (DNS first), serial and dates into d. */
void tls_fail_cert(gnutls_x509_crt_t leaf, struct tls_fail_detail *d);

/* cfg-style curve name ("secp384r1") of a GnuTLS group, "" if none. */
const char *tls_group_cfg_name(gnutls_group_t g);

#endif
