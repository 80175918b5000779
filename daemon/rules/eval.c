// SPDX-License-Identifier: MIT
/*
 * The evaluator: walks a compiled expression for one event.  It allocates
 * nothing but what transformers need from the EvalCtx arena; each field is
 * extracted at most once per event (the pool's cache), a macro shared by
 * many rules is evaluated once per event, "and"/"or" stop at the first
 * child that decides, sets and tries answer "in" and "pmatch".
 *
 * Semantics (Falco's): a check whose field has no value (<NA>) is false,
 * whatever the operator; a field with several values (FF_MULTI, e.g.
 * proc.aname without an index) matches when any value does, except "in" on
 * a list field (FF_LIST, fd.types) which needs every value in the list.  With a field
 * on the right side, "in"/"intersects" look for the left value among all
 * right values, other operators compare with the first right value.
 * Regex matching (POSIX regexec) is the one operator that may allocate
 * inside libc.
 */
#include <string.h>

#include "rules/expr-internal.h"

static inline unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static inline unsigned char upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
}

static inline const char *vstr(const FieldValue *v)
{
	return v->str ? v->str : "";
}

static int b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 decode, padding optional; false on a character outside the alphabet. */
static bool b64_decode(const char *s, size_t n, char *out, size_t *ret_len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, o = 0;

	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return false;
	for (i = 0; i < n; i++) {
		int d = b64_digit((unsigned char)s[i]);

		if (d < 0)
			return false;
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits);
		}
	}
	*ret_len = o;
	return true;
}

static bool apply_xform(ValSlot *s, const FieldValues *in, EvalCtx *ctx)
{
	FieldValues *out = &s->vals;
	size_t i, j;

	if (s->xf == XF_LEN && s->arg->multi) {
		out->n = 1;
		out->v[0] = (FieldValue){ .type = FT_UNUMBER, .unum = in->n };
		return true;
	}
	out->n = 0;
	for (i = 0; i < in->n; i++) {
		const FieldValue *v = &in->v[i];
		const char *src = vstr(v);
		FieldValue *o = &out->v[out->n];
		size_t len = v->len;
		char *buf;

		*o = (FieldValue){ .type = s->type };
		switch (s->xf) {
		case XF_TOLOWER:
		case XF_TOUPPER:
			buf = eval_alloc(ctx, len + 1);
			if (!buf)
				return false;
			for (j = 0; j < len; j++)
				buf[j] = (char)(s->xf == XF_TOLOWER ? lower((unsigned char)src[j]) :
								      upper((unsigned char)src[j]));
			buf[len] = 0;
			o->str = buf;
			o->len = len;
			break;
		case XF_BASENAME: {
			const char *slash = memrchr(src, '/', len);

			/* a suffix of a NUL-terminated string is NUL-terminated */
			o->str = slash ? slash + 1 : src;
			o->len = slash ? len - (size_t)(slash + 1 - src) : len;
			break;
		}
		case XF_B64:
			buf = eval_alloc(ctx, len / 4 * 3 + 4);
			if (!buf)
				return false;
			while (len && src[len - 1] == 0)
				len--;
			if (!b64_decode(src, len, buf, &o->len))
				return false; /* not base64: no value, as in Falco */
			buf[o->len] = 0;
			o->str = buf;
			break;
		case XF_LEN:
			o->unum = len;
			break;
		default:
			return false;
		}
		out->n++;
	}
	return out->n > 0;
}

const FieldValues *slot_get(ExprPool *p, ValSlot *s, EvalCtx *ctx)
{
	if (s->serial == p->serial)
		return s->ok ? &s->vals : NULL;
	s->serial = p->serial;
	s->ok = false;
	if (s->is_xform) {
		const FieldValues *in = slot_get(p, s->arg, ctx);

		if (in)
			s->ok = apply_xform(s, in, ctx);
	} else {
		s->vals.n = 0;
		s->ok = field_extract(&s->ref, ctx, &s->vals) >= 0 && s->vals.n > 0;
		if (s->vals.n > FIELD_MAX_VALUES)
			s->vals.n = FIELD_MAX_VALUES;
	}
	return s->ok ? &s->vals : NULL;
}

