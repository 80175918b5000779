// SPDX-License-Identifier: MIT
/*
 * Tests of the resolver behind fd.sip.name (daemon/dns/): the message
 * builder and parser on hand-made answers (CNAME chains, compression,
 * loops, every truncation), resolv.conf and server parsing, then the
 * resolver thread against a fake DNS server run by the test (a UDP and a
 * TCP socket on 127.0.0.1 answering from a table the test edits: TTLs,
 * CNAMEs, truncation, wrong ids, spoofed and garbage datagrams, silence),
 * the names the engine collects from a rule file, and a rule matching a
 * connection to a resolved address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/dns-packet.h"
#include "dns/dns.h"
#include "fieldtest.h"
#include "rules/engine.h"
#include "rules/field-ext.h"
#include "rules/ruleset.h"

/* ---- building messages ---- */

typedef struct Msg {
	uint8_t b[2 + DNS_TCP_MAX];
	size_t n;
} Msg;

static void m_u8(Msg *m, uint8_t v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = v;
}

static void m_u16(Msg *m, uint16_t v)
{
	m_u8(m, (uint8_t)(v >> 8));
	m_u8(m, (uint8_t)v);
}

static void m_u32(Msg *m, uint32_t v)
{
	m_u16(m, (uint16_t)(v >> 16));
	m_u16(m, (uint16_t)v);
}

/* A name without compression ("" is the root). */
static void m_name(Msg *m, const char *name)
{
	const char *p = name;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		m_u8(m, (uint8_t)n);
		memcpy(m->b + m->n, p, n);
		m->n += n;
		p += n + (dot ? 1 : 0);
	}
	m_u8(m, 0);
}

static void m_ptr(Msg *m, uint16_t off)
{
	m_u16(m, (uint16_t)(0xc000 | off));
}

static void m_header(Msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns)
{
	m->n = 0;
	m_u16(m, id);
	m_u16(m, flags);
	m_u16(m, qd);
	m_u16(m, an);
	m_u16(m, ns);
	m_u16(m, 0);
}

static void m_question(Msg *m, const char *name, uint16_t qtype)
{
	m_name(m, name);
	m_u16(m, qtype);
	m_u16(m, DNS_CLASS_IN);
}

/* Type, class, TTL; the caller writes rdlength and rdata. */
static void m_rr_head(Msg *m, uint16_t type, uint32_t ttl)
{
	m_u16(m, type);
	m_u16(m, DNS_CLASS_IN);
	m_u32(m, ttl);
}

static void m_rr_addr(Msg *m, const char *ip, uint32_t ttl)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, ip, a) == 1) {
		m_rr_head(m, DNS_TYPE_A, ttl);
		m_u16(m, 4);
		memcpy(m->b + m->n, a, 4);
		m->n += 4;
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, a), 1);
		m_rr_head(m, DNS_TYPE_AAAA, ttl);
		m_u16(m, 16);
		memcpy(m->b + m->n, a, 16);
		m->n += 16;
	}
}

static void m_rr_cname(Msg *m, const char *target, uint32_t ttl)
{
	size_t at;

	m_rr_head(m, DNS_TYPE_CNAME, ttl);
	at = m->n;
	m_u16(m, 0);
	m_name(m, target);
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
}

static void m_rr_soa(Msg *m, uint32_t ttl, uint32_t minimum)
{
	size_t at;

	m_name(m, "test");
	m_rr_head(m, DNS_TYPE_SOA, ttl);
	at = m->n;
	m_u16(m, 0);
	m_name(m, "ns.test");
	m_name(m, "admin.test");
	m_u32(m, 1);
	m_u32(m, 3600);
	m_u32(m, 600);
	m_u32(m, 86400);
	m_u32(m, minimum);
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
}

static const char *addr_text(const DnsAddr *a)
{
	static char buf[INET6_ADDRSTRLEN];

	return inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, buf, sizeof(buf));
}

/* ---- the message parser ---- */

static void test_name_normalize(void **state)
{
	char out[DNS_NAME_BUFSZ], longname[300];

	assert_int_equal(dns_name_normalize("Evil.Example.COM.", 17, out), 16);
	assert_string_equal(out, "evil.example.com");
	assert_int_equal(dns_name_normalize("_dmarc.x-y.org", 14, out), 14);
	assert_int_equal(dns_name_normalize("", 0, out), -EINVAL);
	assert_int_equal(dns_name_normalize(".", 1, out), -EINVAL);
	assert_int_equal(dns_name_normalize("a..b", 4, out), -EINVAL);
	assert_int_equal(dns_name_normalize(".a", 2, out), -EINVAL);
	assert_int_equal(dns_name_normalize("*.example.com", 13, out), -EINVAL);
	assert_int_equal(dns_name_normalize("a b.com", 7, out), -EINVAL);
	memset(longname, 'a', 64);
	assert_int_equal(dns_name_normalize(longname, 64, out), -EINVAL); /* label > 63 */
	assert_int_equal(dns_name_normalize(longname, 63, out), 63);
	/* 253 characters fit, 254 do not */
	for (size_t i = 0; i < sizeof(longname); i++)
		longname[i] = i % 2 ? '.' : 'a';
	assert_int_equal(dns_name_normalize(longname, 253, out), 253);
	assert_int_equal(dns_name_normalize(longname, 255, out), -EINVAL);
}

