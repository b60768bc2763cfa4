/* b2bua_dlg.c - requests inside a call: ACK, BYE from either side, CANCEL,
 * and the relay of re-INVITE, UPDATE, INFO, OPTIONS, NOTIFY to the other leg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "sip/b2bua_history.h"
#include "sip/b2bua_int.h"
#include "sip/sipdebug.h"

static void relay_free(struct call *c, struct relay *r)
{
	for (struct relay **pp = &c->relays; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	sip_txn_detach(r->ct);
	sip_txn_detach(r->st);
	sip_msg_free(r->ack);
	free(r);
}

void dlg_free_relays(struct call *c)
{
	while (c->relays)
		relay_free(c, c->relays);
}

/* Send a request outside any transaction (ACK for a 2xx) on leg l. */
void dlg_send_ack(struct leg *l, struct sip_msg *ack)
{
	char via[300], hp[80] = "127.0.0.1", br[SIP_BRANCH_SIZE];
	sip_local_hostport(&l->dest, hp, sizeof(hp));
	sip_random_branch(br, sizeof(br));
	snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=%s;rport", sip_proto_upper(l->dest.proto), hp, br);
	sip_msg_hdr_insert(ack, 0, "Via", via);
	struct buf b = BUF_INIT;
	if (!sip_msg_print(ack, &b)) {
		sipdbg_msg(true, b.p, b.len, &l->dest);
		sip_transport_send(&l->dest, b.p, b.len, NULL, NULL);
	}
	count_req_out(SIP_METHOD_ACK);
	buf_free(&b);
}

void dlg_send_bye(struct call *c, struct leg *l)
{
	struct sip_msg *bye = leg_new_request(l, SIP_METHOD_BYE, NULL);
	if (bye)
		leg_send_request(c, l, bye, NULL, NULL, NULL);
}

static void copy_body(struct sip_msg *to, const struct sip_msg *from)
{
	if (from->body_len)
		sip_msg_set_body(to, from->body, from->body_len, from->content_type);
}

void dlg_ack(struct call *c, bool from_a, const struct sip_msg *ack)
{
	struct leg *other = from_a ? &c->b : &c->a;
	if (from_a && c->a_txn && !c->a_acked) {
		/* the ACK for the call's 2xx: confirm, and ACK the B leg */
		sip_txn_server_acked(c->a_txn);
		c->a_txn = NULL;
		c->a_acked = true;
		struct sip_msg *b_ack = leg_new_request(&c->b, SIP_METHOD_ACK, NULL);
		if (!b_ack)
			return;
		sip_msg_hdr_addf(b_ack, "CSeq", "%u ACK", c->b_invite_cseq);
		if (c->eo) {
			/* early-offer forced: A's ACK answers our offer; B answered already */
			int rc = b2bua_eo_ack(c, ack);
			dlg_send_ack(&c->b, b_ack);
			c->b_ack = b_ack;
			if (rc) {
				g_b2bua_stats.calls_failed++;
				b2bua_history_release(c, 0, NULL, 0, B2BUA_REL_TOLLGATE,
						      "early-offer forced: no acceptable SDP answer in the caller's ACK");
				dlg_send_bye(c, &c->a);
				dlg_send_bye(c, &c->b);
				call_end(c);
			}
			return;
		}
		if (ack->body_len) {
			/* delayed offer: A's answer in its ACK goes through the anchor */
			struct buf sdp = BUF_INIT;
			char why[200];
			if (call_media(c, 0, ack, &sdp, why, sizeof(why)) == 0 && sdp.len)
				sip_msg_set_body(b_ack, sdp.p, sdp.len, ack->content_type);
			buf_free(&sdp);
		}
		dlg_send_ack(&c->b, b_ack);
		c->b_ack = b_ack;
		return;
	}
	/* the ACK for a relayed re-INVITE's 2xx */
	for (struct relay *r = c->relays; r; r = r->next) {
		if (r->invite && r->from_a == from_a && r->ack) {
			copy_body(r->ack, ack);
			dlg_send_ack(other, r->ack);
			if (r->st)
				sip_txn_server_acked(r->st);
			r->st = NULL;
			relay_free(c, r);
			return;
		}
	}
}

/* The re-INVITE's sender never ACKed: its transaction is ending. */
static void relay_no_ack(void *arg, struct sip_txn *t)
{
	struct relay *r = arg;
	(void)t;
	r->st = NULL;
	relay_free(r->call, r);
}

