// SPDX-License-Identifier: MIT
/*
 * Recursive-descent parser for rule conditions, Falco's language:
 *
 *   condition   = or-expr END
 *   or-expr     = and-expr { "or" and-expr }
 *   and-expr    = not-expr { "and" not-expr }
 *   not-expr    = { "not" } primary
 *   primary     = "(" or-expr ")" | check | macro-name
 *   check       = operand "exists"
 *               | operand num-op  ( number | rhs-field )
 *               | operand str-op  ( string | rhs-field )
 *               | operand list-op ( list | list-name | rhs-field )
 *   operand     = field | transformer "(" operand ")"
 *   rhs-field   = "val(" field ")" | transformer "(" operand ")"
 *   field       = field-name [ "[" ( quoted | bare-arg ) "]" ]
 *   list        = "(" [ item { "," item } ] ")"
 *   item        = quoted | bare           (a bare item naming a list stands for its items)
 *   string      = quoted | bare
 *   num-op      = "<" | "<=" | ">" | ">="
 *   str-op      = "=" | "==" | "!=" | "contains" | "icontains" | "bcontains" | "startswith"
 *               | "bstartswith" | "endswith" | "glob" | "iglob" | "regex"
 *   list-op     = "in" | "intersects" | "pmatch"
 *   transformer = "tolower" | "toupper" | "b64" | "basename" | "len"
 *
 *   macro-name  = [A-Za-z][A-Za-z0-9_]*  other than and, or, not   (also list-name)
 *   field-name  = macro-name ( "." macro-name )+
 *   number      = [+-]?[0-9]+(.[0-9]*)?([eE][+-][0-9]+)? | 0x[0-9A-Fa-f]+
 *   bare        = one or more characters other than blanks ( ) , = " '
 *   bare-arg    = one or more characters other than blanks [ ] " '
 *   quoted      = "..." or '...' with the escapes \b \f \n \r \t \\ \/ \" \'
 *
 * Blanks may separate any two tokens; "and", "or" and "not" must be followed
 * by a blank or "(".  Precedence: not binds tighter than and, and tighter
 * than or.  Nesting (parentheses, not, transformers) is limited to
 * EXPR_MAX_DEPTH levels so hostile input cannot exhaust the stack.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "rules/parser.h"

typedef struct Parser {
	Lexer lx;
	Arena *arena;
	const AstSrc *src;
	ParseError *err;
	unsigned depth;
} Parser;

SrcPos ast_src_locate(const AstSrc *src, size_t off)
{
	SrcPos p;

	if (!src)
		return (SrcPos){ 0 };
	if (src->text)
		return srctext_locate(src->text, src->text_off + off);
	p = src->base;
	if (p.line)
		p.col += (unsigned)off;
	return p;
}

static int fail(Parser *p, size_t off, const char *fmt, ...) _printf_(3, 4);
static int fail(Parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	p->err->off = off;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A short excerpt of the text at off for messages: "'foo'" or "the end". */
static const char *excerpt(const Parser *p, size_t off, char *buf, size_t bufsz)
{
	size_t n = 0;

	if (off >= p->lx.len)
		return "the end of the condition";
	while (off + n < p->lx.len && n < 24 && !lex_is_blank((unsigned char)p->lx.s[off + n]))
		n++;
	if (!n)
		n = 1;
	snprintf(buf, bufsz, "'%.*s'", (int)n, p->lx.s + off);
	return buf;
}

static int depth_push(Parser *p, size_t off)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return fail(p, off, "condition nested deeper than the limit of %d levels",
			    EXPR_MAX_DEPTH);
	return 0;
}

static int str_copy(Parser *p, AstStr *out, const char *s, size_t n, size_t off, bool quoted)
{
	out->s = arena_strndup(p->arena, s, n);
	if (!out->s)
		return -ENOMEM;
	out->len = n;
	out->off = off;
	out->quoted = quoted;
	out->src = p->src;
	return 0;
}

