/* ctl.c - the control socket: accepts tollsh sessions, runs their frames
 * through a vty, and streams monitor lines to sessions with `terminal monitor`.
 *
 * Access control is the socket's file mode (0660) and group (`tollgate` when
 * that group exists), as for FRR's vtysh sockets; the peer's uid comes from
 * SO_PEERCRED and names the user in logs and `show users`.  Output is queued
 * per connection and written when the socket is writable: a slow shell never
 * blocks the core; monitor lines are dropped for a shell more than 1 MiB behind. */
#include "core/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/vty.h"
#include "core/daemon.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/proto.h"

#define CTL_BACKLOG_MAX (1u << 20)

struct ctl_conn {           /* one shell session; owned by the session list */
	int fd;
	struct buf in, out;
	struct vty vty;
	bool closing;
	int vty_no;
};

static int g_listen = -1;
static int g_next_vty;

static void monitor_cb(void *arg, const char *line);

static void conn_free(struct ctl_conn *c)
{
	log_unsubscribe(monitor_cb, c);
	for (int i = 0; i < tg.nsessions; i++)
		if (tg.sessions[i] == &c->vty) {
			memmove(&tg.sessions[i], &tg.sessions[i + 1],
				sizeof(*tg.sessions) * (size_t)(tg.nsessions - i - 1));
			tg.nsessions--;
			break;
		}
	loop_del(c->fd);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	vty_fini(&c->vty);
	free(c);
}

static void conn_flush(struct ctl_conn *c)
{
	while (c->out.len) {
		ssize_t w = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			c->closing = true;
			buf_reset(&c->out);
			break;
		}
		buf_consume(&c->out, (size_t)w);
	}
	loop_mod(c->fd, EPOLLIN | (c->out.len ? EPOLLOUT : 0));
}

static void send_frame(struct ctl_conn *c, uint8_t type, const char *data, size_t len)
{
	proto_frame(&c->out, type, data, len);
}

static void send_prompt(struct ctl_conn *c)
{
	char p[128];
	vty_prompt(&c->vty, p, sizeof(p));
	send_frame(c, PROTO_PROMPT, p, strlen(p));
}

static void send_setting(struct ctl_conn *c)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "length=%d", c->vty.term_length);
	send_frame(c, PROTO_SETTING, s, (size_t)n);
}

static void monitor_cb(void *arg, const char *line)
{
	struct ctl_conn *c = arg;
	if (!c->vty.monitor || c->out.len > CTL_BACKLOG_MAX)
		return;
	send_frame(c, PROTO_MONITOR, line, strlen(line));
	conn_flush(c);
}

static void hello(struct ctl_conn *c, const char *s)
{
	int tty = 0, rows = 0, cols = 0, echo = 0;
	const char *p;
	if ((p = strstr(s, "tty=")))
		tty = atoi(p + 4);
	if ((p = strstr(s, "rows=")))
		rows = atoi(p + 5);
	if ((p = strstr(s, "cols=")))
		cols = atoi(p + 5);
	if ((p = strstr(s, "echo=")))
		echo = atoi(p + 5);
	c->vty.interactive = true;
	c->vty.prompt_echoed = tty || echo;
	if (rows > 0)
		c->vty.term_length = rows;
	if (!tty)
		c->vty.term_length = 0;
	if (cols > 0)
		c->vty.term_width = cols;
	send_prompt(c);
	send_setting(c);
}

