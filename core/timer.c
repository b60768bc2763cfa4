/* timer.c - min-heap of timers driven by one timerfd (see timer.h). */
#include "core/timer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/loop.h"

static struct {
	struct tmr **heap;      /* owned array of borrowed timers */
	unsigned n, cap;
	int fd;
	uint64_t armed;         /* due time the timerfd is set for, 0 = none */
} H = { .fd = -1 };

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

static void rearm(void)
{
	uint64_t due = H.n ? H.heap[0]->due : 0;
	if (due == H.armed)
		return;
	H.armed = due;
	struct itimerspec its = { 0 };
	if (due) {
		its.it_value.tv_sec = (time_t)(due / 1000);
		its.it_value.tv_nsec = (long)(due % 1000) * 1000000L;
	}
	timerfd_settime(H.fd, TFD_TIMER_ABSTIME, &its, NULL);
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

static void fire(void *arg, uint32_t events)
{
	uint64_t x;
	(void)arg;
	(void)events;
	if (read(H.fd, &x, sizeof(x)) < 0 && errno != EAGAIN)
		return;
	H.armed = 0;
	uint64_t now = tmr_now_ms();
	while (H.n && H.heap[0]->due <= now) {
		struct tmr *t = H.heap[0];
		remove_at(0);
		t->fn(t->arg);
	}
	rearm();
}

int tmr_sys_init(void)
{
	H.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (H.fd < 0)
		return -errno;
	return loop_add(H.fd, EPOLLIN, fire, NULL);
}

void tmr_sys_fini(void)
{
	if (H.fd >= 0) {
		loop_del(H.fd);
		close(H.fd);
	}
	for (unsigned i = 0; i < H.n; i++)
		H.heap[i]->idx = -1;
	free(H.heap);
	memset(&H, 0, sizeof(H));
	H.fd = -1;
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
	rearm();
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
	rearm();
}

bool tmr_running(const struct tmr *t)
{
	return t->idx >= 0;
}

unsigned tmr_count(void)
{
	return H.n;
}
