// SPDX-License-Identifier: MIT
/*
 * Tests of the control socket (daemon/control/): a server runs in the test's
 * main thread, clients in threads or forked children.  Round trips, passed
 * descriptors, progress and "stop" on one connection, peer credentials,
 * limits, malformed requests, stale and live sockets, idle and slow clients,
 * and no descriptor left open afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <libfastjson/json.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "control/control.h"

/* Longest a test waits for a client thread or child before failing. */
#define WAIT_MS 10000

/* ---- what the test handler saw ---- */

typedef struct TestCtx {
	unsigned requests, closes;
	char last_cmd[CONTROL_MAX_CMD + 1];
	ControlConn *conns[8]; /* the conn of each request, in order */
	ControlConn *closed[64];
	ControlConn *pending; /* referenced by the handler, replied to later */
	unsigned progress_left; /* "count": progress replies still to send from the loop */
	unsigned progress_sent;
	int peer_pid; /* of the last request */
	unsigned peer_uid;
} TestCtx;

static int64_t req_int(struct fjson_object *req, const char *key)
{
	struct fjson_object *v;

	return fjson_object_object_get_ex(req, key, &v) ? fjson_object_get_int64(v) : 0;
}

static int reply(ControlConn *conn, const char *json)
{
	return control_reply(conn, json, strlen(json));
}

static void handler(ControlConn *conn, const char *cmd, struct fjson_object *req, int fd,
		    void *userdata)
{
	TestCtx *ctx = userdata;
	char buf[256];

	if (ctx->requests < ELEMENTSOF(ctx->conns))
		ctx->conns[ctx->requests] = conn;
	ctx->requests++;
	(void)control_conn_peer(conn, &ctx->peer_pid, &ctx->peer_uid);
	snprintf(ctx->last_cmd, sizeof(ctx->last_cmd), "%s", cmd);

	if (strcmp(cmd, "echo") == 0) {
		snprintf(buf, sizeof(buf), "{\"status\":\"ok\",\"echo\":%" PRId64 ",\"fd\":%s}",
			 req_int(req, "arg"), fd >= 0 ? "true" : "false");
		(void)reply(conn, buf);
	} else if (strcmp(cmd, "write") == 0) {
		if (fd < 0) {
			(void)control_reply_error(conn, NULL, "no descriptor");
			return;
		}
		(void)!write(fd, "captured\n", 9);
		close(fd);
		(void)reply(conn, "{\"status\":\"ok\",\"wrote\":9}");
		return;
	} else if (strcmp(cmd, "count") == 0 || strcmp(cmd, "capture") == 0) {
		ctx->pending = control_conn_ref(conn);
		ctx->progress_sent = 1;
		(void)reply(conn, "{\"status\":\"progress\",\"events\":1,\"bytes\":10}");
		if (strcmp(cmd, "count") == 0)
			ctx->progress_left = 2;
	} else if (strcmp(cmd, "stop") == 0) {
		if (ctx->pending != conn) {
			(void)control_reply_error(conn, NULL, "no capture of this connection");
		} else {
			(void)reply(conn, "{\"status\":\"ok\",\"events\":5,\"bytes\":50,"
					  "\"dropped\":0}");
			ctx->pending = control_conn_unref(ctx->pending);
		}
	} else if (strcmp(cmd, "hold") == 0) {
		ctx->pending = control_conn_ref(conn);
	} else if (strcmp(cmd, "garbage") == 0) {
		(void)reply(conn, "this is not json");
	} else {
		(void)control_reply_error(conn, NULL, "unknown command '%s'", cmd);
	}
	if (fd >= 0)
		close(fd);
}

static void on_close(ControlConn *conn, void *userdata)
{
	TestCtx *ctx = userdata;

	if (ctx->closes < ELEMENTSOF(ctx->closed))
		ctx->closed[ctx->closes] = conn;
	ctx->closes++;
	if (ctx->pending == conn)
		ctx->pending = control_conn_unref(ctx->pending);
}

/* Work the handler does "later", from the event loop: the rest of a "count". */
static void ctx_tick(TestCtx *ctx)
{
	char buf[128];

	if (!ctx->pending || ctx->progress_left == 0)
		return;
	ctx->progress_left--;
	ctx->progress_sent++;
	snprintf(buf, sizeof(buf), "{\"status\":\"progress\",\"events\":%u}", ctx->progress_sent);
	(void)reply(ctx->pending, buf);
	if (ctx->progress_left == 0) {
		(void)reply(ctx->pending, "{\"status\":\"ok\",\"events\":3}");
		ctx->pending = control_conn_unref(ctx->pending);
	}
}

/* ---- fixture: a private directory, the fd count, the server ---- */

