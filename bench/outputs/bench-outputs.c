// SPDX-License-Identifier: MIT
/*
 * bench/outputs: throughput of each alert output sink, through the real
 * queue and sink thread.  N alerts go through one sink at a time: file (the
 * baseline), stdout to /dev/null, program `cat >/dev/null`, and syslog to a
 * unix datagram socket, udp and tcp receivers this program runs itself (and
 * counts, so losses show).  Prints alerts/s and the ratio to the file sink;
 * no timing is asserted.  A sink is one table entry: journald (a running
 * journald) and rsyslog (imsaker on --rsyslog SOCKET, or -s rsyslog for a
 * socket of this program) run only when asked for.
 *
 *   bench-outputs [-n ALERTS] [-3] [-b] [-s SINK[,SINK...]] [--journald] [--rsyslog SOCKET]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "output/out-journald.h"
#include "output/out-rsyslog.h"
#include "output/out-syslog.h"
#include "output/outputs.h"

/* Alerts per sink; the queue holds the default capacity, submits wait for room. */
#define BENCH_DEFAULT_ALERTS 100000
#define BENCH_MAX_ALERTS 100000000
/* Submits pause while the queue holds more than this share of its capacity. */
#define BENCH_QUEUE_HIGH (OUTPUTS_QUEUE_DEFAULT * 3 / 4)
/* A sink gets this long to drain; a receiver this long to see the last message. */
#define BENCH_DRAIN_MS 120000
#define BENCH_RECV_WAIT_MS 3000

typedef enum RecvKind {
	RECV_NONE,
	RECV_DGRAM,  /* one message per datagram */
	RECV_OCTETS, /* a listening tcp socket; octet-counted frames */
} RecvKind;

/* A receiver thread counting what a socket sink delivers. */
typedef struct Receiver {
	RecvKind kind;
	int fd;
	pthread_t thread;
	atomic_bool stop;
	atomic_ulong messages;
	atomic_ulong bad_frames;
} Receiver;

typedef struct Bench {
	char dir[64];	/* scratch directory */
	char dest[160]; /* the destination the current sink was given */
	const char *format;
	const char *rsyslog_socket;
	Receiver rx;
} Bench;

