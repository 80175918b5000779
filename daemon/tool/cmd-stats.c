// SPDX-License-Identifier: MIT
/*
 * saker stats: ask the running sakerd for its counters over the control
 * socket and print them as aligned sections, or verbatim as JSON.  The
 * printer takes what it knows and skips what is missing, so a newer or older
 * daemon still gives a readable report.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libfastjson/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control.h"
#include "tool/tool.h"

/* sakerd answers from its event loop; this long without a reply means it is stuck. */
#define STATS_TIMEOUT_MS 10000u
/* Entries shown of events.by_type, rules.hits and drops (largest counts first). */
#define STATS_TOP 20
/* Widest name column; longer names push their count to the right. */
#define STATS_NAME_WIDTH 40
/* Width of the section titles ("uptime", "events"...). */
#define STATS_TITLE_WIDTH 10
/* Bytes of a rendered value (a number or a sanitized name). */
#define STATS_VALUE_MAX 128

typedef struct fjson_object JObj;

static void json_putp(JObj **o)
{
	if (*o)
		fjson_object_put(*o);
}

void tool_control_error(const char *cmd, const char *path, int r)
{
	switch (r) {
	case -ENOENT:
		fprintf(stderr, "saker %s: sakerd is not running (no socket at %s)\n", cmd, path);
		break;
	case -ECONNREFUSED:
		fprintf(stderr, "saker %s: sakerd is not running (nobody answers on %s)\n", cmd,
			path);
		break;
	case -EACCES:
	case -EPERM:
		fprintf(stderr, "saker %s: permission denied: %s (root only)\n", cmd, path);
		break;
	case -EUSERS:
		fprintf(stderr, "saker %s: sakerd refused the connection: too many clients\n", cmd);
		break;
	case -EAGAIN:
	case -ETIMEDOUT:
		fprintf(stderr, "saker %s: sakerd does not answer on %s\n", cmd, path);
		break;
	case -ECONNRESET:
	case -EPIPE:
		fprintf(stderr, "saker %s: sakerd closed the connection\n", cmd);
		break;
	case -EBADMSG:
	case -EMSGSIZE:
		fprintf(stderr, "saker %s: sakerd sent an invalid reply\n", cmd);
		break;
	case -ENAMETOOLONG:
		fprintf(stderr, "saker %s: socket path too long: %s\n", cmd, path);
		break;
	default:
		fprintf(stderr, "saker %s: %s: %s\n", cmd, path, strerror(-r));
		break;
	}
}

