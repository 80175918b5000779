// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network events: socket creation, connect/accept with the addresses the
 * caller passed and the connection tuple the kernel holds, bind/listen,
 * and the addresses (plus snaplen bytes of data) of sendto, recvfrom,
 * sendmsg and recvmsg.  Tuples follow Falco: the source is the side that
 * initiated the connection, so accept() reports the peer as the source.
 * UNIX sockets are identified by their sockfs inode numbers (what
 * /proc/PID/fd shows), never by kernel addresses.
 */
#include <linux/compat.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "compat.h"
#include "fill.h"

/* struct compat_msghdr and struct compat_iovec (ia32 callers). */
struct saker_msghdr32 {
	u32 name;
	s32 namelen;
	u32 iov;
	u32 iovlen;
	u32 control;
	u32 controllen;
	u32 flags;
};

struct saker_iovec32 {
	u32 base;
	u32 len;
};

/* The parts of a msghdr saker reports. */
struct saker_msg {
	void __user *name;
	int namelen;
	void __user *iov;
	unsigned long iovlen;
};

/* A socket address the kernel or the caller holds, in the ABI's form. */
static void saker_put_sockaddr(struct saker_rec *r,
			       const struct sockaddr_storage *ss, int len)
{
	u8 *p = saker_param_begin(r, 2 + sizeof(struct sockaddr_un) + 1);
	u16 family;

	if (!p)
		return;
	if (len < (int)sizeof(ss->ss_family)) {
		saker_param_end(r, 0, false);
		return;
	}
	family = ss->ss_family;
	put_unaligned_le16(family, p);

	if (family == AF_INET && len >= (int)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const void *)ss;

		put_unaligned_le16(ntohs(sin->sin_port), p + 2);
		memcpy(p + 4, &sin->sin_addr, 4);
		saker_param_end(r, sizeof(struct saker_sockaddr_in), false);
	} else if (family == AF_INET6 &&
		   len >= (int)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		put_unaligned_le16(ntohs(sin6->sin6_port), p + 2);
		memcpy(p + 4, &sin6->sin6_addr, 16);
		saker_param_end(r, sizeof(struct saker_sockaddr_in6), false);
	} else if (family == AF_UNIX) {
		const struct sockaddr_un *sun = (const void *)ss;
		int n = len - (int)offsetof(struct sockaddr_un, sun_path);
		char *path = (char *)p + 2;

		n = clamp(n, 0, (int)sizeof(sun->sun_path));
		memcpy(path, sun->sun_path, n);
		if (n > 0 && path[0] == '\0')	/* abstract */
			path[0] = '@';
		path[n] = '\0';
		saker_param_end(r, 2 + strnlen(path, n) + 1, false);
	} else {
		saker_param_end(r, 2, false);
	}
}

/* A sockaddr in user memory, @len bytes long; NULL gives an empty one. */
static void saker_put_usockaddr(struct saker_rec *r, const void __user *uaddr,
				int len)
{
	struct sockaddr_storage ss;

	if (!uaddr || len <= 0) {
		saker_put_empty(r);
		return;
	}
	len = min_t(int, len, sizeof(ss));
	if (saker_copy_from_user(&ss, uaddr, len)) {
		saker_put_fault(r);
		return;
	}
	saker_put_sockaddr(r, &ss, len);
}

/* A sockaddr whose length the kernel wrote to *ulen (recvfrom, accept). */
static void saker_put_usockaddr_lenp(struct saker_rec *r,
				     const void __user *uaddr,
				     const int __user *ulen)
{
	int len;

	if (!uaddr || !ulen) {
		saker_put_empty(r);
		return;
	}
	if (saker_copy_from_user(&len, ulen, sizeof(len))) {
		saker_put_fault(r);
		return;
	}
	saker_put_usockaddr(r, uaddr, len);
}

static void saker_tuple_head(u8 *p, u16 family, u8 proto)
{
	put_unaligned_le16(family, p);
	p[2] = proto;
	p[3] = 0;
}

