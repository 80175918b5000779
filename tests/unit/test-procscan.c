// SPDX-License-Identifier: MIT
/*
 * Unit tests for the host I/O layer: the /proc bootstrap over a fake /proc
 * tree, passwd/group loading with change detection, and container runtime
 * metadata read from fake runtime directories.
 */
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/containerfs.h"
#include "host/hostfiles.h"
#include "host/procscan.h"
#include "state/container.h"

/* the fake /proc, built from data/proc/root and data/proc/links by setup() */
static char root_dir[] = "/tmp/saker-proc-XXXXXX";
#define ROOT root_dir
#define HOSTROOT PROCSCAN_TEST_DATA "/hostroot"
#define CID "3f2a9c0d5e6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f"

static State *scan(ProcScanStats *stats, size_t max)
{
	State *s = state_new();

	assert_non_null(s);
	assert_int_equal(procscan_run(s, ROOT, max, stats), 0);
	return s;
}

static void test_parsers(void **unused)
{
	uint64_t v = 0;
	char *cg = NULL;

	(void)unused;
	assert_int_equal(procscan_parse_ns_link("pid:[4026531836]", &v), 0);
	assert_int_equal(v, 4026531836ull);
	assert_int_equal(procscan_parse_ns_link("pid:4026531836", &v), -EINVAL);
	assert_int_equal(procscan_parse_ns_link("pid:[12x]", &v), -EINVAL);

	assert_int_equal(procscan_parse_cgroup("0::/system.slice/a.service\n", &cg), 0);
	assert_string_equal(cg, "/system.slice/a.service");
	free(cg);
	/* hybrid: the unified line wins wherever it is */
	assert_int_equal(procscan_parse_cgroup("5:cpu,cpuacct:/x\n0::/y\n", &cg), 0);
	assert_string_equal(cg, "/y");
	free(cg);
	assert_int_equal(procscan_parse_cgroup("3:pids:/p\n2:cpuacct,cpu:/c\n", &cg), 0);
	assert_string_equal(cg, "/c");
	free(cg);
	assert_int_equal(procscan_parse_cgroup("3:pids:/p\n1:name=systemd:/s\n", &cg), 0);
	assert_string_equal(cg, "/p");
	free(cg);
	assert_int_equal(procscan_parse_cgroup("1:name=systemd:/s\n", &cg), 0);
	assert_string_equal(cg, "/s");
	free(cg);
	assert_int_equal(procscan_parse_cgroup("garbage", &cg), -ENOENT);
}

