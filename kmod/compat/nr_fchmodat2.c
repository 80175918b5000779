/* SPDX-License-Identifier: GPL-2.0-only */
/* fchmodat2 (6.6) takes the AT_* flags fchmodat ignores. */
#include <asm/unistd.h>

#ifndef __NR_fchmodat2
#error no fchmodat2
#endif
int saker_probe(void);
int saker_probe(void)
{
	return __NR_fchmodat2;
}