typedef struct Fixture {
	char dir[64];
	char path[128]; /* DIR/run/ctl.sock; DIR/run does not exist yet */
	unsigned nfds;
	TestCtx ctx;
	ControlServer *s;
} Fixture;

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/saker-control-XXXXXX");
	if (!mkdtemp(f->dir) || chmod(f->dir, 0755) < 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/run/ctl.sock", f->dir);
	f->nfds = count_fds();
	*state = f;
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	Fixture *f = *state;

	control_server_free(f->s);
	(void)nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void start_server(Fixture *f)
{
	assert_int_equal(control_server_new(f->path, handler, on_close, &f->ctx, &f->s), 0);
	assert_true(control_server_fd(f->s) >= 0);
}

/* Free the server and check that nothing was left open. */
static void finish(Fixture *f)
{
	f->s = control_server_free(f->s);
	assert_int_equal(count_fds(), f->nfds);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One turn of the event loop: wait up to timeout_ms, dispatch, do the "later" work. */
static void pump_once(Fixture *f, int timeout_ms)
{
	struct pollfd p = { .fd = control_server_fd(f->s), .events = POLLIN };

	if (poll(&p, 1, timeout_ms) > 0)
		assert_true(control_server_dispatch(f->s) >= 0);
	ctx_tick(&f->ctx);
}

static void pump_for(Fixture *f, unsigned ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end)
		pump_once(f, 5);
}

/* ---- client threads ---- */

typedef struct Job {
	int done; /* set last by the thread (atomic) */
	const char *path;
	const char *request;
	int pass_fd;
	int r;
	char *reply;
	unsigned nprogress;
	char progress[8][128];
	char *msgs[4]; /* custom sequences */
	int rs[4];
} Job;

static void job_done(Job *j)
{
	unsigned i;

	free(j->reply);
	for (i = 0; i < ELEMENTSOF(j->msgs); i++)
		free(j->msgs[i]);
	memset(j, 0, sizeof(*j));
}

static void on_progress(const char *json, void *userdata)
{
	Job *j = userdata;

	if (j->nprogress < ELEMENTSOF(j->progress))
		snprintf(j->progress[j->nprogress], sizeof(j->progress[0]), "%s", json);
	j->nprogress++;
}

static void *call_thread(void *p)
{
	Job *j = p;

	j->r = control_call(j->path, j->request, j->pass_fd, WAIT_MS, on_progress, j, &j->reply);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Run fn(job) in a thread while the main thread serves; fails after WAIT_MS. */
static void run_job(Fixture *f, void *(*fn)(void *), Job *j)
{
	uint64_t end = now_ms() + WAIT_MS;
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, fn, j), 0);
	while (!__atomic_load_n(&j->done, __ATOMIC_ACQUIRE) && now_ms() < end)
		pump_once(f, 5);
	assert_true(__atomic_load_n(&j->done, __ATOMIC_ACQUIRE));
	assert_int_equal(pthread_join(t, NULL), 0);
	/* let the server see the client's close */
	pump_for(f, 20);
}

static void call(Fixture *f, Job *j, const char *request, int pass_fd)
{
	memset(j, 0, sizeof(*j));
	j->path = f->path;
	j->request = request;
	j->pass_fd = pass_fd;
	run_job(f, call_thread, j);
}

/* Parse a reply and fetch an integer member (fails the test when absent). */
static int64_t reply_int(const char *json, const char *key)
{
	struct fjson_object *o = NULL, *v;
	int64_t n;

	assert_non_null(json);
	assert_int_equal(control_parse(json, strlen(json), &o), 0);
	assert_true(fjson_object_object_get_ex(o, key, &v));
	n = fjson_object_get_int64(v);
	fjson_object_put(o);
	return n;
}

static ControlStatus reply_status(const char *json)
{
	struct fjson_object *o = NULL;
	ControlStatus st;

	assert_non_null(json);
	assert_int_equal(control_parse(json, strlen(json), &o), 0);
	assert_int_equal(control_reply_status(o, &st), 0);
	fjson_object_put(o);
	return st;
}

static bool reply_has_code(const char *json, const char *code)
{
	struct fjson_object *o = NULL, *v;
	bool ok;

	assert_int_equal(control_parse(json, strlen(json), &o), 0);
	ok = fjson_object_object_get_ex(o, "code", &v) &&
	     strcmp(fjson_object_get_string(v), code) == 0;
	fjson_object_put(o);
	return ok;
}

