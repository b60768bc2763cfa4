/* cmd_global.c - global configuration mode commands (config): hostname,
 * logging buffered, and the commands that enter (or, in their `no` form,
 * remove) the voice service, sip-ua, dial-peer, trustpoint and voice class
 * blocks. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

/* ------------------------------------------------------------------ */

CLI_CMD(hostname, MODE_CONFIG, CLI_F_NO,
	"hostname WORD$name",
	"Set system's network name\n"
	"This system's network name\n")
{
	const char *name = cli_get(a, "name");
	size_t i, n;

	if (a->no) {
		if (strcmp(vty->cfg->hostname, "tollgate") != 0) {
			CFG_SET(vty->cfg->hostname, "tollgate");
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (!name)
		return cmdu_incomplete(vty);
	n = strlen(name);
	if (n >= CFG_NAME_LEN)
		return vty_err(vty, "%% Hostname is too long (at most %d characters)",
			       CFG_NAME_LEN - 1);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-')
			return vty_err(vty, "%% Hostname contains one or more illegal characters.");
	if (!isalpha((unsigned char)name[0]) || name[n - 1] == '-')
		return vty_err(vty, "%% Hostname must start with a letter and end with a letter or digit.");
	if (strcmp(vty->cfg->hostname, name) != 0) {
		CFG_SET(vty->cfg->hostname, name);
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(logging_buffered, MODE_CONFIG, CLI_F_NO,
	"logging buffered [<4096-2147483647>$size]",
	"Modify message logging facilities\n"
	"Set buffered logging parameters\n"
	"Logging buffer size\n")
{
	/* `logging buffered` alone, and the no form: the default size */
	uint32_t size = a->no ? 0 : (uint32_t)cli_num(a, "size", 0);

	if (a->no && !cli_has(a, "buffered"))
		return cmdu_incomplete(vty);
	if (vty->cfg->logging_buffered != size) {
		vty->cfg->logging_buffered = size;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */

CLI_CMD(voice_service_voip, MODE_CONFIG, CLI_F_NO,
	"voice service voip",
	"Global voice configuration\n"
	"Voice service configuration\n"
	"Voice over IP (VoIP) services\n")
{
	struct cfg_voice_service *vs = &vty->cfg->voice;

	if (a->no) {
		if (!cli_has(a, "service"))
			return cmdu_incomplete(vty);
		free(vs->trusted.v);
		memset(vs, 0, sizeof(*vs));
		cmdu_changed(vty);
		return CLI_OK;
	}
	if (!vs->present) {
		vs->present = true;
		cmdu_changed(vty);
	}
	vty_enter(vty, MODE_VOICE_SERVICE, 0, NULL);
	return CLI_OK;
}

CLI_CMD(sip_ua, MODE_CONFIG, CLI_F_NO,
	"sip-ua",
	"SIP User Agent (SIP-UA)\n")
{
	struct cfg_sip_ua *ua = &vty->cfg->sipua;

	if (a->no) {
		free(ua->remote.v);
		memset(ua, 0, sizeof(*ua));
		cmdu_changed(vty);
		return CLI_OK;
	}
	if (!ua->present) {
		ua->present = true;
		cmdu_changed(vty);
	}
	vty_enter(vty, MODE_SIP_UA, 0, NULL);
	return CLI_OK;
}

CLI_CMD(dial_peer_voice, MODE_CONFIG, CLI_F_NO,
	"dial-peer voice <1-2147483647>$tag voip",
	"Dial Plan Peer configuration commands\n"
	"Voice type dial peer\n"
	"Voice type dial peer tag\n"
	"Voice over IP\n")
{
	const char *t = cli_get(a, "tag");
	uint32_t tag;

	if (!t)
		return cmdu_incomplete(vty);
	tag = (uint32_t)cli_num(a, "tag", 0);
	if (a->no) {
		if (cfg_dial_peer_del(vty->cfg, tag) == 0)
			cmdu_changed(vty);
		return CLI_OK;
	}
	if (!cfg_dial_peer_find(vty->cfg, tag)) {
		if (!cfg_dial_peer_get(vty->cfg, tag))
			return vty_err(vty, "%% Out of memory");
		cmdu_changed(vty);
	}
	vty_enter(vty, MODE_DIAL_PEER, tag, NULL);
	return CLI_OK;
}

CLI_CMD(crypto_pki_trustpoint, MODE_CONFIG, CLI_F_NO | CLI_F_DEFINES,
	"crypto pki trustpoint WORD$name",
	"Encryption module\n"
	"Public Key components\n"
	"Define a CA trustpoint\n"
	"A name for the trustpoint\n")
{
	const char *name = cli_get(a, "name");

	if (!name)
		return cmdu_incomplete(vty);
	if (cmdu_name(vty, name, "trustpoint name") < 0)
		return CLI_ERR;
	if (a->no) {
		if (cmdu_ref_unused(vty, REF_TRUSTPOINT, name) < 0)
			return CLI_ERR;
		if (cfg_trustpoint_del(vty->cfg, name) == 0)
			cmdu_changed(vty);
		return CLI_OK;
	}
	if (!cfg_trustpoint_find(vty->cfg, name)) {
		if (!cfg_trustpoint_get(vty->cfg, name))
			return vty_err(vty, "%% Out of memory");
		cmdu_changed(vty);
	}
	vty_enter(vty, MODE_TRUSTPOINT, 0, name);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* voice class TYPE TAG                                                 */

struct class_kind {
	const char *kw;
	enum cli_mode mode;
	enum vty_ref_kind ref;
	void *(*find)(const struct cfg *c, const char *tag);
	void *(*get)(struct cfg *c, const char *tag);
	int (*del)(struct cfg *c, const char *tag);
};

/* Adapters: the typed lookups return distinct struct pointers. */
#define CLASS_ADAPT(nm)                                                         \
	static void *nm##_find_v(const struct cfg *c, const char *t)            \
	{ return cfg_##nm##_find(c, t); }                                       \
	static void *nm##_get_v(struct cfg *c, const char *t)                   \
	{ return cfg_##nm##_get(c, t); }
CLASS_ADAPT(tls_cipher)
CLASS_ADAPT(tls_profile)
CLASS_ADAPT(srtp_crypto)
CLASS_ADAPT(codec)
CLASS_ADAPT(tenant)
CLASS_ADAPT(keepalive)
CLASS_ADAPT(uri)

static const struct class_kind class_kinds[] = {
	{ "tls-cipher", MODE_CLASS_TLS_CIPHER, REF_TLS_CIPHER, tls_cipher_find_v, tls_cipher_get_v, cfg_tls_cipher_del },
	{ "tls-profile", MODE_CLASS_TLS_PROFILE, REF_TLS_PROFILE, tls_profile_find_v, tls_profile_get_v, cfg_tls_profile_del },
	{ "srtp-crypto", MODE_CLASS_SRTP_CRYPTO, REF_SRTP_CRYPTO, srtp_crypto_find_v, srtp_crypto_get_v, cfg_srtp_crypto_del },
	{ "codec", MODE_CLASS_CODEC, REF_CODEC, codec_find_v, codec_get_v, cfg_codec_del },
	{ "tenant", MODE_CLASS_TENANT, REF_TENANT, tenant_find_v, tenant_get_v, cfg_tenant_del },
	{ "sip-options-keepalive", MODE_CLASS_KEEPALIVE, REF_KEEPALIVE, keepalive_find_v, keepalive_get_v, cfg_keepalive_del },
	{ "uri", MODE_CLASS_URI, REF_URI, uri_find_v, uri_get_v, cfg_uri_del },
};

/* Enter (create) or remove the class named by the matched keyword. */
static int voice_class(struct vty *vty, const struct cli_args *a, const char *tag)
{
	const struct class_kind *k = NULL;
	size_t i;

	for (i = 0; i < sizeof(class_kinds) / sizeof(class_kinds[0]); i++)
		if (cli_has(a, class_kinds[i].kw)) {
			k = &class_kinds[i];
			break;
		}
	if (!k || !tag)
		return cmdu_incomplete(vty);
	if (a->no) {
		if (cmdu_ref_unused(vty, k->ref, tag) < 0)
			return CLI_ERR;
		if (k->del(vty->cfg, tag) == 0)
			cmdu_changed(vty);
		return CLI_OK;
	}
	if (!k->find(vty->cfg, tag)) {
		if (!k->get(vty->cfg, tag))
			return vty_err(vty, "%% Out of memory");
		cmdu_changed(vty);
	}
	vty_enter(vty, k->mode, 0, tag);
	return CLI_OK;
}

CLI_CMD(voice_class_num, MODE_CONFIG, CLI_F_NO | CLI_F_DEFINES,
	"voice class {tls-cipher|tls-profile|srtp-crypto|codec|tenant|sip-options-keepalive} <1-10000>$tag",
	"Global voice configuration\n"
	"Voice Class configuration\n"
	"TLS cipher-suite list\n"
	"TLS profile (trustpoint, ciphers, peer name validation)\n"
	"SRTP crypto-suite preference list\n"
	"Codec preference list\n"
	"Tenant (per-trunk SIP settings)\n"
	"SIP OPTIONS keepalive profile\n"
	"Voice class tag\n")
{
	char tag[CFG_NAME_LEN];

	if (cmdu_tag(a, "tag", tag, sizeof(tag)) < 0)
		return voice_class(vty, a, NULL);
	return voice_class(vty, a, tag);
}

CLI_CMD(voice_class_uri, MODE_CONFIG, CLI_F_NO | CLI_F_DEFINES,
	"voice class uri WORD$tag sip",
	"Global voice configuration\n"
	"Voice Class configuration\n"
	"URI class for dial-peer matching\n"
	"Voice class uri tag (a number or a name)\n"
	"SIP URI\n")
{
	const char *tag = cli_get(a, "tag");

	if (!tag)
		return cmdu_incomplete(vty);
	if (cmdu_name(vty, tag, "voice class uri tag") < 0)
		return CLI_ERR;
	return voice_class(vty, a, tag);
}
