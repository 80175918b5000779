/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fillers: one function per event type writes the parameters of
 * include/saker/event-table.h in order, from the decoded syscall.  They run
 * with preemption disabled inside a started record and never sleep.  The
 * return value is 0 to publish the record, SAKER_FILL_SKIP to drop it
 * silently (a call the table does not want, e.g. fcntl other than F_DUPFD).
 */
#ifndef SAKER_FILL_H
#define SAKER_FILL_H

#include <linux/binfmts.h>
#include <linux/sched.h>

#include "record.h"
#include "syscalls.h"

#define SAKER_FILL_SKIP 1

typedef int (*saker_fill_fn)(struct saker_rec *r, const struct saker_sys *s);

/* Indexed by event type; NULL for types no syscall produces. */
extern const saker_fill_fn saker_fillers[SAKER_EVT_MAX];

/* Task context (SAKER_TASK_CTX) of the current task. */
void saker_put_task_ctx(struct saker_rec *r);

/* Scheduler events (fill-proc.c). */
void saker_fill_procfork(struct saker_rec *r, struct task_struct *child);
void saker_fill_procexit(struct saker_rec *r, struct task_struct *p);
void saker_fill_exec_ok(struct saker_rec *r, u16 type,
			const struct linux_binprm *bprm);
u16 saker_exec_type(const struct linux_binprm *bprm);
void saker_fill_exec_entry(struct saker_rec *r, const struct saker_sys *s);
void saker_fill_exec_entry_ok(struct saker_rec *r, u16 type,
			      const struct linux_binprm *bprm);
void saker_proc_init(void);

/* fill-file.c */
int saker_fill_open(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_openat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_openat2(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_creat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_close(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_path1(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_unlinkat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_path2(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_path2at(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_symlink(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_symlinkat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_path_mode(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_mkdirat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fchmod(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fchmodat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_chown(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fchown(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fchownat(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_truncate(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_ftruncate(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_mount(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_umount2(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fsopen(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fsconfig(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fsmount(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_move_mount(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_open_tree(struct saker_rec *r, const struct saker_sys *s);

/* fill-proc.c */
int saker_fill_clone(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_exec_fail(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_kill(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_tgkill(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_ptrace(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_prctl(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_setid(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_setgroups(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_capset(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_setns(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_unshare(struct saker_rec *r, const struct saker_sys *s);

/* fill-net.c */
int saker_fill_socket(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_socketpair(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_connect(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_accept(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_bind(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_listen(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_sendto(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_msg(struct saker_rec *r, const struct saker_sys *s);

/* fill-misc.c */
int saker_fill_dup(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_fcntl(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_pipe(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_memfd_create(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_key(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_keyctl(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_init_module(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_finit_module(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_delete_module(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_bpf(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_kexec_load(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_kexec_file_load(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_reboot(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_perf_event_open(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_userfaultfd(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_io_uring_setup(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_mmap(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_mprotect(struct saker_rec *r, const struct saker_sys *s);
int saker_fill_rw(struct saker_rec *r, const struct saker_sys *s);
bool saker_mmap_wanted(const struct saker_sys *s);
bool saker_fcntl_wanted(const struct saker_sys *s);

#endif /* SAKER_FILL_H */
