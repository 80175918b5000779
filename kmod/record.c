// SPDX-License-Identifier: GPL-2.0-only
/*
 * Record builder.  A record is the 32-byte header, one __u16 length per
 * parameter, then the parameters back to back (see include/saker/event.h).
 * Writers append one parameter each and never write past the space the
 * ring gave (r->cap); running out marks the record for dropping instead.
 * Paths are resolved with d_path(), which walks the dcache under RCU and
 * seqlocks and never sleeps; the cwd is read under the fs_struct lock so no
 * reference (whose release could sleep) is taken.
 */
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "record.h"
#include "ring.h"

#define SAKER_HDR_SIZE sizeof(struct saker_event_hdr)

/* Parameter count of every event type, in table (enum) order. */
static const u8 saker_nparams[SAKER_EVT_MAX] = {
#define SAKER_NP(id, name, cat, params) SAKER_NPARAMS_##id,
#define SAKER_NP_P(pname, ptype, pfmt)
	SAKER_EVENT_TABLE(SAKER_NP, SAKER_NP_P)
#undef SAKER_NP_P
#undef SAKER_NP
};

static inline u8 *saker_rec_lens(struct saker_rec *r)
{
	return r->buf + SAKER_HDR_SIZE;
}

bool saker_rec_start(struct saker_rec *r, unsigned int cpu, u16 type,
		     u16 flags)
{
	struct saker_event_hdr *h;

	if (!saker_ring_begin(r, cpu))
		return false;

	r->nparams = saker_nparams[type];
	r->idx = 0;
	r->overflow = false;
	r->faults = 0;
	r->truncs = 0;
	r->path_off = 0;
	r->path_len = 0;
	r->path_fault = false;
	r->len = SAKER_HDR_SIZE + 2 * r->nparams;

	h = (struct saker_event_hdr *)r->buf;
	saker_hdr_init(h, type, cpu, 0, r->nparams);
	h->flags = flags;
	return true;
}

void saker_rec_finish(struct saker_rec *r)
{
	struct saker_event_hdr *h = (struct saker_event_hdr *)r->buf;
	struct saker_cpu_stats *st = saker_ring_stats(r->cpu);
	u32 len = ALIGN(r->len, SAKER_EVENT_ALIGN);

	/* A filler that wrote the wrong number of parameters is a bug. */
	if (r->overflow || r->idx != r->nparams || len > r->cap) {
		saker_ring_drop(r->cpu, r->overflow ? SAKER_DROP_TOO_BIG :
				SAKER_DROP_NO_SCRATCH);
		return;
	}

	memset(r->buf + r->len, 0, len - r->len);
	r->len = len;
	h->len = len;
	if (r->faults) {
		h->flags |= SAKER_EF_FAULTED;
		WRITE_ONCE(st->faults, st->faults + r->faults);
	}
	if (r->truncs) {
		h->flags |= SAKER_EF_TRUNCATED;
		WRITE_ONCE(st->truncated, st->truncated + r->truncs);
	}
	saker_ring_commit(r);
}

u8 *saker_param_begin(struct saker_rec *r, u32 max)
{
	if (r->overflow || r->idx >= r->nparams ||
	    r->cap - r->len < max) {
		r->overflow = true;
		return NULL;
	}
	return r->buf + r->len;
}

static void saker_param_set(struct saker_rec *r, u16 word)
{
	put_unaligned_le16(word, saker_rec_lens(r) + 2 * r->idx);
	r->idx++;
}

void saker_param_end(struct saker_rec *r, u32 len, bool truncated)
{
	if (r->overflow)
		return;
	if (truncated)
		r->truncs++;
	saker_param_set(r, len & SAKER_PARAM_LEN_MASK);
	r->len += len;
}

void saker_put_fault(struct saker_rec *r)
{
	if (r->overflow || r->idx >= r->nparams) {
		r->overflow = true;
		return;
	}
	r->faults++;
	saker_param_set(r, SAKER_PARAM_FAULT);
}

void saker_put_empty(struct saker_rec *r)
{
	if (saker_param_begin(r, 0))
		saker_param_end(r, 0, false);
}

void saker_put_fault_rest(struct saker_rec *r)
{
	while (!r->overflow && r->idx < r->nparams)
		saker_put_fault(r);
}

