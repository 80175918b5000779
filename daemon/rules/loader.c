// SPDX-License-Identifier: MIT
/*
 * The rules-file loader: Falco-format YAML rule files into a RuleSet.
 * loader-yaml.c turns the bytes into a bounded tree per document; this file
 * gives the items their meaning and applies them in order on top of what
 * earlier files defined, with Falco's semantics for redefinition,
 * "append: true" and "override:".  Every item is checked completely before
 * anything of it is applied, so a bad item leaves the ruleset as it was and
 * the items after it are still loaded (and checked) — one run reports every
 * problem of a file.
 *
 * Grammar (YAML 1.1 as libyaml reads it; names in capitals are scalars):
 *
 *   file       := document*                 documents separated by "---"
 *   document   := <empty> | null | '[' item* ']'
 *   item       := null                      (skipped)
 *               | { rule: NAME, rule-key* }
 *               | { macro: NAME, condition: TEXT, change? }
 *               | { list: NAME, items: '[' SCALAR* ']', change? }
 *               | { required_engine_version: SEMVER | INTEGER }
 *               | { required_plugin_versions: any }     (ignored, warning)
 *   change     := append: BOOL                          (deprecated, warning)
 *               | override: { KEY: (append | replace), ... }
 *   rule-key   := desc: TEXT | condition: TEXT | output: TEXT
 *               | priority: PRIORITY | source: NAME
 *               | tags: '[' SCALAR* ']' | enabled: BOOL
 *               | warn_evttypes: BOOL | skip-if-unknown-filter: BOOL
 *               | exceptions: '[' exception* ']' | change
 *   exception  := { name: NAME, fields: FIELDS, comps: COMPS?, values: '[' value* ']'? }
 *   FIELDS     := FIELD | '[' FIELD+ ']'          COMPS the same shape, OP each
 *   value      := SCALAR                          when fields is a single FIELD
 *               | '[' (SCALAR | '[' SCALAR* ']'){n} ']'   n = number of fields
 *   PRIORITY   := emergency | alert | critical | error | warning | notice
 *               | informational | info | debug    (any case)
 *   BOOL       := true | false | yes | no | on | off | y | n  (lower, Capitalised or UPPER)
 *
 * Unknown keys are warnings (Falco's too); an item whose kind is none of the
 * above is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "rules/loader-internal.h"
#include "rules/loader-item.h"
#include "rules/loader-yaml.h"
#include "rules/ruleset.h"

/* Keys "override:" can name; one bit each. */
enum {
	KEY_CONDITION = 1u << 0,
	KEY_OUTPUT = 1u << 1,
	KEY_DESC = 1u << 2,
	KEY_TAGS = 1u << 3,
	KEY_EXCEPTIONS = 1u << 4,
	KEY_PRIORITY = 1u << 5,
	KEY_ENABLED = 1u << 6,
	KEY_WARN_EVTTYPES = 1u << 7,
	KEY_SKIP_UNKNOWN = 1u << 8,
	KEY_ITEMS = 1u << 9,
};

static const struct {
	const char *name;
	unsigned bit;
} override_keys[] = {
	{ "condition", KEY_CONDITION },
	{ "output", KEY_OUTPUT },
	{ "desc", KEY_DESC },
	{ "tags", KEY_TAGS },
	{ "exceptions", KEY_EXCEPTIONS },
	{ "priority", KEY_PRIORITY },
	{ "enabled", KEY_ENABLED },
	{ "warn_evttypes", KEY_WARN_EVTTYPES },
	{ "skip-if-unknown-filter", KEY_SKIP_UNKNOWN },
	{ "items", KEY_ITEMS },
};

/* What Falco lets "override:" do with each key of a rule. */
#define RULE_CAN_APPEND (KEY_CONDITION | KEY_OUTPUT | KEY_DESC | KEY_TAGS | KEY_EXCEPTIONS)
#define RULE_CAN_REPLACE                                                                     \
	(KEY_CONDITION | KEY_OUTPUT | KEY_DESC | KEY_PRIORITY | KEY_TAGS | KEY_EXCEPTIONS |    \
	 KEY_ENABLED | KEY_WARN_EVTTYPES | KEY_SKIP_UNKNOWN)

static const char *const rule_keys[] = { "rule", "desc", "condition", "output", "priority",
					 "tags", "enabled", "exceptions", "source", "override",
					 "append", "warn_evttypes", "skip-if-unknown-filter", NULL };
static const char *const macro_keys[] = { "macro", "condition", "override", "append", NULL };
static const char *const list_keys[] = { "list", "items", "override", "append", NULL };
static const char *const item_kinds[] = { "rule", "macro", "list", "required_engine_version",
					  "required_plugin_versions", NULL };

/* -------------------------------------------------------------------------------------------- */
/* override: */

static unsigned override_bit(const LNode *key)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(override_keys); i++)
		if (scalar_is(key, override_keys[i].name))
			return override_keys[i].bit;
	return 0;
}

static void key_names(unsigned bits, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < ELEMENTSOF(override_keys); i++)
		if (bits & override_keys[i].bit) {
			int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 override_keys[i].name);

			if (w < 0 || (size_t)w >= size - used)
				return;
			used += (size_t)w;
		}
}