static void test_query(void **state)
{
	uint8_t buf[DNS_QUERY_MAX];
	int n;

	n = dns_packet_query(0x1234, "www.example.com", DNS_TYPE_AAAA, buf, sizeof(buf));
	assert_int_equal(n, 12 + 17 + 4);
	assert_int_equal(buf[0], 0x12);
	assert_int_equal(buf[1], 0x34);
	assert_int_equal(buf[2], 0x01); /* RD */
	assert_int_equal(buf[5], 1);
	assert_memory_equal(buf + 12, "\3www\7example\3com\0", 17);
	assert_int_equal(buf[30], DNS_TYPE_AAAA);
	assert_int_equal(dns_packet_query(1, "a.b", DNS_TYPE_A, buf, 12 + 5 + 3), -ENOBUFS);
	assert_int_equal(dns_packet_query(1, "a..b", DNS_TYPE_A, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(dns_packet_query(1, "a.b", DNS_TYPE_CNAME, buf, sizeof(buf)), -EINVAL);
	/* our own query is no answer */
	{
		DnsAnswer a;

		assert_int_equal(dns_packet_parse(buf, (size_t)n, 0x1234, "www.example.com",
						  DNS_TYPE_AAAA, &a),
				 -ESRCH);
	}
}

/* An answer for www.example.com: CNAME to edge.cdn.net (compressed owner), its A records. */
static void build_cname_answer(Msg *m, uint16_t id)
{
	m_header(m, id, 0x8180, 1, 4, 0);
	m_question(m, "www.example.com", DNS_TYPE_A);
	m_ptr(m, 12);
	m_rr_cname(m, "EDGE.cdn.net", 300);
	m_name(m, "edge.CDN.net");
	m_rr_addr(m, "192.0.2.10", 60);
	m_name(m, "other.cdn.net"); /* not on the chain */
	m_rr_addr(m, "192.0.2.99", 60);
	m_name(m, "edge.cdn.net");
	m_rr_addr(m, "192.0.2.11", 120);
}

static void test_parse_answer(void **state)
{
	Msg *m = calloc(1, sizeof(*m));
	DnsAnswer a;

	build_cname_answer(m, 7);
	assert_int_equal(dns_packet_parse(m->b, m->n, 7, "www.example.com", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.rcode, DNS_RCODE_NOERROR);
	assert_false(a.truncated);
	assert_int_equal(a.cnames, 1);
	assert_int_equal(a.naddrs, 2);
	assert_string_equal(addr_text(&a.addrs[0]), "192.0.2.10");
	assert_string_equal(addr_text(&a.addrs[1]), "192.0.2.11");
	assert_int_equal(a.ttl, 60);
	/* another id, question, type: not ours */
	assert_int_equal(dns_packet_parse(m->b, m->n, 8, "www.example.com", DNS_TYPE_A, &a), -ESRCH);
	assert_int_equal(dns_packet_parse(m->b, m->n, 7, "example.com", DNS_TYPE_A, &a), -ESRCH);
	assert_int_equal(dns_packet_parse(m->b, m->n, 7, "www.example.com", DNS_TYPE_AAAA, &a),
			 -ESRCH);
	/* cut anywhere: never accepted with addresses it does not hold, never a crash */
	for (size_t n = 0; n < m->n; n++) {
		int r = dns_packet_parse(m->b, n, 7, "www.example.com", DNS_TYPE_A, &a);

		assert_true(r == -EBADMSG || r == -ESRCH);
	}
	/* every single-byte change parses or fails cleanly */
	for (size_t i = 0; i < m->n; i++) {
		uint8_t old = m->b[i];

		for (unsigned v = 0; v < 256; v += 17) {
			m->b[i] = (uint8_t)v;
			(void)dns_packet_parse(m->b, m->n, 7, "www.example.com", DNS_TYPE_A, &a);
			assert_true(a.naddrs <= DNS_MAX_ADDRS);
		}
		m->b[i] = old;
	}

	/* AAAA, owner by pointer, upper-case question echo */
	m_header(m, 9, 0x8180, 1, 1, 0);
	m_question(m, "V6.Example.com", DNS_TYPE_AAAA);
	m_ptr(m, 12);
	m_rr_addr(m, "2001:db8::1", 0x80000000u); /* top bit: TTL 0 */
	assert_int_equal(dns_packet_parse(m->b, m->n, 9, "v6.example.com", DNS_TYPE_AAAA, &a), 0);
	assert_int_equal(a.naddrs, 1);
	assert_int_equal(a.addrs[0].family, 6);
	assert_string_equal(addr_text(&a.addrs[0]), "2001:db8::1");
	assert_int_equal(a.ttl, 0);

	/* an A record of the wrong length is skipped, duplicates are dropped */
	m_header(m, 9, 0x8180, 1, 3, 0);
	m_question(m, "d.example", DNS_TYPE_A);
	m_ptr(m, 12);
	m_rr_head(m, DNS_TYPE_A, 10);
	m_u16(m, 3);
	m_u8(m, 1);
	m_u8(m, 2);
	m_u8(m, 3);
	m_ptr(m, 12);
	m_rr_addr(m, "198.51.100.1", 10);
	m_ptr(m, 12);
	m_rr_addr(m, "198.51.100.1", 10);
	assert_int_equal(dns_packet_parse(m->b, m->n, 9, "d.example", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.naddrs, 1);
	free(m);
}

/*
 * An answer whose second record is owned by a name of nseg 63-byte labels,
 * each segment a label and a pointer to the one before, kept in the data
 * of a TXT record.
 */
static void build_pointer_chain(Msg *m, unsigned nseg)
{
	size_t prev = 0, at, i;

	m_header(m, 3, 0x8180, 1, 2, 0);
	m_question(m, "l.test", DNS_TYPE_A);
	m_ptr(m, 12);
	m_rr_head(m, 16, 5);
	at = m->n;
	m_u16(m, 0);
	for (i = 0; i < nseg; i++) {
		size_t here = m->n;

		m_u8(m, 63);
		memset(m->b + m->n, 'x', 63);
		m->n += 63;
		if (i)
			m_ptr(m, (uint16_t)prev);
		else
			m_u8(m, 0);
		prev = here;
	}
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
	m_ptr(m, (uint16_t)prev);
	m_rr_addr(m, "192.0.2.1", 5);
}

static void test_parse_negative_and_errors(void **state)
{
	Msg *m = calloc(1, sizeof(*m));
	DnsAnswer a;
	size_t i;

	/* NXDOMAIN: cached for min(SOA TTL, MINIMUM) */
	m_header(m, 3, 0x8183, 1, 0, 1);
	m_question(m, "nope.test", DNS_TYPE_A);
	m_rr_soa(m, 900, 45);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "nope.test", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.rcode, DNS_RCODE_NXDOMAIN);
	assert_int_equal(a.naddrs, 0);
	assert_int_equal(a.ttl, 45);

	/* SERVFAIL: reported, not read further */
	m_header(m, 3, 0x8182, 1, 0, 0);
	m_question(m, "nope.test", DNS_TYPE_A);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "nope.test", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.rcode, DNS_RCODE_SERVFAIL);

	/* TC */
	m_header(m, 3, 0x8380, 1, 0, 0);
	m_question(m, "big.test", DNS_TYPE_A);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "big.test", DNS_TYPE_A, &a), 0);
	assert_true(a.truncated);

	/* a pointer to itself, forward, and a loop of two */
	m_header(m, 3, 0x8180, 1, 1, 0);
	m_question(m, "l.test", DNS_TYPE_A);
	m_ptr(m, (uint16_t)m->n);
	m_rr_addr(m, "192.0.2.1", 5);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "l.test", DNS_TYPE_A, &a), -EBADMSG);
	m_header(m, 3, 0x8180, 1, 1, 0);
	m_question(m, "l.test", DNS_TYPE_A);
	m_ptr(m, (uint16_t)(m->n + 4));
	m_rr_addr(m, "192.0.2.1", 5);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "l.test", DNS_TYPE_A, &a), -EBADMSG);
	/* label "a" at 22, then a pointer back to 22 after it: backwards, still a loop */
	m_header(m, 3, 0x8180, 1, 1, 0);
	m_question(m, "l.test", DNS_TYPE_A);
	i = m->n;
	m_u8(m, 1);
	m_u8(m, 'a');
	m_ptr(m, (uint16_t)i);
	m_rr_addr(m, "192.0.2.1", 5);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "l.test", DNS_TYPE_A, &a), -EBADMSG);

	/* names through pointers into an earlier record's data: 128 bytes, then over 255 */
	build_pointer_chain(m, 2);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "l.test", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.naddrs, 0); /* owned by another name */
	build_pointer_chain(m, 4);
	assert_int_equal(dns_packet_parse(m->b, m->n, 3, "l.test", DNS_TYPE_A, &a), -EBADMSG);

	/* a CNAME loop ends without addresses */
	m_header(m, 4, 0x8180, 1, 3, 0);
	m_question(m, "x.test", DNS_TYPE_A);
	m_name(m, "x.test");
	m_rr_cname(m, "y.test", 5);
	m_name(m, "y.test");
	m_rr_cname(m, "x.test", 5);
	m_name(m, "x.test");
	m_rr_addr(m, "192.0.2.1", 5);
	assert_int_equal(dns_packet_parse(m->b, m->n, 4, "x.test", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.naddrs, 0);
	assert_int_equal(a.cnames, DNS_MAX_CNAME_CHAIN + 1);

	/* rdlength past the end */
	m_header(m, 5, 0x8180, 1, 1, 0);
	m_question(m, "r.test", DNS_TYPE_A);
	m_ptr(m, 12);
	m_rr_head(m, DNS_TYPE_A, 5);
	m_u16(m, 400);
	assert_int_equal(dns_packet_parse(m->b, m->n, 5, "r.test", DNS_TYPE_A, &a), -EBADMSG);

	/* a query (QR clear), two questions, a short header */
	m_header(m, 5, 0x0100, 1, 0, 0);
	m_question(m, "r.test", DNS_TYPE_A);
	assert_int_equal(dns_packet_parse(m->b, m->n, 5, "r.test", DNS_TYPE_A, &a), -ESRCH);
	m_header(m, 5, 0x8180, 2, 0, 0);
	m_question(m, "r.test", DNS_TYPE_A);
	m_question(m, "r.test", DNS_TYPE_A);
	assert_int_equal(dns_packet_parse(m->b, m->n, 5, "r.test", DNS_TYPE_A, &a), -ESRCH);
	assert_int_equal(dns_packet_parse(m->b, 11, 5, "r.test", DNS_TYPE_A, &a), -EBADMSG);

	/* more addresses than kept: the first DNS_MAX_ADDRS */
	m_header(m, 6, 0x8180, 1, 100, 0);
	m_question(m, "many.test", DNS_TYPE_A);
	for (i = 0; i < 100; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.0.%zu.%zu", i / 200, i % 200 + 1);
		m_ptr(m, 12);
		m_rr_addr(m, ip, 30);
	}
	assert_int_equal(dns_packet_parse(m->b, m->n, 6, "many.test", DNS_TYPE_A, &a), 0);
	assert_int_equal(a.naddrs, DNS_MAX_ADDRS);
	free(m);
}

