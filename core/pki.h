/* pki.h - loading and checking a trustpoint's certificate, key, CA and CRL
 * files with GnuTLS (layer 6: runtime).
 *
 * pki_trustpoint_load() reads the files named by a `crypto pki trustpoint`
 * block (certificate file, private-key file, ca-certificate file, crl file),
 * checks them and returns a description for the show commands together with
 * the GnuTLS objects for later use by TLS credentials:
 *   - certificate file: PEM or DER; a PEM file may hold a chain, leaf first
 *     then intermediates (in any order);
 *   - private-key file: PEM or DER, RSA or EC (PKCS#1, SEC1 or PKCS#8,
 *     unencrypted); refused when group or others may read it; must match the
 *     leaf certificate;
 *   - ca-certificate file: a PEM bundle or one DER certificate; the chain must
 *     build from the leaf through the certificate file's intermediates to one
 *     of these (signatures verified at each step);
 *   - crl file: PEM or DER; its signature must verify against a CA of the
 *     trustpoint (ca-certificate file or chain).
 * Dates (expired / not yet valid), an expired CRL and a revoked leaf are
 * warnings (PKI_W_* in pki_tp_info.warnings), not load failures.
 *
 * The private key is kept in memory only (pki_tp_info.key) and is never
 * printed or copied into the description fields.
 */
#ifndef TOLLGATE_PKI_H
#define TOLLGATE_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/config.h"

#define PKI_DN_LEN 512
#define PKI_ERR_LEN 768 /* a good size for the err buffers below */

/* Description of one certificate (plain data). */
struct pki_cert_info {
	char subject[PKI_DN_LEN];    /* RFC 4514: "CN=sbc.example.com,O=Example" */
	char issuer[PKI_DN_LEN];
	char cn[256];                /* subject common name, "" if none */
	char serial[80];             /* hex, upper case, no leading 00: "1001" */
	time_t not_before, not_after;
	long days_left;              /* whole days until not_after; negative once expired */
	bool expired, not_yet_valid; /* at load time */
	bool is_ca, self_signed;
	char key_type[16];           /* "RSA", "EC", "Ed25519" ... */
	unsigned key_bits;
	char curve[24];              /* EC only: "SECP384R1" */
	char sig_alg[32];            /* "RSA-SHA256" */
	char sha256[96];             /* "AB:CD:..." (32 bytes) */
	char crl_dp[256];            /* first CRL distribution point URI, "" if none */
};

/* Warning flags (pki_tp_info.warnings). */
#define PKI_W_EXPIRED          0x001 /* identity certificate expired */
#define PKI_W_NOT_YET_VALID    0x002 /* identity certificate not yet valid */
#define PKI_W_CHAIN_EXPIRED    0x004 /* an intermediate or CA certificate is out of date */
#define PKI_W_CRL_EXPIRED      0x008 /* CRL next update is in the past */
#define PKI_W_REVOKED          0x010 /* identity certificate revoked by the CRL */
#define PKI_W_CHAIN_UNCHECKED  0x020 /* identity certificate but no ca-certificate file */
#define PKI_W_INCOMPLETE       0x040 /* certificate without key file, or key without certificate */

/* A loaded trustpoint.  Ownership: everything inside is owned by the struct
 * and released by pki_tp_info_free(); callers may keep the GnuTLS objects
 * only as long as the struct lives. */
struct pki_tp_info {
	char name[CFG_NAME_LEN];

	bool has_cert;                    /* identity certificate loaded */
	struct pki_cert_info cert;
	size_t n_chain;                   /* intermediates from the certificate file */
	struct pki_cert_info *chain;
	size_t n_ca;                      /* certificates from the ca-certificate file */
	struct pki_cert_info *ca;

	bool chain_ok;                    /* built and verified to a CA of the ca file */
	char chain_anchor[PKI_DN_LEN];    /* subject of that CA */

	bool has_key;
	char key_type[16];                /* "RSA", "EC" */
	unsigned key_bits;

	bool has_crl;
	char crl_issuer[PKI_DN_LEN];
	time_t crl_this_update, crl_next_update; /* next_update 0 if absent */
	unsigned crl_revoked;             /* entries in the CRL */

	unsigned warnings;                /* PKI_W_* */
	char warn_text[PKI_ERR_LEN];      /* the warnings as lines, '\n'-separated */

	/* runtime objects (owned) */
	gnutls_x509_crt_t *crts;          /* leaf then intermediates, n_crts = has_cert + n_chain */
	size_t n_crts;
	gnutls_x509_crt_t *cas;           /* n_ca */
	gnutls_x509_crl_t crl;            /* NULL if none */
	gnutls_x509_privkey_t key;        /* NULL if none; never printed */
};

/* Load and check tp's files.  On success returns 0 and *out (free with
 * pki_tp_info_free()).  On failure returns a negative errno (-ENOENT,
 * -EACCES, -EINVAL, -EPERM for a readable key, -ENOMEM) with *out NULL and
 * err holding one line without a trailing newline, e.g.
 *   cannot open /etc/tollgate/sbc.pem: No such file or directory
 *   private key /etc/tollgate/sbc.key is readable by others (mode 0644); chmod 600 it
 *   private key does not match certificate
 *   missing intermediate (issuer CN=Example Intermediate not found)
 *   unknown CA (CN=Other Root is not in /etc/tollgate/ca.pem)
 * A trustpoint with no files configured loads as an empty description. */
int pki_trustpoint_load(const struct cfg_trustpoint *tp, struct pki_tp_info **out,
			char *err, size_t errsz);

void pki_tp_info_free(struct pki_tp_info *info);

/* Describe one certificate (fills every field of *ci from crt, now = time
 * used for days_left / expired).  Returns 0 or a negative errno. */
int pki_cert_describe(gnutls_x509_crt_t crt, time_t now, struct pki_cert_info *ci);

/* "10:42:15 UTC Oct 30 2023" (IOS form) into buf. */
const char *pki_time_str(time_t t, char *buf, size_t bufsz);

#endif
