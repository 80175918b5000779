// SPDX-License-Identifier: MIT
/*
 * Unit tests for the thread/fd tables and the event updater.  Events are
 * written as JSON lines (the fixture format) and go through the real
 * encoder, decoder and state_update(), as they do in `saker replay`.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event/fixture.h"
#include "state/container.h"
#include "state/state.h"
#include "state/update.h"

#define HEX64A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

typedef struct T {
	State *s;
	EvalCtx *ctx;
	FixtureReader *r;
	FixtureEvent *fe; /* the event between pre() and post() */
} T;

static int setup(void **state)
{
	T *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->s = state_new();
	t->ctx = calloc(1, sizeof(*t->ctx));
	t->r = fixture_reader_new("test.jsonl");
	assert_non_null(t->s);
	assert_non_null(t->ctx);
	assert_non_null(t->r);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	T *t = *state;

	fixture_event_free(t->fe);
	fixture_reader_free(t->r);
	state_free(t->s);
	free(t->ctx);
	free(t);
	return 0;
}

/* Apply the line's context and the state_update() half of its event. */
static void pre(T *t, const char *json)
{
	int r;

	fixture_event_free(t->fe);
	t->fe = NULL;
	r = fixture_reader_parse_line(t->r, json, strlen(json), &t->fe);
	if (r != 1)
		fail_msg("%s", fixture_reader_error(t->r));
	assert_int_equal(fixture_event_apply(t->fe, t->s), 0);
	if (t->fe->has_event)
		assert_int_equal(state_update(t->s, &t->fe->evt, t->ctx), 0);
}

static void post(T *t)
{
	if (t->fe && t->fe->has_event)
		state_update_post(t->s, &t->fe->evt, t->ctx);
}

static void run(T *t, const char *json)
{
	pre(t, json);
	post(t);
}

static Proc *thread(T *t, int64_t tid)
{
	return state_get_thread(t->s, tid);
}

static FdInfo *fd_of(T *t, int64_t tid, int64_t fd)
{
	Proc *p = thread(t, tid);

	assert_non_null(p);
	return fdtable_get(p->fds, fd);
}

/* ---- table basics ---- */

static void test_upsert_get_remove(void **state)
{
	T *t = *state;
	Proc *p, *q;

	assert_int_equal(state_upsert_thread(t->s, 100, 100, &p), 1);
	assert_int_equal(state_upsert_thread(t->s, 100, 100, &q), 0);
	assert_ptr_equal(p, q);
	assert_non_null(p->fds);
	assert_int_equal(p->fds->refs, 1);
	/* a thread of a known process shares its fd table and copies its image */
	assert_int_equal(state_upsert_thread(t->s, 101, 100, &q), 1);
	assert_ptr_equal(q->fds, p->fds);
	assert_int_equal(p->fds->refs, 2);
	assert_ptr_equal(state_leader(t->s, q), p);
	assert_ptr_equal(state_leader(t->s, p), p);
	/* a thread of an unknown process creates its leader too */
	assert_int_equal(state_upsert_thread(t->s, 201, 200, &q), 1);
	assert_non_null(thread(t, 200));
	assert_ptr_equal(thread(t, 200)->fds, q->fds);
	assert_int_equal(state_nthreads(t->s), 4);
	state_remove_thread(t->s, 101);
	assert_null(thread(t, 101));
	assert_int_equal(p->fds->refs, 1);
	/* a recycled tid with another pid replaces the stale entry */
	assert_int_equal(state_upsert_thread(t->s, 100, 300, &q), 1);
	assert_int_equal(q->pid, 300);
}

static void test_parent_and_ancestors(void **state)
{
	T *t = *state;
	Proc *a, *b, *c;

	state_upsert_thread(t->s, 1, 1, &a);
	state_upsert_thread(t->s, 10, 10, &b);
	state_upsert_thread(t->s, 20, 20, &c);
	b->ptid = 1;
	c->ptid = 10;
	assert_ptr_equal(state_parent(t->s, c), b);
	assert_ptr_equal(state_ancestor(t->s, c, 0), c);
	assert_ptr_equal(state_ancestor(t->s, c, 1), b);
	assert_ptr_equal(state_ancestor(t->s, c, 2), a);
	assert_null(state_ancestor(t->s, c, 3));
	assert_null(state_ancestor(t->s, c, STATE_MAX_ANCESTORS + 1));
	/* a loop in the ptid links ends the walk */
	a->ptid = 20;
	assert_ptr_equal(state_ancestor(t->s, c, 2), a);
	assert_null(state_ancestor(t->s, c, 3));
	/* self-parenting is no parent */
	a->ptid = 1;
	assert_null(state_parent(t->s, a));
}

static void test_lru_order(void **state)
{
	T *t = *state;
	Proc *p;
	int64_t i;

	for (i = 1; i <= 5; i++)
		state_upsert_thread(t->s, i, i, &p);
	assert_int_equal(t->s->lru_head->tid, 5);
	assert_int_equal(t->s->lru_tail->tid, 1);
	state_touch(t->s, thread(t, 1));
	assert_int_equal(t->s->lru_head->tid, 1);
	assert_int_equal(t->s->lru_tail->tid, 2);
	/* lookups do not reorder, upserts do */
	state_get_thread(t->s, 3);
	assert_int_equal(t->s->lru_head->tid, 1);
	state_upsert_thread(t->s, 3, 3, &p);
	assert_int_equal(t->s->lru_head->tid, 3);
	/* the list is consistent both ways */
	for (i = 0, p = t->s->lru_head; p; p = p->lru_next, i++)
		if (p->lru_next)
			assert_ptr_equal(p->lru_next->lru_prev, p);
	assert_int_equal(i, 5);
}

static void test_eviction_dead_first(void **state)
{
	T *t = *state;
	Proc *p;
	int64_t i;

	assert_int_equal(state_set_max_threads(t->s, 1), STATE_MIN_THREADS);
	for (i = 1; i <= 16; i++)
		assert_true(state_upsert_thread(t->s, i, i, &p) >= 0);
	/* 3 then 7 exit: the least recently used dead one goes first */
	state_mark_dead(t->s, thread(t, 3));
	state_mark_dead(t->s, thread(t, 7));
	assert_true(thread(t, 3)->dead);
	assert_null(thread(t, 3)->fds);
	assert_int_equal(state_upsert_thread(t->s, 100, 100, &p), 1);
	assert_null(thread(t, 3));
	assert_non_null(thread(t, 7));
	assert_non_null(thread(t, 1)); /* older, but alive */
	assert_int_equal(t->s->evictions, 1);
	assert_int_equal(t->s->evictions_live, 0);
	assert_int_equal(state_upsert_thread(t->s, 101, 101, &p), 1);
	assert_null(thread(t, 7));
	/* no dead thread left: the least recently used live one, counted */
	state_touch(t->s, thread(t, 1));
	assert_int_equal(state_upsert_thread(t->s, 102, 102, &p), 1);
	assert_null(thread(t, 2));
	assert_non_null(thread(t, 1));
	assert_int_equal(t->s->evictions, 3);
	assert_int_equal(t->s->evictions_live, 1);
	assert_int_equal(state_nthreads(t->s), 16);
}

static void test_mark_dead_thread_removed(void **state)
{
	T *t = *state;
	Proc *p;

	state_upsert_thread(t->s, 50, 50, &p);
	state_upsert_thread(t->s, 51, 50, &p);
	state_mark_dead(t->s, thread(t, 51));
	assert_null(thread(t, 51)); /* a non-leader thread leaves no trace */
	state_mark_dead(t->s, thread(t, 50));
	assert_non_null(thread(t, 50));
	assert_ptr_equal(t->s->dead_head, thread(t, 50));
	assert_null(t->s->lru_head);
}

