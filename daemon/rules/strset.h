/* SPDX-License-Identifier: MIT */
/*
 * Read-mostly sets for the compiled "in" / "intersects" operators: byte
 * strings (StrSet) and 64-bit integers (U64Set).  Built once at compile
 * time, queried per event without allocating: open addressing, hashes
 * stored next to the keys, and a length window that rejects most misses of
 * a string set before hashing.
 */
#ifndef SAKER_STRSET_H
#define SAKER_STRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/macro.h"

/* Most entries one set holds (lists are limited long before this). */
#define STRSET_MAX_ENTRIES (1u << 24)

typedef struct StrSet StrSet;

StrSet *strset_new(void);
StrSet *strset_free(StrSet *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(StrSet *, strset_free);
/* Add a copy of s[0..n); duplicates are ignored.  0, -ENOMEM or -E2BIG. */
int strset_add(StrSet *s, const void *p, size_t n);
bool strset_contains(const StrSet *s, const void *p, size_t n);
size_t strset_size(const StrSet *s);
/* Entry i (insertion order, duplicates dropped); for rendering and tests. */
const char *strset_item(const StrSet *s, size_t i, size_t *ret_len);

typedef struct U64Set U64Set;

U64Set *u64set_new(void);
U64Set *u64set_free(U64Set *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(U64Set *, u64set_free);
int u64set_add(U64Set *s, uint64_t v);
bool u64set_contains(const U64Set *s, uint64_t v);
size_t u64set_size(const U64Set *s);

#endif /* SAKER_STRSET_H */
