// SPDX-License-Identifier: MIT
/*
 * The control socket's server side: a listening SOCK_SEQPACKET socket, its
 * connections and a timer for idle ones, all behind one internal epoll fd so
 * that sakerd's single-threaded loop polls a single descriptor.  Everything
 * is non-blocking; a client that does not read its replies is dropped rather
 * than allowed to stall the event loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfastjson/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control/control.h"

/* Events handled per control_server_dispatch(): the daemon's loop regains control in a flood. */
#define DISPATCH_MAX_EVENTS 64
/* Descriptors read with one request: one is allowed, more are closed and the request refused. */
#define CONTROL_MAX_PASSED_FDS 4
/* After EMFILE/ENFILE, stop accepting this long so the level-triggered listener does not spin. */
#define ACCEPT_PAUSE_MS 1000u
/* Send buffer asked for each connection: a largest reply plus progress replies behind it. */
#define CONN_SNDBUF (CONTROL_MAX_REPLY + (256u << 10))
/* Length of an error sentence in a reply. */
#define CONTROL_MAX_ERROR 512

struct ControlConn {
	unsigned n_ref;
	int fd;		       /* -1 once dropped */
	bool broken;	       /* a reply failed: shut down, dropped at the next dispatch */
	ControlServer *server; /* NULL once dropped */
	uint64_t last_active_ms;
	pid_t pid;
	uid_t uid;
};

struct ControlServer {
	char *path;
	int listen_fd, epoll_fd, timer_fd;
	bool bound;	  /* path is our socket file (unlinked by free if still ours) */
	dev_t sock_dev;	  /* identity of the socket file we created */
	ino_t sock_ino;
	control_request_fn on_request;
	control_close_fn on_close;
	void *userdata;
	uid_t own_uid;
	unsigned idle_timeout_ms;
	uint64_t accept_paused_until; /* 0: accepting */
	ControlConn *conns[CONTROL_MAX_CLIENTS];
	unsigned n_conns;
	char *buf; /* one request: CONTROL_MAX_MESSAGE + 1 bytes */
};

/* epoll tags for the two server descriptors; connections use their ControlConn. */
static const char tag_listen, tag_timer;

