// SPDX-License-Identifier: MIT
/*
 * The output queues: every sink gets a bounded ring of alerts and a thread of
 * its own, so a slow sink loses its own oldest alerts (counted) and never
 * stalls the capture path.  A submit copies the alert once into a single
 * block that all queues share through a reference count; rendering to text
 * or JSON happens in the sink threads.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output/outputs.h"

/* One submitted alert, shared by every queue; the copy follows in the same block. */
typedef struct QueuedAlert {
	atomic_uint refs;
	size_t size; /* bytes of the block, for OUTPUTS_QUEUE_MAX_BYTES */
	Alert *alert;
} QueuedAlert;

typedef struct Sink {
	const OutputSinkOps *ops;
	void *userdata;
	OutputsOptions opts; /* a copy: an abandoned sink outlives its Outputs */

	pthread_mutex_t lock;
	pthread_cond_t wake; /* to the thread: work, reopen or stop */
	pthread_cond_t idle; /* to outputs_drain(): queue empty and flushed */
	pthread_t thread;

	/* under lock */
	QueuedAlert **ring;
	size_t capacity;
	size_t head; /* oldest */
	size_t count;
	size_t bytes;
	bool busy; /* an alert, flush or reopen in progress outside the lock */
	bool reopen;
	bool stop;
	bool done;	/* the thread is about to return */
	bool abandoned; /* outputs_free() gave up waiting: the thread frees the sink */
	uint64_t written;
	uint64_t lost;
	uint64_t errors;
} Sink;

struct Outputs {
	OutputsOptions opts;
	Sink *sinks[OUTPUTS_MAX_SINKS];
	size_t nsinks;
};

static void queued_alert_unref(QueuedAlert *q)
{
	if (q && atomic_fetch_sub_explicit(&q->refs, 1, memory_order_acq_rel) == 1)
		free(q);
}

static bool size_add(size_t *total, size_t n)
{
	return !__builtin_add_overflow(*total, n, total);
}

static bool size_add_string(size_t *total, const char *s)
{
	return !s || size_add(total, strlen(s) + 1);
}

static bool size_align(size_t *total, size_t a)
{
	if (!size_add(total, a - 1))
		return false;
	*total &= ~(a - 1);
	return true;
}

/* Copies n bytes of s to *cursor with a NUL after them; NULL stays NULL. */
static const char *put_bytes(char **cursor, const char *s, size_t n)
{
	char *d = *cursor;

	if (!s)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	*cursor = d + n + 1;
	return d;
}

static const char *put_string(char **cursor, const char *s)
{
	return s ? put_bytes(cursor, s, strlen(s)) : NULL;
}

/*
 * Lays out [prefix][Alert][fields][tag pointers][strings] in one block;
 * returns the block and the copy's address in *ret_alert.
 */
static void *alert_copy(const Alert *a, size_t prefix, Alert **ret_alert, size_t *ret_size)
{
	/* A count without its array is taken as zero rather than followed. */
	size_t ntags = a->tags ? a->ntags : 0, nfields = a->fields ? a->nfields : 0;
	size_t size = prefix, off_alert, off_fields, off_tags, n, i;
	char *block, *cursor;
	AlertField *fields;
	const char **tags;
	Alert *c;

	if (!size_align(&size, alignof(max_align_t)))
		return NULL;
	off_alert = size;
	if (!size_add(&size, sizeof(Alert)) || !size_align(&size, alignof(AlertField)))
		return NULL;
	off_fields = size;
	if (__builtin_mul_overflow(nfields, sizeof(AlertField), &n) || !size_add(&size, n) ||
	    !size_align(&size, alignof(const char *)))
		return NULL;
	off_tags = size;
	if (__builtin_mul_overflow(ntags, sizeof(const char *), &n) || !size_add(&size, n))
		return NULL;
	if (!size_add_string(&size, a->rule) || !size_add_string(&size, a->source) ||
	    !size_add_string(&size, a->hostname))
		return NULL;
	if (a->output && (!size_add(&size, a->output_len) || !size_add(&size, 1)))
		return NULL;
	for (i = 0; i < ntags; i++)
		if (!size_add_string(&size, a->tags[i]))
			return NULL;
	for (i = 0; i < nfields; i++) {
		if (!size_add_string(&size, a->fields[i].name))
			return NULL;
		if (a->fields[i].value &&
		    (!size_add(&size, a->fields[i].len) || !size_add(&size, 1)))
			return NULL;
	}

	block = malloc(size);
	if (!block)
		return NULL;
	c = (Alert *)(block + off_alert);
	fields = (AlertField *)(block + off_fields);
	tags = (const char **)(block + off_tags);
	cursor = (char *)(tags + ntags);

	*c = (Alert){
		.time_ns = a->time_ns,
		.priority = a->priority,
		.ntags = ntags,
		.nfields = nfields,
		.output_len = a->output ? a->output_len : 0,
		.tags = ntags ? tags : NULL,
		.fields = nfields ? fields : NULL,
	};
	c->rule = put_string(&cursor, a->rule);
	c->source = put_string(&cursor, a->source);
	c->hostname = put_string(&cursor, a->hostname);
	c->output = put_bytes(&cursor, a->output, a->output_len);
	for (i = 0; i < ntags; i++)
		tags[i] = put_string(&cursor, a->tags[i]);
	for (i = 0; i < nfields; i++) {
		const AlertField *f = &a->fields[i];

		fields[i] = (AlertField){
			.name = put_string(&cursor, f->name),
			.value = put_bytes(&cursor, f->value, f->len),
			.len = f->value ? f->len : 0,
			.missing = f->missing,
		};
	}
	*ret_alert = c;
	if (ret_size)
		*ret_size = size;
	return block;
}

