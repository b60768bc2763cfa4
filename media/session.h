/* session.h - media anchoring of one call: SDP offer/answer rewriting, SRTP
 * negotiation per leg (SDES), and the relay session that carries the packets
 * (layer 5).
 *
 * Every call's media flows through Tollgate.  Each leg has its own policy from
 * its dial-peer (else `voice service voip`): `srtp` (required: a peer without
 * SRTP fails the call with 488), `srtp fallback` (SRTP offered, RTP accepted),
 * `srtp pass-thru` (crypto lines and packets pass untouched; both legs must
 * be pass-thru, else 488 — CUBE answers 415), or none (RTP; an SRTP offer is
 * still answered with SRTP, so interworking works whichever side asks).
 *
 * Ownership: a struct media_call belongs to its B2BUA call; media_call_free()
 * hands the relay session back to the relay (which releases the ports once
 * its thread lets go). */
#ifndef TOLLGATE_MEDIA_SESSION_H
#define TOLLGATE_MEDIA_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/config.h"

enum { MEDIA_LEG_A = 0, MEDIA_LEG_B = 1 };

struct media_call;

/* Start / stop the media plane (relay thread, SRTP library). */
int media_start(void);
void media_stop(void);
/* After a commit: rtp-port range and media addresses. */
void media_apply(const struct cfg *c);

/* Called (main thread) when a call's media stopped for media-inactivity-timer
 * seconds: the B2BUA releases the call. */
typedef void (*media_inactive_fn)(uint32_t call_id, unsigned seconds);
void media_set_inactive_handler(media_inactive_fn fn);

/* A call's media; dp may be NULL (dial-peer 0: the global settings). */
int media_call_new(struct media_call **out, uint32_t call_id);
void media_call_free(struct media_call *mc);
/* The settings of a leg: its dial-peer (NULL: globals), from the running cfg. */
void media_call_set_peer(struct media_call *mc, int leg, const struct cfg *c,
			 const struct cfg_dial_peer *dp);

/* Our signalling address towards a leg ("192.0.2.1", "2001:db8::1"): what the SDP
 * sent to that leg advertises when the media address is the wildcard. */
void media_call_set_local(struct media_call *mc, int leg, const char *addr);

/* An offer (SDP body) received from leg `from`: write the offer for the other
 * leg into out.  0, or a SIP status to refuse with (488, 503) and a reason. */
int media_offer(struct media_call *mc, int from, const char *body, size_t len, struct buf *out,
		char *reason, size_t rsz);
/* The answer from leg `from` to the offer made to it: write the answer for
 * the other leg into out and start (or update) the relay.  0 or a status. */
int media_answer(struct media_call *mc, int from, const char *body, size_t len, struct buf *out,
		 char *reason, size_t rsz);
/* `early-offer forced` (media/session_eo.c).  media_offer_local(): our own
 * offer to leg `to` when the other leg sent none: our ports facing it, the
 * codecs of its dial-peer (voice-class codec, codec, else PCMU and PCMA) and
 * telephone-event, SDES per its srtp policy.  0; -EOPNOTSUPP (reason set)
 * when a leg is srtp pass-thru (no SDP of ours can be offered); or a status
 * (503: no port).  media_answer_local(): that leg's answer: sets it up and
 * writes our offer to the other leg (its ports, the codec chosen and
 * telephone-event when taken, SDES per its srtp policy); the other leg's
 * answer then goes to media_answer(), which starts the relay.  0 or a status. */
int media_offer_local(struct media_call *mc, int to, struct buf *out, char *reason, size_t rsz);
int media_answer_local(struct media_call *mc, int from, const char *body, size_t len, struct buf *out,
		       char *reason, size_t rsz);
/* Is an offer waiting for its answer, and from which leg (-1: none)? */
int media_pending_from(const struct media_call *mc);

/* For show commands. */
struct media_leg_info {
	bool active;                       /* a relay session carries this call */
	struct sockaddr_storage local, remote;
	bool srtp;
	char local_suite[40], remote_suite[40];  /* names; keys are never shown */
	char codec[24];
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t auth_fail, replay_fail, dropped;
	uint64_t lost;                     /* RTP lost on the way in (sequence gaps) */
};
void media_call_info(const struct media_call *mc, int leg, struct media_leg_info *out);

/* The relay transforms of an SRTP leg: unprotect with recv_key (the peer's
 * line), protect with send_key (ours), RTP and SRTCP.  0 or -errno. */
struct sdes_crypto;
struct relay_xform;
int media_srtp_xforms(const struct sdes_crypto *recv_key, const struct sdes_crypto *send_key,
		      struct relay_xform *xf /* [RELAY_XF_COUNT] */);

struct media_stats {
	unsigned sessions;
	unsigned ports_free, ports_total;
	uint64_t relay_cpu_ns;
};
void media_stats_get(struct media_stats *out);

/* `debug voip rtp` (relay sessions: addresses at start, counters at the end)
 * and `debug voip srtp {session | error}` (negotiated suites per leg; SRTP
 * refusals, context failures, auth/replay drops at the end of a call): lines
 * at severity 7 (%VOIP-7-...).  Keys are never logged.  Set by cli/cmd_show_media.c. */
struct media_debug_flags { bool rtp, srtp_session, srtp_error; };
extern struct media_debug_flags mediadbg;

#endif
