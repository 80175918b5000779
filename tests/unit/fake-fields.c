// SPDX-License-Identifier: MIT
/*
 * Test field table with directly settable values.  See fake-fields.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/macro.h"
#include "event/event-info.h"
#include "fake-fields.h"
#include "rules/field-ext.h"

#define MAX_ENTRIES 256
#define MAX_STRINGS 512

typedef struct Entry {
	char key[96];
	bool set;
	FieldValues vals;
	unsigned extractions;
} Entry;

static Entry entries[MAX_ENTRIES];
static size_t nentries;
static char *strings[MAX_STRINGS];
static size_t nstrings;

static int extract(const FieldRef *ref, EvalCtx *ctx, FieldValues *out);
static Entry *ref_entry(const FieldRef *ref);
static int extract_evt_type(const FieldRef *ref, EvalCtx *ctx, FieldValues *out);

#define ARGIDX (FF_ARG_ALLOWED | FF_ARG_INDEX)
static const FieldDef defs[] = {
	{ "evt.type", FT_STRING, 0, "event type", extract_evt_type, NULL },
	{ "evt.dir", FT_STRING, 0, "direction", extract, NULL },
	{ "evt.num", FT_UNUMBER, 0, "event number", extract, NULL },
	{ "evt.rawres", FT_NUMBER, 0, "return value", extract, NULL },
	{ "evt.res", FT_STRING, 0, "return value as text", extract, NULL },
	{ "evt.time", FT_STRING, 0, "time", extract, NULL },
	{ "evt.rawtime", FT_ABSTIME, 0, "time in ns", extract, NULL },
	{ "evt.arg", FT_STRING, FF_ARG_REQUIRED | FF_ARG_KEY | FF_ARG_INDEX, "argument", extract,
	  NULL },
	{ "evt.flags", FT_FLAGS, 0, "flags (test)", extract, NULL },
	{ "evt.rawarg", FT_NUMBER, FF_ARG_REQUIRED | FF_ARG_KEY, "raw argument", extract, NULL },
	{ "evt.buffer", FT_BYTES, 0, "data", extract, NULL },
	{ "evt.is_open_write", FT_BOOL, 0, "opened for writing", extract, NULL },
	{ "proc.name", FT_STRING, 0, "name", extract, NULL },
	{ "proc.pname", FT_STRING, 0, "parent name", extract, NULL },
	{ "proc.cmdline", FT_STRING, 0, "command line", extract, NULL },
	{ "proc.exepath", FT_STRING, 0, "executable", extract, NULL },
	{ "proc.args", FT_STRING, 0, "arguments", extract, NULL },
	{ "proc.pid", FT_NUMBER, 0, "pid", extract, NULL },
	{ "proc.ppid", FT_NUMBER, 0, "parent pid", extract, NULL },
	{ "proc.aname", FT_STRING, ARGIDX | FF_MULTI, "ancestor names", extract, NULL },
	{ "proc.env", FT_STRING, FF_ARG_ALLOWED | FF_ARG_KEY | FF_MULTI, "environment", extract,
	  NULL },
	{ "proc.duration", FT_RELTIME, 0, "age", extract, NULL },
	{ "proc.loginshellid", FT_NUMBER, FF_DEPRECATED, "deprecated", extract, NULL },
	{ "user.name", FT_STRING, 0, "user", extract, NULL },
	{ "user.uid", FT_UNUMBER, 0, "uid", extract, NULL },
	{ "fd.name", FT_STRING, 0, "fd name", extract, NULL },
	{ "fd.directory", FT_STRING, 0, "fd directory", extract, NULL },
	{ "fd.filename", FT_STRING, 0, "fd file name", extract, NULL },
	{ "fd.num", FT_NUMBER, 0, "fd number", extract, NULL },
	{ "fd.sip", FT_IPADDR, 0, "server ip", extract, NULL },
	{ "fd.cip", FT_IPADDR, 0, "client ip", extract, NULL },
	{ "fd.snet", FT_IPNET, 0, "server net", extract, NULL },
	{ "fd.sport", FT_PORT, 0, "server port", extract, NULL },
	{ "fd.types", FT_STRING, FF_MULTI | FF_LIST, "fd types", extract, NULL },
	{ "container.id", FT_STRING, 0, "container id", extract, NULL },
	{ "container.name", FT_STRING, 0, "container name", extract, NULL },
	{ "container.image.repository", FT_STRING, 0, "image", extract, NULL },
	{ "k8s.ns.name", FT_STRING, 0, "namespace", extract, NULL },
};

static const FieldClass classes[] = {
	{ "evt", "event" },	     { "proc", "process" },	   { "user", "user" },
	{ "fd", "file descriptor" }, { "container", "container" }, { "k8s", "kubernetes" },
};

const char *field_type_name(FieldType t)
{
	static const char *const names[] = {
#define FT_NAME(id, name) [FT_##id] = name,
		FIELD_TYPES(FT_NAME)
#undef FT_NAME
	};

	return (unsigned)t < ELEMENTSOF(names) ? names[t] : "?";
}

void *eval_alloc(EvalCtx *ctx, size_t n)
{
	size_t at = ALIGN_TO(ctx->arena_used, (size_t)8);
	void *p;

	if (n > EVAL_ARENA_SIZE || at > EVAL_ARENA_SIZE - n)
		return NULL;
	p = ctx->arena + at;
	ctx->arena_used = at + n;
	return p;
}

char *eval_strndup(EvalCtx *ctx, const char *s, size_t n)
{
	char *p = eval_alloc(ctx, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *eval_printf(EvalCtx *ctx, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return eval_strndup(ctx, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

const FieldDef *field_table(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(defs);
	return defs;
}

const FieldClass *field_classes(size_t *ret_n)
{
	*ret_n = ELEMENTSOF(classes);
	return classes;
}

const FieldDef *field_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(defs); i++)
		if (strlen(defs[i].name) == len && memcmp(defs[i].name, name, len) == 0)
			return &defs[i];
	return NULL;
}

int field_ref_init(FieldRef *ref, const FieldDef *def, const char *arg, size_t arglen,
		   char **ret_msg)
{
	memset(ref, 0, sizeof(*ref));
	ref->def = def;
	ref->arg_index = -1;
	if (!arg) {
		if (def->flags & FF_ARG_REQUIRED) {
			if (ret_msg && asprintf(ret_msg, "%s needs an argument", def->name) < 0)
				*ret_msg = NULL;
			return -EINVAL;
		}
		ref->priv = ref_entry(ref);
		return 0;
	}
	if (arglen && strspn(arg, "0123456789") >= arglen && (def->flags & FF_ARG_INDEX)) {
		ref->arg_index = strtoll(arg, NULL, 10);
	} else if (def->flags & FF_ARG_KEY) {
		ref->arg_key = strndup(arg, arglen);
		if (!ref->arg_key)
			return -ENOMEM;
	} else {
		if (ret_msg && asprintf(ret_msg, "%s needs a number as index, like %s[1]",
					def->name, def->name) < 0)
			*ret_msg = NULL;
		return -EINVAL;
	}
	ref->has_arg = true;
	ref->priv = ref_entry(ref);
	return 0;
}

static Entry *find(const char *key, bool create);

/* The entry holding the values of ref (created on first use, kept for the process). */
static Entry *ref_entry(const FieldRef *ref)
{
	char key[128];

	if (ref->arg_key)
		snprintf(key, sizeof(key), "%s[%s]", ref->def->name, ref->arg_key);
	else if (ref->has_arg)
		snprintf(key, sizeof(key), "%s[%lld]", ref->def->name, (long long)ref->arg_index);
	else
		snprintf(key, sizeof(key), "%s", ref->def->name);
	return find(key, true);
}

