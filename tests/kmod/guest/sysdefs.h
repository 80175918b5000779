/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel constants and structures the guest tests pass to raw syscalls,
 * spelled out so the tests build against any libc and uapi headers (some
 * of them are newer than the build host's).
 */
#ifndef SAKER_TEST_SYSDEFS_H
#define SAKER_TEST_SYSDEFS_H

#include <fcntl.h>
#include <stdint.h>

/* mount */
#define T_MS_NOSUID		2
#define T_MNT_DETACH		2
#define T_FSOPEN_CLOEXEC	1
#define T_FSCONFIG_SET_STRING	1
#define T_FSCONFIG_CMD_CREATE	6
#define T_FSMOUNT_CLOEXEC	1
#define T_MOUNT_ATTR_NODEV	4
#define T_MOVE_MOUNT_F_EMPTY_PATH 4
#define T_OPEN_TREE_CLONE	1
#define T_OPEN_TREE_CLOEXEC	O_CLOEXEC

/* openat2 */
struct t_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define T_RESOLVE_NO_SYMLINKS	4

#define T_RENAME_NOREPLACE	1

/* prctl */
#define T_PR_GET_DUMPABLE	3
#define T_PR_SET_NAME		15
#define T_PR_GET_NAME		16

/* capget/capset */
#define T_CAP_VERSION_3		0x20080522
struct t_cap_header {
	uint32_t version;
	int pid;
};
struct t_cap_data {
	uint32_t effective;
	uint32_t permitted;
	uint32_t inheritable;
};

/* clone3 */
struct t_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

/* keys */
#define T_KEY_SPEC_PROCESS_KEYRING	(-2)
#define T_KEYCTL_GET_KEYRING_ID		0

/* perf_event_open: type, size, config at the front of a 128-byte attr */
struct t_perf_attr {
	uint32_t type;
	uint32_t size;
	uint64_t config;
	uint8_t rest[112];
};
#define T_PERF_TYPE_SOFTWARE	1
#define T_PERF_COUNT_SW_CPU_CLOCK 0

/* io_uring_setup: struct io_uring_params is 120 bytes, flags at 8 */
struct t_uring_params {
	uint32_t sq_entries;
	uint32_t cq_entries;
	uint32_t flags;
	uint32_t rest[27];
};

#define T_LINUX_REBOOT_MAGIC1	0xfee1dead

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#endif /* SAKER_TEST_SYSDEFS_H */
