/* daemon.c - the core's shared state `tg` and small helpers around it (see daemon.h). */
#include "core/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/vty.h"

struct tg_state tg;

void tg_clear_rejected(void)
{
	for (int i = 0; i < tg.nrejected; i++) {
		free(tg.rejected[i].text);
		free(tg.rejected[i].reason);
	}
	free(tg.rejected);
	tg.rejected = NULL;
	tg.nrejected = 0;
}

void tg_note_change(const struct vty *v)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(tg.last_change, sizeof(tg.last_change), "%H:%M:%S UTC %a %b %d %Y", &tm);
	snprintf(tg.last_change_by, sizeof(tg.last_change_by), "%s", v ? v->user : "");
	if (v && v->interactive && !v->file)
		((struct vty *)v)->session_dirty = true;
}
