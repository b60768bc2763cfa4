/* proto.c - framing for the control socket (see proto.h). */
#include "core/proto.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int proto_frame(struct buf *b, uint8_t type, const void *data, size_t len)
{
	unsigned char h[PROTO_HDR] = { type, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
				      (unsigned char)(len >> 8), (unsigned char)len };
	int rc = buf_append(b, h, sizeof(h));
	if (!rc)
		rc = buf_append(b, data, len);
	return rc;
}

long proto_parse(const struct buf *b, uint8_t *type, const char **data, size_t *len)
{
	if (b->len < PROTO_HDR)
		return 0;
	const unsigned char *h = (const unsigned char *)b->p;
	size_t n = ((size_t)h[1] << 24) | ((size_t)h[2] << 16) | ((size_t)h[3] << 8) | h[4];
	if (n > PROTO_MAX_FRAME)
		return -EPROTO;
	if (b->len < PROTO_HDR + n)
		return 0;
	*type = h[0];
	*data = b->p + PROTO_HDR;
	*len = n;
	return (long)(PROTO_HDR + n);
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

int proto_send(int fd, uint8_t type, const void *data, size_t len)
{
	struct buf b = BUF_INIT;
	int rc = proto_frame(&b, type, data, len);
	if (!rc)
		rc = write_all(fd, b.p, b.len);
	buf_free(&b);
	return rc;
}

int proto_recv(int fd, uint8_t *type, struct buf *payload)
{
	unsigned char h[PROTO_HDR];
	int rc = read_all(fd, h, sizeof(h));
	if (rc)
		return rc;
	size_t n = ((size_t)h[1] << 24) | ((size_t)h[2] << 16) | ((size_t)h[3] << 8) | h[4];
	if (n > PROTO_MAX_FRAME)
		return -EPROTO;
	buf_reset(payload);
	rc = buf_reserve(payload, n);
	if (rc)
		return rc;
	rc = read_all(fd, payload->p, n);
	if (rc)
		return rc;
	payload->len = n;
	payload->p[n] = '\0';
	*type = h[0];
	return 0;
}
