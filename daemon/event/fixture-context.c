// SPDX-License-Identifier: MIT
/*
 * The context part of a JSON-lines event: "proc" (with "ancestors"), "fd"
 * or "fds", "container", "users" and "groups", parsed into the snapshot
 * structures of the state layer, and applied to a State before the event.
 * Unknown keys are errors: a typo must not silently drop context a test
 * relies on.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "event/fixture-internal.h"
#include "event/flags.h"

/* ---- context: processes ---- */

/* NUL-join a JSON array of strings into owned memory (no final NUL counted). */
static int j_strarr(FixtureReader *r, FixtureEvent *fe, JObj *v, const char *field,
		    const char **ret, size_t *ret_len)
{
	StrBuf sb = { .limit = SAKER_PARAM_MAX };
	int i, n, rc;

	if (fjson_object_is_type(v, fjson_type_object)) {
		/* {"hex": ...}: the NUL-separated bytes, each string terminated */
		rc = fx_bytes(r, fe, v, field, true, ret, ret_len);
		if (rc < 0)
			return rc;
		if (*ret_len > 0 && (*ret)[*ret_len - 1] == 0)
			(*ret_len)--;
		return 0;
	}
	if (!fjson_object_is_type(v, fjson_type_array))
		return fx_fail(r, -EINVAL, field, "expected an array of strings, got %s", fx_type(v));
	n = fjson_object_array_length(v);
	if (n > FIXTURE_MAX_STRARR)
		return fx_fail(r, -E2BIG, field, "more than %d strings", FIXTURE_MAX_STRARR);
	for (i = 0; i < n; i++) {
		char f2[160];
		const char *s;
		size_t bn;

		fx_fmt(f2, sizeof(f2), "%s[%d]", field, i);
		rc = fx_bytes(r, fe, fjson_object_array_get_idx(v, i), f2, false, &s, &bn);
		if (rc < 0) {
			strbuf_done(&sb);
			return rc;
		}
		if ((i > 0 && strbuf_putc(&sb, 0) < 0) || strbuf_append(&sb, s, bn) < 0) {
			strbuf_done(&sb);
			return fx_fail(r, -E2BIG, field, "strings too long (at most %u bytes)",
				    SAKER_PARAM_MAX);
		}
	}
	*ret_len = sb.len;
	*ret = fx_own(fe, strbuf_steal(&sb));
	return *ret ? 0 : -ENOMEM;
}

