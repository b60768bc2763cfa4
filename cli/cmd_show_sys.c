/* cmd_show_sys.c - EXEC `show clock [detail]` and `clear logging` (layer 7).
 *
 * `show clock` prints IOS's format, "*21:04:05.123 UTC Sun Nov 22 2026": the
 * leading '*' says the clock is not synchronised (adjtimex reports
 * TIME_ERROR: no NTP discipline), as IOS marks a clock that is not
 * authoritative; a synchronised clock has no mark.  `clear logging` empties
 * the buffer `show logging` prints (IOS asks "Clear logging buffer
 * [confirm]"; a vty session here has no confirmation prompt). */
#include <stdio.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/log.h"

/* Whether the kernel clock is disciplined by NTP (or another time source). */
static bool clock_synced(void)
{
	struct timex tx = { .modes = 0 };
	return adjtimex(&tx) != TIME_ERROR;
}

CLI_CMD(show_clock, MODE_EXEC, CLI_F_PIPE,
	"show clock [detail]",
	"Show running system information\n"
	"Display the system clock\n"
	"Display detailed information (the time source)\n")
{
	struct timespec ts;
	struct tm tm;
	char hms[16], rest[48];
	bool synced = clock_synced();

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	strftime(rest, sizeof(rest), "%Z %a %b %d %Y", &tm);
	vty_out(vty, "%s%s.%03ld %s\n", synced ? "" : "*", hms, ts.tv_nsec / 1000000, rest);
	if (cli_has(a, "detail"))
		vty_out(vty, "%s\n", synced ? "Time source is the host's kernel clock, synchronised (NTP)"
					    : "No time source");
	return CLI_OK;
}

CLI_CMD(clear_logging, MODE_EXEC, 0,
	"clear logging",
	"Reset functions\n"
	"Clear logging buffer\n")
{
	log_clear();
	return CLI_OK;
}
