/* test_timer.c - unit tests for the timer heap run by the event loop's tick
 * (core/timer.c, core/loop.c): order, re-arm, stop, timers started from a
 * callback, zero-delay timers, no early firing, and the loop waiting for the
 * next timer instead of a timerfd. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/timer.h"

struct rec {
	int order[32];
	uint64_t at[32];
	int n;
};
static struct rec R;
static uint64_t t0;

struct ev {
	struct tmr t;
	int id;
};

static void note(void *arg)
{
	struct ev *e = arg;
	R.order[R.n] = e->id;
	R.at[R.n] = tmr_now_ms() - t0;
	R.n++;
}

static void stop_cb(void *arg)
{
	note(arg);
	loop_stop();
}

static int setup(void **state)
{
	(void)state;
	memset(&R, 0, sizeof(R));
	assert_int_equal(loop_init(), 0);
	assert_int_equal(tmr_sys_init(), 0);
	t0 = tmr_now_ms();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmr_sys_fini();
	loop_fini();
	return 0;
}

static void test_order(void **state)
{
	struct ev a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 }, d = { .id = 4 }, s = { .id = 9 };
	tmr_init(&a.t);
	tmr_init(&b.t);
	tmr_init(&c.t);
	tmr_init(&d.t);
	tmr_init(&s.t);
	tmr_start(&c.t, 30, note, &c);
	tmr_start(&a.t, 10, note, &a);
	tmr_start(&b.t, 20, note, &b);
	tmr_start(&d.t, 15, note, &d);
	tmr_start(&s.t, 60, stop_cb, &s);
	assert_int_equal(tmr_count(), 5);
	tmr_stop(&d.t);                 /* stopped: never fires */
	assert_false(tmr_running(&d.t));
	tmr_start(&b.t, 40, note, &b);  /* re-armed: later than c now */
	assert_int_equal(tmr_count(), 4);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(R.n, 4);
	int want[] = { 1, 3, 2, 9 };
	uint64_t due[] = { 10, 30, 40, 60 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(R.order[i], want[i]);
		assert_true(R.at[i] + 1 >= due[i]); /* 1 ms resolution, never earlier */
		assert_true(R.at[i] < due[i] + 200);
	}
	assert_int_equal(tmr_count(), 0);
}

static struct ev chain[3];

static void chain_cb(void *arg)
{
	struct ev *e = arg;
	note(e);
	if (e->id < 2)   /* starts the next one from the callback, with no delay */
		tmr_start(&chain[e->id + 1].t, 0, chain_cb, &chain[e->id + 1]);
	else
		loop_stop();
}

static void test_zero_and_from_callback(void **state)
{
	for (int i = 0; i < 3; i++) {
		chain[i].id = i;
		tmr_init(&chain[i].t);
	}
	tmr_start(&chain[0].t, 0, chain_cb, &chain[0]);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(R.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(R.order[i], i);
		assert_true(R.at[i] < 200);
	}
}

/* An fd event and a timer: the loop serves both, the wait is the timer's. */
static int pfd[2];
static int fd_events;

static void on_fd(void *arg, uint32_t events)
{
	char c;
	(void)arg;
	(void)events;
	if (read(pfd[0], &c, 1) == 1)
		fd_events++;
}

static void test_fd_and_timer(void **state)
{
	struct ev a = { .id = 1 }, s = { .id = 2 };
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(loop_add(pfd[0], EPOLLIN, on_fd, NULL), 0);
	assert_int_equal(write(pfd[1], "x", 1), 1);
	tmr_init(&a.t);
	tmr_init(&s.t);
	tmr_start(&a.t, 5, note, &a);
	tmr_start(&s.t, 25, stop_cb, &s);
	assert_int_equal(loop_run(), 0);
	assert_int_equal(fd_events, 1);
	assert_int_equal(R.n, 2);
	assert_true(R.at[1] + 1 >= 25);
	loop_del(pfd[0]);
	close(pfd[0]);
	close(pfd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_and_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_and_timer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
