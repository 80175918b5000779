// SPDX-License-Identifier: MIT
/*
 * JSON-lines events: reader (text -> raw record + context) and writer
 * (decoded record -> text).  The grammar of one line:
 *
 *   line     := header | item
 *   header   := {"format":"saker-events", "version":1 [, "boot_ns":INT]}
 *   item     := { ["type":NAME, "ts":TIME, "tid":INT, "pid":INT, "cpu":INT,
 *                  "truncated":BOOL, "compat":BOOL, "args":{NAME:VALUE...}]
 *                 ["proc":PROC] ["fd":FD | "fds":[FD...]] ["container":CT]
 *                 ["users":[USER...]] ["groups":[GROUP...]] }
 *   TIME     := INT (ns) | "RFC 3339 time"
 *   VALUE    := per parameter type (docs/event-format.md), or
 *               {"faulted":true}, or {"hex":"..."} for raw bytes
 *
 * Everything is checked against the event table: unknown event types,
 * parameter names, flag names and malformed values are errors that name the
 * file, the line and the field.  Sizes are bounded (FIXTURE_MAX_*, the
 * parameter and record limits of the wire format, JSON depth).
 */
#include <errno.h>
#include <inttypes.h>
#include <libfastjson/json.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "event/event-info.h"
#include "event/fixture-internal.h"
#include "event/flags.h"
#include "event/sockaddr.h"
#include "state/container.h"

/* ---- errors ---- */

int fx_fail(FixtureReader *r, int err, const char *field, const char *fmt, ...)
{
	size_t size = sizeof(r->error);
	va_list ap;
	int n;

	if (field && *field)
		n = snprintf(r->error, size, "%s:%u: %s: ", r->filename, r->line, field);
	else
		n = snprintf(r->error, size, "%s:%u: ", r->filename, r->line);
	if (n < 0 || (size_t)n >= size)
		return err; /* truncated: the position is what matters most */
	va_start(ap, fmt);
	n = vsnprintf(r->error + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	(void)n;
	return err;
}

void fx_fmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	(void)r; /* field paths are cut at the buffer size, on purpose */
}

/* Field path "prefix.key" (or "prefix[i]") into buf. */
const char *fx_path(char *buf, size_t n, const char *prefix, const char *key)
{
	if (prefix && *prefix)
		fx_fmt(buf, n, "%s.%s", prefix, key);
	else
		fx_fmt(buf, n, "%s", key);
	return buf;
}

/* ---- reader lifetime ---- */

FixtureReader *fixture_reader_new(const char *filename)
{
	FixtureReader *r = new0(FixtureReader, 1);

	if (!r)
		return NULL;
	r->filename = strdup(filename ? filename : "<input>");
	r->tok = fjson_tokener_new_ex(FIXTURE_MAX_DEPTH);
	if (!r->filename || !r->tok)
		return fixture_reader_free(r);
	fjson_tokener_set_flags(r->tok, FJSON_TOKENER_STRICT);
	return r;
}

FixtureReader *fixture_reader_free(FixtureReader *r)
{
	if (!r)
		return NULL;
	if (r->tok)
		fjson_tokener_free(r->tok);
	free(r->filename);
	free(r);
	return NULL;
}

void fixture_reader_set_input(FixtureReader *r, const char *text, size_t len)
{
	r->text = text;
	r->len = len;
	r->off = 0;
}

const char *fixture_reader_error(const FixtureReader *r)
{
	return r->error;
}

unsigned fixture_reader_line(const FixtureReader *r)
{
	return r->line;
}

uint64_t fixture_reader_boot_ns(const FixtureReader *r)
{
	return r->boot_ns;
}

FixtureEvent *fixture_event_free(FixtureEvent *fe)
{
	size_t i;

	if (!fe)
		return NULL;
	free(fe->record);
	free(fe->procs);
	for (i = 0; i < fe->nfds; i++)
		free(fe->fds[i].name);
	free(fe->fds);
	if (fe->container) {
		free(fe->container->labels);
		free(fe->container);
	}
	free(fe->users);
	free(fe->groups);
	if (fe->json)
		fjson_object_put(fe->json);
	for (i = 0; i < fe->nowned; i++)
		free(fe->owned[i]);
	free(fe->owned);
	free(fe);
	return NULL;
}

/* Keep p alive as long as fe; returns p, or NULL (p freed) on ENOMEM. */
void *fx_own(FixtureEvent *fe, void *p)
{
	if (!p)
		return NULL;
	if (fe->nowned == fe->owned_cap) {
		size_t ncap = fe->owned_cap ? fe->owned_cap * 2 : 8;
		char **n = reallocarray(fe->owned, ncap, sizeof(*n));

		if (!n) {
			free(p);
			return NULL;
		}
		fe->owned = n;
		fe->owned_cap = ncap;
	}
	fe->owned[fe->nowned++] = p;
	return p;
}

/* ---- typed JSON values ---- */

