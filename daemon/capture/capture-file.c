// SPDX-License-Identifier: MIT
/*
 * Capture file writer and reader (layout in docs/capture-format.md).  All
 * integers of the container are little-endian and written byte by byte, so
 * the file is the same on every host; the records inside EVENTS blocks are
 * the ABI's own (little-endian on every architecture Debian ships saker for).
 * The reader trusts nothing: each header carries its own CRC-32C so a
 * damaged length is caught before anything is allocated, every payload is
 * checksummed, and every record goes through sk_event_decode().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture-file.h"

/* Offsets inside the file header. */
#define HDR_OFF_VERSION 8
#define HDR_OFF_SIZE 12
#define HDR_OFF_ABI 16
#define HDR_OFF_FLAGS 20
#define HDR_OFF_BOOT 24
#define HDR_OFF_HOSTNAME 32
#define HDR_OFF_CRC (CAPTURE_HEADER_SIZE - 4)

static uint32_t crc_table[256];
static bool crc_ready;

static void crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
	__atomic_store_n(&crc_ready, true, __ATOMIC_RELEASE);
}

uint32_t capture_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	/* Computing the table twice from two threads is harmless: same values. */
	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

CaptureFormat capture_detect_format(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	if (len >= CAPTURE_MAGIC_LEN && !memcmp(p, CAPTURE_MAGIC, CAPTURE_MAGIC_LEN))
		return CAPTURE_FORMAT_CAPTURE;
	for (i = 0; i < len; i++) {
		if (p[i] == '{')
			return CAPTURE_FORMAT_JSONL;
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			break;
	}
	return CAPTURE_FORMAT_UNKNOWN;
}

/* ---- writer ---- */

struct CaptureWriter {
	int fd;
	bool finished;
	uint8_t *buf; /* block header room, then the pending EVENTS payload */
	size_t len;   /* payload bytes in buf */
	size_t cap;   /* payload capacity */
};

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void block_header(uint8_t out[CAPTURE_BLOCK_HEADER_SIZE], uint32_t type, const void *payload,
			 size_t len)
{
	put_le32(out, type);
	put_le32(out + 4, (uint32_t)len);
	put_le32(out + 8, capture_crc32c(0, payload, len));
	put_le32(out + 12, capture_crc32c(0, out, 12));
}

static int write_block(CaptureWriter *w, uint32_t type, const void *payload, size_t len)
{
	uint8_t hdr[CAPTURE_BLOCK_HEADER_SIZE];
	int ret;

	if (len > CAPTURE_MAX_BLOCK)
		return -E2BIG;
	block_header(hdr, type, payload, len);
	ret = write_all(w->fd, hdr, sizeof(hdr));
	if (ret < 0)
		return ret;
	return write_all(w->fd, payload, len);
}

int capture_writer_new(int fd, const CaptureHeader *h, CaptureWriter **ret)
{
	_cleanup_free_ CaptureWriter *w = NULL;
	uint8_t hdr[CAPTURE_HEADER_SIZE] = { 0 };
	size_t hl;
	int r;

	if (fd < 0 || !h)
		return -EINVAL;
	hl = strnlen(h->hostname, CAPTURE_HOSTNAME_MAX);
	if (hl >= CAPTURE_HOSTNAME_MAX)
		return -EINVAL;
	w = new0(CaptureWriter, 1);
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	memcpy(hdr, CAPTURE_MAGIC, CAPTURE_MAGIC_LEN);
	put_le32(hdr + HDR_OFF_VERSION, CAPTURE_FORMAT_VERSION);
	put_le32(hdr + HDR_OFF_SIZE, CAPTURE_HEADER_SIZE);
	put_le32(hdr + HDR_OFF_ABI, h->abi_version);
	put_le32(hdr + HDR_OFF_FLAGS, h->flags);
	put_le64(hdr + HDR_OFF_BOOT, h->boot_to_realtime_ns);
	memcpy(hdr + HDR_OFF_HOSTNAME, h->hostname, hl);
	put_le32(hdr + HDR_OFF_CRC, capture_crc32c(0, hdr, HDR_OFF_CRC));
	r = write_all(fd, hdr, sizeof(hdr));
	if (r < 0)
		return r;
	*ret = TAKE_PTR(w);
	return 0;
}

