/* config_yaml_emit.c - render a struct cfg as YAML with libyaml's emitter
 * (layer 2), walking the schema tables of config_yaml.c.  Only configured
 * fields are written; collections come out in model (canonical) order. */
#include "core/config_yaml.h"
#include "core/config_yaml_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

/* Emitter state for one document.  Owns the libyaml emitter; out is the
 * caller's buffer. */
struct yemit {
	yaml_emitter_t em;
	struct buf *out;
	int err;  /* first error: -ENOMEM (output) or -EIO (libyaml) */
};

static int ye_write(void *data, unsigned char *buffer, size_t size)
{
	struct yemit *E = data;
	if (buf_append(E->out, buffer, size) < 0) {
		E->err = -ENOMEM;
		return 0;
	}
	return 1;
}

static void ye_event(struct yemit *E, yaml_event_t *ev, int init_ok)
{
	if (!init_ok) {
		if (!E->err)
			E->err = -ENOMEM;
		return;
	}
	if (E->err) {
		yaml_event_delete(ev);
		return;
	}
	/* The emitter destroys the event, whether it succeeds or not. */
	if (!yaml_emitter_emit(&E->em, ev) && !E->err)
		E->err = -EIO;
}

static void ye_scalar(struct yemit *E, const char *s, bool quoted)
{
	yaml_event_t ev;
	int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
					      !quoted, 1,
					      quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
						     : YAML_ANY_SCALAR_STYLE);
	ye_event(E, &ev, ok);
}

/* A string: quoted when a YAML reader would take it for a number, a boolean
 * or null. */
static void ye_str(struct yemit *E, const char *s)
{
	ye_scalar(E, s, cfg_yaml_needs_quotes(s));
}

static void ye_int(struct yemit *E, long long v)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", v);
	ye_scalar(E, num, false);
}

/* A class tag: an integer when it is one, else a string. */
static void ye_tag(struct yemit *E, const char *s)
{
	bool digits = *s != '\0';
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			digits = false;
	if (digits)
		ye_scalar(E, s, false);
	else
		ye_str(E, s);
}

static void ye_map(struct yemit *E, bool start, bool flow)
{
	yaml_event_t ev;
	int ok = start ? yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
		       : yaml_mapping_end_event_initialize(&ev);
	ye_event(E, &ev, ok);
}

static void ye_seq(struct yemit *E, bool start, bool flow)
{
	yaml_event_t ev;
	int ok = start ? yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
			    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
		       : yaml_sequence_end_event_initialize(&ev);
	ye_event(E, &ev, ok);
}

static void ye_fields(struct yemit *E, const void *base, const struct yfield *tab);

static void ye_coll(struct yemit *E, const struct cfg *c, const struct ycoll *co)
{
	struct yvec vec = cfg_yaml_vec(c, co->vec_off);
	ye_seq(E, true, false);
	for (size_t i = 0; i < vec.n; i++) {
		const char *el = (const char *)vec.v + i * co->elsz;
		const void *key = el + co->key_off;
		ye_map(E, true, false);
		ye_scalar(E, co->keyname, false);
		if (co->keykind == YK_DIALPEER)
			ye_int(E, cfg_yaml_int_get(key, sizeof(uint32_t), false));
		else if (co->keykind == YK_TAG)
			ye_tag(E, key);
		else
			ye_str(E, key);
		ye_fields(E, el, co->fields);
		ye_map(E, false, false);
	}
	ye_seq(E, false, false);
}

static void ye_list(struct yemit *E, const void *base, const struct yfield *f)
{
	struct yvec vec = cfg_yaml_vec(base, f->off);
	ye_seq(E, true, false);
	for (size_t i = 0; i < vec.n; i++) {
		ye_map(E, true, true);
		ye_fields(E, (const char *)vec.v + i * f->elsz, f->sub);
		ye_map(E, false, true);
	}
	ye_seq(E, false, false);
}

