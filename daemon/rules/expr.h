/* SPDX-License-Identifier: MIT */
/*
 * Compiled conditions.  The compiler turns a rule's condition text (plus
 * its exceptions) into a tree of typed checks with macros expanded, lists
 * turned into hash sets and prefix tries, constants parsed and folded.  The
 * evaluator runs that tree against one event without allocating.
 *
 * Every expression and every field value it reads belongs to an ExprPool:
 * the pool caches each distinct field's values for the current event, so a
 * field named by many rules (proc.name, fd.name) is extracted once per
 * event, and outputs reuse what the conditions already extracted.
 */
#ifndef SAKER_EXPR_H
#define SAKER_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/diag.h"
#include "rules/field.h"
#include "rules/ruleset.h"
#include "saker/event.h"

/* Largest compiled condition (nodes after macro and exception expansion). */
#define EXPR_MAX_NODES 200000
/* Deepest nesting after macro expansion (macros inside macros inside ...). */
#define EXPR_MAX_COMPILE_DEPTH 500
/* Deepest chain of lists naming lists. */
#define EXPR_MAX_LIST_DEPTH 64
/* Most values of one list after lists named inside it are expanded. */
#define EXPR_MAX_LIST_ITEMS 100000

typedef struct ExprPool ExprPool;
typedef struct Expr Expr;
typedef struct ExprCompiler ExprCompiler;

ExprPool *expr_pool_new(void);
ExprPool *expr_pool_free(ExprPool *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(ExprPool *, expr_pool_free);
/*
 * Start a new event: forget the values cached for the previous one.  Call
 * it after eval_reset() of the EvalCtx and before the first expr_eval();
 * the cached values point into the context's arena.
 */
void expr_pool_begin_event(ExprPool *p);
/* Number of distinct field expressions the pool extracts (for statistics). */
size_t expr_pool_nvalues(const ExprPool *p);

/* Evaluate e for the event in ctx.  A field without a value makes its check false. */
bool expr_eval(const Expr *e, ExprPool *p, EvalCtx *ctx);

/*
 * A compiler for one ruleset: knows its lists and macros, reports to d.
 * Expressions it builds live in pool.
 */
int expr_compiler_new(const RuleSet *rs, ExprPool *pool, Diags *d, ExprCompiler **ret);
ExprCompiler *expr_compiler_free(ExprCompiler *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(ExprCompiler *, expr_compiler_free);

/*
 * Compile a rule's condition and exceptions.  Returns 0 and the expression;
 * -EINVAL when errors were reported to the diagnostics; -ENOENT when the
 * rule is skipped (skip-if-unknown-filter and an unknown field: a warning
 * was reported); -ENOMEM.
 */
int expr_compile_rule(ExprCompiler *c, const RuleDef *r, Expr **ret);
/* Compile a condition text on its own; item names it in diagnostics. */
int expr_compile_condition(ExprCompiler *c, const SrcText *cond, const char *item, Expr **ret);
/*
 * Warn about lists and macros no compiled rule used (as Falco does).  Call
 * after all rules were compiled.
 */
int expr_compiler_warn_unused(ExprCompiler *c);

/* A set of event types, indexed by enum saker_event_type. */
typedef struct EvtTypeSet {
	uint64_t bits[SAKER_EVT_BITMAP_WORDS];
} EvtTypeSet;

static inline bool evtset_has(const EvtTypeSet *s, unsigned t)
{
	return t < SAKER_EVT_MAX && (s->bits[t / 64] >> (t % 64)) & 1;
}
static inline void evtset_add(EvtTypeSet *s, unsigned t)
{
	if (t < SAKER_EVT_MAX)
		s->bits[t / 64] |= 1ull << (t % 64);
}
/* Every type a rule can select: the syscall events and procexit. */
void evtset_fill(EvtTypeSet *s);
bool evtset_is_full(const EvtTypeSet *s);
bool evtset_is_empty(const EvtTypeSet *s);
size_t evtset_count(const EvtTypeSet *s);

/*
 * The event types for which e can be true, derived from its evt.type
 * checks: "and" intersects, "or" unites, "not" complements what it can
 * (checks on other fields are neutral and match every type).
 */
void expr_evttypes(const Expr *e, EvtTypeSet *ret);

/*
 * Whether name is an event type Falco knows (a Linux syscall or one of
 * Falco's own events such as "container").  Names saker does not capture
 * are accepted with a warning; other names are errors.
 */
bool evttype_known_to_falco(const char *name);

#endif /* SAKER_EXPR_H */
