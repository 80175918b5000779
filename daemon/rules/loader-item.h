/* SPDX-License-Identifier: MIT */
/*
 * Reading one item of a rule file: the loader's state, diagnostics tied to
 * a YAML node, and typed access to an item's keys (strings, booleans,
 * priorities, lists, conditions as position-mapped text), with Falco's
 * rules for what a valid value is.  Shared by loader.c (items and their
 * semantics) and loader-exceptions.c (the exceptions of a rule); private to
 * the loader.
 */
#ifndef SAKER_LOADER_ITEM_H
#define SAKER_LOADER_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "rules/diag.h"
#include "rules/loader-yaml.h"
#include "rules/ruleset.h"

typedef struct Loader {
	RuleSet *rs;
	Diags *d;
	const char *file; /* interned */
	const char *buf;
	size_t len;
	size_t nitems;
	bool nomem;
} Loader;

/* The item being loaded, for diagnostics. */
typedef struct Item {
	const LNode *map;
	char what[160]; /* "rule 'Write below etc'" */
} Item;

void loader_report(Loader *L, DiagLevel level, const LNode *at, const Item *it, const char *fmt,
		   ...) _printf_(5, 6);
#define lerr(L, at, it, ...) loader_report(L, DIAG_ERROR, at, it, __VA_ARGS__)
#define lwarn(L, at, it, ...) loader_report(L, DIAG_WARNING, at, it, __VA_ARGS__)

/* Keep the first error, but let -ENOMEM win. */
static inline int keep_err(int r, int q)
{
	if (q == -ENOMEM || r == -ENOMEM)
		return -ENOMEM;
	return r < 0 ? r : q < 0 ? q : r;
}

static inline bool scalar_is(const LNode *n, const char *s)
{
	return n && n->type == LN_SCALAR && n->len == strlen(s) && memcmp(n->str, s, n->len) == 0;
}

bool loader_in_strv(const char *const *v, const char *s, size_t len);
/* Value of the first occurrence of key (yaml-cpp's choice for duplicate keys), or NULL. */
const LNode *loader_map_get(const LNode *map, const char *key);
/* The key node itself, for positions. */
const LNode *loader_map_key(const LNode *map, const char *key);
/* "a list", "a mapping", "a string", "empty": for messages. */
const char *loader_type_name(const LNode *n);
SrcPos loader_node_pos(const Loader *L, const LNode *n);
void loader_strv_free(char **v, size_t n);
/* Sorted and without duplicates, as Falco keeps a rule's tags (a std::set). */
void loader_tags_normalize(char **tags, size_t *n);

/* Keys must be strings; unknown or repeated known keys are warned about. */
int loader_check_keys(Loader *L, const Item *it, const LNode *map, const char *const *known,
		      const char *where);
/* A scalar usable as text: not null, not a collection, no NUL byte, non-empty unless allowed. */
int loader_check_text(Loader *L, const Item *it, const LNode *v, const char *what,
		      bool allow_empty);

/*
 * Typed values of the item's keys.  Each returns 1 with the value when the
 * key is present and valid, 0 when it is absent, -EINVAL when it is invalid
 * (already reported), -ENOMEM.
 */
int loader_get_text(Loader *L, const Item *it, const char *key, bool allow_empty,
		    const LNode **ret);
int loader_get_string(Loader *L, const Item *it, const char *key, char **ret);
int loader_get_bool(Loader *L, const Item *it, const char *key, bool *ret);
int loader_get_srctext(Loader *L, const Item *it, const char *key, bool trim, SrcText *ret);
int loader_get_priority(Loader *L, const Item *it, Priority *ret);
int loader_get_strings(Loader *L, const Item *it, const char *key, char ***ret, size_t *ret_n);

/* Values for an exception the rule already has. */
typedef struct ExcAppend {
	size_t target; /* index in the rule's exceptions */
	size_t nfields;
	ExceptionValue *values;
	size_t nvalues;
} ExcAppend;

/* How appended exceptions change a rule: new exceptions, and values for existing ones. */
typedef struct ExcPlan {
	ExceptionDef *added;
	size_t nadded;
	ExcAppend *appends;
	size_t nappends;
} ExcPlan;


/* The "exceptions" of a rule definition (or of an override replacing them), all checked. */
int loader_build_exceptions(Loader *L, const Item *it, ExceptionDef **ret, size_t *ret_n);
/*
 * The "exceptions" of an append to rule, as Falco merges them: values for
 * the exceptions it has (by name), complete definitions for new ones.
 * Nothing of rule changes until loader_apply_plan().
 */
int loader_plan_exceptions(Loader *L, const Item *it, const RuleDef *rule, ExcPlan *plan);
/* Move the plan into the rule.  Only allocation can fail. */
int loader_apply_plan(RuleDef *rule, ExcPlan *plan);
void loader_excplan_done(ExcPlan *p);

#endif /* SAKER_LOADER_ITEM_H */
