/* cli.h - how commands are declared and what their handlers see (layer 7).
 *
 * A command is declared once, as data, with CLI_CMD():
 *
 *   CLI_CMD(hostname, MODE_CONFIG, 0,
 *           "hostname WORD$name",
 *           "Set system's network name\n"
 *           "This system's network name\n")
 *   {
 *           ... edit vty->cfg using cli_get(a, "name") ...
 *           return CLI_OK;
 *   }
 *
 * Syntax tokens (space separated):
 *   keyword          matched case-insensitively, abbreviations allowed
 *   WORD  LINE       one word / the rest of the line
 *   <LO-HI>          integer range
 *   A.B.C.D  A.B.C.D/M  X:X::X:X  X:X::X:X/M  /M (a "/LEN" prefix length)
 *   ipv4:TARGET  ipv6:TARGET  dns:TARGET   session targets
 *                    (ipv4:A.B.C.D[:PORT], ipv6:[X:X::X]:PORT, dns:NAME[:PORT])
 *   [ ... ]          optional part;  { a | b }  one of the alternatives
 *   X...             (suffix) the token or group may repeat
 *   $name            (suffix on a variable) the name handlers use to fetch it
 * One help line per token in order of appearance ('\n'-terminated); the
 * bracket and brace characters have no help line.
 *
 * The same declaration drives parsing, `?` help, Tab completion, the `no`
 * and `default` forms (CLI_F_NO), and docs/commands.md (tollgated --dump-commands).
 * Declarations are collected by the linker into the `cli_cmds` section. */
#ifndef TOLLGATE_CLI_H
#define TOLLGATE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vty;

enum cli_mode {
	MODE_EXEC = 0,          /* NAME#                        */
	MODE_CONFIG,            /* NAME(config)#                */
	MODE_SIP_UA,            /* NAME(config-sip-ua)#         */
	MODE_VOICE_SERVICE,     /* NAME(conf-voi-serv)#         */
	MODE_SERV_SIP,          /* NAME(conf-serv-sip)#         */
	MODE_IPTRUST,           /* NAME(cfg-iptrust-list)#      */
	MODE_DIAL_PEER,         /* NAME(config-dial-peer)#      */
	MODE_TRUSTPOINT,        /* NAME(ca-trustpoint)#         */
	MODE_CLASS_TLS_CIPHER,  /* NAME(config-class)#          */
	MODE_CLASS_TLS_PROFILE, /* NAME(config-class)#          */
	MODE_CLASS_SRTP_CRYPTO, /* NAME(config-class)#          */
	MODE_CLASS_CODEC,       /* NAME(config-class)#          */
	MODE_CLASS_TENANT,      /* NAME(config-class)#          */
	MODE_CLASS_KEEPALIVE,   /* NAME(config-class)#          */
	MODE_CLASS_URI,         /* NAME(config-voice-uri-class)# */
	MODE_COUNT
};
/* Pseudo-mode for a declaration installed in every configuration mode. */
#define MODE_ALL_CONFIG MODE_COUNT

struct cli_mode_info {
	const char *name;    /* "config-sip-ua" (also used in docs) */
	const char *prompt;  /* suffix in parentheses, NULL for EXEC */
	enum cli_mode parent;
};
extern const struct cli_mode_info cli_modes[MODE_COUNT];

/* Handler results. */
#define CLI_OK 0
#define CLI_ERR (-1)     /* failed; the handler already printed why */

/* Flags */
#define CLI_F_NO     0x01 /* accepts `no ...` and `default ...` */
#define CLI_F_HIDDEN 0x02 /* not shown in `?` help or docs     */
#define CLI_F_PIPE   0x04 /* output may be filtered with `| include ...` */
#define CLI_F_NOONLY 0x08 /* only valid in its `no` form        */
#define CLI_F_NAV    0x10 /* moves between modes only (exit, end): not a change */
#define CLI_F_DEFINES 0x20 /* creates an object other lines refer to by name (a trustpoint,
			    * a voice class): the first pass of a file load runs only these */

struct cli_tok {           /* one matched input token */
	const char *name;      /* $name, or the placeholder / keyword text */
	const char *kw;        /* canonical keyword text if a keyword, else NULL */
	const char *val;       /* the text as typed (a keyword's full spelling for keywords) */
};

#define CLI_MAX_TOKS 64
struct cli_args {
	bool no;               /* `no` form */
	bool dflt;             /* `default` form (no is also true) */
	int n;
	struct cli_tok t[CLI_MAX_TOKS];
	const char *line;      /* the whole line as typed (without no/default) */
};

typedef int (*cli_fn)(struct vty *vty, const struct cli_args *a);

struct cli_cmd {
	const char *syntax;
	const char *help;
	enum cli_mode mode;
	unsigned flags;
	cli_fn fn;
	const char *file;      /* for diagnostics of bad declarations */
	int line;
};

#define CLI_CMD(id, md, fl, syn, hlp)                                             \
	static int id##_fn(struct vty *vty, const struct cli_args *a);                \
	static const struct cli_cmd id##_cmd = { syn, hlp, md, fl, id##_fn,           \
						  __FILE__, __LINE__ };            \
	static const struct cli_cmd *const id##_ptr                                   \
		__attribute__((used, section("cli_cmds"), aligned(sizeof(void *)))) = &id##_cmd; \
	static int id##_fn(struct vty *vty __attribute__((unused)),                   \
			   const struct cli_args *a __attribute__((unused)))

/* Argument access for handlers. */
const char *cli_get(const struct cli_args *a, const char *name);   /* NULL if absent */
bool cli_has(const struct cli_args *a, const char *kw);            /* keyword matched */
long cli_num(const struct cli_args *a, const char *name, long dflt);

#endif
