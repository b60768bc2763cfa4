/* pki.c - load a trustpoint's certificate, key, CA and CRL files with GnuTLS
 * and check them: key matches certificate, chain builds to a configured CA,
 * CRL signature, dates (layer 6).  See pki.h. */
#include "core/pki.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PKI_MAX_FILE (4u << 20)  /* refuse files larger than 4 MiB */
#define PKI_MAX_DEPTH 16
#define PKI_VERIFY_FLAGS (GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS)

static void pki_errf(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void pki_errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static void pki_warn(struct pki_tp_info *in, unsigned flag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pki_warn(struct pki_tp_info *in, unsigned flag, const char *fmt, ...)
{
	size_t len = strlen(in->warn_text);
	va_list ap;

	in->warnings |= flag;
	if (len && len + 1 < sizeof(in->warn_text))
		in->warn_text[len++] = '\n';
	if (len + 1 >= sizeof(in->warn_text))
		return;
	va_start(ap, fmt);
	vsnprintf(in->warn_text + len, sizeof(in->warn_text) - len, fmt, ap);
	va_end(ap);
}

const char *pki_time_str(time_t t, char *buf, size_t bufsz)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	snprintf(buf, bufsz, "%02d:%02d:%02d UTC %s %d %d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 mon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
	return buf;
}

/* Read a whole file into d (malloc'ed, NUL-terminated).  st gets its fstat. */
static int pki_read_file(const char *path, gnutls_datum_t *d, struct stat *st, char *err, size_t errsz)
{
	unsigned char *p = NULL;
	size_t got = 0;
	int fd, rc = 0;

	d->data = NULL;
	d->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		pki_errf(err, errsz, "cannot open %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, st) < 0) {
		rc = -errno;
		pki_errf(err, errsz, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st->st_mode) || st->st_size > (off_t)PKI_MAX_FILE) {
		rc = S_ISREG(st->st_mode) ? -EFBIG : -EINVAL;
		pki_errf(err, errsz, "cannot open %s: %s", path,
			 S_ISREG(st->st_mode) ? "file too large" : "not a regular file");
		goto out;
	}
	p = malloc((size_t)st->st_size + 1);
	if (!p) {
		rc = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st->st_size) {
		ssize_t r = read(fd, p + got, (size_t)st->st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			pki_errf(err, errsz, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	p[got] = '\0';
	d->data = p;
	d->size = (unsigned)got;
	p = NULL;
out:
	if (p) {
		gnutls_memset(p, 0, (size_t)st->st_size);
		free(p);
	}
	close(fd);
	return rc;
}

static void pki_datum_wipe(gnutls_datum_t *d)
{
	if (d->data) {
		gnutls_memset(d->data, 0, d->size);
		free(d->data);
	}
	d->data = NULL;
	d->size = 0;
}

static bool pki_is_pem(const gnutls_datum_t *d)
{
	return memmem(d->data, d->size, "-----BEGIN", 10) != NULL;
}

/* Load all certificates of a PEM file, or the one of a DER file. */
static int pki_load_crts(const char *path, gnutls_x509_crt_t **out, size_t *nout, char *err, size_t errsz)
{
	gnutls_datum_t d;
	struct stat st;
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;
	int rc, grc;

	*out = NULL;
	*nout = 0;
	rc = pki_read_file(path, &d, &st, err, errsz);
	if (rc)
		return rc;
	if (pki_is_pem(&d)) {
		grc = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
	} else {
		list = gnutls_malloc(sizeof(*list));
		grc = list ? gnutls_x509_crt_init(&list[0]) : GNUTLS_E_MEMORY_ERROR;
		if (grc == 0) {
			grc = gnutls_x509_crt_import(list[0], &d, GNUTLS_X509_FMT_DER);
			if (grc < 0)
				gnutls_x509_crt_deinit(list[0]);
			else
				n = 1;
		}
		if (grc < 0) {
			gnutls_free(list);
			list = NULL;
		}
	}
	if (grc < 0 || n == 0) {
		rc = -EINVAL;
		if (grc == GNUTLS_E_NO_CERTIFICATE_FOUND || grc == GNUTLS_E_BASE64_DECODING_ERROR || n == 0)
			pki_errf(err, errsz, "no certificate found in %s", path);
		else
			pki_errf(err, errsz, "%s: not a certificate (PEM or DER): %s", path, gnutls_strerror(grc));
		goto out;
	}
	*out = malloc(n * sizeof(**out));
	if (!*out) {
		for (unsigned i = 0; i < n; i++)
			gnutls_x509_crt_deinit(list[i]);
		rc = -ENOMEM;
		goto out;
	}
	memcpy(*out, list, n * sizeof(**out));
	*nout = n;
out:
	gnutls_free(list);
	free(d.data);
	return rc;
}

static int pki_load_key(const char *path, gnutls_x509_privkey_t *key, char *err, size_t errsz)
{
	gnutls_datum_t d;
	struct stat st;
	int rc, grc;

	*key = NULL;
	rc = pki_read_file(path, &d, &st, err, errsz);
	if (rc)
		return rc;
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		pki_errf(err, errsz, "private key %s is readable by others (mode %04o); chmod 600 it",
			 path, (unsigned)(st.st_mode & 07777));
		rc = -EPERM;
		goto out;
	}
	grc = gnutls_x509_privkey_init(key);
	if (grc < 0) {
		rc = -ENOMEM;
		goto out;
	}
	grc = gnutls_x509_privkey_import2(*key, &d, pki_is_pem(&d) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
					  NULL, GNUTLS_PKCS_PLAIN);
	if (grc < 0) {
		gnutls_x509_privkey_deinit(*key);
		*key = NULL;
		rc = -EINVAL;
		if (grc == GNUTLS_E_DECRYPTION_FAILED)
			pki_errf(err, errsz, "private key %s is encrypted; store it unencrypted with mode 0600", path);
		else
			pki_errf(err, errsz, "%s: not a private key (PEM or DER, RSA or EC): %s", path,
				 gnutls_strerror(grc));
	}
out:
	pki_datum_wipe(&d);
	return rc;
}

static int pki_load_crl(const char *path, gnutls_x509_crl_t *crl, char *err, size_t errsz)
{
	gnutls_datum_t d;
	struct stat st;
	int rc, grc;

	*crl = NULL;
	rc = pki_read_file(path, &d, &st, err, errsz);
	if (rc)
		return rc;
	if (gnutls_x509_crl_init(crl) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	grc = gnutls_x509_crl_import(*crl, &d, pki_is_pem(&d) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER);
	if (grc < 0) {
		gnutls_x509_crl_deinit(*crl);
		*crl = NULL;
		rc = -EINVAL;
		pki_errf(err, errsz, "%s: not a CRL (PEM or DER): %s", path, gnutls_strerror(grc));
	}
out:
	free(d.data);
	return rc;
}

/* Copy a gnutls-allocated DN datum into dst and free it. */
static void pki_take_dn(int grc, gnutls_datum_t *dn, char *dst, size_t dstsz)
{
	dst[0] = '\0';
	if (grc >= 0 && dn->data)
		snprintf(dst, dstsz, "%.*s", (int)dn->size, (const char *)dn->data);
	gnutls_free(dn->data);
	dn->data = NULL;
}

static const char *pki_pk_name(int pk)
{
	switch (pk) {
	case GNUTLS_PK_RSA: return "RSA";
	case GNUTLS_PK_RSA_PSS: return "RSA-PSS";
	case GNUTLS_PK_ECDSA: return "EC";
	case GNUTLS_PK_EDDSA_ED25519: return "Ed25519";
	case GNUTLS_PK_EDDSA_ED448: return "Ed448";
	default: {
		const char *s = gnutls_pk_get_name((gnutls_pk_algorithm_t)pk);
		return s ? s : "unknown";
	}
	}
}

static void pki_hex(const unsigned char *p, size_t n, char sep, char *dst, size_t dstsz)
{
	size_t o = 0;

	dst[0] = '\0';
	for (size_t i = 0; i < n && o + 3 < dstsz; i++) {
		if (sep && i)
			dst[o++] = sep;
		o += (size_t)snprintf(dst + o, dstsz - o, "%02X", p[i]);
	}
}

static long pki_days_left(time_t not_after, time_t now)
{
	if (not_after >= now)
		return (long)((not_after - now) / 86400);
	return -(long)((now - not_after + 86399) / 86400);
}

int pki_cert_describe(gnutls_x509_crt_t crt, time_t now, struct pki_cert_info *ci)
{
	gnutls_datum_t dn = { NULL, 0 };
	unsigned char buf[128];
	size_t sz;
	unsigned bits = 0, crit = 0, reason = 0;
	int pk, grc;

	memset(ci, 0, sizeof(*ci));
	grc = gnutls_x509_crt_get_dn3(crt, &dn, 0);
	pki_take_dn(grc, &dn, ci->subject, sizeof(ci->subject));
	grc = gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0);
	pki_take_dn(grc, &dn, ci->issuer, sizeof(ci->issuer));
	sz = sizeof(ci->cn);
	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, ci->cn, &sz) < 0)
		ci->cn[0] = '\0';

	sz = sizeof(buf);
	if (gnutls_x509_crt_get_serial(crt, buf, &sz) >= 0) {
		size_t skip = 0;

		while (skip + 1 < sz && buf[skip] == 0)
			skip++;
		pki_hex(buf + skip, sz - skip, 0, ci->serial, sizeof(ci->serial));
	}
	ci->not_before = gnutls_x509_crt_get_activation_time(crt);
	ci->not_after = gnutls_x509_crt_get_expiration_time(crt);
	ci->days_left = pki_days_left(ci->not_after, now);
	ci->expired = ci->not_after < now;
	ci->not_yet_valid = ci->not_before > now;
	ci->is_ca = gnutls_x509_crt_get_basic_constraints(crt, &crit, NULL, NULL) > 0;
	ci->self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;

	pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	snprintf(ci->key_type, sizeof(ci->key_type), "%s", pki_pk_name(pk));
	ci->key_bits = bits;
	if (pk == GNUTLS_PK_ECDSA) {
		gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
		gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };

		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y) >= 0) {
			const char *cn = gnutls_ecc_curve_get_name(curve);

			snprintf(ci->curve, sizeof(ci->curve), "%s", cn ? cn : "");
		}
		gnutls_free(x.data);
		gnutls_free(y.data);
	}
	grc = gnutls_x509_crt_get_signature_algorithm(crt);
	snprintf(ci->sig_alg, sizeof(ci->sig_alg), "%s",
		 grc >= 0 && gnutls_sign_get_name((gnutls_sign_algorithm_t)grc)
		 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)grc) : "unknown");

	sz = sizeof(buf);
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, buf, &sz) >= 0)
		pki_hex(buf, sz, ':', ci->sha256, sizeof(ci->sha256));

	sz = sizeof(ci->crl_dp) - 1;
	grc = gnutls_x509_crt_get_crl_dist_points(crt, 0, ci->crl_dp, &sz, &reason, &crit);
	if (grc == GNUTLS_SAN_URI && sz < sizeof(ci->crl_dp))
		ci->crl_dp[sz] = '\0';
	else
		ci->crl_dp[0] = '\0';
	return 0;
}

