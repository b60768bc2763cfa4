/* config_yaml_load.c - load a YAML document into a struct cfg (layer 2).
 *
 * libyaml builds the node tree; we walk it against the schema tables of
 * config_yaml.c.  Every problem becomes one "FILE:LINE: PATH: message" line;
 * whatever is valid is still loaded.  Two passes: the first creates every
 * keyed object (trustpoints, classes, dial-peers) so that references can be
 * checked in the second whatever the order of the blocks in the file. */
#include "core/config_yaml.h"
#include "core/config_yaml_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* errors and paths                                                     */

void yl_err(struct yload *L, const yaml_node_t *n, const char *fmt, ...)
{
	struct yerr *e;
	char *msg = NULL;
	va_list ap;
	int rc;

	if (L->nerr == L->caperr) {
		size_t cap = L->caperr ? L->caperr * 2 : 16;
		e = realloc(L->errs, cap * sizeof(*e));
		if (!e) {
			L->oom = true;
			return;
		}
		L->errs = e;
		L->caperr = cap;
	}
	va_start(ap, fmt);
	rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		L->oom = true;
		return;
	}
	e = &L->errs[L->nerr];
	e->line = n ? n->start_mark.line + 1 : 1;
	e->seq = L->nerr;
	e->msg = NULL;
	if (L->plen)
		rc = asprintf(&e->msg, "%s: %s", L->path, msg);
	else
		rc = asprintf(&e->msg, "%s", msg);
	free(msg);
	if (rc < 0) {
		L->oom = true;
		return;
	}
	L->nerr++;
}

size_t yl_push(struct yload *L, const char *fmt, ...)
{
	size_t old = L->plen;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(L->path + old, sizeof(L->path) - old, fmt, ap);
	va_end(ap);
	L->plen = strlen(L->path);
	return old;
}

size_t yl_push_key(struct yload *L, const char *key)
{
	return yl_push(L, "%s%s", L->plen ? "." : "", key);
}

void yl_pop(struct yload *L, size_t old)
{
	L->plen = old;
	L->path[old] = '\0';
}

/* ------------------------------------------------------------------ */
/* scalars                                                              */

yaml_node_t *yl_node(struct yload *L, int idx)
{
	return yaml_document_get_node(&L->doc, idx);
}

static bool is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool yl_is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	return is_plain(n) && (!*s || !strcmp(s, "~") || !strcmp(s, "null") ||
			       !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

/* What a node is, for messages: the quoted value, "a list" ... */
const char *yl_desc(const yaml_node_t *n, char *buf, size_t bufsz)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (yl_is_null(n))
		return "nothing";
	snprintf(buf, bufsz, "\"%.40s%s\"", (const char *)n->data.scalar.value,
		 n->data.scalar.length > 40 ? "..." : "");
	return buf;
}

int yl_str(struct yload *L, const yaml_node_t *n, const char **out)
{
	char d[64];
	if (n->type != YAML_SCALAR_NODE || yl_is_null(n)) {
		yl_err(L, n, "expected a string, got %s", yl_desc(n, d, sizeof(d)));
		return -EINVAL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		yl_err(L, n, "contains a NUL character");
		return -EINVAL;
	}
	*out = (const char *)n->data.scalar.value;
	return 0;
}

int yl_int(struct yload *L, const yaml_node_t *n, long long min, long long max, long long *out)
{
	char d[64];
	const char *s = (const char *)n->data.scalar.value;
	const char *p;
	long long v = 0;
	bool neg = false;

	if (!is_plain(n) || yl_is_null(n))
		goto bad;
	p = s;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!*p || strlen(p) > 18)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
	}
	v = neg ? -v : v;
	if (v < min || v > max) {
		yl_err(L, n, "%lld is out of range <%lld-%lld>", v, min, max);
		return -ERANGE;
	}
	*out = v;
	return 0;
bad:
	yl_err(L, n, "expected an integer, got %s", yl_desc(n, d, sizeof(d)));
	return -EINVAL;
}

int yl_bool(struct yload *L, const yaml_node_t *n, bool *out)
{
	char d[64];
	const char *s = (const char *)n->data.scalar.value;
	if (is_plain(n)) {
		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
			*out = false;
			return 0;
		}
	}
	yl_err(L, n, "expected true or false, got %s", yl_desc(n, d, sizeof(d)));
	return -EINVAL;
}

