// SPDX-License-Identifier: MIT
/*
 * Engine options from the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool/options.h"

int tool_engine_option(EngineOptions *eo, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : 0;
	const char *v = eq ? eq + 1 : "";

	if (eq && klen == 13 && strncmp(kv, "rule_matching", klen) == 0) {
		if (strcmp(v, "first") == 0)
			eo->rule_matching = RULE_MATCHING_FIRST;
		else if (strcmp(v, "all") == 0)
			eo->rule_matching = RULE_MATCHING_ALL;
		else
			goto bad_value;
		return 0;
	}
	if (eq && klen == 8 && strncmp(kv, "priority", klen) == 0) {
		Priority p = priority_from_string(v);

		if (p == PRI_INVALID)
			goto bad_value;
		eo->min_priority = p;
		return 0;
	}
	fprintf(stderr, "saker: unknown option '%s' (known: rule_matching=first|all, priority=LEVEL)\n",
		kv);
	return -EINVAL;
bad_value:
	fprintf(stderr, "saker: bad value in '%s'\n", kv);
	return -EINVAL;
}
