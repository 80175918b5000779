/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Record builder: writes one event (header, parameter lengths, parameters)
 * straight into the ring or into the CPU's scratch buffer, in the order of
 * include/saker/event-table.h.  Every writer appends exactly one parameter.
 * User memory is only read with the nofault helpers: a parameter that
 * cannot be read is marked SAKER_PARAM_FAULT, the event is still sent.
 * Callers run with preemption disabled from saker_rec_start() to
 * saker_rec_finish().
 */
#ifndef SAKER_RECORD_H
#define SAKER_RECORD_H

#include <linux/path.h>
#include <linux/types.h>

#include "saker.h"

struct saker_rec {
	u8 *buf;		/* start of the record */
	u32 cap;		/* bytes usable at buf */
	u32 len;		/* bytes written so far */
	u16 nparams;		/* parameters the event type has */
	u16 idx;		/* next parameter */
	u16 cpu;
	bool in_place;		/* buf points into the ring */
	bool overflow;		/* a writer ran out of room: drop */
	u32 faults;		/* parameters marked faulted */
	u32 truncs;		/* parameters cut short */
	u32 path_off;		/* data of the last PATH parameter */
	u32 path_len;		/* its length with the NUL, 0 if none */
	bool path_fault;	/* the last PATH parameter faulted */
};

/* Start a record of @type on @cpu; false when the ring cannot take one. */
bool saker_rec_start(struct saker_rec *r, unsigned int cpu, u16 type,
		     u16 flags);
/* Publish the record; drops it when it is malformed or too big. */
void saker_rec_finish(struct saker_rec *r);

/* Fixed-size parameters (little-endian). */
void saker_put_u64(struct saker_rec *r, u64 v);
void saker_put_u32(struct saker_rec *r, u32 v);
void saker_put_u16(struct saker_rec *r, u16 v);

static inline void saker_put_s64(struct saker_rec *r, s64 v)
{
	saker_put_u64(r, (u64)v);
}

static inline void saker_put_s32(struct saker_rec *r, s32 v)
{
	saker_put_u32(r, (u32)v);
}

/* A parameter the kernel could not read, or one left empty. */
void saker_put_fault(struct saker_rec *r);
void saker_put_empty(struct saker_rec *r);
/* Every parameter not written yet, marked faulted. */
void saker_put_fault_rest(struct saker_rec *r);

/* Kernel bytes and strings. */
void saker_put_bytes(struct saker_rec *r, const void *p, u32 len);
void saker_put_kstr(struct saker_rec *r, const char *s, u32 max);

/* User strings and bytes (nofault); NULL pointers give empty parameters. */
void saker_put_ustr(struct saker_rec *r, const char __user *s, u32 max);
void saker_put_upath(struct saker_rec *r, const char __user *s);
void saker_put_kpath(struct saker_rec *r, const char *s);
/* I/O data: @avail bytes at @p, cut to the snaplen. */
void saker_put_udata(struct saker_rec *r, const void __user *p, u64 avail);

/*
 * Reserve @max bytes for a parameter written by hand: returns where to
 * write (NULL when out of room), then saker_param_end() with the length.
 */
u8 *saker_param_begin(struct saker_rec *r, u32 max);
void saker_param_end(struct saker_rec *r, u32 len, bool truncated);

/* Resolved paths (ABSPATH). */
void saker_put_dpath(struct saker_rec *r, const struct path *path);
void saker_put_fd_path(struct saker_rec *r, int fd);
void saker_put_cwd(struct saker_rec *r);
/* The last PATH parameter resolved against @dirfd (AT_FDCWD: cwd). */
void saker_put_abspath(struct saker_rec *r, int dirfd);

/* Read user memory without faulting; 0 or -EFAULT. */
int saker_copy_from_user(void *dst, const void __user *src, size_t len);

#endif /* SAKER_RECORD_H */
