/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * ioctls of /dev/saker.  The device has one reader at a time (a second
 * open fails with EBUSY) and is root-only (mode 0600).
 */
#ifndef SAKER_IOCTL_H
#define SAKER_IOCTL_H

#include "event.h"
#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define SAKER_DEVICE_NAME "saker"
#define SAKER_DEVICE_PATH "/dev/saker"

/* SAKER_IOC_GET_INFO: what the reader needs before mapping anything. */
struct saker_ioc_info {
	__u32 magic;		/* SAKER_ABI_MAGIC */
	__u32 abi_version;	/* SAKER_ABI_VERSION */
	__u32 nr_cpus;		/* ring slots (nr_cpu_ids) */
	__u32 info_size;	/* bytes of the info mapping */
	__u64 ring_size;	/* bytes per ring */
	__u64 consumer_size;	/* bytes of the consumer mapping */
	__u32 nr_events;	/* SAKER_EVT_MAX of the module */
	__u32 reserved[3];
};

/* SAKER_IOC_SET_EVENTS: which event types to capture (bit = event type). */
struct saker_ioc_events {
	__u64 bits[SAKER_EVT_BITMAP_WORDS];
};

/* Module-wide statistics, summed over CPUs. */
struct saker_ioc_stats {
	__u64 events;
	__u64 bytes;
	__u64 drops[8];		/* by enum saker_drop_reason */
	__u64 faults;
	__u64 truncated;
	__u64 filtered;
	__u64 reserved[7];
};

#define SAKER_IOC_MAGIC 'S'
#define SAKER_IOC_GET_INFO	_IOR(SAKER_IOC_MAGIC, 1, struct saker_ioc_info)
#define SAKER_IOC_START		_IO(SAKER_IOC_MAGIC, 2)
#define SAKER_IOC_STOP		_IO(SAKER_IOC_MAGIC, 3)
#define SAKER_IOC_SET_EVENTS	_IOW(SAKER_IOC_MAGIC, 4, struct saker_ioc_events)
#define SAKER_IOC_SET_SNAPLEN	_IOW(SAKER_IOC_MAGIC, 5, __u32)
#define SAKER_IOC_EXCLUDE_TGID	_IOW(SAKER_IOC_MAGIC, 6, __u32)
#define SAKER_IOC_GET_STATS	_IOR(SAKER_IOC_MAGIC, 7, struct saker_ioc_stats)

/* Default and bounds of the snaplen (I/O data bytes kept per event). */
#define SAKER_SNAPLEN_DEFAULT	80
#define SAKER_SNAPLEN_MAX	4096

#endif /* SAKER_IOCTL_H */
