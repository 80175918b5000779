// SPDX-License-Identifier: MIT
/*
 * The value tables behind flags.h.  Values are Linux's (x86-64 where
 * architectures differ), because the kernel module passes raw syscall
 * arguments; names and their order are Falco's, so rendered strings compare
 * equal to what Falco prints.  Names Falco does not know (O_PATH, newer
 * MAP_* bits...) follow Falco's entries and only add information.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/macro.h"
#include "event/flags.h"

typedef struct FlagName {
	const char *name;
	uint64_t value;
	uint64_t mask;	/* bits the value is taken from; 0: the value's own bits */
	bool alias;	/* accepted by flags_parse_name() only */
} FlagName;

#define F(n, v) { n, (uint64_t)(v), 0, false }
#define M(n, v, m) { n, (uint64_t)(v), (uint64_t)(m), false }
#define A(n, v) { n, (uint64_t)(v), 0, true }

/* ---- file and path flags ---- */

/* Access modes are a 2-bit field, not bits: O_RDONLY is 0. */
static const FlagName open_flags[] = {
	F("O_LARGEFILE", 00100000),
	F("O_DIRECTORY", 00200000),
	F("O_DIRECT", 00040000),
	F("O_TRUNC", 00001000),
	F("O_SYNC", 04010000), /* includes O_DSYNC's bit */
	F("O_NONBLOCK", 00004000),
	F("O_EXCL", 00000200),
	F("O_DSYNC", 00010000),
	F("O_APPEND", 00002000),
	F("O_CREAT", 00000100),
	M("O_RDWR", 2, 3),
	M("O_WRONLY", 1, 3),
	M("O_RDONLY", 0, 3),
	F("O_CLOEXEC", 02000000),
	F("O_TMPFILE", 020200000), /* includes O_DIRECTORY's bit */
	F("O_NOCTTY", 00000400),
	F("O_NOFOLLOW", 00400000),
	F("O_NOATIME", 01000000),
	F("O_PATH", 010000000),
	A("O_NDELAY", 00004000),
	A("O_FSYNC", 04010000),
};

static const FlagName openat2_resolve[] = {
	F("RESOLVE_BENEATH", 0x08),
	F("RESOLVE_IN_ROOT", 0x10),
	F("RESOLVE_NO_MAGICLINKS", 0x02),
	F("RESOLVE_NO_SYMLINKS", 0x04),
	F("RESOLVE_NO_XDEV", 0x01),
	F("RESOLVE_CACHED", 0x20),
};

static const FlagName at_flags[] = {
	F("AT_SYMLINK_NOFOLLOW", 0x100),
	F("AT_EMPTY_PATH", 0x1000),
	F("AT_SYMLINK_FOLLOW", 0x400),
	F("AT_NO_AUTOMOUNT", 0x800),
	F("AT_RECURSIVE", 0x8000),
	F("AT_REMOVEDIR", 0x200),
};

static const FlagName unlinkat_flags[] = {
	F("AT_REMOVEDIR", 0x200),
};

static const FlagName linkat_flags[] = {
	F("AT_SYMLINK_FOLLOW", 0x400),
	F("AT_EMPTY_PATH", 0x1000),
};

static const FlagName rename_flags[] = {
	F("RENAME_NOREPLACE", 1),
	F("RENAME_EXCHANGE", 2),
	F("RENAME_WHITEOUT", 4),
};

/* Falco prints mount(2) flags without their MS_ prefix. */
static const FlagName mount_flags[] = {
	F("RDONLY", 1u << 0),
	F("NOSUID", 1u << 1),
	F("NODEV", 1u << 2),
	F("NOEXEC", 1u << 3),
	F("SYNCHRONOUS", 1u << 4),
	F("REMOUNT", 1u << 5),
	F("MANDLOCK", 1u << 6),
	F("DIRSYNC", 1u << 7),
	F("NOATIME", 1u << 10),
	F("NODIRATIME", 1u << 11),
	F("BIND", 1u << 12),
	F("MOVE", 1u << 13),
	F("REC", 1u << 14),
	F("SILENT", 1u << 15),
	F("POSIXACL", 1u << 16),
	F("UNBINDABLE", 1u << 17),
	F("PRIVATE", 1u << 18),
	F("SLAVE", 1u << 19),
	F("SHARED", 1u << 20),
	F("RELATIME", 1u << 21),
	F("KERNMOUNT", 1u << 22),
	F("I_VERSION", 1u << 23),
	F("STRICTATIME", 1u << 24),
	F("LAZYTIME", 1u << 25),
	F("NOSEC", 1u << 28),
	F("BORN", 1u << 29),
	F("ACTIVE", 1u << 30),
	F("NOUSER", 1u << 31),
	F("NOSYMFOLLOW", 1u << 8),
	A("MS_RDONLY", 1u << 0),
	A("MS_NOSUID", 1u << 1),
	A("MS_NODEV", 1u << 2),
	A("MS_NOEXEC", 1u << 3),
	A("MS_REMOUNT", 1u << 5),
	A("MS_BIND", 1u << 12),
	A("MS_MOVE", 1u << 13),
	A("MS_REC", 1u << 14),
	A("MS_PRIVATE", 1u << 18),
	A("MS_SLAVE", 1u << 19),
	A("MS_SHARED", 1u << 20),
};
/* mount(2) ignores a magic number in the upper half of flags. */
#define MS_MGC_MSK 0xffff0000u
#define MS_MGC_VAL 0xc0ed0000u

static const FlagName umount_flags[] = {
	F("FORCE", 1),
	F("DETACH", 2),
	F("EXPIRE", 4),
	F("NOFOLLOW", 8),
	A("MNT_FORCE", 1),
	A("MNT_DETACH", 2),
	A("MNT_EXPIRE", 4),
	A("UMOUNT_NOFOLLOW", 8),
};

static const FlagName fsopen_flags[] = {
	F("FSOPEN_CLOEXEC", 1),
};

