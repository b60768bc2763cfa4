/* vty.c - a CLI session: modes and prompts, running a line (walk-up to parent
 * modes, `do`, `no`), IOS error markers, `?` help, Tab completion and the
 * output filters (`| include RE` ...). */
#include "cli/vty.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/grammar.h"
#include "core/commit.h"
#include "core/daemon.h"
#include "sip/sip_runtime.h"

const struct cli_mode_info cli_modes[MODE_COUNT] = {
	[MODE_EXEC] = { "exec", NULL, MODE_EXEC },
	[MODE_CONFIG] = { "config", "config", MODE_EXEC },
	[MODE_SIP_UA] = { "config-sip-ua", "config-sip-ua", MODE_CONFIG },
	[MODE_VOICE_SERVICE] = { "conf-voi-serv", "conf-voi-serv", MODE_CONFIG },
	[MODE_SERV_SIP] = { "conf-serv-sip", "conf-serv-sip", MODE_VOICE_SERVICE },
	[MODE_IPTRUST] = { "cfg-iptrust-list", "cfg-iptrust-list", MODE_VOICE_SERVICE },
	[MODE_DIAL_PEER] = { "config-dial-peer", "config-dial-peer", MODE_CONFIG },
	[MODE_TRUSTPOINT] = { "ca-trustpoint", "ca-trustpoint", MODE_CONFIG },
	[MODE_CLASS_TLS_CIPHER] = { "config-class (tls-cipher)", "config-class", MODE_CONFIG },
	[MODE_CLASS_TLS_PROFILE] = { "config-class (tls-profile)", "config-class", MODE_CONFIG },
	[MODE_CLASS_SRTP_CRYPTO] = { "config-class (srtp-crypto)", "config-class", MODE_CONFIG },
	[MODE_CLASS_CODEC] = { "config-class (codec)", "config-class", MODE_CONFIG },
	[MODE_CLASS_TENANT] = { "config-class (tenant)", "config-class", MODE_CONFIG },
	[MODE_CLASS_KEEPALIVE] = { "config-class (sip-options-keepalive)", "config-class", MODE_CONFIG },
	[MODE_CLASS_URI] = { "config-voice-uri-class", "config-voice-uri-class", MODE_CONFIG },
};

void vty_init(struct vty *v, struct cfg *cfg, const char *line_name)
{
	memset(v, 0, sizeof(*v));
	v->cfg = cfg;
	v->mode = MODE_EXEC;
	v->term_length = 24;
	v->term_width = 80;
	v->err_pos = -1;
	snprintf(v->line_name, sizeof(v->line_name), "%s", line_name);
	snprintf(v->user, sizeof(v->user), "%s", "unknown");
	v->login_time = v->last_active = time(NULL);
}

void vty_fini(struct vty *v)
{
	buf_free(&v->out);
}

void vty_out(struct vty *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&v->out, fmt, ap);
	va_end(ap);
}

int vty_err(struct vty *v, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	buf_printf(&v->out, "%s\n", msg);
	if (!v->failed) {
		const char *m = msg;
		if (m[0] == '%')
			m += m[1] == ' ' ? 2 : 1;
		size_t l = strlen(m);
		if (l >= sizeof(v->err_msg))
			l = sizeof(v->err_msg) - 1;
		memcpy(v->err_msg, m, l);
		v->err_msg[l] = '\0';
	}
	v->failed = true;
	return CLI_ERR;
}

void vty_enter(struct vty *v, enum cli_mode mode, uint32_t tag, const char *name)
{
	v->mode = mode;
	v->ctx_tag = tag;
	size_t n = name ? strnlen(name, sizeof(v->ctx_name) - 1) : 0; /* as snprintf would cut */
	memcpy(v->ctx_name, name ? name : "", n);
	v->ctx_name[n] = '\0';
}

const char *vty_prompt(const struct vty *v, char *buf, size_t bufsz)
{
	const char *host = v->cfg && v->cfg->hostname[0] ? v->cfg->hostname : "tollgate";
	if (v->mode == MODE_EXEC)
		snprintf(buf, bufsz, "%s#", host);
	else
		snprintf(buf, bufsz, "%s(%s)#", host, cli_modes[v->mode].prompt);
	return buf;
}

/* ------------------------------------------------------------------ */
/* references                                                           */