void saker_put_u64(struct saker_rec *r, u64 v)
{
	u8 *p = saker_param_begin(r, 8);

	if (p) {
		put_unaligned_le64(v, p);
		saker_param_end(r, 8, false);
	}
}

void saker_put_u32(struct saker_rec *r, u32 v)
{
	u8 *p = saker_param_begin(r, 4);

	if (p) {
		put_unaligned_le32(v, p);
		saker_param_end(r, 4, false);
	}
}

void saker_put_u16(struct saker_rec *r, u16 v)
{
	u8 *p = saker_param_begin(r, 2);

	if (p) {
		put_unaligned_le16(v, p);
		saker_param_end(r, 2, false);
	}
}

void saker_put_bytes(struct saker_rec *r, const void *src, u32 len)
{
	u8 *p = saker_param_begin(r, len);

	if (p) {
		memcpy(p, src, len);
		saker_param_end(r, len, false);
	}
}

void saker_put_kstr(struct saker_rec *r, const char *s, u32 max)
{
	u32 n = strnlen(s, max - 1);
	u8 *p = saker_param_begin(r, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
		saker_param_end(r, n + 1, s[n] != '\0');
	}
}

int saker_copy_from_user(void *dst, const void __user *src, size_t len)
{
	return copy_from_user_nofault(dst, src, len) ? -EFAULT : 0;
}

/* Copy a user string; its length with the NUL, 0 for NULL, -EFAULT. */
static long saker_ustr_copy(struct saker_rec *r, u8 *p,
			    const char __user *s, u32 max, bool *cut)
{
	long n;

	*cut = false;
	if (!s)
		return 0;
	n = saker_strncpy_nofault((char *)p, s, max);
	if (n < 0)
		return -EFAULT;
	if (n == 0) {			/* "" */
		p[0] = '\0';
		return 1;
	}
	if (n == max) {
		/* Either exactly max - 1 bytes long or cut: look one further. */
		char c;

		if (copy_from_user_nofault(&c, s + max - 1, 1) || c != '\0')
			*cut = true;
	}
	return n;
}

void saker_put_ustr(struct saker_rec *r, const char __user *s, u32 max)
{
	u8 *p = saker_param_begin(r, max);
	bool cut;
	long n;

	if (!p)
		return;
	n = saker_ustr_copy(r, p, s, max, &cut);
	if (n < 0)
		saker_put_fault(r);
	else
		saker_param_end(r, n, cut);
}

void saker_put_upath(struct saker_rec *r, const char __user *s)
{
	u32 off = r->len;
	u8 *p = saker_param_begin(r, SAKER_PATH_MAX);
	bool cut;
	long n;

	r->path_len = 0;
	r->path_fault = false;
	if (!p)
		return;
	n = saker_ustr_copy(r, p, s, SAKER_PATH_MAX, &cut);
	if (n < 0) {
		r->path_fault = true;
		saker_put_fault(r);
		return;
	}
	r->path_off = off;
	r->path_len = n;
	saker_param_end(r, n, cut);
}

/* A PATH parameter from kernel memory, for saker_put_abspath(). */
void saker_put_kpath(struct saker_rec *r, const char *s)
{
	u32 off = r->len;
	u32 n = strnlen(s, SAKER_PATH_MAX - 1);
	u8 *p = saker_param_begin(r, n + 1);

	r->path_len = 0;
	r->path_fault = false;
	if (!p)
		return;
	memcpy(p, s, n);
	p[n] = '\0';
	r->path_off = off;
	r->path_len = n + 1;
	saker_param_end(r, n + 1, s[n] != '\0');
}

/**
 * saker_put_udata() - user I/O data, cut to the snaplen
 * @r: the record
 * @src: user buffer
 * @avail: bytes the call transferred or was asked to transfer
 */
void saker_put_udata(struct saker_rec *r, const void __user *src, u64 avail)
{
	u32 snap = READ_ONCE(saker_state.snaplen);
	u32 n = avail < snap ? avail : snap;
	u8 *p = saker_param_begin(r, n);

	if (!p)
		return;
	if (!src || !n) {
		saker_param_end(r, 0, false);
		return;
	}
	if (copy_from_user_nofault(p, src, n)) {
		saker_put_fault(r);
		return;
	}
	saker_param_end(r, n, avail > n);
}

