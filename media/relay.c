/* relay.c - the media relay thread(s): sessions, queues and commands (see relay.h);
 * the packet path is media/relay_path.c.
 *
 * Threads.  Each relay thread owns an io_uring (media/relay_uring.c) or, when
 * the kernel refuses one or TOLLGATE_RELAY_IO=epoll says so, an epoll with its
 * sessions' sockets, a command eventfd and a one-second timerfd (inactivity).  The main thread is
 * the only producer of commands (ADD, UPDATE, REMOVE, STOP) on a thread's
 * queue; the relay threads are the producers of events (REMOVED, LATCHED,
 * INACTIVE, ERROR) on the one completion queue the main thread drains in
 * relay_dispatch().  Both queues are a mutex-protected list plus an eventfd;
 * the mutexes are taken only for commands and events, never per packet.
 *
 * Ownership.  A session is allocated by the main thread and freed by it in
 * relay_dispatch(), after the REMOVED event, which the relay thread sends
 * only once it has taken the sockets out of its epoll (io_uring: once the
 * last request naming the session has completed) and released the
 * transform contexts.  Between ADD and REMOVE the fields marked "relay" are
 * the relay thread's alone; the main thread touches only the fields marked
 * "main" and the atomic counters.  The ADD and REMOVE nodes are embedded in
 * the session, so hand-over and removal never fail for lack of memory.
 *
 * Packet path (epoll; io_uring: see media/relay_uring.c).  One epoll wake-up
 * gives ready sockets (edge-triggered); each
 * is read in recvmmsg batches until it is empty, at most RELAY_ROUNDS batches
 * per turn (a socket with more waits on the pending list for its next turn,
 * so a busy stream cannot starve the others); the packets go through the
 * transforms and leave in one sendmmsg per output socket.  Commands are run
 * after the whole wake-up's events, so no event can refer to a session that
 * was just removed. */
#include "media/relay_int.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "core/loop.h"

static struct {              /* main, except ev (shared) */
	struct relay_thread *t[RELAY_MAX_THREADS];   /* owned */
	int n;
	struct relay_queue ev;   /* events, relay threads -> main */
	unsigned nsess;
	bool attached;
	bool stopping;           /* relay_stop() runs: no new sessions or updates */
} R = { .ev = { .mu = PTHREAD_MUTEX_INITIALIZER, .efd = -1 } };

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

