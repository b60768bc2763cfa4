/* tls.c - TLS sessions on a connected non-blocking socket, with GnuTLS:
 * handshake step function, peer verification with a precise reason,
 * read/write/bye, connection info, NSS key log and the debug hook.
 * See tls.h.  The socket is the caller's; so is the event loop. */
#include "sip/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct tls_conn {
	struct tls_policy *pol;     /* one reference */
	gnutls_session_t s;         /* owned */
	int fd;                     /* not owned */
	unsigned id;
	bool server;
	bool done, failed;
	int gerr;                   /* fatal GnuTLS code */
	enum tls_want want;
	bool peer_eof;              /* recv() returned 0 */
	int io_errno;               /* last send/recv errno */
	unsigned char *ra;          /* owned: bytes read ahead of GnuTLS, NULL when none */
	size_t ra_off, ra_len;
	bool drained;               /* the last recv() found the socket emptied */
	bool cr_sent, cr_received;
	bool verify_failed;
	int alert;                  /* alert chosen by our verification, -1 none */
	bool sh_seen;               /* ServerHello sent / received and accepted */
	uint16_t sh_version;        /* ServerHello legacy_version, 0 = none seen */
	uint8_t sh_suite[2];        /* the suite it chose */
	int alert_rx, alert_tx;     /* fatal alerts of the failed handshake, -1 none */
	char *check;                /* owned: the verification check that failed, NULL */
	struct tls_hello hello;     /* ClientHello as received (server) */
	char name[TLS_NAME_LEN];    /* expected name / SNI (client) */
	char verify[TLS_REASON_LEN];
	char reason[TLS_REASON_LEN];
};

static tls_debug_fn debug_fn;
static pthread_mutex_t keylog_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *keylog_fp;