const char *fx_type(JObj *v)
{
	switch (fjson_object_get_type(v)) {
	case fjson_type_null:
		return "null";
	case fjson_type_boolean:
		return "a boolean";
	case fjson_type_double:
		return "a fractional number";
	case fjson_type_int:
		return "a number";
	case fjson_type_object:
		return "an object";
	case fjson_type_array:
		return "an array";
	case fjson_type_string:
		return "a string";
	default:
		return "a value";
	}
}

JObj *fx_get(JObj *o, const char *key)
{
	JObj *v = NULL;

	if (!o || !fjson_object_is_type(o, fjson_type_object))
		return NULL;
	return fjson_object_object_get_ex(o, key, &v) ? v : NULL;
}

int fx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Bytes of a string value: a JSON string without NUL bytes, or {"hex":...}.
 * The result points into the JSON tree or into memory owned by fe.
 */
int fx_bytes(FixtureReader *r, FixtureEvent *fe, JObj *v, const char *field,
		   bool allow_nul, const char **ret, size_t *ret_len)
{
	if (fjson_object_is_type(v, fjson_type_string)) {
		const char *s = fjson_object_get_string(v);
		size_t n = (size_t)fjson_object_get_string_len(v);

		if (!allow_nul && memchr(s, 0, n))
			return fx_fail(r, -EINVAL, field,
				    "the string contains a NUL byte; write it as {\"hex\": ...}");
		*ret = s;
		*ret_len = n;
		return 0;
	}
	if (fjson_object_is_type(v, fjson_type_object) && fx_get(v, "hex") &&
	    fjson_object_object_length(v) == 1) {
		JObj *h = fx_get(v, "hex");
		const char *s;
		size_t n, i;
		char *out;

		if (!fjson_object_is_type(h, fjson_type_string))
			return fx_fail(r, -EINVAL, field, "\"hex\" must be a string");
		s = fjson_object_get_string(h);
		n = (size_t)fjson_object_get_string_len(h);
		if (n % 2)
			return fx_fail(r, -EINVAL, field, "odd number of hex digits");
		out = fx_own(fe, malloc(n / 2 + 1));
		if (!out)
			return -ENOMEM;
		for (i = 0; i < n; i += 2) {
			int hi = fx_hexval(s[i]), lo = fx_hexval(s[i + 1]);

			if (hi < 0 || lo < 0)
				return fx_fail(r, -EINVAL, field, "not a hex digit in \"%.2s\"", s + i);
			out[i / 2] = (char)(hi << 4 | lo);
		}
		out[n / 2] = 0;
		if (!allow_nul && memchr(out, 0, n / 2))
			return fx_fail(r, -EINVAL, field, "a NUL byte is not allowed here");
		*ret = out;
		*ret_len = n / 2;
		return 0;
	}
	return fx_fail(r, -EINVAL, field, "expected a string, got %s", fx_type(v));
}

/* A NUL-terminated string (see j_bytes). */
int fx_string(FixtureReader *r, FixtureEvent *fe, JObj *v, const char *field,
		    const char **ret)
{
	size_t n;

	return fx_bytes(r, fe, v, field, false, ret, &n);
}

static int parse_int_text(const char *s, bool is_signed, int64_t *sret, uint64_t *uret)
{
	char *end;

	errno = 0;
	if (is_signed) {
		*sret = strtoll(s, &end, 0);
	} else {
		if (strchr(s, '-'))
			return -ERANGE;
		*uret = strtoull(s, &end, 0);
	}
	if (end == s || *end)
		return -EINVAL;
	if (errno)
		return -ERANGE;
	return 0;
}

/* A signed integer in [min, max] (number, or numeric string). */
int fx_s64(FixtureReader *r, JObj *v, const char *field, int64_t min, int64_t max,
		 int64_t *ret)
{
	int64_t x;

	if (fjson_object_is_type(v, fjson_type_int)) {
		x = fjson_object_get_int64(v);
	} else if (fjson_object_is_type(v, fjson_type_string)) {
		uint64_t u;

		if (parse_int_text(fjson_object_get_string(v), true, &x, &u) < 0)
			return fx_fail(r, -EINVAL, field, "expected an integer, got \"%s\"",
				    fjson_object_get_string(v));
	} else {
		return fx_fail(r, -EINVAL, field, "expected an integer, got %s", fx_type(v));
	}
	if (x < min || x > max)
		return fx_fail(r, -ERANGE, field, "%" PRId64 " is out of range", x);
	*ret = x;
	return 0;
}

/* An unsigned integer up to max (numbers beyond int64 as strings). */
int fx_u64(FixtureReader *r, JObj *v, const char *field, uint64_t max, uint64_t *ret)
{
	uint64_t x;

	if (fjson_object_is_type(v, fjson_type_int)) {
		int64_t s = fjson_object_get_int64(v);

		if (s < 0)
			return fx_fail(r, -ERANGE, field, "%" PRId64 " is negative", s);
		x = (uint64_t)s;
	} else if (fjson_object_is_type(v, fjson_type_string)) {
		int64_t sx;

		if (parse_int_text(fjson_object_get_string(v), false, &sx, &x) < 0)
			return fx_fail(r, -EINVAL, field, "expected an unsigned integer, got \"%s\"",
				    fjson_object_get_string(v));
	} else {
		return fx_fail(r, -EINVAL, field, "expected an integer, got %s", fx_type(v));
	}
	if (x > max)
		return fx_fail(r, -ERANGE, field, "%" PRIu64 " is out of range", x);
	*ret = x;
	return 0;
}

