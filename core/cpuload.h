/* cpuload.h - the CPU load of the core's threads and of the host, sampled
 * every 5 seconds, for `show processes cpu` (layer 1).
 *
 * Every CPU_LOAD_PERIOD_MS the loop reads /proc/self/task/N/stat (each
 * thread's user + system time) and /proc/stat (the host's busy and softirq
 * time); each thread and the host keep the share of the last period and, as
 * IOS does, exponentially decayed 1- and 5-minute averages.  Thread shares are
 * of one core; host shares are of all cores together. */
#ifndef TOLLGATE_CPULOAD_H
#define TOLLGATE_CPULOAD_H

#include <stdint.h>

#define CPU_LOAD_PERIOD_MS 5000

struct cpu_load {           /* percentages, 0..100 (thread: of one core) */
	double sec5, min1, min5;
};
struct cpu_thread {         /* one thread of tollgated, as last sampled */
	int tid;
	char name[16];          /* /proc comm: "tollgated", "tg-relay0" ... */
	uint64_t runtime_ms;    /* user + system since the thread started (as of the call) */
	struct cpu_load load;
};
struct cpu_host {
	int ncpu;
	struct cpu_load busy;   /* all but idle and iowait, of all cores */
	struct cpu_load softirq;/* of which softirq (packet processing) */
};

int cpu_load_start(void);   /* first sample now, then every period; 0 or -errno */
void cpu_load_stop(void);
/* The threads of the last sample (at most n into out; returns how many
 * there are) and the host. */
int cpu_load_threads(struct cpu_thread *out, int n);
void cpu_load_host(struct cpu_host *out);
/* Seconds the averages cover so far (they settle after 5 minutes). */
unsigned cpu_load_age_s(void);

#endif
