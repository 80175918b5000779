// SPDX-License-Identifier: MIT
/*
 * libyaml events to a bounded tree, one document at a time.  We drive
 * yaml_parser_parse() ourselves instead of using libyaml's document loader
 * so that every limit is checked before the memory is spent: nesting depth
 * (RULES_YAML_MAX_DEPTH) when a collection opens, scalar length
 * (RULES_MAX_STRING) when a scalar arrives, the node count
 * (RULES_MAX_YAML_NODES) and alias expansion (RULES_MAX_ALIAS_BYTES, and
 * depth again) when an alias is copied.  Aliases are expanded by copying, so
 * the tree is a plain tree and a "billion laughs" document stops at the
 * budget instead of at the machine's memory.
 *
 * libyaml's marks count characters, not bytes; a cursor walks the UTF-8
 * buffer alongside the events to turn them into byte offsets (libyaml has
 * validated the UTF-8 of everything before a mark it reports).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/hashmap.h"
#include "rules/loader-yaml.h"
#include "rules/ruleset.h"

struct YamlReader {
	yaml_parser_t parser;
	bool parser_ready;
	bool done;   /* stream end seen or failed */
	const char *buf;
	size_t len;
	/* char index -> byte offset cursor */
	size_t base; /* a UTF-8 BOM's length */
	size_t cur_chars;
	size_t cur_bytes;
	bool utf8; /* false for UTF-16 input: byte offsets are then unknown */
	/* budgets for the whole file, across its documents */
	size_t nodes;
	size_t alias_bytes;
};

/* One open collection while a document is being built. */
typedef struct Frame {
	LNode *node;
	bool block;
	int col0; /* 0-based start column */
	char *anchor;
} Frame;

typedef struct Builder {
	YamlReader *r;
	Frame stack[RULES_YAML_MAX_DEPTH + 1];
	size_t depth;
	LNode *root;
	StrMap *anchors; /* name -> LNode* (closed nodes of this document) */
	LoaderError *err;
} Builder;

LNode *lnode_free(LNode *n)
{
	size_t i;

	if (!n)
		return NULL;
	for (i = 0; i < n->nkids; i++)
		lnode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
	return NULL;
}

