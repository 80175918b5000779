/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU rings of saker.ko (layout in the ABI headers).  One producer
 * per ring: the CPU it belongs to, with preemption disabled for the whole
 * record.  The consumer's tail lives in a page it may write, so the producer
 * re-validates it on every record.
 */
#ifndef SAKER_RING_H_INTERNAL
#define SAKER_RING_H_INTERNAL

#include <linux/mm_types.h>

#include "saker.h"

struct saker_rec;

int saker_rings_init(unsigned int ring_size);
void saker_rings_exit(void);
void saker_rings_reset_tails(void);
int saker_rings_mmap(struct vm_area_struct *vma);
void saker_rings_set_online(unsigned int cpu, bool online);
void saker_rings_set_capturing(bool on);
void saker_rings_set_snaplen(u32 snaplen);
void saker_rings_update_clock(void);
void saker_rings_get_info(struct saker_ioc_info *info);
void saker_rings_get_stats(struct saker_ioc_stats *st);

/* Hot path; the caller has preemption disabled and runs on @cpu. */
bool saker_ring_begin(struct saker_rec *r, unsigned int cpu);
void saker_ring_commit(struct saker_rec *r);
void saker_ring_drop(unsigned int cpu, enum saker_drop_reason why);
struct saker_cpu_stats *saker_ring_stats(unsigned int cpu);
void saker_hdr_init(struct saker_event_hdr *h, u16 type, u16 cpu, u32 len,
		    u16 nparams);

#endif /* SAKER_RING_H_INTERNAL */
