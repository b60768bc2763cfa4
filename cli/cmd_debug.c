/* cmd_debug.c - EXEC debug commands (layer 7): `debug ccsip {messages | error
 * | transport | events | all}`, `debug voip dialpeer`, `debug ssl openssl
 * {states | msg | errors}` (also as `debug tls ...`), `debug ssl keylog FILE`,
 * `debug ccsip info`, `debug voip ccapi inout`, `debug crypto pki
 * {transactions | validations}` (mapped to the nearest of those), their
 * `no debug ...` and `undebug ...` forms, `undebug all`, `no debug all` and
 * `show debugging`.
 *
 * The flags live in sip/sipdebug.h (`sipdbg`); the layers that produce debug
 * lines test them.  For TLS, a hook is registered with tls_set_debug() while
 * any `debug ssl openssl` flag is on: it writes GnuTLS handshake messages,
 * states, alerts and errors to the log (log_msg, severity 7), so they reach
 * `show logging` and sessions with `terminal monitor`, never blocking.
 * `debug ssl keylog FILE` writes NSS key-log lines (tls_keylog_set) so that
 * Wireshark or tshark can decrypt a capture; `undebug all` stops it too. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/log.h"
#include "media/session.h"
#include "sip/sipdebug.h"
#include "sip/tls.h"

static char g_keylog[512];   /* the key-log file in use, "" when off */

/* ------------------------------------------------------------------ */
/* TLS debug hook                                                       */

static void tls_debug_hook(enum tls_debug_kind kind, unsigned conn_id, const char *line)
{
	static const char *const mn[] = { "STATE", "MSG", "ERROR" };
	bool on = kind == TLS_DEBUG_STATE ? sipdbg.tls_states
		: kind == TLS_DEBUG_MSG ? sipdbg.tls_msg : sipdbg.tls_errors;
	if (!on)
		return;
	if (conn_id)
		log_msg(7, "SSL", mn[kind], "Conn-Id %u: %s", conn_id, line);
	else
		log_msg(7, "SSL", mn[kind], "%s", line);
}

static void tls_hook_update(void)
{
	bool any = sipdbg.tls_states || sipdbg.tls_msg || sipdbg.tls_errors;
	tls_set_debug(any ? tls_debug_hook : NULL);
}

/* ------------------------------------------------------------------ */
/* the debug targets                                                    */

enum dbg_what {
	D_CCSIP_MESSAGES, D_CCSIP_ERROR, D_CCSIP_TRANSPORT, D_CCSIP_EVENTS, D_CCSIP_ALL,
	D_DIALPEER, D_TLS_STATES, D_TLS_MSG, D_TLS_ERRORS,
};

/* IOS debugs mapped to one of the above (see below) and which are on. */
enum alias_what { A_CCSIP_INFO, A_CCAPI_INOUT, A_PKI_TRANS, A_PKI_VALID, A_COUNT };
static bool g_alias[A_COUNT];

/* What IOS prints when a debug is turned on or off. */
static const char *const dbg_text[] = {
	[D_CCSIP_MESSAGES] = "SIP Call messages tracing",
	[D_CCSIP_ERROR] = "SIP Call error tracing",
	[D_CCSIP_TRANSPORT] = "SIP Call transport tracing",
	[D_CCSIP_EVENTS] = "SIP Call events tracing",
	[D_CCSIP_ALL] = "All SIP Call tracing",
	[D_DIALPEER] = "voip dialpeer debugging",
	[D_TLS_STATES] = "ssl openssl states debugging",
	[D_TLS_MSG] = "ssl openssl msg debugging",
	[D_TLS_ERRORS] = "ssl openssl errors debugging",
};

