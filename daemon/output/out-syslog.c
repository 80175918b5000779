// SPDX-License-Identifier: MIT
/*
 * The syslog output: alerts rendered as RFC 5424 messages (the alert in one
 * structured-data element) or RFC 3164 lines, sent to a unix socket, udp or
 * tcp.  The socket is non-blocking and every wait is bounded, so a stuck
 * receiver costs the sink's own queue at most, and a lost connection is
 * remade with a growing delay.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "output/out-syslog.h"

/* Bytes of the message text kept when the structured data needs the room. */
#define SYSLOG_MSG_RESERVE 512u
/* No value is cut below this many bytes before whole params are dropped. */
#define SYSLOG_VALUE_MIN 16u
/* Longest HOST in udp://HOST:PORT (a DNS name is at most 253). */
#define SYSLOG_HOST_MAX 253
/* A connect, and the send of one message (or of the buffered frames), wait at most this long. */
#define SYSLOG_CONNECT_TIMEOUT_MS 3000
#define SYSLOG_SEND_TIMEOUT_MS 2000
/* Delays between failed connection attempts: doubled after each failure, up to the maximum. */
#define SYSLOG_RETRY_MIN_MS 200
#define SYSLOG_RETRY_MAX_MS 30000
/* Frames collected for one send on stream sockets (buffered_outputs). */
#define SYSLOG_STREAM_BUFFER (64u * 1024u)

#define TRUNCATION_MARK "..."
#define TRUNCATION_MARK_LEN 3

/* ---- rendering ---------------------------------------------------------- */

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{ "kern", 0 },	    { "user", 1 },	{ "mail", 2 },	   { "daemon", 3 },
	{ "auth", 4 },	    { "syslog", 5 },	{ "lpr", 6 },	   { "news", 7 },
	{ "uucp", 8 },	    { "cron", 9 },	{ "authpriv", 10 }, { "ftp", 11 },
	{ "local0", 16 },   { "local1", 17 },	{ "local2", 18 },  { "local3", 19 },
	{ "local4", 20 },   { "local5", 21 },	{ "local6", 22 },  { "local7", 23 },
};

int syslog_facility_from_string(const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < ELEMENTSOF(facilities); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].code;
	return -EINVAL;
}

int syslog_severity(Priority p)
{
	static const int severity[_PRI_MAX] = {
		[PRI_EMERGENCY] = 0, [PRI_ALERT] = 1,  [PRI_CRITICAL] = 2,	[PRI_ERROR] = 3,
		[PRI_WARNING] = 4,   [PRI_NOTICE] = 5, [PRI_INFORMATIONAL] = 6, [PRI_DEBUG] = 7,
	};

	if (p < 0 || p >= _PRI_MAX)
		return -EINVAL;
	return severity[p];
}

static bool printusascii(unsigned char c)
{
	return c >= 33 && c <= 126;
}

bool syslog_app_name_valid(const char *name)
{
	size_t i;

	if (!name || !name[0] || strlen(name) > SYSLOG_APP_NAME_MAX)
		return false;
	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!printusascii(c) || c == ':' || c == '[' || c == ']')
			return false;
	}
	return true;
}

/*
 * Output that either appends to a StrBuf or only counts (sb NULL): the
 * truncation search measures renderings before it makes one.
 */
typedef struct Emit {
	StrBuf *sb;
	size_t n;
} Emit;

static void emit(Emit *e, const char *s, size_t n)
{
	if (e->sb)
		strbuf_append(e->sb, s, n);
	e->n += n;
}

