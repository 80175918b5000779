/* SPDX-License-Identifier: MIT */
/*
 * Token scanners for the condition language.  Falco's grammar is context
 * dependent (after "startswith" almost anything up to a blank is a value,
 * after "<" only a number is), so instead of one token stream the lexer
 * offers one scanner per token class and the parser asks for the class it
 * expects at each point.  Every scanner either consumes a token and
 * advances the cursor or leaves it where it was.
 *
 * The comparison operators are defined here, once, in EXPR_OPS.
 */
#ifndef SAKER_LEXER_H
#define SAKER_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value classes an operator accepts (see compile.c for the mapping from field types). */
#define TC_STR 0x01 /* string, charbuf */
#define TC_NUM 0x02 /* integers, ports, times, flags */
#define TC_BOOL 0x04 /* bool */
#define TC_IP 0x08 /* ipaddr, ipnet */
#define TC_BUF 0x10 /* bytebuf */
#define TC_ALL (TC_STR | TC_NUM | TC_BOOL | TC_IP | TC_BUF)

/* What follows an operator in the grammar. */
typedef enum OpSyntax {
	OPS_UNARY, /* nothing */
	OPS_NUM, /* a number (or a field transformer / val()) */
	OPS_STR, /* a quoted or bare string (or a field transformer / val()) */
	OPS_LIST, /* a list "(a, b)", a list name (or a field transformer / val()) */
} OpSyntax;

/*
 * The comparison operators, in Falco's spelling.  Columns: identifier,
 * text, what follows it, value classes it applies to, whether the right
 * side may be another field (val(), transformers).  "==" is accepted as a
 * spelling of "=".
 */
#define EXPR_OPS(X)                                                 \
	X(EQ, "=", OPS_STR, TC_ALL, true)                           \
	X(NE, "!=", OPS_STR, TC_ALL, true)                          \
	X(LT, "<", OPS_NUM, TC_STR | TC_NUM, true)                  \
	X(LE, "<=", OPS_NUM, TC_STR | TC_NUM, true)                 \
	X(GT, ">", OPS_NUM, TC_STR | TC_NUM, true)                  \
	X(GE, ">=", OPS_NUM, TC_STR | TC_NUM, true)                 \
	X(CONTAINS, "contains", OPS_STR, TC_STR | TC_BUF, true)     \
	X(ICONTAINS, "icontains", OPS_STR, TC_STR, true)            \
	X(BCONTAINS, "bcontains", OPS_STR, TC_BUF, true)            \
	X(STARTSWITH, "startswith", OPS_STR, TC_STR | TC_BUF, true) \
	X(BSTARTSWITH, "bstartswith", OPS_STR, TC_BUF, true)        \
	X(ENDSWITH, "endswith", OPS_STR, TC_STR | TC_BUF, true)     \
	X(GLOB, "glob", OPS_STR, TC_STR, true)                      \
	X(IGLOB, "iglob", OPS_STR, TC_STR, true)                    \
	X(REGEX, "regex", OPS_STR, TC_STR, false)                   \
	X(IN, "in", OPS_LIST, TC_ALL, true)                         \
	X(INTERSECTS, "intersects", OPS_LIST, TC_ALL, true)         \
	X(PMATCH, "pmatch", OPS_LIST, TC_STR, false)                \
	X(EXISTS, "exists", OPS_UNARY, TC_ALL, false)

typedef enum ExprOp {
#define OP_ENUM(id, text, syntax, types, rhs_field) OP_##id,
	EXPR_OPS(OP_ENUM)
#undef OP_ENUM
		_OP_MAX,
	OP_INVALID = -1,
} ExprOp;

typedef struct OpInfo {
	const char *text;
	OpSyntax syntax;
	unsigned types;
	bool rhs_field;
} OpInfo;

const OpInfo *op_info(ExprOp op);
static inline const char *op_name(ExprOp op)
{
	const OpInfo *i = op_info(op);

	return i ? i->text : "?";
}
/* The operator spelled s[0..n), or OP_INVALID. */
ExprOp op_from_string(const char *s, size_t n);

/* Field transformers: tolower(f), toupper(f), b64(f), basename(f), len(f); val(f) is separate. */
#define EXPR_XFORMS(X)          \
	X(TOLOWER, "tolower")   \
	X(TOUPPER, "toupper")   \
	X(B64, "b64")           \
	X(BASENAME, "basename") \
	X(LEN, "len")

typedef enum XformKind {
#define XF_ENUM(id, text) XF_##id,
	EXPR_XFORMS(XF_ENUM)
#undef XF_ENUM
		_XF_MAX,
	XF_INVALID = -1,
} XformKind;

const char *xform_name(XformKind x);

/* Longest string literal (quoted or bare) in a condition. */
#define EXPR_MAX_STRING 16384

typedef struct Lexer {
	const char *s;
	size_t len;
	size_t pos;
} Lexer;

static inline void lexer_init(Lexer *lx, const char *s, size_t len)
{
	lx->s = s;
	lx->len = len;
	lx->pos = 0;
}

static inline bool lex_eof(const Lexer *lx)
{
	return lx->pos >= lx->len;
}

static inline int lex_peek(const Lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

static inline bool lex_is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '\v' ||
	       c == '\f';
}

/* Skip blanks; true when at least one was skipped. */
bool lex_blank(Lexer *lx);
/* Consume character c if it is next. */
bool lex_char(Lexer *lx, char c);
/*
 * Consume keyword kw ("and", "or", "not") when it is next and is not the
 * start of a longer identifier.  Returns true and leaves the cursor after it.
 */
bool lex_keyword(Lexer *lx, const char *kw);
/* Identifier [A-Za-z][A-Za-z0-9_]*: length consumed, 0 if none. */
size_t lex_identifier(Lexer *lx);
/* Field name: identifier ('.' identifier)+ ; length consumed, 0 if none. */
size_t lex_field_name(Lexer *lx);
/*
 * A transformer name directly followed by '(' ("tolower(", also "val(" when
 * allow_val); consumes name and parenthesis.  Returns the kind, XF_INVALID
 * when none; *ret_is_val tells val() apart.
 */
XformKind lex_transformer(Lexer *lx, bool allow_val, bool *ret_is_val);
/* Comparison operator (longest match); OP_INVALID leaves the cursor. */
ExprOp lex_op(Lexer *lx);
/* Number: [+-]?[0-9]+(\.[0-9]*)?([eE][+-][0-9]+)? or 0x hex; length or 0. */
size_t lex_number(Lexer *lx);
/* Bare string value: characters up to a blank, ( ) , = " '; length or 0. */
size_t lex_bare(Lexer *lx);
/* Bare field argument: characters up to a blank, [ ] " '; length or 0. */
size_t lex_bare_arg(Lexer *lx);

typedef struct LexError {
	size_t off;
	char msg[160];
} LexError;

/*
 * Quoted string ('...' or "...") with Falco's escapes.  Returns 0 when the
 * next character is not a quote, 1 with the unescaped value in *ret (a
 * malloc'd NUL-terminated copy, length in *ret_len), or -EINVAL (bad escape,
 * unterminated, too long) / -ENOMEM with *err filled.
 */
int lex_quoted(Lexer *lx, char **ret, size_t *ret_len, LexError *err);
/*
 * Unescape the quoted literal at s[0..n) (including the quotes) into a
 * malloc'd string.  Used for list items written with quotes in YAML.
 */
int lex_unquote(const char *s, size_t n, char **ret, size_t *ret_len, LexError *err);

#endif /* SAKER_LEXER_H */
