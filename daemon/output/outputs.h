/* SPDX-License-Identifier: MIT */
/*
 * Alert outputs (DESIGN.md decision 8): every enabled sink has its own
 * bounded queue and its own thread, so a slow or stuck sink never blocks
 * the capture path.  outputs_submit() copies the alert into each queue and
 * returns at once; a full queue loses its oldest alert, counted per sink and
 * reported.  Sinks are a small vtable (one file per sink): stdout, file and
 * program live here; journald, syslog and rsyslog plug in the same way.
 */
#ifndef SAKER_OUTPUTS_H
#define SAKER_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/macro.h"
#include "common/strbuf.h"
#include "output/alert.h"

#define OUTPUTS_MAX_SINKS 16
#define OUTPUTS_QUEUE_DEFAULT 4096   /* alerts queued per sink */
#define OUTPUTS_QUEUE_MAX (1u << 20) /* largest accepted queue capacity */
#define OUTPUTS_MAX_ERROR 512
/* Bytes of alert copies queued per sink; past it the oldest go, as for a full queue. */
#define OUTPUTS_QUEUE_MAX_BYTES (64u * 1024u * 1024u)
/*
 * outputs_free() waits this long for a sink thread to finish the alert it is
 * writing and close its sink; a sink stuck longer (a pipe nobody reads) is
 * left to its thread, which frees it if the write ever returns.
 */
#define OUTPUTS_STOP_TIMEOUT_MS 3000
/* While its queue is empty a sink's idle() runs about this often. */
#define OUTPUTS_IDLE_INTERVAL_MS 1000

/*
 * One sink.  Every callback runs in the sink's own thread, with every signal
 * blocked, except open (called by outputs_add_sink() in the caller's thread,
 * so a bad file name is reported at start-up) and the close that follows a
 * failed open.  Callbacks return 0 or a negative errno; a failing write or
 * flush is counted in OutputSinkStats.errors and the sink goes on with the
 * next alert (file and program sinks reopen / restart on the next one).
 */
typedef struct OutputSinkOps {
	const char *name; /* "stdout", "file", "program", "journald" ... */
	int (*open)(void *userdata, char *errbuf, size_t errlen);
	/* line: the alert rendered as configured (text or JSON), with '\n' */
	int (*write)(void *userdata, const Alert *a, const char *line, size_t len);
	/* may be NULL; after each alert, or with buffered_outputs when the queue runs empty */
	int (*flush)(void *userdata);
	int (*reopen)(void *userdata); /* may be NULL; SIGUSR1 (logrotate) */
	void (*close)(void *userdata); /* may be NULL; frees userdata too */
	/* may be NULL; housekeeping while the queue is empty (reaping a child) */
	int (*idle)(void *userdata);
	/* the sink renders the Alert itself: write() gets no line (NULL, 0) */
	bool no_line;
} OutputSinkOps;

typedef struct OutputsOptions {
	bool json;		   /* json_output */
	AlertJsonOptions json_opts; /* json_include_*_property */
	bool buffered;		   /* buffered_outputs: flush only when the queue runs empty */
	size_t queue_capacity;	   /* per sink; 0: OUTPUTS_QUEUE_DEFAULT */
} OutputsOptions;

typedef struct OutputSinkStats {
	const char *name;
	uint64_t written; /* alerts handed to write() successfully */
	uint64_t lost;	  /* dropped: queue full (oldest first), no memory, or left at stop */
	uint64_t errors;  /* write() and flush() failures */
	size_t queued;	  /* alerts waiting now */
	size_t capacity;
} OutputSinkStats;

typedef struct Outputs Outputs;

int outputs_new(const OutputsOptions *opts, Outputs **ret);
/* Drain with outputs_drain() first for a clean stop; this stops the threads and frees. */
Outputs *outputs_free(Outputs *o);
DEFINE_TRIVIAL_CLEANUP_FUNC(Outputs *, outputs_free);

/*
 * Open a sink (ops->open in this thread) and start its thread.  The ops
 * struct must outlive o; userdata is owned by the sink from here (close()
 * frees it, also on failure).  On failure errbuf has a sentence.
 */
int outputs_add_sink(Outputs *o, const OutputSinkOps *ops, void *userdata, char *errbuf,
		     size_t errlen);

/* The built-in sinks, configured from the daemon's Config values. */
int outputs_add_stdout(Outputs *o, char *errbuf, size_t errlen);
/* Appends to path (created 0640); keep_alive: keep it open, else open per alert. */
int outputs_add_file(Outputs *o, const char *path, bool keep_alive, char *errbuf, size_t errlen);
/*
 * Runs command with /bin/sh -c and writes alerts to its stdin; keep_alive:
 * one long-running process (restarted when it exits), else one per alert.
 */
int outputs_add_program(Outputs *o, const char *command, bool keep_alive, char *errbuf,
			size_t errlen);

/*
 * Queue a copy of a for every sink; never blocks (a full queue drops its
 * oldest alert).  Thread-safe with respect to the sinks' threads; called
 * from one producer thread.
 */
void outputs_submit(Outputs *o, const Alert *a);
/* Ask every sink to reopen its files (SIGUSR1); asynchronous. */
void outputs_reopen(Outputs *o);
/*
 * Wait until every queue is empty and flushed, at most timeout_ms; returns
 * 0, or -ETIMEDOUT with alerts still queued.
 */
int outputs_drain(Outputs *o, unsigned timeout_ms);
/* Fills up to max entries; returns the number of sinks. */
size_t outputs_stats(const Outputs *o, OutputSinkStats *ret, size_t max);
size_t outputs_nsinks(const Outputs *o);

/*
 * A deep copy of an alert in one allocation (what the queues hold); free()
 * it.  NULL on allocation failure.
 */
Alert *alert_dup(const Alert *a);

/*
 * For sinks: write all of buf to fd, going on after EINTR and short writes;
 * on a non-blocking fd wait for room at most timeout_ms in all (-1: no
 * limit).  0, or a negative errno: -ETIMEDOUT, -EPIPE for a reader that went
 * away (the sink threads block SIGPIPE, so that is all it costs).
 */
int output_write_full(int fd, const void *buf, size_t len, int timeout_ms);

/*
 * For sinks that collect lines until flush() (buffered_outputs): appends
 * line to buf, first writing buf out to fd when it would grow past
 * OUTPUT_BUFFER_BYTES.  output_buffer_flush() writes buf out; buf is empty
 * afterwards even on failure, so a broken fd does not pile up lines.
 */
#define OUTPUT_BUFFER_BYTES (64u * 1024u)
int output_buffer_line(int fd, StrBuf *buf, const char *line, size_t len);
int output_buffer_flush(int fd, StrBuf *buf);

#endif /* SAKER_OUTPUTS_H */
