/* daemon.c - the core's shared state `tg` and small helpers around it (see daemon.h). */
#include "core/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli/vty.h"

struct tg_state tg;

int tg_daemonize(int *ready_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int rc = -errno;
		close(p[0]);
		close(p[1]);
		return rc;
	}
	if (pid > 0) {            /* the parent: the child's verdict is the exit status */
		char st = '1';
		close(p[1]);
		while (read(p[0], &st, 1) < 0 && errno == EINTR)
			;
		_exit(st == '0' ? 0 : 1);
	}
	close(p[0]);
	(void)setsid();
	*ready_fd = p[1];
	return 0;
}

void tg_daemon_ready(int *ready_fd, int status)
{
	if (*ready_fd < 0)
		return;
	if (status == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			fflush(NULL);
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			if (null > STDERR_FILENO)
				close(null);
		}
	}
	char st = status == 0 ? '0' : '1';
	(void)!write(*ready_fd, &st, 1);
	close(*ready_fd);
	*ready_fd = -1;
}

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
