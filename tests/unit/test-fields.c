// SPDX-License-Identifier: MIT
/*
 * Unit tests for the field table and extractors (daemon/rules/field*.c):
 * raw records built with evbuild, a real State with processes, fds, users
 * and containers, and exact expected values per field, including the cases
 * without a value (<NA>) and multi-valued ancestors.
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

#include "evbuild.h"
#include "rules/field-ext.h"
#include "rules/field.h"
#include "state/state.h"

/* 1700000000 s since the epoch is 2023-11-14 22:13:20 UTC */
#define BOOT_TO_REAL (1700000000ull * 1000000000ull)
#define TS (1000000000ull + 5) /* one second and 5 ns after boot */

typedef struct T {
	State *s;
	EvalCtx *ctx;
	void *rec;
	SkEvent e;
} T;

static T *t_new(void)
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

static void t_free(T *t)
{
	free(t->rec);
	state_free(t->s);
	free(t->ctx);
	free(t);
}

/* Finish the record being built and make it the current event of tid. */
static void t_event(T *t, int64_t tid)
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
static void t_fd(T *t, int64_t fd)
{
	t->ctx->fd = t->ctx->proc ? fdtable_get(t->ctx->proc->fds, fd) : NULL;
}

typedef struct ProcSpec {
	int64_t tid, pid, ptid, sid, pgid, vpid;
	const char *comm, *exe, *exepath, *cwd;
	const char *args; /* NUL-separated, with the final NUL */
	size_t args_len;
	const char *env;
	size_t env_len;
	uint32_t euid, egid, loginuid, tty, exe_flags;
	uint64_t caps, exe_ino, clone_ts;
} ProcSpec;

static Proc *mkproc(T *t, const ProcSpec *ps)
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

static FdInfo *mkfd(T *t, int64_t tid, int64_t fd, FdType type, const char *name)
{
	FdInfo tmpl = { .fd = fd, .type = type, .name = (char *)name }, *f = NULL;

	assert_int_equal(state_upsert_fd_snapshot(t->s, tid, &tmpl, &f), 0);
	return f;
}

static void set_ip4(uint8_t a[16], uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3)
{
	memset(a, 0, 16);
	a[0] = a0;
	a[1] = a1;
	a[2] = a2;
	a[3] = a3;
}

/* ---- extraction helpers ---- */

static FieldValues vals;
static FieldType bound_type;

static int bind(const char *spec, FieldRef *ref, char **msg)
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

static const FieldValues *X(T *t, const char *spec)
{
	char *msg = NULL;
	FieldRef ref;
	int r;

	r = bind(spec, &ref, &msg);
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
static const char *S(T *t, const char *spec)
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

static int64_t N(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_int_equal(v->v[0].type, FT_NUMBER);
	return v->v[0].num;
}

static uint64_t U(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_true(v->v[0].type == FT_UNUMBER || v->v[0].type == FT_PORT ||
		    v->v[0].type == FT_ABSTIME || v->v[0].type == FT_RELTIME ||
		    v->v[0].type == FT_FLAGS);
	return v->v[0].unum;
}

static bool B(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 1)
		fail_msg("%s: %zu values", spec, v->n);
	assert_int_equal(v->v[0].type, FT_BOOL);
	return v->v[0].b;
}

static void NA(T *t, const char *spec)
{
	const FieldValues *v = X(t, spec);

	if (v->n != 0)
		fail_msg("%s: expected no value, got %zu", spec, v->n);
}

/* The values of a multi-valued string field joined with ','. */
static const char *MS(T *t, const char *spec)
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
static const char *IP(T *t, const char *spec)
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

