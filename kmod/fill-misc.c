// SPDX-License-Identifier: GPL-2.0-only
/*
 * The remaining families: file descriptor duplication and creation, keys,
 * calls that change the kernel itself (modules, bpf, kexec, reboot, perf,
 * userfaultfd, io_uring), executable mappings, and read/write, which are
 * only captured when a rule selects them.  Only fcntl's F_DUPFD commands
 * and mmap/mprotect requests with PROT_EXEC become events.
 */
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/module.h>

#include "fill.h"

/* Longest name memfd_create() accepts, with the NUL. */
#define SAKER_MEMFD_NAME_MAX	256
/* Longest module name, with the NUL. */
#define SAKER_MODNAME_MAX	MODULE_NAME_LEN

/* dup(oldfd), dup2(oldfd, newfd), dup3(oldfd, newfd, flags) */
int saker_fill_dup(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	if (s->type == SAKER_EVT_DUP)
		return 0;
	saker_put_s64(r, saker_arg_int(s, 1));
	if (s->type == SAKER_EVT_DUP3)
		saker_put_u32(r, s->args[2]);
	return 0;
}

bool saker_fcntl_wanted(const struct saker_sys *s)
{
	unsigned int cmd = s->args[1];

	return cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
}

/* fcntl(fd, cmd, arg) for F_DUPFD and F_DUPFD_CLOEXEC */
int saker_fill_fcntl(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u32(r, s->args[1]);
	saker_put_s64(r, saker_arg_int(s, 2));
	return 0;
}

/* pipe(fds), pipe2(fds, flags): the two ends and the pipe's inode */
int saker_fill_pipe(struct saker_rec *r, const struct saker_sys *s)
{
	int fds[2] = { -1, -1 };
	struct file *file;
	u64 ino = 0;
	bool fault = false;

	if (s->ret == 0) {
		fault = saker_copy_from_user(fds, saker_arg_ptr(s, 0),
					     sizeof(fds)) != 0;
		file = fault ? NULL : fget_raw(fds[0]);
		if (file) {
			ino = file_inode(file)->i_ino;
			fput(file);
		}
	}
	saker_put_s64(r, s->ret);
	if (fault) {
		saker_put_fault(r);
		saker_put_fault(r);
	} else {
		saker_put_s64(r, fds[0]);
		saker_put_s64(r, fds[1]);
	}
	saker_put_u64(r, ino);
	if (s->type == SAKER_EVT_PIPE2)
		saker_put_u32(r, s->args[1]);
	return 0;
}

/* memfd_create(name, flags) */
int saker_fill_memfd_create(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_ustr(r, saker_arg_ptr(s, 0), SAKER_MEMFD_NAME_MAX);
	saker_put_u32(r, s->args[1]);
	return 0;
}

/*
 * add_key(type, description, payload, plen, keyring) and
 * request_key(type, description, callout_info, dest_keyring)
 */
int saker_fill_key(struct saker_rec *r, const struct saker_sys *s)
{
	int keyring = s->type == SAKER_EVT_ADD_KEY ? 4 : 3;

	saker_put_s64(r, s->ret);
	saker_put_ustr(r, saker_arg_ptr(s, 0), SAKER_STR_MAX);
	saker_put_ustr(r, saker_arg_ptr(s, 1), SAKER_STR_MAX);
	saker_put_s32(r, saker_arg_int(s, keyring));
	return 0;
}

/* keyctl(operation, arg2, arg3, ...) */
int saker_fill_keyctl(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	saker_put_u64(r, s->args[1]);
	saker_put_u64(r, s->args[2]);
	return 0;
}

/* init_module(image, len, uargs) */
int saker_fill_init_module(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u64(r, s->args[1]);
	saker_put_ustr(r, saker_arg_ptr(s, 2), SAKER_STR_MAX);
	return 0;
}

/* finit_module(fd, uargs, flags), with the module file's path */
int saker_fill_finit_module(struct saker_rec *r, const struct saker_sys *s)
{
	int fd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, fd);
	saker_put_ustr(r, saker_arg_ptr(s, 1), SAKER_STR_MAX);
	saker_put_u32(r, s->args[2]);
	saker_put_fd_path(r, fd);
	return 0;
}

/* delete_module(name, flags) */
int saker_fill_delete_module(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_ustr(r, saker_arg_ptr(s, 0), SAKER_MODNAME_MAX);
	saker_put_u32(r, s->args[1]);
	return 0;
}

/* bpf(cmd, attr, size) */
int saker_fill_bpf(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	return 0;
}

