/* keepalive.c - SIP OPTIONS keepalive per dial-peer (see keepalive.h). */
#include "sip/keepalive.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dns.h"
#include "core/log.h"
#include "core/timer.h"
#include "sip/b2bua.h"
#include "sip/msg.h"
#include "sip/route.h"
#include "sip/transport.h"
#include "sip/txn.h"

#define FIRST_PROBE_SPREAD_MS 1000u

struct ka {                          /* one probed dial-peer; owned by K.v */
	uint32_t tag;
	char key[CFG_TARGET_LEN + 64];   /* target and transport: a change restarts */
	enum cfg_transport force;        /* the profile's transport */
	unsigned up, down, retry;
	bool busy;
	unsigned failures;
	unsigned long sent, answered;
	uint32_t cseq;
	char last[128];
	char target[CFG_TARGET_LEN + 32];
	struct tmr t;
	struct sip_txn *txn;             /* probe in flight */
	struct dns_query *dq;            /* resolving a dns: target */
	unsigned gen;                    /* last apply that kept it */
};

static struct {
	const struct cfg *cfg;
	struct route_state *rs;
	sip_peer_tls_fn tls_for;
	struct ka **v;                   /* sorted by tag */
	size_t n;
	unsigned gen;
} K;

const char *keepalive_state_str(enum keepalive_state s)
{
	return s == KEEPALIVE_BUSYOUT ? "busyout" : s == KEEPALIVE_ACTIVE ? "active" : "";
}

const char *keepalive_summary_str(enum keepalive_state s)
{
	return s == KEEPALIVE_NONE ? "idle" : keepalive_state_str(s);
}