/* Send raw bytes (not limited like control_client_send) with optional descriptors. */
static int raw_send(int sock, const void *buf, size_t len, const int *fds, unsigned nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *cm;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Serve until the client's next message is there, then read it. */
static char *serve_and_recv(Fixture *f, ControlClient *c)
{
	uint64_t end = now_ms() + WAIT_MS;
	char *msg = NULL;
	int r;

	for (;;) {
		pump_once(f, 5);
		r = control_client_recv(c, 1, &msg, NULL);
		if (r != -ETIMEDOUT || now_ms() >= end)
			break;
	}
	assert_int_equal(r, 0);
	return msg;
}

/* ---- tests ---- */

static void test_parse(void **state)
{
	static const char *const good[] = {
		"{}",
		"{\"cmd\":\"stats\"}",
		" {\"cmd\":\"x\",\"a\":[1,{\"b\":null}]}\n\t ",
	};
	static const char *const bad[] = {
		"", "   ", "{", "{\"a\":}", "[1]", "42", "\"s\"", "null", "{} {}", "{}x",
		"{\"a\":1,}", "{\"a\" 1}",
	};
	struct fjson_object *o = NULL;
	char deep[8 * (CONTROL_MAX_DEPTH + 2)];
	ControlStatus st;
	size_t i, n;

	(void)state;
	for (i = 0; i < ELEMENTSOF(good); i++) {
		assert_int_equal(control_parse(good[i], strlen(good[i]), &o), 0);
		fjson_object_put(o);
	}
	for (i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(control_parse(bad[i], strlen(bad[i]), &o), -EBADMSG);
	/* an embedded NUL hides the rest from the tokenizer: refused */
	assert_int_equal(control_parse("{}\0garbage", 10, &o), -EBADMSG);
	/* nesting: CONTROL_MAX_DEPTH levels are fine, one more is not */
	for (n = CONTROL_MAX_DEPTH; n <= CONTROL_MAX_DEPTH + 1; n++) {
		size_t k = 0;

		for (i = 0; i < n - 1; i++)
			k += (size_t)sprintf(deep + k, "{\"a\":");
		k += (size_t)sprintf(deep + k, "{}");
		for (i = 0; i < n - 1; i++)
			deep[k++] = '}';
		deep[k] = '\0';
		if (n == CONTROL_MAX_DEPTH) {
			assert_int_equal(control_parse(deep, k, &o), 0);
			fjson_object_put(o);
		} else {
			assert_int_equal(control_parse(deep, k, &o), -EBADMSG);
		}
	}
	/* status */
	assert_int_equal(control_parse("{\"status\":\"progress\"}", 21, &o), 0);
	assert_int_equal(control_reply_status(o, &st), 0);
	assert_int_equal(st, CONTROL_STATUS_PROGRESS);
	assert_int_equal(control_reply_refusal(o), 0);
	fjson_object_put(o);
	assert_int_equal(control_parse("{\"status\":\"maybe\"}", 18, &o), 0);
	assert_int_equal(control_reply_status(o, &st), -EBADMSG);
	fjson_object_put(o);
	assert_int_equal(control_parse("{\"status\":\"error\",\"code\":\"access-denied\"}", 41, &o),
			 0);
	assert_int_equal(control_reply_refusal(o), -EACCES);
	fjson_object_put(o);
}

static void test_roundtrip(void **state)
{
	Fixture *f = *state;
	char dir[160];
	struct stat st;
	Job j;

	/* no daemon yet */
	call(f, &j, "{\"cmd\":\"echo\"}", -1);
	assert_int_equal(j.r, -ENOENT);
	job_done(&j);

	start_server(f);
	/* the parent directory was created 0755, the socket is 0600 */
	snprintf(dir, sizeof(dir), "%s/run", f->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);

	call(f, &j, "{\"cmd\":\"echo\",\"arg\":42}", -1);
	assert_int_equal(j.r, 0);
	assert_int_equal(reply_status(j.reply), CONTROL_STATUS_OK);
	assert_int_equal(reply_int(j.reply, "echo"), 42);
	assert_int_equal(j.nprogress, 0);
	assert_string_equal(f->ctx.last_cmd, "echo");
	/* SO_PEERCRED of a client thread: this process */
	assert_int_equal(f->ctx.peer_pid, getpid());
	assert_int_equal(f->ctx.peer_uid, geteuid());
	job_done(&j);

	/* the handler's error replies reach the caller with their status */
	call(f, &j, "{\"cmd\":\"frobnicate\"}", -1);
	assert_int_equal(j.r, 0);
	assert_int_equal(reply_status(j.reply), CONTROL_STATUS_ERROR);
	assert_non_null(strstr(j.reply, "unknown command 'frobnicate'"));
	job_done(&j);

	/* a reply that is not JSON */
	call(f, &j, "{\"cmd\":\"garbage\"}", -1);
	assert_int_equal(j.r, -EBADMSG);
	job_done(&j);

	assert_int_equal(f->ctx.requests, 3);
	assert_int_equal(f->ctx.closes, 3);
	assert_int_equal(control_server_connections(f->s), 0);
	finish(f);
	/* freeing the server removed its socket */
	assert_int_equal(access(f->path, F_OK), -1);
}

static void test_fd_passing(void **state)
{
	Fixture *f = *state;
	char file[160], buf[32] = "";
	int fd;
	Job j;

	start_server(f);
	snprintf(file, sizeof(file), "%s/out", f->dir);
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	call(f, &j, "{\"cmd\":\"write\"}", fd);
	assert_int_equal(j.r, 0);
	assert_int_equal(reply_status(j.reply), CONTROL_STATUS_OK);
	assert_int_equal(reply_int(j.reply, "wrote"), 9);
	job_done(&j);
	/* what the handler wrote through its copy is in the client's file */
	assert_int_equal(pread(fd, buf, sizeof(buf) - 1, 0), 9);
	assert_string_equal(buf, "captured\n");
	close(fd);

	/* without a descriptor the handler sees -1 */
	call(f, &j, "{\"cmd\":\"write\"}", -1);
	assert_int_equal(reply_status(j.reply), CONTROL_STATUS_ERROR);
	job_done(&j);
	finish(f);
}

static void test_progress(void **state)
{
	Fixture *f = *state;
	Job j;

	start_server(f);
	call(f, &j, "{\"cmd\":\"count\"}", -1);
	assert_int_equal(j.r, 0);
	assert_int_equal(j.nprogress, 3);
	assert_int_equal(reply_int(j.progress[0], "events"), 1);
	assert_int_equal(reply_int(j.progress[1], "events"), 2);
	assert_int_equal(reply_int(j.progress[2], "events"), 3);
	assert_int_equal(reply_status(j.reply), CONTROL_STATUS_OK);
	assert_int_equal(reply_int(j.reply, "events"), 3);
	assert_null(f->ctx.pending);
	job_done(&j);
	finish(f);
}

static void *stop_thread(void *p)
{
	static const char stop[] = "{\"cmd\":\"stop\"}";
	static const char capture[] = "{\"cmd\":\"capture\",\"duration_ms\":0}";
	Job *j = p;
	ControlClient *c = NULL;
	int r;

	r = control_client_connect(j->path, WAIT_MS, &c);
	if (r >= 0)
		r = control_client_send(c, capture, sizeof(capture) - 1, -1, WAIT_MS);
	if (r >= 0)
		r = j->rs[0] = control_client_recv(c, WAIT_MS, &j->msgs[0], NULL);
	if (r >= 0)
		r = control_client_send(c, stop, sizeof(stop) - 1, -1, WAIT_MS);
	if (r >= 0)
		r = j->rs[1] = control_client_recv(c, WAIT_MS, &j->msgs[1], NULL);
	/* a second stop: nothing runs any more */
	if (r >= 0)
		r = control_client_send(c, stop, sizeof(stop) - 1, -1, WAIT_MS);
	if (r >= 0)
		r = j->rs[2] = control_client_recv(c, WAIT_MS, &j->msgs[2], NULL);
	j->r = r;
	control_client_close(c);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_stop_second_message(void **state)
{
	Fixture *f = *state;
	Job j = { .path = f->path };

	start_server(f);
	run_job(f, stop_thread, &j);
	assert_int_equal(j.r, 0);
	assert_int_equal(reply_status(j.msgs[0]), CONTROL_STATUS_PROGRESS);
	assert_int_equal(reply_status(j.msgs[1]), CONTROL_STATUS_OK);
	assert_int_equal(reply_int(j.msgs[1], "events"), 5);
	assert_int_equal(reply_int(j.msgs[1], "dropped"), 0);
	assert_int_equal(reply_status(j.msgs[2]), CONTROL_STATUS_ERROR);
	/* three requests, one connection */
	assert_int_equal(f->ctx.requests, 3);
	assert_ptr_equal(f->ctx.conns[0], f->ctx.conns[1]);
	assert_ptr_equal(f->ctx.conns[1], f->ctx.conns[2]);
	assert_int_equal(f->ctx.closes, 1);
	assert_null(f->ctx.pending);
	job_done(&j);
	finish(f);
}

/* Fork a client that drops to nobody and runs fn; returns its exit status. */
static int run_as_nobody(Fixture *f, int (*fn)(const char *path))
{
	struct passwd *pw = getpwnam("nobody");
	uid_t uid = pw ? pw->pw_uid : 65534;
	gid_t gid = pw ? pw->pw_gid : 65534;
	uint64_t end = now_ms() + WAIT_MS;
	int status = -1;
	pid_t pid, w;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
			_exit(100);
		_exit(fn(f->path));
	}
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < end)
		pump_once(f, 5);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("client child did not finish");
	}
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The socket file's mode keeps others out before the server sees them. */
static int nobody_blocked_by_mode(const char *path)
{
	char *reply = NULL;
	int r = control_call(path, "{\"cmd\":\"echo\"}", -1, WAIT_MS, NULL, NULL, &reply);

	free(reply);
	return r == -EACCES ? 0 : 1;
}

/* With the mode opened up, the server's SO_PEERCRED check refuses them. */
static int nobody_refused_by_server(const char *path)
{
	ControlClient *c = NULL;
	char *reply = NULL;
	int r;

	if (control_client_connect(path, WAIT_MS, &c) < 0)
		return 2; /* must get past the file mode this time */
	control_client_close(c);
	r = control_call(path, "{\"cmd\":\"echo\"}", -1, WAIT_MS, NULL, NULL, &reply);
	if (r != -EACCES)
		fprintf(stderr, "nobody_refused_by_server: %d %s\n", r, reply ? reply : "");
	free(reply);
	return r == -EACCES ? 0 : 3;
}

static void test_peer_credentials(void **state)
{
	Fixture *f = *state;

	if (geteuid() != 0)
		skip(); /* needs root to become another user */
	start_server(f);
	assert_int_equal(run_as_nobody(f, nobody_blocked_by_mode), 0);
	assert_int_equal(chmod(f->path, 0666), 0);
	assert_int_equal(run_as_nobody(f, nobody_refused_by_server), 0);
	pump_for(f, 20);
	/* refused before being served: neither a request nor a connection */
	assert_int_equal(f->ctx.requests, 0);
	assert_int_equal(f->ctx.closes, 0);
	assert_int_equal(control_server_connections(f->s), 0);
	finish(f);
}

static void test_oversized(void **state)
{
	static const char echo[] = "{\"cmd\":\"echo\",\"arg\":7}";
	Fixture *f = *state;
	ControlClient *c = NULL;
	char *big, *msg;
	int sock, fd, sndbuf = 4 << 20;
	size_t huge = 1u << 20;

	start_server(f);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c), 0);
	sock = control_client_fd(c);
	if (setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		(void)setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	big = malloc(huge);
	assert_non_null(big);
	memset(big, ' ', huge);
	memcpy(big, echo, sizeof(echo) - 1);

	/* the client refuses to send it */
	assert_int_equal(control_client_send(c, big, CONTROL_MAX_MESSAGE + 1, -1, WAIT_MS),
			 -EMSGSIZE);
	/* exactly the limit (an echo padded with spaces) is served */
	assert_int_equal(control_client_send(c, big, CONTROL_MAX_MESSAGE, -1, WAIT_MS), 0);
	msg = serve_and_recv(f, c);
	assert_int_equal(reply_int(msg, "echo"), 7);
	free(msg);
	/* one byte more, sent raw with a descriptor attached: refused, the fd closed */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(raw_send(sock, big, CONTROL_MAX_MESSAGE + 1, &fd, 1), 0);
	close(fd);
	msg = serve_and_recv(f, c);
	assert_int_equal(reply_status(msg), CONTROL_STATUS_ERROR);
	assert_true(reply_has_code(msg, CONTROL_CODE_TOO_LARGE));
	free(msg);
	/* far larger (truncated by the kernel on receipt), when the buffer allows it */
	if (raw_send(sock, big, huge, NULL, 0) == 0) {
		msg = serve_and_recv(f, c);
		assert_true(reply_has_code(msg, CONTROL_CODE_TOO_LARGE));
		free(msg);
	}
	/* the connection still works */
	assert_int_equal(control_client_send(c, echo, sizeof(echo) - 1, -1, WAIT_MS), 0);
	msg = serve_and_recv(f, c);
	assert_int_equal(reply_int(msg, "echo"), 7);
	free(msg);
	free(big);
	assert_int_equal(f->ctx.requests, 2);
	control_client_close(c);
	finish(f);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"{not json",
		"[1,2]",
		"42",
		"{\"cmd\":5}",
		"{\"arg\":1}",
		"{\"cmd\":\"\"}",
		"{\"cmd\":null}",
		"{\"cmd\":\"echo\"} trailing",
		"{\"cmd\":\"echo\"}{}",
		"{\"cmd\":\"ec\\u0000ho\"}",
		"{\"cmd\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		"\xff\xfe{}",
	};
	static const char echo[] = "{\"cmd\":\"echo\",\"arg\":3}";
	static const char nul[] = "{\"cmd\":\"echo\"}\0{\"x\":1}";
	Fixture *f = *state;
	ControlClient *c = NULL;
	char deep[4096], *msg;
	int fds[2];
	size_t i, k = 0;

	start_server(f);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c), 0);
	for (i = 0; i < ELEMENTSOF(bad); i++) {
		assert_int_equal(control_client_send(c, bad[i], strlen(bad[i]), -1, WAIT_MS), 0);
		msg = serve_and_recv(f, c);
		assert_int_equal(reply_status(msg), CONTROL_STATUS_ERROR);
		assert_true(reply_has_code(msg, CONTROL_CODE_BAD_REQUEST));
		free(msg);
	}
	/* an embedded NUL */
	assert_int_equal(control_client_send(c, nul, sizeof(nul) - 1, -1, WAIT_MS), 0);
	msg = serve_and_recv(f, c);
	assert_true(reply_has_code(msg, CONTROL_CODE_BAD_REQUEST));
	free(msg);
	/* nesting far beyond the limit */
	for (i = 0; i < 1000; i++)
		deep[k++] = '[';
	deep[k] = '\0';
	assert_int_equal(control_client_send(c, deep, k, -1, WAIT_MS), 0);
	msg = serve_and_recv(f, c);
	assert_true(reply_has_code(msg, CONTROL_CODE_BAD_REQUEST));
	free(msg);
	/* a bad request with a descriptor, and a good one with two: both closed */
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_int_equal(control_client_send(c, bad[0], strlen(bad[0]), fds[0], WAIT_MS), 0);
	msg = serve_and_recv(f, c);
	assert_true(reply_has_code(msg, CONTROL_CODE_BAD_REQUEST));
	free(msg);
	assert_int_equal(raw_send(control_client_fd(c), echo, sizeof(echo) - 1, fds, 2), 0);
	msg = serve_and_recv(f, c);
	assert_true(reply_has_code(msg, CONTROL_CODE_BAD_REQUEST));
	free(msg);
	close(fds[0]);
	close(fds[1]);
	/* none reached the handler; the connection survived them all */
	assert_int_equal(f->ctx.requests, 0);
	assert_int_equal(control_client_send(c, echo, sizeof(echo) - 1, -1, WAIT_MS), 0);
	msg = serve_and_recv(f, c);
	assert_int_equal(reply_int(msg, "echo"), 3);
	free(msg);
	assert_int_equal(f->ctx.requests, 1);
	assert_int_equal(f->ctx.closes, 0);
	control_client_close(c);
	finish(f);
}

