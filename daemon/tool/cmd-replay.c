// SPDX-License-Identifier: MIT
/*
 * saker replay: run rules over recorded events and print the alerts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/engine.h"
#include "tool/events.h"
#include "tool/options.h"
#include "tool/tool.h"

typedef struct ReplayOut {
	bool json;
	StrBuf sb;
} ReplayOut;

static void print_alert(const Alert *a, void *userdata)
{
	ReplayOut *o = userdata;

	strbuf_reset(&o->sb);
	if (o->json)
		alert_render_json(a, NULL, &o->sb);
	else
		alert_render_text(a, &o->sb);
	strbuf_putc(&o->sb, '\n');
	fwrite(o->sb.buf, 1, o->sb.len, stdout);
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "option", required_argument, NULL, 'o' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList rules = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	_cleanup_(state_freep) State *state = NULL;
	_cleanup_(detector_freep) Detector *det = NULL;
	ReplayOut out = { 0 };
	EventFeed feed = { 0 };
	EngineOptions eo;
	bool stats = false;
	char host[256] = "";
	int o, r, i;

	engine_options_init(&eo);
	optind = 1;
	while ((o = getopt_long(argc, argv, "r:jo:sh", opts, NULL)) >= 0) {
		switch (o) {
		case 'r':
			if (pathlist_add(&rules, optarg) < 0)
				return 2;
			break;
		case 'j':
			out.json = true;
			break;
		case 'o':
			if (tool_engine_option(&eo, optarg) < 0)
				return 2;
			break;
		case 's':
			stats = true;
			break;
		case 'h':
			puts("Usage: saker replay FILE... [-r RULES]... [--json] [-o KEY=VALUE]... [--stats]\n"
			     "Evaluate recorded events (JSON lines) and print the alerts.\n"
			     "  -r, --rules PATH   rule file or directory (repeatable; default "
			     SAKER_DEFAULT_RULES_DIR ")\n"
			     "  --json             one JSON object per alert\n"
			     "  -o KEY=VALUE       rule_matching=first|all, priority=LEVEL\n"
			     "  --stats            print event and alert counts on stderr");
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "saker replay: no event file given (see saker replay --help)\n");
		return 2;
	}
	if (rules.n == 0 && pathlist_add(&rules, SAKER_DEFAULT_RULES_DIR) < 0)
		return 2;

	r = tool_load_rules(&rules, &d, &rs);
	if (r == -ENOMEM) {
		fprintf(stderr, "saker replay: out of memory\n");
		return 1;
	}
	if (r == 0)
		r = engine_compile(rs, &eo, &d, &engine);
	diags_print(&d, stderr);
	if (r < 0 || !engine) {
		fprintf(stderr, "saker replay: the rules have errors\n");
		return 1;
	}

	state = state_new();
	gethostname(host, sizeof(host) - 1);
	if (!state || detector_new(engine, state, host, &det) < 0) {
		fprintf(stderr, "saker replay: out of memory\n");
		return 1;
	}
	feed = (EventFeed){ .detector = det, .state = state, .on_alert = print_alert,
			    .userdata = &out, .err = stderr };
	for (i = optind; i < argc; i++) {
		r = feed_file(&feed, argv[i]);
		if (r == -ENOMEM) {
			fprintf(stderr, "saker replay: out of memory\n");
			break;
		}
	}
	fflush(stdout);
	if (stats)
		fprintf(stderr, "%u events, %llu alerts, %u bad lines\n", feed.events,
			(unsigned long long)detector_alerts(det), feed.errors);
	strbuf_done(&out.sb);
	r = feed.errors ? 1 : 0;
	feed_done(&feed);
	return r;
}
