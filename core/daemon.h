/* daemon.h - the state of the running core that commands can see (layer 6).
 *
 * One instance, `tg`, owned by core/main.c: the running configuration, where
 * the startup-config lives, the lines rejected when it was loaded, and the
 * list of shell sessions. */
#ifndef TOLLGATE_DAEMON_H
#define TOLLGATE_DAEMON_H

#include <stdbool.h>
#include <time.h>

#include "core/buf.h"
#include "core/config.h"

struct vty;

struct tg_rejected {        /* a startup-config line that was not applied */
	int lineno;
	int col;                /* caret column in text, -1 if none */
	char *text;             /* owned: the line as in the file */
	char *reason;           /* owned: the error, without "% " */
};

struct tg_state {
	struct cfg running;              /* owned */
	char startup_path[512];
	char socket_path[512];
	bool foreground;
	time_t started;
	bool startup_yaml;               /* startup-config is YAML */
	struct tg_rejected *rejected;    /* owned array: lines rejected at boot */
	int nrejected;
	char last_change[64];            /* "13:45:01 UTC Sun Nov 22 2026" */
	char last_change_by[64];
	char last_saved[64];
	/* sessions, for `show users` (maintained by core/ctl.c) */
	struct vty **sessions;
	int nsessions;
};

extern struct tg_state tg;

/* Without --foreground: detach before any thread starts (the media relay's
 * thread would not survive a later fork).  The parent stays until the child
 * calls tg_daemon_ready(), then exits with its status, so start-up errors
 * still reach the terminal and the exit status.  Returns 0 in the child with
 * *ready_fd set, or -errno. */
int tg_daemonize(int *ready_fd);
/* The child is up (status 0: stdio moves to /dev/null) or failed (1). */
void tg_daemon_ready(int *ready_fd, int status);

void tg_clear_rejected(void);
void tg_note_change(const struct vty *v);   /* record "last configuration change" */

#endif
