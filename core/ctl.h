/* ctl.h - the control socket that tollsh sessions connect to (layer 7). */
#ifndef TOLLGATE_CTL_H
#define TOLLGATE_CTL_H

#include <stddef.h>

/* Listen on path (mode 0660, group tollgate if it exists).  A stale socket
 * is replaced; one that a running core answers on is refused. */
int ctl_listen(const char *path, char *err, size_t errsz);
void ctl_close(const char *path);

#endif
