/* b2bua.c - the B2BUA's entry point, new calls, outbound hunting and the
 * INVITE response mapping (see b2bua.h; in-dialog requests are in b2bua_dlg.c). */
#include "sip/b2bua.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/dns.h"
#include "core/log.h"
#include "sip/b2bua_history.h"
#include "sip/b2bua_int.h"
#include "sip/peer_dest.h"
#include "sip/sipdebug.h"

struct b2bua_rt g_rt;

static uint32_t g_next_call_id;
static uint64_t g_rng = 0x9e3779b97f4a7c15ull;

static void leg_free(struct leg *l)
{
	free(l->local_hdr);
	free(l->remote_hdr);
	free(l->remote_target);
	for (size_t i = 0; i < l->nroute; i++)
		free(l->route[i]);
	free(l->route);
}

void call_end(struct call *c)
{
	if (c->state == CS_DEAD)
		return;
	b2bua_history_add(c);
	c->state = CS_DEAD;
	calls_unlink(c);
	sip_txn_detach(c->a_txn);
	sip_txn_detach(c->b_txn);
	if (c->dq)
		dns_cancel(c->dq);
	free(c->tv);
	media_call_free(c->media);
	dlg_free_relays(c);
	sip_transport_forget(c);
	leg_free(&c->a);
	leg_free(&c->b);
	sip_msg_free(c->a_invite);
	sip_msg_free(c->b_ack);
	buf_free(&c->eo_early);
	route_table_unref(c->rt);
	free(c);
}

/* ------------------------------------------------------------------ */
/* building and sending                                                 */

static void contact_value(const struct sip_dest *d, const char *user, char *out, size_t n)
{
	char hp[80] = "127.0.0.1";
	sip_local_hostport(d, hp, sizeof(hp));
	snprintf(out, n, "<sip:%s%s%s%s%s>", user && user[0] ? user : "", user && user[0] ? "@" : "", hp,
		 d->proto == SIP_PROTO_UDP ? "" : ";transport=", d->proto == SIP_PROTO_UDP ? "" : sip_proto_name(d->proto));
}

static void send_response_x(struct sip_txn *t, const struct sip_msg *req, int code, const char *reason,
			    const char *to_tag, const struct sip_msg *from_resp,
			    const struct sip_dest *contact_for, const struct buf *body);

void send_response(struct sip_txn *t, const struct sip_msg *req, int code, const char *reason,
		   const char *to_tag, const struct sip_msg *from_resp, const struct sip_dest *contact_for)
{
	send_response_x(t, req, code, reason, to_tag, from_resp, contact_for, NULL);
}

void send_response_body(struct sip_txn *t, const struct sip_msg *req, int code, const char *reason,
			const char *to_tag, const struct sip_msg *from_resp, const struct sip_dest *contact_for,
			const struct buf *body)
{
	send_response_x(t, req, code, reason, to_tag, from_resp, contact_for, body);
}

int call_media(struct call *c, int from, const struct sip_msg *m, struct buf *out, char *reason, size_t rsz)
{
	if (!m->body_len)
		return 0;
	if (!c->media || !m->content_type || strncasecmp(m->content_type, "application/sdp", 15)) {
		buf_append(out, m->body, m->body_len);
		return 0;
	}
	if (media_pending_from(c->media) == 1 - from)
		return media_answer(c->media, from, m->body, m->body_len, out, reason, rsz);
	return media_offer(c->media, from, m->body, m->body_len, out, reason, rsz);
}

static void send_response_x(struct sip_txn *t, const struct sip_msg *req, int code, const char *reason,
			    const char *to_tag, const struct sip_msg *from_resp,
			    const struct sip_dest *contact_for, const struct buf *body)
{
	struct sip_msg *r = NULL;
	if (!t || sip_msg_new_response(&r, req, code, reason, to_tag))
		return;
	if (contact_for && code > 100 && code < 300 &&
	    (req->method == SIP_METHOD_INVITE || req->method == SIP_METHOD_UPDATE)) {
		char ct[200];
		contact_value(contact_for, NULL, ct, sizeof(ct));
		sip_msg_hdr_add(r, "Contact", ct);
	}
	if (from_resp) {
		const char *keep[] = { "Allow", "Supported", "Require", "Unsupported", "Accept", "Retry-After",
				       "Warning", "Reason", "RSeq" };
		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
			for (size_t i = 0; i < sip_msg_hdr_count(from_resp, keep[k]); i++)
				sip_msg_hdr_add(r, keep[k], sip_msg_hdr(from_resp, keep[k], i));
		if (body) {
			if (body->len)
				sip_msg_set_body(r, body->p, body->len,
						 from_resp->content_type ? from_resp->content_type : "application/sdp");
		} else if (from_resp->body_len)
			sip_msg_set_body(r, from_resp->body, from_resp->body_len, from_resp->content_type);
	}
	if ((code >= 200 && req->method == SIP_METHOD_OPTIONS) || code == 405)
		sip_msg_hdr_add(r, "Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, NOTIFY");
	count_resp_out(code);
	sip_txn_respond(t, r);
}

