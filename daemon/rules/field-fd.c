// SPDX-License-Identifier: MIT
/*
 * The fd.* and fs.path.* fields.
 *
 * fd.* describe the file descriptor an event is about: the one it creates
 * (open, socket, accept, dup: the return value), uses (close, connect, read,
 * fchmod...: the fd argument) or the first of a pipe/socketpair.  Events that
 * name paths without an fd (unlink, rename, mkdir, execve) have no fd.*
 * values, as in Falco.  The fd's details come from ctx->fd, set by the event
 * processing after it updated the fd table, or from the process's fd table.
 * When there is no table entry because the call failed (a failed open or
 * connect), fd.name, fd.nameraw, fd.directory and fd.typechar are taken from
 * the event's own arguments, so "open failed on /etc/shadow" rules work.
 *
 * Sockets keep Falco's client/server tuple: s* is the client, d* the server;
 * fd.lip/fd.rip pick the local/remote side with is_server.
 *
 * fs.path.* give the paths of file system calls that succeeded: the path as
 * passed (raw) and made absolute.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/macro.h"
#include "rules/field-ext.h"
#include "rules/field-impl.h"

/* ---- which fd an event is about ---- */

enum { FDK_NONE, FDK_USES, FDK_CREATES, FDK_PAIR };

static struct {
	int8_t kind;
	int8_t idx;
} fd_kind[SAKER_EVT_MAX];
static pthread_once_t fd_kind_once = PTHREAD_ONCE_INIT;

static void fd_kind_build(void)
{
	unsigned t;

	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ei = event_info_get(t);
		int i;

		fd_kind[t].kind = FDK_NONE;
		fd_kind[t].idx = -1;
		/* mmap's fd is only the mapped file; Falco does not treat it as an fd event */
		if (!ei || !ei->is_syscall || t == SAKER_EVT_MMAP || ei->nparams == 0)
			continue;
		if (ei->params[0].type == SAKER_PT_FD) {
			fd_kind[t].kind = FDK_CREATES;
			fd_kind[t].idx = 0;
		} else if ((i = event_param_index(ei, "fd")) > 0 &&
			   ei->params[i].type == SAKER_PT_FD) {
			fd_kind[t].kind = FDK_USES;
			fd_kind[t].idx = (int8_t)i;
		} else if ((i = event_param_index(ei, "fd1")) > 0) {
			fd_kind[t].kind = FDK_PAIR;
			fd_kind[t].idx = (int8_t)i;
		}
	}
}

typedef struct FdCtx {
	int64_t num;  /* the fd number (-1 for a failed create) */
	FdInfo *f;    /* its table entry, or NULL */
	bool has_num; /* num is known */
} FdCtx;

/* False when the event has no fd (fd.* have no value). */
static bool fd_get(EvalCtx *ctx, FdCtx *c)
{
	const SkEvent *e = ctx->evt;
	int64_t v, res;

	pthread_once(&fd_kind_once, fd_kind_build);
	memset(c, 0, sizeof(*c));
	if (e->type >= SAKER_EVT_MAX || fd_kind[e->type].kind == FDK_NONE || !ctx->proc)
		return false;
	switch (fd_kind[e->type].kind) {
	case FDK_USES:
		c->has_num = field_param_s64(e, fd_kind[e->type].idx, &c->num);
		break;
	case FDK_CREATES:
		if (field_evt_res(e, &res)) {
			c->num = res >= 0 ? res : -1;
			c->has_num = true;
		}
		break;
	case FDK_PAIR:
		if (field_evt_res(e, &res) && field_param_s64(e, fd_kind[e->type].idx, &v)) {
			c->num = res == 0 ? v : -1;
			c->has_num = true;
		}
		break;
	}
	c->f = ctx->fd;
	if (!c->f && c->has_num && c->num >= 0)
		c->f = field_proc_fd(ctx->proc, c->num);
	if (c->f && !c->has_num) {
		c->num = c->f->fd;
		c->has_num = true;
	}
	return true;
}

char field_fd_typechar(const FdInfo *f)
{
	switch (f->type) {
	case FD_FILE:
		return 'f';
	case FD_DIRECTORY:
		return 'd';
	case FD_IPV4_SOCK:
		return '4';
	case FD_IPV6_SOCK:
		return '6';
	case FD_UNIX_SOCK:
		return 'u';
	case FD_NETLINK:
		return 'n';
	case FD_PIPE:
		return 'p';
	case FD_EVENT:
		return 'e';
	case FD_SIGNALFD:
		return 's';
	case FD_EVENTPOLL:
		return 'l';
	case FD_INOTIFY:
		return 'i';
	case FD_TIMERFD:
		return 't';
	case FD_MEMFD:
		return 'm';
	case FD_BPF:
		return 'b';
	case FD_USERFAULTFD:
		return 'u';
	case FD_IOURING:
		return 'r';
	case FD_PIDFD:
		return 'P';
	default:
		return 'o';
	}
}

