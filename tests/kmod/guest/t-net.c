// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network events over loopback: socket, bind, listen, connect (success,
 * refused, bad address pointer) with the caller's address and the
 * connection tuple, accept/accept4 with the peer as the tuple's source,
 * socketpair, UDP sendto/recvfrom and sendmsg/recvmsg with addresses and
 * snaplen data, IPv6 and UNIX-domain tuples.
 */
#define _GNU_SOURCE
#include "check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static long sc(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r < 0 ? -errno : r;
}

#define P(x) ((long)(x))

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* SOCKADDR param == AF_INET addr:port? */
static bool sa_in(const char *name, const struct saker_event_hdr *h,
		  const char *param, const char *addr, uint16_t port)
{
	uint16_t len;
	const uint8_t *p = saker_param(h, param, &len, NULL);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	if (!p || len != 8 || le16(p) != AF_INET || le16(p + 2) != port ||
	    memcmp(p + 4, &a, 4)) {
		t_fail(name, "%s.%s is not %s:%u (len %u)", saker_event_name(h->type),
		       param, addr, port, len);
		return false;
	}
	return true;
}

/* TUPLE param == INET proto src:sport -> dst:dport? */
static bool tuple_in(const char *name, const struct saker_event_hdr *h,
		     int proto, const char *src, uint16_t sport,
		     const char *dst, uint16_t dport)
{
	uint16_t len;
	const uint8_t *p = saker_param(h, "tuple", &len, NULL);
	struct in_addr s, d;

	inet_pton(AF_INET, src, &s);
	inet_pton(AF_INET, dst, &d);
	if (!p || len != 16 || le16(p) != AF_INET || p[2] != proto ||
	    memcmp(p + 4, &s, 4) || le16(p + 8) != sport ||
	    memcmp(p + 10, &d, 4) || le16(p + 14) != dport) {
		t_fail(name, "%s.tuple is not %s:%u->%s:%u (len %u, sport %u dport %u)",
		       saker_event_name(h->type), src, sport, dst, dport, len,
		       p && len >= 16 ? le16(p + 8) : 0,
		       p && len >= 16 ? le16(p + 14) : 0);
		return false;
	}
	return true;
}

static bool data_is(const char *name, const struct saker_event_hdr *h,
		    const char *want)
{
	uint16_t len;
	const char *p = saker_param(h, "data", &len, NULL);

	if (!p || len != strlen(want) || memcmp(p, want, len)) {
		t_fail(name, "%s.data: %u bytes, want \"%s\"", saker_event_name(h->type),
		       len, want);
		return false;
	}
	return true;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t l = sizeof(sin);

	getsockname(fd, (void *)&sin, &l);
	return ntohs(sin.sin_port);
}

static uint64_t ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static const struct saker_event_hdr *fd_ev(struct t_session *s, int type,
					   const char *param, long fd)
{
	size_t i;

	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == type && (pid_t)s->l.ev[i]->tid == s->tid &&
		    saker_param_int(s->l.ev[i], param) == fd)
			return s->l.ev[i];
	return NULL;
}

