/* SPDX-License-Identifier: MIT */
/*
 * sakerd's own messages (not alerts): one line each on stderr, with the
 * "<N>" priority prefix journald understands when stderr is the journal
 * (JOURNAL_STREAM), plain otherwise.  Only the daemon's top layer logs.
 */
#ifndef SAKER_SAKERD_LOG_H
#define SAKER_SAKERD_LOG_H

#include <syslog.h>

#include "common/macro.h"

#include <stdbool.h>

void log_setup(void);
/* Whether fd is the stream systemd connected to the journal (JOURNAL_STREAM). */
bool log_fd_is_journal(int fd);
void log_set_max_level(int level);
/* Logs and returns -abs(error) (or 0 when error is 0), for "return log_error_errno(r, ...)". */
int log_full_errno(int level, int error, const char *fmt, ...) _printf_(3, 4);
void log_full(int level, const char *fmt, ...) _printf_(2, 3);

#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, e, __VA_ARGS__)

#endif /* SAKER_SAKERD_LOG_H */
