/* tollsh_term.c - the shell's terminal: signals, Ctrl-C/Ctrl-Z as keys, the
 * window size, the --More-- pager, and MONITOR lines printed around the line
 * being edited. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "cli/tollsh.h"

#define TOLLSH_MORE " --More-- "

volatile sig_atomic_t tollsh_winch;
static struct termios tollsh_tty_orig;
static bool tollsh_tty_saved;

/* ---- terminal and signals ---------------------------------------------- */

void tollsh_tty_restore(void)
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

void tollsh_signals(bool interactive)
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
void tollsh_tty_setup(void)
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

void tollsh_winsize(int *rows, int *cols)
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

void tollsh_write(const char *p, size_t n)
{
	if (n)
		fwrite(p, 1, n, stdout);
}

/* Reset the pager for a new command's output. */
void tollsh_pager_start(void)
{
	tollsh_sh.discard = false;
	tollsh_sh.lines_left = tollsh_sh.length > 1 ? tollsh_sh.length - 1 : 1;
}

/* Print command output, pausing with --More-- after every length-1 lines.
 * The prompt appears only when there is more to print. */
void tollsh_page(const char *p, size_t n)
{
	while (n && !tollsh_sh.discard) {
		if (tollsh_sh.length <= 0) {
			tollsh_write(p, n);
			return;
		}
		if (tollsh_sh.lines_left <= 0) {
			fputs(TOLLSH_MORE, stdout);
			fflush(stdout);
			int k = tollsh_read_key();
			printf("\r%*s\r", (int)strlen(TOLLSH_MORE), "");
			if (k == ' ')
				tollsh_sh.lines_left = tollsh_sh.length > 1 ? tollsh_sh.length - 1 : 1;
			else if (k == '\r' || k == '\n')
				tollsh_sh.lines_left = 1;
			else if (k == 'q' || k == 'Q' || k == 3) {
				tollsh_sh.discard = true;
				break;
			} else
				tollsh_sh.lines_left = 1; /* any other key: one more line */
		}
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) + 1 : n;
		tollsh_write(p, k);
		if (nl)
			tollsh_sh.lines_left--;
		p += k;
		n -= k;
	}
	fflush(stdout);
}

/* Print an asynchronous line (MONITOR, stray OUTPUT) without corrupting the
 * line being edited: clear it, print, then redraw prompt and line. */
void tollsh_print_async(const char *p, size_t n)
{
	if (!n)
		return;
	if (tollsh_sh.defer_monitor) {
		buf_append(&tollsh_sh.deferred, p, n);
		if (p[n - 1] != '\n')
			buf_append(&tollsh_sh.deferred, "\n", 1);
		return;
	}
	if (tollsh_sh.rl_active)
		rl_clear_visible_line();
	tollsh_write(p, n);
	if (p[n - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
	if (tollsh_sh.rl_active) {
		rl_on_new_line();
		rl_redisplay();
	}
}

void tollsh_flush_deferred(void)
{
	if (!tollsh_sh.deferred.len)
		return;
	struct buf d = tollsh_sh.deferred;
	tollsh_sh.deferred = (struct buf)BUF_INIT;
	tollsh_print_async(d.p, d.len);
	buf_free(&d);
}
