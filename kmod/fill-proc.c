// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process events: the clone family, exec (the successful image and its
 * entry record from sched_process_exec, failures and theirs at sys_exit),
 * signals,
 * ptrace, prctl, credential and namespace calls, and the scheduler's fork
 * and exit.  Events that create or change a task carry its context (creds,
 * capabilities, cgroup, namespaces, tty, ids); exec adds argv, env, cwd and
 * what the executable is.  Everything is read without sleeping: RCU for
 * task and cgroup pointers, spinlocks for the tty and the argv bounds,
 * nofault copies for the new image's memory.
 */
#include <linux/audit.h>
#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/ns_common.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/prctl.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/tty.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "fill.h"

/*
 * struct mnt_namespace is private to fs/; it starts with its ns_common in
 * every kernel this builds for.  That is checked once at load time on the
 * loader's namespace (the ns_common must say CLONE_NEWNS), reading through
 * the nofault helper; if the check fails mntns is sent as 0.
 */
static bool saker_mntns_ok __read_mostly;

void saker_proc_init(void)
{
	const struct ns_common *ns;
	int type = 0;
#ifdef SAKER_HAVE_NS_COMMON_NS_TYPE
	u32 t;

	ns = (const struct ns_common *)current->nsproxy->mnt_ns;
	if (ns && !copy_from_kernel_nofault(&t, &ns->ns_type, sizeof(t)))
		type = t;
#else
	const struct proc_ns_operations *ops;

	ns = (const struct ns_common *)current->nsproxy->mnt_ns;
	if (ns && !copy_from_kernel_nofault(&ops, &ns->ops, sizeof(ops)) &&
	    ops && copy_from_kernel_nofault(&type, &ops->type, sizeof(type)))
		type = 0;
#endif
	saker_mntns_ok = type == CLONE_NEWNS;
}

static u64 saker_mntns_inum(const struct nsproxy *nsp)
{
	if (!saker_mntns_ok || !nsp || !nsp->mnt_ns)
		return 0;
	return ((const struct ns_common *)nsp->mnt_ns)->inum;
}

/*
 * Controlling tty as new_encode_dev(), 0 without one.  get_current_tty()
 * takes the siglock; dropping the reference only queues work.
 */
static u32 saker_tty(void)
{
	struct tty_struct *tty = get_current_tty();
	dev_t dev = 0;

	if (tty) {
		dev = tty_devnum(tty);
		tty_kref_put(tty);
	}
	return new_encode_dev(dev);
}

/*
 * cgroup id and path on the default (v2) hierarchy.  The path comes from
 * kernfs under its rename spinlock; cgroup_path_ns() is not used because it
 * takes cgroup_mutex.  The css_set and its cgroup are RCU-protected and the
 * cgroup keeps its kernfs node until an RCU grace period after release.
 */
static void saker_put_cgroup(struct saker_rec *r)
{
#ifdef CONFIG_CGROUPS
	struct cgroup *cgrp;
	u8 *p;
	int n;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	saker_put_u64(r, cgroup_id(cgrp));
	p = saker_param_begin(r, SAKER_CGROUP_MAX);
	if (p) {
		n = cgroup_path(cgrp, (char *)p, SAKER_CGROUP_MAX);
		if (n < 0)
			saker_param_end(r, 0, false);
		else if (n >= SAKER_CGROUP_MAX)
			saker_param_end(r, SAKER_CGROUP_MAX, true);
		else
			saker_param_end(r, n + 1, false);
	}
	rcu_read_unlock();
#else
	saker_put_u64(r, 0);
	saker_put_empty(r);
#endif
}

/**
 * saker_put_task_ctx() - SAKER_TASK_CTX of the current task
 * @r: the record
 */
