/* config_text.c - render the configuration model as the canonical IOS text of
 * docs/config-canonical.md: only configured lines, in the documented order,
 * one space of indentation per mode level (layer 2). */
#include "core/config_text.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

/* Sticky-error printing: every function keeps `rc` and stops appending after
 * the first failure. */
#define P(...) do { if (!rc) rc = buf_printf(out, __VA_ARGS__); } while (0)

int cfg_render_trustpoint(const struct cfg_trustpoint *tp, struct buf *out)
{
	int rc = 0;
	P("crypto pki trustpoint %s\n", tp->name);
	switch (tp->enrollment) {
	case CFG_ENROLL_TERMINAL: P(" enrollment terminal\n"); break;
	case CFG_ENROLL_TERMINAL_PEM: P(" enrollment terminal pem\n"); break;
	case CFG_ENROLL_SELFSIGNED: P(" enrollment selfsigned\n"); break;
	case CFG_ENROLL_NONE: break;
	}
	if (tp->subject_name[0])
		P(" subject-name %s\n", tp->subject_name);
	if (tp->subject_alt_name[0])
		P(" subject-alt-name %s\n", tp->subject_alt_name);
	if (tp->revocation[0] != CFG_REVOC_NONE_SET) {
		P(" revocation-check");
		for (int i = 0; i < 3 && tp->revocation[i] != CFG_REVOC_NONE_SET; i++)
			P(" %s", tp->revocation[i] == CFG_REVOC_CRL ? "crl" : "none");
		P("\n");
	}
	if (tp->rsakeypair[0]) {
		if (tp->rsa_bits)
			P(" rsakeypair %s %u\n", tp->rsakeypair, (unsigned)tp->rsa_bits);
		else
			P(" rsakeypair %s\n", tp->rsakeypair);
	}
	if (tp->eckeypair[0])
		P(" eckeypair %s\n", tp->eckeypair);
	if (tp->chain_validation)
		P(" chain-validation\n");
	if (tp->cert_file[0])
		P(" certificate file %s\n", tp->cert_file);
	if (tp->key_file[0])
		P(" private-key file %s\n", tp->key_file);
	if (tp->ca_file[0])
		P(" ca-certificate file %s\n", tp->ca_file);
	if (tp->crl_file[0])
		P(" crl file %s\n", tp->crl_file);
	return rc;
}

static const char *url_str(enum cfg_url u)
{
	return u == CFG_URL_SIP ? "sip" : u == CFG_URL_SIPS ? "sips" : "";
}

static bool voice_sip_shown(const struct cfg_voice_service *v)
{
	const struct cfg_voice_sip *s = &v->sip;
	return v->sip_present || s->session_transport || s->url || s->srtp_crypto[0] ||
	       s->listen_nonsecure || s->listen_secure || s->bind_control_if[0] ||
	       s->bind_control_addr[0] || s->bind_media_if[0] || s->bind_media_addr[0] ||
	       s->early_offer_forced || s->no_silent_discard;
}

bool cfg_voice_service_shown(const struct cfg_voice_service *v)
{
	return v->present || v->trusted_list_present || v->trusted.n || v->allow_sip_to_sip ||
	       v->srtp || v->rtp_port_lo || v->rtp_port_hi || v->media_inactivity_sec || voice_sip_shown(v);
}

