// SPDX-License-Identifier: MIT
/*
 * The exceptions of a rule: reading their three shapes (a tuple of fields
 * with comps and tuples of values, or a single field with a list of
 * values), Falco's defaults for comps, and merging appended exceptions into
 * a rule (values added to an exception of the same name, new exceptions
 * complete).  Every problem is reported at the value concerned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/loader-internal.h"
#include "rules/loader-item.h"

static const char *const exception_keys[] = { "name", "fields", "comps", "values", NULL };

/* Comparison operators an exception may use (the condition language's). */
static const char *const exception_ops[] = {
	"=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
	"startswith", "endswith", "bstartswith", "glob", "iglob", "pmatch", "in",
	"intersects", "exists", "regex", NULL,
};

/* A list value inside an exception tuple, rendered the way Falco puts it into the condition. */
static int render_inline_list(const ListItem *items, size_t n, char **ret)
{
	size_t i, total = 3;
	char *s, *p;

	for (i = 0; i < n; i++)
		total += strlen(items[i].value) + 4;
	s = p = malloc(total);
	if (!s)
		return -ENOMEM;
	*p++ = '(';
	for (i = 0; i < n; i++) {
		const char *v = items[i].value;
		bool quote = strchr(v, ' ') && v[0] != '"' && v[0] != '\'';

		if (i)
			p = stpcpy(p, ", ");
		if (quote)
			*p++ = '"';
		p = stpcpy(p, v);
		if (quote)
			*p++ = '"';
	}
	*p++ = ')';
	*p = 0;
	*ret = s;
	return 0;
}

/* One entry of a tuple: a string, or a list of strings. */
static int parse_tuple_entry(Loader *L, const Item *it, const LNode *e, ExceptionValue *ev,
			     size_t k)
{
	size_t j;
	int r;

	ev->value_pos[k] = loader_node_pos(L, e);
	if (e->type == LN_SEQ) {
		ListItem *items = new0(ListItem, e->nkids);

		if (!items)
			return -ENOMEM;
		ev->list_items[k] = items;
		for (j = 0; j < e->nkids; j++) {
			r = loader_check_text(L, it, e->kids[j], "an exception value", false);
			if (r < 0)
				return r;
			items[j].value = strdup(e->kids[j]->str);
			if (!items[j].value)
				return -ENOMEM;
			items[j].pos = loader_node_pos(L, e->kids[j]);
			ev->nlist_items[k]++;
		}
		return render_inline_list(items, e->nkids, &ev->values[k]);
	}
	r = loader_check_text(L, it, e, "an exception value", false);
	if (r < 0)
		return r;
	ev->values[k] = strdup(e->str);
	return ev->values[k] ? 0 : -ENOMEM;
}

static int exception_value_alloc(ExceptionValue *ev, size_t nfields)
{
	ev->values = new0(char *, nfields);
	ev->value_pos = new0(SrcPos, nfields);
	ev->list_items = new0(ListItem *, nfields);
	ev->nlist_items = new0(size_t, nfields);
	if (!ev->values || !ev->value_pos || !ev->list_items || !ev->nlist_items)
		return -ENOMEM;
	return 0;
}

/*
 * The values of exception exname, shaped by its fields: one string each for
 * a single field, else tuples of nfields entries.  Appends to *vals.
 */
static int parse_exception_values(Loader *L, const Item *it, const char *exname,
				  const LNode *values, size_t nfields, bool fields_is_list,
				  ExceptionValue **vals, size_t *nvals)
{
	size_t i, k;
	int r, ret = 0;

	if (values->type != LN_SEQ) {
		lerr(L, values, it, "values of exception '%s' must be a list, not %s", exname,
		     loader_type_name(values));
		return -EINVAL;
	}
	for (i = 0; i < values->nkids; i++) {
		const LNode *v = values->kids[i];
		ExceptionValue ev = { .pos = loader_node_pos(L, v) };

		if (!fields_is_list) {
			if (v->type != LN_SCALAR) {
				lerr(L, v, it,
				     "exception '%s' has a single field: its values must be strings, not %s",
				     exname, loader_type_name(v));
				ret = keep_err(ret, -EINVAL);
				continue;
			}
		} else if (v->type != LN_SEQ || v->nkids != nfields) {
			if (v->type == LN_SEQ)
				lerr(L, v, it,
				     "exception '%s' has %zu fields but this value has %zu entries",
				     exname, nfields, v->nkids);
			else
				lerr(L, v, it,
				     "exception '%s' has %zu fields: each value must be a list of %zu entries, not %s",
				     exname, nfields, nfields, loader_type_name(v));
			ret = keep_err(ret, -EINVAL);
			continue;
		}
		r = exception_value_alloc(&ev, nfields);
		for (k = 0; r >= 0 && k < nfields; k++)
			r = parse_tuple_entry(L, it, fields_is_list ? v->kids[k] : v, &ev, k);
		if (r >= 0)
			r = ARRAY_RESERVE(*vals, *nvals, 1);
		if (r < 0) {
			exceptionvalue_done(&ev, nfields);
			ret = keep_err(ret, r);
			if (r == -ENOMEM)
				return r;
			continue;
		}
		(*vals)[(*nvals)++] = ev;
	}
	return ret;
}

