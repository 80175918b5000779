// SPDX-License-Identifier: MIT
/*
 * Snapshot writer and reader.  The lines are the fixture format's context
 * lines (fixture_write_proc/fd/container/users), so a snapshot reads back
 * through the same parser and fixture_event_apply() as a test fixture; the
 * one addition is the directive line {"snapshot":{...}} for what belongs to
 * the State as a whole.  The order of the lines is what makes the rebuilt
 * table equal to the original: threads are written from the least to the
 * most recently used, so upserting them in turn gives the same LRU order,
 * and live threads come before the dead leaders kept for ancestry, so the
 * threads of an exited leader still share one fd table.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfastjson/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/snapshot.h"

/* {"snapshot":{...}}: the key of the directive line, and its JSON nesting. */
#define DIRECTIVE_KEY "snapshot"
#define DIRECTIVE_DEPTH 3
/* What one user or group entry costs at most in a line, besides its strings (escaped). */
#define USER_ENTRY_OVERHEAD 64
#define JSON_ESCAPE_MAX 6 /* "\u0001" for one byte */

typedef struct Out {
	StrBuf *sb;	  /* the text; the current block's when w is set */
	CaptureWriter *w; /* NULL: everything goes into sb */
	size_t block_max; /* with w: cut a block before it exceeds this */
	StrBuf header;	  /* the header line with its newline: each block starts with it */
	StrBuf line;	  /* the line being rendered */
	uint64_t boot_ns;
	int blocks;
	const SnapshotFilter *filter; /* NULL: everything */
} Out;

static bool keep_thread(const SnapshotFilter *f, int64_t tid, int64_t pid)
{
	return !f || !f->thread || f->thread(tid, pid, f->userdata);
}

static bool keep_container(const SnapshotFilter *f, const Container *c)
{
	return !f || !f->container || f->container(c, f->userdata);
}

static bool keep_name(const SnapshotFilter *f, uint32_t id, bool group)
{
	if (!f)
		return true;
	if (group)
		return !f->group || f->group(id, f->userdata);
	return !f->user || f->user(id, f->userdata);
}

static void out_done(Out *o)
{
	strbuf_done(&o->header);
	strbuf_done(&o->line);
}

static int out_flush(Out *o)
{
	int r;

	r = capture_writer_add_snapshot(o->w, strbuf_str(o->sb), o->sb->len);
	if (r < 0)
		return r;
	o->blocks++;
	strbuf_reset(o->sb);
	return strbuf_append(o->sb, strbuf_str(&o->header), o->header.len);
}

/* Append o->line and its newline; with a writer, close the block first when it would not fit. */
static int out_put(Out *o)
{
	int r;

	if (o->line.len > FIXTURE_MAX_LINE)
		return -E2BIG; /* the reader would refuse it */
	if (o->w && o->sb->len > o->header.len && o->sb->len + o->line.len + 1 > o->block_max) {
		r = out_flush(o);
		if (r < 0)
			return r;
	}
	r = strbuf_append(o->sb, strbuf_str(&o->line), o->line.len);
	if (r < 0)
		return r;
	return strbuf_putc(o->sb, '\n');
}

static int out_init(Out *o, StrBuf *sb, CaptureWriter *w, size_t block_max, uint64_t boot_ns)
{
	int r;

	*o = (Out){ .sb = sb, .w = w, .block_max = block_max, .boot_ns = boot_ns };
	o->line.limit = FIXTURE_MAX_LINE + 1;
	r = fixture_write_header(&o->header, boot_ns);
	if (r >= 0)
		r = strbuf_putc(&o->header, '\n');
	if (r >= 0)
		r = strbuf_append(sb, strbuf_str(&o->header), o->header.len);
	return r;
}

static void put_u64_value(StrBuf *sb, uint64_t v)
{
	/* JSON numbers beyond int64 lose precision in most readers: a string then */
	if (v <= INT64_MAX)
		strbuf_printf(sb, "%" PRIu64, v);
	else
		strbuf_printf(sb, "\"%" PRIu64 "\"", v);
}

