// SPDX-License-Identifier: MIT
/*
 * SOCKADDR/TUPLE payloads: wire layout (see include/saker/event.h) and text
 * forms.  All reads are bounds-checked against the payload length.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "event/sockaddr.h"
#include "saker/event.h"

static size_t addr_width(uint16_t family)
{
	return family == SAKER_AF_INET ? 4 : family == SAKER_AF_INET6 ? 16 : 0;
}

int sk_sockaddr_decode(const void *p, size_t len, SkSockaddr *ret)
{
	const uint8_t *b = p;
	size_t w;

	memset(ret, 0, sizeof(*ret));
	if (len < 2)
		return -EBADMSG;
	memcpy(&ret->family, b, 2);
	switch (ret->family) {
	case SAKER_AF_INET:
	case SAKER_AF_INET6:
		w = addr_width(ret->family);
		if (len < 4 + w)
			return -EBADMSG;
		memcpy(&ret->port, b + 2, 2);
		memcpy(ret->addr, b + 4, w);
		return 0;
	case SAKER_AF_UNIX:
		ret->path = (const char *)b + 2;
		ret->path_len = strnlen(ret->path, MIN(len - 2, (size_t)SK_UNIX_PATH_MAX));
		return 0;
	default:
		return 0;
	}
}

int sk_tuple_decode(const void *p, size_t len, SkTuple *ret)
{
	const uint8_t *b = p;
	size_t w;

	memset(ret, 0, sizeof(*ret));
	if (len < 4)
		return -EBADMSG;
	memcpy(&ret->family, b, 2);
	ret->l4proto = b[2];
	switch (ret->family) {
	case SAKER_AF_INET:
	case SAKER_AF_INET6:
		w = addr_width(ret->family);
		if (len < 4 + 2 * (w + 2))
			return -EBADMSG;
		memcpy(ret->saddr, b + 4, w);
		memcpy(&ret->sport, b + 4 + w, 2);
		memcpy(ret->daddr, b + 6 + w, w);
		memcpy(&ret->dport, b + 6 + 2 * w, 2);
		return 0;
	case SAKER_AF_UNIX:
		if (len < 20)
			return -EBADMSG;
		memcpy(&ret->usrc, b + 4, 8);
		memcpy(&ret->udst, b + 12, 8);
		ret->path = (const char *)b + 20;
		ret->path_len = strnlen(ret->path, MIN(len - 20, (size_t)SK_UNIX_PATH_MAX));
		return 0;
	default:
		return -EBADMSG;
	}
}

int sk_sockaddr_encode(const SkSockaddr *a, uint8_t *buf, size_t size)
{
	size_t w = addr_width(a->family), n;

	switch (a->family) {
	case SAKER_AF_INET:
	case SAKER_AF_INET6:
		n = 4 + w;
		if (size < n)
			return -E2BIG;
		memcpy(buf, &a->family, 2);
		memcpy(buf + 2, &a->port, 2);
		memcpy(buf + 4, a->addr, w);
		return (int)n;
	case SAKER_AF_UNIX:
		if (a->path_len > SK_UNIX_PATH_MAX)
			return -E2BIG;
		n = 2 + a->path_len + 1;
		if (size < n)
			return -E2BIG;
		memcpy(buf, &a->family, 2);
		if (a->path_len)
			memcpy(buf + 2, a->path, a->path_len);
		buf[2 + a->path_len] = 0;
		return (int)n;
	default:
		if (size < 2)
			return -E2BIG;
		memcpy(buf, &a->family, 2);
		return 2;
	}
}

int sk_tuple_encode(const SkTuple *t, uint8_t *buf, size_t size)
{
	size_t w = addr_width(t->family), n;

	if (size < 4)
		return -E2BIG;
	memcpy(buf, &t->family, 2);
	buf[2] = t->l4proto;
	buf[3] = 0;
	switch (t->family) {
	case SAKER_AF_INET:
	case SAKER_AF_INET6:
		n = 4 + 2 * (w + 2);
		if (size < n)
			return -E2BIG;
		memcpy(buf + 4, t->saddr, w);
		memcpy(buf + 4 + w, &t->sport, 2);
		memcpy(buf + 6 + w, t->daddr, w);
		memcpy(buf + 6 + 2 * w, &t->dport, 2);
		return (int)n;
	case SAKER_AF_UNIX:
		if (t->path_len > SK_UNIX_PATH_MAX)
			return -E2BIG;
		n = 20 + t->path_len + 1;
		if (size < n)
			return -E2BIG;
		memcpy(buf + 4, &t->usrc, 8);
		memcpy(buf + 12, &t->udst, 8);
		if (t->path_len)
			memcpy(buf + 20, t->path, t->path_len);
		buf[20 + t->path_len] = 0;
		return (int)n;
	default:
		return -EINVAL;
	}
}

/* ---- text ---- */

static int parse_port(const char *s, size_t n, uint16_t *ret)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

