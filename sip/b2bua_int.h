/* b2bua_int.h - the call and leg structures shared by the B2BUA files
 * (b2bua.c: entry, new calls, hunting; b2bua_dlg.c: in-dialog requests;
 * b2bua_calls.c: the call table). */
#ifndef TOLLGATE_B2BUA_INT_H
#define TOLLGATE_B2BUA_INT_H

#include "sip/b2bua.h"
#include "core/buf.h"
#include "sip/b2bua_history.h"
#include "sip/msg.h"
#include "sip/route.h"
#include "sip/txn.h"
#include "core/dns.h"
#include "media/session.h"

struct leg {                /* one dialog of a call; owned by its call */
	bool uas;                   /* the peer called us on this leg */
	char call_id[160];
	char local_tag[SIP_TAG_SIZE];
	char remote_tag[160];
	char *local_hdr;            /* owned: our From/To header value (with our tag) */
	char *remote_hdr;           /* owned: the peer's From/To header value */
	char *remote_target;        /* owned: the peer's Contact URI */
	char **route;               /* owned: route set, in the order to send */
	size_t nroute;
	uint32_t local_cseq, remote_cseq;
	struct sip_dest dest;       /* where in-dialog requests to this leg go */
	char calling[64], called[64];
	uint32_t dial_peer;
	bool confirmed;             /* dialog established (2xx) */
};

enum call_state { CS_CALLING, CS_EARLY, CS_ACTIVE, CS_ENDING, CS_DEAD };

struct relay;

struct call {               /* owned by the call table */
	struct call *next, *prev;   /* the list of all calls (b2bua_calls.c) */
	struct call *hnext_a, *hnext_b; /* hash chains by the A and B leg Call-IDs */
	uint32_t id;
	enum call_state state;
	struct leg a, b;
	struct sip_msg *a_invite;   /* one reference (shared with a_txn, read only): the A-leg INVITE */
	struct sip_txn *a_txn;      /* A-leg INVITE server transaction */
	struct sip_txn *b_txn;      /* B-leg INVITE client transaction */
	struct sip_msg *b_ack;      /* owned: ACK sent for B's 2xx (re-sent on retransmissions) */
	bool a_acked, b_2xx, cancelled, cancel_sent, b_prov;
	uint32_t b_invite_cseq;     /* CSeq of the B-leg INVITE being tried */
	struct route_table *rt;     /* referenced */
	struct route_candidates cands;
	size_t cand;                /* the candidate being tried */
	uint32_t in_peer;
	time_t start, connect;
	struct relay *relays;       /* in-dialog requests in flight */
	struct media_call *media;   /* owned: the call's media anchor */
	struct dns_query *dq;       /* resolving the current candidate's dns: target */
	struct dns_target *tv;      /* owned: its addresses, in the order to try */
	size_t tn, ti;
	bool eo;                    /* early-offer forced: B got our own offer */
	struct buf eo_early;        /* owned: B's SDP answer in a 18x, for the 200 */
	struct b2bua_release rel;   /* why it ends, for the call history */
};

struct relay {              /* an in-dialog request relayed from one leg to the other */
	struct relay *next;
	struct call *call;
	struct sip_txn *st;         /* server transaction on the leg it came from */
	struct sip_txn *ct;         /* client transaction on the other leg */
	bool from_a;
	bool invite;
	struct sip_msg *ack;        /* owned: ACK to send on the other leg for a re-INVITE 2xx */
};

extern struct b2bua_stats g_b2bua_stats;

struct b2bua_rt {
	struct route_table *rt;
	struct route_state *rs;
	const struct cfg *cfg;
	b2bua_tls_for_fn tls_for;
};
extern struct b2bua_rt g_rt;

/* b2bua_calls.c */
struct call *call_find(const char *call_id, bool *is_a);
struct call *calls_head(void);          /* newest first, follow ->next */
void calls_link(struct call *c);        /* a.call_id set: list and A index */
void calls_index_b(struct call *c);     /* b.call_id set: B index */
void calls_unlink(struct call *c);      /* out of the list and both indexes */

/* b2bua.c */
void call_end(struct call *c);
void leg_send_request(struct call *c, struct leg *l, struct sip_msg *req, sip_txn_resp_fn fn,
		      void *arg, struct sip_txn **out);
struct sip_msg *leg_new_request(struct leg *l, enum sip_method m, const char *method_name);
void send_response(struct sip_txn *t, const struct sip_msg *req, int code, const char *reason,
		   const char *to_tag, const struct sip_msg *from_resp, const struct sip_dest *contact_for);
/* b2bua_stats.c */
void count_req_in(enum sip_method m);
void count_req_out(enum sip_method m);
void count_resp_in(int code);
void count_resp_out(int code);
void send_response_body(struct sip_txn *t, const struct sip_msg *req, int code, const char *reason,
			const char *to_tag, const struct sip_msg *from_resp, const struct sip_dest *contact_for,
			const struct buf *body);
/* Rewrite m's SDP (from leg 0 = A, 1 = B) through the media anchor: an
 * answer when the other leg's offer is pending, else an offer.  0 with out
 * (empty: no body), or a SIP status with reason. */
int call_media(struct call *c, int from, const struct sip_msg *m, struct buf *out, char *reason, size_t rsz);

/* b2bua_policy.c: true when `no allow-connections sip to sip` refused req
 * (503 with Reason: Q.850;cause=63, logged and counted as a failed call). */
bool b2bua_sip_to_sip_refused(const struct cfg *cfg, const struct sip_msg *req, const struct sip_src *src);

/* b2bua_offer.c: early-offer forced.  b2bua_eo_offer(): our offer for the
 * B-leg INVITE when A's has no SDP and the command applies (0 with sdp, empty
 * when not; or a status and why); b2bua_eo_early(): B's 18x (its SDP kept,
 * none goes to A); b2bua_eo_answer(): B's 2xx: our offer to A into sdp (0 or a
 * status); b2bua_eo_ack(): A's answer in its ACK: 0, or -EPROTO (logged) when
 * there is none or it is not acceptable: the caller releases the call. */
int b2bua_eo_offer(struct call *c, struct buf *sdp, char *why, size_t wsz);
void b2bua_eo_early(struct call *c, const struct sip_msg *resp);
int b2bua_eo_answer(struct call *c, const struct sip_msg *resp, struct buf *sdp, char *why, size_t wsz);
int b2bua_eo_ack(struct call *c, const struct sip_msg *ack);

/* b2bua_dlg.c */
void dlg_request(struct call *c, bool from_a, const struct sip_msg *req, const struct sip_src *src);
void dlg_ack(struct call *c, bool from_a, const struct sip_msg *ack);
void dlg_cancel(const struct sip_msg *req, const struct sip_src *src);
void dlg_send_bye(struct call *c, struct leg *l);
/* Add a Via and send an ACK (for a 2xx) on leg l, outside any transaction; ack stays the caller's. */
void dlg_send_ack(struct leg *l, struct sip_msg *ack);
void dlg_free_relays(struct call *c);

#endif
