/* test_config.c - unit tests of the configuration model (core/config*.c):
 * sorted collections, deep copy and compare, targets, prefixes, the cipher
 * table against GnuTLS, and the canonical IOS text renderer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/config_text.h"

static void test_defaults(void **state)
{
	(void)state;
	struct cfg c;
	cfg_init(&c);
	assert_string_equal(c.hostname, "tollgate");
	struct cfg_dial_peer *d = cfg_dial_peer_get(&c, 5);
	assert_non_null(d);
	assert_int_equal(d->preference, -1);
	assert_int_equal(d->tag, 5);
	cfg_free(&c);
}

static void test_tag_cmp(void **state)
{
	(void)state;
	assert_true(cfg_tag_cmp("2", "10") < 0);
	assert_true(cfg_tag_cmp("10", "2") > 0);
	assert_int_equal(cfg_tag_cmp("007", "7"), 0);
	assert_true(cfg_tag_cmp("10000", "ABC") < 0);
	assert_true(cfg_tag_cmp("ABC", "ABD") < 0);
	assert_true(cfg_tag_cmp("ZZ", "1") > 0);
}

static void test_collections_sorted(void **state)
{
	(void)state;
	struct cfg c;
	cfg_init(&c);
	const char *tags[] = { "100", "2", "TRUNK", "30", "1", "ALPHA" };
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		assert_non_null(cfg_uri_get(&c, tags[i]));
	assert_int_equal(c.uris.n, 6);
	const char *want[] = { "1", "2", "30", "100", "ALPHA", "TRUNK" };
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(c.uris.v[i].tag, want[i]);
	/* get on an existing key returns it, does not add */
	struct cfg_uri_class *u = cfg_uri_get(&c, "30");
	assert_ptr_equal(u, &c.uris.v[2]);
	assert_int_equal(c.uris.n, 6);
	assert_null(cfg_uri_find(&c, "31"));
	assert_ptr_equal(cfg_uri_find(&c, "ALPHA"), &c.uris.v[4]);
	/* delete keeps order */
	assert_int_equal(cfg_uri_del(&c, "30"), 0);
	assert_int_equal(cfg_uri_del(&c, "30"), -ENOENT);
	assert_int_equal(c.uris.n, 5);
	assert_string_equal(c.uris.v[2].tag, "100");
	assert_string_equal(c.uris.v[3].tag, "ALPHA");

	/* dial-peers by number */
	uint32_t dps[] = { 900, 1, 2147483647, 50 };
	for (size_t i = 0; i < 4; i++)
		assert_non_null(cfg_dial_peer_get(&c, dps[i]));
	assert_int_equal(c.dial_peers.v[0].tag, 1);
	assert_int_equal(c.dial_peers.v[1].tag, 50);
	assert_int_equal(c.dial_peers.v[2].tag, 900);
	assert_int_equal(c.dial_peers.v[3].tag, 2147483647u);
	assert_int_equal(cfg_dial_peer_del(&c, 50), 0);
	assert_int_equal(cfg_dial_peer_del(&c, 50), -ENOENT);
	assert_null(cfg_dial_peer_find(&c, 50));
	assert_int_equal(c.dial_peers.v[1].tag, 900);

	/* every other collection */
	assert_non_null(cfg_tls_cipher_get(&c, "20"));
	assert_non_null(cfg_tls_cipher_get(&c, "3"));
	assert_string_equal(c.tls_ciphers.v[0].tag, "3");
	assert_non_null(cfg_tls_profile_get(&c, "1"));
	assert_non_null(cfg_srtp_crypto_get(&c, "1"));
	assert_non_null(cfg_codec_get(&c, "1"));
	assert_non_null(cfg_tenant_get(&c, "1"));
	assert_non_null(cfg_keepalive_get(&c, "1"));
	assert_non_null(cfg_trustpoint_get(&c, "TP-B"));
	assert_non_null(cfg_trustpoint_get(&c, "TP-A"));
	assert_string_equal(c.trustpoints.v[0].name, "TP-A");
	assert_int_equal(cfg_tls_profile_del(&c, "1"), 0);
	assert_int_equal(cfg_srtp_crypto_del(&c, "1"), 0);
	assert_int_equal(cfg_codec_del(&c, "1"), 0);
	assert_int_equal(cfg_tenant_del(&c, "1"), 0);
	assert_int_equal(cfg_keepalive_del(&c, "1"), 0);
	assert_int_equal(cfg_trustpoint_del(&c, "TP-A"), 0);
	assert_int_equal(cfg_tls_cipher_del(&c, "9"), -ENOENT);
	assert_int_equal(c.trustpoints.n, 1);
	assert_null(cfg_tenant_find(&c, "1"));

	/* a key too long for the field is refused */
	char big[CFG_NAME_LEN + 8];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_null(cfg_uri_get(&c, big));
	cfg_free(&c);
}

