/* config_yaml_shape.c - the YAML loader's keyed collections (two passes:
 * create every object first, then fill them, so references resolve whatever
 * the order of the file) and the one-off shapes of the schema: trusted list,
 * rtp-port range, revocation methods, curves, uri hosts, TLS version,
 * options-keepalive and remote-addr prefixes (layer 2). */
#include "core/config_yaml_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool yl_seq_or_null(struct yload *L, const yaml_node_t *n)
{
	char d[64];
	if (n->type == YAML_SEQUENCE_NODE)
		return true;
	if (n->type != YAML_SCALAR_NODE || !yl_is_null(n))
		yl_err(L, n, "expected a list, got %s", yl_desc(n, d, sizeof(d)));
	return false;
}

static size_t node_index(struct yload *L, const yaml_node_t *n)
{
	return (size_t)(n - L->doc.nodes.start);
}

/* ------------------------------------------------------------------ */
/* collections                                                          */

/* The key node of a collection item, or NULL; *count = how many. */
static yaml_node_t *item_key(struct yload *L, yaml_node_t *item, const char *keyname,
			     yaml_node_t **dupkey)
{
	yaml_node_t *found = NULL;
	*dupkey = NULL;
	for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yl_node(L, p->key);
		if (!k || k->type != YAML_SCALAR_NODE || strcmp((char *)k->data.scalar.value, keyname))
			continue;
		if (found) {
			*dupkey = k;
			break;
		}
		found = yl_node(L, p->value);
	}
	return found;
}

/* Validate a collection key into its canonical text; 0 or -EINVAL (reported
 * when report is true). */
static int coll_key(struct yload *L, const yaml_node_t *n, const struct ycoll *co, char *key)
{
	long long v;
	const char *s;
	size_t i;

	if (co->keykind == YK_NAME) {
		if (yl_str(L, n, &s) < 0)
			return -EINVAL;
		if (strlen(s) >= CFG_NAME_LEN) {
			yl_err(L, n, "too long (at most %d characters)", CFG_NAME_LEN - 1);
			return -EINVAL;
		}
		for (i = 0; s[i]; i++)
			if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
				break;
		if (!*s || s[i]) {
			yl_err(L, n, "invalid name \"%s\": use letters, digits, '-', '_' and '.'", s);
			return -EINVAL;
		}
		snprintf(key, CFG_NAME_LEN, "%s", s);
		return 0;
	}
	if (yl_int(L, n, 1, co->keykind == YK_TAG ? 10000 : 2147483647, &v) < 0)
		return -EINVAL;
	snprintf(key, CFG_NAME_LEN, "%lld", v);
	return 0;
}

/* Pass 1: create every valid item of a collection; mark the others skipped. */
static void prescan_coll(struct yload *L, yaml_node_t *n, const struct ycoll *co)
{
	char (*keys)[CFG_NAME_LEN];
	size_t *lines, count, i = 0;
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE)
		return; /* reported by pass 2 */
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	keys = calloc(count + 1, sizeof(*keys));
	lines = calloc(count + 1, sizeof(*lines));
	if (!keys || !lines) {
		L->oom = true;
		goto out;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *en = yl_node(L, *it), *kn, *dup;
		size_t old = yl_push(L, "[%zu]", i), old2;
		char d[64];

		if (en->type != YAML_MAPPING_NODE) {
			yl_err(L, en, "expected a mapping, got %s", yl_desc(en, d, sizeof(d)));
			goto skip;
		}
		kn = item_key(L, en, co->keyname, &dup);
		if (!kn) {
			yl_err(L, en, "missing key \"%s\"", co->keyname);
			goto skip;
		}
		old2 = yl_push_key(L, co->keyname);
		if (dup)
			yl_err(L, dup, "duplicate key");
		if (coll_key(L, kn, co, keys[i]) < 0) {
			keys[i][0] = '\0';
			yl_pop(L, old2);
			goto skip;
		}
		lines[i] = kn->start_mark.line + 1;
		for (size_t j = 0; j < i; j++) {
			if (keys[j][0] && !strcmp(keys[j], keys[i])) {
				yl_err(L, kn, "duplicate %s %s %s (first at line %zu)", co->what,
				       co->keyname, keys[i], lines[j]);
				keys[i][0] = '\0';
				yl_pop(L, old2);
				goto skip;
			}
		}
		yl_pop(L, old2);
		if (!co->get(L->cfg, keys[i]))
			L->oom = true;
		yl_pop(L, old);
		continue;
	skip:
		L->skip[node_index(L, en)] = 1;
		yl_pop(L, old);
	}
