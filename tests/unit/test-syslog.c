// SPDX-License-Identifier: MIT
/*
 * Tests of the syslog output (daemon/output/out-syslog.c): golden RFC 5424
 * and RFC 3164 renderings, PRI for every priority, escaping, names, UTF-8
 * repair and truncation checked by an independent RFC 5424 parser, octet
 * counting, and the sink against real unix, udp and tcp receivers in the
 * test (reconnects, a receiver that never reads).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/out-syslog.h"

#define T0 1700000000123456789ull /* 2023-11-14T22:13:20.123456789Z */
#define T_MAR5 1709600523000001999ull /* 2024-03-05T01:02:03.000001999Z */

static const char *const test_tags[] = { "filesystem", "mitre_credential_access" };
static AlertField test_fields[] = {
	{ .name = "proc.name", .value = "cat", .len = 3 },
	{ .name = "proc.cmdline", .value = "cat /etc/shadow", .len = 15 },
	{ .name = "fd.name", .value = "/tmp/a\"b]c\\d", .len = 12 },
	{ .name = "proc.aname[2]", .value = "bash", .len = 4 },
	{ .name = "evt.arg.flags", .value = "<NA>", .len = 4, .missing = true },
	{ .name = "user.name", .value = "", .len = 0 },
};
#define TEST_OUTPUT "Sensitive file opened (user= command=cat /etc/shadow file=/tmp/a\"b]c\\d)"

static Alert make_alert(void)
{
	return (Alert){
		.time_ns = T0,
		.rule = "Read sensitive file",
		.priority = PRI_WARNING,
		.tags = test_tags,
		.ntags = ELEMENTSOF(test_tags),
		.source = "syscall",
		.hostname = "host1",
		.output = TEST_OUTPUT,
		.output_len = strlen(TEST_OUTPUT),
		.fields = test_fields,
		.nfields = ELEMENTSOF(test_fields),
	};
}

static SyslogOptions make_opts(void)
{
	return (SyslogOptions){
		.facility = 10, /* authpriv */
		.app_name = "saker",
		.hostname = "fallback",
		.procid = 4242,
	};
}

static char *render(bool rfc5424, const Alert *a, const SyslogOptions *o)
{
	StrBuf sb = { 0 };

	if (rfc5424)
		assert_int_equal(syslog_render_5424(a, o, &sb), 0);
	else
		assert_int_equal(syslog_render_3164(a, o, &sb), 0);
	return strbuf_steal(&sb);
}

/* ---- an RFC 5424 parser of our own, to check what the renderer makes ---- */

