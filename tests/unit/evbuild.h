/* SPDX-License-Identifier: MIT */
/*
 * A tiny builder of raw saker records for unit tests: header, parameter
 * lengths and parameter bytes exactly as the kernel module writes them
 * (include/saker/event.h).  Parameters are appended in table order; the
 * caller knows each one's wire type from include/saker/event-table.h.
 * Parameters not appended before evbuild_end() are written empty (length 0).
 *
 *	evbuild_begin(SAKER_EVT_OPENAT, ts, tid, pid);
 *	evbuild_s64(3);			// fd
 *	evbuild_s64(-100);		// dirfd
 *	evbuild_str("/etc/passwd");	// name
 *	...
 *	evbuild_end(&buf, &len);	// buf is malloc'd
 *
 * One record is built at a time (static state); misuse aborts the test.
 */
#ifndef SAKER_EVBUILD_H
#define SAKER_EVBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "event/decode.h"

void evbuild_begin(uint16_t type, uint64_t ts, uint32_t tid, uint32_t pid);
/* Header fields other than those of evbuild_begin (defaults: 0). */
void evbuild_cpu(uint16_t cpu);
void evbuild_flags(uint16_t flags);

/* Integers of each wire width (FD, PID, ERRNO, S64 are 8 bytes signed). */
void evbuild_s64(int64_t v);
void evbuild_u64(uint64_t v);
void evbuild_s32(int32_t v);
void evbuild_u32(uint32_t v);
void evbuild_u16(uint16_t v);
/* A string with its terminating NUL (PATH, ABSPATH, STR). */
void evbuild_str(const char *s);
/* NUL-separated strings, each terminated (STRARR: argv, env). */
void evbuild_strarr(const char *const *v, size_t n);
void evbuild_bytes(const void *p, size_t n);
/* An empty parameter, and one the kernel could not read. */
void evbuild_empty(void);
void evbuild_fault(void);

/* SOCKADDR payloads; addresses in text form ("10.0.0.1", "::1"). */
void evbuild_sockaddr_in(const char *ip, uint16_t port);
void evbuild_sockaddr_in6(const char *ip, uint16_t port);
void evbuild_sockaddr_un(const char *path);
/* TUPLE payloads: source (client) then destination (server). */
void evbuild_tuple_in(uint8_t l4proto, const char *sip, uint16_t sport, const char *dip,
		      uint16_t dport);
void evbuild_tuple_in6(uint8_t l4proto, const char *sip, uint16_t sport, const char *dip,
		       uint16_t dport);
void evbuild_tuple_un(uint64_t sock, uint64_t peer, const char *path);

/* Finish: *ret_buf is a malloc'd record of *ret_len bytes.  Returns 0. */
int evbuild_end(void **ret_buf, size_t *ret_len);
/* Finish and decode into *ret (the record, to free, is in *ret_buf). */
int evbuild_end_decode(SkEvent *ret, void **ret_buf);

#endif /* SAKER_EVBUILD_H */