const char *vty_ref_kind_name(enum vty_ref_kind kind)
{
	static const char *const names[REF_KIND_COUNT] = {
		[REF_TRUSTPOINT] = "trustpoint", [REF_TLS_CIPHER] = "voice class tls-cipher",
		[REF_TLS_PROFILE] = "voice class tls-profile", [REF_SRTP_CRYPTO] = "voice class srtp-crypto",
		[REF_URI] = "voice class uri", [REF_TENANT] = "voice class tenant",
		[REF_CODEC] = "voice class codec", [REF_KEEPALIVE] = "voice class sip-options-keepalive",
	};
	return kind < REF_KIND_COUNT ? names[kind] : "object";
}

bool cfg_ref_exists(const struct cfg *c, enum vty_ref_kind kind, const char *name)
{
	switch (kind) {
	case REF_TRUSTPOINT: return cfg_trustpoint_find(c, name) != NULL;
	case REF_TLS_CIPHER: return cfg_tls_cipher_find(c, name) != NULL;
	case REF_TLS_PROFILE: return cfg_tls_profile_find(c, name) != NULL;
	case REF_SRTP_CRYPTO: return cfg_srtp_crypto_find(c, name) != NULL;
	case REF_URI: return cfg_uri_find(c, name) != NULL;
	case REF_TENANT: return cfg_tenant_find(c, name) != NULL;
	case REF_CODEC: return cfg_codec_find(c, name) != NULL;
	case REF_KEEPALIVE: return cfg_keepalive_find(c, name) != NULL;
	default: return false;
	}
}

int vty_ref_check(struct vty *v, enum vty_ref_kind kind, const char *name)
{
	if (!name || !name[0] || cfg_ref_exists(v->cfg, kind, name))
		return 0;
	if (v->file && (!v->refs || cfg_ref_exists(v->refs, kind, name)))
		return 0;
	return vty_err(v, "%% %s %s is not configured", vty_ref_kind_name(kind), name);
}

/* ------------------------------------------------------------------ */
/* output filters                                                       */

enum pipe_kind { PIPE_NONE, PIPE_INCLUDE, PIPE_EXCLUDE, PIPE_BEGIN, PIPE_SECTION, PIPE_COUNT };
static const struct { const char *kw; const char *help; } pipe_kw[] = {
	[PIPE_INCLUDE] = { "include", "Include lines that match" },
	[PIPE_EXCLUDE] = { "exclude", "Exclude lines that match" },
	[PIPE_BEGIN] = { "begin", "Begin with the line that matches" },
	[PIPE_SECTION] = { "section", "Filter a section of output" },
	[PIPE_COUNT] = { "count", "Count number of lines which match regular expression" },
};

/* Offset of the '|' that starts a filter, or -1. */
static int pipe_offset(const char *line)
{
	for (const char *p = strchr(line, '|'); p; p = strchr(p + 1, '|'))
		if (p == line || isspace((unsigned char)p[-1]))
			return (int)(p - line);
	return -1;
}

static enum pipe_kind pipe_parse(const char *s, const char **re_out, int *errpos)
{
	while (isspace((unsigned char)*s))
		s++;
	const char *w = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	size_t wl = (size_t)(s - w);
	enum pipe_kind k = PIPE_NONE;
	for (int i = PIPE_INCLUDE; i <= PIPE_COUNT; i++)
		if (wl && wl <= strlen(pipe_kw[i].kw) && !strncasecmp(pipe_kw[i].kw, w, wl))
			k = (enum pipe_kind)i;
	*errpos = 0;
	while (isspace((unsigned char)*s))
		s++;
	*re_out = s;
	return k;
}

static bool line_match(regex_t *re, const char *line, size_t n)
{
	char *tmp = strndup(line, n);
	bool m = tmp && regexec(re, tmp, 0, NULL, 0) == 0;
	free(tmp);
	return m;
}

