/* cmd_util.c - helpers shared by the configuration command tables: tag
 * normalisation, bounded string setting, targets, regexes, names and
 * prefixes, each with the IOS-style error the user sees. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cmd_util.h"

void cmdu_changed(struct vty *vty)
{
	vty->config_changed = true;
}

const char *cmdu_codec_ios(const char *enc)
{
	static const char *const map[][2] = {
		{ "PCMU", "g711ulaw" }, { "PCMA", "g711alaw" }, { "G729", "g729r8" },
		{ "G722", "g722-64" },  { "opus", "opus" },     { "G729A", "g729r8" },
	};
	if (!enc || !enc[0])
		return "n/a";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(enc, map[i][0]))
			return map[i][1];
	return enc;
}

int cmdu_incomplete(struct vty *vty)
{
	return vty_err(vty, "%% Incomplete command.");
}

int cmdu_tag(const struct cli_args *a, const char *name, char *buf, size_t bufsz)
{
	const char *v = cli_get(a, name);
	char *end;
	long n;

	if (!v || !*v)
		return -ENOENT;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 0) {
		/* not a number: keep the text as typed (WORD tags) */
		snprintf(buf, bufsz, "%s", v);
		return 0;
	}
	snprintf(buf, bufsz, "%ld", n);
	return 0;
}

int cmdu_str(struct vty *vty, char *dst, size_t dstsz, const char *val, const char *what)
{
	if (!val)
		val = "";
	if (cfg_strset(dst, dstsz, val) < 0)
		return vty_err(vty, "%% %s is too long (at most %zu characters)", what, dstsz - 1);
	return CLI_OK;
}

enum cfg_transport cmdu_transport(const struct cli_args *a)
{
	if (cli_has(a, "tls"))
		return CFG_TRANSPORT_TLS;
	if (cli_has(a, "tcp"))
		return CFG_TRANSPORT_TCP;
	if (cli_has(a, "udp"))
		return CFG_TRANSPORT_UDP;
	return CFG_TRANSPORT_UNSET;
}

/* Build "<prefix>:<rest>" with the prefix in lower case, whether or not the
 * grammar handed us the prefix as part of the value. */
static void target_norm(char *out, size_t outsz, const char *pfx, const char *val)
{
	size_t pl = strlen(pfx), vl;

	if (strncasecmp(val, pfx, pl) == 0 && val[pl] == ':')
		val += pl + 1;
	/* "%s:%s", cut to outsz as snprintf would (callers leave room) */
	if (pl + 2 > outsz)
		pl = outsz - 2;
	memcpy(out, pfx, pl);
	out[pl] = ':';
	vl = strnlen(val, outsz - pl - 2);
	memcpy(out + pl + 1, val, vl);
	out[pl + 1 + vl] = '\0';
}

static int target_check(struct vty *vty, const struct cfg_target *t, unsigned allowed)
{
	static const unsigned bit[] = {
		[CFG_TARGET_IPV4] = CMDU_T_IPV4, [CFG_TARGET_IPV6] = CMDU_T_IPV6,
		[CFG_TARGET_DNS] = CMDU_T_DNS, [CFG_TARGET_SIP_SERVER] = CMDU_T_SIPSRV,
	};

	if (t->kind <= CFG_TARGET_NONE || t->kind > CFG_TARGET_SIP_SERVER ||
	    !(bit[t->kind] & allowed))
		return vty_err(vty, "%% This kind of target is not allowed here");
	return CLI_OK;
}

/* Parse buf, a target with its prefix in lower case ("ipv4:..." or "sip-server"). */
static int target_parse(struct vty *vty, const char *text, const char *buf, unsigned allowed,
			struct cfg_target *out)
{
	char err[160] = "";

	memset(out, 0, sizeof(*out));
	if (cfg_target_parse(buf, out, err, sizeof(err)) < 0) {
		if (!err[0])
			return vty_err(vty, "%% Invalid target \"%s\"", text);
		err[0] = (char)toupper((unsigned char)err[0]);
		return vty_err(vty, "%% %s", err);
	}
	return target_check(vty, out, allowed);
}

