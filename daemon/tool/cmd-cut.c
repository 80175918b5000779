// SPDX-License-Identifier: MIT
/*
 * saker cut: the small piece of a capture that still raises one alert, for
 * rule test cases made of real driver output (docs/rule-tests.md).  The
 * capture is replayed once to find the alert and the processes it is about:
 * the alerting thread group, its ancestors and the processes its event
 * names.  Then windows of their events ending at the alert, doubled in
 * length from a few events, are written as captures (a snapshot of those
 * processes as the window starts, then their original records, byte for
 * byte) until one replays to the same alert text; with that window, the
 * fewest ancestors that still do are kept.  Every candidate is verified by
 * replaying it, so a piece is never written that does not reproduce the
 * alert.  The capture is read again for each candidate: replaying is cheap
 * next to keeping a copy of the state at every window start.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/replay.h"
#include "capture/snapshot.h"
#include "rules/engine.h"
#include "tool/options.h"
#include "tool/tool.h"

/* Events of the kept processes in the first window tried; each next one is twice as long. */
#define CUT_FIRST_WINDOW 16u
/* Processes an event names in its arguments (kill's target...) that a piece keeps. */
#define CUT_MAX_RELATED 4
/* Largest --nth: an alert number, far beyond what a capture raises for one rule. */
#define CUT_MAX_NTH 100000000u
/* Bytes copied at a time from the finished piece to its file. */
#define CUT_COPY_CHUNK 16384u

/* Which threads, users, groups and containers a piece keeps (SnapshotFilter userdata). */
typedef struct IdSet {
	U64Map *uids;
	U64Map *gids;
	StrMap *containers; /* short and full ids */
} IdSet;

typedef struct Keep {
	U64Map *tgids;	 /* the alerting thread group and the ancestors kept */
	IdSet at_alert;	 /* ids of the alerting thread group when the alert is raised */
	IdSet at_start;	 /* ids of the kept threads as the window starts (one piece at a time) */
} Keep;

/* The alert to reproduce, found by the first replay. */
typedef struct Target {
	const char *rule;
	uint64_t nth;	 /* 1-based */
	uint64_t seen;	 /* alerts of the rule so far */
	bool found;
	uint64_t index;	 /* 0-based number of the event that raised it */
	int64_t tid, pid;
	int64_t anc[STATE_MAX_ANCESTORS]; /* thread group ids of its ancestors, parent first */
	size_t nanc;
	int64_t related[CUT_MAX_RELATED]; /* thread groups its event names (a signal's target) */
	size_t nrelated;
	char *output;	 /* its output sentence */
	State *state;	 /* of the replay that looks for it */
	CaptureReplay *rp;
	Keep *keep;
	int err;	 /* -ENOMEM inside the alert callback */
} Target;

/* What one candidate piece holds. */
typedef struct Piece {
	uint64_t events;	 /* records written */
	uint64_t event_bytes;
	uint64_t snapshot_bytes; /* SNAPSHOT blocks, headers included */
	uint64_t bytes;		 /* the whole file */
} Piece;

static bool verbose;

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static void idset_done(IdSet *s)
{
	s->uids = u64map_free(s->uids);
	s->gids = u64map_free(s->gids);
	s->containers = strmap_free(s->containers);
}

static int idset_init(IdSet *s)
{
	idset_done(s);
	s->uids = u64map_new();
	s->gids = u64map_new();
	s->containers = strmap_new();
	return s->uids && s->gids && s->containers ? 0 : -ENOMEM;
}

static void keep_done(Keep *k)
{
	k->tgids = u64map_free(k->tgids);
	idset_done(&k->at_alert);
	idset_done(&k->at_start);
}

static int put_id(U64Map *m, uint64_t id)
{
	return u64map_put(m, id, (void *)1);
}

static int put_container_id(StrMap *m, const char *id)
{
	return id ? strmap_put(m, id, strlen(id), (void *)1) : 0;
}

