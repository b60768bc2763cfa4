/* startup.h - loading a configuration file (IOS text or YAML) and saving one atomically (layer 6).
 *
 * IOS text goes through the command grammar line by line, in two passes: the
 * first collects every object the file defines, so that references are
 * resolved whatever the order of blocks; the second applies the lines, and
 * every line it rejects is reported as `FILE:LINE: reason` with the line and a
 * caret, and kept (nothing is lost silently). */
#ifndef TOLLGATE_STARTUP_H
#define TOLLGATE_STARTUP_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/daemon.h"

bool startup_is_yaml(const char *path);

/* Apply the lines of `text` (IOS) to cfg.  Rejected lines are appended to
 * *rej (owned by the caller, free with startup_free_rejected) and described
 * in errs.  Returns the number of rejected lines. */
int startup_apply_text(struct cfg *cfg, const char *path, const char *text,
		       struct tg_rejected **rej, int *nrej, struct buf *errs);

/* Load the file at path into cfg (cfg_init'ed, normally empty).  Returns the
 * number of rejected lines or problems, or a negative errno if the file could
 * not be read (message in errs). */
int startup_load(const char *path, struct cfg *cfg, struct tg_rejected **rej, int *nrej,
		 struct buf *errs);

/* Merge a file into a running configuration (`copy FILE running-config`). */
int startup_merge(const char *path, struct cfg *cfg, struct buf *errs);

/* Render cfg (YAML when the path ends in .yaml/.yml) and write it atomically:
 * temp file, fsync, old file kept as PATH.bak, rename, fsync of the directory.
 * 0, or a negative errno with the reason in err; the old file is untouched then. */
int startup_save(const struct cfg *cfg, const char *path, char *err, size_t errsz);

void startup_free_rejected(struct tg_rejected *rej, int n);

#endif