static void test_too_many_clients(void **state)
{
	Fixture *f = *state;
	ControlClient *c[CONTROL_MAX_CLIENTS + 1] = { 0 };
	uint64_t end = now_ms() + WAIT_MS;
	char *msg = NULL;
	unsigned i;
	Job j;

	start_server(f);
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		assert_int_equal(control_client_connect(f->path, WAIT_MS, &c[i]), 0);
		pump_once(f, 0);
	}
	while (control_server_connections(f->s) < CONTROL_MAX_CLIENTS && now_ms() < end)
		pump_once(f, 5);
	assert_int_equal(control_server_connections(f->s), CONTROL_MAX_CLIENTS);

	/* one more: told why, then closed */
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c[CONTROL_MAX_CLIENTS]), 0);
	msg = serve_and_recv(f, c[CONTROL_MAX_CLIENTS]);
	assert_true(reply_has_code(msg, CONTROL_CODE_CLIENTS));
	free(msg);
	assert_int_equal(control_client_recv(c[CONTROL_MAX_CLIENTS], WAIT_MS, &msg, NULL),
			 -ECONNRESET);
	c[CONTROL_MAX_CLIENTS] = control_client_close(c[CONTROL_MAX_CLIENTS]);
	call(f, &j, "{\"cmd\":\"echo\"}", -1);
	assert_int_equal(j.r, -EUSERS);
	job_done(&j);
	assert_int_equal(control_server_connections(f->s), CONTROL_MAX_CLIENTS);

	/* one leaves: room for the next */
	c[0] = control_client_close(c[0]);
	call(f, &j, "{\"cmd\":\"echo\",\"arg\":1}", -1);
	assert_int_equal(j.r, 0);
	assert_int_equal(reply_int(j.reply, "echo"), 1);
	job_done(&j);
	assert_int_equal(f->ctx.closes, 2);
	for (i = 1; i < CONTROL_MAX_CLIENTS; i++)
		c[i] = control_client_close(c[i]);
	pump_for(f, 20);
	assert_int_equal(control_server_connections(f->s), 0);
	assert_int_equal(f->ctx.closes, CONTROL_MAX_CLIENTS + 1);
	finish(f);
}

