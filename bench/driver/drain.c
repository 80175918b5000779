// SPDX-License-Identifier: GPL-2.0-only
/*
 * The minimal consumer of the driver benchmark: selects every event type but
 * read/write (and those named with --exclude), leaves out its own process,
 * starts capture and drains every ring, polling every --interval-us (default
 * 1000) when all rings are empty, so the cost measured is the producer's plus a
 * batching reader's, never a wakeup per event.  On SIGINT or SIGTERM it stops
 * capture and prints the module's counters for the session:
 *   drain events=E drops=D consumed=C bytes=B filtered=F
 *
 * Usage: drain [--exclude NAME,NAME...] [--ready FILE] [--interval-us N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reader.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int event_type(const char *name)
{
	for (unsigned int t = 0; t < SAKER_EVT_MAX; t++)
		if (!strcmp(saker_event_name(t), name))
			return (int)t;
	return -1;
}

/* Every event type except read, write and the comma-separated @exclude. */
static int select_events(struct saker_reader *r, const char *exclude)
{
	bool skip[SAKER_EVT_MAX] = { false };
	int types[SAKER_EVT_MAX];
	size_t n = 0;
	char *list, *name, *save = NULL;

	skip[SAKER_EVT_READ] = skip[SAKER_EVT_WRITE] = true;
	list = strdup(exclude ? exclude : "");
	if (!list)
		return -ENOMEM;
	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int t = event_type(name);

		if (t < 0) {
			fprintf(stderr, "drain: unknown event type %s\n", name);
			free(list);
			return -EINVAL;
		}
		skip[t] = true;
	}
	free(list);
	for (unsigned int t = 0; t < SAKER_EVT_MAX; t++)
		if (!skip[t])
			types[n++] = (int)t;
	return saker_reader_select(r, types, n);
}

static unsigned long long drain_once(struct saker_reader *r)
{
	unsigned long long n = 0;

	for (unsigned int cpu = 0; cpu < r->info.nr_cpus; cpu++) {
		const struct saker_event_hdr *h;

		while ((h = saker_reader_peek(r, cpu))) {
			saker_reader_consume(r, cpu, h);
			n++;
		}
	}
	return n;
}

static unsigned long long drops_of(const struct saker_ioc_stats *st)
{
	unsigned long long d = 0;

	for (size_t i = 0; i < sizeof(st->drops) / sizeof(st->drops[0]); i++)
		d += st->drops[i];
	return d;
}

int main(int argc, char **argv)
{
	const char *exclude = NULL, *ready = NULL;
	long interval_us = 1000;
	struct saker_ioc_stats st0, st1;
	struct saker_reader r;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long consumed = 0;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--exclude") && i + 1 < argc)
			exclude = argv[++i];
		else if (!strcmp(argv[i], "--ready") && i + 1 < argc)
			ready = argv[++i];
		else if (!strcmp(argv[i], "--interval-us") && i + 1 < argc)
			interval_us = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: drain [--exclude NAME,...] [--ready FILE] [--interval-us N]\n");
			return 2;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	err = saker_reader_open(&r);
	if (err) {
		fprintf(stderr, "drain: %s\n", r.why);
		return 1;
	}
	err = select_events(&r, exclude);
	if (!err)
		err = saker_reader_exclude(&r, (uint32_t)getpid());
	if (!err)
		err = saker_reader_stats(&r, &st0);
	if (!err)
		err = saker_reader_start(&r);
	if (err) {
		fprintf(stderr, "drain: setup: %s\n", strerror(-err));
		return 1;
	}
	if (ready)
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));

	while (!stop) {
		struct timespec ts = { interval_us / 1000000, (interval_us % 1000000) * 1000 };
		unsigned long long n = drain_once(&r);

		consumed += n;
		if (!n)
			nanosleep(&ts, NULL);
		if (r.corrupt) {
			fprintf(stderr, "drain: corrupt ring: %s\n", r.why);
			return 1;
		}
	}
	saker_reader_stop(&r);
	consumed += drain_once(&r);
	if (saker_reader_stats(&r, &st1)) {
		fprintf(stderr, "drain: stats: %s\n", strerror(errno));
		return 1;
	}
	printf("drain events=%llu drops=%llu consumed=%llu bytes=%llu filtered=%llu\n",
	       (unsigned long long)(st1.events - st0.events),
	       drops_of(&st1) - drops_of(&st0), consumed,
	       (unsigned long long)(st1.bytes - st0.bytes),
	       (unsigned long long)(st1.filtered - st0.filtered));
	saker_reader_close(&r);
	return 0;
}
