/* transport_stream.c - TCP and TLS connections: accept, connect, framing by
 * Content-Length, CRLF keep-alives, write queues, reuse, idle ageing. */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "sip/msg.h"
#include "sip/tls.h"
#include "sip/transport_int.h"

enum conn_state { C_CONNECTING, C_HANDSHAKE, C_ESTABLISHED, C_CLOSING };
static const char *const state_names[] = { "Connecting", "Handshake", "Established", "Closing" };

struct pending_fail { sip_send_fail_fn fn; void *arg; };

struct sip_conn {           /* owned by T.conns */
	struct sip_conn *next;
	uint32_t id;
	enum sip_proto proto;
	bool outbound;
	enum conn_state state;
	int fd;
	uint32_t ev;                /* events the loop watches fd for */
	struct sockaddr_storage remote, local;
	struct buf in, out;
	struct tls_conn *tls;       /* owned (it holds a reference on policy) */
	struct tls_policy *policy;  /* the policy the session was made with */
	char tls_name[256];
	uint32_t dial_peer;         /* outbound: the dial-peer it was opened for, 0 = none */
	char verified_name[256];    /* TLS peer name that passed CN/SAN validation */
	time_t created, last;
	unsigned long msgs_in, msgs_out;
	struct pending_fail *pf;    /* owned array: failure callbacks until established */
	int npf;
	bool dead;
};

static struct loop_timer *g_age_timer;
/* Dead connections are freed by reap(), but not while conn_io() is running:
 * a send from inside the rx callback may close the very connection being read
 * (a response on a broken socket), which conn_io() still uses afterwards. */
static int g_io_depth;
static bool g_dead_pending;     /* some connection is dead and not yet freed */

#define TLS_FAIL_KEEP 16
static struct sip_tls_failure g_fail[TLS_FAIL_KEEP]; /* ring of the last failed handshakes */
static unsigned g_nfail;

void sip_tls_record_failure(uint32_t id, bool outbound, const struct sockaddr_storage *local,
			    const struct sockaddr_storage *remote, const char *reason, uint32_t dial_peer,
			    const struct tls_fail_detail *detail)
{
	struct sip_tls_failure *f = &g_fail[g_nfail++ % TLS_FAIL_KEEP];
	f->when = time(NULL);
	f->conn_id = id;
	f->outbound = outbound;
	f->local = *local;
	f->remote = *remote;
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
	f->dial_peer = dial_peer;
	if (detail)
		f->detail = *detail;
	else
		memset(&f->detail, 0, sizeof(f->detail));
	f->detail.server = !outbound;
}

void sip_transport_foreach_tls_failure(void (*fn)(void *arg, const struct sip_tls_failure *f), void *arg)
{
	unsigned n = g_nfail < TLS_FAIL_KEEP ? g_nfail : TLS_FAIL_KEEP;
	for (unsigned i = 0; i < n; i++)
		fn(arg, &g_fail[(g_nfail - n + i) % TLS_FAIL_KEEP]);
}

static void conn_io(void *arg, uint32_t events);

static struct sip_conn *conn_find_id(uint32_t id)
{
	for (struct sip_conn *c = T.conns; c; c = c->next)
		if (c->id == id && !c->dead)
			return c;
	return NULL;
}

/* Close a connection; fail its pending sends with err/reason. */
static void conn_close(struct sip_conn *c, int err, const char *reason)
{
	if (c->dead)
		return;
	c->dead = true;
	g_dead_pending = true;
	if (c->fd >= 0) {
		loop_del(c->fd);
		close(c->fd);
		c->fd = -1;
	}
	struct pending_fail *pf = c->pf;
	int npf = c->npf;
	c->pf = NULL;
	c->npf = 0;
	for (int i = 0; i < npf; i++)
		if (pf[i].fn)
			pf[i].fn(pf[i].arg, err, reason);
	free(pf);
}

static void reap(void)
{
	if (!g_dead_pending || g_io_depth)
		return;
	g_dead_pending = false;
	struct sip_conn **pp = &T.conns;
	while (*pp) {
		struct sip_conn *c = *pp;
		if (c->dead) {
			*pp = c->next;
			c->next = NULL;
			buf_free(&c->in);
			buf_free(&c->out);
			if (c->tls)
				tls_session_free(c->tls);
			free(c->pf);
			free(c);
		} else
			pp = &c->next;
	}
}