int64_t relay_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void q_push(struct relay_queue *q, struct relay_msg *m)
{
	uint64_t one = 1;
	m->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	pthread_mutex_unlock(&q->mu);
	if (write(q->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, a wake-up is pending anyway */
	}
}

/* The whole list, oldest first; the caller owns it. */
static struct relay_msg *q_take(struct relay_queue *q)
{
	uint64_t v;
	if (read(q->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing signalled; the list is checked anyway */
	}
	pthread_mutex_lock(&q->mu);
	struct relay_msg *m = q->head;
	q->head = q->tail = NULL;
	pthread_mutex_unlock(&q->mu);
	return m;
}

static void xf_release(struct relay_xform *x)
{
	if (x->release && x->ctx)
		x->release(x->ctx);
	memset(x, 0, sizeof(*x));
}

/* Relay thread: hand an event to the main thread.  false on ENOMEM. */
bool relay_ev_push(struct relay_session *s, const struct relay_event *ev)
{
	struct relay_msg *m = calloc(1, sizeof(*m));
	if (!m)
		return false;
	m->type = M_EVENT;
	m->s = s;
	m->ev = *ev;
	q_push(&R.ev, m);
	return true;
}

/* ------------------------------------------------------------------ */
/* Commands (relay thread)                                              */

static void session_attach(struct relay_thread *t, struct relay_session *s)
{
	int rc = 0, l, k;
	s->next = t->list;
	s->prev = NULL;
	if (t->list)
		t->list->prev = s;
	t->list = s;
	s->idle_base = t->now;
	s->inact_reported = -1;
	if (t->u) {
		relay_uring_attach(t, s);
		return;
	}
	for (l = 0; l < 2 && !rc; l++)
		for (k = 0; k < 2 && !rc; k++) {
			struct relay_sock *so = &s->leg[l].sock[k];
			struct epoll_event e = { .events = EPOLLIN | EPOLLET, .data.ptr = so };
			if (so->fd >= 0 && epoll_ctl(t->ep, EPOLL_CTL_ADD, so->fd, &e) < 0)
				rc = -errno;
		}
	if (!rc) {
		s->registered = true;
		return;
	}
	/* a zombie: in the list, silent, until the main thread removes it */
	for (l = 0; l < 2; l++)
		for (k = 0; k < 2; k++)
			if (s->leg[l].sock[k].fd >= 0)
				(void)epoll_ctl(t->ep, EPOLL_CTL_DEL, s->leg[l].sock[k].fd, NULL);
	struct relay_event ev = { .type = RELAY_EV_ERROR, .err = rc };
	(void)relay_ev_push(s, &ev);
}

/* Let go of s: out of the epoll and the list, contexts released; then the
 * REMOVED event (the embedded node) goes to the main thread. */
static void session_detach(struct relay_thread *t, struct relay_session *s)
{
	relay_pending_forget(t, s);
	for (int l = 0; l < 2; l++) {
		for (int k = 0; k < 2; k++)
			if (!t->u && s->registered && s->leg[l].sock[k].fd >= 0)
				(void)epoll_ctl(t->ep, EPOLL_CTL_DEL, s->leg[l].sock[k].fd, NULL);
		for (int x = 0; x < RELAY_XF_COUNT; x++)
			xf_release(&s->leg[l].xf[x]);
	}
	if (s->prev)
		s->prev->next = s->next;
	else
		t->list = s->next;
	if (s->next)
		s->next->prev = s->prev;
	if (t->u && s->registered) {
		relay_uring_detach(t, s);   /* REMOVED when its requests are done */
		return;
	}
	s->registered = false;
	relay_removed(s);
}

/* The REMOVED event (the embedded node): the main thread may free s. */
void relay_removed(struct relay_session *s)
{
	s->rm_msg.type = M_EVENT;
	s->rm_msg.ev.type = RELAY_EV_REMOVED;
	q_push(&R.ev, &s->rm_msg);
}

static void session_apply(struct relay_session *s, const struct relay_update *u)
{
	struct leg_rt *L = &s->leg[u->leg];
	/* An SDP update (re-INVITE, UPDATE) starts a hand-over: the leg latches
	 * again on the first packet from a source other than the one it had
	 * (prev), and packets still coming from prev are relayed meanwhile.  A
	 * new SDP address gets the packets at once; the same SDP address as
	 * before (hold, resume, new keys) keeps the learned address, so a peer
	 * behind NAT is not cut off while it keeps its source. */
	if (u->what & RELAY_UPD_REMOTE) {
		for (int k = 0; k < 2; k++) {
			const struct sockaddr_storage *nr = k == SLOT_RTP ? &u->remote_rtp : &u->remote_rtcp;
			bool keep = u->latch && L->latched[k] && addr_eq(&L->sdp[k], nr);
			if (L->latched[k])
				L->prev[k] = L->remote[k];
			else if (!L->latch_pending[k])
				L->prev[k].sa.sa_family = 0;
			addr_set(&L->sdp[k], nr);
			if (!keep) {
				addr_set(&L->remote[k], nr);
				L->rlen[k] = addr_len(nr);
			}
			L->latch_pending[k] = u->latch;
			L->latched[k] = false;
		}
	}
	if (u->what & RELAY_UPD_HOLD)
		L->no_send = u->no_send;
	if (u->what & RELAY_UPD_XFORM)
		for (int x = 0; x < RELAY_XF_COUNT; x++)
			if (u->xf_mask & (1u << x)) {
				xf_release(&L->xf[x]);
				L->xf[x] = u->xf[x];
			}
}

void relay_run_commands(struct relay_thread *t)
{
	struct relay_msg *m = q_take(&t->q), *next;
	for (; m; m = next) {
		next = m->next;
		switch (m->type) {
		case M_ADD:
			session_attach(t, m->s);
			break;
		case M_UPDATE:
			session_apply(m->s, &m->upd);
			free(m);
			break;
		case M_REMOVE:
			session_detach(t, m->s);
			break;
		case M_STOP:
			t->running = false;
			break;
		case M_EVENT:
			break;
		}
	}
}

void relay_inactivity_scan(struct relay_thread *t)
{
	for (struct relay_session *s = t->list; s; s = s->next) {
		if (!s->inactivity_s)
			continue;
		int64_t last = s->idle_base;
		for (int l = 0; l < 2; l++) {
			int64_t r = atomic_load_explicit(&s->ctr[l].last_rx, memory_order_relaxed);
			if (r > last)
				last = r;
		}
		if (t->now - last < (int64_t)s->inactivity_s * 1000 || s->inact_reported == last)
			continue;
		struct relay_event ev = { .type = RELAY_EV_INACTIVE };
		if (relay_ev_push(s, &ev))
			s->inact_reported = last;
	}
}

/* The epoll back-end's loop. */
static void epoll_run(struct relay_thread *t)
{
	struct epoll_event evs[RELAY_EVENTS];

	while (t->running) {
		int n = epoll_wait(t->ep, evs, RELAY_EVENTS, t->pending ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		bool cmds = false, tick = false;
		t->now = relay_now_ms();
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &t->q)
				cmds = true;
			else if (p == &t->tick_fd)
				tick = true;
			else
				relay_sock_ready(t, p);
		}
		relay_pending_run(t);
		if (tick) {
			uint64_t v;
			if (read(t->tick_fd, &v, sizeof(v)) < 0) {
				/* EAGAIN: spurious */
			}
			relay_inactivity_scan(t);
		}
		if (cmds)
			relay_run_commands(t);
	}
	if (t->running)        /* epoll failed: still honour what was asked */
		relay_run_commands(t);
}

static void *thread_main(void *arg)
{
	struct relay_thread *t = arg;
	const char *mode = getenv("TOLLGATE_RELAY_IO");

	t->running = true;
	t->now = relay_now_ms();
	if (mode && !strcmp(mode, "epoll")) {
		t->io_err = 1;
		t->io_why = "TOLLGATE_RELAY_IO=epoll";
	} else {
		t->io_err = relay_uring_new(t, &t->io_why);
		if (!t->io_err)
			relay_uring_features(t, t->io_feat, sizeof(t->io_feat));
	}
	sem_post(&t->ready);
	if (t->u)
		relay_uring_run(t);
	else
		epoll_run(t);
	while (t->list)
		session_detach(t, t->list);
	if (t->u) {
		relay_uring_drain(t);
		relay_uring_free(t);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Threads (main thread)                                                */

static void thread_free(struct relay_thread *t)
{
	if (t->ep >= 0)
		close(t->ep);
	if (t->q.efd >= 0)
		close(t->q.efd);
	if (t->tick_fd >= 0)
		close(t->tick_fd);
	pthread_mutex_destroy(&t->q.mu);
	sem_destroy(&t->ready);
	free(t);
}

static int thread_new(struct relay_thread **out)
{
	int rc = 0;
	struct relay_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->q.mu, NULL);
	sem_init(&t->ready, 0, 0);
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	t->q.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	t->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->ep < 0 || t->q.efd < 0 || t->tick_fd < 0) {
		rc = -errno;
		goto fail;
	}
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct epoll_event eq = { .events = EPOLLIN, .data.ptr = &t->q };
	struct epoll_event et = { .events = EPOLLIN, .data.ptr = &t->tick_fd };
	if (timerfd_settime(t->tick_fd, 0, &its, NULL) < 0 ||
	    epoll_ctl(t->ep, EPOLL_CTL_ADD, t->q.efd, &eq) < 0 ||
	    epoll_ctl(t->ep, EPOLL_CTL_ADD, t->tick_fd, &et) < 0) {
		rc = -errno;
		goto fail;
	}
	for (int i = 0; i < RELAY_BATCH; i++) {
		t->rxiov[i].iov_base = t->buf[i];
		t->rxiov[i].iov_len = RELAY_BUF - RELAY_TAILROOM;
		t->rx[i].msg_hdr.msg_iov = &t->rxiov[i];
		t->rx[i].msg_hdr.msg_iovlen = 1;
		t->rx[i].msg_hdr.msg_name = &t->rxname[i];
		for (int os = 0; os < 2; os++) {
			t->tx[os][i].msg_hdr.msg_iov = &t->txiov[os][i];
			t->tx[os][i].msg_hdr.msg_iovlen = 1;
		}
	}
	*out = t;
	return 0;
fail:
	thread_free(t);
	return rc;
}

int relay_start(int nthreads)
{
	int rc = 0;
	sigset_t all, old;

	if (R.n)
		return -EALREADY;
	if (nthreads < 1 || nthreads > RELAY_MAX_THREADS)
		return -EINVAL;
	R.ev.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (R.ev.efd < 0)
		return -errno;
	/* the relay threads take no signals: they stay with the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (int i = 0; i < nthreads; i++) {
		struct relay_thread *t = NULL;
		if ((rc = thread_new(&t)))
			break;
		R.t[R.n++] = t;
		if ((rc = -pthread_create(&t->tid, NULL, thread_main, t)))
			break;
		t->started = true;
		while (sem_wait(&t->ready) && errno == EINTR)
			;                /* the thread has chosen its I/O back-end */
		char name[16];
		snprintf(name, sizeof(name), "tg-relay%d", i);
		pthread_setname_np(t->tid, name);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		relay_stop();
	return rc;
}

void relay_stop(void)
{
	if (!R.n && R.ev.efd < 0)
		return;
	R.stopping = true;
	for (int i = 0; i < R.n; i++)
		if (R.t[i]->started) {
			R.t[i]->stop_msg.type = M_STOP;
			q_push(&R.t[i]->q, &R.t[i]->stop_msg);
		}
	for (int i = 0; i < R.n; i++)
		if (R.t[i]->started)
			pthread_join(R.t[i]->tid, NULL);
	relay_dispatch();        /* the REMOVED events of what was left */
	for (int i = 0; i < R.n; i++) {
		thread_free(R.t[i]);
		R.t[i] = NULL;
	}
	R.n = 0;
	if (R.attached)
		loop_del(R.ev.efd);
	R.attached = false;
	close(R.ev.efd);
	R.ev.efd = -1;
	R.stopping = false;
}

int relay_event_fd(void) { return R.ev.efd; }

void relay_io_describe(char *buf, size_t len)
{
	int uring = 0;
	for (int i = 0; i < R.n; i++)
		uring += R.t[i]->started && !R.t[i]->io_err;
	if (!R.n)
		snprintf(buf, len, "not started");
	else if (uring == R.n)
		snprintf(buf, len, "io_uring (%s)", R.t[0]->io_feat);
	else if (R.t[0]->io_err > 0)
		snprintf(buf, len, "epoll (chosen by %s)", R.t[0]->io_why);
	else
		snprintf(buf, len, "epoll (io_uring not used: %s: %s)", R.t[0]->io_why ? R.t[0]->io_why : "?",
			 strerror(-R.t[0]->io_err));
}

static void dispatch_cb(void *arg, uint32_t events) { relay_dispatch(); }

int relay_loop_attach(void)
{
	if (R.ev.efd < 0)
		return -ESRCH;
	if (R.attached)
		return 0;
	int rc = loop_add(R.ev.efd, EPOLLIN, dispatch_cb, NULL);
	R.attached = !rc;
	return rc;
}

uint64_t relay_cpu_ns(void)
{
	uint64_t ns = 0;
	for (int i = 0; i < R.n; i++) {
		clockid_t cid;
		struct timespec ts;
		if (R.t[i]->started && !pthread_getcpuclockid(R.t[i]->tid, &cid) &&
		    !clock_gettime(cid, &ts))
			ns += (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	return ns;
}

/* ------------------------------------------------------------------ */
/* Sessions (main thread)                                               */

void relay_dispatch(void)
{
	if (R.ev.efd < 0)
		return;
	struct relay_msg *m = q_take(&R.ev), *next;
	for (; m; m = next) {
		next = m->next;
		struct relay_session *s = m->s;
		struct relay_event ev = m->ev;
		if (ev.type != RELAY_EV_REMOVED) {
			free(m);
			if (ev.type == RELAY_EV_LATCHED)
				s->m_remote[ev.leg][ev.rtcp] = ev.addr;
			if (s->on_event)
				s->on_event(s->arg, s, &ev);
			continue;
		}
		for (int l = 0; l < 2; l++) {
			if (s->ports)
				relay_ports_release(s->ports, &s->pair[l]);
			else
				relay_pair_close(&s->pair[l]);
		}
		s->removing = true;  /* relay_session_remove() from the callback: a no-op */
		if (s->on_event)
			s->on_event(s->arg, s, &ev);
		s->t->nsess--;
		R.nsess--;
		free(s);             /* m was embedded in s */
	}
}

int relay_session_add(const struct relay_spec *spec, struct relay_session **out)
{
	if (!R.n || R.stopping)
		return -ESRCH;
	for (int l = 0; l < 2; l++)
		if (spec->leg[l].ports.rtp_fd < 0)
			return -EINVAL;
	struct relay_session *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	struct relay_thread *t = R.t[0];
	for (int i = 1; i < R.n; i++)
		if (R.t[i]->nsess < t->nsess)
			t = R.t[i];
	s->t = t;
	s->ports = spec->ports;
	s->on_event = spec->on_event;
	s->arg = spec->arg;
	s->inactivity_s = spec->inactivity_s;
	for (int l = 0; l < 2; l++) {
		const struct relay_leg_spec *ls = &spec->leg[l];
		struct leg_rt *L = &s->leg[l];
		s->pair[l] = ls->ports;
		L->mux = ls->ports.rtcp_fd < 0;
		addr_set(&L->remote[SLOT_RTP], &ls->remote_rtp);
		if (!L->mux)
			addr_set(&L->remote[SLOT_RTCP], &ls->remote_rtcp);
		for (int k = 0; k < 2; k++) {
			L->rlen[k] = addr_len(&L->remote[k]);
			L->latch_pending[k] = ls->latch;
			L->sdp[k] = L->remote[k];
			memset(&s->m_remote[l][k], 0, sizeof(s->m_remote[l][k]));
			memcpy(&s->m_remote[l][k], &L->remote[k], addr_len(&L->remote[k]));
			L->sock[k] = (struct relay_sock){
				.s = s, .leg = (uint8_t)l, .slot = (uint8_t)k, .fx = -1,
				.fd = k ? ls->ports.rtcp_fd : ls->ports.rtp_fd,
			};
		}
		L->no_send = ls->no_send;
		memcpy(L->xf, ls->xf, sizeof(L->xf));
	}
	t->nsess++;
	R.nsess++;
	s->add_msg.type = M_ADD;
	s->add_msg.s = s;
	s->rm_msg.s = s;
	q_push(&t->q, &s->add_msg);
	*out = s;
	return 0;
}

int relay_session_update(struct relay_session *s, const struct relay_update *u)
{
	if (s->removing || R.stopping)
		return -ESHUTDOWN;
	if (u->leg != RELAY_LEG_A && u->leg != RELAY_LEG_B)
		return -EINVAL;
	struct relay_msg *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->type = M_UPDATE;
	m->s = s;
	m->upd = *u;
	if (s->pair[u->leg].rtcp_fd < 0)   /* rtcp-mux: no RTCP address */
		memset(&m->upd.remote_rtcp, 0, sizeof(m->upd.remote_rtcp));
	if (u->what & RELAY_UPD_REMOTE) {
		s->m_remote[u->leg][SLOT_RTP] = m->upd.remote_rtp;
		s->m_remote[u->leg][SLOT_RTCP] = m->upd.remote_rtcp;
	}
	q_push(&s->t->q, m);
	return 0;
}

void relay_session_remove(struct relay_session *s)
{
	if (s->removing)
		return;
	s->removing = true;
	s->rm_msg.type = M_REMOVE;
	q_push(&s->t->q, &s->rm_msg);
}

static void dir_get(const struct ctr_dir *c, struct relay_dir_stats *d)
{
	d->packets = ctr_get(&c->packets);
	d->bytes = ctr_get(&c->bytes);
	d->auth_fail = ctr_get(&c->auth);
	d->replay_fail = ctr_get(&c->replay);
	d->xform_fail = ctr_get(&c->xform);
	d->dropped = ctr_get(&c->dropped);
	d->lost = ctr_get(&c->lost);
}

void relay_session_stats(const struct relay_session *s, struct relay_stats *out)
{
	for (int l = 0; l < 2; l++) {
		dir_get(&s->ctr[l].rx, &out->leg[l].rx);
		dir_get(&s->ctr[l].tx, &out->leg[l].tx);
		out->leg[l].last_rx_ms = atomic_load_explicit((_Atomic int64_t *)&s->ctr[l].last_rx,
							      memory_order_relaxed);
	}
}

const struct relay_pair *relay_session_local(const struct relay_session *s, int leg)
{
	return &s->pair[leg & 1];
}

const struct sockaddr_storage *relay_session_remote(const struct relay_session *s, int leg, bool rtcp)
{
	return &s->m_remote[leg & 1][rtcp];
}

unsigned relay_session_count(void) { return R.nsess; }
