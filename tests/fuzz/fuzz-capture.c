// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the capture file reader (daemon/capture/capture-file.c):
 * the input is a whole file.  Every item the reader accepts is looked at
 * (events through the typed accessors, snapshot text byte by byte), and a
 * failure must leave a message naming an offset inside the input.  Besides
 * that: no crash, no leak, bounded memory (blocks are limited to 16 MiB).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Items per input: keeps runs short on inputs of many tiny blocks. */
#define FUZZ_MAX_ITEMS 4096

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
	return 0;
}
