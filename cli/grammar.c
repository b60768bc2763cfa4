/* grammar.c - compile CLI_CMD syntax strings into the per-mode tables that
 * cli/grammar_match.c matches lines against, and write the command reference.
 *
 * Each syntax string is parsed into a small tree (sequence, [optional],
 * {alternatives}, leaves) and flattened into linear sequences of elements; an
 * element is a set of alternative leaves (so `{udp|tcp}` costs one element,
 * not two sequences) that may repeat (`...`, only as the last element).  `no`,
 * `default` and `do` are pseudo-commands of every configuration mode.
 *
 * Ownership: all compiled data lives in static tables built by gram_init()
 * and freed by gram_fini(). */
#include "cli/grammar_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct modetab gram_modes[MODE_COUNT];
static struct leaf **g_leaves;
static int g_nleaves, g_capleaves;
static char **g_helps;
static int g_nhelps;

static const struct cli_cmd g_pseudo[4] = {
	{ 0 },
	{ "no", "Negate a command or set its defaults\n", MODE_CONFIG, CLI_F_HIDDEN, NULL, __FILE__, __LINE__ },
	{ "default", "Set a command to its defaults\n", MODE_CONFIG, CLI_F_HIDDEN, NULL, __FILE__, __LINE__ },
	{ "do", "To run exec commands in config mode\n", MODE_CONFIG, CLI_F_HIDDEN, NULL, __FILE__, __LINE__ },
};

static int pseudo_of(const struct cli_cmd *c)
{
	for (int i = 1; i < 4; i++)
		if (c == &g_pseudo[i])
			return i;
	return 0;
}

/* ------------------------------------------------------------------ */
/* syntax parsing                                                       */

enum node_kind { N_LEAF, N_SEQ, N_OPT, N_ALT };
struct node {
	enum node_kind k;
	struct leaf *leaf;
	struct node **ch;
	int nch;
	bool repeat;
};

struct sparse {             /* syntax parser state */
	const char *p;
	const struct cli_cmd *cmd;
	const char *helps[CLI_MAX_TOKS];
	int nhelp, hused;
	struct buf *err;
	int bad;
};

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nch; i++)
		node_free(n->ch[i]);
	free(n->ch);
	free(n);
}

static struct node *node_new(enum node_kind k)
{
	struct node *n = calloc(1, sizeof(*n));
	if (n)
		n->k = k;
	return n;
}

static int node_add(struct node *n, struct node *c)
{
	struct node **v = realloc(n->ch, sizeof(*v) * (size_t)(n->nch + 1));
	if (!v)
		return -ENOMEM;
	n->ch = v;
	n->ch[n->nch++] = c;
	return 0;
}

static struct leaf *leaf_new(struct sparse *sp, const char *w, size_t len)
{
	struct leaf *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	char *t = strndup(w, len);
	char *dollar = strchr(t, '$');
	if (dollar) {
		*dollar = '\0';
		l->name = strdup(dollar + 1);
	}
	l->text = t;
	l->len = strlen(t);
	long lo, hi;
	char c;
	if (!strcmp(t, "WORD")) l->type = T_WORD;
	else if (!strcmp(t, "LINE")) l->type = T_LINE;
	else if (!strcmp(t, "A.B.C.D")) l->type = T_IPV4;
	else if (!strcmp(t, "A.B.C.D/M")) l->type = T_IPV4P;
	else if (!strcmp(t, "X:X::X:X")) l->type = T_IPV6;
	else if (!strcmp(t, "X:X::X:X/M")) l->type = T_IPV6P;
	else if (!strcmp(t, "/M")) l->type = T_PLEN;
	else if (!strcmp(t, "ipv4:TARGET")) l->type = T_TGT4;
	else if (!strcmp(t, "ipv6:TARGET")) l->type = T_TGT6;
	else if (!strcmp(t, "dns:TARGET")) l->type = T_TGTDNS;
	else if (sscanf(t, "<%ld-%ld%c", &lo, &hi, &c) == 3 && c == '>') {
		l->type = T_RANGE;
		l->lo = lo;
		l->hi = hi;
	} else
		l->type = T_KW;
	if (!l->name)
		l->name = strdup(t);
	if (sp->hused < sp->nhelp)
		l->help = sp->helps[sp->hused];
	else
		l->help = "";
	sp->hused++;
	if (g_nleaves == g_capleaves) {
		g_capleaves = g_capleaves ? g_capleaves * 2 : 256;
		g_leaves = realloc(g_leaves, sizeof(*g_leaves) * (size_t)g_capleaves);
	}
	g_leaves[g_nleaves++] = l;
	return l;
}

