// SPDX-License-Identifier: MIT
/*
 * Configuration loading.  Documents are not merged as trees: each one is
 * applied to the typed Config in order (main file, drop-ins by name,
 * overrides), which gives the documented merge rules (maps merge, scalars
 * and lists replace) and keeps every error at its own file, line and column.
 * The schema table below is the single list of keys.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "config/config.h"
#include "tool/ydom.h"

#ifndef SAKER_DEFAULT_RULES_DIR
#define SAKER_DEFAULT_RULES_DIR "/usr/share/saker/rules"
#endif

#define OFF(f) offsetof(Config, f)
#define FACILITIES                                                                      \
	"kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local0|local1|" \
	"local2|local3|local4|local5|local6|local7"

/* Sections are contiguous and in this order in the dump and the doc. */
const ConfigKey config_schema[] = {
	{ "rules_files", CONFIG_LIST, OFF(rules_files),
	  "[" SAKER_DEFAULT_RULES_DIR ", " SAKER_SYSCONFDIR "/rules.d]", NULL, 0, 0,
	  "Rule files and directories (*.yaml, in name order) loaded in this order" },
	{ "priority", CONFIG_ENUM, OFF(priority), "debug",
	  "emergency|alert|critical|error|warning|notice|informational|info|debug", 0, 0,
	  "Minimum priority of the rules loaded" },
	{ "rule_matching", CONFIG_ENUM, OFF(rule_matching), "first", "first|all", 0, 0,
	  "Alert on the first matching rule of an event only, or on all of them" },
	{ "json_output", CONFIG_BOOL, OFF(json_output), "false", NULL, 0, 0,
	  "Write alerts as JSON objects instead of text lines" },
	{ "json_include_output_property", CONFIG_BOOL, OFF(json_include_output_property), "true",
	  NULL, 0, 0, "Include the formatted output text in JSON alerts" },
	{ "json_include_tags_property", CONFIG_BOOL, OFF(json_include_tags_property), "true", NULL,
	  0, 0, "Include the rule's tags in JSON alerts" },
	{ "buffered_outputs", CONFIG_BOOL, OFF(buffered_outputs), "false", NULL, 0, 0,
	  "Buffer output sinks instead of flushing after every alert" },
	{ "stats_interval", CONFIG_DURATION, OFF(stats_interval_ms), "0", NULL, 0, 0,
	  "Log capture and drop counters at this interval (0: never)" },
	{ "stdout_output.enabled", CONFIG_BOOL, OFF(stdout_enabled), "true", NULL, 0, 0,
	  "Write alerts to standard output" },
	{ "file_output.enabled", CONFIG_BOOL, OFF(file_enabled), "false", NULL, 0, 0,
	  "Append alerts to a file" },
	{ "file_output.filename", CONFIG_STRING, OFF(file_filename), "/var/log/saker/events.log",
	  NULL, 0, 0, "The file alerts are appended to" },
	{ "file_output.keep_alive", CONFIG_BOOL, OFF(file_keep_alive), "false", NULL, 0, 0,
	  "Keep the file open between alerts instead of reopening it each time" },
	{ "syslog_output.enabled", CONFIG_BOOL, OFF(syslog_enabled), "true", NULL, 0, 0,
	  "Send alerts to syslog" },
	{ "syslog_output.format", CONFIG_ENUM, OFF(syslog_format), "rfc3164", "rfc3164|rfc5424",
	  0, 0, "Syslog message format" },
	{ "syslog_output.destination", CONFIG_STRING, OFF(syslog_destination), "/dev/log", NULL, 0,
	  0, "Unix socket path, or udp://HOST:PORT / tcp://HOST:PORT" },
	{ "syslog_output.facility", CONFIG_ENUM, OFF(syslog_facility), "authpriv", FACILITIES, 0,
	  0, "Syslog facility of alert messages" },
	{ "syslog_output.app_name", CONFIG_STRING, OFF(syslog_app_name), "saker", NULL, 0, 0,
	  "Syslog APP-NAME (tag) of alert messages" },
	{ "program_output.enabled", CONFIG_BOOL, OFF(program_enabled), "false", NULL, 0, 0,
	  "Pipe alerts to a program's standard input" },
	{ "program_output.program", CONFIG_STRING, OFF(program_program), "", NULL, 0, 0,
	  "Shell command alerts are piped to" },
	{ "program_output.keep_alive", CONFIG_BOOL, OFF(program_keep_alive), "false", NULL, 0, 0,
	  "Keep the program running between alerts instead of starting it for each" },
	{ "journald_output.enabled", CONFIG_BOOL, OFF(journald_enabled), "true", NULL, 0, 0,
	  "Send alerts to the systemd journal with structured fields" },
	{ "journald_output.facility", CONFIG_ENUM, OFF(journald_facility), "authpriv", FACILITIES,
	  0, 0, "SYSLOG_FACILITY of journal entries" },
	{ "rsyslog_output.enabled", CONFIG_BOOL, OFF(rsyslog_enabled), "false", NULL, 0, 0,
	  "Send alerts to the saker rsyslog input module" },
	{ "rsyslog_output.socket", CONFIG_STRING, OFF(rsyslog_socket), "/run/saker/rsyslog.sock",
	  NULL, 0, 0, "Unix socket the rsyslog input module listens on" },
	{ "syscall_event_drops.actions", CONFIG_ENUM_LIST, OFF(drops_actions), "[log, alert]",
	  "ignore|log|alert|exit", 0, 0, "What to do when the kernel drops events" },
	{ "syscall_event_drops.rate", CONFIG_DOUBLE, OFF(drops_rate), "0.03333", NULL, 0, 1000000,
	  "Drop notifications per second allowed (token bucket rate)" },
	{ "syscall_event_drops.max_burst", CONFIG_INT, OFF(drops_max_burst), "1", NULL, 1, 1000000,
	  "Drop notifications allowed in a burst" },
	{ "metrics.enabled", CONFIG_BOOL, OFF(metrics_enabled), "false", NULL, 0, 0,
	  "Emit internal metrics periodically" },
	{ "metrics.interval", CONFIG_DURATION, OFF(metrics_interval_ms), "1h", NULL, 0, 0,
	  "Interval between metrics records" },
	{ "outputs.rate", CONFIG_DOUBLE, OFF(outputs_rate), "0", NULL, 0, 1000000,
	  "Alerts per second allowed per rule (0: unlimited)" },
	{ "outputs.max_burst", CONFIG_INT, OFF(outputs_max_burst), "1000", NULL, 1, 100000000,
	  "Alerts allowed in a burst per rule" },
	{ "outputs_queue.capacity", CONFIG_INT, OFF(outputs_queue_capacity), "4096", NULL, 16,
	  1048576, "Alerts queued per output before the oldest is dropped (counted)" },
	{ "dns.enabled", CONFIG_BOOL, OFF(dns_enabled), "true", NULL, 0, 0,
	  "Resolve the domain names rules compare fd.*ip.name with" },
	{ "dns.server", CONFIG_STRING, OFF(dns_server), "", NULL, 0, 0,
	  "Name server as IP or IP:PORT (empty: the nameservers of /etc/resolv.conf)" },
	{ "dns.min_ttl", CONFIG_DURATION, OFF(dns_min_ttl_ms), "30s", NULL, 0, 0,
	  "Shortest interval between two resolutions of a name" },
	{ "dns.max_ttl", CONFIG_DURATION, OFF(dns_max_ttl_ms), "1h", NULL, 0, 0,
	  "Longest interval between two resolutions of a name" },
	{ "control.socket", CONFIG_STRING, OFF(control_socket), "/run/saker/sakerd.sock", NULL, 0,
	  0, "Local socket of saker stats and saker capture (root only)" },
	{ "driver.buffer_size_kb", CONFIG_INT, OFF(driver_buffer_size_kb), "8192", NULL, 64,
	  1048576, "Per-CPU ring buffer size of the kernel module, in KiB" },
	{ "driver.snaplen", CONFIG_INT, OFF(driver_snaplen), "80", NULL, 0, 65535,
	  "Bytes of I/O buffers captured per read/write event" },
	{ "state.max_threads", CONFIG_INT, OFF(state_max_threads), "131072", NULL, 16, 4194304,
	  "Threads kept in the process table (least recently used evicted first)" },
	{ "state.sweep_interval", CONFIG_DURATION, OFF(state_sweep_interval_ms), "5m", NULL, 0, 0,
	  "How often exited processes are reconciled with /proc (0: never)" },
};
const size_t config_schema_len = ELEMENTSOF(config_schema);

