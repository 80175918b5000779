/* SPDX-License-Identifier: MIT */
/*
 * Shared internals of the field modules (field.c and the per-class files
 * field-evt.c, field-arg.c, field-proc.c, field-fd.c, field-container.c):
 * the per-class definition arrays, value setters and helpers that read the
 * event and the state.  Not for use outside daemon/rules/field*.c.
 *
 * Value conventions (what the evaluator reads for each type):
 *   STRING, CHARBUF, BYTES  str/len (str NUL-terminated, len excludes it)
 *   NUMBER                  num
 *   UNUMBER, PORT, ABSTIME, RELTIME  unum
 *   FLAGS                   unum (raw value) and str/len (rendered names)
 *   BOOL                    b
 *   IPADDR, IPNET           ip (IPNET values are addresses, prefix 32/128)
 */
#ifndef SAKER_FIELD_IMPL_H
#define SAKER_FIELD_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules/field.h"

/* Per-class definition arrays, concatenated by field.c in this order. */
extern const FieldDef field_defs_evt[];
extern const size_t field_defs_evt_n;
extern const FieldDef field_defs_proc[];
extern const size_t field_defs_proc_n;
extern const FieldDef field_defs_fd[];
extern const size_t field_defs_fd_n;
extern const FieldDef field_defs_container[];
extern const size_t field_defs_container_n;

/* Argument binders run by field_ref_init() for fields with per-ref data. */
int field_bind_evt_arg(FieldRef *ref, char **ret_msg);
int field_bind_evt_rawarg(FieldRef *ref, char **ret_msg);

/* AT_FDCWD as the kernel passes it in dirfd parameters. */
#define FIELD_AT_FDCWD (-100)

/* ---- value setters: each returns 0 (or -ENOBUFS when out of slots) ---- */

static inline FieldValue *fv_push(FieldValues *out, FieldType t)
{
	FieldValue *v;

	if (out->n >= FIELD_MAX_VALUES)
		return NULL;
	v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

static inline int fv_strn_t(FieldValues *out, FieldType t, const char *s, size_t len)
{
	FieldValue *v = fv_push(out, t);

	if (!v)
		return -ENOBUFS;
	v->str = s;
	v->len = len;
	return 0;
}

static inline int fv_strn(FieldValues *out, const char *s, size_t len)
{
	return fv_strn_t(out, FT_STRING, s, len);
}

/* A string value; NULL s gives the empty string (Falco's empty members). */
static inline int fv_str(FieldValues *out, const char *s)
{
	return fv_strn(out, s ? s : "", s ? strlen(s) : 0);
}

static inline int fv_num(FieldValues *out, int64_t n)
{
	FieldValue *v = fv_push(out, FT_NUMBER);

	if (!v)
		return -ENOBUFS;
	v->num = n;
	return 0;
}

static inline int fv_unum_t(FieldValues *out, FieldType t, uint64_t n)
{
	FieldValue *v = fv_push(out, t);

	if (!v)
		return -ENOBUFS;
	v->unum = n;
	return 0;
}

static inline int fv_unum(FieldValues *out, uint64_t n)
{
	return fv_unum_t(out, FT_UNUMBER, n);
}

static inline int fv_bool(FieldValues *out, bool b)
{
	FieldValue *v = fv_push(out, FT_BOOL);

	if (!v)
		return -ENOBUFS;
	v->b = b;
	return 0;
}

/* IPv4 (4 bytes) or IPv6 (16 bytes) address as an IPADDR or IPNET value. */
static inline int fv_ip(FieldValues *out, FieldType t, unsigned family, const uint8_t *addr)
{
	FieldValue *v = fv_push(out, t);

	if (!v)
		return -ENOBUFS;
	v->ip.family = (uint8_t)family;
	v->ip.prefix = family == 4 ? 32 : 128;
	memcpy(v->ip.addr, addr, family == 4 ? 4 : 16);
	return 0;
}

/* ---- event helpers ---- */

/* The return value of a syscall event; false for meta events. */
bool field_evt_res(const SkEvent *e, int64_t *ret);
/* True when the record is a syscall exit (it has a return value). */
bool field_evt_has_res(const SkEvent *e);
/* Index of the parameter named name in e, or -1. */
int field_param_idx(const SkEvent *e, const char *name);
/* The string parameter at idx, or NULL when absent, faulted or not a string. */
const char *field_param_str(const SkEvent *e, int idx);
/* The integer parameter at idx; false when absent or faulted. */
bool field_param_s64(const SkEvent *e, int idx, int64_t *ret);

/*
 * Resolve a path parameter the way Falco does for evt.arg and fd.name:
 * absolute paths are normalized lexically ("/a/./b/../c" is "/a/c"); relative
 * ones are taken from the kernel's resolved _abs companion parameter when
 * there is one (abs_idx >= 0), else joined to the directory of dirfd
 * (dirfd_idx >= 0 and not AT_FDCWD) or the process's cwd.  The result lives
 * in the arena; NULL when out of arena memory.  Returns raw unchanged when
 * nothing can anchor a relative path.
 */
const char *field_resolve_path(EvalCtx *ctx, const char *raw, int abs_idx, int dirfd_idx);
/* Lexical normalization of an absolute path into the arena ("" stays ""). */
char *field_normalize_path(EvalCtx *ctx, const char *path, size_t len);

/*
 * The Falco text of parameter idx of the event (what evt.arg returns):
 * the resolved form when there is one (user name of a uid, flag names,
 * "<f>/etc/passwd" for a known fd, the absolute path of a relative one),
 * else the plain value.  When ret_raw is not NULL the plain value is stored
 * there too (evt.args prints "raw(resolved)").  Returns 0 and the text in
 * the arena or inside the event, -ENOENT when the parameter is absent,
 * -ENOBUFS when the arena is exhausted.
 */
int field_render_param(EvalCtx *ctx, const SkEvent *e, unsigned idx, const char **ret,
		       const char **ret_raw);

/* Falco-style socket address / tuple text ("1.2.3.4:80", "a:p->b:q"). */
int field_render_sockaddr(EvalCtx *ctx, const uint8_t *p, size_t len, const char **ret);
int field_render_tuple(EvalCtx *ctx, const uint8_t *p, size_t len, const char **ret);

/* ---- state helpers ---- */

/* Thread group leader of p (p when unknown). */
Proc *field_leader(EvalCtx *ctx, Proc *p);
/* Parent process of p's thread group, or NULL. */
Proc *field_parent(EvalCtx *ctx, Proc *p);
/* fd in p's table, or NULL. */
FdInfo *field_proc_fd(Proc *p, int64_t fd);
/* Falco's one-letter fd type ('f', 'd', '4', '6', 'u', 'p'...). */
char field_fd_typechar(const FdInfo *f);

/* ---- strings in the arena ---- */

/* Join the NUL-separated list (len bytes) with sep; prefix is put first. */
char *field_join_strarr(EvalCtx *ctx, const char *prefix, const char *list, size_t len, char sep);
/* Number of strings in a NUL-separated list of len bytes. */
size_t field_strarr_count(const char *list, size_t len);

#endif /* SAKER_FIELD_IMPL_H */
