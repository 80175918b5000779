// SPDX-License-Identifier: MIT
/*
 * Event parameters as text: the rendering behind evt.arg, evt.args and the
 * fd.name of failed opens and connects, following Falco's formats (fd
 * numbers with "<f>/path", flag names, user names of uids, errno names,
 * "ip:port" addresses, resolved absolute paths), plus the path helpers the
 * other field files share.  All text goes to the per-event arena.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/macro.h"
#include "event/flags.h"
#include "rules/field-impl.h"

/* ---- event helpers ---- */

bool field_evt_has_res(const SkEvent *e)
{
	return e->info && e->info->is_syscall && e->nparams > 0;
}

bool field_evt_res(const SkEvent *e, int64_t *ret)
{
	if (!field_evt_has_res(e))
		return false;
	return sk_event_get_s64(e, 0, ret) == 0;
}

int field_param_idx(const SkEvent *e, const char *name)
{
	int i;

	if (!e->info)
		return -1;
	i = event_param_index(e->info, name);
	return i < 0 ? -1 : i;
}

const char *field_param_str(const SkEvent *e, int idx)
{
	const char *s;

	if (idx < 0 || sk_event_get_str(e, (unsigned)idx, &s) < 0)
		return NULL;
	return s;
}

bool field_param_s64(const SkEvent *e, int idx, int64_t *ret)
{
	return idx >= 0 && sk_event_get_s64(e, (unsigned)idx, ret) == 0;
}

/*
 * Per event type and PATH parameter: the index of its _abs companion and of
 * the dirfd it is relative to (-1 when none), computed once from the table.
 */
static int8_t abs_of[SAKER_EVT_MAX][SAKER_MAX_PARAMS];
static int8_t dirfd_of[SAKER_EVT_MAX][SAKER_MAX_PARAMS];
static pthread_once_t paths_once = PTHREAD_ONCE_INIT;

static const char *dirfd_param_for(const char *path_param)
{
	static const struct {
		const char *path, *dirfd;
	} pairs[] = {
		{ "oldpath", "olddirfd" },	{ "newpath", "newdirfd" },
		{ "linkpath", "linkdirfd" },	{ "from_pathname", "from_dfd" },
		{ "to_pathname", "to_dfd" },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(pairs); i++)
		if (strcmp(pairs[i].path, path_param) == 0)
			return pairs[i].dirfd;
	return NULL;
}

static void paths_build(void)
{
	unsigned t, i;

	memset(abs_of, -1, sizeof(abs_of));
	memset(dirfd_of, -1, sizeof(dirfd_of));
	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ei = event_info_get(t);

		for (i = 0; ei && i < ei->nparams && i < SAKER_MAX_PARAMS; i++) {
			const struct param_info *pi = &ei->params[i];
			const char *dname;
			char abs[64];
			int j;

			if (pi->type != SAKER_PT_PATH)
				continue;
			snprintf(abs, sizeof(abs), "%s_abs", pi->name);
			abs_of[t][i] = (int8_t)event_param_index(ei, abs);
			if (abs_of[t][i] < 0)
				abs_of[t][i] = -1;
			dname = dirfd_param_for(pi->name);
			j = -1;
			if (dname) {
				j = event_param_index(ei, dname);
				if (j < 0 && strncmp(dname, "old", 3) == 0)
					j = event_param_index(ei, "olddir");
				if (j < 0 && strncmp(dname, "new", 3) == 0)
					j = event_param_index(ei, "newdir");
			}
			if (j < 0)
				j = event_param_index(ei, "dirfd");
			if (j < 0)
				j = event_param_index(ei, "dfd");
			dirfd_of[t][i] = (int8_t)(j < 0 ? -1 : j);
		}
	}
}

static void path_companions(const SkEvent *e, unsigned idx, int *ret_abs, int *ret_dirfd)
{
	pthread_once(&paths_once, paths_build);
	*ret_abs = -1;
	*ret_dirfd = -1;
	if (e->type >= SAKER_EVT_MAX || idx >= SAKER_MAX_PARAMS)
		return;
	*ret_abs = abs_of[e->type][idx];
	*ret_dirfd = dirfd_of[e->type][idx];
}

/* ---- paths ---- */

