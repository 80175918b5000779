// SPDX-License-Identifier: GPL-2.0-only
/*
 * File events: opens, closes, directory changes, attributes, truncation and
 * mounts (classic and the fsopen/fsmount API).  Every path argument travels
 * raw and resolved against its dirfd or the cwd; a successful open resolves
 * with d_path of the file it returned instead, and adds its device and
 * inode.
 */
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/mount.h>
#include <uapi/linux/mount.h>

#include "fill.h"

/* The open file behind a new descriptor; NULL when the call failed. */
static struct file *saker_new_file(long fd)
{
	return fd >= 0 ? fget_raw(fd) : NULL;
}

static void saker_put_name_abs(struct saker_rec *r, struct file *file,
			       int dirfd)
{
	if (file)
		saker_put_dpath(r, &file->f_path);
	else
		saker_put_abspath(r, dirfd);
}

static void saker_put_dev_ino(struct saker_rec *r, struct file *file)
{
	struct inode *inode = file ? file_inode(file) : NULL;

	saker_put_u32(r, inode ? new_encode_dev(inode->i_sb->s_dev) : 0);
	saker_put_u64(r, inode ? inode->i_ino : 0);
}

static void saker_put_file_end(struct saker_rec *r, struct file *file)
{
	saker_put_dev_ino(r, file);
	if (file)
		fput(file);
}

/* A uid/gid argument; ia32's 16-bit calls use 0xffff for "unchanged". */
static u32 saker_id_arg(const struct saker_sys *s, int i)
{
	if (s->variant == SAKER_SV_UID16)
		return (u16)s->args[i] == (u16)-1 ? (u32)-1 : (u16)s->args[i];
	return (u32)s->args[i];
}

/* open(name, flags, mode) */
int saker_fill_open(struct saker_rec *r, const struct saker_sys *s)
{
	struct file *file = saker_new_file(s->ret);

	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_name_abs(r, file, AT_FDCWD);
	saker_put_u32(r, s->args[1]);
	saker_put_u32(r, s->args[2]);
	saker_put_file_end(r, file);
	return 0;
}

/* openat(dirfd, name, flags, mode) */
int saker_fill_openat(struct saker_rec *r, const struct saker_sys *s)
{
	struct file *file = saker_new_file(s->ret);
	int dirfd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_name_abs(r, file, dirfd);
	saker_put_u32(r, s->args[2]);
	saker_put_u32(r, s->args[3]);
	saker_put_file_end(r, file);
	return 0;
}

/* openat2(dirfd, name, how, size): flags, mode and resolve from *how */
int saker_fill_openat2(struct saker_rec *r, const struct saker_sys *s)
{
	struct file *file = saker_new_file(s->ret);
	int dirfd = saker_arg_int(s, 0);
	u64 how[3];	/* struct open_how: flags, mode, resolve */
	bool how_ok;

	how_ok = s->args[3] >= sizeof(how) &&
		 !saker_copy_from_user(how, saker_arg_ptr(s, 2), sizeof(how));
	saker_put_s64(r, s->ret);
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_name_abs(r, file, dirfd);
	if (how_ok) {
		saker_put_u32(r, how[0]);
		saker_put_u32(r, how[1]);
		saker_put_u32(r, how[2]);
	} else {
		saker_put_fault(r);
		saker_put_fault(r);
		saker_put_fault(r);
	}
	saker_put_file_end(r, file);
	return 0;
}

/* creat(name, mode) */
int saker_fill_creat(struct saker_rec *r, const struct saker_sys *s)
{
	struct file *file = saker_new_file(s->ret);

	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_name_abs(r, file, AT_FDCWD);
	saker_put_u32(r, s->args[1]);
	saker_put_file_end(r, file);
	return 0;
}

/* close(fd) */
int saker_fill_close(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	return 0;
}

/* unlink(path), rmdir(path) */
int saker_fill_path1(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_abspath(r, AT_FDCWD);
	return 0;
}

/* unlinkat(dirfd, name, flags) */
int saker_fill_unlinkat(struct saker_rec *r, const struct saker_sys *s)
{
	int dirfd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, dirfd);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* rename(old, new), link(old, new) */
int saker_fill_path2(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_abspath(r, AT_FDCWD);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, AT_FDCWD);
	return 0;
}

/*
 * renameat(olddirfd, old, newdirfd, new), renameat2(..., flags),
 * linkat(olddirfd, old, newdirfd, new, flags)
 */
int saker_fill_path2at(struct saker_rec *r, const struct saker_sys *s)
{
	int olddirfd = saker_arg_int(s, 0);
	int newdirfd = saker_arg_int(s, 2);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, olddirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, olddirfd);
	saker_put_s64(r, newdirfd);
	saker_put_upath(r, saker_arg_ptr(s, 3));
	saker_put_abspath(r, newdirfd);
	if (s->type != SAKER_EVT_RENAMEAT)
		saker_put_u32(r, s->args[4]);
	return 0;
}

/* symlink(target, linkpath); the target is not resolved */
int saker_fill_symlink(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, AT_FDCWD);
	return 0;
}