static void dbg_set(enum dbg_what w, bool on)
{
	switch (w) {
	case D_CCSIP_MESSAGES: sipdbg.messages = on; break;
	case D_CCSIP_ERROR: sipdbg.error = on; break;
	case D_CCSIP_TRANSPORT: sipdbg.transport = on; break;
	case D_CCSIP_EVENTS: sipdbg.events = on; break;
	case D_CCSIP_ALL:
		sipdbg.messages = sipdbg.error = sipdbg.transport = sipdbg.events = on;
		break;
	case D_DIALPEER: sipdbg.dialpeer = on; break;
	case D_TLS_STATES: sipdbg.tls_states = on; break;
	case D_TLS_MSG: sipdbg.tls_msg = on; break;
	case D_TLS_ERRORS: sipdbg.tls_errors = on; break;
	}
	tls_hook_update();
}

static int dbg_apply(struct vty *vty, enum dbg_what w, bool on)
{
	dbg_set(w, on);
	if (w <= D_CCSIP_ALL)
		vty_out(vty, "%s is %s\n", dbg_text[w], on ? "enabled" : "disabled");
	else
		vty_out(vty, "%s is %s\n", dbg_text[w], on ? "on" : "off");
	return CLI_OK;
}

static enum dbg_what ccsip_what(const struct cli_args *a)
{
	if (cli_has(a, "messages")) return D_CCSIP_MESSAGES;
	if (cli_has(a, "error")) return D_CCSIP_ERROR;
	if (cli_has(a, "transport")) return D_CCSIP_TRANSPORT;
	if (cli_has(a, "events")) return D_CCSIP_EVENTS;
	return D_CCSIP_ALL;
}

static enum dbg_what tls_what(const struct cli_args *a)
{
	if (cli_has(a, "states")) return D_TLS_STATES;
	if (cli_has(a, "msg")) return D_TLS_MSG;
	return D_TLS_ERRORS;
}

static void all_off(void)
{
	sipdbg_all_off();
	memset(g_alias, 0, sizeof(g_alias));
	memset(&mediadbg, 0, sizeof(mediadbg));
	tls_hook_update();
	if (g_keylog[0]) {
		(void)tls_keylog_set(NULL);
		g_keylog[0] = '\0';
	}
}

/* Help lines shared by the forms. */
#define H_DEBUG   "Debugging functions (see also 'undebug')\n"
#define H_UNDEBUG "Disable debugging functions (see also 'debug')\n"
#define H_NO      "Negate a command or set its defaults\n"
#define H_CCSIP   "Call Control SIP\n"                  \
		  "SIP Messages tracing\n"              \
		  "SIP error tracing\n"                 \
		  "SIP transport tracing\n"             \
		  "SIP events tracing\n"                \
		  "Enable all SIP debugging traces\n"
#define H_VOIP    "VOIP debugging\n"                    \
		  "VOIP dial-peer matching (which dial-peer matched and why)\n"
#define H_OPENSSL "SSL/TLS debugging\n"                 \
		  "OpenSSL-style names for GnuTLS TLS debugging\n" \
		  "TLS handshake states\n"              \
		  "TLS handshake messages and alerts\n" \
		  "TLS errors\n"
#define H_TLS     "TLS debugging (same as 'debug ssl openssl')\n" \
		  "TLS handshake states\n"              \
		  "TLS handshake messages and alerts\n" \
		  "TLS errors\n"
#define SYN_CCSIP   "ccsip {messages|error|transport|events|all}"
#define SYN_OPENSSL "ssl openssl {states|msg|errors}"
#define SYN_TLS     "tls {states|msg|errors}"

/* debug ccsip ... */
CLI_CMD(debug_ccsip, MODE_EXEC, 0, "debug " SYN_CCSIP, H_DEBUG H_CCSIP)
{ return dbg_apply(vty, ccsip_what(a), true); }
CLI_CMD(undebug_ccsip, MODE_EXEC, 0, "undebug " SYN_CCSIP, H_UNDEBUG H_CCSIP)
{ return dbg_apply(vty, ccsip_what(a), false); }
CLI_CMD(no_debug_ccsip, MODE_EXEC, 0, "no debug " SYN_CCSIP, H_NO H_DEBUG H_CCSIP)
{ return dbg_apply(vty, ccsip_what(a), false); }

