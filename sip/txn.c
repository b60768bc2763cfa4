/* txn.c - client and server transactions with the RFC 3261 timers (see txn.h). */
#include "sip/txn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/timer.h"
#include "sip/sipdebug.h"
#include "sip/srcaddr.h"

enum txn_state { TS_CALLING, TS_TRYING, TS_PROCEEDING, TS_COMPLETED, TS_ACCEPTED, TS_CONFIRMED,
		 TS_TERMINATED };

struct sip_txn {            /* owned by the table */
	struct sip_txn *hnext;
	char key[160];
	bool server, invite;
	enum txn_state state;
	struct sip_msg *req;        /* owned: the request (client: as sent) */
	struct buf wire;            /* client: request bytes; server: last response bytes */
	struct sip_dest dst;        /* client: where to; server: where responses go */
	int last_status;
	struct tmr t_retx, t_timeout, t_end;
	uint64_t retx_ms;
	sip_txn_resp_fn fn;
	sip_txn_noack_fn noack;
	void *arg;
	struct sip_txn *cancel_of;  /* client CANCEL: no TU */
};

#define NBUCKETS 4096
static struct sip_txn *g_tab[NBUCKETS];
static unsigned g_count;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKETS;
}

static struct sip_txn *find(const char *key)
{
	for (struct sip_txn *t = g_tab[hash(key)]; t; t = t->hnext)
		if (!strcmp(t->key, key) && t->state != TS_TERMINATED)
			return t;
	return NULL;
}

static void insert(struct sip_txn *t)
{
	unsigned h = hash(t->key);
	t->hnext = g_tab[h];
	g_tab[h] = t;
	g_count++;
}

static void destroy(struct sip_txn *t)
{
	unsigned h = hash(t->key);
	struct sip_txn **pp = &g_tab[h];
	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp) {
		*pp = t->hnext;
		g_count--;
	}
	tmr_stop(&t->t_retx);
	tmr_stop(&t->t_timeout);
	tmr_stop(&t->t_end);
	sip_transport_forget(t);
	sip_msg_free(t->req);
	buf_free(&t->wire);
	free(t);
}

static void end_cb(void *arg)
{
	destroy(arg);
}

/* Terminate after ms (0 = now, but never inside a caller's frame). */
static void finish(struct sip_txn *t, uint64_t ms)
{
	t->state = TS_TERMINATED;
	tmr_stop(&t->t_retx);
	tmr_stop(&t->t_timeout);
	tmr_start(&t->t_end, ms, end_cb, t);
}

static bool reliable(const struct sip_txn *t)
{
	return t->dst.proto != SIP_PROTO_UDP;
}

static const char *method_for_key(const struct sip_msg *m)
{
	if (m->request)
		return m->method == SIP_METHOD_ACK ? "INVITE" : m->method_name;
	return m->cseq_method_name ? m->cseq_method_name : "";
}

static void make_key(char *out, size_t n, bool server, const char *branch, const char *method,
		     const char *sentby)
{
	snprintf(out, n, "%c|%s|%s|%s", server ? 's' : 'c', branch ? branch : "", method,
		 sentby ? sentby : "");
}

