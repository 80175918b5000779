// SPDX-License-Identifier: MIT
/*
 * passwd/group reading for user.name and group.name.  The files are parsed
 * by the pure parsers of state/userdb.c; here we only read them and decide
 * when they need reading again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "host/hostfiles.h"

static int read_file(const char *path, char **ret, size_t *ret_len, FileStamp *ret_stamp)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADF;
	if ((uint64_t)st.st_size > HOSTFILES_MAX_BYTES)
		return -E2BIG;
	r = read_full_fd(fd, HOSTFILES_MAX_BYTES, &buf, &len);
	if (r < 0)
		return r;
	if (r > 0)
		return -E2BIG;
	*ret_stamp = (FileStamp){
		.present = true,
		.dev = st.st_dev,
		.ino = st.st_ino,
		.size = st.st_size,
		.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
	};
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int stamp_of(const char *path, FileStamp *ret)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*ret = (FileStamp){ 0 };
		return 0;
	}
	*ret = (FileStamp){
		.present = true,
		.dev = st.st_dev,
		.ino = st.st_ino,
		.size = st.st_size,
		.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
	};
	return 0;
}

static bool stamp_eq(const FileStamp *a, const FileStamp *b)
{
	return a->present == b->present && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_ns == b->mtime_ns;
}

int hostfiles_new(const char *root, HostFiles **ret)
{
	_cleanup_(hostfiles_freep) HostFiles *h = new0(HostFiles, 1);
	size_t n;

	if (!h)
		return -ENOMEM;
	root = root ? root : "";
	n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		n--;
	h->root = strndup(root, n);
	if (!h->root)
		return -ENOMEM;
	*ret = TAKE_PTR(h);
	return 0;
}

HostFiles *hostfiles_free(HostFiles *h)
{
	if (!h)
		return NULL;
	free(h->root);
	free(h);
	return NULL;
}

/* Parse one file into db; a missing file is empty. */
static int load_one(const char *path, UserDb *db, bool group, FileStamp *ret_stamp,
		    size_t *skipped)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = read_file(path, &text, &len, ret_stamp);
	if (r == -ENOENT) {
		*ret_stamp = (FileStamp){ 0 };
		return 0;
	}
	if (r < 0)
		return r;
	r = group ? userdb_parse_group(db, text, len) : userdb_parse_passwd(db, text, len);
	if (r < 0)
		return r;
	*skipped += (size_t)r;
	return 0;
}

static int load(const char *root, UserDb **ret, FileStamp *ret_pw, FileStamp *ret_gr,
		size_t *ret_skipped)
{
	_cleanup_(userdb_freep) UserDb *db = userdb_new();
	char path[4096];
	size_t skipped = 0;
	int r;

	if (!db)
		return -ENOMEM;
	if ((size_t)snprintf(path, sizeof(path), "%s/etc/passwd", root) >= sizeof(path))
		return -ENAMETOOLONG;
	r = load_one(path, db, false, ret_pw, &skipped);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/etc/group", root);
	r = load_one(path, db, true, ret_gr, &skipped);
	if (r < 0)
		return r;
	*ret_skipped = skipped;
	*ret = TAKE_PTR(db);
	return 0;
}

int hostfiles_load(const char *root, UserDb **ret)
{
	FileStamp a, b;
	size_t skipped;

	return load(root ? root : "", ret, &a, &b, &skipped);
}

int hostfiles_refresh(HostFiles *h, UserDb **ret)
{
	FileStamp pw, gr;
	char path[4096];
	UserDb *db;
	size_t skipped;
	int r;

	*ret = NULL;
	if (h->loaded) {
		if ((size_t)snprintf(path, sizeof(path), "%s/etc/passwd", h->root) >= sizeof(path))
			return -ENAMETOOLONG;
		if ((r = stamp_of(path, &pw)) < 0)
			return r;
		snprintf(path, sizeof(path), "%s/etc/group", h->root);
		if ((r = stamp_of(path, &gr)) < 0)
			return r;
		if (stamp_eq(&pw, &h->passwd) && stamp_eq(&gr, &h->group))
			return 0;
	}
	r = load(h->root, &db, &pw, &gr, &skipped);
	if (r < 0)
		return r;
	h->passwd = pw;
	h->group = gr;
	h->skipped = skipped;
	h->loaded = true;
	*ret = db;
	return 1;
}