static void dbg(const struct tls_conn *c, enum tls_debug_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void dbg(const struct tls_conn *c, enum tls_debug_kind k, const char *fmt, ...)
{
	char line[TLS_REASON_LEN + 128];
	va_list ap;

	if (!debug_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	debug_fn(k, c->id, line);
}

void tls_set_debug(tls_debug_fn fn)
{
	debug_fn = fn;
}

int tls_keylog_set(const char *path)
{
	FILE *fp = NULL, *old;

	if (path && *path) {
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd < 0)
			return -errno;
		fp = fdopen(fd, "a");
		if (!fp) {
			int e = errno;

			close(fd);
			return -e;
		}
	}
	pthread_mutex_lock(&keylog_lock);
	old = keylog_fp;
	keylog_fp = fp;
	pthread_mutex_unlock(&keylog_lock);
	if (old)
		fclose(old);
	return 0;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* NSS key log line: LABEL <client random> <secret>. */
static int keylog_cb(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
	gnutls_datum_t cr, sr;
	char rnd[65], *sec;

	if (!keylog_fp || secret->size > 256)
		return 0;
	gnutls_session_get_random(s, &cr, &sr);
	if (cr.size != 32)
		return 0;
	sec = malloc(2 * (size_t)secret->size + 1);
	if (!sec)
		return 0;
	hex(cr.data, 32, rnd);
	hex(secret->data, secret->size, sec);
	pthread_mutex_lock(&keylog_lock);
	if (keylog_fp) {
		fprintf(keylog_fp, "%s %s %s\n", label, rnd, sec);
		fflush(keylog_fp);
	}
	pthread_mutex_unlock(&keylog_lock);
	gnutls_memset(sec, 0, 2 * (size_t)secret->size);
	free(sec);
	return 0;
}

/* Transport: send without SIGPIPE, and remember EOF / errno for the reason. */
static ssize_t push_cb(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct tls_conn *c = ptr;
	ssize_t r = send(c->fd, buf, len, MSG_NOSIGNAL);

	if (r < 0) {
		c->io_errno = errno;
		gnutls_transport_set_errno(c->s, errno);
	}
	return r;
}

/* GnuTLS pulls a record in two reads (the 5-byte header, then the rest), and
 * a reader loops until EAGAIN: three recv() per SIP message.  So one recv()
 * takes what the socket holds into a stack buffer; what GnuTLS did not ask for
 * yet is kept in c->ra (heap, only while it holds bytes), and c->drained tells
 * whether the socket was emptied (tls_session_more). */
#define TLS_READ_AHEAD (16384 + 2048 + 5)  /* one TLS 1.2 record at most */

static ssize_t pull_cb(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct tls_conn *c = ptr;
	unsigned char tmp[TLS_READ_AHEAD];

	if (c->ra) {
		size_t n = c->ra_len - c->ra_off;
		if (n > len)
			n = len;
		memcpy(buf, c->ra + c->ra_off, n);
		c->ra_off += n;
		if (c->ra_off == c->ra_len) {
			free(c->ra);
			c->ra = NULL;
			c->ra_off = c->ra_len = 0;
		}
		return (ssize_t)n;
	}
	bool direct = len >= sizeof(tmp);
	size_t want = direct ? len : sizeof(tmp);
	ssize_t r = recv(c->fd, direct ? buf : tmp, want, 0);

	if (r == 0)
		c->peer_eof = true;
	if (r < 0) {
		c->io_errno = errno;
		c->drained = errno == EAGAIN || errno == EWOULDBLOCK;
		gnutls_transport_set_errno(c->s, errno);
		return r;
	}
	c->drained = (size_t)r < want;
	if (direct || (size_t)r <= len) {
		if (!direct)
			memcpy(buf, tmp, (size_t)r);
		return r;
	}
	if (!(c->ra = malloc((size_t)r - len))) {
		c->io_errno = ENOMEM;
		gnutls_transport_set_errno(c->s, ENOMEM);
		return -1;
	}
	memcpy(buf, tmp, len);
	c->ra_len = (size_t)r - len;
	c->ra_off = 0;
	memcpy(c->ra, tmp + len, c->ra_len);
	return (ssize_t)len;
}

static int pull_timeout_cb(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct tls_conn *c = ptr;
	if (c->ra)
		return 1;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int r = poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);

	if (r < 0)
		gnutls_transport_set_errno(c->s, errno);
	return r;
}

static const char *hs_name(unsigned t)
{
	const char *n = gnutls_handshake_description_get_name((gnutls_handshake_description_t)t);

	return n ? n : "unknown";
}

static int hook_cb(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
		   const gnutls_datum_t *msg)
{
	struct tls_conn *c = gnutls_session_get_ptr(s);

	if (htype == GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST) {
		if (incoming)
			c->cr_received = true;
		else
			c->cr_sent = true;
	}
	if (htype == GNUTLS_HANDSHAKE_SERVER_HELLO && msg && msg->size >= 38 &&
	    incoming == !c->server && when == (incoming ? GNUTLS_HOOK_PRE : GNUTLS_HOOK_POST)) {
		/* legacy_version(2) random(32) session_id<0..32> cipher_suite(2) */
		size_t off = 35 + msg->data[34];

		c->sh_version = (uint16_t)(msg->data[0] << 8 | msg->data[1]);
		if (off + 2 <= msg->size)
			memcpy(c->sh_suite, msg->data + off, 2);
	}
	if (htype == GNUTLS_HANDSHAKE_SERVER_HELLO && when == GNUTLS_HOOK_POST)
		c->sh_seen = true;
	if (incoming && when == GNUTLS_HOOK_PRE && c->server &&
	    htype == GNUTLS_HANDSHAKE_CLIENT_HELLO && msg && !c->hello.parsed)
		(void)tls_hello_parse(msg->data, msg->size, &c->hello);
	if ((incoming && when == GNUTLS_HOOK_PRE) || (!incoming && when == GNUTLS_HOOK_POST))
		dbg(c, TLS_DEBUG_MSG, "TLS %s %s %s (%u bytes)", c->server ? "server" : "client",
		    incoming ? "<<<" : ">>>", hs_name(htype), msg ? msg->size : 0);
	return 0;
}

/* Keep which verification check failed, for the failure's detail. */
static void fail_check(struct tls_conn *c, unsigned status, const gnutls_x509_crt_t *chain, size_t n,
		       const char *names)
{
	char buf[TLS_FAIL_LONG];
	bool check_name = !c->server && c->name[0] && tls_policy_validates_server_name(c->pol);

	tls_check_text(status, chain, n, names ? names : check_name ? c->name : NULL,
		       tls_policy_crl_issuer(c->pol, c->server), tls_policy_trustpoint(c->pol),
		       c->server, time(NULL), buf, sizeof(buf));
	free(c->check);
	c->check = strdup(buf);
}

/* Peer certificate verification, called by GnuTLS when the Certificate
 * message has been received. */
static int verify_cb(gnutls_session_t s)
{
	struct tls_conn *c = gnutls_session_get_ptr(s);
	gnutls_typed_vdata_st data[2];
	const gnutls_datum_t *raw;
	gnutls_x509_crt_t chain[TLS_INFO_MAX_CHAIN + 10];
	unsigned n_raw = 0, status = 0, nd = 0;
	size_t n = 0;
	bool check_name = !c->server && c->name[0] && tls_policy_validates_server_name(c->pol);
	char names[TLS_REASON_LEN];
	int r, ret = 0;

	if (!c->server) {
		data[nd].type = GNUTLS_DT_KEY_PURPOSE_OID;
		data[nd].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
		data[nd++].size = 0;
		if (check_name) {
			data[nd].type = GNUTLS_DT_DNS_HOSTNAME;
			data[nd].data = (unsigned char *)c->name;
			data[nd++].size = 0;
		}
	}
	raw = gnutls_certificate_get_peers(s, &n_raw);
	if (!raw || !n_raw) {
		if (c->server && tls_policy_requests_client_cert(c->pol)) {
			snprintf(c->verify, sizeof(c->verify), "client certificate required but not sent");
			goto fail;
		}
		snprintf(c->verify, sizeof(c->verify), "no certificate received");
		goto fail;
	}
	r = gnutls_certificate_verify_peers(s, nd ? data : NULL, nd, &status);
	if (r < 0) {
		snprintf(c->verify, sizeof(c->verify), "%s", gnutls_strerror(r));
		goto fail;
	}
	for (unsigned i = 0; i < n_raw && n < sizeof(chain) / sizeof(chain[0]); i++) {
		if (gnutls_x509_crt_init(&chain[n]) < 0)
			break;
		if (gnutls_x509_crt_import(chain[n], &raw[i], GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(chain[n]);
			continue;
		}
		n++;
	}
	if (status) {
		c->alert = tls_verify_reason(status, chain, n, check_name ? c->name : NULL,
					     c->verify, sizeof(c->verify));
		fail_check(c, status, chain, n, NULL);
		ret = -1;
	} else if (c->server && n && !tls_policy_client_name_ok(c->pol, chain[0], names, sizeof(names))) {
		tls_name_mismatch(chain[0], names, c->verify, sizeof(c->verify));
		c->alert = GNUTLS_A_BAD_CERTIFICATE;
		fail_check(c, GNUTLS_CERT_UNEXPECTED_OWNER, chain, n, names);
		ret = -1;
	} else {
		snprintf(c->verify, sizeof(c->verify), "ok");
	}
	for (size_t i = 0; i < n; i++)
		gnutls_x509_crt_deinit(chain[i]);
	if (ret == 0)
		return 0;
	c->verify_failed = true;
	dbg(c, TLS_DEBUG_ERROR, "TLS %s certificate verification failed: %s",
	    c->server ? "server" : "client", c->verify);
	return ret;
fail:
	c->verify_failed = true;
	if (c->alert < 0)
		c->alert = GNUTLS_A_BAD_CERTIFICATE;
	dbg(c, TLS_DEBUG_ERROR, "TLS %s certificate verification failed: %s",
	    c->server ? "server" : "client", c->verify);
	return -1;
}

static bool is_ip_literal(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

int tls_session_new(struct tls_policy *p, bool server, int fd, const char *name,
		    struct tls_conn **out)
{
	struct tls_conn *c;
	int rc = 0;

	*out = NULL;
	if (!p || fd < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->server = server;
	c->alert = c->alert_rx = c->alert_tx = -1;
	if (!server && name)
		snprintf(c->name, sizeof(c->name), "%s", name);
	if (gnutls_init(&c->s, (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NONBLOCK) < 0) {
		c->s = NULL;
		rc = -ENOMEM;
		goto out;
	}
	c->pol = tls_policy_ref(p);
	gnutls_session_set_ptr(c->s, c);
	if (gnutls_priority_set(c->s, tls_policy_prio(p)) < 0 ||
	    gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, tls_policy_cred(p, server)) < 0) {
		rc = -EINVAL;
		goto out;
	}
	if (server)
		gnutls_certificate_server_set_request(c->s, tls_policy_requests_client_cert(p)
						      ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_IGNORE);
	else if (c->name[0] && !is_ip_literal(c->name))
		(void)gnutls_server_name_set(c->s, GNUTLS_NAME_DNS, c->name, strlen(c->name));
	gnutls_session_set_verify_function(c->s, verify_cb);
	gnutls_handshake_set_hook_function(c->s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_BOTH, hook_cb);
	gnutls_session_set_keylog_function(c->s, keylog_cb);
	gnutls_handshake_set_timeout(c->s, 0); /* the transport times the handshake */
	gnutls_transport_set_ptr(c->s, c);
	gnutls_transport_set_push_function(c->s, push_cb);
	gnutls_transport_set_pull_function(c->s, pull_cb);
	gnutls_transport_set_pull_timeout_function(c->s, pull_timeout_cb);
	*out = c;
	c = NULL;
out:
	tls_session_free(c);
	return rc;
}

void tls_session_free(struct tls_conn *c)
{
	if (!c)
		return;
	if (c->s)
		gnutls_deinit(c->s);
	tls_policy_unref(c->pol);
	free(c->ra);
	free(c->check);
	free(c);
}

void tls_session_set_id(struct tls_conn *c, unsigned id)
{
	c->id = id;
}

enum tls_want tls_session_want(const struct tls_conn *c)
{
	return c->want;
}

const char *tls_session_reason(const struct tls_conn *c)
{
	return c->reason;
}

int tls_session_gnutls_error(const struct tls_conn *c)
{
	return c->gerr;
}

static bool closed_by_peer(const struct tls_conn *c, int r)
{
	if (r == GNUTLS_E_PREMATURE_TERMINATION || r == GNUTLS_E_UNEXPECTED_PACKET_LENGTH)
		return c->peer_eof || r == GNUTLS_E_PREMATURE_TERMINATION;
	if (r == GNUTLS_E_PULL_ERROR || r == GNUTLS_E_PUSH_ERROR)
		return c->peer_eof || c->io_errno == ECONNRESET || c->io_errno == EPIPE;
	return false;
}

/* The one reason for a failed handshake. */
static void classify(struct tls_conn *c, int r)
{
	const char *fixed = NULL;

	if (c->verify_failed) {
		fixed = c->verify;
	} else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		gnutls_alert_description_t a = gnutls_alert_get(c->s);
		const char *an = gnutls_alert_get_name(a);

		c->alert_rx = (int)a;
		if (a == GNUTLS_A_PROTOCOL_VERSION)
			fixed = "protocol version";
		else if (!c->server && c->cr_received && !gnutls_certificate_get_ours(c->s) &&
			 (a == GNUTLS_A_HANDSHAKE_FAILURE || a == GNUTLS_A_CERTIFICATE_REQUIRED ||
			  a == GNUTLS_A_BAD_CERTIFICATE))
			fixed = "client certificate required but not sent";
		else
			snprintf(c->reason, sizeof(c->reason), "peer sent alert: %s", an ? an : "unknown");
	} else if (r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET) {
		fixed = "protocol version";
	} else if (r == GNUTLS_E_NO_CERTIFICATE_FOUND || r == GNUTLS_E_CERTIFICATE_REQUIRED) {
		fixed = c->server ? "client certificate required but not sent" : NULL;
	} else if (r == GNUTLS_E_NO_CIPHER_SUITES || r == GNUTLS_E_UNKNOWN_CIPHER_SUITE ||
		   r == GNUTLS_E_INSUFFICIENT_SECURITY || r == GNUTLS_E_NO_COMMON_KEY_SHARE ||
		   r == GNUTLS_E_ECC_NO_SUPPORTED_CURVES || r == GNUTLS_E_UNWANTED_ALGORITHM) {
		fixed = c->server && c->hello.parsed ? tls_hello_mismatch(c->pol, &c->hello)
			: r == GNUTLS_E_NO_COMMON_KEY_SHARE || r == GNUTLS_E_ECC_NO_SUPPORTED_CURVES
			? "no shared curve" : "no shared cipher";
	} else if (closed_by_peer(c, r)) {
		fixed = "connection closed by peer during handshake";
	}
	if (fixed)
		snprintf(c->reason, sizeof(c->reason), "%s", fixed);
	else if (!c->reason[0])
		snprintf(c->reason, sizeof(c->reason), "%s", gnutls_strerror(r));
}

/* The fatal alert that matches what we detected (best effort: the socket
 * may not take it now; the reason stays right either way). */
static void send_alert(struct tls_conn *c, int r)
{
	int a = c->alert;

	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED || closed_by_peer(c, r))
		return;
	if (a < 0) {
		if (!strcmp(c->reason, "protocol version"))
			a = GNUTLS_A_PROTOCOL_VERSION;
		else if (!strcmp(c->reason, "no shared cipher") || !strcmp(c->reason, "no shared curve"))
			a = GNUTLS_A_HANDSHAKE_FAILURE;
		else if (!strcmp(c->reason, "client certificate required but not sent"))
			a = gnutls_protocol_get_version(c->s) == GNUTLS_TLS1_3
				? GNUTLS_A_CERTIFICATE_REQUIRED : GNUTLS_A_HANDSHAKE_FAILURE;
	}
	if (a < 0) {
		int level = 0, e = gnutls_error_to_alert(r, &level);

		if (e >= 0 && level == GNUTLS_AL_FATAL)
			a = e;
	}
	if (a >= 0) {
		c->alert_tx = a;
		(void)gnutls_alert_send(c->s, GNUTLS_AL_FATAL, (gnutls_alert_description_t)a);
	} else {
		(void)gnutls_alert_send_appropriate(c->s, r);
	}
}

int tls_session_handshake(struct tls_conn *c)
{
	int r;

	if (c->done)
		return 0;
	if (c->failed)
		return -EPROTO;
	for (;;) {
		r = gnutls_handshake(c->s);
		if (r == GNUTLS_E_SUCCESS) {
			c->done = true;
			c->want = TLS_WANT_NONE;
			if (debug_fn) {
				char *desc = gnutls_session_get_desc(c->s);

				dbg(c, TLS_DEBUG_STATE, "TLS %s handshake complete: %s",
				    c->server ? "server" : "client", desc ? desc : "");
				gnutls_free(desc);
			}
			return 0;
		}
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			c->want = gnutls_record_get_direction(c->s) ? TLS_WANT_WRITE : TLS_WANT_READ;
			return -EAGAIN;
		}
		if (r == GNUTLS_E_WARNING_ALERT_RECEIVED) {
			const char *an = gnutls_alert_get_name(gnutls_alert_get(c->s));

			dbg(c, TLS_DEBUG_MSG, "TLS %s <<< warning alert: %s", c->server ? "server" : "client",
			    an ? an : "unknown");
			continue;
		}
		if (!gnutls_error_is_fatal(r))
			continue;
		break;
	}
	c->failed = true;
	c->gerr = r;
	c->want = TLS_WANT_NONE;
	if (r == GNUTLS_E_MEMORY_ERROR) {
		snprintf(c->reason, sizeof(c->reason), "%s", gnutls_strerror(r));
		return -ENOMEM;
	}
	classify(c, r);
	send_alert(c, r);
	dbg(c, TLS_DEBUG_ERROR, "TLS %s handshake failed: %s (%s)", c->server ? "server" : "client",
	    c->reason, gnutls_strerror(r));
	return -EPROTO;
}

ssize_t tls_session_read(struct tls_conn *c, void *buf, size_t len)
{
	ssize_t r;

	if (!c->done)
		return -EPROTO;
	do
		r = gnutls_record_recv(c->s, buf, len);
	while (r == GNUTLS_E_INTERRUPTED);
	if (r >= 0)
		return r;
	if (r == GNUTLS_E_AGAIN) {
		c->want = gnutls_record_get_direction(c->s) ? TLS_WANT_WRITE : TLS_WANT_READ;
		return -EAGAIN;
	}
	if (r == GNUTLS_E_PREMATURE_TERMINATION && c->peer_eof)
		return 0; /* EOF without close_notify: SIP over TLS tolerates it */
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED || r == GNUTLS_E_WARNING_ALERT_RECEIVED) {
		const char *an = gnutls_alert_get_name(gnutls_alert_get(c->s));

		dbg(c, TLS_DEBUG_MSG, "TLS <<< alert: %s", an ? an : "unknown");
		if (r == GNUTLS_E_WARNING_ALERT_RECEIVED)
			return -EAGAIN;
		/* TLS 1.3: a server checks our certificate after our Finished,
		 * so its verdict arrives here as the handshake's failure */
		if (!c->server && c->cr_received && !c->reason[0])
			classify(c, (int)r);
	}
	c->gerr = (int)r;
	if (closed_by_peer(c, (int)r))
		return -ECONNRESET;
	dbg(c, TLS_DEBUG_ERROR, "TLS read: %s", gnutls_strerror((int)r));
	return -EPROTO;
}

