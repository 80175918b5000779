/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole file into memory with a size cap, for the YAML and text
 * inputs (rules, configuration, test cases, passwd/group).
 */
#ifndef SAKER_FILEIO_H
#define SAKER_FILEIO_H

#include <stddef.h>

/*
 * Read fd to its end, at most limit bytes, into a malloc'd NUL-terminated
 * buffer.  Returns 0 when the whole file was read, 1 when it holds more
 * than limit bytes (*ret then has the first limit bytes), or a negative
 * errno (-EISDIR for a directory).
 */
int read_full_fd(int fd, size_t limit, char **ret, size_t *ret_len);
/* The same for a path (opened O_RDONLY|O_CLOEXEC|O_NOCTTY). */
int read_full_file(const char *path, size_t limit, char **ret, size_t *ret_len);

#endif /* SAKER_FILEIO_H */