/* Verify that issuer signed crt.  Returns 0, or -EINVAL with why in err. */
static int pki_verify_sig(gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer, const char *subj,
			  char *err, size_t errsz)
{
	unsigned status = 0;
	gnutls_datum_t txt = { NULL, 0 };

	if (gnutls_x509_crt_verify(crt, &issuer, 1, PKI_VERIFY_FLAGS, &status) < 0 || status) {
		if (status && gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &txt, 0) >= 0)
			pki_errf(err, errsz, "certificate %s does not verify: %s", subj, (const char *)txt.data);
		else
			pki_errf(err, errsz, "certificate %s does not verify", subj);
		gnutls_free(txt.data);
		return -EINVAL;
	}
	return 0;
}

/* Walk from the leaf through the certificate file's intermediates to a CA of
 * the ca-certificate file. */
static int pki_build_chain(struct pki_tp_info *in, const char *ca_path, char *err, size_t errsz)
{
	bool used[PKI_MAX_DEPTH + 1] = { false };
	size_t cur = 0;   /* index in in->crts */
	int rc;

	for (int depth = 0; depth <= PKI_MAX_DEPTH; depth++) {
		gnutls_x509_crt_t c = in->crts[cur];
		const char *subj = cur ? in->chain[cur - 1].subject : in->cert.subject;
		const char *iss = cur ? in->chain[cur - 1].issuer : in->cert.issuer;
		bool found = false;

		for (size_t i = 0; i < in->n_ca; i++) {
			if (!gnutls_x509_crt_check_issuer(c, in->cas[i]))
				continue;
			rc = pki_verify_sig(c, in->cas[i], subj, err, errsz);
			if (rc)
				return rc;
			in->chain_ok = true;
			snprintf(in->chain_anchor, sizeof(in->chain_anchor), "%s", in->ca[i].subject);
			return 0;
		}
		for (size_t j = 1; j < in->n_crts && j <= PKI_MAX_DEPTH; j++) {
			if (used[j] || j == cur || !gnutls_x509_crt_check_issuer(c, in->crts[j]))
				continue;
			rc = pki_verify_sig(c, in->crts[j], subj, err, errsz);
			if (rc)
				return rc;
			used[j] = true;
			cur = j;
			found = true;
			break;
		}
		if (found)
			continue;
		if (gnutls_x509_crt_check_issuer(c, c))
			pki_errf(err, errsz, "unknown CA (%s is not in %s)", subj, ca_path);
		else
			pki_errf(err, errsz, "missing intermediate (issuer %s not found)", iss);
		return -EINVAL;
	}
	pki_errf(err, errsz, "certificate chain longer than %d", PKI_MAX_DEPTH);
	return -EINVAL;
}