static void json_putp(struct fjson_object **o)
{
	if (*o)
		fjson_object_put(*o);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* {"status":"error","error":msg[,"code":code]} as a malloc'd string. */
static int format_error(const char *code, const char *msg, char **ret, size_t *ret_len)
{
	_cleanup_(json_putp) struct fjson_object *o = NULL;
	struct fjson_object *v;
	const char *txt;

	o = fjson_object_new_object();
	if (!o)
		return -ENOMEM;
	v = fjson_object_new_string("error");
	if (!v)
		return -ENOMEM;
	fjson_object_object_add(o, "status", v);
	v = fjson_object_new_string(msg);
	if (!v)
		return -ENOMEM;
	fjson_object_object_add(o, "error", v);
	if (code) {
		v = fjson_object_new_string(code);
		if (!v)
			return -ENOMEM;
		fjson_object_object_add(o, "code", v);
	}
	txt = fjson_object_to_json_string_ext(o, FJSON_TO_STRING_PLAIN);
	if (!txt)
		return -ENOMEM;
	*ret_len = strlen(txt);
	*ret = strdup(txt);
	return *ret ? 0 : -ENOMEM;
}

/* Answer a connection that is refused before it is served, then let the caller close it. */
static void refuse(int fd, const char *code, const char *msg)
{
	_cleanup_free_ char *json = NULL;
	size_t len;

	if (format_error(code, msg, &json, &len) < 0)
		return;
	(void)send(fd, json, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* ---- connections ---- */

ControlConn *control_conn_ref(ControlConn *c)
{
	if (c)
		c->n_ref++;
	return c;
}

ControlConn *control_conn_unref(ControlConn *c)
{
	if (!c || c->n_ref == 0)
		return NULL;
	if (--c->n_ref > 0) {
		/* the server's reference alone: the request is done, idle from now */
		if (c->n_ref == 1 && c->server)
			c->last_active_ms = now_ms();
		return NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return NULL;
}

bool control_conn_alive(const ControlConn *c)
{
	return c && c->server && !c->broken;
}

int control_conn_peer(const ControlConn *c, int *ret_pid, unsigned *ret_uid)
{
	if (!c)
		return -EINVAL;
	if (ret_pid)
		*ret_pid = c->pid;
	if (ret_uid)
		*ret_uid = c->uid;
	return 0;
}

/*
 * Stop using a connection from any context (even from inside a handler):
 * shutting it down makes its fd report HUP, so the next dispatch drops it
 * and calls on_close from there rather than from under the caller.
 */
static void conn_break(ControlConn *c)
{
	if (c->broken || c->fd < 0)
		return;
	c->broken = true;
	(void)shutdown(c->fd, SHUT_RDWR);
}

/* Remove a connection from its server, call on_close, drop the server's reference. */
static void conn_drop(ControlConn *c)
{
	ControlServer *s = c->server;
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < s->n_conns; i++)
		if (s->conns[i] == c) {
			s->conns[i] = s->conns[--s->n_conns];
			s->conns[s->n_conns] = NULL;
			break;
		}
	(void)epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->server = NULL;
	if (s->on_close)
		s->on_close(c, s->userdata);
	control_conn_unref(c);
}

int control_reply(ControlConn *c, const char *json, size_t len)
{
	if (!c || !json || len == 0)
		return -EINVAL;
	if (!control_conn_alive(c))
		return -EPIPE;
	if (len > CONTROL_MAX_REPLY)
		return -EMSGSIZE;
	if (send(c->fd, json, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		int r = -errno;

		/* larger than the socket's buffer could be made: the connection is fine */
		if (r == -EMSGSIZE)
			return r;
		conn_break(c);
		return r == -EAGAIN || r == -ENOBUFS || r == -ENOMEM ? -ENOBUFS : -EPIPE;
	}
	c->last_active_ms = now_ms();
	return 0;
}

int control_reply_object(ControlConn *c, struct fjson_object *o)
{
	const char *txt;

	if (!o)
		return -EINVAL;
	txt = fjson_object_to_json_string_ext(o, FJSON_TO_STRING_PLAIN);
	if (!txt)
		return -ENOMEM;
	return control_reply(c, txt, strlen(txt));
}

int control_reply_error(ControlConn *c, const char *code, const char *fmt, ...)
{
	_cleanup_free_ char *json = NULL;
	char msg[CONTROL_MAX_ERROR];
	va_list ap;
	size_t len;
	int r;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r = format_error(code, msg, &json, &len);
	if (r < 0)
		return r;
	return control_reply(c, json, len);
}

/* ---- the listening socket ---- */

/* Create the socket's parent directory when it is missing (one level, like /run/saker). */
static int make_parent_dir(const char *path)
{
	_cleanup_free_ char *dir = NULL;
	char *slash;

	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* exactly 0755 whatever the umask: clients must reach the socket */
	return chmod(dir, 0755) < 0 ? -errno : 0;
}

/*
 * A socket file is in the way of bind().  Remove it only when it is a socket
 * nobody answers on; 0 means "try bind again".
 */
static int remove_stale(const char *path, const struct sockaddr_un *sa, socklen_t salen)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, salen) == 0)
		return -EADDRINUSE;
	switch (errno) {
	case ECONNREFUSED:
		break;
	case ENOENT:
		return 0;
	case EAGAIN:	  /* alive, its queue is full */
	case EPROTOTYPE:  /* alive, another kind of socket */
		return -EADDRINUSE;
	default:
		return -errno;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int server_bind(ControlServer *s)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un sa;
	struct stat st;
	socklen_t salen;
	unsigned attempt;
	mode_t old;
	int r;

	r = control_sockaddr(s->path, &sa, &salen);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* two attempts: a stale file removed in between is the only reason to retry */
	for (attempt = 0;; attempt++) {
		old = umask(0177);
		r = bind(fd, (struct sockaddr *)&sa, salen) < 0 ? -errno : 0;
		umask(old);
		if (r != -EADDRINUSE || attempt > 0)
			break;
		r = remove_stale(s->path, &sa, salen);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	s->listen_fd = TAKE_FD(fd);
	if (lstat(s->path, &st) == 0) {
		s->bound = true;
		s->sock_dev = st.st_dev;
		s->sock_ino = st.st_ino;
	}
	if (listen(s->listen_fd, CONTROL_MAX_CLIENTS) < 0)
		return -errno;
	return 0;
}

static int epoll_add(int epfd, int fd, const void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = (void *)tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int control_server_new(const char *path, control_request_fn on_request, control_close_fn on_close,
		       void *userdata, ControlServer **ret)
{
	_cleanup_(control_server_freep) ControlServer *s = NULL;
	int r;

	if (!path || !*path || !on_request || !ret)
		return -EINVAL;
	s = new0(ControlServer, 1);
	if (!s)
		return -ENOMEM;
	s->listen_fd = s->epoll_fd = s->timer_fd = -1;
	s->on_request = on_request;
	s->on_close = on_close;
	s->userdata = userdata;
	s->own_uid = geteuid();
	s->idle_timeout_ms = CONTROL_IDLE_TIMEOUT_MS;
	s->path = strdup(path);
	s->buf = malloc(CONTROL_MAX_MESSAGE + 1);
	if (!s->path || !s->buf)
		return -ENOMEM;

	r = make_parent_dir(path);
	if (r < 0)
		return r;
	r = server_bind(s);
	if (r < 0)
		return r;
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epoll_fd < 0)
		return -errno;
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timer_fd < 0)
		return -errno;
	r = epoll_add(s->epoll_fd, s->listen_fd, &tag_listen);
	if (r < 0)
		return r;
	r = epoll_add(s->epoll_fd, s->timer_fd, &tag_timer);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

ControlServer *control_server_free(ControlServer *s)
{
	struct stat st;

	if (!s)
		return NULL;
	while (s->n_conns > 0)
		conn_drop(s->conns[s->n_conns - 1]);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	/* another daemon may have replaced the file meanwhile: leave its socket alone */
	if (s->bound && lstat(s->path, &st) == 0 && st.st_dev == s->sock_dev &&
	    st.st_ino == s->sock_ino)
		(void)unlink(s->path);
	free(s->path);
	free(s->buf);
	free(s);
	return NULL;
}

int control_server_fd(const ControlServer *s)
{
	return s ? s->epoll_fd : -EINVAL;
}

unsigned control_server_connections(const ControlServer *s)
{
	return s ? s->n_conns : 0;
}

void control_server_set_idle_timeout(ControlServer *s, unsigned timeout_ms)
{
	if (s)
		s->idle_timeout_ms = timeout_ms;
}

/* ---- dispatch ---- */

static void server_pause_accepting(ControlServer *s)
{
	if (s->accept_paused_until)
		return;
	if (epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, s->listen_fd, NULL) == 0)
		s->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
}

static void server_accept(ControlServer *s)
{
	_cleanup_close_ int fd = -1;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	ControlConn *c;
	int sndbuf = CONN_SNDBUF;

	fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			server_pause_accepting(s);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred))
		return;
	if (cred.uid != 0 && cred.uid != s->own_uid) {
		refuse(fd, CONTROL_CODE_ACCESS,
		       "permission denied: only root may use the control socket");
		return;
	}
	if (s->n_conns >= CONTROL_MAX_CLIENTS) {
		refuse(fd, CONTROL_CODE_CLIENTS, "too many clients connected to sakerd");
		return;
	}
	/* room for a largest reply; unprivileged (tests) the kernel's maximum is the limit */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	c = new0(ControlConn, 1);
	if (!c)
		return;
	c->n_ref = 1;
	c->fd = fd;
	c->pid = cred.pid;
	c->uid = cred.uid;
	c->last_active_ms = now_ms();
	if (epoll_add(s->epoll_fd, fd, c) < 0) {
		free(c);
		return;
	}
	c->server = s;
	s->conns[s->n_conns++] = c;
	fd = -1; /* owned by c */
}

