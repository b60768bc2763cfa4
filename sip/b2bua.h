/* b2bua.h - the back-to-back user agent: every call is two dialogs (layer 5).
 *
 * A new INVITE goes: trust check -> inbound dial-peer -> outbound dial-peer
 * hunt -> a B-leg INVITE with its own Call-ID, tags, Via and Contact.
 * Responses, ACK, BYE, CANCEL and in-dialog requests (re-INVITE, UPDATE,
 * INFO, OPTIONS, NOTIFY) are mapped between the legs; nothing of one leg's
 * topology (Via, Contact, addresses) reaches the other.
 *
 * Ownership: the B2BUA owns its calls; the route table and configuration it
 * is given are referenced (route table) or borrowed (cfg, valid until the next
 * b2bua_set_runtime()). */
#ifndef TOLLGATE_B2BUA_H
#define TOLLGATE_B2BUA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "media/session.h"
#include "sip/msg.h"
#include "sip/transport.h"

struct route_table;
struct route_state;
struct tls_policy;

/* Resolves the TLS client policy for an outbound leg to a dial-peer (NULL: none). */
typedef struct tls_policy *(*b2bua_tls_for_fn)(const struct cfg_dial_peer *dp,
					      const struct sockaddr_storage *dst, char *sni,
					      size_t snisz);

void b2bua_init(void);
void b2bua_fini(void);
/* The transport's receive callback. */
void b2bua_rx(const char *data, size_t len, const struct sip_src *src);
/* After a commit: the new route table (referenced) and configuration. */
void b2bua_set_runtime(struct route_table *rt, struct route_state *rs, const struct cfg *cfg,
		       b2bua_tls_for_fn tls_for);

/* Counters for `show sip-ua statistics`. */
enum b2bua_drop {
	DROP_UNTRUSTED, DROP_MALFORMED, DROP_NO_TXN_RESPONSE, DROP_LOOP, DROP_COUNT
};
struct b2bua_stats {
	unsigned long req_in[16], req_out[16];   /* by enum sip_method (0 = other) */
	unsigned long resp_in[7], resp_out[7];   /* by class 1xx..6xx (index 1..6) */
	unsigned long resp_code_in[700], resp_code_out[700];
	unsigned long drops[DROP_COUNT];
	unsigned long untrusted_403;
	unsigned long calls_total, calls_failed;
};
const struct b2bua_stats *b2bua_stats(void);
/* A request Tollgate sent outside a call (an OPTIONS keepalive), for the counters. */
void b2bua_count_request_out(enum sip_method m);
void b2bua_clear_stats(void);
const char *b2bua_drop_name(enum b2bua_drop d);

/* Calls, for `show sip-ua calls` / `show call active voice brief`. */
struct b2bua_leg_info {
	const char *call_id;
	const char *local_tag, *remote_tag;
	const char *calling, *called;
	enum sip_proto proto;
	struct sockaddr_storage remote;
	uint32_t conn_id;
	uint32_t dial_peer;
	bool answer;        /* the leg that called us (UAS), else Originate */
	struct media_leg_info media; /* the relayed media of this leg */
};
struct b2bua_call_info {
	uint32_t id;
	const char *state;  /* "STATE_CALLING", "STATE_EARLY", "STATE_ACTIVE", "STATE_DISCONNECTING" */
	time_t start, connect;
	struct b2bua_leg_info a, b;
};
typedef void (*b2bua_call_iter_fn)(void *arg, const struct b2bua_call_info *ci);
void b2bua_foreach_call(b2bua_call_iter_fn fn, void *arg);
unsigned b2bua_call_count(void);

#endif
