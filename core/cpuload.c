/* cpuload.c - samples the CPU time of tollgated's threads and of the host
 * every 5 seconds for `show processes cpu` (see cpuload.h).  Runs on the
 * loop thread from a timer: a few small /proc reads per period. */
#include "core/cpuload.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timer.h"

#define CPU_MAX_THREADS 64

struct th {
	struct cpu_thread pub;
	uint64_t ticks;         /* utime + stime at the last sample */
	unsigned seen;          /* sample number it was last seen in */
	bool measured;          /* has a load (seen in two samples) */
};

static struct {
	struct tmr t;
	bool running;
	struct th th[CPU_MAX_THREADS];
	int n;
	unsigned sample;        /* samples taken */
	uint64_t last_ms;       /* monotonic time of the last sample */
	uint64_t first_ms;
	uint64_t host_busy, host_soft, host_total; /* /proc/stat jiffies, last sample */
	struct cpu_host host;
	long hz;
} C;

/* The decay of the 1- and 5-minute averages per 5-second period, as IOS's:
 * exp(-5/60) and exp(-5/300). */
#define DECAY_1MIN 0.920044
#define DECAY_5MIN 0.983471

static void ewma(struct cpu_load *l, double pct, bool first)
{
	l->sec5 = pct;
	if (first) {
		l->min1 = l->min5 = pct;
		return;
	}
	double a1 = DECAY_1MIN, a5 = DECAY_5MIN;
	l->min1 = l->min1 * a1 + pct * (1 - a1);
	l->min5 = l->min5 * a5 + pct * (1 - a5);
}

/* utime + stime and comm of one task; 0 or -errno */
static int read_task(int tid, uint64_t *ticks, char *name, size_t nsz)
{
	char path[64], line[1024];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	size_t len = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[len] = '\0';
	char *lp = strchr(line, '('), *rp = strrchr(line, ')');
	if (!lp || !rp || rp < lp)
		return -EINVAL;
	size_t cl = (size_t)(rp - lp - 1) < nsz - 1 ? (size_t)(rp - lp - 1) : nsz - 1;
	memcpy(name, lp + 1, cl);
	name[cl] = '\0';
	/* after ") ": state(3) ppid ... utime(14) stime(15) */
	unsigned long long ut = 0, st = 0;
	if (sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -EINVAL;
	*ticks = ut + st;
	return 0;
}

static struct th *find_or_add(int tid)
{
	for (int i = 0; i < C.n; i++)
		if (C.th[i].pub.tid == tid)
			return &C.th[i];
	if (C.n == CPU_MAX_THREADS)
		return NULL;
	struct th *t = &C.th[C.n++];
	memset(t, 0, sizeof(*t));
	t->pub.tid = tid;
	t->seen = (unsigned)-1;     /* new: no period to measure yet */
	return t;
}

static void sample_host(bool first)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	if (!f)
		return;
	int k = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
		       &v[5], &v[6], &v[7]);
	fclose(f);
	if (k < 7)
		return;
	uint64_t total = 0;
	for (int i = 0; i < 8; i++)
		total += v[i];
	uint64_t busy = total - v[3] - v[4], soft = v[6];
	if (!first && total > C.host_total) {
		double dt = (double)(total - C.host_total);
		ewma(&C.host.busy, 100.0 * (double)(busy - C.host_busy) / dt, C.sample == 1);
		ewma(&C.host.softirq, 100.0 * (double)(soft - C.host_soft) / dt, C.sample == 1);
	}
	C.host_total = total;
	C.host_busy = busy;
	C.host_soft = soft;
}

static void sample(void *arg)
{
	(void)arg;
	uint64_t now = tmr_now_ms();
	bool first = C.sample == 0;
	double dt_s = first ? 0 : (double)(now - C.last_ms) / 1000.0;
	DIR *d = opendir("/proc/self/task");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			int tid = atoi(e->d_name);
			uint64_t ticks;
			char name[16];
			if (tid <= 0 || read_task(tid, &ticks, name, sizeof(name)))
				continue;
			struct th *t = find_or_add(tid);
			if (!t)
				continue;
			snprintf(t->pub.name, sizeof(t->pub.name), "%s", name);
			t->pub.runtime_ms = ticks * 1000 / (uint64_t)C.hz;
			if (t->seen != (unsigned)-1 && dt_s > 0) {
				double pct = 100.0 * (double)(ticks - t->ticks) / (double)C.hz / dt_s;
				ewma(&t->pub.load, pct, !t->measured);
				t->measured = true;
			}
			t->ticks = ticks;
			t->seen = C.sample;
		}
		closedir(d);
	}
	for (int i = 0; i < C.n;)          /* threads that ended */
		if (C.th[i].seen != C.sample)
			C.th[i] = C.th[--C.n];
		else
			i++;
	sample_host(first);
	if (first)
		C.first_ms = now;
	C.last_ms = now;
	C.sample++;
	tmr_start(&C.t, CPU_LOAD_PERIOD_MS, sample, NULL);
}

int cpu_load_start(void)
{
	if (C.running)
		return 0;
	C.hz = sysconf(_SC_CLK_TCK);
	if (C.hz <= 0)
		C.hz = 100;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	C.host.ncpu = n > 0 ? (int)n : 1;
	tmr_init(&C.t);
	C.running = true;
	sample(NULL);
	return 0;
}

void cpu_load_stop(void)
{
	if (!C.running)
		return;
	tmr_stop(&C.t);
	C.running = false;
}

int cpu_load_threads(struct cpu_thread *out, int n)
{
	for (int i = 0; i < C.n && i < n; i++) {
		uint64_t ticks;
		char name[16];
		out[i] = C.th[i].pub;
		if (!read_task(out[i].tid, &ticks, name, sizeof(name)))   /* the runtime as of now */
			out[i].runtime_ms = ticks * 1000 / (uint64_t)C.hz;
	}
	return C.n;
}

void cpu_load_host(struct cpu_host *out)
{
	*out = C.host;
}

unsigned cpu_load_age_s(void)
{
	return C.sample ? (unsigned)((C.last_ms - C.first_ms) / 1000) : 0;
}