/* {"snapshot":{...}}: host namespaces when s is given, the name reset when replace_users. */
static int put_directive(Out *o, const State *s, bool replace_users)
{
	StrBuf *l = &o->line;

	strbuf_reset(l);
	strbuf_puts(l, "{\"" DIRECTIVE_KEY "\":{");
	if (s) {
		strbuf_puts(l, "\"host_pidns\":");
		put_u64_value(l, s->host_pidns);
		strbuf_puts(l, ",\"host_mntns\":");
		put_u64_value(l, s->host_mntns);
	}
	if (replace_users)
		strbuf_puts(l, s ? ",\"replace_users\":true" : "\"replace_users\":true");
	strbuf_puts(l, "}}");
	if (l->failed)
		return -ENOMEM;
	return out_put(o);
}

static size_t user_cost(const char *name, const char *home, const char *shell)
{
	size_t n = name ? strlen(name) : 0;

	n += home ? strlen(home) : 0;
	n += shell ? strlen(shell) : 0;
	return n * JSON_ESCAPE_MAX + USER_ENTRY_OVERHEAD;
}

static int put_user_list(Out *o, const FixtureUser *list, size_t n, bool groups)
{
	int r;

	if (n == 0)
		return 0;
	strbuf_reset(&o->line);
	r = fixture_write_users(&o->line, list, n, groups);
	if (r < 0)
		return r;
	return out_put(o);
}

/*
 * Users or groups of db in lines of at most FIXTURE_MAX_USERS entries and
 * about SNAPSHOT_LIST_LINE_TARGET bytes.
 */
static int put_names(Out *o, const UserDb *db, bool groups)
{
	_cleanup_free_ FixtureUser *list = NULL;
	size_t iter = 0, n = 0, bytes = 0;
	FixtureUser u = { 0 };
	int r;

	if (!db)
		return 0;
	list = new0(FixtureUser, FIXTURE_MAX_USERS);
	if (!list)
		return -ENOMEM;
	for (;;) {
		bool more = groups ? userdb_next_group(db, &iter, &u.id, &u.name)
				   : userdb_next_user(db, &iter, &u.id, &u.name, &u.home, &u.shell);
		size_t cost;

		if (!more)
			break;
		if (!keep_name(o->filter, u.id, groups))
			continue;
		cost = user_cost(u.name, u.home, u.shell);
		if (n == FIXTURE_MAX_USERS || (n > 0 && bytes + cost > SNAPSHOT_LIST_LINE_TARGET)) {
			r = put_user_list(o, list, n, groups);
			if (r < 0)
				return r;
			n = bytes = 0;
		}
		list[n++] = u;
		bytes += cost;
	}
	return put_user_list(o, list, n, groups);
}

/* A container line; labels that do not fit in one line are dropped (halved until it fits). */
static int put_container(Out *o, const Container *c)
{
	Container tmp = *c;
	int r;

	for (;;) {
		strbuf_reset(&o->line);
		r = fixture_write_container(&o->line, &tmp);
		if (r != -E2BIG || tmp.nlabels == 0)
			break;
		tmp.nlabels /= 2;
	}
	if (r < 0)
		return r;
	return out_put(o);
}

/*
 * Replace the value of key in the JSON object line (a quoted list of flag
 * names, as fixture_write_proc() writes capability sets) with v.  The key
 * counts only where a key can start (after '{' or ','): inside a string a
 * quote is escaped.  Nothing changes when the key is absent or its value is
 * not a plain quoted string.
 */
static int set_number(StrBuf *line, const char *key, uint64_t v)
{
	_cleanup_(strbuf_done) StrBuf out = { .limit = line->limit };
	const char *b = strbuf_str(line), *k = b, *val, *end;
	size_t klen = strlen(key);
	int r;

	for (;; k++) {
		k = strstr(k, key);
		if (!k)
			return 0;
		if (k > b && (k[-1] == '{' || k[-1] == ','))
			break;
	}
	val = k + klen;
	if (*val != '"')
		return 0;
	end = strchr(val + 1, '"');
	if (!end || memchr(val + 1, '\\', (size_t)(end - val - 1)))
		return 0;
	r = strbuf_append(&out, b, (size_t)(val - b));
	if (r >= 0)
		r = strbuf_printf(&out, "%" PRIu64, v);
	if (r >= 0)
		r = strbuf_puts(&out, end + 1);
	if (r < 0)
		return r;
	strbuf_reset(line);
	return strbuf_append(line, strbuf_str(&out), out.len);
}