static char *bind_error(const char *spec)
{
	char *msg = NULL;
	FieldRef ref;
	int r = bind(spec, &ref, &msg);

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
static void tree(T *t)
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
static void kill_event(T *t, int64_t tid, int64_t pid, int64_t target, uint32_t sig)
{
	evbuild_begin(SAKER_EVT_KILL, TS, (uint32_t)tid, (uint32_t)pid);
	evbuild_s64(0);
	evbuild_s64(target);
	evbuild_u32(sig);
	t_event(t, tid);
}

/* ---- table and binding ---- */

static void test_table(void **state)
{
	const FieldClass *classes;
	const FieldDef *defs;
	size_t n, nc, i, j;

	defs = field_table(&n);
	classes = field_classes(&nc);
	assert_true(n > 200);
	for (i = 0; i < n; i++) {
		const FieldDef *d = &defs[i];

		assert_non_null(d->name);
		assert_non_null(d->extract);
		assert_true(d->desc && strlen(d->desc) > 10);
		/* descriptions are sentences */
		assert_true(d->desc[strlen(d->desc) - 1] == '.' || d->desc[strlen(d->desc) - 1] == ')');
		assert_non_null(field_class_of(d));
		assert_true(field_lookup(d->name, strlen(d->name)) == d);
		for (j = i + 1; j < n; j++)
			if (strcmp(defs[j].name, d->name) == 0)
				fail_msg("duplicate field %s", d->name);
	}
	for (i = 0; i < nc; i++)
		assert_true(classes[i].desc && strlen(classes[i].desc) > 10);
	assert_null(field_lookup("proc.nope", 9));
	assert_null(field_lookup("proc", 4));
	assert_non_null(field_lookup("proc.name.extra", 9));
	assert_string_equal(field_type_name(FT_IPNET), "ipnet");
	assert_string_equal(field_type_name(FT_NUMBER), "int64");
}

/* Every field of Falco's stable ruleset that saker declares. */
static void test_stable_ruleset_fields(void **state)
{
	static const char *const names[] = {
		"evt.type", "evt.is_open_write", "evt.is_open_read", "evt.res", "evt.num",
		"evt.dir", "evt.rawres", "evt.args", "evt.hostname", "fd.typechar", "fd.num",
		"fd.name", "fd.directory", "fd.nameraw", "fd.filename", "fd.l4proto",
		"fd.connected", "fd.name_changed", "fd.ip", "fd.net", "fd.snet", "fd.sport",
		"fd.lport", "fd.rport", "fd.type", "fd.sip", "fd.sip.name", "proc.name",
		"proc.pname", "proc.aname", "proc.duration", "proc.cmdline", "proc.pcmdline",
		"proc.args", "proc.pexe", "proc.exe", "proc.exepath", "proc.pexepath", "proc.tty",
		"proc.cwd", "proc.sname", "proc.exe_ino.ctime", "proc.exe_ino.mtime",
		"proc.exe_ino.ctime_duration_proc_start", "proc.is_exe_upper_layer",
		"proc.is_exe_from_memfd", "proc.aexepath", "user.name", "user.uid",
		"user.loginuid", "user.loginname", "group.gid", "group.name", "container.id",
		"container.info", "container.image.repository", "container.privileged",
		"container.start_ts", "k8s.ns.name", "thread.cap_effective",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!field_lookup(names[i], strlen(names[i])))
			fail_msg("missing field %s", names[i]);
}

static void test_binding(void **state)
{
	size_t nl;
	char *m;

	assert_non_null(field_lookup_prefix("evt.arg.flags", 13, &nl));
	assert_int_equal(nl, 7);
	assert_string_equal(field_lookup_prefix("evt.rawarg.res", 14, &nl)->name, "evt.rawarg");
	assert_string_equal(field_lookup_prefix("k8s.pod.label.app.kubernetes.io/name", 36, &nl)->name,
			    "k8s.pod.label");
	assert_int_equal(nl, 13);
	assert_null(field_lookup_prefix("proc.name.x", 11, &nl)); /* takes no argument */
	assert_null(field_lookup_prefix("evt.arg", 7, &nl));
	assert_null(field_lookup_prefix("evt.arg.", 8, &nl));

	m = bind_error("evt.arg.nonexistent");
	assert_string_equal(m, "unknown event argument nonexistent");
	free(m);
	m = bind_error("evt.rawarg.bogus");
	assert_string_equal(m, "unknown event argument bogus");
	free(m);
	m = bind_error("evt.arg");
	assert_string_equal(m, "evt.arg needs an argument, like evt.arg.fd or evt.arg[0]");
	free(m);
	m = bind_error("evt.arg[40]");
	assert_non_null(strstr(m, "at most 40"));
	free(m);
	m = bind_error("proc.name[1]");
	assert_string_equal(m, "proc.name does not take an argument");
	free(m);
	m = bind_error("proc.aname[x]");
	assert_string_equal(m, "proc.aname needs a non-negative number as index, like "
			       "proc.aname[1], not \"x\"");
	free(m);
	m = bind_error("proc.aname[-1]");
	assert_non_null(m);
	free(m);
	m = bind_error("container.label");
	assert_string_equal(m, "container.label needs an argument, like container.label[NAME]");
	free(m);
	m = bind_error("evt.rawarg");
	assert_non_null(m);
	free(m);
	/* aliases of Falco's names bind */
	assert_null(bind_error("evt.arg.trusted_exepath"));
	assert_null(bind_error("proc.aname"));
	assert_null(bind_error("proc.aname[12]"));
	assert_null(bind_error("proc.env[PATH]"));
	assert_null(bind_error("fd.types[2]"));
}

static void test_rawarg_binding(void **state)
{
	char *msg = NULL;
	FieldRef ref;

	assert_int_equal(bind("evt.rawarg.name", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_STRING);
	assert_string_equal(ref.def->name, "evt.rawarg");
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_NONE);
	field_ref_done(&ref);
	assert_int_equal(bind("evt.rawarg.res", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_NUMBER);
	field_ref_done(&ref);
	assert_int_equal(bind("evt.rawarg.request", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_FLAGS);
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_PTRACE_REQ);
	field_ref_done(&ref);
	/* "flags" means different sets on different calls */
	assert_int_equal(bind("evt.rawarg.flags", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_FLAGS);
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_NONE);
	field_ref_done(&ref);
	assert_int_equal(bind("evt.rawarg.uid", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_UNUMBER);
	field_ref_done(&ref);
	assert_int_equal(bind("evt.rawarg.data", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_BYTES);
	field_ref_done(&ref);
	/* a plain field has no flag set */
	assert_int_equal(bind("proc.name", &ref, &msg), 0);
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_NONE);
	field_ref_done(&ref);
}

static void test_arena(void **state)
{
	EvalCtx *ctx = calloc(1, sizeof(*ctx));
	char *a, *b, big[100];

	assert_non_null(ctx);
	a = eval_strndup(ctx, "hello world", 5);
	assert_string_equal(a, "hello");
	b = eval_printf(ctx, "%d-%s", 42, "x");
	assert_string_equal(b, "42-x");
	assert_true(((uintptr_t)eval_alloc(ctx, 3) & 7) == 0);
	assert_null(eval_alloc(ctx, EVAL_ARENA_SIZE));
	ctx->arena_used = EVAL_ARENA_SIZE - 10;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_null(eval_printf(ctx, "%s", big));
	assert_null(eval_strndup(ctx, big, 50));
	eval_reset(ctx);
	assert_int_equal(ctx->arena_used, 0);
	free(ctx);
}

/* ---- evt.* ---- */

static void openat_event(T *t, int64_t tid, int64_t res, const char *name, const char *abs,
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

static void test_evt_openat(void **state)
{
	T *t = t_new();
	const FieldValues *v;

	tree(t);
	mkfd(t, 400, 3, FD_FILE, "/etc/passwd");
	openat_event(t, 400, 3, "/etc/passwd", "/etc/passwd", 02000000, 0);
	t_fd(t, 3);

	assert_string_equal(S(t, "evt.type"), "openat");
	assert_string_equal(S(t, "syscall.type"), "openat");
	assert_string_equal(S(t, "evt.dir"), "<");
	assert_string_equal(S(t, "evt.category"), "file");
	assert_string_equal(S(t, "evt.source"), "syscall");
	assert_string_equal(S(t, "evt.hostname"), "node1");
	assert_int_equal(N(t, "evt.cpu"), 3);
	NA(t, "evt.num");
	assert_string_equal(S(t, "evt.res"), "SUCCESS");
	assert_int_equal(N(t, "evt.rawres"), 3);
	assert_false(B(t, "evt.failed"));
	assert_true(B(t, "evt.is_open_read"));
	assert_false(B(t, "evt.is_open_write"));
	assert_false(B(t, "evt.is_open_exec"));
	assert_false(B(t, "evt.is_open_create"));
	assert_false(B(t, "evt.is_io"));
	NA(t, "evt.io_dir");
	assert_int_equal(U(t, "evt.count"), 1);
	assert_int_equal(U(t, "evt.count.error"), 0);
	assert_int_equal(U(t, "evt.count.error.file"), 0);
	NA(t, "evt.count.error.net");

	assert_string_equal(S(t, "evt.arg.flags"), "O_RDONLY|O_CLOEXEC");
	assert_string_equal(S(t, "evt.arg[4]"), "O_RDONLY|O_CLOEXEC");
	assert_string_equal(S(t, "evt.arg.fd"), "<f>/etc/passwd");
	assert_string_equal(S(t, "evt.arg[0]"), "<f>/etc/passwd");
	assert_string_equal(S(t, "evt.arg.dirfd"), "AT_FDCWD");
	assert_string_equal(S(t, "evt.arg.name"), "/etc/passwd");
	assert_string_equal(S(t, "evt.arg.mode"), "0");
	assert_string_equal(S(t, "evt.arg.dev"), "803");
	assert_string_equal(S(t, "evt.arg.ino"), "1234");
	NA(t, "evt.arg.tuple"); /* connect's argument: not on this event */
	NA(t, "evt.arg[8]");
	assert_string_equal(S(t, "evt.args"),
			    "fd=3(<f>/etc/passwd) dirfd=-100(AT_FDCWD) name=/etc/passwd "
			    "name_abs=/etc/passwd flags=524288(O_RDONLY|O_CLOEXEC) mode=0 dev=803 "
			    "ino=1234");
	assert_string_equal(S(t, "evt.info"), S(t, "evt.args"));

	v = X(t, "evt.rawarg.flags");
	assert_int_equal(v->n, 1);
	assert_int_equal(v->v[0].type, FT_FLAGS);
	assert_int_equal(v->v[0].unum, 02000000);
	assert_string_equal(v->v[0].str, "O_RDONLY|O_CLOEXEC");
	assert_int_equal(N(t, "evt.rawarg.fd"), 3);
	assert_int_equal(N(t, "evt.rawarg.dirfd"), -100);
	assert_string_equal(S(t, "evt.rawarg.name"), "/etc/passwd");
	assert_int_equal(U(t, "evt.rawarg.ino"), 1234);
	NA(t, "evt.rawarg.tuple");

	assert_int_equal(U(t, "evt.rawtime"), BOOT_TO_REAL + TS);
	assert_int_equal(U(t, "evt.rawtime.s"), 1700000001);
	assert_int_equal(U(t, "evt.rawtime.ns"), 5);
	assert_string_equal(S(t, "evt.time.iso8601"), "2023-11-14T22:13:21.000000005Z");
	assert_string_equal(S(t, "evt.time"), "22:13:21.000000005"); /* TZ=UTC */
	assert_string_equal(S(t, "evt.time.s"), "22:13:21");
	assert_string_equal(S(t, "evt.datetime"), "2023-11-14 22:13:21.000000005");
	assert_string_equal(S(t, "evt.datetime.s"), "2023-11-14 22:13:21");
	assert_int_equal(U(t, "evt.latency"), 0);
	assert_false(B(t, "evt.is_async"));
	NA(t, "evt.pluginname");
	assert_string_equal(S(t, "evt.abspath"), "/etc/passwd");
	NA(t, "evt.abspath.dst");
	t_free(t);
}

static void test_evt_open_failed(void **state)
{
	T *t = t_new();

	tree(t);
	/* the kernel resolves against the cwd but leaves ".." to userspace */
	openat_event(t, 400, -2, "../etc/./shadow", "/srv/app/../etc/./shadow", 0, 0);
	assert_string_equal(S(t, "evt.res"), "ENOENT");
	assert_int_equal(N(t, "evt.rawres"), -2);
	assert_true(B(t, "evt.failed"));
	assert_int_equal(U(t, "evt.count.error"), 1);
	assert_int_equal(U(t, "evt.count.error.file"), 1);
	assert_string_equal(S(t, "evt.arg.fd"), "ENOENT");
	assert_string_equal(S(t, "evt.arg.name"), "/srv/etc/shadow");
	assert_string_equal(S(t, "evt.rawarg.name"), "../etc/./shadow");
	/* no fd table entry: Falco's names from the failed call */
	assert_int_equal(N(t, "fd.num"), -1);
	assert_string_equal(S(t, "fd.typechar"), "f");
	assert_string_equal(S(t, "fd.name"), "/srv/etc/shadow");
	assert_string_equal(S(t, "fd.nameraw"), "../etc/./shadow");
	assert_string_equal(S(t, "fd.directory"), "/srv/etc");
	NA(t, "fd.filename");
	NA(t, "fd.type");
	NA(t, "fd.ino");
	NA(t, "fs.path.name"); /* only for calls that succeeded */

	/* without the kernel's resolution the cwd anchors the path */
	openat_event(t, 400, -13, "logs//app.log", NULL, 01 | 01000, 0);
	assert_string_equal(S(t, "evt.res"), "EACCES");
	assert_string_equal(S(t, "fd.name"), "/srv/app/logs/app.log");
	assert_string_equal(S(t, "fd.nameraw"), "logs/app.log");
	assert_true(B(t, "evt.is_open_write"));
	assert_false(B(t, "evt.is_open_read"));

	/* an unknown errno is printed as a number */
	openat_event(t, 400, -600, "/x", "/x", 0, 0);
	assert_string_equal(S(t, "evt.res"), "-600");
	t_free(t);
}

static void test_evt_open_create(void **state)
{
	T *t = t_new();

	tree(t);
	mkfd(t, 400, 4, FD_FILE, "/tmp/run.sh");
	evbuild_begin(SAKER_EVT_OPEN, TS, 400, 400);
	evbuild_s64(4);
	evbuild_str("/tmp/run.sh");
	evbuild_str("/tmp/run.sh");
	evbuild_u32(01 | 0100 | 01000);
	evbuild_u32(0755);
	t_event(t, 400);
	t_fd(t, 4);
	assert_string_equal(S(t, "evt.arg.flags"), "O_TRUNC|O_CREAT|O_WRONLY");
	assert_string_equal(S(t, "evt.arg.mode"), "0755");
	assert_true(B(t, "evt.is_open_write"));
	assert_false(B(t, "evt.is_open_read"));
	assert_true(B(t, "evt.is_open_exec"));
	assert_true(B(t, "evt.is_open_create"));
	assert_string_equal(S(t, "fd.directory"), "/tmp");
	assert_string_equal(S(t, "fd.filename"), "run.sh");
	assert_string_equal(S(t, "fs.path.name"), "/tmp/run.sh");
	NA(t, "evt.abspath"); /* open is not an *at call */

	evbuild_begin(SAKER_EVT_CREAT, TS, 400, 400);
	evbuild_s64(5);
	evbuild_str("x.sh");
	evbuild_str("/srv/app/x.sh");
	evbuild_u32(0644);
	t_event(t, 400);
	assert_false(B(t, "evt.is_open_exec"));
	assert_false(B(t, "evt.is_open_write")); /* Falco: only open, openat, openat2 */
	assert_string_equal(S(t, "fd.name"), "/srv/app/x.sh"); /* no table entry */
	t_free(t);
}

static void execve_event(T *t, int64_t tid, int64_t res, uint32_t exe_flags)
{
	static const char *const args[] = { "-c", "print(1)" };
	unsigned i;

	evbuild_begin(SAKER_EVT_EXECVE, TS, (uint32_t)tid, (uint32_t)tid);
	evbuild_s64(res);
	evbuild_str("/usr/bin/python3");
	evbuild_str("python3");
	evbuild_strarr(args, 2);
	evbuild_empty(); /* env */
	evbuild_str("/srv/app");
	evbuild_str("/usr/bin/python3.11");
	evbuild_u32(exe_flags);
	evbuild_u64(777);
	evbuild_u32(0x803);
	/* SAKER_TASK_CTX: uid gid euid egid suid sgid loginuid */
	for (i = 0; i < 7; i++)
		evbuild_u32(i == 6 ? 1000 : 0);
	t_event(t, tid);
}

static void test_evt_execve(void **state)
{
	T *t = t_new();

	tree(t);
	execve_event(t, 400, 0, 0x1 | 0x2);
	/* Falco's exit event calls the exe flags "flags" */
	assert_string_equal(S(t, "evt.arg.flags"), "EXE_WRITABLE|EXE_UPPER_LAYER");
	assert_string_equal(S(t, "evt.arg.exe_flags"), "EXE_WRITABLE|EXE_UPPER_LAYER");
	assert_string_equal(S(t, "evt.arg.trusted_exepath"), "/usr/bin/python3.11");
	assert_string_equal(S(t, "evt.arg.args"), "-c.print(1).");
	assert_string_equal(S(t, "evt.arg.loginuid"), "alice");
	assert_string_equal(S(t, "evt.arg.uid"), "root");
	assert_string_equal(S(t, "evt.arg.filename"), "/usr/bin/python3");
	NA(t, "evt.arg.env"); /* empty */
	assert_int_equal(U(t, "evt.rawarg.flags"), 3);
	assert_string_equal(S(t, "evt.res"), "SUCCESS");
	assert_string_equal(S(t, "evt.category"), "process");
	/* execve has no fd */
	NA(t, "fd.name");
	NA(t, "fd.num");
	NA(t, "fd.typechar");

	execve_event(t, 400, 0, 0);
	assert_string_equal(S(t, "evt.arg.flags"), "0");

	/* an entry record is the one ">" event */
	evbuild_begin(SAKER_EVT_EXECVE_E, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/bin/sh");
	evbuild_str("/bin/sh");
	t_event(t, 400);
	assert_string_equal(S(t, "evt.dir"), ">");
	NA(t, "evt.res");
	NA(t, "syscall.type");
	NA(t, "evt.count.exit");
	t_free(t);
}

static void test_evt_args_of_types(void **state)
{
	T *t = t_new();

	tree(t);
	/* ptrace: enum request, pid resolved to the target's name */
	evbuild_begin(SAKER_EVT_PTRACE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_u32(16);
	evbuild_s64(200);
	evbuild_u64(0);
	evbuild_u64(0);
	t_event(t, 400);
	assert_string_equal(S(t, "evt.arg.request"), "PTRACE_ATTACH");
	assert_string_equal(S(t, "evt.arg.pid"), "bash");
	assert_int_equal(U(t, "evt.rawarg.request"), 16);
	assert_string_equal(X(t, "evt.rawarg.request")->v[0].str, "PTRACE_ATTACH");
	assert_string_equal(S(t, "evt.args"),
			    "res=0 request=16(PTRACE_ATTACH) pid=200(bash) addr=0 data=0");

	/* kill: signal names, unknown pid stays a number */
	kill_event(t, 400, 400, 4242, 9);
	assert_string_equal(S(t, "evt.arg.sig"), "SIGKILL");
	assert_string_equal(S(t, "evt.arg.pid"), "4242");
	assert_string_equal(S(t, "evt.category"), "process");
	assert_string_equal(X(t, "evt.rawarg.sig")->v[0].str, "SIGKILL");

	/* setuid: Falco's "uid" argument is the requested one */
	evbuild_begin(SAKER_EVT_SETUID, TS, 400, 400);
	evbuild_s64(-1);
	evbuild_u32(1000);
	evbuild_u32(0);
	t_event(t, 400);
	assert_string_equal(S(t, "evt.arg.uid"), "alice");
	assert_int_equal(U(t, "evt.rawarg.uid"), 1000);
	assert_string_equal(S(t, "evt.arg.uid_arg"), "alice");
	assert_string_equal(S(t, "evt.res"), "EPERM");
	assert_string_equal(S(t, "evt.arg.res"), "EPERM");
	assert_string_equal(S(t, "evt.category"), "creds");

	evbuild_begin(SAKER_EVT_SETGID, TS, 400, 400);
	evbuild_s64(0);
	evbuild_u32(4321);
	t_event(t, 400);
	assert_string_equal(S(t, "evt.arg.gid"), "<NA>"); /* unknown group: Falco's text */
	evbuild_begin(SAKER_EVT_SETGID, TS, 400, 400);
	evbuild_s64(0);
	evbuild_u32(UINT32_MAX);
	t_event(t, 400);
	assert_string_equal(S(t, "evt.arg.gid"), "<NONE>");

	/* chmod: mode bits by name; a relative path made absolute */
	evbuild_begin(SAKER_EVT_FCHMODAT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(-100);
	evbuild_str("bin/tool");
	evbuild_str("/srv/app/bin/tool");
	evbuild_u32(04755);
	evbuild_u32(0);
	t_event(t, 400);
	assert_string_equal(S(t, "evt.arg.mode"),
			    "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
	assert_int_equal(U(t, "evt.rawarg.mode"), 04755);
	assert_string_equal(S(t, "evt.arg.filename"), "/srv/app/bin/tool");
	assert_string_equal(S(t, "evt.arg.flags"), "0");
	assert_string_equal(S(t, "fs.path.name"), "/srv/app/bin/tool");
	assert_string_equal(S(t, "fs.path.nameraw"), "bin/tool");
	assert_string_equal(S(t, "evt.abspath"), "/srv/app/bin/tool");

	/* socket: family and type names; a faulted argument has no value */
	evbuild_begin(SAKER_EVT_SOCKET, TS, 400, 400);
	evbuild_s64(7);
	evbuild_u32(17);
	evbuild_u32(3 | 02000000);
	evbuild_fault();
	t_event(t, 400);
	assert_string_equal(S(t, "evt.arg.domain"), "AF_PACKET");
	assert_string_equal(S(t, "evt.arg[1]"), "AF_PACKET");
	assert_string_equal(S(t, "evt.arg.type"), "SOCK_RAW|SOCK_CLOEXEC");
	NA(t, "evt.arg.proto");
	NA(t, "evt.rawarg.proto");
	assert_string_equal(S(t, "evt.args"),
			    "fd=7 domain=17(AF_PACKET) type=524291(SOCK_RAW|SOCK_CLOEXEC) "
			    "proto=NULL");
	assert_string_equal(S(t, "evt.category"), "net");
	t_free(t);
}

static void test_evt_io(void **state)
{
	T *t = t_new();
	const FieldValues *v;

	tree(t);
	mkfd(t, 400, 1, FD_FILE, "/dev/log");
	evbuild_begin(SAKER_EVT_WRITE, TS, 400, 400);
	evbuild_s64(5);
	evbuild_s64(1);
	evbuild_u64(5);
	evbuild_bytes("hi\n\0x", 5);
	t_event(t, 400);
	t_fd(t, 1);
	assert_true(B(t, "evt.is_io"));
	assert_true(B(t, "evt.is_io_write"));
	assert_false(B(t, "evt.is_io_read"));
	assert_string_equal(S(t, "evt.io_dir"), "write");
	assert_true(B(t, "evt.is_syslog"));
	assert_int_equal(U(t, "evt.buflen"), 5);
	v = X(t, "evt.buffer");
	assert_int_equal(v->n, 1);
	assert_int_equal(v->v[0].type, FT_BYTES);
	assert_int_equal(v->v[0].len, 5);
	assert_memory_equal(v->v[0].str, "hi\n\0x", 5);
	assert_string_equal(S(t, "evt.arg.data"), "hi..x");
	assert_string_equal(S(t, "evt.arg.fd"), "<f>/dev/log");
	assert_int_equal(N(t, "fd.num"), 1);
	assert_string_equal(S(t, "fd.name"), "/dev/log");
	v = X(t, "evt.rawarg.data");
	assert_int_equal(v->v[0].type, FT_BYTES);
	t_free(t);
}

static void test_evt_abspath(void **state)
{
	T *t = t_new();

	tree(t);
	mkfd(t, 400, 9, FD_DIRECTORY, "/tmp/work");
	evbuild_begin(SAKER_EVT_RENAMEAT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(9);
	evbuild_str("a");
	evbuild_empty();
	evbuild_s64(-100);
	evbuild_str("../b");
	evbuild_empty();
	t_event(t, 400);
	assert_string_equal(S(t, "evt.abspath"), "/tmp/work/a");
	assert_string_equal(S(t, "evt.abspath.src"), "/tmp/work/a");
	assert_string_equal(S(t, "evt.abspath.dst"), "/srv/b");
	assert_string_equal(S(t, "evt.arg.olddirfd"), "<d>/tmp/work");
	assert_string_equal(S(t, "fs.path.source"), "/tmp/work/a");
	assert_string_equal(S(t, "fs.path.sourceraw"), "a");
	assert_string_equal(S(t, "fs.path.target"), "/srv/b");
	assert_string_equal(S(t, "fs.path.targetraw"), "../b");
	NA(t, "fs.path.name");
	NA(t, "fd.name"); /* renameat has no fd of its own */
	t_free(t);
}

/* ---- proc.*, thread.*, user.*, group.* ---- */

static void test_proc_basic(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "proc.name"), "python3");
	assert_string_equal(S(t, "proc.exe"), "/usr/bin/python3");
	assert_string_equal(S(t, "proc.exepath"), "/usr/bin/python3.11");
	assert_string_equal(S(t, "proc.args"), "-c print(1)");
	assert_string_equal(S(t, "proc.cmdline"), "python3 -c print(1)");
	assert_string_equal(S(t, "proc.exeline"), "/usr/bin/python3 -c print(1)");
	assert_int_equal(U(t, "proc.cmdnargs"), 2);
	assert_int_equal(U(t, "proc.cmdlenargs"), 10);
	assert_string_equal(S(t, "proc.env"), "A=1 B=2 HOME=/root");
	assert_string_equal(S(t, "proc.env[B]"), "2");
	assert_string_equal(S(t, "proc.env[HOME]"), "/root");
	assert_string_equal(S(t, "proc.env[C]"), "");
	assert_string_equal(S(t, "proc.env[A=1]"), "");
	assert_string_equal(S(t, "proc.cwd"), "/srv/app");
	assert_int_equal(N(t, "proc.pid"), 400);
	assert_int_equal(N(t, "proc.ppid"), 300);
	assert_int_equal(N(t, "proc.vpid"), 400);
	assert_int_equal(N(t, "proc.pvpid"), 300);
	assert_int_equal(N(t, "thread.tid"), 400);
	assert_int_equal(N(t, "thread.vtid"), 400);
	assert_true(B(t, "thread.ismain"));
	assert_int_equal(U(t, "proc.tty"), 34816);
	assert_int_equal(N(t, "proc.sid"), 200);
	assert_int_equal(N(t, "proc.vpgid"), 300);
	assert_false(B(t, "proc.is_sid_leader"));
	assert_false(B(t, "proc.is_vpgid_leader"));
	assert_true(B(t, "proc.is_exe_writable"));
	assert_true(B(t, "proc.is_exe_upper_layer"));
	assert_false(B(t, "proc.is_exe_from_memfd"));
	assert_false(B(t, "proc.is_exe_lower_layer"));
	assert_int_equal(N(t, "proc.exe_ino"), 777);
	NA(t, "proc.exe_ino.ctime");
	NA(t, "proc.pidns_init_start_ts");
	assert_false(B(t, "proc.is_container_healthcheck"));
	assert_int_equal(U(t, "proc.duration"), TS - 400000000ull);
	assert_int_equal(U(t, "proc.pid.ts"), BOOT_TO_REAL + 400000000ull);
	NA(t, "proc.ppid.duration"); /* the parent's start is unknown */
	assert_string_equal(S(t, "thread.cap_effective"), "CAP_DAC_OVERRIDE CAP_SYS_ADMIN");
	assert_string_equal(S(t, "thread.cap_permitted"), "");
	NA(t, "thread.cgroups");
	assert_int_equal(U(t, "proc.fdopencount"), 0);
	t_free(t);
}

static void test_proc_parents(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "proc.pname"), "sudo");
	assert_string_equal(S(t, "proc.pexe"), "sudo");
	assert_string_equal(S(t, "proc.pexepath"), "/usr/bin/sudo");
	assert_string_equal(S(t, "proc.pcmdline"), "sudo");
	assert_string_equal(S(t, "proc.aname[0]"), "python3");
	assert_string_equal(S(t, "proc.aname[1]"), "sudo");
	assert_string_equal(S(t, "proc.aname[2]"), "bash");
	assert_string_equal(S(t, "proc.aname[3]"), "sshd");
	assert_string_equal(S(t, "proc.aname[4]"), "systemd");
	NA(t, "proc.aname[5]");
	NA(t, "proc.aname[64]");
	NA(t, "proc.aname[1000]");
	assert_string_equal(S(t, "proc.acmdline[2]"), "bash -l");
	assert_string_equal(S(t, "proc.aexe[2]"), "-bash");
	assert_string_equal(S(t, "proc.aexepath[3]"), "/usr/sbin/sshd");
	assert_int_equal(N(t, "proc.apid[3]"), 100);
	/* without an index: every ancestor, not the process itself */
	assert_string_equal(MS(t, "proc.aname"), "sudo,bash,sshd,systemd");
	assert_string_equal(MS(t, "proc.aexepath"),
			    "/usr/bin/sudo,/usr/bin/bash,/usr/sbin/sshd,/usr/lib/systemd/systemd");
	assert_int_equal(X(t, "proc.apid")->n, 4);
	assert_int_equal(X(t, "proc.apid")->v[1].num, 200);
	/* environment lookups in the lineage */
	assert_string_equal(S(t, "proc.aenv[SHELL]"), "/bin/bash");
	assert_string_equal(S(t, "proc.aenv[NOPE]"), "");
	assert_string_equal(S(t, "proc.aenv[2]"), "HOME=/home/alice SHELL=/bin/bash");
	assert_string_equal(S(t, "proc.aenv[0]"), "A=1 B=2 HOME=/root");
	/* session and process group leaders */
	assert_string_equal(S(t, "proc.sname"), "bash");
	assert_string_equal(S(t, "proc.sid.exe"), "-bash");
	assert_string_equal(S(t, "proc.sid.exepath"), "/usr/bin/bash");
	assert_string_equal(S(t, "proc.vpgid.name"), "sudo");
	assert_string_equal(S(t, "proc.vpgid.exepath"), "/usr/bin/sudo");
	assert_int_equal(N(t, "proc.loginshellid"), 200);

	/* a second thread: its own name and tid, the process's relatives */
	kill_event(t, 401, 400, 1, 0);
	assert_string_equal(S(t, "proc.name"), "worker");
	assert_int_equal(N(t, "proc.pid"), 400);
	assert_int_equal(N(t, "thread.tid"), 401);
	assert_false(B(t, "thread.ismain"));
	assert_string_equal(S(t, "proc.aname[0]"), "python3");
	assert_string_equal(S(t, "proc.pname"), "sudo");
	assert_int_equal(N(t, "proc.ppid"), 300);
	assert_string_equal(MS(t, "proc.aname"), "sudo,bash,sshd,systemd");
	assert_int_equal(U(t, "proc.duration"), TS - 600000000ull);

	/* the session leader itself */
	kill_event(t, 200, 200, 1, 0);
	assert_true(B(t, "proc.is_sid_leader"));
	assert_true(B(t, "proc.is_vpgid_leader"));
	assert_string_equal(S(t, "proc.sname"), "bash");
	assert_int_equal(N(t, "proc.loginshellid"), 200);
	assert_string_equal(S(t, "proc.aenv[0]"), "HOME=/home/alice SHELL=/bin/bash");

	/* the top of the tree: no parent, no ancestors */
	kill_event(t, 1, 1, 1, 0);
	NA(t, "proc.pname");
	NA(t, "proc.pcmdline");
	NA(t, "proc.aname");
	NA(t, "proc.aname[1]");
	assert_string_equal(S(t, "proc.aname[0]"), "systemd");
	NA(t, "proc.loginshellid");
	t_free(t);
}

static void test_proc_loop_and_missing(void **state)
{
	T *t = t_new();

	/* a corrupted chain: 10 and 11 are each other's parent */
	mkproc(t, &(ProcSpec){ .tid = 10, .ptid = 11, .comm = "a" });
	mkproc(t, &(ProcSpec){ .tid = 11, .ptid = 10, .comm = "b" });
	kill_event(t, 10, 10, 1, 0);
	assert_string_equal(MS(t, "proc.aname"), "b");
	assert_string_equal(S(t, "proc.aname[1]"), "b");
	NA(t, "proc.aname[2]");
	assert_string_equal(S(t, "proc.sname"), "a");

	/* an event of a thread the table does not know */
	kill_event(t, 77, 77, 1, 0);
	NA(t, "proc.name");
	NA(t, "proc.pid");
	NA(t, "proc.cmdline");
	NA(t, "proc.aname");
	NA(t, "user.name");
	NA(t, "container.id");
	NA(t, "thread.vtid");
	assert_int_equal(N(t, "thread.tid"), 77); /* from the event itself */
	assert_string_equal(S(t, "evt.type"), "kill");
	t_free(t);
}

static void test_proc_empty_strings(void **state)
{
	T *t = t_new();

	mkproc(t, &(ProcSpec){ .tid = 5, .comm = "k" });
	kill_event(t, 5, 5, 1, 0);
	assert_string_equal(S(t, "proc.args"), "");
	assert_string_equal(S(t, "proc.cmdline"), "k");
	assert_string_equal(S(t, "proc.exeline"), "k ");
	assert_int_equal(U(t, "proc.cmdnargs"), 0);
	assert_string_equal(S(t, "proc.env"), "");
	assert_string_equal(S(t, "proc.exepath"), "");
	NA(t, "proc.exe_ino");
	NA(t, "proc.duration");
	/* one empty argument is still an argument */
	{
		static const char one_empty[] = "";
		ProcSpec ps = { .tid = 6, .comm = "sh", .args = one_empty, .args_len = 1 };

		mkproc(t, &ps);
		kill_event(t, 6, 6, 1, 0);
		assert_string_equal(S(t, "proc.cmdline"), "sh ");
		assert_int_equal(U(t, "proc.cmdnargs"), 1);
	}
	t_free(t);
}

static void test_user_group(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 200, 200, 1, 0);
	assert_int_equal(U(t, "user.uid"), 1000);
	assert_string_equal(S(t, "user.name"), "alice");
	assert_string_equal(S(t, "user.homedir"), "/home/alice");
	assert_string_equal(S(t, "user.shell"), "/bin/bash");
	assert_int_equal(N(t, "user.loginuid"), 1000);
	assert_string_equal(S(t, "user.loginname"), "alice");
	assert_int_equal(U(t, "group.gid"), 1000);
	assert_string_equal(S(t, "group.name"), "alice");

	kill_event(t, 100, 100, 1, 0);
	assert_int_equal(N(t, "user.loginuid"), -1); /* unset: 4294967295 */
	assert_string_equal(S(t, "user.loginname"), "<NA>");
	assert_string_equal(S(t, "user.name"), "root");
	assert_string_equal(S(t, "group.name"), "root"); /* gid 0 without an entry */

	mkproc(t, &(ProcSpec){ .tid = 9, .comm = "x", .euid = 4242, .egid = 4242 });
	kill_event(t, 9, 9, 1, 0);
	assert_string_equal(S(t, "user.name"), "<NA>");
	assert_string_equal(S(t, "user.homedir"), "<NA>");
	assert_string_equal(S(t, "user.shell"), "<NA>");
	assert_string_equal(S(t, "group.name"), "<NA>");
	t_free(t);
}

static void test_proc_stdio(void **state)
{
	T *t = t_new();
	FdInfo *f;

	tree(t);
	mkfd(t, 400, 0, FD_PIPE, "pipe:[1234]");
	f = mkfd(t, 400, 1, FD_IPV4_SOCK, "10.0.0.5:40000->1.2.3.4:4444");
	(void)f;
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "proc.stdin.type"), "pipe");
	assert_string_equal(S(t, "proc.stdout.type"), "ipv4");
	NA(t, "proc.stderr.type");
	assert_string_equal(S(t, "proc.stdin.name"), "pipe:[1234]");
	assert_string_equal(S(t, "proc.stdout.name"), "10.0.0.5:40000->1.2.3.4:4444");
	assert_int_equal(U(t, "proc.fdopencount"), 2);
	assert_string_equal(S(t, "fd.types[1]"), "ipv4");
	NA(t, "fd.types[2]");
	assert_int_equal(X(t, "fd.types")->n, 2);
	t_free(t);
}

/* ---- fd.* ---- */

static FdInfo *mksock(T *t, int64_t tid, int64_t fd, const char *name, bool server,
		      bool connected)
{
	FdInfo tmpl = { .fd = fd, .type = FD_IPV4_SOCK, .name = (char *)name, .l4proto = 6,
			.family = 2, .is_server = server, .connected = connected },
	       *f = NULL;

	if (server) { /* accepted: the client is remote */
		set_ip4(tmpl.saddr, 5, 6, 7, 8);
		tmpl.sport = 5555;
		set_ip4(tmpl.daddr, 10, 0, 0, 5);
		tmpl.dport = 22;
	} else {
		set_ip4(tmpl.saddr, 10, 0, 0, 5);
		tmpl.sport = 40000;
		set_ip4(tmpl.daddr, 1, 2, 3, 4);
		tmpl.dport = 443;
	}
	assert_int_equal(state_upsert_fd_snapshot(t->s, tid, &tmpl, &f), 0);
	return f;
}

static void connect_event(T *t, int64_t tid, int64_t res, int64_t fd)
{
	evbuild_begin(SAKER_EVT_CONNECT, TS, (uint32_t)tid, (uint32_t)tid);
	evbuild_s64(res);
	evbuild_s64(fd);
	evbuild_sockaddr_in("1.2.3.4", 443);
	if (res == 0 || res == -115)
		evbuild_tuple_in(6, "10.0.0.5", 40000, "1.2.3.4", 443);
	else
		evbuild_empty();
	t_event(t, tid);
	t_fd(t, fd);
}

static const char *test_dns(void *ud, const IpAddr *ip, uint64_t ts)
{
	(void)ts;
	if (ip->family == 4 && ip->addr[0] == 1 && ip->addr[3] == 4)
		return ud;
	return NULL;
}

static void test_fd_connect(void **state)
{
	T *t = t_new();
	const FieldValues *v;

	tree(t);
	mksock(t, 400, 5, "10.0.0.5:40000->1.2.3.4:443", false, true);
	connect_event(t, 400, 0, 5);
	assert_int_equal(N(t, "fd.num"), 5);
	assert_string_equal(S(t, "fd.name"), "10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "fd.type"), "ipv4");
	assert_string_equal(S(t, "fd.typechar"), "4");
	assert_string_equal(IP(t, "fd.cip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.sip"), "4:1.2.3.4/32");
	assert_string_equal(IP(t, "fd.lip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.rip"), "4:1.2.3.4/32");
	assert_string_equal(IP(t, "fd.snet"), "4:1.2.3.4/32");
	assert_int_equal(X(t, "fd.snet")->v[0].type, FT_IPNET);
	assert_int_equal(U(t, "fd.cport"), 40000);
	assert_int_equal(U(t, "fd.sport"), 443);
	assert_int_equal(U(t, "fd.lport"), 40000);
	assert_int_equal(U(t, "fd.rport"), 443);
	assert_string_equal(S(t, "fd.sproto"), "443");
	assert_string_equal(S(t, "fd.lproto"), "40000");
	v = X(t, "fd.ip");
	assert_int_equal(v->n, 2);
	assert_int_equal(v->v[0].ip.addr[0], 10);
	assert_int_equal(v->v[1].ip.addr[0], 1);
	v = X(t, "fd.port");
	assert_int_equal(v->n, 2);
	assert_int_equal(v->v[0].unum, 40000);
	assert_int_equal(v->v[1].unum, 443);
	assert_int_equal(X(t, "fd.net")->n, 2);
	assert_string_equal(S(t, "fd.l4proto"), "tcp");
	assert_string_equal(S(t, "fd.sockfamily"), "ip");
	assert_false(B(t, "fd.is_server"));
	assert_true(B(t, "fd.connected"));
	assert_false(B(t, "fd.name_changed"));
	NA(t, "fd.directory");
	NA(t, "fd.filename");
	assert_string_equal(S(t, "fd.uid"), "4005");
	assert_string_equal(S(t, "fd.containername"), "host:10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "evt.arg.tuple"), "10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "evt.arg.addr"), "1.2.3.4:443");
	assert_string_equal(S(t, "evt.arg.fd"), "<4t>10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "evt.res"), "SUCCESS");

	/* domain names only through the DNS hook */
	NA(t, "fd.sip.name");
	field_set_dns_lookup(test_dns, (void *)"api.example.com");
	assert_string_equal(S(t, "fd.sip.name"), "api.example.com");
	assert_string_equal(S(t, "fd.rip.name"), "api.example.com");
	NA(t, "fd.cip.name");
	field_set_dns_lookup(NULL, NULL);
	NA(t, "fd.sip.name");

	/* in progress: the tuple from the event */
	connect_event(t, 400, -115, 5);
	assert_string_equal(S(t, "evt.res"), "EINPROGRESS");
	assert_string_equal(S(t, "fd.name"), "10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "fd.typechar"), "4");

	/* refused, no tuple: the address the program asked for */
	connect_event(t, 400, -111, 5);
	assert_string_equal(S(t, "evt.res"), "ECONNREFUSED");
	assert_string_equal(S(t, "fd.name"), "1.2.3.4:443");
	t_free(t);
}

static void test_fd_accept_and_listen(void **state)
{
	T *t = t_new();
	FdInfo tmpl = { .fd = 3, .type = FD_IPV4_SOCK, .name = "0.0.0.0:22", .l4proto = 6,
			.is_server = true },
	       *f;
	const FieldValues *v;

	tree(t);
	mksock(t, 400, 8, "5.6.7.8:5555->10.0.0.5:22", true, true);
	evbuild_begin(SAKER_EVT_ACCEPT4, TS, 400, 400);
	evbuild_s64(8);
	evbuild_s64(3);
	evbuild_tuple_in(6, "5.6.7.8", 5555, "10.0.0.5", 22);
	evbuild_u32(02000000);
	t_event(t, 400);
	t_fd(t, 8);
	assert_int_equal(N(t, "fd.num"), 8);
	assert_true(B(t, "fd.is_server"));
	assert_string_equal(IP(t, "fd.cip"), "4:5.6.7.8/32");
	assert_string_equal(IP(t, "fd.sip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.lip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.rip"), "4:5.6.7.8/32");
	assert_int_equal(U(t, "fd.lport"), 22);
	assert_int_equal(U(t, "fd.rport"), 5555);
	assert_int_equal(U(t, "fd.sport"), 22);
	assert_string_equal(S(t, "evt.arg.flags"), "SOCK_CLOEXEC");
	assert_string_equal(S(t, "evt.arg.listen_fd"), "3");

	/* a listening socket knows only its own (server) address */
	set_ip4(tmpl.daddr, 0, 0, 0, 0);
	tmpl.dport = 22;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &tmpl, &f), 0);
	evbuild_begin(SAKER_EVT_LISTEN, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(3);
	evbuild_s32(128);
	t_event(t, 400);
	t_fd(t, 3);
	assert_true(B(t, "fd.is_server"));
	assert_string_equal(IP(t, "fd.sip"), "4:0.0.0.0/32");
	NA(t, "fd.cip");
	NA(t, "fd.lip");
	NA(t, "fd.cport");
	assert_int_equal(U(t, "fd.sport"), 22);
	v = X(t, "fd.ip");
	assert_int_equal(v->n, 1);
	v = X(t, "fd.port");
	assert_int_equal(v->n, 1);
	assert_int_equal(v->v[0].unum, 22);
	assert_string_equal(S(t, "evt.arg.backlog"), "128");

	/* accept that failed: no fd, the typechar Falco guesses */
	evbuild_begin(SAKER_EVT_ACCEPT, TS, 400, 400);
	evbuild_s64(-11);
	evbuild_s64(3);
	evbuild_empty();
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), -1);
	assert_string_equal(S(t, "fd.typechar"), "4");
	assert_string_equal(S(t, "fd.name"), "");
	NA(t, "fd.type");
	NA(t, "fd.directory");
	t_free(t);
}

static void test_fd_ipv6_and_unix(void **state)
{
	T *t = t_new();
	FdInfo v6 = { .fd = 6, .type = FD_IPV6_SOCK, .name = "x", .l4proto = 17, .connected = true },
	       ux = { .fd = 7, .type = FD_UNIX_SOCK, .name = "/run/docker.sock" }, *f;
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 9 };

	tree(t);
	v6.saddr[15] = 1; /* ::1 */
	v6.sport = 1000;
	memcpy(v6.daddr, mapped, 16);
	v6.dport = 53;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &v6, &f), 0);
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &ux, &f), 0);

	evbuild_begin(SAKER_EVT_SENDTO, TS, 400, 400);
	evbuild_s64(10);
	evbuild_s64(6);
	evbuild_u64(10);
	evbuild_sockaddr_in6("::ffff:192.168.1.9", 53);
	evbuild_bytes("0123456789", 10);
	t_event(t, 400);
	t_fd(t, 6);
	assert_string_equal(IP(t, "fd.cip"), "6:0000..01/128");
	assert_string_equal(IP(t, "fd.sip"), "4:192.168.1.9/32"); /* mapped: as IPv4 */
	assert_string_equal(S(t, "fd.l4proto"), "udp");
	assert_string_equal(S(t, "fd.typechar"), "6");
	assert_false(B(t, "fd.name_changed")); /* connected */
	assert_string_equal(S(t, "evt.arg.addr"), "192.168.1.9:53");
	assert_true(B(t, "evt.is_io_write"));
	assert_int_equal(U(t, "evt.buflen"), 10);
	assert_int_equal(U(t, "evt.count.error.net"), 0);

	evbuild_begin(SAKER_EVT_CONNECT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(7);
	evbuild_sockaddr_un("/run/docker.sock");
	evbuild_tuple_un(0xffff1, 0xffff2, "/run/docker.sock");
	t_event(t, 400);
	t_fd(t, 7);
	assert_string_equal(S(t, "fd.sockfamily"), "unix");
	assert_string_equal(S(t, "fd.l4proto"), "<NA>");
	assert_string_equal(S(t, "fd.typechar"), "u");
	assert_string_equal(S(t, "fd.name"), "/run/docker.sock");
	NA(t, "fd.sip");
	NA(t, "fd.ip");
	NA(t, "fd.sport");
	assert_false(B(t, "fd.is_server"));
	assert_string_equal(S(t, "evt.arg.tuple"), "ffff1->ffff2 /run/docker.sock");
	assert_string_equal(S(t, "evt.arg.addr"), "/run/docker.sock");
	t_free(t);
}

