/* SPDX-License-Identifier: GPL-2.0-only */
/* d_real() takes an enum d_real_type since 6.9 (was a struct inode *). */
#include <linux/dcache.h>

struct dentry *saker_probe(struct dentry *d);
struct dentry *saker_probe(struct dentry *d)
{
	return d_real(d, D_REAL_DATA);
}
