/* config_yaml.c - the YAML schema of the configuration model (layer 2): one
 * table per IOS mode, in canonical order, read by both the emitter
 * (config_yaml_emit.c) and the loader (config_yaml_load.c).  The schema is
 * documented key by key in docs/config-yaml.md; keep the two in step. */
#include "core/config_yaml_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* keyword sets                                                         */

static const char *transport_name(int v) { return cfg_transport_str((enum cfg_transport)v); }
static const char *url_name(int v) { return v == CFG_URL_SIP ? "sip" : v == CFG_URL_SIPS ? "sips" : NULL; }
static const char *srtp_name(int v)
{
	static const char *const n[] = { NULL, "on", "fallback", "pass-thru" };
	return v > 0 && v < 4 ? n[v] : NULL;
}
static const char *cnsan_name(int v)
{
	static const char *const n[] = { NULL, "server", "client", "bidirectional" };
	return v > 0 && v < 4 ? n[v] : NULL;
}
const char *cfg_yaml_enroll_name(int v)
{
	static const char *const n[] = { NULL, "terminal", "terminal pem", "selfsigned" };
	return v > 0 && v < 4 ? n[v] : NULL;
}
const char *cfg_yaml_revoc_name(int v)
{
	return v == CFG_REVOC_CRL ? "crl" : v == CFG_REVOC_NONE ? "none" : NULL;
}
const char *cfg_yaml_tlsver_name(int v)
{
	static const char *const n[] = { "any", "v1.2", "v1.2 minimum", "v1.3" };
	return v >= 0 && v < 4 ? n[v] : NULL;
}
static const char *sipv2_name(int v) { return v == 1 ? "sipv2" : NULL; }
static const char *nte_name(int v) { return v == 1 ? "rtp-nte" : NULL; }
static const char *codec_name(int v) { return v > 0 && v < CFG_CODEC_COUNT ? cfg_codec_names[v] : NULL; }
static const char *suite_name(int v) { return v > 0 && v < CFG_SUITE_COUNT ? cfg_suite_names[v] : NULL; }
static const char *eo_name(int v) { return v == CFG_EO_FORCED ? "forced" : v == CFG_EO_SYSTEM ? "system" : NULL; }
static const char *cipher_name(int v) { return v > 0 && v < CFG_CIPHER_COUNT ? cfg_cipher_table[v].name : NULL; }

/* ip qos dscp: DSCP + 1, by IOS's name or number (af41 or 34); the default
 * (ef, cs3) is stored as 0, not set, as the CLI does */
static const char *dscp_name(int v) { return cfg_dscp_name((unsigned)(v - 1)); }
static int dscp_parse(const char *s, int dflt)
{
	int v = cfg_dscp_parse(s);
	return v < 0 ? -1 : v == dflt ? 0 : v + 1;
}
static int dscp_media_parse(const char *s) { return dscp_parse(s, CFG_DSCP_EF); }
static int dscp_sig_parse(const char *s) { return dscp_parse(s, CFG_DSCP_CS3); }

static const struct yenum en_dscp_media = { 65, dscp_name, dscp_media_parse };
static const struct yenum en_dscp_sig = { 65, dscp_name, dscp_sig_parse };
static const struct yenum en_transport = { 4, transport_name, NULL };
static const struct yenum en_url = { 3, url_name, NULL };
static const struct yenum en_srtp = { 4, srtp_name, NULL };
static const struct yenum en_cnsan = { 4, cnsan_name, NULL };
static const struct yenum en_enroll = { 4, cfg_yaml_enroll_name, NULL };
static const struct yenum en_sipv2 = { 2, sipv2_name, NULL };
static const struct yenum en_nte = { 2, nte_name, NULL };
static const struct yenum en_codec = { CFG_CODEC_COUNT, codec_name, NULL };
static const struct yenum en_suite = { CFG_SUITE_COUNT, suite_name, NULL };
static const struct yenum en_cipher = { CFG_CIPHER_COUNT, cipher_name, NULL };
static const struct yenum en_eo = { 3, eo_name, NULL };

const char *cfg_yaml_enum_name(const struct yenum *en, int v)
{
	const char *s;
	if (v <= 0 || v >= en->count)
		return NULL;
	s = en->name(v);
	return s && *s ? s : NULL;
}

/* ------------------------------------------------------------------ */
/* collection accessors                                                 */

