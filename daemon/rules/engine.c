// SPDX-License-Identifier: MIT
/*
 * The rule engine.  See engine.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/arena.h"
#include "rules/engine.h"
#include "rules/expr-internal.h"
#include "rules/field-ext.h"

struct EngineRule {
	const char *name;
	const char *desc;
	const char *source;
	const char **tags;
	size_t ntags;
	Priority priority;
	bool enabled;
	size_t index;
	Expr *expr;
	Format *output;
	EvtTypeSet evts;
	uint64_t hits;
};

struct Engine {
	ExprPool *pool;
	Arena arena; /* rule names, tags, dispatch lists */
	EngineRule *rules;
	size_t nrules;
	size_t nenabled;
	RuleMatching matching;
	/* per event type: the enabled rules that can match it, in rule order */
	uint32_t *dispatch[SAKER_EVT_MAX];
	uint32_t ndispatch[SAKER_EVT_MAX];
	uint64_t bitmap[SAKER_EVT_BITMAP_WORDS];
	EngineStats stats;
};

void engine_options_init(EngineOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->min_priority = PRI_DEBUG;
	o->rule_matching = RULE_MATCHING_FIRST;
}

Engine *engine_free(Engine *e)
{
	if (!e)
		return NULL;
	expr_pool_free(e->pool);
	arena_done(&e->arena);
	free(e->rules);
	free(e);
	return NULL;
}

static const char *dup_str(Engine *e, const char *s)
{
	return arena_strndup(&e->arena, s ? s : "", s ? strlen(s) : 0);
}

static bool has_tag(const RuleDef *r, const char *const *tags, size_t n)
{
	size_t i, j;

	for (i = 0; i < r->ntags; i++)
		for (j = 0; j < n; j++)
			if (r->tags[i] && tags[j] && strcmp(r->tags[i], tags[j]) == 0)
				return true;
	return false;
}

static bool rule_enabled(const RuleDef *r, const EngineOptions *o)
{
	size_t i;

	if (!r->enabled || r->priority > o->min_priority)
		return false;
	for (i = 0; i < o->n_disabled_rules; i++)
		if (o->disabled_rules[i] && r->name && strstr(r->name, o->disabled_rules[i]))
			return false;
	if (has_tag(r, o->disabled_tags, o->n_disabled_tags))
		return false;
	if (o->n_enabled_tags && !has_tag(r, o->enabled_tags, o->n_enabled_tags))
		return false;
	return true;
}

