/* session.c - SDP offer/answer through the media anchor, SRTP per leg, relay sessions
 * (see session.h). */
#include "media/session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/log.h"
#include "media/relay.h"
#include "media/sdp.h"
#include "media/srtp.h"
#include "media/session_int.h"

struct media_debug_flags mediadbg;

static struct {
	bool started;
	struct relay_ports *ports;
	uint16_t lo, hi;
	const struct cfg *cfg;
	media_inactive_fn on_inactive;
} M;

void media_set_inactive_handler(media_inactive_fn fn)
{
	M.on_inactive = fn;
}

/* Relay events carry the call id, not a pointer: the call may be gone when an
 * event queued before its removal is dispatched. */
static void relay_event(void *arg, struct relay_session *s, const struct relay_event *ev)
{
	(void)s;
	uint32_t id = (uint32_t)(uintptr_t)arg;
	if (ev->type == RELAY_EV_INACTIVE && M.on_inactive && M.cfg)
		M.on_inactive(id, M.cfg->voice.media_inactivity_sec);
}

int media_start(void)
{
	int rc = tg_srtp_init();
	if (rc)
		return rc;
	rc = relay_start(1);
	if (rc && rc != -EALREADY)
		return rc;
	rc = relay_loop_attach();
	if (rc)
		return rc;
	M.started = true;
	return 0;
}

void media_stop(void)
{
	if (!M.started)
		return;
	relay_stop();
	relay_ports_free(M.ports);
	M.ports = NULL;
	M.started = false;
}

void media_apply(const struct cfg *c)
{
	M.cfg = c;
	if (!M.started)
		return;
	uint16_t lo = c->voice.rtp_port_lo, hi = c->voice.rtp_port_hi;
	if (M.ports && lo == M.lo && hi == M.hi)
		return;
	struct relay_ports *p = NULL;
	if (relay_ports_new(lo, hi, &p)) {
		log_msg(3, "MEDIA", "PORTS", "rtp-port range %u %u is not usable", lo, hi);
		return;
	}
	relay_ports_free(M.ports); /* freed when its last pair comes back */
	M.ports = p;
	M.lo = lo;
	M.hi = hi;
}

int media_call_new(struct media_call **out, uint32_t call_id)
{
	struct media_call *mc = calloc(1, sizeof(*mc));
	if (!mc)
		return -ENOMEM;
	mc->id = call_id;
	mc->pending_from = -1;
	mc->last_from = -1;
	mc->eo_leg = -1;
	for (int i = 0; i < 2; i++) {
		mc->leg[i].pair.rtp_fd = mc->leg[i].pair.rtcp_fd = -1;
		mc->leg[i].tos = cfg_dp_media_tos(NULL);
		sdes_prefs_default(&mc->leg[i].prefs);
	}
	*out = mc;
	return 0;
}

static void leg_clear_keys(struct media_leg *l)
{
	for (size_t i = 0; i < MAX_OFFER; i++) {
		sdes_crypto_clear(&l->offered[i]);
		sdes_crypto_clear(&l->peer_offer[i]);
	}
	sdes_crypto_clear(&l->send_key);
	sdes_crypto_clear(&l->recv_key);
}

/* ---- debug voip rtp / debug voip srtp (severity 7; never keys) ---- */

static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t n);

static unsigned port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port)
	     : ss->ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)ss)->sin_port) : 0;
}

static void dbg_refused(const struct media_call *mc, int st, const char *reason)
{
	if (st && mediadbg.srtp_error &&
	    (strstr(reason, "SRTP") || strstr(reason, "crypto") || strstr(reason, "pass-thru")))
		log_msg(7, "VOIP", "SRTP_ERROR", "call %u: refused %d %s", mc->id, st, reason);
}