/* "a.b.c.d:port" or "[v6]:port" in s[0..n). */
static int parse_inet(const char *s, size_t n, uint16_t *family, uint8_t addr[16], uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *colon;
	size_t alen;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (!close || (size_t)(close - s) + 1 >= n || close[1] != ':')
			return -EINVAL;
		alen = (size_t)(close - s - 1);
		if (alen == 0 || alen >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s + 1, alen);
		buf[alen] = 0;
		memset(addr, 0, 16);
		if (inet_pton(AF_INET6, buf, addr) != 1)
			return -EINVAL;
		*family = SAKER_AF_INET6;
		return parse_port(close + 2, n - (size_t)(close + 2 - s), port);
	}
	colon = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ':')
			colon = s + i;
	if (!colon)
		return -EINVAL;
	alen = (size_t)(colon - s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = 0;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) != 1)
		return -EINVAL;
	*family = SAKER_AF_INET;
	return parse_port(colon + 1, n - alen - 1, port);
}

int sk_sockaddr_parse(const char *text, SkSockaddr *ret)
{
	size_t n = strlen(text);

	memset(ret, 0, sizeof(*ret));
	if (text[0] == '/' || text[0] == '@') {
		if (n > SK_UNIX_PATH_MAX)
			return -EINVAL;
		ret->family = SAKER_AF_UNIX;
		ret->path = text;
		ret->path_len = n;
		return 0;
	}
	if (strncmp(text, "family:", 7) == 0) {
		char *end;
		unsigned long v = strtoul(text + 7, &end, 10);

		if (end == text + 7 || *end || v > 0xffff || v == SAKER_AF_INET ||
		    v == SAKER_AF_INET6 || v == SAKER_AF_UNIX)
			return -EINVAL;
		ret->family = (uint16_t)v;
		return 0;
	}
	return parse_inet(text, n, &ret->family, ret->addr, &ret->port);
}

static bool parse_hex64(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 16)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*ret = v;
	return true;
}

int sk_tuple_parse(const char *text, SkTuple *ret)
{
	const char *arrow = strstr(text, "->"), *rhs, *sp;
	uint16_t f1, f2;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!arrow)
		return -EINVAL;
	rhs = arrow + 2;
	/* unix: "HEX->HEX PATH" */
	sp = strchr(rhs, ' ');
	if (parse_hex64(text, (size_t)(arrow - text), &ret->usrc)) {
		size_t dn = sp ? (size_t)(sp - rhs) : strlen(rhs);

		if (!parse_hex64(rhs, dn, &ret->udst))
			return -EINVAL;
		ret->family = SAKER_AF_UNIX;
		if (sp) {
			ret->path = sp + 1;
			ret->path_len = strlen(sp + 1);
			if (ret->path_len > SK_UNIX_PATH_MAX)
				return -EINVAL;
		}
		return 0;
	}
	r = parse_inet(text, (size_t)(arrow - text), &f1, ret->saddr, &ret->sport);
	if (r < 0)
		return r;
	r = parse_inet(rhs, strlen(rhs), &f2, ret->daddr, &ret->dport);
	if (r < 0)
		return r;
	if (f1 != f2)
		return -EINVAL;
	ret->family = f1;
	return 0;
}

static int format_inet(StrBuf *sb, uint16_t family, const uint8_t *addr, uint16_t port,
		       bool brackets)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == SAKER_AF_INET ? AF_INET : AF_INET6, addr, buf, sizeof(buf)))
		return -EINVAL;
	if (family == SAKER_AF_INET6 && brackets)
		return strbuf_printf(sb, "[%s]:%u", buf, port);
	return strbuf_printf(sb, "%s:%u", buf, port);
}

int sk_sockaddr_format(StrBuf *sb, const SkSockaddr *a, bool brackets)
{
	switch (a->family) {
	case SAKER_AF_INET:
	case SAKER_AF_INET6:
		return format_inet(sb, a->family, a->addr, a->port, brackets);
	case SAKER_AF_UNIX:
		return strbuf_append(sb, a->path ? a->path : "", a->path_len);
	default:
		return strbuf_printf(sb, "family:%u", a->family);
	}
}

int sk_tuple_format(StrBuf *sb, const SkTuple *t, bool brackets)
{
	int r;

	switch (t->family) {
	case SAKER_AF_INET:
	case SAKER_AF_INET6:
		r = format_inet(sb, t->family, t->saddr, t->sport, brackets);
		if (r >= 0)
			r = strbuf_puts(sb, "->");
		if (r >= 0)
			r = format_inet(sb, t->family, t->daddr, t->dport, brackets);
		return r;
	case SAKER_AF_UNIX:
		r = strbuf_printf(sb, "%" PRIx64 "->%" PRIx64 " ", t->usrc, t->udst);
		if (r >= 0)
			r = strbuf_append(sb, t->path ? t->path : "", t->path_len);
		return r;
	default:
		return -EINVAL;
	}
}

static const struct {
	uint8_t proto;
	const char *name;
} l4names[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "icmpv6" },
	{ IPPROTO_RAW, "raw" },
};

const char *sk_l4proto_name(uint8_t l4proto)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(l4names); i++)
		if (l4names[i].proto == l4proto)
			return l4names[i].name;
	return NULL;
}

int sk_l4proto_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(l4names); i++)
		if (strcmp(l4names[i].name, name) == 0)
			return l4names[i].proto;
	return -EINVAL;
}
