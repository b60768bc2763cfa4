/* cmd_exec.c - EXEC commands of the session and the configuration files:
 * configure, exit/end, terminal, show version/logging/users/running-config
 * [brief | WORDS]/startup-config, write memory, copy. */
#include <ares.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <nettle/version.h>
#include <readline/readline.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <time.h>
#include <yaml.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/config_text.h"
#include "core/commit.h"
#include "core/config_yaml.h"
#include "core/daemon.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/version.h"
#include "media/relay.h"
#include "media/srtp.h"

#define SHOW_HELP "Show running system information\n"

static void leave_config(struct vty *vty)
{
	if (vty->session_dirty)
		log_msg(5, "SYS", "CONFIG_I", "Configured from console by %s on %s", vty->user,
			vty->line_name);
	vty->session_dirty = false;
	vty_enter(vty, MODE_EXEC, 0, NULL);
}

CLI_CMD(configure_terminal, MODE_EXEC, 0,
	"configure terminal",
	"Enter configuration mode\n"
	"Configure from the terminal\n")
{
	vty_out(vty, "Enter configuration commands, one per line.  End with CNTL/Z.\n");
	vty_enter(vty, MODE_CONFIG, 0, NULL);
	return CLI_OK;
}

CLI_CMD(exec_exit, MODE_EXEC, 0, "exit", "Exit from the EXEC\n")
{
	vty->closed = true;
	return CLI_OK;
}

CLI_CMD(exec_logout, MODE_EXEC, 0, "logout", "Exit from the EXEC\n")
{
	vty->closed = true;
	return CLI_OK;
}

CLI_CMD(enable, MODE_EXEC, 0, "enable", "Turn on privileged commands\n")
{
	return CLI_OK; /* sessions open privileged until privilege levels exist */
}

CLI_CMD(config_exit, MODE_ALL_CONFIG, CLI_F_NAV, "exit", "Exit from the current mode\n")
{
	if (vty->mode == MODE_CONFIG)
		leave_config(vty);
	else
		vty_enter(vty, cli_modes[vty->mode].parent, 0, NULL);
	return CLI_OK;
}

CLI_CMD(config_end, MODE_ALL_CONFIG, CLI_F_NAV, "end", "Exit from configure mode\n")
{
	leave_config(vty);
	return CLI_OK;
}

CLI_CMD(terminal_length, MODE_EXEC, 0,
	"terminal length <0-512>$n",
	"Set terminal line parameters\n"
	"Set number of lines on a screen\n"
	"Number of lines on screen (0 for no pausing)\n")
{
	vty->term_length = (int)cli_num(a, "n", 24);
	return CLI_OK;
}

CLI_CMD(terminal_width, MODE_EXEC, 0,
	"terminal width <0-512>$n",
	"Set terminal line parameters\n"
	"Set width of the display terminal\n"
	"Number of characters on a screen line\n")
{
	vty->term_width = (int)cli_num(a, "n", 80);
	return CLI_OK;
}

CLI_CMD(terminal_monitor, MODE_EXEC, 0,
	"terminal monitor",
	"Set terminal line parameters\n"
	"Copy debug output to the current terminal line\n")
{
	vty->monitor = true;
	return CLI_OK;
}

CLI_CMD(terminal_no_monitor, MODE_EXEC, 0,
	"terminal no monitor",
	"Set terminal line parameters\n"
	"Negate a command or set its defaults\n"
	"Copy debug output to the current terminal line\n")
{
	vty->monitor = false;
	return CLI_OK;
}

static void uptime_str(time_t secs, char *buf, size_t n)
{
	long d = secs / 86400, h = (secs % 86400) / 3600, m = (secs % 3600) / 60;
	if (d)
		snprintf(buf, n, "%ld day%s, %ld hour%s, %ld minute%s", d, d == 1 ? "" : "s", h,
			 h == 1 ? "" : "s", m, m == 1 ? "" : "s");
	else if (h)
		snprintf(buf, n, "%ld hour%s, %ld minute%s", h, h == 1 ? "" : "s", m, m == 1 ? "" : "s");
	else
		snprintf(buf, n, "%ld minute%s", m, m == 1 ? "" : "s");
}