static int parse_proc(FixtureReader *r, FixtureEvent *fe, JObj *o, const char *prefix,
		      bool top, ProcSnapshot *snap)
{
	static const struct {
		const char *key;
		uint64_t bit;
		size_t off;
	} ids[] = {
		{ "pid", PS_PID, offsetof(ProcSnapshot, pid) },
		{ "ptid", PS_PTID, offsetof(ProcSnapshot, ptid) },
		{ "ppid", PS_PTID, offsetof(ProcSnapshot, ptid) },
		{ "sid", PS_SID, offsetof(ProcSnapshot, sid) },
		{ "pgid", PS_PGID, offsetof(ProcSnapshot, pgid) },
		{ "vtid", PS_VTID, offsetof(ProcSnapshot, vtid) },
		{ "vpid", PS_VPID, offsetof(ProcSnapshot, vpid) },
	};
	static const struct {
		const char *key;
		uint64_t bit;
		size_t off;
	} strs[] = {
		{ "comm", PS_COMM, offsetof(ProcSnapshot, comm) },
		{ "exe", PS_EXE, offsetof(ProcSnapshot, exe) },
		{ "exepath", PS_EXEPATH, offsetof(ProcSnapshot, exepath) },
		{ "cwd", PS_CWD, offsetof(ProcSnapshot, cwd) },
		{ "cgroups", PS_CGROUPS, offsetof(ProcSnapshot, cgroups) },
		{ "container_id", PS_CONTAINER_ID, offsetof(ProcSnapshot, container_id) },
	};
	static const struct {
		const char *key;
		uint64_t bit;
		size_t off;
	} creds[] = {
		{ "uid", PS_UID, offsetof(ProcSnapshot, uid) },
		{ "gid", PS_GID, offsetof(ProcSnapshot, gid) },
		{ "euid", PS_EUID, offsetof(ProcSnapshot, euid) },
		{ "egid", PS_EGID, offsetof(ProcSnapshot, egid) },
		{ "suid", PS_SUID, offsetof(ProcSnapshot, suid) },
		{ "sgid", PS_SGID, offsetof(ProcSnapshot, sgid) },
		{ "loginuid", PS_LOGINUID, offsetof(ProcSnapshot, loginuid) },
		{ "tty", PS_TTY, offsetof(ProcSnapshot, tty) },
	};
	static const char *const other[] = {
		"tid",	   "args",    "env",	  "cap_inheritable", "cap_permitted", "cap_effective",
		"pidns",   "netns",   "mntns",	  "userns",	     "exe_flags",     "exe_ino",
		"exe_dev", "clone_ts", "exec_ts", "dead",	     "cgroup_id",     "ancestors",
	};
	struct fjson_object_iterator it, end;
	char field[160];
	JObj *v;
	size_t i;
	int rc;

	if (!fjson_object_is_type(o, fjson_type_object))
		return fx_fail(r, -EINVAL, prefix, "expected an object, got %s", fx_type(o));
	/* reject unknown keys: a typo must not silently drop context */
	it = fjson_object_iter_begin(o);
	end = fjson_object_iter_end(o);
	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);
		bool known = false;

		for (i = 0; i < ELEMENTSOF(ids) && !known; i++)
			known = strcmp(k, ids[i].key) == 0;
		for (i = 0; i < ELEMENTSOF(strs) && !known; i++)
			known = strcmp(k, strs[i].key) == 0;
		for (i = 0; i < ELEMENTSOF(creds) && !known; i++)
			known = strcmp(k, creds[i].key) == 0;
		for (i = 0; i < ELEMENTSOF(other) && !known; i++)
			known = strcmp(k, other[i]) == 0;
		if (!known || (!top && strcmp(k, "ancestors") == 0))
			return fx_fail(r, -EINVAL, fx_path(field, sizeof(field), prefix, k),
				    "unknown process field '%s'", k);
	}

	if ((v = fx_get(o, "tid"))) {
		rc = fx_s64(r, v, fx_path(field, sizeof(field), prefix, "tid"), 1, INT32_MAX, &snap->tid);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < ELEMENTSOF(ids); i++) {
		if (!(v = fx_get(o, ids[i].key)))
			continue;
		rc = fx_s64(r, v, fx_path(field, sizeof(field), prefix, ids[i].key), 0, INT64_MAX,
			   (int64_t *)((char *)snap + ids[i].off));
		if (rc < 0)
			return rc;
		snap->set |= ids[i].bit;
	}
	for (i = 0; i < ELEMENTSOF(strs); i++) {
		if (!(v = fx_get(o, strs[i].key)))
			continue;
		rc = fx_string(r, fe, v, fx_path(field, sizeof(field), prefix, strs[i].key),
			      (const char **)((char *)snap + strs[i].off));
		if (rc < 0)
			return rc;
		snap->set |= strs[i].bit;
	}
	for (i = 0; i < ELEMENTSOF(creds); i++) {
		if (!(v = fx_get(o, creds[i].key)))
			continue;
		rc = fx_id(r, v, fx_path(field, sizeof(field), prefix, creds[i].key),
			  (uint32_t *)((char *)snap + creds[i].off));
		if (rc < 0)
			return rc;
		snap->set |= creds[i].bit;
	}
	if ((v = fx_get(o, "args"))) {
		rc = j_strarr(r, fe, v, fx_path(field, sizeof(field), prefix, "args"), &snap->args,
			      &snap->args_len);
		if (rc < 0)
			return rc;
		snap->set |= PS_ARGS;
	}
	if ((v = fx_get(o, "env"))) {
		rc = j_strarr(r, fe, v, fx_path(field, sizeof(field), prefix, "env"), &snap->env,
			      &snap->env_len);
		if (rc < 0)
			return rc;
		snap->set |= PS_ENV;
	}
	{
		static const char *const caps[] = { "cap_inheritable", "cap_permitted",
						    "cap_effective" };
		uint64_t *dst[] = { &snap->cap_inheritable, &snap->cap_permitted,
				    &snap->cap_effective };

		for (i = 0; i < 3; i++) {
			if (!(v = fx_get(o, caps[i])))
				continue;
			rc = fx_flags(r, v, fx_path(field, sizeof(field), prefix, caps[i]),
				     SAKER_FMT_CAPS, NULL, UINT64_MAX, dst[i]);
			if (rc < 0)
				return rc;
			snap->set |= PS_CAPS;
		}
	}
	{
		static const char *const ns[] = { "pidns", "netns", "mntns", "userns" };
		uint64_t *dst[] = { &snap->pidns, &snap->netns, &snap->mntns, &snap->userns };

		for (i = 0; i < 4; i++) {
			if (!(v = fx_get(o, ns[i])))
				continue;
			rc = fx_u64(r, v, fx_path(field, sizeof(field), prefix, ns[i]), UINT64_MAX,
				   dst[i]);
			if (rc < 0)
				return rc;
			snap->set |= PS_NS;
		}
	}
	if ((v = fx_get(o, "exe_flags"))) {
		uint64_t x;

		rc = fx_flags(r, v, fx_path(field, sizeof(field), prefix, "exe_flags"),
			     SAKER_FMT_EXECVE_FLAGS, NULL, UINT32_MAX, &x);
		if (rc < 0)
			return rc;
		snap->exe_flags = (uint32_t)x;
		snap->set |= PS_EXE_FLAGS;
	}
	if ((v = fx_get(o, "exe_ino"))) {
		rc = fx_u64(r, v, fx_path(field, sizeof(field), prefix, "exe_ino"), UINT64_MAX,
			   &snap->exe_ino);
		if (rc < 0)
			return rc;
		snap->set |= PS_EXE_INO;
	}
	if ((v = fx_get(o, "exe_dev"))) {
		uint64_t x;

		rc = fx_u64(r, v, fx_path(field, sizeof(field), prefix, "exe_dev"), UINT32_MAX, &x);
		if (rc < 0)
			return rc;
		snap->exe_dev = (uint32_t)x;
		snap->set |= PS_EXE_INO;
	}
	if ((v = fx_get(o, "cgroup_id"))) {
		rc = fx_u64(r, v, fx_path(field, sizeof(field), prefix, "cgroup_id"), UINT64_MAX,
			   &snap->cgroup_id);
		if (rc < 0)
			return rc;
		snap->set |= PS_CGROUP_ID;
	}
	if ((v = fx_get(o, "clone_ts"))) {
		rc = fx_time(r, v, fx_path(field, sizeof(field), prefix, "clone_ts"), &snap->clone_ts);
		if (rc < 0)
			return rc;
		snap->set |= PS_CLONE_TS;
	}
	if ((v = fx_get(o, "exec_ts"))) {
		rc = fx_time(r, v, fx_path(field, sizeof(field), prefix, "exec_ts"), &snap->exec_ts);
		if (rc < 0)
			return rc;
		snap->set |= PS_EXEC_TS;
	}
	if ((v = fx_get(o, "dead"))) {
		rc = fx_bool(r, v, fx_path(field, sizeof(field), prefix, "dead"), &snap->dead);
		if (rc < 0)
			return rc;
		snap->set |= PS_DEAD;
	}
	return 0;
}

