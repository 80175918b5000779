// SPDX-License-Identifier: MIT
/*
 * saker replay: run rules over recorded events and print the alerts.  A
 * FILE is a capture (sakerd's or `saker capture`'s, told by its magic) or
 * JSON lines; both go through the same detector.  --write-capture turns
 * JSON lines into a capture instead (docs/capture-format.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/replay.h"
#include "capture/snapshot.h"
#include "rules/engine.h"
#include "saker/ring.h"
#include "tool/events.h"
#include "tool/options.h"
#include "tool/tool.h"

/* Bytes looked at to tell a capture from JSON lines (and seekable input rewound). */
#define SNIFF_BYTES 4096
/* --write-capture: a pending snapshot block is written once it holds this many bytes. */
#define CONVERT_BLOCK_TARGET (1u << 20)

typedef struct ReplayOut {
	bool json;
	StrBuf sb;
} ReplayOut;

static void print_alert(const Alert *a, void *userdata)
{
	ReplayOut *o = userdata;

	strbuf_reset(&o->sb);
	if (o->json)
		alert_render_json(a, NULL, &o->sb);
	else
		alert_render_text(a, &o->sb);
	strbuf_putc(&o->sb, '\n');
	fwrite(o->sb.buf, 1, o->sb.len, stdout);
}

/*
 * What in holds, leaving it at its start: the first bytes are read and the
 * stream rewound; a stream that cannot seek (a pipe) gets one byte pushed
 * back, and then only a leading 'S' says "capture" (the reader checks the
 * magic itself).
 */
static CaptureFormat sniff(FILE *in)
{
	unsigned char buf[SNIFF_BYTES];
	size_t n, i;
	int c;

	if (ftell(in) == 0) {
		n = fread(buf, 1, sizeof(buf), in);
		if (fseek(in, 0, SEEK_SET) == 0) {
			clearerr(in);
			/* the magic, or a capture cut inside it (the reader says so) */
			if (capture_detect_format(buf, n) == CAPTURE_FORMAT_CAPTURE ||
			    (n > 0 && n < CAPTURE_MAGIC_LEN && !memcmp(buf, CAPTURE_MAGIC, n)))
				return CAPTURE_FORMAT_CAPTURE;
			for (i = 0; i < n && memchr(" \t\r\n", buf[i], 4); i++)
				;
			/* JSON lines: an object, a comment line, or nothing at all */
			if (i == n || buf[i] == '{' || buf[i] == '#')
				return CAPTURE_FORMAT_JSONL;
			return CAPTURE_FORMAT_UNKNOWN;
		}
		if (n > 0)
			return CAPTURE_FORMAT_UNKNOWN; /* read, and cannot go back */
	}
	c = getc(in);
	if (c == EOF)
		return CAPTURE_FORMAT_JSONL;
	ungetc(c, in);
	return c == CAPTURE_MAGIC[0] ? CAPTURE_FORMAT_CAPTURE : CAPTURE_FORMAT_JSONL;
}

static const char *const drop_names[SAKER_DROP_MAX] = {
#define DROP_NAME(id, name) [SAKER_DROP_##id] = name,
	SAKER_DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};

static void print_module_stats(const char *path, const CaptureItem *it)
{
	const struct saker_ioc_stats *st = &it->stats;
	size_t i;

	fprintf(stderr, "%s: module statistics at %" PRIu64 ": %llu events, %llu bytes, drops",
		path, it->stats_ts, (unsigned long long)st->events, (unsigned long long)st->bytes);
	for (i = 0; i < SAKER_DROP_MAX; i++)
		fprintf(stderr, " %s=%llu", drop_names[i] ? drop_names[i] : "?",
			(unsigned long long)st->drops[i]);
	fprintf(stderr, ", %llu faults, %llu truncated, %llu filtered\n",
		(unsigned long long)st->faults, (unsigned long long)st->truncated,
		(unsigned long long)st->filtered);
}

typedef struct ReplayTotals {
	uint64_t events;
	unsigned errors; /* damaged files and capture warnings */
} ReplayTotals;

