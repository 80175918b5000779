/* SPDX-License-Identifier: MIT */
/*
 * Parsing of the constants written in conditions into the types of the
 * fields they are compared with: integers (decimal or 0x hex), booleans,
 * IPv4/IPv6 addresses, CIDR networks and the hex strings of bcontains.
 * All functions return 0 or -EINVAL (-ERANGE for out-of-range integers).
 */
#ifndef SAKER_LITERAL_H
#define SAKER_LITERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/field.h"

int literal_int64(const char *s, size_t n, int64_t *ret);
int literal_uint64(const char *s, size_t n, uint64_t *ret);
/* "true" or "false", as Falco accepts them. */
int literal_bool(const char *s, size_t n, bool *ret);
/* An IPv4 (dotted quad) or IPv6 address; family 4 or 6. */
int literal_ip(const char *s, size_t n, IpAddr *ret);
/* A network "addr/len" with len <= 32 (IPv4) or 128 (IPv6). */
int literal_cidr(const char *s, size_t n, IpAddr *ret);
/*
 * Hex digits (pairs, optional blanks between bytes) into bytes; *ret is
 * malloc'd, *ret_len its length.
 */
int literal_unhex(const char *s, size_t n, char **ret, size_t *ret_len);

/* Whether address a lies in network net. */
bool ip_in_net(const IpAddr *a, const IpAddr *net);

#endif /* SAKER_LITERAL_H */