/* ---- errors ------------------------------------------------------------- */

void config_errors_done(ConfigErrors *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].file);
		free(e->v[i].msg);
	}
	free(e->v);
	*e = (ConfigErrors){ 0 };
}

void config_errors_print(const ConfigErrors *e, FILE *f)
{
	for (size_t i = 0; i < e->n; i++) {
		const ConfigError *x = &e->v[i];

		if (x->line)
			fprintf(f, "%s:%u:%u: error: %s\n", x->file, x->line, x->col, x->msg);
		else
			fprintf(f, "%s: error: %s\n", x->file, x->msg);
	}
	if (e->dropped)
		fprintf(f, "(%zu more errors)\n", e->dropped);
}

typedef struct Loader {
	Config *cfg;
	ConfigErrors *errors;
	size_t nerrors;
	bool oom;
	bool no_pos; /* overrides: positions inside the value mean nothing */
	const char *file;
} Loader;

static void _printf_(3, 4) lerr(Loader *l, const YNode *n, const char *fmt, ...)
{
	ConfigError *v;
	va_list ap;
	char *msg;
	int r;

	l->nerrors++;
	if (!l->errors)
		return;
	if (l->errors->n >= CONFIG_MAX_ERRORS) {
		l->errors->dropped++;
		return;
	}
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		l->oom = true;
		return;
	}
	v = reallocarray(l->errors->v, l->errors->n + 1, sizeof(*v));
	if (!v) {
		free(msg);
		l->oom = true;
		return;
	}
	l->errors->v = v;
	v[l->errors->n] = (ConfigError){
		.file = strdup(l->file),
		.line = n && !l->no_pos ? n->line : 0,
		.col = n && !l->no_pos ? n->col : 0,
		.msg = msg,
	};
	if (!v[l->errors->n].file)
		l->oom = true;
	l->errors->n++;
}

