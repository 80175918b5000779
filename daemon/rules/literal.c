// SPDX-License-Identifier: MIT
/*
 * Constant parsing for conditions.  See literal.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/macro.h"
#include "rules/literal.h"

/* Longest text we try as an address ("ffff:...:255.255.255.255/128" fits). */
#define LITERAL_MAX_IP 64

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unsigned magnitude of s[0..n): decimal or 0x hex, no sign. */
static int magnitude(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned base = 10;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= n)
		return -EINVAL;
	for (; i < n; i++) {
		int d = base == 16 ? hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	*ret = v;
	return 0;
}

int literal_int64(const char *s, size_t n, int64_t *ret)
{
	bool neg = false;
	uint64_t m;
	int r;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	r = magnitude(s, n, &m);
	if (r < 0)
		return r;
	if (neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > (uint64_t)INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)m;
	}
	return 0;
}

int literal_uint64(const char *s, size_t n, uint64_t *ret)
{
	if (n && s[0] == '+') {
		s++;
		n--;
	}
	if (n && s[0] == '-') {
		uint64_t m;

		/* "-0" is zero; anything else negative is out of range */
		if (magnitude(s + 1, n - 1, &m) == 0 && m == 0) {
			*ret = 0;
			return 0;
		}
		return -ERANGE;
	}
	return magnitude(s, n, ret);
}

int literal_bool(const char *s, size_t n, bool *ret)
{
	if (n == 4 && memcmp(s, "true", 4) == 0)
		*ret = true;
	else if (n == 5 && memcmp(s, "false", 5) == 0)
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

int literal_ip(const char *s, size_t n, IpAddr *ret)
{
	char buf[LITERAL_MAX_IP];
	IpAddr a = { 0 };

	if (n == 0 || n >= sizeof(buf) || memchr(s, 0, n))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (memchr(s, ':', n)) {
		if (inet_pton(AF_INET6, buf, a.addr) != 1)
			return -EINVAL;
		a.family = 6;
		a.prefix = 128;
	} else {
		if (inet_pton(AF_INET, buf, a.addr) != 1)
			return -EINVAL;
		a.family = 4;
		a.prefix = 32;
	}
	*ret = a;
	return 0;
}

int literal_cidr(const char *s, size_t n, IpAddr *ret)
{
	const char *slash = memchr(s, '/', n);
	uint64_t len;
	IpAddr a;
	int r;

	if (!slash)
		return -EINVAL;
	r = literal_ip(s, (size_t)(slash - s), &a);
	if (r < 0)
		return r;
	n -= (size_t)(slash - s) + 1;
	s = slash + 1;
	/* decimal digits only: "/0x8" is not a prefix length */
	if (n == 0 || n > 3 || strspn(s, "0123456789") < n)
		return -EINVAL;
	r = magnitude(s, n, &len);
	if (r < 0 || len > (a.family == 6 ? 128u : 32u))
		return -EINVAL;
	a.prefix = (uint8_t)len;
	*ret = a;
	return 0;
}

int literal_unhex(const char *s, size_t n, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *out = malloc(n / 2 + 1);
	size_t i = 0, o = 0;

	if (!out)
		return -ENOMEM;
	while (i < n) {
		int hi, lo;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return -EINVAL;
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	if (!o)
		return -EINVAL;
	out[o] = 0;
	*ret_len = o;
	*ret = TAKE_PTR(out);
	return 0;
}

bool ip_in_net(const IpAddr *a, const IpAddr *net)
{
	unsigned full, rest, max = net->family == 6 ? 128 : 32, plen = net->prefix;

	if (a->family != net->family)
		return false;
	if (plen > max)
		plen = max;
	full = plen / 8;
	rest = plen % 8;
	if (memcmp(a->addr, net->addr, full) != 0)
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		if ((a->addr[full] & mask) != (net->addr[full] & mask))
			return false;
	}
	return true;
}