out:
	free(keys);
	free(lines);
}

void yl_prescan(struct yload *L, yaml_node_t *map, const struct yfield *tab)
{
	uint64_t seen = 0;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yl_node(L, p->key), *vn = yl_node(L, p->value);
		size_t old;
		int i;

		if (!kn || !vn || kn->type != YAML_SCALAR_NODE)
			continue;
		for (i = 0; tab[i].key && strcmp(tab[i].key, (char *)kn->data.scalar.value); i++)
			;
		if (!tab[i].key || (seen & (1ull << i)))
			continue;
		seen |= 1ull << i;
		old = yl_push_key(L, tab[i].key);
		if (tab[i].kind == YF_COLL)
			prescan_coll(L, vn, tab[i].coll);
		else if (tab[i].kind == YF_GROUP && vn->type == YAML_MAPPING_NODE)
			yl_prescan(L, vn, tab[i].sub);
		yl_pop(L, old);
	}
}

/* Pass 2: fill the items created by pass 1. */
void yl_coll(struct yload *L, yaml_node_t *n, const struct ycoll *co)
{
	if (!yl_seq_or_null(L, n))
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *en = yl_node(L, *it), *kn, *dup;
		char key[CFG_NAME_LEN];
		const char *s;
		void *obj;
		size_t old;

		if (L->skip[node_index(L, en)] || !(kn = item_key(L, en, co->keyname, &dup)))
			continue;
		s = (const char *)kn->data.scalar.value;
		if (co->keykind == YK_NAME)
			snprintf(key, sizeof(key), "%s", s);
		else
			snprintf(key, sizeof(key), "%lld", strtoll(s, NULL, 10));
		obj = co->find(L->cfg, key);
		if (!obj)
			continue;
		old = yl_push(L, "[%s=%s]", co->keyname, key);
		yl_checked_map(L, en, obj, co->fields, co->keyname, co->check);
		yl_pop(L, old);
	}
}

/* ------------------------------------------------------------------ */
/* one-off shapes                                                       */

/* "10.0.0.0 255.0.0.0", "10.0.0.0 /8", "192.0.2.1", "2001:db8::/32". */
static int parse_prefix(struct yload *L, const yaml_node_t *n, struct cfg_prefix *out)
{
	char text[128], err[160] = "", *mask;
	const char *s;

	if (yl_str(L, n, &s) < 0)
		return -EINVAL;
	if (strlen(s) >= sizeof(text)) {
		yl_err(L, n, "invalid prefix \"%.40s...\"", s);
		return -EINVAL;
	}
	snprintf(text, sizeof(text), "%s", s);
	mask = strchr(text, ' ');
	if (mask) {
		*mask++ = '\0';
		while (*mask == ' ')
			mask++;
	}
	memset(out, 0, sizeof(*out));
	if ((mask && strchr(mask, ' ')) || cfg_prefix_parse(text, mask, out, err, sizeof(err)) < 0) {
		yl_err(L, n, "invalid prefix \"%s\"%s%s", s, err[0] ? ": " : "", err);
		return -EINVAL;
	}
	return 0;
}

/* A list of keywords (names[1..count-1]) without repeats, at most max. */
static int keyword_list(struct yload *L, yaml_node_t *n, const struct yenum *en, int max,
			int *out, int *nout)
{
	size_t errs = L->nerr, i = 0;
	*nout = 0;
	if (!yl_seq_or_null(L, n))
		return L->nerr == errs ? 0 : -EINVAL;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *vn = yl_node(L, *it);
		size_t old = yl_push(L, "[%zu]", i);
		int v;
		if (*nout == max) {
			yl_err(L, vn, "at most %d values", max);
			yl_pop(L, old);
			break;
		}
		if (yl_enum(L, vn, en, &v) == 0) {
			for (int j = 0; j < *nout; j++)
				if (out[j] == v) {
					yl_err(L, vn, "duplicate value \"%s\"", cfg_yaml_enum_name(en, v));
					v = 0;
				}
			if (v)
				out[(*nout)++] = v;
		}
		yl_pop(L, old);
	}
	return L->nerr == errs ? 0 : -EINVAL;
}

static const char *curve_name(int v) { return v > 0 && v < CFG_CURVE_COUNT ? cfg_curve_names[v] : NULL; }
static const struct yenum en_revoc = { 3, cfg_yaml_revoc_name, NULL };
static const struct yenum en_curve = { CFG_CURVE_COUNT, curve_name, NULL };

