// SPDX-License-Identifier: MIT
/*
 * The control socket's client side (`saker stats`, `saker capture`) and the
 * message parsing both sides share.  A ControlClient is one connection on
 * which several requests may be sent (capture, then stop); control_call() is
 * the one-request round trip built on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfastjson/json.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/control.h"

/* Descriptors read along with a reply: the server sends none, these are only closed. */
#define CLIENT_MAX_RECV_FDS 4

struct ControlClient {
	int fd;
	char *buf; /* one reply: CONTROL_MAX_REPLY + 1 bytes, allocated on the first receive */
};

static void json_putp(struct fjson_object **o)
{
	if (*o)
		fjson_object_put(*o);
}

/* ---- messages ---- */

int control_sockaddr(const char *path, struct sockaddr_un *ret, socklen_t *ret_len)
{
	size_t n;

	if (!path || !*path)
		return -EINVAL;
	n = strlen(path);
	if (n >= sizeof(ret->sun_path))
		return -ENAMETOOLONG;
	memset(ret, 0, sizeof(*ret));
	ret->sun_family = AF_UNIX;
	memcpy(ret->sun_path, path, n + 1);
	*ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

int control_parse(const char *msg, size_t len, struct fjson_object **ret)
{
	struct fjson_tokener *tok;
	struct fjson_object *o;
	enum fjson_tokener_error jerr;
	size_t i, end;

	if (!msg || !ret || len == 0 || len > INT_MAX)
		return -EBADMSG;
	/* the tokener would stop at a NUL and leave the rest unchecked */
	if (memchr(msg, '\0', len))
		return -EBADMSG;
	tok = fjson_tokener_new_ex(CONTROL_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	/* no trailing commas, comments or single quotes: one strict syntax both ways */
	fjson_tokener_set_flags(tok, FJSON_TOKENER_STRICT);
	o = fjson_tokener_parse_ex(tok, msg, (int)len);
	jerr = fjson_tokener_get_error(tok);
	end = tok->char_offset > 0 ? (size_t)tok->char_offset : 0;
	fjson_tokener_free(tok);
	if (!o || jerr != fjson_tokener_success) {
		if (o)
			fjson_object_put(o);
		return -EBADMSG;
	}
	for (i = end; i < len; i++)
		if (!strchr(" \t\r\n", msg[i])) {
			fjson_object_put(o);
			return -EBADMSG;
		}
	if (!fjson_object_is_type(o, fjson_type_object)) {
		fjson_object_put(o);
		return -EBADMSG;
	}
	*ret = o;
	return 0;
}

int control_reply_status(struct fjson_object *reply, ControlStatus *ret)
{
	struct fjson_object *v;
	const char *s;

	if (!reply || !fjson_object_object_get_ex(reply, "status", &v) ||
	    !fjson_object_is_type(v, fjson_type_string))
		return -EBADMSG;
	s = fjson_object_get_string(v);
	if (strcmp(s, "ok") == 0)
		*ret = CONTROL_STATUS_OK;
	else if (strcmp(s, "error") == 0)
		*ret = CONTROL_STATUS_ERROR;
	else if (strcmp(s, "progress") == 0)
		*ret = CONTROL_STATUS_PROGRESS;
	else
		return -EBADMSG;
	return 0;
}

int control_reply_refusal(struct fjson_object *reply)
{
	struct fjson_object *v;
	ControlStatus st;
	const char *code;

	if (control_reply_status(reply, &st) < 0 || st != CONTROL_STATUS_ERROR ||
	    !fjson_object_object_get_ex(reply, "code", &v) ||
	    !fjson_object_is_type(v, fjson_type_string))
		return 0;
	code = fjson_object_get_string(v);
	if (strcmp(code, CONTROL_CODE_ACCESS) == 0)
		return -EACCES;
	if (strcmp(code, CONTROL_CODE_CLIENTS) == 0)
		return -EUSERS;
	return 0;
}

/* ---- the client ---- */

/* Wait for events on fd: -ETIMEDOUT after timeout_ms (0: forever), -EINTR on a signal. */
static int wait_fd(int fd, short events, unsigned timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	n = poll(&p, 1, timeout_ms ? (int)MIN(timeout_ms, (unsigned)INT_MAX) : -1);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

int control_client_connect(const char *path, unsigned timeout_ms, ControlClient **ret)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sa;
	struct timeval tv = { 0 };
	ControlClient *c;
	socklen_t salen;
	int r, flags;

	if (!ret)
		return -EINVAL;
	r = control_sockaddr(path, &sa, &salen);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a full backlog makes connect() wait; SO_SNDTIMEO bounds that wait */
	tv.tv_sec = timeout_ms / 1000u;
	tv.tv_usec = (suseconds_t)(timeout_ms % 1000u) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	while (connect(fd, (struct sockaddr *)&sa, salen) < 0)
		if (errno != EINTR)
			return errno == EINPROGRESS ? -EAGAIN : -errno;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	c = new0(ControlClient, 1);
	if (!c)
		return -ENOMEM;
	c->fd = TAKE_FD(fd);
	*ret = c;
	return 0;
}

ControlClient *control_client_close(ControlClient *c)
{
	if (!c)
		return NULL;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
	return NULL;
}

int control_client_fd(const ControlClient *c)
{
	return c ? c->fd : -EINVAL;
}

int control_client_send(ControlClient *c, const char *json, size_t len, int pass_fd,
			unsigned timeout_ms)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = (void *)json, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int r;

	if (!c || !json)
		return -EINVAL;
	/* an empty message reads as end of stream on the other side */
	if (len == 0 || len > CONTROL_MAX_MESSAGE)
		return -EMSGSIZE;
	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	for (;;) {
		if (sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0; /* a message goes whole or not at all */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		r = wait_fd(c->fd, POLLOUT, timeout_ms);
		if (r < 0 && r != -EINTR)
			return r;
	}
}

static void close_passed(struct msghdr *mh)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t k, count;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < count; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

int control_client_recv(ControlClient *c, unsigned timeout_ms, char **ret_msg, size_t *ret_len)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CLIENT_MAX_RECV_FDS)];
	} control;
	struct iovec iov;
	struct msghdr mh;
	unsigned resets = 0;
	ssize_t n;
	char *msg;
	int r;

	if (!c || !ret_msg)
		return -EINVAL;
	if (!c->buf) {
		c->buf = malloc(CONTROL_MAX_REPLY + 1);
		if (!c->buf)
			return -ENOMEM;
	}
	for (;;) {
		iov = (struct iovec){ .iov_base = c->buf, .iov_len = CONTROL_MAX_REPLY + 1 };
		mh = (struct msghdr){
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		/*
		 * A server that closes with our request unread leaves a pending
		 * ECONNRESET, reported before the replies it sent (a refusal
		 * saying why): the error is consumed, read on once.
		 */
		if (errno == ECONNRESET && resets++ == 0)
			continue;
		if (errno != EAGAIN)
			return -errno;
		r = wait_fd(c->fd, POLLIN, timeout_ms);
		if (r < 0)
			return r;
	}
	close_passed(&mh);
	if (n == 0)
		return -ECONNRESET;
	if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > CONTROL_MAX_REPLY)
		return -EMSGSIZE;
	msg = malloc((size_t)n + 1);
	if (!msg)
		return -ENOMEM;
	memcpy(msg, c->buf, (size_t)n);
	msg[n] = '\0';
	*ret_msg = msg;
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

