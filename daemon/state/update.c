// SPDX-License-Identifier: MIT
/*
 * Applies decoded events to the State, following what Falco's parser does so
 * that proc.*, fd.* and container.* fields mean the same: a clone creates
 * the child from a copy of its parent (fds shared with CLONE_FILES, copied
 * otherwise), an exec replaces the image and drops close-on-exec fds, fds
 * get Falco's names (absolute paths, "cip:cport->sip:sport" tuples, unix
 * "src->dst path").  Everything arriving here may be forged or truncated by
 * the traced program, so parameters are optional and bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/strbuf.h"
#include "event/sockaddr.h"
#include "state/update.h"

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001u
#endif
#define FSOPEN_CLOEXEC_FLAG 0x1u      /* FSOPEN_CLOEXEC */
#define FSMOUNT_CLOEXEC_FLAG 0x1u     /* FSMOUNT_CLOEXEC */
#define PERF_FLAG_FD_CLOEXEC_FLAG 0x8u /* PERF_FLAG_FD_CLOEXEC */

/* ---- parameter lookup by name, resolved once per event type ---- */

#define PNAMES(X)                                                                              \
	X(res) X(fd) X(fd1) X(fd2) X(dirfd) X(name) X(name_abs) X(flags) X(dev) X(ino)         \
	X(oldfd) X(newfd) X(cmd) X(arg) X(domain) X(type) X(proto) X(addr) X(tuple)            \
	X(listen_fd) X(filename) X(filename_abs) X(pathname) X(pathname_abs) X(exe) X(args)    \
	X(env) X(cwd) X(exepath) X(exe_flags) X(exe_ino) X(exe_dev) X(child_tid) X(child_pid) \
	X(comm) X(uid) X(gid) X(euid) X(egid) X(suid) X(sgid) X(loginuid)                      \
	X(cap_inheritable) X(cap_permitted) X(cap_effective) X(cgroup_id) X(cgroups) X(pidns) \
	X(netns) X(userns) X(mntns) X(tty) X(sid) X(pgid) X(vtid) X(vpid) X(ptid) X(fsname)    \
	X(fs_fd)

enum {
#define PN_ENUM(n) PN_##n,
	PNAMES(PN_ENUM)
#undef PN_ENUM
	_PN_MAX
};

static const char *const pn_names[_PN_MAX] = {
#define PN_NAME(n) #n,
	PNAMES(PN_NAME)
#undef PN_NAME
};

static int8_t pidx_table[SAKER_EVT_MAX][_PN_MAX];
static bool pidx_ready;

static void pidx_init(void)
{
	unsigned t, n;

	if (pidx_ready)
		return;
	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *info = event_info_get(t);

		for (n = 0; n < _PN_MAX; n++)
			pidx_table[t][n] = (int8_t)event_param_index(info, pn_names[n]);
	}
	pidx_ready = true;
}

static int pidx(const SkEvent *e, unsigned pn)
{
	return e->type < SAKER_EVT_MAX ? pidx_table[e->type][pn] : -1;
}

static bool get_s64(const SkEvent *e, unsigned pn, int64_t *ret)
{
	int i = pidx(e, pn);

	return i >= 0 && sk_event_get_s64(e, (unsigned)i, ret) == 0;
}

static bool get_u64(const SkEvent *e, unsigned pn, uint64_t *ret)
{
	int i = pidx(e, pn);

	return i >= 0 && sk_event_get_u64(e, (unsigned)i, ret) == 0;
}

static bool get_u32(const SkEvent *e, unsigned pn, uint32_t *ret)
{
	uint64_t v;

	if (!get_u64(e, pn, &v))
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* A string parameter, NULL when absent or faulted. */
static const char *get_str(const SkEvent *e, unsigned pn)
{
	const char *s;
	int i = pidx(e, pn);

	if (i < 0 || sk_event_get_str(e, (unsigned)i, &s) < 0)
		return NULL;
	return s;
}

static const SkParam *get_raw(const SkEvent *e, unsigned pn)
{
	int i = pidx(e, pn);

	if (i < 0 || (unsigned)i >= e->nparams || !e->params[i].data)
		return NULL;
	return &e->params[i];
}

/* ---- paths ---- */

typedef struct PathBuf {
	char *out;
	size_t size, len;
	bool abs, overflow;
} PathBuf;

static void pb_append(PathBuf *pb, const char *c, size_t n)
{
	size_t need = n + ((pb->abs || pb->len > 0) ? 1 : 0);

	if (pb->overflow || pb->len + need + 1 > pb->size) {
		pb->overflow = true;
		return;
	}
	if (pb->abs || pb->len > 0)
		pb->out[pb->len++] = '/';
	memcpy(pb->out + pb->len, c, n);
	pb->len += n;
}

static void pb_push(PathBuf *pb, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		size_t i = pb->len;

		while (i > 0 && pb->out[i - 1] != '/')
			i--;
		if (pb->len > 0 && !(pb->len - i == 2 && pb->out[i] == '.' && pb->out[i + 1] == '.')) {
			pb->len = i > 0 ? i - 1 : 0;
			return;
		}
		if (pb->abs)
			return; /* "/.." is "/" */
	}
	pb_append(pb, c, n);
}

static void pb_push_all(PathBuf *pb, const char *s)
{
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		pb_push(pb, s, n);
		s += n;
		if (*s == '/')
			s++;
	}
}

int state_path_join(const char *base, const char *path, char *out, size_t size)
{
	PathBuf pb = { .out = out, .size = size };

	if (size == 0)
		return -E2BIG;
	if (path[0] == '/' || !base) {
		pb.abs = path[0] == '/';
	} else {
		pb.abs = base[0] == '/';
		pb_push_all(&pb, base);
	}
	pb_push_all(&pb, path);
	if (pb.abs && pb.len == 0)
		out[pb.len++] = '/';
	else if (!pb.abs && pb.len == 0 && size > 1)
		out[pb.len++] = '.';
	out[MIN(pb.len, size - 1)] = 0;
	return pb.overflow ? -E2BIG : (int)pb.len;
}