static const FlagName fsconfig_cmd[] = {
	F("FSCONFIG_SET_FLAG", 0),
	F("FSCONFIG_SET_STRING", 1),
	F("FSCONFIG_SET_BINARY", 2),
	F("FSCONFIG_SET_PATH", 3),
	F("FSCONFIG_SET_PATH_EMPTY", 4),
	F("FSCONFIG_SET_FD", 5),
	F("FSCONFIG_CMD_CREATE", 6),
	F("FSCONFIG_CMD_RECONFIGURE", 7),
	F("FSCONFIG_CMD_CREATE_EXCL", 8),
};

static const FlagName fsmount_flags[] = {
	F("FSMOUNT_CLOEXEC", 1),
};

/* The atime setting is a 3-bit field (0 is relatime, the default). */
static const FlagName mount_attr[] = {
	F("MOUNT_ATTR_RDONLY", 0x1),
	F("MOUNT_ATTR_NOSUID", 0x2),
	F("MOUNT_ATTR_NODEV", 0x4),
	F("MOUNT_ATTR_NOEXEC", 0x8),
	M("MOUNT_ATTR_NOATIME", 0x10, 0x70),
	M("MOUNT_ATTR_STRICTATIME", 0x20, 0x70),
	F("MOUNT_ATTR_NODIRATIME", 0x80),
	F("MOUNT_ATTR_IDMAP", 0x100000),
	F("MOUNT_ATTR_NOSYMFOLLOW", 0x200000),
};

static const FlagName move_mount_flags[] = {
	F("MOVE_MOUNT_F_SYMLINKS", 0x01),
	F("MOVE_MOUNT_F_AUTOMOUNTS", 0x02),
	F("MOVE_MOUNT_F_EMPTY_PATH", 0x04),
	F("MOVE_MOUNT_T_SYMLINKS", 0x10),
	F("MOVE_MOUNT_T_AUTOMOUNTS", 0x20),
	F("MOVE_MOUNT_T_EMPTY_PATH", 0x40),
	F("MOVE_MOUNT_SET_GROUP", 0x100),
	F("MOVE_MOUNT_BENEATH", 0x200),
};

static const FlagName open_tree_flags[] = {
	F("OPEN_TREE_CLONE", 0x1),
	F("OPEN_TREE_CLOEXEC", 02000000),
	F("AT_SYMLINK_NOFOLLOW", 0x100),
	F("AT_NO_AUTOMOUNT", 0x800),
	F("AT_EMPTY_PATH", 0x1000),
	F("AT_RECURSIVE", 0x8000),
};

/* ---- processes ---- */

static const FlagName clone_flags[] = {
	F("CLONE_FILES", 0x00000400),
	F("CLONE_FS", 0x00000200),
	F("CLONE_IO", 0x80000000),
	F("CLONE_NEWIPC", 0x08000000),
	F("CLONE_NEWNET", 0x40000000),
	F("CLONE_NEWNS", 0x00020000),
	F("CLONE_NEWPID", 0x20000000),
	F("CLONE_NEWUTS", 0x04000000),
	F("CLONE_PARENT", 0x00008000),
	F("CLONE_PARENT_SETTID", 0x00100000),
	F("CLONE_PTRACE", 0x00002000),
	F("CLONE_SIGHAND", 0x00000800),
	F("CLONE_SYSVSEM", 0x00040000),
	F("CLONE_THREAD", 0x00010000),
	F("CLONE_UNTRACED", 0x00800000),
	F("CLONE_VM", 0x00000100),
	F("CLONE_NEWUSER", 0x10000000),
	F("CLONE_CHILD_CLEARTID", 0x00200000),
	F("CLONE_CHILD_SETTID", 0x01000000),
	F("CLONE_SETTLS", 0x00080000),
	F("CLONE_STOPPED", 0x00400000), /* CLONE_DETACHED today */
	F("CLONE_VFORK", 0x00004000),
	F("CLONE_NEWCGROUP", 0x02000000),
	F("CLONE_PIDFD", 0x00001000),
	F("CLONE_NEWTIME", 0x00000080),
	F("CLONE_CLEAR_SIGHAND", 0x100000000ull),
	F("CLONE_INTO_CGROUP", 0x200000000ull),
};
/* clone(2) carries the child's exit signal in the low bits. */
#define CLONE_SIGNAL_BITS 0x7fu

static const FlagName execve_flags[] = {
	F("EXE_WRITABLE", SAKER_EXE_WRITABLE),
	F("EXE_UPPER_LAYER", SAKER_EXE_UPPER_LAYER),
	F("EXE_FROM_MEMFD", SAKER_EXE_FROM_MEMFD),
	F("EXE_LOWER_LAYER", SAKER_EXE_LOWER_LAYER),
};

static const FlagName ptrace_req[] = {
	F("PTRACE_TRACEME", 0),
	F("PTRACE_PEEKTEXT", 1),
	F("PTRACE_PEEKDATA", 2),
	F("PTRACE_PEEKUSR", 3),
	F("PTRACE_POKETEXT", 4),
	F("PTRACE_POKEDATA", 5),
	F("PTRACE_POKEUSR", 6),
	F("PTRACE_CONT", 7),
	F("PTRACE_KILL", 8),
	F("PTRACE_SINGLESTEP", 9),
	F("PTRACE_GETREGS", 12),
	F("PTRACE_SETREGS", 13),
	F("PTRACE_GETFPREGS", 14),
	F("PTRACE_SETFPREGS", 15),
	F("PTRACE_ATTACH", 16),
	F("PTRACE_DETACH", 17),
	F("PTRACE_GETFPXREGS", 18),
	F("PTRACE_SETFPXREGS", 19),
	F("PTRACE_SYSCALL", 24),
	F("PTRACE_GET_THREAD_AREA", 25),
	F("PTRACE_SET_THREAD_AREA", 26),
	F("PTRACE_ARCH_PRCTL", 30),
	F("PTRACE_SYSEMU", 31),
	F("PTRACE_SYSEMU_SINGLESTEP", 32),
	F("PTRACE_SINGLEBLOCK", 33),
	F("PTRACE_SETOPTIONS", 0x4200),
	F("PTRACE_GETEVENTMSG", 0x4201),
	F("PTRACE_GETSIGINFO", 0x4202),
	F("PTRACE_SETSIGINFO", 0x4203),
	F("PTRACE_GETREGSET", 0x4204),
	F("PTRACE_SETREGSET", 0x4205),
	F("PTRACE_SEIZE", 0x4206),
	F("PTRACE_INTERRUPT", 0x4207),
	F("PTRACE_LISTEN", 0x4208),
	F("PTRACE_PEEKSIGINFO", 0x4209),
	F("PTRACE_GETSIGMASK", 0x420a),
	F("PTRACE_SETSIGMASK", 0x420b),
	F("PTRACE_SECCOMP_GET_FILTER", 0x420c),
	F("PTRACE_SECCOMP_GET_METADATA", 0x420d),
	F("PTRACE_GET_SYSCALL_INFO", 0x420e),
	F("PTRACE_GET_RSEQ_CONFIGURATION", 0x420f),
	A("PTRACE_PEEKUSER", 3),
	A("PTRACE_POKEUSER", 6),
};