/* ---- fd tables ---- */

static void test_fdtable(void **state)
{
	FdTable *a = fdtable_new(), *b = NULL;
	FdInfo *f;
	size_t i;

	(void)state;
	assert_non_null(a);
	f = fdinfo_new(3);
	f->flags = O_CLOEXEC;
	assert_int_equal(fdinfo_set_name(f, "/etc/passwd"), 0);
	assert_int_equal(fdtable_put(a, f), 0);
	f = fdinfo_new(4);
	assert_int_equal(fdinfo_set_name(f, "/tmp/x"), 0);
	assert_int_equal(fdtable_put(a, f), 0);
	assert_string_equal(fdtable_get(a, 3)->name, "/etc/passwd");
	/* replacing keeps one entry */
	f = fdinfo_new(4);
	fdinfo_set_name(f, "/tmp/y");
	assert_int_equal(fdtable_put(a, f), 0);
	assert_int_equal(fdtable_size(a), 2);
	assert_string_equal(fdtable_get(a, 4)->name, "/tmp/y");
	assert_int_equal(fdtable_copy(a, &b), 0);
	assert_int_equal(b->refs, 1);
	assert_ptr_not_equal(fdtable_get(b, 3), fdtable_get(a, 3));
	assert_string_equal(fdtable_get(b, 3)->name, "/etc/passwd");
	fdtable_drop_cloexec(b);
	assert_null(fdtable_get(b, 3));
	assert_non_null(fdtable_get(b, 4));
	assert_non_null(fdtable_get(a, 3));
	fdtable_remove(a, 4);
	assert_null(fdtable_get(a, 4));
	assert_null(fdtable_get(a, -1));
	/* the size limit */
	for (i = 0; i < STATE_MAX_FDS_PER_PROC + 10; i++)
		fdtable_put(b, fdinfo_new((int64_t)i + 10));
	assert_int_equal(fdtable_size(b), STATE_MAX_FDS_PER_PROC);
	assert_int_equal(b->dropped, 10 + 1);
	/* refcounting */
	assert_ptr_equal(fdtable_ref(a), a);
	assert_int_equal(a->refs, 2);
	assert_null(fdtable_unref(a));
	assert_int_equal(a->refs, 1);
	fdtable_unref(a);
	fdtable_unref(b);
	assert_null(fdtable_unref(NULL));
}

