/* relay_uring.c - the media relay's io_uring back-end (relay thread): every
 * socket has one multishot receive into a ring of provided buffers, and every
 * packet leaves as a sendmsg from the buffer it arrived in, so one
 * io_uring_enter per turn submits all sends of the turn and collects all
 * arrivals, where the epoll back-end (media/relay_path.c) pays an epoll poll
 * of each ready socket plus a recvmmsg and a sendmmsg per packet.
 *
 * Needs Linux 6.1 (IORING_SETUP_DEFER_TASKRUN; multishot recvmsg and buffer
 * rings came in 6.0 and 5.19).  relay_uring_new() fails cleanly when the
 * kernel or a seccomp filter says no, and the thread then runs the epoll
 * back-end: the reason is kept for `show media statistics`.
 *
 * Lifetimes.  A request names its socket (receive) or its buffer (send) in
 * its user_data; a session counts the requests in flight that refer to it
 * (io_refs).  Removing a session cancels its receives and sends the REMOVED
 * event (after which the main thread frees the session and reuses its
 * ports) only when io_refs is back to 0, so no completion ever refers to a
 * freed session or feeds a reused port's packets to a stale request.
 * Buffers return to the ring when their send completes (or at once when the
 * packet goes no further).  Nothing here takes a lock; allocation happens
 * only in relay_uring_new(). */
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "media/relay_int.h"

#define U_NBUF     2048             /* provided buffers (a power of 2); see nbuf_wanted() */
#define U_SQ       1024
#define U_CQ       16384
#define U_NAMELEN  48               /* room for the source address: payload at offset 64 */
#define U_HDR      (sizeof(struct io_uring_recvmsg_out) + U_NAMELEN)
#define U_BGID     0

enum { T_RECV = 0, T_SEND = 1, T_CMD = 2, T_IGNORE = 3, T_MASK = 3 };

struct usend {               /* one buffer's send; valid while the send is in flight */
	struct msghdr mh;
	struct iovec iov;
	union raddr to;
	struct relay_session *s;
	struct ctr_dir *tx;      /* the leg's counters it leaves on */
	int len;
};

struct relay_uring {         /* one relay thread's ring; owned by that thread */
	struct io_uring ring;
	bool ring_up;
	unsigned nbuf;
	struct io_uring_buf_ring *br;   /* mmap'ed, nbuf entries */
	uint8_t *bufs;                  /* nbuf x RELAY_BUF */
	struct usend *snd;              /* nbuf */
	struct msghdr rmsg;             /* the multishot receives' template */
	unsigned added;                 /* buffers given back since the last advance */
	unsigned detaching;             /* sessions waiting for io_refs == 0 */
	bool cmds;                      /* the command eventfd fired */
	bool cmd_armed;
	bool sendto;                    /* IORING_OP_SEND takes a destination (Linux 6.3?) */
	unsigned nfx;                   /* registered file table size; 0: none */
	unsigned nfree;
	int *fxfree;                    /* free file table indexes, a stack */
};

static inline uint8_t *buf_at(struct relay_uring *u, unsigned bid)
{
	return u->bufs + (size_t)bid * RELAY_BUF;
}

static void buf_give(struct relay_uring *u, unsigned bid)
{
	io_uring_buf_ring_add(u->br, buf_at(u, bid), RELAY_BUF - RELAY_TAILROOM, (unsigned short)bid,
			      io_uring_buf_ring_mask(u->nbuf), (int)u->added++);
}

static void buf_flush(struct relay_uring *u)
{
	if (u->added) {
		io_uring_buf_ring_advance(u->br, (int)u->added);
		u->added = 0;
	}
}

/* Never NULL: a full submission queue is submitted first. */
static struct io_uring_sqe *sqe_get(struct relay_uring *u)
{
	struct io_uring_sqe *e = io_uring_get_sqe(&u->ring);
	while (!e) {
		buf_flush(u);
		(void)io_uring_submit(&u->ring);
		e = io_uring_get_sqe(&u->ring);
	}
	return e;
}