void saker_put_task_ctx(struct saker_rec *r)
{
	const struct cred *cred = current_cred();
	const struct nsproxy *nsp = current->nsproxy;
	pid_t sid, pgid, ptid;

	saker_put_u32(r, from_kuid(&init_user_ns, cred->uid));
	saker_put_u32(r, from_kgid(&init_user_ns, cred->gid));
	saker_put_u32(r, from_kuid(&init_user_ns, cred->euid));
	saker_put_u32(r, from_kgid(&init_user_ns, cred->egid));
	saker_put_u32(r, from_kuid(&init_user_ns, cred->suid));
	saker_put_u32(r, from_kgid(&init_user_ns, cred->sgid));
	saker_put_u32(r, from_kuid(&init_user_ns,
				   audit_get_loginuid(current)));
	saker_put_u64(r, saker_caps(&cred->cap_inheritable));
	saker_put_u64(r, saker_caps(&cred->cap_permitted));
	saker_put_u64(r, saker_caps(&cred->cap_effective));
	saker_put_cgroup(r);

	saker_put_u64(r, task_active_pid_ns(current)->ns.inum);
	saker_put_u64(r, nsp && nsp->net_ns ? nsp->net_ns->ns.inum : 0);
	saker_put_u64(r, cred->user_ns->ns.inum);
	saker_put_u64(r, saker_mntns_inum(nsp));
	saker_put_u32(r, saker_tty());

	rcu_read_lock();
	sid = pid_nr(task_session(current));
	pgid = pid_nr(task_pgrp(current));
	ptid = rcu_dereference(current->real_parent)->tgid;
	rcu_read_unlock();
	saker_put_s64(r, sid);
	saker_put_s64(r, pgid);
	saker_put_s64(r, task_pid_vnr(current));
	saker_put_s64(r, task_tgid_vnr(current));
	saker_put_s64(r, ptid);
	saker_put_kstr(r, current->comm, TASK_COMM_LEN);
}

/* clone(flags, ...), clone3(args, size), fork(), vfork() */
int saker_fill_clone(struct saker_rec *r, const struct saker_sys *s)
{
	u64 flags = 0;
	bool fault = false;

	switch (s->type) {
	case SAKER_EVT_CLONE:
		flags = s->args[0];
		break;
	case SAKER_EVT_CLONE3:	/* struct clone_args starts with flags */
		fault = saker_copy_from_user(&flags, saker_arg_ptr(s, 0),
					     sizeof(flags)) != 0;
		break;
	case SAKER_EVT_FORK:
		flags = SIGCHLD;
		break;
	case SAKER_EVT_VFORK:
		flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
		break;
	}

	saker_put_s64(r, s->ret);
	if (fault)
		saker_put_fault(r);
	else
		saker_put_u64(r, flags);
	saker_put_task_ctx(r);
	return 0;
}

/* The exec context of a failed exec: only the cwd is known. */
static void saker_put_exec_ctx_failed(struct saker_rec *r)
{
	saker_put_empty(r);		/* exe */
	saker_put_empty(r);		/* args */
	saker_put_empty(r);		/* env */
	saker_put_cwd(r);
	saker_put_empty(r);		/* exepath */
	saker_put_u32(r, 0);		/* exe_flags */
	saker_put_u64(r, 0);		/* exe_ino */
	saker_put_u32(r, 0);		/* exe_dev */
}

/*
 * A failed execve(filename, ...) or execveat(dirfd, pathname, ..., flags);
 * the successful ones are sent from sched_process_exec.
 */
int saker_fill_exec_fail(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	if (s->type == SAKER_EVT_EXECVEAT) {
		saker_put_s64(r, saker_arg_int(s, 0));
		saker_put_upath(r, saker_arg_ptr(s, 1));
		saker_put_u32(r, s->args[4]);
	} else {
		saker_put_upath(r, saker_arg_ptr(s, 0));
	}
	saker_put_exec_ctx_failed(r);
	saker_put_task_ctx(r);
	return 0;
}

/* Entry record of a failed exec: the path as the caller passed it. */
void saker_fill_exec_entry(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, 0);
	if (s->type == SAKER_EVT_EXECVEAT) {
		int dirfd = saker_arg_int(s, 0);

		saker_put_s64(r, dirfd);
		saker_put_upath(r, saker_arg_ptr(s, 1));
		saker_put_abspath(r, dirfd);
		saker_put_u32(r, s->args[4]);
	} else {
		saker_put_upath(r, saker_arg_ptr(s, 0));
		saker_put_abspath(r, AT_FDCWD);
	}
}

/* Where the first string at @p ends (after its NUL), scanning to @end. */
static unsigned long saker_ustr_end(unsigned long p, unsigned long end)
{
	char chunk[64];

	while (p < end) {
		size_t n = min_t(unsigned long, sizeof(chunk), end - p);
		const char *nul;

		if (saker_copy_from_user(chunk, (const void __user *)p, n))
			return end;
		nul = memchr(chunk, '\0', n);
		if (nul)
			return p + (nul - chunk) + 1;
		p += n;
	}
	return end;
}

