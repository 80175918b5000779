/* SPDX-License-Identifier: MIT */
/*
 * The compiled expression tree shared by the compiler (compile.c), the
 * evaluator (eval.c), the event-type derivation (evttype.c) and the output
 * formatter (format.c).  Not used outside daemon/rules/.
 */
#ifndef SAKER_EXPR_INTERNAL_H
#define SAKER_EXPR_INTERNAL_H

#include <regex.h>

#include "common/hashmap.h"
#include "rules/arena.h"
#include "rules/expr.h"
#include "rules/lexer.h"
#include "rules/literal.h"
#include "rules/match.h"
#include "rules/parser.h"
#include "rules/strset.h"

/*
 * A value expression: a field, or a transformer applied to one.  The pool
 * keeps one slot per distinct expression text and caches its values for
 * the current event (serial).
 */
typedef struct ValSlot ValSlot;
struct ValSlot {
	/* the cache first: the evaluator reads these and vals.v[0] together */
	uint64_t serial;
	bool ok; /* the values below are valid for serial (n > 0) */
	FieldValues vals;
	const char *name; /* canonical text: "proc.aname[2]", "tolower(fd.name)" */
	FieldType type; /* of the values, after transformers */
	bool multi; /* may yield several values */
	bool list; /* the values are a set (FF_LIST): "in" needs all of them */
	const FieldDef *def; /* the field (for transformers: the innermost one) */
	bool is_xform;
	FieldRef ref; /* !is_xform */
	XformKind xf; /* is_xform */
	ValSlot *arg; /* is_xform */
};

struct ExprPool {
	Arena arena; /* slots (large: each caches a FieldValues), sets, strings, formats */
	Arena node_arena; /* expression nodes and checks, kept together for the evaluator's cache */
	uint64_t serial;
	StrMap *slots; /* name -> ValSlot* */
};

/* How a check compares values, decided at compile time from the field type. */
typedef enum CmpClass {
	CC_STR, /* str/len */
	CC_BUF, /* str/len, raw bytes */
	CC_S64, /* num */
	CC_U64, /* unum */
	CC_BOOL, /* b */
	CC_IP, /* ip: address equality */
	CC_NET, /* ip: the value is an address, the constant a network */
} CmpClass;

typedef struct ExprCmp {
	ExprOp op;
	CmpClass cls;
	bool all; /* every value must match ("in" on a list field), not any */
	ValSlot *lhs;
	ValSlot *rhs; /* a field on the right side, or NULL for constants */
	/* constants (rhs == NULL) */
	const char *str; /* CC_STR/CC_BUF single value (lower-cased for icontains) */
	size_t len;
	uint64_t num; /* CC_S64/CC_U64/CC_BOOL single value */
	IpAddr ip; /* CC_IP/CC_NET single value */
	StrSet *set; /* in/intersects: strings, buffers, addresses (see ip_key) */
	U64Set *nset; /* in/intersects: numbers, bools */
	IpAddr *nets; /* in/intersects on CC_NET */
	size_t nnets;
	PathTrie *trie; /* pmatch */
	regex_t *re; /* regex */
} ExprCmp;

typedef enum ExprKind {
	EX_FALSE,
	EX_TRUE,
	EX_AND,
	EX_OR,
	EX_NOT,
	EX_CMP,
	EX_EVTTYPE, /* the event's type is in the set */
	EX_MEMO, /* a macro: shared by every rule using it, evaluated once per event */
} ExprKind;

struct Expr {
	ExprKind kind;
	size_t n; /* EX_AND, EX_OR */
	union {
		Expr **kids; /* EX_AND, EX_OR */
		Expr *kid; /* EX_NOT, EX_MEMO */
		ExprCmp *cmp; /* EX_CMP */
		EvtTypeSet *evts; /* EX_EVTTYPE */
	};
	/* EX_MEMO: the value for event memo_serial, and the event types of kid and of "not kid" */
	uint64_t memo_serial;
	bool memo_value;
	EvtTypeSet *memo_types;
};

/* Key of an address in a StrSet: family byte then 4 or 16 address bytes. */
static inline size_t ip_key(const IpAddr *a, unsigned char key[17])
{
	size_t n = a->family == 6 ? 16 : 4;

	key[0] = a->family;
	for (size_t i = 0; i < n; i++)
		key[1 + i] = a->addr[i];
	return n + 1;
}

/* The values of slot s for the current event, NULL when it has none (<NA>). */
const FieldValues *slot_get(ExprPool *p, ValSlot *s, EvalCtx *ctx);

/* The event types for which e (neg: "not e") can be true. */
void evt_derive(const Expr *e, bool neg, EvtTypeSet *ret);

/*
 * Compile an operand (field or transformer chain) into a pool slot,
 * reporting errors like the condition compiler.  Used by format.c.
 */
int expr_compile_operand(ExprCompiler *c, const AstValue *v, ValSlot **ret);
ExprPool *expr_compiler_pool(ExprCompiler *c);
/* Name the rule being compiled (for diagnostics) and its skip-if-unknown-filter. */
void expr_compiler_begin(ExprCompiler *c, const char *item, bool skip_unknown);
/* Memory for syntax trees that live while the compiler does. */
Arena *expr_compiler_arena(ExprCompiler *c);
/* Report an error or warning at off of src through the compiler's diagnostics. */
int expr_compiler_report(ExprCompiler *c, DiagLevel level, const AstSrc *src, size_t off,
			 const char *fmt, ...) _printf_(5, 6);

#endif /* SAKER_EXPR_INTERNAL_H */