int capture_writer_flush(CaptureWriter *w)
{
	int r;

	if (w->len == 0)
		return 0;
	block_header(w->buf, CAPTURE_BLOCK_EVENTS, w->buf + CAPTURE_BLOCK_HEADER_SIZE, w->len);
	r = write_all(w->fd, w->buf, CAPTURE_BLOCK_HEADER_SIZE + w->len);
	/* On failure the block is dropped: a half-written block must not be repeated. */
	w->len = 0;
	return r;
}

CaptureWriter *capture_writer_free(CaptureWriter *w)
{
	if (!w)
		return NULL;
	if (!w->finished)
		(void)capture_writer_flush(w);
	free(w->buf);
	free(w);
	return NULL;
}

int capture_writer_add_event(CaptureWriter *w, const struct saker_event_hdr *hdr, size_t len)
{
	int r;

	if (w->finished)
		return -ESTALE;
	if (len < sizeof(*hdr) || len != hdr->len || len % SAKER_EVENT_ALIGN ||
	    len > SAKER_EVENT_MAX_LEN)
		return -EINVAL;
	if (w->len > 0 && w->len + len > CAPTURE_EVENTS_BLOCK_TARGET) {
		r = capture_writer_flush(w);
		if (r < 0)
			return r;
	}
	if (w->len + len > w->cap) {
		size_t cap = MAX(w->cap * 2, MAX(w->len + len, (size_t)64 * 1024));
		uint8_t *nb;

		cap = MIN(cap, (size_t)CAPTURE_EVENTS_BLOCK_TARGET + SAKER_EVENT_MAX_LEN);
		nb = realloc(w->buf, CAPTURE_BLOCK_HEADER_SIZE + cap);
		if (!nb)
			return -ENOMEM;
		w->buf = nb;
		w->cap = cap;
	}
	memcpy(w->buf + CAPTURE_BLOCK_HEADER_SIZE + w->len, hdr, len);
	w->len += len;
	return 0;
}

int capture_writer_add_snapshot(CaptureWriter *w, const char *text, size_t len)
{
	int r;

	if (w->finished)
		return -ESTALE;
	r = capture_writer_flush(w);
	if (r < 0)
		return r;
	return write_block(w, CAPTURE_BLOCK_SNAPSHOT, text, len);
}

int capture_writer_add_stats(CaptureWriter *w, uint64_t ts, const struct saker_ioc_stats *st)
{
	uint8_t payload[CAPTURE_STATS_PAYLOAD];
	const uint64_t *words = (const uint64_t *)st;
	size_t i;
	int r;

	if (w->finished)
		return -ESTALE;
	r = capture_writer_flush(w);
	if (r < 0)
		return r;
	put_le64(payload, ts);
	for (i = 0; i < sizeof(*st) / 8; i++)
		put_le64(payload + 8 + 8 * i, words[i]);
	return write_block(w, CAPTURE_BLOCK_STATS, payload, sizeof(payload));
}

int capture_writer_finish(CaptureWriter *w)
{
	int r;

	if (w->finished)
		return -ESTALE;
	r = capture_writer_flush(w);
	if (r < 0)
		return r;
	w->finished = true;
	return write_block(w, CAPTURE_BLOCK_END, "", 0);
}

/* ---- reader ---- */

struct CaptureReader {
	FILE *f;
	uint64_t off;	    /* file offset of the next unread byte */
	bool have_header;
	bool done;
	int err;	    /* sticky error, 0 none */
	uint64_t err_off;
	CaptureHeader header;
	uint8_t *buf;	    /* current block payload */
	size_t buf_cap;
	size_t blen;	    /* payload bytes */
	size_t bpos;	    /* next record in an EVENTS payload */
	uint64_t block_off; /* file offset of the payload */
	bool in_events;
	char error[CAPTURE_MAX_ERROR];
};

static int fail(CaptureReader *r, int err, uint64_t off, const char *fmt, ...) _printf_(4, 5);
static int fail(CaptureReader *r, int err, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->error, sizeof(r->error), "offset %" PRIu64 ": ", off);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(r->error))
		vsnprintf(r->error + n, sizeof(r->error) - (size_t)n, fmt, ap);
	va_end(ap);
	r->err = err;
	r->err_off = off;
	return err;
}

