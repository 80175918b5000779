/* SPDX-License-Identifier: MIT */
/*
 * The syntax tree of a condition, as written: boolean operators, checks
 * (operand, operator, value), macro references.  Nothing is resolved here:
 * field names are text, macros and lists are names; the compiler
 * (compile.c) gives them meaning.  The grammar is at the top of parser.c.
 */
#ifndef SAKER_PARSER_H
#define SAKER_PARSER_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/arena.h"
#include "rules/diag.h"
#include "rules/lexer.h"
#include "rules/srctext.h"

/* Deepest nesting of parentheses, "not" and transformers in one condition. */
#define EXPR_MAX_DEPTH 100
/* Longest condition text accepted by the parser. */
#define EXPR_MAX_LEN (64u * 1024u)
/* Most items in one list literal as written (lists named inside are expanded later). */
#define EXPR_MAX_LIST_LITERAL 100000

/*
 * Where the text of a tree came from, for error positions: an offset in a
 * SrcText (a condition) or columns after a fixed position (an exception
 * field, a list item).  item names the rule or macro ("rule 'X'").
 */
typedef struct AstSrc {
	const SrcText *text;
	size_t text_off; /* the parsed text starts at this offset of text */
	SrcPos base;
	const char *item;
} AstSrc;

SrcPos ast_src_locate(const AstSrc *src, size_t off);

typedef enum AstKind {
	AST_AND,
	AST_OR,
	AST_NOT,
	AST_CHECK,
	AST_MACRO, /* a bare identifier: macro reference */
	AST_BOOL, /* a constant (only built by the compiler, never parsed) */
} AstKind;

typedef enum AstValKind {
	AV_FIELD, /* name [arg] */
	AV_XFORM, /* transformer(operand) */
	AV_VAL, /* val(field): a field on the right side */
	AV_STRING, /* quoted, bare or number literal */
	AV_LIST, /* (a, b, ...) */
	AV_LISTREF, /* a list name after in/intersects/pmatch */
} AstValKind;

typedef struct AstStr {
	const char *s; /* NUL-terminated, in the tree's arena */
	size_t len;
	size_t off; /* position in the source */
	bool quoted; /* written with quotes: never a list name */
	const AstSrc *src;
} AstStr;

typedef struct AstValue AstValue;
struct AstValue {
	AstValKind kind;
	size_t off; /* start of the value in the source */
	size_t end; /* one past its last character */
	const AstSrc *src;
	union {
		struct {
			AstStr name;
			bool has_arg;
			AstStr arg;
		} field;
		struct {
			XformKind kind;
			AstValue *arg;
		} xform;
		AstValue *val; /* AV_VAL: the field */
		struct {
			AstStr str;
			bool number; /* lexed as a number (after < <= > >=) */
		} string;
		struct {
			AstStr *items;
			size_t n;
		} list;
		AstStr listref;
	};
};

typedef struct Ast Ast;
struct Ast {
	AstKind kind;
	size_t off;
	const AstSrc *src;
	union {
		struct {
			Ast **kids;
			size_t n;
		} bin; /* AND, OR: n >= 2 children */
		Ast *not_kid;
		struct {
			AstValue *lhs;
			ExprOp op;
			size_t op_off;
			AstValue *rhs; /* NULL for unary operators */
		} check;
		AstStr macro;
		bool value; /* AST_BOOL */
	};
};

typedef struct ParseError {
	size_t off;
	char msg[200];
} ParseError;

/*
 * Parse a condition.  Nodes are allocated in arena and point to src (which
 * must outlive them).  Returns 0 and the root, or -EINVAL with *err set
 * (offset and sentence), -ENOMEM.
 */
int ast_parse(Arena *arena, const AstSrc *src, const char *text, size_t len, Ast **ret,
	      ParseError *err);
/*
 * Parse one operand (a field or a transformer applied to an operand) at the
 * start of text, stopping after it.  *ret_used is the number of bytes it
 * took.  Used for output formats ("%proc.name") and exception fields.
 */
int ast_parse_operand(Arena *arena, const AstSrc *src, const char *text, size_t len, AstValue **ret,
		      size_t *ret_used, ParseError *err);
/*
 * Parse a list as it may appear in an exception value: "(a, b)" or a
 * single item.  Items keep their quoting rules.
 */
int ast_parse_list_items(Arena *arena, const AstSrc *src, const char *text, size_t len,
			 AstValue **ret, ParseError *err);

/* Constructors for trees built by the compiler (exceptions). */
Ast *ast_new_bin(Arena *arena, AstKind kind, const AstSrc *src, size_t off, size_t n);
Ast *ast_new_not(Arena *arena, const AstSrc *src, size_t off, Ast *kid);
Ast *ast_new_check(Arena *arena, const AstSrc *src, size_t off, AstValue *lhs, ExprOp op,
		   AstValue *rhs);
AstValue *ast_new_string(Arena *arena, const AstSrc *src, size_t off, const char *s, size_t len,
			 bool quoted);
AstValue *ast_new_list(Arena *arena, const AstSrc *src, size_t off, size_t n);

/* Canonical text of an operand ("tolower(proc.aname[2])"): malloc'd. */
char *ast_operand_text(const AstValue *v);

#endif /* SAKER_PARSER_H */
