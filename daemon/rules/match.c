// SPDX-License-Identifier: MIT
/*
 * glob, icontains and pmatch matchers.  See match.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hashmap.h"
#include "rules/match.h"

static inline unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool in_class(const char *name, size_t n, unsigned char c)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dig = c >= '0' && c <= '9';

	if (IS("alpha"))
		return up || lo;
	if (IS("digit"))
		return dig;
	if (IS("alnum"))
		return up || lo || dig;
	if (IS("upper"))
		return up;
	if (IS("lower"))
		return lo;
	if (IS("space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (IS("blank"))
		return c == ' ' || c == '\t';
	if (IS("punct"))
		return c > 32 && c < 127 && !up && !lo && !dig;
	if (IS("print"))
		return c >= 32 && c < 127;
	if (IS("graph"))
		return c > 32 && c < 127;
	if (IS("cntrl"))
		return c < 32 || c == 127;
	if (IS("xdigit"))
		return dig || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	return false;
#undef IS
}

static bool class_known(const char *name, size_t n)
{
	static const char *const names[] = { "alpha", "digit", "alnum", "upper", "lower", "space",
					     "blank", "punct", "print", "graph", "cntrl", "xdigit" };
	size_t i;

	for (i = 0; i < ELEMENTSOF(names); i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return true;
	return false;
}

/*
 * One bracket expression; p points after '['.  Returns 1 (c matches), 0 (it
 * does not), -1 (no closing ']': the '[' is an ordinary character) or -2
 * (unknown character class: the whole pattern fails, as in glibc).
 */
static int bracket(const char *p, const char *pend, unsigned char c, bool fold,
		   const char **ret_end)
{
	bool neg = false, matched = false, first = true;

	if (fold)
		c = lower(c);
	if (p < pend && (*p == '!' || *p == '^')) {
		neg = true;
		p++;
	}
	for (;;) {
		unsigned char lo, hi;

		if (p >= pend)
			return -1;
		if (*p == ']' && !first) {
			p++;
			break;
		}
		first = false;
		if (*p == '[' && p + 1 < pend && p[1] == ':') {
			const char *q = p + 2, *e = NULL;

			for (; q + 1 < pend; q++)
				if (q[0] == ':' && q[1] == ']') {
					e = q;
					break;
				}
			if (e) {
				if (!class_known(p + 2, (size_t)(e - p - 2)))
					return -2;
				if (in_class(p + 2, (size_t)(e - p - 2), c) ||
				    (fold &&
				     in_class(p + 2, (size_t)(e - p - 2),
					      (unsigned char)(c >= 'a' && c <= 'z' ? c - 32 : c))))
					matched = true;
				p = e + 2;
				continue;
			}
		}
		if (*p == '\\') {
			if (++p >= pend)
				return -1;
		}
		lo = (unsigned char)*p++;
		if (p + 1 < pend && *p == '-' && p[1] != ']') {
			p++;
			if (*p == '\\' && ++p >= pend)
				return -1;
			hi = (unsigned char)*p++;
			if (fold) {
				lo = lower(lo);
				hi = lower(hi);
			}
			if (lo <= c && c <= hi)
				matched = true;
		} else if ((fold ? lower(lo) : lo) == c) {
			matched = true;
		}
	}
	*ret_end = p;
	return matched != neg;
}

bool glob_match(const char *pat, size_t plen, const char *s, size_t slen, bool fold)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < slen) {
		if (pi < plen) {
			unsigned char pc = (unsigned char)pat[pi], sc = (unsigned char)s[si];
			const char *end;
			int r;

			switch (pc) {
			case '*':
				while (pi < plen && pat[pi] == '*')
					pi++;
				if (pi == plen)
					return true;
				star_p = pi;
				star_s = si;
				continue;
			case '?':
				pi++;
				si++;
				continue;
			case '[':
				r = bracket(pat + pi + 1, pat + plen, sc, fold, &end);
				if (r == -2)
					return false;
				if (r == 1) {
					pi = (size_t)(end - pat);
					si++;
					continue;
				}
				if (r == 0)
					break;
				/* no closing bracket: a literal '[' */
				if (sc == '[') {
					pi++;
					si++;
					continue;
				}
				break;
			case '\\':
				if (pi + 1 < plen &&
				    (fold ? lower((unsigned char)pat[pi + 1]) == lower(sc) :
					    (unsigned char)pat[pi + 1] == sc)) {
					pi += 2;
					si++;
					continue;
				}
				break;
			default:
				if (fold ? lower(pc) == lower(sc) : pc == sc) {
					pi++;
					si++;
					continue;
				}
				break;
			}
		}
		if (star_p == SIZE_MAX)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < plen && pat[pi] == '*')
		pi++;
	return pi == plen;
}

