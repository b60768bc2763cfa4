/* test_cmds.c - the configuration commands (cli/cmd_*.c) through the real
 * grammar and vty: each command stores the right value in the model, its
 * no form removes it, and bad input is refused with the IOS-style error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli/grammar.h"
#include "cli/vty.h"
#include "core/config.h"

struct fx { struct cfg c; struct vty v; };

static int setup(void **state)
{
	static struct fx f;
	cfg_init(&f.c);
	vty_init(&f.v, &f.c, "vty0");
	f.v.interactive = true;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	vty_fini(&f->v);
	cfg_free(&f->c);
	return 0;
}

/* Run lines; return the status of the last one. */
static int run(struct fx *f, const char *const *lines)
{
	int rc = 0;
	for (; *lines; lines++)
		rc = vty_exec(&f->v, *lines);
	return rc;
}
#define RUN(f, ...) run((f), (const char *const[]){ __VA_ARGS__, NULL })
#define OUT(f) buf_str(&(f)->v.out)

static void test_hostname(void **state)
{
	struct fx *f = *state;
	assert_int_equal(RUN(f, "configure terminal", "hostname cube-1"), 0);
	assert_string_equal(f->c.hostname, "cube-1");
	assert_int_not_equal(RUN(f, "hostname bad_name"), 0);
	assert_non_null(strstr(OUT(f), "% Hostname contains one or more illegal characters."));
	assert_string_equal(f->c.hostname, "cube-1");
	assert_int_equal(RUN(f, "no hostname"), 0);
	assert_string_equal(f->c.hostname, "tollgate");
}

static void test_voice_service(void **state)
{
	struct fx *f = *state;
	assert_int_equal(RUN(f, "configure terminal", "voice service voip", "srtp fallback",
			     "rtp-port range 16384 32767", "ip address trusted list",
			     "ipv4 10.0.0.0 255.0.0.0", "ipv4 192.0.2.1", "ipv6 2001:db8::/32"), 0);
	assert_int_equal(f->v.mode, MODE_IPTRUST);
	assert_int_equal(f->c.voice.srtp, CFG_SRTP_FALLBACK);
	assert_int_equal(f->c.voice.rtp_port_lo, 16384);
	assert_int_equal(f->c.voice.trusted.n, 3);
	assert_true(f->c.voice.trusted.v[0].mask_dotted);
	assert_int_equal(f->c.voice.trusted.v[0].len, 8);
	assert_int_not_equal(RUN(f, "ipv4 10.0.0.0 255.0.255.0"), 0);
	assert_int_equal(f->c.voice.trusted.n, 3);
	assert_int_equal(RUN(f, "no ipv4 192.0.2.1"), 0);
	assert_int_equal(f->c.voice.trusted.n, 2);
	/* a parent-mode command from the sub-mode */
	assert_int_not_equal(RUN(f, "rtp-port range 16385 20000"), 0);
	assert_non_null(strstr(OUT(f), "even"));
	assert_int_not_equal(RUN(f, "rtp-port range 20000 20000"), 0);
	assert_int_equal(f->c.voice.rtp_port_lo, 16384);
	assert_int_equal(RUN(f, "sip", "session transport tcp tls", "listen-port secure 5071",
			     "bind all source-interface eth0", "no silent-discard untrusted"), 0);
	assert_int_equal(f->c.voice.sip.session_transport, CFG_TRANSPORT_TLS);
	assert_int_equal(f->c.voice.sip.listen_secure, 5071);
	assert_string_equal(f->c.voice.sip.bind_media_if, "eth0");
	assert_true(f->c.voice.sip.no_silent_discard);
	assert_int_equal(RUN(f, "no bind media", "default silent-discard untrusted"), 0);
	assert_string_equal(f->c.voice.sip.bind_media_if, "");
	assert_string_equal(f->c.voice.sip.bind_control_if, "eth0");
	assert_false(f->c.voice.sip.no_silent_discard);
	assert_int_not_equal(RUN(f, "srtp-crypto 9"), 0); /* dangling reference */
	assert_string_equal(f->c.voice.sip.srtp_crypto, "");
	assert_int_equal(RUN(f, "exit", "exit", "no voice service voip"), 0);
	assert_false(f->c.voice.present);
	assert_int_equal(f->c.voice.trusted.n, 0);
}

