// SPDX-License-Identifier: MIT
/*
 * Unit tests for capture snapshots and capture replay (daemon/capture/
 * snapshot.c, replay.c).  A state is built the way the daemon builds it
 * (context lines and events through the fixture reader and the updater),
 * written as a snapshot and applied to a fresh State; the two are compared
 * entry by entry and through the real field table, every field on every
 * live thread and fd.  A capture made of a snapshot, events, a mid-stream
 * snapshot block and statistics must give the alerts the original state
 * gives; cut or damaged copies must end with the byte offset of the damage.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/replay.h"
#include "capture/snapshot.h"
#include "event/fixture.h"
#include "rules/engine.h"
#include "rules/format.h"
#include "rules/ruleset.h"
#include "state/update.h"

#define HEX64A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define BOOT_NS 1700000000000000000ull
#define HOST_PIDNS 4026531836ull

/* ---- building states ---- */

typedef struct Builder {
	State *s;
	EvalCtx *ctx;
	FixtureReader *r;
} Builder;

static Builder *builder_new(void)
{
	Builder *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->s = state_new();
	b->ctx = calloc(1, sizeof(*b->ctx));
	b->r = fixture_reader_new("build.jsonl");
	assert_non_null(b->s);
	assert_non_null(b->ctx);
	assert_non_null(b->r);
	return b;
}

static void builder_free(Builder *b)
{
	fixture_reader_free(b->r);
	state_free(b->s);
	free(b->ctx);
	free(b);
}

/* One JSON line: its context, then its event through the updater. */
static void feed(Builder *b, const char *json)
{
	FixtureEvent *fe = NULL;
	int r;

	r = fixture_reader_parse_line(b->r, json, strlen(json), &fe);
	if (r < 0)
		fail_msg("%s", fixture_reader_error(b->r));
	if (r == 0)
		return;
	assert_int_equal(fixture_event_apply(fe, b->s), 0);
	if (fe->has_event) {
		eval_reset(b->ctx);
		assert_int_equal(state_update(b->s, &fe->evt, b->ctx), 0);
		state_update_post(b->s, &fe->evt, b->ctx);
	}
	fixture_event_free(fe);
}

/*
 * A host: systemd -> sshd -> bash (exited: a dead ancestor) -> python3 with a
 * second thread sharing its fds (files, TCP client and server, UDP over IPv6,
 * unix, pipe, memfd); a java process whose leader exited while its two threads
 * run on; nginx in a labelled Kubernetes container found from its cgroup, a
 * process in the same container with the host's pid namespace, an exited
 * process nobody needs, an unused container; users and groups.
 */
