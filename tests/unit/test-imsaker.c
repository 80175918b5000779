// SPDX-License-Identifier: MIT
/*
 * Tests of what imsaker (rsyslog-plugin/alert-parse.c) makes of a datagram:
 * every alert sakerd's renderer writes is accepted with the right severity,
 * sentence, hostname and time; what is not an alert is refused with a
 * reason; timestamps, facility names and control-character escaping.
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
#include <libfastjson/json.h>

#include "../../rsyslog-plugin/alert-parse.h"
#include "output/alert.h"

static int parse_str(const char *s, ImsakerAlert *a, const char **reason)
{
	return imsaker_alert_parse(s, strlen(s), a, reason);
}

static void assert_malformed(const char *s, const char *want_reason)
{
	ImsakerAlert a;
	const char *reason = NULL;

	assert_int_equal(parse_str(s, &a, &reason), -EINVAL);
	assert_non_null(reason);
	assert_string_equal(reason, want_reason);
	assert_null(a.json);
	imsaker_alert_done(&a);
}

/* What sakerd sends: alert_render_json() of every priority, read back. */
static void test_rendered_alerts(void **unused)
{
	static const char *const tags[] = { "filesystem" };
	static const AlertField fields[] = {
		{ .name = "proc.name", .value = "cat", .len = 3 },
		{ .name = "fd.name", .value = "/etc/\nshadow", .len = 12 },
		{ .name = "user.name", .value = "<NA>", .len = 4, .missing = true },
	};
	static const char sentence[] =
		"Sensitive file opened (proc.name=cat fd.name=/etc/\nshadow)";
	Priority p;

	(void)unused;
	for (p = PRI_EMERGENCY; p < _PRI_MAX; p++) {
		Alert al = {
			.time_ns = 1700000000123456789ull,
			.rule = "Read sensitive file",
			.priority = p,
			.tags = tags,
			.ntags = 1,
			.source = "syscall",
			.hostname = "web-1.example.org",
			.output = sentence,
			.output_len = sizeof(sentence) - 1,
			.fields = fields,
			.nfields = 3,
		};
		struct fjson_object *of, *v;
		StrBuf sb = { 0 };
		const char *reason = NULL;
		ImsakerAlert a;

		assert_true(alert_render_json(&al, NULL, &sb) >= 0);
		assert_int_equal(imsaker_alert_parse(sb.buf, sb.len, &a, &reason), 0);
		assert_null(reason);
		/* emergency 0 ... debug 7: the rule priorities are the syslog severities. */
		assert_int_equal(a.severity, (int)p);
		assert_int_equal(a.output_len, sizeof(sentence) - 1);
		assert_memory_equal(a.output, sentence, a.output_len);
		assert_non_null(a.hostname);
		assert_int_equal(a.hostname_len, strlen("web-1.example.org"));
		assert_memory_equal(a.hostname, "web-1.example.org", a.hostname_len);
		assert_true(a.has_time);
		assert_int_equal(a.time_sec, 1700000000);
		assert_int_equal(a.time_nsec, 123456789);
		/* The whole object stays for $!saker. */
		assert_true(fjson_object_object_get_ex(a.json, "output_fields", &of));
		assert_true(fjson_object_object_get_ex(of, "proc.name", &v));
		assert_string_equal(fjson_object_get_string(v), "cat");
		assert_true(fjson_object_object_get_ex(of, "user.name", &v));
		assert_null(v);
		assert_true(fjson_object_object_get_ex(a.json, "tags", &v));
		imsaker_alert_done(&a);
		assert_null(a.json);
		strbuf_done(&sb);
	}
}

