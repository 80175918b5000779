// SPDX-License-Identifier: MIT
/*
 * Tests of the alert outputs (daemon/output/outputs.c and the sinks): the
 * alert copy, the queues driven through a test sink the test can hold up
 * (no blocking submit, oldest-first loss, order, drain, stop), and the
 * stdout, file and program sinks against real files, pipes and children.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "output/outputs.h"

#define T0 1700000000123456789ull /* 2023-11-14T22:13:20.123456789Z */
#define TEXT_PREFIX "22:13:20.123456789: Warning "

static const char *const test_tags[] = { "container", "mitre_execution" };
static const AlertField test_fields[] = {
	{ .name = "proc.name", .value = "catXXX", .len = 3 },
	{ .name = "fd.name", .value = "<NA>", .len = 4, .missing = true },
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

static char *render_json(const Alert *a)
{
	StrBuf sb = { 0 };

	assert_true(alert_render_json(a, NULL, &sb) >= 0);
	return strbuf_steal(&sb);
}

/* ---- alert_dup ---------------------------------------------------------- */

static void test_alert_dup(void **unused)
{
	char *rule = strdup("Terminal shell in container");
	char *out = strdup("A shell was spawned (user=root shell=bash)");
	char *tag0 = strdup("shell"), *tag1 = strdup("mitre_execution");
	char *fname = strdup("proc.name"), *fval = strdup("bashZZZ");
	char *host = strdup("node-7");
	const char *tags[2] = { tag0, tag1 };
	AlertField fields[2] = {
		{ .name = fname, .value = fval, .len = 4 },
		{ .name = "proc.pname", .value = NULL, .len = 0, .missing = true },
	};
	Alert a = {
		.time_ns = T0,
		.rule = rule,
		.priority = PRI_NOTICE,
		.tags = tags,
		.ntags = 2,
		.source = NULL,
		.hostname = host,
		.output = out,
		.output_len = strlen(out),
		.fields = fields,
		.nfields = 2,
	};
	_cleanup_free_ char *before = NULL, *after = NULL;
	_cleanup_free_ Alert *c = NULL;

	(void)unused;
	before = render_json(&a);
	c = alert_dup(&a);
	assert_non_null(c);

	/* Scribble over and free everything the original pointed to. */
	memset(rule, 'X', strlen(rule));
	memset(out, 'X', strlen(out));
	memset(fval, 'X', strlen(fval));
	tags[0] = "changed";
	fields[0].name = "changed";
	a.ntags = 0;
	free(rule);
	free(out);
	free(tag0);
	free(tag1);
	free(fname);
	free(fval);
	free(host);

	assert_string_equal(c->rule, "Terminal shell in container");
	assert_int_equal(c->priority, PRI_NOTICE);
	assert_null(c->source);
	assert_string_equal(c->hostname, "node-7");
	assert_int_equal(c->output_len, strlen("A shell was spawned (user=root shell=bash)"));
	assert_memory_equal(c->output, "A shell was spawned (user=root shell=bash)", c->output_len);
	assert_int_equal(c->ntags, 2);
	assert_string_equal(c->tags[0], "shell");
	assert_string_equal(c->tags[1], "mitre_execution");
	assert_int_equal(c->nfields, 2);
	assert_string_equal(c->fields[0].name, "proc.name");
	assert_int_equal(c->fields[0].len, 4);
	/* Values are copied by length (and NUL-terminated in the copy). */
	assert_string_equal(c->fields[0].value, "bash");
	assert_false(c->fields[0].missing);
	assert_string_equal(c->fields[1].name, "proc.pname");
	assert_null(c->fields[1].value);
	assert_true(c->fields[1].missing);
	/* The copy lives in its own block, not in the freed original. */
	assert_true((const char *)c->rule > (const char *)c &&
		    (const char *)c->rule < (const char *)c + 4096);

	after = render_json(c);
	assert_string_equal(before, after);

	/* Empty alert, and a count without its array. */
	a = (Alert){ .rule = "r", .ntags = 5, .nfields = 3, .priority = PRI_DEBUG };
	free(c);
	c = alert_dup(&a);
	assert_non_null(c);
	assert_int_equal(c->ntags, 0);
	assert_int_equal(c->nfields, 0);
	assert_null(c->output);
	assert_null(alert_dup(NULL));
}

/* ---- a sink the test controls ------------------------------------------ */

typedef struct TestSink {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool hold;	 /* write() waits while set */
	unsigned waiting; /* write() calls waiting on hold */
	char *lines[4096];
	size_t nlines;
	unsigned writes, flushes, reopens, idles;
	unsigned bad; /* writes with signals unblocked or a malformed line */
	bool open_fails;
	bool closed;
	bool closed_in_other_thread;
	pthread_t creator;
} TestSink;

static void test_sink_init(TestSink *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	t->creator = pthread_self();
}

static void test_sink_done(TestSink *t)
{
	size_t i;

	assert_int_equal(t->bad, 0);
	for (i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
}

static int ts_open(void *userdata, char *errbuf, size_t errlen)
{
	TestSink *t = userdata;

	if (t->open_fails) {
		snprintf(errbuf, errlen, "test output: refused");
		return -EACCES;
	}
	return 0;
}

static int ts_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	TestSink *t = userdata;
	sigset_t mask;
	int r = 0;

	/* Checked by the test's thread: cmocka's asserts cannot leave this one. */
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	pthread_mutex_lock(&t->lock);
	/* Sink threads run with every signal blocked. */
	if (!sigismember(&mask, SIGTERM) || !sigismember(&mask, SIGPIPE) ||
	    !sigismember(&mask, SIGUSR1) || !sigismember(&mask, SIGINT))
		t->bad++;
	if (len == 0 || line[len - 1] != '\n' || strlen(line) != len)
		t->bad++;
	t->waiting++;
	pthread_cond_broadcast(&t->cond);
	while (t->hold)
		pthread_cond_wait(&t->cond, &t->lock);
	t->waiting--;
	t->writes++;
	if (strcmp(a->rule, "fail") == 0)
		r = -EIO;
	else if (t->nlines < ELEMENTSOF(t->lines))
		t->lines[t->nlines++] = strndup(line, len);
	pthread_mutex_unlock(&t->lock);
	return r;
}

static int ts_flush(void *userdata)
{
	TestSink *t = userdata;

	pthread_mutex_lock(&t->lock);
	t->flushes++;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int ts_reopen(void *userdata)
{
	TestSink *t = userdata;

	pthread_mutex_lock(&t->lock);
	t->reopens++;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int ts_idle(void *userdata)
{
	TestSink *t = userdata;

	pthread_mutex_lock(&t->lock);
	t->idles++;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static void ts_close(void *userdata)
{
	TestSink *t = userdata;

	pthread_mutex_lock(&t->lock);
	t->closed = true;
	t->closed_in_other_thread = !pthread_equal(pthread_self(), t->creator);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static const OutputSinkOps test_ops = {
	.name = "test",
	.open = ts_open,
	.write = ts_write,
	.flush = ts_flush,
	.reopen = ts_reopen,
	.close = ts_close,
	.idle = ts_idle,
};

static void ts_set_hold(TestSink *t, bool hold)
{
	pthread_mutex_lock(&t->lock);
	t->hold = hold;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* Waits until the sink thread sits in write() behind the hold. */
static void ts_wait_blocked(TestSink *t)
{
	pthread_mutex_lock(&t->lock);
	while (t->waiting == 0)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

static OutputSinkStats stats_of(Outputs *o, size_t i)
{
	OutputSinkStats st[OUTPUTS_MAX_SINKS];

	assert_true(outputs_stats(o, st, ELEMENTSOF(st)) > i);
	return st[i];
}

static void submit_rule(Outputs *o, const char *rule)
{
	Alert a = make_alert(rule, rule);

	outputs_submit(o, &a);
}

/* The i-th line received by the test sink, text rendering of rule "rN". */
static void assert_line(TestSink *t, size_t i, unsigned n)
{
	char want[64];

	assert_true(i < t->nlines);
	snprintf(want, sizeof(want), TEXT_PREFIX "r%u\n", n);
	assert_string_equal(t->lines[i], want);
}

static void test_queue_overflow(void **unused)
{
	OutputsOptions opts = { .queue_capacity = 4 };
	_cleanup_(outputs_freep) Outputs *o = NULL;
	char errbuf[OUTPUTS_MAX_ERROR], rule[16];
	OutputSinkStats st;
	uint64_t t0, worst = 0;
	TestSink t;
	unsigned i;

	(void)unused;
	test_sink_init(&t);
	assert_int_equal(outputs_new(&opts, &o), 0);
	t.hold = true;
	assert_int_equal(outputs_add_sink(o, &test_ops, &t, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(outputs_nsinks(o), 1);

	/* r0 is taken by the thread and held inside write(). */
	submit_rule(o, "r0");
	ts_wait_blocked(&t);
	/* The queue is empty, but drain waits for the alert being written. */
	assert_int_equal(stats_of(o, 0).queued, 0);
	assert_int_equal(outputs_drain(o, 50), -ETIMEDOUT);

	/* Ten more into a queue of four: none of them waits for the sink. */
	for (i = 1; i <= 10; i++) {
		snprintf(rule, sizeof(rule), "r%u", i);
		t0 = now_ms();
		submit_rule(o, rule);
		worst = MAX(worst, now_ms() - t0);
	}
	assert_true(worst < 100);
	st = stats_of(o, 0);
	assert_string_equal(st.name, "test");
	assert_int_equal(st.queued, 4);
	assert_int_equal(st.capacity, 4);
	assert_int_equal(st.lost, 6);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.errors, 0);

	/* Drain cannot finish while the sink is held. */
	t0 = now_ms();
	assert_int_equal(outputs_drain(o, 200), -ETIMEDOUT);
	assert_true(now_ms() - t0 >= 190);
	assert_int_equal(stats_of(o, 0).queued, 4);

	ts_set_hold(&t, false);
	assert_int_equal(outputs_drain(o, 5000), 0);
	st = stats_of(o, 0);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.written, 5);
	assert_int_equal(st.lost, 6);

	/* The oldest went: r0 (already out), then r7..r10 in order. */
	pthread_mutex_lock(&t.lock);
	assert_int_equal(t.nlines, 5);
	assert_line(&t, 0, 0);
	for (i = 1; i < 5; i++)
		assert_line(&t, i, 6 + i);
	/* Not buffered: a flush after every alert, all done when drain returned. */
	assert_int_equal(t.flushes, 5);
	pthread_mutex_unlock(&t.lock);

	o = outputs_free(o);
	assert_true(t.closed);
	assert_true(t.closed_in_other_thread);
	test_sink_done(&t);
}

static void test_order_and_errors(void **unused)
{
	OutputsOptions opts = { .queue_capacity = 2048, .buffered = true };
	_cleanup_(outputs_freep) Outputs *o = NULL;
	char rule[16];
	Alert bad;
	OutputSinkStats st;
	TestSink t;
	unsigned i;

	(void)unused;
	test_sink_init(&t);
	assert_int_equal(outputs_new(&opts, &o), 0);
	t.hold = true;
	assert_int_equal(outputs_add_sink(o, &test_ops, &t, NULL, 0), 0);
	submit_rule(o, "r0");
	ts_wait_blocked(&t);
	for (i = 1; i < 2000; i++) {
		snprintf(rule, sizeof(rule), "r%u", i);
		submit_rule(o, rule);
		if (i % 100 == 0)
			submit_rule(o, "fail");
	}
	/* Alerts the renderers cannot take are errors, not crashes. */
	bad = make_alert("r", "x");
	bad.priority = PRI_INVALID;
	outputs_submit(o, &bad);
	bad.priority = _PRI_MAX;
	outputs_submit(o, &bad);
	bad.priority = PRI_DEBUG;
	bad.rule = NULL;
	outputs_submit(o, &bad);
	ts_set_hold(&t, false);
	assert_int_equal(outputs_drain(o, 10000), 0);

	st = stats_of(o, 0);
	assert_int_equal(st.written, 2000);
	assert_int_equal(st.errors, 19 + 3);
	assert_int_equal(st.lost, 0);
	pthread_mutex_lock(&t.lock);
	assert_int_equal(t.nlines, 2000);
	for (i = 0; i < 2000; i++)
		assert_line(&t, i, i);
	/* Buffered: one flush, when the queue ran empty. */
	assert_int_equal(t.flushes, 1);
	pthread_mutex_unlock(&t.lock);

	/* Reopen reaches the sink, and drain waits for it. */
	outputs_reopen(o);
	assert_int_equal(outputs_drain(o, 5000), 0);
	pthread_mutex_lock(&t.lock);
	assert_int_equal(t.reopens, 1);
	pthread_mutex_unlock(&t.lock);

	/* An empty queue calls idle() about once a second. */
	sleep_ms(OUTPUTS_IDLE_INTERVAL_MS + 300);
	pthread_mutex_lock(&t.lock);
	assert_true(t.idles >= 1);
	pthread_mutex_unlock(&t.lock);

	o = outputs_free(o);
	test_sink_done(&t);
}

static void test_sinks_and_limits(void **unused)
{
	OutputsOptions opts = { .queue_capacity = OUTPUTS_QUEUE_MAX + 1 };
	_cleanup_(outputs_freep) Outputs *o = NULL;
	TestSink t[OUTPUTS_MAX_SINKS + 1];
	char errbuf[OUTPUTS_MAX_ERROR];
	OutputSinkStats st[OUTPUTS_MAX_SINKS];
	size_t i, j;

	(void)unused;
	assert_int_equal(outputs_new(&opts, &o), -EINVAL);
	assert_int_equal(outputs_new(NULL, &o), 0);
	assert_int_equal(outputs_stats(o, st, ELEMENTSOF(st)), 0);

	/* A failing open: error sentence, close() still called, no sink. */
	test_sink_init(&t[0]);
	t[0].open_fails = true;
	assert_int_equal(outputs_add_sink(o, &test_ops, &t[0], errbuf, sizeof(errbuf)), -EACCES);
	assert_string_equal(errbuf, "test output: refused");
	assert_true(t[0].closed);
	assert_int_equal(outputs_nsinks(o), 0);
	test_sink_done(&t[0]);

	/* Every sink gets every alert; one too many sinks is refused. */
	for (i = 0; i <= OUTPUTS_MAX_SINKS; i++)
		test_sink_init(&t[i]);
	for (i = 0; i < OUTPUTS_MAX_SINKS; i++)
		assert_int_equal(outputs_add_sink(o, &test_ops, &t[i], NULL, 0), 0);
	assert_int_equal(outputs_add_sink(o, &test_ops, &t[i], errbuf, sizeof(errbuf)), -E2BIG);
	assert_true(t[OUTPUTS_MAX_SINKS].closed);
	assert_non_null(strstr(errbuf, "too many"));
	submit_rule(o, "r1");
	submit_rule(o, "r2");
	assert_int_equal(outputs_drain(o, 5000), 0);
	assert_int_equal(outputs_stats(o, st, 3), OUTPUTS_MAX_SINKS);
	assert_int_equal(outputs_stats(o, st, ELEMENTSOF(st)), OUTPUTS_MAX_SINKS);
	for (i = 0; i < OUTPUTS_MAX_SINKS; i++) {
		assert_int_equal(st[i].written, 2);
		assert_int_equal(st[i].capacity, OUTPUTS_QUEUE_DEFAULT);
		assert_int_equal(t[i].nlines, 2);
		for (j = 0; j < 2; j++)
			assert_line(&t[i], j, (unsigned)j + 1);
	}
	o = outputs_free(o);
	for (i = 0; i <= OUTPUTS_MAX_SINKS; i++) {
		assert_true(t[i].closed);
		test_sink_done(&t[i]);
	}

	/* NULLs are harmless. */
	outputs_submit(NULL, NULL);
	outputs_reopen(NULL);
	assert_int_equal(outputs_drain(NULL, 0), 0);
	assert_null(outputs_free(NULL));
}

/* A sink stuck in write() costs outputs_free() a bounded wait, and is freed later. */
static void test_stuck_sink_abandoned(void **unused)
{
	Outputs *o = NULL;
	uint64_t t0, took;
	TestSink *t = malloc(sizeof(*t));

	(void)unused;
	assert_non_null(t);
	test_sink_init(t);
	assert_int_equal(outputs_new(NULL, &o), 0);
	t->hold = true;
	assert_int_equal(outputs_add_sink(o, &test_ops, t, NULL, 0), 0);
	submit_rule(o, "r0");
	submit_rule(o, "r1");
	ts_wait_blocked(t);

	t0 = now_ms();
	assert_null(outputs_free(o));
	took = now_ms() - t0;
	assert_true(took >= OUTPUTS_STOP_TIMEOUT_MS - 50);
	assert_true(took < OUTPUTS_STOP_TIMEOUT_MS + 2000);
	assert_false(t->closed);

	/* The write returns at last: the thread closes the sink and frees the rest. */
	ts_set_hold(t, false);
	pthread_mutex_lock(&t->lock);
	while (!t->closed)
		pthread_cond_wait(&t->cond, &t->lock);
	assert_int_equal(t->nlines, 1);
	pthread_mutex_unlock(&t->lock);
	/* Let the thread finish freeing before the sink's memory goes. */
	sleep_ms(100);
	test_sink_done(t);
	free(t);
}

/* ---- file sink ---------------------------------------------------------- */

static char tmpdir[64];

static int setup_tmpdir(void **unused)
{
	(void)unused;
	strcpy(tmpdir, "/tmp/test-outputs-XXXXXX");
	umask(022);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmpdir(void **unused)
{
	char cmd[128];

	(void)unused;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path_in_tmp(const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	return p;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len;

	assert_int_equal(read_full_file(path, 64 << 20, &buf, &len), 0);
	return buf;
}

/* Lines "<prefix>r<from>\n" .. "<prefix>r<to-1>\n". */
static char *expected_lines(unsigned from, unsigned to)
{
	StrBuf sb = { 0 };
	unsigned i;

	for (i = from; i < to; i++)
		strbuf_printf(&sb, TEXT_PREFIX "r%u\n", i);
	return strbuf_steal(&sb);
}

static void submit_range(Outputs *o, unsigned from, unsigned to)
{
	char rule[16];
	unsigned i;

	for (i = from; i < to; i++) {
		snprintf(rule, sizeof(rule), "r%u", i);
		submit_rule(o, rule);
	}
}

static void test_file_text(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("text.log"), *want = NULL, *got = NULL;
	char errbuf[OUTPUTS_MAX_ERROR];
	int keep_alive;
	struct stat st;

	(void)unused;
	for (keep_alive = 0; keep_alive <= 1; keep_alive++) {
		_cleanup_(outputs_freep) Outputs *o = NULL;
		OutputsOptions opts = { .buffered = keep_alive };

		unlink(path);
		assert_int_equal(outputs_new(&opts, &o), 0);
		assert_int_equal(outputs_add_file(o, path, keep_alive, errbuf, sizeof(errbuf)), 0);
		/* Created at start-up, 0640. */
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0640);
		submit_range(o, 0, 50);
		assert_int_equal(outputs_drain(o, 5000), 0);
		free(got);
		got = slurp(path);
		free(want);
		want = expected_lines(0, 50);
		assert_string_equal(got, want);
		assert_int_equal(stats_of(o, 0).written, 50);
		assert_string_equal(stats_of(o, 0).name, "file");

		/* Appends, never truncates. */
		o = outputs_free(o);
		assert_int_equal(outputs_new(&opts, &o), 0);
		assert_int_equal(outputs_add_file(o, path, keep_alive, errbuf, sizeof(errbuf)), 0);
		submit_range(o, 50, 60);
		assert_int_equal(outputs_drain(o, 5000), 0);
		free(got);
		got = slurp(path);
		free(want);
		want = expected_lines(0, 60);
		assert_string_equal(got, want);
	}
}

static void test_file_json(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("alerts.json"), *got = NULL;
	OutputsOptions opts = { .json = true, .json_opts = { true, true, true } };
	_cleanup_(outputs_freep) Outputs *o = NULL;
	static const char want[] =
		"{\"hostname\":\"host1\",\"output\":\"Shell \\\"bash\\\"\","
		"\"output_fields\":{\"proc.name\":\"cat\",\"fd.name\":null},"
		"\"priority\":\"Warning\",\"rule\":\"r\\\\1\",\"source\":\"syscall\","
		"\"tags\":[\"container\",\"mitre_execution\"],"
		"\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n"
		"{\"hostname\":\"host1\",\"priority\":\"Warning\",\"rule\":\"r\\\\1\","
		"\"source\":\"syscall\",\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n";
	Alert a = make_alert("r\\1", "Shell \"bash\"");

	(void)unused;
	assert_int_equal(outputs_new(&opts, &o), 0);
	assert_int_equal(outputs_add_file(o, path, true, NULL, 0), 0);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	o = outputs_free(o);

	/* The json_include_*_property switches. */
	opts.json_opts = (AlertJsonOptions){ false, false, false };
	assert_int_equal(outputs_new(&opts, &o), 0);
	assert_int_equal(outputs_add_file(o, path, false, NULL, 0), 0);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	got = slurp(path);
	assert_string_equal(got, want);
}

static void test_file_reopen(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("rotate.log"), *old = path_in_tmp("rotate.log.1");
	_cleanup_free_ char *got = NULL, *want = NULL;
	_cleanup_(outputs_freep) Outputs *o = NULL;
	char errbuf[OUTPUTS_MAX_ERROR];

	(void)unused;
	assert_int_equal(outputs_new(NULL, &o), 0);
	assert_int_equal(outputs_add_file(o, path, true, errbuf, sizeof(errbuf)), 0);
	submit_range(o, 0, 2);
	assert_int_equal(outputs_drain(o, 5000), 0);

	/* logrotate: mv; the open file still takes alerts until SIGUSR1. */
	assert_int_equal(rename(path, old), 0);
	submit_range(o, 2, 3);
	assert_int_equal(outputs_drain(o, 5000), 0);
	assert_int_equal(access(path, F_OK), -1);
	outputs_reopen(o);
	submit_range(o, 3, 5);
	assert_int_equal(outputs_drain(o, 5000), 0);

	got = slurp(old);
	want = expected_lines(0, 3);
	assert_string_equal(got, want);
	free(got);
	free(want);
	got = slurp(path);
	want = expected_lines(3, 5);
	assert_string_equal(got, want);
	o = outputs_free(o);

	/* Without keep_alive every alert opens the file anew: no reopen needed. */
	assert_int_equal(outputs_new(NULL, &o), 0);
	assert_int_equal(outputs_add_file(o, path, false, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(rename(path, old), 0);
	submit_range(o, 5, 6);
	assert_int_equal(outputs_drain(o, 5000), 0);
	free(got);
	free(want);
	got = slurp(path);
	want = expected_lines(5, 6);
	assert_string_equal(got, want);
}

static void test_file_errors(void **unused)
{
	_cleanup_free_ char *bad = path_in_tmp("no/such/dir/alerts.log");
	_cleanup_free_ char *dir = path_in_tmp("subdir"), *inner = path_in_tmp("subdir/a.log");
	_cleanup_(outputs_freep) Outputs *o = NULL;
	char errbuf[OUTPUTS_MAX_ERROR];
	OutputSinkStats st;

	(void)unused;
	assert_int_equal(outputs_new(NULL, &o), 0);
	assert_int_equal(outputs_add_file(o, bad, true, errbuf, sizeof(errbuf)), -ENOENT);
	assert_non_null(strstr(errbuf, bad));
	assert_non_null(strstr(errbuf, strerror(ENOENT)));
	assert_int_equal(outputs_add_file(o, bad, false, errbuf, sizeof(errbuf)), -ENOENT);
	assert_int_equal(outputs_add_file(o, "", false, errbuf, sizeof(errbuf)), -EINVAL);
	assert_int_equal(outputs_nsinks(o), 0);

	/* The file's directory vanishes: errors counted, alerts go on once it is back. */
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(outputs_add_file(o, inner, false, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(unlink(inner), 0);
	assert_int_equal(rmdir(dir), 0);
	submit_range(o, 0, 3);
	assert_int_equal(outputs_drain(o, 5000), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	submit_range(o, 3, 4);
	assert_int_equal(outputs_drain(o, 5000), 0);
	st = stats_of(o, 0);
	assert_int_equal(st.errors, 3);
	assert_int_equal(st.written, 1);
}

/* ---- stdout sink -------------------------------------------------------- */

/* Runs n alerts through a stdout sink whose fd 1 is fd; returns its stats. */
static OutputSinkStats through_stdout(int fd, unsigned n)
{
	_cleanup_(outputs_freep) Outputs *o = NULL;
	char errbuf[OUTPUTS_MAX_ERROR];
	OutputSinkStats st;
	int saved;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	assert_int_equal(outputs_new(NULL, &o), 0);
	assert_int_equal(outputs_add_stdout(o, errbuf, sizeof(errbuf)), 0);
	submit_range(o, 0, n);
	assert_int_equal(outputs_drain(o, 5000), 0);
	st = stats_of(o, 0);
	o = outputs_free(o);
	assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	return st;
}

static void test_stdout(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("stdout.txt"), *got = NULL, *want = NULL;
	OutputSinkStats st;
	int fd, p[2];

	(void)unused;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	st = through_stdout(fd, 20);
	close(fd);
	assert_string_equal(st.name, "stdout");
	assert_int_equal(st.written, 20);
	assert_int_equal(st.errors, 0);
	got = slurp(path);
	want = expected_lines(0, 20);
	assert_string_equal(got, want);

	/*
	 * A pipe nobody reads any more: EPIPE, counted; SIGPIPE is not ignored
	 * in this process, so a sink that let it through would end the test.
	 */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	st = through_stdout(p[1], 5);
	close(p[1]);
	assert_int_equal(st.written, 5);
	assert_int_equal(st.errors, 5);
}

/* ---- program sink ------------------------------------------------------- */

static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_program_cat(void **unused)
{
	_cleanup_free_ char *path = path_in_tmp("prog.log"), *got = NULL, *want = NULL;
	char cmd[256], errbuf[OUTPUTS_MAX_ERROR];
	int keep_alive;

	(void)unused;
	snprintf(cmd, sizeof(cmd), "cat >> '%s'", path);
	for (keep_alive = 1; keep_alive >= 0; keep_alive--) {
		_cleanup_(outputs_freep) Outputs *o = NULL;
		unsigned n = keep_alive ? 500 : 20;
		OutputSinkStats st;

		unlink(path);
		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, cmd, keep_alive, errbuf, sizeof(errbuf)), 0);
		submit_range(o, 0, n);
		assert_int_equal(outputs_drain(o, 20000), 0);
		st = stats_of(o, 0);
		assert_string_equal(st.name, "program");
		assert_int_equal(st.written, n);
		assert_int_equal(st.errors, 0);
		/* free() closes the pipe and waits for cat to write its last lines. */
		o = outputs_free(o);
		assert_no_children();
		free(got);
		free(want);
		got = slurp(path);
		want = expected_lines(0, n);
		assert_string_equal(got, want);
	}
}

static void test_program_exits(void **unused)
{
	char errbuf[OUTPUTS_MAX_ERROR];
	OutputSinkStats st;
	uint64_t t0;
	unsigned i;

	(void)unused;
	/* keep_alive, and the program is gone at once: lines are lost, counted. */
	{
		_cleanup_(outputs_freep) Outputs *o = NULL;

		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, "true", true, errbuf, sizeof(errbuf)), 0);
		t0 = now_ms();
		/* 1.5 s of alerts: the child dies, restarts wait a second each. */
		for (i = 0; i < 75; i++) {
			submit_range(o, i, i + 1);
			sleep_ms(20);
		}
		assert_int_equal(outputs_drain(o, 5000), 0);
		st = stats_of(o, 0);
		assert_int_equal(st.written + st.errors, 75);
		assert_true(st.errors >= 1);
		assert_int_equal(st.lost, 0);
		o = outputs_free(o);
		assert_true(now_ms() - t0 < 5000);
		assert_no_children();
	}
	/* keep_alive, the program closes its stdin and lingers: EPIPE, then reaped. */
	{
		_cleanup_(outputs_freep) Outputs *o = NULL;

		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, "exec 0<&-; sleep 0.5", true, errbuf,
						     sizeof(errbuf)),
				 0);
		sleep_ms(200);
		submit_range(o, 0, 1);
		assert_int_equal(outputs_drain(o, 5000), 0);
		st = stats_of(o, 0);
		assert_int_equal(st.written, 0);
		assert_int_equal(st.errors, 1);
		assert_no_children();
		o = outputs_free(o);
	}
	/* keep_alive, the program outlives EOF: killed after a bounded wait at stop. */
	{
		_cleanup_(outputs_freep) Outputs *o = NULL;
		uint64_t took;

		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, "cat >/dev/null; exec sleep 30", true,
						     errbuf, sizeof(errbuf)),
				 0);
		submit_range(o, 0, 3);
		assert_int_equal(outputs_drain(o, 5000), 0);
		assert_int_equal(stats_of(o, 0).written, 3);
		t0 = now_ms();
		o = outputs_free(o);
		took = now_ms() - t0;
		assert_true(took >= 1500 && took < OUTPUTS_STOP_TIMEOUT_MS);
		assert_no_children();
	}
	/* One process per alert, exiting without reading: nothing hangs. */
	{
		_cleanup_(outputs_freep) Outputs *o = NULL;

		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, "true", false, errbuf, sizeof(errbuf)), 0);
		submit_range(o, 0, 10);
		assert_int_equal(outputs_drain(o, 10000), 0);
		st = stats_of(o, 0);
		assert_int_equal(st.written + st.errors, 10);
		o = outputs_free(o);
		assert_no_children();
	}
	/* A failing command is an error for each alert. */
	{
		_cleanup_(outputs_freep) Outputs *o = NULL;

		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, "cat >/dev/null; exit 3", false, errbuf,
						     sizeof(errbuf)),
				 0);
		submit_range(o, 0, 4);
		assert_int_equal(outputs_drain(o, 10000), 0);
		st = stats_of(o, 0);
		assert_int_equal(st.written, 0);
		assert_int_equal(st.errors, 4);
		o = outputs_free(o);
		assert_no_children();

		assert_int_equal(outputs_new(NULL, &o), 0);
		assert_int_equal(outputs_add_program(o, "", true, errbuf, sizeof(errbuf)), -EINVAL);
		assert_int_equal(outputs_nsinks(o), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_dup),
		cmocka_unit_test(test_queue_overflow),
		cmocka_unit_test(test_order_and_errors),
		cmocka_unit_test(test_sinks_and_limits),
		cmocka_unit_test(test_stuck_sink_abandoned),
		cmocka_unit_test(test_file_text),
		cmocka_unit_test(test_file_json),
		cmocka_unit_test(test_file_reopen),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_program_cat),
		cmocka_unit_test(test_program_exits),
	};

	return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