static bool is_open_creator(uint16_t t)
{
	return t == SAKER_EVT_OPEN || t == SAKER_EVT_OPENAT || t == SAKER_EVT_OPENAT2 ||
	       t == SAKER_EVT_CREAT;
}

static bool is_socket_creator(uint16_t t)
{
	return t == SAKER_EVT_SOCKET || t == SAKER_EVT_ACCEPT || t == SAKER_EVT_ACCEPT4;
}

/*
 * The name an event gives the fd it creates when there is no table entry
 * (Falco's "name from creator"): the resolved path of an open, the tuple of
 * a connect or accept; "" for other fd events.  raw selects the path as
 * passed.  Returns false when out of arena memory.
 */
static bool creator_name(EvalCtx *ctx, bool raw, const char **ret)
{
	const SkEvent *e = ctx->evt;
	const char *s = NULL;
	int idx;

	*ret = "";
	if (is_open_creator(e->type)) {
		idx = field_param_idx(e, "name");
		if (raw) {
			const char *r = field_param_str(e, idx);
			char *d, *o;

			if (!r)
				return true;
			/* only duplicate separators are removed from raw names */
			if (!strstr(r, "//")) {
				*ret = r; /* nothing to remove: the event's own text */
				return true;
			}
			d = eval_strndup(ctx, r, strlen(r));
			if (!d)
				return false;
			for (o = d, r = d; *r; r++)
				if (!(*r == '/' && o > d && o[-1] == '/'))
					*o++ = *r;
			*o = 0;
			*ret = d;
			return true;
		}
		if (idx >= 0 && field_render_param(ctx, e, (unsigned)idx, &s, NULL) == -ENOBUFS)
			return false;
	} else if (e->type == SAKER_EVT_CONNECT || e->type == SAKER_EVT_ACCEPT ||
		   e->type == SAKER_EVT_ACCEPT4) {
		int r = -ENOENT;

		idx = field_param_idx(e, "tuple");
		if (idx >= 0 && e->params[idx].data)
			r = field_render_tuple(ctx, e->params[idx].data, e->params[idx].len, &s);
		if (r == -ENOENT && (idx = field_param_idx(e, "addr")) >= 0 && e->params[idx].data)
			r = field_render_sockaddr(ctx, e->params[idx].data, e->params[idx].len, &s);
		if (r == -ENOBUFS)
			return false;
	}
	if (s)
		*ret = s;
	return true;
}

/* True when fd.name should come from the event instead of the table. */
static bool name_from_event(const EvalCtx *ctx, const FdCtx *c)
{
	int64_t res;

	if (!c->f)
		return true;
	return ctx->evt->type == SAKER_EVT_CONNECT && field_evt_res(ctx->evt, &res) && res < 0;
}

/* Falco's directory of a file name: "/etc" for "/etc/passwd", "/" for "/x". */
static int push_dirname(EvalCtx *ctx, FieldValues *out, const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t len = strlen(name);
	char *d;

	if (!slash || slash == name)
		return fv_str(out, "/");
	if ((size_t)(slash - name) == len - 1)
		return fv_str(out, name); /* a trailing slash: kept whole */
	d = eval_strndup(ctx, name, (size_t)(slash - name));
	return d ? fv_str(out, d) : -ENOBUFS;
}

static int x_fd_num(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.has_num)
		return 0;
	return fv_num(out, c.num);
}

static int x_fd_type(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	return fv_str(out, fdinfo_type_name(c.f->type));
}

static int x_fd_typechar(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	/* one-letter strings with static storage: values outlive the call */
	static const char *const strs[] = { "f", "d", "4", "6", "u", "n", "p", "e", "s",
					    "l", "i", "t", "m", "b", "r", "P", "o" };
	size_t i;
	char ch;
	FdCtx c;

	if (!fd_get(ctx, &c))
		return 0;
	if (c.f)
		ch = field_fd_typechar(c.f);
	else if (is_open_creator(ctx->evt->type))
		ch = 'f';
	else if (is_socket_creator(ctx->evt->type))
		ch = '4'; /* as Falco: the family is unknown without the fd */
	else if (ctx->evt->type == SAKER_EVT_PIPE || ctx->evt->type == SAKER_EVT_PIPE2)
		ch = 'p';
	else
		ch = 'o';
	for (i = 0; i < ELEMENTSOF(strs); i++)
		if (strs[i][0] == ch)
			return fv_strn(out, strs[i], 1);
	return fv_strn(out, "o", 1);
}

