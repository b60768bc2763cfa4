/* relay_path.c - the media relay's packet path (relay thread): read a ready
 * socket in recvmmsg batches, latch the source, count loss, run the
 * transforms (SRTP) and send on the other leg in one sendmmsg per socket.
 *
 * Sockets are edge-triggered: a socket is reported once when packets
 * arrive, so it is read until recvmmsg comes back short (its queue is
 * empty), at most RELAY_ROUNDS batches per turn; a socket that still has
 * packets goes on the thread's pending list for its next turn.  Structures:
 * media/relay_int.h.  Nothing here takes a lock or allocates. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>

#include "media/relay_int.h"

static void latch(struct relay_session *s, int leg, int slot, const struct sockaddr_storage *src)
{
	struct leg_rt *L = &s->leg[leg];
	struct relay_event ev = { .type = RELAY_EV_LATCHED, .leg = leg, .rtcp = slot == SLOT_RTCP };
	L->latch_pending[slot] = false;
	L->latched[slot] = true;
	if (addr_eq(&L->remote[slot], src))
		return;
	addr_set(&L->remote[slot], src);
	L->rlen[slot] = addr_len(src);
	memcpy(&ev.addr, src, addr_len(src));   /* src may be shorter than a sockaddr_storage */
	(void)relay_ev_push(s, &ev);   /* best effort: only the main thread's view is stale */
}

/* Count a transform's failure in d; true if the packet goes on. */
static bool xform_run(const struct relay_xform *x, struct ctr_dir *d, uint8_t *pkt, int *len, int cap)
{
	if (!x->fn)
		return true;
	int rc = x->fn(x->ctx, pkt, len, cap);
	if (!rc && *len > 0 && *len <= cap)
		return true;
	ctr_add(rc == RELAY_XF_EAUTH ? &d->auth
		: rc == RELAY_XF_EREPLAY || rc == RELAY_XF_EOLD ? &d->replay : &d->xform, 1);
	return false;
}

static void send_batch(struct relay_thread *t, int fd, int os, int n, struct ctr_dir *tx)
{
	struct mmsghdr *m = t->tx[os];
	int off = 0;
	while (off < n) {
		int r = sendmmsg(fd, m + off, (unsigned)(n - off), MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				ctr_add(&tx->dropped, (uint64_t)(n - off));
				return;
			}
			ctr_add(&tx->dropped, 1);   /* this one is refused; go on with the next */
			off++;
			continue;
		}
		uint64_t bytes = 0;
		for (int j = off; j < off + r; j++)
			bytes += m[j].msg_hdr.msg_iov->iov_len;
		ctr_add(&tx->packets, (uint64_t)r);
		ctr_add(&tx->bytes, bytes);
		off += r;
	}
}

static uint64_t seq_lost(const struct seq_track *q)
{
	uint64_t expected = (uint64_t)q->cycles + q->max_seq - q->base + 1;
	return q->lost_before + (expected > q->received ? expected - q->received : 0);
}

/* pkt: an RTP packet (not RTCP) of at least 12 bytes, as received */
static void seq_update(struct seq_track *q, struct ctr_dir *rx, const uint8_t *pkt)
{
	uint16_t seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
	uint32_t ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11];
	uint16_t delta = (uint16_t)(seq - q->max_seq);
	/* a new SSRC, or a big jump (the sender restarted its sequence) */
	bool restart = !q->init || ssrc != q->ssrc || (delta >= 3000 && delta < 65536 - 100);

	if (restart) {
		if (q->init)
			q->lost_before = seq_lost(q);
		q->init = true;
		q->ssrc = ssrc;
		q->base = seq;
		q->max_seq = seq;
		q->cycles = 0;
		q->received = 0;
	} else if (delta && delta < 3000) {
		if (seq < q->max_seq)
			q->cycles += 65536;
		q->max_seq = seq;
	}
	/* else: a duplicate or a late packet, counted as received */
	q->received++;
	atomic_store_explicit(&rx->lost, seq_lost(q), memory_order_relaxed);
}

/* One packet received on k from src, in place at pkt (cap bytes of room):
 * latch, count, the transforms.  The output slot of the other leg
 * (SLOT_RTP or SLOT_RTCP) with *len the bytes to send, or -1 when the
 * packet goes no further (counted).  Shared by both I/O back-ends. */
