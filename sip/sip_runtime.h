/* sip_runtime.h - compiles the configuration into the running SIP core (layer 6):
 * listeners, the dial-peer route table, TLS policies, timers, DNS servers.
 *
 * SIP listens only once `voice service voip` is configured (a core with an
 * empty configuration opens no SIP port).  Ownership: the runtime owns the
 * route table and the TLS policies it builds; calls and connections keep
 * references to the ones they started with. */
#ifndef TOLLGATE_SIP_RUNTIME_H
#define TOLLGATE_SIP_RUNTIME_H

#include <stddef.h>

#include "core/config.h"

struct route_table;
struct route_state;
struct tls_policy;

int sip_runtime_start(void);          /* after loop_init(); 0 or -errno */
void sip_runtime_stop(void);
/* Apply c.  0, or a negative errno with the reason in err: nothing changed
 * then (listeners that could not open, a TLS policy that cannot be built). */
int sip_runtime_apply(const struct cfg *c, char *err, size_t errsz);

/* Checks that refuse a configuration typed interactively (at boot they are
 * only reported): e.g. an IP-address session target whose TLS policy must
 * validate the server's name.  0, or -EINVAL with the reason in err.
 * editing: the dial-peer whose block is being typed (0: none).  Its block may
 * be half-way (a pasted `session target` before its `session transport`), so
 * a TLS it only inherits (tenant, voice service voip, keepalive profile) is
 * not refused but warned about: 1, with the warning in err; so is what was
 * already so in before (the configuration before this change; NULL: none),
 * so that one such dial-peer does not block every other change.  Its
 * connections fail closed until it is fixed. */
int sip_runtime_check(const struct cfg *c, const struct cfg *before, uint32_t editing, char *err, size_t errsz);

struct route_table *sip_runtime_routes(void);
struct route_state *sip_runtime_route_state(void);
/* The TLS policy used for inbound TLS, or NULL (no trustpoint configured). */
struct tls_policy *sip_runtime_tls_server(void);
const char *sip_runtime_tls_server_error(void);

#endif