enum saker_fmt_set field_ref_fmt_set(const FieldRef *ref)
{
	if (strcmp(ref->def->name, "evt.rawarg") == 0 && ref->arg_key &&
	    strcmp(ref->arg_key, "flags") == 0)
		return SAKER_FMT_OPEN_FLAGS;
	return SAKER_FMT_NONE;
}

void field_ref_done(FieldRef *ref)
{
	if (!ref)
		return;
	free(ref->arg_key);
	ref->arg_key = NULL;
}

int field_extract(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	out->n = 0;
	if (!ref->def || !ref->def->extract)
		return 0;
	return ref->def->extract(ref, ctx, out);
}

static Entry *find(const char *key, bool create)
{
	size_t i;

	for (i = 0; i < nentries; i++)
		if (strcmp(entries[i].key, key) == 0)
			return &entries[i];
	if (!create || nentries >= MAX_ENTRIES || strlen(key) >= sizeof(entries[0].key))
		return NULL;
	memset(&entries[nentries], 0, sizeof(entries[0]));
	snprintf(entries[nentries].key, sizeof(entries[0].key), "%s", key);
	return &entries[nentries++];
}

static int extract_evt_type(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	const struct event_info *ei = ctx->evt ? event_info_get(ctx->evt->type) : NULL;
	Entry *e = find("evt.type", true);

	if (e)
		e->extractions++;
	if (!ei)
		return 0;
	out->v[0] = (FieldValue){ .type = FT_STRING, .str = ei->name, .len = strlen(ei->name) };
	out->n = 1;
	return 0;
}