/* Quoted or bare (bare-arg when arg) string token into out; 0 if none there. */
static int parse_string_token(Parser *p, AstStr *out, bool arg)
{
	size_t off = p->lx.pos, n;
	_cleanup_free_ char *q = NULL;
	LexError le;
	int r;

	r = lex_quoted(&p->lx, &q, &n, &le);
	if (r < 0) {
		if (r == -ENOMEM)
			return r;
		p->err->off = le.off;
		snprintf(p->err->msg, sizeof(p->err->msg), "%s", le.msg);
		return r;
	}
	if (r > 0) {
		r = str_copy(p, out, q, n, off, true);
		return r < 0 ? r : 1;
	}
	n = arg ? lex_bare_arg(&p->lx) : lex_bare(&p->lx);
	if (!n)
		return 0;
	if (n > EXPR_MAX_STRING)
		return fail(p, off, "value longer than the limit of %d bytes", EXPR_MAX_STRING);
	r = str_copy(p, out, p->lx.s + off, n, off, false);
	return r < 0 ? r : 1;
}

static AstValue *new_value(Parser *p, AstValKind kind, size_t off)
{
	AstValue *v = arena_alloc(p->arena, sizeof(*v));

	if (v) {
		v->kind = kind;
		v->off = off;
		v->src = p->src;
	}
	return v;
}

static int parse_field(Parser *p, AstValue **ret)
{
	size_t off = p->lx.pos, n = lex_field_name(&p->lx);
	AstValue *v;
	int r;

	if (!n)
		return 0;
	v = new_value(p, AV_FIELD, off);
	if (!v)
		return -ENOMEM;
	r = str_copy(p, &v->field.name, p->lx.s + off, n, off, false);
	if (r < 0)
		return r;
	if (lex_char(&p->lx, '[')) {
		size_t aoff = p->lx.pos;

		r = parse_string_token(p, &v->field.arg, true);
		if (r < 0)
			return r;
		if (r == 0)
			return fail(p, aoff, "expected an argument between '[' and ']' after '%s'",
				    v->field.name.s);
		if (!lex_char(&p->lx, ']'))
			return fail(p, p->lx.pos, "expected ']' to close the argument of '%s'",
				    v->field.name.s);
		v->field.has_arg = true;
	}
	v->end = p->lx.pos;
	*ret = v;
	return 1;
}

static int parse_operand(Parser *p, AstValue **ret);

/* After "name(" was consumed: operand ")" */
static int parse_xform_rest(Parser *p, XformKind kind, size_t off, AstValue **ret)
{
	AstValue *v, *arg = NULL;
	int r;

	r = depth_push(p, off);
	if (r < 0)
		return r;
	lex_blank(&p->lx);
	r = parse_operand(p, &arg);
	if (r < 0)
		return r;
	if (r == 0) {
		char buf[40];

		return fail(p, p->lx.pos, "expected a field inside '%s(', found %s",
			    xform_name(kind), excerpt(p, p->lx.pos, buf, sizeof(buf)));
	}
	lex_blank(&p->lx);
	if (!lex_char(&p->lx, ')'))
		return fail(p, p->lx.pos, "expected ')' to close '%s('", xform_name(kind));
	p->depth--;
	v = new_value(p, AV_XFORM, off);
	if (!v)
		return -ENOMEM;
	v->xform.kind = kind;
	v->xform.arg = arg;
	v->end = p->lx.pos;
	*ret = v;
	return 1;
}

/* operand = field | transformer "(" operand ")"; 0 if none there. */
static int parse_operand(Parser *p, AstValue **ret)
{
	size_t off = p->lx.pos;
	XformKind k;
	bool is_val;
	int r;

	r = parse_field(p, ret);
	if (r != 0)
		return r;
	k = lex_transformer(&p->lx, false, &is_val);
	if (k == XF_INVALID)
		return 0;
	return parse_xform_rest(p, k, off, ret);
}

/* rhs-field = "val(" field ")" | transformer "(" operand ")"; 0 if none there. */
static int parse_rhs_field(Parser *p, AstValue **ret)
{
	size_t off = p->lx.pos;
	AstValue *v, *f = NULL;
	XformKind k;
	bool is_val;
	int r;

	k = lex_transformer(&p->lx, true, &is_val);
	if (k != XF_INVALID)
		return parse_xform_rest(p, k, off, ret);
	if (!is_val)
		return 0;
	lex_blank(&p->lx);
	r = parse_field(p, &f);
	if (r < 0)
		return r;
	if (r == 0)
		return fail(p, p->lx.pos, "expected a field name inside 'val('");
	lex_blank(&p->lx);
	if (!lex_char(&p->lx, ')'))
		return fail(p, p->lx.pos, "expected ')' to close 'val('");
	v = new_value(p, AV_VAL, off);
	if (!v)
		return -ENOMEM;
	v->val = f;
	v->end = p->lx.pos;
	*ret = v;
	return 1;
}

