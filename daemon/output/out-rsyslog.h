/* SPDX-License-Identifier: MIT */
/*
 * The rsyslog output (rsyslog_output.*): every alert as one JSON datagram,
 * the whole alert object, on the unix socket where rsyslog's imsaker module
 * listens (rsyslog-plugin/).  No wait is unbounded: rsyslogd down or behind
 * costs counted alerts of this sink, never the others; docs/rsyslog.md.
 */
#ifndef SAKER_OUT_RSYSLOG_H
#define SAKER_OUT_RSYSLOG_H

#include <stddef.h>

#include "output/outputs.h"

#define RSYSLOG_DEFAULT_SOCKET "/run/saker/rsyslog.sock"
/* Largest datagram: imsaker's own limit.  A longer alert is lost (counted). */
#define RSYSLOG_DATAGRAM_MAX (256u * 1024u)
/*
 * A full socket (rsyslogd behind) is waited on this long per alert, then the
 * alert is lost; meanwhile the sink's queue keeps the alerts that follow.
 */
#define RSYSLOG_SEND_WAIT_MS 500
/* After a failed connect, the next try waits this long, doubled up to the maximum. */
#define RSYSLOG_RETRY_MIN_MS 100
#define RSYSLOG_RETRY_MAX_MS 5000
/* Send buffer asked for (room for whole datagrams while the receiver's queue is full). */
#define RSYSLOG_SNDBUF (4 * 1024 * 1024)

/*
 * Adds the sink.  socket_path NULL or "": RSYSLOG_DEFAULT_SOCKET.  rsyslogd
 * need not run yet; a path that exists and is not a socket is an error.
 * Every alert the sink could not hand over counts once in its errors, and
 * each outage is reported once on stderr (and its end, with the count).
 */
int outputs_add_rsyslog(Outputs *o, const char *socket_path, char *errbuf, size_t errlen);

#endif /* SAKER_OUT_RSYSLOG_H */
