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
 * Load every file of paths into a new RuleSet, collecting diagnostics in d.
 * Returns 0 if no error was reported, -EINVAL otherwise (*ret is set in both
 * cases unless allocation failed).
 */
int tool_load_rules(const PathList *paths, Diags *d, RuleSet **ret);

#endif /* SAKER_TOOL_H */
