// SPDX-License-Identifier: MIT
/*
 * Open-addressing hash maps.  Load factor is kept at or below 1/2; deletion
 * shifts following entries back so lookups never need tombstones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"

uint64_t hash_u64(uint64_t x)
{
	/* splitmix64 finaliser: cheap and well mixed */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = hash_u64(h ^ w);
	}
	if (i < n) {
		uint64_t w = 0;

		memcpy(&w, s + i, n - i);
		h = hash_u64(h ^ w ^ 0xff);
	}
	return h;
}

struct str_slot {
	char *key; /* NULL: empty */
	size_t klen;
	uint64_t hash;
	void *value;
};

struct StrMap {
	struct str_slot *slots;
	size_t cap; /* power of two */
	size_t size;
};

StrMap *strmap_new(void)
{
	return new0(StrMap, 1);
}

StrMap *strmap_free(StrMap *m)
{
	size_t i;

	if (!m)
		return NULL;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
	return NULL;
}

static size_t str_find(const StrMap *m, const char *key, size_t klen, uint64_t h, bool *found)
{
	size_t mask = m->cap - 1, i = h & mask;

	for (;;) {
		const struct str_slot *s = &m->slots[i];

		if (!s->key) {
			*found = false;
			return i;
		}
		if (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static int str_grow(StrMap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16, i;
	struct str_slot *old = m->slots, *n;

	n = calloc(ncap, sizeof(*n));
	if (!n)
		return -ENOMEM;
	m->slots = n;
	for (i = 0; i < m->cap; i++) {
		if (old[i].key) {
			size_t j = old[i].hash & (ncap - 1);

			while (n[j].key)
				j = (j + 1) & (ncap - 1);
			n[j] = old[i];
		}
	}
	m->cap = ncap;
	free(old);
	return 0;
}

int strmap_put(StrMap *m, const char *key, size_t klen, void *value)
{
	uint64_t h = hash_bytes(key, klen);
	bool found;
	size_t i;
	char *k;

	if ((m->size + 1) * 2 > m->cap) {
		int r = str_grow(m);

		if (r < 0)
			return r;
	}
	i = str_find(m, key, klen, h, &found);
	if (found) {
		m->slots[i].value = value;
		return 0;
	}
	k = malloc(klen + 1);
	if (!k)
		return -ENOMEM;
	memcpy(k, key, klen);
	k[klen] = 0;
	m->slots[i] = (struct str_slot){ .key = k, .klen = klen, .hash = h, .value = value };
	m->size++;
	return 0;
}

bool strmap_get(const StrMap *m, const char *key, size_t klen, void **ret_value)
{
	bool found;
	size_t i;

	if (!m || m->size == 0)
		return false;
	i = str_find(m, key, klen, hash_bytes(key, klen), &found);
	if (found && ret_value)
		*ret_value = m->slots[i].value;
	return found;
}

bool strmap_remove(StrMap *m, const char *key, size_t klen, void **ret_value)
{
	size_t mask, i, j;
	bool found;

	if (!m || m->size == 0)
		return false;
	mask = m->cap - 1;
	i = str_find(m, key, klen, hash_bytes(key, klen), &found);
	if (!found)
		return false;
	if (ret_value)
		*ret_value = m->slots[i].value;
	free(m->slots[i].key);
	m->slots[i].key = NULL;
	m->size--;
	/* backward shift */
	for (j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		size_t home = m->slots[j].hash & mask;

		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = NULL;
			i = j;
		}
	}
	return true;
}

size_t strmap_size(const StrMap *m)
{
	return m ? m->size : 0;
}

bool strmap_next(const StrMap *m, size_t *iter, const char **ret_key, size_t *ret_klen,
		 void **ret_value)
{
	if (!m)
		return false;
	for (; *iter < m->cap; (*iter)++) {
		const struct str_slot *s = &m->slots[*iter];

		if (s->key) {
			if (ret_key)
				*ret_key = s->key;
			if (ret_klen)
				*ret_klen = s->klen;
			if (ret_value)
				*ret_value = s->value;
			(*iter)++;
			return true;
		}
	}
	return false;
}

struct u64_slot {
	uint64_t key;
	void *value; /* NULL: empty (NULL values cannot be stored) */
};

struct U64Map {
	struct u64_slot *slots;
	size_t cap;
	size_t size;
};

U64Map *u64map_new(void)
{
	return new0(U64Map, 1);
}

U64Map *u64map_free(U64Map *m)
{
	if (!m)
		return NULL;
	free(m->slots);
	free(m);
	return NULL;
}

static size_t u64_find(const U64Map *m, uint64_t key, bool *found)
{
	size_t mask = m->cap - 1, i = hash_u64(key) & mask;

	for (;;) {
		if (!m->slots[i].value) {
			*found = false;
			return i;
		}
		if (m->slots[i].key == key) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static int u64_grow(U64Map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16, i;
	struct u64_slot *old = m->slots, *n;

	n = calloc(ncap, sizeof(*n));
	if (!n)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (old[i].value) {
			size_t j = hash_u64(old[i].key) & (ncap - 1);

			while (n[j].value)
				j = (j + 1) & (ncap - 1);
			n[j] = old[i];
		}
	}
	m->slots = n;
	m->cap = ncap;
	free(old);
	return 0;
}

int u64map_put(U64Map *m, uint64_t key, void *value)
{
	bool found;
	size_t i;

	if (!value)
		return -EINVAL;
	if ((m->size + 1) * 2 > m->cap) {
		int r = u64_grow(m);

		if (r < 0)
			return r;
	}
	i = u64_find(m, key, &found);
	if (!found)
		m->size++;
	m->slots[i] = (struct u64_slot){ .key = key, .value = value };
	return 0;
}

void *u64map_get(const U64Map *m, uint64_t key)
{
	bool found;
	size_t i;

	if (!m || m->size == 0)
		return NULL;
	i = u64_find(m, key, &found);
	return found ? m->slots[i].value : NULL;
}

void *u64map_remove(U64Map *m, uint64_t key)
{
	size_t mask, i, j;
	bool found;
	void *v;

	if (!m || m->size == 0)
		return NULL;
	mask = m->cap - 1;
	i = u64_find(m, key, &found);
	if (!found)
		return NULL;
	v = m->slots[i].value;
	m->slots[i].value = NULL;
	m->size--;
	for (j = (i + 1) & mask; m->slots[j].value; j = (j + 1) & mask) {
		size_t home = hash_u64(m->slots[j].key) & mask;

		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->slots[i] = m->slots[j];
			m->slots[j].value = NULL;
			i = j;
		}
	}
	return v;
}

size_t u64map_size(const U64Map *m)
{
	return m ? m->size : 0;
}

bool u64map_next(const U64Map *m, size_t *iter, uint64_t *ret_key, void **ret_value)
{
	if (!m)
		return false;
	for (; *iter < m->cap; (*iter)++) {
		if (m->slots[*iter].value) {
			if (ret_key)
				*ret_key = m->slots[*iter].key;
			if (ret_value)
				*ret_value = m->slots[*iter].value;
			(*iter)++;
			return true;
		}
	}
	return false;
}