int capture_reader_new(FILE *f, CaptureReader **ret)
{
	CaptureReader *r;

	if (!f)
		return -EINVAL;
	r = new0(CaptureReader, 1);
	if (!r)
		return -ENOMEM;
	r->f = f;
	*ret = r;
	return 0;
}

CaptureReader *capture_reader_free(CaptureReader *r)
{
	if (!r)
		return NULL;
	free(r->buf);
	free(r);
	return NULL;
}

const char *capture_reader_error(const CaptureReader *r)
{
	return r->error;
}

uint64_t capture_reader_offset(const CaptureReader *r)
{
	return r->err ? r->err_off : r->off;
}

/* Read exactly len bytes; returns the count read (short only at EOF) or -EIO. */
static ssize_t read_full(CaptureReader *r, void *buf, size_t len)
{
	size_t n = fread(buf, 1, len, r->f);

	if (n < len && ferror(r->f))
		return -EIO;
	r->off += n;
	return (ssize_t)n;
}

static int read_header(CaptureReader *r)
{
	uint8_t hdr[CAPTURE_HEADER_SIZE];
	uint32_t version, size;
	ssize_t n;

	n = read_full(r, hdr, sizeof(hdr));
	if (n < 0)
		return fail(r, -EIO, r->off, "read error");
	if (n < CAPTURE_MAGIC_LEN || memcmp(hdr, CAPTURE_MAGIC, CAPTURE_MAGIC_LEN))
		return fail(r, n < CAPTURE_MAGIC_LEN ? -ENODATA : -EPROTONOSUPPORT, 0,
			    "not a saker capture file (no " CAPTURE_MAGIC " magic)");
	if (n >= HDR_OFF_VERSION + 4) {
		version = get_le32(hdr + HDR_OFF_VERSION);
		if (version != CAPTURE_FORMAT_VERSION)
			return fail(r, -EPROTONOSUPPORT, HDR_OFF_VERSION,
				    "capture format version %" PRIu32
				    ", this saker reads version %u",
				    version, CAPTURE_FORMAT_VERSION);
	}
	if ((size_t)n < sizeof(hdr))
		return fail(r, -ENODATA, (uint64_t)n, "file header truncated (%zd of %u bytes)", n,
			    CAPTURE_HEADER_SIZE);
	if (get_le32(hdr + HDR_OFF_CRC) != capture_crc32c(0, hdr, HDR_OFF_CRC))
		return fail(r, -EBADMSG, HDR_OFF_CRC, "file header checksum mismatch");
	size = get_le32(hdr + HDR_OFF_SIZE);
	if (size != CAPTURE_HEADER_SIZE)
		return fail(r, -EBADMSG, HDR_OFF_SIZE, "file header size %" PRIu32 ", expected %u",
			    size, CAPTURE_HEADER_SIZE);
	r->header.format_version = version;
	r->header.abi_version = get_le32(hdr + HDR_OFF_ABI);
	r->header.flags = get_le32(hdr + HDR_OFF_FLAGS);
	r->header.boot_to_realtime_ns = get_le64(hdr + HDR_OFF_BOOT);
	memcpy(r->header.hostname, hdr + HDR_OFF_HOSTNAME, CAPTURE_HOSTNAME_MAX - 1);
	r->header.hostname[CAPTURE_HOSTNAME_MAX - 1] = '\0';
	if (r->header.abi_version != SAKER_ABI_VERSION)
		return fail(r, -EPROTONOSUPPORT, HDR_OFF_ABI,
			    "capture recorded with event ABI %" PRIu32 ", this saker reads ABI %u",
			    r->header.abi_version, SAKER_ABI_VERSION);
	r->have_header = true;
	return 0;
}

int capture_reader_header(CaptureReader *r, const CaptureHeader **ret)
{
	int e;

	if (r->err)
		return r->err;
	if (!r->have_header) {
		e = read_header(r);
		if (e < 0)
			return e;
	}
	*ret = &r->header;
	return 0;
}

