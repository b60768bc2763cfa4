/* tls_policy.c - compile a TLS policy from the configuration at commit:
 * GnuTLS certificate credentials (our chain and key, CA lists, CRL) and the
 * priority cache (versions, cipher suites in order, curves).  See tls.h.
 *
 * Two credentials are kept: `cli` verifies servers (the trustpoint's CA file,
 * or the system trust store as the trustpool when the trustpoint has none,
 * plus its CRL under revocation-check crl) and `srv` verifies clients (the
 * client-vtp trustpoint's CAs only).  Both present the same certificate.
 */
#include "sip/tls.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/pki.h"

#define TLS_MAX_SUITES 64

struct tls_policy {
	unsigned refs;
	gnutls_certificate_credentials_t cli, srv; /* owned */
	gnutls_priority_t prio;                     /* owned */
	bool request_client_cert;
	bool validate_server_name;
	bool validate_client_name;
	bool has_cert;
	char trustpoint[CFG_NAME_LEN];
	char profile[CFG_NAME_LEN];         /* tls-profile tag, "" */
	char crl_issuer[2][160];            /* CRL checked: [0] servers, [1] clients */
	char prio_str[1024];
	char suites[2048];
	char note[256];
	size_t n_suites;
	uint8_t suite_id[TLS_MAX_SUITES][2];
	bool suite_group[TLS_MAX_SUITES];
	size_t n_groups;
	uint16_t groups[CFG_CURVE_COUNT + 2];
	bool v12, v13;                      /* versions enabled */
	size_t n_names;                     /* cn-san list for client validation */
	char (*names)[CFG_TEXT_LEN];
};

/* The eight suites of the BYOC cloud trunk (its document lists them RSA key
 * exchange first); Tollgate prefers forward secrecy: ECDHE and AEAD first, the
 * RSA key exchange suites last, still all eight. */
static const enum cfg_cipher byoc_default[] = {
	CFG_CIPHER_ECDHE_RSA_AES256_GCM_SHA384,
	CFG_CIPHER_ECDHE_RSA_AES128_GCM_SHA256,
	CFG_CIPHER_ECDHE_RSA_AES256_SHA384,
	CFG_CIPHER_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	CFG_CIPHER_RSA_WITH_AES_256_GCM_SHA384,
	CFG_CIPHER_RSA_WITH_AES_128_GCM_SHA256,
	CFG_CIPHER_RSA_WITH_AES_256_CBC_SHA256,
	CFG_CIPHER_RSA_WITH_AES_256_CBC_SHA,
};

static const enum cfg_curve default_curves[] = {
	CFG_CURVE_SECP256R1, CFG_CURVE_SECP384R1, CFG_CURVE_SECP521R1, CFG_CURVE_X25519,
};

static const struct { const char *prio; uint16_t iana; } curve_map[CFG_CURVE_COUNT] = {
	[CFG_CURVE_SECP256R1] = { "+GROUP-SECP256R1", 23 },
	[CFG_CURVE_SECP384R1] = { "+GROUP-SECP384R1", 24 },
	[CFG_CURVE_SECP521R1] = { "+GROUP-SECP521R1", 25 },
	[CFG_CURVE_X25519] = { "+GROUP-X25519", 29 },
};

static void errf(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Append s to a ':'- or ', '-joined list in buf. */
static void join(char *buf, size_t sz, const char *sep, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, sz - len, "%s%s", len ? sep : "", s);
}

/* Element lists in order of first appearance. */
struct elems { const char *v[24]; size_t n; };

static void elem_add(struct elems *e, const char *s)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->v[i], s))
			return;
	if (e->n < sizeof(e->v) / sizeof(e->v[0]))
		e->v[e->n++] = s;
}

static bool is_kx(const char *s)
{
	return !strcmp(s, "+RSA") || !strcmp(s, "+ECDHE-RSA") || !strcmp(s, "+ECDHE-ECDSA") ||
	       !strcmp(s, "+DHE-RSA");
}

