/* SPDX-License-Identifier: MIT */
/*
 * Companions to field.h: name resolution for fields whose argument follows a
 * dot (evt.arg.flags, k8s.pod.label.app), the class of a field for listing,
 * the flag set behind an evt.rawarg binding, and the hook through which the
 * daemon's resolver names IP addresses (fd.sip.name).
 */
#ifndef SAKER_FIELD_EXT_H
#define SAKER_FIELD_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
 * Domain names for fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name come
 * from the daemon's resolver through a hook that names an IP address.  An
 * address may belong to several names (a CDN, shared hosting): the field
 * then has every one of them as a value, sorted, so "fd.sip.name = b.com"
 * and "fd.sip.name in (b.com)" hold for an address of both a.com and b.com,
 * and outputs print "(a.com,b.com)" (a single name prints as itself).  As
 * for other multi-valued fields "!=" holds when some name differs: write
 * "not fd.sip.name = a.com" to exclude a name.  Names are lower-case
 * without a trailing dot; the compiler folds the constants compared with
 * these fields the same way, so rules match names case-insensitively.
 *
 * The hook is called when a rule or an output reads the field (once per
 * event: values are cached), on the thread that evaluates rules, and hands
 * each name to field_dns_names_add(), which copies it into the event's
 * scratch memory.  Without a hook (the default)
 * the fields have no value.  Set it before events are evaluated and clear
 * it (NULL) after; it is not thread-safe against concurrent evaluation.
 */
typedef struct FieldDnsNames FieldDnsNames;

/*
 * Add name[0..len) to the field's values (kept sorted, duplicates dropped):
 * 0, or -ENOBUFS when FIELD_MAX_VALUES names are there or the event's
 * scratch memory is exhausted.
 */
int field_dns_names_add(FieldDnsNames *names, const char *name, size_t len);

/* ts_ns is the event's wall-clock time. */
typedef void (*field_dns_names_fn)(void *userdata, const IpAddr *ip, uint64_t ts_ns,
				   FieldDnsNames *names);
void field_set_dns_names(field_dns_names_fn fn, void *userdata);

/* Whether def is one of the four domain name fields (by name, so any field table works). */
static inline bool field_is_dns_name(const FieldDef *def)
{
	const char *s = def ? def->name : NULL;

	return s && (strcmp(s, "fd.sip.name") == 0 || strcmp(s, "fd.cip.name") == 0 ||
		     strcmp(s, "fd.rip.name") == 0 || strcmp(s, "fd.lip.name") == 0);
}

#endif /* SAKER_FIELD_EXT_H */
