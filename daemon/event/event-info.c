// SPDX-License-Identifier: MIT
/*
 * The userspace event table, generated from include/saker/event-table.h by
 * expanding its X-macros into static arrays.
 */
#include <errno.h>
#include <string.h>

#include "common/macro.h"
#include "event/event-info.h"

/* Fixed wire sizes as compile-time constants, for the descriptors below. */
#define T_SIZE_ENUM(name, size) PTSZ_##name = size,
enum { SAKER_PARAM_TYPES(T_SIZE_ENUM) };
#undef T_SIZE_ENUM

#define P_DESC(pname, ptype, pfmt) { #pname, SAKER_PT_##ptype, SAKER_FMT_##pfmt, PTSZ_##ptype },
#define E_PARAMS(id, ename, cat, plist) \
	static const struct param_info params_##id[] = { plist { NULL, SAKER_PT_NONE, SAKER_FMT_NONE, 0 } };
SAKER_EVENT_TABLE(E_PARAMS, P_DESC)
#undef E_PARAMS
#undef P_DESC

#define P_NOP(pname, ptype, pfmt)
#define E_INFO(id, ename, cat, plist)                                      \
	[SAKER_EVT_##id] = { .name = ename,                                \
			     .type = SAKER_EVT_##id,                       \
			     .category = SAKER_CAT_##cat,                  \
			     .nparams = SAKER_NPARAMS_##id,                \
			     .params = params_##id },
static struct event_info event_table[SAKER_EVT_MAX] = { SAKER_EVENT_TABLE(E_INFO, P_NOP) };
#undef E_INFO
#undef P_NOP

/* Runs before main(): the table is read-only afterwards, safe for any thread. */
__attribute__((constructor)) static void table_init(void)
{
	unsigned i;

	for (i = 0; i < SAKER_EVT_MAX; i++) {
		struct event_info *e = &event_table[i];
		size_t n = strlen(e->name);

		e->is_syscall = e->category != SAKER_CAT_META &&
				!(n > 2 && strcmp(e->name + n - 2, "_e") == 0) &&
				i != SAKER_EVT_PROCEXIT && i != SAKER_EVT_PROCFORK;
	}
}

const struct event_info *event_info_get(unsigned type)
{
	if (type >= SAKER_EVT_MAX)
		return NULL;
	return &event_table[type];
}

int event_type_from_name(const char *name)
{
	unsigned i;

	for (i = 0; i < SAKER_EVT_MAX; i++)
		if (strcmp(event_table[i].name, name) == 0)
			return event_table[i].is_syscall || i == SAKER_EVT_PROCEXIT ? (int)i : -ENOENT;
	return -ENOENT;
}

int event_param_index(const struct event_info *ev, const char *name)
{
	unsigned i;

	for (i = 0; i < ev->nparams; i++)
		if (strcmp(ev->params[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

size_t param_type_size(enum saker_param_type t)
{
	static const size_t sizes[] = {
#define T_SIZE(name, size) [SAKER_PT_##name] = size,
		SAKER_PARAM_TYPES(T_SIZE)
#undef T_SIZE
	};

	return (unsigned)t < ELEMENTSOF(sizes) ? sizes[t] : 0;
}

const char *param_type_name(enum saker_param_type t)
{
	static const char *const names[] = {
#define T_NAME(name, size) [SAKER_PT_##name] = #name,
		SAKER_PARAM_TYPES(T_NAME)
#undef T_NAME
	};

	return (unsigned)t < ELEMENTSOF(names) ? names[t] : "?";
}

const char *category_name(enum saker_category c)
{
	static const char *const names[] = {
#define C_NAME(id, name) [SAKER_CAT_##id] = name,
		SAKER_CATEGORIES(C_NAME)
#undef C_NAME
	};

	return (unsigned)c < ELEMENTSOF(names) ? names[c] : "other";
}