static bool is_exception_op(const char *s)
{
	return loader_in_strv(exception_ops, s, strlen(s));
}

/* fields or comps: one string, or a list of strings. */
static int parse_names(Loader *L, const Item *it, const LNode *v, const char *what, char ***ret,
		       SrcPos **ret_pos, size_t *ret_n, bool *ret_is_list)
{
	size_t n = v->type == LN_SEQ ? v->nkids : 1, i;
	int r;

	if (v->type == LN_MAP || (v->type == LN_SEQ && v->nkids == 0)) {
		lerr(L, v, it, "%s must be a string or a non-empty list of strings", what);
		return -EINVAL;
	}
	*ret = new0(char *, n);
	*ret_pos = new0(SrcPos, n);
	*ret_n = 0;
	*ret_is_list = v->type == LN_SEQ;
	if (!*ret || !*ret_pos)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const LNode *e = v->type == LN_SEQ ? v->kids[i] : v;

		r = loader_check_text(L, it, e, what, false);
		if (r < 0)
			return r;
		(*ret)[i] = strdup(e->str);
		if (!(*ret)[i])
			return -ENOMEM;
		(*ret_pos)[i] = loader_node_pos(L, e);
		(*ret_n)++;
	}
	return 0;
}

/* The name of an exception entry (checking the entry's shape). */
static int exception_name(Loader *L, const Item *it, const LNode *ex, const LNode **ret)
{
	const LNode *name;
	int r;

	if (ex->type != LN_MAP) {
		lerr(L, ex, it,
		     "each exception must be a mapping with 'name', 'fields', 'comps' and 'values', not %s",
		     loader_type_name(ex));
		return -EINVAL;
	}
	r = loader_check_keys(L, it, ex, exception_keys, "an exception");
	if (r < 0)
		return r;
	name = loader_map_get(ex, "name");
	if (!name) {
		lerr(L, ex, it, "exception has no 'name'");
		return -EINVAL;
	}
	r = loader_check_text(L, it, name, "exception name", false);
	if (r < 0)
		return r;
	*ret = name;
	return 0;
}

