// SPDX-License-Identifier: MIT
/*
 * The loaded ruleset: ownership of lists, macros and rules, their name
 * indexes, interned file names and priorities.  The YAML side lives in
 * loader.c; this file only knows the data model of ruleset.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/loader-internal.h"
#include "rules/ruleset.h"

static const struct {
	const char *name;
	const char *display;
} priority_names[_PRI_MAX] = {
	[PRI_EMERGENCY] = { "emergency", "Emergency" },
	[PRI_ALERT] = { "alert", "Alert" },
	[PRI_CRITICAL] = { "critical", "Critical" },
	[PRI_ERROR] = { "error", "Error" },
	[PRI_WARNING] = { "warning", "Warning" },
	[PRI_NOTICE] = { "notice", "Notice" },
	[PRI_INFORMATIONAL] = { "informational", "Informational" },
	[PRI_DEBUG] = { "debug", "Debug" },
};

Priority priority_from_string(const char *s)
{
	int i;

	if (!s)
		return PRI_INVALID;
	for (i = 0; i < _PRI_MAX; i++)
		if (strcasecmp(s, priority_names[i].name) == 0)
			return (Priority)i;
	if (strcasecmp(s, "info") == 0)
		return PRI_INFORMATIONAL;
	return PRI_INVALID;
}

const char *priority_to_string(Priority p)
{
	if (p < 0 || p >= _PRI_MAX)
		return NULL;
	return priority_names[p].name;
}

const char *priority_to_display(Priority p)
{
	if (p < 0 || p >= _PRI_MAX)
		return NULL;
	return priority_names[p].display;
}

static size_t implied_cap(size_t n)
{
	size_t c = 4;

	if (n == 0)
		return 0;
	while (c < n)
		c *= 2;
	return c;
}

int array_reserve(void **p, size_t n, size_t add, size_t size)
{
	size_t want, cap;
	void *np;

	if (add == 0)
		return 0;
	if (add > SIZE_MAX / 2 - n)
		return -ENOMEM;
	want = implied_cap(n + add);
	cap = implied_cap(n);
	if (want <= cap && *p)
		return 0;
	np = reallocarray(*p, want ? want : 1, size);
	if (!np)
		return -ENOMEM;
	*p = np;
	return 0;
}

int ruleset_index_put(StrMap *m, const char *name, size_t idx)
{
	return strmap_put(m, name, strlen(name), (void *)(uintptr_t)(idx + 1));
}

bool ruleset_index_get(const StrMap *m, const char *name, size_t *ret_idx)
{
	void *v;

	if (!m || !name || !strmap_get(m, name, strlen(name), &v))
		return false;
	if (ret_idx)
		*ret_idx = (size_t)(uintptr_t)v - 1;
	return true;
}

int ruleset_intern_file(RuleSet *rs, const char *name, const char **ret)
{
	_cleanup_free_ char *copy = NULL;
	void *v;
	int r;

	if (strmap_get(rs->files, name, strlen(name), &v)) {
		*ret = v;
		return 0;
	}
	if (strmap_size(rs->files) >= RULES_MAX_FILES)
		return -E2BIG;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	r = strmap_put(rs->files, name, strlen(name), copy);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(copy);
	return 0;
}

static void strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void listdef_done(ListDef *l)
{
	size_t i;

	free(l->name);
	for (i = 0; i < l->nitems; i++)
		free(l->items[i].value);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void macrodef_done(MacroDef *m)
{
	free(m->name);
	srctext_done(&m->condition);
	memset(m, 0, sizeof(*m));
}

void exceptionvalue_done(ExceptionValue *v, size_t nfields)
{
	size_t i, j;

	strv_free(v->values, nfields);
	free(v->value_pos);
	if (v->list_items) {
		for (i = 0; i < nfields; i++) {
			if (!v->list_items[i])
				continue;
			for (j = 0; j < v->nlist_items[i]; j++)
				free(v->list_items[i][j].value);
			free(v->list_items[i]);
		}
	}
	free(v->list_items);
	free(v->nlist_items);
	memset(v, 0, sizeof(*v));
}

void exceptiondef_done(ExceptionDef *e)
{
	size_t i;

	free(e->name);
	strv_free(e->fields, e->nfields);
	free(e->field_pos);
	strv_free(e->comps, e->nfields);
	free(e->comp_pos);
	for (i = 0; i < e->nvalues; i++)
		exceptionvalue_done(&e->values[i], e->nfields);
	free(e->values);
	memset(e, 0, sizeof(*e));
}

void ruledef_done(RuleDef *r)
{
	size_t i;

	free(r->name);
	free(r->desc);
	srctext_done(&r->condition);
	srctext_done(&r->output);
	strv_free(r->tags, r->ntags);
	for (i = 0; i < r->nexceptions; i++)
		exceptiondef_done(&r->exceptions[i]);
	free(r->exceptions);
	free(r->source);
	memset(r, 0, sizeof(*r));
}

RuleSet *ruleset_new(void)
{
	_cleanup_(ruleset_freep) RuleSet *rs = new0(RuleSet, 1);

	if (!rs)
		return NULL;
	rs->list_index = strmap_new();
	rs->macro_index = strmap_new();
	rs->rule_index = strmap_new();
	rs->files = strmap_new();
	if (!rs->list_index || !rs->macro_index || !rs->rule_index || !rs->files)
		return NULL;
	return TAKE_PTR(rs);
}

RuleSet *ruleset_free(RuleSet *rs)
{
	size_t i;
	void *v;

	if (!rs)
		return NULL;
	for (i = 0; i < rs->nlists; i++)
		listdef_done(&rs->lists[i]);
	free(rs->lists);
	for (i = 0; i < rs->nmacros; i++)
		macrodef_done(&rs->macros[i]);
	free(rs->macros);
	for (i = 0; i < rs->nrules; i++)
		ruledef_done(&rs->rules[i]);
	free(rs->rules);
	strmap_free(rs->list_index);
	strmap_free(rs->macro_index);
	strmap_free(rs->rule_index);
	if (rs->files) {
		size_t it = 0;

		while (strmap_next(rs->files, &it, NULL, NULL, &v))
			free(v);
		strmap_free(rs->files);
	}
	free(rs->required_engine_version);
	free(rs);
	return NULL;
}

const ListDef *ruleset_find_list(const RuleSet *rs, const char *name)
{
	size_t i;

	if (!rs || !ruleset_index_get(rs->list_index, name, &i))
		return NULL;
	return &rs->lists[i];
}

const MacroDef *ruleset_find_macro(const RuleSet *rs, const char *name)
{
	size_t i;

	if (!rs || !ruleset_index_get(rs->macro_index, name, &i))
		return NULL;
	return &rs->macros[i];
}

const RuleDef *ruleset_find_rule(const RuleSet *rs, const char *name)
{
	size_t i;

	if (!rs || !ruleset_index_get(rs->rule_index, name, &i))
		return NULL;
	return &rs->rules[i];
}