static inline int memcmp_len(const char *a, size_t na, const char *b, size_t nb)
{
	int r = memcmp(a, b, na < nb ? na : nb);

	if (r)
		return r;
	return (na > nb) - (na < nb);
}

/* String and buffer operators, value s[0..n) against constant c[0..cn). */
static bool cmp_str(const ExprCmp *x, ExprOp op, const char *s, size_t n, const char *c, size_t cn,
		    bool c_is_lower)
{
	switch (op) {
	case OP_EQ:
		return n == cn && memcmp(s, c, n) == 0;
	case OP_NE:
		return !(n == cn && memcmp(s, c, n) == 0);
	case OP_LT:
		return memcmp_len(s, n, c, cn) < 0;
	case OP_LE:
		return memcmp_len(s, n, c, cn) <= 0;
	case OP_GT:
		return memcmp_len(s, n, c, cn) > 0;
	case OP_GE:
		return memcmp_len(s, n, c, cn) >= 0;
	case OP_CONTAINS:
	case OP_BCONTAINS:
		return cn == 0 || memmem(s, n, c, cn) != NULL;
	case OP_ICONTAINS:
		if (!c_is_lower) {
			/* a field on the right side: fold both */
			size_t i, j;

			if (!cn)
				return true;
			for (i = 0; i + cn <= n; i++) {
				for (j = 0; j < cn; j++)
					if (lower((unsigned char)s[i + j]) !=
					    lower((unsigned char)c[j]))
						break;
				if (j == cn)
					return true;
			}
			return false;
		}
		return icase_contains(s, n, c, cn);
	case OP_STARTSWITH:
	case OP_BSTARTSWITH:
		return n >= cn && memcmp(s, c, cn) == 0;
	case OP_ENDSWITH:
		return n >= cn && memcmp(s + n - cn, c, cn) == 0;
	case OP_GLOB:
		return glob_match(c, cn, s, n, false);
	case OP_IGLOB:
		return glob_match(c, cn, s, n, true);
	case OP_PMATCH:
		return x->trie && path_trie_match(x->trie, s, n);
	case OP_REGEX: {
		regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t)n };

		return x->re && regexec(x->re, s, 1, &m, REG_STARTEND) == 0;
	}
	case OP_IN:
	case OP_INTERSECTS:
		return x->set && strset_contains(x->set, s, n);
	default:
		return false;
	}
}

static inline bool cmp_num(ExprOp op, uint64_t a, uint64_t b, bool is_signed)
{
	int c;

	if (is_signed)
		c = ((int64_t)a > (int64_t)b) - ((int64_t)a < (int64_t)b);
	else
		c = (a > b) - (a < b);
	switch (op) {
	case OP_EQ:
	case OP_IN:
	case OP_INTERSECTS:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	case OP_GE:
		return c >= 0;
	default:
		return false;
	}
}

static inline uint64_t vnum(const FieldValue *v, CmpClass cls)
{
	if (cls == CC_BOOL)
		return v->b;
	return v->unum; /* num and unum share storage; the class says how to read it */
}

