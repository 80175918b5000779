// SPDX-License-Identifier: GPL-2.0-only
/*
 * Behaviours the guest's shell and busybox cannot produce, for the live test of
 * the default rules (t-rules.sh): run a program from a memfd, open a packet
 * socket, create a userfaultfd, read a key from the kernel keyring, load an eBPF
 * program, and raise capabilities with capset after dropping root.
 * Usage: rules-helper memfd PROG [ARG...] | packet | userfaultfd | keyctl | bpf | capset UID
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* the largest program copied into a memfd: /bin/true and friends are far smaller */
#define MEMFD_MAX_SIZE (64L << 20)

static int fail(const char *what)
{
	fprintf(stderr, "rules-helper: %s: %s\n", what, strerror(errno));
	return 1;
}

static int do_memfd(char **argv)
{
	struct stat st;
	int in, mfd;
	off_t off = 0;

	in = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0)
		return fail(argv[0]);
	if (st.st_size <= 0 || st.st_size > MEMFD_MAX_SIZE) {
		errno = EFBIG;
		return fail(argv[0]);
	}
	mfd = memfd_create("payload", MFD_CLOEXEC);
	if (mfd < 0)
		return fail("memfd_create");
	while (off < st.st_size)
		if (sendfile(mfd, in, &off, (size_t)(st.st_size - off)) <= 0)
			return fail("sendfile");
	close(in);
	fexecve(mfd, argv, (char *[]){ NULL });
	return fail("fexecve");
}

static int do_packet(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		return fail("socket(AF_PACKET)");
	close(fd);
	return 0;
}

static int do_userfaultfd(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		return fail("userfaultfd");
	close((int)fd);
	return 0;
}

static int do_keyctl(void)
{
	static const char secret[] = "rules-test-secret";
	char buf[64];
	long key;

	key = syscall(SYS_add_key, "user", "rules-test", secret, sizeof(secret) - 1,
		      KEY_SPEC_PROCESS_KEYRING);
	if (key < 0)
		return fail("add_key");
	if (syscall(SYS_keyctl, KEYCTL_READ, key, buf, sizeof(buf)) < 0)
		return fail("keyctl(KEYCTL_READ)");
	return 0;
}

static int do_bpf(void)
{
	/* r0 = 0; exit: the smallest program the verifier accepts */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (__u64)(unsigned long)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return fail("bpf(BPF_PROG_LOAD)");
	close((int)fd);
	return 0;
}

/* Keep the permitted set across setresuid to UID, then raise it into the effective set. */
static int do_capset(const char *uid_arg)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	uid_t uid = (uid_t)strtoul(uid_arg, NULL, 10);

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail("prctl(PR_SET_KEEPCAPS)");
	if (setresuid(uid, uid, uid) < 0)
		return fail("setresuid");
	if (syscall(SYS_capget, &hdr, data) < 0)
		return fail("capget");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return fail("capset");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (strcmp(cmd, "memfd") == 0 && argc > 2)
		return do_memfd(argv + 2);
	if (strcmp(cmd, "packet") == 0)
		return do_packet();
	if (strcmp(cmd, "userfaultfd") == 0)
		return do_userfaultfd();
	if (strcmp(cmd, "keyctl") == 0)
		return do_keyctl();
	if (strcmp(cmd, "bpf") == 0)
		return do_bpf();
	if (strcmp(cmd, "capset") == 0 && argc > 2)
		return do_capset(argv[2]);
	fprintf(stderr, "usage: rules-helper memfd PROG [ARG...] | packet | userfaultfd | "
			"keyctl | bpf | capset UID\n");
	return 2;
}