static void close_fds(const int *fds, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

/* Collect SCM_RIGHTS descriptors (up to CONTROL_MAX_PASSED_FDS; the kernel closes the rest). */
static unsigned collect_fds(struct msghdr *mh, int *fds)
{
	struct cmsghdr *cm;
	unsigned n = 0;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t k, count;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < count && n < CONTROL_MAX_PASSED_FDS; k++)
			memcpy(&fds[n++], CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
	}
	return n;
}

/* Read one request from c and hand it to the handler (or answer the error). */
static void conn_read(ControlServer *s, ControlConn *c)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CONTROL_MAX_PASSED_FDS)];
	} control;
	struct iovec iov = { .iov_base = s->buf, .iov_len = CONTROL_MAX_MESSAGE + 1 };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	_cleanup_(json_putp) struct fjson_object *req = NULL;
	struct fjson_object *v;
	int fds[CONTROL_MAX_PASSED_FDS];
	unsigned nfds;
	const char *cmd;
	ssize_t n;

	n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_drop(c);
		return;
	}
	nfds = collect_fds(&mh, fds);
	if (n == 0) { /* end of stream (an empty message ends the connection too) */
		close_fds(fds, nfds);
		conn_drop(c);
		return;
	}
	c->last_active_ms = now_ms();
	if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > CONTROL_MAX_MESSAGE) {
		close_fds(fds, nfds);
		(void)control_reply_error(c, CONTROL_CODE_TOO_LARGE,
					  "request larger than %u bytes", CONTROL_MAX_MESSAGE);
		return;
	}
	if (nfds > 1 || (mh.msg_flags & MSG_CTRUNC)) {
		close_fds(fds, nfds);
		(void)control_reply_error(c, CONTROL_CODE_BAD_REQUEST,
					  "at most one descriptor may be passed with a request");
		return;
	}
	if (control_parse(s->buf, (size_t)n, &req) < 0) {
		close_fds(fds, nfds);
		(void)control_reply_error(c, CONTROL_CODE_BAD_REQUEST,
					  "request is not a JSON object");
		return;
	}
	if (!fjson_object_object_get_ex(req, "cmd", &v) ||
	    !fjson_object_is_type(v, fjson_type_string) ||
	    fjson_object_get_string_len(v) == 0 ||
	    fjson_object_get_string_len(v) > CONTROL_MAX_CMD) {
		close_fds(fds, nfds);
		(void)control_reply_error(c, CONTROL_CODE_BAD_REQUEST,
					  "request has no \"cmd\" string");
		return;
	}
	cmd = fjson_object_get_string(v);
	if (strlen(cmd) != (size_t)fjson_object_get_string_len(v)) {
		close_fds(fds, nfds);
		(void)control_reply_error(c, CONTROL_CODE_BAD_REQUEST, "invalid \"cmd\"");
		return;
	}
	/* the handler may drop its references or break c: keep it valid for the call */
	control_conn_ref(c);
	s->on_request(c, cmd, req, nfds ? fds[0] : -1, s->userdata);
	control_conn_unref(c);
}