static void age_cb(void *arg)
{
	(void)arg;
	time_t now = time(NULL);
	for (struct sip_conn *c = T.conns; c; c = c->next) {
		if (c->dead)
			continue;
		if (c->state != C_ESTABLISHED && now - c->created >= T.establish_sec) {
			char why[96];
			snprintf(why, sizeof(why), c->state == C_HANDSHAKE
				 ? "timed out (TLS handshake not finished within %d s)"
				 : "timed out (no connection within %d s)", T.establish_sec);
			sip_conn_failed(c->proto, &c->remote, c->dial_peer, -ETIMEDOUT, why);
			conn_close(c, -ETIMEDOUT, "connection establishment timed out");
		} else if (c->state == C_ESTABLISHED && now - c->last >= T.aging_sec) {
			T.stats[c->proto].ageouts++;
			char a[80];
			log_msg(6, "SIP", "CONN_AGEOUT", "%s connection %u to %s closed after %d s idle",
				sip_proto_upper(c->proto), c->id, sip_addr_str(&c->remote, a, sizeof(a)), T.aging_sec);
			conn_close(c, -ETIMEDOUT, "idle");
		}
	}
	reap();
}

void sip_stream_init(void)
{
	loop_timer_add(1000, true, age_cb, NULL, &g_age_timer);
}

void sip_stream_fini(void)
{
	loop_timer_del(g_age_timer);
	g_age_timer = NULL;
	for (struct sip_conn *c = T.conns; c; c = c->next)
		conn_close(c, -ESHUTDOWN, "shutting down");
	reap();
}

static void conn_watch(struct sip_conn *c)
{
	uint32_t ev = EPOLLIN;
	if (c->state == C_CONNECTING || c->out.len || (c->tls && tls_session_want(c->tls) == TLS_WANT_WRITE))
		ev |= EPOLLOUT;
	if (ev != c->ev && loop_mod(c->fd, ev) == 0)
		c->ev = ev;
}

/* The largest send queue of an established connection, per transport (what
 * waits while a connection is being made counts once it is up). */
static void note_queue(struct sip_conn *c)
{
	struct sip_transport_stats *st = &T.stats[c->proto];
	if (c->state == C_ESTABLISHED && c->out.len > st->max_queue) {
		st->max_queue = c->out.len;
		sip_addr_str(&c->remote, st->max_queue_peer, sizeof(st->max_queue_peer));
	}
}

/* Write what is queued.  0, or a negative errno (the connection is broken). */
static int conn_flush(struct sip_conn *c)
{
	while (c->out.len && c->state == C_ESTABLISHED) {
		ssize_t w;
		if (c->tls)
			w = tls_session_write(c->tls, c->out.p, c->out.len);
		else {
			w = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0)
				w = errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		if (w == -EAGAIN || w == -EINTR)
			break;
		if (w < 0)
			return (int)w;
		buf_consume(&c->out, (size_t)w);
	}
	return 0;
}

static void deliver(struct sip_conn *c)
{
	for (;;) {
		size_t skip = 0;
		long n = sip_stream_frame(c->in.p ? c->in.p : "", c->in.len, &skip);
		if (skip) {
			/* RFC 5626: a CRLFCRLF ping is answered with a CRLF pong */
			if (skip >= 4 && !memcmp(c->in.p, "\r\n\r\n", 4)) {
				buf_append(&c->out, "\r\n", 2);
				conn_flush(c);
			}
			buf_consume(&c->in, skip);
			continue;
		}
		if (n == 0)
			break;
		if (n < 0) {
			char a[80];
			log_msg(4, "SIP", "STREAM_ERROR", "%s connection %u from %s: unframeable data (%s); closing",
				sip_proto_upper(c->proto), c->id, sip_addr_str(&c->remote, a, sizeof(a)),
				strerror((int)-n));
			conn_close(c, (int)n, "unframeable data");
			return;
		}
		struct sip_src src = { .proto = c->proto, .remote = c->remote, .local = c->local,
				       .conn_id = c->id, .udp_fd = -1 };
		if (c->verified_name[0])
			src.tls_peer_name = c->verified_name;
		c->msgs_in++;
		/* the callback may close the connection; keep the bytes safe */
		char *msg = malloc((size_t)n + 1);
		if (!msg)
			break;
		memcpy(msg, c->in.p, (size_t)n);
		msg[n] = '\0';
		buf_consume(&c->in, (size_t)n);
		T.rx(msg, (size_t)n, &src);
		free(msg);
		if (c->dead)
			return;
	}
	if (c->in.len > SIP_MAX_STREAM_BUF)
		conn_close(c, -EMSGSIZE, "receive buffer overflow");
}

