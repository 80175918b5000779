/* SPDX-License-Identifier: MIT */
/*
 * Typed, bounds-checked views of raw saker records (ring, capture file or
 * encoded fixture).  Decoding never copies parameter bytes: an SkEvent points
 * into the record, which must outlive it.  A malformed record is rejected
 * with -EBADMSG and never partially trusted.
 */
#ifndef SAKER_DECODE_H
#define SAKER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/event-info.h"
#include "saker/event.h"

typedef struct SkParam {
	const uint8_t *data; /* NULL when faulted or empty */
	uint16_t len;
	bool faulted;
} SkParam;

typedef struct SkEvent {
	const struct saker_event_hdr *hdr;
	const struct event_info *info;
	uint64_t ts;
	int64_t tid;
	int64_t pid;
	uint16_t type;
	uint16_t nparams; /* min(record's count, table's count) */
	SkParam params[SAKER_MAX_PARAMS];
} SkEvent;

/*
 * Decode the record at buf (len bytes available).  On success fills *ret and
 * returns the record length (hdr->len).  Checks: header fits, len within
 * bounds and aligned, known type, parameter lengths fit inside len, fixed-size
 * parameters have their exact size, strings are NUL-terminated.
 */
int sk_event_decode(const void *buf, size_t len, SkEvent *ret);

/* Typed accessors: -ENOENT absent/faulted, -EBADMSG wrong type or size. */
int sk_event_get_s64(const SkEvent *e, unsigned idx, int64_t *ret);
int sk_event_get_u64(const SkEvent *e, unsigned idx, uint64_t *ret);
/* String parameters (PATH, ABSPATH, STR): returns the NUL-terminated text. */
int sk_event_get_str(const SkEvent *e, unsigned idx, const char **ret);
/* Lookup by parameter name; -ENOENT if this event type has no such param. */
int sk_event_param_by_name(const SkEvent *e, const char *name, unsigned *ret_idx);
/* The return value (first parameter, signed). */
int sk_event_res(const SkEvent *e, int64_t *ret);

#endif /* SAKER_DECODE_H */
