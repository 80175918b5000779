// SPDX-License-Identifier: MIT
/*
 * The thread table, fd tables and container table.  Threads live in a
 * tid-keyed map with two LRU lists: live threads and threads whose exit was
 * seen (kept so children can still name their ancestors).  The table has a
 * hard size limit; making room evicts the least recently used dead thread,
 * and only when none is left the least recently used live one (counted, as
 * that loses context a rule may need).  Fd tables are shared by the threads
 * of a process (CLONE_FILES) and reference counted, as are containers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "state/container.h"
#include "state/state.h"
#include "state/strpool.h"

/* ---- strings ---- */

/* Replace *dst with a copy of src cut at max - 1 bytes (NULL src clears). */
static int set_str(char **dst, const char *src, size_t max)
{
	char *n = NULL;

	if (src) {
		n = strndup(src, max - 1);
		if (!n)
			return -ENOMEM;
	}
	free(*dst);
	*dst = n;
	return 0;
}

/*
 * The process image strings (comm, exe, exepath, cwd, cgroups, args, env)
 * live in the state's string pool: processes share identical texts.
 */
static int pool_set(State *s, char **dst, const char *src, size_t len)
{
	char *n = NULL;

	if (src) {
		n = strpool_intern(s->strings, src, len);
		if (!n)
			return -ENOMEM;
	}
	strpool_unref(s->strings, *dst);
	*dst = n;
	return 0;
}

/* As set_str (a C string cut at max - 1 bytes), pooled. */
static int pset_str(State *s, char **dst, const char *src, size_t max)
{
	return pool_set(s, dst, src, src ? strnlen(src, max - 1) : 0);
}

/* As set_strarr (len bytes cut at max, NUL-separated), pooled; empty is NULL. */
static int pset_strarr(State *s, char **dst, size_t *dst_len, const char *src, size_t len,
		       size_t max)
{
	int r;

	if (len > max)
		len = max;
	if (!src || len == 0) {
		src = NULL;
		len = 0;
	}
	r = pool_set(s, dst, src, len);
	if (r >= 0)
		*dst_len = len;
	return r;
}

/* dst shares src's pooled text. */
static void pset_copy(State *s, char **dst, char *src)
{
	src = strpool_ref(src);
	strpool_unref(s->strings, *dst);
	*dst = src;
}

/* ---- fd tables ---- */

FdInfo *fdinfo_free(FdInfo *f)
{
	if (!f)
		return NULL;
	free(f->name);
	free(f);
	return NULL;
}

FdInfo *fdinfo_new(int64_t fd)
{
	FdInfo *f = new0(FdInfo, 1);

	if (f)
		f->fd = fd;
	return f;
}

FdInfo *fdinfo_dup(const FdInfo *f, int64_t fd)
{
	FdInfo *n = newa(FdInfo, 1);

	if (!n)
		return NULL;
	*n = *f;
	n->fd = fd;
	n->name = NULL;
	if (f->name && set_str(&n->name, f->name, STATE_MAX_PATH) < 0)
		return fdinfo_free(n);
	return n;
}

int fdinfo_set_name(FdInfo *f, const char *name)
{
	return set_str(&f->name, name, STATE_MAX_PATH);
}

static const char *const fd_type_names[_FD_TYPE_MAX] = {
	[FD_UNKNOWN] = "unknown",     [FD_FILE] = "file",
	[FD_DIRECTORY] = "directory", [FD_IPV4_SOCK] = "ipv4",
	[FD_IPV6_SOCK] = "ipv6",      [FD_UNIX_SOCK] = "unix",
	[FD_NETLINK] = "netlink",     [FD_PACKET] = "packet",
	[FD_OTHER_SOCK] = "socket",   [FD_PIPE] = "pipe",
	[FD_EVENT] = "event",	      [FD_SIGNALFD] = "signalfd",
	[FD_EVENTPOLL] = "eventpoll", [FD_INOTIFY] = "inotify",
	[FD_TIMERFD] = "timerfd",     [FD_MEMFD] = "memfd",
	[FD_BPF] = "bpf",	      [FD_USERFAULTFD] = "userfaultfd",
	[FD_IOURING] = "io_uring",    [FD_PIDFD] = "pidfd",
	[FD_FSCONTEXT] = "fscontext",
};

const char *fdinfo_type_name(FdType t)
{
	if ((unsigned)t >= _FD_TYPE_MAX)
		return "unknown";
	return fd_type_names[t];
}

