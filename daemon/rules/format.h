/* SPDX-License-Identifier: MIT */
/*
 * Rule output formats: "%proc.name opened %fd.name" with the values of the
 * current event substituted, plus the ordered list of fields the format
 * names (an alert's output_fields).  Formats are compiled once per rule;
 * their fields share the expression pool's per-event value cache, so what
 * a condition already extracted is not extracted again.
 *
 * Syntax, as Falco's: %field, %field[arg], %(field), %(field[arg]),
 * %tolower(field) and other transformers, an optional width after the
 * percent sign (%20proc.name pads or cuts to 20 characters), "%%" for a
 * literal percent sign.  A leading '*' (Falco: print even with missing
 * values) is accepted and ignored: missing values always print as <NA>.
 * An unknown field is an error.  %container.info expands to nothing when
 * the field table has no such field (Falco 0.44 behaviour).
 */
#ifndef SAKER_FORMAT_H
#define SAKER_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "rules/expr.h"
#include "rules/field.h"

/* What a missing value prints as. */
#define FORMAT_NA "<NA>"
/* Most %field tokens in one format. */
#define FORMAT_MAX_TOKENS 1024

typedef struct Format Format;

/*
 * Compile text (a rule's output) for the rule named item ("rule 'X'").
 * The format lives in the compiler's pool.  Returns 0, -EINVAL after
 * reporting errors, -ENOENT when skip_unknown turned an unknown field into
 * a warning, or -ENOMEM.
 */
int format_compile(ExprCompiler *c, const SrcText *text, const char *item, bool skip_unknown,
		   Format **ret);

/* The fields the format names, in order of first use, as written ("proc.aname[2]"). */
size_t format_nfields(const Format *f);
const char *format_field_name(const Format *f, size_t i);

/* A rendered output field: bytes [off, off+len) of the values buffer. */
typedef struct FormatField {
	size_t off;
	size_t len;
	bool missing; /* no value: the text is <NA> */
} FormatField;

/*
 * Render the format for the event in ctx (after the engine evaluated it):
 * the sentence is appended to text, each named field's value to values
 * with its place in fields[0..format_nfields()).  Returns 0 or -ENOMEM /
 * -E2BIG from the buffers.
 */
int format_render(const Format *f, ExprPool *pool, EvalCtx *ctx, StrBuf *text, StrBuf *values,
		  FormatField *fields);

/*
 * Text of one value as Falco prints it: numbers in decimal, flags by name,
 * bools as true/false, addresses in their usual notation, byte buffers with
 * non-printable bytes as '.'.
 */
int field_value_render(const FieldValue *v, FieldType type, StrBuf *sb);
/* All values of a field: one value as is, several as "(a,b,c)"; none as <NA>. */
int field_values_render(const FieldValues *vals, FieldType type, bool multi, StrBuf *sb);

#endif /* SAKER_FORMAT_H */
