/* cmd_voice.c - `voice service voip` (conf-voi-serv) and its sub-modes:
 * the IP trusted list (cfg-iptrust-list) and `sip` (conf-serv-sip). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "cli/cmd_util.h"
#include "cli/vty.h"
#include "core/config.h"

/* ------------------------------------------------------------------ */
/* conf-voi-serv                                                        */

CLI_CMD(vs_trusted_list, MODE_VOICE_SERVICE, CLI_F_NO,
	"ip address trusted list",
	"Voice service voip IP configuration\n"
	"IP address\n"
	"Trusted IP addresses for toll-fraud protection\n"
	"List of trusted IP addresses and networks\n")
{
	struct cfg_voice_service *vs = &vty->cfg->voice;

	if (a->no) {
		if (!cli_has(a, "trusted"))
			return cmdu_incomplete(vty);
		free(vs->trusted.v);
		memset(&vs->trusted, 0, sizeof(vs->trusted));
		vs->trusted_list_present = false;
		cmdu_changed(vty);
		return CLI_OK;
	}
	if (!vs->trusted_list_present) {
		vs->trusted_list_present = true;
		cmdu_changed(vty);
	}
	vty_enter(vty, MODE_IPTRUST, 0, NULL);
	return CLI_OK;
}

CLI_CMD(vs_allow_connections, MODE_VOICE_SERVICE, CLI_F_NO,
	"allow-connections sip to sip",
	"Allow connection-based calls between protocols\n"
	"From type SIP\n"
	"To\n"
	"To type SIP (allowed by default; `no` refuses new calls with 503, Q.850 cause 63)\n")
{
	/* `default ...` restores the default (allowed, the line absent) */
	uint8_t v = a->dflt ? CFG_ALLOW_UNSET : a->no ? CFG_ALLOW_OFF : CFG_ALLOW_ON;

	if (vty->cfg->voice.allow_sip_to_sip != v) {
		vty->cfg->voice.allow_sip_to_sip = v;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(vs_srtp, MODE_VOICE_SERVICE, CLI_F_NO,
	"srtp [{fallback|pass-thru}]",
	"Allow secure calls (SRTP)\n"
	"Enable fallback to non-secure (RTP) mode\n"
	"Enable pass-thru of SRTP without interworking\n")
{
	return cmdu_srtp(vty, a, &vty->cfg->voice.srtp);
}

CLI_CMD(vs_rtp_port_range, MODE_VOICE_SERVICE, CLI_F_NO,
	"rtp-port range <2048-65535>$lo <2048-65535>$hi",
	"Configure the RTP port range\n"
	"Set the range of UDP ports for RTP\n"
	"Starting port (an even number)\n"
	"Ending port\n")
{
	struct cfg_voice_service *vs = &vty->cfg->voice;
	long lo, hi;

	if (a->no) {
		if (vs->rtp_port_lo || vs->rtp_port_hi) {
			vs->rtp_port_lo = vs->rtp_port_hi = 0;
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (!cli_get(a, "lo") || !cli_get(a, "hi"))
		return cmdu_incomplete(vty);
	lo = cli_num(a, "lo", 0);
	hi = cli_num(a, "hi", 0);
	if (lo % 2)
		return vty_err(vty, "%% The starting port of the RTP port range must be an even number");
	if (lo >= hi)
		return vty_err(vty, "%% The ending port of the RTP port range must be greater than the starting port");
	if (vs->rtp_port_lo != lo || vs->rtp_port_hi != hi) {
		vs->rtp_port_lo = (uint16_t)lo;
		vs->rtp_port_hi = (uint16_t)hi;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(vs_media_inactivity, MODE_VOICE_SERVICE, CLI_F_NO,
	"media-inactivity-timer <10-86400>$sec",
	"Release calls whose media stopped (Tollgate extension; off by default)\n"
	"Seconds without an RTP or RTCP packet on either leg\n")
{
	struct cfg_voice_service *vs = &vty->cfg->voice;
	uint32_t v = a->no ? 0 : (uint32_t)cli_num(a, "sec", 0);
	if (!a->no && !v)
		return cmdu_incomplete(vty);
	if (vs->media_inactivity_sec != v) {
		vs->media_inactivity_sec = v;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(vs_sip, MODE_VOICE_SERVICE, CLI_F_NO,
	"sip",
	"SIP configuration\n")
{
	struct cfg_voice_service *vs = &vty->cfg->voice;

	if (a->no) {
		memset(&vs->sip, 0, sizeof(vs->sip));
		vs->sip_present = false;
		cmdu_changed(vty);
		return CLI_OK;
	}
	if (!vs->sip_present) {
		vs->sip_present = true;
		cmdu_changed(vty);
	}
	vty_enter(vty, MODE_SERV_SIP, 0, NULL);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* cfg-iptrust-list                                                     */

/* Add, or with `no` remove, one trusted entry. */
static int trusted_apply(struct vty *vty, const struct cli_args *a, const struct cfg_prefix *p,
			 bool mask_given)
{
	struct cfg_voice_service *vs = &vty->cfg->voice;
	size_t i;

	for (i = 0; i < vs->trusted.n; i++) {
		const struct cfg_prefix *e = &vs->trusted.v[i];

		if (cmdu_prefix_same(e, p) ||
		    (a->no && !mask_given && e->family == p->family &&
		     strcmp(e->addr, p->addr) == 0))
			break;
	}
	if (a->no) {
		if (i < vs->trusted.n) {
			CFG_VEC_DEL(vs->trusted, i);
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (i < vs->trusted.n) {
		if (memcmp(&vs->trusted.v[i], p, sizeof(*p)) != 0) {
			vs->trusted.v[i] = *p; /* same network, new spelling of the mask */
			cmdu_changed(vty);
		}
		return CLI_OK;
	}
	if (CFG_VEC_PUSH(vs->trusted, *p) < 0)
		return vty_err(vty, "%% Out of memory");
	vs->trusted_list_present = true;
	cmdu_changed(vty);
	return CLI_OK;
}

CLI_CMD(trust_ipv4, MODE_IPTRUST, CLI_F_NO,
	"ipv4 A.B.C.D$addr [{A.B.C.D$mask|/M$len}]",
	"Add an IPv4 address or network to the trusted list\n"
	"IPv4 address\n"
	"Network mask\n"
	"Prefix length (/0-32)\n")
{
	const char *addr = cli_get(a, "addr");
	const char *mask = cli_get(a, "mask");
	struct cfg_prefix p;

	if (!mask)
		mask = cli_get(a, "len");
	if (!addr) {
		if (a->no) {  /* `no ipv4`: every IPv4 entry */
			struct cfg_voice_service *vs = &vty->cfg->voice;
			size_t i = 0;

			while (i < vs->trusted.n) {
				if (vs->trusted.v[i].family != AF_INET6) {
					CFG_VEC_DEL(vs->trusted, i);
					cmdu_changed(vty);
				} else {
					i++;
				}
			}
			return CLI_OK;
		}
		return cmdu_incomplete(vty);
	}
	if (cmdu_prefix(vty, addr, mask, &p) < 0)
		return CLI_ERR;
	return trusted_apply(vty, a, &p, mask != NULL);
}

CLI_CMD(trust_ipv6, MODE_IPTRUST, CLI_F_NO,
	"ipv6 X:X::X:X/M$prefix",
	"Add an IPv6 network to the trusted list\n"
	"IPv6 prefix and length\n")
{
	const char *pfx = cli_get(a, "prefix");
	char addr[CFG_ADDR_LEN + 8];
	struct cfg_prefix p;
	char *slash;

	if (!pfx) {
		if (a->no) {  /* `no ipv6`: every IPv6 entry */
			struct cfg_voice_service *vs = &vty->cfg->voice;
			size_t i = 0;

			while (i < vs->trusted.n) {
				if (vs->trusted.v[i].family == AF_INET6) {
					CFG_VEC_DEL(vs->trusted, i);
					cmdu_changed(vty);
				} else {
					i++;
				}
			}
			return CLI_OK;
		}
		return cmdu_incomplete(vty);
	}
	if (strlen(pfx) >= sizeof(addr))
		return vty_err(vty, "%% Invalid IPv6 prefix \"%s\"", pfx);
	strcpy(addr, pfx);
	slash = strchr(addr, '/');
	if (!slash)
		return vty_err(vty, "%% Invalid IPv6 prefix \"%s\": a /LEN is required", pfx);
	*slash = '\0';
	if (cmdu_prefix(vty, addr, strchr(pfx, '/'), &p) < 0)
		return CLI_ERR;
	return trusted_apply(vty, a, &p, true);
}

/* ------------------------------------------------------------------ */
/* conf-serv-sip                                                        */

static struct cfg_voice_sip *vsip(struct vty *vty)
{
	vty->cfg->voice.sip_present = true;
	return &vty->cfg->voice.sip;
}

CLI_CMD(ss_session_transport, MODE_SERV_SIP, CLI_F_NO,
	"session transport {udp|tcp [tls]}",
	"Session level commands\n"
	"The transport layer protocol for outgoing calls\n"
	"UDP\n"
	"TCP\n"
	"TLS over TCP\n")
{
	struct cfg_voice_sip *s = vsip(vty);
	enum cfg_transport t = a->no ? CFG_TRANSPORT_UNSET : cmdu_transport(a);

	if (!a->no && t == CFG_TRANSPORT_UNSET)
		return cmdu_incomplete(vty);
	if (s->session_transport != t) {
		s->session_transport = t;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ss_url, MODE_SERV_SIP, CLI_F_NO,
	"url {sip|sips}",
	"The type of URL generated in outgoing SIP messages\n"
	"Use sip: URLs\n"
	"Use sips: URLs\n")
{
	struct cfg_voice_sip *s = vsip(vty);
	enum cfg_url u = CFG_URL_UNSET;

	if (!a->no) {
		if (cli_has(a, "sips"))
			u = CFG_URL_SIPS;
		else if (cli_has(a, "sip"))
			u = CFG_URL_SIP;
		else
			return cmdu_incomplete(vty);
	}
	if (s->url != u) {
		s->url = u;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ss_srtp_crypto, MODE_SERV_SIP, CLI_F_NO,
	"srtp-crypto <1-10000>$tag",
	"Configure the global SRTP crypto-suite preference\n"
	"Voice class srtp-crypto tag\n")
{
	struct cfg_voice_sip *s = vsip(vty);
	char tag[CFG_NAME_LEN] = "";

	if (!a->no) {
		if (cmdu_tag(a, "tag", tag, sizeof(tag)) < 0)
			return cmdu_incomplete(vty);
		if (vty_ref_check(vty, REF_SRTP_CRYPTO, tag) < 0)
			return CLI_ERR;
	}
	if (strcmp(s->srtp_crypto, tag) != 0) {
		CFG_SET(s->srtp_crypto, tag);
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ss_listen_port, MODE_SERV_SIP, CLI_F_NO,
	"listen-port [non-secure <1-65535>$ns] [secure <1-65535>$sec]",
	"Change the SIP listen ports\n"
	"Change the non-secure (UDP and TCP) SIP listen port\n"
	"Port number (default 5060)\n"
	"Change the secure (TLS) SIP listen port\n"
	"Port number (default 5061)\n")
{
	struct cfg_voice_sip *s = vsip(vty);
	bool ns = cli_has(a, "non-secure"), sec = cli_has(a, "secure");
	uint16_t nsv = s->listen_nonsecure, secv = s->listen_secure;

	if (a->no) {
		if (!ns && !sec)
			ns = sec = true;
		if (ns)
			nsv = 0;
		if (sec)
			secv = 0;
	} else {
		if (!ns && !sec)
			return cmdu_incomplete(vty);
		if (ns)
			nsv = (uint16_t)cli_num(a, "ns", 0);
		if (sec)
			secv = (uint16_t)cli_num(a, "sec", 0);
		if (nsv && secv && nsv == secv)
			return vty_err(vty, "%% The non-secure and secure listen ports must differ");
	}
	if (s->listen_nonsecure != nsv || s->listen_secure != secv) {
		s->listen_nonsecure = nsv;
		s->listen_secure = secv;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

/* Set or clear one bind source (interface or address; setting one clears
 * the other, since a bind has one source). */
static void bind_set(struct vty *vty, char *ifn, size_t ifsz, char *addr, size_t addrsz,
		     const char *newif, const char *newaddr)
{
	if (strcmp(ifn, newif) != 0 || strcmp(addr, newaddr) != 0) {
		cfg_strset(ifn, ifsz, newif);
		cfg_strset(addr, addrsz, newaddr);
		cmdu_changed(vty);
	}
}

CLI_CMD(ss_bind, MODE_SERV_SIP, CLI_F_NO,
	"bind {control|media|all} {source-interface WORD$ifname|source-address A.B.C.D$addr}",
	"Bind the source address of SIP signalling and media\n"
	"SIP signalling\n"
	"Media (RTP/SRTP)\n"
	"Both signalling and media\n"
	"Use the address of a Linux network interface\n"
	"Interface name, e.g. eth0\n"
	"Use a fixed IPv4 source address\n"
	"IPv4 address\n")
{
	struct cfg_voice_sip *s = vsip(vty);
	bool ctl = cli_has(a, "control") || cli_has(a, "all");
	bool med = cli_has(a, "media") || cli_has(a, "all");
	const char *ifn = cli_get(a, "ifname"), *addr = cli_get(a, "addr");
	bool by_if = cli_has(a, "source-interface"), by_addr = cli_has(a, "source-address");

	if (!ctl && !med) {
		if (!a->no)
			return cmdu_incomplete(vty);
		ctl = med = true; /* `no bind` */
	}
	if (a->no) {
		/* remove the named kind of source only if it is what is configured */
		if (ctl && (!by_if || s->bind_control_if[0]) && (!by_addr || s->bind_control_addr[0]))
			bind_set(vty, s->bind_control_if, sizeof(s->bind_control_if),
				 s->bind_control_addr, sizeof(s->bind_control_addr), "", "");
		if (med && (!by_if || s->bind_media_if[0]) && (!by_addr || s->bind_media_addr[0]))
			bind_set(vty, s->bind_media_if, sizeof(s->bind_media_if),
				 s->bind_media_addr, sizeof(s->bind_media_addr), "", "");
		return CLI_OK;
	}
	if (ifn) {
		if (cmdu_ifname(vty, ifn) < 0)
			return CLI_ERR;
		addr = "";
	} else if (addr) {
		struct cfg_prefix p;

		if (cmdu_prefix(vty, addr, NULL, &p) < 0)
			return CLI_ERR;
		if (strlen(addr) >= CFG_ADDR_LEN)
			return vty_err(vty, "%% Invalid address \"%s\"", addr);
		ifn = "";
	} else {
		return cmdu_incomplete(vty);
	}
	if (ctl)
		bind_set(vty, s->bind_control_if, sizeof(s->bind_control_if),
			 s->bind_control_addr, sizeof(s->bind_control_addr), ifn, addr);
	if (med)
		bind_set(vty, s->bind_media_if, sizeof(s->bind_media_if),
			 s->bind_media_addr, sizeof(s->bind_media_addr), ifn, addr);
	return CLI_OK;
}

CLI_CMD(ss_early_offer, MODE_SERV_SIP, CLI_F_NO,
	"early-offer forced",
	"Configure early offer (SDP in the outgoing INVITE)\n"
	"Always send an early offer: Tollgate's own SDP when the incoming INVITE has none\n")
{
	struct cfg_voice_sip *s = vsip(vty);

	if (s->early_offer_forced != !a->no) {
		s->early_offer_forced = !a->no;
		cmdu_changed(vty);
	}
	return CLI_OK;
}

CLI_CMD(ss_silent_discard, MODE_SERV_SIP, CLI_F_NO,
	"silent-discard untrusted",
	"Silently discard SIP requests\n"
	"Requests from untrusted sources (the default; `no` answers them with an error)\n")
{
	struct cfg_voice_sip *s = vsip(vty);
	bool nsd = a->no && !a->dflt; /* `default silent-discard ...` restores discarding */

	if (s->no_silent_discard != nsd) {
		s->no_silent_discard = nsd;
		cmdu_changed(vty);
	}
	return CLI_OK;
}
