// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hot path.  sys_exit turns every selected syscall into one event with
 * its arguments and result.  sched_process_exec sends successful execs (the
 * syscall number and ABI are rewritten by the exec itself, the new image is
 * there), sched_process_fork and sched_process_exit the process lifecycle.
 * The entry records of exec go out right before their exit record: from
 * sched_process_exec with the name the exec copied, from sys_exit with the
 * caller's arguments for a failed one (its memory is still in place).
 *
 * An unselected syscall costs a table lookup and a bitmap test.  Records are
 * built with preemption disabled; on kernels whose syscall tracepoints may
 * fault, the user strings an event will read are faulted in first, while
 * sleeping is still allowed, and then read with the nofault helpers.
 */
#include <linux/binfmts.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <trace/events/sched.h>
#include <trace/events/syscalls.h>

#include "fill.h"
#include "probes.h"
#include "ring.h"
#include "saker.h"

const saker_fill_fn saker_fillers[SAKER_EVT_MAX] = {
	[SAKER_EVT_OPEN] = saker_fill_open,
	[SAKER_EVT_OPENAT] = saker_fill_openat,
	[SAKER_EVT_OPENAT2] = saker_fill_openat2,
	[SAKER_EVT_CREAT] = saker_fill_creat,
	[SAKER_EVT_CLOSE] = saker_fill_close,
	[SAKER_EVT_UNLINK] = saker_fill_path1,
	[SAKER_EVT_UNLINKAT] = saker_fill_unlinkat,
	[SAKER_EVT_RENAME] = saker_fill_path2,
	[SAKER_EVT_RENAMEAT] = saker_fill_path2at,
	[SAKER_EVT_RENAMEAT2] = saker_fill_path2at,
	[SAKER_EVT_LINK] = saker_fill_path2,
	[SAKER_EVT_LINKAT] = saker_fill_path2at,
	[SAKER_EVT_SYMLINK] = saker_fill_symlink,
	[SAKER_EVT_SYMLINKAT] = saker_fill_symlinkat,
	[SAKER_EVT_MKDIR] = saker_fill_path_mode,
	[SAKER_EVT_MKDIRAT] = saker_fill_mkdirat,
	[SAKER_EVT_RMDIR] = saker_fill_path1,
	[SAKER_EVT_CHMOD] = saker_fill_path_mode,
	[SAKER_EVT_FCHMOD] = saker_fill_fchmod,
	[SAKER_EVT_FCHMODAT] = saker_fill_fchmodat,
	[SAKER_EVT_CHOWN] = saker_fill_chown,
	[SAKER_EVT_LCHOWN] = saker_fill_chown,
	[SAKER_EVT_FCHOWN] = saker_fill_fchown,
	[SAKER_EVT_FCHOWNAT] = saker_fill_fchownat,
	[SAKER_EVT_TRUNCATE] = saker_fill_truncate,
	[SAKER_EVT_FTRUNCATE] = saker_fill_ftruncate,
	[SAKER_EVT_MOUNT] = saker_fill_mount,
	[SAKER_EVT_UMOUNT2] = saker_fill_umount2,
	[SAKER_EVT_FSOPEN] = saker_fill_fsopen,
	[SAKER_EVT_FSCONFIG] = saker_fill_fsconfig,
	[SAKER_EVT_FSMOUNT] = saker_fill_fsmount,
	[SAKER_EVT_MOVE_MOUNT] = saker_fill_move_mount,
	[SAKER_EVT_OPEN_TREE] = saker_fill_open_tree,
	[SAKER_EVT_CLONE] = saker_fill_clone,
	[SAKER_EVT_CLONE3] = saker_fill_clone,
	[SAKER_EVT_FORK] = saker_fill_clone,
	[SAKER_EVT_VFORK] = saker_fill_clone,
	[SAKER_EVT_EXECVE] = saker_fill_exec_fail,
	[SAKER_EVT_EXECVEAT] = saker_fill_exec_fail,
	[SAKER_EVT_KILL] = saker_fill_kill,
	[SAKER_EVT_TKILL] = saker_fill_kill,
	[SAKER_EVT_TGKILL] = saker_fill_tgkill,
	[SAKER_EVT_PTRACE] = saker_fill_ptrace,
	[SAKER_EVT_PRCTL] = saker_fill_prctl,
	[SAKER_EVT_SETUID] = saker_fill_setid,
	[SAKER_EVT_SETGID] = saker_fill_setid,
	[SAKER_EVT_SETREUID] = saker_fill_setid,
	[SAKER_EVT_SETREGID] = saker_fill_setid,
	[SAKER_EVT_SETRESUID] = saker_fill_setid,
	[SAKER_EVT_SETRESGID] = saker_fill_setid,
	[SAKER_EVT_SETGROUPS] = saker_fill_setgroups,
	[SAKER_EVT_CAPSET] = saker_fill_capset,
	[SAKER_EVT_SETNS] = saker_fill_setns,
	[SAKER_EVT_UNSHARE] = saker_fill_unshare,
	[SAKER_EVT_SOCKET] = saker_fill_socket,
	[SAKER_EVT_SOCKETPAIR] = saker_fill_socketpair,
	[SAKER_EVT_CONNECT] = saker_fill_connect,
	[SAKER_EVT_ACCEPT] = saker_fill_accept,
	[SAKER_EVT_ACCEPT4] = saker_fill_accept,
	[SAKER_EVT_BIND] = saker_fill_bind,
	[SAKER_EVT_LISTEN] = saker_fill_listen,
	[SAKER_EVT_SENDTO] = saker_fill_sendto,
	[SAKER_EVT_RECVFROM] = saker_fill_sendto,
	[SAKER_EVT_SENDMSG] = saker_fill_msg,
	[SAKER_EVT_RECVMSG] = saker_fill_msg,
	[SAKER_EVT_DUP] = saker_fill_dup,
	[SAKER_EVT_DUP2] = saker_fill_dup,
	[SAKER_EVT_DUP3] = saker_fill_dup,
	[SAKER_EVT_FCNTL] = saker_fill_fcntl,
	[SAKER_EVT_PIPE] = saker_fill_pipe,
	[SAKER_EVT_PIPE2] = saker_fill_pipe,
	[SAKER_EVT_MEMFD_CREATE] = saker_fill_memfd_create,
	[SAKER_EVT_ADD_KEY] = saker_fill_key,
	[SAKER_EVT_REQUEST_KEY] = saker_fill_key,
	[SAKER_EVT_KEYCTL] = saker_fill_keyctl,
	[SAKER_EVT_INIT_MODULE] = saker_fill_init_module,
	[SAKER_EVT_FINIT_MODULE] = saker_fill_finit_module,
	[SAKER_EVT_DELETE_MODULE] = saker_fill_delete_module,
	[SAKER_EVT_BPF] = saker_fill_bpf,
	[SAKER_EVT_KEXEC_LOAD] = saker_fill_kexec_load,
	[SAKER_EVT_KEXEC_FILE_LOAD] = saker_fill_kexec_file_load,
	[SAKER_EVT_REBOOT] = saker_fill_reboot,
	[SAKER_EVT_PERF_EVENT_OPEN] = saker_fill_perf_event_open,
	[SAKER_EVT_USERFAULTFD] = saker_fill_userfaultfd,
	[SAKER_EVT_IO_URING_SETUP] = saker_fill_io_uring_setup,
	[SAKER_EVT_MMAP] = saker_fill_mmap,
	[SAKER_EVT_MPROTECT] = saker_fill_mprotect,
	[SAKER_EVT_READ] = saker_fill_rw,
	[SAKER_EVT_WRITE] = saker_fill_rw,
};

