/* pattern.c - IOS number patterns: validator, compiler to a node list and a
 * bounded backtracking matcher (layer 3).  Semantics are described in pattern.h.
 *
 * A compiled pattern is a flat array of nodes in pre-order.  A node's `next`
 * is the index of its next sibling; a group's children are the nodes from
 * its own index + 1 up to its `next`.  The top-level sequence is [0, n). */
#include "sip/pattern.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DP_MAX_DEPTH 8
#define DP_MAX_NUMBER 128       /* longer "numbers" never match */
#define DP_MAX_STEPS 20000L     /* matcher work bound */
#define DP_DIAL_ALL 0x7ffffu    /* bits 0..18: 0-9 A-F * # + */

enum dp_kind { DPN_LIT, DPN_ANY, DPN_SET, DPN_GROUP };

struct dp_node {     /* 16 bytes: a route index holds one pattern per dial-peer */
	uint8_t kind;    /* enum dp_kind */
	char c;          /* DPN_LIT: the character (upper case for A-F) */
	uint16_t next;   /* index of the next sibling (a pattern has at most
			  * DP_PATTERN_MAX nodes) */
	uint32_t set;    /* DPN_SET: one bit per dialable character index */
	int min, max;    /* repetition bounds */
};

/* Ownership: one allocation, sized to the pattern: the n nodes, then the text
 * (text points just after nodes[n - 1]). */
struct dp_pattern {
	const char *text;
	bool anchored_end;
	size_t n;
	struct dp_node nodes[];
};

/* 0-9 -> 0-9, A-F (a-f) -> 10-15, * -> 16, # -> 17, + -> 18, else -1. */
int dp_dial_index(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c == '*')
		return 16;
	if (c == '#')
		return 17;
	if (c == '+')
		return 18;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Parser                                                               */

struct dp_parser {
	const char *s;
	size_t pos;
	size_t start;           /* position after an optional leading '^' */
	struct dp_node *nodes;
	size_t n;
	bool anchored_end;
	char *err;
	size_t errsz;
};

static int dp_fail(struct dp_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int dp_fail(struct dp_parser *p, const char *fmt, ...)
{
	va_list ap;
	int off;

	if (!p->err || p->errsz == 0)
		return -EINVAL;
	off = snprintf(p->err, p->errsz, "Incorrect format for E.164 Number: ");
	if (off < 0 || (size_t)off >= p->errsz)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + off, p->errsz - (size_t)off, fmt, ap);
	va_end(ap);
	off = (int)strlen(p->err);
	snprintf(p->err + off, p->errsz - (size_t)off, "\n%s", DP_PATTERN_FORM);
	return -EINVAL;
}

/* Printable form of a character for messages. */
static const char *dp_show(char c, char buf[8])
{
	if (c >= 0x20 && c <= 0x7e)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "0x%02x", (unsigned char)c);
	return buf;
}

static size_t dp_new(struct dp_parser *p, enum dp_kind kind)
{
	size_t i = p->n++;

	memset(&p->nodes[i], 0, sizeof(p->nodes[i]));
	p->nodes[i].kind = (uint8_t)kind;
	p->nodes[i].min = 1;
	p->nodes[i].max = 1;
	p->nodes[i].next = (uint16_t)(i + 1);
	return i;
}