/* argv[0] as the exe parameter; returns where argv[1] starts. */
static unsigned long saker_put_argv0(struct saker_rec *r, unsigned long start,
				     unsigned long end)
{
	u32 max = min_t(unsigned long, end - start, SAKER_EXE_MAX);
	u8 *p = saker_param_begin(r, max);
	long n;

	if (!p)
		return end;
	if (!max) {
		saker_param_end(r, 0, false);
		return end;
	}
	n = saker_strncpy_nofault((char *)p, (const char __user *)start, max);
	if (n < 0) {
		saker_put_fault(r);
		return end;
	}
	if (n == 0) {
		p[0] = '\0';
		n = 1;
	}
	if (n == max && p[max - 1] == '\0') {
		/* Cut, or exactly max - 1 bytes: find the real end. */
		unsigned long next = saker_ustr_end(start + max - 1, end);

		saker_param_end(r, n, next != start + max);
		return next;
	}
	saker_param_end(r, n, false);
	return start + n;
}

/* NUL-separated strings between @from and @to, at most @limit bytes. */
static void saker_put_strarr(struct saker_rec *r, unsigned long from,
			     unsigned long to, u32 limit)
{
	u32 len = from < to ? min_t(unsigned long, to - from, limit) : 0;
	u8 *p = saker_param_begin(r, len);
	bool cut;

	if (!p)
		return;
	if (!len) {
		saker_param_end(r, 0, false);
		return;
	}
	if (saker_copy_from_user(p, (const void __user *)from, len)) {
		saker_put_fault(r);
		return;
	}
	cut = to - from > len;
	p[len - 1] = '\0';
	saker_param_end(r, len, cut);
}

/*
 * Is the overlayfs file's data on the upper layer?  overlayfs keeps the
 * upper dentry right after the VFS inode in its private inode (struct
 * ovl_inode, unchanged since 4.x).  That word is only compared with what
 * d_real() returns, never dereferenced, so a different layout can only make
 * the answer "lower".
 */
static bool saker_ovl_upper(struct dentry *dentry, struct inode *inode)
{
	struct dentry *upper = READ_ONCE(*(struct dentry **)(inode + 1));

	return upper && saker_d_real_data(dentry) == upper;
}

/* memfd_create() names its files "memfd:NAME" on tmpfs or hugetlbfs. */
static bool saker_is_memfd(struct dentry *dentry)
{
	const unsigned char *name;
	bool ret;

	rcu_read_lock();
	name = READ_ONCE(dentry->d_name.name);
	ret = !strncmp(name, "memfd:", 6);
	rcu_read_unlock();
	return ret;
}

/*
 * Could the task write its executable?  inode_permission() may sleep and
 * calls into LSMs, so this approximates it with the mode bits against the
 * task's fsuid and groups, CAP_DAC_OVERRIDE, and read-only or immutable
 * files and mounts.  ACLs, idmapped mounts and LSM policy are not seen.
 */
static bool saker_exe_writable(const struct file *file)
{
	const struct inode *inode = file_inode(file);
	const struct cred *cred = current_cred();
	umode_t mode = inode->i_mode;

	if (IS_RDONLY(inode) || IS_IMMUTABLE(inode) ||
	    (file->f_path.mnt->mnt_flags & MNT_READONLY))
		return false;
	if (cap_raised(cred->cap_effective, CAP_DAC_OVERRIDE))
		return true;
	if (uid_eq(cred->fsuid, inode->i_uid))
		return mode & 0200;
	if (in_group_p(inode->i_gid))
		return mode & 0020;
	return mode & 0002;
}

static u32 saker_exe_flags(struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	struct inode *inode = file_inode(file);
	u32 flags = 0;

	if (saker_exe_writable(file))
		flags |= SAKER_EXE_WRITABLE;
	switch (inode->i_sb->s_magic) {
	case OVERLAYFS_SUPER_MAGIC:
		flags |= saker_ovl_upper(dentry, inode) ?
			 SAKER_EXE_UPPER_LAYER : SAKER_EXE_LOWER_LAYER;
		break;
	case TMPFS_MAGIC:
	case HUGETLBFS_MAGIC:
		if (saker_is_memfd(dentry))
			flags |= SAKER_EXE_FROM_MEMFD;
		break;
	}
	return flags;
}

/*
 * Which event a successful exec is.  By now the exec has rewritten the
 * syscall number for the new image, so execveat is recognized by the name
 * it built from a dirfd; an execveat with AT_FDCWD or an absolute path
 * looks like execve here, and so does its entry record.
 */
