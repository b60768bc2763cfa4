/* fuzz_sipmsg.c - libFuzzer target for the SIP message layer (sip/msg*.c,
 * sip/uri*.c, sip/hdr*.c): parse (whole and partial), print what parsed and
 * parse the print again, build a response, and frame the input as a stream. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "sip/msg.h"
#include "sip/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sip_msg *m = NULL, *r = NULL, *again = NULL;
	struct buf b = BUF_INIT;
	char err[128];
	size_t skip, off = 0;
	long n;

	/* a stream: frame every message in the input */
	while (off < size && (n = sip_stream_frame(s + off, size - off, &skip)) > 0) {
		if (sip_msg_parse(s + off + skip, (size_t)n, &m, err, sizeof(err)) == 0)
			sip_msg_free(m);
		m = NULL;
		off += skip + (size_t)n;
	}

	/* a datagram */
	if (sip_msg_parse_partial(s, size, &m, err, sizeof(err)) == 0) {
		if (sip_msg_print(m, &b) == 0) {
			/* what we print must parse again */
			if (sip_msg_parse(b.p, b.len, &again, err, sizeof(err)) != 0 &&
			    b.len <= SIP_MSG_MAX)
				abort();
			sip_msg_free(again);
		}
		if (m->request && sip_msg_new_response(&r, m, 200, NULL, "fuzz") == 0) {
			buf_reset(&b);
			sip_msg_print(r, &b);
			/* the response's views (copied from the request's) are those of its text */
			if (b.len <= SIP_MSG_MAX && sip_msg_parse(b.p, b.len, &again, err, sizeof(err)) == 0) {
				if (again->nvia != r->nvia || !again->from != !r->from || !again->to != !r->to)
					abort();
				for (size_t i = 0; i < r->nvia; i++)
					if (strcmp(again->via[i].host, r->via[i].host) ||
					    !again->via[i].branch != !r->via[i].branch ||
					    (r->via[i].branch && strcmp(again->via[i].branch, r->via[i].branch)) ||
					    again->via[i].port != r->via[i].port || again->via[i].rport != r->via[i].rport)
						abort();
				if (r->from && (strcmp(again->from->uri_text, r->from->uri_text) ||
						!again->from->tag != !r->from->tag))
					abort();
				if (r->to && (strcmp(again->to->uri_text, r->to->uri_text) ||
					      !again->to->tag != !r->to->tag))
					abort();
				sip_msg_free(again);
				again = NULL;
			}
			sip_msg_free(r);
		}
		struct sip_msg *d = NULL;
		if (sip_msg_dup(&d, m) == 0)
			sip_msg_free(d);
	} else if (m) {
		if (sip_msg_new_response(&r, m, m->error_status, err, NULL) == 0) {
			sip_msg_print(r, &b);
			sip_msg_free(r);
		}
	}
	sip_msg_free(m);

	/* the input as a URI */
	struct sip_uri *u = NULL;
	if (size <= SIP_URI_MAX && sip_uri_parse(&u, s, size) == 0) {
		char *t = NULL;
		struct sip_uri *v = NULL;
		if (sip_uri_to_string(&t, u) == 0) {
			if (sip_uri_parse(&v, t, strlen(t)) != 0 || !sip_uri_equal(u, v))
				abort();
			sip_uri_free(v);
			free(t);
		}
		sip_uri_free(u);
	}
	buf_free(&b);
	return 0;
}