static void conn_event(ControlServer *s, ControlConn *c, uint32_t events)
{
	if (c->broken || (events & EPOLLERR)) {
		conn_drop(c);
		return;
	}
	conn_read(s, c);
}

static void server_timer(ControlServer *s)
{
	uint64_t expirations, now = now_ms();
	unsigned i;

	(void)read(s->timer_fd, &expirations, sizeof(expirations));
	if (s->accept_paused_until && now >= s->accept_paused_until &&
	    epoll_add(s->epoll_fd, s->listen_fd, &tag_listen) == 0)
		s->accept_paused_until = 0;
	/* downwards: conn_drop() moves the last entry into the freed slot */
	for (i = s->n_conns; i-- > 0;) {
		ControlConn *c = s->conns[i];

		if (s->idle_timeout_ms && i < s->n_conns && c->n_ref == 1 &&
		    now >= c->last_active_ms + s->idle_timeout_ms)
			conn_drop(c);
	}
}

/*
 * Arm the timer for the earliest idle deadline.  A busy connection counts as
 * active now: its idle time starts when the handler lets it go, which is
 * never earlier than the deadline computed here.
 */
static void server_arm_timer(ControlServer *s)
{
	struct itimerspec its = { 0 };
	uint64_t now = now_ms(), next = 0;
	unsigned i;

	for (i = 0; s->idle_timeout_ms && i < s->n_conns; i++) {
		const ControlConn *c = s->conns[i];
		uint64_t t = (c->n_ref == 1 ? c->last_active_ms : now) + s->idle_timeout_ms;

		if (!next || t < next)
			next = t;
	}
	if (s->accept_paused_until && (!next || s->accept_paused_until < next))
		next = s->accept_paused_until;
	if (next) {
		/* an absolute time of zero would disarm the timer */
		next = MAX(next, 1u);
		its.it_value.tv_sec = (time_t)(next / 1000u);
		its.it_value.tv_nsec = (long)(next % 1000u) * 1000000L;
	}
	(void)timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

int control_server_dispatch(ControlServer *s)
{
	struct epoll_event ev;
	int n, handled = 0;

	if (!s)
		return -EINVAL;
	/*
	 * One event per epoll_wait(): a handler or on_close may drop other
	 * connections, so no batch of pointers is ever held across a call.
	 */
	while (handled < DISPATCH_MAX_EVENTS) {
		n = epoll_wait(s->epoll_fd, &ev, 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		handled++;
		if (ev.data.ptr == &tag_listen)
			server_accept(s);
		else if (ev.data.ptr == &tag_timer)
			server_timer(s);
		else
			conn_event(s, ev.data.ptr, ev.events);
	}
	server_arm_timer(s);
	return handled;
}
