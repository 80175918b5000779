// SPDX-License-Identifier: MIT
/*
 * Hash sets of strings and integers.  See strset.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hashmap.h"
#include "rules/strset.h"

typedef struct StrSlot {
	uint64_t hash;
	uint32_t idx; /* entry index + 1; 0 = empty */
} StrSlot;

typedef struct StrEntry {
	size_t off; /* into pool */
	size_t len;
} StrEntry;

struct StrSet {
	StrSlot *slots;
	size_t mask; /* capacity - 1, capacity a power of two */
	StrEntry *entries;
	size_t n, cap_entries;
	char *pool;
	size_t pool_len, pool_cap;
	size_t minlen, maxlen;
};

StrSet *strset_new(void)
{
	return new0(StrSet, 1);
}

StrSet *strset_free(StrSet *s)
{
	if (!s)
		return NULL;
	free(s->slots);
	free(s->entries);
	free(s->pool);
	free(s);
	return NULL;
}

static inline const char *entry_str(const StrSet *s, const StrEntry *e)
{
	return s->pool + e->off;
}

static int grow_slots(StrSet *s)
{
	size_t cap = s->slots ? (s->mask + 1) * 2 : 16, i;
	StrSlot *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; s->slots && i <= s->mask; i++) {
		size_t j;

		if (!s->slots[i].idx)
			continue;
		for (j = s->slots[i].hash & (cap - 1); ns[j].idx; j = (j + 1) & (cap - 1))
			;
		ns[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = ns;
	s->mask = cap - 1;
	return 0;
}

static bool find(const StrSet *s, const void *p, size_t n, uint64_t h, size_t *ret_slot)
{
	size_t i;

	for (i = h & s->mask; s->slots[i].idx; i = (i + 1) & s->mask) {
		const StrEntry *e;

		if (s->slots[i].hash != h)
			continue;
		e = &s->entries[s->slots[i].idx - 1];
		if (e->len == n && memcmp(entry_str(s, e), p, n) == 0) {
			*ret_slot = i;
			return true;
		}
	}
	*ret_slot = i;
	return false;
}

int strset_add(StrSet *s, const void *p, size_t n)
{
	uint64_t h = hash_bytes(p, n);
	size_t slot;
	int r;

	if (s->slots && find(s, p, n, h, &slot))
		return 0;
	if (s->n >= STRSET_MAX_ENTRIES)
		return -E2BIG;
	if (!s->slots || (s->n + 1) * 2 > s->mask + 1) {
		r = grow_slots(s);
		if (r < 0)
			return r;
	}
	if (s->n == s->cap_entries) {
		size_t nc = s->cap_entries ? s->cap_entries * 2 : 8;
		StrEntry *ne = reallocarray(s->entries, nc, sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		s->entries = ne;
		s->cap_entries = nc;
	}
	if (s->pool_len + n + 1 > s->pool_cap) {
		size_t nc = s->pool_cap ? s->pool_cap : 256;
		char *np;

		while (nc < s->pool_len + n + 1)
			nc *= 2;
		np = realloc(s->pool, nc);
		if (!np)
			return -ENOMEM;
		s->pool = np;
		s->pool_cap = nc;
	}
	if (n)
		memcpy(s->pool + s->pool_len, p, n);
	s->pool[s->pool_len + n] = 0;
	s->entries[s->n] = (StrEntry){ .off = s->pool_len, .len = n };
	s->pool_len += n + 1;
	find(s, p, n, h, &slot);
	s->slots[slot].hash = h;
	s->slots[slot].idx = (uint32_t)(s->n + 1);
	if (!s->n || n < s->minlen)
		s->minlen = n;
	if (!s->n || n > s->maxlen)
		s->maxlen = n;
	s->n++;
	return 0;
}

bool strset_contains(const StrSet *s, const void *p, size_t n)
{
	size_t slot;

	if (!s->n || n < s->minlen || n > s->maxlen)
		return false;
	return find(s, p, n, hash_bytes(p, n), &slot);
}

size_t strset_size(const StrSet *s)
{
	return s->n;
}

const char *strset_item(const StrSet *s, size_t i, size_t *ret_len)
{
	if (i >= s->n)
		return NULL;
	*ret_len = s->entries[i].len;
	return entry_str(s, &s->entries[i]);
}

struct U64Set {
	uint64_t *keys; /* 0 = empty; the value 0 itself is kept in has_zero */
	size_t mask;
	size_t n;
	bool has_zero;
};

U64Set *u64set_new(void)
{
	return new0(U64Set, 1);
}

U64Set *u64set_free(U64Set *s)
{
	if (!s)
		return NULL;
	free(s->keys);
	free(s);
	return NULL;
}

static void u64_insert(uint64_t *keys, size_t mask, uint64_t v)
{
	size_t i;

	for (i = hash_u64(v) & mask; keys[i]; i = (i + 1) & mask)
		if (keys[i] == v)
			return;
	keys[i] = v;
}

int u64set_add(U64Set *s, uint64_t v)
{
	if (u64set_contains(s, v))
		return 0;
	if (s->n >= STRSET_MAX_ENTRIES)
		return -E2BIG;
	if (v == 0) {
		s->has_zero = true;
		s->n++;
		return 0;
	}
	if (!s->keys || (s->n + 1) * 2 > s->mask + 1) {
		size_t cap = s->keys ? (s->mask + 1) * 2 : 16, i;
		uint64_t *nk = calloc(cap, sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		for (i = 0; s->keys && i <= s->mask; i++)
			if (s->keys[i])
				u64_insert(nk, cap - 1, s->keys[i]);
		free(s->keys);
		s->keys = nk;
		s->mask = cap - 1;
	}
	u64_insert(s->keys, s->mask, v);
	s->n++;
	return 0;
}

bool u64set_contains(const U64Set *s, uint64_t v)
{
	size_t i;

	if (v == 0)
		return s->has_zero;
	if (!s->keys)
		return false;
	for (i = hash_u64(v) & s->mask; s->keys[i]; i = (i + 1) & s->mask)
		if (s->keys[i] == v)
			return true;
	return false;
}

size_t u64set_size(const U64Set *s)
{
	return s->n;
}