static int rule_warn(Diags *d, const RuleDef *r, const char *fmt, ...) _printf_(3, 4);
static int rule_warn(Diags *d, const RuleDef *r, const char *fmt, ...)
{
	_cleanup_free_ char *item = NULL, *msg = NULL;
	va_list ap;
	int k;

	if (asprintf(&item, "rule '%s'", r->name ? r->name : "") < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	k = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	return diags_add(d, DIAG_WARNING, &r->pos, item, "%s", msg);
}

/* Compile one rule into e->rules[e->nrules]; -EINVAL on reported errors, -ENOENT when skipped. */
static int compile_rule(Engine *e, ExprCompiler *c, const RuleDef *r, const EngineOptions *o,
			Diags *d)
{
	EngineRule *er = &e->rules[e->nrules];
	_cleanup_free_ char *item = NULL;
	size_t i;
	int k, k2;

	if (r->source && strcmp(r->source, "syscall") != 0) {
		k = rule_warn(d, r, "rule source '%s' is not supported: the rule is skipped",
			      r->source);
		return k < 0 ? k : -ENOENT;
	}
	memset(er, 0, sizeof(*er));
	k = expr_compile_rule(c, r, &er->expr);
	if (k == -ENOMEM)
		return k;
	if (asprintf(&item, "rule '%s'", r->name ? r->name : "") < 0)
		return -ENOMEM;
	/* Check the output even when the condition failed: report every error at once. */
	k2 = format_compile(c, &r->output, item, r->skip_if_unknown_filter, &er->output);
	if (k2 == -ENOMEM)
		return k2;
	if (k == -EINVAL || k2 == -EINVAL)
		return -EINVAL;
	if (k < 0 || k2 < 0)
		return -ENOENT;

	/* Falco warns about both extremes unless warn_evttypes: false */
	expr_evttypes(er->expr, &er->evts);
	if (evtset_is_empty(&er->evts) && r->warn_evttypes) {
		k = rule_warn(d, r,
			      "rule can never match: no event type saker captures satisfies its "
			      "condition");
		if (k < 0)
			return k;
	} else if (evtset_is_full(&er->evts) && r->warn_evttypes) {
		k = rule_warn(d, r,
			      "rule matches all event types: consider restricting it with "
			      "evt.type (e.g. evt.type in (open, openat)), every event type has "
			      "a significant performance penalty");
		if (k < 0)
			return k;
	}

	er->name = dup_str(e, r->name);
	er->desc = dup_str(e, r->desc);
	er->source = dup_str(e, r->source ? r->source : "syscall");
	if (!er->name || !er->desc || !er->source)
		return -ENOMEM;
	if (r->ntags) {
		er->tags = arena_alloc_array(&e->arena, r->ntags, sizeof(char *));
		if (!er->tags)
			return -ENOMEM;
		for (i = 0; i < r->ntags; i++) {
			er->tags[i] = dup_str(e, r->tags[i]);
			if (!er->tags[i])
				return -ENOMEM;
		}
	}
	er->ntags = r->ntags;
	er->priority = r->priority;
	er->enabled = rule_enabled(r, o);
	er->index = e->nrules;
	e->nrules++;
	return 0;
}

static int build_dispatch(Engine *e)
{
	size_t i, t, total = 0;
	uint32_t *all, *p;

	for (i = 0; i < e->nrules; i++) {
		if (!e->rules[i].enabled)
			continue;
		e->nenabled++;
		for (t = 0; t < SAKER_EVT_MAX; t++)
			if (evtset_has(&e->rules[i].evts, (unsigned)t)) {
				e->ndispatch[t]++;
				total++;
			}
	}
	all = arena_alloc_array(&e->arena, total ? total : 1, sizeof(uint32_t));
	if (!all)
		return -ENOMEM;
	p = all;
	for (t = 0; t < SAKER_EVT_MAX; t++) {
		e->dispatch[t] = p;
		p += e->ndispatch[t];
		e->ndispatch[t] = 0;
	}
	for (i = 0; i < e->nrules; i++) {
		if (!e->rules[i].enabled)
			continue;
		for (t = 0; t < SAKER_EVT_MAX; t++)
			if (evtset_has(&e->rules[i].evts, (unsigned)t)) {
				e->dispatch[t][e->ndispatch[t]++] = (uint32_t)i;
				e->bitmap[t / 64] |= 1ull << (t % 64);
			}
	}
	return 0;
}

int engine_compile(const RuleSet *rs, const EngineOptions *opts, Diags *d, Engine **ret)
{
	_cleanup_(engine_freep) Engine *e = new0(Engine, 1);
	_cleanup_(expr_compiler_freep) ExprCompiler *c = NULL;
	size_t errors_before = d->nerrors;
	EngineOptions defaults;
	bool failed = false;
	size_t i;
	int r;

	if (!opts) {
		engine_options_init(&defaults);
		opts = &defaults;
	}
	if (!e)
		return -ENOMEM;
	e->matching = opts->rule_matching;
	e->pool = expr_pool_new();
	e->rules = new0(EngineRule, rs->nrules);
	if (!e->pool || !e->rules)
		return -ENOMEM;
	r = expr_compiler_new(rs, e->pool, d, &c);
	if (r < 0)
		return r;
	for (i = 0; i < rs->nrules; i++) {
		r = compile_rule(e, c, &rs->rules[i], opts, d);
		if (r == -ENOMEM)
			return r;
		if (r == -EINVAL)
			failed = true;
	}
	if (opts->warn_unused) {
		r = expr_compiler_warn_unused(c);
		if (r < 0)
			return r;
	}
	/* a macro that does not parse fails the ruleset even when no rule uses it */
	if (failed || d->nerrors > errors_before)
		return -EINVAL;
	r = build_dispatch(e);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(e);
	return 0;
}

const uint64_t *engine_event_bitmap(const Engine *e)
{
	return e->bitmap;
}

int engine_eval(Engine *e, EvalCtx *ctx, EngineMatch *ret_matches, size_t max, size_t *ret_n)
{
	const uint32_t *list;
	size_t i, n, stored = 0;
	unsigned type;
	int found = 0;

	*ret_n = 0;
	if (!ctx->evt)
		return -EINVAL;
	type = ctx->evt->type;
	e->stats.events++;
	if (type >= SAKER_EVT_MAX)
		return 0;
	expr_pool_begin_event(e->pool);
	list = e->dispatch[type];
	n = e->ndispatch[type];
	for (i = 0; i < n; i++) {
		EngineRule *r = &e->rules[list[i]];

		e->stats.rule_evals++;
		if (!expr_eval(r->expr, e->pool, ctx))
			continue;
		r->hits++;
		e->stats.matches++;
		found++;
		if (stored < max)
			ret_matches[stored++].rule = r;
		if (e->matching == RULE_MATCHING_FIRST)
			break;
	}
	*ret_n = stored;
	return found;
}

int engine_render(Engine *e, const EngineRule *r, EvalCtx *ctx, StrBuf *text, StrBuf *values,
		  FormatField *fields)
{
	return format_render(r->output, e->pool, ctx, text, values, fields);
}

size_t engine_rule_count(const Engine *e)
{
	return e->nrules;
}

size_t engine_enabled_count(const Engine *e)
{
	return e->nenabled;
}

const EngineRule *engine_rule(const Engine *e, size_t i)
{
	return i < e->nrules ? &e->rules[i] : NULL;
}

const EngineRule *engine_find_rule(const Engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		if (strcmp(e->rules[i].name, name) == 0)
			return &e->rules[i];
	return NULL;
}

const char *engine_rule_name(const EngineRule *r)
{
	return r->name;
}

const char *engine_rule_desc(const EngineRule *r)
{
	return r->desc;
}

const char *engine_rule_source(const EngineRule *r)
{
	return r->source;
}

Priority engine_rule_priority(const EngineRule *r)
{
	return r->priority;
}

const char *const *engine_rule_tags(const EngineRule *r, size_t *ret_n)
{
	*ret_n = r->ntags;
	return r->tags;
}

bool engine_rule_enabled(const EngineRule *r)
{
	return r->enabled;
}

uint64_t engine_rule_hits(const EngineRule *r)
{
	return r->hits;
}

size_t engine_rule_index(const EngineRule *r)
{
	return r->index;
}

const Format *engine_rule_format(const EngineRule *r)
{
	return r->output;
}

size_t engine_rule_nfields(const EngineRule *r)
{
	return format_nfields(r->output);
}

const char *engine_rule_field_name(const EngineRule *r, size_t i)
{
	return format_field_name(r->output, i);
}

const EvtTypeSet *engine_rule_evttypes(const EngineRule *r)
{
	return &r->evts;
}

/* ---- domain names for the resolver ---- */

/* Longest host name (RFC 1035: 255 bytes on the wire, 253 as text) and label. */
#define DNS_NAME_MAX 253
#define DNS_LABEL_MAX 63

/* A host name as the resolver can look it up: labels of [a-z0-9_-], 1 to 63 long. */
static bool is_host_name(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > DNS_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '_') {
			if (++label > DNS_LABEL_MAX)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}

static int dns_add(StrSet *names, const char *s, size_t len)
{
	char buf[DNS_NAME_MAX + 1];
	size_t i;

	if (len && s[len - 1] == '.')
		len--;
	if (len > DNS_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	if (!is_host_name(buf, len))
		return 0;
	return strset_add(names, buf, len);
}

static int dns_collect_cmp(const ExprCmp *x, StrSet *names)
{
	size_t i, n, len;
	int r;

	if (x->lhs->is_xform || !field_is_dns_name(x->lhs->def) || x->rhs || x->cls != CC_STR)
		return 0;
	switch (x->op) {
	case OP_EQ:
	case OP_NE:
		return x->str ? dns_add(names, x->str, x->len) : 0;
	case OP_IN:
	case OP_INTERSECTS:
		n = x->set ? strset_size(x->set) : 0;
		for (i = 0; i < n; i++) {
			const char *s = strset_item(x->set, i, &len);

			r = s ? dns_add(names, s, len) : 0;
			if (r < 0)
				return r;
		}
		return 0;
	default:
		return 0;
	}
}

/* Walk e; a macro (EX_MEMO) is shared by its users and walked once (seen). */
static int dns_collect(const Expr *e, StrSet *names, StrSet *seen, unsigned depth)
{
	size_t i;
	int r;

	/* the compiler bounds nesting (EXPR_MAX_COMPILE_DEPTH); stay safe regardless */
	if (depth > 2 * EXPR_MAX_COMPILE_DEPTH)
		return 0;
	switch (e->kind) {
	case EX_AND:
	case EX_OR:
		for (i = 0; i < e->n; i++) {
			r = dns_collect(e->kids[i], names, seen, depth + 1);
			if (r < 0)
				return r;
		}
		return 0;
	case EX_NOT:
		return dns_collect(e->kid, names, seen, depth + 1);
	case EX_MEMO:
		if (strset_contains(seen, &e, sizeof(e)))
			return 0;
		r = strset_add(seen, &e, sizeof(e));
		if (r < 0)
			return r;
		return dns_collect(e->kid, names, seen, depth + 1);
	case EX_CMP:
		return dns_collect_cmp(e->cmp, names);
	default:
		return 0;
	}
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **engine_dns_names_free(char **names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
	return NULL;
}

int engine_dns_names(const Engine *e, char ***ret_names, size_t *ret_n)
{
	_cleanup_(strset_freep) StrSet *names = strset_new(), *seen = strset_new();
	char **v;
	size_t i, n, len;
	int r;

	if (!names || !seen)
		return -ENOMEM;
	for (i = 0; i < e->nrules; i++) {
		if (!e->rules[i].enabled || !e->rules[i].expr)
			continue;
		r = dns_collect(e->rules[i].expr, names, seen, 0);
		if (r < 0)
			return r;
	}
	n = strset_size(names);
	v = new0(char *, n + 1);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *s = strset_item(names, i, &len);

		v[i] = s ? strndup(s, len) : NULL;
		if (!v[i]) {
			engine_dns_names_free(v);
			return -ENOMEM;
		}
	}
	qsort(v, n, sizeof(*v), cmp_strp);
	*ret_names = v;
	*ret_n = n;
	return 0;
}

void engine_stats(const Engine *e, EngineStats *ret)
{
	*ret = e->stats;
}