/* After "(": items up to ")" into a list value. */
static int parse_list_rest(Parser *p, size_t off, AstValue **ret)
{
	_cleanup_free_ AstStr *items = NULL;
	size_t n = 0, cap = 0;
	AstValue *v;
	int r;

	lex_blank(&p->lx);
	if (!lex_char(&p->lx, ')')) {
		for (;;) {
			AstStr it;

			r = parse_string_token(p, &it, false);
			if (r < 0)
				return r;
			if (r == 0) {
				char buf[40];

				return fail(p, p->lx.pos, "expected a list item, found %s",
					    excerpt(p, p->lx.pos, buf, sizeof(buf)));
			}
			if (n >= EXPR_MAX_LIST_LITERAL)
				return fail(p, it.off, "list longer than the limit of %d items",
					    EXPR_MAX_LIST_LITERAL);
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				AstStr *ni = reallocarray(items, nc, sizeof(*ni));

				if (!ni)
					return -ENOMEM;
				items = ni;
				cap = nc;
			}
			items[n++] = it;
			lex_blank(&p->lx);
			if (lex_char(&p->lx, ')'))
				break;
			if (lex_eof(&p->lx))
				return fail(p, p->lx.pos,
					    "unbalanced parenthesis: the list is "
					    "never closed with ')'");
			if (!lex_char(&p->lx, ','))
				return fail(p, p->lx.pos, "expected ',' or ')' after a list item");
			lex_blank(&p->lx);
		}
	}
	v = new_value(p, AV_LIST, off);
	if (!v)
		return -ENOMEM;
	if (n) {
		v->list.items = arena_alloc_array(p->arena, n, sizeof(AstStr));
		if (!v->list.items)
			return -ENOMEM;
		memcpy(v->list.items, items, n * sizeof(AstStr));
	}
	v->list.n = n;
	v->end = p->lx.pos;
	*ret = v;
	return 1;
}

static int parse_rhs(Parser *p, ExprOp op, size_t op_off, AstValue **ret)
{
	const OpInfo *oi = op_info(op);
	size_t off;
	AstValue *v;
	char buf[40];
	int r;

	lex_blank(&p->lx);
	off = p->lx.pos;
	r = parse_rhs_field(p, ret);
	if (r != 0)
		return r < 0 ? r : 0;
	switch (oi->syntax) {
	case OPS_NUM: {
		size_t n = lex_number(&p->lx);

		if (!n)
			return fail(p, off, "expected a number after '%s', found %s", oi->text,
				    excerpt(p, off, buf, sizeof(buf)));
		v = new_value(p, AV_STRING, off);
		if (!v)
			return -ENOMEM;
		r = str_copy(p, &v->string.str, p->lx.s + off, n, off, false);
		if (r < 0)
			return r;
		v->string.number = true;
		break;
	}
	case OPS_STR:
		v = new_value(p, AV_STRING, off);
		if (!v)
			return -ENOMEM;
		r = parse_string_token(p, &v->string.str, false);
		if (r < 0)
			return r;
		if (r == 0)
			return fail(p, off, "expected a value after '%s', found %s", oi->text,
				    excerpt(p, off, buf, sizeof(buf)));
		break;
	case OPS_LIST: {
		size_t n;

		if (lex_char(&p->lx, '(')) {
			r = parse_list_rest(p, off, ret);
			return r < 0 ? r : 0;
		}
		n = lex_identifier(&p->lx);
		if (!n)
			return fail(
				p, off,
				"expected a list like (a, b) or a list name after '%s', found %s",
				oi->text, excerpt(p, off, buf, sizeof(buf)));
		v = new_value(p, AV_LISTREF, off);
		if (!v)
			return -ENOMEM;
		r = str_copy(p, &v->listref, p->lx.s + off, n, off, false);
		if (r < 0)
			return r;
		break;
	}
	default:
		return fail(p, op_off, "operator '%s' takes no value", oi->text);
	}
	v->end = p->lx.pos;
	*ret = v;
	return 0;
}

