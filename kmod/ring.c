// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU rings and the pages /dev/saker maps.  The info page (geometry,
 * heads, counters) and the data areas are read-only for the consumer; only
 * the consumer page, holding its tails, is writable.  The producer is the
 * CPU owning the ring, preemption disabled: it publishes the head with a
 * store-release after the record is complete and loads the tail with an
 * acquire, so the consumer is done with bytes before they are reused.  A
 * tail the consumer wrote that cannot be right (ahead of the head, or more
 * than a ring behind) is never used: the record is dropped and counted.
 * Rings exist for every possible CPU and stay allocated across hotplug.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "record.h"
#include "ring.h"

/* Producer-private state of one CPU's ring. */
struct saker_ring {
	u8 *data;			/* ring_size bytes, user-mappable */
	u8 *scratch;			/* SAKER_REC_MAX bytes, kernel only */
	struct saker_ring_cpu *shared;	/* head and stats in the info page */
	u64 head;			/* private copy of shared->head */
	u64 lost;			/* records dropped since the last DROP */
	u32 lost_reason;		/* reason of the last drop */
};

static struct saker_ring *saker_rings;
static struct saker_ring_info *saker_info;
static u64 *saker_tails;		/* the consumer page(s) */
static unsigned int saker_nr_cpus;
static u64 saker_ring_size;
static size_t saker_info_size;
static size_t saker_consumer_size;

/* Size of a DROP record: header, 3 lengths, res, lost, reason, padding. */
#define SAKER_DROP_REC_LEN \
	ALIGN(sizeof(struct saker_event_hdr) + 3 * 2 + 8 + 8 + 4, \
	      SAKER_EVENT_ALIGN)

static void saker_ring_free(struct saker_ring *ring)
{
	vfree(ring->data);
	vfree(ring->scratch);
	ring->data = NULL;
	ring->scratch = NULL;
}

/**
 * saker_rings_init() - allocate the info page, consumer page and rings
 * @ring_size: bytes per ring, a power of two
 *
 * Return: 0 or -ENOMEM/-EINVAL.
 */
int saker_rings_init(unsigned int ring_size)
{
	unsigned int cpu;

	if (nr_cpu_ids > SAKER_MAX_CPUS)
		return -EINVAL;

	saker_nr_cpus = nr_cpu_ids;
	saker_ring_size = ring_size;
	saker_info_size = PAGE_ALIGN(sizeof(*saker_info) +
				     saker_nr_cpus * sizeof(saker_info->cpus[0]));
	saker_consumer_size = SAKER_CONSUMER_SIZE(saker_nr_cpus);

	saker_info = vmalloc_user(saker_info_size);
	if (!saker_info)
		return -ENOMEM;

	saker_tails = vmalloc_user(saker_consumer_size);
	if (!saker_tails)
		goto err_free_info;

	saker_rings = kcalloc(saker_nr_cpus, sizeof(*saker_rings), GFP_KERNEL);
	if (!saker_rings)
		goto err_free_tails;

	for_each_possible_cpu(cpu) {
		struct saker_ring *ring = &saker_rings[cpu];

		ring->data = vmalloc_user(ring_size);
		ring->scratch = vmalloc_node(SAKER_REC_MAX, cpu_to_node(cpu));
		if (!ring->data || !ring->scratch)
			goto err_free_rings;
		ring->shared = &saker_info->cpus[cpu];
		ring->shared->present = 1;
	}

	saker_info->magic = SAKER_ABI_MAGIC;
	saker_info->abi_version = SAKER_ABI_VERSION;
	saker_info->info_size = saker_info_size;
	saker_info->nr_cpus = saker_nr_cpus;
	saker_info->ring_size = ring_size;
	saker_info->snaplen = SAKER_SNAPLEN_DEFAULT;
	saker_rings_update_clock();
	return 0;

err_free_rings:
	for_each_possible_cpu(cpu)
		saker_ring_free(&saker_rings[cpu]);
	kfree(saker_rings);
	saker_rings = NULL;
err_free_tails:
	vfree(saker_tails);
	saker_tails = NULL;
err_free_info:
	vfree(saker_info);
	saker_info = NULL;
	return -ENOMEM;
}