static void relay_resp(void *arg, struct sip_txn *t, const struct sip_msg *resp, bool local)
{
	struct relay *r = arg;
	struct call *c = r->call;
	struct leg *from = r->from_a ? &c->a : &c->b;
	struct leg *other = r->from_a ? &c->b : &c->a;
	(void)t;
	(void)local;
	int code = resp->status;
	if (code == 100)
		return;
	const struct sip_msg *req = sip_txn_server_request(r->st);
	struct buf sdp = BUF_INIT;
	char why[200];
	if (resp->body_len && call_media(c, r->from_a ? 1 : 0, resp, &sdp, why, sizeof(why)))
		buf_reset(&sdp);
	send_response_body(r->st, req, code, resp->reason, NULL, resp, &from->dest, &sdp);
	buf_free(&sdp);
	if (code < 200)
		return;
	r->ct = NULL;
	if (r->invite && code < 300) {
		/* ACK the other leg when this leg ACKs (or give up when it never does) */
		sip_txn_set_noack(r->st, relay_no_ack, r);
		r->ack = leg_new_request(other, SIP_METHOD_ACK, NULL);
		if (r->ack)
			sip_msg_hdr_addf(r->ack, "CSeq", "%u ACK", other->local_cseq);
		if (resp->contact.n && resp->contact.v[0].uri_text) {
			free(other->remote_target);
			other->remote_target = strdup(resp->contact.v[0].uri_text);
		}
		return;
	}
	relay_free(c, r);
}

void dlg_request(struct call *c, bool from_a, const struct sip_msg *req, const struct sip_src *src)
{
	struct leg *from = from_a ? &c->a : &c->b;
	struct leg *other = from_a ? &c->b : &c->a;
	struct sip_txn *st = NULL;
	if (sip_txn_server_new(req, src, &st))
		return;
	from->remote_cseq = req->cseq;
	if (req->method == SIP_METHOD_BYE) {
		b2bua_history_release(c, 0, NULL, 0, from_a ? B2BUA_REL_CALLER : B2BUA_REL_CALLEE, "BYE");
		send_response(st, req, 200, "OK", NULL, NULL, NULL);
		if (c->state == CS_ACTIVE || c->state == CS_EARLY)
			dlg_send_bye(c, other);
		if (!from_a && c->a_txn && !c->a_acked) {
			/* B hung up before A's ACK arrived */
			sip_txn_detach(c->a_txn);
		}
		call_end(c);
		return;
	}
	if (!other->confirmed || c->state != CS_ACTIVE) {
		send_response(st, req, 491, "Request Pending", NULL, NULL, NULL);
		return;
	}
	if (req->method == SIP_METHOD_INVITE && req->contact.n && req->contact.v[0].uri_text) {
		free(from->remote_target);
		from->remote_target = strdup(req->contact.v[0].uri_text);
	}
	struct sip_msg *out = leg_new_request(other, req->method, req->method_name);
	if (!out) {
		send_response(st, req, 500, "Server Internal Error", NULL, NULL, NULL);
		return;
	}
	const char *pass[] = { "Supported", "Require", "Session-Expires", "Min-SE", "Event",
			       "Subscription-State", "Info-Package", "Content-Disposition" };
	for (size_t k = 0; k < sizeof(pass) / sizeof(pass[0]); k++)
		for (size_t i = 0; i < sip_msg_hdr_count(req, pass[k]); i++)
			sip_msg_hdr_add(out, pass[k], sip_msg_hdr(req, pass[k], i));
	if (req->body_len) {
		struct buf sdp = BUF_INIT;
		char why[200];
		int mst = call_media(c, from_a ? 0 : 1, req, &sdp, why, sizeof(why));
		if (mst) {
			buf_free(&sdp);
			sip_msg_free(out);
			send_response(st, req, mst, why, NULL, NULL, NULL);
			return;
		}
		sip_msg_set_body(out, sdp.p, sdp.len, req->content_type);
		buf_free(&sdp);
	}
	struct relay *r = calloc(1, sizeof(*r));
	if (!r) {
		sip_msg_free(out);
		send_response(st, req, 500, "Server Internal Error", NULL, NULL, NULL);
		return;
	}
	r->call = c;
	r->st = st;
	r->from_a = from_a;
	r->invite = req->method == SIP_METHOD_INVITE;
	r->next = c->relays;
	c->relays = r;
	leg_send_request(c, other, out, relay_resp, r, &r->ct);
}

void dlg_cancel(const struct sip_msg *req, const struct sip_src *src)
{
	struct sip_txn *ct = NULL;
	if (sip_txn_server_new(req, src, &ct))
		return;
	struct sip_txn *inv = sip_txn_find_invite_server(req);
	bool is_a = false;
	struct call *c = inv ? call_find(req->call_id, &is_a) : NULL;
	if (!c || !is_a || c->a_txn != inv || c->state == CS_ACTIVE) {
		send_response(ct, req, 481, "Call/Transaction Does Not Exist", NULL, NULL, NULL);
		return;
	}
	send_response(ct, req, 200, "OK", NULL, NULL, NULL);
	send_response(c->a_txn, c->a_invite, 487, "Request Terminated", c->a.local_tag, NULL, NULL);
	c->a_txn = NULL;
	c->cancelled = true;
	if (c->b_txn && (c->state == CS_EARLY || c->b_prov)) {
		c->cancel_sent = true;
		sip_txn_client_cancel(c->b_txn);
	}
	if (!c->b_txn) {
		call_end(c);
		return;
	}
	c->state = CS_ENDING;
}
