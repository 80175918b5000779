// SPDX-License-Identifier: MIT
/*
 * Token scanners of the condition language, written by hand (no regex) so
 * the token classes match Falco's grammar exactly: bare strings stop at
 * blanks, parentheses, commas, '=' and quotes; quoted strings take Falco's
 * escapes.  See lexer.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/macro.h"
#include "rules/lexer.h"

static const OpInfo op_table[_OP_MAX] = {
#define OP_INFO(id, text, syntax, types, rhs_field) [OP_##id] = { text, syntax, types, rhs_field },
	EXPR_OPS(OP_INFO)
#undef OP_INFO
};

static const char *const xform_names[_XF_MAX] = {
#define XF_NAME(id, text) [XF_##id] = text,
	EXPR_XFORMS(XF_NAME)
#undef XF_NAME
};

const OpInfo *op_info(ExprOp op)
{
	if ((unsigned)op >= _OP_MAX)
		return NULL;
	return &op_table[op];
}

ExprOp op_from_string(const char *s, size_t n)
{
	unsigned i;

	if (n == 2 && s[0] == '=' && s[1] == '=')
		return OP_EQ;
	for (i = 0; i < _OP_MAX; i++)
		if (strlen(op_table[i].text) == n && memcmp(op_table[i].text, s, n) == 0)
			return (ExprOp)i;
	return OP_INVALID;
}

const char *xform_name(XformKind x)
{
	if ((unsigned)x >= _XF_MAX)
		return "?";
	return xform_names[x];
}

static inline bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_ident(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

bool lex_blank(Lexer *lx)
{
	size_t start = lx->pos;

	while (lx->pos < lx->len && lex_is_blank((unsigned char)lx->s[lx->pos]))
		lx->pos++;
	return lx->pos != start;
}

bool lex_char(Lexer *lx, char c)
{
	if (lx->pos < lx->len && lx->s[lx->pos] == c) {
		lx->pos++;
		return true;
	}
	return false;
}

static size_t ident_len_at(const Lexer *lx, size_t pos)
{
	size_t i = pos;

	if (i >= lx->len || !is_alpha((unsigned char)lx->s[i]))
		return 0;
	while (i < lx->len && is_ident((unsigned char)lx->s[i]))
		i++;
	return i - pos;
}

bool lex_keyword(Lexer *lx, const char *kw)
{
	size_t n = strlen(kw);

	if (lx->len - lx->pos < n || memcmp(lx->s + lx->pos, kw, n) != 0)
		return false;
	if (lx->pos + n < lx->len && is_ident((unsigned char)lx->s[lx->pos + n]))
		return false;
	lx->pos += n;
	return true;
}

size_t lex_identifier(Lexer *lx)
{
	size_t n = ident_len_at(lx, lx->pos);

	lx->pos += n;
	return n;
}

size_t lex_field_name(Lexer *lx)
{
	size_t i = lx->pos, n = ident_len_at(lx, i);
	unsigned parts = 0;

	if (!n)
		return 0;
	i += n;
	while (i < lx->len && lx->s[i] == '.') {
		size_t m = ident_len_at(lx, i + 1);

		if (!m)
			break;
		i += 1 + m;
		parts++;
	}
	if (!parts)
		return 0;
	n = i - lx->pos;
	lx->pos = i;
	return n;
}

XformKind lex_transformer(Lexer *lx, bool allow_val, bool *ret_is_val)
{
	size_t n = ident_len_at(lx, lx->pos);
	unsigned i;

	*ret_is_val = false;
	if (!n || lx->pos + n >= lx->len || lx->s[lx->pos + n] != '(')
		return XF_INVALID;
	if (allow_val && n == 3 && memcmp(lx->s + lx->pos, "val", 3) == 0) {
		lx->pos += n + 1;
		*ret_is_val = true;
		return XF_INVALID;
	}
	for (i = 0; i < _XF_MAX; i++)
		if (strlen(xform_names[i]) == n &&
		    memcmp(xform_names[i], lx->s + lx->pos, n) == 0) {
			lx->pos += n + 1;
			return (XformKind)i;
		}
	return XF_INVALID;
}

ExprOp lex_op(Lexer *lx)
{
	const char *p = lx->s + lx->pos;
	size_t left = lx->len - lx->pos, n;
	ExprOp op;

	if (!left)
		return OP_INVALID;
	switch (p[0]) {
	case '=':
		n = left >= 2 && p[1] == '=' ? 2 : 1;
		lx->pos += n;
		return OP_EQ;
	case '!':
		if (left >= 2 && p[1] == '=') {
			lx->pos += 2;
			return OP_NE;
		}
		return OP_INVALID;
	case '<':
	case '>':
		n = left >= 2 && p[1] == '=' ? 2 : 1;
		op = op_from_string(p, n);
		lx->pos += n;
		return op;
	default:
		break;
	}
	n = ident_len_at(lx, lx->pos);
	if (!n)
		return OP_INVALID;
	op = op_from_string(p, n);
	if (op != OP_INVALID)
		lx->pos += n;
	return op;
}

size_t lex_number(Lexer *lx)
{
	const char *s = lx->s;
	size_t i = lx->pos, end = lx->len;

	if (end - i >= 3 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		size_t j = i + 2;

		while (j < end && ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f') ||
				   (s[j] >= 'A' && s[j] <= 'F')))
			j++;
		if (j > i + 2) {
			lx->pos = j;
			return j - i;
		}
	}
	if (i < end && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= end || !is_digit((unsigned char)s[i]))
		return 0;
	while (i < end && is_digit((unsigned char)s[i]))
		i++;
	if (i < end && s[i] == '.') {
		i++;
		while (i < end && is_digit((unsigned char)s[i]))
			i++;
	}
	if (end - i >= 3 && (s[i] == 'e' || s[i] == 'E') && (s[i + 1] == '+' || s[i + 1] == '-') &&
	    is_digit((unsigned char)s[i + 2])) {
		i += 2;
		while (i < end && is_digit((unsigned char)s[i]))
			i++;
	}
	end = i - lx->pos;
	lx->pos = i;
	return end;
}

size_t lex_bare(Lexer *lx)
{
	size_t i = lx->pos, n;

	while (i < lx->len) {
		int c = (unsigned char)lx->s[i];

		if (lex_is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=' || c == '"' ||
		    c == '\'')
			break;
		i++;
	}
	n = i - lx->pos;
	lx->pos = i;
	return n;
}

size_t lex_bare_arg(Lexer *lx)
{
	size_t i = lx->pos, n;

	while (i < lx->len) {
		int c = (unsigned char)lx->s[i];

		if (lex_is_blank(c) || c == '[' || c == ']' || c == '"' || c == '\'')
			break;
		i++;
	}
	n = i - lx->pos;
	lx->pos = i;
	return n;
}

static int lex_fail(LexError *err, size_t off, const char *msg)
{
	err->off = off;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -EINVAL;
}

/*
 * Falco's escapes: \b \f \n \r \t \\ \/, the quote of the string itself, and
 * "\ " which (for compatibility with old rule files) yields a backslash.
 */
