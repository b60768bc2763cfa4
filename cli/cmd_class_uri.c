/* cmd_class_uri.c - `voice class uri TAG sip` (config-voice-uri-class):
 * host addresses, names and regexes, user-id and whole-URI patterns, and
 * the RFC 4904 trunk group, with CUBE's limits and error texts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

/* CUBE limits (Cisco voice command reference, voice class uri). */
#define URI_HOST_RE_MAX 32   /* host REGEX */
#define URI_USER_RE_MAX 32   /* user-id REGEX */
#define URI_PATTERN_MAX 128  /* pattern REGEX (the whole URI) */

static struct cfg_uri_class *uri(struct vty *vty)
{
	struct cfg_uri_class *u = cfg_uri_get(vty->cfg, vty->ctx_name);

	if (!u)
		vty_err(vty, "%% Out of memory");
	return u;
}

static bool looks_like_target(const char *s)
{
	return s && (strncasecmp(s, "ipv4:", 5) == 0 || strncasecmp(s, "dns:", 4) == 0);
}

static int host_target(struct vty *vty, const struct cli_args *a, struct cfg_uri_class *u,
		       struct cfg_target *t)
{
	size_t i;

	if (t->port)
		return vty_err(vty, "%% A host entry takes no port");
	for (i = 0; i < u->hosts.n; i++)
		if (u->hosts.v[i].kind == t->kind && strcasecmp(u->hosts.v[i].host, t->host) == 0)
			break;
	if (a->no) {
		if (i < u->hosts.n) {
			CFG_VEC_DEL(u->hosts, i);
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (i < u->hosts.n)
		return CLI_OK;
	if (u->hosts.n >= CFG_URI_MAX_HOSTS)
		return vty_err(vty, "Error:Maximum of 10 hosts can only be configured.");
	if (CFG_VEC_PUSH(u->hosts, *t) < 0)
		return vty_err(vty, "%% Out of memory");
	cmdu_changed(vty);
	return CLI_OK;
}

CLI_CMD(uri_host, MODE_CLASS_URI, CLI_F_NO,
	"host {ipv4:TARGET$v4|dns:TARGET$dns|WORD$re}",
	"Match the host part of the URI\n"
	"An IPv4 address: ipv4:A.B.C.D (up to 10 address and name entries)\n"
	"A host name: dns:host.domain (up to 10 address and name entries)\n"
	"Regular expression matching the host (up to 32 characters, one per class)\n")
{
	struct cfg_uri_class *u = uri(vty);
	const char *re = cli_get(a, "re");
	struct cfg_target t;
	int rc;

	if (!u)
		return CLI_ERR;
	memset(&t, 0, sizeof(t));
	if (looks_like_target(re)) {
		rc = cmdu_target_text(vty, re, CMDU_T_IPV4 | CMDU_T_DNS, &t);
		re = NULL;
	} else {
		rc = cmdu_target(vty, a, CMDU_T_IPV4 | CMDU_T_DNS, &t);
	}
	if (rc == CLI_OK)
		return host_target(vty, a, u, &t);
	if (rc != -ENOENT)
		return CLI_ERR;
	if (a->no) {
		if (!re && u->hosts.n) {  /* `no host`: every host entry */
			free(u->hosts.v);
			memset(&u->hosts, 0, sizeof(u->hosts));
			cmdu_changed(vty);
		}
		if (!re || strcmp(re, u->host_regex) == 0)
			return cmdu_set(vty, u->host_regex, sizeof(u->host_regex), "", "Host");
		return CLI_OK;
	}
	if (cmdu_regex(vty, re, URI_HOST_RE_MAX, "Host pattern") < 0)
		return CLI_ERR;
	return cmdu_set(vty, u->host_regex, sizeof(u->host_regex), re, "Host pattern");
}

CLI_CMD(uri_user_id, MODE_CLASS_URI, CLI_F_NO,
	"user-id WORD$re",
	"Match the user part of the URI\n"
	"Regular expression (up to 32 characters)\n")
{
	struct cfg_uri_class *u = uri(vty);
	const char *re = cli_get(a, "re");

	if (!u)
		return CLI_ERR;
	if (a->no)
		return cmdu_set(vty, u->user_id, sizeof(u->user_id), "", "User-id pattern");
	if (cmdu_regex(vty, re, URI_USER_RE_MAX, "User-id pattern") < 0)
		return CLI_ERR;
	return cmdu_set(vty, u->user_id, sizeof(u->user_id), re, "User-id pattern");
}

CLI_CMD(uri_pattern, MODE_CLASS_URI, CLI_F_NO,
	"pattern WORD$re",
	"Match the entire URI\n"
	"Regular expression (up to 128 characters)\n")
{
	struct cfg_uri_class *u = uri(vty);
	const char *re = cli_get(a, "re");

	if (!u)
		return CLI_ERR;
	if (a->no)
		return cmdu_set(vty, u->pattern, sizeof(u->pattern), "", "Pattern");
	if (cmdu_regex(vty, re, URI_PATTERN_MAX, "Pattern") < 0)
		return CLI_ERR;
	return cmdu_set(vty, u->pattern, sizeof(u->pattern), re, "Pattern");
}

CLI_CMD(uri_tgrp, MODE_CLASS_URI, CLI_F_NO,
	"tgrp WORD$label [trunk-context WORD$ctx]",
	"Match the trunk group of the URI (RFC 4904 tgrp parameter)\n"
	"Trunk group label\n"
	"Trunk context of the trunk group\n"
	"A global number (+...) or a domain name\n")
{
	struct cfg_uri_class *u = uri(vty);
	const char *label = cli_get(a, "label"), *ctx = cli_get(a, "ctx");

	if (!u)
		return CLI_ERR;
	if (a->no) {
		cmdu_set(vty, u->tgrp, sizeof(u->tgrp), "", "Trunk group label");
		return cmdu_set(vty, u->trunk_context, sizeof(u->trunk_context), "", "Trunk context");
	}
	if (cmdu_tgrp(vty, label, ctx) < 0)
		return CLI_ERR;
	if (cmdu_set(vty, u->tgrp, sizeof(u->tgrp), label, "Trunk group label") < 0)
		return CLI_ERR;
	return cmdu_set(vty, u->trunk_context, sizeof(u->trunk_context), ctx ? ctx : "",
			"Trunk context");
}
