// SPDX-License-Identifier: MIT
/*
 * saker capture: have the running sakerd record the raw events it reads into
 * a file.  The device has a single reader, so the tool opens the file and
 * passes the descriptor over the control socket; the daemon writes to it and
 * reports progress.  Ctrl-C asks the daemon to stop and waits for its summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libfastjson/json.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control/control.h"
#include "tool/tool.h"

/* Waits for connecting and sending, and for the daemon's answer to "stop". */
#define CAPTURE_CONNECT_TIMEOUT_MS 10000u
#define CAPTURE_STOP_TIMEOUT_MS 10000u
/* How often the reply loop looks at the signal flag if a signal slipped past poll(). */
#define CAPTURE_POLL_SLICE_MS 250u
/* Longest -d: sakerd refuses captures longer than a day. */
#define CAPTURE_MAX_DURATION_S 86400.0

typedef struct fjson_object JObj;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	if (interrupted < 2)
		interrupted++;
}

static void json_putp(JObj **o)
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

static bool get_u64(JObj *o, const char *key, uint64_t *ret)
{
	JObj *v;
	int64_t n;

	if (!fjson_object_object_get_ex(o, key, &v) || !fjson_object_is_type(v, fjson_type_int))
		return false;
	n = fjson_object_get_int64(v);
	if (n < 0)
		return false;
	*ret = (uint64_t)n;
	return true;
}

/* "1.2 MiB" for progress lines. */
static const char *human_bytes(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < ELEMENTSOF(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%" PRIu64 " B", n);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}

/* The daemon's error sentence, with control characters replaced. */
static void print_error(JObj *reply)
{
	JObj *v;
	char buf[512];
	size_t i;

	if (!fjson_object_object_get_ex(reply, "error", &v) ||
	    !fjson_object_is_type(v, fjson_type_string)) {
		fprintf(stderr, "saker capture: sakerd reported an error\n");
		return;
	}
	snprintf(buf, sizeof(buf), "%s", fjson_object_get_string(v));
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	fprintf(stderr, "saker capture: %s\n", buf);
}

static int parse_duration(const char *s, uint64_t *ret_ms)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(d) || d < 0 || d > CAPTURE_MAX_DURATION_S)
		return -EINVAL;
	*ret_ms = (uint64_t)llround(d * 1000.0);
	return 0;
}

/*
 * Open the output file.  *ret_created tells whether it did not exist, so a
 * capture that never started can remove it again.  Returns 2 (usage) for a
 * terminal, 1 for other failures, 0 on success.
 */
static int open_output(const char *file, int *ret_fd, bool *ret_created)
{
	_cleanup_close_ int fd = -1;
	bool created = true;

	if (strcmp(file, "-") == 0) {
		if (isatty(STDOUT_FILENO)) {
			fputs("saker capture: refusing to write a capture to a terminal\n", stderr);
			return 2;
		}
		*ret_fd = STDOUT_FILENO;
		*ret_created = false;
		return 0;
	}
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
	}
	if (fd < 0) {
		fprintf(stderr, "saker capture: cannot open %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (isatty(fd)) {
		fprintf(stderr, "saker capture: refusing to write a capture to a terminal (%s)\n",
			file);
		return 2;
	}
	*ret_fd = TAKE_FD(fd);
	*ret_created = created;
	return 0;
}

typedef struct Progress {
	bool shown; /* a progress line is on stderr, unterminated */
	bool tty;
} Progress;

static void show_progress(Progress *p, JObj *reply)
{
	uint64_t events = 0, bytes = 0;
	char b[32];

	if (!p->tty)
		return;
	(void)get_u64(reply, "events", &events);
	(void)get_u64(reply, "bytes", &bytes);
	fprintf(stderr, "\rcapturing: %" PRIu64 " events, %s%s    ", events,
		human_bytes(bytes, b, sizeof(b)), interrupted ? " (stopping)" : "");
	p->shown = true;
}

static void end_progress(Progress *p)
{
	if (p->shown)
		fputc('\n', stderr);
	p->shown = false;
}

/*
 * Read replies until the final one, sending "stop" on the first SIGINT or
 * SIGTERM.  Returns the final reply, or negative errno; *ret_started tells
 * whether the daemon reported any progress (the file then holds data).
 */
