// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the capture file reader (daemon/capture/capture-file.c)
 * and capture replay (daemon/capture/replay.c, snapshot.c): the input is a
 * whole file.  Every item the reader accepts is looked at (events through
 * the typed accessors, snapshot text byte by byte), and a failure must leave
 * a message naming an offset inside the input.  Then the file is replayed
 * into a fresh state and a detector with a few rules over process, fd,
 * container and user fields, so snapshot lines reach the state and events
 * the rules.  An input that is not a capture is applied as the text of a
 * snapshot block (the checksums keep mutations from reaching it otherwise).
 * Besides that: no crash, no leak, bounded memory (blocks are limited to
 * 16 MiB).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture-file.h"
#include "capture/replay.h"
#include "capture/snapshot.h"
#include "rules/engine.h"
#include "rules/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Items per input: keeps runs short on inputs of many tiny blocks. */
#define FUZZ_MAX_ITEMS 4096

static const char fuzz_rules[] =
	"- rule: Sensitive read\n"
	"  desc: fuzz\n"
	"  condition: evt.type in (open, openat) and fd.name startswith /etc\n"
	"  output: \"%proc.name %proc.aname[3] %fd.name %user.name %container.name\"\n"
	"  priority: WARNING\n"
	"- rule: Shell in container\n"
	"  desc: fuzz\n"
	"  condition: evt.type = execve and container.id != host and proc.name in (sh, bash)\n"
	"  output: \"%container.image.repository %container.label[app] %group.name\"\n"
	"  priority: NOTICE\n";

/* The rules, compiled once for the whole run (NULL if that failed: no rules then). */
static Engine *fuzz_engine(void)
{
	static Engine *engine;
	static bool tried;
	RuleSet *rs;
	Diags d = { 0 };

	if (tried)
		return engine;
	tried = true;
	rs = ruleset_new();
	if (rs && ruleset_load_buffer(rs, "fuzz.yaml", fuzz_rules, sizeof(fuzz_rules) - 1, &d) == 0)
		(void)engine_compile(rs, NULL, &d, &engine);
	diags_done(&d);
	ruleset_free(rs);
	return engine;
}

static void count_alert(const Alert *a, void *userdata)
{
	*(unsigned *)userdata += (unsigned)a->output_len;
}

/* The input through capture_replay_file(): errors must say where. */
static void fuzz_replay(const uint8_t *data, size_t size)
{
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	char err[CAPTURE_REPLAY_MAX_MESSAGE];
	CaptureReplayStats st;
	volatile unsigned sink = 0;
	unsigned alerts = 0;
	FILE *f;
	int rc;

	if (!state || detector_new(fuzz_engine(), state, "fuzz", &det) < 0)
		return;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return;
	rc = capture_replay_file(f, det, state, count_alert, &alerts, &st, err, sizeof(err));
	if (rc != 0 && !err[0])
		abort();
	if (rc < 0 && rc != -ENOMEM && !strstr(err, "byte "))
		abort();
	if (st.events > size)
		abort();
	sink += alerts + (unsigned)state_nthreads(state) + (unsigned)state_nfds(state);
	(void)sink;
	fclose(f);
}

/* The input as snapshot text: a bad line must be reported with its number. */
static void fuzz_snapshot(const uint8_t *data, size_t size)
{
	_cleanup_(state_freep) State *state = state_new();
	char err[SNAPSHOT_MAX_ERROR];
	int rc;

	if (!state)
		return;
	rc = capture_snapshot_apply(state, (const char *)data, size, err, sizeof(err));
	if (rc < 0 && rc != -ENOMEM && strncmp(err, "line ", 5) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_(capture_reader_freep) CaptureReader *r = NULL;
	volatile unsigned sink = 0;
	CaptureItem it;
	unsigned n = 0;
	FILE *f;
	int rc;

	(void)capture_detect_format(data, size);
	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	if (capture_reader_new(f, &r) < 0) {
		fclose(f);
		return 0;
	}
	while (n++ < FUZZ_MAX_ITEMS && (rc = capture_reader_next(r, &it)) == 1) {
		size_t i;
		int64_t v;

		switch (it.type) {
		case CAPTURE_ITEM_EVENT:
			for (i = 0; i < it.event.nparams; i++)
				if (sk_event_get_s64(&it.event, (unsigned)i, &v) == 0)
					sink += (unsigned)v;
			if (sk_event_res(&it.event, &v) == 0)
				sink += (unsigned)v;
			break;
		case CAPTURE_ITEM_SNAPSHOT:
			for (i = 0; i < it.text_len; i++)
				sink += (unsigned char)it.text[i];
			break;
		case CAPTURE_ITEM_STATS:
			sink += (unsigned)it.stats.events;
			break;
		}
		if (it.offset > size)
			abort();
	}
	if (rc < 0 && (capture_reader_offset(r) > size || !capture_reader_error(r)[0]))
		abort();
	fclose(f);
	(void)sink;
	fuzz_replay(data, size);
	/* past the checksums: anything else is taken for the text of a snapshot block */
	if (capture_detect_format(data, size) != CAPTURE_FORMAT_CAPTURE &&
	    size <= CAPTURE_MAX_BLOCK)
		fuzz_snapshot(data, size);
	return 0;
}
