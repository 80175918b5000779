// SPDX-License-Identifier: MIT
/*
 * Compilation of one check ("fd.name startswith /etc", "proc.pid in (1, 2)",
 * "tolower(proc.name) = val(proc.pname)"): the operand becomes a pool slot,
 * the operator is checked against the operand's type, the constants are
 * parsed into that type and turned into the structure the evaluator needs
 * (hash set, prefix trie, compiled regex).  evt.type and evt.dir checks are
 * special: they become event-type sets and constants.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event/event-info.h"
#include "event/flags.h"
#include "rules/compile-internal.h"
#include "rules/field-ext.h"

/* ---- operands ---- */

static void field_ref_done_cb(void *p)
{
	field_ref_done(p);
}

static unsigned edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	unsigned row[64], i, j;

	if (na >= 63 || nb >= 63)
		return 99;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		unsigned prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= nb; j++) {
			tmp = row[j];
			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1),
				     prev + (a[i - 1] == b[j - 1] ? 0u : 1u));
			prev = tmp;
		}
	}
	return row[nb];
}

static const char *suggest_field(const char *name, size_t n)
{
	size_t nf, i;
	const FieldDef *t = field_table(&nf), *best = NULL;
	unsigned bd = 3;

	for (i = 0; t && i < nf; i++) {
		unsigned d;

		if (t[i].flags & FF_HIDDEN)
			continue;
		d = edit_distance(name, n, t[i].name, strlen(t[i].name));
		if (d < bd) {
			bd = d;
			best = &t[i];
		}
	}
	return best ? best->name : NULL;
}

static ValSlot *new_slot(ExprCompiler *c, const char *key)
{
	ValSlot *s = arena_alloc(&c->pool->arena, sizeof(*s));

	if (!s)
		return NULL;
	s->name = arena_strndup(&c->pool->arena, key, strlen(key));
	if (!s->name)
		return NULL;
	return s;
}

static int compile_field(ExprCompiler *c, const AstValue *v, ValSlot **ret)
{
	const char *name = v->field.name.s, *arg = NULL;
	size_t n = v->field.name.len, arglen = 0;
	_cleanup_free_ char *key = NULL, *msg = NULL;
	const FieldDef *def;
	ValSlot *s;
	void *found;
	int r;

	if (v->field.has_arg) {
		arg = v->field.arg.s;
		arglen = v->field.arg.len;
	}
	def = field_lookup(name, n);
	if (!def) {
		/* evt.arg.flags: a field taking a name, with the name after a dot */
		size_t i;

		for (i = n; i > 0 && !def; i--) {
			const FieldDef *d;

			if (name[i - 1] != '.')
				continue;
			d = field_lookup(name, i - 1);
			if (d && (d->flags & FF_ARG_KEY)) {
				if (v->field.has_arg)
					return cc_fail(
						c, ERR_OTHER, v->src, v->off,
						"field '%.*s' has two arguments ('%s' and '[%s]')",
						(int)(i - 1), name, name + i, arg);
				def = d;
				arg = name + i;
				arglen = n - i;
			}
		}
	}
	if (!def) {
		const char *s2 = suggest_field(name, n);

		if (s2)
			return cc_fail(c, ERR_UNKNOWN, v->src, v->off,
				       "unknown field '%s' (did you mean '%s'?)", name, s2);
		return cc_fail(c, ERR_UNKNOWN, v->src, v->off, "unknown field '%s'", name);
	}
	if (arg)
		r = asprintf(&key, "%s[%.*s]", def->name, (int)arglen, arg);
	else
		r = asprintf(&key, "%s", def->name);
	if (r < 0)
		return -ENOMEM;
	if (strmap_get(c->pool->slots, key, strlen(key), &found)) {
		*ret = found;
		return 0;
	}
	if (arg && !(def->flags & (FF_ARG_REQUIRED | FF_ARG_ALLOWED)))
		return cc_fail(c, ERR_OTHER, v->src, v->off, "field '%s' does not take an argument",
			       def->name);
	if (!arg && (def->flags & FF_ARG_REQUIRED))
		return cc_fail(c, ERR_OTHER, v->src, v->off,
			       "field '%s' needs an argument, like %s[%s]", def->name, def->name,
			       (def->flags & FF_ARG_INDEX) ? "1" : "NAME");
	s = new_slot(c, key);
	if (!s)
		return -ENOMEM;
	r = field_ref_init(&s->ref, def, arg, arglen, &msg);
	if (r < 0) {
		if (r == -ENOMEM)
			return r;
		return cc_fail(c, ERR_OTHER, v->src, v->off, "%s",
			       msg ? msg : "invalid field argument");
	}
	r = arena_defer(&c->pool->arena, field_ref_done_cb, &s->ref);
	if (r < 0) {
		field_ref_done(&s->ref);
		return r;
	}
	s->def = def;
	s->type = def->type;
	s->multi = (def->flags & FF_MULTI) != 0;
	s->list = s->multi && (def->flags & FF_LIST) && !arg;
	r = strmap_put(c->pool->slots, key, strlen(key), s);
	if (r < 0)
		return r;
	if (def->flags & FF_DEPRECATED)
		cc_warn(c, v->src, v->off, "field '%s' is deprecated", def->name);
	*ret = s;
	return 0;
}