static int x_fd_name(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *s;
	FdCtx c;

	if (!fd_get(ctx, &c))
		return 0;
	if (name_from_event(ctx, &c)) {
		if (!creator_name(ctx, false, &s))
			return -ENOBUFS;
		return fv_str(out, s);
	}
	return fv_str(out, c.f->name);
}

static int x_fd_nameraw(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *s;
	FdCtx c;

	if (!fd_get(ctx, &c))
		return 0;
	/* the table keeps resolved names only: the creating event has the raw one */
	if (c.f && !is_open_creator(ctx->evt->type))
		return fv_str(out, c.f->name);
	if (!creator_name(ctx, true, &s))
		return -ENOBUFS;
	if (!s[0] && c.f)
		s = c.f->name;
	return fv_str(out, s);
}

static int x_fd_directory(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *s;
	FdCtx c;

	if (!fd_get(ctx, &c))
		return 0;
	if (!c.f) {
		if (!is_open_creator(ctx->evt->type))
			return 0;
		if (!creator_name(ctx, false, &s))
			return -ENOBUFS;
		return push_dirname(ctx, out, s);
	}
	if (c.f->type == FD_DIRECTORY)
		return fv_str(out, c.f->name);
	if (c.f->type != FD_FILE || !c.f->name)
		return 0;
	return push_dirname(ctx, out, c.f->name);
}

static int x_fd_filename(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *slash;
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f || c.f->type != FD_FILE || !c.f->name)
		return 0;
	slash = strrchr(c.f->name, '/');
	if (!slash)
		return fv_str(out, "/");
	if (slash[1] == 0)
		return fv_str(out, c.f->name);
	return fv_str(out, slash + 1);
}

/* ---- sockets ---- */

static bool is_ip(const FdInfo *f)
{
	return f && (f->type == FD_IPV4_SOCK || f->type == FD_IPV6_SOCK);
}

