/* SPDX-License-Identifier: MIT */
/*
 * A small field table for the expression, format and engine unit tests and
 * the expression fuzz target, linked instead of the real one
 * (daemon/rules/field*.c): it implements field.h with fields named as
 * Falco's, whose values the test sets directly, so checks can be tested
 * without building events and process state.
 */
#ifndef SAKER_FAKE_FIELDS_H
#define SAKER_FAKE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/field.h"

/* Forget every value (all fields <NA>) and the extraction counts. */
void fake_reset(void);
/*
 * Set a field's values from text as the tests write them, by the field's
 * type: "bash", "42", "10.0.0.1", "true", "[sh,bash,sshd]" for several
 * values.  key is the field name, with its argument when it has one
 * ("proc.env[HOME]").  Returns 0 or -EINVAL.
 */
int fake_set(const char *key, const char *text);
/* Set raw bytes (evt.buffer). */
void fake_set_bytes(const char *key, const void *p, size_t n);
/*
 * Parse a line of "key=value" assignments separated by blanks (values may
 * be double-quoted, lists in brackets); "evt.type=NAME" sets *ret_type.
 */
int fake_set_line(const char *line, int *ret_type);
/* Direct access for benchmarks: a field's value holder and a setter that does not copy strings. */
typedef struct FakeField FakeField;
FakeField *fake_field(const char *key);
void fake_put(FakeField *f, const FieldValue *v, size_t n);
/* How many times the field named key was extracted since fake_reset(). */
unsigned fake_extractions(const char *key);

#endif /* SAKER_FAKE_FIELDS_H */
