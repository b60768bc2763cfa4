/* tls_fail.c - what is kept about a failed TLS handshake (struct
 * tls_fail_detail, see tls.h): the check that failed, what the peer's
 * ClientHello offered, the peer's leaf certificate, and the text shown under
 * "Last Failed TLS Handshakes" and logged after %SIP-2-TLS_HANDSHAKE_FAILED.
 * Pure functions over GnuTLS certificates and plain data; the collection
 * from a live session is tls_session_fail_detail() in sip/tls.c. */
#include "sip/tls.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/pki.h"

/* Append sep + item to buf; when it does not fit, end buf with "..." once and
 * return false. */
static bool add(char *buf, size_t sz, const char *sep, const char *item)
{
	size_t len = strlen(buf), need = (len ? strlen(sep) : 0) + strlen(item);

	if (len >= 3 && !strcmp(buf + len - 3, "..."))
		return false;
	if (len + need + 5 > sz) {
		if (len + 5 <= sz)
			snprintf(buf + len, sz - len, "%s...", len ? sep : "");
		return false;
	}
	snprintf(buf + len, sz - len, "%s%s", len ? sep : "", item);
	return true;
}

static void utc(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void tls_suite_name(const uint8_t id[2], char *buf, size_t sz)
{
	unsigned char cid[2];
	const char *n;

	for (size_t i = 0; (n = gnutls_cipher_suite_info(i, cid, NULL, NULL, NULL, NULL)) != NULL; i++) {
		if (cid[0] == id[0] && cid[1] == id[1]) {
			tls_iana_name(n, buf, sz);
			return;
		}
	}
	snprintf(buf, sz, "0x%02X,0x%02X", id[0], id[1]);
}

const char *tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv1.0";
	case 0x0302: return "TLSv1.1";
	case 0x0303: return "TLSv1.2";
	case 0x0304: return "TLSv1.3";
	default: return "unknown";
	}
}

static bool grease(unsigned hi, unsigned lo)
{
	return hi == lo && (hi & 0x0f) == 0x0a;
}

const char *tls_group_iana_name(uint16_t g)
{
	switch (g) {
	case 23: return "secp256r1";
	case 24: return "secp384r1";
	case 25: return "secp521r1";
	case 29: return "x25519";
	case 30: return "x448";
	case 256: return "ffdhe2048";
	case 257: return "ffdhe3072";
	case 258: return "ffdhe4096";
	default: return NULL;
	}
}

void tls_groups_text(const uint16_t *g, size_t n, char *buf, size_t sz)
{
	char hex[12];

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *name = tls_group_iana_name(g[i]);

		if (grease(g[i] >> 8, g[i] & 0xff))
			continue;
		if (!name) {
			snprintf(hex, sizeof(hex), "0x%04X", g[i]);
			name = hex;
		}
		if (!add(buf, sz, ", ", name))
			break;
	}
}

void tls_hello_offers(const struct tls_hello *h, char *vers, size_t versz, char *suites, size_t suitesz)
{
	vers[0] = suites[0] = '\0';
	if (!h->parsed)
		return;
	for (size_t i = 0; i < h->n_versions && i < sizeof(h->versions) / sizeof(h->versions[0]); i++) {
		uint16_t v = h->versions[i];

		if (v >= 0x0300 && v <= 0x0304)
			add(vers, versz, ", ", tls_version_name(v));
	}
	if (!vers[0])
		add(vers, versz, ", ", tls_version_name(h->legacy_version));
	for (size_t i = 0; i < h->n_suites && i < TLS_HELLO_MAX; i++) {
		const uint8_t *id = h->suites[i];
		char name[96];

		if (grease(id[0], id[1]) || (id[0] == 0x00 && id[1] == 0xFF) || (id[0] == 0x56 && id[1] == 0x00))
			continue; /* GREASE, renegotiation and fallback signalling values */
		tls_suite_name(id, name, sizeof(name));
		if (!add(suites, suitesz, ", ", name))
			break;
	}
}

