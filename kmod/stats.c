// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only counters under /sys/module/saker/stats/, the same sums
 * SAKER_IOC_GET_STATS returns, for operators and scripts without a
 * reader: events, bytes, faults, truncated, filtered and one drops_REASON
 * file per enum saker_drop_reason.
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "ring.h"
#include "stats.h"

struct saker_stat_attr {
	struct kobj_attribute attr;
	size_t offset;			/* in struct saker_ioc_stats */
};

static ssize_t saker_stat_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	const struct saker_stat_attr *sa =
		container_of(attr, struct saker_stat_attr, attr);
	struct saker_ioc_stats st;
	u64 v;

	saker_rings_get_stats(&st);
	memcpy(&v, (const u8 *)&st + sa->offset, sizeof(v));
	return sysfs_emit(buf, "%llu\n", v);
}

#define SAKER_STAT_NAMED(fname, field) {				\
	.attr = {							\
		.attr = { .name = fname, .mode = 0444 },		\
		.show = saker_stat_show,				\
	},								\
	.offset = offsetof(struct saker_ioc_stats, field),		\
}

#define SAKER_STAT(fname, field) SAKER_STAT_NAMED(#fname, field)

static struct saker_stat_attr saker_stat_attrs[] = {
	SAKER_STAT(events, events),
	SAKER_STAT(bytes, bytes),
	SAKER_STAT(faults, faults),
	SAKER_STAT(truncated, truncated),
	SAKER_STAT(filtered, filtered),
#define SAKER_STAT_DROP(id, name) \
	SAKER_STAT_NAMED("drops_" name, drops[SAKER_DROP_##id]),
	SAKER_DROP_REASONS(SAKER_STAT_DROP)
#undef SAKER_STAT_DROP
};

static struct attribute *saker_stat_list[ARRAY_SIZE(saker_stat_attrs) + 1];

static const struct attribute_group saker_stat_group = {
	.attrs = saker_stat_list,
};

static struct kobject *saker_stats_kobj;

/**
 * saker_stats_init() - create /sys/module/saker/stats/
 *
 * Return: 0 or a negative errno.
 */
int saker_stats_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(saker_stat_attrs); i++)
		saker_stat_list[i] = &saker_stat_attrs[i].attr.attr;

	saker_stats_kobj = kobject_create_and_add("stats",
						  &THIS_MODULE->mkobj.kobj);
	if (!saker_stats_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(saker_stats_kobj, &saker_stat_group);
	if (ret) {
		kobject_put(saker_stats_kobj);
		saker_stats_kobj = NULL;
	}
	return ret;
}

void saker_stats_exit(void)
{
	sysfs_remove_group(saker_stats_kobj, &saker_stat_group);
	kobject_put(saker_stats_kobj);
	saker_stats_kobj = NULL;
}
