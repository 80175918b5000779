// SPDX-License-Identifier: MIT
/*
 * Capped whole-file reads.  See fileio.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/macro.h"

int read_full_fd(int fd, size_t limit, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 65536;
	struct stat st;
	int more = 0;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)MIN((uint64_t)st.st_size, (uint64_t)SIZE_MAX / 2);
	cap = MIN(cap, limit);
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char probe, *nb;

			if (cap >= limit) {
				/* one byte more tells a file of exactly limit bytes from a bigger one */
				do
					n = read(fd, &probe, 1);
				while (n < 0 && errno == EINTR);
				if (n < 0)
					return -errno;
				more = n > 0;
				break;
			}
			cap = cap ? MIN(cap * 2, limit) : MIN((size_t)65536, limit);
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return more;
}

int read_full_file(const char *path, size_t limit, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return read_full_fd(fd, limit, ret, ret_len);
}