static bool is_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;

	while (i < n) {
		unsigned cp, need, k;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			cp = s[i] & 0x1f, need = 1;
		else if ((s[i] & 0xf0) == 0xe0)
			cp = s[i] & 0x0f, need = 2;
		else if ((s[i] & 0xf8) == 0xf0)
			cp = s[i] & 0x07, need = 3;
		else
			return false;
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

typedef struct Parsed {
	int pri;
	char hostname[300];
	char app[64];
	char procid[160];
	char msgid[40];
	char sdid[40];
	size_t nparams;
	char names[64][40];
	char *values[64]; /* raw (still escaped), malloc'ed */
	const char *msg;  /* into the message; NULL without MSG */
} Parsed;

static void parsed_free(Parsed *p)
{
	size_t i;

	for (i = 0; i < p->nparams; i++)
		free(p->values[i]);
}

/* A header token of printable US-ASCII, at most max bytes, then one space. */
static bool parse_token(const char **s, char *out, size_t max)
{
	size_t n = 0;

	while (**s && **s != ' ') {
		if ((unsigned char)**s < 33 || (unsigned char)**s > 126 || n >= max)
			return false;
		out[n++] = *(*s)++;
	}
	out[n] = '\0';
	if (n == 0 || **s != ' ')
		return false;
	(*s)++;
	return true;
}

/* Strict: the whole message must follow RFC 5424 section 6 (one SD element). */
static bool parse_5424(const char *m, Parsed *p)
{
	const char *s = m;
	char ts[40];
	char *end;
	long pri;

	memset(p, 0, sizeof(*p));
	if (!is_utf8(m, strlen(m)) || *s++ != '<')
		return false;
	pri = strtol(s, &end, 10);
	if (end == s || end - s > 3 || *end != '>' || pri < 0 || pri > 191)
		return false;
	p->pri = (int)pri;
	s = end + 1;
	if (strncmp(s, "1 ", 2) != 0)
		return false;
	s += 2;
	if (!parse_token(&s, ts, 32) || strlen(ts) != 27 || ts[4] != '-' || ts[10] != 'T' ||
	    ts[19] != '.' || ts[26] != 'Z')
		return false;
	if (!parse_token(&s, p->hostname, 255) || !parse_token(&s, p->app, 48) ||
	    !parse_token(&s, p->procid, 128) || !parse_token(&s, p->msgid, 32))
		return false;
	if (*s++ != '[')
		return false;
	{
		size_t n = 0;

		while (*s && *s != ' ' && *s != ']') {
			if (n >= 32 || *s == '=' || *s == '"')
				return false;
			p->sdid[n++] = *s++;
		}
		p->sdid[n] = '\0';
		if (n == 0)
			return false;
	}
	while (*s == ' ') {
		size_t n = 0;
		const char *v;

		s++;
		if (p->nparams >= 64)
			return false;
		while (*s && *s != '=') {
			unsigned char c = (unsigned char)*s;

			if (n >= 32 || c < 33 || c > 126 || c == ']' || c == '"')
				return false;
			p->names[p->nparams][n++] = *s++;
		}
		p->names[p->nparams][n] = '\0';
		if (n == 0 || strncmp(s, "=\"", 2) != 0)
			return false;
		s += 2;
		v = s;
		for (;;) {
			if (!*s)
				return false;
			if (*s == '\\' && s[1]) {
				s += 2;
				continue;
			}
			/* An unescaped ']' inside a value breaks naive parsers: we escape it. */
			if (*s == ']')
				return false;
			if (*s == '"')
				break;
			s++;
		}
		p->values[p->nparams] = strndup(v, (size_t)(s - v));
		p->nparams++;
		s++;
	}
	if (*s++ != ']')
		return false;
	if (*s == '\0')
		return true;
	if (*s != ' ')
		return false;
	p->msg = s + 1;
	return true;
}

static const char *param(const Parsed *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nparams; i++)
		if (strcmp(p->names[i], name) == 0)
			return p->values[i];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* ---- golden renderings -------------------------------------------------- */

static void test_5424_golden(void **unused)
{
	Alert a = make_alert();
	SyslogOptions o = make_opts();
	_cleanup_free_ char *m = render(true, &a, &o);
	Parsed p;

	assert_string_equal(
		m, "<84>1 2023-11-14T22:13:20.123456Z host1 saker 4242 alert "
		   "[saker@32473 rule=\"Read sensitive file\" priority=\"Warning\" "
		   "source=\"syscall\" tags=\"filesystem,mitre_credential_access\" "
		   "proc.name=\"cat\" proc.cmdline=\"cat /etc/shadow\" "
		   "fd.name=\"/tmp/a\\\"b\\]c\\\\d\" proc.aname.2=\"bash\" user.name=\"\"] "
		   "Sensitive file opened (user= command=cat /etc/shadow file=/tmp/a\"b]c\\d)");
	assert_true(parse_5424(m, &p));
	assert_int_equal(p.pri, 84);
	assert_string_equal(p.sdid, "saker@32473");
	assert_int_equal(p.nparams, 9);
	assert_null(param(&p, "evt.arg.flags")); /* missing: no param */
	parsed_free(&p);

	/* No procid, no hostname anywhere: NILVALUEs. */
	a.hostname = NULL;
	o.hostname = NULL;
	o.procid = 0;
	free(m);
	m = render(true, &a, &o);
	assert_true(strncmp(m, "<84>1 2023-11-14T22:13:20.123456Z - saker - alert [", 51) == 0);
	/* The configured hostname stands in for an alert without one. */
	o.hostname = "fallback";
	free(m);
	m = render(true, &a, &o);
	assert_true(strncmp(m, "<84>1 2023-11-14T22:13:20.123456Z fallback saker - alert [", 58) ==
		    0);
}

static void test_3164_golden(void **unused)
{
	Alert a = make_alert();
	SyslogOptions o = make_opts();
	char *m;

	setenv("TZ", "UTC", 1);
	tzset();
	m = render(false, &a, &o);
	assert_string_equal(m, "<84>Nov 14 22:13:20 host1 saker[4242]: " TEST_OUTPUT);
	free(m);

	/* To a local socket: no HOSTNAME, as syslog(3) sends it. */
	o.local = true;
	m = render(false, &a, &o);
	assert_string_equal(m, "<84>Nov 14 22:13:20 saker[4242]: " TEST_OUTPUT);
	free(m);

	/* A day below 10 is padded with a space; no procid, no [PID]. */
	a.time_ns = T_MAR5;
	o.procid = 0;
	m = render(false, &a, &o);
	assert_string_equal(m, "<84>Mar  5 01:02:03 saker: " TEST_OUTPUT);
	free(m);

	/* RFC 3164 timestamps are local time. */
	setenv("TZ", "CET-1", 1);
	tzset();
	m = render(false, &a, &o);
	assert_string_equal(m, "<84>Mar  5 02:02:03 saker: " TEST_OUTPUT);
	free(m);
	setenv("TZ", "UTC", 1);
	tzset();

	/* Over the network with no hostname at all: "-". */
	o.local = false;
	o.hostname = NULL;
	a.hostname = "";
	m = render(false, &a, &o);
	assert_string_equal(m, "<84>Mar  5 01:02:03 - saker: " TEST_OUTPUT);
	free(m);

	/* The 5424 timestamp keeps microseconds, cut (not rounded) from nanoseconds. */
	m = render(true, &a, &o);
	assert_true(strncmp(m, "<84>1 2024-03-05T01:02:03.000001Z - saker - alert ", 50) == 0);
	free(m);
}

static void test_pri(void **unused)
{
	static const struct {
		const char *name;
		int code;
	} facs[] = { { "kern", 0 },    { "user", 1 },	 { "daemon", 3 }, { "authpriv", 10 },
		     { "local0", 16 }, { "local7", 23 } };
	Alert a = make_alert();
	SyslogOptions o = make_opts();
	size_t f;
	int p;

	setenv("TZ", "UTC", 1);
	tzset();
	for (p = PRI_EMERGENCY; p <= PRI_DEBUG; p++)
		assert_int_equal(syslog_severity((Priority)p), p);
	assert_int_equal(syslog_severity(PRI_INVALID), -EINVAL);
	assert_int_equal(syslog_severity(_PRI_MAX), -EINVAL);

	for (f = 0; f < ELEMENTSOF(facs); f++) {
		assert_int_equal(syslog_facility_from_string(facs[f].name), facs[f].code);
		o.facility = facs[f].code;
		for (p = PRI_EMERGENCY; p <= PRI_DEBUG; p++) {
			char want[16];
			char *m;

			a.priority = (Priority)p;
			snprintf(want, sizeof(want), "<%d>", facs[f].code * 8 + p);
			m = render(true, &a, &o);
			assert_true(strncmp(m, want, strlen(want)) == 0);
			assert_true(strncmp(m + strlen(want), "1 ", 2) == 0);
			free(m);
			m = render(false, &a, &o);
			assert_true(strncmp(m, want, strlen(want)) == 0);
			free(m);
		}
	}
	/* A few spelled out. */
	{
		static const struct {
			int fac;
			Priority pri;
			const char *want;
			const char *display;
		} cases[] = {
			{ 0, PRI_EMERGENCY, "<0>1 ", "Emergency" },
			{ 1, PRI_INFORMATIONAL, "<14>1 ", "Informational" },
			{ 10, PRI_CRITICAL, "<82>1 ", "Critical" },
			{ 23, PRI_DEBUG, "<191>1 ", "Debug" },
		};
		size_t i;

		for (i = 0; i < ELEMENTSOF(cases); i++) {
			char *m;
			Parsed pa;

			o.facility = cases[i].fac;
			a.priority = cases[i].pri;
			m = render(true, &a, &o);
			assert_true(strncmp(m, cases[i].want, strlen(cases[i].want)) == 0);
			assert_true(parse_5424(m, &pa));
			assert_string_equal(param(&pa, "priority"), cases[i].display);
			parsed_free(&pa);
			free(m);
		}
	}
	/* Names the renderers refuse. */
	assert_int_equal(syslog_facility_from_string("local8"), -EINVAL);
	assert_int_equal(syslog_facility_from_string("AUTHPRIV"), -EINVAL);
	assert_int_equal(syslog_facility_from_string(NULL), -EINVAL);
}

static void test_escaping(void **unused)
{
	static const struct {
		const char *in;
		const char *sd;	 /* as a PARAM-VALUE */
		const char *msg; /* as MSG */
	} cases[] = {
		{ "a\"b", "a\\\"b", "a\"b" },
		{ "a\\b", "a\\\\b", "a\\b" },
		{ "a]b[c", "a\\]b[c", "a]b[c" },
		/* valid UTF-8 stays: 2, 3 and 4 bytes */
#define VALID_UTF8 "f\xc3\xb6 \xe2\x82\xac \xf0\x9f\x98\x80"
		{ VALID_UTF8, VALID_UTF8, VALID_UTF8 },
		/* a Latin-1 path: every invalid byte as \xNN */
		{ "/tmp/caf\xe9.txt", "/tmp/caf\\xe9.txt", "/tmp/caf\\xe9.txt" },
		{ "\xff\xfe", "\\xff\\xfe", "\\xff\\xfe" },
		/* overlong '/', a surrogate, past U+10FFFF, a cut sequence at the end */
		{ "\xc0\xaf", "\\xc0\\xaf", "\\xc0\\xaf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80", "\\xed\\xa0\\x80" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "\\xf4\\x90\\x80\\x80" },
		{ "x\xe2\x82", "x\\xe2\\x82", "x\\xe2\\x82" },
		/* control characters */
		{ "a\nb\tc\x7f", "a\\x0ab\\x09c\\x7f", "a\\x0ab\\x09c\\x7f" },
	};
	SyslogOptions o = make_opts();
	size_t i;

	for (i = 0; i < ELEMENTSOF(cases); i++) {
		AlertField f = { .name = "fd.name", .value = cases[i].in };
		Alert a = make_alert();
		_cleanup_free_ char *m = NULL;
		Parsed p;

		f.len = strlen(cases[i].in);
		a.fields = &f;
		a.nfields = 1;
		a.output = cases[i].in;
		a.output_len = strlen(cases[i].in);
		m = render(true, &a, &o);
		assert_true(parse_5424(m, &p));
		assert_string_equal(param(&p, "fd.name"), cases[i].sd);
		assert_string_equal(p.msg, cases[i].msg);
		parsed_free(&p);
		free(m);
		m = render(false, &a, &o);
		assert_true(ends_with(m, cases[i].msg));
		assert_true(is_utf8(m, strlen(m)));
	}

	/* A NUL inside a value (len counts it) is a control character too. */
	{
		AlertField f = { .name = "x.y", .value = "a\0b", .len = 3 };
		Alert a = make_alert();
		_cleanup_free_ char *m = NULL;

		a.fields = &f;
		a.nfields = 1;
		m = render(true, &a, &o);
		assert_non_null(strstr(m, " x.y=\"a\\x00b\"]"));
	}
}

static void test_sd_names(void **unused)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "proc.cmdline", "proc.cmdline" },
		{ "proc.aname[2]", "proc.aname.2" },
		{ "evt.arg[0]", "evt.arg.0" },
		{ "a b=c\"d", "a_b_c_d" },
		{ "caf\xc3\xa9", "caf__" },
		{ "", "_" },
		{ "]]", "_" },
		/* 32 bytes stay */
		{ "abcdefghijklmnopqrstuvwxyz.12345", "abcdefghijklmnopqrstuvwxyz.12345" },
		/* 32 after the mapping ("[x]" -> ".x") stay too */
		{ "abcdefghijklmnopqrstuvwxyz.1[2]", "abcdefghijklmnopqrstuvwxyz.1.2" },
		/* longer: 23 bytes, '~', FNV-1a 32 of the whole name */
		{ "container.image.repository.digest.sha", "container.image.reposit~79d08b27" },
		{ "k8s.ns.label[app.kubernetes.io/name]", "k8s.ns.label.app.kubern~6cfa78f5" },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(cases); i++) {
		StrBuf sb = { 0 };

		assert_int_equal(syslog_sd_name(cases[i].in, &sb), 0);
		assert_string_equal(strbuf_str(&sb), cases[i].want);
		assert_true(sb.len >= 1 && sb.len <= SYSLOG_SD_NAME_MAX);
		strbuf_done(&sb);
	}
	/* Long names that share their first 23 bytes stay apart. */
	{
		StrBuf a = { 0 }, b = { 0 };

		syslog_sd_name("container.image.repository.digest.sha", &a);
		syslog_sd_name("container.image.repository.digest.shb", &b);
		assert_string_not_equal(strbuf_str(&a), strbuf_str(&b));
		strbuf_done(&a);
		strbuf_done(&b);
	}
	assert_true(syslog_app_name_valid("saker"));
	assert_true(syslog_app_name_valid("saker-d_1.2/x"));
	assert_false(syslog_app_name_valid(""));
	assert_false(syslog_app_name_valid(NULL));
	assert_false(syslog_app_name_valid("sa ker"));
	assert_false(syslog_app_name_valid("saker:"));
	assert_false(syslog_app_name_valid("saker[1]"));
	assert_false(syslog_app_name_valid("s\xc3\xa4ker"));
	assert_true(syslog_app_name_valid("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv"));
	assert_false(syslog_app_name_valid("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvw"));
}

