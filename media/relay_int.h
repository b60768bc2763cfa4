/* relay_int.h - what media/relay.c (threads, queues, sessions) and
 * media/relay_path.c (the packet path) share: the session and thread
 * structures and small helpers.  Private to media/relay*.c; the interface is
 * media/relay.h. */
#ifndef TOLLGATE_RELAY_INT_H
#define TOLLGATE_RELAY_INT_H

#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>

#include "media/relay.h"

#define RELAY_MAX_THREADS 16
#define RELAY_BATCH       32      /* packets per recvmmsg */
#define RELAY_ROUNDS      4       /* recvmmsg batches per socket per turn */
#define RELAY_BUF         2048    /* bytes per packet buffer, RELAY_TAILROOM of them kept free */
#define RELAY_EVENTS      256     /* epoll events per wake-up */
enum { SLOT_RTP = 0, SLOT_RTCP = 1 };
enum msg_type { M_ADD, M_UPDATE, M_REMOVE, M_STOP, M_EVENT };

struct relay_msg {           /* a queue node; owned by the queue it is on, then by its taker */
	struct relay_msg *next;
	enum msg_type type;
	struct relay_session *s;
	struct relay_update upd; /* M_UPDATE */
	struct relay_event ev;   /* M_EVENT */
};

struct relay_queue {
	pthread_mutex_t mu;
	struct relay_msg *head, *tail;  /* under mu */
	int efd;                        /* eventfd: readable when the list may be non-empty */
};

struct ctr_dir { _Atomic uint64_t packets, bytes, auth, replay, xform, dropped, lost; };

/* RTP loss on a leg's incoming stream (RFC 3550 appendix A.1 and A.3):
 * expected = extended highest sequence number - first + 1, lost = expected -
 * received.  A new SSRC or a jump of more than 3000 starts a new count, the
 * loss of the old one kept.  Relay thread only. */
struct seq_track {
	bool init;
	uint16_t max_seq;
	uint32_t ssrc;
	uint32_t cycles;         /* 65536 per wrap of the sequence number */
	uint32_t base;           /* the first sequence number */
	uint64_t received;
	uint64_t lost_before;    /* loss of earlier SSRCs or sequences */
};

struct relay_sock {          /* epoll data of one socket; embedded in its session */
	struct relay_session *s;
	uint8_t leg, slot;
	bool pending;            /* relay: on the thread's pending list (io_uring: to re-arm) */
	bool armed;              /* relay, io_uring: its multishot receive is in flight */
	int fd;                  /* -1: none (rtcp-mux) */
	struct relay_sock *pnext;    /* relay: pending list link */
	int64_t rearm_at;        /* relay, io_uring: not before (ms) after a failed receive */
	int fx;                  /* relay, io_uring: its index in the ring's file table; -1: none */
};

/* a remote address on the packet path: 28 bytes where sockaddr_storage takes
 * 128, so a session's hot fields share fewer cache lines */
union raddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct leg_rt {              /* relay: one leg's state */
	union raddr remote[2];   /* [SLOT_RTP], [SLOT_RTCP]; family 0: unknown */
	socklen_t rlen[2];
	union raddr sdp[2];      /* the remote as the last SDP gave it */
	union raddr prev[2];     /* during a hand-over: the source before it; family 0: none */
	bool latch_pending[2];   /* the next packet's source becomes remote[slot] (not prev's) */
	bool latched[2];         /* packets from other sources are dropped */
	bool no_send;
	bool mux;
	struct relay_xform xf[RELAY_XF_COUNT];
	struct relay_sock sock[2];
	struct seq_track seq;    /* incoming RTP */
};