static int unescape(const char *s, size_t n, size_t base, char quote, char **ret, size_t *ret_len,
		    LexError *err)
{
	_cleanup_free_ char *out = malloc(n + 1);
	size_t i, o = 0;

	if (!out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		if (++i >= n)
			return lex_fail(err, base + i - 1, "unterminated escape sequence");
		c = s[i];
		switch (c) {
		case 'b':
			out[o++] = '\b';
			break;
		case 'f':
			out[o++] = '\f';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case ' ':
		case '\\':
			out[o++] = '\\';
			break;
		case '/':
			out[o++] = '/';
			break;
		case '"':
		case '\'':
			if (c != quote)
				return lex_fail(err, base + i - 1,
						c == '"' ?
							"invalid \\\" escape in a '-quoted string" :
							"invalid \\' escape in a \"-quoted string");
			out[o++] = c;
			break;
		default:
			err->off = base + i - 1;
			snprintf(err->msg, sizeof(err->msg),
				 "unsupported escape sequence '\\%c' in string", c);
			return -EINVAL;
		}
	}
	out[o] = 0;
	*ret_len = o;
	*ret = TAKE_PTR(out);
	return 0;
}

int lex_quoted(Lexer *lx, char **ret, size_t *ret_len, LexError *err)
{
	size_t start = lx->pos, i;
	char quote;
	int r;

	if (lx->pos >= lx->len || (lx->s[lx->pos] != '"' && lx->s[lx->pos] != '\''))
		return 0;
	quote = lx->s[start];
	for (i = start + 1; i < lx->len; i++) {
		if (lx->s[i] == '\\') {
			i++;
			continue;
		}
		if (lx->s[i] == quote)
			break;
	}
	if (i >= lx->len)
		return lex_fail(err, start,
				quote == '"' ? "unterminated string: missing closing \"" :
					       "unterminated string: missing closing '");
	if (i - start - 1 > EXPR_MAX_STRING)
		return lex_fail(err, start, "string literal longer than the limit of 16384 bytes");
	r = unescape(lx->s + start + 1, i - start - 1, start + 1, quote, ret, ret_len, err);
	if (r < 0)
		return r;
	lx->pos = i + 1;
	return 1;
}

int lex_unquote(const char *s, size_t n, char **ret, size_t *ret_len, LexError *err)
{
	Lexer lx;
	int r;

	lexer_init(&lx, s, n);
	r = lex_quoted(&lx, ret, ret_len, err);
	if (r == 0)
		return lex_fail(err, 0, "expected a quoted string");
	if (r < 0)
		return r;
	if (lx.pos != n) {
		free(*ret);
		*ret = NULL;
		return lex_fail(err, lx.pos, "unexpected text after the closing quote");
	}
	return 0;
}
