/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Layout of what /dev/saker maps: one read-only info page, one writable
 * consumer page, then one read-only ring per CPU.  Each ring is written by
 * exactly one producer (its CPU, preemption disabled) and read by one
 * consumer.  head and tail are free-running byte counters; the position in
 * the data area is counter & (ring_size - 1).
 */
#ifndef SAKER_RING_H
#define SAKER_RING_H

#include "event.h"

#define SAKER_MAX_CPUS		1024
#define SAKER_PAGE_SIZE		4096u

/*
 * mmap offsets (in bytes; always multiples of the page size):
 *   SAKER_MMAP_INFO      info page, read-only (struct saker_ring_info)
 *   SAKER_MMAP_CONSUMER  consumer page, read-write (struct saker_consumer)
 *   SAKER_MMAP_RING(cpu) the data area of CPU cpu's ring, read-only,
 *                        info->ring_size bytes
 * The rings for CPUs without a ring (not possible) are absent: mapping them
 * fails with ENXIO.
 */
#define SAKER_MMAP_INFO		0ull
#define SAKER_MMAP_CONSUMER	((__u64)SAKER_PAGE_SIZE)
#define SAKER_MMAP_RING_BASE	(1ull << 32)
#define SAKER_MMAP_RING(cpu)	(SAKER_MMAP_RING_BASE + ((__u64)(cpu) << 32))

/* Why a record was not written (per CPU counters, struct saker_cpu_stats). */
#define SAKER_DROP_REASONS(D)						\
	D(RING_FULL, "ring_full")	/* consumer too slow */		\
	D(BAD_TAIL, "bad_tail")		/* consumer page held nonsense */ \
	D(TOO_BIG, "too_big")		/* record over SAKER_EVENT_MAX_LEN */ \
	D(NO_SCRATCH, "no_scratch")	/* could not build the record */ \
	D(PAUSED, "paused")		/* capture stopped mid-syscall */

enum saker_drop_reason {
#define SAKER_DROP_ENUM(id, name) SAKER_DROP_##id,
	SAKER_DROP_REASONS(SAKER_DROP_ENUM)
#undef SAKER_DROP_ENUM
	SAKER_DROP_MAX
};

/* Per-CPU counters, maintained by that CPU only. */
struct saker_cpu_stats {
	__u64 events;			/* records written */
	__u64 bytes;			/* bytes written incl. padding */
	__u64 drops[8];			/* by enum saker_drop_reason */
	__u64 faults;			/* parameters marked faulted */
	__u64 truncated;		/* parameters cut to snaplen */
	__u64 filtered;			/* syscalls skipped by the bitmap */
	__u64 reserved[7];
};
SAKER_STATIC_ASSERT(sizeof(struct saker_cpu_stats) == 160, "cpu stats size");

/* Per-CPU producer state in the info page. */
struct saker_ring_cpu {
	__u64 head;			/* producer position, store-release */
	__u32 present;			/* 1 when this CPU has a ring */
	__u32 online;			/* 1 while the CPU is online */
	struct saker_cpu_stats stats;
	__u64 pad[2];			/* one 64-byte line set per CPU */
};
SAKER_STATIC_ASSERT(sizeof(struct saker_ring_cpu) == 192, "ring cpu size");

/*
 * The info page(s) (read-only for the consumer).  Spans
 * info_size bytes (a page multiple) starting at SAKER_MMAP_INFO.
 */
struct saker_ring_info {
	__u32 magic;			/* SAKER_ABI_MAGIC */
	__u32 abi_version;		/* SAKER_ABI_VERSION */
	__u32 info_size;		/* bytes mapped at SAKER_MMAP_INFO */
	__u32 nr_cpus;			/* entries in cpus[] (nr_cpu_ids) */
	__u64 ring_size;		/* data bytes per ring, power of two */
	__u64 boot_to_realtime_ns;	/* add to ts for wall-clock ns */
	__u32 capturing;		/* 1 while tracepoints are registered */
	__u32 snaplen;			/* bytes of I/O data kept */
	__u64 reserved[11];
	struct saker_ring_cpu cpus[];	/* nr_cpus entries, 64-byte aligned */
};
SAKER_STATIC_ASSERT(sizeof(struct saker_ring_info) == 128, "ring info size");

/* The consumer page: the only memory the reader writes. */
struct saker_consumer {
	__u64 tail[SAKER_MAX_CPUS / 2];	/* consumer positions, per CPU */
};
/* tail[] holds 512 CPUs per page; more CPUs use more consumer pages. */
#define SAKER_CONSUMER_SIZE(nr_cpus) \
	((((__u64)(nr_cpus) * 8) + SAKER_PAGE_SIZE - 1) & ~((__u64)SAKER_PAGE_SIZE - 1))

/*
 * Records never straddle the end of a data area: when the next record does
 * not fit, the producer fills the rest with a SAKER_EVT_PAD record (or, when
 * fewer than sizeof(struct saker_event_hdr) bytes remain, leaves them and the
 * consumer skips to the start).  All records are SAKER_EVENT_ALIGN aligned.
 */

#endif /* SAKER_RING_H */
