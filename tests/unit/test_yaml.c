/* test_yaml.c - unit tests of the YAML face of the configuration model
 * (core/config_yaml*.c): a configuration with every field set survives
 * emit -> load unchanged, presence flags round trip, and hand-written
 * documents with mistakes give the exact FILE:LINE: messages while the valid
 * parts still load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/config_yaml.h"

static void prefix(struct cfg_prefix *p, const char *a, const char *m)
{
	char err[160] = "";
	assert_int_equal(cfg_prefix_parse(a, m, p, err, sizeof(err)), 0);
}

static void target(struct cfg_target *t, const char *s)
{
	char err[160] = "";
	assert_int_equal(cfg_target_parse(s, t, err, sizeof(err)), 0);
}

/* A configuration in which every field of every struct is set. */
static void build_full(struct cfg *c)
{
	struct cfg_prefix p;
	struct cfg_target t;
	struct cfg_remote_addr ra;

	cfg_init(c);
	CFG_SET(c->hostname, "cube-1");
	c->logging_buffered = 65536;

	/* trustpoints */
	struct cfg_trustpoint *tp = cfg_trustpoint_get(c, "TP1");
	assert_non_null(tp);
	tp->enrollment = CFG_ENROLL_TERMINAL_PEM;
	CFG_SET(tp->subject_name, "CN=cube-1.example.net, O=Example");
	CFG_SET(tp->subject_alt_name, "cube-1.example.net");
	tp->revocation[0] = CFG_REVOC_CRL;
	tp->revocation[1] = CFG_REVOC_NONE;
	CFG_SET(tp->rsakeypair, "cube-key");
	tp->rsa_bits = 2048;
	CFG_SET(tp->eckeypair, "cube-ec");
	tp->chain_validation = true;
	CFG_SET(tp->cert_file, "/etc/tollgate/pki/cube.pem");
	CFG_SET(tp->key_file, "/etc/tollgate/pki/cube.key");
	CFG_SET(tp->ca_file, "/etc/tollgate/pki/ca.pem");
	CFG_SET(tp->crl_file, "/etc/tollgate/pki/ca.crl");
	tp = cfg_trustpoint_get(c, "TP2");
	assert_non_null(tp);
	tp->enrollment = CFG_ENROLL_SELFSIGNED;
	tp->revocation[0] = CFG_REVOC_NONE;
	CFG_SET(tp->rsakeypair, "k2");

	/* voice service voip */
	c->voice.present = true;
	c->voice.trusted_list_present = true;
	prefix(&p, "10.0.0.0", "255.0.0.0");
	assert_int_equal(CFG_VEC_PUSH(c->voice.trusted, p), 0);
	prefix(&p, "172.16.0.0", "/12");
	assert_int_equal(CFG_VEC_PUSH(c->voice.trusted, p), 0);
	prefix(&p, "192.0.2.1", NULL);
	assert_int_equal(CFG_VEC_PUSH(c->voice.trusted, p), 0);
	prefix(&p, "2001:db8::/32", NULL);
	assert_int_equal(CFG_VEC_PUSH(c->voice.trusted, p), 0);
	c->voice.allow_sip_to_sip = true;
	c->voice.srtp = CFG_SRTP_FALLBACK;
	c->voice.rtp_port_lo = 16384;
	c->voice.rtp_port_hi = 32767;
	c->voice.sip_present = true;
	struct cfg_voice_sip *vs = &c->voice.sip;
	vs->session_transport = CFG_TRANSPORT_TLS;
	vs->url = CFG_URL_SIPS;
	CFG_SET(vs->srtp_crypto, "1");
	vs->listen_nonsecure = 5070;
	vs->listen_secure = 5071;
	CFG_SET(vs->bind_control_if, "eth0");
	CFG_SET(vs->bind_control_addr, "192.0.2.10");
	CFG_SET(vs->bind_media_if, "eth1");
	CFG_SET(vs->bind_media_addr, "192.0.2.11");
	vs->early_offer_forced = true;
	vs->no_silent_discard = true;

	/* sip-ua */
	struct cfg_sip_ua *ua = &c->sipua;
	ua->present = true;
	ua->no_udp = ua->no_tcp = ua->no_tls = true;
	ua->tls_version_set = true;
	ua->tls_version = CFG_TLSV_12_MIN;
	CFG_SET(ua->def_tp.trustpoint, "TP1");
	ua->def_tp.cn_san_validate_server = true;
	CFG_SET(ua->def_tp.client_vtp, "TP2");
	CFG_SET(ua->def_tls_profile, "2");
	memset(&ra, 0, sizeof(ra));
	prefix(&ra.prefix, "203.0.113.0", "255.255.255.0");
	CFG_SET(ra.sig.trustpoint, "TP1");
	ra.sig.cn_san_validate_server = true;
	CFG_SET(ra.sig.client_vtp, "TP2");
	assert_int_equal(CFG_VEC_PUSH(ua->remote, ra), 0);
	memset(&ra, 0, sizeof(ra));
	prefix(&ra.prefix, "198.51.100.0", "/24");
	CFG_SET(ra.sig.tls_profile, "2");
	assert_int_equal(CFG_VEC_PUSH(ua->remote, ra), 0);
	ua->aging_tls_min = 10;
	ua->establish_tls_sec = 30;
	ua->connection_reuse = true;
	target(&ua->sip_server, "dns:sbc.example.net:5061");

	/* voice classes */
	struct cfg_tls_cipher *tc = cfg_tls_cipher_get(c, "1");
	assert_non_null(tc);
	struct cfg_tls_cipher_entry ce1 = { 1, CFG_CIPHER_ECDHE_ECDSA_AES256_GCM_SHA384 };
	struct cfg_tls_cipher_entry ce2 = { 2, CFG_CIPHER_ECDHE_RSA_AES128_GCM_SHA256 };
	struct cfg_tls_cipher_entry ce3 = { 10, CFG_CIPHER_TLS13_CHACHA20_POLY1305_SHA256 };
	assert_int_equal(CFG_VEC_PUSH(tc->e, ce1), 0);
	assert_int_equal(CFG_VEC_PUSH(tc->e, ce2), 0);
	assert_int_equal(CFG_VEC_PUSH(tc->e, ce3), 0);

	struct cfg_tls_profile *pr = cfg_tls_profile_get(c, "2");
	assert_non_null(pr);
	CFG_SET(pr->description, "Genesys BYOC: TLS 1.2, secp384r1");
	CFG_SET(pr->trustpoint, "TP1");
	CFG_SET(pr->cipher, "1");
	pr->cn_san_validate = CFG_CNSAN_BIDIR;
	struct cfg_cn_san_entry cn1 = { 1, "*.example.net" };
	struct cfg_cn_san_entry cn2 = { 3, "sbc.example.org" };
	assert_int_equal(CFG_VEC_PUSH(pr->cn_san, cn1), 0);
	assert_int_equal(CFG_VEC_PUSH(pr->cn_san, cn2), 0);
	CFG_SET(pr->client_vtp, "TP2");
	pr->sni_send = true;
	pr->curves[0] = CFG_CURVE_SECP384R1;
	pr->curves[1] = CFG_CURVE_X25519;

	struct cfg_srtp_crypto *sc = cfg_srtp_crypto_get(c, "1");
	assert_non_null(sc);
	struct cfg_srtp_crypto_entry se1 = { 1, CFG_SUITE_AEAD_AES_256_GCM };
	struct cfg_srtp_crypto_entry se3 = { 3, CFG_SUITE_AES_CM_128_HMAC_SHA1_80 };
	assert_int_equal(CFG_VEC_PUSH(sc->e, se1), 0);
	assert_int_equal(CFG_VEC_PUSH(sc->e, se3), 0);

	struct cfg_codec_class *cc = cfg_codec_get(c, "1");
	assert_non_null(cc);
	struct cfg_codec_entry k1 = { 1, CFG_CODEC_OPUS, 0 }, k2 = { 2, CFG_CODEC_G711ULAW, 160 },
			       k3 = { 14, CFG_CODEC_G722_64, 0 };
	assert_int_equal(CFG_VEC_PUSH(cc->e, k1), 0);
	assert_int_equal(CFG_VEC_PUSH(cc->e, k2), 0);
	assert_int_equal(CFG_VEC_PUSH(cc->e, k3), 0);

	struct cfg_uri_class *u = cfg_uri_get(c, "TRUNK");
	assert_non_null(u);
	target(&t, "ipv4:198.51.100.7");
	assert_int_equal(CFG_VEC_PUSH(u->hosts, t), 0);
	target(&t, "dns:sip.example.net");
	assert_int_equal(CFG_VEC_PUSH(u->hosts, t), 0);
	CFG_SET(u->host_regex, "^sip[0-9]+\\.example\\.net$");
	CFG_SET(u->user_id, "^\\+1[0-9]+");
	CFG_SET(u->pattern, "sips?:.*@example\\.net");
	CFG_SET(u->tgrp, "TG-1");
	CFG_SET(u->trunk_context, "example.net");
	/* a uri tag that looks like a number must stay a string */
	assert_non_null(cfg_uri_get(c, "100"));

	struct cfg_tenant *te = cfg_tenant_get(c, "100");
	assert_non_null(te);
	target(&te->sip_server, "ipv4:192.0.2.50:5062");
	te->session_transport = CFG_TRANSPORT_TCP;
	te->url = CFG_URL_SIP;
	CFG_SET(te->tls_profile, "2");
	CFG_SET(te->srtp_crypto, "1");
	te->listen_secure = 5081;

	struct cfg_keepalive *ka = cfg_keepalive_get(c, "5");
	assert_non_null(ka);
	CFG_SET(ka->description, "carrier probe");
	ka->up_interval = 120;
	ka->down_interval = 5;
	ka->retry = 10;
	ka->transport = CFG_TRANSPORT_UDP;

	/* dial-peers */
	struct cfg_dial_peer *d = cfg_dial_peer_get(c, 100);
	assert_non_null(d);
	CFG_SET(d->description, "to the carrier: TLS + SRTP");
	CFG_SET(d->dest_pattern, "+1[2-9]..[2-9]......");
	CFG_SET(d->incoming_called, "9T");
	CFG_SET(d->incoming_uri[CFG_URI_VIA], "TRUNK");
	CFG_SET(d->incoming_uri[CFG_URI_REQUEST], "100");
	CFG_SET(d->incoming_uri[CFG_URI_TO], "TRUNK");
	CFG_SET(d->incoming_uri[CFG_URI_FROM], "100");
	d->session_sipv2 = true;
	target(&d->target, "ipv4:192.0.2.20:5061");
	d->session_transport = CFG_TRANSPORT_TLS;
	CFG_SET(d->vc_tenant, "100");
	CFG_SET(d->vc_srtp_crypto, "1");
	CFG_SET(d->vc_tls_profile, "2");
	d->early_offer = CFG_EO_FORCED;
	d->keepalive = true;
	CFG_SET(d->keepalive_profile, "5");
	CFG_SET(d->tgrp, "TG-2");
	CFG_SET(d->trunk_context, "+1-630");
	CFG_SET(d->vc_codec, "1");
	d->codec = CFG_CODEC_G729R8;
	d->dscp_media = 34 + 1;      /* af41 */
	d->dscp_signaling = 5 + 1;   /* no name: a number */
	d->dtmf_rtp_nte = true;
	d->srtp = CFG_SRTP_ON;
	d->preference = 10;
	d->huntstop = true;
	d->shutdown = true;
	d = cfg_dial_peer_get(c, 2147483647);
	assert_non_null(d);
	target(&d->target, "ipv6:[2001:db8::5]:5060");
	d->keepalive = true;
	d->early_offer = CFG_EO_SYSTEM;
	d->preference = 0;
	d->srtp = CFG_SRTP_PASSTHRU;
	d = cfg_dial_peer_get(c, 7);
	assert_non_null(d);
	target(&d->target, "sip-server");
	d->srtp = CFG_SRTP_OFF;
	CFG_SET(d->description, "1:30"); /* a base-60 number to YAML 1.1 */
	CFG_SET(d->dest_pattern, "911");
	d->dscp_signaling = 0 + 1;   /* default */
}