static bool ip_equal(const IpAddr *a, const IpAddr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

/* One value against the constants of x. */
static bool cmp_const(const ExprCmp *x, const FieldValue *v)
{
	size_t i;

	switch (x->cls) {
	case CC_STR:
	case CC_BUF:
		return cmp_str(x, x->op, vstr(v), v->len, x->str, x->len, true);
	case CC_S64:
	case CC_U64:
	case CC_BOOL:
		if (x->op == OP_IN || x->op == OP_INTERSECTS)
			return u64set_contains(x->nset, vnum(v, x->cls));
		return cmp_num(x->op, vnum(v, x->cls), x->num, x->cls == CC_S64);
	case CC_IP:
		if (x->op == OP_IN || x->op == OP_INTERSECTS) {
			unsigned char key[17];

			return strset_contains(x->set, key, ip_key(&v->ip, key));
		}
		/* an address of the other family is neither equal nor different */
		if (v->ip.family != x->ip.family)
			return false;
		return ip_equal(&v->ip, &x->ip) == (x->op == OP_EQ);
	case CC_NET:
		if (x->op == OP_IN || x->op == OP_INTERSECTS) {
			for (i = 0; i < x->nnets; i++)
				if (ip_in_net(&v->ip, &x->nets[i]))
					return true;
			return false;
		}
		if (v->ip.family != x->ip.family)
			return false;
		return ip_in_net(&v->ip, &x->ip) == (x->op == OP_EQ);
	}
	return false;
}

/* One left value against the right field's values. */
static bool cmp_field(const ExprCmp *x, const FieldValue *v, const FieldValues *rv)
{
	bool list = x->op == OP_IN || x->op == OP_INTERSECTS;
	ExprOp op = list ? OP_EQ : x->op;
	size_t i, n = list ? rv->n : 1;

	for (i = 0; i < n; i++) {
		const FieldValue *r = &rv->v[i];
		bool m;

		switch (x->cls) {
		case CC_STR:
		case CC_BUF:
			m = cmp_str(x, op, vstr(v), v->len, vstr(r), r->len, false);
			break;
		case CC_S64:
		case CC_U64:
		case CC_BOOL:
			m = cmp_num(op, vnum(v, x->cls), vnum(r, x->cls), x->cls == CC_S64);
			break;
		case CC_IP:
			m = v->ip.family == r->ip.family &&
			    ip_equal(&v->ip, &r->ip) == (op == OP_EQ);
			break;
		default:
			m = false;
		}
		if (m)
			return true;
	}
	return false;
}

/* slot_get with the cached case inline: most fields are read by several checks */
static inline const FieldValues *slot_vals(ExprPool *p, ValSlot *s, EvalCtx *ctx)
{
	if (s->serial == p->serial)
		return s->ok ? &s->vals : NULL;
	return slot_get(p, s, ctx);
}

/* Out of line: keeps expr_eval small, so walking "and"/"or" nodes stays cheap. */
static __attribute__((noinline)) bool eval_cmp(const ExprCmp *x, ExprPool *p, EvalCtx *ctx)
{
	const FieldValues *lv = slot_vals(p, x->lhs, ctx), *rv = NULL;
	size_t i;

	if (!lv)
		return false;
	if (x->op == OP_EXISTS)
		return true;
	if (lv->n == 1 && !x->rhs)
		return cmp_const(x, &lv->v[0]);
	if (x->rhs) {
		rv = slot_vals(p, x->rhs, ctx);
		if (!rv)
			return false;
	}
	/* any value matching decides, or with x->all any value failing */
	for (i = 0; i < lv->n; i++)
		if ((rv ? cmp_field(x, &lv->v[i], rv) : cmp_const(x, &lv->v[i])) != x->all)
			return !x->all;
	return x->all;
}

bool expr_eval(const Expr *e, ExprPool *p, EvalCtx *ctx)
{
	size_t i;
	bool v;

	switch (e->kind) {
	case EX_FALSE:
		return false;
	case EX_TRUE:
		return true;
	case EX_AND:
		for (i = 0; i < e->n; i++)
			if (!expr_eval(e->kids[i], p, ctx))
				return false;
		return true;
	case EX_OR:
		for (i = 0; i < e->n; i++)
			if (expr_eval(e->kids[i], p, ctx))
				return true;
		return false;
	case EX_NOT:
		return !expr_eval(e->kid, p, ctx);
	case EX_CMP:
		return eval_cmp(e->cmp, p, ctx);
	case EX_EVTTYPE:
		return ctx->evt && evtset_has(e->evts, ctx->evt->type);
	case EX_MEMO:
		if (e->memo_serial == p->serial)
			return e->memo_value;
		v = expr_eval(e->kid, p, ctx);
		/* the tree is shared and read-only except for these two words */
		((Expr *)e)->memo_value = v;
		((Expr *)e)->memo_serial = p->serial;
		return v;
	}
	return false;
}
