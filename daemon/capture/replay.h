/* SPDX-License-Identifier: MIT */
/*
 * Replaying a capture file through a Detector: the file header gives the
 * boot time and the host name the alerts carry, SNAPSHOT items go into the
 * state wherever they occur, EVENT items go through detector_process() as
 * live records do, STATS items are handed to the caller.  Shared by
 * `saker replay` and `sakerd -e`; no output of its own.
 */
#ifndef SAKER_CAPTURE_REPLAY_H
#define SAKER_CAPTURE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/capture-file.h"
#include "rules/detector.h"
#include "state/state.h"

/* Longest message of capture_replay_message(). */
#define CAPTURE_REPLAY_MAX_MESSAGE 640

typedef struct CaptureReplayStats {
	uint64_t events;	  /* EVENT items given to the detector */
	uint64_t alerts;	  /* alerts they raised */
	uint64_t event_errors;	  /* events the state refused (a limit), skipped */
	uint64_t snapshots;	  /* SNAPSHOT items applied */
	uint64_t snapshot_lines;  /* lines applied from them */
	uint64_t snapshot_errors; /* SNAPSHOT items with bad lines (the other lines applied) */
	uint64_t stats;		  /* STATS items */
	bool complete;		  /* the END block was reached */
} CaptureReplayStats;

/* What capture_replay_next() did. */
typedef enum CaptureReplayStep {
	CAPTURE_REPLAY_END = 0,	 /* the END block: the file is complete */
	CAPTURE_REPLAY_EVENT,	 /* an event went through the detector */
	CAPTURE_REPLAY_SNAPSHOT, /* a snapshot block was applied */
	CAPTURE_REPLAY_STATS,	 /* module statistics, in capture_replay_item() */
	CAPTURE_REPLAY_WARNING,	 /* an item failed in part or was skipped: see the message */
} CaptureReplayStep;

typedef struct CaptureReplay CaptureReplay;

/* f, d and s stay the caller's and must outlive the replay; reading starts at f's position. */
int capture_replay_new(FILE *f, Detector *d, State *s, CaptureReplay **ret);
CaptureReplay *capture_replay_free(CaptureReplay *rp);
DEFINE_TRIVIAL_CLEANUP_FUNC(CaptureReplay *, capture_replay_free);
/*
 * Read the file header and give the detector its boot time and host name
 * (done by the first next() otherwise).  Negative errno with the message in
 * capture_replay_message().
 */
int capture_replay_start(CaptureReplay *rp, const CaptureHeader **ret);
/*
 * Handle the next item (alerts go to fn, which may be NULL to drop them):
 * a CaptureReplayStep (>= 0), or a negative errno
 * when the file is damaged ("damaged at byte N: ..."), of another format or
 * version, unreadable, or memory ran out; the message is in
 * capture_replay_message().  Everything handled before stays valid; after
 * an error every call returns it again.
 */
int capture_replay_next(CaptureReplay *rp, detector_alert_fn fn, void *userdata);
const char *capture_replay_message(const CaptureReplay *rp);
/* The item of the last step (STATS: its statistics); valid until the next call. */
const CaptureItem *capture_replay_item(const CaptureReplay *rp);
const CaptureReplayStats *capture_replay_stats(const CaptureReplay *rp);

/*
 * A whole file.  Returns 0 when it was complete and every item applied,
 * the number of warnings (> 0) when some failed in part (the first one's
 * message in errbuf), or a negative errno as capture_replay_next() (its
 * message in errbuf).  *ret (may be NULL) gets the counts in every case.
 */
int capture_replay_file(FILE *f, Detector *d, State *s, detector_alert_fn fn, void *userdata,
			CaptureReplayStats *ret, char *errbuf, size_t errlen);

#endif /* SAKER_CAPTURE_REPLAY_H */