/* The credentials and container of every thread of s in the thread groups tgids, into ids. */
static int collect_ids(State *s, const U64Map *tgids, IdSet *ids)
{
	size_t iter = 0;
	Proc *p;
	int r = 0;

	while (r >= 0 && state_next_thread(s, &iter, &p)) {
		if (!u64map_get(tgids, (uint64_t)p->pid))
			continue;
		if ((r = put_id(ids->uids, p->uid)) < 0 || (r = put_id(ids->uids, p->euid)) < 0 ||
		    (r = put_id(ids->uids, p->suid)) < 0 ||
		    (r = put_id(ids->uids, p->loginuid)) < 0 ||
		    (r = put_id(ids->gids, p->gid)) < 0 || (r = put_id(ids->gids, p->egid)) < 0 ||
		    (r = put_id(ids->gids, p->sgid)) < 0)
			break;
		if (p->container && (r = put_container_id(ids->containers, p->container->id)) >= 0)
			r = put_container_id(ids->containers, p->container->full_id);
	}
	return r;
}

static bool keep_thread(int64_t tid, int64_t pid, void *userdata)
{
	const Keep *k = userdata;

	(void)tid;
	return u64map_get(k->tgids, (uint64_t)pid) != NULL;
}

static bool in_containers(const Keep *k, const char *id)
{
	return id && (strmap_get(k->at_alert.containers, id, strlen(id), NULL) ||
		      strmap_get(k->at_start.containers, id, strlen(id), NULL));
}

static bool keep_container(const Container *c, void *userdata)
{
	const Keep *k = userdata;

	return in_containers(k, c->id) || in_containers(k, c->full_id);
}

static bool keep_user(uint32_t uid, void *userdata)
{
	const Keep *k = userdata;

	return u64map_get(k->at_alert.uids, uid) || u64map_get(k->at_start.uids, uid);
}

static bool keep_group(uint32_t gid, void *userdata)
{
	const Keep *k = userdata;

	return u64map_get(k->at_alert.gids, gid) || u64map_get(k->at_start.gids, gid);
}

/* ---- finding the alert ---- */

/* Keep the alerting thread group, the ones its event names and its first depth ancestors. */
static int set_depth(Keep *k, const Target *t, size_t depth)
{
	size_t i;
	int r;

	u64map_free(k->tgids);
	k->tgids = u64map_new();
	if (!k->tgids)
		return -ENOMEM;
	r = put_id(k->tgids, (uint64_t)t->pid);
	for (i = 0; r >= 0 && i < t->nrelated; i++)
		r = put_id(k->tgids, (uint64_t)t->related[i]);
	for (i = 0; r >= 0 && i < depth && i < t->nanc; i++)
		r = put_id(k->tgids, (uint64_t)t->anc[i]);
	return r;
}

/*
 * The processes the alerting event names in a pid or tid argument (the
 * target of a signal, of ptrace, of perf_event_open): fields such as
 * evt.arg.pid show their names, which only their state entries give.  Not
 * the child a fork returns, nor the session, group or parent of the
 * process context.
 */
static void note_related(Target *t, const SkEvent *e)
{
	unsigned i;

	for (i = 0; i < e->nparams && t->nrelated < CUT_MAX_RELATED; i++) {
		const struct param_info *pi = &e->info->params[i];
		int64_t v;
		Proc *p;

		if (pi->type != SAKER_PT_PID ||
		    (strcmp(pi->name, "pid") != 0 && strcmp(pi->name, "tid") != 0) ||
		    sk_event_get_s64(e, i, &v) < 0 || v <= 0)
			continue;
		p = state_get_thread(t->state, v);
		if (p && p->pid != t->pid)
			t->related[t->nrelated++] = p->pid;
	}
}

/* The ancestors of the alerting thread, and the ids its thread group uses now. */
static int note_processes(Target *t, const SkEvent *e)
{
	Proc *p = state_get_thread(t->state, t->tid);
	unsigned n;
	int r;

	note_related(t, e);
	r = set_depth(t->keep, t, 0);
	for (n = 1; r >= 0 && p && n <= STATE_MAX_ANCESTORS; n++) {
		Proc *a = state_ancestor(t->state, p, n);

		if (!a || a->pid == t->pid)
			break;
		t->anc[t->nanc++] = a->pid;
	}
	if (r >= 0)
		r = collect_ids(t->state, t->keep->tgids, &t->keep->at_alert);
	return r;
}

