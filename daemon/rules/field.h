/* SPDX-License-Identifier: MIT */
/*
 * Rule fields (evt.type, proc.name, fd.name, ...): one declaration per field
 * with its type, argument rules and description, plus the extractor that
 * reads its value(s) for the current event.  The compiler resolves names and
 * arguments once (FieldRef); the evaluator only calls extractors.
 */
#ifndef SAKER_FIELD_H
#define SAKER_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/decode.h"
#include "state/state.h"

/* Value types, as Falco names them in `falco --list`. */
#define FIELD_TYPES(T)                 \
	T(STRING, "string")            \
	T(NUMBER, "int64")             \
	T(UNUMBER, "uint64")           \
	T(BOOL, "bool")                \
	T(IPADDR, "ipaddr")            \
	T(IPNET, "ipnet")              \
	T(PORT, "port")                \
	T(ABSTIME, "abstime")          \
	T(RELTIME, "reltime")          \
	T(FLAGS, "flags")              \
	T(CHARBUF, "charbuf")          \
	T(BYTES, "bytebuf")

typedef enum FieldType {
#define FT_ENUM(id, name) FT_##id,
	FIELD_TYPES(FT_ENUM)
#undef FT_ENUM
	_FT_MAX,
} FieldType;

const char *field_type_name(FieldType t);

typedef struct IpAddr {
	uint8_t family; /* 4 or 6 */
	uint8_t prefix; /* IPNET: prefix length */
	uint8_t addr[16];
} IpAddr;

/*
 * One extracted value.  Strings are NUL-terminated; they point into the
 * event, the state, or the EvalCtx arena and are valid until the next event.
 * FLAGS values carry both the raw number and the rendered string.
 */
typedef struct FieldValue {
	FieldType type;
	const char *str;
	size_t len;
	union {
		int64_t num;
		uint64_t unum;
		bool b;
		IpAddr ip;
	};
} FieldValue;

/* Most values one field yields for one event (e.g. proc.aname without index). */
#define FIELD_MAX_VALUES 64

typedef struct FieldValues {
	size_t n; /* 0: the field has no value for this event (<NA>) */
	FieldValue v[FIELD_MAX_VALUES];
} FieldValues;

/* Per-event scratch memory, reset before each event. */
#define EVAL_ARENA_SIZE (64u * 1024u)

typedef struct EvalCtx {
	const SkEvent *evt;
	State *state;
	Proc *proc;  /* the event's thread, or NULL */
	FdInfo *fd;  /* the fd the event concerns (evt.arg.fd, returned fd), or NULL */
	const char *hostname;
	uint64_t boot_to_realtime_ns; /* ts + this = wall clock ns */
	uint64_t evt_num;	      /* 1-based number of the event (evt.num), 0: unknown */
	size_t arena_used;
	char arena[EVAL_ARENA_SIZE];
} EvalCtx;

/* Allocate n bytes from the context arena, NULL when exhausted. */
void *eval_alloc(EvalCtx *ctx, size_t n);
/* Copy/format a string into the arena; NULL when exhausted. */
char *eval_strndup(EvalCtx *ctx, const char *s, size_t n);
char *eval_printf(EvalCtx *ctx, const char *fmt, ...) _printf_(2, 3);
static inline void eval_reset(EvalCtx *ctx)
{
	ctx->arena_used = 0;
}

/* Field declaration flags. */
#define FF_ARG_REQUIRED 0x01 /* proc.aname[N] style argument must be given */
#define FF_ARG_ALLOWED 0x02  /* an argument may be given */
#define FF_ARG_INDEX 0x04    /* the argument is a number */
#define FF_ARG_KEY 0x08	     /* the argument is a name (evt.arg.NAME, [NAME]) */
#define FF_MULTI 0x10	     /* may yield several values (compare: any matches) */
#define FF_HIDDEN 0x20	     /* not listed by list-fields (aliases) */
#define FF_DEPRECATED 0x40
/*
 * With FF_MULTI: the values form a set, as Falco's list fields (fd.types):
 * "in" needs every value in the list, "intersects" one of them, and no
 * other comparison applies.  Without it a multi-valued field (proc.aname,
 * fd.ip) matches when any of its values does, whatever the operator.
 */
#define FF_LIST 0x80

typedef struct FieldRef FieldRef;
typedef struct FieldDef FieldDef;

/* Extractor: fill out->v[0..] and out->n; return 0 or negative errno. */
typedef int (*field_extract_fn)(const FieldRef *ref, EvalCtx *ctx, FieldValues *out);

struct FieldDef {
	const char *name;
	FieldType type;
	unsigned flags;
	const char *desc;
	field_extract_fn extract;
	/*
	 * Event types this field can have a value on: NULL = any.  Used by the
	 * compiler's event-type derivation only as a hint, never for matching.
	 */
	const uint16_t *evt_types;
};

/* A field resolved by the compiler: definition plus parsed argument. */
struct FieldRef {
	const FieldDef *def;
	bool has_arg;
	int64_t arg_index;  /* FF_ARG_INDEX */
	char *arg_key;	    /* FF_ARG_KEY (owned) */
	void *priv;	    /* extractor-private data prepared by field_ref_init (owned) */
	void (*priv_free)(void *priv);
};

/* Class of a field name prefix, for list-fields grouping. */
typedef struct FieldClass {
	const char *name; /* "evt", "proc", ... */
	const char *desc;
} FieldClass;

/* Exact lookup ("proc.aname"); NULL when unknown. */
const FieldDef *field_lookup(const char *name, size_t len);
/*
 * Bind def and its argument text (arg, arglen; NULL when none) into ref.
 * On a bad or missing argument returns -EINVAL and a malloc'd message in
 * *ret_msg ("proc.aname needs an index like proc.aname[2]").
 */
int field_ref_init(FieldRef *ref, const FieldDef *def, const char *arg, size_t arglen,
		   char **ret_msg);
void field_ref_done(FieldRef *ref);
/* Extract: out->n = 0 when there is no value. */
int field_extract(const FieldRef *ref, EvalCtx *ctx, FieldValues *out);
/* Iterate all fields (in table order). */
const FieldDef *field_table(size_t *ret_n);
const FieldClass *field_classes(size_t *ret_n);

#endif /* SAKER_FIELD_H */
