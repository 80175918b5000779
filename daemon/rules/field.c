// SPDX-License-Identifier: MIT
/*
 * The field table: the per-class definitions (field-evt.c, field-proc.c,
 * field-fd.c, field-container.c) joined into one array, name lookup,
 * argument binding (FieldRef) and the per-event arena extractors allocate
 * from.  Everything here runs at rule compile time except field_extract()
 * and the arena, which run for every event and never call malloc.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/macro.h"
#include "rules/field-ext.h"
#include "rules/field-impl.h"

const char *field_type_name(FieldType t)
{
	static const char *const names[] = {
#define FT_NAME(id, name) [FT_##id] = name,
		FIELD_TYPES(FT_NAME)
#undef FT_NAME
	};

	return (unsigned)t < ELEMENTSOF(names) ? names[t] : "?";
}

/* ---- arena ---- */

void *eval_alloc(EvalCtx *ctx, size_t n)
{
	size_t off = ALIGN_TO(ctx->arena_used, (size_t)8);

	if (off > EVAL_ARENA_SIZE || n > EVAL_ARENA_SIZE - off)
		return NULL;
	ctx->arena_used = off + n;
	return ctx->arena + off;
}

char *eval_strndup(EvalCtx *ctx, const char *s, size_t n)
{
	char *p;

	if (n >= EVAL_ARENA_SIZE)
		return NULL;
	p = eval_alloc(ctx, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *eval_printf(EvalCtx *ctx, const char *fmt, ...)
{
	size_t off = ctx->arena_used, room;
	va_list ap;
	int r;

	if (off >= EVAL_ARENA_SIZE)
		return NULL;
	room = EVAL_ARENA_SIZE - off;
	va_start(ap, fmt);
	r = vsnprintf(ctx->arena + off, room, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= room)
		return NULL;
	ctx->arena_used = off + (size_t)r + 1;
	return ctx->arena + off;
}

/* ---- the joined table ---- */

static const FieldClass classes[] = {
	{ "evt", "Event fields: the type, time, direction, return value and arguments of the "
		 "system call or other event being evaluated." },
	{ "syscall", "The system call behind the event, for events that are system calls." },
	{ "proc", "The process that made the system call: its name, executable, command line, "
		  "environment, parent and ancestors, session and process group, and executable "
		  "flags." },
	{ "thread", "The thread that made the system call: its ids, capability sets and "
		    "cgroups." },
	{ "user", "The user the process runs as (effective user id) and the audit login user." },
	{ "group", "The group the process runs as (effective group id)." },
	{ "fd", "The file descriptor the event is about: the file, directory or socket it "
		"refers to, for events that open, use or close file descriptors." },
	{ "fs.path", "The paths of system calls that work on file system paths directly "
		     "(unlink, rename, mkdir, link...), as resolved and as passed." },
	{ "container", "The container the process runs in; 'host' for processes that are not "
		       "in a container." },
	{ "k8s", "The Kubernetes pod and namespace of the process's container, taken from the "
		 "container runtime's metadata." },
};

static FieldDef *table;
static size_t table_n;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_build(void)
{
	const struct {
		const FieldDef *defs;
		size_t n;
	} parts[] = {
		{ field_defs_evt, field_defs_evt_n },
		{ field_defs_proc, field_defs_proc_n },
		{ field_defs_fd, field_defs_fd_n },
		{ field_defs_container, field_defs_container_n },
	};
	size_t i, n = 0;

	for (i = 0; i < ELEMENTSOF(parts); i++)
		n += parts[i].n;
	table = newa(FieldDef, n);
	if (!table)
		return;
	for (i = 0; i < ELEMENTSOF(parts); i++) {
		memcpy(table + table_n, parts[i].defs, parts[i].n * sizeof(FieldDef));
		table_n += parts[i].n;
	}
}

const FieldDef *field_table(size_t *ret_n)
{
	pthread_once(&table_once, table_build);
	*ret_n = table_n;
	return table;
}

const FieldClass *field_classes(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(classes);
	return classes;
}

const FieldClass *field_class_of(const FieldDef *def)
{
	const FieldClass *best = NULL;
	size_t i, bestlen = 0;

	for (i = 0; i < ELEMENTSOF(classes); i++) {
		size_t l = strlen(classes[i].name);

		if (strncmp(def->name, classes[i].name, l) == 0 && def->name[l] == '.' &&
		    l > bestlen) {
			best = &classes[i];
			bestlen = l;
		}
	}
	return best;
}

const FieldDef *field_lookup(const char *name, size_t len)
{
	size_t i, n;
	const FieldDef *t = field_table(&n);

	for (i = 0; i < n; i++)
		if (strncmp(t[i].name, name, len) == 0 && t[i].name[len] == 0)
			return &t[i];
	return NULL;
}

const FieldDef *field_lookup_prefix(const char *name, size_t len, size_t *ret_namelen)
{
	const FieldDef *best = NULL;
	size_t i, n, bestlen = 0;
	const FieldDef *t = field_table(&n);

	for (i = 0; i < n; i++) {
		size_t l = strlen(t[i].name);

		if (!(t[i].flags & FF_ARG_KEY) || l + 1 >= len || l <= bestlen)
			continue;
		if (memcmp(t[i].name, name, l) == 0 && name[l] == '.') {
			best = &t[i];
			bestlen = l;
		}
	}
	if (best)
		*ret_namelen = bestlen;
	return best;
}

/* ---- binding ---- */

typedef struct FieldBinder {
	const char *name;
	int (*bind)(FieldRef *ref, char **ret_msg);
} FieldBinder;

static const FieldBinder binders[] = {
	{ "evt.arg", field_bind_evt_arg },
	{ "evt.rawarg", field_bind_evt_rawarg },
};

_printf_(2, 3) static int fail(char **ret_msg, const char *fmt, ...)
{
	va_list ap;

	if (ret_msg) {
		*ret_msg = NULL;
		va_start(ap, fmt);
		if (vasprintf(ret_msg, fmt, ap) < 0)
			*ret_msg = NULL;
		va_end(ap);
	}
	return -EINVAL;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static const char *arg_example(const FieldDef *def)
{
	if (strcmp(def->name, "evt.arg") == 0)
		return "evt.arg.fd or evt.arg[0]";
	return NULL;
}

int field_ref_init(FieldRef *ref, const FieldDef *def, const char *arg, size_t arglen,
		   char **ret_msg)
{
	size_t i;
	int r;

	memset(ref, 0, sizeof(*ref));
	ref->def = def;
	ref->arg_index = -1;
	if (ret_msg)
		*ret_msg = NULL;

	if (!arg) {
		if (def->flags & FF_ARG_REQUIRED) {
			const char *ex = arg_example(def);

			if (ex)
				return fail(ret_msg, "%s needs an argument, like %s", def->name, ex);
			return fail(ret_msg, "%s needs %s, like %s[%s]", def->name,
				    def->flags & FF_ARG_INDEX ? "an index" : "an argument",
				    def->name, def->flags & FF_ARG_INDEX ? "1" : "NAME");
		}
	} else {
		if (!(def->flags & (FF_ARG_ALLOWED | FF_ARG_REQUIRED)))
			return fail(ret_msg, "%s does not take an argument", def->name);
		if (arglen == 0)
			return fail(ret_msg, "%s has an empty argument", def->name);
		if (arglen > FIELD_MAX_ARG)
			return fail(ret_msg, "the argument of %s is longer than %u characters",
				    def->name, FIELD_MAX_ARG);
		if ((def->flags & FF_ARG_INDEX) &&
		    (all_digits(arg, arglen) || !(def->flags & FF_ARG_KEY))) {
			long long v;

			if (!all_digits(arg, arglen) || arglen > 9)
				return fail(ret_msg,
					    "%s needs a non-negative number as index, like %s[1], "
					    "not \"%.*s\"",
					    def->name, def->name, (int)arglen, arg);
			v = strtoll(arg, NULL, 10);
			ref->arg_index = v;
		} else {
			ref->arg_key = strndup(arg, arglen);
			if (!ref->arg_key)
				return -ENOMEM;
			if (strlen(ref->arg_key) != arglen) {
				field_ref_done(ref);
				return fail(ret_msg, "the argument of %s contains a NUL byte",
					    def->name);
			}
		}
		ref->has_arg = true;
	}

	for (i = 0; i < ELEMENTSOF(binders); i++) {
		if (strcmp(binders[i].name, def->name) != 0)
			continue;
		r = binders[i].bind(ref, ret_msg);
		if (r < 0) {
			field_ref_done(ref);
			ref->def = def;
			return r;
		}
		break;
	}
	return 0;
}

void field_ref_done(FieldRef *ref)
{
	if (!ref)
		return;
	free(ref->arg_key);
	ref->arg_key = NULL;
	if (ref->priv && ref->priv_free)
		ref->priv_free(ref->priv);
	ref->priv = NULL;
	ref->priv_free = NULL;
}

int field_extract(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	out->n = 0;
	if (!ref->def || !ref->def->extract || !ctx || !ctx->evt)
		return 0;
	return ref->def->extract(ref, ctx, out);
}
