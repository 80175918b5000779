// SPDX-License-Identifier: MIT
/*
 * Helpers of the field unit tests; see fieldtest.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fieldtest.h"

T *t_new(void)
{
	T *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->s = state_new();
	assert_non_null(t->s);
	t->s->users = userdb_new();
	assert_non_null(t->s->users);
	t->ctx = calloc(1, sizeof(*t->ctx));
	assert_non_null(t->ctx);
	t->ctx->state = t->s;
	t->ctx->boot_to_realtime_ns = BOOT_TO_REAL;
	t->ctx->hostname = "node1";
	return t;
}

void t_free(T *t)
{
	free(t->rec);
	state_free(t->s);
	free(t->ctx);
	free(t);
}

/* Finish the record being built and make it the current event of tid. */
void t_event(T *t, int64_t tid)
{
	free(t->rec);
	t->rec = NULL;
	assert_int_equal(evbuild_end_decode(&t->e, &t->rec), 0);
	eval_reset(t->ctx);
	t->ctx->evt = &t->e;
	t->ctx->proc = tid ? state_get_thread(t->s, tid) : NULL;
	t->ctx->fd = NULL;
}

/* The fd the event concerns, as the updater would set it. */
void t_fd(T *t, int64_t fd)
{
	t->ctx->fd = t->ctx->proc ? fdtable_get(t->ctx->proc->fds, fd) : NULL;
}



Proc *mkproc(T *t, const ProcSpec *ps)
{
	ProcSnapshot snap = { 0 };
	Proc *p = NULL;

	snap.set = PS_PID | PS_PTID | PS_SID | PS_PGID | PS_VPID | PS_VTID | PS_COMM | PS_EXE |
		   PS_EXEPATH | PS_CWD | PS_ARGS | PS_ENV | PS_EUID | PS_EGID | PS_LOGINUID |
		   PS_TTY | PS_EXE_FLAGS | PS_CAPS | PS_EXE_INO | PS_CLONE_TS;
	snap.tid = ps->tid;
	snap.pid = ps->pid ? ps->pid : ps->tid;
	snap.ptid = ps->ptid;
	snap.sid = ps->sid;
	snap.pgid = ps->pgid;
	snap.vpid = ps->vpid ? ps->vpid : snap.pid;
	snap.vtid = ps->tid;
	snap.comm = ps->comm;
	snap.exe = ps->exe ? ps->exe : ps->comm;
	snap.exepath = ps->exepath ? ps->exepath : "";
	snap.cwd = ps->cwd ? ps->cwd : "/";
	snap.args = ps->args ? ps->args : "";
	snap.args_len = ps->args_len;
	snap.env = ps->env ? ps->env : "";
	snap.env_len = ps->env_len;
	snap.euid = ps->euid;
	snap.egid = ps->egid;
	snap.loginuid = ps->loginuid;
	snap.tty = ps->tty;
	snap.exe_flags = ps->exe_flags;
	snap.cap_effective = ps->caps;
	snap.exe_ino = ps->exe_ino;
	snap.clone_ts = ps->clone_ts;
	assert_int_equal(state_upsert_proc_snapshot(t->s, &snap, &p), 0);
	assert_non_null(p);
	return p;
}

FdInfo *mkfd(T *t, int64_t tid, int64_t fd, FdType type, const char *name)
{
	FdInfo tmpl = { .fd = fd, .type = type, .name = (char *)name }, *f = NULL;

	assert_int_equal(state_upsert_fd_snapshot(t->s, tid, &tmpl, &f), 0);
	return f;
}

void set_ip4(uint8_t a[16], uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3)
{
	memset(a, 0, 16);
	a[0] = a0;
	a[1] = a1;
	a[2] = a2;
	a[3] = a3;
}

/* ---- extraction helpers ---- */

FieldValues vals;
FieldType bound_type;

int fbind(const char *spec, FieldRef *ref, char **msg)
{
	const char *br = strchr(spec, '[');
	size_t n = br ? (size_t)(br - spec) : strlen(spec), arglen = 0, nl;
	const char *arg = NULL;
	const FieldDef *d = field_lookup(spec, n);

	if (br) {
		arg = br + 1;
		arglen = (size_t)(strchr(br, ']') - arg);
	}
	if (!d) {
		d = field_lookup_prefix(spec, n, &nl);
		if (!d)
			return -ENOENT;
		arg = spec + nl + 1;
		arglen = n - nl - 1;
	}
	return field_ref_init(ref, d, arg, arglen, msg);
}

const FieldValues *X(T *t, const char *spec)
{
	char *msg = NULL;
	FieldRef ref;
	int r;

	r = fbind(spec, &ref, &msg);
	if (r < 0)
		fail_msg("binding %s: %d %s", spec, r, msg ? msg : "");
	memset(&vals, 0xaa, sizeof(vals));
	r = field_extract(&ref, t->ctx, &vals);
	bound_type = ref.def->type;
	field_ref_done(&ref);
	if (r < 0)
		fail_msg("extracting %s: %d", spec, r);
	return &vals;
}

/* The single string value, or "<NA>" when there is none. */
const char *S(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n == 0)
		return "<NA>";
	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_non_null(v->v[0].str);
	assert_int_equal(strlen(v->v[0].str), v->v[0].len);
	return v->v[0].str;
}

int64_t N(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_int_equal(v->v[0].type, FT_NUMBER);
	return v->v[0].num;
}

uint64_t U(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_true(v->v[0].type == FT_UNUMBER || v->v[0].type == FT_PORT ||
		    v->v[0].type == FT_ABSTIME || v->v[0].type == FT_RELTIME ||
		    v->v[0].type == FT_FLAGS);
	return v->v[0].unum;
}