static int put_proc(Out *o, const Proc *p)
{
	int r;

	strbuf_reset(&o->line);
	r = fixture_write_proc(&o->line, p, o->boot_ns);
	if (r < 0)
		return r;
	if (o->filter && o->filter->numeric_caps &&
	    ((r = set_number(&o->line, "\"cap_inheritable\":", p->cap_inheritable)) < 0 ||
	     (r = set_number(&o->line, "\"cap_permitted\":", p->cap_permitted)) < 0 ||
	     (r = set_number(&o->line, "\"cap_effective\":", p->cap_effective)) < 0))
		return r;
	return out_put(o);
}

static int put_fd(Out *o, int64_t tid, int64_t pid, const FdInfo *f)
{
	int r;

	strbuf_reset(&o->line);
	r = fixture_write_fd(&o->line, tid, pid, f);
	if (r < 0)
		return r;
	return out_put(o);
}

/*
 * The fds of every live process, once per (fd table, process): threads of a
 * process share the table of their leader when rebuilt, so one of them
 * carries the lines.  A table shared by two processes (CLONE_FILES) is
 * written for each, which gives each its own copy.
 */
static int put_fds(Out *o, State *s)
{
	_cleanup_(strmap_freep) StrMap *done = strmap_new();
	Proc *p;
	int r;

	if (!done)
		return -ENOMEM;
	for (p = state_next_thread_lru(s, NULL); p && !p->dead; p = state_next_thread_lru(s, p)) {
		struct {
			uintptr_t table;
			int64_t pid;
		} key = { (uintptr_t)p->fds, p->pid };
		size_t iter = 0;
		FdInfo *f;

		if (fdtable_size(p->fds) == 0 || !keep_thread(o->filter, p->tid, p->pid) ||
		    strmap_get(done, (const char *)&key, sizeof(key), NULL))
			continue;
		r = strmap_put(done, (const char *)&key, sizeof(key), p);
		if (r < 0)
			return r;
		while (fdtable_next(p->fds, &iter, &f)) {
			r = put_fd(o, p->tid, p->pid, f);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int write_state(Out *o, State *s)
{
	size_t iter = 0;
	Container *c;
	Proc *p;
	int r;

	r = put_directive(o, s, true);
	if (r < 0)
		return r;
	if ((r = put_names(o, s->users, false)) < 0 || (r = put_names(o, s->users, true)) < 0)
		return r;
	while (state_next_container(s, &iter, &c)) {
		if (!keep_container(o->filter, c))
			continue;
		r = put_container(o, c);
		if (r < 0)
			return r;
	}
	/* live threads first (least recently used first), then the dead ones */
	for (p = state_next_thread_lru(s, NULL); p; p = state_next_thread_lru(s, p)) {
		if (!keep_thread(o->filter, p->tid, p->pid))
			continue;
		r = put_proc(o, p);
		if (r < 0)
			return r;
	}
	return put_fds(o, s);
}

int capture_snapshot_write(State *s, uint64_t boot_ns, StrBuf *sb)
{
	Out o;
	int r;

	r = out_init(&o, sb, NULL, 0, boot_ns);
	if (r >= 0)
		r = write_state(&o, s);
	out_done(&o);
	return r < 0 ? r : 0;
}

/* capture_snapshot_write_blocks() with the block size as a parameter (tests use small ones). */
static int write_blocks(State *s, uint64_t boot_ns, CaptureWriter *w, size_t block_max,
			const SnapshotFilter *f)
{
	StrBuf sb = { .limit = block_max + 1 };
	Out o;
	int r;

	r = out_init(&o, &sb, w, block_max, boot_ns);
	o.filter = f;
	if (r >= 0)
		r = write_state(&o, s);
	if (r >= 0)
		r = out_flush(&o);
	out_done(&o);
	strbuf_done(&sb);
	return r < 0 ? r : o.blocks;
}

int capture_snapshot_write_blocks(State *s, uint64_t boot_ns, CaptureWriter *w)
{
	return write_blocks(s, boot_ns, w, CAPTURE_MAX_BLOCK, NULL);
}

int capture_snapshot_write_filtered(State *s, uint64_t boot_ns, const SnapshotFilter *f,
				    CaptureWriter *w)
{
	return write_blocks(s, boot_ns, w, CAPTURE_MAX_BLOCK, f);
}

int capture_snapshot_write_users(const UserDb *db, StrBuf *sb)
{
	Out o = { .sb = sb };
	int r;

	o.line.limit = FIXTURE_MAX_LINE + 1;
	r = put_directive(&o, NULL, true);
	if (r >= 0)
		r = put_names(&o, db, false);
	if (r >= 0)
		r = put_names(&o, db, true);
	out_done(&o);
	return r < 0 ? r : 0;
}

int capture_snapshot_write_context(State *s, const FixtureEvent *fe, uint64_t boot_ns,
				   StrBuf *sb)
{
	Out o = { .sb = sb, .boot_ns = boot_ns };
	size_t i;
	int r = 0;

	o.line.limit = FIXTURE_MAX_LINE + 1;
	/* the same order as fixture_event_apply(): names, container, processes, fds */
	if (fe->nusers)
		r = put_user_list(&o, fe->users, fe->nusers, false);
	if (r >= 0 && fe->ngroups)
		r = put_user_list(&o, fe->groups, fe->ngroups, true);
	if (r >= 0 && fe->container) {
		const Container *t = fe->container;
		Container *c = state_find_container(s, t->full_id ? t->full_id : t->id);

		r = c ? put_container(&o, c) : -ENOENT;
	}
	for (i = 0; r >= 0 && i < fe->nprocs; i++) {
		const ProcSnapshot *ps = &fe->procs[i];
		Proc *p = state_get_thread(s, ps->tid);

		int64_t pid = ps->set & PS_PID ? ps->pid : ps->tid;

		if (p) {
			r = put_proc(&o, p);
		} else if ((ps->set & PS_DEAD) && ps->dead && pid != ps->tid) {
			/* an exited thread that is not a leader was removed: say so again */
			Proc gone = { .tid = ps->tid, .pid = pid, .dead = true };

			r = put_proc(&o, &gone);
		}
	}
	if (r >= 0 && fe->nfds) {
		Proc *p = state_get_thread(s, fe->fd_tid);

		for (i = 0; r >= 0 && p && i < fe->nfds; i++) {
			FdInfo *f = fdtable_get(p->fds, fe->fds[i].fd);

			if (f)
				r = put_fd(&o, fe->fd_tid, fe->fd_pid, f);
		}
	}
	out_done(&o);
	return r < 0 ? r : 0;
}

/* ---- reading ---- */

static void set_error(char *errbuf, size_t errlen, const char *fmt, ...) _printf_(3, 4);
static void set_error(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || errlen == 0)
		return;
	va_start(ap, fmt);
	if (vsnprintf(errbuf, errlen, fmt, ap) < 0)
		errbuf[0] = 0;
	va_end(ap);
}

/* Whether the line is a directive: {"snapshot": after optional blanks. */
static bool is_directive(const char *line, size_t len)
{
	static const char key[] = "\"" DIRECTIVE_KEY "\"";
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != '{')
		return false;
	i++;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return len - i >= sizeof(key) - 1 && memcmp(line + i, key, sizeof(key) - 1) == 0;
}

static int json_u64(struct fjson_object *v, uint64_t *ret)
{
	if (fjson_object_is_type(v, fjson_type_int)) {
		int64_t x = fjson_object_get_int64(v);

		if (x < 0)
			return -ERANGE;
		*ret = (uint64_t)x;
		return 0;
	}
	if (fjson_object_is_type(v, fjson_type_string)) {
		const char *s = fjson_object_get_string(v);
		char *end;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		*ret = strtoull(s, &end, 10);
		return errno || *end ? -ERANGE : 0;
	}
	return -EINVAL;
}

/* Apply a directive line; msg gets the reason on error. */
static int apply_directive(State *s, const char *line, size_t len, char *msg, size_t msglen)
{
	struct fjson_tokener *tok = fjson_tokener_new_ex(DIRECTIVE_DEPTH);
	struct fjson_object *root = NULL, *d = NULL;
	struct fjson_object_iterator it, end;
	uint64_t pidns = s->host_pidns, mntns = s->host_mntns;
	bool replace = false;
	int r = 0;

	if (!tok)
		return -ENOMEM;
	root = fjson_tokener_parse_ex(tok, line, (int)len);
	if (fjson_tokener_get_error(tok) != fjson_tokener_success || !root ||
	    (size_t)tok->char_offset < len || !fjson_object_is_type(root, fjson_type_object) ||
	    fjson_object_object_length(root) != 1 ||
	    !fjson_object_object_get_ex(root, DIRECTIVE_KEY, &d) ||
	    !fjson_object_is_type(d, fjson_type_object)) {
		snprintf(msg, msglen, "malformed directive (expected {\"%s\":{...}})",
			 DIRECTIVE_KEY);
		r = -EINVAL;
		goto out;
	}
	it = fjson_object_iter_begin(d);
	end = fjson_object_iter_end(d);
	for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
		const char *k = fjson_object_iter_peek_name(&it);
		struct fjson_object *v = fjson_object_iter_peek_value(&it);

		if (strcmp(k, "host_pidns") == 0 || strcmp(k, "host_mntns") == 0) {
			if (json_u64(v, strcmp(k, "host_pidns") == 0 ? &pidns : &mntns) < 0) {
				snprintf(msg, msglen, "%s.%s: expected an unsigned integer",
					 DIRECTIVE_KEY, k);
				r = -EINVAL;
				goto out;
			}
		} else if (strcmp(k, "replace_users") == 0 &&
			   fjson_object_is_type(v, fjson_type_boolean)) {
			replace = fjson_object_get_boolean(v);
		} else {
			snprintf(msg, msglen, "%s.%s: unknown directive", DIRECTIVE_KEY, k);
			r = -EINVAL;
			goto out;
		}
	}
	/* everything checked: apply */
	s->host_pidns = pidns;
	s->host_mntns = mntns;
	if (replace)
		s->users = userdb_free(s->users);
out:
	if (root)
		fjson_object_put(root);
	fjson_tokener_free(tok);
	return r;
}

