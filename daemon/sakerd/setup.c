// SPDX-License-Identifier: MIT
/*
 * What sakerd builds from its configuration: the Config itself, the
 * compiled rules and the outputs.  Used at start and on SIGHUP, where every
 * piece is built completely before anything running is replaced, so a bad
 * configuration or ruleset leaves the daemon as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/out-journald.h"
#include "output/out-rsyslog.h"
#include "output/out-syslog.h"
#include "rules/field-ext.h"
#include "sakerd/daemon.h"
#include "sakerd/log.h"
#include "state/update.h"
#include "tool/tool.h"

int daemon_load_config(const DaemonArgs *args, Config **ret)
{
	_cleanup_(config_errors_done) ConfigErrors errs = { 0 };
	const char *path = args->config_path ? args->config_path : CONFIG_DEFAULT_PATH;
	const char *dropins = args->dropin_dir ? args->dropin_dir : CONFIG_DEFAULT_DROPIN_DIR;
	struct stat st;
	int r;

	/* the default file may be missing (defaults then); one given with -c may not */
	if (!args->config_path && stat(path, &st) < 0 && errno == ENOENT) {
		log_notice("%s: not found, using the defaults", path);
		path = NULL;
	}
	r = config_load(path, dropins, args->overrides, args->noverrides, ret, &errs);
	if (r < 0) {
		config_errors_print(&errs, stderr);
		if (r != -EINVAL)
			return log_error_errno(r, "cannot load the configuration");
		log_error("the configuration has errors");
	}
	return r;
}

static int add_rule_path(PathList *l, const char *path, bool must_exist)
{
	struct stat st;

	if (stat(path, &st) < 0 && errno == ENOENT && !must_exist) {
		log_notice("%s: not found, skipped", path);
		return 0;
	}
	return pathlist_add(l, path);
}

int daemon_build_engine(const DaemonArgs *args, const Config *c, Engine **ret)
{
	_cleanup_(pathlist_done) PathList paths = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	EngineOptions eo;
	size_t i;
	int r;

	*ret = NULL;
	if (args->nrules > 0) {
		for (i = 0; i < args->nrules; i++)
			if ((r = add_rule_path(&paths, args->rules[i], true)) < 0)
				return r;
	} else {
		for (i = 0; i < c->rules_files.n; i++)
			if ((r = add_rule_path(&paths, c->rules_files.v[i], false)) < 0)
				return r;
	}
	if (paths.n == 0)
		log_warning("no rule files: nothing will be detected");

	engine_options_init(&eo);
	eo.min_priority = priority_from_string(c->priority);
	if (eo.min_priority == PRI_INVALID)
		eo.min_priority = PRI_DEBUG;
	eo.rule_matching = strcmp(c->rule_matching, "all") == 0 ? RULE_MATCHING_ALL
								: RULE_MATCHING_FIRST;

	r = tool_load_rules(&paths, &d, &rs);
	if (r == -ENOMEM)
		return log_error_errno(r, "cannot load the rules");
	/* compiled even after load errors: every error is reported at once */
	if (rs && r != -ENOMEM) {
		Engine *e = NULL;
		int k = engine_compile(rs, &eo, &d, &e);

		if (r == 0)
			r = k;
		if (r == 0)
			*ret = e;
		else
			engine_free(e);
	}
	diags_print(&d, stderr);
	if (r < 0 || !*ret) {
		log_error("the rules have errors");
		return r < 0 ? r : -EINVAL;
	}
	log_info("loaded %zu rule files: %zu rules, %zu enabled", paths.n, engine_rule_count(*ret),
		 engine_enabled_count(*ret));
	return 0;
}

/* Whether a syslog destination is journald's own socket. */
static bool syslog_is_journal(const char *dest)
{
	char buf[PATH_MAX];
	const char *real;

	if (!dest || strncmp(dest, "udp://", 6) == 0 || strncmp(dest, "tcp://", 6) == 0)
		return false;
	real = realpath(dest, buf) ? buf : dest;
	return strcmp(real, "/dev/log") == 0 || strcmp(real, "/run/systemd/journal/dev-log") == 0;
}

