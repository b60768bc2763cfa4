/* srcaddr.c - per-destination cache of the kernel's source address choice
 * (see srcaddr.h). */
#include "sip/srcaddr.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "core/timer.h"

struct slot {               /* one cached answer; owned by the table */
	bool used;
	sa_family_t family;
	unsigned char addr[16]; /* IPv4 in the first 4 bytes */
	uint32_t scope;         /* IPv6 scope id (link-local destinations) */
	struct sockaddr_storage src;
	uint64_t stamp;         /* clock at the kernel's answer */
};

static struct {
	struct slot s[SIP_SRCADDR_SLOTS];
	sip_srcaddr_probe_fn probe;
	sip_srcaddr_clock_fn clock;
	unsigned long hits, probes;
} S;

/* The kernel's answer: connect a UDP socket (no packet is sent) and read back
 * the address it was given. */
static int kernel_probe(const struct sockaddr_storage *dst, struct sockaddr_storage *src)
{
	socklen_t dl = dst->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	socklen_t ml = sizeof(*src);
	int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = 0;
	if (connect(fd, (const struct sockaddr *)dst, dl) < 0 ||
	    getsockname(fd, (struct sockaddr *)src, &ml) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The key of dst: family, address bytes, scope.  false for other families. */
static bool key_of(const struct sockaddr_storage *dst, struct slot *k)
{
	memset(k, 0, sizeof(*k));
	k->family = dst->ss_family;
	if (dst->ss_family == AF_INET) {
		memcpy(k->addr, &((const struct sockaddr_in *)dst)->sin_addr, 4);
		return true;
	}
	if (dst->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)dst;
		memcpy(k->addr, &a->sin6_addr, 16);
		k->scope = a->sin6_scope_id;
		return true;
	}
	return false;
}

static unsigned slot_of(const struct slot *k)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof(k->addr); i++)
		h = (h ^ k->addr[i]) * 16777619u;
	h = (h ^ k->family) * 16777619u;
	h = (h ^ k->scope) * 16777619u;
	return h % SIP_SRCADDR_SLOTS;
}

static void set_port0(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = 0;
	else if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = 0;
}

int sip_srcaddr_for(const struct sockaddr_storage *dst, struct sockaddr_storage *src)
{
	sip_srcaddr_probe_fn probe = S.probe ? S.probe : kernel_probe;
	struct slot k;
	if (!key_of(dst, &k)) {
		S.probes++;
		int rc = probe(dst, src);
		if (!rc)
			set_port0(src);
		return rc;
	}
	uint64_t now = S.clock ? S.clock() : tmr_now_ms();
	struct slot *e = &S.s[slot_of(&k)];
	if (e->used && e->family == k.family && e->scope == k.scope && !memcmp(e->addr, k.addr, 16) &&
	    now - e->stamp < SIP_SRCADDR_TTL_MS) {
		S.hits++;
		*src = e->src;
		return 0;
	}
	S.probes++;
	int rc = probe(dst, src);
	if (rc)
		return rc;
	set_port0(src);
	k.used = true;
	k.src = *src;
	k.stamp = now;
	*e = k;
	return 0;
}

void sip_srcaddr_flush(void)
{
	for (size_t i = 0; i < SIP_SRCADDR_SLOTS; i++)
		S.s[i].used = false;
}

void sip_srcaddr_set_probe(sip_srcaddr_probe_fn fn)
{
	S.probe = fn;
	sip_srcaddr_flush();
}

void sip_srcaddr_set_clock(sip_srcaddr_clock_fn fn)
{
	S.clock = fn;
	sip_srcaddr_flush();
}

void sip_srcaddr_counters(unsigned long *hits, unsigned long *probes)
{
	*hits = S.hits;
	*probes = S.probes;
}
