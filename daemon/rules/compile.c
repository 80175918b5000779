// SPDX-License-Identifier: MIT
/*
 * The condition compiler: syntax tree -> typed expression tree.  Macros are
 * expanded where they are used (with cycle detection), list names inside
 * lists are replaced by their items, exceptions become "and not (...)"
 * clauses, every check is type-checked against its field and its constants
 * parsed into the field's type once.  Errors carry the position of the
 * offending text and the rule or macro it is in.
 *
 * Falco compatibility notes (libsinsp filter compiler and rule loader):
 *  - a field without a value makes every comparison false, "!=" and
 *    "exists" included; "not" of such a check is therefore true;
 *  - "in ()" is always false; "in name" with no list called name compares
 *    with the literal "name" (with a warning here);
 *  - operators per type follow flt_is_comparable(): numbers = != < <= > >=
 *    in intersects; strings everything except bcontains/bstartswith;
 *    byte buffers = != contains bcontains startswith bstartswith endswith
 *    in intersects; bool and addresses = != in intersects;
 *  - ipaddr fields take addresses, ipnet fields take CIDR networks; an
 *    address of the other family is neither "=" nor "!=";
 *  - regex is matched against the whole value (RE2 full match in Falco,
 *    POSIX extended syntax here);
 *  - a field on the right side (val(), transformers) must have the same
 *    type class; pmatch and regex do not accept one;
 *  - list fields (FF_LIST, Falco's EPF_IS_LIST: fd.types) take only in,
 *    intersects and exists; "in" needs every value in the set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "event/event-info.h"
#include "rules/compile-internal.h"

Expr cc_expr_false = { .kind = EX_FALSE };
Expr cc_expr_true = { .kind = EX_TRUE };

ExprPool *expr_compiler_pool(ExprCompiler *c)
{
	return c->pool;
}

Arena *expr_compiler_arena(ExprCompiler *c)
{
	return &c->arena;
}

static int vreport(ExprCompiler *c, DiagLevel level, const AstSrc *src, size_t off, const char *fmt,
		   va_list ap) _printf_(5, 0);
static int vreport(ExprCompiler *c, DiagLevel level, const AstSrc *src, size_t off, const char *fmt,
		   va_list ap)
{
	_cleanup_free_ char *msg = NULL, *key = NULL;
	const char *item = src && src->item ? src->item : c->rule_item;
	SrcPos pos = ast_src_locate(src, off);
	int r;

	if (vasprintf(&msg, fmt, ap) < 0)
		return -ENOMEM;
	/* A macro's or list's problem shows up in every rule using it: report it once. */
	if (item && c->rule_item && strcmp(item, c->rule_item) != 0) {
		if (asprintf(&key, "%d:%s:%u:%u:%s:%s", level, pos.file ? pos.file : "", pos.line,
			     pos.col, item, msg) < 0)
			return -ENOMEM;
		if (strmap_get(c->reported, key, strlen(key), NULL))
			return 0;
		r = strmap_put(c->reported, key, strlen(key), NULL);
		if (r < 0)
			return r;
	}
	return diags_add(c->d, level, &pos, item, "%s", msg);
}

int expr_compiler_report(ExprCompiler *c, DiagLevel level, const AstSrc *src, size_t off,
			 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vreport(c, level, src, off, fmt, ap);
	va_end(ap);
	return r;
}

/* Report an error and return -EINVAL (or a warning and -ENOENT when the rule is skipped). */
int cc_fail(ExprCompiler *c, ErrKind kind, const AstSrc *src, size_t off, const char *fmt, ...)
{
	bool skip = kind == ERR_UNKNOWN && c->skip_unknown;
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	if (!skip) {
		r = vreport(c, DIAG_ERROR, src, off, fmt, ap);
		va_end(ap);
		return r < 0 ? r : -EINVAL;
	}
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = expr_compiler_report(c, DIAG_WARNING, src, off,
				 "%s: the rule is skipped (skip-if-unknown-filter)", msg);
	return r < 0 ? r : -ENOENT;
}