static void test_stale_and_live(void **state)
{
	Fixture *f = *state;
	ControlServer *other = NULL;
	struct sockaddr_un sa;
	socklen_t salen;
	char dir[160], text[16] = "";
	int fd;
	Job j;

	/* a socket file nobody listens on: refused to clients, replaced by a server */
	snprintf(dir, sizeof(dir), "%s/run", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(control_sockaddr(f->path, &sa, &salen), 0);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, salen), 0);
	close(fd);
	call(f, &j, "{\"cmd\":\"echo\"}", -1);
	assert_int_equal(j.r, -ECONNREFUSED);
	job_done(&j);
	start_server(f);
	call(f, &j, "{\"cmd\":\"echo\",\"arg\":5}", -1);
	assert_int_equal(reply_int(j.reply, "echo"), 5);
	job_done(&j);

	/* a live one is not touched */
	assert_int_equal(control_server_new(f->path, handler, on_close, &f->ctx, &other),
			 -EADDRINUSE);
	assert_null(other);
	call(f, &j, "{\"cmd\":\"echo\",\"arg\":6}", -1);
	assert_int_equal(reply_int(j.reply, "echo"), 6);
	job_done(&j);

	/* a file we did not create is never removed */
	f->s = control_server_free(f->s);
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(control_server_new(f->path, handler, on_close, &f->ctx, &other), -EEXIST);
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_int_equal(read(fd, text, sizeof(text) - 1), 4);
	close(fd);
	assert_string_equal(text, "keep");
	assert_int_equal(unlink(f->path), 0);

	/* a server whose file was replaced leaves the new one alone when freed */
	start_server(f);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(control_server_new(f->path, handler, on_close, &f->ctx, &other), 0);
	f->s = control_server_free(f->s);
	assert_int_equal(access(f->path, F_OK), 0);
	other = control_server_free(other);
	assert_int_equal(access(f->path, F_OK), -1);

	/* a path that cannot be a socket address */
	memset(dir, 'x', sizeof(dir) - 1);
	dir[0] = '/';
	dir[sizeof(dir) - 1] = '\0';
	assert_int_equal(control_server_new(dir, handler, on_close, &f->ctx, &other),
			 -ENAMETOOLONG);
	finish(f);
}