static void emit_str(Emit *e, const char *s)
{
	emit(e, s, strlen(s));
}

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at s, or 0 (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * The text for the unit of s at *i (one character, or one invalid byte) in
 * out; advances *i and returns the text's length.  Control characters and
 * bytes that are not UTF-8 become "\xNN"; in a PARAM-VALUE (sd) '"', '\' and
 * ']' get their backslash (RFC 5424 section 6.3.3).
 */
static size_t text_unit(const char *s, size_t n, size_t *i, bool sd, char out[static 4])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = (unsigned char)s[*i];
	size_t len;

	if (c < 0x80) {
		(*i)++;
		if (c < 0x20 || c == 0x7f) {
			out[0] = '\\';
			out[1] = 'x';
			out[2] = hex[c >> 4];
			out[3] = hex[c & 15];
			return 4;
		}
		if (sd && (c == '"' || c == '\\' || c == ']')) {
			out[0] = '\\';
			out[1] = (char)c;
			return 2;
		}
		out[0] = (char)c;
		return 1;
	}
	len = utf8_seq_len((const unsigned char *)s + *i, n - *i);
	if (len) {
		memcpy(out, s + *i, len);
		*i += len;
		return len;
	}
	(*i)++;
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

static size_t text_len(const char *s, size_t n, bool sd)
{
	size_t i = 0, len = 0;
	char u[4];

	while (i < n)
		len += text_unit(s, n, &i, sd, u);
	return len;
}

/* Bytes that are their own text: printable ASCII, except what a PARAM-VALUE escapes. */
static bool text_plain(unsigned char c, bool sd)
{
	return c >= 0x20 && c < 0x7f && !(sd && (c == '"' || c == '\\' || c == ']'));
}

/*
 * Emits s as text (see text_unit) in at most cap bytes: a longer text keeps
 * its whole first units and ends in "...".  cap >= TRUNCATION_MARK_LEN, or
 * SIZE_MAX for no limit.
 */
static void emit_text(Emit *e, const char *s, size_t n, bool sd, size_t cap)
{
	size_t i = 0, out = 0, ulen;
	char u[4];

	if (cap == SIZE_MAX || text_len(s, n, sd) <= cap) {
		while (i < n) {
			size_t run = i;

			/* Runs of plain bytes in one append. */
			while (run < n && text_plain((unsigned char)s[run], sd))
				run++;
			if (run > i) {
				emit(e, s + i, run - i);
				i = run;
				continue;
			}
			ulen = text_unit(s, n, &i, sd, u);
			emit(e, u, ulen);
		}
		return;
	}
	while (i < n) {
		ulen = text_unit(s, n, &i, sd, u);
		if (out + ulen > cap - TRUNCATION_MARK_LEN)
			break;
		emit(e, u, ulen);
		out += ulen;
	}
	emit(e, TRUNCATION_MARK, TRUNCATION_MARK_LEN);
}

/* A header token: printable US-ASCII only (others become '_'), at most max bytes, "-" if empty. */
static void emit_token(Emit *e, const char *s, size_t max)
{
	size_t i;

	if (!s || !s[0]) {
		emit(e, "-", 1);
		return;
	}
	for (i = 0; s[i] && i < max; i++) {
		char c = printusascii((unsigned char)s[i]) ? s[i] : '_';

		emit(e, &c, 1);
	}
}

static uint32_t fnv1a32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static void emit_sd_name(Emit *e, const char *name)
{
	char mapped[SYSLOG_SD_NAME_MAX + 1];
	size_t i, n = 0;
	bool longer = false;

	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == ']')
			continue;
		if (n == SYSLOG_SD_NAME_MAX) {
			longer = true;
			break;
		}
		if (c == '[')
			c = '.';
		else if (!printusascii(c) || c == '=' || c == '"')
			c = '_';
		mapped[n++] = (char)c;
	}
	if (n == 0) {
		emit(e, "_", 1);
		return;
	}
	if (longer) {
		/* 23 bytes, '~', 8 hex digits: distinct long names stay distinct. */
		n = SYSLOG_SD_NAME_MAX - 9;
		snprintf(mapped + n, sizeof(mapped) - n, "~%08x", fnv1a32(name));
		n = SYSLOG_SD_NAME_MAX;
	}
	emit(e, mapped, n);
}

int syslog_sd_name(const char *name, StrBuf *sb)
{
	Emit e = { .sb = sb };

	if (!name || !sb)
		return -EINVAL;
	emit_sd_name(&e, name);
	return sb->failed ? -ENOMEM : 0;
}

