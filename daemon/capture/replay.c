// SPDX-License-Identifier: MIT
/*
 * Capture replay (see replay.h and docs/capture-format.md, "Replay").  The
 * reader checks every block and record; this layer only decides what each
 * item does to the detector and the state, and words the errors: damage is
 * reported with the byte offset the reader found it at, a snapshot line the
 * state refuses is a warning and the replay goes on, as it would have gone
 * on in the daemon that wrote the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "capture/replay.h"
#include "capture/snapshot.h"

struct CaptureReplay {
	CaptureReader *reader;
	Detector *detector;
	State *state;
	const CaptureHeader *header;
	CaptureItem item;
	CaptureReplayStats stats;
	int err; /* sticky error, 0 none */
	char message[CAPTURE_REPLAY_MAX_MESSAGE];
};

static void set_message(CaptureReplay *rp, const char *fmt, ...) _printf_(2, 3);
static void set_message(CaptureReplay *rp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(rp->message, sizeof(rp->message), fmt, ap) < 0)
		rp->message[0] = 0;
	va_end(ap);
}

int capture_replay_new(FILE *f, Detector *d, State *s, CaptureReplay **ret)
{
	_cleanup_free_ CaptureReplay *rp = NULL;
	int r;

	if (!f || !d || !s)
		return -EINVAL;
	rp = new0(CaptureReplay, 1);
	if (!rp)
		return -ENOMEM;
	r = capture_reader_new(f, &rp->reader);
	if (r < 0)
		return r;
	rp->detector = d;
	rp->state = s;
	*ret = TAKE_PTR(rp);
	return 0;
}

CaptureReplay *capture_replay_free(CaptureReplay *rp)
{
	if (!rp)
		return NULL;
	capture_reader_free(rp->reader);
	free(rp);
	return NULL;
}

const char *capture_replay_message(const CaptureReplay *rp)
{
	return rp->message;
}

const CaptureItem *capture_replay_item(const CaptureReplay *rp)
{
	return &rp->item;
}

const CaptureReplayStats *capture_replay_stats(const CaptureReplay *rp)
{
	return &rp->stats;
}

/* The reader's message without its own "offset N: " prefix (the offset is said once). */
static const char *reader_message(const CaptureReader *r)
{
	const char *m = capture_reader_error(r);
	size_t n;

	if (strncmp(m, "offset ", 7) != 0)
		return m;
	n = 7 + strspn(m + 7, "0123456789");
	return strncmp(m + n, ": ", 2) == 0 ? m + n + 2 : m;
}

/* Word a reader error; it stays the answer of every later call. */
static int reader_failed(CaptureReplay *rp, int err)
{
	uint64_t off = capture_reader_offset(rp->reader);
	const char *m = reader_message(rp->reader);

	switch (err) {
	case -EBADMSG:
	case -ENODATA:
		set_message(rp, "damaged at byte %" PRIu64 ": %s", off, m);
		break;
	case -EPROTONOSUPPORT:
		set_message(rp, "cannot be read (byte %" PRIu64 "): %s", off, m);
		break;
	case -ENOMEM:
		set_message(rp, "out of memory at byte %" PRIu64, off);
		break;
	default:
		set_message(rp, "read error at byte %" PRIu64 ": %s", off, *m ? m : strerror(-err));
		break;
	}
	rp->err = err;
	return err;
}

int capture_replay_start(CaptureReplay *rp, const CaptureHeader **ret)
{
	int r;

	if (rp->err)
		return rp->err;
	if (!rp->header) {
		r = capture_reader_header(rp->reader, &rp->header);
		if (r < 0)
			return reader_failed(rp, r);
		detector_set_boot_time(rp->detector, rp->header->boot_to_realtime_ns);
		r = detector_set_hostname(rp->detector, rp->header->hostname);
		if (r < 0) {
			rp->header = NULL;
			set_message(rp, "out of memory");
			return r;
		}
	}
	if (ret)
		*ret = rp->header;
	return 0;
}

static void ignore_alert(const Alert *a, void *userdata)
{
	(void)a;
	(void)userdata;
}

static int replay_event(CaptureReplay *rp, detector_alert_fn fn, void *userdata)
{
	int r;

	rp->stats.events++;
	r = detector_process(rp->detector, &rp->item.event, fn ? fn : ignore_alert, userdata);
	if (r == -ENOMEM) {
		set_message(rp, "out of memory at the event at byte %" PRIu64, rp->item.offset);
		rp->err = r;
		return r;
	}
	if (r < 0) {
		/* as in the daemon: the state refused part of it, the next events still run */
		rp->stats.event_errors++;
		set_message(rp, "event at byte %" PRIu64 ": %s", rp->item.offset, strerror(-r));
		return CAPTURE_REPLAY_WARNING;
	}
	rp->stats.alerts += (uint64_t)r;
	return CAPTURE_REPLAY_EVENT;
}

static int replay_snapshot(CaptureReplay *rp)
{
	char err[SNAPSHOT_MAX_ERROR];
	int r;

	r = capture_snapshot_apply(rp->state, rp->item.text, rp->item.text_len, err, sizeof(err));
	if (r == -ENOMEM) {
		set_message(rp, "out of memory in the snapshot at byte %" PRIu64, rp->item.offset);
		rp->err = r;
		return r;
	}
	rp->stats.snapshots++;
	if (r < 0) {
		rp->stats.snapshot_errors++;
		set_message(rp, "snapshot at byte %" PRIu64 ", %s", rp->item.offset, err);
		return CAPTURE_REPLAY_WARNING;
	}
	rp->stats.snapshot_lines += (uint64_t)r;
	return CAPTURE_REPLAY_SNAPSHOT;
}

int capture_replay_next(CaptureReplay *rp, detector_alert_fn fn, void *userdata)
{
	int r;

	if (rp->err)
		return rp->err;
	r = capture_replay_start(rp, NULL);
	if (r < 0)
		return r;
	rp->message[0] = 0;
	r = capture_reader_next(rp->reader, &rp->item);
	if (r < 0)
		return reader_failed(rp, r);
	if (r == 0) {
		rp->stats.complete = true;
		return CAPTURE_REPLAY_END;
	}
	switch (rp->item.type) {
	case CAPTURE_ITEM_EVENT:
		return replay_event(rp, fn, userdata);
	case CAPTURE_ITEM_SNAPSHOT:
		return replay_snapshot(rp);
	case CAPTURE_ITEM_STATS:
		rp->stats.stats++;
		return CAPTURE_REPLAY_STATS;
	}
	return CAPTURE_REPLAY_WARNING; /* not reached: the reader knows no other item */
}

int capture_replay_file(FILE *f, Detector *d, State *s, detector_alert_fn fn, void *userdata,
			CaptureReplayStats *ret, char *errbuf, size_t errlen)
{
	_cleanup_(capture_replay_freep) CaptureReplay *rp = NULL;
	int r, warnings = 0;

	if (errbuf && errlen)
		errbuf[0] = 0;
	r = capture_replay_new(f, d, s, &rp);
	if (r < 0) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s", strerror(-r));
		return r;
	}
	while ((r = capture_replay_next(rp, fn, userdata)) > CAPTURE_REPLAY_END) {
		if (r != CAPTURE_REPLAY_WARNING)
			continue;
		if (warnings++ == 0 && errbuf && errlen)
			snprintf(errbuf, errlen, "%s", rp->message);
	}
	if (ret)
		*ret = rp->stats;
	if (r < 0) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s", rp->message);
		return r;
	}
	return warnings;
}