/* ---- keys --------------------------------------------------------------- */

const ConfigKey *config_find_key(const char *key)
{
	for (size_t i = 0; i < config_schema_len; i++)
		if (!strcmp(config_schema[i].key, key))
			return &config_schema[i];
	return NULL;
}

/* Whether prefix names a section ("file_output" for "file_output.enabled"). */
static bool is_section(const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < config_schema_len; i++)
		if (!strncmp(config_schema[i].key, prefix, n) && config_schema[i].key[n] == '.')
			return true;
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[128], cur[128];

	if (la >= ELEMENTSOF(prev) || lb >= ELEMENTSOF(prev))
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

			cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), sub);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

/* The known key or section closest to the unknown dotted key, or NULL. */
static const char *suggest(const char *key, char *buf, size_t size)
{
	size_t best = SIZE_MAX, limit = MAX((size_t)2, strlen(key) / 3);
	const char *found = NULL;

	for (size_t i = 0; i < config_schema_len; i++) {
		const char *k = config_schema[i].key;

		/* the key itself, and each of its sections */
		for (const char *dot = k;; dot++) {
			if (*dot == '.' || !*dot) {
				size_t n = (size_t)(dot - k), d;

				if (n < size) {
					char cand[128];

					memcpy(cand, k, n);
					cand[n] = 0;
					d = edit_distance(key, cand);
					if (d < best) {
						best = d;
						memcpy(buf, cand, n + 1);
						found = buf;
					}
				}
			}
			if (!*dot)
				break;
		}
	}
	return best <= limit ? found : NULL;
}

/* ---- values ------------------------------------------------------------- */

static const char *type_name(ConfigType t)
{
	static const char *const names[_CONFIG_TYPE_MAX] = {
		[CONFIG_BOOL] = "a boolean (true/false)",
		[CONFIG_INT] = "an integer",
		[CONFIG_DOUBLE] = "a number",
		[CONFIG_STRING] = "a string",
		[CONFIG_ENUM] = "one of",
		[CONFIG_LIST] = "a list of strings",
		[CONFIG_ENUM_LIST] = "a list of",
		[CONFIG_DURATION] = "a duration (500ms, 30s, 5m, 1h, 1d)",
	};
	return names[t];
}