static const FlagName prctl_opt[] = {
	F("PR_SET_PDEATHSIG", 1),
	F("PR_GET_PDEATHSIG", 2),
	F("PR_GET_DUMPABLE", 3),
	F("PR_SET_DUMPABLE", 4),
	F("PR_GET_UNALIGN", 5),
	F("PR_SET_UNALIGN", 6),
	F("PR_GET_KEEPCAPS", 7),
	F("PR_SET_KEEPCAPS", 8),
	F("PR_GET_FPEMU", 9),
	F("PR_SET_FPEMU", 10),
	F("PR_GET_FPEXC", 11),
	F("PR_SET_FPEXC", 12),
	F("PR_GET_TIMING", 13),
	F("PR_SET_TIMING", 14),
	F("PR_SET_NAME", 15),
	F("PR_GET_NAME", 16),
	F("PR_GET_ENDIAN", 19),
	F("PR_SET_ENDIAN", 20),
	F("PR_GET_SECCOMP", 21),
	F("PR_SET_SECCOMP", 22),
	F("PR_CAPBSET_READ", 23),
	F("PR_CAPBSET_DROP", 24),
	F("PR_GET_TSC", 25),
	F("PR_SET_TSC", 26),
	F("PR_GET_SECUREBITS", 27),
	F("PR_SET_SECUREBITS", 28),
	F("PR_SET_TIMERSLACK", 29),
	F("PR_GET_TIMERSLACK", 30),
	F("PR_TASK_PERF_EVENTS_DISABLE", 31),
	F("PR_TASK_PERF_EVENTS_ENABLE", 32),
	F("PR_MCE_KILL", 33),
	F("PR_MCE_KILL_GET", 34),
	F("PR_SET_MM", 35),
	F("PR_SET_CHILD_SUBREAPER", 36),
	F("PR_GET_CHILD_SUBREAPER", 37),
	F("PR_SET_NO_NEW_PRIVS", 38),
	F("PR_GET_NO_NEW_PRIVS", 39),
	F("PR_GET_TID_ADDRESS", 40),
	F("PR_SET_THP_DISABLE", 41),
	F("PR_GET_THP_DISABLE", 42),
	F("PR_MPX_ENABLE_MANAGEMENT", 43),
	F("PR_MPX_DISABLE_MANAGEMENT", 44),
	F("PR_SET_FP_MODE", 45),
	F("PR_GET_FP_MODE", 46),
	F("PR_CAP_AMBIENT", 47),
	F("PR_SVE_SET_VL", 50),
	F("PR_SVE_GET_VL", 51),
	F("PR_GET_SPECULATION_CTRL", 52),
	F("PR_SET_SPECULATION_CTRL", 53),
	F("PR_PAC_RESET_KEYS", 54),
	F("PR_SET_TAGGED_ADDR_CTRL", 55),
	F("PR_GET_TAGGED_ADDR_CTRL", 56),
	F("PR_SET_IO_FLUSHER", 57),
	F("PR_GET_IO_FLUSHER", 58),
	F("PR_SET_SYSCALL_USER_DISPATCH", 59),
	F("PR_PAC_SET_ENABLED_KEYS", 60),
	F("PR_PAC_GET_ENABLED_KEYS", 61),
	F("PR_SCHED_CORE", 62),
	F("PR_SET_MDWE", 65),
	F("PR_GET_MDWE", 66),
	F("PR_GET_AUXV", 0x41555856),
	F("PR_SET_VMA", 0x53564d41),
};

/* One bit per capability number. */
static const FlagName caps[] = {
	F("CAP_CHOWN", 1ull << 0),
	F("CAP_DAC_OVERRIDE", 1ull << 1),
	F("CAP_DAC_READ_SEARCH", 1ull << 2),
	F("CAP_FOWNER", 1ull << 3),
	F("CAP_FSETID", 1ull << 4),
	F("CAP_KILL", 1ull << 5),
	F("CAP_SETGID", 1ull << 6),
	F("CAP_SETUID", 1ull << 7),
	F("CAP_SETPCAP", 1ull << 8),
	F("CAP_LINUX_IMMUTABLE", 1ull << 9),
	F("CAP_NET_BIND_SERVICE", 1ull << 10),
	F("CAP_NET_BROADCAST", 1ull << 11),
	F("CAP_NET_ADMIN", 1ull << 12),
	F("CAP_NET_RAW", 1ull << 13),
	F("CAP_IPC_LOCK", 1ull << 14),
	F("CAP_IPC_OWNER", 1ull << 15),
	F("CAP_SYS_MODULE", 1ull << 16),
	F("CAP_SYS_RAWIO", 1ull << 17),
	F("CAP_SYS_CHROOT", 1ull << 18),
	F("CAP_SYS_PTRACE", 1ull << 19),
	F("CAP_SYS_PACCT", 1ull << 20),
	F("CAP_SYS_ADMIN", 1ull << 21),
	F("CAP_SYS_BOOT", 1ull << 22),
	F("CAP_SYS_NICE", 1ull << 23),
	F("CAP_SYS_RESOURCE", 1ull << 24),
	F("CAP_SYS_TIME", 1ull << 25),
	F("CAP_SYS_TTY_CONFIG", 1ull << 26),
	F("CAP_MKNOD", 1ull << 27),
	F("CAP_LEASE", 1ull << 28),
	F("CAP_AUDIT_WRITE", 1ull << 29),
	F("CAP_AUDIT_CONTROL", 1ull << 30),
	F("CAP_SETFCAP", 1ull << 31),
	F("CAP_MAC_OVERRIDE", 1ull << 32),
	F("CAP_MAC_ADMIN", 1ull << 33),
	F("CAP_SYSLOG", 1ull << 34),
	F("CAP_WAKE_ALARM", 1ull << 35),
	F("CAP_BLOCK_SUSPEND", 1ull << 36),
	F("CAP_AUDIT_READ", 1ull << 37),
	F("CAP_PERFMON", 1ull << 38),
	F("CAP_BPF", 1ull << 39),
	F("CAP_CHECKPOINT_RESTORE", 1ull << 40),
};