static void skip_ws(struct sparse *sp)
{
	while (*sp->p == ' ' || *sp->p == '\t')
		sp->p++;
}

static bool take_repeat(struct sparse *sp)
{
	if (!strncmp(sp->p, "...", 3)) {
		sp->p += 3;
		return true;
	}
	return false;
}

static struct node *parse_seq(struct sparse *sp);

static struct node *parse_group(struct sparse *sp, char close)
{
	struct node *alt = node_new(N_ALT);
	for (;;) {
		struct node *s = parse_seq(sp);
		if (!s || node_add(alt, s)) {
			node_free(s);
			goto fail;
		}
		skip_ws(sp);
		if (*sp->p == '|') {
			sp->p++;
			continue;
		}
		if (*sp->p == close) {
			sp->p++;
			return alt;
		}
		goto fail;
	}
fail:
	sp->bad = 1;
	node_free(alt);
	return NULL;
}

static struct node *parse_seq(struct sparse *sp)
{
	struct node *seq = node_new(N_SEQ);
	for (;;) {
		skip_ws(sp);
		char c = *sp->p;
		if (!c || c == ']' || c == '}' || c == '|')
			return seq;
		struct node *item = NULL;
		if (c == '[' || c == '{') {
			sp->p++;
			struct node *g = parse_group(sp, c == '[' ? ']' : '}');
			if (!g)
				goto fail;
			if (c == '[') {
				item = node_new(N_OPT);
				node_add(item, g);
			} else
				item = g;
			item->repeat = take_repeat(sp);
		} else {
			const char *s = sp->p;
			while (*sp->p && !strchr(" \t[]{}|", *sp->p))
				sp->p++;
			size_t len = (size_t)(sp->p - s);
			bool rep = len > 3 && !strncmp(sp->p - 3, "...", 3);
			if (rep)
				len -= 3;
			item = node_new(N_LEAF);
			item->leaf = leaf_new(sp, s, len);
			item->repeat = rep;
		}
		node_add(seq, item);
	}
fail:
	node_free(seq);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* flattening                                                           */

struct eseq { struct elem *el; int n; };
struct eseqs { struct eseq *v; int n; };

#define MAX_FLAT 1024

static void eseqs_free(struct eseqs *s)
{
	for (int i = 0; i < s->n; i++) {
		for (int j = 0; j < s->v[i].n; j++)
			free(s->v[i].el[j].alt);
		free(s->v[i].el);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static struct elem elem_dup(const struct elem *e)
{
	struct elem d = *e;
	d.alt = malloc(sizeof(*d.alt) * (size_t)e->nalt);
	memcpy(d.alt, e->alt, sizeof(*d.alt) * (size_t)e->nalt);
	return d;
}

static void eseqs_push(struct eseqs *s, struct elem *el, int n)
{
	s->v = realloc(s->v, sizeof(*s->v) * (size_t)(s->n + 1));
	s->v[s->n].el = el;
	s->v[s->n].n = n;
	s->n++;
}

static int flatten(const struct node *nd, struct eseqs *out)
{
	out->v = NULL;
	out->n = 0;
	switch (nd->k) {
	case N_LEAF: {
		struct elem *e = calloc(1, sizeof(*e));
		e->alt = malloc(sizeof(*e->alt));
		e->alt[0] = nd->leaf;
		e->nalt = 1;
		e->repeat = nd->repeat;
		eseqs_push(out, e, 1);
		return 0;
	}
	case N_OPT: {
		int rc = flatten(nd->ch[0], out);
		if (rc)
			return rc;
		eseqs_push(out, NULL, 0);
		return 0;
	}
	case N_ALT: {
		/* all alternatives single leaves: one element with several alts */
		bool simple = true;
		for (int i = 0; i < nd->nch && simple; i++) {
			const struct node *c = nd->ch[i];
			simple = c->k == N_SEQ && c->nch == 1 && c->ch[0]->k == N_LEAF && !c->ch[0]->repeat;
		}
		if (simple) {
			struct elem *e = calloc(1, sizeof(*e));
			e->alt = malloc(sizeof(*e->alt) * (size_t)nd->nch);
			for (int i = 0; i < nd->nch; i++)
				e->alt[i] = nd->ch[i]->ch[0]->leaf;
			e->nalt = nd->nch;
			e->repeat = nd->repeat;
			eseqs_push(out, e, 1);
			return 0;
		}
		if (nd->repeat)
			return -EINVAL; /* repeat only on simple alternatives */
		for (int i = 0; i < nd->nch; i++) {
			struct eseqs sub;
			int rc = flatten(nd->ch[i], &sub);
			if (rc)
				return rc;
			for (int j = 0; j < sub.n; j++)
				eseqs_push(out, sub.v[j].el, sub.v[j].n);
			free(sub.v);
		}
		return out->n > MAX_FLAT ? -E2BIG : 0;
	}
	case N_SEQ: {
		eseqs_push(out, NULL, 0);
		for (int i = 0; i < nd->nch; i++) {
			struct eseqs sub, next = { NULL, 0 };
			int rc = flatten(nd->ch[i], &sub);
			if (rc)
				return rc;
			if ((long)out->n * sub.n > MAX_FLAT) {
				eseqs_free(&sub);
				return -E2BIG;
			}
			for (int a = 0; a < out->n; a++)
				for (int b = 0; b < sub.n; b++) {
					int n = out->v[a].n + sub.v[b].n;
					struct elem *el = calloc((size_t)n + 1, sizeof(*el));
					for (int k = 0; k < out->v[a].n; k++)
						el[k] = elem_dup(&out->v[a].el[k]);
					for (int k = 0; k < sub.v[b].n; k++)
						el[out->v[a].n + k] = elem_dup(&sub.v[b].el[k]);
					eseqs_push(&next, el, n);
				}
			eseqs_free(out);
			eseqs_free(&sub);
			*out = next;
		}
		return 0;
	}
	}
	return -EINVAL;
}

static void mode_add(enum cli_mode m, const struct cli_cmd *cmd, struct elem *el, int n, int nlead)
{
	struct modetab *t = &gram_modes[m];
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = realloc(t->v, sizeof(*t->v) * (size_t)t->cap);
	}
	struct seq *s = &t->v[t->n++];
	s->cmd = cmd;
	s->nel = n;
	s->el = calloc((size_t)n + 1, sizeof(*s->el));
	for (int i = 0; i < n; i++)
		s->el[i] = elem_dup(&el[i]);
	s->nlead = nlead < 1 ? 1 : nlead;
	s->pseudo = pseudo_of(cmd);
	s->first = 0;
	for (int a = 0; n > 0 && a < s->el[0].nalt; a++) {
		const struct leaf *l = s->el[0].alt[a];
		int ch = l->type == T_KW ? (l->text[0] | 0x20) : 0;
		s->first |= ch >= 'a' && ch <= 'z' ? 1u << (ch - 'a') : 1u << 26;
	}
}

/* Leading keywords of the syntax as written, up to the first [ { or value:
 * a `no` form may stop after them (`no session transport`). */
static int leading_keywords(const char *syntax)
{
	int n = 0;
	const char *p = syntax;
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '[' || *p == '{')
			return n;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		if (memchr(p, '$', len) || (len >= 4 && !strncmp(p, "WORD", 4)) || !strncmp(p, "LINE", 4) ||
		    *p == '<' || *p == '/' || memchr(p, ':', len) || !strncmp(p, "A.B.C.D", 7) ||
		    !strncmp(p, "X:X", 3) || (len > 3 && !strncmp(e - 3, "...", 3)))
			return n;
		n++;
		p = e;
	}
}