typedef struct Apply {
	State *s;
	FixtureReader *r;
	int first_err;
	unsigned bad;
	int applied;
	char *errbuf;
	size_t errlen;
} Apply;

static void bad_line(Apply *a, int err, unsigned line, const char *msg)
{
	if (a->bad++ == 0) {
		a->first_err = err;
		set_error(a->errbuf, a->errlen, "line %u: %s", line, msg);
	}
}

/* The fixture reader's message without its "snapshot:N: " prefix. */
static const char *reader_message(const FixtureReader *r)
{
	const char *m = fixture_reader_error(r);
	char prefix[48];
	int n;

	n = snprintf(prefix, sizeof(prefix), "snapshot:%u: ", fixture_reader_line(r));
	if (n > 0 && strncmp(m, prefix, (size_t)n) == 0)
		return m + n;
	return m;
}

static int apply_line(Apply *a, const char *line, size_t len)
{
	_cleanup_(fixture_event_freep) FixtureEvent *fe = NULL;
	char msg[SNAPSHOT_MAX_ERROR];
	int k;

	if (is_directive(line, len) && len <= FIXTURE_MAX_LINE) {
		/* counted by the reader as a blank line, so line numbers stay right */
		(void)fixture_reader_parse_line(a->r, "", 0, &fe);
		k = apply_directive(a->s, line, len, msg, sizeof(msg));
		if (k == -ENOMEM)
			return k;
		if (k < 0)
			bad_line(a, k, fixture_reader_line(a->r), msg);
		else
			a->applied++;
		return 0;
	}
	k = fixture_reader_parse_line(a->r, line, len, &fe);
	if (k == -ENOMEM)
		return k;
	if (k < 0) {
		bad_line(a, k, fixture_reader_line(a->r), reader_message(a->r));
		return 0;
	}
	if (k == 0)
		return 0;
	if (fe->has_event) {
		bad_line(a, -EINVAL, fe->line,
			 "an event in a snapshot (only context lines belong there)");
		return 0;
	}
	k = fixture_event_apply(fe, a->s);
	if (k == -ENOMEM)
		return k;
	if (k < 0) {
		snprintf(msg, sizeof(msg), "cannot apply the context: %s", strerror(-k));
		bad_line(a, k, fe->line, msg);
		return 0;
	}
	a->applied++;
	return 0;
}