/* ---- network ---- */

/* Falco prints 1 as AF_LOCAL. */
static const FlagName sock_family[] = {
	F("AF_UNSPEC", 0),
	F("AF_LOCAL", 1),
	F("AF_INET", 2),
	F("AF_AX25", 3),
	F("AF_IPX", 4),
	F("AF_APPLETALK", 5),
	F("AF_NETROM", 6),
	F("AF_BRIDGE", 7),
	F("AF_ATMPVC", 8),
	F("AF_X25", 9),
	F("AF_INET6", 10),
	F("AF_ROSE", 11),
	F("AF_DECnet", 12),
	F("AF_NETBEUI", 13),
	F("AF_SECURITY", 14),
	F("AF_KEY", 15),
	F("AF_NETLINK", 16),
	F("AF_PACKET", 17),
	F("AF_ASH", 18),
	F("AF_ECONET", 19),
	F("AF_ATMSVC", 20),
	F("AF_RDS", 21),
	F("AF_SNA", 22),
	F("AF_IRDA", 23),
	F("AF_PPPOX", 24),
	F("AF_WANPIPE", 25),
	F("AF_LLC", 26),
	F("AF_IB", 27),
	F("AF_MPLS", 28),
	F("AF_CAN", 29),
	F("AF_TIPC", 30),
	F("AF_BLUETOOTH", 31),
	F("AF_IUCV", 32),
	F("AF_RXRPC", 33),
	F("AF_ISDN", 34),
	F("AF_PHONET", 35),
	F("AF_IEEE802154", 36),
	F("AF_CAIF", 37),
	F("AF_ALG", 38),
	F("AF_NFC", 39),
	F("AF_VSOCK", 40),
	F("AF_KCM", 41),
	F("AF_QIPCRTR", 42),
	F("AF_SMC", 43),
	F("AF_XDP", 44),
	F("AF_MCTP", 45),
	A("AF_UNIX", 1),
	A("AF_FILE", 1),
	A("AF_ROUTE", 16),
};

/* The socket type is a 4-bit field next to two flags. */
static const FlagName sock_type[] = {
	M("SOCK_STREAM", 1, 0xf),
	M("SOCK_DGRAM", 2, 0xf),
	M("SOCK_RAW", 3, 0xf),
	M("SOCK_RDM", 4, 0xf),
	M("SOCK_SEQPACKET", 5, 0xf),
	M("SOCK_DCCP", 6, 0xf),
	M("SOCK_PACKET", 10, 0xf),
	F("SOCK_NONBLOCK", 00004000),
	F("SOCK_CLOEXEC", 02000000),
};

/* ---- file descriptors ---- */

static const FlagName fcntl_cmd[] = {
	F("F_DUPFD", 0),
	F("F_GETFD", 1),
	F("F_SETFD", 2),
	F("F_GETFL", 3),
	F("F_SETFL", 4),
	F("F_GETLK", 5),
	F("F_SETLK", 6),
	F("F_SETLKW", 7),
	F("F_SETOWN", 8),
	F("F_GETOWN", 9),
	F("F_SETSIG", 10),
	F("F_GETSIG", 11),
	F("F_SETOWN_EX", 15),
	F("F_GETOWN_EX", 16),
	F("F_OFD_GETLK", 36),
	F("F_OFD_SETLK", 37),
	F("F_OFD_SETLKW", 38),
	F("F_SETLEASE", 1024),
	F("F_GETLEASE", 1025),
	F("F_NOTIFY", 1026),
	F("F_DUPFD_QUERY", 1027),
	F("F_CANCELLK", 1029),
	F("F_DUPFD_CLOEXEC", 1030),
	F("F_SETPIPE_SZ", 1031),
	F("F_GETPIPE_SZ", 1032),
	F("F_ADD_SEALS", 1033),
	F("F_GET_SEALS", 1034),
	F("F_GET_RW_HINT", 1035),
	F("F_SET_RW_HINT", 1036),
	F("F_GET_FILE_RW_HINT", 1037),
	F("F_SET_FILE_RW_HINT", 1038),
};

static const FlagName pipe_flags[] = {
	F("O_CLOEXEC", 02000000),
	F("O_NONBLOCK", 00004000),
	F("O_DIRECT", 00040000),
	F("O_NOTIFICATION_PIPE", 00000200),
};

static const FlagName dup3_flags[] = {
	F("O_CLOEXEC", 02000000),
};

static const FlagName memfd_flags[] = {
	F("MFD_CLOEXEC", 0x1),
	F("MFD_ALLOW_SEALING", 0x2),
	F("MFD_HUGETLB", 0x4),
	F("MFD_NOEXEC_SEAL", 0x8),
	F("MFD_EXEC", 0x10),
};

/* ---- keys, kernel ---- */