static void dbg_started(const struct media_call *mc)
{
	for (int i = 0; i < 2; i++) {
		const struct media_leg *l = &mc->leg[i];
		struct media_leg_info mi;
		media_call_info(mc, i, &mi);
		if (mediadbg.srtp_session) {
			if (l->passthru)
				log_msg(7, "VOIP", "SRTP_SESSION", "call %u leg %c: SRTP pass-thru", mc->id, 'A' + i);
			else if (l->srtp)
				log_msg(7, "VOIP", "SRTP_SESSION", "call %u leg %c: SRTP on, local suite %s, remote suite %s",
					mc->id, 'A' + i, mi.local_suite, mi.remote_suite);
			else
				log_msg(7, "VOIP", "SRTP_SESSION", "call %u leg %c: SRTP off (RTP)", mc->id, 'A' + i);
		}
		if (mediadbg.rtp) {
			char la[64], ra[64];
			log_msg(7, "VOIP", "RTP", "call %u leg %c: relay %s:%u <-> %s:%u %s %s", mc->id, 'A' + i,
				addr_text(&mi.local, la, sizeof(la)), port_of(&mi.local),
				addr_text(&mi.remote, ra, sizeof(ra)), port_of(&mi.remote),
				l->srtp ? "SRTP" : l->passthru ? "SRTP pass-thru" : "RTP", mi.codec[0] ? mi.codec : "-");
		}
	}
}

static void dbg_ended(const struct media_call *mc)
{
	if (!mc->rs || !(mediadbg.rtp || mediadbg.srtp_error))
		return;
	for (int i = 0; i < 2; i++) {
		struct media_leg_info mi;
		media_call_info(mc, i, &mi);
		if (mediadbg.rtp)
			log_msg(7, "VOIP", "RTP", "call %u leg %c: relay closed, rx %llu/%llu tx %llu/%llu packets/bytes",
				mc->id, 'A' + i, (unsigned long long)mi.rx_packets, (unsigned long long)mi.rx_bytes,
				(unsigned long long)mi.tx_packets, (unsigned long long)mi.tx_bytes);
		if (mediadbg.srtp_error && (mi.auth_fail || mi.replay_fail))
			log_msg(7, "VOIP", "SRTP_ERROR", "call %u leg %c: %llu SRTP authentication failures, %llu replay drops",
				mc->id, 'A' + i, (unsigned long long)mi.auth_fail, (unsigned long long)mi.replay_fail);
	}
}

void media_call_free(struct media_call *mc)
{
	if (!mc)
		return;
	dbg_ended(mc);
	if (mc->rs)
		relay_session_remove(mc->rs);
	else
		for (int i = 0; i < 2; i++)
			if (mc->leg[i].have_pair)
				relay_ports_release(mc->pool, &mc->leg[i].pair);
	for (int i = 0; i < 2; i++)
		leg_clear_keys(&mc->leg[i]);
	buf_free(&mc->last_in);
	buf_free(&mc->last_out);
	free(mc);
}

void media_call_set_peer(struct media_call *mc, int leg, const struct cfg *c,
			 const struct cfg_dial_peer *dp)
{
	struct media_leg *l = &mc->leg[leg];
	const struct cfg_tenant *ten = dp && dp->vc_tenant[0] ? cfg_tenant_find(c, dp->vc_tenant) : NULL;
	l->policy = dp && dp->srtp ? dp->srtp : c->voice.srtp;
	const char *cls = dp && dp->vc_srtp_crypto[0] ? dp->vc_srtp_crypto
			  : ten && ten->srtp_crypto[0] ? ten->srtp_crypto : c->voice.sip.srtp_crypto;
	sdes_prefs_from_class(&l->prefs, cls[0] ? cfg_srtp_crypto_find(c, cls) : NULL);
	l->ncodecs = 0;
	if (dp && dp->vc_codec[0]) {
		const struct cfg_codec_class *cc = cfg_codec_find(c, dp->vc_codec);
		for (size_t i = 0; cc && i < cc->e.n && l->ncodecs < CFG_CODEC_COUNT; i++)
			snprintf(l->codecs[l->ncodecs++], sizeof(l->codecs[0]), "%s", cfg_codec_names[cc->e.v[i].codec]);
	} else if (dp && dp->codec) {
		snprintf(l->codecs[l->ncodecs++], sizeof(l->codecs[0]), "%s", cfg_codec_names[dp->codec]);
	}
	/* ip qos dscp ... media: on the ports facing this leg, now or when bound */
	l->tos = cfg_dp_media_tos(dp);
	if (l->have_pair)
		(void)relay_pair_set_tos(&l->pair, l->tos);
	/* a new outbound attempt starts its B side afresh */
	l->noffered = 0;
	l->srtp = false;
}

