/* conn_log.c - one log line per outbound TCP/TLS connection that could not be
 * made, rate-limited per remote address so that a dead peer probed by OPTIONS
 * keepalives or a burst of calls does not flood the log (see conn_log.h):
 *   %SIP-3-CONN_FAILED: TCP connection to 127.0.0.1:5090 (dial-peer 200)
 *   failed: connection refused (4 more failures since the last message)
 * A small table remembers, per transport and remote address, when the last
 * line went out and how many failures were kept quiet since; when it is full
 * the entry logged longest ago makes room. */
#include "sip/conn_log.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

static struct connlog_ent {
	bool used;
	enum sip_proto proto;
	struct sockaddr_storage remote;
	time_t logged;        /* monotonic seconds of the last line */
	unsigned suppressed;  /* failures not logged since */
} g_ent[SIP_CONNLOG_KEEP];

bool sip_connlog_due(enum sip_proto p, const struct sockaddr_storage *remote, time_t now,
		     unsigned *suppressed)
{
	struct connlog_ent *e = NULL, *victim = &g_ent[0];
	*suppressed = 0;
	for (int i = 0; i < SIP_CONNLOG_KEEP; i++) {
		struct connlog_ent *x = &g_ent[i];
		if (x->used && x->proto == p && sip_addr_equal(&x->remote, remote)) {
			e = x;
			break;
		}
		if (victim->used && (!x->used || x->logged < victim->logged))
			victim = x;
	}
	if (e && now - e->logged < SIP_CONNLOG_WINDOW) {
		e->suppressed++;
		return false;
	}
	if (e) {
		*suppressed = e->suppressed;
	} else {
		e = victim;
		e->used = true;
		e->proto = p;
		e->remote = *remote;
	}
	e->logged = now;
	e->suppressed = 0;
	return true;
}

void sip_connlog_format(const struct sip_conn_failure *f, unsigned suppressed, char *buf, size_t n)
{
	char a[80], dp[32] = "", more[80] = "";
	if (f->dial_peer)
		snprintf(dp, sizeof(dp), " (dial-peer %u)", (unsigned)f->dial_peer);
	if (suppressed)
		snprintf(more, sizeof(more), " (%u more failure%s since the last message)", suppressed,
			 suppressed == 1 ? "" : "s");
	snprintf(buf, n, "%s connection to %s%s failed: %s%s", sip_proto_upper(f->proto),
		 sip_addr_str(&f->remote, a, sizeof(a)), dp, f->reason, more);
}

void sip_connlog_failure(const struct sip_conn_failure *f)
{
	struct timespec ts;
	unsigned suppressed;
	char line[400];
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!sip_connlog_due(f->proto, &f->remote, ts.tv_sec, &suppressed))
		return;
	sip_connlog_format(f, suppressed, line, sizeof(line));
	log_msg(3, "SIP", "CONN_FAILED", "%s", line);
}

void sip_connlog_reset(void)
{
	memset(g_ent, 0, sizeof(g_ent));
}
