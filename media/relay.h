/* relay.h - the media relay: RTP/RTCP port allocation and the relay thread(s) (layer 4).
 *
 * Ports (media/relay_ports.c, main thread only).  A `struct relay_ports` hands
 * out port pairs from the `rtp-port range LO HI` (default 16384-32767): RTP on
 * an even port, RTCP on the next odd one (or RTP only with rtcp-mux; the odd
 * port then stays unused), each a non-blocking UDP socket bound on the media
 * address.  Free pairs sit in a FIFO ring, so allocation and release are O(1)
 * and a released port is the last to come back.  A port some other socket
 * holds is skipped (bind says EADDRINUSE), so a port in use is never handed
 * out.  Exhaustion is -EADDRNOTAVAIL: the B2BUA answers 503 and logs.
 *
 * Relay (media/relay.c).  relay_start() spawns the relay thread(s), each with
 * its own io_uring (media/relay_uring.c) or, where the kernel refuses one, its
 * own epoll (media/relay_path.c).  The main thread creates a session (two legs, A and B) and
 * hands it to a thread through that thread's queue (a mutex and an eventfd;
 * the packet path takes no lock).  Packets received on leg A's sockets go out
 * of leg B's sockets to B's remote address and vice versa, RTCP likewise;
 * SSRC, sequence numbers and timestamps untouched.
 * Updates (a new remote after a re-INVITE, new transforms, hold) and removal
 * go through the same queue and are applied between batches.  The relay
 * answers through one completion queue (a mutex and an eventfd, see
 * relay_event_fd()/relay_loop_attach()): relay_dispatch() runs the session's
 * event callback on the main thread, and on removal returns the sockets to
 * their allocator only after the relay thread has let go of them.
 *
 * Transforms.  Each leg has four optional hooks (RTP in/out, RTCP in/out):
 * a packet received on leg X gets X's *_IN hook (e.g. SRTP unprotect with
 * X's keys), then the other leg's *_OUT hook (e.g. SRTP protect), in place.
 * With rtcp-mux, RTCP (RFC 5761 payload types 192-223 on the RTP socket) is
 * demultiplexed and gets the RTCP hooks.  A hook's ctx is owned by the relay
 * thread from the moment it is handed over; the relay calls its release
 * function (on the relay thread) when it lets go: replaced by an update,
 * session removed, relay stopped.
 *
 * Counters are relaxed atomics written by the relay thread only; any thread
 * reads them with relay_session_stats() without a lock. */
#ifndef TOLLGATE_RELAY_H
#define TOLLGATE_RELAY_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct cfg;

/* ------------------------------------------------------------------ */
/* Ports                                                                */

#define RELAY_PORT_LO_DEFAULT 16384
#define RELAY_PORT_HI_DEFAULT 32767

struct relay_ports;          /* main thread only */

struct relay_pair {          /* one allocation; fds owned by whoever holds the pair */
	int rtp_fd;
	int rtcp_fd;             /* -1 with rtcp-mux */
	uint16_t port;           /* RTP port (even); RTCP is port + 1 */
	struct sockaddr_storage local;   /* RTP address, port included */
};

/* An allocator over [lo, hi] (0, 0: the default range).  -EINVAL when no
 * even/odd pair fits, -ENOMEM.  *out is the caller's until relay_ports_free. */
int relay_ports_new(uint16_t lo, uint16_t hi, struct relay_ports **out);
/* The same from `voice service voip` / `rtp-port range` of c. */
int relay_ports_new_cfg(const struct cfg *c, struct relay_ports **out);
/* Retire the allocator: freed now if no pair is out, else on the last release
 * (so a commit can switch ranges while calls keep their ports). */
void relay_ports_free(struct relay_ports *p);
/* Bind a pair on addr (IPv4 or IPv6, its port ignored).  0, -EADDRNOTAVAIL
 * when no free pair can be bound, -EINVAL when addr is not a local address,
 * other -errno.  On success out's fds belong to the caller (or the relay once
 * the session is added) until relay_ports_release(). */
