// SPDX-License-Identifier: MIT
/*
 * Bootstrap from /proc.  Each process directory is opened once and every
 * file is read relative to it (openat/readlinkat), so a PID reused between
 * two reads cannot mix two processes' data.  Sockets are resolved through
 * the /proc/PID/net tables of each network namespace, read once per
 * namespace.  Anything that disappears mid-scan is skipped.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <saker/event.h>

#include "host/procscan.h"

#include "common/hashmap.h"
#include "common/macro.h"

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

static bool gone_errno(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

/* Read at most max bytes of dirfd/name into a NUL-terminated buffer. */
static int read_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 4096;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	while (len < max) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			cap = MIN(cap * 2, max);
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, MIN(cap, max) - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

static int readlink_malloc(int dirfd, const char *name, char **ret)
{
	char buf[STATE_MAX_PATH + 1];
	ssize_t n;
	char *s;

	n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	s = strdup(buf);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int procscan_parse_ns_link(const char *link, uint64_t *ret)
{
	const char *b = strchr(link, '[');
	char *end;
	unsigned long long v;

	if (!b || !isdigit((unsigned char)b[1]))
		return -EINVAL;
	errno = 0;
	v = strtoull(b + 1, &end, 10);
	if (errno || *end != ']')
		return -EINVAL;
	*ret = v;
	return 0;
}

int procscan_parse_cgroup(const char *text, char **ret)
{
	const char *best = NULL, *pids = NULL, *first = NULL;
	size_t best_len = 0, pids_len = 0, first_len = 0;
	const char *line = text;
	char *s;

	while (line && *line) {
		const char *eol = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(eol - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;

		if (c2) {
			const char *path = c2 + 1;
			size_t plen = (size_t)(eol - path);
			size_t clen = (size_t)(c2 - c1 - 1);

			if (line[0] == '0' && c1 == line + 1 && clen == 0) {
				best = path, best_len = plen;
				break;
			}
			/* v1: controllers are a comma list, e.g. "cpu,cpuacct" */
			for (const char *t = c1 + 1; t < c2;) {
				const char *comma = memchr(t, ',', (size_t)(c2 - t));
				size_t tl = comma ? (size_t)(comma - t) : (size_t)(c2 - t);

				if (tl == 3 && !memcmp(t, "cpu", 3) && !best)
					best = path, best_len = plen;
				if (tl == 4 && !memcmp(t, "pids", 4) && !pids)
					pids = path, pids_len = plen;
				t += tl + 1;
			}
			if (!first && clen > 0)
				first = path, first_len = plen;
		}
		line = *eol ? eol + 1 : NULL;
	}
	if (!best)
		best = pids, best_len = pids_len;
	if (!best)
		best = first, best_len = first_len;
	if (!best)
		return -ENOENT;
	s = strndup(best, MIN(best_len, (size_t)STATE_MAX_CGROUPS));
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* Value text of "Key:\t..." in status text, or NULL. */
static const char *status_field(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l;) {
		if (!strncmp(l, key, kl) && l[kl] == ':') {
			l += kl + 1;
			while (*l == ' ' || *l == '\t')
				l++;
			return l;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return NULL;
}

static int status_u32s(const char *text, const char *key, uint32_t *v, size_t n)
{
	const char *p = status_field(text, key);

	if (!p)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		char *end;
		unsigned long x;

		errno = 0;
		x = strtoul(p, &end, 10);
		if (errno || end == p)
			return -EINVAL;
		v[i] = (uint32_t)x;
		p = end;
	}
	return 0;
}

static int status_hex(const char *text, const char *key, uint64_t *ret)
{
	const char *p = status_field(text, key);
	char *end;

	if (!p)
		return -ENOENT;
	errno = 0;
	*ret = strtoull(p, &end, 16);
	return errno || end == p ? -EINVAL : 0;
}

static int status_i64(const char *text, const char *key, int64_t *ret)
{
	const char *p = status_field(text, key);
	char *end;

	if (!p)
		return -ENOENT;
	errno = 0;
	*ret = strtoll(p, &end, 10);
	return errno || end == p ? -EINVAL : 0;
}

/* The last number of a "NSpid:" style line (the innermost namespace's id). */
static int status_last_i64(const char *text, const char *key, int64_t *ret)
{
	const char *p = status_field(text, key);
	int64_t last = -1;

	if (!p)
		return -ENOENT;
	while (*p && *p != '\n') {
		char *end;
		long long x;

		errno = 0;
		x = strtoll(p, &end, 10);
		if (errno || end == p)
			break;
		last = x;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (last < 0)
		return -EINVAL;
	*ret = last;
	return 0;
}

typedef struct StatFields {
	int64_t pgid, sid;
	uint32_t tty;
	uint64_t starttime; /* clock ticks since boot */
} StatFields;

static int parse_stat(const char *text, StatFields *ret)
{
	const char *p = strrchr(text, ')');
	unsigned long long v[20];
	size_t n = 0;

	if (!p)
		return -EINVAL;
	p++;
	/* fields 3.. : state ppid pgrp session tty_nr tpgid flags ... starttime (22) */
	while (n < ELEMENTSOF(v)) {
		char *end;

		while (*p == ' ')
			p++;
		if (!*p)
			return -EINVAL;
		if (n == 0) { /* state letter */
			v[n++] = 0;
			p++;
			continue;
		}
		errno = 0;
		v[n] = (unsigned long long)strtoll(p, &end, 10);
		if (errno || end == p)
			return -EINVAL;
		n++;
		p = end;
	}
	ret->pgid = (int64_t)v[2];
	ret->sid = (int64_t)v[3];
	ret->tty = (uint32_t)v[4];
	ret->starttime = v[19];
	return 0;
}

/* The kernel's dev_t encoding (new_encode_dev), as events carry it. */
static uint32_t kernel_dev(dev_t d)
{
	unsigned ma = major(d), mi = minor(d);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

/* ---- sockets ------------------------------------------------------------ */

typedef struct SockEnt {
	FdType type;
	uint8_t l4proto;
	bool listening;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	char *path; /* unix */
} SockEnt;

typedef struct SockTable {
	U64Map *by_ino;	   /* inode -> SockEnt* */
	U64Map *listen_ports; /* local port -> (void *)1 for listening TCP ports (v4 and v6) */
} SockTable;

static SockTable *socktable_free(SockTable *t)
{
	size_t iter = 0;
	void *v;

	if (!t)
		return NULL;
	while (t->by_ino && u64map_next(t->by_ino, &iter, NULL, &v)) {
		SockEnt *e = v;

		free(e->path);
		free(e);
	}
	u64map_free(t->by_ino);
	u64map_free(t->listen_ports);
	free(t);
	return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(SockTable *, socktable_free);

static int parse_hex_addr(const char *s, size_t nwords, uint8_t *addr, uint16_t *port)
{
	for (size_t i = 0; i < nwords; i++) {
		char w[9];
		uint32_t v;

		memcpy(w, s, 8);
		w[8] = 0;
		for (int j = 0; j < 8; j++)
			if (!isxdigit((unsigned char)w[j]))
				return -EINVAL;
		/* the kernel prints each 32-bit word in host byte order */
		v = (uint32_t)strtoul(w, NULL, 16);
		memcpy(addr + 4 * i, &v, 4);
		s += 8;
	}
	if (*s != ':')
		return -EINVAL;
	*port = (uint16_t)strtoul(s + 1, NULL, 16);
	return 0;
}

static int socktable_add(SockTable *t, uint64_t ino, SockEnt *e)
{
	SockEnt *old;
	int r;

	if (ino == 0 || u64map_size(t->by_ino) >= PROCSCAN_MAX_SOCKETS) {
		free(e->path);
		free(e);
		return 0;
	}
	old = u64map_get(t->by_ino, ino);
	if (old) {
		free(old->path);
		free(old);
	}
	r = u64map_put(t->by_ino, ino, e);
	if (r < 0) {
		free(e->path);
		free(e);
	}
	return r;
}

/* Read one of the tcp/udp tables (v6 selects 32-hex-digit addresses). */
static int socktable_read_inet(SockTable *t, int netfd, const char *name, bool v6, bool tcp)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	int r;

	r = read_at(netfd, name, PROCSCAN_MAX_NET, &text, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r; /* no IPv6, say */
	line = strtok_r(text, "\n", &save);	/* header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char local[64], remote[64];
		unsigned st;
		unsigned long long ino;
		SockEnt *e;

		if (sscanf(line, " %*u: %63s %63s %x %*s %*s %*s %*u %*u %llu", local, remote, &st,
			   &ino) != 4)
			continue;
		e = new0(SockEnt, 1);
		if (!e)
			return -ENOMEM;
		e->type = v6 ? FD_IPV6_SOCK : FD_IPV4_SOCK;
		e->l4proto = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		if (parse_hex_addr(local, v6 ? 4 : 1, e->laddr, &e->lport) < 0 ||
		    parse_hex_addr(remote, v6 ? 4 : 1, e->raddr, &e->rport) < 0) {
			free(e);
			continue;
		}
		/* TCP_LISTEN is 10; an unconnected UDP socket has no remote port */
		e->listening = tcp ? st == 10 : e->rport == 0;
		if (tcp && e->listening) {
			r = u64map_put(t->listen_ports, e->lport, (void *)1);
			if (r < 0) {
				free(e);
				return r;
			}
		}
		r = socktable_add(t, ino, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int socktable_read_unix(SockTable *t, int netfd)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	int r;

	r = read_at(netfd, "unix", PROCSCAN_MAX_NET, &text, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	line = strtok_r(text, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long long ino;
		unsigned flags;
		int off = 0;
		SockEnt *e;

		/* Num RefCount Protocol Flags Type St Inode [Path] */
		if (sscanf(line, "%*s %*s %*s %x %*s %*s %llu %n", &flags, &ino, &off) < 2)
			continue;
		e = new0(SockEnt, 1);
		if (!e)
			return -ENOMEM;
		e->type = FD_UNIX_SOCK;
		e->listening = flags & 0x10000; /* __SO_ACCEPTCON */
		if (off > 0 && line[off]) {
			e->path = strndup(line + off, STATE_MAX_PATH);
			if (!e->path) {
				free(e);
				return -ENOMEM;
			}
		}
		r = socktable_add(t, ino, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int socktable_load(int netfd, SockTable **ret)
{
	_cleanup_(socktable_freep) SockTable *t = new0(SockTable, 1);
	int r;

	if (!t)
		return -ENOMEM;
	t->by_ino = u64map_new();
	t->listen_ports = u64map_new();
	if (!t->by_ino || !t->listen_ports)
		return -ENOMEM;
	if ((r = socktable_read_inet(t, netfd, "tcp", false, true)) < 0 ||
	    (r = socktable_read_inet(t, netfd, "tcp6", true, true)) < 0 ||
	    (r = socktable_read_inet(t, netfd, "udp", false, false)) < 0 ||
	    (r = socktable_read_inet(t, netfd, "udp6", true, false)) < 0 ||
	    (r = socktable_read_unix(t, netfd)) < 0)
		return r;
	*ret = TAKE_PTR(t);
	return 0;
}

/* ---- the scan ----------------------------------------------------------- */

typedef struct Scan {
	State *state;
	int rootfd;
	uint64_t ns_per_tick;
	U64Map *netns; /* netns inode -> SockTable* */
	ProcScanStats stats;
	bool missing_only; /* skip the threads the state already has */
} Scan;

static void scan_done(Scan *sc)
{
	size_t iter = 0;
	void *v;

	while (sc->netns && u64map_next(sc->netns, &iter, NULL, &v))
		socktable_free(v);
	u64map_free(sc->netns);
	if (sc->rootfd >= 0)
		close(sc->rootfd);
}

static int scan_init(Scan *sc, State *s, const char *root)
{
	long tck = sysconf(_SC_CLK_TCK);

	*sc = (Scan){ .state = s, .rootfd = -1 };
	sc->ns_per_tick = tck > 0 ? 1000000000ull / (uint64_t)tck : 10000000ull;
	sc->netns = u64map_new();
	if (!sc->netns)
		return -ENOMEM;
	sc->rootfd = open(root ? root : PROCSCAN_DEFAULT_ROOT,
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sc->rootfd < 0)
		return -errno;
	return 0;
}

/* The socket table of pid's network namespace (netns), loaded on first use. */
static SockTable *scan_sockets(Scan *sc, int piddir, uint64_t netns)
{
	_cleanup_close_ int netfd = -1;
	SockTable *t = u64map_get(sc->netns, netns);

	if (t)
		return t;
	netfd = openat(piddir, "net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (netfd < 0)
		netfd = openat(sc->rootfd, "net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (netfd < 0 || socktable_load(netfd, &t) < 0)
		return NULL;
	if (u64map_put(sc->netns, netns, t) < 0)
		return socktable_free(t);
	return t;
}

static void fd_from_socket(FdInfo *f, const SockEnt *e, const SockTable *t)
{
	f->type = e->type;
	f->l4proto = e->l4proto;
	if (e->type == FD_UNIX_SOCK) {
		f->family = SAKER_AF_UNIX;
		f->is_server = e->listening;
		return;
	}
	f->family = e->type == FD_IPV6_SOCK ? SAKER_AF_INET6 : SAKER_AF_INET;
	if (e->listening) {
		memcpy(f->daddr, e->laddr, 16);
		f->dport = e->lport;
		return;
	}
	f->connected = true;
	/* accepted when our local port is one we listen on */
	f->is_server = e->l4proto == IPPROTO_TCP && u64map_get(t->listen_ports, e->lport);
	if (f->is_server) {
		memcpy(f->saddr, e->raddr, 16), f->sport = e->rport;
		memcpy(f->daddr, e->laddr, 16), f->dport = e->lport;
	} else {
		memcpy(f->saddr, e->laddr, 16), f->sport = e->lport;
		memcpy(f->daddr, e->raddr, 16), f->dport = e->rport;
	}
}

static const struct {
	const char *prefix;
	FdType type;
} anon_types[] = {
	{ "anon_inode:[eventfd]", FD_EVENT },	{ "anon_inode:[eventpoll]", FD_EVENTPOLL },
	{ "anon_inode:inotify", FD_INOTIFY },	{ "anon_inode:[signalfd]", FD_SIGNALFD },
	{ "anon_inode:[timerfd]", FD_TIMERFD }, { "anon_inode:bpf", FD_BPF },
	{ "anon_inode:[userfaultfd]", FD_USERFAULTFD }, { "anon_inode:[io_uring]", FD_IOURING },
	{ "anon_inode:[pidfd]", FD_PIDFD },	{ "anon_inode:[fscontext]", FD_FSCONTEXT },
	{ "/memfd:", FD_MEMFD },
};

static int scan_one_fd(Scan *sc, int piddir, int fddir, const char *name, int64_t tid,
		       uint64_t netns)
{
	_cleanup_(fdinfo_freep) FdInfo *f = NULL;
	_cleanup_free_ char *link = NULL, *info = NULL;
	char *end;
	long long fdnum;
	uint64_t ino = 0;
	struct stat st;
	int r;

	errno = 0;
	fdnum = strtoll(name, &end, 10);
	if (errno || *end || fdnum < 0)
		return 0;
	r = readlink_malloc(fddir, name, &link);
	if (r < 0)
		return r;
	f = fdinfo_new(fdnum);
	if (!f)
		return -ENOMEM;
	f->type = FD_UNKNOWN;
	if (!strncmp(link, "socket:[", 8) && procscan_parse_ns_link(link, &ino) >= 0) {
		SockTable *t = scan_sockets(sc, piddir, netns);
		const SockEnt *e = t ? u64map_get(t->by_ino, ino) : NULL;

		f->ino = ino;
		if (e) {
			fd_from_socket(f, e, t);
			if (e->type == FD_UNIX_SOCK)
				r = fdinfo_set_name(f, e->path ? e->path : "");
			else {
				char buf[128];

				fdinfo_format_tuple(f, buf, sizeof(buf));
				r = fdinfo_set_name(f, buf);
			}
		} else {
			f->type = FD_OTHER_SOCK;
			r = fdinfo_set_name(f, link);
		}
	} else if (!strncmp(link, "pipe:[", 6)) {
		f->type = FD_PIPE;
		(void)procscan_parse_ns_link(link, &f->ino);
		r = fdinfo_set_name(f, link);
	} else {
		for (size_t i = 0; i < ELEMENTSOF(anon_types); i++)
			if (!strncmp(link, anon_types[i].prefix, strlen(anon_types[i].prefix))) {
				f->type = anon_types[i].type;
				break;
			}
		if (f->type == FD_UNKNOWN && link[0] == '/') {
			f->type = FD_FILE;
			if (fstatat(fddir, name, &st, 0) >= 0) {
				if (S_ISDIR(st.st_mode))
					f->type = FD_DIRECTORY;
				f->ino = st.st_ino;
				f->dev = kernel_dev(st.st_dev);
			}
		}
		r = fdinfo_set_name(f, link);
	}
	if (r < 0)
		return r;

	/* fdinfo: "flags:\t02100002" (octal, O_CLOEXEC included) */
	{
		char path[32];

		snprintf(path, sizeof(path), "fdinfo/%lld", fdnum);
		if (read_at(piddir, path, PROCSCAN_MAX_STATUS, &info, NULL) >= 0) {
			const char *fl = status_field(info, "flags");

			if (fl)
				f->flags = (uint32_t)strtoul(fl, NULL, 8);
		}
	}
	r = state_upsert_fd_snapshot(sc->state, tid, f, NULL);
	if (r < 0)
		return r;
	sc->stats.fds++;
	return 0;
}

static int scan_fds(Scan *sc, int piddir, int64_t tid, uint64_t netns)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fddir;

	fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0)
		return -errno;
	d = fdopendir(fddir);
	if (!d) {
		int r = -errno;

		close(fddir);
		return r;
	}
	while ((de = readdir(d))) {
		int r;

		if (de->d_name[0] == '.')
			continue;
		r = scan_one_fd(sc, piddir, dirfd(d), de->d_name, tid, netns);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			sc->stats.fd_errors++;
	}
	return 0;
}

/* piddir is /proc/PID, taskdir /proc/PID/task/TID (== piddir for the leader). */
static int scan_thread_at(Scan *sc, int piddir, int taskdir, int64_t pid, int64_t tid,
			  bool with_fds, Proc **ret)
{
	_cleanup_free_ char *status = NULL, *stat = NULL, *comm = NULL, *cmdline = NULL,
			    *environ_ = NULL, *exepath = NULL, *cwd = NULL, *cgroup_text = NULL,
			    *cgroups = NULL, *loginuid = NULL;
	ProcSnapshot snap = { .tid = tid, .pid = pid, .set = PS_PID };
	size_t cmdlen = 0, envlen = 0;
	StatFields sf;
	uint32_t ids[4];
	int64_t v;
	struct stat st;
	Proc *p;
	int r;

	/* status first: if it is gone, the thread is gone */
	r = read_at(taskdir, "status", PROCSCAN_MAX_STATUS, &status, NULL);
	if (r < 0)
		return r;
	if (status_i64(status, "Tgid", &v) >= 0 && v != pid)
		return -ESRCH; /* tid reused by another process meanwhile */
	if (status_i64(status, "PPid", &v) >= 0)
		snap.ptid = v, snap.set |= PS_PTID;
	if (status_u32s(status, "Uid", ids, 3) >= 0) {
		snap.uid = ids[0], snap.euid = ids[1], snap.suid = ids[2];
		snap.set |= PS_UID | PS_EUID | PS_SUID;
	}
	if (status_u32s(status, "Gid", ids, 3) >= 0) {
		snap.gid = ids[0], snap.egid = ids[1], snap.sgid = ids[2];
		snap.set |= PS_GID | PS_EGID | PS_SGID;
	}
	if (status_hex(status, "CapInh", &snap.cap_inheritable) >= 0 &&
	    status_hex(status, "CapPrm", &snap.cap_permitted) >= 0 &&
	    status_hex(status, "CapEff", &snap.cap_effective) >= 0)
		snap.set |= PS_CAPS;
	if (status_last_i64(status, "NSpid", &snap.vtid) >= 0)
		snap.set |= PS_VTID;
	if (status_last_i64(status, "NStgid", &snap.vpid) >= 0)
		snap.set |= PS_VPID;

	if (read_at(taskdir, "stat", PROCSCAN_MAX_STATUS, &stat, NULL) >= 0 &&
	    parse_stat(stat, &sf) >= 0) {
		snap.pgid = sf.pgid, snap.sid = sf.sid, snap.tty = sf.tty;
		snap.clone_ts = sf.starttime * sc->ns_per_tick;
		snap.set |= PS_PGID | PS_SID | PS_TTY | PS_CLONE_TS;
	}
	if (read_at(taskdir, "comm", STATE_MAX_COMM, &comm, NULL) >= 0) {
		comm[strcspn(comm, "\n")] = 0;
		snap.comm = comm, snap.set |= PS_COMM;
	}
	if (read_at(piddir, "cmdline", STATE_MAX_PATH + STATE_MAX_ARGS_BYTES, &cmdline,
		    &cmdlen) >= 0) {
		size_t a0 = strnlen(cmdline, cmdlen);

		snap.exe = cmdlen ? cmdline : snap.comm;
		if (snap.exe)
			snap.set |= PS_EXE;
		if (a0 < cmdlen) {
			snap.args = cmdline + a0 + 1;
			snap.args_len = cmdlen - a0 - 1;
			if (snap.args_len > 0 && snap.args[snap.args_len - 1] == 0)
				snap.args_len--;
		} else {
			snap.args = "";
			snap.args_len = 0;
		}
		snap.set |= PS_ARGS;
	}
	if (read_at(piddir, "environ", STATE_MAX_ENV_BYTES, &environ_, &envlen) >= 0) {
		if (envlen > 0 && environ_[envlen - 1] == 0)
			envlen--;
		snap.env = environ_, snap.env_len = envlen, snap.set |= PS_ENV;
	}
	if (readlink_malloc(piddir, "exe", &exepath) >= 0) {
		snap.exepath = exepath, snap.set |= PS_EXEPATH;
		if (fstatat(piddir, "exe", &st, 0) >= 0) {
			snap.exe_ino = st.st_ino, snap.exe_dev = kernel_dev(st.st_dev);
			snap.set |= PS_EXE_INO;
		}
	}
	if (readlink_malloc(piddir, "cwd", &cwd) >= 0)
		snap.cwd = cwd, snap.set |= PS_CWD;
	if (read_at(taskdir, "loginuid", 32, &loginuid, NULL) >= 0) {
		snap.loginuid = (uint32_t)strtoul(loginuid, NULL, 10);
		snap.set |= PS_LOGINUID;
	}
	if (read_at(piddir, "cgroup", PROCSCAN_MAX_STATUS, &cgroup_text, NULL) >= 0 &&
	    procscan_parse_cgroup(cgroup_text, &cgroups) >= 0)
		snap.cgroups = cgroups, snap.set |= PS_CGROUPS;
	{
		static const char *const nsnames[] = { "ns/pid", "ns/net", "ns/mnt", "ns/user" };
		uint64_t *dst[] = { &snap.pidns, &snap.netns, &snap.mntns, &snap.userns };
		bool any = false;

		for (size_t i = 0; i < ELEMENTSOF(nsnames); i++) {
			_cleanup_free_ char *l = NULL;

			if (readlink_malloc(taskdir, nsnames[i], &l) >= 0 &&
			    procscan_parse_ns_link(l, dst[i]) >= 0)
				any = true;
		}
		if (any)
			snap.set |= PS_NS;
	}

	r = state_upsert_proc_snapshot(sc->state, &snap, &p);
	if (r < 0)
		return r;
	sc->stats.threads++;
	if (pid == tid) {
		sc->stats.processes++;
		if (with_fds) {
			r = scan_fds(sc, piddir, tid, snap.netns);
			if (r == -ENOMEM)
				return r;
		}
	}
	if (ret)
		*ret = p;
	return 0;
}

static int parse_pid(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

static bool scan_full(const Scan *sc, size_t max)
{
	return max > 0 && sc->stats.threads >= max;
}

static int scan_process(Scan *sc, int64_t pid, size_t max)
{
	_cleanup_close_ int piddir = -1;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	char name[32];
	int taskfd, r;

	snprintf(name, sizeof(name), "%" PRId64, pid);
	piddir = openat(sc->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0) {
		if (gone_errno(-errno)) {
			sc->stats.vanished++;
			return 0;
		}
		return -errno;
	}
	if (!sc->missing_only || !state_get_thread(sc->state, pid)) {
		r = scan_thread_at(sc, piddir, piddir, pid, pid, true, NULL);
		if (gone_errno(r)) {
			sc->stats.vanished++;
			return 0;
		}
		if (r < 0)
			return r == -ENOMEM ? r : 0;
	}

	taskfd = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return 0;
	d = fdopendir(taskfd);
	if (!d) {
		close(taskfd);
		return 0;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int tdir = -1;
		int64_t tid;

		if (parse_pid(de->d_name, &tid) < 0 || tid == pid)
			continue;
		if (sc->missing_only && state_get_thread(sc->state, tid))
			continue;
		if (scan_full(sc, max)) {
			sc->stats.truncated = true;
			break;
		}
		tdir = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0) {
			sc->stats.vanished++;
			continue;
		}
		r = scan_thread_at(sc, piddir, tdir, pid, tid, false, NULL);
		if (r == -ENOMEM)
			return r;
		if (gone_errno(r))
			sc->stats.vanished++;
	}
	return 0;
}

int procscan_host_namespaces(const char *proc_root, uint64_t *ret_pidns, uint64_t *ret_mntns)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *pl = NULL, *ml = NULL;
	uint64_t pidns, mntns;
	int r;

	fd = open(proc_root ? proc_root : PROCSCAN_DEFAULT_ROOT,
		  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((r = readlink_malloc(fd, "1/ns/pid", &pl)) < 0 ||
	    (r = readlink_malloc(fd, "1/ns/mnt", &ml)) < 0)
		return r;
	if ((r = procscan_parse_ns_link(pl, &pidns)) < 0 ||
	    (r = procscan_parse_ns_link(ml, &mntns)) < 0)
		return r;
	if (ret_pidns)
		*ret_pidns = pidns;
	if (ret_mntns)
		*ret_mntns = mntns;
	return 0;
}

int procscan_thread(State *s, const char *proc_root, int64_t pid, int64_t tid, bool with_fds,
		    Proc **ret)
{
	_cleanup_close_ int piddir = -1, tdir = -1;
	Scan sc;
	char name[64];
	int r;

	r = scan_init(&sc, s, proc_root);
	if (r < 0) {
		scan_done(&sc);
		return r;
	}
	snprintf(name, sizeof(name), "%" PRId64, pid);
	piddir = openat(sc.rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0) {
		r = -errno;
		goto out;
	}
	if (tid != pid) {
		snprintf(name, sizeof(name), "task/%" PRId64, tid);
		tdir = openat(piddir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0) {
			r = -errno;
			goto out;
		}
	}
	r = scan_thread_at(&sc, piddir, tid != pid ? tdir : piddir, pid, tid, with_fds, ret);
out:
	scan_done(&sc);
	return r;
}

static int scan_all(State *s, const char *proc_root, size_t max_threads, bool missing_only,
		    ProcScanStats *ret_stats)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	Scan sc;
	int dfd, r;

	r = scan_init(&sc, s, proc_root);
	if (r < 0)
		goto out;
	sc.missing_only = missing_only;
	(void)procscan_host_namespaces(proc_root, &s->host_pidns, &s->host_mntns);
	dfd = openat(sc.rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		goto out;
	}
	d = fdopendir(dfd);
	if (!d) {
		r = -errno;
		close(dfd);
		goto out;
	}
	while ((de = readdir(d))) {
		int64_t pid;

		/* "self" and "thread-self" are links; so are hidden thread ids in test trees */
		if (de->d_type == DT_LNK || parse_pid(de->d_name, &pid) < 0)
			continue;
		if (scan_full(&sc, max_threads)) {
			sc.stats.truncated = true;
			break;
		}
		r = scan_process(&sc, pid, max_threads);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	if (ret_stats)
		*ret_stats = sc.stats;
	scan_done(&sc);
	return r;
}

int procscan_run(State *s, const char *proc_root, size_t max_threads, ProcScanStats *ret_stats)
{
	return scan_all(s, proc_root, max_threads, false, ret_stats);
}

int procscan_missing(State *s, const char *proc_root, size_t max_threads, ProcScanStats *ret_stats)
{
	return scan_all(s, proc_root, max_threads, true, ret_stats);
}

bool procscan_alive(int64_t tid, void *userdata)
{
	const char *root = userdata ? userdata : PROCSCAN_DEFAULT_ROOT;
	char path[PATH_MAX];
	struct stat st;

	/* /proc/TID exists for every thread, though only leaders are listed */
	snprintf(path, sizeof(path), "%s/%" PRId64, root, tid);
	if (stat(path, &st) >= 0)
		return true;
	return errno != ENOENT && errno != ESRCH;
}