/* A complete exception definition from its mapping. */
static int build_exception(Loader *L, const Item *it, const LNode *ex, const LNode *name,
			   bool values_required, ExceptionDef *out)
{
	const LNode *fields = loader_map_get(ex, "fields"), *comps = loader_map_get(ex, "comps"),
		    *values = loader_map_get(ex, "values");
	size_t i, ncomps = 0;
	bool comps_is_list = false;
	int r;

	memset(out, 0, sizeof(*out));
	out->pos = loader_node_pos(L, ex);
	out->name = strdup(name->str);
	if (!out->name)
		return -ENOMEM;
	if (!fields) {
		lerr(L, ex, it, "exception '%s' has no 'fields'", name->str);
		return -EINVAL;
	}
	r = parse_names(L, it, fields, "exception fields", &out->fields, &out->field_pos,
			&out->nfields, &out->fields_is_list);
	if (r < 0)
		return r;
	if (comps) {
		r = parse_names(L, it, comps, "exception comps", &out->comps, &out->comp_pos, &ncomps,
				&comps_is_list);
		if (r < 0) {
			/* comps holds ncomps strings; keep exceptiondef_done() from reading past them */
			loader_strv_free(out->comps, ncomps);
			out->comps = NULL;
			return r;
		}
		if (out->fields_is_list != comps_is_list || ncomps != out->nfields) {
			loader_strv_free(out->comps, ncomps);
			out->comps = NULL;
			if (out->fields_is_list)
				lerr(L, comps, it,
				     "exception '%s': fields and comps lists must have equal length (%zu fields)",
				     name->str, out->nfields);
			else
				lerr(L, comps, it,
				     "exception '%s': fields and comps must both be strings",
				     name->str);
			return -EINVAL;
		}
		for (i = 0; i < ncomps; i++)
			if (!is_exception_op(out->comps[i])) {
				lerr(L, comps->type == LN_SEQ ? comps->kids[i] : comps, it,
				     "exception '%s': '%s' is not a comparison operator", name->str,
				     out->comps[i]);
				return -EINVAL;
			}
		if (!out->fields_is_list && strcmp(out->comps[0], "in") != 0 &&
		    strcmp(out->comps[0], "pmatch") != 0 && strcmp(out->comps[0], "intersects") != 0) {
			lerr(L, comps, it,
			     "exception '%s': with a single field, comps must be one of in, pmatch, intersects",
			     name->str);
			return -EINVAL;
		}
	} else {
		out->comps = new0(char *, out->nfields);
		out->comp_pos = new0(SrcPos, out->nfields);
		if (!out->comps || !out->comp_pos)
			return -ENOMEM;
		for (i = 0; i < out->nfields; i++) {
			out->comps[i] = strdup(out->fields_is_list ? "=" : "in");
			if (!out->comps[i])
				return -ENOMEM;
			out->comp_pos[i] = out->field_pos[i];
		}
	}
	if (!values) {
		if (values_required) {
			lerr(L, ex, it, "exception '%s' has no 'values'", name->str);
			return -EINVAL;
		}
		return 0;
	}
	return parse_exception_values(L, it, name->str, values, out->nfields, out->fields_is_list,
				      &out->values, &out->nvalues);
}

/* Exceptions of a rule definition (or an override that replaces them). */
int loader_build_exceptions(Loader *L, const Item *it, ExceptionDef **ret, size_t *ret_n)
{
	const LNode *v = loader_map_get(it->map, "exceptions");
	ExceptionDef *out = NULL;
	size_t i, j, n = 0;
	int r, ret_r = 0;

	*ret = NULL;
	*ret_n = 0;
	if (!v || v->null)
		return 0;
	if (v->type != LN_SEQ) {
		lerr(L, v, it, "value of 'exceptions' must be a list, not %s", loader_type_name(v));
		return -EINVAL;
	}
	if (v->nkids > RULES_MAX_EXCEPTIONS) {
		lerr(L, v, it, "%zu exceptions, more than the limit of %u", v->nkids,
		     RULES_MAX_EXCEPTIONS);
		return -EINVAL;
	}
	for (i = 0; i < v->nkids; i++) {
		const LNode *ex = v->kids[i], *name;
		ExceptionDef def;

		r = exception_name(L, it, ex, &name);
		if (r < 0) {
			ret_r = keep_err(ret_r, r);
			continue;
		}
		for (j = 0; j < n; j++)
			if (strcmp(out[j].name, name->str) == 0)
				lwarn(L, ex, it,
				      "multiple definitions of exception '%s' in the same rule",
				      name->str);
		r = build_exception(L, it, ex, name, false, &def);
		if (r >= 0)
			r = ARRAY_RESERVE(out, n, 1);
		if (r < 0) {
			exceptiondef_done(&def);
			ret_r = keep_err(ret_r, r);
			if (r == -ENOMEM)
				break;
			continue;
		}
		out[n++] = def;
	}
	if (ret_r < 0) {
		for (i = 0; i < n; i++)
			exceptiondef_done(&out[i]);
		free(out);
		return ret_r;
	}
	*ret = out;
	*ret_n = n;
	return 1;
}

void loader_excplan_done(ExcPlan *p)
{
	size_t i, j;

	for (i = 0; i < p->nadded; i++)
		exceptiondef_done(&p->added[i]);
	free(p->added);
	for (i = 0; i < p->nappends; i++) {
		for (j = 0; j < p->appends[i].nvalues; j++)
			exceptionvalue_done(&p->appends[i].values[j], p->appends[i].nfields);
		free(p->appends[i].values);
	}
	free(p->appends);
	memset(p, 0, sizeof(*p));
}

/*
 * Falco's append of exceptions: an exception the rule has gets more values
 * (it may not redefine fields or comps); a new one must be complete.
 */