int cfg_render_voice_service(const struct cfg_voice_service *v, struct buf *out)
{
	int rc = 0;
	char pb[CFG_ADDR_LEN + 32];
	if (!cfg_voice_service_shown(v))
		return 0;
	P("voice service voip\n");
	if (v->trusted_list_present || v->trusted.n) {
		P(" ip address trusted list\n");
		for (size_t i = 0; i < v->trusted.n; i++) {
			const struct cfg_prefix *p = &v->trusted.v[i];
			P("  %s %s\n", p->family == AF_INET6 ? "ipv6" : "ipv4",
			  cfg_prefix_str(p, pb, sizeof(pb)));
		}
	}
	if (v->allow_sip_to_sip)
		P(" %sallow-connections sip to sip\n", v->allow_sip_to_sip == CFG_ALLOW_OFF ? "no " : "");
	if (v->srtp)
		P(" %s\n", cfg_srtp_str(v->srtp));
	if (v->rtp_port_lo || v->rtp_port_hi)
		P(" rtp-port range %u %u\n", (unsigned)v->rtp_port_lo, (unsigned)v->rtp_port_hi);
	if (v->media_inactivity_sec)
		P(" media-inactivity-timer %u\n", (unsigned)v->media_inactivity_sec);
	if (voice_sip_shown(v)) {
		const struct cfg_voice_sip *s = &v->sip;
		P(" sip\n");
		if (s->session_transport)
			P("  session transport %s\n", cfg_transport_str(s->session_transport));
		if (s->url)
			P("  url %s\n", url_str(s->url));
		if (s->srtp_crypto[0])
			P("  srtp-crypto %s\n", s->srtp_crypto);
		if (s->listen_nonsecure || s->listen_secure) {
			P("  listen-port");
			if (s->listen_nonsecure)
				P(" non-secure %u", (unsigned)s->listen_nonsecure);
			if (s->listen_secure)
				P(" secure %u", (unsigned)s->listen_secure);
			P("\n");
		}
		if (s->bind_control_if[0])
			P("  bind control source-interface %s\n", s->bind_control_if);
		if (s->bind_control_addr[0])
			P("  bind control source-address %s\n", s->bind_control_addr);
		if (s->bind_media_if[0])
			P("  bind media source-interface %s\n", s->bind_media_if);
		if (s->bind_media_addr[0])
			P("  bind media source-address %s\n", s->bind_media_addr);
		if (s->early_offer_forced)
			P("  early-offer forced\n");
		if (s->no_silent_discard)
			P("  no silent-discard untrusted\n");
	}
	return rc;
}

int cfg_render_codec_class(const struct cfg_codec_class *k, struct buf *out)
{
	int rc = 0;
	P("voice class codec %s\n", k->tag);
	for (size_t i = 0; i < k->e.n; i++) {
		const struct cfg_codec_entry *e = &k->e.v[i];
		if (e->codec <= CFG_CODEC_NONE || e->codec >= CFG_CODEC_COUNT)
			continue;
		if (e->bytes)
			P(" codec preference %u %s bytes %u\n", (unsigned)e->pref, cfg_codec_names[e->codec],
			  (unsigned)e->bytes);
		else
			P(" codec preference %u %s\n", (unsigned)e->pref, cfg_codec_names[e->codec]);
	}
	return rc;
}

int cfg_render_uri_class(const struct cfg_uri_class *u, struct buf *out)
{
	int rc = 0;
	char tb[CFG_TARGET_LEN + 32];
	P("voice class uri %s sip\n", u->tag);
	for (size_t i = 0; i < u->hosts.n; i++)
		P(" host %s\n", cfg_target_str(&u->hosts.v[i], tb, sizeof(tb)));
	if (u->host_regex[0])
		P(" host %s\n", u->host_regex);
	if (u->user_id[0])
		P(" user-id %s\n", u->user_id);
	if (u->pattern[0])
		P(" pattern %s\n", u->pattern);
	if (u->tgrp[0]) {
		if (u->trunk_context[0])
			P(" tgrp %s trunk-context %s\n", u->tgrp, u->trunk_context);
		else
			P(" tgrp %s\n", u->tgrp);
	}
	return rc;
}

int cfg_render_tls_cipher(const struct cfg_tls_cipher *t, struct buf *out)
{
	int rc = 0;
	P("voice class tls-cipher %s\n", t->tag);
	for (size_t i = 0; i < t->e.n; i++)
		if (t->e.v[i].cipher > CFG_CIPHER_NONE && t->e.v[i].cipher < CFG_CIPHER_COUNT)
			P(" cipher %u %s\n", (unsigned)t->e.v[i].pri,
			  cfg_cipher_table[t->e.v[i].cipher].name);
	return rc;
}