static const char *const host_lines[] = {
	"{\"format\":\"saker-events\",\"version\":1,\"boot_ns\":1700000000000000000}",
	"{\"users\":[{\"uid\":0,\"name\":\"root\",\"home\":\"/root\",\"shell\":\"/bin/bash\"},"
	"{\"uid\":1000,\"name\":\"alice\",\"home\":\"/home/alice\",\"shell\":\"/bin/zsh\"},"
	"{\"uid\":101,\"name\":\"nginx\"}],"
	"\"groups\":[{\"gid\":0,\"name\":\"root\"},{\"gid\":1000,\"name\":\"alice\"}]}",
	"{\"container\":{\"id\":\"0123456789ab\",\"full_id\":\"" HEX64A "\",\"runtime\":\"docker\","
	"\"name\":\"web\",\"image\":\"registry.example.com:5000/shop/nginx:1.25\","
	"\"labels\":{\"app\":\"web\",\"tier\":\"front\"},\"k8s_pod_name\":\"web-7d9f\","
	"\"k8s_ns_name\":\"prod\",\"k8s_pod_uid\":\"7d9f-uid\",\"privileged\":true,"
	"\"created\":\"2026-11-30T07:00:00Z\"}}",
	"{\"container\":{\"id\":\"" HEX64B "\",\"runtime\":\"containerd\",\"name\":\"db\","
	"\"image\":\"postgres:16\",\"image_digest\":\"sha256:abcd\"}}",
	"{\"proc\":{\"pid\":1,\"comm\":\"systemd\",\"exe\":\"/sbin/init\","
	"\"exepath\":\"/usr/lib/systemd/systemd\",\"args\":[\"--system\",\"--deserialize\",\"29\"],"
	"\"cwd\":\"/\",\"pidns\":4026531836,\"mntns\":4026531840,"
	"\"clone_ts\":1700000000000000010}}",
	"{\"proc\":{\"pid\":100,\"ptid\":1,\"sid\":100,\"pgid\":100,\"comm\":\"sshd\","
	"\"exe\":\"/usr/sbin/sshd\",\"exepath\":\"/usr/sbin/sshd\",\"args\":[\"-D\"],\"cwd\":\"/\","
	"\"pidns\":4026531836,\"exe_ino\":1234,\"exe_dev\":2049}}",
	"{\"proc\":{\"pid\":200,\"ptid\":100,\"sid\":200,\"pgid\":200,\"comm\":\"bash\","
	"\"exe\":\"-bash\",\"exepath\":\"/usr/bin/bash\",\"args\":[],"
	"\"env\":[\"HOME=/home/alice\",\"PATH=/usr/bin:/bin\",\"LANG=C.UTF-8\"],"
	"\"cwd\":\"/home/alice\",\"uid\":1000,\"gid\":1000,\"euid\":1000,\"egid\":1000,"
	"\"loginuid\":1000,\"tty\":34816,\"cap_permitted\":\"CAP_CHOWN|CAP_NET_RAW\","
	"\"cap_effective\":\"CAP_NET_RAW\",\"pidns\":4026531836}}",
	"{\"type\":\"clone\",\"ts\":1700000100000000000,\"tid\":200,\"args\":{\"res\":300,"
	"\"flags\":\"CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID\"}}",
	"{\"type\":\"clone\",\"ts\":1700000100000001000,\"tid\":300,\"pid\":300,"
	"\"args\":{\"res\":0,\"flags\":0,\"ptid\":200,\"comm\":\"bash\",\"vtid\":300,"
	"\"vpid\":300}}",
	"{\"type\":\"execve\",\"ts\":1700000100000500000,\"tid\":300,\"args\":{\"res\":0,"
	"\"filename\":\"/usr/bin/python3\",\"exe\":\"python3\",\"args\":[\"app.py\",\"--port\","
	"\"8080\"],\"cwd\":\"/srv/app\",\"exepath\":\"/usr/bin/python3.11\",\"uid\":1000,"
	"\"gid\":1000,\"euid\":1000,\"egid\":1000,\"loginuid\":1000,\"ptid\":200,"
	"\"comm\":\"python3\",\"tty\":34816}}",
	"{\"type\":\"openat\",\"ts\":1700000100001000000,\"tid\":300,\"args\":{\"fd\":3,"
	"\"dirfd\":-100,\"name\":\"/etc/hosts\",\"flags\":\"O_RDONLY|O_CLOEXEC\"}}",
	"{\"type\":\"openat\",\"ts\":1700000100001100000,\"tid\":300,\"args\":{\"fd\":4,"
	"\"dirfd\":-100,\"name\":\"data/app.db\",\"flags\":\"O_RDWR|O_CREAT\",\"mode\":\"0600\"}}",
	"{\"type\":\"socket\",\"tid\":300,\"args\":{\"fd\":5,\"domain\":\"AF_INET\","
	"\"type\":\"SOCK_STREAM|SOCK_CLOEXEC\",\"proto\":0}}",
	"{\"type\":\"connect\",\"tid\":300,\"args\":{\"res\":0,\"fd\":5,"
	"\"addr\":\"93.184.216.34:443\",\"tuple\":\"10.0.0.5:40000->93.184.216.34:443\"}}",
	"{\"type\":\"socket\",\"tid\":300,\"args\":{\"fd\":6,\"domain\":\"AF_INET\","
	"\"type\":\"SOCK_STREAM\",\"proto\":6}}",
	"{\"type\":\"bind\",\"tid\":300,\"args\":{\"res\":0,\"fd\":6,\"addr\":\"0.0.0.0:8080\"}}",
	"{\"type\":\"listen\",\"tid\":300,\"args\":{\"res\":0,\"fd\":6,\"backlog\":5}}",
	"{\"type\":\"accept4\",\"tid\":300,\"args\":{\"fd\":7,\"listen_fd\":6,"
	"\"tuple\":\"192.168.1.9:51000->192.168.1.2:8080\",\"flags\":\"SOCK_CLOEXEC\"}}",
	"{\"type\":\"pipe2\",\"tid\":300,\"args\":{\"res\":0,\"fd1\":8,\"fd2\":9,\"ino\":123456,"
	"\"flags\":\"O_CLOEXEC\"}}",
	"{\"type\":\"socket\",\"tid\":300,\"args\":{\"fd\":10,\"domain\":\"AF_INET6\","
	"\"type\":\"SOCK_DGRAM\",\"proto\":17}}",
	"{\"type\":\"connect\",\"tid\":300,\"args\":{\"res\":0,\"fd\":10,"
	"\"tuple\":{\"tuple\":\"[2001:db8::1]:5353->[2001:db8::53]:53\",\"proto\":\"udp\"}}}",
	"{\"type\":\"socket\",\"tid\":300,\"args\":{\"fd\":11,\"domain\":\"AF_UNIX\","
	"\"type\":\"SOCK_STREAM\",\"proto\":0}}",
	"{\"type\":\"connect\",\"tid\":300,\"args\":{\"res\":0,\"fd\":11,"
	"\"addr\":\"/run/docker.sock\","
	"\"tuple\":\"ffff9c6b3f4e8c00->ffff9c6b3f4e9000 /run/docker.sock\"}}",
	"{\"type\":\"memfd_create\",\"tid\":300,\"args\":{\"fd\":13,\"name\":\"payload\","
	"\"flags\":\"MFD_CLOEXEC\"}}",
	"{\"type\":\"clone\",\"ts\":1700000100002000000,\"tid\":300,\"args\":{\"res\":301,"
	"\"flags\":\"CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD\"}}",
	"{\"type\":\"openat\",\"tid\":301,\"pid\":300,\"args\":{\"fd\":12,\"dirfd\":-100,"
	"\"name\":\"/var/log/app.log\",\"flags\":\"O_WRONLY|O_APPEND\"}}",
	"{\"type\":\"procexit\",\"ts\":1700000100003000000,\"tid\":200,\"args\":{\"status\":0}}",
	"{\"proc\":{\"pid\":700,\"ptid\":1,\"comm\":\"java\",\"exe\":\"/usr/bin/java\","
	"\"args\":[\"-jar\",\"svc.jar\"],\"uid\":0,\"pidns\":4026531836}}",
	"{\"type\":\"clone\",\"tid\":700,\"args\":{\"res\":701,"
	"\"flags\":\"CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD\"}}",
	"{\"type\":\"clone\",\"tid\":700,\"args\":{\"res\":702,"
	"\"flags\":\"CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD\"}}",
	"{\"type\":\"openat\",\"tid\":701,\"pid\":700,\"args\":{\"fd\":3,\"dirfd\":-100,"
	"\"name\":\"/opt/svc/conf.yml\",\"flags\":\"O_RDONLY\"}}",
	"{\"type\":\"procexit\",\"tid\":700,\"args\":{\"status\":0}}",
	"{\"proc\":{\"pid\":500,\"ptid\":1,\"comm\":\"nginx\",\"exe\":\"nginx\","
	"\"exepath\":\"/usr/sbin/nginx\",\"args\":[\"-g\",\"daemon off;\"],\"euid\":101,"
	"\"gid\":101,\"vpid\":1,\"vtid\":1,\"pidns\":4026532999,\"mntns\":4026533000,"
	"\"cgroups\":\"0::/system.slice/docker-" HEX64A ".scope\"}}",
	"{\"tid\":500,\"fd\":{\"fd\":4,\"type\":\"file\","
	"\"name\":\"/usr/share/nginx/html/index.html\","
	"\"flags\":\"O_RDONLY\",\"ino\":777,\"dev\":64769}}",
	"{\"proc\":{\"pid\":510,\"ptid\":500,\"comm\":\"debug\",\"container_id\":\"" HEX64A "\","
	"\"pidns\":4026531836}}",
	"{\"proc\":{\"pid\":600,\"ptid\":1,\"comm\":\"cron\"}}",
	"{\"type\":\"procexit\",\"tid\":600,\"args\":{\"status\":0}}",
	"{\"type\":\"openat\",\"tid\":100,\"args\":{\"fd\":5,\"dirfd\":-100,"
	"\"name\":\"/var/log/auth.log\",\"flags\":\"O_WRONLY|O_APPEND\"}}",
	/* bytes that are not UTF-8, quotes, control characters */
	"{\"proc\":{\"pid\":800,\"ptid\":1,\"comm\":{\"hex\":\"ff6162\"},"
	"\"args\":{\"hex\":\"2d7800ff00\"},\"cwd\":{\"hex\":\"2f746d702fff\"},"
	"\"env\":[\"A=\\\"q\\\"\\t\\u0001\"]}}",
	"{\"tid\":800,\"fd\":{\"fd\":3,\"name\":\"/tmp/a\\\"b\\nc\"}}",
};

