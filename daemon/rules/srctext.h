/* SPDX-License-Identifier: MIT */
/*
 * Text with a position map: a condition or output string assembled from one
 * or more YAML scalars (appends concatenate them), where every byte can be
 * traced back to the file, line and column it came from.  The compiler uses
 * it to report errors inside conditions at their exact place.
 */
#ifndef SAKER_SRCTEXT_H
#define SAKER_SRCTEXT_H

#include <stddef.h>

#include "rules/diag.h"

/*
 * text[off] is at file:line:col; following bytes advance col by one until
 * the next anchor.  Anchors are sorted by off.
 */
typedef struct SrcAnchor {
	size_t off;
	SrcPos pos;
} SrcAnchor;

typedef struct SrcText {
	char *text; /* NUL-terminated */
	size_t len;
	SrcAnchor *anchors;
	size_t nanchors;
	size_t cap;
} SrcText;

/* Append n bytes whose first byte is at pos; adds an anchor. */
int srctext_append(SrcText *t, const char *s, size_t n, const SrcPos *pos);
/* Append bytes without a new anchor (positions continue the last one). */
int srctext_append_raw(SrcText *t, const char *s, size_t n);
/* Add an anchor at the current end (the next appended byte is at pos). */
int srctext_anchor(SrcText *t, const SrcPos *pos);
/* Position of byte off (clamped to the text). */
SrcPos srctext_locate(const SrcText *t, size_t off);
int srctext_copy(SrcText *dst, const SrcText *src);
void srctext_done(SrcText *t);

#endif /* SAKER_SRCTEXT_H */