/* True when the syscall tracepoints run preemptible and may fault. */
static bool saker_tp_faultable __read_mostly;

static __always_inline bool saker_in_ia32(void)
{
#ifdef CONFIG_IA32_EMULATION
	return in_ia32_syscall();
#else
	return false;
#endif
}

static __always_inline bool saker_excluded(void)
{
	return current->tgid == READ_ONCE(saker_state.exclude_tgid);
}

static void saker_count_filtered(void)
{
	struct saker_cpu_stats *st = saker_ring_stats(get_cpu());

	WRITE_ONCE(st->filtered, st->filtered + 1);
	put_cpu();
}

/* Arguments as the syscall saw them; compat ones cut to 32 bits. */
static void saker_get_args(struct pt_regs *regs, struct saker_sys *s)
{
	unsigned int i;

	syscall_get_arguments(current, regs, s->args);
	if (s->compat)
		for (i = 0; i < ARRAY_SIZE(s->args); i++)
			s->args[i] = (u32)s->args[i];
}

/*
 * Where syscall tracepoints may fault, fault in the user strings the
 * filler will read, while sleeping is allowed: the nofault copies under
 * preempt_disable() then find them present.  Returns false when one could
 * not be read; the filler marks it faulted.
 */
static bool saker_prefault(const struct saker_sys *s)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->args); i++) {
		if (!(s->ustr & (1u << i)) || !s->args[i])
			continue;
		ok &= strnlen_user(saker_arg_ptr(s, i), SAKER_PATH_MAX) > 0;
	}
	return ok;
}