/* Free everything; no probe may run any more. */
void saker_rings_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		saker_ring_free(&saker_rings[cpu]);
	kfree(saker_rings);
	vfree(saker_tails);
	vfree(saker_info);
	saker_rings = NULL;
	saker_tails = NULL;
	saker_info = NULL;
}

/*
 * A new reader starts where the producers are, without the losses of the
 * previous one.  Capture is stopped (no probe runs) while nobody has the
 * device open, so the producer state does not move under us.
 */
void saker_rings_reset_tails(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		saker_rings[cpu].lost = 0;
		WRITE_ONCE(saker_tails[cpu], saker_rings[cpu].head);
	}
}

void saker_rings_set_online(unsigned int cpu, bool online)
{
	if (cpu < saker_nr_cpus)
		WRITE_ONCE(saker_info->cpus[cpu].online, online);
}

void saker_rings_set_capturing(bool on)
{
	WRITE_ONCE(saker_info->capturing, on);
}

void saker_rings_set_snaplen(u32 snaplen)
{
	WRITE_ONCE(saker_info->snaplen, snaplen);
}

/* Wall clock minus boot clock: what the reader adds to ts. */
void saker_rings_update_clock(void)
{
	WRITE_ONCE(saker_info->boot_to_realtime_ns,
		   ktime_get_real_ns() - ktime_get_boottime_ns());
}

void saker_rings_get_info(struct saker_ioc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->magic = SAKER_ABI_MAGIC;
	info->abi_version = SAKER_ABI_VERSION;
	info->nr_cpus = saker_nr_cpus;
	info->info_size = saker_info_size;
	info->ring_size = saker_ring_size;
	info->consumer_size = saker_consumer_size;
	info->nr_events = SAKER_EVT_MAX;
}

void saker_rings_get_stats(struct saker_ioc_stats *st)
{
	unsigned int cpu, i;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		const struct saker_cpu_stats *s = &saker_info->cpus[cpu].stats;

		st->events += READ_ONCE(s->events);
		st->bytes += READ_ONCE(s->bytes);
		for (i = 0; i < ARRAY_SIZE(st->drops); i++)
			st->drops[i] += READ_ONCE(s->drops[i]);
		st->faults += READ_ONCE(s->faults);
		st->truncated += READ_ONCE(s->truncated);
		st->filtered += READ_ONCE(s->filtered);
	}
}

struct saker_cpu_stats *saker_ring_stats(unsigned int cpu)
{
	return &saker_rings[cpu].shared->stats;
}

/**
 * saker_rings_mmap() - map one of the areas of ring.h
 * @vma: the mapping; its offset selects the area
 *
 * The info page and the rings are read-only: a writable mapping is refused
 * and VM_MAYWRITE is cleared so mprotect() cannot add write access later.
 * The consumer page must be shared to be of any use.  Nothing is
 * executable.
 *
 * Return: 0 or a negative errno.
 */
int saker_rings_mmap(struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long len = vma->vm_end - vma->vm_start;
	bool writable = false;
	void *area;
	u64 size;

	if (off == SAKER_MMAP_INFO) {
		area = saker_info;
		size = saker_info_size;
	} else if (off == SAKER_MMAP_CONSUMER) {
		area = saker_tails;
		size = saker_consumer_size;
		writable = true;
	} else if (off >= SAKER_MMAP_RING_BASE &&
		   !(off & (SAKER_MMAP_RING_BASE - 1))) {
		u64 cpu = (off >> 32) - 1;

		if (cpu >= saker_nr_cpus || !saker_rings[cpu].data)
			return -ENXIO;
		area = saker_rings[cpu].data;
		size = saker_ring_size;
	} else {
		return -EINVAL;
	}

	if (len > size)
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EACCES;
	if (writable) {
		if (!(vma->vm_flags & VM_SHARED))
			return -EINVAL;
	} else {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		saker_vm_flags_clear(vma, VM_MAYWRITE);
	}
	saker_vm_flags_clear(vma, VM_MAYEXEC);
	saker_vm_flags_set(vma, VM_DONTCOPY);
	return remap_vmalloc_range(vma, area, 0);
}