static bool is_stringish(FieldType t)
{
	return t == FT_STRING || t == FT_CHARBUF;
}

int expr_compile_operand(ExprCompiler *c, const AstValue *v, ValSlot **ret)
{
	_cleanup_free_ char *key = NULL;
	ValSlot *arg, *s;
	FieldType t;
	bool multi;
	void *found;
	int r;

	switch (v->kind) {
	case AV_FIELD:
		return compile_field(c, v, ret);
	case AV_VAL:
		return expr_compile_operand(c, v->val, ret);
	case AV_XFORM:
		break;
	default:
		return cc_fail(c, ERR_OTHER, v->src, v->off, "expected a field");
	}
	r = expr_compile_operand(c, v->xform.arg, &arg);
	if (r < 0)
		return r;
	t = arg->type;
	multi = arg->multi;
	switch (v->xform.kind) {
	case XF_TOLOWER:
	case XF_TOUPPER:
	case XF_BASENAME:
		if (!is_stringish(t))
			goto bad_type;
		break;
	case XF_B64:
		if (!is_stringish(t) && t != FT_BYTES)
			goto bad_type;
		break;
	case XF_LEN:
		if (!is_stringish(t) && t != FT_BYTES && !multi)
			goto bad_type;
		t = FT_UNUMBER;
		multi = false;
		break;
	default:
		return -EINVAL;
	}
	if (asprintf(&key, "%s(%s)", xform_name(v->xform.kind), arg->name) < 0)
		return -ENOMEM;
	if (strmap_get(c->pool->slots, key, strlen(key), &found)) {
		*ret = found;
		return 0;
	}
	s = new_slot(c, key);
	if (!s)
		return -ENOMEM;
	s->is_xform = true;
	s->xf = v->xform.kind;
	s->arg = arg;
	s->def = arg->def;
	s->type = t;
	s->multi = multi;
	s->list = multi && arg->list;
	r = strmap_put(c->pool->slots, key, strlen(key), s);
	if (r < 0)
		return r;
	*ret = s;
	return 0;

bad_type:
	return cc_fail(c, ERR_OTHER, v->src, v->off,
		       "transformer '%s' cannot be applied to '%s' of type %s",
		       xform_name(v->xform.kind), arg->name, field_type_name(t));
}

/* ---- expression nodes ---- */

Expr *cc_new_expr_kids(ExprCompiler *c, ExprKind kind, size_t nkids)
{
	Expr *e;

	if (c->nodes >= EXPR_MAX_NODES || nkids > EXPR_MAX_NODES)
		return NULL;
	/* children right behind the node: one less pointer to chase when evaluating */
	e = arena_alloc(&c->pool->node_arena, sizeof(*e) + nkids * sizeof(Expr *));
	if (e) {
		e->kind = kind;
		if (nkids) {
			e->kids = (Expr **)(e + 1);
			e->n = nkids;
		}
		c->nodes++;
	}
	return e;
}

Expr *cc_new_expr(ExprCompiler *c, ExprKind kind)
{
	return cc_new_expr_kids(c, kind, 0);
}

int cc_too_big(ExprCompiler *c, const AstSrc *src, size_t off)
{
	if (c->nodes >= EXPR_MAX_NODES)
		return cc_fail(c, ERR_OTHER, src, off,
			       "condition too large: more than %d checks after expanding macros",
			       EXPR_MAX_NODES);
	return -ENOMEM;
}

