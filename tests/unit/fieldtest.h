/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the field unit tests (test-fields.c, test-fields-state.c):
 * a State with users, an EvalCtx, events built with evbuild, processes and
 * fds made from short specs, and one-line extraction checks (S() for the
 * single string value or "<NA>", N/U/B for numbers and booleans, NA() for
 * "no value", MS() for several values joined with ',').
 */
#ifndef SAKER_FIELDTEST_H
#define SAKER_FIELDTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evbuild.h"
#include "rules/field-ext.h"
#include "rules/field.h"
#include "state/state.h"

/* Boot happened at 1700000000 s since the epoch (2023-11-14 22:13:20 UTC). */
#define BOOT_TO_REAL (1700000000ull * 1000000000ull)
#define TS (1000000000ull + 5) /* one second and 5 ns after boot */

typedef struct T {
	State *s;
	EvalCtx *ctx;
	void *rec;
	SkEvent e;
} T;

typedef struct ProcSpec {
	int64_t tid, pid, ptid, sid, pgid, vpid;
	const char *comm, *exe, *exepath, *cwd;
	const char *args; /* NUL-separated, with the final NUL */
	size_t args_len;
	const char *env;
	size_t env_len;
	uint32_t euid, egid, loginuid, tty, exe_flags;
	uint64_t caps, exe_ino, clone_ts;
} ProcSpec;

T *t_new(void);
void t_free(T *t);
/* Finish the record being built and make it the current event of tid (0: none). */
void t_event(T *t, int64_t tid);
/* The fd the event concerns, as the state updater would set it. */
void t_fd(T *t, int64_t fd);
Proc *mkproc(T *t, const ProcSpec *ps);
FdInfo *mkfd(T *t, int64_t tid, int64_t fd, FdType type, const char *name);
void set_ip4(uint8_t a[16], uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3);

/* The last extraction's values and the bound field's type. */
extern FieldValues vals;
extern FieldType bound_type;

/* Bind "name", "name[arg]" or "name.arg" like the compiler does. */
int fbind(const char *spec, FieldRef *ref, char **msg);
const FieldValues *X(T *t, const char *spec);
const char *S(T *t, const char *spec);
int64_t N(T *t, const char *spec);
uint64_t U(T *t, const char *spec);
bool B(T *t, const char *spec);
void NA(T *t, const char *spec);
const char *MS(T *t, const char *spec);
/* An IP value as "4:10.0.0.1/32" or "6:2001..01/128". */
const char *IP(T *t, const char *spec);
/* The message of a failing binding (malloc'd), NULL when it binds. */
char *bind_error(const char *spec);

/*
 * The process tree several tests use:
 *   1 systemd -> 100 sshd -> 200 bash (session 200) -> 300 sudo -> 400 python3
 * 400 has a second thread, 401 "worker"; users root and alice (1000).
 */
void tree(T *t);
/* kill(target, sig) by tid: an event with no fd and no path. */
void kill_event(T *t, int64_t tid, int64_t pid, int64_t target, uint32_t sig);
void openat_event(T *t, int64_t tid, int64_t res, const char *name, const char *abs,
		  uint32_t flags, uint32_t mode);

#endif /* SAKER_FIELDTEST_H */
