/* SPDX-License-Identifier: MIT */
/*
 * What imsaker understands of a datagram: one sakerd alert as a JSON object
 * (the output's alert_render_json()), checked and reduced to what the syslog
 * message needs.  Plain C over libfastjson with no rsyslog header, so the
 * unit tests and the fuzz target build it without an rsyslog source tree.
 */
#ifndef IMSAKER_ALERT_PARSE_H
#define IMSAKER_ALERT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fjson_object;

/*
 * Bytes of one datagram.  An alert is a few KiB; sakerd never sends more
 * than this, and a longer datagram is cut here and counted as malformed.
 */
#define IMSAKER_DATAGRAM_MAX (256u * 1024u)
/* JSON nesting accepted (an alert is three levels deep: object, output_fields, value). */
#define IMSAKER_JSON_DEPTH_MAX 16
/* Longest hostname taken from an alert (RFC 1035); longer or odd ones give the local name. */
#define IMSAKER_HOSTNAME_MAX 255
/* Room imsaker_escape() needs for len input bytes: each may become "#ooo". */
#define IMSAKER_ESCAPED_SIZE(len) ((len)*4 + 1)

typedef struct ImsakerAlert {
	struct fjson_object *json; /* the whole alert, owned */
	const char *output; /* the alert's sentence, inside json */
	size_t output_len;
	const char *hostname; /* inside json; NULL: absent or not a usable hostname */
	size_t hostname_len;
	int severity; /* syslog severity 0 (emerg) .. 7 (debug) from "priority" */
	bool has_time; /* "time" was an RFC 3339 UTC timestamp */
	int64_t time_sec; /* seconds since the epoch */
	uint32_t time_nsec;
} ImsakerAlert;

/*
 * Parses one datagram.  0 and *ret filled (free with imsaker_alert_done()),
 * or a negative errno and *ret_reason a short sentence on what is wrong:
 * not JSON, not an object, or a required field ("rule", "output",
 * "priority") missing or of the wrong kind.  Never reads past len.
 */
int imsaker_alert_parse(const char *buf, size_t len, ImsakerAlert *ret, const char **ret_reason);
void imsaker_alert_done(ImsakerAlert *a);

/* Syslog severity of a sakerd/Falco priority name (any case); -1 if unknown. */
int imsaker_severity_from_priority(const char *s, size_t len);
/* Syslog facility number (0..23) of a name as in syslog.conf ("authpriv"); -1 if unknown. */
int imsaker_facility_from_name(const char *name);

/* "2026-11-30T08:00:00.123456789Z" (1 to 9 fraction digits, or none): 0, or -EINVAL. */
int imsaker_parse_time(const char *s, size_t len, int64_t *ret_sec, uint32_t *ret_nsec);

/*
 * How control characters in a message are written, as rsyslog's own
 * parser does for received messages (EscapeControlCharactersOnReceive).
 */
typedef struct ImsakerEscape {
	bool control; /* escape bytes below 0x20 (NUL is always escaped) */
	bool tab; /* escape TAB as well */
	char prefix; /* '#' gives "#012" for a line feed */
} ImsakerEscape;

/*
 * Copies len bytes of in to out, which has IMSAKER_ESCAPED_SIZE(len) bytes,
 * writing each escaped byte as prefix and three octal digits; NUL-terminates
 * and returns the length written.
 */
size_t imsaker_escape(const char *in, size_t len, const ImsakerEscape *e, char *out);

#endif /* IMSAKER_ALERT_PARSE_H */