/* Emit c, load it back into a fresh cfg, return the YAML text (caller frees). */
static char *round_trip(const struct cfg *c, struct cfg *back)
{
	struct buf y = BUF_INIT, err = BUF_INIT;
	assert_int_equal(cfg_yaml_emit(c, &y), 0);
	cfg_init(back);
	int rc = cfg_yaml_load(y.p, y.len, "rt.yaml", back, &err);
	if (rc)
		fprintf(stderr, "--- yaml ---\n%s--- errors ---\n%s", buf_str(&y), buf_str(&err));
	assert_int_equal(rc, 0);
	assert_int_equal(err.len, 0);
	buf_free(&err);
	return y.p;
}

static void test_roundtrip_full(void **state)
{
	(void)state;
	struct cfg c, back, again;
	build_full(&c);
	char *y = round_trip(&c, &back);
	if (!cfg_equal(&c, &back))
		fprintf(stderr, "%s", y);
	assert_true(cfg_equal(&c, &back));
	/* the second emission is the same text */
	char *y2 = round_trip(&back, &again);
	assert_string_equal(y, y2);
	/* spot checks of the shape */
	assert_non_null(strstr(y, "hostname: cube-1\n"));
	assert_non_null(strstr(y, "  buffered: 65536\n"));
	assert_non_null(strstr(y, "- 10.0.0.0 255.0.0.0\n"));
	assert_non_null(strstr(y, "- 2001:db8::/32\n"));
	assert_non_null(strstr(y, "rtp-port-range: [16384, 32767]\n"));
	assert_non_null(strstr(y, "srtp: fallback\n"));
	assert_non_null(strstr(y, "silent-discard-untrusted: false\n"));
	assert_non_null(strstr(y, "session-target: ipv4:192.0.2.20:5061\n"));
	assert_non_null(strstr(y, "tag: \"100\"\n"));  /* uri tag stays a string */
	assert_non_null(strstr(y, "- tag: 100\n"));    /* dial-peer tag is an int */
	assert_non_null(strstr(y, "preference: 0\n"));
	assert_non_null(strstr(y, "description: \"1:30\"\n"));
	assert_non_null(strstr(y, "destination-pattern: \"911\"\n"));
	assert_non_null(strstr(y, "tls-version: v1.2 minimum\n"));
	assert_non_null(strstr(y, "revocation-check: [crl, none]\n"));
	assert_non_null(strstr(y, "ecdh-curve: [secp384r1, x25519]\n"));
	assert_non_null(strstr(y, "  ip-qos-dscp:\n    media: af41\n    signaling: \"5\"\n"));
	assert_non_null(strstr(y, "  ip-qos-dscp:\n    signaling: default\n"));
	assert_null(strstr(y, "subject-name: \n"));
	free(y);
	free(y2);
	cfg_free(&c);
	cfg_free(&back);
	cfg_free(&again);
}