static const struct yfield ka_profile_tab[] = {
	{ .key = "profile", .kind = YF_TAG, .off = offsetof(struct cfg_dial_peer, keepalive_profile),
	  .size = sizeof(((struct cfg_dial_peer *)0)->keepalive_profile), .ref = YREF_KEEPALIVE },
	{ .key = NULL },
};

static void load_trusted(struct yload *L, yaml_node_t *n, struct cfg_voice_service *v)
{
	size_t i = 0;
	v->trusted_list_present = true;
	if (!yl_seq_or_null(L, n))
		return;
	v->trusted.n = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		size_t old = yl_push(L, "[%zu]", i);
		yaml_node_t *pn = yl_node(L, *it);
		struct cfg_prefix p;
		if (parse_prefix(L, pn, &p) < 0) {
			/* reported */
		} else if (p.family == AF_INET6 && !p.len_given) {
			yl_err(L, pn, "an IPv6 entry needs a prefix length (X:X::X:X/LEN)");
		} else if (CFG_VEC_PUSH(v->trusted, p) < 0) {
			L->oom = true;
		}
		yl_pop(L, old);
	}
}

static void load_rtp_range(struct yload *L, yaml_node_t *n, struct cfg_voice_service *v)
{
	yaml_node_t *lo, *hi;
	long long a, b;
	char d[64];

	if (n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top - n->data.sequence.items.start != 2) {
		yl_err(L, n, "expected [LO, HI], got %s", yl_desc(n, d, sizeof(d)));
		return;
	}
	lo = yl_node(L, n->data.sequence.items.start[0]);
	hi = yl_node(L, n->data.sequence.items.start[1]);
	if (yl_int(L, lo, 2048, 65535, &a) < 0 || yl_int(L, hi, 2048, 65535, &b) < 0)
		return;
	if (a % 2) {
		yl_err(L, lo, "the low port %lld must be even", a);
		return;
	}
	if (a >= b) {
		yl_err(L, hi, "the high port %lld must be above the low port %lld", b, a);
		return;
	}
	v->rtp_port_lo = (uint16_t)a;
	v->rtp_port_hi = (uint16_t)b;
}

static void load_hosts(struct yload *L, yaml_node_t *n, struct cfg_uri_class *u)
{
	size_t i = 0;
	if (!yl_seq_or_null(L, n))
		return;
	u->hosts.n = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *hn = yl_node(L, *it);
		size_t old = yl_push(L, "[%zu]", i);
		struct cfg_target t;
		if (u->hosts.n == CFG_URI_MAX_HOSTS) {
			yl_err(L, hn, "Maximum of %d hosts can only be configured", CFG_URI_MAX_HOSTS);
			yl_pop(L, old);
			break;
		}
		if (yl_target(L, hn, YT_IPV4 | YT_DNS, &t) == 0) {
			if (t.port)
				yl_err(L, hn, "a port is not allowed in a uri host");
			else if (CFG_VEC_PUSH(u->hosts, t) < 0)
				L->oom = true;
		}
		yl_pop(L, old);
	}
}

static void load_keepalive(struct yload *L, yaml_node_t *n, struct cfg_dial_peer *d)
{
	char dsc[64];
	bool b;
	if (n->type == YAML_MAPPING_NODE) {
		size_t errs = L->nerr;
		uint64_t seen;
		char saved[CFG_NAME_LEN];
		memcpy(saved, d->keepalive_profile, sizeof(saved));
		yl_map(L, n, d, ka_profile_tab, NULL, &seen);
		if (L->nerr == errs)
			d->keepalive = true;
		else
			memcpy(d->keepalive_profile, saved, sizeof(saved));
		return;
	}
	if (n->type == YAML_SCALAR_NODE && !yl_is_null(n)) {
		if (yl_bool(L, n, &b) == 0) {
			d->keepalive = b;
			d->keepalive_profile[0] = '\0';
		}
		return;
	}
	yl_err(L, n, "expected true, false or {profile: TAG}, got %s", yl_desc(n, dsc, sizeof(dsc)));
}

/* ip-name-servers: ["A.B.C.D[:PORT]", ...], at most CFG_MAX_NAME_SERVERS, no
 * address twice; port 53 is the default (stored as 0). */