static void pipe_apply(struct buf *out, enum pipe_kind k, regex_t *re, bool have_re)
{
	struct buf res = BUF_INIT;
	const char *p = buf_str(out);
	bool begun = false;
	long count = 0;
	const char *anc[16] = { 0 };
	size_t anc_len[16] = { 0 };
	bool anc_done[16] = { 0 };
	int sec_depth = -1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		bool m = have_re ? line_match(re, p, n) : true;
		switch (k) {
		case PIPE_INCLUDE: if (m) { buf_append(&res, p, n); buf_puts(&res, "\n"); } break;
		case PIPE_EXCLUDE: if (!m) { buf_append(&res, p, n); buf_puts(&res, "\n"); } break;
		case PIPE_BEGIN:
			begun = begun || m;
			if (begun) { buf_append(&res, p, n); buf_puts(&res, "\n"); }
			break;
		case PIPE_COUNT: if (m) count++; break;
		case PIPE_SECTION: {
			/* a matching line, its children, and the parents it sits under */
			int ind = 0;
			while ((size_t)ind < n && p[ind] == ' ')
				ind++;
			if (n == 0)
				break;
			if (sec_depth >= 0 && ind > sec_depth) {
				buf_append(&res, p, n);
				buf_puts(&res, "\n");
				break;
			}
			sec_depth = -1;
			if (ind < 16) {
				anc[ind] = p;
				anc_len[ind] = n;
				anc_done[ind] = false;
				for (int k = ind + 1; k < 16; k++)
					anc[k] = NULL;
			}
			if (m) {
				for (int k = 0; k < ind && k < 16; k++)
					if (anc[k] && !anc_done[k]) {
						buf_append(&res, anc[k], anc_len[k]);
						buf_puts(&res, "\n");
						anc_done[k] = true;
					}
				buf_append(&res, p, n);
				buf_puts(&res, "\n");
				if (ind < 16)
					anc_done[ind] = true;
				sec_depth = ind;
			}
			break;
		}
		default: break;
		}
		p = nl ? nl + 1 : p + n;
	}
	if (k == PIPE_COUNT)
		buf_printf(&res, "Number of lines which match regexp = %ld\n", count);
	buf_free(out);
	*out = res;
}

/* ------------------------------------------------------------------ */
/* running a line                                                       */

static int progress(const struct gram_match *m, size_t linelen)
{
	switch (m->st) {
	case GRAM_INCOMPLETE: return (int)linelen + 1;
	case GRAM_INVALID:
	case GRAM_AMBIGUOUS: return m->err_pos;
	default: return (int)linelen + 2;
	}
}

static void print_error(struct vty *v, const struct gram_match *m, const char *line,
			const char *prompt)
{
	switch (m->st) {
	case GRAM_INVALID: {
		int col = m->err_pos;
		if (v->prompt_echoed)
			col += (int)strlen(prompt);
		else
			buf_printf(&v->out, "%s\n", line);
		buf_printf(&v->out, "%*s^\n", col, "");
		buf_puts(&v->out, "% Invalid input detected at '^' marker.\n\n");
		snprintf(v->err_msg, sizeof(v->err_msg), "Invalid input detected at '^' marker.");
		v->err_pos = m->err_pos;
		break;
	}
	case GRAM_INCOMPLETE:
		buf_puts(&v->out, "% Incomplete command.\n\n");
		snprintf(v->err_msg, sizeof(v->err_msg), "Incomplete command.");
		break;
	case GRAM_AMBIGUOUS:
		buf_printf(&v->out, "%% Ambiguous command: \"%s\"\n", line);
		snprintf(v->err_msg, sizeof(v->err_msg), "Ambiguous command: \"%s\"", line);
		v->err_pos = m->err_pos;
		break;
	default:
		break;
	}
	v->failed = true;
}

/* Match line in the session's mode or, when it does not match there, in the
 * nearest parent mode that takes it: a command of a parent mode moves the
 * session there (IOS paste).  *run_mode gets the mode it matched in.  If none
 * does, the match that got furthest is returned, for the error.  m and alt
 * are the two buffers to use. */
static struct gram_match *match_line(const struct vty *v, const char *line, struct gram_match *m,
				     struct gram_match *alt, enum cli_mode *run_mode)
{
	bool sub = v->mode != MODE_EXEC && v->mode != MODE_CONFIG;
	size_t len = strlen(line);