/* A response without a transaction of ours (the request was refused at once). */
static void respond_once(const struct sip_msg *req, const struct sip_src *src, int code,
			 const char *reason)
{
	struct sip_txn *t = NULL;
	if (sip_txn_server_new(req, src, &t))
		return;
	char tag[SIP_TAG_SIZE];
	sip_random_tag(tag, sizeof(tag));
	send_response(t, req, code, reason, req->to && req->to->tag ? NULL : tag, NULL, NULL);
}

struct sip_msg *leg_new_request(struct leg *l, enum sip_method m, const char *method_name)
{
	struct sip_msg *r = NULL;
	const char *ruri = l->remote_target ? l->remote_target : "sip:invalid";
	int rc = m == SIP_METHOD_UNKNOWN ? sip_msg_new_request_name(&r, method_name, ruri)
					 : sip_msg_new_request(&r, m, ruri);
	if (rc)
		return NULL;
	for (size_t i = 0; i < l->nroute; i++)
		sip_msg_hdr_add(r, "Route", l->route[i]);
	sip_msg_hdr_add(r, "Max-Forwards", "70");
	sip_msg_hdr_add(r, "From", l->local_hdr);
	sip_msg_hdr_add(r, "To", l->remote_hdr);
	sip_msg_hdr_add(r, "Call-ID", l->call_id);
	if (m != SIP_METHOD_ACK && m != SIP_METHOD_CANCEL)
		sip_msg_hdr_addf(r, "CSeq", "%u %s", ++l->local_cseq, m == SIP_METHOD_UNKNOWN ? method_name : sip_method_name(m));
	return r;
}

void leg_send_request(struct call *c, struct leg *l, struct sip_msg *req, sip_txn_resp_fn fn,
		      void *arg, struct sip_txn **out)
{
	(void)c;
	if (req->method == SIP_METHOD_INVITE || req->method == SIP_METHOD_UPDATE) {
		char ct[200];
		contact_value(&l->dest, l->uas ? NULL : l->calling, ct, sizeof(ct));
		sip_msg_hdr_add(req, "Contact", ct);
	}
	count_req_out(req->method);
	if (sip_txn_client_new(req, &l->dest, fn, arg, out) && out)
		*out = NULL;
}

/* ------------------------------------------------------------------ */
/* outbound hunting                                                     */

static void try_next(struct call *c);

static void fail_call(struct call *c, int code, const char *reason, const struct sip_msg *resp)
{
	if (!c->a_txn)
		return;
	g_b2bua_stats.calls_failed++;
	b2bua_history_release(c, code, reason, 0, resp ? B2BUA_REL_CALLEE : B2BUA_REL_TOLLGATE,
			      resp ? "final response from the callee" : reason);
	send_response(c->a_txn, c->a_invite, code, reason, c->a.local_tag, resp, NULL);
	c->a_txn = NULL;
	call_end(c);
}

/* The caller never ACKed our 2xx (64*T1): hang up both legs. */
static void a_no_ack(void *arg, struct sip_txn *t)
{
	struct call *c = arg;
	(void)t;
	c->a_txn = NULL; /* the transaction is ending */
	log_msg(4, "SIP", "NO_ACK", "call %u: no ACK from the caller for our 200; call released", c->id);
	dlg_send_bye(c, &c->a);
	dlg_send_bye(c, &c->b);
	call_end(c);
}

/* Tell the media anchor our signalling address towards a leg ("host:port",
 * "[v6]:port" -> the address alone). */
static void media_local_from(struct call *c, int leg, const struct sip_dest *d)
{
	struct sockaddr_storage la;
	char h[INET6_ADDRSTRLEN];
	if (c->media && !sip_local_addr(d, &la))
		media_call_set_local(c->media, leg, sip_addr_host(&la, h, sizeof(h)));
}

