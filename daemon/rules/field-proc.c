// SPDX-License-Identifier: MIT
/*
 * The proc.*, thread.*, user.* and group.* fields: read from the process
 * table entry of the event's thread (ctx->proc) and its relatives.  Process
 * fields are those of the thread group (Falco's "main thread"): ancestors
 * are walked from the leader, proc.aname[0] is the leader's name.
 *
 * Walks up the process tree are bounded by STATE_MAX_ANCESTORS and stop at
 * the first repeated pid, so a corrupted parent chain cannot loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/macro.h"
#include "event/flags.h"
#include "rules/field-impl.h"

/* ---- relatives ---- */

Proc *field_leader(EvalCtx *ctx, Proc *p)
{
	Proc *l;

	if (!p || p->tid == p->pid || !ctx->state)
		return p;
	l = state_leader(ctx->state, p);
	return l ? l : p;
}

Proc *field_parent(EvalCtx *ctx, Proc *p)
{
	if (!p || !ctx->state)
		return NULL;
	return state_parent(ctx->state, field_leader(ctx, p));
}

/* The n-th ancestor of the event's process (0: the process itself). */
static Proc *ancestor(EvalCtx *ctx, unsigned n)
{
	Proc *p = field_leader(ctx, ctx->proc);

	if (!p)
		return NULL;
	if (n == 0)
		return p;
	if (!ctx->state || n > STATE_MAX_ANCESTORS)
		return NULL;
	return state_ancestor(ctx->state, p, n);
}

static int64_t vpid_of(const Proc *p)
{
	return p->vpid > 0 ? p->vpid : p->pid;
}

static bool in_pidns(const Proc *p)
{
	return p->vpid > 0 && p->vpid != p->pid;
}

/*
 * The leader of p's session (by_pgid false) or process group: the process
 * with that id when p is on the host pid namespace, else the eldest ancestor
 * that has the same id (Falco's rule for proc.sname and proc.vpgid.name).
 */
static Proc *group_leader(EvalCtx *ctx, Proc *p, bool by_pgid)
{
	int64_t id = by_pgid ? p->pgid : p->sid;
	int64_t seen[STATE_MAX_ANCESTORS];
	Proc *top = p, *q = p;
	unsigned n = 0, i;

	if (!ctx->state)
		return p;
	if (!in_pidns(p)) {
		Proc *l = state_get_thread(ctx->state, id);

		if (l)
			return l;
	}
	while (n < STATE_MAX_ANCESTORS) {
		q = state_parent(ctx->state, q);
		if (!q || (by_pgid ? q->pgid : q->sid) != id)
			break;
		for (i = 0; i < n; i++)
			if (seen[i] == q->pid)
				return top;
		seen[n++] = q->pid;
		top = q;
	}
	return top;
}

/* ---- per-process values, shared by the proc, parent and ancestor fields ---- */

typedef int (*proc_getter)(EvalCtx *ctx, Proc *p, FieldValues *out);

static int get_name(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	return fv_str(out, p->comm);
}

static int get_exe(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	return fv_str(out, p->exe);
}

static int get_exepath(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	return fv_str(out, p->exepath);
}

static int get_pid(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	return fv_num(out, p->pid);
}

static int get_cmdline(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	const char *s = field_join_strarr(ctx, p->comm ? p->comm : "", p->args, p->args_len, ' ');

	return s ? fv_str(out, s) : -ENOBUFS;
}

static int get_args(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	const char *s = field_join_strarr(ctx, NULL, p->args, p->args_len, ' ');

	return s ? fv_str(out, s) : -ENOBUFS;
}

static int get_env(EvalCtx *ctx, Proc *p, FieldValues *out)
{
	const char *s = field_join_strarr(ctx, NULL, p->env, p->env_len, ' ');

	return s ? fv_str(out, s) : -ENOBUFS;
}