/*
 * d_path() into @p (at most @max bytes), moved to the start: the length
 * with the NUL, or 0 when the path cannot be built.
 */
static u32 saker_dpath_to(const struct path *path, u8 *p, u32 max)
{
	char *s = d_path(path, (char *)p, max);
	u32 n;

	if (IS_ERR(s))
		return 0;
	n = strlen(s) + 1;
	memmove(p, s, n);
	return n;
}

void saker_put_dpath(struct saker_rec *r, const struct path *path)
{
	u8 *p = saker_param_begin(r, SAKER_PATH_MAX);

	if (p)
		saker_param_end(r, saker_dpath_to(path, p, SAKER_PATH_MAX),
				false);
}

/* d_path of the current task's cwd, fs_struct locked (no reference taken). */
static u32 saker_cwd_to(u8 *p, u32 max)
{
	struct fs_struct *fs = current->fs;
	u32 n;

	if (!fs)
		return 0;
	saker_fs_lock(fs);
	n = saker_dpath_to(&fs->pwd, p, max);
	saker_fs_unlock(fs);
	return n;
}

/* d_path of an open file of the current task. */
static u32 saker_fd_path_to(int fd, u8 *p, u32 max)
{
	struct file *file;
	u32 n;

	if (fd < 0)
		return 0;
	file = fget_raw(fd);
	if (!file)
		return 0;
	n = saker_dpath_to(&file->f_path, p, max);
	fput(file);
	return n;
}

void saker_put_fd_path(struct saker_rec *r, int fd)
{
	u8 *p = saker_param_begin(r, SAKER_PATH_MAX);

	if (p)
		saker_param_end(r, saker_fd_path_to(fd, p, SAKER_PATH_MAX),
				false);
}

void saker_put_cwd(struct saker_rec *r)
{
	u8 *p = saker_param_begin(r, SAKER_PATH_MAX);

	if (p)
		saker_param_end(r, saker_cwd_to(p, SAKER_PATH_MAX), false);
}

/**
 * saker_put_abspath() - resolve the last PATH parameter
 * @r: the record; its last writer was saker_put_upath()
 * @dirfd: directory the raw path is relative to (AT_FDCWD: the cwd)
 *
 * Absolute raw paths are copied, relative ones appended to the directory's
 * d_path with a '/'.  The resolution is lexical: "..", "." and symlinks
 * are left to the reader.  A faulted raw path gives a faulted result; an
 * unknown directory an empty one.
 */
void saker_put_abspath(struct saker_rec *r, int dirfd)
{
	u32 raw_len = r->path_len;	/* with the NUL */
	const u8 *raw = r->buf + r->path_off;
	u8 *p;
	u32 n;

	if (r->path_fault) {
		saker_put_fault(r);
		return;
	}
	p = saker_param_begin(r, SAKER_PATH_MAX);
	if (!p)
		return;
	if (!raw_len) {
		saker_param_end(r, 0, false);
		return;
	}
	if (raw[0] == '/') {
		memcpy(p, raw, raw_len);
		saker_param_end(r, raw_len, false);
		return;
	}

	n = dirfd == AT_FDCWD ? saker_cwd_to(p, SAKER_PATH_MAX) :
				saker_fd_path_to(dirfd, p, SAKER_PATH_MAX);
	if (!n) {
		saker_param_end(r, 0, false);
		return;
	}
	if (raw_len == 1) {		/* "" with AT_EMPTY_PATH: dirfd */
		saker_param_end(r, n, false);
		return;
	}
	/* n - 1 bytes of directory, maybe a '/', raw_len bytes of name. */
	if (n == 2 && p[0] == '/')
		n = 1;
	else
		p[n - 1] = '/';
	if (n + raw_len > SAKER_PATH_MAX) {
		memcpy(p + n, raw, SAKER_PATH_MAX - n - 1);
		p[SAKER_PATH_MAX - 1] = '\0';
		saker_param_end(r, SAKER_PATH_MAX, true);
		return;
	}
	memcpy(p + n, raw, raw_len);
	saker_param_end(r, n + raw_len, false);
}
