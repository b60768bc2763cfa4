/* loop.c - epoll + timerfd event loop (see loop.h). */
#include "core/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

struct handler {            /* one registered fd; owned by the table */
	int fd;
	loop_fd_fn fn;
	void *arg;
	bool dead;
};

struct loop_timer {         /* owned by its creator until loop_timer_del */
	int fd;
	loop_timer_fn fn;
	void *arg;
};

static struct {
	int ep;
	bool stop;
	struct handler **h;     /* indexed by fd */
	int nh;
	loop_tick_fn tick;
} E = { .ep = -1 };

int loop_init(void)
{
	E.ep = epoll_create1(EPOLL_CLOEXEC);
	return E.ep < 0 ? -errno : 0;
}

void loop_fini(void)
{
	for (int i = 0; i < E.nh; i++)
		free(E.h[i]);
	free(E.h);
	E.h = NULL;
	E.nh = 0;
	if (E.ep >= 0)
		close(E.ep);
	E.ep = -1;
}

int loop_add(int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
	if (fd >= E.nh) {
		int n = fd + 64;
		struct handler **v = realloc(E.h, sizeof(*v) * (size_t)n);
		if (!v)
			return -ENOMEM;
		memset(v + E.nh, 0, sizeof(*v) * (size_t)(n - E.nh));
		E.h = v;
		E.nh = n;
	}
	struct handler *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = fd;
	h->fn = fn;
	h->arg = arg;
	struct epoll_event ev = { .events = events, .data.ptr = h };
	if (epoll_ctl(E.ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = -errno;
		free(h);
		return e;
	}
	free(E.h[fd]);
	E.h[fd] = h;
	return 0;
}

int loop_mod(int fd, uint32_t events)
{
	if (fd < 0 || fd >= E.nh || !E.h[fd])
		return -ENOENT;
	struct epoll_event ev = { .events = events, .data.ptr = E.h[fd] };
	return epoll_ctl(E.ep, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

/* Handlers are freed lazily: an event for a deleted fd may still be pending
 * in the current batch, so mark it dead and free after the batch. */
static struct handler **g_dead;
static int g_ndead;

void loop_del(int fd)
{
	if (fd < 0 || fd >= E.nh || !E.h[fd])
		return;
	epoll_ctl(E.ep, EPOLL_CTL_DEL, fd, NULL);
	E.h[fd]->dead = true;
	struct handler **v = realloc(g_dead, sizeof(*v) * (size_t)(g_ndead + 1));
	if (v) {
		g_dead = v;
		g_dead[g_ndead++] = E.h[fd];
	}
	E.h[fd] = NULL;
}

static void timer_cb(void *arg, uint32_t events)
{
	struct loop_timer *t = arg;
	uint64_t n;
	(void)events;
	if (read(t->fd, &n, sizeof(n)) != sizeof(n))
		return;
	t->fn(t->arg);
}

int loop_timer_add(uint64_t ms, bool repeat, loop_timer_fn fn, void *arg, struct loop_timer **out)
{
	struct loop_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0) {
		int e = -errno;
		free(t);
		return e;
	}
	t->fn = fn;
	t->arg = arg;
	struct itimerspec its = { 0 };
	its.it_value.tv_sec = (time_t)(ms / 1000);
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (!ms)
		its.it_value.tv_nsec = 1;
	if (repeat)
		its.it_interval = its.it_value;
	int rc = timerfd_settime(t->fd, 0, &its, NULL);
	if (!rc)
		rc = loop_add(t->fd, EPOLLIN, timer_cb, t);
	if (rc) {
		close(t->fd);
		free(t);
		return rc < 0 ? rc : -errno;
	}
	*out = t;
	return 0;
}

void loop_timer_del(struct loop_timer *t)
{
	if (!t)
		return;
	loop_del(t->fd);
	close(t->fd);
	free(t);
}

void loop_set_tick(loop_tick_fn fn)
{
	E.tick = fn;
}

int loop_run(void)
{
	struct epoll_event evs[64];
	E.stop = false;
	while (!E.stop) {
		int timeout = E.tick ? E.tick() : -1;
		if (E.stop)
			break;
		int n = epoll_wait(E.ep, evs, 64, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			struct handler *h = evs[i].data.ptr;
			if (!h->dead)
				h->fn(h->arg, evs[i].events);
		}
		for (int i = 0; i < g_ndead; i++)
			free(g_dead[i]);
		g_ndead = 0;
	}
	return 0;
}

void loop_stop(void)
{
	E.stop = true;
}