bool icase_contains(const char *s, size_t slen, const char *lower_needle, size_t nlen)
{
	unsigned char first;
	size_t i, j;

	if (!nlen)
		return true;
	if (nlen > slen)
		return false;
	first = (unsigned char)lower_needle[0];
	for (i = 0; i + nlen <= slen; i++) {
		if (lower((unsigned char)s[i]) != first)
			continue;
		for (j = 1; j < nlen; j++)
			if (lower((unsigned char)s[i + j]) != (unsigned char)lower_needle[j])
				break;
		if (j == nlen)
			return true;
	}
	return false;
}

/* ---- regex operand limits ---- */

static size_t sat_add(size_t a, size_t b)
{
	return a + b < a || a + b > REGEX_MAX_NODES ? REGEX_MAX_NODES + 1 : a + b;
}

static size_t sat_mul(size_t a, size_t b)
{
	return b && a > (REGEX_MAX_NODES + 1) / b ? REGEX_MAX_NODES + 1 :
						    MIN(a * b, REGEX_MAX_NODES + 1);
}

/* End of the bracket expression starting at p[i] == '[', or n when unterminated. */
static size_t bracket_end(const char *p, size_t n, size_t i)
{
	i++;
	if (i < n && p[i] == '^')
		i++;
	if (i < n && p[i] == ']')
		i++;
	while (i < n && p[i] != ']') {
		if (p[i] == '[' && i + 1 < n &&
		    (p[i + 1] == ':' || p[i + 1] == '=' || p[i + 1] == '.')) {
			char close = p[i + 1];
			size_t j;

			for (j = i + 2; j + 1 < n; j++)
				if (p[j] == close && p[j + 1] == ']')
					break;
			if (j + 1 < n) {
				i = j + 2;
				continue;
			}
		}
		i++;
	}
	return i;
}

/*
 * Estimate the size of the compiled expression the way glibc builds it:
 * an atom is one node, a group the sum of its parts, "x+" copies x once,
 * "x{n,m}" up to m times.  Only the estimate matters here, not exact syntax.
 */