int cmdu_target_text(struct vty *vty, const char *text, unsigned allowed,
		     struct cfg_target *out)
{
	static const char *const pfx[] = { "ipv4", "ipv6", "dns" };
	char buf[CFG_TARGET_LEN + 8];
	size_t i;

	if (strcasecmp(text, "sip-server") == 0)
		return target_parse(vty, text, "sip-server", allowed, out);
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		size_t pl = strlen(pfx[i]);

		if (strncasecmp(text, pfx[i], pl) == 0 && text[pl] == ':')
			break;
	}
	if (i == sizeof(pfx) / sizeof(pfx[0]))
		return vty_err(vty, "%% Invalid target \"%s\": expected ipv4:, ipv6: or dns:",
			       text);
	if (strlen(text) >= CFG_TARGET_LEN)
		return vty_err(vty, "%% Target is too long (at most %d characters)",
			       CFG_TARGET_LEN - 1);
	target_norm(buf, sizeof(buf), pfx[i], text);
	return target_parse(vty, text, buf, allowed, out);
}

int cmdu_target(struct vty *vty, const struct cli_args *a, unsigned allowed,
		struct cfg_target *out)
{
	static const struct { const char *var, *pfx; } vars[] = {
		{ "v4", "ipv4" }, { "v6", "ipv6" }, { "dns", "dns" },
	};
	char buf[CFG_TARGET_LEN + 8];
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = cli_get(a, vars[i].var);

		if (!v || !*v)
			continue;
		if (strlen(v) >= CFG_TARGET_LEN)
			return vty_err(vty, "%% Target is too long (at most %d characters)",
				       CFG_TARGET_LEN - 1);
		target_norm(buf, sizeof(buf), vars[i].pfx, v);
		/* what cmdu_target_text(buf) would do, buf being normalised already */
		if (strlen(buf) >= CFG_TARGET_LEN)
			return vty_err(vty, "%% Target is too long (at most %d characters)",
				       CFG_TARGET_LEN - 1);
		return target_parse(vty, buf, buf, allowed, out);
	}
	if (cli_has(a, "sip-server"))
		return cmdu_target_text(vty, "sip-server", allowed, out);
	return -ENOENT;
}

int cmdu_regex(struct vty *vty, const char *re, size_t maxlen, const char *what)
{
	regex_t rx;
	char msg[128];
	int rc;

	if (!re || !*re)
		return cmdu_incomplete(vty);
	if (strlen(re) > maxlen)
		return vty_err(vty, "%% %s is too long (at most %zu characters)", what, maxlen);
	rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (rc == 0) {
		regfree(&rx);
		return CLI_OK;
	}
	if (rc == REG_EPAREN)
		return vty_err(vty, "%% unmatched ()");
	regerror(rc, &rx, msg, sizeof(msg));
	return vty_err(vty, "%% Invalid regular expression \"%s\": %s", re, msg);
}

int cmdu_ifname(struct vty *vty, const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0)
		return cmdu_incomplete(vty);
	if (n > 15)
		return vty_err(vty, "%% Interface name is too long (at most 15 characters)");
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch == '/' || ch == ':' || isspace(ch) || !isprint(ch))
			return vty_err(vty, "%% Invalid interface name \"%s\"", name);
	}
	return CLI_OK;
}

int cmdu_name(struct vty *vty, const char *name, const char *what)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0)
		return cmdu_incomplete(vty);
	if (n >= CFG_NAME_LEN)
		return vty_err(vty, "%% %s is too long (at most %d characters)", what,
			       CFG_NAME_LEN - 1);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.')
			return vty_err(vty, "%% Invalid %s \"%s\": use letters, digits, '-', '_' and '.'",
				       what, name);
	}
	return CLI_OK;
}

bool cmdu_prefix_same(const struct cfg_prefix *x, const struct cfg_prefix *y)
{
	return x->family == y->family && x->len == y->len && strcmp(x->addr, y->addr) == 0;
}