static const FlagName keyctl_cmd[] = {
	F("KEYCTL_GET_KEYRING_ID", 0),
	F("KEYCTL_JOIN_SESSION_KEYRING", 1),
	F("KEYCTL_UPDATE", 2),
	F("KEYCTL_REVOKE", 3),
	F("KEYCTL_CHOWN", 4),
	F("KEYCTL_SETPERM", 5),
	F("KEYCTL_DESCRIBE", 6),
	F("KEYCTL_CLEAR", 7),
	F("KEYCTL_LINK", 8),
	F("KEYCTL_UNLINK", 9),
	F("KEYCTL_SEARCH", 10),
	F("KEYCTL_READ", 11),
	F("KEYCTL_INSTANTIATE", 12),
	F("KEYCTL_NEGATE", 13),
	F("KEYCTL_SET_REQKEY_KEYRING", 14),
	F("KEYCTL_SET_TIMEOUT", 15),
	F("KEYCTL_ASSUME_AUTHORITY", 16),
	F("KEYCTL_GET_SECURITY", 17),
	F("KEYCTL_SESSION_TO_PARENT", 18),
	F("KEYCTL_REJECT", 19),
	F("KEYCTL_INSTANTIATE_IOV", 20),
	F("KEYCTL_INVALIDATE", 21),
	F("KEYCTL_GET_PERSISTENT", 22),
	F("KEYCTL_DH_COMPUTE", 23),
	F("KEYCTL_PKEY_QUERY", 24),
	F("KEYCTL_PKEY_ENCRYPT", 25),
	F("KEYCTL_PKEY_DECRYPT", 26),
	F("KEYCTL_PKEY_SIGN", 27),
	F("KEYCTL_PKEY_VERIFY", 28),
	F("KEYCTL_RESTRICT_KEYRING", 29),
	F("KEYCTL_MOVE", 30),
	F("KEYCTL_CAPABILITIES", 31),
	F("KEYCTL_WATCH_KEY", 32),
};

