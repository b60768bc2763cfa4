/* session_eo.c - offers the media anchor makes itself (`early-offer forced`,
 * see session.h): an INVITE without SDP goes on with our offer for the
 * called leg, that leg's answer becomes our offer to the calling leg (in the
 * 200), and the calling leg's answer (in its ACK) goes through media_answer(),
 * which starts the relay. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "media/session_int.h"

#define TE_PT 101 /* telephone-event, as CUBE offers it */

/* The SDP lines of a `voice class codec` / `codec` name in our own offer. */
struct eo_codec {
	const char *name;  /* cfg_codec_names */
	int pt;
	const char *rtpmap, *fmtp;
};
static const struct eo_codec eo_codecs[] = {
	{ "g711ulaw", 0, "PCMU/8000", NULL },
	{ "g711alaw", 8, "PCMA/8000", NULL },
	{ "g722-64", 9, "G722/8000", NULL },
	{ "g729r8", 18, "G729/8000", "annexb=no" },
	{ "opus", 111, "opus/48000/2", NULL },
};

static const struct eo_codec *eo_codec_find(const char *name)
{
	for (size_t i = 0; i < sizeof(eo_codecs) / sizeof(eo_codecs[0]); i++)
		if (!strcasecmp(eo_codecs[i].name, name))
			return &eo_codecs[i];
	return NULL;
}

/* Replace the crypto lines and the proto of media idx by our SDES offer to
 * leg l (its srtp policy: RTP/SAVP for srtp, best-effort RTP/AVP for srtp
 * fallback, plain RTP/AVP without).  0 or a status with reason. */
static int eo_srtp_offer(struct sdp *s, int idx, struct media_leg *l, char *reason, size_t rsz)
{
	sdp_remove_crypto(s, (size_t)idx, -1);
	for (size_t i = 0; i < MAX_OFFER; i++)
		sdes_crypto_clear(&l->offered[i]);
	l->noffered = 0;
	l->srtp = false;
	if (l->policy != CFG_SRTP_ON && l->policy != CFG_SRTP_FALLBACK)
		return sdp_set_proto(s, (size_t)idx, "RTP/AVP") ? 500 : 0;
	if (sdes_offer_build(l->offered, &l->noffered, MAX_OFFER, &l->prefs)) {
		snprintf(reason, rsz, "Server Internal Error (SRTP keys)");
		return 500;
	}
	for (size_t i = 0; i < l->noffered; i++) {
		char line[SDES_LINE_MAX];
		if (sdes_crypto_emit(line, sizeof(line), &l->offered[i]) > 0)
			sdp_add_crypto(s, (size_t)idx, line);
	}
	sdp_set_proto(s, (size_t)idx, l->policy == CFG_SRTP_FALLBACK ? "RTP/AVP" : "RTP/SAVP");
	return 0;
}

