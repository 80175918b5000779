// SPDX-License-Identifier: MIT
/*
 * The evt.* fields: what the event itself says (type, time, return value,
 * arguments) without looking at the process or fd state, except where Falco
 * resolves an argument (a uid to a user name, an fd to its path).
 *
 * evt.arg.NAME and evt.rawarg.NAME are bound once per rule: field_ref_init()
 * computes for every event type the index of parameter NAME (or -1), so an
 * extraction is one array read.  Parameter names are our table's, plus the
 * aliases below for the few places where Falco's exit events name a value
 * differently (execve's "flags" is our exe_flags).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/macro.h"
#include "event/flags.h"
#include "rules/field-ext.h"
#include "rules/field-impl.h"

/* ---- argument name resolution ---- */

static const struct {
	uint16_t type;
	const char *falco, *ours;
} arg_aliases[] = {
	{ SAKER_EVT_EXECVE, "flags", "exe_flags" },
	{ SAKER_EVT_EXECVEAT, "flags", "exe_flags" },
	{ SAKER_EVT_EXECVE, "trusted_exepath", "exepath" },
	{ SAKER_EVT_EXECVEAT, "trusted_exepath", "exepath" },
	{ SAKER_EVT_SETUID, "uid", "uid_arg" },
	{ SAKER_EVT_SETGID, "gid", "gid_arg" },
	{ SAKER_EVT_SETREUID, "euid", "euid_arg" },
	{ SAKER_EVT_SETRESUID, "euid", "euid_arg" },
	{ SAKER_EVT_SETRESUID, "suid", "suid_arg" },
	{ SAKER_EVT_SETREGID, "egid", "egid_arg" },
	{ SAKER_EVT_SETRESGID, "egid", "egid_arg" },
	{ SAKER_EVT_SETRESGID, "sgid", "sgid_arg" },
};

static int arg_index_for(const struct event_info *ei, const char *name)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(arg_aliases); i++)
		if (arg_aliases[i].type == ei->type && strcmp(arg_aliases[i].falco, name) == 0)
			return event_param_index(ei, arg_aliases[i].ours);
	return event_param_index(ei, name);
}

/* Fill idx[type] with the parameter index of name; returns how many types have it. */
static unsigned map_arg(const char *name, int16_t *idx)
{
	unsigned t, found = 0;

	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ei = event_info_get(t);
		int i = ei ? arg_index_for(ei, name) : -1;

		idx[t] = (int16_t)(i < 0 ? -1 : i);
		if (i >= 0)
			found++;
	}
	return found;
}

typedef struct ArgMap {
	int16_t idx[SAKER_EVT_MAX];
} ArgMap;

int field_bind_evt_arg(FieldRef *ref, char **ret_msg)
{
	ArgMap *m;

	if (!ref->arg_key) {
		if (ref->arg_index >= SAKER_MAX_PARAMS) {
			if (ret_msg && asprintf(ret_msg, "evt.arg[%" PRId64 "]: events have at most %d "
					 "arguments", ref->arg_index, SAKER_MAX_PARAMS) < 0)
				*ret_msg = NULL;
			return -EINVAL;
		}
		return 0;
	}
	m = new0(ArgMap, 1);
	if (!m)
		return -ENOMEM;
	if (map_arg(ref->arg_key, m->idx) == 0) {
		free(m);
		if (ret_msg && asprintf(ret_msg, "unknown event argument %s", ref->arg_key) < 0)
			*ret_msg = NULL;
		return -EINVAL;
	}
	ref->priv = m;
	ref->priv_free = free;
	return 0;
}

/* evt.rawarg: the binding also carries the value type chosen for NAME. */
typedef struct RawArg {
	ArgMap map;
	FieldDef def;
	enum saker_fmt_set fmt;
} RawArg;

enum { CL_SIGNED, CL_UNSIGNED, CL_FLAGS, CL_STRING, CL_BYTES, CL_NONE };