/* ---- fds ---- */

/* Insert f into p's table; f is consumed.  *ret = f, or NULL when not kept. */
static int fd_add(Proc *p, FdInfo *f, FdInfo **ret)
{
	int r;

	*ret = NULL;
	if (!f)
		return -ENOMEM;
	if (!p->fds) {
		fdinfo_free(f);
		return 0;
	}
	r = fdtable_put(p->fds, f);
	if (r == -ENOSPC || r == -EINVAL)
		return 0; /* counted in the table; the event still goes to the rules */
	if (r < 0)
		return r;
	*ret = f;
	return 0;
}

static int fd_new(Proc *p, int64_t fd, FdType type, uint32_t flags, const char *name,
		  FdInfo **ret)
{
	FdInfo *f;

	*ret = NULL;
	if (fd < 0)
		return 0;
	f = fdinfo_new(fd);
	if (!f)
		return -ENOMEM;
	f->type = type;
	f->flags = flags;
	if (name && fdinfo_set_name(f, name) < 0) {
		fdinfo_free(f);
		return -ENOMEM;
	}
	return fd_add(p, f, ret);
}

static FdInfo *fd_lookup(Proc *p, const SkEvent *e, unsigned pn)
{
	int64_t fd;

	if (!p || !get_s64(e, pn, &fd))
		return NULL;
	return fdtable_get(p->fds, fd);
}

static int do_open(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	char path[STATE_MAX_PATH];
	const char *abs = get_str(e, PN_name_abs), *name = get_str(e, PN_name);
	int64_t fd, dirfd = AT_FDCWD;
	uint32_t flags = 0;
	uint64_t ino = 0;
	FdInfo *f;
	int r;

	if (!get_s64(e, PN_fd, &fd) || fd < 0)
		return 0;
	if (e->type == SAKER_EVT_CREAT)
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	else
		get_u32(e, PN_flags, &flags);
	if (abs && *abs) {
		state_path_join(NULL, abs, path, sizeof(path));
	} else if (name && *name) {
		const char *base = NULL;

		get_s64(e, PN_dirfd, &dirfd);
		if (name[0] != '/') {
			if (dirfd == AT_FDCWD || pidx(e, PN_dirfd) < 0) {
				base = p->cwd;
			} else {
				FdInfo *d = fdtable_get(p->fds, dirfd);

				base = d ? d->name : NULL;
			}
		}
		state_path_join(base, name, path, sizeof(path));
	} else {
		path[0] = 0;
	}
	r = fd_new(p, fd, (flags & O_DIRECTORY) ? FD_DIRECTORY : FD_FILE, flags,
		   path[0] ? path : NULL, &f);
	if (r < 0 || !f)
		return r;
	get_u64(e, PN_ino, &ino);
	f->ino = ino;
	get_u32(e, PN_dev, &f->dev);
	ctx->fd = f;
	return 0;
}

/* Copy oldfd to newfd (dup family); cloexec as given. */
static int do_dup(Proc *p, int64_t oldfd, int64_t newfd, bool cloexec, EvalCtx *ctx)
{
	FdInfo *old = fdtable_get(p->fds, oldfd), *f;

	if (newfd < 0)
		return 0;
	if (oldfd == newfd) {
		ctx->fd = old;
		return 0;
	}
	if (!old) {
		/* newfd now refers to something we do not know */
		fdtable_remove(p->fds, newfd);
		return 0;
	}
	f = fdinfo_dup(old, newfd);
	if (!f)
		return -ENOMEM;
	if (cloexec)
		f->flags |= O_CLOEXEC;
	else
		f->flags &= ~(uint32_t)O_CLOEXEC;
	return fd_add(p, f, &ctx->fd);
}

static int do_fcntl(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	int64_t res = -1, fd, cmd = -1, arg = 0;
	FdInfo *f;

	if (!get_s64(e, PN_fd, &fd))
		return 0;
	get_s64(e, PN_res, &res);
	get_s64(e, PN_cmd, &cmd);
	get_s64(e, PN_arg, &arg);
	f = fdtable_get(p->fds, fd);
	ctx->fd = f;
	if (res < 0)
		return 0;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return do_dup(p, fd, res, cmd == F_DUPFD_CLOEXEC, ctx);
	case F_SETFD:
		if (f) {
			if (arg & FD_CLOEXEC)
				f->flags |= O_CLOEXEC;
			else
				f->flags &= ~(uint32_t)O_CLOEXEC;
		}
		return 0;
	default:
		return 0;
	}
}

static FdType sock_type_for_family(uint32_t domain)
{
	switch (domain) {
	case SAKER_AF_INET:
		return FD_IPV4_SOCK;
	case SAKER_AF_INET6:
		return FD_IPV6_SOCK;
	case SAKER_AF_UNIX:
		return FD_UNIX_SOCK;
	case SAKER_AF_NETLINK:
		return FD_NETLINK;
	case SAKER_AF_PACKET:
		return FD_PACKET;
	default:
		return FD_OTHER_SOCK;
	}
}

/* Falco's l4 protocol choice for socket(domain, type, protocol). */
static uint8_t sock_l4proto(uint32_t type, uint32_t proto)
{
	uint32_t base = type & 0xff;

	if (base == SOCK_RAW)
		return IPPROTO_RAW;
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return (uint8_t)proto;
	case IPPROTO_RAW:
		return IPPROTO_RAW;
	case 0:
		return base == SOCK_STREAM ? IPPROTO_TCP : base == SOCK_DGRAM ? IPPROTO_UDP : 0;
	default:
		return 0;
	}
}

