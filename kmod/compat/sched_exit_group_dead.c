/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_process_exit gained a group_dead argument in newer kernels. */
#include <linux/mm.h>
#include <linux/sched.h>
#include <trace/events/sched.h>

static void saker_probe_exit(void *data, struct task_struct *p, bool group_dead)
{
}

int saker_probe(void);
int saker_probe(void)
{
	return register_trace_sched_process_exit(saker_probe_exit, NULL);
}
