/* SPDX-License-Identifier: MIT */
/*
 * The rule engine: a loaded RuleSet compiled once into conditions and
 * output formats, indexed by event type.  For each event only the rules
 * that can match its type run, in rule order; by default the first match
 * wins (Falco's rule_matching: first), or every matching rule is reported
 * (rule_matching: all).
 *
 * An Engine is used by one thread at a time: evaluation updates its
 * per-event value cache and hit counters.  It does not keep pointers into
 * the RuleSet, which may be freed after engine_compile().
 */
#ifndef SAKER_ENGINE_H
#define SAKER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "rules/diag.h"
#include "rules/expr.h"
#include "rules/field.h"
#include "rules/format.h"
#include "rules/ruleset.h"

typedef enum RuleMatching {
	RULE_MATCHING_FIRST, /* stop at the first matching rule (Falco's default) */
	RULE_MATCHING_ALL, /* report every matching rule */
} RuleMatching;

typedef struct EngineOptions {
	/* Rules less severe than this are compiled but not enabled (Falco's priority:). */
	Priority min_priority;
	RuleMatching rule_matching;
	/* Falco -D: disable rules whose name contains one of these substrings. */
	const char *const *disabled_rules;
	size_t n_disabled_rules;
	/* Falco -T: disable rules with one of these tags. */
	const char *const *disabled_tags;
	size_t n_disabled_tags;
	/* Falco -t: when non-empty, enable only rules with one of these tags. */
	const char *const *enabled_tags;
	size_t n_enabled_tags;
	/* Warn about lists and macros no rule uses (Falco does, noisily). */
	bool warn_unused;
} EngineOptions;

/* Defaults: every priority, first match, nothing disabled, no unused warnings. */
void engine_options_init(EngineOptions *o);

typedef struct Engine Engine;
typedef struct EngineRule EngineRule;

/*
 * Compile every rule of rs.  Errors and warnings go to d (file:line:col,
 * rule or macro name).  Rules whose source is not "syscall" are skipped
 * with a warning; a rule with skip-if-unknown-filter and an unknown field
 * is skipped with a warning.  Returns 0 and the engine, -EINVAL when any
 * error was reported (no engine), -ENOMEM.  opts may be NULL (defaults).
 */
int engine_compile(const RuleSet *rs, const EngineOptions *opts, Diags *d, Engine **ret);
Engine *engine_free(Engine *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(Engine *, engine_free);

/*
 * Event types some enabled rule needs, SAKER_EVT_BITMAP_WORDS words indexed
 * by event type: what the daemon asks the driver to capture (plus what its
 * own state tracking needs).
 */
const uint64_t *engine_event_bitmap(const Engine *e);

typedef struct EngineMatch {
	const EngineRule *rule;
} EngineMatch;

/*
 * Evaluate the rules for the event in ctx.  Up to max matches are stored in
 * ret_matches and their number in *ret_n; the return value is the number
 * of rules that matched (larger than *ret_n when max was too small), or a
 * negative errno.  Call eval_reset(ctx) before, and render the matches'
 * outputs (engine_render) before the next event: values are cached per
 * event and live in the context's arena.
 */
int engine_eval(Engine *e, EvalCtx *ctx, EngineMatch *ret_matches, size_t max, size_t *ret_n);

/*
 * The output of rule r for the event just evaluated: the sentence is
 * appended to text, the value of each field the output names to values,
 * located by fields[0..engine_rule_nfields(r)).
 */
int engine_render(Engine *e, const EngineRule *r, EvalCtx *ctx, StrBuf *text, StrBuf *values,
		  FormatField *fields);

/* Compiled rules, in ruleset order, including disabled ones. */
size_t engine_rule_count(const Engine *e);
/* Rules that run (enabled and at or above the minimum priority). */
size_t engine_enabled_count(const Engine *e);
const EngineRule *engine_rule(const Engine *e, size_t i);
const EngineRule *engine_find_rule(const Engine *e, const char *name);

const char *engine_rule_name(const EngineRule *r);
const char *engine_rule_desc(const EngineRule *r);
const char *engine_rule_source(const EngineRule *r);
Priority engine_rule_priority(const EngineRule *r);
const char *const *engine_rule_tags(const EngineRule *r, size_t *ret_n);
bool engine_rule_enabled(const EngineRule *r);
/* How often the rule matched. */
uint64_t engine_rule_hits(const EngineRule *r);
/* Position among the engine's rules (engine_rule()). */
size_t engine_rule_index(const EngineRule *r);
/* The compiled output and the fields it names (its output_fields). */
const Format *engine_rule_format(const EngineRule *r);
size_t engine_rule_nfields(const EngineRule *r);
const char *engine_rule_field_name(const EngineRule *r, size_t i);
/* Event types the rule runs for. */
const EvtTypeSet *engine_rule_evttypes(const EngineRule *r);

/*
 * The domain names enabled rules compare fd.cip.name, fd.sip.name,
 * fd.lip.name or fd.rip.name with, for the daemon's resolver to watch:
 * the constants of =, !=, in and intersects checks on the plain field
 * (lists and macros expanded, exceptions included), lower-cased, without a
 * trailing dot, sorted and without duplicates.  Values that cannot be
 * resolved are left out: patterns (startswith, glob, regex ...), wildcards
 * ("*.example.com") and text that is not a host name.  Returns 0 with a
 * NULL-terminated array of *ret_n strings (free with engine_dns_names_free;
 * an empty array when there are none), or -ENOMEM.
 */
int engine_dns_names(const Engine *e, char ***ret_names, size_t *ret_n);
/* Free what engine_dns_names() returned; NULL is fine.  Returns NULL. */
char **engine_dns_names_free(char **names);

typedef struct EngineStats {
	uint64_t events; /* engine_eval calls */
	uint64_t rule_evals; /* conditions evaluated */
	uint64_t matches; /* rules that matched */
} EngineStats;

void engine_stats(const Engine *e, EngineStats *ret);

#endif /* SAKER_ENGINE_H */
