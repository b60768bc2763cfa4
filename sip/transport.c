/* transport.c - UDP listeners, TCP/TLS listeners and connections on the event loop (see transport.h). */
#include "sip/transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "sip/conn_log.h"
#include "sip/msg.h"
#include "sip/transport_int.h"

struct sip_transport_state T;

const char *sip_proto_name(enum sip_proto p)
{
	static const char *const n[] = { "udp", "tcp", "tls" };
	return p < SIP_PROTO_COUNT ? n[p] : "?";
}

const char *sip_proto_upper(enum sip_proto p)
{
	static const char *const n[] = { "UDP", "TCP", "TLS" };
	return p < SIP_PROTO_COUNT ? n[p] : "?";
}

/* Decimal digits of v at o; the count.  (Formatting addresses is on every
 * message's path: Via, Contact, keys; no printf.) */
static size_t put_uint(char *o, unsigned v)
{
	char t[10];
	size_t k = 0, n = 0;
	do
		t[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k)
		o[n++] = t[--k];
	return n;
}

/* Dotted quad of an IPv4 address (network order) at o (16 bytes); the length. */
static size_t put_v4(char *o, const struct in_addr *a)
{
	const unsigned char *b = (const unsigned char *)&a->s_addr;
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		if (i)
			o[n++] = '.';
		n += put_uint(o + n, b[i]);
	}
	o[n] = '\0';
	return n;
}

/* Copy t[0..len) to buf as snprintf would (truncated, NUL-terminated). */
static void put_out(char *buf, size_t n, const char *t, size_t len)
{
	if (!n)
		return;
	if (len >= n)
		len = n - 1;
	memcpy(buf, t, len);
	buf[len] = '\0';
}

const char *sip_addr_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN + 16] = "?";
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, INET6_ADDRSTRLEN);
		snprintf(buf, n, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		size_t k = put_v4(a, &s4->sin_addr);
		a[k++] = ':';
		k += put_uint(a + k, ntohs(s4->sin_port));
		put_out(buf, n, a, k);
	}
	return buf;
}

const char *sip_addr_host(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, (socklen_t)n);
	else if (n >= INET_ADDRSTRLEN)
		put_v4(buf, &((const struct sockaddr_in *)ss)->sin_addr);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)n);
	return buf;
}

uint16_t sip_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

bool sip_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
	const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
	return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}

