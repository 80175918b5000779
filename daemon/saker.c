// SPDX-License-Identifier: MIT
/*
 * saker: the command-line tool.  Validates and tests rules, lists fields and
 * replays recorded events through the engine.  Like sakerd it is a top
 * layer: the only place (with sakerd.c) that prints diagnostics and exits.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/tool.h"

static void usage(FILE *f)
{
	fputs("Usage: saker [--version] [--help] COMMAND [ARGS]\n"
	      "\n"
	      "Runtime threat detection for Linux hosts: the command-line tool.\n"
	      "\n"
	      "Commands:\n"
	      "  validate [--stats] FILE...\n"
	      "      Load and compile rule files in the given order. Prints every\n"
	      "      problem as FILE:LINE:COL: error|warning: MESSAGE on stderr and\n"
	      "      exits 1 if any error was found, 0 otherwise.\n"
	      "  list-fields [--json] [CLASS]\n"
	      "      Print the fields that conditions and outputs can use, with\n"
	      "      their types and descriptions.\n"
	      "  test [-v] CASES...\n"
	      "      Run rule test cases (YAML files: rules to load, events in,\n"
	      "      expected alerts or silence out; see docs/rule-tests.md). Prints\n"
	      "      one line per case and a final \"N passed, M failed\" line.\n"
	      "  replay FILE [-r RULES]... [--json] [-o KEY=VALUE]...\n"
	      "      Evaluate a file of recorded events (JSON lines, see\n"
	      "      docs/event-format.md) and print the alerts as text or as one\n"
	      "      JSON object per line. RULES may be files or directories\n"
	      "      (their *.yaml files, in name order); default:\n"
	      "      " SAKER_DEFAULT_RULES_DIR ".\n"
	      "  cut [-r RULES]... [-o KEY=VALUE]... --rule NAME [--nth N] -w OUT CAPTURE\n"
	      "      Write the part of a capture that raises the N-th alert of rule\n"
	      "      NAME: a snapshot of the alerting process and its ancestors, then\n"
	      "      their original records up to the alert, checked by replaying it\n"
	      "      (for rule test cases, see docs/rule-tests.md).\n"
	      "  stats [--json] [-s SOCKET]\n"
	      "      Show the running sakerd's counters: events, drops, rule hits,\n"
	      "      alerts, state tables, outputs (root only; see docs/control.md).\n"
	      "  capture -w FILE [-d SECONDS] [-s SOCKET]\n"
	      "      Have the running sakerd record what it reads into FILE (\"-\":\n"
	      "      stdout) for SECONDS, or until interrupted; replay it later.\n"
	      "  reload [-s SOCKET]\n"
	      "      Have the running sakerd reload its configuration and rules.\n"
	      "  catalog [-o FILE] [--advice PATH]... RULES...\n"
	      "      Write the journal message catalog of the rules: what each\n"
	      "      alert means and what to do, for journalctl -x (see\n"
	      "      docs/journald.md).\n"
	      "  doc [--advice PATH]... RULES...\n"
	      "      Write the reference of the rules in Markdown: what each rule\n"
	      "      detects, what to do, how to tune it (docs/rules.md).\n"
	      "\n"
	      "Exit status: 0 on success, 1 when rules or tests failed, 2 on usage\n"
	      "errors.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} commands[] = {
		{ "validate", cmd_validate },
		{ "list-fields", cmd_list_fields },
		{ "test", cmd_test },
		{ "replay", cmd_replay },
		{ "cut", cmd_cut },
		{ "stats", cmd_stats },
		{ "capture", cmd_capture },
		{ "reload", cmd_reload },
		{ "catalog", cmd_catalog },
		{ "doc", cmd_doc },
	};
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("saker %s\n", SAKER_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "saker: unknown command '%s' (see saker --help)\n", argv[1]);
	return 2;
}
