// SPDX-License-Identifier: MIT
/*
 * Test driver for the rsyslog output: submits distinct alerts through the
 * outputs API into the rsyslog sink (what sakerd does), waits until they are
 * handed over and prints what the sink counted and the rate.  With --raw it
 * sends its arguments as datagrams as they are, to test imsaker's handling
 * of what is not an alert.
 *
 *   rsyslog-send --socket PATH --count N [--rule NAME] [--hostname NAME]
 *   rsyslog-send --socket PATH --raw [--raw-fill BYTES] DATAGRAM...
 *
 * Alert i has priority i % 8 (emergency ... debug), output "alert i of N
 * (proc.name=cat saker.seq=i)" and output_fields proc.name=cat and
 * saker.seq=i.  Submission is paced to the sink's queue, so every alert is
 * the sink's to deliver or lose; exits 1 if any was lost.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "output/out-rsyslog.h"
#include "output/outputs.h"

/* Alerts one run submits at most. */
#define SEND_MAX_COUNT 10000000u
/* The sink's queue; submission pauses while it is more than half full. */
#define SEND_QUEUE 8192
/* --raw-fill: the largest datagram sent, and the send buffer that takes it. */
#define SEND_FILL_MAX (1024u * 1024u)
#define SEND_RAW_SNDBUF (4 * 1024 * 1024)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Each of datagrams as it is, then (fill > 0) one of fill bytes 'x'. */
static int send_raw(const char *path, char **datagrams, int n, size_t fill)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *big = NULL;
	_cleanup_close_ int fd = -1;
	int i, size = SEND_RAW_SNDBUF;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Room for the largest datagram (root passes net.core.wmem_max). */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	for (i = 0; i < n; i++)
		if (sendto(fd, datagrams[i], strlen(datagrams[i]), 0, (struct sockaddr *)&sa,
			   sizeof(sa)) < 0)
			return -errno;
	if (fill > 0) {
		big = malloc(fill);
		if (!big)
			return -ENOMEM;
		memset(big, 'x', fill);
		if (sendto(fd, big, fill, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return -errno;
	}
	return 0;
}

static OutputSinkStats sink_stats(Outputs *o)
{
	OutputSinkStats st[OUTPUTS_MAX_SINKS];

	outputs_stats(o, st, 1);
	return st[0];
}

static int send_alerts(const char *path, unsigned count, const char *rule, const char *hostname)
{
	static const char *const tags[] = { "saker_test" };
	OutputsOptions oo = { .json = true,
			      .json_opts = { true, true, true },
			      .queue_capacity = SEND_QUEUE };
	_cleanup_(outputs_freep) Outputs *o = NULL;
	char err[OUTPUTS_MAX_ERROR], out[128], seq[16];
	OutputSinkStats st;
	uint64_t start, took;
	unsigned i;
	int r;

	r = outputs_new(&oo, &o);
	if (r < 0)
		return r;
	r = outputs_add_rsyslog(o, path, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "rsyslog-send: %s\n", err);
		return r;
	}
	start = now_ns();
	for (i = 0; i < count; i++) {
		AlertField fields[2] = {
			{ .name = "proc.name", .value = "cat", .len = 3 },
			{ .name = "saker.seq", .value = seq },
		};
		Alert a = {
			.rule = rule,
			.priority = (Priority)(i % _PRI_MAX),
			.tags = tags,
			.ntags = 1,
			.source = "syscall",
			.hostname = hostname,
			.output = out,
			.fields = fields,
			.nfields = 2,
		};
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		a.time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		fields[1].len = (size_t)snprintf(seq, sizeof(seq), "%u", i);
		a.output_len = (size_t)snprintf(out, sizeof(out),
						"alert %u of %u (proc.name=cat saker.seq=%u)", i,
						count, i);
		/* Never let the queue drop: what is lost is the sink's doing. */
		while (sink_stats(o).queued > SEND_QUEUE / 2)
			nanosleep(&(struct timespec){ 0, 200000 }, NULL);
		outputs_submit(o, &a);
	}
	r = outputs_drain(o, 120000);
	took = now_ns() - start;
	st = sink_stats(o);
	printf("submitted %u written %" PRIu64 " errors %" PRIu64 " lost %" PRIu64
	       " seconds %.3f alerts/s %.0f\n",
	       count, st.written, st.errors, st.lost, (double)took / 1e9,
	       took ? (double)st.written * 1e9 / (double)took : 0.0);
	if (r < 0)
		return r;
	return st.errors || st.lost || st.written != count ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "rule", required_argument, NULL, 'r' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "raw", no_argument, NULL, 'R' },
		{ "raw-fill", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *rule = "saker test alert", *hostname = "alerthost";
	unsigned long count = 1, fill = 0;
	bool raw = false;
	char *end;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'n':
			errno = 0;
			count = strtoul(optarg, &end, 10);
			if (errno || *end || count == 0 || count > SEND_MAX_COUNT) {
				fprintf(stderr, "rsyslog-send: --count: 1 to %u\n", SEND_MAX_COUNT);
				return 2;
			}
			break;
		case 'r':
			rule = optarg;
			break;
		case 'H':
			hostname = optarg;
			break;
		case 'R':
			raw = true;
			break;
		case 'F':
			errno = 0;
			fill = strtoul(optarg, &end, 10);
			if (errno || *end || fill > SEND_FILL_MAX) {
				fprintf(stderr, "rsyslog-send: --raw-fill: 0 to %u\n", SEND_FILL_MAX);
				return 2;
			}
			raw = true;
			break;
		default:
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "rsyslog-send: --socket is needed\n");
		return 2;
	}
	if (raw)
		r = send_raw(path, argv + optind, argc - optind, fill);
	else
		r = send_alerts(path, (unsigned)count, rule, hostname);
	if (r < 0) {
		fprintf(stderr, "rsyslog-send: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