static void test_config_parsing(void **state)
{
	static const char conf[] = "# generated\n"
				   "search example.com\n"
				   "nameserver 192.0.2.53\n"
				   "nameserver   2001:db8::53 # comment\n"
				   "nameserver not-an-address\n"
				   "nameserver 192.0.2.54\n"
				   "nameserver 192.0.2.55\n"
				   "options ndots:2 timeout:4 attempts:9\r\n";
	char ip[INET6_ADDRSTRLEN];
	DnsResolvConf c;
	DnsServer s;

	assert_int_equal(dns_resolv_conf_parse(conf, sizeof(conf) - 1, &c), 0);
	assert_int_equal(c.nservers, 3);
	assert_int_equal(c.servers[0].addr.ss_family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &((struct sockaddr_in *)&c.servers[0].addr)->sin_addr,
				      ip, sizeof(ip)),
			    "192.0.2.53");
	assert_int_equal(ntohs(((struct sockaddr_in *)&c.servers[0].addr)->sin_port), 53);
	assert_int_equal(c.servers[1].addr.ss_family, AF_INET6);
	assert_int_equal(c.servers[2].addr.ss_family, AF_INET);
	assert_int_equal(c.timeout_s, 4);
	assert_int_equal(c.attempts, 5); /* capped */
	assert_int_equal(dns_resolv_conf_parse("", 0, &c), 0);
	assert_int_equal(c.nservers, 0);
	assert_int_equal(dns_resolv_conf_parse("nameserver", 10, &c), 0);
	assert_int_equal(c.nservers, 0);

	assert_int_equal(dns_server_parse("127.0.0.1:5353", &s), 0);
	assert_int_equal(ntohs(((struct sockaddr_in *)&s.addr)->sin_port), 5353);
	assert_int_equal(dns_server_parse("127.0.0.1", &s), 0);
	assert_int_equal(ntohs(((struct sockaddr_in *)&s.addr)->sin_port), 53);
	assert_int_equal(dns_server_parse("[::1]:5300", &s), 0);
	assert_int_equal(s.addr.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&s.addr)->sin6_port), 5300);
	assert_int_equal(dns_server_parse("::1", &s), 0);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&s.addr)->sin6_port), 53);
	assert_int_equal(dns_server_parse("127.0.0.1:0", &s), -EINVAL);
	assert_int_equal(dns_server_parse("127.0.0.1:65536", &s), -EINVAL);
	assert_int_equal(dns_server_parse("127.0.0.1:x", &s), -EINVAL);
	assert_int_equal(dns_server_parse("[::1", &s), -EINVAL);
	assert_int_equal(dns_server_parse("dns.example", &s), -EINVAL);
	assert_int_equal(dns_server_parse("", &s), -EINVAL);
}

/* ---- a fake DNS server ---- */

enum {
	M_NORMAL,
	M_DROP, /* never answers */
	M_SERVFAIL,
	M_TRUNCATE, /* TC over UDP, the answer over TCP */
	M_WRONG_ID_FIRST, /* an answer with another id and a bogus address first */
	M_SPOOF_FIRST, /* the same from another port first */
	M_GARBAGE_FIRST, /* noise and a malformed answer with the right id first */
	M_UPPER, /* echoes the question and owners in upper case */
};

#define FAKE_MAX_ROWS 128
#define BOGUS_IP "203.0.113.66"

typedef struct Row {
	char name[64];
	uint16_t type; /* A, AAAA or CNAME */
	char value[64]; /* address or target */
	uint32_t ttl;
} Row;