static int dp_parse_set(struct dp_parser *p)
{
	size_t open = p->pos;
	uint32_t bits = 0;
	bool neg = false;
	int items = 0;
	char sb[8];
	size_t i;

	p->pos++;
	if (p->s[p->pos] == '^') {
		neg = true;
		p->pos++;
	}
	for (;;) {
		char c = p->s[p->pos];
		int a, b;

		if (c == '\0')
			return dp_fail(p, "unterminated '[' at position %zu", open + 1);
		if (c == ']') {
			p->pos++;
			break;
		}
		if (c == ',') {
			p->pos++;
			continue;
		}
		a = (c >= 'a' && c <= 'f') ? -1 : dp_dial_index(c);
		if (a < 0)
			return dp_fail(p, "invalid character %s at position %zu in [ ]",
				       dp_show(c, sb), p->pos + 1);
		if (p->s[p->pos + 1] == '-') {
			char d = p->s[p->pos + 2];

			if (d == ']' || d == '\0' || d == ',')
				return dp_fail(p, "incomplete range at position %zu", p->pos + 1);
			b = (d >= 'a' && d <= 'f') ? -1 : dp_dial_index(d);
			if (b < 0)
				return dp_fail(p, "invalid character %s at position %zu in [ ]",
					       dp_show(d, sb), p->pos + 3);
			if (a > 15 || b > 15 || a > b)
				return dp_fail(p, "bad range '%c-%c' at position %zu", c, d, p->pos + 1);
			for (int k = a; k <= b; k++)
				bits |= 1u << k;
			p->pos += 3;
		} else {
			bits |= 1u << a;
			p->pos++;
		}
		items++;
	}
	if (items == 0)
		return dp_fail(p, "empty [ ] at position %zu", open + 1);
	if (neg)
		bits = ~bits & DP_DIAL_ALL;
	if (bits == 0)
		return dp_fail(p, "[ ] at position %zu matches nothing", open + 1);
	i = dp_new(p, DPN_SET);
	p->nodes[i].set = bits;
	return 0;
}

/* Parse a sequence until ')' (left unconsumed) or the end. */
static int dp_parse_seq(struct dp_parser *p, int depth)
{
	size_t last = SIZE_MAX;   /* last atom of this sequence */
	bool last_quant = false;
	char sb[8];
	int rc;

	for (;;) {
		char c = p->s[p->pos];
		size_t at = p->pos + 1; /* 1-based, for messages */
		size_t i;

		if (c == '\0' || c == ')')
			return 0;
		if (c == '+' && depth == 0 && p->pos == p->start) {
			/* leading + : literal E.164 plus */
			i = dp_new(p, DPN_LIT);
			p->nodes[i].c = '+';
			last = i;
			last_quant = false;
			p->pos++;
			continue;
		}
		if (c == '?' || c == '%' || c == '+') {
			if (last == SIZE_MAX)
				return dp_fail(p, "'%c' at position %zu has nothing to repeat", c, at);
			if (last_quant)
				return dp_fail(p, "'%c' at position %zu follows another repeat", c, at);
			p->nodes[last].min = (c == '+') ? 1 : 0;
			p->nodes[last].max = (c == '?') ? 1 : INT_MAX;
			last_quant = true;
			p->pos++;
			continue;
		}
		if (c == ',') {           /* pause: no effect on matching */
			p->pos++;
			continue;
		}
		if (c == '$') {
			if (depth > 0 || p->s[p->pos + 1] != '\0')
				return dp_fail(p, "'$' at position %zu must end the pattern", at);
			p->anchored_end = true;
			p->pos++;
			return 0;
		}
		if (c == 'T') {
			const char *r = p->s + p->pos + 1;

			if (depth > 0 || !(r[0] == '\0' || (r[0] == '$' && r[1] == '\0')))
				return dp_fail(p, "'T' at position %zu must end the pattern", at);
			i = dp_new(p, DPN_ANY);
			p->nodes[i].min = 0;
			p->nodes[i].max = DP_PATTERN_T_MAX;
			last = SIZE_MAX; /* T takes no repeat */
			p->pos++;
			continue;
		}
		if (c == '[') {
			rc = dp_parse_set(p);
			if (rc)
				return rc;
			last = p->n - 1;
			last_quant = false;
			continue;
		}
		if (c == '(') {
			if (depth + 1 > DP_MAX_DEPTH)
				return dp_fail(p, "groups nested too deep at position %zu", at);
			i = dp_new(p, DPN_GROUP);
			p->pos++;
			rc = dp_parse_seq(p, depth + 1);
			if (rc)
				return rc;
			if (p->s[p->pos] != ')')
				return dp_fail(p, "unmatched '(' at position %zu", at);
			if (p->n == i + 1)
				return dp_fail(p, "empty ( ) at position %zu", at);
			p->nodes[i].next = (uint16_t)p->n;
			p->pos++;
			last = i;
			last_quant = false;
			continue;
		}
		if (c == '\\') {
			char e = p->s[p->pos + 1];

			if (e == '\0')
				return dp_fail(p, "'\\' at position %zu escapes nothing", at);
			if (e < 0x21 || e > 0x7e)
				return dp_fail(p, "invalid character %s at position %zu",
					       dp_show(e, sb), at + 1);
			i = dp_new(p, DPN_LIT);
			p->nodes[i].c = e;
			p->pos += 2;
			last = i;
			last_quant = false;
			continue;
		}
		if (c == '.') {
			i = dp_new(p, DPN_ANY);
		} else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || c == '*' || c == '#') {
			i = dp_new(p, DPN_LIT);
			p->nodes[i].c = c;
		} else if (c == '^') {
			return dp_fail(p, "'^' at position %zu is only allowed at the start or in [ ]", at);
		} else {
			return dp_fail(p, "invalid character %s at position %zu", dp_show(c, sb), at);
		}
		last = i;
		last_quant = false;
		p->pos++;
	}
}

