/* cmd_show_pki.c - EXEC commands `show crypto pki trustpoints [NAME | status]`
 * and `show crypto pki certificates [verbose] [NAME]` (layer 7).
 *
 * Each trustpoint of the session's configuration is loaded and checked on
 * demand with pki_trustpoint_load(), so the output reflects the files as
 * they are now: certificate details, CA certificates, revocation setting,
 * file status, warnings (expired, revoked ...) or the precise load error.
 * Private keys are never printed: only their type and size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/config.h"
#include "core/pki.h"

#define H_SHOW_PKI "Show running system information\n" \
		   "Encryption module\n"                   \
		   "Public Key components\n"

/* ------------------------------------------------------------------ */
/* helpers                                                              */

/* "    Label ........... value" with the value at a fixed column. */
static void pki_dots(struct vty *vty, const char *label, const char *fmt, const char *val)
{
	char lead[40];
	size_t n = (size_t)snprintf(lead, sizeof(lead), "%s ", label);

	while (n < 26 && n < sizeof(lead) - 1)
		lead[n++] = '.';
	lead[n] = '\0';
	vty_out(vty, "    %s ", lead);
	vty_out(vty, fmt, val);
	vty_out(vty, "\n");
}

/* Print an RFC 4514 DN one attribute a line, attribute names in lower case
 * as IOS does ("cn=sbc.example.com").  Escaped commas stay in the value. */
