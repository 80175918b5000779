// SPDX-License-Identifier: MIT
/*
 * Typed access to the keys of a rule-file item, with the checks Falco makes
 * on each kind of value, and diagnostics placed at the YAML node concerned.
 * See loader-item.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/loader-internal.h"
#include "rules/loader-item.h"

void loader_report(Loader *L, DiagLevel level, const LNode *at, const Item *it, const char *fmt,
		   ...)
{
	SrcPos pos = { .file = L->file };
	char msg[1024];
	va_list ap;

	if (at) {
		pos.line = at->line;
		pos.col = at->col;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (diags_add(L->d, level, &pos, it && it->what[0] ? it->what : NULL, "%s", msg) < 0)
		L->nomem = true;
}

bool loader_in_strv(const char *const *v, const char *s, size_t len)
{
	for (; *v; v++)
		if (strlen(*v) == len && memcmp(*v, s, len) == 0)
			return true;
	return false;
}

/* Value of the first occurrence of key in map (yaml-cpp's choice for duplicate keys). */
const LNode *loader_map_get(const LNode *map, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < map->nkids; i += 2)
		if (scalar_is(map->kids[i], key))
			return map->kids[i + 1];
	return NULL;
}

const LNode *loader_map_key(const LNode *map, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < map->nkids; i += 2)
		if (scalar_is(map->kids[i], key))
			return map->kids[i];
	return NULL;
}

const char *loader_type_name(const LNode *n)
{
	if (n->type == LN_SEQ)
		return "a list";
	if (n->type == LN_MAP)
		return "a mapping";
	return n->null ? "empty" : "a string";
}

/*
 * Keys of a mapping: each must be a string; unknown ones are warned about,
 * known ones given twice too (the first one counts).
 */
int loader_check_keys(Loader *L, const Item *it, const LNode *map, const char *const *known,
		      const char *where)
{
	unsigned seen[16] = { 0 };
	size_t i, k, nunknown = 0;

	for (i = 0; i + 1 < map->nkids; i += 2) {
		const LNode *key = map->kids[i];

		if (key->type != LN_SCALAR || key->null) {
			lerr(L, key, it,
			     "keys of %s must be strings, not %s", where, loader_type_name(key));
			return -EINVAL;
		}
		for (k = 0; known[k]; k++)
			if (scalar_is(key, known[k]))
				break;
		if (!known[k]) {
			/* A mapping of many unknown keys gets a few warnings, not thousands. */
			if (++nunknown <= 8)
				lwarn(L, key, it, "unknown key '%.*s' in %s is ignored",
				      (int)MIN(key->len, 100u), key->str, where);
			continue;
		}
		if (k < ELEMENTSOF(seen) && seen[k]++)
			lwarn(L, key, it,
			      "key '%s' appears more than once in %s; the first one is used",
			      known[k], where);
	}
	return 0;
}

/*
 * A scalar value usable as text: present, not null, not a collection, no
 * NUL byte, and unless allow_empty not "".  what names it in messages.
 */
int loader_check_text(Loader *L, const Item *it, const LNode *v, const char *what, bool allow_empty)
{
	if (v->type != LN_SCALAR) {
		lerr(L, v, it, "%s must be a string, not %s", what, loader_type_name(v));
		return -EINVAL;
	}
	if (v->null) {
		lerr(L, v, it, "%s has no value", what);
		return -EINVAL;
	}
	if (!allow_empty && v->len == 0) {
		lerr(L, v, it, "%s must not be empty", what);
		return -EINVAL;
	}
	if (memchr(v->str, 0, v->len)) {
		lerr(L, v, it, "%s contains a NUL character", what);
		return -EINVAL;
	}
	return 0;
}

/* 1 and the node when key is present and valid text, 0 when absent, -EINVAL (reported). */
int loader_get_text(Loader *L, const Item *it, const char *key, bool allow_empty,
		    const LNode **ret)
{
	const LNode *v = loader_map_get(it->map, key);
	char what[64];
	int r;

	*ret = NULL;
	if (!v)
		return 0;
	snprintf(what, sizeof(what), "value of '%s'", key);
	r = loader_check_text(L, it, v, what, allow_empty);
	if (r < 0)
		return r;
	*ret = v;
	return 1;
}