CLI_CMD(show_version, MODE_EXEC, CLI_F_PIPE,
	"show version",
	SHOW_HELP
	"System hardware and software status\n")
{
	char up[96];
	uptime_str(time(NULL) - tg.started, up, sizeof(up));
	vty_out(vty, "Tollgate SIP border element, Version %s\n", TOLLGATE_VERSION);
	vty_out(vty, "Built %s %s with %s\n", __DATE__, __TIME__,
#ifdef __clang__
		"clang " __clang_version__
#else
		"gcc " __VERSION__
#endif
	);
	vty_out(vty, "\n%s uptime is %s\n", vty->cfg->hostname, up);
	vty_out(vty, "System configuration file is \"%s\"%s\n", tg.startup_path,
		tg.startup_yaml ? " (YAML)" : "");
	vty_out(vty, "Control socket is \"%s\"\n\n", tg.socket_path);
	vty_out(vty, "Libraries:\n");
	vty_out(vty, "  GnuTLS    %s\n", gnutls_check_version(NULL));
	const char *sv = srtp_get_version_string();
	if (!strncmp(sv, "libsrtp2 ", 9))
		sv += 9;
	vty_out(vty, "  libsrtp2  %s, crypto: %s\n", sv, tg_srtp_crypto_backend());
	vty_out(vty, "  nettle    %d.%d\n", nettle_version_major(), nettle_version_minor());
	vty_out(vty, "  libyaml   %s\n", yaml_get_version_string());
	vty_out(vty, "  c-ares    %s (DNS SRV and A/AAAA)\n", ares_version(NULL));
	char io[160];
	relay_io_describe(io, sizeof(io));
	vty_out(vty, "  liburing  media relay I/O: %s\n", io);
	vty_out(vty, "  readline  %d.%d (tollsh)\n", RL_VERSION_MAJOR, RL_VERSION_MINOR);
	return CLI_OK;
}

CLI_CMD(show_logging, MODE_EXEC, CLI_F_PIPE,
	"show logging",
	SHOW_HELP
	"Show the contents of logging buffers\n")
{
	vty_out(vty, "Syslog logging: enabled (%s)\n", tg.foreground ? "stderr, foreground" : "syslog");
	int mon = 0;
	for (int i = 0; i < tg.nsessions; i++)
		mon += tg.sessions[i]->monitor;
	vty_out(vty, "    Monitor logging: level debugging, %d session%s with terminal monitor\n", mon,
		mon == 1 ? "" : "s");
	vty_out(vty, "    Buffer logging:  level debugging, %lu messages logged\n\n", log_count());
	vty_out(vty, "Log Buffer (%zu bytes):\n", log_get_size());
	struct buf b = BUF_INIT;
	log_dump(&b);
	vty_out(vty, "%s", buf_str(&b));
	buf_free(&b);
	return CLI_OK;
}

CLI_CMD(show_users, MODE_EXEC, CLI_F_PIPE,
	"show users",
	SHOW_HELP
	"Display information about terminal lines\n")
{
	vty_out(vty, "    Line       User             Idle       Login since          Mode\n");
	time_t now = time(NULL);
	for (int i = 0; i < tg.nsessions; i++) {
		const struct vty *s = tg.sessions[i];
		long idle = (long)(now - s->last_active);
		char since[32];
		struct tm tm;
		localtime_r(&s->login_time, &tm);
		strftime(since, sizeof(since), "%b %d %H:%M:%S", &tm);
		vty_out(vty, "%c   %-10s %-16s %02ld:%02ld:%02ld   %-20s %s%s\n", s == vty ? '*' : ' ',
			s->line_name, s->user, idle / 3600, (idle % 3600) / 60, idle % 60, since,
			s->mode == MODE_EXEC ? "exec" : "config", s->monitor ? ", monitor" : "");
	}
	return CLI_OK;
}

/* Whether a top-level configuration line begins with the words of `section`:
 * each typed word equal to the line's word, or (a keyword, not a number) an
 * abbreviation of it, as `show running-config dial voice 100` means
 * `dial-peer voice 100`. */
static bool section_starts(const char *line, size_t n, const char *section)
{
	const char *p = line, *end = line + n, *s = section;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return true;
		while (p < end && *p == ' ')
			p++;
		size_t sw = strcspn(s, " \t"), lw = 0;
		while (p + lw < end && p[lw] != ' ' && p[lw] != '\n')
			lw++;
		if (!lw || sw > lw || strncasecmp(s, p, sw))
			return false;
		if (sw < lw && strspn(s, "0123456789") >= sw)
			return false; /* numbers (tags) match whole */
		s += sw;
		p += lw;
	}
}

/* Print only the blocks whose top-level line begins with `section`. */
static void filter_section(const char *text, const char *section, struct buf *out)
{
	bool in = false;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (*p != ' ' && *p != '!')
			in = section_starts(p, n, section);
		else if (*p == '!')
			in = false;
		if (in)
			buf_append(out, p, n);
		p += n;
	}
}

static void show_full(struct vty *vty, const struct buf *b)
{
	vty_out(vty, "Building configuration...\n\nCurrent configuration : %zu bytes\n%s", b->len, buf_str(b));
}

CLI_CMD(show_running, MODE_EXEC, CLI_F_PIPE,
	"show running-config",
	SHOW_HELP
	"Current operating configuration\n")
{
	struct buf b = BUF_INIT;
	cfg_render_text(vty->cfg, &b);
	show_full(vty, &b);
	buf_free(&b);
	return CLI_OK;
}