static void test_empty_and_invalid(void **unused)
{
	Alert a = make_alert();
	SyslogOptions o = make_opts();
	StrBuf sb = { 0 };
	char *m;

	/* No tags, no fields, no output, no source: every param still there, no MSG. */
	a.tags = NULL;
	a.ntags = 0;
	a.fields = NULL;
	a.nfields = 3; /* a count without its array is ignored */
	a.output = NULL;
	a.output_len = 0;
	a.source = NULL;
	m = render(true, &a, &o);
	assert_string_equal(m, "<84>1 2023-11-14T22:13:20.123456Z host1 saker 4242 alert "
			       "[saker@32473 rule=\"Read sensitive file\" priority=\"Warning\" "
			       "source=\"syscall\" tags=\"\"]");
	free(m);
	setenv("TZ", "UTC", 1);
	tzset();
	m = render(false, &a, &o);
	assert_string_equal(m, "<84>Nov 14 22:13:20 host1 saker[4242]:");
	free(m);

	a = make_alert();
	a.rule = NULL;
	assert_int_equal(syslog_render_5424(&a, &o, &sb), -EINVAL);
	assert_int_equal(syslog_render_3164(&a, &o, &sb), -EINVAL);
	a = make_alert();
	a.priority = _PRI_MAX;
	assert_int_equal(syslog_render_5424(&a, &o, &sb), -EINVAL);
	a.priority = PRI_INVALID;
	assert_int_equal(syslog_render_3164(&a, &o, &sb), -EINVAL);
	a = make_alert();
	o.app_name = "bad name";
	assert_int_equal(syslog_render_5424(&a, &o, &sb), -EINVAL);
	o = make_opts();
	o.facility = 24;
	assert_int_equal(syslog_render_5424(&a, &o, &sb), -EINVAL);
	o = make_opts();
	o.max_size = SYSLOG_MIN_MESSAGE - 1;
	assert_int_equal(syslog_render_3164(&a, &o, &sb), -EINVAL);
	assert_int_equal(sb.len, 0);
	/* A header token with spaces or non-ASCII bytes: '_' for each. */
	a.hostname = "my host\xc3\xa9";
	o = make_opts();
	m = render(true, &a, &o);
	assert_true(strncmp(m, "<84>1 2023-11-14T22:13:20.123456Z my_host__ saker ", 50) == 0);
	free(m);
	strbuf_done(&sb);
}