/* A socket into the ring's file table, so that its requests skip the file
 * lookup (and its reference count) each time; -1 when the table is full or
 * absent, and the plain descriptor is used. */
static void fx_add(struct relay_uring *u, struct relay_sock *k)
{
	k->fx = -1;
	if (!u->nfree || k->fd < 0)
		return;
	int i = u->fxfree[u->nfree - 1];
	if (io_uring_register_files_update(&u->ring, (unsigned)i, &k->fd, 1) == 1) {
		u->nfree--;
		k->fx = i;
	}
}

/* Out of the table: the kernel keeps the file for requests still in flight. */
static void fx_del(struct relay_uring *u, struct relay_sock *k)
{
	int none = -1;
	if (k->fx < 0)
		return;
	if (io_uring_register_files_update(&u->ring, (unsigned)k->fx, &none, 1) == 1)
		u->fxfree[u->nfree++] = k->fx;
	k->fx = -1;
}

static void sqe_fd(struct io_uring_sqe *e, const struct relay_sock *k)
{
	if (k->fx >= 0) {
		e->fd = k->fx;
		e->flags |= IOSQE_FIXED_FILE;
	}
}

static void arm_sock(struct relay_thread *t, struct relay_sock *k)
{
	struct relay_uring *u = t->u;
	struct io_uring_sqe *e = sqe_get(u);
	io_uring_prep_recvmsg_multishot(e, k->fd, &u->rmsg, 0);
	sqe_fd(e, k);
	e->flags |= IOSQE_BUFFER_SELECT;
	e->buf_group = U_BGID;
	io_uring_sqe_set_data64(e, (uint64_t)(uintptr_t)k | T_RECV);
	k->armed = true;
	k->s->io_refs++;
}

static void arm_cmds(struct relay_thread *t)
{
	struct io_uring_sqe *e = sqe_get(t->u);
	io_uring_prep_poll_multishot(e, t->q.efd, POLLIN);
	io_uring_sqe_set_data64(e, T_CMD);
	t->u->cmd_armed = true;
}

/* The session's last request is done: its sockets leave the file table (a
 * slot is reused only now, so no queued request of the session can reach
 * the next socket put there), and it goes back to the main thread. */
static void gone(struct relay_thread *t, struct relay_session *s)
{
	for (int l = 0; l < 2; l++)
		for (int k = 0; k < 2; k++)
			fx_del(t->u, &s->leg[l].sock[k]);
	relay_removed(s);
}

static void unref(struct relay_thread *t, struct relay_session *s)
{
	if (--s->io_refs == 0 && s->detaching) {
		t->u->detaching--;
		gone(t, s);
	}
}

/* Sockets whose receive ended are re-armed after the turn (see on_recv). */
static void rearm_later(struct relay_thread *t, struct relay_sock *k)
{
	if (!k->pending) {
		k->pending = true;
		k->pnext = t->pending;
		t->pending = k;
	}
}