static void test_strset_vec(void **state)
{
	(void)state;
	char f[8] = "keep";
	assert_int_equal(CFG_SET(f, "1234567"), 0);
	assert_string_equal(f, "1234567");
	assert_int_equal(CFG_SET(f, "12345678"), -ENAMETOOLONG);
	assert_string_equal(f, "1234567");

	CFG_VEC(int) v = { NULL, 0, 0 };
	for (int i = 0; i < 100; i++)
		assert_int_equal(CFG_VEC_PUSH(v, i), 0);
	assert_int_equal(v.n, 100);
	assert_true(v.cap >= 100);
	CFG_VEC_DEL(v, 0);
	CFG_VEC_DEL(v, 50);
	assert_int_equal(v.n, 98);
	assert_int_equal(v.v[0], 1);
	assert_int_equal(v.v[50], 52);
	free(v.v);
}

/* ------------------------------------------------------------------ */
/* A model with every line of docs/config-canonical.md                  */

static void add_prefix(struct cfg *c, const char *a, const char *m)
{
	struct cfg_prefix p;
	char err[128];
	assert_int_equal(cfg_prefix_parse(a, m, &p, err, sizeof(err)), 0);
	assert_int_equal(CFG_VEC_PUSH(c->voice.trusted, p), 0);
}

static void set_target(struct cfg_target *t, const char *s)
{
	char err[128];
	assert_int_equal(cfg_target_parse(s, t, err, sizeof(err)), 0);
}

