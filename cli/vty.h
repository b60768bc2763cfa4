/* vty.h - one CLI session: its mode, context, output and the config it edits (layer 7).
 *
 * A vty is created for each tollsh connection, and one for the startup-config
 * loader.  Handlers write output with vty_out() and change mode with
 * vty_enter().  Ownership: the vty owns its output buffer; cfg points at the
 * daemon's running configuration (not owned). */
#ifndef TOLLGATE_VTY_H
#define TOLLGATE_VTY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/config.h"

/* How a reference (to a trustpoint, a voice class ...) is checked. */
enum vty_ref_kind {
	REF_TRUSTPOINT, REF_TLS_CIPHER, REF_TLS_PROFILE, REF_SRTP_CRYPTO, REF_URI,
	REF_TENANT, REF_CODEC, REF_KEEPALIVE, REF_KIND_COUNT
};

struct vty {
	enum cli_mode mode;
	uint32_t ctx_tag;          /* dial-peer tag in MODE_DIAL_PEER */
	char ctx_name[CFG_NAME_LEN]; /* class tag / trustpoint name in class/tp modes */
	struct cfg *cfg;           /* the configuration this session edits (not owned) */
	const struct cfg *refs;    /* while loading a file: objects defined anywhere in it */
	struct buf out;            /* output of the current command */
	bool failed;               /* the current command failed */
	bool config_changed;       /* the current command changed the config */

	/* who and where */
	char user[32];             /* login name of the peer (SO_PEERCRED) */
	uid_t uid;
	char line_name[16];        /* "vty0", "console", "startup" */
	bool interactive;          /* typed by a person (refs checked at once) */
	const char *file;          /* while loading a file: its name */
	int lineno;                /*   and the current line          */
	unsigned only_flags;       /* nonzero: run only commands with one of these CLI_F_
				    * flags; other lines are skipped (not errors) */

	/* terminal settings */
	int term_length;           /* 0 = no paging; default 24 */
	int term_width;
	bool monitor;              /* terminal monitor */
	void *priv;                /* owner's data (control connection) */

	/* set by vty_exec() */
	bool closed;               /* `exit`/`logout` in EXEC: the session ends */
	bool prompt_echoed;        /* the client shows prompt+line: carets count the prompt */
	int err_pos;               /* caret offset of the last error, -1 if none */
	char err_msg[256];         /* the last error message, without "% " */
	bool session_dirty;        /* changed the config since entering config mode */
	time_t login_time;
	time_t last_active;
};

void vty_init(struct vty *v, struct cfg *cfg, const char *line_name);
void vty_fini(struct vty *v);
void vty_out(struct vty *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print an error line ("% ...") and mark the command failed; returns CLI_ERR. */
int vty_err(struct vty *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vty_enter(struct vty *v, enum cli_mode mode, uint32_t tag, const char *name);
/* The prompt for the current mode: "NAME#", "NAME(config)#" ... */
const char *vty_prompt(const struct vty *v, char *buf, size_t bufsz);

/* Run one line in the session's mode (walk-up to parent modes, `do`, `no`,
 * pipes).  Output goes to v->out.  Returns 0, or CLI_ERR if the line failed. */
int vty_exec(struct vty *v, const char *line);
/* `?` for the text typed before it: help text, or the error marker. */
void vty_help(struct vty *v, const char *line);
/* Tab: candidates for the word at the end of line, one per line. */
void vty_complete(struct vty *v, const char *line, struct buf *out);

/* Check that a referenced object exists.  Typed interactively: refused at
 * once with an error.  While loading a file: accepted if the object is
 * defined anywhere in the file (v->refs).  Returns 0 or CLI_ERR. */
int vty_ref_check(struct vty *v, enum vty_ref_kind kind, const char *name);
bool cfg_ref_exists(const struct cfg *c, enum vty_ref_kind kind, const char *name);
const char *vty_ref_kind_name(enum vty_ref_kind kind); /* "voice class tls-profile" */

#endif