void media_call_set_local(struct media_call *mc, int leg, const char *addr)
{
	snprintf(mc->leg[leg].sig_addr, sizeof(mc->leg[leg].sig_addr), "%s", addr ? addr : "");
}

int media_pending_from(const struct media_call *mc)
{
	return mc->pending_from;
}

/* ------------------------------------------------------------------ */

static int first_audio(const struct sdp *s)
{
	for (size_t i = 0; i < s->nmedia; i++)
		if (s->media[i].rtp && s->media[i].port && !strcmp(s->media[i].type, "audio"))
			return (int)i;
	return -1;
}

static int addr_of(const struct sdp_media *m, uint16_t port, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (!m->conn.present)
		return -EINVAL;
	struct sockaddr_in *s4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
	if (inet_pton(AF_INET, m->conn.addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, m->conn.addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL; /* an FQDN in c= is not supported */
}

static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, (socklen_t)n);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)n);
	return buf;
}

int msess_ensure_pairs(struct media_call *mc, int family, char *reason, size_t rsz)
{
	for (int i = 0; i < 2; i++) {
		struct media_leg *l = &mc->leg[i];
		/* once the relay has the call, its pairs stay (a re-INVITE keeps
		 * our ports; l->pair still says which) */
		if (l->have_pair || mc->rs)
			continue;
		struct sockaddr_storage a;
		int rc = relay_media_addr(M.cfg, family, &a);
		if (!rc)
			rc = mc->pool || M.ports ? relay_ports_alloc(mc->pool ? mc->pool : M.ports, &a, false, &l->pair)
						 : -ENODEV;
		if (rc) {
			snprintf(reason, rsz, rc == -EADDRNOTAVAIL ? "RTP port range exhausted" : "no media address (%s)",
				 strerror(-rc));
			log_msg(3, "MEDIA", "PORTS", "call %u: %s", mc->id, reason);
			return 503;
		}
		l->have_pair = true;
		if (l->tos != cfg_dp_media_tos(NULL))   /* bound EF already */
			(void)relay_pair_set_tos(&l->pair, l->tos);
		if (!mc->pool)
			mc->pool = M.ports;
	}
	mc->family = family;
	return 0;
}

/* Our side of leg l in the SDP that goes to it: address, port, no rtcp-mux. */
int msess_point_to_us(struct sdp *s, int idx, const struct media_leg *l)
{
	char a[64];
	const struct sockaddr_storage *loc = &l->pair.local;
	addr_text(loc, a, sizeof(a));
	/* a wildcard media address (no `bind media`): advertise the address this
	 * leg's signalling uses, the one the peer already reaches us on */
	if (!strcmp(a, "0.0.0.0") || !strcmp(a, "::")) {
		if (l->sig_addr[0] && (strchr(l->sig_addr, ':') == NULL) == (loc->ss_family == AF_INET))
			snprintf(a, sizeof(a), "%s", l->sig_addr);
		else
			snprintf(a, sizeof(a), "%s", loc->ss_family == AF_INET6 ? "::1" : "127.0.0.1");
	}
	int rc = sdp_set_origin_addr(s, a);
	if (!rc && s->conn.present)
		rc = sdp_set_conn(s, SDP_SESSION, a);
	if (!rc)
		rc = sdp_set_conn(s, idx, a);
	if (!rc)
		rc = sdp_set_port(s, (size_t)idx, l->pair.port);
	if (!rc)
		rc = sdp_set_rtcp(s, (size_t)idx, 0, NULL);
	if (!rc)
		rc = sdp_set_rtcp_mux(s, (size_t)idx, false);
	return rc;
}

size_t msess_parse_cryptos(const struct sdp_media *m, struct sdes_crypto *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->ncrypto && n < cap; i++) {
		char err[128];
		if (sdes_crypto_parse(&out[n], m->crypto[i].value, err, sizeof(err)) == 0 &&
		    sdes_crypto_usable(&out[n]))
			n++;
	}
	return n;
}

static void codec_of(const struct sdp_media *m, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < m->nfmts; i++)
		if (strcasecmp(m->pts[i].encoding, "telephone-event")) {
			snprintf(out, n, "%s", m->pts[i].encoding);
			return;
		}
}