/* "proc" with its "ancestors": fe->procs = ancestors (oldest first), then proc. */
int fx_parse_procs(FixtureReader *r, FixtureEvent *fe, JObj *proc, int64_t tid, int64_t pid)
{
	ProcSnapshot self = { 0 };
	JObj *anc = fx_get(proc, "ancestors");
	int n = 0, i, rc;

	rc = parse_proc(r, fe, proc, "proc", true, &self);
	if (rc < 0)
		return rc;
	/* the thread: proc.tid, the event's tid, proc.pid, the event's pid */
	if (!self.tid)
		self.tid = tid > 0 ? tid : (self.set & PS_PID) ? self.pid : pid;
	if (!(self.set & PS_PID)) {
		self.pid = pid > 0 ? pid : self.tid;
		self.set |= PS_PID;
	}
	if (self.tid <= 0)
		return fx_fail(r, -EINVAL, "proc", "needs \"pid\" or \"tid\" (here or at the top)");
	if (anc) {
		if (!fjson_object_is_type(anc, fjson_type_array))
			return fx_fail(r, -EINVAL, "proc.ancestors", "expected an array, got %s",
				    fx_type(anc));
		n = fjson_object_array_length(anc);
		if (n > STATE_MAX_ANCESTORS)
			return fx_fail(r, -E2BIG, "proc.ancestors", "more than %d ancestors",
				    STATE_MAX_ANCESTORS);
	}
	fe->procs = new0(ProcSnapshot, (size_t)n + 1);
	if (!fe->procs)
		return -ENOMEM;
	/* ancestors[0] is the parent: store oldest first */
	for (i = 0; i < n; i++) {
		ProcSnapshot *a = &fe->procs[n - 1 - i];
		char prefix[64];

		fx_fmt(prefix, sizeof(prefix), "proc.ancestors[%d]", i);
		rc = parse_proc(r, fe, fjson_object_array_get_idx(anc, i), prefix, false, a);
		if (rc < 0)
			return rc;
		if (!(a->set & PS_PID)) {
			a->pid = a->tid ? a->tid
					: FIXTURE_SYNTHETIC_PID_BASE +
						  (self.pid & 0xfffff) * STATE_MAX_ANCESTORS + i;
			a->set |= PS_PID;
		}
		if (!a->tid)
			a->tid = a->pid;
	}
	/* link the chain, unless a ptid was given */
	for (i = 0; i < n; i++) {
		ProcSnapshot *a = &fe->procs[n - 1 - i];
		ProcSnapshot *child = i == 0 ? &self : &fe->procs[n - i];

		if (!(child->set & PS_PTID)) {
			child->ptid = a->pid;
			child->set |= PS_PTID;
		}
	}
	fe->procs[n] = self;
	fe->nprocs = (size_t)n + 1;
	return 0;
}

