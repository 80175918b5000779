// SPDX-License-Identifier: MIT
/*
 * Recorded events into the detector.  A bad line is reported with its file,
 * line and field and skipped; the rest of the file still runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tool/events.h"

static void bad_line(EventFeed *f, const char *msg)
{
	f->errors++;
	if (f->err)
		fprintf(f->err, "%s\n", msg);
	if (!f->first_error)
		f->first_error = strdup(msg);
}

int feed_event(EventFeed *f, FixtureReader *r, const FixtureEvent *fe)
{
	int k;

	k = fixture_event_apply(fe, f->state);
	if (k < 0) {
		char msg[600];

		snprintf(msg, sizeof(msg), "line %u: cannot apply the context: %s", fe->line,
			 strerror(-k));
		bad_line(f, msg);
		return k;
	}
	if (f->on_line) {
		k = f->on_line(f, r, fe);
		if (k < 0)
			return k;
	}
	if (fe->has_event) {
		f->events++;
		k = detector_process(f->detector, &fe->evt, f->on_alert, f->userdata);
		if (k < 0)
			return k;
	}
	return 0;
}

int feed_line(EventFeed *f, FixtureReader *r, const char *line, size_t len)
{
	_cleanup_(fixture_event_freep) FixtureEvent *fe = NULL;
	int k;

	k = fixture_reader_parse_line(r, line, len, &fe);
	if (k < 0) {
		if (k == -ENOMEM)
			return k;
		bad_line(f, fixture_reader_error(r));
		return 0;
	}
	if (k == 0)
		return 0;
	detector_set_boot_time(f->detector, fixture_reader_boot_ns(r));
	return feed_event(f, r, fe);
}

int feed_file(EventFeed *f, const char *path)
{
	FILE *in;
	int k;

	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (!in) {
		char msg[600];

		k = -errno;
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(-k));
		bad_line(f, msg);
		return k;
	}
	k = feed_stream(f, in, path);
	if (in != stdin)
		fclose(in);
	return k;
}

int feed_stream(EventFeed *f, FILE *in, const char *name)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = NULL;
	char *line;
	ssize_t n;
	int k = 0;

	r = fixture_reader_new(name);
	if (!r)
		return -ENOMEM;
	line = malloc(FIXTURE_MAX_LINE + 2);
	if (!line)
		return -ENOMEM;
	/* bounded reads: a line longer than the format allows is reported and skipped */
	while (fgets(line, FIXTURE_MAX_LINE + 2, in)) {
		n = (ssize_t)strlen(line);
		if (n > 0 && line[n - 1] != '\n' && !feof(in)) {
			_cleanup_(fixture_event_freep) FixtureEvent *none = NULL;
			int c;

			while ((c = getc(in)) != EOF && c != '\n')
				;
			/* counts the line and words the error with its number */
			(void)fixture_reader_parse_line(r, line, (size_t)n, &none);
			bad_line(f, fixture_reader_error(r));
			continue;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		k = feed_line(f, r, line, (size_t)n);
		if (k < 0)
			break;
	}
	free(line);
	return k;
}

void feed_done(EventFeed *f)
{
	free(f->first_error);
	f->first_error = NULL;
}
