/* cmd_dialpeer.c - the `dial-peer voice TAG voip` mode (config-dial-peer):
 * matching (destination-pattern, incoming called-number, incoming uri),
 * the session (protocol, target, transport), voice classes, media and
 * hunting settings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"
#include "sip/pattern.h"

static struct cfg_dial_peer *peer(struct vty *vty)
{
	struct cfg_dial_peer *dp = cfg_dial_peer_get(vty->cfg, vty->ctx_tag);

	if (!dp)
		vty_err(vty, "%% Out of memory");
	return dp;
}

static int set_bool(struct vty *vty, bool *field, bool v)
{
	if (*field != v) {
		*field = v;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */

CLI_CMD(dp_description, MODE_DIAL_PEER, CLI_F_NO,
	"description LINE$text",
	"A description for the dial-peer\n"
	"Description text (up to 255 characters)\n")
{
	struct cfg_dial_peer *dp = peer(vty);

	if (!dp)
		return CLI_ERR;
	if (!a->no && !cli_get(a, "text"))
		return cmdu_incomplete(vty);
	return cmdu_set(vty, dp->description, sizeof(dp->description),
			a->no ? "" : cli_get(a, "text"), "Description");
}

/* Validate an IOS number pattern, printing the validator's text. */
static int pattern_check(struct vty *vty, const char *pat, size_t maxlen)
{
	char err[256] = "";
	char *form;

	if (!pat)
		return cmdu_incomplete(vty);
	if (strlen(pat) > maxlen)
		return vty_err(vty, "%% Pattern is too long (at most %zu characters)", maxlen);
	if (dp_pattern_validate(pat, err, sizeof(err)) == 0)
		return CLI_OK;
	if (!err[0])
		return vty_err(vty, "%% Incorrect format for E.164 Number");
	/* The validator's text is "reason\nexpected form": the reason is the
	 * error (one line in startup-config reports), the form follows it. */
	form = strchr(err, '\n');
	if (form)
		*form++ = '\0';
	vty_err(vty, "%s%s", err[0] == '%' ? "" : "% ", err);
	if (form && *form)
		vty_out(vty, "%s\n", form);
	return CLI_ERR;
}

CLI_CMD(dp_destination_pattern, MODE_DIAL_PEER, CLI_F_NO,
	"destination-pattern WORD$pat",
	"A full E.164 telephone number prefix\n"
	"A typical E.164 pattern: 0-9 A-F * # + . T [] () ? % $\n")
{
	struct cfg_dial_peer *dp = peer(vty);
	const char *pat = cli_get(a, "pat");

	if (!dp)
		return CLI_ERR;
	if (a->no)
		return cmdu_set(vty, dp->dest_pattern, sizeof(dp->dest_pattern), "", "Pattern");
	if (pattern_check(vty, pat, sizeof(dp->dest_pattern) - 1) < 0)
		return CLI_ERR;
	return cmdu_set(vty, dp->dest_pattern, sizeof(dp->dest_pattern), pat, "Pattern");
}

/* `incoming called-number` and `incoming uri` share `incoming`: a bare
 * `no incoming` removes every incoming match, whichever declaration ran. */