int sip_addr_parse(const char *host, uint16_t port, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	char h[INET6_ADDRSTRLEN + 2];
	snprintf(h, sizeof(h), "%s", host);
	if (h[0] == '[') {
		size_t l = strlen(h);
		if (l > 2 && h[l - 1] == ']') {
			memmove(h, h + 1, l - 2);
			h[l - 2] = '\0';
		}
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;
	if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* ------------------------------------------------------------------ */
/* UDP                                                                  */

static void udp_cb(void *arg, uint32_t events)
{
	struct sip_listener *l = arg;
	(void)events;
	for (int i = 0; i < 64; i++) {
		char data[SIP_MAX_DGRAM + 1];
		struct sip_src src = { .proto = SIP_PROTO_UDP, .udp_fd = l->fd };
		socklen_t sl = sizeof(src.remote);
		ssize_t n = recvfrom(l->fd, data, SIP_MAX_DGRAM, MSG_DONTWAIT, (struct sockaddr *)&src.remote, &sl);
		if (n < 0)
			return;
		src.local = l->addr;
		/* RFC 5626 keep-alive over UDP: a lone CRLFCRLF is answered with CRLF */
		if (n == 4 && !memcmp(data, "\r\n\r\n", 4)) {
			sendto(l->fd, "\r\n", 2, MSG_DONTWAIT, (struct sockaddr *)&src.remote, ss_len(&src.remote));
			continue;
		}
		if (n <= 2)
			continue;
		data[n] = '\0';
		T.rx(data, (size_t)n, &src);
	}
}

/* ------------------------------------------------------------------ */
/* listeners                                                            */

void sip_sock_set_tos(int fd, int family, int tos)
{
	if (family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	else
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
}

static int open_listener(struct sip_listener *l, char *err, size_t errsz)
{
	char a[80];
	int type = l->proto == SIP_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(l->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	sip_sock_set_tos(fd, l->addr.ss_family, SIP_DSCP_CS3_TOS);
	if (bind(fd, (struct sockaddr *)&l->addr, ss_len(&l->addr)) < 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		goto fail;
	if (l->proto == SIP_PROTO_UDP) {
		int sz = 1 << 20;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	l->fd = fd;
	int rc = loop_add(fd, EPOLLIN, l->proto == SIP_PROTO_UDP ? udp_cb : sip_stream_accept_cb, l);
	if (rc) {
		close(fd);
		l->fd = -1;
		snprintf(err, errsz, "cannot watch listen socket: %s", strerror(-rc));
		return rc;
	}
	return 0;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	snprintf(err, errsz, "Failed to open listen socket for ip_addr=%s, transport=%s: %s",
		 sip_addr_str(&l->addr, a, sizeof(a)), sip_proto_upper(l->proto), strerror(e));
	return -e;
}

static void close_listener(struct sip_listener *l)
{
	if (l->fd >= 0) {
		loop_del(l->fd);
		close(l->fd);
	}
	l->fd = -1;
}

static bool spec_listed(const struct sip_listener *l, const struct sip_listen_spec *specs, int n)
{
	for (int i = 0; i < n; i++)
		if (l->proto == specs[i].proto && sip_addr_equal(&l->addr, &specs[i].addr))
			return true;
	return false;
}

int sip_transport_listen(const struct sip_listen_spec *specs, int n, char *err, size_t errsz)
{
	/* close what is no longer wanted first (a wildcard listener on a port
	 * blocks a specific address on the same port), open the new ones; if one
	 * cannot open, put the old set back */
	struct sip_listener *closed = NULL, **pp = &T.listeners;
	while (*pp) {
		struct sip_listener *l = *pp;
		if (!spec_listed(l, specs, n)) {
			*pp = l->next;
			close_listener(l);
			l->next = closed;
			closed = l;
		} else
			pp = &l->next;
	}
	struct sip_listener *opened = NULL;
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		bool have = false;
		for (struct sip_listener *l = T.listeners; l && !have; l = l->next)
			have = l->proto == specs[i].proto && sip_addr_equal(&l->addr, &specs[i].addr);
		for (struct sip_listener *l = opened; l && !have; l = l->next)
			have = l->proto == specs[i].proto && sip_addr_equal(&l->addr, &specs[i].addr);
		if (have)
			continue;
		struct sip_listener *l = calloc(1, sizeof(*l));
		if (!l) {
			rc = -ENOMEM;
			snprintf(err, errsz, "out of memory");
			break;
		}
		l->proto = specs[i].proto;
		l->addr = specs[i].addr;
		l->fd = -1;
		l->id = ++T.next_id;
		rc = open_listener(l, err, errsz);
		if (rc) {
			free(l);
			break;
		}
		l->next = opened;
		opened = l;
	}
	if (rc) {
		log_msg(2, "SIP", "LISTEN_SOCKET", "%s", err);
		while (opened) {
			struct sip_listener *l = opened;
			opened = l->next;
			close_listener(l);
			free(l);
		}
		char e2[256];
		while (closed) {
			struct sip_listener *l = closed;
			closed = l->next;
			if (open_listener(l, e2, sizeof(e2)) == 0) {
				l->next = T.listeners;
				T.listeners = l;
			} else
				free(l);
		}
		return rc;
	}
	while (closed) {
		struct sip_listener *l = closed;
		closed = l->next;
		free(l);
	}
	while (opened) {
		struct sip_listener *l = opened;
		opened = l->next;
		l->next = T.listeners;
		T.listeners = l;
	}
	return 0;
}

void sip_transport_init(sip_rx_fn rx)
{
	memset(&T, 0, sizeof(T));
	T.rx = rx;
	T.aging_sec = 5 * 60;
	T.establish_sec = 20;
	sip_stream_init();
}

void sip_transport_fini(void)
{
	sip_stream_fini();
	while (T.listeners) {
		struct sip_listener *l = T.listeners;
		T.listeners = l->next;
		close_listener(l);
		free(l);
	}
}

void sip_transport_set_tls_server(struct tls_policy *p)
{
	T.tls_server = p;
}

void sip_transport_set_tls_server_for(sip_tls_server_for_fn fn)
{
	T.tls_server_for = fn;
}

void sip_transport_set_timers(int aging_sec, int establish_sec, bool reuse_inbound)
{
	T.aging_sec = aging_sec > 0 ? aging_sec : 5 * 60;
	T.establish_sec = establish_sec > 0 ? establish_sec : 20;
	T.reuse_inbound = reuse_inbound;
}

static int udp_fd_for(const struct sip_dest *dst)
{
	if (dst->udp_fd >= 0) {
		for (struct sip_listener *l = T.listeners; l; l = l->next)
			if (l->fd == dst->udp_fd)
				return l->fd;
	}
	struct sip_listener *any = NULL;
	for (struct sip_listener *l = T.listeners; l; l = l->next) {
		if (l->proto != SIP_PROTO_UDP || l->addr.ss_family != dst->addr.ss_family)
			continue;
		/* prefer a listener on the same loopback-ness/address family */
		if (!any)
			any = l;
	}
	return any ? any->fd : -1;
}

/* One datagram from the shared listener socket fd; a dial-peer's TOS other
 * than the socket's own (CS3) goes with it as an IP_TOS / IPV6_TCLASS control
 * message.  sendto's result. */
static ssize_t udp_send(int fd, const struct sip_dest *dst, const char *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)data, .iov_len = len };
	struct msghdr mh = { .msg_name = (void *)(uintptr_t)&dst->addr, .msg_namelen = ss_len(&dst->addr),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	int tos = dst->tos;

	if (!dst->tos_set || dst->tos == SIP_DSCP_CS3_TOS)
		return sendto(fd, data, len, MSG_DONTWAIT, (const struct sockaddr *)&dst->addr, ss_len(&dst->addr));
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = dst->addr.ss_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	cm->cmsg_type = dst->addr.ss_family == AF_INET6 ? IPV6_TCLASS : IP_TOS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &tos, sizeof(tos));
	return sendmsg(fd, &mh, MSG_DONTWAIT);
}

int sip_transport_send(const struct sip_dest *dst, const char *data, size_t len,
		       sip_send_fail_fn fail, void *arg)
{
	if (dst->proto == SIP_PROTO_UDP) {
		int fd = udp_fd_for(dst);
		if (fd < 0) {
			T.stats[SIP_PROTO_UDP].send_failures++;
			return -ENOTCONN;
		}
		if (udp_send(fd, dst, data, len) < 0) {
			T.stats[SIP_PROTO_UDP].send_failures++;
			return -errno;
		}
		return 0;
	}
	return sip_stream_send(dst, data, len, fail, arg);
}

int sip_transport_local_for(const struct sip_dest *dst, struct sockaddr_storage *out)
{
	if (dst->proto == SIP_PROTO_UDP) {
		int fd = udp_fd_for(dst);
		for (struct sip_listener *l = T.listeners; l; l = l->next)
			if (l->fd == fd) {
				*out = l->addr;
				return 0;
			}
		return -ENOENT;
	}
	/* streams: the listener of that protocol (the address peers connect back to) */
	for (struct sip_listener *l = T.listeners; l; l = l->next)
		if (l->proto == dst->proto && l->addr.ss_family == dst->addr.ss_family) {
			*out = l->addr;
			return 0;
		}
	return -ENOENT;
}

void sip_transport_foreach_listener(sip_listen_iter_fn fn, void *arg)
{
	for (struct sip_listener *l = T.listeners; l; l = l->next) {
		struct sip_listen_info li = { l->id, l->proto, l->addr };
		fn(arg, &li);
	}
}

const struct sip_transport_stats *sip_transport_stats(enum sip_proto p)
{
	return &T.stats[p < SIP_PROTO_COUNT ? p : SIP_PROTO_UDP];
}

static struct {
	struct sip_conn_failure v[SIP_CONN_FAIL_KEEP];
	unsigned n;
} g_cfail[SIP_PROTO_COUNT];     /* rings of the last connection failures */

static void conn_err_text(int err, char *buf, size_t n)
{
	switch (-err) {
	case ECONNREFUSED: snprintf(buf, n, "connection refused"); return;
	case ETIMEDOUT: snprintf(buf, n, "timed out"); return;
	case EHOSTUNREACH: snprintf(buf, n, "host unreachable"); return;
	case ENETUNREACH: snprintf(buf, n, "network unreachable"); return;
	case ECONNRESET: snprintf(buf, n, "connection reset"); return;
	default:
		snprintf(buf, n, "%s", strerror(-err));
		if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
	}
}

void sip_conn_failed(enum sip_proto proto, const struct sockaddr_storage *remote, uint32_t dial_peer,
		     int err, const char *why)
{
	if (proto >= SIP_PROTO_COUNT)
		return;
	T.stats[proto].conn_failures++;
	struct sip_conn_failure *f = &g_cfail[proto].v[g_cfail[proto].n++ % SIP_CONN_FAIL_KEEP];
	f->when = time(NULL);
	f->proto = proto;
	f->dial_peer = dial_peer;
	f->remote = *remote;
	if (why)
		snprintf(f->reason, sizeof(f->reason), "%s", why);
	else
		conn_err_text(err, f->reason, sizeof(f->reason));
	sip_connlog_failure(f);
}

void sip_transport_foreach_conn_failure(enum sip_proto p,
					void (*fn)(void *arg, const struct sip_conn_failure *f), void *arg)
{
	if (p >= SIP_PROTO_COUNT)
		return;
	unsigned total = g_cfail[p].n, n = total < SIP_CONN_FAIL_KEEP ? total : SIP_CONN_FAIL_KEEP;
	for (unsigned i = 0; i < n; i++)
		fn(arg, &g_cfail[p].v[(total - n + i) % SIP_CONN_FAIL_KEEP]);
}

void sip_transport_clear_stats(void)
{
	memset(&T.stats, 0, sizeof(T.stats));
}
