// SPDX-License-Identifier: MIT
/*
 * Position-mapped text.  See srctext.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/srctext.h"

/* Conditions and outputs longer than this are refused by the loader. */
#define SRCTEXT_MAX (1u << 20)

static int grow_text(SrcText *t, size_t n)
{
	char *p;

	if (t->len + n + 1 > SRCTEXT_MAX)
		return -E2BIG;
	p = realloc(t->text, t->len + n + 1);
	if (!p)
		return -ENOMEM;
	t->text = p;
	return 0;
}

int srctext_anchor(SrcText *t, const SrcPos *pos)
{
	if (t->nanchors && t->anchors[t->nanchors - 1].off == t->len) {
		t->anchors[t->nanchors - 1].pos = *pos;
		return 0;
	}
	if (t->nanchors == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 4;
		SrcAnchor *na = reallocarray(t->anchors, nc, sizeof(*na));

		if (!na)
			return -ENOMEM;
		t->anchors = na;
		t->cap = nc;
	}
	t->anchors[t->nanchors++] = (SrcAnchor){ .off = t->len, .pos = *pos };
	return 0;
}

int srctext_append_raw(SrcText *t, const char *s, size_t n)
{
	int r = grow_text(t, n);

	if (r < 0)
		return r;
	memcpy(t->text + t->len, s, n);
	t->len += n;
	t->text[t->len] = 0;
	return 0;
}

int srctext_append(SrcText *t, const char *s, size_t n, const SrcPos *pos)
{
	int r = srctext_anchor(t, pos);

	if (r < 0)
		return r;
	return srctext_append_raw(t, s, n);
}

SrcPos srctext_locate(const SrcText *t, size_t off)
{
	size_t lo = 0, hi;
	SrcPos p;

	if (!t->nanchors)
		return (SrcPos){ 0 };
	if (off > t->len)
		off = t->len;
	hi = t->nanchors;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (t->anchors[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	p = t->anchors[lo].pos;
	if (p.line)
		p.col += (unsigned)(off - t->anchors[lo].off);
	return p;
}

int srctext_copy(SrcText *dst, const SrcText *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->text = malloc(src->len + 1);
	if (!dst->text)
		return -ENOMEM;
	memcpy(dst->text, src->text ? src->text : "", src->len);
	dst->text[src->len] = 0;
	dst->len = src->len;
	if (src->nanchors) {
		dst->anchors = reallocarray(NULL, src->nanchors, sizeof(SrcAnchor));
		if (!dst->anchors) {
			free(dst->text);
			dst->text = NULL;
			return -ENOMEM;
		}
		memcpy(dst->anchors, src->anchors, src->nanchors * sizeof(SrcAnchor));
	}
	dst->nanchors = dst->cap = src->nanchors;
	return 0;
}

void srctext_done(SrcText *t)
{
	free(t->text);
	free(t->anchors);
	memset(t, 0, sizeof(*t));
}