static void test_fdinfo_format_tuple(void **state)
{
	FdInfo f = { .type = FD_IPV4_SOCK, .l4proto = 6, .sport = 40000, .dport = 443 };
	char buf[128];

	(void)state;
	memcpy(f.saddr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(f.daddr, (uint8_t[]){ 1, 2, 3, 4 }, 4);
	fdinfo_format_tuple(&f, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:40000->1.2.3.4:443");
	f.l4proto = 255; /* raw: no ports, as Falco */
	fdinfo_format_tuple(&f, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1->1.2.3.4");
	f.type = FD_IPV6_SOCK;
	f.l4proto = 6;
	memset(f.saddr, 0, 16);
	memset(f.daddr, 0, 16);
	f.saddr[15] = 1;
	f.daddr[0] = 0x20;
	f.daddr[1] = 0x01;
	f.daddr[2] = 0x0d;
	f.daddr[3] = 0xb8;
	f.daddr[15] = 2;
	fdinfo_format_tuple(&f, buf, sizeof(buf));
	assert_string_equal(buf, "::1:40000->2001:db8::2:443");
	/* both IPv4-mapped: rendered as IPv4 */
	memset(f.saddr, 0, 16);
	memset(f.daddr, 0, 16);
	f.saddr[10] = f.saddr[11] = f.daddr[10] = f.daddr[11] = 0xff;
	memcpy(f.saddr + 12, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(f.daddr + 12, (uint8_t[]){ 127, 0, 0, 2 }, 4);
	fdinfo_format_tuple(&f, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:40000->127.0.0.2:443");
	f.type = FD_FILE;
	fdinfo_format_tuple(&f, buf, sizeof(buf));
	assert_string_equal(buf, "<unknown>");
	assert_string_equal(fdinfo_type_name(FD_PIPE), "pipe");
	assert_string_equal(fdinfo_type_name(FD_IOURING), "io_uring");
	assert_int_equal(fdinfo_type_from_name("ipv6"), FD_IPV6_SOCK);
	assert_true(fdinfo_type_from_name("nope") < 0);
}

static void test_path_join(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(state_path_join("/home/u", "a/../b/./c", buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/home/u/b/c");
	state_path_join("/home/u", "/etc//passwd/", buf, sizeof(buf));
	assert_string_equal(buf, "/etc/passwd");
	state_path_join("/", "../../..", buf, sizeof(buf));
	assert_string_equal(buf, "/");
	state_path_join(NULL, "/a/b/../../../c", buf, sizeof(buf));
	assert_string_equal(buf, "/c");
	state_path_join(NULL, "x/../../y", buf, sizeof(buf));
	assert_string_equal(buf, "../y");
	state_path_join(NULL, "./", buf, sizeof(buf));
	assert_string_equal(buf, ".");
	state_path_join("/tmp", "", buf, sizeof(buf));
	assert_string_equal(buf, "/tmp");
	assert_int_equal(state_path_join("/aaaaaaaaaa", "bbbbbbbbbb", buf, 8), -E2BIG);
	assert_true(strlen(buf) < 8);
}

/* ---- processes from events ---- */

#define BASH                                                                                \
	"\"proc\":{\"pid\":100,\"comm\":\"bash\",\"exe\":\"/bin/bash\",\"exepath\":\"/usr/bin/bash\"," \
	"\"args\":[\"-i\"],\"cwd\":\"/home/u\",\"uid\":1000,\"euid\":1000,\"ptid\":1}"

static void test_fork_parent_first(void **state)
{
	T *t = *state;
	Proc *c, *p;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":3,\"dirfd\":-100,"
	       "\"name\":\"/etc/hosts\",\"flags\":\"O_RDONLY\"}}");
	run(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":4,\"dirfd\":-100,"
	       "\"name\":\"x\",\"flags\":\"O_RDONLY|O_CLOEXEC\"}}");
	pre(t, "{\"type\":\"clone\",\"ts\":1000000000,\"tid\":100,\"args\":{\"res\":200,"
	       "\"flags\":\"CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID\"}}");
	assert_int_equal(t->ctx->proc->tid, 100); /* the caller's event */
	post(t);
	c = thread(t, 200);
	p = thread(t, 100);
	assert_non_null(c);
	assert_int_equal(c->pid, 200);
	assert_int_equal(c->ptid, 100);
	assert_string_equal(c->comm, "bash");
	assert_string_equal(c->exepath, "/usr/bin/bash");
	assert_int_equal(c->args_len, 2);
	assert_string_equal(c->cwd, "/home/u");
	assert_int_equal(c->euid, 1000);
	assert_int_equal(c->clone_ts, 1000000000);
	/* fds copied, not shared */
	assert_ptr_not_equal(c->fds, p->fds);
	assert_string_equal(fdtable_get(c->fds, 3)->name, "/etc/hosts");
	assert_string_equal(fdtable_get(c->fds, 4)->name, "/home/u/x");
	/* then the child's own record: updated from its task context, not recreated */
	pre(t, "{\"type\":\"clone\",\"ts\":1000000100,\"tid\":200,\"pid\":200,\"args\":{\"res\":0,"
	       "\"flags\":0,\"ptid\":100,\"uid\":0,\"euid\":0,\"comm\":\"bash\",\"vtid\":200,"
	       "\"vpid\":200}}");
	assert_ptr_equal(t->ctx->proc, c);
	post(t);
	assert_ptr_equal(thread(t, 200), c);
	assert_int_equal(c->euid, 0);
	assert_true(c->clone_seen);
	assert_non_null(fdtable_get(c->fds, 3));
	assert_ptr_equal(state_parent(t->s, c), p);
}

static void test_fork_child_first(void **state)
{
	T *t = *state;
	Proc *c;

	run(t, "{" BASH "}");
	run(t, "{\"tid\":100,\"fd\":{\"fd\":5,\"type\":\"file\",\"name\":\"/var/log/x\"}}");
	/* the child's record arrives before the parent's */
	run(t, "{\"type\":\"fork\",\"ts\":5000,\"tid\":300,\"pid\":300,\"args\":{\"res\":0,"
	       "\"ptid\":100,\"comm\":\"bash\",\"euid\":1000}}");
	c = thread(t, 300);
	assert_non_null(c);
	assert_string_equal(c->exe, "/bin/bash");
	assert_int_equal(c->ptid, 100);
	assert_string_equal(fdtable_get(c->fds, 5)->name, "/var/log/x");
	/* the parent's record must not wipe what the child's record set */
	run(t, "{\"type\":\"openat\",\"tid\":300,\"args\":{\"fd\":6,\"dirfd\":-100,"
	       "\"name\":\"/tmp/y\",\"flags\":\"O_WRONLY\"}}");
	run(t, "{\"type\":\"fork\",\"ts\":6000,\"tid\":100,\"args\":{\"res\":300}}");
	assert_ptr_equal(thread(t, 300), c);
	assert_non_null(fdtable_get(c->fds, 6));
}

static void test_clone_files_and_threads(void **state)
{
	T *t = *state;
	Proc *p, *th, *c;

	run(t, "{" BASH "}");
	p = thread(t, 100);
	/* a thread: same process, shared fds, same parent */
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":101,"
	       "\"flags\":\"CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD\"}}");
	th = thread(t, 101);
	assert_non_null(th);
	assert_int_equal(th->pid, 100);
	assert_int_equal(th->ptid, 1);
	assert_ptr_equal(th->fds, p->fds);
	/* an open in the thread is visible to the whole process */
	run(t, "{\"type\":\"openat\",\"tid\":101,\"pid\":100,\"args\":{\"fd\":7,"
	       "\"name_abs\":\"/etc/shadow\",\"flags\":\"O_RDONLY\"}}");
	assert_string_equal(fdtable_get(p->fds, 7)->name, "/etc/shadow");
	/* a process sharing the fd table (CLONE_FILES without CLONE_THREAD) */
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":400,\"flags\":\"CLONE_FILES\"}}");
	c = thread(t, 400);
	assert_ptr_equal(c->fds, p->fds);
	assert_int_equal(p->fds->refs, 3);
	assert_int_equal(c->ptid, 100);
	/* its close is everybody's */
	run(t, "{\"type\":\"close\",\"tid\":400,\"args\":{\"res\":0,\"fd\":7}}");
	assert_null(fdtable_get(p->fds, 7));
	/* exec unshares the table: later opens stay private */
	run(t, "{\"type\":\"execve\",\"tid\":400,\"args\":{\"res\":0,\"exe\":\"ls\","
	       "\"exepath\":\"/usr/bin/ls\"}}");
	assert_ptr_not_equal(c->fds, p->fds);
	assert_int_equal(p->fds->refs, 2);
	/* a thread exit leaves the leader and the table */
	run(t, "{\"type\":\"procexit\",\"tid\":101,\"pid\":100,\"args\":{\"status\":0}}");
	assert_null(thread(t, 101));
	assert_int_equal(p->fds->refs, 1);
}

static void test_procfork(void **state)
{
	T *t = *state;
	Proc *c;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"procfork\",\"tid\":100,\"args\":{\"res\":0,\"child_tid\":500,"
	       "\"child_pid\":500,\"comm\":\"bash\"}}");
	c = thread(t, 500);
	assert_non_null(c);
	assert_int_equal(c->ptid, 100);
	/* a later clone record of the caller keeps the entry */
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":500,\"flags\":0}}");
	assert_ptr_equal(thread(t, 500), c);
	/* a thread */
	run(t, "{\"type\":\"procfork\",\"tid\":100,\"args\":{\"res\":0,\"child_tid\":102,"
	       "\"child_pid\":100}}");
	assert_ptr_equal(thread(t, 102)->fds, thread(t, 100)->fds);
}

static void test_stale_child_replaced(void **state)
{
	T *t = *state;
	Proc *c;

	run(t, "{" BASH "}");
	/* an old process whose exit was lost holds tid 600 */
	run(t, "{\"proc\":{\"pid\":600,\"comm\":\"old\",\"clone_ts\":1},"
	       "\"fd\":{\"fd\":9,\"name\":\"/old\"}}");
	run(t, "{\"type\":\"clone\",\"ts\":50000000000,\"tid\":100,\"args\":{\"res\":600,"
	       "\"flags\":0}}");
	c = thread(t, 600);
	assert_string_equal(c->comm, "bash");
	assert_null(fdtable_get(c->fds, 9));
}

static void test_exec(void **state)
{
	T *t = *state;
	Proc *p;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":3,\"name_abs\":\"/etc/a\","
	       "\"flags\":\"O_RDONLY|O_CLOEXEC\"}}");
	run(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":4,\"name_abs\":\"/etc/b\","
	       "\"flags\":\"O_RDONLY\"}}");
	run(t, "{\"type\":\"dup2\",\"tid\":100,\"args\":{\"res\":5,\"oldfd\":3,\"newfd\":5}}");
	/* a failed exec changes nothing */
	run(t, "{\"type\":\"execve\",\"tid\":100,\"args\":{\"res\":-2,\"exe\":\"nope\"}}");
	p = thread(t, 100);
	assert_string_equal(p->comm, "bash");
	assert_non_null(fdtable_get(p->fds, 3));
	/* entry record, then the exit with an empty exepath */
	run(t, "{\"type\":\"execve_e\",\"tid\":100,\"args\":{\"filename\":\"../../usr/bin/id\","
	       "\"filename_abs\":\"/home/u/../../usr/bin/id\"}}");
	assert_non_null(state_pending_exec(t->s, 100));
	pre(t, "{\"type\":\"execve\",\"ts\":777,\"tid\":100,\"args\":{\"res\":0,\"exe\":\"id\","
	       "\"args\":[\"-u\",\"-n\"],\"env\":[\"PATH=/bin\",\"HOME=/root\"],\"comm\":\"id\","
	       "\"uid\":0,\"euid\":0,\"exe_flags\":\"EXE_WRITABLE\"}}");
	/* the rules see the new image */
	assert_ptr_equal(t->ctx->proc, p);
	assert_string_equal(p->comm, "id");
	assert_non_null(state_pending_exec(t->s, 100));
	post(t);
	assert_null(state_pending_exec(t->s, 100));
	assert_string_equal(p->exe, "id");
	assert_string_equal(p->exepath, "/usr/bin/id");
	assert_int_equal(p->args_len, 5);
	assert_memory_equal(p->args, "-u\0-n", 6);
	assert_int_equal(p->env_len, strlen("PATH=/bin") + 1 + strlen("HOME=/root"));
	assert_int_equal(p->euid, 0);
	assert_int_equal(p->exe_flags, SAKER_EXE_WRITABLE);
	assert_int_equal(p->exec_ts, 777);
	assert_string_equal(p->cwd, "/home/u"); /* no cwd in the record: kept */
	/* close-on-exec fds are gone, the rest stays; dup2 cleared the flag */
	assert_null(fdtable_get(p->fds, 3));
	assert_non_null(fdtable_get(p->fds, 4));
	assert_non_null(fdtable_get(p->fds, 5));
	assert_string_equal(fdtable_get(p->fds, 5)->name, "/etc/a");
}

static void test_exec_kills_threads(void **state)
{
	T *t = *state;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":101,"
	       "\"flags\":\"CLONE_FILES|CLONE_THREAD|CLONE_VM|CLONE_SIGHAND\"}}");
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":102,"
	       "\"flags\":\"CLONE_FILES|CLONE_THREAD|CLONE_VM|CLONE_SIGHAND\"}}");
	assert_int_equal(thread(t, 100)->fds->refs, 3);
	/* thread 102 execs: after de_thread it runs as the leader, tid 100 */
	run(t, "{\"type\":\"execve\",\"tid\":100,\"args\":{\"res\":0,\"exe\":\"sh\"}}");
	assert_null(thread(t, 101));
	assert_null(thread(t, 102));
	assert_int_equal(thread(t, 100)->fds->refs, 1);
}

