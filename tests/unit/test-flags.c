// SPDX-License-Identifier: MIT
/*
 * Unit tests for daemon/event/flags.c: every rendering set with Linux's raw
 * values, Falco's names and order, unknown bits, zero values, parsing back,
 * errno/signal/mode names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "event/flags.h"

static const char *R(enum saker_fmt_set set, uint64_t v)
{
	static char buf[FLAGS_RENDER_MAX];

	assert_true(flags_render(set, v, buf, sizeof(buf)) >= 0);
	return buf;
}

static uint64_t P(enum saker_fmt_set set, const char *name)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(flags_parse_name(set, name, &v), 0);
	return v;
}

static void test_open_flags(void **state)
{
	/* O_RDONLY is the value 0 of the access mode field */
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 0), "O_RDONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 01), "O_WRONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 02), "O_RDWR");
	/* Falco's order: O_TRUNC, O_CREAT before the access mode */
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 01 | 0100 | 01000), "O_TRUNC|O_CREAT|O_WRONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 0100), "O_CREAT|O_RDONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 02 | 02000000), "O_RDWR|O_CLOEXEC");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 02000 | 01), "O_APPEND|O_WRONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 04000 | 0200000 | 02000000),
			    "O_DIRECTORY|O_NONBLOCK|O_RDONLY|O_CLOEXEC");
	/* O_SYNC contains O_DSYNC's bit; O_TMPFILE contains O_DIRECTORY's */
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 04010000 | 01), "O_SYNC|O_WRONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 010000 | 01), "O_DSYNC|O_WRONLY");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 020200000 | 02), "O_RDWR|O_TMPFILE");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 010000000), "O_RDONLY|O_PATH");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 0200 | 0100 | 01),
			    "O_EXCL|O_CREAT|O_WRONLY");
	/* unknown bits are kept, in hex */
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 0100 | 0x40000000),
			    "O_CREAT|O_RDONLY|0x40000000");
	/* the invalid access mode 3 matches no name */
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 03), "0x3");
	assert_string_equal(R(SAKER_FMT_OPEN_FLAGS, 03 | 0100), "O_CREAT|0x3");
}

static void test_open_flags_parse(void **state)
{
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, "O_RDONLY"), 0);
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, "O_RDWR|O_CREAT"), 0102);
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, " O_WRONLY | O_TRUNC "), 01001);
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, "O_TMPFILE"), 020200000);
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, "O_NDELAY"), 04000); /* alias */
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, "0x40"), 0100);      /* numbers pass */
	assert_int_equal(P(SAKER_FMT_OPEN_FLAGS, "O_CREAT|64"), 0100);
}

static void test_parse_errors(void **state)
{
	uint64_t v = 7;

	assert_int_equal(flags_parse_name(SAKER_FMT_OPEN_FLAGS, "O_BOGUS", &v), -ENOENT);
	assert_int_equal(flags_parse_name(SAKER_FMT_OPEN_FLAGS, "O_CREAT|", &v), -ENOENT);
	assert_int_equal(flags_parse_name(SAKER_FMT_OPEN_FLAGS, "", &v), -ENOENT);
	assert_int_equal(flags_parse_name(SAKER_FMT_OPEN_FLAGS, "o_creat", &v), -ENOENT);
	assert_int_equal(flags_parse_name(SAKER_FMT_OPEN_FLAGS, NULL, &v), -ENOENT);
	/* a name from another set */
	assert_int_equal(flags_parse_name(SAKER_FMT_OPEN_FLAGS, "CLONE_VM", &v), -ENOENT);
	/* enum values cannot be combined */
	assert_int_equal(flags_parse_name(SAKER_FMT_PTRACE_REQ, "PTRACE_ATTACH|PTRACE_SEIZE", &v),
			 -ENOENT);
	assert_int_equal(flags_parse_name(SAKER_FMT_MAX, "X", &v), -EINVAL);
	assert_int_equal(v, 7); /* untouched on error */
}

