/* test_sipmsg.c - unit tests for the SIP message parser, framing, printer and
 * builders (sip/msg*.c, sip/hdr*.c).  The RFC 4475 cases are written here from
 * the RFC's descriptions of each torture message, with our own hosts and
 * values; the comment on each says what the RFC expects. */
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
#include "sip/msg.h"
#include "sip/msg_int.h"

static char errbuf[256];

/* Parse n bytes that must be valid. */
static struct sip_msg *okn(const char *s, size_t n)
{
	struct sip_msg *m = NULL;
	int rc = sip_msg_parse(s, n, &m, errbuf, sizeof(errbuf));
	if (rc)
		fail_msg("parse failed (%d): %s", rc, errbuf);
	return m;
}
#define OK(lit) okn((lit), sizeof(lit) - 1)

/* Invalid: -EINVAL with a reason containing why; partial parse gives a
 * message to answer with status reply (400/505), or none when reply is 0. */
static void badn(const char *s, size_t n, const char *why, int reply)
{
	struct sip_msg *m = (struct sip_msg *)1, *r = NULL;
	struct buf b = BUF_INIT;

	assert_int_equal(sip_msg_parse(s, n, &m, errbuf, sizeof(errbuf)), -EINVAL);
	assert_null(m);
	if (!strstr(errbuf, why))
		fail_msg("error \"%s\" does not contain \"%s\"", errbuf, why);
	assert_int_equal(sip_msg_parse_partial(s, n, &m, errbuf, sizeof(errbuf)), -EINVAL);
	if (!reply) {
		assert_null(m);
		return;
	}
	if (!m)
		fail_msg("no partial message for %s", why);
	assert_true(m->malformed);
	assert_int_equal(m->error_status, reply);
	assert_int_equal(sip_msg_new_response(&r, m, m->error_status, errbuf, "t1"), 0);
	assert_int_equal(sip_msg_print(r, &b), 0);
	assert_true(strncmp(b.p, "SIP/2.0 ", 8) == 0);
	assert_non_null(sip_msg_hdr(r, "Via", 0));
	buf_free(&b);
	sip_msg_free(r);
	sip_msg_free(m);
}
#define BAD(lit, why, reply) badn((lit), sizeof(lit) - 1, (why), (reply))

/* parse -> print -> parse gives the same message. */
static void roundtrip(const struct sip_msg *a)
{
	struct buf b = BUF_INIT;
	struct sip_msg *c;

	assert_int_equal(sip_msg_print(a, &b), 0);
	c = okn(b.p, b.len);
	assert_int_equal(a->request, c->request);
	assert_int_equal(a->status, c->status);
	if (a->request) {
		assert_string_equal(a->method_name, c->method_name);
		assert_string_equal(a->ruri_text, c->ruri_text);
	} else {
		assert_string_equal(a->reason, c->reason);
	}
	/* the same headers in the same order; Content-Length is recomputed and
	 * added when absent, so it is left out of the comparison */
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->nhdrs && strcmp(a->hdrs[i].name, "Content-Length") == 0)
			i++;
		while (j < c->nhdrs && strcmp(c->hdrs[j].name, "Content-Length") == 0)
			j++;
		if (i == a->nhdrs || j == c->nhdrs)
			break;
		assert_string_equal(a->hdrs[i].name, c->hdrs[j].name);
		assert_int_equal(a->hdrs[i].value_len, c->hdrs[j].value_len);
		assert_memory_equal(a->hdrs[i].value, c->hdrs[j].value, a->hdrs[i].value_len);
		i++;
		j++;
	}
	assert_int_equal(i, a->nhdrs);
	assert_int_equal(j, c->nhdrs);
	assert_int_equal(c->content_length, (long)c->body_len);
	assert_int_equal(a->body_len, c->body_len);
	if (a->body_len)
		assert_memory_equal(a->body, c->body, a->body_len);
	assert_int_equal(a->nvia, c->nvia);
	sip_msg_free(c);
	buf_free(&b);
}

/* head holds one "%zu" for the Content-Length (other '%' are literal);
 * builds head + body in msgbuf and returns the length. */
static char msgbuf[70000];
static size_t with_body(const char *head, const char *body, size_t blen)
{
	const char *mark = strstr(head, "%zu");
	int n;

	assert_non_null(mark);
	n = snprintf(msgbuf, sizeof(msgbuf), "%.*s%zu%s", (int)(mark - head), head, blen, mark + 3);
	assert_true(n > 0 && (size_t)n + blen < sizeof(msgbuf));
	memcpy(msgbuf + n, body, blen);
	return (size_t)n + blen;
}

static const char sdp[] =
	"v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.3\r\ns=-\r\n"
	"c=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n";

/* 3.1.1.1 wsinv: short tortuous INVITE: mixed-case and compact names, folded
 * lines everywhere, LWS around ':' '/' ';' '=', an escaped quote in a display
 * name, an empty header, unknown headers with odd values.  Valid. */
