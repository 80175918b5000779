/* SPDX-License-Identifier: GPL-2.0-only */
/* linux_binprm.fdpath: the "/dev/fd/N/name" execveat builds for a dirfd. */
#include <linux/binfmts.h>

const char *saker_probe(const struct linux_binprm *bprm);
const char *saker_probe(const struct linux_binprm *bprm)
{
	return bprm->fdpath;
}
