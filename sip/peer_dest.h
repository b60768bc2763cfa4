/* peer_dest.h - where requests to a dial-peer go: the effective session
 * target, the transport and the TLS client policy (layer 5).  Shared by the
 * B2BUA (outbound legs) and the OPTIONS keepalive, so both reach a peer the
 * same way.
 *
 * Rules: the target is the dial-peer's `session target`; `session target
 * sip-server` means the sip-server of the peer's tenant (`voice-class sip
 * tenant`) when it has one, else the one of sip-ua.  The transport is the
 * peer's `session transport`, else the tenant's, else `voice service voip` /
 * `sip` / `session transport`, else UDP.  The port is the target's, else 5061
 * for TLS and 5060 otherwise.  A dns: target is resolved by the caller
 * (dns_resolve_sip with sip_peer_dns_pref()); an answer's transport, when it
 * has one (SRV), replaces the configured transport.
 *
 * No I/O, no allocation; everything returned points into cfg or dp. */
#ifndef TOLLGATE_PEER_DEST_H
#define TOLLGATE_PEER_DEST_H

#include <stddef.h>
#include <sys/socket.h>

#include "core/config.h"
#include "core/dns.h"
#include "sip/transport.h"

struct tls_policy;

/* The TLS client policy for a connection to dp at dst; writes the SNI /
 * expected name into sni ("" for none).  Same type as b2bua_tls_for_fn. */
typedef struct tls_policy *(*sip_peer_tls_fn)(const struct cfg_dial_peer *dp,
					     const struct sockaddr_storage *dst, char *sni,
					     size_t snisz);

/* The effective target of dp (sip-server resolved to the tenant's or
 * sip-ua's); kind CFG_TARGET_NONE when there is none. */
const struct cfg_target *sip_peer_target(const struct cfg *cfg, const struct cfg_dial_peer *dp);

/* The transport to use for dp; force (CFG_TRANSPORT_UNSET = none) overrides
 * the configured one (a keepalive profile's `transport`). */
enum sip_proto sip_peer_proto(const struct cfg *cfg, const struct cfg_dial_peer *dp,
			      enum cfg_transport force);

/* The preferred transport to ask the resolver for, for proto. */
enum cfg_transport sip_peer_dns_pref(enum sip_proto proto);

/* Fill d for a request to dp.  resolved: the chosen answer for a dns:
 * target (NULL when not resolved yet); tls_for may be NULL.  Returns 0; 1
 * when the target is dns: and resolved is NULL (resolve it first); -EINVAL
 * with a reason in why when dp has no usable target. */
int sip_peer_dest(const struct cfg *cfg, const struct cfg_dial_peer *dp, enum cfg_transport force,
		  const struct dns_target *resolved, sip_peer_tls_fn tls_for, struct sip_dest *d,
		  char *why, size_t whysz);

#endif