static Builder *build_host(void)
{
	Builder *b = builder_new();
	size_t i;

	for (i = 0; i < ELEMENTSOF(host_lines); i++)
		feed(b, host_lines[i]);
	b->s->host_pidns = HOST_PIDNS;
	b->s->host_mntns = 4026531840ull;
	return b;
}

/* ---- comparing states ---- */

static void assert_str_eq(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s: \"%s\" != \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
}

static void compare_proc(const Proc *a, const Proc *b)
{
	assert_int_equal(a->tid, b->tid);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->ptid, b->ptid);
	assert_int_equal(a->sid, b->sid);
	assert_int_equal(a->pgid, b->pgid);
	assert_int_equal(a->vtid, b->vtid);
	assert_int_equal(a->vpid, b->vpid);
	assert_str_eq(a->comm, b->comm, "comm");
	assert_str_eq(a->exe, b->exe, "exe");
	assert_str_eq(a->exepath, b->exepath, "exepath");
	assert_str_eq(a->cwd, b->cwd, "cwd");
	assert_str_eq(a->cgroups, b->cgroups, "cgroups");
	assert_int_equal(a->args_len, b->args_len);
	if (a->args_len)
		assert_memory_equal(a->args, b->args, a->args_len + 1);
	assert_int_equal(a->env_len, b->env_len);
	if (a->env_len)
		assert_memory_equal(a->env, b->env, a->env_len + 1);
	assert_int_equal(a->cgroup_id, b->cgroup_id);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->euid, b->euid);
	assert_int_equal(a->egid, b->egid);
	assert_int_equal(a->suid, b->suid);
	assert_int_equal(a->sgid, b->sgid);
	assert_int_equal(a->loginuid, b->loginuid);
	assert_int_equal(a->cap_inheritable, b->cap_inheritable);
	assert_int_equal(a->cap_permitted, b->cap_permitted);
	assert_int_equal(a->cap_effective, b->cap_effective);
	assert_int_equal(a->tty, b->tty);
	assert_int_equal(a->pidns, b->pidns);
	assert_int_equal(a->netns, b->netns);
	assert_int_equal(a->mntns, b->mntns);
	assert_int_equal(a->userns, b->userns);
	assert_int_equal(a->exe_flags, b->exe_flags);
	assert_int_equal(a->exe_ino, b->exe_ino);
	assert_int_equal(a->exe_dev, b->exe_dev);
	assert_int_equal(a->clone_ts, b->clone_ts);
	assert_int_equal(a->exec_ts, b->exec_ts);
	assert_int_equal(a->dead, b->dead);
	assert_int_equal(a->container == NULL, b->container == NULL);
	if (a->container)
		assert_string_equal(a->container->full_id, b->container->full_id);
	assert_int_equal(a->fds == NULL, b->fds == NULL);
}

static void compare_fd(const FdInfo *a, const FdInfo *b)
{
	assert_int_equal(a->fd, b->fd);
	assert_int_equal(a->type, b->type);
	assert_str_eq(a->name, b->name, "fd name");
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->ino, b->ino);
	assert_int_equal(a->dev, b->dev);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->l4proto, b->l4proto);
	assert_int_equal(a->is_server, b->is_server);
	assert_int_equal(a->connected, b->connected);
	assert_memory_equal(a->saddr, b->saddr, 16);
	assert_memory_equal(a->daddr, b->daddr, 16);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
}

static void compare_container(const Container *a, const Container *b)
{
	size_t i;

	assert_str_eq(a->id, b->id, "container id");
	assert_str_eq(a->full_id, b->full_id, "container full_id");
	assert_str_eq(a->runtime, b->runtime, "runtime");
	assert_str_eq(a->name, b->name, "container name");
	assert_str_eq(a->image, b->image, "image");
	assert_str_eq(a->image_repository, b->image_repository, "image_repository");
	assert_str_eq(a->image_tag, b->image_tag, "image_tag");
	assert_str_eq(a->image_digest, b->image_digest, "image_digest");
	assert_str_eq(a->k8s_pod_name, b->k8s_pod_name, "k8s_pod_name");
	assert_str_eq(a->k8s_ns_name, b->k8s_ns_name, "k8s_ns_name");
	assert_str_eq(a->k8s_pod_uid, b->k8s_pod_uid, "k8s_pod_uid");
	assert_int_equal(a->privileged, b->privileged);
	assert_int_equal(a->created_ns, b->created_ns);
	assert_int_equal(a->nlabels, b->nlabels);
	for (i = 0; i < a->nlabels; i++)
		assert_string_equal(a->labels[i], b->labels[i]);
}

static void compare_users(const UserDb *a, const UserDb *b)
{
	const char *name, *home, *shell;
	size_t iter = 0;
	uint32_t id;

	assert_int_equal(userdb_nusers(a), userdb_nusers(b));
	assert_int_equal(userdb_ngroups(a), userdb_ngroups(b));
	while (userdb_next_user(a, &iter, &id, &name, &home, &shell)) {
		assert_str_eq(name, userdb_user_name(b, id), "user name");
		assert_str_eq(home, userdb_user_home(b, id), "user home");
		assert_str_eq(shell, userdb_user_shell(b, id), "user shell");
	}
	iter = 0;
	while (userdb_next_group(a, &iter, &id, &name))
		assert_str_eq(name, userdb_group_name(b, id), "group name");
}

/* Entry by entry, the LRU order and the fd table sharing included. */
static void compare_states(State *a, State *b)
{
	size_t iter = 0;
	Container *c;
	Proc *p, *q;

	assert_int_equal(state_nthreads(a), state_nthreads(b));
	assert_int_equal(state_nfds(a), state_nfds(b));
	assert_int_equal(state_ncontainers(a), state_ncontainers(b));
	assert_int_equal(a->host_pidns, b->host_pidns);
	assert_int_equal(a->host_mntns, b->host_mntns);
	while (state_next_thread(a, &iter, &p)) {
		size_t fi = 0;
		FdInfo *f;
		Proc *l;

		q = state_get_thread(b, p->tid);
		assert_non_null(q);
		compare_proc(p, q);
		assert_int_equal(fdtable_size(p->fds), fdtable_size(q->fds));
		while (fdtable_next(p->fds, &fi, &f)) {
			const FdInfo *g = fdtable_get(q->fds, f->fd);

			assert_non_null(g);
			compare_fd(f, g);
		}
		/* threads share what they shared */
		l = state_leader(a, p);
		if (l && l != p && l->fds)
			assert_int_equal(l->fds == p->fds,
					 state_leader(b, q)->fds == q->fds);
	}
	iter = 0;
	while (state_next_container(a, &iter, &c)) {
		Container *d = state_find_container(b, c->full_id);

		assert_non_null(d);
		compare_container(c, d);
	}
	for (p = state_next_thread_lru(a, NULL), q = state_next_thread_lru(b, NULL); p && q;
	     p = state_next_thread_lru(a, p), q = state_next_thread_lru(b, q))
		assert_int_equal(p->tid, q->tid);
	assert_null(p);
	assert_null(q);
	compare_users(a->users, b->users);
}

