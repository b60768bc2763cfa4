/* transport_int.h - state shared by the transport files (transport.c: UDP and
 * listeners; transport_stream.c: TCP/TLS connections).  Not for other layers. */
#ifndef TOLLGATE_TRANSPORT_INT_H
#define TOLLGATE_TRANSPORT_INT_H

#include "sip/transport.h"

#define SIP_MAX_DGRAM 65535
#define SIP_MAX_STREAM_BUF (256 * 1024)

struct sip_listener {       /* owned by T.listeners */
	struct sip_listener *next;
	uint32_t id;
	enum sip_proto proto;
	struct sockaddr_storage addr;
	int fd;
};

struct sip_conn;

struct sip_transport_state {
	sip_rx_fn rx;
	struct sip_listener *listeners;
	struct sip_conn *conns;
	uint32_t next_id;
	struct tls_policy *tls_server;   /* borrowed */
	sip_tls_server_for_fn tls_server_for;
	int aging_sec, establish_sec;
	bool reuse_inbound;
	struct sip_transport_stats stats[SIP_PROTO_COUNT];
};
extern struct sip_transport_state T;

/* An outbound connection to remote could not be made: count it under proto,
 * keep it for show (reason from err, a negative errno, unless why is given). */
void sip_conn_failed(enum sip_proto proto, const struct sockaddr_storage *remote, uint32_t dial_peer,
		     int err, const char *why);

/* Mark a SIP socket's packets with a TOS byte: SIP_DSCP_CS3_TOS, CUBE's
 * default for signalling (media is EF, media/relay_ports.c), on listeners,
 * whose accepted TCP connections inherit it; a dial-peer's ip qos dscp ...
 * signaling on the connections opened for it. */
#define SIP_DSCP_CS3_TOS 0x60
void sip_sock_set_tos(int fd, int family, int tos);

void sip_stream_init(void);
void sip_stream_fini(void);
void sip_stream_accept_cb(void *arg, uint32_t events);
int sip_stream_send(const struct sip_dest *dst, const char *data, size_t len,
		    sip_send_fail_fn fail, void *arg);

#endif
