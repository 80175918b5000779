/* SPDX-License-Identifier: GPL-2.0-only */
/* The target kernel has the new mount API (fsopen, fsconfig, fsmount, ...). */
#include <asm/unistd.h>

#ifndef __NR_fsopen
#error no fsopen
#endif
int saker_probe(void);
int saker_probe(void)
{
	return __NR_fsopen;
}
