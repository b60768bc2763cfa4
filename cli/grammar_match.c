/* grammar_match.c - match an input line against the compiled command tables
 * (cli/grammar.c): gram_match(), gram_may_start(), `?` help and Tab
 * completion.
 *
 * Matching walks all sequences of a mode word by word, keeping at each word
 * only the candidates with the best match rank (exact keyword > abbreviated
 * keyword > typed value > WORD > LINE), which is what makes `sh run` work and
 * `s` ambiguous.  `no`, `default` and `do` re-run the matcher on the rest of
 * the line.  Nothing here allocates except a candidate array for a mode with
 * more sequences than struct run holds inline. */
#include "cli/grammar_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* matching                                                             */

enum rank { R_NONE = 0, R_LINE = 1, R_WORD = 2, R_VALUE = 4, R_PARTIAL = 5, R_EXACT = 6 };

static bool all_digits(const char *w, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			return false;
	return true;
}

static bool parse_addr(int af, const char *w, size_t n, int maxlen, bool with_len)
{
	char tmp[128];
	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	char *slash = strchr(tmp, '/');
	if (with_len != (slash != NULL))
		return false;
	if (slash) {
		*slash = '\0';
		size_t ln = strlen(slash + 1);
		if (!all_digits(slash + 1, ln) || ln > 3 || atoi(slash + 1) > maxlen)
			return false;
	}
	unsigned char a[16];
	return inet_pton(af, tmp, a) == 1;
}

/* The first n characters of w and of lower-case pfx are equal, ignoring ASCII case
 * (strncasecmp in the C locale, without a library call per candidate and word). */
static bool ascii_prefix(const char *w, const char *pfx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != (unsigned char)pfx[i])
			return false;
	}
	return true;
}

/* A keyword leaf: w abbreviates it, ASCII case-insensitively (as strncasecmp in
 * the C locale, without a library call for each candidate and word). */
static inline enum rank kw_rank(const struct leaf *l, const char *w, size_t n)
{
	size_t kl = l->len;
	if (n > kl || !n)
		return R_NONE;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)l->text[i], b = (unsigned char)w[i];
		unsigned char la = a | 0x20;
		if (a != b && (la != (b | 0x20) || la < 'a' || la > 'z'))
			return R_NONE;
	}
	return n == kl ? R_EXACT : R_PARTIAL;
}

static enum rank leaf_rank(const struct leaf *l, const char *w, size_t n)
{
	switch (l->type) {
	case T_KW:
		return kw_rank(l, w, n);
	case T_WORD: return R_WORD;
	case T_LINE: return R_LINE;
	case T_RANGE: {
		if (!all_digits(w, n) || n > 12)
			return R_NONE;
		long v = 0;
		for (size_t i = 0; i < n; i++) /* at most 12 digits: no overflow */
			v = v * 10 + (w[i] - '0');
		return v >= l->lo && v <= l->hi ? R_VALUE : R_NONE;
	}
	case T_IPV4: return parse_addr(AF_INET, w, n, 32, false) ? R_VALUE : R_NONE;
	case T_IPV4P: return parse_addr(AF_INET, w, n, 32, true) ? R_VALUE : R_NONE;
	case T_IPV6: return parse_addr(AF_INET6, w, n, 128, false) ? R_VALUE : R_NONE;
	case T_IPV6P: return parse_addr(AF_INET6, w, n, 128, true) ? R_VALUE : R_NONE;
	case T_PLEN:
		return n >= 2 && n <= 4 && w[0] == '/' && all_digits(w + 1, n - 1) &&
		       atoi(w + 1) <= 128 ? R_VALUE : R_NONE;
	case T_TGT4: return n > 5 && ascii_prefix(w, "ipv4:", 5) ? R_VALUE : R_NONE;
	case T_TGT6: return n > 5 && ascii_prefix(w, "ipv6:", 5) ? R_VALUE : R_NONE;
	case T_TGTDNS: return n > 4 && ascii_prefix(w, "dns:", 4) ? R_VALUE : R_NONE;
	}
	return R_NONE;
}