static void build_full(struct cfg *c)
{
	cfg_init(c);
	CFG_SET(c->hostname, "cube1");
	c->logging_buffered = 65536;

	struct cfg_trustpoint *tp = cfg_trustpoint_get(c, "TP1");
	tp->enrollment = CFG_ENROLL_TERMINAL_PEM;
	CFG_SET(tp->subject_name, "cn=cube1.example.com");
	CFG_SET(tp->subject_alt_name, "cube1.example.com");
	tp->revocation[0] = CFG_REVOC_CRL;
	tp->revocation[1] = CFG_REVOC_NONE;
	CFG_SET(tp->rsakeypair, "TP1KEY");
	tp->rsa_bits = 2048;
	CFG_SET(tp->eckeypair, "ECKEY");
	tp->chain_validation = true;
	CFG_SET(tp->cert_file, "/etc/tollgate/cube1.pem");
	CFG_SET(tp->key_file, "/etc/tollgate/cube1.key");
	CFG_SET(tp->ca_file, "/etc/tollgate/ca.pem");
	CFG_SET(tp->crl_file, "/etc/tollgate/ca.crl");
	tp = cfg_trustpoint_get(c, "ROOT");
	tp->enrollment = CFG_ENROLL_SELFSIGNED;
	tp->revocation[0] = CFG_REVOC_NONE;
	CFG_SET(tp->rsakeypair, "ROOTKEY");

	struct cfg_voice_service *v = &c->voice;
	v->present = true;
	v->trusted_list_present = true;
	add_prefix(c, "192.0.2.1", NULL);
	add_prefix(c, "10.0.0.0", "255.255.255.0");
	add_prefix(c, "172.16.0.0", "/12");
	add_prefix(c, "2001:DB8::/32", NULL);
	v->allow_sip_to_sip = true;
	v->srtp = CFG_SRTP_FALLBACK;
	v->rtp_port_lo = 16384;
	v->rtp_port_hi = 32766;
	v->sip_present = true;
	v->sip.session_transport = CFG_TRANSPORT_TLS;
	v->sip.url = CFG_URL_SIPS;
	CFG_SET(v->sip.srtp_crypto, "1");
	v->sip.listen_nonsecure = 5080;
	v->sip.listen_secure = 5081;
	CFG_SET(v->sip.bind_control_if, "eth0");
	CFG_SET(v->sip.bind_control_addr, "192.0.2.10");
	CFG_SET(v->sip.bind_media_if, "eth1");
	CFG_SET(v->sip.bind_media_addr, "192.0.2.11");
	v->sip.early_offer_forced = true;
	v->sip.no_silent_discard = true;

	struct cfg_codec_class *k = cfg_codec_get(c, "1");
	struct cfg_codec_entry ce1 = { 1, CFG_CODEC_G711ULAW, 160 }, ce2 = { 2, CFG_CODEC_OPUS, 0 };
	CFG_VEC_PUSH(k->e, ce1);
	CFG_VEC_PUSH(k->e, ce2);

	struct cfg_uri_class *u = cfg_uri_get(c, "ITSP");
	struct cfg_target t;
	set_target(&t, "ipv4:198.51.100.7");
	CFG_VEC_PUSH(u->hosts, t);
	set_target(&t, "dns:sip.example.net");
	CFG_VEC_PUSH(u->hosts, t);
	CFG_SET(u->host_regex, "sbc[0-9]+\\.example\\.net");
	CFG_SET(u->user_id, "^\\+1408");
	CFG_SET(u->pattern, "sip:.*@example\\.net");
	CFG_SET(u->tgrp, "TG1");
	CFG_SET(u->trunk_context, "example.net");
	u = cfg_uri_get(c, "10");
	CFG_SET(u->tgrp, "TG2");

	struct cfg_tls_cipher *tc = cfg_tls_cipher_get(c, "1");
	struct cfg_tls_cipher_entry te1 = { 1, CFG_CIPHER_ECDHE_RSA_AES256_GCM_SHA384 };
	struct cfg_tls_cipher_entry te2 = { 2, CFG_CIPHER_TLS13_AES256_GCM_SHA384 };
	CFG_VEC_PUSH(tc->e, te1);
	CFG_VEC_PUSH(tc->e, te2);

	struct cfg_tls_profile *p = cfg_tls_profile_get(c, "1");
	CFG_SET(p->description, "to the ITSP");
	CFG_SET(p->trustpoint, "TP1");
	CFG_SET(p->cipher, "1");
	p->cn_san_validate = CFG_CNSAN_BIDIR;
	struct cfg_cn_san_entry cs1 = { 1, "sip.example.net" }, cs2 = { 3, "*.example.net" };
	CFG_VEC_PUSH(p->cn_san, cs1);
	CFG_VEC_PUSH(p->cn_san, cs2);
	CFG_SET(p->client_vtp, "ROOT");
	p->sni_send = true;
	p->curves[0] = CFG_CURVE_SECP384R1;
	p->curves[1] = CFG_CURVE_X25519;

	struct cfg_srtp_crypto *s = cfg_srtp_crypto_get(c, "1");
	struct cfg_srtp_crypto_entry se1 = { 1, CFG_SUITE_AEAD_AES_256_GCM };
	struct cfg_srtp_crypto_entry se2 = { 4, CFG_SUITE_AES_CM_128_HMAC_SHA1_80 };
	CFG_VEC_PUSH(s->e, se1);
	CFG_VEC_PUSH(s->e, se2);

	struct cfg_tenant *tn = cfg_tenant_get(c, "100");
	set_target(&tn->sip_server, "dns:sip.example.net:5061");
	tn->session_transport = CFG_TRANSPORT_TLS;
	tn->url = CFG_URL_SIPS;
	CFG_SET(tn->tls_profile, "1");
	CFG_SET(tn->srtp_crypto, "1");
	tn->listen_secure = 5062;

	struct cfg_keepalive *ka = cfg_keepalive_get(c, "200");
	CFG_SET(ka->description, "ITSP ping");
	ka->up_interval = 30;
	ka->down_interval = 10;
	ka->retry = 3;
	ka->transport = CFG_TRANSPORT_TCP;

	struct cfg_sip_ua *ua = &c->sipua;
	ua->present = true;
	ua->no_udp = ua->no_tcp = ua->no_tls = true;
	ua->tls_version_set = true;
	ua->tls_version = CFG_TLSV_12_MIN;
	CFG_SET(ua->def_tp.trustpoint, "TP1");
	ua->def_tp.cn_san_validate_server = true;
	CFG_SET(ua->def_tp.client_vtp, "ROOT");
	CFG_SET(ua->def_tls_profile, "1");
	struct cfg_remote_addr ra;
	memset(&ra, 0, sizeof(ra));
	assert_int_equal(cfg_prefix_parse("203.0.113.0", "255.255.255.0", &ra.prefix, NULL, 0), 0);
	CFG_SET(ra.sig.trustpoint, "TP1");
	ra.sig.cn_san_validate_server = true;
	CFG_SET(ra.sig.client_vtp, "ROOT");
	CFG_VEC_PUSH(ua->remote, ra);
	memset(&ra, 0, sizeof(ra));
	assert_int_equal(cfg_prefix_parse("198.51.100.0", "/24", &ra.prefix, NULL, 0), 0);
	CFG_SET(ra.sig.tls_profile, "1");
	CFG_VEC_PUSH(ua->remote, ra);
	ua->aging_tls_min = 30;
	ua->establish_tls_sec = 5;
	ua->connection_reuse = true;
	set_target(&ua->sip_server, "ipv4:198.51.100.7:5061");

	struct cfg_dial_peer *d = cfg_dial_peer_get(c, 200);
	CFG_SET(d->description, "Towards ITSP over TLS");
	CFG_SET(d->dest_pattern, "+1[2-9]..[2-9]......");
	CFG_SET(d->incoming_called, "9T");
	CFG_SET(d->incoming_uri[CFG_URI_VIA], "ITSP");
	CFG_SET(d->incoming_uri[CFG_URI_REQUEST], "10");
	CFG_SET(d->incoming_uri[CFG_URI_TO], "ITSP");
	CFG_SET(d->incoming_uri[CFG_URI_FROM], "10");
	d->session_sipv2 = true;
	set_target(&d->target, "ipv6:[2001:db8::5]:5061");
	d->session_transport = CFG_TRANSPORT_TLS;
	CFG_SET(d->vc_tenant, "100");
	CFG_SET(d->vc_srtp_crypto, "1");
	CFG_SET(d->vc_tls_profile, "1");
	d->keepalive = true;
	CFG_SET(d->keepalive_profile, "200");
	CFG_SET(d->tgrp, "TG1");
	CFG_SET(d->trunk_context, "example.net");
	CFG_SET(d->vc_codec, "1");
	d->codec = CFG_CODEC_G729R8;
	d->dtmf_rtp_nte = true;
	d->srtp = CFG_SRTP_PASSTHRU;
	d->preference = 0;
	d->huntstop = true;
	d->shutdown = true;
	d = cfg_dial_peer_get(c, 10);
	set_target(&d->target, "sip-server");
}