int relay_packet(struct relay_thread *t, struct relay_sock *k, uint8_t *pkt, int *len, int cap,
		 const struct sockaddr_storage *src)
{
	struct relay_session *s = k->s;
	int li = k->leg, oi = !k->leg;
	struct leg_rt *L = &s->leg[li], *O = &s->leg[oi];
	struct ctr_dir *rx = &s->ctr[li].rx, *tx = &s->ctr[oi].tx;

	if (*len < 8) {
		ctr_add(&rx->dropped, 1);
		return -1;
	}
	if (L->latch_pending[k->slot]) {
		/* after a re-INVITE moved this leg, the peer's packets still
		 * in flight from its old address are relayed but do not
		 * latch: the first packet from anywhere else does */
		if (!L->prev[k->slot].sa.sa_family || !addr_eq(&L->prev[k->slot], src))
			latch(s, li, k->slot, src);
	} else if (L->latched[k->slot] && !addr_eq(&L->remote[k->slot], src)) {
		ctr_add(&rx->dropped, 1);   /* not the latched peer */
		return -1;
	}
	ctr_add(&rx->packets, 1);
	ctr_add(&rx->bytes, (uint64_t)*len);
	atomic_store_explicit(&s->ctr[li].last_rx, t->now, memory_order_relaxed);

	/* RFC 5761: on a muxed socket, payload types 64-95 with the marker are RTCP */
	bool rtcp = k->slot == SLOT_RTCP || (L->mux && pkt[1] >= 192 && pkt[1] <= 223);
	if (!rtcp && *len >= 12)
		seq_update(&L->seq, rx, pkt);
	if (!xform_run(&L->xf[rtcp ? RELAY_XF_RTCP_IN : RELAY_XF_RTP_IN], rx, pkt, len, cap))
		return -1;
	int os = rtcp && !O->mux ? SLOT_RTCP : SLOT_RTP;
	if (O->no_send || !O->rlen[os]) {
		ctr_add(&tx->dropped, 1);
		return -1;
	}
	if (!xform_run(&O->xf[rtcp ? RELAY_XF_RTCP_OUT : RELAY_XF_RTP_OUT], tx, pkt, len, cap))
		return -1;
	return os;
}

static int sock_batch(struct relay_thread *t, struct relay_sock *k)
{
	struct relay_session *s = k->s;
	struct leg_rt *O = &s->leg[!k->leg];
	struct ctr_dir *rx = &s->ctr[k->leg].rx, *tx = &s->ctr[!k->leg].tx;
	int nout[2] = { 0, 0 };

	for (int i = 0; i < RELAY_BATCH; i++)
		t->rx[i].msg_hdr.msg_namelen = sizeof(t->rxname[i]);
	int n = recvmmsg(k->fd, t->rx, RELAY_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return n < 0 && errno == EINTR ? RELAY_BATCH : 0;
	for (int i = 0; i < n; i++) {
		uint8_t *pkt = t->buf[i];
		int len = (int)t->rx[i].msg_len;

		if (t->rx[i].msg_hdr.msg_flags & MSG_TRUNC) {
			ctr_add(&rx->dropped, 1);
			continue;
		}
		int os = relay_packet(t, k, pkt, &len, RELAY_BUF, &t->rxname[i]);
		if (os < 0)
			continue;
		struct mmsghdr *m = &t->tx[os][nout[os]++];
		m->msg_hdr.msg_iov->iov_base = pkt;
		m->msg_hdr.msg_iov->iov_len = (size_t)len;
		m->msg_hdr.msg_name = &O->remote[os];
		m->msg_hdr.msg_namelen = O->rlen[os];
	}
	for (int os = 0; os < 2; os++)
		if (nout[os])
			send_batch(t, O->sock[os].fd, os, nout[os], tx);
	return n;
}

/* Sockets are edge-triggered: a socket is reported once when packets arrive,
 * so it is read until recvmmsg comes back short (the queue is empty).  To
 * keep one flooded socket from starving the others, at most RELAY_ROUNDS
 * batches are read per turn; a socket that still has packets goes on the
 * pending list and gets its next turn after the next epoll_wait (which then
 * does not block).  Edge triggering saves the second poll of every socket
 * that level triggering costs (once to report it, once to find it empty). */
void relay_sock_ready(struct relay_thread *t, struct relay_sock *k)
{
	for (int r = 0; r < RELAY_ROUNDS; r++)
		if (sock_batch(t, k) < RELAY_BATCH)
			return;
	if (!k->pending) {
		k->pending = true;
		k->pnext = t->pending;
		t->pending = k;
	}
}

void relay_pending_run(struct relay_thread *t)
{
	struct relay_sock *k = t->pending;
	t->pending = NULL;
	while (k) {
		struct relay_sock *next = k->pnext;
		k->pending = false;
		k->pnext = NULL;
		relay_sock_ready(t, k);
		k = next;
	}
}

void relay_pending_forget(struct relay_thread *t, struct relay_session *s)
{
	for (struct relay_sock **pp = &t->pending; *pp;) {
		if ((*pp)->s == s) {
			(*pp)->pending = false;
			*pp = (*pp)->pnext;
		} else {
			pp = &(*pp)->pnext;
		}
	}
}