/* B answered 2xx but the call cannot go on: ACK that 2xx and hang up B. */
static void end_b_leg(struct call *c)
{
	struct sip_msg *ack = leg_new_request(&c->b, SIP_METHOD_ACK, NULL);
	if (ack) {
		sip_msg_hdr_addf(ack, "CSeq", "%u ACK", c->b_invite_cseq);
		dlg_send_ack(&c->b, ack);
		sip_msg_free(ack);
	}
	dlg_send_bye(c, &c->b);
}

static void b_invite_resp(void *arg, struct sip_txn *t, const struct sip_msg *resp, bool local)
{
	struct call *c = arg;
	int code = resp->status;
	(void)t;
	if (code < 200) {
		c->b_prov = true; /* any provisional, 100 included, allows CANCEL (RFC 3261 9.1) */
		if (c->state == CS_ENDING) {
			/* CANCEL waits for a provisional (RFC 3261 9.1) */
			if (c->cancelled && !c->cancel_sent && c->b_txn) {
				c->cancel_sent = true;
				sip_txn_client_cancel(c->b_txn);
			}
			return;
		}
		if (code == 100)
			return;
		if (resp->to && resp->to->tag)
			snprintf(c->b.remote_tag, sizeof(c->b.remote_tag), "%s", resp->to->tag);
		c->state = CS_EARLY;
		struct buf sdp = BUF_INIT;
		char why[200];
		if (c->eo)
			b2bua_eo_early(c, resp); /* our offer to A goes in the 200 */
		else if (call_media(c, 1, resp, &sdp, why, sizeof(why)))
			buf_reset(&sdp); /* early media we cannot anchor: ringing without it */
		send_response_body(c->a_txn, c->a_invite, code, resp->reason, c->a.local_tag, resp, &c->a.dest, &sdp);
		buf_free(&sdp);
		return;
	}
	if (code < 300) {
		if (c->b_2xx) { /* a retransmission: ACK again */
			if (c->b_ack) {
				struct buf b = BUF_INIT;
				sip_msg_print(c->b_ack, &b);
				sip_transport_send(&c->b.dest, b.p, b.len, NULL, NULL);
				buf_free(&b);
			}
			return;
		}
		c->b_2xx = true;
		c->b.confirmed = true;
		c->b_txn = NULL;
		if (resp->to && resp->to->tag)
			snprintf(c->b.remote_tag, sizeof(c->b.remote_tag), "%s", resp->to->tag);
		free(c->b.remote_hdr);
		c->b.remote_hdr = strdup(sip_msg_hdr(resp, "To", 0));
		if (resp->contact.n && resp->contact.v[0].uri_text) {
			free(c->b.remote_target);
			c->b.remote_target = strdup(resp->contact.v[0].uri_text);
		}
		/* UAC route set: Record-Route reversed */
		for (size_t i = resp->record_route.n; i-- > 0;) {
			char **v = realloc(c->b.route, sizeof(*v) * (c->b.nroute + 1));
			if (!v)
				break;
			c->b.route = v;
			c->b.route[c->b.nroute++] = strdup(resp->record_route.v[i].uri_text
							   ? resp->record_route.v[i].uri_text : "");
			/* keep the angle brackets: Route values are name-addrs */
			char *w = malloc(strlen(c->b.route[c->b.nroute - 1]) + 3);
			if (w) {
				sprintf(w, "<%s>", c->b.route[c->b.nroute - 1]);
				free(c->b.route[c->b.nroute - 1]);
				c->b.route[c->b.nroute - 1] = w;
			}
		}
		if (c->state == CS_ENDING || c->cancelled || !c->a_txn) {
			/* the caller went away while B answered: ACK and BYE B */
			end_b_leg(c);
			call_end(c);
			return;
		}
		struct buf sdp = BUF_INIT;
		char why[200];
		int mst = c->eo ? b2bua_eo_answer(c, resp, &sdp, why, sizeof(why))
				: call_media(c, 1, resp, &sdp, why, sizeof(why));
		if (mst) {
			/* the answer cannot be used (SRTP required, no port ...): end the B leg */
			log_msg(4, "MEDIA", "REFUSED", "call %u: %s", c->id, why);
			end_b_leg(c);
			buf_free(&sdp);
			fail_call(c, mst, why, NULL);
			return;
		}
		c->state = CS_ACTIVE;
		c->connect = time(NULL);
		/* the caller must ACK our 2xx; if it never does, the call goes */
		sip_txn_set_noack(c->a_txn, a_no_ack, c);
		send_response_body(c->a_txn, c->a_invite, code, resp->reason, c->a.local_tag, resp, &c->a.dest, &sdp);
		buf_free(&sdp);
		c->a.confirmed = true;
		return;
	}
	/* 3xx-6xx, or a local 408/503 */
	c->b_txn = NULL;
	const struct route_peer *p = c->cands.v[c->cand].peer;
	if (c->state == CS_ENDING || c->cancelled) {
		call_end(c);
		return;
	}
	if (sipdbg.dialpeer)
		sipdbg_printf("DIALPEER", "call %u: dial-peer %u answered %d %s%s", c->id, p->tag, code,
			      resp->reason ? resp->reason : "", local ? " (local)" : "");
	if (route_should_hunt(p, local && code == 503 ? 0 : code) && c->state == CS_CALLING) {
		if (c->tv && c->ti + 1 < c->tn) {
			/* RFC 3263: fail over to the next address of this target */
			c->ti++;
			try_next(c);
			return;
		}
		if (c->cand + 1 < c->cands.n) {
			free(c->tv);
			c->tv = NULL;
			c->tn = c->ti = 0;
			c->cand++;
			try_next(c);
			return;
		}
	}
	fail_call(c, code, resp->reason, local ? NULL : resp);
}

