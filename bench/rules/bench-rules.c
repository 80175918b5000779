// SPDX-License-Identifier: MIT
/*
 * bench/rules: throughput of the rule engine.  Builds a ruleset (the
 * default rules plus generated rules of the same shapes, at least 60 in
 * all), a process table with realistic ancestry, and a pool of synthetic
 * events with realistic paths and command lines, more than half of them of
 * types the rules select.  It then replays N events twice: once through a
 * baseline loop that only decodes them, once through the whole detection
 * pipeline (decode, state update, rule evaluation, alert rendering), and
 * prints events/s, ns/event and the ratio to the baseline.  No timing is
 * asserted: the machines are noisy, ratios are what to compare.
 *
 *   bench-rules [-n EVENTS] [-r RULES_DIR] [-g GENERATED_RULES]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strbuf.h"
#include "event/decode.h"
#include "event/fixture.h"
#include "rules/detector.h"
#include "rules/engine.h"
#include "state/state.h"

#define POOL_EVENTS 8192
#define NPROCS 200

typedef struct Rec {
	uint8_t *buf;
	size_t len;
} Rec;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int r)
{
	fprintf(stderr, "bench-rules: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

static const char *const comms[] = { "nginx", "bash", "python3", "java", "postgres", "sshd",
				     "cron", "node", "sh", "curl", "git", "make", "gcc", "cat",
				     "systemd", "containerd" };
static const char *const paths_read[] = {
	"/etc/ld.so.cache", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/nsswitch.conf",
	"/proc/self/status", "/home/alice/project/src/main.c", "/var/www/html/index.php",
	"/usr/share/zoneinfo/UTC", "/etc/passwd", "/etc/hosts", "/srv/data/cache/blob.bin",
	"/usr/lib/python3.11/os.py", "/opt/app/config/settings.yaml",
};
static const char *const paths_write[] = {
	"/tmp/sess_8f2a1c", "/var/log/nginx/access.log", "/home/alice/project/build/main.o",
	"/var/lib/postgresql/15/main/base/16384/2619", "/run/user/1000/bus",
	"/var/cache/app/tmp.json",
};

static uint8_t arena[POOL_EVENTS * 1024] __attribute__((aligned(8)));
static size_t arena_used;

static int add_line(FixtureReader *fr, State *st, Rec *pool, size_t *n, const char *line)
{
	_cleanup_(fixture_event_freep) FixtureEvent *fe = NULL;
	int r;

	r = fixture_reader_parse_line(fr, line, strlen(line), &fe);
	if (r < 0) {
		fprintf(stderr, "bench-rules: %s\n", fixture_reader_error(fr));
		return r;
	}
	r = fixture_event_apply(fe, st);
	if (r < 0)
		return r;
	if (fe->has_event && pool) {
		/* records back to back in one area, as in a ring */
		if (arena_used + fe->record_len > sizeof(arena))
			return -E2BIG;
		pool[*n].buf = arena + arena_used;
		memcpy(pool[*n].buf, fe->record, fe->record_len);
		pool[*n].len = fe->record_len;
		arena_used += (fe->record_len + 7) & ~(size_t)7;
		(*n)++;
	}
	return 0;
}

/* Generated rules in the shapes of the default ones, to reach a realistic count. */
static int gen_rules(StrBuf *sb, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		switch (i % 4) {
		case 0:
			strbuf_printf(sb,
				      "- rule: Generated read rule %u\n"
				      "  desc: generated\n"
				      "  condition: open_read and fd.name startswith /opt/secret%u/ and not proc.name in (java, node)\n"
				      "  output: read %%fd.name by %%proc.name (%%proc.cmdline)\n"
				      "  priority: NOTICE\n",
				      i, i);
			break;
		case 1:
			strbuf_printf(sb,
				      "- rule: Generated exec rule %u\n"
				      "  desc: generated\n"
				      "  condition: spawned_process and proc.name in (tool%u, helper%u) and proc.pname in (shell_binaries)\n"
				      "  output: exec %%proc.cmdline by %%proc.pname\n"
				      "  priority: WARNING\n",
				      i, i, i);
			break;
		case 2:
			strbuf_printf(sb,
				      "- rule: Generated connect rule %u\n"
				      "  desc: generated\n"
				      "  condition: evt.type=connect and fd.sport=%u and not proc.name in (curl, wget)\n"
				      "  output: connect %%fd.name by %%proc.name\n"
				      "  priority: NOTICE\n",
				      i, 20000 + i);
			break;
		default:
			strbuf_printf(sb,
				      "- rule: Generated write rule %u\n"
				      "  desc: generated\n"
				      "  condition: open_write and fd.directory in (/srv/gen%u, /data/gen%u) and user.uid != 0\n"
				      "  output: write %%fd.name by %%user.name\n"
				      "  priority: ERROR\n",
				      i, i, i);
			break;
		}
	}
	return sb->failed ? -ENOMEM : 0;
}

