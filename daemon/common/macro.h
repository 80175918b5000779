/* SPDX-License-Identifier: MIT */
/*
 * Small language helpers used everywhere in userspace: cleanup attributes,
 * ownership hand-over (TAKE_PTR/TAKE_FD), array sizes.  Modelled on
 * systemd's src/basic/macro.h so error paths stay short and leak-free.
 */
#ifndef SAKER_MACRO_H
#define SAKER_MACRO_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)
#define _pure_ __attribute__((pure))
#define _noreturn_ __attribute__((noreturn))

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_TO(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))

/* Hand over ownership of a pointer: returns it and clears the variable. */
#define TAKE_PTR(p)                            \
	({                                     \
		__typeof__(p) _tp_ = (p);      \
		(p) = NULL;                    \
		_tp_;                          \
	})

#define TAKE_FD(fd)                   \
	({                            \
		int _tf_ = (fd);      \
		(fd) = -1;            \
		_tf_;                 \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

/* Define a cleanup helper for a type whose free function accepts NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p)     \
	{                                       \
		if (*p)                         \
			func(*p);               \
	}

/* Allocation helpers: return NULL on failure, callers map that to -ENOMEM. */
#define new0(t, n) ((t *)calloc((n) ? (n) : 1, sizeof(t)))
#define newa(t, n) ((t *)reallocarray(NULL, (n) ? (n) : 1, sizeof(t)))

#endif /* SAKER_MACRO_H */