/* A 32-bit id: -1 is accepted for the "unset" value 4294967295. */
int fx_id(FixtureReader *r, JObj *v, const char *field, uint32_t *ret)
{
	int64_t x;
	int rc = fx_s64(r, v, field, -1, UINT32_MAX, &x);

	if (rc < 0)
		return rc;
	*ret = (uint32_t)x;
	return 0;
}

int fx_bool(FixtureReader *r, JObj *v, const char *field, bool *ret)
{
	if (!fjson_object_is_type(v, fjson_type_boolean))
		return fx_fail(r, -EINVAL, field, "expected true or false, got %s", fx_type(v));
	*ret = fjson_object_get_boolean(v);
	return 0;
}

/* ns in the record's clock: INT, or an RFC 3339 string minus boot_ns. */
int fx_time(FixtureReader *r, JObj *v, const char *field, uint64_t *ret)
{
	uint64_t t;
	int rc;

	if (fjson_object_is_type(v, fjson_type_string)) {
		const char *s = fjson_object_get_string(v);

		if (*s && strspn(s, "0123456789") == strlen(s)) {
			rc = fx_u64(r, v, field, UINT64_MAX, &t);
			if (rc < 0)
				return rc;
		} else if (time_parse_rfc3339(s, &t) < 0) {
			return fx_fail(r, -EINVAL, field,
				    "\"%s\" is not a time (ns, or like 2026-11-30T08:00:00.000000000Z)",
				    s);
		}
	} else {
		rc = fx_u64(r, v, field, UINT64_MAX, &t);
		if (rc < 0)
			return rc;
	}
	if (t < r->boot_ns)
		return fx_fail(r, -ERANGE, field, "time is before the boot time of the header");
	*ret = t - r->boot_ns;
	return 0;
}

/* A wall-clock time in ns since the epoch: INT or an RFC 3339 string. */
int fx_walltime(FixtureReader *r, JObj *v, const char *field, uint64_t *ret)
{
	if (fjson_object_is_type(v, fjson_type_string) &&
	    time_parse_rfc3339(fjson_object_get_string(v), ret) == 0)
		return 0;
	return fx_u64(r, v, field, UINT64_MAX, ret);
}

/* Flag or enum names of set, or a number. */
int fx_flags(FixtureReader *r, JObj *v, const char *field, enum saker_fmt_set set,
		   const char *evname, uint64_t max, uint64_t *ret)
{
	const char *s;
	uint64_t x;
	int rc;

	if (fjson_object_is_type(v, fjson_type_int) || set == SAKER_FMT_NONE)
		return fx_u64(r, v, field, max, ret);
	if (!fjson_object_is_type(v, fjson_type_string))
		return fx_fail(r, -EINVAL, field, "expected flag names or a number, got %s", fx_type(v));
	s = fjson_object_get_string(v);
	rc = flags_parse_name(set, s, &x);
	if (rc == -ENOENT) {
		/* find the piece at fault for the message */
		const char *p = s;

		if (flags_is_enum(set))
			return fx_fail(r, -EINVAL, field, "unknown value '%s'%s%s", s,
				    evname ? " for " : "", evname ? evname : "");
		for (;;) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			char piece[128];
			uint64_t dummy;

			fx_fmt(piece, sizeof(piece), "%.*s", (int)MIN(n, sizeof(piece) - 1), p);
			if (flags_parse_name(set, piece, &dummy) < 0)
				return fx_fail(r, -EINVAL, field, "unknown flag '%s'%s%s", piece,
					    evname ? " for " : "", evname ? evname : "");
			if (!bar)
				break;
			p = bar + 1;
		}
		return fx_fail(r, -EINVAL, field, "invalid flags '%s'", s);
	}
	if (rc < 0)
		return fx_fail(r, rc, field, "cannot parse '%s'", s);
	if (x > max)
		return fx_fail(r, -ERANGE, field, "'%s' does not fit the parameter", s);
	*ret = x;
	return 0;
}

/* ---- args: encoding one parameter ---- */

typedef struct ParamSlot {
	size_t off, len;
	bool set, faulted;
} ParamSlot;

static int put(FixtureReader *r, ParamSlot *slot, const char *field, const void *data, size_t n,
	       bool nul)
{
	size_t total = n + (nul ? 1 : 0);

	if (total > SAKER_PARAM_MAX)
		return fx_fail(r, -E2BIG, field, "value too long (%zu bytes, at most %u)", total,
			    SAKER_PARAM_MAX);
	if (r->scratch_used + total > sizeof(r->scratch))
		return fx_fail(r, -E2BIG, NULL, "event too large (at most %u bytes)",
			    SAKER_EVENT_MAX_LEN);
	slot->off = r->scratch_used;
	slot->len = total;
	slot->set = true;
	if (n)
		memcpy(r->scratch + r->scratch_used, data, n);
	if (nul)
		r->scratch[r->scratch_used + n] = 0;
	r->scratch_used += total;
	return 0;
}