u16 saker_exec_type(const struct linux_binprm *bprm)
{
#ifdef SAKER_HAVE_BPRM_FDPATH
	if (bprm->fdpath)
		return SAKER_EVT_EXECVEAT;
#endif
	return SAKER_EVT_EXECVE;
}

/*
 * The execveat arguments recovered from the "/dev/fd/N[/name]" name exec
 * built for a relative path with a dirfd: the registers are gone by now.
 * Returns the name after "/dev/fd/N/", "" for AT_EMPTY_PATH.
 */
static const char *saker_execveat_name(const struct linux_binprm *bprm,
				       int *dirfd)
{
	const char *rest = bprm->filename;

	*dirfd = 0;
	if (!strncmp(rest, "/dev/fd/", 8))
		for (rest += 8; *rest >= '0' && *rest <= '9'; rest++)
			*dirfd = *dirfd * 10 + (*rest - '0');
	return *rest == '/' ? rest + 1 : "";
}

static void saker_put_execveat_args(struct saker_rec *r,
				    const struct linux_binprm *bprm)
{
	const char *name;
	int dirfd;

	name = saker_execveat_name(bprm, &dirfd);
	saker_put_s64(r, dirfd);
	saker_put_kstr(r, name, SAKER_PATH_MAX);
	saker_put_u32(r, *name ? 0 : AT_EMPTY_PATH);
}

/**
 * saker_fill_exec_entry_ok() - the entry record of a successful exec, from
 * sched_process_exec, with the name exec copied from the caller (for
 * execveat, as saker_fill_exec_ok() recovers it)
 * @r: the record
 * @type: SAKER_EVT_EXECVE_E or SAKER_EVT_EXECVEAT_E
 * @bprm: the exec in progress
 */
void saker_fill_exec_entry_ok(struct saker_rec *r, u16 type,
			      const struct linux_binprm *bprm)
{
	const char *name;
	int dirfd;

	saker_put_s64(r, 0);
	if (type == SAKER_EVT_EXECVEAT_E) {
		name = saker_execveat_name(bprm, &dirfd);
		saker_put_s64(r, dirfd);
		saker_put_kpath(r, name);
		saker_put_abspath(r, dirfd);
		saker_put_u32(r, *name ? 0 : AT_EMPTY_PATH);
	} else {
		saker_put_kpath(r, bprm->filename);
		saker_put_abspath(r, AT_FDCWD);
	}
}

/**
 * saker_fill_exec_ok() - a successful execve/execveat, from
 * sched_process_exec: the new image is in place, the old registers are
 * not (the execveat flags carry only AT_EMPTY_PATH)
 * @r: the record
 * @type: SAKER_EVT_EXECVE or SAKER_EVT_EXECVEAT
 * @bprm: the exec in progress
 */
void saker_fill_exec_ok(struct saker_rec *r, u16 type,
			const struct linux_binprm *bprm)
{
	struct mm_struct *mm = current->mm;
	unsigned long arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
	struct inode *inode = file_inode(bprm->file);

	if (mm) {
		spin_lock(&mm->arg_lock);
		arg_start = mm->arg_start;
		arg_end = mm->arg_end;
		env_start = mm->env_start;
		env_end = mm->env_end;
		spin_unlock(&mm->arg_lock);
	}

	saker_put_s64(r, 0);
	if (type == SAKER_EVT_EXECVEAT)
		saker_put_execveat_args(r, bprm);
	else
		saker_put_kstr(r, bprm->filename, SAKER_PATH_MAX);

	arg_start = saker_put_argv0(r, arg_start, arg_end);
	saker_put_strarr(r, arg_start, arg_end, SAKER_ARGS_MAX);
	saker_put_strarr(r, env_start, env_end, SAKER_ENV_MAX);
	saker_put_cwd(r);
	saker_put_dpath(r, &bprm->file->f_path);
	saker_put_u32(r, saker_exe_flags(bprm->file));
	saker_put_u64(r, inode->i_ino);
	saker_put_u32(r, new_encode_dev(inode->i_sb->s_dev));
	saker_put_task_ctx(r);
}

/* kill(pid, sig), tkill(tid, sig) */
int saker_fill_kill(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u32(r, s->args[1]);
	return 0;
}