/* Entry record type of an exec event, 0 for the other events. */
static u16 saker_entry_type(u16 type)
{
	switch (type) {
	case SAKER_EVT_EXECVE:
		return SAKER_EVT_EXECVE_E;
	case SAKER_EVT_EXECVEAT:
		return SAKER_EVT_EXECVEAT_E;
	default:
		return 0;
	}
}

/* Calls whose event depends on their arguments or result. */
static bool saker_sys_wanted(const struct saker_sys *s)
{
	switch (s->type) {
	case SAKER_EVT_EXECVE:
	case SAKER_EVT_EXECVEAT:
		return s->ret != 0;	/* success: sched_process_exec */
	case SAKER_EVT_FCNTL:
		return saker_fcntl_wanted(s);
	case SAKER_EVT_MMAP:
		return saker_mmap_wanted(s);
	case SAKER_EVT_MPROTECT:
		return s->args[2] & PROT_EXEC;
	default:
		return true;
	}
}

/*
 * Build and publish the record of @type for the decoded syscall @s: its
 * event, or the entry record of a failed exec.
 */
static void saker_emit_sys(const struct saker_sys *s, u16 type)
{
	saker_fill_fn fill = saker_fillers[s->type];
	struct saker_rec r;
	unsigned int cpu;
	int rc = 0;

	if (!fill)
		return;
	if (saker_tp_faultable)
		saker_prefault(s);

	cpu = get_cpu();
	if (!READ_ONCE(saker_state.capturing)) {
		saker_ring_drop(cpu, SAKER_DROP_PAUSED);
		goto out;
	}
	if (!saker_rec_start(&r, cpu, type, s->compat ? SAKER_EF_COMPAT : 0))
		goto out;
	if (type != s->type) {
		saker_fill_exec_entry(&r, s);
	} else if (s->args_fault) {
		saker_put_s64(&r, s->ret);
		saker_put_fault_rest(&r);
	} else {
		rc = fill(&r, s);
	}
	if (!rc)
		saker_rec_finish(&r);
out:
	put_cpu();
}

/*
 * Decode the syscall in @regs from its table slot @e: event type (ia32
 * socketcall: the type of the call it multiplexes), variant, ABI.
 */
static __always_inline void saker_decode(struct pt_regs *regs,
					 const struct saker_sysent *e,
					 bool compat, struct saker_sys *s)
{
	s->compat = compat;
	s->type = e->type;
	s->variant = e->variant;
	s->ustr = e->ustr;
	s->args_fault = false;
	s->socketcall = e->variant == SAKER_SV_SOCKETCALL;
	if (unlikely(s->socketcall))
		s->type = saker_socketcall_type((u32)regs->bx, &s->variant);
}