static int errno_from_name(const char *s, int64_t *ret)
{
	int64_t i;

	for (i = 1; i < 4096; i++) {
		const char *n = flags_errno_name(i);

		if (n && strcmp(n, s) == 0) {
			*ret = -i;
			return 0;
		}
	}
	return -ENOENT;
}

static int encode_sockaddr(FixtureReader *r, FixtureEvent *fe, JObj *v, const char *field,
			   ParamSlot *slot)
{
	uint8_t buf[2 + SK_UNIX_PATH_MAX + 8];
	SkSockaddr a = { 0 };
	int n;

	if (fjson_object_is_type(v, fjson_type_string)) {
		if (sk_sockaddr_parse(fjson_object_get_string(v), &a) < 0)
			return fx_fail(r, -EINVAL, field,
				    "\"%s\" is not an address (1.2.3.4:80, [::1]:22, /path, @name, "
				    "family:N)",
				    fjson_object_get_string(v));
	} else if (fjson_object_is_type(v, fjson_type_object) && fx_get(v, "family")) {
		char f2[160];
		uint64_t fam;
		int rc = fx_flags(r, fx_get(v, "family"), fx_path(f2, sizeof(f2), field, "family"),
				 SAKER_FMT_SOCK_FAMILY, NULL, 0xffff, &fam);

		if (rc < 0)
			return rc;
		a.family = (uint16_t)fam;
		if (fx_get(v, "path")) {
			rc = fx_bytes(r, fe, fx_get(v, "path"), fx_path(f2, sizeof(f2), field, "path"),
				     false, &a.path, &a.path_len);
			if (rc < 0)
				return rc;
			if (a.family != SAKER_AF_UNIX)
				return fx_fail(r, -EINVAL, field, "\"path\" needs family AF_UNIX");
		}
		if (a.family == SAKER_AF_INET || a.family == SAKER_AF_INET6)
			return fx_fail(r, -EINVAL, field, "write inet addresses as \"1.2.3.4:80\"");
	} else {
		return fx_fail(r, -EINVAL, field, "expected an address string, got %s", fx_type(v));
	}
	n = sk_sockaddr_encode(&a, buf, sizeof(buf));
	if (n < 0)
		return fx_fail(r, -E2BIG, field, "unix path too long (at most %d bytes)",
			    SK_UNIX_PATH_MAX);
	return put(r, slot, field, buf, (size_t)n, false);
}

int fx_tuple_value(FixtureReader *r, JObj *v, const char *field, SkTuple *t)
{
	JObj *tv = v, *proto = NULL;
	const char *s;

	if (fjson_object_is_type(v, fjson_type_object)) {
		tv = fx_get(v, "tuple");
		proto = fx_get(v, "proto");
		if (!tv)
			return fx_fail(r, -EINVAL, field, "expected {\"tuple\": ..., \"proto\": ...}");
	}
	if (!fjson_object_is_type(tv, fjson_type_string))
		return fx_fail(r, -EINVAL, field, "expected a tuple string, got %s", fx_type(tv));
	s = fjson_object_get_string(tv);
	if (sk_tuple_parse(s, t) < 0)
		return fx_fail(r, -EINVAL, field,
			    "\"%s\" is not a tuple (10.0.0.1:40000->1.2.3.4:443, "
			    "[::1]:40000->[::1]:22, or unix \"ADDR->ADDR /path\")",
			    s);
	if (t->family != SAKER_AF_UNIX)
		t->l4proto = IPPROTO_TCP;
	if (proto) {
		char f2[160];

		fx_path(f2, sizeof(f2), field, "proto");
		if (fjson_object_is_type(proto, fjson_type_string)) {
			int p = sk_l4proto_from_name(fjson_object_get_string(proto));

			if (p < 0)
				return fx_fail(r, -EINVAL, f2, "unknown protocol '%s' (tcp, udp, icmp, raw)",
					    fjson_object_get_string(proto));
			t->l4proto = (uint8_t)p;
		} else {
			uint64_t x;
			int rc = fx_u64(r, proto, f2, 255, &x);

			if (rc < 0)
				return rc;
			t->l4proto = (uint8_t)x;
		}
	}
	return 0;
}

