// SPDX-License-Identifier: MIT
/*
 * User and group names for user.name, user.homedir, user.shell and
 * group.name.  The caller reads the host's passwd and group files (and
 * re-reads them when they change) and hands the text to the parsers here,
 * which never touch the file system or NSS.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state/state.h"

#define USERDB_MAX_NAME 256 /* LOGIN_NAME_MAX */

typedef struct UserEnt {
	char *name;
	char *home;
	char *shell;
} UserEnt;

struct UserDb {
	U64Map *users;	/* uid -> UserEnt* */
	U64Map *groups; /* gid -> char* name */
};

static UserEnt *user_ent_free(UserEnt *u)
{
	if (!u)
		return NULL;
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u);
	return NULL;
}

UserDb *userdb_new(void)
{
	UserDb *db = new0(UserDb, 1);

	if (!db)
		return NULL;
	db->users = u64map_new();
	db->groups = u64map_new();
	if (!db->users || !db->groups)
		return userdb_free(db);
	return db;
}

UserDb *userdb_free(UserDb *db)
{
	size_t iter = 0;
	void *v;

	if (!db)
		return NULL;
	while (u64map_next(db->users, &iter, NULL, &v))
		user_ent_free(v);
	iter = 0;
	while (u64map_next(db->groups, &iter, NULL, &v))
		free(v);
	u64map_free(db->users);
	u64map_free(db->groups);
	free(db);
	return NULL;
}

int userdb_add_user(UserDb *db, uint32_t uid, const char *name, const char *home,
		    const char *shell)
{
	UserEnt *u, *old;
	int r;

	if (!name)
		return -EINVAL;
	old = u64map_get(db->users, uid);
	if (!old && u64map_size(db->users) >= STATE_MAX_USERS)
		return -E2BIG;
	u = new0(UserEnt, 1);
	if (!u)
		return -ENOMEM;
	u->name = strndup(name, USERDB_MAX_NAME - 1);
	u->home = home ? strndup(home, STATE_MAX_PATH - 1) : NULL;
	u->shell = shell ? strndup(shell, STATE_MAX_PATH - 1) : NULL;
	if (!u->name || (home && !u->home) || (shell && !u->shell)) {
		user_ent_free(u);
		return -ENOMEM;
	}
	r = u64map_put(db->users, uid, u);
	if (r < 0) {
		user_ent_free(u);
		return r;
	}
	user_ent_free(old);
	return 0;
}

int userdb_add_group(UserDb *db, uint32_t gid, const char *name)
{
	char *n, *old;
	int r;

	if (!name)
		return -EINVAL;
	old = u64map_get(db->groups, gid);
	if (!old && u64map_size(db->groups) >= STATE_MAX_USERS)
		return -E2BIG;
	n = strndup(name, USERDB_MAX_NAME - 1);
	if (!n)
		return -ENOMEM;
	r = u64map_put(db->groups, gid, n);
	if (r < 0) {
		free(n);
		return r;
	}
	free(old);
	return 0;
}

/* Split line (len bytes, no newline) at ':' into at most max fields. */
static size_t split_fields(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;

	fields[n++] = p;
	while ((p = strchr(p, ':')) && n < max) {
		*p++ = 0;
		fields[n++] = p;
	}
	return n;
}

static bool parse_id(const char *s, uint32_t *ret)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

typedef int (*line_fn)(UserDb *db, char **fields, size_t n, U64Map *seen);

static int user_line(UserDb *db, char **f, size_t n, U64Map *seen)
{
	uint32_t uid;

	if (n != 7 || !*f[0] || !parse_id(f[2], &uid))
		return 1;
	if (u64map_get(seen, uid))
		return 0; /* the first entry of an id wins, like getpwuid() */
	if (u64map_put(seen, uid, db) < 0)
		return -ENOMEM;
	return userdb_add_user(db, uid, f[0], f[5], f[6]);
}

static int group_line(UserDb *db, char **f, size_t n, U64Map *seen)
{
	uint32_t gid;

	if (n != 4 || !*f[0] || !parse_id(f[2], &gid))
		return 1;
	if (u64map_get(seen, gid))
		return 0;
	if (u64map_put(seen, gid, db) < 0)
		return -ENOMEM;
	return userdb_add_group(db, gid, f[0]);
}

static int parse_text(UserDb *db, const char *text, size_t len, size_t nfields, line_fn fn)
{
	_cleanup_(u64map_freep) U64Map *seen = u64map_new();
	size_t off = 0;
	int skipped = 0;

	if (!seen)
		return -ENOMEM;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		_cleanup_free_ char *line = NULL;
		char *fields[8];
		size_t nf;
		int r;

		line = strndup(text + off, n);
		off += n + 1;
		if (!line)
			return -ENOMEM;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		if (strlen(line) != n) {
			skipped++; /* embedded NUL */
			continue;
		}
		/* blank, comment, NIS compat (+/-) lines */
		if (n == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		nf = split_fields(line, fields, nfields + 1);
		r = fn(db, fields, nf, seen);
		if (r < 0)
			return r;
		skipped += r;
	}
	return skipped;
}

int userdb_parse_passwd(UserDb *db, const char *text, size_t len)
{
	return parse_text(db, text, len, 7, user_line);
}

int userdb_parse_group(UserDb *db, const char *text, size_t len)
{
	return parse_text(db, text, len, 4, group_line);
}

size_t userdb_nusers(const UserDb *db)
{
	return db ? u64map_size(db->users) : 0;
}

size_t userdb_ngroups(const UserDb *db)
{
	return db ? u64map_size(db->groups) : 0;
}

bool userdb_next_user(const UserDb *db, size_t *iter, uint32_t *ret_uid, const char **ret_name,
		      const char **ret_home, const char **ret_shell)
{
	const UserEnt *u;
	uint64_t id;
	void *v;

	if (!db || !u64map_next(db->users, iter, &id, &v))
		return false;
	u = v;
	if (ret_uid)
		*ret_uid = (uint32_t)id;
	if (ret_name)
		*ret_name = u->name;
	if (ret_home)
		*ret_home = u->home;
	if (ret_shell)
		*ret_shell = u->shell;
	return true;
}

bool userdb_next_group(const UserDb *db, size_t *iter, uint32_t *ret_gid, const char **ret_name)
{
	uint64_t id;
	void *v;

	if (!db || !u64map_next(db->groups, iter, &id, &v))
		return false;
	if (ret_gid)
		*ret_gid = (uint32_t)id;
	if (ret_name)
		*ret_name = v;
	return true;
}

const char *userdb_user_name(const UserDb *db, uint32_t uid)
{
	const UserEnt *u = db ? u64map_get(db->users, uid) : NULL;

	return u ? u->name : NULL;
}

const char *userdb_user_home(const UserDb *db, uint32_t uid)
{
	const UserEnt *u = db ? u64map_get(db->users, uid) : NULL;

	return u ? u->home : NULL;
}

const char *userdb_user_shell(const UserDb *db, uint32_t uid)
{
	const UserEnt *u = db ? u64map_get(db->users, uid) : NULL;

	return u ? u->shell : NULL;
}

const char *userdb_group_name(const UserDb *db, uint32_t gid)
{
	return db ? u64map_get(db->groups, gid) : NULL;
}
