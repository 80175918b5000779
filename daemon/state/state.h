/* SPDX-License-Identifier: MIT */
/*
 * The daemon's picture of the host: threads/processes, their file
 * descriptors, containers and user/group names.  Pure data structures with
 * limits (no I/O here: bootstrapping from /proc and reading runtime files is
 * done by the caller, which feeds the results in).  The rule fields read
 * from it; the event updater (state/update.c) maintains it from events.
 */
#ifndef SAKER_STATE_H
#define SAKER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hashmap.h"
#include "common/macro.h"

/* Table limits (attacker-influenced: a fork bomb, an fd flood). */
#define STATE_MAX_THREADS_DEFAULT 131072
#define STATE_MAX_FDS_PER_PROC 65536
#define STATE_MAX_CONTAINERS 16384
#define STATE_MAX_ARGS_BYTES 4096 /* argv kept per process */
#define STATE_MAX_ENV_BYTES 4096  /* env kept per process */
#define STATE_MAX_ANCESTORS 64	  /* proc.aname[N] walk depth */
#define STATE_MAX_PATH 4096	  /* exe, exepath, cwd, fd names (PATH_MAX) */
#define STATE_MAX_COMM 64	  /* comm (the kernel keeps 16) */
#define STATE_MAX_CGROUPS 4096	  /* cgroup path text per process */
#define STATE_MAX_PENDING_EXEC 4096 /* exec entry records waiting for their exit */
#define STATE_MIN_THREADS 16	  /* smallest accepted max_threads */
#define STATE_MAX_USERS 65536	  /* passwd/group entries kept */
#define STATE_MAX_LABELS 256	  /* container labels kept */
#define STATE_MAX_LABEL_BYTES 4096 /* one "key=value" label */

typedef enum FdType {
	FD_UNKNOWN,
	FD_FILE,
	FD_DIRECTORY,
	FD_IPV4_SOCK,
	FD_IPV6_SOCK,
	FD_UNIX_SOCK,
	FD_NETLINK,
	FD_PACKET, /* AF_PACKET raw sockets */
	FD_OTHER_SOCK,
	FD_PIPE,
	FD_EVENT,
	FD_SIGNALFD,
	FD_EVENTPOLL,
	FD_INOTIFY,
	FD_TIMERFD,
	FD_MEMFD,
	FD_BPF,
	FD_USERFAULTFD,
	FD_IOURING,
	FD_PIDFD,
	FD_FSCONTEXT, /* fsopen/fsmount/open_tree */
	_FD_TYPE_MAX,
} FdType;

typedef struct FdInfo {
	int64_t fd;
	FdType type;
	char *name;	/* absolute path, "sip:sport->dip:dport" tuple, unix path, pipe:[ino] */
	uint32_t flags; /* open flags (O_*), incl. O_CLOEXEC */
	uint64_t ino;
	uint32_t dev;
	/* sockets */
	uint16_t family; /* SAKER_AF_* */
	uint8_t l4proto; /* IPPROTO_* */
	bool is_server;	 /* accepted (we are the server side) */
	bool connected;
	/*
	 * The connection tuple as Falco keeps it: s* is the client (the side
	 * that connected), d* the server, whichever side is local; is_server
	 * says which one we are.  IPv4 addresses use the first 4 bytes.  For a
	 * bound (listening) socket only d* is set.
	 */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
} FdInfo;

typedef struct FdTable {
	unsigned refs; /* threads sharing it (CLONE_FILES) */
	U64Map *map;   /* fd -> FdInfo* */
	uint64_t dropped; /* inserts refused at STATE_MAX_FDS_PER_PROC */
} FdTable;

typedef struct Container {
	char *id;      /* 12-char short id for docker-like runtimes, full for others, "host" */
	char *full_id;
	char *runtime; /* "docker", "containerd", "cri-o", "podman", "systemd-nspawn", "host" */
	char *name;
	char *image;	/* repository:tag */
	char *image_repository;
	char *image_tag;
	char *image_digest;
	char **labels; /* "key=value" strings */
	size_t nlabels;
	char *k8s_pod_name;
	char *k8s_ns_name;
	char *k8s_pod_uid;
	bool privileged;
	uint64_t created_ns;
	unsigned refs;
	bool meta_done;	     /* the runtime's metadata was read (or given up on) */
	uint8_t meta_tries;  /* attempts to read it */
} Container;