/* The value of variable name in p's environment; NULL when it is not set. */
static const char *env_lookup(EvalCtx *ctx, const Proc *p, const char *name, int *err)
{
	size_t nl = strlen(name), i = 0;

	*err = 0;
	if (!p->env)
		return NULL;
	while (i < p->env_len) {
		const char *e = p->env + i;
		size_t el = strnlen(e, p->env_len - i);

		if (el > nl && memcmp(e, name, nl) == 0 && e[nl] == '=') {
			char *v = eval_strndup(ctx, e + nl + 1, el - nl - 1);

			if (!v)
				*err = -ENOBUFS;
			return v;
		}
		i += el + 1;
	}
	return NULL;
}

/* Run get on the event's process as seen through sel (self, parent...). */
static int on_proc(EvalCtx *ctx, FieldValues *out, Proc *p, proc_getter get)
{
	return p ? get(ctx, p, out) : 0;
}

static Proc *self(EvalCtx *ctx)
{
	return ctx->proc;
}

static Proc *parent(EvalCtx *ctx)
{
	return field_parent(ctx, ctx->proc);
}

/*
 * proc.a*[N]: the N-th ancestor; without an index every ancestor (not the
 * process itself), so that "proc.aname = sshd" matches any of them.
 */
static int on_ancestors(const FieldRef *ref, EvalCtx *ctx, FieldValues *out, proc_getter get)
{
	int64_t seen[STATE_MAX_ANCESTORS + 1];
	unsigned n = 0, i;
	Proc *p;
	int r;

	if (ref->has_arg) {
		if (ref->arg_index < 0 || ref->arg_index > STATE_MAX_ANCESTORS)
			return 0;
		p = ancestor(ctx, (unsigned)ref->arg_index);
		return p ? get(ctx, p, out) : 0;
	}
	p = field_leader(ctx, ctx->proc);
	if (!p || !ctx->state)
		return 0;
	seen[n++] = p->pid;
	while (n <= STATE_MAX_ANCESTORS && out->n < FIELD_MAX_VALUES) {
		p = state_parent(ctx->state, p);
		if (!p)
			break;
		for (i = 0; i < n; i++)
			if (seen[i] == p->pid)
				return 0;
		seen[n++] = p->pid;
		r = get(ctx, p, out);
		if (r < 0)
			return r;
	}
	return 0;
}

#define PROC_FIELD(fn, sel, getter)                                                 \
	static int fn(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)          \
	{                                                                           \
		return on_proc(ctx, out, sel(ctx), getter);                         \
	}
#define ANCESTOR_FIELD(fn, getter)                                                  \
	static int fn(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)          \
	{                                                                           \
		return on_ancestors(ref, ctx, out, getter);                         \
	}

PROC_FIELD(x_proc_name, self, get_name)
PROC_FIELD(x_proc_exe, self, get_exe)
PROC_FIELD(x_proc_exepath, self, get_exepath)
PROC_FIELD(x_proc_cmdline, self, get_cmdline)
PROC_FIELD(x_proc_args, self, get_args)
PROC_FIELD(x_proc_pname, parent, get_name)
PROC_FIELD(x_proc_pexe, parent, get_exe)
PROC_FIELD(x_proc_pexepath, parent, get_exepath)
PROC_FIELD(x_proc_pcmdline, parent, get_cmdline)
ANCESTOR_FIELD(x_proc_aname, get_name)
ANCESTOR_FIELD(x_proc_aexe, get_exe)
ANCESTOR_FIELD(x_proc_aexepath, get_exepath)
ANCESTOR_FIELD(x_proc_acmdline, get_cmdline)
ANCESTOR_FIELD(x_proc_apid, get_pid)

static int x_proc_exeline(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;
	const char *args, *s;

	if (!p)
		return 0;
	args = field_join_strarr(ctx, NULL, p->args, p->args_len, ' ');
	if (!args)
		return -ENOBUFS;
	s = eval_printf(ctx, "%s %s", p->exe ? p->exe : "", args);
	return s ? fv_str(out, s) : -ENOBUFS;
}

static int x_proc_cmdnargs(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;

	return p ? fv_unum(out, field_strarr_count(p->args, p->args_len)) : 0;
}