static void test_close_once(void **state)
{
	static const char hold[] = "{\"cmd\":\"hold\"}";
	Fixture *f = *state;
	ControlClient *c = NULL, *c2 = NULL;
	ControlConn *conn;
	uint64_t end = now_ms() + WAIT_MS;

	start_server(f);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c), 0);
	assert_int_equal(control_client_send(c, hold, sizeof(hold) - 1, -1, WAIT_MS), 0);
	while (!f->ctx.pending && now_ms() < end)
		pump_once(f, 5);
	assert_non_null(f->ctx.pending);
	/* keep our own reference past on_close */
	conn = control_conn_ref(f->ctx.pending);
	assert_true(control_conn_alive(conn));
	c = control_client_close(c);
	pump_for(f, 50);
	assert_int_equal(f->ctx.closes, 1);
	assert_ptr_equal(f->ctx.closed[0], conn);
	assert_null(f->ctx.pending); /* on_close let its reference go */
	assert_false(control_conn_alive(conn));
	assert_int_equal(reply(conn, "{\"status\":\"ok\"}"), -EPIPE);
	pump_for(f, 50);
	assert_int_equal(f->ctx.closes, 1);
	assert_null(control_conn_unref(conn));

	/* freeing the server closes what is still open, once */
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c2), 0);
	end = now_ms() + WAIT_MS;
	while (control_server_connections(f->s) < 1 && now_ms() < end)
		pump_once(f, 5);
	f->s = control_server_free(f->s);
	assert_int_equal(f->ctx.closes, 2);
	control_client_close(c2);
	finish(f);
}