static bool enum_has(const char *values, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = values; p;) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);

		if (l == n && !strncmp(p, v, n))
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

static int parse_duration(const char *s, uint64_t *ret_ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 },
		      { "", 1000 } };
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		if (!strcmp(end, units[i].unit)) {
			if (v > UINT64_MAX / units[i].ms)
				return -ERANGE;
			*ret_ms = v * units[i].ms;
			return 0;
		}
	return -EINVAL;
}

static void strlist_done(StrList *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (StrList){ 0 };
}

static const char *scalar_text(const YNode *n)
{
	return n && n->type == Y_SCALAR ? n->value : NULL;
}

/* Set key k from n; errors are reported, not returned (except -ENOMEM). */
static int set_value(Loader *l, const ConfigKey *k, const YNode *n)
{
	void *field = (char *)l->cfg + k->offset;
	const char *s = scalar_text(n);

	switch (k->type) {
	case CONFIG_BOOL: {
		bool b;

		if (ydom_bool(n, &b) < 0) {
			lerr(l, n, "%s must be %s", k->key, type_name(k->type));
			return 0;
		}
		*(bool *)field = b;
		return 0;
	}
	case CONFIG_INT: {
		long long v;

		if (ydom_int(n, &v) < 0 || n->quoted) {
			lerr(l, n, "%s must be %s", k->key, type_name(k->type));
			return 0;
		}
		if (v < k->min || v > k->max) {
			lerr(l, n, "%s must be between %lld and %lld, not %lld", k->key, k->min,
			     k->max, v);
			return 0;
		}
		*(int64_t *)field = v;
		return 0;
	}
	case CONFIG_DOUBLE: {
		char *end;
		double v;

		if (!s || n->quoted || !*s) {
			lerr(l, n, "%s must be %s", k->key, type_name(k->type));
			return 0;
		}
		errno = 0;
		v = strtod(s, &end);
		if (errno || *end || !isfinite(v)) {
			lerr(l, n, "%s must be %s", k->key, type_name(k->type));
			return 0;
		}
		if (v < (double)k->min || v > (double)k->max) {
			lerr(l, n, "%s must be between %lld and %lld", k->key, k->min, k->max);
			return 0;
		}
		*(double *)field = v;
		return 0;
	}
	case CONFIG_STRING:
	case CONFIG_ENUM: {
		char *copy;

		if (!s) {
			lerr(l, n, "%s must be %s", k->key, type_name(CONFIG_STRING));
			return 0;
		}
		if (k->type == CONFIG_ENUM && !enum_has(k->values, s)) {
			lerr(l, n, "%s must be one of %s, not '%s'", k->key, k->values, s);
			return 0;
		}
		copy = strdup(s);
		if (!copy)
			return -ENOMEM;
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	}
	case CONFIG_LIST:
	case CONFIG_ENUM_LIST: {
		StrList nl = { 0 };
		const YNode *const *items = &n;
		size_t count = 1;

		if (n && n->type == Y_SEQ)
			items = (const YNode *const *)n->items, count = n->nitems;
		else if (!s) {
			lerr(l, n, "%s must be %s", k->key, type_name(CONFIG_LIST));
			return 0;
		}
		if (count > CONFIG_MAX_LIST) {
			lerr(l, n, "%s has more than %u items", k->key, CONFIG_MAX_LIST);
			return 0;
		}
		nl.v = new0(char *, count);
		if (!nl.v)
			return -ENOMEM;
		for (size_t i = 0; i < count; i++) {
			const char *t = scalar_text(items[i]);

			if (!t) {
				lerr(l, items[i], "%s: items must be strings", k->key);
				strlist_done(&nl);
				return 0;
			}
			if (k->type == CONFIG_ENUM_LIST && !enum_has(k->values, t)) {
				lerr(l, items[i], "%s: items must be one of %s, not '%s'", k->key,
				     k->values, t);
				strlist_done(&nl);
				return 0;
			}
			nl.v[i] = strdup(t);
			if (!nl.v[i]) {
				strlist_done(&nl);
				return -ENOMEM;
			}
			nl.n++;
		}
		strlist_done(field);
		*(StrList *)field = nl;
		return 0;
	}
	case CONFIG_DURATION: {
		uint64_t ms;

		if (!s || parse_duration(s, &ms) < 0) {
			lerr(l, n, "%s must be %s", k->key, type_name(k->type));
			return 0;
		}
		*(uint64_t *)field = ms;
		return 0;
	}
	case _CONFIG_TYPE_MAX:
		break;
	}
	return -EINVAL;
}