/* Parse an SDP body and find its audio stream and the peer's address in it.
 * 0 with *s (owned by the caller) and *idx (-1: no audio to anchor), or a SIP
 * status with the reason (*s NULL or to be freed). */
int msess_parse_audio(const char *body, size_t len, const char *what, struct sdp **s, int *idx,
		      struct sockaddr_storage *remote, char *reason, size_t rsz)
{
	char err[200];
	*s = NULL;
	*idx = -1;
	if (sdp_parse(body, len, s, err, sizeof(err))) {
		snprintf(reason, rsz, "Not Acceptable Here (bad SDP %s: %s)", what, err);
		return 488;
	}
	*idx = first_audio(*s);
	if (*idx < 0)
		return 0;
	const struct sdp_media *m = &(*s)->media[*idx];
	if (addr_of(m, (uint16_t)m->port, remote)) {
		snprintf(reason, rsz, "Not Acceptable Here (unsupported connection address %s)", m->conn.addr);
		return 488;
	}
	return 0;
}

int media_offer(struct media_call *mc, int from, const char *body, size_t len, struct buf *out,
		char *reason, size_t rsz)
{
	struct media_leg *x = &mc->leg[from], *y = &mc->leg[1 - from];
	struct sdp *s = NULL;
	int idx;
	/* the same answer again (183 then 200): the same SDP goes on */
	if (from == mc->last_from && len == mc->last_in.len && !memcmp(body, buf_str(&mc->last_in), len)) {
		buf_append(out, buf_str(&mc->last_out), mc->last_out.len);
		return 0;
	}
	int st = msess_parse_audio(body, len, "offer", &s, &idx, &x->remote, reason, rsz);
	if (st || idx < 0) {
		/* nothing to anchor (no audio): pass it as it is */
		if (!st)
			sdp_print(s, out);
		goto out;
	}
	struct sdp_media *m = &s->media[idx];
	x->npeer_offer = msess_parse_cryptos(m, x->peer_offer, MAX_OFFER);
	x->offer_savp = m->secure;
	x->passthru = x->policy == CFG_SRTP_PASSTHRU;
	if (x->passthru != (y->policy == CFG_SRTP_PASSTHRU)) {
		snprintf(reason, rsz, "Not Acceptable Here (srtp pass-thru needs pass-thru on both dial-peers)");
		st = 488;
		goto out;
	}
	if (x->policy == CFG_SRTP_ON && !x->npeer_offer) {
		snprintf(reason, rsz, "Not Acceptable Here (SRTP required, offer has no usable a=crypto)");
		st = 488;
		goto out;
	}
	st = msess_ensure_pairs(mc, x->remote.ss_family, reason, rsz);
	if (st)
		goto out;
	bool hold2543 = !strcmp(m->conn.addr, "0.0.0.0");
	if (msess_point_to_us(s, idx, y)) {
		snprintf(reason, rsz, "Server Internal Error (SDP rewrite)");
		st = 500;
		goto out;
	}
	if (hold2543)
		sdp_set_conn(s, idx, "0.0.0.0"); /* keep an RFC 2543 hold visible */
	m = &s->media[idx];
	if (!x->passthru) {
		sdp_remove_crypto(s, (size_t)idx, -1);
		y->noffered = 0;
		if (y->policy == CFG_SRTP_ON || y->policy == CFG_SRTP_FALLBACK) {
			if (sdes_offer_build(y->offered, &y->noffered, MAX_OFFER, &y->prefs)) {
				snprintf(reason, rsz, "Server Internal Error (SRTP keys)");
				st = 500;
				goto out;
			}
			for (size_t i = 0; i < y->noffered; i++) {
				char line[SDES_LINE_MAX];
				if (sdes_crypto_emit(line, sizeof(line), &y->offered[i]) > 0)
					sdp_add_crypto(s, (size_t)idx, line);
			}
			/* srtp fallback: SDES offered on RTP/AVP (best-effort SRTP, RFC 4568
			 * 3.1.4), so a peer without SRTP can still answer RTP */
			sdp_set_proto(s, (size_t)idx, y->policy == CFG_SRTP_FALLBACK ? "RTP/AVP" : "RTP/SAVP");
		} else {
			sdp_set_proto(s, (size_t)idx, "RTP/AVP");
		}
	}
	if (y->ncodecs) {
		const char *prefs[CFG_CODEC_COUNT];
		for (size_t i = 0; i < y->ncodecs; i++)
			prefs[i] = y->codecs[i];
		if (sdp_filter_codecs(s, (size_t)idx, prefs, y->ncodecs) == -ENOENT) {
			snprintf(reason, rsz, "Not Acceptable Here (no codec of the dial-peer's list offered)");
			st = 488;
			goto out;
		}
	}
	sdp_bump_version(s);
	sdp_print(s, out);
	mc->pending_from = from;
out:
	dbg_refused(mc, st, reason);
	sdp_free(s);
	return st;
}