static int param_class(enum saker_param_type t)
{
	switch (t) {
	case SAKER_PT_S64:
	case SAKER_PT_S32:
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_ERRNO:
		return CL_SIGNED;
	case SAKER_PT_U64:
	case SAKER_PT_U32:
	case SAKER_PT_U16:
	case SAKER_PT_UID:
	case SAKER_PT_GID:
	case SAKER_PT_MODE:
	case SAKER_PT_INO:
	case SAKER_PT_NSTIME:
	case SAKER_PT_DEV:
		return CL_UNSIGNED;
	case SAKER_PT_FLAGS32:
	case SAKER_PT_FLAGS64:
	case SAKER_PT_ENUM32:
	case SAKER_PT_SIG:
		return CL_FLAGS;
	case SAKER_PT_PATH:
	case SAKER_PT_ABSPATH:
	case SAKER_PT_STR:
		return CL_STRING;
	case SAKER_PT_STRARR:
	case SAKER_PT_BYTES:
	case SAKER_PT_SOCKADDR:
	case SAKER_PT_TUPLE:
		return CL_BYTES;
	default:
		return CL_NONE;
	}
}

static void rawarg_free(void *p)
{
	free(p);
}

int field_bind_evt_rawarg(FieldRef *ref, char **ret_msg)
{
	unsigned cnt[CL_NONE + 1] = { 0 }, t, numeric, text;
	bool fmt_conflict = false;
	RawArg *ra;

	if (!ref->arg_key) {
		if (ret_msg && asprintf(ret_msg, "evt.rawarg needs an argument name, like "
				 "evt.rawarg.res") < 0)
			*ret_msg = NULL;
		return -EINVAL;
	}
	ra = new0(RawArg, 1);
	if (!ra)
		return -ENOMEM;
	if (map_arg(ref->arg_key, ra->map.idx) == 0) {
		free(ra);
		if (ret_msg && asprintf(ret_msg, "unknown event argument %s", ref->arg_key) < 0)
			*ret_msg = NULL;
		return -EINVAL;
	}
	ra->fmt = SAKER_FMT_NONE;
	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ei;
		const struct param_info *pi;

		if (ra->map.idx[t] < 0)
			continue;
		ei = event_info_get(t);
		pi = &ei->params[ra->map.idx[t]];
		cnt[param_class(pi->type)]++;
		if (pi->fmt != SAKER_FMT_NONE) {
			if (ra->fmt != SAKER_FMT_NONE && ra->fmt != pi->fmt)
				fmt_conflict = true;
			ra->fmt = pi->fmt;
		}
	}
	if (fmt_conflict)
		ra->fmt = SAKER_FMT_NONE;
	numeric = cnt[CL_SIGNED] + cnt[CL_UNSIGNED] + cnt[CL_FLAGS];
	text = cnt[CL_STRING] + cnt[CL_BYTES];
	ra->def = *ref->def;
	if (numeric > text)
		ra->def.type = cnt[CL_FLAGS] ? FT_FLAGS : cnt[CL_SIGNED] ? FT_NUMBER : FT_UNUMBER;
	else
		ra->def.type = cnt[CL_STRING] ? FT_STRING : FT_BYTES;
	ref->def = &ra->def;
	ref->priv = ra;
	ref->priv_free = rawarg_free;
	return 0;
}

enum saker_fmt_set field_ref_fmt_set(const FieldRef *ref)
{
	if (!ref || ref->priv_free != rawarg_free || !ref->priv)
		return SAKER_FMT_NONE;
	return ((const RawArg *)ref->priv)->fmt;
}

/* ---- evt.arg, evt.args, evt.rawarg ---- */