char *field_normalize_path(EvalCtx *ctx, const char *path, size_t len)
{
	bool absolute = len > 0 && path[0] == '/';
	size_t i = 0, o = 0, root = absolute ? 1 : 0;
	char *out = eval_alloc(ctx, len + 2);

	if (!out)
		return NULL;
	if (absolute)
		out[o++] = '/';
	while (i < len) {
		size_t st, cl;

		while (i < len && path[i] == '/')
			i++;
		st = i;
		while (i < len && path[i] != '/')
			i++;
		cl = i - st;
		if (cl == 0 || (cl == 1 && path[st] == '.'))
			continue;
		if (cl == 2 && path[st] == '.' && path[st + 1] == '.') {
			size_t last = o;

			while (last > root && out[last - 1] != '/')
				last--;
			/* pop the previous component unless there is none or it is ".." */
			if (o > root && !(o - last == 2 && out[last] == '.' && out[last + 1] == '.')) {
				o = last > root ? last - 1 : root;
				continue;
			}
			if (absolute)
				continue; /* "/.." is "/" */
		}
		if (o > root)
			out[o++] = '/';
		memcpy(out + o, path + st, cl);
		o += cl;
	}
	out[o] = 0;
	return out;
}

FdInfo *field_proc_fd(Proc *p, int64_t fd)
{
	if (!p || !p->fds || fd < 0)
		return NULL;
	return fdtable_get(p->fds, fd);
}

const char *field_resolve_path(EvalCtx *ctx, const char *raw, int abs_idx, int dirfd_idx)
{
	const char *base = NULL;
	const char *joined;
	int64_t dfd;

	if (!raw)
		return NULL;
	if (raw[0] == '/')
		return field_normalize_path(ctx, raw, strlen(raw));
	if (abs_idx >= 0) {
		const char *a = field_param_str(ctx->evt, abs_idx);

		if (a && a[0] == '/')
			return field_normalize_path(ctx, a, strlen(a));
	}
	if (field_param_s64(ctx->evt, dirfd_idx, &dfd) && dfd != FIELD_AT_FDCWD) {
		FdInfo *f = field_proc_fd(ctx->proc, dfd);

		if (!f || !f->name || f->name[0] != '/')
			return raw;
		base = f->name;
	} else if (ctx->proc && ctx->proc->cwd && ctx->proc->cwd[0] == '/') {
		base = ctx->proc->cwd;
	}
	if (!base)
		return raw;
	joined = eval_printf(ctx, "%s/%s", base, raw);
	if (!joined)
		return NULL;
	return field_normalize_path(ctx, joined, strlen(joined));
}

/* ---- strings ---- */

size_t field_strarr_count(const char *list, size_t len)
{
	size_t i, n = 0;

	if (!list || len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (list[i] == 0)
			n++;
	return list[len - 1] == 0 ? n : n + 1;
}

char *field_join_strarr(EvalCtx *ctx, const char *prefix, const char *list, size_t len, char sep)
{
	size_t plen = prefix ? strlen(prefix) : 0, o = 0, i;
	size_t nargs = field_strarr_count(list, list ? len : 0);
	char *out;

	if (!list)
		len = 0;
	if (len > 0 && list[len - 1] == 0)
		len--; /* the terminator of the last string */
	out = eval_alloc(ctx, plen + len + 2);
	if (!out)
		return NULL;
	if (plen) {
		memcpy(out, prefix, plen);
		o = plen;
	}
	if (prefix && nargs > 0)
		out[o++] = sep;
	for (i = 0; i < len; i++)
		out[o++] = list[i] ? list[i] : sep;
	out[o] = 0;
	return out;
}

/* Bytes as Falco prints buffers: printable ASCII kept, the rest as '.'. */
static const char *render_bytes(EvalCtx *ctx, const uint8_t *p, size_t len)
{
	char *out = eval_alloc(ctx, len + 1);
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
	out[len] = 0;
	return out;
}

/* ---- addresses ---- */

static bool v4mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, pfx, 12) == 0;
}

