// SPDX-License-Identifier: MIT
/*
 * saker test: rule tests as data (docs/rule-tests.md).  A case file names
 * the rule files to load and a list of cases; each case feeds events (a
 * capture, JSON lines, events written in the case) through a fresh state
 * and compares the alerts with what it expects.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/replay.h"
#include "common/fileio.h"
#include "common/hashmap.h"
#include "rules/engine.h"
#include "tool/events.h"
#include "tool/options.h"
#include "tool/tool.h"
#include "tool/ydom.h"

/* Alerts kept per case for comparison. */
#define TEST_MAX_ALERTS 1000

typedef struct GotField {
	char *name;
	char *value; /* NULL when missing */
} GotField;

typedef struct GotAlert {
	char *rule;
	Priority priority;
	char *output;
	GotField *fields;
	size_t nfields;
} GotAlert;

typedef struct Got {
	GotAlert v[TEST_MAX_ALERTS];
	size_t n;
	size_t dropped;
	bool oom;
} Got;

typedef struct Coverage {
	StrMap *fired; /* rule name -> (void *)1 */
	StrMap *quiet; /* rule name -> (void *)1: a near-miss case names it */
} Coverage;

static bool verbose;

static void got_clear(Got *g)
{
	size_t i, j;

	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->v[i].nfields; j++) {
			free(g->v[i].fields[j].name);
			free(g->v[i].fields[j].value);
		}
		free(g->v[i].fields);
		free(g->v[i].rule);
		free(g->v[i].output);
	}
	g->n = 0;
	g->dropped = 0;
	g->oom = false;
}

static void collect(const Alert *a, void *userdata)
{
	Got *g = userdata;
	GotAlert *x;
	size_t i;

	if (g->n >= TEST_MAX_ALERTS) {
		g->dropped++;
		return;
	}
	x = &g->v[g->n];
	memset(x, 0, sizeof(*x));
	x->rule = strdup(a->rule);
	x->priority = a->priority;
	x->output = strndup(a->output, a->output_len);
	x->fields = calloc(a->nfields ? a->nfields : 1, sizeof(*x->fields));
	if (!x->rule || !x->output || !x->fields) {
		g->oom = true;
		free(x->rule);
		free(x->output);
		free(x->fields);
		return;
	}
	for (i = 0; i < a->nfields; i++) {
		x->fields[i].name = strdup(a->fields[i].name);
		x->fields[i].value = a->fields[i].missing ? NULL
							  : strndup(a->fields[i].value, a->fields[i].len);
		if (!x->fields[i].name || (!a->fields[i].missing && !x->fields[i].value))
			g->oom = true;
	}
	x->nfields = a->nfields;
	g->n++;
}

static const GotField *got_field(const GotAlert *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nfields; i++)
		if (strcmp(a->fields[i].name, name) == 0)
			return &a->fields[i];
	return NULL;
}

/* Compare one expectation with one alert; a message in why on mismatch. */
static bool expect_matches(const YNode *exp, const GotAlert *a, char *why, size_t whylen)
{
	const YNode *rule = ydom_get(exp, "rule");
	const YNode *pri = ydom_get(exp, "priority");
	const YNode *fields = ydom_get(exp, "output_fields");
	const YNode *contains = ydom_get(exp, "output_contains");
	size_t i;

	if (!ydom_is_scalar(rule) || strcmp(rule->value, a->rule) != 0) {
		snprintf(why, whylen, "expected rule '%s', got '%s'",
			 ydom_is_scalar(rule) ? rule->value : "?", a->rule);
		return false;
	}
	if (ydom_is_scalar(pri) && priority_from_string(pri->value) != a->priority) {
		snprintf(why, whylen, "rule '%s': expected priority %s, got %s", a->rule, pri->value,
			 priority_to_string(a->priority));
		return false;
	}
	if (ydom_is_scalar(contains) && !strstr(a->output, contains->value)) {
		snprintf(why, whylen, "rule '%s': output does not contain '%s': %s", a->rule,
			 contains->value, a->output);
		return false;
	}
	if (fields && fields->type == Y_MAP) {
		for (i = 0; i + 1 < fields->nitems; i += 2) {
			const YNode *k = fields->items[i], *v = fields->items[i + 1];
			const GotField *f = got_field(a, k->value);
			const char *want = ydom_is_scalar(v) ? v->value : "?";
			bool want_na = strcmp(want, "<NA>") == 0 || (!v->quoted && strcmp(want, "null") == 0);

			if (!f) {
				snprintf(why, whylen, "rule '%s': output has no field %s", a->rule,
					 k->value);
				return false;
			}
			if (want_na ? f->value != NULL : (!f->value || strcmp(f->value, want) != 0)) {
				snprintf(why, whylen, "rule '%s': %s is '%s', expected '%s'", a->rule,
					 k->value, f->value ? f->value : "<NA>", want);
				return false;
			}
		}
	}
	return true;
}