static bool is_config_mode(int m)
{
	return m != MODE_EXEC;
}

static int compile_cmd(const struct cli_cmd *cmd, struct buf *errors)
{
	struct sparse sp = { .p = cmd->syntax, .cmd = cmd, .err = errors };
	char *h = strdup(cmd->help ? cmd->help : "");
	g_helps = realloc(g_helps, sizeof(*g_helps) * (size_t)(g_nhelps + 1));
	g_helps[g_nhelps++] = h;
	for (char *p = h; *p && sp.nhelp < CLI_MAX_TOKS;) {
		char *nl = strchr(p, '\n');
		sp.helps[sp.nhelp++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	struct node *root = parse_seq(&sp);
	int rc = 0;
	if (!root || sp.bad || *sp.p) {
		buf_printf(errors, "%s:%d: bad syntax string \"%s\"\n", cmd->file, cmd->line, cmd->syntax);
		rc = -EINVAL;
		goto out;
	}
	if (sp.hused != sp.nhelp) {
		buf_printf(errors, "%s:%d: \"%s\" has %d tokens but %d help lines\n", cmd->file,
			   cmd->line, cmd->syntax, sp.hused, sp.nhelp);
		rc = -EINVAL;
	}
	struct eseqs fl;
	int frc = flatten(root, &fl);
	if (frc) {
		buf_printf(errors, "%s:%d: cannot flatten \"%s\" (%s)\n", cmd->file, cmd->line,
			   cmd->syntax, strerror(-frc));
		rc = frc;
		goto out;
	}
	for (int i = 0; i < fl.n; i++) {
		if (fl.v[i].n == 0)
			continue;
		for (int j = 0; j + 1 < fl.v[i].n; j++)
			if (fl.v[i].el[j].repeat) {
				buf_printf(errors, "%s:%d: repeat must be last in \"%s\"\n", cmd->file,
					   cmd->line, cmd->syntax);
				rc = -EINVAL;
			}
		int nlead = leading_keywords(cmd->syntax);
		if ((int)cmd->mode == MODE_ALL_CONFIG) {
			for (int m = 0; m < MODE_COUNT; m++)
				if (is_config_mode(m))
					mode_add((enum cli_mode)m, cmd, fl.v[i].el, fl.v[i].n, nlead);
		} else
			mode_add(cmd->mode, cmd, fl.v[i].el, fl.v[i].n, nlead);
	}
	eseqs_free(&fl);
out:
	node_free(root);
	return rc;
}

extern const struct cli_cmd *const __start_cli_cmds[] __attribute__((weak));
extern const struct cli_cmd *const __stop_cli_cmds[] __attribute__((weak));

int gram_init(struct buf *errors)
{
	int rc = 0;
	for (int i = 1; i < 4; i++) {
		struct sparse sp = { .p = g_pseudo[i].syntax };
		sp.helps[0] = g_pseudo[i].help;
		sp.nhelp = 1;
		/* help strings of pseudo commands end with \n; strip via a copy */
		char *h = strndup(g_pseudo[i].help, strlen(g_pseudo[i].help) - 1);
		g_helps = realloc(g_helps, sizeof(*g_helps) * (size_t)(g_nhelps + 1));
		g_helps[g_nhelps++] = h;
		sp.helps[0] = h;
		struct leaf *l = leaf_new(&sp, g_pseudo[i].syntax, strlen(g_pseudo[i].syntax));
		struct elem e = { .alt = &l, .nalt = 1 };
		for (int m = 0; m < MODE_COUNT; m++)
			if (is_config_mode(m))
				mode_add((enum cli_mode)m, &g_pseudo[i], &e, 1, 1);
	}
	for (const struct cli_cmd *const *p = __start_cli_cmds; __start_cli_cmds && p < __stop_cli_cmds; p++) {
		int r = compile_cmd(*p, errors);
		if (r)
			rc = r;
	}
	/* index each mode's sequences by the letter a line starts with */
	for (int m = 0; m < MODE_COUNT; m++) {
		struct modetab *t = &gram_modes[m];
		for (int b = 0; b < 27; b++) {
			uint32_t want = b < 26 ? (1u << b) | (1u << 26) : ~0u;
			t->by_first[b] = malloc(sizeof(int) * (size_t)(t->n + 1));
			t->n_by_first[b] = 0;
			for (int i = 0; t->by_first[b] && i < t->n; i++)
				if (t->v[i].first & want)
					t->by_first[b][t->n_by_first[b]++] = i;
		}
	}
	return rc;
}

void gram_fini(void)
{
	for (int m = 0; m < MODE_COUNT; m++) {
		for (int i = 0; i < gram_modes[m].n; i++) {
			for (int j = 0; j < gram_modes[m].v[i].nel; j++)
				free(gram_modes[m].v[i].el[j].alt);
			free(gram_modes[m].v[i].el);
		}
		free(gram_modes[m].v);
		gram_modes[m].v = NULL;
		gram_modes[m].n = gram_modes[m].cap = 0;
		for (int b = 0; b < 27; b++) {
			free(gram_modes[m].by_first[b]);
			gram_modes[m].by_first[b] = NULL;
			gram_modes[m].n_by_first[b] = 0;
		}
	}
	for (int i = 0; i < g_nleaves; i++) {
		free(g_leaves[i]->text);
		free(g_leaves[i]->name);
		free(g_leaves[i]);
	}
	free(g_leaves);
	g_leaves = NULL;
	g_nleaves = g_capleaves = 0;
	for (int i = 0; i < g_nhelps; i++)
		free(g_helps[i]);
	free(g_helps);
	g_helps = NULL;
	g_nhelps = 0;
}

/* ------------------------------------------------------------------ */
/* documentation                                                        */

void gram_dump_docs(struct buf *out)
{
	buf_puts(out, "# Tollgate command reference\n\n"
		 "Generated from the command declarations by `tollgated --dump-commands`;\n"
		 "do not edit by hand.  Syntax: `[x]` optional, `{a | b}` one of, `x...` repeatable;\n"
		 "`WORD`, `LINE`, `<lo-hi>`, `A.B.C.D`, `/M` (prefix length), `ipv4:TARGET`\n"
		 "(`ipv4:A.B.C.D[:PORT]`), `ipv6:TARGET`, `dns:TARGET` (`dns:NAME[:PORT]`) are values.\n"
		 "Commands marked *no* also accept the `no` and `default` forms.\n");
	if (!__start_cli_cmds)
		return;
	for (int m = 0; m <= MODE_COUNT; m++) {
		bool header = false;
		for (const struct cli_cmd *const *p = __start_cli_cmds; p < __stop_cli_cmds; p++) {
			const struct cli_cmd *c = *p;
			if ((int)c->mode != m || c->flags & CLI_F_HIDDEN)
				continue;
			if (!header) {
				if (m == MODE_COUNT)
					buf_puts(out, "\n## Every configuration mode\n\n");
				else if (m == MODE_EXEC)
					buf_puts(out, "\n## EXEC mode (`NAME#`)\n\n");
				else
					buf_printf(out, "\n## Mode `%s` (`NAME(%s)#`)\n\n", cli_modes[m].name,
						   cli_modes[m].prompt);
				header = true;
			}
			buf_printf(out, "### `%s`%s\n\n", c->syntax, c->flags & CLI_F_NO ? " *(no)*" : "");
			/* one row per token with help */
			const char *h = c->help;
			const char *s = c->syntax;
			buf_puts(out, "| token | help |\n|---|---|\n");
			while (*s) {
				while (*s && strchr(" \t[]{}|", *s))
					s++;
				if (!*s)
					break;
				const char *e = s;
				while (*e && !strchr(" \t[]{}|", *e))
					e++;
				const char *nl = h ? strchr(h, '\n') : NULL;
				int hl = nl ? (int)(nl - h) : (h ? (int)strlen(h) : 0);
				int tl = (int)(e - s);
				const char *dollar = memchr(s, '$', (size_t)tl);
				if (dollar)
					tl = (int)(dollar - s);
				buf_printf(out, "| `%.*s` | %.*s |\n", tl, s, hl, h ? h : "");
				if (nl)
					h = nl + 1;
				else
					h = NULL;
				s = e;
			}
			buf_puts(out, "\n");
		}
	}
}