static void on_packet(struct relay_thread *t, struct relay_sock *k, unsigned bid, int res)
{
	struct relay_uring *u = t->u;
	struct relay_session *s = k->s;
	struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(buf_at(u, bid), res, &u->rmsg);

	if (!o || s->detaching) {
		buf_give(u, bid);
		return;
	}
	uint8_t *pkt = io_uring_recvmsg_payload(o, &u->rmsg);
	int len = (int)io_uring_recvmsg_payload_length(o, res, &u->rmsg);
	if ((o->flags & MSG_TRUNC) || o->namelen > U_NAMELEN) {
		ctr_add(&s->ctr[k->leg].rx.dropped, 1);
		buf_give(u, bid);
		return;
	}
	int os = relay_packet(t, k, pkt, &len, RELAY_BUF - (int)U_HDR,
			      (const struct sockaddr_storage *)io_uring_recvmsg_name(o));
	if (os < 0) {
		buf_give(u, bid);
		return;
	}
	struct leg_rt *O = &s->leg[!k->leg];
	struct usend *d = &u->snd[bid];
	d->to = O->remote[os];   /* the remote may change before the send completes */
	d->s = s;
	d->tx = &s->ctr[!k->leg].tx;
	d->len = len;
	struct io_uring_sqe *e = sqe_get(u);
	if (u->sendto) {        /* no msghdr to copy in */
		io_uring_prep_send(e, O->sock[os].fd, pkt, (size_t)len, MSG_DONTWAIT);
		io_uring_prep_send_set_addr(e, &d->to.sa, (uint16_t)O->rlen[os]);
	} else {
		d->iov.iov_base = pkt;
		d->iov.iov_len = (size_t)len;
		d->mh.msg_name = &d->to;
		d->mh.msg_namelen = O->rlen[os];
		io_uring_prep_sendmsg(e, O->sock[os].fd, &d->mh, MSG_DONTWAIT);
	}
	sqe_fd(e, &O->sock[os]);
	io_uring_sqe_set_data64(e, (uint64_t)bid << 2 | T_SEND);
	s->io_refs++;
}

static void on_recv(struct relay_thread *t, struct relay_sock *k, const struct io_uring_cqe *c)
{
	if (c->flags & IORING_CQE_F_BUFFER) {
		unsigned bid = c->flags >> IORING_CQE_BUFFER_SHIFT;
		if (c->res >= 0)
			on_packet(t, k, bid, c->res);
		else
			buf_give(t->u, bid);
	}
	if (c->flags & IORING_CQE_F_MORE)
		return;
	/* the receive ended: cancelled (removal), out of buffers, or an error */
	k->armed = false;
	struct relay_session *s = k->s;
	if (s->detaching) {
		unref(t, s);
		return;
	}
	s->io_refs--;
	/* out of buffers: again after this turn; an error: again in a second,
	 * so a socket that keeps failing cannot spin the thread */
	k->rearm_at = c->res == -ENOBUFS || c->res >= 0 ? 0 : t->now + 1000;
	rearm_later(t, k);
}

static void on_send(struct relay_thread *t, const struct io_uring_cqe *c)
{
	struct relay_uring *u = t->u;
	unsigned bid = (unsigned)(c->user_data >> 2);
	struct usend *d = &u->snd[bid];

	if (c->res >= 0) {
		ctr_add(&d->tx->packets, 1);
		ctr_add(&d->tx->bytes, (uint64_t)d->len);
	} else {
		ctr_add(&d->tx->dropped, 1);   /* EAGAIN: the socket's send buffer is full */
	}
	buf_give(u, bid);
	unref(t, d->s);
}

/* One turn: submit what is queued, wait for at least one completion (at most
 * wait_ms), handle every completion. */
static void turn(struct relay_thread *t, int64_t wait_ms)
{
	struct relay_uring *u = t->u;
	struct io_uring_cqe *c;
	struct __kernel_timespec ts = { .tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000 };

	buf_flush(u);
	(void)io_uring_submit_and_wait_timeout(&u->ring, &c, 1, &ts, NULL);
	t->now = relay_now_ms();
	while (io_uring_peek_cqe(&u->ring, &c) == 0) {
		switch (c->user_data & T_MASK) {
		case T_RECV:
			on_recv(t, (struct relay_sock *)(uintptr_t)(c->user_data & ~(uint64_t)T_MASK), c);
			break;
		case T_SEND:
			on_send(t, c);
			break;
		case T_CMD:
			u->cmds = true;
			if (!(c->flags & IORING_CQE_F_MORE))
				u->cmd_armed = false;
			break;
		default:
			break;
		}
		io_uring_cqe_seen(&u->ring, c);
	}
	/* receives that ended (ENOBUFS when the buffers ran out): again, now
	 * that this turn's buffers are back */
	struct relay_sock *k = t->pending, *next;
	t->pending = NULL;
	for (; k; k = next) {
		next = k->pnext;
		k->pending = false;
		k->pnext = NULL;
		if (k->rearm_at > t->now)
			rearm_later(t, k);
		else if (!k->s->detaching && !k->armed)
			arm_sock(t, k);
	}
	if (!u->cmd_armed)
		arm_cmds(t);
}