#define ACCESSORS(N, T, GET, FIND)                                              \
	static void *N##_get(struct cfg *c, const char *k) { return GET(c, k); } \
	static void *N##_find(const struct cfg *c, const char *k) { return FIND(c, k); }
ACCESSORS(tp, struct cfg_trustpoint, cfg_trustpoint_get, cfg_trustpoint_find)
ACCESSORS(codec, struct cfg_codec_class, cfg_codec_get, cfg_codec_find)
ACCESSORS(uri, struct cfg_uri_class, cfg_uri_get, cfg_uri_find)
ACCESSORS(cipher, struct cfg_tls_cipher, cfg_tls_cipher_get, cfg_tls_cipher_find)
ACCESSORS(prof, struct cfg_tls_profile, cfg_tls_profile_get, cfg_tls_profile_find)
ACCESSORS(srtpc, struct cfg_srtp_crypto, cfg_srtp_crypto_get, cfg_srtp_crypto_find)
ACCESSORS(tenant, struct cfg_tenant, cfg_tenant_get, cfg_tenant_find)
ACCESSORS(ka, struct cfg_keepalive, cfg_keepalive_get, cfg_keepalive_find)
#undef ACCESSORS
static void *dp_get(struct cfg *c, const char *k) { return cfg_dial_peer_get(c, (uint32_t)strtoul(k, NULL, 10)); }
static void *dp_find(const struct cfg *c, const char *k) { return cfg_dial_peer_find(c, (uint32_t)strtoul(k, NULL, 10)); }

/* ------------------------------------------------------------------ */
/* consistency checks                                                   */

static const char *rsa_check(const void *o)
{
	const struct cfg_trustpoint *t = o;
	return t->rsa_bits && !t->rsakeypair[0] ? "bits given without a label" : NULL;
}

static const char *uri_check(const void *o)
{
	const struct cfg_uri_class *u = o;
	return u->trunk_context[0] && !u->tgrp[0] ? "trunk-context given without tgrp" : NULL;
}

static const char *vcsip_check(const void *o)
{
	const struct cfg_dial_peer *d = o;
	return d->trunk_context[0] && !d->tgrp[0] ? "trunk-context given without tgrp" : NULL;
}

/* bytes: as the CLI says it, without the "% " */
static const char *bytes_check(enum cfg_codec c, unsigned bytes)
{
	const char *m = bytes ? cfg_codec_bytes_check(c, bytes) : NULL;
	return m ? m + 2 : NULL;
}

static const char *dp_check(const void *o)
{
	const struct cfg_dial_peer *d = o;
	if (d->codec_bytes && !d->codec)
		return "codec-bytes given without codec";
	return bytes_check(d->codec, d->codec_bytes);
}

static const char *codec_check(const void *o)
{
	const struct cfg_codec_class *k = o;
	const char *m = NULL;
	for (size_t i = 0; i < k->e.n && !m; i++)
		m = bytes_check(k->e.v[i].codec, k->e.v[i].bytes);
	return m;
}

static const char *sig_check(const struct cfg_crypto_sig *s, bool remote)
{
	if ((s->cn_san_validate_server || s->client_vtp[0]) && !s->trustpoint[0])
		return "cn-san-validate-server and client-vtp need a trustpoint";
	if (remote && !s->trustpoint[0] == !s->tls_profile[0])
		return "exactly one of trustpoint and tls-profile is needed";
	return NULL;
}
static const char *def_check(const void *o) { return sig_check(&((const struct cfg_sip_ua *)o)->def_tp, false); }
static const char *remote_check(const void *o) { return sig_check(&((const struct cfg_remote_addr *)o)->sig, true); }

/* ------------------------------------------------------------------ */
/* tables                                                               */