static bool all_zero(const uint8_t *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

/* No tuple at all yet (a socket nothing was done with). */
static bool role_none(const FdInfo *f)
{
	return all_zero(f->saddr, 16) && all_zero(f->daddr, 16) && f->sport == 0 &&
	       f->dport == 0;
}

/* A bound or listening socket: only the server side is known. */
static bool is_listening(const FdInfo *f)
{
	return !f->connected && f->sport == 0 && all_zero(f->saddr, 16) && !role_none(f);
}

static int push_addr(FieldValues *out, FieldType t, const FdInfo *f, const uint8_t *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (f->type == FD_IPV4_SOCK)
		return fv_ip(out, t, 4, a);
	if (memcmp(a, mapped, 12) == 0)
		return fv_ip(out, t, 4, a + 12);
	return fv_ip(out, t, 6, a);
}

enum { SIDE_CLIENT, SIDE_SERVER, SIDE_LOCAL, SIDE_REMOTE, SIDE_ANY };

/* The side's address (ret_addr) and port; false when the fd has no such side. */
static bool sock_side(const FdInfo *f, int side, const uint8_t **ret_addr, uint16_t *ret_port)
{
	bool listening;

	if (!is_ip(f) || role_none(f))
		return false;
	listening = is_listening(f);
	if (side == SIDE_LOCAL || side == SIDE_REMOTE) {
		if (listening)
			return false;
		side = (side == SIDE_LOCAL) == f->is_server ? SIDE_SERVER : SIDE_CLIENT;
	}
	if (side == SIDE_CLIENT) {
		if (listening)
			return false;
		*ret_addr = f->saddr;
		*ret_port = f->sport;
	} else {
		*ret_addr = f->daddr;
		*ret_port = f->dport;
	}
	return true;
}

static int ip_field(EvalCtx *ctx, FieldValues *out, int side, FieldType t)
{
	const uint8_t *a;
	uint16_t port;
	FdCtx c;
	int r;

	if (!fd_get(ctx, &c) || !is_ip(c.f))
		return 0;
	if (side == SIDE_ANY) {
		/* either end: a listening socket has only the server's */
		if (!is_listening(c.f)) {
			r = push_addr(out, t, c.f, c.f->saddr);
			if (r < 0)
				return r;
		}
		return push_addr(out, t, c.f, c.f->daddr);
	}
	if (!sock_side(c.f, side, &a, &port))
		return 0;
	return push_addr(out, t, c.f, a);
}

static int port_field(EvalCtx *ctx, FieldValues *out, int side, bool as_text)
{
	const uint8_t *a;
	uint16_t port;
	FdCtx c;
	int r;

	if (!fd_get(ctx, &c) || !is_ip(c.f))
		return 0;
	if (side == SIDE_ANY) {
		if (!is_listening(c.f)) {
			r = fv_unum_t(out, FT_PORT, c.f->sport);
			if (r < 0)
				return r;
		}
		return fv_unum_t(out, FT_PORT, c.f->dport);
	}
	if (!sock_side(c.f, side, &a, &port))
		return 0;
	if (as_text) {
		const char *s = eval_printf(ctx, "%u", port);

		return s ? fv_str(out, s) : -ENOBUFS;
	}
	return fv_unum_t(out, FT_PORT, port);
}

#define SIDE_FIELD(fn, call)                                                        \
	static int fn(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)          \
	{                                                                           \
		return call;                                                        \
	}
SIDE_FIELD(x_fd_ip, ip_field(ctx, out, SIDE_ANY, FT_IPADDR))
SIDE_FIELD(x_fd_cip, ip_field(ctx, out, SIDE_CLIENT, FT_IPADDR))
SIDE_FIELD(x_fd_sip, ip_field(ctx, out, SIDE_SERVER, FT_IPADDR))
SIDE_FIELD(x_fd_lip, ip_field(ctx, out, SIDE_LOCAL, FT_IPADDR))
SIDE_FIELD(x_fd_rip, ip_field(ctx, out, SIDE_REMOTE, FT_IPADDR))
SIDE_FIELD(x_fd_net, ip_field(ctx, out, SIDE_ANY, FT_IPNET))
SIDE_FIELD(x_fd_cnet, ip_field(ctx, out, SIDE_CLIENT, FT_IPNET))
SIDE_FIELD(x_fd_snet, ip_field(ctx, out, SIDE_SERVER, FT_IPNET))
SIDE_FIELD(x_fd_lnet, ip_field(ctx, out, SIDE_LOCAL, FT_IPNET))
SIDE_FIELD(x_fd_rnet, ip_field(ctx, out, SIDE_REMOTE, FT_IPNET))
SIDE_FIELD(x_fd_port, port_field(ctx, out, SIDE_ANY, false))
SIDE_FIELD(x_fd_cport, port_field(ctx, out, SIDE_CLIENT, false))
SIDE_FIELD(x_fd_sport, port_field(ctx, out, SIDE_SERVER, false))
SIDE_FIELD(x_fd_lport, port_field(ctx, out, SIDE_LOCAL, false))
SIDE_FIELD(x_fd_rport, port_field(ctx, out, SIDE_REMOTE, false))
SIDE_FIELD(x_fd_cproto, port_field(ctx, out, SIDE_CLIENT, true))
SIDE_FIELD(x_fd_sproto, port_field(ctx, out, SIDE_SERVER, true))
SIDE_FIELD(x_fd_lproto, port_field(ctx, out, SIDE_LOCAL, true))
SIDE_FIELD(x_fd_rproto, port_field(ctx, out, SIDE_REMOTE, true))

/* The resolver's hook (field-ext.h): one of the two forms, or none. */
static field_dns_names_fn dns_names;
static void *dns_userdata;

struct FieldDnsNames {
	EvalCtx *ctx;
	FieldValues *out;
};

void field_set_dns_names(field_dns_names_fn fn, void *userdata)
{
	dns_names = fn;
	dns_userdata = fn ? userdata : NULL;
}

int field_dns_names_add(FieldDnsNames *names, const char *name, size_t len)
{
	FieldValues *out = names->out;
	size_t i, j;
	char *copy;

	for (i = 0; i < out->n; i++) {
		int c = memcmp(out->v[i].str, name, MIN(out->v[i].len, len));

		if (c == 0 && out->v[i].len == len)
			return 0;
		if (c > 0 || (c == 0 && out->v[i].len > len))
			break;
	}
	if (out->n >= FIELD_MAX_VALUES)
		return -ENOBUFS;
	copy = eval_strndup(names->ctx, name, len);
	if (!copy)
		return -ENOBUFS;
	for (j = out->n; j > i; j--)
		out->v[j] = out->v[j - 1];
	out->n++;
	memset(&out->v[i], 0, sizeof(out->v[i]));
	out->v[i].type = FT_STRING;
	out->v[i].str = copy;
	out->v[i].len = len;
	return 0;
}

static int dns_field(EvalCtx *ctx, FieldValues *out, int side)
{
	FieldDnsNames names = { .ctx = ctx, .out = out };
	FieldValues tmp;

	if (!dns_names)
		return 0;
	tmp.n = 0;
	if (ip_field(ctx, &tmp, side, FT_IPADDR) < 0 || tmp.n == 0)
		return 0;
	/* names past the limits are left out: the field keeps those it has */
	dns_names(dns_userdata, &tmp.v[0].ip, ctx->evt->ts + ctx->boot_to_realtime_ns, &names);
	return 0;
}

SIDE_FIELD(x_fd_cip_name, dns_field(ctx, out, SIDE_CLIENT))
SIDE_FIELD(x_fd_sip_name, dns_field(ctx, out, SIDE_SERVER))
SIDE_FIELD(x_fd_lip_name, dns_field(ctx, out, SIDE_LOCAL))
SIDE_FIELD(x_fd_rip_name, dns_field(ctx, out, SIDE_REMOTE))

static int x_fd_l4proto(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *s = "<NA>";
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	if (is_ip(c.f)) {
		switch (c.f->l4proto) {
		case 6:
			s = "tcp";
			break;
		case 17:
			s = "udp";
			break;
		case 1:
		case 58:
			s = "icmp";
			break;
		case 255:
			s = "raw";
			break;
		}
	}
	/* a non-IP fd has the text "<NA>", as in Falco, so "fd.l4proto != tcp" holds */
	return fv_str(out, s);
}

static int x_fd_sockfamily(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	if (is_ip(c.f))
		return fv_str(out, "ip");
	if (c.f->type == FD_UNIX_SOCK)
		return fv_str(out, "unix");
	return 0;
}

static int x_fd_is_server(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	if (is_ip(c.f))
		return fv_bool(out, c.f->is_server || is_listening(c.f));
	return fv_bool(out, c.f->type == FD_UNIX_SOCK && c.f->is_server);
}

static int x_fd_connected(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	return fv_bool(out, c.f->connected);
}

/*
 * Falco sets this when a datagram call on an unconnected socket gives it a
 * new peer; the updater keeps no "changed" mark, so: a send/receive with an
 * address on an unconnected socket.
 */
static int x_fd_name_changed(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	uint16_t t = ctx->evt->type;
	bool changed = false;
	FdCtx c;
	int idx;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	if (t == SAKER_EVT_SENDTO || t == SAKER_EVT_RECVFROM || t == SAKER_EVT_SENDMSG ||
	    t == SAKER_EVT_RECVMSG) {
		idx = field_param_idx(ctx->evt, "addr");
		changed = !c.f->connected && idx >= 0 && ctx->evt->params[idx].len > 2;
	}
	return fv_bool(out, changed);
}

static int x_fd_uid(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const char *s;
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.has_num)
		return 0;
	s = eval_printf(ctx, "%" PRId64 "%" PRId64, ctx->proc->tid, c.num);
	return s ? fv_str(out, s) : -ENOBUFS;
}