/* ---- limits -------------------------------------------------------------- */

static char *repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit), i;
	char *s = malloc(n * times + 1);

	assert_non_null(s);
	for (i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

static void test_long_values(void **unused)
{
	/* 100 KiB of cmdline, of which every unit needs escaping or is multi-byte. */
	_cleanup_free_ char *big = repeat("\xc3\xa9\"]\\\xff", 20000);
	_cleanup_free_ char *out = repeat("word ", 30000);
	AlertField fields[] = {
		{ .name = "proc.name", .value = "cat", .len = 3 },
		{ .name = "proc.cmdline", .value = big, .len = strlen(big) },
		{ .name = "fd.name", .value = "/etc/shadow", .len = 11 },
	};
	static const size_t maxes[] = { 0, SYSLOG_MAX_UDP, 4096, SYSLOG_MIN_MESSAGE };
	SyslogOptions o = make_opts();
	Alert a = make_alert();
	size_t i;

	a.fields = fields;
	a.nfields = ELEMENTSOF(fields);
	a.output = out;
	a.output_len = strlen(out);
	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < ELEMENTSOF(maxes); i++) {
		size_t max = maxes[i] ? maxes[i] : SYSLOG_MAX_STREAM;
		_cleanup_free_ char *m = NULL;
		const char *v;
		Parsed p;

		o.max_size = maxes[i];
		m = render(true, &a, &o);
		assert_true(strlen(m) <= max);
		/* Close to the limit: nothing was cut that had room. */
		assert_true(strlen(m) + 64 > max);
		assert_true(parse_5424(m, &p));
		/* The short values are whole, the long one cut with the mark. */
		assert_string_equal(param(&p, "proc.name"), "cat");
		assert_string_equal(param(&p, "fd.name"), "/etc/shadow");
		assert_string_equal(param(&p, "rule"), "Read sensitive file");
		v = param(&p, "proc.cmdline");
		assert_non_null(v);
		assert_true(ends_with(v, "..."));
		assert_true(strncmp(v, "\xc3\xa9\\\"\\]\\\\\\xff\xc3\xa9", 12) == 0);
		assert_non_null(p.msg);
		assert_true(strncmp(p.msg, "word word ", 10) == 0);
		assert_true(ends_with(p.msg, "..."));
		parsed_free(&p);

		free(m);
		m = render(false, &a, &o);
		assert_true(strlen(m) <= max && strlen(m) + 8 > max);
		assert_true(ends_with(m, "..."));
	}

	/* A long message alone is cut, the structured data kept whole. */
	{
		_cleanup_free_ char *m = NULL;
		Parsed p;

		a.fields = test_fields;
		a.nfields = ELEMENTSOF(test_fields);
		o.max_size = SYSLOG_MAX_UDP;
		m = render(true, &a, &o);
		assert_int_equal(strlen(m), SYSLOG_MAX_UDP);
		assert_true(parse_5424(m, &p));
		assert_int_equal(p.nparams, 9);
		assert_string_equal(param(&p, "fd.name"), "/tmp/a\\\"b\\]c\\\\d");
		assert_true(strncmp(p.msg, "word word ", 10) == 0 && ends_with(p.msg, "..."));
		parsed_free(&p);
	}
}