	*run_mode = v->mode;
	/* a line no command of this mode can start (the next block's header in a
	 * file) goes to the parents first; it is matched here only if none takes
	 * it, to report the failure exactly as below */
	if (sub && !gram_may_start(v->mode, line, 0)) {
		for (enum cli_mode p = cli_modes[v->mode].parent;; p = cli_modes[p].parent) {
			gram_match(p, line, alt);
			if (alt->st == GRAM_OK) {
				*run_mode = p;
				return alt;
			}
			if (p == MODE_CONFIG)
				break;
		}
	}
	gram_match(v->mode, line, m);
	/* an abbreviation this mode cannot resolve is reported here, as IOS
	 * does: `s` in a dial-peer must not become a parent's `sip-ua`, nor
	 * `no s` a `no sip-ua` that deletes the block */
	if (m->st == GRAM_OK || m->st == GRAM_AMBIGUOUS || !sub)
		return m;
	for (enum cli_mode p = cli_modes[v->mode].parent;; p = cli_modes[p].parent) {
		gram_match(p, line, alt);
		if (alt->st == GRAM_OK) {
			*run_mode = p;
			return alt;
		}
		if (progress(alt, len) > progress(m, len)) {
			struct gram_match *t = m;
			m = alt;
			alt = t;
		}
		if (p == MODE_CONFIG)
			break;
	}
	return m;
}

/* With v->only_flags: can the line be one of those commands, in the session's
 * mode or a parent one (the walk-up below)?  Saves matching the others. */
static bool may_run(const struct vty *v, const char *line)
{
	for (enum cli_mode p = v->mode;; p = cli_modes[p].parent) {
		if (gram_may_start(p, line, v->only_flags))
			return true;
		if (p == MODE_EXEC || p == MODE_CONFIG)
			return false;
	}
}