#define FSZ(T, m) sizeof(((T *)0)->m)
#define YSTR(k, T, m, c) { .key = k, .kind = YF_STR, .off = offsetof(T, m), .size = FSZ(T, m), .chk = c }
#define YREGEX(k, T, m, mx) { .key = k, .kind = YF_STR, .off = offsetof(T, m), .size = FSZ(T, m), .chk = YC_REGEX, .max = mx }
#define YREF(k, T, m, c, r) { .key = k, .kind = YF_STR, .off = offsetof(T, m), .size = FSZ(T, m), .chk = c, .ref = r }
#define YTAG(k, T, m, r) { .key = k, .kind = YF_TAG, .off = offsetof(T, m), .size = FSZ(T, m), .ref = r }
#define YINT(k, T, m, lo, hi) { .key = k, .kind = YF_INT, .off = offsetof(T, m), .size = FSZ(T, m), .min = lo, .max = hi }
#define YBOOL(k, T, m) { .key = k, .kind = YF_BOOL, .off = offsetof(T, m), .size = FSZ(T, m) }
#define YNBOOL(k, T, m) { .key = k, .kind = YF_NBOOL, .off = offsetof(T, m), .size = FSZ(T, m) }
#define YTBOOL(k, T, m) { .key = k, .kind = YF_TBOOL, .off = offsetof(T, m), .size = FSZ(T, m) }
#define YENUM(k, T, m, e) { .key = k, .kind = YF_ENUM, .off = offsetof(T, m), .size = FSZ(T, m), .en = &e }
#define YTGT(k, T, m, mask) { .key = k, .kind = YF_TARGET, .off = offsetof(T, m), .size = FSZ(T, m), .targets = mask }
#define YADDR(k, T, m) { .key = k, .kind = YF_ADDR4, .off = offsetof(T, m), .size = FSZ(T, m) }
#define YGRP(k, tab, chk) { .key = k, .kind = YF_GROUP, .sub = tab, .check = chk }
#define YSUB(k, T, m, tab, presm) { .key = k, .kind = YF_GROUP, .off = offsetof(T, m), .sub = tab, .pres1 = offsetof(T, presm) + 1 }
#define YLIST(k, T, m, E, tab, srt, chk) { .key = k, .kind = YF_LIST, .off = offsetof(T, m), .elsz = sizeof(E), .sub = tab, .sorted = srt, .check = chk }
#define YCOLL(k, c) { .key = k, .kind = YF_COLL, .coll = &c }
#define YX(k, kd) { .key = k, .kind = kd }
#define YINT_R(k, T, m, lo, hi) { .key = k, .kind = YF_INT, .off = offsetof(T, m), .size = FSZ(T, m), .min = lo, .max = hi, .req = true }
#define YENUM_R(k, T, m, e) { .key = k, .kind = YF_ENUM, .off = offsetof(T, m), .size = FSZ(T, m), .en = &e, .req = true }
#define YSTR_R(k, T, m, c) { .key = k, .kind = YF_STR, .off = offsetof(T, m), .size = FSZ(T, m), .chk = c, .req = true }
#define YEND { .key = NULL }

static const struct yfield logging_tab[] = {
	YINT("buffered", struct cfg, logging_buffered, 4096, 2147483647),
	YEND
};

#define TP struct cfg_trustpoint
static const struct yfield tp_rsa_tab[] = {
	YSTR("label", TP, rsakeypair, YC_NAME),
	YINT("bits", TP, rsa_bits, 512, 4096),
	YEND
};
static const struct yfield tp_tab[] = {
	YENUM("enrollment", TP, enrollment, en_enroll),
	YSTR("subject-name", TP, subject_name, YC_LINE),
	YSTR("subject-alt-name", TP, subject_alt_name, YC_LINE),
	YX("revocation-check", YF_REVOC),
	YGRP("rsakeypair", tp_rsa_tab, rsa_check),
	YSTR("eckeypair", TP, eckeypair, YC_NAME),
	YBOOL("chain-validation", TP, chain_validation),
	YSTR("certificate-file", TP, cert_file, YC_WORD),
	YSTR("private-key-file", TP, key_file, YC_WORD),
	YSTR("ca-certificate-file", TP, ca_file, YC_WORD),
	YSTR("crl-file", TP, crl_file, YC_WORD),
	YEND
};
#undef TP

