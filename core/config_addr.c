/* config_addr.c - session targets (ipv4:/ipv6:/dns:/sip-server) and address
 * prefixes of the configuration model: parse with clear errors, render back
 * in the canonical text the renderer and the grammar share (layer 2). */
#include "core/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static void set_err(char *err, size_t errsz, const char *fmt, const char *arg)
{
	if (err && errsz)
		snprintf(err, errsz, fmt, arg);
}

/* Decimal port 1-65535 with nothing after it. */
static int parse_port(const char *s, uint16_t *out)
{
	if (!*s || strlen(s) > 5)
		return -EINVAL;
	unsigned long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

/* A DNS host name: labels of letters, digits and '-', not starting or ending
 * with '-', 1-63 characters each, 253 in all, one optional trailing dot. */
static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	size_t lab = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!isalnum((unsigned char)ch) && ch != '-' && ch != '_')
			return false;
		if (ch == '-' && lab == 0)
			return false;
		if (++lab > 63)
			return false;
	}
	return s[n - 1] != '-';
}

static int canon(int af, const char *in, char *out, size_t outsz)
{
	unsigned char bin[16];
	if (inet_pton(af, in, bin) != 1)
		return -EINVAL;
	if (af == AF_INET && outsz >= INET_ADDRSTRLEN) {
		/* what inet_ntop prints, without its sprintf (a config has thousands) */
		char *p = out;
		for (int i = 0; i < 4; i++) {
			unsigned v = bin[i];
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return 0;
	}
	if (!inet_ntop(af, bin, out, (socklen_t)outsz))
		return -EINVAL;
	return 0;
}

int cfg_target_parse(const char *s, struct cfg_target *out, char *err, size_t errsz)
{
	struct cfg_target t;
	char tmp[CFG_TARGET_LEN];
	memset(&t, 0, sizeof(t));
	if (!s || !*s) {
		set_err(err, errsz, "empty session target%s", "");
		return -EINVAL;
	}
	if (!strcasecmp(s, "sip-server")) {
		t.kind = CFG_TARGET_SIP_SERVER;
		*out = t;
		return 0;
	}
	if (strlen(s) >= sizeof(tmp)) {
		set_err(err, errsz, "session target too long%s", "");
		return -ENAMETOOLONG;
	}
	if (!strncasecmp(s, "ipv4:", 5)) {
		memcpy(tmp, s + 5, strlen(s + 5) + 1); /* fits: checked above */
		char *colon = strchr(tmp, ':');
		if (colon) {
			*colon = '\0';
			if (parse_port(colon + 1, &t.port)) {
				set_err(err, errsz, "invalid port '%s' (1-65535)", colon + 1);
				return -EINVAL;
			}
		}
		if (canon(AF_INET, tmp, t.host, sizeof(t.host))) {
			set_err(err, errsz, "invalid IPv4 address '%s'", tmp);
			return -EINVAL;
		}
		t.kind = CFG_TARGET_IPV4;
	} else if (!strncasecmp(s, "ipv6:", 5)) {
		memcpy(tmp, s + 5, strlen(s + 5) + 1); /* fits: checked above */
		char *addr = tmp;
		if (*addr == '[') {
			char *close = strchr(addr, ']');
			if (!close) {
				set_err(err, errsz, "missing ']' in IPv6 target '%s'", s);
				return -EINVAL;
			}
			*close = '\0';
			addr++;
			if (close[1] == ':') {
				if (parse_port(close + 2, &t.port)) {
					set_err(err, errsz, "invalid port '%s' (1-65535)", close + 2);
					return -EINVAL;
				}
			} else if (close[1]) {
				set_err(err, errsz, "unexpected text after ']' in '%s'", s);
				return -EINVAL;
			}
		}
		if (canon(AF_INET6, addr, t.host, sizeof(t.host))) {
			set_err(err, errsz, "invalid IPv6 address '%s'", addr);
			return -EINVAL;
		}
		t.kind = CFG_TARGET_IPV6;
	} else if (!strncasecmp(s, "dns:", 4)) {
		memcpy(tmp, s + 4, strlen(s + 4) + 1);
		char *colon = strchr(tmp, ':');
		if (colon) {
			*colon = '\0';
			if (parse_port(colon + 1, &t.port)) {
				set_err(err, errsz, "invalid port '%s' (1-65535)", colon + 1);
				return -EINVAL;
			}
		}
		if (!valid_hostname(tmp)) {
			set_err(err, errsz, "invalid host name '%s'", tmp);
			return -EINVAL;
		}
		snprintf(t.host, sizeof(t.host), "%s", tmp);
		t.kind = CFG_TARGET_DNS;
	} else {
		set_err(err, errsz, "invalid session target '%s' (ipv4:, ipv6:, dns: or sip-server)", s);
		return -EINVAL;
	}
	*out = t;
	return 0;
}

const char *cfg_target_str(const struct cfg_target *t, char *buf, size_t bufsz)
{
	if (!bufsz)
		return buf;
	buf[0] = '\0';
	switch (t->kind) {
	case CFG_TARGET_IPV4:
		if (t->port)
			snprintf(buf, bufsz, "ipv4:%s:%u", t->host, (unsigned)t->port);
		else
			snprintf(buf, bufsz, "ipv4:%s", t->host);
		break;
	case CFG_TARGET_IPV6:
		if (t->port)
			snprintf(buf, bufsz, "ipv6:[%s]:%u", t->host, (unsigned)t->port);
		else
			snprintf(buf, bufsz, "ipv6:[%s]", t->host);
		break;
	case CFG_TARGET_DNS:
		if (t->port)
			snprintf(buf, bufsz, "dns:%s:%u", t->host, (unsigned)t->port);
		else
			snprintf(buf, bufsz, "dns:%s", t->host);
		break;
	case CFG_TARGET_SIP_SERVER:
		snprintf(buf, bufsz, "sip-server");
		break;
	case CFG_TARGET_NONE:
		break;
	}
	return buf;
}

/* ------------------------------------------------------------------ */
/* prefixes                                                             */

/* "/LEN" or "LEN" with 0 <= LEN <= max. */
static int parse_len(const char *s, unsigned max, uint8_t *out)
{
	if (*s == '/')
		s++;
	if (!*s || strlen(s) > 3)
		return -EINVAL;
	unsigned v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = (uint8_t)v;
	return 0;
}

/* Length of a contiguous dotted mask, or -EINVAL. */
static int mask_len(const char *mask)
{
	struct in_addr m;
	if (inet_pton(AF_INET, mask, &m) != 1)
		return -EINVAL;
	uint32_t v = ntohl(m.s_addr);
	uint32_t inv = ~v;
	if (inv & (inv + 1)) /* ones must be contiguous from the top */
		return -EINVAL;
	int n = 0;
	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	return n;
}

int cfg_prefix_parse(const char *addr, const char *mask, struct cfg_prefix *out,
		     char *err, size_t errsz)
{
	struct cfg_prefix p;
	char a[CFG_ADDR_LEN];
	memset(&p, 0, sizeof(p));
	if (!addr || !*addr || strlen(addr) >= sizeof(a)) {
		set_err(err, errsz, "invalid address '%s'", addr ? addr : "");
		return -EINVAL;
	}
	if (mask && !*mask)
		mask = NULL;
	snprintf(a, sizeof(a), "%s", addr);
	char *slash = strchr(a, '/');
	const char *lentext = NULL;
	if (slash) {
		*slash = '\0';
		lentext = slash + 1;
		if (mask) {
			set_err(err, errsz, "prefix length given twice for '%s'", addr);
			return -EINVAL;
		}
	}
	p.family = strchr(a, ':') ? AF_INET6 : AF_INET;
	if (canon(p.family, a, p.addr, sizeof(p.addr))) {
		set_err(err, errsz, p.family == AF_INET ? "invalid IPv4 address '%s'"
							: "invalid IPv6 address '%s'", a);
		return -EINVAL;
	}
	unsigned max = p.family == AF_INET ? 32 : 128;
	if (!lentext && mask && mask[0] == '/')
		lentext = mask;
	if (lentext) {
		if (parse_len(lentext, max, &p.len)) {
			set_err(err, errsz, p.family == AF_INET
				? "invalid prefix length '%s' (0-32)"
				: "invalid prefix length '%s' (0-128)", lentext);
			return -EINVAL;
		}
		p.len_given = true;
	} else if (mask) {
		if (p.family != AF_INET) {
			set_err(err, errsz, "IPv6 takes a prefix length, not the mask '%s'", mask);
			return -EINVAL;
		}
		int n = mask_len(mask);
		if (n < 0) {
			set_err(err, errsz, "invalid network mask '%s'", mask);
			return -EINVAL;
		}
		p.len = (uint8_t)n;
		p.mask_dotted = true;
		p.len_given = true;
	} else {
		p.len = (uint8_t)max;
	}
	*out = p;
	return 0;
}

const char *cfg_prefix_str(const struct cfg_prefix *p, char *buf, size_t bufsz)
{
	if (!bufsz)
		return buf;
	if (!p->len_given) {
		snprintf(buf, bufsz, "%s", p->addr);
	} else if (p->family == AF_INET6) {
		snprintf(buf, bufsz, "%s/%u", p->addr, (unsigned)p->len);
	} else if (p->mask_dotted) {
		uint32_t m = p->len ? 0xffffffffu << (32 - p->len) : 0;
		struct in_addr ia = { htonl(m) };
		char ms[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &ia, ms, sizeof(ms));
		snprintf(buf, bufsz, "%s %s", p->addr, ms);
	} else {
		snprintf(buf, bufsz, "%s /%u", p->addr, (unsigned)p->len);
	}
	return buf;
}

bool cfg_prefix_equal(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	return a->family == b->family && !strcmp(a->addr, b->addr) && a->len == b->len &&
	       a->mask_dotted == b->mask_dotted && a->len_given == b->len_given;
}

bool cfg_prefix_contains(const struct cfg_prefix *p, const struct sockaddr_storage *a)
{
	unsigned char net[16], addr[16];
	int bytes = p->family == AF_INET6 ? 16 : 4;
	if (p->family != a->ss_family || inet_pton(p->family, p->addr, net) != 1)
		return false;
	if (p->family == AF_INET6)
		memcpy(addr, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	else
		memcpy(addr, &((const struct sockaddr_in *)a)->sin_addr, 4);
	int len = p->len_given ? p->len : bytes * 8;
	for (int i = 0; i < bytes && len > 0; i++, len -= 8) {
		unsigned char m = len >= 8 ? 0xff : (unsigned char)(0xff << (8 - len));
		if ((net[i] & m) != (addr[i] & m))
			return false;
	}
	return true;
}
