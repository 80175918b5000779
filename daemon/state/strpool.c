// SPDX-License-Identifier: MIT
/*
 * Interned strings: a chained hash table of entries that carry their own
 * reference count and length just before the text, so a string pointer is
 * all a holder keeps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state/strpool.h"

#define STRPOOL_MIN_BUCKETS 256

typedef struct Entry {
	struct Entry *next;
	uint64_t hash;
	uint32_t refs;
	uint32_t len;
	char text[];
} Entry;

struct StrPool {
	Entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t count;
	size_t bytes;
};

/* FNV-1a, 64 bit: the pool's texts are short and attacker-chosen only in content */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static Entry *entry_of(char *s)
{
	return (Entry *)(s - offsetof(Entry, text));
}

StrPool *strpool_new(void)
{
	StrPool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->nbuckets = STRPOOL_MIN_BUCKETS;
	p->buckets = calloc(p->nbuckets, sizeof(*p->buckets));
	if (!p->buckets) {
		free(p);
		return NULL;
	}
	return p;
}

StrPool *strpool_free(StrPool *p)
{
	size_t i;

	if (!p)
		return NULL;
	/* entries still referenced are freed too: the pool owns the memory */
	for (i = 0; i < p->nbuckets; i++) {
		Entry *e = p->buckets[i], *n;

		for (; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(p->buckets);
	free(p);
	return NULL;
}

static void grow(StrPool *p)
{
	size_t n = p->nbuckets * 2, i;
	Entry **b = calloc(n, sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	for (i = 0; i < p->nbuckets; i++) {
		Entry *e = p->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(p->buckets);
	p->buckets = b;
	p->nbuckets = n;
}

char *strpool_intern(StrPool *p, const char *s, size_t len)
{
	uint64_t h;
	Entry *e;

	if (len > UINT32_MAX)
		return NULL;
	h = hash_bytes(s, len);
	for (e = p->buckets[h & (p->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && e->len == len && memcmp(e->text, s, len) == 0 &&
		    e->refs < UINT32_MAX) {
			e->refs++;
			return e->text;
		}
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	e->hash = h;
	e->refs = 1;
	e->len = (uint32_t)len;
	memcpy(e->text, s, len);
	e->text[len] = 0;
	if (p->count >= p->nbuckets)
		grow(p);
	e->next = p->buckets[h & (p->nbuckets - 1)];
	p->buckets[h & (p->nbuckets - 1)] = e;
	p->count++;
	p->bytes += len + 1;
	return e->text;
}

char *strpool_ref(char *s)
{
	if (s) {
		Entry *e = entry_of(s);

		/* a saturated entry is never freed; a new one is made on the next intern */
		if (e->refs < UINT32_MAX)
			e->refs++;
	}
	return s;
}

void strpool_unref(StrPool *p, char *s)
{
	Entry *e, **pp;

	if (!s)
		return;
	e = entry_of(s);
	if (e->refs == UINT32_MAX || --e->refs > 0)
		return;
	for (pp = &p->buckets[e->hash & (p->nbuckets - 1)]; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	p->count--;
	p->bytes -= e->len + 1u;
	free(e);
}

size_t strpool_count(const StrPool *p)
{
	return p->count;
}

size_t strpool_bytes(const StrPool *p)
{
	return p->bytes;
}