/* ---- comparing through the field table ---- */

static const char *const index_args[] = { "0", "1", "2", "3", "4" };
static const char *const key_args[] = { "app", "tier", "fd", "name", "flags", "HOME", "PATH",
					"res", "missing" };

typedef struct FieldEval {
	EvalCtx *ctx;
	FieldValues vals;
	StrBuf sb;
} FieldEval;

/* The rendered value(s) of ref for the event in ctx, or NULL when extraction fails. */
static const char *render(FieldEval *fe, const FieldRef *ref)
{
	memset(&fe->vals, 0, sizeof(fe->vals));
	strbuf_reset(&fe->sb);
	eval_reset(fe->ctx);
	if (field_extract(ref, fe->ctx, &fe->vals) < 0)
		return NULL;
	if (field_values_render(&fe->vals, ref->def->type, ref->def->flags & FF_MULTI, &fe->sb) < 0)
		return NULL;
	return strbuf_str(&fe->sb);
}

/* Compare one binding on both contexts; returns 1 when it bound. */
static int compare_ref(FieldEval *x, FieldEval *y, const FieldDef *d, const char *arg)
{
	char *msg = NULL;
	FieldRef ref;
	const char *vx, *vy;

	if (field_ref_init(&ref, d, arg, arg ? strlen(arg) : 0, &msg) < 0) {
		free(msg);
		return 0;
	}
	vx = render(x, &ref);
	vy = render(y, &ref);
	if ((vx == NULL) != (vy == NULL) || (vx && strcmp(vx, vy) != 0))
		fail_msg("%s%s%s%s: \"%s\" != \"%s\" (tid %" PRId64 ", fd %" PRId64 ")", d->name,
			 arg ? "[" : "", arg ? arg : "", arg ? "]" : "", vx ? vx : "(error)",
			 vy ? vy : "(error)", x->ctx->proc ? x->ctx->proc->tid : 0,
			 x->ctx->fd ? x->ctx->fd->fd : -1);
	field_ref_done(&ref);
	return 1;
}

/* Every field (with sample arguments) on both contexts; returns how many were compared. */
static unsigned compare_all_fields(FieldEval *x, FieldEval *y)
{
	const FieldDef *defs;
	size_t n, i, j;
	unsigned count = 0;

	defs = field_table(&n);
	for (i = 0; i < n; i++) {
		const FieldDef *d = &defs[i];

		if (!(d->flags & FF_ARG_REQUIRED))
			count += (unsigned)compare_ref(x, y, d, NULL);
		if (!(d->flags & (FF_ARG_REQUIRED | FF_ARG_ALLOWED)))
			continue;
		if (d->flags & FF_ARG_INDEX)
			for (j = 0; j < ELEMENTSOF(index_args); j++)
				count += (unsigned)compare_ref(x, y, d, index_args[j]);
		if (d->flags & FF_ARG_KEY)
			for (j = 0; j < ELEMENTSOF(key_args); j++)
				count += (unsigned)compare_ref(x, y, d, key_args[j]);
	}
	return count;
}

static void field_eval_init(FieldEval *fe, State *s)
{
	memset(fe, 0, sizeof(*fe));
	fe->ctx = calloc(1, sizeof(*fe->ctx));
	assert_non_null(fe->ctx);
	fe->ctx->state = s;
	fe->ctx->hostname = "node1";
	fe->ctx->boot_to_realtime_ns = BOOT_NS;
	fe->ctx->evt_num = 42;
}

static void field_eval_done(FieldEval *fe)
{
	free(fe->ctx);
	strbuf_done(&fe->sb);
}

/* The value of spec ("proc.aname[2]") in fe, for spot checks. */
static const char *value_of(FieldEval *fe, const char *spec)
{
	const char *br = strchr(spec, '[');
	size_t len = br ? (size_t)(br - spec) : strlen(spec);
	const FieldDef *d = field_lookup(spec, len);
	static char out[512];
	char *msg = NULL;
	FieldRef ref;

	assert_non_null(d);
	assert_int_equal(field_ref_init(&ref, d, br ? br + 1 : NULL, br ? strlen(br) - 2 : 0, &msg),
			 0);
	snprintf(out, sizeof(out), "%s", render(fe, &ref));
	field_ref_done(&ref);
	return out;
}

/*
 * Every field, for an event of every live thread, with the event's fd set to
 * each of the thread's fds in turn (and to none).  Returns the comparisons made.
 */
static unsigned compare_fields(State *a, State *b)
{
	FixtureReader *r = fixture_reader_new("event");
	FieldEval x, y;
	unsigned count = 0;
	Proc *p;

	assert_non_null(r);
	field_eval_init(&x, a);
	field_eval_init(&y, b);
	for (p = state_next_thread_lru(a, NULL); p && !p->dead; p = state_next_thread_lru(a, p)) {
		FixtureEvent *fe = NULL;
		char line[256];
		size_t iter = 0;
		FdInfo *f = NULL;

		snprintf(line, sizeof(line),
			 "{\"type\":\"read\",\"ts\":1000,\"tid\":%" PRId64 ",\"pid\":%" PRId64
			 ",\"args\":{\"res\":5,\"fd\":3,\"size\":5}}",
			 p->tid, p->pid);
		assert_int_equal(fixture_reader_parse_line(r, line, strlen(line), &fe), 1);
		x.ctx->evt = y.ctx->evt = &fe->evt;
		x.ctx->proc = p;
		y.ctx->proc = state_get_thread(b, p->tid);
		x.ctx->fd = y.ctx->fd = NULL;
		count += compare_all_fields(&x, &y);
		while (fdtable_next(p->fds, &iter, &f)) {
			x.ctx->fd = f;
			y.ctx->fd = fdtable_get(y.ctx->proc->fds, f->fd);
			count += compare_all_fields(&x, &y);
		}
		fixture_event_free(fe);
	}
	field_eval_done(&x);
	field_eval_done(&y);
	fixture_reader_free(r);
	return count;
}

/* ---- tests ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split text at newlines (in place), sorted. */
static char **sorted_lines(char *text, size_t *ret_n)
{
	size_t n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v)), *p, *save = NULL;

	assert_non_null(v);
	for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n++] = p;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*ret_n = n;
	return v;
}