int relay_ports_alloc(struct relay_ports *p, const struct sockaddr_storage *addr, bool rtcp_mux,
		      struct relay_pair *out);
/* Mark the pair's packets (RTP and RTCP) with this TOS byte (DSCP << 2):
 * IP_TOS or IPV6_TCLASS.  0 or -errno.  Any thread: the relay only reads and
 * writes the fds. */
int relay_pair_set_tos(const struct relay_pair *pair, int tos);
/* Close the pair's sockets and return its port; pair->rtp_fd becomes -1. */
void relay_ports_release(struct relay_ports *p, struct relay_pair *pair);
unsigned relay_ports_avail(const struct relay_ports *p);   /* free pairs */
unsigned relay_ports_total(const struct relay_ports *p);   /* pairs in the range */
void relay_pair_close(struct relay_pair *pair);             /* without an allocator */

/* The media address from `bind media source-address A` / `source-interface
 * IF` (the interface's first address of that family, link-local IPv6 skipped),
 * else the wildcard address of family (AF_INET or AF_INET6).  0 or -errno
 * (-ENOENT: no such address on the interface, -EAFNOSUPPORT: the configured
 * address has the other family). */
int relay_media_addr(const struct cfg *c, int family, struct sockaddr_storage *out);

/* ------------------------------------------------------------------ */
/* Relay                                                                */

enum { RELAY_LEG_A = 0, RELAY_LEG_B = 1 };
enum relay_xf_slot { RELAY_XF_RTP_IN, RELAY_XF_RTP_OUT, RELAY_XF_RTCP_IN, RELAY_XF_RTCP_OUT,
		     RELAY_XF_COUNT };

/* A transform changes the packet in place: *len in, *len out, never more
 * than maxlen bytes; maxlen - *len >= RELAY_TAILROOM on the way in (room for
 * an SRTP tag, a 128-byte MKI and the SRTCP index).  It returns 0 to send the
 * packet, or a negative value to drop it; auth and replay drops are counted
 * apart (the same codes as media/srtp.h), anything else as "other": */
#define RELAY_TAILROOM   160
#define RELAY_XF_EAUTH   (-EBADMSG)   /* authentication failed */
#define RELAY_XF_EREPLAY (-EALREADY)  /* replayed */
#define RELAY_XF_EOLD    (-ESTALE)    /* older than the replay window: a replay drop */
typedef int (*relay_xform_fn)(void *ctx, uint8_t *pkt, int *len, int maxlen);

struct relay_xform {
	relay_xform_fn fn;              /* NULL: packets pass unchanged */
	void *ctx;                      /* the relay thread's once handed over */
	void (*release)(void *ctx);     /* run on the relay thread when dropped; may be NULL */
};

struct relay_leg_spec {
	struct relay_pair ports;        /* from relay_ports_alloc; the relay's after relay_session_add */
	struct sockaddr_storage remote_rtp;   /* from SDP; ss_family 0: not known yet */
	struct sockaddr_storage remote_rtcp;  /* ignored with rtcp-mux (ports.rtcp_fd < 0) */
	bool latch;      /* symmetric RTP: the remote is the source of the first packets,
			  * then packets from any other source are dropped */
	bool no_send;    /* hold: nothing is sent towards this leg */
	struct relay_xform xf[RELAY_XF_COUNT];
};

enum relay_event_type {
	RELAY_EV_REMOVED,    /* the relay let go: ports released, session freed after the callback */
	RELAY_EV_LATCHED,    /* leg learned a remote address (addr, rtcp) */
	RELAY_EV_INACTIVE,   /* no packet on either leg for inactivity_s seconds (once per gap) */
	RELAY_EV_ERROR,      /* the relay could not take the session (err); remove it */
};

struct relay_session;        /* created by relay_session_add, freed after RELAY_EV_REMOVED */

struct relay_event {
	enum relay_event_type type;
	int leg;                 /* LATCHED */
	bool rtcp;               /* LATCHED: the RTCP address (without rtcp-mux) */
	int err;                 /* ERROR: -errno */
	struct sockaddr_storage addr;  /* LATCHED */
};
/* Runs on the main thread, inside relay_dispatch(). */
typedef void (*relay_event_fn)(void *arg, struct relay_session *s, const struct relay_event *ev);

