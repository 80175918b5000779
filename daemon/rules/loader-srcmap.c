// SPDX-License-Identifier: MIT
/*
 * Where each byte of a YAML scalar came from.  libyaml hands us the decoded
 * text of a scalar and the marks of its first and last character, but a
 * multi-line condition has been folded (line breaks turned into spaces,
 * indentation dropped), quotes and escapes removed.  To point an error in a
 * condition at its line and column we scan the source again from the start
 * mark, replaying the YAML 1.1 rules libyaml applies for each style, and
 * record the source position of every byte produced.  The replayed text is
 * compared with libyaml's: if they ever differ (an input this replay does
 * not model), the caller falls back to anchoring the whole scalar at its
 * start, which is coarse but never wrong about the line the scalar is on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rules/loader-yaml.h"

/* A run of output bytes and the source position of its first byte. */
typedef struct Piece {
	const char *s;
	unsigned char n;
	unsigned line, col;
} Piece;

typedef struct Pieces {
	Piece *v;
	size_t n, cap;
} Pieces;

typedef struct Scan {
	const char *b;
	size_t len; /* scanning stops here */
	size_t p;
	unsigned line, col; /* position of b[p], 1-based */
	/* output, checked against libyaml's text */
	const char *want;
	size_t wlen;
	size_t n;
	unsigned *lines, *cols;
	bool bad;
	bool nomem;
} Scan;

static size_t char_len(const Scan *s)
{
	unsigned char c = (unsigned char)s->b[s->p];
	size_t n = 1;

	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	return MIN(n, s->len - s->p);
}

static bool at_end(const Scan *s)
{
	return s->p >= s->len;
}

static int cur(const Scan *s)
{
	return at_end(s) ? -1 : (unsigned char)s->b[s->p];
}

static bool is_blank(const Scan *s)
{
	return cur(s) == ' ' || cur(s) == '\t';
}

/* Length of the line break at the cursor, 0 if none (CR LF, CR, LF, NEL, LS, PS). */
static size_t break_len(const Scan *s)
{
	const unsigned char *c = (const unsigned char *)s->b + s->p;
	size_t left = s->len - s->p;

	if (at_end(s))
		return 0;
	if (c[0] == '\r')
		return left >= 2 && c[1] == '\n' ? 2 : 1;
	if (c[0] == '\n')
		return 1;
	if (left >= 2 && c[0] == 0xc2 && c[1] == 0x85)
		return 2;
	if (left >= 3 && c[0] == 0xe2 && c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9))
		return 3;
	return 0;
}

static void advance(Scan *s)
{
	s->p += char_len(s);
	s->col++;
}

/* The break at the cursor as libyaml stores it ("\n", or LS/PS kept), then skip it. */
static Piece take_break(Scan *s)
{
	size_t n = break_len(s);
	Piece pc = { .s = "\n", .n = 1, .line = s->line, .col = s->col };

	if (n == 3) {
		pc.s = s->b + s->p;
		pc.n = 3;
	}
	s->p += n;
	s->line++;
	s->col = 1;
	return pc;
}

static void emit(Scan *s, const char *bytes, size_t n, unsigned line, unsigned col)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s->n >= s->wlen || s->want[s->n] != bytes[i]) {
			s->bad = true;
			return;
		}
		s->lines[s->n] = line;
		s->cols[s->n] = col + (unsigned)i;
		s->n++;
	}
}

static void emit_piece(Scan *s, const Piece *pc)
{
	emit(s, pc->s, pc->n, pc->line, pc->col);
}

/* Copy the character at the cursor to the output and step over it. */
static void emit_char(Scan *s)
{
	emit(s, s->b + s->p, char_len(s), s->line, s->col);
	advance(s);
}

static void pieces_push(Scan *s, Pieces *ps, Piece pc)
{
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 8;
		Piece *nv = reallocarray(ps->v, nc, sizeof(*nv));

		if (!nv) {
			s->nomem = s->bad = true;
			return;
		}
		ps->v = nv;
		ps->cap = nc;
	}
	ps->v[ps->n++] = pc;
}

static void pieces_emit(Scan *s, Pieces *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		emit_piece(s, &ps->v[i]);
	ps->n = 0;
}

/* Folding state shared by plain and quoted scalars. */
typedef struct Fold {
	bool leading_blanks;
	bool have_lb;
	Piece lb; /* the first line break of a run */
	Pieces ws; /* blanks since the last content on this line */
	Pieces tb; /* further line breaks (empty lines) */
} Fold;

/*
 * Before the next content character: blanks stay, a single line break
 * becomes a space, empty lines become newlines.
 */