static int pki_check_crl(struct pki_tp_info *in, const char *path, time_t now, char *err, size_t errsz)
{
	gnutls_x509_crt_t *trusted;
	gnutls_datum_t dn = { NULL, 0 };
	size_t n = 0;
	unsigned status = 0;
	int grc, rc = 0;

	grc = gnutls_x509_crl_get_issuer_dn3(in->crl, &dn, 0);
	pki_take_dn(grc, &dn, in->crl_issuer, sizeof(in->crl_issuer));
	in->crl_this_update = gnutls_x509_crl_get_this_update(in->crl);
	in->crl_next_update = gnutls_x509_crl_get_next_update(in->crl);
	if (in->crl_next_update == (time_t)-1)
		in->crl_next_update = 0;
	grc = gnutls_x509_crl_get_crt_count(in->crl);
	in->crl_revoked = grc > 0 ? (unsigned)grc : 0;
	in->has_crl = true;

	trusted = calloc(in->n_ca + in->n_crts + 1, sizeof(*trusted));
	if (!trusted)
		return -ENOMEM;
	for (size_t i = 0; i < in->n_ca; i++)
		trusted[n++] = in->cas[i];
	for (size_t i = 1; i < in->n_crts; i++)
		trusted[n++] = in->crts[i];
	grc = gnutls_x509_crl_verify(in->crl, trusted, (unsigned)n, 0, &status);
	status &= ~(unsigned)(GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
			      GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE);
	if (grc < 0 || (status & GNUTLS_CERT_SIGNER_NOT_FOUND)) {
		pki_errf(err, errsz, "CRL %s: issuer %s is not a CA of this trustpoint", path, in->crl_issuer);
		rc = -EINVAL;
	} else if (status & ~(unsigned)GNUTLS_CERT_INVALID) {
		pki_errf(err, errsz, "CRL %s: signature does not verify (issuer %s)", path, in->crl_issuer);
		rc = -EINVAL;
	}
	free(trusted);
	if (rc)
		return rc;
	if (in->crl_next_update && in->crl_next_update < now) {
		char tb[48];

		pki_warn(in, PKI_W_CRL_EXPIRED, "CRL expired: next update was due %s",
			 pki_time_str(in->crl_next_update, tb, sizeof(tb)));
	}
	if (in->has_cert && gnutls_x509_crt_check_revocation(in->crts[0], &in->crl, 1) == 1)
		pki_warn(in, PKI_W_REVOKED, "certificate serial %s is revoked by the CRL", in->cert.serial);
	return 0;
}