static void established(struct sip_conn *c)
{
	c->state = C_ESTABLISHED;
	free(c->pf);
	c->pf = NULL;
	c->npf = 0;
	c->last = time(NULL);
	note_queue(c);
}

/* A failed TLS handshake: counted, logged, kept for show, and the
 * connection closed (its pending sends fail with reason). */
static void handshake_failed(struct sip_conn *c, const char *reason)
{
	char l[80], r[80], cert[1024];
	struct tls_fail_detail *d = NULL;
	if (c->outbound)
		T.stats[c->proto].tls_client_hs_failures++;
	else
		T.stats[c->proto].tls_server_hs_failures++;
	log_msg(2, "SIP", "TLS_HANDSHAKE_FAILED",
		"Reason: %s, Connection ID: %u, local address : %s and remote address : %s", reason,
		c->id, sip_addr_str(&c->local, l, sizeof(l)), sip_addr_str(&c->remote, r, sizeof(r)));
	if (c->tls && (d = malloc(sizeof(*d))) != NULL) {
		tls_session_fail_detail(c->tls, d);
		/* Tollgate extension: the certificate that failed verification */
		if (tls_fail_cert_log(d, c->id, time(NULL), cert, sizeof(cert)))
			log_msg(2, "SIP", "TLS_CERT_DETAIL", "%s", cert);
	}
	sip_tls_record_failure(c->id, c->outbound, &c->local, &c->remote, reason, c->dial_peer, d);
	free(d);
	conn_close(c, -ECONNABORTED, reason);
}

static void handshake_step(struct sip_conn *c)
{
	char reason[512];
	int rc;
	/* cn-san-validate server with no name to check (an IP-address target,
	 * refused at commit, but a startup-config is only warned about): fail
	 * closed rather than accept any certificate the CA signed */
	if (c->outbound && !c->tls_name[0] && tls_policy_validates_server_name(c->policy)) {
		handshake_failed(c, "cn-san-validate server: no server name to check the certificate "
				    "against (the session target is an IP address; use session target dns:NAME)");
		return;
	}
	rc = tls_session_handshake(c->tls);
	if (rc == -EAGAIN)
		return;
	if (rc) {
		snprintf(reason, sizeof(reason), "%s", tls_session_reason(c->tls)[0] ? tls_session_reason(c->tls) : strerror(-rc));
		handshake_failed(c, reason);
		return;
	}
	if (!c->outbound && tls_policy_requests_client_cert(c->policy)) {
		struct tls_conn_info *ti = malloc(sizeof(*ti));
		if (ti) {
			tls_session_info(c->tls, ti);
			if (!strcmp(ti->verify, "ok") && ti->n_peer)
				snprintf(c->verified_name, sizeof(c->verified_name), "%s", ti->peer[0].cn);
			free(ti);
		}
	}
	established(c);
}

static void conn_io_step(struct sip_conn *c, uint32_t events);

static void conn_io(void *arg, uint32_t events)
{
	g_io_depth++;
	conn_io_step(arg, events);
	g_io_depth--;
	reap();
}

