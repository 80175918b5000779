// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process, credential and namespace events: the clone family in parent and
 * child with the task context (ids, capabilities, cgroup, namespaces, tty,
 * session), procfork and procexit, exec (entry records, success with argv,
 * env, cwd, exe path and flags, failure, execveat with a dirfd and from a
 * memfd), signals, ptrace, prctl, set*id, setgroups, capset, unshare and
 * setns.
 */
#define _GNU_SOURCE
#include "check.h"
#include "sysdefs.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

static char cwd[PATH_MAX];

static unsigned int kdev(dev_t d)
{
	unsigned int maj = major(d), min = minor(d);

	return (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
}

static long sc(long nr, long a, long b, long c, long d, long e)
{
	long r = syscall(nr, a, b, c, d, e);

	return r < 0 ? -errno : r;
}

#define P(x) ((long)(x))

static uint64_t ns_ino(const char *pid, const char *ns)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%s/ns/%s", pid, ns);
	return stat(p, &st) ? 0 : st.st_ino;
}

/* A hex field of /proc/self/status (CapEff, CapPrm, ...). */
static uint64_t status_hex(const char *key)
{
	char line[256];
	uint64_t v = 0;
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = strlen(key);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* The cgroup v2 path of this process ("0::PATH"), or "". */
static const char *cgroup_path(void)
{
	static char path[PATH_MAX + 8];
	char line[PATH_MAX];
	FILE *f = fopen("/proc/self/cgroup", "r");

	path[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		snprintf(path, sizeof(path), "%s", line + 3);
		path[strcspn(path, "\n")] = '\0';
	}
	if (f)
		fclose(f);
	return path;
}

/* tty_nr of /proc/self/stat: new_encode_dev() of the controlling tty. */
static long stat_tty(void)
{
	char buf[1024], *p;
	long tty = -1;
	FILE *f = fopen("/proc/self/stat", "r");

	if (f && fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		if (p)
			sscanf(p + 2, "%*c %*d %*d %*d %ld", &tty);
	}
	if (f)
		fclose(f);
	return tty;
}

static bool check_ctx(const char *name, const struct saker_event_hdr *h,
		      pid_t tid, pid_t pid, pid_t ppid, const char *comm)
{
	return t_int(name, h, "uid", getuid()) &&
	       t_int(name, h, "gid", getgid()) &&
	       t_int(name, h, "euid", geteuid()) &&
	       t_int(name, h, "egid", getegid()) &&
	       t_int(name, h, "cap_effective", status_hex("CapEff")) &&
	       t_int(name, h, "cap_permitted", status_hex("CapPrm")) &&
	       t_int(name, h, "cap_inheritable", status_hex("CapInh")) &&
	       t_str(name, h, "cgroups", cgroup_path()[0] ? cgroup_path() : "/") &&
	       t_int(name, h, "pidns", ns_ino("self", "pid")) &&
	       t_int(name, h, "netns", ns_ino("self", "net")) &&
	       t_int(name, h, "userns", ns_ino("self", "user")) &&
	       t_int(name, h, "mntns", ns_ino("self", "mnt")) &&
	       t_int(name, h, "tty", stat_tty()) &&
	       t_int(name, h, "sid", getsid(0)) &&
	       t_int(name, h, "pgid", getpgid(0)) &&
	       t_int(name, h, "vtid", tid) &&
	       t_int(name, h, "vpid", pid) &&
	       t_int(name, h, "ptid", ppid) &&
	       t_str(name, h, "comm", comm);
}

static int wait_status(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static char *const child_env[] = { "SAKER_ENV=1", "B=2", NULL };

struct results {
	pid_t fork_child, vfork_child, clone_child, clone3_child, kill_child;
	pid_t exec_child, execat_child, memfd_child, cred_child, ns_child;
	long clone3_fault, exec_fail, kill_ok, kill_fail, tkill_ok, tgkill_ok;
	long ptrace_fail, prctl_ok, capset_ok;
	int usr_bin_fd, memfd;
	int fork_status, kill_status;
	struct stat true_st;
	uint64_t init_netns;
};

/* The child of the cred test: drop to uid/gid 1000 step by step. */
static void cred_child(void)
{
	sc(SYS_setgroups, 0, 0, 0, 0, 0);
	sc(SYS_setgid, 1000, 0, 0, 0, 0);
	sc(SYS_setregid, -1, 1000, 0, 0, 0);
	sc(SYS_setresgid, 1000, 1000, 1000, 0, 0);
	sc(SYS_setreuid, -1, -1, 0, 0, 0);
	sc(SYS_setresuid, 1000, 1000, 1000, 0, 0);
	sc(SYS_setuid, 0, 0, 0, 0, 0);	/* fails: no CAP_SETUID any more */
	_exit(0);
}

static void ns_child(void)
{
	int fd;

	sc(SYS_unshare, CLONE_NEWUTS, 0, 0, 0, 0);
	sc(SYS_unshare, CLONE_NEWNET, 0, 0, 0, 0);
	fd = open("/proc/1/ns/net", O_RDONLY);
	sc(SYS_setns, fd, CLONE_NEWNET, 0, 0, 0);
	_exit(0);
}

static void run(struct results *r)
{
	struct t_clone_args ca = { .exit_signal = SIGCHLD };
	struct t_cap_header ch = { .version = T_CAP_VERSION_3 };
	struct t_cap_data cd[2];
	char path[64], *argv[] = { "true", "saker-arg1", "saker-arg2", NULL };
	char buf[65536];
	pid_t pid;
	ssize_t n;
	int fd;

	/* fork, and the child's exit status */
	r->fork_child = sc(SYS_fork, 0, 0, 0, 0, 0);
	if (r->fork_child == 0)
		_exit(7);
	r->fork_status = wait_status(r->fork_child);

	r->vfork_child = vfork();
	if (r->vfork_child == 0)
		_exit(0);
	wait_status(r->vfork_child);

	r->clone_child = sc(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (r->clone_child == 0)
		_exit(0);
	wait_status(r->clone_child);

	r->clone3_child = sc(SYS_clone3, P(&ca), sizeof(ca), 0, 0, 0);
	if (r->clone3_child == 0)
		_exit(0);
	wait_status(r->clone3_child);
	r->clone3_fault = sc(SYS_clone3, 1, sizeof(ca), 0, 0, 0);

	/* a child killed by a signal */
	r->kill_child = fork();
	if (r->kill_child == 0) {
		for (;;)
			pause();
	}
	r->kill_ok = sc(SYS_kill, r->kill_child, SIGKILL, 0, 0, 0);
	r->kill_status = wait_status(r->kill_child);
	r->kill_fail = sc(SYS_kill, 999999, SIGTERM, 0, 0, 0);
	r->tkill_ok = sc(SYS_tkill, t_gettid(), 0, 0, 0, 0);
	r->tgkill_ok = sc(SYS_tgkill, getpid(), t_gettid(), 0, 0, 0);
	r->ptrace_fail = sc(SYS_ptrace, 2 /* PEEKDATA */, 999999, 0x1234, 0, 0);

	/*
	 * execve: success, from a literal the child has not touched (its
	 * page may not be mapped in the child yet; the entry record has the
	 * kernel's copy of the name)
	 */
	stat("/bin/true", &r->true_st);
	r->exec_child = fork();
	if (r->exec_child == 0) {
		syscall(SYS_execve, "/bin/true", argv, child_env);
		_exit(127);
	}
	wait_status(r->exec_child);
	r->exec_fail = sc(SYS_execve, P("rel-missing"), P(argv), P(child_env), 0, 0);

	/* execveat with a dirfd, and from a memfd */
	r->usr_bin_fd = open("/usr/bin", O_PATH | O_DIRECTORY);
	r->execat_child = fork();
	if (r->execat_child == 0) {
		snprintf(path, sizeof(path), "true");
		syscall(SYS_execveat, r->usr_bin_fd, path, argv, child_env, 0);
		_exit(127);
	}
	wait_status(r->execat_child);

	r->memfd = memfd_create("saker-mem", 0);
	fd = open("/bin/true", O_RDONLY);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(r->memfd, buf, n) != n)
			break;
	close(fd);
	r->memfd_child = fork();
	if (r->memfd_child == 0) {
		path[0] = '\0';
		syscall(SYS_execveat, r->memfd, path, argv, child_env, AT_EMPTY_PATH);
		_exit(127);
	}
	wait_status(r->memfd_child);

	/* credentials and namespaces, in children */
	r->cred_child = fork();
	if (r->cred_child == 0)
		cred_child();
	wait_status(r->cred_child);
	r->init_netns = ns_ino("1", "net");
	r->ns_child = fork();
	if (r->ns_child == 0)
		ns_child();
	wait_status(r->ns_child);

	syscall(SYS_capget, &ch, cd);
	r->capset_ok = sc(SYS_capset, P(&ch), P(cd), 0, 0, 0);

	r->prctl_ok = sc(SYS_prctl, T_PR_SET_NAME, P("saker-x"), 0, 0, 0);
	sc(SYS_prctl, T_PR_GET_DUMPABLE, 0, 0, 0, 0);
	(void)pid;
}

static bool strarr_is(const char *name, const struct saker_event_hdr *h,
		      const char *param, const char *want, size_t wlen)
{
	uint16_t len;
	const char *p = saker_param(h, param, &len, NULL);

	if (!p || len != wlen || memcmp(p, want, wlen)) {
		t_fail(name, "%s.%s: %u bytes, want %zu", saker_event_name(h->type),
		       param, p ? len : 0, wlen);
		return false;
	}
	return true;
}

static const struct saker_event_hdr *by(struct t_session *s, pid_t tid, int type)
{
	return t_find_tid(s, tid, type, NULL, NULL);
}

/* Entry record @e comes before its exit record @x, on the same tid. */
static bool before(const struct t_session *s, const struct saker_event_hdr *e,
		   const struct saker_event_hdr *x)
{
	size_t i;

	if (!e || !x || e->tid != x->tid)
		return false;
	for (i = 0; i < s->l.n && s->l.ev[i] != x; i++)
		if (s->l.ev[i] == e)
			return true;
	return false;
}

int main(void)
{
	static const char env[] = "SAKER_ENV=1\0B=2";
	static const char args[] = "saker-arg1\0saker-arg2";
	const struct saker_event_hdr *h, *h2;
	struct t_session s;
	struct results r;
	char exe_real[PATH_MAX], want[PATH_MAX + 16];
	pid_t me, ppid;

	if (!getcwd(cwd, sizeof(cwd)) || !realpath("/bin/true", exe_real)) {
		t_fail("proc", "getcwd/realpath: %s", strerror(errno));
		return 1;
	}
	me = getpid();
	ppid = getppid();
	if (t_start(&s, "proc"))
		return 1;
	run(&r);
	if (!t_collect(&s, "proc"))
		return 1;

	h = t_find(&s, SAKER_EVT_FORK, NULL, NULL);
	T_CHECK(&s, h, "fork: parent with task context",
	      t_int("fork", h, "res", r.fork_child) &&
	      t_int("fork", h, "flags", SIGCHLD) &&
	      h->pid == (uint32_t)me && h->tid == (uint32_t)s.tid &&
	      check_ctx("fork", h, s.tid, me, ppid, "t-proc"));
	h = by(&s, r.fork_child, SAKER_EVT_FORK);
	T_CHECK(&s, h, "fork: child", t_int("fork child", h, "res", 0) &&
	      t_int("fork child", h, "vpid", r.fork_child) &&
	      t_int("fork child", h, "ptid", me));
	h = t_find(&s, SAKER_EVT_PROCFORK, NULL, NULL);
	T_CHECK(&s, h, "procfork", t_int("procfork", h, "child_tid", r.fork_child) &&
	      t_int("procfork", h, "child_pid", r.fork_child) &&
	      t_str("procfork", h, "comm", "t-proc"));
	h = by(&s, r.fork_child, SAKER_EVT_PROCEXIT);
	T_CHECK(&s, h, "procexit: exit status", WIFEXITED(r.fork_status) &&
	      t_int("procexit", h, "status", 7 << 8) &&
	      t_int("procexit", h, "ret", 7) &&
	      t_int("procexit", h, "sig", 0));
	h = by(&s, r.kill_child, SAKER_EVT_PROCEXIT);
	T_CHECK(&s, h, "procexit: killed", t_int("procexit", h, "sig", SIGKILL) &&
	      t_int("procexit", h, "core", 0));

	h = t_find(&s, SAKER_EVT_VFORK, NULL, NULL);
	T_CHECK(&s, h, "vfork", t_int("vfork", h, "res", r.vfork_child) &&
	      t_int("vfork", h, "flags", CLONE_VM | CLONE_VFORK | SIGCHLD));
	h = t_find(&s, SAKER_EVT_CLONE, NULL, NULL);
	while (h && saker_param_int(h, "res") != r.clone_child) {
		size_t i;

		for (i = 0; i < s.l.n && s.l.ev[i] != h; i++)
			;
		for (h = NULL, i++; i < s.l.n; i++)
			if (s.l.ev[i]->type == SAKER_EVT_CLONE &&
			    (pid_t)s.l.ev[i]->tid == s.tid) {
				h = s.l.ev[i];
				break;
			}
	}
	T_CHECK(&s, h, "clone", t_int("clone", h, "flags", SIGCHLD));
	h = t_find(&s, SAKER_EVT_CLONE3, NULL, NULL);
	T_CHECK(&s, h, "clone3", t_int("clone3", h, "res", r.clone3_child) &&
	      t_int("clone3", h, "flags", 0));
	h = by(&s, r.clone3_child, SAKER_EVT_CLONE3);
	T_CHECK(&s, h, "clone3: child", t_int("clone3 child", h, "res", 0));
	h = NULL;
	for (size_t i = 0; i < s.l.n; i++)
		if (s.l.ev[i]->type == SAKER_EVT_CLONE3 &&
		    saker_param_int(s.l.ev[i], "res") == -EFAULT)
			h = s.l.ev[i];
	T_CHECK(&s, h, "clone3: bad pointer faulted", r.clone3_fault == -EFAULT &&
	      t_faulted("clone3", h, "flags"));

	h2 = by(&s, r.exec_child, SAKER_EVT_EXECVE_E);
	T_CHECK(&s, h2, "execve_e: entry record", t_str("execve_e", h2, "filename", "/bin/true") &&
	      t_str("execve_e", h2, "filename_abs", "/bin/true") &&
	      t_int("execve_e", h2, "res", 0));
	h = by(&s, r.exec_child, SAKER_EVT_EXECVE);
	T_ASSERT("execve_e: precedes the successful execve", before(&s, h2, h));
	T_CHECK(&s, h, "execve: success with exec context",
	      t_int("execve", h, "res", 0) &&
	      t_str("execve", h, "filename", "/bin/true") &&
	      t_str("execve", h, "exe", "true") &&
	      strarr_is("execve", h, "args", args, sizeof(args)) &&
	      strarr_is("execve", h, "env", env, sizeof(env)) &&
	      t_str("execve", h, "cwd", cwd) &&
	      t_str("execve", h, "exepath", exe_real) &&
	      t_int("execve", h, "exe_ino", r.true_st.st_ino) &&
	      t_int("execve", h, "exe_dev", kdev(r.true_st.st_dev)) &&
	      t_int("execve", h, "exe_flags", SAKER_EXE_WRITABLE) &&
	      t_str("execve", h, "comm", "true") &&
	      t_int("execve", h, "vpid", r.exec_child) &&
	      !(h->flags & SAKER_EF_COMPAT));
	h = t_find(&s, SAKER_EVT_EXECVE, "filename", "rel-missing");
	snprintf(want, sizeof(want), "%s/rel-missing", cwd);
	h2 = t_find(&s, SAKER_EVT_EXECVE_E, "filename", "rel-missing");
	T_CHECK(&s, h, "execve: failure", t_int("execve", h, "res", -ENOENT) &&
	      r.exec_fail == -ENOENT && t_str("execve", h, "exe", "") &&
	      t_str("execve", h, "cwd", cwd) && t_str("execve", h, "comm", "t-proc"));
	T_CHECK(&s, h2, "execve_e: relative path resolved",
	      t_str("execve_e", h2, "filename_abs", want));
	T_ASSERT("execve_e: precedes the failed execve", before(&s, h2, h));

	h = by(&s, r.execat_child, SAKER_EVT_EXECVEAT);
	T_CHECK(&s, h, "execveat: dirfd", t_int("execveat", h, "res", 0) &&
	      t_int("execveat", h, "dirfd", r.usr_bin_fd) &&
	      t_str("execveat", h, "pathname", "true") &&
	      t_str("execveat", h, "exepath", exe_real) &&
	      strarr_is("execveat", h, "args", args, sizeof(args)));
	h2 = by(&s, r.execat_child, SAKER_EVT_EXECVEAT_E);
	T_CHECK(&s, h2, "execveat_e: resolved against dirfd",
	      t_int("execveat_e", h2, "dirfd", r.usr_bin_fd) &&
	      t_str("execveat_e", h2, "pathname", "true") &&
	      t_str("execveat_e", h2, "pathname_abs", "/usr/bin/true") &&
	      t_int("execveat_e", h2, "flags", 0));
	T_ASSERT("execveat_e: precedes the execveat", before(&s, h2, h));
	h = by(&s, r.memfd_child, SAKER_EVT_EXECVEAT_E);
	T_CHECK(&s, h, "execveat_e: memfd with AT_EMPTY_PATH",
	      t_int("execveat_e", h, "dirfd", r.memfd) &&
	      t_str("execveat_e", h, "pathname", "") &&
	      t_int("execveat_e", h, "flags", AT_EMPTY_PATH) &&
	      !strncmp(saker_param_str(h, "pathname_abs"), "/memfd:saker-mem", 16));
	h = by(&s, r.memfd_child, SAKER_EVT_EXECVEAT);
	T_CHECK(&s, h, "execveat: memfd is flagged",
	      t_int("execveat", h, "dirfd", r.memfd) &&
	      t_str("execveat", h, "pathname", "") &&
	      t_int("execveat", h, "flags", AT_EMPTY_PATH) &&
	      (saker_param_int(h, "exe_flags") & SAKER_EXE_FROM_MEMFD) &&
	      !strncmp(saker_param_str(h, "exepath"), "/memfd:saker-mem", 16));

	h = t_find(&s, SAKER_EVT_KILL, NULL, NULL);
	h2 = NULL;
	for (size_t i = 0; i < s.l.n; i++)
		if (s.l.ev[i]->type == SAKER_EVT_KILL &&
		    saker_param_int(s.l.ev[i], "pid") == 999999)
			h2 = s.l.ev[i];
	T_CHECK(&s, h, "kill", t_int("kill", h, "res", 0) &&
	      t_int("kill", h, "pid", r.kill_child) &&
	      t_int("kill", h, "sig", SIGKILL));
	T_CHECK(&s, h2, "kill: failure", t_int("kill", h2, "res", -ESRCH) &&
	      t_int("kill", h2, "sig", SIGTERM));
	h = t_find(&s, SAKER_EVT_TKILL, NULL, NULL);
	T_CHECK(&s, h, "tkill", t_int("tkill", h, "res", 0) &&
	      t_int("tkill", h, "tid", s.tid) && t_int("tkill", h, "sig", 0));
	h = t_find(&s, SAKER_EVT_TGKILL, NULL, NULL);
	T_CHECK(&s, h, "tgkill", t_int("tgkill", h, "res", 0) &&
	      t_int("tgkill", h, "pid", me) && t_int("tgkill", h, "tid", s.tid));
	h = t_find(&s, SAKER_EVT_PTRACE, NULL, NULL);
	T_CHECK(&s, h, "ptrace: failure", t_int("ptrace", h, "res", -ESRCH) &&
	      t_int("ptrace", h, "request", 2) &&
	      t_int("ptrace", h, "pid", 999999) &&
	      t_int("ptrace", h, "addr", 0x1234));
	h = t_find(&s, SAKER_EVT_PRCTL, "arg2_str", "saker-x");
	T_CHECK(&s, h, "prctl: PR_SET_NAME", t_int("prctl", h, "res", 0) &&
	      t_int("prctl", h, "option", T_PR_SET_NAME));

	h = by(&s, r.cred_child, SAKER_EVT_SETGROUPS);
	T_CHECK(&s, h, "setgroups", t_int("setgroups", h, "res", 0) &&
	      t_int("setgroups", h, "size", 0));
	h = by(&s, r.cred_child, SAKER_EVT_SETGID);
	T_CHECK(&s, h, "setgid", t_int("setgid", h, "res", 0) &&
	      t_int("setgid", h, "gid_arg", 1000) && t_int("setgid", h, "gid", 1000) &&
	      t_int("setgid", h, "egid", 1000));
	h = by(&s, r.cred_child, SAKER_EVT_SETREGID);
	T_CHECK(&s, h, "setregid", t_int("setregid", h, "rgid", -1) &&
	      t_int("setregid", h, "egid_arg", 1000));
	h = by(&s, r.cred_child, SAKER_EVT_SETRESGID);
	T_CHECK(&s, h, "setresgid", t_int("setresgid", h, "sgid_arg", 1000) &&
	      t_int("setresgid", h, "sgid", 1000));
	h = by(&s, r.cred_child, SAKER_EVT_SETREUID);
	T_CHECK(&s, h, "setreuid", t_int("setreuid", h, "res", 0) &&
	      t_int("setreuid", h, "ruid", -1));
	h = by(&s, r.cred_child, SAKER_EVT_SETRESUID);
	T_CHECK(&s, h, "setresuid: drops capabilities", t_int("setresuid", h, "res", 0) &&
	      t_int("setresuid", h, "uid", 1000) && t_int("setresuid", h, "euid", 1000) &&
	      t_int("setresuid", h, "suid", 1000) &&
	      t_int("setresuid", h, "cap_effective", 0));
	h = by(&s, r.cred_child, SAKER_EVT_SETUID);
	T_CHECK(&s, h, "setuid: failure", t_int("setuid", h, "res", -EPERM) &&
	      t_int("setuid", h, "uid_arg", 0) && t_int("setuid", h, "uid", 1000));
	h = t_find(&s, SAKER_EVT_CAPSET, NULL, NULL);
	T_CHECK(&s, h, "capset", t_int("capset", h, "res", r.capset_ok) &&
	      t_int("capset", h, "cap_effective", status_hex("CapEff")));

	h = by(&s, r.ns_child, SAKER_EVT_UNSHARE);
	T_CHECK(&s, h, "unshare", t_int("unshare", h, "res", 0) &&
	      t_int("unshare", h, "flags", CLONE_NEWUTS) &&
	      t_int("unshare", h, "netns", r.init_netns));
	h2 = NULL;
	for (size_t i = 0; i < s.l.n; i++)
		if (s.l.ev[i]->type == SAKER_EVT_UNSHARE &&
		    (pid_t)s.l.ev[i]->tid == r.ns_child &&
		    saker_param_int(s.l.ev[i], "flags") == CLONE_NEWNET)
			h2 = s.l.ev[i];
	T_CHECK(&s, h2, "unshare: new netns in the context",
	      saker_param_int(h2, "netns") != (int64_t)r.init_netns &&
	      saker_param_int(h2, "netns") != 0);
	h = by(&s, r.ns_child, SAKER_EVT_SETNS);
	T_CHECK(&s, h, "setns", t_int("setns", h, "res", 0) &&
	      t_int("setns", h, "nstype", CLONE_NEWNET) &&
	      t_int("setns", h, "netns", r.init_netns));

	t_end(&s);
	return t_done();
}
