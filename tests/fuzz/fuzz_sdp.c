/* fuzz_sdp.c - libFuzzer target for the SDP format (media/sdp*.c): parse; what
 * parses must print back byte for byte, copy, and survive every rewriter with
 * a result that parses again and prints the same a second time. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "media/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print s; the text must parse again, print the same, and agree on views. */
static void check(const struct sdp *s)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct sdp *again = NULL;
	char err[160];

	if (sdp_print(s, &a) != 0)
		abort();
	if (sdp_parse(a.p, a.len, &again, err, sizeof(err)) != 0)
		abort();
	if (sdp_print(again, &b) != 0 || a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort();
	if (again->nmedia != s->nmedia || strcmp(again->sess_version, s->sess_version) != 0)
		abort();
	for (size_t i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i], *n = &again->media[i];
		if (m->port != n->port || m->nfmts != n->nfmts || m->ncrypto != n->ncrypto ||
		    m->dir != n->dir || m->rtcp_port != n->rtcp_port || m->rtcp_mux != n->rtcp_mux ||
		    m->telephone_event != n->telephone_event || strcmp(m->conn.addr, n->conn.addr))
			abort();
	}
	sdp_free(again);
	buf_free(&a);
	buf_free(&b);
}

/* Every rewriter, driven by a byte of the input; errors are fine, but the
 * result must stay valid. */
static void rewrite(struct sdp *s, uint8_t k)
{
	static const char *const prefs[] = { "g729r8", "g711ulaw", "opus", "g711alaw", "G722" };
	static const char *const addrs[] = { "192.0.2.1", "2001:db8::1", "0.0.0.0", "::" };

	sdp_set_conn(s, SDP_SESSION, addrs[k & 3]);
	sdp_set_origin_addr(s, addrs[(k >> 2) & 3]);
	sdp_set_dir(s, SDP_SESSION, (enum sdp_dir)(k & 3));
	for (size_t i = 0; i < s->nmedia; i++) {
		sdp_set_conn(s, (int)i, addrs[(k + i) & 3]);
		sdp_set_port(s, i, (unsigned)(k * 257 + i * 2) & 0xffff);
		sdp_set_rtcp(s, i, (k & 1) ? 0 : 30001 + (unsigned)i * 2, (k & 2) ? "192.0.2.9" : NULL);
		sdp_set_rtcp_mux(s, i, k & 4);
		sdp_set_proto(s, i, (k & 8) ? "RTP/SAVP" : "RTP/AVP");
		sdp_remove_crypto(s, i, (k & 16) ? -1 : 1);
		sdp_add_crypto(s, i, "7 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19abVBJOnlLNWtkVlhFXUxsO1Jd");
		sdp_set_dir(s, (int)i, (enum sdp_dir)((k >> 3) & 3));
		sdp_filter_codecs(s, i, prefs + (k % 3), 5 - (k % 3));
	}
	sdp_bump_version(s);
	check(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp *s = NULL, *d = NULL;
	struct buf b = BUF_INIT;
	char err[160];

	if (sdp_parse((const char *)data, size, &s, err, sizeof(err)) != 0)
		return 0;
	/* parse -> print is the identity */
	if (sdp_print(s, &b) != 0 || b.len != size || memcmp(b.p, data, size) != 0)
		abort();
	check(s);
	if (sdp_dup(&d, s) == 0) {
		rewrite(d, size ? data[size / 2] : 0);
		sdp_free(d);
	}
	/* the original is untouched by changes to the copy */
	buf_reset(&b);
	if (sdp_print(s, &b) != 0 || b.len != size || memcmp(b.p, data, size) != 0)
		abort();
	buf_free(&b);
	sdp_free(s);
	return 0;
}