/* tgkill(tgid, tid, sig) */
int saker_fill_tgkill(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_s64(r, saker_arg_int(s, 1));
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* ptrace(request, pid, addr, data) */
int saker_fill_ptrace(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	saker_put_s64(r, saker_arg_int(s, 1));
	saker_put_u64(r, s->args[2]);
	saker_put_u64(r, s->args[3]);
	return 0;
}

/* prctl(option, arg2, ...): arg2 as text for the name options */
int saker_fill_prctl(struct saker_rec *r, const struct saker_sys *s)
{
	int option = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_u32(r, option);
	if (option == PR_SET_NAME || option == PR_GET_NAME)
		saker_put_ustr(r, saker_arg_ptr(s, 1), TASK_COMM_LEN);
	else
		saker_put_empty(r);
	saker_put_s64(r, s->args[1]);
	return 0;
}

/* The id arguments of the set*id calls, 16-bit ones widened. */
static void saker_put_id_args(struct saker_rec *r, const struct saker_sys *s,
			      int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned long v = s->args[i];

		if (s->variant == SAKER_SV_UID16 && (u16)v == (u16)-1)
			saker_put_u32(r, (u32)-1);
		else if (s->variant == SAKER_SV_UID16)
			saker_put_u32(r, (u16)v);
		else
			saker_put_u32(r, v);
	}
}

/* setuid, setgid (1 id), setre[ug]id (2), setres[ug]id (3) */
int saker_fill_setid(struct saker_rec *r, const struct saker_sys *s)
{
	int n = 1;

	if (s->type == SAKER_EVT_SETREUID || s->type == SAKER_EVT_SETREGID)
		n = 2;
	else if (s->type == SAKER_EVT_SETRESUID ||
		 s->type == SAKER_EVT_SETRESGID)
		n = 3;
	saker_put_s64(r, s->ret);
	saker_put_id_args(r, s, n);
	saker_put_task_ctx(r);
	return 0;
}

/* setgroups(size, list) */
int saker_fill_setgroups(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	saker_put_task_ctx(r);
	return 0;
}

/* capset(hdr, data): the result is in the task context */
int saker_fill_capset(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_task_ctx(r);
	return 0;
}

/* setns(fd, nstype) */
int saker_fill_setns(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u64(r, (u32)s->args[1]);
	saker_put_task_ctx(r);
	return 0;
}

/* unshare(flags) */
int saker_fill_unshare(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u64(r, s->args[0]);
	saker_put_task_ctx(r);
	return 0;
}

/* sched_process_fork, from the parent: the new task's ids and name. */
void saker_fill_procfork(struct saker_rec *r, struct task_struct *child)
{
	saker_put_s64(r, 0);
	saker_put_s64(r, child->pid);
	saker_put_s64(r, child->tgid);
	saker_put_kstr(r, child->comm, TASK_COMM_LEN);
}

/* A thread of @t's group that is not exiting, or NULL. */
static struct task_struct *saker_alive_thread(struct task_struct *t)
{
	struct task_struct *it;

	for_each_thread(t, it)
		if (!(it->flags & PF_EXITING))
			return it;
	return NULL;
}

/*
 * Who inherits the exiting task's children, the way find_new_reaper()
 * picks: a live thread of the group, else the nearest child subreaper in
 * the same pid namespace, else the namespace's init.  0 when there are no
 * children.  Read under RCU without tasklist_lock, so it is a snapshot.
 */
static pid_t saker_reaper_tid(struct task_struct *p)
{
	struct task_struct *t;
	struct pid_namespace *ns;
	pid_t tid = 0;

	if (list_empty(&p->children))
		return 0;

	rcu_read_lock();
	t = saker_alive_thread(p);
	if (t) {
		tid = t->pid;
		goto out;
	}
	ns = task_active_pid_ns(p);
	if (p->signal->has_child_subreaper) {
		for (t = rcu_dereference(p->real_parent);
		     t->pid > 1 && task_active_pid_ns(t) == ns;
		     t = rcu_dereference(t->real_parent)) {
			struct task_struct *alive;

			if (!t->signal->is_child_subreaper)
				continue;
			alive = saker_alive_thread(t);
			if (alive) {
				tid = alive->pid;
				goto out;
			}
		}
	}
	if (ns && ns->child_reaper)
		tid = ns->child_reaper->pid;
out:
	rcu_read_unlock();
	return tid;
}

/* sched_process_exit: the wait status taken apart, and the reaper. */
void saker_fill_procexit(struct saker_rec *r, struct task_struct *p)
{
	int code = p->exit_code;

	saker_put_s64(r, code);
	saker_put_s64(r, (code >> 8) & 0xff);
	saker_put_u32(r, code & 0x7f);
	saker_put_u32(r, !!(code & 0x80));
	saker_put_s64(r, saker_reaper_tid(p));
}
