// SPDX-License-Identifier: MIT
/*
 * Tests of the capture file writer and reader (daemon/capture/capture-file.c):
 * round trip, the file cut at every byte, every single-bit flip, version
 * mismatches, limits, and format detection for `saker replay`.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture-file.h"
#include "evbuild.h"

static const char snapshot_text[] =
	"{\"format\":\"saker-events\",\"version\":1,\"boot_ns\":0}\n"
	"{\"proc\":{\"tid\":1,\"pid\":1,\"comm\":\"init\"}}\n";

typedef struct Blob {
	uint8_t *data;
	size_t len;
} Blob;

static void close_record(uint64_t ts, int64_t fd, void **ret_buf, size_t *ret_len)
{
	evbuild_begin(SAKER_EVT_CLOSE, ts, 100, 100);
	evbuild_s64(0);
	evbuild_s64(fd);
	assert_int_equal(evbuild_end(ret_buf, ret_len), 0);
}

/* Read back everything written to a temporary file. */
static Blob slurp(FILE *tmp)
{
	Blob b = { 0 };
	long n;

	assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
	n = ftell(tmp);
	assert_true(n > 0);
	b.len = (size_t)n;
	b.data = malloc(b.len);
	assert_non_null(b.data);
	rewind(tmp);
	assert_int_equal(fread(b.data, 1, b.len, tmp), b.len);
	return b;
}

/* A small complete file: snapshot, nevents CLOSE records, stats, end. */
static Blob make_file(unsigned nevents, uint32_t abi)
{
	CaptureHeader h = {
		.abi_version = abi,
		.flags = CAPTURE_FLAG_SNAPSHOT,
		.boot_to_realtime_ns = 1700000000000000000ull,
	};
	struct saker_ioc_stats st = { .events = 77, .drops = { 1, 2 } };
	CaptureWriter *w = NULL;
	FILE *tmp = tmpfile();
	unsigned i;
	Blob b;

	assert_non_null(tmp);
	strcpy(h.hostname, "testhost");
	assert_int_equal(capture_writer_new(fileno(tmp), &h, &w), 0);
	assert_int_equal(capture_writer_add_snapshot(w, snapshot_text, strlen(snapshot_text)), 0);
	for (i = 0; i < nevents; i++) {
		void *rec;
		size_t len;

		close_record(1000 + i, (int64_t)i, &rec, &len);
		assert_int_equal(capture_writer_add_event(w, rec, len), 0);
		free(rec);
	}
	assert_int_equal(capture_writer_add_stats(w, 5000, &st), 0);
	assert_int_equal(capture_writer_finish(w), 0);
	assert_int_equal(capture_writer_add_event(w, NULL, 0), -ESTALE);
	capture_writer_free(w);
	b = slurp(tmp);
	fclose(tmp);
	return b;
}

/* Read a whole buffer: returns the last status, counts events. */
static int read_all(const uint8_t *data, size_t len, unsigned *ret_events, CaptureReader **ret_r)
{
	FILE *f = len ? fmemopen((void *)data, len, "rb") : fopen("/dev/null", "rb");
	CaptureReader *r = NULL;
	CaptureItem it;
	unsigned n = 0;
	int rc;

	assert_non_null(f);
	assert_int_equal(capture_reader_new(f, &r), 0);
	while ((rc = capture_reader_next(r, &it)) == 1)
		if (it.type == CAPTURE_ITEM_EVENT)
			n++;
	/* Sticky. */
	assert_int_equal(capture_reader_next(r, &it), rc);
	fclose(f);
	if (ret_events)
		*ret_events = n;
	if (ret_r)
		*ret_r = r;
	else
		capture_reader_free(r);
	return rc;
}

