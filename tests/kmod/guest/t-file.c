// SPDX-License-Identifier: GPL-2.0-only
/*
 * File events: every call of the family once succeeding and once failing,
 * checked for type, arguments, return value, the raw path and the resolved
 * one (relative names against the cwd or a dirfd, successful opens by the
 * file's own path), device and inode of new files, and a faulted argument.
 * Raw syscall() calls, so the event type is the one the test names.
 */
#define _GNU_SOURCE
#include "check.h"
#include "sysdefs.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char cwd[PATH_MAX];

static const char *abs_of(const char *rel)
{
	static char buf[4][PATH_MAX + 64];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, PATH_MAX + 64, "%s/%s", cwd, rel);
	return b;
}

static unsigned int kdev(dev_t d)
{
	/* new_encode_dev() */
	unsigned int maj = major(d), min = minor(d);

	return (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
}

static long sc(long nr, long a, long b, long c, long d, long e)
{
	long r = syscall(nr, a, b, c, d, e);

	return r < 0 ? -errno : r;
}

#define P(x) ((long)(x))

struct results {
	long open_ok, open_fail, openat_ok, openat_fail, openat2_ok, creat_ok;
	long close_ok, close_fail, unlink_ok, unlink_fail, unlinkat_ok;
	long rename_ok, renameat_ok, renameat2_fail, link_ok, linkat_ok;
	long symlink_ok, symlinkat_ok, mkdir_ok, mkdirat_ok, rmdir_ok;
	long rmdir_fail, chmod_ok, fchmod_ok, fchmodat_ok, fchmodat2;
	long chown_ok, lchown_ok, fchown_ok, fchownat_ok, truncate_ok;
	long ftruncate_ok, mount_ok, mount_fail, umount_ok, fsopen_fd;
	long fsconfig_ok, fsmount_fd, move_mount_ok, open_tree_fd;
	long open_fault;
	int dirfd;
	struct stat st_open, st_openat;
};

static void run(struct results *r)
{
	struct t_open_how how = { .flags = O_RDONLY, .resolve = T_RESOLVE_NO_SYMLINKS };
	int fd;

	r->open_ok = sc(SYS_open, P("f-open"), O_CREAT | O_WRONLY, 0640, 0, 0);
	fstat(r->open_ok, &r->st_open);
	r->open_fail = sc(SYS_open, P("missing/f"), O_RDONLY, 0, 0, 0);
	mkdir("d", 0755);
	r->dirfd = open("d", O_RDONLY | O_DIRECTORY);
	r->openat_ok = sc(SYS_openat, r->dirfd, P("f-openat"), O_CREAT | O_RDWR, 0600, 0);
	fstat(r->openat_ok, &r->st_openat);
	r->openat_fail = sc(SYS_openat, r->dirfd, P("nope"), O_RDONLY, 0, 0);
	r->openat2_ok = sc(SYS_openat2, r->dirfd, P("f-openat"), P(&how), sizeof(how), 0);
	r->creat_ok = sc(SYS_creat, P("f-creat"), 0644, 0, 0, 0);
	r->close_ok = sc(SYS_close, r->creat_ok, 0, 0, 0, 0);
	r->close_fail = sc(SYS_close, 12345, 0, 0, 0, 0);
	r->unlink_ok = sc(SYS_unlink, P("f-creat"), 0, 0, 0, 0);
	r->unlink_fail = sc(SYS_unlink, P("f-creat"), 0, 0, 0, 0);
	r->mkdir_ok = sc(SYS_mkdir, P("d2"), 0750, 0, 0, 0);
	r->mkdirat_ok = sc(SYS_mkdirat, r->dirfd, P("sub"), 0700, 0, 0);
	r->unlinkat_ok = sc(SYS_unlinkat, r->dirfd, P("sub"), AT_REMOVEDIR, 0, 0);
	r->rename_ok = sc(SYS_rename, P("f-open"), P("f-renamed"), 0, 0, 0);
	r->renameat_ok = sc(SYS_renameat, AT_FDCWD, P("f-renamed"), r->dirfd, P("f-moved"), 0);
	r->renameat2_fail = sc(SYS_renameat2, r->dirfd, P("f-moved"), r->dirfd,
			       P("f-openat"), T_RENAME_NOREPLACE);
	r->link_ok = sc(SYS_link, P("d/f-moved"), P("f-link"), 0, 0, 0);
	r->linkat_ok = sc(SYS_linkat, r->dirfd, P("f-moved"), AT_FDCWD, P("f-link2"), 0);
	r->symlink_ok = sc(SYS_symlink, P("../target"), P("f-sym"), 0, 0, 0);
	r->symlinkat_ok = sc(SYS_symlinkat, P("/etc/hostname"), r->dirfd, P("f-sym2"), 0, 0);
	r->rmdir_ok = sc(SYS_rmdir, P("d2"), 0, 0, 0, 0);
	r->rmdir_fail = sc(SYS_rmdir, P("d"), 0, 0, 0, 0);
	r->chmod_ok = sc(SYS_chmod, P("f-link"), 0604, 0, 0, 0);
	r->fchmod_ok = sc(SYS_fchmod, r->openat_ok, 0640, 0, 0, 0);
	r->fchmodat_ok = sc(SYS_fchmodat, r->dirfd, P("f-moved"), 0660, 0, 0);
	r->fchmodat2 = sc(SYS_fchmodat2, r->dirfd, P("f-sym2"), 0644, AT_SYMLINK_NOFOLLOW, 0);
	r->chown_ok = sc(SYS_chown, P("f-link"), 0, 0, 0, 0);
	r->lchown_ok = sc(SYS_lchown, P("f-sym"), 0, 0, 0, 0);
	r->fchown_ok = sc(SYS_fchown, r->openat_ok, 0, 0, 0, 0);
	r->fchownat_ok = sc(SYS_fchownat, r->dirfd, P("f-sym2"), 0, 0, AT_SYMLINK_NOFOLLOW);
	r->truncate_ok = sc(SYS_truncate, P("f-link"), 4096, 0, 0, 0);
	r->ftruncate_ok = sc(SYS_ftruncate, r->openat_ok, 123, 0, 0, 0);
	mkdir("mnt", 0755);
	r->mount_ok = sc(SYS_mount, P("none"), P("mnt"), P("tmpfs"), T_MS_NOSUID, P("size=1m"));
	r->umount_ok = sc(SYS_umount2, P("mnt"), T_MNT_DETACH, 0, 0, 0);
	r->mount_fail = sc(SYS_mount, P("none"), P("no-such-dir"), P("tmpfs"), 0, 0);
	r->fsopen_fd = sc(SYS_fsopen, P("tmpfs"), T_FSOPEN_CLOEXEC, 0, 0, 0);
	r->fsconfig_ok = sc(SYS_fsconfig, r->fsopen_fd, T_FSCONFIG_SET_STRING, P("size"), P("2m"), 0);
	sc(SYS_fsconfig, r->fsopen_fd, T_FSCONFIG_CMD_CREATE, 0, 0, 0);
	r->fsmount_fd = sc(SYS_fsmount, r->fsopen_fd, T_FSMOUNT_CLOEXEC, T_MOUNT_ATTR_NODEV, 0, 0);
	r->move_mount_ok = sc(SYS_move_mount, r->fsmount_fd, P(""), AT_FDCWD, P("mnt"),
			      T_MOVE_MOUNT_F_EMPTY_PATH);
	r->open_tree_fd = sc(SYS_open_tree, AT_FDCWD, P("mnt"), T_OPEN_TREE_CLONE | T_OPEN_TREE_CLOEXEC,
			     0, 0);
	syscall(SYS_umount2, "mnt", T_MNT_DETACH);
	r->open_fault = sc(SYS_open, 1, O_RDONLY, 0, 0, 0);
	fd = r->openat_ok;
	(void)fd;
}

#define FIND(var, type, param, value) \
	const struct saker_event_hdr *var = t_find(&s, SAKER_EVT_##type, param, value)

int main(void)
{
	struct t_session s;
	struct results r;
	char dpath[PATH_MAX + 8];

	if (!getcwd(cwd, sizeof(cwd))) {
		t_fail("file", "getcwd: %s", strerror(errno));
		return 1;
	}
	snprintf(dpath, sizeof(dpath), "%s/d", cwd);
	if (t_start(&s, "file"))
		return 1;
	run(&r);
	if (!t_collect(&s, "file"))
		return 1;

	{
		FIND(h, OPEN, "name", "f-open");
		T_CHECK(&s, h, "open: success", t_int("open", h, "fd", r.open_ok) &&
		      r.open_ok >= 0 &&
		      t_str("open", h, "name_abs", abs_of("f-open")) &&
		      t_int("open", h, "flags", O_CREAT | O_WRONLY) &&
		      t_int("open", h, "mode", 0640) &&
		      t_int("open", h, "dev", kdev(r.st_open.st_dev)) &&
		      t_int("open", h, "ino", r.st_open.st_ino) &&
		      !(h->flags & (SAKER_EF_COMPAT | SAKER_EF_FAULTED)));
	}
	{
		FIND(h, OPEN, "name", "missing/f");
		T_CHECK(&s, h, "open: failure", t_int("open", h, "fd", -ENOENT) &&
		      r.open_fail == -ENOENT &&
		      t_str("open", h, "name_abs", abs_of("missing/f")) &&
		      t_int("open", h, "ino", 0));
	}
	{
		FIND(h, OPENAT, "name", "f-openat");
		T_CHECK(&s, h, "openat: success with dirfd",
		      t_int("openat", h, "fd", r.openat_ok) &&
		      t_int("openat", h, "dirfd", r.dirfd) &&
		      t_str("openat", h, "name_abs", abs_of("d/f-openat")) &&
		      t_int("openat", h, "flags", O_CREAT | O_RDWR) &&
		      t_int("openat", h, "mode", 0600) &&
		      t_int("openat", h, "ino", r.st_openat.st_ino));
	}
	{
		FIND(h, OPENAT, "name", "nope");
		T_CHECK(&s, h, "openat: failure resolved against dirfd",
		      t_int("openat", h, "fd", -ENOENT) &&
		      t_str("openat", h, "name_abs", abs_of("d/nope")));
	}
	{
		FIND(h, OPENAT2, "name", "f-openat");
		T_CHECK(&s, h, "openat2: how", t_int("openat2", h, "fd", r.openat2_ok) &&
		      r.openat2_ok >= 0 &&
		      t_int("openat2", h, "flags", O_RDONLY) &&
		      t_int("openat2", h, "resolve", T_RESOLVE_NO_SYMLINKS) &&
		      t_str("openat2", h, "name_abs", abs_of("d/f-openat")));
	}
	{
		FIND(h, CREAT, "name", "f-creat");
		T_CHECK(&s, h, "creat", t_int("creat", h, "fd", r.creat_ok) &&
		      t_int("creat", h, "mode", 0644) &&
		      t_str("creat", h, "name_abs", abs_of("f-creat")));
	}
	{
		const struct saker_event_hdr *ok = NULL, *bad = NULL;
		size_t i;

		for (i = 0; i < s.l.n; i++) {
			const struct saker_event_hdr *h = s.l.ev[i];

			if (h->type != SAKER_EVT_CLOSE || (pid_t)h->tid != s.tid)
				continue;
			if (saker_param_int(h, "fd") == r.creat_ok)
				ok = h;
			if (saker_param_int(h, "fd") == 12345)
				bad = h;
		}
		T_CHECK(&s, ok, "close: success", t_int("close", ok, "res", 0));
		T_CHECK(&s, bad, "close: failure", t_int("close", bad, "res", -EBADF));
	}
	{
		const struct saker_event_hdr *a = NULL, *b = NULL;
		size_t i;

		for (i = 0; i < s.l.n; i++) {
			const struct saker_event_hdr *h = s.l.ev[i];

			if (h->type != SAKER_EVT_UNLINK || (pid_t)h->tid != s.tid)
				continue;
			if (!a)
				a = h;
			else
				b = h;
		}
		T_CHECK(&s, a, "unlink: success", t_int("unlink", a, "res", 0) &&
		      t_str("unlink", a, "path", "f-creat") &&
		      t_str("unlink", a, "path_abs", abs_of("f-creat")));
		T_CHECK(&s, b, "unlink: failure", t_int("unlink", b, "res", -ENOENT));
	}
	{
		FIND(h, UNLINKAT, "name", "sub");
		T_CHECK(&s, h, "unlinkat", t_int("unlinkat", h, "res", 0) &&
		      t_int("unlinkat", h, "dirfd", r.dirfd) &&
		      t_int("unlinkat", h, "flags", AT_REMOVEDIR) &&
		      t_str("unlinkat", h, "name_abs", abs_of("d/sub")));
	}
	{
		FIND(h, RENAME, "oldpath", "f-open");
		T_CHECK(&s, h, "rename", t_int("rename", h, "res", 0) &&
		      t_str("rename", h, "oldpath_abs", abs_of("f-open")) &&
		      t_str("rename", h, "newpath", "f-renamed") &&
		      t_str("rename", h, "newpath_abs", abs_of("f-renamed")));
	}
	{
		FIND(h, RENAMEAT, "oldpath", "f-renamed");
		T_CHECK(&s, h, "renameat", t_int("renameat", h, "res", 0) &&
		      t_int("renameat", h, "olddirfd", AT_FDCWD) &&
		      t_int("renameat", h, "newdirfd", r.dirfd) &&
		      t_str("renameat", h, "newpath_abs", abs_of("d/f-moved")));
	}
	{
		FIND(h, RENAMEAT2, "oldpath", "f-moved");
		T_CHECK(&s, h, "renameat2: failure with flags",
		      t_int("renameat2", h, "res", -EEXIST) &&
		      r.renameat2_fail == -EEXIST &&
		      t_int("renameat2", h, "flags", T_RENAME_NOREPLACE) &&
		      t_str("renameat2", h, "oldpath_abs", abs_of("d/f-moved")));
	}
	{
		FIND(h, LINK, "newpath", "f-link");
		T_CHECK(&s, h, "link", t_int("link", h, "res", 0) &&
		      t_str("link", h, "oldpath", "d/f-moved") &&
		      t_str("link", h, "oldpath_abs", abs_of("d/f-moved")) &&
		      t_str("link", h, "newpath_abs", abs_of("f-link")));
	}
	{
		FIND(h, LINKAT, "newpath", "f-link2");
		T_CHECK(&s, h, "linkat", t_int("linkat", h, "res", 0) &&
		      t_int("linkat", h, "olddir", r.dirfd) &&
		      t_int("linkat", h, "newdir", AT_FDCWD) &&
		      t_str("linkat", h, "oldpath_abs", abs_of("d/f-moved")) &&
		      t_int("linkat", h, "flags", 0));
	}
	{
		FIND(h, SYMLINK, "linkpath", "f-sym");
		T_CHECK(&s, h, "symlink", t_int("symlink", h, "res", 0) &&
		      t_str("symlink", h, "target", "../target") &&
		      t_str("symlink", h, "linkpath_abs", abs_of("f-sym")));
	}
	{
		FIND(h, SYMLINKAT, "linkpath", "f-sym2");
		T_CHECK(&s, h, "symlinkat", t_int("symlinkat", h, "res", 0) &&
		      t_str("symlinkat", h, "target", "/etc/hostname") &&
		      t_int("symlinkat", h, "linkdirfd", r.dirfd) &&
		      t_str("symlinkat", h, "linkpath_abs", abs_of("d/f-sym2")));
	}
	{
		FIND(h, MKDIR, "path", "d2");
		T_CHECK(&s, h, "mkdir", t_int("mkdir", h, "res", 0) &&
		      t_int("mkdir", h, "mode", 0750) &&
		      t_str("mkdir", h, "path_abs", abs_of("d2")));
	}
	{
		FIND(h, MKDIRAT, "path", "sub");
		T_CHECK(&s, h, "mkdirat", t_int("mkdirat", h, "res", 0) &&
		      t_int("mkdirat", h, "dirfd", r.dirfd) &&
		      t_int("mkdirat", h, "mode", 0700) &&
		      t_str("mkdirat", h, "path_abs", abs_of("d/sub")));
	}
	{
		FIND(ok, RMDIR, "path", "d2");
		FIND(bad, RMDIR, "path", "d");

		T_CHECK(&s, ok, "rmdir: success", t_int("rmdir", ok, "res", 0) &&
		      t_str("rmdir", ok, "path_abs", abs_of("d2")));
		T_CHECK(&s, bad, "rmdir: failure", t_int("rmdir", bad, "res", -ENOTEMPTY));
	}
	{
		FIND(h, CHMOD, "filename", "f-link");
		T_CHECK(&s, h, "chmod", t_int("chmod", h, "res", 0) &&
		      t_int("chmod", h, "mode", 0604) &&
		      t_str("chmod", h, "filename_abs", abs_of("f-link")));
	}
	{
		FIND(h, FCHMOD, NULL, NULL);
		T_CHECK(&s, h, "fchmod", t_int("fchmod", h, "res", 0) &&
		      t_int("fchmod", h, "fd", r.openat_ok) &&
		      t_int("fchmod", h, "mode", 0640));
	}
	{
		FIND(h, FCHMODAT, "filename", "f-moved");
		T_CHECK(&s, h, "fchmodat", t_int("fchmodat", h, "res", 0) &&
		      t_int("fchmodat", h, "dirfd", r.dirfd) &&
		      t_int("fchmodat", h, "mode", 0660) &&
		      t_int("fchmodat", h, "flags", 0) &&
		      t_str("fchmodat", h, "filename_abs", abs_of("d/f-moved")));
	}
	if (r.fchmodat2 == -ENOSYS) {
		printf("SKIP: fchmodat2: not in this kernel\n");
	} else {
		FIND(h, FCHMODAT, "filename", "f-sym2");
		T_CHECK(&s, h, "fchmodat2 as fchmodat with flags",
		      t_int("fchmodat2", h, "res", r.fchmodat2) &&
		      t_int("fchmodat2", h, "flags", AT_SYMLINK_NOFOLLOW));
	}
	{
		FIND(h, CHOWN, "path", "f-link");
		T_CHECK(&s, h, "chown", t_int("chown", h, "res", 0) &&
		      t_int("chown", h, "uid", 0) && t_int("chown", h, "gid", 0) &&
		      t_str("chown", h, "path_abs", abs_of("f-link")));
	}
	{
		FIND(h, LCHOWN, "path", "f-sym");
		T_CHECK(&s, h, "lchown", t_int("lchown", h, "res", 0));
	}
	{
		FIND(h, FCHOWN, NULL, NULL);
		T_CHECK(&s, h, "fchown", t_int("fchown", h, "res", 0) &&
		      t_int("fchown", h, "fd", r.openat_ok));
	}
	{
		FIND(h, FCHOWNAT, "pathname", "f-sym2");
		T_CHECK(&s, h, "fchownat", t_int("fchownat", h, "res", 0) &&
		      t_int("fchownat", h, "flags", AT_SYMLINK_NOFOLLOW) &&
		      t_str("fchownat", h, "pathname_abs", abs_of("d/f-sym2")));
	}
	{
		FIND(h, TRUNCATE, "path", "f-link");
		T_CHECK(&s, h, "truncate", t_int("truncate", h, "res", 0) &&
		      t_int("truncate", h, "length", 4096));
	}
	{
		FIND(h, FTRUNCATE, NULL, NULL);
		T_CHECK(&s, h, "ftruncate", t_int("ftruncate", h, "res", 0) &&
		      t_int("ftruncate", h, "fd", r.openat_ok) &&
		      t_int("ftruncate", h, "length", 123));
	}
	{
		FIND(ok, MOUNT, "dir", "mnt");
		FIND(bad, MOUNT, "dir", "no-such-dir");

		T_CHECK(&s, ok, "mount: success", t_int("mount", ok, "res", 0) &&
		      r.mount_ok == 0 &&
		      t_str("mount", ok, "dev", "none") &&
		      t_str("mount", ok, "type", "tmpfs") &&
		      t_str("mount", ok, "dir_abs", abs_of("mnt")) &&
		      t_int("mount", ok, "flags", T_MS_NOSUID));
		T_CHECK(&s, bad, "mount: failure", t_int("mount", bad, "res", -ENOENT));
	}
	{
		FIND(h, UMOUNT2, "name", "mnt");
		T_CHECK(&s, h, "umount2", t_int("umount2", h, "res", 0) &&
		      t_int("umount2", h, "flags", T_MNT_DETACH) &&
		      t_str("umount2", h, "name_abs", abs_of("mnt")));
	}
	{
		FIND(h, FSOPEN, "fsname", "tmpfs");
		T_CHECK(&s, h, "fsopen", t_int("fsopen", h, "res", r.fsopen_fd) &&
		      r.fsopen_fd >= 0 &&
		      t_int("fsopen", h, "flags", T_FSOPEN_CLOEXEC));
	}
	{
		FIND(h, FSCONFIG, "key", "size");
		T_CHECK(&s, h, "fsconfig", t_int("fsconfig", h, "res", 0) &&
		      t_int("fsconfig", h, "fd", r.fsopen_fd) &&
		      t_int("fsconfig", h, "cmd", T_FSCONFIG_SET_STRING) &&
		      t_str("fsconfig", h, "value", "2m"));
	}
	{
		FIND(h, FSMOUNT, NULL, NULL);
		T_CHECK(&s, h, "fsmount", t_int("fsmount", h, "res", r.fsmount_fd) &&
		      r.fsmount_fd >= 0 &&
		      t_int("fsmount", h, "attr_flags", T_MOUNT_ATTR_NODEV));
	}
	{
		FIND(h, MOVE_MOUNT, "to_pathname", "mnt");
		T_CHECK(&s, h, "move_mount", t_int("move_mount", h, "res", 0) &&
		      t_int("move_mount", h, "from_dfd", r.fsmount_fd) &&
		      t_str("move_mount", h, "from_pathname", "") &&
		      t_str("move_mount", h, "to_pathname_abs", abs_of("mnt")) &&
		      t_int("move_mount", h, "flags", T_MOVE_MOUNT_F_EMPTY_PATH));
	}
	{
		FIND(h, OPEN_TREE, "filename", "mnt");
		T_CHECK(&s, h, "open_tree", t_int("open_tree", h, "res", r.open_tree_fd) &&
		      r.open_tree_fd >= 0 &&
		      t_str("open_tree", h, "filename_abs", abs_of("mnt")));
	}
	{
		const struct saker_event_hdr *h = NULL;
		size_t i;

		for (i = 0; i < s.l.n; i++)
			if (s.l.ev[i]->type == SAKER_EVT_OPEN &&
			    (pid_t)s.l.ev[i]->tid == s.tid &&
			    saker_param_faulted(s.l.ev[i], "name"))
				h = s.l.ev[i];
		T_CHECK(&s, h, "open: bad pointer is marked faulted",
		      t_int("open", h, "fd", -EFAULT) &&
		      t_faulted("open", h, "name") &&
		      t_faulted("open", h, "name_abs"));
	}
	t_end(&s);
	return t_done();
}
