// SPDX-License-Identifier: MIT
/*
 * Process-table load test: the memory sakerd needs to track N processes.
 * Starts N idle child processes, compiles the default rules, scans /proc into
 * a State as sakerd does at start, and prints the resident set size before
 * and after the scan (a baseline measured in the same run) and per process.
 * With --max-rss-mib it fails when the total exceeds the limit.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/procscan.h"
#include "rules/engine.h"
#include "tool/tool.h"

#define BENCH_MAX_CHILDREN 30000

static long rss_kib(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "processes", required_argument, NULL, 'n' },
		{ "rules", required_argument, NULL, 'r' },
		{ "max-rss-mib", required_argument, NULL, 'm' },
		{},
	};
	_cleanup_(pathlist_done) PathList paths = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	RuleSet *rs = NULL;
	Engine *e = NULL;
	State *s;
	ProcScanStats st;
	pid_t *kids;
	long n = 10000, i, started = 0, max_mib = 0, base, after, hwm;
	const char *rules = "rules";
	int o, r, fail = 0;

	while ((o = getopt_long(argc, argv, "n:r:m:", opts, NULL)) >= 0) {
		switch (o) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'r':
			rules = optarg;
			break;
		case 'm':
			max_mib = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: state-rss [-n PROCESSES] [-r RULES] [--max-rss-mib M]\n");
			return 2;
		}
	}
	if (n < 1 || n > BENCH_MAX_CHILDREN) {
		fprintf(stderr, "state-rss: -n must be 1..%d\n", BENCH_MAX_CHILDREN);
		return 2;
	}

	/* the rules sakerd runs by default, compiled as at start */
	if (pathlist_add(&paths, rules) < 0 || tool_load_rules(&paths, &d, &rs) < 0 ||
	    engine_compile(rs, NULL, &d, &e) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	ruleset_free(rs);
	s = state_new();
	if (!s)
		return 1;
	base = rss_kib("VmRSS:");

	kids = calloc((size_t)n, sizeof(*kids));
	if (!kids)
		return 1;
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			fprintf(stderr, "state-rss: fork after %ld children: %s\n", i, strerror(errno));
			break;
		}
		if (p == 0) {
			char name[16];

			snprintf(name, sizeof(name), "worker-%ld", i % 500);
			prctl(PR_SET_NAME, name);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		kids[started++] = p;
	}

	r = procscan_run(s, NULL, 0, &st);
	after = rss_kib("VmRSS:");
	hwm = rss_kib("VmHWM:");
	for (i = 0; i < started; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < started; i++)
		waitpid(kids[i], NULL, 0);
	if (r < 0) {
		fprintf(stderr, "state-rss: procscan: %s\n", strerror(-r));
		return 1;
	}

	printf("state-rss: %zu processes, %zu threads, %zu fds tracked (%ld children started)\n",
	       st.processes, st.threads, st.fds, started);
	printf("state-rss: rss %.1f MiB with rules and an empty table (baseline), %.1f MiB after "
	       "the scan (peak %.1f MiB): %.2fx the baseline, %.0f bytes per thread\n",
	       base / 1024.0, after / 1024.0, hwm / 1024.0, (double)after / (double)base,
	       st.threads ? (after - base) * 1024.0 / (double)st.threads : 0.0);
	if (max_mib && hwm > max_mib * 1024) {
		printf("state-rss: FAIL: peak rss %.1f MiB is over %ld MiB\n", hwm / 1024.0, max_mib);
		fail = 1;
	}
	if ((long)st.processes < started) {
		printf("state-rss: FAIL: %zu processes tracked, %ld started\n", st.processes, started);
		fail = 1;
	}
	engine_free(e);
	state_free(s);
	free(kids);
	return fail;
}
