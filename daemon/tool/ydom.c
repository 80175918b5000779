// SPDX-License-Identifier: MIT
/*
 * YAML document tree.  Aliases are refused (they allow exponential
 * documents); depth, node count and input size are bounded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tool/ydom.h"

YNode *ydom_free(YNode *n)
{
	size_t i;

	if (!n)
		return NULL;
	for (i = 0; i < n->nitems; i++)
		ydom_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
	return NULL;
}

static int add_child(YNode *p, YNode *c)
{
	YNode **v = reallocarray(p->items, p->nitems + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->items = v;
	p->items[p->nitems++] = c;
	return 0;
}

static int set_err(char **ret_err, unsigned line, unsigned col, const char *msg)
{
	if (ret_err && asprintf(ret_err, "%u:%u: %s", line, col, msg) < 0)
		*ret_err = NULL;
	return -EINVAL;
}

int ydom_parse(const char *buf, size_t len, YNode **ret, char **ret_err)
{
	yaml_parser_t parser;
	YNode *stack[YDOM_MAX_DEPTH + 1];
	size_t depth = 0, nodes = 0;
	YNode *root = NULL;
	bool done = false;
	int r = 0;

	*ret = NULL;
	if (ret_err)
		*ret_err = NULL;
	if (len > YDOM_MAX_BYTES)
		return set_err(ret_err, 1, 1, "file too large");
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

	while (!done && r == 0) {
		yaml_event_t ev;
		YNode *n = NULL;
		unsigned line, col;

		if (!yaml_parser_parse(&parser, &ev)) {
			r = set_err(ret_err, (unsigned)parser.problem_mark.line + 1,
				    (unsigned)parser.problem_mark.column + 1,
				    parser.problem ? parser.problem : "invalid YAML");
			break;
		}
		line = (unsigned)ev.start_mark.line + 1;
		col = (unsigned)ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++nodes > YDOM_MAX_NODES) {
				r = set_err(ret_err, line, col, "too many YAML nodes");
				break;
			}
			n = calloc(1, sizeof(*n));
			if (!n) {
				r = -ENOMEM;
				break;
			}
			n->line = line;
			n->col = col;
			if (ev.type == YAML_SCALAR_EVENT) {
				n->type = Y_SCALAR;
				n->len = ev.data.scalar.length;
				n->value = malloc(n->len + 1);
				if (!n->value) {
					free(n);
					r = -ENOMEM;
					break;
				}
				memcpy(n->value, ev.data.scalar.value, n->len);
				n->value[n->len] = 0;
				n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			} else {
				n->type = ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
			}
			if (depth == 0) {
				root = n;
			} else if (add_child(stack[depth - 1], n) < 0) {
				ydom_free(n);
				r = -ENOMEM;
				break;
			}
			if (n->type != Y_SCALAR) {
				if (depth >= YDOM_MAX_DEPTH) {
					r = set_err(ret_err, line, col, "YAML nested too deeply");
					break;
				}
				stack[depth++] = n;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		case YAML_ALIAS_EVENT:
			r = set_err(ret_err, line, col, "YAML aliases are not supported");
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r < 0) {
		ydom_free(root);
		return r;
	}
	*ret = root;
	return 0;
}

const YNode *ydom_get(const YNode *map, const char *key)
{
	size_t i;

	if (!map || map->type != Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nitems; i += 2)
		if (map->items[i]->type == Y_SCALAR && strcmp(map->items[i]->value, key) == 0)
			return map->items[i + 1];
	return NULL;
}

bool ydom_is_scalar(const YNode *n)
{
	return n && n->type == Y_SCALAR;
}

int ydom_bool(const YNode *n, bool *ret)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "on" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "off" };
	size_t i;

	if (!ydom_is_scalar(n) || n->quoted)
		return -EINVAL;
	for (i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcmp(n->value, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcmp(n->value, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int ydom_int(const YNode *n, long long *ret)
{
	char *end;
	long long v;

	if (!ydom_is_scalar(n) || n->len == 0)
		return -EINVAL;
	errno = 0;
	v = strtoll(n->value, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static bool looks_numeric(const YNode *n)
{
	long long v;
	char *end;

	if (n->quoted || n->len == 0)
		return false;
	if (ydom_int(n, &v) == 0)
		return n->value[0] != '0' || n->len == 1 || n->value[1] == 'x';
	errno = 0;
	(void)strtod(n->value, &end);
	return !errno && !*end && strpbrk(n->value, "0123456789") && !strpbrk(n->value, "xXnN");
}

int ydom_to_json(const YNode *n, StrBuf *out)
{
	size_t i;
	int r = 0;
	bool b;

	if (!n)
		return strbuf_puts(out, "null");
	switch (n->type) {
	case Y_SCALAR:
		if (!n->quoted && (strcmp(n->value, "null") == 0 || strcmp(n->value, "~") == 0))
			return strbuf_puts(out, "null");
		if (ydom_bool(n, &b) == 0)
			return strbuf_puts(out, b ? "true" : "false");
		if (looks_numeric(n)) {
			long long v;

			if (ydom_int(n, &v) == 0)
				return strbuf_printf(out, "%lld", v);
			return strbuf_puts(out, n->value);
		}
		return strbuf_put_json_string(out, n->value, n->len);
	case Y_SEQ:
		r = strbuf_putc(out, '[');
		for (i = 0; r >= 0 && i < n->nitems; i++) {
			if (i)
				r = strbuf_putc(out, ',');
			if (r >= 0)
				r = ydom_to_json(n->items[i], out);
		}
		return r < 0 ? r : strbuf_putc(out, ']');
	case Y_MAP:
		r = strbuf_putc(out, '{');
		for (i = 0; r >= 0 && i + 1 < n->nitems; i += 2) {
			const YNode *k = n->items[i];

			if (i)
				r = strbuf_putc(out, ',');
			if (r >= 0)
				r = k->type == Y_SCALAR ? strbuf_put_json_string(out, k->value, k->len)
							: strbuf_puts(out, "\"\"");
			if (r >= 0)
				r = strbuf_putc(out, ':');
			if (r >= 0)
				r = ydom_to_json(n->items[i + 1], out);
		}
		return r < 0 ? r : strbuf_putc(out, '}');
	}
	return -EINVAL;
}