#define MAX_WORDS CLI_MAX_TOKS
struct words { int n; int off[MAX_WORDS]; int len[MAX_WORDS]; const char *line; bool overflow; };

/* isspace() in the C locale (tollgated never sets one), without the table lookup */
static inline bool is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void split_words(const char *line, struct words *w)
{
	w->n = 0;
	w->line = line;
	w->overflow = false;
	const char *p = line;
	for (;;) {
		while (*p && is_blank(*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !is_blank(*p))
			p++;
		if (w->n == MAX_WORDS) {
			w->overflow = true;
			break;
		}
		w->off[w->n] = (int)(s - line);
		w->len[w->n] = (int)(p - s);
		w->n++;
	}
}

/* A sequence still in the running.  Which leaf took each word is not kept:
 * gram_match() replays the winner's steps (cand_rank2() and cand_take() are
 * deterministic), so a candidate stays small. */
struct cand {
	const struct seq *s;
	int pos, reps;
	bool line_done;
	int ntook;
	enum rank rk;             /* the current word's rank, leaf and ambiguity */
	const struct leaf *lf;    /* (set by the first loop of run_step) */
	bool amb;
};

#define RUN_INLINE 32 /* candidates held in struct run itself (a config mode has fewer) */

struct run {
	struct cand *c;     /* inl, or owned when a mode has more sequences */
	struct cand inl[RUN_INLINE];
	int n;
	enum gram_status st;
	int err_word;       /* word index of an error */
	int err_pos;        /* caret byte offset */
	bool no_form, dflt, via_do;
	enum cli_mode mode;
	int first_word;     /* words consumed by no/default/do */
};

static void run_free(struct run *r)
{
	if (r->c != r->inl)
		free(r->c);
	r->c = NULL;
	r->n = 0;
}

/* c0: the first character of the first word (0: unknown); sequences whose
 * first word cannot start with it are left out at once. */
static void run_start(struct run *r, enum cli_mode mode, bool no_form, char c0)
{
	int lc = c0 | 0x20;
	int b = lc >= 'a' && lc <= 'z' ? lc - 'a' : 26;
	const struct modetab *t = &gram_modes[mode];
	r->c = t->n + 1 <= RUN_INLINE ? r->inl : malloc(((size_t)t->n + 1) * sizeof(*r->c));
	r->n = 0;
	r->mode = mode;
	r->no_form = no_form;
	/* c0 unknown (0): every sequence */
	int nidx = c0 ? t->n_by_first[b] : t->n;
	for (int k = 0; k < nidx; k++) {
		const struct seq *s = &t->v[c0 ? t->by_first[b][k] : k];
		if (s->cmd->flags & CLI_F_NOONLY && !no_form)
			continue;
		if (no_form && (!(s->cmd->flags & CLI_F_NO) || s->pseudo))
			continue;
		struct cand *c = &r->c[r->n++];
		c->s = s;
		c->pos = c->reps = c->ntook = 0;
		c->line_done = false;
	}
}

static bool cand_complete(const struct cand *c, bool no_form)
{
	if (c->line_done)
		return true;
	const struct seq *s = c->s;
	if (c->pos == s->nel)
		return true;
	if (c->pos == s->nel - 1 && s->el[c->pos].repeat && c->reps > 0)
		return true;
	if (no_form && c->ntook >= s->nlead)
		return true;
	return false;
}

/* Best leaf of candidate c's current element for word w. */
static enum rank cand_rank2(const struct cand *c, const char *w, size_t n, const struct leaf **lp,
			    bool *amb)
{
	*lp = NULL;
	*amb = false;
	if (c->line_done || c->pos >= c->s->nel)
		return R_NONE;
	const struct elem *e = &c->s->el[c->pos];
	enum rank best = R_NONE;
	for (int i = 0; i < e->nalt; i++) {
		const struct leaf *l = e->alt[i];
		enum rank r = l->type == T_KW ? kw_rank(l, w, n) : leaf_rank(l, w, n);
		if (r > best) {
			best = r;
			*lp = e->alt[i];
			*amb = false;
		} else if (r == best && r == R_PARTIAL) {
			*amb = true; /* two keywords of one choice start with w */
		}
	}
	return best;
}

/* Candidate c takes the current word with leaf l. */
static void cand_take(struct cand *c, const struct leaf *l)
{
	c->ntook++;
	if (l->type == T_LINE)
		c->line_done = true;
	else if (c->s->el[c->pos].repeat)
		c->reps++;
	else {
		c->pos++;
		c->reps = 0;
	}
}

/* Longest prefix of w that a keyword at this position could still match. */
static int kw_prefix_len(const struct run *r, const char *w, size_t n)
{
	int best = 0;
	for (int i = 0; i < r->n; i++) {
		const struct cand *c = &r->c[i];
		if (c->line_done || c->pos >= c->s->nel)
			continue;
		const struct elem *e = &c->s->el[c->pos];
		for (int a = 0; a < e->nalt; a++) {
			if (e->alt[a]->type != T_KW)
				continue;
			const char *k = e->alt[a]->text;
			int j = 0;
			while ((size_t)j < n && k[j] && tolower((unsigned char)k[j]) == tolower((unsigned char)w[j]))
				j++;
			if (j > best)
				best = j;
		}
	}
	return best < (int)n ? best : (int)n - 1;
}

/* Advance all candidates over word i.  Returns false and sets r->st on error. */
static bool run_step(struct run *r, const struct words *w, int i)
{
	const char *wp = w->line + w->off[i];
	size_t wl = (size_t)w->len[i];
	enum rank best = R_NONE;
	for (int k = 0; k < r->n; k++) {
		struct cand *c = &r->c[k];
		c->rk = cand_rank2(c, wp, wl, &c->lf, &c->amb);
		if (c->rk > best)
			best = c->rk;
	}
	if (best == R_NONE) {
		r->st = GRAM_INVALID;
		r->err_word = i;
		r->err_pos = w->off[i] + kw_prefix_len(r, wp, wl);
		return false;
	}
	const char *partial_kw = NULL;
	int out = 0;
	for (int k = 0; k < r->n; k++) {
		struct cand *cp = &r->c[k];
		const struct leaf *l = cp->lf;
		if (cp->rk != best)
			continue;
		if (best == R_PARTIAL) {
			if (cp->amb || (partial_kw && strcasecmp(partial_kw, l->text))) {
				r->st = GRAM_AMBIGUOUS;
				r->err_word = i;
				r->err_pos = w->off[i];
				return false;
			}
			partial_kw = l->text;
		}
		/* keep it: move the state fields (not the per-word rk/lf/amb) down,
		 * one by one, then take the word */
		struct cand *dst = &r->c[out++];
		if (dst != cp) {
			dst->s = cp->s;
			dst->pos = cp->pos;
			dst->reps = cp->reps;
			dst->line_done = cp->line_done;
			dst->ntook = cp->ntook;
		}
		cand_take(dst, l);
	}
	r->n = out;
	return true;
}

bool gram_may_start(enum cli_mode mode, const char *line, unsigned flags)
{
	while (isspace((unsigned char)*line))
		line++;
	size_t n = 0;
	while (line[n] && !isspace((unsigned char)line[n]))
		n++;
	if (!n || mode < 0 || mode >= MODE_COUNT)
		return false;
	int lc = line[0] | 0x20;
	uint32_t want = lc >= 'a' && lc <= 'z' ? (1u << (lc - 'a')) | (1u << 26) : ~0u;
	const struct modetab *t = &gram_modes[mode];
	for (int i = 0; i < t->n; i++) {
		const struct seq *s = &t->v[i];
		int ps = s->pseudo;
		if (!(s->first & want) || (flags && (ps == PSEUDO_DO || (!ps && !(s->cmd->flags & flags)))))
			continue;
		for (int a = 0; s->nel > 0 && a < s->el[0].nalt; a++)
			if (leaf_rank(s->el[0].alt[a], line, n) != R_NONE)
				return true;
	}
	return false;
}

/* Run words [from, to) from the start of mode.  Handles `no`, `default`, `do`. */
static void run_words(struct run *r, enum cli_mode mode, const struct words *w, int to)
{
	/* field by field: inl[] needs no zeroing */
	r->c = NULL;
	r->n = 0;
	r->err_word = r->err_pos = 0;
	r->no_form = r->dflt = r->via_do = false;
	r->first_word = 0;
	run_start(r, mode, false, to > 0 ? w->line[w->off[0]] : 0);
	r->st = GRAM_OK;
	for (int i = 0; i < to; i++) {
		if (!run_step(r, w, i))
			return;
		/* a line part swallows everything */
		if (r->n && r->c[0].line_done) {
			bool all = true;
			for (int k = 0; k < r->n; k++)
				all = all && r->c[k].line_done;
			if (all)
				return;
		}
		if (i == r->first_word && r->n == 1 && r->c[0].s->pseudo) {
			int ps = r->c[0].s->pseudo;
			enum cli_mode m2 = ps == PSEUDO_DO ? MODE_EXEC : mode;
			bool nf = ps != PSEUDO_DO;
			int first = i + 1;
			run_free(r);
			run_start(r, m2, nf, first < to ? w->line[w->off[first]] : 0);
			r->first_word = first;
			r->no_form = nf;
			r->dflt = ps == PSEUDO_DEFAULT;
			r->via_do = ps == PSEUDO_DO;
			r->mode = m2;
		}
	}
}

static const char *leaf_display(const struct leaf *l, char *buf, size_t sz)
{
	switch (l->type) {
	case T_RANGE: snprintf(buf, sz, "<%ld-%ld>", l->lo, l->hi); return buf;
	case T_TGT4: return "ipv4:A.B.C.D[:PORT]";
	case T_TGT6: return "ipv6:[X:X::X]:PORT";
	case T_TGTDNS: return "dns:NAME[:PORT]";
	case T_PLEN: return "/LEN";
	default: return l->text;
	}
}

void gram_match(enum cli_mode mode, const char *line, struct gram_match *m)
{
	struct words w;
	struct run r;
	/* not a memset: the struct carries 2 KiB of argument storage */
	m->st = GRAM_OK;
	m->cmd = NULL;
	m->err_pos = 0;
	m->exec_via_do = false;
	m->args.no = m->args.dflt = false;
	m->args.n = 0;
	m->args.line = NULL;
	split_words(line, &w);
	if (w.n == 0) {
		m->st = GRAM_EMPTY;
		return;
	}
	if (w.overflow) {
		m->st = GRAM_INVALID;
		m->err_pos = w.off[w.n - 1];
		return;
	}
	run_words(&r, mode, &w, w.n);
	m->exec_via_do = r.via_do;
	if (r.st != GRAM_OK) {
		m->st = r.st;
		m->err_pos = r.err_pos;
		goto out;
	}
	const struct cand *win = NULL;
	for (int k = 0; k < r.n && !win; k++)
		if (!r.c[k].s->pseudo && cand_complete(&r.c[k], r.no_form))
			win = &r.c[k];
	if (!win && r.no_form && r.n) {
		/* `no session protocol`: fewer words than the leading keywords, but
		 * only one command can be meant */
		const struct cli_cmd *only = NULL;
		bool unique = true;
		for (int k = 0; k < r.n && unique; k++) {
			if (r.c[k].s->pseudo || r.c[k].ntook < 1)
				continue;
			if (only && only != r.c[k].s->cmd)
				unique = false;
			only = r.c[k].s->cmd;
		}
		for (int k = 0; k < r.n && unique && only && !win; k++)
			if (r.c[k].s->cmd == only && r.c[k].ntook >= 1)
				win = &r.c[k];
	}
	if (!win) {
		m->st = GRAM_INCOMPLETE;
		goto out;
	}
	m->st = GRAM_OK;
	m->cmd = win->s->cmd;
	m->args.no = r.no_form;
	m->args.dflt = r.dflt;
	/* copy the argument strings into m->store */
	size_t used = 0;
	const char *rest = line + w.off[r.first_word < w.n ? r.first_word : 0];
	size_t rl = strlen(rest);
	while (rl && isspace((unsigned char)rest[rl - 1]))
		rl--;
	if (rl >= sizeof(m->store) / 2)
		rl = sizeof(m->store) / 2 - 1;
	memmove(m->store, rest, rl); /* not memcpy: see vty_exec() (gcc keeps this a call) */
	m->store[rl] = '\0';
	m->args.line = m->store;
	used = rl + 1;
	/* the winner's tokens: its steps again, from the word its sequence began at
	 * (each step gives the leaf that step chose; a winner matched every word
	 * up to the end of the line, or up to its LINE) */
	struct cand rep = { .s = win->s };
	for (int wi = r.first_word; wi < w.n && !rep.line_done; wi++) {
		const struct leaf *l;
		bool amb;
		if (cand_rank2(&rep, line + w.off[wi], (size_t)w.len[wi], &l, &amb) == R_NONE)
			break;
		cand_take(&rep, l);
		const char *src = line + w.off[wi];
		size_t n = (size_t)w.len[wi];
		if (l->type == T_LINE) {
			n = strlen(src);
			while (n && isspace((unsigned char)src[n - 1]))
				n--;
		}
		if (l->type == T_KW) {
			src = l->text;
			n = l->len;
		}
		if (used + n + 1 > sizeof(m->store)) {
			m->st = GRAM_INVALID;
			m->err_pos = w.off[wi];
			goto out;
		}
		struct cli_tok *t = &m->args.t[m->args.n++];
		if (l->type == T_KW) {
			/* the keyword's own text (static until gram_fini) serves as the
			 * value; its room in store is still counted, as for a copy */
			t->val = l->text;
		} else {
			memcpy(m->store + used, src, n);
			m->store[used + n] = '\0';
			t->val = m->store + used;
		}
		t->name = l->name;
		t->kw = l->type == T_KW ? l->text : NULL;
		used += n + 1;
	}
out:
	run_free(&r);
}

/* ------------------------------------------------------------------ */
/* help and completion                                                  */

struct hitem { const char *name; const char *help; };

static int hitem_cmp(const void *a, const void *b)
{
	const struct hitem *x = a, *y = b;
	bool cx = !strcmp(x->name, "<cr>"), cy = !strcmp(y->name, "<cr>");
	if (cx != cy)
		return cx ? 1 : -1;
	bool px = x->name[0] == '<' , py = y->name[0] == '<';
	if (px != py)
		return px ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

/* For `?` and Tab: run the matcher over the words of line that are complete
 * (all of them when line ends in a blank); true when the last word is still
 * being typed (it is then left out). */
static bool run_complete_words(struct run *r, enum cli_mode mode, const char *line, struct words *w)
{
	split_words(line, w);
	size_t ll = strlen(line);
	bool partial = ll && !isspace((unsigned char)line[ll - 1]) && w->n > 0;
	run_words(r, mode, w, partial ? w->n - 1 : w->n);
	return partial;
}

enum gram_status gram_help(enum cli_mode mode, const char *line, struct buf *out, int *err_pos)
{
	struct words w;
	struct run r;
	bool partial = run_complete_words(&r, mode, line, &w);
	int full = partial ? w.n - 1 : w.n;
	if (r.st != GRAM_OK) {
		*err_pos = r.err_pos;
		enum gram_status st = r.st;
		run_free(&r);
		return st;
	}
	int cap = 64, n = 0;
	struct hitem *items = malloc(sizeof(*items) * (size_t)cap);
	char (*disp)[48] = malloc(sizeof(*disp) * 4096);
	int nd = 0;
	bool cr = false;
	for (int k = 0; k < r.n; k++) {
		const struct cand *c = &r.c[k];
		if (c->s->cmd->flags & CLI_F_HIDDEN && !c->s->pseudo)
			continue;
		if (!partial && !c->s->pseudo && cand_complete(c, r.no_form) && full > r.first_word)
			cr = true;
		if (c->line_done || c->pos >= c->s->nel)
			continue;
		const struct elem *e = &c->s->el[c->pos];
		for (int a = 0; a < e->nalt; a++) {
			const struct leaf *l = e->alt[a];
			if (partial) {
				const char *wp = line + w.off[w.n - 1];
				if (leaf_rank(l, wp, (size_t)w.len[w.n - 1]) == R_NONE)
					continue;
			}
			const char *d = leaf_display(l, disp[nd % 4096], sizeof(disp[0]));
			if (d == disp[nd % 4096])
				nd++;
			bool dup = false;
			for (int i = 0; i < n && !dup; i++)
				dup = !strcasecmp(items[i].name, d);
			if (dup)
				continue;
			if (n == cap) {
				cap *= 2;
				items = realloc(items, sizeof(*items) * (size_t)cap);
			}
			items[n].name = d;
			items[n].help = l->help;
			n++;
		}
	}
	if (cr && n < cap) {
		items[n].name = "<cr>";
		items[n].help = "";
		n++;
	}
	qsort(items, (size_t)n, sizeof(*items), hitem_cmp);
	enum gram_status st = GRAM_OK;
	if (n == 0) {
		*err_pos = partial ? w.off[w.n - 1] : (int)strlen(line);
		st = partial ? GRAM_INVALID : GRAM_INCOMPLETE;
	} else if (partial) {
		for (int i = 0; i < n; i++)
			buf_printf(out, "%s%s", items[i].name, i + 1 < n ? "  " : "");
		buf_puts(out, "\n");
	} else {
		int width = 0;
		for (int i = 0; i < n; i++)
			if ((int)strlen(items[i].name) > width)
				width = (int)strlen(items[i].name);
		for (int i = 0; i < n; i++) {
			if (!items[i].help[0])
				buf_printf(out, "  %s\n", items[i].name);
			else
				buf_printf(out, "  %-*s  %s\n", width, items[i].name, items[i].help);
		}
	}
	free(items);
	free(disp);
	run_free(&r);
	return st;
}

void gram_complete(enum cli_mode mode, const char *line, struct buf *out)
{
	struct words w;
	struct run r;
	bool partial = run_complete_words(&r, mode, line, &w);
	if (r.st != GRAM_OK)
		goto out;
	const char *wp = partial ? line + w.off[w.n - 1] : "";
	size_t wl = partial ? (size_t)w.len[w.n - 1] : 0;
	const char *seen[256];
	int ns = 0;
	for (int k = 0; k < r.n; k++) {
		const struct cand *c = &r.c[k];
		if (c->line_done || c->pos >= c->s->nel)
			continue;
		if (c->s->cmd->flags & CLI_F_HIDDEN && !c->s->pseudo)
			continue;
		const struct elem *e = &c->s->el[c->pos];
		for (int a = 0; a < e->nalt; a++) {
			const struct leaf *l = e->alt[a];
			if (l->type != T_KW || leaf_rank(l, wp, wl) == R_NONE)
				continue;
			bool dup = false;
			for (int i = 0; i < ns && !dup; i++)
				dup = !strcasecmp(seen[i], l->text);
			if (dup || ns == 256)
				continue;
			seen[ns++] = l->text;
			buf_printf(out, "%s\n", l->text);
		}
	}
out:
	run_free(&r);
}