static void test_fd_name_changed(void **state)
{
	T *t = t_new();
	FdInfo u = { .fd = 6, .type = FD_IPV4_SOCK, .name = "x", .l4proto = 17 }, *f;

	tree(t);
	set_ip4(u.saddr, 10, 0, 0, 5);
	u.sport = 999;
	set_ip4(u.daddr, 8, 8, 8, 8);
	u.dport = 53;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &u, &f), 0);
	evbuild_begin(SAKER_EVT_SENDTO, TS, 400, 400);
	evbuild_s64(10);
	evbuild_s64(6);
	evbuild_u64(10);
	evbuild_sockaddr_in("8.8.8.8", 53);
	t_event(t, 400);
	t_fd(t, 6);
	assert_true(B(t, "fd.name_changed"));
	assert_false(B(t, "fd.connected"));
	assert_string_equal(S(t, "fd.l4proto"), "udp");
	t_free(t);
}

static void test_fd_files_and_misc(void **state)
{
	T *t = t_new();
	FdInfo *f;

	tree(t);
	f = mkfd(t, 400, 3, FD_FILE, "/var/log/syslog");
	f->dev = (8u << 8) | 3u;
	f->ino = 99;
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(3);
	t_event(t, 400);
	t_fd(t, 3);
	assert_int_equal(N(t, "fd.num"), 3);
	assert_string_equal(S(t, "fd.name"), "/var/log/syslog");
	assert_string_equal(S(t, "fd.nameraw"), "/var/log/syslog");
	assert_string_equal(S(t, "fd.directory"), "/var/log");
	assert_string_equal(S(t, "fd.filename"), "syslog");
	assert_string_equal(S(t, "fd.containerdirectory"), "host:/var/log");
	assert_int_equal(N(t, "fd.dev"), (8 << 8) | 3);
	assert_int_equal(N(t, "fd.dev.major"), 8);
	assert_int_equal(N(t, "fd.dev.minor"), 3);
	assert_int_equal(N(t, "fd.ino"), 99);
	assert_string_equal(S(t, "fd.l4proto"), "<NA>");
	NA(t, "fd.sockfamily");
	NA(t, "fd.cip");
	assert_false(B(t, "fd.is_server"));
	NA(t, "fs.path.name"); /* close is no path operation */

	/* the table is used when the updater did not point at the fd */
	evbuild_begin(SAKER_EVT_FCHMOD, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(3);
	evbuild_u32(0600);
	t_event(t, 400);
	assert_string_equal(S(t, "fd.name"), "/var/log/syslog");
	assert_string_equal(S(t, "fs.path.name"), "/var/log/syslog");
	assert_string_equal(S(t, "evt.arg.mode"), "S_IWUSR|S_IRUSR");

	/* names edge cases of fd.directory and fd.filename */
	mkfd(t, 400, 4, FD_FILE, "/top");
	mkfd(t, 400, 5, FD_DIRECTORY, "/etc/ssh");
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(4);
	t_event(t, 400);
	assert_string_equal(S(t, "fd.directory"), "/");
	assert_string_equal(S(t, "fd.filename"), "top");
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(5);
	t_event(t, 400);
	assert_string_equal(S(t, "fd.directory"), "/etc/ssh");
	assert_string_equal(S(t, "fd.typechar"), "d");
	NA(t, "fd.filename");

	/* an fd event on an unknown fd: its number only */
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(-9);
	evbuild_s64(42);
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), 42);
	assert_string_equal(S(t, "fd.name"), "");
	assert_string_equal(S(t, "fd.typechar"), "o");
	NA(t, "fd.type");
	NA(t, "fd.directory");
	assert_string_equal(S(t, "evt.res"), "EBADF");

	/* pipe: the first fd */
	evbuild_begin(SAKER_EVT_PIPE2, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(10);
	evbuild_s64(11);
	evbuild_u64(5555);
	evbuild_u32(02000000);
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), 10);
	assert_string_equal(S(t, "fd.typechar"), "p");
	assert_string_equal(S(t, "evt.arg.flags"), "O_CLOEXEC");

	/* dup onto stdout: the new fd */
	mksock(t, 400, 5, "10.0.0.5:40000->1.2.3.4:443", false, true);
	evbuild_begin(SAKER_EVT_DUP2, TS, 400, 400);
	evbuild_s64(1);
	evbuild_s64(5);
	evbuild_s64(1);
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), 1);
	assert_int_equal(N(t, "evt.rawres"), 1);

	/* mmap's fd does not make it an fd event (as in Falco) */
	evbuild_begin(SAKER_EVT_MMAP, TS, 400, 400);
	evbuild_u64(0x7f0000000000ull);
	evbuild_u64(0);
	evbuild_u64(4096);
	evbuild_u32(5);
	evbuild_u32(2);
	evbuild_s64(3);
	evbuild_u64(0);
	t_event(t, 400);
	NA(t, "fd.name");
	assert_string_equal(S(t, "evt.arg.prot"), "PROT_READ|PROT_EXEC");
	assert_string_equal(S(t, "evt.arg.flags"), "MAP_PRIVATE");
	assert_string_equal(S(t, "evt.category"), "memory");
	assert_false(B(t, "evt.failed"));
	t_free(t);
}