static int parse_or(Parser *p, Ast **ret);

static Ast *new_node(Parser *p, AstKind kind, size_t off)
{
	Ast *a = arena_alloc(p->arena, sizeof(*a));

	if (a) {
		a->kind = kind;
		a->off = off;
		a->src = p->src;
	}
	return a;
}

static bool is_keyword(const char *s, size_t n)
{
	return (n == 3 && (memcmp(s, "and", 3) == 0 || memcmp(s, "not", 3) == 0)) ||
	       (n == 2 && memcmp(s, "or", 2) == 0);
}

static int parse_check(Parser *p, AstValue *lhs, Ast **ret)
{
	size_t op_off, lhs_end = p->lx.pos;
	AstValue *rhs = NULL;
	ExprOp op;
	Ast *a;
	int r;

	lex_blank(&p->lx);
	op_off = p->lx.pos;
	op = lex_op(&p->lx);
	if (op == OP_INVALID) {
		_cleanup_free_ char *name = ast_operand_text(lhs);
		char buf[40];

		if (!name)
			return -ENOMEM;
		return fail(
			p, p->lx.pos == lhs_end ? lhs_end : op_off,
			"expected an operator after '%s' (one of = != < <= > >= contains icontains "
			"bcontains startswith bstartswith endswith glob iglob regex in intersects "
			"pmatch exists), found %s",
			name, excerpt(p, op_off, buf, sizeof(buf)));
	}
	if (op_info(op)->syntax != OPS_UNARY) {
		r = parse_rhs(p, op, op_off, &rhs);
		if (r < 0)
			return r;
	}
	a = new_node(p, AST_CHECK, lhs->off);
	if (!a)
		return -ENOMEM;
	a->check.lhs = lhs;
	a->check.op = op;
	a->check.op_off = op_off;
	a->check.rhs = rhs;
	*ret = a;
	return 0;
}

static int parse_primary(Parser *p, Ast **ret)
{
	size_t off, n;
	AstValue *lhs = NULL;
	char buf[40];
	Ast *a;
	int r;

	lex_blank(&p->lx);
	off = p->lx.pos;
	if (lex_char(&p->lx, '(')) {
		r = depth_push(p, off);
		if (r < 0)
			return r;
		r = parse_or(p, ret);
		if (r < 0)
			return r;
		lex_blank(&p->lx);
		if (!lex_char(&p->lx, ')')) {
			if (lex_eof(&p->lx))
				return fail(p, off,
					    "unbalanced parenthesis: this '(' is never closed");
			return fail(p, p->lx.pos, "expected 'and', 'or' or ')', found %s",
				    excerpt(p, p->lx.pos, buf, sizeof(buf)));
		}
		p->depth--;
		return 0;
	}
	r = parse_operand(p, &lhs);
	if (r < 0)
		return r;
	if (r > 0)
		return parse_check(p, lhs, ret);
	n = lex_identifier(&p->lx);
	if (n && !is_keyword(p->lx.s + off, n)) {
		a = new_node(p, AST_MACRO, off);
		if (!a)
			return -ENOMEM;
		r = str_copy(p, &a->macro, p->lx.s + off, n, off, false);
		if (r < 0)
			return r;
		*ret = a;
		return 0;
	}
	if (lex_peek(&p->lx) == ')')
		return fail(p, off, "unbalanced parenthesis: ')' without a matching '('");
	return fail(p, off, "expected a condition (a field check, a macro name or '('), found %s",
		    excerpt(p, off, buf, sizeof(buf)));
}

static int parse_not(Parser *p, Ast **ret)
{
	size_t off;
	Ast *kid, *a;
	int r;

	lex_blank(&p->lx);
	off = p->lx.pos;
	if (!lex_keyword(&p->lx, "not"))
		return parse_primary(p, ret);
	r = depth_push(p, off);
	if (r < 0)
		return r;
	r = parse_not(p, &kid);
	if (r < 0)
		return r;
	p->depth--;
	a = new_node(p, AST_NOT, off);
	if (!a)
		return -ENOMEM;
	a->not_kid = kid;
	*ret = a;
	return 0;
}

