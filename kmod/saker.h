/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * saker.ko internals shared by every file: the capture state the control
 * path writes and the hot path reads, and the named limits on everything a
 * traced program controls (string and path lengths, argv/env bytes).
 */
#ifndef SAKER_SAKER_H
#define SAKER_SAKER_H

#include <linux/bitops.h>
#include <linux/limits.h>
#include <linux/types.h>

#include <saker/event.h>
#include <saker/ioctl.h>
#include <saker/ring.h>

#include "compat/config.h"

#ifndef SAKER_VERSION
#define SAKER_VERSION "0.1.0"
#endif

/* Raw and resolved paths, NUL included; longer ones fail in the kernel too. */
#define SAKER_PATH_MAX		PATH_MAX
/* Other strings read from user memory (keys, fs names, module args). */
#define SAKER_STR_MAX		1024
/* Bytes of argv (after argv[0]) and of the environment kept per exec. */
#define SAKER_ARGS_MAX		4096
#define SAKER_ENV_MAX		4096
/* Bytes of argv[0] kept as the exe parameter. */
#define SAKER_EXE_MAX		1024
/* Bytes of the cgroup path kept in the task context. */
#define SAKER_CGROUP_MAX	1024
/* Socket address bytes read from user memory (sizeof sockaddr_storage). */
#define SAKER_SOCKADDR_MAX	128
/* iovec entries looked at for sendmsg/recvmsg sizes and data. */
#define SAKER_IOV_MAX		16
/*
 * Largest record the module builds.  The biggest event (execve with its
 * exec and task context) stays well under it; a record that would not fit
 * is dropped as SAKER_DROP_TOO_BIG.
 */
#define SAKER_REC_MAX		SAKER_EVENT_MAX_LEN

/* Ring size bounds of the ring_size_kb module parameter (per CPU). */
#define SAKER_RING_KB_MIN	64u
#define SAKER_RING_KB_MAX	(256u * 1024u)
#define SAKER_RING_KB_DEFAULT	(8u * 1024u)

/*
 * What the control path (ioctls, one opener at a time) sets and the probes
 * read without locks: single words, written with WRITE_ONCE and read with
 * READ_ONCE; a probe that sees a stale value records or skips one event.
 */
struct saker_state {
	unsigned long events[BITS_TO_LONGS(SAKER_EVT_MAX)];
	u32 snaplen;
	pid_t exclude_tgid;	/* init-namespace tgid, 0 for none */
	bool capturing;
};

extern struct saker_state saker_state;

static inline bool saker_event_selected(unsigned int type)
{
	return test_bit(type, saker_state.events);
}

#endif /* SAKER_SAKER_H */