static void on_alert(const Alert *a, void *userdata)
{
	Target *t = userdata;
	const CaptureItem *it;

	if (t->found || strcmp(a->rule, t->rule) != 0 || ++t->seen != t->nth)
		return;
	it = capture_replay_item(t->rp);
	t->found = true;
	t->index = capture_replay_stats(t->rp)->events - 1;
	t->tid = it->event.tid;
	t->pid = it->event.pid;
	t->output = strndup(a->output, a->output_len);
	if (!t->output || note_processes(t, &it->event) < 0)
		t->err = -ENOMEM;
}

/* Replay in up to the alert; 0 when found, else 1 with the reason printed. */
static int find_alert(FILE *in, const char *path, Engine *engine, Target *t)
{
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	_cleanup_(capture_replay_freep) CaptureReplay *rp = NULL;
	uint64_t events;
	int r = 0;

	if (!state || detector_new(engine, state, "", &det) < 0 ||
	    capture_replay_new(in, det, state, &rp) < 0) {
		fprintf(stderr, "saker cut: out of memory\n");
		return 1;
	}
	t->state = state;
	t->rp = rp;
	while (!t->found && !t->err && (r = capture_replay_next(rp, on_alert, t)) > 0)
		if (r == CAPTURE_REPLAY_WARNING)
			fprintf(stderr, "saker cut: %s: %s\n", path, capture_replay_message(rp));
	t->state = NULL;
	t->rp = NULL;
	if (t->err) {
		fprintf(stderr, "saker cut: out of memory\n");
		return 1;
	}
	if (t->found)
		return 0;
	if (r < 0) {
		fprintf(stderr, "saker cut: %s: %s\n", path, capture_replay_message(rp));
		return 1;
	}
	events = capture_replay_stats(rp)->events;
	if (t->seen == 0)
		fprintf(stderr, "saker cut: %s: rule '%s' raises no alert in its %" PRIu64 " events\n",
			path, t->rule, events);
	else
		fprintf(stderr,
			"saker cut: %s: rule '%s' raises %" PRIu64 " alert%s, not %" PRIu64 "\n",
			path, t->rule, t->seen, t->seen == 1 ? "" : "s", t->nth);
	return 1;
}

/* ---- the events of the kept processes ---- */

typedef struct IndexList {
	uint64_t *v;
	size_t n, cap;
} IndexList;

static int index_add(IndexList *l, uint64_t x)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		uint64_t *nv = reallocarray(l->v, cap, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return 0;
}

/* Reading in from its start again (the first replay read it already). */
static int rewind_input(FILE *in, const char *path)
{
	if (fseek(in, 0, SEEK_SET) < 0) {
		fprintf(stderr, "saker cut: %s: cannot read it again: %s\n", path, strerror(errno));
		return -errno;
	}
	clearerr(in);
	return 0;
}

/* Numbers of the events of the kept processes, up to and including the alert's. */
static int list_events(FILE *in, const char *path, const Target *t, IndexList *ret)
{
	_cleanup_(capture_reader_freep) CaptureReader *rd = NULL;
	CaptureItem it;
	uint64_t index = 0;
	int r = 0;

	if (rewind_input(in, path) < 0)
		return -EIO;
	if (capture_reader_new(in, &rd) < 0)
		return -ENOMEM;
	while (index <= t->index && (r = capture_reader_next(rd, &it)) > 0) {
		if (it.type != CAPTURE_ITEM_EVENT)
			continue;
		if (u64map_get(t->keep->tgids, (uint64_t)it.event.pid) && index_add(ret, index) < 0)
			return -ENOMEM;
		index++;
	}
	if (index <= t->index) {
		fprintf(stderr, "saker cut: %s: %s\n", path,
			r < 0 ? capture_reader_error(rd) : "the file changed while it was read");
		return -EIO;
	}
	return 0;
}

