/* grammar_int.h - what cli/grammar.c (compiling the command declarations)
 * and cli/grammar_match.c (matching a line, help, completion) share: the
 * compiled tables.  Private to those two files. */
#ifndef TOLLGATE_GRAMMAR_INT_H
#define TOLLGATE_GRAMMAR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/grammar.h"

enum tok_type {
	T_KW, T_WORD, T_LINE, T_RANGE, T_IPV4, T_IPV4P, T_IPV6, T_IPV6P, T_PLEN,
	T_TGT4, T_TGT6, T_TGTDNS,
};

struct leaf {               /* owned by g_leaves */
	enum tok_type type;
	char *text;             /* keyword or display placeholder */
	size_t len;             /* strlen(text) */
	char *name;             /* $name or text */
	long lo, hi;
	const char *help;       /* points into help copy */
};

struct elem {               /* one position of a flattened sequence */
	struct leaf **alt;      /* owned array of borrowed leaves */
	int nalt;
	bool repeat;
};

struct seq {
	const struct cli_cmd *cmd;
	struct elem *el;        /* owned */
	int nel;
	int nlead;              /* leading keyword elements (for `no` forms) */
	uint32_t first;         /* letters a-z its first word may start with (bit 26: anything) */
	int pseudo;             /* pseudo_of(cmd), looked up once */
};

struct modetab {
	struct seq *v;
	int n, cap;
	/* by first character of a line: a-z, then 26 for any other; the indexes
	 * of the sequences whose first word may start with it, in order (owned) */
	int *by_first[27];
	int n_by_first[27];
};

/* the compiled sequences of each mode; built by gram_init(), freed by gram_fini() */
extern struct modetab gram_modes[MODE_COUNT];

/* pseudo-commands of every configuration mode (struct seq.pseudo) */
enum { PSEUDO_NO = 1, PSEUDO_DEFAULT, PSEUDO_DO };

#endif