static const char *cnsan_str(enum cfg_cn_san_validate v)
{
	switch (v) {
	case CFG_CNSAN_SERVER: return "server";
	case CFG_CNSAN_CLIENT: return "client";
	case CFG_CNSAN_BIDIR: return "bidirectional";
	case CFG_CNSAN_NONE: break;
	}
	return "";
}

int cfg_render_tls_profile(const struct cfg_tls_profile *p, struct buf *out)
{
	int rc = 0;
	P("voice class tls-profile %s\n", p->tag);
	if (p->description[0])
		P(" description %s\n", p->description);
	if (p->trustpoint[0])
		P(" trustpoint %s\n", p->trustpoint);
	if (p->cipher[0])
		P(" cipher %s\n", p->cipher);
	if (p->cn_san_validate)
		P(" cn-san validate %s\n", cnsan_str(p->cn_san_validate));
	for (size_t i = 0; i < p->cn_san.n; i++)
		P(" cn-san %u %s\n", (unsigned)p->cn_san.v[i].idx, p->cn_san.v[i].name);
	if (p->client_vtp[0])
		P(" client-vtp %s\n", p->client_vtp);
	if (p->sni_send)
		P(" sni send\n");
	if (p->curves[0] > CFG_CURVE_NONE && p->curves[0] < CFG_CURVE_COUNT) {
		P(" ecdh-curve");
		for (int i = 0; i < CFG_CURVE_COUNT && p->curves[i] > CFG_CURVE_NONE &&
				p->curves[i] < CFG_CURVE_COUNT; i++)
			P(" %s", cfg_curve_names[p->curves[i]]);
		P("\n");
	}
	return rc;
}

int cfg_render_srtp_crypto(const struct cfg_srtp_crypto *s, struct buf *out)
{
	int rc = 0;
	P("voice class srtp-crypto %s\n", s->tag);
	for (size_t i = 0; i < s->e.n; i++)
		if (s->e.v[i].suite > CFG_SUITE_NONE && s->e.v[i].suite < CFG_SUITE_COUNT)
			P(" crypto %u %s\n", (unsigned)s->e.v[i].pri,
			  cfg_suite_names[s->e.v[i].suite]);
	return rc;
}

int cfg_render_tenant(const struct cfg_tenant *t, struct buf *out)
{
	int rc = 0;
	char tb[CFG_TARGET_LEN + 32];
	P("voice class tenant %s\n", t->tag);
	if (t->sip_server.kind)
		P(" sip-server %s\n", cfg_target_str(&t->sip_server, tb, sizeof(tb)));
	if (t->session_transport)
		P(" session transport %s\n", cfg_transport_str(t->session_transport));
	if (t->url)
		P(" url %s\n", url_str(t->url));
	if (t->tls_profile[0])
		P(" tls-profile %s\n", t->tls_profile);
	if (t->srtp_crypto[0])
		P(" srtp-crypto %s\n", t->srtp_crypto);
	if (t->listen_secure)
		P(" listen-port secure %u\n", (unsigned)t->listen_secure);
	return rc;
}

int cfg_render_keepalive(const struct cfg_keepalive *k, struct buf *out)
{
	int rc = 0;
	P("voice class sip-options-keepalive %s\n", k->tag);
	if (k->description[0])
		P(" description %s\n", k->description);
	if (k->up_interval)
		P(" up-interval %u\n", (unsigned)k->up_interval);
	if (k->down_interval)
		P(" down-interval %u\n", (unsigned)k->down_interval);
	if (k->retry)
		P(" retry %u\n", (unsigned)k->retry);
	if (k->transport)
		P(" transport %s\n", cfg_transport_str(k->transport));
	return rc;
}

bool cfg_sip_ua_shown(const struct cfg_sip_ua *u)
{
	return u->present || u->no_udp || u->no_tcp || u->no_tls ||
	       (u->tls_version_set && u->tls_version != CFG_TLSV_ANY) ||
	       u->def_tp.trustpoint[0] || u->def_tls_profile[0] || u->remote.n ||
	       u->aging_tls_min || u->establish_tls_sec || u->connection_reuse ||
	       u->sip_server.kind;
}

