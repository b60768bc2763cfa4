/* cmd_dns.c - global configuration commands of the resolver (config):
 * `ip name-server A.B.C.D [PORT]`.  The port is a Tollgate extension, so a
 * test can point the resolver at a DNS server it runs on loopback.  Each
 * line adds one server (at most CFG_MAX_NAME_SERVERS, asked in order);
 * without any, core/dns uses /etc/resolv.conf. */
#include <arpa/inet.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

/* The index of addr among the configured servers, or -1. */
static int ns_find(const struct cfg *c, const char *addr)
{
	for (int i = 0; i < c->n_name_servers && i < CFG_MAX_NAME_SERVERS; i++)
		if (!strcmp(c->name_servers[i].addr, addr))
			return i;
	return -1;
}

CLI_CMD(ip_name_server, MODE_CONFIG, CLI_F_NO,
	"ip name-server A.B.C.D$addr [<1-65535>$port]",
	"Global IP configuration subcommands\n"
	"Specify address of name server to use\n"
	"Domain server IP address (maximum 4)\n"
	"Port of the name server, UDP and TCP (default 53)\n")
{
	struct cfg *c = vty->cfg;
	const char *addr = cli_get(a, "addr");
	uint16_t port = (uint16_t)cli_num(a, "port", 0); /* 53 is stored as 0 */
	char canon[INET_ADDRSTRLEN];
	struct in_addr in;
	int i;

	if (a->no && !cli_has(a, "name-server"))
		return cmdu_incomplete(vty);
	if (a->no && !addr) {                    /* `no ip name-server`: all of them */
		if (c->n_name_servers) {
			memset(c->name_servers, 0, sizeof(c->name_servers));
			c->n_name_servers = 0;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (!addr)
		return cmdu_incomplete(vty);
	if (inet_pton(AF_INET, addr, &in) != 1 || !inet_ntop(AF_INET, &in, canon, sizeof(canon)))
		return vty_err(vty, "%% Invalid name server address %s", addr);
	if (in.s_addr == htonl(INADDR_ANY) || in.s_addr == htonl(INADDR_BROADCAST) ||
	    (ntohl(in.s_addr) >> 28) == 14)
		return vty_err(vty, "%% %s cannot be a name server", canon);
	if (port == 53)
		port = 0;
	i = ns_find(c, canon);
	if (a->no) {                             /* the port, if typed, is not checked */
		if (i < 0)
			return CLI_OK;
		memmove(&c->name_servers[i], &c->name_servers[i + 1],
			sizeof(c->name_servers[0]) * (size_t)(c->n_name_servers - i - 1));
		c->n_name_servers--;
		memset(&c->name_servers[c->n_name_servers], 0, sizeof(c->name_servers[0]));
		cmdu_changed(vty);
		return CLI_OK;
	}
	if (i >= 0) {                            /* known: a new port keeps its place */
		if (c->name_servers[i].port != port) {
			c->name_servers[i].port = port;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (c->n_name_servers >= CFG_MAX_NAME_SERVERS)
		return vty_err(vty, "%% At most %d name servers can be configured",
			       CFG_MAX_NAME_SERVERS);
	i = c->n_name_servers++;
	CFG_SET(c->name_servers[i].addr, canon);
	c->name_servers[i].port = port;
	cmdu_changed(vty);
	return CLI_OK;
}