void tls_fail_cert(gnutls_x509_crt_t leaf, struct tls_fail_detail *d)
{
	struct pki_cert_info ci;
	char buf[TLS_NAME_LEN], ip[INET6_ADDRSTRLEN];

	d->has_cert = true;
	if (pki_cert_describe(leaf, time(NULL), &ci) == 0) {
		snprintf(d->subject, sizeof(d->subject), "%s", ci.subject);
		snprintf(d->issuer, sizeof(d->issuer), "%s", ci.issuer);
		snprintf(d->cn, sizeof(d->cn), "%s", ci.cn);
		snprintf(d->serial, sizeof(d->serial), "%s", ci.serial);
		d->not_before = ci.not_before;
		d->not_after = ci.not_after;
	}
	/* DNS names first (what a name check compares), then IP addresses */
	d->sans[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned k = 0; k < 64; k++) {
			size_t sz = sizeof(buf) - 1;
			int t = gnutls_x509_crt_get_subject_alt_name(leaf, k, buf, &sz, NULL);

			if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
				break;
			if (pass == 0 && t == GNUTLS_SAN_DNSNAME) {
				buf[sz] = '\0';
				add(d->sans, sizeof(d->sans), ", ", buf);
			} else if (pass == 1 && t == GNUTLS_SAN_IPADDRESS && (sz == 4 || sz == 16) &&
				   inet_ntop(sz == 4 ? AF_INET : AF_INET6, buf, ip, sizeof(ip))) {
				add(d->sans, sizeof(d->sans), ", ", ip);
			}
		}
	}
}

/* The name of a certificate for a sentence: its CN, else its subject. */
static void crt_name(gnutls_x509_crt_t crt, char *buf, size_t sz)
{
	size_t n = sz;

	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &n) >= 0 && buf[0])
		return;
	n = sz;
	if (gnutls_x509_crt_get_dn(crt, buf, &n) < 0)
		snprintf(buf, sz, "(unnamed)");
}

static void crt_issuer(gnutls_x509_crt_t crt, char *buf, size_t sz)
{
	gnutls_datum_t dn = { NULL, 0 };

	snprintf(buf, sz, "(unknown)");
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0 && dn.data)
		snprintf(buf, sz, "%.*s", (int)dn.size, (const char *)dn.data);
	gnutls_free(dn.data);
}

void tls_check_text(unsigned status, const gnutls_x509_crt_t *chain, size_t n, const char *names,
		    const char *crl_issuer, const char *trustpoint, bool of_client, time_t now,
		    char *buf, size_t bufsz)
{
	char item[TLS_FAIL_LONG], name[TLS_NAME_LEN], dn[TLS_DN_LEN], date[40];

	buf[0] = '\0';
	if (!n) {
		add(buf, bufsz, "; ", "no certificate received");
		return;
	}
	if (status & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) {
		for (size_t i = 0; i < n; i++) {
			time_t na = gnutls_x509_crt_get_expiration_time(chain[i]);
			time_t nb = gnutls_x509_crt_get_activation_time(chain[i]);

			if (na >= now && nb <= now)
				continue;
			crt_name(chain[i], name, sizeof(name));
			utc(na < now ? na : nb, date, sizeof(date));
			snprintf(item, sizeof(item), "validity: %s%s %s %s", i ? "chain certificate " : "",
				 name, na < now ? "expired on" : "is not valid before", date);
			add(buf, bufsz, "; ", item);
			break;
		}
	}
	if (status & GNUTLS_CERT_REVOKED) {
		char serial[80];
		size_t sz = sizeof(serial);
		unsigned char raw[40];
		size_t rsz = sizeof(raw);

		serial[0] = '\0';
		if (gnutls_x509_crt_get_serial(chain[0], raw, &rsz) >= 0) {
			size_t o = 0, i = 0;

			while (i + 1 < rsz && raw[i] == 0)
				i++;
			for (; i < rsz && o + 3 < sz; i++)
				o += (size_t)snprintf(serial + o, sz - o, "%02X", raw[i]);
		}
		snprintf(item, sizeof(item), "revocation: serial %s is listed in the CRL%s%s", serial,
			 crl_issuer && crl_issuer[0] ? " issued by " : "", crl_issuer ? crl_issuer : "");
		add(buf, bufsz, "; ", item);
	}
	crt_issuer(chain[n - 1], dn, sizeof(dn));
	if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
		snprintf(item, sizeof(item), "chain: issuer %s of the last certificate sent is not a trusted CA "
			 "of trustpoint %s", dn, trustpoint && trustpoint[0] ? trustpoint : "-");
	else if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		snprintf(item, sizeof(item), "chain: a signature does not verify (issuer %s)", dn);
	else
		snprintf(item, sizeof(item), "chain: ok, to CA %s", dn);
	add(buf, bufsz, "; ", item);
	if ((status & GNUTLS_CERT_UNEXPECTED_OWNER) && names) {
		char mm[TLS_FAIL_LONG];
		const char *p = mm;

		tls_name_mismatch(chain[0], names, mm, sizeof(mm));
		if (!strncmp(p, "name mismatch: ", 15))
			p += 15;
		snprintf(item, sizeof(item), "name: %s", p); /* "name: expected X, certificate has ..." */
		add(buf, bufsz, "; ", item);
	}
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		add(buf, bufsz, "; ", of_client ? "key purpose: the certificate is not for TLS client use"
			: "key purpose: the certificate is not for TLS server use");
	if (status & ~(unsigned)(GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED |
				 GNUTLS_CERT_REVOKED | GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
				 GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_UNEXPECTED_OWNER |
				 GNUTLS_CERT_PURPOSE_MISMATCH)) {
		gnutls_datum_t out = { NULL, 0 };

		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) >= 0 && out.data) {
			snprintf(item, sizeof(item), "other: %s", (const char *)out.data);
			add(buf, bufsz, "; ", item);
		}
		gnutls_free(out.data);
	}
}

