/* sip_runtime.c - configuration -> listeners, route table, TLS policies (see sip_runtime.h). */
#include "sip/sip_runtime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/dns.h"
#include "core/log.h"
#include "core/timer.h"
#include "media/session.h"
#include "sip/b2bua.h"
#include "sip/keepalive.h"
#include "sip/route.h"
#include "sip/srcaddr.h"
#include "sip/tls.h"
#include "sip/transport.h"
#include "sip/txn.h"

#define MAX_POLICIES 64

struct pol_entry {          /* a compiled policy; owned by R */
	char key[96];
	uint64_t fp;            /* fingerprint of everything it was built from */
	uint64_t checked_ms;    /* when fp was last compared (tmr_now_ms), 0 = at the next use */
	struct tls_policy *p;   /* one reference */
	char err[256];
};

static struct {
	bool started;
	const struct cfg *cfg;
	struct route_table *rt;
	struct route_state *rs;
	struct tls_policy *server;
	char server_err[256];
	char server_err_said[256];      /* the reason last logged */
	struct pol_entry pol[MAX_POLICIES];
	int npol;
} R;

struct route_table *sip_runtime_routes(void) { return R.rt; }
struct route_state *sip_runtime_route_state(void) { return R.rs; }
struct tls_policy *sip_runtime_tls_server(void) { return R.server; }
const char *sip_runtime_tls_server_error(void) { return R.server_err; }

static void drop_policies(void)
{
	for (int i = 0; i < R.npol; i++)
		tls_policy_unref(R.pol[i].p);
	R.npol = 0;
}

/* Fingerprints: a policy is rebuilt only when what it is built from changed
 * (the profile, its cipher class, the trustpoints and their files, the TLS
 * version), so a commit that does not touch TLS keeps the policies, and with
 * them the reuse of established connections. */
static uint64_t fp_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}