int vty_exec(struct vty *v, const char *line_in)
{
	char line[4096], prompt[128];
	/* the match and one in a parent mode (walk-up): on the stack, not a
	 * malloc per line (a startup-config has tens of thousands of lines) */
	struct gram_match mbuf[2];
	struct gram_match *m = NULL;
	enum pipe_kind pk = PIPE_NONE;
	regex_t re;
	bool have_re = false;
	int rc = CLI_OK;

	buf_reset(&v->out);
	v->failed = false;
	v->err_pos = -1;
	v->err_msg[0] = '\0';
	v->last_active = time(NULL);
	/* the prompt only places the caret under a line the client echoed */
	if (v->prompt_echoed)
		vty_prompt(v, prompt, sizeof(prompt));
	else
		prompt[0] = '\0';
	/* cut to the buffer.  memccpy, not strlen + memcpy: gcc expands a
	 * memcpy of a bounded length into `rep movsq`, several times slower than
	 * the library call for a line of a few dozen characters */
	const char *copied = memccpy(line, line_in, '\0', sizeof(line) - 1);
	size_t ll = copied ? (size_t)(copied - line) - 1 : sizeof(line) - 1;
	line[ll] = '\0';
	while (ll && (line[ll - 1] == '\n' || line[ll - 1] == '\r' || isspace((unsigned char)line[ll - 1])))
		line[--ll] = '\0';
	const char *first = line;
	while (isspace((unsigned char)*first))
		first++;
	if (*first == '!' || *first == '#' || !*first)
		return CLI_OK; /* comment or blank line */
	if (v->only_flags && !may_run(v, first))
		return CLI_OK;

	int pipe_at = pipe_offset(line);
	if (pipe_at >= 0) {
		/* a filter only follows a command that has output to filter; elsewhere
		 * `|` is an ordinary character (description a|b) */
		/* the match of the part before the `|` is kept: it is the command */
		char left[4096];
		m = &mbuf[0];
		snprintf(left, sizeof(left), "%.*s", pipe_at, line);
		gram_match(v->mode, left, m);
		if (!(m->st == GRAM_OK && (m->cmd->flags & CLI_F_PIPE))) {
			m = NULL;
			pipe_at = -1;
		}
	}
	if (pipe_at >= 0) {
		const char *reg;
		int ep;
		const char *after = line + pipe_at + 1;
		while (isspace((unsigned char)*after))
			after++;
		if (!*after) {
			buf_puts(&v->out, "% Incomplete command.\n\n");
			snprintf(v->err_msg, sizeof(v->err_msg), "Incomplete command.");
			v->failed = true;
			rc = CLI_ERR;
			goto out;
		}
		pk = pipe_parse(line + pipe_at + 1, &reg, &ep);
		if (pk == PIPE_NONE) {
			struct gram_match em = { .st = GRAM_INVALID, .err_pos = (int)(after - line) };
			print_error(v, &em, line, prompt);
			rc = CLI_ERR;
			goto out;
		}
		if (!*reg && pk != PIPE_COUNT) {
			buf_puts(&v->out, "% Incomplete command.\n\n");
			snprintf(v->err_msg, sizeof(v->err_msg), "Incomplete command.");
			v->failed = true;
			rc = CLI_ERR;
			goto out;
		}
		if (*reg) {
			int e = regcomp(&re, reg, REG_EXTENDED | REG_NOSUB);
			if (e) {
				char eb[128];
				regerror(e, &re, eb, sizeof(eb));
				rc = vty_err(v, "%% Invalid regular expression \"%s\": %s", reg, eb);
				goto out;
			}
			have_re = true;
		}
		line[pipe_at] = '\0';
	}

	enum cli_mode run_mode = v->mode;
	if (!m) /* else the left part of a filtered show, matched above */
		m = match_line(v, line, &mbuf[0], &mbuf[1], &run_mode);
	if (m->st == GRAM_EMPTY)
		goto out;
	if (m->st != GRAM_OK) {
		print_error(v, m, line, prompt);
		rc = CLI_ERR;
		goto out;
	}
	if (pk != PIPE_NONE && !(m->cmd->flags & CLI_F_PIPE)) {
		struct gram_match em = { .st = GRAM_INVALID, .err_pos = pipe_at };
		print_error(v, &em, line, prompt);
		rc = CLI_ERR;
		goto out;
	}

	if (v->only_flags && !(m->cmd->flags & v->only_flags))
		goto out; /* matched, but not one of the commands this pass runs */

	enum cli_mode saved_mode = v->mode;
	uint32_t saved_tag = v->ctx_tag;
	char saved_name[CFG_NAME_LEN];
	memcpy(saved_name, v->ctx_name, sizeof(saved_name));
	if (run_mode != v->mode)
		vty_enter(v, run_mode, 0, NULL);
	if (m->exec_via_do)
		v->mode = MODE_EXEC;

	/* a trustpoint edit is kept only if its files can be used */
	struct cfg_trustpoint tp_before;
	struct cfg_trustpoint *tp = NULL;
	if (v->mode == MODE_TRUSTPOINT && v->interactive) {
		tp = cfg_trustpoint_find(v->cfg, v->ctx_name);
		if (tp)
			tp_before = *tp;
	}
	v->config_changed = false;
	/* an interactive change that the core cannot apply is undone */
	bool snap_ok = false;
	struct cfg snap;
	bool is_cfg_cmd = m->cmd->mode != MODE_EXEC && !(m->cmd->flags & CLI_F_NAV) && !m->exec_via_do;
	if (is_cfg_cmd && v->interactive && !v->file)
		snap_ok = cfg_dup(&snap, v->cfg) == 0;
	rc = m->cmd->fn(v, &m->args);
	if (rc != CLI_OK)
		v->failed = true;
	if (!v->failed && tp) {
		tp = cfg_trustpoint_find(v->cfg, v->ctx_name);
		char err[512];
		if (tp && commit_check_trustpoint(tp, err, sizeof(err))) {
			*tp = tp_before;
			rc = vty_err(v, "%% Trustpoint %s: %s; change not applied", v->ctx_name, err);
		}
	}
	if (m->exec_via_do && v->mode == MODE_EXEC && !v->closed) {
		v->mode = saved_mode;
		v->ctx_tag = saved_tag;
		memcpy(v->ctx_name, saved_name, sizeof(saved_name));
	}
	if (!v->failed && is_cfg_cmd && !v->file) {
		char err[512], warn[512] = "";
		int ck = sip_runtime_check(v->cfg, snap_ok ? &snap : NULL, v->mode == MODE_DIAL_PEER ? v->ctx_tag : 0,
					   err, sizeof(err));
		if (ck > 0) {
			snprintf(warn, sizeof(warn), "%s", err);
			ck = 0;
		}
		if (ck || commit_apply(v->cfg, err, sizeof(err))) {
			if (snap_ok) {
				cfg_free(v->cfg);
				*v->cfg = snap;
				snap_ok = false;
				char err2[256];
				commit_apply(v->cfg, err2, sizeof(err2));
			}
			rc = vty_err(v, "%% %s; change not applied", err);
		} else {
			v->config_changed = true;
			tg_note_change(v);
			if (warn[0])
				vty_out(v, "%% Warning: %s\n", warn);
		}
	}
	if (snap_ok)
		cfg_free(&snap);
	if (pk != PIPE_NONE)
		pipe_apply(&v->out, pk, &re, have_re);
	if (v->failed)
		rc = CLI_ERR;
out:
	if (have_re)
		regfree(&re);
	return rc;
}

