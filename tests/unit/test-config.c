// SPDX-License-Identifier: MIT
/*
 * Unit tests for sakerd's configuration: defaults, the main file plus
 * drop-ins merge rules, -o overrides, errors with positions and
 * suggestions, the dump, and docs/configuration.md against the schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"

#define DATA CONFIG_TEST_DATA

static Config *load(const char *main_path, const char *dropins, char **o, size_t n)
{
	ConfigErrors e = { 0 };
	Config *c = NULL;
	int r = config_load(main_path, dropins, o, n, &c, &e);

	if (r < 0)
		config_errors_print(&e, stderr);
	assert_int_equal(r, 0);
	assert_int_equal(e.n, 0);
	config_errors_done(&e);
	return c;
}

/* Load expecting failure; returns every error printed, one per line. */
static char *load_errors(const char *main_path, const char *dropins, char **o, size_t n)
{
	ConfigErrors e = { 0 };
	Config *c = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(config_load(main_path, dropins, o, n, &c, &e), -EINVAL);
	assert_null(c);
	assert_true(e.n > 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	config_errors_print(&e, f);
	fclose(f);
	config_errors_done(&e);
	return buf;
}

static void test_defaults(void **unused)
{
	_cleanup_(config_freep) Config *c = NULL;

	(void)unused;
	assert_int_equal(config_new(&c), 0);
	assert_string_equal(c->priority, "debug");
	assert_string_equal(c->rule_matching, "first");
	assert_true(c->stdout_enabled);
	assert_true(c->syslog_enabled);
	assert_false(c->json_output);
	assert_true(c->json_include_output_property);
	assert_int_equal(c->rules_files.n, 2);
	assert_int_equal(c->drops_actions.n, 2);
	assert_string_equal(c->drops_actions.v[1], "alert");
	assert_true(c->drops_rate > 0.0333 && c->drops_rate < 0.0334);
	assert_int_equal(c->metrics_interval_ms, 3600000);
	assert_int_equal(c->state_sweep_interval_ms, 300000);
	assert_int_equal(c->stats_interval_ms, 0);
	assert_int_equal(c->state_max_threads, 131072);
	assert_int_equal(c->driver_snaplen, 80);
	assert_string_equal(c->program_program, "");
	config_free(TAKE_PTR(c));

	/* no file at all: defaults */
	c = load(NULL, NULL, NULL, 0);
	assert_string_equal(c->syslog_app_name, "saker");
}

static void test_schema_table(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < config_schema_len; i++) {
		const ConfigKey *k = &config_schema[i];

		assert_non_null(k->desc);
		assert_true(strlen(k->desc) > 0 && !strchr(k->desc, '\n'));
		assert_ptr_equal(config_find_key(k->key), k);
		assert_true((k->type == CONFIG_ENUM || k->type == CONFIG_ENUM_LIST) ==
			    (k->values != NULL));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(config_schema[j].key, k->key);
	}
	assert_null(config_find_key("file_output"));
	assert_null(config_find_key("nope"));
}

static void test_main_and_dropins(void **unused)
{
	_cleanup_(config_freep) Config *c = NULL;

	(void)unused;
	c = load(DATA "/saker.yaml", NULL, NULL, 0);
	assert_string_equal(c->priority, "notice");
	assert_true(c->json_output);
	assert_true(c->file_enabled);
	assert_false(c->file_keep_alive);
	assert_string_equal(c->file_filename, "/var/log/saker/alerts.json");
	assert_string_equal(c->syslog_facility, "local3");
	assert_string_equal(c->syslog_app_name, "saker-test");
	assert_true(c->syslog_enabled); /* untouched key of a touched section */
	assert_int_equal(c->rules_files.n, 2);
	assert_string_equal(c->rules_files.v[1], "/etc/saker/rules.d");
	assert_int_equal(c->drops_actions.n, 1);
	assert_true(c->drops_rate == 0.5);
	assert_int_equal(c->state_max_threads, 50000);
	assert_int_equal(c->state_sweep_interval_ms, 90000);
	config_free(TAKE_PTR(c));

	c = load(DATA "/saker.yaml", DATA "/config.d", NULL, 0);
	assert_true(c->file_enabled);	 /* maps merge */
	assert_true(c->file_keep_alive); /* from 10-outputs.yaml */
	assert_string_equal(c->file_filename, "/var/log/saker/alerts.json");
	assert_true(c->journald_enabled);
	assert_int_equal(c->rules_files.n, 1); /* lists replace */
	assert_string_equal(c->rules_files.v[0], "/opt/rules.yaml");
	assert_string_equal(c->priority, "warning"); /* 20 after 10 */
	assert_true(c->outputs_rate == 2.5);
	assert_int_equal(c->outputs_max_burst, 10);
	config_free(TAKE_PTR(c));

	/* a missing drop-in directory is no error */
	c = load(DATA "/saker.yaml", DATA "/nonexistent.d", NULL, 0);
	assert_string_equal(c->priority, "notice");
}