static const char full_text[] =
	"!\n"
	"hostname cube1\n"
	"!\n"
	"logging buffered 65536\n"
	"!\n"
	"crypto pki trustpoint ROOT\n"
	" enrollment selfsigned\n"
	" revocation-check none\n"
	" rsakeypair ROOTKEY\n"
	"!\n"
	"crypto pki trustpoint TP1\n"
	" enrollment terminal pem\n"
	" subject-name cn=cube1.example.com\n"
	" subject-alt-name cube1.example.com\n"
	" revocation-check crl none\n"
	" rsakeypair TP1KEY 2048\n"
	" eckeypair ECKEY\n"
	" chain-validation\n"
	" certificate file /etc/tollgate/cube1.pem\n"
	" private-key file /etc/tollgate/cube1.key\n"
	" ca-certificate file /etc/tollgate/ca.pem\n"
	" crl file /etc/tollgate/ca.crl\n"
	"!\n"
	"voice service voip\n"
	" ip address trusted list\n"
	"  ipv4 192.0.2.1\n"
	"  ipv4 10.0.0.0 255.255.255.0\n"
	"  ipv4 172.16.0.0 /12\n"
	"  ipv6 2001:db8::/32\n"
	" allow-connections sip to sip\n"
	" srtp fallback\n"
	" rtp-port range 16384 32766\n"
	" sip\n"
	"  session transport tcp tls\n"
	"  url sips\n"
	"  srtp-crypto 1\n"
	"  listen-port non-secure 5080 secure 5081\n"
	"  bind control source-interface eth0\n"
	"  bind control source-address 192.0.2.10\n"
	"  bind media source-interface eth1\n"
	"  bind media source-address 192.0.2.11\n"
	"  early-offer forced\n"
	"  no silent-discard untrusted\n"
	"!\n"
	"voice class codec 1\n"
	" codec preference 1 g711ulaw bytes 160\n"
	" codec preference 2 opus\n"
	"!\n"
	"voice class uri 10 sip\n"
	" tgrp TG2\n"
	"!\n"
	"voice class uri ITSP sip\n"
	" host ipv4:198.51.100.7\n"
	" host dns:sip.example.net\n"
	" host sbc[0-9]+\\.example\\.net\n"
	" user-id ^\\+1408\n"
	" pattern sip:.*@example\\.net\n"
	" tgrp TG1 trunk-context example.net\n"
	"!\n"
	"voice class tls-cipher 1\n"
	" cipher 1 ECDHE_RSA_AES256_GCM_SHA384\n"
	" cipher 2 AES256_GCM_SHA384\n"
	"!\n"
	"voice class tls-profile 1\n"
	" description to the ITSP\n"
	" trustpoint TP1\n"
	" cipher 1\n"
	" cn-san validate bidirectional\n"
	" cn-san 1 sip.example.net\n"
	" cn-san 3 *.example.net\n"
	" client-vtp ROOT\n"
	" sni send\n"
	" ecdh-curve secp384r1 x25519\n"
	"!\n"
	"voice class srtp-crypto 1\n"
	" crypto 1 AEAD_AES_256_GCM\n"
	" crypto 4 AES_CM_128_HMAC_SHA1_80\n"
	"!\n"
	"voice class tenant 100\n"
	" sip-server dns:sip.example.net:5061\n"
	" session transport tcp tls\n"
	" url sips\n"
	" tls-profile 1\n"
	" srtp-crypto 1\n"
	" listen-port secure 5062\n"
	"!\n"
	"voice class sip-options-keepalive 200\n"
	" description ITSP ping\n"
	" up-interval 30\n"
	" down-interval 10\n"
	" retry 3\n"
	" transport tcp\n"
	"!\n"
	"sip-ua\n"
	" no transport udp\n"
	" no transport tcp\n"
	" no transport tcp tls\n"
	" transport tcp tls v1.2 minimum\n"
	" crypto signaling default trustpoint TP1 cn-san-validate server client-vtp ROOT\n"
	" crypto signaling default tls-profile 1\n"
	" crypto signaling remote-addr 203.0.113.0 255.255.255.0 trustpoint TP1 cn-san-validate server client-vtp ROOT\n"
	" crypto signaling remote-addr 198.51.100.0 /24 tls-profile 1\n"
	" timers connection aging tls 30\n"
	" timers connection establish tls 5\n"
	" connection-reuse\n"
	" sip-server ipv4:198.51.100.7:5061\n"
	"!\n"
	"dial-peer voice 10 voip\n"
	" session target sip-server\n"
	"!\n"
	"dial-peer voice 200 voip\n"
	" description Towards ITSP over TLS\n"
	" destination-pattern +1[2-9]..[2-9]......\n"
	" incoming called-number 9T\n"
	" incoming uri via ITSP\n"
	" incoming uri request 10\n"
	" incoming uri to ITSP\n"
	" incoming uri from 10\n"
	" session protocol sipv2\n"
	" session target ipv6:[2001:db8::5]:5061\n"
	" session transport tcp tls\n"
	" voice-class sip tenant 100\n"
	" voice-class sip srtp-crypto 1\n"
	" voice-class sip tls-profile 1\n"
	" voice-class sip options-keepalive profile 200\n"
	" voice-class sip tgrp TG1 trunk-context example.net\n"
	" voice-class codec 1\n"
	" codec g729r8\n"
	" dtmf-relay rtp-nte\n"
	" srtp pass-thru\n"
	" preference 0\n"
	" huntstop\n"
	" shutdown\n"
	"!\n"
	"end\n";

