/* SPDX-License-Identifier: GPL-2.0-only */
/* <asm/unaligned.h> moved to <linux/unaligned.h> in 6.12. */
#include <linux/unaligned.h>

u32 saker_probe(const void *p);
u32 saker_probe(const void *p)
{
	return get_unaligned_le32(p);
}
