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
	uint8_t saddr[16], daddr[16]; /* client/server in Falco terms: s=local? see fields */
	uint16_t sport, dport;
} FdInfo;

typedef struct FdTable {
	unsigned refs; /* threads sharing it (CLONE_FILES) */
	U64Map *map;   /* fd -> FdInfo* */
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
} Container;

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
	char *args;    /* NUL-separated argv[1..] */
	size_t args_len;
	char *env; /* NUL-separated */
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
	/* LRU list of the table */
	struct Proc *lru_prev, *lru_next;
} Proc;

typedef struct UserDb UserDb; /* uid/gid -> names; filled by the caller */

typedef struct State {
	U64Map *threads;    /* tid -> Proc* */
	StrMap *containers; /* full id -> Container* */
	UserDb *users;
	size_t max_threads;
	Proc *lru_head, *lru_tail; /* most recent first */
	uint64_t evictions;
	uint64_t host_pidns; /* init's namespaces: comparison for container.id=host */
	uint64_t host_mntns;
} State;

State *state_new(void);
State *state_free(State *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(State *, state_free);

/* The thread, or NULL. */
Proc *state_get_thread(State *s, int64_t tid);
/*
 * The thread, created empty (tid/pid set, a fresh fd table) when missing.
 * Evicts the least recently used dead thread when the table is full.
 */
int state_upsert_thread(State *s, int64_t tid, int64_t pid, Proc **ret);
void state_remove_thread(State *s, int64_t tid);
/* The thread group leader's entry for p (p itself if it is the leader). */
Proc *state_leader(State *s, const Proc *p);
/* Parent process of p (NULL when unknown). */
Proc *state_parent(State *s, const Proc *p);

FdInfo *fdtable_get(FdTable *t, int64_t fd);
/* Inserts or replaces fd; takes ownership of info. */
int fdtable_put(FdTable *t, FdInfo *info);
void fdtable_remove(FdTable *t, int64_t fd);
FdInfo *fdinfo_free(FdInfo *f);

/* User and group names, "<NA>"-free: unknown ids return NULL. */
const char *userdb_user_name(const UserDb *db, uint32_t uid);
const char *userdb_user_home(const UserDb *db, uint32_t uid);
const char *userdb_user_shell(const UserDb *db, uint32_t uid);
const char *userdb_group_name(const UserDb *db, uint32_t gid);

#endif /* SAKER_STATE_H */