static inline void saker_stat_add(u64 *counter, u64 n)
{
	WRITE_ONCE(*counter, *counter + n);
}

/**
 * saker_ring_drop() - count a record that was not written
 * @cpu: the current CPU
 * @why: enum saker_drop_reason
 *
 * The next record that fits is preceded by a DROP record with the count.
 */
void saker_ring_drop(unsigned int cpu, enum saker_drop_reason why)
{
	struct saker_ring *ring = &saker_rings[cpu];

	saker_stat_add(&ring->shared->stats.drops[why], 1);
	ring->lost++;
	ring->lost_reason = why;
}

/*
 * Free bytes in the ring, from a tail the consumer wrote: -1 when that tail
 * is impossible (ahead of the head, or more than a ring behind it).
 */
static s64 saker_ring_free_bytes(struct saker_ring *ring, unsigned int cpu)
{
	/* Pairs with the consumer's release: it is done with those bytes. */
	u64 tail = smp_load_acquire(&saker_tails[cpu]);
	u64 used = ring->head - tail;

	if (used > saker_ring_size)	/* also catches tail > head */
		return -1;
	return saker_ring_size - used;
}

/* Header of a record written by the current task on @cpu. */
void saker_hdr_init(struct saker_event_hdr *h, u16 type, u16 cpu, u32 len,
		    u16 nparams)
{
	h->ts = ktime_get_boottime_ns();
	h->tid = current->pid;
	h->pid = current->tgid;
	h->len = len;
	h->type = type;
	h->cpu = cpu;
	h->nparams = nparams;
	h->flags = 0;
	h->reserved = 0;
}

/* Fill the rest of the ring with a PAD record (or leave a short gap). */
static void saker_ring_pad(struct saker_ring *ring, unsigned int cpu,
			   u64 to_end)
{
	u8 *p = ring->data + (ring->head & (saker_ring_size - 1));

	if (to_end >= sizeof(struct saker_event_hdr))
		saker_hdr_init((struct saker_event_hdr *)p, SAKER_EVT_PAD, cpu,
			       to_end, 0);
	ring->head += to_end;
	saker_stat_add(&ring->shared->stats.bytes, to_end);
}

/* Write and publish the DROP record that reports ring->lost. */
static void saker_ring_put_drop(struct saker_ring *ring, unsigned int cpu)
{
	u64 pos = ring->head & (saker_ring_size - 1);
	u8 *p = ring->data + pos;
	u8 *param = p + sizeof(struct saker_event_hdr) + 3 * 2;

	saker_hdr_init((struct saker_event_hdr *)p, SAKER_EVT_DROP, cpu,
		       SAKER_DROP_REC_LEN, SAKER_NPARAMS_DROP);
	put_unaligned_le16(8, p + sizeof(struct saker_event_hdr));
	put_unaligned_le16(8, p + sizeof(struct saker_event_hdr) + 2);
	put_unaligned_le16(4, p + sizeof(struct saker_event_hdr) + 4);
	put_unaligned_le64(0, param);
	put_unaligned_le64(ring->lost, param + 8);
	put_unaligned_le32(ring->lost_reason, param + 16);
	memset(param + 20, 0, SAKER_DROP_REC_LEN - (param + 20 - p));

	ring->head += SAKER_DROP_REC_LEN;
	ring->lost = 0;
	saker_stat_add(&ring->shared->stats.bytes, SAKER_DROP_REC_LEN);
	/* Pairs with the consumer's acquire: the record is complete. */
	smp_store_release(&ring->shared->head, ring->head);
}