static void test_worst_case_fits(void **unused)
{
	/* Every header field at its longest, many long fields: still <= the smallest limit. */
	_cleanup_free_ char *host = repeat("h", 400);
	_cleanup_free_ char *app = repeat("a", SYSLOG_APP_NAME_MAX);
	_cleanup_free_ char *val = repeat("v\xe2\x82\xac", 300);
	_cleanup_free_ char *rule = repeat("r", 5000);
	AlertField fields[60];
	char names[60][48];
	const char *tags[40];
	SyslogOptions o = make_opts();
	Alert a = make_alert();
	size_t i;

	for (i = 0; i < ELEMENTSOF(fields); i++) {
		snprintf(names[i], sizeof(names[i]), "some.rather.long.field.name.number.%zu", i);
		fields[i] = (AlertField){ .name = names[i], .value = val, .len = strlen(val) };
	}
	for (i = 0; i < ELEMENTSOF(tags); i++)
		tags[i] = "a_tag_of_some_length";
	a.hostname = host;
	a.rule = rule;
	a.tags = tags;
	a.ntags = ELEMENTSOF(tags);
	a.fields = fields;
	a.nfields = ELEMENTSOF(fields);
	a.output = val;
	a.output_len = strlen(val);
	o.app_name = app;
	o.procid = 4294967295u;
	o.max_size = SYSLOG_MIN_MESSAGE;
	for (i = 0; i < 2; i++) {
		_cleanup_free_ char *m = render(true, &a, &o);
		Parsed p;

		assert_true(strlen(m) <= o.max_size);
		assert_true(parse_5424(m, &p));
		assert_int_equal(strlen(p.hostname), SYSLOG_HOSTNAME_MAX);
		assert_true(ends_with(param(&p, "rule"), "..."));
		assert_true(ends_with(param(&p, "tags"), "..."));
		/* Fields that did not fit even cut were left out, from the end. */
		assert_true(p.nparams >= 4 && p.nparams < 4 + ELEMENTSOF(fields));
		parsed_free(&p);
		o.max_size = 2 * SYSLOG_MIN_MESSAGE;
	}
}

/* ---- random alerts: whatever the bytes, the result parses and fits ------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: the same sequence on every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32) % n;
}

/* Random bytes, heavy on what needs care; NUL-terminated (NULs inside only when with_nul). */
static char *rnd_string(size_t *ret_len, bool with_nul)
{
	static const char *const pieces[] = {
		"\"", "\\", "]", "[", "=", " ", "a", "Z", ".", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xff", "\xc3", "\xed\xa0\x80", "\n", "\x7f", "\x01",
	};
	size_t n = rnd(8) == 0 ? rnd(30000) : rnd(40), len = 0, i;
	char *s = malloc(n * 4 + 2);

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		const char *p = pieces[rnd(ELEMENTSOF(pieces))];

		if (with_nul && rnd(50) == 0)
			s[len++] = '\0';
		else {
			memcpy(s + len, p, strlen(p));
			len += strlen(p);
		}
	}
	s[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return s;
}