/* debug voip dialpeer */
CLI_CMD(debug_dialpeer, MODE_EXEC, 0, "debug voip dialpeer", H_DEBUG H_VOIP)
{ return dbg_apply(vty, D_DIALPEER, true); }
CLI_CMD(undebug_dialpeer, MODE_EXEC, 0, "undebug voip dialpeer", H_UNDEBUG H_VOIP)
{ return dbg_apply(vty, D_DIALPEER, false); }
CLI_CMD(no_debug_dialpeer, MODE_EXEC, 0, "no debug voip dialpeer", H_NO H_DEBUG H_VOIP)
{ return dbg_apply(vty, D_DIALPEER, false); }

/* debug ssl openssl ... / debug tls ... */
CLI_CMD(debug_openssl, MODE_EXEC, 0, "debug " SYN_OPENSSL, H_DEBUG H_OPENSSL)
{ return dbg_apply(vty, tls_what(a), true); }
CLI_CMD(undebug_openssl, MODE_EXEC, 0, "undebug " SYN_OPENSSL, H_UNDEBUG H_OPENSSL)
{ return dbg_apply(vty, tls_what(a), false); }
CLI_CMD(no_debug_openssl, MODE_EXEC, 0, "no debug " SYN_OPENSSL, H_NO H_DEBUG H_OPENSSL)
{ return dbg_apply(vty, tls_what(a), false); }
CLI_CMD(debug_tls, MODE_EXEC, 0, "debug " SYN_TLS, H_DEBUG H_TLS)
{ return dbg_apply(vty, tls_what(a), true); }
CLI_CMD(undebug_tls, MODE_EXEC, 0, "undebug " SYN_TLS, H_UNDEBUG H_TLS)
{ return dbg_apply(vty, tls_what(a), false); }
CLI_CMD(no_debug_tls, MODE_EXEC, 0, "no debug " SYN_TLS, H_NO H_DEBUG H_TLS)
{ return dbg_apply(vty, tls_what(a), false); }

/* debug ssl keylog FILE */
#define H_KEYLOG "SSL/TLS debugging\n" \
		 "Write TLS session secrets in NSS key-log format (for Wireshark)\n"

static int keylog_off(struct vty *vty)
{
	if (!g_keylog[0]) {
		vty_out(vty, "ssl keylog is off\n");
		return CLI_OK;
	}
	(void)tls_keylog_set(NULL);
	vty_out(vty, "ssl keylog to %s is off\n", g_keylog);
	g_keylog[0] = '\0';
	return CLI_OK;
}

CLI_CMD(debug_keylog, MODE_EXEC, 0,
	"debug ssl keylog WORD$file",
	H_DEBUG H_KEYLOG
	"File to append the key-log lines to (created with mode 0600)\n")
{
	const char *f = cli_get(a, "file");
	if (strlen(f) >= sizeof(g_keylog))
		return vty_err(vty, "%% File name is too long (at most %zu characters)", sizeof(g_keylog) - 1);
	int rc = tls_keylog_set(f);
	if (rc)
		return vty_err(vty, "%% Cannot open %s: %s", f, strerror(-rc));
	snprintf(g_keylog, sizeof(g_keylog), "%s", f);
	vty_out(vty, "ssl keylog is on: new TLS handshakes write their secrets to %s\n", f);
	return CLI_OK;
}

CLI_CMD(undebug_keylog, MODE_EXEC, 0, "undebug ssl keylog", H_UNDEBUG H_KEYLOG)
{ return keylog_off(vty); }
CLI_CMD(no_debug_keylog, MODE_EXEC, 0, "no debug ssl keylog", H_NO H_DEBUG H_KEYLOG)
{ return keylog_off(vty); }

/* ------------------------------------------------------------------ */
/* IOS debugs mapped to the nearest category Tollgate has               */