static void emit_param(Emit *e, const char *name, bool map_name, const char *value, size_t len,
		       size_t cap)
{
	emit(e, " ", 1);
	if (map_name)
		emit_sd_name(e, name);
	else
		emit_str(e, name);
	emit(e, "=\"", 2);
	emit_text(e, value, len, true, cap);
	emit(e, "\"", 1);
}

/* The SD-ELEMENT with every value cut to cap bytes and the first nfields fields. */
static void emit_sd(Emit *e, const Alert *a, const StrBuf *tags, size_t cap, size_t nfields)
{
	const char *pri = priority_to_display(a->priority);
	const char *source = a->source ? a->source : "syscall";
	size_t i;

	emit(e, "[" SYSLOG_SD_ID, 1 + strlen(SYSLOG_SD_ID));
	emit_param(e, "rule", false, a->rule, strlen(a->rule), cap);
	emit_param(e, "priority", false, pri, strlen(pri), cap);
	emit_param(e, "source", false, source, strlen(source), cap);
	emit_param(e, "tags", false, strbuf_str(tags), tags->len, cap);
	for (i = 0; i < nfields; i++) {
		const AlertField *f = &a->fields[i];

		/* A field without a value (JSON null) has no param. */
		if (f->missing || !f->name)
			continue;
		emit_param(e, f->name, true, f->value ? f->value : "", f->value ? f->len : 0, cap);
	}
	emit(e, "]", 1);
}

static size_t sd_size(const Alert *a, const StrBuf *tags, size_t cap, size_t nfields)
{
	Emit e = { 0 };

	emit_sd(&e, a, tags, cap, nfields);
	return e.n;
}

/* The tags joined with ',': one value, cut as one. */
static int join_tags(const Alert *a, StrBuf *sb)
{
	size_t i;

	for (i = 0; a->tags && i < a->ntags; i++) {
		if (!a->tags[i])
			continue;
		if (sb->len)
			strbuf_putc(sb, ',');
		strbuf_puts(sb, a->tags[i]);
	}
	return sb->failed ? -ENOMEM : 0;
}

static int check_render_args(const Alert *a, const SyslogOptions *opts, StrBuf *sb,
			     size_t *ret_max)
{
	size_t max;

	if (!a || !opts || !sb || !a->rule || syslog_severity(a->priority) < 0)
		return -EINVAL;
	if (opts->facility < 0 || opts->facility > 23 || !syslog_app_name_valid(opts->app_name))
		return -EINVAL;
	max = opts->max_size ? opts->max_size : SYSLOG_MAX_STREAM;
	if (max < SYSLOG_MIN_MESSAGE)
		return -EINVAL;
	*ret_max = max;
	return 0;
}

static const char *alert_hostname(const Alert *a, const SyslogOptions *opts)
{
	if (a->hostname && a->hostname[0])
		return a->hostname;
	return opts->hostname;
}

/* The message text after a header of used bytes, cut to what max leaves. */
static void emit_msg(Emit *e, const Alert *a, size_t used, size_t max)
{
	size_t room;

	if (!a->output || a->output_len == 0 || used + 1 + TRUNCATION_MARK_LEN > max)
		return;
	room = max - used - 1;
	emit(e, " ", 1);
	emit_text(e, a->output, a->output_len, false, room);
}

/* Checks the finished message; on failure sb is as it was before the message. */
static int render_done(StrBuf *sb, size_t start, size_t max)
{
	/* The size search guarantees the length; failing it would be a bug, not data. */
	int r = sb->failed ? -ENOMEM : sb->len - start > max ? -E2BIG : 0;

	if (r < 0 && sb->buf) {
		sb->len = start;
		sb->buf[start] = '\0';
	}
	return r;
}