static void test_render_full(void **state)
{
	(void)state;
	struct cfg c;
	struct buf b = BUF_INIT;
	build_full(&c);
	assert_int_equal(cfg_render_text(&c, &b), 0);
	assert_string_equal(buf_str(&b), full_text);
	buf_free(&b);
	cfg_free(&c);
}

static void test_render_default(void **state)
{
	(void)state;
	struct cfg c;
	struct buf b = BUF_INIT;
	cfg_init(&c);
	assert_int_equal(cfg_render_text(&c, &b), 0);
	assert_string_equal(buf_str(&b), "!\nhostname tollgate\n!\nend\n");
	/* entered-but-empty blocks still print their header */
	c.voice.present = true;
	c.sipua.present = true;
	buf_reset(&b);
	assert_int_equal(cfg_render_text(&c, &b), 0);
	assert_string_equal(buf_str(&b),
			    "!\nhostname tollgate\n!\nvoice service voip\n!\nsip-ua\n!\nend\n");
	/* a child alone makes the parent blocks appear */
	cfg_free(&c);
	cfg_init(&c);
	c.voice.sip.listen_secure = 5061;
	c.sipua.connection_reuse = true;
	buf_reset(&b);
	assert_int_equal(cfg_render_text(&c, &b), 0);
	assert_string_equal(buf_str(&b),
			    "!\nhostname tollgate\n!\nvoice service voip\n sip\n"
			    "  listen-port secure 5061\n!\nsip-ua\n connection-reuse\n!\nend\n");
	buf_free(&b);
	cfg_free(&c);
}

static void test_render_dial_peer_minimal(void **state)
{
	(void)state;
	struct cfg c;
	struct buf b = BUF_INIT;
	cfg_init(&c);
	struct cfg_dial_peer *d = cfg_dial_peer_get(&c, 7);
	d->keepalive = true;
	CFG_SET(d->tgrp, "TGX");
	d->srtp = CFG_SRTP_ON;
	assert_int_equal(cfg_render_dial_peer(d, &b), 0);
	assert_string_equal(buf_str(&b), "dial-peer voice 7 voip\n"
					 " voice-class sip options-keepalive\n"
					 " voice-class sip tgrp TGX\n"
					 " srtp\n");
	buf_free(&b);
	cfg_free(&c);
}