Alert *alert_dup(const Alert *a)
{
	Alert *c;

	if (!a)
		return NULL;
	/* With no prefix the block starts with the Alert, so free(c) releases it. */
	return alert_copy(a, 0, &c, NULL) ? c : NULL;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits until fd takes more bytes, at most until deadline_ms (0: no limit). */
static int wait_writable(int fd, uint64_t deadline_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int timeout = -1, n;

		if (deadline_ms) {
			uint64_t now = monotonic_ms();

			if (now >= deadline_ms)
				return -ETIMEDOUT;
			timeout = (int)MIN(deadline_ms - now, (uint64_t)INT32_MAX);
		}
		n = poll(&pfd, 1, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		/* POLLERR/POLLHUP: the next write() reports what happened. */
		return 0;
	}
}

int output_write_full(int fd, const void *buf, size_t len, int timeout_ms)
{
	uint64_t deadline_ms = timeout_ms >= 0 ? monotonic_ms() + (uint64_t)timeout_ms + 1 : 0;
	const char *p = buf;
	int r;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				r = wait_writable(fd, deadline_ms);
				if (r < 0)
					return r;
				continue;
			}
			if (errno == EPIPE) {
				/*
				 * The sink threads block SIGPIPE, so the kernel left it
				 * pending on this thread: take it back.
				 */
				static const struct timespec zero = { 0, 0 };
				sigset_t pipe_set;

				sigemptyset(&pipe_set);
				sigaddset(&pipe_set, SIGPIPE);
				(void)sigtimedwait(&pipe_set, NULL, &zero);
				return -EPIPE;
			}
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int output_buffer_flush(int fd, StrBuf *buf)
{
	int r = 0;

	if (buf->len > 0)
		r = output_write_full(fd, buf->buf, buf->len, -1);
	strbuf_reset(buf);
	return r;
}

int output_buffer_line(int fd, StrBuf *buf, const char *line, size_t len)
{
	int r;

	if (buf->len > 0 && buf->len + len > OUTPUT_BUFFER_BYTES) {
		r = output_buffer_flush(fd, buf);
		if (r < 0)
			return r;
	}
	if (len > OUTPUT_BUFFER_BYTES)
		return output_write_full(fd, line, len, -1);
	if (strbuf_append(buf, line, len) < 0) {
		/* No memory for the buffer: write out what it has, then the line. */
		r = output_buffer_flush(fd, buf);
		if (r < 0)
			return r;
		return output_write_full(fd, line, len, -1);
	}
	return 0;
}

static void monotonic_deadline(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static QueuedAlert *sink_pop_locked(Sink *s)
{
	QueuedAlert *q = s->ring[s->head];

	s->ring[s->head] = NULL;
	s->head = (s->head + 1) % s->capacity;
	s->count--;
	s->bytes -= q->size;
	return q;
}

/* Drops whatever is still queued; the caller holds the lock or is the last user. */
static void sink_discard_locked(Sink *s)
{
	while (s->count > 0) {
		queued_alert_unref(sink_pop_locked(s));
		s->lost++;
	}
}

static void sink_destroy(Sink *s)
{
	if (!s)
		return;
	if (s->ring) {
		sink_discard_locked(s);
		free(s->ring);
	}
	pthread_cond_destroy(&s->idle);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Renders and writes one alert, outside the lock; returns the write's result. */
static int sink_write_one(Sink *s, const Alert *a, StrBuf *line)
{
	int r;

	/* The renderers need a rule name and a known priority. */
	if (!a->rule || a->priority < 0 || a->priority >= _PRI_MAX)
		return -EINVAL;
	if (s->ops->no_line)
		return s->ops->write(s->userdata, a, NULL, 0);
	strbuf_reset(line);
	if (s->opts.json)
		r = alert_render_json(a, &s->opts.json_opts, line);
	else
		r = alert_render_text(a, line);
	if (r >= 0)
		r = strbuf_putc(line, '\n');
	if (r < 0 || line->failed)
		return r < 0 ? r : -ENOMEM;
	return s->ops->write(s->userdata, a, strbuf_str(line), line->len);
}

static void *sink_thread(void *arg)
{
	Sink *s = arg;
	StrBuf line = { 0 };
	bool abandoned;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		QueuedAlert *q;
		bool flush;
		int r;

		if (s->reopen) {
			s->reopen = false;
			if (s->ops->reopen) {
				s->busy = true;
				pthread_mutex_unlock(&s->lock);
				(void)s->ops->reopen(s->userdata);
				pthread_mutex_lock(&s->lock);
				s->busy = false;
			}
			continue;
		}
		if (s->stop)
			break;
		if (s->count == 0) {
			pthread_cond_broadcast(&s->idle);
			if (s->ops->idle) {
				struct timespec deadline;

				monotonic_deadline(&deadline, OUTPUTS_IDLE_INTERVAL_MS);
				r = pthread_cond_timedwait(&s->wake, &s->lock, &deadline);
				if (r == ETIMEDOUT && s->count == 0 && !s->stop && !s->reopen) {
					pthread_mutex_unlock(&s->lock);
					(void)s->ops->idle(s->userdata);
					pthread_mutex_lock(&s->lock);
				}
			} else
				pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}

		q = sink_pop_locked(s);
		s->busy = true;
		pthread_mutex_unlock(&s->lock);

		r = sink_write_one(s, q->alert, &line);
		queued_alert_unref(q);

		pthread_mutex_lock(&s->lock);
		if (r < 0)
			s->errors++;
		else
			s->written++;
		flush = s->ops->flush && (!s->opts.buffered || s->count == 0);
		if (flush) {
			pthread_mutex_unlock(&s->lock);
			r = s->ops->flush(s->userdata);
			pthread_mutex_lock(&s->lock);
			if (r < 0)
				s->errors++;
		}
		s->busy = false;
	}

	/* Stopping: what outputs_drain() left behind is lost. */
	sink_discard_locked(s);
	s->busy = true;
	pthread_mutex_unlock(&s->lock);

	strbuf_done(&line);
	if (s->ops->flush)
		(void)s->ops->flush(s->userdata);
	if (s->ops->close)
		s->ops->close(s->userdata);
	s->userdata = NULL;

	pthread_mutex_lock(&s->lock);
	s->done = true;
	abandoned = s->abandoned;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
	if (abandoned)
		sink_destroy(s);
	return NULL;
}

int outputs_new(const OutputsOptions *opts, Outputs **ret)
{
	Outputs *o;

	if (!ret)
		return -EINVAL;
	if (opts && opts->queue_capacity > OUTPUTS_QUEUE_MAX)
		return -EINVAL;
	o = new0(Outputs, 1);
	if (!o)
		return -ENOMEM;
	if (opts)
		o->opts = *opts;
	else
		o->opts.json_opts = (AlertJsonOptions){ true, true, true };
	if (o->opts.queue_capacity == 0)
		o->opts.queue_capacity = OUTPUTS_QUEUE_DEFAULT;
	*ret = o;
	return 0;
}

/* Waits for a stopping sink's thread; false when it had to be abandoned. */
static bool sink_join(Sink *s, const struct timespec *deadline)
{
	pthread_t thread;

	pthread_mutex_lock(&s->lock);
	while (!s->done)
		if (pthread_cond_timedwait(&s->idle, &s->lock, deadline) == ETIMEDOUT)
			break;
	if (s->done) {
		/* Past its last use of s: the join is immediate. */
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
		return true;
	}
	s->abandoned = true;
	thread = s->thread;
	pthread_mutex_unlock(&s->lock);
	/* From here the thread owns s and frees it if its write ever returns. */
	pthread_detach(thread);
	return false;
}

Outputs *outputs_free(Outputs *o)
{
	struct timespec deadline;
	size_t i;

	if (!o)
		return NULL;
	/* Ask every sink first, so stuck sinks cost one timeout in total, not one each. */
	for (i = 0; i < o->nsinks; i++) {
		Sink *s = o->sinks[i];

		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_broadcast(&s->wake);
		pthread_mutex_unlock(&s->lock);
	}
	monotonic_deadline(&deadline, OUTPUTS_STOP_TIMEOUT_MS);
	for (i = 0; i < o->nsinks; i++)
		if (sink_join(o->sinks[i], &deadline))
			sink_destroy(o->sinks[i]);
	free(o);
	return NULL;
}

int outputs_add_sink(Outputs *o, const OutputSinkOps *ops, void *userdata, char *errbuf,
		     size_t errlen)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	Sink *s;
	int r;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!o || !ops || !ops->write) {
		if (ops && ops->close)
			ops->close(userdata);
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "invalid output sink");
		return -EINVAL;
	}
	if (o->nsinks >= OUTPUTS_MAX_SINKS) {
		if (ops->close)
			ops->close(userdata);
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "too many outputs (at most %d)", OUTPUTS_MAX_SINKS);
		return -E2BIG;
	}

	s = new0(Sink, 1);
	if (!s) {
		if (ops->close)
			ops->close(userdata);
		return -ENOMEM;
	}
	s->ops = ops;
	s->userdata = userdata;
	s->opts = o->opts;
	s->capacity = o->opts.queue_capacity;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_cond_init(&s->idle, &ca);
	pthread_condattr_destroy(&ca);
	s->ring = new0(QueuedAlert *, s->capacity);
	if (!s->ring) {
		r = -ENOMEM;
		goto err_close;
	}

	if (ops->open) {
		r = ops->open(userdata, errbuf, errlen);
		if (r < 0) {
			if (errbuf && errlen && !errbuf[0])
				snprintf(errbuf, errlen, "%s output: %s", ops->name ? ops->name : "?",
					 strerror(-r));
			goto err_close;
		}
	}

	/* The thread starts with every signal blocked: signals are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&s->thread, NULL, sink_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s output: cannot start its thread: %s",
				 ops->name ? ops->name : "?", strerror(-r));
		goto err_close;
	}
	o->sinks[o->nsinks++] = s;
	return 0;

err_close:
	if (ops->close)
		ops->close(userdata);
	sink_destroy(s);
	return r;
}

void outputs_submit(Outputs *o, const Alert *a)
{
	QueuedAlert *q;
	size_t i, size;
	Alert *c;

	if (!o || !a || o->nsinks == 0)
		return;
	q = alert_copy(a, sizeof(QueuedAlert), &c, &size);
	if (!q) {
		for (i = 0; i < o->nsinks; i++) {
			pthread_mutex_lock(&o->sinks[i]->lock);
			o->sinks[i]->lost++;
			pthread_mutex_unlock(&o->sinks[i]->lock);
		}
		return;
	}
	q->alert = c;
	q->size = size;
	/* One reference per queue, plus ours until every queue has it. */
	atomic_init(&q->refs, (unsigned)o->nsinks + 1);

	for (i = 0; i < o->nsinks; i++) {
		Sink *s = o->sinks[i];

		pthread_mutex_lock(&s->lock);
		while (s->count > 0 &&
		       (s->count == s->capacity || s->bytes + size > OUTPUTS_QUEUE_MAX_BYTES)) {
			queued_alert_unref(sink_pop_locked(s));
			s->lost++;
		}
		s->ring[(s->head + s->count) % s->capacity] = q;
		s->count++;
		s->bytes += size;
		/* The thread only sleeps on an empty queue: spare the wake-up otherwise. */
		if (s->count == 1)
			pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
	}
	queued_alert_unref(q);
}

