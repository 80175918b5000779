// SPDX-License-Identifier: MIT
/*
 * Bump allocator with destructors.  See arena.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/arena.h"

/* Blocks grow to this size; larger requests get a block of their own. */
#define ARENA_BLOCK_SIZE (16u * 1024u)
#define ARENA_ALIGN 16u

struct ArenaBlock {
	ArenaBlock *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

struct ArenaDtor {
	ArenaDtor *next;
	void (*fn)(void *p);
	void *p;
};

void *arena_alloc(Arena *a, size_t n)
{
	ArenaBlock *b = a->blocks;
	size_t need = ALIGN_TO(n ? n : 1, (size_t)ARENA_ALIGN);
	void *p;

	if (need < n)
		return NULL;
	if (!b || b->size - b->used < need) {
		size_t sz = need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;

		if (sz > SIZE_MAX - sizeof(ArenaBlock))
			return NULL;
		b = malloc(sizeof(ArenaBlock) + sz);
		if (!b)
			return NULL;
		b->used = 0;
		b->size = sz;
		if (a->blocks && need > ARENA_BLOCK_SIZE) {
			/* Keep filling the current block: put the big one behind it. */
			b->next = a->blocks->next;
			a->blocks->next = b;
		} else {
			b->next = a->blocks;
			a->blocks = b;
		}
	}
	p = b->data + b->used;
	b->used += need;
	a->total += need;
	memset(p, 0, n);
	return p;
}

void *arena_alloc_array(Arena *a, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		return NULL;
	return arena_alloc(a, n * sz);
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}

int arena_defer(Arena *a, void (*fn)(void *p), void *p)
{
	ArenaDtor *d = malloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->fn = fn;
	d->p = p;
	d->next = a->dtors;
	a->dtors = d;
	return 0;
}

void arena_done(Arena *a)
{
	while (a->dtors) {
		ArenaDtor *d = a->dtors;

		a->dtors = d->next;
		d->fn(d->p);
		free(d);
	}
	while (a->blocks) {
		ArenaBlock *b = a->blocks;

		a->blocks = b->next;
		free(b);
	}
	a->total = 0;
}
