/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * saker kernel<->user ABI: the fixed event header, parameter types and the
 * per-event parameter descriptors generated from the one event table
 * (event-table.h).  Shared verbatim by kmod/, the daemon, the capture format
 * and the fixtures, so everything here is fixed-width and little-endian.
 */
#ifndef SAKER_EVENT_H
#define SAKER_EVENT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
#define SAKER_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#include <linux/types.h>
#include <stddef.h>
#define SAKER_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

/* Bumped on every incompatible change of anything in include/saker/. */
#define SAKER_ABI_VERSION 1
#define SAKER_ABI_MAGIC 0x534b5231u /* "SKR1" */

/*
 * Every record in a ring (and in a capture file) starts with this header.
 * It is followed by nparams little-endian __u16 parameter lengths, then the
 * parameter bytes back to back, then padding to SAKER_EVENT_ALIGN.
 */
struct saker_event_hdr {
	__u64 ts;	/* CLOCK_BOOTTIME ns; wall anchor in the ring info page */
	__u32 tid;	/* thread id, init pid namespace */
	__u32 pid;	/* thread group id, init pid namespace */
	__u32 len;	/* whole record incl. header, lengths and padding */
	__u16 type;	/* enum saker_event_type */
	__u16 cpu;	/* CPU that produced the record */
	__u16 nparams;	/* number of __u16 lengths after the header */
	__u16 flags;	/* SAKER_EF_* */
	__u32 reserved;	/* zero */
};
SAKER_STATIC_ASSERT(sizeof(struct saker_event_hdr) == 32, "event header is 32 bytes");
SAKER_STATIC_ASSERT(offsetof(struct saker_event_hdr, len) == 16, "len offset");
SAKER_STATIC_ASSERT(offsetof(struct saker_event_hdr, type) == 20, "type offset");

#define SAKER_EVENT_ALIGN 8

/* Event header flags. */
#define SAKER_EF_COMPAT		0x0001	/* produced by a 32-bit compat syscall */
#define SAKER_EF_TRUNCATED	0x0002	/* some parameter was cut to snaplen */
#define SAKER_EF_FAULTED	0x0004	/* some parameter is marked faulted */

/*
 * Parameter length word: the low 15 bits are the byte length, the top bit
 * marks a parameter the kernel could not read (bad pointer, fault).  A faulted
 * parameter has length 0.  A parameter is never longer than SAKER_PARAM_MAX.
 */
#define SAKER_PARAM_FAULT	0x8000u
#define SAKER_PARAM_LEN_MASK	0x7fffu
#define SAKER_PARAM_MAX		0x7fffu

/* Largest record a producer writes: header + lengths + parameters. */
#define SAKER_EVENT_MAX_LEN	(64u * 1024u)
/* Most parameters any event type has (bounded so decoders can use arrays). */
#define SAKER_MAX_PARAMS	40

/*
 * Parameter wire types.  Integers are little-endian of the stated width.
 * Strings (PATH, STR, ...) are NUL-terminated inside their length.
 */
#define SAKER_PARAM_TYPES(T)						\
	T(NONE,    0)	/* placeholder */					\
	T(S64,     8)	/* signed 64-bit (return values, offsets) */	\
	T(U64,     8)	/* unsigned 64-bit */				\
	T(S32,     4)	/* signed 32-bit */					\
	T(U32,     4)	/* unsigned 32-bit */				\
	T(U16,     2)	/* unsigned 16-bit (ports) */			\
	T(FD,      8)	/* file descriptor, signed 64-bit */		\
	T(PID,     8)	/* process/thread id, signed 64-bit */		\
	T(UID,     4)	/* user id */					\
	T(GID,     4)	/* group id */					\
	T(MODE,    4)	/* file mode bits (rendered octal) */		\
	T(FLAGS32, 4)	/* bit flags, rendered with a flag set */	\
	T(FLAGS64, 8)	/* 64-bit bit flags (capabilities) */		\
	T(ENUM32,  4)	/* one value of a named set */			\
	T(SIG,     4)	/* signal number */				\
	T(ERRNO,   8)	/* return value: negative errno on failure */	\
	T(PATH,    0)	/* a path as the caller passed it */		\
	T(ABSPATH, 0)	/* the kernel's resolved absolute path */	\
	T(STR,     0)	/* a NUL-terminated string */			\
	T(STRARR,  0)	/* NUL-separated strings (argv, env) */		\
	T(BYTES,   0)	/* raw bytes (I/O data, snaplen-limited) */	\
	T(SOCKADDR, 0)	/* struct saker_sockaddr */			\
	T(TUPLE,   0)	/* struct saker_tuple */			\
	T(DEV,     4)	/* device number, new_encode_dev() */		\
	T(INO,     8)	/* inode number */				\
	T(NSTIME,  8)	/* ns timestamp */