int syslog_render_5424(const Alert *a, const SyslogOptions *opts, StrBuf *sb)
{
	size_t max, start, header, sd, msg_len, budget, cap, nfields, lo, hi;
	_cleanup_(strbuf_done) StrBuf tags = { 0 };
	Emit e = { .sb = sb };
	uint64_t usec;
	time_t secs;
	struct tm tm;
	int r;

	r = check_render_args(a, opts, sb, &max);
	if (r < 0)
		return r;
	start = sb->len;

	secs = (time_t)(a->time_ns / 1000000000ull);
	usec = (a->time_ns % 1000000000ull) / 1000;
	if (!gmtime_r(&secs, &tm))
		return -EINVAL;
	strbuf_printf(sb, "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ ",
		      opts->facility * 8 + syslog_severity(a->priority), tm.tm_year + 1900,
		      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)usec);
	emit_token(&e, alert_hostname(a, opts), SYSLOG_HOSTNAME_MAX);
	emit(&e, " ", 1);
	emit_str(&e, opts->app_name);
	if (opts->procid)
		strbuf_printf(sb, " %u ", opts->procid);
	else
		emit(&e, " - ", 3);
	emit_str(&e, SYSLOG_MSGID " ");
	if (sb->failed)
		return render_done(sb, start, max);
	header = sb->len - start;

	r = join_tags(a, &tags);
	if (r < 0) {
		sb->failed = true;
		return render_done(sb, start, max);
	}
	nfields = a->fields ? a->nfields : 0;

	/* Most alerts fit whole: render them once, without measuring first. */
	emit_sd(&e, a, &tags, SIZE_MAX, nfields);
	if (a->output && a->output_len) {
		emit(&e, " ", 1);
		emit_text(&e, a->output, a->output_len, false, SIZE_MAX);
	}
	if (!sb->failed && sb->len - start <= max)
		return 0;
	/*
	 * Too long, or an append failed (the buffer's own limit, or memory):
	 * back to the header, and measure before rendering again.
	 */
	sb->failed = false;
	sb->len = start + header;
	sb->buf[sb->len] = '\0';

	msg_len = a->output ? text_len(a->output, a->output_len, false) : 0;
	sd = sd_size(a, &tags, SIZE_MAX, nfields);
	cap = SIZE_MAX;
	/* The message keeps up to SYSLOG_MSG_RESERVE bytes whatever the structured data. */
	msg_len = msg_len ? 1 + MIN(msg_len, (size_t)SYSLOG_MSG_RESERVE) : 0;
	if (header + sd + msg_len > max) {
		/*
		 * The structured data does not fit beside the start of the
		 * message: the largest cap on every value that fits, and
		 * with the smallest cap, as many fields as fit.
		 */
		budget = max - header - msg_len;
		lo = SYSLOG_VALUE_MIN;
		hi = max;
		if (sd_size(a, &tags, lo, nfields) > budget) {
			while (nfields > 0 && sd_size(a, &tags, lo, nfields) > budget)
				nfields--;
			hi = lo;
		}
		while (lo < hi) {
			size_t mid = lo + (hi - lo + 1) / 2;

			if (sd_size(a, &tags, mid, nfields) <= budget)
				lo = mid;
			else
				hi = mid - 1;
		}
		cap = lo;
	}
	emit_sd(&e, a, &tags, cap, nfields);
	emit_msg(&e, a, sb->len - start, max);
	return render_done(sb, start, max);
}

int syslog_render_3164(const Alert *a, const SyslogOptions *opts, StrBuf *sb)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	Emit e = { .sb = sb };
	size_t max, start;
	time_t secs;
	struct tm tm;
	int r;

	r = check_render_args(a, opts, sb, &max);
	if (r < 0)
		return r;
	start = sb->len;

	/* RFC 3164 section 4.1.2: local time, the day padded with a space. */
	secs = (time_t)(a->time_ns / 1000000000ull);
	if (!localtime_r(&secs, &tm))
		return -EINVAL;
	strbuf_printf(sb, "<%d>%s %2d %02d:%02d:%02d ",
		      opts->facility * 8 + syslog_severity(a->priority), months[tm.tm_mon % 12],
		      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (!opts->local) {
		const char *host = alert_hostname(a, opts);

		/* A HOSTNAME cannot be empty here: "-" stands for none, as in RFC 5424. */
		emit_token(&e, host, SYSLOG_HOSTNAME_MAX);
		emit(&e, " ", 1);
	}
	emit_str(&e, opts->app_name);
	if (opts->procid)
		strbuf_printf(sb, "[%u]", opts->procid);
	emit(&e, ":", 1);
	if (sb->failed)
		return render_done(sb, start, max);
	emit_msg(&e, a, sb->len - start, max);
	return render_done(sb, start, max);
}

