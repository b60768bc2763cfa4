/* session_int.h - the media anchor's per-call structures and the helpers
 * shared by session.c (offer/answer relayed between the legs) and
 * session_eo.c (early-offer forced: offers Tollgate makes itself). */
#ifndef TOLLGATE_MEDIA_SESSION_INT_H
#define TOLLGATE_MEDIA_SESSION_INT_H

#include "media/relay.h"
#include "media/sdp.h"
#include "media/session.h"
#include "media/srtp.h"

#define MAX_OFFER 16

struct media_leg {          /* one side of a call's media; owned by media_call */
	enum cfg_srtp policy;
	struct sdes_prefs prefs;
	char codecs[CFG_CODEC_COUNT][16];   /* voice-class codec / codec, in order */
	size_t ncodecs;
	struct relay_pair pair;             /* our ports facing this leg */
	bool have_pair;
	int tos;                            /* its dial-peer's ip qos dscp media, as TOS */
	struct sockaddr_storage remote;     /* from SDP */
	int remote_rtcp_port;
	struct sdes_crypto offered[MAX_OFFER]; /* our offer to this leg */
	size_t noffered;
	struct sdes_crypto peer_offer[MAX_OFFER]; /* this leg's offer to us */
	size_t npeer_offer;
	bool srtp, passthru;
	bool offer_savp;                    /* its offer was RTP/SAVP (not best-effort AVP) */
	char sig_addr[64];                  /* our signalling address towards this leg */
	struct sdes_crypto send_key, recv_key;
	char codec[24];
};

struct media_call {         /* owned by the B2BUA call */
	uint32_t id;
	struct media_leg leg[2];
	struct relay_session *rs;
	struct relay_ports *pool;   /* where its pairs came from (the range then in force;
				 * an `rtp-port range` change retires it, not its pairs) */
	int pending_from;       /* leg whose offer awaits the answer, -1 */
	int family;
	int last_from;          /* the last answer: from which leg, its text, what we sent on */
	struct buf last_in, last_out;
	int eo_leg;             /* early-offer forced: the leg our own offer went to,
				 * until the other leg's answer completes the call, -1 */
};

int msess_ensure_pairs(struct media_call *mc, int family, char *reason, size_t rsz);
/* Our side of leg l in the SDP that goes to it: address, port, no rtcp-mux. */
int msess_point_to_us(struct sdp *s, int idx, const struct media_leg *l);
size_t msess_parse_cryptos(const struct sdp_media *m, struct sdes_crypto *out, size_t cap);
int msess_parse_audio(const char *body, size_t len, const char *what, struct sdp **s, int *idx,
		      struct sockaddr_storage *remote, char *reason, size_t rsz);

#endif