int regex_check(const char *p, size_t n, const char **ret_reason)
{
	size_t total[REGEX_MAX_GROUPS + 1], last[REGEX_MAX_GROUPS + 1], depth = 0, i;

	total[0] = last[0] = 0;
	for (i = 0; i < n; i++) {
		size_t atom = 1;

		switch (p[i]) {
		case '\\':
			if (i + 1 < n && p[i + 1] >= '1' && p[i + 1] <= '9') {
				*ret_reason = "backreferences (\\1 ... \\9) are not supported";
				return -EINVAL;
			}
			i++;
			break;
		case '[':
			i = bracket_end(p, n, i);
			break;
		case '(':
			if (depth >= REGEX_MAX_GROUPS) {
				*ret_reason = "groups nested too deeply";
				return -EINVAL;
			}
			depth++;
			total[depth] = last[depth] = 0;
			continue;
		case ')':
			if (!depth)
				break;
			atom = sat_add(total[depth], 1);
			depth--;
			break;
		case '|':
			last[depth] = 0;
			continue;
		case '*':
		case '?':
			total[depth] = sat_add(total[depth], 1);
			last[depth] = sat_add(last[depth], 1);
			goto check;
		case '+':
			total[depth] = sat_add(total[depth], sat_add(last[depth], 1));
			last[depth] = sat_add(sat_mul(last[depth], 2), 1);
			goto check;
		case '{': {
			size_t j = i + 1, lo = 0, hi = 0, k;
			bool comma = false, digits = false;

			for (; j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ','); j++) {
				if (p[j] == ',') {
					comma = true;
					continue;
				}
				digits = true;
				if (comma)
					hi = MIN(hi * 10 + (size_t)(p[j] - '0'),
						 (size_t)REGEX_MAX_REPEAT + 1);
				else
					lo = MIN(lo * 10 + (size_t)(p[j] - '0'),
						 (size_t)REGEX_MAX_REPEAT + 1);
			}
			if (j >= n || p[j] != '}' || !digits)
				break; /* not a bound: an ordinary character */
			k = MAX(lo, comma ? hi : lo);
			if (k > REGEX_MAX_REPEAT) {
				*ret_reason = "repetition count above 1000";
				return -EINVAL;
			}
			total[depth] = sat_add(total[depth], sat_add(sat_mul(last[depth], k), 1));
			last[depth] = sat_add(sat_mul(last[depth], k + 1), 1);
			i = j;
			goto check;
		}
		default:
			break;
		}
		total[depth] = sat_add(total[depth], atom);
		last[depth] = atom;
check:
		if (total[depth] > REGEX_MAX_NODES || last[depth] > REGEX_MAX_NODES) {
			*ret_reason = "expression too complex (nested repetitions)";
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- pmatch trie ---- */

typedef struct TrieNode {
	bool terminal;
	uint32_t globs; /* first glob edge + 1, 0 = none */
} TrieNode;

typedef struct TrieEdge {
	uint64_t hash;
	uint32_t parent;
	uint32_t child; /* 0 = empty slot (the root is never a child) */
	uint32_t off, len; /* component in pool */
} TrieEdge;

typedef struct TrieGlob {
	uint32_t child;
	uint32_t next; /* next glob edge of the same parent + 1, 0 = none */
	uint32_t off, len;
} TrieGlob;

struct PathTrie {
	TrieNode *nodes;
	size_t nnodes, cap_nodes;
	TrieEdge *edges;
	size_t mask, nedges;
	TrieGlob *globs;
	size_t nglobs, cap_globs;
	char *pool;
	size_t pool_len, pool_cap;
};

PathTrie *path_trie_new(void)
{
	PathTrie *t = new0(PathTrie, 1);

	if (!t)
		return NULL;
	t->nodes = new0(TrieNode, 8);
	if (!t->nodes) {
		free(t);
		return NULL;
	}
	t->cap_nodes = 8;
	t->nnodes = 1; /* the root */
	return t;
}

PathTrie *path_trie_free(PathTrie *t)
{
	if (!t)
		return NULL;
	free(t->nodes);
	free(t->edges);
	free(t->globs);
	free(t->pool);
	free(t);
	return NULL;
}

/* Next component of path at *pos: returns its start and length, false at the end. */
static bool next_component(const char *path, size_t n, size_t *pos, const char **ret,
			   size_t *ret_len)
{
	size_t i = *pos, start;

	while (i < n && path[i] == '/')
		i++;
	if (i >= n) {
		*pos = i;
		return false;
	}
	start = i;
	while (i < n && path[i] != '/')
		i++;
	*ret = path + start;
	*ret_len = i - start;
	*pos = i;
	return true;
}

static inline uint64_t edge_hash(uint32_t parent, const char *c, size_t n)
{
	return hash_bytes(c, n) ^ hash_u64(parent + 1);
}

static uint32_t edge_find(const PathTrie *t, uint32_t parent, const char *c, size_t n, uint64_t h,
			  size_t *ret_slot)
{
	size_t i;

	if (!t->edges) {
		*ret_slot = 0;
		return 0;
	}
	for (i = h & t->mask; t->edges[i].child; i = (i + 1) & t->mask) {
		const TrieEdge *e = &t->edges[i];

		if (e->hash == h && e->parent == parent && e->len == n &&
		    memcmp(t->pool + e->off, c, n) == 0) {
			*ret_slot = i;
			return e->child;
		}
	}
	*ret_slot = i;
	return 0;
}

static int pool_add(PathTrie *t, const char *c, size_t n, uint32_t *ret_off)
{
	if (t->pool_len + n > UINT32_MAX)
		return -E2BIG;
	if (t->pool_len + n > t->pool_cap) {
		size_t nc = t->pool_cap ? t->pool_cap : 256;
		char *np;

		while (nc < t->pool_len + n)
			nc *= 2;
		np = realloc(t->pool, nc);
		if (!np)
			return -ENOMEM;
		t->pool = np;
		t->pool_cap = nc;
	}
	memcpy(t->pool + t->pool_len, c, n);
	*ret_off = (uint32_t)t->pool_len;
	t->pool_len += n;
	return 0;
}

static int new_node(PathTrie *t, uint32_t *ret)
{
	if (t->nnodes >= UINT32_MAX - 1)
		return -E2BIG;
	if (t->nnodes == t->cap_nodes) {
		size_t nc = t->cap_nodes * 2;
		TrieNode *nn = reallocarray(t->nodes, nc, sizeof(*nn));

		if (!nn)
			return -ENOMEM;
		t->nodes = nn;
		t->cap_nodes = nc;
	}
	t->nodes[t->nnodes] = (TrieNode){ 0 };
	*ret = (uint32_t)t->nnodes++;
	return 0;
}

static int grow_edges(PathTrie *t)
{
	size_t cap = t->edges ? (t->mask + 1) * 2 : 16, i;
	TrieEdge *ne = calloc(cap, sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	for (i = 0; t->edges && i <= t->mask; i++) {
		size_t j;

		if (!t->edges[i].child)
			continue;
		for (j = t->edges[i].hash & (cap - 1); ne[j].child; j = (j + 1) & (cap - 1))
			;
		ne[j] = t->edges[i];
	}
	free(t->edges);
	t->edges = ne;
	t->mask = cap - 1;
	return 0;
}

static int child_direct(PathTrie *t, uint32_t parent, const char *c, size_t n, uint32_t *ret)
{
	uint64_t h = edge_hash(parent, c, n);
	size_t slot;
	uint32_t child = edge_find(t, parent, c, n, h, &slot), off;
	int r;

	if (child) {
		*ret = child;
		return 0;
	}
	if (!t->edges || (t->nedges + 1) * 2 > t->mask + 1) {
		r = grow_edges(t);
		if (r < 0)
			return r;
		edge_find(t, parent, c, n, h, &slot);
	}
	r = pool_add(t, c, n, &off);
	if (r < 0)
		return r;
	r = new_node(t, &child);
	if (r < 0)
		return r;
	t->edges[slot] = (TrieEdge){
		.hash = h, .parent = parent, .child = child, .off = off, .len = (uint32_t)n
	};
	t->nedges++;
	*ret = child;
	return 0;
}

static int child_glob(PathTrie *t, uint32_t parent, const char *c, size_t n, uint32_t *ret)
{
	uint32_t g, child, off;
	int r;

	for (g = t->nodes[parent].globs; g; g = t->globs[g - 1].next) {
		const TrieGlob *x = &t->globs[g - 1];

		if (x->len == n && memcmp(t->pool + x->off, c, n) == 0) {
			*ret = x->child;
			return 0;
		}
	}
	if (t->nglobs == t->cap_globs) {
		size_t nc = t->cap_globs ? t->cap_globs * 2 : 4;
		TrieGlob *ng = reallocarray(t->globs, nc, sizeof(*ng));

		if (!ng)
			return -ENOMEM;
		t->globs = ng;
		t->cap_globs = nc;
	}
	r = pool_add(t, c, n, &off);
	if (r < 0)
		return r;
	r = new_node(t, &child);
	if (r < 0)
		return r;
	t->globs[t->nglobs] = (TrieGlob){
		.child = child, .next = t->nodes[parent].globs, .off = off, .len = (uint32_t)n
	};
	t->nodes[parent].globs = (uint32_t)++t->nglobs;
	*ret = child;
	return 0;
}

int path_trie_add(PathTrie *t, const char *path, size_t n)
{
	uint32_t node = 0;
	size_t pos = 0, clen, depth = 0;
	const char *c;
	int r;

	/* Check the depth first so a refused path leaves no partial branch. */
	while (next_component(path, n, &pos, &c, &clen))
		if (++depth > PATH_TRIE_MAX_DEPTH)
			return -E2BIG;
	pos = 0;
	while (!t->nodes[node].terminal && next_component(path, n, &pos, &c, &clen)) {
		if (memchr(c, '*', clen) || memchr(c, '?', clen) || memchr(c, '[', clen))
			r = child_glob(t, node, c, clen, &node);
		else
			r = child_direct(t, node, c, clen, &node);
		if (r < 0)
			return r;
	}
	/* A shorter search path covers every longer one below it. */
	t->nodes[node].terminal = true;
	return 0;
}

static bool match_from(const PathTrie *t, uint32_t node, const char *path, size_t n, size_t pos)
{
	for (;;) {
		const TrieNode *nd = &t->nodes[node];
		const char *c;
		size_t clen, slot;
		uint32_t child, g;

		if (nd->terminal)
			return true;
		if (!next_component(path, n, &pos, &c, &clen))
			return false;
		child = t->nedges ? edge_find(t, node, c, clen, edge_hash(node, c, clen), &slot) :
				    0;
		if (!nd->globs) {
			if (!child)
				return false;
			node = child;
			continue;
		}
		/* Branch point: the exact component first, then the glob ones. */
		if (child && match_from(t, child, path, n, pos))
			return true;
		for (g = nd->globs; g; g = t->globs[g - 1].next) {
			const TrieGlob *x = &t->globs[g - 1];

			if (glob_match(t->pool + x->off, x->len, c, clen, false) &&
			    match_from(t, x->child, path, n, pos))
				return true;
		}
		return false;
	}
}

bool path_trie_match(const PathTrie *t, const char *path, size_t n)
{
	return match_from(t, 0, path, n, 0);
}
