/* SPDX-License-Identifier: MIT */
/*
 * Reader of the kernel module's per-CPU rings (include/saker/ring.h).  Maps
 * the device, or reads caller-provided memory laid out like the mappings
 * (unit tests, replays), and hands out records merged across CPUs in
 * timestamp order without copying them.  Never trusts the ring contents: a
 * malformed record is counted and that CPU's ring is resynchronised.
 */
#ifndef SAKER_RING_READER_H
#define SAKER_RING_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/macro.h"
#include "saker/ioctl.h"
#include "saker/ring.h"

/* Adaptive poll interval: shortest while records keep coming, longest when idle. */
#define RING_READER_POLL_MIN_MS 1
#define RING_READER_POLL_MAX_MS 50
/* Length of the message kept for ring_reader_error(). */
#define RING_READER_MAX_ERROR 256

typedef struct RingReader RingReader;

/*
 * Memory laid out exactly like the device's mappings: the info page(s), the
 * consumer page (tails, written by the reader) and one data area of
 * info->ring_size bytes per CPU (NULL where info->cpus[cpu].present is 0).
 * rings[] has info->nr_cpus entries.  Everything must outlive the reader.
 */
typedef struct RingReaderMemory {
	const struct saker_ring_info *info;
	size_t info_size; /* bytes readable at info */
	struct saker_consumer *consumer;
	size_t consumer_size; /* bytes at consumer */
	const uint8_t *const *rings;
} RingReaderMemory;

/* Counters kept by the reader itself (the module's are in ring_reader_stats()). */
typedef struct RingReaderCounters {
	uint64_t records; /* records handed out */
	uint64_t bytes;	  /* bytes consumed incl. padding */
	uint64_t pads;	  /* PAD records and end-of-area gaps skipped */
	uint64_t corrupt; /* resynchronisations after a malformed record */
} RingReaderCounters;

RingReader *ring_reader_new(void);
RingReader *ring_reader_free(RingReader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(RingReader *, ring_reader_free);

/*
 * Open the device at path (NULL: SAKER_DEVICE_PATH) and map everything.
 * -EPROTO when the module speaks another ABI, -EBUSY when another reader has
 * it; ring_reader_error() then has a sentence for the user.
 */
int ring_reader_open_device(RingReader *r, const char *path);
/* Read from memory (see RingReaderMemory).  -EPROTO on a bad info page. */
int ring_reader_open_memory(RingReader *r, const RingReaderMemory *m);
/* Unmap and close; the reader can be opened again. */
void ring_reader_close(RingReader *r);
/* Message for the last failure of an open or ioctl ("" when none). */
const char *ring_reader_error(const RingReader *r);

/*
 * The next record, merged across CPUs: the one with the smallest timestamp
 * among every CPU's next record.  *ret points into the ring and stays valid
 * until ring_reader_release() or the next ring_reader_next(), which releases
 * it (publishes the new tail) first.  *ret_len is the validated length (use it
 * rather than re-reading (*ret)->len).  Returns 1 with a record, 0 when every
 * ring is empty, negative errno when the reader is not open.  Rings of CPUs
 * that went offline are still drained (their records stay valid); CPUs
 * without a ring (present == 0) are skipped.  A malformed record makes the
 * reader skip that CPU to its producer head (counted in
 * RingReaderCounters.corrupt), so it never reads bytes it could not check.
 */
int ring_reader_next(RingReader *r, const struct saker_event_hdr **ret, size_t *ret_len);
/* Give back the record from the last ring_reader_next() to the producer. */
void ring_reader_release(RingReader *r);
/* Whether any ring holds records (never sleeps). */
bool ring_reader_pending(RingReader *r);

/*
 * Sleep until records are likely (the adaptive interval: 1 ms after a busy
 * round, doubling to 50 ms while idle) or wake_fd (may be -1) becomes
 * readable.  Returns 1 when records are pending, 0 otherwise, negative errno
 * on a poll failure other than EINTR.  Also maps rings of CPUs that became
 * present since the open.
 */
int ring_reader_wait(RingReader *r, int wake_fd);
/* The interval the next ring_reader_wait() sleeps for, in ms. */
unsigned ring_reader_poll_interval_ms(const RingReader *r);

/* Device controls (-ENOTTY on a memory reader). */
int ring_reader_set_events(RingReader *r, const struct saker_ioc_events *ev);
int ring_reader_set_snaplen(RingReader *r, uint32_t snaplen);
int ring_reader_exclude_tgid(RingReader *r, uint32_t tgid);
int ring_reader_start(RingReader *r);
int ring_reader_stop(RingReader *r);

/* Module-wide statistics: GET_STATS on the device, summed from the info page otherwise. */
int ring_reader_stats(RingReader *r, struct saker_ioc_stats *ret);
/* One CPU's counters from the info page; -ENXIO for a CPU without a ring. */
int ring_reader_cpu_stats(RingReader *r, unsigned cpu, struct saker_cpu_stats *ret);
void ring_reader_counters(const RingReader *r, RingReaderCounters *ret);

/* Geometry of an open reader. */
unsigned ring_reader_nr_cpus(const RingReader *r);
bool ring_reader_cpu_online(const RingReader *r, unsigned cpu);
uint64_t ring_reader_boot_to_realtime_ns(const RingReader *r);

#endif /* SAKER_RING_READER_H */