static int x_evt_arg(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const SkEvent *e = ctx->evt;
	const char *s;
	int idx, r;

	if (ref->arg_key) {
		const ArgMap *m = ref->priv;

		idx = e->type < SAKER_EVT_MAX ? m->idx[e->type] : -1;
	} else {
		idx = (int)ref->arg_index;
	}
	if (idx < 0)
		return 0;
	r = field_render_param(ctx, e, (unsigned)idx, &s, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	return fv_str(out, s);
}

static int x_evt_args(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const SkEvent *e = ctx->evt;
	size_t start = ctx->arena_used;
	char *buf, *p;
	unsigned i;

	/* Render every parameter, then join them in one copy. */
	const char *vals[SAKER_MAX_PARAMS], *raws[SAKER_MAX_PARAMS];
	size_t total = 1;

	if (!e->info)
		return 0;
	for (i = 0; i < e->nparams && i < SAKER_MAX_PARAMS; i++) {
		int r = field_render_param(ctx, e, i, &vals[i], &raws[i]);

		if (r == -ENOENT) {
			vals[i] = raws[i] = "NULL";
		} else if (r < 0) {
			ctx->arena_used = start;
			return r;
		}
		/* "raw(resolved)" only when the resolved text says something more */
		if (vals[i] != raws[i] && strcmp(vals[i], raws[i]) == 0)
			vals[i] = raws[i];
		total += strlen(e->info->params[i].name) + 1 + strlen(raws[i]) + 1;
		if (vals[i] != raws[i])
			total += strlen(vals[i]) + 2;
	}
	buf = eval_alloc(ctx, total);
	if (!buf)
		return -ENOBUFS;
	p = buf;
	for (i = 0; i < e->nparams && i < SAKER_MAX_PARAMS; i++) {
		if (i)
			*p++ = ' ';
		if (vals[i] != raws[i])
			p += sprintf(p, "%s=%s(%s)", e->info->params[i].name, raws[i], vals[i]);
		else
			p += sprintf(p, "%s=%s", e->info->params[i].name, raws[i]);
	}
	*p = 0;
	return fv_strn(out, buf, (size_t)(p - buf));
}

static int x_evt_rawarg(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const RawArg *ra = ref->priv;
	const SkEvent *e = ctx->evt;
	const struct param_info *pi;
	const SkParam *sp;
	FieldType want = ref->def->type;
	int idx, cls;

	if (!ra || e->type >= SAKER_EVT_MAX)
		return 0;
	idx = ra->map.idx[e->type];
	if (idx < 0 || idx >= e->nparams)
		return 0;
	sp = &e->params[idx];
	if (!sp->data || sp->faulted)
		return 0;
	pi = &e->info->params[idx];
	cls = param_class(pi->type);

	if (cls == CL_STRING || cls == CL_BYTES) {
		if (want == FT_BYTES)
			return fv_strn_t(out, FT_BYTES, (const char *)sp->data, sp->len);
		if (want == FT_STRING && cls == CL_STRING)
			return fv_str(out, field_param_str(e, idx));
		return 0; /* text where this binding expects a number */
	}
	if (cls == CL_NONE)
		return 0;

	if (want == FT_NUMBER) {
		int64_t v;

		if (sk_event_get_s64(e, (unsigned)idx, &v) < 0)
			return 0;
		return fv_num(out, v);
	} else {
		uint64_t v;

		if (sk_event_get_u64(e, (unsigned)idx, &v) < 0)
			return 0;
		if (want == FT_UNUMBER)
			return fv_unum(out, v);
		if (want == FT_FLAGS) {
			char buf[FLAGS_RENDER_MAX];
			FieldValue *fv;
			const char *s;

			if (pi->type == SAKER_PT_SIG && flags_signal_name(v))
				snprintf(buf, sizeof(buf), "%s", flags_signal_name(v));
			else if (pi->fmt != SAKER_FMT_NONE)
				flags_render(pi->fmt, v, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%" PRIu64, v);
			s = eval_strndup(ctx, buf, strlen(buf));
			if (!s)
				return -ENOBUFS;
			fv = fv_push(out, FT_FLAGS);
			if (!fv)
				return -ENOBUFS;
			fv->unum = v;
			fv->str = s;
			fv->len = strlen(s);
			return 0;
		}
		if (want == FT_STRING || want == FT_BYTES) {
			const char *s = eval_printf(ctx, "%" PRIu64, v);

			if (!s)
				return -ENOBUFS;
			return fv_strn_t(out, want, s, strlen(s));
		}
	}
	return 0;
}

/* ---- identity and time ---- */

static int x_evt_num(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->evt_num ? fv_unum(out, ctx->evt_num) : 0;
}

static int x_evt_type(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->evt->info ? fv_str(out, ctx->evt->info->name) : 0;
}

static int x_syscall_type(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const struct event_info *ei = ctx->evt->info;

	return ei && ei->is_syscall ? fv_str(out, ei->name) : 0;
}

static bool is_entry_record(const SkEvent *e)
{
	return e->type == SAKER_EVT_EXECVE_E || e->type == SAKER_EVT_EXECVEAT_E;
}

static int x_evt_dir(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_strn(out, is_entry_record(ctx->evt) ? ">" : "<", 1);
}

static int x_evt_category(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->evt->info ? fv_str(out, category_name(ctx->evt->info->category)) : 0;
}

static int x_evt_cpu(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->evt->hdr ? fv_num(out, ctx->evt->hdr->cpu) : 0;
}

static int x_evt_source(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_str(out, "syscall");
}

static int x_evt_hostname(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return ctx->hostname ? fv_str(out, ctx->hostname) : 0;
}

static int x_false(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_bool(out, false);
}

static int x_none(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return 0;
}

static uint64_t wall_ns(const EvalCtx *ctx)
{
	return ctx->evt->ts + ctx->boot_to_realtime_ns;
}

static int x_evt_rawtime(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_unum_t(out, FT_ABSTIME, wall_ns(ctx));
}

static int x_evt_rawtime_s(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_unum_t(out, FT_ABSTIME, wall_ns(ctx) / 1000000000ull);
}

static int x_evt_rawtime_ns(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_unum_t(out, FT_ABSTIME, wall_ns(ctx) % 1000000000ull);
}

enum { TM_TIME, TM_TIME_S, TM_DATETIME, TM_DATETIME_S, TM_ISO8601 };

static int fmt_time(EvalCtx *ctx, FieldValues *out, int kind)
{
	uint64_t ns = wall_ns(ctx);
	time_t sec = (time_t)(ns / 1000000000ull);
	unsigned long frac = (unsigned long)(ns % 1000000000ull);
	char buf[64], *s;
	struct tm tm;
	size_t l;

	if (kind == TM_ISO8601 ? !gmtime_r(&sec, &tm) : !localtime_r(&sec, &tm))
		return 0;
	switch (kind) {
	case TM_TIME:
		l = strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		snprintf(buf + l, sizeof(buf) - l, ".%09lu", frac);
		break;
	case TM_TIME_S:
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		break;
	case TM_DATETIME:
		l = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(buf + l, sizeof(buf) - l, ".%09lu", frac);
		break;
	case TM_DATETIME_S:
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		break;
	default:
		l = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf + l, sizeof(buf) - l, ".%09luZ", frac);
		break;
	}
	s = eval_strndup(ctx, buf, strlen(buf));
	if (!s)
		return -ENOBUFS;
	return fv_str(out, s);
}

static int x_evt_time(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fmt_time(ctx, out, TM_TIME);
}

static int x_evt_time_s(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fmt_time(ctx, out, TM_TIME_S);
}

static int x_evt_datetime(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fmt_time(ctx, out, TM_DATETIME);
}

static int x_evt_datetime_s(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fmt_time(ctx, out, TM_DATETIME_S);
}

static int x_evt_time_iso(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fmt_time(ctx, out, TM_ISO8601);
}

static int x_zero_reltime(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	/* Exit records carry both halves of the call: there is no separate latency. */
	return fv_unum_t(out, FT_RELTIME, 0);
}

static int x_evt_latency_human(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_str(out, "0ns");
}

/* ---- return value ---- */

static int x_evt_res(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *name;
	int64_t res;

	if (!field_evt_res(ctx->evt, &res))
		return 0;
	if (res >= 0)
		return fv_str(out, "SUCCESS");
	name = flags_errno_name(res);
	if (!name) {
		name = eval_printf(ctx, "%" PRId64, res);
		if (!name)
			return -ENOBUFS;
	}
	return fv_str(out, name);
}

static int x_evt_rawres(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	int64_t res;

	return field_evt_res(ctx->evt, &res) ? fv_num(out, res) : 0;
}

static int x_evt_failed(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	int64_t res;

	return field_evt_res(ctx->evt, &res) ? fv_bool(out, res < 0) : 0;
}

/* ---- I/O ---- */

static int io_dir(uint16_t type)
{
	switch (type) {
	case SAKER_EVT_READ:
	case SAKER_EVT_RECVFROM:
	case SAKER_EVT_RECVMSG:
		return 'r';
	case SAKER_EVT_WRITE:
	case SAKER_EVT_SENDTO:
	case SAKER_EVT_SENDMSG:
		return 'w';
	default:
		return 0;
	}
}

static int x_evt_is_io(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_bool(out, io_dir(ctx->evt->type) != 0);
}

static int x_evt_is_io_read(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_bool(out, io_dir(ctx->evt->type) == 'r');
}

static int x_evt_is_io_write(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_bool(out, io_dir(ctx->evt->type) == 'w');
}

static int x_evt_io_dir(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	int d = io_dir(ctx->evt->type);

	if (!d)
		return 0;
	return fv_str(out, d == 'r' ? "read" : "write");
}

static int x_evt_buffer(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	int idx = field_param_idx(ctx->evt, "data");
	const SkParam *sp;

	if (idx < 0)
		return 0;
	sp = &ctx->evt->params[idx];
	if (!sp->data)
		return 0;
	return fv_strn_t(out, FT_BYTES, (const char *)sp->data, sp->len);
}

static int x_evt_buflen(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	int64_t res;

	if (!io_dir(ctx->evt->type) || !field_evt_res(ctx->evt, &res) || res < 0)
		return 0;
	return fv_unum(out, (uint64_t)res);
}

static int x_evt_is_syslog(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const FdInfo *f = ctx->fd;

	return fv_bool(out, io_dir(ctx->evt->type) == 'w' && f && f->name &&
				    strcmp(f->name, "/dev/log") == 0);
}

/* ---- counters (Falco's chisel helpers) ---- */

static int x_evt_count(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return fv_unum(out, 1);
}

static int count_error_if(EvalCtx *ctx, FieldValues *out, bool applies)
{
	int64_t res;

	if (!applies || !field_evt_res(ctx->evt, &res))
		return 0;
	return fv_unum(out, res < 0 ? 1 : 0);
}

static bool is_open_event(uint16_t t)
{
	return t == SAKER_EVT_OPEN || t == SAKER_EVT_OPENAT || t == SAKER_EVT_OPENAT2;
}

static bool evt_on_file(const EvalCtx *ctx)
{
	if (ctx->fd)
		return ctx->fd->type == FD_FILE || ctx->fd->type == FD_DIRECTORY;
	return is_open_event(ctx->evt->type) || ctx->evt->type == SAKER_EVT_CREAT;
}

static bool evt_on_net(const EvalCtx *ctx)
{
	if (ctx->fd)
		return ctx->fd->type == FD_IPV4_SOCK || ctx->fd->type == FD_IPV6_SOCK ||
		       ctx->fd->type == FD_UNIX_SOCK;
	return ctx->evt->type == SAKER_EVT_ACCEPT || ctx->evt->type == SAKER_EVT_ACCEPT4 ||
	       ctx->evt->type == SAKER_EVT_CONNECT;
}

static bool evt_on_memory(const EvalCtx *ctx)
{
	return ctx->evt->info && ctx->evt->info->category == SAKER_CAT_MEMORY;
}

static int x_evt_count_error(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return count_error_if(ctx, out, true);
}

static int x_evt_count_error_file(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return count_error_if(ctx, out, evt_on_file(ctx));
}

static int x_evt_count_error_net(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return count_error_if(ctx, out, evt_on_net(ctx));
}

static int x_evt_count_error_memory(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return count_error_if(ctx, out, evt_on_memory(ctx));
}

static int x_evt_count_error_other(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return count_error_if(ctx, out,
			      !evt_on_file(ctx) && !evt_on_net(ctx) && !evt_on_memory(ctx));
}

static int x_evt_count_exit(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return is_entry_record(ctx->evt) ? 0 : fv_unum(out, 1);
}

/* ---- opens ---- */

#define LINUX_O_ACCMODE 03u
#define LINUX_O_WRONLY 01u
#define LINUX_O_RDWR 02u
#define LINUX_O_CREAT 0100u
#define LINUX_O_TMPFILE 020200000u
#define MODE_EXEC_BITS 0111u

/* Indices of the flags and mode parameters of the open calls, found once. */
static int8_t open_flags_idx[SAKER_EVT_MAX], open_mode_idx[SAKER_EVT_MAX];
static pthread_once_t open_idx_once = PTHREAD_ONCE_INIT;

static void open_idx_build(void)
{
	unsigned t;

	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ei = event_info_get(t);

		open_flags_idx[t] = (int8_t)(ei ? event_param_index(ei, "flags") : -1);
		open_mode_idx[t] = (int8_t)(ei ? event_param_index(ei, "mode") : -1);
		if (open_flags_idx[t] < 0)
			open_flags_idx[t] = -1;
		if (open_mode_idx[t] < 0)
			open_mode_idx[t] = -1;
	}
}