static void test_fexecve_memfd(void **state)
{
	T *t = *state;
	Proc *p;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"memfd_create\",\"tid\":100,\"args\":{\"fd\":3,\"name\":\"payload\","
	       "\"flags\":\"MFD_CLOEXEC\"}}");
	assert_int_equal(fd_of(t, 100, 3)->type, FD_MEMFD);
	assert_string_equal(fd_of(t, 100, 3)->name, "payload");
	assert_true(fd_of(t, 100, 3)->flags & O_CLOEXEC);
	run(t, "{\"type\":\"execveat_e\",\"tid\":100,\"args\":{\"dirfd\":3,\"pathname\":\"\","
	       "\"flags\":\"AT_EMPTY_PATH\"}}");
	run(t, "{\"type\":\"execveat\",\"tid\":100,\"args\":{\"res\":0,\"dirfd\":3,"
	       "\"pathname\":\"\",\"exe\":\"x\"}}");
	p = thread(t, 100);
	assert_string_equal(p->exepath, "/memfd:payload (deleted)");
	assert_true(p->exe_flags & SAKER_EXE_FROM_MEMFD);
}

static void test_exit_and_ancestry(void **state)
{
	T *t = *state;
	Proc *c;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":200,\"flags\":0}}");
	run(t, "{\"type\":\"procexit\",\"tid\":100,\"args\":{\"status\":0}}");
	/* the dead parent stays, so the child still has ancestors */
	c = thread(t, 200);
	assert_non_null(thread(t, 100));
	assert_true(thread(t, 100)->dead);
	assert_ptr_equal(state_ancestor(t->s, c, 1), thread(t, 100));
	/* an exit of an unknown thread creates nothing */
	pre(t, "{\"type\":\"procexit\",\"tid\":999,\"args\":{\"status\":0}}");
	assert_null(t->ctx->proc);
	post(t);
	assert_null(thread(t, 999));
}

static bool alive_list(int64_t tid, void *userdata)
{
	const int64_t *live = userdata;

	for (; *live; live++)
		if (*live == tid)
			return true;
	return tid >= 1000;
}

static void test_sweep(void **state)
{
	T *t = *state;
	Proc *p;
	int64_t i;

	/* 1 <- 10 <- 20 (alive), 30 dead without children, 40 gone without exit */
	run(t, "{\"proc\":{\"pid\":1,\"comm\":\"init\"}}");
	run(t, "{\"proc\":{\"pid\":10,\"ptid\":1,\"comm\":\"sshd\"}}");
	run(t, "{\"proc\":{\"pid\":20,\"ptid\":10,\"comm\":\"bash\"}}");
	run(t, "{\"proc\":{\"pid\":30,\"ptid\":1,\"comm\":\"x\"}}");
	run(t, "{\"proc\":{\"pid\":40,\"ptid\":1,\"comm\":\"y\"}}");
	run(t, "{\"proc\":{\"pid\":41,\"tid\":42}}");
	state_mark_dead(t->s, thread(t, 10));
	state_mark_dead(t->s, thread(t, 30));
	for (i = 0; i < 3; i++)
		state_upsert_thread(t->s, 1000 + i, 1000 + i, &p);

	/* alive: 1, 20 and the 100x ones */
	assert_int_equal(state_sweep(t->s, alive_list, (int64_t[]){ 1, 20, 0 }), 4);
	assert_non_null(thread(t, 1));
	assert_non_null(thread(t, 10)); /* dead, but 20's parent */
	assert_non_null(thread(t, 20));
	assert_null(thread(t, 30));
	assert_null(thread(t, 40));
	assert_null(thread(t, 42));
	assert_null(thread(t, 41));
}

static bool always_alive(int64_t tid, void *userdata)
{
	return true;
}

/* The frequent sweep of exited processes keeps an exited leader whose threads run on. */
static void test_sweep_keeps_leader(void **state)
{
	T *t = *state;

	run(t, "{\"proc\":{\"pid\":1,\"comm\":\"init\"}}");
	run(t, "{\"proc\":{\"pid\":50,\"ptid\":1,\"comm\":\"java\"}}");
	run(t, "{\"proc\":{\"pid\":50,\"tid\":51,\"ptid\":1,\"comm\":\"java\"}}");
	run(t, "{\"proc\":{\"pid\":60,\"ptid\":1,\"comm\":\"gone\"}}");
	state_mark_dead(t->s, thread(t, 50));
	state_mark_dead(t->s, thread(t, 60));
	assert_int_equal(state_sweep(t->s, always_alive, NULL), 1);
	assert_non_null(thread(t, 50)); /* 51 runs on */
	assert_non_null(thread(t, 51));
	assert_null(thread(t, 60));
}

static void test_pending_exec_bounded(void **state)
{
	T *t = *state;
	int64_t i;

	for (i = 0; i < STATE_MAX_PENDING_EXEC + 5; i++)
		assert_int_equal(state_set_pending_exec(t->s, i + 1, "/bin/x", NULL, -100, 0,
							(uint64_t)i),
				 0);
	assert_int_equal(u64map_size(t->s->pending_exec), STATE_MAX_PENDING_EXEC);
	assert_int_equal(t->s->pending_dropped, 5);
	assert_null(state_pending_exec(t->s, 1)); /* the oldest went first */
	assert_non_null(state_pending_exec(t->s, STATE_MAX_PENDING_EXEC + 5));
	/* entries from ts 5 on are left; those older than now - 10 expire */
	assert_int_equal(state_expire_pending(t->s, STATE_MAX_PENDING_EXEC + 5, 10),
			 STATE_MAX_PENDING_EXEC - 10);
	assert_int_equal(u64map_size(t->s->pending_exec), 10);
}

