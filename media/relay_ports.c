/* relay_ports.c - RTP/RTCP port pairs from the `rtp-port range` (see relay.h).
 *
 * Pair i is RTP port first + 2i and RTCP port first + 2i + 1, first being the
 * lowest even port of the range; the last pair must fit whole.  Free pairs are
 * kept in a FIFO ring of indices: allocation pops the head, release pushes the
 * tail (a port just released is reused last, so late packets of the previous
 * call do not reach the next one).  Main thread only; no locks. */
#include "media/relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

struct relay_ports {
	uint16_t first;          /* RTP port of pair 0 (even) */
	uint32_t npairs;
	uint32_t *ring;          /* free pair indices, FIFO; owned */
	uint32_t head, nfree;
	uint8_t *out;            /* out[i]: pair i is handed out; owned */
	bool retired;            /* relay_ports_free() was called with pairs out */
};

#define RELAY_DSCP_EF 0xb8   /* DSCP 46 (expedited forwarding) in the TOS byte */

int relay_ports_new(uint16_t lo, uint16_t hi, struct relay_ports **out)
{
	if (!lo && !hi) {
		lo = RELAY_PORT_LO_DEFAULT;
		hi = RELAY_PORT_HI_DEFAULT;
	}
	uint32_t first = (lo + 1u) & ~1u;
	if (!lo || hi < lo || first + 1u > hi)
		return -EINVAL;
	struct relay_ports *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->first = (uint16_t)first;
	p->npairs = (hi - first + 1u) / 2u;
	p->ring = malloc(sizeof(*p->ring) * p->npairs);
	p->out = calloc(p->npairs, 1);
	if (!p->ring || !p->out) {
		free(p->ring);
		free(p->out);
		free(p);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < p->npairs; i++)
		p->ring[i] = i;
	p->nfree = p->npairs;
	*out = p;
	return 0;
}

int relay_ports_new_cfg(const struct cfg *c, struct relay_ports **out)
{
	return relay_ports_new(c->voice.rtp_port_lo, c->voice.rtp_port_hi, out);
}

static void ports_destroy(struct relay_ports *p)
{
	free(p->ring);
	free(p->out);
	free(p);
}

void relay_ports_free(struct relay_ports *p)
{
	if (!p)
		return;
	if (p->nfree == p->npairs)
		ports_destroy(p);
	else
		p->retired = true;
}

unsigned relay_ports_avail(const struct relay_ports *p) { return p->nfree; }
unsigned relay_ports_total(const struct relay_ports *p) { return p->npairs; }

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static int set_tos(int fd, int family, int tos)
{
	int rc = family == AF_INET6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos))
				    : setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return rc < 0 ? -errno : 0;
}

int relay_pair_set_tos(const struct relay_pair *pair, int tos)
{
	int family = pair->local.ss_family, rc = 0;
	if (pair->rtp_fd >= 0)
		rc = set_tos(pair->rtp_fd, family, tos);
	if (!rc && pair->rtcp_fd >= 0)
		rc = set_tos(pair->rtcp_fd, family, tos);
	return rc;
}

/* One non-blocking UDP socket bound on addr:port; the fd or -errno. */
static int bind_one(const struct sockaddr_storage *addr, uint16_t port)
{
	struct sockaddr_storage a = *addr;
	int one = 1;
	socklen_t alen = a.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd = socket(a.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	set_port(&a, port);
	if (a.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	(void)set_tos(fd, a.ss_family, RELAY_DSCP_EF);
	if (bind(fd, (struct sockaddr *)&a, alen) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

static int bind_pair(const struct sockaddr_storage *addr, uint16_t port, bool mux, struct relay_pair *out)
{
	int rtp = bind_one(addr, port);
	if (rtp < 0)
		return rtp;
	int rtcp = -1;
	if (!mux) {
		rtcp = bind_one(addr, (uint16_t)(port + 1));
		if (rtcp < 0) {
			close(rtp);
			return rtcp;
		}
	}
	out->rtp_fd = rtp;
	out->rtcp_fd = rtcp;
	out->port = port;
	out->local = *addr;
	set_port(&out->local, port);
	return 0;
}

int relay_ports_alloc(struct relay_ports *p, const struct sockaddr_storage *addr, bool rtcp_mux,
		      struct relay_pair *out)
{
	if (addr->ss_family != AF_INET && addr->ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	/* Pairs held by some other socket go to the back of the ring: at most
	 * one pass over the free pairs. */
	for (uint32_t tries = p->nfree; tries; tries--) {
		uint32_t idx = p->ring[p->head];
		p->head = (p->head + 1) % p->npairs;
		p->nfree--;
		int rc = bind_pair(addr, (uint16_t)(p->first + 2u * idx), rtcp_mux, out);
		if (!rc) {
			p->out[idx] = 1;
			return 0;
		}
		p->ring[(p->head + p->nfree) % p->npairs] = idx;
		p->nfree++;
		if (rc != -EADDRINUSE)
			return rc == -EADDRNOTAVAIL ? -EINVAL : rc;
	}
	return -EADDRNOTAVAIL;
}

void relay_pair_close(struct relay_pair *pair)
{
	if (pair->rtp_fd >= 0)
		close(pair->rtp_fd);
	if (pair->rtcp_fd >= 0)
		close(pair->rtcp_fd);
	pair->rtp_fd = pair->rtcp_fd = -1;
}

void relay_ports_release(struct relay_ports *p, struct relay_pair *pair)
{
	bool had = pair->rtp_fd >= 0;
	relay_pair_close(pair);
	if (!had || pair->port < p->first || (pair->port - p->first) & 1u)
		return;
	uint32_t idx = (uint32_t)(pair->port - p->first) / 2u;
	if (idx >= p->npairs || !p->out[idx])
		return;
	p->out[idx] = 0;
	p->ring[(p->head + p->nfree) % p->npairs] = idx;
	p->nfree++;
	if (p->retired && p->nfree == p->npairs)
		ports_destroy(p);
}

/* ------------------------------------------------------------------ */
/* The media address                                                    */

static int addr_parse(const char *s, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *a4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static int if_addr(const char *ifname, int family, struct sockaddr_storage *out)
{
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa))
		return -errno;
	int rc = -ENOENT;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family || strcmp(i->ifa_name, ifname))
			continue;
		if (family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			continue;
		memset(out, 0, sizeof(*out));
		memcpy(out, i->ifa_addr, family == AF_INET6 ? sizeof(struct sockaddr_in6)
							    : sizeof(struct sockaddr_in));
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	return rc;
}

int relay_media_addr(const struct cfg *c, int family, struct sockaddr_storage *out)
{
	const struct cfg_voice_sip *s = &c->voice.sip;
	int rc;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (s->bind_media_addr[0]) {
		if ((rc = addr_parse(s->bind_media_addr, out)))
			return rc;
		return out->ss_family == family ? 0 : -EAFNOSUPPORT;
	}
	if (s->bind_media_if[0])
		return if_addr(s->bind_media_if, family, out);
	return addr_parse(family == AF_INET ? "0.0.0.0" : "::", out);
}