static void test_idle_timeout(void **state)
{
	static const char hold[] = "{\"cmd\":\"hold\"}";
	Fixture *f = *state;
	ControlClient *idle = NULL, *busy = NULL;
	uint64_t end = now_ms() + WAIT_MS;
	char *msg = NULL;

	start_server(f);
	control_server_set_idle_timeout(f->s, 500);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &idle), 0);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &busy), 0);
	assert_int_equal(control_client_send(busy, hold, sizeof(hold) - 1, -1, WAIT_MS), 0);
	while (!f->ctx.pending && now_ms() < end)
		pump_once(f, 5);
	assert_non_null(f->ctx.pending);
	assert_int_equal(control_server_connections(f->s), 2);
	/* the idle client goes, the one with a pending request stays */
	pump_for(f, 900);
	assert_int_equal(f->ctx.closes, 1);
	assert_int_equal(control_server_connections(f->s), 1);
	assert_int_equal(control_client_recv(idle, WAIT_MS, &msg, NULL), -ECONNRESET);
	assert_true(control_conn_alive(f->ctx.pending));
	/* once answered, the other one is idle too and goes after the timeout */
	assert_int_equal(reply(f->ctx.pending, "{\"status\":\"ok\"}"), 0);
	f->ctx.pending = control_conn_unref(f->ctx.pending);
	pump_for(f, 100);
	assert_int_equal(control_server_connections(f->s), 1);
	pump_for(f, 800);
	assert_int_equal(control_server_connections(f->s), 0);
	assert_int_equal(f->ctx.closes, 2);
	msg = serve_and_recv(f, busy);
	assert_int_equal(reply_status(msg), CONTROL_STATUS_OK);
	free(msg);
	control_client_close(idle);
	control_client_close(busy);
	finish(f);
}