static void test_overrides(void **unused)
{
	_cleanup_(config_freep) Config *c = NULL;
	char *o[] = {
		"priority=error",
		"file_output.enabled=false",
		"rules_files=[/a, /b, /c]",
		"syscall_event_drops={actions: [exit], max_burst: 5}",
		"program_output.program=jq -c . >> /tmp/x",
		"metrics.interval=250ms",
		"stats_interval=10",
		"syslog_output.app_name=",
		"file_output.filename=/single",
	};

	(void)unused;
	c = load(DATA "/saker.yaml", DATA "/config.d", o, ELEMENTSOF(o));
	assert_string_equal(c->priority, "error");
	assert_false(c->file_enabled);
	assert_true(c->file_keep_alive);
	assert_int_equal(c->rules_files.n, 3);
	assert_string_equal(c->rules_files.v[2], "/c");
	assert_int_equal(c->drops_actions.n, 1);
	assert_string_equal(c->drops_actions.v[0], "exit");
	assert_int_equal(c->drops_max_burst, 5);
	assert_true(c->drops_rate == 0.5); /* section override merges */
	assert_string_equal(c->program_program, "jq -c . >> /tmp/x");
	assert_int_equal(c->metrics_interval_ms, 250);
	assert_int_equal(c->stats_interval_ms, 10000);
	assert_string_equal(c->syslog_app_name, "");
	assert_string_equal(c->file_filename, "/single");
	config_free(TAKE_PTR(c));

	/* a single string is a one-item list */
	{
		char *o2[] = { "rules_files=/only" };

		c = load(NULL, NULL, o2, 1);
		assert_int_equal(c->rules_files.n, 1);
		assert_string_equal(c->rules_files.v[0], "/only");
	}
}

static void test_override_errors(void **unused)
{
	char *o[] = { "priorty=warning", "json_output", "state.max_threads=7",
		      "metrics.interval=1w", "=x", "driver.snaplen=[1" };
	_cleanup_free_ char *out = NULL;

	(void)unused;
	out = load_errors(NULL, NULL, o, ELEMENTSOF(o));
	assert_non_null(strstr(out, "-o: error: unknown key 'priorty' (did you mean 'priority'?)"));
	assert_non_null(strstr(out, "-o: error: 'json_output': expected KEY=VALUE"));
	assert_non_null(strstr(out, "state.max_threads must be between 16 and 4194304, not 7"));
	assert_non_null(strstr(out, "metrics.interval must be a duration"));
	assert_non_null(strstr(out, "'=x': expected KEY=VALUE"));
	assert_non_null(strstr(out, "'driver.snaplen=[1'"));
}

static void test_file_errors(void **unused)
{
	_cleanup_free_ char *out = NULL, *m = NULL, *l = NULL, *missing = NULL;

	(void)unused;
	out = load_errors(DATA "/bad/saker.yaml", NULL, NULL, 0);
	assert_non_null(strstr(out, "bad/saker.yaml:1:1: error: unknown key 'priorty' "
				    "(did you mean 'priority'?)"));
	assert_non_null(strstr(out, "bad/saker.yaml:2:14: error: json_output must be a boolean"));
	assert_non_null(strstr(out, "bad/saker.yaml:4:3: error: unknown key "
				    "'file_output.enabeld' (did you mean 'file_output.enabled'?)"));
	assert_non_null(strstr(out, "bad/saker.yaml:5:13: error: file_output.filename must be a "
				    "string"));
	assert_non_null(strstr(out, "bad/saker.yaml:7:12: error: driver.snaplen must be between "
				    "0 and 65535, not 70000"));
	assert_non_null(strstr(out, "bad/saker.yaml:8:19: error: driver.buffer_size_kb must be an "
				    "integer"));
	assert_non_null(strstr(out, "bad/saker.yaml:9:16: error: rule_matching must be one of "
				    "first|all, not 'some'"));
	assert_non_null(strstr(out, "bad/saker.yaml:11:18: error: syscall_event_drops.actions: "
				    "items must be one of ignore|log|alert|exit, not 'panic'"));
	assert_non_null(strstr(out, "bad/saker.yaml:13:13: error: metrics.interval must be a "
				    "duration"));
	assert_non_null(strstr(out, "bad/saker.yaml:14:1: error: unknown key "
				    "'totally_unrelated_key'\n"));

	m = load_errors(DATA "/bad/malformed.yaml", NULL, NULL, 0);
	assert_non_null(strstr(m, "bad/malformed.yaml:"));
	l = load_errors(DATA "/bad/list.yaml", NULL, NULL, 0);
	assert_non_null(strstr(l, "bad/list.yaml:1:1: error: the configuration must be a mapping"));
	missing = load_errors(DATA "/nonexistent.yaml", NULL, NULL, 0);
	assert_non_null(strstr(missing, "nonexistent.yaml: error: cannot read: No such file"));
}

