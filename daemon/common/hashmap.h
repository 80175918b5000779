/* SPDX-License-Identifier: MIT */
/*
 * Open-addressing hash maps (linear probing, backward-shift deletion):
 * StrMap keys are byte strings copied into the map, U64Map keys are 64-bit
 * integers (tids, inode numbers).  Values are opaque pointers owned by the
 * caller.  Used for rule list sets, macro tables and the state tables.
 */
#ifndef SAKER_HASHMAP_H
#define SAKER_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

uint64_t hash_bytes(const void *p, size_t n);
uint64_t hash_u64(uint64_t x);

typedef struct StrMap StrMap;

StrMap *strmap_new(void);
StrMap *strmap_free(StrMap *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(StrMap *, strmap_free);
/* Insert or replace; the key bytes are copied.  Returns 0 or -ENOMEM. */
int strmap_put(StrMap *m, const char *key, size_t klen, void *value);
/* Returns true and the value when present. */
bool strmap_get(const StrMap *m, const char *key, size_t klen, void **ret_value);
bool strmap_remove(StrMap *m, const char *key, size_t klen, void **ret_value);
size_t strmap_size(const StrMap *m);
/* Iterate: start with *iter = 0; returns false at the end. */
bool strmap_next(const StrMap *m, size_t *iter, const char **ret_key, size_t *ret_klen,
		 void **ret_value);

typedef struct U64Map U64Map;

U64Map *u64map_new(void);
U64Map *u64map_free(U64Map *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(U64Map *, u64map_free);
int u64map_put(U64Map *m, uint64_t key, void *value);
void *u64map_get(const U64Map *m, uint64_t key);
void *u64map_remove(U64Map *m, uint64_t key);
size_t u64map_size(const U64Map *m);
bool u64map_next(const U64Map *m, size_t *iter, uint64_t *ret_key, void **ret_value);

#endif /* SAKER_HASHMAP_H */
