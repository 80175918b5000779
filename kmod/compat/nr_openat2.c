/* SPDX-License-Identifier: GPL-2.0-only */
/* The target kernel has the openat2 syscall. */
#include <asm/unistd.h>

#ifndef __NR_openat2
#error no openat2
#endif
int saker_probe(void);
int saker_probe(void)
{
	return __NR_openat2;
}
