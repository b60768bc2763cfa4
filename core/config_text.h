/* config_text.h - render the configuration model as canonical IOS text
 * (docs/config-canonical.md): `show running-config`, the saved startup-config
 * and the per-block renderers `show running-config SECTION` builds on (layer 2).
 *
 * Every function appends to `out` (the caller owns it) and returns 0 or
 * -ENOMEM.  Block renderers print the block without the leading "!" line and
 * print nothing for a block that is not configured. */
#ifndef TOLLGATE_CONFIG_TEXT_H
#define TOLLGATE_CONFIG_TEXT_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/config.h"

/* The whole configuration: "!\nhostname ...\n" ... "!\nend\n". */
int cfg_render_text(const struct cfg *c, struct buf *out);

/* One block each. */
int cfg_render_trustpoint(const struct cfg_trustpoint *tp, struct buf *out);
int cfg_render_voice_service(const struct cfg_voice_service *v, struct buf *out);
int cfg_render_codec_class(const struct cfg_codec_class *k, struct buf *out);
int cfg_render_uri_class(const struct cfg_uri_class *u, struct buf *out);
int cfg_render_tls_cipher(const struct cfg_tls_cipher *t, struct buf *out);
int cfg_render_tls_profile(const struct cfg_tls_profile *p, struct buf *out);
int cfg_render_srtp_crypto(const struct cfg_srtp_crypto *s, struct buf *out);
int cfg_render_tenant(const struct cfg_tenant *t, struct buf *out);
int cfg_render_keepalive(const struct cfg_keepalive *k, struct buf *out);
int cfg_render_sip_ua(const struct cfg_sip_ua *u, struct buf *out);
int cfg_render_dial_peer(const struct cfg_dial_peer *d, struct buf *out);

/* Whether `voice service voip` / `sip-ua` has anything to print. */
bool cfg_voice_service_shown(const struct cfg_voice_service *v);
bool cfg_sip_ua_shown(const struct cfg_sip_ua *u);

#endif