static const char *ip_text(char *buf, size_t n, bool v6, const uint8_t *a)
{
	if (v6 && !v4mapped(a))
		return inet_ntop(AF_INET6, a, buf, (socklen_t)n);
	if (v6)
		a += 12;
	snprintf(buf, n, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return buf;
}

static uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

int field_render_sockaddr(EvalCtx *ctx, const uint8_t *p, size_t len, const char **ret)
{
	char ip[INET6_ADDRSTRLEN];
	uint16_t family;
	const char *s;

	if (!p || len < 2)
		return -ENOENT;
	family = get_u16(p);
	if (family == SAKER_AF_INET && len >= 8)
		s = eval_printf(ctx, "%s:%u", ip_text(ip, sizeof(ip), false, p + 4), get_u16(p + 2));
	else if (family == SAKER_AF_INET6 && len >= 20 && ip_text(ip, sizeof(ip), true, p + 4))
		s = eval_printf(ctx, "%s:%u", ip, get_u16(p + 2));
	else if (family == SAKER_AF_UNIX)
		s = eval_strndup(ctx, (const char *)p + 2, strnlen((const char *)p + 2, len - 2));
	else
		s = eval_printf(ctx, "family %u", family);
	if (!s)
		return -ENOBUFS;
	*ret = s;
	return 0;
}

int field_render_tuple(EvalCtx *ctx, const uint8_t *p, size_t len, const char **ret)
{
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
	uint16_t family;
	const char *s;

	if (!p || len < 4)
		return -ENOENT;
	family = get_u16(p);
	if (family == SAKER_AF_INET && len >= 16) {
		s = eval_printf(ctx, "%s:%u->%s:%u", ip_text(sa, sizeof(sa), false, p + 4),
				get_u16(p + 8), ip_text(da, sizeof(da), false, p + 10), get_u16(p + 14));
	} else if (family == SAKER_AF_INET6 && len >= 40) {
		if (!ip_text(sa, sizeof(sa), true, p + 4) || !ip_text(da, sizeof(da), true, p + 22))
			return -ENOENT;
		s = eval_printf(ctx, "%s:%u->%s:%u", sa, get_u16(p + 20), da, get_u16(p + 38));
	} else if (family == SAKER_AF_UNIX && len >= 20) {
		s = eval_printf(ctx, "%" PRIx64 "->%" PRIx64 " %.*s", get_u64(p + 4),
				get_u64(p + 12), (int)strnlen((const char *)p + 20, len - 20),
				(const char *)p + 20);
	} else {
		s = eval_printf(ctx, "family %u", family);
	}
	if (!s)
		return -ENOBUFS;
	*ret = s;
	return 0;
}

/* ---- one parameter ---- */

static char l4char(uint8_t proto)
{
	switch (proto) {
	case 6:
		return 't';
	case 17:
		return 'u';
	case 1:
	case 58:
		return 'i';
	case 255:
		return 'r';
	default:
		return 0;
	}
}

static const char *render_fd(EvalCtx *ctx, int64_t fd)
{
	const FdInfo *f;
	char tc[3] = { 0 };

	if (fd == FIELD_AT_FDCWD)
		return "AT_FDCWD";
	if (fd < 0)
		return flags_errno_name(fd);
	f = field_proc_fd(ctx->proc, fd);
	if (!f || !f->name)
		return NULL;
	tc[0] = field_fd_typechar(f);
	if (f->type == FD_IPV4_SOCK || f->type == FD_IPV6_SOCK)
		tc[1] = l4char(f->l4proto);
	return eval_printf(ctx, "<%s>%s", tc, f->name);
}

static bool is_chmod_event(uint16_t type)
{
	return type == SAKER_EVT_CHMOD || type == SAKER_EVT_FCHMOD || type == SAKER_EVT_FCHMODAT;
}

int field_render_param(EvalCtx *ctx, const SkEvent *e, unsigned idx, const char **ret,
		       const char **ret_raw)
{
	const struct param_info *pi;
	const SkParam *sp;
	enum { NF_NONE, NF_S, NF_U, NF_HEX, NF_OCT } nf = NF_NONE;
	const char *raw = NULL, *res = NULL;
	uint64_t u = 0;
	int64_t s = 0;
	int r;

	if (!e->info || idx >= e->nparams || idx >= e->info->nparams)
		return -ENOENT;
	pi = &e->info->params[idx];
	sp = &e->params[idx];
	if (!sp->data || sp->faulted)
		return -ENOENT;

	switch (pi->type) {
	case SAKER_PT_S64:
	case SAKER_PT_S32:
		if (sk_event_get_s64(e, idx, &s) < 0)
			return -ENOENT;
		nf = NF_S;
		break;
	case SAKER_PT_U64:
	case SAKER_PT_U32:
	case SAKER_PT_U16:
	case SAKER_PT_INO:
	case SAKER_PT_NSTIME:
		if (sk_event_get_u64(e, idx, &u) < 0)
			return -ENOENT;
		nf = NF_U;
		break;
	case SAKER_PT_DEV:
		if (sk_event_get_u64(e, idx, &u) < 0)
			return -ENOENT;
		nf = NF_HEX;
		break;
	case SAKER_PT_FD:
		if (sk_event_get_s64(e, idx, &s) < 0)
			return -ENOENT;
		nf = NF_S;
		res = render_fd(ctx, s);
		break;
	case SAKER_PT_PID: {
		Proc *p;

		if (sk_event_get_s64(e, idx, &s) < 0)
			return -ENOENT;
		nf = NF_S;
		p = ctx->state ? state_get_thread(ctx->state, s) : NULL;
		if (p && p->comm && p->comm[0])
			res = p->comm;
		break;
	}
	case SAKER_PT_UID:
	case SAKER_PT_GID:
		if (sk_event_get_u64(e, idx, &u) < 0)
			return -ENOENT;
		if (u == UINT32_MAX) {
			raw = "-1";
			res = "<NONE>";
			break;
		}
		nf = NF_U;
		if (ctx->state && ctx->state->users)
			res = pi->type == SAKER_PT_UID ?
				      userdb_user_name(ctx->state->users, (uint32_t)u) :
				      userdb_group_name(ctx->state->users, (uint32_t)u);
		if (!res)
			res = "<NA>";
		break;
	case SAKER_PT_MODE:
		if (sk_event_get_u64(e, idx, &u) < 0)
			return -ENOENT;
		nf = NF_OCT;
		if (is_chmod_event(e->type)) {
			char buf[FLAGS_RENDER_MAX];

			if (flags_render_mode((uint32_t)u, buf, sizeof(buf)) > 0 && buf[0] != '0')
				res = eval_strndup(ctx, buf, strlen(buf));
		}
		break;
	case SAKER_PT_FLAGS32:
	case SAKER_PT_FLAGS64:
	case SAKER_PT_ENUM32: {
		char buf[FLAGS_RENDER_MAX];
		unsigned names = 0;

		if (sk_event_get_u64(e, idx, &u) < 0)
			return -ENOENT;
		nf = NF_U;
		if (pi->fmt != SAKER_FMT_NONE &&
		    flags_render_sep(pi->fmt, u, "|", buf, sizeof(buf), &names) >= 0 && names > 0)
			res = eval_strndup(ctx, buf, strlen(buf));
		break;
	}
	case SAKER_PT_SIG:
		if (sk_event_get_u64(e, idx, &u) < 0)
			return -ENOENT;
		nf = NF_U;
		res = flags_signal_name(u);
		break;
	case SAKER_PT_ERRNO:
		if (sk_event_get_s64(e, idx, &s) < 0)
			return -ENOENT;
		nf = NF_S;
		if (s < 0)
			res = flags_errno_name(s);
		break;
	case SAKER_PT_PATH: {
		int abs_idx, dirfd_idx;

		raw = field_param_str(e, (int)idx);
		if (!raw)
			return -ENOENT;
		path_companions(e, idx, &abs_idx, &dirfd_idx);
		res = field_resolve_path(ctx, raw, abs_idx, dirfd_idx);
		if (!res)
			return -ENOBUFS;
		break;
	}
	case SAKER_PT_ABSPATH:
	case SAKER_PT_STR:
		raw = field_param_str(e, (int)idx);
		if (!raw)
			return -ENOENT;
		break;
	case SAKER_PT_STRARR:
	case SAKER_PT_BYTES:
		raw = render_bytes(ctx, sp->data, sp->len);
		break;
	case SAKER_PT_SOCKADDR:
		r = field_render_sockaddr(ctx, sp->data, sp->len, &raw);
		if (r < 0)
			return r;
		break;
	case SAKER_PT_TUPLE:
		r = field_render_tuple(ctx, sp->data, sp->len, &raw);
		if (r < 0)
			return r;
		break;
	default:
		raw = "";
		break;
	}
	/* numbers are printed only when their text is asked for */
	if (nf != NF_NONE && (ret_raw || !res || !res[0])) {
		switch (nf) {
		case NF_S:
			raw = eval_printf(ctx, "%" PRId64, s);
			break;
		case NF_U:
			raw = eval_printf(ctx, "%" PRIu64, u);
			break;
		case NF_HEX:
			raw = eval_printf(ctx, "%" PRIX64, u);
			break;
		default:
			raw = eval_printf(ctx, "%#" PRIo64, u);
			break;
		}
	}
	if (res && res[0]) {
		if (ret_raw && !raw)
			return -ENOBUFS;
	} else {
		res = raw;
		if (!raw)
			return -ENOBUFS;
	}
	if (ret_raw)
		*ret_raw = raw;
	*ret = res;
	return 0;
}