static void test_dup_equal(void **state)
{
	(void)state;
	struct cfg a, b;
	build_full(&a);
	assert_int_equal(cfg_dup(&b, &a), 0);
	assert_true(cfg_equal(&a, &b));
	/* deep: the copy's vectors are distinct */
	assert_ptr_not_equal(a.dial_peers.v, b.dial_peers.v);
	assert_ptr_not_equal(a.tls_profiles.v[0].cn_san.v, b.tls_profiles.v[0].cn_san.v);
	assert_ptr_not_equal(a.uris.v[1].hosts.v, b.uris.v[1].hosts.v);

	/* a change anywhere is seen, including inside nested vectors */
	b.tls_profiles.v[0].cn_san.v[1].idx = 4;
	assert_false(cfg_equal(&a, &b));
	b.tls_profiles.v[0].cn_san.v[1].idx = 3;
	assert_true(cfg_equal(&a, &b));
	b.uris.v[1].hosts.v[0].port = 5060;
	assert_false(cfg_equal(&a, &b));
	b.uris.v[1].hosts.v[0].port = 0;
	b.voice.sip.no_silent_discard = false;
	assert_false(cfg_equal(&a, &b));
	b.voice.sip.no_silent_discard = true;
	b.sipua.remote.v[1].prefix.mask_dotted = true;
	assert_false(cfg_equal(&a, &b));
	b.sipua.remote.v[1].prefix.mask_dotted = false;
	b.trustpoints.v[1].revocation[1] = CFG_REVOC_NONE_SET;
	assert_false(cfg_equal(&a, &b));
	b.trustpoints.v[1].revocation[1] = CFG_REVOC_NONE;
	b.dial_peers.v[1].preference = -1;
	assert_false(cfg_equal(&a, &b));
	b.dial_peers.v[1].preference = 0;
	assert_true(cfg_equal(&a, &b));

	/* garbage after the NUL of a fixed string does not matter */
	CFG_SET(b.hostname, "cube1-long-name");
	CFG_SET(b.hostname, "cube1");
	assert_true(cfg_equal(&a, &b));

	/* freeing the copy leaves the original intact and renderable */
	assert_int_equal(cfg_dial_peer_del(&b, 200), 0);
	assert_false(cfg_equal(&a, &b));
	cfg_free(&b);
	struct buf t = BUF_INIT;
	assert_int_equal(cfg_render_text(&a, &t), 0);
	assert_string_equal(buf_str(&t), full_text);
	buf_free(&t);
	cfg_free(&a);
}

/* ------------------------------------------------------------------ */
/* targets                                                              */

static void check_target(const char *in, enum cfg_target_kind kind, const char *host,
			 unsigned port, const char *out)
{
	struct cfg_target t;
	char err[128] = "", buf[CFG_TARGET_LEN + 32];
	int rc = cfg_target_parse(in, &t, err, sizeof(err));
	if (rc)
		fail_msg("'%s' rejected: %s", in, err);
	assert_int_equal(t.kind, kind);
	assert_string_equal(t.host, host);
	assert_int_equal(t.port, port);
	assert_string_equal(cfg_target_str(&t, buf, sizeof(buf)), out);
}

static void check_bad_target(const char *in, const char *errpart)
{
	struct cfg_target t;
	memset(&t, 0x55, sizeof(t));
	char err[128] = "";
	assert_int_equal(cfg_target_parse(in, &t, err, sizeof(err)), -EINVAL);
	if (!strstr(err, errpart))
		fail_msg("'%s': error '%s' lacks '%s'", in, err, errpart);
}

static void test_targets(void **state)
{
	(void)state;
	check_target("ipv4:10.1.2.3", CFG_TARGET_IPV4, "10.1.2.3", 0, "ipv4:10.1.2.3");
	check_target("ipv4:10.1.2.3:5061", CFG_TARGET_IPV4, "10.1.2.3", 5061, "ipv4:10.1.2.3:5061");
	check_target("ipv6:[2001:DB8::0:1]:5060", CFG_TARGET_IPV6, "2001:db8::1", 5060,
		     "ipv6:[2001:db8::1]:5060");
	check_target("ipv6:[::1]", CFG_TARGET_IPV6, "::1", 0, "ipv6:[::1]");
	check_target("ipv6:2001:db8::2", CFG_TARGET_IPV6, "2001:db8::2", 0, "ipv6:[2001:db8::2]");
	check_target("dns:sip.example.net", CFG_TARGET_DNS, "sip.example.net", 0,
		     "dns:sip.example.net");
	check_target("dns:cucm10-5:5061", CFG_TARGET_DNS, "cucm10-5", 5061, "dns:cucm10-5:5061");
	check_target("sip-server", CFG_TARGET_SIP_SERVER, "", 0, "sip-server");

	check_bad_target("ipv4:10.1.2", "invalid IPv4 address '10.1.2'");
	check_bad_target("ipv4:10.1.2.256", "invalid IPv4");
	check_bad_target("ipv4:10.1.2.3:0", "invalid port '0'");
	check_bad_target("ipv4:10.1.2.3:65536", "invalid port");
	check_bad_target("ipv4:10.1.2.3:50x", "invalid port");
	check_bad_target("ipv6:[2001:db8::1", "missing ']'");
	check_bad_target("ipv6:[2001:db8::g]:5060", "invalid IPv6");
	check_bad_target("ipv6:[::1]5060", "unexpected text");
	check_bad_target("dns:-bad.example", "invalid host name");
	check_bad_target("dns:bad..example", "invalid host name");
	check_bad_target("dns:bad example", "invalid host name");
	check_bad_target("dns:", "invalid host name");
	check_bad_target("dns:ok.example:99999", "invalid port");
	check_bad_target("tel:+15551234", "invalid session target");
	check_bad_target("", "empty");
}