static bool is_mac(const char *s)
{
	return !strcmp(s, "+AEAD") || !strcmp(s, "+SHA1") || !strcmp(s, "+SHA256") ||
	       !strcmp(s, "+SHA384");
}

/* Static token storage: the elements point into cfg_cipher_table strings
 * split at ':' into this pool. */
struct tokpool { char buf[2048]; size_t used; };

static const char *tok_dup(struct tokpool *tp, const char *s, size_t n)
{
	char *d;

	if (tp->used + n + 1 > sizeof(tp->buf))
		return NULL;
	d = tp->buf + tp->used;
	memcpy(d, s, n);
	d[n] = '\0';
	tp->used += n + 1;
	return d;
}

/* Build the priority string into p->prio_str.  Returns 0 or -EINVAL. */
static int build_priority(struct tls_policy *p, const struct cfg *c, const struct cfg_tls_profile *prof,
			  bool *explicit_list, char *err, size_t errsz)
{
	enum cfg_cipher list[32];
	size_t n = 0;
	struct elems kx = { .n = 0 }, ci = { .n = 0 }, mac = { .n = 0 };
	struct tokpool pool = { .used = 0 };
	enum cfg_tls_version ver = c->sipua.tls_version_set ? c->sipua.tls_version : CFG_TLSV_ANY;
	bool v12 = ver != CFG_TLSV_13, v13 = ver != CFG_TLSV_12;
	bool any12 = false, any13 = false, dhe = false;
	char *s = p->prio_str;
	size_t sz = sizeof(p->prio_str);

	*explicit_list = false;
	p->v12 = v12;
	p->v13 = v13;
	if (prof && prof->cipher[0]) {
		const struct cfg_tls_cipher *tc = cfg_tls_cipher_find(c, prof->cipher);

		if (!tc) {
			errf(err, errsz, "voice class tls-cipher %s is not configured", prof->cipher);
			return -ENOENT;
		}
		for (size_t i = 0; i < tc->e.n && n < 32; i++)
			if (tc->e.v[i].cipher > CFG_CIPHER_NONE && tc->e.v[i].cipher < CFG_CIPHER_COUNT)
				list[n++] = tc->e.v[i].cipher;
		if (!n) {
			errf(err, errsz, "voice class tls-cipher %s has no cipher", prof->cipher);
			return -EINVAL;
		}
		*explicit_list = true;
	} else {
		for (size_t i = 0; i < sizeof(byoc_default) / sizeof(byoc_default[0]); i++)
			list[n++] = byoc_default[i];
	}
	for (size_t i = 0; i < n; i++) {
		const char *g = cfg_cipher_table[list[i]].gnutls;
		bool t13 = list[i] >= CFG_CIPHER_TLS13_AES128_GCM_SHA256;

		any13 |= t13;
		any12 |= !t13;
		while (*g) {
			size_t l = strcspn(g, ":");
			const char *t = tok_dup(&pool, g, l);

			if (!t)
				break;
			if (is_kx(t)) {
				elem_add(&kx, t);
				dhe |= !strcmp(t, "+DHE-RSA");
			} else if (is_mac(t)) {
				elem_add(&mac, t);
			} else {
				elem_add(&ci, t);
			}
			g += l + (g[l] == ':');
		}
		if (t13)
			elem_add(&mac, "+AEAD");
	}
	if (v12 && !v13 && !any12) {
		errf(err, errsz, "tls-cipher %s has no TLS 1.2 cipher suite but transport tcp tls v1.2 is set",
		     prof ? prof->cipher : "");
		return -EINVAL;
	}
	if (v13 && !any13) {
		/* TLS 1.3 suites follow from the AEAD ciphers already listed; add
		 * AES-GCM only when the list has none (it then also enables the
		 * matching TLS 1.2 GCM suites of the listed key exchanges). */
		bool gcm = false;

		for (size_t i = 0; i < ci.n; i++)
			gcm |= strstr(ci.v[i], "GCM") != NULL;
		if (!gcm) {
			elem_add(&ci, "+AES-256-GCM");
			elem_add(&ci, "+AES-128-GCM");
			snprintf(p->note, sizeof(p->note), "TLS 1.3 suites AES-256-GCM and AES-128-GCM added");
		}
		elem_add(&mac, "+AEAD");
	}

	s[0] = '\0';
	join(s, sz, ":", "NONE");
	join(s, sz, ":", "%SERVER_PRECEDENCE");
	if (v13)
		join(s, sz, ":", "+VERS-TLS1.3");
	if (v12)
		join(s, sz, ":", "+VERS-TLS1.2");
	for (size_t i = 0; i < kx.n; i++)
		join(s, sz, ":", kx.v[i]);
	for (size_t i = 0; i < ci.n; i++)
		join(s, sz, ":", ci.v[i]);
	for (size_t i = 0; i < mac.n; i++)
		join(s, sz, ":", mac.v[i]);
	join(s, sz, ":", "+COMP-NULL:+CTYPE-X509:+SIGN-ALL:-SIGN-RSA-SHA1:-SIGN-ECDSA-SHA1");

	p->n_groups = 0;
	for (size_t i = 0; i < CFG_CURVE_COUNT; i++) {
		enum cfg_curve cv = prof ? prof->curves[i] : CFG_CURVE_NONE;

		if (cv <= CFG_CURVE_NONE || cv >= CFG_CURVE_COUNT)
			break;
		join(s, sz, ":", curve_map[cv].prio);
		p->groups[p->n_groups++] = curve_map[cv].iana;
	}
	if (!p->n_groups) {
		for (size_t i = 0; i < sizeof(default_curves) / sizeof(default_curves[0]); i++) {
			join(s, sz, ":", curve_map[default_curves[i]].prio);
			p->groups[p->n_groups++] = curve_map[default_curves[i]].iana;
		}
	}
	if (dhe) {
		join(s, sz, ":", "+GROUP-FFDHE2048:+GROUP-FFDHE3072");
		p->groups[p->n_groups++] = 256;
		p->groups[p->n_groups++] = 257;
	}
	return 0;
}