/* `debug ccsip info` and `debug voip ccapi inout` turn on the dial-peer and
 * call-control lines (sipdbg.dialpeer: dial-peer matches, answers, and each
 * call's disconnect cause); `debug crypto pki transactions` the TLS handshake
 * messages, where certificates are exchanged (sipdbg.tls_msg); `debug crypto
 * pki validations` the certificate verification failures (sipdbg.tls_errors).
 * `show debugging` lists a mapped debug under its IOS name while the category
 * it maps to is on. */
static const struct {
	enum dbg_what to;
	const char *text;      /* what IOS prints when it is turned on or off */
	const char *shown;     /* its show debugging line */
} alias_map[A_COUNT] = {
	[A_CCSIP_INFO] = { D_DIALPEER, "SIP Call info tracing",
			   "CCSIP SPI: SIP Call info tracing is enabled (dial-peer and call-control lines)" },
	[A_CCAPI_INOUT] = { D_DIALPEER, "voip ccAPI function enter/exit debugging",
			    "voip ccAPI function enter/exit debugging is on (dial-peer and call-control lines)" },
	[A_PKI_TRANS] = { D_TLS_MSG, "Crypto PKI Trans debugging",
			  "Crypto PKI Trans debugging is on (TLS handshake messages)" },
	[A_PKI_VALID] = { D_TLS_ERRORS, "Crypto PKI Validation Path debugging",
			  "Crypto PKI Validation Path debugging is on (certificate verification failures)" },
};
static bool dbg_is_on(enum dbg_what w)
{
	switch (w) {
	case D_DIALPEER: return sipdbg.dialpeer;
	case D_TLS_MSG: return sipdbg.tls_msg;
	case D_TLS_ERRORS: return sipdbg.tls_errors;
	default: return false;
	}
}

static int alias_apply(struct vty *vty, enum alias_what w, bool on)
{
	g_alias[w] = on;
	bool keep = false; /* another mapped debug still wants the category */
	for (int i = 0; i < A_COUNT; i++)
		keep |= i != (int)w && g_alias[i] && alias_map[i].to == alias_map[w].to;
	if (on || !keep)
		dbg_set(alias_map[w].to, on);
	vty_out(vty, "%s is %s\n", alias_map[w].text, on ? "on" : "off");
	return CLI_OK;
}

static enum alias_what pki_what(const struct cli_args *a)
{
	return cli_has(a, "transactions") ? A_PKI_TRANS : A_PKI_VALID;
}

#define H_CCSIP_INFO "Call Control SIP\n" \
		     "SIP info tracing (dial-peer and call-control lines)\n"
#define H_CCAPI      "VOIP debugging\n"                   \
		     "Call control API\n"                  \
		     "Call setup, dial-peer and disconnect cause lines\n"
#define H_PKI        "Cryptographic subsystem\n"          \
		     "Public Key Infrastructure\n"         \
		     "Certificate exchanges (TLS handshake messages)\n" \
		     "Certificate path validation (verification failures)\n"
#define SYN_PKI      "crypto pki {transactions|validations}"

CLI_CMD(debug_ccsip_info, MODE_EXEC, 0, "debug ccsip info", H_DEBUG H_CCSIP_INFO)
{ return alias_apply(vty, A_CCSIP_INFO, true); }
CLI_CMD(undebug_ccsip_info, MODE_EXEC, 0, "undebug ccsip info", H_UNDEBUG H_CCSIP_INFO)
{ return alias_apply(vty, A_CCSIP_INFO, false); }
CLI_CMD(no_debug_ccsip_info, MODE_EXEC, 0, "no debug ccsip info", H_NO H_DEBUG H_CCSIP_INFO)
{ return alias_apply(vty, A_CCSIP_INFO, false); }

