/* cmd_pki.c - the `crypto pki trustpoint NAME` mode (ca-trustpoint):
 * enrollment, subject names, revocation checking, key pairs, chain
 * validation and the Linux-friendly certificate/key/CA/CRL file sources.
 * Files are only named here; they are read and checked at commit. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

static struct cfg_trustpoint *tp(struct vty *vty)
{
	struct cfg_trustpoint *t = cfg_trustpoint_get(vty->cfg, vty->ctx_name);

	if (!t)
		vty_err(vty, "%% Out of memory");
	return t;
}

CLI_CMD(tp_enrollment, MODE_TRUSTPOINT, CLI_F_NO,
	"enrollment {terminal [pem]|selfsigned}",
	"Enrollment parameters\n"
	"Enroll by cut-and-paste on the terminal\n"
	"Certificates in PEM format\n"
	"Generate a self-signed certificate\n")
{
	struct cfg_trustpoint *t = tp(vty);
	enum cfg_enroll e = CFG_ENROLL_NONE;

	if (!t)
		return CLI_ERR;
	if (!a->no) {
		if (cli_has(a, "selfsigned"))
			e = CFG_ENROLL_SELFSIGNED;
		else if (cli_has(a, "pem"))
			e = CFG_ENROLL_TERMINAL_PEM;
		else if (cli_has(a, "terminal"))
			e = CFG_ENROLL_TERMINAL;
		else
			return cmdu_incomplete(vty);
	}
	if (t->enrollment != e) {
		t->enrollment = e;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(tp_subject_name, MODE_TRUSTPOINT, CLI_F_NO,
	"subject-name LINE$text",
	"Subject name of the certificate request\n"
	"Distinguished name, e.g. CN=cube.example.com,O=Example\n")
{
	struct cfg_trustpoint *t = tp(vty);
	const char *s = cli_get(a, "text");

	if (!t)
		return CLI_ERR;
	if (a->no)
		return cmdu_set(vty, t->subject_name, sizeof(t->subject_name), "", "Subject name");
	if (!s)
		return cmdu_incomplete(vty);
	if (!strchr(s, '='))
		return vty_err(vty, "%% Invalid subject name \"%s\": expected ATTR=VALUE[,ATTR=VALUE...]",
			       s);
	return cmdu_set(vty, t->subject_name, sizeof(t->subject_name), s, "Subject name");
}

CLI_CMD(tp_subject_alt_name, MODE_TRUSTPOINT, CLI_F_NO,
	"subject-alt-name LINE$text",
	"Subject alternative name of the certificate request\n"
	"Host name (FQDN)\n")
{
	struct cfg_trustpoint *t = tp(vty);
	const char *s = cli_get(a, "text");

	if (!t)
		return CLI_ERR;
	if (a->no)
		return cmdu_set(vty, t->subject_alt_name, sizeof(t->subject_alt_name), "",
				"Subject alternative name");
	if (!s)
		return cmdu_incomplete(vty);
	return cmdu_set(vty, t->subject_alt_name, sizeof(t->subject_alt_name), s,
			"Subject alternative name");
}

CLI_CMD(tp_revocation_check, MODE_TRUSTPOINT, CLI_F_NO,
	"revocation-check {crl|none}...",
	"Revocation checking of peer certificates (methods tried in order)\n"
	"Check the certificate revocation list (CRL)\n"
	"Do not check revocation\n")
{
	struct cfg_trustpoint *t = tp(vty);
	enum cfg_revocation list[3] = { CFG_REVOC_NONE_SET, CFG_REVOC_NONE_SET, CFG_REVOC_NONE_SET };
	size_t n = 0, j;
	int k;

	if (!t)
		return CLI_ERR;
	for (k = 0; !a->no && k < a->n; k++) {
		enum cfg_revocation r;

		if (!a->t[k].kw)
			continue;
		if (strcmp(a->t[k].kw, "crl") == 0)
			r = CFG_REVOC_CRL;
		else if (strcmp(a->t[k].kw, "none") == 0)
			r = CFG_REVOC_NONE;
		else
			continue;
		for (j = 0; j < n && list[j] != r; j++)
			;
		if (j < n)
			return vty_err(vty, "%% Revocation method %s is listed twice", a->t[k].kw);
		list[n++] = r;
	}
	if (!a->no && n == 0)
		return cmdu_incomplete(vty);
	if (memcmp(t->revocation, list, sizeof(list)) != 0) {
		memcpy(t->revocation, list, sizeof(list));
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* A trustpoint has one key pair: RSA or EC. */
CLI_CMD(tp_rsakeypair, MODE_TRUSTPOINT, CLI_F_NO,
	"rsakeypair WORD$label [<512-4096>$bits]",
	"RSA key pair of this trustpoint\n"
	"Key pair label\n"
	"Key size in bits\n")
{
	struct cfg_trustpoint *t = tp(vty);
	const char *label = cli_get(a, "label");
	uint16_t bits;

	if (!t)
		return CLI_ERR;
	if (a->no) {
		if (t->rsa_bits) {
			t->rsa_bits = 0;
			cmdu_changed(vty);
		}
		return cmdu_set(vty, t->rsakeypair, sizeof(t->rsakeypair), "", "Key label");
	}
	if (cmdu_name(vty, label, "key label") < 0)
		return CLI_ERR;
	bits = (uint16_t)cli_num(a, "bits", 0);
	if (bits % 8)
		return vty_err(vty, "%% The key size must be a multiple of 8 bits");
	if (t->rsa_bits != bits || t->eckeypair[0]) {
		t->rsa_bits = bits;
		cmdu_changed(vty);
	}
	cmdu_set(vty, t->eckeypair, sizeof(t->eckeypair), "", "Key label");
	return cmdu_set(vty, t->rsakeypair, sizeof(t->rsakeypair), label, "Key label");
}