#define VS struct cfg_voice_sip
static const struct yfield vsip_listen_tab[] = {
	YINT("non-secure", VS, listen_nonsecure, 1, 65535),
	YINT("secure", VS, listen_secure, 1, 65535),
	YEND
};
static const struct yfield vsip_bind_ctl_tab[] = {
	YSTR("source-interface", VS, bind_control_if, YC_IFNAME),
	YADDR("source-address", VS, bind_control_addr),
	YEND
};
static const struct yfield vsip_bind_media_tab[] = {
	YSTR("source-interface", VS, bind_media_if, YC_IFNAME),
	YADDR("source-address", VS, bind_media_addr),
	YEND
};
static const struct yfield vsip_bind_tab[] = {
	YGRP("control", vsip_bind_ctl_tab, NULL),
	YGRP("media", vsip_bind_media_tab, NULL),
	YEND
};
static const struct yfield vsip_tab[] = {
	YENUM("session-transport", VS, session_transport, en_transport),
	YENUM("url", VS, url, en_url),
	YTAG("srtp-crypto", VS, srtp_crypto, YREF_SRTP_CRYPTO),
	YGRP("listen-port", vsip_listen_tab, NULL),
	YGRP("bind", vsip_bind_tab, NULL),
	YBOOL("early-offer-forced", VS, early_offer_forced),
	YNBOOL("silent-discard-untrusted", VS, no_silent_discard),
	YEND
};
#undef VS

#define V struct cfg_voice_service
static const struct yfield voice_tab[] = {
	YX("trusted-list", YF_TRUSTED),
	YTBOOL("allow-connections-sip-to-sip", V, allow_sip_to_sip),
	YENUM("srtp", V, srtp, en_srtp),
	YX("rtp-port-range", YF_RTPRANGE),
	YINT("media-inactivity-timer", V, media_inactivity_sec, 10, 86400),
	YSUB("sip", V, sip, vsip_tab, sip_present),
	YEND
};
#undef V

#define UA struct cfg_sip_ua
#define RA struct cfg_remote_addr
static const struct yfield ua_transport_tab[] = {
	YNBOOL("udp", UA, no_udp),
	YNBOOL("tcp", UA, no_tcp),
	YNBOOL("tcp-tls", UA, no_tls),
	YX("tls-version", YF_TLSVER),
	YEND
};
static const struct yfield ua_default_tab[] = {
	YREF("trustpoint", UA, def_tp.trustpoint, YC_NAME, YREF_TRUSTPOINT),
	YBOOL("cn-san-validate-server", UA, def_tp.cn_san_validate_server),
	YREF("client-vtp", UA, def_tp.client_vtp, YC_NAME, YREF_TRUSTPOINT),
	YTAG("tls-profile", UA, def_tls_profile, YREF_TLS_PROFILE),
	YEND
};
static const struct yfield ua_remote_tab[] = {
	{ .key = "prefix", .kind = YF_PREFIX, .off = offsetof(RA, prefix), .req = true },
	YREF("trustpoint", RA, sig.trustpoint, YC_NAME, YREF_TRUSTPOINT),
	YBOOL("cn-san-validate-server", RA, sig.cn_san_validate_server),
	YREF("client-vtp", RA, sig.client_vtp, YC_NAME, YREF_TRUSTPOINT),
	YTAG("tls-profile", RA, sig.tls_profile, YREF_TLS_PROFILE),
	YEND
};
static const struct yfield ua_crypto_tab[] = {
	YGRP("default", ua_default_tab, def_check),
	YLIST("remote-addr", UA, remote, RA, ua_remote_tab, false, remote_check),
	YEND
};
static const struct yfield ua_timers_tab[] = {
	YINT("connection-aging-tls", UA, aging_tls_min, 1, 60),
	YINT("connection-establish-tls", UA, establish_tls_sec, 1, 60),
	YEND
};
static const struct yfield sipua_tab[] = {
	YGRP("transport", ua_transport_tab, NULL),
	YGRP("crypto-signaling", ua_crypto_tab, NULL),
	YGRP("timers", ua_timers_tab, NULL),
	YBOOL("connection-reuse", UA, connection_reuse),
	YTGT("sip-server", UA, sip_server, YT_IPV4 | YT_DNS),
	YEND
};
#undef UA
#undef RA

static const struct yfield codec_entry_tab[] = {
	YINT_R("preference", struct cfg_codec_entry, pref, 1, 14),
	YENUM_R("codec", struct cfg_codec_entry, codec, en_codec),
	YINT("bytes", struct cfg_codec_entry, bytes, 10, 240),
	YEND
};
static const struct yfield codec_tab[] = {
	YLIST("codec-preference", struct cfg_codec_class, e, struct cfg_codec_entry, codec_entry_tab,
	      true, NULL),
	YEND
};

#define U struct cfg_uri_class
static const struct yfield uri_tab[] = {
	YX("hosts", YF_HOSTS),
	YREGEX("host-regex", U, host_regex, 32),
	YREGEX("user-id", U, user_id, 32),
	YREGEX("pattern", U, pattern, 128),
	YSTR("tgrp", U, tgrp, YC_TGRP),
	YSTR("trunk-context", U, trunk_context, YC_TCTX),
	YEND
};
#undef U