static void test_credentials_and_ns(void **state)
{
	T *t = *state;
	Proc *p;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"setuid\",\"tid\":100,\"args\":{\"res\":0,\"uid_arg\":0,\"uid\":0,"
	       "\"euid\":0,\"suid\":0,\"cap_effective\":\"CAP_SYS_ADMIN|CAP_NET_RAW\","
	       "\"cap_permitted\":\"CAP_SYS_ADMIN\",\"cap_inheritable\":0}}");
	p = thread(t, 100);
	assert_int_equal(p->uid, 0);
	assert_int_equal(p->euid, 0);
	assert_int_equal(p->cap_effective, (1ull << 21) | (1ull << 13));
	run(t, "{\"type\":\"unshare\",\"tid\":100,\"args\":{\"res\":0,\"flags\":\"CLONE_NEWNS\","
	       "\"mntns\":4026532000,\"cgroups\":\"0::/system.slice/docker-" HEX64A ".scope\"}}");
	assert_int_equal(p->mntns, 4026532000ull);
	assert_non_null(p->container);
	assert_string_equal(p->container->id, "0123456789ab");
	assert_string_equal(p->container->runtime, "docker");
}

/* ---- fds from events ---- */

static void test_open_paths(void **state)
{
	T *t = *state;
	FdInfo *f;

	run(t, "{" BASH "}");
	pre(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":3,\"dirfd\":-100,"
	       "\"name\":\"../../etc/./shadow\",\"flags\":\"O_RDONLY\",\"ino\":42,\"dev\":2049}}");
	f = t->ctx->fd;
	assert_non_null(f);
	assert_ptr_equal(f, fd_of(t, 100, 3));
	assert_string_equal(f->name, "/etc/shadow");
	assert_int_equal(f->type, FD_FILE);
	assert_int_equal(f->ino, 42);
	assert_int_equal(f->dev, 2049);
	post(t);
	/* relative to a directory fd */
	run(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":4,\"dirfd\":-100,"
	       "\"name\":\"/var/log\",\"flags\":\"O_RDONLY|O_DIRECTORY\"}}");
	assert_int_equal(fd_of(t, 100, 4)->type, FD_DIRECTORY);
	run(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":5,\"dirfd\":4,"
	       "\"name\":\"syslog\",\"flags\":\"O_WRONLY|O_APPEND\"}}");
	assert_string_equal(fd_of(t, 100, 5)->name, "/var/log/syslog");
	/* the kernel's resolved path wins, normalised */
	run(t, "{\"type\":\"open\",\"tid\":100,\"args\":{\"fd\":6,\"name\":\"whatever\","
	       "\"name_abs\":\"/a/b/../c\",\"flags\":0}}");
	assert_string_equal(fd_of(t, 100, 6)->name, "/a/c");
	run(t, "{\"type\":\"creat\",\"tid\":100,\"args\":{\"fd\":7,\"name\":\"new.txt\"}}");
	assert_string_equal(fd_of(t, 100, 7)->name, "/home/u/new.txt");
	assert_true(fd_of(t, 100, 7)->flags & O_CREAT);
	/* a failed open adds nothing and concerns no fd */
	pre(t, "{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":-13,\"dirfd\":-100,"
	       "\"name\":\"/root/x\",\"flags\":0}}");
	assert_null(t->ctx->fd);
	post(t);
	assert_int_equal(fdtable_size(thread(t, 100)->fds), 5);
}

static void test_close_after_rules(void **state)
{
	T *t = *state;

	run(t, "{" BASH ",\"fd\":{\"fd\":3,\"name\":\"/etc/passwd\"}}");
	pre(t, "{\"type\":\"close\",\"tid\":100,\"args\":{\"res\":0,\"fd\":3}}");
	assert_non_null(t->ctx->fd);
	assert_string_equal(t->ctx->fd->name, "/etc/passwd");
	assert_non_null(fd_of(t, 100, 3)); /* still there while rules run */
	post(t);
	assert_null(fd_of(t, 100, 3));
	/* a failed close removes nothing */
	run(t, "{\"tid\":100,\"fd\":{\"fd\":4,\"name\":\"/x\"}}");
	run(t, "{\"type\":\"close\",\"tid\":100,\"args\":{\"res\":-9,\"fd\":4}}");
	assert_non_null(fd_of(t, 100, 4));
}

static void test_dup_family(void **state)
{
	T *t = *state;

	run(t, "{" BASH ",\"fds\":[{\"fd\":3,\"name\":\"/etc/a\",\"flags\":\"O_RDONLY|O_CLOEXEC\"},"
	       "{\"fd\":1,\"type\":\"pipe\",\"name\":\"\"}]}");
	pre(t, "{\"type\":\"dup\",\"tid\":100,\"args\":{\"res\":4,\"oldfd\":3}}");
	assert_ptr_equal(t->ctx->fd, fd_of(t, 100, 4));
	post(t);
	assert_string_equal(fd_of(t, 100, 4)->name, "/etc/a");
	assert_false(fd_of(t, 100, 4)->flags & O_CLOEXEC);
	/* dup2 onto an open fd replaces it */
	run(t, "{\"type\":\"dup2\",\"tid\":100,\"args\":{\"res\":1,\"oldfd\":3,\"newfd\":1}}");
	assert_int_equal(fd_of(t, 100, 1)->type, FD_FILE);
	assert_string_equal(fd_of(t, 100, 1)->name, "/etc/a");
	/* dup3 with O_CLOEXEC */
	run(t, "{\"type\":\"dup3\",\"tid\":100,\"args\":{\"res\":8,\"oldfd\":3,\"newfd\":8,"
	       "\"flags\":\"O_CLOEXEC\"}}");
	assert_true(fd_of(t, 100, 8)->flags & O_CLOEXEC);
	/* dup2 of an unknown fd: the target is no longer what we knew */
	run(t, "{\"type\":\"dup2\",\"tid\":100,\"args\":{\"res\":8,\"oldfd\":77,\"newfd\":8}}");
	assert_null(fd_of(t, 100, 8));
	/* fcntl(F_DUPFD_CLOEXEC) and F_SETFD */
	run(t, "{\"type\":\"fcntl\",\"tid\":100,\"args\":{\"res\":10,\"fd\":4,"
	       "\"cmd\":\"F_DUPFD_CLOEXEC\",\"arg\":10}}");
	assert_true(fd_of(t, 100, 10)->flags & O_CLOEXEC);
	run(t, "{\"type\":\"fcntl\",\"tid\":100,\"args\":{\"res\":0,\"fd\":4,\"cmd\":\"F_SETFD\","
	       "\"arg\":1}}");
	assert_true(fd_of(t, 100, 4)->flags & O_CLOEXEC);
	run(t, "{\"type\":\"fcntl\",\"tid\":100,\"args\":{\"res\":0,\"fd\":4,\"cmd\":\"F_SETFD\","
	       "\"arg\":0}}");
	assert_false(fd_of(t, 100, 4)->flags & O_CLOEXEC);
}

static void test_pipes(void **state)
{
	T *t = *state;

	run(t, "{" BASH "}");
	pre(t, "{\"type\":\"pipe2\",\"tid\":100,\"args\":{\"res\":0,\"fd1\":3,\"fd2\":4,"
	       "\"ino\":123456,\"flags\":\"O_CLOEXEC\"}}");
	assert_ptr_equal(t->ctx->fd, fd_of(t, 100, 3));
	post(t);
	assert_int_equal(fd_of(t, 100, 3)->type, FD_PIPE);
	assert_int_equal(fd_of(t, 100, 4)->type, FD_PIPE);
	assert_int_equal(fd_of(t, 100, 4)->ino, 123456);
	assert_null(fd_of(t, 100, 4)->name); /* Falco: no name for pipe() fds */
	assert_true(fd_of(t, 100, 3)->flags & O_CLOEXEC);
	assert_int_equal(fd_of(t, 100, 4)->flags & O_ACCMODE, O_WRONLY);
	run(t, "{\"type\":\"pipe\",\"tid\":100,\"args\":{\"res\":-24,\"fd1\":5,\"fd2\":6}}");
	assert_null(fd_of(t, 100, 5));
}

