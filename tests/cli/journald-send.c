// SPDX-License-Identifier: MIT
/*
 * A test driver for the journald output (tests/cli/test-journald.sh): the
 * sink behind a real output queue, fed with alerts on command, so the test
 * can stop, freeze and restart journald between alerts of one process and
 * watch the counters.  Not installed.
 *
 * Commands on stdin, one per line; each answers one line on stdout:
 *   send N RULE   queue N alerts of rule RULE    -> "queued N"
 *   drain MS      wait for the queue, at most MS -> "drained" | "timeout"
 *   stats         the sink's counters            -> "written=W lost=L errors=E queued=Q"
 * At the end of input the queue is drained (2 s at most) and the outputs
 * freed: "stopped in MS ms" and the counters follow.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/out-journald.h"

/* A command line (the rule name is in it). */
#define DRIVER_LINE_MAX 4096
/* Alerts one send command queues at most. */
#define DRIVER_SEND_MAX 1000000

/* A value with a newline, a NUL and bytes that are not UTF-8. */
static const char binary_value[] = "line one\nline two\0after NUL \xff\xfe end";

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void send_alerts(Outputs *o, const char *rule, unsigned long n)
{
	static const char *const tags[] = { "T1059", "host", "mitre_execution", "test" };
	char output[DRIVER_LINE_MAX + 64], seq[32];
	unsigned long i;

	for (i = 0; i < n; i++) {
		AlertField fields[] = {
			{ .name = "proc.name", .value = "journald-send", .len = 13 },
			{ .name = "proc.cmdline", .value = binary_value,
			  .len = sizeof(binary_value) - 1 },
			{ .name = "fd.name", .value = "/etc/shadow", .len = 11 },
			{ .name = "fd_name", .value = "second", .len = 6 },
			{ .name = "json", .value = "not the JSON", .len = 12 },
			{ .name = "container.id", .value = "<NA>", .len = 4, .missing = true },
			{ .name = "evt.num", .value = seq, .len = 0 },
		};
		Alert a = {
			.time_ns = (uint64_t)time(NULL) * 1000000000ull,
			.rule = rule,
			.priority = PRI_WARNING,
			.tags = tags,
			.ntags = ELEMENTSOF(tags),
			.source = "syscall",
			.hostname = "driverhost",
			.output = output,
			.fields = fields,
			.nfields = ELEMENTSOF(fields),
		};

		fields[6].len = (size_t)snprintf(seq, sizeof(seq), "%lu", i);
		a.output_len = (size_t)snprintf(output, sizeof(output),
						"%s alert %lu (fd.name=/etc/shadow)", rule, i);
		outputs_submit(o, &a);
	}
}

static void print_stats(const Outputs *o)
{
	OutputSinkStats st = { 0 };

	outputs_stats(o, &st, 1);
	printf("written=%" PRIu64 " lost=%" PRIu64 " errors=%" PRIu64 " queued=%zu\n", st.written,
	       st.lost, st.errors, st.queued);
}

int main(int argc, char **argv)
{
	const char *facility = NULL;
	OutputsOptions oo = { .json_opts = { true, true, true } };
	char err[OUTPUTS_MAX_ERROR], line[DRIVER_LINE_MAX];
	OutputSinkStats st = { 0 };
	Outputs *o = NULL;
	uint64_t t0;
	int c, r;

	while ((c = getopt(argc, argv, "f:q:")) >= 0) {
		switch (c) {
		case 'f':
			facility = optarg;
			break;
		case 'q':
			oo.queue_capacity = strtoul(optarg, NULL, 10);
			break;
		default:
			fputs("usage: journald-send [-f FACILITY] [-q QUEUE] <commands\n", stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = outputs_new(&oo, &o);
	if (r < 0) {
		fprintf(stderr, "journald-send: %s\n", strerror(-r));
		return 1;
	}
	r = outputs_add_journald(o, facility, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "journald-send: %s\n", err[0] ? err : strerror(-r));
		outputs_free(o);
		return 1;
	}

	while (fgets(line, sizeof(line), stdin)) {
		char rule[DRIVER_LINE_MAX];
		unsigned long n, ms;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "send %lu %4095[^\n]", &n, rule) == 2 && n <= DRIVER_SEND_MAX) {
			send_alerts(o, rule, n);
			printf("queued %lu\n", n);
		} else if (sscanf(line, "drain %lu", &ms) == 1 && ms <= 600000)
			puts(outputs_drain(o, (unsigned)ms) < 0 ? "timeout" : "drained");
		else if (strcmp(line, "stats") == 0)
			print_stats(o);
		else
			printf("unknown command: %s\n", line);
	}

	(void)outputs_drain(o, 2000);
	outputs_stats(o, &st, 1);
	t0 = now_ms();
	outputs_free(o);
	printf("stopped in %" PRIu64 " ms\n", now_ms() - t0);
	printf("written=%" PRIu64 " lost=%" PRIu64 " errors=%" PRIu64 " queued=%zu\n", st.written,
	       st.lost, st.errors, st.queued);
	return 0;
}
