// SPDX-License-Identifier: MIT
/*
 * Rule-file loader: every key, the override/append semantics across files,
 * the positions of errors (line and column), the limits, and the mapping of
 * condition bytes back to their place in multi-line YAML scalars.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/strbuf.h"
#include "rules/loader-yaml.h"
#include "rules/ruleset.h"

#ifndef LOADER_TEST_DATA
#define LOADER_TEST_DATA "tests/unit/data/loader"
#endif

typedef struct Fixture {
	RuleSet *rs;
	Diags d;
} Fixture;

static int setup(void **state)
{
	Fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->rs = ruleset_new();
	assert_non_null(f->rs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	Fixture *f = *state;

	diags_done(&f->d);
	ruleset_free(f->rs);
	free(f);
	return 0;
}

static int load_named(Fixture *f, const char *name, const char *yaml)
{
	return ruleset_load_buffer(f->rs, name, yaml, strlen(yaml), &f->d);
}

static int load(Fixture *f, const char *yaml)
{
	return load_named(f, "t.yaml", yaml);
}

static const Diag *find_diag(const Diags *d, DiagLevel level, unsigned line, unsigned col,
			     const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const Diag *x = &d->v[i];

		if (x->level == level && x->pos.line == line && x->pos.col == col &&
		    strstr(x->msg, needle))
			return x;
	}
	return NULL;
}

#define assert_diag(f, level, line, col, needle)                                   \
	do {                                                                       \
		if (!find_diag(&(f)->d, level, line, col, needle)) {              \
			fprintf(stderr, "expected %s at %u:%u containing \"%s\"; got:\n", \
				(level) == DIAG_ERROR ? "error" : "warning",       \
				(unsigned)(line), (unsigned)(col), needle);         \
			diags_print(&(f)->d, stderr);                              \
			fail();                                                    \
		}                                                                  \
	} while (0)

#define assert_clean(f)                                          \
	do {                                                     \
		if ((f)->d.nerrors) {                            \
			diags_print(&(f)->d, stderr);            \
			fail();                                  \
		}                                                \
	} while (0)

static const RuleDef *rule(Fixture *f, const char *name)
{
	const RuleDef *r = ruleset_find_rule(f->rs, name);

	assert_non_null(r);
	return r;
}

static void assert_pos(SrcPos p, unsigned line, unsigned col)
{
	if (p.line != line || p.col != col) {
		fprintf(stderr, "position %u:%u, expected %u:%u\n", p.line, p.col, line, col);
		fail();
	}
}

/* Position of the first occurrence of needle in a condition. */
static SrcPos locate(const SrcText *t, const char *needle)
{
	const char *p = strstr(t->text, needle);

	assert_non_null(p);
	return srctext_locate(t, (size_t)(p - t->text));
}

/* ---------------------------------------------------------------------------------------------- */

static void test_empty_files(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, ""), 0);
	assert_int_equal(load(f, "# only a comment\n\n   # another\n"), 0);
	assert_int_equal(load(f, "---\n...\n"), 0);
	assert_int_equal(load(f, "[]\n"), 0);
	assert_int_equal(load(f, "- \n-\n"), 0);
	assert_clean(f);
	assert_int_equal(f->rs->nrules + f->rs->nmacros + f->rs->nlists, 0);
}

static void test_multiple_documents(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- list: a\n  items: [x]\n---\n# nothing\n---\n"
				 "- list: b\n  items: [y]\n...\n---\n- list: a\n  items: [z]\n"
				 "  override:\n    items: append\n"),
			 0);
	assert_clean(f);
	assert_int_equal(f->rs->nlists, 2);
	assert_int_equal(ruleset_find_list(f->rs, "a")->nitems, 2);
	assert_string_equal(ruleset_find_list(f->rs, "a")->items[1].value, "z");
	assert_pos(ruleset_find_list(f->rs, "a")->items[1].pos, 11, 11);
}

static void test_list(void **state)
{
	Fixture *f = *state;
	const ListDef *l;

	assert_int_equal(load(f, "- list: shells\n"
				 "  items: [bash, \"z sh\", 'k''sh', \"\"]\n"
				 "- list: multi\n"
				 "  items:\n"
				 "    - a\n"
				 "    - b\n"),
			 0);
	assert_clean(f);
	l = ruleset_find_list(f->rs, "shells");
	assert_non_null(l);
	assert_int_equal(l->nitems, 4);
	assert_string_equal(l->items[0].value, "bash");
	assert_string_equal(l->items[1].value, "z sh");
	assert_string_equal(l->items[2].value, "k'sh");
	assert_string_equal(l->items[3].value, "");
	assert_pos(l->pos, 1, 3);
	assert_pos(l->items[1].pos, 2, 17);
	l = ruleset_find_list(f->rs, "multi");
	assert_int_equal(l->nitems, 2);
	assert_pos(l->items[1].pos, 6, 7);
	assert_null(ruleset_find_list(f->rs, "nope"));
}

static void test_macro(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: spawned_process\n"
				 "  condition: evt.type = execve and evt.dir=<\n"),
			 0);
	assert_clean(f);
	m = ruleset_find_macro(f->rs, "spawned_process");
	assert_non_null(m);
	assert_string_equal(m->condition.text, "evt.type = execve and evt.dir=<");
	assert_pos(m->pos, 1, 3);
	assert_pos(locate(&m->condition, "evt.dir"), 2, 36);
}