struct relay_spec {
	struct relay_leg_spec leg[2];
	struct relay_ports *ports;  /* where the pairs go back (NULL: they are just closed) */
	unsigned inactivity_s;      /* RELAY_EV_INACTIVE after this many seconds; 0: off */
	relay_event_fn on_event;    /* may be NULL */
	void *arg;
};

#define RELAY_UPD_REMOTE 1u  /* remote_rtp/remote_rtcp and latch (re-armed if set) */
#define RELAY_UPD_HOLD   2u  /* no_send */
#define RELAY_UPD_XFORM  4u  /* the slots in xf_mask; the old ctxs are released */
struct relay_update {
	unsigned what;
	int leg;
	struct sockaddr_storage remote_rtp, remote_rtcp;
	bool latch;
	bool no_send;
	unsigned xf_mask;        /* 1u << enum relay_xf_slot */
	struct relay_xform xf[RELAY_XF_COUNT];
};

struct relay_dir_stats {
	uint64_t packets, bytes;       /* received on / sent from this leg */
	uint64_t auth_fail, replay_fail, xform_fail;  /* this direction's transform drops */
	uint64_t dropped;              /* other drops: runt, foreign source, no remote, hold, send error */
	uint64_t lost;                 /* rx only: RTP packets lost before they reached Tollgate
	                                * (sequence gaps, RFC 3550 A.3) */
};
struct relay_leg_stats {
	struct relay_dir_stats rx, tx;
	int64_t last_rx_ms;            /* relay_now_ms() of the last packet received; 0: none */
};
struct relay_stats { struct relay_leg_stats leg[2]; };

/* Main thread.  nthreads 1..16.  0, -EALREADY, -errno. */
int relay_start(int nthreads);
/* Stop and join the threads; sessions still there are torn down and their
 * RELAY_EV_REMOVED callbacks run before this returns. */
void relay_stop(void);
int relay_event_fd(void);      /* readable when relay_dispatch() has work; -1 if stopped */
void relay_dispatch(void);     /* run pending events (main thread) */
int relay_loop_attach(void);   /* register relay_event_fd() with core/loop; relay_stop() detaches */

/* Hand a session to a relay thread.  On success the spec's pairs and
 * transform ctxs belong to the relay and *out is a handle valid until its
 * RELAY_EV_REMOVED callback returns; on failure the caller keeps them.
 * -ESRCH: the relay is not running; -EINVAL: a leg without an RTP socket. */
int relay_session_add(const struct relay_spec *spec, struct relay_session **out);
/* Queue an update; on success the ctxs of the slots in u->xf_mask belong to
 * the relay (the others stay the caller's).  -ESHUTDOWN once removal was
 * asked (or relay_stop runs), -ENOMEM, -EINVAL. */
int relay_session_update(struct relay_session *s, const struct relay_update *u);
/* Queue removal (idempotent); RELAY_EV_REMOVED follows. */
void relay_session_remove(struct relay_session *s);
void relay_session_stats(const struct relay_session *s, struct relay_stats *out);
const struct relay_pair *relay_session_local(const struct relay_session *s, int leg);
/* The main thread's view of a leg's remote (SDP, updates, latched events). */
const struct sockaddr_storage *relay_session_remote(const struct relay_session *s, int leg, bool rtcp);
unsigned relay_session_count(void);   /* sessions added and not yet removed */
int64_t relay_now_ms(void);           /* the clock of last_rx_ms */
uint64_t relay_cpu_ns(void);          /* CPU time used by the relay threads */
/* The relay threads' packet I/O, for show commands: "io_uring (...)", or
 * "epoll (io_uring not used: STEP: REASON)" when the kernel, a seccomp
 * filter or TOLLGATE_RELAY_IO=epoll ruled io_uring out. */
void relay_io_describe(char *buf, size_t len);

#endif
