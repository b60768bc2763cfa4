/* b2bua_offer.c - `early-offer forced` (voice service voip / sip, or the
 * outbound dial-peer's `voice-class sip early-offer forced`, which wins over
 * the global setting; `... forced system` defers to it): an INVITE
 * without SDP (delayed offer, e.g. from CUCM) goes to the called side with an
 * offer made by the media anchor; the callee's answer becomes our offer to the
 * caller in the 200, and the caller's answer comes in its ACK (RFC 3261
 * 13.2.1), which completes the media.  Without an acceptable answer in that
 * ACK the call is released on both legs. */
#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include "core/log.h"
#include "sip/b2bua_int.h"

static bool is_sdp(const struct sip_msg *m)
{
	return m->body_len && m->content_type && !strncasecmp(m->content_type, "application/sdp", 15);
}

/* The outbound dial-peer's setting, else the global one. */
static bool eo_forced(const struct call *c)
{
	const struct cfg_dial_peer *d = cfg_dial_peer_find(g_rt.cfg, c->b.dial_peer);
	if (d && d->early_offer == CFG_EO_FORCED)
		return true;
	return g_rt.cfg->voice.sip.early_offer_forced;
}

int b2bua_eo_offer(struct call *c, struct buf *sdp, char *why, size_t wsz)
{
	c->eo = false;
	buf_reset(&c->eo_early);
	if (!c->media || !g_rt.cfg || !eo_forced(c))
		return 0;
	int st = media_offer_local(c->media, MEDIA_LEG_B, sdp, why, wsz);
	if (st < 0) {
		log_msg(5, "MEDIA", "EARLY_OFFER", "call %u: %s; INVITE sent without SDP", c->id, why);
		buf_reset(sdp);
		return 0;
	}
	if (st)
		return st;
	c->eo = true;
	return 0;
}

void b2bua_eo_early(struct call *c, const struct sip_msg *resp)
{
	if (is_sdp(resp) && !c->eo_early.len)
		buf_append(&c->eo_early, resp->body, resp->body_len);
}

int b2bua_eo_answer(struct call *c, const struct sip_msg *resp, struct buf *sdp, char *why, size_t wsz)
{
	const char *body = resp->body;
	size_t len = resp->body_len;
	if (!is_sdp(resp)) { /* the answer came in a 18x */
		body = c->eo_early.p;
		len = c->eo_early.len;
	}
	if (!len) {
		snprintf(why, wsz, "Not Acceptable Here (early-offer forced: no SDP answer from dial-peer %u)",
			 c->b.dial_peer);
		return 488;
	}
	return media_answer_local(c->media, MEDIA_LEG_B, body, len, sdp, why, wsz);
}

int b2bua_eo_ack(struct call *c, const struct sip_msg *ack)
{
	char why[200] = "no SDP";
	int st = -EPROTO;
	if (is_sdp(ack)) {
		struct buf sdp = BUF_INIT; /* what would go to B: it has answered already */
		st = media_answer(c->media, MEDIA_LEG_A, ack->body, ack->body_len, &sdp, why, sizeof(why));
		buf_free(&sdp);
	}
	c->eo = false;
	if (!st)
		return 0;
	log_msg(4, "MEDIA", "EARLY_OFFER", "call %u: early-offer forced: the caller's ACK carries %s%s%s; "
		"call released", c->id, st < 0 ? "no SDP answer to our offer" : "an unacceptable answer (",
		st < 0 ? "" : why, st < 0 ? "" : ")");
	return -EPROTO;
}