/* Read the next block into r->buf.  Returns its type. */
static int read_block(CaptureReader *r)
{
	uint8_t hdr[CAPTURE_BLOCK_HEADER_SIZE];
	uint64_t start = r->off;
	uint32_t type, len;
	ssize_t n;

	n = read_full(r, hdr, sizeof(hdr));
	if (n < 0)
		return fail(r, -EIO, r->off, "read error");
	if (n == 0)
		return fail(r, -ENODATA, start, "file ends without its end block (capture cut short)");
	if ((size_t)n < sizeof(hdr))
		return fail(r, -ENODATA, start, "block header truncated (%zd of %u bytes)", n,
			    CAPTURE_BLOCK_HEADER_SIZE);
	if (get_le32(hdr + 12) != capture_crc32c(0, hdr, 12))
		return fail(r, -EBADMSG, start, "block header checksum mismatch");
	type = get_le32(hdr);
	len = get_le32(hdr + 4);
	if (len > CAPTURE_MAX_BLOCK)
		return fail(r, -EBADMSG, start, "block of %" PRIu32 " bytes exceeds the limit of %u",
			    len, CAPTURE_MAX_BLOCK);
	if (len > r->buf_cap) {
		uint8_t *nb = realloc(r->buf, len);

		if (!nb)
			return fail(r, -ENOMEM, start, "out of memory for a %" PRIu32 "-byte block",
				    len);
		r->buf = nb;
		r->buf_cap = len;
	}
	r->block_off = r->off;
	n = read_full(r, r->buf, len);
	if (n < 0)
		return fail(r, -EIO, r->off, "read error");
	if ((size_t)n < len)
		return fail(r, -ENODATA, r->off, "block truncated (%zd of %" PRIu32 " bytes)", n,
			    len);
	if (get_le32(hdr + 8) != capture_crc32c(0, r->buf, len))
		return fail(r, -EBADMSG, start, "block payload checksum mismatch");
	r->blen = len;
	r->bpos = 0;
	return (int)type;
}

static int next_record(CaptureReader *r, CaptureItem *ret)
{
	const uint8_t *p = r->buf + r->bpos;
	size_t left = r->blen - r->bpos;
	uint64_t off = r->block_off + r->bpos;
	int n;

	memset(ret, 0, sizeof(*ret));
	if (left < sizeof(struct saker_event_hdr))
		return fail(r, -EBADMSG, off, "%zu stray bytes after the last record", left);
	n = sk_event_decode(p, left, &ret->event);
	if (n < 0)
		return fail(r, -EBADMSG, off, "malformed event record");
	if ((size_t)n > left || n == 0)
		return fail(r, -EBADMSG, off, "record length out of bounds");
	ret->type = CAPTURE_ITEM_EVENT;
	ret->offset = off;
	r->bpos += (size_t)n;
	return 1;
}

int capture_reader_next(CaptureReader *r, CaptureItem *ret)
{
	int type, e;

	if (r->err)
		return r->err;
	if (r->done)
		return 0;
	if (!r->have_header) {
		e = read_header(r);
		if (e < 0)
			return e;
	}
	for (;;) {
		if (r->in_events) {
			if (r->bpos < r->blen)
				return next_record(r, ret);
			r->in_events = false;
		}
		type = read_block(r);
		if (type < 0)
			return type;
		switch (type) {
		case CAPTURE_BLOCK_EVENTS:
			r->in_events = true;
			continue;
		case CAPTURE_BLOCK_SNAPSHOT:
			memset(ret, 0, sizeof(*ret));
			ret->type = CAPTURE_ITEM_SNAPSHOT;
			ret->offset = r->block_off;
			ret->text = (const char *)r->buf;
			ret->text_len = r->blen;
			return 1;
		case CAPTURE_BLOCK_STATS: {
			uint64_t *words = (uint64_t *)&ret->stats;
			size_t i;

			if (r->blen != CAPTURE_STATS_PAYLOAD)
				return fail(r, -EBADMSG, r->block_off,
					    "statistics block of %zu bytes, expected %zu", r->blen,
					    (size_t)CAPTURE_STATS_PAYLOAD);
			memset(ret, 0, sizeof(*ret));
			ret->type = CAPTURE_ITEM_STATS;
			ret->offset = r->block_off;
			ret->stats_ts = get_le64(r->buf);
			for (i = 0; i < sizeof(ret->stats) / 8; i++)
				words[i] = get_le64(r->buf + 8 + 8 * i);
			return 1;
		}
		case CAPTURE_BLOCK_END:
			r->done = true;
			return 0;
		default:
			/* A block type from a later minor revision: checked, skipped. */
			continue;
		}
	}
}
