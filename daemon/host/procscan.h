/* SPDX-License-Identifier: MIT */
/*
 * Bootstrap of the state tables from /proc: every process and thread that
 * was running before the capture started, with its credentials, namespaces,
 * cgroup and open file descriptors.  The /proc root is a parameter so tests
 * can scan a fake tree.  No logging: errors are returned.
 */
#ifndef SAKER_PROCSCAN_H
#define SAKER_PROCSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/state.h"

#define PROCSCAN_DEFAULT_ROOT "/proc"
#define PROCSCAN_MAX_STATUS (64u * 1024u) /* /proc/PID/status and friends read */
#define PROCSCAN_MAX_NET (64u << 20)	  /* one /proc/net/{tcp,udp,unix} table read */
#define PROCSCAN_MAX_SOCKETS 1048576	  /* socket inodes remembered per netns */

typedef struct ProcScanStats {
	size_t processes;   /* thread group leaders inserted */
	size_t threads;	    /* all threads inserted (leaders included) */
	size_t fds;	    /* fds inserted */
	size_t vanished;    /* processes or threads gone mid-scan */
	size_t fd_errors;   /* fds not inserted (table full, unreadable) */
	bool truncated;	    /* stopped at max_threads */
} ProcScanStats;

/*
 * Insert every thread under proc_root (NULL: "/proc") into s, with its
 * process's fds, stopping after max_threads threads (0: no limit other than
 * the table's).  Processes that vanish mid-scan are skipped.  Also sets
 * s->host_pidns/host_mntns from PID 1.  Returns 0, or a negative errno when
 * proc_root cannot be read or memory runs out.  ret_stats may be NULL.
 */
int procscan_run(State *s, const char *proc_root, size_t max_threads, ProcScanStats *ret_stats);

/*
 * The same for the threads s does not have yet (a new thread of a known
 * process included; fds only for new leaders).  Run once the capture has
 * started: what was created between procscan_run() and the start has no
 * fork record, and would otherwise be unknown until it execs.
 */
int procscan_missing(State *s, const char *proc_root, size_t max_threads, ProcScanStats *ret_stats);

/*
 * Scan one thread (tid) of process pid (tid == pid for the leader) and
 * upsert it; fds are read for leaders when with_fds.  -ENOENT/-ESRCH when it
 * is gone.
 */
int procscan_thread(State *s, const char *proc_root, int64_t pid, int64_t tid, bool with_fds,
		    Proc **ret);

/*
 * For state_sweep(): whether thread tid still exists under the root given
 * as userdata (a const char *, NULL for "/proc").  Errors other than
 * "does not exist" count as alive.
 */
bool procscan_alive(int64_t tid, void *userdata);

/* Namespace inodes of PID 1 (the host's); either out-parameter may be NULL. */
int procscan_host_namespaces(const char *proc_root, uint64_t *ret_pidns, uint64_t *ret_mntns);

/*
 * Parsers, exposed for tests: "pid:[4026531836]" -> 4026531836; the
 * unified ("0::") cgroup path of /proc/PID/cgroup text or the v1 cpu (else
 * pids, else first) hierarchy's path, malloc'd.
 */
int procscan_parse_ns_link(const char *link, uint64_t *ret);
int procscan_parse_cgroup(const char *text, char **ret);

#endif /* SAKER_PROCSCAN_H */