/* The nodes are parsed into a buffer on the stack (a pattern of len
 * characters makes at most len of them); with out, the compiled pattern is
 * then allocated at its exact size. */
static int dp_parse(const char *pat, struct dp_pattern **out, char *err, size_t errsz)
{
	struct dp_parser p = { .s = pat, .err = err, .errsz = errsz };
	struct dp_node nodes[DP_PATTERN_MAX + 1];
	struct dp_pattern *dp;
	size_t len;
	int rc;

	if (err && errsz)
		err[0] = '\0';
	if (!pat || !*pat)
		return dp_fail(&p, "empty pattern");
	len = strlen(pat);
	if (len > DP_PATTERN_MAX)
		return dp_fail(&p, "pattern longer than %d characters", DP_PATTERN_MAX);
	p.nodes = nodes;
	if (pat[0] == '^')
		p.pos = p.start = 1;
	rc = dp_parse_seq(&p, 0);
	if (rc)
		return rc;
	if (pat[p.pos] == ')')
		return dp_fail(&p, "unmatched ')' at position %zu", p.pos + 1);
	if (p.n == 0)
		return dp_fail(&p, "no digits or wildcards");
	if (!out)
		return 0;
	dp = malloc(sizeof(*dp) + p.n * sizeof(struct dp_node) + len + 1);
	if (!dp)
		return -ENOMEM;
	memcpy(dp->nodes, nodes, p.n * sizeof(struct dp_node));
	memcpy((char *)&dp->nodes[p.n], pat, len + 1);
	dp->text = (const char *)&dp->nodes[p.n];
	dp->n = p.n;
	dp->anchored_end = p.anchored_end;
	*out = dp;
	return 0;
}

int dp_pattern_validate(const char *pat, char *err, size_t errsz)
{
	return dp_parse(pat, NULL, err, errsz);
}

int dp_pattern_compile(const char *pat, struct dp_pattern **out)
{
	*out = NULL;
	return dp_parse(pat, out, NULL, 0);
}

void dp_pattern_free(struct dp_pattern *p)
{
	free(p);
}

const char *dp_pattern_text(const struct dp_pattern *p)
{
	return p->text;
}

/* ------------------------------------------------------------------ */
/* Matcher: continuation-passing backtracking over the node array.     */

enum dp_kt { DPK_SEQ, DPK_REP };

struct dp_k {                  /* what to do after the current node (on the stack) */
	enum dp_kt kind;
	size_t i, end;             /* DPK_SEQ: continue with siblings [i, end) */
	size_t ni;                 /* DPK_REP: the repeated node */
	int done;                  /*          iterations completed */
	size_t start;              /*          where this iteration began */
	const struct dp_k *next;
};