/* ------------------------------------------------------------------ */
/* prefixes                                                             */

static void check_prefix(const char *a, const char *m, int fam, const char *addr,
			 unsigned len, bool dotted, bool given, const char *out)
{
	struct cfg_prefix p;
	char err[128] = "", buf[128];
	if (cfg_prefix_parse(a, m, &p, err, sizeof(err)))
		fail_msg("'%s' '%s' rejected: %s", a, m ? m : "(null)", err);
	assert_int_equal(p.family, fam);
	assert_string_equal(p.addr, addr);
	assert_int_equal(p.len, len);
	assert_int_equal(p.mask_dotted, dotted);
	assert_int_equal(p.len_given, given);
	assert_string_equal(cfg_prefix_str(&p, buf, sizeof(buf)), out);
	/* rendering parses back to an equal prefix */
	struct cfg_prefix q;
	char t[128];
	snprintf(t, sizeof(t), "%s", out);
	char *sp = strchr(t, ' ');
	if (sp)
		*sp++ = '\0';
	assert_int_equal(cfg_prefix_parse(t, sp, &q, NULL, 0), 0);
	assert_true(cfg_prefix_equal(&p, &q));
}

static void check_bad_prefix(const char *a, const char *m, const char *errpart)
{
	struct cfg_prefix p;
	char err[128] = "";
	assert_int_equal(cfg_prefix_parse(a, m, &p, err, sizeof(err)), -EINVAL);
	if (!strstr(err, errpart))
		fail_msg("'%s' '%s': error '%s' lacks '%s'", a, m ? m : "", err, errpart);
}

static void test_prefixes(void **state)
{
	(void)state;
	check_prefix("192.0.2.1", NULL, AF_INET, "192.0.2.1", 32, false, false, "192.0.2.1");
	check_prefix("10.0.0.0", "255.255.255.0", AF_INET, "10.0.0.0", 24, true, true,
		     "10.0.0.0 255.255.255.0");
	check_prefix("10.0.0.0", "255.255.255.255", AF_INET, "10.0.0.0", 32, true, true,
		     "10.0.0.0 255.255.255.255");
	check_prefix("0.0.0.0", "0.0.0.0", AF_INET, "0.0.0.0", 0, true, true, "0.0.0.0 0.0.0.0");
	check_prefix("10.0.0.0", "/8", AF_INET, "10.0.0.0", 8, false, true, "10.0.0.0 /8");
	check_prefix("10.0.0.0/16", NULL, AF_INET, "10.0.0.0", 16, false, true, "10.0.0.0 /16");
	check_prefix("10.1.2.3", "/24", AF_INET, "10.1.2.3", 24, false, true, "10.1.2.3 /24");
	check_prefix("2001:DB8:0::/48", NULL, AF_INET6, "2001:db8::", 48, false, true,
		     "2001:db8::/48");
	check_prefix("2001:db8::1", "/128", AF_INET6, "2001:db8::1", 128, false, true,
		     "2001:db8::1/128");
	check_prefix("2001:db8::1", NULL, AF_INET6, "2001:db8::1", 128, false, false,
		     "2001:db8::1");

	struct cfg_prefix a, b;
	assert_int_equal(cfg_prefix_parse("10.0.0.0", "/24", &a, NULL, 0), 0);
	assert_int_equal(cfg_prefix_parse("10.0.0.0", "255.255.255.0", &b, NULL, 0), 0);
	assert_false(cfg_prefix_equal(&a, &b)); /* same network, different spelling */

	check_bad_prefix("10.0.0.0", "255.0.255.0", "invalid network mask '255.0.255.0'");
	check_bad_prefix("10.0.0.0", "255.255.255.1", "invalid network mask");
	check_bad_prefix("10.0.0.0", "/33", "invalid prefix length '/33' (0-32)");
	check_bad_prefix("10.0.0.0", "/", "invalid prefix length");
	check_bad_prefix("10.0.0.0/8", "/8", "given twice");
	check_bad_prefix("10.0.0", NULL, "invalid IPv4 address");
	check_bad_prefix("2001:db8::/129", NULL, "(0-128)");
	check_bad_prefix("2001:db8::", "255.255.0.0", "IPv6 takes a prefix length");
	check_bad_prefix("2001:db8:::1/64", NULL, "invalid IPv6 address");
	check_bad_prefix("", NULL, "invalid address");
}

/* ------------------------------------------------------------------ */
/* enum tables                                                          */

