// SPDX-License-Identifier: MIT
/*
 * The stdout output: alert lines on file descriptor 1, as `sakerd` run in a
 * terminal or under systemd (to the journal) shows them.  Lines are collected
 * until the queue runs empty (or after each alert without buffered_outputs);
 * a closed pipe costs a counted error, never the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "output/outputs.h"

typedef struct StdoutSink {
	int fd;
	StrBuf buf;
} StdoutSink;

static int stdout_open(void *userdata, char *errbuf, size_t errlen)
{
	StdoutSink *s = userdata;

	if (fcntl(s->fd, F_GETFD) < 0) {
		int r = -errno;

		snprintf(errbuf, errlen, "stdout output: standard output is not open: %s",
			 strerror(-r));
		return r;
	}
	return 0;
}

static int stdout_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	StdoutSink *s = userdata;

	return output_buffer_line(s->fd, &s->buf, line, len);
}

static int stdout_flush(void *userdata)
{
	StdoutSink *s = userdata;

	return output_buffer_flush(s->fd, &s->buf);
}

static void stdout_close(void *userdata)
{
	StdoutSink *s = userdata;

	if (!s)
		return;
	strbuf_done(&s->buf);
	free(s);
}

static const OutputSinkOps stdout_ops = {
	.name = "stdout",
	.open = stdout_open,
	.write = stdout_write,
	.flush = stdout_flush,
	.close = stdout_close,
};

int outputs_add_stdout(Outputs *o, char *errbuf, size_t errlen)
{
	StdoutSink *s = new0(StdoutSink, 1);

	if (!s)
		return -ENOMEM;
	s->fd = STDOUT_FILENO;
	return outputs_add_sink(o, &stdout_ops, s, errbuf, errlen);
}