bool tls_session_buffered(const struct tls_conn *c)
{
	return c->ra || (c->done && gnutls_record_check_pending(c->s) > 0);
}

bool tls_session_more(const struct tls_conn *c)
{
	return !c->drained || tls_session_buffered(c);
}

ssize_t tls_session_write(struct tls_conn *c, const void *buf, size_t len)
{
	ssize_t r;

	if (!c->done)
		return -EPROTO;
	do
		r = gnutls_record_send(c->s, buf, len);
	while (r == GNUTLS_E_INTERRUPTED);
	if (r >= 0)
		return r;
	if (r == GNUTLS_E_AGAIN) {
		c->want = TLS_WANT_WRITE;
		return -EAGAIN;
	}
	c->gerr = (int)r;
	if (closed_by_peer(c, (int)r))
		return -EPIPE;
	dbg(c, TLS_DEBUG_ERROR, "TLS write: %s", gnutls_strerror((int)r));
	return -EPROTO;
}

int tls_session_bye(struct tls_conn *c)
{
	int r;

	if (!c->done)
		return 0;
	do
		r = gnutls_bye(c->s, GNUTLS_SHUT_WR);
	while (r == GNUTLS_E_INTERRUPTED);
	if (r == GNUTLS_E_AGAIN) {
		c->want = TLS_WANT_WRITE;
		return -EAGAIN;
	}
	return 0;
}

