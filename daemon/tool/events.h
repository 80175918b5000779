/* SPDX-License-Identifier: MIT */
/*
 * Feeding recorded events (JSON lines) through a Detector: shared by
 * `saker replay` and `saker test`.
 */
#ifndef SAKER_TOOL_EVENTS_H
#define SAKER_TOOL_EVENTS_H

#include <stdio.h>

#include "event/fixture.h"
#include "rules/detector.h"

typedef struct EventFeed {
	Detector *detector;
	State *state;
	detector_alert_fn on_alert;
	void *userdata;
	unsigned errors; /* bad lines (reported to err) */
	unsigned events;
	FILE *err;	 /* where bad lines are reported; NULL: not reported */
	char *first_error; /* first bad line's message (owned) */
	/*
	 * Called for each line once its context is applied, before its event
	 * goes to the detector (NULL: none); a negative return stops the file.
	 */
	int (*on_line)(struct EventFeed *f, FixtureReader *r, const FixtureEvent *fe);
	void *line_data;
} EventFeed;

/* Feed one parsed line: apply its context, then process its event. */
int feed_event(EventFeed *f, FixtureReader *r, const FixtureEvent *fe);
/* Feed one line of text (name is for messages). */
int feed_line(EventFeed *f, FixtureReader *r, const char *line, size_t len);
/* Feed a whole file of JSON lines. */
int feed_file(EventFeed *f, const char *path);
/* Feed JSON lines from in (not closed) from its current position; name is for messages. */
int feed_stream(EventFeed *f, FILE *in, const char *name);
void feed_done(EventFeed *f);

#endif /* SAKER_TOOL_EVENTS_H */