static void test_slow_reader(void **state)
{
	static const char hold[] = "{\"cmd\":\"hold\"}";
	Fixture *f = *state;
	ControlClient *c = NULL;
	uint64_t end = now_ms() + WAIT_MS, t0;
	ControlConn *conn;
	char *chunk, *msg = NULL;
	unsigned i, sent = 0;
	size_t len = 64u << 10;
	int r = 0;

	start_server(f);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c), 0);
	assert_int_equal(control_client_send(c, hold, sizeof(hold) - 1, -1, WAIT_MS), 0);
	while (!f->ctx.pending && now_ms() < end)
		pump_once(f, 5);
	conn = f->ctx.pending;
	assert_non_null(conn);
	chunk = malloc(len);
	assert_non_null(chunk);
	memset(chunk, ' ', len);
	memcpy(chunk, "{\"status\":\"progress\"}", 21);
	/* the client never reads: replies fail fast instead of blocking */
	t0 = now_ms();
	for (i = 0; i < 4096 && r == 0; i++) {
		r = control_reply(conn, chunk, len);
		if (r == 0)
			sent++;
	}
	assert_true(now_ms() - t0 < 2000);
	assert_int_equal(r, -ENOBUFS);
	assert_true(sent > 0);
	assert_false(control_conn_alive(conn));
	assert_int_equal(control_reply(conn, chunk, len), -EPIPE);
	free(chunk);
	/* dropped at the next dispatch, on_close once */
	pump_for(f, 50);
	assert_int_equal(f->ctx.closes, 1);
	assert_null(f->ctx.pending);
	assert_int_equal(control_server_connections(f->s), 0);
	/* the client reads what was queued, then the end */
	for (i = 0; i < sent; i++) {
		assert_int_equal(control_client_recv(c, WAIT_MS, &msg, NULL), 0);
		free(msg);
	}
	assert_int_equal(control_client_recv(c, WAIT_MS, &msg, NULL), -ECONNRESET);
	control_client_close(c);
	finish(f);
}

static void test_large_reply(void **state)
{
	static const char hold[] = "{\"cmd\":\"hold\"}";
	Fixture *f = *state;
	ControlClient *c = NULL;
	uint64_t end = now_ms() + WAIT_MS;
	char *big, *msg = NULL;
	size_t len = 0;
	int r;

	start_server(f);
	assert_int_equal(control_client_connect(f->path, WAIT_MS, &c), 0);
	assert_int_equal(control_client_send(c, hold, sizeof(hold) - 1, -1, WAIT_MS), 0);
	while (!f->ctx.pending && now_ms() < end)
		pump_once(f, 5);
	assert_non_null(f->ctx.pending);
	big = malloc(CONTROL_MAX_REPLY + 1);
	assert_non_null(big);
	memset(big, ' ', CONTROL_MAX_REPLY + 1);
	memcpy(big, "{\"status\":\"ok\",\"n\":1}", 21);
	assert_int_equal(control_reply(f->ctx.pending, big, CONTROL_MAX_REPLY + 1), -EMSGSIZE);
	assert_true(control_conn_alive(f->ctx.pending));
	r = control_reply(f->ctx.pending, big, CONTROL_MAX_REPLY);
	free(big);
	if (r == -EMSGSIZE) {
		/* unprivileged with a small net.core.wmem_max: the kernel caps the buffer */
		f->ctx.pending = control_conn_unref(f->ctx.pending);
		control_client_close(c);
		finish(f);
		skip();
	}
	assert_int_equal(r, 0);
	f->ctx.pending = control_conn_unref(f->ctx.pending);
	assert_int_equal(control_client_recv(c, WAIT_MS, &msg, &len), 0);
	assert_int_equal(len, CONTROL_MAX_REPLY);
	assert_int_equal(reply_int(msg, "n"), 1);
	free(msg);
	control_client_close(c);
	finish(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_passing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_second_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_credentials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_and_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_reply, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