static int peer_dest(struct call *c, const struct route_peer *p, struct sip_dest *d, char *why, size_t whysz)
{
	return sip_peer_dest(g_rt.cfg, &p->cfg, CFG_TRANSPORT_UNSET, c->tv ? &c->tv[c->ti] : NULL,
			     g_rt.tls_for, d, why, whysz);
}

static void dns_done(void *arg, const struct dns_result *res)
{
	struct call *c = arg;
	c->dq = NULL;
	if (res->err || !res->n) {
		log_msg(4, "SIP", "DNS", "call %u: dial-peer %u: %s", c->id, c->cands.v[c->cand].peer->tag,
			res->errmsg);
		c->cand++;
		try_next(c);
		return;
	}
	c->tv = malloc(sizeof(*c->tv) * res->n);
	if (!c->tv) {
		c->cand++;
		try_next(c);
		return;
	}
	memcpy(c->tv, res->v, sizeof(*c->tv) * res->n);
	c->tn = res->n;
	/* a resolved session target is a trusted source (toll-fraud list) */
	for (size_t i = 0; i < res->n && g_rt.rs; i++)
		route_trust_add_dynamic(g_rt.rs, c->cands.v[c->cand].peer->tag,
					(const struct sockaddr *)&res->v[i].addr);
	c->ti = 0;
	try_next(c);
}