/* The first word of a block is one of the keywords the configuration's
 * top-level lines begin with (the syntax lists them), so that other words get
 * IOS's caret error. */
CLI_CMD(show_running_section, MODE_EXEC, CLI_F_PIPE,
	"show running-config {crypto|dial-peer|hostname|ip|logging|sip-ua|voice} [LINE$rest]",
	SHOW_HELP
	"Current operating configuration\n"
	"Crypto PKI trustpoints\n"
	"Dial-peers (dial-peer voice 100 ...)\n"
	"The hostname line\n"
	"IP lines (ip name-server)\n"
	"Logging lines\n"
	"The sip-ua block\n"
	"Voice service and voice classes (voice class codec 1 ...)\n"
	"More words the blocks begin with (abbreviations allowed; tags in full)\n")
{
	const char *kw = a->n > 2 ? a->t[2].kw : NULL;   /* show running-config KEYWORD */
	if (!kw)
		return vty_err(vty, "%% Incomplete command.");
	const char *rest = cli_get(a, "rest");
	char sec[512];
	snprintf(sec, sizeof(sec), "%s%s%s", kw, rest ? " " : "", rest ? rest : "");
	struct buf b = BUF_INIT, f = BUF_INIT;
	cfg_render_text(vty->cfg, &b);
	filter_section(buf_str(&b), sec, &f);
	if (f.len)
		vty_out(vty, "%s", buf_str(&f));
	else
		vty_out(vty, "%% No configuration block begins with \"%s\"\n", sec);
	buf_free(&f);
	buf_free(&b);
	return CLI_OK;
}

/* IOS's brief form hides certificate bodies; Tollgate's running configuration
 * holds none (certificates stay in their files), so it is the whole text. */
CLI_CMD(show_running_brief, MODE_EXEC, CLI_F_PIPE,
	"show running-config brief",
	SHOW_HELP
	"Current operating configuration\n"
	"Without certificate data (Tollgate keeps none in the configuration)\n")
{
	struct buf b = BUF_INIT;
	cfg_render_text(vty->cfg, &b);
	show_full(vty, &b);
	buf_free(&b);
	return CLI_OK;
}

CLI_CMD(show_running_yaml, MODE_EXEC, CLI_F_PIPE,
	"show running-config yaml",
	SHOW_HELP
	"Current operating configuration\n"
	"In the YAML form (docs/config-yaml.md)\n")
{
	struct buf b = BUF_INIT;
	int rc = cfg_yaml_emit(vty->cfg, &b);
	if (rc)
		return vty_err(vty, "%% Cannot render YAML: %s", strerror(-rc));
	vty_out(vty, "%s", buf_str(&b));
	buf_free(&b);
	return CLI_OK;
}

CLI_CMD(write_terminal, MODE_EXEC, CLI_F_PIPE,
	"write terminal",
	"Write running configuration to memory, network, or terminal\n"
	"Write to terminal\n")
{
	struct buf b = BUF_INIT;
	cfg_render_text(vty->cfg, &b);
	vty_out(vty, "Building configuration...\n\nCurrent configuration : %zu bytes\n%s", b.len, buf_str(&b));
	buf_free(&b);
	return CLI_OK;
}

CLI_CMD(show_startup, MODE_EXEC, CLI_F_PIPE,
	"show startup-config",
	SHOW_HELP
	"Contents of startup configuration\n")
{
	FILE *f = fopen(tg.startup_path, "r");
	if (!f)
		return vty_err(vty, "%% Cannot open %s: %s", tg.startup_path, strerror(errno));
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	struct statvfs sv;
	unsigned long long avail = 0;
	if (statvfs(tg.startup_path, &sv) == 0)
		avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	vty_out(vty, "Using %zu out of %llu bytes\n%s", b.len, (unsigned long long)b.len + avail,
		buf_str(&b));
	if (tg.nrejected)
		vty_out(vty, "! %d line%s of this file %s rejected at boot: show startup-config errors\n",
			tg.nrejected, tg.nrejected == 1 ? "" : "s", tg.nrejected == 1 ? "was" : "were");
	buf_free(&b);
	return CLI_OK;
}