static void test_sockets(void **state)
{
	T *t = *state;
	FdInfo *f;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"socket\",\"tid\":100,\"args\":{\"fd\":3,\"domain\":\"AF_INET\","
	       "\"type\":\"SOCK_STREAM|SOCK_CLOEXEC\",\"proto\":0}}");
	f = fd_of(t, 100, 3);
	assert_int_equal(f->type, FD_IPV4_SOCK);
	assert_int_equal(f->l4proto, 6);
	assert_true(f->flags & O_CLOEXEC);
	pre(t, "{\"type\":\"connect\",\"tid\":100,\"args\":{\"res\":0,\"fd\":3,"
	       "\"addr\":\"1.2.3.4:443\",\"tuple\":\"10.0.0.1:40000->1.2.3.4:443\"}}");
	assert_ptr_equal(t->ctx->fd, f);
	post(t);
	assert_string_equal(f->name, "10.0.0.1:40000->1.2.3.4:443");
	assert_false(f->is_server);
	assert_true(f->connected);
	assert_int_equal(f->dport, 443);
	assert_memory_equal(f->daddr, ((uint8_t[]){ 1, 2, 3, 4 }), 4);
	/* UDP on IPv6 */
	run(t, "{\"type\":\"socket\",\"tid\":100,\"args\":{\"fd\":4,\"domain\":\"AF_INET6\","
	       "\"type\":\"SOCK_DGRAM\",\"proto\":17}}");
	run(t, "{\"type\":\"connect\",\"tid\":100,\"args\":{\"res\":0,\"fd\":4,"
	       "\"tuple\":{\"tuple\":\"[2001:db8::1]:5353->[2001:db8::53]:53\",\"proto\":\"udp\"}}}");
	assert_string_equal(fd_of(t, 100, 4)->name, "2001:db8::1:5353->2001:db8::53:53");
	assert_int_equal(fd_of(t, 100, 4)->l4proto, 17);
	/* an IPv6 socket talking IPv4-mapped is an ipv4 fd, as in Falco */
	run(t, "{\"type\":\"socket\",\"tid\":100,\"args\":{\"fd\":5,\"domain\":\"AF_INET6\","
	       "\"type\":\"SOCK_STREAM\",\"proto\":0}}");
	run(t, "{\"type\":\"connect\",\"tid\":100,\"args\":{\"res\":-115,\"fd\":5,"
	       "\"tuple\":\"[::ffff:10.0.0.1]:1000->[::ffff:8.8.8.8]:53\"}}");
	assert_int_equal(fd_of(t, 100, 5)->type, FD_IPV4_SOCK);
	assert_string_equal(fd_of(t, 100, 5)->name, "10.0.0.1:1000->8.8.8.8:53");
	/* a failed connect leaves the socket as it was */
	run(t, "{\"type\":\"socket\",\"tid\":100,\"args\":{\"fd\":6,\"domain\":2,\"type\":1,"
	       "\"proto\":6}}");
	run(t, "{\"type\":\"connect\",\"tid\":100,\"args\":{\"res\":-111,\"fd\":6,"
	       "\"tuple\":\"10.0.0.1:1->10.0.0.2:2\"}}");
	assert_null(fd_of(t, 100, 6)->name);
	/* unix: Falco's "source->dest path" */
	run(t, "{\"type\":\"socket\",\"tid\":100,\"args\":{\"fd\":7,\"domain\":\"AF_UNIX\","
	       "\"type\":\"SOCK_STREAM\",\"proto\":0}}");
	assert_int_equal(fd_of(t, 100, 7)->type, FD_UNIX_SOCK);
	run(t, "{\"type\":\"connect\",\"tid\":100,\"args\":{\"res\":0,\"fd\":7,"
	       "\"addr\":\"/run/docker.sock\","
	       "\"tuple\":\"ffff9c6b3f4e8c00->ffff9c6b3f4e9000 /run/docker.sock\"}}");
	assert_string_equal(fd_of(t, 100, 7)->name,
			    "ffff9c6b3f4e8c00->ffff9c6b3f4e9000 /run/docker.sock");
	/* connect on a socket we never saw: learned from the tuple */
	run(t, "{\"type\":\"connect\",\"tid\":100,\"args\":{\"res\":0,\"fd\":20,"
	       "\"tuple\":\"10.1.1.1:5000->10.2.2.2:22\"}}");
	assert_int_equal(fd_of(t, 100, 20)->type, FD_IPV4_SOCK);
}

static void test_server_sockets(void **state)
{
	T *t = *state;
	FdInfo *f;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"socket\",\"tid\":100,\"args\":{\"fd\":3,\"domain\":\"AF_INET\","
	       "\"type\":\"SOCK_STREAM\",\"proto\":6}}");
	run(t, "{\"type\":\"bind\",\"tid\":100,\"args\":{\"res\":0,\"fd\":3,"
	       "\"addr\":\"0.0.0.0:8080\"}}");
	f = fd_of(t, 100, 3);
	assert_string_equal(f->name, "0.0.0.0:8080");
	assert_true(f->is_server);
	assert_int_equal(f->dport, 8080);
	run(t, "{\"type\":\"listen\",\"tid\":100,\"args\":{\"res\":0,\"fd\":3,\"backlog\":5}}");
	pre(t, "{\"type\":\"accept4\",\"tid\":100,\"args\":{\"fd\":4,\"listen_fd\":3,"
	       "\"tuple\":\"192.168.1.9:51000->192.168.1.2:8080\",\"flags\":\"SOCK_CLOEXEC\"}}");
	f = t->ctx->fd;
	post(t);
	assert_ptr_equal(f, fd_of(t, 100, 4));
	assert_true(f->is_server);
	assert_int_equal(f->l4proto, 6);
	assert_true(f->flags & O_CLOEXEC);
	assert_string_equal(f->name, "192.168.1.9:51000->192.168.1.2:8080");
	assert_int_equal(f->sport, 51000); /* the client */
	/* a forged accept returning the listening fd itself replaces it safely */
	run(t, "{\"type\":\"accept\",\"tid\":100,\"args\":{\"fd\":3,\"listen_fd\":3}}");
	f = fd_of(t, 100, 3);
	assert_true(f->is_server);
	assert_int_equal(f->type, FD_IPV4_SOCK);
	assert_int_equal(f->l4proto, 6);
	/* UDP: sendto on an unknown fd is taken for a UDP socket, as Falco does */
	run(t, "{\"type\":\"sendto\",\"tid\":100,\"args\":{\"res\":12,\"fd\":9,\"size\":12,"
	       "\"addr\":\"8.8.8.8:53\"}}");
	f = fd_of(t, 100, 9);
	assert_non_null(f);
	assert_int_equal(f->l4proto, 17);
	assert_int_equal(f->dport, 53);
	assert_string_equal(f->name, "0.0.0.0:0->8.8.8.8:53");
	/* socketpair */
	run(t, "{\"type\":\"socketpair\",\"tid\":100,\"args\":{\"res\":0,\"fd1\":11,\"fd2\":12,"
	       "\"domain\":\"AF_UNIX\",\"type\":\"SOCK_STREAM\",\"proto\":0}}");
	assert_int_equal(fd_of(t, 100, 11)->type, FD_UNIX_SOCK);
	assert_int_equal(fd_of(t, 100, 12)->type, FD_UNIX_SOCK);
}