static const FlagName bpf_cmd[] = {
	F("BPF_MAP_CREATE", 0),
	F("BPF_MAP_LOOKUP_ELEM", 1),
	F("BPF_MAP_UPDATE_ELEM", 2),
	F("BPF_MAP_DELETE_ELEM", 3),
	F("BPF_MAP_GET_NEXT_KEY", 4),
	F("BPF_PROG_LOAD", 5),
	F("BPF_OBJ_PIN", 6),
	F("BPF_OBJ_GET", 7),
	F("BPF_PROG_ATTACH", 8),
	F("BPF_PROG_DETACH", 9),
	F("BPF_PROG_TEST_RUN", 10),
	F("BPF_PROG_GET_NEXT_ID", 11),
	F("BPF_MAP_GET_NEXT_ID", 12),
	F("BPF_PROG_GET_FD_BY_ID", 13),
	F("BPF_MAP_GET_FD_BY_ID", 14),
	F("BPF_OBJ_GET_INFO_BY_FD", 15),
	F("BPF_PROG_QUERY", 16),
	F("BPF_RAW_TRACEPOINT_OPEN", 17),
	F("BPF_BTF_LOAD", 18),
	F("BPF_BTF_GET_FD_BY_ID", 19),
	F("BPF_TASK_FD_QUERY", 20),
	F("BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21),
	F("BPF_MAP_FREEZE", 22),
	F("BPF_BTF_GET_NEXT_ID", 23),
	F("BPF_MAP_LOOKUP_BATCH", 24),
	F("BPF_MAP_LOOKUP_AND_DELETE_BATCH", 25),
	F("BPF_MAP_UPDATE_BATCH", 26),
	F("BPF_MAP_DELETE_BATCH", 27),
	F("BPF_LINK_CREATE", 28),
	F("BPF_LINK_UPDATE", 29),
	F("BPF_LINK_GET_FD_BY_ID", 30),
	F("BPF_LINK_GET_NEXT_ID", 31),
	F("BPF_ENABLE_STATS", 32),
	F("BPF_ITER_CREATE", 33),
	F("BPF_LINK_DETACH", 34),
	F("BPF_PROG_BIND_MAP", 35),
	F("BPF_TOKEN_CREATE", 36),
};

static const FlagName reboot_cmd[] = {
	F("LINUX_REBOOT_CMD_CAD_OFF", 0x00000000),
	F("LINUX_REBOOT_CMD_RESTART", 0x01234567),
	F("LINUX_REBOOT_CMD_HALT", 0xcdef0123),
	F("LINUX_REBOOT_CMD_CAD_ON", 0x89abcdef),
	F("LINUX_REBOOT_CMD_POWER_OFF", 0x4321fedc),
	F("LINUX_REBOOT_CMD_RESTART2", 0xa1b2c3d4),
	F("LINUX_REBOOT_CMD_SW_SUSPEND", 0xd000fce2),
	F("LINUX_REBOOT_CMD_KEXEC", 0x45584543),
};

/* ---- memory ---- */

static const FlagName prot_flags[] = {
	F("PROT_READ", 0x1),
	F("PROT_WRITE", 0x2),
	F("PROT_EXEC", 0x4),
	F("PROT_SEM", 0x8),
	F("PROT_GROWSDOWN", 0x01000000),
	F("PROT_GROWSUP", 0x02000000),
	F("PROT_NONE", 0),
};

static const FlagName mmap_flags[] = {
	F("MAP_SHARED", 0x01),
	F("MAP_PRIVATE", 0x02),
	F("MAP_SHARED_VALIDATE", 0x03),
	F("MAP_FIXED", 0x10),
	F("MAP_ANONYMOUS", 0x20),
	F("MAP_32BIT", 0x40),
	F("MAP_NORESERVE", 0x4000),
	F("MAP_POPULATE", 0x8000),
	F("MAP_NONBLOCK", 0x10000),
	F("MAP_GROWSDOWN", 0x0100),
	F("MAP_DENYWRITE", 0x0800),
	F("MAP_EXECUTABLE", 0x1000),
	F("MAP_LOCKED", 0x2000),
	F("MAP_STACK", 0x20000),
	F("MAP_HUGETLB", 0x40000),
	F("MAP_SYNC", 0x80000),
	F("MAP_FIXED_NOREPLACE", 0x100000),
	A("MAP_ANON", 0x20),
};

/* ---- modules, kexec, misc ---- */

static const FlagName module_flags[] = {
	F("MODULE_INIT_IGNORE_MODVERSIONS", 1),
	F("MODULE_INIT_IGNORE_VERMAGIC", 2),
	F("MODULE_INIT_COMPRESSED_FILE", 4),
};

static const FlagName delmod_flags[] = {
	F("O_NONBLOCK", 00004000),
	F("O_TRUNC", 00001000),
};

/*
 * kexec_load(2) flags; the upper half is the target architecture.
 * kexec_file_load(2) uses other meanings for the same bits (see the aliases).
 */
static const FlagName kexec_flags[] = {
	F("KEXEC_ON_CRASH", 0x1),
	F("KEXEC_PRESERVE_CONTEXT", 0x2),
	F("KEXEC_UPDATE_ELFCOREHDR", 0x4),
	F("KEXEC_CRASH_HOTPLUG_SUPPORT", 0x8),
	M("KEXEC_ARCH_386", 3u << 16, 0xffff0000u),
	M("KEXEC_ARCH_MIPS", 8u << 16, 0xffff0000u),
	M("KEXEC_ARCH_PPC64", 21u << 16, 0xffff0000u),
	M("KEXEC_ARCH_S390", 22u << 16, 0xffff0000u),
	M("KEXEC_ARCH_ARM", 40u << 16, 0xffff0000u),
	M("KEXEC_ARCH_X86_64", 62u << 16, 0xffff0000u),
	M("KEXEC_ARCH_AARCH64", 183u << 16, 0xffff0000u),
	A("KEXEC_FILE_UNLOAD", 0x1),
	A("KEXEC_FILE_ON_CRASH", 0x2),
	A("KEXEC_FILE_NO_INITRAMFS", 0x4),
	A("KEXEC_FILE_DEBUG", 0x8),
};

static const FlagName uffd_flags[] = {
	F("O_CLOEXEC", 02000000),
	F("O_NONBLOCK", 00004000),
	F("UFFD_USER_MODE_ONLY", 1),
};

static const FlagName iouring_flags[] = {
	F("IORING_SETUP_IOPOLL", 1u << 0),
	F("IORING_SETUP_SQPOLL", 1u << 1),
	F("IORING_SETUP_SQ_AFF", 1u << 2),
	F("IORING_SETUP_CQSIZE", 1u << 3),
	F("IORING_SETUP_CLAMP", 1u << 4),
	F("IORING_SETUP_ATTACH_WQ", 1u << 5),
	F("IORING_SETUP_R_DISABLED", 1u << 6),
	F("IORING_SETUP_SUBMIT_ALL", 1u << 7),
	F("IORING_SETUP_COOP_TASKRUN", 1u << 8),
	F("IORING_SETUP_TASKRUN_FLAG", 1u << 9),
	F("IORING_SETUP_SQE128", 1u << 10),
	F("IORING_SETUP_CQE32", 1u << 11),
	F("IORING_SETUP_SINGLE_ISSUER", 1u << 12),
	F("IORING_SETUP_DEFER_TASKRUN", 1u << 13),
	F("IORING_SETUP_NO_MMAP", 1u << 14),
	F("IORING_SETUP_REGISTERED_FD_ONLY", 1u << 15),
	F("IORING_SETUP_NO_SQARRAY", 1u << 16),
};

static const FlagName signals[] = {
	F("SIGHUP", 1),
	F("SIGINT", 2),
	F("SIGQUIT", 3),
	F("SIGILL", 4),
	F("SIGTRAP", 5),
	F("SIGABRT", 6),
	F("SIGBUS", 7),
	F("SIGFPE", 8),
	F("SIGKILL", 9),
	F("SIGUSR1", 10),
	F("SIGSEGV", 11),
	F("SIGUSR2", 12),
	F("SIGPIPE", 13),
	F("SIGALRM", 14),
	F("SIGTERM", 15),
	F("SIGSTKFLT", 16),
	F("SIGCHLD", 17),
	F("SIGCONT", 18),
	F("SIGSTOP", 19),
	F("SIGTSTP", 20),
	F("SIGTTIN", 21),
	F("SIGTTOU", 22),
	F("SIGURG", 23),
	F("SIGXCPU", 24),
	F("SIGXFSZ", 25),
	F("SIGVTALRM", 26),
	F("SIGPROF", 27),
	F("SIGWINCH", 28),
	F("SIGIO", 29),
	F("SIGPWR", 30),
	F("SIGSYS", 31),
	A("SIGIOT", 6),
	A("SIGPOLL", 29),
	A("SIGCLD", 17),
};

static const FlagName shutdown_how[] = {
	F("SHUT_RD", 0),
	F("SHUT_WR", 1),
	F("SHUT_RDWR", 2),
};

/* chmod-like mode bits, in Falco's order. */
static const FlagName mode_bits[] = {
	F("S_IXOTH", 0001),
	F("S_IWOTH", 0002),
	F("S_IROTH", 0004),
	F("S_IXGRP", 0010),
	F("S_IWGRP", 0020),
	F("S_IRGRP", 0040),
	F("S_IXUSR", 0100),
	F("S_IWUSR", 0200),
	F("S_IRUSR", 0400),
	F("S_ISVTX", 01000),
	F("S_ISGID", 02000),
	F("S_ISUID", 04000),
};

#undef F
#undef M
#undef A

typedef struct FlagSet {
	const char *name;
	const FlagName *names;
	size_t n;
	bool is_enum;
} FlagSet;

#define SET(id, tbl, e) [SAKER_FMT_##id] = { #id, tbl, ELEMENTSOF(tbl), e }
static const FlagSet sets[SAKER_FMT_MAX] = {
	[SAKER_FMT_NONE] = { "NONE", NULL, 0, false },
	SET(OPEN_FLAGS, open_flags, false),
	SET(OPENAT2_RESOLVE, openat2_resolve, false),
	SET(AT_FLAGS, at_flags, false),
	SET(UNLINKAT_FLAGS, unlinkat_flags, false),
	SET(LINKAT_FLAGS, linkat_flags, false),
	SET(RENAME_FLAGS, rename_flags, false),
	SET(MOUNT_FLAGS, mount_flags, false),
	SET(UMOUNT_FLAGS, umount_flags, false),
	SET(FSOPEN_FLAGS, fsopen_flags, false),
	SET(FSCONFIG_CMD, fsconfig_cmd, true),
	SET(FSMOUNT_FLAGS, fsmount_flags, false),
	SET(MOUNT_ATTR, mount_attr, false),
	SET(MOVE_MOUNT_FLAGS, move_mount_flags, false),
	SET(OPEN_TREE_FLAGS, open_tree_flags, false),
	SET(CLONE_FLAGS, clone_flags, false),
	SET(EXECVE_FLAGS, execve_flags, false),
	SET(PTRACE_REQ, ptrace_req, true),
	SET(PRCTL_OPT, prctl_opt, true),
	SET(CAPS, caps, false),
	SET(SOCK_FAMILY, sock_family, true),
	SET(SOCK_TYPE, sock_type, false),
	SET(FCNTL_CMD, fcntl_cmd, true),
	SET(PIPE_FLAGS, pipe_flags, false),
	SET(DUP3_FLAGS, dup3_flags, false),
	SET(MEMFD_FLAGS, memfd_flags, false),
	SET(KEYCTL_CMD, keyctl_cmd, true),
	SET(BPF_CMD, bpf_cmd, true),
	SET(REBOOT_CMD, reboot_cmd, true),
	SET(PROT_FLAGS, prot_flags, false),
	SET(MMAP_FLAGS, mmap_flags, false),
	SET(MODULE_FLAGS, module_flags, false),
	SET(DELMOD_FLAGS, delmod_flags, false),
	SET(KEXEC_FLAGS, kexec_flags, false),
	SET(UFFD_FLAGS, uffd_flags, false),
	SET(IOURING_FLAGS, iouring_flags, false),
	SET(SIGNAL, signals, true),
	SET(SHUTDOWN_HOW, shutdown_how, true),
};
#undef SET

static const FlagSet mode_set = { "MODE", mode_bits, ELEMENTSOF(mode_bits), false };

/* Every flag set fits the 64-bit "matched" mask used while rendering. */
#define FLAGS_MAX_NAMES 64

static const FlagSet *set_get(enum saker_fmt_set set)
{
	if ((unsigned)set >= SAKER_FMT_MAX || !sets[set].name)
		return NULL;
	return &sets[set];
}

bool flags_is_enum(enum saker_fmt_set set)
{
	const FlagSet *s = set_get(set);

	return s && s->is_enum;
}

const char *flags_set_name(enum saker_fmt_set set)
{
	const FlagSet *s = set_get(set);

	return s ? s->name : "?";
}

/* A small bounded writer: keeps the text NUL-terminated, remembers overflow. */
typedef struct Out {
	char *buf;
	size_t n, len;
	bool full;
} Out;

static void out_str(Out *o, const char *s)
{
	size_t l = strlen(s);

	if (o->n == 0) {
		o->full = true;
		return;
	}
	if (o->len + l >= o->n) {
		l = o->n - 1 - o->len;
		o->full = true;
	}
	memcpy(o->buf + o->len, s, l);
	o->len += l;
	o->buf[o->len] = 0;
}

static int out_done(const Out *o)
{
	return o->full ? -ENOBUFS : (int)o->len;
}

static bool name_single_bit(const FlagName *f)
{
	return f->mask == 0 && f->value != 0 && (f->value & (f->value - 1)) == 0;
}

static int render_bits(const FlagSet *s, uint64_t v, const char *sep, Out *o, unsigned *ret_names)
{
	uint64_t matched = 0, rem = v, claimed = 0;
	unsigned names = 0;
	char num[24];
	size_t i;

	/* A zero value is named only by a name for zero (PROT_NONE). */
	for (i = 0; v == 0 && i < s->n; i++) {
		const FlagName *f = &s->names[i];

		if (!f->alias && f->mask == 0 && f->value == 0) {
			out_str(o, f->name);
			*ret_names = 1;
			return out_done(o);
		}
	}
	/* Fields and multi-bit names first, so they claim their bits. */
	for (i = 0; i < s->n && i < FLAGS_MAX_NAMES; i++) {
		const FlagName *f = &s->names[i];
		uint64_t mask = f->mask ? f->mask : f->value;

		if (f->alias || name_single_bit(f) || mask == 0)
			continue;
		/* a field (O_ACCMODE) is claimed by the first name that matches it */
		if (!(claimed & mask) && (v & mask) == f->value) {
			matched |= 1ull << i;
			claimed |= mask;
			rem &= ~mask;
		}
	}
	for (i = 0; i < s->n && i < FLAGS_MAX_NAMES; i++) {
		const FlagName *f = &s->names[i];

		if (f->alias || !name_single_bit(f))
			continue;
		if (rem & f->value) {
			matched |= 1ull << i;
			rem &= ~f->value;
		}
	}
	for (i = 0; i < s->n && i < FLAGS_MAX_NAMES; i++) {
		if (!(matched & (1ull << i)))
			continue;
		if (names++)
			out_str(o, sep);
		out_str(o, s->names[i].name);
	}
	if (rem || names == 0) {
		if (names)
			out_str(o, sep);
		if (rem)
			snprintf(num, sizeof(num), "0x%" PRIx64, rem);
		else
			snprintf(num, sizeof(num), "0");
		out_str(o, num);
	}
	*ret_names = names;
	return out_done(o);
}

static int render_enum(const FlagSet *s, uint64_t v, Out *o, unsigned *ret_names)
{
	char num[24];
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!s->names[i].alias && s->names[i].value == v) {
			out_str(o, s->names[i].name);
			*ret_names = 1;
			return out_done(o);
		}
	snprintf(num, sizeof(num), "%" PRIu64, v);
	out_str(o, num);
	*ret_names = 0;
	return out_done(o);
}

