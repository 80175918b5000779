/* SPDX-License-Identifier: MIT */
/*
 * The JSON-lines event format (docs/event-format.md): one JSON object per
 * line, either an event with optional process/fd/container context, or a
 * context-only line.  The reader encodes each event into a raw saker record
 * (the exact wire format of include/saker/event.h), so replaying a fixture
 * goes through the same decoder and state updater as live events; the
 * writer renders decoded records back into the format (capture export).
 * Pure: the caller does the file I/O and hands over text.
 */
#ifndef SAKER_FIXTURE_H
#define SAKER_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "event/decode.h"
#include "state/state.h"

#define FIXTURE_MAX_LINE (1u << 20)   /* bytes in one line */
#define FIXTURE_MAX_DEPTH 16	      /* JSON nesting */
#define FIXTURE_MAX_FDS 256	      /* fd context entries per line */
#define FIXTURE_MAX_USERS 4096	      /* users or groups per line */
#define FIXTURE_MAX_STRARR 4096	      /* strings in one args/env array */
#define FIXTURE_MAX_ERROR 512	      /* error message */
/* Synthetic pids for ancestors given without one: above the kernel's 2^22. */
#define FIXTURE_SYNTHETIC_PID_BASE 0x40000000ll

typedef struct FixtureReader FixtureReader;

typedef struct FixtureUser {
	uint32_t id; /* uid or gid */
	const char *name, *home, *shell;
} FixtureUser;

/* One parsed line. */
typedef struct FixtureEvent {
	unsigned line;
	bool has_event;
	/* the encoded record (SAKER_EVENT_ALIGN-aligned) and its decoded view */
	uint8_t *record;
	size_t record_len;
	SkEvent evt;
	/* context to apply before the event (fixture_event_apply) */
	ProcSnapshot *procs; /* ancestors first (oldest first), the thread last */
	size_t nprocs;
	int64_t fd_tid, fd_pid; /* the thread whose table gets fds */
	FdInfo *fds;
	size_t nfds;
	Container *container; /* template for state_upsert_container, or NULL */
	FixtureUser *users, *groups;
	size_t nusers, ngroups;
	/* storage the above points into */
	void *json;
	char **owned;
	size_t nowned, owned_cap;
} FixtureEvent;

/* filename is only used in error messages (copied). */
FixtureReader *fixture_reader_new(const char *filename);
FixtureReader *fixture_reader_free(FixtureReader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(FixtureReader *, fixture_reader_free);
/* Read lines from text (len bytes, borrowed until the last next()). */
void fixture_reader_set_input(FixtureReader *r, const char *text, size_t len);
/*
 * The next item of the input: 1 with *ret set (an event, or context only
 * when !has_event), 0 at the end, or a negative errno with the message in
 * fixture_reader_error().  Blank lines and lines starting with '#' are
 * skipped.  Reading may continue after an error (with the next line).
 */
int fixture_reader_next(FixtureReader *r, FixtureEvent **ret);
/*
 * Parse one line (without its newline) for streaming callers; counts lines
 * itself.  Returns 1 with *ret, 0 for a skipped line, or a negative errno.
 */
int fixture_reader_parse_line(FixtureReader *r, const char *line, size_t len,
			      FixtureEvent **ret);
/* "events.jsonl:12: args.flags: unknown flag 'O_FOO' for openat" */
const char *fixture_reader_error(const FixtureReader *r);
/* The line number of the last line read. */
unsigned fixture_reader_line(const FixtureReader *r);
/*
 * Wall-clock time of boot in ns, from the optional header line (0 when
 * none): record ts = JSON ts - boot_ns, wall clock = record ts + boot_ns.
 */
uint64_t fixture_reader_boot_ns(const FixtureReader *r);

FixtureEvent *fixture_event_free(FixtureEvent *fe);
DEFINE_TRIVIAL_CLEANUP_FUNC(FixtureEvent *, fixture_event_free);
/* Apply the line's users, groups, container, processes and fds to s. */
int fixture_event_apply(const FixtureEvent *fe, State *s);

/* The header line (no newline): {"format":"saker-events","version":1,...}. */
int fixture_write_header(StrBuf *sb, uint64_t boot_ns);
/*
 * Render e as one line (no newline).  ts is written as e->ts + boot_ns.
 * Values the text forms cannot carry exactly are written as {"hex":...},
 * so reading the line back gives the same record bytes.
 */
int fixture_write_event(StrBuf *sb, const SkEvent *e, uint64_t boot_ns);
/*
 * A context-only line describing thread p (its container id included);
 * clone_ts/exec_ts are written on the same clock as event times.
 */
int fixture_write_proc(StrBuf *sb, const Proc *p, uint64_t boot_ns);
/* A context-only line describing fd f of thread tid. */
int fixture_write_fd(StrBuf *sb, int64_t tid, int64_t pid, const FdInfo *f);
/* A context-only line describing container c. */
int fixture_write_container(StrBuf *sb, const Container *c);
/*
 * A context-only line {"users":[...]} with the n entries of list, or
 * {"groups":[...]} when groups (home and shell are then not written).
 * -E2BIG for more than FIXTURE_MAX_USERS entries.
 */
int fixture_write_users(StrBuf *sb, const FixtureUser *list, size_t n, bool groups);

#endif /* SAKER_FIXTURE_H */