/* Slot of a syscall that may be captured; NULL for most syscalls. */
static __always_inline const struct saker_sysent *
saker_slot(unsigned long nr, bool compat)
{
	const struct saker_sysent *e = saker_sys_entry(nr, compat);

	if (!e || (!e->type && e->variant != SAKER_SV_SOCKETCALL))
		return NULL;
	return e;
}

/* A syscall whose slot has an event type: decode, select, emit. */
static noinline void saker_sys_exit_slow(struct pt_regs *regs,
					 const struct saker_sysent *e,
					 bool compat, long ret)
{
	struct saker_sys s;
	u16 entry;

	saker_decode(regs, e, compat, &s);
	if (!s.type)
		return;
	entry = saker_entry_type(s.type);
	if (entry && !saker_event_selected(entry))
		entry = 0;
	if (!entry && !saker_event_selected(s.type)) {
		saker_count_filtered();
		return;
	}
	if (saker_excluded())
		return;

	s.ret = ret;
	saker_get_args(regs, &s);
	if (unlikely(s.socketcall))
		saker_socketcall_args(&s);
	if (!saker_sys_wanted(&s))
		return;
	if (entry)
		saker_emit_sys(&s, entry);
	if (saker_event_selected(s.type))
		saker_emit_sys(&s, s.type);
}

/* Every syscall of every task: keep the way out for the others short. */
static void saker_sys_exit_probe(void *data, struct pt_regs *regs, long ret)
{
	bool compat = saker_in_ia32();
	const struct saker_sysent *e;

	e = saker_slot(syscall_get_nr(current, regs), compat);
	if (unlikely(e))
		saker_sys_exit_slow(regs, e, compat, ret);
}

/* Start a scheduler-event record; the caller disabled preemption. */
static bool saker_sched_start(struct saker_rec *r, u16 type, u16 flags)
{
	unsigned int cpu = smp_processor_id();

	if (!READ_ONCE(saker_state.capturing)) {
		saker_ring_drop(cpu, SAKER_DROP_PAUSED);
		return false;
	}
	return saker_rec_start(r, cpu, type, flags);
}

/*
 * A successful exec: its entry record, then its event.  When a thread
 * other than the leader execs, it has taken over the leader's tid by now;
 * both records carry the new tid.
 */
static void saker_exec_probe(void *data, struct task_struct *p,
			     pid_t old_pid, struct linux_binprm *bprm)
{
	u16 type = saker_exec_type(bprm);
	u16 entry = saker_entry_type(type);
	bool want_entry = saker_event_selected(entry);
	bool want = saker_event_selected(type);
	struct saker_rec r;
	u16 flags;

	if (!(want_entry || want) || saker_excluded())
		return;
	preempt_disable();
	/* COMPAT here describes the new image. */
	flags = saker_in_ia32() ? SAKER_EF_COMPAT : 0;
	if (want_entry && saker_sched_start(&r, entry, flags)) {
		saker_fill_exec_entry_ok(&r, entry, bprm);
		saker_rec_finish(&r);
	}
	if (want && saker_sched_start(&r, type, flags)) {
		saker_fill_exec_ok(&r, type, bprm);
		saker_rec_finish(&r);
	}
	preempt_enable();
}

static void saker_fork_probe(void *data, struct task_struct *parent,
			     struct task_struct *child)
{
	struct saker_rec r;

	if (!saker_event_selected(SAKER_EVT_PROCFORK) || saker_excluded())
		return;
	preempt_disable();
	if (saker_sched_start(&r, SAKER_EVT_PROCFORK, 0)) {
		saker_fill_procfork(&r, child);
		saker_rec_finish(&r);
	}
	preempt_enable();
}