/* ---- context: fds ---- */

static int parse_fd(FixtureReader *r, FixtureEvent *fe, JObj *o, const char *prefix,
		    int64_t default_fd, FdInfo *f)
{
	static const char *const keys[] = { "fd",    "type",	  "name",      "flags",
					    "ino",   "dev",	  "tuple",     "proto",
					    "is_server", "connected", "family" };
	struct fjson_object_iterator it, end;
	char field[160];
	bool have_tuple = false;
	JObj *v;
	SkTuple t;
	size_t i;
	int rc;

	if (!fjson_object_is_type(o, fjson_type_object))
		return fx_fail(r, -EINVAL, prefix, "expected an object, got %s", fx_type(o));
	it = fjson_object_iter_begin(o);
	end = fjson_object_iter_end(o);
	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);
		bool known = false;

		for (i = 0; i < ELEMENTSOF(keys) && !known; i++)
			known = strcmp(k, keys[i]) == 0;
		if (!known)
			return fx_fail(r, -EINVAL, fx_path(field, sizeof(field), prefix, k),
				    "unknown fd field '%s'", k);
	}
	memset(f, 0, sizeof(*f));
	f->fd = default_fd;
	if ((v = fx_get(o, "fd"))) {
		rc = fx_s64(r, v, fx_path(field, sizeof(field), prefix, "fd"), 0, INT32_MAX, &f->fd);
		if (rc < 0)
			return rc;
	}
	if (f->fd < 0)
		return fx_fail(r, -EINVAL, prefix, "needs an fd number (\"fd\", or args.fd)");
	f->type = FD_FILE;
	if ((v = fx_get(o, "type"))) {
		const char *s;

		rc = fx_string(r, fe, v, fx_path(field, sizeof(field), prefix, "type"), &s);
		if (rc < 0)
			return rc;
		rc = fdinfo_type_from_name(s);
		if (rc < 0)
			return fx_fail(r, -EINVAL, field,
				    "unknown fd type '%s' (file, directory, ipv4, ipv6, unix, pipe, "
				    "memfd, ...)",
				    s);
		f->type = (FdType)rc;
	}
	if ((v = fx_get(o, "flags"))) {
		uint64_t x;

		rc = fx_flags(r, v, fx_path(field, sizeof(field), prefix, "flags"),
			     SAKER_FMT_OPEN_FLAGS, NULL, UINT32_MAX, &x);
		if (rc < 0)
			return rc;
		f->flags = (uint32_t)x;
	}
	if ((v = fx_get(o, "ino"))) {
		rc = fx_u64(r, v, fx_path(field, sizeof(field), prefix, "ino"), UINT64_MAX, &f->ino);
		if (rc < 0)
			return rc;
	}
	if ((v = fx_get(o, "dev"))) {
		uint64_t x;

		rc = fx_u64(r, v, fx_path(field, sizeof(field), prefix, "dev"), UINT32_MAX, &x);
		if (rc < 0)
			return rc;
		f->dev = (uint32_t)x;
	}
	if ((v = fx_get(o, "family"))) {
		uint64_t x;

		rc = fx_flags(r, v, fx_path(field, sizeof(field), prefix, "family"),
			     SAKER_FMT_SOCK_FAMILY, NULL, 0xffff, &x);
		if (rc < 0)
			return rc;
		f->family = (uint16_t)x;
	}
	if ((v = fx_get(o, "tuple"))) {
		rc = fx_tuple_value(r, v, fx_path(field, sizeof(field), prefix, "tuple"), &t);
		if (rc < 0)
			return rc;
		have_tuple = true;
		if (t.family == SAKER_AF_UNIX) {
			f->type = FD_UNIX_SOCK;
		} else {
			size_t w = t.family == SAKER_AF_INET ? 4 : 16;

			f->type = t.family == SAKER_AF_INET ? FD_IPV4_SOCK : FD_IPV6_SOCK;
			memcpy(f->saddr, t.saddr, w);
			memcpy(f->daddr, t.daddr, w);
			f->sport = t.sport;
			f->dport = t.dport;
			f->l4proto = t.l4proto;
		}
		f->family = t.family;
		f->connected = true;
	}
	if ((v = fx_get(o, "proto"))) {
		fx_path(field, sizeof(field), prefix, "proto");
		if (fjson_object_is_type(v, fjson_type_string)) {
			rc = sk_l4proto_from_name(fjson_object_get_string(v));
			if (rc < 0)
				return fx_fail(r, -EINVAL, field, "unknown protocol '%s'",
					    fjson_object_get_string(v));
			f->l4proto = (uint8_t)rc;
		} else {
			uint64_t x;

			rc = fx_u64(r, v, field, 255, &x);
			if (rc < 0)
				return rc;
			f->l4proto = (uint8_t)x;
		}
	}
	if ((v = fx_get(o, "is_server"))) {
		rc = fx_bool(r, v, fx_path(field, sizeof(field), prefix, "is_server"), &f->is_server);
		if (rc < 0)
			return rc;
	}
	if ((v = fx_get(o, "connected"))) {
		rc = fx_bool(r, v, fx_path(field, sizeof(field), prefix, "connected"), &f->connected);
		if (rc < 0)
			return rc;
	}
	if (!f->family) {
		if (f->type == FD_IPV4_SOCK)
			f->family = SAKER_AF_INET;
		else if (f->type == FD_IPV6_SOCK)
			f->family = SAKER_AF_INET6;
		else if (f->type == FD_UNIX_SOCK)
			f->family = SAKER_AF_UNIX;
	}
	if ((v = fx_get(o, "name"))) {
		const char *s;

		rc = fx_string(r, fe, v, fx_path(field, sizeof(field), prefix, "name"), &s);
		if (rc < 0)
			return rc;
		f->name = strndup(s, STATE_MAX_PATH - 1);
		if (!f->name)
			return -ENOMEM;
	} else if (have_tuple) {
		/* the name Falco gives the socket */
		StrBuf sb = { .limit = STATE_MAX_PATH };
		char buf[160];

		if (t.family == SAKER_AF_UNIX) {
			if (sk_tuple_format(&sb, &t, false) < 0) {
				strbuf_done(&sb);
				return -ENOMEM;
			}
			f->name = strbuf_steal(&sb);
		} else {
			fdinfo_format_tuple(f, buf, sizeof(buf));
			f->name = strdup(buf);
		}
		if (!f->name)
			return -ENOMEM;
	}
	return 0;
}