static unsigned type_classes(FieldType t)
{
	switch (t) {
	case FT_STRING:
	case FT_CHARBUF:
		return TC_STR;
	case FT_BYTES:
		return TC_BUF;
	case FT_NUMBER:
	case FT_UNUMBER:
	case FT_PORT:
	case FT_ABSTIME:
	case FT_RELTIME:
		return TC_NUM;
	case FT_FLAGS:
		return TC_NUM | TC_STR;
	case FT_BOOL:
		return TC_BOOL;
	case FT_IPADDR:
	case FT_IPNET:
		return TC_IP;
	default:
		return 0;
	}
}

static CmpClass base_class(FieldType t)
{
	switch (t) {
	case FT_STRING:
	case FT_CHARBUF:
		return CC_STR;
	case FT_BYTES:
		return CC_BUF;
	case FT_NUMBER:
		return CC_S64;
	case FT_BOOL:
		return CC_BOOL;
	case FT_IPADDR:
		return CC_IP;
	case FT_IPNET:
		return CC_NET;
	default:
		return CC_U64;
	}
}

static bool op_is_string_only(ExprOp op)
{
	return !(op_info(op)->types & TC_NUM);
}

static bool looks_numeric(const AstStr *s)
{
	int64_t i;
	uint64_t u;

	return literal_int64(s->s, s->len, &i) == 0 || literal_uint64(s->s, s->len, &u) == 0;
}

static void regfree_cb(void *p)
{
	regfree(p);
}

static void strset_free_cb(void *p)
{
	strset_free(p);
}

static void u64set_free_cb(void *p)
{
	u64set_free(p);
}

static void trie_free_cb(void *p)
{
	path_trie_free(p);
}

/* Falco's hint: a regex without special characters is better written with other operators. */
static void check_regex_simple(ExprCompiler *c, const AstStr *v)
{
	static const char special[] = ".+*?^$()[]{}|\\";
	size_t i, n = v->len;

	for (i = 0; i < n; i++) {
		if ((i == 0 && v->s[i] == '^') || (i == n - 1 && v->s[i] == '$'))
			continue;
		if (((i == 0 && n > 1) || i + 2 == n) && v->s[i] == '.' &&
		    strchr("+*?", v->s[i + 1])) {
			i++;
			continue;
		}
		if (strchr(special, v->s[i]))
			return;
	}
	cc_warn(c, v->src, v->off,
		"regex check with '%s' may be optimized with simpler operators such as '=', "
		"'contains', 'startswith', 'endswith'",
		v->s);
}

/* Falco's hint: a constant that is a field name was probably meant as val(field). */
static void check_value_is_field(ExprCompiler *c, const AstStr *v)
{
	if (v->quoted || !memchr(v->s, '.', v->len) || v->len > 200)
		return;
	if (field_lookup(v->s, v->len))
		cc_warn(c, v->src, v->off,
			"'%s' may be a valid field misused as a const string value: use val(%s) to "
			"compare with the field",
			v->s, v->s);
}

static int compile_regex(ExprCompiler *c, ExprCmp *x, const AstStr *v)
{
	_cleanup_free_ char *wrapped = NULL;
	regex_t probe;
	regex_t *re;
	char msg[128];
	int r;

	const char *why;

	/* Bound its size first: regcomp() itself has no limits. */
	if (regex_check(v->s, v->len, &why) < 0)
		return cc_fail(c, ERR_OTHER, v->src, v->off, "invalid regular expression '%s': %s",
			       v->s, why);
	/* Check the pattern as written, then anchor it: Falco matches the whole value. */
	r = regcomp(&probe, v->s, REG_EXTENDED | REG_NOSUB);
	if (r != 0) {
		regerror(r, &probe, msg, sizeof(msg));
		return cc_fail(c, ERR_OTHER, v->src, v->off, "invalid regular expression '%s': %s",
			       v->s, msg);
	}
	regfree(&probe);
	if (asprintf(&wrapped, "^(%s)$", v->s) < 0)
		return -ENOMEM;
	re = arena_alloc(&c->pool->arena, sizeof(*re));
	if (!re)
		return -ENOMEM;
	r = regcomp(re, wrapped, REG_EXTENDED | REG_NOSUB);
	if (r != 0) {
		regerror(r, re, msg, sizeof(msg));
		return cc_fail(c, ERR_OTHER, v->src, v->off, "invalid regular expression '%s': %s",
			       v->s, msg);
	}
	r = arena_defer(&c->pool->arena, regfree_cb, re);
	if (r < 0) {
		regfree(re);
		return r;
	}
	x->re = re;
	check_regex_simple(c, v);
	return 0;
}