static void load_name_servers(struct yload *L, yaml_node_t *n, struct cfg *c)
{
	struct cfg_name_server v[CFG_MAX_NAME_SERVERS];
	int nv = 0;
	size_t i = 0;
	bool bad = false;

	if (!yl_seq_or_null(L, n)) {
		if (yl_is_null(n))
			c->n_name_servers = 0;
		return;
	}
	memset(v, 0, sizeof(v));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *sn = yl_node(L, *it);
		size_t old = yl_push(L, "[%zu]", i);
		char addr[CFG_ADDR_LEN], *colon, *end;
		const char *s;
		struct in_addr in;
		unsigned long port = 0;
		int k;

		if (yl_str(L, sn, &s) < 0) {
			bad = true;
		} else if (strlen(s) >= sizeof(addr)) {
			yl_err(L, sn, "invalid name server \"%s\" (expected A.B.C.D or A.B.C.D:PORT)", s);
			bad = true;
		} else {
			bool ok = true;
			snprintf(addr, sizeof(addr), "%s", s);
			if ((colon = strchr(addr, ':')) != NULL) {
				*colon = '\0';
				port = strtoul(colon + 1, &end, 10);
				ok = isdigit((unsigned char)colon[1]) && !*end && port >= 1 &&
				     port <= 65535;
			}
			if (!ok || inet_pton(AF_INET, addr, &in) != 1) {
				yl_err(L, sn, "invalid name server \"%s\" (expected A.B.C.D or "
					      "A.B.C.D:PORT, PORT <1-65535>)", s);
				bad = true;
			} else if (nv == CFG_MAX_NAME_SERVERS) {
				yl_err(L, sn, "at most %d name servers can be configured",
				       CFG_MAX_NAME_SERVERS);
				bad = true;
			} else {
				inet_ntop(AF_INET, &in, addr, sizeof(addr));
				for (k = 0; k < nv && strcmp(v[k].addr, addr); k++)
					;
				if (k < nv) {
					yl_err(L, sn, "name server %s is listed twice", addr);
					bad = true;
				} else {
					snprintf(v[nv].addr, sizeof(v[nv].addr), "%s", addr);
					v[nv++].port = port == 53 ? 0 : (uint16_t)port;
				}
			}
		}
		yl_pop(L, old);
	}
	if (bad)
		return;
	memcpy(c->name_servers, v, sizeof(v));
	c->n_name_servers = nv;
}

void yl_special(struct yload *L, yaml_node_t *n, void *base, const struct yfield *f)
{
	int vals[CFG_CURVE_COUNT], nv, v;
	switch (f->kind) {
	case YF_TRUSTED:
		load_trusted(L, n, base);
		break;
	case YF_RTPRANGE:
		load_rtp_range(L, n, base);
		break;
	case YF_REVOC: {
		struct cfg_trustpoint *t = base;
		if (keyword_list(L, n, &en_revoc, 2, vals, &nv) == 0) {
			memset(t->revocation, 0, sizeof(t->revocation));
			for (int i = 0; i < nv; i++)
				t->revocation[i] = (enum cfg_revocation)vals[i];
		}
		break;
	}
	case YF_CURVES: {
		struct cfg_tls_profile *p = base;
		if (keyword_list(L, n, &en_curve, CFG_CURVE_COUNT - 1, vals, &nv) == 0) {
			memset(p->curves, 0, sizeof(p->curves));
			for (int i = 0; i < nv; i++)
				p->curves[i] = (enum cfg_curve)vals[i];
		}
		break;
	}
	case YF_HOSTS:
		load_hosts(L, n, base);
		break;
	case YF_TLSVER: {
		static const char *const names[] = { "any", "v1.2", "v1.2 minimum", "v1.3" };
		struct cfg_sip_ua *ua = base;
		const char *s;
		if (yl_str(L, n, &s) < 0)
			break;
		for (v = 0; v < 4 && strcasecmp(s, names[v]); v++)
			;
		if (v == 4) {
			yl_err(L, n, "invalid value \"%s\" (expected one of: any, v1.2, "
				     "v1.2 minimum, v1.3)", s);
			break;
		}
		ua->tls_version_set = true;
		ua->tls_version = (enum cfg_tls_version)v;
		break;
	}
	case YF_KEEPALIVE:
		load_keepalive(L, n, base);
		break;
	case YF_NAMESERVERS:
		load_name_servers(L, n, base);
		break;
	case YF_PREFIX: {
		struct cfg_prefix p;
		if (parse_prefix(L, n, &p) < 0)
			break;
		if (p.family != AF_INET || !p.len_given) {
			yl_err(L, n, "expected an IPv4 address and mask (A.B.C.D MASK or A.B.C.D /LEN)");
			break;
		}
		memcpy((char *)base + f->off, &p, sizeof(p));
		break;
	}
	default:
		break;
	}
}
