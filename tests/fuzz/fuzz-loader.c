// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the rule-file loader.  The input is loaded twice into one
 * RuleSet, as two files, so the second load exercises redefinition, append
 * and override against what the first defined.  Besides "no crash, no leak,
 * bounded memory" it checks that every position anchor of a condition or
 * output points at a place of the input where the anchored byte can come
 * from: a wrong position mapping aborts like a crash does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Input {
	const char *buf;
	size_t len;
	size_t *lines; /* byte offset of each line start */
	size_t nlines;
} Input;

/* Length of the YAML line break at p (CR LF, CR, LF, NEL, LS, PS), 0 if none. */
static size_t break_len(const char *p, const char *end)
{
	const unsigned char *c = (const unsigned char *)p;
	size_t left = (size_t)(end - p);

	if (left == 0)
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

/* The character at line:col (1-based, columns in characters), or NULL past the line. */
static const char *char_at(const Input *in, unsigned line, unsigned col)
{
	const char *p, *end = in->buf + in->len;
	unsigned c;

	if (line == 0 || line > in->nlines || col == 0)
		return NULL;
	p = in->buf + in->lines[line - 1];
	/* libyaml does not count a UTF-8 BOM as a column */
	if (line == 1 && in->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (c = 1; c < col; c++) {
		unsigned char ch;

		if (p >= end || break_len(p, end))
			return NULL;
		ch = (unsigned char)*p;
		p += ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
	}
	return p < end ? p : NULL;
}

static void check_text(const Input *in, const SrcText *t, const char *what)
{
	size_t i;

	for (i = 0; i < t->nanchors; i++) {
		const SrcAnchor *a = &t->anchors[i];
		const char *src;
		unsigned char b;

		if (!a->pos.file || a->pos.line == 0) {
			fprintf(stderr, "%s: anchor %zu has no position\n", what, i);
			abort();
		}
		if (a->off > t->len) {
			fprintf(stderr, "%s: anchor %zu past the text\n", what, i);
			abort();
		}
		if (a->off == t->len)
			continue;
		b = (unsigned char)t->text[a->off];
		src = char_at(in, a->pos.line, a->pos.col);
		/* a folded line break may sit at the very end of the input */
		if (!src) {
			if (b == ' ' || b == '\n')
				continue;
			fprintf(stderr, "%s: anchor %zu at %u:%u is outside the input\n", what, i,
				a->pos.line, a->pos.col);
			abort();
		}
		if ((unsigned char)*src == b)
			continue;
		/* folding, escapes, quotes, block indicators (the whole-scalar fallback) */
		if ((b == ' ' || b == '\n') && break_len(src, in->buf + in->len))
			continue;
		if (strchr("\\'\"|>", *src) || (unsigned char)*src >= 0x80)
			continue;
		fprintf(stderr, "%s: anchor %zu maps byte 0x%02x to %u:%u holding '%c'\n", what, i, b,
			a->pos.line, a->pos.col, *src);
		abort();
	}
}

static void check_ruleset(const Input *in, const RuleSet *rs)
{
	size_t i;

	for (i = 0; i < rs->nmacros; i++)
		check_text(in, &rs->macros[i].condition, "macro condition");
	for (i = 0; i < rs->nrules; i++) {
		check_text(in, &rs->rules[i].condition, "rule condition");
		check_text(in, &rs->rules[i].output, "rule output");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input in = { .buf = (const char *)data, .len = size };
	RuleSet *rs = ruleset_new();
	Diags d = { 0 };
	size_t i;

	if (!rs)
		return 0;
	in.lines = malloc((size + 1) * sizeof(*in.lines));
	if (!in.lines) {
		ruleset_free(rs);
		return 0;
	}
	in.lines[in.nlines++] = 0;
	for (i = 0; i < size;) {
		size_t n = break_len(in.buf + i, in.buf + size);

		if (n) {
			i += n;
			in.lines[in.nlines++] = i;
		} else {
			i++;
		}
	}

	ruleset_load_buffer(rs, "first.yaml", in.buf, size, &d);
	ruleset_load_buffer(rs, "second.yaml", in.buf, size, &d);
	/* libyaml decodes UTF-16 itself: positions are then in characters of the decoded text */
	if (!(size >= 2 && ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff))))
		check_ruleset(&in, rs);
	/* looking things up must work on whatever got loaded */
	for (i = 0; i < rs->nrules; i++)
		if (ruleset_find_rule(rs, rs->rules[i].name) != &rs->rules[i])
			abort();
	for (i = 0; i < rs->nlists; i++)
		if (ruleset_find_list(rs, rs->lists[i].name) != &rs->lists[i])
			abort();
	for (i = 0; i < rs->nmacros; i++)
		if (ruleset_find_macro(rs, rs->macros[i].name) != &rs->macros[i])
			abort();

	free(in.lines);
	diags_done(&d);
	ruleset_free(rs);
	return 0;
}
