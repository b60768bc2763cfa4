/* b2bua_calls.c - the B2BUA's call table: every call in a list (newest first,
 * for show commands) and two hash indexes by Call-ID (the A leg's, the B
 * leg's).  Adding and removing a call is O(1): removal no longer walks the
 * list of all calls, which cost a walk over every live call at each call's end.
 *
 * Ownership: the table holds borrowed pointers; a call is owned by the table
 * in the sense of b2bua_int.h (freed by call_end after calls_unlink). */
#include <string.h>

#include "sip/b2bua_int.h"

#define CALL_BUCKETS 4096
static struct call *g_calls;                 /* all calls, newest first */
static struct call *g_by_a[CALL_BUCKETS], *g_by_b[CALL_BUCKETS];
static unsigned g_ncalls;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % CALL_BUCKETS;
}

unsigned b2bua_call_count(void)
{
	return g_ncalls;
}

struct call *calls_head(void)
{
	return g_calls;
}

struct call *call_find(const char *call_id, bool *is_a)
{
	if (!call_id)
		return NULL;
	unsigned h = hash(call_id);
	for (struct call *c = g_by_a[h]; c; c = c->hnext_a)
		if (!strcmp(c->a.call_id, call_id) && c->state != CS_DEAD) {
			*is_a = true;
			return c;
		}
	for (struct call *c = g_by_b[h]; c; c = c->hnext_b)
		if (c->b.call_id[0] && !strcmp(c->b.call_id, call_id) && c->state != CS_DEAD) {
			*is_a = false;
			return c;
		}
	return NULL;
}

void calls_link(struct call *c)
{
	c->prev = NULL;
	c->next = g_calls;
	if (g_calls)
		g_calls->prev = c;
	g_calls = c;
	unsigned h = hash(c->a.call_id);
	c->hnext_a = g_by_a[h];
	g_by_a[h] = c;
	g_ncalls++;
}

void calls_index_b(struct call *c)
{
	unsigned h = hash(c->b.call_id);
	c->hnext_b = g_by_b[h];
	g_by_b[h] = c;
}

void calls_unlink(struct call *c)
{
	unsigned h = hash(c->a.call_id);
	for (struct call **pp = &g_by_a[h]; *pp; pp = &(*pp)->hnext_a)
		if (*pp == c) {
			*pp = c->hnext_a;
			break;
		}
	if (c->b.call_id[0]) {
		h = hash(c->b.call_id);
		for (struct call **pp = &g_by_b[h]; *pp; pp = &(*pp)->hnext_b)
			if (*pp == c) {
				*pp = c->hnext_b;
				break;
			}
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		g_calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	g_ncalls--;
}
