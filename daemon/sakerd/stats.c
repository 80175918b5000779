// SPDX-License-Identifier: MIT
/*
 * sakerd's numbers: the statistics `saker stats` shows and the periodic log
 * line, the alert raised when the kernel module's drop counters grow, and
 * the summaries of alerts the per-rule rate limit held back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "event/event-info.h"
#include "sakerd/daemon.h"
#include "sakerd/log.h"

#define NSEC_PER_SEC 1000000000ull
#define STATS_TOP_TYPES 64 /* event types listed in the stats (busiest first) */

static const char *const drop_reason_names[] = {
#define DROP_NAME(id, name) [SAKER_DROP_##id] = name,
	SAKER_DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t rss_kib(void)
{
	unsigned long long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
}

/*
 * An alert of sakerd's own (source "internal", tagged saker and topic),
 * stamped now and handed to the outputs directly: no rule, no rate limit.
 */
static void submit_internal(Daemon *d, const char *rule, Priority priority, const char *topic,
			    const StrBuf *text, const AlertField *fields, size_t nfields)
{
	const char *tags[] = { "saker", topic };
	Alert a = {
		.time_ns = now_real_ns(),
		.rule = rule,
		.rule_id = SIZE_MAX,
		.priority = priority,
		.tags = tags,
		.ntags = ELEMENTSOF(tags),
		.source = "internal",
		.hostname = d->hostname,
		.output = strbuf_str(text),
		.output_len = text->len,
		.fields = fields,
		.nfields = nfields,
	};

	outputs_submit(d->outputs, &a);
}

/* ---- drops --------------------------------------------------------------- */

static bool drops_action(const Daemon *d, const char *action)
{
	size_t i;

	for (i = 0; i < d->config->drops_actions.n; i++)
		if (strcmp(d->config->drops_actions.v[i], action) == 0)
			return true;
	return false;
}

void daemon_check_drops(Daemon *d, uint64_t now)
{
	struct saker_ioc_stats st;
	uint64_t delta[SAKER_DROP_MAX], total = 0, events, suppressed = 0;
	AlertField fields[SAKER_DROP_MAX + 2];
	char values[SAKER_DROP_MAX + 2][32];
	size_t nf = 0;
	unsigned i;
	StrBuf *sb = &d->scratch;

	if (ring_reader_stats(d->reader, &st) < 0)
		return;
	for (i = 0; i < SAKER_DROP_MAX; i++) {
		d->cnt.drops[i] = st.drops[i];
		delta[i] = st.drops[i] - d->drops_at_last_alert[i];
		total += delta[i];
	}
	if (total == 0 || drops_action(d, "ignore"))
		return;
	/* held back by the rate limit: the next report covers these drops too */
	if (!ratelimit_check(d->drop_limit, 0, now, &suppressed))
		return;
	memcpy(d->drops_at_last_alert, st.drops, sizeof(d->drops_at_last_alert));
	events = st.events - d->events_at_last_drop_check;
	d->events_at_last_drop_check = st.events;

	strbuf_reset(sb);
	strbuf_printf(sb, "Event drops detected: %" PRIu64 " events dropped since the last report (",
		      total);
	for (i = 0; i < SAKER_DROP_MAX; i++) {
		if (!delta[i])
			continue;
		snprintf(values[nf], sizeof(values[nf]), "%" PRIu64, delta[i]);
		fields[nf] = (AlertField){ .name = drop_reason_names[i], .value = values[nf],
					   .len = strlen(values[nf]) };
		strbuf_printf(sb, "%s%s=%" PRIu64, nf ? " " : "", drop_reason_names[i], delta[i]);
		nf++;
	}
	strbuf_printf(sb, "), %.2f%% of the events captured", events + total
			  ? 100.0 * (double)total / (double)(events + total) : 0.0);
	snprintf(values[nf], sizeof(values[nf]), "%" PRIu64, total);
	fields[nf] = (AlertField){ .name = "saker.drops", .value = values[nf],
				   .len = strlen(values[nf]) };
	nf++;
	snprintf(values[nf], sizeof(values[nf]), "%" PRIu64, events);
	fields[nf] = (AlertField){ .name = "saker.events", .value = values[nf],
				   .len = strlen(values[nf]) };
	nf++;

	if (drops_action(d, "log"))
		log_warning("%s", strbuf_str(sb));
	if (drops_action(d, "alert")) {
		d->cnt.drop_alerts++;
		submit_internal(d, "Event drops detected", PRI_CRITICAL, "drops", sb, fields, nf);
	}
	if (drops_action(d, "exit")) {
		log_error("exiting on event drops (syscall_event_drops.actions has exit)");
		d->exit_code = 1;
		d->quit = true;
	}
}

/* ---- output losses ---------------------------------------------------------- */

/*
 * A sink that fell behind lost its oldest alerts (counted by the outputs):
 * say so on the log and as an alert, which the other outputs carry, at most
 * once a minute.  now == UINT64_MAX reports regardless (before a reload
 * replaces the outputs).
 */
void daemon_check_output_losses(Daemon *d, uint64_t now)
{
	OutputSinkStats os[OUTPUTS_MAX_SINKS];
	AlertField fields[OUTPUTS_MAX_SINKS + 1];
	char values[OUTPUTS_MAX_SINKS + 1][32];
	size_t n, i, nf = 0;
	uint64_t total = 0;
	StrBuf *sb = &d->scratch;

	if (!d->outputs)
		return;
	if (now != UINT64_MAX && now - d->last_out_report_ns < SAKERD_OUTPUT_LOSS_REPORT_NS)
		return;
	n = MIN(outputs_stats(d->outputs, os, ELEMENTSOF(os)), ELEMENTSOF(os));
	strbuf_reset(sb);
	for (i = 0; i < n; i++) {
		/* dropped from a full queue, or failed to be written (sink down) */
		uint64_t gone = os[i].lost + os[i].errors;
		uint64_t lost = gone - d->out_lost_reported[i];

		if (!lost)
			continue;
		d->out_lost_reported[i] = gone;
		snprintf(values[nf], sizeof(values[nf]), "%" PRIu64, lost);
		fields[nf] = (AlertField){ .name = os[i].name, .value = values[nf],
					   .len = strlen(values[nf]) };
		strbuf_printf(sb, "%s%s=%" PRIu64, nf ? " " : "", os[i].name, lost);
		nf++;
		total += lost;
	}
	if (!total)
		return;
	d->last_out_report_ns = now == UINT64_MAX ? now_mono_ns() : now;
	log_warning("outputs dropped %" PRIu64 " alerts (%s): a sink is down or slower than the alerts",
		    total, strbuf_str(sb));
	snprintf(values[nf], sizeof(values[nf]), "%" PRIu64, total);
	fields[nf] = (AlertField){ .name = "saker.lost", .value = values[nf],
				   .len = strlen(values[nf]) };
	nf++;
	{
		_cleanup_free_ char *detail = strbuf_steal(sb);

		strbuf_printf(sb, "Outputs dropped %" PRIu64 " alerts (%s)", total, detail ? detail : "");
	}
	submit_internal(d, "Outputs dropped alerts", PRI_ERROR, "outputs", sb, fields, nf);
}

/* ---- suppressed alerts ----------------------------------------------------- */

void daemon_emit_suppressed(Daemon *d, size_t key, uint64_t count, uint64_t time_ns)
{
	const EngineRule *r = key < engine_rule_count(d->engine) ? engine_rule(d->engine, key) : NULL;
	char value[32];
	AlertField f;
	StrBuf *sb = &d->scratch;
	size_t ntags = 0;
	Alert a;

	if (!r)
		return;
	snprintf(value, sizeof(value), "%" PRIu64, count);
	f = (AlertField){ .name = "saker.suppressed", .value = value, .len = strlen(value) };
	strbuf_reset(sb);
	strbuf_printf(sb, "%" PRIu64 " similar alerts suppressed (rule '%s', rate limit %g/s, burst %" PRId64 ")",
		      count, engine_rule_name(r), d->config->outputs_rate, d->config->outputs_max_burst);
	a = (Alert){
		.time_ns = time_ns,
		.rule = engine_rule_name(r),
		.rule_id = key,
		.priority = engine_rule_priority(r),
		.source = engine_rule_source(r),
		.hostname = d->hostname,
		.output = strbuf_str(sb),
		.output_len = sb->len,
		.fields = &f,
		.nfields = 1,
	};
	a.tags = engine_rule_tags(r, &ntags);
	a.ntags = ntags;
	outputs_submit(d->outputs, &a);
}

static void report_one(size_t key, uint64_t count, uint64_t first_ns, uint64_t last_ns,
		       void *userdata)
{
	/* stamped with the last suppressed alert's time: a replay reports the same */
	daemon_emit_suppressed(userdata, key, count, last_ns);
}

void daemon_report_suppressed(Daemon *d, uint64_t now, uint64_t min_age_ns)
{
	if (d->ratelimit)
		ratelimit_flush(d->ratelimit, now, min_age_ns, report_one, d);
}

/* ---- statistics ---------------------------------------------------------------- */

typedef struct TypeCount {
	unsigned type;
	uint64_t n;
} TypeCount;

static int cmp_count(const void *a, const void *b)
{
	const TypeCount *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : (int)x->type - (int)y->type;
}

static void json_key(StrBuf *sb, const char *k)
{
	strbuf_put_json_string(sb, k, strlen(k));
	strbuf_putc(sb, ':');
}

int daemon_stats_json(Daemon *d, StrBuf *sb)
{
	TypeCount tc[SAKER_EVT_MAX];
	uint64_t now = now_mono_ns(), up = now - d->start_mono_ns, drops = 0, cpu = cpu_ns();
	double secs = (double)up / 1e9;
	OutputSinkStats os[OUTPUTS_MAX_SINKS];
	size_t n = 0, i, no;
	struct saker_ioc_stats st;
	bool have_st = d->reader && ring_reader_stats(d->reader, &st) == 0;

	strbuf_printf(sb, "{\"uptime_s\":%.1f,\"hostname\":", secs);
	strbuf_put_json_string(sb, d->hostname, strlen(d->hostname));
	strbuf_printf(sb, ",\"events\":{\"total\":%" PRIu64 ",\"per_s\":%.1f,\"bad\":%" PRIu64
			  ",\"by_type\":{",
		      d->cnt.events, secs > 0 ? (double)d->cnt.events / secs : 0.0,
		      d->cnt.bad_records);
	for (i = 0; i < SAKER_EVT_MAX; i++)
		if (d->cnt.by_type[i])
			tc[n++] = (TypeCount){ (unsigned)i, d->cnt.by_type[i] };
	qsort(tc, n, sizeof(tc[0]), cmp_count);
	for (i = 0; i < n && i < STATS_TOP_TYPES; i++) {
		const struct event_info *ev = event_info_get(tc[i].type);

		if (i)
			strbuf_putc(sb, ',');
		json_key(sb, ev ? ev->name : "?");
		strbuf_printf(sb, "%" PRIu64, tc[i].n);
	}
	strbuf_puts(sb, "}},\"drops\":{");
	for (i = 0; have_st && i < SAKER_DROP_MAX; i++) {
		json_key(sb, drop_reason_names[i]);
		strbuf_printf(sb, "%" PRIu64 ",", (uint64_t)st.drops[i]);
		drops += st.drops[i];
	}
	strbuf_printf(sb, "\"total\":%" PRIu64, drops);
	if (have_st)
		strbuf_printf(sb, ",\"kernel_events\":%" PRIu64 ",\"faults\":%" PRIu64
				  ",\"truncated\":%" PRIu64,
			      (uint64_t)st.events, (uint64_t)st.faults, (uint64_t)st.truncated);
	strbuf_printf(sb, "},\"rules\":{\"loaded\":%zu,\"enabled\":%zu,\"hits\":{",
		      engine_rule_count(d->engine), engine_enabled_count(d->engine));
	for (i = 0, n = 0; i < engine_rule_count(d->engine); i++) {
		const EngineRule *r = engine_rule(d->engine, i);

		if (!engine_rule_hits(r))
			continue;
		if (n++)
			strbuf_putc(sb, ',');
		json_key(sb, engine_rule_name(r));
		strbuf_printf(sb, "%" PRIu64, engine_rule_hits(r));
	}
	strbuf_printf(sb, "}},\"alerts\":{\"total\":%" PRIu64 ",\"suppressed\":%" PRIu64
			  ",\"drop_alerts\":%" PRIu64 "}",
		      d->cnt.alerts, d->cnt.suppressed, d->cnt.drop_alerts);
	strbuf_printf(sb, ",\"state\":{\"threads\":%zu,\"max_threads\":%zu,\"containers\":%zu,"
			  "\"fds\":%zu,\"evictions\":%" PRIu64 ",\"errors\":%" PRIu64 "}",
		      state_nthreads(d->state), d->state->max_threads, state_ncontainers(d->state),
		      state_nfds(d->state), d->state->evictions, d->cnt.state_errors);
	strbuf_puts(sb, ",\"outputs\":[");
	no = outputs_stats(d->outputs, os, ELEMENTSOF(os));
	for (i = 0; i < no && i < ELEMENTSOF(os); i++) {
		if (i)
			strbuf_putc(sb, ',');
		strbuf_puts(sb, "{\"name\":");
		strbuf_put_json_string(sb, os[i].name, strlen(os[i].name));
		strbuf_printf(sb, ",\"written\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"errors\":%" PRIu64
				  ",\"queued\":%zu,\"capacity\":%zu}",
			      os[i].written, os[i].lost, os[i].errors, os[i].queued, os[i].capacity);
	}
	strbuf_printf(sb, "],\"process\":{\"pid\":%d,\"cpu_percent\":%.1f,\"cpu_s\":%.2f,"
			  "\"rss_kib\":%" PRIu64 "}",
		      (int)getpid(), up ? 100.0 * (double)cpu / (double)up : 0.0, (double)cpu / 1e9,
		      rss_kib());
	if (d->rec)
		strbuf_printf(sb, ",\"capture\":{\"events\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
			      d->rec->events, d->rec->bytes);
	strbuf_putc(sb, '}');
	return sb->failed ? -ENOMEM : 0;
}

/* One line every stats_interval (and on SIGUSR2): rates since the last line. */
void daemon_stats_log(Daemon *d)
{
	uint64_t now = now_mono_ns(), cpu = cpu_ns();
	double secs = (double)(now - d->last_stats_ns) / 1e9;
	uint64_t ev = d->cnt.events - d->cnt_at_stats.events;
	uint64_t al = d->cnt.alerts - d->cnt_at_stats.alerts;
	uint64_t drops = 0;
	unsigned i;

	for (i = 0; i < SAKER_DROP_MAX; i++)
		drops += d->cnt.drops[i] - d->cnt_at_stats.drops[i];
	if (secs <= 0)
		secs = 1e-9;
	log_info("stats: %.0f events/s, %" PRIu64 " alerts, %" PRIu64 " suppressed, %" PRIu64
		 " dropped, %zu threads, %zu containers, cpu %.1f%%, rss %" PRIu64 " KiB",
		 (double)ev / secs, al, d->cnt.suppressed - d->cnt_at_stats.suppressed, drops,
		 state_nthreads(d->state), state_ncontainers(d->state),
		 100.0 * (double)(cpu - d->cpu_ns_at_stats) / 1e9 / secs, rss_kib());
	daemon_notify("STATUS=%.0f events/s, %" PRIu64 " alerts since start, %zu threads tracked",
		      (double)ev / secs, d->cnt.alerts, state_nthreads(d->state));
	d->cnt_at_stats = d->cnt;
	d->cpu_ns_at_stats = cpu;
	d->last_stats_ns = now;
}
