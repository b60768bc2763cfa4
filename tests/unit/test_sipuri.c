/* test_sipuri.c - unit tests for SIP/SIPS/tel URIs (sip/uri*.c): parsing,
 * printing, parameters, RFC 4904 user parameters, RFC 3261 19.1.4 comparison. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "sip/msg.h"
#include "sip/uri.h"

static struct sip_uri *P(const char *s)
{
	struct sip_uri *u = NULL;
	int rc = sip_uri_parse(&u, s, strlen(s));
	if (rc)
		fail_msg("URI %s rejected (%d)", s, rc);
	return u;
}

static void bad(const char *s)
{
	struct sip_uri *u = (struct sip_uri *)1;
	if (sip_uri_parse(&u, s, strlen(s)) != -EINVAL)
		fail_msg("URI %s accepted", s);
	assert_null(u);
}

/* print(parse(s)) == want, and parse(print) equals the first parse. */
static void reprint(const char *s, const char *want)
{
	struct sip_uri *u = P(s), *v;
	char *t;

	assert_int_equal(sip_uri_to_string(&t, u), 0);
	assert_string_equal(t, want);
	v = P(t);
	assert_true(sip_uri_equal(u, v));
	free(t);
	sip_uri_free(u);
	sip_uri_free(v);
}

static void test_parse(void **state)
{
	struct sip_uri *u;

	u = P("sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1;"
	      "ttl=15?subject=project%20x&priority=urgent");
	assert_int_equal(u->scheme, SIP_URI_SIP);
	assert_string_equal(u->user, "alice");
	assert_string_equal(u->password, "secret");
	assert_string_equal(u->host, "atlanta.example.com");
	assert_int_equal(u->host_type, SIP_HOST_NAME);
	assert_int_equal(u->port, 5061);
	assert_int_equal(u->nparams, 4);
	assert_string_equal(sip_uri_param(u, "TRANSPORT"), "tcp");
	assert_string_equal(sip_uri_param(u, "lr"), "");
	assert_null(u->params[1].value);
	assert_string_equal(sip_uri_param(u, "maddr"), "239.255.255.1");
	assert_null(sip_uri_param(u, "user"));
	assert_int_equal(u->nheaders, 2);
	assert_string_equal(sip_uri_header(u, "subject"), "project%20x");
	sip_uri_free(u);

	u = P("SIPS:[2001:db8::1]:5061");
	assert_int_equal(u->scheme, SIP_URI_SIPS);
	assert_null(u->user);
	assert_string_equal(u->host, "[2001:db8::1]");
	assert_int_equal(u->host_type, SIP_HOST_IPV6);
	assert_int_equal(u->port, 5061);
	sip_uri_free(u);

	u = P("sip:192.0.2.4");
	assert_int_equal(u->host_type, SIP_HOST_IPV4);
	assert_int_equal(u->port, 0);
	sip_uri_free(u);

	u = P("sip:[::ffff:192.0.2.4]");
	assert_int_equal(u->host_type, SIP_HOST_IPV6);
	sip_uri_free(u);

	u = P("tel:+1-201-555-0123;phone-context=example.com;isub=1411");
	assert_int_equal(u->scheme, SIP_URI_TEL);
	assert_string_equal(u->user, "+1-201-555-0123");
	assert_null(u->host);
	assert_string_equal(sip_uri_param(u, "phone-context"), "example.com");
	sip_uri_free(u);

	u = P("sip:+15551234;tgrp=TG%2D1;trunk-context=example.com@gw.example.com;user=phone");
	assert_string_equal(u->user, "+15551234;tgrp=TG%2D1;trunk-context=example.com");
	assert_int_equal(u->user_len_base, 9);
	assert_int_equal(u->nuser_params, 2);
	assert_string_equal(sip_uri_user_param(u, "tgrp"), "TG%2D1");
	assert_string_equal(sip_uri_user_param(u, "trunk-context"), "example.com");
	assert_null(sip_uri_user_param(u, "isub"));
	assert_string_equal(sip_uri_param(u, "user"), "phone");
	char num[32];
	assert_int_equal(sip_uri_user_number(num, sizeof(num), u), 0);
	assert_string_equal(num, "+15551234");
	assert_int_equal(sip_uri_user_number(num, 4, u), -ENOSPC);
	sip_uri_free(u);

	/* a length-bounded parse does not read past len */
	assert_int_equal(sip_uri_parse(&u, "sip:a@b.example.comXXXX", 19), 0);
	assert_string_equal(u->host, "b.example.com");
	sip_uri_free(u);
}

static void test_invalid(void **state)
{
	static const char *const b[] = {
		"", "sip:", "sip:@host", "http://example.com", "sip:user@", "sip:host:0",
		"sip:host:65536", "sip:host:12a", "sip:[2001:db8::1", "sip:[zz::1]",
		"sip:ho st", "sip:user@host;", "sip:user@host;=v", "sip:user@host?",
		"sip:user@host?&a=b", "sip:us<er@host", "sip:user@host>", "sip:user@%zz",
		"sip:a%4@host", "sip:1.2.3.256", "sip:1.2.3", "tel:", "tel:+1 555",
		"sip:user@-host", "<sip:user@host>", "sip:user@host;a\"b",
	};
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		bad(b[i]);
	char big[SIP_URI_MAX + 8];
	memcpy(big, "sip:", 4);
	memset(big + 4, 'a', sizeof(big) - 5);
	big[sizeof(big) - 1] = '\0';
	bad(big);
}