/* symlinkat(target, newdirfd, linkpath) */
int saker_fill_symlinkat(struct saker_rec *r, const struct saker_sys *s)
{
	int dirfd = saker_arg_int(s, 1);

	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 2));
	saker_put_abspath(r, dirfd);
	return 0;
}

/* mkdir(path, mode), chmod(path, mode) */
int saker_fill_path_mode(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_abspath(r, AT_FDCWD);
	saker_put_u32(r, s->args[1]);
	return 0;
}

/* mkdirat(dirfd, path, mode) */
int saker_fill_mkdirat(struct saker_rec *r, const struct saker_sys *s)
{
	int dirfd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, dirfd);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* fchmod(fd, mode) */
int saker_fill_fchmod(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u32(r, s->args[1]);
	return 0;
}

/* fchmodat(dirfd, path, mode), fchmodat2(dirfd, path, mode, flags) */
int saker_fill_fchmodat(struct saker_rec *r, const struct saker_sys *s)
{
	int dirfd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, dirfd);
	saker_put_u32(r, s->args[2]);
	saker_put_u32(r, s->variant == SAKER_SV_FCHMODAT ? 0 : s->args[3]);
	return 0;
}

/* chown(path, uid, gid), lchown(path, uid, gid) */
int saker_fill_chown(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_abspath(r, AT_FDCWD);
	saker_put_u32(r, saker_id_arg(s, 1));
	saker_put_u32(r, saker_id_arg(s, 2));
	return 0;
}

/* fchown(fd, uid, gid) */
int saker_fill_fchown(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u32(r, saker_id_arg(s, 1));
	saker_put_u32(r, saker_id_arg(s, 2));
	return 0;
}

/* fchownat(dirfd, path, uid, gid, flags) */
int saker_fill_fchownat(struct saker_rec *r, const struct saker_sys *s)
{
	int dirfd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, dirfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, dirfd);
	saker_put_u32(r, s->args[2]);
	saker_put_u32(r, s->args[3]);
	saker_put_u32(r, s->args[4]);
	return 0;
}

/* The length argument of (f)truncate; ia32 passes signed or split values. */
static u64 saker_length_arg(const struct saker_sys *s)
{
	if (s->variant == SAKER_SV_OFF64)
		return ((u64)(u32)s->args[2] << 32) | (u32)s->args[1];
	if (s->compat)
		return (s64)saker_arg_int(s, 1);
	return s->args[1];
}

/* truncate(path, length) */
int saker_fill_truncate(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_abspath(r, AT_FDCWD);
	saker_put_u64(r, saker_length_arg(s));
	return 0;
}

/* ftruncate(fd, length) */
int saker_fill_ftruncate(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u64(r, saker_length_arg(s));
	return 0;
}

/* mount(dev, dir, type, flags, data) */
int saker_fill_mount(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, AT_FDCWD);
	saker_put_ustr(r, saker_arg_ptr(s, 2), SAKER_STR_MAX);
	saker_put_u32(r, s->args[3]);
	return 0;
}

/* umount2(name, flags); ia32 umount(name) has no flags */
int saker_fill_umount2(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_upath(r, saker_arg_ptr(s, 0));
	saker_put_abspath(r, AT_FDCWD);
	saker_put_u32(r, s->variant == SAKER_SV_OLD_UMOUNT ? 0 : s->args[1]);
	return 0;
}

/* fsopen(fsname, flags) */
int saker_fill_fsopen(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_ustr(r, saker_arg_ptr(s, 0), SAKER_STR_MAX);
	saker_put_u32(r, s->args[1]);
	return 0;
}

/* fsconfig(fd, cmd, key, value, aux); value is text for three commands */
int saker_fill_fsconfig(struct saker_rec *r, const struct saker_sys *s)
{
	unsigned int cmd = s->args[1];

	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u32(r, cmd);
	saker_put_ustr(r, saker_arg_ptr(s, 2), SAKER_STR_MAX);
	if (cmd == FSCONFIG_SET_STRING || cmd == FSCONFIG_SET_PATH ||
	    cmd == FSCONFIG_SET_PATH_EMPTY)
		saker_put_ustr(r, saker_arg_ptr(s, 3), SAKER_STR_MAX);
	else
		saker_put_empty(r);
	saker_put_s32(r, saker_arg_int(s, 4));
	return 0;
}

/* fsmount(fs_fd, flags, attr_flags) */
int saker_fill_fsmount(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u32(r, s->args[1]);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* move_mount(from_dfd, from_path, to_dfd, to_path, flags) */
int saker_fill_move_mount(struct saker_rec *r, const struct saker_sys *s)
{
	int to_dfd = saker_arg_int(s, 2);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_s64(r, to_dfd);
	saker_put_upath(r, saker_arg_ptr(s, 3));
	saker_put_abspath(r, to_dfd);
	saker_put_u32(r, s->args[4]);
	return 0;
}

/*
 * open_tree(dfd, filename, flags): resolved lexically, since a cloned tree
 * is detached and its own d_path is just "/"
 */
int saker_fill_open_tree(struct saker_rec *r, const struct saker_sys *s)
{
	int dfd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, dfd);
	saker_put_upath(r, saker_arg_ptr(s, 1));
	saker_put_abspath(r, dfd);
	saker_put_u32(r, s->args[2]);
	return 0;
}