/* ---- writing a piece ---- */

static void no_alert(const Alert *a, void *userdata)
{
	(void)a;
	(void)userdata;
}

/*
 * Write to fd the piece whose window starts at event number first: the
 * header of in, a snapshot of the kept processes as the event first is
 * about to be read, then every SNAPSHOT item (filtered) and kept event up
 * to the alert.  The events before the window go through a detector so that
 * the state is the one the full replay has.
 */
static int write_piece(FILE *in, const char *path, Engine *engine, Keep *keep, uint64_t first,
		       uint64_t last, int fd, Piece *ret)
{
	_cleanup_(capture_reader_freep) CaptureReader *rd = NULL;
	_cleanup_(capture_writer_freep) CaptureWriter *w = NULL;
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	_cleanup_(strbuf_done) StrBuf sb = { .limit = CAPTURE_MAX_BLOCK };
	const SnapshotFilter filter = { .thread = keep_thread, .container = keep_container,
					.user = keep_user, .group = keep_group, .userdata = keep,
					.numeric_caps = true };
	char err[SNAPSHOT_MAX_ERROR];
	const CaptureHeader *h;
	CaptureHeader out;
	CaptureItem it;
	uint64_t index = 0;
	bool started = false;
	off_t before;
	int r;

	*ret = (Piece){ 0 };
	if (rewind_input(in, path) < 0)
		return -EIO;
	if (!state || detector_new(engine, state, "", &det) < 0 || capture_reader_new(in, &rd) < 0 ||
	    idset_init(&keep->at_start) < 0)
		return -ENOMEM;
	r = capture_reader_header(rd, &h);
	if (r < 0) {
		fprintf(stderr, "saker cut: %s: %s\n", path, capture_reader_error(rd));
		return r;
	}
	detector_set_boot_time(det, h->boot_to_realtime_ns);
	out = *h;
	out.flags = CAPTURE_FLAG_SNAPSHOT;
	r = capture_writer_new(fd, &out, &w);
	if (r < 0)
		return r;
	while (index <= last && (r = capture_reader_next(rd, &it)) > 0) {
		if (it.type == CAPTURE_ITEM_EVENT && index == first && !started) {
			/* the window starts: the kept processes as they are now */
			started = true;
			r = collect_ids(state, keep->tgids, &keep->at_start);
			if (r < 0)
				return r;
			before = lseek(fd, 0, SEEK_CUR);
			r = capture_snapshot_write_filtered(state, h->boot_to_realtime_ns, &filter, w);
			if (r < 0)
				return r;
			ret->snapshot_bytes += (uint64_t)(lseek(fd, 0, SEEK_CUR) - before);
		}
		switch (it.type) {
		case CAPTURE_ITEM_EVENT:
			if (!started) {
				/* an event the state refuses is skipped, as on replay */
				r = detector_process(det, &it.event, no_alert, NULL);
				if (r == -ENOMEM)
					return r;
				r = 0;
			} else if (u64map_get(keep->tgids, (uint64_t)it.event.pid)) {
				r = capture_writer_add_event(w, it.event.hdr, it.event.hdr->len);
				if (r < 0)
					return r;
				ret->events++;
				ret->event_bytes += it.event.hdr->len;
			}
			index++;
			break;
		case CAPTURE_ITEM_SNAPSHOT:
			if (!started) {
				/* bad lines are skipped, as on replay (and reported by it) */
				r = capture_snapshot_apply(state, it.text, it.text_len, err, sizeof(err));
				if (r == -ENOMEM)
					return r;
				r = 0;
				break;
			}
			strbuf_reset(&sb);
			r = capture_snapshot_filter(it.text, it.text_len, &filter, &sb);
			if (r < 0)
				return r;
			if (r == 0)
				break;
			r = capture_writer_add_snapshot(w, strbuf_str(&sb), sb.len);
			if (r < 0)
				return r;
			ret->snapshot_bytes += CAPTURE_BLOCK_HEADER_SIZE + sb.len;
			break;
		case CAPTURE_ITEM_STATS:
			break;
		}
	}
	if (r < 0) {
		fprintf(stderr, "saker cut: %s: %s\n", path, capture_reader_error(rd));
		return r;
	}
	r = capture_writer_finish(w);
	if (r < 0)
		return r;
	before = lseek(fd, 0, SEEK_CUR);
	if (before < 0)
		return -errno;
	ret->bytes = (uint64_t)before;
	return 0;
}