static void test_minimal_and_lenient(void **unused)
{
	ImsakerAlert a;
	const char *reason;

	(void)unused;
	/* Only rule, output and priority are needed; whitespace around is fine. */
	assert_int_equal(parse_str(" {\"rule\":\"r\",\"output\":\"\",\"priority\":\"INFO\"}\n", &a,
				   &reason),
			 0);
	assert_int_equal(a.severity, 6);
	assert_int_equal(a.output_len, 0);
	assert_null(a.hostname);
	assert_false(a.has_time);
	imsaker_alert_done(&a);

	/* A hostname that is no syslog HOSTNAME and a time that is not RFC 3339 UTC are left out. */
	assert_int_equal(parse_str("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"notice\","
				   "\"hostname\":\"two words\",\"time\":\"yesterday\"}",
				   &a, &reason),
			 0);
	assert_int_equal(a.severity, 5);
	assert_null(a.hostname);
	assert_false(a.has_time);
	imsaker_alert_done(&a);

	assert_int_equal(parse_str("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"Critical\","
				   "\"hostname\":\"\",\"time\":\"2024-02-29T23:59:59Z\"}",
				   &a, &reason),
			 0);
	assert_null(a.hostname);
	assert_true(a.has_time);
	assert_int_equal(a.time_sec, 1709251199);
	assert_int_equal(a.time_nsec, 0);
	imsaker_alert_done(&a);
	imsaker_alert_done(NULL);
}