static void try_next(struct call *c)
{
	for (; c->cand < c->cands.n; c->cand++) {
		const struct route_peer *p = c->cands.v[c->cand].peer;
		char why[200];
		struct sip_dest d;
		int prc = peer_dest(c, p, &d, why, sizeof(why));
		if (prc == 1) {
			const struct cfg_target *tg = sip_peer_target(g_rt.cfg, &p->cfg);
			if (dns_resolve_sip(tg->host, tg->port, sip_peer_dns_pref(d.proto), dns_done, c, &c->dq) == 0)
				return; /* continues in dns_done */
			log_msg(4, "SIP", "DNS", "call %u: cannot resolve %s", c->id, tg->host);
			continue;
		}
		if (prc) {
			log_msg(4, "SIP", "ROUTE", "call %u: %s", c->id, why);
			continue;
		}
		if (sipdbg.dialpeer)
			sipdbg_printf("DIALPEER", "call %u: trying outbound dial-peer %u (%zu of %zu)", c->id, p->tag,
				      c->cand + 1, c->cands.n);
		c->b.dest = d;
		c->b.dial_peer = p->tag;
		/* the B-leg INVITE */
		char user[200], hp[300], ruri[600];
		route_tgrp_user(p, c->b.called, user, sizeof(user));
		sip_addr_str(&d.addr, hp, sizeof(hp));
		const struct cfg_target *tg = &p->cfg.target;
		if (tg->kind == CFG_TARGET_DNS)
			snprintf(hp, sizeof(hp), "%s%s%u", tg->host, tg->port ? ":" : "", tg->port);
		snprintf(ruri, sizeof(ruri), "sip:%s@%s%s", user, hp, d.proto == SIP_PROTO_UDP ? "" :
			 d.proto == SIP_PROTO_TCP ? ";transport=tcp" : ";transport=tls");
		struct sip_msg *inv = NULL;
		if (sip_msg_new_request(&inv, SIP_METHOD_INVITE, ruri))
			continue;
		char lhost[INET6_ADDRSTRLEN] = "127.0.0.1", from[300], to[300];
		struct sockaddr_storage la;
		if (!sip_local_addr(&d, &la))
			sip_addr_host(&la, lhost, sizeof(lhost));
		if (!c->b.call_id[0]) {
			char cid[SIP_CALLID_SIZE];
			sip_random_callid(cid, sizeof(cid));
			snprintf(c->b.call_id, sizeof(c->b.call_id), "%s", cid);
			sip_random_tag(c->b.local_tag, sizeof(c->b.local_tag));
			calls_index_b(c);
		}
		bool v6 = strchr(lhost, ':') != NULL;
		snprintf(from, sizeof(from), "<sip:%s@%s%s%s>;tag=%s", c->b.calling[0] ? c->b.calling : "anonymous",
			 v6 ? "[" : "", lhost, v6 ? "]" : "", c->b.local_tag);
		snprintf(to, sizeof(to), "<sip:%s@%s>", c->b.called, hp);
		free(c->b.local_hdr);
		free(c->b.remote_hdr);
		c->b.local_hdr = strdup(from);
		c->b.remote_hdr = strdup(to);
		free(c->b.remote_target);
		c->b.remote_target = strdup(ruri);
		int mf = c->a_invite->max_forwards >= 0 ? c->a_invite->max_forwards - 1 : 69;
		sip_msg_hdr_addf(inv, "Max-Forwards", "%d", mf);
		sip_msg_hdr_add(inv, "From", from);
		sip_msg_hdr_add(inv, "To", to);
		sip_msg_hdr_add(inv, "Call-ID", c->b.call_id);
		c->b_invite_cseq = ++c->b.local_cseq;
		sip_msg_hdr_addf(inv, "CSeq", "%u INVITE", c->b_invite_cseq);
		sip_msg_hdr_add(inv, "Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, NOTIFY");
		const char *pass[] = { "Supported", "Session-Expires", "Min-SE", "P-Asserted-Identity", "Privacy" };
		for (size_t k = 0; k < sizeof(pass) / sizeof(pass[0]); k++)
			for (size_t i = 0; i < sip_msg_hdr_count(c->a_invite, pass[k]); i++)
				sip_msg_hdr_add(inv, pass[k], sip_msg_hdr(c->a_invite, pass[k], i));
		if (c->media) {
			media_call_set_peer(c->media, MEDIA_LEG_B, g_rt.cfg, &p->cfg);
			media_local_from(c, MEDIA_LEG_B, &d);
		}
		/* A's offer through the anchor, else (early-offer forced) our own */
		struct buf sdp = BUF_INIT;
		int mst = c->a_invite->body_len ? call_media(c, 0, c->a_invite, &sdp, why, sizeof(why))
						: b2bua_eo_offer(c, &sdp, why, sizeof(why));
		if (mst) {
			log_msg(4, "MEDIA", "REFUSED", "call %u: %s", c->id, why);
			buf_free(&sdp);
			sip_msg_free(inv);
			fail_call(c, mst, why, NULL);
			return;
		}
		if (c->a_invite->body_len || sdp.len)
			sip_msg_set_body(inv, sdp.p, sdp.len, c->a_invite->body_len ? c->a_invite->content_type
										 : "application/sdp");
		buf_free(&sdp);
		leg_send_request(c, &c->b, inv, b_invite_resp, c, &c->b_txn);
		return;
	}
	fail_call(c, 503, "Service Unavailable", NULL);
}

/* ------------------------------------------------------------------ */
/* new calls                                                            */

static void uri_view(const struct sip_uri *u, const char *text, struct route_uri *out, char *user,
		     size_t usz, char *host, size_t hsz)
{
	memset(out, 0, sizeof(*out));
	out->uri = text ? text : "";
	user[0] = host[0] = '\0';
	if (u) {
		if (u->user) {
			size_t ul = 0;
			if (sip_uri_unescape(user, usz - 1, &ul, u->user, strlen(u->user)))
				snprintf(user, usz, "%s", u->user);
			else
				user[ul] = '\0';
		}
		if (u->host) {
			snprintf(host, hsz, "%s", u->host[0] == '[' ? u->host + 1 : u->host);
			char *rb = strchr(host, ']');
			if (rb)
				*rb = '\0';
		}
		out->port = (uint16_t)(u->port > 0 ? u->port : 0);
	}
	out->user = user;
	out->host = host;
}