static void test_clone_flags(void **state)
{
	/* the child's exit signal in the low bits is not a flag */
	assert_string_equal(R(SAKER_FMT_CLONE_FLAGS, 0x20000 | 0x20000000 | 17),
			    "CLONE_NEWNS|CLONE_NEWPID");
	assert_string_equal(R(SAKER_FMT_CLONE_FLAGS, 17), "0");
	assert_string_equal(R(SAKER_FMT_CLONE_FLAGS,
			      0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 |
				      0x100000 | 0x200000),
			    "CLONE_FILES|CLONE_FS|CLONE_PARENT_SETTID|CLONE_SIGHAND|CLONE_SYSVSEM|"
			    "CLONE_THREAD|CLONE_VM|CLONE_CHILD_CLEARTID|CLONE_SETTLS");
	assert_string_equal(R(SAKER_FMT_CLONE_FLAGS, 0x10000000 | 0x40000000),
			    "CLONE_NEWNET|CLONE_NEWUSER");
	assert_string_equal(R(SAKER_FMT_CLONE_FLAGS, 0x80), "CLONE_NEWTIME");
	assert_int_equal(P(SAKER_FMT_CLONE_FLAGS, "CLONE_NEWUSER|CLONE_NEWNS"), 0x10020000);
	/* 64-bit clone3 flags */
	assert_string_equal(R(SAKER_FMT_CLONE_FLAGS, 0x200000000ull), "CLONE_INTO_CGROUP");
}

static void test_memory_flags(void **state)
{
	assert_string_equal(R(SAKER_FMT_PROT_FLAGS, 0), "PROT_NONE");
	assert_string_equal(R(SAKER_FMT_PROT_FLAGS, 5), "PROT_READ|PROT_EXEC");
	assert_string_equal(R(SAKER_FMT_PROT_FLAGS, 7), "PROT_READ|PROT_WRITE|PROT_EXEC");
	assert_string_equal(R(SAKER_FMT_MMAP_FLAGS, 0x22), "MAP_PRIVATE|MAP_ANONYMOUS");
	assert_string_equal(R(SAKER_FMT_MMAP_FLAGS, 0x01 | 0x10), "MAP_SHARED|MAP_FIXED");
	assert_string_equal(R(SAKER_FMT_MMAP_FLAGS, 0x03), "MAP_SHARED_VALIDATE");
	assert_string_equal(R(SAKER_FMT_MMAP_FLAGS, 0x0), "0");
	assert_int_equal(P(SAKER_FMT_MMAP_FLAGS, "MAP_ANON"), 0x20);
}

static void test_mount_flags(void **state)
{
	/* Falco names mount flags without the MS_ prefix */
	assert_string_equal(R(SAKER_FMT_MOUNT_FLAGS, 4096 | 16384), "BIND|REC");
	assert_string_equal(R(SAKER_FMT_MOUNT_FLAGS, 1 | 2 | 8), "RDONLY|NOSUID|NOEXEC");
	/* the legacy magic number in the upper half is ignored */
	assert_string_equal(R(SAKER_FMT_MOUNT_FLAGS, 0xc0ed0000u | 32), "REMOUNT");
	assert_string_equal(R(SAKER_FMT_MOUNT_FLAGS, 0), "0");
	assert_int_equal(P(SAKER_FMT_MOUNT_FLAGS, "MS_BIND|REC"), 4096 | 16384);
	assert_string_equal(R(SAKER_FMT_UMOUNT_FLAGS, 2), "DETACH");
	assert_string_equal(R(SAKER_FMT_UMOUNT_FLAGS, 1 | 8), "FORCE|NOFOLLOW");
	assert_int_equal(P(SAKER_FMT_UMOUNT_FLAGS, "MNT_DETACH"), 2);
	assert_string_equal(R(SAKER_FMT_FSOPEN_FLAGS, 1), "FSOPEN_CLOEXEC");
	assert_string_equal(R(SAKER_FMT_FSMOUNT_FLAGS, 1), "FSMOUNT_CLOEXEC");
	assert_string_equal(R(SAKER_FMT_FSCONFIG_CMD, 6), "FSCONFIG_CMD_CREATE");
	assert_string_equal(R(SAKER_FMT_FSCONFIG_CMD, 0), "FSCONFIG_SET_FLAG");
	assert_string_equal(R(SAKER_FMT_FSCONFIG_CMD, 99), "99");
	/* the atime setting is a field: 0x10 is NOATIME, 0x20 STRICTATIME */
	assert_string_equal(R(SAKER_FMT_MOUNT_ATTR, 0x1 | 0x10), "MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME");
	assert_string_equal(R(SAKER_FMT_MOUNT_ATTR, 0x20 | 0x200000),
			    "MOUNT_ATTR_STRICTATIME|MOUNT_ATTR_NOSYMFOLLOW");
	assert_string_equal(R(SAKER_FMT_MOUNT_ATTR, 0x30), "0x30");
	assert_string_equal(R(SAKER_FMT_MOVE_MOUNT_FLAGS, 0x4 | 0x40),
			    "MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH");
	assert_string_equal(R(SAKER_FMT_OPEN_TREE_FLAGS, 0x1 | 0x8000 | 02000000),
			    "OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE");
}

