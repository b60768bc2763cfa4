/* tollsh.h - what the shell's files share: its state and its terminal and
 * output helpers (cli/tollsh_term.c).  tollsh is one process with one
 * connection, so its state is one global, owned by cli/tollsh.c. */
#ifndef TOLLGATE_CLI_TOLLSH_H
#define TOLLGATE_CLI_TOLLSH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

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

extern struct tollsh tollsh_sh;
/* set by SIGWINCH; the interactive loop re-sends the window size */
extern volatile sig_atomic_t tollsh_winch;

/* terminal and signals */
void tollsh_signals(bool interactive);
void tollsh_tty_setup(void);
void tollsh_tty_restore(void);
void tollsh_winsize(int *rows, int *cols);

/* output: plain, paged with --More--, or asynchronous (MONITOR lines) */
void tollsh_write(const char *p, size_t n);
void tollsh_pager_start(void);
void tollsh_page(const char *p, size_t n);
void tollsh_print_async(const char *p, size_t n);
void tollsh_flush_deferred(void);

#endif
