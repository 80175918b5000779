// SPDX-License-Identifier: MIT
/*
 * Unit tests of the rule engine (daemon/rules/engine.c): compiling a rule
 * set, per-type dispatch, first-match and all-matches modes, rule
 * selection options, skipped rules, the event bitmap, rendering outputs,
 * and a micro benchmark of the evaluator (printed, not asserted).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "event/event-info.h"
#include "expr-testutil.h"
#include "fake-fields.h"
#include "rules/engine.h"

static EvalCtx ctx;
static SkEvent ev;

static void set_event(const char *line)
{
	int type = SAKER_EVT_OPENAT;

	fake_reset();
	assert_int_equal(fake_set_line(line, &type), 0);
	ev = (SkEvent){ .type = (uint16_t)type, .info = event_info_get((unsigned)type) };
	ctx.evt = &ev;
	eval_reset(&ctx);
}

/* Names of the rules matching the event, space separated (static buffer). */
static const char *matches(Engine *e, const char *line)
{
	static char out[512];
	EngineMatch m[16];
	size_t n, i, o = 0;
	int r;

	set_event(line);
	r = engine_eval(e, &ctx, m, ELEMENTSOF(m), &n);
	assert_true(r >= 0);
	out[0] = 0;
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? " " : "",
				      engine_rule_name(m[i].rule));
	return out;
}

static RuleSet *sample_rules(void)
{
	RuleSet *rs = trs_new();
	RuleDef *r;

	trs_list(rs, 1, "shell_binaries", "sh", "bash", NULL);
	trs_macro(rs, 3, "open_write", "evt.type in (open, openat) and evt.is_open_write = true");
	r = trs_rule(rs, 10, "Write below etc", "open_write and fd.name startswith /etc",
		     "%proc.name wrote %fd.name (user=%user.name)");
	trs_tags(r, "filesystem", "mitre_persistence", NULL);
	r = trs_rule(rs, 20, "Shell spawned", "evt.type = execve and proc.name in (shell_binaries)",
		     "shell %proc.name by %proc.pname");
	trs_tags(r, "shell", NULL);
	r = trs_rule(rs, 30, "Any etc access",
		     "evt.type in (open, openat, execve) and fd.name pmatch (/etc)",
		     "access %fd.name");
	r->priority = PRI_NOTICE;
	trs_tags(r, "filesystem", NULL);
	r = trs_rule(rs, 40, "Disabled rule", "evt.type = openat", NULL);
	r->enabled = false;
	r = trs_rule(rs, 50, "Debug rule", "evt.type = connect and fd.sport = 22", NULL);
	r->priority = PRI_DEBUG;
	return rs;
}

