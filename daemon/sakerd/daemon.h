/* SPDX-License-Identifier: MIT */
/*
 * sakerd: the daemon's state and the pieces of its main loop.  One thread
 * reads events (from the kernel module's rings, or from a capture file with
 * -e), keeps the state, evaluates the rules and hands alerts to the outputs,
 * which run in their own threads; signals, timers and the control socket are
 * multiplexed through one epoll fd that the ring reader also sleeps on.
 */
#ifndef SAKER_SAKERD_DAEMON_H
#define SAKER_SAKERD_DAEMON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/capture-file.h"
#include "capture/ring-reader.h"
#include "config/config.h"
#include "control/control.h"
#include "dns/dns.h"
#include "host/hostfiles.h"
#include "output/outputs.h"
#include "output/ratelimit.h"
#include "rules/detector.h"
#include "rules/engine.h"
#include "saker/event.h"
#include "saker/ring.h"
#include "state/state.h"

#define SAKERD_RUNTIME_DIR "/run/saker"
#define SAKERD_LOCK_FILE SAKERD_RUNTIME_DIR "/sakerd.pid"
/* Records handled between two looks at signals, timers and the control socket. */
#define SAKERD_BATCH 4096
/* Losses of the outputs are reported at most this often. */
#define SAKERD_OUTPUT_LOSS_REPORT_NS (60ull * 1000000000ull)
/* How long SIGTERM waits for the outputs to write what is queued. */
#define SAKERD_DRAIN_TIMEOUT_MS 5000
/* A rule's suppressed alerts are summarised once this quiet time went by. */
#define SAKERD_SUPPRESS_REPORT_NS (10ull * 1000000000ull)
/*
 * Exited processes no live process needs as an ancestor are dropped this
 * often (the /proc reconciliation runs every state.sweep_interval).
 */
#define SAKERD_DEAD_SWEEP_NS (2ull * 1000000000ull)
/* passwd/group are checked for changes this often. */
#define SAKERD_HOSTFILES_INTERVAL_NS (5ull * 1000000000ull)
/* Exec entry records older than this lost their exit record. */
#define SAKERD_PENDING_EXEC_MAX_AGE_NS (60ull * 1000000000ull)
/* Container metadata is looked for this many times (once a tick) before giving up. */
#define SAKERD_CONTAINER_META_TRIES 10
#define SAKERD_MAX_RULE_PATHS 256 /* -r options */

typedef struct DaemonArgs {
	const char *config_path; /* -c (NULL: CONFIG_DEFAULT_PATH, missing is fine) */
	const char *dropin_dir;	 /* NULL: CONFIG_DEFAULT_DROPIN_DIR (next to -c's file if given) */
	char **overrides;	 /* -o key=value */
	size_t noverrides;
	char **rules; /* -r (replace rules_files) */
	size_t nrules;
	bool unbuffered;
	bool dry_run;
	const char *capture_file; /* -e */
	const char *device;	  /* NULL: SAKER_DEVICE_PATH */
	const char *control_socket;
	const char *lock_file;
	const char *proc_root; /* NULL: /proc */
	const char *host_root; /* NULL: / (passwd, group, container runtime files) */
	bool keep_caps;	       /* do not drop capabilities (tests as non-root) */
} DaemonArgs;

/* An active `saker capture`: raw records and snapshot into the client's fd. */
typedef struct Recording {
	ControlConn *conn;
	int fd;
	CaptureWriter *writer;
	uint64_t start_mono_ns;
	uint64_t end_mono_ns; /* 0: until stopped */
	uint64_t events;
	uint64_t bytes;
	uint64_t drops_at_start;
	int error;
} Recording;

typedef struct DaemonCounters {
	uint64_t events;
	uint64_t by_type[SAKER_EVT_MAX];
	uint64_t bad_records; /* failed to decode (counted, skipped) */
	uint64_t state_errors;
	uint64_t alerts;
	uint64_t suppressed;
	uint64_t drops[SAKER_DROP_MAX]; /* module totals at the last look */
	uint64_t drop_alerts;
} DaemonCounters;