static void version_name(gnutls_protocol_t v, char *buf, size_t sz)
{
	switch (v) {
	case GNUTLS_TLS1_0: snprintf(buf, sz, "TLSv1.0"); break;
	case GNUTLS_TLS1_1: snprintf(buf, sz, "TLSv1.1"); break;
	case GNUTLS_TLS1_2: snprintf(buf, sz, "TLSv1.2"); break;
	case GNUTLS_TLS1_3: snprintf(buf, sz, "TLSv1.3"); break;
	default: buf[0] = '\0'; break;
	}
}

void tls_session_info(const struct tls_conn *c, struct tls_conn_info *o)
{
	const gnutls_datum_t *raw;
	unsigned n_raw = 0;
	time_t now = time(NULL);

	memset(o, 0, sizeof(*o));
	o->server = c->server;
	o->established = c->done;
	o->cert_request_sent = c->cr_sent;
	o->cert_request_received = c->cr_received;
	o->cert_sent = gnutls_certificate_get_ours(c->s) != NULL;
	snprintf(o->reason, sizeof(o->reason), "%s", c->reason);
	snprintf(o->trustpoint, sizeof(o->trustpoint), "%s", tls_policy_trustpoint(c->pol));
	if (c->verify[0])
		snprintf(o->verify, sizeof(o->verify), "%s", c->verify);
	else
		snprintf(o->verify, sizeof(o->verify), "%s", c->server && !tls_policy_requests_client_cert(c->pol)
			 ? "not requested" : "not done");
	if (c->server) {
		size_t sz = sizeof(o->sni);
		unsigned type;

		if (gnutls_server_name_get(c->s, o->sni, &sz, &type, 0) < 0 || type != GNUTLS_NAME_DNS)
			snprintf(o->sni, sizeof(o->sni), "%s", c->hello.sni);
	} else if (c->name[0] && !is_ip_literal(c->name)) {
		snprintf(o->sni, sizeof(o->sni), "%s", c->name);
	}
	if (c->done) {
		const char *cs = gnutls_ciphersuite_get(c->s);
		const char *gn = gnutls_cipher_suite_get_name(gnutls_kx_get(c->s), gnutls_cipher_get(c->s),
							      gnutls_mac_get(c->s));

		version_name(gnutls_protocol_get_version(c->s), o->version, sizeof(o->version));
		snprintf(o->cipher, sizeof(o->cipher), "%s", cs ? cs : "");
		if (gn)
			snprintf(o->cipher_gnutls, sizeof(o->cipher_gnutls), "%s", gn);
		else
			snprintf(o->cipher_gnutls, sizeof(o->cipher_gnutls), "%s",
				 gnutls_cipher_get_name(gnutls_cipher_get(c->s)));
		snprintf(o->curve, sizeof(o->curve), "%s", tls_group_cfg_name(gnutls_group_get(c->s)));
	}
	raw = gnutls_certificate_get_peers(c->s, &n_raw);
	for (unsigned i = 0; raw && i < n_raw && o->n_peer < TLS_INFO_MAX_CHAIN; i++) {
		gnutls_x509_crt_t crt;

		if (gnutls_x509_crt_init(&crt) < 0)
			break;
		if (gnutls_x509_crt_import(crt, &raw[i], GNUTLS_X509_FMT_DER) >= 0)
			tls_cert_describe(crt, now, &o->peer[o->n_peer++]);
		gnutls_x509_crt_deinit(crt);
	}
}