/* and-expr / or-expr: one or more children joined by keyword kw. */
static int parse_chain(Parser *p, AstKind kind, const char *kw, Ast **ret)
{
	_cleanup_free_ Ast **kids = NULL;
	size_t n = 0, cap = 0, off;
	Ast *a, *kid;
	int r;

	lex_blank(&p->lx);
	off = p->lx.pos;
	for (;;) {
		r = kind == AST_OR ? parse_chain(p, AST_AND, "and", &kid) : parse_not(p, &kid);
		if (r < 0)
			return r;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			Ast **nk = reallocarray(kids, nc, sizeof(*nk));

			if (!nk)
				return -ENOMEM;
			kids = nk;
			cap = nc;
		}
		kids[n++] = kid;
		lex_blank(&p->lx);
		if (!lex_keyword(&p->lx, kw))
			break;
	}
	if (n == 1) {
		*ret = kids[0];
		return 0;
	}
	a = new_node(p, kind, off);
	if (!a)
		return -ENOMEM;
	a->bin.kids = arena_alloc_array(p->arena, n, sizeof(Ast *));
	if (!a->bin.kids)
		return -ENOMEM;
	memcpy(a->bin.kids, kids, n * sizeof(Ast *));
	a->bin.n = n;
	*ret = a;
	return 0;
}

static int parse_or(Parser *p, Ast **ret)
{
	return parse_chain(p, AST_OR, "or", ret);
}

int ast_parse(Arena *arena, const AstSrc *src, const char *text, size_t len, Ast **ret,
	      ParseError *err)
{
	Parser p = { .arena = arena, .src = src, .err = err };
	char buf[40];
	Ast *root = NULL;
	int r;

	lexer_init(&p.lx, text, len);
	if (len > EXPR_MAX_LEN)
		return fail(&p, 0, "condition longer than the limit of %u bytes", EXPR_MAX_LEN);
	if (memchr(text, 0, len))
		return fail(&p, (size_t)((const char *)memchr(text, 0, len) - text),
			    "NUL character in condition");
	lex_blank(&p.lx);
	if (lex_eof(&p.lx))
		return fail(&p, 0, "empty condition");
	r = parse_or(&p, &root);
	if (r < 0)
		return r;
	lex_blank(&p.lx);
	if (!lex_eof(&p.lx)) {
		if (lex_peek(&p.lx) == ')')
			return fail(&p, p.lx.pos,
				    "unbalanced parenthesis: ')' without a matching '('");
		return fail(&p, p.lx.pos,
			    "unexpected %s: expected 'and', 'or' or the end of the condition",
			    excerpt(&p, p.lx.pos, buf, sizeof(buf)));
	}
	*ret = root;
	return 0;
}

int ast_parse_operand(Arena *arena, const AstSrc *src, const char *text, size_t len, AstValue **ret,
		      size_t *ret_used, ParseError *err)
{
	Parser p = { .arena = arena, .src = src, .err = err };
	char buf[40];
	int r;

	lexer_init(&p.lx, text, len);
	r = parse_operand(&p, ret);
	if (r < 0)
		return r;
	if (r == 0)
		return fail(&p, 0, "expected a field name, found %s",
			    excerpt(&p, 0, buf, sizeof(buf)));
	*ret_used = p.lx.pos;
	return 0;
}

int ast_parse_list_items(Arena *arena, const AstSrc *src, const char *text, size_t len,
			 AstValue **ret, ParseError *err)
{
	Parser p = { .arena = arena, .src = src, .err = err };
	AstValue *v;
	char buf[40];
	int r;

	lexer_init(&p.lx, text, len);
	lex_blank(&p.lx);
	if (lex_char(&p.lx, '(')) {
		r = parse_list_rest(&p, 0, ret);
		if (r < 0)
			return r;
		lex_blank(&p.lx);
		if (!lex_eof(&p.lx))
			return fail(&p, p.lx.pos, "unexpected %s after the list",
				    excerpt(&p, p.lx.pos, buf, sizeof(buf)));
		return 0;
	}
	/* A single item: a quoted string, or the text as it is. */
	v = new_value(&p, AV_LIST, 0);
	if (!v)
		return -ENOMEM;
	v->list.items = arena_alloc(arena, sizeof(AstStr));
	if (!v->list.items)
		return -ENOMEM;
	v->list.n = 1;
	if (lex_peek(&p.lx) == '"' || lex_peek(&p.lx) == '\'') {
		r = parse_string_token(&p, &v->list.items[0], false);
		if (r < 0)
			return r;
	} else {
		r = str_copy(&p, &v->list.items[0], text, len, 0, false);
		if (r < 0)
			return r;
	}
	v->end = len;
	*ret = v;
	return 0;
}

