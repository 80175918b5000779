/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoint hooks of saker.ko: sys_exit and the
 * scheduler's fork, exec and exit.  Called under the control mutex.
 */
#ifndef SAKER_PROBES_H
#define SAKER_PROBES_H

int saker_probes_init(void);
int saker_probes_start(void);
void saker_probes_stop(void);
bool saker_probes_faultable(void);

#endif /* SAKER_PROBES_H */