int syslog_frame_octet_count(const char *msg, size_t len, StrBuf *sb)
{
	int r;

	size_t start;

	if (!sb || (!msg && len))
		return -EINVAL;
	start = sb->len;
	r = strbuf_printf(sb, "%zu ", len);
	if (r >= 0)
		r = strbuf_append(sb, msg, len);
	if (r < 0 && sb->buf) {
		/* Never half a frame. */
		sb->len = start;
		sb->buf[start] = '\0';
	}
	return r;
}

/* ---- the sink ----------------------------------------------------------- */

typedef enum SyslogTransport {
	SYSLOG_UNIX,
	SYSLOG_UDP,
	SYSLOG_TCP,
} SyslogTransport;

typedef struct SyslogSink {
	bool rfc5424;
	SyslogTransport transport;
	char *path; /* unix */
	char *host; /* udp, tcp */
	char *port;
	char *app_name;
	char *hostname;
	SyslogOptions opts;

	int fd; /* -1: not connected */
	int socktype; /* of fd */
	uint64_t retry_at_ms; /* no connection attempt before */
	uint64_t retry_delay_ms;
	StrBuf msg;     /* the message being sent */
	StrBuf pending; /* stream sockets: frames waiting for flush() */
} SyslogSink;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline_ms; 0 when they came, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, uint64_t deadline_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		uint64_t now = now_ms();
		int n;

		if (now >= deadline_ms)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)MIN(deadline_ms - now, (uint64_t)INT32_MAX));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		return 0;
	}
}

static void syslog_disconnect(SyslogSink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	strbuf_reset(&s->pending);
}

/* Non-blocking connect, waiting at most SYSLOG_CONNECT_TIMEOUT_MS for it to complete. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t salen)
{
	socklen_t len = sizeof(int);
	int r, err = 0;

	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	r = wait_fd(fd, POLLOUT, now_ms() + SYSLOG_CONNECT_TIMEOUT_MS);
	if (r < 0)
		return r;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

static int connect_unix(SyslogSink *s)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t i;
	int r = -EINVAL;

	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	for (i = 0; i < ELEMENTSOF(types); i++) {
		_cleanup_close_ int fd =
			socket(AF_UNIX, types[i] | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			s->socktype = types[i];
			s->fd = TAKE_FD(fd);
			return 0;
		}
		r = -errno;
		/* A stream socket refuses a datagram one with EPROTOTYPE: try its type. */
		if (r != -EPROTOTYPE)
			return r;
	}
	return r;
}

static int connect_inet(SyslogSink *s)
{
	struct addrinfo hints = {
		.ai_socktype = s->transport == SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL, *ai;
	int r;

	r = getaddrinfo(s->host, s->port, &hints, &res);
	if (r != 0)
		return r == EAI_SYSTEM ? -errno : r == EAI_MEMORY ? -ENOMEM : -EHOSTUNREACH;
	r = -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		_cleanup_close_ int fd = socket(ai->ai_family,
						ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
						ai->ai_protocol);

		if (fd < 0) {
			r = -errno;
			continue;
		}
		/* A connected udp socket gets the receiver's ICMP errors back. */
		r = connect_timeout(fd, ai->ai_addr, ai->ai_addrlen);
		if (r < 0)
			continue;
		s->socktype = ai->ai_socktype;
		s->fd = TAKE_FD(fd);
		break;
	}
	freeaddrinfo(res);
	return r < 0 ? r : 0;
}