static void test_malformed(void **unused)
{
	char deep[256];
	size_t i, n = 0;

	(void)unused;
	assert_malformed("not json at all", "not JSON");
	assert_malformed("{\"rule\":\"r\",", "not JSON");
	assert_malformed("{'rule':'r'}", "not JSON");
	assert_malformed("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"info\"} trailing",
			 "not JSON");
	assert_malformed("{\"a\":1}{\"b\":2}", "not JSON");
	assert_malformed("[1,2,3]", "not a JSON object");
	assert_malformed("\"just a string\"", "not a JSON object");
	assert_malformed("{}", "no \"rule\" string");
	assert_malformed("{\"rule\":\"\",\"output\":\"o\",\"priority\":\"info\"}",
			 "no \"rule\" string");
	assert_malformed("{\"rule\":7,\"output\":\"o\",\"priority\":\"info\"}",
			 "no \"rule\" string");
	assert_malformed("{\"rule\":\"r\",\"priority\":\"info\"}", "no \"output\" string");
	assert_malformed("{\"rule\":\"r\",\"output\":null,\"priority\":\"info\"}",
			 "no \"output\" string");
	assert_malformed("{\"rule\":\"r\",\"output\":\"o\"}", "no \"priority\" string");
	assert_malformed("{\"rule\":\"r\",\"output\":\"o\",\"priority\":4}",
			 "no \"priority\" string");
	assert_malformed("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"urgent\"}",
			 "unknown \"priority\"");
	assert_malformed("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"warningX\"}",
			 "unknown \"priority\"");

	/* Nesting past the limit. */
	n += (size_t)snprintf(deep, sizeof(deep),
			      "{\"rule\":\"r\",\"output\":\"o\","
			      "\"priority\":\"info\",\"x\":");
	for (i = 0; i < IMSAKER_JSON_DEPTH_MAX + 1; i++)
		deep[n++] = '[';
	for (i = 0; i < IMSAKER_JSON_DEPTH_MAX + 1; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_malformed(deep, "not JSON");
}

static void test_bytes(void **unused)
{
	static const char ok[] = "{\"rule\":\"r\",\"output\":\"a\\u0000b\",\"priority\":\"debug\"}";
	static const char nul[] = "{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"debug\"}\0junk";
	char *big;
	ImsakerAlert a;
	const char *reason;

	(void)unused;
	/* An escaped NUL is part of the sentence (the module escapes it again). */
	assert_int_equal(imsaker_alert_parse(ok, sizeof(ok) - 1, &a, &reason), 0);
	assert_int_equal(a.output_len, 3);
	assert_memory_equal(a.output, "a\0b", 3);
	imsaker_alert_done(&a);
	/* A raw NUL and bytes after the object: not an alert. */
	assert_int_equal(imsaker_alert_parse(nul, sizeof(nul) - 1, &a, &reason), -EINVAL);
	assert_int_equal(imsaker_alert_parse("", 0, &a, &reason), -EINVAL);
	assert_string_equal(reason, "empty datagram");

	big = malloc(IMSAKER_DATAGRAM_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', IMSAKER_DATAGRAM_MAX + 1);
	assert_int_equal(imsaker_alert_parse(big, IMSAKER_DATAGRAM_MAX + 1, &a, &reason), -E2BIG);
	free(big);
}

static void test_time(void **unused)
{
	static const struct {
		const char *s;
		int64_t sec;
		uint32_t nsec;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2023-11-14T22:13:20.123456789Z", 1700000000, 123456789 },
		{ "2023-11-14T22:13:20.5Z", 1700000000, 500000000 },
		{ "2000-03-01T00:00:00.000001Z", 951868800, 1000 },
		{ "1969-12-31T23:59:59Z", -1, 0 },
		{ "2100-02-28T12:00:00Z", 4107499200, 0 },
	};
	static const char *const bad[] = {
		"2023-11-14T22:13:20",
		"2023-11-14 22:13:20Z",
		"2023-02-29T00:00:00Z",
		"2100-02-29T00:00:00Z",
		"2023-13-01T00:00:00Z",
		"2023-00-10T00:00:00Z",
		"2023-11-31T00:00:00Z",
		"2023-11-14T24:00:00Z",
		"2023-11-14T22:60:00Z",
		"2023-11-14T22:13:60Z",
		"2023-11-14T22:13:20.Z",
		"2023-11-14T22:13:20.1234567890Z",
		"2023-11-14T22:13:20,5Z",
		"2023-11-14T22:13:2xZ",
		"0000-01-01T00:00:00Z",
		"2023-11-14T22:13:20+01:00",
		"",
		"Z",
	};
	int64_t sec;
	uint32_t nsec;
	size_t i;

	(void)unused;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(imsaker_parse_time(good[i].s, strlen(good[i].s), &sec, &nsec), 0);
		assert_int_equal(sec, good[i].sec);
		assert_int_equal(nsec, good[i].nsec);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(imsaker_parse_time(bad[i], strlen(bad[i]), &sec, &nsec), -EINVAL);
	assert_int_equal(imsaker_parse_time(NULL, 0, &sec, &nsec), -EINVAL);
}

static void test_names(void **unused)
{
	(void)unused;
	assert_int_equal(imsaker_facility_from_name("authpriv"), 10);
	assert_int_equal(imsaker_facility_from_name("AUTH"), 4);
	assert_int_equal(imsaker_facility_from_name("kern"), 0);
	assert_int_equal(imsaker_facility_from_name("local7"), 23);
	assert_int_equal(imsaker_facility_from_name("local8"), -1);
	assert_int_equal(imsaker_facility_from_name(""), -1);
	assert_int_equal(imsaker_facility_from_name(NULL), -1);
	assert_int_equal(imsaker_severity_from_priority("Emergency", 9), 0);
	assert_int_equal(imsaker_severity_from_priority("informational", 13), 6);
	assert_int_equal(imsaker_severity_from_priority("Info", 4), 6);
	assert_int_equal(imsaker_severity_from_priority("Informational", 4), 6);
	assert_int_equal(imsaker_severity_from_priority("warn", 4), -1);
	assert_int_equal(imsaker_severity_from_priority(NULL, 0), -1);
}

static void test_escape(void **unused)
{
	static const char in[] = "a\nb\tc\0d\x1f\x7f\xc3\xa9";
	char out[IMSAKER_ESCAPED_SIZE(sizeof(in))];
	ImsakerEscape e = { .control = true, .tab = false, .prefix = '#' };
	size_t n;

	(void)unused;
	n = imsaker_escape(in, sizeof(in) - 1, &e, out);
	assert_string_equal(out, "a#012b\tc#000d#037\x7f\xc3\xa9");
	assert_int_equal(n, strlen(out));
	e.tab = true;
	e.prefix = '\\';
	imsaker_escape(in, sizeof(in) - 1, &e, out);
	assert_string_equal(out, "a\\012b\\011c\\000d\\037\x7f\xc3\xa9");
	/* Escaping off: NUL still is, nothing else. */
	e.control = false;
	e.prefix = '#';
	imsaker_escape(in, sizeof(in) - 1, &e, out);
	assert_memory_equal(out, "a\nb\tc#000d\x1f\x7f\xc3\xa9", strlen("a\nb\tc#000d") + 5);
	/* The worst case fits the advertised size. */
	memset(out, 0, sizeof(out));
	{
		char ctl[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		char o[IMSAKER_ESCAPED_SIZE(sizeof(ctl))];

		e.control = true;
		assert_int_equal(imsaker_escape(ctl, sizeof(ctl), &e, o), 4 * sizeof(ctl));
		assert_int_equal(o[4 * sizeof(ctl)], '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rendered_alerts),
		cmocka_unit_test(test_minimal_and_lenient),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