static void test_fs_path(void **state)
{
	T *t = t_new();

	tree(t);
	evbuild_begin(SAKER_EVT_UNLINKAT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(-100);
	evbuild_str("tmp//x");
	evbuild_str("/srv/app/tmp//x");
	evbuild_u32(0x200);
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.name"), "/srv/app/tmp/x");
	assert_string_equal(S(t, "fs.path.nameraw"), "tmp//x");
	NA(t, "fs.path.source");
	assert_string_equal(S(t, "evt.arg.flags"), "AT_REMOVEDIR");
	NA(t, "fd.name");
	NA(t, "fd.num");

	/* absolute paths as passed (Falco does not normalize them here) */
	evbuild_begin(SAKER_EVT_MKDIR, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/a//b/../c");
	evbuild_str("/a/c");
	evbuild_u32(0755);
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.name"), "/a//b/../c");
	assert_string_equal(S(t, "evt.arg.path"), "/a/c");
	assert_string_equal(S(t, "evt.arg.mode"), "0755");

	/* failed calls have none */
	evbuild_begin(SAKER_EVT_MKDIR, TS, 400, 400);
	evbuild_s64(-17);
	evbuild_str("/a");
	t_event(t, 400);
	NA(t, "fs.path.name");
	assert_string_equal(S(t, "evt.res"), "EEXIST");

	/* link: the new name is the source, the existing file the target */
	evbuild_begin(SAKER_EVT_LINK, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/etc/shadow");
	evbuild_str("/etc/shadow");
	evbuild_str("copy");
	evbuild_str("/srv/app/copy");
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.source"), "/srv/app/copy");
	assert_string_equal(S(t, "fs.path.sourceraw"), "copy");
	assert_string_equal(S(t, "fs.path.target"), "/etc/shadow");
	assert_string_equal(S(t, "evt.arg.oldpath"), "/etc/shadow");
	assert_string_equal(S(t, "evt.arg.newpath"), "/srv/app/copy");

	/* symlink: the link is the source; a relative target is taken from the cwd */
	evbuild_begin(SAKER_EVT_SYMLINKAT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("../../etc/passwd");
	evbuild_s64(-100);
	evbuild_str("/tmp/p");
	evbuild_str("/tmp/p");
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.source"), "/tmp/p");
	assert_string_equal(S(t, "fs.path.targetraw"), "../../etc/passwd");
	assert_string_equal(S(t, "fs.path.target"), "/etc/passwd");
	assert_string_equal(S(t, "evt.arg.target"), "/etc/passwd");
	assert_string_equal(S(t, "evt.rawarg.target"), "../../etc/passwd");
	assert_string_equal(S(t, "evt.arg.linkpath"), "/tmp/p");

	/* mount: device and directory */
	evbuild_begin(SAKER_EVT_MOUNT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/dev/sda1");
	evbuild_str("/mnt");
	evbuild_str("/mnt");
	evbuild_str("ext4");
	evbuild_u32(4096 | 16384);
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.source"), "/dev/sda1");
	assert_string_equal(S(t, "fs.path.target"), "/mnt");
	assert_string_equal(S(t, "evt.arg.flags"), "BIND|REC");
	assert_string_equal(S(t, "evt.arg.type"), "ext4");
	t_free(t);
}

/* ---- container.*, k8s.* ---- */

static void test_container_host(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "container.id"), "host");
	assert_string_equal(S(t, "container.full_id"), "host");
	assert_string_equal(S(t, "container.name"), "host");
	assert_string_equal(S(t, "container.type"), "host");
	assert_string_equal(S(t, "container.info"), "container_id=host container_name=host");
	NA(t, "container.image");
	NA(t, "container.image.repository");
	NA(t, "container.privileged");
	NA(t, "container.start_ts");
	NA(t, "container.labels");
	NA(t, "container.label[a]");
	NA(t, "k8s.ns.name");
	NA(t, "k8s.pod.name");
	NA(t, "k8s.pod.labels");
	NA(t, "k8s.pod.label[app]");
	t_free(t);
}

static void test_container_k8s(void **state)
{
	static const char full[] = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
	char *labels[] = { "app=web", "io.kubernetes.pod.name=web-1", "team=blue" };
	Container tmpl = { .full_id = (char *)full, .id = "3ad7b26ded6d", .runtime = "containerd",
			   .name = "web", .image = "docker.io/library/nginx:1.25",
			   .k8s_pod_name = "web-1", .k8s_ns_name = "shop", .k8s_pod_uid = "uid-1",
			   .privileged = true, .created_ns = BOOT_TO_REAL, .labels = labels,
			   .nlabels = 3 },
		  *c = NULL;
	T *t = t_new();

	tree(t);
	assert_int_equal(state_upsert_container(t->s, &tmpl, &c), 0);
	state_set_container(t->s, state_get_thread(t->s, 400), c);
	t->s->host_pidns = 4026531836ull;
	state_get_thread(t->s, 400)->pidns = 4026532000ull;
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "container.id"), "3ad7b26ded6d");
	assert_string_equal(S(t, "container.full_id"), full);
	assert_string_equal(S(t, "container.name"), "web");
	assert_string_equal(S(t, "container.type"), "containerd");
	assert_string_equal(S(t, "container.image"), "docker.io/library/nginx:1.25");
	assert_string_equal(S(t, "container.image.repository"), "docker.io/library/nginx");
	assert_string_equal(S(t, "container.image.tag"), "1.25");
	NA(t, "container.image.digest");
	NA(t, "container.image.id");
	assert_true(B(t, "container.privileged"));
	assert_false(B(t, "container.host_pid"));
	assert_int_equal(U(t, "container.start_ts"), BOOT_TO_REAL);
	assert_int_equal(U(t, "container.duration"), TS);
	assert_string_equal(S(t, "container.label[team]"), "blue");
	assert_string_equal(S(t, "container.label.app"), "web");
	NA(t, "container.label[nope]");
	assert_string_equal(S(t, "container.labels"), "app:web,io.kubernetes.pod.name:web-1,team:blue");
	assert_string_equal(S(t, "container.info"), "container_id=3ad7b26ded6d container_name=web");
	assert_string_equal(S(t, "k8s.ns.name"), "shop");
	assert_string_equal(S(t, "k8s.pod.name"), "web-1");
	assert_string_equal(S(t, "k8s.pod.uid"), "uid-1");
	assert_string_equal(S(t, "k8s.pod.id"), "uid-1");
	assert_string_equal(S(t, "k8s.pod.label[app]"), "web");
	assert_string_equal(S(t, "k8s.pod.label.team"), "blue");
	assert_string_equal(S(t, "k8s.pod.labels"), "app:web,team:blue");
	NA(t, "k8s.pod.ip");
	NA(t, "container.healthcheck");

	/* a file the container opened */
	mkfd(t, 400, 3, FD_FILE, "/etc/passwd");
	openat_event(t, 400, 3, "/etc/passwd", "/etc/passwd", 0, 0);
	t_fd(t, 3);
	assert_string_equal(S(t, "fd.containername"), "3ad7b26ded6d:/etc/passwd");
	assert_string_equal(S(t, "fd.containerdirectory"), "3ad7b26ded6d:/etc");

	/* metadata not looked up yet: the id only */
	{
		Container bare = { .full_id = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
				   .id = "b0b0b0b0b0b0", .runtime = "docker" },
			  *c2 = NULL;

		assert_int_equal(state_upsert_container(t->s, &bare, &c2), 0);
		state_set_container(t->s, state_get_thread(t->s, 200), c2);
		kill_event(t, 200, 200, 1, 0);
		assert_string_equal(S(t, "container.id"), "b0b0b0b0b0b0");
		NA(t, "container.name");
		assert_false(B(t, "container.privileged"));
		NA(t, "k8s.pod.name");
		NA(t, "k8s.pod.labels");
		NA(t, "container.start_ts");
		assert_string_equal(S(t, "container.info"),
				    "container_id=b0b0b0b0b0b0 container_name=<NA>");
	}
	t_free(t);
}

/* ---- paths ---- */

static void test_path_normalization(void **state)
{
	static const struct {
		const char *raw, *abs, *cwd, *want;
	} cases[] = {
		{ "/a/b/../c", NULL, "/", "/a/c" },
		{ "/../..", NULL, "/", "/" },
		{ "/a/./b//c/", NULL, "/", "/a/b/c" },
		{ "x/../../y", NULL, "/srv/app", "/srv/y" },
		{ "..", NULL, "/", "/" },
		{ ".", NULL, "/srv/app", "/srv/app" },
		{ "rel", "/k/rel", "/srv/app", "/k/rel" },
		{ "rel", NULL, NULL, "rel" },
		{ "", NULL, "/srv", "/srv" },
	};
	size_t i;
	T *t = t_new();

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ProcSpec ps = { .tid = 50, .comm = "p", .cwd = cases[i].cwd ? cases[i].cwd : "" };

		mkproc(t, &ps);
		evbuild_begin(SAKER_EVT_UNLINK, TS, 50, 50);
		evbuild_s64(0);
		evbuild_str(cases[i].raw);
		if (cases[i].abs)
			evbuild_str(cases[i].abs);
		t_event(t, 50);
		if (strcmp(S(t, "evt.arg.path"), cases[i].want) != 0)
			fail_msg("case %zu (%s): got %s, want %s", i, cases[i].raw,
				 S(t, "evt.arg.path"), cases[i].want);
	}
	t_free(t);
}