static int encode_param(FixtureReader *r, FixtureEvent *fe, const struct event_info *info,
			unsigned idx, JObj *v, const char *field, ParamSlot *slot)
{
	const struct param_info *pi = &info->params[idx];
	size_t fixed = param_type_size(pi->type);
	uint8_t buf[8];
	uint64_t u = 0;
	int64_t s = 0;
	int rc;

	if (fjson_object_is_type(v, fjson_type_null))
		return 0; /* empty */
	if (fjson_object_is_type(v, fjson_type_object) && fx_get(v, "faulted")) {
		bool f;

		rc = fx_bool(r, fx_get(v, "faulted"), field, &f);
		if (rc < 0)
			return rc;
		if (fjson_object_object_length(v) != 1)
			return fx_fail(r, -EINVAL, field, "{\"faulted\": true} takes no other keys");
		slot->faulted = f;
		return 0;
	}
	if (fjson_object_is_type(v, fjson_type_object) && fx_get(v, "hex") && pi->type != SAKER_PT_PATH &&
	    pi->type != SAKER_PT_ABSPATH && pi->type != SAKER_PT_STR) {
		const char *str;
		size_t bn;

		/* raw payload bytes, for values the text forms cannot carry */
		rc = fx_bytes(r, fe, v, field, true, &str, &bn);
		if (rc < 0)
			return rc;
		return put(r, slot, field, str, bn, false);
	}
	switch (pi->type) {
	case SAKER_PT_S64:
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_ERRNO:
		if (fjson_object_is_type(v, fjson_type_string) &&
		    errno_from_name(fjson_object_get_string(v), &s) == 0)
			rc = 0;
		else
			rc = fx_s64(r, v, field, INT64_MIN, INT64_MAX, &s);
		u = (uint64_t)s;
		break;
	case SAKER_PT_S32:
		rc = fx_s64(r, v, field, INT32_MIN, INT32_MAX, &s);
		u = (uint64_t)(uint32_t)(int32_t)s;
		break;
	case SAKER_PT_UID:
	case SAKER_PT_GID: {
		uint32_t id;

		rc = fx_id(r, v, field, &id);
		u = id;
		break;
	}
	case SAKER_PT_U16:
		rc = fx_u64(r, v, field, UINT16_MAX, &u);
		break;
	case SAKER_PT_U32:
	case SAKER_PT_DEV:
		rc = fx_u64(r, v, field, UINT32_MAX, &u);
		break;
	case SAKER_PT_U64:
	case SAKER_PT_INO:
	case SAKER_PT_NSTIME:
		rc = fx_u64(r, v, field, UINT64_MAX, &u);
		break;
	case SAKER_PT_MODE:
		if (fjson_object_is_type(v, fjson_type_string)) {
			const char *t = fjson_object_get_string(v);
			char *end;

			errno = 0;
			u = strtoull(t, &end, 8);
			if (!*t || *end || errno || u > UINT32_MAX || strchr(t, '-'))
				return fx_fail(r, -EINVAL, field, "\"%s\" is not an octal mode", t);
			rc = 0;
		} else {
			rc = fx_u64(r, v, field, UINT32_MAX, &u);
		}
		break;
	case SAKER_PT_FLAGS32:
	case SAKER_PT_ENUM32:
	case SAKER_PT_SIG:
		rc = fx_flags(r, v, field, pi->fmt, info->name, UINT32_MAX, &u);
		break;
	case SAKER_PT_FLAGS64:
		rc = fx_flags(r, v, field, pi->fmt, info->name, UINT64_MAX, &u);
		break;
	case SAKER_PT_PATH:
	case SAKER_PT_ABSPATH:
	case SAKER_PT_STR: {
		/* raw bytes may hold anything the wire does; JSON text no NUL */
		bool raw = fjson_object_is_type(v, fjson_type_object);
		const char *str;
		size_t n;

		rc = fx_bytes(r, fe, v, field, raw, &str, &n);
		if (rc < 0)
			return rc;
		return put(r, slot, field, str, n, true);
	}
	case SAKER_PT_BYTES: {
		const char *str;
		size_t n;

		rc = fx_bytes(r, fe, v, field, true, &str, &n);
		if (rc < 0)
			return rc;
		return put(r, slot, field, str, n, false);
	}
	case SAKER_PT_STRARR: {
		size_t start = r->scratch_used, total = 0;
		int i, n;

		if (!fjson_object_is_type(v, fjson_type_array))
			return fx_fail(r, -EINVAL, field, "expected an array of strings, got %s",
				    fx_type(v));
		n = fjson_object_array_length(v);
		if (n > FIXTURE_MAX_STRARR)
			return fx_fail(r, -E2BIG, field, "more than %d strings", FIXTURE_MAX_STRARR);
		for (i = 0; i < n; i++) {
			char f2[160];
			ParamSlot one = { 0 };
			const char *str;
			size_t bn;

			fx_fmt(f2, sizeof(f2), "%s[%d]", field, i);
			rc = fx_bytes(r, fe, fjson_object_array_get_idx(v, i), f2, false, &str, &bn);
			if (rc < 0)
				return rc;
			rc = put(r, &one, f2, str, bn, true);
			if (rc < 0)
				return rc;
			total += one.len;
			if (total > SAKER_PARAM_MAX)
				return fx_fail(r, -E2BIG, field, "strings too long (at most %u bytes)",
					    SAKER_PARAM_MAX);
		}
		slot->off = start;
		slot->len = total;
		slot->set = true;
		return 0;
	}
	case SAKER_PT_SOCKADDR:
		return encode_sockaddr(r, fe, v, field, slot);
	case SAKER_PT_TUPLE: {
		uint8_t tb[64 + SK_UNIX_PATH_MAX];
		SkTuple t;
		int n;

		rc = fx_tuple_value(r, v, field, &t);
		if (rc < 0)
			return rc;
		n = sk_tuple_encode(&t, tb, sizeof(tb));
		if (n < 0)
			return fx_fail(r, -EINVAL, field, "cannot encode this tuple");
		return put(r, slot, field, tb, (size_t)n, false);
	}
	default:
		return fx_fail(r, -EINVAL, field, "parameter type %s cannot be written",
			    param_type_name(pi->type));
	}
	if (rc < 0)
		return rc;
	memcpy(buf, &u, fixed); /* little-endian: the low bytes */
	return put(r, slot, field, buf, fixed, false);
}

