// SPDX-License-Identifier: MIT
/*
 * sakerd's messages on stderr; see log.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sakerd/log.h"

static bool to_journal;
static int max_level = LOG_INFO;

bool log_fd_is_journal(int fd)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	/* "DEV:INO" of the stream systemd connected to the journal */
	return e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(fd, &st) == 0 &&
	       st.st_dev == dev && st.st_ino == ino;
}

void log_setup(void)
{
	/* "<N>" prefixes only when stderr is the journal stream */
	to_journal = log_fd_is_journal(STDERR_FILENO);
	setvbuf(stderr, NULL, _IOLBF, 0);
}

void log_set_max_level(int level)
{
	max_level = level;
}

static void log_va(int level, int error, const char *fmt, va_list ap)
{
	char buf[2048];
	int n;

	if (level > max_level)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if (to_journal)
		fprintf(stderr, "<%d>", level);
	if (error)
		fprintf(stderr, "%s: %s\n", buf, strerror(abs(error)));
	else
		fprintf(stderr, "%s\n", buf);
}

void log_full(int level, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_va(level, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

int log_full_errno(int level, int error, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_va(level, error, fmt, ap);
	va_end(ap);
	errno = saved;
	return error > 0 ? -error : error;
}
