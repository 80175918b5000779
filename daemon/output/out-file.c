// SPDX-License-Identifier: MIT
/*
 * The file output (falco.yaml's file_output): alert lines appended to a
 * file created 0640.  With keep_alive the file stays open and SIGUSR1
 * reopens it, which is what logrotate's postrotate needs; without, each
 * alert opens and closes it, so a renamed file is never written again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "output/outputs.h"

#define FILE_OUTPUT_MODE 0640

typedef struct FileSink {
	char *path;
	bool keep_alive;
	int fd; /* keep_alive: the open file, -1 until (re)opened */
	StrBuf buf;
} FileSink;

static int file_open_fd(const FileSink *f)
{
	int fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		      FILE_OUTPUT_MODE);

	return fd < 0 ? -errno : fd;
}

static void file_close_fd(FileSink *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static int file_open(void *userdata, char *errbuf, size_t errlen)
{
	FileSink *f = userdata;
	int fd = file_open_fd(f);

	if (fd < 0) {
		snprintf(errbuf, errlen, "file output: cannot open %s: %s", f->path,
			 strerror(-fd));
		return fd;
	}
	if (f->keep_alive)
		f->fd = fd;
	else
		close(fd);
	return 0;
}

static int file_flush(void *userdata)
{
	FileSink *f = userdata;
	int r;

	if (f->fd < 0) {
		strbuf_reset(&f->buf);
		return 0;
	}
	r = output_buffer_flush(f->fd, &f->buf);
	if (r < 0)
		/* Start afresh on the next alert (a full or vanished file system). */
		file_close_fd(f);
	return r;
}

static int file_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	FileSink *f = userdata;
	int r;

	if (!f->keep_alive) {
		_cleanup_close_ int fd = file_open_fd(f);

		if (fd < 0)
			return fd;
		r = output_write_full(fd, line, len, -1);
		if (r < 0)
			return r;
		/* close() reports what delayed write-back (NFS) could not do. */
		return close(TAKE_FD(fd)) < 0 && errno != EINTR ? -errno : 0;
	}
	if (f->fd < 0) {
		r = file_open_fd(f);
		if (r < 0)
			return r;
		f->fd = r;
	}
	r = output_buffer_line(f->fd, &f->buf, line, len);
	if (r < 0)
		file_close_fd(f);
	return r;
}

static int file_reopen(void *userdata)
{
	FileSink *f = userdata;
	int r, fd;

	if (!f->keep_alive)
		return 0;
	r = file_flush(f);
	file_close_fd(f);
	fd = file_open_fd(f);
	if (fd < 0)
		return fd; /* the next alert tries again */
	f->fd = fd;
	return r;
}

static void file_close(void *userdata)
{
	FileSink *f = userdata;

	if (!f)
		return;
	file_close_fd(f);
	strbuf_done(&f->buf);
	free(f->path);
	free(f);
}

static const OutputSinkOps file_ops = {
	.name = "file",
	.open = file_open,
	.write = file_write,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
};

int outputs_add_file(Outputs *o, const char *path, bool keep_alive, char *errbuf, size_t errlen)
{
	FileSink *f;

	if (!path || !path[0]) {
		snprintf(errbuf, errlen, "file output: no file name");
		return -EINVAL;
	}
	f = new0(FileSink, 1);
	if (!f)
		return -ENOMEM;
	f->fd = -1;
	f->keep_alive = keep_alive;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return -ENOMEM;
	}
	return outputs_add_sink(o, &file_ops, f, errbuf, errlen);
}