static void test_wsinv(void **state)
{
	static const char head[] =
		"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n"
		"TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
		"from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n"
		"  ;\r\n  tag = 98asjd8\r\n"
		"MaX-fOrWaRdS: 0068\r\n"
		"Call-ID: wsinv.ndaksdj@192.0.2.1\r\n"
		"Content-Length   : %zu\r\n"
		"cseq: 0009\r\n  INVITE\r\n"
		"Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;rport;branch=390skdjuw\r\n"
		"s :\r\n"
		"NewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
		"UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n"
		"Content-Type: application/sdp\r\n"
		"Route:\r\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\r\n"
		"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n"
		"  branch  =   z9hG4bK9ikj8  ,\r\n"
		" SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n"
		"m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n"
		"      newvalue ;\r\n  secondparam ; q = 0.33\r\n\r\n";
	struct sip_msg *m = okn(msgbuf, with_body(head, sdp, sizeof(sdp) - 1));

	assert_true(m->request);
	assert_int_equal(m->method, SIP_METHOD_INVITE);
	assert_non_null(m->ruri);
	assert_string_equal(m->ruri->user, "vivekg");
	assert_string_equal(sip_uri_param(m->ruri, "unknownparam"), "");
	assert_string_equal(m->to->tag, "1918181833n");
	assert_string_equal(m->from->tag, "98asjd8");
	assert_string_equal(m->from->display, "J Rosenberg \\\\\\\"");
	assert_int_equal(m->max_forwards, 68);
	assert_int_equal(m->cseq, 9);
	assert_int_equal(m->cseq_method, SIP_METHOD_INVITE);
	assert_string_equal(m->call_id, "wsinv.ndaksdj@192.0.2.1");
	assert_int_equal(m->nvia, 3);
	assert_string_equal(m->via[0].transport, "UDP");
	assert_string_equal(m->via[0].host, "192.0.2.2");
	assert_true(m->via[0].rport);
	assert_int_equal(m->via[0].rport_value, 0);
	assert_string_equal(m->via[0].branch, "390skdjuw");
	assert_string_equal(m->via[1].transport, "TCP");
	assert_string_equal(m->via[1].host, "spindle.example.com");
	assert_string_equal(m->via[1].branch, "z9hG4bK9ikj8");
	assert_string_equal(m->via[2].host, "192.168.255.111");
	assert_string_equal(m->via[2].branch, "z9hG4bK30239");
	assert_int_equal(m->contact.n, 1);
	assert_string_equal(m->contact.v[0].display, "Quoted string \\\"\\\"");
	assert_string_equal(sip_param_get(m->contact.v[0].params, m->contact.v[0].nparams, "q"),
			    "0.33");
	assert_string_equal(sip_param_get(m->contact.v[0].params, m->contact.v[0].nparams,
					  "newparam"), "newvalue");
	assert_int_equal(m->route.n, 1);
	assert_string_equal(sip_uri_param(m->route.v[0].uri, "lr"), "");
	assert_string_equal(sip_msg_hdr(m, "NewFangledHeader", 0),
			    "newfangled value continued newfangled value");
	assert_string_equal(sip_msg_hdr(m, "Subject", 0), "");
	assert_string_equal(sip_msg_hdr(m, "s", 0), "");
	assert_string_equal(m->hdrs[0].name, "To");
	assert_string_equal(m->content_type, "application/sdp");
	assert_int_equal(m->body_len, sizeof(sdp) - 1);
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.2 intmeth: every token character in the method, a password full of
 * odd characters, quoted display name with BEL, NUL and DEL escaped, UTF-8
 * in a parameter and an extension header.  Valid. */
static void test_intmeth(void **state)
{
	static const char msg[] =
		"!interesting-Method0123456789_*+`.%indeed'~ "
		"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,"
		"weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\r\n"
		"To: \"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7F\" <sip:1_unusual.URI~(to-be!sure)"
		"&isn't+it$/crazy?,/;;*@example.com>\r\n"
		"From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>"
		";fromParam''~+*_!.-%=\"\xD1\x80\xD0\xB0\xD0\xB1\xD0\xBE\xD1\x82\xD0\xB0\""
		";tag=_token~1'+`*%!-.\r\n"
		"Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\r\n"
		"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n"
		"Max-Forwards: 255\r\n"
		"extensionHeader-!.%*+_`'~:\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_msg *m = OK(msg);

	assert_int_equal(m->method, SIP_METHOD_UNKNOWN);
	assert_string_equal(m->method_name, "!interesting-Method0123456789_*+`.%indeed'~");
	assert_string_equal(m->ruri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	assert_string_equal(m->ruri->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	assert_string_equal(m->ruri->host, "example.com");
	assert_string_equal(m->from->display, "token1~` token2'+_ token3*%!.-");
	assert_string_equal(m->from->tag, "_token~1'+`*%!-.");
	assert_non_null(m->to);
	/* the To value keeps its NUL byte */
	assert_true(m->hdrs[1].value_len > strlen(m->hdrs[1].value));
	assert_int_equal(m->cseq, 139122385);
	assert_int_equal(m->max_forwards, 255);
	assert_non_null(sip_msg_hdr(m, "extensionHeader-!.%*+_`'~", 0));
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.3 esc01: escaped characters in URI user parts, an escaped space in
 * a From user.  Valid; escaped and unescaped forms compare equal. */
static void test_esc01(void **state)
{
	static const char head[] =
		"INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\r\n"
		"To: sip:%75se%72@example.com\r\n"
		"From: <sip:I%20have%20spaces@example.net>;tag=938\r\n"
		"Max-Forwards: 87\r\n"
		"i: esc01.239409asdfakjkn23onasd0-3234\r\n"
		"CSeq: 234234 INVITE\r\n"
		"Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\r\n"
		"C: application/sdp\r\n"
		"Contact:\r\n  <sip:cal%6Cer@192.168.100.101;unknownparam>\r\n"
		"L: %zu\r\n\r\n";
	struct sip_msg *m = okn(msgbuf, with_body(head, sdp, sizeof(sdp) - 1));
	struct sip_uri *u;
	char user[64];

	assert_int_equal(sip_uri_user_number(user, sizeof(user), m->ruri), 0);
	assert_string_equal(user, "sips:user@example.com");
	assert_int_equal(sip_uri_parse(&u, "sip:user@example.com", 20), 0);
	assert_true(sip_uri_equal(u, m->to->uri));
	sip_uri_free(u);
	assert_int_equal(sip_uri_user_number(user, sizeof(user), m->contact.v[0].uri), 0);
	assert_string_equal(user, "caller");
	assert_int_equal(sip_uri_user_number(user, sizeof(user), m->from->uri), 0);
	assert_string_equal(user, "I have spaces");
	assert_string_equal(m->call_id, "esc01.239409asdfakjkn23onasd0-3234");
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.4 escnull: %00 in URI users of To, From and two Contacts.  Valid. */
static void test_escnull(void **state)
{
	static const char msg[] =
		"REGISTER sip:example.com SIP/2.0\r\n"
		"To: sip:null-%00-null@example.com\r\n"
		"From: sip:null-%00-null@example.com;tag=839923423\r\n"
		"Max-Forwards: 70\r\n"
		"Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\r\n"
		"CSeq: 14398234 REGISTER\r\n"
		"Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\r\n"
		"Contact: <sip:%00@host5.example.com>\r\n"
		"Contact: <sip:%00%00@host5.example.com>\r\n"
		"L:0\r\n\r\n";
	struct sip_msg *m = OK(msg);
	char raw[8];
	size_t n;

	assert_int_equal(m->method, SIP_METHOD_REGISTER);
	assert_int_equal(m->contact.n, 2);
	assert_int_equal(sip_uri_unescape(raw, sizeof(raw), &n, m->contact.v[1].uri->user,
					  strlen(m->contact.v[1].uri->user)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(raw[0], 0);
	assert_string_equal(m->from->tag, "839923423");
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.5 esc02: an escaped method name is an unknown method (not REGISTER);
 * '%' in a quoted display name; escaped URI parameter names and values.
 * Valid (a UAS answers 501 to the unknown method). */
static void test_esc02(void **state)
{
	static const char msg[] =
		"RE%47IST%45R sip:registrar.example.com SIP/2.0\r\n"
		"To: \"%Z%45\" <sip:resource@example.com>\r\n"
		"From: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23\r\n"
		"Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf\r\n"
		"Via: SIP/2.0/TCP host.example.com;rport;branch=z9hG4bK209593\r\n"
		"Max-Forwards: 70\r\n"
		"Contact: <sip:alias1@host1.example.com;%6C%72;n%61me=v%61lue%25%34%31>\r\n"
		"Contact: <sip:alias2@host2.example.com;value=MiXed%20CaSe>\r\n"
		"CSeq: 29344 RE%47IST%45R\r\n"
		"l: 0\r\n\r\n";
	struct sip_msg *m = OK(msg);
	struct sip_uri *u;
	static const char want[] = "sip:alias1@host1.example.com;lr;name=value%2541";

	assert_int_equal(m->method, SIP_METHOD_UNKNOWN);
	assert_string_equal(m->method_name, "RE%47IST%45R");
	assert_string_equal(m->to->display, "%Z%45");
	assert_int_equal(m->contact.n, 2);
	assert_int_equal(sip_uri_parse(&u, want, sizeof(want) - 1), 0);
	assert_true(sip_uri_equal(u, m->contact.v[0].uri));
	sip_uri_free(u);
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.6 lwsdisp: no LWS between a token display name and '<'.  Valid. */
static void test_lwsdisp(void **state)
{
	static const char msg[] =
		"OPTIONS sip:user@example.com SIP/2.0\r\n"
		"To: sip:user@example.com\r\n"
		"From: caller<sip:caller@example.com>;tag=323\r\n"
		"Max-Forwards: 70\r\n"
		"Call-ID: lwsdisp.1234abcd@funky.example.com\r\n"
		"CSeq: 60 OPTIONS\r\n"
		"Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\r\n"
		"l: 0\r\n\r\n";
	struct sip_msg *m = OK(msg);

	assert_string_equal(m->from->display, "caller");
	assert_string_equal(m->from->uri_text, "sip:caller@example.com");
	assert_int_equal(m->method, SIP_METHOD_OPTIONS);
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.7 longreq: long values everywhere (display name, tags, Call-ID, an
 * unknown header, many Via fields, long Route list).  Valid. */
static void test_longreq(void **state)
{
	struct buf b = BUF_INIT;
	struct sip_msg *m;

	buf_puts(&b, "INVITE sip:user@example.com SIP/2.0\r\nTo: \"");
	for (int i = 0; i < 30; i++)
		buf_puts(&b, "I have a user name of extreme length ");
	buf_puts(&b, "\" <sip:user@example.com>;tag=");
	for (int i = 0; i < 50; i++)
		buf_puts(&b, "12982424");
	buf_puts(&b, "\r\nFrom: sip:amazinglylongcallername");
	for (int i = 0; i < 20; i++)
		buf_puts(&b, "amazinglylongcallername");
	buf_puts(&b, "@example.net;tag=12982424\r\nCall-ID: longreq.");
	for (int i = 0; i < 60; i++)
		buf_puts(&b, "onereallyreallyreallylongcallid");
	buf_puts(&b, "\r\nCSeq: 3882340 INVITE\r\nUnknown-LongHeader: unknown-long-value");
	for (int i = 0; i < 120; i++)
		buf_puts(&b, ";unknown-long-parameter-name=unknown-long-parameter-value");
	buf_puts(&b, "\r\n");
	for (int i = 34; i > 0; i--)
		buf_printf(&b, "Via: SIP/2.0/TCP sip%d.example.com;branch=z9hG4bK%08d\r\n", i, i);
	buf_puts(&b, "Route: ");
	for (int i = 0; i < 20; i++)
		buf_printf(&b, "%s<sip:proxy%d.example.com;lr>", i ? "," : "", i);
	buf_puts(&b, "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	m = okn(b.p, b.len);
	assert_int_equal(m->nvia, 34);
	assert_string_equal(m->via[33].host, "sip1.example.com");
	assert_int_equal(m->route.n, 20);
	assert_int_equal(strlen(m->to->tag), 400);
	assert_true(strlen(m->call_id) > 1800);
	roundtrip(m);
	sip_msg_free(m);
	buf_free(&b);
}

/* 3.1.1.8 dblreq: a REGISTER with Content-Length 0 followed by an INVITE in
 * the same datagram.  Valid: the REGISTER is processed, the rest ignored. */
static void test_dblreq(void **state)
{
	static const char msg[] =
		"REGISTER sip:example.com SIP/2.0\r\n"
		"To: sip:j.user@example.com\r\n"
		"From: sip:j.user@example.com;tag=43251j3j324\r\n"
		"Max-Forwards: 8\r\n"
		"I: dblreq.0ha0isndaksdj99sdfafnl3lk233412\r\n"
		"Contact: sip:j.user@host.example.com\r\n"
		"CSeq: 8 REGISTER\r\n"
		"Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKon23ifs\r\n"
		"Content-Length: 0\r\n\r\n"
		"INVITE sip:joe@example.com SIP/2.0\r\n"
		"t: sip:joe@example.com\r\n"
		"From: sip:caller@example.net;tag=141334\r\n"
		"Max-Forwards: 8\r\n"
		"Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15\r\n"
		"CSeq: 8 INVITE\r\n"
		"Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234\r\n"
		"Content-Type: application/sdp\r\n"
		"Content-Length: 4\r\n\r\nv=0\n";
	struct sip_msg *m = OK(msg);

	assert_int_equal(m->method, SIP_METHOD_REGISTER);
	assert_int_equal(m->body_len, 0);
	assert_null(m->body);
	sip_msg_free(m);
}

/* 3.1.1.9 semiuri: ';' in the user part of the Request-URI.  Valid: the
 * user is "user;par=u%40example.net", the host example.com, no URI params. */
static void test_semiuri(void **state)
{
	static const char msg[] =
		"OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\r\n"
		"To: sip:j_user@example.com\r\n"
		"From: sip:caller@example.org;tag=33242\r\n"
		"Max-Forwards: 3\r\n"
		"Call-ID: semiuri.0ha0isndaksdj\r\n"
		"CSeq: 8 OPTIONS\r\n"
		"Accept: application/sdp, application/pkcs7-mime,\r\n"
		"        multipart/mixed, multipart/signed,\r\n"
		"        message/sip, message/sipfrag\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\r\n"
		"l: 0\r\n\r\n";
	struct sip_msg *m = OK(msg);

	assert_string_equal(m->ruri->user, "user;par=u%40example.net");
	assert_string_equal(m->ruri->host, "example.com");
	assert_int_equal(m->ruri->nparams, 0);
	assert_string_equal(sip_uri_user_param(m->ruri, "par"), "u%40example.net");
	assert_string_equal(sip_msg_hdr(m, "accept", 0),
			    "application/sdp, application/pkcs7-mime, multipart/mixed, "
			    "multipart/signed, message/sip, message/sipfrag");
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.10 transports: Via with UDP, SCTP, TLS, an unknown transport and
 * TCP.  Valid. */
static void test_transports(void **state)
{
	static const char msg[] =
		"OPTIONS sip:user@example.com SIP/2.0\r\n"
		"To: sip:user@example.com\r\n"
		"From: <sip:caller@example.com>;tag=323\r\n"
		"Max-Forwards: 70\r\n"
		"Call-ID: transports.kijh4akdnaqjkwendsasfdj\r\n"
		"Accept: application/sdp\r\n"
		"CSeq: 60 OPTIONS\r\n"
		"Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\r\n"
		"Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\r\n"
		"Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\r\n"
		"Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\r\n"
		"Via: SIP/2.0/tcp t5.example.com;branch=z9hG4bK0a9idfnee\r\n"
		"l: 0\r\n\r\n";
	static const char *const tr[] = { "UDP", "SCTP", "TLS", "UNKNOWN", "TCP" };
	struct sip_msg *m = OK(msg);

	assert_int_equal(m->nvia, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(m->via[i].transport, tr[i]);
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.11 mpart01: multipart body with a binary part (NUL bytes).  Valid;
 * the body is kept byte for byte. */
static void test_mpart01(void **state)
{
	static const char head[] =
		"MESSAGE sip:kumiko@example.org SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK-2.2\r\n"
		"Max-Forwards: 70\r\n"
		"From: \"D. Templar\" <sip:templar@example.com>;tag=ab43\r\n"
		"To: <sip:kumiko@example.org>\r\n"
		"Call-ID: mpart01.1@192.0.2.1\r\n"
		"CSeq: 1 MESSAGE\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n"
		" micalg=sha1; boundary=----=_Part_1_10987\r\n"
		"Content-Length: %zu\r\n\r\n";
	static const char body[] =
		"------=_Part_1_10987\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
		"------=_Part_1_10987\r\nContent-Type: application/pkcs7-signature\r\n"
		"Content-Transfer-Encoding: binary\r\n\r\n"
		"\x30\x82\x01\x00\x00\x00\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x00\r\n"
		"------=_Part_1_10987--\r\n";
	struct sip_msg *m = okn(msgbuf, with_body(head, body, sizeof(body) - 1));

	assert_int_equal(m->method, SIP_METHOD_MESSAGE);
	assert_int_equal(m->body_len, sizeof(body) - 1);
	assert_memory_equal(m->body, body, sizeof(body) - 1);
	assert_int_equal(m->via[0].port, 5070);
	assert_non_null(strstr(m->content_type, "boundary=----=_Part_1_10987"));
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.12 unreason: a response with a UTF-8 reason phrase.  Valid. */
static void test_unreason(void **state)
{
	static const char msg[] =
		"SIP/2.0 200 = 2**3 * 5**2 \xD0\xBD\xD0\xBE \xD1\x81\xD1\x82\xD0\xBE "
		"\xD0\xB4\xD0\xB5\xD0\xB2\xD1\x8F\xD0\xBD\xD0\xBE\xD1\x81\xD1\x82\xD0\xBE - prime\r\n"
		"Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\r\n"
		"Call-ID: unreason.1234ksdfak3j2erwedfsASdf\r\n"
		"CSeq: 35 INVITE\r\n"
		"From: sip:user@example.com;tag=11141343\r\n"
		"To: sip:user@example.edu;tag=2229\r\n"
		"Content-Length: 0\r\n"
		"Contact: <sip:user@host198.example.com>\r\n\r\n";
	struct sip_msg *m = OK(msg);

	assert_false(m->request);
	assert_int_equal(m->status, 200);
	assert_true(strncmp(m->reason, "= 2**3 * 5**2 ", 14) == 0);
	assert_int_equal(m->cseq_method, SIP_METHOD_INVITE);
	roundtrip(m);
	sip_msg_free(m);
}

/* 3.1.1.13 noreason: an empty reason phrase (the SP after the code is
 * there).  Valid. */
static void test_noreason(void **state)
{
	static const char msg[] =
		"SIP/2.0 100 \r\n"
		"Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\r\n"
		"Call-ID: noreason.asndj203insdf99223ndf\r\n"
		"CSeq: 35 INVITE\r\n"
		"From: <sip:user@example.com>;tag=39ansfi3\r\n"
		"To: <sip:user@example.edu>;tag=902jndnke3\r\n"
		"Content-Length: 0\r\n"
		"Contact: <sip:user@host105.example.com>\r\n\r\n";
	struct sip_msg *m = OK(msg);

	assert_int_equal(m->status, 100);
	assert_string_equal(m->reason, "");
	roundtrip(m);
	sip_msg_free(m);
}

/* Common tail for the invalid-request cases below. */
#define STD_TAIL                                                        \
	"Max-Forwards: 70\r\n"                                          \
	"Call-ID: torture.29384@192.0.2.1\r\n"                          \
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKtorture\r\n"

/* 3.1.2 invalid messages.  RFC 4475 expects a 400 for each request below
 * when one can be formed, and responses to be dropped. */
static void test_invalid(void **state)
{
	/* badinv01: empty Via params and elements, empty Contact params: 400 */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: sip:j.user@example.com\r\n"
	    "From: sip:caller@example.net;tag=134161461246\r\n"
	    "Max-Forwards: 7\r\nCall-ID: badinv01.0ha0isndaksdjasdf3234nas\r\n"
	    "CSeq: 8 INVITE\r\nVia: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n"
	    "Contact: \"Joe\" <sip:joe@example.org>;;;;\r\n"
	    "Content-Length: 0\r\n\r\n", "malformed Via header", 400);
	/* clerr: Content-Length larger than the datagram's body: 400 */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: sip:j.user@example.com\r\nFrom: sip:caller@example.net;tag=93942939o2\r\n"
	    "CSeq: 1 INVITE\r\n" STD_TAIL
	    "Content-Type: application/sdp\r\nContent-Length: 9999\r\n\r\nv=0\r\n",
	    "Content-Length 9999 exceeds body 5", 400);
	/* scalar02: negative Content-Length: 400 (on a stream, close) */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: sip:j.user@example.com\r\nFrom: sip:caller@example.net;tag=932\r\n"
	    "CSeq: 1 INVITE\r\n" STD_TAIL "Content-Length: -999\r\n\r\nv=0\r\n",
	    "malformed Content-Length header", 400);
	/* scalarlg: CSeq beyond 2**31, Max-Forwards 300, huge Expires: 400 */
	BAD("REGISTER sip:example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:user@example.com>;tag=239232jh3\r\n"
	    "CSeq: 36893488147419103232 REGISTER\r\nCall-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\r\n"
	    "Max-Forwards: 300\r\nExpires: 10000000000000\r\n"
	    "Contact: <sip:user@host129.example.com>;expires=280297596632815\r\n"
	    "Content-Length: 0\r\n\r\n", "malformed CSeq header", 400);
	/* the same overlarge CSeq in a response: drop */
	BAD("SIP/2.0 503 Service Unavailable\r\n"
	    "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:other@example.net>;tag=2easdjfejw\r\n"
	    "CSeq: 9292394834772304023312 OPTIONS\r\nCall-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r\r\n"
	    "Retry-After: 949302838503028349304023988\r\n"
	    "Warning: 1812 overture \"In Progress\"\r\nContent-Length: 0\r\n\r\n",
	    "malformed CSeq header", 0);
	/* quotbal: unterminated quoted display name: 400 */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: \"Mr. J. User <sip:j.user@example.com>\r\n"
	    "From: sip:caller@example.net;tag=93334\r\nCSeq: 1 INVITE\r\n" STD_TAIL
	    "Content-Length: 0\r\n\r\n", "malformed To header", 400);
	/* ltgtruri: Request-URI in angle brackets: 400 */
	BAD("INVITE <sip:user@example.com> SIP/2.0\r\n"
	    "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=39291\r\n"
	    "CSeq: 1 INVITE\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "malformed Request-URI", 400);
	/* lwsruri: LWS inside the Request-URI: 400 */
	BAD("INVITE sip:user@example.com; lr SIP/2.0\r\n"
	    "To: sip:user@example.com;tag=3xfe-9921883-z9f\r\n"
	    "From: sip:caller@example.net;tag=231413434\r\nCSeq: 2130706432 INVITE\r\n"
	    STD_TAIL "Content-Length: 0\r\n\r\n", "malformed request line", 400);
	/* lwsstart: several SP between request-line elements: 400 */
	BAD("INVITE  sip:user@example.com  SIP/2.0\r\n"
	    "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=8814\r\n"
	    "CSeq: 1 INVITE\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "malformed request line", 400);
	/* trws: SP after the version: 400 */
	BAD("OPTIONS sip:remote-target@example.com SIP/2.0  \r\n"
	    "To: <sip:remote-target@example.com>\r\nFrom: <sip:local-resource@example.com>;tag=329429089\r\n"
	    "CSeq: 3923239 OPTIONS\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "malformed request line", 400);
	/* escruri: headers in the Request-URI: 400 */
	BAD("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\r\n"
	    "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=341518\r\n"
	    "CSeq: 1 INVITE\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "Request-URI contains headers", 400);
	/* baddate: a Date not in GMT: 400 */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=2234923\r\n"
	    "CSeq: 1 INVITE\r\nDate: Fri, 01 Jan 2010 16:00:00 EST\r\n" STD_TAIL
	    "Content-Length: 0\r\n\r\n", "malformed Date header", 400);
	/* regbadct: an addr-spec with '?' outside <>: 400 */
	BAD("REGISTER sip:example.com SIP/2.0\r\n"
	    "To: sip:user@example.com\r\nFrom: sip:user@example.com;tag=998332\r\n"
	    "CSeq: 1 REGISTER\r\n" STD_TAIL
	    "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\r\n"
	    "Content-Length: 0\r\n\r\n", "malformed Contact header", 400);
	/* badaddr: spaces inside <>: 400 */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: \"Watson, Thomas\" < sip:t.watson@example.org >\r\n"
	    "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\r\n"
	    "CSeq: 1 INVITE\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "malformed To header", 400);
	/* baddn: non-token characters in an unquoted display name: 400 */
	BAD("OPTIONS sip:t.watson@example.org SIP/2.0\r\n"
	    "To: sip:t.watson@example.org\r\n"
	    "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\r\n"
	    "CSeq: 1 OPTIONS\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "malformed From header", 400);
	/* badvers: SIP/7.0: 505 Version Not Supported */
	BAD("OPTIONS sip:t.watson@example.org SIP/7.0\r\n"
	    "To: sip:t.watson@example.org\r\nFrom: sip:a.g.bell@example.com;tag=427554\r\n"
	    "CSeq: 1 OPTIONS\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "unsupported SIP version SIP/7.0", 505);
	/* mismatch01: CSeq method differs from the request method: 400 */
	BAD("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    "To: sip:j.user@example.com\r\nFrom: sip:caller@example.net;tag=34525\r\n"
	    "CSeq: 8 INVITE\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "CSeq method INVITE does not match request method OPTIONS", 400);
	/* mismatch02: unknown method, CSeq mismatch: 400 (not 501) */
	BAD("NEWMETHOD sip:user@example.com SIP/2.0\r\n"
	    "To: sip:j.user@example.com\r\nFrom: sip:caller@example.net;tag=34525\r\n"
	    "CSeq: 8 INVITE\r\n" STD_TAIL "Content-Length: 0\r\n\r\n",
	    "does not match request method NEWMETHOD", 400);
	/* bigcode: response code beyond 699: drop */
	BAD("SIP/2.0 4294967301 better not break the receiver\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\r\n"
	    "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\r\n"
	    "CSeq: 353494 INVITE\r\nFrom: <sip:user@example.com>;tag=39ansfi3\r\n"
	    "To: <sip:user@example.edu>;tag=902jndnke3\r\nContent-Length: 0\r\n\r\n",
	    "malformed status line", 0);
	/* insuf (3.3.1): no Call-ID, From or To: 400 */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "CSeq: 193942 INVITE\r\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\n"
	    "Content-Type: application/sdp\r\nl: 0\r\n\r\n", "missing From header", 400);
	/* multi01 (3.3.8): several values in single-value fields: 400 */
	BAD("INVITE sip:user@company.com SIP/2.0\r\n"
	    "Contact: <sip:caller@host25.example.net>\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw\r\nMax-Forwards: 70\r\n"
	    "CSeq: 5 INVITE\r\nCall-ID: multi01.98asdh@192.0.2.1\r\n"
	    "CSeq: 59 INVITE\r\nCall-ID: multi01.98asdh@192.0.2.2\r\n"
	    "From: sip:caller@example.com;tag=3413415\r\nTo: sip:user@example.com\r\n"
	    "To: sip:other@example.net\r\nFrom: sip:caller@example.net;tag=2923420123\r\n"
	    "Content-Length: 0\r\n\r\n", "multiple CSeq headers", 400);
	/* mcl01 (3.3.9): two Content-Length values: 400 */
	BAD("OPTIONS sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\r\n"
	    "To: <sip:user@example.com>\r\nFrom: <sip:other@example.net>;tag=3923942\r\n"
	    "Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf\r\nCSeq: 15932 OPTIONS\r\n"
	    "Content-Length: 13\r\nMax-Forwards: 60\r\nContent-Length: 5\r\n"
	    "Content-Type: text/plain\r\n\r\nThere's no way to know how many octets are supposed to be here.\r\n",
	    "multiple Content-Length headers", 400);
	/* a Via with neither host nor branch: no response can be formed */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=1\r\n"
	    "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n", "missing Via header", 0);
	/* a line that is not a header: drop */
	BAD("INVITE sip:user@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nthis is not a header\r\n\r\n",
	    "malformed header line", 0);
}

/* RFC 4475 cases that parse but need an answer from a higher layer. */
static void test_semantic(void **state)
{
	struct sip_msg *m;

	/* badbranch (3.2.1-style): a branch that is only the magic cookie:
	 * valid syntax; the transaction layer must cope */
	m = OK("OPTIONS sip:user@example.com SIP/2.0\r\n"
	       "To: sip:user@example.com\r\nFrom: sip:caller@example.org;tag=33242\r\n"
	       "Max-Forwards: 3\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK\r\n"
	       "Accept: application/sdp\r\nCall-ID: badbranch.sadonfo23i420jv0as0derf3j3n\r\n"
	       "CSeq: 8 OPTIONS\r\nl: 0\r\n\r\n");
	assert_string_equal(m->via[0].branch, "z9hG4bK");
	sip_msg_free(m);
	/* unkscm (3.3.2): unknown Request-URI scheme: parsed, answered 416 */
	m = OK("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\r\n"
	       "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=384\r\n"
	       "Max-Forwards: 3\r\nCall-ID: unkscm.nasdfasser0q239nwsdfasdkl34\r\n"
	       "CSeq: 3923423 OPTIONS\r\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\r\n"
	       "Content-Length: 0\r\n\r\n");
	assert_null(m->ruri);
	assert_string_equal(m->ruri_text, "nobodyKnowsThisScheme:totallyopaquecontent");
	roundtrip(m);
	sip_msg_free(m);
	/* novelsc (3.3.3): a known but atypical scheme: parsed, answered 416 */
	m = OK("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\r\n"
	       "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=384\r\n"
	       "Max-Forwards: 3\r\nCall-ID: novelsc.asdfasser0q239nwsdfasdkl34\r\n"
	       "CSeq: 3923423 OPTIONS\r\nVia: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw342\r\n"
	       "Content-Length: 0\r\n\r\n");
	assert_null(m->ruri);
	sip_msg_free(m);
	/* unksm2 (3.3.4): unknown schemes in To, From, Contact: parsed */
	m = OK("REGISTER sip:example.com SIP/2.0\r\n"
	       "To: isbn:2983792873\r\nFrom: <http://www.example.com>;tag=3234233\r\n"
	       "Call-ID: unksm2.daksdj@hyphenated-host.example.com\r\nCSeq: 234902 REGISTER\r\n"
	       "Max-Forwards: 70\r\nVia: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw\r\n"
	       "Contact: <name:John_Smith>\r\nl: 0\r\n\r\n");
	assert_null(m->to->uri);
	assert_string_equal(m->to->uri_text, "isbn:2983792873");
	assert_string_equal(m->from->tag, "3234233");
	assert_null(m->contact.v[0].uri);
	sip_msg_free(m);
	/* bext01 (3.3.5): unknown Require and Proxy-Require: parsed, 420 */
	m = OK("OPTIONS sip:user@example.com SIP/2.0\r\n"
	       "To: sip:j_user@example.com\r\nFrom: sip:caller@example.net;tag=242etr\r\n"
	       "Max-Forwards: 6\r\nCall-ID: bext01.0ha0isndaksdj\r\n"
	       "Require: nothingSupportsThis, nothingSupportsThisEither\r\n"
	       "Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\r\n"
	       "CSeq: 8 OPTIONS\r\nVia: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw\r\n"
	       "Supported: 100rel,  timer ,replaces\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(m->require.n, 2);
	assert_string_equal(m->require.v[1], "nothingSupportsThisEither");
	assert_int_equal(m->proxy_require.n, 2);
	assert_int_equal(m->supported.n, 3);
	assert_string_equal(m->supported.v[1], "timer");
	sip_msg_free(m);
	/* zeromf (3.3.11): Max-Forwards 0: parsed (a proxy answers 483) */
	m = OK("OPTIONS sip:user@example.com SIP/2.0\r\n"
	       "To: sip:user@example.com\r\nFrom: sip:caller@example.net;tag=3ghsd41\r\n"
	       "Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas\r\nCSeq: 39234321 OPTIONS\r\n"
	       "Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i\r\n"
	       "Max-Forwards: 0\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(m->max_forwards, 0);
	sip_msg_free(m);
	/* regescrt (3.3.14): escaped headers inside a <> Contact: parsed */
	m = OK("REGISTER sip:example.com SIP/2.0\r\n"
	       "To: sip:user@example.com\r\nFrom: sip:user@example.com;tag=8\r\n"
	       "Max-Forwards: 70\r\nCall-ID: regescrt.k345asrl3fdbv@192.0.2.1\r\n"
	       "CSeq: 14398234 REGISTER\r\nVia: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\r\n"
	       "M: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\r\nL:0\r\n\r\n");
	assert_string_equal(sip_uri_header(m->contact.v[0].uri, "Route"), "%3Csip:sip.example.com%3E");
	sip_msg_free(m);
	/* bcast (3.3.10): a 200 with a broadcast received=: parsed */
	m = OK("SIP/2.0 200 OK\r\n"
	       "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923;received=255.255.255.255\r\n"
	       "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\r\n"
	       "Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf\r\nCSeq: 35 INVITE\r\n"
	       "From: sip:user@example.com;tag=11141343\r\nTo: sip:user@example.edu;tag=2229\r\n"
	       "Content-Length: 0\r\n\r\n");
	assert_string_equal(m->via[0].received, "255.255.255.255");
	sip_msg_free(m);
	/* inv2543 (3.4.1): RFC 2543 style, no branch, no Max-Forwards, no tag */
	m = OK("INVITE sip:UserB@example.com SIP/2.0\r\n"
	       "Via: SIP/2.0/UDP iftgw.example.com\r\n"
	       "From: <sip:+13035551111@ift.client.example.net;user=phone>\r\n"
	       "Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>\r\n"
	       "To: sip:+16505552222@ss1.example.net;user=phone\r\n"
	       "Call-ID: inv2543.1717@ift.client.example.com\r\nCSeq: 56 INVITE\r\n"
	       "Content-Length: 0\r\n\r\n");
	assert_null(m->via[0].branch);
	assert_null(m->from->tag);
	assert_int_equal(m->max_forwards, -1);
	/* without <>, ";user=phone" is a header parameter (RFC 3261 20) */
	assert_null(sip_uri_param(m->to->uri, "user"));
	assert_string_equal(sip_param_get(m->to->params, m->to->nparams, "user"), "phone");
	assert_string_equal(sip_uri_param(m->from->uri, "user"), "phone");
	assert_int_equal(m->record_route.n, 1);
	sip_msg_free(m);
}

static void test_compact_ipv6(void **state)
{
	static const char msg[] =
		"\r\n\r\nBYE sip:[2001:db8::10]:5070;transport=tls SIP/2.0\r\n"
		"v: SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bKv6;rport=5061;received=[2001:db8::9:255]\r\n"
		"f: \"A\" <sips:alice@[2001:db8::1]>;tag=a1\r\n"
		"t: <sip:bob@example.com>;tag=b2\r\n"
		"i: v6call@[2001:db8::1]\r\n"
		"CSeq: 2 BYE\r\n"
		"k: timer\r\n"
		"m: <sip:alice@[2001:db8::1]:5061;transport=tls>, <sip:alt@192.0.2.7>;q=0.1\r\n"
		"l: 0\r\n\r\n";
	struct sip_msg *m = OK(msg);
	struct buf b = BUF_INIT;

	assert_int_equal(m->method, SIP_METHOD_BYE);
	assert_string_equal(m->ruri->host, "[2001:db8::10]");
	assert_int_equal(m->ruri->host_type, SIP_HOST_IPV6);
	assert_int_equal(m->ruri->port, 5070);
	assert_string_equal(m->via[0].host, "[2001:db8::9:1]");
	assert_int_equal(m->via[0].port, 5061);
	assert_int_equal(m->via[0].rport_value, 5061);
	assert_string_equal(m->via[0].received, "[2001:db8::9:255]");
	assert_int_equal(m->from->uri->scheme, SIP_URI_SIPS);
	assert_string_equal(m->hdrs[0].name, "Via");
	assert_string_equal(m->hdrs[1].name, "From");
	assert_string_equal(m->hdrs[3].name, "Call-ID");
	assert_int_equal(m->contact.n, 2);
	assert_string_equal(m->contact.v[1].uri->host, "192.0.2.7");
	assert_int_equal(m->contact.v[1].uri->host_type, SIP_HOST_IPV4);
	assert_int_equal(sip_msg_hdr_count(m, "Contact"), 1);
	assert_int_equal(sip_msg_hdr_count(m, "m"), 1);
	assert_int_equal(m->supported.n, 1);
	assert_int_equal(sip_msg_print(m, &b), 0);
	assert_non_null(strstr(b.p, "\r\nVia: SIP/2.0/TLS [2001:db8::9:1]:5061;"));
	assert_non_null(strstr(b.p, "\r\nContent-Length: 0\r\n\r\n"));
	roundtrip(m);
	buf_free(&b);
	sip_msg_free(m);
}

static void test_limits(void **state)
{
	struct buf b = BUF_INIT;
	struct sip_msg *m = NULL;

	buf_puts(&b, "OPTIONS sip:a@example.com SIP/2.0\r\n");
	for (int i = 0; i < 129; i++)
		buf_printf(&b, "X-H%d: v\r\n", i);
	buf_puts(&b, "\r\n");
	assert_int_equal(sip_msg_parse(b.p, b.len, &m, errbuf, sizeof(errbuf)), -EINVAL);
	assert_string_equal(errbuf, "too many headers (limit 128)");
	buf_reset(&b);
	buf_puts(&b, "OPTIONS sip:a@example.com SIP/2.0\r\nX-Long: ");
	for (int i = 0; i < 9000; i++)
		buf_puts(&b, "a");
	buf_puts(&b, "\r\n\r\n");
	assert_int_equal(sip_msg_parse(b.p, b.len, &m, errbuf, sizeof(errbuf)), -EINVAL);
	assert_string_equal(errbuf, "header line too long (limit 8192)");
	buf_reset(&b);
	for (int i = 0; i < 70000; i++)
		buf_puts(&b, "x");
	assert_int_equal(sip_msg_parse(b.p, b.len, &m, errbuf, sizeof(errbuf)), -EINVAL);
	assert_string_equal(errbuf, "message larger than 64 KiB");
	assert_int_equal(sip_msg_parse("", 0, &m, errbuf, sizeof(errbuf)), -EINVAL);
	assert_int_equal(sip_msg_parse("INVITE", 6, &m, errbuf, sizeof(errbuf)), -EINVAL);
	buf_free(&b);
}

#define PING "\r\n\r\n"
#define SMALL "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n" \
	"Content-Length: 3\r\n\r\nabc"

static void test_frame(void **state)
{
	static const char two[] = SMALL SMALL;
	size_t skip = 99;
	long n;

	n = sip_stream_frame(two, sizeof(two) - 1, &skip);
	assert_int_equal(skip, 0);
	assert_int_equal(n, (sizeof(two) - 1) / 2);
	n = sip_stream_frame(two + n, sizeof(two) - 1 - (size_t)n, &skip);
	assert_int_equal(n, (sizeof(two) - 1) / 2);
	/* partial header, partial body */
	assert_int_equal(sip_stream_frame(two, 20, &skip), 0);
	assert_int_equal(sip_stream_frame(two, sizeof(SMALL) - 2, &skip), 0);
	/* keep-alive ping before a message, and a lone pong */
	static const char pinged[] = PING SMALL;
	n = sip_stream_frame(pinged, sizeof(pinged) - 1, &skip);
	assert_int_equal(skip, 4);
	assert_int_equal(n, sizeof(SMALL) - 1);
	assert_int_equal(sip_stream_frame("\r\n", 2, &skip), 0);
	assert_int_equal(skip, 2);
	assert_int_equal(sip_stream_frame(PING, 4, &skip), 0);
	assert_int_equal(skip, 4);
	/* compact and folded Content-Length */
	static const char folded[] = "BYE sip:a@b SIP/2.0\r\nl:\r\n 2\r\n\r\nhi";
	assert_int_equal(sip_stream_frame(folded, sizeof(folded) - 1, &skip), sizeof(folded) - 1);
	/* missing, duplicated, negative or huge Content-Length: error */
	static const char nocl[] = "BYE sip:a@b SIP/2.0\r\nVia: x\r\n\r\n";
	assert_int_equal(sip_stream_frame(nocl, sizeof(nocl) - 1, &skip), -EINVAL);
	static const char dup[] = "BYE sip:a@b SIP/2.0\r\nl: 0\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_stream_frame(dup, sizeof(dup) - 1, &skip), -EINVAL);
	static const char neg[] = "BYE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n";
	assert_int_equal(sip_stream_frame(neg, sizeof(neg) - 1, &skip), -EINVAL);
	static const char huge[] = "BYE sip:a@b SIP/2.0\r\nContent-Length: 100000\r\n\r\n";
	assert_int_equal(sip_stream_frame(huge, sizeof(huge) - 1, &skip), -EMSGSIZE);
	static const char vhuge[] = "BYE sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999\r\n\r\n";
	assert_int_equal(sip_stream_frame(vhuge, sizeof(vhuge) - 1, &skip), -EINVAL);
	static const char junk[] = "BYE sip:a@b SIP/2.0\r\nnot a header\r\n\r\n";
	assert_int_equal(sip_stream_frame(junk, sizeof(junk) - 1, &skip), -EINVAL);
	/* a header section that never ends */
	char *big = malloc(SIP_MSG_MAX + 10);
	memset(big, 'a', SIP_MSG_MAX + 10);
	assert_int_equal(sip_stream_frame(big, SIP_MSG_MAX + 10, &skip), -EMSGSIZE);
	free(big);
}

static void test_build(void **state)
{
	struct sip_msg *req, *resp, *p;
	struct buf b = BUF_INIT;
	char tag[SIP_TAG_SIZE], br[SIP_BRANCH_SIZE], br2[SIP_BRANCH_SIZE], cid[SIP_CALLID_SIZE];

	assert_int_equal(sip_random_tag(tag, sizeof(tag)), 0);
	assert_int_equal(strlen(tag), 16);
	assert_int_equal(sip_random_branch(br, sizeof(br)), 0);
	assert_int_equal(sip_random_branch(br2, sizeof(br2)), 0);
	assert_true(strncmp(br, "z9hG4bK", 7) == 0);
	assert_int_equal(strlen(br), 27);
	assert_string_not_equal(br, br2);
	assert_int_equal(sip_random_callid(cid, sizeof(cid)), 0);
	assert_int_equal(sip_random_tag(tag, 5), -ENOSPC);

	assert_int_equal(sip_msg_new_request(&req, SIP_METHOD_INVITE,
					     "sip:+15551234;tgrp=TG1;trunk-context=example.com@gw.example.com"), 0);
	assert_string_equal(sip_uri_user_param(req->ruri, "tgrp"), "TG1");
	assert_int_equal(sip_msg_hdr_addf(req, "Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=%s", br), 0);
	assert_int_equal(sip_msg_hdr_push(req, "v", "SIP/2.0/TCP 192.0.2.9;branch=z9hG4bKtop"), 0);
	assert_int_equal(sip_msg_hdr_add(req, "f", "<sip:alice@example.com>;tag=abc"), 0);
	assert_int_equal(sip_msg_hdr_add(req, "To", "<sip:bob@example.com>"), 0);
	assert_int_equal(sip_msg_hdr_add(req, "Call-ID", cid), 0);
	assert_int_equal(sip_msg_hdr_add(req, "CSeq", "1 INVITE"), 0);
	assert_int_equal(sip_msg_hdr_add(req, "Max-Forwards", "70"), 0);
	assert_int_equal(sip_msg_hdr_add(req, "Contact", "<sip:alice@192.0.2.1>"), 0);
	/* refused: bad values, a second single-value header, CR/LF */
	assert_int_equal(sip_msg_hdr_add(req, "Via", "garbage"), -EINVAL);
	assert_int_equal(sip_msg_hdr_add(req, "From", "<sip:x@y>"), -EINVAL);
	assert_int_equal(sip_msg_hdr_add(req, "X-A", "a\r\nInjected: 1"), -EINVAL);
	assert_int_equal(sip_msg_hdr_add(req, "Bad Name", "1"), -EINVAL);
	assert_int_equal(sip_msg_hdr_replace(req, "Max-Forwards", 0, "300"), -EINVAL);
	assert_int_equal(sip_msg_hdr_replace(req, "Max-Forwards", 0, "69"), 0);
	assert_int_equal(req->max_forwards, 69);
	assert_int_equal(sip_msg_hdr_remove(req, "X-None", 0), -ENOENT);
	assert_int_equal(req->nvia, 2);
	assert_string_equal(req->via[0].branch, "z9hG4bKtop");
	assert_int_equal(sip_msg_hdr_remove(req, "Via", 0), 0);
	assert_int_equal(req->nvia, 1);
	assert_string_equal(req->via[0].branch, br);
	assert_int_equal(sip_msg_set_body(req, sdp, sizeof(sdp) - 1, "application/sdp"), 0);
	assert_string_equal(req->content_type, "application/sdp");
	assert_int_equal(sip_msg_print(req, &b), 0);
	p = okn(b.p, b.len);
	assert_int_equal(p->body_len, sizeof(sdp) - 1);
	assert_int_equal(p->content_length, (long)(sizeof(sdp) - 1));
	assert_string_equal(p->call_id, cid);
	sip_msg_free(p);

	assert_int_equal(sip_msg_new_response(&resp, req, 180, NULL, tag), 0);
	assert_string_equal(resp->reason, "Ringing");
	assert_string_equal(resp->to->tag, tag);
	assert_string_equal(resp->from->tag, "abc");
	assert_int_equal(resp->nvia, 1);
	assert_int_equal(resp->cseq, 1);
	assert_int_equal(resp->cseq_method, SIP_METHOD_INVITE);
	assert_null(sip_msg_hdr(resp, "Contact", 0));
	buf_reset(&b);
	assert_int_equal(sip_msg_print(resp, &b), 0);
	p = okn(b.p, b.len);
	assert_int_equal(p->status, 180);
	sip_msg_free(p);
	sip_msg_free(resp);
	assert_int_equal(sip_msg_new_response(&resp, req, 700, NULL, NULL), -EINVAL);

	assert_int_equal(sip_msg_dup(&p, req), 0);
	roundtrip(p);
	sip_msg_free(p);
	assert_int_equal(sip_msg_set_ruri(req, "sip:bob@[2001:db8::2]"), 0);
	assert_int_equal(req->ruri->host_type, SIP_HOST_IPV6);
	assert_int_equal(sip_msg_set_ruri(req, "<sip:bad>"), -EINVAL);
	assert_int_equal(sip_msg_hdr_set(req, "Subject", "one"), 0);
	assert_int_equal(sip_msg_hdr_add(req, "Subject", "two"), 0);
	assert_int_equal(sip_msg_hdr_set(req, "s", "three"), 0);
	assert_int_equal(sip_msg_hdr_count(req, "Subject"), 1);
	assert_string_equal(sip_msg_hdr(req, "Subject", 0), "three");
	assert_int_equal(sip_msg_hdr_remove_all(req, "Subject"), 0);
	assert_null(sip_msg_hdr(req, "Subject", 0));
	sip_msg_free(req);

	assert_int_equal(sip_msg_new_request_name(&req, "FOO", "tel:+15551234"), 0);
	assert_int_equal(req->method, SIP_METHOD_UNKNOWN);
	assert_int_equal(sip_msg_new_request(&p, SIP_METHOD_UNKNOWN, "sip:a@b"), -EINVAL);
	sip_msg_free(req);
	buf_free(&b);
}

/* The views of a after edits equal those of a fresh parse of its text: the
 * edits rebuild only the view of the header they touch. */
static void same_views(const struct sip_msg *a)
{
	struct buf b = BUF_INIT;
	assert_int_equal(sip_msg_print(a, &b), 0);
	struct sip_msg *c = okn(b.p, b.len);
	assert_int_equal(a->nvia, c->nvia);
	for (size_t i = 0; i < a->nvia; i++) {
		assert_string_equal(a->via[i].host, c->via[i].host);
		assert_int_equal(a->via[i].port, c->via[i].port);
		assert_string_equal(a->via[i].branch ? a->via[i].branch : "-", c->via[i].branch ? c->via[i].branch : "-");
	}
	assert_string_equal(a->from->uri_text, c->from->uri_text);
	assert_string_equal(a->from->tag ? a->from->tag : "-", c->from->tag ? c->from->tag : "-");
	assert_string_equal(a->to->uri_text, c->to->uri_text);
	assert_string_equal(a->to->tag ? a->to->tag : "-", c->to->tag ? c->to->tag : "-");
	assert_string_equal(a->call_id, c->call_id);
	assert_int_equal(a->cseq, c->cseq);
	assert_int_equal(a->cseq_method, c->cseq_method);
	assert_int_equal(a->contact.n, c->contact.n);
	for (size_t i = 0; i < a->contact.n; i++)
		assert_string_equal(a->contact.v[i].uri_text, c->contact.v[i].uri_text);
	assert_int_equal(a->route.n, c->route.n);
	for (size_t i = 0; i < a->route.n; i++)
		assert_string_equal(a->route.v[i].uri_text, c->route.v[i].uri_text);
	assert_int_equal(a->record_route.n, c->record_route.n);
	assert_int_equal(a->max_forwards, c->max_forwards);
	assert_int_equal(a->expires, c->expires);
	assert_string_equal(a->content_type ? a->content_type : "-", c->content_type ? c->content_type : "-");
	assert_int_equal(a->supported.n, c->supported.n);
	assert_int_equal(a->require.n, c->require.n);
	sip_msg_free(c);
	buf_free(&b);
}

static void test_edit_views(void **state)
{
	struct sip_msg *m;
	assert_int_equal(sip_msg_new_request(&m, SIP_METHOD_INVITE, "sip:bob@example.com"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "Via", "SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bKa"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "From", "<sip:alice@example.com>;tag=f1"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "To", "<sip:bob@example.com>"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "Call-ID", "c1@example.com"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "CSeq", "7 INVITE"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "X-Other", "anything; at all"), 0);
	same_views(m);
	/* lists: a second field appended, another inserted in front */
	assert_int_equal(sip_msg_hdr_add(m, "Route", "<sip:p1.example.com;lr>"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "Route", "<sip:p2.example.com;lr>, <sip:p3.example.com;lr>"), 0);
	assert_int_equal(m->route.n, 3);
	assert_int_equal(sip_msg_hdr_insert(m, 0, "Via", "SIP/2.0/TLS 192.0.2.2;branch=z9hG4bKb"), 0);
	assert_int_equal(m->nvia, 2);
	assert_string_equal(m->via[0].branch, "z9hG4bKb");
	assert_int_equal(sip_msg_hdr_add(m, "Supported", "timer, 100rel"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "k", "replaces"), 0);
	assert_int_equal(m->supported.n, 3);
	assert_int_equal(sip_msg_hdr_add(m, "Contact", "<sip:alice@192.0.2.1;transport=tls>"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "Max-Forwards", "70"), 0);
	assert_int_equal(sip_msg_hdr_add(m, "Expires", "300"), 0);
	same_views(m);
	/* a refused first field leaves no header and no view */
	assert_int_equal(sip_msg_hdr_add(m, "Record-Route", "<sip:ok.example.com>, garbage<"), -EINVAL);
	assert_null(sip_msg_hdr(m, "Record-Route", 0));
	assert_int_equal(m->record_route.n, 0);
	assert_int_equal(sip_msg_hdr_add(m, "Require", "a b"), -EINVAL);
	assert_int_equal(m->require.n, 0);
	assert_int_equal(sip_msg_hdr_add(m, "Date", "Sat, 13 Nov 2010 23:29:00 PST"), -EINVAL);
	assert_int_equal(sip_msg_hdr_add(m, "Date", "Sat, 13 Nov 2010 23:29:00 GMT"), 0);
	/* a refused second field leaves the first */
	assert_int_equal(sip_msg_hdr_add(m, "Via", "SIP/2.0/UDP"), -EINVAL);
	assert_int_equal(m->nvia, 2);
	same_views(m);
	/* replace, remove, set */
	assert_int_equal(sip_msg_hdr_replace(m, "To", 0, "<sip:carol@example.com>;tag=t9"), 0);
	assert_string_equal(m->to->tag, "t9");
	assert_int_equal(sip_msg_hdr_remove(m, "Route", 0), 0);
	assert_int_equal(m->route.n, 2);
	assert_int_equal(sip_msg_hdr_remove_all(m, "Supported"), 0);
	assert_int_equal(m->supported.n, 0);
	assert_int_equal(sip_msg_hdr_set(m, "Contact", "<sip:alice@192.0.2.9>"), 0);
	assert_int_equal(m->contact.n, 1);
	assert_int_equal(sip_msg_set_body(m, sdp, sizeof(sdp) - 1, "application/sdp"), 0);
	same_views(m);
	assert_int_equal(sip_msg_hdr_remove(m, "v", 0), 0);
	assert_string_equal(m->via[0].branch, "z9hG4bKa");
	same_views(m);

	/* responses take copies of the request's views (To parsed again when a
	 * tag is added): the same as parsing their text */
	struct sip_msg *r, *q = OK("INVITE sip:bob@192.0.2.4 SIP/2.0\r\n"
				   "v: SIP/2.0/TLS 192.0.2.1;branch=z9hG4bKq1;rport=5061;received=192.0.2.99, "
				   "SIP/2.0/UDP [2001:db8::7]:5070;branch=z9hG4bKq2\r\n"
				   "Via: SIP/2.0/UDP 198.51.100.3;branch=z9hG4bKq3\r\n"
				   "From: \"Alice A\" <sips:alice@example.com;transport=tls>;tag=fa;x=1\r\n"
				   "To: <tel:+15551234;phone-context=example.com>\r\n"
				   "Call-ID: q@x\r\nCSeq: 9 INVITE\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(sip_msg_new_response(&r, q, 180, NULL, "tt1"), 0);
	same_views(r);
	assert_int_equal(r->nvia, 3);
	assert_string_equal(r->via[0].received, "192.0.2.99");
	assert_int_equal(r->via[0].rport_value, 5061);
	assert_string_equal(r->via[1].host, "[2001:db8::7]");
	assert_string_equal(r->from->display, "Alice A");
	assert_string_equal(r->from->tag, "fa");
	assert_string_equal(r->to->tag, "tt1");
	assert_string_equal(r->cseq_method_name, "INVITE");
	sip_msg_free(r);
	assert_int_equal(sip_msg_new_response(&r, q, 100, NULL, NULL), 0);
	same_views(r);
	assert_null(r->to->tag);
	assert_non_null(r->to->uri);
	sip_msg_free(r);
	sip_msg_free(q);
	assert_int_equal(sip_msg_new_response(&r, m, 200, NULL, "x"), 0);
	same_views(r);
	assert_string_equal(r->to->tag, "t9"); /* had a tag: kept */
	sip_msg_free(r);
	sip_msg_free(m);
}

/* sip_msg_ref: every owner frees; the last one releases the message (the
 * ASan build checks there is neither a leak nor a double free). */
static void test_ref(void **state)
{
	struct sip_msg *m = OK("BYE sip:bob@192.0.2.4 SIP/2.0\r\n"
			       "Via: SIP/2.0/TLS 192.0.2.1;branch=z9hG4bKr\r\n"
			       "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\n"
			       "Call-ID: r@x\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
	struct sip_msg *a = sip_msg_ref(m), *b = sip_msg_ref(m);
	assert_ptr_equal(a, m);
	assert_ptr_equal(b, m);
	sip_msg_free(m);
	assert_string_equal(a->call_id, "r@x");
	sip_msg_free(a);
	assert_string_equal(b->via[0].branch, "z9hG4bKr");
	struct sip_msg *d = NULL;
	assert_int_equal(sip_msg_dup(&d, b), 0);
	assert_int_equal(d->refs, 0);
	sip_msg_free(b);
	sip_msg_free(d);
}

static void test_names(void **state)
{
	assert_int_equal(sip__names_check(), 0);
	enum sip__hid id;
	assert_string_equal(sip__canon_name("RECORD-route", 12, &id), "Record-Route");
	assert_int_equal(id, H_RECORD_ROUTE);
	assert_string_equal(sip__canon_name("L", 1, &id), "Content-Length");
	assert_null(sip__canon_name("X-Route", 7, &id));
	assert_int_equal(id, H_OTHER);
	assert_null(sip__canon_name("g", 1, &id));
	assert_null(sip__canon_name("-", 1, &id));
	assert_int_equal(sip__tokenc('~'), 1);
	assert_int_equal(sip__tokenc('('), 0);
	assert_int_equal(sip__unreserved('('), 1);
	assert_int_equal(sip__unreserved('%'), 0);
	assert_int_equal(sip__tokenc(0xe9), 0);
	assert_string_equal(sip_method_name(SIP_METHOD_SUBSCRIBE), "SUBSCRIBE");
	assert_int_equal(sip_method_from_str("PRACK"), SIP_METHOD_PRACK);
	assert_int_equal(sip_method_from_str("invite"), SIP_METHOD_UNKNOWN);
	assert_int_equal(sip_method_from_str("INVITEX"), SIP_METHOD_UNKNOWN);
	assert_string_equal(sip_reason_phrase(481), "Call/Transaction Does Not Exist");
	assert_string_equal(sip_reason_phrase(299), "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wsinv),     cmocka_unit_test(test_intmeth),
		cmocka_unit_test(test_esc01),     cmocka_unit_test(test_escnull),
		cmocka_unit_test(test_esc02),     cmocka_unit_test(test_lwsdisp),
		cmocka_unit_test(test_longreq),   cmocka_unit_test(test_dblreq),
		cmocka_unit_test(test_semiuri),   cmocka_unit_test(test_transports),
		cmocka_unit_test(test_mpart01),   cmocka_unit_test(test_unreason),
		cmocka_unit_test(test_noreason),  cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_semantic),  cmocka_unit_test(test_compact_ipv6),
		cmocka_unit_test(test_limits),    cmocka_unit_test(test_frame),
		cmocka_unit_test(test_build),     cmocka_unit_test(test_names),
		cmocka_unit_test(test_edit_views), cmocka_unit_test(test_ref),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
