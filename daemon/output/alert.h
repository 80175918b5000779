/* SPDX-License-Identifier: MIT */
/*
 * The alert: what every output renders (DESIGN.md decision 5).  Time, rule,
 * priority, tags, source, hostname, the formatted output sentence and every
 * field the output names (output_fields).  Text and JSON renderings live
 * here so all outputs print the same object the same way.
 */
#ifndef SAKER_ALERT_H
#define SAKER_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "rules/ruleset.h"

typedef struct AlertField {
	const char *name;  /* as the output wrote it: "proc.aname[2]" */
	const char *value; /* len bytes (not NUL-terminated); "<NA>" when missing */
	size_t len;
	bool missing;
} AlertField;

typedef struct Alert {
	uint64_t time_ns; /* wall clock, ns since the epoch */
	const char *rule;
	size_t rule_id; /* the rule's index in its engine (rate limiting key) */
	Priority priority;
	const char *const *tags;
	size_t ntags;
	const char *source; /* "syscall" */
	const char *hostname;
	const char *output; /* the rule's output sentence, fields substituted */
	size_t output_len;
	const AlertField *fields;
	size_t nfields;
} Alert;

typedef struct AlertJsonOptions {
	bool include_output;	    /* Falco json_include_output_property (default true) */
	bool include_tags;	    /* Falco json_include_tags_property (default true) */
	bool include_output_fields; /* default true */
} AlertJsonOptions;

/* "2026-11-30T08:00:00.123456789Z" */
int alert_format_time_iso(uint64_t time_ns, StrBuf *sb);
/* "08:00:00.123456789: Warning OUTPUT" as Falco prints text alerts (UTC). */
int alert_render_text(const Alert *a, StrBuf *sb);
/*
 * One JSON object, keys as Falco's: hostname, output, output_fields,
 * priority (capitalised), rule, source, tags, time.  opts may be NULL.
 */
int alert_render_json(const Alert *a, const AlertJsonOptions *opts, StrBuf *sb);

#endif /* SAKER_ALERT_H */