/* container.id ("host" outside containers) ":" text */
static int with_container(EvalCtx *ctx, FieldValues *out, const FieldValues *v)
{
	const Container *ct;
	const char *s;

	if (v->n == 0 || !ctx->proc)
		return 0;
	ct = ctx->proc->container;
	s = eval_printf(ctx, "%s:%s", ct && ct->id ? ct->id : "host", v->v[0].str);
	return s ? fv_str(out, s) : -ENOBUFS;
}

static int x_fd_containername(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FieldValues tmp;
	int r;

	tmp.n = 0;
	r = x_fd_name(ref, ctx, &tmp);
	return r < 0 ? r : with_container(ctx, out, &tmp);
}

static int x_fd_containerdirectory(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FieldValues tmp;
	int r;

	tmp.n = 0;
	r = x_fd_directory(ref, ctx, &tmp);
	return r < 0 ? r : with_container(ctx, out, &tmp);
}

/* new_encode_dev(): minor low byte, major next 12 bits, minor's high bits above */
static int x_fd_dev(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	return fd_get(ctx, &c) && c.f ? fv_num(out, c.f->dev) : 0;
}

static int x_fd_dev_major(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	return fd_get(ctx, &c) && c.f ? fv_num(out, (c.f->dev & 0xfff00u) >> 8) : 0;
}

static int x_fd_dev_minor(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	if (!fd_get(ctx, &c) || !c.f)
		return 0;
	return fv_num(out, (c.f->dev & 0xffu) | ((c.f->dev >> 12) & 0xfff00u));
}

static int x_fd_ino(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	FdCtx c;

	return fd_get(ctx, &c) && c.f ? fv_num(out, (int64_t)c.f->ino) : 0;
}

