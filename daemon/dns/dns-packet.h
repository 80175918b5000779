/* SPDX-License-Identifier: MIT */
/*
 * DNS messages for the resolver (dns.c): building an A or AAAA query and
 * reading the addresses out of an answer, following CNAME chains inside
 * it.  Pure functions over byte buffers, every length and compression
 * pointer checked, so the parser can be fuzzed on its own.
 */
#ifndef SAKER_DNS_PACKET_H
#define SAKER_DNS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_REFUSED 5

#define DNS_HEADER_SIZE 12
/* Longest name on the wire, length bytes included (RFC 1035 2.3.4). */
#define DNS_MAX_NAME_WIRE 255
/* Longest name as text, without a trailing dot (255 wire bytes: 253 characters). */
#define DNS_MAX_NAME 253
/* Buffer size for a name as text, NUL included. */
#define DNS_NAME_BUFSZ (DNS_MAX_NAME + 1)
#define DNS_MAX_LABEL 63
/* A DNS message over UDP without EDNS (RFC 1035 4.2.1); larger answers set TC. */
#define DNS_UDP_MAX 512
/* A DNS message over TCP: a 16-bit length prefix (RFC 1035 4.2.2). */
#define DNS_TCP_MAX 65535
/* A query: header, the longest name, type and class. */
#define DNS_QUERY_MAX (DNS_HEADER_SIZE + DNS_MAX_NAME_WIRE + 4)
/*
 * Addresses kept from one answer.  Round-robin pools and CDNs rarely give
 * more than a dozen; the rest of a larger answer is ignored.
 */
#define DNS_MAX_ADDRS 64
/* CNAME links followed inside one answer (resolvers stop around 8-16). */
#define DNS_MAX_CNAME_CHAIN 16
/* Resource records read per section; the rest of a message is ignored. */
#define DNS_MAX_RECORDS 512
/* Compression pointers followed while reading one name. */
#define DNS_MAX_POINTERS 64

typedef struct DnsAddr {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
} DnsAddr;

typedef struct DnsAnswer {
	uint16_t id;
	uint8_t rcode;
	bool truncated; /* TC: the answer did not fit, ask again over TCP */
	/*
	 * Seconds the result may be cached: the smallest TTL of the records
	 * used (CNAME links and addresses), for a negative answer that of the
	 * SOA in the authority section (RFC 2308); UINT32_MAX when the message
	 * gives none (the caller's clamp applies).
	 */
	uint32_t ttl;
	unsigned cnames; /* CNAME links followed */
	size_t naddrs;
	DnsAddr addrs[DNS_MAX_ADDRS];
} DnsAnswer;

/*
 * Normalize a domain name as rules write it into out (DNS_NAME_BUFSZ
 * bytes): lower-cased, one trailing dot removed.  The name must be a host
 * name: labels of 1 to 63 letters, digits, '-' or '_', at most 253
 * characters.  Returns the length, or -EINVAL (an empty name, a wildcard,
 * a space...).
 */
int dns_name_normalize(const char *name, size_t len, char *out);

/*
 * Write a recursive query (RD set) for name (normalized) and type A or
 * AAAA with the given id into buf.  Returns its length or -EINVAL, -ENOBUFS
 * when size is too small (DNS_QUERY_MAX always suffices).
 */
int dns_packet_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size);

/*
 * Read the answer p[0..n) to the query (id, name, qtype).  Returns 0 with
 * *ret filled: rcode, truncated, and for NOERROR the addresses of type
 * qtype owned by name or by the end of the CNAME chain starting at name.
 * Returns -ESRCH when the message is not the answer to that question (a
 * query, another id, another question: to be ignored), -EBADMSG when it is
 * malformed (a length or pointer outside the message, a pointer loop, a
 * name over 255 bytes).
 */
int dns_packet_parse(const uint8_t *p, size_t n, uint16_t id, const char *name, uint16_t qtype,
		     DnsAnswer *ret);

#endif /* SAKER_DNS_PACKET_H */