/*
 * The strings of a Proc (comm ... env) are pooled and shared between
 * processes: read them, never free or write them; change them only through
 * the state functions.
 */
typedef struct Proc {
	int64_t tid;
	int64_t pid;  /* thread group id */
	int64_t ptid; /* parent (thread group leader of the parent) */
	int64_t sid;
	int64_t pgid;
	int64_t vtid;
	int64_t vpid;
	char *comm;    /* proc.name */
	char *exe;     /* argv[0] (proc.exe) */
	char *exepath; /* resolved executable path (proc.exepath) */
	char *args;    /* NUL-separated argv[1..]; args[args_len] is 0 */
	size_t args_len; /* without the last argument's terminating NUL */
	char *env; /* NUL-separated, as args */
	size_t env_len;
	char *cwd;
	char *cgroups; /* cgroup path (v2 unified, or the v1 cpu/pids hierarchy) */
	uint64_t cgroup_id;
	uint32_t uid, gid, euid, egid, suid, sgid, loginuid;
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	uint32_t tty;
	uint64_t pidns, netns, mntns, userns;
	uint32_t exe_flags; /* SAKER_EXE_* */
	uint64_t exe_ino;
	uint32_t exe_dev;
	uint64_t clone_ts; /* ns, CLOCK_BOOTTIME */
	uint64_t exec_ts;
	uint64_t last_event_ts;
	Container *container; /* NULL = host */
	FdTable *fds;	      /* shared by threads of the process */
	bool dead;	      /* exit seen; kept until children are gone or evicted */
	bool from_proc;	      /* bootstrapped from /proc (not seen starting) */
	bool clone_seen;      /* created or updated by its own clone child event */
	/* LRU list of the table (the live or the dead list) */
	struct Proc *lru_prev, *lru_next;
} Proc;

typedef struct UserDb UserDb; /* uid/gid -> names; filled by the caller */

typedef struct State {
	U64Map *threads;    /* tid -> Proc* */
	StrMap *containers; /* full id -> Container* */
	UserDb *users;	    /* owned (freed with the State); NULL until filled */
	size_t max_threads;
	Proc *lru_head, *lru_tail; /* live threads, most recent first */
	Proc *dead_head, *dead_tail; /* exited threads kept for ancestry, most recent first */
	uint64_t evictions;	   /* every eviction (dead and live) */
	uint64_t evictions_live;   /* live threads evicted because no dead one was left */
	uint64_t host_pidns; /* init's namespaces: comparison for container.id=host */
	uint64_t host_mntns;
	U64Map *pending_exec;	   /* tid -> PendingExec* (execve entry records) */
	uint64_t pending_dropped;  /* entry records dropped at STATE_MAX_PENDING_EXEC */
	uint64_t container_overflow; /* containers kept outside the full table */
	struct StrPool *strings; /* process image texts, shared (state/strpool.h) */
	/* called when an event names a container not seen before (see state_set_container_hook) */
	void (*on_new_container)(struct State *s, Container *c, void *userdata);
	void *on_new_container_data;
} State;

/* An execve/execveat entry record waiting for its exit record (same tid). */
typedef struct PendingExec {
	char *filename;	    /* as passed by the caller */
	char *filename_abs; /* resolved by the kernel */
	int64_t dirfd;	    /* execveat only, else -100 (AT_FDCWD) */
	uint32_t flags;	    /* execveat AT_* flags */
	uint64_t ts;
} PendingExec;