static int const_fail(ExprCompiler *c, const ExprCmp *x, const AstStr *v, int err)
{
	const char *fn = x->lhs->name, *tn = field_type_name(x->lhs->type);

	switch (x->cls) {
	case CC_S64:
	case CC_U64:
		if (err == -ERANGE)
			return cc_fail(c, ERR_OTHER, v->src, v->off,
				       "'%s' is out of range for '%s' of type %s", v->s, fn, tn);
		return cc_fail(c, ERR_OTHER, v->src, v->off,
			       "'%s' is not a number ('%s' has type %s)", v->s, fn, tn);
	case CC_BOOL:
		return cc_fail(c, ERR_OTHER, v->src, v->off,
			       "'%s' is not a bool ('%s' has type bool): use true or false", v->s,
			       fn);
	case CC_IP:
		return cc_fail(
			c, ERR_OTHER, v->src, v->off,
			"invalid IP address '%s' for '%s' of type ipaddr%s", v->s, fn,
			memchr(v->s, '/', v->len) ? " (networks need a field of type ipnet)" : "");
	case CC_NET:
		return cc_fail(c, ERR_OTHER, v->src, v->off,
			       "invalid CIDR '%s' for '%s' of type ipnet (expected a network like "
			       "10.0.0.0/8)",
			       v->s, fn);
	case CC_BUF:
		return cc_fail(c, ERR_OTHER, v->src, v->off,
			       "'%s' is not a hex string: %s needs bytes written like 7f454c46",
			       v->s, op_name(x->op));
	default:
		return cc_fail(c, ERR_OTHER, v->src, v->off, "invalid value '%s'", v->s);
	}
}

/*
 * A number for a numeric check: decimal or hex, or for a raw flags argument
 * (evt.rawarg.flags) the names of its flag set, "O_RDWR|O_CREAT".
 */
static int parse_number(const ExprCmp *x, const AstStr *v, uint64_t *ret)
{
	enum saker_fmt_set set;
	int64_t s64;
	int r;

	if (x->cls == CC_S64) {
		r = literal_int64(v->s, v->len, &s64);
		if (r == 0)
			*ret = (uint64_t)s64;
	} else {
		r = literal_uint64(v->s, v->len, ret);
	}
	if (r != -EINVAL || x->lhs->is_xform)
		return r;
	set = field_ref_fmt_set(&x->lhs->ref);
	if (set == SAKER_FMT_NONE || flags_parse_name(set, v->s, ret) < 0)
		return r;
	return 0;
}