static bool is_null(const YNode *n)
{
	return !n || (n->type == Y_SCALAR && !n->quoted &&
		      (n->len == 0 || !strcmp(n->value, "~") || !strcmp(n->value, "null")));
}

/* Apply node n to the dotted key (a schema key or a section). */
static int apply(Loader *l, const char *key, const YNode *keynode, const YNode *n)
{
	const ConfigKey *k = config_find_key(key);
	char buf[128];
	const char *hint;

	if (k)
		return set_value(l, k, n);
	if (is_section(key)) {
		if (is_null(n))
			return 0; /* "metrics:" with nothing below */
		if (n->type != Y_MAP) {
			lerr(l, n, "%s must be a mapping", key);
			return 0;
		}
		for (size_t i = 0; i + 1 < n->nitems; i += 2) {
			const YNode *kn = n->items[i];
			_cleanup_free_ char *sub = NULL;
			int r;

			if (kn->type != Y_SCALAR) {
				lerr(l, kn, "keys must be strings");
				continue;
			}
			if (asprintf(&sub, "%s%s%s", key, *key ? "." : "", kn->value) < 0)
				return -ENOMEM;
			r = apply(l, sub, kn, n->items[i + 1]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	hint = suggest(key, buf, sizeof(buf));
	if (hint)
		lerr(l, keynode, "unknown key '%s' (did you mean '%s'?)", key, hint);
	else
		lerr(l, keynode, "unknown key '%s'", key);
	return 0;
}

static int apply_document(Loader *l, const YNode *root)
{
	if (is_null(root))
		return 0;
	if (root->type != Y_MAP) {
		lerr(l, root, "the configuration must be a mapping of keys to values");
		return 0;
	}
	/* the root is the section "" */
	for (size_t i = 0; i + 1 < root->nitems; i += 2) {
		const YNode *kn = root->items[i];
		int r;

		if (kn->type != Y_SCALAR) {
			lerr(l, kn, "keys must be strings");
			continue;
		}
		r = apply(l, kn->value, kn, root->items[i + 1]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	int r = read_full_file(path, CONFIG_MAX_FILE_BYTES, ret, ret_len);

	if (r > 0) {
		free(*ret);
		*ret = NULL;
		return -EFBIG;
	}
	return r;
}

static int apply_file(Loader *l, const char *path)
{
	_cleanup_free_ char *text = NULL, *err = NULL;
	_cleanup_(ydom_freep) YNode *root = NULL;
	size_t len = 0;
	int r;

	l->file = path;
	r = read_file(path, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		lerr(l, NULL, "cannot read: %s", r == -EFBIG ? "file too large" : strerror(-r));
		return 0;
	}
	r = ydom_parse(text, len, &root, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		unsigned line = 0, col = 0;
		const char *msg = err ? err : "malformed YAML";
		YNode pos = { 0 };

		/* ydom errors read "LINE:COL: problem" */
		if (err && sscanf(err, "%u:%u:", &line, &col) == 2) {
			const char *p = strchr(strchr(err, ':') + 1, ':');

			msg = p + 1 + (p[1] == ' ');
		}
		pos.line = line, pos.col = col;
		lerr(l, &pos, "%s", msg);
		return 0;
	}
	return apply_document(l, root);
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int yaml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

static int apply_dropins(Loader *l, const char *dir)
{
	struct dirent **names = NULL;
	int n, r = 0;

	n = scandir(dir, &names, yaml_name, cmp_names);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOMEM)
			return -ENOMEM;
		l->file = dir;
		lerr(l, NULL, "cannot read the drop-in directory: %s", strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = NULL;

		if (r < 0 || i >= CONFIG_MAX_DROPINS)
			goto next;
		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0) {
			r = -ENOMEM;
			goto next;
		}
		r = apply_file(l, path);
	next:
		free(names[i]);
	}
	if (n > CONFIG_MAX_DROPINS && r >= 0) {
		l->file = dir;
		lerr(l, NULL, "more than %u drop-in files", CONFIG_MAX_DROPINS);
	}
	free(names);
	return r;
}

static int apply_override(Loader *l, const char *o)
{
	_cleanup_free_ char *key = NULL, *err = NULL;
	_cleanup_(ydom_freep) YNode *v = NULL;
	const char *eq = strchr(o, '=');
	YNode empty = { .type = Y_SCALAR, .value = (char *)"", .quoted = true };
	int r;

	l->file = "-o";
	l->no_pos = true;
	if (!eq || eq == o) {
		lerr(l, NULL, "'%s': expected KEY=VALUE", o);
		return 0;
	}
	key = strndup(o, (size_t)(eq - o));
	if (!key)
		return -ENOMEM;
	r = ydom_parse(eq + 1, strlen(eq + 1), &v, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		lerr(l, NULL, "'%s': %s", o, err ? err : "malformed value");
		return 0;
	}
	if (!config_find_key(key) && !is_section(key)) {
		char buf[128];
		const char *hint = suggest(key, buf, sizeof(buf));

		if (hint)
			lerr(l, NULL, "unknown key '%s' (did you mean '%s'?)", key, hint);
		else
			lerr(l, NULL, "unknown key '%s'", key);
		return 0;
	}
	return apply(l, key, NULL, v ? v : &empty);
}

/* ---- the Config object -------------------------------------------------- */

Config *config_free(Config *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < config_schema_len; i++) {
		void *field = (char *)c + config_schema[i].offset;

		switch (config_schema[i].type) {
		case CONFIG_STRING:
		case CONFIG_ENUM:
			free(*(char **)field);
			break;
		case CONFIG_LIST:
		case CONFIG_ENUM_LIST:
			strlist_done(field);
			break;
		default:
			break;
		}
	}
	free(c);
	return NULL;
}

int config_new(Config **ret)
{
	_cleanup_(config_freep) Config *c = new0(Config, 1);
	Loader l = { .file = "(defaults)" };

	if (!c)
		return -ENOMEM;
	l.cfg = c;
	for (size_t i = 0; i < config_schema_len; i++) {
		_cleanup_(ydom_freep) YNode *n = NULL;
		_cleanup_free_ char *err = NULL;
		YNode empty = { .type = Y_SCALAR, .value = (char *)"", .quoted = true };
		int r;

		r = ydom_parse(config_schema[i].def, strlen(config_schema[i].def), &n, &err);
		if (r < 0)
			return r == -ENOMEM ? r : -EINVAL;
		r = set_value(&l, &config_schema[i], n ? n : &empty);
		if (r < 0)
			return r;
		if (l.nerrors > 0)
			return -EINVAL; /* a bad default: caught by the unit test */
	}
	*ret = TAKE_PTR(c);
	return 0;
}

int config_load(const char *main_path, const char *dropin_dir, char **overrides, size_t n,
		Config **ret, ConfigErrors *errors)
{
	_cleanup_(config_freep) Config *c = NULL;
	Loader l = { .errors = errors };
	int r;

	r = config_new(&c);
	if (r < 0)
		return r;
	l.cfg = c;
	if (main_path && (r = apply_file(&l, main_path)) < 0)
		return r;
	if (dropin_dir && (r = apply_dropins(&l, dropin_dir)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = apply_override(&l, overrides[i])) < 0)
			return r;
	if (l.oom)
		return -ENOMEM;
	if (l.nerrors > 0)
		return -EINVAL;
	*ret = TAKE_PTR(c);
	return 0;
}

/* ---- output ------------------------------------------------------------- */

static void put_string(FILE *f, const char *s)
{
	static const char *const reserved[] = { "true", "false", "yes", "no", "on", "off", "null",
						"~", "" };
	bool plain = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") ==
		     strlen(s) && s[0] != '-' && !(s[0] >= '0' && s[0] <= '9');

	for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
		if (!strcmp(s, reserved[i]))
			plain = false;
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void put_duration(FILE *f, uint64_t ms)
{
	if (ms == 0)
		fputs("0", f);
	else if (ms % 86400000 == 0)
		fprintf(f, "%llud", (unsigned long long)(ms / 86400000));
	else if (ms % 3600000 == 0)
		fprintf(f, "%lluh", (unsigned long long)(ms / 3600000));
	else if (ms % 60000 == 0)
		fprintf(f, "%llum", (unsigned long long)(ms / 60000));
	else if (ms % 1000 == 0)
		fprintf(f, "%llus", (unsigned long long)(ms / 1000));
	else
		fprintf(f, "%llums", (unsigned long long)ms);
}

static void put_value(FILE *f, const Config *c, const ConfigKey *k)
{
	const void *field = (const char *)c + k->offset;

	switch (k->type) {
	case CONFIG_BOOL:
		fputs(*(const bool *)field ? "true" : "false", f);
		break;
	case CONFIG_INT:
		fprintf(f, "%lld", (long long)*(const int64_t *)field);
		break;
	case CONFIG_DOUBLE:
		fprintf(f, "%.15g", *(const double *)field);
		break;
	case CONFIG_STRING:
	case CONFIG_ENUM:
		put_string(f, *(char *const *)field ? *(char *const *)field : "");
		break;
	case CONFIG_LIST:
	case CONFIG_ENUM_LIST: {
		const StrList *l = field;

		fputc('[', f);
		for (size_t i = 0; i < l->n; i++) {
			if (i)
				fputs(", ", f);
			put_string(f, l->v[i]);
		}
		fputc(']', f);
		break;
	}
	case CONFIG_DURATION:
		put_duration(f, *(const uint64_t *)field);
		break;
	case _CONFIG_TYPE_MAX:
		break;
	}
}

int config_dump(const Config *c, FILE *f)
{
	size_t seclen = 0;
	const char *sec = NULL;

	for (size_t i = 0; i < config_schema_len; i++) {
		const ConfigKey *k = &config_schema[i];
		const char *dot = strchr(k->key, '.');
		const char *leaf = dot ? dot + 1 : k->key;

		if (dot && (!sec || (size_t)(dot - k->key) != seclen || strncmp(sec, k->key, seclen))) {
			sec = k->key, seclen = (size_t)(dot - k->key);
			fprintf(f, "%.*s:\n", (int)seclen, sec);
		} else if (!dot) {
			sec = NULL;
		}
		fprintf(f, "%s# %s\n%s%s: ", dot ? "  " : "", k->desc, dot ? "  " : "", leaf);
		put_value(f, c, k);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

int config_schema_markdown(FILE *f)
{
	static const char *const tnames[_CONFIG_TYPE_MAX] = {
		[CONFIG_BOOL] = "bool",	       [CONFIG_INT] = "int",
		[CONFIG_DOUBLE] = "number",    [CONFIG_STRING] = "string",
		[CONFIG_ENUM] = "enum",	       [CONFIG_LIST] = "list",
		[CONFIG_ENUM_LIST] = "list",   [CONFIG_DURATION] = "duration",
	};

	fputs("| Key | Type | Default | Description |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < config_schema_len; i++) {
		const ConfigKey *k = &config_schema[i];

		fprintf(f, "| `%s` | %s | `%s` | %s", k->key, tnames[k->type], *k->def ? k->def : "\"\"",
			k->desc);
		if (k->values) {
			fputs(": ", f);
			for (const char *p = k->values; *p; p++) {
				if (*p == '|')
					fputs(", ", f);
				else
					fputc(*p, f);
			}
		}
		if (k->type == CONFIG_INT || (k->type == CONFIG_DOUBLE && k->max))
			fprintf(f, " (%lld–%lld)", k->min, k->max);
		fputs(" |\n", f);
	}
	return ferror(f) ? -EIO : 0;
}