/* ------------------------------------------------------------------ */

/* What the ring of t uses, for relay_io_describe(). */
void relay_uring_features(const struct relay_thread *t, char *buf, size_t len)
{
	const struct relay_uring *u = t->u;
	snprintf(buf, len, "multishot receive, %u provided buffers%s%s", u->nbuf,
		 u->nfx ? ", registered files" : "", u->sendto ? ", send with address" : ", sendmsg");
}

void relay_uring_attach(struct relay_thread *t, struct relay_session *s)
{
	for (int l = 0; l < 2; l++)
		for (int k = 0; k < 2; k++) {
			struct relay_sock *so = &s->leg[l].sock[k];
			fx_add(t->u, so);
			if (so->fd >= 0)
				arm_sock(t, so);
		}
	s->registered = true;
}

/* s is out of the thread's list: cancel its receives; REMOVED goes to the
 * main thread when the last of its requests has completed. */
void relay_uring_detach(struct relay_thread *t, struct relay_session *s)
{
	s->detaching = true;
	s->registered = false;
	for (int l = 0; l < 2; l++)
		for (int k = 0; k < 2; k++) {
			struct relay_sock *so = &s->leg[l].sock[k];
			if (!so->armed)
				continue;
			struct io_uring_sqe *e = sqe_get(t->u);
			io_uring_prep_cancel64(e, (uint64_t)(uintptr_t)so | T_RECV, 0);
			io_uring_sqe_set_data64(e, T_IGNORE);
		}
	if (s->io_refs == 0)
		gone(t, s);
	else
		t->u->detaching++;
}

void relay_uring_run(struct relay_thread *t)
{
	int64_t next_tick = t->now + 1000;

	arm_cmds(t);             /* before the first wait, or commands wait for the tick */
	relay_run_commands(t);
	while (t->running) {
		turn(t, next_tick > t->now ? next_tick - t->now : 0);
		if (t->now >= next_tick) {
			relay_inactivity_scan(t);
			next_tick = t->now + 1000;
		}
		if (t->u->cmds) {
			t->u->cmds = false;
			relay_run_commands(t);
		}
	}
}

/* After the sessions were detached: wait (bounded) for their requests. */
void relay_uring_drain(struct relay_thread *t)
{
	for (int i = 0; i < 50 && t->u->detaching; i++)
		turn(t, 100);
}

void relay_uring_free(struct relay_thread *t)
{
	struct relay_uring *u = t->u;
	if (!u)
		return;
	if (u->ring_up)
		io_uring_queue_exit(&u->ring);   /* unregisters the buffer ring */
	if (u->br)
		munmap(u->br, u->nbuf * sizeof(struct io_uring_buf));
	free(u->bufs);
	free(u->snd);
	free(u->fxfree);
	free(u);
	t->u = NULL;
}

/* U_NBUF, or TOLLGATE_RELAY_BUFS (a power of 2, 16-32768): a test sets a
 * small ring to run the path where receives run out of buffers. */
static unsigned nbuf_wanted(void)
{
	const char *e = getenv("TOLLGATE_RELAY_BUFS");
	unsigned long v = e ? strtoul(e, NULL, 10) : 0;
	return v >= 16 && v <= 32768 && !(v & (v - 1)) ? (unsigned)v : U_NBUF;
}

/* Does IORING_OP_SEND take a destination address on this kernel?  One
 * datagram between two loopback sockets says. */