int cmdu_prefix(struct vty *vty, const char *addr, const char *mask, struct cfg_prefix *out)
{
	char err[160] = "";

	if (!addr || !*addr)
		return cmdu_incomplete(vty);
	memset(out, 0, sizeof(*out));
	if (cfg_prefix_parse(addr, mask, out, err, sizeof(err)) < 0) {
		if (!err[0])
			return vty_err(vty, "%% Invalid address or mask");
		err[0] = (char)toupper((unsigned char)err[0]);
		return vty_err(vty, "%% %s", err);
	}
	return CLI_OK;
}

static bool tgrp_char(const char *s, size_t *i)
{
	unsigned char ch = (unsigned char)s[*i];

	if (isalnum(ch) || strchr("-_.!~*'()/&+$", ch))
		return true;
	if (ch == '%' && isxdigit((unsigned char)s[*i + 1]) &&
	    isxdigit((unsigned char)s[*i + 2])) {
		*i += 2;
		return true;
	}
	return false;
}

int cmdu_tgrp(struct vty *vty, const char *label, const char *ctx)
{
	size_t i;
	bool digit = false;

	if (!label || !*label)
		return cmdu_incomplete(vty);
	if (strlen(label) >= CFG_NAME_LEN)
		return vty_err(vty, "%% Trunk group label is too long (at most %d characters)",
			       CFG_NAME_LEN - 1);
	for (i = 0; label[i]; i++)
		if (!tgrp_char(label, &i))
			return vty_err(vty, "%% Invalid trunk group label \"%s\" (RFC 4904)", label);
	if (!ctx)
		return CLI_OK;
	if (strlen(ctx) >= CFG_TEXT_LEN)
		return vty_err(vty, "%% Trunk context is too long (at most %d characters)",
			       CFG_TEXT_LEN - 1);
	if (ctx[0] == '+') {   /* global-number-digits: "+" *phonedigit DIGIT *phonedigit */
		for (i = 1; ctx[i]; i++) {
			if (isdigit((unsigned char)ctx[i]))
				digit = true;
			else if (!strchr("-.()", ctx[i]))
				break;
		}
		if (!ctx[i] && digit)
			return CLI_OK;
	} else {               /* domainname */
		for (i = 0; ctx[i]; i++)
			if (!isalnum((unsigned char)ctx[i]) && ctx[i] != '-' && ctx[i] != '.')
				break;
		if (!ctx[i] && isalnum((unsigned char)ctx[0]))
			return CLI_OK;
	}
	return vty_err(vty, "%% Invalid trunk-context \"%s\": expected +DIGITS or a domain name", ctx);
}

/* `srtp [fallback | pass-thru]` (voice service and dial-peer): the plain
 * form requires SRTP; a `no` form with a qualifier removes the line only if
 * that qualifier is the one configured. */
