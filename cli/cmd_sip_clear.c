/* cmd_sip_clear.c - EXEC `clear sip-ua tcp tls connection {id N | target
 * ipv4:A.B.C.D[:PORT]}` and the same for `tcp` (layer 7).
 *
 * The connection is closed at once (sip_transport_close_conn); calls that
 * used it continue on a new connection when they next send.  A target
 * without a port closes every connection of that transport to the address;
 * with a port, only the connection to that address and port.  UDP has no
 * connections in Tollgate, so there is no `clear sip-ua udp connection`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"
#include "sip/transport.h"

#define MAX_CLEAR 1024

struct pick {
	enum sip_proto proto;
	uint32_t id;                     /* by id: the one wanted */
	const struct sockaddr_storage *addr; /* by target */
	bool any_port;
	uint32_t ids[MAX_CLEAR];
	struct sockaddr_storage remote[MAX_CLEAR];
	size_t n;
	bool other_proto;                /* by id: exists, but another transport */
};

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static void pick_conn(void *arg, const struct sip_conn_info *ci)
{
	struct pick *p = arg;
	bool match;
	if (p->addr)
		match = ci->proto == p->proto && same_host(&ci->remote, p->addr) &&
			(p->any_port || sip_addr_port(&ci->remote) == sip_addr_port(p->addr));
	else if (ci->id == p->id && ci->proto != p->proto) {
		p->other_proto = true;
		return;
	} else
		match = ci->id == p->id;
	if (match && p->n < MAX_CLEAR) {
		p->ids[p->n] = ci->id;
		p->remote[p->n++] = ci->remote;
	}
}

static const char *proto_label(enum sip_proto p)
{
	return p == SIP_PROTO_TLS ? "TLS" : "TCP";
}

static int clear_conn(struct vty *vty, const struct cli_args *a, enum sip_proto proto)
{
	struct pick *p = calloc(1, sizeof(*p));
	struct sockaddr_storage addr;
	char txt[80], host[CFG_TARGET_LEN] = "";
	int rc = CLI_OK;

	if (!p)
		return vty_err(vty, "%% Out of memory");
	p->proto = proto;
	if (cli_get(a, "v4")) {
		struct cfg_target t;
		if (cmdu_target(vty, a, CMDU_T_IPV4, &t) != CLI_OK) {
			free(p);
			return CLI_ERR;
		}
		if (sip_addr_parse(t.host, t.port, &addr)) {
			free(p);
			return vty_err(vty, "%% Invalid address %s", t.host);
		}
		p->addr = &addr;
		p->any_port = t.port == 0;
		snprintf(host, sizeof(host), "%s", t.host);
	} else {
		p->id = (uint32_t)cli_num(a, "connid", 0);
	}
	sip_transport_foreach_conn(pick_conn, p);
	if (!p->n) {
		if (p->other_proto)
			rc = vty_err(vty, "%% Connection %u is not a %s connection", (unsigned)p->id,
				     proto_label(proto));
		else if (p->addr && p->any_port)
			rc = vty_err(vty, "%% No %s connection to %s", proto_label(proto), host);
		else if (p->addr)
			rc = vty_err(vty, "%% No %s connection to %s", proto_label(proto),
				     sip_addr_str(&addr, txt, sizeof(txt)));
		else
			rc = vty_err(vty, "%% No %s connection with Conn-Id %u", proto_label(proto),
				     (unsigned)p->id);
		free(p);
		return rc;
	}
	for (size_t i = 0; i < p->n; i++)
		if (!sip_transport_close_conn(p->ids[i]))
			vty_out(vty, "Closed %s connection %u to %s\n", proto_label(proto),
				(unsigned)p->ids[i], sip_addr_str(&p->remote[i], txt, sizeof(txt)));
	free(p);
	return rc;
}

#define H_CLEAR_CONN                                                                         \
	"Connection ID for the connection that needs to be closed in the sip tcp/udp process\n" \
	"Connection ID\n"                                                                    \
	"Target address for the connection that needs to be closed in the transport layer\n"  \
	"Remote address as ipv4:A.B.C.D[:PORT] (without a port: every connection to it)\n"

CLI_CMD(clear_sipua_tls_conn, MODE_EXEC, 0,
	"clear sip-ua tcp tls connection {id <1-16380>$connid|target ipv4:TARGET$v4}",
	"Reset functions\n"
	"SIP User Agent\n"
	"Clear TCP connection\n"
	"Clear TLS connection\n"
	"Clear a connection\n"
	H_CLEAR_CONN)
{
	return clear_conn(vty, a, SIP_PROTO_TLS);
}

CLI_CMD(clear_sipua_tcp_conn, MODE_EXEC, 0,
	"clear sip-ua tcp connection {id <1-16380>$connid|target ipv4:TARGET$v4}",
	"Reset functions\n"
	"SIP User Agent\n"
	"Clear TCP connection\n"
	"Clear a connection\n"
	H_CLEAR_CONN)
{
	return clear_conn(vty, a, SIP_PROTO_TCP);
}