/* kexec_load(entry, nr_segments, segments, flags) */
int saker_fill_kexec_load(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u64(r, s->args[0]);
	saker_put_u64(r, s->args[1]);
	saker_put_u32(r, s->args[3]);
	return 0;
}

/* kexec_file_load(kernel_fd, initrd_fd, cmdline_len, cmdline, flags) */
int saker_fill_kexec_file_load(struct saker_rec *r, const struct saker_sys *s)
{
	u32 max = min_t(unsigned long, s->args[2], SAKER_STR_MAX);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_s64(r, saker_arg_int(s, 1));
	if (max)
		saker_put_ustr(r, saker_arg_ptr(s, 3), max);
	else
		saker_put_empty(r);
	saker_put_u32(r, s->args[4]);
	return 0;
}

/* reboot(magic1, magic2, cmd, arg) */
int saker_fill_reboot(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* perf_event_open(attr, pid, cpu, group_fd, flags): type and config */
int saker_fill_perf_event_open(struct saker_rec *r, const struct saker_sys *s)
{
	struct {
		u32 type;
		u32 size;
		u64 config;
	} attr;
	bool ok = !saker_copy_from_user(&attr, saker_arg_ptr(s, 0),
					sizeof(attr));

	saker_put_s64(r, s->ret);
	if (ok) {
		saker_put_u32(r, attr.type);
		saker_put_u64(r, attr.config);
	} else {
		saker_put_fault(r);
		saker_put_fault(r);
	}
	saker_put_s64(r, saker_arg_int(s, 1));
	saker_put_s32(r, saker_arg_int(s, 2));
	saker_put_u32(r, s->args[4]);
	return 0;
}

/* userfaultfd(flags) */
int saker_fill_userfaultfd(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	return 0;
}

/* io_uring_setup(entries, params): flags from struct io_uring_params */
int saker_fill_io_uring_setup(struct saker_rec *r, const struct saker_sys *s)
{
	u32 flags;
	void __user *params = saker_arg_ptr(s, 1);

	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	if (saker_copy_from_user(&flags, params + 8, sizeof(flags)))
		saker_put_fault(r);
	else
		saker_put_u32(r, flags);
	return 0;
}

/* ia32 mmap()'s argument block (struct mmap_arg_struct32). */
struct saker_old_mmap {
	u32 addr;
	u32 len;
	u32 prot;
	u32 flags;
	u32 fd;
	u32 offset;
};

bool saker_mmap_wanted(const struct saker_sys *s)
{
	if (s->variant == SAKER_SV_OLD_MMAP)
		return true;	/* decided once the block is read */
	return s->args[2] & PROT_EXEC;
}

/* mmap(addr, length, prot, flags, fd, offset) with PROT_EXEC */
int saker_fill_mmap(struct saker_rec *r, const struct saker_sys *s)
{
	u64 addr = s->args[0], len = s->args[1], off = s->args[5];
	u32 prot = s->args[2], flags = s->args[3];
	int fd = saker_arg_int(s, 4);

	if (s->variant == SAKER_SV_OLD_MMAP) {
		struct saker_old_mmap a;

		if (saker_copy_from_user(&a, saker_arg_ptr(s, 0), sizeof(a)))
			return SAKER_FILL_SKIP;
		addr = a.addr;
		len = a.len;
		prot = a.prot;
		flags = a.flags;
		fd = (int)a.fd;
		off = a.offset;
		if (!(prot & PROT_EXEC))
			return SAKER_FILL_SKIP;
	} else if (s->variant == SAKER_SV_MMAP_PGOFF) {
		off <<= 12;
	}

	saker_put_u64(r, s->ret);
	saker_put_u64(r, addr);
	saker_put_u64(r, len);
	saker_put_u32(r, prot);
	saker_put_u32(r, flags);
	saker_put_s64(r, fd);
	saker_put_u64(r, off);
	return 0;
}

/* mprotect(addr, length, prot) with PROT_EXEC */
int saker_fill_mprotect(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u64(r, s->args[0]);
	saker_put_u64(r, s->args[1]);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* read(fd, buf, count), write(fd, buf, count) */
int saker_fill_rw(struct saker_rec *r, const struct saker_sys *s)
{
	u64 count = s->args[2];
	u64 avail;

	if (s->type == SAKER_EVT_WRITE)
		avail = s->ret >= 0 ? s->ret : count;
	else
		avail = s->ret > 0 ? s->ret : 0;
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u64(r, count);
	saker_put_udata(r, saker_arg_ptr(s, 1), avail);
	return 0;
}
