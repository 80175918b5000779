// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run as an unprivileged user (the "-user" suffix): /dev/saker is root's
 * alone (mode 0600 and CAP_SYS_ADMIN), so opening it must fail.
 */
#include "check.h"

#include <fcntl.h>

int main(void)
{
	int fd;

	if (geteuid() == 0) {
		printf("SKIP: open-user: running as root\n");
		return 0;
	}
	fd = open(SAKER_DEVICE_PATH, O_RDONLY);
	T_ASSERT("open: an unprivileged user cannot open the device",
		 fd < 0 && (errno == EACCES || errno == EPERM));
	if (fd >= 0)
		close(fd);
	return t_done();
}