/* Build the record from the event keys of root. */
static int encode_event(FixtureReader *r, FixtureEvent *fe, JObj *root, int64_t tid, int64_t pid)
{
	ParamSlot slots[SAKER_MAX_PARAMS] = { { 0 } };
	const struct event_info *info = NULL;
	struct saker_event_hdr h = { 0 };
	JObj *v, *args;
	const char *name;
	size_t total, off, i;
	bool faulted = false;
	int type, rc;

	v = fx_get(root, "type");
	if (!fjson_object_is_type(v, fjson_type_string))
		return fx_fail(r, -EINVAL, "type", "expected an event name, got %s", fx_type(v));
	name = fjson_object_get_string(v);
	for (type = 0; type < SAKER_EVT_MAX; type++) {
		info = event_info_get((unsigned)type);
		if (strcmp(info->name, name) == 0)
			break;
	}
	if (type == SAKER_EVT_MAX || type == SAKER_EVT_NONE || type == SAKER_EVT_PAD)
		return fx_fail(r, -EINVAL, "type", "unknown event type '%s'", name);
	if (tid <= 0 && pid <= 0)
		return fx_fail(r, -EINVAL, NULL, "an event needs \"tid\" or \"pid\" (or proc.pid)");
	if (tid <= 0)
		tid = pid;
	if (pid <= 0)
		pid = tid;
	if (tid > UINT32_MAX || pid > UINT32_MAX)
		return fx_fail(r, -ERANGE, "tid", "thread ids are 32-bit");
	h.tid = (uint32_t)tid;
	h.pid = (uint32_t)pid;
	h.type = (uint16_t)type;

	if ((v = fx_get(root, "ts"))) {
		uint64_t ts;

		rc = fx_time(r, v, "ts", &ts);
		if (rc < 0)
			return rc;
		h.ts = ts;
	} else {
		h.ts = r->last_ts + 1000; /* 1 us after the previous event */
	}
	r->last_ts = h.ts;
	if ((v = fx_get(root, "cpu"))) {
		uint64_t cpu;

		rc = fx_u64(r, v, "cpu", UINT16_MAX, &cpu);
		if (rc < 0)
			return rc;
		h.cpu = (uint16_t)cpu;
	}
	if ((v = fx_get(root, "truncated"))) {
		bool b;

		rc = fx_bool(r, v, "truncated", &b);
		if (rc < 0)
			return rc;
		if (b)
			h.flags |= SAKER_EF_TRUNCATED;
	}
	if ((v = fx_get(root, "compat"))) {
		bool b;

		rc = fx_bool(r, v, "compat", &b);
		if (rc < 0)
			return rc;
		if (b)
			h.flags |= SAKER_EF_COMPAT;
	}

	r->scratch_used = 0;
	args = fx_get(root, "args");
	if (args && !fjson_object_is_type(args, fjson_type_object))
		return fx_fail(r, -EINVAL, "args", "expected an object, got %s", fx_type(args));
	if (args) {
		struct fjson_object_iterator it = fjson_object_iter_begin(args);
		struct fjson_object_iterator end = fjson_object_iter_end(args);

		for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
			const char *key = fjson_object_iter_peek_name(&it);
			int idx = event_param_index(info, key);
			char field[160];

			fx_fmt(field, sizeof(field), "args.%s", key);
			if (idx < 0) {
				StrBuf known = { .limit = 1024 };

				for (i = 0; i < info->nparams; i++)
					strbuf_printf(&known, "%s%s", i ? " " : "",
						      info->params[i].name);
				rc = fx_fail(r, -EINVAL, field, "%s has no parameter '%s' (it has: %s)",
					  info->name, key, strbuf_str(&known));
				strbuf_done(&known);
				return rc;
			}
			rc = encode_param(r, fe, info, (unsigned)idx, fjson_object_iter_peek_value(&it),
					  field, &slots[idx]);
			if (rc < 0)
				return rc;
			faulted |= slots[idx].faulted;
		}
	}
	if (faulted)
		h.flags |= SAKER_EF_FAULTED;

	h.nparams = (uint16_t)info->nparams;
	off = sizeof(h) + 2u * info->nparams;
	total = off + r->scratch_used;
	total = ALIGN_TO(total, (size_t)SAKER_EVENT_ALIGN);
	if (total > SAKER_EVENT_MAX_LEN)
		return fx_fail(r, -E2BIG, NULL, "event too large (%zu bytes, at most %u)", total,
			    SAKER_EVENT_MAX_LEN);
	h.len = (uint32_t)total;
	fe->record = calloc(1, total);
	if (!fe->record)
		return -ENOMEM;
	memcpy(fe->record, &h, sizeof(h));
	for (i = 0; i < info->nparams; i++) {
		uint16_t w = slots[i].faulted ? SAKER_PARAM_FAULT : (uint16_t)slots[i].len;

		memcpy(fe->record + sizeof(h) + 2 * i, &w, 2);
		if (!slots[i].faulted && slots[i].len) {
			memcpy(fe->record + off, r->scratch + slots[i].off, slots[i].len);
			off += slots[i].len;
		}
	}
	fe->record_len = total;
	rc = sk_event_decode(fe->record, total, &fe->evt);
	if (rc < 0)
		return fx_fail(r, rc, NULL, "internal error: the encoded %s record does not decode",
			    info->name);
	fe->has_event = true;
	return 0;
}