static void fold_join(Scan *s, Fold *f)
{
	if (f->leading_blanks) {
		if (f->have_lb && f->lb.n == 1 && f->lb.s[0] == '\n') {
			if (f->tb.n == 0) {
				Piece sp = { .s = " ", .n = 1, .line = f->lb.line, .col = f->lb.col };

				emit_piece(s, &sp);
			}
		} else if (f->have_lb) {
			emit_piece(s, &f->lb);
		}
		pieces_emit(s, &f->tb);
		f->have_lb = false;
		f->leading_blanks = false;
	} else {
		pieces_emit(s, &f->ws);
	}
	f->ws.n = 0;
}

/* Blanks and breaks between content: returns true if it consumed one. */
static bool fold_space(Scan *s, Fold *f)
{
	if (is_blank(s)) {
		if (!f->leading_blanks)
			pieces_push(s, &f->ws,
				    (Piece){ .s = s->b + s->p, .n = 1, .line = s->line, .col = s->col });
		advance(s);
		return true;
	}
	if (break_len(s)) {
		Piece pc = take_break(s);

		if (!f->leading_blanks) {
			f->ws.n = 0;
			f->lb = pc;
			f->have_lb = true;
			f->leading_blanks = true;
		} else {
			pieces_push(s, &f->tb, pc);
		}
		return true;
	}
	return false;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp <= 0x7f) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp <= 0x7ff) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp <= 0xffff) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A double-quoted escape at the cursor (on the backslash): all its bytes map to the backslash. */
static void emit_escape(Scan *s)
{
	unsigned line = s->line, col = s->col;
	size_t hex = 0, i;
	uint32_t cp = 0;
	char out[4];
	int c;

	advance(s); /* backslash */
	c = cur(s);
	switch (c) {
	case '0': cp = 0; break;
	case 'a': cp = 7; break;
	case 'b': cp = 8; break;
	case 't':
	case '\t': cp = 9; break;
	case 'n': cp = 10; break;
	case 'v': cp = 11; break;
	case 'f': cp = 12; break;
	case 'r': cp = 13; break;
	case 'e': cp = 27; break;
	case ' ': cp = ' '; break;
	case '"': cp = '"'; break;
	case '/': cp = '/'; break;
	case '\'': cp = '\''; break;
	case '\\': cp = '\\'; break;
	case 'N': cp = 0x85; break;
	case '_': cp = 0xa0; break;
	case 'L': cp = 0x2028; break;
	case 'P': cp = 0x2029; break;
	case 'x': hex = 2; break;
	case 'u': hex = 4; break;
	case 'U': hex = 8; break;
	default:
		s->bad = true;
		return;
	}
	advance(s);
	for (i = 0; i < hex; i++) {
		int v = hexval(cur(s));

		if (v < 0) {
			s->bad = true;
			return;
		}
		cp = cp * 16 + (uint32_t)v;
		advance(s);
	}
	emit(s, out, utf8_encode(cp, out), line, col);
}

/* Plain, single- and double-quoted scalars: [s->p, s->len) is the scalar as written. */
static void scan_flow(Scan *s, int quote)
{
	Fold f = { 0 };

	if (quote) {
		if (cur(s) != quote || s->len - s->p < 2) {
			s->bad = true;
			return;
		}
		advance(s);
		s->len--; /* the closing quote */
	}
	while (!at_end(s) && !s->bad) {
		if (fold_space(s, &f))
			continue;
		if (quote == '"' && cur(s) == '\\' && s->p + 1 < s->len) {
			Scan peek = *s;

			peek.p++;
			if (break_len(&peek)) {
				/* Escaped line break: joins the lines without a space. */
				fold_join(s, &f);
				advance(s);
				take_break(s);
				f.leading_blanks = true;
				f.have_lb = false;
				continue;
			}
		}
		fold_join(s, &f);
		if (quote == '\'' && cur(s) == '\'') {
			unsigned line = s->line, col = s->col;

			advance(s);
			if (cur(s) != '\'') {
				s->bad = true;
				break;
			}
			advance(s);
			emit(s, "'", 1, line, col);
		} else if (quote == '"' && cur(s) == '\\') {
			emit_escape(s);
		} else {
			emit_char(s);
		}
	}
	/* Quoted scalars keep trailing blanks and breaks; plain ones end at the last character. */
	if (quote && !s->bad)
		fold_join(s, &f);
	free(f.ws.v);
	free(f.tb.v);
}

/* Indentation and empty lines before a block scalar line; sets *indent if still 0. */
static void block_breaks(Scan *s, int *indent, int parent_indent, Pieces *tb)
{
	int max_indent = 0;

	for (;;) {
		while ((!*indent || (int)s->col - 1 < *indent) && cur(s) == ' ')
			advance(s);
		if ((int)s->col - 1 > max_indent)
			max_indent = (int)s->col - 1;
		if (!break_len(s))
			break;
		pieces_push(s, tb, take_break(s));
		if (s->bad)
			return;
	}
	if (!*indent) {
		*indent = max_indent;
		if (*indent < parent_indent + 1)
			*indent = parent_indent + 1;
		if (*indent < 1)
			*indent = 1;
	}
}