static int do_socket(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	uint32_t domain = 0, type = 0, proto = 0;
	int64_t fd;
	FdInfo *f;
	int r;

	if (!get_s64(e, PN_fd, &fd) || fd < 0)
		return 0;
	get_u32(e, PN_domain, &domain);
	get_u32(e, PN_type, &type);
	get_u32(e, PN_proto, &proto);
	r = fd_new(p, fd, sock_type_for_family(domain), (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0, NULL,
		   &f);
	if (r < 0 || !f)
		return r;
	f->family = (uint16_t)domain;
	if (domain == SAKER_AF_INET || domain == SAKER_AF_INET6)
		f->l4proto = sock_l4proto(type, proto);
	ctx->fd = f;
	return 0;
}

static int do_socketpair(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	uint32_t domain = SAKER_AF_UNIX, type = 0;
	int64_t res = -1, fd1 = -1, fd2 = -1;
	FdInfo *a, *b;
	int r;

	get_s64(e, PN_res, &res);
	if (res < 0 || !get_s64(e, PN_fd1, &fd1) || !get_s64(e, PN_fd2, &fd2) || fd1 == fd2)
		return 0;
	get_u32(e, PN_domain, &domain);
	get_u32(e, PN_type, &type);
	r = fd_new(p, fd1, sock_type_for_family(domain), (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0,
		   NULL, &a);
	if (r < 0)
		return r;
	if (a) {
		a->family = (uint16_t)domain;
		a->connected = true;
	}
	r = fd_new(p, fd2, sock_type_for_family(domain), (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0,
		   NULL, &b);
	if (r < 0)
		return r;
	if (b) {
		b->family = (uint16_t)domain;
		b->connected = true;
	}
	ctx->fd = fdtable_get(p->fds, fd1);
	return 0;
}

static bool is_v4mapped(const uint8_t *a)
{
	static const uint8_t zero[16];
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, prefix, 12) == 0 || memcmp(a, zero, 16) == 0;
}

static int set_fd_name_tuple(FdInfo *f)
{
	char buf[2 * 64 + 16];

	fdinfo_format_tuple(f, buf, sizeof(buf));
	return fdinfo_set_name(f, buf);
}

/* Fill f from a connection tuple (client -> server, as Falco keeps it). */
static int fill_from_tuple(FdInfo *f, const SkTuple *t, bool server)
{
	f->is_server = server;
	f->connected = true;
	if (t->family == SAKER_AF_UNIX) {
		StrBuf sb = { .limit = STATE_MAX_PATH };
		int r;

		f->type = FD_UNIX_SOCK;
		f->family = SAKER_AF_UNIX;
		r = sk_tuple_format(&sb, t, false);
		if (r >= 0)
			r = fdinfo_set_name(f, strbuf_str(&sb));
		strbuf_done(&sb);
		return r == -E2BIG ? 0 : r;
	}
	memset(f->saddr, 0, sizeof(f->saddr));
	memset(f->daddr, 0, sizeof(f->daddr));
	if (t->family == SAKER_AF_INET6 && !(is_v4mapped(t->saddr) && is_v4mapped(t->daddr))) {
		f->type = FD_IPV6_SOCK;
		f->family = SAKER_AF_INET6;
		memcpy(f->saddr, t->saddr, 16);
		memcpy(f->daddr, t->daddr, 16);
	} else {
		const size_t off = t->family == SAKER_AF_INET6 ? 12 : 0;

		f->type = FD_IPV4_SOCK;
		f->family = SAKER_AF_INET;
		memcpy(f->saddr, t->saddr + off, 4);
		memcpy(f->daddr, t->daddr + off, 4);
	}
	f->sport = t->sport;
	f->dport = t->dport;
	if (t->l4proto)
		f->l4proto = t->l4proto;
	return set_fd_name_tuple(f);
}

/* One side of f from a sockaddr (s: client side, else server side). */
static void fill_side(FdInfo *f, const SkSockaddr *a, bool client_side)
{
	uint8_t *dst = client_side ? f->saddr : f->daddr;
	uint16_t *port = client_side ? &f->sport : &f->dport;

	memset(dst, 0, 16);
	if (a->family == SAKER_AF_INET6 && !is_v4mapped(a->addr)) {
		f->type = FD_IPV6_SOCK;
		f->family = SAKER_AF_INET6;
		memcpy(dst, a->addr, 16);
	} else if (a->family == SAKER_AF_INET6) {
		f->type = FD_IPV4_SOCK;
		f->family = SAKER_AF_INET;
		memcpy(dst, a->addr + 12, 4);
	} else {
		f->type = FD_IPV4_SOCK;
		f->family = SAKER_AF_INET;
		memcpy(dst, a->addr, 4);
	}
	*port = a->port;
}

static bool param_tuple(const SkEvent *e, SkTuple *t)
{
	const SkParam *sp = get_raw(e, PN_tuple);

	return sp && sk_tuple_decode(sp->data, sp->len, t) == 0;
}

static bool param_sockaddr(const SkEvent *e, SkSockaddr *a)
{
	const SkParam *sp = get_raw(e, PN_addr);

	return sp && sk_sockaddr_decode(sp->data, sp->len, a) == 0;
}

static int do_connect(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	int64_t res = -1, fd;
	SkSockaddr a;
	SkTuple t;
	FdInfo *f;
	int r;

	if (!get_s64(e, PN_fd, &fd))
		return 0;
	f = fdtable_get(p->fds, fd);
	ctx->fd = f;
	get_s64(e, PN_res, &res);
	if (res < 0 && res != -EINPROGRESS)
		return 0;
	if (param_tuple(e, &t)) {
		if (!f) {
			/* the socket() was missed: learn the fd from the tuple */
			r = fd_new(p, fd, sock_type_for_family(t.family), 0, NULL, &f);
			if (r < 0 || !f)
				return r;
			ctx->fd = f;
		}
		return fill_from_tuple(f, &t, false);
	}
	if (!f || !param_sockaddr(e, &a))
		return 0;
	f->connected = true;
	if (a.family == SAKER_AF_UNIX) {
		char path[SK_UNIX_PATH_MAX + 1];

		f->type = FD_UNIX_SOCK;
		memcpy(path, a.path, a.path_len);
		path[a.path_len] = 0;
		return fdinfo_set_name(f, path);
	}
	if (a.family == SAKER_AF_INET || a.family == SAKER_AF_INET6)
		fill_side(f, &a, false);
	return 0;
}

static int do_accept(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	FdInfo *lst = fd_lookup(p, e, PN_listen_fd), *f;
	bool have_lst = lst != NULL, have;
	uint16_t lst_family = 0;
	uint8_t lst_l4proto = 0;
	FdType lst_type = FD_UNKNOWN;
	uint32_t flags = 0;
	int64_t fd;
	SkTuple t;
	int r;

	if (!get_s64(e, PN_fd, &fd) || fd < 0)
		return 0;
	/* the new fd may replace the entry lst points to (a forged record) */
	if (lst) {
		lst_type = lst->type;
		lst_family = lst->family;
		lst_l4proto = lst->l4proto;
	}
	have = param_tuple(e, &t);
	get_u32(e, PN_flags, &flags);
	r = fd_new(p, fd, have ? sock_type_for_family(t.family) : lst_type,
		   (flags & SOCK_CLOEXEC) ? O_CLOEXEC : 0, NULL, &f);
	if (r < 0 || !f)
		return r;
	ctx->fd = f;
	if (have_lst) {
		f->family = lst_family;
		f->l4proto = lst_l4proto;
	}
	if (!f->l4proto && (!have || t.family != SAKER_AF_UNIX))
		f->l4proto = IPPROTO_TCP; /* accept() only works on stream sockets */
	f->is_server = true;
	f->connected = true;
	if (have)
		return fill_from_tuple(f, &t, true);
	return 0;
}

static int do_bind(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	StrBuf sb = { .limit = STATE_MAX_PATH };
	int64_t res = -1;
	FdInfo *f = fd_lookup(p, e, PN_fd);
	SkSockaddr a;
	int r;

	ctx->fd = f;
	get_s64(e, PN_res, &res);
	if (!f || res < 0 || !param_sockaddr(e, &a))
		return 0;
	if ((a.family == SAKER_AF_INET || a.family == SAKER_AF_INET6) && a.port > 0) {
		fill_side(f, &a, false);
		f->is_server = true;
	} else if (a.family == SAKER_AF_UNIX) {
		f->type = FD_UNIX_SOCK;
	}
	r = sk_sockaddr_format(&sb, &a, false);
	if (r >= 0)
		r = fdinfo_set_name(f, strbuf_str(&sb));
	strbuf_done(&sb);
	return r == -E2BIG || r == -EINVAL ? 0 : r;
}

/*
 * sendto/recvfrom with an address on a datagram socket: the "connection" is
 * the peer of this datagram.  Connected TCP sockets keep their tuple.
 */
static int do_sendrecv(Proc *p, const SkEvent *e, EvalCtx *ctx, bool send)
{
	int64_t res = -1, fd;
	FdInfo *f;
	SkSockaddr a;
	int r;

	if (!get_s64(e, PN_fd, &fd))
		return 0;
	f = fdtable_get(p->fds, fd);
	ctx->fd = f;
	get_s64(e, PN_res, &res);
	if (res < 0 || !param_sockaddr(e, &a) ||
	    (a.family != SAKER_AF_INET && a.family != SAKER_AF_INET6))
		return 0;
	if (!f) {
		if (!send)
			return 0;
		/* as Falco: a send on an unknown fd is taken for a UDP socket */
		r = fd_new(p, fd, sock_type_for_family(a.family), 0, NULL, &f);
		if (r < 0 || !f)
			return r;
		f->l4proto = IPPROTO_UDP;
		ctx->fd = f;
	}
	if (f->type != FD_IPV4_SOCK && f->type != FD_IPV6_SOCK)
		return 0;
	if (f->l4proto == IPPROTO_TCP && f->name && *f->name)
		return 0;
	if (!f->l4proto)
		f->l4proto = IPPROTO_UDP;
	/* a bound (server) socket talks to clients; others to servers */
	fill_side(f, &a, f->is_server);
	f->connected = true;
	return set_fd_name_tuple(f);
}

static bool bpf_cmd_returns_fd(uint32_t cmd)
{
	switch (cmd) {
	case 0:	 /* BPF_MAP_CREATE */
	case 5:	 /* BPF_PROG_LOAD */
	case 7:	 /* BPF_OBJ_GET */
	case 13: /* BPF_PROG_GET_FD_BY_ID */
	case 14: /* BPF_MAP_GET_FD_BY_ID */
	case 17: /* BPF_RAW_TRACEPOINT_OPEN */
	case 18: /* BPF_BTF_LOAD */
	case 19: /* BPF_BTF_GET_FD_BY_ID */
	case 28: /* BPF_LINK_CREATE */
	case 30: /* BPF_LINK_GET_FD_BY_ID */
	case 32: /* BPF_ENABLE_STATS */
	case 33: /* BPF_ITER_CREATE */
	case 36: /* BPF_TOKEN_CREATE */
		return true;
	default:
		return false;
	}
}

/* Calls returning one new fd of a fixed kind in "res" (or "fd"). */
static int do_simple_fd(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	uint32_t flags = 0, cloexec = 0, cmd = 0;
	const char *name = NULL;
	char path[STATE_MAX_PATH];
	FdType type = FD_UNKNOWN;
	int64_t fd = -1;

	if (!get_s64(e, PN_res, &fd) && !get_s64(e, PN_fd, &fd))
		return 0;
	get_u32(e, PN_flags, &flags);
	switch (e->type) {
	case SAKER_EVT_MEMFD_CREATE:
		type = FD_MEMFD;
		name = get_str(e, PN_name); /* Falco: the name as given */
		cloexec = flags & MFD_CLOEXEC;
		break;
	case SAKER_EVT_USERFAULTFD:
		type = FD_USERFAULTFD;
		cloexec = flags & O_CLOEXEC;
		break;
	case SAKER_EVT_IO_URING_SETUP:
		type = FD_IOURING;
		cloexec = 1; /* always close-on-exec */
		break;
	case SAKER_EVT_BPF:
		get_u32(e, PN_cmd, &cmd);
		if (!bpf_cmd_returns_fd(cmd))
			return 0;
		type = FD_BPF;
		cloexec = 1;
		break;
	case SAKER_EVT_FSOPEN:
		type = FD_FSCONTEXT;
		name = get_str(e, PN_fsname);
		cloexec = flags & FSOPEN_CLOEXEC_FLAG;
		break;
	case SAKER_EVT_FSMOUNT: {
		FdInfo *src = fd_lookup(p, e, PN_fs_fd);

		type = FD_FSCONTEXT;
		name = src ? src->name : NULL;
		cloexec = flags & FSMOUNT_CLOEXEC_FLAG;
		break;
	}
	case SAKER_EVT_OPEN_TREE:
		type = FD_FSCONTEXT;
		name = get_str(e, PN_filename_abs);
		if (name && *name) {
			state_path_join(NULL, name, path, sizeof(path));
			name = path;
		}
		cloexec = flags & O_CLOEXEC;
		break;
	case SAKER_EVT_PERF_EVENT_OPEN:
		type = FD_UNKNOWN;
		name = "anon_inode:[perf_event]";
		cloexec = flags & PERF_FLAG_FD_CLOEXEC_FLAG;
		break;
	default:
		return 0;
	}
	return fd_new(p, fd, type, cloexec ? O_CLOEXEC : 0, name, &ctx->fd);
}

static int do_pipe(Proc *p, const SkEvent *e, EvalCtx *ctx)
{
	int64_t res = -1, fd1, fd2;
	uint64_t ino = 0;
	uint32_t flags = 0;
	FdInfo *a, *b;
	int r;

	get_s64(e, PN_res, &res);
	if (res < 0 || !get_s64(e, PN_fd1, &fd1) || !get_s64(e, PN_fd2, &fd2) || fd1 == fd2)
		return 0;
	get_u64(e, PN_ino, &ino);
	get_u32(e, PN_flags, &flags);
	/* Falco leaves fd.name empty for pipes made by pipe()/pipe2() */
	r = fd_new(p, fd1, FD_PIPE, (flags & O_CLOEXEC) | O_RDONLY, NULL, &a);
	if (r < 0)
		return r;
	if (a)
		a->ino = ino;
	r = fd_new(p, fd2, FD_PIPE, (flags & O_CLOEXEC) | O_WRONLY, NULL, &b);
	if (r < 0)
		return r;
	if (b)
		b->ino = ino;
	ctx->fd = fdtable_get(p->fds, fd1);
	return 0;
}

/* ---- processes ---- */

/* Task context (credentials, namespaces, cgroups...) into snap. */
static void snap_task_ctx(const SkEvent *e, const Proc *p, ProcSnapshot *snap)
{
	const char *str;
	int64_t sv;
	unsigned n;

	if (get_u32(e, PN_uid, &snap->uid))
		snap->set |= PS_UID;
	if (get_u32(e, PN_gid, &snap->gid))
		snap->set |= PS_GID;
	if (get_u32(e, PN_euid, &snap->euid))
		snap->set |= PS_EUID;
	if (get_u32(e, PN_egid, &snap->egid))
		snap->set |= PS_EGID;
	if (get_u32(e, PN_suid, &snap->suid))
		snap->set |= PS_SUID;
	if (get_u32(e, PN_sgid, &snap->sgid))
		snap->set |= PS_SGID;
	if (get_u32(e, PN_loginuid, &snap->loginuid))
		snap->set |= PS_LOGINUID;
	snap->cap_inheritable = p->cap_inheritable;
	snap->cap_permitted = p->cap_permitted;
	snap->cap_effective = p->cap_effective;
	/* every one is read: a set missing from the record keeps its value */
	n = get_u64(e, PN_cap_inheritable, &snap->cap_inheritable);
	n += get_u64(e, PN_cap_permitted, &snap->cap_permitted);
	n += get_u64(e, PN_cap_effective, &snap->cap_effective);
	if (n)
		snap->set |= PS_CAPS;
	if (get_u64(e, PN_cgroup_id, &snap->cgroup_id))
		snap->set |= PS_CGROUP_ID;
	if ((str = get_str(e, PN_cgroups))) {
		snap->cgroups = str;
		snap->set |= PS_CGROUPS;
	}
	snap->pidns = p->pidns;
	snap->netns = p->netns;
	snap->userns = p->userns;
	snap->mntns = p->mntns;
	n = get_u64(e, PN_pidns, &snap->pidns);
	n += get_u64(e, PN_netns, &snap->netns);
	n += get_u64(e, PN_userns, &snap->userns);
	n += get_u64(e, PN_mntns, &snap->mntns);
	if (n)
		snap->set |= PS_NS;
	if (get_u32(e, PN_tty, &snap->tty))
		snap->set |= PS_TTY;
	if (get_s64(e, PN_sid, &sv)) {
		snap->sid = sv;
		snap->set |= PS_SID;
	}
	if (get_s64(e, PN_pgid, &sv)) {
		snap->pgid = sv;
		snap->set |= PS_PGID;
	}
	if (get_s64(e, PN_vtid, &sv)) {
		snap->vtid = sv;
		snap->set |= PS_VTID;
	}
	if (get_s64(e, PN_vpid, &sv)) {
		snap->vpid = sv;
		snap->set |= PS_VPID;
	}
	if (get_s64(e, PN_ptid, &sv)) {
		snap->ptid = sv;
		snap->set |= PS_PTID;
	}
	if ((str = get_str(e, PN_comm))) {
		snap->comm = str;
		snap->set |= PS_COMM;
	}
}

static int apply_task_ctx(State *s, Proc *p, const SkEvent *e)
{
	ProcSnapshot snap = { 0 };

	snap_task_ctx(e, p, &snap);
	return snap.set ? state_proc_apply(s, p, &snap) : 0;
}

static bool fresh_entry(const Proc *p, int64_t pid, uint64_t ts)
{
	uint64_t d;

	if (p->dead || p->pid != pid)
		return false;
	if (!p->clone_ts)
		return p->from_proc; /* bootstrapped without a start time */
	d = p->clone_ts > ts ? p->clone_ts - ts : ts - p->clone_ts;
	return d <= STATE_CLONE_WINDOW_NS;
}

/* Create the child tid/pid as a copy of parent (fork/clone semantics). */
static int new_child(State *s, Proc *parent, int64_t tid, int64_t pid, uint64_t flags, uint64_t ts,
		     Proc **ret)
{
	bool thread = tid != pid;
	Proc *child;
	int r;

	state_remove_thread(s, tid);
	r = state_upsert_thread(s, tid, pid, &child);
	if (r < 0)
		return r;
	if (parent) {
		r = state_proc_inherit(s, child, parent);
		if (r < 0)
			goto fail;
		if (parent->fds && !((flags & CLONE_FILES) && child->fds == parent->fds)) {
			FdTable *t;

			if (flags & CLONE_FILES) {
				t = fdtable_ref(parent->fds);
			} else {
				/* fork: the child gets a copy, even a thread without CLONE_FILES */
				r = fdtable_copy(parent->fds, &t);
				if (r < 0)
					goto fail;
			}
			fdtable_unref(child->fds);
			child->fds = t;
		}
		child->ptid = thread || (flags & CLONE_PARENT) ? parent->ptid : parent->pid;
		if (parent->vtid == parent->tid && parent->vpid == parent->pid &&
		    !(flags & CLONE_NEWPID)) {
			child->vtid = tid;
			child->vpid = pid;
		}
	}
	child->clone_ts = ts;
	child->from_proc = false;
	child->clone_seen = false;
	*ret = child;
	return 0;
fail:
	state_remove_thread(s, tid);
	return r;
}

/* The caller's side of clone/fork/vfork (res = child tid), and procfork. */
static int clone_parent(State *s, const SkEvent *e, Proc *parent, int64_t child_tid,
			int64_t child_pid, uint64_t flags, const char *comm)
{
	Proc *child = state_get_thread(s, child_tid);
	int r;

	if (child_tid <= 0 || child_tid == parent->tid)
		return 0;
	if (child && fresh_entry(child, child_pid, e->ts))
		return 0; /* the child's own record came first */
	r = new_child(s, parent, child_tid, child_pid, flags, e->ts, &child);
	if (r < 0)
		return r;
	if (comm) {
		ProcSnapshot snap = { .set = PS_COMM, .comm = comm };

		r = state_proc_apply(s, child, &snap);
	}
	return r;
}

/* The child's side (res == 0): the event's thread is the child. */
static int clone_child(State *s, const SkEvent *e, uint64_t flags, EvalCtx *ctx)
{
	Proc *p = state_get_thread(s, e->tid), *src = NULL;
	int64_t pid = e->pid > 0 ? e->pid : e->tid, ptid;
	int r;

	if (!p || !fresh_entry(p, pid, e->ts)) {
		if (pid != e->tid)
			src = state_get_thread(s, pid); /* a thread: copy its process */
		else if (get_s64(e, PN_ptid, &ptid) && ptid > 0 && ptid != e->tid)
			src = state_get_thread(s, ptid);
		if (src)
			state_touch(s, src); /* keep it out of the eviction's way */
		r = new_child(s, src, e->tid, pid, flags, e->ts, &p);
		if (r < 0)
			return r;
	} else {
		state_touch(s, p);
	}
	ctx->proc = p;
	p->last_event_ts = e->ts;
	r = apply_task_ctx(s, p, e);
	if (r < 0)
		return r;
	p->clone_seen = true;
	if (!p->clone_ts)
		p->clone_ts = e->ts;
	return 0;
}

/* Other threads of p's process end on exec (the kernel kills them). */
static void kill_other_threads(State *s, Proc *p)
{
	int64_t *victims;
	size_t n = 0, i, cap = state_nthreads(s);
	Proc *q;

	victims = newa(int64_t, cap);
	if (!victims)
		return;
	for (q = s->lru_head; q && n < cap; q = q->lru_next)
		if (q->pid == p->pid && q->tid != p->tid)
			victims[n++] = q->tid;
	for (i = 0; i < n; i++)
		state_remove_thread(s, victims[i]);
	free(victims);
}

/* Strip the terminator of the last string of a STRARR parameter. */
static void strarr(const SkParam *sp, const char **ret, size_t *ret_len)
{
	size_t n = sp->len;

	if (n > 0 && sp->data[n - 1] == 0)
		n--;
	*ret = (const char *)sp->data;
	*ret_len = n;
}

static int do_exec(State *s, const SkEvent *e, Proc *p)
{
	const PendingExec *pe = state_pending_exec(s, e->tid);
	char exepath[STATE_MAX_PATH], memfd_path[STATE_MAX_PATH];
	ProcSnapshot snap = { 0 };
	const char *str, *filename;
	uint32_t memfd_flag = 0;
	const SkParam *sp;
	int64_t res;
	unsigned n;
	int r;

	if (!get_s64(e, PN_res, &res) || res != 0)
		return 0; /* a failed exec changes nothing */
	snap_task_ctx(e, p, &snap);
	filename = get_str(e, e->type == SAKER_EVT_EXECVE ? PN_filename : PN_pathname);
	if (!filename && pe)
		filename = pe->filename;

	str = get_str(e, PN_exe);
	snap.exe = str ? str : filename;
	if (snap.exe)
		snap.set |= PS_EXE;
	if ((sp = get_raw(e, PN_args)))
		strarr(sp, &snap.args, &snap.args_len);
	snap.set |= PS_ARGS;
	if ((sp = get_raw(e, PN_env)))
		strarr(sp, &snap.env, &snap.env_len);
	snap.set |= PS_ENV; /* the old environment is gone either way */
	if ((str = get_str(e, PN_cwd)) && *str) {
		snap.cwd = str;
		snap.set |= PS_CWD;
	}
	str = get_str(e, PN_exepath);
	if ((!str || !*str) && pe && pe->filename_abs && *pe->filename_abs)
		str = pe->filename_abs;
	if ((!str || !*str) && e->type == SAKER_EVT_EXECVEAT && pe &&
	    (pe->flags & AT_EMPTY_PATH) && (!pe->filename || !*pe->filename)) {
		/* fexecve(): the program is the fd itself (maybe a memfd) */
		FdInfo *f = fdtable_get(p->fds, pe->dirfd);

		if (f && f->type == FD_MEMFD) {
			/* what the kernel's d_path gives for a memfd */
			int w = snprintf(memfd_path, sizeof(memfd_path), "/memfd:%s (deleted)",
					 f->name ? f->name : "");

			str = w > 0 ? memfd_path : NULL;
			memfd_flag = SAKER_EXE_FROM_MEMFD;
		} else if (f) {
			str = f->name;
		}
	}
	if ((!str || !*str) && filename && filename[0] == '/')
		str = filename;
	if (str && *str) {
		state_path_join(NULL, str, exepath, sizeof(exepath));
		snap.exepath = exepath;
		snap.set |= PS_EXEPATH;
	}
	get_u32(e, PN_exe_flags, &snap.exe_flags);
	snap.exe_flags |= memfd_flag;
	snap.set |= PS_EXE_FLAGS;
	snap.exe_ino = p->exe_ino;
	snap.exe_dev = p->exe_dev;
	n = get_u64(e, PN_exe_ino, &snap.exe_ino);
	n += get_u32(e, PN_exe_dev, &snap.exe_dev);
	if (n)
		snap.set |= PS_EXE_INO;
	snap.exec_ts = e->ts;
	snap.set |= PS_EXEC_TS;
	r = state_proc_apply(s, p, &snap);
	if (r < 0)
		return r;

	if (p->fds && p->fds->refs > 1) {
		kill_other_threads(s, p);
		if (p->fds->refs > 1) {
			/* shared with another process (CLONE_FILES): exec unshares */
			FdTable *t;

			r = fdtable_copy(p->fds, &t);
			if (r < 0)
				return r;
			fdtable_unref(p->fds);
			p->fds = t;
		}
	}
	fdtable_drop_cloexec(p->fds);
	return 0;
}

static int do_exec_entry(State *s, const SkEvent *e)
{
	int64_t dirfd = AT_FDCWD;
	uint32_t flags = 0;

	if (e->type == SAKER_EVT_EXECVE_E)
		return state_set_pending_exec(s, e->tid, get_str(e, PN_filename),
					      get_str(e, PN_filename_abs), AT_FDCWD, 0, e->ts);
	get_s64(e, PN_dirfd, &dirfd);
	get_u32(e, PN_flags, &flags);
	return state_set_pending_exec(s, e->tid, get_str(e, PN_pathname),
				      get_str(e, PN_pathname_abs), dirfd, flags, e->ts);
}

static bool is_clone(uint16_t type)
{
	return type == SAKER_EVT_CLONE || type == SAKER_EVT_CLONE3 || type == SAKER_EVT_FORK ||
	       type == SAKER_EVT_VFORK;
}

static uint64_t clone_flags(const SkEvent *e)
{
	uint64_t flags = 0;

	if (!get_u64(e, PN_flags, &flags) && e->type == SAKER_EVT_VFORK)
		flags = CLONE_VM | CLONE_VFORK;
	return flags;
}

int state_update(State *s, const SkEvent *e, EvalCtx *ctx)
{
	Proc *p;
	int64_t res = 0;
	int r;

	ctx->state = s;
	ctx->evt = e;
	ctx->proc = NULL;
	ctx->fd = NULL;
	pidx_init();

	switch (e->type) {
	case SAKER_EVT_NONE:
	case SAKER_EVT_PAD:
	case SAKER_EVT_DROP:
		return 0;
	case SAKER_EVT_PROCEXIT:
		/* never create an entry just to delete it */
		p = state_get_thread(s, e->tid);
		if (p) {
			state_touch(s, p);
			p->last_event_ts = e->ts;
		}
		ctx->proc = p;
		return 0;
	default:
		break;
	}
	if (e->tid <= 0)
		return 0;
	if (is_clone(e->type) && get_s64(e, PN_res, &res) && res == 0)
		return clone_child(s, e, clone_flags(e), ctx);

	r = state_upsert_thread(s, e->tid, e->pid, &p);
	if (r < 0)
		return r;
	p->last_event_ts = e->ts;
	ctx->proc = p;

	switch (e->type) {
	case SAKER_EVT_EXECVE_E:
	case SAKER_EVT_EXECVEAT_E:
		return do_exec_entry(s, e);
	case SAKER_EVT_CLONE:
	case SAKER_EVT_CLONE3:
	case SAKER_EVT_FORK:
	case SAKER_EVT_VFORK: {
		uint64_t flags = clone_flags(e);

		r = apply_task_ctx(s, p, e);
		if (r < 0 || res <= 0)
			return r;
		return clone_parent(s, e, p, res, (flags & CLONE_THREAD) ? p->pid : res, flags,
				    NULL);
	}
	case SAKER_EVT_PROCFORK: {
		int64_t ctid = 0, cpid = 0;

		if (!get_s64(e, PN_child_tid, &ctid) || ctid <= 0)
			return 0;
		if (!get_s64(e, PN_child_pid, &cpid) || cpid <= 0)
			cpid = ctid;
		return clone_parent(s, e, p, ctid, cpid,
				    cpid != ctid ? CLONE_THREAD | CLONE_FILES | CLONE_VM : 0,
				    get_str(e, PN_comm));
	}
	case SAKER_EVT_EXECVE:
	case SAKER_EVT_EXECVEAT:
		return do_exec(s, e, p);
	case SAKER_EVT_OPEN:
	case SAKER_EVT_OPENAT:
	case SAKER_EVT_OPENAT2:
	case SAKER_EVT_CREAT:
		return do_open(p, e, ctx);
	case SAKER_EVT_SOCKET:
		return do_socket(p, e, ctx);
	case SAKER_EVT_SOCKETPAIR:
		return do_socketpair(p, e, ctx);
	case SAKER_EVT_CONNECT:
		return do_connect(p, e, ctx);
	case SAKER_EVT_ACCEPT:
	case SAKER_EVT_ACCEPT4:
		return do_accept(p, e, ctx);
	case SAKER_EVT_BIND:
		return do_bind(p, e, ctx);
	case SAKER_EVT_LISTEN:
		ctx->fd = fd_lookup(p, e, PN_fd);
		if (ctx->fd && get_s64(e, PN_res, &res) && res == 0)
			ctx->fd->is_server = true;
		return 0;
	case SAKER_EVT_SENDTO:
	case SAKER_EVT_SENDMSG:
		return do_sendrecv(p, e, ctx, true);
	case SAKER_EVT_RECVFROM:
	case SAKER_EVT_RECVMSG:
		return do_sendrecv(p, e, ctx, false);
	case SAKER_EVT_DUP: {
		int64_t newfd = -1, oldfd = -1;

		if (!get_s64(e, PN_res, &newfd) || !get_s64(e, PN_oldfd, &oldfd))
			return 0;
		return do_dup(p, oldfd, newfd, false, ctx);
	}
	case SAKER_EVT_DUP2:
	case SAKER_EVT_DUP3: {
		int64_t newfd = -1, oldfd = -1;
		uint32_t flags = 0;

		if (!get_s64(e, PN_res, &newfd) || !get_s64(e, PN_oldfd, &oldfd))
			return 0;
		get_u32(e, PN_flags, &flags);
		return do_dup(p, oldfd, newfd, (flags & O_CLOEXEC) != 0, ctx);
	}
	case SAKER_EVT_FCNTL:
		return do_fcntl(p, e, ctx);
	case SAKER_EVT_PIPE:
	case SAKER_EVT_PIPE2:
		return do_pipe(p, e, ctx);
	case SAKER_EVT_MEMFD_CREATE:
	case SAKER_EVT_USERFAULTFD:
	case SAKER_EVT_IO_URING_SETUP:
	case SAKER_EVT_BPF:
	case SAKER_EVT_FSOPEN:
	case SAKER_EVT_FSMOUNT:
	case SAKER_EVT_OPEN_TREE:
	case SAKER_EVT_PERF_EVENT_OPEN:
		return do_simple_fd(p, e, ctx);
	default:
		/* credentials, namespaces: the task context after the call */
		r = apply_task_ctx(s, p, e);
		if (r < 0)
			return r;
		ctx->fd = fd_lookup(p, e, PN_fd);
		return 0;
	}
}

void state_update_post(State *s, const SkEvent *e, EvalCtx *ctx)
{
	Proc *p = ctx->proc;
	int64_t res = -1, fd;

	switch (e->type) {
	case SAKER_EVT_CLOSE:
		if (p && get_s64(e, PN_res, &res) && res >= 0 && get_s64(e, PN_fd, &fd))
			fdtable_remove(p->fds, fd);
		break;
	case SAKER_EVT_PROCEXIT:
		state_drop_pending_exec(s, e->tid);
		if (p)
			state_mark_dead(s, p);
		break;
	case SAKER_EVT_EXECVE:
	case SAKER_EVT_EXECVEAT:
		state_drop_pending_exec(s, e->tid);
		break;
	default:
		break;
	}
	ctx->proc = NULL;
	ctx->fd = NULL;
}

static void bitmap_set(uint64_t *bits, unsigned type)
{
	if (type < SAKER_EVT_MAX)
		bits[type / 64] |= 1ull << (type % 64);
}

void state_event_bitmap(uint64_t *bits)
{
	static const uint16_t always[] = {
		SAKER_EVT_PROCEXIT,	  SAKER_EVT_PROCFORK,	   SAKER_EVT_EXECVE_E,
		SAKER_EVT_EXECVEAT_E,	  SAKER_EVT_CLONE,	   SAKER_EVT_CLONE3,
		SAKER_EVT_FORK,		  SAKER_EVT_VFORK,	   SAKER_EVT_EXECVE,
		SAKER_EVT_EXECVEAT,	  SAKER_EVT_OPEN,	   SAKER_EVT_OPENAT,
		SAKER_EVT_OPENAT2,	  SAKER_EVT_CREAT,	   SAKER_EVT_SOCKET,
		SAKER_EVT_SOCKETPAIR,	  SAKER_EVT_CONNECT,	   SAKER_EVT_ACCEPT,
		SAKER_EVT_ACCEPT4,	  SAKER_EVT_BIND,	   SAKER_EVT_DUP,
		SAKER_EVT_DUP2,		  SAKER_EVT_DUP3,	   SAKER_EVT_FCNTL,
		SAKER_EVT_PIPE,		  SAKER_EVT_PIPE2,	   SAKER_EVT_MEMFD_CREATE,
		SAKER_EVT_USERFAULTFD,	  SAKER_EVT_IO_URING_SETUP, SAKER_EVT_BPF,
		SAKER_EVT_FSOPEN,	  SAKER_EVT_FSMOUNT,	   SAKER_EVT_OPEN_TREE,
		SAKER_EVT_PERF_EVENT_OPEN, SAKER_EVT_CLOSE,
	};
	unsigned t;

	for (t = 0; t < ELEMENTSOF(always); t++)
		bitmap_set(bits, always[t]);
	/* calls that change credentials, namespaces or cgroups carry the task context */
	for (t = 0; t < SAKER_EVT_MAX; t++) {
		const struct event_info *ev = event_info_get(t);

		if (ev && ev->is_syscall &&
		    (event_param_index(ev, "uid") >= 0 || event_param_index(ev, "cgroups") >= 0))
			bitmap_set(bits, t);
	}
}