static const struct yfield cipher_entry_tab[] = {
	YINT_R("priority", struct cfg_tls_cipher_entry, pri, 1, 10),
	YENUM_R("name", struct cfg_tls_cipher_entry, cipher, en_cipher),
	YEND
};
static const struct yfield cipher_tab[] = {
	YLIST("cipher", struct cfg_tls_cipher, e, struct cfg_tls_cipher_entry, cipher_entry_tab, true,
	      NULL),
	YEND
};

#define P struct cfg_tls_profile
static const struct yfield cnsan_entry_tab[] = {
	YINT_R("index", struct cfg_cn_san_entry, idx, 1, 10),
	YSTR_R("name", struct cfg_cn_san_entry, name, YC_WORD),
	YEND
};
static const struct yfield prof_tab[] = {
	YSTR("description", P, description, YC_LINE),
	YREF("trustpoint", P, trustpoint, YC_NAME, YREF_TRUSTPOINT),
	YTAG("cipher", P, cipher, YREF_TLS_CIPHER),
	YENUM("cn-san-validate", P, cn_san_validate, en_cnsan),
	YLIST("cn-san", P, cn_san, struct cfg_cn_san_entry, cnsan_entry_tab, true, NULL),
	YREF("client-vtp", P, client_vtp, YC_NAME, YREF_TRUSTPOINT),
	YBOOL("sni-send", P, sni_send),
	YX("ecdh-curve", YF_CURVES),
	YEND
};
#undef P

static const struct yfield srtpc_entry_tab[] = {
	YINT_R("priority", struct cfg_srtp_crypto_entry, pri, 1, 4),
	YENUM_R("suite", struct cfg_srtp_crypto_entry, suite, en_suite),
	YEND
};
static const struct yfield srtpc_tab[] = {
	YLIST("crypto", struct cfg_srtp_crypto, e, struct cfg_srtp_crypto_entry, srtpc_entry_tab,
	      true, NULL),
	YEND
};

#define T struct cfg_tenant
static const struct yfield tenant_listen_tab[] = {
	YINT("secure", T, listen_secure, 1, 65535),
	YEND
};
static const struct yfield tenant_tab[] = {
	YTGT("sip-server", T, sip_server, YT_IPV4 | YT_DNS),
	YENUM("session-transport", T, session_transport, en_transport),
	YENUM("url", T, url, en_url),
	YTAG("tls-profile", T, tls_profile, YREF_TLS_PROFILE),
	YTAG("srtp-crypto", T, srtp_crypto, YREF_SRTP_CRYPTO),
	YGRP("listen-port", tenant_listen_tab, NULL),
	YEND
};
#undef T

#define K struct cfg_keepalive
static const struct yfield ka_tab[] = {
	YSTR("description", K, description, YC_LINE),
	YINT("up-interval", K, up_interval, 5, 1200),
	YINT("down-interval", K, down_interval, 5, 1200),
	YINT("retry", K, retry, 1, 10),
	YENUM("transport", K, transport, en_transport),
	YEND
};
#undef K

