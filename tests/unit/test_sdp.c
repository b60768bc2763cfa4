/* test_sdp.c - unit tests for the SDP parser, views, rewriters and printer
 * (media/sdp*.c).  The offers are written here in the shape real user agents
 * send (sipp's default uac SDP, baresip with SDES-SRTP, a CUCM offer, a hold
 * re-INVITE ...) with documentation addresses and our own keys. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "media/sdp.h"

static char errbuf[256];

/* sipp's built-in uac scenario body, as sipp fills it in on loopback */
static const char SIPP[] =
	"v=0\r\n"
	"o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio 6000 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

/* baresip with mediaenc srtp: RTP/SAVP and two SDES suites */
static const char BARESIP[] =
	"v=0\r\n"
	"o=- 1894361563 2869398398 IN IP4 192.0.2.20\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.20\r\n"
	"t=0 0\r\n"
	"m=audio 10014 RTP/SAVP 96 0 8 101\r\n"
	"b=AS:64\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=fmtp:96 stereo=1;sprop-stereo=1\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=sendrecv\r\n"
	"a=label:1\r\n"
	"a=rtcp-rsize\r\n"
	"a=ptime:20\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:Qm9yZGVyIGVsZW1lbnQgdGVzdCBrZXkgMDEyMzQ1\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:VG9sbGdhdGUgdW5pdCB0ZXN0IGtleSBudW1iZXI=\r\n"
	"a=ssrc:2853170593 cname:7d8ff4a0-2f3c-4a1b-a4a0-1f64f2e0f1c2\r\n";

/* Cisco Unified CM: session b= lines, several codecs, telephone-event */
static const char CUCM[] =
	"v=0\r\n"
	"o=CiscoSystemsCCM-SIP 2000 1 IN IP4 198.51.100.5\r\n"
	"s=SIP Call\r\n"
	"c=IN IP4 198.51.100.31\r\n"
	"b=TIAS:64000\r\n"
	"b=AS:64\r\n"
	"t=0 0\r\n"
	"m=audio 24580 RTP/AVP 9 0 8 18 101\r\n"
	"b=TIAS:64000\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=ptime:20\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=fmtp:18 annexb=no\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n";

static const char IPV6[] =
	"v=0\r\n"
	"o=- 3912345 3912345 IN IP6 2001:db8::10\r\n"
	"s=-\r\n"
	"c=IN IP6 2001:db8::10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 8 0 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=sendrecv\r\n";

/* RFC 2543-style and RFC 3264-style hold at once, as many phones send */
static const char HOLD[] =
	"v=0\r\n"
	"o=user1 53655765 2353687638 IN IP4 192.0.2.7\r\n"
	"s=-\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"t=0 0\r\n"
	"m=audio 6000 RTP/AVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendonly\r\n";

/* an answer with rtcp-mux (RFC 5761) and a=rtcp (RFC 3605) */
static const char MUX[] =
	"v=0\r\n"
	"o=- 4611731400430051336 2 IN IP4 203.0.113.7\r\n"
	"s=-\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVPF 111 101\r\n"
	"c=IN IP4 203.0.113.7\r\n"
	"a=rtcp:40000 IN IP4 203.0.113.7\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtcp-fb:111 transport-cc\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=rtcp-mux\r\n"
	"a=recvonly\r\n";

static struct sdp *okn(const char *s, size_t n)
{
	struct sdp *p = NULL;
	int rc = sdp_parse(s, n, &p, errbuf, sizeof(errbuf));
	if (rc)
		fail_msg("parse failed (%d): %s", rc, errbuf);
	return p;
}
#define OK(lit) okn((lit), sizeof(lit) - 1)

static void badn(const char *s, size_t n, const char *why)
{
	struct sdp *p = (struct sdp *)1;

	assert_int_equal(sdp_parse(s, n, &p, errbuf, sizeof(errbuf)), -EINVAL);
	assert_null(p);
	if (!strstr(errbuf, why))
		fail_msg("error \"%s\" does not contain \"%s\"", errbuf, why);
}
#define BAD(lit, why) badn((lit), sizeof(lit) - 1, (why))

/* The printed SDP, checked to parse again and to print the same. */
static char *text(const struct sdp *p)
{
	struct buf b = BUF_INIT, b2 = BUF_INIT;
	struct sdp *q;

	assert_int_equal(sdp_print(p, &b), 0);
	q = okn(b.p, b.len);
	assert_int_equal(sdp_print(q, &b2), 0);
	assert_string_equal(b.p, b2.p);
	sdp_free(q);
	buf_free(&b2);
	return b.p;
}