/*
 * Read "override:" into bit sets of keys to append and to replace.  Returns
 * 1 when there is at least one, 0 when none, -EINVAL (reported).
 */
static int get_override(Loader *L, const Item *it, unsigned can_append, unsigned can_replace,
			unsigned *ret_append, unsigned *ret_replace)
{
	const LNode *v = loader_map_get(it->map, "override");
	unsigned app = 0, rep = 0;
	char allowed[256];
	size_t i;

	*ret_append = *ret_replace = 0;
	if (!v || v->null)
		return 0;
	if (v->type != LN_MAP) {
		lerr(L, v, it,
		     "value of 'override' must be a mapping of keys to 'append' or 'replace', not %s",
		     loader_type_name(v));
		return -EINVAL;
	}
	for (i = 0; i + 1 < v->nkids; i += 2) {
		const LNode *key = v->kids[i], *op = v->kids[i + 1];
		unsigned bit;

		if (key->type != LN_SCALAR || key->null) {
			lerr(L, key, it,
			     "keys of 'override' must be strings, not %s", loader_type_name(key));
			return -EINVAL;
		}
		bit = override_bit(key);
		if (!bit || !((can_append | can_replace) & bit)) {
			key_names(can_append | can_replace, allowed, sizeof(allowed));
			lerr(L, key, it, "'%.*s' cannot be overridden; keys that can: %s",
			     (int)MIN(key->len, 100u), key->str, allowed);
			return -EINVAL;
		}
		if ((app | rep) & bit) {
			lerr(L, key, it,
			     "'%s' appears more than once under 'override' (append and replace cannot be used together)",
			     key->str);
			return -EINVAL;
		}
		if (scalar_is(op, "append")) {
			if (!(can_append & bit)) {
				lerr(L, key, it,
				     "'%s' cannot be appended to, use 'replace' instead",
				     key->str);
				return -EINVAL;
			}
			app |= bit;
		} else if (scalar_is(op, "replace")) {
			if (!(can_replace & bit)) {
				lerr(L, key, it,
				     "'%s' cannot be replaced, only appended to", key->str);
				return -EINVAL;
			}
			rep |= bit;
		} else {
			lerr(L, op, it,
			     "invalid override operation for '%s': allowed values are %s",
			     key->str,
			     (can_append & can_replace & bit) ? "'append' and 'replace'"
			     : (can_append & bit)		? "'append'"
								: "'replace'");
			return -EINVAL;
		}
	}
	*ret_append = app;
	*ret_replace = rep;
	return (app | rep) ? 1 : 0;
}

/* -------------------------------------------------------------------------------------------- */
/* text appends */

/* dst + sep + src, src keeping its own anchors; on failure dst is as it was. */
static int srctext_concat(SrcText *dst, const char *sep, const SrcText *src)
{
	size_t len0 = dst->len, nanchors0 = dst->nanchors, i;
	int r = 0;

	if (sep)
		r = srctext_append_raw(dst, sep, strlen(sep));
	for (i = 0; r >= 0 && i < src->nanchors; i++) {
		size_t off = src->anchors[i].off;
		size_t end = i + 1 < src->nanchors ? src->anchors[i + 1].off : src->len;

		r = srctext_append(dst, src->text + off, end - off, &src->anchors[i].pos);
	}
	if (r < 0 && dst->text) {
		dst->len = len0;
		dst->nanchors = nanchors0;
		dst->text[len0] = 0;
	}
	return r;
}

static int append_text(Loader *L, const Item *it, const char *what, SrcText *dst,
		       const SrcText *src)
{
	int r;

	if (src->len == 0)
		return 0;
	r = srctext_concat(dst, " ", src);
	if (r == -E2BIG)
		lerr(L, it->map, it, "%s becomes too long with this append", what);
	return r;
}

static int append_desc(char **desc, const char *more)
{
	char *s;

	if (!more || !*more)
		return 0;
	if (asprintf(&s, "%s %s", *desc ? *desc : "", more) < 0)
		return -ENOMEM;
	free(*desc);
	*desc = s;
	return 0;
}