static void assert_same_lines(const char *a, const char *b)
{
	char *ca = strdup(a), *cb = strdup(b), **la, **lb;
	size_t na, nb, i;

	assert_non_null(ca);
	assert_non_null(cb);
	la = sorted_lines(ca, &na);
	lb = sorted_lines(cb, &nb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(la[i], lb[i]);
	free(la);
	free(lb);
	free(ca);
	free(cb);
}

static State *rebuild(const char *text, size_t len)
{
	State *s = state_new();
	char err[SNAPSHOT_MAX_ERROR];
	int r;

	assert_non_null(s);
	r = capture_snapshot_apply(s, text, len, err, sizeof(err));
	if (r < 0)
		fail_msg("apply: %s", err);
	assert_true(r > 0);
	return s;
}

static void test_roundtrip(void **state)
{
	Builder *b = build_host();
	StrBuf sb = { 0 };
	FieldEval x;
	State *s2;
	unsigned n;

	(void)state;
	/* what the scenario must have produced, or the comparison proves little */
	assert_true(state_get_thread(b->s, 200)->dead);
	assert_true(state_get_thread(b->s, 700)->dead);
	assert_ptr_equal(state_get_thread(b->s, 701)->fds, state_get_thread(b->s, 702)->fds);
	assert_ptr_equal(state_get_thread(b->s, 300)->fds, state_get_thread(b->s, 301)->fds);
	assert_string_equal(state_get_thread(b->s, 800)->comm, "\xff" "ab");
	assert_string_equal(fdtable_get(state_get_thread(b->s, 800)->fds, 3)->name, "/tmp/a\"b\nc");

	assert_int_equal(capture_snapshot_write(b->s, BOOT_NS, &sb), 0);
	assert_true(sb.len > 0 && sb.buf[sb.len - 1] == '\n');
	s2 = rebuild(sb.buf, sb.len);
	compare_states(b->s, s2);
	n = compare_fields(b->s, s2);
	assert_true(n > 1000);

	/* spot checks: the fields rules use most have real values */
	field_eval_init(&x, s2);
	x.ctx->proc = state_get_thread(s2, 301);
	{
		FixtureReader *r = fixture_reader_new("event");
		FixtureEvent *fe = NULL;
		const char *l = "{\"type\":\"close\",\"tid\":301,\"pid\":300,"
				"\"args\":{\"res\":0,\"fd\":5}}";

		assert_int_equal(fixture_reader_parse_line(r, l, strlen(l), &fe), 1);
		x.ctx->evt = &fe->evt;
		x.ctx->fd = fdtable_get(x.ctx->proc->fds, 5);
		assert_string_equal(value_of(&x, "proc.name"), "python3");
		assert_string_equal(value_of(&x, "proc.aname[1]"), "bash"); /* dead, kept */
		assert_string_equal(value_of(&x, "proc.aname[2]"), "sshd");
		assert_string_equal(value_of(&x, "proc.aname[3]"), "systemd");
		assert_string_equal(value_of(&x, "user.name"), "alice");
		assert_string_equal(value_of(&x, "fd.name"), "10.0.0.5:40000->93.184.216.34:443");
		x.ctx->proc = state_get_thread(s2, 510);
		x.ctx->fd = NULL;
		assert_string_equal(value_of(&x, "container.name"), "web");
		assert_string_equal(value_of(&x, "container.image.repository"),
				    "registry.example.com:5000/shop/nginx");
		assert_string_equal(value_of(&x, "container.label[tier]"), "front");
		assert_string_equal(value_of(&x, "container.host_pid"), "true");
		fixture_event_free(fe);
		fixture_reader_free(r);
	}
	field_eval_done(&x);

	/* writing the rebuilt state gives the same lines (in another order maybe) */
	{
		StrBuf sb2 = { 0 };

		assert_int_equal(capture_snapshot_write(s2, BOOT_NS, &sb2), 0);
		assert_same_lines(sb.buf, sb2.buf);
		strbuf_done(&sb2);
	}
	strbuf_done(&sb);
	state_free(s2);
	builder_free(b);
}

static void test_empty_state(void **state)
{
	State *s = state_new(), *s2;
	StrBuf sb = { 0 };
	char err[SNAPSHOT_MAX_ERROR];

	(void)state;
	assert_non_null(s);
	assert_int_equal(capture_snapshot_write(s, 0, &sb), 0);
	/* the header and the directive */
	assert_string_equal(sb.buf, "{\"format\":\"saker-events\",\"version\":1,\"boot_ns\":0}\n"
				    "{\"snapshot\":{\"host_pidns\":0,\"host_mntns\":0,"
				    "\"replace_users\":true}}\n");
	s2 = state_new();
	assert_int_equal(capture_snapshot_apply(s2, sb.buf, sb.len, err, sizeof(err)), 1);
	assert_int_equal(state_nthreads(s2), 0);
	assert_null(s2->users);
	strbuf_done(&sb);
	state_free(s);
	state_free(s2);
}

#define APPLY(s, text, want_r, want_err)                                                      \
	do {                                                                                  \
		char e_[SNAPSHOT_MAX_ERROR];                                                  \
		assert_int_equal(capture_snapshot_apply(s, text, strlen(text), e_, sizeof(e_)), \
				 want_r);                                                     \
		assert_string_equal(e_, want_err);                                            \
	} while (0)

/* Bad lines are reported with their number; the good ones around them still apply. */
static void test_apply_errors(void **state)
{
	static const char text[] =
		"{\"format\":\"saker-events\",\"version\":1}\n"
		"{\"proc\":{\"pid\":10,\"comm\":\"a\"}}\n"
		"{\"proc\":{\"pid\":11,\"comm\":\"b\",\"bogus\":1}}\n"
		"\n"
		"{\"type\":\"close\",\"tid\":10,\"args\":{\"res\":0,\"fd\":1}}\n"
		"{\"snapshot\":{\"host_pidns\":\"x\"}}\n"
		"{\"snapshot\":{\"frobnicate\":true}}\n"
		"{\"snapshot\":{\"host_pidns\":7}} trailing\n"
		"not json\n"
		"{\"proc\":{\"pid\":12,\"comm\":\"c\"}}\n"
		"{\"snapshot\":{\"host_pidns\":\"18446744073709551615\",\"host_mntns\":9}}";
	State *s = state_new();
	char err[SNAPSHOT_MAX_ERROR];
	int r;

	(void)state;
	assert_non_null(s);
	r = capture_snapshot_apply(s, text, sizeof(text) - 1, err, sizeof(err));
	assert_int_equal(r, -EINVAL);
	assert_non_null(strstr(err, "line 3: proc.bogus: unknown process field 'bogus'"));
	assert_non_null(strstr(err, "(and 5 more bad lines)"));
	assert_non_null(state_get_thread(s, 10));
	assert_null(state_get_thread(s, 11));
	assert_non_null(state_get_thread(s, 12));
	assert_int_equal(s->host_pidns, UINT64_MAX);
	assert_int_equal(s->host_mntns, 9);
	state_free(s);

	s = state_new();
	assert_non_null(s);
	APPLY(s, "{\"type\":\"close\",\"tid\":10,\"args\":{\"res\":0,\"fd\":1}}", -EINVAL,
	      "line 1: an event in a snapshot (only context lines belong there)");
	APPLY(s, "{\"snapshot\":{\"frobnicate\":1}}\n", -EINVAL,
	      "line 1: snapshot.frobnicate: unknown directive");
	APPLY(s, "\n\n { \"snapshot\":[1]}", -EINVAL,
	      "line 3: malformed directive (expected {\"snapshot\":{...}})");
	APPLY(s, "{\"snapshot\":{\"host_mntns\":-1}}", -EINVAL,
	      "line 1: snapshot.host_mntns: expected an unsigned integer");
	/* the state's own refusal: an empty container id */
	APPLY(s, "{\"proc\":{\"pid\":1}}\n{\"container\":{\"full_id\":\"\"}}", -EINVAL,
	      "line 2: cannot apply the context: Invalid argument");
	/* nothing at all */
	assert_int_equal(capture_snapshot_apply(s, "", 0, err, sizeof(err)), 0);
	state_free(s);
}

/* The users directive replaces the names; lines of many users are cut. */
static void test_users_replace(void **state)
{
	UserDb *db = userdb_new();
	StrBuf sb = { 0 };
	State *s = state_new();
	char err[SNAPSHOT_MAX_ERROR], name[64], home[4096];
	unsigned lines = 0;
	size_t i;
	int r;

	(void)state;
	assert_non_null(db);
	assert_non_null(s);
	memset(home, 'h', sizeof(home) - 1);
	home[0] = '/';
	home[sizeof(home) - 1] = 0;
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "user%zu", i);
		assert_int_equal(userdb_add_user(db, (uint32_t)i, name, i % 100 ? "/home" : home,
						 "/bin/sh"),
				 0);
	}
	assert_int_equal(userdb_add_group(db, 5, "g\xff"), 0); /* not UTF-8: hex */
	s->users = userdb_new();
	assert_int_equal(userdb_add_user(s->users, 99999, "stale", NULL, NULL), 0);
	assert_int_equal(capture_snapshot_write_users(db, &sb), 0);
	for (i = 0; i < sb.len; i++)
		lines += sb.buf[i] == '\n';
	assert_true(lines >= 4); /* directive, at least two lines of users, groups */
	r = capture_snapshot_apply(s, sb.buf, sb.len, err, sizeof(err));
	if (r < 0)
		fail_msg("%s", err);
	assert_null(userdb_user_name(s->users, 99999));
	compare_users(db, s->users);
	assert_string_equal(userdb_group_name(s->users, 5), "g\xff");
	strbuf_done(&sb);
	/* no database: the directive alone clears */
	assert_int_equal(capture_snapshot_write_users(NULL, &sb), 0);
	assert_int_equal(capture_snapshot_apply(s, sb.buf, sb.len, err, sizeof(err)), 1);
	assert_null(s->users);
	strbuf_done(&sb);
	userdb_free(db);
	state_free(s);
}

