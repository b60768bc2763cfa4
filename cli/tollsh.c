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

#include "core/buf.h"
#include "core/proto.h"

#define TOLLSH_DEFAULT_SOCKET "/run/tollgate/tollsh.sock"
#define TOLLSH_HISTORY_FILE ".tollsh_history"
#define TOLLSH_HISTORY_MAX 1000
#define TOLLSH_MORE " --More-- "

/* What to do with OUTPUT frames while a request is in flight. */
enum tollsh_out {
	OUT_PRINT,   /* straight to stdout */
	OUT_PAGE,    /* to stdout through the --More-- pager */
	OUT_COLLECT, /* into the session's `collect` buffer */
};

struct tollsh {
	int fd;                 /* the control socket */
	bool interactive;       /* stdin and stdout are terminals, readline in use */
	bool echo;              /* --echo: log prompt + line before each output */
	bool rl_active;         /* the readline callback handler is installed */
	bool closed;            /* the core sent CLOSE */
	bool failed;            /* some DONE carried status 1 */
	int length;             /* pager length from SETTING; 0 = no paging */
	char *prompt;           /* last PROMPT received */
	struct buf frame;       /* payload of the last frame received */
	struct buf collect;     /* COMPLETIONS / OUTPUT gathered for OUT_COLLECT */
	struct buf deferred;    /* MONITOR lines received while readline is busy */
	bool defer_monitor;     /* inside a key binding: hold MONITOR lines back */
	int lost;               /* negative errno once the connection failed */

	/* pager state for the command in progress */
	int lines_left;         /* lines to print before the next --More-- */
	bool discard;           /* `q` was pressed: drop the rest of the output */

	/* interactive: a line accepted by readline, waiting to be run */
	char *line;
	bool have_line;
	bool eof;
	bool ctrl_z;            /* the accepted line came from Ctrl-Z: run "end" */
	char *history_path;
};

static struct tollsh sh = { .fd = -1 };
static struct termios tollsh_tty_orig;
static bool tollsh_tty_saved;
static volatile sig_atomic_t tollsh_winch;

/* ---- terminal and signals ---------------------------------------------- */

static void tollsh_tty_restore(void)
{
	if (tollsh_tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &tollsh_tty_orig);
}

static void tollsh_on_fatal_signal(int sig)
{
	tollsh_tty_restore(); /* tcsetattr is async-signal-safe */
	_exit(128 + sig);
}

static void tollsh_on_winch(int sig)
{
	(void)sig;
	tollsh_winch = 1;
}

static void tollsh_signals(bool interactive)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (!interactive)
		return;
	sa.sa_handler = tollsh_on_fatal_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL); /* only from kill(1): VINTR is a key here */
	sa.sa_handler = tollsh_on_winch; /* no SA_RESTART: poll() wakes up */
	sigaction(SIGWINCH, &sa, NULL);
}

/* Interactive terminals: Ctrl-C and Ctrl-Z reach readline as keys (bound
 * below) instead of raising SIGINT/SIGTSTP.  The original settings come back
 * at exit. */
static void tollsh_tty_setup(void)
{
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &tollsh_tty_orig) < 0)
		return;
	tollsh_tty_saved = true;
	atexit(tollsh_tty_restore);
	t = tollsh_tty_orig;
	t.c_cc[VINTR] = _POSIX_VDISABLE;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void tollsh_winsize(int *rows, int *cols)
{
	struct winsize ws;
	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		if (ws.ws_row > 0)
			*rows = ws.ws_row;
		if (ws.ws_col > 0)
			*cols = ws.ws_col;
	}
}

/* Read one key from the terminal in raw mode (no echo, no signals). */
static int tollsh_read_key(void)
{
	struct termios cur, raw;
	unsigned char c = 'q';
	if (tcgetattr(STDIN_FILENO, &cur) < 0)
		return 'q';
	raw = cur;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	for (;;) {
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r == 1)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		c = 'q'; /* EOF or error: stop paging */
		break;
	}
	tcsetattr(STDIN_FILENO, TCSANOW, &cur);
	return c;
}

/* ---- output -------------------------------------------------------------- */

static void tollsh_write(const char *p, size_t n)
{
	if (n)
		fwrite(p, 1, n, stdout);
}

/* Reset the pager for a new command's output. */
static void tollsh_pager_start(void)
{
	sh.discard = false;
	sh.lines_left = sh.length > 1 ? sh.length - 1 : 1;
}

/* Print command output, pausing with --More-- after every length-1 lines.
 * The prompt appears only when there is more to print. */