/* Parse the constants vals[] for check x (class already set). */
static int build_constants(ExprCompiler *c, ExprCmp *x, const StrVec *vals)
{
	bool list = x->op == OP_IN || x->op == OP_INTERSECTS;
	Arena *a = &c->pool->arena;
	size_t i;
	int r;

	if (x->op == OP_PMATCH) {
		_cleanup_(path_trie_freep) PathTrie *t = path_trie_new();

		if (!t)
			return -ENOMEM;
		for (i = 0; i < vals->n; i++) {
			r = path_trie_add(t, vals->v[i].s, vals->v[i].len);
			if (r == -E2BIG)
				return cc_fail(c, ERR_OTHER, vals->v[i].src, vals->v[i].off,
					       "path '%s' has more than %d components",
					       vals->v[i].s, PATH_TRIE_MAX_DEPTH);
			if (r < 0)
				return r;
		}
		r = arena_defer(a, trie_free_cb, t);
		if (r < 0)
			return r;
		x->trie = TAKE_PTR(t);
		return 0;
	}
	if (list && (x->cls == CC_STR || x->cls == CC_BUF || x->cls == CC_IP)) {
		_cleanup_(strset_freep) StrSet *set = strset_new();

		if (!set)
			return -ENOMEM;
		for (i = 0; i < vals->n; i++) {
			const AstStr *v = &vals->v[i];

			if (x->cls == CC_IP) {
				unsigned char key[17];
				IpAddr ip;

				r = literal_ip(v->s, v->len, &ip);
				if (r < 0)
					return const_fail(c, x, v, r);
				r = strset_add(set, key, ip_key(&ip, key));
			} else {
				r = strset_add(set, v->s, v->len);
			}
			if (r < 0)
				return r;
		}
		r = arena_defer(a, strset_free_cb, set);
		if (r < 0)
			return r;
		x->set = TAKE_PTR(set);
		return 0;
	}
	if (list && x->cls == CC_NET) {
		x->nets = arena_alloc_array(a, vals->n, sizeof(IpAddr));
		if (!x->nets && vals->n)
			return -ENOMEM;
		for (i = 0; i < vals->n; i++) {
			r = literal_cidr(vals->v[i].s, vals->v[i].len, &x->nets[i]);
			if (r < 0)
				return const_fail(c, x, &vals->v[i], r);
		}
		x->nnets = vals->n;
		return 0;
	}
	if (list) {
		_cleanup_(u64set_freep) U64Set *set = u64set_new();

		if (!set)
			return -ENOMEM;
		for (i = 0; i < vals->n; i++) {
			const AstStr *v = &vals->v[i];
			uint64_t u = 0;

			if (x->cls == CC_S64 || x->cls == CC_U64) {
				r = parse_number(x, v, &u);
			} else {
				bool b = false;

				r = literal_bool(v->s, v->len, &b);
				u = b;
			}
			if (r < 0)
				return const_fail(c, x, v, r);
			r = u64set_add(set, u);
			if (r < 0)
				return r;
		}
		r = arena_defer(a, u64set_free_cb, set);
		if (r < 0)
			return r;
		x->nset = TAKE_PTR(set);
		return 0;
	}

	/* A single value. */
	if (vals->n != 1)
		return -EINVAL;
	{
		const AstStr *v = &vals->v[0];
		bool b = false;

		switch (x->cls) {
		case CC_STR:
			if (x->op == OP_REGEX)
				return compile_regex(c, x, v);
			{
				/* the pool outlives the syntax tree: copy the constant */
				char *cp = arena_strndup(a, v->s, v->len);
				size_t k;

				if (!cp)
					return -ENOMEM;
				if (x->op == OP_ICONTAINS)
					for (k = 0; k < v->len; k++)
						if (cp[k] >= 'A' && cp[k] <= 'Z')
							cp[k] = (char)(cp[k] + 32);
				x->str = cp;
				x->len = v->len;
			}
			return 0;
		case CC_BUF:
			if (x->op == OP_BCONTAINS || x->op == OP_BSTARTSWITH) {
				_cleanup_free_ char *bytes = NULL;
				size_t blen;

				r = literal_unhex(v->s, v->len, &bytes, &blen);
				if (r == -ENOMEM)
					return r;
				if (r < 0)
					return const_fail(c, x, v, r);
				x->str = arena_strndup(a, bytes, blen);
				if (!x->str)
					return -ENOMEM;
				x->len = blen;
				return 0;
			}
			x->str = arena_strndup(a, v->s, v->len);
			if (!x->str)
				return -ENOMEM;
			x->len = v->len;
			return 0;
		case CC_S64:
		case CC_U64:
			r = parse_number(x, v, &x->num);
			break;
		case CC_BOOL:
			r = literal_bool(v->s, v->len, &b);
			x->num = b;
			break;
		case CC_IP:
			r = literal_ip(v->s, v->len, &x->ip);
			break;
		case CC_NET:
			r = literal_cidr(v->s, v->len, &x->ip);
			break;
		default:
			return -EINVAL;
		}
		if (r < 0)
			return const_fail(c, x, v, r);
	}
	return 0;
}

/* Class of a field compared with another field; -1 when they cannot be compared. */
static int rhs_class(CmpClass lc, FieldType lt, FieldType rt)
{
	unsigned rtc = type_classes(rt);

	if (lt == FT_FLAGS)
		return (rtc & TC_NUM) ? CC_U64 : (rtc & TC_STR) ? CC_STR : -1;
	switch (lc) {
	case CC_STR:
		return (rtc & TC_STR) ? CC_STR : -1;
	case CC_BUF:
		return (rtc & (TC_BUF | TC_STR)) ? CC_BUF : -1;
	case CC_S64:
	case CC_U64:
		return (rtc & TC_NUM) ? (int)lc : -1;
	case CC_BOOL:
		return rt == FT_BOOL ? CC_BOOL : -1;
	case CC_IP:
		return rt == FT_IPADDR ? CC_IP : -1;
	default:
		return -1;
	}
}