static int incoming(struct vty *vty, const struct cli_args *a)
{
	static const char *const where[CFG_URI_WHERE_COUNT] = {
		[CFG_URI_VIA] = "via", [CFG_URI_REQUEST] = "request",
		[CFG_URI_TO] = "to", [CFG_URI_FROM] = "from",
	};
	struct cfg_dial_peer *dp = peer(vty);
	bool called = cli_has(a, "called-number"), by_uri = cli_has(a, "uri");
	const char *pat = cli_get(a, "pat");
	char tag[CFG_NAME_LEN] = "";
	int w, sel = -1;

	if (!dp)
		return CLI_ERR;
	if (a->no && !called && !by_uri) {
		cmdu_set(vty, dp->incoming_called, sizeof(dp->incoming_called), "", "Pattern");
		for (w = 0; w < CFG_URI_WHERE_COUNT; w++)
			cmdu_set(vty, dp->incoming_uri[w], sizeof(dp->incoming_uri[w]), "", "Tag");
		return CLI_OK;
	}
	if (called) {
		if (a->no)
			return cmdu_set(vty, dp->incoming_called, sizeof(dp->incoming_called), "",
					"Pattern");
		if (pattern_check(vty, pat, sizeof(dp->incoming_called) - 1) < 0)
			return CLI_ERR;
		if (dp_pattern_warn_empty(pat))
			vty_out(vty, "%s\n", DP_PATTERN_WARN_EMPTY_TEXT);
		return cmdu_set(vty, dp->incoming_called, sizeof(dp->incoming_called), pat,
				"Pattern");
	}
	for (w = 0; w < CFG_URI_WHERE_COUNT; w++)
		if (cli_has(a, where[w]))
			sel = w;
	if (a->no) {
		for (w = 0; w < CFG_URI_WHERE_COUNT; w++)
			if (sel < 0 || sel == w)
				cmdu_set(vty, dp->incoming_uri[w], sizeof(dp->incoming_uri[w]), "",
					 "Tag");
		return CLI_OK;
	}
	if (sel < 0 || cmdu_tag(a, "tag", tag, sizeof(tag)) < 0)
		return cmdu_incomplete(vty);
	if (vty_ref_check(vty, REF_URI, tag) < 0)
		return CLI_ERR;
	return cmdu_set(vty, dp->incoming_uri[sel], sizeof(dp->incoming_uri[sel]), tag, "Tag");
}

CLI_CMD(dp_incoming_called, MODE_DIAL_PEER, CLI_F_NO,
	"incoming called-number WORD$pat",
	"Incoming call parameters\n"
	"Match the called number of incoming calls\n"
	"A typical E.164 pattern: 0-9 A-F * # + . T [] () ? % $\n")
{
	return incoming(vty, a);
}

CLI_CMD(dp_incoming_uri, MODE_DIAL_PEER, CLI_F_NO,
	"incoming uri {via|request|to|from} WORD$tag",
	"Incoming call parameters\n"
	"Match a URI of incoming calls\n"
	"Match the URI of the topmost Via header\n"
	"Match the Request-URI\n"
	"Match the To header URI\n"
	"Match the From header URI\n"
	"Voice class uri tag\n")
{
	return incoming(vty, a);
}

/* ------------------------------------------------------------------ */
/* session protocol / target / transport                                */

