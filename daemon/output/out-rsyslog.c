// SPDX-License-Identifier: MIT
/*
 * The rsyslog output: alert_render_json() of each alert as one datagram on
 * imsaker's unix socket.  One non-blocking socket for the sink's life,
 * (re)connected to the path: a restarted rsyslogd binds a new socket there.
 * A full socket is waited on briefly, then the alert is lost and counted;
 * while rsyslogd is away alerts are lost, the outage said once on stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "output/out-rsyslog.h"

/* A moment without memory for a datagram (ENOBUFS): tried again after this. */
#define RSYSLOG_NOBUFS_PAUSE_NS 1000000L

typedef struct RsyslogSink {
	char *path;
	int fd;
	bool connected;
	uint64_t retry_at_ms; /* no connection attempt before */
	uint64_t retry_delay_ms;
	bool down; /* an outage is on and was reported */
	uint64_t down_lost; /* alerts lost since it began */
	bool oversize_reported;
	StrBuf json;
} RsyslogSink;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The output layer has no log of its own: one line on stderr (the daemon's
 * log) when alerts start being lost and one when they reach rsyslog again.
 */
_printf_(1, 2) static void report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "rsyslog output: %s\n", buf);
}

static int rsyslog_connect(RsyslogSink *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t now = now_ms();

	if (s->connected)
		return 0;
	if (now < s->retry_at_ms)
		return -ENOTCONN;
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	/* A datagram socket may connect again: the old association just ends. */
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		s->retry_delay_ms = MIN(MAX(s->retry_delay_ms * 2, (uint64_t)RSYSLOG_RETRY_MIN_MS),
					(uint64_t)RSYSLOG_RETRY_MAX_MS);
		s->retry_at_ms = now + s->retry_delay_ms;
		return r;
	}
	s->connected = true;
	s->retry_delay_ms = 0;
	s->retry_at_ms = 0;
	return 0;
}

/* Waits until fd takes a datagram, at most until deadline_ms. */
static int wait_writable(int fd, uint64_t deadline_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		uint64_t now = now_ms();
		int n;

		if (now >= deadline_ms)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)MIN(deadline_ms - now, (uint64_t)INT32_MAX));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* POLLERR/POLLHUP: the next send says what happened. */
		return n == 0 ? -ETIMEDOUT : 0;
	}
}

/* One datagram; a full receiver queue is waited on until deadline_ms. */
static int send_datagram(int fd, const char *buf, size_t len, uint64_t deadline_ms)
{
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		int r;

		if (n >= 0)
			return (size_t)n == len ? 0 : -EIO;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			r = wait_writable(fd, deadline_ms);
			if (r < 0)
				return r;
			continue;
		}
		if (errno == ENOBUFS) {
			/* No memory for the datagram right now: poll() cannot tell when. */
			if (now_ms() >= deadline_ms)
				return -ETIMEDOUT;
			nanosleep(&(struct timespec){ 0, RSYSLOG_NOBUFS_PAUSE_NS }, NULL);
			continue;
		}
		return -errno;
	}
}

/* The receiver went away or was restarted: connecting again may help at once. */
static bool error_means_reconnect(int r)
{
	return r == -ECONNREFUSED || r == -ENOTCONN || r == -ECONNRESET || r == -EPIPE ||
	       r == -EDESTADDRREQ;
}

static int rsyslog_send(RsyslogSink *s, const char *buf, size_t len)
{
	int r = 0, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		r = rsyslog_connect(s);
		if (r < 0)
			return r;
		r = send_datagram(s->fd, buf, len, now_ms() + RSYSLOG_SEND_WAIT_MS);
		if (r >= 0 || !error_means_reconnect(r))
			return r;
		/* rsyslogd restarted: its new socket is at the same path now or soon. */
		s->connected = false;
	}
	return r;
}

/* An alert that did not reach rsyslog: the first of an outage is reported. */
static int rsyslog_lost(RsyslogSink *s, int r)
{
	if (r == -EMSGSIZE) {
		/* Not an outage: the alert itself is too large (said once). */
		if (!s->oversize_reported)
			report("an alert is larger than %u bytes and was not sent (nor will any "
			       "such alert be; each counts as an error)",
			       RSYSLOG_DATAGRAM_MAX);
		s->oversize_reported = true;
		return r;
	}
	s->down_lost++;
	if (!s->down) {
		s->down = true;
		if (r == -ETIMEDOUT)
			report("%s is full (rsyslogd is behind): alerts are lost until it takes "
			       "them again",
			       s->path);
		else
			report("cannot send to %s: %s; alerts are lost until rsyslogd (imsaker) "
			       "listens there",
			       s->path, strerror(-r));
	}
	return r;
}

static int rsyslog_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	RsyslogSink *s = userdata;
	int r;

	strbuf_reset(&s->json);
	r = alert_render_json(a, NULL, &s->json);
	if (r >= 0 && s->json.failed)
		r = -ENOMEM;
	if (r >= 0 && s->json.len > RSYSLOG_DATAGRAM_MAX)
		r = -EMSGSIZE;
	if (r >= 0)
		r = rsyslog_send(s, s->json.buf, s->json.len);
	if (r < 0)
		return rsyslog_lost(s, r);
	if (s->down) {
		report("sending to %s again; %" PRIu64 " alerts were lost", s->path, s->down_lost);
		s->down = false;
		s->down_lost = 0;
	}
	return 0;
}

static int rsyslog_reopen(void *userdata)
{
	RsyslogSink *s = userdata;

	/* SIGUSR1: connect afresh with the next alert, without waiting for a retry delay. */
	s->connected = false;
	s->retry_at_ms = 0;
	s->retry_delay_ms = 0;
	return 0;
}

static int rsyslog_open(void *userdata, char *errbuf, size_t errlen)
{
	RsyslogSink *s = userdata;
	int size = RSYSLOG_SNDBUF;
	struct stat st;

	/* rsyslogd may start later, so a missing socket is fine; a file that is not one is not. */
	if (stat(s->path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(errbuf, errlen, "rsyslog output: %s is not a socket", s->path);
		return -ENOTSOCK;
	}
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0) {
		int r = -errno;

		snprintf(errbuf, errlen, "rsyslog output: cannot create a socket: %s",
			 strerror(-r));
		return r;
	}
	/*
	 * Created once, here, where sakerd still has CAP_NET_ADMIN to pass
	 * net.core.wmem_max; reconnecting later keeps the buffer.
	 */
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)rsyslog_connect(s);
	return 0;
}

static void rsyslog_close(void *userdata)
{
	RsyslogSink *s = userdata;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	strbuf_done(&s->json);
	free(s->path);
	free(s);
}

static const OutputSinkOps rsyslog_ops = {
	.no_line = true,
	.name = "rsyslog",
	.open = rsyslog_open,
	.write = rsyslog_write,
	.reopen = rsyslog_reopen,
	.close = rsyslog_close,
};

int outputs_add_rsyslog(Outputs *o, const char *socket_path, char *errbuf, size_t errlen)
{
	RsyslogSink *s;

	if (!socket_path || !socket_path[0])
		socket_path = RSYSLOG_DEFAULT_SOCKET;
	if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(errbuf, errlen, "rsyslog output: socket path longer than %zu bytes",
			 sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	s = new0(RsyslogSink, 1);
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->path = strdup(socket_path);
	if (!s->path) {
		free(s);
		return -ENOMEM;
	}
	return outputs_add_sink(o, &rsyslog_ops, s, errbuf, errlen);
}