CLI_CMD(show_startup_errors, MODE_EXEC, CLI_F_PIPE,
	"show startup-config errors",
	SHOW_HELP
	"Contents of startup configuration\n"
	"Lines of the startup configuration rejected at boot\n")
{
	if (!tg.nrejected) {
		vty_out(vty, "No line of %s was rejected at boot.\n", tg.startup_path);
		return CLI_OK;
	}
	vty_out(vty, "%d line%s of %s %s rejected at boot and %s not in the running configuration:\n",
		tg.nrejected, tg.nrejected == 1 ? "" : "s", tg.startup_path,
		tg.nrejected == 1 ? "was" : "were", tg.nrejected == 1 ? "is" : "are");
	for (int i = 0; i < tg.nrejected; i++) {
		const struct tg_rejected *r = &tg.rejected[i];
		vty_out(vty, "%s:%d: %s\n", tg.startup_path, r->lineno, r->reason);
		if (r->text[0])
			vty_out(vty, "  %s\n", r->text);
		if (r->text[0] && r->col >= 0)
			vty_out(vty, "  %*s^\n", r->col, "");
	}
	return CLI_OK;
}

static int save_to(struct vty *vty, const char *path, bool is_startup)
{
	char err[512];
	vty_out(vty, "Building configuration...\n");
	if (startup_save(vty->cfg, path, err, sizeof(err)))
		return vty_err(vty, "%% %s\n%% %s was not changed; the running configuration is intact.",
			       err, path);
	vty_out(vty, "[OK]\n");
	if (is_startup) {
		tg_clear_rejected();
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(tg.last_saved, sizeof(tg.last_saved), "%H:%M:%S UTC %a %b %d %Y", &tm);
	}
	log_msg(5, "SYS", "CONFIG_SAVED", "Configuration saved to %s by %s on %s", path, vty->user,
		vty->line_name);
	return CLI_OK;
}

static int write_startup(struct vty *vty, bool force, const char *forced_cmd)
{
	if (tg.nrejected && !force)
		return vty_err(vty,
			       "%% %s has %d line%s that %s rejected at boot (show startup-config errors);\n"
			       "%% saving now would lose %s.  Fix them, or use '%s'.",
			       tg.startup_path, tg.nrejected, tg.nrejected == 1 ? "" : "s",
			       tg.nrejected == 1 ? "was" : "were", tg.nrejected == 1 ? "it" : "them", forced_cmd);
	return save_to(vty, tg.startup_path, true);
}

CLI_CMD(write_memory, MODE_EXEC, 0,
	"write [memory] [force]",
	"Write running configuration to memory, network, or terminal\n"
	"Write to NV memory\n"
	"Overwrite a startup-config that still has lines rejected at boot\n")
{
	return write_startup(vty, cli_has(a, "force"), "write memory force");
}

CLI_CMD(copy_run_start, MODE_EXEC, 0,
	"copy running-config startup-config [force]",
	"Copy from one file to another\n"
	"Copy from current system configuration\n"
	"Copy to startup configuration\n"
	"Overwrite a startup-config that still has lines rejected at boot\n")
{
	return write_startup(vty, cli_has(a, "force"), "copy running-config startup-config force");
}

CLI_CMD(copy_run_file, MODE_EXEC, 0,
	"copy running-config WORD$file",
	"Copy from one file to another\n"
	"Copy from current system configuration\n"
	"Destination file (YAML when it ends in .yaml or .yml)\n")
{
	return save_to(vty, cli_get(a, "file"), false);
}

CLI_CMD(copy_file_run, MODE_EXEC, 0,
	"copy WORD$file running-config",
	"Copy from one file to another\n"
	"Source file (IOS text, or YAML when it ends in .yaml or .yml)\n"
	"Merge into the current system configuration\n")
{
	struct buf errs = BUF_INIT;
	const char *f = cli_get(a, "file");
	int rc = startup_merge(f, vty->cfg, &errs);
	vty_out(vty, "%s", buf_str(&errs));
	buf_free(&errs);
	char err[512];
	if (commit_apply(vty->cfg, err, sizeof(err)))
		vty_out(vty, "%% %s\n", err);
	if (rc < 0)
		return vty_err(vty, "%% Cannot merge %s", f);
	if (rc > 0)
		return vty_err(vty, "%% %d line%s of %s rejected; the other lines were merged", rc,
			       rc == 1 ? "" : "s", f);
	tg_note_change(vty);
	vty_out(vty, "[OK]\n");
	log_msg(5, "SYS", "CONFIG_I", "Configured from %s by %s on %s", f, vty->user, vty->line_name);
	return CLI_OK;
}

CLI_CMD(copy_start_run, MODE_EXEC, 0,
	"copy startup-config running-config",
	"Copy from one file to another\n"
	"Copy from startup configuration\n"
	"Merge into the current system configuration\n")
{
	struct buf errs = BUF_INIT;
	int rc = startup_merge(tg.startup_path, vty->cfg, &errs);
	vty_out(vty, "%s", buf_str(&errs));
	buf_free(&errs);
	char err[512];
	if (commit_apply(vty->cfg, err, sizeof(err)))
		vty_out(vty, "%% %s\n", err);
	if (rc)
		return vty_err(vty, "%% startup-config not fully merged");
	tg_note_change(vty);
	vty_out(vty, "[OK]\n");
	return CLI_OK;
}