Ast *ast_new_bin(Arena *arena, AstKind kind, const AstSrc *src, size_t off, size_t n)
{
	Ast *a = arena_alloc(arena, sizeof(*a));

	if (!a)
		return NULL;
	a->kind = kind;
	a->src = src;
	a->off = off;
	a->bin.kids = arena_alloc_array(arena, n, sizeof(Ast *));
	if (!a->bin.kids)
		return NULL;
	a->bin.n = n;
	return a;
}

Ast *ast_new_not(Arena *arena, const AstSrc *src, size_t off, Ast *kid)
{
	Ast *a = arena_alloc(arena, sizeof(*a));

	if (!a)
		return NULL;
	a->kind = AST_NOT;
	a->src = src;
	a->off = off;
	a->not_kid = kid;
	return a;
}

Ast *ast_new_check(Arena *arena, const AstSrc *src, size_t off, AstValue *lhs, ExprOp op,
		   AstValue *rhs)
{
	Ast *a = arena_alloc(arena, sizeof(*a));

	if (!a)
		return NULL;
	a->kind = AST_CHECK;
	a->src = src;
	a->off = off;
	a->check.lhs = lhs;
	a->check.op = op;
	a->check.op_off = off;
	a->check.rhs = rhs;
	return a;
}

AstValue *ast_new_string(Arena *arena, const AstSrc *src, size_t off, const char *s, size_t len,
			 bool quoted)
{
	AstValue *v = arena_alloc(arena, sizeof(*v));

	if (!v)
		return NULL;
	v->kind = AV_STRING;
	v->src = src;
	v->off = off;
	v->end = off + len;
	v->string.str.s = arena_strndup(arena, s, len);
	if (!v->string.str.s)
		return NULL;
	v->string.str.len = len;
	v->string.str.off = off;
	v->string.str.quoted = quoted;
	v->string.str.src = src;
	return v;
}

AstValue *ast_new_list(Arena *arena, const AstSrc *src, size_t off, size_t n)
{
	AstValue *v = arena_alloc(arena, sizeof(*v));

	if (!v)
		return NULL;
	v->kind = AV_LIST;
	v->src = src;
	v->off = off;
	if (n) {
		v->list.items = arena_alloc_array(arena, n, sizeof(AstStr));
		if (!v->list.items)
			return NULL;
	}
	v->list.n = n;
	return v;
}

static int operand_text(const AstValue *v, StrBuf *sb)
{
	int r;

	switch (v->kind) {
	case AV_FIELD:
		r = strbuf_append(sb, v->field.name.s, v->field.name.len);
		if (r >= 0 && v->field.has_arg) {
			r = strbuf_putc(sb, '[');
			if (r >= 0)
				r = strbuf_append(sb, v->field.arg.s, v->field.arg.len);
			if (r >= 0)
				r = strbuf_putc(sb, ']');
		}
		return r;
	case AV_XFORM:
		r = strbuf_puts(sb, xform_name(v->xform.kind));
		if (r >= 0)
			r = strbuf_putc(sb, '(');
		if (r >= 0)
			r = operand_text(v->xform.arg, sb);
		if (r >= 0)
			r = strbuf_putc(sb, ')');
		return r;
	case AV_VAL:
		return operand_text(v->val, sb);
	case AV_STRING:
		return strbuf_append(sb, v->string.str.s, v->string.str.len);
	case AV_LISTREF:
		return strbuf_append(sb, v->listref.s, v->listref.len);
	case AV_LIST:
		return strbuf_puts(sb, "(...)");
	}
	return -EINVAL;
}

char *ast_operand_text(const AstValue *v)
{
	StrBuf sb = { 0 };

	if (operand_text(v, &sb) < 0 || sb.failed) {
		strbuf_done(&sb);
		return NULL;
	}
	return strbuf_steal(&sb);
}