static void test_special_fds(void **state)
{
	T *t = *state;

	run(t, "{" BASH "}");
	run(t, "{\"type\":\"userfaultfd\",\"tid\":100,\"args\":{\"res\":3,\"flags\":\"O_CLOEXEC\"}}");
	assert_int_equal(fd_of(t, 100, 3)->type, FD_USERFAULTFD);
	run(t, "{\"type\":\"io_uring_setup\",\"tid\":100,\"args\":{\"res\":4,\"entries\":8}}");
	assert_int_equal(fd_of(t, 100, 4)->type, FD_IOURING);
	run(t, "{\"type\":\"bpf\",\"tid\":100,\"args\":{\"res\":5,\"cmd\":\"BPF_PROG_LOAD\"}}");
	assert_int_equal(fd_of(t, 100, 5)->type, FD_BPF);
	run(t, "{\"type\":\"bpf\",\"tid\":100,\"args\":{\"res\":0,\"cmd\":\"BPF_MAP_UPDATE_ELEM\"}}");
	assert_int_equal(fd_of(t, 100, 0) ? 1 : 0, 0);
	run(t, "{\"type\":\"fsopen\",\"tid\":100,\"args\":{\"res\":6,\"fsname\":\"ext4\"}}");
	assert_int_equal(fd_of(t, 100, 6)->type, FD_FSCONTEXT);
	run(t, "{\"type\":\"fsmount\",\"tid\":100,\"args\":{\"res\":7,\"fs_fd\":6}}");
	assert_string_equal(fd_of(t, 100, 7)->name, "ext4");
	run(t, "{\"type\":\"open_tree\",\"tid\":100,\"args\":{\"res\":8,\"dfd\":-100,"
	       "\"filename\":\"/mnt\",\"filename_abs\":\"/mnt/\"}}");
	assert_string_equal(fd_of(t, 100, 8)->name, "/mnt");
	run(t, "{\"type\":\"perf_event_open\",\"tid\":100,\"args\":{\"res\":9,\"flags\":8}}");
	assert_true(fd_of(t, 100, 9)->flags & O_CLOEXEC);
	/* all of them except the uffd/perf ones with flags are close-on-exec here */
	run(t, "{\"type\":\"execve\",\"tid\":100,\"args\":{\"res\":0}}");
	assert_null(fd_of(t, 100, 3));
	assert_null(fd_of(t, 100, 4));
	assert_null(fd_of(t, 100, 5));
	assert_non_null(fd_of(t, 100, 6));
}

/* ---- containers ---- */