int main(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct t_session s;
	long lfd, cfd, afd, a4fd, bad, refused, u1, u2, l6, c6, ul, uc, ua;
	long conn_ok, c6_ok, uc_ok, sp, sent, got, smsg, rmsg, cfault;
	uint16_t lport, cport, uport1, uport2, dead_port;
	int sv[2];
	char buf[64];
	struct msghdr mh;
	struct iovec iov[2];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	const struct saker_event_hdr *h;

	if (t_start(&s, "net"))
		return 1;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	lfd = sc(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	sin.sin_port = 0;
	sc(SYS_bind, lfd, P(&sin), sizeof(sin), 0, 0, 0);
	lport = port_of(lfd);
	sc(SYS_listen, lfd, 5, 0, 0, 0, 0);
	cfd = sc(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	sin.sin_port = htons(lport);
	conn_ok = sc(SYS_connect, cfd, P(&sin), sizeof(sin), 0, 0, 0);
	cport = port_of(cfd);
	afd = sc(SYS_accept, lfd, 0, 0, 0, 0, 0);
	c6 = sc(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	sc(SYS_connect, c6, P(&sin), sizeof(sin), 0, 0, 0);
	a4fd = sc(SYS_accept4, lfd, 0, 0, SOCK_CLOEXEC, 0, 0);

	/* refused: a port nobody listens on */
	bad = sc(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	sin.sin_port = 0;
	bind(bad, (void *)&sin, sizeof(sin));
	dead_port = port_of(bad);
	close(bad);
	bad = sc(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	sin.sin_port = htons(dead_port);
	refused = sc(SYS_connect, bad, P(&sin), sizeof(sin), 0, 0, 0);
	cfault = sc(SYS_connect, bad, 1, sizeof(sin), 0, 0, 0);

	/* UDP datagrams with addresses and data */
	u1 = sc(SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0, 0);
	u2 = sc(SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0, 0);
	sin.sin_port = 0;
	bind(u1, (void *)&sin, sizeof(sin));
	bind(u2, (void *)&sin, sizeof(sin));
	uport1 = port_of(u1);
	uport2 = port_of(u2);
	sin.sin_port = htons(uport2);
	sent = sc(SYS_sendto, u1, P("hello-udp"), 9, 0, P(&sin), sizeof(sin));
	got = sc(SYS_recvfrom, u2, P(buf), sizeof(buf), 0, P(&from), P(&fromlen));
	memset(&mh, 0, sizeof(mh));
	sin.sin_port = htons(uport2);
	iov[0].iov_base = "msg-";
	iov[0].iov_len = 4;
	iov[1].iov_base = "part2";
	iov[1].iov_len = 5;
	mh.msg_name = &sin;
	mh.msg_namelen = sizeof(sin);
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	smsg = sc(SYS_sendmsg, u1, P(&mh), 0, 0, 0, 0);
	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = buf;
	iov[0].iov_len = sizeof(buf);
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	mh.msg_iov = iov;
	mh.msg_iovlen = 1;
	rmsg = sc(SYS_recvmsg, u2, P(&mh), 0, 0, 0, 0);

	sp = sc(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, P(sv), 0, 0);

	/* IPv6 */
	l6 = sc(SYS_socket, AF_INET6, SOCK_STREAM, 0, 0, 0, 0);
	sin6.sin6_addr = in6addr_loopback;
	bind(l6, (void *)&sin6, sizeof(sin6));
	listen(l6, 5);
	{
		socklen_t l = sizeof(sin6);

		getsockname(l6, (void *)&sin6, &l);
	}
	c6 = sc(SYS_socket, AF_INET6, SOCK_STREAM, 0, 0, 0, 0);
	c6_ok = sc(SYS_connect, c6, P(&sin6), sizeof(sin6), 0, 0, 0);

	/* UNIX stream */
	ul = socket(AF_UNIX, SOCK_STREAM, 0);
	if (!getcwd(sun.sun_path, sizeof(sun.sun_path) - 8))
		return 1;
	strcat(sun.sun_path, "/sock");
	unlink(sun.sun_path);
	bind(ul, (void *)&sun, sizeof(sun));
	listen(ul, 5);
	uc = socket(AF_UNIX, SOCK_STREAM, 0);
	uc_ok = sc(SYS_connect, uc, P(&sun), sizeof(sun), 0, 0, 0);
	ua = sc(SYS_accept, ul, 0, 0, 0, 0, 0);

	if (!t_collect(&s, "net"))
		return 1;

	h = fd_ev(&s, SAKER_EVT_SOCKET, "fd", lfd);
	T_CHECK(&s, h, "socket", t_int("socket", h, "domain", AF_INET) &&
	      t_int("socket", h, "type", SOCK_STREAM) && t_int("socket", h, "proto", 0));
	h = fd_ev(&s, SAKER_EVT_BIND, "fd", lfd);
	T_CHECK(&s, h, "bind", t_int("bind", h, "res", 0) &&
	      sa_in("bind", h, "addr", "127.0.0.1", 0));
	h = fd_ev(&s, SAKER_EVT_LISTEN, "fd", lfd);
	T_CHECK(&s, h, "listen", t_int("listen", h, "res", 0) &&
	      t_int("listen", h, "backlog", 5));
	h = fd_ev(&s, SAKER_EVT_CONNECT, "fd", cfd);
	T_CHECK(&s, h, "connect: address and tuple", t_int("connect", h, "res", conn_ok) &&
	      conn_ok == 0 && sa_in("connect", h, "addr", "127.0.0.1", lport) &&
	      tuple_in("connect", h, 6, "127.0.0.1", cport, "127.0.0.1", lport));
	h = fd_ev(&s, SAKER_EVT_ACCEPT, "fd", afd);
	T_CHECK(&s, h, "accept: peer is the source", t_int("accept", h, "listen_fd", lfd) &&
	      tuple_in("accept", h, 6, "127.0.0.1", cport, "127.0.0.1", lport));
	h = fd_ev(&s, SAKER_EVT_ACCEPT4, "fd", a4fd);
	T_CHECK(&s, h, "accept4", a4fd >= 0 && t_int("accept4", h, "flags", SOCK_CLOEXEC));
	h = fd_ev(&s, SAKER_EVT_CONNECT, "res", refused);
	T_CHECK(&s, h, "connect: refused", refused == -ECONNREFUSED &&
	      sa_in("connect", h, "addr", "127.0.0.1", dead_port));
	h = fd_ev(&s, SAKER_EVT_CONNECT, "res", -EFAULT);
	T_CHECK(&s, h, "connect: bad address pointer faulted", cfault == -EFAULT &&
	      t_faulted("connect", h, "addr"));
	h = fd_ev(&s, SAKER_EVT_SENDTO, "fd", u1);
	T_CHECK(&s, h, "sendto: address and data", t_int("sendto", h, "res", sent) &&
	      t_int("sendto", h, "size", 9) &&
	      sa_in("sendto", h, "addr", "127.0.0.1", uport2) &&
	      data_is("sendto", h, "hello-udp"));
	h = fd_ev(&s, SAKER_EVT_RECVFROM, "fd", u2);
	T_CHECK(&s, h, "recvfrom: sender and data", t_int("recvfrom", h, "res", got) &&
	      t_int("recvfrom", h, "size", sizeof(buf)) &&
	      sa_in("recvfrom", h, "addr", "127.0.0.1", uport1) &&
	      data_is("recvfrom", h, "hello-udp"));
	h = fd_ev(&s, SAKER_EVT_SENDMSG, "fd", u1);
	T_CHECK(&s, h, "sendmsg: iovecs", t_int("sendmsg", h, "res", smsg) &&
	      t_int("sendmsg", h, "size", 9) &&
	      sa_in("sendmsg", h, "addr", "127.0.0.1", uport2) &&
	      data_is("sendmsg", h, "msg-part2"));
	h = fd_ev(&s, SAKER_EVT_RECVMSG, "fd", u2);
	T_CHECK(&s, h, "recvmsg", t_int("recvmsg", h, "res", rmsg) &&
	      sa_in("recvmsg", h, "addr", "127.0.0.1", uport1) &&
	      data_is("recvmsg", h, "msg-part2"));
	h = fd_ev(&s, SAKER_EVT_SOCKETPAIR, "res", sp);
	T_CHECK(&s, h, "socketpair", sp == 0 && t_int("socketpair", h, "fd1", sv[0]) &&
	      t_int("socketpair", h, "fd2", sv[1]) &&
	      t_int("socketpair", h, "domain", AF_UNIX));
	h = fd_ev(&s, SAKER_EVT_CONNECT, "fd", c6);
	{
		uint16_t len;
		const uint8_t *p = h ? saker_param(h, "tuple", &len, NULL) : NULL;

		T_CHECK(&s, h, "connect: IPv6 tuple", c6_ok == 0 && p && len == 40 &&
		      le16(p) == AF_INET6 && p[2] == 6 &&
		      !memcmp(p + 22, &in6addr_loopback, 16) &&
		      le16(p + 38) == ntohs(sin6.sin6_port));
	}
	/*
	 * A client's peer is the server's embryo socket, which has no inode
	 * before accept(): 0 then.  accept() sees the client as its peer.
	 */
	h = fd_ev(&s, SAKER_EVT_CONNECT, "fd", uc);
	{
		uint16_t len;
		const uint8_t *p = h ? saker_param(h, "tuple", &len, NULL) : NULL;

		T_CHECK(&s, h, "connect: UNIX tuple", uc_ok == 0 && p && len > 20 &&
			le16(p) == AF_UNIX && le64(p + 4) == ino_of(uc) &&
			(le64(p + 12) == 0 || le64(p + 12) == ino_of(ua)) &&
			!strcmp((const char *)p + 20, sun.sun_path));
	}
	h = fd_ev(&s, SAKER_EVT_ACCEPT, "fd", ua);
	{
		uint16_t len;
		const uint8_t *p = h ? saker_param(h, "tuple", &len, NULL) : NULL;

		T_CHECK(&s, h, "accept: UNIX tuple", p && len > 20 &&
			le16(p) == AF_UNIX && le64(p + 4) == ino_of(ua) &&
			le64(p + 12) == ino_of(uc) &&
			!strcmp((const char *)p + 20, sun.sun_path));
	}
	t_end(&s);
	return t_done();
}