/* ---- SRTP transforms for the relay ---- */

/* Packets received on a leg are unprotected with its peer's key; packets sent
 * to it protected with ours.  Errors map to the relay's counters. */
static int xf_in(struct tg_srtp *ctx, uint8_t *pkt, int *len, bool rtcp)
{
	size_t l = (size_t)*len;
	int rc = rtcp ? tg_srtp_unprotect_rtcp(ctx, pkt, &l) : tg_srtp_unprotect(ctx, pkt, &l);
	if (rc)
		return rc == TG_SRTP_E_AUTH ? RELAY_XF_EAUTH : tg_srtp_is_replay(rc) ? RELAY_XF_EREPLAY : rc;
	*len = (int)l;
	return 0;
}

static int xf_out(struct tg_srtp *ctx, uint8_t *pkt, int *len, int maxlen, bool rtcp)
{
	size_t l = (size_t)*len;
	int rc = rtcp ? tg_srtp_protect_rtcp(ctx, pkt, &l, (size_t)maxlen)
		      : tg_srtp_protect(ctx, pkt, &l, (size_t)maxlen);
	if (rc)
		return rc;
	*len = (int)l;
	return 0;
}

static int xf_unprotect(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	(void)maxlen;
	return xf_in(ctx, pkt, len, false);
}

static int xf_unprotect_rtcp(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	(void)maxlen;
	return xf_in(ctx, pkt, len, true);
}

static int xf_protect(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	return xf_out(ctx, pkt, len, maxlen, false);
}

static int xf_protect_rtcp(void *ctx, uint8_t *pkt, int *len, int maxlen)
{
	return xf_out(ctx, pkt, len, maxlen, true);
}

static void xf_release(void *ctx)
{
	tg_srtp_free(ctx);
}

/* The four transforms of one leg from its negotiated keys (none without SRTP). */
int media_srtp_xforms(const struct sdes_crypto *recv_key, const struct sdes_crypto *send_key,
		      struct relay_xform *xf)
{
	memset(xf, 0, sizeof(*xf) * RELAY_XF_COUNT);
	/* one context per direction, shared by RTP and RTCP (one reference each) */
	struct tg_srtp *in = NULL, *out = NULL;
	int rc = tg_srtp_new(&in, recv_key, TG_SRTP_RECV);
	if (!rc)
		rc = tg_srtp_new(&out, send_key, TG_SRTP_SEND);
	if (rc) {
		tg_srtp_free(in);
		tg_srtp_free(out);
		return rc;
	}
	xf[RELAY_XF_RTP_IN] = (struct relay_xform){ xf_unprotect, in, xf_release };
	xf[RELAY_XF_RTP_OUT] = (struct relay_xform){ xf_protect, out, xf_release };
	xf[RELAY_XF_RTCP_IN] = (struct relay_xform){ xf_unprotect_rtcp, tg_srtp_ref(in), xf_release };
	xf[RELAY_XF_RTCP_OUT] = (struct relay_xform){ xf_protect_rtcp, tg_srtp_ref(out), xf_release };
	return 0;
}

/* The four transforms of one leg from its negotiated keys (none without SRTP). */
static int leg_xforms(const struct media_leg *l, struct relay_xform xf[RELAY_XF_COUNT])
{
	if (!l->srtp || l->passthru) {
		memset(xf, 0, sizeof(*xf) * RELAY_XF_COUNT);
		return 0;
	}
	return media_srtp_xforms(&l->recv_key, &l->send_key, xf);
}