/* GnuTLS suite name to IANA: "TLS_ECDHE_RSA_AES_256_CBC_SHA1" ->
 * "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"; TLS 1.3 names are the same. */
void tls_iana_name(const char *g, char *buf, size_t sz)
{
	static const char *const kx[] = { "TLS_ECDHE_ECDSA_", "TLS_ECDHE_RSA_", "TLS_DHE_RSA_",
					  "TLS_DHE_DSS_", "TLS_RSA_" };
	size_t len;

	snprintf(buf, sz, "%s", g);
	for (size_t i = 0; i < sizeof(kx) / sizeof(kx[0]); i++) {
		size_t l = strlen(kx[i]);

		if (!strncmp(g, kx[i], l)) {
			snprintf(buf, sz, "%sWITH_%s", kx[i], g + l);
			break;
		}
	}
	len = strlen(buf);
	if (len > 5 && !strcmp(buf + len - 5, "_SHA1"))
		buf[len - 1] = '\0';
	else if (len > 18 && strstr(buf, "_WITH_") && !strcmp(buf + len - 18, "_CHACHA20_POLY1305"))
		snprintf(buf + len, sz - len, "_SHA256"); /* GnuTLS leaves out the PRF hash */
}

/* Record the suites the cache holds, in order. */
static void list_suites(struct tls_policy *p)
{
	unsigned sidx;

	p->suites[0] = '\0';
	p->n_suites = 0;
	for (unsigned i = 0; i < 1024 && p->n_suites < TLS_MAX_SUITES; i++) {
		unsigned char id[2];
		gnutls_kx_algorithm_t kx;
		const char *name;
		char iana[96];
		int r = gnutls_priority_get_cipher_suite_index(p->prio, i, &sidx);

		if (r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (r < 0)
			continue;
		name = gnutls_cipher_suite_info(sidx, id, &kx, NULL, NULL, NULL);
		if (!name)
			continue;
		p->suite_id[p->n_suites][0] = id[0];
		p->suite_id[p->n_suites][1] = id[1];
		p->suite_group[p->n_suites] = id[0] == 0x13 || kx == GNUTLS_KX_ECDHE_RSA ||
					      kx == GNUTLS_KX_ECDHE_ECDSA || kx == GNUTLS_KX_DHE_RSA;
		p->n_suites++;
		tls_iana_name(name, iana, sizeof(iana));
		join(p->suites, sizeof(p->suites), ", ", iana);
	}
}

static bool revocation_crl(const struct cfg_trustpoint *tp)
{
	if (tp->revocation[0] == CFG_REVOC_NONE_SET)
		return true; /* default: crl */
	for (size_t i = 0; i < 3 && tp->revocation[i] != CFG_REVOC_NONE_SET; i++)
		if (tp->revocation[i] == CFG_REVOC_CRL)
			return true;
	return false;
}

static int load_tp(const struct cfg *c, const char *name, struct pki_tp_info **out, char *err, size_t errsz)
{
	const struct cfg_trustpoint *tp = cfg_trustpoint_find(c, name);
	char e[PKI_ERR_LEN];
	int rc;

	if (!tp) {
		errf(err, errsz, "trustpoint %s is not configured", name);
		return -ENOENT;
	}
	rc = pki_trustpoint_load(tp, out, e, sizeof(e));
	if (rc)
		errf(err, errsz, "trustpoint %s: %s", name, e[0] ? e : strerror(-rc));
	return rc;
}

/* Trust anchors (and CRL) into cred.  Returns 0 or a negative errno. */
static int add_trust(gnutls_certificate_credentials_t cred, struct pki_tp_info *in,
		     const struct cfg_trustpoint *tp, bool allow_system)
{
	int r = 0;

	if (in->n_ca)
		r = gnutls_certificate_set_x509_trust(cred, in->cas, (int)in->n_ca);
	else if (!allow_system && in->has_cert)
		r = gnutls_certificate_set_x509_trust(cred, in->crts + in->n_crts - 1, 1);
	else if (allow_system)
		(void)gnutls_certificate_set_x509_system_trust(cred); /* the trustpool */
	if (r < 0)
		return -EINVAL;
	if (in->crl && revocation_crl(tp) && gnutls_certificate_set_x509_crl(cred, &in->crl, 1) < 0)
		return -EINVAL;
	return 0;
}

int tls_policy_build(const struct cfg *c, const struct cfg_tls_profile *prof,
		     const char *trustpoint, const char *client_vtp,
		     bool cn_san_validate_server, struct tls_policy **out,
		     char *err, size_t errsz)
{
	struct tls_policy *p;
	struct pki_tp_info *tpi = NULL, *vtpi = NULL;
	const char *errpos = NULL;
	bool explicit_list;
	int rc = 0, r;

	*out = NULL;
	if (err && errsz)
		err[0] = '\0';
	if ((!trustpoint || !*trustpoint) && prof)
		trustpoint = prof->trustpoint;
	if ((!client_vtp || !*client_vtp) && prof)
		client_vtp = prof->client_vtp;
	if (!trustpoint || !*trustpoint) {
		errf(err, errsz, "no trustpoint for TLS%s%s", prof ? " in tls-profile " : "",
		     prof ? prof->tag : "");
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->refs = 1;
	snprintf(p->trustpoint, sizeof(p->trustpoint), "%s", trustpoint);
	if (prof)
		snprintf(p->profile, sizeof(p->profile), "%s", prof->tag);
	p->validate_server_name = cn_san_validate_server ||
		(prof && (prof->cn_san_validate == CFG_CNSAN_SERVER || prof->cn_san_validate == CFG_CNSAN_BIDIR));
	p->validate_client_name = prof && (prof->cn_san_validate == CFG_CNSAN_CLIENT ||
					   prof->cn_san_validate == CFG_CNSAN_BIDIR);
	p->request_client_cert = (client_vtp && *client_vtp) || p->validate_client_name;

	if (p->validate_client_name && prof->cn_san.n) {
		p->names = calloc(prof->cn_san.n, sizeof(*p->names));
		if (!p->names) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < prof->cn_san.n; i++)
			snprintf(p->names[p->n_names++], CFG_TEXT_LEN, "%s", prof->cn_san.v[i].name);
	}

	rc = load_tp(c, trustpoint, &tpi, err, errsz);
	if (rc)
		goto out;
	if (client_vtp && *client_vtp) {
		rc = load_tp(c, client_vtp, &vtpi, err, errsz);
		if (rc)
			goto out;
		if (!vtpi->n_ca && !vtpi->has_cert) {
			errf(err, errsz, "client-vtp trustpoint %s has no CA certificate", client_vtp);
			rc = -EINVAL;
			goto out;
		}
	}
	if (gnutls_certificate_allocate_credentials(&p->cli) < 0 ||
	    gnutls_certificate_allocate_credentials(&p->srv) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	if (tpi->has_cert && tpi->key) {
		/* the leaf and every intermediate of the certificate file */
		if (gnutls_certificate_set_x509_key(p->cli, tpi->crts, (int)tpi->n_crts, tpi->key) < 0 ||
		    gnutls_certificate_set_x509_key(p->srv, tpi->crts, (int)tpi->n_crts, tpi->key) < 0) {
			errf(err, errsz, "trustpoint %s: certificate and key refused by GnuTLS", trustpoint);
			rc = -EINVAL;
			goto out;
		}
		p->has_cert = true;
	}
	rc = add_trust(p->cli, tpi, cfg_trustpoint_find(c, trustpoint), true);
	if (!rc && vtpi)
		rc = add_trust(p->srv, vtpi, cfg_trustpoint_find(c, client_vtp), false);
	else if (!rc && p->request_client_cert)
		rc = add_trust(p->srv, tpi, cfg_trustpoint_find(c, trustpoint), false);
	if (rc) {
		errf(err, errsz, "trustpoint %s: CA certificates or CRL refused by GnuTLS",
		     vtpi ? client_vtp : trustpoint);
		goto out;
	}
	if (tpi->crl && revocation_crl(cfg_trustpoint_find(c, trustpoint)))
		snprintf(p->crl_issuer[0], sizeof(p->crl_issuer[0]), "%s", tpi->crl_issuer);
	if (vtpi && vtpi->crl && revocation_crl(cfg_trustpoint_find(c, client_vtp)))
		snprintf(p->crl_issuer[1], sizeof(p->crl_issuer[1]), "%s", vtpi->crl_issuer);
	else if (!vtpi && p->request_client_cert)
		snprintf(p->crl_issuer[1], sizeof(p->crl_issuer[1]), "%s", p->crl_issuer[0]);
	(void)gnutls_certificate_set_known_dh_params(p->srv, GNUTLS_SEC_PARAM_MEDIUM);

	rc = build_priority(p, c, prof, &explicit_list, err, errsz);
	if (rc)
		goto out;
	r = gnutls_priority_init2(&p->prio, p->prio_str, &errpos, 0);
	if (r < 0) {
		errf(err, errsz, "cannot build TLS priorities at \"%.40s\": %s", errpos ? errpos : "",
		     gnutls_strerror(r));
		p->prio = NULL;
		rc = -EINVAL;
		goto out;
	}
	list_suites(p);
	if (!p->n_suites) {
		errf(err, errsz, "no cipher suite is usable with this TLS version");
		rc = -EINVAL;
		goto out;
	}
	*out = p;
	p = NULL;
out:
	pki_tp_info_free(tpi);
	pki_tp_info_free(vtpi);
	tls_policy_unref(p);
	return rc;
}

struct tls_policy *tls_policy_ref(struct tls_policy *p)
{
	if (p)
		__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
	return p;
}

void tls_policy_unref(struct tls_policy *p)
{
	if (!p || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (p->prio)
		gnutls_priority_deinit(p->prio);
	if (p->cli)
		gnutls_certificate_free_credentials(p->cli);
	if (p->srv)
		gnutls_certificate_free_credentials(p->srv);
	free(p->names);
	free(p);
}

const char *tls_policy_priority_string(const struct tls_policy *p) { return p->prio_str; }
const char *tls_policy_suites(const struct tls_policy *p) { return p->suites; }
const char *tls_policy_note(const struct tls_policy *p) { return p->note; }
const char *tls_policy_trustpoint(const struct tls_policy *p) { return p->trustpoint; }
bool tls_policy_validates_client_name(const struct tls_policy *p) { return p->validate_client_name; }
void tls_policy_groups_text(const struct tls_policy *p, char *buf, size_t sz)
{
	tls_groups_text(p->groups, p->n_groups, buf, sz);
}
const char *tls_policy_profile(const struct tls_policy *p) { return p->profile; }
const char *tls_policy_crl_issuer(const struct tls_policy *p, bool server) { return p->crl_issuer[server]; }
bool tls_policy_requests_client_cert(const struct tls_policy *p) { return p->request_client_cert; }
bool tls_policy_validates_server_name(const struct tls_policy *p) { return p->validate_server_name; }
bool tls_policy_has_certificate(const struct tls_policy *p) { return p->has_cert; }
gnutls_priority_t tls_policy_prio(const struct tls_policy *p) { return p->prio; }

gnutls_certificate_credentials_t tls_policy_cred(const struct tls_policy *p, bool server)
{
	return server ? p->srv : p->cli;
}

bool tls_policy_has_suite(const struct tls_policy *p, const uint8_t id[2], bool *needs_group)
{
	for (size_t i = 0; i < p->n_suites; i++) {
		if (p->suite_id[i][0] == id[0] && p->suite_id[i][1] == id[1]) {
			if (needs_group)
				*needs_group = p->suite_group[i];
			return true;
		}
	}
	return false;
}

bool tls_policy_has_version(const struct tls_policy *p, uint16_t version)
{
	return (version == 0x0303 && p->v12) || (version == 0x0304 && p->v13);
}

bool tls_policy_has_group(const struct tls_policy *p, uint16_t group)
{
	for (size_t i = 0; i < p->n_groups; i++)
		if (p->groups[i] == group)
			return true;
	return false;
}

/* "*.example.com" matches exactly one more label. */
static bool wild_match(const char *pat, const char *name)
{
	const char *dot = strchr(name, '.');

	if (strncmp(pat, "*.", 2))
		return !strcasecmp(pat, name);
	return dot && dot != name && !strcasecmp(dot + 1, pat + 2);
}

void tls_policy_client_names(const struct tls_policy *p, char *buf, size_t sz)
{
	buf[0] = '\0';
	for (size_t i = 0; p->validate_client_name && i < p->n_names; i++)
		join(buf, sz, " or ", p->names[i]);
}

bool tls_policy_client_name_ok(const struct tls_policy *p, gnutls_x509_crt_t crt,
			       char *names, size_t namesz)
{
	char buf[TLS_NAME_LEN];
	bool any_dns = false;

	if (names && namesz)
		names[0] = '\0';
	if (!p->validate_client_name || !p->n_names)
		return true;
	for (size_t i = 0; i < p->n_names; i++)
		if (names)
			join(names, namesz, " or ", p->names[i]);
	for (unsigned k = 0;; k++) {
		size_t sz = sizeof(buf);
		int t = gnutls_x509_crt_get_subject_alt_name(crt, k, buf, &sz, NULL);

		if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (t != GNUTLS_SAN_DNSNAME)
			continue;
		any_dns = true;
		for (size_t i = 0; i < p->n_names; i++)
			if (wild_match(p->names[i], buf))
				return true;
	}
	if (!any_dns) {
		size_t sz = sizeof(buf);

		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &sz) >= 0)
			for (size_t i = 0; i < p->n_names; i++)
				if (wild_match(p->names[i], buf))
					return true;
	}
	return false;
}