int control_call(const char *path, const char *request_json, int pass_fd, unsigned timeout_ms,
		 void (*on_progress)(const char *json, void *userdata), void *userdata,
		 char **ret_reply)
{
	_cleanup_(control_client_closep) ControlClient *c = NULL;
	int r, send_error;

	if (!request_json || !ret_reply)
		return -EINVAL;
	r = control_client_connect(path, timeout_ms, &c);
	if (r < 0)
		return r;
	/*
	 * A refused client finds its connection closed when it sends; the
	 * reply saying why may still be waiting to be read.
	 */
	send_error = control_client_send(c, request_json, strlen(request_json), pass_fd,
					 timeout_ms);
	if (send_error < 0 && send_error != -EPIPE && send_error != -ECONNRESET)
		return send_error;
	for (;;) {
		_cleanup_(json_putp) struct fjson_object *o = NULL;
		_cleanup_free_ char *msg = NULL;
		ControlStatus st;
		size_t len;

		r = control_client_recv(c, timeout_ms, &msg, &len);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return send_error < 0 ? send_error : r;
		if (control_parse(msg, len, &o) < 0 || control_reply_status(o, &st) < 0)
			return -EBADMSG;
		if (st == CONTROL_STATUS_PROGRESS) {
			if (on_progress)
				on_progress(msg, userdata);
			continue;
		}
		r = control_reply_refusal(o);
		if (r < 0)
			return r;
		if (send_error < 0)
			return send_error;
		*ret_reply = TAKE_PTR(msg);
		return 0;
	}
}