static char *resolve_path(const char *casefile, const char *p)
{
	char *dup, *dir, *out = NULL;

	if (p[0] == '/')
		return strdup(p);
	dup = strdup(casefile);
	if (!dup)
		return NULL;
	dir = dirname(dup);
	if (asprintf(&out, "%s/%s", dir, p) < 0)
		out = NULL;
	free(dup);
	return out;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	int r = read_full_file(path, YDOM_MAX_BYTES, ret, ret_len);

	if (r > 0) {
		free(*ret);
		*ret = NULL;
		return -EFBIG;
	}
	return r;
}

/*
 * Replay the capture a case names (path resolved, shown as written): its
 * snapshot and records go through the case's detector and state.  A file
 * that is missing, not a capture, damaged, or that replays with warnings
 * fails the case.
 */
static bool feed_capture(const char *path, const char *shown, Detector *det, State *state,
			 Got *got, char *why, size_t whylen)
{
	char err[CAPTURE_REPLAY_MAX_MESSAGE];
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		snprintf(why, whylen, "capture: %s: %s", shown, strerror(errno));
		return false;
	}
	r = capture_replay_file(f, det, state, collect, got, NULL, err, sizeof(err));
	fclose(f);
	if (r == 0)
		return true;
	snprintf(why, whylen, "capture: %s: %s", shown, r == -ENOMEM ? "out of memory" : err);
	return false;
}

static void mark(StrMap *m, const char *name)
{
	(void)strmap_put(m, name, strlen(name), (void *)1);
}