static void test_empty(void **state)
{
	(void)state;
	struct cfg c, back;
	struct buf err = BUF_INIT;
	cfg_init(&c);
	char *y = round_trip(&c, &back);
	assert_string_equal(y, "hostname: tollgate\n");
	assert_true(cfg_equal(&c, &back));
	free(y);
	cfg_free(&back);
	/* an empty document and a comment-only one load as nothing */
	cfg_init(&back);
	assert_int_equal(cfg_yaml_load("", 0, "e.yaml", &back, &err), 0);
	assert_int_equal(cfg_yaml_load("# nothing\n", 10, "e.yaml", &back, &err), 0);
	assert_int_equal(err.len, 0);
	assert_true(cfg_equal(&c, &back));
	cfg_free(&back);
	cfg_free(&c);
}

static void test_presence(void **state)
{
	(void)state;
	struct cfg c, back;
	cfg_init(&c);
	c.voice.present = true;
	c.voice.sip_present = true;
	c.voice.trusted_list_present = true;
	c.sipua.present = true;
	char *y = round_trip(&c, &back);
	assert_string_equal(y, "hostname: tollgate\n"
			       "voice-service-voip:\n"
			       "  trusted-list: []\n"
			       "  sip: {}\n"
			       "sip-ua: {}\n");
	assert_true(cfg_equal(&c, &back));
	free(y);
	cfg_free(&back);
	/* each flag alone */
	c.voice.sip_present = false;
	c.voice.trusted_list_present = false;
	y = round_trip(&c, &back);
	assert_true(back.voice.present);
	assert_false(back.voice.sip_present);
	assert_false(back.voice.trusted_list_present);
	assert_true(cfg_equal(&c, &back));
	free(y);
	cfg_free(&back);
	cfg_free(&c);
}