/* "expired 3 days ago" / "not valid for 5 more days" / "12 days left" */
static void validity_text(const struct tls_fail_detail *d, time_t now, char *buf, size_t sz)
{
	char nb[40], na[40];

	utc(d->not_before, nb, sizeof(nb));
	utc(d->not_after, na, sizeof(na));
	if (now > d->not_after)
		snprintf(buf, sz, "%s to %s (expired %lld days ago)", nb, na,
			 (long long)((now - d->not_after) / 86400));
	else if (now < d->not_before)
		snprintf(buf, sz, "%s to %s (not valid for %lld more days)", nb, na,
			 (long long)((d->not_before - now + 86399) / 86400));
	else
		snprintf(buf, sz, "%s to %s (%lld days left)", nb, na, (long long)((d->not_after - now) / 86400));
}

/* Lines longer than WRAP_COLS are broken after a "; " separator (or, in a
 * value without one, after ", ") and continued under the value column. */
#define WRAP_COLS 100
#define VALUE_COL 28
static void wrap(void (*out)(void *, const char *), void *arg, const char *l)
{
	char buf[TLS_FAIL_LONG + 200];
	size_t ind = 0, from = VALUE_COL + 10;
	char sep = strstr(l, "; ") ? ';' : ','; /* a "; " list breaks only between its items */

	for (;;) {
		size_t len = strlen(l), bp = 0;

		/* the last separator that keeps the line short, else the first one */
		for (size_t i = from; len + ind > WRAP_COLS && i + 1 < len && (!bp || i + 1 + ind < WRAP_COLS); i++)
			if (l[i] == sep && l[i + 1] == ' ')
				bp = i + 1;
		if (!bp) {
			snprintf(buf, sizeof(buf), "%*s%s", (int)ind, "", l);
			out(arg, buf);
			return;
		}
		snprintf(buf, sizeof(buf), "%*s%.*s", (int)ind, "", (int)bp, l);
		out(arg, buf);
		l += bp + 1;
		ind = VALUE_COL;
		from = 10;
	}
}