static bool open_param(const SkEvent *e, const int8_t *idx, uint64_t *ret)
{
	pthread_once(&open_idx_once, open_idx_build);
	return e->type < SAKER_EVT_MAX && idx[e->type] >= 0 &&
	       sk_event_get_u64(e, (unsigned)idx[e->type], ret) == 0;
}

static bool open_flags(const SkEvent *e, uint64_t *ret)
{
	return open_param(e, open_flags_idx, ret);
}

static int x_evt_is_open_read(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	uint64_t f = 0;
	unsigned acc;

	if (!is_open_event(ctx->evt->type) || !open_flags(ctx->evt, &f))
		return fv_bool(out, false);
	acc = (unsigned)f & LINUX_O_ACCMODE;
	return fv_bool(out, acc != LINUX_O_WRONLY);
}

static int x_evt_is_open_write(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	uint64_t f = 0;
	unsigned acc;

	if (!is_open_event(ctx->evt->type) || !open_flags(ctx->evt, &f))
		return fv_bool(out, false);
	acc = (unsigned)f & LINUX_O_ACCMODE;
	return fv_bool(out, acc == LINUX_O_WRONLY || acc == LINUX_O_RDWR);
}

static int x_evt_is_open_exec(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const SkEvent *e = ctx->evt;
	uint64_t f = 0, mode = 0;
	bool creating;

	if (e->type == SAKER_EVT_CREAT)
		creating = true;
	else if (is_open_event(e->type) && open_flags(e, &f))
		creating = (f & LINUX_O_CREAT) || (f & LINUX_O_TMPFILE) == LINUX_O_TMPFILE;
	else
		creating = false;
	if (!creating || !open_param(e, open_mode_idx, &mode))
		return fv_bool(out, false);
	return fv_bool(out, (mode & MODE_EXEC_BITS) != 0);
}