/* " trustpoint TP [cn-san-validate server] [client-vtp TP]" or " tls-profile TAG" */
static int render_sig(const struct cfg_crypto_sig *s, struct buf *out)
{
	int rc = 0;
	if (s->trustpoint[0]) {
		P(" trustpoint %s", s->trustpoint);
		if (s->cn_san_validate_server)
			P(" cn-san-validate server");
		if (s->client_vtp[0])
			P(" client-vtp %s", s->client_vtp);
	} else if (s->tls_profile[0]) {
		P(" tls-profile %s", s->tls_profile);
	}
	return rc;
}

int cfg_render_sip_ua(const struct cfg_sip_ua *u, struct buf *out)
{
	int rc = 0;
	char pb[CFG_ADDR_LEN + 32], tb[CFG_TARGET_LEN + 32];
	if (!cfg_sip_ua_shown(u))
		return 0;
	P("sip-ua\n");
	if (u->no_udp)
		P(" no transport udp\n");
	if (u->no_tcp)
		P(" no transport tcp\n");
	if (u->no_tls)
		P(" no transport tcp tls\n");
	if (u->tls_version_set) {
		switch (u->tls_version) {
		case CFG_TLSV_12: P(" transport tcp tls v1.2\n"); break;
		case CFG_TLSV_12_MIN: P(" transport tcp tls v1.2 minimum\n"); break;
		case CFG_TLSV_13: P(" transport tcp tls v1.3\n"); break;
		case CFG_TLSV_ANY: break;
		}
	}
	if (u->def_tp.trustpoint[0]) {
		P(" crypto signaling default");
		if (!rc)
			rc = render_sig(&u->def_tp, out);
		P("\n");
	}
	if (u->def_tls_profile[0])
		P(" crypto signaling default tls-profile %s\n", u->def_tls_profile);
	for (size_t i = 0; i < u->remote.n; i++) {
		P(" crypto signaling remote-addr %s",
		  cfg_prefix_str(&u->remote.v[i].prefix, pb, sizeof(pb)));
		if (!rc)
			rc = render_sig(&u->remote.v[i].sig, out);
		P("\n");
	}
	if (u->aging_tls_min)
		P(" timers connection aging tls %u\n", (unsigned)u->aging_tls_min);
	if (u->establish_tls_sec)
		P(" timers connection establish tls %u\n", (unsigned)u->establish_tls_sec);
	if (u->connection_reuse)
		P(" connection-reuse\n");
	if (u->sip_server.kind)
		P(" sip-server %s\n", cfg_target_str(&u->sip_server, tb, sizeof(tb)));
	return rc;
}