static int x_proc_cmdlenargs(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;
	uint64_t n = 0;
	size_t i;

	if (!p)
		return 0;
	for (i = 0; p->args && i < p->args_len; i++)
		if (p->args[i])
			n++;
	return fv_unum(out, n);
}

static int x_proc_env(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *v;
	int err;

	if (!ctx->proc)
		return 0;
	if (!ref->arg_key)
		return get_env(ctx, ctx->proc, out);
	v = env_lookup(ctx, ctx->proc, ref->arg_key, &err);
	if (err)
		return err;
	return fv_str(out, v); /* "" when unset, as Falco */
}

/*
 * proc.aenv: [NAME] is the first value of NAME in the parent lineage (up to
 * 20 levels, as Falco), [N] the N-th ancestor's environment, no argument
 * every ancestor's environment.
 */
#define AENV_MAX_LEVELS 20

static int x_proc_aenv(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	unsigned lvl;
	Proc *p;

	if (!ctx->proc)
		return 0;
	if (!ref->arg_key) {
		if (ref->has_arg && ref->arg_index == 0)
			return get_env(ctx, ctx->proc, out);
		return on_ancestors(ref, ctx, out, get_env);
	}
	for (lvl = 1; lvl <= AENV_MAX_LEVELS; lvl++) {
		const char *v;
		int err;

		p = ancestor(ctx, lvl);
		if (!p)
			break;
		v = env_lookup(ctx, p, ref->arg_key, &err);
		if (err)
			return err;
		if (v && v[0])
			return fv_str(out, v);
	}
	return fv_str(out, "");
}

static int x_proc_cwd(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_str(out, ctx->proc->cwd) : 0;
}

static int x_proc_pid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_num(out, ctx->proc->pid) : 0;
}

static int x_proc_ppid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *l = field_leader(ctx, ctx->proc);

	return l ? fv_num(out, l->ptid) : 0;
}

static int x_proc_vpid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_num(out, vpid_of(ctx->proc)) : 0;
}

static int x_proc_pvpid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = parent(ctx);

	return p ? fv_num(out, vpid_of(p)) : 0;
}

static int x_proc_sid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_num(out, ctx->proc->sid) : 0;
}

static int x_proc_vpgid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_num(out, ctx->proc->pgid) : 0;
}

static int on_group_leader(EvalCtx *ctx, FieldValues *out, bool by_pgid, proc_getter get)
{
	Proc *p = field_leader(ctx, ctx->proc);

	if (!p)
		return 0;
	return get(ctx, group_leader(ctx, p, by_pgid), out);
}

static int x_proc_sname(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return on_group_leader(ctx, out, false, get_name);
}

static int x_proc_sid_exe(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return on_group_leader(ctx, out, false, get_exe);
}

static int x_proc_sid_exepath(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return on_group_leader(ctx, out, false, get_exepath);
}

static int x_proc_vpgid_name(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return on_group_leader(ctx, out, true, get_name);
}

static int x_proc_vpgid_exe(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return on_group_leader(ctx, out, true, get_exe);
}

static int x_proc_vpgid_exepath(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return on_group_leader(ctx, out, true, get_exepath);
}

static int x_proc_is_sid_leader(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;

	return p ? fv_bool(out, p->sid == vpid_of(p)) : 0;
}

static int x_proc_is_vpgid_leader(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;

	return p ? fv_bool(out, p->pgid == vpid_of(p)) : 0;
}

static int x_proc_tty(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_unum(out, ctx->proc->tty) : 0;
}

/* The pid of the eldest shell (a name ending in "sh") among p and its ancestors. */
static int x_proc_loginshellid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	int64_t seen[STATE_MAX_ANCESTORS + 1], found = -1;
	Proc *p = field_leader(ctx, ctx->proc);
	unsigned n = 0, i;

	while (p && n <= STATE_MAX_ANCESTORS) {
		size_t l = p->comm ? strlen(p->comm) : 0;

		for (i = 0; i < n; i++)
			if (seen[i] == p->pid)
				goto done;
		seen[n++] = p->pid;
		if (l >= 2 && p->comm[l - 2] == 's' && p->comm[l - 1] == 'h')
			found = p->pid;
		p = ctx->state ? state_parent(ctx->state, p) : NULL;
	}