/* ---- lines ---- */

static int parse_header(FixtureReader *r, JObj *root)
{
	struct fjson_object_iterator it = fjson_object_iter_begin(root);
	struct fjson_object_iterator end = fjson_object_iter_end(root);
	JObj *v = fx_get(root, "format");
	int64_t ver;
	int rc;

	if (!fjson_object_is_type(v, fjson_type_string) ||
	    strcmp(fjson_object_get_string(v), "saker-events") != 0)
		return fx_fail(r, -EINVAL, "format", "expected \"saker-events\"");
	v = fx_get(root, "version");
	if (!v)
		return fx_fail(r, -EINVAL, "version", "missing");
	rc = fx_s64(r, v, "version", 0, INT32_MAX, &ver);
	if (rc < 0)
		return rc;
	if (ver != 1)
		return fx_fail(r, -EPROTONOSUPPORT, "version",
			    "version %" PRId64 " is not supported (this saker reads version 1)", ver);
	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);

		if (strcmp(k, "format") && strcmp(k, "version") && strcmp(k, "boot_ns") &&
		    strcmp(k, "comment"))
			return fx_fail(r, -EINVAL, k, "unknown header field '%s'", k);
	}
	if ((v = fx_get(root, "boot_ns"))) {
		uint64_t b;

		rc = fx_u64(r, v, "boot_ns", UINT64_MAX, &b);
		if (rc < 0)
			return rc;
		r->boot_ns = b;
	}
	return 0;
}

static const char *const top_keys[] = {
	"type", "ts",  "tid",	    "pid",   "cpu",   "truncated", "compat",
	"args", "proc", "fd",	    "fds",   "container", "users", "groups",
};

static int parse_root(FixtureReader *r, FixtureEvent *fe, JObj *root)
{
	struct fjson_object_iterator it = fjson_object_iter_begin(root);
	struct fjson_object_iterator end = fjson_object_iter_end(root);
	int64_t tid = 0, pid = 0;
	JObj *v, *proc;
	bool any = false;
	size_t i;
	int rc;

	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);
		bool known = false;

		for (i = 0; i < ELEMENTSOF(top_keys) && !known; i++)
			known = strcmp(k, top_keys[i]) == 0;
		if (!known)
			return fx_fail(r, -EINVAL, k, "unknown key '%s'", k);
	}
	if ((v = fx_get(root, "tid")) && (rc = fx_s64(r, v, "tid", 1, UINT32_MAX, &tid)) < 0)
		return rc;
	if ((v = fx_get(root, "pid")) && (rc = fx_s64(r, v, "pid", 1, UINT32_MAX, &pid)) < 0)
		return rc;
	proc = fx_get(root, "proc");
	if (proc && fjson_object_is_type(proc, fjson_type_object) && !tid && !pid) {
		/* the event's thread defaults to the one "proc" describes */
		if ((v = fx_get(proc, "tid")) && (rc = fx_s64(r, v, "proc.tid", 1, UINT32_MAX, &tid)) < 0)
			return rc;
		if ((v = fx_get(proc, "pid")) && (rc = fx_s64(r, v, "proc.pid", 1, UINT32_MAX, &pid)) < 0)
			return rc;
	}
	if (fx_get(root, "type")) {
		rc = encode_event(r, fe, root, tid, pid);
		if (rc < 0)
			return rc;
		tid = fe->evt.tid;
		pid = fe->evt.pid;
		any = true;
	} else {
		static const char *const event_only[] = { "ts", "cpu", "truncated", "compat",
							  "args" };

		for (i = 0; i < ELEMENTSOF(event_only); i++)
			if (fx_get(root, event_only[i]))
				return fx_fail(r, -EINVAL, event_only[i], "only valid with \"type\"");
	}
	if ((v = fx_get(root, "container"))) {
		rc = fx_parse_container(r, fe, v);
		if (rc < 0)
			return rc;
		any = true;
	}
	if (proc) {
		rc = fx_parse_procs(r, fe, proc, tid, pid);
		if (rc < 0)
			return rc;
		any = true;
	}
	if (fe->container && (tid > 0 || pid > 0)) {
		/* the line's thread runs in the line's container, unless told otherwise */
		ProcSnapshot *self;

		if (!fe->procs) {
			fe->procs = new0(ProcSnapshot, 1);
			if (!fe->procs)
				return -ENOMEM;
			fe->nprocs = 1;
			fe->procs[0].tid = tid > 0 ? tid : pid;
			fe->procs[0].pid = pid > 0 ? pid : tid;
			fe->procs[0].set = PS_PID;
		}
		self = &fe->procs[fe->nprocs - 1];
		if (!(self->set & PS_CONTAINER_ID)) {
			self->container_id = fe->container->full_id;
			self->set |= PS_CONTAINER_ID;
		}
	}
	if (fx_get(root, "fd") || fx_get(root, "fds")) {
		if (tid <= 0 && pid <= 0)
			return fx_fail(r, -EINVAL, fx_get(root, "fd") ? "fd" : "fds",
				    "fds need a thread (\"tid\"/\"pid\" or \"proc\")");
		fe->fd_tid = tid > 0 ? tid : pid;
		fe->fd_pid = pid > 0 ? pid : tid;
		if (fe->nprocs) {
			fe->fd_tid = fe->procs[fe->nprocs - 1].tid;
			fe->fd_pid = fe->procs[fe->nprocs - 1].pid;
		}
		rc = fx_parse_fds(r, fe, root);
		if (rc < 0)
			return rc;
		any = true;
	}
	if ((v = fx_get(root, "users"))) {
		rc = fx_parse_users(r, fe, v, false);
		if (rc < 0)
			return rc;
		any = true;
	}
	if ((v = fx_get(root, "groups"))) {
		rc = fx_parse_users(r, fe, v, true);
		if (rc < 0)
			return rc;
		any = true;
	}
	if (!any)
		return fx_fail(r, -EINVAL, NULL, "the line has neither \"type\" nor any context");
	return 0;
}

