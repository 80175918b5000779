// SPDX-License-Identifier: MIT
/*
 * Alert rendering shared by every output.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "output/alert.h"

int alert_format_time_iso(uint64_t time_ns, StrBuf *sb)
{
	time_t secs = (time_t)(time_ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&secs, &tm))
		return -EINVAL;
	return strbuf_printf(sb, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
			     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			     (unsigned long long)(time_ns % 1000000000ull));
}

int alert_render_text(const Alert *a, StrBuf *sb)
{
	time_t secs = (time_t)(a->time_ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&secs, &tm))
		memset(&tm, 0, sizeof(tm));
	strbuf_printf(sb, "%02d:%02d:%02d.%09llu: %s ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		      (unsigned long long)(a->time_ns % 1000000000ull),
		      priority_to_display(a->priority) ? priority_to_display(a->priority) : "Unknown");
	return strbuf_append(sb, a->output, a->output_len);
}

int alert_render_json(const Alert *a, const AlertJsonOptions *opts, StrBuf *sb)
{
	static const AlertJsonOptions defaults = { true, true, true };
	const char *pri = priority_to_display(a->priority);
	size_t i;

	if (!pri)
		pri = "Unknown";

	if (!opts)
		opts = &defaults;
	strbuf_puts(sb, "{\"hostname\":");
	strbuf_put_json_string(sb, a->hostname ? a->hostname : "", a->hostname ? strlen(a->hostname) : 0);
	if (opts->include_output) {
		strbuf_puts(sb, ",\"output\":");
		strbuf_put_json_string(sb, a->output, a->output_len);
	}
	if (opts->include_output_fields) {
		strbuf_puts(sb, ",\"output_fields\":{");
		for (i = 0; i < a->nfields; i++) {
			const AlertField *f = &a->fields[i];

			if (i)
				strbuf_putc(sb, ',');
			strbuf_put_json_string(sb, f->name, strlen(f->name));
			strbuf_putc(sb, ':');
			if (f->missing)
				strbuf_puts(sb, "null");
			else
				strbuf_put_json_string(sb, f->value, f->len);
		}
		strbuf_putc(sb, '}');
	}
	strbuf_puts(sb, ",\"priority\":");
	strbuf_put_json_string(sb, pri, strlen(pri));
	strbuf_puts(sb, ",\"rule\":");
	strbuf_put_json_string(sb, a->rule ? a->rule : "", a->rule ? strlen(a->rule) : 0);
	strbuf_puts(sb, ",\"source\":");
	strbuf_put_json_string(sb, a->source ? a->source : "syscall",
			       a->source ? strlen(a->source) : 7);
	if (opts->include_tags) {
		strbuf_puts(sb, ",\"tags\":[");
		for (i = 0; i < a->ntags; i++) {
			if (i)
				strbuf_putc(sb, ',');
			strbuf_put_json_string(sb, a->tags[i], strlen(a->tags[i]));
		}
		strbuf_putc(sb, ']');
	}
	strbuf_puts(sb, ",\"time\":\"");
	alert_format_time_iso(a->time_ns, sb);
	return strbuf_puts(sb, "\"}");
}
