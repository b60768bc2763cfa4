/* test_pattern.c - unit tests for IOS number patterns (sip/pattern.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip/pattern.h"

/* Match helper: -1 when the pattern does not compile, 0 no match, 1 match. */
static int tmatch(const char *pat, const char *num, int *len)
{
	struct dp_pattern *p = NULL;
	int rc;

	if (dp_pattern_compile(pat, &p) != 0)
		return -1;
	rc = dp_pattern_match(p, num, len) ? 1 : 0;
	dp_pattern_free(p);
	return rc;
}

#define MATCH(pat, num) assert_int_equal(tmatch((pat), (num), NULL), 1)
#define NOMATCH(pat, num) assert_int_equal(tmatch((pat), (num), NULL), 0)

static void test_valid(void **state)
{
	static const char *const ok[] = {
		"9...", "+1.........", "^+44T", "T", ".T", "T$", "1234$", "[1-5]..",
		"[2,5-8]", "[^135]", "9(12)?3", "1%", "12+3", "(1[0-2])+$", "*22#",
		"A.B", "\\+1", "91,555", "[*#+]", "^9$", "((1)2)?",
	};
	char err[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		err[0] = 'x';
		if (dp_pattern_validate(ok[i], err, sizeof(err)) != 0)
			fail_msg("pattern %s rejected: %s", ok[i], err);
		assert_string_equal(err, "");
	}
}

static void expect_bad(const char *pat, const char *detail)
{
	char err[300];

	assert_int_equal(dp_pattern_validate(pat, err, sizeof(err)), -EINVAL);
	if (strncmp(err, "Incorrect format for E.164 Number: ", 35) != 0)
		fail_msg("%s: bad prefix: %s", pat, err);
	if (!strstr(err, detail))
		fail_msg("%s: expected '%s' in: %s", pat, detail, err);
	if (!strstr(err, "\n" DP_PATTERN_FORM))
		fail_msg("%s: form line missing: %s", pat, err);
}

static void test_invalid(void **state)
{
	expect_bad("", "empty pattern");
	expect_bad("9x..", "invalid character 'x' at position 2");
	expect_bad("12 3", "invalid character ' ' at position 3");
	expect_bad("9a", "invalid character 'a' at position 2");
	expect_bad("9(12", "unmatched '(' at position 2");
	expect_bad("912)", "unmatched ')' at position 4");
	expect_bad("9()", "empty ( ) at position 2");
	expect_bad("?1", "'?' at position 1 has nothing to repeat");
	expect_bad("1?%", "'%' at position 3 follows another repeat");
	expect_bad("9T1", "'T' at position 2 must end the pattern");
	expect_bad("(9T)", "'T' at position 3 must end the pattern");
	expect_bad("T?", "'T' at position 1 must end the pattern");
	expect_bad("1$2", "'$' at position 2 must end the pattern");
	expect_bad("9[1-5", "unterminated '[' at position 2");
	expect_bad("9[]", "empty [ ] at position 2");
	expect_bad("[5-1]", "bad range '5-1' at position 2");
	expect_bad("[1-]", "incomplete range at position 2");
	expect_bad("[1x]", "invalid character 'x' at position 3 in [ ]");
	expect_bad("1^2", "'^' at position 2");
	expect_bad("12\\", "'\\' at position 3 escapes nothing");
	expect_bad("(((((((((1)))))))))", "nested too deep");
	expect_bad("$", "no digits or wildcards");
	expect_bad("[^0-9A-F*#+]", "matches nothing");

	char longpat[DP_PATTERN_MAX + 2];
	memset(longpat, '1', sizeof(longpat) - 1);
	longpat[sizeof(longpat) - 1] = '\0';
	expect_bad(longpat, "longer than");

	/* small buffers are truncated, not overrun */
	char tiny[10];
	memset(tiny, 'Z', sizeof(tiny));
	assert_int_equal(dp_pattern_validate("x", tiny, sizeof(tiny)), -EINVAL);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(dp_pattern_validate("x", NULL, 0), -EINVAL);

	struct dp_pattern *p = (struct dp_pattern *)1;
	assert_int_equal(dp_pattern_compile("9(", &p), -EINVAL);
	assert_null(p);
}

static void test_literal_and_prefix(void **state)
{
	int len = -1;

	assert_int_equal(tmatch("9123", "9123", &len), 1);
	assert_int_equal(len, 4);
	MATCH("9123", "91234");      /* prefix semantics without $ */
	NOMATCH("9123$", "91234");
	MATCH("9123$", "9123");
	NOMATCH("9123", "912");
	NOMATCH("9123", "8123");
	MATCH("^9", "95");
	MATCH("*22#", "*22#");
	NOMATCH("*22#", "*22");
	MATCH("A1", "a1");           /* letters compare case-insensitively */
	MATCH("\\+1", "+1");
	NOMATCH("\\+1", "1");
	MATCH("91,555$", "91555");   /* pause ignored */
}

