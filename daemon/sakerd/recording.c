// SPDX-License-Identifier: MIT
/*
 * The daemon's side of the control socket: `saker stats`, `saker reload`
 * and `saker capture`, which records the raw records sakerd reads (after the
 * state snapshot it started from) into a file the client opened and passed.
 * The device has one reader, so recording happens here, in the event loop.
 */
#include <errno.h>
#include <inttypes.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/snapshot.h"
#include "event/fixture.h"
#include "sakerd/daemon.h"
#include "sakerd/log.h"

#define NSEC_PER_MSEC 1000000ull
/* Longest capture a client may ask for (a day); 0 means until stopped. */
#define RECORDING_MAX_DURATION_MS (24ull * 3600 * 1000)

static void reply_error(ControlConn *conn, const char *msg)
{
	StrBuf sb = { 0 };

	strbuf_puts(&sb, "{\"status\":\"error\",\"error\":");
	strbuf_put_json_string(&sb, msg, strlen(msg));
	strbuf_putc(&sb, '}');
	if (!sb.failed)
		control_reply(conn, sb.buf, sb.len);
	strbuf_done(&sb);
}

static void reply_stats(Daemon *d, ControlConn *conn)
{
	StrBuf sb = { 0 };

	strbuf_puts(&sb, "{\"status\":\"ok\",\"stats\":");
	daemon_stats_json(d, &sb);
	strbuf_putc(&sb, '}');
	if (sb.failed)
		reply_error(conn, "out of memory");
	else
		control_reply(conn, sb.buf, sb.len);
	strbuf_done(&sb);
}

static uint64_t module_drops(Daemon *d)
{
	struct saker_ioc_stats st;
	uint64_t n = 0;
	unsigned i;

	if (!d->reader || ring_reader_stats(d->reader, &st) < 0)
		return 0;
	for (i = 0; i < SAKER_DROP_MAX; i++)
		n += st.drops[i];
	return n;
}

static void add_stats_block(Daemon *d)
{
	struct saker_ioc_stats st;
	struct timespec ts;

	if (!d->reader || ring_reader_stats(d->reader, &st) < 0)
		return;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	capture_writer_add_stats(d->rec->writer,
				 (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec, &st);
}

static int start_recording(Daemon *d, ControlConn *conn, struct fjson_object *req, int fd)
{
	_cleanup_free_ Recording *rec = NULL;
	struct fjson_object *v;
	CaptureHeader h = { 0 };
	uint64_t duration = 0;
	int r;

	if (d->rec) {
		reply_error(conn, "a capture is already running");
		return -EBUSY;
	}
	if (fd < 0) {
		reply_error(conn, "capture needs the output file passed with the request");
		return -EINVAL;
	}
	if (fjson_object_object_get_ex(req, "duration_ms", &v)) {
		int64_t ms = fjson_object_get_int64(v);

		if (ms < 0 || (uint64_t)ms > RECORDING_MAX_DURATION_MS) {
			reply_error(conn, "duration_ms out of range (0 to one day)");
			return -ERANGE;
		}
		duration = (uint64_t)ms;
	}
	rec = calloc(1, sizeof(*rec));
	if (!rec) {
		reply_error(conn, "out of memory");
		return -ENOMEM;
	}
	h.format_version = CAPTURE_FORMAT_VERSION;
	h.abi_version = SAKER_ABI_VERSION;
	h.flags = CAPTURE_FLAG_SNAPSHOT;
	h.boot_to_realtime_ns = d->boot_ns;
	snprintf(h.hostname, sizeof(h.hostname), "%s", d->hostname);
	r = capture_writer_new(fd, &h, &rec->writer);
	if (r >= 0)
		r = capture_snapshot_write_blocks(d->state, d->boot_ns, rec->writer);
	if (r < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "cannot write the capture: %s", strerror(-r));
		reply_error(conn, msg);
		capture_writer_free(rec->writer);
		return r;
	}
	rec->conn = control_conn_ref(conn);
	rec->fd = fd;
	rec->start_mono_ns = now_mono_ns();
	rec->end_mono_ns = duration ? rec->start_mono_ns + duration * NSEC_PER_MSEC : 0;
	rec->drops_at_start = module_drops(d);
	d->rec = TAKE_PTR(rec);
	add_stats_block(d);
	log_info("capture started (%s)", duration ? "timed" : "until stopped");
	return 0;
}