static void new_call(const struct sip_msg *req, const struct sip_src *src)
{
	const struct cfg *cfg = g_rt.cfg;
	char a[80];
	/* 1. toll-fraud protection */
	struct route_trust_entry hit;
	bool trusted = src->tls_peer_name != NULL ||
		       route_trust_check(g_rt.rt, g_rt.rs, (const struct sockaddr *)&src->remote, &hit);
	if (!trusted) {
		g_b2bua_stats.drops[DROP_UNTRUSTED]++;
		if (cfg && cfg->voice.sip.no_silent_discard) {
			g_b2bua_stats.untrusted_403++;
			respond_once(req, src, 403, "Forbidden");
		}
		log_msg(4, "SIP", "UNTRUSTED", "INVITE from untrusted %s %s refused%s",
			sip_proto_upper(src->proto), sip_addr_str(&src->remote, a, sizeof(a)),
			cfg && cfg->voice.sip.no_silent_discard ? " with 403" : " (silently discarded)");
		return;
	}
	if (req->max_forwards == 0) {
		g_b2bua_stats.drops[DROP_LOOP]++;
		respond_once(req, src, 483, "Too Many Hops");
		return;
	}
	if (b2bua_sip_to_sip_refused(cfg, req, src))
		return;
	struct call *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->id = ++g_next_call_id;
	c->start = time(NULL);
	c->rt = route_table_ref(g_rt.rt);
	c->a_invite = sip_msg_ref(req);
	if (sip_txn_server_new(req, src, &c->a_txn)) {
		sip_msg_free(c->a_invite);
		route_table_unref(c->rt);
		free(c);
		return;
	}
	g_b2bua_stats.calls_total++;
	struct leg *l = &c->a;
	snprintf(l->call_id, sizeof(l->call_id), "%s", req->call_id);
	calls_link(c);
	l->uas = true;
	sip_random_tag(l->local_tag, sizeof(l->local_tag));
	snprintf(l->remote_tag, sizeof(l->remote_tag), "%s", req->from && req->from->tag ? req->from->tag : "");
	l->remote_hdr = strdup(sip_msg_hdr(req, "From", 0));
	char lh[1200];
	snprintf(lh, sizeof(lh), "%s;tag=%s", sip_msg_hdr(req, "To", 0), l->local_tag);
	l->local_hdr = strdup(lh);
	if (req->contact.n && req->contact.v[0].uri_text)
		l->remote_target = strdup(req->contact.v[0].uri_text);
	for (size_t i = 0; i < req->record_route.n; i++) {
		char **v = realloc(l->route, sizeof(*v) * (l->nroute + 1));
		if (!v)
			break;
		l->route = v;
		char w[1100];
		snprintf(w, sizeof(w), "<%s>", req->record_route.v[i].uri_text ? req->record_route.v[i].uri_text : "");
		l->route[l->nroute++] = strdup(w);
	}
	l->remote_cseq = req->cseq;
	sip_txn_response_dest(req, src, &l->dest);

	send_response(c->a_txn, req, 100, "Trying", NULL, NULL, NULL);

	/* 2. inbound dial-peer */
	char ru[128], rh[128], tu[128], th[128], fu[128], fh[128], vh[128];
	struct route_in in = { 0 };
	uri_view(req->ruri, req->ruri_text, &in.request, ru, sizeof(ru), rh, sizeof(rh));
	uri_view(req->to ? req->to->uri : NULL, req->to ? req->to->uri_text : NULL, &in.to, tu, sizeof(tu), th, sizeof(th));
	uri_view(req->from ? req->from->uri : NULL, req->from ? req->from->uri_text : NULL, &in.from, fu, sizeof(fu), fh, sizeof(fh));
	snprintf(vh, sizeof(vh), "%s", req->nvia ? req->via[0].host : "");
	if (vh[0] == '[') {
		memmove(vh, vh + 1, strlen(vh));
		char *rb = strchr(vh, ']');
		if (rb)
			*rb = '\0';
	}
	in.via_host = vh;
	in.via_port = (uint16_t)(req->nvia && req->via[0].port > 0 ? req->via[0].port : 0);
	/* numbers: the user parts without their ;parameters (RFC 4904), unescaped */
	if (req->ruri && req->ruri->user)
		route_tgrp_parse(req->ruri->user, l->called, sizeof(l->called), NULL, 0, NULL, 0);
	if (req->from && req->from->uri && req->from->uri->user)
		route_tgrp_parse(req->from->uri->user, l->calling, sizeof(l->calling), NULL, 0, NULL, 0);
	in.called = l->called;
	in.calling = l->calling;
	struct route_match m;
	bool have_in = route_inbound(c->rt, &in, &m) == 0;
	if (!media_call_new(&c->media, c->id)) {
		media_call_set_peer(c->media, MEDIA_LEG_A, g_rt.cfg, have_in && m.peer->tag ? &m.peer->cfg : NULL);
		media_local_from(c, MEDIA_LEG_A, &l->dest);
	}
	if (have_in) {
		c->in_peer = m.peer->tag;
		l->dial_peer = m.peer->tag;
		/* our requests to the caller: its ip qos dscp ... signaling */
		l->dest.tos_set = true;
		l->dest.tos = (uint8_t)cfg_dp_signaling_tos(&m.peer->cfg);
		if (sipdbg.dialpeer)
			sipdbg_printf("DIALPEER", "call %u: inbound dial-peer %u matched: %s", c->id, m.peer->tag, m.why);
	}
	/* 3. outbound dial-peers */
	snprintf(c->b.called, sizeof(c->b.called), "%s", l->called);
	snprintf(c->b.calling, sizeof(c->b.calling), "%s", l->calling);
	struct route_out_opts o = { .state = g_rt.rs, .rng = &g_rng };
	route_outbound(c->rt, l->called, &o, &c->cands);
	if (sipdbg.dialpeer) {
		sipdbg_printf("DIALPEER", "call %u: called number %s: %zu outbound dial-peer%s", c->id, l->called,
			      c->cands.n, c->cands.n == 1 ? "" : "s");
		for (size_t i = 0; i < c->cands.nskipped && i < ROUTE_MAX_SKIPPED; i++) {
			char why[ROUTE_WHY_LEN];
			route_skip_why(&c->cands.skipped[i], why, sizeof(why));
			sipdbg_printf("DIALPEER", "call %u: %s", c->id, why);
		}
	}
	if (!c->cands.n) {
		/* 404 when nothing matches; 503 + Q.850 cause when every match is out of service */
		struct route_refusal rf;
		struct sip_msg *rr = NULL;
		route_refusal(&c->cands, l->called, &rf);
		log_msg(rf.log_sev, "SIP", rf.mnemonic, "call %u: %s", c->id, rf.text);
		if (rf.q850 && !sip_msg_new_response(&rr, c->a_invite, rf.status, rf.reason, NULL))
			sip_msg_hdr_addf(rr, "Reason", "Q.850;cause=%d", rf.q850);
		/* Tollgate's refusal (with its cause), though it goes out as a response */
		b2bua_history_release(c, rf.status, rf.reason, rf.q850, B2BUA_REL_TOLLGATE, rf.text);
		fail_call(c, rf.status, rf.reason, rr);
		sip_msg_free(rr);
		return;
	}
	c->state = CS_CALLING;
	try_next(c);
}