static void alert_text(int a, char *buf, size_t sz)
{
	const char *n = a >= 0 ? gnutls_alert_get_name((gnutls_alert_description_t)a) : "";

	snprintf(buf, sz, "%s", n ? n : "unknown");
}

void tls_session_fail_detail(const struct tls_conn *c, struct tls_fail_detail *d)
{
	const struct tls_policy *p = c->pol;
	const gnutls_datum_t *raw;
	unsigned n_raw = 0;

	tls_fail_policy(p, c->server, d);
	if (c->server) {
		size_t sz = sizeof(d->sni);
		unsigned type;

		if (gnutls_server_name_get(c->s, d->sni, &sz, &type, 0) < 0 || type != GNUTLS_NAME_DNS)
			snprintf(d->sni, sizeof(d->sni), "%s", c->hello.sni);
		tls_hello_offers(&c->hello, d->offered_versions, sizeof(d->offered_versions),
				 d->offered_ciphers, sizeof(d->offered_ciphers));
		if (c->hello.parsed)
			tls_groups_text(c->hello.groups, c->hello.n_groups < TLS_HELLO_MAX ? c->hello.n_groups
					: TLS_HELLO_MAX, d->offered_curves, sizeof(d->offered_curves));
	} else {
		if (c->name[0] && !is_ip_literal(c->name))
			snprintf(d->sni, sizeof(d->sni), "%s", c->name);
		if (c->name[0] && tls_policy_validates_server_name(p))
			snprintf(d->expected, sizeof(d->expected), "%s", c->name);
	}
	if (c->sh_version) {
		d->hello_seen = c->sh_seen;
		if (c->sh_seen)
			version_name(gnutls_protocol_get_version(c->s), d->version, sizeof(d->version));
		else
			snprintf(d->version, sizeof(d->version), "%s", tls_version_name(c->sh_version));
		tls_suite_name(c->sh_suite, d->cipher, sizeof(d->cipher));
	}
	d->cr_sent = c->cr_sent;
	d->cr_received = c->cr_received;
	d->cert_sent = gnutls_certificate_get_ours(c->s) != NULL;
	alert_text(c->alert_rx, d->alert_received, sizeof(d->alert_received));
	alert_text(c->alert_tx, d->alert_sent, sizeof(d->alert_sent));
	snprintf(d->check, sizeof(d->check), "%s", c->check ? c->check : "");
	raw = gnutls_certificate_get_peers(c->s, &n_raw);
	if (raw && n_raw) {
		gnutls_x509_crt_t crt;

		d->n_chain = n_raw;
		if (gnutls_x509_crt_init(&crt) < 0)
			return;
		if (gnutls_x509_crt_import(crt, &raw[0], GNUTLS_X509_FMT_DER) >= 0)
			tls_fail_cert(crt, d);
		gnutls_x509_crt_deinit(crt);
	}
}
