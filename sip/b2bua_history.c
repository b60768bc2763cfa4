/* b2bua_history.c - the ring of ended calls (see b2bua_history.h). */
#include "sip/b2bua_history.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "sip/b2bua_int.h"
#include "sip/sipdebug.h"

static struct b2bua_history_rec g_ring[B2BUA_HISTORY_MAX];
static unsigned g_head, g_used;      /* next slot to write, records held */

int b2bua_history_q850(int st)
{
	static const struct { int sip, q850; } map[] = {
		{ 0, 16 },    { 400, 41 }, { 401, 21 }, { 402, 21 }, { 403, 21 }, { 404, 1 },
		{ 405, 63 },  { 406, 79 }, { 407, 21 }, { 408, 102 }, { 410, 22 }, { 413, 127 },
		{ 414, 127 }, { 415, 79 }, { 416, 127 }, { 420, 127 }, { 421, 127 }, { 423, 127 },
		{ 480, 18 },  { 481, 41 }, { 482, 25 }, { 483, 25 }, { 484, 28 }, { 485, 1 },
		{ 486, 17 },  { 487, 16 }, { 488, 88 }, { 500, 41 }, { 501, 79 }, { 502, 38 },
		{ 503, 41 },  { 504, 102 }, { 505, 127 }, { 513, 127 }, { 600, 17 }, { 603, 21 },
		{ 604, 1 },   { 606, 88 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].sip == st)
			return map[i].q850;
	return 31; /* normal, unspecified */
}

const char *b2bua_history_q850_text(int cause)
{
	switch (cause) {
	case 1: return "unassigned number";
	case 16: return "normal call clearing";
	case 17: return "user busy";
	case 18: return "no user responding";
	case 21: return "call rejected";
	case 22: return "number changed";
	case 25: return "exchange routing error";
	case 28: return "invalid number format";
	case 34: return "no circuit/channel available";
	case 38: return "network out of order";
	case 41: return "temporary failure";
	case 63: return "service or option not available";
	case 79: return "service or option not implemented";
	case 88: return "incompatible destination";
	case 102: return "recovery on timer expiry";
	case 127: return "interworking, unspecified";
	default: return "normal, unspecified";
	}
}

const char *b2bua_history_releaser_name(enum b2bua_releaser by)
{
	switch (by) {
	case B2BUA_REL_CALLER: return "caller";
	case B2BUA_REL_CALLEE: return "callee";
	default: return "Tollgate";
	}
}

void b2bua_history_release(struct call *c, int sip_status, const char *reason, int q850,
			   enum b2bua_releaser by, const char *why)
{
	struct b2bua_release *p = &c->rel;
	if (p->set)
		return; /* the first note counts */
	p->set = true;
	p->sip_status = sip_status;
	p->q850 = q850;
	p->by = by;
	snprintf(p->reason, sizeof(p->reason), "%s", reason ? reason : "");
	snprintf(p->why, sizeof(p->why), "%s", why ? why : "");
}

static void copy_leg(struct b2bua_history_leg *h, const struct leg *l, const struct media_call *mc,
		     int media_leg, uint32_t dial_peer, bool answer)
{
	h->present = l->call_id[0] != '\0';
	snprintf(h->calling, sizeof(h->calling), "%s", l->calling);
	snprintf(h->called, sizeof(h->called), "%s", l->called);
	h->dial_peer = dial_peer;
	h->answer = answer;
	h->proto = l->dest.proto;
	h->remote = l->dest.addr;
	media_call_info(mc, media_leg, &h->media);
}

void b2bua_history_add(const struct call *c)
{
	struct b2bua_history_rec *r = &g_ring[g_head];
	memset(r, 0, sizeof(*r));
	r->id = c->id;
	r->start = c->start;
	r->connect = c->connect;
	r->end = time(NULL);
	copy_leg(&r->a, &c->a, c->media, MEDIA_LEG_A, c->in_peer, true);
	copy_leg(&r->b, &c->b, c->media, MEDIA_LEG_B, c->b.dial_peer, false);

	const struct b2bua_release *p = &c->rel;
	if (p->set) {
		r->sip_status = p->sip_status;
		snprintf(r->sip_reason, sizeof(r->sip_reason), "%s", p->reason);
		r->by = p->by;
		snprintf(r->why, sizeof(r->why), "%s", p->why);
	} else if (c->cancelled) {
		r->sip_status = 487;
		snprintf(r->sip_reason, sizeof(r->sip_reason), "Request Terminated");
		r->by = B2BUA_REL_CALLER;
		snprintf(r->why, sizeof(r->why), "the caller cancelled the call before answer (CANCEL)");
	} else {
		r->by = B2BUA_REL_TOLLGATE;
		snprintf(r->why, sizeof(r->why), "%s",
			 c->connect && !c->a_acked ? "no ACK from the caller for our 200"
						   : "call released by Tollgate (shutdown or error)");
	}
	/* the cause sent with the refusal, else RFC 3398's; a caller's CANCEL
	 * clears the call normally (Q.850 16), not as 487's interworking */
	r->q850 = p->set && p->q850 ? p->q850 : b2bua_history_q850(r->sip_status);

	g_head = (g_head + 1) % B2BUA_HISTORY_MAX;
	if (g_used < B2BUA_HISTORY_MAX)
		g_used++;
	if (sipdbg.dialpeer) {
		char st[16] = "BYE";
		if (r->sip_status)
			snprintf(st, sizeof(st), "%d", r->sip_status);
		sipdbg_printf("CCAPI", "call %u: disconnected, cause 0x%X (%s (%d)), SIP %s, released by %s: %s",
			      r->id, (unsigned)r->q850, b2bua_history_q850_text(r->q850), r->q850, st,
			      b2bua_history_releaser_name(r->by), r->why);
	}
}

void b2bua_history_foreach(b2bua_history_fn fn, void *arg)
{
	unsigned first = (g_head + B2BUA_HISTORY_MAX - g_used) % B2BUA_HISTORY_MAX;
	for (unsigned i = 0; i < g_used; i++)
		fn(arg, &g_ring[(first + i) % B2BUA_HISTORY_MAX]);
}

unsigned b2bua_history_count(void)
{
	return g_used;
}