int cfg_render_dial_peer(const struct cfg_dial_peer *d, struct buf *out)
{
	static const char *const where[CFG_URI_WHERE_COUNT] = { "via", "request", "to", "from" };
	int rc = 0;
	char tb[CFG_TARGET_LEN + 32];
	P("dial-peer voice %u voip\n", (unsigned)d->tag);
	if (d->description[0])
		P(" description %s\n", d->description);
	if (d->dest_pattern[0])
		P(" destination-pattern %s\n", d->dest_pattern);
	if (d->incoming_called[0])
		P(" incoming called-number %s\n", d->incoming_called);
	for (int i = 0; i < CFG_URI_WHERE_COUNT; i++)
		if (d->incoming_uri[i][0])
			P(" incoming uri %s %s\n", where[i], d->incoming_uri[i]);
	if (d->session_sipv2)
		P(" session protocol sipv2\n");
	if (d->target.kind)
		P(" session target %s\n", cfg_target_str(&d->target, tb, sizeof(tb)));
	if (d->session_transport)
		P(" session transport %s\n", cfg_transport_str(d->session_transport));
	if (d->vc_tenant[0])
		P(" voice-class sip tenant %s\n", d->vc_tenant);
	if (d->vc_srtp_crypto[0])
		P(" voice-class sip srtp-crypto %s\n", d->vc_srtp_crypto);
	if (d->vc_tls_profile[0])
		P(" voice-class sip tls-profile %s\n", d->vc_tls_profile);
	if (d->early_offer)
		P(" voice-class sip early-offer forced%s\n", d->early_offer == CFG_EO_SYSTEM ? " system" : "");
	if (d->keepalive) {
		if (d->keepalive_profile[0])
			P(" voice-class sip options-keepalive profile %s\n", d->keepalive_profile);
		else
			P(" voice-class sip options-keepalive\n");
	}
	if (d->tgrp[0]) {
		if (d->trunk_context[0])
			P(" voice-class sip tgrp %s trunk-context %s\n", d->tgrp, d->trunk_context);
		else
			P(" voice-class sip tgrp %s\n", d->tgrp);
	}
	if (d->vc_codec[0])
		P(" voice-class codec %s\n", d->vc_codec);
	if (d->codec > CFG_CODEC_NONE && d->codec < CFG_CODEC_COUNT) {
		if (d->codec_bytes)
			P(" codec %s bytes %u\n", cfg_codec_names[d->codec], (unsigned)d->codec_bytes);
		else
			P(" codec %s\n", cfg_codec_names[d->codec]);
	}
	if (d->dscp_media && d->dscp_media - 1 != CFG_DSCP_EF)
		P(" ip qos dscp %s media\n", cfg_dscp_name(d->dscp_media - 1u));
	if (d->dscp_signaling && d->dscp_signaling - 1 != CFG_DSCP_CS3)
		P(" ip qos dscp %s signaling\n", cfg_dscp_name(d->dscp_signaling - 1u));
	if (d->no_vad)
		P(" no vad\n");
	if (d->dtmf_rtp_nte)
		P(" dtmf-relay rtp-nte\n");
	if (d->srtp)
		P(" %s\n", cfg_srtp_str(d->srtp));
	if (d->preference >= 0)
		P(" preference %d\n", (int)d->preference);
	if (d->huntstop)
		P(" huntstop\n");
	if (d->shutdown)
		P(" shutdown\n");
	return rc;
}

/* "!" then the block, for each element of a collection. */
#define BLOCKS(vec, fn)                                        \
	for (size_t i_ = 0; !rc && i_ < (vec).n; i_++) {       \
		P("!\n");                                      \
		if (!rc)                                       \
			rc = fn(&(vec).v[i_], out);            \
	}

int cfg_render_text(const struct cfg *c, struct buf *out)
{
	int rc = 0;
	P("!\nhostname %s\n", c->hostname);
	if (c->logging_buffered)
		P("!\nlogging buffered %u\n", (unsigned)c->logging_buffered);
	for (int i = 0; i < c->n_name_servers && i < CFG_MAX_NAME_SERVERS; i++) {
		const struct cfg_name_server *ns = &c->name_servers[i];
		if (!i)
			P("!\n");
		if (ns->port)
			P("ip name-server %s %u\n", ns->addr, (unsigned)ns->port);
		else
			P("ip name-server %s\n", ns->addr);
	}
	BLOCKS(c->trustpoints, cfg_render_trustpoint);
	if (cfg_voice_service_shown(&c->voice)) {
		P("!\n");
		if (!rc)
			rc = cfg_render_voice_service(&c->voice, out);
	}
	BLOCKS(c->codecs, cfg_render_codec_class);
	BLOCKS(c->uris, cfg_render_uri_class);
	BLOCKS(c->tls_ciphers, cfg_render_tls_cipher);
	BLOCKS(c->tls_profiles, cfg_render_tls_profile);
	BLOCKS(c->srtp_cryptos, cfg_render_srtp_crypto);
	BLOCKS(c->tenants, cfg_render_tenant);
	BLOCKS(c->keepalives, cfg_render_keepalive);
	if (cfg_sip_ua_shown(&c->sipua)) {
		P("!\n");
		if (!rc)
			rc = cfg_render_sip_ua(&c->sipua, out);
	}
	BLOCKS(c->dial_peers, cfg_render_dial_peer);
	P("!\nend\n");
	return rc;
}