static void handle_frame(struct ctl_conn *c, uint8_t type, const char *data, size_t len)
{
	char *line = strndup(data, len);
	if (!line) {
		c->closing = true;
		return;
	}
	switch (type) {
	case PROTO_HELLO:
		hello(c, line);
		break;
	case PROTO_EXEC: {
		int len_before = c->vty.term_length;
		bool mon_before = c->vty.monitor;
		int rc = vty_exec(&c->vty, line);
		if (c->vty.out.len)
			send_frame(c, PROTO_OUTPUT, c->vty.out.p, c->vty.out.len);
		if (c->vty.term_length != len_before)
			send_setting(c);
		if (c->vty.monitor != mon_before) {
			if (c->vty.monitor)
				log_subscribe(monitor_cb, c);
			else
				log_unsubscribe(monitor_cb, c);
		}
		if (c->vty.closed) {
			send_frame(c, PROTO_CLOSE, "", 0);
			send_frame(c, PROTO_DONE, rc ? "\1" : "\0", 1);
			c->closing = true;
			break;
		}
		send_prompt(c);
		send_frame(c, PROTO_DONE, rc ? "\1" : "\0", 1);
		break;
	}
	case PROTO_HELP:
		vty_help(&c->vty, line);
		send_frame(c, PROTO_OUTPUT, buf_str(&c->vty.out), c->vty.out.len);
		send_frame(c, PROTO_DONE, c->vty.failed ? "\1" : "\0", 1);
		break;
	case PROTO_COMPLETE: {
		struct buf cand = BUF_INIT;
		vty_complete(&c->vty, line, &cand);
		send_frame(c, PROTO_COMPLETIONS, buf_str(&cand), cand.len);
		send_frame(c, PROTO_DONE, "\0", 1);
		buf_free(&cand);
		break;
	}
	default:
		break;
	}
	free(line);
}

static void conn_cb(void *arg, uint32_t events)
{
	struct ctl_conn *c = arg;
	if (events & EPOLLIN) {
		char tmp[16384];
		ssize_t r = recv(c->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_free(c);
			return;
		}
		if (r > 0)
			buf_append(&c->in, tmp, (size_t)r);
		for (;;) {
			uint8_t type;
			const char *data;
			size_t len;
			long n = proto_parse(&c->in, &type, &data, &len);
			if (n < 0) {
				c->closing = true;
				break;
			}
			if (n == 0 || c->closing)
				break;
			handle_frame(c, type, data, len);
			buf_consume(&c->in, (size_t)n);
		}
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		conn_free(c);
		return;
	}
	conn_flush(c);
	if (c->closing && !c->out.len) {
		conn_free(c);
	}
}

static void accept_cb(void *arg, uint32_t events)
{
	(void)arg;
	(void)events;
	for (;;) {
		int fd = accept4(g_listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ctl_conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->vty_no = g_next_vty++;
		char name[16];
		snprintf(name, sizeof(name), "vty%d", c->vty_no);
		vty_init(&c->vty, &tg.running, name);
		c->vty.interactive = true;
		c->vty.priv = c;
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0) {
			c->vty.uid = cr.uid;
			struct passwd *pw = getpwuid(cr.uid);
			if (pw)
				snprintf(c->vty.user, sizeof(c->vty.user), "%s", pw->pw_name);
			else
				snprintf(c->vty.user, sizeof(c->vty.user), "uid%u", (unsigned)cr.uid);
		}
		struct vty **v = realloc(tg.sessions, sizeof(*v) * (size_t)(tg.nsessions + 1));
		if (v)
			tg.sessions = v;
		if (!v || loop_add(fd, EPOLLIN, conn_cb, c)) {
			close(fd);
			vty_fini(&c->vty);
			free(c);
			continue;
		}
		tg.sessions[tg.nsessions++] = &c->vty;
	}
}

int ctl_listen(const char *path, char *err, size_t errsz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errsz, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return -errno;
	}
	/* a stale socket from a killed core is replaced; a live one is not */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			close(fd);
			snprintf(err, errsz, "%s is in use by a running tollgated", path);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || listen(fd, 16) < 0) {
		int e = errno;
		snprintf(err, errsz, "cannot listen on %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	chmod(path, 0660);
	struct group *gr = getgrnam("tollgate");
	if (gr && chown(path, (uid_t)-1, gr->gr_gid) < 0)
		log_msg(4, "SYS", "SOCKET", "cannot give %s to group tollgate: %s", path, strerror(errno));
	g_listen = fd;
	return loop_add(fd, EPOLLIN, accept_cb, NULL);
}

void ctl_close(const char *path)
{
	if (g_listen >= 0) {
		loop_del(g_listen);
		close(g_listen);
		g_listen = -1;
		unlink(path);
	}
}