static void test_scan_processes(void **unused)
{
	_cleanup_(state_freep) State *s = NULL;
	ProcScanStats st;
	Proc *p, *t;
	long tck = sysconf(_SC_CLK_TCK);

	(void)unused;
	s = scan(&st, 0);
	assert_int_equal(st.processes, 3);
	assert_int_equal(st.threads, 4);
	assert_int_equal(st.vanished, 1); /* 300 has no status */
	assert_false(st.truncated);
	assert_int_equal(state_nthreads(s), 4);
	assert_int_equal(s->host_pidns, 4026531836ull);
	assert_int_equal(s->host_mntns, 4026531841ull);

	p = state_get_thread(s, 1);
	assert_non_null(p);
	assert_string_equal(p->comm, "systemd");
	assert_string_equal(p->exe, "/sbin/init");
	assert_string_equal(p->exepath, "/lib/systemd/systemd");
	assert_int_equal(p->args_len, 6);
	assert_memory_equal(p->args, "splash", 7);
	assert_string_equal(p->cgroups, "/init.scope");
	assert_null(p->container);
	assert_true(p->from_proc);

	p = state_get_thread(s, 100);
	assert_non_null(p);
	assert_string_equal(p->comm, "my) (proc");
	assert_string_equal(p->exe, "/usr/bin/python3");
	assert_string_equal(p->exepath, "/usr/bin/python3.11");
	assert_int_equal(p->args_len, strlen("-m") + 1 + strlen("http.server"));
	assert_memory_equal(p->args, "-m\0http.server", 15);
	assert_int_equal(p->env_len, strlen("PATH=/usr/bin") + 1 + strlen("LANG=C"));
	assert_string_equal(p->cwd, "/home/alice");
	assert_string_equal(p->cgroups, "/user.slice/user-1000.slice");
	assert_int_equal(p->ptid, 1);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->euid, 1001);
	assert_int_equal(p->suid, 1002);
	assert_int_equal(p->gid, 100);
	assert_int_equal(p->egid, 101);
	assert_int_equal(p->sgid, 102);
	assert_int_equal(p->loginuid, 1000);
	assert_int_equal(p->cap_effective, 0x400);
	assert_int_equal(p->cap_permitted, 0x400);
	assert_int_equal(p->cap_inheritable, 0);
	assert_int_equal(p->sid, 99);
	assert_int_equal(p->pgid, 100);
	assert_int_equal(p->tty, 34816);
	assert_int_equal(p->clone_ts, 250ull * (1000000000ull / (uint64_t)tck));
	assert_int_equal(p->vpid, 100);
	assert_int_equal(p->pidns, 4026531836ull);
	assert_int_equal(p->netns, 4026531840ull);
	assert_int_equal(p->userns, 4026531837ull);

	/* the thread: its own comm and start, the process's image and fds */
	t = state_get_thread(s, 101);
	assert_non_null(t);
	assert_int_equal(t->pid, 100);
	assert_string_equal(t->comm, "worker");
	assert_string_equal(t->exe, "/usr/bin/python3");
	assert_int_equal(t->vtid, 101);
	assert_int_equal(t->clone_ts, 260ull * (1000000000ull / (uint64_t)tck));
	assert_ptr_equal(t->fds, p->fds);

	/* a containerised process: vpid from NStgid, container from the cgroup */
	p = state_get_thread(s, 200);
	assert_non_null(p);
	assert_int_equal(p->vpid, 1);
	assert_int_equal(p->vtid, 1);
	assert_int_equal(p->pidns, 4026532200ull);
	assert_string_equal(p->exe, "nginx: master process nginx -g daemon off;");
	assert_int_equal(p->args_len, 0);
	assert_int_equal(p->env_len, 0);
	assert_int_equal(p->loginuid, 4294967295u);
	assert_non_null(p->container);
	assert_string_equal(p->container->runtime, "docker");
	assert_null(state_get_thread(s, 300));
}

static FdInfo *fd(State *s, int64_t tid, int64_t n)
{
	Proc *p = state_get_thread(s, tid);

	assert_non_null(p);
	assert_non_null(p->fds);
	return fdtable_get(p->fds, n);
}

static void test_scan_fds(void **unused)
{
	_cleanup_(state_freep) State *s = NULL;
	ProcScanStats st;
	FdInfo *f;

	(void)unused;
	s = scan(&st, 0);
	assert_int_equal(st.fds, 12);
	assert_int_equal(fdtable_size(state_get_thread(s, 100)->fds), 12);

	f = fd(s, 100, 0);
	assert_non_null(f);
	assert_int_equal(f->type, FD_FILE);
	assert_string_equal(f->name, "/dev/null");
	assert_int_equal(f->flags & O_CLOEXEC, 0);

	f = fd(s, 100, 1);
	assert_int_equal(f->type, FD_PIPE);
	assert_string_equal(f->name, "pipe:[5001]");
	assert_int_equal(f->ino, 5001);

	f = fd(s, 100, 3); /* listening on 0.0.0.0:8080 */
	assert_int_equal(f->type, FD_IPV4_SOCK);
	assert_int_equal(f->l4proto, IPPROTO_TCP);
	assert_int_equal(f->dport, 8080);
	assert_false(f->connected);
	assert_true(f->flags & O_CLOEXEC);

	f = fd(s, 100, 4); /* accepted from 127.0.0.2:54321 */
	assert_int_equal(f->type, FD_IPV4_SOCK);
	assert_true(f->is_server);
	assert_true(f->connected);
	assert_string_equal(f->name, "127.0.0.2:54321->127.0.0.1:8080");

	f = fd(s, 100, 9); /* outgoing */
	assert_false(f->is_server);
	assert_string_equal(f->name, "10.0.2.15:50000->8.8.8.8:443");

	f = fd(s, 100, 12);
	assert_int_equal(f->type, FD_IPV6_SOCK);
	assert_false(f->is_server);
	assert_string_equal(f->name, "2001:db8::1:443->2001:db8::2:50001");

	f = fd(s, 100, 5);
	assert_int_equal(f->type, FD_UNIX_SOCK);
	assert_string_equal(f->name, "/run/app.sock");

	f = fd(s, 100, 10); /* not in any table (netlink, say) */
	assert_int_equal(f->type, FD_OTHER_SOCK);
	assert_int_equal(f->ino, 9999);

	assert_int_equal(fd(s, 100, 6)->type, FD_EVENT);
	assert_int_equal(fd(s, 100, 7)->type, FD_MEMFD);
	assert_int_equal(fd(s, 100, 8)->type, FD_DIRECTORY);
	assert_int_equal(fd(s, 100, 11)->type, FD_EVENTPOLL);
	assert_null(fd(s, 100, 2));
}