int cmdu_srtp(struct vty *vty, const struct cli_args *a, enum cfg_srtp *field)
{
	enum cfg_srtp want = CFG_SRTP_ON;

	if (cli_has(a, "fallback"))
		want = CFG_SRTP_FALLBACK;
	else if (cli_has(a, "pass-thru"))
		want = CFG_SRTP_PASSTHRU;
	if (a->no) {
		if (want != CFG_SRTP_ON && *field != want)
			return CLI_OK;
		want = CFG_SRTP_OFF;
	}
	if (*field != want) {
		*field = want;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

int cmdu_set(struct vty *vty, char *field, size_t sz, const char *val, const char *what)
{
	if (strcmp(field, val ? val : "") == 0)
		return CLI_OK; /* no change (and it fits: it is there already) */
	if (cmdu_str(vty, field, sz, val, what) < 0)
		return CLI_ERR;
	cmdu_changed(vty);
	return CLI_OK;
}

int cmdu_ref_tag(struct vty *vty, const struct cli_args *a, enum vty_ref_kind kind,
		 char *field, size_t sz)
{
	char tag[CFG_NAME_LEN] = "";

	if (!a->no) {
		if (cmdu_tag(a, "tag", tag, sizeof(tag)) < 0)
			return cmdu_incomplete(vty);
		if (vty_ref_check(vty, kind, tag) < 0)
			return CLI_ERR;
	}
	return cmdu_set(vty, field, sz, tag, "Tag");
}

/* ------------------------------------------------------------------ */
/* who refers to an object                                              */

static bool sig_uses(const struct cfg_crypto_sig *s, enum vty_ref_kind kind, const char *name)
{
	if (kind == REF_TRUSTPOINT)
		return strcmp(s->trustpoint, name) == 0 || strcmp(s->client_vtp, name) == 0;
	if (kind == REF_TLS_PROFILE)
		return strcmp(s->tls_profile, name) == 0;
	return false;
}

bool cmdu_ref_user(const struct cfg *c, enum vty_ref_kind kind, const char *name,
		   char *buf, size_t bufsz)
{
	size_t i;
	int w;

	if (!name || !*name)
		return false;
	for (i = 0; i < c->dial_peers.n; i++) {
		const struct cfg_dial_peer *d = &c->dial_peers.v[i];
		bool used = false;

		switch (kind) {
		case REF_URI:
			for (w = 0; w < CFG_URI_WHERE_COUNT; w++)
				used = used || strcmp(d->incoming_uri[w], name) == 0;
			break;
		case REF_TENANT: used = strcmp(d->vc_tenant, name) == 0; break;
		case REF_SRTP_CRYPTO: used = strcmp(d->vc_srtp_crypto, name) == 0; break;
		case REF_TLS_PROFILE: used = strcmp(d->vc_tls_profile, name) == 0; break;
		case REF_KEEPALIVE: used = strcmp(d->keepalive_profile, name) == 0; break;
		case REF_CODEC: used = strcmp(d->vc_codec, name) == 0; break;
		default: break;
		}
		if (used) {
			snprintf(buf, bufsz, "dial-peer voice %u", (unsigned)d->tag);
			return true;
		}
	}
	for (i = 0; i < c->tenants.n; i++) {
		const struct cfg_tenant *t = &c->tenants.v[i];

		if ((kind == REF_TLS_PROFILE && strcmp(t->tls_profile, name) == 0) ||
		    (kind == REF_SRTP_CRYPTO && strcmp(t->srtp_crypto, name) == 0)) {
			snprintf(buf, bufsz, "voice class tenant %s", t->tag);
			return true;
		}
	}
	for (i = 0; i < c->tls_profiles.n; i++) {
		const struct cfg_tls_profile *p = &c->tls_profiles.v[i];

		if ((kind == REF_TLS_CIPHER && strcmp(p->cipher, name) == 0) ||
		    (kind == REF_TRUSTPOINT && (strcmp(p->trustpoint, name) == 0 ||
						strcmp(p->client_vtp, name) == 0))) {
			snprintf(buf, bufsz, "voice class tls-profile %s", p->tag);
			return true;
		}
	}
	if (sig_uses(&c->sipua.def_tp, kind, name) ||
	    (kind == REF_TLS_PROFILE && strcmp(c->sipua.def_tls_profile, name) == 0)) {
		snprintf(buf, bufsz, "sip-ua (crypto signaling default)");
		return true;
	}
	for (i = 0; i < c->sipua.remote.n; i++)
		if (sig_uses(&c->sipua.remote.v[i].sig, kind, name)) {
			snprintf(buf, bufsz, "sip-ua (crypto signaling remote-addr %s)",
				 c->sipua.remote.v[i].prefix.addr);
			return true;
		}
	if (kind == REF_SRTP_CRYPTO && strcmp(c->voice.sip.srtp_crypto, name) == 0) {
		snprintf(buf, bufsz, "voice service voip (sip srtp-crypto)");
		return true;
	}
	return false;
}

int cmdu_ref_unused(struct vty *vty, enum vty_ref_kind kind, const char *name)
{
	char user[CFG_NAME_LEN + 64];

	if (vty->file || !cmdu_ref_user(vty->cfg, kind, name, user, sizeof(user)))
		return CLI_OK;
	return vty_err(vty, "%% %s %s is in use by %s; remove that reference first",
		       vty_ref_kind_name(kind), name, user);
}

const char *cmdu_ip_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const void *a = ss->ss_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
	if ((ss->ss_family != AF_INET && ss->ss_family != AF_INET6) ||
	    !inet_ntop(ss->ss_family, a, buf, (socklen_t)n))
		snprintf(buf, n, "-");
	return buf;
}