bool B(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_int_equal(v->v[0].type, FT_BOOL);
	return v->v[0].b;
}

void NA(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 0)
		fail_msg("%s: expected no value, got %zu", spec, v->n);
}

/* The values of a multi-valued string field joined with ','. */
const char *MS(T *t, const char *spec)
{
	static char buf[1024];
	const FieldValues *v = X(t, spec);
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < v->n; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "," : "", v->v[i].str);
	return v->n ? buf : "<NA>";
}

/* An IP value as text ("4:10.0.0.1"). */
const char *IP(T *t, const char *spec)
{
	static char buf[64];
	const FieldValues *v = X(t, spec);
	const IpAddr *a;

	if (v->n == 0)
		return "<NA>";
	assert_int_equal(v->n, 1);
	a = &v->v[0].ip;
	if (a->family == 4)
		snprintf(buf, sizeof(buf), "4:%u.%u.%u.%u/%u", a->addr[0], a->addr[1], a->addr[2],
			 a->addr[3], a->prefix);
	else
		snprintf(buf, sizeof(buf), "6:%02x%02x..%02x/%u", a->addr[0], a->addr[1],
			 a->addr[15], a->prefix);
	return buf;
}

char *bind_error(const char *spec)
{
	char *msg = NULL;
	FieldRef ref;
	int r = fbind(spec, &ref, &msg);

	if (r >= 0) {
		field_ref_done(&ref);
		return NULL;
	}
	assert_int_equal(r, -EINVAL);
	assert_non_null(msg);
	return msg;
}

/* ---- a process tree used by several tests ----
 *
 *   1 systemd -> 100 sshd -> 200 bash (session 200) -> 300 sudo -> 400 python3
 *   400 has a second thread, 401 "worker".
 */
void tree(T *t)
{
	static const char py_args[] = "-c\0print(1)";
	static const char py_env[] = "A=1\0B=2\0HOME=/root";
	static const char bash_env[] = "HOME=/home/alice\0SHELL=/bin/bash";
	static const char bash_args[] = "-l";
	Proc *p;

	mkproc(t, &(ProcSpec){ .tid = 1, .ptid = 0, .sid = 1, .pgid = 1, .comm = "systemd",
			       .exe = "/sbin/init", .exepath = "/usr/lib/systemd/systemd" });
	mkproc(t, &(ProcSpec){ .tid = 100, .ptid = 1, .sid = 100, .pgid = 100, .comm = "sshd",
			       .exe = "sshd:", .exepath = "/usr/sbin/sshd", .loginuid = UINT32_MAX });
	mkproc(t, &(ProcSpec){ .tid = 200, .ptid = 100, .sid = 200, .pgid = 200, .comm = "bash",
			       .exe = "-bash", .exepath = "/usr/bin/bash", .args = bash_args,
			       .args_len = sizeof(bash_args), .env = bash_env,
			       .env_len = sizeof(bash_env), .euid = 1000, .egid = 1000,
			       .loginuid = 1000, .tty = 34816 });
	mkproc(t, &(ProcSpec){ .tid = 300, .ptid = 200, .sid = 200, .pgid = 300, .comm = "sudo",
			       .exe = "sudo", .exepath = "/usr/bin/sudo", .loginuid = 1000,
			       .tty = 34816 });
	p = mkproc(t, &(ProcSpec){ .tid = 400, .ptid = 300, .sid = 200, .pgid = 300,
				   .comm = "python3", .exe = "/usr/bin/python3",
				   .exepath = "/usr/bin/python3.11", .cwd = "/srv/app",
				   .args = py_args, .args_len = sizeof(py_args), .env = py_env,
				   .env_len = sizeof(py_env), .euid = 0, .egid = 0,
				   .loginuid = 1000, .tty = 34816, .exe_flags = 0x1 | 0x2,
				   .caps = (1ull << 1) | (1ull << 21), .exe_ino = 777,
				   .clone_ts = 400000000ull });
	assert_int_equal(p->pid, 400);
	mkproc(t, &(ProcSpec){ .tid = 401, .pid = 400, .ptid = 300, .sid = 200, .pgid = 300,
			       .comm = "worker", .exe = "/usr/bin/python3", .cwd = "/srv/app",
			       .clone_ts = 600000000ull });
	assert_int_equal(userdb_add_user(t->s->users, 1000, "alice", "/home/alice", "/bin/bash"), 0);
	assert_int_equal(userdb_add_user(t->s->users, 0, "root", "/root", "/bin/sh"), 0);
	assert_int_equal(userdb_add_group(t->s->users, 1000, "alice"), 0);
}

/* A getppid-like meta-free event: kill(pid, sig) from tid. */
void kill_event(T *t, int64_t tid, int64_t pid, int64_t target, uint32_t sig)
{
	evbuild_begin(SAKER_EVT_KILL, TS, (uint32_t)tid, (uint32_t)pid);
	evbuild_s64(0);
	evbuild_s64(target);
	evbuild_u32(sig);
	t_event(t, tid);
}

void openat_event(T *t, int64_t tid, int64_t res, const char *name, const char *abs,
			 uint32_t flags, uint32_t mode)
{
	evbuild_begin(SAKER_EVT_OPENAT, TS, (uint32_t)tid, (uint32_t)tid);
	evbuild_cpu(3);
	evbuild_s64(res);
	evbuild_s64(-100);
	evbuild_str(name);
	if (abs)
		evbuild_str(abs);
	else
		evbuild_empty();
	evbuild_u32(flags);
	evbuild_u32(mode);
	evbuild_u32(0x803);
	evbuild_u64(1234);
	t_event(t, tid);
}
