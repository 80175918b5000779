// SPDX-License-Identifier: GPL-2.0-only
/*
 * saker.ko: captures security-relevant syscalls into per-CPU rings that the
 * saker daemon maps read-only through /dev/saker.  This file holds the
 * module's life cycle and the device: root only (mode 0600 and
 * CAP_SYS_ADMIN), one reader at a time, ioctls per include/saker/ioctl.h.
 * Capture only runs while the device is open; closing it stops capture, and
 * the open file pins the module so rmmod fails until then.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/uaccess.h>

#include "fill.h"
#include "probes.h"
#include "ring.h"
#include "saker.h"
#include "stats.h"

static unsigned int ring_size_kb = SAKER_RING_KB_DEFAULT;
module_param(ring_size_kb, uint, 0444);
MODULE_PARM_DESC(ring_size_kb,
		 "Bytes per per-CPU ring in KiB, a power of two in [64, 262144] (default 8192)");

struct saker_state saker_state;

/* Serializes the control path: start/stop, selection, snaplen. */
static DEFINE_MUTEX(saker_ctl_lock);
static atomic_t saker_opened = ATOMIC_INIT(0);
static enum cpuhp_state saker_cpuhp_state;

static_assert(sizeof(unsigned long) == sizeof(u64),
	      "the event bitmap is copied word by word");
static_assert(BITS_TO_LONGS(SAKER_EVT_MAX) == SAKER_EVT_BITMAP_WORDS,
	      "bitmap sizes of the module and the ABI agree");

/* What a new reader gets: everything but read/write, default snaplen. */
static void saker_state_defaults(void)
{
	unsigned int i;

	for (i = 0; i < SAKER_EVT_MAX; i++) {
		if (i == SAKER_EVT_READ || i == SAKER_EVT_WRITE)
			clear_bit(i, saker_state.events);
		else
			set_bit(i, saker_state.events);
	}
	WRITE_ONCE(saker_state.snaplen, SAKER_SNAPLEN_DEFAULT);
	saker_rings_set_snaplen(SAKER_SNAPLEN_DEFAULT);
	WRITE_ONCE(saker_state.exclude_tgid, 0);
}

static int saker_capture_start(void)
{
	int ret;

	if (saker_state.capturing)
		return 0;
	saker_rings_update_clock();
	WRITE_ONCE(saker_state.capturing, true);
	ret = saker_probes_start();
	if (ret) {
		WRITE_ONCE(saker_state.capturing, false);
		return ret;
	}
	saker_rings_set_capturing(true);
	return 0;
}

static void saker_capture_stop(void)
{
	if (!saker_state.capturing)
		return;
	WRITE_ONCE(saker_state.capturing, false);
	saker_probes_stop();
	saker_rings_set_capturing(false);
}

static int saker_set_events(const void __user *uarg)
{
	struct saker_ioc_events ev;
	unsigned int i;

	if (copy_from_user(&ev, uarg, sizeof(ev)))
		return -EFAULT;
	/* Bits past the last event type are ignored. */
	if (SAKER_EVT_MAX % 64)
		ev.bits[SAKER_EVT_BITMAP_WORDS - 1] &=
			(1ull << (SAKER_EVT_MAX % 64)) - 1;

	mutex_lock(&saker_ctl_lock);
	for (i = 0; i < SAKER_EVT_BITMAP_WORDS; i++)
		WRITE_ONCE(saker_state.events[i], ev.bits[i]);
	mutex_unlock(&saker_ctl_lock);
	return 0;
}

static int saker_set_snaplen(const u32 __user *uarg)
{
	u32 snaplen;

	if (get_user(snaplen, uarg))
		return -EFAULT;
	if (snaplen > SAKER_SNAPLEN_MAX)
		return -EINVAL;
	WRITE_ONCE(saker_state.snaplen, snaplen);
	saker_rings_set_snaplen(snaplen);
	return 0;
}

/* The tgid is given in the caller's pid namespace; 0 clears it. */
static int saker_exclude_tgid(const u32 __user *uarg)
{
	struct pid *pid;
	pid_t tgid = 0;
	u32 nr;

	if (get_user(nr, uarg))
		return -EFAULT;
	if (nr) {
		rcu_read_lock();
		pid = find_vpid(nr);
		tgid = pid ? pid_nr(pid) : 0;
		rcu_read_unlock();
		if (!tgid)
			return -ESRCH;
	}
	WRITE_ONCE(saker_state.exclude_tgid, tgid);
	return 0;
}