static void test_scan_limit(void **unused)
{
	_cleanup_(state_freep) State *s = NULL;
	ProcScanStats st;

	(void)unused;
	s = scan(&st, 2);
	assert_true(st.truncated);
	assert_int_equal(st.threads, 2);
	assert_int_equal(state_nthreads(s), 2);
}

/* After the capture starts: only what the first scan did not insert is read. */
static void test_scan_missing(void **unused)
{
	_cleanup_(state_freep) State *s = NULL;
	ProcScanStats st;

	(void)unused;
	s = scan(&st, 2);
	assert_int_equal(state_nthreads(s), 2);
	assert_int_equal(procscan_missing(s, ROOT, 0, &st), 0);
	assert_int_equal(st.threads, 2);
	assert_false(st.truncated);
	assert_int_equal(state_nthreads(s), 4);
	assert_non_null(state_get_thread(s, 1));
	assert_non_null(state_get_thread(s, 100));
	/* nothing is missing any more */
	assert_int_equal(procscan_missing(s, ROOT, 0, &st), 0);
	assert_int_equal(st.threads, 0);
	assert_int_equal(st.processes, 0);
	assert_int_equal(state_nthreads(s), 4);
}

static void test_scan_errors(void **unused)
{
	_cleanup_(state_freep) State *s = state_new();
	Proc *p = NULL;

	(void)unused;
	assert_int_equal(procscan_run(s, PROCSCAN_TEST_DATA "/nonexistent", 0, NULL), -ENOENT);
	assert_int_equal(procscan_thread(s, ROOT, 300, 300, true, &p), -ENOENT);
	assert_int_equal(procscan_thread(s, ROOT, 555, 555, true, &p), -ENOENT);
	/* a thread asked for as part of the wrong process */
	assert_int_equal(procscan_thread(s, ROOT, 1, 101, false, &p), -ENOENT);
	assert_int_equal(procscan_thread(s, ROOT, 100, 101, false, &p), 0);
	assert_int_equal(p->tid, 101);
	assert_string_equal(p->comm, "worker");
}

static void test_alive_and_sweep(void **unused)
{
	_cleanup_(state_freep) State *s = NULL;
	ProcScanStats st;
	ProcSnapshot snap = { .set = PS_PID | PS_COMM, .tid = 4242, .pid = 4242, .comm = "gone" };

	(void)unused;
	s = scan(&st, 0);
	assert_true(procscan_alive(100, (void *)ROOT));
	assert_true(procscan_alive(1, (void *)ROOT));
	assert_false(procscan_alive(4242, (void *)ROOT));
	assert_true(procscan_alive(getpid(), NULL));
	assert_int_equal(state_upsert_proc_snapshot(s, &snap, NULL), 0);
	assert_int_equal(state_sweep(s, procscan_alive, (void *)ROOT), 1);
	assert_null(state_get_thread(s, 4242));
	assert_non_null(state_get_thread(s, 101));
}

static void test_host_namespaces(void **unused)
{
	uint64_t pidns = 0, mntns = 0;

	(void)unused;
	assert_int_equal(procscan_host_namespaces(ROOT, &pidns, &mntns), 0);
	assert_int_equal(pidns, 4026531836ull);
	assert_int_equal(mntns, 4026531841ull);
	assert_int_equal(procscan_host_namespaces(HOSTROOT, &pidns, NULL), -ENOENT);
}

