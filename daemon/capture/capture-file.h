/* SPDX-License-Identifier: MIT */
/*
 * Capture files: the raw ABI records sakerd read, the process/fd/container
 * snapshot it started from and module statistics, in checksummed blocks
 * (docs/capture-format.md).  The writer buffers and writes to an fd; the
 * reader streams from a FILE*, validates every length and checksum and every
 * record, and on damage reports the byte offset and stops.
 */
#ifndef SAKER_CAPTURE_FILE_H
#define SAKER_CAPTURE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/macro.h"
#include "event/decode.h"
#include "saker/ioctl.h"

#define CAPTURE_MAGIC "SAKERCAP"
#define CAPTURE_MAGIC_LEN 8
#define CAPTURE_FORMAT_VERSION 1
/* Bytes of the file header and of each block header. */
#define CAPTURE_HEADER_SIZE 112
#define CAPTURE_BLOCK_HEADER_SIZE 16
/* Host name field, NUL-padded (HOST_NAME_MAX + 1). */
#define CAPTURE_HOSTNAME_MAX 65
/* Largest block payload a reader accepts (and a writer produces). */
#define CAPTURE_MAX_BLOCK (16u << 20)
/* The writer closes an EVENTS block once it holds this many bytes. */
#define CAPTURE_EVENTS_BLOCK_TARGET (1u << 20)
#define CAPTURE_MAX_ERROR 256

/* Block types. */
enum {
	CAPTURE_BLOCK_EVENTS = 1,   /* raw records back to back */
	CAPTURE_BLOCK_SNAPSHOT = 2, /* JSON lines (fixture format) of the initial state */
	CAPTURE_BLOCK_STATS = 3,    /* u64 ts, then struct saker_ioc_stats */
	CAPTURE_BLOCK_END = 4,	    /* empty; the last block of a complete file */
};

/* Header flags. */
#define CAPTURE_FLAG_SNAPSHOT 0x1u /* a SNAPSHOT block precedes the events */

#define CAPTURE_STATS_PAYLOAD (8 + sizeof(struct saker_ioc_stats))

typedef struct CaptureHeader {
	uint32_t format_version;
	uint32_t abi_version;
	uint32_t flags;
	uint64_t boot_to_realtime_ns;
	char hostname[CAPTURE_HOSTNAME_MAX];
} CaptureHeader;

/* CRC-32C (Castagnoli), table-driven; pass 0 to start, the previous value to continue. */
uint32_t capture_crc32c(uint32_t crc, const void *buf, size_t len);

/* What the first bytes of a file say it is (for `saker replay`). */
typedef enum CaptureFormat {
	CAPTURE_FORMAT_UNKNOWN,
	CAPTURE_FORMAT_CAPTURE, /* starts with CAPTURE_MAGIC */
	CAPTURE_FORMAT_JSONL,	/* starts with '{' after optional whitespace */
} CaptureFormat;
/* Needs at most CAPTURE_MAGIC_LEN bytes; fewer are fine. */
CaptureFormat capture_detect_format(const void *buf, size_t len);

typedef struct CaptureWriter CaptureWriter;

/* Write the file header to fd (not owned, not closed). */
int capture_writer_new(int fd, const CaptureHeader *h, CaptureWriter **ret);
/* Flush (without the END block) and free.  Errors of the last flush are lost. */
CaptureWriter *capture_writer_free(CaptureWriter *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(CaptureWriter *, capture_writer_free);
/* Append one record (hdr->len bytes, which must equal len); blocks are cut as needed. */
int capture_writer_add_event(CaptureWriter *w, const struct saker_event_hdr *hdr, size_t len);
/* One SNAPSHOT block holding text (JSON lines from fixture_write_proc/fd/container). */
int capture_writer_add_snapshot(CaptureWriter *w, const char *text, size_t len);
int capture_writer_add_stats(CaptureWriter *w, uint64_t ts, const struct saker_ioc_stats *st);
/* Write out the pending EVENTS block. */
int capture_writer_flush(CaptureWriter *w);
/* Flush and write the END block; nothing can be added afterwards. */
int capture_writer_finish(CaptureWriter *w);

typedef enum CaptureItemType {
	CAPTURE_ITEM_EVENT,
	CAPTURE_ITEM_SNAPSHOT,
	CAPTURE_ITEM_STATS,
} CaptureItemType;

typedef struct CaptureItem {
	CaptureItemType type;
	uint64_t offset; /* file offset of the record or block */
	SkEvent event;	 /* EVENT: decoded, points into the reader's buffer */
	const char *text; /* SNAPSHOT: the JSON lines (not NUL-terminated) */
	size_t text_len;
	uint64_t stats_ts; /* STATS */
	struct saker_ioc_stats stats;
} CaptureItem;

typedef struct CaptureReader CaptureReader;

/* Read from f (not owned); reading starts at its current position. */
int capture_reader_new(FILE *f, CaptureReader **ret);
CaptureReader *capture_reader_free(CaptureReader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(CaptureReader *, capture_reader_free);
/* Read and check the file header (done by the first next() otherwise). */
int capture_reader_header(CaptureReader *r, const CaptureHeader **ret);
/*
 * The next item: 1 with *ret filled (pointers valid until the next call), 0
 * after the END block, negative errno on damage (-EBADMSG: checksum, length
 * or record; -ENODATA: the file ends early; -EPROTONOSUPPORT: other format
 * or ABI version; -EIO: read error).  After an error every call returns it
 * again; capture_reader_error() has the message and offset.
 */
int capture_reader_next(CaptureReader *r, CaptureItem *ret);
const char *capture_reader_error(const CaptureReader *r);
/* Byte offset of the damage (or of the next unread byte when none). */
uint64_t capture_reader_offset(const CaptureReader *r);

#endif /* SAKER_CAPTURE_FILE_H */
