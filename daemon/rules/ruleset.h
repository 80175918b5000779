/* SPDX-License-Identifier: MIT */
/*
 * The rule files as loaded: lists, macros and rules after every file's
 * override/append items were applied in load order, with source positions
 * for every piece of text.  Nothing here is compiled yet: conditions and
 * outputs are SrcText for the expression compiler (expr.h).
 */
#ifndef SAKER_RULESET_H
#define SAKER_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/hashmap.h"
#include "rules/diag.h"
#include "rules/srctext.h"

typedef enum Priority {
	PRI_EMERGENCY,
	PRI_ALERT,
	PRI_CRITICAL,
	PRI_ERROR,
	PRI_WARNING,
	PRI_NOTICE,
	PRI_INFORMATIONAL,
	PRI_DEBUG,
	_PRI_MAX,
	PRI_INVALID = -1,
} Priority;

/* Case-insensitive; "info" is an alias of informational.  PRI_INVALID if unknown. */
Priority priority_from_string(const char *s);
/* Lower-case canonical name ("warning"); Falco prints capitalised names in text output. */
const char *priority_to_string(Priority p);
/* "Warning", "Informational"... as Falco's text output shows them. */
const char *priority_to_display(Priority p);

typedef struct ListItem {
	char *value;
	SrcPos pos;
} ListItem;

typedef struct ListDef {
	char *name;
	SrcPos pos;
	ListItem *items;
	size_t nitems;
	bool used; /* set by the compiler */
} ListDef;

typedef struct MacroDef {
	char *name;
	SrcPos pos;
	SrcText condition;
	bool used; /* set by the compiler */
} MacroDef;

/*
 * A rule exception (Falco "exceptions:" entry).  fields is either a list of
 * field names (values are tuples of nfields strings each) or a single field
 * name (fields_is_list false; each value is a 1-tuple and comps[0] defaults
 * to "in").  comps has nfields entries ("=" by default).
 */
typedef struct ExceptionValue {
	char **values; /* nfields strings (a value may itself be a list name) */
	SrcPos pos;
	SrcPos *value_pos; /* nfields: where each value is */
	/*
	 * nfields entries: NULL for a scalar value; for a value written as a
	 * YAML sequence ("[/usr/bin, /bin]") its items, nlist_items[i] of them.
	 * values[i] then holds the same list as Falco renders it into the
	 * condition: "(/usr/bin, /bin)", items containing a space double-quoted.
	 */
	ListItem **list_items;
	size_t *nlist_items;
} ExceptionValue;

typedef struct ExceptionDef {
	char *name;
	SrcPos pos;
	char **fields;
	SrcPos *field_pos;
	size_t nfields;
	bool fields_is_list;
	char **comps;
	SrcPos *comp_pos;
	ExceptionValue *values;
	size_t nvalues;
} ExceptionDef;

typedef struct RuleDef {
	char *name;
	SrcPos pos;
	char *desc;
	SrcText condition;
	SrcText output;
	Priority priority;
	char **tags;
	size_t ntags;
	bool enabled;
	ExceptionDef *exceptions;
	size_t nexceptions;
	char *source; /* "syscall" when absent */
	bool warn_evttypes;	    /* default true */
	bool skip_if_unknown_filter; /* default false */
} RuleDef;

typedef struct RuleSet {
	/* In definition order; later definitions of the same name replace earlier ones in place. */
	ListDef *lists;
	size_t nlists;
	MacroDef *macros;
	size_t nmacros;
	RuleDef *rules;
	size_t nrules;
	StrMap *list_index;  /* name -> index+1 (as uintptr_t) */
	StrMap *macro_index; /* name -> index+1 */
	StrMap *rule_index;  /* name -> index+1 */
	StrMap *files;	     /* interned file names (SrcPos.file points here) */
	char *required_engine_version;
} RuleSet;

/*
 * The Falco rules engine version saker implements.  A file's
 * required_engine_version (semver "0.26.0", or a plain integer N meaning
 * "0.N.0") must have the same major and be lower or equal.
 */
#define RULES_ENGINE_VERSION "0.50.0"

/* Limits on hostile or mistaken rule files (each reported as an error). */
#define RULES_FILE_MAX_BYTES (16u * 1024u * 1024u) /* one rule file */
#define RULES_YAML_MAX_DEPTH 32			  /* YAML nesting */
#define RULES_MAX_ITEMS_PER_FILE 20000		  /* top-level items in a file */
#define RULES_MAX_RULES 10000			  /* rules in a ruleset */
#define RULES_MAX_LIST_ITEMS 100000		  /* items in one list */
#define RULES_MAX_STRING 65536			  /* one scalar (condition, output...) */
#define RULES_MAX_FILES 256			  /* rule files loaded together */
#define RULES_MAX_YAML_NODES 500000		  /* YAML nodes in one file, aliases expanded */
#define RULES_MAX_ALIAS_BYTES (4u * 1024u * 1024u) /* text copied by YAML aliases, per file */
#define RULES_MAX_TAGS 256			  /* tags of one rule */
#define RULES_MAX_EXCEPTIONS 256		  /* exceptions of one rule (values are not limited) */
#define RULES_MAX_DESC RULES_MAX_STRING		  /* a rule's desc, appends included */

RuleSet *ruleset_new(void);
RuleSet *ruleset_free(RuleSet *rs);
DEFINE_TRIVIAL_CLEANUP_FUNC(RuleSet *, ruleset_free);

/*
 * Load one rule file into rs, applying its items on top of what earlier
 * files defined (Falco semantics: redefinition replaces, "append: true" and
 * "override:" extend or replace keys, "enabled:" alone toggles a rule).
 * Errors and warnings go to d with file:line:col.  Returns 0 when the file
 * added no error, -EINVAL when it did (rs then holds what could be applied),
 * or another negative errno for I/O failures (also reported in d).
 */
int ruleset_load_file(RuleSet *rs, const char *path, Diags *d);
/* Same, from memory; name is used in diagnostics. */
int ruleset_load_buffer(RuleSet *rs, const char *name, const char *buf, size_t len, Diags *d);

const ListDef *ruleset_find_list(const RuleSet *rs, const char *name);
const MacroDef *ruleset_find_macro(const RuleSet *rs, const char *name);
const RuleDef *ruleset_find_rule(const RuleSet *rs, const char *name);

#endif /* SAKER_RULESET_H */