typedef struct FakeServer {
	int udp, tcp, spoof, stop[2];
	uint16_t port;
	pthread_t thread;
	pthread_mutex_t lock;
	Row rows[FAKE_MAX_ROWS];
	size_t nrows;
	struct {
		char name[64];
		int mode;
	} modes[16];
	size_t nmodes;
	unsigned queries, tcp_queries;
	struct {
		char name[64];
		uint16_t type;
		unsigned n;
	} counts[32];
	size_t ncounts;
} FakeServer;

static FakeServer srv;

static void fake_row(const char *name, uint16_t type, const char *value, uint32_t ttl)
{
	pthread_mutex_lock(&srv.lock);
	assert_true(srv.nrows < FAKE_MAX_ROWS);
	srv.rows[srv.nrows++] = (Row){ .type = type, .ttl = ttl };
	snprintf(srv.rows[srv.nrows - 1].name, 64, "%s", name);
	snprintf(srv.rows[srv.nrows - 1].value, 64, "%s", value);
	pthread_mutex_unlock(&srv.lock);
}

/* Replace the value of name's rows of type with value (ttl kept). */
static void fake_change(const char *name, uint16_t type, const char *value)
{
	pthread_mutex_lock(&srv.lock);
	for (size_t i = 0; i < srv.nrows; i++)
		if (strcmp(srv.rows[i].name, name) == 0 && srv.rows[i].type == type)
			snprintf(srv.rows[i].value, 64, "%s", value);
	pthread_mutex_unlock(&srv.lock);
}

static void fake_mode(const char *name, int mode)
{
	size_t i;

	pthread_mutex_lock(&srv.lock);
	for (i = 0; i < srv.nmodes; i++)
		if (strcmp(srv.modes[i].name, name) == 0)
			break;
	if (i == srv.nmodes) {
		assert_true(srv.nmodes < 16);
		snprintf(srv.modes[srv.nmodes++].name, 64, "%s", name);
	}
	srv.modes[i].mode = mode;
	pthread_mutex_unlock(&srv.lock);
}

static int mode_of(const char *name)
{
	for (size_t i = 0; i < srv.nmodes; i++)
		if (strcmp(srv.modes[i].name, name) == 0)
			return srv.modes[i].mode;
	return M_NORMAL;
}

static void count_query(const char *name, uint16_t type)
{
	size_t i;

	for (i = 0; i < srv.ncounts; i++)
		if (strcmp(srv.counts[i].name, name) == 0 && srv.counts[i].type == type)
			break;
	if (i == srv.ncounts) {
		if (srv.ncounts == ELEMENTSOF(srv.counts))
			return;
		snprintf(srv.counts[srv.ncounts].name, 64, "%s", name);
		srv.counts[srv.ncounts++].type = type;
	}
	srv.counts[i].n++;
}

/* Queries the server got for name and type. */
static unsigned name_queries(const char *name, uint16_t type)
{
	unsigned n = 0;

	pthread_mutex_lock(&srv.lock);
	for (size_t i = 0; i < srv.ncounts; i++)
		if (strcmp(srv.counts[i].name, name) == 0 && srv.counts[i].type == type)
			n = srv.counts[i].n;
	pthread_mutex_unlock(&srv.lock);
	return n;
}

static bool name_known(const char *name)
{
	for (size_t i = 0; i < srv.nrows; i++)
		if (strcmp(srv.rows[i].name, name) == 0)
			return true;
	return false;
}

static void upper_text(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 32);
}

/*
 * Read a query (uncompressed name, as the resolver writes it) and write
 * the answer to m.  Returns the mode of the name, -1 for a bad query.
 */
