/* loop.h - the main event loop: epoll for file descriptors, timerfd for timers (layer 1).
 *
 * Single-threaded.  Callbacks run on the loop thread; a callback may add or
 * delete any fd or timer, including its own.
 *
 * A tick function (loop_set_tick) runs before every wait: it runs whatever is
 * due and returns the milliseconds until it next needs to run, which becomes
 * epoll_wait's timeout.  core/timer.c uses it so that its many short timers
 * cost no system call to arm or re-arm. */
#ifndef TOLLGATE_LOOP_H
#define TOLLGATE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*loop_fd_fn)(void *arg, uint32_t events);
typedef void (*loop_timer_fn)(void *arg);
typedef int (*loop_tick_fn)(void);   /* runs what is due; ms until the next run, -1 = none */
struct loop_timer;

int loop_init(void);                 /* 0 or -errno */
void loop_fini(void);
int loop_add(int fd, uint32_t events, loop_fd_fn fn, void *arg); /* EPOLLIN ... */
int loop_mod(int fd, uint32_t events);
void loop_del(int fd);
/* A timer firing after ms milliseconds, then every ms if repeat.  *out owns it
 * until loop_timer_del(). */
int loop_timer_add(uint64_t ms, bool repeat, loop_timer_fn fn, void *arg, struct loop_timer **out);
void loop_timer_del(struct loop_timer *t);
void loop_set_tick(loop_tick_fn fn); /* one at a time; NULL removes it */
int loop_run(void);                  /* until loop_stop(); 0 or -errno */
void loop_stop(void);

#endif