int fx_parse_fds(FixtureReader *r, FixtureEvent *fe, JObj *root)
{
	JObj *one = fx_get(root, "fd"), *many = fx_get(root, "fds");
	int64_t dflt = -1;
	int n, i, rc;

	if (one && many)
		return fx_fail(r, -EINVAL, "fd", "give either \"fd\" or \"fds\"");
	if (fe->has_event) {
		/* default fd number: the event's fd argument, or the fd it returns */
		unsigned idx;

		if ((sk_event_param_by_name(&fe->evt, "fd", &idx) == 0 ||
		     sk_event_param_by_name(&fe->evt, "res", &idx) == 0) &&
		    sk_event_get_s64(&fe->evt, idx, &dflt) < 0)
			dflt = -1;
	}
	if (one) {
		fe->fds = new0(FdInfo, 1);
		if (!fe->fds)
			return -ENOMEM;
		fe->nfds = 1;
		return parse_fd(r, fe, one, "fd", dflt, &fe->fds[0]);
	}
	if (!fjson_object_is_type(many, fjson_type_array))
		return fx_fail(r, -EINVAL, "fds", "expected an array, got %s", fx_type(many));
	n = fjson_object_array_length(many);
	if (n > FIXTURE_MAX_FDS)
		return fx_fail(r, -E2BIG, "fds", "more than %d fds", FIXTURE_MAX_FDS);
	fe->fds = new0(FdInfo, (size_t)n);
	if (!fe->fds)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		char prefix[32];

		fx_fmt(prefix, sizeof(prefix), "fds[%d]", i);
		fe->nfds = (size_t)i + 1;
		rc = parse_fd(r, fe, fjson_object_array_get_idx(many, i), prefix, -1, &fe->fds[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- context: containers, users ---- */

int fx_parse_container(FixtureReader *r, FixtureEvent *fe, JObj *o)
{
	static const struct {
		const char *key;
		size_t off;
	} strs[] = {
		{ "id", offsetof(Container, id) },
		{ "full_id", offsetof(Container, full_id) },
		{ "runtime", offsetof(Container, runtime) },
		{ "name", offsetof(Container, name) },
		{ "image", offsetof(Container, image) },
		{ "image_repository", offsetof(Container, image_repository) },
		{ "image_tag", offsetof(Container, image_tag) },
		{ "image_digest", offsetof(Container, image_digest) },
		{ "k8s_pod_name", offsetof(Container, k8s_pod_name) },
		{ "k8s_ns_name", offsetof(Container, k8s_ns_name) },
		{ "k8s_pod_uid", offsetof(Container, k8s_pod_uid) },
	};
	struct fjson_object_iterator it, end;
	char field[160];
	Container *c;
	JObj *v;
	size_t i;
	int rc;

	if (!fjson_object_is_type(o, fjson_type_object))
		return fx_fail(r, -EINVAL, "container", "expected an object, got %s", fx_type(o));
	c = fe->container = new0(Container, 1);
	if (!c)
		return -ENOMEM;
	it = fjson_object_iter_begin(o);
	end = fjson_object_iter_end(o);
	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);
		bool known = strcmp(k, "labels") == 0 || strcmp(k, "privileged") == 0 ||
			     strcmp(k, "created") == 0;

		for (i = 0; i < ELEMENTSOF(strs) && !known; i++)
			known = strcmp(k, strs[i].key) == 0;
		if (!known)
			return fx_fail(r, -EINVAL, fx_path(field, sizeof(field), "container", k),
				    "unknown container field '%s'", k);
	}
	for (i = 0; i < ELEMENTSOF(strs); i++) {
		if (!(v = fx_get(o, strs[i].key)))
			continue;
		rc = fx_string(r, fe, v, fx_path(field, sizeof(field), "container", strs[i].key),
			      (const char **)((char *)c + strs[i].off));
		if (rc < 0)
			return rc;
	}
	if (!c->id && !c->full_id)
		return fx_fail(r, -EINVAL, "container", "needs an \"id\"");
	if (c->id && !c->full_id)
		c->full_id = c->id;
	if (c->id && (!*c->id || strcmp(c->id, "host") == 0))
		return fx_fail(r, -EINVAL, "container.id", "\"%s\" is not a container id", c->id);
	if ((v = fx_get(o, "privileged"))) {
		rc = fx_bool(r, v, "container.privileged", &c->privileged);
		if (rc < 0)
			return rc;
	}
	if ((v = fx_get(o, "created"))) {
		rc = fx_walltime(r, v, "container.created", &c->created_ns);
		if (rc < 0)
			return rc;
	}
	if ((v = fx_get(o, "labels"))) {
		size_t n;

		if (fjson_object_is_type(v, fjson_type_object)) {
			it = fjson_object_iter_begin(v);
			end = fjson_object_iter_end(v);
			n = (size_t)fjson_object_object_length(v);
		} else if (fjson_object_is_type(v, fjson_type_array)) {
			n = (size_t)fjson_object_array_length(v);
		} else {
			return fx_fail(r, -EINVAL, "container.labels",
				    "expected an object or an array of \"key=value\"");
		}
		if (n > STATE_MAX_LABELS)
			return fx_fail(r, -E2BIG, "container.labels", "more than %d labels",
				    STATE_MAX_LABELS);
		c->labels = new0(char *, n);
		if (!c->labels)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			const char *val;
			char *l;

			fx_fmt(field, sizeof(field), "container.labels[%zu]", i);
			if (fjson_object_is_type(v, fjson_type_object)) {
				const char *k = fjson_object_iter_peek_name(&it);

				fx_fmt(field, sizeof(field), "container.labels.%s", k);
				rc = fx_string(r, fe, fjson_object_iter_peek_value(&it), field, &val);
				if (rc < 0)
					return rc;
				if (asprintf(&l, "%s=%s", k, val) < 0)
					return -ENOMEM;
				fjson_object_iter_next(&it);
			} else {
				rc = fx_string(r, fe, fjson_object_array_get_idx(v, (int)i), field,
					      &val);
				if (rc < 0)
					return rc;
				if (!strchr(val, '='))
					return fx_fail(r, -EINVAL, field, "expected \"key=value\"");
				l = strdup(val);
			}
			if (!fx_own(fe, l))
				return -ENOMEM;
			c->labels[c->nlabels++] = l;
		}
	}
	return 0;
}