/* ---- robustness ---- */

static void test_every_field_every_event(void **state)
{
	const FieldDef *defs;
	size_t n, i;
	unsigned type;
	T *t = t_new();

	tree(t);
	mkfd(t, 400, 3, FD_FILE, "/etc/passwd");
	defs = field_table(&n);
	/* each event type with every parameter empty, then with the thread unknown */
	for (type = 0; type < SAKER_EVT_MAX; type++) {
		int pass;

		for (pass = 0; pass < 2; pass++) {
			evbuild_begin((uint16_t)type, TS, pass ? 999 : 400, pass ? 999 : 400);
			t_event(t, pass ? 0 : 400);
			if (!pass)
				t_fd(t, 3);
			for (i = 0; i < n; i++) {
				FieldRef ref;
				char *msg = NULL;
				const char *arg = NULL;
				size_t arglen = 0;
				int r;

				if (defs[i].flags & FF_ARG_REQUIRED) {
					arg = (defs[i].flags & FF_ARG_KEY) ? "flags" : "1";
					arglen = strlen(arg);
				}
				r = field_ref_init(&ref, &defs[i], arg, arglen, &msg);
				assert_int_equal(r, 0);
				vals.n = 0;
				r = field_extract(&ref, t->ctx, &vals);
				if (r < 0)
					fail_msg("%s on %u: %d", defs[i].name, type, r);
				assert_true(vals.n <= FIELD_MAX_VALUES);
				field_ref_done(&ref);
			}
		}
	}
	t_free(t);
}

