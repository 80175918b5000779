// SPDX-License-Identifier: MIT
/*
 * Unit tests for the field table and extractors (daemon/rules/field*.c),
 * part one: the table, argument binding, the arena, the evt.* fields and
 * path resolution, and a sweep of every field over every event type.  The
 * process, fd, fs.path and container fields are in test-fields-state.c;
 * both run from this binary.
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

/* test-fields-state.c */
extern const struct CMUnitTest field_state_tests[];
extern const size_t field_state_ntests;

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

	assert_int_equal(fbind("evt.rawarg.name", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_STRING);
	assert_string_equal(ref.def->name, "evt.rawarg");
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_NONE);
	field_ref_done(&ref);
	assert_int_equal(fbind("evt.rawarg.res", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_NUMBER);
	field_ref_done(&ref);
	assert_int_equal(fbind("evt.rawarg.request", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_FLAGS);
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_PTRACE_REQ);
	field_ref_done(&ref);
	/* "flags" means different sets on different calls */
	assert_int_equal(fbind("evt.rawarg.flags", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_FLAGS);
	assert_int_equal(field_ref_fmt_set(&ref), SAKER_FMT_NONE);
	field_ref_done(&ref);
	assert_int_equal(fbind("evt.rawarg.uid", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_UNUMBER);
	field_ref_done(&ref);
	assert_int_equal(fbind("evt.rawarg.data", &ref, &msg), 0);
	assert_int_equal(ref.def->type, FT_BYTES);
	field_ref_done(&ref);
	/* a plain field has no flag set */
	assert_int_equal(fbind("proc.name", &ref, &msg), 0);
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
	assert_int_equal(fbind("proc.cmdline", &ref, &msg), 0);
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
	static const struct CMUnitTest own[] = {
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
		cmocka_unit_test(test_path_normalization),
		cmocka_unit_test(test_every_field_every_event),
		cmocka_unit_test(test_arena_exhaustion),
	};
	size_t n_own = sizeof(own) / sizeof(own[0]), n = n_own + field_state_ntests;
	struct CMUnitTest *all = calloc(n, sizeof(*all));
	int r;

	if (!all)
		return 1;
	/* one group, so the summary line counts every test */
	memcpy(all, own, sizeof(own));
	memcpy(all + n_own, field_state_tests, field_state_ntests * sizeof(*all));
	r = _cmocka_run_group_tests("fields", all, n, group_setup, NULL);
	free(all);
	return r;
}