int fx_parse_users(FixtureReader *r, FixtureEvent *fe, JObj *v, bool groups)
{
	const char *what = groups ? "groups" : "users";
	FixtureUser *list;
	int n, i, rc;

	if (!fjson_object_is_type(v, fjson_type_array))
		return fx_fail(r, -EINVAL, what, "expected an array, got %s", fx_type(v));
	n = fjson_object_array_length(v);
	if (n > FIXTURE_MAX_USERS)
		return fx_fail(r, -E2BIG, what, "more than %d entries", FIXTURE_MAX_USERS);
	list = new0(FixtureUser, (size_t)n);
	if (!list)
		return -ENOMEM;
	if (groups) {
		fe->groups = list;
		fe->ngroups = (size_t)n;
	} else {
		fe->users = list;
		fe->nusers = (size_t)n;
	}
	for (i = 0; i < n; i++) {
		JObj *o = fjson_object_array_get_idx(v, i), *x;
		char prefix[32], field[160];

		fx_fmt(prefix, sizeof(prefix), "%s[%d]", what, i);
		if (!fjson_object_is_type(o, fjson_type_object))
			return fx_fail(r, -EINVAL, prefix, "expected an object, got %s", fx_type(o));
		x = fx_get(o, groups ? "gid" : "uid");
		if (!x)
			return fx_fail(r, -EINVAL, prefix, "needs \"%s\"", groups ? "gid" : "uid");
		rc = fx_id(r, x, fx_path(field, sizeof(field), prefix, groups ? "gid" : "uid"),
			  &list[i].id);
		if (rc < 0)
			return rc;
		if (!(x = fx_get(o, "name")))
			return fx_fail(r, -EINVAL, prefix, "needs \"name\"");
		rc = fx_string(r, fe, x, fx_path(field, sizeof(field), prefix, "name"), &list[i].name);
		if (rc < 0)
			return rc;
		if (!groups && (x = fx_get(o, "home")) &&
		    (rc = fx_string(r, fe, x, fx_path(field, sizeof(field), prefix, "home"),
				   &list[i].home)) < 0)
			return rc;
		if (!groups && (x = fx_get(o, "shell")) &&
		    (rc = fx_string(r, fe, x, fx_path(field, sizeof(field), prefix, "shell"),
				   &list[i].shell)) < 0)
			return rc;
	}
	return 0;
}

