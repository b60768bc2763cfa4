/* grammar.h - the command grammar engine: syntax strings -> matcher, help, completion (layer 7).
 *
 * gram_init() collects every CLI_CMD declaration (linker section `cli_cmds`),
 * compiles each syntax string into flattened token sequences per mode, and
 * checks the declarations (bad syntax, help line count).  The matcher resolves
 * IOS abbreviations, ranks typed tokens above WORD/LINE, reports ambiguity, and
 * supports the `no`/`default` forms of commands flagged CLI_F_NO. */
#ifndef TOLLGATE_GRAMMAR_H
#define TOLLGATE_GRAMMAR_H

#include "cli/cli.h"
#include "core/buf.h"

enum gram_status {
	GRAM_OK = 0,
	GRAM_EMPTY,        /* blank line */
	GRAM_INVALID,      /* % Invalid input detected at '^' marker. */
	GRAM_INCOMPLETE,   /* % Incomplete command. */
	GRAM_AMBIGUOUS,    /* % Ambiguous command: "..." */
};

struct gram_match {
	enum gram_status st;
	const struct cli_cmd *cmd; /* on GRAM_OK */
	int err_pos;               /* byte offset of the caret on GRAM_INVALID */
	bool exec_via_do;          /* matched through `do` in a config mode */
	struct cli_args args;      /* on GRAM_OK; strings point into `store` */
	char store[2048];
};

int gram_init(struct buf *errors);  /* 0, or -EINVAL with a message per bad declaration */
void gram_fini(void);

/* Match a whole line in one mode (no walk-up to parents). */
void gram_match(enum cli_mode mode, const char *line, struct gram_match *m);
/* Whether the first word of line can begin a command of mode that has one of
 * flags (or the `no`/`default` form of one), any command when flags is 0:
 * false means gram_match() cannot match such a command in mode, so a caller
 * may skip the line (or try another mode first). */
bool gram_may_start(enum cli_mode mode, const char *line, unsigned flags);
/* `?` help for the text typed before the `?`.  Returns GRAM_OK with the help
 * text in out, or an error status with err_pos set. */
enum gram_status gram_help(enum cli_mode mode, const char *line, struct buf *out, int *err_pos);
/* Tab: the full keywords that complete the word at the end of line, one per line. */
void gram_complete(enum cli_mode mode, const char *line, struct buf *out);
/* Markdown reference of every command, by mode (docs/commands.md). */
void gram_dump_docs(struct buf *out);

#endif