static int session(struct vty *vty, const struct cli_args *a)
{
	struct cfg_dial_peer *dp = peer(vty);
	bool proto = cli_has(a, "protocol"), target = cli_has(a, "target");
	bool transport = cli_has(a, "transport");
	struct cfg_target t;
	enum cfg_transport tr;
	int rc;

	if (!dp)
		return CLI_ERR;
	if (a->no) {
		bool all = !proto && !target && !transport;

		memset(&t, 0, sizeof(t));
		if (all || proto)
			set_bool(vty, &dp->session_sipv2, false);
		if ((all || target) && dp->target.kind != CFG_TARGET_NONE) {
			dp->target = t;
			cmdu_changed(vty);
		}
		if ((all || transport) && dp->session_transport != CFG_TRANSPORT_UNSET) {
			dp->session_transport = CFG_TRANSPORT_UNSET;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (proto)
		return set_bool(vty, &dp->session_sipv2, true);
	if (transport) {
		tr = cmdu_transport(a);
		if (tr == CFG_TRANSPORT_UNSET)
			return cmdu_incomplete(vty);
		if (dp->session_transport != tr) {
			dp->session_transport = tr;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	rc = cmdu_target(vty, a, CMDU_T_IPV4 | CMDU_T_IPV6 | CMDU_T_DNS | CMDU_T_SIPSRV, &t);
	if (rc == -ENOENT)
		return cmdu_incomplete(vty);
	if (rc < 0)
		return CLI_ERR;
	if (memcmp(&dp->target, &t, sizeof(t)) != 0) {
		dp->target = t;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(dp_session_protocol, MODE_DIAL_PEER, CLI_F_NO,
	"session protocol sipv2",
	"Session level commands\n"
	"The session protocol of the dial-peer\n"
	"IETF Session Initiation Protocol (SIP)\n")
{
	return session(vty, a);
}

CLI_CMD(dp_session_target, MODE_DIAL_PEER, CLI_F_NO,
	"session target {ipv4:TARGET$v4|ipv6:TARGET$v6|dns:TARGET$dns|sip-server}",
	"Session level commands\n"
	"The session target of the dial-peer\n"
	"An IPv4 address, with an optional port\n"
	"An IPv6 address in brackets, with a port\n"
	"A host name, with an optional port\n"
	"The sip-server of the tenant or of sip-ua\n")
{
	return session(vty, a);
}

CLI_CMD(dp_session_transport, MODE_DIAL_PEER, CLI_F_NO,
	"session transport {udp|tcp [tls]}",
	"Session level commands\n"
	"The transport layer protocol of the dial-peer\n"
	"UDP\n"
	"TCP\n"
	"TLS over TCP\n")
{
	return session(vty, a);
}

/* ------------------------------------------------------------------ */
/* voice-class                                                          */

static int vc_keepalive(struct vty *vty, const struct cli_args *a, struct cfg_dial_peer *dp)
{
	char tag[CFG_NAME_LEN] = "";

	if (a->no) {
		set_bool(vty, &dp->keepalive, false);
		return cmdu_set(vty, dp->keepalive_profile, sizeof(dp->keepalive_profile), "",
				"Tag");
	}
	if (cmdu_tag(a, "tag", tag, sizeof(tag)) == 0 &&
	    vty_ref_check(vty, REF_KEEPALIVE, tag) < 0)
		return CLI_ERR;
	set_bool(vty, &dp->keepalive, true);
	return cmdu_set(vty, dp->keepalive_profile, sizeof(dp->keepalive_profile), tag, "Tag");
}

static int vc_tgrp(struct vty *vty, const struct cli_args *a, struct cfg_dial_peer *dp)
{
	const char *label = cli_get(a, "label"), *ctx = cli_get(a, "ctx");

	if (a->no) {
		cmdu_set(vty, dp->tgrp, sizeof(dp->tgrp), "", "Trunk group label");
		return cmdu_set(vty, dp->trunk_context, sizeof(dp->trunk_context), "",
				"Trunk context");
	}
	if (cmdu_tgrp(vty, label, ctx) < 0 ||
	    cmdu_set(vty, dp->tgrp, sizeof(dp->tgrp), label, "Trunk group label") < 0)
		return CLI_ERR;
	return cmdu_set(vty, dp->trunk_context, sizeof(dp->trunk_context), ctx ? ctx : "",
			"Trunk context");
}

/* forced: Tollgate's own offer on a delayed-offer call out this dial-peer,
 * whatever the global setting; system (or unset): the global setting. */
static int vc_early_offer(struct vty *vty, struct cfg_dial_peer *dp, enum cfg_early_offer eo)
{
	if (dp->early_offer != eo) {
		dp->early_offer = (uint8_t)eo;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* Every voice-class declaration runs this, so that `no voice-class` and
 * `no voice-class sip` clear everything under them. */
static int voice_class(struct vty *vty, const struct cli_args *a)
{
	struct cfg_dial_peer *dp = peer(vty);
	static const struct cli_args none; /* a `no` form with nothing after it */
	struct cli_args clr;

	if (!dp)
		return CLI_ERR;
	if (cli_has(a, "tenant"))
		return cmdu_ref_tag(vty, a, REF_TENANT, dp->vc_tenant, sizeof(dp->vc_tenant));
	if (cli_has(a, "srtp-crypto"))
		return cmdu_ref_tag(vty, a, REF_SRTP_CRYPTO, dp->vc_srtp_crypto,
				    sizeof(dp->vc_srtp_crypto));
	if (cli_has(a, "tls-profile"))
		return cmdu_ref_tag(vty, a, REF_TLS_PROFILE, dp->vc_tls_profile,
				    sizeof(dp->vc_tls_profile));
	if (cli_has(a, "early-offer"))
		return vc_early_offer(vty, dp, a->no ? CFG_EO_UNSET : cli_has(a, "system") ? CFG_EO_SYSTEM
										  : CFG_EO_FORCED);
	if (cli_has(a, "options-keepalive"))
		return vc_keepalive(vty, a, dp);
	if (cli_has(a, "tgrp"))
		return vc_tgrp(vty, a, dp);
	if (cli_has(a, "codec"))
		return cmdu_ref_tag(vty, a, REF_CODEC, dp->vc_codec, sizeof(dp->vc_codec));
	if (!a->no)
		return cmdu_incomplete(vty);
	clr = none;
	clr.no = true;
	cmdu_ref_tag(vty, &clr, REF_TENANT, dp->vc_tenant, sizeof(dp->vc_tenant));
	cmdu_ref_tag(vty, &clr, REF_SRTP_CRYPTO, dp->vc_srtp_crypto, sizeof(dp->vc_srtp_crypto));
	cmdu_ref_tag(vty, &clr, REF_TLS_PROFILE, dp->vc_tls_profile, sizeof(dp->vc_tls_profile));
	vc_early_offer(vty, dp, CFG_EO_UNSET);
	vc_keepalive(vty, &clr, dp);
	vc_tgrp(vty, &clr, dp);
	if (!cli_has(a, "sip"))  /* `no voice-class`: the codec class too */
		cmdu_ref_tag(vty, &clr, REF_CODEC, dp->vc_codec, sizeof(dp->vc_codec));
	return CLI_OK;
}

#define VC_HELP "Voice class configuration\n" "SIP related voice classes\n"

CLI_CMD(dp_vc_tenant, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class sip tenant <1-10000>$tag",
	VC_HELP
	"Use a tenant's SIP settings\n"
	"Voice class tenant tag\n")
{
	return voice_class(vty, a);
}

CLI_CMD(dp_vc_srtp_crypto, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class sip srtp-crypto <1-10000>$tag",
	VC_HELP
	"SRTP crypto-suite preference of this dial-peer\n"
	"Voice class srtp-crypto tag\n")
{
	return voice_class(vty, a);
}

CLI_CMD(dp_vc_tls_profile, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class sip tls-profile <1-10000>$tag",
	VC_HELP
	"TLS profile of this dial-peer\n"
	"Voice class tls-profile tag\n")
{
	return voice_class(vty, a);
}

CLI_CMD(dp_vc_early_offer, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class sip early-offer forced [system]",
	VC_HELP
	"Configure early offer (SDP in the outgoing INVITE) on this dial-peer\n"
	"Always send an early offer: Tollgate's own SDP when the incoming INVITE has none\n"
	"Use the global setting (voice service voip / sip)\n")
{
	return voice_class(vty, a);
}

CLI_CMD(dp_vc_keepalive, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class sip options-keepalive [profile <1-10000>$tag]",
	VC_HELP
	"Monitor the session target with SIP OPTIONS\n"
	"Use a keepalive profile\n"
	"Voice class sip-options-keepalive tag\n")
{
	return voice_class(vty, a);
}

CLI_CMD(dp_vc_tgrp, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class sip tgrp WORD$label [trunk-context WORD$ctx]",
	VC_HELP
	"Add an RFC 4904 trunk group to outgoing Request-URIs\n"
	"Trunk group label\n"
	"Trunk context of the trunk group\n"
	"A global number (+...) or a domain name\n")
{
	return voice_class(vty, a);
}

CLI_CMD(dp_vc_codec, MODE_DIAL_PEER, CLI_F_NO,
	"voice-class codec <1-10000>$tag",
	"Voice class configuration\n"
	"Codec preference list of this dial-peer\n"
	"Voice class codec tag\n")
{
	return voice_class(vty, a);
}

/* ------------------------------------------------------------------ */
/* media and hunting                                                    */

CLI_CMD(dp_codec, MODE_DIAL_PEER, CLI_F_NO,
	"codec {g711ulaw|g711alaw|g722-64|g729r8|opus} [bytes <10-240>$size]",
	"The codec of this dial-peer\n"
	"G.711 u-Law 64000 bps\n"
	"G.711 A-Law 64000 bps\n"
	"G.722 64000 bps\n"
	"G.729 8000 bps\n"
	"Opus\n"
	"Packet size in bytes (kept; the peers' packetization passes through)\n"
	"Bytes per packet\n")
{
	struct cfg_dial_peer *dp = peer(vty);
	enum cfg_codec c = CFG_CODEC_NONE;
	unsigned bytes = a->no ? 0 : (unsigned)cli_num(a, "size", 0);
	const char *bad;
	int k;

	if (!dp)
		return CLI_ERR;
	for (k = 0; !a->no && k < a->n && c == CFG_CODEC_NONE; k++)
		if (!a->t[k].kw || cfg_codec_parse(a->t[k].kw, &c) < 0)
			c = CFG_CODEC_NONE;
	if (!a->no && c == CFG_CODEC_NONE)
		return cmdu_incomplete(vty);
	if (bytes && (bad = cfg_codec_bytes_check(c, bytes)))
		return vty_err(vty, "%s", bad);
	if (dp->codec != c || dp->codec_bytes != bytes) {
		dp->codec = c;
		dp->codec_bytes = (uint16_t)bytes;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* Voice activity detection needs DSPs; media flows through Tollgate
 * untouched (as through CUBE's flow-through), so `no vad`, on nearly every
 * CUBE dial-peer, is kept for the running-config and changes nothing. */
CLI_CMD(dp_vad, MODE_DIAL_PEER, CLI_F_NO,
	"vad",
	"Voice activity detection (no effect: media flows through)\n")
{
	struct cfg_dial_peer *dp = peer(vty);

	if (!dp)
		return CLI_ERR;
	return set_bool(vty, &dp->no_vad, a->no);
}

/* `ip qos dscp VALUE media|signaling`: the DSCP of the call leg towards this
 * dial-peer (RTP and RTCP) and of the SIP messages sent to its target.  The
 * defaults, EF and CS3, are stored as 0 and not shown, as IOS does; `no ip qos
 * dscp` alone returns both to their defaults. */
CLI_CMD(dp_ip_qos_dscp, MODE_DIAL_PEER, CLI_F_NO,
	"ip qos dscp {<0-63>$v|af11|af12|af13|af21|af22|af23|af31|af32|af33|af41|af42|af43|cs1|cs2|cs3|cs4|cs5|cs6|cs7|default|ef} {media|signaling}",
	"IP settings of this dial-peer\n"
	"Quality of service\n"
	"DSCP of the packets sent to this dial-peer\n"
	"Differentiated services codepoint value\n"
	"Match packets with AF11 dscp (001010)\n"
	"Match packets with AF12 dscp (001100)\n"
	"Match packets with AF13 dscp (001110)\n"
	"Match packets with AF21 dscp (010010)\n"
	"Match packets with AF22 dscp (010100)\n"
	"Match packets with AF23 dscp (010110)\n"
	"Match packets with AF31 dscp (011010)\n"
	"Match packets with AF32 dscp (011100)\n"
	"Match packets with AF33 dscp (011110)\n"
	"Match packets with AF41 dscp (100010)\n"
	"Match packets with AF42 dscp (100100)\n"
	"Match packets with AF43 dscp (100110)\n"
	"Match packets with CS1(precedence 1) dscp (001000)\n"
	"Match packets with CS2(precedence 2) dscp (010000)\n"
	"Match packets with CS3(precedence 3) dscp (011000)\n"
	"Match packets with CS4(precedence 4) dscp (100000)\n"
	"Match packets with CS5(precedence 5) dscp (101000)\n"
	"Match packets with CS6(precedence 6) dscp (110000)\n"
	"Match packets with CS7(precedence 7) dscp (111000)\n"
	"Match packets with default dscp (000000)\n"
	"Match packets with EF dscp (101110)\n"
	"Apply DSCP to media (RTP and RTCP) packets\n"
	"Apply DSCP to signaling (SIP) packets\n")
{
	struct cfg_dial_peer *dp = peer(vty);
	bool media = cli_has(a, "media"), sig = cli_has(a, "signaling");
	int v = -1;
	uint8_t m, s;

	if (!dp)
		return CLI_ERR;
	if (!a->no) {
		const char *num = cli_get(a, "v");
		for (int k = 0; !num && k < a->n && v < 0; k++)
			if (a->t[k].kw)
				v = cfg_dscp_parse(a->t[k].kw);
		if (num)
			v = cfg_dscp_parse(num);
		if (v < 0 || (!media && !sig))
			return cmdu_incomplete(vty);
	} else if (!media && !sig) {
		media = sig = true;
	}
	m = dp->dscp_media;
	s = dp->dscp_signaling;
	if (media)
		m = a->no || v == CFG_DSCP_EF ? 0 : (uint8_t)(v + 1);
	if (sig)
		s = a->no || v == CFG_DSCP_CS3 ? 0 : (uint8_t)(v + 1);
	if (m != dp->dscp_media || s != dp->dscp_signaling) {
		dp->dscp_media = m;
		dp->dscp_signaling = s;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* `{rtp-nte}` rather than `rtp-nte`: the braces let `no dtmf-relay` stop
 * after the first keyword, as on IOS. */
CLI_CMD(dp_dtmf_relay, MODE_DIAL_PEER, CLI_F_NO,
	"dtmf-relay {rtp-nte}",
	"Transport of DTMF digits\n"
	"RTP Named Telephone Events (RFC 2833/4733)\n")
{
	struct cfg_dial_peer *dp = peer(vty);

	if (!dp)
		return CLI_ERR;
	return set_bool(vty, &dp->dtmf_rtp_nte, !a->no);
}

CLI_CMD(dp_srtp, MODE_DIAL_PEER, CLI_F_NO,
	"srtp [{fallback|pass-thru}]",
	"Allow secure calls (SRTP)\n"
	"Enable fallback to non-secure (RTP) mode\n"
	"Enable pass-thru of SRTP without interworking\n")
{
	struct cfg_dial_peer *dp = peer(vty);

	if (!dp)
		return CLI_ERR;
	return cmdu_srtp(vty, a, &dp->srtp);
}

CLI_CMD(dp_preference, MODE_DIAL_PEER, CLI_F_NO,
	"preference <0-10>$n",
	"The preference order of this dial-peer among equal matches\n"
	"Preference (0 = highest)\n")
{
	struct cfg_dial_peer *dp = peer(vty);
	int8_t v = -1;

	if (!dp)
		return CLI_ERR;
	if (!a->no) {
		if (!cli_get(a, "n"))
			return cmdu_incomplete(vty);
		v = (int8_t)cli_num(a, "n", 0);
	}
	if (dp->preference != v) {
		dp->preference = v;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(dp_huntstop, MODE_DIAL_PEER, CLI_F_NO,
	"huntstop",
	"Stop hunting for further dial-peers after this one\n")
{
	struct cfg_dial_peer *dp = peer(vty);

	if (!dp)
		return CLI_ERR;
	return set_bool(vty, &dp->huntstop, !a->no);
}

CLI_CMD(dp_shutdown, MODE_DIAL_PEER, CLI_F_NO,
	"shutdown",
	"Change the admin state of this dial-peer to down\n")
{
	struct cfg_dial_peer *dp = peer(vty);

	if (!dp)
		return CLI_ERR;
	return set_bool(vty, &dp->shutdown, !a->no);
}