/* The one-off shapes (see enum yf_kind). */
static void ye_special(struct yemit *E, const void *base, const struct yfield *f)
{
	char text[CFG_TARGET_LEN + 16];
	switch (f->kind) {
	case YF_TRUSTED: {
		const struct cfg_voice_service *v = base;
		ye_seq(E, true, false);
		for (size_t i = 0; i < v->trusted.n; i++)
			ye_str(E, cfg_prefix_str(&v->trusted.v[i], text, sizeof(text)));
		ye_seq(E, false, false);
		break;
	}
	case YF_RTPRANGE: {
		const struct cfg_voice_service *v = base;
		ye_seq(E, true, true);
		ye_int(E, v->rtp_port_lo);
		ye_int(E, v->rtp_port_hi);
		ye_seq(E, false, true);
		break;
	}
	case YF_REVOC: {
		const struct cfg_trustpoint *t = base;
		ye_seq(E, true, true);
		for (int i = 0; i < 3 && t->revocation[i] != CFG_REVOC_NONE_SET; i++) {
			const char *n = cfg_yaml_revoc_name(t->revocation[i]);
			ye_str(E, n ? n : "?");
		}
		ye_seq(E, false, true);
		break;
	}
	case YF_CURVES: {
		const struct cfg_tls_profile *p = base;
		ye_seq(E, true, true);
		for (int i = 0; i < CFG_CURVE_COUNT && p->curves[i] != CFG_CURVE_NONE; i++)
			ye_str(E, p->curves[i] < CFG_CURVE_COUNT ? cfg_curve_names[p->curves[i]] : "?");
		ye_seq(E, false, true);
		break;
	}
	case YF_HOSTS: {
		const struct cfg_uri_class *u = base;
		ye_seq(E, true, false);
		for (size_t i = 0; i < u->hosts.n; i++)
			ye_str(E, cfg_target_str(&u->hosts.v[i], text, sizeof(text)));
		ye_seq(E, false, false);
		break;
	}
	case YF_TLSVER: {
		const char *n = cfg_yaml_tlsver_name(((const struct cfg_sip_ua *)base)->tls_version);
		ye_str(E, n ? n : "?");
		break;
	}
	case YF_KEEPALIVE: {
		const struct cfg_dial_peer *d = base;
		if (d->keepalive_profile[0]) {
			ye_map(E, true, true);
			ye_scalar(E, "profile", false);
			ye_tag(E, d->keepalive_profile);
			ye_map(E, false, true);
		} else {
			ye_scalar(E, "true", false);
		}
		break;
	}
	case YF_PREFIX:
		ye_str(E, cfg_prefix_str((const struct cfg_prefix *)(const void *)
					 ((const char *)base + f->off), text, sizeof(text)));
		break;
	case YF_NAMESERVERS: {  /* ["127.0.0.1:5353", "192.0.2.53"] */
		const struct cfg *c = base;
		ye_seq(E, true, true);
		for (int i = 0; i < c->n_name_servers && i < CFG_MAX_NAME_SERVERS; i++) {
			const struct cfg_name_server *ns = &c->name_servers[i];
			if (ns->port)
				snprintf(text, sizeof(text), "%s:%u", ns->addr, (unsigned)ns->port);
			else
				snprintf(text, sizeof(text), "%s", ns->addr);
			ye_scalar(E, text, true);
		}
		ye_seq(E, false, true);
		break;
	}
	default:
		break;
	}
}

static void ye_value(struct yemit *E, const void *base, const struct yfield *f)
{
	const char *p = (const char *)base + f->off;
	char text[CFG_TARGET_LEN + 16];
	switch (f->kind) {
	case YF_STR: case YF_ADDR4:
		ye_str(E, p);
		break;
	case YF_TAG:
		ye_tag(E, p);
		break;
	case YF_INT:
		ye_int(E, cfg_yaml_int_get(p, f->size, f->unset < 0));
		break;
	case YF_BOOL:
		ye_scalar(E, "true", false);
		break;
	case YF_NBOOL:
		ye_scalar(E, "false", false);
		break;
	case YF_TBOOL:
		ye_scalar(E, *(const uint8_t *)p == CFG_ALLOW_OFF ? "false" : "true", false);
		break;
	case YF_ENUM: {
		long long v = cfg_yaml_int_get(p, f->size, true);
		const char *n = cfg_yaml_enum_name(f->en, (int)v);
		if (n)
			ye_str(E, n);
		else
			ye_int(E, v);
		break;
	}
	case YF_TARGET:
		ye_str(E, cfg_target_str((const struct cfg_target *)(const void *)p, text, sizeof(text)));
		break;
	case YF_GROUP:
		ye_map(E, true, false);
		ye_fields(E, p, f->sub);
		ye_map(E, false, false);
		break;
	case YF_LIST:
		ye_list(E, base, f);
		break;
	case YF_COLL:
		ye_coll(E, base, f->coll);
		break;
	default:
		ye_special(E, base, f);
		break;
	}
}

static void ye_fields(struct yemit *E, const void *base, const struct yfield *tab)
{
	for (const struct yfield *f = tab; f->key && !E->err; f++) {
		if (!cfg_yaml_isset(base, f))
			continue;
		ye_scalar(E, f->key, false);
		ye_value(E, base, f);
	}
}

int cfg_yaml_emit(const struct cfg *c, struct buf *out)
{
	struct yemit E = { .out = out };
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&E.em))
		return -ENOMEM;
	yaml_emitter_set_output(&E.em, ye_write, &E);
	yaml_emitter_set_unicode(&E.em, 1);
	yaml_emitter_set_width(&E.em, -1);
	yaml_emitter_set_indent(&E.em, 2);

	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ye_event(&E, &ev, ok);
	ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ye_event(&E, &ev, ok);
	ye_map(&E, true, false);
	ye_fields(&E, c, cfg_yaml_root);
	ye_map(&E, false, false);
	ok = yaml_document_end_event_initialize(&ev, 1);
	ye_event(&E, &ev, ok);
	ok = yaml_stream_end_event_initialize(&ev);
	ye_event(&E, &ev, ok);
	if (!E.err && !yaml_emitter_flush(&E.em))
		E.err = -EIO;
	yaml_emitter_delete(&E.em);
	return E.err;
}
