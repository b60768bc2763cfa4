/* log.c - logging ring buffer, stderr/syslog, monitor subscribers (see log.h). */
#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>

struct log_sub { log_sub_fn fn; void *arg; };

static struct {
	char *ring;          /* owned; lines separated by '\n' */
	size_t size, head, used;
	bool foreground;
	unsigned long count;
	struct log_sub *subs; /* owned array */
	size_t nsubs;
	bool in_sub;         /* re-entrancy guard */
} L;

void log_init(bool foreground, size_t bufsize)
{
	L.foreground = foreground;
	if (!foreground)
		openlog("tollgated", LOG_PID, LOG_DAEMON);
	log_set_size(bufsize);
}

void log_fini(void)
{
	free(L.ring);
	free(L.subs);
	memset(&L, 0, sizeof(L));
}

/* Keep the newest bytes when resizing. */
void log_set_size(size_t bytes)
{
	if (!bytes)
		bytes = LOG_BUF_DEFAULT;
	struct buf old = BUF_INIT;
	log_dump(&old);
	free(L.ring);
	L.ring = malloc(bytes);
	L.size = L.ring ? bytes : 0;
	L.head = L.used = 0;
	size_t keep = old.len < L.size ? old.len : L.size;
	const char *src = buf_str(&old) + (old.len - keep);
	/* start at a line boundary */
	if (keep < old.len) {
		const char *nl = memchr(src, '\n', keep);
		if (nl) {
			keep -= (size_t)(nl + 1 - src);
			src = nl + 1;
		}
	}
	if (L.ring && keep) {
		memcpy(L.ring, src, keep);
		L.used = keep;
		L.head = keep % L.size;
	}
	buf_free(&old);
}

void log_clear(void)
{
	L.head = L.used = 0;
}

size_t log_get_size(void)
{
	return L.size;
}

static void ring_put(const char *s, size_t n)
{
	if (!L.size)
		return;
	if (n > L.size) {
		s += n - L.size;
		n = L.size;
	}
	for (size_t i = 0; i < n; i++) {
		L.ring[L.head] = s[i];
		L.head = (L.head + 1) % L.size;
	}
	L.used = L.used + n > L.size ? L.size : L.used + n;
}

void log_dump(struct buf *out)
{
	if (!L.used)
		return;
	size_t start = (L.head + L.size - L.used) % L.size;
	size_t i = 0;
	/* skip a partial first line after wrap-around */
	if (L.used == L.size) {
		while (i < L.used && L.ring[(start + i) % L.size] != '\n')
			i++;
		i++;
	}
	for (; i < L.used; i++)
		buf_append(out, &L.ring[(start + i) % L.size], 1);
}

unsigned long log_count(void)
{
	return L.count;
}

void log_msg(int sev, const char *fac, const char *mnemonic, const char *fmt, ...)
{
	char text[1024], line[1200], ts[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	localtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
	snprintf(line, sizeof(line), "*%s.%03ld: %%%s-%d-%s: %s", ts, (long)(tv.tv_usec / 1000), fac,
		 sev, mnemonic, text);
	L.count++;
	ring_put(line, strlen(line));
	ring_put("\n", 1);
	if (L.foreground)
		fprintf(stderr, "%s\n", line);
	else
		syslog(sev < 0 ? LOG_ERR : sev > 7 ? LOG_DEBUG : sev, "%%%s-%d-%s: %s", fac, sev,
		       mnemonic, text);
	if (L.in_sub)
		return;
	L.in_sub = true;
	for (size_t i = 0; i < L.nsubs; i++)
		L.subs[i].fn(L.subs[i].arg, line);
	L.in_sub = false;
}

int log_subscribe(log_sub_fn fn, void *arg)
{
	struct log_sub *v = realloc(L.subs, sizeof(*v) * (L.nsubs + 1));
	if (!v)
		return -ENOMEM;
	L.subs = v;
	L.subs[L.nsubs].fn = fn;
	L.subs[L.nsubs].arg = arg;
	L.nsubs++;
	return 0;
}

void log_unsubscribe(log_sub_fn fn, void *arg)
{
	for (size_t i = 0; i < L.nsubs; i++)
		if (L.subs[i].fn == fn && L.subs[i].arg == arg) {
			memmove(&L.subs[i], &L.subs[i + 1], sizeof(*L.subs) * (L.nsubs - i - 1));
			L.nsubs--;
			return;
		}
}