/* Read every SNAPSHOT block of the capture in f and apply it to a fresh state. */
static State *rebuild_from_capture(FILE *f, unsigned *ret_blocks)
{
	CaptureReader *rd = NULL;
	State *s = state_new();
	CaptureItem it;
	unsigned blocks = 0;
	int r;

	assert_non_null(s);
	rewind(f);
	assert_int_equal(capture_reader_new(f, &rd), 0);
	while ((r = capture_reader_next(rd, &it)) == 1) {
		char err[SNAPSHOT_MAX_ERROR];

		assert_int_equal(it.type, CAPTURE_ITEM_SNAPSHOT);
		assert_true(it.text_len <= CAPTURE_MAX_BLOCK);
		assert_int_equal(it.text[it.text_len - 1], '\n');
		assert_memory_equal(it.text, "{\"format\":\"saker-events\"", 24);
		if (capture_snapshot_apply(s, it.text, it.text_len, err, sizeof(err)) < 0)
			fail_msg("block %u: %s", blocks, err);
		blocks++;
	}
	assert_int_equal(r, 0);
	capture_reader_free(rd);
	*ret_blocks = blocks;
	return s;
}

static FILE *new_capture(const char *host, CaptureWriter **ret)
{
	CaptureHeader h = { .abi_version = SAKER_ABI_VERSION,
			    .flags = CAPTURE_FLAG_SNAPSHOT,
			    .boot_to_realtime_ns = BOOT_NS };
	FILE *f = tmpfile();

	assert_non_null(f);
	snprintf(h.hostname, sizeof(h.hostname), "%s", host);
	assert_int_equal(capture_writer_new(fileno(f), &h, ret), 0);
	return f;
}

/* A snapshot over CAPTURE_MAX_BLOCK is cut into blocks at line boundaries. */
static void test_blocks(void **state)
{
	Builder *b = build_host();
	static char args[STATE_MAX_ARGS_BYTES], env[STATE_MAX_ENV_BYTES];
	CaptureWriter *w;
	unsigned blocks;
	State *s2;
	FILE *f;
	int64_t tid;

	(void)state;
	/* about 8 KiB of argv and environment per process, 2,300 processes: ~19 MiB */
	memset(args, 'a', sizeof(args));
	memset(env, 'e', sizeof(env));
	for (tid = 10000; tid < 12300; tid++) {
		ProcSnapshot ps = { .set = PS_PID | PS_PTID | PS_COMM | PS_ARGS | PS_ENV,
				    .tid = tid,
				    .pid = tid,
				    .ptid = 300,
				    .comm = "worker",
				    .args = args,
				    .args_len = sizeof(args) - 1,
				    .env = env,
				    .env_len = sizeof(env) - 1 };

		assert_int_equal(state_upsert_proc_snapshot(b->s, &ps, NULL), 0);
	}
	f = new_capture("big", &w);
	assert_int_equal(capture_snapshot_write_blocks(b->s, BOOT_NS, w), 2);
	assert_int_equal(capture_writer_finish(w), 0);
	capture_writer_free(w);
	s2 = rebuild_from_capture(f, &blocks);
	assert_int_equal(blocks, 2);
	compare_states(b->s, s2);
	fclose(f);
	state_free(s2);

	/* a small state: one block */
	builder_free(b);
	b = build_host();
	f = new_capture("small", &w);
	assert_int_equal(capture_snapshot_write_blocks(b->s, BOOT_NS, w), 1);
	assert_int_equal(capture_writer_finish(w), 0);
	capture_writer_free(w);
	s2 = rebuild_from_capture(f, &blocks);
	assert_int_equal(blocks, 1);
	compare_states(b->s, s2);
	fclose(f);
	state_free(s2);
	builder_free(b);
}

