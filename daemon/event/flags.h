/* SPDX-License-Identifier: MIT */
/*
 * Names for the raw values the kernel passes in FLAGS32/FLAGS64/ENUM32/SIG
 * parameters (one table per SAKER_FMT_* set), errno and signal numbers, and
 * file mode bits.  The kernel sends Linux's raw syscall arguments; these
 * tables give them the names Falco prints, in Falco's order, so that imported
 * rules comparing evt.arg.flags with "O_TRUNC" or evt.res with "ENOENT" match.
 */
#ifndef SAKER_FLAGS_H
#define SAKER_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker/event.h"

/* Longest text flags_render() produces for any value (all names of one set). */
#define FLAGS_RENDER_MAX 1024

/*
 * Render v with the names of set into buf (n bytes, always NUL-terminated):
 * bit sets give the matching names joined with '|' in Falco's order
 * (open(O_WRONLY|O_CREAT|O_TRUNC) prints "O_TRUNC|O_CREAT|O_WRONLY" as in
 * Falco), bits no name covers are appended in hex ("O_CREAT|O_RDONLY|0x40000000")
 * and a value no name matches at all prints as its hex number (0 as "0").
 * Enum sets print the single name, or the decimal number when it has none.
 * Returns the length written, or -ENOBUFS when buf was too small (the text
 * is truncated), or -EINVAL for an unknown set.
 */
int flags_render(enum saker_fmt_set set, uint64_t v, char *buf, size_t n);
/*
 * Same with a chosen separator (thread.cap_effective uses " ") and the number
 * of names used reported in *ret_names (0: only numbers were printed).
 */
int flags_render_sep(enum saker_fmt_set set, uint64_t v, const char *sep, char *buf, size_t n,
		     unsigned *ret_names);

/*
 * The value of name in set ("O_CREAT", "CAP_SYS_ADMIN", "SIGKILL"); several
 * names may be joined with '|' ("O_RDWR|O_CREAT").  Aliases are accepted
 * (AF_UNIX for AF_LOCAL, MS_RDONLY for RDONLY).  -ENOENT for an unknown name,
 * -EINVAL for an unknown set.
 */
int flags_parse_name(enum saker_fmt_set set, const char *name, uint64_t *ret);
/* True for sets whose values are a single choice (PTRACE_REQ, SIGNAL...). */
bool flags_is_enum(enum saker_fmt_set set);
/* The set's name as in SAKER_FMT_SETS ("OPEN_FLAGS"), or "?". */
const char *flags_set_name(enum saker_fmt_set set);

/* "ENOENT" for -2 or 2; NULL for 0 and unknown numbers. */
const char *flags_errno_name(int64_t err);
/* "SIGKILL" for 9; NULL when unknown. */
const char *flags_signal_name(uint64_t sig);
/*
 * File mode bits as Falco names them for chmod-like calls
 * ("S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR" for 0755).
 * Same return convention as flags_render().
 */
int flags_render_mode(uint32_t mode, char *buf, size_t n);

#endif /* SAKER_FLAGS_H */