static void test_rule_every_key(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;
	const ExceptionDef *e;

	assert_int_equal(load(f, "- rule: Every key\n"
				 "  desc: all of them\n"
				 "  condition: evt.type = open\n"
				 "  output: \"  opened %fd.name  \"\n"
				 "  priority: INFO\n"
				 "  tags: [zeta, alpha, zeta]\n"
				 "  enabled: false\n"
				 "  source: k8s_audit\n"
				 "  warn_evttypes: off\n"
				 "  skip-if-unknown-filter: yes\n"
				 "  exceptions:\n"
				 "    - name: pairs\n"
				 "      fields: [proc.name, fd.name]\n"
				 "      comps: [=, in]\n"
				 "      values:\n"
				 "        - [nginx, [/a, \"/b c\"]]\n"
				 "    - name: one\n"
				 "      fields: proc.name\n"
				 "      values: [cat, dog]\n"),
			 0);
	assert_clean(f);
	r = rule(f, "Every key");
	assert_pos(r->pos, 1, 3);
	assert_string_equal(r->desc, "all of them");
	assert_string_equal(r->condition.text, "evt.type = open");
	/* Falco trims outputs */
	assert_string_equal(r->output.text, "opened %fd.name");
	assert_pos(srctext_locate(&r->output, 0), 4, 14);
	assert_int_equal(r->priority, PRI_INFORMATIONAL);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[0], "alpha");
	assert_string_equal(r->tags[1], "zeta");
	assert_false(r->enabled);
	assert_string_equal(r->source, "k8s_audit");
	assert_false(r->warn_evttypes);
	assert_true(r->skip_if_unknown_filter);
	assert_int_equal(r->nexceptions, 2);

	e = &r->exceptions[0];
	assert_string_equal(e->name, "pairs");
	assert_true(e->fields_is_list);
	assert_int_equal(e->nfields, 2);
	assert_string_equal(e->fields[1], "fd.name");
	assert_string_equal(e->comps[0], "=");
	assert_string_equal(e->comps[1], "in");
	assert_pos(e->comp_pos[1], 14, 18);
	assert_int_equal(e->nvalues, 1);
	assert_string_equal(e->values[0].values[0], "nginx");
	assert_null(e->values[0].list_items[0]);
	assert_string_equal(e->values[0].values[1], "(/a, \"/b c\")");
	assert_int_equal(e->values[0].nlist_items[1], 2);
	assert_string_equal(e->values[0].list_items[1][1].value, "/b c");
	assert_pos(e->values[0].value_pos[1], 16, 19);
	assert_pos(e->values[0].pos, 16, 11);

	e = &r->exceptions[1];
	assert_false(e->fields_is_list);
	assert_int_equal(e->nfields, 1);
	assert_string_equal(e->comps[0], "in");
	assert_int_equal(e->nvalues, 2);
	assert_string_equal(e->values[1].values[0], "dog");
	assert_pos(e->values[1].value_pos[0], 19, 21);
}

static void test_rule_defaults(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;

	assert_int_equal(load(f, "- rule: r\n  desc: d\n  condition: c\n  output: o\n"
				 "  priority: Critical\n"),
			 0);
	assert_clean(f);
	r = rule(f, "r");
	assert_true(r->enabled);
	assert_true(r->warn_evttypes);
	assert_false(r->skip_if_unknown_filter);
	assert_string_equal(r->source, "syscall");
	assert_int_equal(r->ntags, 0);
	assert_int_equal(r->nexceptions, 0);
	assert_int_equal(r->priority, PRI_CRITICAL);
}

static void test_priorities(void **state)
{
	static const struct {
		const char *s;
		Priority p;
	} v[] = {
		{ "emergency", PRI_EMERGENCY }, { "ALERT", PRI_ALERT },
		{ "Critical", PRI_CRITICAL },	{ "error", PRI_ERROR },
		{ "WaRnInG", PRI_WARNING },	{ "notice", PRI_NOTICE },
		{ "informational", PRI_INFORMATIONAL }, { "INFO", PRI_INFORMATIONAL },
		{ "debug", PRI_DEBUG },		{ "warn", PRI_INVALID },
		{ "", PRI_INVALID },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(priority_from_string(v[i].s), v[i].p);
	assert_int_equal(priority_from_string(NULL), PRI_INVALID);
	assert_string_equal(priority_to_string(PRI_INFORMATIONAL), "informational");
	assert_string_equal(priority_to_display(PRI_WARNING), "Warning");
	assert_string_equal(priority_to_display(PRI_EMERGENCY), "Emergency");
	assert_null(priority_to_string(PRI_INVALID));
	assert_null(priority_to_display(_PRI_MAX));
}

static const char base_rules[] = "- list: bins\n"
				 "  items: [ls, cat]\n"
				 "- macro: opens\n"
				 "  condition: evt.type = open\n"
				 "- rule: R\n"
				 "  desc: base desc\n"
				 "  condition: opens and proc.name in (bins)\n"
				 "  output: base output\n"
				 "  priority: notice\n"
				 "  tags: [b, a]\n"
				 "  exceptions:\n"
				 "    - name: ex\n"
				 "      fields: [proc.name, fd.name]\n"
				 "      values:\n"
				 "        - [a, b]\n"
				 "- rule: Other\n"
				 "  desc: o\n"
				 "  condition: evt.type = close\n"
				 "  output: o\n"
				 "  priority: debug\n";

static void test_append_condition_deprecated(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;

	assert_int_equal(load_named(f, "base.yaml", base_rules), 0);
	assert_int_equal(load_named(f, "local.yaml", "- rule: R\n"
						     "  append: true\n"
						     "  condition: and not user.name = root\n"),
			 0);
	assert_clean(f);
	assert_diag(f, DIAG_WARNING, 2, 3, "'append' is deprecated");
	r = rule(f, "R");
	assert_string_equal(r->condition.text,
			    "opens and proc.name in (bins) and not user.name = root");
	/* The appended text keeps its own file, line and column. */
	assert_string_equal(locate(&r->condition, "user.name").file, "local.yaml");
	assert_pos(locate(&r->condition, "user.name"), 3, 22);
	assert_string_equal(locate(&r->condition, "proc.name").file, "base.yaml");
	assert_pos(locate(&r->condition, "proc.name"), 7, 24);
	/* output is not appended by "append: true" */
	assert_string_equal(r->output.text, "base output");
}

static void test_append_requires_condition_or_exceptions(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n  append: true\n  output: x\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "must have exceptions or condition");
	assert_diag(f, DIAG_WARNING, 3, 3, "key 'output' is ignored");
}