static int cmp_tag(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

/* How many of tags (sorted, unique) the rule (tags sorted, unique) does not have yet. */
static size_t count_new_tags(const RuleDef *rule, char **tags, size_t ntags)
{
	size_t i, n = 0;

	for (i = 0; i < ntags; i++)
		if (!rule->ntags ||
		    !bsearch(tags[i], rule->tags, rule->ntags, sizeof(*rule->tags), cmp_tag))
			n++;
	return n;
}

static int append_tags(RuleDef *rule, char **tags, size_t *ntags)
{
	int r = ARRAY_RESERVE(rule->tags, rule->ntags, *ntags);

	if (r < 0)
		return r;
	if (*ntags)
		memcpy(rule->tags + rule->ntags, tags, *ntags * sizeof(*tags));
	rule->ntags += *ntags;
	*ntags = 0;
	loader_tags_normalize(rule->tags, &rule->ntags);
	return 0;
}

/* -------------------------------------------------------------------------------------------- */
/* rules */

static RuleDef *find_rule(Loader *L, const char *name)
{
	size_t i;

	if (!ruleset_index_get(L->rs->rule_index, name, &i))
		return NULL;
	return &L->rs->rules[i];
}

/* Warn about keys an item of this form does not use. */
static void warn_unused(Loader *L, const Item *it, const char *const *unused, const char *why)
{
	for (; *unused; unused++) {
		const LNode *k = loader_map_key(it->map, *unused);

		if (k)
			lwarn(L, k, it, "key '%s' is ignored %s", *unused, why);
	}
}

static int rule_define(Loader *L, const Item *it, const char *name)
{
	static const char *const required[] = { "condition", "output", "desc", "priority", NULL };
	_cleanup_(ruledef_done) RuleDef def = {
		.pos = loader_node_pos(L, it->map),
		.priority = PRI_INVALID,
		.enabled = true,
		.warn_evttypes = true,
	};
	RuleDef *old;
	size_t i;
	int r = 0, q;

	for (i = 0; required[i]; i++)
		if (!loader_map_get(it->map, required[i])) {
			lerr(L, it->map, it, "missing required key '%s'", required[i]);
			r = -EINVAL;
		}
	def.name = strdup(name);
	if (!def.name)
		return -ENOMEM;
	r = keep_err(r, loader_get_string(L, it, "desc", &def.desc));
	r = keep_err(r, loader_get_srctext(L, it, "condition", false, &def.condition));
	r = keep_err(r, loader_get_srctext(L, it, "output", true, &def.output));
	r = keep_err(r, loader_get_priority(L, it, &def.priority));
	q = loader_get_string(L, it, "source", &def.source);
	r = keep_err(r, q);
	if (q == 0) {
		def.source = strdup("syscall");
		if (!def.source)
			return -ENOMEM;
	}
	r = keep_err(r, loader_get_bool(L, it, "enabled", &def.enabled));
	r = keep_err(r, loader_get_bool(L, it, "warn_evttypes", &def.warn_evttypes));
	r = keep_err(r, loader_get_bool(L, it, "skip-if-unknown-filter", &def.skip_if_unknown_filter));
	r = keep_err(r, loader_get_strings(L, it, "tags", &def.tags, &def.ntags));
	r = keep_err(r, loader_build_exceptions(L, it, &def.exceptions, &def.nexceptions));
	if (r < 0)
		return r;
	loader_tags_normalize(def.tags, &def.ntags);

	old = find_rule(L, name);
	if (old) {
		/* Redefinition: replaces the rule where it was (Falco keeps the first position). */
		if (strcmp(old->source, def.source) != 0) {
			lerr(L, it->map, it,
			     "rule has been redefined with a different source ('%s', was '%s')",
			     def.source, old->source);
			return -EINVAL;
		}
		ruledef_done(old);
		*old = def;
		memset(&def, 0, sizeof(def));
		return 0;
	}
	if (L->rs->nrules >= RULES_MAX_RULES) {
		lerr(L, it->map, it, "too many rules: the limit is %u", RULES_MAX_RULES);
		return -EINVAL;
	}
	r = ARRAY_RESERVE(L->rs->rules, L->rs->nrules, 1);
	if (r < 0)
		return r;
	r = ruleset_index_put(L->rs->rule_index, name, L->rs->nrules);
	if (r < 0)
		return r;
	L->rs->rules[L->rs->nrules++] = def;
	memset(&def, 0, sizeof(def));
	return 0;
}

/* "- rule: X / enabled: false" alone: switch an existing rule (deprecated form). */
static int rule_enable(Loader *L, const Item *it, const char *name)
{
	static const char *const unused[] = { "tags", "exceptions", "source", "warn_evttypes",
					      "skip-if-unknown-filter", NULL };
	RuleDef *rule;
	bool enabled;
	int r;

	r = loader_get_bool(L, it, "enabled", &enabled);
	if (r < 0)
		return r;
	if (r == 0) {
		lerr(L, it->map, it,
		     "missing required keys: a rule needs 'condition', 'output', 'desc' and 'priority' (or only 'enabled' to switch an existing rule on or off)");
		return -EINVAL;
	}
	lwarn(L, loader_map_key(it->map, "enabled"), it,
	      "the standalone 'enabled' key is deprecated: add 'override: {enabled: replace}'");
	warn_unused(L, it, unused, "when only switching a rule on or off");
	rule = find_rule(L, name);
	if (!rule) {
		lerr(L, it->map, it,
		     "rule has 'enabled' key but no rule by that name already exists");
		return -EINVAL;
	}
	rule->enabled = enabled;
	return 0;
}

/* "append: true" (deprecated): the condition and the exceptions grow. */
static int rule_append(Loader *L, const Item *it, const char *name)
{
	static const char *const unused[] = { "desc", "output", "priority", "tags", "enabled",
					      "source", "warn_evttypes", "skip-if-unknown-filter",
					      NULL };
	_cleanup_(srctext_done) SrcText cond = { 0 };
	ExcPlan plan = { 0 };
	RuleDef *rule;
	int r, has_cond;

	rule = find_rule(L, name);
	if (!rule) {
		lerr(L, it->map, it, "rule uses 'append' but no rule by that name already exists");
		return -EINVAL;
	}
	warn_unused(L, it, unused, "with 'append: true' (only condition and exceptions are appended)");
	has_cond = loader_get_srctext(L, it, "condition", false, &cond);
	r = has_cond < 0 ? has_cond : 0;
	r = keep_err(r, loader_plan_exceptions(L, it, rule, &plan));
	if (r >= 0 && has_cond == 0 && !loader_map_get(it->map, "exceptions")) {
		lerr(L, it->map, it, "appended rule must have exceptions or condition property");
		r = -EINVAL;
	}
	if (r >= 0 && has_cond > 0)
		r = append_text(L, it, "the condition", &rule->condition, &cond);
	if (r >= 0)
		r = loader_apply_plan(rule, &plan);
	loader_excplan_done(&plan);
	return r;
}

/* Everything an "override:" item changes, checked before any of it is applied. */
typedef struct RuleChange {
	SrcText cond_app, out_app, cond, out;
	char *desc_app, *desc;
	char **tags_app, **tags;
	size_t ntags_app, ntags;
	ExcPlan exc_app;
	ExceptionDef *exc;
	size_t nexc;
	Priority priority;
	bool enabled, warn_evttypes, skip_if_unknown_filter;
} RuleChange;

static void rulechange_done(RuleChange *c)
{
	size_t i;

	srctext_done(&c->cond_app);
	srctext_done(&c->out_app);
	srctext_done(&c->cond);
	srctext_done(&c->out);
	free(c->desc_app);
	free(c->desc);
	loader_strv_free(c->tags_app, c->ntags_app);
	loader_strv_free(c->tags, c->ntags);
	loader_excplan_done(&c->exc_app);
	for (i = 0; i < c->nexc; i++)
		exceptiondef_done(&c->exc[i]);
	free(c->exc);
}

static int rule_override(Loader *L, const Item *it, const char *name, unsigned app, unsigned rep)
{
	static const char *const unused[] = { "source", NULL };
	_cleanup_(rulechange_done) RuleChange c = { .priority = PRI_INVALID };
	unsigned present = 0, b;
	RuleDef *rule;
	size_t i;
	int r = 0;

	/*
	 * Each key named under override must be in the item, and each
	 * overridable key in the item must be named under override.
	 */
	for (i = 0; i < ELEMENTSOF(override_keys); i++) {
		b = override_keys[i].bit;
		if (!((RULE_CAN_APPEND | RULE_CAN_REPLACE) & b))
			continue;
		if (loader_map_get(it->map, override_keys[i].name))
			present |= b;
		if (((app | rep) & b) && !(present & b)) {
			lerr(L, loader_map_key(it->map, "override"), it,
			     "an %s override for '%s' was specified but '%s' is not defined",
			     (app & b) ? "append" : "replace", override_keys[i].name,
			     override_keys[i].name);
			r = -EINVAL;
		}
		if ((present & b) && !((app | rep) & b)) {
			lerr(L, loader_map_key(it->map, override_keys[i].name), it,
			     "unexpected key '%s': no corresponding entry under 'override' is defined",
			     override_keys[i].name);
			r = -EINVAL;
		}
	}
	if (r < 0)
		return r;
	rule = find_rule(L, name);
	if (!rule) {
		if (app)
			lerr(L, it->map, it,
			     "rule uses 'override' to append but no rule by that name already exists");
		else
			lerr(L, it->map, it,
			     "rule uses 'override' to replace but no rule by that name already exists");
		return -EINVAL;
	}
	warn_unused(L, it, unused, "in an override");

	if (app & KEY_CONDITION)
		r = keep_err(r, loader_get_srctext(L, it, "condition", false, &c.cond_app));
	if (app & KEY_OUTPUT)
		r = keep_err(r, loader_get_srctext(L, it, "output", true, &c.out_app));
	if (app & KEY_DESC) {
		r = keep_err(r, loader_get_string(L, it, "desc", &c.desc_app));
		if (c.desc_app && rule->desc &&
		    strlen(rule->desc) + 1 + strlen(c.desc_app) > RULES_MAX_DESC) {
			lerr(L, loader_map_get(it->map, "desc"), it,
			     "desc becomes longer than the limit of %u bytes with this append",
			     RULES_MAX_DESC);
			r = keep_err(r, -EINVAL);
		}
	}
	if (app & KEY_TAGS) {
		r = keep_err(r, loader_get_strings(L, it, "tags", &c.tags_app, &c.ntags_app));
		loader_tags_normalize(c.tags_app, &c.ntags_app);
		if (count_new_tags(rule, c.tags_app, c.ntags_app) + rule->ntags > RULES_MAX_TAGS) {
			lerr(L, loader_map_get(it->map, "tags"), it,
			     "rule would have more than the limit of %u tags", RULES_MAX_TAGS);
			r = keep_err(r, -EINVAL);
		}
	}
	if (app & KEY_EXCEPTIONS)
		r = keep_err(r, loader_plan_exceptions(L, it, rule, &c.exc_app));
	if (rep & KEY_CONDITION)
		r = keep_err(r, loader_get_srctext(L, it, "condition", false, &c.cond));
	if (rep & KEY_OUTPUT)
		r = keep_err(r, loader_get_srctext(L, it, "output", true, &c.out));
	if (rep & KEY_DESC)
		r = keep_err(r, loader_get_string(L, it, "desc", &c.desc));
	if (rep & KEY_TAGS)
		r = keep_err(r, loader_get_strings(L, it, "tags", &c.tags, &c.ntags));
	if (rep & KEY_EXCEPTIONS)
		r = keep_err(r, loader_build_exceptions(L, it, &c.exc, &c.nexc));
	if (rep & KEY_PRIORITY)
		r = keep_err(r, loader_get_priority(L, it, &c.priority));
	if (rep & KEY_ENABLED)
		r = keep_err(r, loader_get_bool(L, it, "enabled", &c.enabled));
	if (rep & KEY_WARN_EVTTYPES)
		r = keep_err(r, loader_get_bool(L, it, "warn_evttypes", &c.warn_evttypes));
	if (rep & KEY_SKIP_UNKNOWN)
		r = keep_err(r, loader_get_bool(L, it, "skip-if-unknown-filter", &c.skip_if_unknown_filter));
	if (r < 0)
		return r;

	/* Appends first, then replacements, as Falco applies them. */
	if (app & KEY_CONDITION) {
		r = append_text(L, it, "the condition", &rule->condition, &c.cond_app);
		if (r < 0)
			return r;
	}
	if (app & KEY_OUTPUT) {
		r = append_text(L, it, "the output", &rule->output, &c.out_app);
		if (r < 0)
			return r;
	}
	if ((app & KEY_DESC) && append_desc(&rule->desc, c.desc_app) < 0)
		return -ENOMEM;
	if ((app & KEY_TAGS) && append_tags(rule, c.tags_app, &c.ntags_app) < 0)
		return -ENOMEM;
	if ((app & KEY_EXCEPTIONS) && loader_apply_plan(rule, &c.exc_app) < 0)
		return -ENOMEM;
	if (rep & KEY_CONDITION) {
		srctext_done(&rule->condition);
		rule->condition = c.cond;
		memset(&c.cond, 0, sizeof(c.cond));
	}
	if (rep & KEY_OUTPUT) {
		srctext_done(&rule->output);
		rule->output = c.out;
		memset(&c.out, 0, sizeof(c.out));
	}
	if (rep & KEY_DESC) {
		free(rule->desc);
		rule->desc = TAKE_PTR(c.desc);
	}
	if (rep & KEY_TAGS) {
		loader_tags_normalize(c.tags, &c.ntags);
		loader_strv_free(rule->tags, rule->ntags);
		rule->tags = TAKE_PTR(c.tags);
		rule->ntags = c.ntags;
		c.ntags = 0;
	}
	if (rep & KEY_EXCEPTIONS) {
		for (i = 0; i < rule->nexceptions; i++)
			exceptiondef_done(&rule->exceptions[i]);
		free(rule->exceptions);
		rule->exceptions = TAKE_PTR(c.exc);
		rule->nexceptions = c.nexc;
		c.nexc = 0;
	}
	if (rep & KEY_PRIORITY)
		rule->priority = c.priority;
	if (rep & KEY_ENABLED)
		rule->enabled = c.enabled;
	if (rep & KEY_WARN_EVTTYPES)
		rule->warn_evttypes = c.warn_evttypes;
	if (rep & KEY_SKIP_UNKNOWN)
		rule->skip_if_unknown_filter = c.skip_if_unknown_filter;
	return 0;
}

/* Fill it->what with "KIND 'NAME'" (name shortened for messages). */
static void item_name(Item *it, const char *kind, const LNode *name)
{
	if (name && name->type == LN_SCALAR && !name->null)
		snprintf(it->what, sizeof(it->what), "%s '%.*s'", kind, (int)MIN(name->len, 120u),
			 name->str);
	else
		snprintf(it->what, sizeof(it->what), "%s", kind);
}

/* The item's name (value of its kind key): a non-empty string. */
static int item_get_name(Loader *L, Item *it, const char *kind, const LNode **ret)
{
	const LNode *name = loader_map_get(it->map, kind);
	char what[64];
	int r;

	item_name(it, kind, name);
	snprintf(what, sizeof(what), "%s name", kind);
	r = loader_check_text(L, it, name, what, false);
	if (r < 0)
		return r;
	*ret = name;
	return 0;
}

static int load_rule(Loader *L, const LNode *map)
{
	Item it = { .map = map };
	const LNode *name;
	unsigned app, rep;
	bool append = false;
	int r, ov;

	r = item_get_name(L, &it, "rule", &name);
	if (r < 0)
		return r;
	r = loader_check_keys(L, &it, map, rule_keys, "a rule");
	if (r < 0)
		return r;
	r = loader_get_bool(L, &it, "append", &append);
	if (r < 0)
		return r;
	ov = get_override(L, &it, RULE_CAN_APPEND, RULE_CAN_REPLACE, &app, &rep);
	if (ov < 0)
		return ov;
	if (append && ov > 0) {
		lerr(L, loader_map_key(map, "append"), &it,
		     "keys 'override' and 'append: true' cannot be used together: add an 'append' entry (e.g. 'condition: append') under 'override' instead");
		return -EINVAL;
	}
	if (append)
		lwarn(L, loader_map_key(map, "append"), &it,
		      "'append' is deprecated: add an 'append' entry (e.g. 'condition: append') under 'override' instead");
	if (ov > 0)
		return rule_override(L, &it, name->str, app, rep);
	if (append)
		return rule_append(L, &it, name->str);
	if (!loader_map_get(map, "condition") && !loader_map_get(map, "output") &&
	    !loader_map_get(map, "desc") && !loader_map_get(map, "priority"))
		return rule_enable(L, &it, name->str);
	return rule_define(L, &it, name->str);
}

/* -------------------------------------------------------------------------------------------- */
/* macros and lists */

/* Falco's identifier pattern for macro names: [a-zA-Z]+[a-zA-Z0-9_]* */
static bool is_identifier(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Falco's bare-string pattern for list names: no ( ) " ' , = or white space. */
static bool is_barestr(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (strchr("()\"'=, \t\n\r\f\v", *s))
			return false;
	return true;
}

static int load_macro(Loader *L, const LNode *map)
{
	_cleanup_(macrodef_done) MacroDef def = { 0 };
	Item it = { .map = map };
	const LNode *name;
	unsigned app, rep;
	bool append = false;
	size_t idx;
	int r, ov;

	r = item_get_name(L, &it, "macro", &name);
	if (r < 0)
		return r;
	r = loader_check_keys(L, &it, map, macro_keys, "a macro");
	if (r < 0)
		return r;
	if (!is_identifier(name->str))
		lwarn(L, map, &it,
		      "macro has an invalid name: macro names should match [a-zA-Z]+[a-zA-Z0-9_]*");
	r = loader_get_bool(L, &it, "append", &append);
	if (r < 0)
		return r;
	ov = get_override(L, &it, KEY_CONDITION, KEY_CONDITION, &app, &rep);
	if (ov < 0)
		return ov;
	if (append && ov > 0) {
		lerr(L, loader_map_key(map, "append"), &it,
		     "keys 'override' and 'append: true' cannot be used together: use 'override: {condition: append}'");
		return -EINVAL;
	}
	if (append)
		lwarn(L, loader_map_key(map, "append"), &it,
		      "'append' is deprecated: use 'override: {condition: append}' instead");
	r = loader_get_srctext(L, &it, "condition", false, &def.condition);
	if (r < 0)
		return r;
	if (r == 0) {
		lerr(L, map, &it, "missing required key 'condition'");
		return -EINVAL;
	}
	def.pos = loader_node_pos(L, map);
	def.name = strdup(name->str);
	if (!def.name)
		return -ENOMEM;

	if (ruleset_index_get(L->rs->macro_index, def.name, &idx)) {
		MacroDef *old = &L->rs->macros[idx];

		if (append || app)
			return append_text(L, &it, "the condition", &old->condition, &def.condition);
		macrodef_done(old);
		*old = def;
		memset(&def, 0, sizeof(def));
		return 0;
	}
	if (append || app) {
		lerr(L, map, &it,
		     "macro uses 'append' or 'override: {condition: append}' but no macro by that name already exists");
		return -EINVAL;
	}
	if (rep)
		lwarn(L, loader_map_key(map, "override"), &it,
		      "macro is replaced but was not defined before; defining it");
	r = ARRAY_RESERVE(L->rs->macros, L->rs->nmacros, 1);
	if (r < 0)
		return r;
	r = ruleset_index_put(L->rs->macro_index, def.name, L->rs->nmacros);
	if (r < 0)
		return r;
	L->rs->macros[L->rs->nmacros++] = def;
	memset(&def, 0, sizeof(def));
	return 0;
}

static int load_list(Loader *L, const LNode *map)
{
	_cleanup_(listdef_done) ListDef def = { 0 };
	Item it = { .map = map };
	const LNode *name, *items;
	unsigned app, rep;
	bool append = false;
	size_t idx, i;
	int r, ov;

	r = item_get_name(L, &it, "list", &name);
	if (r < 0)
		return r;
	r = loader_check_keys(L, &it, map, list_keys, "a list");
	if (r < 0)
		return r;
	if (!is_barestr(name->str))
		lwarn(L, map, &it,
		      "list has an invalid name: list names should not contain white space or any of ( ) \" ' = ,");
	r = loader_get_bool(L, &it, "append", &append);
	if (r < 0)
		return r;
	ov = get_override(L, &it, KEY_ITEMS, KEY_ITEMS, &app, &rep);
	if (ov < 0)
		return ov;
	if (append && ov > 0) {
		lerr(L, loader_map_key(map, "append"), &it,
		     "keys 'override' and 'append: true' cannot be used together: use 'override: {items: append}'");
		return -EINVAL;
	}
	if (append)
		lwarn(L, loader_map_key(map, "append"), &it,
		      "'append' is deprecated: use 'override: {items: append}' instead");
	items = loader_map_get(map, "items");
	if (!items) {
		lerr(L, map, &it, "missing required key 'items'");
		return -EINVAL;
	}
	if (items->type != LN_SEQ) {
		lerr(L, items, &it,
		     "value of 'items' must be a list, not %s", loader_type_name(items));
		return -EINVAL;
	}
	if (items->nkids > RULES_MAX_LIST_ITEMS) {
		lerr(L, items, &it, "list has %zu items, more than the limit of %u", items->nkids,
		     RULES_MAX_LIST_ITEMS);
		return -EINVAL;
	}
	def.pos = loader_node_pos(L, map);
	def.name = strdup(name->str);
	if (!def.name)
		return -ENOMEM;
	r = ARRAY_RESERVE(def.items, 0, items->nkids);
	if (r < 0)
		return r;
	for (i = 0; i < items->nkids; i++) {
		const LNode *e = items->kids[i];

		r = loader_check_text(L, &it, e, "a list item", true);
		if (r < 0)
			return r;
		def.items[def.nitems].value = strdup(e->str);
		if (!def.items[def.nitems].value)
			return -ENOMEM;
		def.items[def.nitems++].pos = loader_node_pos(L, e);
	}

	if (ruleset_index_get(L->rs->list_index, def.name, &idx)) {
		ListDef *old = &L->rs->lists[idx];

		if (append || app) {
			if (old->nitems + def.nitems > RULES_MAX_LIST_ITEMS) {
				lerr(L, items, &it,
				     "list would have more than the limit of %u items",
				     RULES_MAX_LIST_ITEMS);
				return -EINVAL;
			}
			r = ARRAY_RESERVE(old->items, old->nitems, def.nitems);
			if (r < 0)
				return r;
			if (def.nitems)
				memcpy(old->items + old->nitems, def.items,
				       def.nitems * sizeof(*def.items));
			old->nitems += def.nitems;
			def.nitems = 0;
			return 0;
		}
		listdef_done(old);
		*old = def;
		memset(&def, 0, sizeof(def));
		return 0;
	}
	if (append || app) {
		lerr(L, map, &it,
		     "list uses 'append' or 'override: {items: append}' but no list by that name already exists");
		return -EINVAL;
	}
	if (rep)
		lwarn(L, loader_map_key(map, "override"), &it,
		      "list is replaced but was not defined before; defining it");
	r = ARRAY_RESERVE(L->rs->lists, L->rs->nlists, 1);
	if (r < 0)
		return r;
	r = ruleset_index_put(L->rs->list_index, def.name, L->rs->nlists);
	if (r < 0)
		return r;
	L->rs->lists[L->rs->nlists++] = def;
	memset(&def, 0, sizeof(def));
	return 0;
}

/* -------------------------------------------------------------------------------------------- */
/* versions */

typedef struct Version {
	unsigned long major, minor, patch;
} Version;

static int parse_number(const char **s, unsigned long *ret)
{
	unsigned long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > 100000000ul)
			return -ERANGE;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*s = p;
	*ret = v;
	return 0;
}

static int parse_semver(const char *p, Version *ret)
{
	if (parse_number(&p, &ret->major) < 0 || *p++ != '.' ||
	    parse_number(&p, &ret->minor) < 0 || *p++ != '.' ||
	    parse_number(&p, &ret->patch) < 0 || *p)
		return -EINVAL;
	return 0;
}

/* "x.y.z"; or a plain integer N, Falco's old engine versions, meaning MAJOR.N.PATCH of ours. */
static int parse_version(const char *s, Version *ret)
{
	const char *p = s;
	Version engine;

	if (parse_number(&p, &ret->minor) >= 0 && !*p) {
		if (parse_semver(RULES_ENGINE_VERSION, &engine) < 0)
			return -EINVAL;
		ret->major = engine.major;
		ret->patch = engine.patch;
		return 0;
	}
	return parse_semver(s, ret);
}

static int version_cmp(const Version *a, const Version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

static int load_engine_version(Loader *L, const LNode *map)
{
	static const char *const keys[] = { "required_engine_version", NULL };
	Item it = { .map = map, .what = "required_engine_version" };
	Version want, have, prev;
	const LNode *v;
	char *s;
	int r;

	r = loader_check_keys(L, &it, map, keys, "required_engine_version");
	if (r < 0)
		return r;
	r = loader_get_text(L, &it, "required_engine_version", false, &v);
	if (r < 0)
		return r;
	if (parse_version(v->str, &want) < 0) {
		lerr(L, v, &it,
		     "cannot parse engine version '%.*s': expected a semver string like \"0.26.0\" or an integer",
		     (int)MIN(v->len, 100u), v->str);
		return -EINVAL;
	}
	if (parse_semver(RULES_ENGINE_VERSION, &have) < 0)
		return -EINVAL;
	if (want.major != have.major || version_cmp(&have, &want) < 0) {
		lerr(L, v, &it,
		     "rules require engine version %lu.%lu.%lu, but this engine is version %s",
		     want.major, want.minor, want.patch, RULES_ENGINE_VERSION);
		return -EINVAL;
	}
	if (L->rs->required_engine_version &&
	    parse_semver(L->rs->required_engine_version, &prev) >= 0 && version_cmp(&prev, &want) >= 0)
		return 0;
	if (asprintf(&s, "%lu.%lu.%lu", want.major, want.minor, want.patch) < 0)
		return -ENOMEM;
	free(L->rs->required_engine_version);
	L->rs->required_engine_version = s;
	return 0;
}

/* -------------------------------------------------------------------------------------------- */

static int load_item(Loader *L, const LNode *n)
{
	Item it = { .map = n };
	const char *kind = NULL, *second = NULL;
	size_t i;

	if (n->type != LN_MAP) {
		lerr(L, n, NULL, "each item must be a mapping such as '- rule: NAME', not %s",
		     loader_type_name(n));
		return -EINVAL;
	}
	for (i = 0; item_kinds[i]; i++)
		if (loader_map_get(n, item_kinds[i])) {
			if (!kind)
				kind = item_kinds[i];
			else if (!second)
				second = item_kinds[i];
		}
	if (!kind) {
		const LNode *k = n->nkids ? n->kids[0] : n;

		if (k->type == LN_SCALAR && !k->null)
			lerr(L, k, NULL,
			     "unknown item '%.*s': expected rule, macro, list, required_engine_version or required_plugin_versions",
			     (int)MIN(k->len, 100u), k->str);
		else
			lerr(L, n, NULL,
			     "unknown item: expected rule, macro, list, required_engine_version or required_plugin_versions");
		return -EINVAL;
	}
	if (second) {
		lerr(L, loader_map_key(n, second), NULL,
		     "item has both '%s' and '%s' keys: each item is one rule, macro or list",
		     kind, second);
		return -EINVAL;
	}
	if (!strcmp(kind, "rule"))
		return load_rule(L, n);
	if (!strcmp(kind, "macro"))
		return load_macro(L, n);
	if (!strcmp(kind, "list"))
		return load_list(L, n);
	if (!strcmp(kind, "required_engine_version"))
		return load_engine_version(L, n);
	snprintf(it.what, sizeof(it.what), "required_plugin_versions");
	lwarn(L, loader_map_key(n, kind), &it,
	      "required_plugin_versions is ignored: no plugins are loaded");
	return 0;
}

static int load_document(Loader *L, const LNode *root)
{
	size_t i;
	int r;

	if (!root || root->null)
		return 0;
	if (root->type != LN_SEQ) {
		lerr(L, root, NULL,
		     "a rules file must be a list of items ('- rule: ...', '- macro: ...', '- list: ...'), not %s",
		     loader_type_name(root));
		return -EINVAL;
	}
	for (i = 0; i < root->nkids; i++) {
		const LNode *n = root->kids[i];

		if (n->type == LN_SCALAR && n->null)
			continue;
		if (++L->nitems > RULES_MAX_ITEMS_PER_FILE) {
			lerr(L, n, NULL, "more than %u items in one file; the rest is not loaded",
			     RULES_MAX_ITEMS_PER_FILE);
			return -EINVAL;
		}
		r = load_item(L, n);
		if (r == -ENOMEM || L->nomem)
			return -ENOMEM;
	}
	return 0;
}

int ruleset_load_buffer(RuleSet *rs, const char *name, const char *buf, size_t len, Diags *d)
{
	_cleanup_(yaml_reader_freep) YamlReader *reader = NULL;
	Loader L = { .rs = rs, .d = d, .buf = buf, .len = len };
	size_t errors0 = d->nerrors;
	SrcPos pos = { 0 };
	int r;

	r = ruleset_intern_file(rs, name, &L.file);
	if (r == -E2BIG) {
		r = diags_add(d, DIAG_ERROR, &pos, NULL, "%s: too many rule files (the limit is %u)",
			      name, RULES_MAX_FILES);
		return r < 0 ? r : -EINVAL;
	}
	if (r < 0)
		return r;
	pos.file = L.file;
	if (len > RULES_FILE_MAX_BYTES) {
		r = diags_add(d, DIAG_ERROR, &pos, NULL,
			      "file is %zu bytes, more than the limit of %u bytes", len,
			      RULES_FILE_MAX_BYTES);
		return r < 0 ? r : -EINVAL;
	}
	r = yaml_reader_new(buf, len, &reader);
	if (r < 0)
		return r;
	for (;;) {
		_cleanup_(lnode_freep) LNode *root = NULL;
		LoaderError err = { 0 };

		r = yaml_reader_next(reader, &root, &err);
		if (r == 0)
			break;
		if (r == -EINVAL) {
			pos.line = err.line;
			pos.col = err.col;
			r = diags_add(d, DIAG_ERROR, &pos, NULL, "%s", err.msg);
			if (r < 0)
				return r;
			break;
		}
		if (r < 0)
			return r;
		r = load_document(&L, root);
		if (r == -ENOMEM || L.nomem)
			return -ENOMEM;
		if (r < 0)
			break;
	}
	return d->nerrors > errors0 ? -EINVAL : 0;
}

int ruleset_load_file(RuleSet *rs, const char *path, Diags *d)
{
	_cleanup_free_ char *buf = NULL;
	SrcPos pos = { 0 };
	size_t len = 0;
	int r, q;

	r = ruleset_intern_file(rs, path, &pos.file);
	if (r == -E2BIG) {
		r = diags_add(d, DIAG_ERROR, &pos, NULL, "%s: too many rule files (the limit is %u)",
			      path, RULES_MAX_FILES);
		return r < 0 ? r : -EINVAL;
	}
	if (r < 0)
		return r;
	/* one byte over the limit is enough for ruleset_load_buffer() to refuse it */
	r = read_full_file(path, RULES_FILE_MAX_BYTES + 1, &buf, &len);
	if (r > 0)
		r = 0;
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		q = diags_add(d, DIAG_ERROR, &pos, NULL, "cannot read rule file: %s", strerror(-r));
		return q < 0 ? q : r;
	}
	return ruleset_load_buffer(rs, path, buf, len, d);
}