static void line(void (*out)(void *, const char *), void *arg, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(void (*out)(void *, const char *), void *arg, const char *label, const char *fmt, ...)
{
	char v[TLS_FAIL_LONG + 64], l[TLS_FAIL_LONG + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	snprintf(l, sizeof(l), "    %-22s: %s", label, v);
	wrap(out, arg, l);
}

void tls_fail_lines(const struct tls_fail_detail *d, uint32_t dial_peer, const char *level, time_t now,
		    void (*out)(void *arg, const char *line), void *arg)
{
	char v[TLS_FAIL_LONG];

	if (!d->server)
		line(out, arg, "Dial-peer", dial_peer ? "%u" : "none", (unsigned)dial_peer);
	if (!d->valid) {
		line(out, arg, "TLS policy", "none (no TLS session was made)");
		return;
	}
	line(out, arg, "TLS policy", "%s%s%strustpoint %s, %s %s", d->profile[0] ? "tls-profile " : "",
	     d->profile, d->profile[0] ? ", " : "", d->trustpoint[0] ? d->trustpoint : "none",
	     d->server ? "cn-san validate client" : "cn-san-validate server", d->name_check ? "on" : "off");
	if (level && level[0])
		line(out, arg, "  Configured by", "%s", level);
	line(out, arg, d->server ? "SNI received" : "SNI sent", "%s", d->sni[0] ? d->sni : "none");
	if (d->expected[0])
		line(out, arg, "Expected peer name", "%s", d->expected);
	line(out, arg, d->server ? "Client offered" : "Versions offered", "%s",
	     d->offered_versions[0] ? d->offered_versions : "unknown");
	line(out, arg, d->server ? "Client ciphers" : "Ciphers offered", "%s",
	     d->offered_ciphers[0] ? d->offered_ciphers : "unknown");
	line(out, arg, d->server ? "Client curves" : "Curves offered", "%s",
	     d->offered_curves[0] ? d->offered_curves : d->server ? "none" : "unknown");
	if (d->server && !d->hello_seen) {
		/* nothing agreed: what the client could have had */
		line(out, arg, "Our versions", "%s", d->our_versions[0] ? d->our_versions : "none");
		line(out, arg, "Our ciphers", "%s", d->our_ciphers[0] ? d->our_ciphers : "none");
		line(out, arg, "Our curves", "%s", d->our_curves[0] ? d->our_curves : "none");
	}
	if (d->hello_seen)
		line(out, arg, "Negotiated", "%s %s", d->version, d->cipher);
	else if (d->version[0])
		line(out, arg, "Negotiated", "nothing (the ServerHello chose %s %s)", d->version, d->cipher);
	else
		line(out, arg, "Negotiated", "nothing (failed before the ServerHello)");
	line(out, arg, "CertificateRequest", "%s", d->cr_sent ? "sent" : d->cr_received ? "received" : "none");
	if (d->cr_received)
		line(out, arg, "Our certificate sent", "%s", d->cert_sent ? "yes" : "no");
	if (d->alert_received[0])
		line(out, arg, "Alert received", "%s", d->alert_received);
	if (d->alert_sent[0])
		line(out, arg, "Alert sent", "%s", d->alert_sent);
	if (!d->alert_received[0] && !d->alert_sent[0])
		line(out, arg, "Alert", "none");
	if (d->has_cert) {
		line(out, arg, "Peer certificate", "%s", d->subject[0] ? d->subject : "-");
		line(out, arg, "  SAN", "%s", d->sans[0] ? d->sans : "none");
		line(out, arg, "  Issuer", "%s", d->issuer[0] ? d->issuer : "-");
		line(out, arg, "  Serial", "%s", d->serial[0] ? d->serial : "-");
		validity_text(d, now, v, sizeof(v));
		line(out, arg, "  Valid", "%s", v);
		line(out, arg, "  Chain sent by peer", "%u certificate%s", d->n_chain, d->n_chain == 1 ? "" : "s");
	} else {
		line(out, arg, "Peer certificate", "none received");
	}
	if (d->check[0])
		line(out, arg, "Failed check", "%s", d->check);
}

bool tls_fail_cert_log(const struct tls_fail_detail *d, unsigned conn_id, time_t now, char *buf, size_t bufsz)
{
	char v[TLS_FAIL_LONG];

	if (!d->valid || !d->has_cert || !d->check[0])
		return false;
	validity_text(d, now, v, sizeof(v));
	snprintf(buf, bufsz, "Connection ID: %u, peer certificate subject %s, SAN [%s], issuer %s, serial %s, "
		 "valid %s%s%s; %s", conn_id, d->subject, d->sans, d->issuer, d->serial, v,
		 d->expected[0] ? "; expected name " : "", d->expected, d->check);
	return true;
}

void tls_fail_policy(const struct tls_policy *p, bool server, struct tls_fail_detail *d)
{
	bool v12 = tls_policy_has_version(p, 0x0303), v13 = tls_policy_has_version(p, 0x0304);

	memset(d, 0, sizeof(*d));
	d->valid = true;
	d->server = server;
	snprintf(d->trustpoint, sizeof(d->trustpoint), "%s", tls_policy_trustpoint(p));
	snprintf(d->profile, sizeof(d->profile), "%s", tls_policy_profile(p));
	d->name_check = server ? tls_policy_validates_client_name(p) : tls_policy_validates_server_name(p);
	if (server)
		tls_policy_client_names(p, d->expected, sizeof(d->expected));
	/* ours: what we offer as a client, what we accept as a server */
	snprintf(server ? d->our_versions : d->offered_versions, sizeof(d->our_versions), "%s%s%s",
		 v12 ? "TLSv1.2" : "", v12 && v13 ? ", " : "", v13 ? "TLSv1.3" : "");
	snprintf(server ? d->our_ciphers : d->offered_ciphers, sizeof(d->our_ciphers), "%s",
		 tls_policy_suites(p));
	tls_policy_groups_text(p, server ? d->our_curves : d->offered_curves, sizeof(d->our_curves));
}
