// SPDX-License-Identifier: MIT
/*
 * Tests of the rsyslog output (daemon/output/out-rsyslog.c) against a unix
 * datagram socket the test binds and reads itself, standing in for imsaker:
 * the datagram is the alert's JSON, a receiver that is not there yet or
 * restarts, a full socket (bounded wait, counted loss), oversize alerts and
 * bad paths, and the one-line reports on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "output/out-rsyslog.h"
#include "output/outputs.h"

#define T0 1700000000123456789ull /* 2023-11-14T22:13:20.123456789Z */

static char tmpdir[64];
static const char *const test_tags[] = { "filesystem", "mitre_credential_access" };
static const AlertField test_fields[] = {
	{ .name = "proc.name", .value = "cat", .len = 3 },
	{ .name = "fd.name", .value = "/etc/shadow", .len = 11 },
	{ .name = "container.id", .value = "<NA>", .len = 4, .missing = true },
};

static Alert make_alert(const char *rule, const char *output)
{
	return (Alert){
		.time_ns = T0,
		.rule = rule,
		.priority = PRI_WARNING,
		.tags = test_tags,
		.ntags = ELEMENTSOF(test_tags),
		.source = "syscall",
		.hostname = "host1",
		.output = output,
		.output_len = strlen(output),
		.fields = test_fields,
		.nfields = ELEMENTSOF(test_fields),
	};
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *path_in_tmp(const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	return p;
}

/* The receiving end, as imsaker binds it. */
static int bind_receiver(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* The next datagram within timeout_ms (malloc'd, NUL-terminated), or NULL. */
static char *receive(int fd, unsigned timeout_ms)
{
	static char buf[RSYSLOG_DATAGRAM_MAX + 1];
	uint64_t deadline = now_ms() + timeout_ms;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n >= 0)
			return strndup(buf, (size_t)n);
		if (now_ms() >= deadline)
			return NULL;
		sleep_ms(5);
	}
}

static char *render_json(const Alert *a)
{
	StrBuf sb = { 0 };

	assert_true(alert_render_json(a, NULL, &sb) >= 0);
	return strbuf_steal(&sb);
}

static OutputSinkStats stats_of(Outputs *o)
{
	OutputSinkStats st[OUTPUTS_MAX_SINKS];

	assert_int_equal(outputs_stats(o, st, ELEMENTSOF(st)), 1);
	assert_string_equal(st[0].name, "rsyslog");
	return st[0];
}

/* Text outputs: the sink sends the JSON object whatever json_output says. */
static Outputs *new_outputs(void)
{
	OutputsOptions oo = { .json = false, .json_opts = { true, true, true } };
	Outputs *o = NULL;

	assert_int_equal(outputs_new(&oo, &o), 0);
	return o;
}

/* stderr goes to a file while a test looks at the reports. */
static int saved_stderr = -1;

static void capture_stderr(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
}

static char *captured_stderr(const char *path)
{
	char *text = NULL;
	size_t len;

	fflush(stderr);
	assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
	close(saved_stderr);
	saved_stderr = -1;
	assert_int_equal(read_full_file(path, 1 << 20, &text, &len), 0);
	return text;
}

static unsigned count_lines_with(const char *text, const char *needle)
{
	unsigned n = 0;
	const char *p = text;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static void test_delivers_json(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("deliver.sock");
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	char err[OUTPUTS_MAX_ERROR];
	int fd = bind_receiver(path);
	unsigned i;

	(void)unused;
	assert_int_equal(outputs_add_rsyslog(o, path, err, sizeof(err)), 0);
	for (i = 0; i < 3; i++) {
		char rule[32], out[64];
		Alert a;

		snprintf(rule, sizeof(rule), "rule %u", i);
		snprintf(out, sizeof(out), "alert number %u\nwith a line feed", i);
		a = make_alert(rule, out);
		outputs_submit(o, &a);
	}
	assert_int_equal(outputs_drain(o, 5000), 0);
	for (i = 0; i < 3; i++) {
		char rule[32], out[64];
		_cleanup_free_ char *got = receive(fd, 1000), *want = NULL;
		Alert a;

		snprintf(rule, sizeof(rule), "rule %u", i);
		snprintf(out, sizeof(out), "alert number %u\nwith a line feed", i);
		a = make_alert(rule, out);
		want = render_json(&a);
		assert_non_null(got);
		/* The whole object, no newline after it. */
		assert_string_equal(got, want);
	}
	assert_int_equal(stats_of(o).written, 3);
	assert_int_equal(stats_of(o).errors, 0);
	close(fd);
}

static void test_receiver_later(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("later.sock"), *log = path_in_tmp("later.err");
	_cleanup_free_ char *got = NULL, *text = NULL;
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	char err[OUTPUTS_MAX_ERROR];
	Alert a = make_alert("r", "before rsyslogd");
	int fd;

	(void)unused;
	unlink(path);
	capture_stderr(log);
	/* No rsyslogd yet: the sink starts all the same. */
	assert_int_equal(outputs_add_rsyslog(o, path, err, sizeof(err)), 0);
	outputs_submit(o, &a);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	assert_int_equal(stats_of(o).errors, 2);
	assert_int_equal(stats_of(o).written, 0);

	fd = bind_receiver(path);
	/* The retry delay after two failed connects is well below this. */
	sleep_ms(4 * RSYSLOG_RETRY_MIN_MS);
	a = make_alert("r", "after rsyslogd");
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	got = receive(fd, 1000);
	assert_non_null(got);
	assert_non_null(strstr(got, "\"output\":\"after rsyslogd\""));
	assert_int_equal(stats_of(o).written, 1);

	text = captured_stderr(log);
	/* Said once when the outage began, once when it ended. */
	assert_int_equal(count_lines_with(text, "rsyslog output: cannot send to"), 1);
	assert_int_equal(count_lines_with(text, "2 alerts were lost"), 1);
	close(fd);
}

static void test_receiver_restarts(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("restart.sock");
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *first = NULL, *second = NULL;
	char err[OUTPUTS_MAX_ERROR];
	Alert a = make_alert("r", "one");
	int fd = bind_receiver(path);

	(void)unused;
	assert_int_equal(outputs_add_rsyslog(o, path, err, sizeof(err)), 0);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	first = receive(fd, 1000);
	assert_non_null(first);

	/* A new rsyslogd: a new socket at the same path; no alert is lost. */
	close(fd);
	fd = bind_receiver(path);
	a = make_alert("r", "two");
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	second = receive(fd, 1000);
	assert_non_null(second);
	assert_non_null(strstr(second, "\"output\":\"two\""));
	assert_int_equal(stats_of(o).written, 2);
	assert_int_equal(stats_of(o).errors, 0);
	close(fd);
}

static void test_full_socket(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("full.sock"), *log = path_in_tmp("full.err");
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *text = NULL, *got = NULL;
	char err[OUTPUTS_MAX_ERROR];
	Alert a = make_alert("r", "fills the socket");
	OutputSinkStats st;
	unsigned i, n, extra = 3;
	uint64_t start, took;
	int fd = bind_receiver(path);
	char *qlen = NULL;
	size_t len;

	(void)unused;
	/* The receiver's queue holds net.unix.max_dgram_qlen + 1 datagrams. */
	assert_int_equal(read_full_file("/proc/sys/net/unix/max_dgram_qlen", 64, &qlen, &len), 0);
	n = (unsigned)atoi(qlen) + 1 + extra;
	free(qlen);

	capture_stderr(log);
	assert_int_equal(outputs_add_rsyslog(o, path, err, sizeof(err)), 0);
	start = now_ms();
	for (i = 0; i < n; i++)
		outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 60000), 0);
	took = now_ms() - start;
	st = stats_of(o);
	assert_int_equal(st.written + st.errors + st.lost, n);
	assert_true(st.errors >= extra);
	/* Each loss cost one bounded wait, no more. */
	assert_true(took >= st.errors * (RSYSLOG_SEND_WAIT_MS - 50));
	assert_true(took <= st.errors * (RSYSLOG_SEND_WAIT_MS + 250) + 2000);

	/* Read everything: the next alert goes through and the end is reported. */
	for (i = 0; i < n; i++)
		free(receive(fd, 0));
	a = make_alert("r", "room again");
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	got = receive(fd, 1000);
	assert_non_null(got);
	assert_non_null(strstr(got, "room again"));
	text = captured_stderr(log);
	assert_int_equal(count_lines_with(text, "is full (rsyslogd is behind)"), 1);
	assert_int_equal(count_lines_with(text, "alerts were lost"), 1);
	close(fd);
}

