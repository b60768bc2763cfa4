/* cmd_sipua.c - the `sip-ua` mode (config-sip-ua): transports, crypto
 * signaling (which certificate is presented and how peers are checked),
 * TLS connection timers, connection reuse and the sip-server. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

static struct cfg_sip_ua *sipua(struct vty *vty)
{
	vty->cfg->sipua.present = true;
	return &vty->cfg->sipua;
}

/* ------------------------------------------------------------------ */

CLI_CMD(ua_transport, MODE_SIP_UA, CLI_F_NO,
	"transport {udp|tcp [tls [{v1.2 [minimum]|v1.3}]]}",
	"Enable or disable a SIP UA transport\n"
	"SIP over UDP\n"
	"SIP over TCP\n"
	"SIP over TLS over TCP\n"
	"Allow TLS version 1.2 only\n"
	"Allow TLS version 1.2 and higher\n"
	"Allow TLS version 1.3 only\n")
{
	struct cfg_sip_ua *ua = sipua(vty);
	enum cfg_transport t = cmdu_transport(a);
	bool v12 = cli_has(a, "v1.2"), v13 = cli_has(a, "v1.3"), min = cli_has(a, "minimum");
	struct cfg_sip_ua old = *ua;

	if (t == CFG_TRANSPORT_UNSET)
		return cmdu_incomplete(vty);
	if (a->no && !a->dflt) {
		/* `no transport tcp tls v1.2`: drop only the version restriction */
		if (t == CFG_TRANSPORT_TLS && (v12 || v13)) {
			ua->tls_version_set = false;
			ua->tls_version = CFG_TLSV_ANY;
		} else if (t == CFG_TRANSPORT_UDP) {
			ua->no_udp = true;
		} else if (t == CFG_TRANSPORT_TCP) {
			ua->no_tcp = true;
		} else {
			ua->no_tls = true;
			ua->tls_version_set = false;
			ua->tls_version = CFG_TLSV_ANY;
		}
	} else if (a->dflt) {
		/* the default is every transport enabled, any TLS version */
		if (t == CFG_TRANSPORT_UDP)
			ua->no_udp = false;
		else if (t == CFG_TRANSPORT_TCP)
			ua->no_tcp = false;
		else {
			ua->no_tls = false;
			ua->tls_version_set = false;
			ua->tls_version = CFG_TLSV_ANY;
		}
	} else if (t == CFG_TRANSPORT_UDP) {
		ua->no_udp = false;
	} else if (t == CFG_TRANSPORT_TCP) {
		ua->no_tcp = false;
	} else {
		ua->no_tls = false;
		ua->tls_version_set = v12 || v13;
		ua->tls_version = v13 ? CFG_TLSV_13 : v12 ? (min ? CFG_TLSV_12_MIN : CFG_TLSV_12)
				 : CFG_TLSV_ANY;
	}
	if (old.no_udp != ua->no_udp || old.no_tcp != ua->no_tcp || old.no_tls != ua->no_tls ||
	    old.tls_version_set != ua->tls_version_set || old.tls_version != ua->tls_version)
		cmdu_changed(vty);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* crypto signaling                                                     */

/* Build the trustpoint or tls-profile part of a crypto signaling line,
 * checking every reference. */
static int sig_parse(struct vty *vty, const struct cli_args *a, struct cfg_crypto_sig *sig)
{
	const char *tp = cli_get(a, "tp"), *vtp = cli_get(a, "vtp");
	char prof[CFG_NAME_LEN];

	memset(sig, 0, sizeof(*sig));
	if (cli_has(a, "tls-profile")) {
		if (cmdu_tag(a, "prof", prof, sizeof(prof)) < 0)
			return cmdu_incomplete(vty);
		if (vty_ref_check(vty, REF_TLS_PROFILE, prof) < 0)
			return CLI_ERR;
		CFG_SET(sig->tls_profile, prof);
		return CLI_OK;
	}
	if (!tp)
		return cmdu_incomplete(vty);
	if (cmdu_name(vty, tp, "trustpoint name") < 0 ||
	    vty_ref_check(vty, REF_TRUSTPOINT, tp) < 0)
		return CLI_ERR;
	CFG_SET(sig->trustpoint, tp);
	sig->cn_san_validate_server = cli_has(a, "cn-san-validate");
	if (vtp) {
		if (cmdu_name(vty, vtp, "trustpoint name") < 0 ||
		    vty_ref_check(vty, REF_TRUSTPOINT, vtp) < 0)
			return CLI_ERR;
		CFG_SET(sig->client_vtp, vtp);
	}
	return CLI_OK;
}

static void remote_clear(struct vty *vty, struct cfg_sip_ua *ua)
{
	if (ua->remote.n) {
		free(ua->remote.v);
		memset(&ua->remote, 0, sizeof(ua->remote));
		cmdu_changed(vty);
	}
}

static int sig_default(struct vty *vty, const struct cli_args *a, struct cfg_sip_ua *ua)
{
	bool by_tp = cli_has(a, "trustpoint"), by_prof = cli_has(a, "tls-profile");
	struct cfg_crypto_sig sig;

	if (a->no) {
		if ((by_tp || !by_prof) && ua->def_tp.trustpoint[0]) {
			memset(&ua->def_tp, 0, sizeof(ua->def_tp));
			cmdu_changed(vty);
		}
		if ((by_prof || !by_tp) && ua->def_tls_profile[0]) {
			ua->def_tls_profile[0] = '\0';
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (sig_parse(vty, a, &sig) < 0)
		return CLI_ERR;
	/* one default: a trustpoint line and a tls-profile line replace each other */
	if (sig.tls_profile[0]) {
		if (strcmp(ua->def_tls_profile, sig.tls_profile) == 0 && !ua->def_tp.trustpoint[0])
			return CLI_OK;
		memset(&ua->def_tp, 0, sizeof(ua->def_tp));
		CFG_SET(ua->def_tls_profile, sig.tls_profile);
	} else {
		if (memcmp(&ua->def_tp, &sig, sizeof(sig)) == 0 && !ua->def_tls_profile[0])
			return CLI_OK;
		ua->def_tp = sig;
		ua->def_tls_profile[0] = '\0';
	}
	cmdu_changed(vty);
	return CLI_OK;
}

static int sig_remote(struct vty *vty, const struct cli_args *a, struct cfg_sip_ua *ua)
{
	const char *addr = cli_get(a, "addr");
	const char *mask = cli_get(a, "mask");
	struct cfg_remote_addr r;
	size_t i;

	if (!mask)
		mask = cli_get(a, "len");
	if (a->no && !addr) {
		remote_clear(vty, ua);
		return CLI_OK;
	}
	if (!addr || (!mask && !a->no))
		return cmdu_incomplete(vty);
	memset(&r, 0, sizeof(r));
	if (cmdu_prefix(vty, addr, mask, &r.prefix) < 0)
		return CLI_ERR;
	for (i = 0; i < ua->remote.n; i++) {
		const struct cfg_prefix *p = &ua->remote.v[i].prefix;

		if (mask ? cmdu_prefix_same(p, &r.prefix)
			 : (p->family == r.prefix.family && strcmp(p->addr, r.prefix.addr) == 0))
			break;
	}
	if (a->no) {
		if (i < ua->remote.n) {
			CFG_VEC_DEL(ua->remote, i);
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (sig_parse(vty, a, &r.sig) < 0)
		return CLI_ERR;
	if (i < ua->remote.n) {
		if (memcmp(&ua->remote.v[i], &r, sizeof(r)) != 0) {
			ua->remote.v[i] = r;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (CFG_VEC_PUSH(ua->remote, r) < 0)
		return vty_err(vty, "%% Out of memory");
	cmdu_changed(vty);
	return CLI_OK;
}

/* Every crypto signaling declaration runs this, so that a `no` form cut
 * short (`no crypto signaling`, `no crypto signaling default`) behaves the
 * same whichever declaration the grammar picked. */
static int crypto_signaling(struct vty *vty, const struct cli_args *a)
{
	struct cfg_sip_ua *ua = sipua(vty);

	if (cli_has(a, "default"))
		return sig_default(vty, a, ua);
	if (cli_has(a, "remote-addr"))
		return sig_remote(vty, a, ua);
	if (!a->no)
		return cmdu_incomplete(vty);
	/* `no crypto signaling`: every crypto signaling line */
	sig_default(vty, a, ua);
	remote_clear(vty, ua);
	return CLI_OK;
}

CLI_CMD(ua_crypto_default_tp, MODE_SIP_UA, CLI_F_NO,
	"crypto signaling default trustpoint WORD$tp [cn-san-validate server] [client-vtp WORD$vtp]",
	"Configure crypto parameters\n"
	"Configure crypto parameters for SIP signaling (TLS)\n"
	"Default crypto configuration for peers not matched by remote-addr\n"
	"Trustpoint whose certificate is presented\n"
	"Trustpoint name\n"
	"Validate the peer certificate CN/SAN against the target name\n"
	"Validate the server certificate on outbound connections\n"
	"Client verification trustpoint (CA requested and trusted for client certificates)\n"
	"Trustpoint name\n")
{
	return crypto_signaling(vty, a);
}

CLI_CMD(ua_crypto_default_prof, MODE_SIP_UA, CLI_F_NO,
	"crypto signaling default tls-profile <1-10000>$prof",
	"Configure crypto parameters\n"
	"Configure crypto parameters for SIP signaling (TLS)\n"
	"Default crypto configuration for peers not matched by remote-addr\n"
	"Use a TLS profile\n"
	"Voice class tls-profile tag\n")
{
	return crypto_signaling(vty, a);
}

CLI_CMD(ua_crypto_remote_tp, MODE_SIP_UA, CLI_F_NO,
	"crypto signaling remote-addr A.B.C.D$addr {A.B.C.D$mask|/M$len} trustpoint WORD$tp "
	"[cn-san-validate server] [client-vtp WORD$vtp]",
	"Configure crypto parameters\n"
	"Configure crypto parameters for SIP signaling (TLS)\n"
	"Crypto configuration for peers in an address range\n"
	"Remote IPv4 address\n"
	"Network mask\n"
	"Prefix length (/0-32)\n"
	"Trustpoint whose certificate is presented\n"
	"Trustpoint name\n"
	"Validate the peer certificate CN/SAN against the target name\n"
	"Validate the server certificate on outbound connections\n"
	"Client verification trustpoint (CA requested and trusted for client certificates)\n"
	"Trustpoint name\n")
{
	return crypto_signaling(vty, a);
}

CLI_CMD(ua_crypto_remote_prof, MODE_SIP_UA, CLI_F_NO,
	"crypto signaling remote-addr A.B.C.D$addr {A.B.C.D$mask|/M$len} tls-profile <1-10000>$prof",
	"Configure crypto parameters\n"
	"Configure crypto parameters for SIP signaling (TLS)\n"
	"Crypto configuration for peers in an address range\n"
	"Remote IPv4 address\n"
	"Network mask\n"
	"Prefix length (/0-32)\n"
	"Use a TLS profile\n"
	"Voice class tls-profile tag\n")
{
	return crypto_signaling(vty, a);
}

/* ------------------------------------------------------------------ */
/* timers, connection reuse, sip-server                                 */

static int ua_timers(struct vty *vty, const struct cli_args *a)
{
	struct cfg_sip_ua *ua = sipua(vty);
	bool aging = cli_has(a, "aging"), est = cli_has(a, "establish");
	uint16_t v = 0;

	if (!a->no) {
		if (!cli_get(a, "val"))
			return cmdu_incomplete(vty);
		v = (uint16_t)cli_num(a, "val", 0);
	} else if (!aging && !est) {
		aging = est = true; /* `no timers connection` */
	}
	if (aging && ua->aging_tls_min != v) {
		ua->aging_tls_min = v;
		cmdu_changed(vty);
	}
	if (est && ua->establish_tls_sec != v) {
		ua->establish_tls_sec = v;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ua_timers_aging, MODE_SIP_UA, CLI_F_NO,
	"timers connection aging tls <1-60>$val",
	"SIP signaling timers\n"
	"Timers for TCP and TLS connections\n"
	"Close idle connections after a time\n"
	"TLS connections\n"
	"Idle time in minutes (default 5)\n")
{
	return ua_timers(vty, a);
}

CLI_CMD(ua_timers_establish, MODE_SIP_UA, CLI_F_NO,
	"timers connection establish tls <1-60>$val",
	"SIP signaling timers\n"
	"Timers for TCP and TLS connections\n"
	"Time allowed to establish a connection\n"
	"TLS connections\n"
	"Time in seconds (default 20)\n")
{
	return ua_timers(vty, a);
}

CLI_CMD(ua_connection_reuse, MODE_SIP_UA, CLI_F_NO,
	"connection-reuse",
	"Send outgoing requests over the connection or listen port of the incoming ones\n")
{
	struct cfg_sip_ua *ua = sipua(vty);

	if (ua->connection_reuse != !a->no) {
		ua->connection_reuse = !a->no;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ua_sip_server, MODE_SIP_UA, CLI_F_NO,
	"sip-server {ipv4:TARGET$v4|dns:TARGET$dns}",
	"Configure the SIP server used by `session target sip-server`\n"
	"An IPv4 address, with an optional port\n"
	"A host name, with an optional port\n")
{
	struct cfg_sip_ua *ua = sipua(vty);
	struct cfg_target t;

	memset(&t, 0, sizeof(t));
	if (!a->no) {
		int rc = cmdu_target(vty, a, CMDU_T_IPV4 | CMDU_T_DNS, &t);

		if (rc == -ENOENT)
			return cmdu_incomplete(vty);
		if (rc < 0)
			return CLI_ERR;
	}
	if (memcmp(&ua->sip_server, &t, sizeof(t)) != 0) {
		ua->sip_server = t;
		cmdu_changed(vty);
	}
	return CLI_OK;
}
