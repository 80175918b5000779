/* SPDX-License-Identifier: MIT */
/*
 * Interned, reference-counted strings for the process table.  Thousands of
 * processes share the same environment, arguments, working directory,
 * executable and cgroup: each distinct text is stored once, so the table's
 * memory grows with what differs between processes rather than with their
 * number.  Strings are byte strings of a given length, NUL-terminated.
 */
#ifndef SAKER_STRPOOL_H
#define SAKER_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "common/macro.h"

typedef struct StrPool StrPool;

StrPool *strpool_new(void);
/* Every string must have been released before. */
StrPool *strpool_free(StrPool *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(StrPool *, strpool_free);

/*
 * The pooled copy of len bytes at s (NUL added), with a new reference:
 * the same pointer for the same bytes.  NULL on allocation failure.
 */
char *strpool_intern(StrPool *p, const char *s, size_t len);
/* Another reference to a pooled string (NULL stays NULL). */
char *strpool_ref(char *s);
/* Drop a reference; the text goes with the last one.  NULL is fine. */
void strpool_unref(StrPool *p, char *s);
/* Distinct strings held, and their bytes. */
size_t strpool_count(const StrPool *p);
size_t strpool_bytes(const StrPool *p);

#endif /* SAKER_STRPOOL_H */
