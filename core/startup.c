/* startup.c - load configuration files through the grammar, save them atomically (see startup.h). */
#include "core/startup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/vty.h"
#include "core/config_text.h"
#include "core/config_yaml.h"

bool startup_is_yaml(const char *path)
{
	size_t n = strlen(path);
	return (n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml"));
}

void startup_free_rejected(struct tg_rejected *rej, int n)
{
	for (int i = 0; i < n; i++) {
		free(rej[i].text);
		free(rej[i].reason);
	}
	free(rej);
}

static void reject(struct tg_rejected **rej, int *nrej, int lineno, const char *text,
		   size_t textlen, const char *reason, int col)
{
	struct tg_rejected *v = realloc(*rej, sizeof(*v) * (size_t)(*nrej + 1));
	if (!v)
		return;
	*rej = v;
	v[*nrej].lineno = lineno;
	v[*nrej].col = col;
	v[*nrej].text = strndup(text, textlen);
	v[*nrej].reason = strdup(reason);
	(*nrej)++;
}

static int indent_of(const char *s)
{
	int n = 0;
	while (s[n] == ' ' || s[n] == '\t')
		n++;
	return n;
}

#define LINE_MAX_LEN 4095 /* longer lines are cut, as vty_exec() cuts them */

/* One pass over the text: len bytes of NUL-terminated lines (see
 * startup_apply_text).  With record, rejected lines are reported.  Without
 * (pass 1), only the top-level lines that define something other lines may
 * refer to are run (CLI_F_DEFINES: trustpoints, voice classes), each in config
 * mode; everything else waits for pass 2. */
static int run_lines(struct cfg *cfg, const struct cfg *refs, const char *path, const char *text,
		     size_t len, bool record, struct tg_rejected **rej, int *nrej, struct buf *errs)
{
	struct vty v;
	int bad = 0, lineno = 0, skip_above = -1, skip_from = 0;
	vty_init(&v, cfg, "startup");
	v.file = path;
	v.refs = refs;
	v.interactive = false;
	vty_enter(&v, MODE_CONFIG, 0, NULL);
	if (!record)
		v.only_flags = CLI_F_DEFINES;
	for (const char *line = text, *next; line < text + len; line = next) {
		size_t n = strlen(line);
		next = line + n + 1;
		lineno++;
		/* pass 1 looks at top-level lines only (below): skip the others at once */
		if (!record && (n == 0 || line[0] == ' ' || line[0] == '\t'))
			continue;
		/* the line as it counts: cut, without trailing blanks (not copied:
		 * vty_exec() copies what it runs, errors copy what they quote) */
		if (n > LINE_MAX_LEN)
			n = LINE_MAX_LEN;
		while (n && (line[n - 1] == '\r' || isspace((unsigned char)line[n - 1])))
			n--;
		int ind = indent_of(line);
		const char *t = line + ind;
		if ((size_t)ind >= n || *t == '!')
			continue;
		/* pass 1 only needs what can be referred to: trustpoints and classes
		 * are all named by top-level lines of config mode */
		if (!record) {
			if (ind > 0)
				continue;
			vty_enter(&v, MODE_CONFIG, 0, NULL);
		}
		if (skip_above >= 0 && ind > skip_above) {
			if (record) {
				char why[160];
				snprintf(why, sizeof(why), "not applied: the line it belongs to (line %d) was rejected",
					 skip_from);
				reject(rej, nrej, lineno, line, n, why, -1);
				buf_printf(errs, "%s:%d: %s\n%.*s\n%*s^\n", path, lineno, why, (int)n, line,
					   ind, "");
			}
			bad++;
			continue;
		}
		skip_above = -1;
		if (n - (size_t)ind == 3 && !memcmp(t, "end", 3)) {
			vty_enter(&v, MODE_CONFIG, 0, NULL);
			continue;
		}
		v.lineno = lineno;
		if (vty_exec(&v, line) != CLI_OK || v.failed) {
			bad++;
			skip_above = ind;
			skip_from = lineno;
			if (record) {
				/* one line per reason (a pattern error carries the IOS form on a second line) */
				char why[256];
				snprintf(why, sizeof(why), "%s", v.err_msg[0] ? v.err_msg : "rejected");
				for (char *q = why; *q; q++)
					if (*q == '\n')
						*q = ' ';
				int caret = v.err_pos >= 0 ? v.err_pos : ind;
				reject(rej, nrej, lineno, line, n, why, v.err_pos);
				buf_printf(errs, "%s:%d: %s\n%.*s\n%*s^\n", path, lineno, why, (int)n, line,
					   caret, "");
			}
		}
		if (v.mode == MODE_EXEC)
			vty_enter(&v, MODE_CONFIG, 0, NULL);
	}
	vty_fini(&v);
	return bad;
}

/* startup_apply_text() on text, a C string the caller no longer needs: it is
 * cut into NUL-terminated lines in place, once for both passes (no copy of
 * each line in each pass). */
static int apply_lines(struct cfg *cfg, const char *path, char *text, struct tg_rejected **rej,
		       int *nrej, struct buf *errs)
{
	size_t len = strlen(text);
	for (char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++)
		*p = '\0';
	/* pass 1: what does the file define?  (on a copy, references unchecked) */
	struct cfg scratch;
	struct buf ignore = BUF_INIT;
	if (cfg_dup(&scratch, cfg))
		return -ENOMEM;
	run_lines(&scratch, NULL, path, text, len, false, NULL, NULL, &ignore);
	buf_free(&ignore);
	/* pass 2: apply, references resolved against the whole file */
	int bad = run_lines(cfg, &scratch, path, text, len, true, rej, nrej, errs);
	cfg_free(&scratch);
	return bad;
}

int startup_apply_text(struct cfg *cfg, const char *path, const char *text,
		       struct tg_rejected **rej, int *nrej, struct buf *errs)
{
	char *copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	int rc = apply_lines(cfg, path, copy, rej, nrej, errs);
	free(copy);
	return rc;
}

static int read_file(const char *path, struct buf *out, struct buf *errs)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		buf_printf(errs, "%s: cannot open: %s\n", path, strerror(e));
		return -e;
	}
	/* room for the whole file at once: a big startup-config is megabytes */
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size > 0)
		buf_reserve(out, (size_t)st.st_size);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	int e = ferror(f) ? errno : 0;
	fclose(f);
	if (e) {
		buf_printf(errs, "%s: read error: %s\n", path, strerror(e));
		return -e;
	}
	if (!out->p)
		buf_puts(out, "");
	return 0;
}

