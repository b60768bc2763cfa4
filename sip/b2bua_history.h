/* b2bua_history.h - the record of ended calls for `show call history voice
 * brief` (layer 5): a ring of the last B2BUA_HISTORY_MAX calls, filled when a
 * call ends (call_end() in sip/b2bua.c), with each call's legs, times, media
 * counters and disconnect cause (SIP status and its Q.850 cause, RFC 3398).
 *
 * Who released a call and why is noted on the call just before it ends, by
 * the code that ends it (b2bua_history_release: a BYE from a leg, a final
 * failure response, a route refusal, media inactivity); a call ended without
 * a note was cancelled by the caller (CANCEL) or released by Tollgate (no ACK
 * for our 200, shutdown).  Single-threaded: the SIP event loop fills it and the CLI
 * (same thread) reads it. */
#ifndef TOLLGATE_B2BUA_HISTORY_H
#define TOLLGATE_B2BUA_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "media/session.h"
#include "sip/transport.h"

#define B2BUA_HISTORY_MAX 256

enum b2bua_releaser {
	B2BUA_REL_CALLER,     /* the A leg (the peer that called us) */
	B2BUA_REL_CALLEE,     /* the B leg (the dial-peer's target) */
	B2BUA_REL_TOLLGATE,   /* Tollgate itself (no route, timeout, media inactivity ...) */
};

struct b2bua_history_leg {
	bool present;                 /* the leg existed (a B leg may never be created) */
	char calling[64], called[64];
	uint32_t dial_peer;
	bool answer;                  /* the A leg (Answer), else Originate */
	enum sip_proto proto;
	struct sockaddr_storage remote;
	struct media_leg_info media;  /* the final media counters */
};

struct b2bua_history_rec {
	uint32_t id;                  /* the call's id (as in show call active voice) */
	time_t start, connect, end;   /* connect 0: never answered */
	struct b2bua_history_leg a, b;
	int sip_status;               /* final response for a failed call; 0 after a BYE */
	char sip_reason[64];
	int q850;                     /* Q.850 cause value (RFC 3398 mapping) */
	enum b2bua_releaser by;
	char why[96];                 /* "BYE", "CANCEL before answer", "no media for 30 s" ... */
};

/* Why a call is ending, noted on the call (struct call, sip/b2bua_int.h). */
struct b2bua_release {
	bool set;                     /* the first note counts */
	int sip_status;               /* 0 for a BYE, else the final response */
	int q850;                     /* the cause sent (Reason header); 0: from sip_status */
	char reason[64];
	enum b2bua_releaser by;
	char why[96];
};

struct call;
/* The call is ending (call_end, before its legs and media are freed): record it. */
void b2bua_history_add(const struct call *c);
/* Note why call c is about to end: sip_status 0 for a BYE, else the final
 * response; reason may be NULL; q850 the cause Tollgate sent with it, 0 for
 * none (then RFC 3398's for sip_status).  The first note for a call counts. */
void b2bua_history_release(struct call *c, int sip_status, const char *reason, int q850,
			   enum b2bua_releaser by, const char *why);

typedef void (*b2bua_history_fn)(void *arg, const struct b2bua_history_rec *r);
/* The recorded calls, oldest first. */
void b2bua_history_foreach(b2bua_history_fn fn, void *arg);
unsigned b2bua_history_count(void);

/* RFC 3398 section 8.2.6.1 (SIP status -> Q.850 cause; 0 = a BYE: 16), with
 * CUBE's 488 -> 88; and the cause's text ("normal call clearing"). */
int b2bua_history_q850(int sip_status);
const char *b2bua_history_q850_text(int cause);
const char *b2bua_history_releaser_name(enum b2bua_releaser by);

#endif