int capture_snapshot_apply(State *s, const char *text, size_t len, char *errbuf, size_t errlen)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = fixture_reader_new("snapshot");
	Apply a = { .s = s, .r = r, .errbuf = errbuf, .errlen = errlen };
	size_t off = 0;
	int k;

	if (!r)
		return -ENOMEM;
	if (errbuf && errlen)
		errbuf[0] = 0;
	while (off < len) {
		const char *start = text + off;
		const char *nl = memchr(start, '\n', len - off);
		size_t n = nl ? (size_t)(nl - start) : len - off;

		off += n + (nl ? 1 : 0);
		k = apply_line(&a, start, n);
		if (k < 0) {
			set_error(errbuf, errlen, "line %u: out of memory", fixture_reader_line(r));
			return k;
		}
	}
	if (a.bad > 1 && errbuf && errlen) {
		size_t used = strlen(errbuf);

		if (used < errlen)
			snprintf(errbuf + used, errlen - used, " (and %u more bad lines)",
				 a.bad - 1);
	}
	return a.bad ? a.first_err : a.applied;
}

/* ---- filtering ---- */

/* The users or groups of a names-only line that f keeps, as one line; nothing when none is. */
static int filter_names(const FixtureUser *list, size_t n, bool groups, const SnapshotFilter *f,
			StrBuf *sb, unsigned *kept)
{
	_cleanup_(strbuf_done) StrBuf line = { .limit = FIXTURE_MAX_LINE + 1 };
	_cleanup_free_ FixtureUser *v = NULL;
	size_t i, m = 0;
	int r;

	if (n == 0)
		return 0;
	v = new0(FixtureUser, n);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (keep_name(f, list[i].id, groups))
			v[m++] = list[i];
	if (m == 0)
		return 0;
	r = fixture_write_users(&line, v, m, groups);
	if (r < 0)
		return r;
	r = strbuf_append(sb, strbuf_str(&line), line.len);
	if (r >= 0)
		r = strbuf_putc(sb, '\n');
	if (r >= 0)
		(*kept)++;
	return r;
}