/* The real /proc must scan without errors (whatever runs on the machine). */
static void test_scan_real_proc(void **unused)
{
	_cleanup_(state_freep) State *s = state_new();
	ProcScanStats st;
	Proc *self;

	(void)unused;
	assert_int_equal(procscan_run(s, NULL, 0, &st), 0);
	assert_true(st.processes >= 1);
	self = state_get_thread(s, getpid());
	assert_non_null(self);
	assert_non_null(self->comm);
	assert_non_null(self->fds);
}

static void test_hostfiles(void **unused)
{
	_cleanup_(hostfiles_freep) HostFiles *h = NULL;
	_cleanup_(userdb_freep) UserDb *db = NULL;
	UserDb *again = (UserDb *)1;

	(void)unused;
	assert_int_equal(hostfiles_new(HOSTROOT "/", &h), 0);
	assert_int_equal(hostfiles_refresh(h, &db), 1);
	assert_non_null(db);
	assert_int_equal(h->skipped, 1);
	assert_string_equal(userdb_user_name(db, 1000), "alice");
	assert_string_equal(userdb_user_shell(db, 1000), "/bin/zsh");
	assert_string_equal(userdb_group_name(db, 4), "adm");
	assert_null(userdb_user_name(db, 4));
	/* unchanged files: nothing to do */
	assert_int_equal(hostfiles_refresh(h, &again), 0);
	assert_null(again);
}

static void test_hostfiles_change(void **unused)
{
	_cleanup_(hostfiles_freep) HostFiles *h = NULL;
	UserDb *db = NULL;
	char dir[] = "/tmp/saker-hostfiles-XXXXXX", path[256];
	FILE *f;

	(void)unused;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(hostfiles_new(dir, &h), 0);
	/* no files: an empty table, then no reload until one appears */
	assert_int_equal(hostfiles_refresh(h, &db), 1);
	assert_int_equal(userdb_nusers(db), 0);
	db = userdb_free(db);
	assert_int_equal(hostfiles_refresh(h, &db), 0);

	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("bob:x:1001:1001::/home/bob:/bin/sh\n", f);
	fclose(f);
	assert_int_equal(hostfiles_refresh(h, &db), 1);
	assert_string_equal(userdb_user_name(db, 1001), "bob");
	db = userdb_free(db);
	assert_int_equal(hostfiles_refresh(h, &db), 0);

	/* replaced (new inode, same size) */
	{
		char tmp[300];

		snprintf(tmp, sizeof(tmp), "%s/etc/passwd.new", dir);
		f = fopen(tmp, "w");
		assert_non_null(f);
		fputs("carl:x:1001:1001::/home/bob:/bin/sh\n", f);
		fclose(f);
		assert_int_equal(rename(tmp, path), 0);
	}
	assert_int_equal(hostfiles_refresh(h, &db), 1);
	assert_string_equal(userdb_user_name(db, 1001), "carl");
	db = userdb_free(db);

	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	rmdir(dir);

	assert_int_equal(hostfiles_load(HOSTROOT, &db), 0);
	assert_int_equal(userdb_nusers(db), 2);
	userdb_free(db);
}

static Container *container(const char *full_id, const char *runtime)
{
	Container *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->full_id = strdup(full_id);
	c->runtime = strdup(runtime);
	return c;
}

static void container_done(Container *c)
{
	free(c->id);
	free(c->full_id);
	free(c->runtime);
	free(c->name);
	free(c->image);
	free(c->image_repository);
	free(c->image_tag);
	free(c->image_digest);
	for (size_t i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->k8s_pod_name);
	free(c->k8s_ns_name);
	free(c->k8s_pod_uid);
	free(c);
}