static void test_engine_basic(void **state)
{
	RuleSet *rs = sample_rules();
	Diags d = { 0 };
	Engine *e = NULL;
	const EngineRule *r;
	const char *const *tags;
	size_t n;

	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	trs_free(rs); /* the engine keeps its own copies */
	assert_int_equal(engine_rule_count(e), 5);
	assert_int_equal(engine_enabled_count(e), 4);
	r = engine_find_rule(e, "Write below etc");
	assert_non_null(r);
	assert_string_equal(engine_rule_name(r), "Write below etc");
	assert_string_equal(engine_rule_desc(r), "a test rule");
	assert_string_equal(engine_rule_source(r), "syscall");
	assert_int_equal(engine_rule_priority(r), PRI_WARNING);
	assert_true(engine_rule_enabled(r));
	assert_int_equal(engine_rule_index(r), 0);
	tags = engine_rule_tags(r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(tags[1], "mitre_persistence");
	assert_int_equal(engine_rule_nfields(r), 3);
	assert_string_equal(engine_rule_field_name(r, 2), "user.name");
	assert_true(evtset_has(engine_rule_evttypes(r), SAKER_EVT_OPENAT));
	assert_false(evtset_has(engine_rule_evttypes(r), SAKER_EVT_EXECVE));
	assert_false(engine_rule_enabled(engine_find_rule(e, "Disabled rule")));
	assert_null(engine_find_rule(e, "nope"));
	assert_int_equal(d.nerrors, 0);
	engine_free(e);
	diags_done(&d);
}

static void test_engine_dispatch(void **state)
{
	RuleSet *rs = sample_rules();
	Diags d = { 0 };
	EngineStats st;
	Engine *e = NULL;

	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	/* first match wins, in rule order */
	assert_string_equal(matches(e,
				    "evt.type=openat evt.is_open_write=true fd.name=/etc/passwd"),
			    "Write below etc");
	assert_string_equal(matches(e,
				    "evt.type=openat evt.is_open_write=false fd.name=/etc/passwd"),
			    "Any etc access");
	assert_string_equal(matches(e, "evt.type=execve proc.name=bash fd.name=/etc/x"),
			    "Shell spawned");
	assert_string_equal(matches(e, "evt.type=connect fd.sport=22"), "Debug rule");
	assert_string_equal(matches(e, "evt.type=close"), "");
	/* only the rules selecting the type ran: openat has 2 enabled rules, close none */
	engine_stats(e, &st);
	assert_int_equal(st.events, 5);
	assert_int_equal(st.rule_evals, 1 + 2 + 1 + 1 + 0);
	assert_int_equal(st.matches, 4);
	assert_int_equal(engine_rule_hits(engine_find_rule(e, "Write below etc")), 1);
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

static void test_engine_all_matches(void **state)
{
	RuleSet *rs = sample_rules();
	EngineOptions o;
	Diags d = { 0 };
	Engine *e = NULL;
	EngineMatch m[1];
	size_t n;

	engine_options_init(&o);
	o.rule_matching = RULE_MATCHING_ALL;
	assert_int_equal(engine_compile(rs, &o, &d, &e), 0);
	assert_string_equal(matches(e,
				    "evt.type=openat evt.is_open_write=true fd.name=/etc/passwd"),
			    "Write below etc Any etc access");
	assert_string_equal(matches(e, "evt.type=execve proc.name=bash fd.name=/etc/x"),
			    "Shell spawned Any etc access");
	/* more matches than room: the count tells */
	set_event("evt.type=openat evt.is_open_write=true fd.name=/etc/passwd");
	assert_int_equal(engine_eval(e, &ctx, m, 1, &n), 2);
	assert_int_equal(n, 1);
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

static void test_engine_options(void **state)
{
	static const char *const notice_off[] = { "etc access" };
	static const char *const fs[] = { "filesystem" };
	static const char *const shell[] = { "shell" };
	RuleSet *rs = sample_rules();
	EngineOptions o;
	Diags d = { 0 };
	Engine *e = NULL;

	/* minimum priority: notice and debug rules off */
	engine_options_init(&o);
	o.min_priority = PRI_WARNING;
	assert_int_equal(engine_compile(rs, &o, &d, &e), 0);
	assert_int_equal(engine_enabled_count(e), 2);
	assert_false(engine_rule_enabled(engine_find_rule(e, "Any etc access")));
	engine_free(e);
	/* -D substring */
	engine_options_init(&o);
	o.disabled_rules = notice_off;
	o.n_disabled_rules = 1;
	assert_int_equal(engine_compile(rs, &o, &d, &e), 0);
	assert_false(engine_rule_enabled(engine_find_rule(e, "Any etc access")));
	assert_true(engine_rule_enabled(engine_find_rule(e, "Write below etc")));
	engine_free(e);
	/* -T tag */
	engine_options_init(&o);
	o.disabled_tags = fs;
	o.n_disabled_tags = 1;
	assert_int_equal(engine_compile(rs, &o, &d, &e), 0);
	assert_int_equal(engine_enabled_count(e), 2);
	assert_string_equal(matches(e, "evt.type=openat evt.is_open_write=true fd.name=/etc/x"),
			    "");
	engine_free(e);
	/* -t tag: only these */
	engine_options_init(&o);
	o.enabled_tags = shell;
	o.n_enabled_tags = 1;
	assert_int_equal(engine_compile(rs, &o, &d, &e), 0);
	assert_int_equal(engine_enabled_count(e), 1);
	assert_true(engine_rule_enabled(engine_find_rule(e, "Shell spawned")));
	engine_free(e);
	assert_int_equal(d.nerrors, 0);
	diags_done(&d);
	trs_free(rs);
}

static void test_engine_bitmap(void **state)
{
	RuleSet *rs = sample_rules();
	Diags d = { 0 };
	Engine *e = NULL;
	const uint64_t *bm;
	unsigned t, n = 0;

	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	bm = engine_event_bitmap(e);
	for (t = 0; t < SAKER_EVT_MAX; t++)
		if ((bm[t / 64] >> (t % 64)) & 1)
			n++;
	/* open, openat, execve (etc rules), connect (debug rule); not the disabled rule's */
	assert_int_equal(n, 4);
	assert_true((bm[SAKER_EVT_CONNECT / 64] >> (SAKER_EVT_CONNECT % 64)) & 1);
	assert_false((bm[SAKER_EVT_CLOSE / 64] >> (SAKER_EVT_CLOSE % 64)) & 1);
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

static void test_engine_warnings_and_skips(void **state)
{
	RuleSet *rs = trs_new();
	Diags d = { 0 };
	Engine *e = NULL;
	const Diag *x;
	RuleDef *r;

	trs_rule(rs, 10, "All types", "proc.name = zsh", NULL);
	r = trs_rule(rs, 20, "All types quiet", "proc.name = ksh", NULL);
	r->warn_evttypes = false;
	trs_rule(rs, 30, "Never", "evt.type = openat and evt.type = execve", NULL);
	r = trs_rule(rs, 40, "K8s audit", "ka.verb = create", NULL);
	r->source = strdup("k8s_audit");
	r = trs_rule(rs, 50, "Unknown field", "evt.type = openat and k8s.pod.name = x", NULL);
	r->skip_if_unknown_filter = true;
	r = trs_rule(rs, 60, "Unknown output field", "evt.type = openat", "%k8s.pod.name");
	r->skip_if_unknown_filter = true;
	trs_rule(rs, 70, "Fine", "evt.type = openat", NULL);
	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	assert_int_equal(engine_rule_count(e), 4);
	x = diag_find(&d, DIAG_WARNING, "rule matches all event types");
	assert_non_null(x);
	assert_string_equal(x->item, "rule 'All types'");
	assert_int_equal(x->pos.line, 10);
	assert_non_null(diag_find(&d, DIAG_WARNING, "rule can never match"));
	assert_non_null(diag_find(&d, DIAG_WARNING, "rule source 'k8s_audit' is not supported"));
	assert_non_null(diag_find(&d, DIAG_WARNING, "unknown field 'k8s.pod.name'"));
	assert_int_equal(d.nwarnings, 5);
	assert_int_equal(d.nerrors, 0);
	assert_null(engine_find_rule(e, "K8s audit"));
	assert_null(engine_find_rule(e, "Unknown field"));
	assert_non_null(engine_find_rule(e, "Fine"));
	assert_int_equal(engine_rule_index(engine_find_rule(e, "Fine")), 3);
	/* a rule matching every type makes every type needed */
	assert_true(engine_event_bitmap(e)[SAKER_EVT_CLOSE / 64] >> (SAKER_EVT_CLOSE % 64) & 1);
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

static void test_engine_errors(void **state)
{
	RuleSet *rs = trs_new();
	Diags d = { 0 };
	Engine *e = NULL;
	const Diag *x;

	d.nerrors = 0;
	trs_macro(rs, 1, "bad_macro", "proc.name = (");
	trs_rule(rs, 10, "Bad field", "proc.nme = x", NULL);
	trs_rule(rs, 20, "Bad output", "evt.type = openat", "%proc.nme");
	trs_rule(rs, 30, "Good", "evt.type = openat", NULL);
	trs_rule(rs, 40, "Bad op", "evt.rawres contains 1", NULL);
	assert_int_equal(engine_compile(rs, NULL, &d, &e), -EINVAL);
	assert_null(e);
	/* every error is reported, each with its rule and position */
	assert_int_equal(d.nerrors, 4);
	x = diag_find(&d, DIAG_ERROR, "unknown field 'proc.nme'");
	assert_non_null(x);
	assert_string_equal(x->item, "rule 'Bad field'");
	assert_int_equal(x->pos.line, 12);
	assert_int_equal(x->pos.col, 14);
	x = diag_find(&d, DIAG_ERROR, "expected a value");
	assert_non_null(x);
	assert_string_equal(x->item, "macro 'bad_macro'");
	diags_done(&d);
	trs_free(rs);
}

static void test_engine_render(void **state)
{
	RuleSet *rs = sample_rules();
	Diags d = { 0 };
	Engine *e = NULL;
	EngineMatch m[4];
	StrBuf text = { 0 }, values = { 0 };
	FormatField fields[3];
	size_t n;

	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	set_event("evt.type=openat evt.is_open_write=true fd.name=/etc/passwd proc.name=vi");
	assert_int_equal(engine_eval(e, &ctx, m, 4, &n), 1);
	assert_int_equal(engine_render(e, m[0].rule, &ctx, &text, &values, fields), 0);
	assert_string_equal(strbuf_str(&text), "vi wrote /etc/passwd (user=<NA>)");
	assert_true(fields[2].missing);
	assert_memory_equal(values.buf + fields[1].off, "/etc/passwd", 11);
	strbuf_done(&text);
	strbuf_done(&values);
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

/* ---- micro benchmark ---- */

static const char *const tools[] = { "nc",	"ncat",	    "nmap",    "tcpdump",  "socat",
				     "strace",	"gdb",	    "wget",    "curl",	   "base64",
				     "xxd",	"insmod",   "rmmod",   "modprobe", "chattr",
				     "setcap",	"iptables", "crontab", "at",	   "useradd",
				     "nsenter", "unshare",  "kubectl", "docker",   "ssh-keygen",
				     "passwd" };
static const char *const patterns[] = { "-e /bin/sh",	"/dev/tcp/", "| sh",	   "base64 -d",
					"chmod +s",	"nohup",     "LD_PRELOAD", "/proc/self",
					"--privileged", "mkfifo" };
static const char *const dirs[] = {
	"/etc",	       "/usr/bin",	 "/bin",      "/sbin",	      "/boot",
	"/lib",	       "/root",		 "/usr/sbin", "/var/lib/rpm", "/usr/lib/systemd",
	"/etc/cron.d", "/var/spool/cron"
};

static RuleSet *bench_rules(void)
{
	RuleSet *rs = trs_new();
	char name[64], cond[512];
	size_t i;
	RuleDef *r;

	trs_list(rs, 1, "shell_binaries", "sh", "bash", "csh", "ksh", "tcsh", "zsh", "dash", NULL);
	trs_list(rs, 3, "package_mgmt", "dpkg", "apt", "apt-get", "rpm", "yum", "dnf", "pip", NULL);
	trs_list(rs, 5, "sensitive_files", "/etc/shadow", "/etc/sudoers", "/etc/pam.conf",
		 "/etc/security/pwquality.conf", NULL);
	trs_list(rs, 7, "log_dirs", "/var/log", "/var/lib/journal", NULL);
	trs_list(rs, 9, "private_nets", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", NULL);
	trs_macro(rs, 20, "open_write",
		  "evt.type in (open, openat, openat2) and evt.is_open_write = true");
	trs_macro(rs, 22, "open_read",
		  "evt.type in (open, openat, openat2) and evt.is_open_write = false");
	trs_macro(rs, 24, "spawned_process", "evt.type in (execve, execveat) and evt.dir = <");
	trs_macro(rs, 26, "container", "container.id != host");
	trs_macro(rs, 28, "trusted_writer",
		  "proc.name in (package_mgmt) or proc.pname in (package_mgmt)");
	for (i = 0; i < ELEMENTSOF(dirs); i++) {
		snprintf(name, sizeof(name), "Write below %s", dirs[i]);
		snprintf(cond, sizeof(cond),
			 "open_write and fd.name startswith %s/ and not trusted_writer", dirs[i]);
		trs_rule(rs, 100 + (unsigned)i * 10, name, cond, "%proc.name wrote %fd.name");
	}
	for (i = 0; i < ELEMENTSOF(tools); i++) {
		snprintf(name, sizeof(name), "Run %s", tools[i]);
		snprintf(cond, sizeof(cond),
			 "spawned_process and proc.name = %s and not proc.pname in (package_mgmt)",
			 tools[i]);
		trs_rule(rs, 300 + (unsigned)i * 10, name, cond, "%proc.cmdline");
	}
	for (i = 0; i < ELEMENTSOF(patterns); i++) {
		snprintf(name, sizeof(name), "Suspicious command line %zu", i);
		snprintf(cond, sizeof(cond), "spawned_process and proc.cmdline contains \"%s\"",
			 patterns[i]);
		trs_rule(rs, 600 + (unsigned)i * 10, name, cond, "%proc.cmdline");
	}
	trs_rule(
		rs, 800, "Read sensitive file",
		"open_read and fd.name in (sensitive_files) and not proc.name in (sshd, sudo, su, login)",
		"%fd.name");
	trs_rule(rs, 810, "Shell in container",
		 "spawned_process and container and proc.name in (shell_binaries)",
		 "%proc.name %container.id");
	trs_rule(rs, 820, "Clear logs",
		 "evt.type in (unlink, unlinkat, truncate) and fd.name pmatch (log_dirs)",
		 "%fd.name");
	trs_rule(
		rs, 830, "Outbound to public",
		"evt.type = connect and not fd.snet in (private_nets) and fd.sport in (4444, 1337, 31337)",
		"%fd.sip");
	trs_rule(rs, 840, "Ptrace attach", "evt.type = ptrace and proc.name != gdb", "%proc.name");
	trs_rule(rs, 850, "Mount in container", "evt.type = mount and container", "%proc.name");
	trs_rule(rs, 860, "Kernel module", "evt.type in (init_module, finit_module)", "%proc.name");
	trs_rule(
		rs, 870, "Setuid shell",
		"evt.type in (setuid, setresuid) and proc.name in (shell_binaries) and user.uid = 0",
		"%proc.name");
	trs_rule(rs, 880, "Tmp exec", "spawned_process and proc.exepath glob '/tmp/*'",
		 "%proc.exepath");
	trs_rule(rs, 890, "Hidden file",
		 "open_write and fd.name contains /. and not fd.name endswith .lock", "%fd.name");
	trs_rule(rs, 900, "Memfd exec",
		 "spawned_process and proc.exepath startswith memfd:", "%proc.exepath");
	r = trs_rule(rs, 910, "Shell history",
		     "open_write and fd.filename in (.bash_history, .zsh_history)", "%fd.name");
	(void)r;
	trs_rule(rs, 920, "Ssh keys",
		 "open_read and fd.name pmatch (/root/.ssh, /home/*/.ssh) and not proc.name = sshd",
		 "%fd.name");
	trs_rule(rs, 930, "Regex cmdline",
		 "spawned_process and proc.cmdline regex '.*(curl|wget) .*[|] *(ba)?sh.*'",
		 "%proc.cmdline");
	return rs;
}

#define BENCH_FIELDS 8

typedef struct BenchEvent {
	uint16_t type;
	bool selected; /* some rule selects its type */
	FieldValue v[BENCH_FIELDS];
} BenchEvent;

static FieldValue sv(const char *s)
{
	return (FieldValue){ .type = FT_STRING, .str = s, .len = strlen(s) };
}

static void test_engine_bench(void **state)
{
	static const char *const names[] = { "cat",  "python3", "nginx", "java",     "bash",
					     "sshd", "systemd", "node",	 "postgres", "containerd" };
	static const char *const files[] = { "/proc/self/status",
					     "/usr/lib/x86_64-linux-gnu/libc.so.6",
					     "/var/log/nginx/access.log",
					     "/etc/ld.so.cache",
					     "/home/app/.cache/pip/x",
					     "/tmp/tmpabc123",
					     "/etc/passwd",
					     "/usr/share/zoneinfo/UTC",
					     "/srv/data/table.db",
					     "/dev/null" };
	static const char *const cmds[] = { "python3 manage.py runserver 0.0.0.0:8000",
					    "nginx -g daemon off;",
					    "java -Xmx2g -jar app.jar",
					    "bash -c /usr/local/bin/healthcheck.sh",
					    "postgres: writer process",
					    "node /srv/app/index.js" };
	static BenchEvent evs[256];
	static const char *const keys[BENCH_FIELDS] = { "proc.name",	"proc.pname",
							"proc.cmdline", "fd.name",
							"fd.filename",	"proc.exepath",
							"container.id", "evt.is_open_write" };
	RuleSet *rs = bench_rules();
	FakeField *ff[BENCH_FIELDS];
	Diags d = { 0 };
	Engine *e = NULL;
	EngineMatch m[4];
	struct timespec t0, t1;
	size_t i, k, n, nevents = 2000000, selected = 0, matched = 0;
	EngineStats st;
	double secs;

	assert_int_equal(engine_compile(rs, NULL, &d, &e), 0);
	assert_true(engine_rule_count(e) >= 60);
	for (k = 0; k < BENCH_FIELDS; k++)
		ff[k] = fake_field(keys[k]);
	/* Events prepared up front so the loop measures the engine, not the test. */
	for (i = 0; i < ELEMENTSOF(evs); i++) {
		static const uint16_t types[] = { SAKER_EVT_OPENAT, SAKER_EVT_OPENAT,
						  SAKER_EVT_EXECVE, SAKER_EVT_CONNECT,
						  SAKER_EVT_READ,   SAKER_EVT_CLOSE,
						  SAKER_EVT_WRITE,  SAKER_EVT_MMAP,
						  SAKER_EVT_OPENAT, SAKER_EVT_UNLINKAT };
		unsigned x = (unsigned)(i * 2654435761u >> 7);
		const char *fd = files[(x >> 12) % ELEMENTSOF(files)];
		const uint64_t *bm = engine_event_bitmap(e);

		evs[i].type = types[i % ELEMENTSOF(types)];
		evs[i].selected = (bm[evs[i].type / 64] >> (evs[i].type % 64)) & 1;
		evs[i].v[0] = sv(names[x % ELEMENTSOF(names)]);
		evs[i].v[1] = sv(names[(x >> 4) % ELEMENTSOF(names)]);
		evs[i].v[2] = sv(cmds[(x >> 8) % ELEMENTSOF(cmds)]);
		evs[i].v[3] = sv(fd);
		evs[i].v[4] = sv(strrchr(fd, '/') + 1);
		evs[i].v[5] = evs[i].v[0];
		evs[i].v[6] = sv((x >> 16) & 1 ? "host" : "3f9a2c1b7d4e");
		evs[i].v[7] = (FieldValue){ .type = FT_BOOL, .b = (x >> 17) & 1 };
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (i = 0; i < nevents; i++) {
		const BenchEvent *b = &evs[i % ELEMENTSOF(evs)];

		ev.type = b->type;
		ctx.evt = &ev;
		for (k = 0; k < BENCH_FIELDS; k++)
			fake_put(ff[k], &b->v[k], 1);
		eval_reset(&ctx);
		if (engine_eval(e, &ctx, m, ELEMENTSOF(m), &n) > 0)
			matched++;
		selected += b->selected;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	engine_stats(e, &st);
	print_message("bench: %zu rules, %zu events (%zu of selected types), %zu alerts, "
		      "%.0f rule evaluations/event on selected types\n",
		      engine_rule_count(e), nevents, selected, matched,
		      selected ? (double)st.rule_evals / (double)selected : 0.0);
	print_message("bench: %.3f s, %.2f M events/s, %.0f ns/event (field values from the test "
		      "table: extraction is nearly free here)\n",
		      secs, (double)nevents / secs / 1e6, secs * 1e9 / (double)nevents);
	engine_free(e);
	diags_done(&d);
	trs_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_basic),
		cmocka_unit_test(test_engine_dispatch),
		cmocka_unit_test(test_engine_all_matches),
		cmocka_unit_test(test_engine_options),
		cmocka_unit_test(test_engine_bitmap),
		cmocka_unit_test(test_engine_warnings_and_skips),
		cmocka_unit_test(test_engine_errors),
		cmocka_unit_test(test_engine_render),
		cmocka_unit_test(test_engine_bench),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