static void xforms_drop(struct relay_xform *xf)
{
	for (int i = 0; i < RELAY_XF_COUNT; i++)
		if (xf[i].release)
			xf[i].release(xf[i].ctx);
}

static void rtcp_of(const struct media_leg *l, struct sockaddr_storage *out)
{
	*out = l->remote;
	uint16_t port = (uint16_t)(l->remote_rtcp_port ? l->remote_rtcp_port : 0);
	if (!port) {
		uint16_t p = l->remote.ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)&l->remote)->sin6_port)
							     : ntohs(((const struct sockaddr_in *)&l->remote)->sin_port);
		port = (uint16_t)(p + 1);
	}
	if (out->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)out)->sin_port = htons(port);
}

static int relay_go(struct media_call *mc, char *reason, size_t rsz)
{
	struct relay_xform xf[2][RELAY_XF_COUNT];
	for (int i = 0; i < 2; i++)
		if (leg_xforms(&mc->leg[i], xf[i])) {
			if (i)
				xforms_drop(xf[0]);
			snprintf(reason, rsz, "Server Internal Error (SRTP context)");
			return 500;
		}
	if (!mc->rs) {
		struct relay_spec spec;
		memset(&spec, 0, sizeof(spec));
		for (int i = 0; i < 2; i++) {
			struct relay_leg_spec *ls = &spec.leg[i];
			ls->ports = mc->leg[i].pair;
			ls->remote_rtp = mc->leg[i].remote;
			rtcp_of(&mc->leg[i], &ls->remote_rtcp);
			ls->latch = true;
			memcpy(ls->xf, xf[i], sizeof(ls->xf));
		}
		spec.ports = mc->pool;
		spec.inactivity_s = M.cfg ? M.cfg->voice.media_inactivity_sec : 0;
		spec.on_event = relay_event;
		spec.arg = (void *)(uintptr_t)mc->id;
		int rc = relay_session_add(&spec, &mc->rs);
		if (rc) {
			xforms_drop(xf[0]);
			xforms_drop(xf[1]);
			snprintf(reason, rsz, "Service Unavailable (media relay: %s)", strerror(-rc));
			return 503;
		}
		/* the pairs belong to the relay now */
		mc->leg[0].have_pair = mc->leg[1].have_pair = false;
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		struct relay_update u;
		memset(&u, 0, sizeof(u));
		u.what = RELAY_UPD_REMOTE | RELAY_UPD_XFORM;
		u.leg = i;
		u.remote_rtp = mc->leg[i].remote;
		rtcp_of(&mc->leg[i], &u.remote_rtcp);
		u.latch = true;
		u.xf_mask = (1u << RELAY_XF_COUNT) - 1;
		memcpy(u.xf, xf[i], sizeof(u.xf));
		if (relay_session_update(mc->rs, &u))
			xforms_drop(xf[i]);
	}
	return 0;
}

