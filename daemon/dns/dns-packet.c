// SPDX-License-Identifier: MIT
/*
 * DNS queries and answers (RFC 1035, 2181, 2308).  See dns-packet.h.
 *
 * The parser trusts nothing in a message: every read is checked against its
 * length, a name may use at most DNS_MAX_POINTERS compression pointers and
 * each must point before the start of the part of the name being read, so
 * pointer chains always move backwards and cannot loop.  Names are compared
 * as lower-cased text; a name with bytes other than letters, digits, '-'
 * and '_' is read but never equals a name the resolver asked for.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/macro.h"
#include "dns/dns-packet.h"

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* A character of a host name label, after lower-casing. */
static inline bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int dns_name_normalize(const char *name, size_t len, char *out)
{
	size_t i, label = 0;

	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_MAX_NAME)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = lower(name[i]);

		if (c == '.') {
			if (label == 0)
				return -EINVAL;
			label = 0;
		} else if (host_char(c) && ++label <= DNS_MAX_LABEL) {
			/* fine */
		} else {
			return -EINVAL;
		}
		out[i] = c;
	}
	if (label == 0)
		return -EINVAL;
	out[len] = 0;
	return (int)len;
}

int dns_packet_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size)
{
	size_t len = strlen(name), o = DNS_HEADER_SIZE, start = 0, i;

	if (qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA)
		return -EINVAL;
	if (len == 0 || len > DNS_MAX_NAME)
		return -EINVAL;
	/* header, length byte per label (one more than the dots), labels, root, type, class */
	if (size < DNS_HEADER_SIZE + len + 2 + 4)
		return -ENOBUFS;
	memset(buf, 0, DNS_HEADER_SIZE);
	put16(buf, id);
	buf[2] = 0x01; /* RD: the server resolves recursively */
	put16(buf + 4, 1); /* QDCOUNT */
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '.')
			continue;
		if (i == start || i - start > DNS_MAX_LABEL)
			return -EINVAL;
		buf[o++] = (uint8_t)(i - start);
		memcpy(buf + o, name + start, i - start);
		o += i - start;
		start = i + 1;
	}
	buf[o++] = 0;
	put16(buf + o, qtype);
	put16(buf + o + 2, DNS_CLASS_IN);
	return (int)(o + 4);
}

/*
 * Read the name at *off of p[0..n) and set *off past its bytes in the
 * record (a compression pointer ends it there).  When out is not NULL the
 * name is written to it (DNS_NAME_BUFSZ bytes) lower-cased with labels
 * joined by '.', the root as "", and *ret_host tells whether it is a host
 * name.  -EBADMSG when it leaves the message, loops or is too long.
 */
static int name_read(const uint8_t *p, size_t n, size_t *off, char *out, bool *ret_host)
{
	size_t pos = *off, seg = *off, end = 0, wire = 1, o = 0;
	unsigned hops = 0;
	bool host = true;

	for (;;) {
		uint8_t len;

		if (pos >= n)
			return -EBADMSG;
		len = p[pos];
		if ((len & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= n || ++hops > DNS_MAX_POINTERS)
				return -EBADMSG;
			target = (size_t)(len & 0x3f) << 8 | p[pos + 1];
			/* only backwards, before the part being read: no loops */
			if (target >= seg)
				return -EBADMSG;
			if (!end)
				end = pos + 2;
			pos = seg = target;
			continue;
		}
		if (len & 0xc0)
			return -EBADMSG; /* extended label types (RFC 6891 obsoleted them) */
		if (len == 0)
			break;
		wire += 1u + len;
		if (wire > DNS_MAX_NAME_WIRE || pos + 1 + len > n)
			return -EBADMSG;
		if (out) {
			size_t i;

			if (o)
				out[o++] = '.';
			for (i = 0; i < len; i++) {
				char c = lower((char)p[pos + 1 + i]);

				if (!host_char(c))
					host = false;
				out[o++] = c;
			}
		}
		pos += 1u + len;
	}
	*off = end ? end : pos + 1;
	if (out) {
		out[o] = 0;
		*ret_host = host && o > 0;
	}
	return 0;
}

/* One resource record; the owner is read only when wanted. */
typedef struct Rr {
	char owner[DNS_NAME_BUFSZ];
	bool host; /* the owner is a host name */
	uint16_t type, cls;
	uint32_t ttl;
	size_t rdata, rdlen;
} Rr;