/* ---- replay ---- */

static const char rules_yaml[] =
	"- rule: Read below etc\n"
	"  desc: test\n"
	"  condition: evt.type in (open, openat) and fd.name startswith /etc\n"
	"  output: \"%proc.name %proc.aname[2] %fd.name %user.name %container.name "
	"%container.image.repository %evt.hostname\"\n"
	"  priority: WARNING\n";

static Engine *test_engine(void)
{
	RuleSet *rs = ruleset_new();
	Diags d = { 0 };
	Engine *e = NULL;

	assert_non_null(rs);
	assert_int_equal(ruleset_load_buffer(rs, "test.yaml", rules_yaml, strlen(rules_yaml), &d),
			 0);
	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	diags_done(&d);
	ruleset_free(rs);
	return e;
}

typedef struct Alerts {
	StrBuf text; /* "host|output\n" per alert */
	unsigned n;
} Alerts;

static void collect(const Alert *a, void *userdata)
{
	Alerts *al = userdata;

	strbuf_printf(&al->text, "%s|%.*s\n", a->hostname, (int)a->output_len, a->output);
	al->n++;
}

/* The events that follow the snapshot, and where the mid-stream block goes. */
static const char *const later_lines[] = {
	"{\"type\":\"openat\",\"ts\":1700000200000000000,\"tid\":301,\"pid\":300,"
	"\"args\":{\"fd\":14,\"dirfd\":-100,\"name\":\"/etc/shadow\",\"flags\":\"O_RDONLY\"}}",
	"{\"type\":\"openat\",\"ts\":1700000200000000001,\"tid\":500,\"args\":{\"fd\":5,"
	"\"dirfd\":-100,\"name\":\"/etc/nginx/nginx.conf\",\"flags\":\"O_RDONLY\"}}",
	NULL, /* the mid-stream snapshot block */
	"{\"type\":\"openat\",\"ts\":1700000200000000002,\"tid\":500,\"args\":{\"fd\":6,"
	"\"dirfd\":-100,\"name\":\"/etc/passwd\",\"flags\":\"O_RDONLY\"}}",
	"{\"type\":\"openat\",\"ts\":1700000200000000003,\"tid\":300,\"args\":{\"fd\":15,"
	"\"dirfd\":-100,\"name\":\"/etc/group\",\"flags\":\"O_RDONLY\"}}",
	"{\"type\":\"openat\",\"ts\":1700000200000000004,\"tid\":300,\"args\":{\"fd\":16,"
	"\"dirfd\":-100,\"name\":\"/tmp/x\",\"flags\":\"O_RDONLY\"}}",
};

/* New metadata for the web container, and new names (alice renamed to bob). */
static const char mid_block[] =
	"{\"container\":{\"id\":\"" HEX64A "\",\"name\":\"web-v2\","
	"\"image\":\"registry.example.com:5000/shop/nginx:1.26\",\"image_repository\":"
	"\"registry.example.com:5000/shop/nginx\"}}\n"
	"{\"snapshot\":{\"replace_users\":true}}\n"
	"{\"users\":[{\"uid\":1000,\"name\":\"bob\"},{\"uid\":101,\"name\":\"www\"}]}\n";

/*
 * The capture of build_host()'s state and later_lines: returns the file
 * and, in *ret_expect, the alerts the original state gives for the events.
 */
static FILE *make_capture(Alerts *expect)
{
	Builder *b = build_host();
	Engine *e = test_engine();
	Detector *d = NULL;
	CaptureWriter *w;
	struct saker_ioc_stats st = { .events = 5, .bytes = 640 };
	FixtureReader *r = fixture_reader_new("later");
	char err[SNAPSHOT_MAX_ERROR];
	size_t i;
	FILE *f;

	assert_non_null(r);
	f = new_capture("recorder", &w);
	assert_int_equal(capture_snapshot_write_blocks(b->s, BOOT_NS, w), 1);
	assert_int_equal(detector_new(e, b->s, "recorder", &d), 0);
	detector_set_boot_time(d, BOOT_NS);
	for (i = 0; i < ELEMENTSOF(later_lines); i++) {
		FixtureEvent *fe = NULL;
		const char *l = later_lines[i];

		if (!l) {
			assert_true(capture_snapshot_apply(b->s, mid_block, strlen(mid_block), err,
							   sizeof(err)) > 0);
			assert_int_equal(
				capture_writer_add_snapshot(w, mid_block, strlen(mid_block)), 0);
			assert_int_equal(capture_writer_add_stats(w, 1234, &st), 0);
			continue;
		}
		assert_int_equal(fixture_reader_parse_line(r, l, strlen(l), &fe), 1);
		assert_true(detector_process(d, &fe->evt, collect, expect) >= 0);
		assert_int_equal(capture_writer_add_event(w, (const void *)fe->record,
							  fe->record_len),
				 0);
		fixture_event_free(fe);
	}
	assert_int_equal(capture_writer_finish(w), 0);
	capture_writer_free(w);
	detector_free(d);
	engine_free(e);
	fixture_reader_free(r);
	builder_free(b);
	return f;
}

