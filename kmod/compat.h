/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One place for kernel API differences, each settled by a feature probe
 * (compat/probe.sh writes compat/config.h), never by a version number.
 */
#ifndef SAKER_COMPAT_H
#define SAKER_COMPAT_H

#include <linux/capability.h>
#include <linux/dcache.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "compat/config.h"

#ifdef SAKER_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

static inline void saker_vm_flags_set(struct vm_area_struct *vma,
				      vm_flags_t flags)
{
#ifdef SAKER_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void saker_vm_flags_clear(struct vm_area_struct *vma,
					vm_flags_t flags)
{
#ifdef SAKER_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* Keep fs->root and fs->pwd stable (a spinlock, never sleeps). */
static inline void saker_fs_lock(struct fs_struct *fs)
{
#ifdef SAKER_HAVE_FS_STRUCT_SEQLOCK
	read_seqlock_excl(&fs->seq);
#else
	spin_lock(&fs->lock);
#endif
}

static inline void saker_fs_unlock(struct fs_struct *fs)
{
#ifdef SAKER_HAVE_FS_STRUCT_SEQLOCK
	read_sequnlock_excl(&fs->seq);
#else
	spin_unlock(&fs->lock);
#endif
}

/* A capability set as the 64-bit mask of the ABI. */
static inline u64 saker_caps(const kernel_cap_t *c)
{
#ifdef SAKER_HAVE_KERNEL_CAP_VAL
	return c->val;
#else
	return ((u64)c->cap[1] << 32) | c->cap[0];
#endif
}

/* The dentry holding a file's data (overlayfs: the upper or lower one). */
static inline struct dentry *saker_d_real_data(struct dentry *dentry)
{
#ifdef SAKER_HAVE_D_REAL_TYPE
	return d_real(dentry, D_REAL_DATA);
#else
	return d_real(dentry, NULL);
#endif
}

/*
 * strncpy_from_user_nofault(): bytes copied including the NUL (the string
 * cut and terminated at @count), or -EFAULT.  Where the kernel does not
 * export it, the same thing: strncpy_from_user() with page faults disabled
 * fails instead of sleeping.
 */
static inline long saker_strncpy_nofault(char *dst, const char __user *src,
					 long count)
{
#ifdef SAKER_HAVE_STRNCPY_FROM_USER_NOFAULT
	return strncpy_from_user_nofault(dst, src, count);
#else
	long ret;

	if (unlikely(count <= 0))
		return 0;
	pagefault_disable();
	ret = strncpy_from_user(dst, src, count);
	pagefault_enable();
	if (ret >= count) {
		ret = count;
		dst[ret - 1] = '\0';
	} else if (ret >= 0) {
		ret++;
	}
	return ret;
#endif
}

#endif /* SAKER_COMPAT_H */
