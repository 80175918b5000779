/* SPDX-License-Identifier: MIT */
/*
 * The config.h that rsyslog's headers expect, for building imsaker out of
 * rsyslog's tree without running its configure.  It decides every config.h
 * macro that the headers imsaker includes test (build.sh checks that list
 * against this file for each rsyslog version), with the values of Debian's
 * rsyslog build on Linux: struct layouts must match the rsyslogd we load into.
 */
#ifndef IMSAKER_RSYSLOG_CONFIG_H
#define IMSAKER_RSYSLOG_CONFIG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* configure's AC_USE_SYSTEM_EXTENSIONS: off64_t, memmem */
#endif
#define NDEBUG 1 /* a release build, as Debian's (no --enable-debug) */
#define HAVE_ATOMIC_BUILTINS 1
#define HAVE_ATOMIC_BUILTINS64 1
#define HAVE_LSEEK64 1
#define HAVE_OFF64_T 1
#define HAVE_STRNDUP 1
#define HAVE_PTHREAD_SETSCHEDPARAM 1
#define FEATURE_REGEXP 1 /* --enable-regexp is the default (template.h) */
#define ENABLE_IMDIAG 1	 /* Debian builds with --enable-imdiag (queue.h) */

/*
 * Decided as undefined: DEBUG (--enable-debug), DEBUGLESS (--enable-debugless),
 * ENABLE_LIBCAPNG (--enable-libcap-ng, which Debian's rsyslog is not built with: its
 * rsyslogd does not link libcap-ng; the macro adds two fields at the start of struct
 * globals_s in rsconf.h), OS_SOLARIS, OS_APPLE, OS_BSD, _AIX.  build.sh reads this line.
 * IMSAKER_UNDEFINED: DEBUG DEBUGLESS ENABLE_LIBCAPNG OS_SOLARIS OS_APPLE OS_BSD _AIX
 */

#endif /* IMSAKER_RSYSLOG_CONFIG_H */