int flags_render_sep(enum saker_fmt_set set, uint64_t v, const char *sep, char *buf, size_t n,
		     unsigned *ret_names)
{
	const FlagSet *s = set_get(set);
	Out o = { .buf = buf, .n = n };
	unsigned names = 0;
	int r;

	if (n > 0)
		buf[0] = 0;
	if (!s) {
		r = -EINVAL;
		goto finish;
	}
	if (set == SAKER_FMT_NONE) {
		char num[24];

		snprintf(num, sizeof(num), "%" PRIu64, v);
		out_str(&o, num);
		r = out_done(&o);
		goto finish;
	}
	if (set == SAKER_FMT_CLONE_FLAGS)
		v &= ~(uint64_t)CLONE_SIGNAL_BITS;
	if (set == SAKER_FMT_MOUNT_FLAGS && (v & MS_MGC_MSK) == MS_MGC_VAL)
		v &= ~(uint64_t)MS_MGC_MSK;
	if (s->is_enum)
		r = render_enum(s, v, &o, &names);
	else
		r = render_bits(s, v, sep ? sep : "|", &o, &names);
finish:
	if (ret_names)
		*ret_names = names;
	return r;
}

int flags_render(enum saker_fmt_set set, uint64_t v, char *buf, size_t n)
{
	return flags_render_sep(set, v, "|", buf, n, NULL);
}

