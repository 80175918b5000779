// SPDX-License-Identifier: MIT
/*
 * Tests of the journald output's pure parts (daemon/output/out-journald.c):
 * field names as journald accepts them, collisions and their suffixes, the
 * MESSAGE_ID derivation against independently computed UUIDs, and the
 * entry handed to sd_journal_sendv() with every field and binary values.
 * Sending to a real journald is tests/cli/test-journald.sh's part.
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

#include "output/out-journald.h"

#define T0 1700000000123456789ull /* 2023-11-14T22:13:20.123456789Z */

/* What journald accepts as a field name a client sends (or it drops the field). */
static bool journal_name_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || s[0] == '_' || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static void check_name(const char *field, const char *want)
{
	char got[JOURNALD_FIELD_NAME_MAX + 1];
	size_t n = journald_field_name(field, got);

	assert_int_equal(n, strlen(got));
	assert_string_equal(got, want);
	assert_true(journal_name_valid(got, n));
}

static void test_field_names(void **state)
{
	char name[200], got[JOURNALD_FIELD_NAME_MAX + 1];
	size_t n;

	(void)state;
	check_name("proc.cmdline", "SAKER_PROC_CMDLINE");
	check_name("proc.aname[2]", "SAKER_PROC_ANAME_2");
	check_name("fd.sip.name", "SAKER_FD_SIP_NAME");
	check_name("evt.arg.flags", "SAKER_EVT_ARG_FLAGS");
	check_name("k8s-pod--name", "SAKER_K8S_POD_NAME");
	check_name("camelCase.Field", "SAKER_CAMELCASE_FIELD");
	check_name("2nd.field", "SAKER_2ND_FIELD");
	check_name("__leading_and_trailing__", "SAKER_LEADING_AND_TRAILING");
	check_name("a..b__c", "SAKER_A_B_C");
	check_name("%(proc.name)", "SAKER_PROC_NAME");
	check_name("prôc.nàme", "SAKER_PR_C_N_ME"); /* UTF-8 bytes are not [A-Z0-9] */
	check_name("...", "SAKER_FIELD");
	check_name("", "SAKER_FIELD");
	check_name(NULL, "SAKER_FIELD");
	check_name("line\nbreak=value", "SAKER_LINE_BREAK_VALUE");

	/* long names are cut at 64 characters */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	n = journald_field_name(name, got);
	assert_int_equal(n, JOURNALD_FIELD_NAME_MAX);
	assert_true(journal_name_valid(got, n));
	assert_memory_equal(got, "SAKER_XXX", 9);
	/* a separator right at the cut is not left dangling */
	memset(name, 'a', 57);
	strcpy(name + 57, ".bc");
	n = journald_field_name(name, got);
	assert_int_equal(n, 63);
	assert_int_not_equal(got[n - 1], '_');
	memset(name, 'a', 56);
	strcpy(name + 56, ".bc");
	n = journald_field_name(name, got);
	assert_int_equal(n, 64);
	assert_string_equal(got + 62, "_B");

	/* whatever the bytes, the name is one journald keeps */
	srand(42);
	for (int i = 0; i < 2000; i++) {
		size_t len = (size_t)(rand() % 120), j;

		for (j = 0; j < len; j++)
			name[j] = (char)(rand() % 255 + 1);
		name[len] = '\0';
		n = journald_field_name(name, got);
		assert_true(journal_name_valid(got, n));
		assert_int_not_equal(got[n - 1], '_');
	}
}

static void test_facilities(void **state)
{
	(void)state;
	assert_int_equal(journald_facility_from_name("kern"), 0);
	assert_int_equal(journald_facility_from_name("user"), 1);
	assert_int_equal(journald_facility_from_name("daemon"), 3);
	assert_int_equal(journald_facility_from_name("auth"), 4);
	assert_int_equal(journald_facility_from_name("authpriv"), 10);
	assert_int_equal(journald_facility_from_name("local0"), 16);
	assert_int_equal(journald_facility_from_name("local7"), 23);
	assert_int_equal(journald_facility_from_name(JOURNALD_DEFAULT_FACILITY), 10);
	assert_int_equal(journald_facility_from_name("AUTHPRIV"), -EINVAL);
	assert_int_equal(journald_facility_from_name("local8"), -EINVAL);
	assert_int_equal(journald_facility_from_name(""), -EINVAL);
	assert_int_equal(journald_facility_from_name(NULL), -EINVAL);
}