/* Replay one capture from in; reports on stderr.  Negative only for -ENOMEM. */
static int replay_capture(FILE *in, const char *path, Detector *det, State *state, ReplayOut *out,
			  bool stats, ReplayTotals *t)
{
	_cleanup_(capture_replay_freep) CaptureReplay *rp = NULL;
	const CaptureReplayStats *cs;
	const CaptureHeader *h;
	int r;

	r = capture_replay_new(in, det, state, &rp);
	if (r < 0)
		return r;
	r = capture_replay_start(rp, &h);
	if (r >= 0 && stats)
		fprintf(stderr, "%s: captured on %s\n", path,
			*h->hostname ? h->hostname : "(no name)");
	while (r >= 0 && (r = capture_replay_next(rp, print_alert, out)) > CAPTURE_REPLAY_END) {
		if (r == CAPTURE_REPLAY_WARNING) {
			fprintf(stderr, "%s: %s\n", path, capture_replay_message(rp));
			t->errors++;
		} else if (r == CAPTURE_REPLAY_STATS && stats) {
			print_module_stats(path, capture_replay_item(rp));
		}
	}
	cs = capture_replay_stats(rp);
	t->events += cs->events;
	if (stats)
		fprintf(stderr,
			"%s: %" PRIu64 " events, %" PRIu64 " alerts, %" PRIu64
			" snapshot blocks (%" PRIu64 " lines), %" PRIu64 " statistics blocks\n",
			path, cs->events, cs->alerts, cs->snapshots, cs->snapshot_lines, cs->stats);
	if (r < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", path, capture_replay_message(rp));
		t->errors++;
		return r == -ENOMEM ? r : 0;
	}
	return 0;
}

/* One FILE of the command line: a capture or JSON lines.  Negative only for -ENOMEM. */
static int replay_one(const char *path, EventFeed *feed, const char *local_host, ReplayOut *out,
		      bool stats, ReplayTotals *t)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *in = is_stdin ? stdin : fopen(path, "re");
	int r = 0;

	if (!in) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		t->errors++;
		return 0;
	}
	switch (sniff(in)) {
	case CAPTURE_FORMAT_CAPTURE:
		r = replay_capture(in, path, feed->detector, feed->state, out, stats, t);
		break;
	case CAPTURE_FORMAT_JSONL:
		/* a capture before may have set its own host name */
		r = detector_set_hostname(feed->detector, local_host);
		if (r >= 0)
			r = feed_stream(feed, in, path);
		r = r == -ENOMEM ? r : 0;
		break;
	default:
		fprintf(stderr, "%s: neither a saker capture nor JSON lines\n", path);
		t->errors++;
		break;
	}
	if (!is_stdin)
		fclose(in);
	return r;
}

/* ---- --write-capture ---- */

typedef struct Convert {
	const char *path;
	const char *hostname;
	int fd;
	CaptureWriter *w;
	uint64_t boot_ns;
	StrBuf pending; /* snapshot lines not written yet */
	uint64_t events, blocks;
	int error;
} Convert;

static int convert_flush(Convert *c)
{
	int r;

	if (c->pending.len == 0)
		return 0;
	r = capture_writer_add_snapshot(c->w, c->pending.buf, c->pending.len);
	strbuf_reset(&c->pending);
	if (r >= 0)
		c->blocks++;
	return r;
}

/* The writer, opened at the first line with content: the header needs its boot time. */
static int convert_open(Convert *c, FixtureReader *r, bool snapshot_first)
{
	CaptureHeader h = { .format_version = CAPTURE_FORMAT_VERSION,
			    .abi_version = SAKER_ABI_VERSION,
			    .flags = snapshot_first ? CAPTURE_FLAG_SNAPSHOT : 0,
			    .boot_to_realtime_ns = fixture_reader_boot_ns(r) };

	snprintf(h.hostname, sizeof(h.hostname), "%s", c->hostname);
	c->boot_ns = h.boot_to_realtime_ns;
	return capture_writer_new(c->fd, &h, &c->w);
}

static bool has_context(const FixtureEvent *fe)
{
	return fe->nprocs || fe->nfds || fe->container || fe->nusers || fe->ngroups;
}

