// SPDX-License-Identifier: MIT
/*
 * The detection pipeline: state update, rule evaluation, alert rendering.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "rules/detector.h"
#include "state/update.h"

/* Bytes of rendered output sentence and field values per alert. */
#define DETECTOR_OUTPUT_LIMIT (256u * 1024u)

struct Detector {
	Engine *engine;
	State *state;
	char *hostname;
	uint64_t boot_ns;
	uint64_t events;
	uint64_t alerts;
	StrBuf text;
	StrBuf values;
	FormatField *ffields;
	AlertField *afields;
	size_t fields_cap;
	EvalCtx ctx; /* large: keep it last */
};

int detector_new(Engine *engine, State *state, const char *hostname, Detector **ret)
{
	Detector *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->hostname = strdup(hostname ? hostname : "");
	if (!d->hostname) {
		free(d);
		return -ENOMEM;
	}
	d->engine = engine;
	d->state = state;
	d->text.limit = DETECTOR_OUTPUT_LIMIT;
	d->values.limit = DETECTOR_OUTPUT_LIMIT;
	*ret = d;
	return 0;
}

Detector *detector_free(Detector *d)
{
	if (!d)
		return NULL;
	strbuf_done(&d->text);
	strbuf_done(&d->values);
	free(d->ffields);
	free(d->afields);
	free(d->hostname);
	free(d);
	return NULL;
}

void detector_set_engine(Detector *d, Engine *engine)
{
	d->engine = engine;
}

void detector_set_boot_time(Detector *d, uint64_t boot_to_realtime_ns)
{
	d->boot_ns = boot_to_realtime_ns;
}

int detector_set_hostname(Detector *d, const char *hostname)
{
	char *h = strdup(hostname ? hostname : "");

	if (!h)
		return -ENOMEM;
	free(d->hostname);
	d->hostname = h;
	return 0;
}

static int ensure_fields(Detector *d, size_t n)
{
	FormatField *ff;
	AlertField *af;

	if (n <= d->fields_cap)
		return 0;
	ff = reallocarray(d->ffields, n, sizeof(*ff));
	if (!ff)
		return -ENOMEM;
	d->ffields = ff;
	af = reallocarray(d->afields, n, sizeof(*af));
	if (!af)
		return -ENOMEM;
	d->afields = af;
	d->fields_cap = n;
	return 0;
}

static int raise_alert(Detector *d, const EngineRule *r, const SkEvent *e, detector_alert_fn fn,
		       void *userdata)
{
	size_t nf = engine_rule_nfields(r), i, ntags;
	Alert a;
	int k;

	k = ensure_fields(d, nf);
	if (k < 0)
		return k;
	strbuf_reset(&d->text);
	strbuf_reset(&d->values);
	k = engine_render(d->engine, r, &d->ctx, &d->text, &d->values, d->ffields);
	if (k < 0 && k != -E2BIG)
		return k;
	for (i = 0; i < nf; i++) {
		const FormatField *f = &d->ffields[i];

		d->afields[i] = (AlertField){
			.name = engine_rule_field_name(r, i),
			.value = f->missing || d->values.failed ? "<NA>" : d->values.buf + f->off,
			.len = f->missing || d->values.failed ? 4 : f->len,
			.missing = f->missing,
		};
	}
	a = (Alert){
		.time_ns = e->ts + d->boot_ns,
		.rule = engine_rule_name(r),
		.rule_id = engine_rule_index(r),
		.priority = engine_rule_priority(r),
		.source = engine_rule_source(r),
		.hostname = d->hostname,
		.output = strbuf_str(&d->text),
		.output_len = d->text.len,
		.fields = d->afields,
		.nfields = nf,
	};
	a.tags = engine_rule_tags(r, &ntags);
	a.ntags = ntags;
	fn(&a, userdata);
	d->alerts++;
	return 0;
}

int detector_process(Detector *d, const SkEvent *e, detector_alert_fn fn, void *userdata)
{
	EngineMatch m[DETECTOR_MAX_MATCHES];
	size_t n = 0, i;
	int r, raised = 0;

	d->events++;
	eval_reset(&d->ctx);
	d->ctx.hostname = d->hostname;
	d->ctx.boot_to_realtime_ns = d->boot_ns;
	d->ctx.evt_num = d->events;
	r = state_update(d->state, e, &d->ctx);
	if (r < 0)
		return r;
	if (d->engine) {
		r = engine_eval(d->engine, &d->ctx, m, DETECTOR_MAX_MATCHES, &n);
		for (i = 0; r >= 0 && i < n; i++) {
			int k = raise_alert(d, m[i].rule, e, fn, userdata);

			if (k < 0)
				r = k;
			else
				raised++;
		}
	}
	state_update_post(d->state, e, &d->ctx);
	return r < 0 ? r : raised;
}

uint64_t detector_events(const Detector *d)
{
	return d->events;
}

uint64_t detector_alerts(const Detector *d)
{
	return d->alerts;
}
