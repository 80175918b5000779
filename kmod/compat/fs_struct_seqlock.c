/* SPDX-License-Identifier: GPL-2.0-only */
/* fs_struct is guarded by a seqlock_t (no spinlock "lock") in newer kernels. */
#include <linux/fs_struct.h>

void saker_probe(struct fs_struct *fs);
void saker_probe(struct fs_struct *fs)
{
	read_seqlock_excl(&fs->seq);
	read_sequnlock_excl(&fs->seq);
}