/* Run one case; returns true when it passed. */
static bool run_case(const char *file, Engine *engine, const YNode *c, Coverage *cov, char *why,
		     size_t whylen)
{
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	_cleanup_(fixture_reader_freep) FixtureReader *reader = fixture_reader_new(file);
	const YNode *events = ydom_get(c, "events");
	const YNode *efile = ydom_get(c, "events_file");
	const YNode *cfile = ydom_get(c, "capture");
	const YNode *expect = ydom_get(c, "expect");
	const YNode *about = ydom_get(c, "rule");
	static Got got;
	EventFeed feed;
	bool ok = true;
	size_t i;

	why[0] = 0;
	got_clear(&got);
	if (!state || !reader || detector_new(engine, state, "saker-test", &det) < 0) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	if (!expect || expect->type != Y_SEQ) {
		snprintf(why, whylen, "%u:%u: the case needs an 'expect' list ([] for silence)",
			 c->line, c->col);
		return false;
	}
	feed = (EventFeed){ .detector = det, .state = state, .on_alert = collect, .userdata = &got };
	if (cfile) {
		_cleanup_free_ char *p = ydom_is_scalar(cfile) ? resolve_path(file, cfile->value) : NULL;

		if (!ydom_is_scalar(cfile)) {
			snprintf(why, whylen, "%u:%u: 'capture' takes a file name", cfile->line,
				 cfile->col);
			return false;
		}
		if (!p) {
			snprintf(why, whylen, "out of memory");
			return false;
		}
		if (!feed_capture(p, cfile->value, det, state, &got, why, whylen)) {
			got_clear(&got);
			return false;
		}
	}
	if (efile) {
		_cleanup_free_ char *p = ydom_is_scalar(efile) ? resolve_path(file, efile->value) : NULL;

		if (!p || feed_file(&feed, p) < 0 || feed.errors) {
			snprintf(why, whylen, "events_file: %s",
				 feed.first_error ? feed.first_error : "cannot read");
			feed_done(&feed);
			return false;
		}
	}
	if (events && events->type == Y_SEQ) {
		for (i = 0; i < events->nitems; i++) {
			_cleanup_(strbuf_done) StrBuf sb = { 0 };

			if (ydom_to_json(events->items[i], &sb) < 0 ||
			    feed_line(&feed, reader, strbuf_str(&sb), sb.len) < 0 || feed.errors) {
				snprintf(why, whylen, "event at line %u: %s", events->items[i]->line,
					 feed.first_error ? feed.first_error : "out of memory");
				feed_done(&feed);
				return false;
			}
		}
	}
	feed_done(&feed);
	for (i = 0; i < got.n; i++)
		mark(cov->fired, got.v[i].rule);
	if (ydom_is_scalar(about)) {
		bool fired = false;

		for (i = 0; i < got.n; i++)
			fired |= strcmp(got.v[i].rule, about->value) == 0;
		if (!fired)
			mark(cov->quiet, about->value);
	}
	if (got.oom) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	for (i = 0; ok && i < expect->nitems && i < got.n; i++)
		ok = expect_matches(expect->items[i], &got.v[i], why, whylen);
	if (ok && expect->nitems != got.n) {
		StrBuf sb = { 0 };

		for (i = 0; i < got.n; i++)
			strbuf_printf(&sb, "%s'%s'", i ? ", " : "", got.v[i].rule);
		snprintf(why, whylen, "expected %zu alert%s, got %zu%s%s", expect->nitems,
			 expect->nitems == 1 ? "" : "s", got.n + got.dropped, got.n ? ": " : "",
			 strbuf_str(&sb));
		strbuf_done(&sb);
		ok = false;
	}
	if (verbose)
		for (i = 0; i < got.n; i++)
			printf("    alert: %s: %s\n", got.v[i].rule, got.v[i].output);
	got_clear(&got);
	return ok;
}

static int run_file(const char *file, const EngineOptions *base, Coverage *cov, unsigned *passed,
		    unsigned *failed)
{
	_cleanup_(ydom_freep) YNode *root = NULL;
	_cleanup_free_ char *buf = NULL, *err = NULL;
	_cleanup_(pathlist_done) PathList rules = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	const YNode *rn, *cases, *opts;
	EngineOptions eo = *base;
	size_t len = 0, i;
	int r;

	r = read_file(file, &buf, &len);
	if (r < 0) {
		printf("FAIL: %s: %s\n", file, strerror(-r));
		(*failed)++;
		return 0;
	}
	r = ydom_parse(buf, len, &root, &err);
	if (r < 0 || !root || root->type != Y_MAP) {
		printf("FAIL: %s:%s\n", file, err ? err : " not a mapping with rules and cases");
		(*failed)++;
		return 0;
	}
	rn = ydom_get(root, "rules");
	for (i = 0; rn && rn->type == Y_SEQ && i < rn->nitems; i++) {
		_cleanup_free_ char *p = ydom_is_scalar(rn->items[i])
						 ? resolve_path(file, rn->items[i]->value)
						 : NULL;

		if (!p || pathlist_add(&rules, p) < 0) {
			printf("FAIL: %s:%u:%u: bad rules entry\n", file, rn->items[i]->line,
			       rn->items[i]->col);
			(*failed)++;
			return 0;
		}
	}
	opts = ydom_get(root, "options");
	for (i = 0; opts && opts->type == Y_MAP && i + 1 < opts->nitems; i += 2) {
		_cleanup_free_ char *kv = NULL;

		if (asprintf(&kv, "%s=%s", opts->items[i]->value,
			     ydom_is_scalar(opts->items[i + 1]) ? opts->items[i + 1]->value : "") < 0 ||
		    tool_engine_option(&eo, kv) < 0) {
			(*failed)++;
			return 0;
		}
	}
	r = tool_load_rules(&rules, &d, &rs);
	if (r == 0)
		r = engine_compile(rs, &eo, &d, &engine);
	if (r < 0 || !engine) {
		diags_print(&d, stdout);
		printf("FAIL: %s: its rules do not compile\n", file);
		(*failed)++;
		return 0;
	}
	cases = ydom_get(root, "cases");
	if (!cases || cases->type != Y_SEQ || cases->nitems == 0) {
		printf("FAIL: %s: no cases\n", file);
		(*failed)++;
		return 0;
	}
	for (i = 0; i < cases->nitems; i++) {
		const YNode *c = cases->items[i], *name = ydom_get(c, "name");
		char why[2048];

		if (run_case(file, engine, c, cov, why, sizeof(why))) {
			printf("PASS: %s: %s\n", file, ydom_is_scalar(name) ? name->value : "(unnamed)");
			(*passed)++;
		} else {
			printf("FAIL: %s: %s: %s\n", file, ydom_is_scalar(name) ? name->value : "(unnamed)",
			       why);
			(*failed)++;
		}
	}
	return 0;
}

