/* transport.h - SIP transports: UDP datagrams, TCP and TLS streams (layer 4).
 *
 * Listeners are opened from the configuration (sip_transport_apply); a
 * listener is re-opened only when its own address, port or protocol changed.
 * Stream connections are numbered (Conn-Id), reused per (remote address,
 * port, protocol, TLS policy), age out when idle, and answer RFC 5626 CRLF
 * keep-alives.  Every whole message received is handed to the receive
 * callback with where it came from; the layer above parses it.
 *
 * Ownership: the transport owns listeners and connections; a struct sip_src
 * passed to the callback is valid only during the call. */
#ifndef TOLLGATE_TRANSPORT_H
#define TOLLGATE_TRANSPORT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "core/buf.h"
#include "sip/tls_fail.h"

enum sip_proto { SIP_PROTO_UDP = 0, SIP_PROTO_TCP, SIP_PROTO_TLS, SIP_PROTO_COUNT };

struct tls_policy;

struct sip_src {            /* where a message came from (valid during the callback) */
	enum sip_proto proto;
	struct sockaddr_storage remote;
	struct sockaddr_storage local;
	uint32_t conn_id;          /* stream connection, 0 for UDP */
	int udp_fd;                /* listener that received a datagram */
	const char *tls_peer_name; /* TLS: peer name validated by CN/SAN, or NULL */
};

struct sip_dest {           /* where to send */
	enum sip_proto proto;
	struct sockaddr_storage addr;
	uint32_t conn_id;          /* reuse this connection when still open (responses) */
	int udp_fd;                /* send from this UDP socket (responses), -1 = any */
	struct tls_policy *tls;    /* TLS client policy (borrowed) */
	char tls_name[256];        /* SNI / expected peer name, "" = none */
	uint32_t dial_peer;        /* the dial-peer this goes to, 0 = none (for show) */
	bool tos_set;              /* mark with tos (its ip qos dscp ... signaling): per */
	uint8_t tos;               /*   datagram over UDP, on the connection opened for it */
};

/* Result of an asynchronous send (connect or handshake failure). */
typedef void (*sip_send_fail_fn)(void *arg, int err, const char *reason);
typedef void (*sip_rx_fn)(const char *data, size_t len, const struct sip_src *src);

struct sip_listen_spec {
	enum sip_proto proto;
	struct sockaddr_storage addr;
};

/* Counters of one transport (sip_transport_stats(proto)).  max_queue is
 * recorded only for connections that came up (a send queued while connecting
 * counts when the connection is established). */
struct sip_transport_stats {
	unsigned long send_failures, remote_closures, conn_failures, ageouts;
	unsigned long tls_client_hs_failures, tls_server_hs_failures;
	size_t max_queue;
	char max_queue_peer[64];
};

void sip_transport_init(sip_rx_fn rx);
void sip_transport_fini(void);
/* Open what is listed and not open yet, close what is open and not listed.
 * 0, or a negative errno with the reason (port in use) in err; on error the
 * listeners that were open stay open. */
int sip_transport_listen(const struct sip_listen_spec *specs, int n, char *err, size_t errsz);
/* Server-side TLS policy for new inbound TLS connections (borrowed, refcounted by caller). */
void sip_transport_set_tls_server(struct tls_policy *p);
/* Optional: choose the server policy by the client's address (crypto signaling
 * remote-addr); NULL from it means the default set above. */
typedef struct tls_policy *(*sip_tls_server_for_fn)(const struct sockaddr_storage *remote);
void sip_transport_set_tls_server_for(sip_tls_server_for_fn fn);
void sip_transport_set_timers(int aging_sec, int establish_sec, bool reuse_inbound);

/* Queue data for dst.  0 when sent or queued; a connect/handshake failure
 * later calls fail(arg, ...) (may be NULL). */
int sip_transport_send(const struct sip_dest *dst, const char *data, size_t len,
		       sip_send_fail_fn fail, void *arg);
/* Cancel pending failure callbacks registered with arg (its owner is going away). */
void sip_transport_forget(void *arg);

/* Local address a message to dst will come from (for Via/Contact). */
int sip_transport_local_for(const struct sip_dest *dst, struct sockaddr_storage *out);

/* Introspection for show commands. */
struct sip_conn_info {
	uint32_t id;
	enum sip_proto proto;
	bool outbound;
	const char *state;
	struct sockaddr_storage remote, local;
	size_t writeq;
	time_t created, last;
	unsigned long msgs_in, msgs_out;
	const void *tls; /* struct tls_conn *, or NULL */
	const char *tls_name; /* SNI / expected name for outbound TLS */
};
typedef void (*sip_conn_iter_fn)(void *arg, const struct sip_conn_info *ci);
void sip_transport_foreach_conn(sip_conn_iter_fn fn, void *arg);
struct sip_listen_info { uint32_t id; enum sip_proto proto; struct sockaddr_storage addr; };
typedef void (*sip_listen_iter_fn)(void *arg, const struct sip_listen_info *li);
void sip_transport_foreach_listener(sip_listen_iter_fn fn, void *arg);
/* The last 16 failed TLS handshakes, oldest first. */
struct sip_tls_failure {
	time_t when;
	uint32_t conn_id;
	bool outbound;
	struct sockaddr_storage local, remote;
	char reason[300];
	uint32_t dial_peer;              /* outbound: the dial-peer, 0 = none */
	struct tls_fail_detail detail;   /* what was known (sip/tls.h); fixed size */
};
/* detail may be NULL (no TLS session was made). */
void sip_tls_record_failure(uint32_t id, bool outbound, const struct sockaddr_storage *local,
			    const struct sockaddr_storage *remote, const char *reason, uint32_t dial_peer,
			    const struct tls_fail_detail *detail);
void sip_transport_foreach_tls_failure(void (*fn)(void *arg, const struct sip_tls_failure *f), void *arg);
/* The last 16 outbound connections of each stream transport that could not be
 * made (refused, timed out, unreachable, no TLS policy), oldest first;
 * counted in conn_failures.  TLS handshake failures have their own list. */
#define SIP_CONN_FAIL_KEEP 16
struct sip_conn_failure {
	time_t when;
	enum sip_proto proto;
	uint32_t dial_peer;        /* 0 = not known */
	struct sockaddr_storage remote;
	char reason[160];          /* "connection refused", "timed out (...)" */
};
void sip_transport_foreach_conn_failure(enum sip_proto p,
					void (*fn)(void *arg, const struct sip_conn_failure *f), void *arg);
/* The counters of transport p (UDP, TCP or TLS: each its own). */
const struct sip_transport_stats *sip_transport_stats(enum sip_proto p);
void sip_transport_clear_stats(void);   /* every transport's counters (not the failure lists) */
int sip_transport_close_conn(uint32_t id);  /* 0 or -ENOENT */
int sip_transport_close_target(const struct sockaddr_storage *remote, enum sip_proto proto);

/* "udp", "tcp", "tls"; "UDP"... */
const char *sip_proto_name(enum sip_proto p);
const char *sip_proto_upper(enum sip_proto p);
/* "192.0.2.1:5060" / "[2001:db8::1]:5061" */
const char *sip_addr_str(const struct sockaddr_storage *ss, char *buf, size_t n);
uint16_t sip_addr_port(const struct sockaddr_storage *ss);
/* The address alone, "192.0.2.1" / "2001:db8::1" (no brackets, no port). */
const char *sip_addr_host(const struct sockaddr_storage *ss, char *buf, size_t n);
bool sip_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
int sip_addr_parse(const char *host, uint16_t port, struct sockaddr_storage *out);

#endif