static long saker_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct saker_ioc_stats st;
	struct saker_ioc_info info;
	int ret;

	switch (cmd) {
	case SAKER_IOC_GET_INFO:
		saker_rings_update_clock();
		saker_rings_get_info(&info);
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	case SAKER_IOC_START:
		mutex_lock(&saker_ctl_lock);
		ret = saker_capture_start();
		mutex_unlock(&saker_ctl_lock);
		return ret;
	case SAKER_IOC_STOP:
		mutex_lock(&saker_ctl_lock);
		saker_capture_stop();
		mutex_unlock(&saker_ctl_lock);
		return 0;
	case SAKER_IOC_SET_EVENTS:
		return saker_set_events(uarg);
	case SAKER_IOC_SET_SNAPLEN:
		return saker_set_snaplen(uarg);
	case SAKER_IOC_EXCLUDE_TGID:
		return saker_exclude_tgid(uarg);
	case SAKER_IOC_GET_STATS:
		saker_rings_update_clock();
		saker_rings_get_stats(&st);
		return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

static int saker_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (atomic_cmpxchg(&saker_opened, 0, 1))
		return -EBUSY;

	mutex_lock(&saker_ctl_lock);
	saker_state_defaults();
	saker_rings_reset_tails();
	mutex_unlock(&saker_ctl_lock);
	return nonseekable_open(inode, file);
}

/* Runs once the last mapping is gone too: stop capture, free the slot. */
static int saker_release(struct inode *inode, struct file *file)
{
	mutex_lock(&saker_ctl_lock);
	saker_capture_stop();
	mutex_unlock(&saker_ctl_lock);
	atomic_set(&saker_opened, 0);
	return 0;
}

static int saker_mmap(struct file *file, struct vm_area_struct *vma)
{
	return saker_rings_mmap(vma);
}

static const struct file_operations saker_fops = {
	.owner = THIS_MODULE,
	.open = saker_open,
	.release = saker_release,
	.unlocked_ioctl = saker_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = saker_mmap,
};

static struct miscdevice saker_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SAKER_DEVICE_NAME,
	.fops = &saker_fops,
	.mode = 0600,
};

static int saker_cpu_online(unsigned int cpu)
{
	saker_rings_set_online(cpu, true);
	return 0;
}

static int saker_cpu_offline(unsigned int cpu)
{
	saker_rings_set_online(cpu, false);
	return 0;
}

/* Track online CPUs in the info page; rings stay for every possible CPU. */
static int saker_hotplug_init(void)
{
	unsigned int cpu;
	int ret;

	cpus_read_lock();
	ret = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_AP_ONLINE_DYN,
						   "saker/ring:online",
						   saker_cpu_online,
						   saker_cpu_offline);
	if (ret >= 0) {
		saker_cpuhp_state = ret;
		for_each_online_cpu(cpu)
			saker_rings_set_online(cpu, true);
		ret = 0;
	}
	cpus_read_unlock();
	return ret;
}

static int __init saker_init(void)
{
	int ret;

	if (!is_power_of_2(ring_size_kb) || ring_size_kb < SAKER_RING_KB_MIN ||
	    ring_size_kb > SAKER_RING_KB_MAX) {
		pr_err("saker: ring_size_kb=%u is not a power of two in [%u, %u]\n",
		       ring_size_kb, SAKER_RING_KB_MIN, SAKER_RING_KB_MAX);
		return -EINVAL;
	}

	ret = saker_probes_init();
	if (ret)
		return ret;

	ret = saker_rings_init(ring_size_kb * 1024);
	if (ret) {
		pr_err("saker: cannot allocate %u KiB rings for %u CPUs: %d\n",
		       ring_size_kb, nr_cpu_ids, ret);
		return ret;
	}
	saker_proc_init();
	saker_state_defaults();

	ret = saker_hotplug_init();
	if (ret)
		goto err_free_rings;
	ret = saker_stats_init();
	if (ret)
		goto err_remove_hotplug;
	ret = misc_register(&saker_misc);
	if (ret)
		goto err_remove_stats;

	pr_info("saker: %s loaded, %u KiB rings for %u CPUs%s\n",
		SAKER_VERSION, ring_size_kb, nr_cpu_ids,
		saker_probes_faultable() ? ", faultable syscall tracepoints" :
		"");
	return 0;

err_remove_stats:
	saker_stats_exit();
err_remove_hotplug:
	cpuhp_remove_state_nocalls(saker_cpuhp_state);
err_free_rings:
	saker_rings_exit();
	return ret;
}

static void __exit saker_exit(void)
{
	misc_deregister(&saker_misc);
	/* The device is closed, so capture is stopped; make sure. */
	mutex_lock(&saker_ctl_lock);
	saker_capture_stop();
	mutex_unlock(&saker_ctl_lock);
	saker_stats_exit();
	cpuhp_remove_state_nocalls(saker_cpuhp_state);
	saker_rings_exit();
	pr_info("saker: unloaded\n");
}

module_init(saker_init);
module_exit(saker_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(SAKER_VERSION);
MODULE_DESCRIPTION("saker: syscall capture into per-CPU rings for runtime threat detection");
