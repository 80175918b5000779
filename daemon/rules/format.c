// SPDX-License-Identifier: MIT
/*
 * Output formats.  See format.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/expr-internal.h"
#include "rules/format.h"

typedef struct FormatToken {
	const char *lit; /* literal text (slot == NULL && !empty) */
	size_t len;
	ValSlot *slot;
	unsigned width; /* 0: as is */
} FormatToken;

struct Format {
	FormatToken *tokens;
	size_t ntokens;
	const char **names; /* output field names, unique, in order */
	ValSlot **slots; /* their values */
	size_t nnames;
};

size_t format_nfields(const Format *f)
{
	return f->nnames;
}

const char *format_field_name(const Format *f, size_t i)
{
	return i < f->nnames ? f->names[i] : NULL;
}

typedef struct Builder {
	ExprCompiler *c;
	Arena *arena; /* the pool's: the format lives as long as the pool */
	const SrcText *text;
	const char *item;
	FormatToken *tokens;
	size_t ntokens, cap;
	const char **names;
	ValSlot **slots;
	size_t nnames, cap_names;
} Builder;

static void builder_done(Builder *b)
{
	free(b->tokens);
	free(b->names);
	free(b->slots);
}

static int add_token(Builder *b, const FormatToken *t)
{
	if (b->ntokens == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 8;
		FormatToken *nt = reallocarray(b->tokens, nc, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		b->tokens = nt;
		b->cap = nc;
	}
	b->tokens[b->ntokens++] = *t;
	return 0;
}

static int add_literal(Builder *b, const char *s, size_t n)
{
	FormatToken t = { .lit = s, .len = n };

	if (!n)
		return 0;
	/* merge with a literal just before ("%%" splits literals) */
	if (b->ntokens && !b->tokens[b->ntokens - 1].slot &&
	    b->tokens[b->ntokens - 1].lit + b->tokens[b->ntokens - 1].len == s) {
		b->tokens[b->ntokens - 1].len += n;
		return 0;
	}
	return add_token(b, &t);
}

static int add_name(Builder *b, const char *name, ValSlot *slot)
{
	size_t i;

	for (i = 0; i < b->nnames; i++)
		if (strcmp(b->names[i], name) == 0)
			return 0;
	if (b->nnames == b->cap_names) {
		size_t nc = b->cap_names ? b->cap_names * 2 : 8;
		const char **nn = reallocarray(b->names, nc, sizeof(*nn));
		ValSlot **ns;

		if (!nn)
			return -ENOMEM;
		b->names = nn;
		ns = reallocarray(b->slots, nc, sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		b->slots = ns;
		b->cap_names = nc;
	}
	b->names[b->nnames] = arena_strndup(b->arena, name, strlen(name));
	if (!b->names[b->nnames])
		return -ENOMEM;
	b->slots[b->nnames++] = slot;
	return 0;
}

static int fail(Builder *b, const AstSrc *src, size_t off, const char *msg)
{
	int r = expr_compiler_report(b->c, DIAG_ERROR, src, off, "%s", msg);

	return r < 0 ? r : -EINVAL;
}

static bool is_container_info(const AstValue *v)
{
	return v->kind == AV_FIELD && !v->field.has_arg &&
	       strcmp(v->field.name.s, "container.info") == 0 &&
	       !field_lookup("container.info", 14);
}

/*
 * One "%..." token; s[pct] is the '%'.  On success *ret_end
 * is where the literal text continues.
 */
static int parse_token(Builder *b, const char *s, size_t len, size_t pct, size_t *ret_end)
{
	Arena *ca = expr_compiler_arena(b->c);
	FormatToken t = { 0 };
	size_t i = pct + 1, start, tlen, used;
	AstSrc *src;
	AstValue *v, *inner;
	ParseError pe;
	bool paren = false;
	int r;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (t.width < 10000)
			t.width = t.width * 10 + (unsigned)(s[i] - '0');
		i++;
	}
	if (t.width > 4096)
		t.width = 4096;
	start = i;
	tlen = len - i;
	if (i < len && s[i] == '(') {
		size_t depth = 1, j;

		for (j = i + 1; j < len && depth; j++) {
			if (s[j] == '(')
				depth++;
			else if (s[j] == ')')
				depth--;
		}
		src = arena_alloc(ca, sizeof(*src));
		if (!src)
			return -ENOMEM;
		src->text = b->text;
		src->item = b->item;
		if (depth)
			return fail(b, src, i,
				    "unbalanced parenthesis in output: '%(' is never closed");
		paren = true;
		start = i + 1;
		tlen = j - 1 - start;
	}
	src = arena_alloc(ca, sizeof(*src));
	if (!src)
		return -ENOMEM;
	src->text = b->text;
	src->text_off = start;
	src->item = b->item;
	if (start >= len || (!paren && i == len))
		return fail(b, src, 0, "output ends with '%': expected a field name after it");
	r = ast_parse_operand(ca, src, s + start, tlen, &v, &used, &pe);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fail(b, src, pe.off, pe.msg);
	if (paren) {
		while (used < tlen && lex_is_blank((unsigned char)s[start + used]))
			used++;
		if (used != tlen)
			return fail(b, src, used,
				    "unexpected text inside '%(...)' after the field");
		*ret_end = start + tlen + 1;
	} else {
		*ret_end = start + used;
	}
	if (is_container_info(v))
		return 0; /* Falco 0.44 expands it to nothing */
	r = expr_compile_operand(b->c, v, &t.slot);
	if (r < 0)
		return r;
	r = add_token(b, &t);
	if (r < 0)
		return r;
	inner = (AstValue *)v;
	while (inner->kind == AV_XFORM)
		inner = inner->xform.arg;
	{
		_cleanup_free_ char *name = ast_operand_text(inner);
		ValSlot *slot = t.slot;

		if (!name)
			return -ENOMEM;
		/* A transformer is not an output field; the field inside it is. */
		if (inner != v) {
			r = expr_compile_operand(b->c, inner, &slot);
			if (r < 0)
				return r;
		}
		r = add_name(b, name, slot);
	}
	return r;
}

int format_compile(ExprCompiler *c, const SrcText *text, const char *item, bool skip_unknown,
		   Format **ret)
{
	Builder b = { .c = c, .arena = &expr_compiler_pool(c)->arena, .text = text, .item = item };
	const char *s = text->text ? text->text : "";
	size_t len = text->len, i = 0, lit = 0, ntok = 0;
	int r = 0;

	expr_compiler_begin(c, item, skip_unknown);
	if (len && s[0] == '*')
		lit = i = 1;
	while (i < len) {
		size_t end;

		if (s[i] != '%') {
			i++;
			continue;
		}
		r = add_literal(&b, s + lit, i - lit);
		if (r < 0)
			goto out;
		if (i + 1 < len && s[i + 1] == '%') {
			r = add_literal(&b, s + i, 1);
			if (r < 0)
				goto out;
			i += 2;
			lit = i;
			continue;
		}
		if (++ntok > FORMAT_MAX_TOKENS) {
			AstSrc src = { .text = text, .item = item };

			r = fail(&b, &src, i, "output has more than 1024 fields");
			goto out;
		}
		r = parse_token(&b, s, len, i, &end);
		if (r < 0)
			goto out;
		i = lit = end;
	}
	r = add_literal(&b, s + lit, len - lit);
	if (r >= 0)
		r = 0;
	if (r >= 0) {
		/* literal tokens point into text: copy them into the pool */
		size_t k;

		for (k = 0; k < b.ntokens && r >= 0; k++)
			if (!b.tokens[k].slot) {
				b.tokens[k].lit =
					arena_strndup(b.arena, b.tokens[k].lit, b.tokens[k].len);
				if (!b.tokens[k].lit)
					r = -ENOMEM;
			}
	}
	if (r >= 0) {
		Format *f = arena_alloc(b.arena, sizeof(*f));

		if (!f) {
			r = -ENOMEM;
			goto out;
		}
		if (b.ntokens) {
			f->tokens = arena_alloc_array(b.arena, b.ntokens, sizeof(FormatToken));
			if (!f->tokens) {
				r = -ENOMEM;
				goto out;
			}
			memcpy(f->tokens, b.tokens, b.ntokens * sizeof(FormatToken));
		}
		f->ntokens = b.ntokens;
		if (b.nnames) {
			f->names = arena_alloc_array(b.arena, b.nnames, sizeof(char *));
			f->slots = arena_alloc_array(b.arena, b.nnames, sizeof(ValSlot *));
			if (!f->names || !f->slots) {
				r = -ENOMEM;
				goto out;
			}
			memcpy(f->names, b.names, b.nnames * sizeof(char *));
			memcpy(f->slots, b.slots, b.nnames * sizeof(ValSlot *));
		}
		f->nnames = b.nnames;
		*ret = f;
	}
out:
	builder_done(&b);
	return r;
}

int field_value_render(const FieldValue *v, FieldType type, StrBuf *sb)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	switch (type) {
	case FT_STRING:
	case FT_CHARBUF:
		return strbuf_append(sb, v->str ? v->str : "", v->str ? v->len : 0);
	case FT_BYTES:
		for (i = 0; v->str && i < v->len; i++) {
			unsigned char c = (unsigned char)v->str[i];
			int r = strbuf_putc(sb, c >= 32 && c < 127 ? (char)c : '.');

			if (r < 0)
				return r;
		}
		return 0;
	case FT_NUMBER:
		return strbuf_printf(sb, "%" PRId64, v->num);
	case FT_FLAGS:
		if (v->str)
			return strbuf_append(sb, v->str, v->len);
		return strbuf_printf(sb, "%" PRIu64, v->unum);
	case FT_BOOL:
		return strbuf_puts(sb, v->b ? "true" : "false");
	case FT_IPADDR:
	case FT_IPNET:
		if (!inet_ntop(v->ip.family == 6 ? AF_INET6 : AF_INET, v->ip.addr, buf,
			       sizeof(buf)))
			return strbuf_puts(sb, FORMAT_NA);
		if (type == FT_IPNET && v->ip.prefix &&
		    v->ip.prefix < (v->ip.family == 6 ? 128 : 32))
			return strbuf_printf(sb, "%s/%u", buf, v->ip.prefix);
		return strbuf_puts(sb, buf);
	default: /* UNUMBER, PORT, ABSTIME, RELTIME */
		return strbuf_printf(sb, "%" PRIu64, v->unum);
	}
}