done:
	return found >= 0 ? fv_num(out, found) : 0;
}

/* ---- times ---- */

static int duration_of(EvalCtx *ctx, FieldValues *out, const Proc *p)
{
	if (!p || p->clone_ts == 0)
		return 0;
	return fv_unum_t(out, FT_RELTIME,
			 ctx->evt->ts > p->clone_ts ? ctx->evt->ts - p->clone_ts : 0);
}

static int x_proc_duration(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return duration_of(ctx, out, ctx->proc);
}

static int x_proc_ppid_duration(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return duration_of(ctx, out, parent(ctx));
}

static int start_of(EvalCtx *ctx, FieldValues *out, const Proc *p)
{
	if (!p || p->clone_ts == 0)
		return 0;
	return fv_unum_t(out, FT_RELTIME, p->clone_ts + ctx->boot_to_realtime_ns);
}

static int x_proc_pid_ts(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return start_of(ctx, out, ctx->proc);
}

static int x_proc_ppid_ts(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return start_of(ctx, out, parent(ctx));
}

/* ---- executable ---- */

static int exe_flag(EvalCtx *ctx, FieldValues *out, uint32_t bit)
{
	return ctx->proc ? fv_bool(out, (ctx->proc->exe_flags & bit) != 0) : 0;
}

static int x_proc_is_exe_writable(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return exe_flag(ctx, out, SAKER_EXE_WRITABLE);
}

static int x_proc_is_exe_upper_layer(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return exe_flag(ctx, out, SAKER_EXE_UPPER_LAYER);
}

static int x_proc_is_exe_lower_layer(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return exe_flag(ctx, out, SAKER_EXE_LOWER_LAYER);
}

static int x_proc_is_exe_from_memfd(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return exe_flag(ctx, out, SAKER_EXE_FROM_MEMFD);
}

static int x_proc_exe_ino(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	if (!ctx->proc || ctx->proc->exe_ino == 0)
		return 0;
	return fv_num(out, (int64_t)ctx->proc->exe_ino);
}

static int x_none(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return 0;
}

static int x_proc_false(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_bool(out, false) : 0;
}

static int x_proc_fdopencount(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	if (!ctx->proc || !ctx->proc->fds)
		return 0;
	return fv_unum(out, fdtable_size(ctx->proc->fds));
}

/* proc.stdin.type and friends: what fds 0, 1 and 2 of the process are. */
static int stdio_field(EvalCtx *ctx, FieldValues *out, int64_t fd, bool name)
{
	const FdInfo *f = field_proc_fd(ctx->proc, fd);

	if (!f)
		return 0;
	return fv_str(out, name ? f->name : fdinfo_type_name(f->type));
}

#define STDIO_FIELD(fn, fd, name)                                                   \
	static int fn(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)          \
	{                                                                           \
		return stdio_field(ctx, out, fd, name);                             \
	}
STDIO_FIELD(x_proc_stdin_type, 0, false)
STDIO_FIELD(x_proc_stdout_type, 1, false)
STDIO_FIELD(x_proc_stderr_type, 2, false)
STDIO_FIELD(x_proc_stdin_name, 0, true)
STDIO_FIELD(x_proc_stdout_name, 1, true)
STDIO_FIELD(x_proc_stderr_name, 2, true)

/* ---- thread ---- */

static int x_thread_tid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_num(out, ctx->evt->tid);
}

static int x_thread_vtid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;

	return p ? fv_num(out, p->vtid > 0 ? p->vtid : p->tid) : 0;
}

static int x_thread_ismain(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;

	return p ? fv_bool(out, p->tid == p->pid) : 0;
}