static bool probe_sendto(struct relay_uring *u)
{
	bool ok = false;
	int a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), b = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t tl = sizeof(to);
	static const char msg[] = "tollgate";
	char got[16];
	struct io_uring_cqe *c;

	if (a < 0 || b < 0 || bind(b, (struct sockaddr *)&to, sizeof(to)) ||
	    getsockname(b, (struct sockaddr *)&to, &tl))
		goto out;
	struct io_uring_sqe *e = sqe_get(u);
	io_uring_prep_send(e, a, msg, sizeof(msg), 0);
	io_uring_prep_send_set_addr(e, (struct sockaddr *)&to, sizeof(to));
	io_uring_sqe_set_data64(e, T_IGNORE);
	if (io_uring_submit_and_wait(&u->ring, 1) < 0 || io_uring_peek_cqe(&u->ring, &c))
		goto out;
	ok = c->res == (int)sizeof(msg) &&
	     recv(b, got, sizeof(got), MSG_DONTWAIT) == (ssize_t)sizeof(msg) && !memcmp(got, msg, sizeof(msg));
	io_uring_cqe_seen(&u->ring, c);
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return ok;
}

/* In the relay thread (the ring's single issuer).  0, or a negative errno
 * with *why naming the step that failed; t->u stays NULL then. */
int relay_uring_new(struct relay_thread *t, const char **why)
{
	int rc = 0;
	struct relay_uring *u = calloc(1, sizeof(*u));
	struct io_uring_params p = {
		.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			 IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE,
		.cq_entries = U_CQ,
	};
	*why = "memory";
	if (!u)
		return -ENOMEM;
	t->u = u;
	u->nbuf = nbuf_wanted();
	if (!(u->bufs = aligned_alloc(64, (size_t)u->nbuf * RELAY_BUF)) ||
	    !(u->snd = calloc(u->nbuf, sizeof(*u->snd)))) {
		rc = -ENOMEM;
		goto fail;
	}
	*why = "io_uring_setup";
	if ((rc = io_uring_queue_init_params(U_SQ, &u->ring, &p)))
		goto fail;
	u->ring_up = true;
	*why = "io_uring extended wait (Linux 5.11)";
	if (!(p.features & IORING_FEAT_EXT_ARG)) {
		rc = -EOPNOTSUPP;
		goto fail;
	}
	*why = "buffer ring";
	void *m = mmap(NULL, u->nbuf * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		rc = -errno;
		goto fail;
	}
	u->br = m;
	struct io_uring_buf_reg reg = { .ring_addr = (uint64_t)(uintptr_t)m, .ring_entries = u->nbuf,
					.bgid = U_BGID };
	if ((rc = io_uring_register_buf_ring(&u->ring, &reg, 0)))
		goto fail;
	io_uring_buf_ring_init(u->br);
	for (unsigned i = 0; i < u->nbuf; i++)
		buf_give(u, i);
	buf_flush(u);
	u->rmsg.msg_namelen = U_NAMELEN;
	for (unsigned i = 0; i < u->nbuf; i++) {
		u->snd[i].mh.msg_iov = &u->snd[i].iov;
		u->snd[i].mh.msg_iovlen = 1;
	}
	/* a file table as large as the descriptor limit allows (up to one
	 * entry per port of the widest range); without one, plain descriptors */
	struct rlimit rl;
	unsigned want = 32768;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < want)
		want = (unsigned)rl.rlim_cur;
	if ((u->fxfree = malloc(want * sizeof(*u->fxfree))) &&
	    !io_uring_register_files_sparse(&u->ring, want)) {
		u->nfx = u->nfree = want;
		for (unsigned i = 0; i < want; i++)
			u->fxfree[i] = (int)(want - 1 - i);
	}
	/* TOLLGATE_RELAY_IO=sendmsg: the path for older kernels whose send
	 * takes no address, chosen by hand so that the tests run it here too */
	const char *mode = getenv("TOLLGATE_RELAY_IO");
	u->sendto = !(mode && !strcmp(mode, "sendmsg")) && probe_sendto(u);
	*why = NULL;
	return 0;
fail:
	relay_uring_free(t);
	return rc;
}
