/* tls_diag.c - TLS diagnostics: the precise reason for a failed
 * verification or negotiation, certificate descriptions, the ClientHello
 * parser and the %SIP-2-TLS_HANDSHAKE_FAILED line.  Pure functions on
 * GnuTLS objects and plain data; see tls.h. */
#include "sip/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/pki.h"

/* Reader over a byte range; every get fails once out of bounds. */
struct rd { const uint8_t *p; size_t n, off; bool bad; };

static unsigned get8(struct rd *r)
{
	if (r->off + 1 > r->n) {
		r->bad = true;
		return 0;
	}
	return r->p[r->off++];
}

static unsigned get16(struct rd *r)
{
	unsigned v = get8(r) << 8;

	return v | get8(r);
}

static const uint8_t *getn(struct rd *r, size_t k)
{
	const uint8_t *q = r->p + r->off;

	if (r->off + k > r->n) {
		r->bad = true;
		return NULL;
	}
	r->off += k;
	return q;
}

static void parse_ext(struct tls_hello *h, unsigned type, const uint8_t *p, size_t n)
{
	struct rd r = { p, n, 0, false };

	if (type == 0) { /* server_name */
		size_t end;

		get16(&r);
		end = r.n;
		while (!r.bad && r.off + 3 <= end) {
			unsigned t = get8(&r), l = get16(&r);
			const uint8_t *name = getn(&r, l);

			if (name && t == 0 && l < sizeof(h->sni)) {
				memcpy(h->sni, name, l);
				h->sni[l] = '\0';
				break;
			}
		}
	} else if (type == 10) { /* supported_groups */
		unsigned l = get16(&r);

		for (unsigned i = 0; i + 1 < l && !r.bad && h->n_groups < TLS_HELLO_MAX; i += 2) {
			unsigned g = get16(&r);

			if (!r.bad)
				h->groups[h->n_groups++] = (uint16_t)g;
		}
	} else if (type == 43) { /* supported_versions */
		unsigned l = get8(&r);

		for (unsigned i = 0; i + 1 < l && !r.bad && h->n_versions < 8; i += 2) {
			unsigned v = get16(&r);

			if (!r.bad)
				h->versions[h->n_versions++] = (uint16_t)v;
		}
	}
}

int tls_hello_parse(const uint8_t *p, size_t n, struct tls_hello *h)
{
	struct rd r = { p, n, 0, false };
	unsigned l;
	const uint8_t *cs;

	memset(h, 0, sizeof(*h));
	h->legacy_version = (uint16_t)get16(&r);
	getn(&r, 32);
	getn(&r, get8(&r));
	l = get16(&r);
	cs = getn(&r, l);
	if (r.bad || !cs || (l & 1))
		return -EINVAL;
	for (unsigned i = 0; i + 1 < l && h->n_suites < TLS_HELLO_MAX; i += 2) {
		h->suites[h->n_suites][0] = cs[i];
		h->suites[h->n_suites++][1] = cs[i + 1];
	}
	getn(&r, get8(&r));
	if (r.bad)
		return -EINVAL;
	if (r.off < r.n) {
		size_t end;

		l = get16(&r);
		end = r.off + l;
		if (r.bad || end > r.n)
			return -EINVAL;
		while (r.off + 4 <= end) {
			unsigned type = get16(&r), el = get16(&r);
			const uint8_t *d = getn(&r, el);

			if (!d || r.off > end)
				return -EINVAL;
			parse_ext(h, type, d, el);
		}
	}
	h->parsed = true;
	return 0;
}

const char *tls_hello_mismatch(const struct tls_policy *p, const struct tls_hello *h)
{
	size_t common = 0, common_no_group = 0;
	bool shared_group = false, shared_version = false;

	for (size_t i = 0; i < h->n_versions; i++)
		shared_version |= tls_policy_has_version(p, h->versions[i]);
	if (!h->n_versions)
		shared_version = tls_policy_has_version(p, h->legacy_version);
	if (!shared_version)
		return "protocol version";

	for (size_t i = 0; i < h->n_suites; i++) {
		bool needs = false;

		if (tls_policy_has_suite(p, h->suites[i], &needs)) {
			common++;
			common_no_group += !needs;
		}
	}
	for (size_t i = 0; i < h->n_groups; i++)
		shared_group |= tls_policy_has_group(p, h->groups[i]);
	if (common && !common_no_group && !shared_group)
		return "no shared curve";
	return "no shared cipher";
}

/* Subject alternative names as "a, b" (DNS names, IP addresses, URIs). */
static void san_list(gnutls_x509_crt_t crt, char *out, size_t outsz)
{
	char buf[TLS_NAME_LEN];

	out[0] = '\0';
	for (unsigned k = 0; k < 64; k++) {
		size_t sz = sizeof(buf) - 1, len = strlen(out);
		char ip[INET6_ADDRSTRLEN];
		const char *item = NULL;
		int t = gnutls_x509_crt_get_subject_alt_name(crt, k, buf, &sz, NULL);

		if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (t == GNUTLS_SAN_DNSNAME || t == GNUTLS_SAN_URI || t == GNUTLS_SAN_RFC822NAME) {
			buf[sz] = '\0';
			item = buf;
		} else if (t == GNUTLS_SAN_IPADDRESS && (sz == 4 || sz == 16)) {
			item = inet_ntop(sz == 4 ? AF_INET : AF_INET6, buf, ip, sizeof(ip));
		}
		if (item)
			snprintf(out + len, outsz - len, "%s%s", len ? ", " : "", item);
	}
}

static void common_name(gnutls_x509_crt_t crt, char *out, size_t outsz)
{
	size_t sz = outsz;

	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out, &sz) < 0)
		out[0] = '\0';
}