/* fd.types[N]: the type of fd N; fd.types: every distinct type the process has open. */
static int x_fd_types(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	bool seen[_FD_TYPE_MAX] = { false };
	size_t iter = 0;
	FdInfo *f;
	int r;

	if (!ctx->proc || !ctx->proc->fds)
		return 0;
	if (ref->has_arg) {
		f = field_proc_fd(ctx->proc, ref->arg_index);
		return f ? fv_str(out, fdinfo_type_name(f->type)) : 0;
	}
	while (fdtable_next(ctx->proc->fds, &iter, &f)) {
		unsigned t = (unsigned)f->type < _FD_TYPE_MAX ? (unsigned)f->type : FD_UNKNOWN;

		if (seen[t])
			continue;
		seen[t] = true;
		r = fv_str(out, fdinfo_type_name(f->type));
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- fs.path ---- */

enum { OK_RES_ZERO, OK_RES_NONNEG };

static const struct {
	uint16_t type;
	uint8_t ok;
	const char *name, *source, *target; /* parameter names; "#fd" is the fd's name */
} fspath[] = {
	{ SAKER_EVT_MKDIR, OK_RES_ZERO, "path", NULL, NULL },
	{ SAKER_EVT_MKDIRAT, OK_RES_ZERO, "path", NULL, NULL },
	{ SAKER_EVT_RMDIR, OK_RES_ZERO, "path", NULL, NULL },
	{ SAKER_EVT_UNLINK, OK_RES_ZERO, "path", NULL, NULL },
	{ SAKER_EVT_UNLINKAT, OK_RES_ZERO, "name", NULL, NULL },
	{ SAKER_EVT_OPEN, OK_RES_NONNEG, "name", NULL, NULL },
	{ SAKER_EVT_OPENAT, OK_RES_NONNEG, "name", NULL, NULL },
	{ SAKER_EVT_OPENAT2, OK_RES_NONNEG, "name", NULL, NULL },
	{ SAKER_EVT_CHMOD, OK_RES_ZERO, "filename", NULL, NULL },
	{ SAKER_EVT_FCHMODAT, OK_RES_ZERO, "filename", NULL, NULL },
	{ SAKER_EVT_FCHMOD, OK_RES_ZERO, "#fd", NULL, NULL },
	{ SAKER_EVT_CHOWN, OK_RES_ZERO, "path", NULL, NULL },
	{ SAKER_EVT_LCHOWN, OK_RES_ZERO, "path", NULL, NULL },
	{ SAKER_EVT_FCHOWN, OK_RES_ZERO, "#fd", NULL, NULL },
	{ SAKER_EVT_FCHOWNAT, OK_RES_ZERO, "pathname", NULL, NULL },
	{ SAKER_EVT_UMOUNT2, OK_RES_ZERO, "name", NULL, NULL },
	{ SAKER_EVT_RENAME, OK_RES_ZERO, NULL, "oldpath", "newpath" },
	{ SAKER_EVT_RENAMEAT, OK_RES_ZERO, NULL, "oldpath", "newpath" },
	{ SAKER_EVT_RENAMEAT2, OK_RES_ZERO, NULL, "oldpath", "newpath" },
	{ SAKER_EVT_LINK, OK_RES_ZERO, NULL, "newpath", "oldpath" },
	{ SAKER_EVT_LINKAT, OK_RES_ZERO, NULL, "newpath", "oldpath" },
	{ SAKER_EVT_SYMLINK, OK_RES_ZERO, NULL, "linkpath", "target" },
	{ SAKER_EVT_SYMLINKAT, OK_RES_ZERO, NULL, "linkpath", "target" },
	{ SAKER_EVT_MOUNT, OK_RES_ZERO, NULL, "dev", "dir" },
};

enum { FSP_NAME, FSP_SOURCE, FSP_TARGET };

/*
 * Falco's rule: absolute paths as passed, relative ones made absolute (with
 * the kernel's resolution or the cwd); raw gives the path as passed.
 */
static int fspath_field(EvalCtx *ctx, FieldValues *out, int which, bool raw)
{
	const SkEvent *e = ctx->evt;
	const char *pname = NULL, *s;
	int64_t res;
	size_t i;
	int idx;

	for (i = 0; i < ELEMENTSOF(fspath); i++)
		if (fspath[i].type == e->type)
			break;
	if (i == ELEMENTSOF(fspath) || !field_evt_res(e, &res))
		return 0;
	if (fspath[i].ok == OK_RES_ZERO ? res != 0 : res < 0)
		return 0;
	pname = which == FSP_NAME ? fspath[i].name :
		which == FSP_SOURCE ? fspath[i].source : fspath[i].target;
	if (!pname)
		return 0;
	if (strcmp(pname, "#fd") == 0) {
		int64_t fd;
		const FdInfo *f;

		if (!field_param_s64(e, field_param_idx(e, "fd"), &fd))
			return 0;
		f = ctx->fd && ctx->fd->fd == fd ? ctx->fd : field_proc_fd(ctx->proc, fd);
		return f && f->name ? fv_str(out, f->name) : 0;
	}
	idx = field_param_idx(e, pname);
	s = field_param_str(e, idx);
	if (!s)
		return 0;
	if (raw || s[0] == '/')
		return fv_str(out, s);
	if (field_render_param(ctx, e, (unsigned)idx, &s, NULL) < 0)
		return 0;
	return fv_str(out, s);
}

SIDE_FIELD(x_fs_path_name, fspath_field(ctx, out, FSP_NAME, false))
SIDE_FIELD(x_fs_path_nameraw, fspath_field(ctx, out, FSP_NAME, true))
SIDE_FIELD(x_fs_path_source, fspath_field(ctx, out, FSP_SOURCE, false))
SIDE_FIELD(x_fs_path_sourceraw, fspath_field(ctx, out, FSP_SOURCE, true))
SIDE_FIELD(x_fs_path_target, fspath_field(ctx, out, FSP_TARGET, false))
SIDE_FIELD(x_fs_path_targetraw, fspath_field(ctx, out, FSP_TARGET, true))

/* ---- the table ---- */

const FieldDef field_defs_fd[] = {
	{ "fd.num", FT_NUMBER, 0,
	  "The number of the file descriptor; -1 when the call that would have created it "
	  "failed.", x_fd_num, NULL },
	{ "fd.type", FT_STRING, 0,
	  "The kind of fd: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, "
	  "eventpoll, inotify, timerfd, netlink, memfd, bpf, userfaultfd, io_uring, pidfd...",
	  x_fd_type, NULL },
	{ "fd.typechar", FT_STRING, 0,
	  "The kind of fd as one character: f file, d directory, 4 IPv4 socket, 6 IPv6 "
	  "socket, u unix socket, p pipe, e eventfd, s signalfd, l eventpoll, i inotify, t "
	  "timerfd, n netlink, m memfd, b bpf, r io_uring, o other.", x_fd_typechar, NULL },
	{ "fd.name", FT_STRING, 0,
	  "The full name of the fd: the absolute path of a file, the connection "
	  "\"client:port->server:port\" of a socket, the path of a unix socket.", x_fd_name,
	  NULL },
	{ "fd.nameraw", FT_STRING, 0,
	  "For files, the path as the program passed it (not made absolute); for other fds "
	  "the same as fd.name.", x_fd_nameraw, NULL },
	{ "fd.directory", FT_STRING, 0,
	  "For a file, the directory that contains it; for a directory, its path.",
	  x_fd_directory, NULL },
	{ "fd.filename", FT_STRING, 0, "For a file, its name without the directory.",
	  x_fd_filename, NULL },
	{ "fd.ip", FT_IPADDR, FF_MULTI,
	  "Either IP address of the connection (client or server): matches when one of them "
	  "does.", x_fd_ip, NULL },
	{ "fd.cip", FT_IPADDR, 0, "The client's IP address.", x_fd_cip, NULL },
	{ "fd.sip", FT_IPADDR, 0, "The server's IP address.", x_fd_sip, NULL },
	{ "fd.lip", FT_IPADDR, 0, "The local IP address.", x_fd_lip, NULL },
	{ "fd.rip", FT_IPADDR, 0, "The remote IP address.", x_fd_rip, NULL },
	{ "fd.port", FT_PORT, FF_MULTI,
	  "Either port of the connection (client or server): matches when one of them does.",
	  x_fd_port, NULL },
	{ "fd.cport", FT_PORT, 0, "The client's TCP or UDP port.", x_fd_cport, NULL },
	{ "fd.sport", FT_PORT, 0, "The server's TCP or UDP port.", x_fd_sport, NULL },
	{ "fd.lport", FT_PORT, 0, "The local TCP or UDP port.", x_fd_lport, NULL },
	{ "fd.rport", FT_PORT, 0, "The remote TCP or UDP port.", x_fd_rport, NULL },
	{ "fd.proto", FT_PORT, FF_MULTI,
	  "Either port of the connection, like fd.port.", x_fd_port, NULL },
	{ "fd.cproto", FT_STRING, 0, "The client's port as text.", x_fd_cproto, NULL },
	{ "fd.sproto", FT_STRING, 0, "The server's port as text.", x_fd_sproto, NULL },
	{ "fd.lproto", FT_STRING, 0, "The local port as text.", x_fd_lproto, NULL },
	{ "fd.rproto", FT_STRING, 0, "The remote port as text.", x_fd_rproto, NULL },
	{ "fd.net", FT_IPNET, FF_MULTI,
	  "Either IP address of the connection, for comparison with a network "
	  "(fd.net = 10.0.0.0/8).", x_fd_net, NULL },
	{ "fd.cnet", FT_IPNET, 0, "The client's IP address, for comparison with a network.",
	  x_fd_cnet, NULL },
	{ "fd.snet", FT_IPNET, 0, "The server's IP address, for comparison with a network.",
	  x_fd_snet, NULL },
	{ "fd.lnet", FT_IPNET, 0, "The local IP address, for comparison with a network.",
	  x_fd_lnet, NULL },
	{ "fd.rnet", FT_IPNET, 0, "The remote IP address, for comparison with a network.",
	  x_fd_rnet, NULL },
	{ "fd.l4proto", FT_STRING, 0,
	  "The IP protocol of a socket: tcp, udp, icmp or raw ('<NA>' for other fds).",
	  x_fd_l4proto, NULL },
	{ "fd.sockfamily", FT_STRING, 0, "The family of a socket: ip or unix.",
	  x_fd_sockfamily, NULL },
	{ "fd.is_server", FT_BOOL, 0,
	  "Whether the process is the server end of the connection (it accepted it or "
	  "listens).", x_fd_is_server, NULL },
	{ "fd.connected", FT_BOOL, 0, "Whether the socket is connected.", x_fd_connected,
	  NULL },
	{ "fd.name_changed", FT_BOOL, 0,
	  "Whether this event gave the fd a new name: a datagram sent or received with an "
	  "address on an unconnected socket.", x_fd_name_changed, NULL },
	{ "fd.uid", FT_STRING, 0,
	  "An identifier of the fd: the thread id followed by the fd number.", x_fd_uid, NULL },
	{ "fd.containername", FT_STRING, 0,
	  "The container id and the fd name joined with ':' (host:/etc/passwd).",
	  x_fd_containername, NULL },
	{ "fd.containerdirectory", FT_STRING, 0,
	  "The container id and the fd directory joined with ':'.", x_fd_containerdirectory,
	  NULL },
	{ "fd.cip.name", FT_STRING, FF_MULTI,
	  "The domain names a rule watches that resolve to the client's IP address "
	  "(several for a shared address), lower-case.",
	  x_fd_cip_name, NULL },
	{ "fd.sip.name", FT_STRING, FF_MULTI,
	  "The domain names a rule watches that resolve to the server's IP address "
	  "(several for a shared address), lower-case.",
	  x_fd_sip_name, NULL },
	{ "fd.lip.name", FT_STRING, FF_MULTI,
	  "The domain names a rule watches that resolve to the local IP address "
	  "(several for a shared address), lower-case.",
	  x_fd_lip_name, NULL },
	{ "fd.rip.name", FT_STRING, FF_MULTI,
	  "The domain names a rule watches that resolve to the remote IP address "
	  "(several for a shared address), lower-case.",
	  x_fd_rip_name, NULL },
	{ "fd.dev", FT_NUMBER, 0, "The device number of the file system holding the file.",
	  x_fd_dev, NULL },
	{ "fd.dev.major", FT_NUMBER, 0, "The major part of fd.dev.", x_fd_dev_major, NULL },
	{ "fd.dev.minor", FT_NUMBER, 0, "The minor part of fd.dev.", x_fd_dev_minor, NULL },
	{ "fd.ino", FT_NUMBER, 0, "The inode number of the file.", x_fd_ino, NULL },
	{ "fd.types", FT_STRING, FF_ARG_ALLOWED | FF_ARG_INDEX | FF_MULTI | FF_LIST,
	  "The kinds of fds the process has open; fd.types[N] is the kind of fd N "
	  "(fd.types[0] for standard input).", x_fd_types, NULL },
	{ "fs.path.name", FT_STRING, 0,
	  "The path a file system call (open, mkdir, unlink, chmod, chown, umount...) "
	  "operated on, made absolute when it was relative.", x_fs_path_name, NULL },
	{ "fs.path.nameraw", FT_STRING, 0, "The path of fs.path.name as the program passed it.",
	  x_fs_path_nameraw, NULL },
	{ "fs.path.source", FT_STRING, 0,
	  "The source path of a call with two paths (rename, link, symlink, mount), made "
	  "absolute.", x_fs_path_source, NULL },
	{ "fs.path.sourceraw", FT_STRING, 0, "The source path as the program passed it.",
	  x_fs_path_sourceraw, NULL },
	{ "fs.path.target", FT_STRING, 0,
	  "The target path of a call with two paths (rename, link, symlink, mount), made "
	  "absolute.", x_fs_path_target, NULL },
	{ "fs.path.targetraw", FT_STRING, 0, "The target path as the program passed it.",
	  x_fs_path_targetraw, NULL },
};

const size_t field_defs_fd_n = ELEMENTSOF(field_defs_fd);