void cc_warn(ExprCompiler *c, const AstSrc *src, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vreport(c, DIAG_WARNING, src, off, fmt, ap);
	va_end(ap);
}

static char *item_name(Arena *a, const char *kind, const char *name)
{
	size_t n = strlen(kind) + strlen(name) + 4;
	char *s = arena_alloc(a, n);

	if (s)
		snprintf(s, n, "%s '%s'", kind, name);
	return s;
}

/* ---- pool ---- */

ExprPool *expr_pool_new(void)
{
	ExprPool *p = new0(ExprPool, 1);

	if (!p)
		return NULL;
	p->slots = strmap_new();
	if (!p->slots) {
		free(p);
		return NULL;
	}
	p->serial = 1;
	return p;
}

ExprPool *expr_pool_free(ExprPool *p)
{
	if (!p)
		return NULL;
	arena_done(&p->arena);
	arena_done(&p->node_arena);
	strmap_free(p->slots);
	free(p);
	return NULL;
}

void expr_pool_begin_event(ExprPool *p)
{
	p->serial++;
}

size_t expr_pool_nvalues(const ExprPool *p)
{
	return strmap_size(p->slots);
}

/* ---- compiler setup ---- */

static int parse_macro(ExprCompiler *c, size_t i)
{
	const MacroDef *m = &c->rs->macros[i];
	MacroState *ms = &c->macros[i];
	ParseError pe;
	int r;

	ms->src.text = &m->condition;
	ms->src.item = ms->item;
	r = ast_parse(&c->arena, &ms->src, m->condition.text ? m->condition.text : "",
		      m->condition.len, &ms->ast, &pe);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		ms->state = -1;
		r = expr_compiler_report(c, DIAG_ERROR, &ms->src, pe.off, "%s", pe.msg);
		return r < 0 ? r : 0;
	}
	ms->state = 1;
	return 0;
}

