/* cmd_class.c - the media and trunk voice classes (config-class):
 * `voice class srtp-crypto TAG`, `voice class codec TAG`, `voice class
 * tenant TAG` and `voice class sip-options-keepalive TAG`.  The TLS classes
 * are in cmd_class_tls.c, the URI class in cmd_class_uri.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

/* ------------------------------------------------------------------ */
/* voice class srtp-crypto                                              */

CLI_CMD(sc_crypto, MODE_CLASS_SRTP_CRYPTO, CLI_F_NO,
	"crypto <1-4>$pri {AEAD_AES_256_GCM|AEAD_AES_128_GCM|AES_CM_128_HMAC_SHA1_80|AES_CM_128_HMAC_SHA1_32}",
	"Set an SRTP cipher-suite of this list\n"
	"Set the preference order for the cipher-suite (1 = Highest)\n"
	"Allow secure calls with SRTP AEAD_AES_256_GCM cipher-suite\n"
	"Allow secure calls with SRTP AEAD_AES_128_GCM cipher-suite\n"
	"Allow secure calls with SRTP AES_CM_128_HMAC_SHA1_80 cipher-suite\n"
	"Allow secure calls with SRTP AES_CM_128_HMAC_SHA1_32 cipher-suite\n")
{
	struct cfg_srtp_crypto *sc = cfg_srtp_crypto_get(vty->cfg, vty->ctx_name);
	enum cfg_srtp_suite suite = CFG_SUITE_NONE;
	struct cfg_srtp_crypto_entry e;
	long pri = cli_num(a, "pri", 0);
	size_t i;
	int k;

	if (!sc)
		return vty_err(vty, "%% Out of memory");
	for (k = 0; k < a->n && suite == CFG_SUITE_NONE; k++)
		if (!a->t[k].kw || cfg_suite_parse(a->t[k].kw, &suite) < 0)
			suite = CFG_SUITE_NONE;
	if (a->no) {
		i = 0;
		while (i < sc->e.n) {  /* `no crypto 4`; `no crypto` removes them all */
			if (!pri || sc->e.v[i].pri == pri) {
				CFG_VEC_DEL(sc->e, i);
				cmdu_changed(vty);
			} else {
				i++;
			}
		}
		return CLI_OK;
	}
	if (!pri || suite == CFG_SUITE_NONE)
		return cmdu_incomplete(vty);
	for (i = 0; i < sc->e.n; i++)
		if (sc->e.v[i].suite == suite && sc->e.v[i].pri != pri)
			return vty_err(vty, "%% Cipher-suite %s is already configured with preference %u",
				       cfg_suite_names[suite], (unsigned)sc->e.v[i].pri);
	for (i = 0; i < sc->e.n && sc->e.v[i].pri < pri; i++)
		;
	if (i < sc->e.n && sc->e.v[i].pri == pri) {  /* overwrite, as IOS does */
		if (sc->e.v[i].suite != suite) {
			sc->e.v[i].suite = suite;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	e.pri = (uint8_t)pri;
	e.suite = suite;
	if (CFG_VEC_PUSH(sc->e, e) < 0)
		return vty_err(vty, "%% Out of memory");
	memmove(&sc->e.v[i + 1], &sc->e.v[i], (sc->e.n - 1 - i) * sizeof(e));
	sc->e.v[i] = e;
	cmdu_changed(vty);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* voice class codec                                                    */

CLI_CMD(cc_codec_pref, MODE_CLASS_CODEC, CLI_F_NO,
	"codec preference <1-14>$pref {g711ulaw|g711alaw|g722-64|g729r8|opus} [bytes <10-240>$size]",
	"Configure a codec of this list\n"
	"Set the preference order of a codec\n"
	"Preference order (1 = Highest)\n"
	"G.711 u-Law 64000 bps\n"
	"G.711 A-Law 64000 bps\n"
	"G.722 64000 bps\n"
	"G.729 8000 bps\n"
	"Opus\n"
	"Packet size in bytes (kept; the peers' packetization passes through)\n"
	"Bytes per packet\n")
{
	struct cfg_codec_class *cc = cfg_codec_get(vty->cfg, vty->ctx_name);
	enum cfg_codec codec = CFG_CODEC_NONE;
	struct cfg_codec_entry e;
	long pref = cli_num(a, "pref", 0);
	unsigned bytes = (unsigned)cli_num(a, "size", 0);
	const char *bad;
	size_t i;
	int k;

	if (!cc)
		return vty_err(vty, "%% Out of memory");
	for (k = 0; k < a->n && codec == CFG_CODEC_NONE; k++)
		if (!a->t[k].kw || cfg_codec_parse(a->t[k].kw, &codec) < 0)
			codec = CFG_CODEC_NONE;
	if (a->no) {
		i = 0;
		while (i < cc->e.n) {  /* `no codec preference 2`; bare form removes all */
			if (!pref || cc->e.v[i].pref == pref) {
				CFG_VEC_DEL(cc->e, i);
				cmdu_changed(vty);
			} else {
				i++;
			}
		}
		return CLI_OK;
	}
	if (!pref || codec == CFG_CODEC_NONE)
		return cmdu_incomplete(vty);
	if (bytes && (bad = cfg_codec_bytes_check(codec, bytes)))
		return vty_err(vty, "%s", bad);
	for (i = 0; i < cc->e.n; i++)
		if (cc->e.v[i].codec == codec && cc->e.v[i].pref != pref)
			return vty_err(vty, "%% Codec %s is already configured with preference %u",
				       cfg_codec_names[codec], (unsigned)cc->e.v[i].pref);
	for (i = 0; i < cc->e.n && cc->e.v[i].pref < pref; i++)
		;
	if (i < cc->e.n && cc->e.v[i].pref == pref) {
		if (cc->e.v[i].codec != codec || cc->e.v[i].bytes != bytes) {
			cc->e.v[i].codec = codec;
			cc->e.v[i].bytes = (uint16_t)bytes;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	e.pref = (uint8_t)pref;
	e.codec = codec;
	e.bytes = (uint16_t)bytes;
	if (CFG_VEC_PUSH(cc->e, e) < 0)
		return vty_err(vty, "%% Out of memory");
	memmove(&cc->e.v[i + 1], &cc->e.v[i], (cc->e.n - 1 - i) * sizeof(e));
	cc->e.v[i] = e;
	cmdu_changed(vty);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* voice class tenant                                                   */

static struct cfg_tenant *tenant(struct vty *vty)
{
	struct cfg_tenant *t = cfg_tenant_get(vty->cfg, vty->ctx_name);

	if (!t)
		vty_err(vty, "%% Out of memory");
	return t;
}

CLI_CMD(tn_sip_server, MODE_CLASS_TENANT, CLI_F_NO,
	"sip-server {ipv4:TARGET$v4|dns:TARGET$dns}",
	"Configure the SIP server of this tenant (for `session target sip-server`)\n"
	"An IPv4 address, with an optional port\n"
	"A host name, with an optional port\n")
{
	struct cfg_tenant *tn = tenant(vty);
	struct cfg_target t;

	if (!tn)
		return CLI_ERR;
	memset(&t, 0, sizeof(t));
	if (!a->no) {
		int rc = cmdu_target(vty, a, CMDU_T_IPV4 | CMDU_T_DNS, &t);

		if (rc == -ENOENT)
			return cmdu_incomplete(vty);
		if (rc < 0)
			return CLI_ERR;
	}
	if (memcmp(&tn->sip_server, &t, sizeof(t)) != 0) {
		tn->sip_server = t;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(tn_session_transport, MODE_CLASS_TENANT, CLI_F_NO,
	"session transport {udp|tcp [tls]}",
	"Session level commands\n"
	"The transport layer protocol for outgoing calls\n"
	"UDP\n"
	"TCP\n"
	"TLS over TCP\n")
{
	struct cfg_tenant *tn = tenant(vty);
	enum cfg_transport t = a->no ? CFG_TRANSPORT_UNSET : cmdu_transport(a);

	if (!tn)
		return CLI_ERR;
	if (!a->no && t == CFG_TRANSPORT_UNSET)
		return cmdu_incomplete(vty);
	if (tn->session_transport != t) {
		tn->session_transport = t;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(tn_url, MODE_CLASS_TENANT, CLI_F_NO,
	"url {sip|sips}",
	"The type of URL generated in outgoing SIP messages\n"
	"Use sip: URLs\n"
	"Use sips: URLs\n")
{
	struct cfg_tenant *tn = tenant(vty);
	enum cfg_url u = CFG_URL_UNSET;

	if (!tn)
		return CLI_ERR;
	if (!a->no) {
		if (cli_has(a, "sips"))
			u = CFG_URL_SIPS;
		else if (cli_has(a, "sip"))
			u = CFG_URL_SIP;
		else
			return cmdu_incomplete(vty);
	}
	if (tn->url != u) {
		tn->url = u;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(tn_tls_profile, MODE_CLASS_TENANT, CLI_F_NO,
	"tls-profile <1-10000>$tag",
	"TLS profile of this tenant\n"
	"Voice class tls-profile tag\n")
{
	struct cfg_tenant *tn = tenant(vty);

	if (!tn)
		return CLI_ERR;
	return cmdu_ref_tag(vty, a, REF_TLS_PROFILE, tn->tls_profile, sizeof(tn->tls_profile));
}

CLI_CMD(tn_srtp_crypto, MODE_CLASS_TENANT, CLI_F_NO,
	"srtp-crypto <1-10000>$tag",
	"SRTP crypto-suite preference of this tenant\n"
	"Voice class srtp-crypto tag\n")
{
	struct cfg_tenant *tn = tenant(vty);

	if (!tn)
		return CLI_ERR;
	return cmdu_ref_tag(vty, a, REF_SRTP_CRYPTO, tn->srtp_crypto, sizeof(tn->srtp_crypto));
}

CLI_CMD(tn_listen_port, MODE_CLASS_TENANT, CLI_F_NO,
	"listen-port secure <1-65535>$port",
	"Change the SIP listen port of this tenant\n"
	"The secure (TLS) listen port\n"
	"Port number\n")
{
	struct cfg_tenant *tn = tenant(vty);
	uint16_t port = 0;

	if (!tn)
		return CLI_ERR;
	if (!a->no) {
		if (!cli_get(a, "port"))
			return cmdu_incomplete(vty);
		port = (uint16_t)cli_num(a, "port", 0);
	}
	if (tn->listen_secure != port) {
		tn->listen_secure = port;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* voice class sip-options-keepalive                                    */

static struct cfg_keepalive *keepalive(struct vty *vty)
{
	struct cfg_keepalive *k = cfg_keepalive_get(vty->cfg, vty->ctx_name);

	if (!k)
		vty_err(vty, "%% Out of memory");
	return k;
}

CLI_CMD(ka_description, MODE_CLASS_KEEPALIVE, CLI_F_NO,
	"description LINE$text",
	"Describe this voice class\n"
	"Description text (up to 255 characters)\n")
{
	struct cfg_keepalive *k = keepalive(vty);

	if (!k)
		return CLI_ERR;
	if (!a->no && !cli_get(a, "text"))
		return cmdu_incomplete(vty);
	return cmdu_set(vty, k->description, sizeof(k->description),
			a->no ? "" : cli_get(a, "text"), "Description");
}

/* up-interval / down-interval / retry: one number each, 0 = default. */
static int ka_num(struct vty *vty, const struct cli_args *a, long *field)
{
	long v = 0;

	if (!a->no) {
		if (!cli_get(a, "val"))
			return cmdu_incomplete(vty);
		v = cli_num(a, "val", 0);
	}
	if (*field != v) {
		*field = v;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ka_up_interval, MODE_CLASS_KEEPALIVE, CLI_F_NO,
	"up-interval <5-1200>$val",
	"OPTIONS interval while the peer is up\n"
	"Interval in seconds (default 60)\n")
{
	struct cfg_keepalive *k = keepalive(vty);
	long v;

	if (!k)
		return CLI_ERR;
	v = k->up_interval;
	if (ka_num(vty, a, &v) < 0)
		return CLI_ERR;
	k->up_interval = (uint16_t)v;
	return CLI_OK;
}

CLI_CMD(ka_down_interval, MODE_CLASS_KEEPALIVE, CLI_F_NO,
	"down-interval <5-1200>$val",
	"OPTIONS interval while the peer is down\n"
	"Interval in seconds (default 30)\n")
{
	struct cfg_keepalive *k = keepalive(vty);
	long v;

	if (!k)
		return CLI_ERR;
	v = k->down_interval;
	if (ka_num(vty, a, &v) < 0)
		return CLI_ERR;
	k->down_interval = (uint16_t)v;
	return CLI_OK;
}

CLI_CMD(ka_retry, MODE_CLASS_KEEPALIVE, CLI_F_NO,
	"retry <1-10>$val",
	"Unanswered OPTIONS before the peer is marked down\n"
	"Number of retries (default 5)\n")
{
	struct cfg_keepalive *k = keepalive(vty);
	long v;

	if (!k)
		return CLI_ERR;
	v = k->retry;
	if (ka_num(vty, a, &v) < 0)
		return CLI_ERR;
	k->retry = (uint8_t)v;
	return CLI_OK;
}

CLI_CMD(ka_transport, MODE_CLASS_KEEPALIVE, CLI_F_NO,
	"transport {udp|tcp [tls]}",
	"Transport of the OPTIONS keepalives\n"
	"UDP\n"
	"TCP\n"
	"TLS over TCP\n")
{
	struct cfg_keepalive *k = keepalive(vty);
	enum cfg_transport t = a->no ? CFG_TRANSPORT_UNSET : cmdu_transport(a);

	if (!k)
		return CLI_ERR;
	if (!a->no && t == CFG_TRANSPORT_UNSET)
		return cmdu_incomplete(vty);
	if (k->transport != t) {
		k->transport = t;
		cmdu_changed(vty);
	}
	return CLI_OK;
}
