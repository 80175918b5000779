/* SPDX-License-Identifier: GPL-2.0-only */
/* The statistics directory /sys/module/saker/stats/. */
#ifndef SAKER_STATS_H
#define SAKER_STATS_H

int saker_stats_init(void);
void saker_stats_exit(void);

#endif /* SAKER_STATS_H */