static uint64_t fp_str(uint64_t h, const char *s)
{
	return fp_mix(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

static uint64_t fp_file(uint64_t h, const char *path)
{
	struct stat st;
	h = fp_str(h, path);
	if (path && path[0] && stat(path, &st) == 0) {
		h = fp_mix(h, &st.st_mtim, sizeof(st.st_mtim));
		h = fp_mix(h, &st.st_size, sizeof(st.st_size));
		h = fp_mix(h, &st.st_ino, sizeof(st.st_ino));
	}
	return h;
}

static uint64_t fp_tp(uint64_t h, const struct cfg *c, const char *name)
{
	const struct cfg_trustpoint *t = name && name[0] ? cfg_trustpoint_find(c, name) : NULL;
	h = fp_str(h, name);
	if (!t)
		return h;
	h = fp_mix(h, t->revocation, sizeof(t->revocation));
	h = fp_mix(h, &t->chain_validation, sizeof(t->chain_validation));
	h = fp_file(h, t->cert_file);
	h = fp_file(h, t->key_file);
	h = fp_file(h, t->ca_file);
	return fp_file(h, t->crl_file);
}

static uint64_t policy_fp(const struct cfg_tls_profile *prof, const char *tp, const char *vtp, bool cnsan)
{
	const struct cfg *c = R.cfg;
	uint64_t h = 1469598103934665603ull;
	h = fp_mix(h, &c->sipua.tls_version_set, sizeof(c->sipua.tls_version_set));
	h = fp_mix(h, &c->sipua.tls_version, sizeof(c->sipua.tls_version));
	h = fp_mix(h, &cnsan, sizeof(cnsan));
	h = fp_tp(h, c, tp);
	h = fp_tp(h, c, vtp);
	if (prof) {
		h = fp_str(h, prof->tag);
		h = fp_tp(h, c, prof->trustpoint);
		h = fp_tp(h, c, prof->client_vtp);
		h = fp_mix(h, &prof->cn_san_validate, sizeof(prof->cn_san_validate));
		h = fp_mix(h, &prof->sni_send, sizeof(prof->sni_send));
		h = fp_mix(h, prof->curves, sizeof(prof->curves));
		for (size_t i = 0; i < prof->cn_san.n; i++) {
			h = fp_mix(h, &prof->cn_san.v[i].idx, sizeof(prof->cn_san.v[i].idx));
			h = fp_str(h, prof->cn_san.v[i].name);
		}
		const struct cfg_tls_cipher *tc = prof->cipher[0] ? cfg_tls_cipher_find(c, prof->cipher) : NULL;
		h = fp_str(h, prof->cipher);
		for (size_t i = 0; tc && i < tc->e.n; i++) {
			h = fp_mix(h, &tc->e.v[i].pri, sizeof(tc->e.v[i].pri));
			h = fp_mix(h, &tc->e.v[i].cipher, sizeof(tc->e.v[i].cipher));
		}
	}
	return h;
}

/* A policy by key, rebuilt only when its fingerprint changed.  The fingerprint
 * stats the trustpoints' files, so between commits an outbound call compares
 * it at most once per POLICY_RECHECK_MS: a certificate file replaced on disk
 * is taken up by the calls that start after that, not by every call paying
 * for up to eight stat() calls.  A commit compares at once (sip_runtime_apply). */
#define POLICY_RECHECK_MS 1000
static struct tls_policy *policy_get(const char *key, const struct cfg_tls_profile *prof, const char *tp,
				     const char *vtp, bool cnsan)
{
	struct pol_entry *e = NULL;
	for (int i = 0; i < R.npol && !e; i++)
		if (!strcmp(R.pol[i].key, key))
			e = &R.pol[i];
	uint64_t now = tmr_now_ms();
	if (e && e->checked_ms && now - e->checked_ms < POLICY_RECHECK_MS)
		return e->p;
	uint64_t fp = policy_fp(prof, tp, vtp, cnsan);
	if (e && e->fp == fp) {
		e->checked_ms = now;
		return e->p;
	}
	if (!e) {
		if (R.npol == MAX_POLICIES) {
			/* full: the oldest goes (connections keep their own reference) */
			tls_policy_unref(R.pol[0].p);
			memmove(&R.pol[0], &R.pol[1], sizeof(R.pol[0]) * (MAX_POLICIES - 1));
			R.npol--;
		}
		e = &R.pol[R.npol++];
		snprintf(e->key, sizeof(e->key), "%s", key);
	} else {
		tls_policy_unref(e->p);
	}
	e->p = NULL;
	e->fp = fp;
	e->checked_ms = now;
	e->err[0] = '\0';
	if (tls_policy_build(R.cfg, prof, tp, vtp, cnsan, &e->p, e->err, sizeof(e->err)))
		log_msg(3, "SIP", "TLS_POLICY", "TLS policy %s: %s", key, e->err);
	return e->p;
}

static struct tls_policy *tls_policy_ref_or_null(struct tls_policy *p)
{
	return p ? tls_policy_ref(p) : NULL;
}

static const char *policy_err(const char *key)
{
	for (int i = 0; i < R.npol; i++)
		if (!strcmp(R.pol[i].key, key))
			return R.pol[i].err;
	return "";
}


/* The policy of the `crypto signaling remote-addr` line whose prefix holds
 * addr (first match), for either direction; *matched false when none does. */
static struct tls_policy *remote_addr_policy(const struct cfg *c, const struct sockaddr_storage *addr,
					     bool *matched)
{
	char key[96];
	*matched = false;
	for (size_t i = 0; i < c->sipua.remote.n; i++) {
		const struct cfg_remote_addr *ra = &c->sipua.remote.v[i];
		if (!cfg_prefix_contains(&ra->prefix, addr))
			continue;
		*matched = true;
		if (ra->sig.tls_profile[0]) {
			snprintf(key, sizeof(key), "profile:%s", ra->sig.tls_profile);
			return policy_get(key, cfg_tls_profile_find(c, ra->sig.tls_profile), NULL, NULL, false);
		}
		snprintf(key, sizeof(key), "remote:%zu", i);
		return policy_get(key, NULL, ra->sig.trustpoint, ra->sig.client_vtp, ra->sig.cn_san_validate_server);
	}
	return NULL;
}

/* The TLS client policy for an outbound leg: dial-peer tls-profile, tenant
 * tls-profile, crypto signaling remote-addr, crypto signaling default. */
static struct tls_policy *tls_for(const struct cfg_dial_peer *dp, const struct sockaddr_storage *dst,
				  char *sni, size_t snisz)
{
	const struct cfg *c = R.cfg;
	char key[96];
	const char *prof_tag = dp->vc_tls_profile;
	const struct cfg_tenant *ten = dp->vc_tenant[0] ? cfg_tenant_find(c, dp->vc_tenant) : NULL;
	if (!prof_tag[0] && ten && ten->tls_profile[0])
		prof_tag = ten->tls_profile;
	if (dp->target.kind == CFG_TARGET_DNS)
		snprintf(sni, snisz, "%s", dp->target.host);
	else if (dp->target.kind == CFG_TARGET_SIP_SERVER) {
		const struct cfg_target *t = ten && ten->sip_server.kind ? &ten->sip_server : &c->sipua.sip_server;
		if (t->kind == CFG_TARGET_DNS)
			snprintf(sni, snisz, "%s", t->host);
	}
	if (prof_tag[0]) {
		const struct cfg_tls_profile *p = cfg_tls_profile_find(c, prof_tag);
		snprintf(key, sizeof(key), "profile:%s", prof_tag);
		return p ? policy_get(key, p, NULL, NULL, false) : NULL;
	}
	bool matched;
	struct tls_policy *rp = remote_addr_policy(c, dst, &matched);
	if (matched)
		return rp;
	if (c->sipua.def_tls_profile[0]) {
		snprintf(key, sizeof(key), "profile:%s", c->sipua.def_tls_profile);
		return policy_get(key, cfg_tls_profile_find(c, c->sipua.def_tls_profile), NULL, NULL, false);
	}
	if (c->sipua.def_tp.trustpoint[0])
		return policy_get("default", NULL, c->sipua.def_tp.trustpoint, c->sipua.def_tp.client_vtp,
				  c->sipua.def_tp.cn_san_validate_server);
	return NULL;
}

/* Inbound TLS: the certificate and checks for a client come from its
 * `crypto signaling remote-addr` line when one matches, else the default. */
static struct tls_policy *tls_server_for(const struct sockaddr_storage *remote)
{
	const struct cfg *c = R.cfg;
	if (!c)
		return NULL;
	bool matched;
	return remote_addr_policy(c, remote, &matched);
}

static int if_addr(const char *ifname, int family, struct sockaddr_storage *out)
{
	struct ifaddrs *ifa, *i;
	if (getifaddrs(&ifa))
		return -errno;
	int rc = -ENOENT;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == family && !strcmp(i->ifa_name, ifname)) {
			/* a link-local IPv6 address is no place for SIP (and may be tentative) */
			if (family == AF_INET6 &&
			    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
				continue;
			memset(out, 0, sizeof(*out));
			memcpy(out, i->ifa_addr, family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
			rc = 0;
			break;
		}
	freeifaddrs(ifa);
	return rc;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static int listen_specs(const struct cfg *c, struct sip_listen_spec *v, int max, char *err, size_t errsz)
{
	int n = 0;
	if (!c->voice.present)
		return 0;
	struct sockaddr_storage base4, base6;
	bool have6 = true;
	sip_addr_parse("0.0.0.0", 0, &base4);
	sip_addr_parse("::", 0, &base6);
	const struct cfg_voice_sip *s = &c->voice.sip;
	if (s->bind_control_addr[0]) {
		sip_addr_parse(s->bind_control_addr, 0, &base4);
		have6 = false;
	} else if (s->bind_control_if[0]) {
		if (if_addr(s->bind_control_if, AF_INET, &base4)) {
			snprintf(err, errsz, "bind control source-interface %s: no IPv4 address on that interface",
				 s->bind_control_if);
			return -ENOENT;
		}
		have6 = !if_addr(s->bind_control_if, AF_INET6, &base6);
	}
	uint16_t plain = s->listen_nonsecure ? s->listen_nonsecure : 5060;
	uint16_t secure = s->listen_secure ? s->listen_secure : 5061;
	for (int fam = 0; fam < (have6 ? 2 : 1); fam++) {
		struct sockaddr_storage a = fam ? base6 : base4;
		struct { bool on; enum sip_proto p; uint16_t port; } want[] = {
			{ !c->sipua.no_udp, SIP_PROTO_UDP, plain },
			{ !c->sipua.no_tcp, SIP_PROTO_TCP, plain },
			{ !c->sipua.no_tls, SIP_PROTO_TLS, secure },
		};
		for (size_t k = 0; k < 3 && n < max; k++) {
			if (!want[k].on)
				continue;
			v[n].proto = want[k].p;
			v[n].addr = a;
			set_port(&v[n].addr, want[k].port);
			n++;
		}
		for (size_t t = 0; t < c->tenants.n && n < max; t++) {
			uint16_t p = c->tenants.v[t].listen_secure;
			if (!p || p == secure || c->sipua.no_tls)
				continue;
			v[n].proto = SIP_PROTO_TLS;
			v[n].addr = a;
			set_port(&v[n].addr, p);
			n++;
		}
	}
	return n;
}

/* Does the TLS policy an outbound leg to dp would use validate the server name? */
static bool validates_server_name(const struct cfg *c, const struct cfg_dial_peer *dp,
				  const struct sockaddr_storage *dst)
{
	const char *prof_tag = dp->vc_tls_profile;
	const struct cfg_tenant *ten = dp->vc_tenant[0] ? cfg_tenant_find(c, dp->vc_tenant) : NULL;
	if (!prof_tag[0] && ten && ten->tls_profile[0])
		prof_tag = ten->tls_profile;
	if (!prof_tag[0]) {
		for (size_t i = 0; i < c->sipua.remote.n; i++) {
			const struct cfg_remote_addr *ra = &c->sipua.remote.v[i];
			if (!cfg_prefix_contains(&ra->prefix, dst))
				continue;
			if (!ra->sig.tls_profile[0])
				return ra->sig.cn_san_validate_server;
			prof_tag = ra->sig.tls_profile;
			break;
		}
	}
	if (!prof_tag[0] && c->sipua.def_tls_profile[0])
		prof_tag = c->sipua.def_tls_profile;
	if (!prof_tag[0])
		return c->sipua.def_tp.cn_san_validate_server;
	const struct cfg_tls_profile *p = cfg_tls_profile_find(c, prof_tag);
	return p && (p->cn_san_validate == CFG_CNSAN_SERVER || p->cn_san_validate == CFG_CNSAN_BIDIR);
}

/* The level that makes dp's requests use TLS, for the error message; NULL
 * when they do not (calls and keepalive probes alike). */
static const char *tls_level(const struct cfg *c, const struct cfg_dial_peer *dp)
{
	const struct cfg_tenant *ten = dp->vc_tenant[0] ? cfg_tenant_find(c, dp->vc_tenant) : NULL;
	const struct cfg_keepalive *ka = dp->keepalive && dp->keepalive_profile[0]
		? cfg_keepalive_find(c, dp->keepalive_profile) : NULL;
	if (sip_peer_proto(c, dp, CFG_TRANSPORT_UNSET) == SIP_PROTO_TLS)
		return dp->session_transport ? "its session transport tcp tls"
		     : ten && ten->session_transport ? "the session transport tcp tls of its tenant"
		     : "session transport tcp tls inherited from voice service voip";
	if (ka && ka->transport == CFG_TRANSPORT_TLS)
		return "the transport tcp tls of its options-keepalive profile";
	return NULL;
}

/* Does dial-peer dp of c have an IP session target under a TLS policy that
 * must validate the server's name?  The message goes to err. */
static bool ip_target_with_cnsan(const struct cfg *c, const struct cfg_dial_peer *dp, char *err, size_t errsz)
{
	/* whichever level sets TLS: the dial-peer, its tenant, voice service
	 * voip, or the keepalive profile of its probes */
	const char *level = dp->shutdown ? NULL : tls_level(c, dp);
	if (!level)
		return false;
	const struct cfg_target *tg = sip_peer_target(c, dp);
	if (tg->kind != CFG_TARGET_IPV4 && tg->kind != CFG_TARGET_IPV6)
		return false;
	struct sockaddr_storage dst;
	if (sip_addr_parse(tg->host, tg->port ? tg->port : 5061, &dst) || !validates_server_name(c, dp, &dst))
		return false;
	char t[CFG_TARGET_LEN + 16];
	snprintf(err, errsz,
		 "dial-peer %u: session target %s is an IP address, but its TLS policy has "
		 "cn-san-validate server: a certificate name cannot be checked against an address "
		 "(TLS from %s); use session target dns:NAME, or another session transport",
		 dp->tag, cfg_target_str(tg, t, sizeof(t)), level);
	return true;
}

int sip_runtime_check(const struct cfg *c, const struct cfg *before, uint32_t editing, char *err, size_t errsz)
{
	int rc = 0;
	char msg[512];
	for (size_t i = 0; i < c->dial_peers.n; i++) {
		const struct cfg_dial_peer *dp = &c->dial_peers.v[i];
		if (!ip_target_with_cnsan(c, dp, msg, sizeof(msg)))
			continue;
		const struct cfg_dial_peer *was = before ? cfg_dial_peer_find(before, dp->tag) : NULL;
		char old[512];
		/* refused only when this change makes it so; a block being typed
		 * that only inherits TLS is warned about; what was already so
		 * elsewhere was said when it happened */
		bool already = was && ip_target_with_cnsan(before, was, old, sizeof(old));
		bool warn = dp->tag == editing && !dp->session_transport;
		if (already && dp->tag != editing)
			continue;
		if (!warn && !already) {
			snprintf(err, errsz, "%s", msg);
			return -EINVAL;
		}
		if (!rc)
			snprintf(err, errsz, "%s (its calls and probes fail until then)", msg);
		rc = 1;
	}
	return rc;
}

int sip_runtime_apply(const struct cfg *c, char *err, size_t errsz)
{
	struct sip_listen_spec specs[32];
	struct route_table *rt = NULL;
	int rc, n;
	if (!R.started)
		return 0;
	rc = route_table_build(c, &rt, err, errsz);
	if (rc)
		return rc;
	n = listen_specs(c, specs, 32, err, errsz);
	if (n < 0) {
		route_table_unref(rt);
		return n;
	}
	/* a listener that cannot open is reported; the rest still applies (at
	 * boot the core must route on the ports it has; interactively the caller
	 * reverts the change and applies the previous configuration again) */
	int lrc = sip_transport_listen(specs, n, err, errsz);
	/* TLS: the server policy for inbound connections; client ones on demand */
	R.cfg = c;
	for (int i = 0; i < R.npol; i++)
		R.pol[i].checked_ms = 0; /* a commit compares every fingerprint again */
	sip_srcaddr_flush(); /* listeners and addresses may have changed */
	struct tls_policy *srv = NULL;
	R.server_err[0] = '\0';
	if (c->sipua.def_tls_profile[0]) {
		const struct cfg_tls_profile *p = cfg_tls_profile_find(c, c->sipua.def_tls_profile);
		char key[96];
		snprintf(key, sizeof(key), "profile:%s", c->sipua.def_tls_profile);
		srv = p ? tls_policy_ref_or_null(policy_get(key, p, NULL, NULL, false)) : NULL;
		if (!srv)
			snprintf(R.server_err, sizeof(R.server_err), "tls-profile %s: %s", c->sipua.def_tls_profile,
				 policy_err(key));
	} else if (c->sipua.def_tp.trustpoint[0]) {
		srv = tls_policy_ref_or_null(policy_get("default", NULL, c->sipua.def_tp.trustpoint,
							c->sipua.def_tp.client_vtp,
							c->sipua.def_tp.cn_san_validate_server));
		if (!srv)
			snprintf(R.server_err, sizeof(R.server_err), "%s", policy_err("default"));
	} else
		snprintf(R.server_err, sizeof(R.server_err),
			 "no crypto signaling default trustpoint or tls-profile in sip-ua");
	/* said once per change, not at every commit */
	if (!srv && c->voice.present && !c->sipua.no_tls && R.server_err[0]) {
		if (strcmp(R.server_err_said, R.server_err))
			log_msg(4, "SIP", "TLS_POLICY", "inbound TLS not available: %s", R.server_err);
		memcpy(R.server_err_said, R.server_err, sizeof(R.server_err_said));
	} else
		R.server_err_said[0] = '\0';
	sip_transport_set_tls_server(srv);
	sip_transport_set_tls_server_for(tls_server_for);
	tls_policy_unref(R.server);
	R.server = srv;
	sip_transport_set_timers(c->sipua.aging_tls_min ? c->sipua.aging_tls_min * 60 : 0,
				 c->sipua.establish_tls_sec, c->sipua.connection_reuse);
	route_table_unref(R.rt);
	R.rt = rt;
	b2bua_set_runtime(rt, R.rs, c, tls_for);
	media_apply(c);
	dns_reconfigure(c);
	keepalive_apply(c, R.rs, tls_for); /* OPTIONS probes: only changed peers restart */
	return lrc;
}

int sip_runtime_start(void)
{
	int rc = tmr_sys_init();
	if (rc)
		return rc;
	rc = route_state_new(&R.rs);
	if (rc)
		return rc;
	sip_transport_init(b2bua_rx);
	b2bua_init();
	rc = media_start();
	if (rc)
		log_msg(2, "MEDIA", "START", "media relay not started: %s", strerror(-rc));
	R.started = true;
	return 0;
}

void sip_runtime_stop(void)
{
	if (!R.started)
		return;
	keepalive_stop_all();
	b2bua_fini();
	media_stop();
	sip_txn_fini();
	sip_transport_fini();
	drop_policies();
	tls_policy_unref(R.server);
	R.server = NULL;
	route_table_unref(R.rt);
	R.rt = NULL;
	route_state_free(R.rs);
	R.rs = NULL;
	tmr_sys_fini();
	R.started = false;
}