static u32 saker_tuple_inet(u8 *p, struct sock *sk, bool peer_first)
{
	const struct inet_sock *inet = inet_sk(sk);
	__be32 laddr = READ_ONCE(sk->sk_rcv_saddr);
	__be32 raddr = READ_ONCE(sk->sk_daddr);
	u16 lport = ntohs(READ_ONCE(inet->inet_sport));
	u16 rport = ntohs(READ_ONCE(sk->sk_dport));

	saker_tuple_head(p, AF_INET, sk->sk_protocol);
	memcpy(p + 4, peer_first ? &raddr : &laddr, 4);
	put_unaligned_le16(peer_first ? rport : lport, p + 8);
	memcpy(p + 10, peer_first ? &laddr : &raddr, 4);
	put_unaligned_le16(peer_first ? lport : rport, p + 14);
	return sizeof(struct saker_tuple_in);
}

#if IS_ENABLED(CONFIG_IPV6)
static u32 saker_tuple_inet6(u8 *p, struct sock *sk, bool peer_first)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct in6_addr laddr = sk->sk_v6_rcv_saddr;
	struct in6_addr raddr = sk->sk_v6_daddr;
	u16 lport = ntohs(READ_ONCE(inet->inet_sport));
	u16 rport = ntohs(READ_ONCE(sk->sk_dport));

	saker_tuple_head(p, AF_INET6, sk->sk_protocol);
	memcpy(p + 4, peer_first ? &raddr : &laddr, 16);
	put_unaligned_le16(peer_first ? rport : lport, p + 20);
	memcpy(p + 22, peer_first ? &laddr : &raddr, 16);
	put_unaligned_le16(peer_first ? lport : rport, p + 38);
	return sizeof(struct saker_tuple_in6);
}
#endif

/* Socket inode number of @sk; its socket may be going away (RCU-freed). */
static u64 saker_sock_ino(struct sock *sk)
{
	struct socket *sock;
	u64 ino = 0;

	rcu_read_lock();
	sock = READ_ONCE(sk->sk_socket);
	if (sock)
		ino = SOCK_INODE(sock)->i_ino;
	rcu_read_unlock();
	return ino;
}

/*
 * UNIX tuple: our socket's and the peer's inode numbers, then the bound
 * path of our side or, when unnamed (a client), of the peer's side.  A
 * connection not accepted yet has a peer without a file: its number is 0
 * (accept() then reports the client as its peer).  The peer and its
 * address are stable under our socket's state lock, which also holds the
 * reference on the peer.
 */
static u32 saker_tuple_unix(u8 *p, struct socket *sock)
{
	struct sock *sk = sock->sk;
	u64 peer_ino = 0;
	char *path = (char *)p + 20;
	u32 n = 0;

	saker_tuple_head(p, AF_UNIX, 0);
	put_unaligned_le64(SOCK_INODE(sock)->i_ino, p + 4);
#ifdef SAKER_HAVE_UNIX_SOCK
	{
		struct unix_address *addr;
		struct sock *peer;

		unix_state_lock(sk);
		peer = unix_peer(sk);
		addr = unix_sk(sk)->addr;
		if (!addr && peer)
			addr = unix_sk(peer)->addr;
		if (peer)
			peer_ino = saker_sock_ino(peer);
		if (addr) {
			int len = addr->len -
				  (int)offsetof(struct sockaddr_un, sun_path);

			n = clamp(len, 0, UNIX_PATH_MAX);
			memcpy(path, addr->name->sun_path, n);
			if (n && path[0] == '\0')
				path[0] = '@';
		}
		unix_state_unlock(sk);
	}
#endif
	put_unaligned_le64(peer_ino, p + 12);
	path[n] = '\0';
	return 20 + strnlen(path, n) + 1;
}