static int wait_final(ControlClient *c, Progress *p, JObj **ret, bool *ret_started)
{
	static const char stop[] = "{\"cmd\":\"stop\"}";
	uint64_t stop_deadline = 0;
	bool stop_sent = false;
	int r;

	for (;;) {
		_cleanup_(json_putp) JObj *reply = NULL;
		_cleanup_free_ char *msg = NULL;
		ControlStatus st;
		size_t len;

		if (interrupted > 1)
			return -EINTR;
		if (interrupted && !stop_sent) {
			r = control_client_send(c, stop, sizeof(stop) - 1, -1,
						CAPTURE_CONNECT_TIMEOUT_MS);
			/* a closed connection may still hold the final reply: read on */
			if (r < 0 && r != -EPIPE && r != -ECONNRESET)
				return r;
			stop_sent = true;
			stop_deadline = now_ms() + CAPTURE_STOP_TIMEOUT_MS;
		}
		r = control_client_recv(c, CAPTURE_POLL_SLICE_MS, &msg, &len);
		if (r == -EINTR || r == -ETIMEDOUT) {
			if (stop_sent && now_ms() >= stop_deadline)
				return -ETIMEDOUT;
			continue;
		}
		if (r < 0)
			return r;
		if (control_parse(msg, len, &reply) < 0 || control_reply_status(reply, &st) < 0)
			return -EBADMSG;
		if (st == CONTROL_STATUS_PROGRESS) {
			*ret_started = true;
			show_progress(p, reply);
			continue;
		}
		r = control_reply_refusal(reply);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(reply);
		return 0;
	}
}

static void print_summary(JObj *reply, const char *file)
{
	uint64_t events, bytes, dropped;
	char line[256] = "captured";
	char b[32];
	size_t n;

	n = strlen(line);
	if (get_u64(reply, "events", &events))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %" PRIu64 " events", events);
	if (get_u64(reply, "bytes", &bytes) && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " (%s)",
				      human_bytes(bytes, b, sizeof(b)));
	if (n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " to %.128s",
				      strcmp(file, "-") == 0 ? "stdout" : file);
	if (get_u64(reply, "dropped", &dropped) && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ", %" PRIu64 " dropped", dropped);
	fprintf(stderr, "saker capture: %s\n", line);
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "write", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(control_client_closep) ControlClient *c = NULL;
	_cleanup_(json_putp) JObj *reply = NULL;
	const char *path = CONTROL_DEFAULT_SOCKET, *file = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	Progress progress = { .tty = isatty(STDERR_FILENO) };
	bool created = false, started = false;
	uint64_t duration_ms = 0, events;
	ControlStatus st;
	char req[96];
	int o, r, fd = -1;

	optind = 1;
	while ((o = getopt_long(argc, argv, "w:d:s:h", opts, NULL)) >= 0) {
		switch (o) {
		case 'w':
			file = optarg;
			break;
		case 'd':
			if (parse_duration(optarg, &duration_ms) < 0) {
				fprintf(stderr, "saker capture: invalid duration '%s' "
						"(seconds, 0 to %.0f)\n",
					optarg, CAPTURE_MAX_DURATION_S);
				return 2;
			}
			break;
		case 's':
			path = optarg;
			break;
		case 'h':
			puts("Usage: saker capture -w FILE [-d SECONDS] [-s SOCKET]\n"
			     "Record the events the running sakerd reads into FILE (root only).\n"
			     "  -w, --write FILE      output file, \"-\": stdout (not a terminal)\n"
			     "  -d, --duration SECS   stop after SECS seconds (default: Ctrl-C)\n"
			     "  -s, --socket PATH     control socket (default "
			     CONTROL_DEFAULT_SOCKET ")");
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "saker capture: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!file || !*file) {
		fprintf(stderr, "saker capture: no output file given (-w FILE)\n");
		return 2;
	}

	/* connect first: when sakerd is not running, FILE is left alone */
	r = control_client_connect(path, CAPTURE_CONNECT_TIMEOUT_MS, &c);
	if (r < 0) {
		tool_control_error("capture", path, r);
		return 1;
	}
	r = open_output(file, &fd, &created);
	if (r != 0)
		return r;

	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a signal interrupts the wait for the next reply */
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);

	snprintf(req, sizeof(req), "{\"cmd\":\"capture\",\"duration_ms\":%" PRIu64 "}",
		 duration_ms);
	r = control_client_send(c, req, strlen(req), fd, CAPTURE_CONNECT_TIMEOUT_MS);
	if (fd != STDOUT_FILENO)
		close(fd); /* the daemon holds its own copy now */
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		goto fail;
	r = wait_final(c, &progress, &reply, &started);
	end_progress(&progress);
	if (r < 0)
		goto fail;
	if (control_reply_status(reply, &st) < 0 || st != CONTROL_STATUS_OK) {
		print_error(reply);
		goto remove;
	}
	print_summary(reply, file);
	return 0;

fail:
	if (r == -EINTR)
		fprintf(stderr, "saker capture: interrupted; %s may be incomplete\n",
			strcmp(file, "-") == 0 ? "the capture" : file);
	else if (r == -ETIMEDOUT)
		fprintf(stderr, "saker capture: sakerd did not confirm the end of the capture\n");
	else
		tool_control_error("capture", path, r);
remove:
	/*
	 * A file made for this run that nothing was recorded into (refused,
	 * or the daemon went away before reporting) is not left behind.
	 */
	if (created && !started && r != -EINTR && r != -ETIMEDOUT &&
	    !(reply && get_u64(reply, "events", &events) && events > 0))
		(void)unlink(file);
	return 1;
}