State *state_new(void);
State *state_free(State *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(State *, state_free);

/* The thread, or NULL.  Does not change the LRU order. */
Proc *state_get_thread(State *s, int64_t tid);
/* Mark p as just used (front of its LRU list). */
void state_touch(State *s, Proc *p);
/* Number of threads in the table (live and dead). */
size_t state_nthreads(const State *s);
/*
 * Every thread (live and dead) in no particular order: start with *iter = 0;
 * false at the end.  The table must not change during the walk.
 */
bool state_next_thread(State *s, size_t *iter, Proc **ret);
/*
 * The threads from the least to the most recently used: the live list, then
 * the dead list, each oldest first.  Start with prev = NULL; NULL at the end.
 * Upserting threads in this order gives a new table the same LRU order.
 */
Proc *state_next_thread_lru(State *s, const Proc *prev);
/* Containers in the table (those kept outside it at the limit are not counted). */
size_t state_ncontainers(const State *s);
/* Every container of the table: start with *iter = 0; false at the end. */
bool state_next_container(State *s, size_t *iter, Container **ret);
/* Fds over the distinct fd tables (a table shared by threads counts once); O(threads). */
size_t state_nfds(State *s);
/*
 * Set the table limit (at least STATE_MIN_THREADS); evicts down to it at
 * once.  Returns the limit in effect.
 */
size_t state_set_max_threads(State *s, size_t max);
/*
 * The thread exited: moves it to the dead list (evicted first).  Its fd
 * table reference is dropped; a dead thread that is not a thread group
 * leader is removed, as nothing can name it as a parent.
 */
void state_mark_dead(State *s, Proc *p);
/*
 * The thread, created when missing (returns 1; 0 when it existed): a new
 * thread of a known process (pid != tid) copies the leader's image and
 * shares its fd table (the leader is created too when unknown), a new
 * process starts empty with a fresh fd table.  An entry with another pid or
 * marked dead is stale (the tid was reused) and is replaced.  Evicts the
 * least recently used dead thread when the table is full (a live one only
 * when no dead one is left).  Marks the thread used.
 */
int state_upsert_thread(State *s, int64_t tid, int64_t pid, Proc **ret);
void state_remove_thread(State *s, int64_t tid);
/*
 * Copy the process image of src into dst (comm, exe, args, env, cwd,
 * cgroups, credentials, namespaces, tty, exe data, container): what a child
 * inherits on fork.  Not ids, fds, timestamps of dst's own life, or flags.
 */
int state_proc_inherit(State *s, Proc *dst, const Proc *src);
/* The thread group leader's entry for p (p itself if it is the leader). */
Proc *state_leader(State *s, const Proc *p);
/* Parent process of p (NULL when unknown). */
Proc *state_parent(State *s, const Proc *p);
/*
 * The n-th ancestor of p: 0 is p itself, 1 its parent, 2 the grandparent...
 * NULL when the chain is shorter, unknown, loops, or n > STATE_MAX_ANCESTORS.
 */
Proc *state_ancestor(State *s, const Proc *p, unsigned n);

/*
 * Replace p's cgroup text (truncated at STATE_MAX_CGROUPS) and re-derive its
 * container from it (container_id_from_cgroup): p->container is set to the
 * shared Container for that id, created empty when new, or NULL for the
 * host.  Unchanged text is a no-op.
 */
int state_set_cgroups(State *s, Proc *p, const char *cgroups);
/*
 * The container with this full id (the table's key), created with only
 * id/runtime set when missing; returns 1 when created.  *ret is a new
 * reference: give it back with container_unref().  runtime may be NULL
 * ("unknown").  When the table holds STATE_MAX_CONTAINERS the container is
 * kept outside it (counted in container_overflow), never reported as host.
 */
int state_get_or_add_container(State *s, const char *full_id, const char *runtime,
			       Container **ret);
Container *state_find_container(State *s, const char *id);
/*
 * Have fn called (with userdata) each time state_get_or_add_container()
 * creates a container, e.g. to read its metadata at once.  fn may change
 * the container's descriptive fields, not the tables.  NULL removes it.
 */
void state_set_container_hook(State *s, void (*fn)(State *s, Container *c, void *userdata),
			      void *userdata);
Container *container_ref(Container *c);
/* Drops a reference; the table entry goes away with the last one. */
void container_unref(State *s, Container *c);
/* Set p->container (reference counted; NULL for the host). */
void state_set_container(State *s, Proc *p, Container *c);

/*
 * Process data read from /proc (or given by a test fixture), already parsed
 * by the caller.  Only the fields whose PS_* bit is in `set` are applied; the
 * others keep their current value (a new entry starts zeroed).  Strings are
 * copied and truncated at the STATE_MAX_* limits.
 */
enum {
	PS_PID = 1ull << 0,
	PS_PTID = 1ull << 1,
	PS_SID = 1ull << 2,
	PS_PGID = 1ull << 3,
	PS_VTID = 1ull << 4,
	PS_VPID = 1ull << 5,
	PS_COMM = 1ull << 6,
	PS_EXE = 1ull << 7,
	PS_EXEPATH = 1ull << 8,
	PS_ARGS = 1ull << 9,
	PS_ENV = 1ull << 10,
	PS_CWD = 1ull << 11,
	PS_CGROUPS = 1ull << 12,
	PS_UID = 1ull << 13,
	PS_GID = 1ull << 14,
	PS_EUID = 1ull << 15,
	PS_EGID = 1ull << 16,
	PS_SUID = 1ull << 17,
	PS_SGID = 1ull << 18,
	PS_LOGINUID = 1ull << 19,
	PS_CAPS = 1ull << 20,	/* all three capability sets */
	PS_TTY = 1ull << 21,
	PS_NS = 1ull << 22,	/* pidns, netns, mntns, userns */
	PS_EXE_FLAGS = 1ull << 23,
	PS_EXE_INO = 1ull << 24, /* exe_ino and exe_dev */
	PS_CLONE_TS = 1ull << 25,
	PS_EXEC_TS = 1ull << 26,
	PS_CONTAINER_ID = 1ull << 27, /* explicit container id (wins over cgroups) */
	PS_DEAD = 1ull << 28,
	PS_CGROUP_ID = 1ull << 29,
};

typedef struct ProcSnapshot {
	uint64_t set; /* PS_* */
	int64_t tid;
	int64_t pid, ptid, sid, pgid, vtid, vpid;
	const char *comm, *exe, *exepath, *cwd, *cgroups;
	const char *args; /* NUL-separated argv[1..], no final NUL counted */
	size_t args_len;
	const char *env; /* NUL-separated, as args */
	size_t env_len;
	const char *container_id; /* "" or "host": host */
	uint64_t cgroup_id;
	uint32_t uid, gid, euid, egid, suid, sgid, loginuid;
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	uint32_t tty;
	uint64_t pidns, netns, mntns, userns;
	uint32_t exe_flags;
	uint64_t exe_ino;
	uint32_t exe_dev;
	uint64_t clone_ts, exec_ts; /* CLOCK_BOOTTIME ns, as event timestamps */
	bool dead;
} ProcSnapshot;

/* Apply the PS_* fields of snap to p (snap->tid and PS_PID/PS_DEAD are ignored). */
int state_proc_apply(State *s, Proc *p, const ProcSnapshot *snap);
/*
 * Insert or update the thread snap->tid from snap (see ProcSnapshot).  A new
 * thread of a known process shares the leader's fd table.  Marks the entry
 * from_proc when it is created here.
 */
int state_upsert_proc_snapshot(State *s, const ProcSnapshot *snap, Proc **ret);
/*
 * Insert or replace fd tmpl->fd in tid's fd table with a copy of tmpl
 * (tmpl->name is copied).  The thread must exist (-ESRCH otherwise).
 */
int state_upsert_fd_snapshot(State *s, int64_t tid, const FdInfo *tmpl, FdInfo **ret);
/*
 * Insert or update a container from tmpl (id or full_id required; NULL
 * strings and zero values in tmpl leave the current value).
 */
int state_upsert_container(State *s, const Container *tmpl, Container **ret);

/*
 * Reconcile with the system (when exit events were lost): every live thread
 * for which alive(tid) is false is marked dead; then dead entries that no
 * live thread needs as an ancestor are removed.  Returns the number of
 * threads removed.
 */
size_t state_sweep(State *s, bool (*alive)(int64_t tid, void *userdata), void *userdata);
/* Drop pending exec entries older than now_ns - max_age_ns. */
size_t state_expire_pending(State *s, uint64_t now_ns, uint64_t max_age_ns);

/* The entry record of the exec tid is running, or NULL. */
const PendingExec *state_pending_exec(State *s, int64_t tid);
/* Store (replace) the pending entry for tid; takes copies of the strings. */
int state_set_pending_exec(State *s, int64_t tid, const char *filename, const char *filename_abs,
			   int64_t dirfd, uint32_t flags, uint64_t ts);
void state_drop_pending_exec(State *s, int64_t tid);

FdInfo *fdtable_get(FdTable *t, int64_t fd);
/*
 * Inserts or replaces fd; takes ownership of info (freed on failure too).
 * -ENOSPC when the table already holds STATE_MAX_FDS_PER_PROC other fds.
 */
int fdtable_put(FdTable *t, FdInfo *info);
void fdtable_remove(FdTable *t, int64_t fd);
FdInfo *fdinfo_free(FdInfo *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(FdInfo *, fdinfo_free);

FdTable *fdtable_new(void);
FdTable *fdtable_ref(FdTable *t);
/* Drops a reference; frees the table and its fds with the last one. */
FdTable *fdtable_unref(FdTable *t);
/* A private deep copy (fork without CLONE_FILES); refs = 1. */
int fdtable_copy(const FdTable *t, FdTable **ret);
size_t fdtable_size(const FdTable *t);
/* Remove every fd opened with O_CLOEXEC (exec). */
void fdtable_drop_cloexec(FdTable *t);
/* Iterate: start with *iter = 0. */
bool fdtable_next(const FdTable *t, size_t *iter, FdInfo **ret);

/* A zeroed FdInfo for fd, or NULL. */
FdInfo *fdinfo_new(int64_t fd);
/* A deep copy of f renumbered to fd (dup), or NULL. */
FdInfo *fdinfo_dup(const FdInfo *f, int64_t fd);
/* Replace f->name with a copy of name (truncated at STATE_MAX_PATH). */
int fdinfo_set_name(FdInfo *f, const char *name);

/* Falco's fd.type names: "file", "directory", "ipv4", "unix", "pipe"... */
const char *fdinfo_type_name(FdType t);
/* The FdType named name (as fdinfo_type_name), or -ENOENT. */
int fdinfo_type_from_name(const char *name);

/*
 * Render a connection tuple the way Falco names socket fds:
 * "10.0.0.1:40000->1.2.3.4:443" (IPv6 without brackets, as Falco prints it;
 * IPv4-mapped IPv6 pairs as IPv4; raw/ICMP sockets without ports).  Writes
 * at most size bytes including the NUL.
 */
void fdinfo_format_tuple(const FdInfo *f, char *buf, size_t size);

UserDb *userdb_new(void);
UserDb *userdb_free(UserDb *db);
DEFINE_TRIVIAL_CLEANUP_FUNC(UserDb *, userdb_free);
/*
 * Parse /etc/passwd (or /etc/group) text into db, replacing entries with the
 * same id.  Malformed lines are skipped and counted; returns the number of
 * skipped lines (>= 0), or -ENOMEM / -E2BIG (more than STATE_MAX_USERS).
 * The first entry of an id wins, as with getpwuid().
 */
int userdb_parse_passwd(UserDb *db, const char *text, size_t len);
int userdb_parse_group(UserDb *db, const char *text, size_t len);
/* Add or replace one entry (strings copied; home/shell may be NULL). */
int userdb_add_user(UserDb *db, uint32_t uid, const char *name, const char *home,
		    const char *shell);
int userdb_add_group(UserDb *db, uint32_t gid, const char *name);
size_t userdb_nusers(const UserDb *db);
size_t userdb_ngroups(const UserDb *db);
/*
 * Every entry in no particular order: start with *iter = 0; false at the end.
 * Any ret_* may be NULL; home and shell may come back NULL.
 */
bool userdb_next_user(const UserDb *db, size_t *iter, uint32_t *ret_uid, const char **ret_name,
		      const char **ret_home, const char **ret_shell);
bool userdb_next_group(const UserDb *db, size_t *iter, uint32_t *ret_gid, const char **ret_name);

/* User and group names, "<NA>"-free: unknown ids return NULL. */
const char *userdb_user_name(const UserDb *db, uint32_t uid);
const char *userdb_user_home(const UserDb *db, uint32_t uid);
const char *userdb_user_shell(const UserDb *db, uint32_t uid);
const char *userdb_group_name(const UserDb *db, uint32_t gid);

#endif /* SAKER_STATE_H */