/* Whether a context line other than names is about something f keeps. */
static bool keep_context(const FixtureEvent *fe, const SnapshotFilter *f)
{
	size_t i;

	if (fe->container && keep_container(f, fe->container))
		return true;
	for (i = 0; i < fe->nprocs; i++) {
		const ProcSnapshot *ps = &fe->procs[i];

		if (keep_thread(f, ps->tid, ps->set & PS_PID ? ps->pid : ps->tid))
			return true;
	}
	return fe->nfds > 0 && keep_thread(f, fe->fd_tid, fe->fd_pid);
}

static int put_line(StrBuf *sb, const char *line, size_t len)
{
	int r = strbuf_append(sb, line, len);

	return r < 0 ? r : strbuf_putc(sb, '\n');
}

int capture_snapshot_filter(const char *text, size_t len, const SnapshotFilter *f, StrBuf *sb)
{
	_cleanup_(fixture_reader_freep) FixtureReader *rd = fixture_reader_new("snapshot");
	unsigned kept = 0;
	size_t off = 0;
	int r;

	if (!rd)
		return -ENOMEM;
	while (off < len) {
		_cleanup_(fixture_event_freep) FixtureEvent *fe = NULL;
		const char *line = text + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;

		off += n + (nl ? 1 : 0);
		if (is_directive(line, n)) {
			r = put_line(sb, line, n);
			if (r < 0)
				return r;
			kept++;
			continue;
		}
		r = fixture_reader_parse_line(rd, line, n, &fe);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue; /* the replay of the original skipped it too */
		if (r == 0) {
			size_t lead = 0;

			/* blank, a comment, or the header line: only the header matters */
			while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
				lead++;
			if (lead < n && line[lead] == '{' && (r = put_line(sb, line, n)) < 0)
				return r;
			continue;
		}
		if (fe->has_event)
			continue;
		if (!fe->nprocs && !fe->nfds && !fe->container) {
			r = filter_names(fe->users, fe->nusers, false, f, sb, &kept);
			if (r >= 0)
				r = filter_names(fe->groups, fe->ngroups, true, f, sb, &kept);
			if (r < 0)
				return r;
			continue;
		}
		if (keep_context(fe, f)) {
			r = put_line(sb, line, n);
			if (r < 0)
				return r;
			kept++;
		}
	}
	return (int)MIN(kept, (unsigned)INT32_MAX);
}