#define D struct cfg_dial_peer
static const struct yfield dp_inuri_tab[] = {
	YREF("via", D, incoming_uri[CFG_URI_VIA], YC_NAME, YREF_URI),
	YREF("request", D, incoming_uri[CFG_URI_REQUEST], YC_NAME, YREF_URI),
	YREF("to", D, incoming_uri[CFG_URI_TO], YC_NAME, YREF_URI),
	YREF("from", D, incoming_uri[CFG_URI_FROM], YC_NAME, YREF_URI),
	YEND
};
static const struct yfield dp_vcsip_tab[] = {
	YTAG("tenant", D, vc_tenant, YREF_TENANT),
	YTAG("srtp-crypto", D, vc_srtp_crypto, YREF_SRTP_CRYPTO),
	YTAG("tls-profile", D, vc_tls_profile, YREF_TLS_PROFILE),
	YENUM("early-offer", D, early_offer, en_eo),
	YX("options-keepalive", YF_KEEPALIVE),
	YSTR("tgrp", D, tgrp, YC_TGRP),
	YSTR("trunk-context", D, trunk_context, YC_TCTX),
	YEND
};
static const struct yfield dp_dscp_tab[] = {
	YENUM("media", D, dscp_media, en_dscp_media),
	YENUM("signaling", D, dscp_signaling, en_dscp_sig),
	YEND
};
static const struct yfield dp_tab[] = {
	YSTR("description", D, description, YC_LINE),
	YSTR("destination-pattern", D, dest_pattern, YC_WORD),
	YSTR("incoming-called-number", D, incoming_called, YC_WORD),
	YGRP("incoming-uri", dp_inuri_tab, NULL),
	YENUM("session-protocol", D, session_sipv2, en_sipv2),
	YTGT("session-target", D, target, YT_IPV4 | YT_IPV6 | YT_DNS | YT_SIPSRV),
	YENUM("session-transport", D, session_transport, en_transport),
	YGRP("voice-class-sip", dp_vcsip_tab, vcsip_check),
	YTAG("voice-class-codec", D, vc_codec, YREF_CODEC),
	YENUM("codec", D, codec, en_codec),
	YINT("codec-bytes", D, codec_bytes, 10, 240),
	YBOOL("no-vad", D, no_vad),
	YGRP("ip-qos-dscp", dp_dscp_tab, NULL),
	YENUM("dtmf-relay", D, dtmf_rtp_nte, en_nte),
	YENUM("srtp", D, srtp, en_srtp),
	{ .key = "preference", .kind = YF_INT, .off = offsetof(D, preference),
	  .size = FSZ(D, preference), .min = 0, .max = 10, .unset = -1 },
	YBOOL("huntstop", D, huntstop),
	YBOOL("shutdown", D, shutdown),
	YEND
};
#undef D

#define COLL(N, WHAT, VEC, E, KK, KN, KEY, TAB, CHK)                                       \
	static const struct ycoll N = { WHAT, offsetof(struct cfg, VEC), sizeof(E), KK, KN, \
					offsetof(E, KEY), N##_get, N##_find, TAB, CHK }
COLL(tp, "trustpoint", trustpoints, struct cfg_trustpoint, YK_NAME, "name", name, tp_tab, NULL);
COLL(codec, "voice class codec", codecs, struct cfg_codec_class, YK_TAG, "tag", tag, codec_tab, codec_check);
COLL(uri, "voice class uri", uris, struct cfg_uri_class, YK_NAME, "tag", tag, uri_tab, uri_check);
COLL(cipher, "voice class tls-cipher", tls_ciphers, struct cfg_tls_cipher, YK_TAG, "tag", tag,
     cipher_tab, NULL);
COLL(prof, "voice class tls-profile", tls_profiles, struct cfg_tls_profile, YK_TAG, "tag", tag,
     prof_tab, NULL);
COLL(srtpc, "voice class srtp-crypto", srtp_cryptos, struct cfg_srtp_crypto, YK_TAG, "tag", tag,
     srtpc_tab, NULL);
COLL(tenant, "voice class tenant", tenants, struct cfg_tenant, YK_TAG, "tag", tag, tenant_tab, NULL);
COLL(ka, "voice class sip-options-keepalive", keepalives, struct cfg_keepalive, YK_TAG, "tag", tag,
     ka_tab, NULL);
COLL(dp, "dial-peer", dial_peers, struct cfg_dial_peer, YK_DIALPEER, "tag", tag, dp_tab, dp_check);
#undef COLL

const struct ycoll *const cfg_yaml_ref_coll[YREF_COUNT] = {
	[YREF_TRUSTPOINT] = &tp,     [YREF_TLS_CIPHER] = &cipher, [YREF_TLS_PROFILE] = &prof,
	[YREF_SRTP_CRYPTO] = &srtpc, [YREF_URI] = &uri,           [YREF_TENANT] = &tenant,
	[YREF_CODEC] = &codec,       [YREF_KEEPALIVE] = &ka,
};

static const struct yfield vclass_tab[] = {
	YCOLL("codec", codec),
	YCOLL("uri", uri),
	YCOLL("tls-cipher", cipher),
	YCOLL("tls-profile", prof),
	YCOLL("srtp-crypto", srtpc),
	YCOLL("tenant", tenant),
	YCOLL("sip-options-keepalive", ka),
	YEND
};

const struct yfield cfg_yaml_root[] = {
	YSTR("hostname", struct cfg, hostname, YC_HOST),
	YGRP("logging", logging_tab, NULL),
	YX("ip-name-servers", YF_NAMESERVERS),
	YCOLL("trustpoints", tp),
	YSUB("voice-service-voip", struct cfg, voice, voice_tab, voice.present),
	YGRP("voice-class", vclass_tab, NULL),
	YSUB("sip-ua", struct cfg, sipua, sipua_tab, sipua.present),
	YCOLL("dial-peers", dp),
	YEND
};

/* ------------------------------------------------------------------ */
/* shared helpers                                                       */

long long cfg_yaml_int_get(const void *p, size_t size, bool sgn)
{
	switch (size) {
	case 1: { uint8_t v; memcpy(&v, p, 1); return sgn ? (long long)(int8_t)v : (long long)v; }
	case 2: { uint16_t v; memcpy(&v, p, 2); return sgn ? (long long)(int16_t)v : (long long)v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return sgn ? (long long)(int32_t)v : (long long)v; }
	default: { uint64_t v; memcpy(&v, p, 8); return (long long)v; }
	}
}

void cfg_yaml_int_set(void *p, size_t size, long long v)
{
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: { uint64_t x = (uint64_t)v; memcpy(p, &x, 8); break; }
	}
}