static void test_path_flags(void **state)
{
	assert_string_equal(R(SAKER_FMT_AT_FLAGS, 0x1000 | 0x100), "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
	assert_string_equal(R(SAKER_FMT_AT_FLAGS, 0), "0");
	assert_string_equal(R(SAKER_FMT_UNLINKAT_FLAGS, 0x200), "AT_REMOVEDIR");
	assert_string_equal(R(SAKER_FMT_UNLINKAT_FLAGS, 0), "0");
	assert_string_equal(R(SAKER_FMT_LINKAT_FLAGS, 0x400), "AT_SYMLINK_FOLLOW");
	assert_string_equal(R(SAKER_FMT_RENAME_FLAGS, 1 | 2), "RENAME_NOREPLACE|RENAME_EXCHANGE");
	assert_string_equal(R(SAKER_FMT_RENAME_FLAGS, 4 | 8), "RENAME_WHITEOUT|0x8");
	assert_string_equal(R(SAKER_FMT_OPENAT2_RESOLVE, 0x08 | 0x01),
			    "RESOLVE_BENEATH|RESOLVE_NO_XDEV");
}

static void test_process_sets(void **state)
{
	assert_string_equal(R(SAKER_FMT_EXECVE_FLAGS, 1 | 2), "EXE_WRITABLE|EXE_UPPER_LAYER");
	assert_string_equal(R(SAKER_FMT_EXECVE_FLAGS, 4), "EXE_FROM_MEMFD");
	assert_string_equal(R(SAKER_FMT_EXECVE_FLAGS, 8), "EXE_LOWER_LAYER");
	assert_string_equal(R(SAKER_FMT_EXECVE_FLAGS, 0), "0");

	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 0), "PTRACE_TRACEME");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 4), "PTRACE_POKETEXT");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 5), "PTRACE_POKEDATA");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 6), "PTRACE_POKEUSR");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 13), "PTRACE_SETREGS");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 16), "PTRACE_ATTACH");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 0x4206), "PTRACE_SEIZE");
	assert_string_equal(R(SAKER_FMT_PTRACE_REQ, 999), "999");
	assert_int_equal(P(SAKER_FMT_PTRACE_REQ, "PTRACE_POKEUSER"), 6);
	assert_int_equal(P(SAKER_FMT_PTRACE_REQ, "PTRACE_TRACEME"), 0);

	assert_string_equal(R(SAKER_FMT_PRCTL_OPT, 15), "PR_SET_NAME");
	assert_string_equal(R(SAKER_FMT_PRCTL_OPT, 38), "PR_SET_NO_NEW_PRIVS");
	assert_string_equal(R(SAKER_FMT_PRCTL_OPT, 0x53564d41), "PR_SET_VMA");
	assert_string_equal(R(SAKER_FMT_PRCTL_OPT, 0), "0");

	assert_string_equal(R(SAKER_FMT_SIGNAL, 9), "SIGKILL");
	assert_string_equal(R(SAKER_FMT_SIGNAL, 17), "SIGCHLD");
	assert_string_equal(R(SAKER_FMT_SIGNAL, 0), "0");
	assert_string_equal(R(SAKER_FMT_SIGNAL, 40), "40");
	assert_int_equal(P(SAKER_FMT_SIGNAL, "SIGIOT"), 6);
	assert_string_equal(flags_signal_name(15), "SIGTERM");
	assert_null(flags_signal_name(0));
	assert_null(flags_signal_name(64));
}