static void test_random_alerts(void **unused)
{
	unsigned round;

	setenv("TZ", "UTC", 1);
	tzset();
	for (round = 0; round < 300; round++) {
		AlertField fields[12];
		char *strings[2 + 3 * ELEMENTSOF(fields) + 4];
		const char *tags[4];
		size_t nstr = 0, i, k;
		SyslogOptions o = make_opts();
		Alert a = make_alert();
		StrBuf sb = { 0 };
		Parsed p;

		a.rule = strings[nstr++] = rnd_string(NULL, false);
		a.hostname = strings[nstr++] = rnd_string(NULL, false);
		a.output = strings[nstr] = rnd_string(&a.output_len, true);
		nstr++;
		a.nfields = rnd(ELEMENTSOF(fields) + 1);
		for (i = 0; i < a.nfields; i++) {
			fields[i].name = strings[nstr++] = rnd_string(NULL, false);
			fields[i].value = strings[nstr] = rnd_string(&fields[i].len, true);
			nstr++;
			fields[i].missing = rnd(10) == 0;
		}
		a.fields = fields;
		a.ntags = rnd(ELEMENTSOF(tags) + 1);
		for (i = 0; i < a.ntags; i++)
			tags[i] = strings[nstr++] = rnd_string(NULL, false);
		a.tags = tags;
		a.priority = (Priority)rnd(8);
		o.max_size = rnd(3) == 0 ? 0 : SYSLOG_MIN_MESSAGE + rnd(20000);
		o.local = rnd(2);

		for (k = 0; k < 2; k++) {
			size_t max = o.max_size ? o.max_size : SYSLOG_MAX_STREAM;

			strbuf_reset(&sb);
			if (k == 0) {
				assert_int_equal(syslog_render_5424(&a, &o, &sb), 0);
				assert_true(sb.len <= max);
				assert_int_equal(strlen(sb.buf), sb.len);
				if (!parse_5424(sb.buf, &p))
					fail_msg("round %u: not RFC 5424: %.300s", round, sb.buf);
				assert_string_equal(p.sdid, SYSLOG_SD_ID);
				assert_non_null(param(&p, "rule"));
				parsed_free(&p);
			} else {
				assert_int_equal(syslog_render_3164(&a, &o, &sb), 0);
				assert_true(sb.len <= max);
				assert_int_equal(strlen(sb.buf), sb.len);
				assert_true(is_utf8(sb.buf, sb.len));
				/* No control character: they are all \xNN. */
				for (i = 0; i < sb.len; i++)
					assert_true((unsigned char)sb.buf[i] >= 0x20 &&
						    sb.buf[i] != 0x7f);
			}
		}
		strbuf_done(&sb);
		for (i = 0; i < nstr; i++)
			free(strings[i]);
	}
}