/* allow-connections sip to sip: absent (allowed), true, or false (refused). */
static void test_allow_sip_to_sip(void **state)
{
	(void)state;
	struct cfg c, back;
	cfg_init(&c);
	c.voice.present = true;
	c.voice.allow_sip_to_sip = CFG_ALLOW_OFF;
	char *y = round_trip(&c, &back);
	assert_string_equal(y, "hostname: tollgate\n"
			       "voice-service-voip:\n"
			       "  allow-connections-sip-to-sip: false\n");
	assert_int_equal(back.voice.allow_sip_to_sip, CFG_ALLOW_OFF);
	assert_true(cfg_equal(&c, &back));
	free(y);
	cfg_free(&back);
	c.voice.allow_sip_to_sip = CFG_ALLOW_ON;
	y = round_trip(&c, &back);
	assert_non_null(strstr(y, "  allow-connections-sip-to-sip: true\n"));
	assert_int_equal(back.voice.allow_sip_to_sip, CFG_ALLOW_ON);
	free(y);
	cfg_free(&back);
	cfg_free(&c);
}

static int load(const char *text, struct cfg *c, struct buf *err)
{
	cfg_init(c);
	buf_reset(err);
	return cfg_yaml_load(text, strlen(text), "t.yaml", c, err);
}