/* Connects unless connected; while a retry delay runs, fails at once. */
static int syslog_connect(SyslogSink *s)
{
	uint64_t now;
	int r;

	if (s->fd >= 0)
		return 0;
	now = now_ms();
	if (now < s->retry_at_ms)
		return -ENOTCONN;
	r = s->transport == SYSLOG_UNIX ? connect_unix(s) : connect_inet(s);
	if (r < 0) {
		s->retry_delay_ms = MIN(MAX(s->retry_delay_ms * 2, (uint64_t)SYSLOG_RETRY_MIN_MS),
					(uint64_t)SYSLOG_RETRY_MAX_MS);
		s->retry_at_ms = now_ms() + s->retry_delay_ms;
		return r;
	}
	s->retry_delay_ms = 0;
	s->retry_at_ms = 0;
	return 0;
}

/* Whether the other end of a stream socket has closed or reset it. */
static bool stream_peer_gone(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char scratch[512];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return false;
	if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
		return true;
	/* A receiver has nothing to say: read what it sent anyway, looking for EOF. */
	do
		n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
	while (n > 0);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

/* All of buf on a stream socket, by the deadline; a short send leaves a broken frame. */
static int send_stream(int fd, const char *buf, size_t len, uint64_t deadline_ms)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			r = wait_fd(fd, POLLOUT, deadline_ms);
			if (r < 0)
				return r;
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_datagram(int fd, const char *buf, size_t len, uint64_t deadline_ms)
{
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		int r;

		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		/* A unix receiver's queue is full: it polls writable once there is room. */
		if (errno != EAGAIN)
			return -errno;
		r = wait_fd(fd, POLLOUT, deadline_ms);
		if (r < 0)
			return r;
	}
}

/* The receiver went away or was restarted: reconnecting may help at once. */
static bool error_means_reconnect(int r)
{
	return r == -ECONNREFUSED || r == -ENOTCONN || r == -ECONNRESET || r == -EPIPE ||
	       r == -ENOENT || r == -EDESTADDRREQ;
}

static int syslog_flush(void *userdata)
{
	SyslogSink *s = userdata;
	int r;

	if (s->pending.len == 0)
		return 0;
	if (s->fd < 0) {
		strbuf_reset(&s->pending);
		return -ENOTCONN;
	}
	r = send_stream(s->fd, s->pending.buf, s->pending.len, now_ms() + SYSLOG_SEND_TIMEOUT_MS);
	strbuf_reset(&s->pending);
	if (r < 0)
		/* Part of a frame may be out: only a new connection frames cleanly again. */
		syslog_disconnect(s);
	return r;
}

/* Adds the message to the frames waiting for flush(), sending them first when full. */
static int queue_frame(SyslogSink *s)
{
	size_t before;
	int r;

	if (s->pending.len > 0 && s->pending.len + s->msg.len + 16 > SYSLOG_STREAM_BUFFER) {
		r = syslog_flush(s);
		if (r < 0)
			return r;
	}
	before = s->pending.len;
	if (s->transport == SYSLOG_TCP)
		r = syslog_frame_octet_count(s->msg.buf, s->msg.len, &s->pending);
	else {
		/* A unix stream socket: NUL-terminated records, as syslog(3) sends them. */
		r = strbuf_append(&s->pending, s->msg.buf, s->msg.len);
		if (r >= 0)
			r = strbuf_putc(&s->pending, '\0');
	}
	if (r < 0 && s->pending.buf) {
		/* Never a partial frame: back to the frames before this one. */
		s->pending.len = before;
		s->pending.buf[before] = '\0';
		s->pending.failed = false;
	}
	return r;
}