static void pki_dn_lines(struct vty *vty, const char *indent, const char *dn)
{
	char line[PKI_DN_LEN];
	size_t o = 0;
	bool in_name = true;

	for (const char *p = dn;; p++) {
		if (*p == '\0' || (*p == ',' && (p == dn || p[-1] != '\\'))) {
			line[o] = '\0';
			if (o)
				vty_out(vty, "%s%s\n", indent, line);
			o = 0;
			in_name = true;
			if (*p == '\0')
				break;
			continue;
		}
		if (*p == '=')
			in_name = false;
		if (o < sizeof(line) - 1)
			line[o++] = (in_name && *p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
}

static void pki_revocation(struct vty *vty, const struct cfg_trustpoint *tp)
{
	vty_out(vty, "  Revocation check:");
	if (tp->revocation[0] == CFG_REVOC_NONE_SET) {
		vty_out(vty, " crl (default)\n");
		return;
	}
	for (int i = 0; i < 3 && tp->revocation[i] != CFG_REVOC_NONE_SET; i++)
		vty_out(vty, " %s", tp->revocation[i] == CFG_REVOC_CRL ? "crl" : "none");
	vty_out(vty, "\n");
}

static void pki_cert_lines(struct vty *vty, const struct pki_cert_info *ci, bool full)
{
	char t1[48], t2[48];

	vty_out(vty, "    Subject Name: %s\n", ci->subject);
	vty_out(vty, "    Issuer Name: %s\n", ci->issuer);
	vty_out(vty, "    Serial Number (hex): %s\n", ci->serial);
	vty_out(vty, "    Validity start date: %s%s\n", pki_time_str(ci->not_before, t1, sizeof(t1)),
		ci->not_yet_valid ? " (not yet valid)" : "");
	if (ci->days_left >= 0)
		vty_out(vty, "    Validity end date: %s (%ld day%s left)\n",
			pki_time_str(ci->not_after, t2, sizeof(t2)), ci->days_left,
			ci->days_left == 1 ? "" : "s");
	else
		vty_out(vty, "    Validity end date: %s (expired %ld day%s ago)\n",
			pki_time_str(ci->not_after, t2, sizeof(t2)), -ci->days_left,
			ci->days_left == -1 ? "" : "s");
	if (full) {
		if (ci->curve[0])
			vty_out(vty, "    Public Key: %s %u bits (%s)\n", ci->key_type, ci->key_bits, ci->curve);
		else
			vty_out(vty, "    Public Key: %s %u bits\n", ci->key_type, ci->key_bits);
		vty_out(vty, "    Signature Algorithm: %s\n", ci->sig_alg);
	}
	vty_out(vty, "    Fingerprint SHA256: %s\n", ci->sha256);
}

/* ------------------------------------------------------------------ */
/* show crypto pki trustpoints                                          */

static void show_one_tp(struct vty *vty, const struct cfg_trustpoint *tp)
{
	struct pki_tp_info *in = NULL;
	char err[PKI_ERR_LEN], val[CFG_PATH_LEN + 128];
	int rc = pki_trustpoint_load(tp, &in, err, sizeof(err));

	vty_out(vty, "Trustpoint %s:\n", tp->name);
	if (rc == 0 && in->has_cert) {
		vty_out(vty, "  %s certificate configured:\n",
			in->cert.self_signed ? "Router Self-Signed" : "Router General Purpose");
		pki_cert_lines(vty, &in->cert, true);
	}
	for (size_t i = 0; rc == 0 && i < in->n_chain; i++) {
		vty_out(vty, "  Intermediate CA certificate (certificate file):\n");
		pki_cert_lines(vty, &in->chain[i], false);
	}
	for (size_t i = 0; rc == 0 && i < in->n_ca; i++) {
		vty_out(vty, "  Issuing CA certificate configured:\n");
		pki_cert_lines(vty, &in->ca[i], false);
	}
	pki_revocation(vty, tp);

	if (!tp->cert_file[0] && !tp->key_file[0] && !tp->ca_file[0] && !tp->crl_file[0]) {
		vty_out(vty, "  No certificate files configured\n");
	} else {
		vty_out(vty, "  State:\n");
		if (tp->cert_file[0]) {
			if (rc == 0)
				snprintf(val, sizeof(val), "%s (%zu certificate%s)", tp->cert_file,
					 in->n_crts, in->n_crts == 1 ? "" : "s");
			pki_dots(vty, "Certificate file", "%s", rc == 0 ? val : tp->cert_file);
		}
		if (tp->key_file[0]) {
			if (rc == 0)
				snprintf(val, sizeof(val), "%s (%s %u bits%s)", tp->key_file, in->key_type,
					 in->key_bits, in->has_cert ? ", matches certificate" : "");
			pki_dots(vty, "Private key file", "%s", rc == 0 ? val : tp->key_file);
		}
		if (tp->ca_file[0]) {
			if (rc == 0)
				snprintf(val, sizeof(val), "%s (%zu certificate%s)", tp->ca_file,
					 in->n_ca, in->n_ca == 1 ? "" : "s");
			pki_dots(vty, "CA certificate file", "%s", rc == 0 ? val : tp->ca_file);
		}
		if (tp->crl_file[0]) {
			if (rc == 0) {
				char tb[48];

				snprintf(val, sizeof(val), "%s (%u revoked, next update %s)", tp->crl_file,
					 in->crl_revoked, in->crl_next_update
					 ? pki_time_str(in->crl_next_update, tb, sizeof(tb)) : "none");
			}
			pki_dots(vty, "CRL file", "%s", rc == 0 ? val : tp->crl_file);
		}
		if (rc == 0 && in->has_cert) {
			if (in->chain_ok)
				pki_dots(vty, "Chain validated", "Yes (to %s)", in->chain_anchor);
			else
				pki_dots(vty, "Chain validated", "%s", "No (no ca-certificate file)");
		}
	}
	if (rc == 0 && in->warn_text[0]) {
		const char *p = in->warn_text;

		while (*p) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);

			vty_out(vty, "  Warning: %.*s\n", len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	if (rc != 0)
		vty_out(vty, "  Error: %s\n", err);
	pki_tp_info_free(in);
}

CLI_CMD(show_pki_trustpoints, MODE_EXEC, CLI_F_PIPE,
	"show crypto pki trustpoints [WORD$name]",
	H_SHOW_PKI
	"Show trustpoints\n"
	"Trustpoint name\n")
{
	const char *name = cli_get(a, "name");
	const struct cfg *c = vty->cfg;
	bool first = true;

	if (name && !cfg_trustpoint_find(c, name))
		return vty_err(vty, "%% Trustpoint %s is not configured", name);
	for (size_t i = 0; i < c->trustpoints.n; i++) {
		const struct cfg_trustpoint *tp = &c->trustpoints.v[i];

		if (name && strcmp(tp->name, name) != 0)
			continue;
		if (!first)
			vty_out(vty, "\n");
		first = false;
		show_one_tp(vty, tp);
	}
	return CLI_OK;
}

/* show crypto pki trustpoints status: IOS's summary of each trustpoint's
 * state (issuing CA, identity certificate, keys), one block per trustpoint. */
static void show_tp_status(struct vty *vty, const struct cfg_trustpoint *tp)
{
	struct pki_tp_info *in = NULL;
	char err[PKI_ERR_LEN], val[160];
	int rc = pki_trustpoint_load(tp, &in, err, sizeof(err));

	vty_out(vty, "Trustpoint %s:\n", tp->name);
	if (rc != 0) {
		vty_out(vty, "  State:\n");
		pki_dots(vty, "Loaded", "No (%s)", err);
		return;
	}
	for (size_t i = 0; i < in->n_ca; i++) {
		vty_out(vty, "  Issuing CA certificate configured:\n");
		vty_out(vty, "    Subject Name:\n");
		pki_dn_lines(vty, "     ", in->ca[i].subject);
		vty_out(vty, "    Fingerprint SHA256: %s\n", in->ca[i].sha256);
	}
	if (in->has_cert) {
		vty_out(vty, "  %s certificate configured:\n",
			in->cert.self_signed ? "Router Self-Signed" : "Router General Purpose");
		vty_out(vty, "    Subject Name:\n");
		pki_dn_lines(vty, "     ", in->cert.subject);
		vty_out(vty, "    Fingerprint SHA256: %s\n", in->cert.sha256);
	}
	vty_out(vty, "  State:\n");
	if (in->has_key)
		snprintf(val, sizeof(val), "Yes (%s %u bits, from the key file)", in->key_type, in->key_bits);
	pki_dots(vty, "Keys generated", "%s", in->has_key ? val : "No");
	pki_dots(vty, "Issuing CA authenticated", "%s",
		 !in->n_ca ? "No" : in->has_cert && !in->chain_ok ? "Yes (chain not verified)" : "Yes");
	if (in->has_cert && in->cert.days_left >= 0)
		snprintf(val, sizeof(val), "Yes (certificate installed, %ld day%s left)", in->cert.days_left,
			 in->cert.days_left == 1 ? "" : "s");
	else if (in->has_cert)
		snprintf(val, sizeof(val), "Yes (certificate installed, expired)");
	pki_dots(vty, "Certificate request(s)", "%s", in->has_cert ? val : "None");
	pki_tp_info_free(in);
}

CLI_CMD(show_pki_trustpoints_status, MODE_EXEC, CLI_F_PIPE,
	"show crypto pki trustpoints status",
	H_SHOW_PKI
	"Show trustpoints\n"
	"Show trustpoint status\n")
{
	const struct cfg *c = vty->cfg;
	for (size_t i = 0; i < c->trustpoints.n; i++) {
		if (i)
			vty_out(vty, "\n");
		show_tp_status(vty, &c->trustpoints.v[i]);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show crypto pki certificates                                         */

struct pki_block {                 /* one certificate to print (borrowed pointers) */
	const struct pki_cert_info *ci;
	bool identity;
	char tps[256];                 /* "TP1 TP2", each trustpoint once */
	const char *storage;           /* the file it was read from (configuration, borrowed) */
};

struct pki_blocks {                /* ownership: blocks array owned; ci point into infos */
	struct pki_block *v;
	size_t n, cap;
};

/* Whether the space-separated list has the name. */
static bool tps_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static int pki_block_add(struct pki_blocks *b, const struct pki_cert_info *ci, bool identity,
			 const char *tp, const char *storage)
{
	for (size_t i = 0; i < b->n; i++) {
		struct pki_block *k = &b->v[i];
		size_t len;

		if (k->identity != identity || strcmp(k->ci->sha256, ci->sha256) != 0)
			continue;
		if (tps_has(k->tps, tp)) /* in both the certificate and the CA file of one trustpoint */
			return 0;
		len = strlen(k->tps);
		snprintf(k->tps + len, sizeof(k->tps) - len, " %s", tp);
		return 0;
	}
	if (cfg_vec_grow((void **)&b->v, &b->cap, b->n + 1, sizeof(*b->v)))
		return -1;
	b->v[b->n].ci = ci;
	b->v[b->n].identity = identity;
	b->v[b->n].storage = storage;
	snprintf(b->v[b->n].tps, sizeof(b->v[b->n].tps), "%s", tp);
	b->n++;
	return 0;
}

static const char *key_algorithm(const char *key_type)
{
	if (!strcmp(key_type, "RSA"))
		return "rsaEncryption";
	if (!strcmp(key_type, "EC"))
		return "id-ecPublicKey";
	return key_type;
}

static void pki_block_print(struct vty *vty, const struct pki_block *k, bool verbose)
{
	const struct pki_cert_info *ci = k->ci;
	char tb[48];

	if (!k->identity)
		vty_out(vty, "CA Certificate\n");
	else if (ci->self_signed)
		vty_out(vty, "Router Self-Signed Certificate\n");
	else
		vty_out(vty, "Certificate\n");
	vty_out(vty, "  Status: Available\n");
	vty_out(vty, "  Certificate Serial Number (hex): %s\n", ci->serial);
	vty_out(vty, "  Certificate Usage: %s\n", k->identity ? "General Purpose" : "Signature");
	vty_out(vty, "  Issuer:\n");
	pki_dn_lines(vty, "    ", ci->issuer);
	vty_out(vty, "  Subject:\n");
	if (ci->cn[0])
		vty_out(vty, "    Name: %s\n", ci->cn);
	pki_dn_lines(vty, "    ", ci->subject);
	if (ci->crl_dp[0]) {
		vty_out(vty, "  CRL Distribution Points:\n");
		vty_out(vty, "    %s\n", ci->crl_dp);
	}
	vty_out(vty, "  Validity Date:\n");
	vty_out(vty, "    start date: %s\n", pki_time_str(ci->not_before, tb, sizeof(tb)));
	vty_out(vty, "    end   date: %s\n", pki_time_str(ci->not_after, tb, sizeof(tb)));
	if (verbose) {
		vty_out(vty, "  Subject Key Info:\n");
		vty_out(vty, "    Public Key Algorithm: %s\n", key_algorithm(ci->key_type));
		if (ci->curve[0])
			vty_out(vty, "    %s Public Key: (%u bit, %s)\n", ci->key_type, ci->key_bits, ci->curve);
		else
			vty_out(vty, "    %s Public Key: (%u bit)\n", ci->key_type, ci->key_bits);
		vty_out(vty, "  Signature Algorithm: %s\n", ci->sig_alg);
		vty_out(vty, "  Fingerprint SHA256: %s\n", ci->sha256);
		vty_out(vty, "  Basic Constraints: %s\n", ci->is_ca ? "CA" : "not a CA");
		if (ci->expired || ci->not_yet_valid)
			vty_out(vty, "  Validity: %s\n", ci->expired ? "expired" : "not yet valid");
	}
	vty_out(vty, "  Associated Trustpoints: %s\n", k->tps);
	if (verbose && k->storage && k->storage[0])
		vty_out(vty, "  Storage: %s\n", k->storage);
}

/* verbose: what else each trustpoint loaded (the key, the CRL), after its certificates */
static void pki_tp_verbose(struct vty *vty, const struct cfg_trustpoint *tp, const struct pki_tp_info *in)
{
	char tb[48];
	vty_out(vty, "\nTrustpoint %s files\n", tp->name);
	vty_out(vty, "  Certificate file: %s\n", tp->cert_file[0] ? tp->cert_file : "none");
	if (in->has_key)
		vty_out(vty, "  Key file: %s (%s %u bits%s)\n", tp->key_file, in->key_type, in->key_bits,
			in->has_cert ? ", matches the certificate" : "");
	else
		vty_out(vty, "  Key file: %s\n", tp->key_file[0] ? tp->key_file : "none");
	vty_out(vty, "  CA certificate file: %s", tp->ca_file[0] ? tp->ca_file : "none");
	if (tp->ca_file[0])
		vty_out(vty, " (%zu certificate%s)", in->n_ca, in->n_ca == 1 ? "" : "s");
	vty_out(vty, "\n");
	if (in->has_cert)
		vty_out(vty, "  Chain validated: %s%s\n", in->chain_ok ? "Yes, to " : "No",
			in->chain_ok ? in->chain_anchor : "");
	if (!in->has_crl) {
		vty_out(vty, "  CRL: %s\n", tp->crl_file[0] ? tp->crl_file : "none");
		return;
	}
	vty_out(vty, "  CRL: %s\n", tp->crl_file);
	vty_out(vty, "    Issuer:\n");
	pki_dn_lines(vty, "      ", in->crl_issuer);
	vty_out(vty, "    This update: %s\n", pki_time_str(in->crl_this_update, tb, sizeof(tb)));
	vty_out(vty, "    Next update: %s%s\n",
		in->crl_next_update ? pki_time_str(in->crl_next_update, tb, sizeof(tb)) : "none",
		in->warnings & PKI_W_CRL_EXPIRED ? " (expired)" : "");
	vty_out(vty, "    Revoked certificates: %u\n", in->crl_revoked);
}

/* Identity certificates first, then CA certificates, each once. */
static int pki_blocks_collect(struct pki_blocks *b, struct pki_tp_info *const *infos, size_t n,
			      const struct cfg *c)
{
	for (size_t i = 0; i < n; i++)
		if (infos[i] && infos[i]->has_cert &&
		    pki_block_add(b, &infos[i]->cert, true, infos[i]->name, c->trustpoints.v[i].cert_file))
			return -1;
	for (size_t i = 0; i < n; i++) {
		const struct pki_tp_info *in = infos[i];
		const struct cfg_trustpoint *tp = &c->trustpoints.v[i];

		for (size_t j = 0; in && j < in->n_chain; j++)
			if (pki_block_add(b, &in->chain[j], false, in->name, tp->cert_file))
				return -1;
		for (size_t j = 0; in && j < in->n_ca; j++)
			if (pki_block_add(b, &in->ca[j], false, in->name, tp->ca_file))
				return -1;
	}
	return 0;
}

static int show_certs(struct vty *vty, const char *name, bool verbose)
{
	const struct cfg *c = vty->cfg;
	struct pki_tp_info **infos = NULL;
	struct pki_blocks b = { NULL, 0, 0 };
	char err[PKI_ERR_LEN];
	size_t n = c->trustpoints.n;
	int rc = CLI_OK;

	if (name && !cfg_trustpoint_find(c, name))
		return vty_err(vty, "%% Trustpoint %s is not configured", name);
	if (n) {
		infos = calloc(n, sizeof(*infos));
		if (!infos)
			return vty_err(vty, "%% Out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const struct cfg_trustpoint *tp = &c->trustpoints.v[i];

		if (name && strcmp(tp->name, name) != 0)
			continue;
		if (pki_trustpoint_load(tp, &infos[i], err, sizeof(err)) != 0)
			vty_out(vty, "%% Trustpoint %s: %s\n\n", tp->name, err);
	}
	if (pki_blocks_collect(&b, infos, n, c)) {
		rc = vty_err(vty, "%% Out of memory");
		goto out;
	}
	for (size_t i = 0; i < b.n; i++) {
		pki_block_print(vty, &b.v[i], verbose);
		if (i + 1 < b.n)
			vty_out(vty, "\n");
	}
	for (size_t i = 0; verbose && i < n; i++)
		if (infos[i])
			pki_tp_verbose(vty, &c->trustpoints.v[i], infos[i]);
out:
	for (size_t i = 0; i < n; i++)
		pki_tp_info_free(infos[i]);
	free(infos);
	free(b.v);
	return rc;
}

CLI_CMD(show_pki_certificates, MODE_EXEC, CLI_F_PIPE,
	"show crypto pki certificates [WORD$name]",
	H_SHOW_PKI
	"Show certificates\n"
	"Trustpoint name\n")
{
	return show_certs(vty, cli_get(a, "name"), false);
}

CLI_CMD(show_pki_certificates_verbose, MODE_EXEC, CLI_F_PIPE,
	"show crypto pki certificates verbose [WORD$name]",
	H_SHOW_PKI
	"Show certificates\n"
	"Display in verbose mode (keys, fingerprints, files, CRL)\n"
	"Trustpoint name\n")
{
	return show_certs(vty, cli_get(a, "name"), true);
}