/* ------------------------------------------------------------------ */
/* entry                                                                */

void b2bua_rx(const char *data, size_t len, const struct sip_src *src)
{
	struct sip_msg *m = NULL;
	char err[200];
	sipdbg_rx(data, len, src);
	int rc = sip_msg_parse_partial(data, len, &m, err, sizeof(err));
	if (rc) {
		char a[80];
		g_b2bua_stats.drops[DROP_MALFORMED]++;
		log_msg(4, "SIP", "MALFORMED", "%s from %s %s: %s", m ? "request" : "message",
			sip_proto_upper(src->proto), sip_addr_str(&src->remote, a, sizeof(a)), err);
		if (m && m->request && m->method != SIP_METHOD_ACK) {
			struct sip_msg *r = NULL;
			char reason[240];
			snprintf(reason, sizeof(reason), "Bad Request (%s)", err);
			if (!sip_msg_new_response(&r, m, 400, reason, NULL)) {
				count_resp_out(400);
				sip_txn_send_stateless(r, src);
			}
			sip_msg_free(r);
		}
		sip_msg_free(m);
		return;
	}
	if (!m->request) {
		count_resp_in(m->status);
		if (!sip_txn_client_match(m)) {
			/* a retransmitted 2xx after the transaction: ACK it again */
			bool is_a;
			struct call *c = call_find(m->call_id, &is_a);
			if (c && !is_a && m->status >= 200 && m->status < 300 && m->cseq_method == SIP_METHOD_INVITE &&
			    m->cseq == c->b_invite_cseq && c->b_2xx)
				b_invite_resp(c, NULL, m, false);
			else
				g_b2bua_stats.drops[DROP_NO_TXN_RESPONSE]++;
		}
		sip_msg_free(m);
		return;
	}
	count_req_in(m->method);
	if (sip_txn_server_absorb(m, src))
		goto out;
	if (m->method == SIP_METHOD_CANCEL) {
		dlg_cancel(m, src);
		goto out;
	}
	bool in_dialog = m->to && m->to->tag;
	if (in_dialog) {
		bool is_a;
		struct call *c = call_find(m->call_id, &is_a);
		if (!c) {
			if (m->method != SIP_METHOD_ACK)
				respond_once(m, src, 481, "Call/Transaction Does Not Exist");
			goto out;
		}
		if (m->method == SIP_METHOD_ACK)
			dlg_ack(c, is_a, m);
		else
			dlg_request(c, is_a, m, src);
		goto out;
	}
	switch (m->method) {
	case SIP_METHOD_INVITE:
		new_call(m, src);
		break;
	case SIP_METHOD_OPTIONS:
		respond_once(m, src, 200, "OK");
		break;
	case SIP_METHOD_ACK:
		break;
	default:
		respond_once(m, src, 405, "Method Not Allowed");
		break;
	}
out:
	sip_msg_free(m);
}