/* ---- checking a piece ---- */

typedef struct Check {
	const char *rule;
	const char *output;
	uint64_t alerts, of_rule;
	bool same;
} Check;

static void check_alert(const Alert *a, void *userdata)
{
	Check *c = userdata;

	c->alerts++;
	if (strcmp(a->rule, c->rule) != 0)
		return;
	c->of_rule++;
	if (a->output_len == strlen(c->output) && memcmp(a->output, c->output, a->output_len) == 0)
		c->same = true;
}

/* Replay the piece in f: true when it raises the alert with the same text. */
static int check_piece(FILE *f, Engine *engine, const Target *t, Check *c, char *why,
		       size_t whylen)
{
	_cleanup_(state_freep) State *state = state_new();
	_cleanup_(detector_freep) Detector *det = NULL;
	int r;

	*c = (Check){ .rule = t->rule, .output = t->output };
	if (!state || detector_new(engine, state, "", &det) < 0)
		return -ENOMEM;
	if (fseek(f, 0, SEEK_SET) < 0)
		return -errno;
	clearerr(f);
	r = capture_replay_file(f, det, state, check_alert, c, NULL, why, whylen);
	if (r == -ENOMEM)
		return r;
	if (r != 0)
		return 0; /* a warning or damage: not a piece to keep */
	if (!c->same)
		snprintf(why, whylen, "%" PRIu64 " alert%s of the rule, none with the same text",
			 c->of_rule, c->of_rule == 1 ? "" : "s");
	return c->same;
}

static int copy_out(FILE *f, const char *out)
{
	_cleanup_close_ int fd = -1;
	char buf[CUT_COPY_CHUNK];
	size_t n;
	int r;

	if (fseek(f, 0, SEEK_SET) < 0)
		return -errno;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		size_t off = 0;

		while (off < n) {
			ssize_t k = write(fd, buf + off, n - off);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return k < 0 ? -errno : -EIO;
			off += (size_t)k;
		}
	}
	if (ferror(f))
		return -EIO;
	/* a close error is a write error (NFS, quotas): the file must not be trusted */
	r = close(TAKE_FD(fd));
	return r < 0 ? -errno : 0;
}

/*
 * Write the piece of window start first and the current depth into a new
 * temporary file and replay it: 1 when it raises the alert (*ret gets the
 * file), 0 when not (why says what it raised), -1 when reported as failed.
 */
static int try_piece(FILE *in, const char *path, Engine *engine, Target *t, uint64_t first,
		     Piece *piece, Check *c, char *why, size_t whylen, FILE **ret)
{
	_cleanup_(fclosep) FILE *tmp = tmpfile();
	int r;

	if (!tmp) {
		fprintf(stderr, "saker cut: cannot make a temporary file: %s\n", strerror(errno));
		return -1;
	}
	r = write_piece(in, path, engine, t->keep, first, t->index, fileno(tmp), piece);
	if (r == -EIO || r == -EBADMSG || r == -ENODATA || r == -EPROTONOSUPPORT)
		return -1; /* reported */
	if (r < 0) {
		fprintf(stderr, "saker cut: cannot write the piece: %s\n", strerror(-r));
		return -1;
	}
	r = check_piece(tmp, engine, t, c, why, whylen);
	if (r < 0) {
		fprintf(stderr, "saker cut: cannot replay the piece: %s\n", strerror(-r));
		return -1;
	}
	if (r)
		*ret = TAKE_PTR(tmp);
	return r;
}

/*
 * Find the piece: the shortest window (doubled from CUT_FIRST_WINDOW events
 * of the alerting thread group and all its ancestors) that reproduces the
 * alert, then, with that window start, the fewest ancestors that still do.
 * 0 with out written, 1 with the reason printed.
 */