static void check_id(const char *name, size_t len, const char *want)
{
	char id[JOURNALD_MESSAGE_ID_LEN + 1];

	journald_message_id(name, len, id);
	assert_string_equal(id, want);
}

static void check_id_of(char c, size_t len, const char *want)
{
	char buf[128];

	assert_true(len <= sizeof(buf));
	memset(buf, c, len);
	check_id(buf, len, want);
}

static void test_message_id(void **state)
{
	static const char *const rules[] = {
		"Terminal shell in container", "Shell spawned by server process",
		"Reverse shell redirect", "Netcat remote code execution",
		"Read sensitive file by untrusted program", "Account or preload file modified",
		"Write below etc", "Write below binary directory", "write below etc",
		"Write below etc ", "Event drops detected", "Outputs dropped alerts",
	};
	char ids[ELEMENTSOF(rules)][JOURNALD_MESSAGE_ID_LEN + 1];
	size_t i, j;

	(void)state;
	/*
	 * Expected values from python3:
	 * uuid.uuid5(uuid.UUID(JOURNALD_MESSAGE_ID_NAMESPACE), name).hex.  The
	 * lengths straddle SHA-1's padding (16 namespace bytes + name: 55, 56,
	 * 64, 119 and 120 bytes in all).
	 */
	assert_string_equal(JOURNALD_MESSAGE_ID_NAMESPACE, "997d1101-3503-49d9-8e8f-2e33585d8163");
	check_id("Write below etc", 15, "23be990506625badad24b14253e04f7f");
	check_id("write below etc", 15, "e84e65721fff5f9ba66b2277afc0cef1");
	check_id("Terminal shell in container", 27, "fa651b8e49d35b98871fc7dd340d6789");
	check_id("", 0, "ad2384bef6b159ada838c7bdcd71d8be");
	check_id(NULL, 0, "ad2384bef6b159ada838c7bdcd71d8be");
	check_id("Proc\xc3\xa9ss \xe2\x98\x83", 12, "59c05569610d5de3a985ba51297a435c");
	check_id_of('e', 39, "f80041e1bad85262bcfcf7a2442cf4ae");
	check_id_of('f', 40, "6882de6c92d4533ea33636d87d6f38d2");
	check_id_of('g', 48, "bbad8997c845546aadd7c9f42b43f345");
	check_id_of('a', 55, "d1a0965d37d756d3a6c04ca2a6d468de");
	check_id_of('b', 56, "8adcea932de25dcd8b65247097ce58af");
	check_id_of('c', 64, "ad8faef2fb5452f3bf35c30160e9cefc");
	check_id_of('h', 103, "f5db81376ccd5a9e84e80639239b0d14");
	check_id_of('i', 104, "4f79e5a7d13f528f8df80f758252e861");
	check_id_of('d', 119, "11ab784b7e125083bba9ee0ada47d190");
	/* only the given bytes count */
	check_id("Write below etc and more", 15, "23be990506625badad24b14253e04f7f");

	/* stable, well-formed, distinct */
	for (i = 0; i < ELEMENTSOF(rules); i++) {
		char again[JOURNALD_MESSAGE_ID_LEN + 1];

		journald_message_id(rules[i], strlen(rules[i]), ids[i]);
		journald_message_id(rules[i], strlen(rules[i]), again);
		assert_string_equal(ids[i], again);
		assert_int_equal(strlen(ids[i]), JOURNALD_MESSAGE_ID_LEN);
		assert_int_equal(strspn(ids[i], "0123456789abcdef"), JOURNALD_MESSAGE_ID_LEN);
		assert_int_equal(ids[i][12], '5');
		assert_non_null(strchr("89ab", ids[i][16]));
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

/* The entry's fields, split at the first '=' of each iovec. */
typedef struct Field {
	char name[JOURNALD_FIELD_NAME_MAX + 1];
	const char *value;
	size_t len;
} Field;

static size_t entry_fields(const JournaldEntry *e, Field *out, size_t max)
{
	size_t i;

	assert_true(e->niov <= max);
	for (i = 0; i < e->niov; i++) {
		const char *p = e->iov[i].iov_base;
		const char *eq = memchr(p, '=', e->iov[i].iov_len);
		size_t nlen;

		assert_non_null(eq);
		nlen = (size_t)(eq - p);
		assert_true(journal_name_valid(p, nlen));
		/* sd_journal_sendv() refuses a newline before the '=' */
		assert_null(memchr(p, '\n', nlen));
		memcpy(out[i].name, p, nlen);
		out[i].name[nlen] = '\0';
		out[i].value = eq + 1;
		out[i].len = e->iov[i].iov_len - nlen - 1;
	}
	return e->niov;
}

static void check_field(const Field *f, const char *name, const char *value, size_t len)
{
	assert_string_equal(f->name, name);
	assert_int_equal(f->len, len);
	assert_memory_equal(f->value, value, len);
}

static void check_field_str(const Field *f, const char *name, const char *value)
{
	check_field(f, name, value, strlen(value));
}

static const char binary[] = "line one\nline two\0after NUL \xff\xfe end";

static void test_entry(void **state)
{
	static const char *const tags[] = { "container", "mitre_execution", "T1059" };
	const AlertField fields[] = {
		{ .name = "proc.name", .value = "cat", .len = 3 },
		{ .name = "proc.cmdline", .value = binary, .len = sizeof(binary) - 1 },
		{ .name = "fd.name", .value = "<NA>", .len = 4, .missing = true },
		{ .name = "proc.aname[2]", .value = "", .len = 0 },
	};
	const char output[] = "Shell spawned\nby nginx";
	Alert a = {
		.time_ns = T0,
		.rule = "Shell spawned by server process",
		.priority = PRI_WARNING,
		.tags = tags,
		.ntags = ELEMENTSOF(tags),
		.source = "syscall",
		.hostname = "host1",
		.output = output,
		.output_len = sizeof(output) - 1,
		.fields = fields,
		.nfields = ELEMENTSOF(fields),
	};
	JournaldEntry e = { 0 };
	StrBuf json = { 0 };
	char id[JOURNALD_MESSAGE_ID_LEN + 1];
	Field f[32];
	size_t n;

	(void)state;
	assert_int_equal(journald_entry_build(&e, &a, 10), 0);
	n = entry_fields(&e, f, ELEMENTSOF(f));
	assert_int_equal(n, 11 + ELEMENTSOF(fields));
	journald_message_id(a.rule, strlen(a.rule), id);
	assert_int_equal(alert_render_json(&a, NULL, &json), 0);

	check_field(&f[0], "MESSAGE", output, sizeof(output) - 1);
	check_field_str(&f[1], "PRIORITY", "4");
	check_field_str(&f[2], "SYSLOG_IDENTIFIER", "sakerd");
	check_field_str(&f[3], "SYSLOG_FACILITY", "10");
	check_field_str(&f[4], "MESSAGE_ID", id);
	check_field_str(&f[5], "SAKER_RULE", "Shell spawned by server process");
	check_field_str(&f[6], "SAKER_PRIORITY", "Warning");
	check_field_str(&f[7], "SAKER_TAGS", "container,mitre_execution,T1059");
	check_field_str(&f[8], "SAKER_SOURCE", "syscall");
	check_field_str(&f[9], "SAKER_HOSTNAME", "host1");
	check_field(&f[10], "SAKER_JSON", json.buf, json.len);
	check_field_str(&f[11], "SAKER_PROC_NAME", "cat");
	check_field(&f[12], "SAKER_PROC_CMDLINE", binary, sizeof(binary) - 1);
	check_field_str(&f[13], "SAKER_FD_NAME", "<NA>");
	check_field_str(&f[14], "SAKER_PROC_ANAME_2", "");
	/* the iovecs are the buffer, in order, nothing in between */
	assert_ptr_equal(e.iov[0].iov_base, e.fields.buf);
	for (size_t i = 1; i < n; i++)
		assert_ptr_equal(e.iov[i].iov_base,
				 (char *)e.iov[i - 1].iov_base + e.iov[i - 1].iov_len);

	/* every priority maps to its syslog level; SAKER_PRIORITY has the name */
	for (int p = PRI_EMERGENCY; p < _PRI_MAX; p++) {
		char want[2] = { (char)('0' + p), '\0' };

		a.priority = (Priority)p;
		assert_int_equal(journald_entry_build(&e, &a, 23), 0);
		entry_fields(&e, f, ELEMENTSOF(f));
		check_field_str(&f[1], "PRIORITY", want);
		check_field_str(&f[3], "SYSLOG_FACILITY", "23");
		check_field_str(&f[6], "SAKER_PRIORITY", priority_to_display((Priority)p));
	}
	a.priority = _PRI_MAX;
	assert_int_equal(journald_entry_build(&e, &a, 10), -EINVAL);
	a.priority = PRI_INVALID;
	assert_int_equal(journald_entry_build(&e, &a, 10), -EINVAL);
	a.priority = PRI_ERROR;
	a.rule = NULL;
	assert_int_equal(journald_entry_build(&e, &a, 10), -EINVAL);

	/* the same entry reused for a bare alert: no stale fields, defaults as the JSON has them */
	a = (Alert){ .rule = "r", .priority = PRI_DEBUG, .ntags = 3, .nfields = 2 };
	assert_int_equal(journald_entry_build(&e, &a, 0), 0);
	n = entry_fields(&e, f, ELEMENTSOF(f));
	assert_int_equal(n, 11);
	check_field_str(&f[0], "MESSAGE", "");
	check_field_str(&f[1], "PRIORITY", "7");
	check_field_str(&f[7], "SAKER_TAGS", "");
	check_field_str(&f[8], "SAKER_SOURCE", "syscall");
	check_field_str(&f[9], "SAKER_HOSTNAME", "");

	journald_entry_done(&e);
	journald_entry_done(&e);
	journald_entry_done(NULL);
	strbuf_done(&json);
}

static void test_entry_collisions(void **state)
{
	char long1[100], long2[100];
	const AlertField fields[] = {
		{ .name = "fd.name", .value = "1", .len = 1 },	 /* SAKER_FD_NAME */
		{ .name = "fd_name", .value = "2", .len = 1 },	 /* taken: _2 */
		{ .name = "FD.NAME", .value = "3", .len = 1 },	 /* _2 taken too: _3 */
		{ .name = "fd.name.2", .value = "4", .len = 1 }, /* SAKER_FD_NAME_2 is taken */
		{ .name = "json", .value = "5", .len = 1 },	 /* a fixed field's name */
		{ .name = "rule", .value = "6", .len = 1 },	 /* likewise */
		{ .name = long1, .value = "7", .len = 1 },	 /* cut at 64 */
		{ .name = long2, .value = "8", .len = 1 },	 /* same first 64: cut for "_2" */
		{ .name = "fd.name", .value = "9", .len = 1 },	 /* the same field twice */
	};
	static const char *const want[] = {
		"SAKER_FD_NAME", "SAKER_FD_NAME_2", "SAKER_FD_NAME_3", "SAKER_FD_NAME_2_2",
		"SAKER_JSON_2", "SAKER_RULE_2", NULL, NULL, "SAKER_FD_NAME_4",
	};
	Alert a = { .rule = "collide", .priority = PRI_NOTICE, .fields = fields,
		    .nfields = ELEMENTSOF(fields) };
	JournaldEntry e = { 0 };
	Field f[32], g[32];
	size_t n, i;

	(void)state;
	memset(long1, 'q', sizeof(long1) - 1);
	long1[sizeof(long1) - 1] = '\0';
	memcpy(long2, long1, sizeof(long2));
	long2[80] = '.';
	assert_int_equal(journald_entry_build(&e, &a, 10), 0);
	n = entry_fields(&e, f, ELEMENTSOF(f));
	assert_int_equal(n, 11 + ELEMENTSOF(fields));
	for (i = 0; i < ELEMENTSOF(fields); i++) {
		if (want[i])
			assert_string_equal(f[11 + i].name, want[i]);
		assert_int_equal(f[11 + i].len, 1);
		assert_int_equal(f[11 + i].value[0], '1' + (int)i);
	}
	assert_int_equal(strlen(f[17].name), 64);
	assert_int_equal(strspn(f[17].name + 6, "Q"), 58);
	assert_int_equal(strlen(f[18].name), 64);
	assert_memory_equal(f[18].name, f[17].name, 62);
	assert_string_equal(f[18].name + 62, "_2");
	/* every name of the entry is different */
	for (i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(f[i].name, f[j].name);

	/* deterministic: the same alert, the same names */
	assert_int_equal(journald_entry_build(&e, &a, 10), 0);
	assert_int_equal(entry_fields(&e, g, ELEMENTSOF(g)), n);
	for (i = 0; i < n; i++)
		assert_string_equal(f[i].name, g[i].name);
	journald_entry_done(&e);
}

static void test_entry_limits(void **state)
{
	size_t nfields = JOURNALD_MAX_OUTPUT_FIELDS + 44, i, n;
	AlertField *fields = calloc(nfields, sizeof(*fields));
	char (*names)[16] = calloc(nfields, sizeof(*names));
	Alert a = { .rule = "many", .priority = PRI_NOTICE, .fields = fields, .nfields = nfields };
	JournaldEntry e = { 0 };
	Field *f = calloc(nfields + 11, sizeof(*f));
	char *big;

	(void)state;
	assert_non_null(fields);
	assert_non_null(names);
	assert_non_null(f);
	for (i = 0; i < nfields; i++) {
		snprintf(names[i], sizeof(names[i]), "f.%zu", i);
		fields[i] = (AlertField){ .name = names[i], .value = names[i],
					  .len = strlen(names[i]) };
	}
	assert_int_equal(journald_entry_build(&e, &a, 10), 0);
	n = entry_fields(&e, f, nfields + 11);
	assert_int_equal(n, 11 + JOURNALD_MAX_OUTPUT_FIELDS);
	check_field_str(&f[11], "SAKER_F_0", "f.0");
	check_field_str(&f[n - 1], "SAKER_F_255", "f.255");
	/* the fields left out are still in SAKER_JSON */
	assert_non_null(memmem(f[10].value, f[10].len, "\"f.299\":\"f.299\"", 15));

	/* an alert past the entry limit is refused, and the entry works afterwards */
	big = malloc(JOURNALD_ENTRY_MAX_BYTES);
	assert_non_null(big);
	memset(big, 'x', JOURNALD_ENTRY_MAX_BYTES);
	fields[0] = (AlertField){ .name = "huge", .value = big, .len = JOURNALD_ENTRY_MAX_BYTES };
	a.nfields = 1;
	assert_int_equal(journald_entry_build(&e, &a, 10), -E2BIG);
	fields[0].len = 10;
	assert_int_equal(journald_entry_build(&e, &a, 10), 0);
	assert_int_equal(e.niov, 12);

	journald_entry_done(&e);
	free(big);
	free(f);
	free(names);
	free(fields);
}

static void test_add_sink(void **state)
{
	Outputs *o = NULL;
	char err[OUTPUTS_MAX_ERROR];

	(void)state;
	assert_int_equal(outputs_new(NULL, &o), 0);
	assert_int_equal(outputs_add_journald(o, "nosuch", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "journald output: unknown facility 'nosuch'");
	assert_int_equal(outputs_nsinks(o), 0);
	/* no journald needed to start */
	assert_int_equal(outputs_add_journald(o, "local3", err, sizeof(err)), 0);
	assert_int_equal(outputs_add_journald(o, NULL, err, sizeof(err)), 0);
	assert_int_equal(outputs_nsinks(o), 2);
	outputs_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_facilities),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_entry_collisions),
		cmocka_unit_test(test_entry_limits),
		cmocka_unit_test(test_add_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
