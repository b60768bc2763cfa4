/* cmd_util.h - small helpers shared by the configuration command tables
 * (cli/cmd_*.c, layer 7): argument normalisation, validation with IOS-style
 * errors, and the bookkeeping every config handler does.
 *
 * Every function that can fail prints its own error with vty_err() and
 * returns CLI_ERR; on success it returns CLI_OK (0). */
#ifndef TOLLGATE_CMD_UTIL_H
#define TOLLGATE_CMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "cli/vty.h"
#include "core/config.h"

/* Allowed target kinds for cmdu_target() (bit mask). */
#define CMDU_T_IPV4   0x01
#define CMDU_T_IPV6   0x02
#define CMDU_T_DNS    0x04
#define CMDU_T_SIPSRV 0x08

/* Mark the candidate configuration changed by the current command. */
void cmdu_changed(struct vty *vty);

/* The IOS name of an SDP encoding for show commands: PCMU -> g711ulaw,
 * PCMA -> g711alaw, G729 -> g729r8, G722 -> g722-64, opus -> opus; other
 * names as they are; "" -> "n/a". */
const char *cmdu_codec_ios(const char *encoding);
/* The address of ss without its port ("-" when it has none), for show output. */
const char *cmdu_ip_str(const struct sockaddr_storage *ss, char *buf, size_t n);

/* "% Incomplete command." and CLI_ERR. */
int cmdu_incomplete(struct vty *vty);

/* The numeric variable `name` as a canonical decimal tag ("007" -> "7").
 * Returns 0, or -ENOENT when the variable was not given (nothing printed). */
int cmdu_tag(const struct cli_args *a, const char *name, char *buf, size_t bufsz);

/* Copy val into a fixed field; prints "% WHAT is too long (at most N characters)"
 * and returns CLI_ERR if it does not fit. */
int cmdu_str(struct vty *vty, char *dst, size_t dstsz, const char *val, const char *what);

/* The transport named by the keywords udp / tcp / tls among the arguments
 * (CFG_TRANSPORT_UNSET when none). */
enum cfg_transport cmdu_transport(const struct cli_args *a);

/* Parse a session target from the variables v4 / v6 / dns or the keyword
 * sip-server, restricted to `allowed` (CMDU_T_*).  Returns CLI_OK, CLI_ERR
 * (printed), or -ENOENT when no target was given (nothing printed). */
int cmdu_target(struct vty *vty, const struct cli_args *a, unsigned allowed,
		struct cfg_target *out);

/* Parse one target text ("ipv4:1.2.3.4:5060", "dns:x", any case of the
 * prefix) with the same errors as cmdu_target(). */
int cmdu_target_text(struct vty *vty, const char *text, unsigned allowed,
		     struct cfg_target *out);

/* Check an extended regular expression: length (at most maxlen characters)
 * and regcomp(REG_EXTENDED).  Prints an error and returns CLI_ERR if bad. */
int cmdu_regex(struct vty *vty, const char *re, size_t maxlen, const char *what);

/* Check a Linux interface name (1..15 characters, no '/', ':' or spaces). */
int cmdu_ifname(struct vty *vty, const char *name);

/* Check a name such as a trustpoint, key label or uri-class tag: letters,
 * digits and - _ . only, shorter than CFG_NAME_LEN. */
int cmdu_name(struct vty *vty, const char *name, const char *what);

/* Compare two prefixes by family, address and length (ignores how the mask
 * was written). */
bool cmdu_prefix_same(const struct cfg_prefix *x, const struct cfg_prefix *y);

/* Parse an address + mask ("255.0.0.0", "/8" or NULL) with an IOS-style error. */
int cmdu_prefix(struct vty *vty, const char *addr, const char *mask, struct cfg_prefix *out);

/* Validate an RFC 4904 trunk-group label and trunk-context (ctx may be NULL). */
int cmdu_tgrp(struct vty *vty, const char *label, const char *ctx);

/* `srtp [fallback | pass-thru]` and its no form applied to *field: the plain
 * form requires SRTP; `no srtp X` removes the line only if X is configured. */
int cmdu_srtp(struct vty *vty, const struct cli_args *a, enum cfg_srtp *field);

/* Set a string field (at most CFG_PATH_LEN bytes) to val ("" clears it),
 * marking the config changed if the value differs. */
int cmdu_set(struct vty *vty, char *field, size_t sz, const char *val, const char *what);

/* Set, or in a `no` form clear, a field holding a class tag taken from the
 * variable "tag", after vty_ref_check(kind). */
int cmdu_ref_tag(struct vty *vty, const struct cli_args *a, enum vty_ref_kind kind,
		 char *field, size_t sz);

/* Whether the object `name` of `kind` is referenced anywhere in the
 * configuration; if so, describe the first user ("dial-peer voice 10",
 * "sip-ua", ...) in buf. */
bool cmdu_ref_user(const struct cfg *c, enum vty_ref_kind kind, const char *name,
		   char *buf, size_t bufsz);

/* Refuse (typed interactively) to remove an object that is still
 * referenced: prints "% KIND NAME is in use by USER" and returns CLI_ERR. */
int cmdu_ref_unused(struct vty *vty, enum vty_ref_kind kind, const char *name);

#endif