int field_values_render(const FieldValues *vals, FieldType type, bool multi, StrBuf *sb)
{
	size_t i;
	int r;

	if (!vals || !vals->n)
		return strbuf_puts(sb, FORMAT_NA);
	if (vals->n == 1)
		return field_value_render(&vals->v[0], type, sb);
	r = strbuf_putc(sb, '(');
	for (i = 0; i < vals->n && r >= 0; i++) {
		if (i)
			r = strbuf_putc(sb, ',');
		if (r >= 0)
			r = field_value_render(&vals->v[i], type, sb);
	}
	if (r >= 0)
		r = strbuf_putc(sb, ')');
	(void)multi;
	return r;
}

static int render_slot(ValSlot *s, ExprPool *pool, EvalCtx *ctx, StrBuf *sb)
{
	return field_values_render(slot_get(pool, s, ctx), s->type, s->multi, sb);
}

int format_render(const Format *f, ExprPool *pool, EvalCtx *ctx, StrBuf *text, StrBuf *values,
		  FormatField *fields)
{
	size_t i;
	int r = 0;

	for (i = 0; text && i < f->ntokens && r >= 0; i++) {
		const FormatToken *t = &f->tokens[i];
		size_t start = text->len;

		if (!t->slot) {
			r = strbuf_append(text, t->lit, t->len);
			continue;
		}
		r = render_slot(t->slot, pool, ctx, text);
		if (r >= 0 && t->width) {
			size_t n = text->len - start;

			if (n > t->width) {
				text->len = start + t->width;
				text->buf[text->len] = 0;
			}
			for (; n < t->width && r >= 0; n++)
				r = strbuf_putc(text, ' ');
		}
	}
	for (i = 0; values && i < f->nnames && r >= 0; i++) {
		size_t start = values->len;

		fields[i].missing = !slot_get(pool, f->slots[i], ctx);
		r = render_slot(f->slots[i], pool, ctx, values);
		fields[i].off = start;
		fields[i].len = values->len - start;
	}
	if (r < 0)
		return r;
	if ((text && text->failed) || (values && values->failed))
		return -ENOMEM;
	return 0;
}
