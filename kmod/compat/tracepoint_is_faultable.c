/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Since 6.14 the syscall tracepoints may fault: their probes run preemptible
 * and tracepoint_is_faultable() tells which tracepoints do.
 */
#include <linux/tracepoint.h>

bool saker_probe(struct tracepoint *tp);
bool saker_probe(struct tracepoint *tp)
{
	return tracepoint_is_faultable(tp);
}