static void test_override_append(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load_named(f, "o.yaml", "- rule: R\n"
						 "  condition: or evt.type = openat\n"
						 "  output: (more)\n"
						 "  desc: and more\n"
						 "  tags: [c, a]\n"
						 "  override:\n"
						 "    condition: append\n"
						 "    output: append\n"
						 "    desc: append\n"
						 "    tags: append\n"),
			 0);
	assert_clean(f);
	assert_int_equal(f->d.nwarnings, 0);
	r = rule(f, "R");
	assert_string_equal(r->condition.text, "opens and proc.name in (bins) or evt.type = openat");
	assert_pos(locate(&r->condition, "openat"), 2, 28);
	assert_string_equal(r->output.text, "base output (more)");
	assert_pos(locate(&r->output, "(more)"), 3, 11);
	assert_string_equal(r->desc, "base desc and more");
	assert_int_equal(r->ntags, 3);
	assert_string_equal(r->tags[0], "a");
	assert_string_equal(r->tags[1], "b");
	assert_string_equal(r->tags[2], "c");
	assert_int_equal(r->priority, PRI_NOTICE);
}

static void test_override_replace(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n"
				 "  priority: ERROR\n"
				 "  condition: evt.type = unlink\n"
				 "  tags: [x]\n"
				 "  exceptions: []\n"
				 "  warn_evttypes: false\n"
				 "  skip-if-unknown-filter: true\n"
				 "  override:\n"
				 "    priority: replace\n"
				 "    condition: replace\n"
				 "    tags: replace\n"
				 "    exceptions: replace\n"
				 "    warn_evttypes: replace\n"
				 "    skip-if-unknown-filter: replace\n"),
			 0);
	assert_clean(f);
	r = rule(f, "R");
	assert_int_equal(r->priority, PRI_ERROR);
	assert_string_equal(r->condition.text, "evt.type = unlink");
	assert_pos(srctext_locate(&r->condition, 0), 3, 14);
	assert_int_equal(r->ntags, 1);
	assert_string_equal(r->tags[0], "x");
	assert_int_equal(r->nexceptions, 0);
	assert_false(r->warn_evttypes);
	assert_true(r->skip_if_unknown_filter);
	/* untouched */
	assert_string_equal(r->desc, "base desc");
	assert_string_equal(r->output.text, "base output");
	/* position in the ruleset is kept */
	assert_ptr_equal(r, &f->rs->rules[0]);
}

static void test_override_append_and_replace_together(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n"
				 "  condition: and fd.num > 0\n"
				 "  output: new\n"
				 "  override:\n"
				 "    condition: append\n"
				 "    output: replace\n"),
			 0);
	assert_clean(f);
	r = rule(f, "R");
	assert_string_equal(r->condition.text, "opens and proc.name in (bins) and fd.num > 0");
	assert_string_equal(r->output.text, "new");
}

static void test_enabled_across_files(void **state)
{
	Fixture *f = *state;

	assert_int_equal(ruleset_load_file(f->rs, LOADER_TEST_DATA "/base.yaml", &f->d), 0);
	assert_true(rule(f, "Base rule")->enabled);
	assert_false(rule(f, "Disabled rule")->enabled);
	assert_int_equal(ruleset_load_file(f->rs, LOADER_TEST_DATA "/toggle.yaml", &f->d), 0);
	assert_clean(f);
	/* "enabled: false" alone (deprecated) disables; the override form enables */
	assert_false(rule(f, "Base rule")->enabled);
	assert_true(rule(f, "Disabled rule")->enabled);
	assert_diag(f, DIAG_WARNING, 3, 3, "standalone 'enabled' key is deprecated");
	/* SrcPos.file points to the interned name */
	assert_string_equal(rule(f, "Base rule")->pos.file, LOADER_TEST_DATA "/base.yaml");
	assert_ptr_equal(rule(f, "Base rule")->pos.file,
			 rule(f, "Disabled rule")->condition.anchors[0].pos.file);
}

static void test_enable_unknown_rule(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- rule: Ghost\n  enabled: false\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "no rule by that name already exists");
}

static void test_list_append_and_replace(void **state)
{
	Fixture *f = *state;
	const ListDef *l;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- list: bins\n  items: [cp]\n  append: true\n"
				 "- list: bins\n  items: [mv]\n  override:\n    items: append\n"),
			 0);
	assert_clean(f);
	l = ruleset_find_list(f->rs, "bins");
	assert_int_equal(l->nitems, 4);
	assert_string_equal(l->items[2].value, "cp");
	assert_string_equal(l->items[3].value, "mv");
	assert_pos(l->items[3].pos, 5, 11);
	assert_int_equal(load(f,
		"- list: bins\n  items: [vi]\n  override:\n    items: replace\n"), 0);
	l = ruleset_find_list(f->rs, "bins");
	assert_int_equal(l->nitems, 1);
	assert_string_equal(l->items[0].value, "vi");
	/* redefinition without override also replaces, in place */
	assert_int_equal(load(f, "- list: bins\n  items: []\n"), 0);
	assert_int_equal(ruleset_find_list(f->rs, "bins")->nitems, 0);
	assert_int_equal(f->rs->nlists, 1);
	assert_clean(f);
}

static void test_list_append_unknown(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- list: nope\n  items: [a]\n  override:\n    items: append\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "no list by that name already exists");
	assert_null(ruleset_find_list(f->rs, "nope"));
}

