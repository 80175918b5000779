/* SPDX-License-Identifier: MIT */
/*
 * The syslog output (syslog_output.*): each alert as one RFC 5424 message
 * with the alert in structured data, or as a classic RFC 3164 line, sent to
 * a unix socket (/dev/log), udp://HOST:PORT or tcp://HOST:PORT (octet
 * counting).  The renderers are pure so the exact bytes are tested alone;
 * docs/syslog.md describes formats, mappings and limits.
 */
#ifndef SAKER_OUT_SYSLOG_H
#define SAKER_OUT_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "output/alert.h"
#include "output/outputs.h"

/*
 * Largest message, framing excluded: unix sockets and tcp take 64 KiB (rsyslog
 * needs global(maxMessageSize) raised to receive that much); udp 8 KiB,
 * rsyslog's default maximum, which also keeps a datagram to a handful of IP
 * fragments.  Longer alerts are truncated (values, then the message text).
 */
#define SYSLOG_MAX_STREAM (64u * 1024u)
#define SYSLOG_MAX_UDP (8u * 1024u)
/* Smallest max_size the renderers accept: header and a truncated SD always fit. */
#define SYSLOG_MIN_MESSAGE 1024u
/* RFC 5424 field sizes (section 6). */
#define SYSLOG_HOSTNAME_MAX 255
#define SYSLOG_APP_NAME_MAX 48
#define SYSLOG_SD_NAME_MAX 32
/* The SD-ID of the alert element and the MSGID of every alert. */
#define SYSLOG_SD_ID "saker@32473"
#define SYSLOG_MSGID "alert"

typedef struct SyslogOptions {
	int facility;	      /* 0..23, syslog_facility_from_string() */
	const char *app_name; /* APP-NAME / TAG; checked by syslog_app_name_valid() */
	const char *hostname; /* used when the alert has none; NULL or "": "-" */
	unsigned procid;      /* PROCID / [PID]; 0 leaves it out */
	/*
	 * RFC 3164 only: a local socket (/dev/log).  syslog(3) sends no
	 * HOSTNAME there and journald and rsyslog's imuxsock parse none.
	 */
	bool local;
	size_t max_size; /* bytes of one message; 0: SYSLOG_MAX_STREAM */
} SyslogOptions;

/* "authpriv" -> 10, "local7" -> 23 ...; -EINVAL for an unknown name. */
int syslog_facility_from_string(const char *name);
/* The syslog severity of a rule priority (emergency 0 ... debug 7); -EINVAL if invalid. */
int syslog_severity(Priority p);
/* 1..48 printable US-ASCII characters, none of ':' '[' ']' (they end a 3164 TAG). */
bool syslog_app_name_valid(const char *name);

/*
 * The PARAM-NAME for an output field name (RFC 5424: 1..32 printable
 * US-ASCII, no '=', ' ', ']', '"'): "proc.aname[2]" -> "proc.aname.2"
 * ('[' becomes '.', ']' goes), other invalid bytes become '_', and a name
 * longer than 32 keeps its first 23 bytes, '~' and 8 hex digits of a hash of
 * the whole name.  Appended to sb.
 */
int syslog_sd_name(const char *name, StrBuf *sb);

/*
 * Append one message (no framing, no newline) to sb; never longer than
 * opts->max_size.  RFC 5424:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID alert [saker@32473 rule="" ...] MSG
 * RFC 3164:
 *   <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG   (no HOSTNAME when local)
 * 0, -EINVAL (no rule, bad priority or options) or -ENOMEM/-E2BIG from sb.
 */
int syslog_render_5424(const Alert *a, const SyslogOptions *opts, StrBuf *sb);
int syslog_render_3164(const Alert *a, const SyslogOptions *opts, StrBuf *sb);

/* RFC 6587 section 3.4.1 octet counting: appends "LEN SP MSG" to sb. */
int syslog_frame_octet_count(const char *msg, size_t len, StrBuf *sb);

/*
 * Adds the syslog sink.  format: "rfc5424" or "rfc3164" (NULL: rfc3164);
 * destination: an absolute unix socket path (datagram, or stream when the
 * socket is one), udp://HOST:PORT or tcp://HOST:PORT (HOST may be [IPv6]);
 * facility: a name as syslog_output.facility (NULL: authpriv); app_name
 * (NULL: "saker"); hostname: for alerts without one (NULL: this host's
 * name).  Connections are made, and remade with backoff, in the sink's
 * thread: a receiver that is not up yet is no error here.  On failure errbuf
 * has a sentence.
 */
int outputs_add_syslog(Outputs *o, const char *format, const char *destination,
		       const char *facility, const char *app_name, const char *hostname,
		       char *errbuf, size_t errlen);

#endif /* SAKER_OUT_SYSLOG_H */