static void saker_exit_event(struct task_struct *p)
{
	struct saker_rec r;

	if (!saker_event_selected(SAKER_EVT_PROCEXIT) || saker_excluded())
		return;
	preempt_disable();
	if (saker_sched_start(&r, SAKER_EVT_PROCEXIT, 0)) {
		saker_fill_procexit(&r, p);
		saker_rec_finish(&r);
	}
	preempt_enable();
}

#ifdef SAKER_HAVE_SCHED_EXIT_GROUP_DEAD
static void saker_exit_probe(void *data, struct task_struct *p,
			     bool group_dead)
{
	saker_exit_event(p);
}
#else
static void saker_exit_probe(void *data, struct task_struct *p)
{
	saker_exit_event(p);
}
#endif

/*
 * The probes are registered through untyped pointers; make the compiler
 * compare them with the tracepoints' prototypes of the target kernel.
 */
static inline void saker_check_probe_types(void)
{
	check_trace_callback_type_sys_exit(saker_sys_exit_probe);
	check_trace_callback_type_sched_process_fork(saker_fork_probe);
	check_trace_callback_type_sched_process_exec(saker_exec_probe);
	check_trace_callback_type_sched_process_exit(saker_exit_probe);
}

enum saker_tp_id {
	SAKER_TP_SYS_EXIT,
	SAKER_TP_FORK,
	SAKER_TP_EXEC,
	SAKER_TP_EXIT,
	SAKER_TP_MAX
};

struct saker_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct saker_tp saker_tps[SAKER_TP_MAX] = {
	[SAKER_TP_SYS_EXIT] = { "sys_exit", saker_sys_exit_probe },
	[SAKER_TP_FORK] = { "sched_process_fork", saker_fork_probe },
	[SAKER_TP_EXEC] = { "sched_process_exec", saker_exec_probe },
	[SAKER_TP_EXIT] = { "sched_process_exit", saker_exit_probe },
};

static void saker_tp_lookup(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < SAKER_TP_MAX; i++)
		if (!strcmp(tp->name, saker_tps[i].name))
			saker_tps[i].tp = tp;
}

/**
 * saker_probes_init() - find the kernel's tracepoints
 *
 * Return: 0, or -ENOENT when one is missing.
 */
int saker_probes_init(void)
{
	unsigned int i;

	saker_check_probe_types();
	for_each_kernel_tracepoint(saker_tp_lookup, NULL);
	for (i = 0; i < SAKER_TP_MAX; i++) {
		if (!saker_tps[i].tp) {
			pr_err("saker: tracepoint %s not found\n",
			       saker_tps[i].name);
			return -ENOENT;
		}
	}
#ifdef SAKER_HAVE_TRACEPOINT_IS_FAULTABLE
	saker_tp_faultable =
		tracepoint_is_faultable(saker_tps[SAKER_TP_SYS_EXIT].tp);
#endif
	return 0;
}

bool saker_probes_faultable(void)
{
	return saker_tp_faultable;
}

static int saker_tp_register(struct saker_tp *t)
{
	int ret;

	if (t->registered)
		return 0;
	ret = tracepoint_probe_register(t->tp, t->probe, NULL);
	if (!ret)
		t->registered = true;
	return ret;
}

static void saker_tp_unregister(struct saker_tp *t)
{
	if (!t->registered)
		return;
	tracepoint_probe_unregister(t->tp, t->probe, NULL);
	t->registered = false;
}

/**
 * saker_probes_start() - register the tracepoint probes
 *
 * Return: 0 or the error of the first registration that failed, after
 * undoing the others.
 */
int saker_probes_start(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < SAKER_TP_MAX; i++) {
		ret = saker_tp_register(&saker_tps[i]);
		if (ret) {
			saker_probes_stop();
			return ret;
		}
	}
	return 0;
}

/* Unregister every probe and wait until none is running any more. */
void saker_probes_stop(void)
{
	unsigned int i;

	for (i = 0; i < SAKER_TP_MAX; i++)
		saker_tp_unregister(&saker_tps[i]);
	tracepoint_synchronize_unregister();
}
