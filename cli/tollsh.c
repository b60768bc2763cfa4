/* tollsh.c - the Tollgate shell: a thin readline client of tollgated's control socket.
 *
 *   tollsh [-S SOCKET] [-c COMMAND]... [--echo]
 *
 * All parsing, help and completion happen in the core (see docs/protocol.md);
 * this program edits lines, keeps history, binds `?`, Tab and Ctrl-Z, prints
 * what comes back and pages it.  Modes: -c (or $SSH_ORIGINAL_COMMAND under an
 * sshd ForceCommand), a script on stdin, or interactive on a terminal. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli/tollsh.h"
#include "core/buf.h"
#include "core/proto.h"

#define TOLLSH_DEFAULT_SOCKET "/run/tollgate/tollsh.sock"
#define TOLLSH_HISTORY_FILE ".tollsh_history"
#define TOLLSH_HISTORY_MAX 1000


struct tollsh tollsh_sh = { .fd = -1 };

/* ---- frames ---------------------------------------------------------------- */

static void tollsh_set_prompt(const char *p, size_t n)
{
	char *np = strndup(p, n);
	if (!np)
		return;
	free(tollsh_sh.prompt);
	tollsh_sh.prompt = np;
}

static void tollsh_setting(const char *p, size_t n)
{
	char tmp[64];
	if (n >= sizeof(tmp))
		return;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (strncmp(tmp, "length=", 7) == 0) {
		long v = strtol(tmp + 7, NULL, 10);
		if (v >= 0 && v <= 100000) {
			bool was = tollsh_sh.length > 0;
			tollsh_sh.length = (int)v;
			if (!was && tollsh_sh.length > 0)
				tollsh_sh.lines_left = tollsh_sh.length > 1 ? tollsh_sh.length - 1 : 1;
		}
	}
	/* unknown settings are ignored, so the core can add more */
}

/* Handle one received frame.  Returns 1 on DONE (status in *status), 0
 * otherwise. */
static int tollsh_dispatch(uint8_t type, const char *p, size_t n, enum tollsh_out out, int *status)
{
	switch (type) {
	case PROTO_OUTPUT:
		if (out == OUT_COLLECT)
			buf_append(&tollsh_sh.collect, p, n);
		else if (out == OUT_PAGE)
			tollsh_page(p, n);
		else {
			tollsh_write(p, n);
			fflush(stdout);
		}
		break;
	case PROTO_COMPLETIONS:
		buf_append(&tollsh_sh.collect, p, n);
		break;
	case PROTO_PROMPT:
		tollsh_set_prompt(p, n);
		break;
	case PROTO_SETTING:
		tollsh_setting(p, n);
		break;
	case PROTO_MONITOR:
		tollsh_print_async(p, n);
		break;
	case PROTO_CLOSE:
		tollsh_sh.closed = true;
		break;
	case PROTO_DONE:
		*status = n > 0 ? (unsigned char)p[0] : 0;
		return 1;
	default:
		break; /* unknown frames are ignored, for forward compatibility */
	}
	return 0;
}

/* Send one request and handle frames until its DONE (or CLOSE).  Returns the
 * DONE status (0 or 1), or a negative errno if the connection failed. */
static int tollsh_request(uint8_t type, const char *text, enum tollsh_out out)
{
	int rc = proto_send(tollsh_sh.fd, type, text, strlen(text));
	if (rc < 0) {
		/* the core may have said CLOSE (after `exit`) before going away */
		uint8_t t;
		int status;
		while (!tollsh_sh.closed && proto_recv(tollsh_sh.fd, &t, &tollsh_sh.frame) == 0)
			tollsh_dispatch(t, tollsh_sh.frame.p, tollsh_sh.frame.len, OUT_PRINT, &status);
		return tollsh_sh.closed ? 0 : rc;
	}
	if (out == OUT_PAGE)
		tollsh_pager_start();
	for (;;) {
		uint8_t t;
		int status = 0;
		rc = proto_recv(tollsh_sh.fd, &t, &tollsh_sh.frame);
		if (rc < 0)
			return tollsh_sh.closed ? 0 : rc;
		if (tollsh_dispatch(t, tollsh_sh.frame.p, tollsh_sh.frame.len, out, &status))
			return status ? 1 : 0;
		if (tollsh_sh.closed)
			return 0;
	}
}