void b2bua_set_runtime(struct route_table *rt, struct route_state *rs, const struct cfg *cfg,
		       b2bua_tls_for_fn tls_for)
{
	struct route_table *old = g_rt.rt;
	g_rt.rt = route_table_ref(rt);
	route_table_unref(old);
	g_rt.rs = rs;
	g_rt.cfg = cfg;
	g_rt.tls_for = tls_for;
}

/* The media of a call stopped: release it as a BYE from each side would. */
static void media_inactive(uint32_t call_id, unsigned seconds)
{
	for (struct call *c = calls_head(); c; c = c->next) {
		if (c->id != call_id || c->state == CS_DEAD)
			continue;
		log_msg(5, "MEDIA", "INACTIVE", "call %u (%s -> %s): no media for %u s; call released", c->id,
			c->a.calling, c->a.called, seconds);
		b2bua_history_release(c, 0, NULL, 0, B2BUA_REL_TOLLGATE, "media inactivity (no RTP received)");
		if (c->state == CS_ACTIVE) {
			dlg_send_bye(c, &c->a);
			dlg_send_bye(c, &c->b);
		}
		call_end(c);
		return;
	}
}

void b2bua_init(void)
{
	memset(&g_rt, 0, sizeof(g_rt));
	media_set_inactive_handler(media_inactive);
}

void b2bua_fini(void)
{
	while (calls_head())
		call_end(calls_head());
	route_table_unref(g_rt.rt);
	g_rt.rt = NULL;
}

static const char *const state_names[] = { "STATE_CALLING", "STATE_EARLY", "STATE_ACTIVE",
					   "STATE_DISCONNECTING", "STATE_DEAD" };

void b2bua_foreach_call(b2bua_call_iter_fn fn, void *arg)
{
	for (struct call *c = calls_head(); c; c = c->next) {
		struct b2bua_call_info ci;
		memset(&ci, 0, sizeof(ci));
		ci.id = c->id;
		ci.state = state_names[c->state];
		ci.start = c->start;
		ci.connect = c->connect;
		const struct leg *lg[2] = { &c->a, &c->b };
		struct b2bua_leg_info *li[2] = { &ci.a, &ci.b };
		for (int k = 0; k < 2; k++) {
			li[k]->call_id = lg[k]->call_id;
			li[k]->local_tag = lg[k]->local_tag;
			li[k]->remote_tag = lg[k]->remote_tag;
			li[k]->calling = lg[k]->calling;
			li[k]->called = lg[k]->called;
			li[k]->proto = lg[k]->dest.proto;
			li[k]->remote = lg[k]->dest.addr;
			li[k]->conn_id = lg[k]->dest.conn_id;
			li[k]->answer = k == 0;
		}
		ci.a.dial_peer = c->in_peer;
		ci.b.dial_peer = c->b.dial_peer;
		media_call_info(c->media, MEDIA_LEG_A, &ci.a.media);
		media_call_info(c->media, MEDIA_LEG_B, &ci.b.media);
		fn(arg, &ci);
	}
}
