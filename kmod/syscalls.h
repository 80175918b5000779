/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Syscall numbers to saker event types, for the native x86_64 table and the
 * ia32 compat table.  Both lead to the same event types; a compat call is
 * flagged SAKER_EF_COMPAT and its arguments are cut to 32 bits before the
 * fillers see them.  Calls whose arguments sit differently on ia32 (16-bit
 * ids, split 64-bit lengths, socketcall, old mmap) carry a variant.
 */
#ifndef SAKER_SYSCALLS_H
#define SAKER_SYSCALLS_H

#include <linux/types.h>

enum saker_sys_variant {
	SAKER_SV_NONE,
	SAKER_SV_FCHMODAT,	/* fchmodat(): no flags argument */
	SAKER_SV_UID16,		/* ia32 16-bit uid/gid arguments */
	SAKER_SV_OFF64,		/* ia32 truncate64: length in args 1 and 2 */
	SAKER_SV_MMAP_PGOFF,	/* ia32 mmap2: offset in 4096-byte pages */
	SAKER_SV_OLD_MMAP,	/* ia32 mmap: arguments in a user struct */
	SAKER_SV_OLD_UMOUNT,	/* ia32 umount(): no flags argument */
	SAKER_SV_SOCKETCALL,	/* ia32 socketcall(): decoded by number */
};

/* One slot of a syscall table. */
struct saker_sysent {
	u16 type;		/* enum saker_event_type, 0 when not captured */
	u8 variant;		/* enum saker_sys_variant */
	u8 ustr;		/* bit n: argument n is a user string */
};

/* A decoded syscall, as the fillers see it. */
struct saker_sys {
	unsigned long args[6];	/* compat: zero-extended 32-bit values */
	long ret;
	u16 type;
	u8 variant;
	u8 ustr;
	bool compat;
	bool socketcall;	/* ia32 socketcall: args are in user memory */
	bool args_fault;	/* socketcall arguments could not be read */
};

extern const struct saker_sysent saker_sys64[];
extern const unsigned int saker_sys64_nr;
extern const struct saker_sysent saker_sys32[];
extern const unsigned int saker_sys32_nr;

/*
 * The table slot of syscall @nr (orig_ax) of the native or the ia32 table,
 * or NULL for numbers outside it (x32 calls included: not captured).
 * Inline: every syscall of every task comes through here.
 */
static __always_inline const struct saker_sysent *
saker_sys_entry(unsigned long nr, bool compat)
{
	if (compat)
		return nr < saker_sys32_nr ? &saker_sys32[nr] : NULL;
	return nr < saker_sys64_nr ? &saker_sys64[nr] : NULL;
}

u16 saker_socketcall_type(unsigned long call, u8 *variant);
bool saker_socketcall_args(struct saker_sys *s);

/* Argument accessors: sign-extend ints the way the syscall sees them. */
static inline int saker_arg_int(const struct saker_sys *s, int i)
{
	return (int)s->args[i];
}

static inline void __user *saker_arg_ptr(const struct saker_sys *s, int i)
{
	return (void __user *)s->args[i];
}

#endif /* SAKER_SYSCALLS_H */
