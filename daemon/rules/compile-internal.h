/* SPDX-License-Identifier: MIT */
/*
 * What the two halves of the condition compiler share: compile.c (rules,
 * macros, lists, exceptions, boolean structure) and compile-check.c (one
 * check: operands, operator types, constants).  Not used elsewhere.
 */
#ifndef SAKER_COMPILE_INTERNAL_H
#define SAKER_COMPILE_INTERNAL_H

#include "rules/expr-internal.h"

typedef enum ErrKind {
	ERR_OTHER,
	ERR_UNKNOWN, /* unknown field or event type: skip-if-unknown-filter applies */
} ErrKind;

typedef struct MacroState {
	AstSrc src;
	char *item;
	Ast *ast;
	Expr *compiled; /* after the first successful compilation: shared by later uses */
	int state; /* 0 not parsed, 1 parsed, -1 parse error (reported) */
	bool visiting;
	bool used;
} MacroState;

typedef struct ListState {
	char *item;
	AstStr *items; /* expanded */
	size_t n;
	int state; /* 0 not expanded, 1 expanded, -1 error (reported) */
	bool visiting;
	bool used;
} ListState;

struct ExprCompiler {
	const RuleSet *rs;
	ExprPool *pool;
	Diags *d;
	Arena arena; /* syntax trees, sources, expanded lists: compile time only */
	StrMap *macro_idx;
	StrMap *list_idx;
	MacroState *macros;
	ListState *lists;
	StrMap *reported; /* diagnostics already given (macro errors repeat per use) */
	/* the rule being compiled */
	const char *rule_item;
	bool skip_unknown;
	size_t nodes;
	unsigned depth;
	unsigned list_depth;
	const char *macro_stack[EXPR_MAX_COMPILE_DEPTH];
	unsigned nmacro_stack;
};

typedef struct StrVec {
	AstStr *v;
	size_t n, cap;
} StrVec;

static inline bool op_is_list(ExprOp op)
{
	return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

/* The constant expressions (shared, never freed). */
extern Expr cc_expr_true, cc_expr_false;

/* Report an error and return -EINVAL (a warning and -ENOENT when the rule is skipped). */
int cc_fail(ExprCompiler *c, ErrKind kind, const AstSrc *src, size_t off, const char *fmt, ...)
	_printf_(5, 6);
void cc_warn(ExprCompiler *c, const AstSrc *src, size_t off, const char *fmt, ...) _printf_(4, 5);
/* Index of name in a name -> index+1 map. */
bool cc_lookup(const StrMap *m, const char *name, size_t n, size_t *ret);
int cc_strvec_push(StrVec *sv, const AstStr *s);
/* A list item as written in YAML: a quoted string is unquoted, anything else taken as is. */
int cc_item_from_text(ExprCompiler *c, const char *text, const AstSrc *src, AstStr *ret);
AstSrc *cc_new_src(ExprCompiler *c, const SrcText *text, const SrcPos *base, const char *item);
/* The constants on the right of a check, lists expanded. */
int cc_rhs_values(ExprCompiler *c, const AstValue *rhs, StrVec *out);
/* A node in the pool, NULL when out of memory or over EXPR_MAX_NODES (see cc_too_big). */
Expr *cc_new_expr(ExprCompiler *c, ExprKind kind);
/* An "and"/"or" node with room for nkids children (e->kids, e->n set). */
Expr *cc_new_expr_kids(ExprCompiler *c, ExprKind kind, size_t nkids);
int cc_too_big(ExprCompiler *c, const AstSrc *src, size_t off);
/* One check: operand, operator, value. */
int cc_check(ExprCompiler *c, const Ast *a, Expr **ret);

#endif /* SAKER_COMPILE_INTERNAL_H */