int expr_compiler_new(const RuleSet *rs, ExprPool *pool, Diags *d, ExprCompiler **ret)
{
	_cleanup_(expr_compiler_freep) ExprCompiler *c = new0(ExprCompiler, 1);
	size_t i;
	int r;

	if (!c)
		return -ENOMEM;
	c->rs = rs;
	c->pool = pool;
	c->d = d;
	c->macro_idx = strmap_new();
	c->list_idx = strmap_new();
	c->reported = strmap_new();
	c->macros = new0(MacroState, rs->nmacros);
	c->lists = new0(ListState, rs->nlists);
	if (!c->macro_idx || !c->list_idx || !c->reported || !c->macros || !c->lists)
		return -ENOMEM;
	/* Later definitions of a name win, as in the loader's index. */
	for (i = 0; i < rs->nlists; i++) {
		r = strmap_put(c->list_idx, rs->lists[i].name, strlen(rs->lists[i].name),
			       (void *)(uintptr_t)(i + 1));
		if (r < 0)
			return r;
		c->lists[i].item = item_name(&c->arena, "list", rs->lists[i].name);
		if (!c->lists[i].item)
			return -ENOMEM;
	}
	for (i = 0; i < rs->nmacros; i++) {
		r = strmap_put(c->macro_idx, rs->macros[i].name, strlen(rs->macros[i].name),
			       (void *)(uintptr_t)(i + 1));
		if (r < 0)
			return r;
		c->macros[i].item = item_name(&c->arena, "macro", rs->macros[i].name);
		if (!c->macros[i].item)
			return -ENOMEM;
	}
	/* Parse every macro now: syntax errors are reported even in unused macros. */
	for (i = 0; i < rs->nmacros; i++) {
		r = parse_macro(c, i);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

ExprCompiler *expr_compiler_free(ExprCompiler *c)
{
	if (!c)
		return NULL;
	arena_done(&c->arena);
	strmap_free(c->macro_idx);
	strmap_free(c->list_idx);
	strmap_free(c->reported);
	free(c->macros);
	free(c->lists);
	free(c);
	return NULL;
}

bool cc_lookup(const StrMap *m, const char *name, size_t n, size_t *ret)
{
	void *v;

	if (!strmap_get(m, name, n, &v))
		return false;
	*ret = (uintptr_t)v - 1;
	return true;
}

/* ---- lists ---- */

int cc_strvec_push(StrVec *sv, const AstStr *s)
{
	if (sv->n == sv->cap) {
		size_t nc = sv->cap ? sv->cap * 2 : 16;
		AstStr *nv = reallocarray(sv->v, nc, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		sv->v = nv;
		sv->cap = nc;
	}
	sv->v[sv->n++] = *s;
	return 0;
}

static int list_expand(ExprCompiler *c, size_t idx, const AstSrc *use_src, size_t use_off);

/* Append s, or the items of the list it names, to out. */
static int expand_item(ExprCompiler *c, const AstStr *s, StrVec *out)
{
	size_t idx, i;
	int r;

	if (!s->quoted && cc_lookup(c->list_idx, s->s, s->len, &idx)) {
		r = list_expand(c, idx, s->src, s->off);
		if (r < 0)
			return r;
		for (i = 0; i < c->lists[idx].n; i++) {
			if (out->n >= EXPR_MAX_LIST_ITEMS)
				return cc_fail(
					c, ERR_OTHER, s->src, s->off,
					"list has more than %d items after expanding the lists it names",
					EXPR_MAX_LIST_ITEMS);
			r = cc_strvec_push(out, &c->lists[idx].items[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (out->n >= EXPR_MAX_LIST_ITEMS)
		return cc_fail(c, ERR_OTHER, s->src, s->off,
			       "list has more than %d items after expanding the lists it names",
			       EXPR_MAX_LIST_ITEMS);
	return cc_strvec_push(out, s);
}

/* A list item as written in YAML: a quoted string is unquoted, anything else taken as is. */
int cc_item_from_text(ExprCompiler *c, const char *text, const AstSrc *src, AstStr *ret)
{
	size_t n = strlen(text);
	LexError le;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->src = src;
	if (n >= 2 && (text[0] == '"' || text[0] == '\'') && text[n - 1] == text[0]) {
		_cleanup_free_ char *u = NULL;
		size_t ulen;

		r = lex_unquote(text, n, &u, &ulen, &le);
		if (r == -ENOMEM)
			return r;
		if (r == 0) {
			ret->s = arena_strndup(&c->arena, u, ulen);
			if (!ret->s)
				return -ENOMEM;
			ret->len = ulen;
			ret->quoted = true;
			return 0;
		}
		/* not a well-formed quoted string: keep the text as it is */
	}
	ret->s = arena_strndup(&c->arena, text, n);
	if (!ret->s)
		return -ENOMEM;
	ret->len = n;
	return 0;
}

AstSrc *cc_new_src(ExprCompiler *c, const SrcText *text, const SrcPos *base, const char *item)
{
	AstSrc *s = arena_alloc(&c->arena, sizeof(*s));

	if (!s)
		return NULL;
	s->text = text;
	if (base)
		s->base = *base;
	s->item = item;
	return s;
}

static int list_expand(ExprCompiler *c, size_t idx, const AstSrc *use_src, size_t use_off)
{
	const ListDef *l = &c->rs->lists[idx];
	ListState *ls = &c->lists[idx];
	_cleanup_free_ AstStr *tmp = NULL;
	StrVec out = { 0 };
	size_t i;
	int r = 0;

	ls->used = true;
	if (ls->state > 0)
		return 0;
	if (ls->state < 0)
		return -EINVAL;
	if (ls->visiting)
		return cc_fail(c, ERR_OTHER, use_src, use_off, "list '%s' contains itself",
			       l->name);
	if (c->list_depth >= EXPR_MAX_LIST_DEPTH)
		return cc_fail(
			c, ERR_OTHER, use_src, use_off,
			"lists nested deeper than %d levels (a list naming a list naming ...)",
			EXPR_MAX_LIST_DEPTH);
	c->list_depth++;
	ls->visiting = true;
	for (i = 0; i < l->nitems && r >= 0; i++) {
		AstSrc *src = cc_new_src(c, NULL, &l->items[i].pos, ls->item);
		AstStr it;

		if (!src) {
			r = -ENOMEM;
			break;
		}
		r = cc_item_from_text(c, l->items[i].value ? l->items[i].value : "", src, &it);
		if (r >= 0)
			r = expand_item(c, &it, &out);
	}
	ls->visiting = false;
	c->list_depth--;
	tmp = out.v;
	if (r < 0) {
		if (r != -ENOMEM)
			ls->state = -1;
		return r;
	}
	if (out.n) {
		ls->items = arena_alloc_array(&c->arena, out.n, sizeof(AstStr));
		if (!ls->items)
			return -ENOMEM;
		memcpy(ls->items, out.v, out.n * sizeof(AstStr));
	}
	ls->n = out.n;
	ls->state = 1;
	return 0;
}

/* The constants on the right of a check, lists expanded. */
int cc_rhs_values(ExprCompiler *c, const AstValue *rhs, StrVec *out)
{
	size_t i, idx;
	int r;

	switch (rhs->kind) {
	case AV_STRING:
		return cc_strvec_push(out, &rhs->string.str);
	case AV_LIST:
		for (i = 0; i < rhs->list.n; i++) {
			r = expand_item(c, &rhs->list.items[i], out);
			if (r < 0)
				return r;
		}
		return 0;
	case AV_LISTREF:
		if (cc_lookup(c->list_idx, rhs->listref.s, rhs->listref.len, &idx))
			return expand_item(c, &rhs->listref, out);
		cc_warn(c, rhs->src, rhs->off,
			"'%s' is not a defined list: it is compared as the literal value '%s'",
			rhs->listref.s, rhs->listref.s);
		return cc_strvec_push(out, &rhs->listref);
	default:
		return -EINVAL;
	}
}

/* ---- boolean structure ---- */

static int compile_ast(ExprCompiler *c, const Ast *a, Expr **ret);

static int compile_macro(ExprCompiler *c, const Ast *a, Expr **ret)
{
	MacroState *ms;
	size_t idx;
	Expr *k;
	int r;

	if (!cc_lookup(c->macro_idx, a->macro.s, a->macro.len, &idx)) {
		if (cc_lookup(c->list_idx, a->macro.s, a->macro.len, &idx))
			return cc_fail(c, ERR_OTHER, a->src, a->off,
				       "'%s' is a list, not a macro: use it in a check like "
				       "'proc.name in (%s)'",
				       a->macro.s, a->macro.s);
		return cc_fail(c, ERR_OTHER, a->src, a->off, "undefined macro '%s'", a->macro.s);
	}
	ms = &c->macros[idx];
	ms->used = true;
	if (ms->state < 0)
		return -EINVAL; /* its syntax error was reported */
	if (ms->visiting) {
		StrBuf sb = { 0 };
		unsigned i;

		for (i = 0; i < c->nmacro_stack; i++) {
			if (strcmp(c->macro_stack[i], a->macro.s) == 0 || sb.len) {
				strbuf_puts(&sb, c->macro_stack[i]);
				strbuf_puts(&sb, " -> ");
			}
		}
		strbuf_puts(&sb, a->macro.s);
		r = cc_fail(c, ERR_OTHER, a->src, a->off, "macro '%s' refers to itself: %s",
			    a->macro.s, strbuf_str(&sb));
		strbuf_done(&sb);
		return r;
	}
	if (ms->compiled) {
		*ret = ms->compiled;
		return 0;
	}
	ms->visiting = true;
	c->macro_stack[c->nmacro_stack++] = c->rs->macros[idx].name;
	r = compile_ast(c, ms->ast, ret);
	c->nmacro_stack--;
	ms->visiting = false;
	if (r < 0)
		return r;
	/*
	 * Compile a macro once and share it: every rule using it points to the
	 * same node, which remembers its value for the current event.  Rules
	 * built from common macros (open_write, spawned_process) then pay for
	 * them once per event, and nested macros cannot blow up in size.
	 */
	k = *ret;
	if (k->kind == EX_AND || k->kind == EX_OR || k->kind == EX_NOT || k->kind == EX_CMP) {
		Expr *m = cc_new_expr(c, EX_MEMO);

		if (!m)
			return cc_too_big(c, a->src, a->off);
		m->memo_types = arena_alloc_array(&c->pool->node_arena, 2, sizeof(EvtTypeSet));
		if (!m->memo_types)
			return -ENOMEM;
		m->kid = k;
		evt_derive(k, false, &m->memo_types[0]);
		evt_derive(k, true, &m->memo_types[1]);
		*ret = m;
	}
	ms->compiled = *ret;
	return 0;
}

static int compile_bin(ExprCompiler *c, const Ast *a, Expr **ret)
{
	bool is_and = a->kind == AST_AND;
	ExprKind absorbing = is_and ? EX_FALSE : EX_TRUE, neutral = is_and ? EX_TRUE : EX_FALSE;
	ExprKind same = is_and ? EX_AND : EX_OR;
	_cleanup_free_ Expr **kids = NULL;
	size_t n = 0, cap = 0, i, j;
	bool absorbed = false;
	Expr *e;
	int r;

	for (i = 0; i < a->bin.n; i++) {
		Expr *k;

		r = compile_ast(c, a->bin.kids[i], &k);
		if (r < 0)
			return r;
		if (k->kind == absorbing)
			absorbed = true;
		if (absorbed || k->kind == neutral)
			continue;
		for (j = 0; j < (k->kind == same ? k->n : 1); j++) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 4;
				Expr **nk = reallocarray(kids, nc, sizeof(*nk));

				if (!nk)
					return -ENOMEM;
				kids = nk;
				cap = nc;
			}
			kids[n++] = k->kind == same ? k->kids[j] : k;
		}
	}
	if (absorbed) {
		*ret = is_and ? &cc_expr_false : &cc_expr_true;
		return 0;
	}
	if (n == 0) {
		*ret = is_and ? &cc_expr_true : &cc_expr_false;
		return 0;
	}
	if (n == 1) {
		*ret = kids[0];
		return 0;
	}
	e = cc_new_expr_kids(c, same, n);
	if (!e)
		return cc_too_big(c, a->src, a->off);
	memcpy(e->kids, kids, n * sizeof(Expr *));
	*ret = e;
	return 0;
}

static int compile_ast(ExprCompiler *c, const Ast *a, Expr **ret)
{
	Expr *k, *e;
	int r;

	if (++c->depth > EXPR_MAX_COMPILE_DEPTH) {
		c->depth--;
		return cc_fail(c, ERR_OTHER, a->src, a->off,
			       "condition nested deeper than %d levels after expanding macros",
			       EXPR_MAX_COMPILE_DEPTH);
	}
	switch (a->kind) {
	case AST_AND:
	case AST_OR:
		r = compile_bin(c, a, ret);
		break;
	case AST_NOT:
		r = compile_ast(c, a->not_kid, &k);
		if (r < 0)
			break;
		if (k->kind == EX_TRUE || k->kind == EX_FALSE) {
			*ret = k->kind == EX_TRUE ? &cc_expr_false : &cc_expr_true;
		} else if (k->kind == EX_NOT) {
			*ret = k->kid;
		} else {
			e = cc_new_expr(c, EX_NOT);
			if (!e) {
				r = cc_too_big(c, a->src, a->off);
				break;
			}
			e->kid = k;
			*ret = e;
		}
		break;
	case AST_CHECK:
		r = cc_check(c, a, ret);
		break;
	case AST_MACRO:
		r = compile_macro(c, a, ret);
		break;
	case AST_BOOL:
		*ret = a->value ? &cc_expr_true : &cc_expr_false;
		r = 0;
		break;
	default:
		r = -EINVAL;
	}
	c->depth--;
	return r;
}

/* ---- exceptions ---- */

static int exc_field(ExprCompiler *c, const ExceptionDef *e, size_t k, const char *item,
		     AstValue **ret)
{
	const char *text = e->fields[k] ? e->fields[k] : "";
	const SrcPos *pos = e->field_pos ? &e->field_pos[k] : &e->pos;
	AstSrc *src = cc_new_src(c, NULL, pos, item);
	ParseError pe;
	size_t used, n = strlen(text);
	int r;

	if (!src)
		return -ENOMEM;
	r = ast_parse_operand(&c->arena, src, text, n, ret, &used, &pe);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return cc_fail(c, ERR_OTHER, src, pe.off, "exception '%s': %s", e->name, pe.msg);
	while (used < n && lex_is_blank((unsigned char)text[used]))
		used++;
	if (used != n)
		return cc_fail(c, ERR_OTHER, src, used, "exception '%s': invalid field '%s'",
			       e->name, text);
	return 0;
}

static int exc_comp(ExprCompiler *c, const ExceptionDef *e, size_t k, const char *item, ExprOp *ret)
{
	const char *text = e->comps && e->comps[k] ? e->comps[k] : (e->fields_is_list ? "=" : "in");
	const SrcPos *pos = e->comp_pos ? &e->comp_pos[k] : &e->pos;
	AstSrc *src;
	ExprOp op = op_from_string(text, strlen(text));

	if (op != OP_INVALID && op != OP_EXISTS) {
		*ret = op;
		return 0;
	}
	src = cc_new_src(c, NULL, pos, item);
	if (!src)
		return -ENOMEM;
	if (op == OP_EXISTS)
		return cc_fail(c, ERR_OTHER, src, 0,
			       "exception '%s': comparison 'exists' takes no value", e->name);
	return cc_fail(c, ERR_OTHER, src, 0,
		       "exception '%s': '%s' is not a supported comparison operator", e->name,
		       text);
}

/* The value of field k of tuple v, as an AST value for operator op. */
static int exc_value(ExprCompiler *c, const ExceptionDef *e, const ExceptionValue *v, size_t k,
		     ExprOp op, const char *item, AstValue **ret)
{
	const SrcPos *pos = v->value_pos ? &v->value_pos[k] : &v->pos;
	const char *text = v->values && v->values[k] ? v->values[k] : "";
	AstSrc *src = cc_new_src(c, NULL, pos, item);
	ParseError pe;
	AstStr s;
	size_t i;
	int r;

	if (!src)
		return -ENOMEM;
	if (v->list_items && v->list_items[k]) {
		AstValue *l = ast_new_list(&c->arena, src, 0, v->nlist_items[k]);

		if (!l)
			return -ENOMEM;
		for (i = 0; i < v->nlist_items[k]; i++) {
			AstSrc *isrc = cc_new_src(c, NULL, &v->list_items[k][i].pos, item);

			if (!isrc)
				return -ENOMEM;
			r = cc_item_from_text(
				c, v->list_items[k][i].value ? v->list_items[k][i].value : "", isrc,
				&l->list.items[i]);
			if (r < 0)
				return r;
		}
		if (!op_is_list(op))
			return cc_fail(c, ERR_OTHER, src, 0,
				       "exception '%s': a list of values needs the comparison in, "
				       "intersects or pmatch, not '%s'",
				       e->name, op_name(op));
		*ret = l;
		return 0;
	}
	if (op_is_list(op)) {
		r = ast_parse_list_items(&c->arena, src, text, strlen(text), ret, &pe);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return cc_fail(c, ERR_OTHER, src, pe.off, "exception '%s': %s", e->name,
				       pe.msg);
		return 0;
	}
	r = cc_item_from_text(c, text, src, &s);
	if (r < 0)
		return r;
	*ret = ast_new_string(&c->arena, src, 0, s.s, s.len, true);
	return *ret ? 0 : -ENOMEM;
}

/* "not (...)" for one exception, or NULL when it has no values. */
static int exc_clause(ExprCompiler *c, const ExceptionDef *e, const char *item, Ast **ret)
{
	_cleanup_free_ AstValue **fields = NULL;
	_cleanup_free_ ExprOp *ops = NULL;
	AstSrc *src = cc_new_src(c, NULL, &e->pos, item);
	Ast *any;
	size_t k, j;
	int r;

	*ret = NULL;
	if (!src)
		return -ENOMEM;
	if (!e->nfields)
		return cc_fail(c, ERR_OTHER, src, 0, "exception '%s' has no fields", e->name);
	fields = new0(AstValue *, e->nfields);
	ops = new0(ExprOp, e->nfields);
	if (!fields || !ops)
		return -ENOMEM;
	for (k = 0; k < e->nfields; k++) {
		r = exc_field(c, e, k, item, &fields[k]);
		if (r < 0)
			return r;
		r = exc_comp(c, e, k, item, &ops[k]);
		if (r < 0)
			return r;
	}
	if (!e->nvalues)
		return 0;

	if (!e->fields_is_list) {
		/* fields: proc.name, comps: in, values: [a, b] -> proc.name in (a, b) */
		AstValue *l;

		if (!op_is_list(ops[0]))
			return cc_fail(
				c, ERR_OTHER, src, 0,
				"exception '%s': with a single field the comparison must be in, "
				"intersects or pmatch, not '%s'",
				e->name, op_name(ops[0]));
		l = ast_new_list(&c->arena, src, 0, e->nvalues);
		if (!l)
			return -ENOMEM;
		for (j = 0; j < e->nvalues; j++) {
			const ExceptionValue *v = &e->values[j];
			AstSrc *vsrc = cc_new_src(c, NULL,
						  v->value_pos ? &v->value_pos[0] : &v->pos, item);

			if (!vsrc)
				return -ENOMEM;
			if (v->list_items && v->list_items[0])
				return cc_fail(
					c, ERR_OTHER, vsrc, 0,
					"exception '%s': with a single field each value must be "
					"a string, not a list",
					e->name);
			r = cc_item_from_text(c, v->values && v->values[0] ? v->values[0] : "",
					      vsrc, &l->list.items[j]);
			if (r < 0)
				return r;
		}
		any = ast_new_check(&c->arena, src, 0, fields[0], ops[0], l);
	} else {
		any = ast_new_bin(&c->arena, AST_OR, src, 0, e->nvalues);
		if (!any)
			return -ENOMEM;
		for (j = 0; j < e->nvalues; j++) {
			Ast *all = ast_new_bin(&c->arena, AST_AND, src, 0, e->nfields);

			if (!all)
				return -ENOMEM;
			for (k = 0; k < e->nfields; k++) {
				AstValue *val;

				r = exc_value(c, e, &e->values[j], k, ops[k], item, &val);
				if (r < 0)
					return r;
				all->bin.kids[k] =
					ast_new_check(&c->arena, src, 0, fields[k], ops[k], val);
				if (!all->bin.kids[k])
					return -ENOMEM;
			}
			any->bin.kids[j] = all;
		}
	}
	if (!any)
		return -ENOMEM;
	*ret = ast_new_not(&c->arena, src, 0, any);
	return *ret ? 0 : -ENOMEM;
}

/* ---- entry points ---- */

void expr_compiler_begin(ExprCompiler *c, const char *item, bool skip_unknown)
{
	c->rule_item = item;
	c->skip_unknown = skip_unknown;
	c->nodes = 0;
	c->depth = 0;
	c->list_depth = 0;
	c->nmacro_stack = 0;
}

static int parse_condition(ExprCompiler *c, const SrcText *cond, const char *item, Ast **ret)
{
	AstSrc *src = cc_new_src(c, cond, NULL, item);
	ParseError pe;
	int r;

	if (!src)
		return -ENOMEM;
	r = ast_parse(&c->arena, src, cond->text ? cond->text : "", cond->len, ret, &pe);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return cc_fail(c, ERR_OTHER, src, pe.off, "%s", pe.msg);
	return 0;
}

int expr_compile_condition(ExprCompiler *c, const SrcText *cond, const char *item, Expr **ret)
{
	Ast *root;
	int r;

	expr_compiler_begin(c, item, false);
	r = parse_condition(c, cond, item, &root);
	if (r < 0)
		return r;
	return compile_ast(c, root, ret);
}

int expr_compile_rule(ExprCompiler *c, const RuleDef *r, Expr **ret)
{
	char *item = item_name(&c->arena, "rule", r->name ? r->name : "");
	Ast *root, *cond;
	size_t i, n = 1;
	int k;

	if (!item)
		return -ENOMEM;
	expr_compiler_begin(c, item, r->skip_if_unknown_filter);
	k = parse_condition(c, &r->condition, item, &cond);
	if (k < 0)
		return k;
	if (!r->nexceptions)
		return compile_ast(c, cond, ret);
	root = ast_new_bin(&c->arena, AST_AND, cond->src, cond->off, 1 + r->nexceptions);
	if (!root)
		return -ENOMEM;
	root->bin.kids[0] = cond;
	for (i = 0; i < r->nexceptions; i++) {
		Ast *clause;

		k = exc_clause(c, &r->exceptions[i], item, &clause);
		if (k < 0)
			return k;
		if (clause)
			root->bin.kids[n++] = clause;
	}
	root->bin.n = n;
	if (n == 1)
		root = cond;
	return compile_ast(c, root, ret);
}

static void mark_list_used(ExprCompiler *c, size_t idx, unsigned depth)
{
	const ListDef *l = &c->rs->lists[idx];
	size_t i, j;

	if (c->lists[idx].used || depth > EXPR_MAX_LIST_DEPTH)
		return;
	c->lists[idx].used = true;
	for (i = 0; i < l->nitems; i++)
		if (l->items[i].value &&
		    cc_lookup(c->list_idx, l->items[i].value, strlen(l->items[i].value), &j))
			mark_list_used(c, j, depth + 1);
}

static void mark_refs(ExprCompiler *c, const Ast *a)
{
	const AstValue *v;
	size_t i, idx;

	switch (a->kind) {
	case AST_AND:
	case AST_OR:
		for (i = 0; i < a->bin.n; i++)
			mark_refs(c, a->bin.kids[i]);
		break;
	case AST_NOT:
		mark_refs(c, a->not_kid);
		break;
	case AST_MACRO:
		if (cc_lookup(c->macro_idx, a->macro.s, a->macro.len, &idx))
			c->macros[idx].used = true;
		break;
	case AST_CHECK:
		v = a->check.rhs;
		if (v && v->kind == AV_LISTREF &&
		    cc_lookup(c->list_idx, v->listref.s, v->listref.len, &idx))
			mark_list_used(c, idx, 0);
		if (v && v->kind == AV_LIST)
			for (i = 0; i < v->list.n; i++)
				if (!v->list.items[i].quoted &&
				    cc_lookup(c->list_idx, v->list.items[i].s, v->list.items[i].len,
					      &idx))
					mark_list_used(c, idx, 0);
		break;
	default:
		break;
	}
}

int expr_compiler_warn_unused(ExprCompiler *c)
{
	size_t i, idx;
	int r;

	for (i = 0; i < c->rs->nmacros; i++)
		if (c->macros[i].state > 0)
			mark_refs(c, c->macros[i].ast);
	for (i = 0; i < c->rs->nlists; i++) {
		/* lists already expanded for a rule: mark the lists they name */
		if (c->lists[i].used) {
			c->lists[i].used = false;
			mark_list_used(c, i, 0);
		}
	}

	/* Macros and lists only reached from other unused macros count as used, as in Falco. */
	for (i = 0; i < c->rs->nmacros; i++) {
		const MacroDef *m = &c->rs->macros[i];

		if (!cc_lookup(c->macro_idx, m->name, strlen(m->name), &idx) || idx != i)
			continue;
		if (!c->macros[i].used) {
			r = diags_add(c->d, DIAG_WARNING, &m->pos, c->macros[i].item,
				      "macro not referred to by any rule or macro");
			if (r < 0)
				return r;
		}
	}
	for (i = 0; i < c->rs->nlists; i++) {
		const ListDef *l = &c->rs->lists[i];

		if (!cc_lookup(c->list_idx, l->name, strlen(l->name), &idx) || idx != i)
			continue;
		if (!c->lists[i].used) {
			r = diags_add(c->d, DIAG_WARNING, &l->pos, c->lists[i].item,
				      "list not referred to by any rule, macro or list");
			if (r < 0)
				return r;
		}
	}
	return 0;
}
