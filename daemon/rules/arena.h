/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator for trees that live and die together: the parsed AST of
 * one condition, the compiled expressions of one engine.  Nodes of one tree
 * end up next to each other in memory (good for the evaluator's cache
 * behaviour) and the whole tree is released with one call.  Objects that own
 * outside resources (regex_t, hash sets) register a destructor.
 */
#ifndef SAKER_ARENA_H
#define SAKER_ARENA_H

#include <stddef.h>

#include "common/macro.h"

typedef struct ArenaBlock ArenaBlock;
typedef struct ArenaDtor ArenaDtor;

typedef struct Arena {
	ArenaBlock *blocks;
	ArenaDtor *dtors;
	size_t total; /* bytes handed out, for limits */
} Arena;

/* Zeroed memory aligned for any object; NULL when out of memory. */
void *arena_alloc(Arena *a, size_t n);
/* Zeroed array of n elements of size sz; NULL on overflow or out of memory. */
void *arena_alloc_array(Arena *a, size_t n, size_t sz);
/* Copy of n bytes plus a terminating NUL. */
char *arena_strndup(Arena *a, const char *s, size_t n);
/* Run fn(p) when the arena is released (in reverse registration order). */
int arena_defer(Arena *a, void (*fn)(void *p), void *p);
/* Release everything; the arena can be reused afterwards. */
void arena_done(Arena *a);

#endif /* SAKER_ARENA_H */
