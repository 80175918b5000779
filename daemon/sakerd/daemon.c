// SPDX-License-Identifier: MIT
/*
 * sakerd's main loop: read records (rings or a capture file), decode, run
 * the detector, hand alerts to rate limiting and the outputs; between
 * batches look at signals (SIGHUP reload, SIGUSR1 reopen, SIGTERM/SIGINT
 * drain and exit), the one-second tick (drops, sweeps, passwd changes,
 * statistics, watchdog) and the control socket.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "capture/replay.h"
#include "capture/snapshot.h"
#include "host/containerfs.h"
#include "host/procscan.h"
#include "sakerd/daemon.h"
#include "sakerd/log.h"

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull

uint64_t now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- alerts ---------------------------------------------------------- */

void daemon_emit(Daemon *d, const Alert *a)
{
	uint64_t suppressed = 0;

	/*
	 * The buckets run on the alerts' own (event) time, so a replay of a
	 * capture limits exactly as the live daemon did.
	 */
	if (d->ratelimit && !ratelimit_check(d->ratelimit, a->rule_id, a->time_ns, &suppressed)) {
		d->cnt.suppressed++;
		return;
	}
	if (suppressed > 0)
		daemon_emit_suppressed(d, a->rule_id, suppressed, a->time_ns);
	d->cnt.alerts++;
	outputs_submit(d->outputs, a);
}

static void on_alert(const Alert *a, void *userdata)
{
	daemon_emit(userdata, a);
}

/* ---- containers -------------------------------------------------------- */

/*
 * Metadata of containers the state learnt about: read from the runtime's
 * files right away, so the first alert already names the container, and
 * retried on the tick while the runtime has not written them yet.
 */
static void load_container_meta(Daemon *d, Container *c)
{
	int r;

	if (c->meta_done || !c->runtime || strcmp(c->runtime, "host") == 0)
		return;
	r = containerfs_read(c, d->args.host_root);
	c->meta_tries++;
	if (r > 0) {
		c->meta_done = true;
		log_debug("container %s (%s): %s %s", c->id, c->runtime, c->name ? c->name : "",
			  c->image ? c->image : "");
		daemon_record_container(d, c);
	} else if (r < 0 || c->meta_tries >= SAKERD_CONTAINER_META_TRIES) {
		_cleanup_free_ char *where = containerfs_describe(c, d->args.host_root);

		c->meta_done = true;
		if (r < 0)
			log_warning_errno(r, "container %s: cannot read %s", c->id,
					  where ? where : "its metadata");
	}
}

static void on_new_container(State *s, Container *c, void *userdata)
{
	(void)s;
	load_container_meta(userdata, c);
}

static void retry_container_meta(Daemon *d)
{
	size_t iter = 0;
	Container *c;

	if (!d->reader)
		return;
	while (state_next_container(d->state, &iter, &c))
		if (!c->meta_done)
			load_container_meta(d, c);
}

/* ---- events ------------------------------------------------------------ */

static void handle_record(Daemon *d, const struct saker_event_hdr *h, size_t len)
{
	SkEvent e;
	int r;

	r = sk_event_decode(h, len, &e);
	if (r < 0) {
		d->cnt.bad_records++;
	} else {
		d->cnt.events++;
		d->cnt.by_type[e.type]++;
		r = detector_process(d->detector, &e, on_alert, d);
		if (r < 0)
			d->cnt.state_errors++;
	}
	/*
	 * Recorded after processing: metadata read while processing (a new
	 * container) goes into the capture before the event that revealed it,
	 * so a replay sees what the live rules saw.
	 */
	if (d->rec)
		daemon_record_event(d, h, len);
}

/* Up to SAKERD_BATCH records from the rings; returns how many. */
static size_t read_rings(Daemon *d)
{
	const struct saker_event_hdr *h;
	size_t len, n = 0;

	while (n < SAKERD_BATCH && ring_reader_next(d->reader, &h, &len) > 0) {
		handle_record(d, h, len);
		n++;
	}
	ring_reader_release(d->reader);
	return n;
}