static int fake_answer(const uint8_t *q, size_t n, bool tcp, Msg *m, uint16_t *ret_id)
{
	char name[256] = "", cur[64], shown[64];
	size_t off = 12, o = 0, i, an = 0, an_at;
	uint16_t id, qtype;
	int mode, hops;
	bool nx;

	if (n < 17)
		return -1;
	id = (uint16_t)(q[0] << 8 | q[1]);
	while (off < n && q[off]) {
		size_t len = q[off];

		if (off + 1 + len > n || o + len + 2 > sizeof(name))
			return -1;
		if (o)
			name[o++] = '.';
		for (i = 0; i < len; i++) {
			char c = (char)q[off + 1 + i];

			name[o++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		off += 1 + len;
	}
	name[o] = 0;
	if (off + 5 > n)
		return -1;
	qtype = (uint16_t)(q[off + 1] << 8 | q[off + 2]);
	*ret_id = id;

	pthread_mutex_lock(&srv.lock);
	mode = mode_of(name);
	if (tcp)
		srv.tcp_queries++;
	else
		srv.queries++;
	count_query(name, qtype);
	snprintf(shown, sizeof(shown), "%s", name);
	if (mode == M_UPPER)
		upper_text(shown);
	nx = !name_known(name);
	m_header(m, id, (uint16_t)(0x8180 | (nx ? DNS_RCODE_NXDOMAIN : 0)), 1, 0, nx ? 1 : 0);
	if (mode == M_SERVFAIL)
		m->b[3] = 0x82;
	if (mode == M_TRUNCATE && !tcp)
		m->b[2] |= 0x02;
	m_question(m, shown, qtype);
	if (nx) {
		m_rr_soa(m, 30, 2);
	} else if (mode != M_SERVFAIL && !(mode == M_TRUNCATE && !tcp)) {
		an_at = 6;
		snprintf(cur, sizeof(cur), "%s", name);
		for (hops = 0; hops < 10; hops++) {
			for (i = 0; i < srv.nrows; i++)
				if (strcmp(srv.rows[i].name, cur) == 0 &&
				    srv.rows[i].type == DNS_TYPE_CNAME)
					break;
			if (i == srv.nrows)
				break;
			if (hops == 0)
				m_ptr(m, 12);
			else
				m_name(m, cur);
			m_rr_cname(m, srv.rows[i].value, srv.rows[i].ttl);
			an++;
			snprintf(cur, sizeof(cur), "%s", srv.rows[i].value);
		}
		for (i = 0; i < srv.nrows; i++) {
			if (strcmp(srv.rows[i].name, cur) != 0 || srv.rows[i].type != qtype)
				continue;
			if (strcmp(cur, name) == 0) {
				m_ptr(m, 12);
			} else {
				char owner[64];

				snprintf(owner, sizeof(owner), "%s", cur);
				if (mode == M_UPPER)
					upper_text(owner);
				m_name(m, owner);
			}
			m_rr_addr(m, srv.rows[i].value, srv.rows[i].ttl);
			an++;
		}
		m->b[an_at] = (uint8_t)(an >> 8);
		m->b[an_at + 1] = (uint8_t)an;
		if (an == 0) {
			/* NODATA: an SOA says how long (RFC 2308) */
			m_rr_soa(m, 86400, 86400);
			m->b[9] = 1;
		}
	}
	pthread_mutex_unlock(&srv.lock);
	return mode;
}

/* An answer to the same question with a bogus address; returns where its record starts. */
static size_t bogus_answer(const Msg *real, uint16_t id, Msg *m)
{
	size_t qend = 12;

	while (real->b[qend])
		qend += 1u + real->b[qend];
	qend += 5;
	m->n = 0;
	memcpy(m->b, real->b, qend);
	m->n = qend;
	m->b[0] = (uint8_t)(id >> 8);
	m->b[1] = (uint8_t)id;
	m->b[3] &= 0xf0;
	m->b[6] = 0;
	m->b[7] = 1;
	m->b[8] = m->b[9] = 0;
	m_ptr(m, 12);
	if (m->b[qend - 3] == DNS_TYPE_A)
		m_rr_addr(m, BOGUS_IP, 3600);
	else
		m_rr_addr(m, "2001:db8::666", 3600);
	return qend;
}

static void serve_udp(void)
{
	static Msg m, extra;
	uint8_t q[1024];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(srv.udp, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
	uint16_t id = 0;
	int mode;

	if (n <= 0)
		return;
	mode = fake_answer(q, (size_t)n, false, &m, &id);
	if (mode < 0 || mode == M_DROP)
		return;
	switch (mode) {
	case M_WRONG_ID_FIRST:
		bogus_answer(&m, (uint16_t)(id ^ 0x5555), &extra);
		sendto(srv.udp, extra.b, extra.n, 0, (struct sockaddr *)&from, flen);
		break;
	case M_SPOOF_FIRST:
		bogus_answer(&m, id, &extra);
		sendto(srv.spoof, extra.b, extra.n, 0, (struct sockaddr *)&from, flen);
		break;
	case M_GARBAGE_FIRST: {
		uint8_t junk[300];
		size_t i;

		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)(i * 37 + 11);
		sendto(srv.udp, junk, sizeof(junk), 0, (struct sockaddr *)&from, flen);
		sendto(srv.udp, junk, 3, 0, (struct sockaddr *)&from, flen);
		/* the right id and question, then a record that points at itself */
		extra.n = bogus_answer(&m, id, &extra);
		m_ptr(&extra, (uint16_t)extra.n);
		m_rr_addr(&extra, BOGUS_IP, 5);
		sendto(srv.udp, extra.b, extra.n, 0, (struct sockaddr *)&from, flen);
		break;
	}
	default:
		break;
	}
	sendto(srv.udp, m.b, m.n, 0, (struct sockaddr *)&from, flen);
}

static bool read_exact(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = read(fd, p, n);

		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static void serve_tcp(void)
{
	static Msg m;
	uint8_t q[1024], len[2], *out;
	struct timeval tv = { .tv_sec = 1 };
	uint16_t id;
	size_t qn;
	int fd = accept(srv.tcp, NULL, NULL);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (read_exact(fd, len, 2)) {
		qn = (size_t)(len[0] << 8 | len[1]);
		if (qn <= sizeof(q) && read_exact(fd, q, qn) &&
		    fake_answer(q, qn, true, &m, &id) >= 0) {
			out = malloc(m.n + 2);
			out[0] = (uint8_t)(m.n >> 8);
			out[1] = (uint8_t)m.n;
			memcpy(out + 2, m.b, m.n);
			/* in two pieces, as a stream may deliver it */
			(void)!write(fd, out, 3);
			usleep(1000);
			(void)!write(fd, out + 3, m.n - 1);
			free(out);
		}
	}
	close(fd);
}

static void *server_thread(void *arg)
{
	for (;;) {
		struct pollfd p[3] = { { .fd = srv.udp, .events = POLLIN },
				       { .fd = srv.tcp, .events = POLLIN },
				       { .fd = srv.stop[0], .events = POLLIN } };

		if (poll(p, 3, -1) < 0)
			continue;
		if (p[2].revents)
			break;
		if (p[0].revents)
			serve_udp();
		if (p[1].revents)
			serve_tcp();
	}
	return arg;
}

static int server_start(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int one = 1;

	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.lock, NULL);
	srv.udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	srv.tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	srv.spoof = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(srv.udp >= 0 && srv.tcp >= 0 && srv.spoof >= 0);
	assert_int_equal(bind(srv.udp, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(srv.udp, (struct sockaddr *)&a, &len), 0);
	srv.port = ntohs(a.sin_port);
	setsockopt(srv.tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(srv.tcp, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(srv.tcp, 16), 0);
	a.sin_port = 0;
	assert_int_equal(bind(srv.spoof, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(pipe(srv.stop), 0);
	assert_int_equal(pthread_create(&srv.thread, NULL, server_thread, NULL), 0);
	return 0;
}

static int server_stop(void **state)
{
	(void)!write(srv.stop[1], "x", 1);
	pthread_join(srv.thread, NULL);
	close(srv.udp);
	close(srv.tcp);
	close(srv.spoof);
	close(srv.stop[0]);
	close(srv.stop[1]);
	pthread_mutex_destroy(&srv.lock);
	field_set_dns_names(NULL, NULL);
	return 0;
}

static unsigned server_queries(void)
{
	unsigned n;

	pthread_mutex_lock(&srv.lock);
	n = srv.queries + srv.tcp_queries;
	pthread_mutex_unlock(&srv.lock);
	return n;
}

static DnsResolver *resolver(uint32_t min_ttl, uint32_t timeout_ms)
{
	char server[32];
	DnsOptions o = { .server = server, .min_ttl_s = min_ttl, .max_ttl_s = 3600,
			 .timeout_ms = timeout_ms };
	DnsResolver *r = NULL;

	snprintf(server, sizeof(server), "127.0.0.1:%u", srv.port);
	assert_int_equal(dns_resolver_new(&o, &r), 0);
	return r;
}

/* The names of ip joined with ',' ("" for none); static buffer. */
static const char *names_of(DnsResolver *r, const char *ip)
{
	static char out[1024];
	const char *v[16];
	char buf[2048];
	uint8_t a[16];
	int family = 4;
	size_t n, i, o = 0;

	if (inet_pton(AF_INET, ip, a) != 1) {
		assert_int_equal(inet_pton(AF_INET6, ip, a), 1);
		family = 6;
	}
	n = dns_resolver_names_of(r, family, a, v, 16, buf, sizeof(buf));
	out[0] = 0;
	for (i = 0; i < n && i < 16; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "," : "", v[i]);
	return out;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait up to ms for names_of(ip) to become want. */
static bool wait_names(DnsResolver *r, const char *ip, const char *want, unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	while (strcmp(names_of(r, ip), want) != 0) {
		if (mono_ms() > end)
			return false;
		usleep(10000);
	}
	return true;
}

static void watch(DnsResolver *r, const char *const *names, size_t n)
{
	assert_int_equal(dns_resolver_watch(r, names, n), 0);
	assert_int_equal(dns_resolver_wait_ready(r, 5000), 0);
}

/* ---- the resolver ---- */

static void test_resolve(void **state)
{
	static const char *const names[] = { "a.test", "B.Test.", "www.cdn.test", "v6.test",
					     "missing.test", "upper.test" };
	DnsResolver *r;
	DnsStats st;

	fake_row("a.test", DNS_TYPE_A, "10.0.0.7", 300);
	fake_row("a.test", DNS_TYPE_A, "10.0.0.8", 300);
	fake_row("b.test", DNS_TYPE_A, "10.0.0.7", 300); /* shared with a.test */
	fake_row("www.cdn.test", DNS_TYPE_CNAME, "edge.cdn.test", 300);
	fake_row("edge.cdn.test", DNS_TYPE_CNAME, "e1.provider.test", 300);
	fake_row("e1.provider.test", DNS_TYPE_A, "10.0.1.1", 300);
	fake_row("e1.provider.test", DNS_TYPE_AAAA, "2001:db8::e1", 300);
	fake_row("v6.test", DNS_TYPE_AAAA, "2001:db8::6", 300);
	fake_row("upper.test", DNS_TYPE_A, "10.0.2.2", 300);
	fake_mode("upper.test", M_UPPER);

	r = resolver(30, 500);
	assert_int_equal(dns_resolver_wait_ready(r, 10), 0); /* nothing watched */
	watch(r, names, ELEMENTSOF(names));
	assert_string_equal(names_of(r, "10.0.0.7"), "a.test,b.test");
	assert_string_equal(names_of(r, "10.0.0.8"), "a.test");
	assert_string_equal(names_of(r, "10.0.1.1"), "www.cdn.test");
	assert_string_equal(names_of(r, "2001:db8::e1"), "www.cdn.test");
	assert_string_equal(names_of(r, "2001:db8::6"), "v6.test");
	assert_string_equal(names_of(r, "10.0.2.2"), "upper.test");
	assert_string_equal(names_of(r, "10.9.9.9"), "");
	dns_resolver_stats(r, &st);
	assert_int_equal(st.names, 6);
	assert_int_equal(st.addresses, 6);
	assert_int_equal(st.answers, 12); /* A and AAAA of six names, NXDOMAIN included */
	assert_int_equal(st.failures, 0);
	assert_true(st.queries >= 12);

	/* a name no longer watched is forgotten, the others stay without new queries */
	{
		unsigned before = server_queries();

		watch(r, names, 1);
		assert_string_equal(names_of(r, "10.0.0.7"), "a.test");
		assert_string_equal(names_of(r, "10.0.1.1"), "");
		assert_int_equal(server_queries(), before);
		dns_resolver_stats(r, &st);
		assert_int_equal(st.names, 1);
		assert_int_equal(st.addresses, 2);
	}
	/* bad input changes nothing */
	{
		static const char *const bad[] = { "ok.test", "*.wild.test" };

		assert_int_equal(dns_resolver_watch(r, bad, 2), -EINVAL);
		assert_int_equal(dns_resolver_watch(r, bad, DNS_MAX_WATCHED + 1), -E2BIG);
		assert_string_equal(names_of(r, "10.0.0.7"), "a.test");
	}
	dns_resolver_free(r);
}

/* TTLs clamped to [1 s, 3600 s]: a short one is asked again, a long one is not. */
static void test_ttl_refresh(void **state)
{
	static const char *const names[] = { "rot.test", "long.test" };
	DnsResolver *r;

	fake_row("rot.test", DNS_TYPE_A, "10.1.0.1", 0);
	fake_row("long.test", DNS_TYPE_A, "10.1.9.9", 86400 * 7);
	r = resolver(1, 500);
	watch(r, names, 2);
	assert_string_equal(names_of(r, "10.1.0.1"), "rot.test");
	assert_int_equal(name_queries("rot.test", DNS_TYPE_A), 1);

	fake_change("rot.test", DNS_TYPE_A, "10.1.0.2");
	assert_true(wait_names(r, "10.1.0.2", "rot.test", 5000));
	/* the old address keeps naming it for a while (connections made before the change) */
	assert_string_equal(names_of(r, "10.1.0.1"), "rot.test");
	usleep(1500 * 1000);
	/* TTL 0 counts as 1 s: asked about once a second; the long TTL and the NODATA not */
	assert_true(name_queries("rot.test", DNS_TYPE_A) >= 3);
	assert_true(name_queries("rot.test", DNS_TYPE_A) <= 6);
	assert_int_equal(name_queries("rot.test", DNS_TYPE_AAAA), 1);
	assert_int_equal(name_queries("long.test", DNS_TYPE_A), 1);
	assert_int_equal(name_queries("long.test", DNS_TYPE_AAAA), 1);
	assert_string_equal(names_of(r, "10.1.9.9"), "long.test");
	dns_resolver_free(r);
}

/* A server that stops answering: the last good addresses stay. */
static void test_failure_keeps_addresses(void **state)
{
	static const char *const names[] = { "flaky.test", "down.test" };
	DnsResolver *r;
	DnsStats st;
	uint64_t end;

	fake_row("flaky.test", DNS_TYPE_A, "10.2.0.1", 1);
	fake_row("down.test", DNS_TYPE_A, "10.2.0.9", 1);
	fake_mode("down.test", M_SERVFAIL);
	r = resolver(1, 150);
	watch(r, names, 1);
	assert_string_equal(names_of(r, "10.2.0.1"), "flaky.test");
	dns_resolver_stats(r, &st);
	assert_int_equal(st.failures, 0);

	/* silence: two attempts time out, the lookup fails, the address stays */
	fake_mode("flaky.test", M_DROP);
	end = mono_ms() + 5000;
	do {
		usleep(20000);
		dns_resolver_stats(r, &st);
	} while (st.failures < 1 && mono_ms() < end);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.timeouts, 2);
	assert_string_equal(names_of(r, "10.2.0.1"), "flaky.test");

	/* back: a change is picked up after the backoff */
	fake_mode("flaky.test", M_NORMAL);
	fake_change("flaky.test", DNS_TYPE_A, "10.2.0.2");
	assert_true(wait_names(r, "10.2.0.2", "flaky.test", 6000));

	/* SERVFAIL: a failure (a first result for wait_ready), no addresses */
	dns_resolver_stats(r, &st);
	watch(r, names, 2);
	{
		DnsStats st2;

		dns_resolver_stats(r, &st2);
		assert_true(st2.failures >= st.failures + 2);
	}
	assert_string_equal(names_of(r, "10.2.0.9"), "");
	dns_resolver_free(r);
}

/* Truncation, wrong ids, spoofed and garbage datagrams. */
static void test_hostile_answers(void **state)
{
	static const char *const names[] = { "big.test", "wrongid.test", "spoof.test",
					     "garbage.test" };
	DnsResolver *r;
	DnsStats st;
	char ip[32];
	unsigned i;

	for (i = 1; i <= 40; i++) {
		snprintf(ip, sizeof(ip), "10.3.0.%u", i);
		fake_row("big.test", DNS_TYPE_A, ip, 300);
	}
	fake_mode("big.test", M_TRUNCATE);
	fake_row("wrongid.test", DNS_TYPE_A, "10.3.1.1", 300);
	fake_mode("wrongid.test", M_WRONG_ID_FIRST);
	fake_row("spoof.test", DNS_TYPE_A, "10.3.2.1", 300);
	fake_mode("spoof.test", M_SPOOF_FIRST);
	fake_row("garbage.test", DNS_TYPE_A, "10.3.3.1", 300);
	fake_mode("garbage.test", M_GARBAGE_FIRST);

	r = resolver(30, 1000);
	watch(r, names, ELEMENTSOF(names));
	for (i = 1; i <= 40; i++) {
		snprintf(ip, sizeof(ip), "10.3.0.%u", i);
		assert_string_equal(names_of(r, ip), "big.test");
	}
	pthread_mutex_lock(&srv.lock);
	assert_true(srv.tcp_queries >= 2);
	pthread_mutex_unlock(&srv.lock);
	assert_string_equal(names_of(r, "10.3.1.1"), "wrongid.test");
	assert_string_equal(names_of(r, "10.3.2.1"), "spoof.test");
	assert_string_equal(names_of(r, "10.3.3.1"), "garbage.test");
	assert_string_equal(names_of(r, BOGUS_IP), "");
	assert_string_equal(names_of(r, "2001:db8::666"), "");
	dns_resolver_stats(r, &st);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.timeouts, 0);
	dns_resolver_free(r);
}

/* No server listening: lookups fail (refused or timed out), nothing crashes. */
static void test_no_server(void **state)
{
	static const char *const names[] = { "a.test" };
	DnsOptions o = { .server = "127.0.0.1:9", .timeout_ms = 100 };
	DnsResolver *r = NULL;
	DnsStats st;
	char path[] = "/tmp/test-dns-resolv-XXXXXX";
	int fd;

	assert_int_equal(dns_resolver_new(&o, &r), 0);
	watch(r, names, 1);
	dns_resolver_stats(r, &st);
	assert_true(st.failures >= 2); /* refused (ICMP) or timed out, A and AAAA */
	assert_string_equal(names_of(r, "10.0.0.7"), "");
	dns_resolver_free(r);

	o.server = "not an address";
	assert_int_equal(dns_resolver_new(&o, &r), -EINVAL);
	o.server = NULL;
	o.min_ttl_s = 100;
	o.max_ttl_s = 10;
	assert_int_equal(dns_resolver_new(&o, &r), -EINVAL);

	/* resolv.conf: its servers, in turn */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(dprintf(fd, "nameserver 127.0.0.1\noptions attempts:1 timeout:1\n") > 0);
	close(fd);
	o = (DnsOptions){ .resolv_conf = path, .timeout_ms = 100 };
	assert_int_equal(dns_resolver_new(&o, &r), 0);
	dns_resolver_free(r);
	o.resolv_conf = "/nonexistent/resolv.conf";
	assert_int_equal(dns_resolver_new(&o, &r), 0);
	dns_resolver_free(r);
	unlink(path);
	assert_null(dns_resolver_free(NULL));
}

/* ---- with the rule engine and the real field table ---- */

static const char collect_rules[] =
	"- list: miner_domains\n"
	"  items: [pool.Miner.net, \"xmr.pool.example.\"]\n"
	"- list: more_domains\n"
	"  items: [miner_domains, c2.example.org]\n"
	"- macro: bad_dest\n"
	"  condition: fd.sip.name in (more_domains) or fd.rip.name = Exfil.Example.com\n"
	"- rule: R1\n"
	"  desc: d\n"
	"  condition: evt.type = connect and bad_dest and fd.cip.name != trusted.example.com\n"
	"  output: o\n"
	"  priority: WARNING\n"
	"- rule: R1b\n"
	"  desc: d\n"
	"  condition: evt.type = sendto and bad_dest\n"
	"  output: o\n"
	"  priority: WARNING\n"
	"- rule: R2\n"
	"  desc: patterns and non-names are not resolved\n"
	"  condition: >\n"
	"    evt.type = connect and (fd.sip.name startswith api. or fd.sip.name glob \"*.evil.com\"\n"
	"    or fd.sip.name in (\"*.wild.example\", \"has space\", \"\", \"a..b\")\n"
	"    or fd.sip.name contains tracker)\n"
	"  output: o\n"
	"  priority: WARNING\n"
	"- rule: R3\n"
	"  desc: disabled\n"
	"  condition: evt.type = connect and fd.sip.name = disabled.example.com\n"
	"  output: o\n"
	"  priority: WARNING\n"
	"  enabled: false\n"
	"- rule: R4\n"
	"  desc: exceptions\n"
	"  condition: evt.type = connect and fd.lip.name exists\n"
	"  output: o\n"
	"  priority: WARNING\n"
	"  exceptions:\n"
	"    - name: known\n"
	"      fields: [fd.lip.name]\n"
	"      values: [[Local.Example.NET]]\n"
	"- rule: R5\n"
	"  desc: transformers and other fields are not resolved\n"
	"  condition: >\n"
	"    evt.type = connect and (tolower(fd.sip.name) = upper.example.com\n"
	"    or fd.name = notdns.example.com)\n"
	"  output: o\n"
	"  priority: WARNING\n";

static Engine *compile_rules(const char *text, const EngineOptions *o)
{
	RuleSet *rs = ruleset_new();
	Diags d = { 0 };
	Engine *e = NULL;

	assert_non_null(rs);
	assert_int_equal(ruleset_load_buffer(rs, "test.yaml", text, strlen(text), &d), 0);
	assert_int_equal(engine_compile(rs, o, &d, &e), 0);
	assert_int_equal(d.nerrors, 0);
	diags_done(&d);
	ruleset_free(rs);
	return e;
}

static void test_engine_dns_names(void **state)
{
	static const char *const want[] = { "c2.example.org", "exfil.example.com",
					    "local.example.net", "pool.miner.net",
					    "trusted.example.com", "xmr.pool.example" };
	Engine *e = compile_rules(collect_rules, NULL);
	char **names = NULL;
	size_t n = 0, i;

	assert_int_equal(engine_dns_names(e, &names, &n), 0);
	for (i = 0; i < n; i++)
		printf("  watched: %s\n", names[i]);
	assert_int_equal(n, ELEMENTSOF(want));
	for (i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	assert_null(names[n]);
	assert_null(engine_dns_names_free(names));
	engine_free(e);

	/* no rule naming a domain: an empty array */
	e = compile_rules("- rule: X\n  desc: d\n  condition: evt.type = connect and fd.sport = 1\n"
			  "  output: o\n  priority: INFO\n",
			  NULL);
	assert_int_equal(engine_dns_names(e, &names, &n), 0);
	assert_int_equal(n, 0);
	assert_null(names[0]);
	engine_dns_names_free(names);
	engine_free(e);
}

static const char match_rules[] =
	"- list: bad_domains\n"
	"  items: [A.Test, \"elsewhere.test.\"]\n"
	"- macro: to_bad\n"
	"  condition: fd.sip.name in (bad_domains)\n"
	"- rule: Connect to bad domain\n"
	"  desc: d\n"
	"  condition: evt.type = connect and to_bad\n"
	"  output: connect to %fd.sip.name (%fd.sip)\n"
	"  priority: WARNING\n"
	"- rule: Connect to b\n"
	"  desc: d\n"
	"  condition: evt.type = connect and fd.sip.name = B.TEST\n"
	"  output: b\n"
	"  priority: WARNING\n"
	"- rule: Connect not to a\n"
	"  desc: d\n"
	"  condition: evt.type = connect and not fd.sip.name = a.test\n"
	"  output: not a\n"
	"  priority: WARNING\n";

/* A connect by python3 (tid 400) on fd 5 to ip:443. */
static void connect_to(T *t, const char *ip)
{
	FdInfo tmpl = { .fd = 5, .type = FD_IPV4_SOCK, .name = "sock", .l4proto = 6,
			.family = 2, .connected = true },
	       *f = NULL;

	set_ip4(tmpl.saddr, 10, 0, 0, 5);
	tmpl.sport = 40000;
	memset(tmpl.daddr, 0, 16);
	assert_int_equal(inet_pton(AF_INET, ip, tmpl.daddr), 1);
	tmpl.dport = 443;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &tmpl, &f), 0);
	evbuild_begin(SAKER_EVT_CONNECT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(5);
	evbuild_sockaddr_in(ip, 443);
	evbuild_tuple_in(6, "10.0.0.5", 40000, ip, 443);
	t_event(t, 400);
	t_fd(t, 5);
}

/* Names of the rules matching, space separated; the first output in *ret_out. */
static const char *eval_rules(Engine *e, T *t, char **ret_out)
{
	static char out[512];
	EngineMatch m[8];
	size_t n, i, o = 0;

	assert_true(engine_eval(e, t->ctx, m, ELEMENTSOF(m), &n) >= 0);
	out[0] = 0;
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "|" : "",
				      engine_rule_name(m[i].rule));
	if (ret_out && n) {
		StrBuf text = { 0 }, values = { 0 };
		FormatField ff[8];

		assert_int_equal(engine_render(e, m[0].rule, t->ctx, &text, &values, ff), 0);
		*ret_out = strdup(text.buf ? text.buf : "");
		strbuf_done(&text);
		strbuf_done(&values);
	}
	return out;
}

static void test_rule_matches_connection(void **state)
{
	EngineOptions o;
	Engine *e;
	DnsResolver *r;
	char **names = NULL, *text = NULL;
	size_t n = 0;
	T *t;

	fake_row("a.test", DNS_TYPE_A, "10.0.0.7", 300);
	fake_row("b.test", DNS_TYPE_A, "10.0.0.7", 300);
	fake_row("b.test", DNS_TYPE_A, "10.0.0.9", 300);
	fake_row("elsewhere.test", DNS_TYPE_A, "10.0.0.10", 300);
	engine_options_init(&o);
	o.rule_matching = RULE_MATCHING_ALL;
	e = compile_rules(match_rules, &o);

	/* what the daemon does: collect, watch, install */
	assert_int_equal(engine_dns_names(e, &names, &n), 0);
	assert_int_equal(n, 3);
	r = resolver(30, 500);
	assert_int_equal(dns_resolver_watch(r, (const char *const *)names, n), 0);
	engine_dns_names_free(names);
	assert_int_equal(dns_resolver_wait_ready(r, 5000), 0);
	dns_resolver_install(r);

	t = t_new();
	tree(t);
	/* 10.0.0.7 is a.test and b.test: each name matches */
	connect_to(t, "10.0.0.7");
	assert_string_equal(MS(t, "fd.sip.name"), "a.test,b.test");
	assert_string_equal(eval_rules(e, t, &text), "Connect to bad domain|Connect to b");
	assert_string_equal(text, "connect to (a.test,b.test) (10.0.0.7)");
	free(text);
	text = NULL;
	/* only b.test */
	connect_to(t, "10.0.0.9");
	assert_string_equal(S(t, "fd.sip.name"), "b.test");
	assert_string_equal(eval_rules(e, t, NULL), "Connect to b|Connect not to a");
	/* the list's other name, written with a trailing dot */
	connect_to(t, "10.0.0.10");
	assert_string_equal(eval_rules(e, t, &text), "Connect to bad domain|Connect not to a");
	assert_string_equal(text, "connect to elsewhere.test (10.0.0.10)");
	free(text);
	/* an address no watched name has: no value; only the negated check holds */
	connect_to(t, "10.0.0.99");
	NA(t, "fd.sip.name");
	assert_string_equal(eval_rules(e, t, NULL), "Connect not to a");

	/* freeing the resolver removes the hook */
	dns_resolver_free(r);
	connect_to(t, "10.0.0.7");
	NA(t, "fd.sip.name");
	t_free(t);
	engine_free(e);
}

/* Each resolver test gets a fresh server and table. */
#define SRV_TEST(f) cmocka_unit_test_setup_teardown(f, server_start, server_stop)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_normalize),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_parse_answer),
		cmocka_unit_test(test_parse_negative_and_errors),
		cmocka_unit_test(test_config_parsing),
		SRV_TEST(test_resolve),
		SRV_TEST(test_ttl_refresh),
		SRV_TEST(test_failure_keeps_addresses),
		SRV_TEST(test_hostile_answers),
		cmocka_unit_test(test_no_server),
		cmocka_unit_test(test_engine_dns_names),
		SRV_TEST(test_rule_matches_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