/* After HELLO the core sends PROMPT and SETTING; wait for the prompt. */
static int tollsh_wait_prompt(void)
{
	while (!tollsh_sh.prompt && !tollsh_sh.closed) {
		uint8_t t;
		int status;
		int rc = proto_recv(tollsh_sh.fd, &t, &tollsh_sh.frame);
		if (rc < 0)
			return rc;
		tollsh_dispatch(t, tollsh_sh.frame.p, tollsh_sh.frame.len, OUT_PRINT, &status);
	}
	return 0;
}

static int tollsh_connect(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static void tollsh_lost(int rc)
{
	fprintf(stderr, "tollsh: connection to tollgated lost: %s\n", strerror(-rc));
}

/* ---- -c and script modes ---------------------------------------------------- */

/* Run one line as typed: a help request if it ends in `?`, else EXEC.
 * Returns 0/1 (command status) or a negative errno. */
static int tollsh_run_line(const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (tollsh_sh.echo) {
		printf("%s%s\n", tollsh_sh.prompt ? tollsh_sh.prompt : "", line);
		fflush(stdout);
	}
	if (n && line[n - 1] == '?') {
		char *text = strndup(line, n - 1);
		if (!text)
			return -ENOMEM;
		int rc = tollsh_request(PROTO_HELP, text, OUT_PRINT);
		free(text);
		return rc;
	}
	return tollsh_request(PROTO_EXEC, line, OUT_PRINT);
}

/* Returns the exit status. */
static int tollsh_batch(char **cmds, int ncmds)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	for (int i = 0; !tollsh_sh.closed; i++) {
		const char *l;
		if (cmds) {
			if (i >= ncmds)
				break;
			l = cmds[i];
		} else {
			ssize_t r = getline(&line, &cap, stdin);
			if (r < 0)
				break;
			while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r'))
				line[--r] = '\0';
			l = line;
		}
		rc = tollsh_run_line(l);
		if (rc < 0)
			break;
		if (rc == 1)
			tollsh_sh.failed = true;
	}
	free(line);
	if (rc < 0) {
		tollsh_lost(rc);
		return 2;
	}
	return tollsh_sh.failed ? 1 : 0;
}

/* ---- interactive mode ---------------------------------------------------------- */

static void tollsh_history_open(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return;
	size_t n = strlen(home) + sizeof(TOLLSH_HISTORY_FILE) + 2;
	tollsh_sh.history_path = malloc(n);
	if (!tollsh_sh.history_path)
		return;
	snprintf(tollsh_sh.history_path, n, "%s/%s", home, TOLLSH_HISTORY_FILE);
	using_history();
	stifle_history(TOLLSH_HISTORY_MAX);
	if (read_history(tollsh_sh.history_path) != 0)
		write_history(tollsh_sh.history_path); /* create it, so appends work */
	history_truncate_file(tollsh_sh.history_path, TOLLSH_HISTORY_MAX);
}

static void tollsh_history_add(const char *line)
{
	if (!*line)
		return;
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (tollsh_sh.history_path)
		append_history(1, tollsh_sh.history_path);
}

/* readline's line handler: stash the line and step out of readline; the main
 * loop runs it and re-installs the handler with the new prompt. */
static void tollsh_on_line(char *line)
{
	if (!line)
		tollsh_sh.eof = true;
	else {
		free(tollsh_sh.line);
		tollsh_sh.line = line;
		tollsh_sh.have_line = true;
	}
	rl_callback_handler_remove();
	tollsh_sh.rl_active = false;
}