/* Up to SAKERD_BATCH items of the capture file; at its end the daemon stops. */
static size_t read_capture(Daemon *d)
{
	CaptureItem it;
	size_t n = 0;
	char err[256];
	int r;

	while (n < SAKERD_BATCH) {
		r = capture_reader_next(d->replay, &it);
		if (r == 0) {
			double secs = (double)(now_mono_ns() - d->run_start_ns) / 1e9;

			log_info("%s: end of capture: %" PRIu64 " events, %" PRIu64
				 " alerts in %.3f s (%.0f events/s)",
				 d->args.capture_file, d->cnt.events, d->cnt.alerts, secs,
				 secs > 0 ? (double)d->cnt.events / secs : 0.0);
			d->quit = true;
			break;
		}
		if (r < 0) {
			log_error("%s: damaged at byte %llu: %s", d->args.capture_file,
				  (unsigned long long)capture_reader_offset(d->replay),
				  capture_reader_error(d->replay));
			d->exit_code = 1;
			d->quit = true;
			break;
		}
		n++;
		switch (it.type) {
		case CAPTURE_ITEM_EVENT:
			handle_record(d, it.event.hdr, it.event.hdr->len);
			break;
		case CAPTURE_ITEM_SNAPSHOT:
			if (capture_snapshot_apply(d->state, it.text, it.text_len, err, sizeof(err)) < 0)
				log_warning("%s: snapshot at byte %llu: %s", d->args.capture_file,
					    (unsigned long long)it.offset, err);
			break;
		case CAPTURE_ITEM_STATS:
			break;
		}
	}
	return n;
}

/* ---- signals, timers, control ------------------------------------------ */

static void handle_signal(Daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			daemon_reload(d);
			break;
		case SIGUSR1:
			log_info("reopening the output files");
			outputs_reopen(d->outputs);
			break;
		case SIGUSR2:
			daemon_stats_log(d);
			break;
		case SIGTERM:
		case SIGINT:
			log_info("received %s, stopping", strsignal((int)si.ssi_signo));
			d->quit = true;
			break;
		}
	}
}

static void refresh_users(Daemon *d)
{
	UserDb *db = NULL;
	int r = hostfiles_refresh(d->hostfiles, &db);

	if (r < 0) {
		log_warning_errno(r, "cannot read the user and group names");
		return;
	}
	if (r > 0 && db) {
		userdb_free(d->state->users);
		d->state->users = db;
		daemon_record_users(d);
		if (d->hostfiles->loaded)
			log_debug("user and group names reloaded (%zu users, %zu groups)",
				  userdb_nusers(db), userdb_ngroups(db));
	}
}

static bool always_alive(int64_t tid, void *userdata)
{
	return true;
}

static void tick(Daemon *d)
{
	uint64_t now = now_mono_ns(), expired;

	if (read(d->timerfd, &expired, sizeof(expired)) < 0 && errno != EAGAIN)
		log_warning_errno(-errno, "timer");
	if (d->watchdog_usec)
		daemon_notify("WATCHDOG=1");
	if (d->reader)
		daemon_check_drops(d, now);
	if (d->reader)
		daemon_report_suppressed(d, now_real_ns(), SAKERD_SUPPRESS_REPORT_NS);
	daemon_recording_tick(d, now);
	daemon_check_output_losses(d, now);
	retry_container_meta(d);
	if (d->reader && now - d->last_hostfiles_ns >= SAKERD_HOSTFILES_INTERVAL_NS) {
		d->last_hostfiles_ns = now;
		refresh_users(d);
	}
	if (d->reader && d->config->state_sweep_interval_ms &&
	    now - d->last_sweep_ns >= d->config->state_sweep_interval_ms * NSEC_PER_MSEC) {
		size_t removed;

		d->last_sweep_ns = now;
		removed = state_sweep(d->state, procscan_alive, (void *)d->args.proc_root);
		if (removed)
			log_debug("sweep: %zu exited threads removed", removed);
	} else if (d->reader && now - d->last_dead_sweep_ns >= SAKERD_DEAD_SWEEP_NS) {
		d->last_dead_sweep_ns = now;
		state_sweep(d->state, always_alive, NULL);
	}
	state_expire_pending(d->state, clock_ns(CLOCK_BOOTTIME), SAKERD_PENDING_EXEC_MAX_AGE_NS);
	if (d->config->stats_interval_ms &&
	    now - d->last_stats_ns >= d->config->stats_interval_ms * NSEC_PER_MSEC)
		daemon_stats_log(d);
}