static void test_oversize(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("big.sock"), *log = path_in_tmp("big.err");
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *text = NULL, *got = NULL;
	size_t big = RSYSLOG_DATAGRAM_MAX + 1;
	_cleanup_free_ char *out = malloc(big + 1);
	char err[OUTPUTS_MAX_ERROR];
	int fd = bind_receiver(path);
	Alert a;

	(void)unused;
	assert_non_null(out);
	memset(out, 'x', big);
	out[big] = '\0';
	capture_stderr(log);
	assert_int_equal(outputs_add_rsyslog(o, path, err, sizeof(err)), 0);
	a = make_alert("r", out);
	outputs_submit(o, &a);
	/* Just below the limit goes through whole. */
	a = make_alert("r", "");
	{
		_cleanup_free_ char *empty = render_json(&a);

		out[RSYSLOG_DATAGRAM_MAX - strlen(empty)] = '\0';
	}
	a = make_alert("r", out);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	assert_int_equal(stats_of(o).errors, 1);
	assert_int_equal(stats_of(o).written, 1);
	got = receive(fd, 1000);
	assert_non_null(got);
	assert_int_equal(strlen(got), RSYSLOG_DATAGRAM_MAX);
	text = captured_stderr(log);
	assert_int_equal(count_lines_with(text, "larger than 262144 bytes"), 1);
	close(fd);
}

static void test_bad_paths(void **unused)
{
	_cleanup_free_ char *file = path_in_tmp("plain-file");
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	char err[OUTPUTS_MAX_ERROR], longpath[200];
	int fd;

	(void)unused;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(outputs_add_rsyslog(o, file, err, sizeof(err)), -ENOTSOCK);
	assert_non_null(strstr(err, "is not a socket"));

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(outputs_add_rsyslog(o, longpath, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "longer than"));
	assert_int_equal(outputs_nsinks(o), 0);

	/* NULL or "": the default path, which need not exist. */
	assert_int_equal(outputs_add_rsyslog(o, NULL, err, sizeof(err)), 0);
	assert_int_equal(outputs_nsinks(o), 1);
}

static int setup_tmpdir(void **unused)
{
	(void)unused;
	strcpy(tmpdir, "/tmp/test-out-rsyslog-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmpdir(void **unused)
{
	char cmd[128];

	(void)unused;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivers_json),	  cmocka_unit_test(test_receiver_later),
		cmocka_unit_test(test_receiver_restarts), cmocka_unit_test(test_full_socket),
		cmocka_unit_test(test_oversize),	  cmocka_unit_test(test_bad_paths),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