static void tollsh_rl_install(void)
{
	rl_callback_handler_install(tollsh_sh.prompt ? tollsh_sh.prompt : "", tollsh_on_line);
	tollsh_sh.rl_active = true;
}

/* `?`: help for the line up to the cursor, then the same line again. */
static int tollsh_key_help(int count, int key)
{
	(void)count, (void)key;
	char *text = strndup(rl_line_buffer, (size_t)rl_point);
	if (!text)
		return 0;
	int point = rl_point;
	rl_point = rl_end;
	rl_redisplay();
	fputs("?\n", rl_outstream);
	fflush(rl_outstream);
	rl_point = point;
	tollsh_sh.defer_monitor = true;
	int rc = tollsh_request(PROTO_HELP, text, OUT_PRINT);
	tollsh_sh.defer_monitor = false;
	free(text);
	if (rc < 0) {
		tollsh_sh.lost = rc;
		return 0;
	}
	fflush(stdout);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

/* Ctrl-Z, as on IOS: the line typed so far runs (`no shutdown^Z`), then
 * configuration mode ends; at the EXEC prompt it is only a new line. */
static int tollsh_key_ctrl_z(int count, int key)
{
	(void)count, (void)key;
	tollsh_sh.ctrl_z = true;
	rl_point = rl_end;
	rl_redisplay();
	fputs("^Z", rl_outstream);
	return rl_newline(1, '\n');
}

/* Ctrl-C: abandon the line being typed. */
static int tollsh_key_ctrl_c(int count, int key)
{
	(void)count, (void)key;
	rl_point = rl_end;
	rl_redisplay();
	fputs("^C\n", rl_outstream);
	fflush(rl_outstream);
	rl_replace_line("", 0);
	rl_point = 0;
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

/* Tab: the core lists the candidates for the word at the cursor. */
static char **tollsh_cands;
static size_t tollsh_ncands;

static char *tollsh_cand_gen(const char *text, int state)
{
	static size_t i;
	(void)text;
	if (!state)
		i = 0;
	while (i < tollsh_ncands) {
		const char *c = tollsh_cands[i++];
		if (*c)
			return strdup(c);
	}
	return NULL;
}

static char *tollsh_no_files(const char *text, int state)
{
	(void)text, (void)state;
	return NULL;
}

static char **tollsh_complete(const char *text, int start, int end)
{
	(void)start, (void)end;
	rl_attempted_completion_over = 1; /* never fall back to file names */
	char *upto = strndup(rl_line_buffer, (size_t)rl_point);
	if (!upto)
		return NULL;
	buf_reset(&tollsh_sh.collect);
	tollsh_sh.defer_monitor = true;
	int rc = tollsh_request(PROTO_COMPLETE, upto, OUT_COLLECT);
	tollsh_sh.defer_monitor = false;
	free(upto);
	if (rc < 0)
		tollsh_sh.lost = rc;
	if (rc < 0 || !tollsh_sh.collect.len)
		return NULL;

	/* split the newline-separated list in place */
	size_t max = 1;
	for (size_t i = 0; i < tollsh_sh.collect.len; i++)
		max += tollsh_sh.collect.p[i] == '\n';
	tollsh_cands = calloc(max, sizeof(*tollsh_cands));
	if (!tollsh_cands)
		return NULL;
	tollsh_ncands = 0;
	for (char *s = tollsh_sh.collect.p, *e; s && *s; s = e) {
		e = strchr(s, '\n');
		if (e)
			*e++ = '\0';
		tollsh_cands[tollsh_ncands++] = s;
	}
	char **m = rl_completion_matches(text, tollsh_cand_gen);
	free(tollsh_cands);
	tollsh_cands = NULL;
	tollsh_ncands = 0;
	return m;
}

static void tollsh_rl_setup(void)
{
	rl_readline_name = "tollsh";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_initialize(); /* reads ~/.inputrc first, so our bindings win */
	rl_attempted_completion_function = tollsh_complete;
	rl_completion_entry_function = tollsh_no_files;
	rl_completer_word_break_characters = " \t";
	rl_variable_bind("completion-ignore-case", "on");
	/* a pasted block of configuration must run line by line, as on IOS */
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_bind_key('?', tollsh_key_help);
	rl_bind_key(26, tollsh_key_ctrl_z);
	rl_bind_key(3, tollsh_key_ctrl_c);
}

/* A frame arrived while the user is typing (MONITOR, PROMPT, CLOSE ...). */
static int tollsh_async_frame(void)
{
	uint8_t t;
	int status;
	int rc = proto_recv(tollsh_sh.fd, &t, &tollsh_sh.frame);
	if (rc < 0)
		return rc;
	if (t == PROTO_OUTPUT) {
		tollsh_print_async(tollsh_sh.frame.p, tollsh_sh.frame.len);
		return 0;
	}
	tollsh_dispatch(t, tollsh_sh.frame.p, tollsh_sh.frame.len, OUT_PRINT, &status);
	if (t == PROTO_PROMPT && tollsh_sh.rl_active && tollsh_sh.prompt) {
		rl_set_prompt(tollsh_sh.prompt);
		rl_redisplay();
	}
	return 0;
}

/* In a configuration mode: its prompts all read HOST(config...)#. */
static bool tollsh_in_config(void)
{
	return tollsh_sh.prompt && strstr(tollsh_sh.prompt, "(config");
}

/* Run the line readline handed us, with the pager; after Ctrl-Z, `end`
 * follows it when configuration mode is still on. */
static int tollsh_run_interactive_line(void)
{
	char *line = tollsh_sh.line;
	bool ctrl_z = tollsh_sh.ctrl_z;
	int rc = 0;
	tollsh_sh.line = NULL;
	tollsh_sh.have_line = false;
	tollsh_sh.ctrl_z = false;
	if (!ctrl_z || line[strspn(line, " \t")]) {
		tollsh_history_add(line);
		rc = tollsh_request(PROTO_EXEC, line, OUT_PAGE);
	}
	if (ctrl_z && rc >= 0 && !tollsh_sh.closed && tollsh_in_config())
		rc = tollsh_request(PROTO_EXEC, "end", OUT_PAGE);
	free(line);
	return rc < 0 ? rc : 0;
}

static int tollsh_interactive(void)
{
	int rc = 0;
	tollsh_history_open();
	tollsh_rl_setup();
	tollsh_rl_install();
	while (!tollsh_sh.closed) {
		if (tollsh_sh.have_line) {
			rc = tollsh_run_interactive_line();
			if (rc < 0 || tollsh_sh.closed)
				break;
		}
		if (tollsh_sh.eof)
			break;
		if (!tollsh_sh.rl_active) {
			/* frames already queued (CLOSE after `exit`) go before the prompt */
			struct pollfd q = { .fd = tollsh_sh.fd, .events = POLLIN };
			while (rc == 0 && !tollsh_sh.closed && poll(&q, 1, 0) == 1)
				rc = tollsh_async_frame();
			if (rc < 0 || tollsh_sh.closed)
				break;
			tollsh_rl_install();
		}
		tollsh_flush_deferred();

		struct pollfd pf[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = tollsh_sh.fd, .events = POLLIN },
		};
		if (poll(pf, 2, -1) < 0) {
			if (errno != EINTR) {
				rc = -errno;
				break;
			}
			if (tollsh_winch) {
				tollsh_winch = 0;
				rl_resize_terminal();
			}
			continue;
		}
		if (pf[1].revents) {
			rc = tollsh_async_frame();
			if (rc < 0)
				break;
			continue; /* look at the socket again before reading keys */
		}
		if (pf[0].revents & POLLIN) {
			rl_callback_read_char();
			if (tollsh_sh.lost) {
				rc = tollsh_sh.lost;
				break;
			}
		}
		else if (pf[0].revents & (POLLHUP | POLLERR))
			break;
	}
	bool was_active = tollsh_sh.rl_active;
	if (tollsh_sh.rl_active) {
		rl_callback_handler_remove();
		tollsh_sh.rl_active = false;
	}
	/* Ctrl-D, or the core went away while a line was being typed */
	if (!tollsh_sh.closed && ((tollsh_sh.eof && rc == 0) || (rc < 0 && was_active)))
		fputc('\n', stdout);
	fflush(stdout);
	if (rc < 0 && !tollsh_sh.closed) {
		tollsh_lost(rc);
		return 2;
	}
	return 0;
}

/* ---- main ---------------------------------------------------------------------- */

static void tollsh_usage(FILE *f)
{
	fprintf(f, "usage: tollsh [-S SOCKET] [-c COMMAND]... [--echo]\n"
		   "  -S SOCKET   control socket of tollgated (default $TOLLSH_SOCKET or "
		   TOLLSH_DEFAULT_SOCKET ")\n"
		   "  -c COMMAND  run COMMAND and exit; may be repeated\n"
		   "  --echo      print the prompt and each line before its output\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "command", required_argument, NULL, 'c' },
		{ "echo", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("TOLLSH_SOCKET");
	char **cmds = calloc((size_t)argc + 1, sizeof(*cmds));
	int ncmds = 0, o;
	if (!cmds)
		return 2;
	if (!path || !*path)
		path = TOLLSH_DEFAULT_SOCKET;
	while ((o = getopt_long(argc, argv, "S:c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'S':
			path = optarg;
			break;
		case 'c':
			cmds[ncmds++] = optarg;
			break;
		case 'e':
			tollsh_sh.echo = true;
			break;
		case 'h':
			tollsh_usage(stdout);
			return 0;
		default:
			tollsh_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		tollsh_usage(stderr);
		return 2;
	}
	/* under sshd's ForceCommand, `ssh host CMD` arrives here */
	const char *ssh_cmd = getenv("SSH_ORIGINAL_COMMAND");
	if (!ncmds && ssh_cmd && *ssh_cmd)
		cmds[ncmds++] = (char *)ssh_cmd;

	tollsh_sh.interactive = !ncmds && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	tollsh_signals(tollsh_sh.interactive);

	tollsh_sh.fd = tollsh_connect(path);
	if (tollsh_sh.fd < 0) {
		int e = -tollsh_sh.fd;
		fprintf(stderr, "tollsh: cannot connect to %s: %s\n", path, strerror(e));
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr, "tollsh: is tollgated running?\n");
		else if (e == EACCES || e == EPERM)
			fprintf(stderr, "tollsh: are you in the tollgate group?\n");
		return 2;
	}

	int rows = 0, cols = 80;
	if (isatty(STDOUT_FILENO))
		tollsh_winsize(&rows, &cols);
	char hello[64];
	/* echo=1: prompt and line are shown before the output, so the core
	 * places error carets as under an interactive terminal */
	snprintf(hello, sizeof(hello), "tty=%d rows=%d cols=%d%s", tollsh_sh.interactive ? 1 : 0, rows,
		 cols, tollsh_sh.echo ? " echo=1" : "");
	int rc = proto_send(tollsh_sh.fd, PROTO_HELLO, hello, strlen(hello));
	if (!rc)
		rc = tollsh_wait_prompt();
	if (rc < 0) {
		tollsh_lost(rc);
		return 2;
	}

	int status;
	if (tollsh_sh.interactive) {
		tollsh_tty_setup();
		status = tollsh_interactive();
	} else {
		status = tollsh_batch(ncmds ? cmds : NULL, ncmds);
	}
	fflush(stdout);
	close(tollsh_sh.fd);
	free(cmds);
	free(tollsh_sh.prompt);
	free(tollsh_sh.line);
	free(tollsh_sh.history_path);
	buf_free(&tollsh_sh.frame);
	buf_free(&tollsh_sh.collect);
	buf_free(&tollsh_sh.deferred);
	return status;
}
