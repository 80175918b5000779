// SPDX-License-Identifier: MIT
/*
 * Test-only encoder of raw saker records; see evbuild.h.  Any misuse (more
 * parameters than SAKER_MAX_PARAMS, an oversized record, a bad address)
 * aborts, which fails the calling test loudly.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event/event-info.h"
#include "evbuild.h"

static struct {
	struct saker_event_hdr hdr;
	uint16_t lens[SAKER_MAX_PARAMS];
	unsigned n;
	uint8_t data[SAKER_EVENT_MAX_LEN];
	size_t used;
	int active;
} b;

static void die(const char *what)
{
	fprintf(stderr, "evbuild: %s\n", what);
	abort();
}

void evbuild_begin(uint16_t type, uint64_t ts, uint32_t tid, uint32_t pid)
{
	memset(&b.hdr, 0, sizeof(b.hdr));
	b.hdr.type = type;
	b.hdr.ts = ts;
	b.hdr.tid = tid;
	b.hdr.pid = pid;
	b.n = 0;
	b.used = 0;
	b.active = 1;
}

void evbuild_cpu(uint16_t cpu)
{
	b.hdr.cpu = cpu;
}

void evbuild_flags(uint16_t flags)
{
	b.hdr.flags = flags;
}

static void put(const void *p, size_t n, uint16_t extra)
{
	if (!b.active)
		die("parameter outside evbuild_begin/evbuild_end");
	if (b.n >= SAKER_MAX_PARAMS)
		die("too many parameters");
	if (n > SAKER_PARAM_MAX || b.used + n > sizeof(b.data) - 1024)
		die("record too large");
	if (n)
		memcpy(b.data + b.used, p, n);
	b.used += n;
	b.lens[b.n++] = (uint16_t)n | extra;
}

void evbuild_s64(int64_t v)
{
	put(&v, 8, 0);
}

void evbuild_u64(uint64_t v)
{
	put(&v, 8, 0);
}

void evbuild_s32(int32_t v)
{
	put(&v, 4, 0);
}

void evbuild_u32(uint32_t v)
{
	put(&v, 4, 0);
}

void evbuild_u16(uint16_t v)
{
	put(&v, 2, 0);
}

void evbuild_str(const char *s)
{
	put(s, strlen(s) + 1, 0);
}

void evbuild_strarr(const char *const *v, size_t n)
{
	uint8_t tmp[8192];
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		if (o + l > sizeof(tmp))
			die("string array too large");
		memcpy(tmp + o, v[i], l);
		o += l;
	}
	put(tmp, o, 0);
}

void evbuild_bytes(const void *p, size_t n)
{
	put(p, n, 0);
}

void evbuild_empty(void)
{
	put(NULL, 0, 0);
}

void evbuild_fault(void)
{
	put(NULL, 0, SAKER_PARAM_FAULT);
}

static void parse_ip(int family, const char *ip, void *out)
{
	if (inet_pton(family, ip, out) != 1)
		die("bad address");
}

void evbuild_sockaddr_in(const char *ip, uint16_t port)
{
	struct saker_sockaddr_in a = { .family = SAKER_AF_INET, .port = port };

	parse_ip(AF_INET, ip, a.addr);
	put(&a, sizeof(a), 0);
}

void evbuild_sockaddr_in6(const char *ip, uint16_t port)
{
	struct saker_sockaddr_in6 a = { .family = SAKER_AF_INET6, .port = port };

	parse_ip(AF_INET6, ip, a.addr);
	put(&a, sizeof(a), 0);
}

void evbuild_sockaddr_un(const char *path)
{
	uint8_t tmp[2 + 109];
	uint16_t family = SAKER_AF_UNIX;
	size_t l = strlen(path) + 1;

	if (l > 109)
		die("unix path too long");
	memcpy(tmp, &family, 2);
	memcpy(tmp + 2, path, l);
	put(tmp, 2 + l, 0);
}

void evbuild_tuple_in(uint8_t l4proto, const char *sip, uint16_t sport, const char *dip,
		      uint16_t dport)
{
	struct saker_tuple_in t = { .family = SAKER_AF_INET, .l4proto = l4proto };

	parse_ip(AF_INET, sip, t.saddr);
	parse_ip(AF_INET, dip, t.daddr);
	t.sport = sport;
	t.dport = dport;
	put(&t, sizeof(t), 0);
}

void evbuild_tuple_in6(uint8_t l4proto, const char *sip, uint16_t sport, const char *dip,
		       uint16_t dport)
{
	struct saker_tuple_in6 t = { .family = SAKER_AF_INET6, .l4proto = l4proto };

	parse_ip(AF_INET6, sip, t.saddr);
	parse_ip(AF_INET6, dip, t.daddr);
	t.sport = sport;
	t.dport = dport;
	put(&t, sizeof(t), 0);
}

void evbuild_tuple_un(uint64_t sock, uint64_t peer, const char *path)
{
	uint8_t tmp[4 + 16 + 109] = { 0 };
	uint16_t family = SAKER_AF_UNIX;
	size_t l = strlen(path) + 1;

	if (l > 109)
		die("unix path too long");
	memcpy(tmp, &family, 2);
	memcpy(tmp + 4, &sock, 8);
	memcpy(tmp + 12, &peer, 8);
	memcpy(tmp + 20, path, l);
	put(tmp, 20 + l, 0);
}

int evbuild_end(void **ret_buf, size_t *ret_len)
{
	const struct event_info *ei = event_info_get(b.hdr.type);
	size_t len, off;
	uint8_t *rec;

	if (!b.active || !ei)
		die("evbuild_end without a valid evbuild_begin");
	while (b.n < ei->nparams)
		evbuild_empty();
	len = sizeof(b.hdr) + b.n * 2 + b.used;
	len = (len + SAKER_EVENT_ALIGN - 1) & ~(size_t)(SAKER_EVENT_ALIGN - 1);
	if (len > SAKER_EVENT_MAX_LEN)
		die("record too large");
	rec = calloc(1, len);
	if (!rec)
		die("out of memory");
	b.hdr.len = (uint32_t)len;
	b.hdr.nparams = (uint16_t)b.n;
	memcpy(rec, &b.hdr, sizeof(b.hdr));
	off = sizeof(b.hdr);
	memcpy(rec + off, b.lens, b.n * 2);
	off += b.n * 2;
	memcpy(rec + off, b.data, b.used);
	b.active = 0;
	*ret_buf = rec;
	*ret_len = len;
	return 0;
}

int evbuild_end_decode(SkEvent *ret, void **ret_buf)
{
	size_t len;
	int r;

	evbuild_end(ret_buf, &len);
	memset(ret, 0, sizeof(*ret));
	r = sk_event_decode(*ret_buf, len, ret);
	return r < 0 ? r : 0;
}