/*
 * Report earlier drops before the next record, when the ring has room for
 * the DROP record where it stands.
 */
static void saker_ring_flush_lost(struct saker_ring *ring, unsigned int cpu,
				  s64 free)
{
	u64 to_end = saker_ring_size - (ring->head & (saker_ring_size - 1));

	if (to_end < SAKER_DROP_REC_LEN) {
		if ((u64)free < to_end + SAKER_DROP_REC_LEN)
			return;
		saker_ring_pad(ring, cpu, to_end);
	} else if ((u64)free < SAKER_DROP_REC_LEN) {
		return;
	}
	saker_ring_put_drop(ring, cpu);
}

/**
 * saker_ring_begin() - find room for a record
 * @r: the record; buf, cap and in_place are set
 * @cpu: the current CPU
 *
 * The record is built in place when a whole SAKER_REC_MAX fits before the
 * end of the ring and inside the free space, else in the CPU's scratch
 * buffer and copied at commit.
 *
 * Return: false when the consumer's tail is invalid (counted as dropped).
 */
bool saker_ring_begin(struct saker_rec *r, unsigned int cpu)
{
	struct saker_ring *ring = &saker_rings[cpu];
	s64 free = saker_ring_free_bytes(ring, cpu);
	u64 pos, to_end;

	if (free < 0) {
		saker_ring_drop(cpu, SAKER_DROP_BAD_TAIL);
		return false;
	}
	if (ring->lost) {
		saker_ring_flush_lost(ring, cpu, free);
		free = saker_ring_free_bytes(ring, cpu);
		if (free < 0) {
			saker_ring_drop(cpu, SAKER_DROP_BAD_TAIL);
			return false;
		}
	}

	pos = ring->head & (saker_ring_size - 1);
	to_end = saker_ring_size - pos;
	r->cpu = cpu;
	r->cap = SAKER_REC_MAX;
	if (to_end >= SAKER_REC_MAX && free >= SAKER_REC_MAX) {
		r->buf = ring->data + pos;
		r->in_place = true;
	} else {
		r->buf = ring->scratch;
		r->in_place = false;
	}
	return true;
}

/**
 * saker_ring_commit() - publish a finished record
 * @r: the record; r->len is a multiple of SAKER_EVENT_ALIGN
 *
 * A record built in scratch is copied into the ring, after a PAD record
 * when it would straddle the end; when it does not fit it is dropped.
 */
void saker_ring_commit(struct saker_rec *r)
{
	struct saker_ring *ring = &saker_rings[r->cpu];
	struct saker_cpu_stats *st = &ring->shared->stats;
	u64 pos, to_end;
	s64 free;

	if (!r->in_place) {
		free = saker_ring_free_bytes(ring, r->cpu);
		if (free < 0) {
			saker_ring_drop(r->cpu, SAKER_DROP_BAD_TAIL);
			return;
		}
		pos = ring->head & (saker_ring_size - 1);
		to_end = saker_ring_size - pos;
		if (to_end < r->len) {
			if ((u64)free < to_end + r->len) {
				saker_ring_drop(r->cpu, SAKER_DROP_RING_FULL);
				return;
			}
			saker_ring_pad(ring, r->cpu, to_end);
			pos = 0;
		} else if ((u64)free < r->len) {
			saker_ring_drop(r->cpu, SAKER_DROP_RING_FULL);
			return;
		}
		memcpy(ring->data + pos, r->buf, r->len);
	}

	ring->head += r->len;
	saker_stat_add(&st->events, 1);
	saker_stat_add(&st->bytes, r->len);
	/* Pairs with the consumer's acquire: the record is complete. */
	smp_store_release(&ring->shared->head, ring->head);
}