/* Blocks in any order: references resolve against the whole file. */
static void test_hand_written(void **state)
{
	(void)state;
	static const char doc[] =
		"# lab\n"
		"dial-peers:\n"
		"  - tag: 10\n"
		"    destination-pattern: 9T\n"
		"    session-target: \"ipv4:192.0.2.1\"\n"
		"    session-transport: tcp tls\n"
		"    voice-class-sip: {tenant: 1, early-offer: forced, options-keepalive: {profile: 1}}\n"
		"    srtp: on\n"
		"  - tag: 5\n"
		"    srtp: true\n"
		"    voice-class-sip:\n"
		"      options-keepalive: true\n"
		"      early-offer: system\n"
		"voice-class:\n"
		"  tenant:\n"
		"    - tag: 1\n"
		"      tls-profile: 1\n"
		"  tls-profile:\n"
		"    - {tag: 1, trustpoint: lab, ecdh-curve: [secp384r1]}\n"
		"  sip-options-keepalive:\n"
		"    - tag: 1\n"
		"trustpoints:\n"
		"  - name: lab\n"
		"    enrollment: terminal pem\n"
		"hostname: lab\n";
	struct cfg c;
	struct buf err = BUF_INIT;
	int rc = load(doc, &c, &err);
	if (rc)
		fprintf(stderr, "%s", buf_str(&err));
	assert_int_equal(rc, 0);
	assert_string_equal(c.hostname, "lab");
	assert_int_equal(c.dial_peers.n, 2);
	assert_int_equal(c.dial_peers.v[0].tag, 5); /* sorted */
	assert_int_equal(c.dial_peers.v[0].srtp, CFG_SRTP_ON);
	assert_true(c.dial_peers.v[0].keepalive);
	assert_string_equal(c.dial_peers.v[0].keepalive_profile, "");
	assert_int_equal(c.dial_peers.v[0].early_offer, CFG_EO_SYSTEM);
	struct cfg_dial_peer *d = cfg_dial_peer_find(&c, 10);
	assert_non_null(d);
	assert_string_equal(d->vc_tenant, "1");
	assert_string_equal(d->keepalive_profile, "1");
	assert_true(d->keepalive);
	assert_int_equal(d->early_offer, CFG_EO_FORCED);
	assert_int_equal(d->target.kind, CFG_TARGET_IPV4);
	assert_int_equal(d->session_transport, CFG_TRANSPORT_TLS);
	assert_int_equal(d->preference, -1);
	assert_int_equal(c.tls_profiles.v[0].curves[0], CFG_CURVE_SECP384R1);
	assert_int_equal(c.trustpoints.v[0].enrollment, CFG_ENROLL_TERMINAL_PEM);
	cfg_free(&c);
	buf_free(&err);
}

/* Every kind of mistake, with its exact message and line; what is valid
 * around the mistakes still loads. */