static int fail(LoaderError *err, unsigned line, unsigned col, const char *fmt, ...) _printf_(4, 5);
static int fail(LoaderError *err, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int yaml_reader_new(const char *buf, size_t len, YamlReader **ret)
{
	YamlReader *r = new0(YamlReader, 1);

	if (!r)
		return -ENOMEM;
	if (!yaml_parser_initialize(&r->parser)) {
		free(r);
		return -ENOMEM;
	}
	r->parser_ready = true;
	/*
	 * libyaml detects the encoding from a BOM (UTF-8 without one) and
	 * skips a BOM before counting characters: start counting after it.
	 */
	yaml_parser_set_input_string(&r->parser, (const unsigned char *)buf, len);
	r->buf = buf;
	r->len = len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->base = 3;
	r->cur_bytes = r->base;
	r->utf8 = true;
	*ret = r;
	return 0;
}

YamlReader *yaml_reader_free(YamlReader *r)
{
	if (!r)
		return NULL;
	if (r->parser_ready)
		yaml_parser_delete(&r->parser);
	free(r);
	return NULL;
}

static size_t utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* Byte offset of libyaml character index idx, SIZE_MAX when the input is not UTF-8. */
static size_t char_to_byte(YamlReader *r, size_t idx)
{
	if (!r->utf8)
		return SIZE_MAX;
	if (idx < r->cur_chars) {
		r->cur_chars = 0;
		r->cur_bytes = r->base;
	}
	while (r->cur_chars < idx && r->cur_bytes < r->len) {
		size_t n = utf8_len((unsigned char)r->buf[r->cur_bytes]);

		r->cur_bytes = MIN(r->cur_bytes + n, r->len);
		r->cur_chars++;
	}
	return r->cur_bytes;
}

/* Length of the YAML line break at buf[i] (CR LF, CR, LF, NEL, LS, PS), 0 if none. */
static size_t break_at(const char *buf, size_t len, size_t i)
{
	const unsigned char *c = (const unsigned char *)buf + i;
	size_t left = len - i;

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

/* Line and column (1-based, columns in characters, lines as YAML counts them) of a byte offset. */
static void byte_to_linecol(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
	size_t i, n;
	unsigned l = 1, c = 1;

	for (i = 0; i < off && i < len;) {
		n = break_at(buf, len, i);
		if (n) {
			l++;
			c = 1;
			i += n;
		} else {
			c++;
			i += utf8_len((unsigned char)buf[i]);
		}
	}
	*line = l;
	*col = c;
}

static int parser_failure(YamlReader *r, LoaderError *err)
{
	const yaml_parser_t *p = &r->parser;
	unsigned line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return -ENOMEM;
	case YAML_READER_ERROR:
		byte_to_linecol(r->buf + r->base, r->len - r->base,
				p->problem_offset > r->base ? p->problem_offset - r->base : 0, &line,
				&col);
		if (p->problem_value != -1)
			return fail(err, line, col, "%s (byte 0x%02x); rule files must be UTF-8 text",
				    p->problem ? p->problem : "invalid input",
				    (unsigned)p->problem_value & 0xffu);
		return fail(err, line, col, "%s; rule files must be UTF-8 text",
			    p->problem ? p->problem : "invalid input");
	default:
		break;
	}
	if (p->context)
		return fail(err, (unsigned)p->problem_mark.line + 1, (unsigned)p->problem_mark.column + 1,
			    "YAML syntax error: %s (%s at line %zu, column %zu)",
			    p->problem ? p->problem : "unknown problem", p->context,
			    p->context_mark.line + 1, p->context_mark.column + 1);
	return fail(err, (unsigned)p->problem_mark.line + 1, (unsigned)p->problem_mark.column + 1,
		    "YAML syntax error: %s", p->problem ? p->problem : "unknown problem");
}

static int count_node(Builder *b, const yaml_mark_t *m)
{
	if (++b->r->nodes > RULES_MAX_YAML_NODES)
		return fail(b->err, (unsigned)m->line + 1, (unsigned)m->column + 1,
			    "file has more than %u YAML nodes", RULES_MAX_YAML_NODES);
	return 0;
}

static LNode *node_new(Builder *b, LNodeType type, const yaml_mark_t *start, const yaml_mark_t *end)
{
	LNode *n = new0(LNode, 1);

	if (!n)
		return NULL;
	n->type = type;
	n->line = (unsigned)start->line + 1;
	n->col = (unsigned)start->column + 1;
	n->src_start = char_to_byte(b->r, start->index);
	n->src_end = char_to_byte(b->r, end->index);
	n->parent_indent = -1;
	n->height = 1;
	for (size_t i = b->depth; i > 0; i--)
		if (b->stack[i - 1].block) {
			n->parent_indent = b->stack[i - 1].col0;
			break;
		}
	return n;
}

static int add_child(Builder *b, LNode *n)
{
	LNode *parent;
	LNode **nk;

	if (b->depth == 0) {
		/* A document has one root; libyaml never sends a second. */
		lnode_free(b->root);
		b->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1].node;
	/* Children arrive one by one: grow at powers of two. */
	if (parent->nkids == 0 || (parent->nkids & (parent->nkids - 1)) == 0) {
		size_t cap = parent->nkids ? parent->nkids * 2 : 2;

		nk = reallocarray(parent->kids, cap, sizeof(*nk));
		if (!nk) {
			lnode_free(n);
			return -ENOMEM;
		}
		parent->kids = nk;
	}
	parent->kids[parent->nkids++] = n;
	return 0;
}

static int remember_anchor(Builder *b, const char *anchor, LNode *n)
{
	if (!anchor)
		return 0;
	return strmap_put(b->anchors, anchor, strlen(anchor), n);
}

static bool is_null_scalar(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '~') ||
	       (len == 4 && (!strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")));
}

/*
 * A scalar's start mark is at its anchor or tag when it has one ("&a !!str
 * text"); move the node's position to the text itself, past the properties,
 * white space, comments and line breaks between them.
 */
static void skip_properties(const YamlReader *r, LNode *n)
{
	const char *b = r->buf;
	size_t p = n->src_start, len = r->len, k;
	unsigned line = n->line, col = n->col;

	if (p >= len)
		return;
	for (;;) {
		if (p < len && (b[p] == '&' || b[p] == '!')) {
			while (p < len && !strchr(" \t\r\n,[]{}", b[p]) && !break_at(b, len, p)) {
				p += utf8_len((unsigned char)b[p]);
				col++;
			}
		} else if (p < len && (b[p] == ' ' || b[p] == '\t')) {
			p++;
			col++;
		} else if (p < len && b[p] == '#') {
			while (p < len && !break_at(b, len, p)) {
				p += utf8_len((unsigned char)b[p]);
				col++;
			}
		} else if (p < len && (k = break_at(b, len, p))) {
			p += k;
			line++;
			col = 1;
		} else {
			break;
		}
	}
	n->src_start = MIN(p, len);
	n->line = line;
	n->col = col;
}

static int on_scalar(Builder *b, yaml_event_t *e)
{
	LNode *n;
	int r;

	if (e->data.scalar.length > RULES_MAX_STRING)
		return fail(b->err, (unsigned)e->start_mark.line + 1, (unsigned)e->start_mark.column + 1,
			    "value is %zu bytes long, more than the limit of %u", e->data.scalar.length,
			    RULES_MAX_STRING);
	r = count_node(b, &e->start_mark);
	if (r < 0)
		return r;
	n = node_new(b, LN_SCALAR, &e->start_mark, &e->end_mark);
	if (!n)
		return -ENOMEM;
	n->style = (unsigned char)e->data.scalar.style;
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	/* Take libyaml's buffer: it is NUL-terminated and ours from now on. */
	n->str = (char *)e->data.scalar.value;
	n->len = e->data.scalar.length;
	e->data.scalar.value = NULL;
	n->null = n->plain && !e->data.scalar.tag && is_null_scalar(n->str, n->len);
	if ((e->data.scalar.anchor || e->data.scalar.tag) && n->len)
		skip_properties(b->r, n);
	r = remember_anchor(b, (const char *)e->data.scalar.anchor, n);
	if (r < 0) {
		lnode_free(n);
		return r;
	}
	return add_child(b, n);
}

static int on_start(Builder *b, yaml_event_t *e, LNodeType type)
{
	const char *anchor;
	Frame *f;
	LNode *n;
	int r;

	if (b->depth >= RULES_YAML_MAX_DEPTH)
		return fail(b->err, (unsigned)e->start_mark.line + 1, (unsigned)e->start_mark.column + 1,
			    "YAML nesting is deeper than the limit of %u levels", RULES_YAML_MAX_DEPTH);
	r = count_node(b, &e->start_mark);
	if (r < 0)
		return r;
	n = node_new(b, type, &e->start_mark, &e->start_mark);
	if (!n)
		return -ENOMEM;
	f = &b->stack[b->depth];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->col0 = (int)e->start_mark.column;
	if (type == LN_SEQ) {
		f->block = e->data.sequence_start.style != YAML_FLOW_SEQUENCE_STYLE;
		anchor = (const char *)e->data.sequence_start.anchor;
	} else {
		f->block = e->data.mapping_start.style != YAML_FLOW_MAPPING_STYLE;
		anchor = (const char *)e->data.mapping_start.anchor;
	}
	if (anchor) {
		f->anchor = strdup(anchor);
		if (!f->anchor) {
			lnode_free(n);
			return -ENOMEM;
		}
		/* Forget an older node of the same name until this one is complete. */
		strmap_remove(b->anchors, anchor, strlen(anchor), NULL);
	}
	b->depth++;
	return 0;
}

static int on_end(Builder *b, yaml_event_t *e)
{
	Frame *f;
	LNode *n;
	size_t i;
	int r;

	if (b->depth == 0)
		return fail(b->err, (unsigned)e->start_mark.line + 1, (unsigned)e->start_mark.column + 1,
			    "unbalanced YAML collection end");
	f = &b->stack[--b->depth];
	n = f->node;
	n->src_end = char_to_byte(b->r, e->end_mark.index);
	for (i = 0; i < n->nkids; i++)
		if (n->kids[i]->height + 1 > n->height)
			n->height = (unsigned char)(n->kids[i]->height + 1);
	r = 0;
	if (f->anchor)
		r = remember_anchor(b, f->anchor, n);
	free(f->anchor);
	f->anchor = NULL;
	if (r < 0) {
		lnode_free(n);
		return r;
	}
	return add_child(b, n);
}

static LNode *copy_tree(Builder *b, const LNode *src, int *ret_err)
{
	LNode *n;
	size_t i;

	if (++b->r->nodes > RULES_MAX_YAML_NODES) {
		*ret_err = -E2BIG;
		return NULL;
	}
	b->r->alias_bytes += src->len + 16;
	if (b->r->alias_bytes > RULES_MAX_ALIAS_BYTES) {
		*ret_err = -E2BIG;
		return NULL;
	}
	n = new0(LNode, 1);
	if (!n) {
		*ret_err = -ENOMEM;
		return NULL;
	}
	*n = *src;
	n->kids = NULL;
	n->nkids = 0;
	n->str = NULL;
	if (src->str) {
		n->str = malloc(src->len + 1);
		if (!n->str) {
			free(n);
			*ret_err = -ENOMEM;
			return NULL;
		}
		memcpy(n->str, src->str, src->len + 1);
	}
	if (src->nkids) {
		n->kids = new0(LNode *, src->nkids);
		if (!n->kids) {
			lnode_free(n);
			*ret_err = -ENOMEM;
			return NULL;
		}
		for (i = 0; i < src->nkids; i++) {
			n->kids[i] = copy_tree(b, src->kids[i], ret_err);
			if (!n->kids[i]) {
				lnode_free(n);
				return NULL;
			}
			n->nkids++;
		}
	}
	return n;
}

static int on_alias(Builder *b, yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	unsigned line = (unsigned)e->start_mark.line + 1, col = (unsigned)e->start_mark.column + 1;
	void *v;
	LNode *n;
	size_t i;
	int r = 0;

	if (!strmap_get(b->anchors, name, strlen(name), &v)) {
		for (i = 0; i < b->depth; i++)
			if (b->stack[i].anchor && !strcmp(b->stack[i].anchor, name))
				return fail(b->err, line, col, "alias '*%s' refers to a node containing it",
					    name);
		return fail(b->err, line, col, "alias '*%s' refers to no anchor defined before it",
			    name);
	}
	if (b->depth + ((const LNode *)v)->height > RULES_YAML_MAX_DEPTH)
		return fail(b->err, line, col,
			    "alias '*%s' makes YAML nesting deeper than the limit of %u levels", name,
			    RULES_YAML_MAX_DEPTH);
	n = copy_tree(b, v, &r);
	if (!n) {
		if (r == -E2BIG)
			return fail(b->err, line, col,
				    "aliases expand to more than the limit of %u nodes or %u bytes",
				    RULES_MAX_YAML_NODES, RULES_MAX_ALIAS_BYTES);
		return r;
	}
	return add_child(b, n);
}

static void builder_done(Builder *b)
{
	size_t i;

	for (i = b->depth; i > 0; i--) {
		free(b->stack[i - 1].anchor);
		lnode_free(b->stack[i - 1].node);
	}
	b->depth = 0;
	lnode_free(b->root);
	b->root = NULL;
	strmap_free(b->anchors);
	b->anchors = NULL;
}

int yaml_reader_next(YamlReader *r, LNode **ret_root, LoaderError *err)
{
	Builder b = { .r = r, .err = err };
	int ret;

	*ret_root = NULL;
	if (r->done)
		return 0;
	b.anchors = strmap_new();
	if (!b.anchors)
		return -ENOMEM;
	for (;;) {
		yaml_event_t e;

		if (!yaml_parser_parse(&r->parser, &e)) {
			ret = parser_failure(r, err);
			goto out_fail;
		}
		switch (e.type) {
		case YAML_STREAM_START_EVENT:
			/* UTF-16 is decoded by libyaml; positions then come from marks only. */
			r->utf8 = r->parser.encoding == YAML_UTF8_ENCODING ||
				  r->parser.encoding == YAML_ANY_ENCODING;
			ret = 0;
			break;
		case YAML_DOCUMENT_START_EVENT:
		case YAML_NO_EVENT:
			ret = 0;
			break;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&e);
			r->done = true;
			builder_done(&b);
			return 0;
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&e);
			*ret_root = TAKE_PTR(b.root);
			builder_done(&b);
			return 1;
		case YAML_SCALAR_EVENT:
			ret = on_scalar(&b, &e);
			break;
		case YAML_SEQUENCE_START_EVENT:
			ret = on_start(&b, &e, LN_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			ret = on_start(&b, &e, LN_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			ret = on_end(&b, &e);
			break;
		case YAML_ALIAS_EVENT:
			ret = on_alias(&b, &e);
			break;
		default:
			ret = 0;
			break;
		}
		yaml_event_delete(&e);
		if (ret < 0)
			goto out_fail;
	}
out_fail:
	r->done = true;
	builder_done(&b);
	return ret;
}
