/* timer.c - min-heap of timers run by the event loop's tick (see timer.h).
 *
 * The loop calls tick() before each epoll_wait and uses its answer as the
 * wait's timeout, so starting, stopping or re-arming a timer is only heap work:
 * no timerfd_settime per change, and no wake-up of its own for a timer that
 * comes due while the loop is awake anyway. */
#include "core/timer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/loop.h"

static struct {
	struct tmr **heap;      /* owned array of borrowed timers */
	unsigned n, cap;
	bool on;                /* tick registered with the loop */
} H;

uint64_t tmr_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void swap(unsigned a, unsigned b)
{
	struct tmr *t = H.heap[a];
	H.heap[a] = H.heap[b];
	H.heap[b] = t;
	H.heap[a]->idx = (int)a;
	H.heap[b]->idx = (int)b;
}

static void up(unsigned i)
{
	while (i > 0) {
		unsigned p = (i - 1) / 2;
		if (H.heap[p]->due <= H.heap[i]->due)
			break;
		swap(i, p);
		i = p;
	}
}

static void down(unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < H.n && H.heap[l]->due < H.heap[m]->due)
			m = l;
		if (r < H.n && H.heap[r]->due < H.heap[m]->due)
			m = r;
		if (m == i)
			return;
		swap(i, m);
		i = m;
	}
}

static void remove_at(unsigned i)
{
	struct tmr *t = H.heap[i];
	H.n--;
	if (i != H.n) {
		H.heap[i] = H.heap[H.n];
		H.heap[i]->idx = (int)i;
		down(i);
		up(i);
	}
	t->idx = -1;
}

/* Run every timer that is due; the ms until the next one, -1 if none. */
static int tick(void)
{
	if (!H.n)
		return -1;
	uint64_t now = tmr_now_ms();
	while (H.n && H.heap[0]->due <= now) {
		struct tmr *t = H.heap[0];
		remove_at(0);
		t->fn(t->arg);
	}
	if (!H.n)
		return -1;
	uint64_t due = H.heap[0]->due;
	if (due <= now)
		return 0;   /* started by a callback, due by now: on the next turn */
	uint64_t wait = due - now;
	return wait > 86400000u ? 86400000 : (int)wait;
}

int tmr_sys_init(void)
{
	loop_set_tick(tick);
	H.on = true;
	return 0;
}

void tmr_sys_fini(void)
{
	if (H.on)
		loop_set_tick(NULL);
	for (unsigned i = 0; i < H.n; i++)
		H.heap[i]->idx = -1;
	free(H.heap);
	memset(&H, 0, sizeof(H));
}

void tmr_init(struct tmr *t)
{
	memset(t, 0, sizeof(*t));
	t->idx = -1;
}

void tmr_stop(struct tmr *t)
{
	if (t->idx < 0)
		return;
	remove_at((unsigned)t->idx);
}

void tmr_start(struct tmr *t, uint64_t ms, tmr_fn fn, void *arg)
{
	tmr_stop(t);
	if (H.n == H.cap) {
		unsigned cap = H.cap ? H.cap * 2 : 256;
		struct tmr **v = realloc(H.heap, sizeof(*v) * cap);
		if (!v)
			return;
		H.heap = v;
		H.cap = cap;
	}
	t->due = tmr_now_ms() + (ms ? ms : 0);
	t->fn = fn;
	t->arg = arg;
	t->idx = (int)H.n;
	H.heap[H.n++] = t;
	up((unsigned)t->idx);
}

bool tmr_running(const struct tmr *t)
{
	return t->idx >= 0;
}

unsigned tmr_count(void)
{
	return H.n;
}
