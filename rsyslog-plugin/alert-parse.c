// SPDX-License-Identifier: MIT
/*
 * Datagram to alert for imsaker: strict JSON with a nesting limit, the
 * fields a syslog message needs checked, the rest kept as it came for
 * $!saker.  Everything here is pure so it is unit-tested and fuzzed without
 * rsyslog; see alert-parse.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libfastjson/json.h>

#include "alert-parse.h"

static const struct {
	const char *name;
	int severity;
} priorities[] = {
	/* sakerd and Falco write them capitalised; "info" is Falco's alias. */
	{ "emergency", 0 },	{ "alert", 1 },	  { "critical", 2 },
	{ "error", 3 },		{ "warning", 4 }, { "notice", 5 },
	{ "informational", 6 }, { "info", 6 },	  { "debug", 7 },
};

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "kern", 0 },	   { "user", 1 },      { "mail", 2 },	 { "daemon", 3 },  { "auth", 4 },
	{ "security", 4 }, { "syslog", 5 },    { "lpr", 6 },	 { "news", 7 },	   { "uucp", 8 },
	{ "cron", 9 },	   { "authpriv", 10 }, { "ftp", 11 },	 { "local0", 16 }, { "local1", 17 },
	{ "local2", 18 },  { "local3", 19 },   { "local4", 20 }, { "local5", 21 }, { "local6", 22 },
	{ "local7", 23 },
};

int imsaker_severity_from_priority(const char *s, size_t len)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < sizeof(priorities) / sizeof(priorities[0]); i++)
		if (strlen(priorities[i].name) == len &&
		    strncasecmp(s, priorities[i].name, len) == 0)
			return priorities[i].severity;
	return -1;
}

int imsaker_facility_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].facility;
	return -1;
}

/* n decimal digits at s; -1 if one is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_since_epoch(int y, int m, int d)
{
	/* Count from March, so the leap day is the last day of the counted year. */
	int64_t yy = m <= 2 ? y - 1 : y;
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400; /* 0..399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */

	return era * 146097 + doe - 719468;
}

int imsaker_parse_time(const char *s, size_t len, int64_t *ret_sec, uint32_t *ret_nsec)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int year, month, day, hour, minute, second, maxday;
	uint32_t nsec = 0;
	size_t i, nfrac;

	/* YYYY-MM-DDTHH:MM:SS, 19 bytes, then an optional fraction and 'Z'. */
	if (!s || len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[len - 1] != 'Z')
		return -EINVAL;
	year = digits(s, 4);
	month = digits(s + 5, 2);
	day = digits(s + 8, 2);
	hour = digits(s + 11, 2);
	minute = digits(s + 14, 2);
	second = digits(s + 17, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
	    minute > 59 || second < 0 || second > 59)
		return -EINVAL;
	maxday = mdays[month - 1] + (month == 2 && leap_year(year));
	if (day > maxday)
		return -EINVAL;

	if (len > 20) {
		/* ".f" with 1 to 9 digits between the seconds and the 'Z' */
		nfrac = len - 21;
		if (s[19] != '.' || nfrac < 1 || nfrac > 9)
			return -EINVAL;
		for (i = 0; i < 9; i++) {
			nsec *= 10;
			if (i < nfrac) {
				if (s[20 + i] < '0' || s[20 + i] > '9')
					return -EINVAL;
				nsec += (uint32_t)(s[20 + i] - '0');
			}
		}
	}
	*ret_sec = days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
	*ret_nsec = nsec;
	return 0;
}

/* Letters, digits, '-', '.', '_' and ':' (IPv6 literals): what a syslog HOSTNAME may hold. */
static bool hostname_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > IMSAKER_HOSTNAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || c == ':'))
			return false;
	}
	return true;
}

static struct fjson_object *get_string(struct fjson_object *o, const char *key)
{
	struct fjson_object *v = NULL;