int media_offer_local(struct media_call *mc, int to, struct buf *out, char *reason, size_t rsz)
{
	struct media_leg *y = &mc->leg[to], *x = &mc->leg[1 - to];
	if (y->policy == CFG_SRTP_PASSTHRU || x->policy == CFG_SRTP_PASSTHRU) {
		snprintf(reason, rsz, "early-offer forced: no offer of our own with srtp pass-thru");
		return -EOPNOTSUPP;
	}
	x->passthru = y->passthru = false;
	x->npeer_offer = 0;
	bool v6 = strchr(y->sig_addr, ':') != NULL;
	int st = msess_ensure_pairs(mc, v6 ? AF_INET6 : AF_INET, reason, rsz);
	if (st)
		return st;
	/* the template: addresses and port are set by msess_point_to_us() */
	const char *ip = v6 ? "IP6 ::1" : "IP4 127.0.0.1";
	struct buf t = BUF_INIT, fmts = BUF_INIT, attrs = BUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < y->ncodecs; i++) {
		const struct eo_codec *k = eo_codec_find(y->codecs[i]);
		if (!k)
			continue;
		buf_printf(&fmts, " %d", k->pt);
		buf_printf(&attrs, "a=rtpmap:%d %s\r\n", k->pt, k->rtpmap);
		if (k->fmtp)
			buf_printf(&attrs, "a=fmtp:%d %s\r\n", k->pt, k->fmtp);
		n++;
	}
	if (!n) { /* no codec list on the dial-peer: G.711 */
		buf_printf(&fmts, " 0 8");
		buf_printf(&attrs, "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n");
	}
	buf_printf(&t, "v=0\r\no=Tollgate %lu 1 IN %s\r\ns=SIP Call\r\nt=0 0\r\n"
		    "m=audio 9 RTP/AVP%s %d\r\nc=IN %s\r\n%sa=rtpmap:%d telephone-event/8000\r\n"
		    "a=fmtp:%d 0-16\r\na=sendrecv\r\n",
		    (unsigned long)time(NULL) ^ mc->id, ip, buf_str(&fmts), TE_PT, ip, buf_str(&attrs), TE_PT,
		    TE_PT);
	struct sdp *s = NULL;
	char err[160];
	if (sdp_parse(buf_str(&t), t.len, &s, err, sizeof(err)) || msess_point_to_us(s, 0, y)) {
		snprintf(reason, rsz, "Server Internal Error (early offer SDP)");
		st = 500;
	}
	if (!st)
		st = eo_srtp_offer(s, 0, y, reason, rsz);
	if (!st) {
		sdp_print(s, out);
		mc->eo_leg = to;
		mc->pending_from = -1;
	}
	sdp_free(s);
	buf_free(&t);
	buf_free(&fmts);
	buf_free(&attrs);
	return st;
}

int media_answer_local(struct media_call *mc, int from, const char *body, size_t len, struct buf *out,
		       char *reason, size_t rsz)
{
	struct media_leg *y = &mc->leg[from], *x = &mc->leg[1 - from];
	struct sdp *s = NULL;
	int idx;
	if (mc->eo_leg != from) {
		snprintf(reason, rsz, "Server Internal Error (no early offer of ours pending)");
		return 500;
	}
	int st = msess_parse_audio(body, len, "answer", &s, &idx, &y->remote, reason, rsz);
	if (!st && idx < 0) {
		snprintf(reason, rsz, "Not Acceptable Here (the answer to our early offer has no audio)");
		st = 488;
	}
	if (st)
		goto out;
	struct sdp_media *m = &s->media[idx];
	y->remote_rtcp_port = (int)m->rtcp_port;
	y->codec[0] = '\0';
	for (size_t i = 0; i < m->nfmts && !y->codec[0]; i++)
		if (strcasecmp(m->pts[i].encoding, "telephone-event"))
			snprintf(y->codec, sizeof(y->codec), "%s", m->pts[i].encoding);
	/* did the called leg take our SRTP offer? */
	y->srtp = false;
	if (y->noffered) {
		struct sdes_crypto ans[MAX_OFFER];
		size_t na = msess_parse_cryptos(m, ans, MAX_OFFER), matched;
		if (na && sdes_answer_check(&matched, y->offered, y->noffered, &ans[0]) == 0) {
			y->send_key = y->offered[matched];
			y->recv_key = ans[0];
			y->srtp = true;
		}
		for (size_t i = 0; i < na; i++)
			sdes_crypto_clear(&ans[i]);
		if (!y->srtp && y->policy == CFG_SRTP_ON) {
			snprintf(reason, rsz, "Not Acceptable Here (SRTP required, answer has no matching a=crypto)");
			st = 488;
			goto out;
		}
	}
	/* our offer to the calling leg: its ports, the codec chosen (with
	 * telephone-event when the called leg took it), SDES per its policy */
	if (y->codec[0]) {
		const char *keep[1] = { y->codec };
		sdp_filter_codecs(s, (size_t)idx, keep, 1);
	}
	if (msess_point_to_us(s, idx, x)) {
		snprintf(reason, rsz, "Server Internal Error (SDP rewrite)");
		st = 500;
		goto out;
	}
	st = eo_srtp_offer(s, idx, x, reason, rsz);
	if (st)
		goto out;
	memcpy(x->codec, y->codec, sizeof(x->codec));
	sdp_bump_version(s);
	sdp_print(s, out);
	mc->pending_from = from; /* the calling leg's answer goes to media_answer() */
out:
	sdp_free(s);
	return st;
}