enum saker_param_type {
#define SAKER_PT_ENUM(name, size) SAKER_PT_##name,
	SAKER_PARAM_TYPES(SAKER_PT_ENUM)
#undef SAKER_PT_ENUM
	SAKER_PT_MAX
};

/*
 * Rendering sets for FLAGS32/FLAGS64/ENUM32 parameters.  The value tables
 * live in userspace (daemon/event/flags.c); the kernel only passes raw
 * values.  Names follow Falco's so that imported rules match.
 */
#define SAKER_FMT_SETS(F)						\
	F(NONE)								\
	F(OPEN_FLAGS)		/* O_RDONLY|O_CREAT... */		\
	F(OPENAT2_RESOLVE)	/* RESOLVE_* */				\
	F(AT_FLAGS)		/* AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH */\
	F(UNLINKAT_FLAGS)	/* AT_REMOVEDIR */			\
	F(LINKAT_FLAGS)		/* AT_SYMLINK_FOLLOW, AT_EMPTY_PATH */	\
	F(RENAME_FLAGS)		/* RENAME_NOREPLACE... */		\
	F(MOUNT_FLAGS)		/* MS_RDONLY... */			\
	F(UMOUNT_FLAGS)		/* MNT_FORCE... */			\
	F(FSOPEN_FLAGS)		/* FSOPEN_CLOEXEC */			\
	F(FSCONFIG_CMD)		/* FSCONFIG_SET_STRING... */		\
	F(FSMOUNT_FLAGS)	/* FSMOUNT_CLOEXEC */			\
	F(MOUNT_ATTR)		/* MOUNT_ATTR_RDONLY... */		\
	F(MOVE_MOUNT_FLAGS)	/* MOVE_MOUNT_F_SYMLINKS... */		\
	F(OPEN_TREE_FLAGS)	/* OPEN_TREE_CLONE... */		\
	F(CLONE_FLAGS)		/* CLONE_NEWNS|CLONE_VM... */		\
	F(EXECVE_FLAGS)		/* EXE_WRITABLE, EXE_UPPER_LAYER... */	\
	F(PTRACE_REQ)		/* PTRACE_ATTACH... */			\
	F(PRCTL_OPT)		/* PR_SET_NAME... */			\
	F(CAPS)			/* CAP_SYS_ADMIN... (64-bit) */		\
	F(SOCK_FAMILY)		/* AF_INET... */			\
	F(SOCK_TYPE)		/* SOCK_STREAM|SOCK_CLOEXEC */		\
	F(FCNTL_CMD)		/* F_DUPFD... */			\
	F(PIPE_FLAGS)		/* O_CLOEXEC|O_NONBLOCK|O_DIRECT */	\
	F(DUP3_FLAGS)		/* O_CLOEXEC */				\
	F(MEMFD_FLAGS)		/* MFD_CLOEXEC... */			\
	F(KEYCTL_CMD)		/* KEYCTL_READ... */			\
	F(BPF_CMD)		/* BPF_PROG_LOAD... */			\
	F(REBOOT_CMD)		/* LINUX_REBOOT_CMD_* */		\
	F(PROT_FLAGS)		/* PROT_READ|PROT_EXEC */		\
	F(MMAP_FLAGS)		/* MAP_SHARED... */			\
	F(MODULE_FLAGS)		/* MODULE_INIT_IGNORE_* */		\
	F(DELMOD_FLAGS)		/* O_NONBLOCK|O_TRUNC */		\
	F(KEXEC_FLAGS)		/* KEXEC_* */				\
	F(UFFD_FLAGS)		/* O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY */ \
	F(IOURING_FLAGS)	/* IORING_SETUP_* */			\
	F(SIGNAL)		/* SIGKILL... (ENUM32) */		\
	F(SHUTDOWN_HOW)		/* unused placeholder for later */

enum saker_fmt_set {
#define SAKER_FMT_ENUM(name) SAKER_FMT_##name,
	SAKER_FMT_SETS(SAKER_FMT_ENUM)
#undef SAKER_FMT_ENUM
	SAKER_FMT_MAX
};

