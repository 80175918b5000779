/* SPDX-License-Identifier: MIT */
/*
 * -o KEY=VALUE engine options shared by the tool's commands.
 */
#ifndef SAKER_TOOL_OPTIONS_H
#define SAKER_TOOL_OPTIONS_H

#include "rules/engine.h"

/* Apply "rule_matching=all" or "priority=warning"; prints and returns -EINVAL when unknown. */
int tool_engine_option(EngineOptions *eo, const char *kv);

#endif /* SAKER_TOOL_OPTIONS_H */
