/* proto.h - frames on the tollsh <-> tollgated control socket (layer 1).
 *
 * Every frame is a 5-byte header {type: u8, length: u32 big-endian} followed by
 * `length` bytes.  See docs/protocol.md.  A session is:
 *
 *   shell -> core : HELLO "tty=1 rows=R cols=C"            (optional, first)
 *   core  -> shell: PROMPT "tollgate#"  SETTING "length=24"
 *   shell -> core : EXEC "show version"
 *   core  -> shell: OUTPUT ... OUTPUT ... [SETTING ...] PROMPT ... DONE <status byte>
 *   shell -> core : HELP "show ip "    (the line typed before `?`)
 *   core  -> shell: OUTPUT <help text> DONE
 *   shell -> core : COMPLETE "sh run"   (the line up to the cursor)
 *   core  -> shell: COMPLETIONS "running-config\n" DONE
 *   core  -> shell: MONITOR <log line>  (at any time, with `terminal monitor`)
 *   core  -> shell: CLOSE              (the session ended: `exit` in EXEC)
 */
#ifndef TOLLGATE_PROTO_H
#define TOLLGATE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

enum proto_type {
	PROTO_HELLO = 1,
	PROTO_EXEC = 2,
	PROTO_HELP = 3,
	PROTO_COMPLETE = 4,

	PROTO_OUTPUT = 16,
	PROTO_PROMPT = 17,
	PROTO_DONE = 18,        /* one byte: 0 success, 1 the command failed */
	PROTO_MONITOR = 19,
	PROTO_COMPLETIONS = 20, /* newline-separated candidates */
	PROTO_SETTING = 21,     /* "length=N" */
	PROTO_CLOSE = 22,
};

#define PROTO_HDR 5
#define PROTO_MAX_FRAME (16u * 1024 * 1024)

/* Append one frame to b.  0 or -ENOMEM. */
int proto_frame(struct buf *b, uint8_t type, const void *data, size_t len);
/* If b starts with a whole frame, set *type, *data, *len and return the frame's
 * total size (to buf_consume() after use); 0 if more bytes are needed;
 * -EPROTO if the frame is too large. */
long proto_parse(const struct buf *b, uint8_t *type, const char **data, size_t *len);
/* Blocking helpers for the shell: write all of a frame / read one frame into
 * `payload` (reset first).  0, or a negative errno (-ECONNRESET at EOF). */
int proto_send(int fd, uint8_t type, const void *data, size_t len);
int proto_recv(int fd, uint8_t *type, struct buf *payload);

#endif
