/* commit.h - from the configuration model to the running core (layer 6).
 *
 * After every accepted configuration command (and once after a file is
 * loaded) commit_apply() compiles what changed into runtime objects.  Checks
 * that can refuse a change (a trustpoint whose key does not match its
 * certificate) run before it is kept: commit_check_trustpoint(). */
#ifndef TOLLGATE_COMMIT_H
#define TOLLGATE_COMMIT_H

#include <stddef.h>

#include "core/config.h"

/* 0, or -EINVAL with the reason in err: the trustpoint's files cannot be used. */
int commit_check_trustpoint(const struct cfg_trustpoint *tp, char *err, size_t errsz);
/* Apply c to the running core: logging buffer size, SIP listeners, the
 * dial-peer route table, TLS policies, DNS servers.  0, or a negative errno
 * with the reason in err (e.g. a port in use): the core is then unchanged. */
int commit_apply(const struct cfg *c, char *err, size_t errsz);

#endif