struct relay_session {
	/* set by the main thread before the hand-over; read-only afterwards */
	struct relay_pair pair[2];
	struct relay_ports *ports;
	relay_event_fn on_event;
	void *arg;
	unsigned inactivity_s;
	struct relay_thread *t;
	/* main */
	struct sockaddr_storage m_remote[2][2];
	bool removing;
	struct relay_msg add_msg, rm_msg;
	/* relay, between ADD and REMOVE */
	struct leg_rt leg[2];
	struct relay_session *prev, *next;
	bool registered;         /* the sockets are in the epoll (or armed in the ring) */
	bool detaching;          /* io_uring: out of the list, waiting for io_refs == 0 */
	unsigned io_refs;        /* io_uring: requests in flight that name this session */
	int64_t idle_base;       /* when the session started */
	int64_t inact_reported;  /* the last-activity time already reported; -1: none */
	/* written by the relay thread, read by anyone */
	struct { struct ctr_dir rx, tx; _Atomic int64_t last_rx; } ctr[2];
};

struct relay_thread {
	/* main */
	pthread_t tid;
	bool started;
	unsigned nsess;
	struct relay_msg stop_msg;
	/* shared, created by main before the thread starts */
	struct relay_queue q;
	int ep, tick_fd;
	/* written by the thread before it posts ready, read by main after */
	sem_t ready;
	int io_err;                  /* 0: io_uring; 1: epoll asked for; else the negative errno */
	const char *io_why;          /* the io_uring step that failed, or what asked for epoll */
	char io_feat[96];            /* io_uring: what the ring uses */
	/* relay */
	struct relay_uring *u;       /* owned; NULL: the epoll back-end */
	struct relay_session *list;
	struct relay_sock *pending;  /* sockets that may still hold packets (see sock_ready) */
	bool running;
	int64_t now;
	struct mmsghdr rx[RELAY_BATCH];
	struct iovec rxiov[RELAY_BATCH];
	struct sockaddr_storage rxname[RELAY_BATCH];
	struct mmsghdr tx[2][RELAY_BATCH];
	struct iovec txiov[2][RELAY_BATCH];
	uint8_t buf[RELAY_BATCH][RELAY_BUF];
};

static inline void ctr_add(_Atomic uint64_t *c, uint64_t v)
{
	/* one writer: a relaxed load and store, no locked instruction */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v, memory_order_relaxed);
}

static inline uint64_t ctr_get(const _Atomic uint64_t *c)
{
	return atomic_load_explicit((_Atomic uint64_t *)c, memory_order_relaxed);
}

/* a and b: a struct sockaddr_storage or a union raddr */
static inline socklen_t addr_len(const void *p)
{
	const struct sockaddr *a = p;
	return a->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	     : a->sa_family == AF_INET  ? sizeof(struct sockaddr_in) : 0;
}

static inline void addr_set(union raddr *d, const struct sockaddr_storage *src)
{
	socklen_t l = addr_len(src);
	memset(d, 0, sizeof(*d));
	memcpy(d, src, l);
}

static inline bool addr_eq(const void *pa, const void *pb)
{
	const struct sockaddr *a = pa, *b = pb;
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

/* relay.c (relay thread) */
bool relay_ev_push(struct relay_session *s, const struct relay_event *ev);
void relay_removed(struct relay_session *s);
void relay_run_commands(struct relay_thread *t);
void relay_inactivity_scan(struct relay_thread *t);

/* relay_path.c (relay thread) */
void relay_sock_ready(struct relay_thread *t, struct relay_sock *k);
void relay_pending_run(struct relay_thread *t);
void relay_pending_forget(struct relay_thread *t, struct relay_session *s);
int relay_packet(struct relay_thread *t, struct relay_sock *k, uint8_t *pkt, int *len, int cap,
		 const struct sockaddr_storage *src);

/* relay_uring.c (relay thread) */
int relay_uring_new(struct relay_thread *t, const char **why);
void relay_uring_free(struct relay_thread *t);
void relay_uring_attach(struct relay_thread *t, struct relay_session *s);
void relay_uring_detach(struct relay_thread *t, struct relay_session *s);
void relay_uring_run(struct relay_thread *t);
void relay_uring_drain(struct relay_thread *t);
void relay_uring_features(const struct relay_thread *t, char *buf, size_t len);

#endif