/* An enum keyword; "on" may also be written as the boolean true. */
int yl_enum(struct yload *L, const yaml_node_t *n, const struct yenum *en, int *out)
{
	char list[512] = "";
	const char *s, *name;
	size_t len = 0;

	if (yl_str(L, n, &s) < 0)
		return -EINVAL;
	if (en->parse) { /* the one such set is ip qos dscp's */
		if ((*out = en->parse(s)) >= 0)
			return 0;
		yl_err(L, n, "invalid value \"%s\" (expected <0-63>, af11 ... af43, cs1 ... cs7, default or ef)", s);
		return -EINVAL;
	}
	for (int v = 1; v < en->count; v++) {
		name = cfg_yaml_enum_name(en, v);
		if (!name)
			continue;
		if (!strcasecmp(s, name) ||
		    (is_plain(n) && !strcmp(name, "on") && !strcasecmp(s, "true"))) {
			*out = v;
			return 0;
		}
		len += (size_t)snprintf(list + len, len < sizeof(list) ? sizeof(list) - len : 0,
					"%s%s", len ? ", " : "", name);
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	yl_err(L, n, "invalid value \"%s\" (expected one of: %s)", s, list);
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* string checks, the same as the IOS grammar's                          */

static bool all_chars(const char *s, int (*ok)(const char *, size_t *))
{
	for (size_t i = 0; s[i]; i++)
		if (!ok(s, &i))
			return false;
	return true;
}

static int name_char(const char *s, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static int word_char(const char *s, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	return isgraph(c) || c >= 0x80;
}

static int line_char(const char *s, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	return c >= 0x20 && c != 0x7f;
}

static int ifname_char(const char *s, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	return isgraph(c) && c != '/' && c != ':';
}

static int tgrp_char(const char *s, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	if (isalnum(c) || strchr("-_.!~*'()/&+$", c))
		return 1;
	if (c == '%' && isxdigit((unsigned char)s[*i + 1]) && isxdigit((unsigned char)s[*i + 2])) {
		*i += 2;
		return 1;
	}
	return 0;
}

static bool valid_host(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return isalpha((unsigned char)s[0]) && s[n - 1] != '-';
}

static bool valid_tctx(const char *s)
{
	bool digit = false;
	size_t i;
	if (s[0] == '+') {
		for (i = 1; s[i]; i++) {
			if (isdigit((unsigned char)s[i]))
				digit = true;
			else if (!strchr("-.()", s[i]))
				return false;
		}
		return digit;
	}
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return isalnum((unsigned char)s[0]);
}

/* Validate a string for field f; 0 or -EINVAL (reported). */
static int check_str(struct yload *L, const yaml_node_t *n, const struct yfield *f, const char *s)
{
	size_t len = strlen(s);
	regex_t re;
	int rc;

	if (!len) {
		yl_err(L, n, "must not be empty");
		return -EINVAL;
	}
	if (len >= f->size) {
		yl_err(L, n, "too long (at most %zu characters)", f->size - 1);
		return -EINVAL;
	}
	switch (f->chk) {
	case YC_WORD:
		if (!all_chars(s, word_char))
			goto bad;
		break;
	case YC_LINE:
		if (!all_chars(s, line_char)) {
			yl_err(L, n, "must be one line of text");
			return -EINVAL;
		}
		break;
	case YC_NAME:
		if (!all_chars(s, name_char)) {
			yl_err(L, n, "invalid name \"%s\": use letters, digits, '-', '_' and '.'", s);
			return -EINVAL;
		}
		break;
	case YC_HOST:
		if (!valid_host(s)) {
			yl_err(L, n, "invalid hostname \"%s\": letters, digits and '-', starting "
				     "with a letter and ending with a letter or digit", s);
			return -EINVAL;
		}
		break;
	case YC_IFNAME:
		if (len > 15) {
			yl_err(L, n, "interface name too long (at most 15 characters)");
			return -EINVAL;
		}
		if (!all_chars(s, ifname_char))
			goto bad;
		break;
	case YC_REGEX:
		if (!all_chars(s, word_char))
			goto bad;
		if (f->max && (long long)len > f->max) {
			yl_err(L, n, "too long (at most %lld characters)", f->max);
			return -EINVAL;
		}
		rc = regcomp(&re, s, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char why[128];
			regerror(rc, &re, why, sizeof(why));
			yl_err(L, n, "invalid regular expression \"%s\": %s", s, why);
			return -EINVAL;
		}
		regfree(&re);
		break;
	case YC_TGRP:
		if (!all_chars(s, tgrp_char)) {
			yl_err(L, n, "invalid trunk group label \"%s\" (RFC 4904)", s);
			return -EINVAL;
		}
		break;
	case YC_TCTX:
		if (!valid_tctx(s)) {
			yl_err(L, n, "invalid trunk context \"%s\" (RFC 4904: +digits or a domain name)", s);
			return -EINVAL;
		}
		break;
	}
	return 0;
bad:
	yl_err(L, n, "\"%s\" must be one word without spaces%s", s,
	       f->chk == YC_IFNAME ? ", '/' or ':'" : "");
	return -EINVAL;
}

/* The object a reference names must exist (it was created by pass 1). */
int yl_ref(struct yload *L, const yaml_node_t *n, enum yref ref, const char *name)
{
	const struct ycoll *co = cfg_yaml_ref_coll[ref];
	if (ref == YREF_NONE || co->find(L->cfg, name))
		return 0;
	yl_err(L, n, "%s %s is not defined", co->what, name);
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* values                                                               */

static void set_str(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s);
}

int yl_target(struct yload *L, const yaml_node_t *n, unsigned allowed,
		       struct cfg_target *out)
{
	static const char *const kinds[] = { "", "ipv4:", "ipv6:", "dns:", "sip-server" };
	char err[160] = "", list[64] = "";
	struct cfg_target t;
	const char *s;
	size_t len = 0;

	if (yl_str(L, n, &s) < 0)
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	if (strlen(s) >= CFG_TARGET_LEN || cfg_target_parse(s, &t, err, sizeof(err)) < 0) {
		yl_err(L, n, "invalid target \"%s\"%s%s", s, err[0] ? ": " : "", err);
		return -EINVAL;
	}
	if (!(allowed & (1u << t.kind))) {
		for (int k = 1; k < 5; k++)
			if (allowed & (1u << k))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
							len ? ", " : "", kinds[k]);
		yl_err(L, n, "target \"%s\" not allowed here (only %s)", s, list);
		return -EINVAL;
	}
	*out = t;
	return 0;
}

static void load_value(struct yload *L, yaml_node_t *n, void *base, const struct yfield *f);

/* Load a mapping against a table.  skip: a key handled by the caller
 * (collection keys).  seen: bit i set when tab[i] was present. */
void yl_map(struct yload *L, yaml_node_t *map, void *base, const struct yfield *tab,
	    const char *skip, uint64_t *seen)
{
	yaml_node_pair_t *pair;
	*seen = 0;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yl_node(L, pair->key), *vn = yl_node(L, pair->value);
		const char *k;
		size_t old;
		int i;

		if (!kn || !vn)
			continue;
		if (kn->type != YAML_SCALAR_NODE) {
			yl_err(L, kn, "keys must be strings");
			continue;
		}
		k = (const char *)kn->data.scalar.value;
		if (skip && !strcmp(k, skip))
			continue;
		for (i = 0; tab[i].key && strcmp(tab[i].key, k); i++)
			;
		old = yl_push_key(L, k);
		if (!tab[i].key) {
			yl_err(L, kn, "unknown key");
		} else if (*seen & (1ull << i)) {
			yl_err(L, kn, "duplicate key");
		} else {
			*seen |= 1ull << i;
			load_value(L, vn, base, &tab[i]);
		}
		yl_pop(L, old);
	}
}

/* Snapshot of the plain fields of a table, to undo a group that fails its
 * consistency check (the group is then not applied, like a rejected line). */
static char *snap_take(const void *base, const struct yfield *tab)
{
	size_t total = 0, at = 0;
	char *s;
	for (const struct yfield *f = tab; f->key; f++)
		total += f->size;
	s = malloc(total ? total : 1);
	if (!s)
		return NULL;
	for (const struct yfield *f = tab; f->key; f++) {
		memcpy(s + at, (const char *)base + f->off, f->size);
		at += f->size;
	}
	return s;
}

static void snap_restore(void *base, const struct yfield *tab, const char *s)
{
	size_t at = 0;
	for (const struct yfield *f = tab; f->key; f++) {
		memcpy((char *)base + f->off, s + at, f->size);
		at += f->size;
	}
}

/* Load a mapping, then run check(obj); undo the plain fields if it fails. */
void yl_checked_map(struct yload *L, yaml_node_t *n, void *obj, const struct yfield *tab,
		    const char *skip, const char *(*check)(const void *))
{
	uint64_t seen;
	const char *why;
	char *snap = check ? snap_take(obj, tab) : NULL;

	if (check && !snap) {
		L->oom = true;
		return;
	}
	yl_map(L, n, obj, tab, skip, &seen);
	if (check && (why = check(obj)) != NULL) {
		yl_err(L, n, "%s", why);
		snap_restore(obj, tab, snap);
	}
	free(snap);
}

static void load_group(struct yload *L, yaml_node_t *n, void *base, const struct yfield *f)
{
	char d[64];
	if (n->type != YAML_MAPPING_NODE && !(n->type == YAML_SCALAR_NODE && yl_is_null(n))) {
		yl_err(L, n, "expected a mapping, got %s", yl_desc(n, d, sizeof(d)));
		return;
	}
	if (f->pres1)
		*(bool *)((char *)base + f->pres1 - 1) = true;
	if (n->type == YAML_MAPPING_NODE)
		yl_checked_map(L, n, (char *)base + f->off, f->sub, NULL, f->check);
}

/* A list of small entries (codec preferences, cipher priorities ...): the
 * list given replaces the one in the model.  An entry with any problem is
 * dropped whole, like a rejected IOS line. */
static void load_list(struct yload *L, yaml_node_t *n, void *base, const struct yfield *f)
{
	struct yvec vec;
	unsigned char *tmp;
	yaml_node_item_t *it;
	size_t i = 0;

	bool isseq = yl_seq_or_null(L, n);

	if (!isseq && !(n->type == YAML_SCALAR_NODE && yl_is_null(n)))
		return;
	tmp = malloc(f->elsz);
	if (!tmp) {
		L->oom = true;
		return;
	}
	vec = cfg_yaml_vec(base, f->off);
	vec.n = 0;
	for (it = isseq ? n->data.sequence.items.start : NULL;
	     it && it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *en = yl_node(L, *it);
		size_t old = yl_push(L, "[%zu]", i), errs = L->nerr, pos;
		const char *why;
		uint64_t seen;
		char d[64];

		if (en->type != YAML_MAPPING_NODE) {
			yl_err(L, en, "expected a mapping, got %s", yl_desc(en, d, sizeof(d)));
			goto next;
		}
		memset(tmp, 0, f->elsz);
		yl_map(L, en, tmp, f->sub, NULL, &seen);
		for (int k = 0; f->sub[k].key; k++)
			if (f->sub[k].req && !(seen & (1ull << k)))
				yl_err(L, en, "missing key \"%s\"", f->sub[k].key);
		if (L->nerr != errs)
			goto next;
		if (f->check && (why = f->check(tmp)) != NULL) {
			yl_err(L, en, "%s", why);
			goto next;
		}
		pos = vec.n;
		if (f->sorted) {
			const struct yfield *kf = &f->sub[0];
			long long key = cfg_yaml_int_get(tmp + kf->off, kf->size, false);
			for (pos = 0; pos < vec.n; pos++) {
				long long k2 = cfg_yaml_int_get((char *)vec.v + pos * f->elsz + kf->off,
								kf->size, false);
				if (k2 == key) {
					yl_err(L, en, "duplicate %s %lld", kf->key, key);
					goto next;
				}
				if (k2 > key)
					break;
			}
		}
		if (cfg_vec_grow(&vec.v, &vec.cap, vec.n + 1, f->elsz) < 0) {
			L->oom = true;
			yl_pop(L, old);
			break;
		}
		memmove((char *)vec.v + (pos + 1) * f->elsz, (char *)vec.v + pos * f->elsz,
			(vec.n - pos) * f->elsz);
		memcpy((char *)vec.v + pos * f->elsz, tmp, f->elsz);
		vec.n++;
	next:
		yl_pop(L, old);
	}
	memcpy((char *)base + f->off, &vec, sizeof(vec));
	free(tmp);
}

static void load_value(struct yload *L, yaml_node_t *n, void *base, const struct yfield *f)
{
	char *p = (char *)base + f->off;
	const char *s;
	long long v;
	bool b;
	int e;
	char num[24];

	switch (f->kind) {
	case YF_STR:
		if (yl_str(L, n, &s) == 0 && check_str(L, n, f, s) == 0 &&
		    yl_ref(L, n, f->ref, s) == 0)
			set_str(p, f->size, s);
		break;
	case YF_TAG:
		if (yl_int(L, n, 1, 10000, &v) == 0) {
			snprintf(num, sizeof(num), "%lld", v);
			if (yl_ref(L, n, f->ref, num) == 0)
				set_str(p, f->size, num);
		}
		break;
	case YF_INT:
		if (yl_int(L, n, f->min, f->max, &v) == 0)
			cfg_yaml_int_set(p, f->size, v);
		break;
	case YF_BOOL:
	case YF_NBOOL:
		if (yl_bool(L, n, &b) == 0)
			*(bool *)p = f->kind == YF_BOOL ? b : !b;
		break;
	case YF_TBOOL:
		if (yl_bool(L, n, &b) == 0)
			*(uint8_t *)p = b ? CFG_ALLOW_ON : CFG_ALLOW_OFF;
		break;
	case YF_ENUM:
		if (yl_enum(L, n, f->en, &e) == 0)
			cfg_yaml_int_set(p, f->size, e);
		break;
	case YF_TARGET:
		yl_target(L, n, f->targets, (struct cfg_target *)(void *)p);
		break;
	case YF_ADDR4: {
		struct in_addr a;
		if (yl_str(L, n, &s) < 0)
			break;
		if (strlen(s) >= f->size || inet_pton(AF_INET, s, &a) != 1)
			yl_err(L, n, "\"%s\" is not an IPv4 address", s);
		else
			inet_ntop(AF_INET, &a, p, (socklen_t)f->size);
		break;
	}
	case YF_GROUP:
		load_group(L, n, base, f);
		break;
	case YF_LIST:
		load_list(L, n, base, f);
		break;
	case YF_COLL:
		yl_coll(L, n, f->coll);
		break;
	default:
		yl_special(L, n, base, f);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* entry point                                                          */

static int err_cmp(const void *a, const void *b)
{
	const struct yerr *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int parse_doc(struct yload *L, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &L->doc)) {
		struct yerr *e;
		if (parser.error == YAML_MEMORY_ERROR) {
			rc = -ENOMEM;
			goto out;
		}
		yl_err(L, NULL, "%s%s%s", parser.context ? parser.context : "",
		       parser.context ? ": " : "", parser.problem ? parser.problem : "syntax error");
		if (L->nerr) {
			e = &L->errs[L->nerr - 1];
			e->line = parser.problem_mark.line + 1;
		}
		rc = -EINVAL;
		goto out;
	}
	L->have_doc = true;
	if (yaml_document_get_root_node(&L->doc)) {
		if (!yaml_parser_load(&parser, &extra)) {
			yl_err(L, NULL, "%s", parser.problem ? parser.problem : "syntax error");
			L->errs[L->nerr ? L->nerr - 1 : 0].line = parser.problem_mark.line + 1;
		} else {
			yaml_node_t *r = yaml_document_get_root_node(&extra);
			if (r) {
				yl_err(L, r, "only one YAML document is allowed");
			}
			yaml_document_delete(&extra);
		}
	}
out:
	yaml_parser_delete(&parser);
	return rc;
}

int cfg_yaml_load(const char *text, size_t len, const char *filename, struct cfg *out,
		  struct buf *errors)
{
	struct yload L;
	yaml_node_t *root;
	int rc;

	memset(&L, 0, sizeof(L));
	L.cfg = out;
	rc = parse_doc(&L, text ? text : "", text ? len : 0);
	if (rc == -ENOMEM)
		goto out;
	root = L.have_doc ? yaml_document_get_root_node(&L.doc) : NULL;
	if (root && root->type != YAML_MAPPING_NODE &&
	    !(root->type == YAML_SCALAR_NODE && yl_is_null(root))) {
		yl_err(&L, root, "the document must be a mapping (hostname:, dial-peers: ...)");
	} else if (root && root->type == YAML_MAPPING_NODE) {
		uint64_t seen;
		L.nnodes = (size_t)(L.doc.nodes.top - L.doc.nodes.start);
		L.skip = calloc(L.nnodes + 1, 1);
		if (!L.skip) {
			L.oom = true;
			goto out;
		}
		yl_prescan(&L, root, cfg_yaml_root);
		yl_map(&L, root, out, cfg_yaml_root, NULL, &seen);
	}
out:
	if (L.nerr)
		qsort(L.errs, L.nerr, sizeof(*L.errs), err_cmp);
	for (size_t i = 0; i < L.nerr; i++) {
		if (errors && buf_printf(errors, "%s:%zu: %s\n", filename ? filename : "<yaml>",
					 L.errs[i].line, L.errs[i].msg) < 0)
			L.oom = true;
		free(L.errs[i].msg);
	}
	free(L.errs);
	free(L.skip);
	if (L.have_doc)
		yaml_document_delete(&L.doc);
	if (L.oom || rc == -ENOMEM)
		return -ENOMEM;
	return L.nerr ? -EINVAL : 0;
}