/* Every rule of the coverage ruleset needs a firing case and a near-miss case. */
static void check_coverage(const PathList *cov_rules, Coverage *cov, unsigned *passed,
			   unsigned *failed)
{
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	size_t i;

	if (tool_load_rules(cov_rules, &d, &rs) < 0 || !rs) {
		diags_print(&d, stdout);
		printf("FAIL: coverage: the rules do not load\n");
		(*failed)++;
		return;
	}
	for (i = 0; i < rs->nrules; i++) {
		const char *n = rs->rules[i].name;
		bool f = strmap_get(cov->fired, n, strlen(n), NULL);
		bool q = strmap_get(cov->quiet, n, strlen(n), NULL);

		if (f && q) {
			(*passed)++;
			continue;
		}
		printf("FAIL: coverage: rule '%s' has no %s case\n", n,
		       !f ? (q ? "firing" : "firing or near-miss") : "near-miss");
		(*failed)++;
	}
}

int cmd_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "coverage", required_argument, NULL, 'c' },
		{ "option", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList cov_rules = { 0 };
	Coverage cov = { strmap_new(), strmap_new() };
	unsigned passed = 0, failed = 0;
	EngineOptions eo;
	int o, i;

	engine_options_init(&eo);
	optind = 1;
	while ((o = getopt_long(argc, argv, "vc:o:h", opts, NULL)) >= 0) {
		switch (o) {
		case 'v':
			verbose = true;
			break;
		case 'c':
			if (pathlist_add(&cov_rules, optarg) < 0)
				return 2;
			break;
		case 'o':
			if (tool_engine_option(&eo, optarg) < 0)
				return 2;
			break;
		case 'h':
			puts("Usage: saker test [-v] [--coverage RULES]... CASES...\n"
			     "Run rule test cases (docs/rule-tests.md).  One line per case, then\n"
			     "\"N passed, M failed\".\n"
			     "  -v, --verbose        print every alert\n"
			     "  --coverage RULES     also fail for each rule of RULES (file or\n"
			     "                       directory) that lacks a firing case and a\n"
			     "                       near-miss case");
			return 0;
		default:
			return 2;
		}
	}
	if (!cov.fired || !cov.quiet) {
		fprintf(stderr, "saker test: out of memory\n");
		return 1;
	}
	if (optind >= argc) {
		fprintf(stderr, "saker test: no case file given\n");
		return 2;
	}
	for (i = optind; i < argc; i++)
		run_file(argv[i], &eo, &cov, &passed, &failed);
	if (cov_rules.n)
		check_coverage(&cov_rules, &cov, &passed, &failed);
	strmap_free(cov.fired);
	strmap_free(cov.quiet);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
