// SPDX-License-Identifier: MIT
/*
 * saker validate: load and compile rule files, report every problem.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "rules/engine.h"
#include "tool/options.h"
#include "tool/tool.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "option", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList files = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	EngineOptions eo;
	bool stats = false;
	double t0, t1, t2;
	int o, r, i;

	engine_options_init(&eo);
	eo.warn_unused = true;
	optind = 1;
	while ((o = getopt_long(argc, argv, "so:h", opts, NULL)) >= 0) {
		switch (o) {
		case 's':
			stats = true;
			break;
		case 'o':
			if (tool_engine_option(&eo, optarg) < 0)
				return 2;
			break;
		case 'h':
			puts("Usage: saker validate [--stats] FILE...\n"
			     "Load and compile rule files in order (directories: their *.yaml files).\n"
			     "Problems are printed as FILE:LINE:COL: error|warning: MESSAGE.\n"
			     "Exit status 0 when there is no error, 1 otherwise.\n"
			     "  --stats   print counts and load/compile times");
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "saker validate: no rule file given\n");
		return 2;
	}
	for (i = optind; i < argc; i++)
		if (pathlist_add(&files, argv[i]) < 0)
			return 1;

	t0 = now_ms();
	r = tool_load_rules(&files, &d, &rs);
	t1 = now_ms();
	if (rs && r != -ENOMEM)
		r = engine_compile(rs, &eo, &d, &engine);
	t2 = now_ms();
	diags_print(&d, stderr);
	if (stats) {
		fprintf(stderr, "%zu files, %zu rules (%zu enabled), %zu macros, %zu lists\n", files.n,
			engine ? engine_rule_count(engine) : (rs ? rs->nrules : 0),
			engine ? engine_enabled_count(engine) : 0, rs ? rs->nmacros : 0,
			rs ? rs->nlists : 0);
		fprintf(stderr, "load %.1f ms, compile %.1f ms, %zu errors, %zu warnings\n", t1 - t0,
			t2 - t1, d.nerrors, d.nwarnings);
	}
	if (r == -ENOMEM)
		fprintf(stderr, "saker validate: out of memory\n");
	if (diags_has_errors(&d) || r < 0)
		return 1;
	printf("%zu file%s OK\n", files.n, files.n == 1 ? "" : "s");
	return 0;
}