static int caps_field(EvalCtx *ctx, FieldValues *out, uint64_t v)
{
	char buf[FLAGS_RENDER_MAX];
	char *s;

	if (v == 0)
		return fv_str(out, "");
	if (flags_render_sep(SAKER_FMT_CAPS, v, " ", buf, sizeof(buf), NULL) < 0)
		return 0;
	s = eval_strndup(ctx, buf, strlen(buf));
	return s ? fv_str(out, s) : -ENOBUFS;
}

static int x_thread_cap_permitted(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? caps_field(ctx, out, ctx->proc->cap_permitted) : 0;
}

static int x_thread_cap_inheritable(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? caps_field(ctx, out, ctx->proc->cap_inheritable) : 0;
}

static int x_thread_cap_effective(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? caps_field(ctx, out, ctx->proc->cap_effective) : 0;
}

static int x_thread_cgroups(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Proc *p = ctx->proc;

	return p && p->cgroups && p->cgroups[0] ? fv_str(out, p->cgroups) : 0;
}

/* ---- user and group ---- */

/*
 * Names of ids missing from the user database: Falco shows root for 0 and
 * "<NA>" (as a value, so "user.name != root" holds) for the rest.
 */
static const char *user_name(EvalCtx *ctx, uint32_t uid)
{
	const char *n = ctx->state && ctx->state->users ?
				userdb_user_name(ctx->state->users, uid) :
				NULL;

	return n ? n : uid == 0 ? "root" : "<NA>";
}

static int x_user_uid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_unum(out, ctx->proc->euid) : 0;
}

static int x_user_name(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_str(out, user_name(ctx, ctx->proc->euid)) : 0;
}

static int x_user_homedir(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *h;
	uint32_t uid;

	if (!ctx->proc)
		return 0;
	uid = ctx->proc->euid;
	h = ctx->state && ctx->state->users ? userdb_user_home(ctx->state->users, uid) : NULL;
	return fv_str(out, h ? h : uid == 0 ? "/root" : "<NA>");
}

static int x_user_shell(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *s;

	if (!ctx->proc)
		return 0;
	s = ctx->state && ctx->state->users ?
		    userdb_user_shell(ctx->state->users, ctx->proc->euid) :
		    NULL;
	return fv_str(out, s ? s : "<NA>");
}

static int x_user_loginuid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	if (!ctx->proc)
		return 0;
	return fv_num(out, ctx->proc->loginuid == UINT32_MAX ? -1 : (int64_t)ctx->proc->loginuid);
}

static int x_user_loginname(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	if (!ctx->proc)
		return 0;
	if (ctx->proc->loginuid == UINT32_MAX)
		return fv_str(out, "<NA>");
	return fv_str(out, user_name(ctx, ctx->proc->loginuid));
}

static int x_group_gid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->proc ? fv_unum(out, ctx->proc->egid) : 0;
}

static int x_group_name(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *n;
	uint32_t gid;

	if (!ctx->proc)
		return 0;
	gid = ctx->proc->egid;
	n = ctx->state && ctx->state->users ? userdb_group_name(ctx->state->users, gid) : NULL;
	return fv_str(out, n ? n : gid == 0 ? "root" : "<NA>");
}

/* ---- the table ---- */

#define ANCESTOR_ARGS (FF_ARG_ALLOWED | FF_ARG_INDEX | FF_MULTI)