static void test_errors(void **state)
{
	(void)state;
	static const char doc[] =
		"hostname: 9lives\n"                          /* 1 */
		"logging: {buffered: 100}\n"                  /* 2 */
		"colour: blue\n"                              /* 3 */
		"voice-service-voip:\n"                       /* 4 */
		"  srtp: maybe\n"                             /* 5 */
		"  allow-connections-sip-to-sip: yes\n"       /* 6 */
		"  rtp-port-range: [16385, 20000]\n"          /* 7 */
		"  trusted-list: [10.0.0.0 255.0.255.0, 192.0.2.0 /24, \"2001:db8::1\"]\n" /* 8 */
		"  sip:\n"                                    /* 9 */
		"    listen-port: {secure: 70000}\n"          /* 10 */
		"    url: sips\n"                             /* 11 */
		"    url: sip\n"                              /* 12 */
		"    bind: {control: {source-address: 1.2.3}}\n" /* 13 */
		"sip-ua:\n"                                   /* 14 */
		"  timers: {connection-aging-tls: 0}\n"       /* 15 */
		"  sip-server: ipv6:[::1]:5060\n"             /* 16 */
		"  crypto-signaling:\n"                       /* 17 */
		"    remote-addr:\n"                          /* 18 */
		"      - {prefix: 10.0.0.0 /8}\n"             /* 19 */
		"      - {prefix: 10.0.0.0 /8, tls-profile: 9}\n" /* 20 */
		"voice-class:\n"                              /* 21 */
		"  codec:\n"                                  /* 22 */
		"    - tag: 1\n"                              /* 23 */
		"      codec-preference:\n"                   /* 24 */
		"        - {preference: 1, codec: g711ulaw}\n" /* 25 */
		"        - {preference: 1, codec: opus}\n"    /* 26 */
		"        - {preference: 2, codec: gsm}\n"     /* 27 */
		"        - {preference: 3}\n"                 /* 28 */
		"    - tag: 1\n"                              /* 29 */
		"    - tag: 10001\n"                          /* 30 */
		"  uri:\n"                                    /* 31 */
		"    - tag: A\n"                              /* 32 */
		"      trunk-context: example.net\n"          /* 33 */
		"dial-peers:\n"                               /* 34 */
		"  - tag: 100\n"                              /* 35 */
		"    description: ok\n"                       /* 36 */
		"    preference: 11\n"                        /* 37 */
		"    huntstop: \"true\"\n"                    /* 38 */
		"    voice-class-codec: 2\n"                  /* 39 */
		"    session-target: ipv4:300.1.1.1\n"        /* 40 */
		"    shutdown: true\n"                        /* 41 */
		"  - description: no tag\n";                  /* 42 */
	static const char want[] =
		"t.yaml:1: hostname: invalid hostname \"9lives\": letters, digits and '-', starting with a letter and ending with a letter or digit\n"
		"t.yaml:2: logging.buffered: 100 is out of range <4096-2147483647>\n"
		"t.yaml:3: colour: unknown key\n"
		"t.yaml:5: voice-service-voip.srtp: invalid value \"maybe\" (expected one of: on, fallback, pass-thru)\n"
		"t.yaml:6: voice-service-voip.allow-connections-sip-to-sip: expected true or false, got \"yes\"\n"
		"t.yaml:7: voice-service-voip.rtp-port-range: the low port 16385 must be even\n"
		"t.yaml:8: voice-service-voip.trusted-list[0]: invalid prefix \"10.0.0.0 255.0.255.0\": invalid network mask '255.0.255.0'\n"
		"t.yaml:8: voice-service-voip.trusted-list[2]: an IPv6 entry needs a prefix length (X:X::X:X/LEN)\n"
		"t.yaml:10: voice-service-voip.sip.listen-port.secure: 70000 is out of range <1-65535>\n"
		"t.yaml:12: voice-service-voip.sip.url: duplicate key\n"
		"t.yaml:13: voice-service-voip.sip.bind.control.source-address: \"1.2.3\" is not an IPv4 address\n"
		"t.yaml:15: sip-ua.timers.connection-aging-tls: 0 is out of range <1-60>\n"
		"t.yaml:16: sip-ua.sip-server: target \"ipv6:[::1]:5060\" not allowed here (only ipv4:, dns:)\n"
		"t.yaml:19: sip-ua.crypto-signaling.remote-addr[0]: exactly one of trustpoint and tls-profile is needed\n"
		"t.yaml:20: sip-ua.crypto-signaling.remote-addr[1].tls-profile: voice class tls-profile 9 is not defined\n"
		"t.yaml:26: voice-class.codec[tag=1].codec-preference[1]: duplicate preference 1\n"
		"t.yaml:27: voice-class.codec[tag=1].codec-preference[2].codec: invalid value \"gsm\" (expected one of: g711ulaw, g711alaw, g722-64, g729r8, opus)\n"
		"t.yaml:28: voice-class.codec[tag=1].codec-preference[3]: missing key \"codec\"\n"
		"t.yaml:29: voice-class.codec[1].tag: duplicate voice class codec tag 1 (first at line 23)\n"
		"t.yaml:30: voice-class.codec[2].tag: 10001 is out of range <1-10000>\n"
		"t.yaml:32: voice-class.uri[tag=A]: trunk-context given without tgrp\n"
		"t.yaml:37: dial-peers[tag=100].preference: 11 is out of range <0-10>\n"
		"t.yaml:38: dial-peers[tag=100].huntstop: expected true or false, got \"true\"\n"
		"t.yaml:39: dial-peers[tag=100].voice-class-codec: voice class codec 2 is not defined\n"
		"t.yaml:40: dial-peers[tag=100].session-target: invalid target \"ipv4:300.1.1.1\": invalid IPv4 address '300.1.1.1'\n"
		"t.yaml:42: dial-peers[1]: missing key \"tag\"\n";
	struct cfg c;
	struct buf err = BUF_INIT;
	assert_int_equal(load(doc, &c, &err), -EINVAL);
	assert_string_equal(buf_str(&err), want);

	/* the valid parts loaded */
	assert_string_equal(c.hostname, "tollgate");
	assert_int_equal(c.logging_buffered, 0);
	assert_true(c.voice.present);
	assert_true(c.voice.sip_present);
	assert_int_equal(c.voice.srtp, CFG_SRTP_OFF);
	assert_int_equal(c.voice.rtp_port_lo, 0);
	assert_int_equal(c.voice.trusted.n, 1);
	assert_int_equal(c.voice.trusted.v[0].len, 24);
	assert_int_equal(c.voice.sip.url, CFG_URL_SIPS); /* the first of the two */
	assert_int_equal(c.sipua.remote.n, 0);
	assert_int_equal(c.codecs.n, 1);
	assert_int_equal(c.codecs.v[0].e.n, 1);
	assert_int_equal(c.codecs.v[0].e.v[0].codec, CFG_CODEC_G711ULAW);
	assert_int_equal(c.uris.n, 1);
	assert_string_equal(c.uris.v[0].trunk_context, "");
	assert_int_equal(c.dial_peers.n, 1);
	struct cfg_dial_peer *d = &c.dial_peers.v[0];
	assert_string_equal(d->description, "ok");
	assert_int_equal(d->preference, -1);
	assert_false(d->huntstop);
	assert_true(d->shutdown);
	assert_string_equal(d->vc_codec, "");
	assert_int_equal(d->target.kind, CFG_TARGET_NONE);
	cfg_free(&c);
	buf_free(&err);
}