static void test_replay(void **state)
{
	Alerts expect = { 0 }, got = { 0 };
	CaptureReplayStats st;
	Engine *e = test_engine();
	State *s = state_new();
	Detector *d = NULL;
	char err[CAPTURE_REPLAY_MAX_MESSAGE];
	FILE *f;
	int r;

	(void)state;
	assert_non_null(s);
	f = make_capture(&expect);
	assert_int_equal(expect.n, 4);
	/* the replaying detector starts with another host name and boot time */
	assert_int_equal(detector_new(e, s, "replayer", &d), 0);
	rewind(f);
	r = capture_replay_file(f, d, s, collect, &got, &st, err, sizeof(err));
	if (r != 0)
		fail_msg("replay: %d %s", r, err);
	assert_string_equal(strbuf_str(&got.text), strbuf_str(&expect.text));
	assert_non_null(strstr(strbuf_str(&got.text),
			       "recorder|python3 sshd /etc/shadow alice host <NA> recorder\n"));
	/* the mid-stream block was applied between the events */
	assert_non_null(strstr(strbuf_str(&got.text),
			       "recorder|nginx <NA> /etc/nginx/nginx.conf nginx web "
			       "registry.example.com:5000/shop/nginx recorder\n"));
	assert_non_null(
		strstr(strbuf_str(&got.text), "recorder|nginx <NA> /etc/passwd www web-v2 "));
	assert_non_null(strstr(strbuf_str(&got.text), "recorder|python3 sshd /etc/group bob "));
	assert_int_equal(st.events, 5);
	assert_int_equal(st.alerts, 4);
	assert_int_equal(st.snapshots, 2);
	assert_int_equal(st.stats, 1);
	assert_int_equal(st.event_errors, 0);
	assert_int_equal(st.snapshot_errors, 0);
	assert_true(st.complete);

	/* step by step: the statistics item carries its values */
	{
		CaptureReplay *rp = NULL;
		State *s2 = state_new();
		const CaptureHeader *h;
		unsigned kinds[5] = { 0 };

		assert_non_null(s2);
		rewind(f);
		assert_int_equal(capture_replay_new(f, d, s2, &rp), 0);
		assert_int_equal(capture_replay_start(rp, &h), 0);
		assert_string_equal(h->hostname, "recorder");
		assert_int_equal(h->boot_to_realtime_ns, BOOT_NS);
		while ((r = capture_replay_next(rp, NULL, NULL)) > 0) {
			kinds[r]++;
			if (r == CAPTURE_REPLAY_STATS) {
				assert_int_equal(capture_replay_item(rp)->stats_ts, 1234);
				assert_int_equal(capture_replay_item(rp)->stats.bytes, 640);
			}
		}
		assert_int_equal(r, CAPTURE_REPLAY_END);
		assert_int_equal(kinds[CAPTURE_REPLAY_EVENT], 5);
		assert_int_equal(kinds[CAPTURE_REPLAY_SNAPSHOT], 2);
		assert_int_equal(kinds[CAPTURE_REPLAY_STATS], 1);
		assert_int_equal(kinds[CAPTURE_REPLAY_WARNING], 0);
		assert_int_equal(capture_replay_next(rp, NULL, NULL), CAPTURE_REPLAY_END);
		capture_replay_free(rp);
		state_free(s2);
	}
	fclose(f);
	strbuf_done(&expect.text);
	strbuf_done(&got.text);
	detector_free(d);
	engine_free(e);
	state_free(s);
}

/* Cut or damaged copies: alerts up to the damage, then its offset. */
static void test_replay_damaged(void **state)
{
	Alerts expect = { 0 };
	Engine *e = test_engine();
	FILE *f = make_capture(&expect);
	unsigned char *buf;
	long size;
	long cut;

	(void)state;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, (size_t)size, f), size);
	fclose(f);
	for (cut = 0; cut < size; cut += cut < 200 ? 7 : 97) {
		Alerts got = { 0 };
		CaptureReplayStats st;
		char err[CAPTURE_REPLAY_MAX_MESSAGE];
		State *s = state_new();
		Detector *d = NULL;
		FILE *in;
		int r;

		assert_non_null(s);
		assert_int_equal(detector_new(e, s, "x", &d), 0);
		if (cut == 0) {
			in = fopen("/dev/null", "r");
		} else {
			in = fmemopen(buf, (size_t)cut, "r");
		}
		assert_non_null(in);
		r = capture_replay_file(in, d, s, collect, &got, &st, err, sizeof(err));
		assert_int_equal(r, -ENODATA);
		assert_non_null(strstr(err, "damaged at byte "));
		assert_false(st.complete);
		assert_true(got.n <= expect.n);
		/* what came before the cut is what the whole file gives */
		assert_memory_equal(strbuf_str(&got.text), strbuf_str(&expect.text), got.text.len);
		fclose(in);
		strbuf_done(&got.text);
		detector_free(d);
		state_free(s);
	}
	/* a flipped bit: a checksum names the block */
	{
		Alerts got = { 0 };
		char err[CAPTURE_REPLAY_MAX_MESSAGE];
		State *s = state_new();
		Detector *d = NULL;
		FILE *in;
		int r;

		assert_non_null(s);
		assert_int_equal(detector_new(e, s, "x", &d), 0);
		buf[size - 30] ^= 0x10;
		in = fmemopen(buf, (size_t)size, "r");
		assert_non_null(in);
		r = capture_replay_file(in, d, s, collect, &got, NULL, err, sizeof(err));
		assert_int_equal(r, -EBADMSG);
		assert_non_null(strstr(err, "checksum mismatch"));
		assert_non_null(strstr(err, "damaged at byte "));
		assert_null(strstr(err, "offset")); /* said once */
		fclose(in);
		strbuf_done(&got.text);
		detector_free(d);
		state_free(s);
	}
	free(buf);
	strbuf_done(&expect.text);
	engine_free(e);
}

/* A snapshot block with a bad line is a warning; the replay goes on. */
static void test_replay_warning(void **state)
{
	static const char bad[] = "{\"proc\":{\"pid\":5,\"comm\":\"ok\"}}\n"
				  "{\"proc\":{\"pid\":\"x\"}}\n";
	CaptureReplayStats st;
	char err[CAPTURE_REPLAY_MAX_MESSAGE];
	State *s = state_new();
	Detector *d = NULL;
	CaptureWriter *w;
	FILE *f;
	int r;

	(void)state;
	assert_non_null(s);
	f = new_capture("h", &w);
	assert_int_equal(capture_writer_add_snapshot(w, bad, sizeof(bad) - 1), 0);
	assert_int_equal(capture_writer_finish(w), 0);
	capture_writer_free(w);
	assert_int_equal(detector_new(NULL, s, "", &d), 0);
	rewind(f);
	r = capture_replay_file(f, d, s, NULL, NULL, &st, err, sizeof(err));
	assert_int_equal(r, 1);
	assert_non_null(strstr(err, "snapshot at byte 128, line 2: proc.pid: "));
	assert_non_null(state_get_thread(s, 5));
	assert_int_equal(st.snapshot_errors, 1);
	assert_true(st.complete);
	/* not a capture */
	fclose(f);
	f = tmpfile();
	assert_non_null(f);
	fputs("{\"type\":\"close\"}\n", f);
	rewind(f);
	r = capture_replay_file(f, d, s, NULL, NULL, &st, err, sizeof(err));
	assert_int_equal(r, -EPROTONOSUPPORT);
	assert_non_null(strstr(err, "not a saker capture file"));
	fclose(f);
	detector_free(d);
	state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),	 cmocka_unit_test(test_empty_state),
		cmocka_unit_test(test_apply_errors),	 cmocka_unit_test(test_users_replace),
		cmocka_unit_test(test_blocks),		 cmocka_unit_test(test_replay),
		cmocka_unit_test(test_replay_damaged), cmocka_unit_test(test_replay_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