static void test_dot(void **state)
{
	int len = -1;

	assert_int_equal(tmatch("9...", "9123", &len), 1);
	assert_int_equal(len, 1);
	MATCH("9...", "91234");
	NOMATCH("9...$", "91234");
	NOMATCH("9...", "912");
	MATCH("....$", "*#+A");
	NOMATCH(".", "x");
	NOMATCH(".", "");
}

static void test_T(void **state)
{
	int len = -1;

	assert_int_equal(tmatch("9T", "9123456", &len), 1);
	assert_int_equal(len, 1);
	MATCH("9T", "9");
	MATCH("9T$", "9");
	NOMATCH("9T", "8");
	MATCH("T", "");
	MATCH(".T", "1");
	NOMATCH(".T", "");
	/* T takes up to 32 characters: with $ a longer tail fails */
	MATCH("1T$", "1" "12345678901234567890123456789012");
	NOMATCH("1T$", "1" "123456789012345678901234567890123");
}

static void test_sets(void **state)
{
	MATCH("[1-5]2", "32");
	NOMATCH("[1-5]2", "62");
	MATCH("[2,5-8]$", "2");
	MATCH("[2,5-8]$", "7");
	NOMATCH("[2,5-8]$", "3");
	NOMATCH("[2,5-8]$", "9");
	MATCH("[^135]", "2");
	MATCH("[^135]", "#");
	NOMATCH("[^135]", "3");
	MATCH("[*#]1", "#1");
	MATCH("[A-C]", "b");
	NOMATCH("[A-C]", "D");
	MATCH("[135]$", "5");
}

static void test_quantifiers(void **state)
{
	int len = -1;

	MATCH("12?3$", "13");
	MATCH("12?3$", "123");
	NOMATCH("12?3$", "1223");
	MATCH("12%3$", "13");
	assert_int_equal(tmatch("12%3$", "122223", &len), 1);
	assert_int_equal(len, 6);
	NOMATCH("12+3$", "13");
	MATCH("12+3$", "1223");
	assert_int_equal(tmatch("+1.........", "+15551234567", &len), 1);
	assert_int_equal(len, 2);    /* literal plus and the 1 */
	NOMATCH("+1.........", "15551234567");
	MATCH("^+44T", "+442071234567");
	MATCH("+?1$", "1");
	MATCH("+?1$", "+1");
	MATCH("[1-3]+4$", "12314");
	NOMATCH("[1-3]+4$", "4");
	MATCH(".%$", "");
	/* backtracking: greedy % must give back */
	MATCH("1.%23$", "1999923");
}

static void test_groups(void **state)
{
	int len = -1;

	MATCH("9(12)?3$", "93");
	MATCH("9(12)?3$", "9123");
	NOMATCH("9(12)?3$", "913");
	assert_int_equal(tmatch("(12)+$", "121212", &len), 1);
	assert_int_equal(len, 6);
	NOMATCH("(12)+$", "1213");
	MATCH("(1[0-2])%9$", "1011129");
	MATCH("((1)2)?3$", "3");
	MATCH("((1)2)?3$", "123");
	/* a repeated group that can match empty must not loop forever */
	MATCH("(1?)%2$", "1112");
	NOMATCH("(1?)%2$", "1113");
	MATCH("(2?)+$", "");
}

static void test_bounded(void **state)
{
	/* exponential backtracking is cut off: result is a plain no-match */
	NOMATCH("(.%)%(.%)%(.%)%1$", "22222222222222222222222222222222");
	/* an absurdly long "number" never matches */
	char big[400];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	NOMATCH("1T", big);
}

static void test_warn_empty(void **state)
{
	assert_true(dp_pattern_warn_empty("T"));
	assert_true(dp_pattern_warn_empty("^T$"));
	assert_true(dp_pattern_warn_empty("1?"));
	assert_false(dp_pattern_warn_empty(".T"));
	assert_false(dp_pattern_warn_empty("9T"));
	assert_false(dp_pattern_warn_empty("1234"));
	assert_false(dp_pattern_warn_empty("bad("));
}

static void test_text(void **state)
{
	struct dp_pattern *p = NULL;

	assert_int_equal(dp_pattern_compile("9[1-3]..$", &p), 0);
	assert_string_equal(dp_pattern_text(p), "9[1-3]..$");
	assert_false(dp_pattern_match(p, NULL, NULL));
	dp_pattern_free(p);
	dp_pattern_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_literal_and_prefix),
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_T),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_quantifiers),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_warn_empty),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