int flags_render_mode(uint32_t mode, char *buf, size_t n)
{
	Out o = { .buf = buf, .n = n };
	unsigned names;

	if (n > 0)
		buf[0] = 0;
	return render_bits(&mode_set, mode & 07777, "|", &o, &names);
}

static int parse_number(const char *s, size_t len, uint64_t *ret)
{
	char tmp[32], *end;
	unsigned long long v;

	if (len == 0 || len >= sizeof(tmp) || s[0] < '0' || s[0] > '9')
		return -ENOENT;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	errno = 0;
	v = strtoull(tmp, &end, 0);
	if (errno || *end)
		return -ENOENT;
	*ret = v;
	return 0;
}

static int parse_one(const FlagSet *s, const char *tok, size_t len, uint64_t *ret)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const char *nm = s->names[i].name;

		if (strlen(nm) == len && memcmp(nm, tok, len) == 0) {
			*ret = s->names[i].value;
			return 0;
		}
	}
	return parse_number(tok, len, ret);
}

int flags_parse_name(enum saker_fmt_set set, const char *name, uint64_t *ret)
{
	const FlagSet *s = set_get(set);
	uint64_t acc = 0;
	const char *p = name;

	if (!s)
		return -EINVAL;
	if (!name)
		return -ENOENT;
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		uint64_t v;
		int r;

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		r = parse_one(s, p, len, &v);
		if (r < 0)
			return r;
		if (s->is_enum && (bar || p != name))
			return -ENOENT; /* a single choice cannot be combined */
		acc |= v;
		if (!bar)
			break;
		p = bar + 1;
	}
	*ret = acc;
	return 0;
}

/* ---- errno ---- */

static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO",
	[6] = "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD",
	[11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK",
	[16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR",
	[21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY",
	[26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
	[31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK",
	[36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY",
	[40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM", [44] = "ECHRNG", [45] = "EL2NSYNC",
	[46] = "EL3HLT", [47] = "EL3RST", [48] = "ELNRNG", [49] = "EUNATCH", [50] = "ENOCSI",
	[51] = "EL2HLT", [52] = "EBADE", [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO",
	[56] = "EBADRQC", [57] = "EBADSLT", [59] = "EBFONT", [60] = "ENOSTR", [61] = "ENODATA",
	[62] = "ETIME", [63] = "ENOSR", [64] = "ENONET", [65] = "ENOPKG", [66] = "EREMOTE",
	[67] = "ENOLINK", [68] = "EADV", [69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO",
	[72] = "EMULTIHOP", [73] = "EDOTDOT", [74] = "EBADMSG", [75] = "EOVERFLOW",
	[76] = "ENOTUNIQ", [77] = "EBADFD", [78] = "EREMCHG", [79] = "ELIBACC",
	[80] = "ELIBBAD", [81] = "ELIBSCN", [82] = "ELIBMAX", [83] = "ELIBEXEC",
	[84] = "EILSEQ", [85] = "ERESTART", [86] = "ESTRPIPE", [87] = "EUSERS",
	[88] = "ENOTSOCK", [89] = "EDESTADDRREQ", [90] = "EMSGSIZE", [91] = "EPROTOTYPE",
	[92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT",
	[95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE",
	[99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH", [102] = "ENETRESET",
	[103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS", [106] = "EISCONN",
	[107] = "ENOTCONN", [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS", [110] = "ETIMEDOUT",
	[111] = "ECONNREFUSED", [112] = "EHOSTDOWN", [113] = "EHOSTUNREACH", [114] = "EALREADY",
	[115] = "EINPROGRESS", [116] = "ESTALE", [117] = "EUCLEAN", [118] = "ENOTNAM",
	[119] = "ENAVAIL", [120] = "EISNAM", [121] = "EREMOTEIO", [122] = "EDQUOT",
	[123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE", [125] = "ECANCELED", [126] = "ENOKEY",
	[127] = "EKEYEXPIRED", [128] = "EKEYREVOKED", [129] = "EKEYREJECTED",
	[130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE", [132] = "ERFKILL", [133] = "EHWPOISON",
};

/* Kernel-internal codes that can leak to userspace through tracing. */
static const char *const errno_kernel_names[] = {
	[512 - 512] = "ERESTARTSYS",	 [513 - 512] = "ERESTARTNOINTR",
	[514 - 512] = "ERESTARTNOHAND",	 [515 - 512] = "ENOIOCTLCMD",
	[516 - 512] = "ERESTART_RESTARTBLOCK", [517 - 512] = "EPROBE_DEFER",
	[518 - 512] = "EOPENSTALE",	 [519 - 512] = "ENOPARAM",
	[521 - 512] = "EBADHANDLE",	 [522 - 512] = "ENOTSYNC",
	[523 - 512] = "EBADCOOKIE",	 [524 - 512] = "ENOTSUPP",
	[525 - 512] = "ETOOSMALL",	 [526 - 512] = "ESERVERFAULT",
	[527 - 512] = "EBADTYPE",	 [528 - 512] = "EJUKEBOX",
	[529 - 512] = "EIOCBQUEUED",
};

const char *flags_errno_name(int64_t err)
{
	uint64_t e;

	if (err == 0 || err == INT64_MIN)
		return NULL;
	e = (uint64_t)(err < 0 ? -err : err);
	if (e < ELEMENTSOF(errno_names))
		return errno_names[e];
	if (e >= 512 && e - 512 < ELEMENTSOF(errno_kernel_names))
		return errno_kernel_names[e - 512];
	return NULL;
}

const char *flags_signal_name(uint64_t sig)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(signals); i++)
		if (!signals[i].alias && signals[i].value == sig)
			return signals[i].name;
	return NULL;
}