typedef struct Daemon {
	DaemonArgs args;
	Config *config;
	Engine *engine;
	State *state;
	Detector *detector;
	Outputs *outputs;
	RateLimiter *ratelimit;
	RateLimiter *drop_limit;
	DnsResolver *dns;
	RingReader *reader;
	FILE *replay_file;
	CaptureReader *replay;
	ControlServer *control;
	HostFiles *hostfiles;
	Recording *rec;

	int epfd, sigfd, timerfd, lockfd;
	char hostname[HOST_NAME_MAX + 1];
	uint64_t boot_ns; /* CLOCK_BOOTTIME -> wall clock */
	uint64_t start_mono_ns;
	uint64_t run_start_ns; /* when the loop started (a capture's processing time) */
	uint64_t last_tick_ns, last_sweep_ns, last_dead_sweep_ns, last_hostfiles_ns, last_stats_ns, last_metrics_ns;
	uint64_t watchdog_usec;
	bool quit;
	int exit_code;

	DaemonCounters cnt, cnt_at_stats; /* cnt_at_stats: for per-second rates */
	uint64_t cpu_ns_at_stats;
	uint64_t drops_at_last_alert[SAKER_DROP_MAX];
	uint64_t events_at_last_drop_check;
	uint64_t out_lost_reported[OUTPUTS_MAX_SINKS]; /* lost + errors, per sink of d->outputs */
	uint64_t last_out_report_ns;
	StrBuf scratch;
} Daemon;

uint64_t now_mono_ns(void);
uint64_t now_real_ns(void); /* CLOCK_REALTIME, the clock of Alert.time_ns */

/* sakerd/setup.c: the configuration, rules and outputs, used at start and on SIGHUP. */
int daemon_load_config(const DaemonArgs *args, Config **ret);
int daemon_build_engine(const DaemonArgs *args, const Config *c, Engine **ret);
int daemon_build_outputs(const DaemonArgs *args, const Config *c, Outputs **ret);
void daemon_program_events(Daemon *d);
int daemon_reload(Daemon *d);
int daemon_setup_engine(Daemon *d);

/* sakerd/daemon.c */
int daemon_init(Daemon *d, const DaemonArgs *args, Config *c);
int daemon_run(Daemon *d);
void daemon_done(Daemon *d);
/* Hand an alert to rate limiting and the outputs. */
void daemon_emit(Daemon *d, const Alert *a);

/* sakerd/stats.c */
int daemon_stats_json(Daemon *d, StrBuf *sb);
void daemon_stats_log(Daemon *d);
void daemon_check_drops(Daemon *d, uint64_t now);
void daemon_check_output_losses(Daemon *d, uint64_t now);
void daemon_report_suppressed(Daemon *d, uint64_t now, uint64_t min_age_ns);
/* The "N similar alerts suppressed" alert for rule (engine index) key. */
void daemon_emit_suppressed(Daemon *d, size_t key, uint64_t count, uint64_t time_ns);

/* sakerd/recording.c */
void daemon_control_request(ControlConn *conn, const char *cmd, struct fjson_object *req, int fd,
			    void *userdata);
void daemon_control_close(ControlConn *conn, void *userdata);
void daemon_record_event(Daemon *d, const struct saker_event_hdr *h, size_t len);
void daemon_recording_tick(Daemon *d, uint64_t now);
void daemon_recording_stop(Daemon *d, const char *why);
void daemon_record_container(Daemon *d, const Container *c);
void daemon_record_users(Daemon *d);

/* sakerd/privs.c */
int daemon_lock(const char *path, int *ret_fd);
int daemon_drop_caps(void);
void daemon_notify(const char *fmt, ...) _printf_(1, 2);

#endif /* SAKER_SAKERD_DAEMON_H */