static void test_octet_counting(void **unused)
{
	Alert a = make_alert();
	SyslogOptions o = make_opts();
	_cleanup_free_ char *m = render(true, &a, &o);
	StrBuf sb = { 0 };
	char want[32];

	assert_int_equal(syslog_frame_octet_count("abc", 3, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "3 abc");
	strbuf_reset(&sb);
	assert_int_equal(syslog_frame_octet_count("", 0, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "0 ");
	strbuf_reset(&sb);
	/* Two frames back to back: each prefix counts the bytes of its message. */
	assert_int_equal(syslog_frame_octet_count(m, strlen(m), &sb), 0);
	assert_int_equal(syslog_frame_octet_count("\xc3\xa9", 2, &sb), 0);
	snprintf(want, sizeof(want), "%zu ", strlen(m));
	assert_true(strncmp(sb.buf, want, strlen(want)) == 0);
	assert_memory_equal(sb.buf + strlen(want), m, strlen(m));
	assert_string_equal(sb.buf + strlen(want) + strlen(m), "2 \xc3\xa9");
	assert_int_equal(syslog_frame_octet_count(NULL, 1, &sb), -EINVAL);
	strbuf_done(&sb);
}

/* ---- the sink against real receivers ------------------------------------ */

static char tmpdir[] = "/tmp/test-syslog.XXXXXX";

static int setup_dir(void **unused)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **unused)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int unix_listener(const char *path, int type, int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

static int inet_listener(int type, unsigned *ret_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*ret_port = ntohs(sa.sin_port);
	return fd;
}

/* One datagram, waiting at most 5 s. */
static char *recv_dgram(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *buf = malloc(SYSLOG_MAX_STREAM + 1);
	ssize_t n;

	assert_non_null(buf);
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	n = recv(fd, buf, SYSLOG_MAX_STREAM, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* Reads from a stream until want bytes came or 5 s passed. */
static size_t recv_stream(int fd, char *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 5000) != 1)
			break;
		n = recv(fd, buf + got, want - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static Outputs *new_outputs(void)
{
	Outputs *o = NULL;

	assert_int_equal(outputs_new(NULL, &o), 0);
	return o;
}

/* The message the sink must send for a, rendered here with the sink's options. */
static char *expected(bool rfc5424, const Alert *a, bool local, size_t max)
{
	SyslogOptions o = {
		.facility = 10,
		.app_name = "saker",
		.hostname = "fallback",
		.procid = (unsigned)getpid(),
		.local = local,
		.max_size = max,
	};

	return render(rfc5424, a, &o);
}

static void submit_n(Outputs *o, Alert *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		a->time_ns = T0 + i * 1000ull;
		outputs_submit(o, a);
	}
}

static void test_sink_unix_dgram(void **unused)
{
	char path[128], err[OUTPUTS_MAX_ERROR];
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	OutputSinkStats st;
	Alert a = make_alert();
	unsigned i;
	int fd;

	snprintf(path, sizeof(path), "%s/dgram.sock", tmpdir);
	fd = unix_listener(path, SOCK_DGRAM, 0);
	assert_int_equal(outputs_add_syslog(o, "rfc5424", path, "authpriv", "saker", "fallback",
					    err, sizeof(err)),
			 0);
	submit_n(o, &a, 3);
	assert_int_equal(outputs_drain(o, 5000), 0);
	for (i = 0; i < 3; i++) {
		_cleanup_free_ char *got = recv_dgram(fd);
		_cleanup_free_ char *want = NULL;

		a.time_ns = T0 + i * 1000ull;
		want = expected(true, &a, true, 0);
		assert_string_equal(got, want);
	}
	outputs_stats(o, &st, 1);
	assert_string_equal(st.name, "syslog");
	assert_int_equal(st.written, 3);
	assert_int_equal(st.errors, 0);
	o = outputs_free(o);

	/* RFC 3164 on a local socket: no hostname. */
	o = new_outputs();
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(outputs_add_syslog(o, NULL, path, NULL, NULL, NULL, err, sizeof(err)), 0);
	a.time_ns = T0;
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	{
		_cleanup_free_ char *got = recv_dgram(fd);
		char want[256];

		snprintf(want, sizeof(want), "<84>Nov 14 22:13:20 saker[%d]: %s", (int)getpid(),
			 TEST_OUTPUT);
		assert_string_equal(got, want);
	}
	close(fd);
}

static void test_sink_unix_stream_and_reconnect(void **unused)
{
	char path[128], err[OUTPUTS_MAX_ERROR], buf[4096];
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *m1 = NULL, *m2 = NULL;
	OutputSinkStats st;
	Alert a = make_alert();
	int lfd, cfd;
	size_t n;

	/* Nobody listens yet: the sink starts, the alert is an error, counted. */
	snprintf(path, sizeof(path), "%s/stream.sock", tmpdir);
	assert_int_equal(outputs_add_syslog(o, "rfc5424", path, "authpriv", "saker", "fallback",
					    err, sizeof(err)),
			 0);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	outputs_stats(o, &st, 1);
	assert_int_equal(st.errors, 1);

	/* A stream socket there now: after the retry delay, records end in NUL. */
	lfd = unix_listener(path, SOCK_STREAM, 8);
	usleep(300 * 1000);
	submit_n(o, &a, 2);
	assert_int_equal(outputs_drain(o, 5000), 0);
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(cfd >= 0);
	a.time_ns = T0;
	m1 = expected(true, &a, true, 0);
	a.time_ns = T0 + 1000;
	m2 = expected(true, &a, true, 0);
	n = recv_stream(cfd, buf, strlen(m1) + strlen(m2) + 2);
	assert_int_equal(n, strlen(m1) + strlen(m2) + 2);
	assert_string_equal(buf, m1);
	assert_string_equal(buf + strlen(m1) + 1, m2);
	outputs_stats(o, &st, 1);
	assert_int_equal(st.written, 2);
	assert_int_equal(st.errors, 1);

	/* The receiver closes: the next alert goes over a new connection, none lost. */
	close(cfd);
	usleep(50 * 1000);
	submit_n(o, &a, 1);
	assert_int_equal(outputs_drain(o, 5000), 0);
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	assert_true(cfd >= 0);
	n = recv_stream(cfd, buf, strlen(m1) + 1);
	assert_int_equal(n, strlen(m1) + 1);
	assert_string_equal(buf, m1);
	outputs_stats(o, &st, 1);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.errors, 1);
	close(cfd);
	close(lfd);
}

static void test_sink_tcp_octet_counting(void **unused)
{
	char dest[64], err[OUTPUTS_MAX_ERROR];
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *buf = malloc(4 * SYSLOG_MAX_STREAM);
	_cleanup_free_ char *big = repeat("x]", 40000);
	AlertField fields[] = { { .name = "proc.cmdline", .value = big, .len = strlen(big) } };
	StrBuf want = { 0 };
	OutputSinkStats st;
	Alert a = make_alert();
	unsigned port, i;
	size_t got;
	int lfd, cfd;

	lfd = inet_listener(SOCK_STREAM, &port);
	snprintf(dest, sizeof(dest), "tcp://127.0.0.1:%u", port);
	assert_int_equal(outputs_add_syslog(o, "rfc5424", dest, "authpriv", "saker", "fallback",
					    err, sizeof(err)),
			 0);
	/* Two ordinary alerts and one cut to 64 KiB, framed "LEN SP MSG" each. */
	for (i = 0; i < 3; i++) {
		_cleanup_free_ char *m = NULL;

		a.time_ns = T0 + i * 1000ull;
		if (i == 2) {
			a.fields = fields;
			a.nfields = 1;
		}
		outputs_submit(o, &a);
		m = expected(true, &a, false, 0);
		assert_true(strlen(m) <= SYSLOG_MAX_STREAM);
		assert_int_equal(syslog_frame_octet_count(m, strlen(m), &want), 0);
	}
	assert_int_equal(outputs_drain(o, 5000), 0);
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(cfd >= 0);
	got = recv_stream(cfd, buf, want.len);
	assert_int_equal(got, want.len);
	assert_memory_equal(buf, want.buf, want.len);
	/* Nothing after the three frames. */
	{
		struct pollfd pfd = { .fd = cfd, .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, 100), 0);
	}
	outputs_stats(o, &st, 1);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.errors, 0);
	strbuf_done(&want);
	close(cfd);
	close(lfd);
}

static void test_sink_udp(void **unused)
{
	char dest[64], err[OUTPUTS_MAX_ERROR];
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *big = repeat("y", 20000);
	AlertField fields[] = { { .name = "proc.cmdline", .value = big, .len = strlen(big) } };
	Alert a = make_alert();
	unsigned port;
	int fd;

	setenv("TZ", "UTC", 1);
	tzset();
	fd = inet_listener(SOCK_DGRAM, &port);
	snprintf(dest, sizeof(dest), "udp://127.0.0.1:%u", port);
	assert_int_equal(outputs_add_syslog(o, "rfc3164", dest, "authpriv", "saker", "fallback",
					    err, sizeof(err)),
			 0);
	a.fields = fields;
	a.nfields = 1;
	a.output = big;
	a.output_len = strlen(big);
	outputs_submit(o, &a);
	assert_int_equal(outputs_drain(o, 5000), 0);
	{
		_cleanup_free_ char *got = recv_dgram(fd);
		_cleanup_free_ char *want = expected(false, &a, false, SYSLOG_MAX_UDP);

		/* Over the network the HOSTNAME is there, and the datagram is <= 8 KiB. */
		assert_string_equal(got, want);
		assert_int_equal(strlen(got), SYSLOG_MAX_UDP);
		assert_true(strncmp(got, "<84>Nov 14 22:13:20 host1 saker[", 32) == 0);
	}
	close(fd);
}