static void test_type_errors(void **state)
{
	(void)state;
	struct cfg c;
	struct buf err = BUF_INIT;

	assert_int_equal(load("- a\n- b\n", &c, &err), -EINVAL);
	assert_string_equal(buf_str(&err),
			    "t.yaml:1: the document must be a mapping (hostname:, dial-peers: ...)\n");
	cfg_free(&c);

	assert_int_equal(load("hostname: [a]\n"
			      "dial-peers: {tag: 1}\n"
			      "voice-service-voip: 5\n"
			      "sip-ua:\n"
			      "  connection-reuse: \n"
			      "  transport: {tls-version: v1.4}\n"
			      "trustpoints:\n"
			      "  - name: bad name\n"
			      "  - name: ok\n"
			      "    revocation-check: [crl, crl]\n"
			      "    rsakeypair: {bits: 1024}\n",
			      &c, &err), -EINVAL);
	assert_string_equal(buf_str(&err),
		"t.yaml:1: hostname: expected a string, got a list\n"
		"t.yaml:2: dial-peers: expected a list, got a mapping\n"
		"t.yaml:3: voice-service-voip: expected a mapping, got \"5\"\n"
		"t.yaml:5: sip-ua.connection-reuse: expected true or false, got nothing\n"
		"t.yaml:6: sip-ua.transport.tls-version: invalid value \"v1.4\" (expected one of: any, v1.2, v1.2 minimum, v1.3)\n"
		"t.yaml:8: trustpoints[0].name: invalid name \"bad name\": use letters, digits, '-', '_' and '.'\n"
		"t.yaml:10: trustpoints[name=ok].revocation-check[1]: duplicate value \"crl\"\n"
		"t.yaml:11: trustpoints[name=ok].rsakeypair: bits given without a label\n");
	assert_int_equal(c.trustpoints.n, 1);
	assert_int_equal(c.trustpoints.v[0].rsa_bits, 0);
	assert_int_equal(c.trustpoints.v[0].revocation[0], CFG_REVOC_NONE_SET);
	assert_true(c.sipua.present);
	assert_false(c.sipua.tls_version_set);
	cfg_free(&c);

	/* a YAML syntax error: nothing loads, the line is libyaml's */
	assert_int_equal(load("hostname: a\ndial-peers:\n  - tag: 1\n   x: [\n", &c, &err), -EINVAL);
	assert_int_equal(strncmp(buf_str(&err), "t.yaml:4: ", 10), 0);
	assert_string_equal(c.hostname, "tollgate");
	cfg_free(&c);

	/* two documents */
	assert_int_equal(load("hostname: a\n---\nhostname: b\n", &c, &err), -EINVAL);
	assert_string_equal(buf_str(&err), "t.yaml:3: only one YAML document is allowed\n");
	assert_string_equal(c.hostname, "a");
	cfg_free(&c);
	buf_free(&err);
}