int daemon_build_outputs(const DaemonArgs *args, const Config *c, Outputs **ret)
{
	_cleanup_(outputs_freep) Outputs *o = NULL;
	OutputsOptions oo = {
		.json = c->json_output,
		.json_opts = { .include_output = c->json_include_output_property,
			       .include_tags = c->json_include_tags_property,
			       .include_output_fields = true },
		.buffered = c->buffered_outputs && !args->unbuffered,
		.queue_capacity = (size_t)c->outputs_queue_capacity,
	};
	char err[OUTPUTS_MAX_ERROR] = "";
	int r;

	r = outputs_new(&oo, &o);
	if (r < 0)
		return log_error_errno(r, "cannot set up the outputs");
	if (c->stdout_enabled && c->journald_enabled && log_fd_is_journal(STDOUT_FILENO)) {
		/* under systemd, stdout is the journal too: each alert would be there twice */
		log_info("stdout output skipped: stdout is the journal, which the journald output "
			 "already writes to");
	} else if (c->stdout_enabled && (r = outputs_add_stdout(o, err, sizeof(err))) < 0) {
		goto fail;
	}
	if (c->file_enabled &&
	    (r = outputs_add_file(o, c->file_filename, c->file_keep_alive, err, sizeof(err))) < 0)
		goto fail;
	if (c->program_enabled && (r = outputs_add_program(o, c->program_program,
							   c->program_keep_alive, err, sizeof(err))) < 0)
		goto fail;
	if (c->journald_enabled &&
	    (r = outputs_add_journald(o, c->journald_facility, err, sizeof(err))) < 0)
		goto fail;
	if (c->syslog_enabled && c->journald_enabled && syslog_is_journal(c->syslog_destination)) {
		/* journald owns /dev/log on Debian: the same alerts would be there twice */
		log_info("syslog output to %s skipped: the journald output already writes there",
			 c->syslog_destination);
	} else if (c->syslog_enabled &&
		   (r = outputs_add_syslog(o, c->syslog_format, c->syslog_destination,
					   c->syslog_facility, c->syslog_app_name, NULL, err,
					   sizeof(err))) < 0) {
		goto fail;
	}
	if (c->rsyslog_enabled &&
	    (r = outputs_add_rsyslog(o, c->rsyslog_socket, err, sizeof(err))) < 0)
		goto fail;
	if (outputs_nsinks(o) == 0)
		log_warning("no output is enabled: alerts are only counted");
	*ret = TAKE_PTR(o);
	return 0;
fail:
	log_error("output: %s", *err ? err : strerror(-r));
	return r;
}

/* What to capture: the types enabled rules need plus what the state needs. */
void daemon_program_events(Daemon *d)
{
	struct saker_ioc_events ev = { 0 };
	const uint64_t *need = engine_event_bitmap(d->engine);
	unsigned i, n = 0;
	int r;

	state_event_bitmap((uint64_t *)ev.bits);
	for (i = 0; i < SAKER_EVT_BITMAP_WORDS; i++) {
		ev.bits[i] |= need[i];
		n += __builtin_popcountll(ev.bits[i]);
	}
	if (!d->reader)
		return;
	r = ring_reader_set_events(d->reader, &ev);
	if (r < 0)
		log_warning_errno(r, "cannot select the events to capture: %s",
				  ring_reader_error(d->reader));
	else
		log_info("capturing %u event types", n);
}

static void watch_domains(Daemon *d)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	if (!d->dns)
		return;
	r = engine_dns_names(d->engine, &names, &n);
	if (r < 0) {
		log_warning_errno(r, "cannot collect the domain names of the rules");
		return;
	}
	if (n > DNS_MAX_WATCHED) {
		log_warning("the rules name %zu domains; only the first %d are resolved", n,
			    DNS_MAX_WATCHED);
		n = DNS_MAX_WATCHED;
	}
	r = dns_resolver_watch(d->dns, (const char *const *)names, n);
	if (r < 0)
		log_warning_errno(r, "cannot watch %zu domain names", n);
	else if (n > 0)
		log_info("resolving %zu domain names named by the rules", n);
	engine_dns_names_free(names);
}

/* The parts of daemon_init() and daemon_reload() that follow a new engine. */
static void engine_changed(Daemon *d)
{
	detector_set_engine(d->detector, d->engine);
	daemon_program_events(d);
	watch_domains(d);
}

int daemon_setup_engine(Daemon *d)
{
	engine_changed(d);
	return 0;
}

int daemon_reload(Daemon *d)
{
	_cleanup_(config_freep) Config *c = NULL;
	_cleanup_(engine_freep) Engine *e = NULL;
	_cleanup_(outputs_freep) Outputs *o = NULL;
	RateLimiter *rl;
	int r;

	daemon_notify("RELOADING=1\nSTATUS=Reloading the configuration and rules");
	log_info("reloading the configuration and rules");
	r = daemon_load_config(&d->args, &c);
	if (r >= 0)
		r = daemon_build_engine(&d->args, c, &e);
	if (r >= 0)
		r = daemon_build_outputs(&d->args, c, &o);
	rl = r >= 0 ? ratelimit_new(c->outputs_rate, (uint64_t)c->outputs_max_burst) : NULL;
	if (r >= 0 && !rl)
		r = -ENOMEM;
	if (r < 0) {
		log_error("reload failed: still running the previous configuration and rules");
		daemon_notify("READY=1\nSTATUS=Reload failed, running the previous rules");
		return r;
	}

	/* everything built: switch over; suppressed counts of the old rules are reported first */
	daemon_report_suppressed(d, now_real_ns(), 0);
	ratelimit_free(d->ratelimit);
	d->ratelimit = rl;
	outputs_drain(d->outputs, SAKERD_DRAIN_TIMEOUT_MS);
	daemon_check_output_losses(d, UINT64_MAX);
	outputs_free(d->outputs);
	d->outputs = TAKE_PTR(o);
	memset(d->out_lost_reported, 0, sizeof(d->out_lost_reported));
	engine_free(d->engine);
	d->engine = TAKE_PTR(e);
	config_free(d->config);
	d->config = TAKE_PTR(c);
	state_set_max_threads(d->state, (size_t)d->config->state_max_threads);
	engine_changed(d);
	log_info("reloaded: %zu rules enabled", engine_enabled_count(d->engine));
	daemon_notify("READY=1\nSTATUS=Reloaded, %zu rules enabled", engine_enabled_count(d->engine));
	return 0;
}
