// SPDX-License-Identifier: MIT
/*
 * Hand-built rule sets for tests.  See expr-testutil.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr-testutil.h"

static void *xrealloc(void *p, size_t n, size_t sz)
{
	p = reallocarray(p, n ? n : 1, sz);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		abort();
	return p;
}

static SrcPos pos_at(unsigned line, unsigned col)
{
	return (SrcPos){ .file = TRS_FILE, .line = line, .col = col };
}

void trs_srctext(SrcText *t, const char *s, unsigned line, unsigned col)
{
	SrcPos p = pos_at(line, col);

	srctext_done(t);
	if (srctext_append(t, s, strlen(s), &p) < 0)
		abort();
}

RuleSet *trs_new(void)
{
	RuleSet *rs = calloc(1, sizeof(*rs));

	if (!rs)
		abort();
	return rs;
}

ListDef *trs_list(RuleSet *rs, unsigned line, const char *name, ...)
{
	ListDef *l;
	const char *it;
	va_list ap;

	rs->lists = xrealloc(rs->lists, rs->nlists + 1, sizeof(ListDef));
	l = &rs->lists[rs->nlists++];
	memset(l, 0, sizeof(*l));
	l->name = xstrdup(name);
	l->pos = pos_at(line, 3);
	va_start(ap, name);
	while ((it = va_arg(ap, const char *))) {
		l->items = xrealloc(l->items, l->nitems + 1, sizeof(ListItem));
		l->items[l->nitems].value = xstrdup(it);
		l->items[l->nitems].pos = pos_at(line + 1, 12 + (unsigned)l->nitems * 4);
		l->nitems++;
	}
	va_end(ap);
	return l;
}

MacroDef *trs_macro(RuleSet *rs, unsigned line, const char *name, const char *cond)
{
	MacroDef *m;

	rs->macros = xrealloc(rs->macros, rs->nmacros + 1, sizeof(MacroDef));
	m = &rs->macros[rs->nmacros++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->pos = pos_at(line, 3);
	trs_srctext(&m->condition, cond, line + 1, 14);
	return m;
}

RuleDef *trs_rule(RuleSet *rs, unsigned line, const char *name, const char *cond,
		  const char *output)
{
	RuleDef *r;

	rs->rules = xrealloc(rs->rules, rs->nrules + 1, sizeof(RuleDef));
	r = &rs->rules[rs->nrules++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->pos = pos_at(line, 3);
	r->desc = xstrdup("a test rule");
	trs_srctext(&r->condition, cond, line + 2, 14);
	trs_srctext(&r->output, output ? output : "event %evt.type", line + 3, 11);
	r->priority = PRI_WARNING;
	r->enabled = true;
	r->warn_evttypes = true;
	return r;
}

void trs_tags(RuleDef *r, ...)
{
	const char *t;
	va_list ap;

	va_start(ap, r);
	while ((t = va_arg(ap, const char *))) {
		r->tags = xrealloc(r->tags, r->ntags + 1, sizeof(char *));
		r->tags[r->ntags++] = xstrdup(t);
	}
	va_end(ap);
}

static size_t split(const char *s, char ***ret)
{
	char **v = NULL;
	size_t n = 0;
	const char *p = s;

	if (!s || !*s) {
		*ret = NULL;
		return 0;
	}
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		v = xrealloc(v, n + 1, sizeof(char *));
		v[n] = strndup(p, len);
		if (!v[n])
			abort();
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	*ret = v;
	return n;
}

ExceptionDef *trs_exception(RuleDef *r, unsigned line, const char *name, bool fields_is_list,
			    const char *fields, const char *comps)
{
	ExceptionDef *e;
	char **cv = NULL;
	size_t i, nc;

	r->exceptions = xrealloc(r->exceptions, r->nexceptions + 1, sizeof(ExceptionDef));
	e = &r->exceptions[r->nexceptions++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->pos = pos_at(line, 7);
	e->fields_is_list = fields_is_list;
	e->nfields = split(fields, &e->fields);
	e->field_pos = xrealloc(NULL, e->nfields, sizeof(SrcPos));
	e->comp_pos = xrealloc(NULL, e->nfields, sizeof(SrcPos));
	e->comps = xrealloc(NULL, e->nfields, sizeof(char *));
	nc = split(comps, &cv);
	for (i = 0; i < e->nfields; i++) {
		e->field_pos[i] = pos_at(line + 1, 16 + (unsigned)i * 20);
		e->comp_pos[i] = pos_at(line + 2, 15 + (unsigned)i * 10);
		e->comps[i] = xstrdup(i < nc ? cv[i] : (fields_is_list ? "=" : "in"));
	}
	for (i = 0; i < nc; i++)
		free(cv[i]);
	free(cv);
	return e;
}

void trs_exc_value(ExceptionDef *e, ...)
{
	ExceptionValue *v;
	va_list ap;
	size_t i;

	/* grow by doubling: tests add tens of thousands of values */
	if ((e->nvalues & (e->nvalues - 1)) == 0)
		e->values = xrealloc(e->values, e->nvalues ? e->nvalues * 2 : 1,
				     sizeof(ExceptionValue));
	v = &e->values[e->nvalues];
	memset(v, 0, sizeof(*v));
	v->pos = pos_at(e->pos.line + 3 + (unsigned)e->nvalues, 11);
	v->values = xrealloc(NULL, e->nfields, sizeof(char *));
	v->value_pos = xrealloc(NULL, e->nfields, sizeof(SrcPos));
	v->list_items = calloc(e->nfields ? e->nfields : 1, sizeof(ListItem *));
	v->nlist_items = calloc(e->nfields ? e->nfields : 1, sizeof(size_t));
	if (!v->list_items || !v->nlist_items)
		abort();
	va_start(ap, e);
	for (i = 0; i < e->nfields; i++) {
		const char *s = va_arg(ap, const char *);
		size_t n = strlen(s);

		v->value_pos[i] = pos_at(v->pos.line, 12 + (unsigned)i * 10);
		if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
			char *inner = strndup(s + 1, n - 2), **items;
			size_t k, ni = split(inner, &items);

			v->list_items[i] = xrealloc(NULL, ni, sizeof(ListItem));
			for (k = 0; k < ni; k++) {
				v->list_items[i][k].value = items[k];
				v->list_items[i][k].pos =
					pos_at(v->pos.line, 13 + (unsigned)(i * 10 + k * 3));
			}
			v->nlist_items[i] = ni;
			free(items);
			free(inner);
			v->values[i] = xstrdup(s);
		} else {
			v->values[i] = xstrdup(s);
		}
	}
	va_end(ap);
	e->nvalues++;
}

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void trs_free(RuleSet *rs)
{
	size_t i, j, k;

	if (!rs)
		return;
	for (i = 0; i < rs->nlists; i++) {
		for (j = 0; j < rs->lists[i].nitems; j++)
			free(rs->lists[i].items[j].value);
		free(rs->lists[i].items);
		free(rs->lists[i].name);
	}
	free(rs->lists);
	for (i = 0; i < rs->nmacros; i++) {
		free(rs->macros[i].name);
		srctext_done(&rs->macros[i].condition);
	}
	free(rs->macros);
	for (i = 0; i < rs->nrules; i++) {
		RuleDef *r = &rs->rules[i];

		for (j = 0; j < r->nexceptions; j++) {
			ExceptionDef *e = &r->exceptions[j];

			for (k = 0; k < e->nvalues; k++) {
				ExceptionValue *v = &e->values[k];
				size_t f;

				for (f = 0; f < e->nfields; f++) {
					size_t x;

					for (x = 0; v->list_items[f] && x < v->nlist_items[f]; x++)
						free(v->list_items[f][x].value);
					free(v->list_items[f]);
				}
				strv_free(v->values, e->nfields);
				free(v->value_pos);
				free(v->list_items);
				free(v->nlist_items);
			}
			free(e->values);
			strv_free(e->fields, e->nfields);
			strv_free(e->comps, e->nfields);
			free(e->field_pos);
			free(e->comp_pos);
			free(e->name);
		}
		free(r->exceptions);
		strv_free(r->tags, r->ntags);
		free(r->name);
		free(r->desc);
		free(r->source);
		srctext_done(&r->condition);
		srctext_done(&r->output);
	}
	free(rs->rules);
	free(rs);
}

const Diag *diag_find(const Diags *d, DiagLevel level, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == level && strstr(d->v[i].msg, needle))
			return &d->v[i];
	return NULL;
}

const char *diags_text(const Diags *d)
{
	static char buf[8192];
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < d->n && o < sizeof(buf) - 1; i++) {
		int n = snprintf(buf + o, sizeof(buf) - o, "%s:%u:%u: %s: %s (%s)\n",
				 d->v[i].pos.file ? d->v[i].pos.file : "?", d->v[i].pos.line,
				 d->v[i].pos.col, d->v[i].level == DIAG_ERROR ? "error" : "warning",
				 d->v[i].msg, d->v[i].item ? d->v[i].item : "");

		if (n < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}