/* Literal (|) and folded (>) scalars, the cursor on the indicator. */
static void scan_block(Scan *s, int parent_indent)
{
	bool literal = cur(s) == '|', leading_blank = false, have_lb = false;
	int chomping = 0, increment = 0, indent, i;
	Pieces tb = { 0 };
	Piece lb = { 0 };

	advance(s);
	for (i = 0; i < 2; i++) {
		if ((cur(s) == '+' || cur(s) == '-') && !chomping) {
			chomping = cur(s) == '+' ? 1 : -1;
			advance(s);
		} else if (cur(s) >= '1' && cur(s) <= '9' && !increment) {
			increment = cur(s) - '0';
			advance(s);
		}
	}
	while (is_blank(s))
		advance(s);
	if (cur(s) == '#')
		while (!at_end(s) && !break_len(s))
			advance(s);
	if (break_len(s))
		take_break(s);
	else if (!at_end(s)) {
		s->bad = true;
		return;
	}
	indent = 0;
	if (increment)
		indent = parent_indent >= 0 ? parent_indent + increment : increment;
	block_breaks(s, &indent, parent_indent, &tb);
	while (!s->bad && (int)s->col - 1 == indent && !at_end(s)) {
		bool trailing_blank = is_blank(s);

		if (!literal && have_lb && lb.n == 1 && lb.s[0] == '\n' && !leading_blank &&
		    !trailing_blank) {
			if (tb.n == 0) {
				Piece sp = { .s = " ", .n = 1, .line = lb.line, .col = lb.col };

				emit_piece(s, &sp);
			}
		} else if (have_lb) {
			emit_piece(s, &lb);
		}
		have_lb = false;
		pieces_emit(s, &tb);
		leading_blank = is_blank(s);
		while (!at_end(s) && !break_len(s) && !s->bad)
			emit_char(s);
		if (break_len(s)) {
			lb = take_break(s);
			have_lb = true;
		}
		block_breaks(s, &indent, parent_indent, &tb);
	}
	if (chomping != -1 && have_lb)
		emit_piece(s, &lb);
	if (chomping == 1)
		pieces_emit(s, &tb);
	free(tb.v);
}

int lnode_positions(const LNode *n, const char *buf, size_t len, unsigned *ret_lines,
		    unsigned *ret_cols)
{
	Scan s = {
		.b = buf,
		.len = len,
		.p = n->src_start,
		.line = n->line,
		.col = n->col,
		.want = n->str,
		.wlen = n->len,
		.lines = ret_lines,
		.cols = ret_cols,
	};

	if (n->type != LN_SCALAR || n->src_start > len)
		return -EBADMSG;
	switch (n->style) {
	case YAML_PLAIN_SCALAR_STYLE:
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		if (n->src_end > len || n->src_end < n->src_start)
			return -EBADMSG;
		s.len = n->src_end;
		scan_flow(&s, n->style == YAML_PLAIN_SCALAR_STYLE	  ? 0
			      : n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? '\''
									    : '"');
		break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		/* The end mark of a block scalar stops before its trailing breaks: scan on. */
		scan_block(&s, n->parent_indent);
		break;
	default:
		return -EBADMSG;
	}
	if (s.nomem)
		return -ENOMEM;
	if (s.bad || s.n != s.wlen)
		return -EBADMSG;
	return 0;
}

static bool is_trim_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int lnode_srctext(const LNode *n, const char *buf, size_t len, const SrcPos *pos, bool trim,
		  SrcText *ret)
{
	_cleanup_free_ unsigned *lines = NULL, *cols = NULL;
	SrcText t = { 0 };
	size_t a = 0, b = n->len, i, run;
	SrcPos p = *pos;
	int r;

	if (trim) {
		while (a < b && is_trim_space(n->str[a]))
			a++;
		while (b > a && is_trim_space(n->str[b - 1]))
			b--;
	}
	p.line = n->line;
	p.col = n->col;
	if (a == b) {
		r = srctext_append(&t, "", 0, &p);
		goto done;
	}
	lines = newa(unsigned, n->len);
	cols = newa(unsigned, n->len);
	if (!lines || !cols)
		return -ENOMEM;
	r = lnode_positions(n, buf, len, lines, cols);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		r = srctext_append(&t, n->str + a, b - a, &p);
		goto done;
	}
	for (i = a; i < b; i += run) {
		p.line = lines[i];
		p.col = cols[i];
		for (run = 1; i + run < b; run++)
			if (lines[i + run] != p.line || cols[i + run] != p.col + run)
				break;
		r = srctext_append(&t, n->str + i, run, &p);
		if (r < 0)
			break;
	}
done:
	if (r < 0) {
		srctext_done(&t);
		return r;
	}
	*ret = t;
	return 0;
}