static int cut(FILE *in, const char *path, Engine *engine, Target *t, const IndexList *ev,
	       const char *out)
{
	_cleanup_(fclosep) FILE *best = NULL;
	char why[CAPTURE_REPLAY_MAX_MESSAGE] = "";
	size_t want = CUT_FIRST_WINDOW, n, depth;
	uint64_t first = 0;
	Piece piece, kept = { 0 };
	Check c, kc = { 0 };
	int r;

	for (;;) {
		n = MIN(want, ev->n);
		first = ev->v[ev->n - n];
		r = try_piece(in, path, engine, t, first, &piece, &c, why, sizeof(why), &best);
		if (r < 0)
			return 1;
		if (verbose)
			fprintf(stderr, "saker cut: the last %zu events, %zu ancestors: %s\n", n,
				t->nanc, r ? "the alert reproduces" : why);
		if (r)
			break;
		if (n == ev->n) {
			fprintf(stderr,
				"saker cut: %s: the alert does not reproduce from the %zu events of "
				"its process and its ancestors (%s): it depends on other processes\n",
				path, ev->n, why);
			return 1;
		}
		want *= 2;
	}
	kept = piece;
	kc = c;
	/* the same window start with fewer ancestors, the fewest first */
	for (depth = 0; depth < t->nanc; depth++) {
		FILE *f = NULL;

		if (set_depth(t->keep, t, depth) < 0) {
			fprintf(stderr, "saker cut: out of memory\n");
			return 1;
		}
		r = try_piece(in, path, engine, t, first, &piece, &c, why, sizeof(why), &f);
		if (r < 0)
			return 1;
		if (verbose)
			fprintf(stderr, "saker cut: the same window, %zu ancestors: %s\n", depth,
				r ? "the alert reproduces" : why);
		if (r) {
			fclose(best);
			best = f;
			kept = piece;
			kc = c;
			break;
		}
	}
	if (depth == t->nanc && set_depth(t->keep, t, depth) < 0) {
		fprintf(stderr, "saker cut: out of memory\n");
		return 1;
	}
	r = copy_out(best, out);
	if (r < 0) {
		fprintf(stderr, "saker cut: cannot write %s: %s\n", out, strerror(-r));
		if (r != -ENOENT && r != -EACCES)
			(void)unlink(out); /* not a half-written piece */
		return 1;
	}
	snprintf(why, sizeof(why), ", %zu its event names", t->nrelated);
	n = u64map_size(t->keep->tgids);
	fprintf(stderr,
		"saker cut: %s: %" PRIu64 " event%s (%" PRIu64 " bytes) of %zu process%s (the "
		"alerting one%s, %zu of its %zu ancestors), snapshot %" PRIu64 " bytes, %" PRIu64
		" bytes in all; it raises %" PRIu64 " alert%s\n",
		out, kept.events, kept.events == 1 ? "" : "s", kept.event_bytes, n,
		n == 1 ? "" : "es", t->nrelated ? why : "", depth, t->nanc, kept.snapshot_bytes,
		kept.bytes, kc.alerts, kc.alerts == 1 ? "" : "s");
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: saker cut [-r RULES]... [-o KEY=VALUE]... --rule NAME [--nth N] -w OUT "
	      "CAPTURE\n"
	      "Write the part of CAPTURE that raises one alert: a snapshot of the alerting\n"
	      "process and its ancestors, then their original records up to the alert.\n"
	      "  -r, --rules PATH   rule file or directory (repeatable; default " SAKER_DEFAULT_RULES_DIR
	      ")\n"
	      "  -o KEY=VALUE       rule_matching=first|all, priority=LEVEL\n"
	      "  --rule NAME        the rule whose alert is kept\n"
	      "  --nth N            its N-th alert in CAPTURE (default 1)\n"
	      "  -w, --write OUT    the capture file to write\n"
	      "  -v, --verbose      print each window tried\n",
	      f);
}