/*
 * The kernel does not tell whether O_CREAT created the file; a successful
 * open that asked for creation (or an O_TMPFILE) counts as one.
 */
static int x_evt_is_open_create(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	uint64_t f = 0;
	int64_t res;

	if (!is_open_event(ctx->evt->type) || !open_flags(ctx->evt, &f) ||
	    !field_evt_res(ctx->evt, &res) || res < 0)
		return fv_bool(out, false);
	return fv_bool(out, (f & LINUX_O_CREAT) || (f & LINUX_O_TMPFILE) == LINUX_O_TMPFILE);
}

/* ---- evt.abspath: the dirfd-relative path of *at calls, resolved ---- */

static const struct {
	uint16_t type;
	const char *path[2]; /* source (or only) path, destination path */
} abspath_params[] = {
	{ SAKER_EVT_OPENAT, { "name", NULL } },
	{ SAKER_EVT_OPENAT2, { "name", NULL } },
	{ SAKER_EVT_UNLINKAT, { "name", NULL } },
	{ SAKER_EVT_MKDIRAT, { "path", NULL } },
	{ SAKER_EVT_FCHMODAT, { "filename", NULL } },
	{ SAKER_EVT_FCHOWNAT, { "pathname", NULL } },
	{ SAKER_EVT_SYMLINKAT, { "linkpath", NULL } },
	{ SAKER_EVT_RENAMEAT, { "oldpath", "newpath" } },
	{ SAKER_EVT_RENAMEAT2, { "oldpath", "newpath" } },
	{ SAKER_EVT_LINKAT, { "oldpath", "newpath" } },
};

