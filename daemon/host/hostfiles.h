/* SPDX-License-Identifier: MIT */
/*
 * The host's /etc/passwd and /etc/group read into a UserDb, with cheap
 * change detection (stat: inode, size, mtime) so the daemon can poll and
 * rebuild the table only when a file was replaced or edited.
 */
#ifndef SAKER_HOSTFILES_H
#define SAKER_HOSTFILES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "state/state.h"

#define HOSTFILES_MAX_BYTES (16u << 20) /* one passwd/group file read */

typedef struct FileStamp {
	bool present;
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
} FileStamp;

typedef struct HostFiles {
	char *root; /* "" for "/" */
	FileStamp passwd, group;
	size_t skipped; /* malformed lines in the last load */
	bool loaded;
} HostFiles;

/* A watcher for <root>/etc/passwd and <root>/etc/group (root NULL: "/"). */
int hostfiles_new(const char *root, HostFiles **ret);
HostFiles *hostfiles_free(HostFiles *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(HostFiles *, hostfiles_free);

/*
 * Build a new UserDb from the two files when either changed since the last
 * successful call (always on the first): returns 1 with *ret set, 0 with
 * *ret NULL when nothing changed.  A missing file counts as empty.  The
 * caller replaces State.users with the result.
 */
int hostfiles_refresh(HostFiles *h, UserDb **ret);

/* Read one file into a new UserDb regardless of stamps (passwd, then group). */
int hostfiles_load(const char *root, UserDb **ret);

#endif /* SAKER_HOSTFILES_H */