int fixture_event_apply(const FixtureEvent *fe, State *s)
{
	size_t i;
	int r;

	if (fe->nusers || fe->ngroups) {
		if (!s->users && !(s->users = userdb_new()))
			return -ENOMEM;
		for (i = 0; i < fe->nusers; i++) {
			r = userdb_add_user(s->users, fe->users[i].id, fe->users[i].name,
					    fe->users[i].home, fe->users[i].shell);
			if (r < 0)
				return r;
		}
		for (i = 0; i < fe->ngroups; i++) {
			r = userdb_add_group(s->users, fe->groups[i].id, fe->groups[i].name);
			if (r < 0)
				return r;
		}
	}
	if (fe->container) {
		r = state_upsert_container(s, fe->container, NULL);
		if (r < 0)
			return r;
	}
	for (i = 0; i < fe->nprocs; i++) {
		r = state_upsert_proc_snapshot(s, &fe->procs[i], NULL);
		if (r < 0)
			return r;
	}
	if (fe->nfds) {
		Proc *p = state_get_thread(s, fe->fd_tid);

		if (!p || !p->fds) {
			r = state_upsert_thread(s, fe->fd_tid, fe->fd_pid, &p);
			if (r < 0)
				return r;
			if (!p->fds)
				return -ESRCH; /* an exited process has no fds */
		}
		for (i = 0; i < fe->nfds; i++) {
			r = state_upsert_fd_snapshot(s, fe->fd_tid, &fe->fds[i], NULL);
			if (r < 0 && r != -ENOSPC)
				return r;
		}
	}
	return 0;
}