/* Every error of a drop-in names the drop-in, not the main file. */
static void test_dropin_error_position(void **unused)
{
	char *o[] = { "outputs.rate=-1" };
	_cleanup_free_ char *out = NULL;

	(void)unused;
	out = load_errors(DATA "/saker.yaml", DATA "/bad", o, 1);
	assert_non_null(strstr(out, "bad/saker.yaml:1:1: error: unknown key 'priorty'"));
	assert_non_null(strstr(out, "bad/list.yaml:1:1:"));
	assert_non_null(strstr(out, "-o: error: outputs.rate must be between 0 and 1000000"));
	assert_null(strstr(out, "config/saker.yaml"));
}

/* The dump is valid configuration that loads back to the same values. */
static void test_dump_roundtrip(void **unused)
{
	_cleanup_(config_freep) Config *c = NULL, *c2 = NULL;
	_cleanup_free_ char *buf = NULL, *buf2 = NULL;
	char path[] = "/tmp/saker-config-XXXXXX";
	size_t len = 0, len2 = 0;
	FILE *f;
	int fd;

	(void)unused;
	c = load(DATA "/saker.yaml", DATA "/config.d", NULL, 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(config_dump(c, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "file_output:\n  # Append alerts to a file\n  enabled: true\n"));
	assert_non_null(strstr(buf, "rules_files: [/opt/rules.yaml]\n"));
	assert_non_null(strstr(buf, "  sweep_interval: 90s\n"));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	c2 = load(path, NULL, NULL, 0);
	unlink(path);
	f = open_memstream(&buf2, &len2);
	assert_int_equal(config_dump(c2, f), 0);
	fclose(f);
	assert_string_equal(buf, buf2);
}

/* docs/configuration.md documents every key, with the schema's description. */
static void test_doc_matches_schema(void **unused)
{
	_cleanup_free_ char *doc = NULL, *table = NULL;
	size_t len = 0, tlen = 0;
	FILE *f;

	(void)unused;
	f = fopen(CONFIG_DOC, "r");
	assert_non_null(f);
	assert_int_equal(getdelim(&doc, &len, '\0', f) > 0, 1);
	fclose(f);

	f = open_memstream(&table, &tlen);
	assert_int_equal(config_schema_markdown(f), 0);
	fclose(f);

	for (size_t i = 0; i < config_schema_len; i++) {
		const ConfigKey *k = &config_schema[i];
		_cleanup_free_ char *head = NULL;
		const char *row, *want, *eol;

		assert_true(asprintf(&head, "| `%s` |", k->key) > 0);
		row = strstr(doc, head);
		if (!row)
			fail_msg("docs/configuration.md does not document %s", k->key);
		/* the generated row, except the default (it depends on --prefix) */
		want = strstr(table, head);
		assert_non_null(want);
		want = strstr(want + strlen(head), "` | ");
		eol = strchr(want, '\n');
		row = strstr(row + strlen(head), "` | ");
		assert_non_null(row);
		if (strncmp(row, want, (size_t)(eol - want) + 1))
			fail_msg("docs/configuration.md: the row of %s differs from the schema "
				 "(config_schema_markdown())", k->key);
	}
	/* and nothing undocumented-in-the-schema is listed */
	for (const char *p = strstr(doc, "<!-- BEGIN schema -->"); p && (p = strstr(p, "\n| `"));) {
		char key[128];

		p += 4;
		assert_true(sscanf(p, "%127[^`]", key) == 1);
		if (!config_find_key(key))
			fail_msg("docs/configuration.md lists unknown key %s", key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_schema_table),
		cmocka_unit_test(test_main_and_dropins),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_dropin_error_position),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_doc_matches_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
