// SPDX-License-Identifier: MIT
/*
 * Sends test alerts through the syslog output sink (outputs_add_syslog and
 * the output queue), for tests/cli/test-syslog.sh to check what a real
 * syslog daemon received.  Alert i has priority i % 8, a seq field of i and
 * fields that need escaping (-l adds a proc.cmdline of that many bytes);
 * exit 0 when every alert was written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/out-syslog.h"

/* Alerts one run may send, and bytes of the -l field. */
#define SEND_MAX 1000000
#define SEND_FIELD_MAX (1u << 20)

static void usage(FILE *f)
{
	fprintf(f, "usage: syslog-send [-f rfc5424|rfc3164] [-F FACILITY] [-a APP_NAME] "
		   "[-H HOSTNAME] [-n COUNT] [-l CMDLINE_BYTES] DESTINATION\n");
}

int main(int argc, char **argv)
{
	const char *format = "rfc5424", *facility = "local3", *app = "saker", *host = "saker-test";
	static const char *const tags[] = { "filesystem", "test" };
	/* '"', ']' and '\' to escape, and a byte that is not UTF-8 (a Latin-1 e-acute). */
	static const char path[] = "/tmp/we\"ird]na\\me-caf\xe9.txt";
	char err[OUTPUTS_MAX_ERROR], seq[24], output[256];
	_cleanup_(outputs_freep) Outputs *o = NULL;
	OutputsOptions opts = { .queue_capacity = 1u << 16 };
	OutputSinkStats st;
	struct timespec now;
	_cleanup_free_ char *cmdline = NULL;
	unsigned long n = 3, i, cmdline_len = 0;
	int c, r;

	while ((c = getopt(argc, argv, "f:F:a:H:n:l:h")) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'F':
			facility = optarg;
			break;
		case 'a':
			app = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			if (n == 0 || n > SEND_MAX) {
				fprintf(stderr, "syslog-send: -n must be 1 to %d\n", SEND_MAX);
				return 2;
			}
			break;
		case 'l':
			cmdline_len = strtoul(optarg, NULL, 10);
			if (cmdline_len == 0 || cmdline_len > SEND_FIELD_MAX) {
				fprintf(stderr, "syslog-send: -l must be 1 to %u\n",
					SEND_FIELD_MAX);
				return 2;
			}
			cmdline = malloc(cmdline_len);
			if (!cmdline)
				return 1;
			memset(cmdline, 'A', cmdline_len);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}

	r = outputs_new(&opts, &o);
	if (r < 0) {
		fprintf(stderr, "syslog-send: %s\n", strerror(-r));
		return 1;
	}
	r = outputs_add_syslog(o, format, argv[optind], facility, app, NULL, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "syslog-send: %s\n", err[0] ? err : strerror(-r));
		return 1;
	}

	for (i = 0; i < n; i++) {
		AlertField fields[] = {
			{ .name = "evt.num", .value = seq },
			{ .name = "fd.name", .value = path, .len = sizeof(path) - 1 },
			{ .name = "proc.aname[2]", .value = "bash", .len = 4 },
			{ .name = "user.name", .value = "<NA>", .len = 4, .missing = true },
			{ .name = "proc.cmdline", .value = cmdline, .len = cmdline_len },
		};
		Alert a = {
			.rule = "Syslog test alert",
			.priority = (Priority)(i % 8),
			.tags = tags,
			.ntags = 2,
			.source = "syscall",
			.hostname = host,
			.output = output,
			.fields = fields,
			.nfields = ELEMENTSOF(fields) - (cmdline ? 0 : 1),
		};

		clock_gettime(CLOCK_REALTIME, &now);
		a.time_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
		fields[0].len = (size_t)snprintf(seq, sizeof(seq), "%lu", i);
		a.output_len = (size_t)snprintf(output, sizeof(output),
						"Test alert %lu (file=%s proc=bash)", i, path);
		outputs_submit(o, &a);
	}
	r = outputs_drain(o, 30000);
	outputs_stats(o, &st, 1);
	printf("written=%llu errors=%llu lost=%llu\n", (unsigned long long)st.written,
	       (unsigned long long)st.errors, (unsigned long long)st.lost);
	return r == 0 && st.written == n && st.errors == 0 && st.lost == 0 ? 0 : 1;
}