static int send_wire(struct sip_txn *t)
{
	sipdbg_msg(true, t->wire.p, t->wire.len, &t->dst);
	return sip_transport_send(&t->dst, t->wire.p, t->wire.len, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* client                                                               */

static void deliver_local(struct sip_txn *t, int status, const char *reason)
{
	struct sip_msg *r = NULL;
	if (sip_msg_new_response(&r, t->req, status, reason, NULL))
		return;
	sip_txn_resp_fn fn = t->fn;
	t->fn = NULL;
	if (fn)
		fn(t->arg, t, r, true);
	sip_msg_free(r);
}

static void client_fail(void *arg, int err, const char *reason)
{
	struct sip_txn *t = arg;
	if (t->state == TS_TERMINATED || t->state == TS_COMPLETED || t->state == TS_ACCEPTED)
		return;
	char why[300];
	snprintf(why, sizeof(why), "Transport Failure (%s)", reason ? reason : strerror(-err));
	finish(t, 0);
	deliver_local(t, 503, why);
}

static void client_timeout(void *arg)
{
	struct sip_txn *t = arg;
	if (t->state == TS_CALLING || t->state == TS_TRYING || t->state == TS_PROCEEDING) {
		finish(t, 0);
		if (!t->cancel_of)
			deliver_local(t, 408, "Request Timeout");
	} else {
		finish(t, 0); /* D, K, M */
	}
}

static void client_retx(void *arg)
{
	struct sip_txn *t = arg;
	if (t->state != TS_CALLING && t->state != TS_TRYING && !(t->state == TS_PROCEEDING && !t->invite))
		return;
	send_wire(t);
	t->retx_ms = t->invite ? t->retx_ms * 2 : (t->retx_ms * 2 > SIP_T2_MS ? SIP_T2_MS : t->retx_ms * 2);
	if (t->state == TS_PROCEEDING)
		t->retx_ms = SIP_T2_MS;
	tmr_start(&t->t_retx, t->retx_ms, client_retx, t);
}

int sip_local_addr(const struct sip_dest *dst, struct sockaddr_storage *out)
{
	struct sockaddr_storage ss;
	if (sip_transport_local_for(dst, &ss))
		return -ENOTCONN;
	bool any = ss.ss_family == AF_INET6
			   ? !memcmp(&((struct sockaddr_in6 *)&ss)->sin6_addr, &in6addr_any, 16)
			   : ((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (any) {
		/* the source address the kernel would pick for dst (cached) */
		struct sockaddr_storage me;
		if (sip_srcaddr_for(&dst->addr, &me) == 0) {
			uint16_t port = sip_addr_port(&ss);
			ss = me;
			if (ss.ss_family == AF_INET6)
				((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
			else
				((struct sockaddr_in *)&ss)->sin_port = htons(port);
		}
	}
	*out = ss;
	return 0;
}

int sip_local_hostport(const struct sip_dest *dst, char *out, size_t n)
{
	struct sockaddr_storage ss;
	int rc = sip_local_addr(dst, &ss);
	if (!rc)
		sip_addr_str(&ss, out, n);
	return rc;
}

int sip_txn_client_new(struct sip_msg *req, const struct sip_dest *dst, sip_txn_resp_fn fn,
		       void *arg, struct sip_txn **out)
{
	struct sip_txn *t = calloc(1, sizeof(*t));
	char branch[SIP_BRANCH_SIZE], local[80];
	int rc;
	if (!t) {
		sip_msg_free(req);
		return -ENOMEM;
	}
	tmr_init(&t->t_retx);
	tmr_init(&t->t_timeout);
	tmr_init(&t->t_end);
	t->dst = *dst;
	t->fn = fn;
	t->arg = arg;
	t->req = req;
	t->invite = req->method == SIP_METHOD_INVITE;
	rc = sip_local_hostport(dst, local, sizeof(local));
	if (rc)
		goto fail;
	sip_random_branch(branch, sizeof(branch));
	char via[300];
	snprintf(via, sizeof(via), "SIP/2.0/%s %s;branch=%s;rport", sip_proto_upper(dst->proto), local, branch);
	rc = sip_msg_hdr_insert(req, 0, "Via", via);
	if (rc)
		goto fail;
	make_key(t->key, sizeof(t->key), false, branch, req->method_name, NULL);
	rc = sip_msg_print(req, &t->wire);
	if (rc)
		goto fail;
	insert(t);
	t->state = t->invite ? TS_CALLING : TS_TRYING;
	rc = sip_transport_send(dst, t->wire.p, t->wire.len, client_fail, t);
	sipdbg_msg(true, t->wire.p, t->wire.len, dst);
	if (rc) {
		char why[160];
		snprintf(why, sizeof(why), "%s", strerror(-rc));
		finish(t, 0);
		/* report asynchronously-equivalent: the caller gets the 503 now */
		deliver_local(t, 503, why);
		if (out)
			*out = NULL;
		return 0;
	}
	if (!reliable(t)) {
		t->retx_ms = SIP_T1_MS;
		tmr_start(&t->t_retx, t->retx_ms, client_retx, t);
	}
	tmr_start(&t->t_timeout, 64 * SIP_T1_MS, client_timeout, t);
	if (out)
		*out = t;
	return 0;
fail:
	sip_msg_free(req);
	t->req = NULL;
	buf_free(&t->wire);
	free(t);
	return rc;
}

static void send_ack_for_non2xx(struct sip_txn *t, const struct sip_msg *resp)
{
	/* RFC 3261 17.1.1.3: same Request-URI, top Via, Call-ID, From, Route;
	 * To from the response; CSeq number with ACK */
	struct sip_msg *ack = NULL;
	if (sip_msg_new_request(&ack, SIP_METHOD_ACK, t->req->ruri_text))
		return;
	sip_msg_hdr_add(ack, "Via", sip_msg_hdr(t->req, "Via", 0));
	sip_msg_hdr_add(ack, "Max-Forwards", "70");
	sip_msg_hdr_add(ack, "From", sip_msg_hdr(t->req, "From", 0));
	sip_msg_hdr_add(ack, "To", sip_msg_hdr(resp, "To", 0));
	sip_msg_hdr_add(ack, "Call-ID", t->req->call_id);
	sip_msg_hdr_addf(ack, "CSeq", "%u ACK", t->req->cseq);
	for (size_t i = 0; i < sip_msg_hdr_count(t->req, "Route"); i++)
		sip_msg_hdr_add(ack, "Route", sip_msg_hdr(t->req, "Route", i));
	struct buf b = BUF_INIT;
	if (!sip_msg_print(ack, &b)) {
		sipdbg_msg(true, b.p, b.len, &t->dst);
		sip_transport_send(&t->dst, b.p, b.len, NULL, NULL);
	}
	buf_free(&b);
	sip_msg_free(ack);
}

static bool client_response(struct sip_txn *t, const struct sip_msg *resp)
{
	int code = resp->status;
	if (t->cancel_of) { /* our CANCEL: nothing to tell */
		if (code >= 200)
			finish(t, reliable(t) ? 0 : SIP_T4_MS);
		return true;
	}
	if (code < 200) {
		if (t->state == TS_CALLING || t->state == TS_TRYING) {
			t->state = TS_PROCEEDING;
			if (t->invite)
				tmr_stop(&t->t_retx);
		}
		if (t->state == TS_PROCEEDING && t->fn)
			t->fn(t->arg, t, resp, false);
		return true;
	}
	if (t->invite && code < 300) {
		/* 2xx: the TU ACKs it.  Only the first goes to the TU through the
		 * transaction; retransmissions are left to the TU's dialog lookup
		 * (RFC 6026 Accepted state), so no callback can outlive its owner. */
		if (t->state == TS_ACCEPTED)
			return false;
		t->state = TS_ACCEPTED;
		tmr_stop(&t->t_retx);
		tmr_start(&t->t_timeout, 64 * SIP_T1_MS, client_timeout, t);
		/* Timer M keeps only the key for 64*T1: the request and its
		 * printed copy are not needed any more (no retransmission, no
		 * CANCEL after a 2xx, the TU ACKs from its dialog), and at
		 * 1,000 calls/s they were 32,000 INVITEs held for nothing */
		sip_msg_free(t->req);
		t->req = NULL;
		buf_free(&t->wire);
		sip_txn_resp_fn fn = t->fn;
		t->fn = NULL;
		if (fn)
			fn(t->arg, t, resp, false);
		return true;
	}
	if (t->state == TS_COMPLETED) {
		if (t->invite)
			send_ack_for_non2xx(t, resp);
		return true;
	}
	if (t->state == TS_ACCEPTED)
		return true;
	t->state = TS_COMPLETED;
	tmr_stop(&t->t_retx);
	if (t->invite)
		send_ack_for_non2xx(t, resp);
	tmr_start(&t->t_timeout, reliable(t) ? 0 : (t->invite ? 32000 : SIP_T4_MS), client_timeout, t);
	sip_txn_resp_fn fn = t->fn;
	t->fn = NULL;
	if (fn)
		fn(t->arg, t, resp, false);
	return true;
}

/* A response from the network: find its client transaction. */
bool sip_txn_client_match(const struct sip_msg *resp)
{
	if (!resp->nvia || !resp->via[0].branch || !resp->cseq_method_name)
		return false;
	char key[160];
	make_key(key, sizeof(key), false, resp->via[0].branch, resp->cseq_method_name, NULL);
	struct sip_txn *t = find(key);
	if (!t)
		return false;
	return client_response(t, resp);
}

int sip_txn_client_cancel(struct sip_txn *inv)
{
	if (!inv || !inv->invite || inv->server)
		return -EINVAL;
	if (inv->state == TS_ACCEPTED || inv->state == TS_COMPLETED || inv->state == TS_TERMINATED)
		return -EALREADY;   /* a final response came: too late to CANCEL (RFC 3261 9.1) */
	struct sip_msg *c = NULL;
	int rc = sip_msg_new_request(&c, SIP_METHOD_CANCEL, inv->req->ruri_text);
	if (rc)
		return rc;
	sip_msg_hdr_add(c, "Via", sip_msg_hdr(inv->req, "Via", 0));
	sip_msg_hdr_add(c, "Max-Forwards", "70");
	sip_msg_hdr_add(c, "From", sip_msg_hdr(inv->req, "From", 0));
	sip_msg_hdr_add(c, "To", sip_msg_hdr(inv->req, "To", 0));
	sip_msg_hdr_add(c, "Call-ID", inv->req->call_id);
	sip_msg_hdr_addf(c, "CSeq", "%u CANCEL", inv->req->cseq);
	for (size_t i = 0; i < sip_msg_hdr_count(inv->req, "Route"); i++)
		sip_msg_hdr_add(c, "Route", sip_msg_hdr(inv->req, "Route", i));
	struct sip_txn *t = calloc(1, sizeof(*t));
	if (!t) {
		sip_msg_free(c);
		return -ENOMEM;
	}
	tmr_init(&t->t_retx);
	tmr_init(&t->t_timeout);
	tmr_init(&t->t_end);
	t->dst = inv->dst;
	t->req = c;
	t->cancel_of = inv;
	make_key(t->key, sizeof(t->key), false, c->via[0].branch, "CANCEL", NULL);
	sip_msg_print(c, &t->wire);
	insert(t);
	t->state = TS_TRYING;
	send_wire(t);
	if (!reliable(t)) {
		t->retx_ms = SIP_T1_MS;
		tmr_start(&t->t_retx, t->retx_ms, client_retx, t);
	}
	tmr_start(&t->t_timeout, 64 * SIP_T1_MS, client_timeout, t);
	return 0;
}

const struct sip_msg *sip_txn_request(const struct sip_txn *t)
{
	return t->req;
}

const struct sip_dest *sip_txn_dest(const struct sip_txn *t)
{
	return &t->dst;
}

/* ------------------------------------------------------------------ */
/* server                                                               */

void sip_txn_response_dest(const struct sip_msg *req, const struct sip_src *src, struct sip_dest *out)
{
	memset(out, 0, sizeof(*out));
	out->proto = src->proto;
	out->addr = src->remote; /* symmetric: the source address (rport / received) */
	out->conn_id = src->conn_id;
	out->udp_fd = src->udp_fd;
	if (src->proto == SIP_PROTO_UDP && req->nvia && !req->via[0].rport) {
		/* without rport, RFC 3261 18.2.2: received address, Via port */
		int port = req->via[0].port ? req->via[0].port : 5060;
		if (out->addr.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&out->addr)->sin6_port = htons((uint16_t)port);
		else
			((struct sockaddr_in *)&out->addr)->sin_port = htons((uint16_t)port);
	}
}

/* RFC 3581 4: a request whose top Via has an empty rport gets, in the
 * response, rport=<source port> and received=<source address>. */
static void fill_rport(struct sip_msg *resp, const struct sip_dest *d)
{
	const char *v = sip_msg_hdr(resp, "Via", 0);
	if (!v || !resp->nvia || !resp->via[0].rport || resp->via[0].rport_value)
		return;
	const char *comma = strchr(v, ',');
	size_t first = comma ? (size_t)(comma - v) : strlen(v);
	const char *p = NULL;
	for (const char *q = v; (q = strcasestr(q, ";rport")) && (size_t)(q - v) < first; q += 6) {
		char nx = q[6];
		if (nx == '\0' || nx == ';' || nx == ',' || nx == ' ' || nx == '\t') {
			p = q;
			break;
		}
	}
	if (!p)
		return;
	char ip[64], out[1200];
	sip_addr_host(&d->addr, ip, sizeof(ip));
	bool has_received = resp->via[0].received != NULL;
	int n = snprintf(out, sizeof(out), "%.*s;rport=%u%s%s%s", (int)(p - v), v, (unsigned)sip_addr_port(&d->addr),
			 has_received ? "" : ";received=", has_received ? "" : ip, p + 6);
	if (n > 0 && (size_t)n < sizeof(out))
		sip_msg_hdr_replace(resp, "Via", 0, out);
}

int sip_txn_send_stateless(struct sip_msg *resp, const struct sip_src *src)
{
	struct sip_dest d;
	sip_txn_response_dest(resp, src, &d);
	fill_rport(resp, &d);
	struct buf b = BUF_INIT;
	int rc = sip_msg_print(resp, &b);
	if (!rc) {
		sipdbg_msg(true, b.p, b.len, &d);
		rc = sip_transport_send(&d, b.p, b.len, NULL, NULL);
	}
	buf_free(&b);
	return rc;
}

static void server_key(char *out, size_t n, const struct sip_msg *req)
{
	const struct sip_via *v = req->nvia ? &req->via[0] : NULL;
	char sentby[300] = "";
	if (v)
		snprintf(sentby, sizeof(sentby), "%s:%d", v->host, v->port);
	make_key(out, n, true, v ? v->branch : "", method_for_key(req), sentby);
}

static void server_retx(void *arg)
{
	struct sip_txn *t = arg;
	if (t->state != TS_COMPLETED && t->state != TS_ACCEPTED)
		return;
	send_wire(t);
	t->retx_ms = t->retx_ms * 2 > SIP_T2_MS ? SIP_T2_MS : t->retx_ms * 2;
	tmr_start(&t->t_retx, t->retx_ms, server_retx, t);
}

static void server_timeout(void *arg)
{
	struct sip_txn *t = arg;
	if (t->state == TS_ACCEPTED && t->noack) {
		sip_txn_noack_fn fn = t->noack;
		t->noack = NULL;
		finish(t, 0);
		fn(t->arg, t);
		return;
	}
	finish(t, 0);
}

bool sip_txn_server_absorb(const struct sip_msg *req, const struct sip_src *src)
{
	char key[160];
	(void)src;
	server_key(key, sizeof(key), req);
	struct sip_txn *t = find(key);
	if (!t)
		return false;
	if (req->method == SIP_METHOD_ACK) {
		if (t->state == TS_COMPLETED) { /* ACK for a non-2xx final */
			t->state = TS_CONFIRMED;
			tmr_stop(&t->t_retx);
			tmr_start(&t->t_timeout, reliable(t) ? 0 : SIP_T4_MS, server_timeout, t);
			return true;
		}
		return t->state == TS_CONFIRMED; /* a 2xx ACK has its own branch: TU */
	}
	/* a retransmitted request: send the last response again */
	if (t->wire.len)
		send_wire(t);
	return true;
}

int sip_txn_server_new(const struct sip_msg *req, const struct sip_src *src, struct sip_txn **out)
{
	struct sip_txn *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	tmr_init(&t->t_retx);
	tmr_init(&t->t_timeout);
	tmr_init(&t->t_end);
	t->req = sip_msg_ref(req); /* read only: responses are built from it */
	t->server = true;
	t->invite = req->method == SIP_METHOD_INVITE;
	t->state = t->invite ? TS_PROCEEDING : TS_TRYING;
	sip_txn_response_dest(req, src, &t->dst);
	server_key(t->key, sizeof(t->key), req);
	insert(t);
	/* a TU that never answers must not leak the transaction */
	tmr_start(&t->t_timeout, t->invite ? 300000 : 64 * SIP_T1_MS, server_timeout, t);
	*out = t;
	return 0;
}

int sip_txn_respond(struct sip_txn *t, struct sip_msg *resp)
{
	int rc = 0;
	if (t->state == TS_TERMINATED || t->state == TS_COMPLETED || t->state == TS_CONFIRMED ||
	    t->state == TS_ACCEPTED) {
		rc = -EALREADY;
		goto out;
	}
	buf_reset(&t->wire);
	fill_rport(resp, &t->dst);
	rc = sip_msg_print(resp, &t->wire);
	if (rc)
		goto out;
	t->last_status = resp->status;
	send_wire(t);
	if (resp->status < 200) {
		if (t->state == TS_TRYING)
			t->state = TS_PROCEEDING;
		goto out;
	}
	tmr_stop(&t->t_timeout);
	if (t->invite && resp->status < 300) {
		/* RFC 3261 13.3.1.4: the 2xx is retransmitted until the ACK on
		 * every transport, as a hop beyond the next one may be UDP (a
		 * proxy does not recover a 2xx lost there; only the UAS does) */
		t->state = TS_ACCEPTED;
		t->retx_ms = SIP_T1_MS;
		tmr_start(&t->t_retx, t->retx_ms, server_retx, t);
		tmr_start(&t->t_timeout, 64 * SIP_T1_MS, server_timeout, t);
	} else if (t->invite) {
		t->state = TS_COMPLETED;
		if (!reliable(t)) {
			t->retx_ms = SIP_T1_MS;
			tmr_start(&t->t_retx, t->retx_ms, server_retx, t);
		}
		tmr_start(&t->t_timeout, 64 * SIP_T1_MS, server_timeout, t); /* H */
	} else {
		t->state = TS_COMPLETED;
		tmr_start(&t->t_timeout, reliable(t) ? 0 : 64 * SIP_T1_MS, server_timeout, t); /* J */
	}
out:
	sip_msg_free(resp);
	return rc;
}

void sip_txn_set_noack(struct sip_txn *t, sip_txn_noack_fn fn, void *arg)
{
	t->noack = fn;
	t->arg = arg;
}

void sip_txn_server_acked(struct sip_txn *t)
{
	if (t->state != TS_ACCEPTED)
		return;
	t->noack = NULL;
	finish(t, 0);
}

struct sip_txn *sip_txn_find_invite_server(const struct sip_msg *cancel)
{
	const struct sip_via *v = cancel->nvia ? &cancel->via[0] : NULL;
	char sentby[300] = "", key[160];
	if (v)
		snprintf(sentby, sizeof(sentby), "%s:%d", v->host, v->port);
	make_key(key, sizeof(key), true, v ? v->branch : "", "INVITE", sentby);
	return find(key);
}

const struct sip_msg *sip_txn_server_request(const struct sip_txn *t)
{
	return t->req;
}

int sip_txn_last_status(const struct sip_txn *t)
{
	return t->last_status;
}

void sip_txn_detach(struct sip_txn *t)
{
	if (!t)
		return;
	t->fn = NULL;
	t->noack = NULL;
	t->arg = NULL;
}

unsigned sip_txn_count(void)
{
	return g_count;
}

void sip_txn_fini(void)
{
	for (unsigned i = 0; i < NBUCKETS; i++)
		while (g_tab[i])
			destroy(g_tab[i]);
}