static void poll_control_and_signals(Daemon *d, int timeout_ms)
{
	struct epoll_event ev[8];
	int n, i;

	n = epoll_wait(d->epfd, ev, ELEMENTSOF(ev), timeout_ms);
	for (i = 0; i < n; i++) {
		int fd = ev[i].data.fd;

		if (fd == d->sigfd)
			handle_signal(d);
		else if (fd == d->timerfd)
			tick(d);
		else if (d->control && fd == control_server_fd(d->control))
			control_server_dispatch(d->control);
	}
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* ---- set-up ------------------------------------------------------------- */

static int setup_loop(Daemon *d)
{
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	/* blocked before any thread starts, so the outputs' threads inherit the mask */
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return log_error_errno(-errno, "sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->sigfd < 0 || d->timerfd < 0 || d->epfd < 0)
		return log_error_errno(-errno, "cannot set up the event loop");
	if (timerfd_settime(d->timerfd, 0, &its, NULL) < 0)
		return log_error_errno(-errno, "timerfd_settime");
	if ((r = epoll_add(d->epfd, d->sigfd)) < 0 || (r = epoll_add(d->epfd, d->timerfd)) < 0)
		return log_error_errno(r, "epoll_ctl");
	return 0;
}

static int setup_source(Daemon *d)
{
	struct saker_ioc_stats st;
	const CaptureHeader *h;
	int r;

	if (d->args.capture_file) {
		d->replay_file = fopen(d->args.capture_file, "re");
		if (!d->replay_file)
			return log_error_errno(-errno, "%s", d->args.capture_file);
		r = capture_reader_new(d->replay_file, &d->replay);
		if (r < 0)
			return log_error_errno(r, "%s", d->args.capture_file);
		r = capture_reader_header(d->replay, &h);
		if (r < 0) {
			log_error("%s: %s", d->args.capture_file, capture_reader_error(d->replay));
			return r;
		}
		d->boot_ns = h->boot_to_realtime_ns;
		if (*h->hostname)
			snprintf(d->hostname, sizeof(d->hostname), "%s", h->hostname);
		log_info("reading events from %s (captured on %s)", d->args.capture_file,
			 *h->hostname ? h->hostname : "an unnamed host");
		return 0;
	}

	d->reader = ring_reader_new();
	if (!d->reader)
		return log_error_errno(-ENOMEM, "ring reader");
	r = ring_reader_open_device(d->reader, d->args.device);
	if (r < 0) {
		log_error("%s", *ring_reader_error(d->reader) ? ring_reader_error(d->reader)
							      : strerror(-r));
		return r;
	}
	d->boot_ns = ring_reader_boot_to_realtime_ns(d->reader);
	/* drops from before this daemon started are not its to report */
	if (ring_reader_stats(d->reader, &st) == 0) {
		memcpy(d->drops_at_last_alert, st.drops, sizeof(d->drops_at_last_alert));
		memcpy(d->cnt.drops, st.drops, sizeof(d->cnt.drops));
		d->cnt_at_stats = d->cnt;
		d->events_at_last_drop_check = st.events;
	}
	r = ring_reader_exclude_tgid(d->reader, (uint32_t)getpid());
	if (r < 0)
		log_warning_errno(r, "cannot exclude sakerd's own events");
	if (d->config->driver_snaplen >= 0 &&
	    (r = ring_reader_set_snaplen(d->reader, (uint32_t)d->config->driver_snaplen)) < 0)
		log_warning_errno(r, "cannot set the snap length");
	return 0;
}

/* The state as it is before the first event: /proc, passwd/group. */
static int bootstrap_state(Daemon *d)
{
	ProcScanStats st;
	int r;

	refresh_users(d);
	if (!d->reader)
		return 0; /* a capture brings its own snapshot */
	r = procscan_run(d->state, d->args.proc_root, 0, &st);
	if (r < 0)
		return log_error_errno(r, "cannot read %s", d->args.proc_root ? d->args.proc_root : "/proc");
	log_info("process table: %zu processes, %zu threads, %zu fds from /proc%s", st.processes,
		 st.threads, st.fds, st.truncated ? " (truncated at the table limit)" : "");
	retry_container_meta(d);
	return 0;
}

int daemon_init(Daemon *d, const DaemonArgs *args, Config *c)
{
	int r;

	d->args = *args;
	d->config = c;
	d->epfd = d->sigfd = d->timerfd = d->lockfd = -1;
	d->start_mono_ns = d->last_stats_ns = d->last_tick_ns = now_mono_ns();
	d->last_sweep_ns = d->last_hostfiles_ns = d->start_mono_ns;
	if (gethostname(d->hostname, sizeof(d->hostname) - 1) < 0)
		snprintf(d->hostname, sizeof(d->hostname), "localhost");

	if (!args->capture_file) {
		r = daemon_lock(args->lock_file ? args->lock_file : SAKERD_LOCK_FILE, &d->lockfd);
		if (r < 0)
			return r;
	}
	if ((r = setup_loop(d)) < 0)
		return r;
	if ((r = daemon_build_engine(args, c, &d->engine)) < 0)
		return r;
	/* before the outputs' threads exist: the socket is created under a temporary umask */
	if (!args->capture_file) {
		const char *sock = args->control_socket ? args->control_socket : c->control_socket;

		r = control_server_new(sock, daemon_control_request, daemon_control_close, d,
				       &d->control);
		if (r == -EADDRINUSE)
			return log_error_errno(r, "%s: another sakerd answers there", sock);
		if (r < 0)
			return log_error_errno(r, "control socket %s", sock);
		if ((r = epoll_add(d->epfd, control_server_fd(d->control))) < 0)
			return log_error_errno(r, "epoll_ctl");
	}
	if ((r = daemon_build_outputs(args, c, &d->outputs)) < 0)
		return r;
	d->ratelimit = ratelimit_new(c->outputs_rate, (uint64_t)c->outputs_max_burst);
	d->drop_limit = ratelimit_new(c->drops_rate, (uint64_t)c->drops_max_burst);
	d->state = state_new();
	if (!d->ratelimit || !d->drop_limit || !d->state)
		return log_error_errno(-ENOMEM, "out of memory");
	state_set_max_threads(d->state, (size_t)c->state_max_threads);
	r = hostfiles_new(args->host_root, &d->hostfiles);
	if (r < 0)
		return log_error_errno(r, "hostfiles");

	if ((r = setup_source(d)) < 0)
		return r;
	/* a capture carries the metadata the recording host read */
	if (d->reader)
		state_set_container_hook(d->state, on_new_container, d);
	r = detector_new(d->engine, d->state, d->hostname, &d->detector);
	if (r < 0)
		return log_error_errno(r, "detector");
	detector_set_boot_time(d->detector, d->boot_ns);

	if (c->dns_enabled && !args->capture_file) {
		DnsOptions dopt = {
			.server = c->dns_server && *c->dns_server ? c->dns_server : NULL,
			/* a sub-second setting means one second, not the default */
			.min_ttl_s = (uint32_t)MAX(c->dns_min_ttl_ms / 1000, 1),
			.max_ttl_s = (uint32_t)MAX(c->dns_max_ttl_ms / 1000, 1),
			.timeout_ms = 0, /* resolv.conf's timeout option, or the default */
		};

		r = dns_resolver_new(&dopt, &d->dns);
		if (r < 0)
			log_warning_errno(r, "domain names will not be resolved");
		else
			dns_resolver_install(d->dns);
	}
	daemon_setup_engine(d);

	if ((r = bootstrap_state(d)) < 0)
		return r;
	if (d->dns)
		dns_resolver_wait_ready(d->dns, 2000);
	if (d->reader) {
		ProcScanStats st;

		r = ring_reader_start(d->reader);
		if (r < 0)
			return log_error_errno(r, "cannot start the capture: %s",
					       ring_reader_error(d->reader));
		/* what started between the scan and the capture has no fork record */
		r = procscan_missing(d->state, d->args.proc_root, 0, &st);
		if (r < 0)
			log_warning_errno(r, "cannot read /proc again");
		else if (st.threads > 0)
			log_debug("%zu threads started during start-up", st.threads);
		if (!args->keep_caps && (r = daemon_drop_caps()) < 0)
			return r;
	}
	return 0;
}

int daemon_run(Daemon *d)
{
	daemon_notify("READY=1\nSTATUS=Watching, %zu rules enabled", engine_enabled_count(d->engine));
	log_info("sakerd running: %zu rules enabled, %zu outputs", engine_enabled_count(d->engine),
		 outputs_nsinks(d->outputs));
	d->run_start_ns = now_mono_ns();
	while (!d->quit) {
		size_t n = d->reader ? read_rings(d) : read_capture(d);

		if (n == 0 && d->reader && !d->quit) {
			/* sleeps on the rings and on the epoll fd (signals, tick, control) */
			int r = ring_reader_wait(d->reader, d->epfd);

			if (r < 0 && r != -EINTR) {
				log_error_errno(r, "waiting for events");
				d->exit_code = 1;
				break;
			}
		}
		poll_control_and_signals(d, 0);
	}
	daemon_notify("STOPPING=1\nSTATUS=Stopping");
	return d->exit_code;
}

void daemon_done(Daemon *d)
{
	if (d->rec)
		daemon_recording_stop(d, "sakerd is stopping");
	if (d->reader)
		ring_reader_stop(d->reader);
	if (d->ratelimit)
		daemon_report_suppressed(d, now_real_ns(), 0);
	daemon_check_output_losses(d, UINT64_MAX);
	if (d->outputs && outputs_drain(d->outputs, SAKERD_DRAIN_TIMEOUT_MS) < 0)
		log_warning("some alerts were still queued at exit");
	control_server_free(d->control);
	dns_resolver_free(d->dns);
	detector_free(d->detector);
	outputs_free(d->outputs);
	ring_reader_free(d->reader);
	capture_reader_free(d->replay);
	if (d->replay_file)
		fclose(d->replay_file);
	hostfiles_free(d->hostfiles);
	state_free(d->state);
	engine_free(d->engine);
	ratelimit_free(d->ratelimit);
	ratelimit_free(d->drop_limit);
	config_free(d->config);
	strbuf_done(&d->scratch);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->lockfd >= 0)
		close(d->lockfd);
}
