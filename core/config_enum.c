/* config_enum.c - keyword tables of the configuration model: CUBE TLS cipher
 * names with their IANA names, help text and GnuTLS priority elements, curve,
 * SRTP suite and codec names, and the enum <-> keyword helpers (layer 2). */
#include "core/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define H12 "supported in TLS 1.2 & above"
#define H10 "supported in TLS 1.0 & above"
#define H13 "supported in TLS 1.3"

/* GnuTLS elements are key exchange, cipher and MAC; the caller adds the
 * protocol versions, groups and signature algorithms around them. */
const struct cfg_cipher_info cfg_cipher_table[CFG_CIPHER_COUNT] = {
	[CFG_CIPHER_NONE] = { CFG_CIPHER_NONE, "", "", "", "" },
#define C(ID, NAME, IANA, HELP, GT) [ID] = { ID, NAME, IANA, HELP, GT }
	C(CFG_CIPHER_ECDHE_RSA_AES128_GCM_SHA256, "ECDHE_RSA_AES128_GCM_SHA256",
	  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", H12, "+ECDHE-RSA:+AES-128-GCM:+AEAD"),
	C(CFG_CIPHER_ECDHE_RSA_AES256_GCM_SHA384, "ECDHE_RSA_AES256_GCM_SHA384",
	  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", H12, "+ECDHE-RSA:+AES-256-GCM:+AEAD"),
	C(CFG_CIPHER_ECDHE_ECDSA_AES128_GCM_SHA256, "ECDHE_ECDSA_AES128_GCM_SHA256",
	  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", H12, "+ECDHE-ECDSA:+AES-128-GCM:+AEAD"),
	C(CFG_CIPHER_ECDHE_ECDSA_AES256_GCM_SHA384, "ECDHE_ECDSA_AES256_GCM_SHA384",
	  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", H12, "+ECDHE-ECDSA:+AES-256-GCM:+AEAD"),
	C(CFG_CIPHER_DHE_RSA_AES128_GCM_SHA256, "DHE_RSA_AES128_GCM_SHA256",
	  "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", H12, "+DHE-RSA:+AES-128-GCM:+AEAD"),
	C(CFG_CIPHER_DHE_RSA_AES256_GCM_SHA384, "DHE_RSA_AES256_GCM_SHA384",
	  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", H12, "+DHE-RSA:+AES-256-GCM:+AEAD"),
	C(CFG_CIPHER_ECDHE_RSA_AES128_SHA256, "ECDHE_RSA_AES128_SHA256",
	  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", H12, "+ECDHE-RSA:+AES-128-CBC:+SHA256"),
	C(CFG_CIPHER_ECDHE_RSA_AES256_SHA384, "ECDHE_RSA_AES256_SHA384",
	  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", H12, "+ECDHE-RSA:+AES-256-CBC:+SHA384"),
	C(CFG_CIPHER_ECDHE_ECDSA_AES256_SHA384, "ECDHE_ECDSA_AES256_SHA384",
	  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", H12, "+ECDHE-ECDSA:+AES-256-CBC:+SHA384"),
	C(CFG_CIPHER_DHE_RSA_AES128_SHA256, "DHE_RSA_AES128_SHA256",
	  "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", H12, "+DHE-RSA:+AES-128-CBC:+SHA256"),
	C(CFG_CIPHER_DHE_RSA_AES256_SHA256, "DHE_RSA_AES256_SHA256",
	  "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", H12, "+DHE-RSA:+AES-256-CBC:+SHA256"),
	C(CFG_CIPHER_ECDHE_RSA_WITH_AES_256_CBC_SHA, "ECDHE_RSA_WITH_AES_256_CBC_SHA",
	  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", H10, "+ECDHE-RSA:+AES-256-CBC:+SHA1"),
	C(CFG_CIPHER_DHE_RSA_WITH_AES_128_CBC_SHA, "DHE_RSA_WITH_AES_128_CBC_SHA",
	  "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", H10, "+DHE-RSA:+AES-128-CBC:+SHA1"),
	C(CFG_CIPHER_DHE_RSA_WITH_AES_256_CBC_SHA, "DHE_RSA_WITH_AES_256_CBC_SHA",
	  "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", H10, "+DHE-RSA:+AES-256-CBC:+SHA1"),
	C(CFG_CIPHER_RSA_WITH_AES_128_CBC_SHA, "RSA_WITH_AES_128_CBC_SHA",
	  "TLS_RSA_WITH_AES_128_CBC_SHA", H10, "+RSA:+AES-128-CBC:+SHA1"),
	C(CFG_CIPHER_RSA_WITH_AES_256_CBC_SHA, "RSA_WITH_AES_256_CBC_SHA",
	  "TLS_RSA_WITH_AES_256_CBC_SHA", H10, "+RSA:+AES-256-CBC:+SHA1"),
	C(CFG_CIPHER_RSA_WITH_AES_256_CBC_SHA256, "RSA_WITH_AES_256_CBC_SHA256",
	  "TLS_RSA_WITH_AES_256_CBC_SHA256", H12, "+RSA:+AES-256-CBC:+SHA256"),
	C(CFG_CIPHER_RSA_WITH_AES_128_GCM_SHA256, "RSA_WITH_AES_128_GCM_SHA256",
	  "TLS_RSA_WITH_AES_128_GCM_SHA256", H12, "+RSA:+AES-128-GCM:+AEAD"),
	C(CFG_CIPHER_RSA_WITH_AES_256_GCM_SHA384, "RSA_WITH_AES_256_GCM_SHA384",
	  "TLS_RSA_WITH_AES_256_GCM_SHA384", H12, "+RSA:+AES-256-GCM:+AEAD"),
	C(CFG_CIPHER_TLS13_AES128_GCM_SHA256, "AES128_GCM_SHA256",
	  "TLS_AES_128_GCM_SHA256", H13, "+AES-128-GCM"),
	C(CFG_CIPHER_TLS13_AES256_GCM_SHA384, "AES256_GCM_SHA384",
	  "TLS_AES_256_GCM_SHA384", H13, "+AES-256-GCM"),
	C(CFG_CIPHER_TLS13_CHACHA20_POLY1305_SHA256, "CHACHA20_POLY1305_SHA256",
	  "TLS_CHACHA20_POLY1305_SHA256", H13, "+CHACHA20-POLY1305"),
#undef C
};

const struct cfg_cipher_info *cfg_cipher_by_name(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (int i = 1; i < CFG_CIPHER_COUNT; i++)
		if (!strcasecmp(cfg_cipher_table[i].name, name) ||
		    !strcasecmp(cfg_cipher_table[i].iana, name))
			return &cfg_cipher_table[i];
	return NULL;
}

const char *const cfg_curve_names[CFG_CURVE_COUNT] = {
	"", "secp256r1", "secp384r1", "secp521r1", "x25519",
};

const char *const cfg_suite_names[CFG_SUITE_COUNT] = {
	"", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
	"AEAD_AES_128_GCM", "AEAD_AES_256_GCM",
};

const char *const cfg_codec_names[CFG_CODEC_COUNT] = {
	"", "g711ulaw", "g711alaw", "g722-64", "g729r8", "opus",
};

/* Index of s in names[1..n-1] (case-insensitive), or -EINVAL. */
static int name_index(const char *const *names, int n, const char *s)
{
	if (!s || !*s)
		return -EINVAL;
	for (int i = 1; i < n; i++)
		if (!strcasecmp(names[i], s))
			return i;
	return -EINVAL;
}

int cfg_suite_parse(const char *s, enum cfg_srtp_suite *out)
{
	int i = name_index(cfg_suite_names, CFG_SUITE_COUNT, s);
	if (i < 0)
		return i;
	*out = (enum cfg_srtp_suite)i;
	return 0;
}

int cfg_codec_parse(const char *s, enum cfg_codec *out)
{
	int i = name_index(cfg_codec_names, CFG_CODEC_COUNT, s);
	if (i < 0)
		return i;
	*out = (enum cfg_codec)i;
	return 0;
}

/* IOS's packet sizes: G.711 and G.722 in 10 ms steps of 80 bytes, G.729 in
 * steps of 10 bytes (10 ms); Opus takes none. */
const char *cfg_codec_bytes_check(enum cfg_codec c, unsigned bytes)
{
	switch (c) {
	case CFG_CODEC_G711ULAW:
	case CFG_CODEC_G711ALAW:
	case CFG_CODEC_G722_64:
		return bytes >= 80 && bytes <= 240 && bytes % 80 == 0 ? NULL
			: "% Packet size for this codec: 80, 160 or 240 bytes (10, 20 or 30 ms)";
	case CFG_CODEC_G729R8:
		return bytes >= 10 && bytes <= 230 && bytes % 10 == 0 ? NULL
			: "% Packet size for g729r8: 10 to 230 bytes in steps of 10 (10 ms each)";
	default:
		return "% This codec takes no packet size (bytes)";
	}
}

int cfg_curve_parse(const char *s, enum cfg_curve *out)
{
	int i = name_index(cfg_curve_names, CFG_CURVE_COUNT, s);
	if (i < 0)
		return i;
	*out = (enum cfg_curve)i;
	return 0;
}

const char *cfg_transport_str(enum cfg_transport t)
{
	switch (t) {
	case CFG_TRANSPORT_UDP: return "udp";
	case CFG_TRANSPORT_TCP: return "tcp";
	case CFG_TRANSPORT_TLS: return "tcp tls";
	case CFG_TRANSPORT_UNSET: break;
	}
	return "";
}

/* Accepts "udp", "tcp", "tcp tls" (any spacing) and "tls". */
int cfg_transport_parse(const char *s, enum cfg_transport *out)
{
	if (!s)
		return -EINVAL;
	while (*s == ' ')
		s++;
	if (!strcasecmp(s, "udp")) {
		*out = CFG_TRANSPORT_UDP;
		return 0;
	}
	if (!strcasecmp(s, "tls")) {
		*out = CFG_TRANSPORT_TLS;
		return 0;
	}
	if (strncasecmp(s, "tcp", 3))
		return -EINVAL;
	s += 3;
	if (!*s) {
		*out = CFG_TRANSPORT_TCP;
		return 0;
	}
	if (*s != ' ')
		return -EINVAL;
	while (*s == ' ')
		s++;
	if (strcasecmp(s, "tls"))
		return -EINVAL;
	*out = CFG_TRANSPORT_TLS;
	return 0;
}

const char *cfg_srtp_str(enum cfg_srtp s)
{
	switch (s) {
	case CFG_SRTP_ON: return "srtp";
	case CFG_SRTP_FALLBACK: return "srtp fallback";
	case CFG_SRTP_PASSTHRU: return "srtp pass-thru";
	case CFG_SRTP_OFF: break;
	}
	return "";
}

/* ------------------------------------------------------------------ */
/* ip qos dscp                                                          */

static const char *const dscp_names[64] = {
	[0] = "default", [8] = "cs1", [10] = "af11", [12] = "af12", [14] = "af13",
	[16] = "cs2", [18] = "af21", [20] = "af22", [22] = "af23", [24] = "cs3",
	[26] = "af31", [28] = "af32", [30] = "af33", [32] = "cs4", [34] = "af41",
	[36] = "af42", [38] = "af43", [40] = "cs5", [46] = "ef", [48] = "cs6", [56] = "cs7",
};
static const char *const dscp_numbers[64] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "60", "61", "62", "63" };

int cfg_dscp_parse(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	for (int i = 0; i < 64; i++)
		if (dscp_names[i] && !strcasecmp(s, dscp_names[i]))
			return i;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtol(s, &end, 10);
	return *end || v < 0 || v > 63 ? -EINVAL : (int)v;
}

const char *cfg_dscp_name(unsigned dscp)
{
	if (dscp > 63)
		return NULL;
	return dscp_names[dscp] ? dscp_names[dscp] : dscp_numbers[dscp];
}

int cfg_dp_media_tos(const struct cfg_dial_peer *dp)
{
	return (dp && dp->dscp_media ? dp->dscp_media - 1 : CFG_DSCP_EF) << 2;
}

int cfg_dp_signaling_tos(const struct cfg_dial_peer *dp)
{
	return (dp && dp->dscp_signaling ? dp->dscp_signaling - 1 : CFG_DSCP_CS3) << 2;
}
