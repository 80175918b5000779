/* SPDX-License-Identifier: MIT */
/*
 * Capture snapshots: the state (threads, fds, containers, user and group
 * names, host namespaces) as JSON lines of the fixture format, carried in
 * SNAPSHOT blocks and applied back on replay, so that a State rebuilt from
 * them evaluates rule fields like the recording daemon's did
 * (docs/capture-format.md, "Snapshots").
 */
#ifndef SAKER_CAPTURE_SNAPSHOT_H
#define SAKER_CAPTURE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture-file.h"
#include "common/strbuf.h"
#include "event/fixture.h"
#include "state/state.h"

/* A users or groups line is closed once it holds this many bytes (FIXTURE_MAX_LINE is 1 MiB). */
#define SNAPSHOT_LIST_LINE_TARGET (64u * 1024u)
/* Longest error message of capture_snapshot_apply(). */
#define SNAPSHOT_MAX_ERROR 512

/*
 * Append the whole state to sb as snapshot lines, each '\n'-terminated: the
 * header line (times are written as event time + boot_ns), the directive
 * line (host namespaces; the names that follow replace the current ones),
 * users and groups, containers, every thread (live ones from the least to
 * the most recently used, then the dead ones kept for ancestry), and the
 * fds once per process.  -E2BIG when sb's limit is reached: a capture
 * needs capture_snapshot_write_blocks().
 */
int capture_snapshot_write(State *s, uint64_t boot_ns, StrBuf *sb);
/*
 * The same lines as SNAPSHOT blocks of w, cut at line boundaries so that no
 * block exceeds CAPTURE_MAX_BLOCK; every block starts with the header line.
 * Returns the number of blocks written (at least one).
 */
int capture_snapshot_write_blocks(State *s, uint64_t boot_ns, CaptureWriter *w);
/*
 * The user and group names of db (NULL: none) as the directive line that
 * clears the current names and the lines that set the new ones: what the
 * daemon writes after it re-read passwd and group.
 */
int capture_snapshot_write_users(const UserDb *db, StrBuf *sb);
/*
 * After fixture_event_apply(fe, s): lines that bring another State, equal
 * to s before that call, to s for everything fe's context touched (its
 * users, groups, container, processes and fds, rendered from s).  Used to
 * turn JSON lines into a capture.  No header line is written; boot_ns must
 * be the one of the header of the block the lines go into.
 */
int capture_snapshot_write_context(State *s, const FixtureEvent *fe, uint64_t boot_ns,
				   StrBuf *sb);

/*
 * What a restricted snapshot keeps (`saker cut`): each callback that is set
 * decides for one kind of entry, a NULL one keeps every entry of its kind.
 * thread gets the thread's tid and thread group id; its fd lines follow it.
 * numeric_caps writes the capability sets of processes as integers instead
 * of names: a line of a root process is then a kilobyte shorter.
 */
typedef struct SnapshotFilter {
	bool (*thread)(int64_t tid, int64_t pid, void *userdata);
	bool (*container)(const Container *c, void *userdata);
	bool (*user)(uint32_t uid, void *userdata);
	bool (*group)(uint32_t gid, void *userdata);
	void *userdata;
	bool numeric_caps;
} SnapshotFilter;

/*
 * capture_snapshot_write_blocks() for the entries f keeps (f NULL: all):
 * the directive line, the kept users and groups, containers, threads (in
 * the same LRU order) and the fds of the kept threads.
 */
int capture_snapshot_write_filtered(State *s, uint64_t boot_ns, const SnapshotFilter *f,
				    CaptureWriter *w);
/*
 * Append to sb the lines of snapshot text (len bytes) that f keeps: header
 * and directive lines as they are, users and groups lines rewritten with
 * the kept entries only (dropped when none is left), any other line as it
 * is when it names a kept thread (a process, or the owner of fds) or a kept
 * container.  Events and lines that do not parse are dropped.  Returns the
 * number of lines kept besides header lines, or a negative errno (-ENOMEM,
 * -E2BIG at sb's limit).
 */
int capture_snapshot_filter(const char *text, size_t len, const SnapshotFilter *f, StrBuf *sb);

/*
 * Apply snapshot text (len bytes, lines as written above, or any context-only
 * JSON lines) to s, line by line through the fixture reader.  A bad line
 * (malformed, an event, or refused by the state) does not stop the others.
 * Returns the number of lines applied, or, when a line was bad, the first
 * bad line's negative errno with "line N: message" in errbuf; -ENOMEM stops
 * at once.
 */
int capture_snapshot_apply(State *s, const char *text, size_t len, char *errbuf, size_t errlen);

#endif /* SAKER_CAPTURE_SNAPSHOT_H */
