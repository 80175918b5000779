/* SPDX-License-Identifier: MIT */
/*
 * Companions to field.h: name resolution for fields whose argument follows a
 * dot (evt.arg.flags, k8s.pod.label.app), the class of a field for listing,
 * the flag set behind an evt.rawarg binding, and the hook through which the
 * daemon's DNS cache names IP addresses (fd.sip.name).
 */
#ifndef SAKER_FIELD_EXT_H
#define SAKER_FIELD_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "rules/field.h"
#include "saker/event.h"

/* Longest field argument accepted (an env variable or label name). */
#define FIELD_MAX_ARG 256

/*
 * For a name that is not a field itself ("evt.arg.flags"), the field that
 * takes the rest as its argument: returns the definition and sets
 * *ret_namelen to the length of the field part ("evt.arg" -> 7); the argument
 * is name + *ret_namelen + 1.  Only fields taking a named argument qualify.
 * NULL when no field matches.
 */
const FieldDef *field_lookup_prefix(const char *name, size_t len, size_t *ret_namelen);

/* The class a field is listed under (by name prefix), or NULL. */
const FieldClass *field_class_of(const FieldDef *def);

/*
 * The flag set of the parameter an evt.rawarg.NAME binding reads, so that a
 * rule can compare it with names (flags_parse_name(set, "O_RDWR")).
 * SAKER_FMT_NONE when the parameter has no flag set or the sets differ
 * between event types.
 */
enum saker_fmt_set field_ref_fmt_set(const FieldRef *ref);

/*
 * Reverse DNS for fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name: a
 * function that returns the name last seen for ip (family 4 or 6) at time
 * ts_ns, or NULL.  The returned string must stay valid until the next event.
 * Without a hook (the default) these fields have no value.  Set once, before
 * events are evaluated; not thread-safe against concurrent evaluation.
 */
typedef const char *(*field_dns_lookup_fn)(void *userdata, const IpAddr *ip, uint64_t ts_ns);
void field_set_dns_lookup(field_dns_lookup_fn fn, void *userdata);

#endif /* SAKER_FIELD_EXT_H */