static int convert_line(EventFeed *f, FixtureReader *r, const FixtureEvent *fe)
{
	Convert *c = f->line_data;
	int k;

	if (!c->w) {
		k = convert_open(c, r, has_context(fe));
		if (k < 0)
			goto fail;
	} else if (fixture_reader_boot_ns(r) != c->boot_ns) {
		fprintf(stderr, "%s:%u: the boot time changes; a capture has only one\n", c->path,
			fe->line);
		c->error = -EINVAL;
		return -EINVAL;
	}
	if (has_context(fe)) {
		if (c->pending.len >= CONVERT_BLOCK_TARGET && (k = convert_flush(c)) < 0)
			goto fail;
		if (c->pending.len == 0 &&
		    ((k = fixture_write_header(&c->pending, c->boot_ns)) < 0 ||
		     (k = strbuf_putc(&c->pending, '\n')) < 0))
			goto fail;
		k = capture_snapshot_write_context(f->state, fe, c->boot_ns, &c->pending);
		if (k < 0)
			goto fail;
	}
	if (fe->has_event) {
		if ((k = convert_flush(c)) < 0 ||
		    (k = capture_writer_add_event(c->w, (const struct saker_event_hdr *)fe->record,
						  fe->record_len)) < 0)
			goto fail;
		c->events++;
	}
	return 0;
fail:
	fprintf(stderr, "%s:%u: cannot write the capture: %s\n", c->path, fe->line, strerror(-k));
	c->error = k;
	return k;
}

static void no_alert(const Alert *a, void *userdata)
{
	(void)a;
	(void)userdata;
}

/*
 * JSON lines into a capture: each line's context is applied to a state
 * that also follows the events, and written as the snapshot lines that
 * bring a replay's state to the same place before the line's event.
 */
