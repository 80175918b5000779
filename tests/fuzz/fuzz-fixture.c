// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the JSON-lines event format and, through it, the state
 * updater.  Every line the reader accepts is applied to a small State (so
 * eviction runs often), its record goes through state_update() and
 * state_update_post(), and the record is written back and read again: the
 * second record must be byte for byte the first (a mismatch aborts, like a
 * crash).  The writer's context lines for the event's thread must read back
 * too.  Besides that: no crash, no leak, bounded memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event/fixture.h"
#include "state/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines per input: the reader is linear, but keep runs short. */
#define FUZZ_MAX_LINES 256

static EvalCtx ctx;

static void check_roundtrip(FixtureReader *again, const FixtureEvent *fe, StrBuf *sb)
{
	FixtureEvent *back = NULL;

	strbuf_reset(sb);
	if (fixture_write_event(sb, &fe->evt, 0) < 0)
		abort();
	if (fixture_reader_parse_line(again, strbuf_str(sb), sb->len, &back) != 1)
		abort();
	if (back->record_len != fe->record_len || memcmp(back->record, fe->record, fe->record_len))
		abort();
	fixture_event_free(back);
}

static void check_proc(FixtureReader *again, const Proc *p, StrBuf *sb)
{
	FixtureEvent *back = NULL;

	strbuf_reset(sb);
	if (fixture_write_proc(sb, p, 0) < 0)
		abort();
	if (fixture_reader_parse_line(again, strbuf_str(sb), sb->len, &back) != 1)
		abort();
	fixture_event_free(back);
	if (p->container) {
		strbuf_reset(sb);
		if (fixture_write_container(sb, p->container) < 0)
			abort();
		if (fixture_reader_parse_line(again, strbuf_str(sb), sb->len, &back) != 1)
			abort();
		fixture_event_free(back);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = fixture_reader_new("fuzz");
	_cleanup_(fixture_reader_freep) FixtureReader *again = fixture_reader_new("again");
	_cleanup_(state_freep) State *s = state_new();
	StrBuf sb = { 0 };
	unsigned lines = 0;

	if (!r || !again || !s)
		return 0;
	state_set_max_threads(s, STATE_MIN_THREADS);
	fixture_reader_set_input(r, (const char *)data, size);
	while (lines++ < FUZZ_MAX_LINES) {
		FixtureEvent *fe = NULL;
		int rc = fixture_reader_next(r, &fe);

		if (rc == 0)
			break;
		if (rc < 0)
			continue; /* an error names a line; reading goes on */
		(void)fixture_event_apply(fe, s);
		if (fe->has_event) {
			check_roundtrip(again, fe, &sb);
			if (state_update(s, &fe->evt, &ctx) == 0) {
				if (ctx.proc)
					check_proc(again, ctx.proc, &sb);
				state_update_post(s, &fe->evt, &ctx);
			}
		}
		fixture_event_free(fe);
	}
	strbuf_done(&sb);
	return 0;
}