static void test_caps(void **state)
{
	char buf[FLAGS_RENDER_MAX];
	unsigned names = 99;

	assert_string_equal(R(SAKER_FMT_CAPS, (1ull << 21) | (1ull << 16)),
			    "CAP_SYS_MODULE|CAP_SYS_ADMIN");
	assert_string_equal(R(SAKER_FMT_CAPS, 1ull << 40), "CAP_CHECKPOINT_RESTORE");
	assert_string_equal(R(SAKER_FMT_CAPS, (1ull << 63) | 1), "CAP_CHOWN|0x8000000000000000");
	assert_int_equal(flags_render_sep(SAKER_FMT_CAPS, (1ull << 1) | (1ull << 21), " ", buf,
					  sizeof(buf), &names),
			 strlen("CAP_DAC_OVERRIDE CAP_SYS_ADMIN"));
	assert_string_equal(buf, "CAP_DAC_OVERRIDE CAP_SYS_ADMIN");
	assert_int_equal(names, 2);
	/* every capability at once still fits the documented maximum */
	assert_true(flags_render(SAKER_FMT_CAPS, (1ull << 41) - 1, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "CAP_CHOWN|CAP_DAC_OVERRIDE|"));
	assert_int_equal(P(SAKER_FMT_CAPS, "CAP_SYS_ADMIN"), 1ull << 21);
	assert_int_equal(P(SAKER_FMT_CAPS, "CAP_BPF|CAP_PERFMON"), (1ull << 39) | (1ull << 38));
}

static void test_net_sets(void **state)
{
	/* Falco prints 1 as AF_LOCAL; AF_UNIX parses to it */
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 1), "AF_LOCAL");
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 2), "AF_INET");
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 10), "AF_INET6");
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 16), "AF_NETLINK");
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 17), "AF_PACKET");
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 0), "AF_UNSPEC");
	assert_string_equal(R(SAKER_FMT_SOCK_FAMILY, 200), "200");
	assert_int_equal(P(SAKER_FMT_SOCK_FAMILY, "AF_UNIX"), 1);
	assert_int_equal(P(SAKER_FMT_SOCK_FAMILY, "AF_PACKET"), 17);

	assert_string_equal(R(SAKER_FMT_SOCK_TYPE, 1 | 02000000), "SOCK_STREAM|SOCK_CLOEXEC");
	assert_string_equal(R(SAKER_FMT_SOCK_TYPE, 2 | 04000), "SOCK_DGRAM|SOCK_NONBLOCK");
	assert_string_equal(R(SAKER_FMT_SOCK_TYPE, 3), "SOCK_RAW");
	assert_string_equal(R(SAKER_FMT_SOCK_TYPE, 10), "SOCK_PACKET");
	assert_string_equal(R(SAKER_FMT_SOCK_TYPE, 0), "0");

	assert_string_equal(R(SAKER_FMT_SHUTDOWN_HOW, 2), "SHUT_RDWR");
}