void daemon_recording_stop(Daemon *d, const char *why)
{
	Recording *rec = d->rec;
	char buf[512];
	int r = rec ? rec->error : 0;

	if (!rec)
		return;
	add_stats_block(d);
	if (r == 0)
		r = capture_writer_finish(rec->writer);
	capture_writer_free(rec->writer);
	if (r == 0 && fsync(rec->fd) < 0 && errno != EINVAL)
		r = -errno;
	close(rec->fd);
	if (r < 0) {
		snprintf(buf, sizeof(buf), "{\"status\":\"error\",\"error\":\"writing the capture: %s\","
					   "\"events\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
			 strerror(-r), rec->events, rec->bytes);
		log_warning_errno(r, "capture stopped after %" PRIu64 " events", rec->events);
	} else {
		snprintf(buf, sizeof(buf), "{\"status\":\"ok\",\"events\":%" PRIu64 ",\"bytes\":%" PRIu64
					   ",\"dropped\":%" PRIu64 "}",
			 rec->events, rec->bytes, module_drops(d) - rec->drops_at_start);
		log_info("capture finished (%s): %" PRIu64 " events, %" PRIu64 " bytes", why,
			 rec->events, rec->bytes);
	}
	if (control_conn_alive(rec->conn))
		control_reply(rec->conn, buf, strlen(buf));
	control_conn_unref(rec->conn);
	free(rec);
	d->rec = NULL;
}

void daemon_record_event(Daemon *d, const struct saker_event_hdr *h, size_t len)
{
	Recording *rec = d->rec;
	int r;

	if (rec->error)
		return;
	r = capture_writer_add_event(rec->writer, h, len);
	if (r < 0) {
		rec->error = r;
		return;
	}
	rec->events++;
	rec->bytes += len;
}

/* Container metadata read during a capture goes into it (see handle_record()). */
void daemon_record_container(Daemon *d, const Container *c)
{
	StrBuf sb = { 0 };
	int r;

	if (!d->rec || d->rec->error)
		return;
	r = fixture_write_container(&sb, c);
	if (r >= 0 && strbuf_putc(&sb, '\n') >= 0)
		r = capture_writer_add_snapshot(d->rec->writer, sb.buf, sb.len);
	if (r < 0)
		d->rec->error = r;
	strbuf_done(&sb);
}

/* New user and group names (passwd or group changed) during a capture. */
void daemon_record_users(Daemon *d)
{
	StrBuf sb = { 0 };
	int r;

	if (!d->rec || d->rec->error || !d->state->users)
		return;
	r = capture_snapshot_write_users(d->state->users, &sb);
	if (r >= 0 && sb.len > 0)
		r = capture_writer_add_snapshot(d->rec->writer, sb.buf, sb.len);
	if (r < 0)
		d->rec->error = r;
	strbuf_done(&sb);
}

void daemon_recording_tick(Daemon *d, uint64_t now)
{
	Recording *rec = d->rec;
	char buf[160];

	if (!rec)
		return;
	if (rec->error) {
		daemon_recording_stop(d, "write error");
		return;
	}
	if (rec->end_mono_ns && now >= rec->end_mono_ns) {
		daemon_recording_stop(d, "duration reached");
		return;
	}
	if (capture_writer_flush(rec->writer) < 0) {
		rec->error = -EIO;
		daemon_recording_stop(d, "write error");
		return;
	}
	snprintf(buf, sizeof(buf), "{\"status\":\"progress\",\"events\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
		 rec->events, rec->bytes);
	control_reply(rec->conn, buf, strlen(buf));
}

void daemon_control_request(ControlConn *conn, const char *cmd, struct fjson_object *req, int fd,
			    void *userdata)
{
	Daemon *d = userdata;

	if (strcmp(cmd, "capture") == 0) {
		if (start_recording(d, conn, req, fd) < 0 && fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	if (strcmp(cmd, "stats") == 0) {
		reply_stats(d, conn);
	} else if (strcmp(cmd, "stop") == 0) {
		if (d->rec && d->rec->conn == conn)
			daemon_recording_stop(d, "stopped by the client");
		else
			reply_error(conn, "no capture of this connection is running");
	} else if (strcmp(cmd, "reload") == 0) {
		int r = daemon_reload(d);

		if (r < 0)
			reply_error(conn, "the new configuration or rules have errors (see sakerd's log); "
					  "the previous ones stay active");
		else
			control_reply(conn, "{\"status\":\"ok\"}", 15);
	} else {
		char msg[128];

		snprintf(msg, sizeof(msg), "unknown command '%.64s'", cmd);
		reply_error(conn, msg);
	}
}

void daemon_control_close(ControlConn *conn, void *userdata)
{
	Daemon *d = userdata;

	/* a client that went away without "stop": finish its file all the same */
	if (d->rec && d->rec->conn == conn)
		daemon_recording_stop(d, "the client disconnected");
}