static void test_sink_stuck_receiver(void **unused)
{
	char path[128], err[OUTPUTS_MAX_ERROR];
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	_cleanup_free_ char *big = repeat("z", 60000);
	AlertField fields[] = { { .name = "proc.cmdline", .value = big, .len = strlen(big) } };
	struct timespec t0, t1;
	OutputSinkStats st;
	Alert a = make_alert();
	int lfd;

	/* A stream receiver that never reads and takes no second connection. */
	snprintf(path, sizeof(path), "%s/stuck.sock", tmpdir);
	lfd = unix_listener(path, SOCK_STREAM, 0);
	assert_int_equal(outputs_add_syslog(o, "rfc5424", path, "authpriv", "saker", "fallback",
					    err, sizeof(err)),
			 0);
	a.fields = fields;
	a.nfields = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	submit_n(o, &a, 12);
	/* Bounded: the send timeout ends the connection, then alerts fail fast. */
	assert_int_equal(outputs_drain(o, 15000), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	outputs_stats(o, &st, 1);
	/* A frame queued for the send that timed out counts as written and as a flush error. */
	assert_int_equal(st.lost, 0);
	assert_true(st.errors >= 1);
	assert_true(st.written + st.errors >= 12);
	close(lfd);
}

static void test_add_errors(void **unused)
{
	static const struct {
		const char *format, *dest, *facility, *app;
		const char *want;
	} bad[] = {
		{ "rfc5425", "/dev/log", NULL, NULL, "unknown format 'rfc5425'" },
		{ NULL, "/dev/log", "local9", NULL, "unknown facility 'local9'" },
		{ NULL, "/dev/log", NULL, "my app", "bad app_name 'my app'" },
		{ NULL, "", NULL, NULL, "no destination" },
		{ NULL, NULL, NULL, NULL, "no destination" },
		{ NULL, "dev/log", NULL, NULL, "expected an absolute unix socket path" },
		{ NULL, "udp://loghost", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "udp://:514", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://loghost:0", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://loghost:65536", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://loghost:51x", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://loghost:-1", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://::1:514", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://[::1]514", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "tcp://[::1", NULL, NULL, "expected udp://HOST:PORT" },
		{ NULL, "http://loghost:514", NULL, NULL, "expected an absolute unix socket path" },
		{ NULL,
		  "/tmp/a/very/long/path/that/does/not/fit/into/sun_path/because/it/is/"
		  "longer/than/one/hundred/and/eight/bytes.sock",
		  NULL, NULL, "socket path longer than 107 bytes" },
	};
	char err[OUTPUTS_MAX_ERROR], path[128];
	_cleanup_(outputs_freep) Outputs *o = new_outputs();
	size_t i;
	int fd;

	for (i = 0; i < ELEMENTSOF(bad); i++) {
		err[0] = '\0';
		assert_true(outputs_add_syslog(o, bad[i].format, bad[i].dest, bad[i].facility,
					       bad[i].app, NULL, err, sizeof(err)) < 0);
		if (!strstr(err, bad[i].want))
			fail_msg("%s: got '%s', want '%s'", bad[i].dest ? bad[i].dest : "(null)",
				 err, bad[i].want);
	}
	/* A regular file where the socket should be. */
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(outputs_add_syslog(o, NULL, path, NULL, NULL, NULL, err, sizeof(err)),
			 -ENOTSOCK);
	assert_non_null(strstr(err, "is not a socket"));
	assert_int_equal(outputs_nsinks(o), 0);

	/* Accepted: no receiver yet, names, bracketed IPv6. */
	snprintf(path, sizeof(path), "%s/nobody.sock", tmpdir);
	assert_int_equal(outputs_add_syslog(o, "rfc5424", path, "local7", "x", "h", err,
					    sizeof(err)),
			 0);
	assert_int_equal(outputs_add_syslog(o, "rfc3164", "udp://localhost:514", "kern", "saker",
					    NULL, err, sizeof(err)),
			 0);
	assert_int_equal(outputs_add_syslog(o, "rfc5424", "tcp://[::1]:6514", NULL, NULL, NULL,
					    err, sizeof(err)),
			 0);
	assert_int_equal(outputs_nsinks(o), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_5424_golden),
		cmocka_unit_test(test_3164_golden),
		cmocka_unit_test(test_pri),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_sd_names),
		cmocka_unit_test(test_empty_and_invalid),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_worst_case_fits),
		cmocka_unit_test(test_random_alerts),
		cmocka_unit_test(test_octet_counting),
		cmocka_unit_test(test_sink_unix_dgram),
		cmocka_unit_test(test_sink_unix_stream_and_reconnect),
		cmocka_unit_test(test_sink_tcp_octet_counting),
		cmocka_unit_test(test_sink_udp),
		cmocka_unit_test(test_sink_stuck_receiver),
		cmocka_unit_test(test_add_errors),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