/* Socket address on the wire (SOCKADDR parameters). */
#define SAKER_AF_UNSPEC	0
#define SAKER_AF_UNIX	1
#define SAKER_AF_INET	2
#define SAKER_AF_INET6	10
#define SAKER_AF_NETLINK 16
#define SAKER_AF_PACKET	17

/*
 * SOCKADDR: __u16 family, then for INET: __u16 port (host order), 4 bytes
 * address (network order); INET6: __u16 port, 16 bytes address; UNIX: the
 * path (abstract names start with '@'), NUL-terminated.  Other families carry
 * only the family.
 *
 * TUPLE (connected sockets): __u16 family, __u8 l4proto (IPPROTO_*), __u8 pad,
 * then for INET/INET6: source addr, source port, dest addr, dest port with
 * the address widths above and ports host order (__u16); for UNIX: the
 * __u64 kernel socket and peer identifiers, then the path.
 */
struct saker_sockaddr_in {
	__u16 family;
	__u16 port;
	__u8 addr[4];
};

struct saker_sockaddr_in6 {
	__u16 family;
	__u16 port;
	__u8 addr[16];
};

struct saker_tuple_in {
	__u16 family;
	__u8 l4proto;
	__u8 pad;
	__u8 saddr[4];
	__u16 sport;
	__u8 daddr[4];
	__u16 dport;
};
SAKER_STATIC_ASSERT(sizeof(struct saker_tuple_in) == 16, "tuple_in size");

struct saker_tuple_in6 {
	__u16 family;
	__u8 l4proto;
	__u8 pad;
	__u8 saddr[16];
	__u16 sport;
	__u8 daddr[16];
	__u16 dport;
};
SAKER_STATIC_ASSERT(sizeof(struct saker_tuple_in6) == 40, "tuple_in6 size");

/* EXECVE_FLAGS bits carried by the exe_flags parameter. */
#define SAKER_EXE_WRITABLE	0x1	/* the exe file is writable by the caller */
#define SAKER_EXE_UPPER_LAYER	0x2	/* exe lives on an overlayfs upper layer */
#define SAKER_EXE_FROM_MEMFD	0x4	/* exe is a memfd (fileless) */
#define SAKER_EXE_LOWER_LAYER	0x8	/* exe on an overlayfs lower layer */

/* Event categories (evt.category). */
#define SAKER_CATEGORIES(C)	\
	C(OTHER, "other")	\
	C(FILE, "file")		\
	C(PROCESS, "process")	\
	C(CREDS, "creds")	\
	C(NS, "namespace")	\
	C(NET, "net")		\
	C(FDS, "fd")		\
	C(KEYS, "keys")		\
	C(KERNEL, "kernel")	\
	C(MEMORY, "memory")	\
	C(IO, "io")		\
	C(META, "meta")

enum saker_category {
#define SAKER_CAT_ENUM(id, name) SAKER_CAT_##id,
	SAKER_CATEGORIES(SAKER_CAT_ENUM)
#undef SAKER_CAT_ENUM
	SAKER_CAT_MAX
};

#include "event-table.h"

/* One enumerator per event type, in table order. */
enum saker_event_type {
#define SAKER_EVT_ENUM(id, name, cat, params) SAKER_EVT_##id,
#define SAKER_EVT_NOP(pname, ptype, pfmt)
	SAKER_EVENT_TABLE(SAKER_EVT_ENUM, SAKER_EVT_NOP)
#undef SAKER_EVT_NOP
#undef SAKER_EVT_ENUM
	SAKER_EVT_MAX
};

/* Syscall-selection bitmap size, in 64-bit words (indexed by event type). */
#define SAKER_EVT_BITMAP_WORDS ((SAKER_EVT_MAX + 63) / 64)

/* SAKER_NPARAMS_<ID>: the parameter count of each event type, for producers. */
#define SAKER_PCOUNT_ONE(pname, ptype, pfmt) +1
enum saker_event_nparams {
#define SAKER_NPARAMS_ENUM(id, name, cat, params) SAKER_NPARAMS_##id = (0 params),
	SAKER_EVENT_TABLE(SAKER_NPARAMS_ENUM, SAKER_PCOUNT_ONE)
#undef SAKER_NPARAMS_ENUM
};

#endif /* SAKER_EVENT_H */