static struct ka *find(uint32_t tag)
{
	size_t lo = 0, hi = K.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (K.v[mid]->tag == tag)
			return K.v[mid];
		if (K.v[mid]->tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int by_tag(const void *a, const void *b)
{
	uint32_t x = (*(struct ka *const *)a)->tag, y = (*(struct ka *const *)b)->tag;
	return x < y ? -1 : x > y;
}

static unsigned interval_ms(const struct ka *k)
{
	return (k->busy ? k->down : k->up) * 1000u;
}

/* Abandon the probe in flight (its result will not be reported). */
static void abandon(struct ka *k)
{
	if (k->txn) {
		sip_txn_detach(k->txn);
		k->txn = NULL;
	}
	if (k->dq) {
		dns_cancel(k->dq);
		k->dq = NULL;
	}
}

static void set_busy(struct ka *k, bool busy)
{
	k->busy = busy;
	if (K.rs && route_state_set_busy(K.rs, k->tag, busy))
		log_msg(3, "SIP", "DIALPEER_BUSYOUT", "dial-peer %u: cannot record the busy state: out of memory",
			(unsigned)k->tag);
}

static void ka_free(struct ka *k)
{
	tmr_stop(&k->t);
	abandon(k);
	if (k->busy)
		set_busy(k, false);
	free(k);
}

/* The result of one probe.  Returns true when the state changed. */
static bool result(struct ka *k, bool ok, const char *what)
{
	snprintf(k->last, sizeof(k->last), "%s", what);
	if (ok) {
		k->answered++;
		k->failures = 0;
		if (!k->busy)
			return false;
		set_busy(k, false);
		log_msg(5, "SIP", "DIALPEER_ACTIVE", "dial-peer %u active: OPTIONS answered by %s (%s)",
			(unsigned)k->tag, k->target, what);
		return true;
	}
	if (k->failures < 1000000)
		k->failures++;
	if (k->busy || k->failures < k->retry)
		return false;
	set_busy(k, true);
	log_msg(5, "SIP", "DIALPEER_BUSYOUT", "dial-peer %u busied out: no answer to OPTIONS from %s (%s)",
		(unsigned)k->tag, k->target, what);
	return true;
}

static void fire(void *arg);

/* The dial-peer of k, looked up in the configuration at each use (K.cfg is
 * the running configuration, edited in place between commits). */
static const struct cfg_dial_peer *peer_of(const struct ka *k)
{
	return K.cfg ? cfg_dial_peer_find(K.cfg, k->tag) : NULL;
}

/* A result that arrived between two timer ticks: on a state change the next
 * probe follows the new state's interval. */
static void async_result(struct ka *k, bool ok, const char *what)
{
	if (result(k, ok, what))
		tmr_start(&k->t, interval_ms(k), fire, k);
}

static void on_resp(void *arg, struct sip_txn *t, const struct sip_msg *resp, bool local)
{
	struct ka *k = arg;
	char what[128];
	(void)t;
	if (resp->status < 200)
		return;
	k->txn = NULL;
	int code = resp->status;
	const char *reason = resp->reason && resp->reason[0] ? resp->reason : sip_reason_phrase(code);
	if (local && code == 408)
		snprintf(what, sizeof(what), "no response (transaction timeout)");
	else if (local)
		snprintf(what, sizeof(what), "%s", reason);
	else
		snprintf(what, sizeof(what), "%d %s", code, reason);
	async_result(k, !local && code != 408 && code != 503, what);
}

static void send_to(struct ka *k, const struct cfg_dial_peer *dp, const struct sip_dest *d)
{
	const struct cfg_target *tg = sip_peer_target(K.cfg, dp);
	char hp[CFG_TARGET_LEN + 16], ruri[CFG_TARGET_LEN + 64], lhp[80] = "127.0.0.1", lhost[80];
	char from[200], to[CFG_TARGET_LEN + 32], cid[SIP_CALLID_SIZE], tag[SIP_TAG_SIZE];
	const char *tp = d->proto == SIP_PROTO_UDP ? "" : d->proto == SIP_PROTO_TCP ? ";transport=tcp" : ";transport=tls";
	if (tg->kind == CFG_TARGET_DNS && tg->port)
		snprintf(hp, sizeof(hp), "%s:%u", tg->host, (unsigned)tg->port);
	else if (tg->kind == CFG_TARGET_DNS)
		snprintf(hp, sizeof(hp), "%s", tg->host);
	else
		sip_addr_str(&d->addr, hp, sizeof(hp));
	snprintf(ruri, sizeof(ruri), "sip:%s%s", hp, tp);
	sip_local_hostport(d, lhp, sizeof(lhp));
	snprintf(lhost, sizeof(lhost), "%s", lhp);
	char *colon = strrchr(lhost, ':');
	if (colon && lhost[0] != '[')
		*colon = '\0';
	else if (lhost[0] == '[' && (colon = strstr(lhost, "]:")))
		colon[1] = '\0';
	sip_random_callid(cid, sizeof(cid));
	sip_random_tag(tag, sizeof(tag));
	snprintf(from, sizeof(from), "<sip:%s>;tag=%s", lhost, tag);
	snprintf(to, sizeof(to), "<sip:%s>", hp);

	struct sip_msg *m = NULL;
	char why[128];
	if (sip_msg_new_request(&m, SIP_METHOD_OPTIONS, ruri)) {
		result(k, false, "cannot build the OPTIONS request");
		return;
	}
	sip_msg_hdr_add(m, "Max-Forwards", "70");
	sip_msg_hdr_add(m, "From", from);
	sip_msg_hdr_add(m, "To", to);
	sip_msg_hdr_add(m, "Call-ID", cid);
	sip_msg_hdr_addf(m, "CSeq", "%u OPTIONS", ++k->cseq);
	sip_msg_hdr_addf(m, "Contact", "<sip:%s%s>", lhp, tp);
	sip_msg_hdr_add(m, "Accept", "application/sdp");
	sip_msg_hdr_add(m, "Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, NOTIFY");
	sip_msg_hdr_add(m, "User-Agent", "Tollgate");
	k->sent++;
	struct sip_txn *t = NULL;
	/* a transport failure is reported at once, through on_resp */
	int rc = sip_txn_client_new(m, d, on_resp, k, &t);
	if (rc) {
		snprintf(why, sizeof(why), "cannot send: %s", strerror(-rc));
		result(k, false, why);
		return;
	}
	b2bua_count_request_out(SIP_METHOD_OPTIONS);   /* show sip-ua statistics */
	k->txn = t;
}

static void dns_done(void *arg, const struct dns_result *res)
{
	struct ka *k = arg;
	struct sip_dest d;
	char why[DNS_ERR_LEN];
	k->dq = NULL;
	const struct cfg_dial_peer *dp = peer_of(k);
	if (!dp)
		return;
	if (res->err || !res->n) {
		async_result(k, false, res->errmsg && res->errmsg[0] ? res->errmsg : "dns: no address");
		return;
	}
	if (sip_peer_dest(K.cfg, dp, k->force, &res->v[0], K.tls_for, &d, why, sizeof(why))) {
		async_result(k, false, why);
		return;
	}
	send_to(k, dp, &d);
}

static void probe(struct ka *k)
{
	struct sip_dest d;
	char why[200];
	const struct cfg_dial_peer *dp = peer_of(k);
	if (!dp)
		return; /* removed, the commit that stops k is on its way */
	int rc = sip_peer_dest(K.cfg, dp, k->force, NULL, K.tls_for, &d, why, sizeof(why));
	if (rc == 1) {
		const struct cfg_target *tg = sip_peer_target(K.cfg, dp);
		rc = dns_resolve_sip(tg->host, tg->port, sip_peer_dns_pref(d.proto), dns_done, k, &k->dq);
		if (rc) {
			k->dq = NULL;
			snprintf(why, sizeof(why), "dns: cannot resolve %s: %s", tg->host, strerror(-rc));
			result(k, false, why);
		}
		return;
	}
	if (rc) {
		result(k, false, why);
		return;
	}
	send_to(k, dp, &d);
}

static void fire(void *arg)
{
	struct ka *k = arg;
	if (k->txn || k->dq) {
		char what[64];
		abandon(k);
		snprintf(what, sizeof(what), "no response within %u s", interval_ms(k) / 1000);
		result(k, false, what);
	}
	probe(k);
	tmr_start(&k->t, interval_ms(k), fire, k);
}

/* ------------------------------------------------------------------ */

/* The probe parameters of dp.  false when dp is not to be probed. */
static bool wanted(const struct cfg *c, const struct cfg_dial_peer *dp, struct ka *out)
{
	if (!c->voice.present || !dp->keepalive || dp->shutdown)
		return false;
	const struct cfg_target *tg = sip_peer_target(c, dp);
	if (tg->kind != CFG_TARGET_IPV4 && tg->kind != CFG_TARGET_IPV6 && tg->kind != CFG_TARGET_DNS)
		return false;
	const struct cfg_keepalive *p = dp->keepalive_profile[0] ? cfg_keepalive_find(c, dp->keepalive_profile) : NULL;
	out->up = p && p->up_interval ? p->up_interval : KEEPALIVE_UP_DEFAULT;
	out->down = p && p->down_interval ? p->down_interval : KEEPALIVE_DOWN_DEFAULT;
	out->retry = p && p->retry ? p->retry : KEEPALIVE_RETRY_DEFAULT;
	out->force = p ? p->transport : CFG_TRANSPORT_UNSET;
	cfg_target_str(tg, out->target, sizeof(out->target));
	if (dp->target.kind == CFG_TARGET_SIP_SERVER) {
		char t[sizeof(out->target)];
		snprintf(t, sizeof(t), "%s", out->target);
		snprintf(out->target, sizeof(out->target), "sip-server %s", t);
	}
	snprintf(out->key, sizeof(out->key), "%s|%d", out->target, (int)sip_peer_proto(c, dp, out->force));
	return true;
}

void keepalive_apply(const struct cfg *c, struct route_state *rs, sip_peer_tls_fn tls_for)
{
	if (!c) {
		keepalive_stop_all();
		return;
	}
	size_t cap = 0, n = 0;
	for (size_t i = 0; i < c->dial_peers.n; i++)
		cap += c->dial_peers.v[i].keepalive;
	struct ka **nv = cap ? calloc(cap, sizeof(*nv)) : NULL;
	if (cap && !nv) {
		log_msg(3, "SIP", "KEEPALIVE", "out of memory: OPTIONS keepalive configuration not applied");
		return;
	}
	K.cfg = c;
	K.rs = rs;
	K.tls_for = tls_for;
	unsigned gen = ++K.gen;
	for (size_t i = 0; i < c->dial_peers.n; i++) {
		const struct cfg_dial_peer *dp = &c->dial_peers.v[i];
		struct ka w;
		if (!dp->keepalive || !wanted(c, dp, &w))
			continue;
		struct ka *k = find(dp->tag);
		bool fresh = false;
		if (k && strcmp(k->key, w.key)) {
			/* a new target or transport: start afresh */
			tmr_stop(&k->t);
			abandon(k);
			if (k->busy)
				set_busy(k, false);
			k->failures = 0;
			k->last[0] = '\0';
			fresh = true;
		} else if (!k) {
			k = calloc(1, sizeof(*k));
			if (!k) {
				log_msg(3, "SIP", "KEEPALIVE", "dial-peer %u: out of memory", (unsigned)dp->tag);
				continue;
			}
			tmr_init(&k->t);
			k->tag = dp->tag;
			fresh = true;
		}
		/* new intervals: the next probe follows them (the state is kept);
		 * a lower retry than the failures seen: the next failure decides */
		bool rearm = k->up != w.up || k->down != w.down;
		snprintf(k->key, sizeof(k->key), "%s", w.key);
		snprintf(k->target, sizeof(k->target), "%s", w.target);
		k->up = w.up;
		k->down = w.down;
		k->retry = w.retry;
		k->force = w.force;
		k->gen = gen;
		if (fresh)
			/* a first probe soon, spread over a second */
			tmr_start(&k->t, (dp->tag * 7919u) % FIRST_PROBE_SPREAD_MS, fire, k);
		else if (rearm)
			tmr_start(&k->t, interval_ms(k), fire, k);
		nv[n++] = k;
	}
	/* what was probed and is not any more: back in service */
	for (size_t i = 0; i < K.n; i++)
		if (K.v[i]->gen != gen)
			ka_free(K.v[i]);
	free(K.v);
	K.v = nv;
	K.n = n;
	if (K.n > 1)    /* qsort's array may not be NULL, even when empty */
		qsort(K.v, K.n, sizeof(*K.v), by_tag);
}

void keepalive_stop_all(void)
{
	for (size_t i = 0; i < K.n; i++)
		ka_free(K.v[i]);
	free(K.v);
	K.v = NULL;
	K.n = 0;
	K.cfg = NULL;
}

int keepalive_get(uint32_t tag, struct keepalive_info *out)
{
	const struct ka *k = find(tag);
	memset(out, 0, sizeof(*out));
	if (!k)
		return -ENOENT;
	out->state = k->busy ? KEEPALIVE_BUSYOUT : KEEPALIVE_ACTIVE;
	out->up_interval = k->up;
	out->down_interval = k->down;
	out->retry = k->retry;
	out->failures = k->failures;
	out->sent = k->sent;
	out->answered = k->answered;
	snprintf(out->last, sizeof(out->last), "%s", k->last);
	snprintf(out->target, sizeof(out->target), "%s", k->target);
	return 0;
}

enum keepalive_state keepalive_state(uint32_t tag)
{
	const struct ka *k = find(tag);
	return !k ? KEEPALIVE_NONE : k->busy ? KEEPALIVE_BUSYOUT : KEEPALIVE_ACTIVE;
}