static void test_container_refcount(void **state)
{
	T *t = *state;
	Container *c;

	run(t, "{\"proc\":{\"pid\":100,\"cgroups\":\"/docker/" HEX64A "\"}}");
	c = thread(t, 100)->container;
	assert_non_null(c);
	assert_int_equal(c->refs, 1);
	assert_ptr_equal(state_find_container(t->s, HEX64A), c);
	/* the child shares it */
	run(t, "{\"type\":\"clone\",\"tid\":100,\"args\":{\"res\":101,\"flags\":0}}");
	assert_ptr_equal(thread(t, 101)->container, c);
	assert_int_equal(c->refs, 2);
	/* moving to another cgroup */
	run(t, "{\"type\":\"setns\",\"tid\":101,\"args\":{\"res\":0,\"fd\":3,"
	       "\"cgroups\":\"0::/kubepods.slice/kubepods-besteffort.slice/"
	       "kubepods-besteffort-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/"
	       "cri-containerd-" HEX64B ".scope\"}}");
	assert_int_equal(c->refs, 1);
	assert_string_equal(thread(t, 101)->container->runtime, "containerd");
	assert_string_equal(thread(t, 101)->container->k8s_pod_uid,
			    "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
	/* the last reference gone: the container leaves the table */
	state_remove_thread(t->s, 100);
	assert_null(state_find_container(t->s, HEX64A));
	/* back to the host */
	run(t, "{\"proc\":{\"pid\":101,\"cgroups\":\"0::/user.slice/user-1000.slice\"}}");
	assert_null(thread(t, 101)->container);
	assert_null(state_find_container(t->s, HEX64B));
}

static void test_container_upsert(void **state)
{
	T *t = *state;
	Container tmpl = { .id = "abc", .name = "web", .image = "reg:5000/ns/nginx:1.25@sha256:ff",
			   .privileged = true };
	Container *c;

	assert_int_equal(state_upsert_container(t->s, &tmpl, &c), 0);
	assert_string_equal(c->id, "abc");
	assert_string_equal(c->image_repository, "reg:5000/ns/nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_string_equal(c->image_digest, "sha256:ff");
	assert_true(c->privileged);
	assert_int_equal(c->refs, 0);
	/* a process joins it by id */
	run(t, "{\"proc\":{\"pid\":5,\"container_id\":\"abc\"}}");
	assert_ptr_equal(thread(t, 5)->container, c);
	assert_int_equal(c->refs, 1);
	assert_int_equal(state_upsert_container(t->s, &(Container){ 0 }, NULL), -EINVAL);
}

/* ---- snapshots ---- */

static void test_snapshot(void **state)
{
	T *t = *state;
	ProcSnapshot snap = { .tid = 77,
			      .set = PS_PID | PS_COMM | PS_ARGS | PS_UID | PS_CAPS | PS_CLONE_TS,
			      .pid = 77,
			      .comm = "nginx: worker process with a name much longer than any comm "
				      "the kernel would ever keep for a task",
			      .args = "-g\0daemon off;",
			      .args_len = 14,
			      .uid = 33,
			      .cap_effective = 5,
			      .clone_ts = 99 };
	Proc *p;
	FdInfo f = { .fd = 6, .type = FD_IPV4_SOCK, .name = "0.0.0.0:80", .is_server = true };
	FdInfo *got;

	assert_int_equal(state_upsert_proc_snapshot(t->s, &snap, &p), 0);
	assert_true(p->from_proc);
	assert_int_equal(strlen(p->comm), STATE_MAX_COMM - 1);
	assert_int_equal(p->args_len, 14);
	assert_int_equal(p->uid, 33);
	assert_int_equal(p->cap_effective, 5);
	assert_int_equal(p->clone_ts, 99);
	/* only the fields given change */
	snap.set = PS_UID;
	snap.uid = 0;
	assert_int_equal(state_upsert_proc_snapshot(t->s, &snap, &p), 0);
	assert_int_equal(p->uid, 0);
	assert_int_equal(p->cap_effective, 5);
	assert_int_equal(state_upsert_fd_snapshot(t->s, 77, &f, &got), 0);
	assert_string_equal(got->name, "0.0.0.0:80");
	assert_ptr_not_equal(got->name, f.name);
	assert_int_equal(state_upsert_fd_snapshot(t->s, 78, &f, NULL), -ESRCH);
	/* arguments are cut at the limit */
	{
		char *big = malloc(STATE_MAX_ARGS_BYTES * 2);

		memset(big, 'a', STATE_MAX_ARGS_BYTES * 2);
		snap.set = PS_ARGS;
		snap.args = big;
		snap.args_len = STATE_MAX_ARGS_BYTES * 2;
		assert_int_equal(state_upsert_proc_snapshot(t->s, &snap, &p), 0);
		assert_int_equal(p->args_len, STATE_MAX_ARGS_BYTES);
		assert_int_equal(p->args[p->args_len], 0);
		free(big);
	}
}

/* ---- the user db ---- */

static void test_userdb(void **state)
{
	static const char passwd[] = "# comment\n"
				     "root:x:0:0:root:/root:/bin/bash\n"
				     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				     "broken line\n"
				     "toomany:x:5:5:a:b:c:d\n"
				     "badid:x:abc:1::/:/bin/sh\n"
				     "+nis\n"
				     "\n"
				     "shadowroot:x:0:0::/nope:/bin/sh\n"
				     "u:x:1000:1000:User,,,:/home/u:/bin/zsh\r\n"
				     "last:x:4294967294:1::/:/bin/sh";
	static const char group[] = "root:x:0:\nadm:x:4:syslog,u\nbad\ndocker:x:999:u\n";
	UserDb *db = userdb_new();

	(void)state;
	assert_non_null(db);
	assert_int_equal(userdb_parse_passwd(db, passwd, strlen(passwd)), 3);
	assert_int_equal(userdb_nusers(db), 4);
	assert_string_equal(userdb_user_name(db, 0), "root"); /* the first entry wins */
	assert_string_equal(userdb_user_home(db, 0), "/root");
	assert_string_equal(userdb_user_shell(db, 1000), "/bin/zsh");
	assert_string_equal(userdb_user_name(db, 4294967294u), "last");
	assert_null(userdb_user_name(db, 5));
	assert_null(userdb_user_name(db, 12345));
	assert_int_equal(userdb_parse_group(db, group, strlen(group)), 1);
	assert_string_equal(userdb_group_name(db, 999), "docker");
	assert_string_equal(userdb_group_name(db, 4), "adm");
	assert_null(userdb_group_name(db, 5));
	/* a refresh replaces entries */
	assert_int_equal(userdb_parse_passwd(db, "toor:x:0:0::/t:/bin/sh\n", 23), 0);
	assert_string_equal(userdb_user_name(db, 0), "toor");
	assert_null(userdb_user_name(NULL, 0));
	userdb_free(db);
	assert_null(userdb_free(NULL));
}

/* ---- iteration ---- */

static void test_iteration(void **state)
{
	T *t = *state;
	int64_t want[] = { 101, 300, 100, 200 }; /* live: least recently used first, then dead */
	bool seen[4] = { false };
	size_t iter = 0, n = 0, i;
	Container *c;
	Proc *p, *q;

	assert_null(state_next_thread_lru(t->s, NULL));
	assert_false(state_next_thread(t->s, &iter, &p));
	assert_int_equal(state_nfds(t->s), 0);
	assert_int_equal(state_upsert_thread(t->s, 100, 100, &p), 1);
	assert_int_equal(state_upsert_thread(t->s, 101, 100, &q), 1);
	assert_int_equal(state_upsert_thread(t->s, 200, 200, &q), 1);
	assert_int_equal(state_upsert_thread(t->s, 300, 300, &q), 1);
	state_mark_dead(t->s, state_get_thread(t->s, 200));
	state_touch(t->s, p);
	while (state_next_thread(t->s, &iter, &q)) {
		for (i = 0; i < 4 && want[i] != q->tid; i++)
			;
		assert_true(i < 4);
		assert_false(seen[i]);
		seen[i] = true;
		n++;
	}
	assert_int_equal(n, 4);
	for (i = 0, q = state_next_thread_lru(t->s, NULL); q; q = state_next_thread_lru(t->s, q))
		assert_int_equal(q->tid, want[i++]);
	assert_int_equal(i, 4);

	/* fds: a table shared by the threads of 100 (and by 400, CLONE_FILES) counts once */
	run(t, "{\"tid\":100,\"fds\":[{\"fd\":3,\"name\":\"/a\"},{\"fd\":4,\"name\":\"/b\"}]}");
	run(t, "{\"tid\":300,\"fd\":{\"fd\":3,\"name\":\"/c\"}}");
	assert_int_equal(state_upsert_thread(t->s, 400, 400, &q), 1);
	fdtable_unref(q->fds);
	q->fds = fdtable_ref(p->fds);
	assert_int_equal(state_nfds(t->s), 3);

	assert_int_equal(state_ncontainers(t->s), 0);
	assert_int_equal(state_upsert_container(t->s, &(Container){ .id = "aaa" }, NULL), 0);
	assert_int_equal(state_upsert_container(t->s, &(Container){ .id = "bbb" }, NULL), 0);
	assert_int_equal(state_ncontainers(t->s), 2);
	iter = n = 0;
	while (state_next_container(t->s, &iter, &c)) {
		assert_true(strcmp(c->full_id, "aaa") == 0 || strcmp(c->full_id, "bbb") == 0);
		n++;
	}
	assert_int_equal(n, 2);
}

static void test_userdb_iteration(void **state)
{
	UserDb *db = userdb_new();
	const char *name, *home, *shell;
	unsigned users = 0, groups = 0;
	size_t iter = 0;
	uint32_t id;

	(void)state;
	assert_false(userdb_next_user(NULL, &iter, &id, &name, &home, &shell));
	assert_non_null(db);
	assert_false(userdb_next_user(db, &iter, &id, &name, &home, &shell));
	assert_int_equal(userdb_add_user(db, 0, "root", "/root", "/bin/bash"), 0);
	assert_int_equal(userdb_add_user(db, 4294967294u, "nobody", NULL, NULL), 0);
	assert_int_equal(userdb_add_group(db, 27, "sudo"), 0);
	iter = 0;
	while (userdb_next_user(db, &iter, &id, &name, &home, &shell)) {
		if (id == 0) {
			assert_string_equal(name, "root");
			assert_string_equal(home, "/root");
			assert_string_equal(shell, "/bin/bash");
			users |= 1;
		} else {
			assert_int_equal(id, 4294967294u);
			assert_string_equal(name, "nobody");
			assert_null(home);
			assert_null(shell);
			users |= 2;
		}
	}
	assert_int_equal(users, 3);
	iter = 0;
	while (userdb_next_group(db, &iter, &id, NULL)) {
		assert_int_equal(id, 27);
		groups++;
	}
	assert_int_equal(groups, 1);
	userdb_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_upsert_get_remove),
		T(test_parent_and_ancestors),
		T(test_lru_order),
		T(test_eviction_dead_first),
		T(test_mark_dead_thread_removed),
		cmocka_unit_test(test_fdtable),
		cmocka_unit_test(test_fdinfo_format_tuple),
		cmocka_unit_test(test_path_join),
		T(test_fork_parent_first),
		T(test_fork_child_first),
		T(test_clone_files_and_threads),
		T(test_procfork),
		T(test_stale_child_replaced),
		T(test_exec),
		T(test_exec_kills_threads),
		T(test_fexecve_memfd),
		T(test_exit_and_ancestry),
		T(test_sweep),
		T(test_sweep_keeps_leader),
		T(test_pending_exec_bounded),
		T(test_credentials_and_ns),
		T(test_open_paths),
		T(test_close_after_rules),
		T(test_dup_family),
		T(test_pipes),
		T(test_sockets),
		T(test_server_sockets),
		T(test_special_fds),
		T(test_container_refcount),
		T(test_container_upsert),
		T(test_snapshot),
		cmocka_unit_test(test_userdb),
		T(test_iteration),
		cmocka_unit_test(test_userdb_iteration),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
