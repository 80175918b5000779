// SPDX-License-Identifier: MIT
/*
 * Fuzz target for imsaker's datagram parser (rsyslog-plugin/alert-parse.c):
 * any bytes are refused with a reason or accepted as an alert whose
 * severity, sentence and hostname are sane; both the sentence and the raw
 * bytes go through the escaping, which must stay within its stated size.
 * Besides that: no crash, no leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../rsyslog-plugin/alert-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_escape(const char *s, size_t len)
{
	ImsakerEscape e = { .control = true, .tab = (len & 1) != 0, .prefix = '#' };
	char *out = malloc(IMSAKER_ESCAPED_SIZE(len));
	size_t n;

	if (!out)
		return;
	n = imsaker_escape(s, len, &e, out);
	if (n < len || n > 4 * len || out[n] != '\0' || memchr(out, '\0', n))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so a read past the end is caught. */
	char *buf = malloc(size ? size : 1);
	const char *reason = NULL;
	ImsakerAlert a;
	int r;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	r = imsaker_alert_parse(buf, size, &a, &reason);
	if (r < 0) {
		if (!reason || a.json)
			abort();
	} else {
		if (reason || !a.json || a.severity < 0 || a.severity > 7 || !a.output)
			abort();
		if (a.hostname && (a.hostname_len == 0 || a.hostname_len > IMSAKER_HOSTNAME_MAX ||
				   memchr(a.hostname, ' ', a.hostname_len)))
			abort();
		if (a.has_time && a.time_nsec >= 1000000000u)
			abort();
		check_escape(a.output, a.output_len);
	}
	imsaker_alert_done(&a);
	check_escape(buf, size <= IMSAKER_DATAGRAM_MAX ? size : IMSAKER_DATAGRAM_MAX);
	free(buf);
	return 0;
}