typedef struct BenchSink {
	const char *name;
	/* Only when asked for (-s NAME or its own option): it needs a daemon outside. */
	bool on_request;
	/* Adds the sink to o, starting b->rx when the sink's messages are to be counted. */
	int (*add)(Bench *b, Outputs *o, char *err, size_t errlen);
} BenchSink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int r)
{
	fprintf(stderr, "bench-outputs: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

/* ---- receivers ---------------------------------------------------------- */

/* Counts octet-counted frames in what arrives on one connection. */
static void recv_octets(Receiver *rx, int fd)
{
	static char buf[256 * 1024];
	size_t want = 0; /* body bytes still to skip */
	unsigned long len = 0;
	bool in_len = true, digits = false;

	while (!atomic_load(&rx->stop)) {
		ssize_t n, i;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return;
		for (i = 0; i < n;) {
			if (!in_len) {
				size_t take = MIN(want, (size_t)(n - i));

				want -= take;
				i += (ssize_t)take;
				if (want == 0) {
					atomic_fetch_add(&rx->messages, 1);
					in_len = true;
					len = 0;
					digits = false;
				}
				continue;
			}
			if (buf[i] >= '0' && buf[i] <= '9' && len < SYSLOG_MAX_STREAM * 10) {
				len = len * 10 + (unsigned long)(buf[i] - '0');
				digits = true;
			} else if (buf[i] == ' ' && digits) {
				in_len = false;
				want = len;
				if (want == 0) {
					atomic_fetch_add(&rx->messages, 1);
					in_len = true;
					digits = false;
				}
			} else {
				atomic_fetch_add(&rx->bad_frames, 1);
				return;
			}
			i++;
		}
	}
}

static void *receiver_thread(void *arg)
{
	static char buf[SYSLOG_MAX_STREAM + 1];
	struct timeval tick = { 0, 100000 };
	Receiver *rx = arg;

	while (!atomic_load(&rx->stop)) {
		struct pollfd pfd = { .fd = rx->fd, .events = POLLIN };
		int c;

		if (rx->kind == RECV_DGRAM) {
			/* Blocking, with SO_RCVTIMEO to look at stop: one call per message. */
			if (recv(rx->fd, buf, sizeof(buf), 0) >= 0)
				atomic_fetch_add(&rx->messages, 1);
			continue;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		c = accept4(rx->fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		(void)setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
		recv_octets(rx, c);
		close(c);
	}
	return NULL;
}

static int receiver_start(Receiver *rx, RecvKind kind, int fd)
{
	int big = 4 * 1024 * 1024, r;

	struct timeval tick = { 0, 100000 };

	/* Room for bursts: the bench measures the sink, not this reader. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	rx->kind = kind;
	rx->fd = fd;
	atomic_store(&rx->stop, false);
	atomic_store(&rx->messages, 0);
	atomic_store(&rx->bad_frames, 0);
	r = -pthread_create(&rx->thread, NULL, receiver_thread, rx);
	if (r < 0) {
		close(fd);
		rx->kind = RECV_NONE;
	}
	return r;
}

/* Waits until want messages came (at most BENCH_RECV_WAIT_MS), stops, returns the count. */
static unsigned long receiver_stop(Receiver *rx, unsigned long want)
{
	double deadline = now_s() + BENCH_RECV_WAIT_MS / 1000.0;
	unsigned long got;

	if (rx->kind == RECV_NONE)
		return 0;
	while (atomic_load(&rx->messages) < want && now_s() < deadline)
		usleep(1000);
	atomic_store(&rx->stop, true);
	pthread_join(rx->thread, NULL);
	close(rx->fd);
	got = atomic_load(&rx->messages);
	rx->kind = RECV_NONE;
	return got;
}

static int unix_dgram_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int loopback_socket(int type, unsigned *ret_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 4) < 0) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -errno;
	}
	*ret_port = ntohs(sa.sin_port);
	return fd;
}

/* ---- the sinks ---------------------------------------------------------- */

static int add_file(Bench *b, Outputs *o, char *err, size_t errlen)
{
	snprintf(b->dest, sizeof(b->dest), "%s/alerts.log", b->dir);
	unlink(b->dest);
	return outputs_add_file(o, b->dest, true, err, errlen);
}

static int add_stdout(Bench *b, Outputs *o, char *err, size_t errlen)
{
	/* main() points file descriptor 1 at /dev/null around this sink's run. */
	return outputs_add_stdout(o, err, errlen);
}

static int add_program(Bench *b, Outputs *o, char *err, size_t errlen)
{
	return outputs_add_program(o, "cat >/dev/null", true, err, errlen);
}

static int add_syslog_unix(Bench *b, Outputs *o, char *err, size_t errlen)
{
	int fd, r;

	snprintf(b->dest, sizeof(b->dest), "%s/syslog.sock", b->dir);
	fd = unix_dgram_socket(b->dest);
	if (fd < 0)
		return fd;
	r = receiver_start(&b->rx, RECV_DGRAM, fd);
	if (r < 0)
		return r;
	return outputs_add_syslog(o, b->format, b->dest, "authpriv", "saker", NULL, err, errlen);
}

static int add_syslog_inet(Bench *b, Outputs *o, bool tcp, char *err, size_t errlen)
{
	unsigned port = 0;
	int fd, r;

	fd = loopback_socket(tcp ? SOCK_STREAM : SOCK_DGRAM, &port);
	if (fd < 0)
		return fd;
	r = receiver_start(&b->rx, tcp ? RECV_OCTETS : RECV_DGRAM, fd);
	if (r < 0)
		return r;
	snprintf(b->dest, sizeof(b->dest), "%s://127.0.0.1:%u", tcp ? "tcp" : "udp", port);
	return outputs_add_syslog(o, b->format, b->dest, "authpriv", "saker", NULL, err, errlen);
}

static int add_syslog_udp(Bench *b, Outputs *o, char *err, size_t errlen)
{
	return add_syslog_inet(b, o, false, err, errlen);
}

static int add_syslog_tcp(Bench *b, Outputs *o, char *err, size_t errlen)
{
	return add_syslog_inet(b, o, true, err, errlen);
}

/* A journald must be running (/run/systemd/journal/socket); its entries are not counted. */
static int add_journald(Bench *b, Outputs *o, char *err, size_t errlen)
{
	return outputs_add_journald(o, "authpriv", err, errlen);
}

/*
 * --rsyslog SOCKET: rsyslogd with imsaker listening there (not counted);
 * -s rsyslog alone: a datagram socket of this program, counted.
 */
static int add_rsyslog(Bench *b, Outputs *o, char *err, size_t errlen)
{
	int fd, r;

	if (b->rsyslog_socket)
		return outputs_add_rsyslog(o, b->rsyslog_socket, err, errlen);
	snprintf(b->dest, sizeof(b->dest), "%s/rsyslog.sock", b->dir);
	fd = unix_dgram_socket(b->dest);
	if (fd < 0)
		return fd;
	r = receiver_start(&b->rx, RECV_DGRAM, fd);
	if (r < 0)
		return r;
	return outputs_add_rsyslog(o, b->dest, err, errlen);
}

/* The file sink comes first: it is the baseline of the ratios. */
static const BenchSink sinks[] = {
	{ "file", false, add_file },
	{ "stdout", false, add_stdout },
	{ "program", false, add_program },
	{ "syslog-unix", false, add_syslog_unix },
	{ "syslog-udp", false, add_syslog_udp },
	{ "syslog-tcp", false, add_syslog_tcp },
	{ "journald", true, add_journald },
	{ "rsyslog", true, add_rsyslog },
};

/* ---- the run ------------------------------------------------------------ */

static const char *const tags[] = { "filesystem", "mitre_credential_access", "T1555" };

static Alert bench_alert(AlertField *fields, size_t nfields, const char *output)
{
	return (Alert){
		.rule = "Read sensitive file untrusted",
		.priority = PRI_WARNING,
		.tags = tags,
		.ntags = ELEMENTSOF(tags),
		.source = "syscall",
		.hostname = "bench-host",
		.output = output,
		.output_len = strlen(output),
		.fields = fields,
		.nfields = nfields,
	};
}

typedef struct Result {
	double rate;
	unsigned long received; /* by a receiver of ours; -1 when none counts */
	bool counted;
	uint64_t lost, errors;
} Result;

static int run_sink(Bench *b, const BenchSink *s, unsigned long n, bool buffered, Result *res)
{
	OutputsOptions opts = { .buffered = buffered, .json_opts = { true, true, true } };
	AlertField fields[] = {
		{ .name = "user.name", .value = "www-data", .len = 8 },
		{ .name = "proc.name", .value = "cat", .len = 3 },
		{ .name = "proc.cmdline", .value = "cat /etc/shadow", .len = 15 },
		{ .name = "proc.pname", .value = "bash", .len = 4 },
		{ .name = "fd.name", .value = "/etc/shadow", .len = 11 },
		{ .name = "container.id", .value = "host", .len = 4 },
	};
	const char *output = "Sensitive file opened for reading by non-trusted program "
			     "(user=www-data program=cat command=cat /etc/shadow file=/etc/shadow "
			     "parent=bash gparent=sshd container_id=host image=<NA>)";
	char err[OUTPUTS_MAX_ERROR] = "";
	Alert a = bench_alert(fields, ELEMENTSOF(fields), output);
	OutputSinkStats st;
	Outputs *o = NULL;
	double t0, t1;
	unsigned long i;
	int r;

	r = outputs_new(&opts, &o);
	if (r < 0)
		return r;
	r = s->add(b, o, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "bench-outputs: %s: %s\n", s->name, err[0] ? err : strerror(-r));
		outputs_free(o);
		receiver_stop(&b->rx, 0);
		return r;
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		a.time_ns = 1700000000000000000ull + i * 1000;
		/* Wait for room rather than measure how fast a full queue drops alerts. */
		if ((i & 63) == 0)
			for (;;) {
				outputs_stats(o, &st, 1);
				if (st.queued <= BENCH_QUEUE_HIGH)
					break;
				usleep(50);
			}
		outputs_submit(o, &a);
	}
	r = outputs_drain(o, BENCH_DRAIN_MS);
	t1 = now_s();
	outputs_stats(o, &st, 1);
	outputs_free(o);
	res->counted = b->rx.kind != RECV_NONE;
	res->received = receiver_stop(&b->rx, n);
	res->rate = (double)n / (t1 - t0);
	res->lost = st.lost;
	res->errors = st.errors;
	return r;
}

static bool selected(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "journald", no_argument, NULL, 'J' },
		{ "rsyslog", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	Bench b = { .format = "rfc5424" };
	const char *only = NULL;
	char extra[64] = "";
	double base = 0;
	unsigned long n = BENCH_DEFAULT_ALERTS;
	bool buffered = false;
	size_t i;
	int c, r, failed = 0;

	while ((c = getopt_long(argc, argv, "n:3bs:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			if (n == 0 || n > BENCH_MAX_ALERTS)
				die("-n", EINVAL);
			break;
		case '3':
			b.format = "rfc3164";
			break;
		case 'b':
			buffered = true;
			break;
		case 's':
			only = optarg;
			break;
		case 'J':
			if (!selected(extra + 1, "journald"))
				strcat(extra, ",journald");
			break;
		case 'R':
			b.rsyslog_socket = optarg;
			if (!selected(extra + 1, "rsyslog"))
				strcat(extra, ",rsyslog");
			break;
		case 'h':
			printf("usage: bench-outputs [-n ALERTS] [-3 (rfc3164)] [-b (buffered)] "
			       "[-s SINK,...] [--journald] [--rsyslog SOCKET]\nsinks:");
			for (i = 0; i < ELEMENTSOF(sinks); i++)
				printf(" %s%s", sinks[i].name, sinks[i].on_request ? "*" : "");
			printf("  (* only when asked for)\n");
			return 0;
		default:
			return 2;
		}
	}
	snprintf(b.dir, sizeof(b.dir), "/tmp/bench-outputs.XXXXXX");
	if (!mkdtemp(b.dir))
		die("mkdtemp", errno);

	printf("bench-outputs: %lu alerts per sink, syslog %s, queue %u, %s\n", n, b.format,
	       OUTPUTS_QUEUE_DEFAULT, buffered ? "buffered" : "flush per alert");
	printf("%-12s %12s %8s %10s %8s %8s\n", "sink", "alerts/s", "vs file", "received",
	       "lost", "errors");
	fflush(stdout);
	for (i = 0; i < ELEMENTSOF(sinks); i++) {
		const BenchSink *s = &sinks[i];
		int saved = -1, devnull;
		char recv[24] = "-";
		Result res = { 0 };

		/* The baseline always; others as -s, --journald and --rsyslog say. */
		if (i != 0 && !(only && selected(only, s->name)) &&
		    !(s->on_request ? selected(extra + 1, s->name) : !only))
			continue;
		if (strcmp(s->name, "stdout") == 0) {
			fflush(stdout);
			saved = dup(STDOUT_FILENO);
			devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (saved < 0 || devnull < 0)
				die("/dev/null", errno);
			dup2(devnull, STDOUT_FILENO);
			close(devnull);
		}
		r = run_sink(&b, s, n, buffered, &res);
		if (saved >= 0) {
			dup2(saved, STDOUT_FILENO);
			close(saved);
		}
		if (i == 0)
			base = res.rate;
		if (res.counted)
			snprintf(recv, sizeof(recv), "%lu", res.received);
		printf("%-12s %12.0f %7.2fx %10s %8llu %8llu%s\n", s->name, res.rate,
		       base > 0 ? res.rate / base : 0, recv, (unsigned long long)res.lost,
		       (unsigned long long)res.errors,
		       r < 0 ? "  (failed)" : res.errors >= n ? "  (no alert got through)" : "");
		fflush(stdout);
		if (r < 0 || (res.lost && strcmp(s->name, "syslog-udp") != 0))
			failed = 1;
	}
	snprintf(b.dest, sizeof(b.dest), "rm -rf %s", b.dir);
	if (system(b.dest) != 0)
		fprintf(stderr, "bench-outputs: could not remove %s\n", b.dir);
	return failed;
}