void tls_name_mismatch(gnutls_x509_crt_t leaf, const char *expected, char *buf, size_t bufsz)
{
	char sans[TLS_SAN_LEN], cn[TLS_NAME_LEN];

	san_list(leaf, sans, sizeof(sans));
	common_name(leaf, cn, sizeof(cn));
	snprintf(buf, bufsz, "name mismatch: expected %s, certificate has SAN [%s] CN %s",
		 expected, sans, cn[0] ? cn : "(none)");
}

static void issuer_dn(gnutls_x509_crt_t crt, char *out, size_t outsz)
{
	gnutls_datum_t dn = { NULL, 0 };

	out[0] = '\0';
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0 && dn.data)
		snprintf(out, outsz, "%.*s", (int)dn.size, (const char *)dn.data);
	gnutls_free(dn.data);
}

/* Unknown CA or missing intermediate: follow the chain as sent from the
 * leaf to its top.  A top that is self-signed or a CA means the peer sent
 * its chain and we do not trust its root; an end-entity top means the peer
 * left out the intermediate that issued it. */
static void signer_reason(const gnutls_x509_crt_t *chain, size_t n, char *buf, size_t bufsz)
{
	bool used[16] = { false };
	size_t top = 0;
	unsigned crit = 0;
	char dn[TLS_DN_LEN];

	if (!n) {
		snprintf(buf, bufsz, "unknown CA");
		return;
	}
	used[0] = true;
	for (size_t hops = 0; hops < n && hops < 16; hops++) {
		bool found = false;

		if (gnutls_x509_crt_check_issuer(chain[top], chain[top]))
			break;
		for (size_t j = 0; j < n && j < 16; j++) {
			if (!used[j] && gnutls_x509_crt_check_issuer(chain[top], chain[j])) {
				used[j] = true;
				top = j;
				found = true;
				break;
			}
		}
		if (!found)
			break;
	}
	if (gnutls_x509_crt_check_issuer(chain[top], chain[top]) ||
	    gnutls_x509_crt_get_basic_constraints(chain[top], &crit, NULL, NULL) > 0) {
		snprintf(buf, bufsz, "unknown CA");
		return;
	}
	issuer_dn(chain[top], dn, sizeof(dn));
	snprintf(buf, bufsz, "missing intermediate (issuer %s not found)", dn);
}

int tls_verify_reason(unsigned status, const gnutls_x509_crt_t *chain, size_t n,
		      const char *expected, char *buf, size_t bufsz)
{
	gnutls_datum_t txt = { NULL, 0 };

	if (status & GNUTLS_CERT_REVOKED) {
		snprintf(buf, bufsz, "revoked");
		return GNUTLS_A_CERTIFICATE_REVOKED;
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		signer_reason(chain, n, buf, bufsz);
		return GNUTLS_A_UNKNOWN_CA;
	}
	if (status & GNUTLS_CERT_EXPIRED) {
		snprintf(buf, bufsz, "certificate expired");
		return GNUTLS_A_CERTIFICATE_EXPIRED;
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED) {
		snprintf(buf, bufsz, "certificate not yet valid");
		return GNUTLS_A_BAD_CERTIFICATE;
	}
	if ((status & GNUTLS_CERT_UNEXPECTED_OWNER) && n && expected) {
		tls_name_mismatch(chain[0], expected, buf, bufsz);
		return GNUTLS_A_BAD_CERTIFICATE;
	}
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH) {
		snprintf(buf, bufsz, "key purpose mismatch: certificate is not for TLS server use");
		return GNUTLS_A_UNSUPPORTED_CERTIFICATE;
	}
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE) {
		snprintf(buf, bufsz, "certificate signature does not verify");
		return GNUTLS_A_DECRYPT_ERROR;
	}
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
		snprintf(buf, bufsz, "certificate signed with an insecure algorithm");
		return GNUTLS_A_BAD_CERTIFICATE;
	}
	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &txt, 0) >= 0 && txt.data)
		snprintf(buf, bufsz, "certificate verify failed: %s", (const char *)txt.data);
	else
		snprintf(buf, bufsz, "certificate verify failed");
	gnutls_free(txt.data);
	return GNUTLS_A_BAD_CERTIFICATE;
}

void tls_cert_describe(gnutls_x509_crt_t crt, time_t now, struct tls_cert_desc *d)
{
	struct pki_cert_info ci;

	memset(d, 0, sizeof(*d));
	if (pki_cert_describe(crt, now, &ci) == 0) {
		snprintf(d->subject, sizeof(d->subject), "%s", ci.subject);
		snprintf(d->issuer, sizeof(d->issuer), "%s", ci.issuer);
		snprintf(d->cn, sizeof(d->cn), "%s", ci.cn);
		snprintf(d->serial, sizeof(d->serial), "%s", ci.serial);
		d->not_before = ci.not_before;
		d->not_after = ci.not_after;
		d->days_left = ci.days_left;
	}
	san_list(crt, d->sans, sizeof(d->sans));
}

void tls_format_failure(const char *reason, unsigned conn_id, const char *local,
			const char *remote, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%%SIP-2-TLS_HANDSHAKE_FAILED: Reason: %s, Connection ID: %u, "
		 "local address : %s and remote address : %s", reason, conn_id, local, remote);
}

const char *tls_group_cfg_name(gnutls_group_t g)
{
	switch (g) {
	case GNUTLS_GROUP_SECP256R1: return "secp256r1";
	case GNUTLS_GROUP_SECP384R1: return "secp384r1";
	case GNUTLS_GROUP_SECP521R1: return "secp521r1";
	case GNUTLS_GROUP_X25519: return "x25519";
	case GNUTLS_GROUP_INVALID: return "";
	default: {
		const char *n = gnutls_group_get_name(g);

		return n ? n : "";
	}
	}
}
