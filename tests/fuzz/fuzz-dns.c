// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the DNS answer parser (daemon/dns/dns-packet.c).  The
 * input is one message; its own id and, when it has a plain (uncompressed)
 * question, that name and type are what the parser is asked to match, so
 * inputs get past the header into the records.  Besides no crash and no
 * out-of-bounds read: a result never holds more than DNS_MAX_ADDRS
 * addresses, each of the asked family, and the query builder's output for
 * the same name is never taken for an answer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns-packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The question's name as text, when it is written without pointers. */
static int plain_question(const uint8_t *p, size_t n, char *out, uint16_t *ret_type)
{
	size_t off = DNS_HEADER_SIZE, o = 0;

	while (off < n && p[off]) {
		size_t len = p[off];

		if (len > DNS_MAX_LABEL || off + 1 + len > n || o + len + 1 > DNS_MAX_NAME)
			return -1;
		if (o)
			out[o++] = '.';
		memcpy(out + o, p + off + 1, len);
		o += len;
		off += 1 + len;
	}
	if (off + 3 > n || o == 0)
		return -1;
	out[o] = 0;
	*ret_type = (uint16_t)(p[off + 1] << 8 | p[off + 2]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char raw[DNS_NAME_BUFSZ], name[DNS_NAME_BUFSZ] = "example.com";
	uint8_t q[DNS_QUERY_MAX];
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0, qtype = DNS_TYPE_A;
	DnsAnswer *a = malloc(sizeof(*a));
	int r, n;

	if (!a)
		return 0;
	if (plain_question(data, size, raw, &qtype) == 0 &&
	    dns_name_normalize(raw, strlen(raw), name) < 0)
		strcpy(name, "example.com");
	if (qtype != DNS_TYPE_AAAA)
		qtype = DNS_TYPE_A;
	r = dns_packet_parse(data, size, id, name, qtype, a);
	if (r == 0) {
		for (size_t i = 0; i < a->naddrs; i++)
			if (a->addrs[i].family != (qtype == DNS_TYPE_A ? 4 : 6))
				abort();
		if (a->naddrs > DNS_MAX_ADDRS)
			abort();
	} else if (r != -EBADMSG && r != -ESRCH) {
		abort();
	}
	/* the same bytes as a name typed in a rule, and our own query for it */
	if (size <= DNS_MAX_NAME + 1 && dns_name_normalize((const char *)data, size, raw) >= 0) {
		n = dns_packet_query(id, raw, qtype, q, sizeof(q));
		if (n < 0 || dns_packet_parse(q, (size_t)n, id, raw, qtype, a) != -ESRCH)
			abort();
	}
	free(a);
	return 0;
}
