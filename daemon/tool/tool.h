/* SPDX-License-Identifier: MIT */
/*
 * The saker tool's commands and the helpers they share.
 */
#ifndef SAKER_TOOL_H
#define SAKER_TOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/diag.h"
#include "rules/ruleset.h"

int cmd_validate(int argc, char **argv);
int cmd_list_fields(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_doc(int argc, char **argv);
int cmd_cut(int argc, char **argv);

/*
 * Print why talking to sakerd at path failed (r from control_call() and
 * the control client) as "saker CMD: ..." on stderr (cmd-stats.c).
 */
void tool_control_error(const char *cmd, const char *path, int r);

/* A list of paths (rule files), owned strings. */
typedef struct PathList {
	char **v;
	size_t n;
} PathList;

void pathlist_done(PathList *l);
/*
 * Add path: a file as is, a directory as its *.yaml and *.yml files in name
 * order.  Returns negative errno (with a message on stderr) on failure.
 */
int pathlist_add(PathList *l, const char *path);

/*
 * What to do when a rule fires, from advice files (YAML lists of {rule: NAME,
 * advice: TEXT}) that saker catalog and saker doc read (cmd-catalog.c).
 */
typedef struct Advice {
	char *text;
	SrcPos pos; /* of the rule name in its advice file */
	bool used; /* set by the caller when a loaded rule took it */
} Advice;

typedef struct AdviceSet {
	StrMap *by_rule; /* rule name -> Advice*; created by advice_load() */
	PathList files; /* the advice files, in load order */
} AdviceSet;

void advice_set_done(AdviceSet *s);
/*
 * Load s->files in order; a later item for the same rule replaces an earlier
 * one.  Problems are printed with file:line:col.  Returns 0, -ENOMEM, or
 * another negative errno when a file was bad (the others are still loaded).
 */
int advice_load(AdviceSet *s);
/* The advice for rule, or NULL. */
Advice *advice_find(const AdviceSet *s, const char *rule);
/* Warn on stderr about each advice no loaded rule used (a misspelt name, most likely). */
void advice_warn_unused(const AdviceSet *s);
/*
 * "T1003.008" -> "T1003/008" (the technique's path on attack.mitre.org);
 * false when tag is not an ATT&CK technique id.
 */
bool attack_technique_path(const char *tag, char ret[16]);

/*
 * Rule and advice text (paragraphs separated by blank lines, "- " starting a
 * list item) cut into blocks: fn gets each paragraph or item joined into one
 * line, whether it is an item, whether the one before was, whether blank
 * lines came between them, and whether it is the first (cmd-catalog.c).
 */
typedef struct TextBlock {
	const char *text;
	size_t len;
	bool bullet, prev_bullet, gap, first;
} TextBlock;
typedef void (*text_block_fn)(void *userdata, const TextBlock *b);
void text_blocks(const char *text, text_block_fn fn, void *userdata);

/*
 * Load every file of paths into a new RuleSet, collecting diagnostics in d.
 * Returns 0 if no error was reported, -EINVAL otherwise (*ret is set in both
 * cases unless allocation failed).
 */
int tool_load_rules(const PathList *paths, Diags *d, RuleSet **ret);

#endif /* SAKER_TOOL_H */