/* Whether in starts like JSON lines (it is left at its start). */
static bool is_json_lines(FILE *in)
{
	char buf[CAPTURE_MAGIC_LEN];
	size_t n = fread(buf, 1, sizeof(buf), in);

	rewind(in);
	return capture_detect_format(buf, n) == CAPTURE_FORMAT_JSONL;
}

static int parse_nth(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0 || v > CUT_MAX_NTH)
		return -EINVAL;
	*ret = v;
	return 0;
}

int cmd_cut(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "option", required_argument, NULL, 'o' },
		{ "rule", required_argument, NULL, 'R' },
		{ "nth", required_argument, NULL, 'n' },
		{ "write", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(pathlist_done) PathList rules = { 0 };
	_cleanup_(diags_done) Diags d = { 0 };
	_cleanup_(ruleset_freep) RuleSet *rs = NULL;
	_cleanup_(engine_freep) Engine *engine = NULL;
	_cleanup_(fclosep) FILE *in = NULL;
	Keep keep = { 0 };
	Target t = { .nth = 1, .keep = &keep };
	IndexList ev = { 0 };
	const char *out = NULL, *path;
	struct stat st;
	EngineOptions eo;
	int o, r;

	engine_options_init(&eo);
	verbose = false;
	optind = 1;
	while ((o = getopt_long(argc, argv, "r:o:w:vh", opts, NULL)) >= 0) {
		switch (o) {
		case 'r':
			if (pathlist_add(&rules, optarg) < 0)
				return 2;
			break;
		case 'o':
			if (tool_engine_option(&eo, optarg) < 0)
				return 2;
			break;
		case 'R':
			t.rule = optarg;
			break;
		case 'n':
			if (parse_nth(optarg, &t.nth) < 0) {
				fprintf(stderr, "saker cut: --nth takes a number from 1 to %u\n",
					CUT_MAX_NTH);
				return 2;
			}
			break;
		case 'w':
			out = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (!t.rule || !out || argc - optind != 1) {
		fprintf(stderr, "saker cut: %s (see saker cut --help)\n",
			!t.rule ? "--rule NAME is needed"
			: !out	? "-w OUT is needed"
				: "one capture file is needed");
		return 2;
	}
	path = argv[optind];
	if (rules.n == 0 && pathlist_add(&rules, SAKER_DEFAULT_RULES_DIR) < 0)
		return 2;
	r = tool_load_rules(&rules, &d, &rs);
	if (r == 0)
		r = engine_compile(rs, &eo, &d, &engine);
	diags_print(&d, stderr);
	if (r == -ENOMEM) {
		fprintf(stderr, "saker cut: out of memory\n");
		return 1;
	}
	if (r < 0 || !engine) {
		fprintf(stderr, "saker cut: the rules have errors\n");
		return 1;
	}
	if (!engine_find_rule(engine, t.rule)) {
		fprintf(stderr, "saker cut: no rule named '%s' in the rules loaded\n", t.rule);
		return 1;
	}

	in = fopen(path, "re");
	if (!in || fstat(fileno(in), &st) < 0) {
		fprintf(stderr, "saker cut: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "saker cut: %s: not a regular file (it is read more than once)\n",
			path);
		return 1;
	}
	if (is_json_lines(in)) {
		fprintf(stderr,
			"saker cut: %s: JSON lines, not a capture (saker replay --write-capture "
			"makes one)\n",
			path);
		return 1;
	}
	if (idset_init(&keep.at_alert) < 0) {
		fprintf(stderr, "saker cut: out of memory\n");
		keep_done(&keep);
		return 1;
	}
	r = find_alert(in, path, engine, &t);
	if (r == 0) {
		r = set_depth(&keep, &t, t.nanc);
		if (r >= 0)
			r = list_events(in, path, &t, &ev);
		if (r == -ENOMEM)
			fprintf(stderr, "saker cut: out of memory\n");
		r = r < 0 ? 1 : cut(in, path, engine, &t, &ev, out);
	}
	keep_done(&keep);
	free(ev.v);
	free(t.output);
	return r;
}
