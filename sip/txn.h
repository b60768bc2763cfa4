/* txn.h - SIP transactions (RFC 3261 section 17, with RFC 6026's Accepted state) (layer 5).
 *
 * Client transactions send a request, retransmit it on UDP (timers A and E),
 * give up after 64*T1 (B, F), absorb retransmitted finals (D, K) and ACK a
 * non-2xx final of an INVITE themselves.  Server transactions absorb
 * retransmitted requests by re-sending the last response, retransmit a final
 * on UDP until ACKed (G, H for non-2xx; the 2xx until the dialog's ACK), and
 * linger (I, J) before they go.  Everything else is for the transaction user
 * (the B2BUA), through callbacks.
 *
 * Ownership: the transaction layer owns every struct sip_txn and frees it when
 * it terminates; the TU holds a pointer only until sip_txn_detach() or until
 * it is told the transaction ended (final response delivered / timeout).
 */
#ifndef TOLLGATE_TXN_H
#define TOLLGATE_TXN_H

#include <stdbool.h>

#include "sip/msg.h"
#include "sip/transport.h"

#define SIP_T1_MS 500
#define SIP_T2_MS 4000
#define SIP_T4_MS 5000

struct sip_txn;

/* A response for a client transaction.  resp is borrowed for the call.  local
 * is true for a response made up here: 408 on timeout, 503 on a transport
 * failure (reason then says why). */
typedef void (*sip_txn_resp_fn)(void *arg, struct sip_txn *t, const struct sip_msg *resp,
				bool local);
/* A server INVITE transaction saw no ACK for its 2xx within 64*T1. */
typedef void (*sip_txn_noack_fn)(void *arg, struct sip_txn *t);

/* Send req (ownership taken) to dst in a new client transaction.  A top Via
 * with a fresh branch and rport is added here, from the local address of
 * dst.  0 and *out (may be NULL), or a negative errno (req freed). */
int sip_txn_client_new(struct sip_msg *req, const struct sip_dest *dst, sip_txn_resp_fn fn,
		       void *arg, struct sip_txn **out);
/* Send a CANCEL for a client INVITE transaction (same branch, RFC 3261 9.1);
 * its responses are absorbed.  0, -EALREADY once a final response came (too
 * late to cancel; the request is no longer kept), -errno. */
int sip_txn_client_cancel(struct sip_txn *invite);
/* The request a client transaction sent; NULL once a 2xx came (Timer M keeps
 * only the key). */
const struct sip_msg *sip_txn_request(const struct sip_txn *t);
const struct sip_dest *sip_txn_dest(const struct sip_txn *t);

/* Server side.  sip_txn_server_absorb(): a request or ACK that belongs to an
 * existing server transaction is handled here (retransmission answered,
 * ACK for a non-2xx absorbed): returns true, and the TU does nothing. */
bool sip_txn_server_absorb(const struct sip_msg *req, const struct sip_src *src);
/* A new server transaction for req (which it holds with sip_msg_ref: req must
 * not be changed afterwards).  0 and *out. */
int sip_txn_server_new(const struct sip_msg *req, const struct sip_src *src, struct sip_txn **out);
/* Send resp (ownership taken) for a server transaction, back along the Via
 * (received/rport, the same connection for streams).  A 2xx to an INVITE is
 * retransmitted on UDP until sip_txn_server_acked(); noack is called if that
 * never comes. */
int sip_txn_respond(struct sip_txn *t, struct sip_msg *resp);
void sip_txn_set_noack(struct sip_txn *t, sip_txn_noack_fn fn, void *arg);
void sip_txn_server_acked(struct sip_txn *t);
/* The INVITE server transaction a CANCEL refers to (same branch), or NULL. */
struct sip_txn *sip_txn_find_invite_server(const struct sip_msg *cancel);
const struct sip_msg *sip_txn_server_request(const struct sip_txn *t);
int sip_txn_last_status(const struct sip_txn *t);

/* The TU no longer wants callbacks for t (the transaction finishes alone). */
void sip_txn_detach(struct sip_txn *t);

/* Where a response to req received from src goes (RFC 3261 18.2.2, RFC 3581). */
void sip_txn_response_dest(const struct sip_msg *req, const struct sip_src *src, struct sip_dest *out);
/* Send a response outside any transaction (stateless: 400 to a malformed request). */
int sip_txn_send_stateless(struct sip_msg *resp, const struct sip_src *src);

/* A response for a client transaction arrived: handle it.  false when no
 * transaction matches (a stray response: the TU may look at it). */
bool sip_txn_client_match(const struct sip_msg *resp);
/* "127.0.0.1:5060": the address and port messages to dst come from, as text
 * for Via and Contact (a wildcard listener resolved to the route's source). */
int sip_local_hostport(const struct sip_dest *dst, char *out, size_t n);
/* The same as an address (port included). */
int sip_local_addr(const struct sip_dest *dst, struct sockaddr_storage *out);

unsigned sip_txn_count(void);
void sip_txn_fini(void);

#endif
