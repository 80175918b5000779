// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86_64 and ia32 syscall tables.  Each table is sized by its largest
 * entry, so lookups cost one bounds check and one load.  Syscalls the
 * target kernel does not have (per the compat probes) are left out: such a
 * kernel answers them with ENOSYS before anything happens.
 */
#include <linux/kernel.h>
#include <linux/net.h>
#include <linux/uaccess.h>
#include <asm/unistd.h>

#include "record.h"
#include "saker.h"
#include "syscalls.h"

#ifndef CONFIG_X86_64
#error "saker.ko supports x86_64 kernels only"
#endif

#define U(n) (1u << (n))
#define SYS(nr, evt, var, strs) \
	[nr] = { SAKER_EVT_##evt, SAKER_SV_##var, strs }

const struct saker_sysent saker_sys64[] = {
	/* file */
	SYS(__NR_open, OPEN, NONE, U(0)),
	SYS(__NR_openat, OPENAT, NONE, U(1)),
#ifdef SAKER_HAVE_NR_OPENAT2
	SYS(__NR_openat2, OPENAT2, NONE, U(1)),
#endif
	SYS(__NR_creat, CREAT, NONE, U(0)),
	SYS(__NR_close, CLOSE, NONE, 0),
	SYS(__NR_unlink, UNLINK, NONE, U(0)),
	SYS(__NR_unlinkat, UNLINKAT, NONE, U(1)),
	SYS(__NR_rename, RENAME, NONE, U(0) | U(1)),
	SYS(__NR_renameat, RENAMEAT, NONE, U(1) | U(3)),
	SYS(__NR_renameat2, RENAMEAT2, NONE, U(1) | U(3)),
	SYS(__NR_link, LINK, NONE, U(0) | U(1)),
	SYS(__NR_linkat, LINKAT, NONE, U(1) | U(3)),
	SYS(__NR_symlink, SYMLINK, NONE, U(0) | U(1)),
	SYS(__NR_symlinkat, SYMLINKAT, NONE, U(0) | U(2)),
	SYS(__NR_mkdir, MKDIR, NONE, U(0)),
	SYS(__NR_mkdirat, MKDIRAT, NONE, U(1)),
	SYS(__NR_rmdir, RMDIR, NONE, U(0)),
	SYS(__NR_chmod, CHMOD, NONE, U(0)),
	SYS(__NR_fchmod, FCHMOD, NONE, 0),
	SYS(__NR_fchmodat, FCHMODAT, FCHMODAT, U(1)),
#ifdef SAKER_HAVE_NR_FCHMODAT2
	SYS(__NR_fchmodat2, FCHMODAT, NONE, U(1)),
#endif
	SYS(__NR_chown, CHOWN, NONE, U(0)),
	SYS(__NR_lchown, LCHOWN, NONE, U(0)),
	SYS(__NR_fchown, FCHOWN, NONE, 0),
	SYS(__NR_fchownat, FCHOWNAT, NONE, U(1)),
	SYS(__NR_truncate, TRUNCATE, NONE, U(0)),
	SYS(__NR_ftruncate, FTRUNCATE, NONE, 0),
	SYS(__NR_mount, MOUNT, NONE, U(0) | U(1) | U(2)),
	SYS(__NR_umount2, UMOUNT2, NONE, U(0)),
#ifdef SAKER_HAVE_NR_FSOPEN
	SYS(__NR_fsopen, FSOPEN, NONE, U(0)),
	SYS(__NR_fsconfig, FSCONFIG, NONE, U(2)),
	SYS(__NR_fsmount, FSMOUNT, NONE, 0),
	SYS(__NR_move_mount, MOVE_MOUNT, NONE, U(1) | U(3)),
	SYS(__NR_open_tree, OPEN_TREE, NONE, U(1)),
#endif
	/* process */
	SYS(__NR_clone, CLONE, NONE, 0),
#ifdef SAKER_HAVE_NR_CLONE3
	SYS(__NR_clone3, CLONE3, NONE, 0),
#endif
	SYS(__NR_fork, FORK, NONE, 0),
	SYS(__NR_vfork, VFORK, NONE, 0),
	SYS(__NR_execve, EXECVE, NONE, U(0)),
	SYS(__NR_execveat, EXECVEAT, NONE, U(1)),
	SYS(__NR_kill, KILL, NONE, 0),
	SYS(__NR_tkill, TKILL, NONE, 0),
	SYS(__NR_tgkill, TGKILL, NONE, 0),
	SYS(__NR_ptrace, PTRACE, NONE, 0),
	SYS(__NR_prctl, PRCTL, NONE, 0),
	/* credentials */
	SYS(__NR_setuid, SETUID, NONE, 0),
	SYS(__NR_setgid, SETGID, NONE, 0),
	SYS(__NR_setreuid, SETREUID, NONE, 0),
	SYS(__NR_setregid, SETREGID, NONE, 0),
	SYS(__NR_setresuid, SETRESUID, NONE, 0),
	SYS(__NR_setresgid, SETRESGID, NONE, 0),
	SYS(__NR_setgroups, SETGROUPS, NONE, 0),
	SYS(__NR_capset, CAPSET, NONE, 0),
	/* namespaces */
	SYS(__NR_setns, SETNS, NONE, 0),
	SYS(__NR_unshare, UNSHARE, NONE, 0),
	/* network */
	SYS(__NR_socket, SOCKET, NONE, 0),
	SYS(__NR_socketpair, SOCKETPAIR, NONE, 0),
	SYS(__NR_connect, CONNECT, NONE, 0),
	SYS(__NR_accept, ACCEPT, NONE, 0),
	SYS(__NR_accept4, ACCEPT4, NONE, 0),
	SYS(__NR_bind, BIND, NONE, 0),
	SYS(__NR_listen, LISTEN, NONE, 0),
	SYS(__NR_sendto, SENDTO, NONE, 0),
	SYS(__NR_recvfrom, RECVFROM, NONE, 0),
	SYS(__NR_sendmsg, SENDMSG, NONE, 0),
	SYS(__NR_recvmsg, RECVMSG, NONE, 0),
	/* file descriptors */
	SYS(__NR_dup, DUP, NONE, 0),
	SYS(__NR_dup2, DUP2, NONE, 0),
	SYS(__NR_dup3, DUP3, NONE, 0),
	SYS(__NR_fcntl, FCNTL, NONE, 0),
	SYS(__NR_pipe, PIPE, NONE, 0),
	SYS(__NR_pipe2, PIPE2, NONE, 0),
	SYS(__NR_memfd_create, MEMFD_CREATE, NONE, U(0)),
	/* keys */
	SYS(__NR_add_key, ADD_KEY, NONE, U(0) | U(1)),
	SYS(__NR_request_key, REQUEST_KEY, NONE, U(0) | U(1)),
	SYS(__NR_keyctl, KEYCTL, NONE, 0),
	/* kernel */
	SYS(__NR_init_module, INIT_MODULE, NONE, U(2)),
	SYS(__NR_finit_module, FINIT_MODULE, NONE, U(1)),
	SYS(__NR_delete_module, DELETE_MODULE, NONE, U(0)),
	SYS(__NR_bpf, BPF, NONE, 0),
	SYS(__NR_kexec_load, KEXEC_LOAD, NONE, 0),
	SYS(__NR_kexec_file_load, KEXEC_FILE_LOAD, NONE, U(3)),
	SYS(__NR_reboot, REBOOT, NONE, 0),
	SYS(__NR_perf_event_open, PERF_EVENT_OPEN, NONE, 0),
	SYS(__NR_userfaultfd, USERFAULTFD, NONE, 0),
	SYS(__NR_io_uring_setup, IO_URING_SETUP, NONE, 0),
	/* memory */
	SYS(__NR_mmap, MMAP, NONE, 0),
	SYS(__NR_mprotect, MPROTECT, NONE, 0),
	/* I/O */
	SYS(__NR_read, READ, NONE, 0),
	SYS(__NR_write, WRITE, NONE, 0),
};

#ifdef CONFIG_IA32_EMULATION
const struct saker_sysent saker_sys32[] = {
	/* file */
	SYS(__NR_ia32_open, OPEN, NONE, U(0)),
	SYS(__NR_ia32_openat, OPENAT, NONE, U(1)),
#if defined(SAKER_HAVE_NR_OPENAT2) && defined(__NR_ia32_openat2)
	SYS(__NR_ia32_openat2, OPENAT2, NONE, U(1)),
#endif
	SYS(__NR_ia32_creat, CREAT, NONE, U(0)),
	SYS(__NR_ia32_close, CLOSE, NONE, 0),
	SYS(__NR_ia32_unlink, UNLINK, NONE, U(0)),
	SYS(__NR_ia32_unlinkat, UNLINKAT, NONE, U(1)),
	SYS(__NR_ia32_rename, RENAME, NONE, U(0) | U(1)),
	SYS(__NR_ia32_renameat, RENAMEAT, NONE, U(1) | U(3)),
	SYS(__NR_ia32_renameat2, RENAMEAT2, NONE, U(1) | U(3)),
	SYS(__NR_ia32_link, LINK, NONE, U(0) | U(1)),
	SYS(__NR_ia32_linkat, LINKAT, NONE, U(1) | U(3)),
	SYS(__NR_ia32_symlink, SYMLINK, NONE, U(0) | U(1)),
	SYS(__NR_ia32_symlinkat, SYMLINKAT, NONE, U(0) | U(2)),
	SYS(__NR_ia32_mkdir, MKDIR, NONE, U(0)),
	SYS(__NR_ia32_mkdirat, MKDIRAT, NONE, U(1)),
	SYS(__NR_ia32_rmdir, RMDIR, NONE, U(0)),
	SYS(__NR_ia32_chmod, CHMOD, NONE, U(0)),
	SYS(__NR_ia32_fchmod, FCHMOD, NONE, 0),
	SYS(__NR_ia32_fchmodat, FCHMODAT, FCHMODAT, U(1)),
#if defined(SAKER_HAVE_NR_FCHMODAT2) && defined(__NR_ia32_fchmodat2)
	SYS(__NR_ia32_fchmodat2, FCHMODAT, NONE, U(1)),
#endif
	SYS(__NR_ia32_chown, CHOWN, UID16, U(0)),
	SYS(__NR_ia32_lchown, LCHOWN, UID16, U(0)),
	SYS(__NR_ia32_fchown, FCHOWN, UID16, 0),
	SYS(__NR_ia32_chown32, CHOWN, NONE, U(0)),
	SYS(__NR_ia32_lchown32, LCHOWN, NONE, U(0)),
	SYS(__NR_ia32_fchown32, FCHOWN, NONE, 0),
	SYS(__NR_ia32_fchownat, FCHOWNAT, NONE, U(1)),
	SYS(__NR_ia32_truncate, TRUNCATE, NONE, U(0)),
	SYS(__NR_ia32_ftruncate, FTRUNCATE, NONE, 0),
	SYS(__NR_ia32_truncate64, TRUNCATE, OFF64, U(0)),
	SYS(__NR_ia32_ftruncate64, FTRUNCATE, OFF64, 0),
	SYS(__NR_ia32_mount, MOUNT, NONE, U(0) | U(1) | U(2)),
	SYS(__NR_ia32_umount, UMOUNT2, OLD_UMOUNT, U(0)),
	SYS(__NR_ia32_umount2, UMOUNT2, NONE, U(0)),
#if defined(SAKER_HAVE_NR_FSOPEN) && defined(__NR_ia32_fsopen)
	SYS(__NR_ia32_fsopen, FSOPEN, NONE, U(0)),
	SYS(__NR_ia32_fsconfig, FSCONFIG, NONE, U(2)),
	SYS(__NR_ia32_fsmount, FSMOUNT, NONE, 0),
	SYS(__NR_ia32_move_mount, MOVE_MOUNT, NONE, U(1) | U(3)),
	SYS(__NR_ia32_open_tree, OPEN_TREE, NONE, U(1)),
#endif
	/* process */
	SYS(__NR_ia32_clone, CLONE, NONE, 0),
#if defined(SAKER_HAVE_NR_CLONE3) && defined(__NR_ia32_clone3)
	SYS(__NR_ia32_clone3, CLONE3, NONE, 0),
#endif
	SYS(__NR_ia32_fork, FORK, NONE, 0),
	SYS(__NR_ia32_vfork, VFORK, NONE, 0),
	SYS(__NR_ia32_execve, EXECVE, NONE, U(0)),
	SYS(__NR_ia32_execveat, EXECVEAT, NONE, U(1)),
	SYS(__NR_ia32_kill, KILL, NONE, 0),
	SYS(__NR_ia32_tkill, TKILL, NONE, 0),
	SYS(__NR_ia32_tgkill, TGKILL, NONE, 0),
	SYS(__NR_ia32_ptrace, PTRACE, NONE, 0),
	SYS(__NR_ia32_prctl, PRCTL, NONE, 0),
	/* credentials */
	SYS(__NR_ia32_setuid, SETUID, UID16, 0),
	SYS(__NR_ia32_setgid, SETGID, UID16, 0),
	SYS(__NR_ia32_setreuid, SETREUID, UID16, 0),
	SYS(__NR_ia32_setregid, SETREGID, UID16, 0),
	SYS(__NR_ia32_setresuid, SETRESUID, UID16, 0),
	SYS(__NR_ia32_setresgid, SETRESGID, UID16, 0),
	SYS(__NR_ia32_setgroups, SETGROUPS, UID16, 0),
	SYS(__NR_ia32_setuid32, SETUID, NONE, 0),
	SYS(__NR_ia32_setgid32, SETGID, NONE, 0),
	SYS(__NR_ia32_setreuid32, SETREUID, NONE, 0),
	SYS(__NR_ia32_setregid32, SETREGID, NONE, 0),
	SYS(__NR_ia32_setresuid32, SETRESUID, NONE, 0),
	SYS(__NR_ia32_setresgid32, SETRESGID, NONE, 0),
	SYS(__NR_ia32_setgroups32, SETGROUPS, NONE, 0),
	SYS(__NR_ia32_capset, CAPSET, NONE, 0),
	/* namespaces */
	SYS(__NR_ia32_setns, SETNS, NONE, 0),
	SYS(__NR_ia32_unshare, UNSHARE, NONE, 0),
	/* network */
	SYS(__NR_ia32_socketcall, NONE, SOCKETCALL, 0),
	SYS(__NR_ia32_socket, SOCKET, NONE, 0),
	SYS(__NR_ia32_socketpair, SOCKETPAIR, NONE, 0),
	SYS(__NR_ia32_connect, CONNECT, NONE, 0),
	SYS(__NR_ia32_accept4, ACCEPT4, NONE, 0),
	SYS(__NR_ia32_bind, BIND, NONE, 0),
	SYS(__NR_ia32_listen, LISTEN, NONE, 0),
	SYS(__NR_ia32_sendto, SENDTO, NONE, 0),
	SYS(__NR_ia32_recvfrom, RECVFROM, NONE, 0),
	SYS(__NR_ia32_sendmsg, SENDMSG, NONE, 0),
	SYS(__NR_ia32_recvmsg, RECVMSG, NONE, 0),
	/* file descriptors */
	SYS(__NR_ia32_dup, DUP, NONE, 0),
	SYS(__NR_ia32_dup2, DUP2, NONE, 0),
	SYS(__NR_ia32_dup3, DUP3, NONE, 0),
	SYS(__NR_ia32_fcntl, FCNTL, NONE, 0),
	SYS(__NR_ia32_fcntl64, FCNTL, NONE, 0),
	SYS(__NR_ia32_pipe, PIPE, NONE, 0),
	SYS(__NR_ia32_pipe2, PIPE2, NONE, 0),
	SYS(__NR_ia32_memfd_create, MEMFD_CREATE, NONE, U(0)),
	/* keys */
	SYS(__NR_ia32_add_key, ADD_KEY, NONE, U(0) | U(1)),
	SYS(__NR_ia32_request_key, REQUEST_KEY, NONE, U(0) | U(1)),
	SYS(__NR_ia32_keyctl, KEYCTL, NONE, 0),
	/* kernel */
	SYS(__NR_ia32_init_module, INIT_MODULE, NONE, U(2)),
	SYS(__NR_ia32_finit_module, FINIT_MODULE, NONE, U(1)),
	SYS(__NR_ia32_delete_module, DELETE_MODULE, NONE, U(0)),
	SYS(__NR_ia32_bpf, BPF, NONE, 0),
	SYS(__NR_ia32_kexec_load, KEXEC_LOAD, NONE, 0),
	SYS(__NR_ia32_reboot, REBOOT, NONE, 0),
	SYS(__NR_ia32_perf_event_open, PERF_EVENT_OPEN, NONE, 0),
	SYS(__NR_ia32_userfaultfd, USERFAULTFD, NONE, 0),
	SYS(__NR_ia32_io_uring_setup, IO_URING_SETUP, NONE, 0),
	/* memory */
	SYS(__NR_ia32_mmap, MMAP, OLD_MMAP, 0),
	SYS(__NR_ia32_mmap2, MMAP, MMAP_PGOFF, 0),
	SYS(__NR_ia32_mprotect, MPROTECT, NONE, 0),
	/* I/O */
	SYS(__NR_ia32_read, READ, NONE, 0),
	SYS(__NR_ia32_write, WRITE, NONE, 0),
};
#endif /* CONFIG_IA32_EMULATION */

const unsigned int saker_sys64_nr = ARRAY_SIZE(saker_sys64);
#ifdef CONFIG_IA32_EMULATION
const unsigned int saker_sys32_nr = ARRAY_SIZE(saker_sys32);
#else
const struct saker_sysent saker_sys32[1];
const unsigned int saker_sys32_nr;
#endif

/* socketcall() call numbers (SYS_* of linux/net.h) to event types. */
static const struct saker_sysent saker_socketcalls[] = {
	SYS(SYS_SOCKET, SOCKET, NONE, 0),
	SYS(SYS_BIND, BIND, NONE, 0),
	SYS(SYS_CONNECT, CONNECT, NONE, 0),
	SYS(SYS_LISTEN, LISTEN, NONE, 0),
	SYS(SYS_ACCEPT, ACCEPT, NONE, 0),
	SYS(SYS_SOCKETPAIR, SOCKETPAIR, NONE, 0),
	SYS(SYS_SEND, SENDTO, NONE, 0),	/* sendto, no address */
	SYS(SYS_RECV, RECVFROM, NONE, 0),	/* recvfrom, no address */
	SYS(SYS_SENDTO, SENDTO, NONE, 0),
	SYS(SYS_RECVFROM, RECVFROM, NONE, 0),
	SYS(SYS_SENDMSG, SENDMSG, NONE, 0),
	SYS(SYS_RECVMSG, RECVMSG, NONE, 0),
	SYS(SYS_ACCEPT4, ACCEPT4, NONE, 0),
};

/* Arguments of each socketcall() call, as in net/compat.c. */
static const u8 saker_socketcall_nargs[] = {
	[SYS_SOCKET] = 3, [SYS_BIND] = 3, [SYS_CONNECT] = 3,
	[SYS_LISTEN] = 2, [SYS_ACCEPT] = 3, [SYS_SOCKETPAIR] = 4,
	[SYS_SEND] = 4, [SYS_RECV] = 4, [SYS_SENDTO] = 6,
	[SYS_RECVFROM] = 6, [SYS_SENDMSG] = 3, [SYS_RECVMSG] = 3,
	[SYS_ACCEPT4] = 4,
};

/* Event type of a socketcall() call; SAKER_EVT_NONE when not captured. */
u16 saker_socketcall_type(unsigned long call, u8 *variant)
{
	*variant = SAKER_SV_NONE;
	if (call >= ARRAY_SIZE(saker_socketcalls))
		return SAKER_EVT_NONE;
	*variant = saker_socketcalls[call].variant;
	return saker_socketcalls[call].type;
}

/**
 * saker_socketcall_args() - replace socketcall's (call, args) by the
 * arguments of the call itself
 * @s: the syscall; on return args[] are the call's arguments
 *
 * The arguments are 32-bit words in user memory.  When they cannot be read
 * (nofault), args_fault is set and the event carries only its result.
 *
 * Return: true when the arguments were read.
 */
bool saker_socketcall_args(struct saker_sys *s)
{
	unsigned long call = s->args[0];
	u32 a[6] = { 0 };
	unsigned int i, n;

	n = call < ARRAY_SIZE(saker_socketcall_nargs) ?
		saker_socketcall_nargs[call] : 0;
	if (!n || saker_copy_from_user(a, saker_arg_ptr(s, 1), n * sizeof(a[0]))) {
		s->args_fault = true;
		memset(s->args, 0, sizeof(s->args));
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(a); i++)
		s->args[i] = a[i];
	return true;
}