CLI_CMD(tp_eckeypair, MODE_TRUSTPOINT, CLI_F_NO,
	"eckeypair WORD$label",
	"EC key pair of this trustpoint\n"
	"Key pair label\n")
{
	struct cfg_trustpoint *t = tp(vty);
	const char *label = cli_get(a, "label");

	if (!t)
		return CLI_ERR;
	if (a->no)
		return cmdu_set(vty, t->eckeypair, sizeof(t->eckeypair), "", "Key label");
	if (cmdu_name(vty, label, "key label") < 0)
		return CLI_ERR;
	if (t->rsakeypair[0] || t->rsa_bits) {
		t->rsakeypair[0] = '\0';
		t->rsa_bits = 0;
		cmdu_changed(vty);
	}
	return cmdu_set(vty, t->eckeypair, sizeof(t->eckeypair), label, "Key label");
}

CLI_CMD(tp_chain_validation, MODE_TRUSTPOINT, CLI_F_NO,
	"chain-validation",
	"Validate the certificate chain up to a trusted root\n")
{
	struct cfg_trustpoint *t = tp(vty);

	if (!t)
		return CLI_ERR;
	if (t->chain_validation != !a->no) {
		t->chain_validation = !a->no;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* `certificate file`, `private-key file`, `ca-certificate file`, `crl file`. */
static int tp_file(struct vty *vty, const struct cli_args *a, size_t off, const char *what)
{
	struct cfg_trustpoint *t = tp(vty);
	const char *path = cli_get(a, "path");
	char *field;
	size_t i;

	if (!t)
		return CLI_ERR;
	field = (char *)t + off;
	if (a->no)
		return cmdu_set(vty, field, CFG_PATH_LEN, "", what);
	if (!path)
		return cmdu_incomplete(vty);
	for (i = 0; path[i]; i++)
		if ((unsigned char)path[i] < 0x20)
			return vty_err(vty, "%% Invalid file name");
	return cmdu_set(vty, field, CFG_PATH_LEN, path, what);
}

#define FILE_HELP "Read from a file (PEM or DER)\n" "Path of the file\n"

CLI_CMD(tp_certificate_file, MODE_TRUSTPOINT, CLI_F_NO,
	"certificate file WORD$path",
	"Certificate of this trustpoint (with its chain, if the file holds one)\n"
	FILE_HELP)
{
	return tp_file(vty, a, offsetof(struct cfg_trustpoint, cert_file), "File name");
}

CLI_CMD(tp_private_key_file, MODE_TRUSTPOINT, CLI_F_NO,
	"private-key file WORD$path",
	"Private key of this trustpoint's certificate (never displayed)\n"
	FILE_HELP)
{
	return tp_file(vty, a, offsetof(struct cfg_trustpoint, key_file), "File name");
}

CLI_CMD(tp_ca_certificate_file, MODE_TRUSTPOINT, CLI_F_NO,
	"ca-certificate file WORD$path",
	"CA certificates trusted by this trustpoint (one file may hold several)\n"
	FILE_HELP)
{
	return tp_file(vty, a, offsetof(struct cfg_trustpoint, ca_file), "File name");
}

CLI_CMD(tp_crl_file, MODE_TRUSTPOINT, CLI_F_NO,
	"crl file WORD$path",
	"Certificate revocation list of this trustpoint\n"
	FILE_HELP)
{
	return tp_file(vty, a, offsetof(struct cfg_trustpoint, crl_file), "File name");
}