static void tollsh_page(const char *p, size_t n)
{
	while (n && !sh.discard) {
		if (sh.length <= 0) {
			tollsh_write(p, n);
			return;
		}
		if (sh.lines_left <= 0) {
			fputs(TOLLSH_MORE, stdout);
			fflush(stdout);
			int k = tollsh_read_key();
			printf("\r%*s\r", (int)strlen(TOLLSH_MORE), "");
			if (k == ' ')
				sh.lines_left = sh.length > 1 ? sh.length - 1 : 1;
			else if (k == '\r' || k == '\n')
				sh.lines_left = 1;
			else if (k == 'q' || k == 'Q' || k == 3) {
				sh.discard = true;
				break;
			} else
				sh.lines_left = 1; /* any other key: one more line */
		}
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) + 1 : n;
		tollsh_write(p, k);
		if (nl)
			sh.lines_left--;
		p += k;
		n -= k;
	}
	fflush(stdout);
}

/* Print an asynchronous line (MONITOR, stray OUTPUT) without corrupting the
 * line being edited: clear it, print, then redraw prompt and line. */
static void tollsh_print_async(const char *p, size_t n)
{
	if (!n)
		return;
	if (sh.defer_monitor) {
		buf_append(&sh.deferred, p, n);
		if (p[n - 1] != '\n')
			buf_append(&sh.deferred, "\n", 1);
		return;
	}
	if (sh.rl_active)
		rl_clear_visible_line();
	tollsh_write(p, n);
	if (p[n - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
	if (sh.rl_active) {
		rl_on_new_line();
		rl_redisplay();
	}
}

static void tollsh_flush_deferred(void)
{
	if (!sh.deferred.len)
		return;
	struct buf d = sh.deferred;
	sh.deferred = (struct buf)BUF_INIT;
	tollsh_print_async(d.p, d.len);
	buf_free(&d);
}

/* ---- frames ---------------------------------------------------------------- */

static void tollsh_set_prompt(const char *p, size_t n)
{
	char *np = strndup(p, n);
	if (!np)
		return;
	free(sh.prompt);
	sh.prompt = np;
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
			bool was = sh.length > 0;
			sh.length = (int)v;
			if (!was && sh.length > 0)
				sh.lines_left = sh.length > 1 ? sh.length - 1 : 1;
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
			buf_append(&sh.collect, p, n);
		else if (out == OUT_PAGE)
			tollsh_page(p, n);
		else {
			tollsh_write(p, n);
			fflush(stdout);
		}
		break;
	case PROTO_COMPLETIONS:
		buf_append(&sh.collect, p, n);
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
		sh.closed = true;
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
	int rc = proto_send(sh.fd, type, text, strlen(text));
	if (rc < 0) {
		/* the core may have said CLOSE (after `exit`) before going away */
		uint8_t t;
		int status;
		while (!sh.closed && proto_recv(sh.fd, &t, &sh.frame) == 0)
			tollsh_dispatch(t, sh.frame.p, sh.frame.len, OUT_PRINT, &status);
		return sh.closed ? 0 : rc;
	}
	if (out == OUT_PAGE)
		tollsh_pager_start();
	for (;;) {
		uint8_t t;
		int status = 0;
		rc = proto_recv(sh.fd, &t, &sh.frame);
		if (rc < 0)
			return sh.closed ? 0 : rc;
		if (tollsh_dispatch(t, sh.frame.p, sh.frame.len, out, &status))
			return status ? 1 : 0;
		if (sh.closed)
			return 0;
	}
}

/* After HELLO the core sends PROMPT and SETTING; wait for the prompt. */
static int tollsh_wait_prompt(void)
{
	while (!sh.prompt && !sh.closed) {
		uint8_t t;
		int status;
		int rc = proto_recv(sh.fd, &t, &sh.frame);
		if (rc < 0)
			return rc;
		tollsh_dispatch(t, sh.frame.p, sh.frame.len, OUT_PRINT, &status);
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
	if (sh.echo) {
		printf("%s%s\n", sh.prompt ? sh.prompt : "", line);
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
	for (int i = 0; !sh.closed; i++) {
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
			sh.failed = true;
	}
	free(line);
	if (rc < 0) {
		tollsh_lost(rc);
		return 2;
	}
	return sh.failed ? 1 : 0;
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
	sh.history_path = malloc(n);
	if (!sh.history_path)
		return;
	snprintf(sh.history_path, n, "%s/%s", home, TOLLSH_HISTORY_FILE);
	using_history();
	stifle_history(TOLLSH_HISTORY_MAX);
	if (read_history(sh.history_path) != 0)
		write_history(sh.history_path); /* create it, so appends work */
	history_truncate_file(sh.history_path, TOLLSH_HISTORY_MAX);
}

static void tollsh_history_add(const char *line)
{
	if (!*line)
		return;
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (sh.history_path)
		append_history(1, sh.history_path);
}

/* readline's line handler: stash the line and step out of readline; the main
 * loop runs it and re-installs the handler with the new prompt. */
static void tollsh_on_line(char *line)
{
	if (!line)
		sh.eof = true;
	else {
		free(sh.line);
		sh.line = line;
		sh.have_line = true;
	}
	rl_callback_handler_remove();
	sh.rl_active = false;
}

static void tollsh_rl_install(void)
{
	rl_callback_handler_install(sh.prompt ? sh.prompt : "", tollsh_on_line);
	sh.rl_active = true;
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
	sh.defer_monitor = true;
	int rc = tollsh_request(PROTO_HELP, text, OUT_PRINT);
	sh.defer_monitor = false;
	free(text);
	if (rc < 0) {
		sh.lost = rc;
		return 0;
	}
	fflush(stdout);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

/* Ctrl-Z: leave configuration mode, as IOS does ("end"). */
static int tollsh_key_ctrl_z(int count, int key)
{
	(void)count, (void)key;
	sh.ctrl_z = true;
	rl_replace_line("", 0);
	rl_point = 0;
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
	buf_reset(&sh.collect);
	sh.defer_monitor = true;
	int rc = tollsh_request(PROTO_COMPLETE, upto, OUT_COLLECT);
	sh.defer_monitor = false;
	free(upto);
	if (rc < 0)
		sh.lost = rc;
	if (rc < 0 || !sh.collect.len)
		return NULL;

	/* split the newline-separated list in place */
	size_t max = 1;
	for (size_t i = 0; i < sh.collect.len; i++)
		max += sh.collect.p[i] == '\n';
	tollsh_cands = calloc(max, sizeof(*tollsh_cands));
	if (!tollsh_cands)
		return NULL;
	tollsh_ncands = 0;
	for (char *s = sh.collect.p, *e; s && *s; s = e) {
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
	int rc = proto_recv(sh.fd, &t, &sh.frame);
	if (rc < 0)
		return rc;
	if (t == PROTO_OUTPUT) {
		tollsh_print_async(sh.frame.p, sh.frame.len);
		return 0;
	}
	tollsh_dispatch(t, sh.frame.p, sh.frame.len, OUT_PRINT, &status);
	if (t == PROTO_PROMPT && sh.rl_active && sh.prompt) {
		rl_set_prompt(sh.prompt);
		rl_redisplay();
	}
	return 0;
}

/* Run the line readline handed us, with the pager. */
static int tollsh_run_interactive_line(void)
{
	char *line = sh.line;
	bool ctrl_z = sh.ctrl_z;
	sh.line = NULL;
	sh.have_line = false;
	sh.ctrl_z = false;
	if (!ctrl_z)
		tollsh_history_add(line);
	int rc = tollsh_request(PROTO_EXEC, ctrl_z ? "end" : line, OUT_PAGE);
	free(line);
	return rc < 0 ? rc : 0;
}

static int tollsh_interactive(void)
{
	int rc = 0;
	tollsh_history_open();
	tollsh_rl_setup();
	tollsh_rl_install();
	while (!sh.closed) {
		if (sh.have_line) {
			rc = tollsh_run_interactive_line();
			if (rc < 0 || sh.closed)
				break;
		}
		if (sh.eof)
			break;
		if (!sh.rl_active) {
			/* frames already queued (CLOSE after `exit`) go before the prompt */
			struct pollfd q = { .fd = sh.fd, .events = POLLIN };
			while (rc == 0 && !sh.closed && poll(&q, 1, 0) == 1)
				rc = tollsh_async_frame();
			if (rc < 0 || sh.closed)
				break;
			tollsh_rl_install();
		}
		tollsh_flush_deferred();

		struct pollfd pf[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = sh.fd, .events = POLLIN },
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
			if (sh.lost) {
				rc = sh.lost;
				break;
			}
		}
		else if (pf[0].revents & (POLLHUP | POLLERR))
			break;
	}
	bool was_active = sh.rl_active;
	if (sh.rl_active) {
		rl_callback_handler_remove();
		sh.rl_active = false;
	}
	/* Ctrl-D, or the core went away while a line was being typed */
	if (!sh.closed && ((sh.eof && rc == 0) || (rc < 0 && was_active)))
		fputc('\n', stdout);
	fflush(stdout);
	if (rc < 0 && !sh.closed) {
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
			sh.echo = true;
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

	sh.interactive = !ncmds && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	tollsh_signals(sh.interactive);

	sh.fd = tollsh_connect(path);
	if (sh.fd < 0) {
		int e = -sh.fd;
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
	snprintf(hello, sizeof(hello), "tty=%d rows=%d cols=%d%s", sh.interactive ? 1 : 0, rows,
		 cols, sh.echo ? " echo=1" : "");
	int rc = proto_send(sh.fd, PROTO_HELLO, hello, strlen(hello));
	if (!rc)
		rc = tollsh_wait_prompt();
	if (rc < 0) {
		tollsh_lost(rc);
		return 2;
	}

	int status;
	if (sh.interactive) {
		tollsh_tty_setup();
		status = tollsh_interactive();
	} else {
		status = tollsh_batch(ncmds ? cmds : NULL, ncmds);
	}
	fflush(stdout);
	close(sh.fd);
	free(cmds);
	free(sh.prompt);
	free(sh.line);
	free(sh.history_path);
	buf_free(&sh.frame);
	buf_free(&sh.collect);
	buf_free(&sh.deferred);
	return status;
}
