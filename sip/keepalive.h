/* keepalive.h - SIP OPTIONS keepalive per dial-peer (layer 5; cube-cli.md 4.8).
 *
 * Every dial-peer with `voice-class sip options-keepalive [profile TAG]`, a
 * usable session target, not shut down, while `voice service voip` is
 * configured, is probed with an out-of-dialog OPTIONS (new Call-ID, From/To
 * with the target, Max-Forwards 70) sent through a client transaction to the
 * address the B2BUA would use for a call (sip/peer_dest.h); the profile's
 * `transport` overrides the peer's transport for the probes.  Parameters come
 * from the profile (`voice class sip-options-keepalive TAG`), or the defaults
 * when there is none: up-interval 60 s, down-interval 30 s, retry 5.
 *
 * Semantics (Tollgate's reading of CUBE):
 *   - an OPTIONS is sent every up-interval while the peer is active, every
 *     down-interval while it is busied out; the first one soon after the
 *     peer is configured (within a second);
 *   - a probe fails when no final response came by the time the next one is
 *     due (or after the transaction's 64*T1 timeout), on a transport failure
 *     (connection refused, TLS handshake failure, DNS failure), or when the
 *     peer answers 408 or 503;  any other final response (2xx-6xx: 200, 404,
 *     405, 481, 486 ...) proves the peer is alive and counts as success;
 *   - after `retry` consecutive failures the peer is busied out
 *     (route_state_set_busy: outbound hunting skips it and its address leaves
 *     the trusted list; responses to our OPTIONS are still accepted), logged
 *     as %SIP-5-DIALPEER_BUSYOUT; the first success brings it back
 *     (%SIP-5-DIALPEER_ACTIVE);
 *   - a commit keeps the probe of every peer whose target, transport and
 *     parameters did not change; new intervals re-arm the peer's timer and
 *     keep its state; a new target or transport starts it afresh (active);
 *     a peer that loses its keepalive, is shut down or removed stops being
 *     probed and is back in service.
 *
 * Everything runs on the main loop thread. */
#ifndef TOLLGATE_KEEPALIVE_H
#define TOLLGATE_KEEPALIVE_H

#include <stdint.h>

#include "core/config.h"
#include "sip/peer_dest.h"

struct route_state;

#define KEEPALIVE_UP_DEFAULT 60    /* seconds */
#define KEEPALIVE_DOWN_DEFAULT 30  /* seconds */
#define KEEPALIVE_RETRY_DEFAULT 5

enum keepalive_state {
	KEEPALIVE_NONE = 0,      /* the peer is not probed */
	KEEPALIVE_ACTIVE,        /* answering (or not failed yet) */
	KEEPALIVE_BUSYOUT,       /* busied out: no answer */
};

struct keepalive_info {
	enum keepalive_state state;
	unsigned up_interval, down_interval, retry;
	unsigned failures;       /* consecutive failed probes */
	unsigned long sent, answered; /* OPTIONS sent, probes that succeeded */
	char last[128];          /* last result: "200 OK", "no response within 5 s", ... ("" none yet) */
	char target[CFG_TARGET_LEN + 32]; /* "ipv4:192.0.2.1:5060" (sip-server resolved) */
};

/* Start, re-arm or stop the probes after a commit.  c is borrowed until the
 * next call (as by the B2BUA); rs receives the busy flags; tls_for may be
 * NULL.  c == NULL stops everything. */
void keepalive_apply(const struct cfg *c, struct route_state *rs, sip_peer_tls_fn tls_for);
/* Stop every probe (pending transactions and DNS queries are abandoned). */
void keepalive_stop_all(void);
/* The state of dial-peer tag: 0, or -ENOENT when it is not probed. */
int keepalive_get(uint32_t tag, struct keepalive_info *out);
/* KEEPALIVE_NONE when tag is not probed. */
enum keepalive_state keepalive_state(uint32_t tag);
const char *keepalive_state_str(enum keepalive_state s); /* "", "active", "busyout" */
/* The KEEPALIVE column of `show dial-peer voice summary` for a dial-peer that
 * has `voice-class sip options-keepalive`: "active", "busyout", or "idle"
 * when it is not probed (no session target, shut down, no voice service voip). */
const char *keepalive_summary_str(enum keepalive_state s);

#endif