static void test_crc32c(void **state)
{
	(void)state;
	assert_int_equal(capture_crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(capture_crc32c(0, "", 0), 0);
	/* Incremental equals one shot. */
	assert_int_equal(capture_crc32c(capture_crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(capture_detect_format("SAKERCAP\1\0", 10), CAPTURE_FORMAT_CAPTURE);
	assert_int_equal(capture_detect_format("{\"type\":", 8), CAPTURE_FORMAT_JSONL);
	assert_int_equal(capture_detect_format("\n  {", 4), CAPTURE_FORMAT_JSONL);
	assert_int_equal(capture_detect_format("SAKER", 5), CAPTURE_FORMAT_UNKNOWN);
	assert_int_equal(capture_detect_format("", 0), CAPTURE_FORMAT_UNKNOWN);
	assert_int_equal(capture_detect_format("\x7f" "ELF", 4), CAPTURE_FORMAT_UNKNOWN);
}

static void test_roundtrip(void **state)
{
	Blob b = make_file(50, SAKER_ABI_VERSION);
	const CaptureHeader *h;
	CaptureReader *r = NULL;
	CaptureItem it;
	unsigned i;
	FILE *f;

	(void)state;
	assert_int_equal(capture_detect_format(b.data, b.len), CAPTURE_FORMAT_CAPTURE);
	f = fmemopen(b.data, b.len, "rb");
	assert_non_null(f);
	assert_int_equal(capture_reader_new(f, &r), 0);
	assert_int_equal(capture_reader_header(r, &h), 0);
	assert_string_equal(h->hostname, "testhost");
	assert_int_equal(h->abi_version, SAKER_ABI_VERSION);
	assert_int_equal(h->format_version, CAPTURE_FORMAT_VERSION);
	assert_int_equal(h->flags, CAPTURE_FLAG_SNAPSHOT);
	assert_int_equal(h->boot_to_realtime_ns, 1700000000000000000ull);

	assert_int_equal(capture_reader_next(r, &it), 1);
	assert_int_equal(it.type, CAPTURE_ITEM_SNAPSHOT);
	assert_int_equal(it.text_len, strlen(snapshot_text));
	assert_memory_equal(it.text, snapshot_text, it.text_len);
	assert_int_equal(it.offset, CAPTURE_HEADER_SIZE + CAPTURE_BLOCK_HEADER_SIZE);
	for (i = 0; i < 50; i++) {
		int64_t fd;

		assert_int_equal(capture_reader_next(r, &it), 1);
		assert_int_equal(it.type, CAPTURE_ITEM_EVENT);
		assert_int_equal(it.event.ts, 1000 + i);
		assert_int_equal(it.event.type, SAKER_EVT_CLOSE);
		assert_int_equal(sk_event_get_s64(&it.event, 1, &fd), 0);
		assert_int_equal(fd, i);
	}
	assert_int_equal(capture_reader_next(r, &it), 1);
	assert_int_equal(it.type, CAPTURE_ITEM_STATS);
	assert_int_equal(it.stats_ts, 5000);
	assert_int_equal(it.stats.events, 77);
	assert_int_equal(it.stats.drops[1], 2);
	assert_int_equal(capture_reader_next(r, &it), 0);
	assert_int_equal(capture_reader_next(r, &it), 0);
	assert_int_equal(capture_reader_offset(r), b.len);
	assert_string_equal(capture_reader_error(r), "");
	capture_reader_free(r);
	fclose(f);
	free(b.data);
}

static void test_truncated_everywhere(void **state)
{
	Blob b = make_file(3, SAKER_ABI_VERSION);
	unsigned n, full;
	size_t cut;

	(void)state;
	assert_int_equal(read_all(b.data, b.len, &full, NULL), 0);
	assert_int_equal(full, 3);
	for (cut = 0; cut < b.len; cut++) {
		CaptureReader *r;
		int rc = read_all(b.data, cut, &n, &r);

		assert_true(rc < 0);
		assert_true(rc == -ENODATA || rc == -EPROTONOSUPPORT);
		assert_true(capture_reader_offset(r) <= cut);
		assert_non_null(strstr(capture_reader_error(r), "offset "));
		assert_true(n <= full);
		capture_reader_free(r);
	}
	free(b.data);
}

static void test_bit_flips(void **state)
{
	Blob b = make_file(3, SAKER_ABI_VERSION);
	size_t i;
	int bit;

	(void)state;
	for (i = 0; i < b.len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			int rc;

			b.data[i] ^= (uint8_t)(1u << bit);
			rc = read_all(b.data, b.len, NULL, NULL);
			if (rc >= 0)
				fail_msg("flip of bit %d at offset %zu not detected", bit, i);
			b.data[i] ^= (uint8_t)(1u << bit);
		}
	}
	free(b.data);
}

static void test_versions(void **state)
{
	Blob b = make_file(1, SAKER_ABI_VERSION + 1);
	CaptureReader *r;

	(void)state;
	assert_int_equal(read_all(b.data, b.len, NULL, &r), -EPROTONOSUPPORT);
	assert_non_null(strstr(capture_reader_error(r), "event ABI"));
	capture_reader_free(r);
	free(b.data);

	b = make_file(1, SAKER_ABI_VERSION);
	b.data[8] = 2; /* format version */
	assert_int_equal(read_all(b.data, b.len, NULL, &r), -EPROTONOSUPPORT);
	assert_non_null(strstr(capture_reader_error(r), "capture format version 2"));
	assert_int_equal(capture_reader_offset(r), 8);
	capture_reader_free(r);
	memcpy(b.data, "NOTSAKER", 8);
	assert_int_equal(read_all(b.data, b.len, NULL, &r), -EPROTONOSUPPORT);
	assert_non_null(strstr(capture_reader_error(r), "not a saker capture"));
	capture_reader_free(r);
	free(b.data);
}

/* Replace the block at off with a hand-made one (valid checksums). */
static void put_block(uint8_t *p, uint32_t type, uint32_t len, const void *payload)
{
	uint32_t v[3] = { type, len, capture_crc32c(0, payload, payload ? len : 0) };
	uint32_t hc;

	memcpy(p, v, 12);
	hc = capture_crc32c(0, p, 12);
	memcpy(p + 12, &hc, 4);
	if (payload)
		memcpy(p + 16, payload, len);
}

static void test_limits_and_unknown(void **state)
{
	Blob b = make_file(0, SAKER_ABI_VERSION);
	uint8_t file[CAPTURE_HEADER_SIZE + 4 * 16 + 64];
	uint8_t junk[40];
	CaptureReader *r;
	size_t o = CAPTURE_HEADER_SIZE;
	unsigned n;

	(void)state;
	memcpy(file, b.data, CAPTURE_HEADER_SIZE);
	free(b.data);

	/* An oversized length is refused before anything is allocated. */
	put_block(file + o, CAPTURE_BLOCK_EVENTS, CAPTURE_MAX_BLOCK + 1, NULL);
	assert_int_equal(read_all(file, o + 16, NULL, &r), -EBADMSG);
	assert_non_null(strstr(capture_reader_error(r), "exceeds"));
	capture_reader_free(r);

	/* An unknown block type is skipped; then END. */
	memset(junk, 0x5a, sizeof(junk));
	put_block(file + o, 99, 8, junk);
	put_block(file + o + 24, CAPTURE_BLOCK_END, 0, NULL);
	assert_int_equal(read_all(file, o + 40, &n, NULL), 0);
	assert_int_equal(n, 0);

	/* A checksummed EVENTS block holding garbage is caught by the decoder. */
	memset(junk, 0, sizeof(junk));
	((struct saker_event_hdr *)junk)->len = 40;
	((struct saker_event_hdr *)junk)->type = 0xffff;
	put_block(file + o, CAPTURE_BLOCK_EVENTS, sizeof(junk), junk);
	put_block(file + o + 16 + sizeof(junk), CAPTURE_BLOCK_END, 0, NULL);
	assert_int_equal(read_all(file, o + 32 + sizeof(junk), NULL, &r), -EBADMSG);
	assert_int_equal(capture_reader_offset(r), o + 16);
	capture_reader_free(r);

	/* A stats block of the wrong size. */
	put_block(file + o, CAPTURE_BLOCK_STATS, 8, junk);
	assert_int_equal(read_all(file, o + 24, NULL, NULL), -EBADMSG);
}

static void test_writer_blocks(void **state)
{
	CaptureHeader h = { .abi_version = SAKER_ABI_VERSION };
	CaptureWriter *w = NULL;
	FILE *tmp = tmpfile();
	unsigned n, i, count = 0;
	void *rec;
	size_t len;
	Blob b;

	(void)state;
	assert_non_null(tmp);
	h.hostname[0] = '\0';
	assert_int_equal(capture_writer_new(fileno(tmp), &h, &w), 0);
	close_record(1, 1, &rec, &len);
	/* Rejected: length disagreeing with the header, misaligned. */
	assert_int_equal(capture_writer_add_event(w, rec, len - 8), -EINVAL);
	count = (unsigned)(3 * CAPTURE_EVENTS_BLOCK_TARGET / len);
	for (i = 0; i < count; i++)
		assert_int_equal(capture_writer_add_event(w, rec, len), 0);
	free(rec);
	assert_int_equal(capture_writer_flush(w), 0);
	assert_int_equal(capture_writer_finish(w), 0);
	assert_int_equal(capture_writer_finish(w), -ESTALE);
	capture_writer_free(w);
	b = slurp(tmp);
	fclose(tmp);
	/* At least three EVENTS blocks, each under the target. */
	assert_true(b.len > 3 * CAPTURE_EVENTS_BLOCK_TARGET);
	assert_int_equal(read_all(b.data, b.len, &n, NULL), 0);
	assert_int_equal(n, count);
	free(b.data);

	h.hostname[0] = 'x';
	memset(h.hostname, 'x', sizeof(h.hostname));
	assert_int_equal(capture_writer_new(1, &h, &w), -EINVAL);
	assert_null(capture_writer_free(NULL));
	assert_null(capture_reader_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_limits_and_unknown),
		cmocka_unit_test(test_writer_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