static bool is_plain_field(const AstValue *v, const char *name)
{
	return v->kind == AV_FIELD && !v->field.has_arg && strcmp(v->field.name.s, name) == 0;
}

static bool is_constant(const AstValue *v)
{
	return v && (v->kind == AV_STRING || v->kind == AV_LIST || v->kind == AV_LISTREF);
}

/* evt.type = / != / in: a set of event types, tested without extracting anything. */
static int compile_evttype(ExprCompiler *c, const Ast *a, Expr **ret)
{
	_cleanup_free_ AstStr *vals = NULL;
	StrVec sv = { 0 };
	EvtTypeSet *set;
	Expr *e;
	size_t i;
	int r;

	r = cc_rhs_values(c, a->check.rhs, &sv);
	vals = sv.v;
	if (r < 0)
		return r;
	set = arena_alloc(&c->pool->node_arena, sizeof(*set));
	if (!set)
		return -ENOMEM;
	for (i = 0; i < sv.n; i++) {
		int t = event_type_from_name(sv.v[i].s);

		if (t >= 0)
			evtset_add(set, (unsigned)t);
		else if (evttype_known_to_falco(sv.v[i].s))
			cc_warn(c, sv.v[i].src, sv.v[i].off,
				"event type '%s' is not captured by saker: this check never matches it",
				sv.v[i].s);
		else
			return cc_fail(c, ERR_UNKNOWN, sv.v[i].src, sv.v[i].off,
				       "unknown event type '%s'", sv.v[i].s);
	}
	if (a->check.op == OP_NE) {
		EvtTypeSet all;

		evtset_fill(&all);
		for (i = 0; i < SAKER_EVT_BITMAP_WORDS; i++)
			set->bits[i] = all.bits[i] & ~set->bits[i];
	}
	e = cc_new_expr(c, EX_EVTTYPE);
	if (!e)
		return cc_too_big(c, a->src, a->off);
	e->evts = set;
	*ret = e;
	return 0;
}

/* evt.dir: every saker event is an exit event ('<'). */
static int compile_evtdir(ExprCompiler *c, const Ast *a, Expr **ret)
{
	_cleanup_free_ AstStr *vals = NULL;
	StrVec sv = { 0 };
	bool exit_dir = false;
	size_t i;
	int r;

	r = cc_rhs_values(c, a->check.rhs, &sv);
	vals = sv.v;
	if (r < 0)
		return r;
	for (i = 0; i < sv.n; i++) {
		if (sv.v[i].len == 1 && sv.v[i].s[0] == '<')
			exit_dir = true;
		else if (sv.v[i].len == 1 && sv.v[i].s[0] == '>')
			cc_warn(c, sv.v[i].src, sv.v[i].off,
				"evt.dir '>' never matches: saker sees only exit events ('<')");
		else
			return cc_fail(c, ERR_OTHER, sv.v[i].src, sv.v[i].off,
				       "invalid event direction '%s': use '<' or '>'", sv.v[i].s);
	}
	if (a->check.op == OP_NE)
		exit_dir = !exit_dir;
	*ret = exit_dir ? &cc_expr_true : &cc_expr_false;
	return 0;
}

/*
 * Domain names (fd.sip.name ...) have lower-case values without a trailing
 * dot: fold the constants compared with them alike, so that rules match
 * names case-insensitively.  Regular expressions are left as written.
 */
static int fold_domain_names(ExprCompiler *c, ExprOp op, StrVec *sv)
{
	bool equality = op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS;
	size_t i, j;

	if (op == OP_REGEX)
		return 0;
	for (i = 0; i < sv->n; i++) {
		AstStr *v = &sv->v[i];
		size_t len = v->len;
		char *s;

		if (equality && len > 1 && v->s[len - 1] == '.')
			len--;
		s = arena_strndup(&c->arena, v->s, len);
		if (!s)
			return -ENOMEM;
		for (j = 0; j < len; j++)
			if (s[j] >= 'A' && s[j] <= 'Z')
				s[j] = (char)(s[j] + 32);
		v->s = s;
		v->len = len;
	}
	return 0;
}

