/* timer.h - many cheap timers run by the event loop: a binary min-heap (layer 1).
 *
 * SIP transactions need tens of thousands of short timers; one timerfd per
 * timer would cost a file descriptor each, and re-arming one a system call.
 * The heap is run by the loop's tick (loop_set_tick) before every wait, so
 * tmr_start/tmr_stop make no system call.  A struct tmr is embedded in its
 * owner (intrusive, no allocation); tmr_start() on a running timer re-arms
 * it; callbacks run on the loop thread and may start or stop any timer.
 * Resolution: 1 ms (the monotonic clock in whole milliseconds). */
#ifndef TOLLGATE_TIMER_H
#define TOLLGATE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*tmr_fn)(void *arg);

struct tmr {                /* embedded in its owner */
	uint64_t due;           /* monotonic ms */
	tmr_fn fn;
	void *arg;
	int idx;                /* position in the heap, -1 when stopped */
};

int tmr_sys_init(void);     /* after loop_init(); 0 or -errno */
void tmr_sys_fini(void);
void tmr_init(struct tmr *t);
void tmr_start(struct tmr *t, uint64_t ms, tmr_fn fn, void *arg);
void tmr_stop(struct tmr *t);
bool tmr_running(const struct tmr *t);
uint64_t tmr_now_ms(void);
unsigned tmr_count(void);   /* timers running */

#endif