static void test_classes(void **state)
{
	struct fx *f = *state;
	assert_int_equal(RUN(f, "configure terminal", "voice class srtp-crypto 100",
			     "crypto 1 AEAD_AES_256_GCM", "crypto 4 AES_CM_128_HMAC_SHA1_80",
			     "crypto 2 AEAD_AES_128_GCM"), 0);
	struct cfg_srtp_crypto *sc = cfg_srtp_crypto_find(&f->c, "100");
	assert_non_null(sc);
	assert_int_equal(sc->e.n, 3);
	assert_int_equal(sc->e.v[1].pri, 2);
	assert_int_equal(sc->e.v[2].pri, 4); /* gap kept */
	assert_int_equal(RUN(f, "crypto 4 AES_CM_128_HMAC_SHA1_32"), 0);
	assert_int_equal(sc->e.v[2].suite, CFG_SUITE_AES_CM_128_HMAC_SHA1_32);
	assert_int_not_equal(RUN(f, "crypto 3 AEAD_AES_128_GCM"), 0); /* already at 2 */
	assert_int_equal(RUN(f, "no crypto 4"), 0);
	assert_int_equal(sc->e.n, 2);

	assert_int_equal(RUN(f, "voice class tls-cipher 1", "cipher 2 ECDHE_RSA_AES256_GCM_SHA384",
			     "cipher 1 ECDHE_RSA_AES128_GCM_SHA256"), 0);
	struct cfg_tls_cipher *tc = cfg_tls_cipher_find(&f->c, "1");
	assert_non_null(tc);
	assert_int_equal(tc->e.v[0].cipher, CFG_CIPHER_ECDHE_RSA_AES128_GCM_SHA256);

	assert_int_equal(RUN(f, "crypto pki trustpoint TP1", "exit", "voice class tls-profile 1",
			     "trustpoint TP1", "cipher 1", "cn-san 2 *.example.net",
			     "cn-san 1 sip.example.net", "cn-san validate bidirectional",
			     "ecdh-curve secp384r1 x25519"), 0);
	struct cfg_tls_profile *tp = cfg_tls_profile_find(&f->c, "1");
	assert_non_null(tp);
	assert_string_equal(tp->trustpoint, "TP1");
	assert_int_equal(tp->cn_san.n, 2);
	assert_int_equal(tp->cn_san.v[0].idx, 1);
	assert_int_equal(tp->curves[0], CFG_CURVE_SECP384R1);
	assert_int_equal(tp->curves[1], CFG_CURVE_X25519);
	assert_int_equal(tp->curves[2], CFG_CURVE_NONE);
	assert_int_not_equal(RUN(f, "trustpoint NOPE"), 0);
	assert_non_null(strstr(OUT(f), "not configured"));
	assert_int_equal(RUN(f, "no cn-san 2"), 0);
	assert_int_equal(tp->cn_san.n, 1);

	assert_int_equal(RUN(f, "voice class uri U1 sip", "host ipv4:192.0.2.1",
			     "host dns:sip.example.net", "user-id ^\\+1"), 0);
	struct cfg_uri_class *u = cfg_uri_find(&f->c, "U1");
	assert_non_null(u);
	assert_int_equal(u->hosts.n, 2);
	assert_int_not_equal(RUN(f, "pattern (abc"), 0);
	assert_non_null(strstr(OUT(f), "% unmatched ()"));
	for (int i = 3; i <= 10; i++) {
		char l[64];
		snprintf(l, sizeof(l), "host ipv4:192.0.2.%d", i);
		assert_int_equal(vty_exec(&f->v, l), 0);
	}
	assert_int_not_equal(RUN(f, "host ipv4:192.0.2.11"), 0);
	assert_non_null(strstr(OUT(f), "Error:Maximum of 10 hosts can only be configured."));
	assert_int_equal(u->hosts.n, 10);

	assert_int_equal(RUN(f, "exit", "no voice class srtp-crypto 100"), 0);
	assert_null(cfg_srtp_crypto_find(&f->c, "100"));
}