static void conn_io_step(struct sip_conn *c, uint32_t events)
{
	if (c->dead)
		return;
	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			sip_conn_failed(c->proto, &c->remote, c->dial_peer, -(err ? err : ECONNREFUSED), NULL);
			char a[80], why[160];
			snprintf(why, sizeof(why), "connect to %s failed: %s", sip_addr_str(&c->remote, a, sizeof(a)),
				 strerror(err ? err : ECONNREFUSED));
			conn_close(c, -(err ? err : ECONNREFUSED), why);
			reap();
			return;
		}
		socklen_t ll = sizeof(c->local);
		getsockname(c->fd, (struct sockaddr *)&c->local, &ll);
		if (c->proto == SIP_PROTO_TLS)
			c->state = C_HANDSHAKE;
		else
			established(c);
	}
	if (c->state == C_HANDSHAKE) {
		handshake_step(c);
		if (c->dead) {
			reap();
			return;
		}
	}
	/* bytes the TLS session read ahead do not make the fd readable again:
	 * read until they are gone */
	if (c->state == C_ESTABLISHED &&
	    ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || (c->tls && tls_session_buffered(c->tls)))) {
		for (int i = 0; i < 16 || (c->tls && tls_session_buffered(c->tls)); i++) {
			char tmp[16384];
			ssize_t r;
			if (c->tls)
				r = tls_session_read(c->tls, tmp, sizeof(tmp));
			else {
				r = recv(c->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
				if (r < 0)
					r = errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
			}
			if (r == -EAGAIN || r == -EINTR)
				break;
			if (r <= 0) {
				T.stats[c->proto].remote_closures++;
				conn_close(c, r ? (int)r : -ECONNRESET, "closed by peer");
				reap();
				return;
			}
			c->last = time(NULL);
			buf_append(&c->in, tmp, (size_t)r);
			deliver(c);
			if (c->dead) {
				reap();
				return;
			}
			if (c->tls ? !tls_session_more(c->tls) : (size_t)r < sizeof(tmp))
				break;
		}
	}
	if (c->state == C_ESTABLISHED && conn_flush(c)) {
		T.stats[c->proto].send_failures++;
		conn_close(c, -EPIPE, "write failed");
		reap();
		return;
	}
	conn_watch(c);
}

static struct sip_conn *conn_new(int fd, enum sip_proto proto, bool outbound)
{
	struct sip_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->id = ++T.next_id;
	if (c->id > 16380) /* CUBE's Conn-Id range */
		c->id = T.next_id = 1;
	c->fd = fd;
	c->proto = proto;
	c->outbound = outbound;
	c->created = c->last = time(NULL);
	c->next = T.conns;
	T.conns = c;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

void sip_stream_accept_cb(void *arg, uint32_t events)
{
	struct sip_listener *l = arg;
	(void)events;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct sip_conn *c = conn_new(fd, l->proto, false);
		if (!c) {
			close(fd);
			continue;
		}
		c->remote = ss;
		socklen_t ll = sizeof(c->local);
		getsockname(fd, (struct sockaddr *)&c->local, &ll);
		if (l->proto == SIP_PROTO_TLS) {
			struct tls_policy *pol = T.tls_server_for ? T.tls_server_for(&ss) : NULL;
			if (!pol)
				pol = T.tls_server;
			if (!pol || tls_session_new(pol, true, fd, NULL, &c->tls)) {
				char la[80], ra[80];
				T.stats[SIP_PROTO_TLS].tls_server_hs_failures++;
				const char *why = pol ? "cannot create a TLS session" : "no trustpoint configured for TLS (crypto signaling default trustpoint)";
				log_msg(2, "SIP", "TLS_HANDSHAKE_FAILED",
					"Reason: %s, Connection ID: %u, local address : %s and remote address : %s", why,
					c->id, sip_addr_str(&c->local, la, sizeof(la)), sip_addr_str(&c->remote, ra, sizeof(ra)));
				sip_tls_record_failure(c->id, false, &c->local, &c->remote, why, 0, NULL);
				conn_close(c, -ECONNABORTED, why);
				continue;
			}
			c->policy = pol;
			tls_session_set_id(c->tls, c->id);
			c->state = C_HANDSHAKE;
		} else
			c->state = C_ESTABLISHED;
		if (loop_add(fd, EPOLLIN, conn_io, c)) {
			conn_close(c, -ENOMEM, "cannot watch");
			continue;
		}
		c->ev = EPOLLIN;
	}
	reap();
}

static struct sip_conn *conn_reuse(const struct sip_dest *dst)
{
	if (dst->conn_id) {
		struct sip_conn *c = conn_find_id(dst->conn_id);
		if (c && c->state != C_CLOSING)
			return c;
	}
	for (struct sip_conn *c = T.conns; c; c = c->next) {
		if (c->dead || c->proto != dst->proto || !sip_addr_equal(&c->remote, &dst->addr))
			continue;
		if (!c->outbound && !T.reuse_inbound)
			continue;
		if (c->outbound && c->proto == SIP_PROTO_TLS &&
		    (c->policy != dst->tls || strcmp(c->tls_name, dst->tls_name)))
			continue;
		return c;
	}
	return NULL;
}