static int syslog_send(SyslogSink *s)
{
	int r = 0, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (s->fd >= 0 && s->socktype == SOCK_STREAM && s->pending.len == 0 &&
		    stream_peer_gone(s->fd))
			/* Reconnect rather than write into a connection the receiver closed. */
			syslog_disconnect(s);
		r = syslog_connect(s);
		if (r < 0)
			return r;
		if (s->socktype == SOCK_STREAM)
			return queue_frame(s);
		r = send_datagram(s->fd, s->msg.buf, s->msg.len, now_ms() + SYSLOG_SEND_TIMEOUT_MS);
		if (r >= 0 || r == -ETIMEDOUT || r == -EMSGSIZE)
			return r;
		if (r == -ECONNREFUSED && s->transport == SYSLOG_UDP)
			/* An earlier datagram's port-unreachable: this one was not sent. */
			continue;
		syslog_disconnect(s);
		if (!error_means_reconnect(r))
			return r;
	}
	return r;
}

static int syslog_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	SyslogSink *s = userdata;
	int r;

	strbuf_reset(&s->msg);
	r = s->rfc5424 ? syslog_render_5424(a, &s->opts, &s->msg) :
			 syslog_render_3164(a, &s->opts, &s->msg);
	if (r < 0)
		return r;
	return syslog_send(s);
}

static int syslog_idle(void *userdata)
{
	SyslogSink *s = userdata;

	/* Notice a closed connection now, not with the next alert. */
	if (s->fd >= 0 && s->socktype == SOCK_STREAM && s->pending.len == 0 &&
	    stream_peer_gone(s->fd))
		syslog_disconnect(s);
	return 0;
}

static int syslog_reopen(void *userdata)
{
	SyslogSink *s = userdata;
	int r = syslog_flush(s);

	/* SIGUSR1: a fresh connection on the next alert, without waiting for a retry delay. */
	syslog_disconnect(s);
	s->retry_at_ms = 0;
	s->retry_delay_ms = 0;
	return r;
}