static void test_arena_exhaustion(void **state)
{
	T *t = t_new();
	FieldRef ref;
	char *msg = NULL;
	int r;

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	t->ctx->arena_used = EVAL_ARENA_SIZE - 4;
	assert_int_equal(bind("proc.cmdline", &ref, &msg), 0);
	vals.n = 0;
	r = field_extract(&ref, t->ctx, &vals);
	assert_int_equal(r, -ENOBUFS);
	field_ref_done(&ref);
	/* fields that need no arena still work */
	t->ctx->arena_used = EVAL_ARENA_SIZE;
	assert_string_equal(S(t, "proc.name"), "python3");
	t_free(t);
}

static int group_setup(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_stable_ruleset_fields),
		cmocka_unit_test(test_binding),
		cmocka_unit_test(test_rawarg_binding),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_evt_openat),
		cmocka_unit_test(test_evt_open_failed),
		cmocka_unit_test(test_evt_open_create),
		cmocka_unit_test(test_evt_execve),
		cmocka_unit_test(test_evt_args_of_types),
		cmocka_unit_test(test_evt_io),
		cmocka_unit_test(test_evt_abspath),
		cmocka_unit_test(test_proc_basic),
		cmocka_unit_test(test_proc_parents),
		cmocka_unit_test(test_proc_loop_and_missing),
		cmocka_unit_test(test_proc_empty_strings),
		cmocka_unit_test(test_user_group),
		cmocka_unit_test(test_proc_stdio),
		cmocka_unit_test(test_fd_connect),
		cmocka_unit_test(test_fd_accept_and_listen),
		cmocka_unit_test(test_fd_ipv6_and_unix),
		cmocka_unit_test(test_fd_name_changed),
		cmocka_unit_test(test_fd_files_and_misc),
		cmocka_unit_test(test_fs_path),
		cmocka_unit_test(test_container_host),
		cmocka_unit_test(test_container_k8s),
		cmocka_unit_test(test_path_normalization),
		cmocka_unit_test(test_every_field_every_event),
		cmocka_unit_test(test_arena_exhaustion),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
