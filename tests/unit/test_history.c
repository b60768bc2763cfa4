/* test_history.c - unit tests for the call history (sip/b2bua_history.c):
 * the RFC 3398 SIP status -> Q.850 cause mapping (with CUBE's 488 -> 88), the
 * release notes consumed by the call they name, a CANCEL without a note, and
 * the ring bounded at B2BUA_HISTORY_MAX calls, oldest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip/b2bua_history.h"
#include "sip/b2bua_int.h"

static void test_q850(void **st)
{
	(void)st;
	static const int map[][2] = {
		{ 0, 16 },   { 486, 17 }, { 480, 18 }, { 404, 1 },   { 403, 21 }, { 408, 102 },
		{ 503, 41 }, { 488, 88 }, { 600, 17 }, { 603, 21 },  { 500, 41 }, { 484, 28 },
		{ 410, 22 }, { 502, 38 }, { 504, 102 }, { 499, 31 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		assert_int_equal(b2bua_history_q850(map[i][0]), map[i][1]);
	assert_string_equal(b2bua_history_q850_text(16), "normal call clearing");
	assert_string_equal(b2bua_history_q850_text(17), "user busy");
	assert_string_equal(b2bua_history_q850_text(88), "incompatible destination");
}

static struct call *mk_call(uint32_t id, bool cancelled, bool b_leg)
{
	struct call *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->id = id;
	c->start = 1000;
	c->cancelled = cancelled;
	snprintf(c->a.call_id, sizeof(c->a.call_id), "a-%u", id);
	snprintf(c->a.calling, sizeof(c->a.calling), "1000");
	if (b_leg)
		snprintf(c->b.call_id, sizeof(c->b.call_id), "b-%u", id);
	return c;
}

static void finish_call(struct call *c)
{
	b2bua_history_add(c);
	free(c);
}

static void end_call(uint32_t id, bool cancelled, bool b_leg)
{
	finish_call(mk_call(id, cancelled, b_leg));
}

struct seen {
	unsigned n;
	struct b2bua_history_rec last, first;
};

static void collect(void *arg, const struct b2bua_history_rec *r)
{
	struct seen *s = arg;
	if (!s->n++)
		s->first = *r;
	s->last = *r;
}

static void test_notes_and_cancel(void **st)
{
	(void)st;
	struct seen s;

	struct call *c = mk_call(7, false, true);
	b2bua_history_release(c, 486, "Busy Here", 0, B2BUA_REL_CALLEE, "final response");
	b2bua_history_release(c, 0, NULL, 0, B2BUA_REL_CALLER, "BYE"); /* the first note counts */
	finish_call(c);
	memset(&s, 0, sizeof(s));
	b2bua_history_foreach(collect, &s);
	assert_int_equal(s.last.id, 7);
	assert_int_equal(s.last.sip_status, 486);
	assert_int_equal(s.last.q850, 17);
	assert_int_equal(s.last.by, B2BUA_REL_CALLEE);
	assert_true(s.last.a.present && s.last.b.present);

	/* a caller's CANCEL: 487 towards the caller, cleared normally (16) */
	end_call(8, true, false);
	memset(&s, 0, sizeof(s));
	b2bua_history_foreach(collect, &s);
	assert_int_equal(s.last.id, 8);
	assert_int_equal(s.last.sip_status, 487);
	assert_int_equal(s.last.q850, 16);
	assert_int_equal(s.last.by, B2BUA_REL_CALLER);
	assert_non_null(strstr(s.last.why, "cancelled"));
	assert_false(s.last.b.present);
}

static void test_ring_bounded(void **st)
{
	(void)st;
	for (uint32_t id = 100; id < 100 + B2BUA_HISTORY_MAX + 44; id++)
		end_call(id, false, true);
	struct seen s;
	memset(&s, 0, sizeof(s));
	b2bua_history_foreach(collect, &s);
	assert_int_equal(b2bua_history_count(), B2BUA_HISTORY_MAX);
	assert_int_equal(s.n, B2BUA_HISTORY_MAX);
	assert_int_equal(s.first.id, 144);
	assert_int_equal(s.last.id, 100 + B2BUA_HISTORY_MAX + 43);
	/* no note, never answered: Tollgate */
	assert_int_equal(s.last.by, B2BUA_REL_TOLLGATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q850),
		cmocka_unit_test(test_notes_and_cancel),
		cmocka_unit_test(test_ring_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
