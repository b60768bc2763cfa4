/* cmd_show_proc.c - EXEC `show processes cpu [sorted]`: the CPU load of the
 * host and of each tollgated thread (core/cpuload.c samples it every 5 s),
 * in IOS's layout: five seconds, one minute and five minutes (layer 7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/cpuload.h"

#define MAX_ROWS 64

/* What each thread does, for the Thread column. */
static const char *thread_role(const char *name)
{
	if (!strcmp(name, "tollgated"))
		return "main loop: SIP, TLS, CLI, timers";
	if (!strncmp(name, "tg-relay", 8))
		return "media relay: RTP, SRTP";
	return "";
}

static int by_load(const void *a, const void *b)
{
	const struct cpu_thread *x = a, *y = b;
	if (x->load.sec5 != y->load.sec5)
		return x->load.sec5 < y->load.sec5 ? 1 : -1;
	return x->tid - y->tid;
}

static int by_tid(const void *a, const void *b)
{
	return ((const struct cpu_thread *)a)->tid - ((const struct cpu_thread *)b)->tid;
}

CLI_CMD(show_processes_cpu, MODE_EXEC, CLI_F_PIPE,
	"show processes cpu [sorted]",
	"Show running system information\n"
	"Active process statistics (the threads of tollgated)\n"
	"CPU use of the host and of each thread\n"
	"Busiest thread first (by the five-second load)\n")
{
	struct cpu_thread th[MAX_ROWS];
	struct cpu_host h;
	int n = cpu_load_threads(th, MAX_ROWS);
	double sum5 = 0, sum1 = 0, sum5m = 0;

	if (n > MAX_ROWS)
		n = MAX_ROWS;
	cpu_load_host(&h);
	qsort(th, (size_t)n, sizeof(th[0]), cli_has(a, "sorted") ? by_load : by_tid);
	vty_out(vty, "CPU utilization for five seconds: %.0f%%/%.0f%%; one minute: %.0f%%; five minutes: %.0f%%\n",
		h.busy.sec5, h.softirq.sec5, h.busy.min1, h.busy.min5);
	vty_out(vty, "(the host, all %d core%s: busy/of which softirq; sampled every %d s, averages over %u s so far)\n",
		h.ncpu, h.ncpu == 1 ? "" : "s", CPU_LOAD_PERIOD_MS / 1000, cpu_load_age_s());
	vty_out(vty, "    TID Runtime(ms)    5Sec    1Min    5Min Thread\n");
	for (int i = 0; i < n; i++) {
		const struct cpu_thread *t = &th[i];
		const char *role = thread_role(t->name);
		vty_out(vty, "%7d %11llu %6.2f%% %6.2f%% %6.2f%% %s%s%s%s\n", t->tid,
			(unsigned long long)t->runtime_ms, t->load.sec5, t->load.min1, t->load.min5, t->name,
			role[0] ? " (" : "", role, role[0] ? ")" : "");
		sum5 += t->load.sec5;
		sum1 += t->load.min1;
		sum5m += t->load.min5;
	}
	vty_out(vty, "tollgated (PID %d): %.2f%% / %.2f%% / %.2f%% of one core\n", (int)getpid(), sum5, sum1, sum5m);
	return CLI_OK;
}