int media_answer(struct media_call *mc, int from, const char *body, size_t len, struct buf *out,
		 char *reason, size_t rsz)
{
	struct media_leg *y = &mc->leg[from], *x = &mc->leg[1 - from];
	struct sdp *s = NULL;
	int idx;
	int st = msess_parse_audio(body, len, "answer", &s, &idx, &y->remote, reason, rsz);
	if (st || idx < 0) {
		if (!st)
			sdp_print(s, out);
		goto out;
	}
	struct sdp_media *m = &s->media[idx];
	y->remote_rtcp_port = (int)m->rtcp_port;
	codec_of(m, y->codec, sizeof(y->codec));
	memcpy(x->codec, y->codec, sizeof(x->codec));
	/* the answering leg: did it take our SRTP offer? */
	y->srtp = false;
	if (!y->passthru && y->noffered) {
		struct sdes_crypto ans[MAX_OFFER];
		size_t n = msess_parse_cryptos(m, ans, MAX_OFFER), matched;
		if (n && sdes_answer_check(&matched, y->offered, y->noffered, &ans[0]) == 0) {
			y->send_key = y->offered[matched];
			y->recv_key = ans[0];
			y->srtp = true;
		} else if (y->policy == CFG_SRTP_ON) {
			snprintf(reason, rsz, "Not Acceptable Here (SRTP required, answer has no matching a=crypto)");
			st = 488;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			sdes_crypto_clear(&ans[i]);
	}
	/* the answer towards the offering leg */
	if (msess_point_to_us(s, idx, x)) {
		snprintf(reason, rsz, "Server Internal Error (SDP rewrite)");
		st = 500;
		goto out;
	}
	/* early-offer forced: x answered our own offer, its keys are settled */
	bool x_done = mc->eo_leg == 1 - from;
	if (!x_done)
		x->srtp = false;
	if (!x->passthru && !x_done) {
		sdp_remove_crypto(s, (size_t)idx, -1);
		if (x->npeer_offer) {
			size_t chosen;
			struct sdes_crypto mine;
			if (sdes_answer_build(&chosen, &mine, x->peer_offer, x->npeer_offer, &x->prefs) == 0) {
				char line[SDES_LINE_MAX];
				x->recv_key = x->peer_offer[chosen];
				x->send_key = mine;
				x->srtp = true;
				if (sdes_crypto_emit(line, sizeof(line), &mine) > 0)
					sdp_add_crypto(s, (size_t)idx, line);
				sdes_crypto_clear(&mine);
			} else if (x->policy == CFG_SRTP_ON) {
				snprintf(reason, rsz, "Not Acceptable Here (no SRTP suite in common)");
				st = 488;
				goto out;
			}
		}
		/* mirror the offer: SAVP answers SAVP; best-effort SRTP stays on AVP */
		sdp_set_proto(s, (size_t)idx, x->srtp && x->offer_savp ? "RTP/SAVP" : "RTP/AVP");
	}
	sdp_bump_version(s);
	size_t start = out->len;
	sdp_print(s, out);
	st = relay_go(mc, reason, rsz);
	if (!st) {
		mc->pending_from = -1;
		mc->eo_leg = -1;
		mc->last_from = from;
		buf_reset(&mc->last_in);
		buf_append(&mc->last_in, body, len);
		buf_reset(&mc->last_out);
		buf_append(&mc->last_out, buf_str(out) + start, out->len - start);
		if (mediadbg.rtp || mediadbg.srtp_session)
			dbg_started(mc);
	}
out:
	dbg_refused(mc, st, reason);
	sdp_free(s);
	return st;
}

/* ------------------------------------------------------------------ */

void media_call_info(const struct media_call *mc, int leg, struct media_leg_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!mc)
		return;
	const struct media_leg *l = &mc->leg[leg];
	out->srtp = l->srtp;
	memcpy(out->codec, l->codec, sizeof(out->codec));
	out->codec[sizeof(out->codec) - 1] = '\0';
	if (l->srtp) {
		const struct tg_srtp_suite *a = tg_srtp_suite_get(l->send_key.suite);
		const struct tg_srtp_suite *b = tg_srtp_suite_get(l->recv_key.suite);
		snprintf(out->local_suite, sizeof(out->local_suite), "%s", a ? a->name : "?");
		snprintf(out->remote_suite, sizeof(out->remote_suite), "%s", b ? b->name : "?");
	}
	out->remote = l->remote;
	if (!mc->rs) {
		out->local = l->pair.local;
		return;
	}
	out->active = true;
	const struct relay_pair *p = relay_session_local(mc->rs, leg);
	if (p)
		out->local = p->local;
	const struct sockaddr_storage *r = relay_session_remote(mc->rs, leg, false);
	if (r)
		out->remote = *r;
	struct relay_stats st;
	relay_session_stats(mc->rs, &st);
	const struct relay_leg_stats *ls = &st.leg[leg];
	out->rx_packets = ls->rx.packets;
	out->rx_bytes = ls->rx.bytes;
	out->tx_packets = ls->tx.packets;
	out->tx_bytes = ls->tx.bytes;
	out->auth_fail = ls->rx.auth_fail;
	out->replay_fail = ls->rx.replay_fail;
	out->dropped = ls->rx.dropped + ls->tx.dropped;
	out->lost = ls->rx.lost;
}

void media_stats_get(struct media_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->sessions = relay_session_count();
	if (M.ports) {
		out->ports_free = relay_ports_avail(M.ports);
		out->ports_total = relay_ports_total(M.ports);
	}
	out->relay_cpu_ns = relay_cpu_ns();
}