int startup_load(const char *path, struct cfg *cfg, struct tg_rejected **rej, int *nrej,
		 struct buf *errs)
{
	struct buf text = BUF_INIT;
	int rc = read_file(path, &text, errs);
	if (rc)
		goto out;
	if (startup_is_yaml(path)) {
		struct buf yerr = BUF_INIT;
		cfg_yaml_load(text.p, text.len, path, cfg, &yerr);
		/* each problem line is "FILE:LINE: message" */
		const char *p = buf_str(&yerr);
		rc = 0;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char l[1024];
			snprintf(l, sizeof(l), "%.*s", (int)n, p);
			int lineno = 0;
			const char *msg = l;
			size_t pl = strlen(path);
			if (!strncmp(l, path, pl) && l[pl] == ':') {
				lineno = atoi(l + pl + 1);
				const char *c = strchr(l + pl + 1, ':');
				msg = c ? c + 1 : l;
				while (*msg == ' ')
					msg++;
			}
			reject(rej, nrej, lineno, "", 0, msg, -1);
			buf_printf(errs, "%s\n", l);
			rc++;
			p = nl ? nl + 1 : p + n;
		}
		buf_free(&yerr);
	} else {
		rc = apply_lines(cfg, path, text.p, rej, nrej, errs);
	}
out:
	buf_free(&text);
	return rc;
}

int startup_merge(const char *path, struct cfg *cfg, struct buf *errs)
{
	struct buf text = BUF_INIT;
	struct tg_rejected *rej = NULL;
	int nrej = 0;
	int rc = read_file(path, &text, errs);
	if (rc)
		goto out;
	if (startup_is_yaml(path)) {
		/* YAML -> model -> IOS text -> the grammar, so merging validates alike */
		struct cfg y;
		struct buf yerr = BUF_INIT, ios = BUF_INIT;
		cfg_init(&y);
		if (cfg_yaml_load(text.p, text.len, path, &y, &yerr)) {
			buf_append(errs, buf_str(&yerr), yerr.len);
			rc = -EINVAL;
		} else {
			cfg_render_text(&y, &ios);
			rc = ios.p ? apply_lines(cfg, path, ios.p, &rej, &nrej, errs) : 0;
		}
		cfg_free(&y);
		buf_free(&yerr);
		buf_free(&ios);
	} else {
		rc = apply_lines(cfg, path, text.p, &rej, &nrej, errs);
	}
out:
	startup_free_rejected(rej, nrej);
	buf_free(&text);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int startup_save(const struct cfg *cfg, const char *path, char *err, size_t errsz)
{
	struct buf body = BUF_INIT;
	char tmp[1024], bak[1024], dir[1024];
	int fd = -1, rc;
	rc = startup_is_yaml(path) ? cfg_yaml_emit(cfg, &body) : cfg_render_text(cfg, &body);
	if (rc) {
		snprintf(err, errsz, "Cannot render the configuration: %s", strerror(-rc));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	char *d = dirname(dir);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", d, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	snprintf(bak, sizeof(bak), "%s.bak", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errsz, "Cannot create a file in %s: %s", d, strerror(errno));
		goto out;
	}
	fchmod(fd, 0640);
	rc = write_all(fd, buf_str(&body), body.len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	fd = -1;
	if (rc) {
		snprintf(err, errsz, "Cannot write %s: %s", path, strerror(-rc));
		unlink(tmp);
		goto out;
	}
	/* keep the previous file as PATH.bak; PATH itself is never missing */
	struct stat st;
	if (stat(path, &st) == 0) {
		char bak_tmp[1100];
		snprintf(bak_tmp, sizeof(bak_tmp), "%s.tmp", bak);
		unlink(bak_tmp);
		if (link(path, bak_tmp) == 0)
			rename(bak_tmp, bak);
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		snprintf(err, errsz, "Cannot rename into %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	int dfd = open(d, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_free(&body);
	return rc;
}
