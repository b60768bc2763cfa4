/* config_yaml.h - the YAML face of the configuration model (layer 2: model).
 *
 * The schema (docs/config-yaml.md) mirrors the IOS modes: one top-level key per
 * global block, one list per keyed collection.  Emitting writes only what is
 * configured; loading fills a struct cfg and reports every problem with the
 * file name and line, loading every part that is valid. */
#ifndef TOLLGATE_CONFIG_YAML_H
#define TOLLGATE_CONFIG_YAML_H

#include <stddef.h>

#include "core/buf.h"
#include "core/config.h"

/* Render c as a YAML document, appended to out.  Returns 0, -ENOMEM, or
 * -EIO if libyaml refused an event (a bug). */
int cfg_yaml_emit(const struct cfg *c, struct buf *out);

/* Load a YAML document (text, len bytes) into out, which the caller has
 * cfg_init()ed (or filled: lists given in the document replace the lists in
 * out, other keys are merged).  Each problem is appended to errors as one
 * line "FILE:LINE: message\n" (filename may be NULL: "<yaml>"), in line order.
 * Returns 0 when there was no problem, -EINVAL when there was any (every valid
 * part is still loaded), -ENOMEM when memory ran out. */
int cfg_yaml_load(const char *text, size_t len, const char *filename, struct cfg *out,
		  struct buf *errors);

#endif
