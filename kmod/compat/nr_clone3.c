/* SPDX-License-Identifier: GPL-2.0-only */
/* The target kernel has the clone3 syscall. */
#include <asm/unistd.h>

#ifndef __NR_clone3
#error no clone3
#endif
int saker_probe(void);
int saker_probe(void)
{
	return __NR_clone3;
}
