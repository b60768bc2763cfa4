/* cmd_class_tls.c - the TLS voice classes (config-class): `voice class
 * tls-cipher TAG` (ordered cipher-suite lists) and `voice class tls-profile
 * TAG` (trustpoint, ciphers, CN/SAN validation, SNI, ECDH curves). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

/* ------------------------------------------------------------------ */
/* voice class tls-cipher                                               */

#define TLS12 "supported in TLS 1.2 & above\n"
#define TLS10 "supported in TLS 1.0 & above\n"
#define TLS13 "supported in TLS 1.3\n"

CLI_CMD(tc_cipher, MODE_CLASS_TLS_CIPHER, CLI_F_NO,
	"cipher <1-10>$pri {ECDHE_RSA_AES128_GCM_SHA256|ECDHE_RSA_AES256_GCM_SHA384"
	"|ECDHE_ECDSA_AES128_GCM_SHA256|ECDHE_ECDSA_AES256_GCM_SHA384"
	"|DHE_RSA_AES128_GCM_SHA256|DHE_RSA_AES256_GCM_SHA384"
	"|ECDHE_RSA_AES128_SHA256|ECDHE_RSA_AES256_SHA384|ECDHE_ECDSA_AES256_SHA384"
	"|DHE_RSA_AES128_SHA256|DHE_RSA_AES256_SHA256"
	"|ECDHE_RSA_WITH_AES_256_CBC_SHA|DHE_RSA_WITH_AES_128_CBC_SHA|DHE_RSA_WITH_AES_256_CBC_SHA"
	"|RSA_WITH_AES_128_CBC_SHA|RSA_WITH_AES_256_CBC_SHA|RSA_WITH_AES_256_CBC_SHA256"
	"|RSA_WITH_AES_128_GCM_SHA256|RSA_WITH_AES_256_GCM_SHA384"
	"|AES128_GCM_SHA256|AES256_GCM_SHA384|CHACHA20_POLY1305_SHA256}",
	"Set a cipher-suite of this TLS cipher list\n"
	"Set the preference order for the TLS cipher-suite (1 = Highest)\n"
	TLS12 TLS12 TLS12 TLS12 TLS12 TLS12
	TLS12 TLS12 TLS12 TLS12 TLS12
	TLS10 TLS10 TLS10
	TLS10 TLS10 TLS12
	TLS12 TLS12
	TLS13 TLS13 TLS13)
{
	struct cfg_tls_cipher *tc = cfg_tls_cipher_get(vty->cfg, vty->ctx_name);
	const struct cfg_cipher_info *ci = NULL;
	struct cfg_tls_cipher_entry e;
	long pri = cli_num(a, "pri", 0);
	size_t i;
	int k;

	if (!tc)
		return vty_err(vty, "%% Out of memory");
	for (k = 0; k < a->n && !ci; k++)
		if (a->t[k].kw)
			ci = cfg_cipher_by_name(a->t[k].kw);
	if (a->no) {
		i = 0;
		while (i < tc->e.n) {  /* `no cipher` removes them all */
			if (!pri || tc->e.v[i].pri == pri) {
				CFG_VEC_DEL(tc->e, i);
				cmdu_changed(vty);
			} else {
				i++;
			}
		}
		return CLI_OK;
	}
	if (!pri || !ci)
		return cmdu_incomplete(vty);
	for (i = 0; i < tc->e.n; i++)
		if (tc->e.v[i].cipher == ci->id && tc->e.v[i].pri != pri)
			return vty_err(vty, "%% Cipher-suite %s is already configured with preference %u",
				       ci->name, (unsigned)tc->e.v[i].pri);
	for (i = 0; i < tc->e.n && tc->e.v[i].pri < pri; i++)
		;
	if (i < tc->e.n && tc->e.v[i].pri == pri) {
		if (tc->e.v[i].cipher != ci->id) {
			tc->e.v[i].cipher = ci->id;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	e.pri = (uint8_t)pri;
	e.cipher = ci->id;
	if (CFG_VEC_PUSH(tc->e, e) < 0)
		return vty_err(vty, "%% Out of memory");
	memmove(&tc->e.v[i + 1], &tc->e.v[i], (tc->e.n - 1 - i) * sizeof(e));
	tc->e.v[i] = e;
	cmdu_changed(vty);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* voice class tls-profile                                              */

static struct cfg_tls_profile *profile(struct vty *vty)
{
	struct cfg_tls_profile *p = cfg_tls_profile_get(vty->cfg, vty->ctx_name);

	if (!p)
		vty_err(vty, "%% Out of memory");
	return p;
}

CLI_CMD(prof_description, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"description LINE$text",
	"Describe this voice class\n"
	"Description text (up to 255 characters)\n")
{
	struct cfg_tls_profile *p = profile(vty);

	if (!p)
		return CLI_ERR;
	if (!a->no && !cli_get(a, "text"))
		return cmdu_incomplete(vty);
	return cmdu_set(vty, p->description, sizeof(p->description),
			a->no ? "" : cli_get(a, "text"), "Description");
}

CLI_CMD(prof_trustpoint, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"trustpoint WORD$tp",
	"Trustpoint whose certificate this profile presents\n"
	"Trustpoint name\n")
{
	struct cfg_tls_profile *p = profile(vty);
	const char *tp = cli_get(a, "tp");

	if (!p)
		return CLI_ERR;
	if (!a->no) {
		if (!tp)
			return cmdu_incomplete(vty);
		if (vty_ref_check(vty, REF_TRUSTPOINT, tp) < 0)
			return CLI_ERR;
	}
	return cmdu_set(vty, p->trustpoint, sizeof(p->trustpoint), a->no ? "" : tp,
			"Trustpoint name");
}

CLI_CMD(prof_cipher, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"cipher <1-10000>$tag",
	"TLS cipher-suite list of this profile\n"
	"Voice class tls-cipher tag\n")
{
	struct cfg_tls_profile *p = profile(vty);

	if (!p)
		return CLI_ERR;
	return cmdu_ref_tag(vty, a, REF_TLS_CIPHER, p->cipher, sizeof(p->cipher));
}

/* `cn-san validate ...` and `cn-san N NAME` share the `cn-san` keyword: a
 * bare `no cn-san` removes both, whichever declaration matched. */
static int cn_san(struct vty *vty, const struct cli_args *a)
{
	struct cfg_tls_profile *p = profile(vty);
	const char *idxs = cli_get(a, "idx"), *name = cli_get(a, "name");
	long idx = cli_num(a, "idx", 0);
	enum cfg_cn_san_validate v = CFG_CNSAN_NONE;
	struct cfg_cn_san_entry e;
	size_t i;

	if (!p)
		return CLI_ERR;
	if (a->no) {
		bool all = !cli_has(a, "validate") && !idxs;

		if ((all || cli_has(a, "validate")) && p->cn_san_validate != CFG_CNSAN_NONE) {
			p->cn_san_validate = CFG_CNSAN_NONE;
			cmdu_changed(vty);
		}
		i = 0;
		while ((all || idxs) && i < p->cn_san.n) {
			if (all || p->cn_san.v[i].idx == idx) {
				CFG_VEC_DEL(p->cn_san, i);
				cmdu_changed(vty);
			} else {
				i++;
			}
		}
		return CLI_OK;
	}
	if (cli_has(a, "validate")) {
		if (cli_has(a, "server"))
			v = CFG_CNSAN_SERVER;
		else if (cli_has(a, "client"))
			v = CFG_CNSAN_CLIENT;
		else if (cli_has(a, "bidirectional"))
			v = CFG_CNSAN_BIDIR;
		else
			return cmdu_incomplete(vty);
		if (p->cn_san_validate != v) {
			p->cn_san_validate = v;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (!idxs || !name)
		return cmdu_incomplete(vty);
	for (i = 0; name[i]; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (!isalnum(ch) && ch != '-' && ch != '.' && ch != '*' && ch != '_')
			return vty_err(vty, "%% Invalid name \"%s\": expected an FQDN or *.domain", name);
	}
	if (strchr(name, '*') && (name[0] != '*' || name[1] != '.' || strchr(name + 1, '*')))
		return vty_err(vty, "%% Invalid name \"%s\": a wildcard must be the first label (*.domain)",
			       name);
	memset(&e, 0, sizeof(e));
	e.idx = (uint8_t)idx;
	if (cmdu_str(vty, e.name, sizeof(e.name), name, "Name") < 0)
		return CLI_ERR;
	for (i = 0; i < p->cn_san.n && p->cn_san.v[i].idx < idx; i++)
		;
	if (i < p->cn_san.n && p->cn_san.v[i].idx == idx) {
		if (strcmp(p->cn_san.v[i].name, e.name) != 0) {
			p->cn_san.v[i] = e;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (CFG_VEC_PUSH(p->cn_san, e) < 0)
		return vty_err(vty, "%% Out of memory");
	memmove(&p->cn_san.v[i + 1], &p->cn_san.v[i], (p->cn_san.n - 1 - i) * sizeof(e));
	p->cn_san.v[i] = e;
	cmdu_changed(vty);
	return CLI_OK;
}

CLI_CMD(prof_cn_san_validate, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"cn-san validate {server|client|bidirectional}",
	"CN/SAN validation of the peer certificate\n"
	"Enable CN/SAN validation\n"
	"Validate the server certificate on outbound connections (against the target name)\n"
	"Validate the client certificate on inbound connections (against the cn-san list)\n"
	"Validate both server and client certificates\n")
{
	return cn_san(vty, a);
}

CLI_CMD(prof_cn_san_name, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"cn-san <1-10>$idx WORD$name",
	"CN/SAN validation of the peer certificate\n"
	"Index of the permitted peer name\n"
	"Permitted peer name: an FQDN or *.domain\n")
{
	return cn_san(vty, a);
}

CLI_CMD(prof_client_vtp, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"client-vtp WORD$tp",
	"Client verification trustpoint (CA requested and trusted for client certificates)\n"
	"Trustpoint name\n")
{
	struct cfg_tls_profile *p = profile(vty);
	const char *tp = cli_get(a, "tp");

	if (!p)
		return CLI_ERR;
	if (!a->no) {
		if (!tp)
			return cmdu_incomplete(vty);
		if (vty_ref_check(vty, REF_TRUSTPOINT, tp) < 0)
			return CLI_ERR;
	}
	return cmdu_set(vty, p->client_vtp, sizeof(p->client_vtp), a->no ? "" : tp,
			"Trustpoint name");
}

CLI_CMD(prof_sni_send, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"sni send",
	"Server Name Indication\n"
	"Send the target name in the TLS ClientHello (SNI)\n")
{
	struct cfg_tls_profile *p = profile(vty);

	if (!p)
		return CLI_ERR;
	if (p->sni_send != !a->no) {
		p->sni_send = !a->no;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(prof_ecdh_curve, MODE_CLASS_TLS_PROFILE, CLI_F_NO,
	"ecdh-curve {secp256r1|secp384r1|secp521r1|x25519}...",
	"Restrict the ECDH curves offered and accepted, in order of preference\n"
	"NIST P-256\n"
	"NIST P-384\n"
	"NIST P-521\n"
	"Curve25519\n")
{
	struct cfg_tls_profile *p = profile(vty);
	enum cfg_curve list[CFG_CURVE_COUNT];
	size_t n = 0, j;
	int k;

	if (!p)
		return CLI_ERR;
	memset(list, 0, sizeof(list));
	if (!a->no) {
		for (k = 0; k < a->n; k++) {
			enum cfg_curve c;

			if (!a->t[k].kw || cfg_curve_parse(a->t[k].kw, &c) < 0 || c == CFG_CURVE_NONE)
				continue;
			for (j = 0; j < n && list[j] != c; j++)
				;
			if (j < n)
				return vty_err(vty, "%% Curve %s is listed twice", cfg_curve_names[c]);
			if (n + 1 < CFG_CURVE_COUNT)
				list[n++] = c;
		}
		if (n == 0)
			return cmdu_incomplete(vty);
	}
	if (memcmp(p->curves, list, sizeof(list)) != 0) {
		memcpy(p->curves, list, sizeof(list));
		cmdu_changed(vty);
	}
	return CLI_OK;
}