/* The connection tuple of socket @fd; empty when it is no socket. */
static void saker_put_tuple(struct saker_rec *r, long fd, bool peer_first)
{
	u8 *p = saker_param_begin(r, 20 + UNIX_PATH_MAX + 1);
	struct socket *sock;
	u32 n = 0;
	int err;

	if (!p)
		return;
	sock = fd >= 0 ? sockfd_lookup(fd, &err) : NULL;
	if (sock && sock->sk) {
		switch (sock->sk->sk_family) {
		case AF_INET:
			n = saker_tuple_inet(p, sock->sk, peer_first);
			break;
#if IS_ENABLED(CONFIG_IPV6)
		case AF_INET6:
			n = saker_tuple_inet6(p, sock->sk, peer_first);
			break;
#endif
		case AF_UNIX:
			n = saker_tuple_unix(p, sock);
			break;
		default:
			saker_tuple_head(p, sock->sk->sk_family, 0);
			n = 4;
			break;
		}
	}
	if (sock)
		sockfd_put(sock);
	saker_param_end(r, n, false);
}

/* socket(domain, type, protocol) */
int saker_fill_socket(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_u32(r, s->args[0]);
	saker_put_u32(r, s->args[1]);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* socketpair(domain, type, protocol, sv) */
int saker_fill_socketpair(struct saker_rec *r, const struct saker_sys *s)
{
	int sv[2] = { -1, -1 };
	bool fault = false;

	if (s->ret == 0)
		fault = saker_copy_from_user(sv, saker_arg_ptr(s, 3),
					     sizeof(sv)) != 0;
	saker_put_s64(r, s->ret);
	if (fault) {
		saker_put_fault(r);
		saker_put_fault(r);
	} else {
		saker_put_s64(r, sv[0]);
		saker_put_s64(r, sv[1]);
	}
	saker_put_u32(r, s->args[0]);
	saker_put_u32(r, s->args[1]);
	saker_put_u32(r, s->args[2]);
	return 0;
}

/* connect(fd, addr, addrlen) */
int saker_fill_connect(struct saker_rec *r, const struct saker_sys *s)
{
	int fd = saker_arg_int(s, 0);

	saker_put_s64(r, s->ret);
	saker_put_s64(r, fd);
	saker_put_usockaddr(r, saker_arg_ptr(s, 1), saker_arg_int(s, 2));
	saker_put_tuple(r, fd, false);
	return 0;
}

/* accept(fd, addr, addrlen), accept4(fd, addr, addrlen, flags) */
int saker_fill_accept(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_tuple(r, s->ret, true);
	if (s->type == SAKER_EVT_ACCEPT4)
		saker_put_u32(r, s->args[3]);
	return 0;
}

/* bind(fd, addr, addrlen) */
int saker_fill_bind(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_usockaddr(r, saker_arg_ptr(s, 1), saker_arg_int(s, 2));
	return 0;
}

/* listen(fd, backlog) */
int saker_fill_listen(struct saker_rec *r, const struct saker_sys *s)
{
	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_s32(r, saker_arg_int(s, 1));
	return 0;
}

/*
 * sendto(fd, buf, len, flags, addr, addrlen) and
 * recvfrom(fd, buf, len, flags, addr, addrlen_ptr): sent data is what the
 * caller offered, received data what arrived.
 */
int saker_fill_sendto(struct saker_rec *r, const struct saker_sys *s)
{
	bool send = s->type == SAKER_EVT_SENDTO;
	u64 len = s->compat ? (u32)s->args[2] : s->args[2];

	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	saker_put_u64(r, len);
	if (send)
		saker_put_usockaddr(r, saker_arg_ptr(s, 4),
				    saker_arg_int(s, 5));
	else
		saker_put_usockaddr_lenp(r, saker_arg_ptr(s, 4),
					 saker_arg_ptr(s, 5));
	if (send)
		saker_put_udata(r, saker_arg_ptr(s, 1),
				s->ret >= 0 ? s->ret : len);
	else
		saker_put_udata(r, saker_arg_ptr(s, 1),
				s->ret > 0 ? s->ret : 0);
	return 0;
}

static int saker_read_msg(const struct saker_sys *s, struct saker_msg *m)
{
	if (s->compat) {
		struct saker_msghdr32 h;

		if (saker_copy_from_user(&h, saker_arg_ptr(s, 1), sizeof(h)))
			return -EFAULT;
		m->name = compat_ptr(h.name);
		m->namelen = h.namelen;
		m->iov = compat_ptr(h.iov);
		m->iovlen = h.iovlen;
	} else {
		struct user_msghdr h;

		if (saker_copy_from_user(&h, saker_arg_ptr(s, 1), sizeof(h)))
			return -EFAULT;
		m->name = h.msg_name;
		m->namelen = h.msg_namelen;
		m->iov = h.msg_iov;
		m->iovlen = h.msg_iovlen;
	}
	return 0;
}

/* Entry @i of a user iovec array, native or compat. */
static int saker_read_iov(const struct saker_sys *s, void __user *iov,
			  unsigned long i, void __user **base, u64 *len)
{
	if (s->compat) {
		struct saker_iovec32 v;

		if (saker_copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return -EFAULT;
		*base = compat_ptr(v.base);
		*len = v.len;
	} else {
		struct iovec v;

		if (saker_copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return -EFAULT;
		*base = v.iov_base;
		*len = v.iov_len;
	}
	return 0;
}

/* Total length of the first SAKER_IOV_MAX iovecs, or -EFAULT. */
static s64 saker_iov_size(const struct saker_sys *s, const struct saker_msg *m)
{
	unsigned long i, n = min_t(unsigned long, m->iovlen, SAKER_IOV_MAX);
	void __user *base;
	u64 total = 0, len;

	for (i = 0; i < n; i++) {
		if (saker_read_iov(s, m->iov, i, &base, &len))
			return -EFAULT;
		total += len;
	}
	return total;
}

/* Up to the snaplen of the @avail bytes the iovecs carry, as one BYTES. */
static void saker_put_iov_data(struct saker_rec *r, const struct saker_sys *s,
			       const struct saker_msg *m, u64 avail)
{
	u32 snap = READ_ONCE(saker_state.snaplen);
	u32 want = min_t(u64, avail, snap);
	unsigned long i, n = min_t(unsigned long, m->iovlen, SAKER_IOV_MAX);
	u8 *p = saker_param_begin(r, want);
	u32 got = 0;

	if (!p)
		return;
	for (i = 0; i < n && got < want; i++) {
		void __user *base;
		u64 len;
		u32 chunk;

		if (saker_read_iov(s, m->iov, i, &base, &len))
			break;
		chunk = min_t(u64, len, want - got);
		if (chunk && saker_copy_from_user(p + got, base, chunk))
			break;
		got += chunk;
	}
	if (got < want && i < n) {
		saker_put_fault(r);
		return;
	}
	saker_param_end(r, got, avail > got);
}

/* sendmsg(fd, msg, flags), recvmsg(fd, msg, flags) */
int saker_fill_msg(struct saker_rec *r, const struct saker_sys *s)
{
	bool send = s->type == SAKER_EVT_SENDMSG;
	struct saker_msg m;
	s64 size;

	saker_put_s64(r, s->ret);
	saker_put_s64(r, saker_arg_int(s, 0));
	if (saker_read_msg(s, &m)) {
		saker_put_fault_rest(r);
		return 0;
	}
	size = saker_iov_size(s, &m);
	if (size < 0)
		saker_put_fault(r);
	else
		saker_put_u64(r, size);
	saker_put_usockaddr(r, m.name, m.namelen);
	if (send)
		saker_put_iov_data(r, s, &m, s->ret >= 0 ? s->ret :
				   max_t(s64, size, 0));
	else
		saker_put_iov_data(r, s, &m, s->ret > 0 ? s->ret : 0);
	return 0;
}
