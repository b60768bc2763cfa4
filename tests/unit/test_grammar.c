/* test_grammar.c - the command grammar engine against the real command set:
 * every token type, abbreviations, ambiguity, error positions, `no` forms,
 * `do`, walk-up to parent modes, `?` help and Tab completion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/grammar.h"
#include "cli/vty.h"
#include "core/config.h"

static int setup(void **state)
{
	struct buf err = BUF_INIT;
	int rc = gram_init(&err);
	if (rc)
		fprintf(stderr, "%s", buf_str(&err));
	buf_free(&err);
	*state = NULL;
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	gram_fini();
	return 0;
}

static struct gram_match M;

static enum gram_status match(enum cli_mode mode, const char *line)
{
	gram_match(mode, line, &M);
	return M.st;
}

static void test_declarations_clean(void **state)
{
	(void)state;
	/* setup() failed the group if any declaration had bad syntax or help */
	assert_int_equal(match(MODE_EXEC, "show version"), GRAM_OK);
}

static void test_abbreviations(void **state)
{
	(void)state;
	assert_int_equal(match(MODE_EXEC, "sh run"), GRAM_OK);
	assert_string_equal(M.cmd->syntax, "show running-config");
	/* a block's first word abbreviates; an unknown word is invalid at its first wrong character */
	assert_int_equal(match(MODE_EXEC, "sh run dial voice 100"), GRAM_OK);
	assert_true(cli_has(&M.args, "dial-peer"));
	assert_int_equal(match(MODE_EXEC, "sh run dail-peer"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 8);
	assert_int_equal(match(MODE_EXEC, "conf t"), GRAM_OK);
	assert_string_equal(M.cmd->syntax, "configure terminal");
	assert_int_equal(match(MODE_EXEC, "SH VER"), GRAM_OK); /* case-insensitive */
	assert_string_equal(M.cmd->syntax, "show version");
	/* an exact keyword beats a longer one it abbreviates: "sip" vs nothing else */
	assert_int_equal(match(MODE_VOICE_SERVICE, "sip"), GRAM_OK);
	assert_string_equal(M.cmd->syntax, "sip");
}

static void test_ambiguous(void **state)
{
	(void)state;
	/* "co" is configure or copy */
	assert_int_equal(match(MODE_EXEC, "co t"), GRAM_AMBIGUOUS);
	assert_int_equal(M.err_pos, 0);
	/* "s" in sip-ua: sip-server only, so not ambiguous but incomplete */
	assert_int_equal(match(MODE_SIP_UA, "s"), GRAM_INCOMPLETE);
	/* "t" in sip-ua: timers or transport */
	assert_int_equal(match(MODE_SIP_UA, "t udp"), GRAM_AMBIGUOUS);
}

static void test_invalid_caret(void **state)
{
	(void)state;
	/* the caret goes under the first character no keyword can take */
	assert_int_equal(match(MODE_CONFIG, "hostnme x"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 5);
	assert_int_equal(match(MODE_EXEC, "show runnx"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 9);
	assert_int_equal(match(MODE_EXEC, "show version extra"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 13);
	/* out of range number: caret at the start of the word */
	assert_int_equal(match(MODE_CONFIG, "dial-peer voice 0 voip"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 16);
	assert_int_equal(match(MODE_CONFIG, "dial-peer voice 2147483648 voip"), GRAM_INVALID);
	assert_int_equal(match(MODE_CONFIG, "dial-peer voice 2147483647 voip"), GRAM_OK);
	assert_int_equal(match(MODE_EXEC, ""), GRAM_EMPTY);
	assert_int_equal(match(MODE_EXEC, "show"), GRAM_INCOMPLETE);
}

static void test_token_types(void **state)
{
	(void)state;
	/* A.B.C.D and A.B.C.D mask / "/M" prefix length */
	assert_int_equal(match(MODE_IPTRUST, "ipv4 10.0.0.0 255.0.0.0"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "addr"), "10.0.0.0");
	assert_string_equal(cli_get(&M.args, "mask"), "255.0.0.0");
	assert_int_equal(match(MODE_IPTRUST, "ipv4 10.0.0.0 /8"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "len"), "/8");
	assert_null(cli_get(&M.args, "mask"));
	assert_int_equal(match(MODE_IPTRUST, "ipv4 10.0.0.256"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 5);
	assert_int_equal(match(MODE_IPTRUST, "ipv4 10.0.0.0 /33"), GRAM_OK); /* handler checks 0-32 */
	assert_int_equal(match(MODE_IPTRUST, "ipv4 10.0.0.0 /129"), GRAM_INVALID);
	/* X:X::X:X/M */
	assert_int_equal(match(MODE_IPTRUST, "ipv6 2001:db8::/32"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "prefix"), "2001:db8::/32");
	assert_int_equal(match(MODE_IPTRUST, "ipv6 2001:db8::"), GRAM_INVALID);
	assert_int_equal(match(MODE_IPTRUST, "ipv6 2001:zz8::/32"), GRAM_INVALID);
	/* ranges */
	assert_int_equal(match(MODE_CLASS_SRTP_CRYPTO, "crypto 4 AES_CM_128_HMAC_SHA1_32"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "pri"), "4");
	assert_true(cli_has(&M.args, "AES_CM_128_HMAC_SHA1_32"));
	assert_int_equal(match(MODE_CLASS_SRTP_CRYPTO, "crypto 5 AES_CM_128_HMAC_SHA1_32"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 7);
	/* keyword abbreviation of an upper-case keyword */
	assert_int_equal(match(MODE_CLASS_SRTP_CRYPTO, "crypto 1 aead_aes_256"), GRAM_OK);
	assert_true(cli_has(&M.args, "AEAD_AES_256_GCM"));
	assert_int_equal(match(MODE_CLASS_SRTP_CRYPTO, "crypto 1 AEAD"), GRAM_AMBIGUOUS);
	/* session targets */
	assert_int_equal(match(MODE_DIAL_PEER, "session target ipv4:192.0.2.1:5061"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "v4"), "ipv4:192.0.2.1:5061");
	assert_int_equal(match(MODE_DIAL_PEER, "session target ipv6:[2001:db8::1]:5061"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "v6"), "ipv6:[2001:db8::1]:5061");
	assert_int_equal(match(MODE_DIAL_PEER, "session target dns:sip.example.com"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "dns"), "dns:sip.example.com");
	assert_int_equal(match(MODE_DIAL_PEER, "session target sip-s"), GRAM_OK);
	assert_true(cli_has(&M.args, "sip-server"));
	assert_int_equal(match(MODE_DIAL_PEER, "session target foo"), GRAM_INVALID);
	/* LINE takes the rest of the line */
	assert_int_equal(match(MODE_DIAL_PEER, "description To the ITSP  over TLS"), GRAM_OK);
	assert_string_equal(cli_get(&M.args, "text"), "To the ITSP  over TLS");
	/* a repeated element */
	assert_int_equal(match(MODE_TRUSTPOINT, "revocation-check crl none"), GRAM_OK);
	assert_int_equal(M.args.n, 3);
	assert_string_equal(M.args.t[1].val, "crl");
	assert_string_equal(M.args.t[2].val, "none");
	assert_int_equal(match(MODE_TRUSTPOINT, "revocation-check"), GRAM_INCOMPLETE);
	/* optional parts nested in alternatives */
	assert_int_equal(match(MODE_SIP_UA, "transport tcp tls v1.2 minimum"), GRAM_OK);
	assert_true(cli_has(&M.args, "minimum"));
	assert_int_equal(match(MODE_SIP_UA, "transport tcp tls v1.3 minimum"), GRAM_INVALID);
}

static void test_no_and_default(void **state)
{
	(void)state;
	/* `no` may stop after the leading keywords */
	assert_int_equal(match(MODE_CONFIG, "no hostname"), GRAM_OK);
	assert_true(M.args.no);
	assert_false(M.args.dflt);
	assert_string_equal(M.cmd->syntax, "hostname WORD$name");
	assert_int_equal(match(MODE_CLASS_SRTP_CRYPTO, "no crypto 4"), GRAM_OK);
	assert_true(M.args.no);
	assert_string_equal(cli_get(&M.args, "pri"), "4");
	assert_int_equal(match(MODE_CONFIG, "default hostname"), GRAM_OK);
	assert_true(M.args.dflt);
	assert_int_equal(match(MODE_CONFIG, "n hostname"), GRAM_OK); /* "n" abbreviates no */
	assert_true(M.args.no);
	assert_int_equal(match(MODE_CONFIG, "no"), GRAM_INCOMPLETE);
	assert_int_equal(match(MODE_CONFIG, "no bogus"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 3);
	/* EXEC has only explicit no-forms (no debug ...) */
	assert_int_equal(match(MODE_EXEC, "no show version"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 3);
}

static void test_do(void **state)
{
	(void)state;
	assert_int_equal(match(MODE_DIAL_PEER, "do sh run"), GRAM_OK);
	assert_true(M.exec_via_do);
	assert_string_equal(M.cmd->syntax, "show running-config");
	assert_int_equal(match(MODE_DIAL_PEER, "do sh bogus"), GRAM_INVALID);
	assert_int_equal(M.err_pos, 6);
	/* show without do is not a config command */
	assert_int_equal(match(MODE_CONFIG, "show version"), GRAM_INVALID);
}

static void test_help(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	int pos = -1;
	assert_int_equal(gram_help(MODE_SIP_UA, "transport tcp ", &b, &pos), GRAM_OK);
	assert_string_equal(buf_str(&b), "  tls   SIP over TLS over TCP\n  <cr>\n");
	buf_reset(&b);
	/* partial word: the keywords it can start, on one line */
	assert_int_equal(gram_help(MODE_EXEC, "sh", &b, &pos), GRAM_OK);
	assert_string_equal(buf_str(&b), "show\n");
	buf_reset(&b);
	assert_int_equal(gram_help(MODE_EXEC, "co", &b, &pos), GRAM_OK);
	assert_string_equal(buf_str(&b), "configure  copy\n");
	buf_reset(&b);
	/* ranges and help text */
	assert_int_equal(gram_help(MODE_CLASS_SRTP_CRYPTO, "crypto ", &b, &pos), GRAM_OK);
	assert_non_null(strstr(buf_str(&b), "<1-4>"));
	buf_reset(&b);
	/* config mode lists no/default/do/exit/end */
	assert_int_equal(gram_help(MODE_CONFIG, "", &b, &pos), GRAM_OK);
	assert_non_null(strstr(buf_str(&b), "  no "));
	assert_non_null(strstr(buf_str(&b), "  do "));
	assert_non_null(strstr(buf_str(&b), "  end "));
	assert_non_null(strstr(buf_str(&b), "  hostname "));
	buf_reset(&b);
	/* after `no`: only commands with a no form, no <cr> */
	assert_int_equal(gram_help(MODE_CONFIG, "no ", &b, &pos), GRAM_OK);
	assert_non_null(strstr(buf_str(&b), "hostname"));
	assert_null(strstr(buf_str(&b), "<cr>"));
	buf_reset(&b);
	/* a complete command offers <cr> last */
	assert_int_equal(gram_help(MODE_EXEC, "show version ", &b, &pos), GRAM_OK);
	assert_string_equal(buf_str(&b), "  <cr>\n");
	buf_reset(&b);
	/* errors */
	assert_int_equal(gram_help(MODE_EXEC, "shox ", &b, &pos), GRAM_INVALID);
	assert_int_equal(pos, 3);
	assert_int_equal(gram_help(MODE_EXEC, "zz", &b, &pos), GRAM_INVALID);
	buf_free(&b);
}

static void test_complete(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	gram_complete(MODE_EXEC, "sh", &b);
	assert_string_equal(buf_str(&b), "show\n");
	buf_reset(&b);
	gram_complete(MODE_EXEC, "show run", &b);
	assert_string_equal(buf_str(&b), "running-config\n");
	buf_reset(&b);
	gram_complete(MODE_EXEC, "c", &b);
	assert_non_null(strstr(buf_str(&b), "configure\n"));
	assert_non_null(strstr(buf_str(&b), "copy\n"));
	buf_reset(&b);
	/* values are not completed */
	gram_complete(MODE_CONFIG, "hostname ", &b);
	assert_string_equal(buf_str(&b), "");
	buf_reset(&b);
	gram_complete(MODE_CONFIG, "no host", &b);
	assert_string_equal(buf_str(&b), "hostname\n");
	buf_reset(&b);
	gram_complete(MODE_CONFIG, "do sh", &b);
	assert_string_equal(buf_str(&b), "show\n");
	buf_free(&b);
}

/* vty level: walk-up to parent modes, pipes, error text */
static void test_vty_walkup_and_pipes(void **state)
{
	(void)state;
	struct cfg c;
	struct vty v;
	cfg_init(&c);
	vty_init(&v, &c, "test");
	v.interactive = true;
	v.prompt_echoed = true;
	assert_int_equal(vty_exec(&v, "configure terminal"), CLI_OK);
	assert_int_equal(vty_exec(&v, "voice service voip"), CLI_OK);
	assert_int_equal(vty_exec(&v, "sip"), CLI_OK);
	assert_int_equal(v.mode, MODE_SERV_SIP);
	/* a config-mode command typed two levels down moves the session up */
	assert_int_equal(vty_exec(&v, "dial-peer voice 10 voip"), CLI_OK);
	assert_int_equal(v.mode, MODE_DIAL_PEER);
	assert_int_equal(v.ctx_tag, 10);
	assert_non_null(cfg_dial_peer_find(&c, 10));
	/* an invalid line: the caret counts the prompt when the client echoed it */
	assert_int_equal(vty_exec(&v, "destination-patern 9T"), CLI_ERR);
	char want[256];
	snprintf(want, sizeof(want), "%*s^\n%% Invalid input detected at '^' marker.\n\n",
		 (int)strlen("tollgate(config-dial-peer)#") + 15, "");
	assert_string_equal(buf_str(&v.out), want);
	assert_int_equal(vty_exec(&v, "end"), CLI_OK);
	assert_int_equal(v.mode, MODE_EXEC);
	assert_int_equal(vty_exec(&v, "show running-config | include dial-peer"), CLI_OK);
	assert_string_equal(buf_str(&v.out), "dial-peer voice 10 voip\n");
	assert_int_equal(vty_exec(&v, "show running-config | count voice"), CLI_OK);
	assert_string_equal(buf_str(&v.out), "Number of lines which match regexp = 2\n");
	assert_int_equal(vty_exec(&v, "show running-config | exclude ^[!a-z ]"), CLI_OK);
	assert_string_equal(buf_str(&v.out), "Building configuration...\n\nCurrent configuration : 78 bytes\n");
	assert_int_equal(vty_exec(&v, "show run | sec voice"), CLI_OK);
	assert_string_equal(buf_str(&v.out), "voice service voip\n sip\ndial-peer voice 10 voip\n");
	assert_int_equal(vty_exec(&v, "show run | bogus x"), CLI_ERR);
	assert_int_equal(vty_exec(&v, "show run | include ("), CLI_ERR);
	assert_int_equal(vty_exec(&v, "configure terminal | include x"), CLI_ERR);
	vty_fini(&v);
	cfg_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declarations_clean),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_invalid_caret),
		cmocka_unit_test(test_token_types),
		cmocka_unit_test(test_no_and_default),
		cmocka_unit_test(test_do),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_vty_walkup_and_pipes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
