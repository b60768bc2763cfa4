/* test_pki.c - unit tests for trustpoint loading and checks (core/pki.c),
 * against a PKI generated at test time by tests/pki/gen-test-pki.sh. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/pki.h"

static char dir[200];

/* tests/pki/gen-test-pki.sh, found from $TOLLGATE_SRCDIR or this file's path. */
static void script_path(char *buf, size_t sz)
{
	const char *src = getenv("TOLLGATE_SRCDIR");
	char here[1024];
	char *slash;

	if (src) {
		snprintf(buf, sz, "%s/tests/pki/gen-test-pki.sh", src);
		return;
	}
	snprintf(here, sizeof(here), "%s", __FILE__);
	slash = strrchr(here, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(here, sizeof(here), ".");
	snprintf(buf, sz, "%s/../pki/gen-test-pki.sh", here);
}

static const char *P(const char *name)
{
	static char bufs[8][CFG_PATH_LEN - 8];
	static int k;
	char *b = bufs[k++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

static void concat(const char *out, const char *a, const char *b)
{
	char cmd[3 * PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", P(a), P(b), P(out));
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	char script[PATH_MAX], cmd[2 * PATH_MAX + 64];

	snprintf(dir, sizeof(dir), "/tmp/tollgate-pki-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	script_path(script, sizeof(script));
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s'", script, dir);
	if (system(cmd) != 0)
		return -1;
	/* extra files derived from the generated set */
	snprintf(cmd, sizeof(cmd), "cd '%s' && cat sbc-chain.pem ca-root.pem > full-chain.pem && "
		 "cp sbc-key.pem key644.pem && chmod 644 key644.pem && "
		 "certtool --crl-info --infile crl.pem --outder --outfile crl.der >/dev/null 2>&1", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void tp_init(struct cfg_trustpoint *tp, const char *cert, const char *key, const char *ca,
		    const char *crl)
{
	memset(tp, 0, sizeof(*tp));
	snprintf(tp->name, sizeof(tp->name), "TP");
	if (cert)
		snprintf(tp->cert_file, sizeof(tp->cert_file), "%s", P(cert));
	if (key)
		snprintf(tp->key_file, sizeof(tp->key_file), "%s", P(key));
	if (ca)
		snprintf(tp->ca_file, sizeof(tp->ca_file), "%s", P(ca));
	if (crl)
		snprintf(tp->crl_file, sizeof(tp->crl_file), "%s", P(crl));
}

static struct pki_tp_info *load_ok(const char *cert, const char *key, const char *ca, const char *crl)
{
	struct cfg_trustpoint tp;
	struct pki_tp_info *in = NULL;
	char err[PKI_ERR_LEN];
	int rc;

	tp_init(&tp, cert, key, ca, crl);
	rc = pki_trustpoint_load(&tp, &in, err, sizeof(err));
	if (rc != 0)
		fail_msg("load failed (%d): %s", rc, err);
	assert_non_null(in);
	return in;
}

static void load_bad(const char *cert, const char *key, const char *ca, const char *crl,
		     int want_rc, const char *want_err)
{
	struct cfg_trustpoint tp;
	struct pki_tp_info *in = (struct pki_tp_info *)1;
	char err[PKI_ERR_LEN];

	tp_init(&tp, cert, key, ca, crl);
	assert_int_equal(pki_trustpoint_load(&tp, &in, err, sizeof(err)), want_rc);
	assert_null(in);
	if (strcmp(err, want_err) != 0)
		fail_msg("error\n  got:  %s\n  want: %s", err, want_err);
}

static void test_chain_ok(void **state)
{
	struct pki_tp_info *in = load_ok("sbc-chain.pem", "sbc-key.pem", "ca-root.pem", NULL);

	assert_true(in->has_cert);
	assert_true(in->has_key);
	assert_true(in->chain_ok);
	assert_int_equal(in->warnings, 0);
	assert_string_equal(in->warn_text, "");
	assert_string_equal(in->cert.subject, "CN=sbc.test.example,O=Tollgate Test");
	assert_string_equal(in->cert.issuer, "CN=Tollgate Test Intermediate CA,O=Tollgate Test");
	assert_string_equal(in->cert.cn, "sbc.test.example");
	assert_string_equal(in->cert.serial, "1001");
	assert_string_equal(in->cert.key_type, "RSA");
	assert_int_equal(in->cert.key_bits, 2048);
	assert_string_equal(in->key_type, "RSA");
	assert_int_equal(strlen(in->cert.sha256), 95);
	assert_int_equal(in->cert.sha256[2], ':');
	assert_false(in->cert.is_ca);
	assert_false(in->cert.self_signed);
	assert_true(in->cert.days_left >= 823 && in->cert.days_left <= 825);
	assert_int_equal(in->n_chain, 1);
	assert_string_equal(in->chain[0].serial, "02");
	assert_true(in->chain[0].is_ca);
	assert_int_equal(in->n_ca, 1);
	assert_true(in->ca[0].self_signed);
	assert_string_equal(in->chain_anchor, "CN=Tollgate Test Root CA,O=Tollgate Test");
	assert_int_equal(in->n_crts, 2);
	assert_non_null(in->key);
	pki_tp_info_free(in);
}

static void test_intermediate_in_ca_file(void **state)
{
	struct pki_tp_info *in = load_ok("sbc-cert.pem", "sbc-key.pem", "ca-bundle.pem", NULL);

	assert_true(in->chain_ok);
	assert_int_equal(in->n_chain, 0);
	assert_int_equal(in->n_ca, 2);
	assert_string_equal(in->chain_anchor, "CN=Tollgate Test Intermediate CA,O=Tollgate Test");
	pki_tp_info_free(in);
}

static void test_der(void **state)
{
	struct pki_tp_info *in = load_ok("sbc-cert.der", "sbc-key.der", "ca-bundle.pem", NULL);

	assert_true(in->chain_ok);
	assert_string_equal(in->cert.serial, "1001");
	pki_tp_info_free(in);
}

static void test_ecdsa(void **state)
{
	struct pki_tp_info *in = load_ok("sbc-ec-cert.pem", "sbc-ec-key.pem", "ca-bundle.pem", NULL);

	assert_string_equal(in->cert.key_type, "EC");
	assert_int_equal(in->cert.key_bits, 384);
	assert_string_equal(in->cert.curve, "SECP384R1");
	assert_string_equal(in->key_type, "EC");
	assert_string_equal(in->cert.serial, "1002");
	pki_tp_info_free(in);
}

static void test_errors(void **state)
{
	char want[PATH_MAX + 128];

	load_bad("sbc-chain.pem", "wrong-key.pem", "ca-root.pem", NULL, -EINVAL,
		 "private key does not match certificate");
	load_bad("sbc-cert.pem", "sbc-key.pem", "ca-root.pem", NULL, -EINVAL,
		 "missing intermediate (issuer CN=Tollgate Test Intermediate CA,O=Tollgate Test not found)");
	snprintf(want, sizeof(want), "unknown CA (CN=Tollgate Test Root CA,O=Tollgate Test is not in %s)",
		 P("peer-cert.pem"));
	load_bad("full-chain.pem", "sbc-key.pem", "peer-cert.pem", NULL, -EINVAL, want);
	snprintf(want, sizeof(want), "private key %s is readable by others (mode 0644); chmod 600 it",
		 P("key644.pem"));
	load_bad("sbc-cert.pem", "key644.pem", NULL, NULL, -EPERM, want);
	snprintf(want, sizeof(want), "cannot open %s: No such file or directory", P("nope.pem"));
	load_bad("nope.pem", NULL, NULL, NULL, -ENOENT, want);
	load_bad(NULL, NULL, "nope.pem", NULL, -ENOENT, want);
	load_bad("sbc-cert.pem", "nope.pem", NULL, NULL, -ENOENT, want);
	snprintf(want, sizeof(want), "no certificate found in %s", P("crl.pem"));
	load_bad("crl.pem", NULL, NULL, NULL, -EINVAL, want);
}

static void test_expired_is_warning(void **state)
{
	struct pki_tp_info *in = load_ok("expired-cert.pem", "expired-key.pem", "ca-bundle.pem", NULL);

	assert_true(in->warnings & PKI_W_EXPIRED);
	assert_false(in->warnings & PKI_W_NOT_YET_VALID);
	assert_true(in->cert.expired);
	assert_true(in->cert.days_left < -300);
	assert_true(in->chain_ok);
	assert_non_null(strstr(in->warn_text, "certificate expired 00:00:00 UTC Jan 1 2021"));
	pki_tp_info_free(in);
}

static void test_partial(void **state)
{
	struct pki_tp_info *in;

	in = load_ok(NULL, NULL, NULL, NULL);     /* nothing configured */
	assert_false(in->has_cert);
	assert_false(in->has_key);
	assert_int_equal(in->warnings, 0);
	pki_tp_info_free(in);

	in = load_ok(NULL, NULL, "ca-bundle.pem", NULL);  /* CA-only trustpoint */
	assert_int_equal(in->n_ca, 2);
	assert_false(in->chain_ok);
	assert_int_equal(in->warnings, 0);
	pki_tp_info_free(in);

	in = load_ok("sbc-cert.pem", NULL, NULL, NULL);
	assert_true(in->warnings & PKI_W_INCOMPLETE);
	assert_true(in->warnings & PKI_W_CHAIN_UNCHECKED);
	pki_tp_info_free(in);
}

static void test_crl(void **state)
{
	struct pki_tp_info *in;
	char want[PATH_MAX + 128];

	in = load_ok("sbc-cert.pem", "sbc-key.pem", "ca-bundle.pem", "crl.pem");
	assert_true(in->has_crl);
	assert_int_equal(in->crl_revoked, 1);
	assert_string_equal(in->crl_issuer, "CN=Tollgate Test Intermediate CA,O=Tollgate Test");
	assert_true(in->crl_next_update > in->crl_this_update);
	assert_false(in->warnings & PKI_W_REVOKED);
	pki_tp_info_free(in);

	in = load_ok("revoked-cert.pem", "revoked-key.pem", "ca-bundle.pem", "crl.der");
	assert_true(in->warnings & PKI_W_REVOKED);
	assert_non_null(strstr(in->warn_text, "serial 2002 is revoked"));
	pki_tp_info_free(in);

	/* the CRL's issuer is not among this trustpoint's CAs */
	snprintf(want, sizeof(want),
		 "CRL %s: issuer CN=Tollgate Test Intermediate CA,O=Tollgate Test is not a CA of this trustpoint",
		 P("crl.pem"));
	load_bad(NULL, NULL, "ca-root.pem", "crl.pem", -EINVAL, want);

	/* a tampered CRL: flip one bit of the signature (the last byte of the DER) */
	{
		FILE *f = fopen(P("crl.der"), "rb");
		unsigned char buf[4096];
		size_t n;

		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_true(n > 100);
		buf[n - 1] ^= 0x01;
		f = fopen(P("crl-bad.der"), "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf, 1, n, f), n);
		fclose(f);
	}
	snprintf(want, sizeof(want),
		 "CRL %s: signature does not verify (issuer CN=Tollgate Test Intermediate CA,O=Tollgate Test)",
		 P("crl-bad.der"));
	load_bad("sbc-cert.pem", "sbc-key.pem", "ca-bundle.pem", "crl-bad.der", -EINVAL, want);
}

static void test_unsorted_chain(void **state)
{
	/* intermediates after the leaf may come in any order */
	concat("unsorted.pem", "sbc-cert.pem", "ca-bundle.pem");   /* leaf, root, inter */
	struct pki_tp_info *in = load_ok("unsorted.pem", "sbc-key.pem", "ca-root.pem", NULL);

	assert_true(in->chain_ok);
	assert_int_equal(in->n_chain, 2);
	pki_tp_info_free(in);
}

static void test_time_str(void **state)
{
	char b[48];

	assert_string_equal(pki_time_str(0, b, sizeof(b)), "00:00:00 UTC Jan 1 1970");
	assert_string_equal(pki_time_str(1698662535, b, sizeof(b)), "10:42:15 UTC Oct 30 2023");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_ok),
		cmocka_unit_test(test_intermediate_in_ca_file),
		cmocka_unit_test(test_der),
		cmocka_unit_test(test_ecdsa),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_expired_is_warning),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_unsorted_chain),
		cmocka_unit_test(test_time_str),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