int cc_check(ExprCompiler *c, const Ast *a, Expr **ret)
{
	const AstValue *lhs = a->check.lhs, *rhs = a->check.rhs;
	_cleanup_free_ AstStr *vals = NULL;
	ExprOp op = a->check.op;
	const OpInfo *oi = op_info(op);
	StrVec sv = { 0 };
	ExprCmp *x;
	ValSlot *ls;
	Expr *e;
	size_t i;
	int r;

	if (is_plain_field(lhs, "evt.type")) {
		if (op == OP_EXISTS) {
			*ret = &cc_expr_true;
			return 0;
		}
		if ((op == OP_EQ || op == OP_NE || op == OP_IN) && is_constant(rhs))
			return compile_evttype(c, a, ret);
	}
	if (is_plain_field(lhs, "evt.dir")) {
		if (op == OP_EXISTS) {
			*ret = &cc_expr_true;
			return 0;
		}
		if ((op == OP_EQ || op == OP_NE || op == OP_IN) && is_constant(rhs))
			return compile_evtdir(c, a, ret);
	}

	r = expr_compile_operand(c, lhs, &ls);
	if (r < 0)
		return r;
	if (!(oi->types & type_classes(ls->type)))
		return cc_fail(c, ERR_OTHER, a->src, a->check.op_off,
			       "operator '%s' is not supported by %s'%s' of type %s", oi->text,
			       lhs->kind == AV_FIELD ? "field " : "", ls->name,
			       field_type_name(ls->type));
	if (ls->list && op != OP_IN && op != OP_INTERSECTS && op != OP_EXISTS)
		return cc_fail(c, ERR_OTHER, a->src, a->check.op_off,
			       "operator '%s' is not supported by '%s', a list of values: use in, "
			       "intersects or exists",
			       oi->text, ls->name);
	x = arena_alloc(&c->pool->node_arena, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->op = op;
	x->all = ls->list && op == OP_IN;
	x->lhs = ls;
	x->cls = base_class(ls->type);

	if (op == OP_EXISTS) {
		/* nothing to compare */
	} else if (!rhs) {
		return -EINVAL;
	} else if (!is_constant(rhs)) {
		ValSlot *rs;
		int cls;

		if (!oi->rhs_field)
			return cc_fail(c, ERR_OTHER, rhs->src, rhs->off,
				       "operator '%s' does not accept a field on its right side",
				       oi->text);
		if (x->cls == CC_NET)
			return cc_fail(c, ERR_OTHER, rhs->src, rhs->off,
				       "'%s' of type ipnet cannot be compared with a field",
				       ls->name);
		r = expr_compile_operand(c, rhs, &rs);
		if (r < 0)
			return r;
		cls = rhs_class(x->cls, ls->type, rs->type);
		if (cls < 0)
			return cc_fail(
				c, ERR_OTHER, rhs->src, rhs->off,
				"'%s' has type %s while the right side '%s' has the incompatible "
				"type %s",
				ls->name, field_type_name(ls->type), rs->name,
				field_type_name(rs->type));
		if (ls->type == FT_FLAGS && op_is_string_only(op))
			cls = CC_STR;
		x->cls = (CmpClass)cls;
		x->rhs = rs;
	} else {
		r = cc_rhs_values(c, rhs, &sv);
		vals = sv.v;
		if (r < 0)
			return r;
		if (!op_is_list(op) && sv.n != 1)
			return cc_fail(c, ERR_OTHER, rhs->src, rhs->off,
				       "operator '%s' compares with one value, not a list",
				       oi->text);
		if (ls->type == FT_FLAGS) {
			/* flags compare as numbers with numbers, as their rendered text otherwise */
			bool numeric = !op_is_string_only(op) && sv.n > 0;

			for (i = 0; i < sv.n && numeric; i++)
				numeric = looks_numeric(&sv.v[i]);
			x->cls = numeric ? CC_U64 : CC_STR;
		}
		if (x->cls == CC_STR)
			for (i = 0; i < sv.n && i < 1000; i++)
				check_value_is_field(c, &sv.v[i]);
		if (x->cls == CC_STR && !ls->is_xform && field_is_dns_name(ls->def)) {
			r = fold_domain_names(c, op, &sv);
			if (r < 0)
				return r;
		}
		r = build_constants(c, x, &sv);
		if (r < 0)
			return r;
		if (op_is_list(op) && sv.n == 0) {
			/* "in ()" is false for every event, with or without a value */
			*ret = &cc_expr_false;
			return 0;
		}
	}
	e = cc_new_expr(c, EX_CMP);
	if (!e)
		return cc_too_big(c, a->src, a->off);
	e->cmp = x;
	*ret = e;
	return 0;
}