static int extract(const FieldRef *ref, EvalCtx *ctx, FieldValues *out)
{
	Entry *e = ref->priv ? ref->priv : ref_entry(ref);
	size_t i;

	if (!e)
		return 0;
	e->extractions++;
	if (e->set) {
		out->n = e->vals.n;
		for (i = 0; i < e->vals.n; i++)
			out->v[i] = e->vals.v[i];
		return 0;
	}
	/* proc.aname[N]: the N-th value of proc.aname */
	if (ref->has_arg && !ref->arg_key && (ref->def->flags & FF_MULTI)) {
		Entry *all = find(ref->def->name, false);

		if (all && all->set && ref->arg_index >= 1 &&
		    (size_t)ref->arg_index <= all->vals.n) {
			out->v[0] = all->vals.v[ref->arg_index - 1];
			out->n = 1;
		}
	}
	return 0;
}

void fake_reset(void)
{
	size_t i;

	for (i = 0; i < nstrings; i++)
		free(strings[i]);
	nstrings = 0;
	/* entries stay (compiled references point to them); their values go */
	for (i = 0; i < nentries; i++) {
		entries[i].set = false;
		entries[i].vals.n = 0;
		entries[i].extractions = 0;
	}
}

FakeField *fake_field(const char *key)
{
	return (FakeField *)find(key, true);
}

void fake_put(FakeField *f, const FieldValue *v, size_t n)
{
	Entry *e = (Entry *)f;
	size_t i;

	if (n > FIELD_MAX_VALUES)
		n = FIELD_MAX_VALUES;
	for (i = 0; i < n; i++)
		e->vals.v[i] = v[i];
	e->vals.n = n;
	e->set = n > 0;
}

static const char *keep(const char *s, size_t n)
{
	char *p;

	if (nstrings >= MAX_STRINGS)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	strings[nstrings++] = p;
	return p;
}

static const FieldDef *def_of(const char *key)
{
	const char *br = strchr(key, '[');

	return field_lookup(key, br ? (size_t)(br - key) : strlen(key));
}

