// SPDX-License-Identifier: GPL-2.0-only
/*
 * File descriptor events: dup, dup2, dup3, fcntl (only F_DUPFD and
 * F_DUPFD_CLOEXEC become events), pipe and pipe2 with both ends and the
 * pipe's inode, memfd_create; failures and a faulted pipe array.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

static long sc(long nr, long a, long b, long c)
{
	long r = syscall(nr, a, b, c);

	return r < 0 ? -errno : r;
}

#define P(x) ((long)(x))

static const struct saker_event_hdr *ev(struct t_session *s, int type,
					const char *param, long v)
{
	size_t i;

	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == type && (pid_t)s->l.ev[i]->tid == s->tid &&
		    saker_param_int(s->l.ev[i], param) == v)
			return s->l.ev[i];
	return NULL;
}

static size_t count(struct t_session *s, int type)
{
	size_t i, n = 0;

	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == type && (pid_t)s->l.ev[i]->tid == s->tid)
			n++;
	return n;
}

int main(void)
{
	const struct saker_event_hdr *h;
	struct t_session s;
	long d, d2, d3, dfail, f1, f2, p_ok, p2_ok, pfault, mfd;
	int fds[2], fds2[2];
	struct stat st, st2;

	if (t_start(&s, "fds"))
		return 1;
	d = sc(SYS_dup, 1, 0, 0);
	d2 = sc(SYS_dup2, 1, 40, 0);
	d3 = sc(SYS_dup3, 1, 41, O_CLOEXEC);
	dfail = sc(SYS_dup, 4000, 0, 0);
	f1 = sc(SYS_fcntl, 1, F_DUPFD, 50);
	f2 = sc(SYS_fcntl, 1, F_DUPFD_CLOEXEC, 60);
	sc(SYS_fcntl, 1, F_GETFL, 0);
	sc(SYS_fcntl, 1, F_GETFD, 0);
	p_ok = sc(SYS_pipe, P(fds), 0, 0);
	p2_ok = sc(SYS_pipe2, P(fds2), O_NONBLOCK, 0);
	pfault = sc(SYS_pipe, 1, 0, 0);
	mfd = sc(SYS_memfd_create, P("saker-memfd"), MFD_CLOEXEC, 0);
	fstat(fds[0], &st);
	fstat(fds2[0], &st2);
	if (!t_collect(&s, "fds"))
		return 1;

	h = ev(&s, SAKER_EVT_DUP, "res", d);
	T_CHECK(&s, h, "dup", d >= 0 && t_int("dup", h, "oldfd", 1));
	h = ev(&s, SAKER_EVT_DUP, "oldfd", 4000);
	T_CHECK(&s, h, "dup: failure", dfail == -EBADF && t_int("dup", h, "res", -EBADF));
	h = ev(&s, SAKER_EVT_DUP2, "newfd", 40);
	T_CHECK(&s, h, "dup2", t_int("dup2", h, "res", d2) && d2 == 40 &&
		t_int("dup2", h, "oldfd", 1));
	h = ev(&s, SAKER_EVT_DUP3, "newfd", 41);
	T_CHECK(&s, h, "dup3", t_int("dup3", h, "res", d3) &&
		t_int("dup3", h, "flags", O_CLOEXEC));
	h = ev(&s, SAKER_EVT_FCNTL, "cmd", F_DUPFD);
	T_CHECK(&s, h, "fcntl: F_DUPFD", t_int("fcntl", h, "res", f1) && f1 >= 50 &&
		t_int("fcntl", h, "fd", 1) && t_int("fcntl", h, "arg", 50));
	h = ev(&s, SAKER_EVT_FCNTL, "cmd", F_DUPFD_CLOEXEC);
	T_CHECK(&s, h, "fcntl: F_DUPFD_CLOEXEC", t_int("fcntl", h, "res", f2));
	T_ASSERT("fcntl: other commands are not events",
		count(&s, SAKER_EVT_FCNTL) == 2);
	h = ev(&s, SAKER_EVT_PIPE, "res", 0);
	T_CHECK(&s, h, "pipe", p_ok == 0 && t_int("pipe", h, "fd1", fds[0]) &&
		t_int("pipe", h, "fd2", fds[1]) && t_int("pipe", h, "ino", st.st_ino));
	h = ev(&s, SAKER_EVT_PIPE2, "res", 0);
	T_CHECK(&s, h, "pipe2", p2_ok == 0 && t_int("pipe2", h, "fd1", fds2[0]) &&
		t_int("pipe2", h, "ino", st2.st_ino) &&
		t_int("pipe2", h, "flags", O_NONBLOCK));
	h = ev(&s, SAKER_EVT_PIPE, "res", -EFAULT);
	T_CHECK(&s, h, "pipe: failure", pfault == -EFAULT && t_int("pipe", h, "fd1", -1));
	h = t_find(&s, SAKER_EVT_MEMFD_CREATE, "name", "saker-memfd");
	T_CHECK(&s, h, "memfd_create", t_int("memfd_create", h, "fd", mfd) && mfd >= 0 &&
		t_int("memfd_create", h, "flags", MFD_CLOEXEC));
	t_end(&s);
	return t_done();
}