/* Whether line[0..off) alone is a complete JSON value (for a better message). */
static bool complete_before(FixtureReader *r, const char *line, int off)
{
	enum fjson_tokener_error jerr;
	JObj *o;

	if (off <= 0)
		return false;
	fjson_tokener_reset(r->tok);
	o = fjson_tokener_parse_ex(r->tok, line, off);
	jerr = fjson_tokener_get_error(r->tok);
	if (o)
		fjson_object_put(o);
	return jerr == fjson_tokener_success && o;
}

int fixture_reader_parse_line(FixtureReader *r, const char *line, size_t len, FixtureEvent **ret)
{
	_cleanup_(fixture_event_freep) FixtureEvent *fe = NULL;
	enum fjson_tokener_error jerr;
	JObj *root;
	size_t i;
	int rc;

	*ret = NULL;
	r->line++;
	r->error[0] = 0;
	if (len > FIXTURE_MAX_LINE)
		return fx_fail(r, -E2BIG, NULL, "line longer than %u bytes", FIXTURE_MAX_LINE);
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == len || line[i] == '#')
		return 0;
	if (memchr(line, 0, len))
		return fx_fail(r, -EINVAL, NULL, "the line contains a NUL byte");

	fjson_tokener_reset(r->tok);
	root = fjson_tokener_parse_ex(r->tok, line, (int)len);
	jerr = fjson_tokener_get_error(r->tok);
	if (jerr != fjson_tokener_success || !root) {
		if (root)
			fjson_object_put(root);
		if (jerr == fjson_tokener_continue)
			return fx_fail(r, -EINVAL, NULL, "invalid JSON: the object is not closed");
		if (complete_before(r, line, r->tok->char_offset))
			return fx_fail(r, -EINVAL, NULL,
				       "invalid JSON at column %d: text after the object (one object "
				       "per line)",
				       r->tok->char_offset + 1);
		return fx_fail(r, -EINVAL, NULL, "invalid JSON at column %d: %s",
			    r->tok->char_offset + 1, fjson_tokener_error_desc(jerr));
	}
	if ((size_t)r->tok->char_offset < len) {
		fjson_object_put(root);
		return fx_fail(r, -EINVAL, NULL,
			    "invalid JSON at column %d: text after the object (one object per line)",
			    r->tok->char_offset + 1);
	}
	if (!fjson_object_is_type(root, fjson_type_object)) {
		fjson_object_put(root);
		return fx_fail(r, -EINVAL, NULL, "expected a JSON object");
	}
	if (fx_get(root, "format")) {
		rc = parse_header(r, root);
		fjson_object_put(root);
		return rc < 0 ? rc : 0;
	}
	fe = new0(FixtureEvent, 1);
	if (!fe) {
		fjson_object_put(root);
		return -ENOMEM;
	}
	fe->line = r->line;
	fe->json = root;
	rc = parse_root(r, fe, root);
	if (rc == -ENOMEM && !r->error[0])
		fx_fail(r, rc, NULL, "out of memory");
	if (rc < 0)
		return rc;
	*ret = TAKE_PTR(fe);
	return 1;
}

int fixture_reader_next(FixtureReader *r, FixtureEvent **ret)
{
	*ret = NULL;
	while (r->text && r->off < r->len) {
		const char *start = r->text + r->off;
		const char *nl = memchr(start, '\n', r->len - r->off);
		size_t n = nl ? (size_t)(nl - start) : r->len - r->off;
		int rc;

		r->off += n + (nl ? 1 : 0);
		rc = fixture_reader_parse_line(r, start, n, ret);
		if (rc != 0)
			return rc;
	}
	return 0;
}