struct dp_m {
	const struct dp_pattern *p;
	const char *s;
	size_t len;
	long steps;
	int lits;                  /* result: explicit digits of the match */
};

static bool dp_cont(struct dp_m *m, const struct dp_k *k, size_t pos, int lits);

static bool dp_seq(struct dp_m *m, size_t i, size_t end, size_t pos, int lits, const struct dp_k *k);

static bool dp_one(struct dp_m *m, size_t ni, size_t pos, int lits, const struct dp_k *k)
{
	const struct dp_node *nd = &m->p->nodes[ni];
	int idx;

	switch (nd->kind) {
	case DPN_LIT: {
		char c = pos < m->len ? m->s[pos] : '\0';

		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		if (pos < m->len && c == nd->c)
			return dp_cont(m, k, pos + 1, lits + 1);
		return false;
	}
	case DPN_ANY:
		if (pos < m->len && dp_dial_index(m->s[pos]) >= 0)
			return dp_cont(m, k, pos + 1, lits);
		return false;
	case DPN_SET:
		if (pos >= m->len)
			return false;
		idx = dp_dial_index(m->s[pos]);
		if (idx >= 0 && (nd->set & (1u << idx)))
			return dp_cont(m, k, pos + 1, lits);
		return false;
	case DPN_GROUP:
		return dp_seq(m, ni + 1, nd->next, pos, lits, k);
	}
	return false;
}

/* Node ni has matched `done` times; try one more (greedy), then stop. */
static bool dp_rep(struct dp_m *m, size_t ni, int done, size_t pos, int lits, const struct dp_k *after)
{
	const struct dp_node *nd = &m->p->nodes[ni];

	if (++m->steps > DP_MAX_STEPS)
		return false;
	if (done < nd->max) {
		struct dp_k again = { .kind = DPK_REP, .ni = ni, .done = done + 1,
				      .start = pos, .next = after };

		if (dp_one(m, ni, pos, lits, &again))
			return true;
	}
	if (done >= nd->min)
		return dp_cont(m, after, pos, lits);
	return false;
}

static bool dp_seq(struct dp_m *m, size_t i, size_t end, size_t pos, int lits, const struct dp_k *k)
{
	struct dp_k after;

	if (i >= end)
		return dp_cont(m, k, pos, lits);
	after = (struct dp_k){ .kind = DPK_SEQ, .i = m->p->nodes[i].next, .end = end, .next = k };
	return dp_rep(m, i, 0, pos, lits, &after);
}

static bool dp_cont(struct dp_m *m, const struct dp_k *k, size_t pos, int lits)
{
	if (m->steps > DP_MAX_STEPS)
		return false;
	if (!k) {
		if (m->p->anchored_end && pos != m->len)
			return false;
		m->lits = lits;
		return true;
	}
	if (k->kind == DPK_SEQ)
		return dp_seq(m, k->i, k->end, pos, lits, k->next);
	/* an iteration that consumed nothing beyond the minimum would loop */
	if (pos == k->start && k->done > m->p->nodes[k->ni].min)
		return false;
	return dp_rep(m, k->ni, k->done, pos, lits, k->next);
}

bool dp_pattern_match(const struct dp_pattern *p, const char *number, int *match_len)
{
	struct dp_m m = { .p = p, .s = number };

	if (!p || !number)
		return false;
	m.len = strnlen(number, DP_MAX_NUMBER + 1);
	if (m.len > DP_MAX_NUMBER)
		return false;
	if (!dp_seq(&m, 0, p->n, 0, 0, NULL))
		return false;
	if (match_len)
		*match_len = m.lits;
	return true;
}

bool dp_pattern_warn_empty(const char *pat)
{
	struct dp_pattern *p = NULL;
	bool empty;

	if (dp_pattern_compile(pat, &p))
		return false;
	empty = dp_pattern_match(p, "", NULL);
	dp_pattern_free(p);
	return empty;
}