static void test_enums(void **state)
{
	(void)state;
	for (int i = 1; i < CFG_CIPHER_COUNT; i++) {
		const struct cfg_cipher_info *ci = &cfg_cipher_table[i];
		assert_int_equal(ci->id, i);
		assert_ptr_equal(cfg_cipher_by_name(ci->name), ci);
		assert_ptr_equal(cfg_cipher_by_name(ci->iana), ci);
		assert_true(strncmp(ci->iana, "TLS_", 4) == 0);
		assert_true(strncmp(ci->help, "supported in TLS 1.", 19) == 0);
		/* every entry selects exactly its own suite in GnuTLS (with TLS 1.3
		 * enabled, a GCM element also enables the TLS 1.3 suite of that
		 * cipher, so versions are chosen per entry) */
		char prio[512];
		bool tls13 = strstr(ci->help, "1.3") != NULL;
		snprintf(prio, sizeof(prio),
			 "NONE:%s:+COMP-NULL:+SIGN-ALL:+GROUP-ALL:%s",
			 tls13 ? "+VERS-TLS1.3:+AEAD" : "+VERS-TLS1.2:+VERS-TLS1.0", ci->gnutls);
		gnutls_priority_t pc;
		const char *errpos = NULL;
		int rc = gnutls_priority_init(&pc, prio, &errpos);
		if (rc != GNUTLS_E_SUCCESS)
			fail_msg("%s: '%s' rejected at '%s'", ci->name, ci->gnutls, errpos);
		int found = 0;
		for (unsigned idx = 0; idx < 64; idx++) {
			unsigned sidx;
			rc = gnutls_priority_get_cipher_suite_index(pc, idx, &sidx);
			if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
				break;
			if (rc)
				continue;
			const char *gn = gnutls_cipher_suite_info(sidx, NULL, NULL, NULL, NULL, NULL);
			/* GnuTLS spells TLS_RSA_WITH_AES_128_CBC_SHA as TLS_RSA_AES_128_CBC_SHA1 */
			char want[128], *w;
			snprintf(want, sizeof(want), "%s", ci->iana);
			if ((w = strstr(want, "WITH_")))
				memmove(w, w + 5, strlen(w + 5) + 1);
			size_t wl = strlen(want);
			if (wl > 4 && !strcmp(want + wl - 4, "_SHA"))
				strcat(want, "1");
			if (strcmp(gn, want)) {
				gnutls_priority_deinit(pc);
				fail_msg("%s: GnuTLS selects %s, want %s", ci->name, gn, want);
			}
			found++;
		}
		assert_int_equal(found, 1);
		gnutls_priority_deinit(pc);
	}
	assert_null(cfg_cipher_by_name("NOPE"));
	assert_string_equal(cfg_cipher_table[CFG_CIPHER_TLS13_CHACHA20_POLY1305_SHA256].help,
			    "supported in TLS 1.3");
	assert_string_equal(cfg_cipher_table[CFG_CIPHER_RSA_WITH_AES_128_CBC_SHA].help,
			    "supported in TLS 1.0 & above");

	enum cfg_transport t;
	assert_int_equal(cfg_transport_parse("tcp tls", &t), 0);
	assert_int_equal(t, CFG_TRANSPORT_TLS);
	assert_int_equal(cfg_transport_parse("tcp", &t), 0);
	assert_int_equal(t, CFG_TRANSPORT_TCP);
	assert_int_equal(cfg_transport_parse("udp", &t), 0);
	assert_int_equal(t, CFG_TRANSPORT_UDP);
	assert_int_equal(cfg_transport_parse("tcpx", &t), -EINVAL);
	assert_int_equal(cfg_transport_parse("tcp udp", &t), -EINVAL);
	for (int i = CFG_TRANSPORT_UDP; i <= CFG_TRANSPORT_TLS; i++) {
		assert_int_equal(cfg_transport_parse(cfg_transport_str(i), &t), 0);
		assert_int_equal(t, i);
	}
	assert_string_equal(cfg_srtp_str(CFG_SRTP_PASSTHRU), "srtp pass-thru");
	assert_string_equal(cfg_srtp_str(CFG_SRTP_OFF), "");

	enum cfg_codec k;
	assert_int_equal(cfg_codec_parse("g722-64", &k), 0);
	assert_int_equal(k, CFG_CODEC_G722_64);
	assert_int_equal(cfg_codec_parse("g723", &k), -EINVAL);
	enum cfg_srtp_suite s;
	assert_int_equal(cfg_suite_parse("AEAD_AES_128_GCM", &s), 0);
	assert_int_equal(s, CFG_SUITE_AEAD_AES_128_GCM);
	assert_int_equal(cfg_suite_parse("", &s), -EINVAL);
	enum cfg_curve cv;
	assert_int_equal(cfg_curve_parse("secp384r1", &cv), 0);
	assert_int_equal(cv, CFG_CURVE_SECP384R1);
	assert_int_equal(cfg_curve_parse("secp192r1", &cv), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_tag_cmp),
		cmocka_unit_test(test_collections_sorted),
		cmocka_unit_test(test_strset_vec),
		cmocka_unit_test(test_render_full),
		cmocka_unit_test(test_render_default),
		cmocka_unit_test(test_render_dial_peer_minimal),
		cmocka_unit_test(test_dup_equal),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_enums),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
