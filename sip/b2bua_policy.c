/* b2bua_policy.c - INVITEs refused by a `voice service voip` policy before any
 * dial-peer is hunted: `no allow-connections sip to sip` (CUBE fails such calls
 * with Q.850 cause 63, service or option not available). */
#include <stdio.h>

#include "core/log.h"
#include "sip/b2bua_int.h"

/* RFC 3326: Reason: protocol;cause=N;text="..." */
#define REASON_63 "Q.850;cause=63;text=\"Service or option not available (SIP to SIP not allowed)\""

bool b2bua_sip_to_sip_refused(const struct cfg *cfg, const struct sip_msg *req, const struct sip_src *src)
{
	if (!cfg || cfg->voice.allow_sip_to_sip != CFG_ALLOW_OFF)
		return false;
	char a[80], tag[SIP_TAG_SIZE];
	struct sip_txn *t = NULL;
	struct sip_msg *r = NULL;
	g_b2bua_stats.calls_total++;
	g_b2bua_stats.calls_failed++;
	log_msg(4, "SIP", "SIP_TO_SIP", "INVITE from %s %s refused with 503 (cause 63): SIP-to-SIP calls "
		"are not allowed; enter `allow-connections sip to sip` under `voice service voip`",
		sip_proto_upper(src->proto), sip_addr_str(&src->remote, a, sizeof(a)));
	sip_random_tag(tag, sizeof(tag));
	if (sip_txn_server_new(req, src, &t) ||
	    sip_msg_new_response(&r, req, 503, "Service Unavailable", req->to && req->to->tag ? NULL : tag))
		return true;
	sip_msg_hdr_add(r, "Reason", REASON_63);
	count_resp_out(503);
	sip_txn_respond(t, r);
	return true;
}