void vty_help(struct vty *v, const char *line_in)
{
	char line[4096], prompt[128];
	buf_reset(&v->out);
	v->failed = false;
	vty_prompt(v, prompt, sizeof(prompt));
	snprintf(line, sizeof(line), "%s", line_in);
	int pipe_at = pipe_offset(line);
	if (pipe_at >= 0) {
		const char *rest = line + pipe_at + 1;
		while (isspace((unsigned char)*rest))
			rest++;
		if (!*rest) {
			for (int i = PIPE_INCLUDE; i <= PIPE_COUNT; i++)
				buf_printf(&v->out, "  %-7s  %s\n", pipe_kw[i].kw, pipe_kw[i].help);
		} else {
			buf_puts(&v->out, "  LINE  Regular Expression\n");
		}
		return;
	}
	int err_pos = 0;
	enum gram_status st = gram_help(v->mode, line, &v->out, &err_pos);
	if (st == GRAM_OK)
		return;
	/* a command of a parent mode is valid here too (it moves the session) */
	if (v->mode != MODE_EXEC && v->mode != MODE_CONFIG && line[0]) {
		for (enum cli_mode p = cli_modes[v->mode].parent;; p = cli_modes[p].parent) {
			struct buf alt = BUF_INIT;
			int ep2 = 0;
			if (gram_help(p, line, &alt, &ep2) == GRAM_OK) {
				buf_reset(&v->out);
				buf_append(&v->out, buf_str(&alt), alt.len);
				buf_free(&alt);
				return;
			}
			buf_free(&alt);
			if (p == MODE_CONFIG)
				break;
		}
	}
	struct gram_match em = { .st = st, .err_pos = err_pos };
	if (st == GRAM_INVALID && v->prompt_echoed) {
		buf_puts(&v->out, "% Unrecognized command\n");
		v->failed = true;
		return;
	}
	print_error(v, &em, line, prompt);
}

void vty_complete(struct vty *v, const char *line, struct buf *out)
{
	if (pipe_offset(line) >= 0) {
		const char *w = strrchr(line, ' ');
		w = w ? w + 1 : line;
		const char *bar = strchr(line, '|');
		const char *after = bar + 1;
		while (isspace((unsigned char)*after))
			after++;
		if (after == w || *after == '\0')
			for (int i = PIPE_INCLUDE; i <= PIPE_COUNT; i++)
				if (!strncasecmp(pipe_kw[i].kw, w, strlen(w)))
					buf_printf(out, "%s\n", pipe_kw[i].kw);
		return;
	}
	gram_complete(v->mode, line, out);
}

/* ------------------------------------------------------------------ */
/* argument access                                                      */

const char *cli_get(const struct cli_args *a, const char *name)
{
	for (int i = 0; i < a->n; i++)
		if (a->t[i].name && !strcmp(a->t[i].name, name))
			return a->t[i].val;
	return NULL;
}

/* strcasecmp(a, b) == 0 in the C locale, inline: handlers ask cli_has() a few
 * times per line, and a startup-config has tens of thousands of lines */
static bool ascii_caseeq(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x |= 0x20;
		if (y >= 'A' && y <= 'Z')
			y |= 0x20;
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

bool cli_has(const struct cli_args *a, const char *kw)
{
	for (int i = 0; i < a->n; i++)
		if (a->t[i].kw && ascii_caseeq(a->t[i].kw, kw))
			return true;
	return false;
}

long cli_num(const struct cli_args *a, const char *name, long dflt)
{
	const char *s = cli_get(a, name);
	if (!s)
		return dflt;
	char *end;
	long v = strtol(s, &end, 10);
	return *end ? dflt : v;
}