/* Copy s for a terminal: control characters (escape sequences) become '?'. */
static const char *sanitize(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static JObj *get(JObj *o, const char *key)
{
	JObj *v;

	if (!o || !fjson_object_is_type(o, fjson_type_object) ||
	    !fjson_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static bool is_number(JObj *v)
{
	return v && (fjson_object_is_type(v, fjson_type_int) ||
		     fjson_object_is_type(v, fjson_type_double));
}

static double number(JObj *v)
{
	return fjson_object_is_type(v, fjson_type_int) ? (double)fjson_object_get_int64(v)
						       : fjson_object_get_double(v);
}

/* A number as the daemon sent it (integer or one decimal), a string sanitized; else NULL. */
static const char *render(JObj *v, char *buf, size_t size)
{
	if (!v)
		return NULL;
	if (fjson_object_is_type(v, fjson_type_int)) {
		snprintf(buf, size, "%" PRId64, fjson_object_get_int64(v));
		return buf;
	}
	if (fjson_object_is_type(v, fjson_type_double)) {
		snprintf(buf, size, "%.1f", fjson_object_get_double(v));
		return buf;
	}
	if (fjson_object_is_type(v, fjson_type_string))
		return sanitize(fjson_object_get_string(v), buf, size);
	return NULL;
}

/*
 * Append VALUE and suffix for o[key] to line when present: parts of a
 * section's one-line summary such as "12 total, 3.5/s".
 */
static void part(char *line, size_t size, JObj *o, const char *key, const char *suffix)
{
	char buf[STATS_VALUE_MAX];
	size_t n = strlen(line);
	const char *s = render(get(o, key), buf, sizeof(buf));

	if (!s || n >= size)
		return;
	if (n)
		n += (size_t)snprintf(line + n, size - n, ", ");
	if (n < size)
		snprintf(line + n, size - n, "%s%s", s, suffix);
}

static void title(const char *name, const char *line)
{
	if (*line)
		printf("%-*s %s\n", STATS_TITLE_WIDTH, name, line);
	else
		printf("%s\n", name);
}

typedef struct Counter {
	const char *name;
	double n;
	JObj *v;
} Counter;

static int counter_cmp(const void *a, const void *b)
{
	const Counter *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The numeric members of o (but skip), largest first, STATS_TOP of them. */
static void print_counters(JObj *o, const char *skip, int indent)
{
	struct fjson_object_iterator it, end;
	_cleanup_free_ Counter *v = NULL;
	size_t n = 0, i, width = 0, cap;
	char name[STATS_VALUE_MAX], val[STATS_VALUE_MAX];

	if (!o || !fjson_object_is_type(o, fjson_type_object))
		return;
	cap = (size_t)fjson_object_object_length(o);
	if (cap == 0)
		return;
	v = newa(Counter, cap);
	if (!v)
		return;
	it = fjson_object_iter_begin(o);
	end = fjson_object_iter_end(o);
	for (; !fjson_object_iter_equal(&it, &end) && n < cap; fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);
		JObj *x = fjson_object_iter_peek_value(&it);

		if (!is_number(x) || (skip && strcmp(k, skip) == 0))
			continue;
		v[n] = (Counter){ .name = k, .n = number(x), .v = x };
		n++;
	}
	qsort(v, n, sizeof(*v), counter_cmp);
	for (i = 0; i < n && i < STATS_TOP; i++)
		width = MAX(width, MIN(strlen(v[i].name), (size_t)STATS_NAME_WIDTH));
	for (i = 0; i < n && i < STATS_TOP; i++)
		printf("%*s%-*s %12s\n", indent, "", (int)width,
		       sanitize(v[i].name, name, sizeof(name)), render(v[i].v, val, sizeof(val)));
	if (n > STATS_TOP)
		printf("%*s(%zu more)\n", indent, "", n - STATS_TOP);
}

static void print_uptime(JObj *stats)
{
	JObj *v = get(stats, "uptime_s");
	char line[64];
	double secs;
	uint64_t s;

	if (!is_number(v))
		return;
	secs = number(v);
	if (!isfinite(secs) || secs < 0 || secs > 1e12)
		return;
	s = (uint64_t)secs;
	if (s >= 86400)
		snprintf(line, sizeof(line), "%" PRIu64 "d %02u:%02u:%02u", s / 86400,
			 (unsigned)(s % 86400 / 3600), (unsigned)(s % 3600 / 60),
			 (unsigned)(s % 60));
	else
		snprintf(line, sizeof(line), "%02u:%02u:%02u", (unsigned)(s / 3600),
			 (unsigned)(s % 3600 / 60), (unsigned)(s % 60));
	title("uptime", line);
}

static void print_events(JObj *stats)
{
	JObj *ev = get(stats, "events");
	char line[256] = "";

	if (!ev)
		return;
	part(line, sizeof(line), ev, "total", " total");
	part(line, sizeof(line), ev, "per_s", "/s");
	title("events", line);
	print_counters(get(ev, "by_type"), NULL, 2);
}

static void print_drops(JObj *stats)
{
	JObj *dr = get(stats, "drops");
	char line[256] = "";

	if (!dr)
		return;
	part(line, sizeof(line), dr, "total", " total");
	title("drops", line);
	print_counters(dr, "total", 2);
}

static void print_rules(JObj *stats)
{
	JObj *ru = get(stats, "rules"), *hits;
	char line[256] = "";

	if (!ru)
		return;
	part(line, sizeof(line), ru, "loaded", " loaded");
	part(line, sizeof(line), ru, "enabled", " enabled");
	title("rules", line);
	hits = get(ru, "hits");
	if (hits && fjson_object_is_type(hits, fjson_type_object) &&
	    fjson_object_object_length(hits) > 0) {
		printf("  hits\n");
		print_counters(hits, NULL, 4);
	}
}

static void print_alerts(JObj *stats)
{
	JObj *al = get(stats, "alerts");
	char line[256] = "";

	if (!al)
		return;
	part(line, sizeof(line), al, "total", " total");
	part(line, sizeof(line), al, "suppressed", " suppressed");
	title("alerts", line);
}

static void print_state(JObj *stats)
{
	JObj *st = get(stats, "state");
	char line[256] = "";

	if (!st)
		return;
	part(line, sizeof(line), st, "threads", " threads");
	part(line, sizeof(line), st, "containers", " containers");
	part(line, sizeof(line), st, "fds", " fds");
	part(line, sizeof(line), st, "evictions", " evictions");
	title("state", line);
}

static void print_outputs(JObj *stats)
{
	static const char *const cols[] = { "written", "lost", "errors" };
	JObj *outs = get(stats, "outputs");
	char name[STATS_VALUE_MAX], val[STATS_VALUE_MAX], q[2 * STATS_VALUE_MAX + 2];
	size_t i, j, n, width = 4;
	const char *s;

	if (!outs || !fjson_object_is_type(outs, fjson_type_array))
		return;
	n = fjson_object_array_length(outs);
	if (n == 0) {
		title("outputs", "none");
		return;
	}
	for (i = 0; i < n; i++) {
		s = render(get(fjson_object_array_get_idx(outs, i), "name"), name, sizeof(name));
		if (s)
			width = MAX(width, MIN(strlen(s), (size_t)STATS_NAME_WIDTH));
	}
	title("outputs", "");
	printf("  %-*s %12s %12s %12s %15s\n", (int)width, "name", "written", "lost", "errors",
	       "queued");
	for (i = 0; i < n; i++) {
		JObj *o = fjson_object_array_get_idx(outs, i);
		const char *queued, *capacity;

		if (!o || !fjson_object_is_type(o, fjson_type_object))
			continue;
		s = render(get(o, "name"), name, sizeof(name));
		printf("  %-*s", (int)width, s ? s : "?");
		for (j = 0; j < ELEMENTSOF(cols); j++) {
			s = render(get(o, cols[j]), val, sizeof(val));
			printf(" %12s", s ? s : "-");
		}
		queued = render(get(o, "queued"), val, sizeof(val));
		snprintf(q, sizeof(q), "%s", queued ? queued : "-");
		capacity = render(get(o, "capacity"), val, sizeof(val));
		if (capacity)
			snprintf(q + strlen(q), sizeof(q) - strlen(q), "/%s", capacity);
		printf(" %15s\n", q);
	}
}

static void print_process(JObj *stats)
{
	JObj *pr = get(stats, "process");
	char line[256] = "";

	if (!pr)
		return;
	part(line, sizeof(line), pr, "cpu_percent", "% cpu");
	part(line, sizeof(line), pr, "rss_kib", " KiB rss");
	title("process", line);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(json_putp) JObj *reply = NULL;
	_cleanup_free_ char *text = NULL;
	const char *path = CONTROL_DEFAULT_SOCKET;
	ControlStatus status;
	bool json = false;
	JObj *stats, *err;
	int o, r;

	optind = 1;
	while ((o = getopt_long(argc, argv, "js:h", opts, NULL)) >= 0) {
		switch (o) {
		case 'j':
			json = true;
			break;
		case 's':
			path = optarg;
			break;
		case 'h':
			puts("Usage: saker stats [--json] [-s SOCKET]\n"
			     "Print the running sakerd's counters (root only).\n"
			     "  -j, --json          the daemon's reply, verbatim\n"
			     "  -s, --socket PATH   control socket (default "
			     CONTROL_DEFAULT_SOCKET ")");
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "saker stats: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	r = control_call(path, "{\"cmd\":\"stats\"}", -1, STATS_TIMEOUT_MS, NULL, NULL, &text);
	if (r < 0) {
		tool_control_error("stats", path, r);
		return 1;
	}
	if (control_parse(text, strlen(text), &reply) < 0 ||
	    control_reply_status(reply, &status) < 0) {
		tool_control_error("stats", path, -EBADMSG);
		return 1;
	}
	if (status != CONTROL_STATUS_OK) {
		char buf[512];

		err = get(reply, "error");
		fprintf(stderr, "saker stats: %s\n",
			err && fjson_object_is_type(err, fjson_type_string)
				? sanitize(fjson_object_get_string(err), buf, sizeof(buf))
				: "sakerd reported an error");
		return 1;
	}
	if (json) {
		printf("%s\n", text);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	stats = get(reply, "stats");
	if (!stats || !fjson_object_is_type(stats, fjson_type_object)) {
		fprintf(stderr, "saker stats: the reply holds no statistics\n");
		return 1;
	}
	print_uptime(stats);
	print_events(stats);
	print_drops(stats);
	print_rules(stats);
	print_alerts(stats);
	print_state(stats);
	print_outputs(stats);
	print_process(stats);
	return fflush(stdout) == 0 ? 0 : 1;
}
