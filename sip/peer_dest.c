/* peer_dest.c - a dial-peer's destination address and transport (see peer_dest.h). */
#include "sip/peer_dest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct cfg_tenant *peer_tenant(const struct cfg *cfg, const struct cfg_dial_peer *dp)
{
	return dp->vc_tenant[0] ? cfg_tenant_find(cfg, dp->vc_tenant) : NULL;
}

const struct cfg_target *sip_peer_target(const struct cfg *cfg, const struct cfg_dial_peer *dp)
{
	const struct cfg_target *tg = &dp->target;
	if (tg->kind == CFG_TARGET_SIP_SERVER) {
		const struct cfg_tenant *ten = peer_tenant(cfg, dp);
		tg = ten && ten->sip_server.kind ? &ten->sip_server : &cfg->sipua.sip_server;
	}
	return tg;
}

enum sip_proto sip_peer_proto(const struct cfg *cfg, const struct cfg_dial_peer *dp,
			      enum cfg_transport force)
{
	enum cfg_transport tr = force ? force : dp->session_transport;
	const struct cfg_tenant *ten = peer_tenant(cfg, dp);
	if (!tr && ten)
		tr = ten->session_transport;
	if (!tr)
		tr = cfg->voice.sip.session_transport;
	return tr == CFG_TRANSPORT_TLS ? SIP_PROTO_TLS : tr == CFG_TRANSPORT_TCP ? SIP_PROTO_TCP : SIP_PROTO_UDP;
}

enum cfg_transport sip_peer_dns_pref(enum sip_proto proto)
{
	return proto == SIP_PROTO_TLS ? CFG_TRANSPORT_TLS :
	       proto == SIP_PROTO_TCP ? CFG_TRANSPORT_TCP : CFG_TRANSPORT_UDP;
}

int sip_peer_dest(const struct cfg *cfg, const struct cfg_dial_peer *dp, enum cfg_transport force,
		  const struct dns_target *resolved, sip_peer_tls_fn tls_for, struct sip_dest *d,
		  char *why, size_t whysz)
{
	memset(d, 0, sizeof(*d));
	d->udp_fd = -1;
	d->dial_peer = dp->tag;
	d->tos_set = true;   /* ip qos dscp ... signaling, else CS3 */
	d->tos = (uint8_t)cfg_dp_signaling_tos(dp);
	d->proto = sip_peer_proto(cfg, dp, force);
	const struct cfg_target *tg = sip_peer_target(cfg, dp);
	uint16_t port = tg->port ? tg->port : (d->proto == SIP_PROTO_TLS ? 5061 : 5060);
	switch (tg->kind) {
	case CFG_TARGET_IPV4:
	case CFG_TARGET_IPV6:
		if (sip_addr_parse(tg->host, port, &d->addr)) {
			snprintf(why, whysz, "bad session target %s", tg->host);
			return -EINVAL;
		}
		break;
	case CFG_TARGET_DNS:
		if (!resolved)
			return 1; /* resolve first */
		d->addr = resolved->addr;
		if (resolved->transport == CFG_TRANSPORT_TLS)
			d->proto = SIP_PROTO_TLS;
		else if (resolved->transport == CFG_TRANSPORT_TCP)
			d->proto = SIP_PROTO_TCP;
		else if (resolved->transport == CFG_TRANSPORT_UDP)
			d->proto = SIP_PROTO_UDP;
		break;
	default:
		snprintf(why, whysz, "dial-peer %u has no usable session target", (unsigned)dp->tag);
		return -EINVAL;
	}
	if (d->proto == SIP_PROTO_TLS && tls_for)
		d->tls = tls_for(dp, &d->addr, d->tls_name, sizeof(d->tls_name));
	return 0;
}
