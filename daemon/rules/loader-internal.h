/* SPDX-License-Identifier: MIT */
/*
 * What the rule loader and the ruleset share but nobody else needs: how the
 * definitions in a RuleSet are released, file-name interning and array
 * growth.  Not installed, not used outside daemon/rules/loader*.c and
 * ruleset.c.
 */
#ifndef SAKER_LOADER_INTERNAL_H
#define SAKER_LOADER_INTERNAL_H

#include <stddef.h>

#include "rules/ruleset.h"

void listdef_done(ListDef *l);
void macrodef_done(MacroDef *m);
void exceptionvalue_done(ExceptionValue *v, size_t nfields);
void exceptiondef_done(ExceptionDef *e);
void ruledef_done(RuleDef *r);

/*
 * Make room for add more elements in an array that holds n.  Capacity is
 * implied by n (the next power of two, at least 4), so arrays need no
 * capacity field, but every array handled this way must only ever be grown
 * through it, starting from NULL.  Returns 0 or -ENOMEM (*p unchanged).
 */
int array_reserve(void **p, size_t n, size_t add, size_t size);
#define ARRAY_RESERVE(arr, n, add)                                              \
	({                                                                      \
		void *_ar_p = (arr);                                            \
		int _ar_r = array_reserve(&_ar_p, (n), (add), sizeof(*(arr)));  \
		if (_ar_r >= 0)                                                 \
			(arr) = _ar_p;                                          \
		_ar_r;                                                          \
	})

/*
 * The interned copy of a file name: SrcPos.file of everything loaded from
 * that file points to it for the ruleset's lifetime.  -E2BIG once
 * RULES_MAX_FILES names are interned.
 */
int ruleset_intern_file(RuleSet *rs, const char *name, const char **ret);

/* Index maps: name -> position in the definition arrays. */
int ruleset_index_put(StrMap *m, const char *name, size_t idx);
bool ruleset_index_get(const StrMap *m, const char *name, size_t *ret_idx);

#endif /* SAKER_LOADER_INTERNAL_H */
