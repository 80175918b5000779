// SPDX-License-Identifier: GPL-2.0-only
/*
 * Context details that need some setting up: the cgroup v2 path and id of a
 * process moved into its own cgroup, the controlling tty and session of a
 * process on a pseudo-terminal, exe flags of binaries on an overlayfs upper
 * and lower layer, and the writable flag for a user who cannot write the
 * executable.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define CG_ROOT "/sys/fs/cgroup"
#define CG_NAME "saker-test"

static unsigned int kdev(dev_t d)
{
	unsigned int maj = major(d), min = minor(d);

	return (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	close(out);
	return 0;
}

static pid_t run_exec(const char *path, uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		char p[PATH_MAX];

		if (uid && (setgid(uid) || setuid(uid)))
			_exit(126);
		snprintf(p, sizeof(p), "%s", path);
		execl(p, "saker-exe", NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return pid;
}

int main(void)
{
	const struct saker_event_hdr *h;
	struct t_session s;
	char cg_path[PATH_MAX], cwd[PATH_MAX], buf[64];
	pid_t cg_child = 0, tty_child = 0, lower = 0, upper = 0, user = 0;
	bool cg_ok = false, ovl_ok = false;
	struct stat cg_st, pty_st;
	int ptm = -1, st;

	if (!getcwd(cwd, sizeof(cwd)))
		return 1;

	/* a cgroup of our own on the v2 hierarchy */
	mkdir(CG_ROOT, 0755);
	if (access(CG_ROOT "/cgroup.procs", F_OK))
		mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL);
	snprintf(cg_path, sizeof(cg_path), "%s/%s", CG_ROOT, CG_NAME);
	mkdir(cg_path, 0755);
	cg_ok = !stat(cg_path, &cg_st) && !access(CG_ROOT "/cgroup.procs", F_OK);

	/* an overlay: one binary only in the lower layer, one in the upper */
	mkdir("lower", 0755);
	mkdir("upper", 0755);
	mkdir("work", 0755);
	mkdir("merged", 0755);
	if (!copy_file("/bin/true", "lower/true-lower") &&
	    !copy_file("/bin/true", "upper/true-upper") &&
	    (system("modprobe overlay 2>/dev/null"), 1) &&
	    !mount("overlay", "merged", "overlay", 0,
		   "lowerdir=lower,upperdir=upper,workdir=work"))
		ovl_ok = true;

	/* a pseudo-terminal to become a controlling tty */
	ptm = posix_openpt(O_RDWR | O_NOCTTY);
	if (ptm >= 0 && (grantpt(ptm) || unlockpt(ptm)))
		ptm = -1;

	if (t_start(&s, "ctx"))
		return 1;
	if (cg_ok) {
		cg_child = fork();
		if (cg_child == 0) {
			snprintf(buf, sizeof(buf), "%d", getpid());
			if (write_file(CG_ROOT "/" CG_NAME "/cgroup.procs", buf))
				_exit(2);
			syscall(SYS_unshare, 0);
			_exit(0);
		}
		waitpid(cg_child, &st, 0);
		cg_ok = WIFEXITED(st) && !WEXITSTATUS(st);
	}
	if (ptm >= 0) {
		tty_child = fork();
		if (tty_child == 0) {
			int fd;

			setsid();
			fd = open(ptsname(ptm), O_RDWR);	/* controlling tty */
			if (fd < 0 || ioctl(fd, TIOCSCTTY, 0))
				_exit(2);
			syscall(SYS_unshare, 0);
			_exit(0);
		}
		waitpid(tty_child, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) || stat(ptsname(ptm), &pty_st))
			tty_child = 0;
	}
	if (ovl_ok) {
		lower = run_exec("merged/true-lower", 0);
		upper = run_exec("merged/true-upper", 0);
	}
	user = run_exec("/bin/true", 65534);
	if (!t_collect(&s, "ctx"))
		return 1;

	if (!cg_ok) {
		printf("SKIP: ctx: no cgroup v2 hierarchy\n");
	} else {
		h = t_find_tid(&s, cg_child, SAKER_EVT_UNSHARE, NULL, NULL);
		T_CHECK(&s, h, "task context: cgroup v2 path and id",
			t_str("unshare", h, "cgroups", "/" CG_NAME) &&
			t_int("unshare", h, "cgroup_id", cg_st.st_ino));
	}
	if (!tty_child) {
		printf("SKIP: ctx: no pseudo-terminal\n");
	} else {
		h = t_find_tid(&s, tty_child, SAKER_EVT_UNSHARE, NULL, NULL);
		T_CHECK(&s, h, "task context: controlling tty and session",
			t_int("unshare", h, "tty", kdev(pty_st.st_rdev)) &&
			t_int("unshare", h, "sid", tty_child) &&
			t_int("unshare", h, "pgid", tty_child));
	}
	if (!ovl_ok) {
		printf("SKIP: ctx: no overlayfs\n");
	} else {
		h = t_find_tid(&s, lower, SAKER_EVT_EXECVE, NULL, NULL);
		T_CHECK(&s, h, "exe flags: overlayfs lower layer",
			(saker_param_int(h, "exe_flags") &
			 (SAKER_EXE_LOWER_LAYER | SAKER_EXE_UPPER_LAYER)) ==
			SAKER_EXE_LOWER_LAYER);
		h = t_find_tid(&s, upper, SAKER_EVT_EXECVE, NULL, NULL);
		T_CHECK(&s, h, "exe flags: overlayfs upper layer",
			(saker_param_int(h, "exe_flags") &
			 (SAKER_EXE_LOWER_LAYER | SAKER_EXE_UPPER_LAYER)) ==
			SAKER_EXE_UPPER_LAYER);
		umount2("merged", MNT_DETACH);
	}
	h = t_find_tid(&s, user, SAKER_EVT_EXECVE, NULL, NULL);
	T_CHECK(&s, h, "exe flags: not writable for a user",
		t_int("execve", h, "uid", 65534) &&
		!(saker_param_int(h, "exe_flags") & SAKER_EXE_WRITABLE));
	if (cg_ok)
		rmdir(cg_path);
	t_end(&s);
	return t_done();
}