int sip_stream_send(const struct sip_dest *dst, const char *data, size_t len,
		    sip_send_fail_fn fail, void *arg)
{
	struct sip_conn *c = conn_reuse(dst);
	if (!c) {
		if (dst->proto == SIP_PROTO_TLS && !dst->tls) {
			sip_conn_failed(dst->proto, &dst->addr, dst->dial_peer, -EINVAL,
					"no TLS client policy (trustpoint) for this target");
			if (fail)
				fail(arg, -EINVAL, "no TLS client policy (trustpoint) for this target");
			return -EINVAL;
		}
		int fd = socket(dst->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		/* a connection shared by dial-peers keeps the first one's DSCP */
		sip_sock_set_tos(fd, dst->addr.ss_family, dst->tos_set ? dst->tos : SIP_DSCP_CS3_TOS);
		socklen_t al = dst->addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (connect(fd, (const struct sockaddr *)&dst->addr, al) < 0 && errno != EINPROGRESS) {
			int e = errno;
			close(fd);
			sip_conn_failed(dst->proto, &dst->addr, dst->dial_peer, -e, NULL);
			return -e;
		}
		c = conn_new(fd, dst->proto, true);
		if (!c) {
			close(fd);
			return -ENOMEM;
		}
		c->remote = dst->addr;
		c->dial_peer = dst->dial_peer;
		c->state = C_CONNECTING;
		snprintf(c->tls_name, sizeof(c->tls_name), "%s", dst->tls_name);
		if (dst->proto == SIP_PROTO_TLS) {
			if (tls_session_new(dst->tls, false, fd, dst->tls_name[0] ? dst->tls_name : NULL, &c->tls)) {
				const char *reason = "cannot create a TLS session";
				conn_close(c, -EINVAL, reason);
				reap();
				if (fail)
					fail(arg, -EINVAL, reason);
				return -EINVAL;
			}
			c->policy = dst->tls;
			tls_session_set_id(c->tls, c->id);
		}
		if (loop_add(fd, EPOLLIN | EPOLLOUT, conn_io, c)) {
			conn_close(c, -ENOMEM, "cannot watch");
			reap();
			return -ENOMEM;
		}
		c->ev = EPOLLIN | EPOLLOUT;
	}
	if (c->state != C_ESTABLISHED && fail) {
		struct pending_fail *v = realloc(c->pf, sizeof(*v) * (size_t)(c->npf + 1));
		if (v) {
			c->pf = v;
			c->pf[c->npf].fn = fail;
			c->pf[c->npf].arg = arg;
			c->npf++;
		}
	}
	buf_append(&c->out, data, len);
	c->msgs_out++;
	note_queue(c);
	if (c->state == C_ESTABLISHED) {
		if (conn_flush(c)) {
			T.stats[c->proto].send_failures++;
			conn_close(c, -EPIPE, "write failed");
			reap();
			return -EPIPE;
		}
		conn_watch(c);
	}
	return 0;
}

void sip_transport_forget(void *arg)
{
	for (struct sip_conn *c = T.conns; c; c = c->next)
		for (int i = 0; i < c->npf; i++)
			if (c->pf[i].arg == arg)
				c->pf[i].fn = NULL;
}

void sip_transport_foreach_conn(sip_conn_iter_fn fn, void *arg)
{
	for (struct sip_conn *c = T.conns; c; c = c->next) {
		if (c->dead)
			continue;
		struct sip_conn_info ci = {
			.id = c->id, .proto = c->proto, .outbound = c->outbound, .state = state_names[c->state],
			.remote = c->remote, .local = c->local, .writeq = c->out.len, .created = c->created,
			.last = c->last, .msgs_in = c->msgs_in, .msgs_out = c->msgs_out, .tls = c->tls,
			.tls_name = c->tls_name,
		};
		fn(arg, &ci);
	}
}

int sip_transport_close_conn(uint32_t id)
{
	struct sip_conn *c = conn_find_id(id);
	if (!c)
		return -ENOENT;
	conn_close(c, -ECONNABORTED, "cleared by operator");
	reap();
	return 0;
}

int sip_transport_close_target(const struct sockaddr_storage *remote, enum sip_proto proto)
{
	int n = 0;
	for (struct sip_conn *c = T.conns; c; c = c->next)
		if (!c->dead && c->proto == proto && sip_addr_equal(&c->remote, remote)) {
			conn_close(c, -ECONNABORTED, "cleared by operator");
			n++;
		}
	reap();
	return n ? 0 : -ENOENT;
}