static void pki_date_warnings(struct pki_tp_info *in)
{
	char tb[48];

	if (in->has_cert && in->cert.expired)
		pki_warn(in, PKI_W_EXPIRED, "certificate expired %s (%ld days ago)",
			 pki_time_str(in->cert.not_after, tb, sizeof(tb)), -in->cert.days_left);
	if (in->has_cert && in->cert.not_yet_valid)
		pki_warn(in, PKI_W_NOT_YET_VALID, "certificate not valid before %s",
			 pki_time_str(in->cert.not_before, tb, sizeof(tb)));
	for (size_t i = 0; i < in->n_chain; i++)
		if (in->chain[i].expired || in->chain[i].not_yet_valid)
			pki_warn(in, PKI_W_CHAIN_EXPIRED, "intermediate %s is %s", in->chain[i].subject,
				 in->chain[i].expired ? "expired" : "not yet valid");
	for (size_t i = 0; i < in->n_ca; i++)
		if (in->ca[i].expired || in->ca[i].not_yet_valid)
			pki_warn(in, PKI_W_CHAIN_EXPIRED, "CA certificate %s is %s", in->ca[i].subject,
				 in->ca[i].expired ? "expired" : "not yet valid");
}

static int pki_key_matches(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	unsigned char a[64], b[64];
	size_t na = sizeof(a), nb = sizeof(b);

	if (gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, a, &na) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, b, &nb) < 0)
		return 0;
	return na == nb && memcmp(a, b, na) == 0;
}