CLI_CMD(debug_ccapi, MODE_EXEC, 0, "debug voip ccapi inout", H_DEBUG H_CCAPI)
{ return alias_apply(vty, A_CCAPI_INOUT, true); }
CLI_CMD(undebug_ccapi, MODE_EXEC, 0, "undebug voip ccapi inout", H_UNDEBUG H_CCAPI)
{ return alias_apply(vty, A_CCAPI_INOUT, false); }
CLI_CMD(no_debug_ccapi, MODE_EXEC, 0, "no debug voip ccapi inout", H_NO H_DEBUG H_CCAPI)
{ return alias_apply(vty, A_CCAPI_INOUT, false); }

CLI_CMD(debug_pki, MODE_EXEC, 0, "debug " SYN_PKI, H_DEBUG H_PKI)
{ return alias_apply(vty, pki_what(a), true); }
CLI_CMD(undebug_pki, MODE_EXEC, 0, "undebug " SYN_PKI, H_UNDEBUG H_PKI)
{ return alias_apply(vty, pki_what(a), false); }
CLI_CMD(no_debug_pki, MODE_EXEC, 0, "no debug " SYN_PKI, H_NO H_DEBUG H_PKI)
{ return alias_apply(vty, pki_what(a), false); }

/* undebug all / no debug all */
CLI_CMD(undebug_all, MODE_EXEC, 0, "undebug all", H_UNDEBUG "Disable all debugging\n")
{
	all_off();
	vty_out(vty, "All possible debugging has been turned off\n");
	return CLI_OK;
}

CLI_CMD(no_debug_all, MODE_EXEC, 0, "no debug all", H_NO H_DEBUG "Disable all debugging\n")
{
	all_off();
	vty_out(vty, "All possible debugging has been turned off\n");
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show debugging                                                       */

CLI_CMD(show_debugging, MODE_EXEC, CLI_F_PIPE,
	"show debugging",
	"Show running system information\n"
	"State of each debugging option\n")
{
	for (int i = 0; i < A_COUNT; i++)
		if (g_alias[i] && dbg_is_on(alias_map[i].to))
			vty_out(vty, "%s\n", alias_map[i].shown);
	bool ccsip = sipdbg.messages || sipdbg.error || sipdbg.transport || sipdbg.events;
	bool ssl = sipdbg.tls_states || sipdbg.tls_msg || sipdbg.tls_errors || g_keylog[0];
	if (ccsip) {
		if (sipdbg.messages)
			vty_out(vty, "CCSIP SPI: SIP Call messages tracing is enabled\n");
		if (sipdbg.error)
			vty_out(vty, "CCSIP SPI: SIP Call error tracing is enabled\n");
		if (sipdbg.transport)
			vty_out(vty, "CCSIP SPI: SIP Call transport tracing is enabled\n");
		if (sipdbg.events)
			vty_out(vty, "CCSIP SPI: SIP Call events tracing is enabled\n");
	}
	if (sipdbg.dialpeer) {
		vty_out(vty, "voip dialpeer:\n");
		vty_out(vty, "  voip dialpeer debugging is on\n");
	}
	if (ssl) {
		vty_out(vty, "SSL:\n");
		if (sipdbg.tls_states)
			vty_out(vty, "  ssl openssl states debugging is on\n");
		if (sipdbg.tls_msg)
			vty_out(vty, "  ssl openssl msg debugging is on\n");
		if (sipdbg.tls_errors)
			vty_out(vty, "  ssl openssl errors debugging is on\n");
		if (g_keylog[0])
			vty_out(vty, "  ssl keylog is on, writing to %s\n", g_keylog);
	}
	if (mediadbg.rtp || mediadbg.srtp_session || mediadbg.srtp_error) {
		vty_out(vty, "voip media:\n");
		if (mediadbg.rtp)
			vty_out(vty, "  voip rtp debugging is on\n");
		if (mediadbg.srtp_session)
			vty_out(vty, "  voip srtp session debugging is on\n");
		if (mediadbg.srtp_error)
			vty_out(vty, "  voip srtp error debugging is on\n");
	}
	return CLI_OK;
}