	if (!fjson_object_object_get_ex(o, key, &v) || !fjson_object_is_type(v, fjson_type_string))
		return NULL;
	return v;
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The JSON value that is all of buf (whitespace around it aside), or NULL. */
static struct fjson_object *parse_json(const char *buf, size_t len, int *ret_error)
{
	struct fjson_tokener *tok;
	struct fjson_object *o;
	enum fjson_tokener_error jerr;
	size_t end;

	*ret_error = -EINVAL;
	tok = fjson_tokener_new_ex(IMSAKER_JSON_DEPTH_MAX);
	if (!tok) {
		*ret_error = -ENOMEM;
		return NULL;
	}
	fjson_tokener_set_flags(tok, FJSON_TOKENER_STRICT);
	o = fjson_tokener_parse_ex(tok, buf, (int)len);
	jerr = fjson_tokener_get_error(tok);
	end = tok->char_offset > 0 ? (size_t)tok->char_offset : 0;
	fjson_tokener_free(tok);
	if (!o)
		return NULL;
	if (jerr != fjson_tokener_success || end > len) {
		fjson_object_put(o);
		return NULL;
	}
	for (; end < len; end++)
		if (!json_space(buf[end])) {
			fjson_object_put(o);
			return NULL;
		}
	return o;
}

int imsaker_alert_parse(const char *buf, size_t len, ImsakerAlert *ret, const char **ret_reason)
{
	struct fjson_object *root, *rule, *output, *priority, *v;
	const char *s;
	size_t n;
	int r;

	*ret = (ImsakerAlert){ .severity = -1 };
	*ret_reason = NULL;
	if (!buf || len == 0) {
		*ret_reason = "empty datagram";
		return -EINVAL;
	}
	if (len > IMSAKER_DATAGRAM_MAX) {
		*ret_reason = "datagram longer than the limit";
		return -E2BIG;
	}
	root = parse_json(buf, len, &r);
	if (!root) {
		*ret_reason = r == -ENOMEM ? "out of memory" : "not JSON";
		return r;
	}
	if (!fjson_object_is_type(root, fjson_type_object)) {
		fjson_object_put(root);
		*ret_reason = "not a JSON object";
		return -EINVAL;
	}

	rule = get_string(root, "rule");
	output = get_string(root, "output");
	priority = get_string(root, "priority");
	if (!rule || fjson_object_get_string_len(rule) == 0)
		*ret_reason = "no \"rule\" string";
	else if (!output)
		*ret_reason = "no \"output\" string";
	else if (!priority)
		*ret_reason = "no \"priority\" string";
	else
		ret->severity = imsaker_severity_from_priority(
			fjson_object_get_string(priority),
			(size_t)fjson_object_get_string_len(priority));
	if (!*ret_reason && ret->severity < 0)
		*ret_reason = "unknown \"priority\"";
	if (*ret_reason) {
		fjson_object_put(root);
		ret->severity = -1;
		return -EINVAL;
	}

	ret->json = root;
	ret->output = fjson_object_get_string(output);
	ret->output_len = (size_t)fjson_object_get_string_len(output);
	v = get_string(root, "hostname");
	if (v) {
		s = fjson_object_get_string(v);
		n = (size_t)fjson_object_get_string_len(v);
		if (hostname_valid(s, n)) {
			ret->hostname = s;
			ret->hostname_len = n;
		}
	}
	v = get_string(root, "time");
	if (v &&
	    imsaker_parse_time(fjson_object_get_string(v), (size_t)fjson_object_get_string_len(v),
			       &ret->time_sec, &ret->time_nsec) == 0)
		ret->has_time = true;
	return 0;
}

void imsaker_alert_done(ImsakerAlert *a)
{
	if (!a)
		return;
	if (a->json)
		fjson_object_put(a->json);
	*a = (ImsakerAlert){ .severity = -1 };
}

size_t imsaker_escape(const char *in, size_t len, const ImsakerEscape *e, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == 0 || (c < 0x20 && e->control && (c != '\t' || e->tab))) {
			out[o++] = e->prefix;
			out[o++] = (char)('0' + ((c >> 6) & 7));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}