static int parse_one(FieldType t, const char *s, size_t n, FieldValue *v)
{
	char buf[128];

	memset(v, 0, sizeof(*v));
	v->type = t;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	switch (t) {
	case FT_NUMBER:
		v->num = strtoll(buf, NULL, 0);
		return 0;
	case FT_UNUMBER:
	case FT_PORT:
	case FT_ABSTIME:
	case FT_RELTIME:
		v->unum = strtoull(buf, NULL, 0);
		return 0;
	case FT_BOOL:
		v->b = strcmp(buf, "true") == 0;
		return 0;
	case FT_IPADDR:
	case FT_IPNET:
		if (inet_pton(AF_INET, buf, v->ip.addr) == 1) {
			v->ip.family = 4;
			v->ip.prefix = 32;
		} else if (inet_pton(AF_INET6, buf, v->ip.addr) == 1) {
			v->ip.family = 6;
			v->ip.prefix = 128;
		} else {
			return -EINVAL;
		}
		return 0;
	case FT_FLAGS: {
		/* "NUMBER:TEXT" */
		char *colon = strchr(buf, ':');

		v->unum = strtoull(buf, NULL, 0);
		if (colon) {
			v->str = keep(colon + 1, strlen(colon + 1));
			v->len = strlen(colon + 1);
		}
		return 0;
	}
	default:
		v->str = keep(s, n);
		v->len = n;
		return v->str ? 0 : -ENOMEM;
	}
}

int fake_set(const char *key, const char *text)
{
	const FieldDef *def = def_of(key);
	Entry *e = find(key, true);
	size_t n = strlen(text);

	if (!def || !e)
		return -EINVAL;
	e->set = true;
	e->vals.n = 0;
	if (strcmp(text, "<NA>") == 0) {
		e->set = false;
		return 0;
	}
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		const char *p = text + 1, *end = text + n - 1;

		while (p < end && e->vals.n < FIELD_MAX_VALUES) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *stop = comma ? comma : end;

			if (parse_one(def->type, p, (size_t)(stop - p), &e->vals.v[e->vals.n++]) <
			    0)
				return -EINVAL;
			p = stop + 1;
		}
		if (!e->vals.n)
			e->set = false;
		return 0;
	}
	e->vals.n = 1;
	return parse_one(def->type, text, n, &e->vals.v[0]);
}

void fake_set_bytes(const char *key, const void *p, size_t n)
{
	Entry *e = find(key, true);

	if (!e)
		return;
	e->set = true;
	e->vals.n = 1;
	e->vals.v[0] = (FieldValue){ .type = FT_BYTES, .str = keep(p, n), .len = n };
}

int fake_set_line(const char *line, int *ret_type)
{
	const char *p = line;

	while (*p) {
		char key[96], val[512];
		const char *eq, *vs, *ve;
		size_t kn, vn;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		eq = strchr(p, '=');
		if (!eq)
			return -EINVAL;
		kn = (size_t)(eq - p);
		if (kn >= sizeof(key))
			return -EINVAL;
		memcpy(key, p, kn);
		key[kn] = 0;
		vs = eq + 1;
		if (*vs == '"') {
			vs++;
			ve = strchr(vs, '"');
			if (!ve)
				return -EINVAL;
			p = ve + 1;
		} else if (*vs == '[') {
			ve = strchr(vs, ']');
			if (!ve)
				return -EINVAL;
			ve++;
			p = ve;
		} else {
			ve = vs + strcspn(vs, " \t");
			p = ve;
		}
		vn = (size_t)(ve - vs);
		if (vn >= sizeof(val))
			return -EINVAL;
		memcpy(val, vs, vn);
		val[vn] = 0;
		if (strcmp(key, "evt.type") == 0) {
			int t = event_type_from_name(val);

			if (t < 0)
				return -EINVAL;
			*ret_type = t;
			continue;
		}
		if (fake_set(key, val) < 0)
			return -EINVAL;
	}
	return 0;
}

unsigned fake_extractions(const char *key)
{
	Entry *e = find(key, false);

	return e ? e->extractions : 0;
}