struct yvec cfg_yaml_vec(const void *base, size_t off)
{
	struct yvec v;
	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

static bool yint_isset(const void *base, const struct yfield *f)
{
	const char *p = (const char *)base + f->off;
	return cfg_yaml_int_get(p, f->size, f->unset < 0) != f->unset;
}

bool cfg_yaml_isset(const void *base, const struct yfield *f)
{
	const char *p = (const char *)base + f->off;
	switch (f->kind) {
	case YF_STR: case YF_TAG: case YF_ADDR4:
		return p[0] != '\0';
	case YF_INT: case YF_BOOL: case YF_NBOOL: case YF_TBOOL: case YF_ENUM:
		return yint_isset(base, f);
	case YF_TARGET:
		return ((const struct cfg_target *)(const void *)p)->kind != CFG_TARGET_NONE;
	case YF_GROUP:
		if (f->pres1 && *(const bool *)((const char *)base + f->pres1 - 1))
			return true;
		for (const struct yfield *s = f->sub; s->key; s++)
			if (cfg_yaml_isset(p, s))
				return true;
		return false;
	case YF_LIST:
		return cfg_yaml_vec(base, f->off).n > 0;
	case YF_COLL:
		return cfg_yaml_vec(base, f->coll->vec_off).n > 0;
	case YF_TRUSTED: {
		const struct cfg_voice_service *v = base;
		return v->trusted_list_present || v->trusted.n > 0;
	}
	case YF_RTPRANGE: {
		const struct cfg_voice_service *v = base;
		return v->rtp_port_lo || v->rtp_port_hi;
	}
	case YF_REVOC:
		return ((const struct cfg_trustpoint *)base)->revocation[0] != CFG_REVOC_NONE_SET;
	case YF_CURVES:
		return ((const struct cfg_tls_profile *)base)->curves[0] != CFG_CURVE_NONE;
	case YF_HOSTS:
		return ((const struct cfg_uri_class *)base)->hosts.n > 0;
	case YF_TLSVER:
		return ((const struct cfg_sip_ua *)base)->tls_version_set;
	case YF_KEEPALIVE: {
		const struct cfg_dial_peer *d = base;
		return d->keepalive || d->keepalive_profile[0];
	}
	case YF_PREFIX:
		return ((const struct cfg_prefix *)(const void *)p)->family != 0;
	case YF_NAMESERVERS:
		return ((const struct cfg *)base)->n_name_servers > 0;
	}
	return false;
}

bool cfg_yaml_needs_quotes(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", NULL
	};
	char *end;
	if (!*s)
		return true;
	for (int i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	if (strchr("0123456789+-.", s[0])) {
		(void)strtod(s, &end);
		if (*end == '\0')
			return true;
		if (!strcasecmp(s, ".inf") || !strcasecmp(s, "-.inf") || !strcasecmp(s, ".nan"))
			return true;
		/* YAML 1.1 readers take 1:30 for a base-60 number */
		if (s[0] >= '0' && s[0] <= '9' && strchr(s, ':') &&
		    strspn(s, "0123456789:_.") == strlen(s))
			return true;
	}
	return false;
}