int fdinfo_type_from_name(const char *name)
{
	unsigned i;

	for (i = 0; i < _FD_TYPE_MAX; i++)
		if (strcmp(fd_type_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

static bool is_v4mapped(const uint8_t a[16])
{
	static const uint8_t zero[16];
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	/* Falco also treats the all-zero address as IPv4 */
	return memcmp(a, prefix, 12) == 0 || memcmp(a, zero, 16) == 0;
}

void fdinfo_format_tuple(const FdInfo *f, char *buf, size_t size)
{
	bool ports = f->l4proto == IPPROTO_TCP || f->l4proto == IPPROTO_UDP;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const uint8_t *sa = f->saddr, *da = f->daddr;
	int family = AF_INET, n;

	if (size == 0)
		return;
	if (f->type == FD_IPV6_SOCK) {
		if (is_v4mapped(sa) && is_v4mapped(da)) {
			sa += 12;
			da += 12;
		} else {
			family = AF_INET6;
		}
	} else if (f->type != FD_IPV4_SOCK) {
		snprintf(buf, size, "<unknown>");
		return;
	}
	if (!inet_ntop(family, sa, s, sizeof(s)) || !inet_ntop(family, da, d, sizeof(d))) {
		snprintf(buf, size, "<unknown>");
		return;
	}
	if (ports)
		n = snprintf(buf, size, "%s:%u->%s:%u", s, f->sport, d, f->dport);
	else
		n = snprintf(buf, size, "%s->%s", s, d);
	(void)n; /* cut at size, as documented */
}

FdTable *fdtable_new(void)
{
	FdTable *t = new0(FdTable, 1);

	if (!t)
		return NULL;
	t->map = u64map_new();
	if (!t->map) {
		free(t);
		return NULL;
	}
	t->refs = 1;
	return t;
}

FdTable *fdtable_ref(FdTable *t)
{
	if (t)
		t->refs++;
	return t;
}

FdTable *fdtable_unref(FdTable *t)
{
	size_t iter = 0;
	void *v;

	if (!t || --t->refs > 0)
		return NULL;
	while (u64map_next(t->map, &iter, NULL, &v))
		fdinfo_free(v);
	u64map_free(t->map);
	free(t);
	return NULL;
}

FdInfo *fdtable_get(FdTable *t, int64_t fd)
{
	if (!t || fd < 0)
		return NULL;
	return u64map_get(t->map, (uint64_t)fd);
}

int fdtable_put(FdTable *t, FdInfo *info)
{
	FdInfo *old;
	int r;

	if (!t || info->fd < 0) {
		fdinfo_free(info);
		return -EINVAL;
	}
	old = u64map_get(t->map, (uint64_t)info->fd);
	if (!old && u64map_size(t->map) >= STATE_MAX_FDS_PER_PROC) {
		t->dropped++;
		fdinfo_free(info);
		return -ENOSPC;
	}
	r = u64map_put(t->map, (uint64_t)info->fd, info);
	if (r < 0) {
		fdinfo_free(info);
		return r;
	}
	fdinfo_free(old);
	return 0;
}

void fdtable_remove(FdTable *t, int64_t fd)
{
	if (!t || fd < 0)
		return;
	fdinfo_free(u64map_remove(t->map, (uint64_t)fd));
}

size_t fdtable_size(const FdTable *t)
{
	return t ? u64map_size(t->map) : 0;
}

bool fdtable_next(const FdTable *t, size_t *iter, FdInfo **ret)
{
	void *v;

	if (!t || !u64map_next(t->map, iter, NULL, &v))
		return false;
	*ret = v;
	return true;
}

int fdtable_copy(const FdTable *t, FdTable **ret)
{
	FdTable *n = fdtable_new();
	size_t iter = 0;
	FdInfo *f;

	if (!n)
		return -ENOMEM;
	while (fdtable_next(t, &iter, &f)) {
		FdInfo *c = fdinfo_dup(f, f->fd);
		int r;

		if (!c) {
			fdtable_unref(n);
			return -ENOMEM;
		}
		r = fdtable_put(n, c);
		if (r < 0 && r != -ENOSPC) {
			fdtable_unref(n);
			return r;
		}
	}
	*ret = n;
	return 0;
}

void fdtable_drop_cloexec(FdTable *t)
{
	size_t iter = 0, n = 0, i;
	int64_t *victims;
	FdInfo *f;

	if (!t || fdtable_size(t) == 0)
		return;
	/* never remove while iterating: deletion shifts later entries back */
	victims = newa(int64_t, fdtable_size(t));
	if (!victims)
		return;
	while (fdtable_next(t, &iter, &f))
		if (f->flags & O_CLOEXEC)
			victims[n++] = f->fd;
	for (i = 0; i < n; i++)
		fdtable_remove(t, victims[i]);
	free(victims);
}

/* ---- containers ---- */

static Container *container_free(Container *c)
{
	size_t i;

	if (!c)
		return NULL;
	free(c->id);
	free(c->full_id);
	free(c->runtime);
	free(c->name);
	free(c->image);
	free(c->image_repository);
	free(c->image_tag);
	free(c->image_digest);
	for (i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->k8s_pod_name);
	free(c->k8s_ns_name);
	free(c->k8s_pod_uid);
	free(c);
	return NULL;
}

Container *container_ref(Container *c)
{
	if (c)
		c->refs++;
	return c;
}

static bool container_indexed(State *s, const Container *c)
{
	void *v;

	return strmap_get(s->containers, c->full_id, strlen(c->full_id), &v) && v == c;
}

void container_unref(State *s, Container *c)
{
	if (!c || --c->refs > 0)
		return;
	if (container_indexed(s, c))
		strmap_remove(s->containers, c->full_id, strlen(c->full_id), NULL);
	container_free(c);
}

static Container *container_new(const char *full_id, const char *runtime)
{
	_cleanup_free_ char *sid = NULL;
	Container *c;

	sid = container_short_id(full_id);
	if (!sid)
		return NULL;
	c = new0(Container, 1);
	if (!c)
		return NULL;
	c->full_id = strndup(full_id, CONTAINER_MAX_ID);
	c->runtime = strdup(runtime ? runtime : "unknown");
	if (!c->full_id || !c->runtime)
		return container_free(c);
	c->id = TAKE_PTR(sid);
	return c;
}

Container *state_find_container(State *s, const char *id)
{
	void *v;

	if (!id)
		return NULL;
	if (strmap_get(s->containers, id, strlen(id), &v))
		return v;
	return NULL;
}

/* Look up or create; the returned container is not yet referenced. */
static int container_lookup_or_new(State *s, const char *full_id, const char *runtime,
				   Container **ret)
{
	Container *c = state_find_container(s, full_id);
	int r;

	if (c) {
		*ret = c;
		return 0;
	}
	c = container_new(full_id, runtime);
	if (!c)
		return -ENOMEM;
	if (strmap_size(s->containers) >= STATE_MAX_CONTAINERS) {
		/*
		 * Never fall back to "host" for an unknown container: keep it
		 * outside the index instead.  Its processes hold it alive, so
		 * the thread table bounds these too.
		 */
		s->container_overflow++;
		*ret = c;
		return 1;
	}
	r = strmap_put(s->containers, c->full_id, strlen(c->full_id), c);
	if (r < 0) {
		container_free(c);
		return r;
	}
	*ret = c;
	return 1;
}

int state_get_or_add_container(State *s, const char *full_id, const char *runtime,
			       Container **ret)
{
	Container *c;
	int r;

	if (!full_id || !*full_id)
		return -EINVAL;
	r = container_lookup_or_new(s, full_id, runtime, &c);
	if (r < 0)
		return r;
	*ret = container_ref(c);
	if (r > 0 && s->on_new_container)
		s->on_new_container(s, c, s->on_new_container_data);
	return r;
}

void state_set_container_hook(State *s, void (*fn)(State *s, Container *c, void *userdata),
			      void *userdata)
{
	s->on_new_container = fn;
	s->on_new_container_data = userdata;
}

void state_set_container(State *s, Proc *p, Container *c)
{
	Container *old = p->container;

	if (old == c)
		return;
	p->container = container_ref(c);
	container_unref(s, old);
}

static int set_opt_str(char **dst, const char *src, size_t max)
{
	if (!src)
		return 0;
	return set_str(dst, src, max);
}

int state_upsert_container(State *s, const Container *tmpl, Container **ret)
{
	const char *key = tmpl->full_id ? tmpl->full_id : tmpl->id;
	Container *c;
	int r;

	if (!key || !*key)
		return -EINVAL;
	r = container_lookup_or_new(s, key, tmpl->runtime, &c);
	if (r < 0)
		return r;
	if (r > 0 && !container_indexed(s, c)) {
		/* an unreferenced container outside the table would leak */
		container_free(c);
		return -ENOSPC;
	}
	if (tmpl->runtime && (r = set_str(&c->runtime, tmpl->runtime, CONTAINER_MAX_STR)) < 0)
		return r;
	if ((r = set_opt_str(&c->name, tmpl->name, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->image, tmpl->image, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->image_repository, tmpl->image_repository, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->image_tag, tmpl->image_tag, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->image_digest, tmpl->image_digest, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->k8s_pod_name, tmpl->k8s_pod_name, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->k8s_ns_name, tmpl->k8s_ns_name, CONTAINER_MAX_STR)) < 0 ||
	    (r = set_opt_str(&c->k8s_pod_uid, tmpl->k8s_pod_uid, CONTAINER_MAX_STR)) < 0)
		return r;
	if (tmpl->image && !tmpl->image_repository && !c->image_repository) {
		r = container_split_image(c);
		if (r < 0)
			return r;
	}
	if (tmpl->nlabels > 0) {
		r = container_set_labels(c, (const char *const *)tmpl->labels, tmpl->nlabels);
		if (r < 0)
			return r;
	}
	if (tmpl->privileged)
		c->privileged = true;
	if (tmpl->created_ns)
		c->created_ns = tmpl->created_ns;
	if (ret)
		*ret = c;
	return 0;
}

/* ---- threads ---- */

static Proc *proc_free(State *s, Proc *p)
{
	if (!p)
		return NULL;
	strpool_unref(s->strings, p->comm);
	strpool_unref(s->strings, p->exe);
	strpool_unref(s->strings, p->exepath);
	strpool_unref(s->strings, p->args);
	strpool_unref(s->strings, p->env);
	strpool_unref(s->strings, p->cwd);
	strpool_unref(s->strings, p->cgroups);
	fdtable_unref(p->fds);
	container_unref(s, p->container);
	free(p);
	return NULL;
}

static void lru_unlink(State *s, Proc *p)
{
	Proc **head = p->dead ? &s->dead_head : &s->lru_head;
	Proc **tail = p->dead ? &s->dead_tail : &s->lru_tail;

	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else if (*head == p)
		*head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else if (*tail == p)
		*tail = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

static void lru_push(State *s, Proc *p)
{
	Proc **head = p->dead ? &s->dead_head : &s->lru_head;
	Proc **tail = p->dead ? &s->dead_tail : &s->lru_tail;

	p->lru_prev = NULL;
	p->lru_next = *head;
	if (*head)
		(*head)->lru_prev = p;
	*head = p;
	if (!*tail)
		*tail = p;
}

void state_touch(State *s, Proc *p)
{
	Proc *head = p->dead ? s->dead_head : s->lru_head;

	if (head == p)
		return;
	lru_unlink(s, p);
	lru_push(s, p);
}

State *state_new(void)
{
	State *s = new0(State, 1);

	if (!s)
		return NULL;
	s->threads = u64map_new();
	s->containers = strmap_new();
	s->pending_exec = u64map_new();
	s->strings = strpool_new();
	if (!s->threads || !s->containers || !s->pending_exec || !s->strings)
		return state_free(s);
	s->max_threads = STATE_MAX_THREADS_DEFAULT;
	return s;
}

static PendingExec *pending_free(PendingExec *pe)
{
	if (!pe)
		return NULL;
	free(pe->filename);
	free(pe->filename_abs);
	free(pe);
	return NULL;
}

State *state_free(State *s)
{
	size_t iter = 0;
	const char *k;
	void *v;

	if (!s)
		return NULL;
	while (s->lru_head) {
		Proc *p = s->lru_head;

		lru_unlink(s, p);
		proc_free(s, p);
	}
	while (s->dead_head) {
		Proc *p = s->dead_head;

		lru_unlink(s, p);
		proc_free(s, p);
	}
	u64map_free(s->threads);
	/* containers created by state_upsert_container may have no reference */
	while (strmap_next(s->containers, &iter, &k, NULL, &v))
		container_free(v);
	strmap_free(s->containers);
	iter = 0;
	while (u64map_next(s->pending_exec, &iter, NULL, &v))
		pending_free(v);
	u64map_free(s->pending_exec);
	strpool_free(s->strings);
	userdb_free(s->users);
	free(s);
	return NULL;
}

Proc *state_get_thread(State *s, int64_t tid)
{
	return u64map_get(s->threads, (uint64_t)tid);
}

size_t state_nthreads(const State *s)
{
	return u64map_size(s->threads);
}

bool state_next_thread(State *s, size_t *iter, Proc **ret)
{
	void *v;

	if (!u64map_next(s->threads, iter, NULL, &v))
		return false;
	*ret = v;
	return true;
}

Proc *state_next_thread_lru(State *s, const Proc *prev)
{
	if (!prev)
		return s->lru_tail ? s->lru_tail : s->dead_tail;
	if (prev->lru_prev)
		return prev->lru_prev;
	return prev->dead ? NULL : s->dead_tail;
}

size_t state_ncontainers(const State *s)
{
	return strmap_size(s->containers);
}

bool state_next_container(State *s, size_t *iter, Container **ret)
{
	void *v;

	if (!strmap_next(s->containers, iter, NULL, NULL, &v))
		return false;
	*ret = v;
	return true;
}

size_t state_nfds(State *s)
{
	_cleanup_(u64map_freep) U64Map *seen = NULL;
	size_t iter = 0, n = 0;
	Proc *p;

	while (state_next_thread(s, &iter, &p)) {
		FdTable *t = p->fds;

		if (!t)
			continue;
		if (t->refs > 1) {
			/* shared: count it at its first thread only */
			if (!seen && !(seen = u64map_new()))
				return n; /* out of memory: a lower bound */
			if (u64map_get(seen, (uintptr_t)t))
				continue;
			if (u64map_put(seen, (uintptr_t)t, t) < 0)
				return n;
		}
		n += fdtable_size(t);
	}
	return n;
}

static void remove_proc(State *s, Proc *p)
{
	u64map_remove(s->threads, (uint64_t)p->tid);
	lru_unlink(s, p);
	proc_free(s, p);
}

void state_remove_thread(State *s, int64_t tid)
{
	Proc *p = state_get_thread(s, tid);

	if (p)
		remove_proc(s, p);
}

/* Evict one thread, never `keep`.  Returns false when nothing can go. */
static bool evict_one(State *s, const Proc *keep)
{
	Proc *victim = s->dead_tail;
	bool live = false;

	if (victim && victim == keep)
		victim = victim->lru_prev;
	if (!victim) {
		victim = s->lru_tail;
		if (victim && victim == keep)
			victim = victim->lru_prev;
		live = true;
	}
	if (!victim)
		return false;
	s->evictions++;
	if (live)
		s->evictions_live++;
	remove_proc(s, victim);
	return true;
}

size_t state_set_max_threads(State *s, size_t max)
{
	if (max < STATE_MIN_THREADS)
		max = STATE_MIN_THREADS;
	s->max_threads = max;
	while (state_nthreads(s) > max && evict_one(s, NULL))
		;
	return max;
}

/* Copy everything that describes the process image from src to dst. */
static int proc_inherit(State *s, Proc *dst, const Proc *src)
{
	pset_copy(s, &dst->comm, src->comm);
	pset_copy(s, &dst->exe, src->exe);
	pset_copy(s, &dst->exepath, src->exepath);
	pset_copy(s, &dst->cwd, src->cwd);
	pset_copy(s, &dst->cgroups, src->cgroups);
	pset_copy(s, &dst->args, src->args);
	dst->args_len = src->args_len;
	pset_copy(s, &dst->env, src->env);
	dst->env_len = src->env_len;
	dst->sid = src->sid;
	dst->pgid = src->pgid;
	dst->cgroup_id = src->cgroup_id;
	dst->uid = src->uid;
	dst->gid = src->gid;
	dst->euid = src->euid;
	dst->egid = src->egid;
	dst->suid = src->suid;
	dst->sgid = src->sgid;
	dst->loginuid = src->loginuid;
	dst->cap_inheritable = src->cap_inheritable;
	dst->cap_permitted = src->cap_permitted;
	dst->cap_effective = src->cap_effective;
	dst->tty = src->tty;
	dst->pidns = src->pidns;
	dst->netns = src->netns;
	dst->mntns = src->mntns;
	dst->userns = src->userns;
	dst->exe_flags = src->exe_flags;
	dst->exe_ino = src->exe_ino;
	dst->exe_dev = src->exe_dev;
	dst->exec_ts = src->exec_ts;
	state_set_container(s, dst, src->container);
	return 0;
}

int state_proc_inherit(State *s, Proc *dst, const Proc *src)
{
	return proc_inherit(s, dst, src);
}

/* A new, empty, unlinked thread entry (no fd table yet). */
static int proc_insert(State *s, int64_t tid, int64_t pid, const Proc *keep, Proc **ret)
{
	Proc *p;
	int r;

	while (state_nthreads(s) >= s->max_threads)
		if (!evict_one(s, keep))
			return -ENOSPC;
	p = new0(Proc, 1);
	if (!p)
		return -ENOMEM;
	p->tid = tid;
	p->pid = pid;
	r = u64map_put(s->threads, (uint64_t)tid, p);
	if (r < 0) {
		free(p);
		return r;
	}
	lru_push(s, p);
	*ret = p;
	return 0;
}

int state_upsert_thread(State *s, int64_t tid, int64_t pid, Proc **ret)
{
	Proc *p = state_get_thread(s, tid), *leader = NULL;
	int r;

	if (pid <= 0)
		pid = tid;
	if (p && (p->pid != pid || p->dead)) {
		/* the tid was reused (by another process, or after an exit): stale */
		remove_proc(s, p);
		p = NULL;
	}
	if (p) {
		state_touch(s, p);
		*ret = p;
		return 0;
	}
	if (pid != tid) {
		leader = state_get_thread(s, pid);
		if (!leader) {
			/* create the leader too, so every thread shares one fd table */
			r = proc_insert(s, pid, pid, NULL, &leader);
			if (r < 0)
				return r;
			leader->fds = fdtable_new();
			if (!leader->fds) {
				remove_proc(s, leader);
				return -ENOMEM;
			}
		}
	}
	r = proc_insert(s, tid, pid, leader, &p);
	if (r < 0)
		return r;
	if (leader) {
		r = proc_inherit(s, p, leader);
		if (r < 0) {
			remove_proc(s, p);
			return r;
		}
		p->ptid = leader->ptid;
		p->vpid = leader->vpid;
		p->clone_ts = leader->clone_ts;
	}
	p->fds = leader && leader->fds ? fdtable_ref(leader->fds) : fdtable_new();
	if (!p->fds) {
		remove_proc(s, p);
		return -ENOMEM;
	}
	*ret = p;
	return 1;
}

void state_mark_dead(State *s, Proc *p)
{
	if (p->dead)
		return;
	if (p->tid != p->pid) {
		/* nothing names a non-leader thread as its parent */
		remove_proc(s, p);
		return;
	}
	lru_unlink(s, p);
	p->dead = true;
	lru_push(s, p);
	p->fds = fdtable_unref(p->fds);
}

Proc *state_leader(State *s, const Proc *p)
{
	if (!p)
		return NULL;
	if (p->tid == p->pid)
		return (Proc *)p;
	return state_get_thread(s, p->pid);
}

Proc *state_parent(State *s, const Proc *p)
{
	if (!p || p->ptid <= 0 || p->ptid == p->pid || p->ptid == p->tid)
		return NULL;
	return state_get_thread(s, p->ptid);
}

Proc *state_ancestor(State *s, const Proc *p, unsigned n)
{
	int64_t seen[STATE_MAX_ANCESTORS + 1];
	unsigned i, j;

	if (!p || n > STATE_MAX_ANCESTORS)
		return NULL;
	seen[0] = p->pid;
	for (i = 1; i <= n; i++) {
		p = state_parent(s, p);
		if (!p)
			return NULL;
		for (j = 0; j < i; j++)
			if (seen[j] == p->pid)
				return NULL; /* a loop in ptid links */
		seen[i] = p->pid;
	}
	return (Proc *)p;
}

int state_set_cgroups(State *s, Proc *p, const char *cgroups)
{
	_cleanup_free_ char *id = NULL;
	const char *runtime = NULL;
	Container *c = NULL;
	int r;

	if (!cgroups)
		return 0;
	if (p->cgroups && strncmp(p->cgroups, cgroups, STATE_MAX_CGROUPS - 1) == 0 &&
	    strlen(p->cgroups) == strnlen(cgroups, STATE_MAX_CGROUPS - 1))
		return 0;
	r = pset_str(s, &p->cgroups, cgroups, STATE_MAX_CGROUPS);
	if (r < 0)
		return r;
	r = container_id_from_cgroup(p->cgroups, &id, &runtime);
	if (r < 0)
		return r;
	if (r == 0) {
		state_set_container(s, p, NULL);
		return 0;
	}
	r = state_get_or_add_container(s, id, runtime, &c);
	if (r < 0)
		return r;
	if (!c->k8s_pod_uid) {
		_cleanup_free_ char *uid = container_pod_uid_from_cgroup(p->cgroups);

		if (uid)
			c->k8s_pod_uid = TAKE_PTR(uid);
	}
	state_set_container(s, p, c);
	container_unref(s, c); /* drop the lookup reference */
	return 0;
}

static int apply_container_id(State *s, Proc *p, const char *id)
{
	Container *c;
	int r;

	if (!id || !*id || strcmp(id, "host") == 0) {
		state_set_container(s, p, NULL);
		return 0;
	}
	r = state_get_or_add_container(s, id, NULL, &c);
	if (r < 0)
		return r;
	state_set_container(s, p, c);
	container_unref(s, c);
	return 0;
}

int state_proc_apply(State *s, Proc *p, const ProcSnapshot *snap)
{
	uint64_t set = snap->set;
	int r;

	if (set & PS_PTID)
		p->ptid = snap->ptid;
	if (set & PS_SID)
		p->sid = snap->sid;
	if (set & PS_PGID)
		p->pgid = snap->pgid;
	if (set & PS_VTID)
		p->vtid = snap->vtid;
	if (set & PS_VPID)
		p->vpid = snap->vpid;
	if ((set & PS_COMM) && (r = pset_str(s, &p->comm, snap->comm, STATE_MAX_COMM)) < 0)
		return r;
	if ((set & PS_EXE) && (r = pset_str(s, &p->exe, snap->exe, STATE_MAX_PATH)) < 0)
		return r;
	if ((set & PS_EXEPATH) && (r = pset_str(s, &p->exepath, snap->exepath, STATE_MAX_PATH)) < 0)
		return r;
	if ((set & PS_CWD) && (r = pset_str(s, &p->cwd, snap->cwd, STATE_MAX_PATH)) < 0)
		return r;
	if ((set & PS_ARGS) && (r = pset_strarr(s, &p->args, &p->args_len, snap->args,
						snap->args_len, STATE_MAX_ARGS_BYTES)) < 0)
		return r;
	if ((set & PS_ENV) && (r = pset_strarr(s, &p->env, &p->env_len, snap->env, snap->env_len,
					       STATE_MAX_ENV_BYTES)) < 0)
		return r;
	if ((set & PS_CGROUPS) && (r = state_set_cgroups(s, p, snap->cgroups)) < 0)
		return r;
	if ((set & PS_CONTAINER_ID) && (r = apply_container_id(s, p, snap->container_id)) < 0)
		return r;
	if (set & PS_CGROUP_ID)
		p->cgroup_id = snap->cgroup_id;
	if (set & PS_UID)
		p->uid = snap->uid;
	if (set & PS_GID)
		p->gid = snap->gid;
	if (set & PS_EUID)
		p->euid = snap->euid;
	if (set & PS_EGID)
		p->egid = snap->egid;
	if (set & PS_SUID)
		p->suid = snap->suid;
	if (set & PS_SGID)
		p->sgid = snap->sgid;
	if (set & PS_LOGINUID)
		p->loginuid = snap->loginuid;
	if (set & PS_CAPS) {
		p->cap_inheritable = snap->cap_inheritable;
		p->cap_permitted = snap->cap_permitted;
		p->cap_effective = snap->cap_effective;
	}
	if (set & PS_TTY)
		p->tty = snap->tty;
	if (set & PS_NS) {
		p->pidns = snap->pidns;
		p->netns = snap->netns;
		p->mntns = snap->mntns;
		p->userns = snap->userns;
	}
	if (set & PS_EXE_FLAGS)
		p->exe_flags = snap->exe_flags;
	if (set & PS_EXE_INO) {
		p->exe_ino = snap->exe_ino;
		p->exe_dev = snap->exe_dev;
	}
	if (set & PS_CLONE_TS)
		p->clone_ts = snap->clone_ts;
	if (set & PS_EXEC_TS)
		p->exec_ts = snap->exec_ts;
	return 0;
}

int state_upsert_proc_snapshot(State *s, const ProcSnapshot *snap, Proc **ret)
{
	int64_t pid = snap->set & PS_PID ? snap->pid : snap->tid;
	Proc *p;
	int r;

	if (snap->tid <= 0)
		return -EINVAL;
	r = state_upsert_thread(s, snap->tid, pid, &p);
	if (r < 0)
		return r;
	if (r > 0)
		p->from_proc = true;
	r = state_proc_apply(s, p, snap);
	if (r < 0)
		return r;
	if ((snap->set & PS_DEAD) && snap->dead && !p->dead) {
		if (p->tid != p->pid) {
			remove_proc(s, p);
			p = NULL;
		} else {
			state_mark_dead(s, p);
		}
	}
	if (ret)
		*ret = p;
	return 0;
}

int state_upsert_fd_snapshot(State *s, int64_t tid, const FdInfo *tmpl, FdInfo **ret)
{
	Proc *p = state_get_thread(s, tid);
	FdInfo *f;
	int r;

	if (!p || !p->fds)
		return -ESRCH;
	if (tmpl->fd < 0)
		return -EINVAL;
	f = fdinfo_dup(tmpl, tmpl->fd);
	if (!f)
		return -ENOMEM;
	r = fdtable_put(p->fds, f);
	if (r < 0)
		return r;
	if (ret)
		*ret = f;
	return 0;
}

/* ---- pending exec entry records ---- */

const PendingExec *state_pending_exec(State *s, int64_t tid)
{
	return u64map_get(s->pending_exec, (uint64_t)tid);
}

void state_drop_pending_exec(State *s, int64_t tid)
{
	pending_free(u64map_remove(s->pending_exec, (uint64_t)tid));
}

/* Drop the oldest pending entry (only when the map is full: rare). */
static void pending_drop_oldest(State *s)
{
	uint64_t key, oldest_key = 0, oldest_ts = UINT64_MAX;
	size_t iter = 0;
	bool found = false;
	void *v;

	while (u64map_next(s->pending_exec, &iter, &key, &v)) {
		const PendingExec *pe = v;

		if (!found || pe->ts < oldest_ts) {
			oldest_ts = pe->ts;
			oldest_key = key;
			found = true;
		}
	}
	if (found) {
		pending_free(u64map_remove(s->pending_exec, oldest_key));
		s->pending_dropped++;
	}
}

int state_set_pending_exec(State *s, int64_t tid, const char *filename, const char *filename_abs,
			   int64_t dirfd, uint32_t flags, uint64_t ts)
{
	PendingExec *pe;
	int r;

	state_drop_pending_exec(s, tid);
	if (u64map_size(s->pending_exec) >= STATE_MAX_PENDING_EXEC)
		pending_drop_oldest(s);
	pe = new0(PendingExec, 1);
	if (!pe)
		return -ENOMEM;
	if ((filename && !(pe->filename = strndup(filename, STATE_MAX_PATH - 1))) ||
	    (filename_abs && !(pe->filename_abs = strndup(filename_abs, STATE_MAX_PATH - 1)))) {
		pending_free(pe);
		return -ENOMEM;
	}
	pe->dirfd = dirfd;
	pe->flags = flags;
	pe->ts = ts;
	r = u64map_put(s->pending_exec, (uint64_t)tid, pe);
	if (r < 0)
		pending_free(pe);
	return r;
}

size_t state_expire_pending(State *s, uint64_t now_ns, uint64_t max_age_ns)
{
	uint64_t *victims, key;
	size_t iter = 0, n = 0, i;
	void *v;

	if (u64map_size(s->pending_exec) == 0)
		return 0;
	victims = newa(uint64_t, u64map_size(s->pending_exec));
	if (!victims)
		return 0;
	while (u64map_next(s->pending_exec, &iter, &key, &v)) {
		const PendingExec *pe = v;

		if (pe->ts + max_age_ns < now_ns)
			victims[n++] = key;
	}
	for (i = 0; i < n; i++)
		state_drop_pending_exec(s, (int64_t)victims[i]);
	free(victims);
	return n;
}

/* ---- sweep ---- */

size_t state_sweep(State *s, bool (*alive)(int64_t tid, void *userdata), void *userdata)
{
	_cleanup_(u64map_freep) U64Map *needed = NULL;
	size_t removed = 0, before;
	Proc *p, *next;

	/* 1. threads that are gone without an exit event */
	for (p = s->lru_head; p; p = next) {
		next = p->lru_next; /* marking p dead moves or frees only p */
		if (alive(p->tid, userdata))
			continue;
		before = state_nthreads(s);
		state_mark_dead(s, p);
		removed += before - state_nthreads(s);
	}

	/* 2. keep the dead ancestors of live threads, drop the other dead */
	needed = u64map_new();
	if (!needed)
		return removed;
	for (p = s->lru_head; p; p = p->lru_next) {
		const Proc *a = p;
		unsigned depth;

		/* a live thread still needs its exited leader (proc.* of the process) */
		if (p->pid != p->tid && (a = state_get_thread(s, p->pid)) && a->dead &&
		    u64map_put(needed, (uint64_t)a->tid, (void *)a) < 0)
			return removed;
		a = p;
		for (depth = 0; depth < STATE_MAX_ANCESTORS; depth++) {
			a = state_parent(s, a);
			if (!a || u64map_get(needed, (uint64_t)a->tid))
				break;
			if (u64map_put(needed, (uint64_t)a->tid, (void *)a) < 0)
				return removed; /* keep everything on ENOMEM */
		}
	}
	for (p = s->dead_head; p; p = next) {
		next = p->lru_next;
		if (!u64map_get(needed, (uint64_t)p->tid)) {
			remove_proc(s, p);
			removed++;
		}
	}
	return removed;
}