static int syslog_open(void *userdata, char *errbuf, size_t errlen)
{
	SyslogSink *s = userdata;
	struct stat st;

	/* A socket that is not there yet is fine (the receiver may start later); a file is not. */
	if (s->transport == SYSLOG_UNIX && stat(s->path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(errbuf, errlen, "syslog output: %s is not a socket", s->path);
		return -ENOTSOCK;
	}
	return 0;
}

static void syslog_close(void *userdata)
{
	SyslogSink *s = userdata;

	if (!s)
		return;
	syslog_disconnect(s);
	strbuf_done(&s->msg);
	strbuf_done(&s->pending);
	free(s->path);
	free(s->host);
	free(s->port);
	free(s->app_name);
	free(s->hostname);
	free(s);
}

static const OutputSinkOps syslog_ops = {
	.no_line = true,
	.name = "syslog",
	.open = syslog_open,
	.write = syslog_write,
	.flush = syslog_flush,
	.reopen = syslog_reopen,
	.close = syslog_close,
	.idle = syslog_idle,
};

/* udp://HOST:PORT and tcp://HOST:PORT (HOST may be [IPv6]) into s->host and s->port. */
static int parse_host_port(SyslogSink *s, const char *dest, const char *hp, char *errbuf,
			   size_t errlen)
{
	const char *host, *colon, *end;
	size_t hlen;
	char *p;
	unsigned long port;

	if (hp[0] == '[') {
		end = strchr(hp, ']');
		if (!end || end[1] != ':')
			goto bad;
		host = hp + 1;
		hlen = (size_t)(end - host);
		colon = end + 1;
	} else {
		colon = strrchr(hp, ':');
		if (!colon || memchr(hp, ':', (size_t)(colon - hp)))
			goto bad; /* no port, or an IPv6 address without brackets */
		host = hp;
		hlen = (size_t)(colon - hp);
	}
	if (hlen == 0 || hlen > SYSLOG_HOST_MAX || memchr(host, '/', hlen))
		goto bad;
	if (colon[1] < '0' || colon[1] > '9' || strlen(colon + 1) > 5)
		goto bad;
	errno = 0;
	port = strtoul(colon + 1, &p, 10);
	if (errno || *p || port == 0 || port > 65535)
		goto bad;
	s->host = strndup(host, hlen);
	s->port = strdup(colon + 1);
	if (!s->host || !s->port)
		return -ENOMEM;
	return 0;
bad:
	snprintf(errbuf, errlen,
		 "syslog output: bad destination '%s': expected udp://HOST:PORT or tcp://HOST:PORT "
		 "(HOST may be [IPv6], PORT 1-65535)",
		 dest);
	return -EINVAL;
}

static int parse_destination(SyslogSink *s, const char *dest, char *errbuf, size_t errlen)
{
	struct sockaddr_un sa;

	if (strncmp(dest, "udp://", 6) == 0) {
		s->transport = SYSLOG_UDP;
		return parse_host_port(s, dest, dest + 6, errbuf, errlen);
	}
	if (strncmp(dest, "tcp://", 6) == 0) {
		s->transport = SYSLOG_TCP;
		return parse_host_port(s, dest, dest + 6, errbuf, errlen);
	}
	if (dest[0] != '/') {
		snprintf(errbuf, errlen,
			 "syslog output: bad destination '%s': expected an absolute unix socket "
			 "path, udp://HOST:PORT or tcp://HOST:PORT",
			 dest);
		return -EINVAL;
	}
	if (strlen(dest) >= sizeof(sa.sun_path)) {
		snprintf(errbuf, errlen, "syslog output: socket path longer than %zu bytes: %s",
			 sizeof(sa.sun_path) - 1, dest);
		return -ENAMETOOLONG;
	}
	s->transport = SYSLOG_UNIX;
	s->path = strdup(dest);
	return s->path ? 0 : -ENOMEM;
}

int outputs_add_syslog(Outputs *o, const char *format, const char *destination,
		       const char *facility, const char *app_name, const char *hostname,
		       char *errbuf, size_t errlen)
{
	char host[SYSLOG_HOSTNAME_MAX + 1];
	SyslogSink *s;
	int fac, r;

	if (!format)
		format = "rfc3164";
	if (!facility)
		facility = "authpriv";
	if (!app_name)
		app_name = "saker";
	if (strcmp(format, "rfc5424") != 0 && strcmp(format, "rfc3164") != 0) {
		snprintf(errbuf, errlen, "syslog output: unknown format '%s' (rfc3164 or rfc5424)",
			 format);
		return -EINVAL;
	}
	fac = syslog_facility_from_string(facility);
	if (fac < 0) {
		snprintf(errbuf, errlen, "syslog output: unknown facility '%s'", facility);
		return -EINVAL;
	}
	if (!syslog_app_name_valid(app_name)) {
		snprintf(errbuf, errlen,
			 "syslog output: bad app_name '%s': 1 to %d printable ASCII characters, "
			 "no spaces, ':', '[' or ']'",
			 app_name, SYSLOG_APP_NAME_MAX);
		return -EINVAL;
	}
	if (!destination || !destination[0]) {
		snprintf(errbuf, errlen, "syslog output: no destination");
		return -EINVAL;
	}
	if (!hostname || !hostname[0]) {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}

	s = new0(SyslogSink, 1);
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->rfc5424 = strcmp(format, "rfc5424") == 0;
	s->msg.limit = SYSLOG_MAX_STREAM + 1;
	s->pending.limit = SYSLOG_STREAM_BUFFER + SYSLOG_MAX_STREAM + 16;
	r = parse_destination(s, destination, errbuf, errlen);
	if (r < 0) {
		syslog_close(s);
		return r;
	}
	s->app_name = strdup(app_name);
	s->hostname = strdup(hostname);
	if (!s->app_name || !s->hostname) {
		syslog_close(s);
		return -ENOMEM;
	}
	s->opts = (SyslogOptions){
		.facility = fac,
		.app_name = s->app_name,
		.hostname = s->hostname,
		.procid = (unsigned)getpid(),
		.local = s->transport == SYSLOG_UNIX,
		.max_size = s->transport == SYSLOG_UDP ? SYSLOG_MAX_UDP : SYSLOG_MAX_STREAM,
	};
	return outputs_add_sink(o, &syslog_ops, s, errbuf, errlen);
}