static void test_macro_override(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- macro: opens\n  condition: or evt.type = openat\n"
				 "  override:\n    condition: append\n"),
			 0);
	m = ruleset_find_macro(f->rs, "opens");
	assert_string_equal(m->condition.text, "evt.type = open or evt.type = openat");
	assert_pos(locate(&m->condition, "openat"), 2, 28);
	assert_int_equal(load(f, "- macro: opens\n  condition: (never_true)\n"
				 "  override:\n    condition: replace\n"),
			 0);
	assert_string_equal(ruleset_find_macro(f->rs, "opens")->condition.text, "(never_true)");
	assert_int_equal(load(f, "- macro: opens\n  condition: and x\n  append: true\n"), 0);
	assert_string_equal(ruleset_find_macro(f->rs, "opens")->condition.text,
			    "(never_true) and x");
	assert_int_equal(f->rs->nmacros, 1);
	assert_clean(f);
	assert_int_equal(load(f, "- macro: ghost\n  condition: x\n  append: true\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "no macro by that name already exists");
}

static void test_exceptions_append(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n"
				 "  exceptions:\n"
				 "    - name: ex\n"
				 "      values:\n"
				 "        - [c, d]\n"
				 "    - name: fresh\n"
				 "      fields: fd.directory\n"
				 "      comps: pmatch\n"
				 "      values: [/tmp]\n"
				 "  override:\n"
				 "    exceptions: append\n"),
			 0);
	assert_clean(f);
	r = rule(f, "R");
	assert_int_equal(r->nexceptions, 2);
	assert_int_equal(r->exceptions[0].nvalues, 2);
	assert_string_equal(r->exceptions[0].values[1].values[0], "c");
	assert_pos(r->exceptions[0].values[1].value_pos[1], 5, 15);
	assert_string_equal(r->exceptions[1].name, "fresh");
	assert_string_equal(r->exceptions[1].comps[0], "pmatch");
	/* the deprecated form appends values too */
	assert_int_equal(load(f, "- rule: R\n  append: true\n  exceptions:\n    - name: fresh\n"
				 "      values: [/var/tmp]\n"),
			 0);
	assert_int_equal(rule(f, "R")->exceptions[1].nvalues, 2);
	assert_clean(f);
}

static void test_exceptions_append_fields_error(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n"
				 "  append: true\n"
				 "  exceptions:\n"
				 "    - name: ex\n"
				 "      fields: [x, y]\n"
				 "      values: [[1, 2]]\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 5, 7, "cannot append fields to existing exception 'ex'");
	/* nothing applied */
	assert_int_equal(rule(f, "R")->exceptions[0].nvalues, 1);
}

static void test_redefinition_keeps_position(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n  desc: new\n  condition: c\n  output: o\n"
				 "  priority: alert\n"),
			 0);
	assert_clean(f);
	assert_int_equal(f->rs->nrules, 2);
	assert_string_equal(f->rs->rules[0].name, "R");
	assert_string_equal(f->rs->rules[0].desc, "new");
	assert_int_equal(f->rs->rules[0].nexceptions, 0);
	assert_int_equal(f->rs->rules[0].ntags, 0);
	assert_string_equal(f->rs->rules[1].name, "Other");
}