int loader_get_string(Loader *L, const Item *it, const char *key, char **ret)
{
	const LNode *v;
	int r = loader_get_text(L, it, key, false, &v);

	if (r <= 0)
		return r;
	*ret = strdup(v->str);
	return *ret ? 1 : -ENOMEM;
}

/* The boolean spellings yaml-cpp accepts, as Falco reads them. */
static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true", "True",
					   "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false", "False",
					  "FALSE", "off", "Off", "OFF", NULL };

	if (loader_in_strv(yes, s, strlen(s)))
		*ret = true;
	else if (loader_in_strv(no, s, strlen(s)))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

int loader_get_bool(Loader *L, const Item *it, const char *key, bool *ret)
{
	const LNode *v;
	int r = loader_get_text(L, it, key, false, &v);

	if (r <= 0)
		return r;
	if (parse_bool(v->str, ret) < 0) {
		lerr(L, v, it, "value of '%s' must be true or false, not '%.*s'", key,
		     (int)MIN(v->len, 100u), v->str);
		return -EINVAL;
	}
	return 1;
}

int loader_get_srctext(Loader *L, const Item *it, const char *key, bool trim, SrcText *ret)
{
	SrcPos pos = { .file = L->file };
	const LNode *v;
	int r = loader_get_text(L, it, key, false, &v);

	if (r <= 0)
		return r;
	r = lnode_srctext(v, L->buf, L->len, &pos, trim, ret);
	return r < 0 ? r : 1;
}

int loader_get_priority(Loader *L, const Item *it, Priority *ret)
{
	const LNode *v;
	int r = loader_get_text(L, it, "priority", false, &v);

	if (r <= 0)
		return r;
	*ret = priority_from_string(v->str);
	if (*ret == PRI_INVALID) {
		lerr(L, v, it,
		     "invalid priority '%.*s': expected emergency, alert, critical, error, warning, notice, informational (or info) or debug",
		     (int)MIN(v->len, 100u), v->str);
		return -EINVAL;
	}
	return 1;
}

void loader_strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted and without duplicates, as Falco keeps a rule's tags (a std::set). */
void loader_tags_normalize(char **tags, size_t *n)
{
	size_t i, j = 0;

	if (*n < 2)
		return;
	qsort(tags, *n, sizeof(*tags), cmp_str);
	for (i = 0; i < *n; i++) {
		if (j > 0 && strcmp(tags[j - 1], tags[i]) == 0) {
			free(tags[i]);
			continue;
		}
		tags[j++] = tags[i];
	}
	*n = j;
}

/* key: a list of strings (tags).  1 when present, 0 absent, <0 on error. */
int loader_get_strings(Loader *L, const Item *it, const char *key, char ***ret, size_t *ret_n)
{
	const LNode *v = loader_map_get(it->map, key);
	char **out = NULL;
	size_t i, n = 0;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	if (!v)
		return 0;
	if (v->type != LN_SEQ) {
		lerr(L, v, it, "value of '%s' must be a list, not %s", key, loader_type_name(v));
		return -EINVAL;
	}
	if (v->nkids > RULES_MAX_TAGS) {
		lerr(L, v, it, "%zu tags, more than the limit of %u", v->nkids, RULES_MAX_TAGS);
		return -EINVAL;
	}
	for (i = 0; i < v->nkids; i++) {
		const LNode *e = v->kids[i];

		r = loader_check_text(L, it, e, "a tag", true);
		if (r < 0)
			goto fail;
		r = ARRAY_RESERVE(out, n, 1);
		if (r < 0)
			goto fail;
		out[n] = strdup(e->str);
		if (!out[n]) {
			r = -ENOMEM;
			goto fail;
		}
		n++;
	}
	*ret = out;
	*ret_n = n;
	return 1;
fail:
	loader_strv_free(out, n);
	return r;
}


SrcPos loader_node_pos(const Loader *L, const LNode *n)
{
	return (SrcPos){ .file = L->file, .line = n->line, .col = n->col };
}