int pki_trustpoint_load(const struct cfg_trustpoint *tp, struct pki_tp_info **out,
			char *err, size_t errsz)
{
	struct pki_tp_info *in;
	time_t now = time(NULL);
	int rc = 0;

	*out = NULL;
	if (err && errsz)
		err[0] = '\0';
	in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	snprintf(in->name, sizeof(in->name), "%s", tp->name);

	if (tp->cert_file[0]) {
		rc = pki_load_crts(tp->cert_file, &in->crts, &in->n_crts, err, errsz);
		if (rc)
			goto out;
		in->has_cert = true;
		pki_cert_describe(in->crts[0], now, &in->cert);
		in->n_chain = in->n_crts - 1;
		if (in->n_chain) {
			in->chain = calloc(in->n_chain, sizeof(*in->chain));
			if (!in->chain) {
				rc = -ENOMEM;
				goto out;
			}
			for (size_t i = 0; i < in->n_chain; i++)
				pki_cert_describe(in->crts[i + 1], now, &in->chain[i]);
		}
		if (in->n_crts > PKI_MAX_DEPTH) {
			pki_errf(err, errsz, "%s: too many certificates (%zu)", tp->cert_file, in->n_crts);
			rc = -EINVAL;
			goto out;
		}
	}
	if (tp->key_file[0]) {
		unsigned bits = 0;
		int pk;

		rc = pki_load_key(tp->key_file, &in->key, err, errsz);
		if (rc)
			goto out;
		in->has_key = true;
		pk = gnutls_x509_privkey_get_pk_algorithm2(in->key, &bits);
		snprintf(in->key_type, sizeof(in->key_type), "%s", pki_pk_name(pk));
		in->key_bits = bits;
		if (in->has_cert && !pki_key_matches(in->crts[0], in->key)) {
			pki_errf(err, errsz, "private key does not match certificate");
			rc = -EINVAL;
			goto out;
		}
	}
	if (in->has_cert && !in->has_key)
		pki_warn(in, PKI_W_INCOMPLETE, "no private-key file: the certificate cannot be presented");
	if (in->has_key && !in->has_cert)
		pki_warn(in, PKI_W_INCOMPLETE, "no certificate file for the private key");

	if (tp->ca_file[0]) {
		rc = pki_load_crts(tp->ca_file, &in->cas, &in->n_ca, err, errsz);
		if (rc)
			goto out;
		in->ca = calloc(in->n_ca, sizeof(*in->ca));
		if (!in->ca) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < in->n_ca; i++)
			pki_cert_describe(in->cas[i], now, &in->ca[i]);
	}

	if (in->has_cert && in->n_ca) {
		rc = pki_build_chain(in, tp->ca_file, err, errsz);
		if (rc)
			goto out;
	} else if (in->has_cert && in->cert.self_signed) {
		rc = pki_verify_sig(in->crts[0], in->crts[0], in->cert.subject, err, errsz);
		if (rc)
			goto out;
		in->chain_ok = true;
		snprintf(in->chain_anchor, sizeof(in->chain_anchor), "%s", in->cert.subject);
	} else if (in->has_cert) {
		pki_warn(in, PKI_W_CHAIN_UNCHECKED, "chain not checked: no ca-certificate file");
	}
	pki_date_warnings(in);

	if (tp->crl_file[0]) {
		rc = pki_load_crl(tp->crl_file, &in->crl, err, errsz);
		if (rc)
			goto out;
		rc = pki_check_crl(in, tp->crl_file, now, err, errsz);
		if (rc)
			goto out;
	}
	*out = in;
	in = NULL;
out:
	pki_tp_info_free(in);
	return rc;
}

void pki_tp_info_free(struct pki_tp_info *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n_crts; i++)
		gnutls_x509_crt_deinit(in->crts[i]);
	for (size_t i = 0; i < in->n_ca && in->cas; i++)
		gnutls_x509_crt_deinit(in->cas[i]);
	if (in->crl)
		gnutls_x509_crl_deinit(in->crl);
	if (in->key)
		gnutls_x509_privkey_deinit(in->key);
	free(in->crts);
	free(in->cas);
	free(in->chain);
	free(in->ca);
	free(in);
}
