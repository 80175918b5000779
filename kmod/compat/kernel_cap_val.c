/* SPDX-License-Identifier: GPL-2.0-only */
/* kernel_cap_t is a single u64 "val" since 6.3 (was an array of u32). */
#include <linux/capability.h>

u64 saker_probe(const kernel_cap_t *c);
u64 saker_probe(const kernel_cap_t *c)
{
	return c->val;
}
