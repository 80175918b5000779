/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics collected while loading and compiling rules: each error or
 * warning has a source position (file, line, column), the item it concerns
 * and a sentence for the user.  Pure layers only collect them; the tool or
 * daemon prints them as "FILE:LINE:COL: error: MESSAGE".
 */
#ifndef SAKER_DIAG_H
#define SAKER_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/macro.h"

typedef struct SrcPos {
	const char *file; /* interned, owned by the StrPool of the loader */
	unsigned line;	  /* 1-based, 0 when unknown */
	unsigned col;	  /* 1-based, 0 when unknown */
} SrcPos;

typedef enum DiagLevel {
	DIAG_ERROR,
	DIAG_WARNING,
} DiagLevel;

typedef struct Diag {
	DiagLevel level;
	SrcPos pos;
	char *item; /* "rule 'Write below etc'", or NULL */
	char *msg;
} Diag;

/* At most this many diagnostics are kept; the rest are only counted. */
#define DIAG_MAX 1000

typedef struct Diags {
	Diag *v;
	size_t n;
	size_t cap;
	size_t nerrors;	  /* including dropped ones */
	size_t nwarnings; /* including dropped ones */
} Diags;

int diags_add(Diags *d, DiagLevel level, const SrcPos *pos, const char *item, const char *fmt,
	      ...) _printf_(5, 6);
void diags_done(Diags *d);
/* "FILE:LINE:COL: error: MESSAGE (in ITEM)" lines. */
void diags_print(const Diags *d, FILE *f);
static inline bool diags_has_errors(const Diags *d)
{
	return d->nerrors > 0;
}

#endif /* SAKER_DIAG_H */