const FieldDef field_defs_proc[] = {
	{ "proc.name", FT_STRING, 0,
	  "The name of the process (the kernel's comm, at most 15 characters), such as bash.",
	  x_proc_name, NULL },
	{ "proc.exe", FT_STRING, 0,
	  "The first command line argument (argv[0]), usually the program as it was invoked.",
	  x_proc_exe, NULL },
	{ "proc.exepath", FT_STRING, 0,
	  "The full path of the process's executable file, symlinks resolved.",
	  x_proc_exepath, NULL },
	{ "proc.args", FT_STRING, 0,
	  "The command line arguments after argv[0], joined with spaces.", x_proc_args, NULL },
	{ "proc.cmdline", FT_STRING, 0,
	  "The process name followed by its arguments (proc.name and proc.args).",
	  x_proc_cmdline, NULL },
	{ "proc.exeline", FT_STRING, 0,
	  "argv[0] followed by the arguments (proc.exe and proc.args).", x_proc_exeline, NULL },
	{ "proc.cmdnargs", FT_UNUMBER, 0, "The number of command line arguments after argv[0].",
	  x_proc_cmdnargs, NULL },
	{ "proc.cmdlenargs", FT_UNUMBER, 0,
	  "The total length of the arguments after argv[0], not counting separators.",
	  x_proc_cmdlenargs, NULL },
	{ "proc.env", FT_STRING, FF_ARG_ALLOWED | FF_ARG_KEY,
	  "The environment as NAME=value pairs joined with spaces; proc.env[NAME] gives one "
	  "variable's value (empty when unset).", x_proc_env, NULL },
	{ "proc.aenv", FT_STRING, FF_ARG_ALLOWED | FF_ARG_KEY | FF_ARG_INDEX | FF_MULTI,
	  "Environments of the ancestors: proc.aenv[NAME] is the first value of NAME going up "
	  "the parents, proc.aenv[N] the environment of the N-th ancestor, and without an "
	  "argument the field matches any ancestor's environment.", x_proc_aenv, NULL },
	{ "proc.cwd", FT_STRING, 0, "The current working directory of the process.",
	  x_proc_cwd, NULL },
	{ "proc.pid", FT_NUMBER, 0, "The process id (thread group id) of the process.",
	  x_proc_pid, NULL },
	{ "proc.ppid", FT_NUMBER, 0, "The process id of the parent process.", x_proc_ppid,
	  NULL },
	{ "proc.vpid", FT_NUMBER, 0,
	  "The process id as seen from the process's own pid namespace.", x_proc_vpid, NULL },
	{ "proc.pvpid", FT_NUMBER, 0,
	  "The parent's process id as seen from its own pid namespace.", x_proc_pvpid, NULL },
	{ "proc.pname", FT_STRING, 0, "The name of the parent process.", x_proc_pname, NULL },
	{ "proc.pexe", FT_STRING, 0, "The argv[0] of the parent process.", x_proc_pexe, NULL },
	{ "proc.pexepath", FT_STRING, 0, "The executable path of the parent process.",
	  x_proc_pexepath, NULL },
	{ "proc.pcmdline", FT_STRING, 0, "The command line (name and arguments) of the parent.",
	  x_proc_pcmdline, NULL },
	{ "proc.aname", FT_STRING, ANCESTOR_ARGS,
	  "The name of an ancestor: proc.aname[0] is the process, [1] its parent, [2] the "
	  "grandparent; without an index the field matches any ancestor's name.",
	  x_proc_aname, NULL },
	{ "proc.aexe", FT_STRING, ANCESTOR_ARGS,
	  "The argv[0] of an ancestor, indexed like proc.aname; without an index any "
	  "ancestor's.", x_proc_aexe, NULL },
	{ "proc.aexepath", FT_STRING, ANCESTOR_ARGS,
	  "The executable path of an ancestor, indexed like proc.aname; without an index any "
	  "ancestor's.", x_proc_aexepath, NULL },
	{ "proc.acmdline", FT_STRING, ANCESTOR_ARGS,
	  "The command line of an ancestor, indexed like proc.aname; without an index any "
	  "ancestor's.", x_proc_acmdline, NULL },
	{ "proc.apid", FT_NUMBER, ANCESTOR_ARGS,
	  "The process id of an ancestor, indexed like proc.aname; without an index any "
	  "ancestor's.", x_proc_apid, NULL },
	{ "proc.sid", FT_NUMBER, 0, "The session id of the process.", x_proc_sid, NULL },
	{ "proc.sname", FT_STRING, 0,
	  "The name of the session leader: the process whose pid is the session id, or the "
	  "eldest ancestor in the same session.", x_proc_sname, NULL },
	{ "proc.sid.exe", FT_STRING, 0, "The argv[0] of the session leader.", x_proc_sid_exe,
	  NULL },
	{ "proc.sid.exepath", FT_STRING, 0, "The executable path of the session leader.",
	  x_proc_sid_exepath, NULL },
	{ "proc.vpgid", FT_NUMBER, 0,
	  "The process group id, as seen from the process's pid namespace.", x_proc_vpgid, NULL },
	{ "proc.vpgid.name", FT_STRING, 0,
	  "The name of the process group leader (or of the eldest ancestor in the group).",
	  x_proc_vpgid_name, NULL },
	{ "proc.vpgid.exe", FT_STRING, 0, "The argv[0] of the process group leader.",
	  x_proc_vpgid_exe, NULL },
	{ "proc.vpgid.exepath", FT_STRING, 0, "The executable path of the process group leader.",
	  x_proc_vpgid_exepath, NULL },
	{ "proc.is_sid_leader", FT_BOOL, 0,
	  "Whether the process leads its session (its pid is the session id).",
	  x_proc_is_sid_leader, NULL },
	{ "proc.is_vpgid_leader", FT_BOOL, 0,
	  "Whether the process leads its process group: true for a command typed at a shell, "
	  "false for a process a script started.", x_proc_is_vpgid_leader, NULL },
	{ "proc.tty", FT_UNUMBER, 0,
	  "The controlling terminal of the process (device number); 0 when it has none.",
	  x_proc_tty, NULL },
	{ "proc.loginshellid", FT_NUMBER, 0,
	  "The pid of the eldest shell among the process and its ancestors, which tells user "
	  "sessions apart.", x_proc_loginshellid, NULL },
	{ "proc.duration", FT_RELTIME, 0, "Nanoseconds since the process started.",
	  x_proc_duration, NULL },
	{ "proc.ppid.duration", FT_RELTIME, 0, "Nanoseconds since the parent process started.",
	  x_proc_ppid_duration, NULL },
	{ "proc.pid.ts", FT_RELTIME, 0,
	  "When the process started, in nanoseconds since the epoch.", x_proc_pid_ts, NULL },
	{ "proc.ppid.ts", FT_RELTIME, 0,
	  "When the parent process started, in nanoseconds since the epoch.", x_proc_ppid_ts,
	  NULL },
	{ "proc.is_exe_writable", FT_BOOL, 0,
	  "Whether the executable file is writable by the user that runs it.",
	  x_proc_is_exe_writable, NULL },
	{ "proc.is_exe_upper_layer", FT_BOOL, 0,
	  "Whether the executable lives in the upper (writable) layer of an overlay file "
	  "system: a file added to a container after it started.", x_proc_is_exe_upper_layer,
	  NULL },
	{ "proc.is_exe_lower_layer", FT_BOOL, 0,
	  "Whether the executable lives in a lower (image) layer of an overlay file system.",
	  x_proc_is_exe_lower_layer, NULL },
	{ "proc.is_exe_from_memfd", FT_BOOL, 0,
	  "Whether the executable is an in-memory file made with memfd_create (fileless "
	  "execution).", x_proc_is_exe_from_memfd, NULL },
	{ "proc.exe_ino", FT_NUMBER, 0, "The inode number of the executable file.",
	  x_proc_exe_ino, NULL },
	{ "proc.exe_ino.ctime", FT_ABSTIME, 0,
	  "The status change time of the executable file. Not collected yet: no value.",
	  x_none, NULL },
	{ "proc.exe_ino.mtime", FT_ABSTIME, 0,
	  "The modification time of the executable file. Not collected yet: no value.",
	  x_none, NULL },
	{ "proc.exe_ino.ctime_duration_proc_start", FT_ABSTIME, 0,
	  "Nanoseconds between the executable's status change and the process start. Not "
	  "collected yet: no value.", x_none, NULL },
	{ "proc.exe_ino.ctime_duration_pidns_start", FT_ABSTIME, 0,
	  "Nanoseconds between the pid namespace start and the executable's status change. "
	  "Not collected yet: no value.", x_none, NULL },
	{ "proc.pidns_init_start_ts", FT_UNUMBER, 0,
	  "When the process's pid namespace started. Not collected yet: no value.", x_none,
	  NULL },
	{ "proc.is_container_healthcheck", FT_BOOL, 0,
	  "Whether the process runs a container health check; always false (not detected).",
	  x_proc_false, NULL },
	{ "proc.is_container_liveness_probe", FT_BOOL, 0,
	  "Whether the process runs a Kubernetes liveness probe; always false (not detected).",
	  x_proc_false, NULL },
	{ "proc.is_container_readiness_probe", FT_BOOL, 0,
	  "Whether the process runs a Kubernetes readiness probe; always false (not "
	  "detected).", x_proc_false, NULL },
	{ "proc.fdopencount", FT_UNUMBER, 0, "The number of file descriptors the process has open.",
	  x_proc_fdopencount, NULL },
	{ "proc.stdin.type", FT_STRING, 0,
	  "The fd type of the process's standard input (fd 0), such as file, pipe or ipv4.",
	  x_proc_stdin_type, NULL },
	{ "proc.stdout.type", FT_STRING, 0, "The fd type of the process's standard output (fd 1).",
	  x_proc_stdout_type, NULL },
	{ "proc.stderr.type", FT_STRING, 0, "The fd type of the process's standard error (fd 2).",
	  x_proc_stderr_type, NULL },
	{ "proc.stdin.name", FT_STRING, 0, "The name (path or connection) of fd 0.",
	  x_proc_stdin_name, NULL },
	{ "proc.stdout.name", FT_STRING, 0, "The name (path or connection) of fd 1.",
	  x_proc_stdout_name, NULL },
	{ "proc.stderr.name", FT_STRING, 0, "The name (path or connection) of fd 2.",
	  x_proc_stderr_name, NULL },
	{ "thread.tid", FT_NUMBER, 0, "The id of the thread that made the call.", x_thread_tid,
	  NULL },
	{ "thread.vtid", FT_NUMBER, 0, "The thread id as seen from its pid namespace.",
	  x_thread_vtid, NULL },
	{ "thread.ismain", FT_BOOL, 0, "Whether the thread is the process's main thread.",
	  x_thread_ismain, NULL },
	{ "thread.cap_permitted", FT_STRING, 0,
	  "The thread's permitted capabilities, names separated by spaces (CAP_CHOWN CAP_KILL).",
	  x_thread_cap_permitted, NULL },
	{ "thread.cap_inheritable", FT_STRING, 0,
	  "The thread's inheritable capabilities, names separated by spaces.",
	  x_thread_cap_inheritable, NULL },
	{ "thread.cap_effective", FT_STRING, 0,
	  "The thread's effective capabilities, names separated by spaces.",
	  x_thread_cap_effective, NULL },
	{ "thread.cgroups", FT_STRING, 0, "The cgroups the thread belongs to.", x_thread_cgroups,
	  NULL },
	{ "user.uid", FT_UNUMBER, 0, "The effective user id of the process.", x_user_uid, NULL },
	{ "user.name", FT_STRING, 0,
	  "The name of the effective user ('<NA>' when the id has no entry).", x_user_name,
	  NULL },
	{ "user.homedir", FT_STRING, 0, "The home directory of the effective user.",
	  x_user_homedir, NULL },
	{ "user.shell", FT_STRING, 0, "The login shell of the effective user.", x_user_shell,
	  NULL },
	{ "user.loginuid", FT_NUMBER, 0,
	  "The audit login user id, the user who logged in to start the session; -1 when "
	  "unset.", x_user_loginuid, NULL },
	{ "user.loginname", FT_STRING, 0, "The name of the audit login user.", x_user_loginname,
	  NULL },
	{ "group.gid", FT_UNUMBER, 0, "The effective group id of the process.", x_group_gid,
	  NULL },
	{ "group.name", FT_STRING, 0, "The name of the effective group.", x_group_name, NULL },
};

const size_t field_defs_proc_n = ELEMENTSOF(field_defs_proc);