static int write_capture(const char *out, const char *in, const char *hostname, bool stats)
{
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	Convert c = { .path = in, .hostname = hostname, .fd = -1,
		      .pending = { .limit = CAPTURE_MAX_BLOCK } };
	bool is_stdin = strcmp(in, "-") == 0;
	EventFeed feed;
	FILE *f;
	int r;

	if (!state || detector_new(NULL, state, hostname, &det) < 0) {
		fprintf(stderr, "saker replay: out of memory\n");
		return 1;
	}
	f = is_stdin ? stdin : fopen(in, "re");
	if (!f) {
		fprintf(stderr, "%s: %s\n", in, strerror(errno));
		return 1;
	}
	c.fd = strcmp(out, "-") == 0 ? STDOUT_FILENO
				     : open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c.fd < 0) {
		fprintf(stderr, "saker replay: cannot create %s: %s\n", out, strerror(errno));
		if (!is_stdin)
			fclose(f);
		return 1;
	}
	feed = (EventFeed){ .detector = det, .state = state, .on_alert = no_alert, .err = stderr,
			    .on_line = convert_line, .line_data = &c };
	/* what was converted before an error still makes a complete capture */
	r = feed_stream(&feed, f, in);
	if (!is_stdin)
		fclose(f);
	if (r != -ENOMEM && (c.w || !c.error)) {
		if (!c.w) {
			/* nothing but header lines: an empty capture */
			_cleanup_(fixture_reader_freep) FixtureReader *none = NULL;

			none = fixture_reader_new(in);
			r = none ? convert_open(&c, none, false) : -ENOMEM;
		} else {
			r = convert_flush(&c);
		}
		if (r >= 0)
			r = capture_writer_finish(c.w);
	}
	capture_writer_free(c.w);
	strbuf_done(&c.pending);
	if (c.fd != STDOUT_FILENO && close(c.fd) < 0 && r >= 0)
		r = -errno;
	if (r < 0)
		fprintf(stderr, "saker replay: cannot write %s: %s\n", out, strerror(-r));
	if (stats)
		fprintf(stderr,
			"%s: %" PRIu64 " events, %" PRIu64 " snapshot blocks, %u bad lines\n", out,
			c.events, c.blocks, feed.errors);
	feed_done(&feed);
	return r < 0 || c.error || feed.errors ? 1 : 0;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "option", required_argument, NULL, 'o' },
		{ "stats", no_argument, NULL, 's' },
		{ "write-capture", required_argument, NULL, 'W' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList rules = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	_cleanup_(state_freep) State *state = NULL;
	_cleanup_(detector_freep) Detector *det = NULL;
	const char *write_to = NULL, *hostname = NULL;
	ReplayOut out = { 0 };
	ReplayTotals totals = { 0 };
	EventFeed feed = { 0 };
	EngineOptions eo;
	bool stats = false;
	char host[256] = "";
	int o, r, i;

	engine_options_init(&eo);
	optind = 1;
	while ((o = getopt_long(argc, argv, "r:jo:sh", opts, NULL)) >= 0) {
		switch (o) {
		case 'r':
			if (pathlist_add(&rules, optarg) < 0)
				return 2;
			break;
		case 'j':
			out.json = true;
			break;
		case 'o':
			if (tool_engine_option(&eo, optarg) < 0)
				return 2;
			break;
		case 's':
			stats = true;
			break;
		case 'W':
			write_to = optarg;
			break;
		case 'H':
			if (strlen(optarg) >= CAPTURE_HOSTNAME_MAX) {
				fprintf(stderr, "saker replay: host name longer than %d bytes\n",
					CAPTURE_HOSTNAME_MAX - 1);
				return 2;
			}
			hostname = optarg;
			break;
		case 'h':
			puts("Usage: saker replay FILE... [-r RULES]... [--json] [-o KEY=VALUE]... "
			     "[--stats]\n"
			     "       saker replay --write-capture OUT [--hostname NAME] "
			     "FILE.jsonl\n"
			     "Evaluate recorded events (capture files or JSON lines) and print the "
			     "alerts.\n"
			     "  -r, --rules PATH   rule file or directory (repeatable; default "
			     SAKER_DEFAULT_RULES_DIR ")\n"
			     "  --json             one JSON object per alert\n"
			     "  -o KEY=VALUE       rule_matching=first|all, priority=LEVEL\n"
			     "  --stats            print event and alert counts on stderr\n"
			     "  --write-capture OUT\n"
			     "                     turn JSON lines into a capture file "
			     "(no rules run)\n"
			     "  --hostname NAME    host name of the alerts of JSON lines "
			     "(captures\n"
			     "                     carry their own), or of the --write-capture "
			     "file");
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "saker replay: no event file given (see saker replay --help)\n");
		return 2;
	}
	gethostname(host, sizeof(host) - 1);
	if (write_to) {
		if (argc - optind != 1) {
			fprintf(stderr,
				"saker replay: --write-capture takes one JSON-lines file\n");
			return 2;
		}
		return write_capture(write_to, argv[optind], hostname ? hostname : host, stats);
	}
	if (rules.n == 0 && pathlist_add(&rules, SAKER_DEFAULT_RULES_DIR) < 0)
		return 2;

	r = tool_load_rules(&rules, &d, &rs);
	if (r == -ENOMEM) {
		fprintf(stderr, "saker replay: out of memory\n");
		return 1;
	}
	if (r == 0)
		r = engine_compile(rs, &eo, &d, &engine);
	diags_print(&d, stderr);
	if (r < 0 || !engine) {
		fprintf(stderr, "saker replay: the rules have errors\n");
		return 1;
	}

	state = state_new();
	if (!state || detector_new(engine, state, hostname ? hostname : host, &det) < 0) {
		fprintf(stderr, "saker replay: out of memory\n");
		return 1;
	}
	feed = (EventFeed){ .detector = det, .state = state, .on_alert = print_alert,
			    .userdata = &out, .err = stderr };
	for (i = optind; i < argc; i++) {
		r = replay_one(argv[i], &feed, hostname ? hostname : host, &out, stats, &totals);
		if (r == -ENOMEM) {
			fprintf(stderr, "saker replay: out of memory\n");
			totals.errors++;
			break;
		}
	}
	fflush(stdout);
	if (stats)
		fprintf(stderr, "%llu events, %llu alerts, %u bad lines\n",
			(unsigned long long)(feed.events + totals.events),
			(unsigned long long)detector_alerts(det), feed.errors + totals.errors);
	strbuf_done(&out.sb);
	r = feed.errors || totals.errors ? 1 : 0;
	feed_done(&feed);
	return r;
}