static void roundtrip_n(const char *s, size_t n)
{
	struct sdp *p = okn(s, n), *d = NULL;
	struct buf b = BUF_INIT;

	assert_int_equal(sdp_print(p, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, s, n);
	assert_int_equal(sdp_dup(&d, p), 0);
	buf_reset(&b);
	assert_int_equal(sdp_print(d, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, s, n);
	buf_free(&b);
	sdp_free(d);
	sdp_free(p);
}
#define ROUNDTRIP(lit) roundtrip_n((lit), sizeof(lit) - 1)

#define EXPECT(p, lit)                                  \
	do {                                            \
		char *t_ = text(p);                     \
		assert_string_equal(t_, (lit));         \
		free(t_);                               \
	} while (0)

static void t_sipp(void **state)
{
	struct sdp *p = OK(SIPP);
	const struct sdp_media *m;

	assert_int_equal(p->nmedia, 1);
	assert_string_equal(p->sess_id, "53655765");
	assert_string_equal(p->sess_version, "2353687637");
	assert_string_equal(p->origin.addr, "127.0.0.1");
	m = &p->media[0];
	assert_string_equal(m->type, "audio");
	assert_int_equal(m->port, 6000);
	assert_int_equal(m->port_count, 1);
	assert_string_equal(m->proto, "RTP/AVP");
	assert_true(m->rtp);
	assert_false(m->secure);
	assert_true(m->conn.present);
	assert_int_equal(m->conn.family, 4);
	assert_string_equal(m->conn.addr, "127.0.0.1");
	assert_int_equal(m->nfmts, 1);
	assert_int_equal(m->pts[0].pt, 0);
	assert_string_equal(m->pts[0].encoding, "PCMU");
	assert_int_equal(m->pts[0].clock, 8000);
	assert_int_equal(m->pts[0].channels, 1);
	assert_null(m->pts[0].fmtp);
	assert_int_equal(m->telephone_event, -1);
	assert_int_equal(m->dir, SDP_SENDRECV);
	assert_false(m->dir_explicit);
	assert_int_equal(m->rtcp_port, 0);
	assert_false(m->rtcp_mux);
	assert_int_equal(m->ptime, 0);
	assert_int_equal(m->ncrypto, 0);
	assert_false(sdp_media_on_hold(m));
	sdp_free(p);
	ROUNDTRIP(SIPP);
}

static void t_baresip(void **state)
{
	struct sdp *p = OK(BARESIP);
	const struct sdp_media *m = &p->media[0];

	assert_string_equal(m->proto, "RTP/SAVP");
	assert_true(m->secure);
	assert_int_equal(m->nfmts, 4);
	assert_string_equal(m->pts[0].encoding, "opus");
	assert_int_equal(m->pts[0].clock, 48000);
	assert_int_equal(m->pts[0].channels, 2);
	assert_string_equal(m->pts[0].fmtp, "stereo=1;sprop-stereo=1");
	assert_string_equal(sdp_media_pt(m, 8)->encoding, "PCMA");
	assert_null(sdp_media_pt(m, 9));
	assert_int_equal(m->telephone_event, 101);
	assert_string_equal(sdp_media_pt(m, 101)->fmtp, "0-15");
	assert_int_equal(m->ptime, 20);
	assert_int_equal(m->dir, SDP_SENDRECV);
	assert_true(m->dir_explicit);
	assert_int_equal(m->ncrypto, 2);
	assert_int_equal(m->crypto[0].tag, 1);
	assert_string_equal(m->crypto[0].value,
			    "1 AES_CM_128_HMAC_SHA1_80 inline:Qm9yZGVyIGVsZW1lbnQgdGVzdCBrZXkgMDEyMzQ1");
	assert_int_equal(m->crypto[1].tag, 2);
	assert_true(strstr(m->crypto[1].value, "AES_CM_128_HMAC_SHA1_32") != NULL);
	sdp_free(p);
	ROUNDTRIP(BARESIP);
}

static void t_cucm(void **state)
{
	struct sdp *p = OK(CUCM);
	const struct sdp_media *m = &p->media[0];
	static const int pts[] = { 9, 0, 8, 18, 101 };
	static const char *const enc[] = { "G722", "PCMU", "PCMA", "G729", "telephone-event" };

	assert_string_equal(p->conn.addr, "198.51.100.31");
	assert_string_equal(p->origin.addr, "198.51.100.5");
	assert_int_equal(m->nfmts, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(m->pts[i].pt, pts[i]);
		assert_string_equal(m->pts[i].encoding, enc[i]);
		assert_int_equal(m->pts[i].clock, 8000);
	}
	assert_string_equal(m->pts[3].fmtp, "annexb=no");
	assert_int_equal(m->telephone_event, 101);
	assert_int_equal(m->ptime, 20);
	assert_string_equal(m->conn.addr, "198.51.100.31");
	sdp_free(p);
	ROUNDTRIP(CUCM);
}

static void t_ipv6(void **state)
{
	struct sdp *p = OK(IPV6);
	const struct sdp_media *m = &p->media[0];

	assert_int_equal(p->origin.family, 6);
	assert_int_equal(m->conn.family, 6);
	assert_string_equal(m->conn.addr, "2001:db8::10");
	assert_int_equal(m->pts[0].pt, 8);
	assert_int_equal(m->telephone_event, 101);
	sdp_free(p);
	ROUNDTRIP(IPV6);
}

static void t_hold(void **state)
{
	struct sdp *p = OK(HOLD);
	const struct sdp_media *m = &p->media[0];

	assert_int_equal(m->dir, SDP_SENDONLY);
	assert_true(m->dir_explicit);
	assert_string_equal(m->conn.addr, "0.0.0.0");
	assert_true(sdp_media_on_hold(m));
	sdp_free(p);
	ROUNDTRIP(HOLD);

	/* direction inherited from the session level */
	p = OK("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "a=inactive\r\nm=audio 5000 RTP/AVP 0\r\nm=audio 5002 RTP/AVP 0\r\na=recvonly\r\n");
	assert_int_equal(p->dir, SDP_INACTIVE);
	assert_int_equal(p->media[0].dir, SDP_INACTIVE);
	assert_false(p->media[0].dir_explicit);
	assert_true(sdp_media_on_hold(&p->media[0]));
	assert_int_equal(p->media[1].dir, SDP_RECVONLY);
	assert_false(sdp_media_on_hold(&p->media[1]));
	sdp_free(p);
}

static void t_rtcp_mux(void **state)
{
	struct sdp *p = OK(MUX);
	const struct sdp_media *m = &p->media[0];

	assert_false(p->conn.present);
	assert_string_equal(m->conn.addr, "203.0.113.7");
	assert_string_equal(m->proto, "RTP/AVPF");
	assert_true(m->rtcp_mux);
	assert_int_equal(m->rtcp_port, 40000);
	assert_true(m->rtcp_conn.present);
	assert_string_equal(m->rtcp_conn.addr, "203.0.113.7");
	assert_int_equal(m->pts[0].channels, 2);
	assert_string_equal(m->pts[0].fmtp, "minptime=10;useinbandfec=1");
	assert_int_equal(m->dir, SDP_RECVONLY);
	assert_string_equal(p->sess_id, "4611731400430051336");
	sdp_free(p);
	ROUNDTRIP(MUX);
}

/* Line endings, a missing last EOL, trailing blank lines, unknown lines,
 * non-RTP media, several media and multicast addresses all print back. */
static void t_roundtrip(void **state)
{
	ROUNDTRIP("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
		  "m=audio 5000 RTP/AVP 0\n");
	ROUNDTRIP("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		  "m=audio 5000 RTP/AVP 0");
	ROUNDTRIP("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		  "m=audio 5000 RTP/AVP 0\r\n\r\n\r\n");
	ROUNDTRIP("v=0\r\no=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
		  "s=SDP Seminar\r\ni=A Seminar on the session description protocol\r\n"
		  "u=http://www.example.com/seminars/sdp.pdf\r\ne=j.doe@example.com (Jane Doe)\r\n"
		  "p=+1 617 555-6011\r\nc=IN IP4 224.2.17.12/127\r\nb=CT:128\r\n"
		  "t=2873397496 2873404696\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\nk=prompt\r\n"
		  "a=recvonly\r\na=tool:x y z\r\nm=audio 49170/2 RTP/AVP 0\r\ni=voice\r\n"
		  "m=video 51372 RTP/AVP 99\r\nc=IN IP6 ff15::101/3\r\na=rtpmap:99 h263-1998/90000\r\n"
		  "m=image 0 udptl t38\r\na=T38FaxVersion:0\r\n"
		  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:5000\r\n");
	ROUNDTRIP("v=0\r\no=- 1 1 IN IP4 host.example.com\r\ns= \r\nc=IN IP4 sbc.example.com\r\n"
		  "t=0 0\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 0\r\na=x-unknown\r\n"
		  "a=ptime:20.5\r\na=fmtp:0\r\n");

	struct sdp *p = OK("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 224.2.1.1/127/3\r\n"
			   "t=0 0\r\nm=audio 5000/2 RTP/AVP 0\r\na=ptime:20.5\r\n");
	assert_string_equal(p->conn.addr, "224.2.1.1");
	assert_int_equal(p->media[0].port_count, 2);
	assert_int_equal(p->media[0].ptime, 20);
	sdp_free(p);
	p = OK("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=image 0 udptl t38\r\n");
	assert_false(p->media[0].rtp);
	assert_false(p->media[0].conn.present);
	assert_int_equal(p->media[0].nfmts, 1);
	sdp_free(p);
}

static void t_set_conn(void **state)
{
	struct sdp *p = OK(IPV6);

	assert_int_equal(sdp_set_conn(p, SDP_SESSION, "192.0.2.99"), 0);
	assert_int_equal(sdp_set_origin_addr(p, "192.0.2.99"), 0);
	assert_int_equal(p->media[0].conn.family, 4);
	assert_string_equal(p->media[0].conn.addr, "192.0.2.99");
	/* media level: added after m= */
	assert_int_equal(sdp_set_conn(p, 0, "2001:db8::1"), 0);
	assert_int_equal(p->media[0].conn.family, 6);
	assert_string_equal(p->conn.addr, "192.0.2.99");
	EXPECT(p, "v=0\r\no=- 3912345 3912345 IN IP4 192.0.2.99\r\ns=-\r\nc=IN IP4 192.0.2.99\r\n"
		  "t=0 0\r\nm=audio 49170 RTP/AVP 8 0 101\r\nc=IN IP6 2001:db8::1\r\n"
		  "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
		  "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n");
	/* media level again: replaced in place */
	assert_int_equal(sdp_set_conn(p, 0, "198.51.100.1"), 0);
	assert_string_equal(p->media[0].conn.addr, "198.51.100.1");
	assert_int_equal(p->media[0].nlines, 7);
	assert_int_equal(sdp_set_conn(p, 0, "not-an-ip"), -EINVAL);
	assert_int_equal(sdp_set_conn(p, 1, "192.0.2.1"), -EINVAL);
	assert_int_equal(sdp_set_conn(p, -2, "192.0.2.1"), -EINVAL);
	assert_int_equal(sdp_set_origin_addr(p, "example.com"), -EINVAL);
	sdp_free(p);

	/* session c= added in RFC order (before b= and t=) */
	p = OK(MUX);
	assert_int_equal(sdp_set_conn(p, SDP_SESSION, "192.0.2.5"), 0);
	EXPECT(p, "v=0\r\no=- 4611731400430051336 2 IN IP4 203.0.113.7\r\ns=-\r\n"
		  "c=IN IP4 192.0.2.5\r\nt=0 0\r\nm=audio 40000 RTP/AVPF 111 101\r\n"
		  "c=IN IP4 203.0.113.7\r\na=rtcp:40000 IN IP4 203.0.113.7\r\n"
		  "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
		  "a=rtcp-fb:111 transport-cc\r\na=rtpmap:101 telephone-event/8000\r\n"
		  "a=rtcp-mux\r\na=recvonly\r\n");
	assert_string_equal(p->media[0].conn.addr, "203.0.113.7");
	sdp_free(p);
}

static void t_set_port_proto_rtcp(void **state)
{
	struct sdp *p = OK("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
			   "m=audio  5000/2  RTP/AVP 0 8\na=rtcp:5001\na=rtpmap:0 PCMU/8000\n"
			   "m=image 0 udptl t38\n");

	assert_int_equal(sdp_set_port(p, 0, 20000), 0);
	assert_int_equal(p->media[0].port, 20000);
	assert_int_equal(p->media[0].port_count, 1);
	assert_int_equal(sdp_set_proto(p, 0, "RTP/SAVP"), 0);
	assert_true(p->media[0].secure);
	assert_int_equal(sdp_set_rtcp(p, 0, 20001, "192.0.2.50"), 0);
	assert_int_equal(p->media[0].rtcp_port, 20001);
	assert_string_equal(p->media[0].rtcp_conn.addr, "192.0.2.50");
	assert_int_equal(sdp_set_rtcp_mux(p, 0, true), 0);
	assert_int_equal(sdp_set_rtcp_mux(p, 0, true), 0); /* once only */
	assert_true(p->media[0].rtcp_mux);
	EXPECT(p, "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
		  "m=audio  20000  RTP/SAVP 0 8\na=rtcp:20001 IN IP4 192.0.2.50\n"
		  "a=rtpmap:0 PCMU/8000\na=rtcp-mux\nm=image 0 udptl t38\n");
	assert_int_equal(sdp_set_rtcp(p, 0, 0, NULL), 0);
	assert_int_equal(sdp_set_rtcp_mux(p, 0, false), 0);
	assert_int_equal(p->media[0].rtcp_port, 0);
	assert_false(p->media[0].rtcp_mux);
	assert_int_equal(sdp_set_rtcp(p, 1, 7001, NULL), 0);
	assert_int_equal(p->media[1].rtcp_port, 7001);
	assert_int_equal(sdp_set_port(p, 0, 0), 0);
	assert_int_equal(sdp_set_port(p, 1, 7000), 0);
	EXPECT(p, "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
		  "m=audio  0  RTP/SAVP 0 8\na=rtpmap:0 PCMU/8000\n"
		  "m=image 7000 udptl t38\na=rtcp:7001\n");

	/* errors leave it unchanged */
	assert_int_equal(sdp_set_port(p, 0, 65536), -EINVAL);
	assert_int_equal(sdp_set_port(p, 2, 1), -EINVAL);
	assert_int_equal(sdp_set_proto(p, 0, "RTP AVP"), -EINVAL);
	assert_int_equal(sdp_set_proto(p, 0, ""), -EINVAL);
	assert_int_equal(sdp_set_proto(p, 1, "RTP/AVP"), -EINVAL); /* "t38" is not a PT */
	assert_int_equal(sdp_set_rtcp(p, 0, 70000, NULL), -EINVAL);
	assert_int_equal(sdp_set_rtcp(p, 0, 9, "bad"), -EINVAL);
	assert_string_equal(p->media[1].proto, "udptl");
	sdp_free(p);

	/* a section without an address needs one before it gets a port */
	p = OK("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n");
	assert_int_equal(sdp_set_port(p, 0, 4000), -EINVAL);
	assert_int_equal(sdp_set_conn(p, 0, "192.0.2.2"), 0);
	assert_int_equal(sdp_set_port(p, 0, 4000), 0);
	EXPECT(p, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
		  "c=IN IP4 192.0.2.2\r\n");
	sdp_free(p);
}

static void t_crypto(void **state)
{
	struct sdp *p = OK(BARESIP);
	const struct sdp_media *m = &p->media[0];
	char *t;

	assert_int_equal(sdp_remove_crypto(p, 0, 2), 0);
	assert_int_equal(m->ncrypto, 1);
	assert_int_equal(m->crypto[0].tag, 1);
	assert_int_equal(sdp_remove_crypto(p, 0, -1), 0);
	assert_int_equal(m->ncrypto, 0);
	assert_int_equal(sdp_set_proto(p, 0, "RTP/AVP"), 0);
	assert_false(m->secure);
	t = text(p);
	assert_null(strstr(t, "crypto"));
	assert_non_null(strstr(t, "m=audio 10014 RTP/AVP 96 0 8 101\r\n"));
	assert_non_null(strstr(t, "a=ptime:20\r\na=ssrc:"));
	free(t);

	assert_int_equal(sdp_set_proto(p, 0, "RTP/SAVP"), 0);
	assert_int_equal(sdp_add_crypto(p, 0, "1 AEAD_AES_128_GCM inline:dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdA=="), 0);
	assert_int_equal(sdp_add_crypto(p, 0, "2 AES_CM_128_HMAC_SHA1_80 inline:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0|2^20|1:4"), 0);
	assert_int_equal(m->ncrypto, 2);
	assert_int_equal(m->crypto[1].tag, 2);
	assert_string_equal(m->crypto[0].value, "1 AEAD_AES_128_GCM inline:dGVzdGtleXRlc3RrZXl0ZXN0a2V5dGVzdA==");
	t = text(p);
	assert_non_null(strstr(t, "a=ssrc:2853170593 cname:7d8ff4a0-2f3c-4a1b-a4a0-1f64f2e0f1c2\r\n"
				  "a=crypto:1 AEAD_AES_128_GCM inline:"));
	free(t);
	assert_int_equal(sdp_add_crypto(p, 0, "x AES_CM_128_HMAC_SHA1_80 inline:a"), -EINVAL);
	assert_int_equal(sdp_add_crypto(p, 0, "3"), -EINVAL);
	assert_int_equal(sdp_add_crypto(p, 0, "3 X inline:a\r\na=evil"), -EINVAL);
	assert_int_equal(sdp_add_crypto(p, 1, "3 X inline:a"), -EINVAL);
	for (int i = 3; i <= SDP_MAX_CRYPTO; i++) {
		char v[64];
		snprintf(v, sizeof(v), "%d AES_CM_128_HMAC_SHA1_80 inline:a", i);
		assert_int_equal(sdp_add_crypto(p, 0, v), 0);
	}
	assert_int_equal(sdp_add_crypto(p, 0, "99 AES_CM_128_HMAC_SHA1_80 inline:a"), -E2BIG);
	assert_int_equal(m->ncrypto, SDP_MAX_CRYPTO);
	free(text(p));
	sdp_free(p);
}

static void t_dir(void **state)
{
	struct sdp *p = OK(HOLD);

	/* resume: media attribute replaced in place */
	assert_int_equal(sdp_set_dir(p, 0, SDP_SENDRECV), 0);
	assert_int_equal(sdp_set_conn(p, SDP_SESSION, "192.0.2.7"), 0);
	assert_false(sdp_media_on_hold(&p->media[0]));
	assert_int_equal(sdp_bump_version(p), 0);
	EXPECT(p, "v=0\r\no=user1 53655765 2353687639 IN IP4 192.0.2.7\r\ns=-\r\n"
		  "c=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\n"
		  "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n");
	/* session level: set there, removed from the media */
	assert_int_equal(sdp_set_dir(p, SDP_SESSION, SDP_INACTIVE), 0);
	assert_int_equal(p->media[0].dir, SDP_INACTIVE);
	assert_false(p->media[0].dir_explicit);
	EXPECT(p, "v=0\r\no=user1 53655765 2353687639 IN IP4 192.0.2.7\r\ns=-\r\n"
		  "c=IN IP4 192.0.2.7\r\nt=0 0\r\na=inactive\r\nm=audio 6000 RTP/AVP 0 101\r\n"
		  "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
	assert_int_equal(sdp_set_dir(p, SDP_SESSION, SDP_SENDONLY), 0);
	assert_int_equal(sdp_set_dir(p, 0, SDP_RECVONLY), 0);
	assert_int_equal(p->dir, SDP_SENDONLY);
	assert_int_equal(p->media[0].dir, SDP_RECVONLY);
	assert_int_equal(sdp_set_dir(p, 0, (enum sdp_dir)7), -EINVAL);
	assert_int_equal(sdp_set_dir(p, 1, SDP_SENDRECV), -EINVAL);
	EXPECT(p, "v=0\r\no=user1 53655765 2353687639 IN IP4 192.0.2.7\r\ns=-\r\n"
		  "c=IN IP4 192.0.2.7\r\nt=0 0\r\na=sendonly\r\nm=audio 6000 RTP/AVP 0 101\r\n"
		  "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n");
	assert_string_equal(sdp_dir_name(SDP_RECVONLY), "recvonly");
	sdp_free(p);
}

static void t_bump(void **state)
{
	struct sdp *p = OK("v=0\r\no=- 1 999 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");

	assert_int_equal(sdp_bump_version(p), 0);
	assert_string_equal(p->sess_version, "1000");
	assert_int_equal(sdp_bump_version(p), 0);
	EXPECT(p, "v=0\r\no=- 1 1001 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
	sdp_free(p);
	/* beyond 64 bits */
	p = OK("v=0\r\no=- 1 18446744073709551615 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
	assert_int_equal(sdp_bump_version(p), 0);
	assert_string_equal(p->sess_version, "18446744073709551616");
	sdp_free(p);
	p = OK("v=0\r\no=- 1 9999999999999999999999999999999 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
	assert_int_equal(sdp_bump_version(p), -E2BIG);
	sdp_free(p);
}

static void t_filter(void **state)
{
	struct sdp *p = OK(CUCM);
	const char *prefs[] = { "g729r8", "g711ulaw", "ilbc" };
	const char *none[] = { "g711alaw-x", "opus" };
	const char *pcma[] = { "PCMA", "g711alaw" };

	assert_int_equal(sdp_filter_codecs(p, 0, none, 2), -ENOENT);
	assert_int_equal(sdp_filter_codecs(p, 0, NULL, 0), -ENOENT);
	assert_int_equal(sdp_filter_codecs(p, 0, prefs, 3), 2);
	assert_int_equal(p->media[0].nfmts, 3);
	assert_int_equal(p->media[0].pts[0].pt, 18);
	assert_int_equal(p->media[0].telephone_event, 101);
	EXPECT(p, "v=0\r\no=CiscoSystemsCCM-SIP 2000 1 IN IP4 198.51.100.5\r\ns=SIP Call\r\n"
		  "c=IN IP4 198.51.100.31\r\nb=TIAS:64000\r\nb=AS:64\r\nt=0 0\r\n"
		  "m=audio 24580 RTP/AVP 18 0 101\r\nb=TIAS:64000\r\na=ptime:20\r\n"
		  "a=rtpmap:0 PCMU/8000\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n"
		  "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");
	sdp_free(p);

	/* opus by name and clock; rtcp-fb of dropped types goes too */
	p = OK(MUX);
	assert_int_equal(sdp_filter_codecs(p, 0, none, 2), 1);
	assert_int_equal(p->media[0].nfmts, 2);
	sdp_free(p);
	p = OK(BARESIP);
	assert_int_equal(sdp_filter_codecs(p, 0, pcma, 2), 1);
	char *t = text(p);
	assert_non_null(strstr(t, "m=audio 10014 RTP/SAVP 8 101\r\n"));
	assert_null(strstr(t, "opus"));
	assert_null(strstr(t, "rtpmap:0"));
	free(t);
	sdp_free(p);

	/* static types without rtpmap match too; non-RTP sections do not filter */
	p = OK("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "m=audio 5000 RTP/AVP 0 8 9\r\na=rtcp-fb:* nack\r\nm=image 5002 udptl t38\r\n");
	assert_int_equal(sdp_filter_codecs(p, 0, (const char *[]){ "g722-64", "g711alaw" }, 2), 2);
	assert_int_equal(sdp_filter_codecs(p, 1, prefs, 1), -EINVAL);
	EXPECT(p, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		  "m=audio 5000 RTP/AVP 9 8\r\na=rtcp-fb:* nack\r\nm=image 5002 udptl t38\r\n");
	sdp_free(p);

	unsigned clock;
	assert_string_equal(sdp_codec_encoding("g729br8", &clock), "G729");
	assert_int_equal(clock, 8000);
	assert_string_equal(sdp_codec_encoding("AMR-WB", &clock), "AMR-WB");
	assert_int_equal(clock, 0);
}

/* sipp writes IPv6 addresses in brackets: accepted, the brackets dropped */
static void t_ipv6_brackets(void **state)
{
	(void)state;
	const char *in = "v=0\r\no=u 1 1 IN IP6 [::1]\r\ns=-\r\nc=IN IP6 [::1]\r\nt=0 0\r\n"
			 "m=audio 6000 RTP/AVP 0\r\n";
	struct sdp *s = NULL;
	char err[128];
	assert_int_equal(sdp_parse(in, strlen(in), &s, err, sizeof(err)), 0);
	assert_string_equal(s->media[0].conn.addr, "::1");
	assert_int_equal(s->media[0].conn.family, 6);
	assert_string_equal(s->origin.addr, "::1");
	sdp_free(s);
	/* brackets are not an IPv4 form */
	const char *bad = "v=0\r\no=u 1 1 IN IP4 [127.0.0.1]\r\ns=-\r\nt=0 0\r\n";
	assert_int_equal(sdp_parse(bad, strlen(bad), &s, err, sizeof(err)), -EINVAL);
}

static void t_dup(void **state)
{
	struct sdp *p = OK(BARESIP), *d = NULL;
	char *a, *b;

	assert_int_equal(sdp_dup(&d, p), 0);
	assert_int_equal(sdp_set_conn(p, SDP_SESSION, "192.0.2.1"), 0);
	assert_int_equal(sdp_remove_crypto(p, 0, -1), 0);
	assert_int_equal(d->media[0].ncrypto, 2);
	assert_string_equal(d->media[0].conn.addr, "192.0.2.20");
	assert_true(d->media[0].crypto[0].value != p->media[0].crypto[0].value);
	a = text(d);
	assert_string_equal(a, BARESIP);
	b = text(p);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	sdp_free(d);
	sdp_free(p);
}

static void t_invalid(void **state)
{
	char big[2048], *huge;
	struct buf b = BUF_INIT;

	BAD("", "line 1: missing v= line");
	BAD("o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", "line 1: missing v= line");
	BAD("\r\nv=0\r\n", "line 1: missing v= line");
	BAD("v=1\r\n", "line 1: unsupported SDP version");
	BAD("v=0\r\n", "line 2: missing o= line");
	BAD("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n", "line 3: missing s= line");
	BAD("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n", "line 4: missing t= line");
	BAD("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\n",
	    "line 4: missing t= line");
	BAD("v=0\r\no=- x 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", "line 2: malformed o= line");
	BAD("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", "line 2: malformed o= line");
#define HEAD "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	BAD(HEAD "m=audio 5000 RTP/AVP\r\n", "line 6: malformed m= line");
	BAD(HEAD "m=audio RTP/AVP 0\r\n", "line 6: malformed m= line");
	BAD(HEAD "m=audio 5000/0 RTP/AVP 0\r\n", "line 6: malformed m= line: bad port count");
	BAD(HEAD "m=audio -1 RTP/AVP 0\r\n", "line 6: malformed m= line: bad port");
	BAD(HEAD "m=audio 70000 RTP/AVP 0\r\n", "line 6: port 70000 out of range in m= line");
	BAD(HEAD "m=audio 99999999999999999999 RTP/AVP 0\r\n", "out of range in m= line");
	BAD(HEAD "m=audio 5000 RTP/AVP 128\r\n", "line 6: payload type 128 out of range");
	BAD(HEAD "m=audio 5000 RTP/AVP PCMU\r\n", "line 6: malformed m= line: payload type PCMU");
	BAD(HEAD "m=audio 5000 RTP/AVP 0 8 0\r\n", "line 6: duplicate payload type 0");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\nt=0 0\r\n", "line 7: t= line not allowed in a media section");
	BAD(HEAD "x=1\r\n", "line 6: unknown line type 'x'");
	BAD(HEAD "A=1\r\n", "line 6: malformed line");
	BAD(HEAD "a\r\n", "line 6: malformed line");
	BAD(HEAD "\r\na=x\r\n", "line 6: empty line");
	BAD(HEAD "a=x\ry\r\n", "line 6: stray CR");
	BAD(HEAD "a=x\0y\r\n", "line 6: NUL byte");
	BAD(HEAD "c=IN IP4 192.0.2.2\r\n", "line 6: more than one c= line at session level");
	BAD(HEAD "s=again\r\n", "line 6: more than one s= line");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\nc=IN IP4 300.1.1.1\r\n", "line 7: malformed c= line");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\nc=IN IP6 192.0.2.1:5\r\n", "line 7: malformed c= line");
	BAD(HEAD "b=AS\r\n", "line 6: malformed b= line");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", "line 7: malformed a=rtpmap");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n", "line 7: malformed a=rtpmap");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=rtcp:0\r\n", "line 7: malformed a=rtcp");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=rtcp:5001 IN IP4\r\n", "line 7: malformed a=rtcp");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=ptime:x\r\n", "line 7: malformed a=ptime");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n",
	    "line 7: malformed a=crypto");
	BAD(HEAD "m=audio 5000 RTP/AVP 0\r\na=:x\r\n", "line 7: malformed a= line");
	BAD("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
	    "line 5: media section has no c= line");

	/* line too long */
	memset(big, 'x', sizeof(big));
	memcpy(big, "a=", 2);
	assert_int_equal(buf_puts(&b, HEAD), 0);
	assert_int_equal(buf_append(&b, big, SDP_MAX_LINE + 1), 0);
	assert_int_equal(buf_puts(&b, "\r\n"), 0);
	badn(b.p, b.len, "line 6: line too long (limit 1024 bytes)");
	/* exactly the limit is fine */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD), 0);
	assert_int_equal(buf_append(&b, big, SDP_MAX_LINE), 0);
	sdp_free(okn(b.p, b.len));

	/* too many media sections */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD), 0);
	for (int i = 0; i <= SDP_MAX_MEDIA; i++)
		assert_int_equal(buf_printf(&b, "m=audio %d RTP/AVP 0\r\n", 5000 + 2 * i), 0);
	badn(b.p, b.len, "line 22: too many media sections (limit 16)");

	/* too many lines */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD), 0);
	for (int i = 0; i < SDP_MAX_LINES; i++)
		assert_int_equal(buf_puts(&b, "a=x\r\n"), 0);
	badn(b.p, b.len, "line 257: too many lines (limit 256)");

	/* too many crypto lines */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD "m=audio 5000 RTP/SAVP 0\r\n"), 0);
	for (int i = 1; i <= SDP_MAX_CRYPTO + 1; i++)
		assert_int_equal(buf_printf(&b, "a=crypto:%d AES_CM_128_HMAC_SHA1_80 inline:a\r\n", i), 0);
	badn(b.p, b.len, "line 23: too many a=crypto lines (limit 16)");

	/* too many formats */
	buf_reset(&b);
	assert_int_equal(buf_puts(&b, HEAD "m=audio 5000 RTP/AVP"), 0);
	for (int i = 0; i <= SDP_MAX_FMTS; i++)
		assert_int_equal(buf_printf(&b, " %d", i), 0);
	badn(b.p, b.len, "line 6: too many formats in m= line (limit 64)");
	buf_free(&b);

	/* too large */
	huge = calloc(1, SDP_MAX_LEN + 2);
	assert_non_null(huge);
	memset(huge, '\n', SDP_MAX_LEN + 1);
	badn(huge, SDP_MAX_LEN + 1, "SDP larger than 64 KiB");
	free(huge);

	/* err may be NULL */
	struct sdp *p = NULL;
	assert_int_equal(sdp_parse("v=0", 3, &p, NULL, 0), -EINVAL);
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sipp),
		cmocka_unit_test(t_baresip),
		cmocka_unit_test(t_cucm),
		cmocka_unit_test(t_ipv6),
		cmocka_unit_test(t_hold),
		cmocka_unit_test(t_rtcp_mux),
		cmocka_unit_test(t_roundtrip),
		cmocka_unit_test(t_set_conn),
		cmocka_unit_test(t_set_port_proto_rtcp),
		cmocka_unit_test(t_crypto),
		cmocka_unit_test(t_dir),
		cmocka_unit_test(t_bump),
		cmocka_unit_test(t_filter),
		cmocka_unit_test(t_dup),
		cmocka_unit_test(t_ipv6_brackets),
		cmocka_unit_test(t_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