static void test_print(void **state)
{
	reprint("SIP:Alice@Example.COM;Transport=TCP", "sip:Alice@Example.COM;Transport=TCP");
	reprint("sips:bob:pw@[2001:db8::2]:5061;lr?h=v&i=j", "sips:bob:pw@[2001:db8::2]:5061;lr?h=v&i=j");
	reprint("TEL:+15551234;ext=12", "tel:+15551234;ext=12");
	reprint("sip:user;par=u%40example.net@example.com", "sip:user;par=u%40example.net@example.com");
}

static void test_build(void **state)
{
	struct sip_uri *u, *d;
	char *s;
	const struct sip_param tg[] = { { "tgrp", "TG 1" }, { "trunk-context", "example.com" } };

	assert_int_equal(sip_uri_new(&u, SIP_URI_SIP, "+15551234", "2001:db8::5", 5060), 0);
	assert_string_equal(u->host, "[2001:db8::5]");
	assert_int_equal(sip_uri_set_user(u, "+15551234", tg, 2), 0);
	assert_string_equal(u->user, "+15551234;tgrp=TG%201;trunk-context=example.com");
	assert_string_equal(sip_uri_user_param(u, "tgrp"), "TG%201");
	assert_int_equal(sip_uri_set_param(u, "user", "phone"), 0);
	assert_int_equal(sip_uri_set_param(u, "lr", NULL), 0);
	assert_int_equal(sip_uri_set_param(u, "user", "ip"), 0);
	assert_int_equal(sip_uri_set_param(u, "bad;name", NULL), -EINVAL);
	assert_int_equal(sip_uri_to_string(&s, u), 0);
	assert_string_equal(s, "sip:+15551234;tgrp=TG%201;trunk-context=example.com@[2001:db8::5]:5060"
			       ";user=ip;lr");
	free(s);
	assert_int_equal(sip_uri_dup(&d, u), 0);
	assert_true(sip_uri_equal(u, d));
	assert_int_equal(sip_uri_del_param(d, "lr"), 0);
	assert_int_equal(sip_uri_del_param(d, "lr"), -ENOENT);
	assert_true(sip_uri_equal(u, d)); /* lr only on one side: ignored */
	assert_int_equal(sip_uri_del_param(d, "user"), 0);
	assert_false(sip_uri_equal(u, d)); /* user= on one side only: differ */
	assert_int_equal(sip_uri_set_host(d, "gw.example.com", 0), 0);
	assert_int_equal(d->port, 0);
	assert_int_equal(sip_uri_set_host(d, "bad host", -1), -EINVAL);
	assert_int_equal(sip_uri_set_user(d, NULL, NULL, 0), 0);
	assert_null(d->user);
	assert_int_equal(sip_uri_to_string(&s, d), 0);
	assert_string_equal(s, "sip:gw.example.com");
	free(s);
	sip_uri_free(d);
	sip_uri_free(u);

	assert_int_equal(sip_uri_new(&u, SIP_URI_TEL, "+15551234", NULL, 0), 0);
	assert_int_equal(sip_uri_set_host(u, "x", 0), -EINVAL);
	sip_uri_free(u);
	assert_int_equal(sip_uri_new(&u, SIP_URI_SIP, NULL, NULL, 0), -EINVAL);
}

static void eq(const char *a, const char *b, bool want)
{
	struct sip_uri *x = P(a), *y = P(b);
	if (sip_uri_equal(x, y) != want || sip_uri_equal(y, x) != want)
		fail_msg("%s %s %s", a, want ? "should equal" : "should differ from", b);
	sip_uri_free(x);
	sip_uri_free(y);
}

/* The examples of RFC 3261 19.1.4, and a few more. */
static void test_equal(void **state)
{
	eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp", true);
	eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", true);
	eq("sip:carol@chicago.com", "sip:carol@chicago.com;security=on", true);
	eq("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on", true);
	eq("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
	   "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com", true);
	eq("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
	   "sip:alice@atlanta.com?priority=urgent&subject=project%20x", true);
	eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP", false);
	eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", false);
	eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", false);
	eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", false);
	eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting", false);
	eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", false);
	eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off", false);
	eq("sip:bob@biloxi.com", "sips:bob@biloxi.com", false);
	eq("sip:a:x@h", "sip:a:y@h", false);
	eq("sip:[2001:db8::1]", "sip:[2001:DB8:0:0::1]", true);
	eq("sip:[2001:db8::1]", "sip:[2001:db8::2]", false);
	eq("tel:+1-201-555-0123", "tel:+12015550123", true);
	eq("tel:7042;phone-context=Example.com", "tel:7042;phone-context=example.com", true);
	eq("tel:7042;phone-context=example.com", "tel:7042", false);
	eq("tel:+15551234", "sip:+15551234@h", false);
}

static void test_unescape(void **state)
{
	char out[16];
	size_t n;

	assert_int_equal(sip_uri_unescape(out, sizeof(out), &n, "a%20b%00c", 9), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "a b\0c", 5);
	assert_int_equal(sip_uri_unescape(out, sizeof(out), &n, "%4", 2), -EINVAL);
	assert_int_equal(sip_uri_unescape(out, sizeof(out), &n, "%zz", 3), -EINVAL);
	assert_int_equal(sip_uri_unescape(out, 2, &n, "abc", 3), -ENOSPC);
	assert_string_equal(sip_uri_scheme_name(SIP_URI_TEL), "tel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),  cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_print),  cmocka_unit_test(test_build),
		cmocka_unit_test(test_equal),  cmocka_unit_test(test_unescape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