void outputs_reopen(Outputs *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->nsinks; i++) {
		Sink *s = o->sinks[i];

		pthread_mutex_lock(&s->lock);
		s->reopen = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
	}
}

int outputs_drain(Outputs *o, unsigned timeout_ms)
{
	struct timespec deadline;
	int ret = 0;
	size_t i;

	if (!o)
		return 0;
	monotonic_deadline(&deadline, timeout_ms);
	for (i = 0; i < o->nsinks; i++) {
		Sink *s = o->sinks[i];

		pthread_mutex_lock(&s->lock);
		while (s->count > 0 || s->busy || s->reopen) {
			if (pthread_cond_timedwait(&s->idle, &s->lock, &deadline) == ETIMEDOUT) {
				if (s->count > 0 || s->busy || s->reopen)
					ret = -ETIMEDOUT;
				break;
			}
		}
		pthread_mutex_unlock(&s->lock);
	}
	return ret;
}

size_t outputs_stats(const Outputs *o, OutputSinkStats *ret, size_t max)
{
	size_t i;

	if (!o)
		return 0;
	for (i = 0; i < o->nsinks && i < max; i++) {
		Sink *s = o->sinks[i];

		pthread_mutex_lock(&s->lock);
		ret[i] = (OutputSinkStats){
			.name = s->ops->name,
			.written = s->written,
			.lost = s->lost,
			.errors = s->errors,
			.queued = s->count,
			.capacity = s->capacity,
		};
		pthread_mutex_unlock(&s->lock);
	}
	return o->nsinks;
}

size_t outputs_nsinks(const Outputs *o)
{
	return o ? o->nsinks : 0;
}