static int rr_read(const uint8_t *p, size_t n, size_t *off, Rr *rr)
{
	int r;

	r = name_read(p, n, off, rr->owner, &rr->host);
	if (r < 0)
		return r;
	if (n - *off < 10)
		return -EBADMSG;
	rr->type = get16(p + *off);
	rr->cls = get16(p + *off + 2);
	rr->ttl = get32(p + *off + 4);
	/* RFC 2181 8: a TTL with the top bit set is zero */
	if (rr->ttl & 0x80000000u)
		rr->ttl = 0;
	rr->rdlen = get16(p + *off + 8);
	rr->rdata = *off + 10;
	if (rr->rdlen > n - rr->rdata)
		return -EBADMSG;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

static inline bool rr_owned_by(const Rr *rr, const char *name)
{
	return rr->host && rr->cls == DNS_CLASS_IN && strcmp(rr->owner, name) == 0;
}

/* A name inside rdata: it must end within the record. */
static int rdata_name(const uint8_t *p, size_t n, const Rr *rr, size_t *off, char *out,
		      bool *ret_host)
{
	size_t end = rr->rdata + rr->rdlen;
	int r;

	r = name_read(p, n, off, out, ret_host);
	if (r < 0)
		return r;
	return *off <= end ? 0 : -EBADMSG;
}

/* The target of the CNAME owned by name in the answer section: 1, 0 when none. */
static int find_cname(const uint8_t *p, size_t n, size_t off, unsigned count, const char *name,
		      char *target, uint32_t *ttl)
{
	unsigned i;
	Rr rr;
	int r;

	for (i = 0; i < count; i++) {
		bool host;
		size_t o;

		r = rr_read(p, n, &off, &rr);
		if (r < 0)
			return r;
		if (rr.type != DNS_TYPE_CNAME || !rr_owned_by(&rr, name))
			continue;
		o = rr.rdata;
		r = rdata_name(p, n, &rr, &o, target, &host);
		if (r < 0)
			return r;
		if (!host)
			target[0] = 0; /* names nothing the question could match */
		if (rr.ttl < *ttl)
			*ttl = rr.ttl;
		return 1;
	}
	return 0;
}

static void add_addr(DnsAnswer *a, uint8_t family, const uint8_t *addr)
{
	size_t i, len = family == 4 ? 4 : 16;

	for (i = 0; i < a->naddrs; i++)
		if (a->addrs[i].family == family && memcmp(a->addrs[i].addr, addr, len) == 0)
			return;
	if (a->naddrs >= DNS_MAX_ADDRS)
		return;
	memset(&a->addrs[a->naddrs], 0, sizeof(a->addrs[0]));
	a->addrs[a->naddrs].family = family;
	memcpy(a->addrs[a->naddrs].addr, addr, len);
	a->naddrs++;
}

/* RFC 2308 5: a negative answer is cached for min(SOA TTL, SOA MINIMUM). */
static int negative_ttl(const uint8_t *p, size_t n, size_t off, unsigned count, uint32_t *ttl)
{
	unsigned i;
	Rr rr;
	int r;

	for (i = 0; i < count; i++) {
		size_t o;
		bool host;
		uint32_t min;

		r = rr_read(p, n, &off, &rr);
		if (r < 0)
			return r;
		if (rr.type != DNS_TYPE_SOA || rr.cls != DNS_CLASS_IN)
			continue;
		o = rr.rdata;
		r = rdata_name(p, n, &rr, &o, NULL, &host); /* MNAME */
		if (r >= 0)
			r = rdata_name(p, n, &rr, &o, NULL, &host); /* RNAME */
		if (r < 0)
			return r;
		if (rr.rdata + rr.rdlen - o < 20)
			return -EBADMSG;
		min = get32(p + o + 16);
		if (min & 0x80000000u)
			min = 0;
		*ttl = MIN(*ttl, MIN(rr.ttl, min));
		return 0;
	}
	return 0;
}

int dns_packet_parse(const uint8_t *p, size_t n, uint16_t id, const char *name, uint16_t qtype,
		     DnsAnswer *ret)
{
	char cur[DNS_NAME_BUFSZ], next[DNS_NAME_BUFSZ];
	unsigned qd, an, ns, i;
	size_t off = DNS_HEADER_SIZE, answers, authority;
	uint16_t flags;
	bool host;
	Rr rr;
	int r;

	memset(ret, 0, offsetof(DnsAnswer, addrs));
	if (n < DNS_HEADER_SIZE)
		return -EBADMSG;
	flags = get16(p + 2);
	if (get16(p) != id || !(flags & 0x8000) || (flags >> 11 & 0xf) != 0)
		return -ESRCH; /* another id, a query, another opcode */
	qd = get16(p + 4);
	an = MIN(get16(p + 6), DNS_MAX_RECORDS);
	ns = MIN(get16(p + 8), DNS_MAX_RECORDS);
	if (qd != 1)
		return -ESRCH;
	r = name_read(p, n, &off, cur, &host);
	if (r < 0)
		return r;
	if (n - off < 4)
		return -EBADMSG;
	if (!host || strcmp(cur, name) != 0 || get16(p + off) != qtype ||
	    get16(p + off + 2) != DNS_CLASS_IN)
		return -ESRCH;
	off += 4;

	ret->id = id;
	ret->rcode = flags & 0xf;
	ret->truncated = (flags & 0x0200) != 0;
	ret->ttl = UINT32_MAX;
	if (ret->truncated || (ret->rcode != DNS_RCODE_NOERROR && ret->rcode != DNS_RCODE_NXDOMAIN))
		return 0;

	/* the whole answer section must be well formed, even past what is used */
	answers = off;
	for (i = 0; i < an; i++) {
		r = rr_read(p, n, &off, &rr);
		if (r < 0)
			return r;
	}
	authority = off;

	if (ret->rcode == DNS_RCODE_NOERROR) {
		/* cur holds the question's name, equal to name */
		for (;;) {
			r = find_cname(p, n, answers, an, cur, next, &ret->ttl);
			if (r < 0)
				return r;
			if (r == 0)
				break;
			if (ret->cnames++ == DNS_MAX_CNAME_CHAIN || !next[0]) {
				/* too long (or a loop), or an odd target: no addresses */
				cur[0] = 0;
				break;
			}
			memcpy(cur, next, sizeof(cur));
		}
		off = answers;
		for (i = 0; i < an && cur[0]; i++) {
			r = rr_read(p, n, &off, &rr);
			if (r < 0)
				return r;
			if (rr.type != qtype || !rr_owned_by(&rr, cur))
				continue;
			if (rr.rdlen != (qtype == DNS_TYPE_A ? 4u : 16u))
				continue;
			add_addr(ret, qtype == DNS_TYPE_A ? 4 : 6, p + rr.rdata);
			if (rr.ttl < ret->ttl)
				ret->ttl = rr.ttl;
		}
	}
	if (ret->naddrs == 0) {
		r = negative_ttl(p, n, authority, ns, &ret->ttl);
		if (r < 0)
			return r;
	}
	return 0;
}
