/* SPDX-License-Identifier: MIT */
/*
 * Userspace view of the event table in include/saker/event-table.h: names,
 * categories and parameter descriptors per event type, looked up by number
 * or by name.  Used by the decoder, the fields, the fixture format and the
 * capture writer.
 */
#ifndef SAKER_EVENT_INFO_H
#define SAKER_EVENT_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include "saker/event.h"

struct param_info {
	const char *name;
	enum saker_param_type type;
	enum saker_fmt_set fmt;
	unsigned size; /* fixed wire size, 0 for variable-length types */
};

struct event_info {
	const char *name;		/* Falco's evt.type */
	enum saker_event_type type;
	enum saker_category category;
	unsigned nparams;
	const struct param_info *params;
	bool is_syscall;		/* false for meta and entry records */
};

/* NULL when type is out of range. */
const struct event_info *event_info_get(unsigned type);
/*
 * The syscall event type named name ("openat"), or -ENOENT.  Meta events and
 * entry records are not returned: rules cannot select them by name.
 */
int event_type_from_name(const char *name);
/* Index of the parameter called name in ev, or -ENOENT. */
int event_param_index(const struct event_info *ev, const char *name);
/* Fixed wire size of a parameter type, 0 for variable-length types. */
size_t param_type_size(enum saker_param_type t);
const char *param_type_name(enum saker_param_type t);
const char *category_name(enum saker_category c);

#endif /* SAKER_EVENT_INFO_H */
