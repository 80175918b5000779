/* SPDX-License-Identifier: GPL-2.0-only */
/* vma->vm_flags became read-only in 6.3: use vm_flags_set()/vm_flags_clear(). */
#include <linux/mm.h>

void saker_probe(struct vm_area_struct *vma);
void saker_probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTCOPY);
	vm_flags_clear(vma, VM_MAYWRITE);
}
