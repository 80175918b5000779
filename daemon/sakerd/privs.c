// SPDX-License-Identifier: MIT
/*
 * Process-level set-up of sakerd: the lock that keeps a second instance
 * out, dropping the capabilities it no longer needs once the device is
 * open, and the notifications systemd's Type=notify service expects.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "sakerd/daemon.h"
#include "sakerd/log.h"

int daemon_lock(const char *path, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	char buf[32], *slash;
	ssize_t n;

	/* the directory of the default path may not exist yet (a tmpfs /run) */
	slash = strrchr(path, '/');
	if (slash && slash != path) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return log_error_errno(-errno, "cannot create %s", dir);
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return log_error_errno(-errno, "cannot open the lock file %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			return log_error_errno(-errno, "cannot lock %s", path);
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		log_error("sakerd is already running%s%s%s (lock %s)", *buf ? " (pid " : "", buf,
			  *buf ? ")" : "", path);
		return -EALREADY;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warning_errno(-errno, "cannot write the pid to %s", path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/*
 * After the device is open: keep only what reading /proc of every process
 * (exe, fds, environment, namespaces) and the runtimes' metadata needs.
 * CAP_SYS_ADMIN, needed to open the device, goes; so does everything else.
 */
int daemon_drop_caps(void)
{
	static const unsigned keep[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE };
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	unsigned long c;
	size_t i;

	if (geteuid() != 0)
		return 0;
	for (i = 0; i < ELEMENTSOF(keep); i++) {
		data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
	}
	/* and from the bounding set, so programs run by the program output get no more */
	for (c = 0; c <= CAP_LAST_CAP; c++) {
		bool kept = false;

		for (i = 0; i < ELEMENTSOF(keep); i++)
			kept |= keep[i] == c;
		/* already out of it (say, the unit's CapabilityBoundingSet=): nothing to drop */
		if (kept || prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return log_error_errno(-errno, "cannot drop capability %lu from the bounding set",
					       c);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return log_error_errno(-errno, "cannot drop capabilities");
	log_debug("capabilities reduced to sys_ptrace, dac_read_search, dac_override");
	return 0;
}

void daemon_notify(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!getenv("NOTIFY_SOCKET"))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sd_notify(0, buf);
}