static void test_fd_sets(void **state)
{
	assert_string_equal(R(SAKER_FMT_FCNTL_CMD, 0), "F_DUPFD");
	assert_string_equal(R(SAKER_FMT_FCNTL_CMD, 1030), "F_DUPFD_CLOEXEC");
	assert_string_equal(R(SAKER_FMT_FCNTL_CMD, 4), "F_SETFL");
	assert_string_equal(R(SAKER_FMT_PIPE_FLAGS, 02000000 | 04000), "O_CLOEXEC|O_NONBLOCK");
	assert_string_equal(R(SAKER_FMT_PIPE_FLAGS, 040000), "O_DIRECT");
	assert_string_equal(R(SAKER_FMT_DUP3_FLAGS, 02000000), "O_CLOEXEC");
	assert_string_equal(R(SAKER_FMT_DUP3_FLAGS, 0), "0");
	assert_string_equal(R(SAKER_FMT_MEMFD_FLAGS, 1 | 2), "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	/* hugetlb page size bits are not names */
	assert_string_equal(R(SAKER_FMT_MEMFD_FLAGS, 4 | (21u << 26)), "MFD_HUGETLB|0x54000000");
}

static void test_kernel_sets(void **state)
{
	assert_string_equal(R(SAKER_FMT_KEYCTL_CMD, 11), "KEYCTL_READ");
	assert_string_equal(R(SAKER_FMT_KEYCTL_CMD, 0), "KEYCTL_GET_KEYRING_ID");
	assert_string_equal(R(SAKER_FMT_BPF_CMD, 5), "BPF_PROG_LOAD");
	assert_string_equal(R(SAKER_FMT_BPF_CMD, 0), "BPF_MAP_CREATE");
	assert_string_equal(R(SAKER_FMT_BPF_CMD, 1000), "1000");
	assert_string_equal(R(SAKER_FMT_REBOOT_CMD, 0x4321fedc), "LINUX_REBOOT_CMD_POWER_OFF");
	assert_string_equal(R(SAKER_FMT_REBOOT_CMD, 0), "LINUX_REBOOT_CMD_CAD_OFF");
	assert_string_equal(R(SAKER_FMT_MODULE_FLAGS, 1 | 2),
			    "MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC");
	assert_string_equal(R(SAKER_FMT_DELMOD_FLAGS, 04000 | 01000), "O_NONBLOCK|O_TRUNC");
	assert_string_equal(R(SAKER_FMT_KEXEC_FLAGS, 1 | (62u << 16)),
			    "KEXEC_ON_CRASH|KEXEC_ARCH_X86_64");
	assert_string_equal(R(SAKER_FMT_KEXEC_FLAGS, 0), "0");
	assert_int_equal(P(SAKER_FMT_KEXEC_FLAGS, "KEXEC_FILE_NO_INITRAMFS"), 4);
	assert_string_equal(R(SAKER_FMT_UFFD_FLAGS, 02000000 | 1),
			    "O_CLOEXEC|UFFD_USER_MODE_ONLY");
	assert_string_equal(R(SAKER_FMT_IOURING_FLAGS, 2 | 4), "IORING_SETUP_SQPOLL|IORING_SETUP_SQ_AFF");
}

static void test_none_and_invalid(void **state)
{
	char buf[32];

	assert_string_equal(R(SAKER_FMT_NONE, 1234), "1234");
	assert_int_equal(flags_render(SAKER_FMT_MAX, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(flags_render((enum saker_fmt_set)-1, 1, buf, sizeof(buf)), -EINVAL);
	assert_false(flags_is_enum(SAKER_FMT_MAX));
	assert_string_equal(flags_set_name(SAKER_FMT_MAX), "?");
	assert_string_equal(flags_set_name(SAKER_FMT_OPEN_FLAGS), "OPEN_FLAGS");
}

static void test_is_enum(void **state)
{
	assert_true(flags_is_enum(SAKER_FMT_PTRACE_REQ));
	assert_true(flags_is_enum(SAKER_FMT_SIGNAL));
	assert_true(flags_is_enum(SAKER_FMT_SOCK_FAMILY));
	assert_true(flags_is_enum(SAKER_FMT_BPF_CMD));
	assert_true(flags_is_enum(SAKER_FMT_FCNTL_CMD));
	assert_false(flags_is_enum(SAKER_FMT_OPEN_FLAGS));
	assert_false(flags_is_enum(SAKER_FMT_CAPS));
	assert_false(flags_is_enum(SAKER_FMT_SOCK_TYPE));
}

static void test_truncation(void **state)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(flags_render(SAKER_FMT_OPEN_FLAGS, 01 | 0100 | 01000, buf, sizeof(buf)),
			 -ENOBUFS);
	assert_string_equal(buf, "O_TRUNC");
	assert_int_equal(flags_render(SAKER_FMT_OPEN_FLAGS, 0, buf, 0), -ENOBUFS);
	/* "O_RDONLY" needs 9 bytes with its NUL */
	assert_int_equal(flags_render(SAKER_FMT_OPEN_FLAGS, 0, buf, 8), -ENOBUFS);
	assert_string_equal(buf, "O_RDONL");
	{
		char buf9[9];

		assert_int_equal(flags_render(SAKER_FMT_OPEN_FLAGS, 0, buf9, sizeof(buf9)), 8);
		assert_string_equal(buf9, "O_RDONLY");
	}
}

/* Rendering then parsing gives the value back, in every set. */
static void test_roundtrip_all_sets(void **state)
{
	static const uint64_t values[] = { 0, 1, 2, 3, 4, 5, 8, 15, 16, 0x40, 0x100, 0x200,
					   0x1000, 0x4206, 0x80000, 0x241, 0x20000 };
	unsigned s;
	size_t i;

	for (s = 0; s < SAKER_FMT_MAX; s++) {
		for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
			char buf[FLAGS_RENDER_MAX];
			uint64_t back = 0, v = values[i];
			unsigned names;
			int r;

			if (s == SAKER_FMT_CLONE_FLAGS)
				v &= ~0x7full; /* the exit signal bits are dropped */
			r = flags_render_sep(s, v, "|", buf, sizeof(buf), &names);
			assert_true(r >= 0);
			assert_int_equal(strlen(buf), (size_t)r);
			assert_int_equal(flags_parse_name(s, buf, &back), 0);
			assert_int_equal(back, v);
		}
	}
}

static void test_errno_names(void **state)
{
	assert_string_equal(flags_errno_name(-2), "ENOENT");
	assert_string_equal(flags_errno_name(2), "ENOENT");
	assert_string_equal(flags_errno_name(-13), "EACCES");
	assert_string_equal(flags_errno_name(-115), "EINPROGRESS");
	assert_string_equal(flags_errno_name(-1), "EPERM");
	assert_string_equal(flags_errno_name(-133), "EHWPOISON");
	assert_string_equal(flags_errno_name(-512), "ERESTARTSYS");
	assert_string_equal(flags_errno_name(-524), "ENOTSUPP");
	assert_null(flags_errno_name(0));
	assert_null(flags_errno_name(-41));
	assert_null(flags_errno_name(-520));
	assert_null(flags_errno_name(-99999));
	assert_null(flags_errno_name(INT64_MIN));
}

static void test_mode_names(void **state)
{
	char buf[256];

	assert_true(flags_render_mode(0755, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR");
	flags_render_mode(04755, buf, sizeof(buf));
	assert_string_equal(buf,
			    "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
	flags_render_mode(0400, buf, sizeof(buf));
	assert_string_equal(buf, "S_IRUSR");
	flags_render_mode(02000, buf, sizeof(buf));
	assert_string_equal(buf, "S_ISGID");
	flags_render_mode(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	/* file type bits are not mode bits */
	flags_render_mode(0100644, buf, sizeof(buf));
	assert_string_equal(buf, "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_open_flags_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_clone_flags),
		cmocka_unit_test(test_memory_flags),
		cmocka_unit_test(test_mount_flags),
		cmocka_unit_test(test_path_flags),
		cmocka_unit_test(test_process_sets),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_net_sets),
		cmocka_unit_test(test_fd_sets),
		cmocka_unit_test(test_kernel_sets),
		cmocka_unit_test(test_none_and_invalid),
		cmocka_unit_test(test_is_enum),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_roundtrip_all_sets),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_mode_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