/* Lists given in a document replace the model's; sorted lists are sorted. */
static void test_lists(void **state)
{
	(void)state;
	struct cfg c;
	struct buf err = BUF_INIT;
	assert_int_equal(load("voice-class:\n"
			      "  srtp-crypto:\n"
			      "    - tag: 7\n"
			      "      crypto:\n"
			      "        - {priority: 4, suite: AEAD_AES_128_GCM}\n"
			      "        - {priority: 1, suite: AES_CM_128_HMAC_SHA1_32}\n"
			      "  uri:\n"
			      "    - tag: U\n"
			      "      hosts: [\"ipv4:192.0.2.1\", \"ipv4:192.0.2.2\", \"ipv4:192.0.2.3\","
			      " \"ipv4:192.0.2.4\", \"ipv4:192.0.2.5\", \"ipv4:192.0.2.6\","
			      " \"ipv4:192.0.2.7\", \"ipv4:192.0.2.8\", \"ipv4:192.0.2.9\","
			      " \"ipv4:192.0.2.10\", \"ipv4:192.0.2.11\"]\n",
			      &c, &err), -EINVAL);
	assert_string_equal(buf_str(&err),
		"t.yaml:9: voice-class.uri[tag=U].hosts[10]: Maximum of 10 hosts can only be configured\n");
	struct cfg_srtp_crypto *sc = cfg_srtp_crypto_find(&c, "7");
	assert_non_null(sc);
	assert_int_equal(sc->e.n, 2);
	assert_int_equal(sc->e.v[0].pri, 1);
	assert_int_equal(sc->e.v[1].pri, 4);
	assert_int_equal(c.uris.v[0].hosts.n, 10);

	/* loading again over the same cfg replaces the list, does not append */
	buf_reset(&err);
	static const char again[] = "voice-class:\n  srtp-crypto:\n    - tag: 7\n"
				    "      crypto: [{priority: 2, suite: AEAD_AES_256_GCM}]\n";
	assert_int_equal(cfg_yaml_load(again, strlen(again), "t.yaml", &c, &err), 0);
	sc = cfg_srtp_crypto_find(&c, "7");
	assert_int_equal(sc->e.n, 1);
	assert_int_equal(sc->e.v[0].suite, CFG_SUITE_AEAD_AES_256_GCM);
	cfg_free(&c);
	buf_free(&err);
}

/* ip qos dscp: names and numbers read, a bad value named with the choices */
static void test_dscp(void **state)
{
	(void)state;
	struct cfg c;
	struct buf err = BUF_INIT;
	assert_int_equal(load("dial-peers:\n"
			      "  - tag: 1\n"
			      "    ip-qos-dscp: {media: 34, signaling: CS5}\n"
			      "  - tag: 2\n"
			      "    ip-qos-dscp: {media: 0, signaling: \"63\"}\n",
			      &c, &err), 0);
	assert_int_equal(err.len, 0);
	assert_int_equal(cfg_dial_peer_find(&c, 1)->dscp_media, 34 + 1);
	assert_int_equal(cfg_dial_peer_find(&c, 1)->dscp_signaling, 40 + 1);
	assert_int_equal(cfg_dp_media_tos(cfg_dial_peer_find(&c, 1)), 0x88);
	assert_int_equal(cfg_dp_signaling_tos(cfg_dial_peer_find(&c, 1)), 0xa0);
	assert_int_equal(cfg_dp_media_tos(cfg_dial_peer_find(&c, 2)), 0);
	assert_int_equal(cfg_dp_signaling_tos(cfg_dial_peer_find(&c, 2)), 0xfc);
	assert_int_equal(cfg_dp_media_tos(NULL), 0xb8);
	assert_int_equal(cfg_dp_signaling_tos(NULL), 0x60);
	cfg_free(&c);
	/* the defaults read as not set, as `ip qos dscp ef media` in the CLI */
	assert_int_equal(load("dial-peers:\n"
			      "  - tag: 1\n"
			      "    ip-qos-dscp: {media: ef, signaling: 24}\n",
			      &c, &err), 0);
	assert_int_equal(cfg_dial_peer_find(&c, 1)->dscp_media, 0);
	assert_int_equal(cfg_dial_peer_find(&c, 1)->dscp_signaling, 0);
	cfg_free(&c);
	buf_reset(&err);
	assert_int_equal(load("dial-peers:\n"
			      "  - tag: 1\n"
			      "    ip-qos-dscp: {media: af44, signaling: 64}\n",
			      &c, &err), -EINVAL);
	assert_string_equal(buf_str(&err),
		"t.yaml:3: dial-peers[tag=1].ip-qos-dscp.media: invalid value \"af44\" "
		"(expected <0-63>, af11 ... af43, cs1 ... cs7, default or ef)\n"
		"t.yaml:3: dial-peers[tag=1].ip-qos-dscp.signaling: invalid value \"64\" "
		"(expected <0-63>, af11 ... af43, cs1 ... cs7, default or ef)\n");
	cfg_free(&c);
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_full),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_presence),
		cmocka_unit_test(test_allow_sip_to_sip),
		cmocka_unit_test(test_hand_written),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_dscp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
