/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks for the guest test programs: PASS:/FAIL: lines the harness counts,
 * a capture session (open, select, start, collect) and lookups of the
 * records the test's own thread produced.  Header-only; each t-*.c is one
 * program linked with reader.c.
 */
#ifndef SAKER_TEST_CHECK_H
#define SAKER_TEST_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "reader.h"

static int t_failures;

static inline void t_pass(const char *name)
{
	printf("PASS: %s\n", name);
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline void t_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	t_failures++;
}

/* Exit status of the program. */
static inline int t_done(void)
{
	return t_failures ? 1 : 0;
}

static inline pid_t t_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

struct t_session {
	struct saker_reader r;
	struct saker_evlist l;
	pid_t tid;
};

/* Open the device, select every event type and start capturing. */
static inline int t_start(struct t_session *s, const char *name)
{
	int err;

	memset(&s->l, 0, sizeof(s->l));
	s->tid = t_gettid();
	err = saker_reader_open(&s->r);
	if (err) {
		t_fail(name, "%s", s->r.why);
		return err;
	}
	err = saker_reader_select_all(&s->r);
	if (!err)
		err = saker_reader_start(&s->r);
	if (err) {
		t_fail(name, "select/start: %s", strerror(-err));
		saker_reader_close(&s->r);
	}
	return err;
}

static inline int t_by_ts(const void *a, const void *b)
{
	const struct saker_event_hdr *x = *(const struct saker_event_hdr *const *)a;
	const struct saker_event_hdr *y = *(const struct saker_event_hdr *const *)b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/*
 * Stop capturing and collect every record, oldest first (the rings are
 * per CPU: a thread that migrated has its records in several); false when
 * a ring is corrupt.
 */
static inline bool t_collect(struct t_session *s, const char *name)
{
	saker_reader_stop(&s->r);
	if (saker_reader_collect(&s->r, &s->l) < 0) {
		t_fail(name, "ring: %s", s->r.why);
		return false;
	}
	qsort(s->l.ev, s->l.n, sizeof(*s->l.ev), t_by_ts);
	return true;
}

static inline void t_end(struct t_session *s)
{
	saker_evlist_free(&s->l);
	saker_reader_close(&s->r);
}

/*
 * The first record of @type from thread @tid (0: any) whose parameter
 * @param is the string @value (@param NULL: any), or NULL.
 */
static inline const struct saker_event_hdr *
t_find_tid(struct t_session *s, pid_t tid, int type, const char *param,
	   const char *value)
{
	size_t i;

	for (i = 0; i < s->l.n; i++) {
		const struct saker_event_hdr *h = s->l.ev[i];

		if (h->type != type || (tid && (pid_t)h->tid != tid))
			continue;
		if (param && strcmp(saker_param_str(h, param), value))
			continue;
		return h;
	}
	return NULL;
}

static inline const struct saker_event_hdr *
t_find(struct t_session *s, int type, const char *param, const char *value)
{
	return t_find_tid(s, s->tid, type, param, value);
}

/* Compare an integer parameter; prints FAIL and returns false on mismatch. */
static inline bool t_int(const char *name, const struct saker_event_hdr *h,
			 const char *param, int64_t want)
{
	int64_t got = saker_param_int(h, param);

	if (saker_param_faulted(h, param)) {
		t_fail(name, "%s.%s faulted, want %lld", saker_event_name(h->type),
		       param, (long long)want);
		return false;
	}
	if (got != want) {
		t_fail(name, "%s.%s = %lld, want %lld", saker_event_name(h->type),
		       param, (long long)got, (long long)want);
		return false;
	}
	return true;
}

/* Compare a string parameter. */
static inline bool t_str(const char *name, const struct saker_event_hdr *h,
			 const char *param, const char *want)
{
	const char *got = saker_param_str(h, param);

	if (saker_param_faulted(h, param)) {
		t_fail(name, "%s.%s faulted, want \"%s\"",
		       saker_event_name(h->type), param, want);
		return false;
	}
	if (strcmp(got, want)) {
		t_fail(name, "%s.%s = \"%s\", want \"%s\"",
		       saker_event_name(h->type), param, got, want);
		return false;
	}
	return true;
}

/* A parameter that must be marked faulted. */
static inline bool t_faulted(const char *name, const struct saker_event_hdr *h,
			     const char *param)
{
	if (!saker_param_faulted(h, param)) {
		t_fail(name, "%s.%s is not marked faulted",
		       saker_event_name(h->type), param);
		return false;
	}
	if (!(h->flags & SAKER_EF_FAULTED)) {
		t_fail(name, "%s header lacks SAKER_EF_FAULTED",
		       saker_event_name(h->type));
		return false;
	}
	return true;
}

/*
 * One named check on record @var: PASS when @cond holds, FAIL when the
 * record is missing or @cond fails (with the reason a t_int()/t_str() in
 * @cond printed, or the condition's text).
 */
#define T_CHECK(s, var, what, cond) do {				\
	int t_f0_ = t_failures;						\
									\
	if (!(var))							\
		t_missing(s, what, #var);				\
	else if (cond)							\
		t_pass(what);						\
	else if (t_failures == t_f0_)					\
		t_fail(what, "%s", #cond);				\
} while (0)

/* A named check without a record. */
#define T_ASSERT(what, cond) do {					\
	int t_f0_ = t_failures;						\
									\
	if (cond)							\
		t_pass(what);						\
	else if (t_failures == t_f0_)					\
		t_fail(what, "%s", #cond);				\
} while (0)

/* Report a missing record, with what the thread did produce. */
static inline void t_missing(struct t_session *s, const char *name,
			     const char *what)
{
	size_t i, shown = 0;

	t_fail(name, "no %s record", what);
	for (i = 0; i < s->l.n && shown < 40; i++) {
		if ((pid_t)s->l.ev[i]->tid != s->tid)
			continue;
		printf("INFO:   had: ");
		saker_event_print(stdout, s->l.ev[i]);
		shown++;
	}
}

#endif /* SAKER_TEST_CHECK_H */