static void test_sipua(void **state)
{
	struct fx *f = *state;
	assert_int_equal(RUN(f, "configure terminal", "crypto pki trustpoint TP", "exit", "sip-ua",
			     "no transport udp", "transport tcp tls v1.2",
			     "crypto signaling remote-addr 10.0.0.0 /8 trustpoint TP cn-san-validate server",
			     "crypto signaling remote-addr 10.0.0.0 255.0.0.0 trustpoint TP",
			     "timers connection establish tls 5"), 0);
	struct cfg_sip_ua *ua = &f->c.sipua;
	assert_true(ua->no_udp);
	assert_true(ua->tls_version_set);
	assert_int_equal(ua->tls_version, CFG_TLSV_12);
	assert_int_equal(ua->remote.n, 1); /* same network replaced */
	assert_false(ua->remote.v[0].sig.cn_san_validate_server);
	assert_int_equal(ua->establish_tls_sec, 5);
	assert_int_equal(RUN(f, "no crypto signaling remote-addr 10.0.0.0 /8", "default transport udp",
			     "no transport tcp tls v1.2"), 0);
	assert_int_equal(ua->remote.n, 0);
	assert_false(ua->no_udp);
	assert_false(ua->tls_version_set);
	assert_false(ua->no_tls);
	assert_int_not_equal(RUN(f, "sip-server ipv4:300.1.1.1"), 0);
	assert_int_equal(ua->sip_server.kind, CFG_TARGET_NONE);
}

static void test_dial_peer(void **state)
{
	struct fx *f = *state;
	assert_int_equal(RUN(f, "configure terminal", "dial-peer voice 100 voip",
			     "destination-pattern 9T", "session protocol sipv2",
			     "session target dns:sip.example.net:5061", "preference 0", "shutdown"), 0);
	assert_int_equal(f->v.mode, MODE_DIAL_PEER);
	struct cfg_dial_peer *dp = cfg_dial_peer_find(&f->c, 100);
	assert_non_null(dp);
	assert_string_equal(dp->dest_pattern, "9T");
	assert_int_equal(dp->target.kind, CFG_TARGET_DNS);
	assert_int_equal(dp->target.port, 5061);
	assert_int_equal(dp->preference, 0);
	assert_int_not_equal(RUN(f, "destination-pattern 12x4"), 0);
	assert_non_null(strstr(OUT(f), "Incorrect format for E.164 Number"));
	assert_string_equal(dp->dest_pattern, "9T");
	assert_int_not_equal(RUN(f, "incoming uri via NOPE"), 0);
	assert_int_equal(RUN(f, "no preference", "no shutdown", "no session target"), 0);
	assert_int_equal(dp->preference, -1);
	assert_false(dp->shutdown);
	assert_int_equal(dp->target.kind, CFG_TARGET_NONE);
	assert_true(dp->session_sipv2);
	assert_int_equal(RUN(f, "exit", "no dial-peer voice 100"), 0);
	assert_null(cfg_dial_peer_find(&f->c, 100));
}

int main(void)
{
	struct buf err = BUF_INIT;
	int rc;
	if (gram_init(&err)) {
		fprintf(stderr, "%s", buf_str(&err));
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hostname, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sipua, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dial_peer, setup, teardown),
	};
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	gram_fini();
	buf_free(&err);
	return rc;
}
