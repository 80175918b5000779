/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the expression, format and engine tests and the
 * expression fuzz target: rule sets built by hand (no YAML), with source
 * positions like the loader's, and diagnostics lookup.
 */
#ifndef SAKER_EXPR_TESTUTIL_H
#define SAKER_EXPR_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/diag.h"
#include "rules/ruleset.h"

/* The file name the test rule sets pretend to come from. */
#define TRS_FILE "test.yaml"

RuleSet *trs_new(void);
void trs_free(RuleSet *rs);
/* A list; items NULL-terminated.  Defined at line `line`. */
ListDef *trs_list(RuleSet *rs, unsigned line, const char *name, ...);
MacroDef *trs_macro(RuleSet *rs, unsigned line, const char *name, const char *cond);
/*
 * A rule whose condition starts at TRS_FILE:line:col (as a YAML scalar
 * would), enabled, priority warning, source syscall, warn_evttypes on.
 */
RuleDef *trs_rule(RuleSet *rs, unsigned line, const char *name, const char *cond,
		  const char *output);
void trs_tags(RuleDef *r, ...); /* NULL-terminated */
/*
 * An exception.  fields is "a" (single field) or "a,b" with fields_is_list
 * set; comps likewise ("" or NULL: defaults).
 */
ExceptionDef *trs_exception(RuleDef *r, unsigned line, const char *name, bool fields_is_list,
			    const char *fields, const char *comps);
/*
 * One value tuple: nfields strings; a value written "[a,b]" is a YAML list
 * (list_items), anything else a scalar.
 */
void trs_exc_value(ExceptionDef *e, ...);
/* Set text's content: one anchor at TRS_FILE:line:col. */
void trs_srctext(SrcText *t, const char *s, unsigned line, unsigned col);

/* The first diagnostic of level whose message contains needle, or NULL. */
const Diag *diag_find(const Diags *d, DiagLevel level, const char *needle);
/* All diagnostics as text (for failure messages); static buffer. */
const char *diags_text(const Diags *d);

#endif /* SAKER_EXPR_TESTUTIL_H */
