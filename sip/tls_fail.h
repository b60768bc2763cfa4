/* tls_fail.h - what is kept about a failed TLS handshake: plain data, no
 * GnuTLS types, so that the transport's failure list (sip/transport.h) and
 * the show commands can hold and print it.  Filled by
 * tls_session_fail_detail() (sip/tls.c), formatted by sip/tls_fail.c. */
#ifndef TOLLGATE_TLS_FAIL_H
#define TOLLGATE_TLS_FAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TLS_FAIL_NAME 64
/* What was known when a handshake failed, kept with the failure for
 * `show sip-ua connections tcp tls detail` (sip/tls_fail.c).  Fixed size:
 * long strings are truncated.  Never holds key material. */
#define TLS_FAIL_TEXT 160
#define TLS_FAIL_LONG 400
struct tls_fail_detail {
	bool valid;                       /* false: no TLS session was made */
	bool server;                      /* we answered (inbound) */
	char trustpoint[TLS_FAIL_NAME];
	char profile[TLS_FAIL_NAME];       /* voice class tls-profile tag, "" if none */
	bool name_check;                  /* client: cn-san-validate server; server: client names */
	char sni[TLS_FAIL_TEXT];          /* client: SNI sent; server: SNI received */
	char expected[TLS_FAIL_TEXT];     /* the name(s) the certificate had to carry, "" if none */
	bool hello_seen;                  /* the ServerHello was sent / received and accepted */
	char version[16];                 /* of the ServerHello: "TLSv1.2", "" before it */
	char cipher[80];                  /* of the ServerHello (IANA), "" before it */
	char offered_versions[48];        /* client: ours; server: the ClientHello's */
	char offered_ciphers[TLS_FAIL_LONG]; /* client: ours; server: the ClientHello's (IANA) */
	char offered_curves[80];          /* client: ours; server: the ClientHello's groups */
	char our_versions[48];            /* server: ours (shown when nothing was negotiated) */
	char our_ciphers[TLS_FAIL_LONG];
	char our_curves[80];
	bool cr_sent, cr_received;        /* CertificateRequest sent / received */
	bool cert_sent;                   /* we sent a certificate (client, when asked) */
	char alert_received[64];          /* GnuTLS alert name, "" if none */
	char alert_sent[64];
	bool has_cert;                    /* the peer's leaf certificate, when it sent one */
	char subject[TLS_FAIL_TEXT], issuer[TLS_FAIL_TEXT];
	char cn[128];
	char sans[TLS_FAIL_TEXT];         /* DNS names first, up to the field's size */
	char serial[48];
	time_t not_before, not_after;
	unsigned n_chain;                 /* certificates the peer sent */
	char check[TLS_FAIL_LONG];        /* the verification check that failed, "" if none */
};
/* The indented lines of the detail block (no newline), one call of out per
 * line; days are counted from now.  level: where the policy comes from in the
 * configuration ("dial-peer 200 voice-class sip tls-profile"), "" if unknown. */
void tls_fail_lines(const struct tls_fail_detail *d, uint32_t dial_peer, const char *level, time_t now,
		    void (*out)(void *arg, const char *line), void *arg);
/* The certificate line logged after %SIP-2-TLS_HANDSHAKE_FAILED for a
 * verification failure ("Connection ID: N, peer certificate subject ...");
 * returns false (buf untouched) when d has no certificate. */
bool tls_fail_cert_log(const struct tls_fail_detail *d, unsigned conn_id, time_t now,
		       char *buf, size_t bufsz);
#endif
