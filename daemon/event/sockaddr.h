/* SPDX-License-Identifier: MIT */
/*
 * The SOCKADDR and TUPLE parameter payloads (include/saker/event.h): decode
 * from and encode to the wire, and the text forms the event fixtures use
 * ("1.2.3.4:80", "[::1]:22", "/run/x.sock", "10.0.0.1:40000->1.2.3.4:443").
 * The state updater and the fixture reader/writer share these so there is
 * one definition of the layout.
 */
#ifndef SAKER_SOCKADDR_H
#define SAKER_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

/* sun_path is 108 bytes; abstract names are rendered with a leading '@'. */
#define SK_UNIX_PATH_MAX 108

typedef struct SkSockaddr {
	uint16_t family; /* SAKER_AF_* */
	uint16_t port;	 /* host order */
	uint8_t addr[16]; /* INET: first 4 bytes; network order */
	const char *path; /* UNIX (not NUL-terminated: path_len) */
	size_t path_len;
} SkSockaddr;

typedef struct SkTuple {
	uint16_t family;
	uint8_t l4proto; /* IPPROTO_* */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint64_t usrc, udst; /* UNIX: kernel socket and peer identifiers */
	const char *path;
	size_t path_len;
} SkTuple;

/* Decode a payload; -EBADMSG when it is too short for its family. */
int sk_sockaddr_decode(const void *p, size_t len, SkSockaddr *ret);
int sk_tuple_decode(const void *p, size_t len, SkTuple *ret);
/*
 * Encode into buf (size bytes); returns the payload length, or -E2BIG.
 * UNIX paths are written NUL-terminated.
 */
int sk_sockaddr_encode(const SkSockaddr *a, uint8_t *buf, size_t size);
int sk_tuple_encode(const SkTuple *t, uint8_t *buf, size_t size);

/*
 * Text forms.  A sockaddr is "1.2.3.4:80", "[2001:db8::1]:443", a UNIX path
 * starting with '/' or '@' (abstract), or "family:N" for other families.  A
 * tuple is "SRC->DST" with two inet addresses as above (l4proto is separate)
 * or, for UNIX, "SRC->DST PATH" with the identifiers in hex (Falco's fd.name
 * of a unix socket).  Parsers return -EINVAL on malformed text; the path in
 * a parsed UNIX address points into the text.
 */
int sk_sockaddr_parse(const char *text, SkSockaddr *ret);
int sk_tuple_parse(const char *text, SkTuple *ret);
/*
 * Render as text.  With brackets false IPv6 addresses are written the way
 * Falco names fds ("::1:22->::1:40000"), which cannot be parsed back.
 */
int sk_sockaddr_format(StrBuf *sb, const SkSockaddr *a, bool brackets);
int sk_tuple_format(StrBuf *sb, const SkTuple *t, bool brackets);

/* "tcp", "udp", "icmp", "raw", or NULL; and back (-EINVAL). */
const char *sk_l4proto_name(uint8_t l4proto);
int sk_l4proto_from_name(const char *name);

#endif /* SAKER_SOCKADDR_H */