static int abspath(EvalCtx *ctx, FieldValues *out, unsigned which)
{
	const SkEvent *e = ctx->evt;
	const char *s;
	size_t i;
	int idx;

	for (i = 0; i < ELEMENTSOF(abspath_params); i++)
		if (abspath_params[i].type == e->type)
			break;
	if (i == ELEMENTSOF(abspath_params) || !abspath_params[i].path[which])
		return 0;
	idx = field_param_idx(e, abspath_params[i].path[which]);
	if (idx < 0 || field_render_param(ctx, e, (unsigned)idx, &s, NULL) < 0)
		return 0;
	return fv_str(out, s);
}

static int x_evt_abspath(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return abspath(ctx, out, 0);
}

static int x_evt_abspath_dst(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	return abspath(ctx, out, 1);
}

/* ---- the table ---- */

#define ARG_NAME (FF_ARG_REQUIRED | FF_ARG_KEY)

const FieldDef field_defs_evt[] = {
	{ "evt.num", FT_UNUMBER, 0,
	  "The sequence number of the event. No value until the daemon numbers events.",
	  x_evt_num, NULL },
	{ "evt.time", FT_STRING, 0,
	  "The time of the event in local time, with nanoseconds (14:02:17.123456789).",
	  x_evt_time, NULL },
	{ "evt.time.s", FT_STRING, 0, "The time of the event in local time, whole seconds.",
	  x_evt_time_s, NULL },
	{ "evt.time.iso8601", FT_STRING, 0,
	  "The date and time of the event in ISO 8601 form, UTC, with nanoseconds.",
	  x_evt_time_iso, NULL },
	{ "evt.datetime", FT_STRING, 0,
	  "The date and local time of the event, with nanoseconds.", x_evt_datetime, NULL },
	{ "evt.datetime.s", FT_STRING, 0, "The date and local time of the event, whole seconds.",
	  x_evt_datetime_s, NULL },
	{ "evt.rawtime", FT_ABSTIME, 0,
	  "The time of the event in nanoseconds since the epoch.", x_evt_rawtime, NULL },
	{ "evt.rawtime.s", FT_ABSTIME, 0, "The whole seconds of evt.rawtime.", x_evt_rawtime_s,
	  NULL },
	{ "evt.rawtime.ns", FT_ABSTIME, 0, "The nanoseconds part of evt.rawtime.",
	  x_evt_rawtime_ns, NULL },
	{ "evt.source", FT_STRING, 0,
	  "The source of the event; always 'syscall' for events from the kernel.",
	  x_evt_source, NULL },
	{ "evt.hostname", FT_STRING, 0, "The name of the host the event happened on.",
	  x_evt_hostname, NULL },
	{ "evt.is_async", FT_BOOL, 0,
	  "Whether the event was generated asynchronously; always false here.", x_false, NULL },
	{ "evt.asynctype", FT_STRING, 0,
	  "The kind of an asynchronous event. Never set: there are none.", x_none, NULL },
	{ "evt.pluginname", FT_STRING, 0,
	  "The plugin that produced the event. Never set: plugins are not supported.", x_none,
	  NULL },
	{ "evt.plugininfo", FT_STRING, 0,
	  "A plugin's summary of the event. Never set: plugins are not supported.", x_none, NULL },
	{ "evt.type", FT_STRING, 0,
	  "The name of the event, the system call name for system calls (openat, execve).",
	  x_evt_type, NULL },
	{ "syscall.type", FT_STRING, 0,
	  "The system call name, for events that are system calls; no value for others.",
	  x_syscall_type, NULL },
	{ "evt.dir", FT_STRING, 0,
	  "The direction of the event: '<' for system call exits, which is every system call "
	  "event here (each carries arguments and return value together).", x_evt_dir, NULL },
	{ "evt.category", FT_STRING, 0,
	  "The category of the event: file, process, net, memory, creds...", x_evt_category,
	  NULL },
	{ "evt.cpu", FT_NUMBER, 0, "The number of the CPU the event happened on.", x_evt_cpu,
	  NULL },
	{ "evt.args", FT_STRING, 0,
	  "All the event's arguments as one string (fd=3(<f>/etc/passwd) flags=...).",
	  x_evt_args, NULL },
	{ "evt.info", FT_STRING, 0, "The same as evt.args.", x_evt_args, NULL },
	{ "evt.arg", FT_STRING, FF_ARG_REQUIRED | FF_ARG_KEY | FF_ARG_INDEX,
	  "One argument of the event, by name (evt.arg.flags) or position (evt.arg[0]), as "
	  "text: flags by name, uids as user names, fds with their path, relative paths made "
	  "absolute.", x_evt_arg, NULL },
	{ "evt.rawarg", FT_NUMBER, ARG_NAME,
	  "One argument of the event by name (evt.rawarg.res), as its raw value: a number for "
	  "numeric arguments, so it can be compared with < and >.", x_evt_rawarg, NULL },
	{ "evt.buffer", FT_BYTES, 0,
	  "The data buffer of I/O events (read, write, send, receive).", x_evt_buffer, NULL },
	{ "evt.buflen", FT_UNUMBER, 0,
	  "The number of bytes an I/O event transferred.", x_evt_buflen, NULL },
	{ "evt.res", FT_STRING, 0,
	  "The return value as text: 'SUCCESS', or the error name (ENOENT) when the call "
	  "failed.", x_evt_res, NULL },
	{ "evt.rawres", FT_NUMBER, 0,
	  "The return value as a number (a negative errno on failure).", x_evt_rawres, NULL },
	{ "evt.failed", FT_BOOL, 0, "Whether the system call returned an error.",
	  x_evt_failed, NULL },
	{ "evt.is_io", FT_BOOL, 0, "Whether the event reads or writes data through an fd.",
	  x_evt_is_io, NULL },
	{ "evt.is_io_read", FT_BOOL, 0, "Whether the event reads data from an fd.",
	  x_evt_is_io_read, NULL },
	{ "evt.is_io_write", FT_BOOL, 0, "Whether the event writes data to an fd.",
	  x_evt_is_io_write, NULL },
	{ "evt.io_dir", FT_STRING, 0,
	  "'read' or 'write' for I/O events; no value for others.", x_evt_io_dir, NULL },
	{ "evt.is_wait", FT_BOOL, 0,
	  "Whether the event makes the thread wait; always false (waits are not captured).",
	  x_false, NULL },
	{ "evt.is_syslog", FT_BOOL, 0, "Whether the event is a write to /dev/log.",
	  x_evt_is_syslog, NULL },
	{ "evt.latency", FT_RELTIME, 0,
	  "Time between entry and exit of the call; 0, as Falco reports it today.",
	  x_zero_reltime, NULL },
	{ "evt.latency.s", FT_RELTIME, 0, "Whole seconds of evt.latency (0).", x_zero_reltime,
	  NULL },
	{ "evt.latency.ns", FT_RELTIME, 0, "Nanoseconds part of evt.latency (0).",
	  x_zero_reltime, NULL },
	{ "evt.latency.human", FT_STRING, 0, "evt.latency as text ('0ns').",
	  x_evt_latency_human, NULL },
	{ "evt.count", FT_UNUMBER, 0, "Always 1; summing it counts events.", x_evt_count, NULL },
	{ "evt.count.error", FT_UNUMBER, 0, "1 when the call failed, else 0.",
	  x_evt_count_error, NULL },
	{ "evt.count.error.file", FT_UNUMBER, 0,
	  "1 when a call on a file failed, 0 when it succeeded; no value for other calls.",
	  x_evt_count_error_file, NULL },
	{ "evt.count.error.net", FT_UNUMBER, 0,
	  "1 when a network call failed, 0 when it succeeded; no value for other calls.",
	  x_evt_count_error_net, NULL },
	{ "evt.count.error.memory", FT_UNUMBER, 0,
	  "1 when a memory call failed, 0 when it succeeded; no value for other calls.",
	  x_evt_count_error_memory, NULL },
	{ "evt.count.error.other", FT_UNUMBER, 0,
	  "1 when a call that is not about files, network or memory failed, else 0.",
	  x_evt_count_error_other, NULL },
	{ "evt.count.exit", FT_UNUMBER, 0, "1 for exit events, which is every system call event.",
	  x_evt_count_exit, NULL },
	{ "evt.abspath", FT_STRING, 0,
	  "The path of a *at call (openat, unlinkat, mkdirat...) made absolute with its "
	  "directory fd; the source path for renameat and linkat.", x_evt_abspath, NULL },
	{ "evt.abspath.src", FT_STRING, 0,
	  "The source path of renameat and linkat, made absolute.", x_evt_abspath, NULL },
	{ "evt.abspath.dst", FT_STRING, 0,
	  "The destination path of renameat and linkat, made absolute.", x_evt_abspath_dst,
	  NULL },
	{ "evt.is_open_read", FT_BOOL, 0,
	  "Whether an open, openat or openat2 opened the file for reading.", x_evt_is_open_read,
	  NULL },
	{ "evt.is_open_write", FT_BOOL, 0,
	  "Whether an open, openat or openat2 opened the file for writing.",
	  x_evt_is_open_write, NULL },
	{ "evt.is_open_exec", FT_BOOL, 0,
	  "Whether an open or creat created the file with an execute permission bit.",
	  x_evt_is_open_exec, NULL },
	{ "evt.is_open_create", FT_BOOL, 0,
	  "Whether a successful open asked to create the file (O_CREAT or O_TMPFILE).",
	  x_evt_is_open_create, NULL },
};

const size_t field_defs_evt_n = ELEMENTSOF(field_defs_evt);