static void test_redefinition_other_source(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, base_rules), 0);
	assert_int_equal(load(f, "- rule: R\n  desc: new\n  condition: c\n  output: o\n"
				 "  priority: alert\n  source: k8s_audit\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "redefined with a different source");
	assert_string_equal(rule(f, "R")->source, "syscall");
}

static void test_engine_version(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- required_engine_version: 17\n"), 0);
	assert_string_equal(f->rs->required_engine_version, "0.17.0");
	assert_int_equal(load(f, "- required_engine_version: 0.26.0\n"), 0);
	assert_string_equal(f->rs->required_engine_version, "0.26.0");
	assert_int_equal(load(f, "- required_engine_version: '0.50.0'\n"), 0);
	assert_int_equal(load(f, "- required_engine_version: 3\n"), 0);
	assert_string_equal(f->rs->required_engine_version, "0.50.0");
	assert_clean(f);
	assert_int_equal(load(f, "- required_engine_version: 51\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 28, "require engine version 0.51.0");
	assert_int_equal(load(f, "# x\n- required_engine_version: 1.0.0\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 28, "require engine version 1.0.0");
	assert_int_equal(load(f, "- required_engine_version: 0.26\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 28, "cannot parse engine version '0.26'");
}

static void test_plugin_versions_ignored(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f,
		"- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n"),
			 0);
	assert_clean(f);
	assert_diag(f, DIAG_WARNING, 1, 3, "required_plugin_versions is ignored");
}

static void test_unknown_keys_warn(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- rule: r\n  desc: d\n  condition: c\n  output: o\n"
				 "  priority: info\n  frobnicate: 1\n  desc: again\n"
				 "- list: l\n  items: []\n  colour: red\n"),
			 0);
	assert_clean(f);
	assert_diag(f, DIAG_WARNING, 6, 3, "unknown key 'frobnicate'");
	assert_diag(f, DIAG_WARNING, 7, 3, "key 'desc' appears more than once");
	assert_diag(f, DIAG_WARNING, 10, 3, "unknown key 'colour'");
	assert_string_equal(rule(f, "r")->desc, "d");
}

/* ---------------------------------------------------------------------------------------------- */
/* error positions */

static void test_error_bad_yaml(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- rule: x\n  desc: [a, b\n- list: y\n"), -EINVAL);
	assert_int_equal(f->d.nerrors, 1);
	assert_diag(f, DIAG_ERROR, 3, 7, "YAML syntax error: did not find expected ',' or ']'");
	assert_string_equal(f->d.v[0].pos.file, "t.yaml");
	/* a tab where indentation is expected */
	assert_int_equal(load(f, "- list: a\n  items: [b]\n\t- c\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 3, 1,
		"YAML syntax error: found character that cannot start any token");
}

static void test_error_bad_utf8(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- list: a\n  items: [\xc3\xa9, \xff]\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 14, "rule files must be UTF-8");
}

static void test_error_unknown_kind(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- list: a\n  items: []\n\n- rul: x\n  desc: y\n- just a string\n"
				 "- {rule: a, macro: b}\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 4, 3, "unknown item 'rul'");
	assert_diag(f, DIAG_ERROR, 6, 3, "each item must be a mapping");
	assert_diag(f, DIAG_ERROR, 7, 13, "item has both 'rule' and 'macro' keys");
	/* the good item is still loaded */
	assert_non_null(ruleset_find_list(f->rs, "a"));
	assert_int_equal(load(f, "rule: x\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 1, "a rules file must be a list of items");
}

static void test_error_missing_required_key(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- list: a\n  items: []\n- rule: half\n  desc: d\n"
				 "  condition: evt.type = open\n  priority: info\n"),
			 -EINVAL);
	assert_int_equal(f->d.nerrors, 1);
	assert_diag(f, DIAG_ERROR, 3, 3, "missing required key 'output'");
	assert_string_equal(f->d.v[0].item, "rule 'half'");
	assert_null(ruleset_find_rule(f->rs, "half"));
	assert_int_equal(load(f, "- rule: alone\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "missing required keys");
	assert_int_equal(load(f, "- macro: m\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "missing required key 'condition'");
	assert_int_equal(load(f, "- list: l\n  items:\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 9, "value of 'items' must be a list, not empty");
	assert_int_equal(load(f,
		"- rule: r\n  desc: \"\"\n  condition: c\n  output: o\n  priority: info\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 9, "value of 'desc' must not be empty");
}

static void test_error_bad_priority(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- rule: r\n  desc: d\n  condition: c\n  output: o\n"
				 "  priority: urgent\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 5, 13, "invalid priority 'urgent'");
	assert_null(ruleset_find_rule(f->rs, "r"));
}

static void test_error_override_unknown_item(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f,
		"- rule: Nope\n  priority: info\n  override:\n    priority: replace\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 1, 3, "no rule by that name already exists");
	assert_int_equal(load(f, "\n- rule: Nope\n  append: true\n  condition: and x\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 3, "rule uses 'append' but no rule");
}

static void test_error_override_misuse(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, base_rules), 0);
	/* key named under override but missing from the item */
	assert_int_equal(load(f, "- rule: R\n  override:\n    output: replace\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 3,
		"replace override for 'output' was specified but 'output' is not defined");
	/* key in the item but not named under override */
	assert_int_equal(load(f,
		"- rule: R\n  desc: x\n  output: y\n  override:\n    output: replace\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 3, "unexpected key 'desc'");
	/* priority cannot be appended to */
	assert_int_equal(load(f,
		"- rule: R\n  priority: info\n  override:\n    priority: append\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 4, 5, "'priority' cannot be appended to");
	/* unknown operation */
	assert_int_equal(load(f, "- rule: R\n  desc: x\n  override:\n    desc: merge\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 4, 11, "invalid override operation for 'desc'");
	/* both forms */
	assert_int_equal(load(f,
		"- rule: R\n  desc: x\n  append: true\n  override:\n    desc: append\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 3, 3, "cannot be used together");
	/* source cannot be overridden */
	assert_int_equal(load(f, "- rule: R\n  source: x\n  override:\n    source: replace\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 4, 5, "'source' cannot be overridden");
	assert_string_equal(rule(f, "R")->desc, "base desc");
}

static void test_error_exception_tuple_length(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- rule: r\n"
				 "  desc: d\n"
				 "  condition: c\n"
				 "  output: o\n"
				 "  priority: info\n"
				 "  exceptions:\n"
				 "    - name: pair\n"
				 "      fields: [proc.name, fd.name]\n"
				 "      values:\n"
				 "        - [a, b]\n"
				 "        - [a, b, c]\n"
				 "        - lonely\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 11, 11,
		"exception 'pair' has 2 fields but this value has 3 entries");
	assert_diag(f, DIAG_ERROR, 12, 11, "each value must be a list of 2 entries");
	assert_null(ruleset_find_rule(f->rs, "r"));
}

static void test_error_exception_shapes(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f,
		"- rule: r\n  desc: d\n  condition: c\n  output: o\n  priority: info\n"
				 "  exceptions:\n"
				 "    - name: a\n      fields: [x, y]\n      comps: [=]\n"
				 "    - name: b\n      fields: x\n      comps: \"=\"\n"
				 "    - name: c\n      fields: [x]\n      comps: [like]\n"
				 "    - name: d\n      fields: x\n      values: [[1, 2]]\n"
				 "    - fields: [x]\n"
				 "    - name: e\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 9, 14, "fields and comps lists must have equal length");
	assert_diag(f, DIAG_ERROR, 12, 14, "comps must be one of in, pmatch, intersects");
	assert_diag(f, DIAG_ERROR, 15, 15, "'like' is not a comparison operator");
	assert_diag(f, DIAG_ERROR, 18, 16, "its values must be strings, not a list");
	assert_diag(f, DIAG_ERROR, 19, 7, "exception has no 'name'");
	assert_diag(f, DIAG_ERROR, 20, 7, "exception 'e' has no 'fields'");
}

static void test_error_depth_bomb(void **state)
{
	Fixture *f = *state;
	char buf[256];
	int i, n = 0;

	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "- list: deep\n  items: ");
	for (i = 0; i < 40; i++)
		buf[n++] = '[';
	for (i = 0; i < 40; i++)
		buf[n++] = ']';
	buf[n++] = '\n';
	buf[n] = 0;
	assert_int_equal(load(f, buf), -EINVAL);
	/* depth 1 is the file's list, 2 the item; the 31st '[' (column 40) is level 33 */
	assert_diag(f, DIAG_ERROR, 2, 40, "nesting is deeper than the limit of 32");
}

static void test_error_oversized_scalar(void **state)
{
	Fixture *f = *state;
	size_t n = RULES_MAX_STRING + 10, i;
	char *buf = malloc(n + 64);

	assert_non_null(buf);
	i = (size_t)sprintf(buf, "- macro: m\n  condition: ");
	memset(buf + i, 'x', n);
	strcpy(buf + i + n, "\n");
	assert_int_equal(load(f, buf), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 14, "more than the limit of 65536");
	assert_null(ruleset_find_macro(f->rs, "m"));
	free(buf);
}

static void test_error_file_too_big(void **state)
{
	Fixture *f = *state;

	/* the size is checked before anything is read */
	assert_int_equal(ruleset_load_buffer(f->rs,
		"big.yaml", "", RULES_FILE_MAX_BYTES + 1ul, &f->d),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 0, 0, "more than the limit of 16777216 bytes");
}

static void test_error_unreadable_file(void **state)
{
	Fixture *f = *state;

	assert_int_equal(ruleset_load_file(f->rs, LOADER_TEST_DATA "/does-not-exist.yaml", &f->d),
			 -ENOENT);
	assert_diag(f, DIAG_ERROR, 0, 0, "cannot read rule file: No such file or directory");
	assert_string_equal(f->d.v[0].pos.file, LOADER_TEST_DATA "/does-not-exist.yaml");
	assert_int_equal(ruleset_load_file(f->rs, LOADER_TEST_DATA, &f->d), -EISDIR);
	assert_diag(f, DIAG_ERROR, 0, 0, "Is a directory");
}

static void test_limit_files(void **state)
{
	Fixture *f = *state;
	char name[32];
	unsigned i;

	for (i = 0; i < RULES_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%u.yaml", i);
		assert_int_equal(load_named(f, name, ""), 0);
	}
	/* a name seen before is not a new file */
	assert_int_equal(load_named(f, "f0.yaml", ""), 0);
	assert_int_equal(load_named(f, "one-too-many.yaml", ""), -EINVAL);
	assert_diag(f, DIAG_ERROR, 0, 0, "too many rule files");
}

static void test_limit_list_items(void **state)
{
	Fixture *f = *state;
	StrBuf sb = { 0 };
	unsigned i;

	assert_int_equal(strbuf_puts(&sb, "- list: big\n  items: ["), 0);
	for (i = 0; i < RULES_MAX_LIST_ITEMS; i++)
		assert_int_equal(strbuf_puts(&sb, "a,"), 0);
	assert_int_equal(strbuf_puts(&sb, "]\n"), 0);
	assert_int_equal(load(f, strbuf_str(&sb)), 0);
	assert_int_equal(ruleset_find_list(f->rs, "big")->nitems, RULES_MAX_LIST_ITEMS);
	assert_int_equal(load(f,
		"- list: big\n  items: [one, more]\n  override:\n    items: append\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 10, "more than the limit of 100000 items");
	assert_int_equal(ruleset_find_list(f->rs, "big")->nitems, RULES_MAX_LIST_ITEMS);
	strbuf_done(&sb);
}

static void test_limit_tags_and_exceptions(void **state)
{
	Fixture *f = *state;
	StrBuf sb = { 0 };
	unsigned i;

	assert_int_equal(load(f, base_rules), 0);
	/* R has tags a, b: 254 new ones fit, the 255th does not (duplicates count once) */
	assert_int_equal(strbuf_puts(&sb, "- rule: R\n  tags: [a, b"), 0);
	for (i = 0; i < RULES_MAX_TAGS - 2; i++)
		assert_int_equal(strbuf_printf(&sb, ", t%u, t%u", i, i), 0);
	assert_int_equal(strbuf_puts(&sb, "]\n  override:\n    tags: append\n"), 0);
	assert_int_equal(load(f, strbuf_str(&sb)), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 9, "more than the limit of 256");
	strbuf_reset(&sb);
	assert_int_equal(strbuf_puts(&sb, "- rule: R\n  tags: [a"), 0);
	for (i = 0; i < RULES_MAX_TAGS - 2; i++)
		assert_int_equal(strbuf_printf(&sb, ", t%u", i), 0);
	assert_int_equal(strbuf_puts(&sb, "]\n  override:\n    tags: append\n"), 0);
	assert_int_equal(load(f, strbuf_str(&sb)), 0);
	assert_int_equal(rule(f, "R")->ntags, RULES_MAX_TAGS);
	assert_int_equal(load(f, "- rule: R\n  tags: [one_more]\n  override:\n    tags: append\n"),
			 -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 9, "rule would have more than the limit of 256 tags");

	/* R has one exception; 255 more fit */
	strbuf_reset(&sb);
	assert_int_equal(strbuf_puts(&sb, "- rule: R\n  exceptions:\n"), 0);
	for (i = 0; i < RULES_MAX_EXCEPTIONS; i++)
		assert_int_equal(strbuf_printf(&sb, "    - {name: x%u, fields: f, values: [v]}\n", i), 0);
	assert_int_equal(strbuf_puts(&sb, "  override:\n    exceptions: append\n"), 0);
	assert_int_equal(load(f, strbuf_str(&sb)), -EINVAL);
	assert_diag(f, DIAG_ERROR, RULES_MAX_EXCEPTIONS + 2, 7,
		    "rule would have more than the limit of 256 exceptions");
	assert_int_equal(rule(f, "R")->nexceptions, 1);
	strbuf_done(&sb);
}

static void test_limit_items_per_file(void **state)
{
	Fixture *f = *state;
	StrBuf sb = { 0 };
	unsigned i;

	for (i = 0; i <= RULES_MAX_ITEMS_PER_FILE; i++)
		assert_int_equal(strbuf_printf(&sb, "- {list: l%u, items: []}\n", i), 0);
	assert_int_equal(load(f, strbuf_str(&sb)), -EINVAL);
	assert_diag(f, DIAG_ERROR, RULES_MAX_ITEMS_PER_FILE + 1, 3,
		"more than 20000 items in one file");
	assert_int_equal(f->rs->nlists, RULES_MAX_ITEMS_PER_FILE);
	strbuf_done(&sb);
}

static void test_aliases(void **state)
{
	Fixture *f = *state;

	assert_int_equal(load(f, "- list: a\n  items: &common [x, y]\n"
				 "- list: b\n  items: *common\n"),
			 0);
	assert_clean(f);
	assert_int_equal(ruleset_find_list(f->rs, "b")->nitems, 2);
	/* positions of copied nodes are those of the anchored original */
	assert_pos(ruleset_find_list(f->rs, "b")->items[1].pos, 2, 22);
	assert_int_equal(load(f, "- list: c\n  items: *nowhere\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 10, "refers to no anchor");
	assert_int_equal(load(f, "- list: c\n  items: &self [a, *self]\n"), -EINVAL);
	assert_diag(f, DIAG_ERROR, 2, 20, "refers to a node containing it");
}

static void test_alias_bomb(void **state)
{
	Fixture *f = *state;
	StrBuf sb = { 0 };
	int i, j;

	/* each level refers to the previous one ten times: 10^9 nodes if expanded */
	assert_int_equal(strbuf_puts(&sb,
		"- x: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"), 0);
	for (i = 1; i < 10; i++) {
		assert_int_equal(strbuf_printf(&sb, "  a%d: &a%d [", i, i), 0);
		for (j = 0; j < 10; j++)
			assert_int_equal(strbuf_printf(&sb, "%s*a%d", j ? ", " : "", i - 1), 0);
		assert_int_equal(strbuf_puts(&sb, "]\n"), 0);
	}
	assert_int_equal(load(f, strbuf_str(&sb)), -EINVAL);
	assert_int_equal(f->d.nerrors, 1);
	assert_diag(f, DIAG_ERROR, 6, 12, "aliases expand to more than the limit");
	strbuf_done(&sb);
}

/* ---------------------------------------------------------------------------------------------- */
/* positions inside multi-line conditions */

static void test_positions_folded(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: m\n"
				 "  condition: >\n"
				 "    evt.type = open\n"
				 "      and   fd.name = x\n"
				 "\n"
				 "    and proc.name = bad(\n"),
			 0);
	assert_clean(f);
	m = ruleset_find_macro(f->rs, "m");
	/* folding keeps the more-indented line's break and the empty line */
	assert_string_equal(m->condition.text,
			    "evt.type = open\n  and   fd.name = x\n\nand proc.name = bad(\n");
	assert_pos(srctext_locate(&m->condition, 0), 3, 5);
	assert_pos(locate(&m->condition, "fd.name"), 4, 13);
	assert_pos(locate(&m->condition, "proc.name"), 6, 9);
	/* byte k: the '(' that a parser would complain about */
	assert_pos(srctext_locate(&m->condition, strlen(m->condition.text) - 2), 6, 24);
}

static void test_positions_folded_join(void **state)
{
	Fixture *f = *state;
	const RuleDef *r;
	size_t k;

	assert_int_equal(load(f, "- rule: r\n"
				 "  desc: d\n"
				 "  condition: >\n"
				 "     spawned_process and\n"
				 "     proc.name in (a, b) and\n"
				 "     fd.name ==== x\n"
				 "  output: o\n"
				 "  priority: info\n"),
			 0);
	assert_clean(f);
	r = rule(f, "r");
	assert_string_equal(r->condition.text,
			    "spawned_process and proc.name in (a, b) and fd.name ==== x\n");
	k = (size_t)(strstr(r->condition.text, "====") - r->condition.text);
	assert_pos(srctext_locate(&r->condition, k), 6, 14);
	/* the space that replaced the first line break sits at that break */
	assert_pos(srctext_locate(&r->condition, strlen("spawned_process and")), 4, 25);
}

static void test_positions_plain_multiline(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: m\n"
				 "  condition: proc.pname in (pkg) or\n"
				 "             proc.aname[2] in (pkg)\n"),
			 0);
	m = ruleset_find_macro(f->rs, "m");
	assert_string_equal(m->condition.text, "proc.pname in (pkg) or proc.aname[2] in (pkg)");
	assert_pos(locate(&m->condition, "proc.aname"), 3, 14);
	assert_pos(locate(&m->condition, "[2]"), 3, 24);
}

static void test_positions_literal(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: m\n"
				 "  condition: |\n"
				 "    a = 1\n"
				 "      or b = 2\n"),
			 0);
	m = ruleset_find_macro(f->rs, "m");
	assert_string_equal(m->condition.text, "a = 1\n  or b = 2\n");
	assert_pos(locate(&m->condition, "or"), 4, 7);
	assert_pos(locate(&m->condition, "b"), 4, 10);
}

static void test_positions_quoted(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: dq\n"
				 "  condition: \"fd.name = \\\"/tmp\\\" and\n"
				 "     \\x41 = \\u00e9 and \\\n"
				 "     x = 1\"\n"
				 "- macro: sq\n"
				 "  condition: 'proc.name = ''a b''\n"
				 "    and  y = 2'\n"),
			 0);
	assert_clean(f);
	m = ruleset_find_macro(f->rs, "dq");
	assert_string_equal(m->condition.text, "fd.name = \"/tmp\" and A = \xc3\xa9 and x = 1");
	assert_pos(locate(&m->condition, "/tmp"), 2, 27);
	assert_pos(locate(&m->condition, "A"), 3, 6);
	assert_pos(locate(&m->condition, "\xc3\xa9"), 3, 13);
	assert_pos(locate(&m->condition, "x = 1"), 4, 6);
	m = ruleset_find_macro(f->rs, "sq");
	assert_string_equal(m->condition.text, "proc.name = 'a b' and  y = 2");
	assert_pos(locate(&m->condition, "b'"), 6, 31);
	assert_pos(locate(&m->condition, "y"), 7, 10);
}

static void test_positions_crlf_and_utf8(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: m\r\n"
				 "  condition: >\r\n"
				 "    proc.name = \"h\xc3\xa9\" and\r\n"
				 "    fd.name = x\r\n"),
			 0);
	assert_clean(f);
	m = ruleset_find_macro(f->rs, "m");
	assert_string_equal(m->condition.text, "proc.name = \"h\xc3\xa9\" and fd.name = x\n");
	/* columns count characters, as libyaml's marks do */
	assert_pos(locate(&m->condition, "and"), 3, 22);
	assert_pos(locate(&m->condition, "fd.name"), 4, 5);
}

static void test_positions_bom_and_utf16(void **state)
{
	static const char utf16[] = "\xff\xfe-\0 \0m\0a\0c\0r\0o\0:\0 \0m\0\n\0 \0 \0"
				    "c\0o\0n\0d\0i\0t\0i\0o\0n\0:\0 \0a\0 \0b\0\n\0";
	Fixture *f = *state;
	const MacroDef *m;

	/* a UTF-8 BOM is not a column */
	assert_int_equal(load(f, "\xef\xbb\xbf- macro: m\n  condition: a and b\n"), 0);
	m = ruleset_find_macro(f->rs, "m");
	assert_pos(m->pos, 1, 3);
	assert_pos(locate(&m->condition, "b"), 2, 20);
	/* UTF-16 (with a BOM) loads; positions come from libyaml's marks */
	assert_int_equal(ruleset_load_buffer(f->rs, "u16.yaml", utf16, sizeof(utf16) - 1, &f->d), 0);
	assert_clean(f);
	m = ruleset_find_macro(f->rs, "m");
	assert_string_equal(m->condition.text, "a b");
	assert_pos(srctext_locate(&m->condition, 0), 2, 14);
}

static void test_positions_anchor_and_tag(void **state)
{
	Fixture *f = *state;
	const MacroDef *m;

	assert_int_equal(load(f, "- macro: m\n"
				 "  condition: &c !!str a and\n"
				 "    b\n"
				 "- macro: n\n"
				 "  condition: &d # the condition\n"
				 "    >-\n"
				 "    x or y\n"
				 "- macro: o\n"
				 "  condition: *c\n"),
			 0);
	assert_clean(f);
	m = ruleset_find_macro(f->rs, "m");
	assert_string_equal(m->condition.text, "a and b");
	assert_pos(srctext_locate(&m->condition, 0), 2, 23);
	assert_pos(locate(&m->condition, "b"), 3, 5);
	m = ruleset_find_macro(f->rs, "n");
	assert_string_equal(m->condition.text, "x or y");
	assert_pos(locate(&m->condition, "y"), 7, 10);
	/* an alias has the positions of its anchor */
	m = ruleset_find_macro(f->rs, "o");
	assert_pos(locate(&m->condition, "b"), 3, 5);
}

/* The position mapper must reproduce libyaml's text for every scalar style. */
static void test_positions_all_styles(void **state)
{
	static const char doc[] = "a: plain  text\n"
				  "b: 'single ''q''\n\n   x'\n"
				  "c: \"dq \\t\\n\\\\ \\\n   j\"\n"
				  "d: |+\n  keep\n\n"
				  "e: >-\n  strip\n  me\n"
				  "f: |2\n    two\n  base\n"
				  "g: [flow one,\n  \"two\n  lines\"]\n"
				  "h: >\n  a\n\n   more\n  b\n";
	YamlReader *r;
	LNode *root;
	LoaderError err;
	size_t i;

	(void)state;
	assert_int_equal(yaml_reader_new(doc, strlen(doc), &r), 0);
	assert_int_equal(yaml_reader_next(r, &root, &err), 1);
	assert_non_null(root);
	for (i = 1; i < root->nkids; i += 2) {
		const LNode *v = root->kids[i];
		const LNode *s = v->type == LN_SEQ ? v->kids[v->nkids - 1] : v;
		unsigned lines[64], cols[64];

		assert_true(s->len < 64);
		if (lnode_positions(s, doc, strlen(doc), lines, cols) != 0) {
			fprintf(stderr, "no exact positions for value %zu: [%s]\n", i / 2, s->str);
			fail();
		}
	}
	lnode_free(root);
	assert_int_equal(yaml_reader_next(r, &root, &err), 0);
	yaml_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multiple_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_macro, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_every_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_defaults, setup, teardown),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test_setup_teardown(test_append_condition_deprecated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_requires_condition_or_exceptions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_override_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override_append_and_replace_together, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enabled_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_unknown_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_append_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_append_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_macro_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exceptions_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exceptions_append_fields_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redefinition_keeps_position, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redefinition_other_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_versions_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_warn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_bad_yaml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_bad_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_unknown_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_missing_required_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_bad_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_override_unknown_item, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_override_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_exception_tuple_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_exception_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_depth_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_oversized_scalar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_file_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_unreadable_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_list_items, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_tags_and_exceptions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_items_per_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aliases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_folded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_folded_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_plain_multiline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_quoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_crlf_and_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_bom_and_utf16, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_anchor_and_tag, setup, teardown),
		cmocka_unit_test(test_positions_all_styles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
