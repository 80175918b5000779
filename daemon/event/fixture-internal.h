/* SPDX-License-Identifier: MIT */
/*
 * Shared between the parts of the JSON-lines reader (fixture.c: lines and
 * event records, fixture-context.c: process/fd/container context): the
 * reader state and the typed JSON value accessors, which all report errors as
 * "FILE:LINE: FIELD: MESSAGE" through fx_fail().
 */
#ifndef SAKER_FIXTURE_INTERNAL_H
#define SAKER_FIXTURE_INTERNAL_H

#include <libfastjson/json.h>

#include "event/fixture.h"
#include "event/sockaddr.h"

struct FixtureReader {
	char *filename;
	const char *text;
	size_t len, off;
	unsigned line;
	uint64_t boot_ns;
	uint64_t last_ts;
	struct fjson_tokener *tok;
	char error[FIXTURE_MAX_ERROR];
	/* parameter bytes of the event being encoded */
	uint8_t scratch[SAKER_EVENT_MAX_LEN];
	size_t scratch_used;
};

typedef struct fjson_object JObj;

int fx_fail(FixtureReader *r, int err, const char *field, const char *fmt, ...) _printf_(4, 5);
/* snprintf for field paths and names, truncating silently. */
void fx_fmt(char *buf, size_t n, const char *fmt, ...) _printf_(3, 4);
/* "prefix.key" (or "key") into buf. */
const char *fx_path(char *buf, size_t n, const char *prefix, const char *key);
/* Keep p alive as long as fe; returns p, or NULL (p freed) on ENOMEM. */
void *fx_own(FixtureEvent *fe, void *p);
/* "a string", "an object"...: for messages. */
const char *fx_type(JObj *v);
/* Member key of object o, or NULL (also when o is not an object). */
JObj *fx_get(JObj *o, const char *key);
int fx_hexval(char c);
/*
 * Bytes of a string value: a JSON string, or {"hex": "..."}; NUL bytes only
 * with allow_nul.  Points into the JSON tree or into memory owned by fe.
 */
int fx_bytes(FixtureReader *r, FixtureEvent *fe, JObj *v, const char *field, bool allow_nul,
	     const char **ret, size_t *ret_len);
/* A NUL-terminated string (see fx_bytes). */
int fx_string(FixtureReader *r, FixtureEvent *fe, JObj *v, const char *field, const char **ret);
/* Integers from numbers or numeric strings, range-checked. */
int fx_s64(FixtureReader *r, JObj *v, const char *field, int64_t min, int64_t max, int64_t *ret);
int fx_u64(FixtureReader *r, JObj *v, const char *field, uint64_t max, uint64_t *ret);
/* A 32-bit uid/gid; -1 stands for 4294967295. */
int fx_id(FixtureReader *r, JObj *v, const char *field, uint32_t *ret);
int fx_bool(FixtureReader *r, JObj *v, const char *field, bool *ret);
/* An event-clock time (ns or RFC 3339, minus the header's boot_ns). */
int fx_time(FixtureReader *r, JObj *v, const char *field, uint64_t *ret);
/* A wall-clock time (ns since the epoch or RFC 3339). */
int fx_walltime(FixtureReader *r, JObj *v, const char *field, uint64_t *ret);
/* Flag or enum names of set ("O_RDONLY|O_CLOEXEC"), or a number up to max. */
int fx_flags(FixtureReader *r, JObj *v, const char *field, enum saker_fmt_set set,
	     const char *evname, uint64_t max, uint64_t *ret);
/* "A->B" or {"tuple": "A->B", "proto": "udp"}. */
int fx_tuple_value(FixtureReader *r, JObj *v, const char *field, SkTuple *t);

/* Context parsers (fixture-context.c). */
int fx_parse_procs(FixtureReader *r, FixtureEvent *fe, JObj *proc, int64_t tid, int64_t pid);
int fx_parse_fds(FixtureReader *r, FixtureEvent *fe, JObj *root);
int fx_parse_container(FixtureReader *r, FixtureEvent *fe, JObj *o);
int fx_parse_users(FixtureReader *r, FixtureEvent *fe, JObj *v, bool groups);

#endif /* SAKER_FIXTURE_INTERNAL_H */