static void test_containerfs_docker(void **unused)
{
	Container *c = container(CID, "docker");
	char *d;

	(void)unused;
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image, "nginx:1.25");
	assert_string_equal(c->image_repository, "nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_string_equal(container_label(c, "app"), "web");
	assert_true(c->privileged); /* hostconfig.json read after config.v2.json */
	d = containerfs_describe(c, HOSTROOT "/");
	assert_string_equal(d, HOSTROOT "/var/lib/docker/containers/" CID "/config.v2.json");
	free(d);
	container_done(c);

	c = container("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "docker");
	assert_int_equal(containerfs_read(c, HOSTROOT), -EBADMSG);
	container_done(c);
	c = container("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "docker");
	assert_int_equal(containerfs_read(c, HOSTROOT), 0);
	container_done(c);
	c = container("../../etc", "docker");
	assert_int_equal(containerfs_read(c, HOSTROOT), -EINVAL);
	container_done(c);
}

static void test_containerfs_cri(void **unused)
{
	Container *c = container("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				 "containerd");

	(void)unused;
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(c->name, "api");
	assert_string_equal(c->image_repository, "registry.example/api");
	assert_string_equal(c->k8s_pod_name, "api-7d9");
	assert_string_equal(c->k8s_ns_name, "prod");
	assert_string_equal(c->k8s_pod_uid, "1234-5678");
	assert_false(c->privileged);
	container_done(c);

	/* a namespace other than the well-known ones */
	c = container("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "containerd");
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(c->name, "builder");
	container_done(c);

	c = container("cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "cri-o");
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(c->name, "redis");
	assert_string_equal(c->image_tag, "7");
	assert_string_equal(c->k8s_pod_name, "cache-0");
	assert_true(c->privileged);
	container_done(c);
}

static void test_containerfs_podman_nspawn(void **unused)
{
	Container *c = container("dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
				 "podman");

	(void)unused;
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(c->name, "pod-db");
	container_done(c);

	c = container("debian-box", "systemd-nspawn");
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(c->name, "debian-box");
	container_done(c);

	c = container("other-box", "systemd-nspawn");
	assert_int_equal(containerfs_read(c, HOSTROOT), 0);
	assert_string_equal(c->name, "other-box");
	container_done(c);

	c = container("x", "lxc");
	assert_int_equal(containerfs_read(c, HOSTROOT), 0);
	container_done(c);
}

/* Bootstrap, then fill the container found in the fake /proc from disk. */
static void test_containerfs_state(void **unused)
{
	_cleanup_(state_freep) State *s = NULL;
	ProcScanStats st;
	Container *c;

	(void)unused;
	s = scan(&st, 0);
	c = state_find_container(s, CID);
	assert_non_null(c);
	assert_int_equal(containerfs_read(c, HOSTROOT), 1);
	assert_string_equal(state_get_thread(s, 200)->container->name, "web");
}

static int copy_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	static const char src[] = PROCSCAN_TEST_DATA "/root";
	char dst[4096];
	char buf[65536];
	ssize_t n;
	int in, out;

	(void)ftw;
	snprintf(dst, sizeof(dst), "%s%s", root_dir, path + strlen(src));
	if (type == FTW_D)
		return mkdir(dst, 0755) < 0 && errno != EEXIST ? -1 : 0;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	in = open(path, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	close(out);
	return n < 0 ? -1 : 0;
}

static int mkdir_p(char *path)
{
	for (char *p = path + strlen(root_dir) + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* Copy the regular files, then make the directories and symlinks listed. */
static int setup(void **unused)
{
	char line[4096], path[8192];
	FILE *f;

	(void)unused;
	if (!mkdtemp(root_dir))
		return -1;
	if (nftw(PROCSCAN_TEST_DATA "/root", copy_entry, 16, FTW_PHYS) < 0)
		return -1;
	f = fopen(PROCSCAN_TEST_DATA "/links", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *rel = line + 2, *target;

		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		target = strchr(rel, ' ');
		if (target)
			*target++ = 0;
		snprintf(path, sizeof(path), "%s/%s", root_dir, rel);
		if (line[0] == 'd' && mkdir_p(path) < 0)
			return -1;
		if (line[0] == 'l') {
			char *slash = strrchr(path, '/');

			*slash = 0;
			if (mkdir_p(path) < 0)
				return -1;
			*slash = '/';
			if (!target || symlink(target, path) < 0)
				return -1;
		}
	}
	fclose(f);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static int teardown(void **unused)
{
	(void)unused;
	return nftw(root_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_scan_processes),
		cmocka_unit_test(test_scan_fds),
		cmocka_unit_test(test_scan_limit),
		cmocka_unit_test(test_scan_missing),
		cmocka_unit_test(test_scan_errors),
		cmocka_unit_test(test_alive_and_sweep),
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_scan_real_proc),
		cmocka_unit_test(test_hostfiles),
		cmocka_unit_test(test_hostfiles_change),
		cmocka_unit_test(test_containerfs_docker),
		cmocka_unit_test(test_containerfs_cri),
		cmocka_unit_test(test_containerfs_podman_nspawn),
		cmocka_unit_test(test_containerfs_state),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