static void count_alert(const Alert *a, void *userdata)
{
	(*(uint64_t *)userdata)++;
	(void)a;
}

int main(int argc, char **argv)
{
	const char *rules_dir = "rules";
	unsigned long long nevents = 5000000;
	unsigned ngen = 40, i;
	_cleanup_(strbuf_done) StrBuf sb = { 0 }, line = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	_cleanup_(state_freep) State *st = NULL;
	_cleanup_(detector_freep) Detector *det = NULL;
	_cleanup_(fixture_reader_freep) FixtureReader *fr = NULL;
	static Rec pool[POOL_EVENTS];
	static const char *const files[] = { "00-base.yaml", "10-shells.yaml", "20-files.yaml",
					     "30-exec.yaml", "40-privilege.yaml", "50-network.yaml",
					     "60-tampering.yaml" };
	size_t npool = 0, selected = 0;
	uint64_t alerts = 0, sink = 0;
	double t0, t1, t2, t3, base_ns, full_ns, state_ns;
	unsigned long long k;
	int o, r;

	while ((o = getopt(argc, argv, "n:r:g:")) >= 0) {
		switch (o) {
		case 'n':
			nevents = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rules_dir = optarg;
			break;
		case 'g':
			ngen = (unsigned)strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: bench-rules [-n EVENTS] [-r RULES_DIR] [-g GENERATED]\n");
			return 2;
		}
	}

	rs = ruleset_new();
	if (!rs)
		die("ruleset", -ENOMEM);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%s", rules_dir, files[i]);
		ruleset_load_file(rs, p, &d);
	}
	if (gen_rules(&sb, ngen) < 0)
		die("generate", -ENOMEM);
	ruleset_load_buffer(rs, "generated.yaml", sb.buf, sb.len, &d);
	r = engine_compile(rs, NULL, &d, &engine);
	if (r < 0 || diags_has_errors(&d)) {
		diags_print(&d, stderr);
		die("compile", r < 0 ? r : -EINVAL);
	}

	st = state_new();
	fr = fixture_reader_new("bench");
	if (!st || !fr || detector_new(engine, st, "bench", &det) < 0)
		die("setup", -ENOMEM);

	/* processes: init, sshd -> bash -> tools, nginx workers, containers */
	for (i = 1; i <= NPROCS; i++) {
		const char *c = comms[i % (sizeof(comms) / sizeof(comms[0]))];

		strbuf_reset(&line);
		strbuf_printf(&line,
			      "{\"proc\":{\"pid\":%u,\"ptid\":%u,\"comm\":\"%s\",\"exe\":\"%s\","
			      "\"exepath\":\"/usr/bin/%s\",\"args\":[\"--flag\",\"/srv/data/file%u\"],"
			      "\"cwd\":\"/home/alice\",\"uid\":%u,\"gid\":%u,\"loginuid\":1000%s}}",
			      1000 + i, i == 1 ? 1 : 1000 + (i / 3 ? i / 3 : 1), c, c, c, i,
			      i % 3 ? 1000 : 0, i % 3 ? 1000 : 0,
			      i % 5 == 0 ? ",\"container_id\":\"3f2a9b7c1d0e\"" : "");
		if (add_line(fr, st, NULL, NULL, line.buf) < 0)
			die("setup line", -EINVAL);
	}
	/* the event pool */
	for (i = 0; npool < POOL_EVENTS; i++) {
		unsigned pid = 1001 + (i * 7919) % NPROCS, kind = i % 20;
		unsigned fd = 3 + i % 40;

		strbuf_reset(&line);
		if (kind < 7) {
			strbuf_printf(&line,
				      "{\"type\":\"openat\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"fd\":%u,"
				      "\"dirfd\":-100,\"name\":\"%s\",\"name_abs\":\"%s\",\"flags\":\"O_RDONLY|O_CLOEXEC\"}}",
				      1000 + i, pid, pid, fd, paths_read[i % 12], paths_read[i % 12]);
			selected++;
		} else if (kind < 9) {
			strbuf_printf(&line,
				      "{\"type\":\"openat\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"fd\":%u,"
				      "\"dirfd\":-100,\"name\":\"%s\",\"name_abs\":\"%s\",\"flags\":\"O_WRONLY|O_CREAT|O_APPEND\",\"mode\":420}}",
				      1000 + i, pid, pid, fd, paths_write[i % 6], paths_write[i % 6]);
			selected++;
		} else if (kind == 9) {
			const char *c = comms[i % 16];

			strbuf_printf(&line,
				      "{\"type\":\"execve\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"res\":0,"
				      "\"filename\":\"/usr/bin/%s\",\"exe\":\"%s\",\"args\":[\"-c\",\"run job %u\"],"
				      "\"cwd\":\"/home/alice\",\"exepath\":\"/usr/bin/%s\",\"uid\":1000,\"gid\":1000,"
				      "\"euid\":1000,\"egid\":1000,\"loginuid\":1000,\"ptid\":%u,\"comm\":\"%s\"}}",
				      1000 + i, pid, pid, c, c, i, c, 1000 + (pid - 1000) / 3, c);
			selected++;
		} else if (kind == 10) {
			strbuf_printf(&line,
				      "{\"type\":\"connect\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"res\":0,"
				      "\"fd\":%u,\"addr\":\"93.184.216.%u:443\",\"tuple\":\"10.0.0.5:%u->93.184.216.%u:443\"},"
				      "\"fd\":{\"fd\":%u,\"type\":\"ipv4\",\"proto\":\"tcp\"}}",
				      1000 + i, pid, pid, fd, i % 250, 40000 + i % 20000, i % 250, fd);
			selected++;
		} else if (kind < 15) {
			strbuf_printf(&line,
				      "{\"type\":\"close\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"res\":0,\"fd\":%u}}",
				      1000 + i, pid, pid, fd);
		} else if (kind < 18) {
			strbuf_printf(&line,
				      "{\"type\":\"mmap\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"res\":140000000,"
				      "\"addr\":0,\"length\":8192,\"prot\":\"PROT_READ|PROT_EXEC\",\"fd\":%u}}",
				      1000 + i, pid, pid, fd);
		} else {
			strbuf_printf(&line,
				      "{\"type\":\"dup2\",\"ts\":%u,\"tid\":%u,\"pid\":%u,\"args\":{\"res\":%u,"
				      "\"oldfd\":%u,\"newfd\":%u}}",
				      1000 + i, pid, pid, fd + 50, fd, fd + 50);
		}
		if (add_line(fr, st, pool, &npool, line.buf) < 0)
			die("pool line", -EINVAL);
	}

	printf("bench/rules: %zu rules (%zu enabled), %llu events, %.0f%% of types the rules select\n",
	       engine_rule_count(engine), engine_enabled_count(engine), nevents,
	       100.0 * (double)selected / (double)npool);

	t0 = now_s();
	for (k = 0; k < nevents; k++) {
		const Rec *rec = &pool[k % npool];
		SkEvent e;

		if (sk_event_decode(rec->buf, rec->len, &e) > 0)
			sink += e.nparams;
	}
	t1 = now_s();
	for (k = 0; k < nevents; k++) {
		const Rec *rec = &pool[k % npool];
		SkEvent e;

		if (sk_event_decode(rec->buf, rec->len, &e) > 0)
			detector_process(det, &e, count_alert, &alerts);
	}
	t2 = now_s();
	/* the state updater alone (no rules), to show where the time goes */
	detector_set_engine(det, NULL);
	for (k = 0; k < nevents; k++) {
		const Rec *rec = &pool[k % npool];
		SkEvent e;

		if (sk_event_decode(rec->buf, rec->len, &e) > 0)
			detector_process(det, &e, count_alert, &alerts);
	}
	t3 = now_s();

	base_ns = (t1 - t0) * 1e9 / (double)nevents;
	full_ns = (t2 - t1) * 1e9 / (double)nevents;
	printf("baseline (decode only):     %8.1f ns/event  %6.2f M events/s\n", base_ns,
	       1e3 / base_ns);
	printf("rules (decode+state+eval):  %8.1f ns/event  %6.2f M events/s  (%llu alerts)\n",
	       full_ns, 1e3 / full_ns, (unsigned long long)alerts);
	state_ns = (t3 - t2) * 1e9 / (double)nevents;
	printf("of which decode+state only: %8.1f ns/event\n", state_ns);
	printf("ratio rules/baseline: %.2fx\n", full_ns / base_ns);
	return sink == 0xdeadbeef; /* keep the baseline loop */
}