int loader_plan_exceptions(Loader *L, const Item *it, const RuleDef *rule, ExcPlan *plan)
{
	const LNode *v = loader_map_get(it->map, "exceptions");
	size_t i, j;
	int r, ret = 0;

	if (!v || v->null)
		return 0;
	if (v->type != LN_SEQ) {
		lerr(L, v, it, "value of 'exceptions' must be a list, not %s", loader_type_name(v));
		return -EINVAL;
	}
	for (i = 0; i < v->nkids; i++) {
		const LNode *ex = v->kids[i], *name, *values;
		ExceptionDef *pending = NULL, def;
		const ExceptionDef *target = NULL;
		size_t ti = 0;

		r = exception_name(L, it, ex, &name);
		if (r < 0) {
			ret = keep_err(ret, r);
			continue;
		}
		for (j = 0; j < rule->nexceptions && !target; j++)
			if (strcmp(rule->exceptions[j].name, name->str) == 0) {
				target = &rule->exceptions[j];
				ti = j;
			}
		for (j = 0; j < plan->nadded && !target && !pending; j++)
			if (strcmp(plan->added[j].name, name->str) == 0)
				pending = &plan->added[j];
		if (!target && !pending) {
			if (rule->nexceptions + plan->nadded >= RULES_MAX_EXCEPTIONS) {
				lerr(L, ex, it, "rule would have more than the limit of %u exceptions",
				     RULES_MAX_EXCEPTIONS);
				ret = keep_err(ret, -EINVAL);
				continue;
			}
			r = build_exception(L, it, ex, name, true, &def);
			if (r >= 0)
				r = ARRAY_RESERVE(plan->added, plan->nadded, 1);
			if (r < 0) {
				exceptiondef_done(&def);
				ret = keep_err(ret, r);
				if (r == -ENOMEM)
					return r;
				continue;
			}
			plan->added[plan->nadded++] = def;
			continue;
		}
		if (loader_map_get(ex, "fields") || loader_map_get(ex, "comps")) {
			lerr(L, loader_map_key(ex, loader_map_get(ex,
			     "fields") ? "fields" : "comps"), it,
			     "cannot append %s to existing exception '%s', only values",
			     loader_map_get(ex, "fields") ? "fields" : "comps", name->str);
			ret = keep_err(ret, -EINVAL);
			continue;
		}
		values = loader_map_get(ex, "values");
		if (!values) {
			lwarn(L, ex, it, "appending to exception '%s' with no values", name->str);
			continue;
		}
		if (pending) {
			r = parse_exception_values(L, it, name->str, values, pending->nfields,
						   pending->fields_is_list, &pending->values,
						   &pending->nvalues);
		} else {
			ExcAppend a = { .target = ti, .nfields = target->nfields };

			r = parse_exception_values(L, it, name->str, values, target->nfields,
						   target->fields_is_list, &a.values, &a.nvalues);
			if (r >= 0)
				r = ARRAY_RESERVE(plan->appends, plan->nappends, 1);
			if (r < 0) {
				for (j = 0; j < a.nvalues; j++)
					exceptionvalue_done(&a.values[j], a.nfields);
				free(a.values);
			} else {
				plan->appends[plan->nappends++] = a;
			}
		}
		if (r < 0) {
			ret = keep_err(ret, r);
			if (r == -ENOMEM)
				return r;
		}
	}
	return ret;
}

/* Move the plan into the rule.  Only allocation can fail, and that ends the whole load. */
int loader_apply_plan(RuleDef *rule, ExcPlan *plan)
{
	size_t i;
	int r;

	for (i = 0; i < plan->nappends; i++) {
		ExcAppend *a = &plan->appends[i];
		ExceptionDef *t = &rule->exceptions[a->target];

		r = ARRAY_RESERVE(t->values, t->nvalues, a->nvalues);
		if (r < 0)
			return r;
		if (a->nvalues)
			memcpy(t->values + t->nvalues, a->values, a->nvalues * sizeof(*a->values));
		t->nvalues += a->nvalues;
		free(a->values);
		a->values = NULL;
		a->nvalues = 0;
	}
	r = ARRAY_RESERVE(rule->exceptions, rule->nexceptions, plan->nadded);
	if (r < 0)
		return r;
	if (plan->nadded)
		memcpy(rule->exceptions + rule->nexceptions, plan->added,
		       plan->nadded * sizeof(*plan->added));
	rule->nexceptions += plan->nadded;
	free(plan->added);
	plan->added = NULL;
	plan->nadded = 0;
	return 0;
}

