// SPDX-License-Identifier: MIT
/*
 * The journald output: one structured entry per alert through libsystemd's
 * sd_journal_sendv().  An unreachable journald costs the alerts sent while
 * it is away (counted, one line on stderr when it goes and one when it is
 * back), never the daemon; see docs/journald.md for the fields.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

/* The entries are the alerts: no CODE_FILE/CODE_LINE/CODE_FUNC of this file in them. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "output/out-journald.h"

/* ---- MESSAGE_ID: a version 5 (SHA-1, name-based) UUID, RFC 4122 section 4.3 ---- */

/* JOURNALD_MESSAGE_ID_NAMESPACE as bytes (test-journald checks they agree). */
static const uint8_t message_id_namespace[16] = {
	0x99, 0x7d, 0x11, 0x01, 0x35, 0x03, 0x49, 0xd9,
	0x8e, 0x8f, 0x2e, 0x33, 0x58, 0x5d, 0x81, 0x63,
};

typedef struct Sha1 {
	uint32_t h[5];
	uint64_t total; /* bytes hashed */
	uint8_t block[64];
	size_t used; /* bytes waiting in block */
} Sha1;

static uint32_t rol32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/* One 64-byte block, as FIPS 180-4 section 6.1.2 describes it. */
static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void sha1_init(Sha1 *s)
{
	*s = (Sha1){ .h = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 } };
}

static void sha1_update(Sha1 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->total += len;
	while (len > 0) {
		size_t n = MIN(len, sizeof(s->block) - s->used);

		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used == sizeof(s->block)) {
			sha1_block(s->h, s->block);
			s->used = 0;
		}
	}
}

static void sha1_final(Sha1 *s, uint8_t ret[20])
{
	uint64_t bits = s->total * 8;
	static const uint8_t pad = 0x80, zero = 0;
	uint8_t len[8];
	unsigned i;

	for (i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(s, &pad, 1);
	while (s->used != 56)
		sha1_update(s, &zero, 1);
	sha1_update(s, len, sizeof(len));
	for (i = 0; i < 20; i++)
		ret[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void journald_message_id(const char *name, size_t len, char ret[JOURNALD_MESSAGE_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[20];
	Sha1 s;
	unsigned i;

	sha1_init(&s);
	sha1_update(&s, message_id_namespace, sizeof(message_id_namespace));
	if (name)
		sha1_update(&s, name, len);
	sha1_final(&s, digest);
	digest[6] = (uint8_t)((digest[6] & 0x0f) | 0x50); /* version 5 */
	digest[8] = (uint8_t)((digest[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		ret[2 * i] = hex[digest[i] >> 4];
		ret[2 * i + 1] = hex[digest[i] & 0x0f];
	}
	ret[JOURNALD_MESSAGE_ID_LEN] = '\0';
}

/* ---- facilities and field names ---- */

int journald_facility_from_name(const char *name)
{
	/* The names syslog(3) and the configuration use, and their numbers. */
	static const struct {
		const char *name;
		int num;
	} facilities[] = {
		{ "kern", 0 },	  { "user", 1 },    { "mail", 2 },     { "daemon", 3 },
		{ "auth", 4 },	  { "syslog", 5 },  { "lpr", 6 },      { "news", 7 },
		{ "uucp", 8 },	  { "cron", 9 },    { "authpriv", 10 }, { "ftp", 11 },
		{ "local0", 16 }, { "local1", 17 }, { "local2", 18 },  { "local3", 19 },
		{ "local4", 20 }, { "local5", 21 }, { "local6", 22 },  { "local7", 23 },
	};
	size_t i;

	for (i = 0; name && i < ELEMENTSOF(facilities); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].num;
	return -EINVAL;
}

size_t journald_field_name(const char *name, char ret[JOURNALD_FIELD_NAME_MAX + 1])
{
	const size_t start = sizeof(JOURNALD_FIELD_PREFIX) - 1;
	size_t n = start;
	bool sep = false;
	const char *p;

	memcpy(ret, JOURNALD_FIELD_PREFIX, start);
	for (p = name; p && *p && n < JOURNALD_FIELD_NAME_MAX; p++) {
		char c = *p;

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
			/* a run of anything else is one '_', only between kept characters */
			sep = n > start;
			continue;
		}
		if (sep) {
			/* no room for the separator and a character after it: stop here */
			if (n + 2 > JOURNALD_FIELD_NAME_MAX)
				break;
			ret[n++] = '_';
			sep = false;
		}
		ret[n++] = c;
	}
	if (n == start) {
		memcpy(ret + n, "FIELD", 5);
		n += 5;
	}
	ret[n] = '\0';
	return n;
}

/* ---- the entry ---- */

/* The fields every entry has besides the output fields. */
#define ENTRY_FIXED_FIELDS 11

/* Names the output fields must not take (the SAKER_* fields of every entry). */
static const char *const reserved_names[] = {
	"SAKER_RULE", "SAKER_PRIORITY", "SAKER_TAGS",
	"SAKER_SOURCE", "SAKER_HOSTNAME", "SAKER_JSON",
};

/* journald's PRIORITY for each rule priority (the syslog levels, in the same order). */
static const int journal_priority[_PRI_MAX] = {
	[PRI_EMERGENCY] = 0, [PRI_ALERT] = 1,  [PRI_CRITICAL] = 2,	[PRI_ERROR] = 3,
	[PRI_WARNING] = 4,   [PRI_NOTICE] = 5, [PRI_INFORMATIONAL] = 6, [PRI_DEBUG] = 7,
};

void journald_entry_done(JournaldEntry *e)
{
	if (!e)
		return;
	strbuf_done(&e->fields);
	strbuf_done(&e->json);
	free(e->iov);
	free(e->ends);
	free(e->names);
	*e = (JournaldEntry){ 0 };
}

static int entry_reserve(JournaldEntry *e, size_t niov, size_t nnames)
{
	if (niov > e->iov_cap) {
		struct iovec *iov = reallocarray(e->iov, niov, sizeof(*iov));
		size_t *ends;

		if (!iov)
			return -ENOMEM;
		e->iov = iov;
		ends = reallocarray(e->ends, niov, sizeof(*ends));
		if (!ends)
			return -ENOMEM;
		e->ends = ends;
		e->iov_cap = niov;
	}
	if (nnames > e->names_cap) {
		char(*names)[JOURNALD_FIELD_NAME_MAX + 1] =
			reallocarray(e->names, nnames, sizeof(*names));

		if (!names)
			return -ENOMEM;
		e->names = names;
		e->names_cap = nnames;
	}
	return 0;
}

/* Appends "name=value"; the first error is kept in e->error. */
static void entry_add(JournaldEntry *e, const char *name, const char *value, size_t len)
{
	int r = strbuf_puts(&e->fields, name);

	if (r >= 0)
		r = strbuf_putc(&e->fields, '=');
	if (r >= 0 && len > 0)
		r = strbuf_append(&e->fields, value, len);
	if (r < 0 && e->error == 0)
		e->error = r;
	e->ends[e->niov++] = e->fields.len;
}

static void entry_add_str(JournaldEntry *e, const char *name, const char *value)
{
	entry_add(e, name, value, value ? strlen(value) : 0);
}

static void entry_add_int(JournaldEntry *e, const char *name, int value)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", value);
	entry_add_str(e, name, buf);
}

/* SAKER_TAGS: the tags joined with ','. */
static void entry_add_tags(JournaldEntry *e, const Alert *a)
{
	size_t ntags = a->tags ? a->ntags : 0, i;
	int r = strbuf_puts(&e->fields, "SAKER_TAGS=");

	for (i = 0; r >= 0 && i < ntags; i++) {
		if (i)
			r = strbuf_putc(&e->fields, ',');
		if (r >= 0)
			r = strbuf_puts(&e->fields, a->tags[i] ? a->tags[i] : "");
	}
	if (r < 0 && e->error == 0)
		e->error = r;
	e->ends[e->niov++] = e->fields.len;
}

/* Whether an output field before number n, or a fixed field, is called name. */
static bool name_taken(const JournaldEntry *e, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(reserved_names); i++)
		if (strcmp(reserved_names[i], name) == 0)
			return true;
	/* O(n) each, O(n^2) per alert: n is at most JOURNALD_MAX_OUTPUT_FIELDS. */
	for (i = 0; i < n; i++)
		if (strcmp(e->names[i], name) == 0)
			return true;
	return false;
}

/* Names output field n (field is its name as written) into e->names[n]. */
static void entry_name_field(JournaldEntry *e, size_t n, const char *field)
{
	char base[JOURNALD_FIELD_NAME_MAX + 1];
	size_t len = journald_field_name(field, base), k;

	if (!name_taken(e, n, base)) {
		memcpy(e->names[n], base, len + 1);
		return;
	}
	/* Ends: at most n + ELEMENTSOF(reserved_names) names are taken. */
	for (k = 2;; k++) {
		char suffix[24];
		int sl = snprintf(suffix, sizeof(suffix), "_%zu", k);
		size_t keep = MIN(len, JOURNALD_FIELD_NAME_MAX - (size_t)sl);

		/* a cut base must not end in '_' (no "__2"); the prefix keeps it non-empty */
		while (keep > 0 && base[keep - 1] == '_')
			keep--;
		memcpy(e->names[n], base, keep);
		memcpy(e->names[n] + keep, suffix, (size_t)sl + 1);
		if (!name_taken(e, n, e->names[n]))
			return;
	}
}

int journald_entry_build(JournaldEntry *e, const Alert *a, int facility)
{
	size_t nfields = a->fields ? MIN(a->nfields, (size_t)JOURNALD_MAX_OUTPUT_FIELDS) : 0;
	size_t i, start, need;
	Alert shown;
	char id[JOURNALD_MESSAGE_ID_LEN + 1];
	int r;

	if (!a->rule || a->priority < 0 || a->priority >= _PRI_MAX)
		return -EINVAL;
	r = entry_reserve(e, ENTRY_FIXED_FIELDS + nfields, nfields);
	if (r < 0)
		return r;
	e->niov = 0;
	e->error = 0;
	strbuf_reset(&e->fields);
	strbuf_reset(&e->json);
	e->fields.limit = JOURNALD_ENTRY_MAX_BYTES;
	e->json.limit = JOURNALD_ENTRY_MAX_BYTES;

	/* MESSAGE and the values, then all of them again in SAKER_JSON: twice their size */
	need = a->output ? MIN(a->output_len, (size_t)JOURNALD_ENTRY_MAX_BYTES) : 0;
	for (i = 0; a->fields && i < a->nfields && need < JOURNALD_ENTRY_MAX_BYTES; i++)
		if (a->fields[i].value)
			need += MIN(a->fields[i].len, (size_t)JOURNALD_ENTRY_MAX_BYTES);
	if (need >= JOURNALD_ENTRY_MAX_BYTES / 2)
		return -E2BIG;

	/* A count without its array is taken as zero, as the queues' copies do. */
	shown = *a;
	shown.ntags = a->tags ? a->ntags : 0;
	shown.nfields = a->fields ? a->nfields : 0;
	r = alert_render_json(&shown, NULL, &e->json);
	if (e->json.failed)
		/* at its cap the buffer no longer grows: it was too small, not short of memory */
		return e->json.cap >= JOURNALD_ENTRY_MAX_BYTES ? -E2BIG : -ENOMEM;
	if (r < 0)
		return r;
	journald_message_id(a->rule, strlen(a->rule), id);

	entry_add(e, "MESSAGE", a->output, a->output ? a->output_len : 0);
	entry_add_int(e, "PRIORITY", journal_priority[a->priority]);
	entry_add_str(e, "SYSLOG_IDENTIFIER", "sakerd");
	entry_add_int(e, "SYSLOG_FACILITY", facility);
	entry_add_str(e, "MESSAGE_ID", id);
	entry_add_str(e, "SAKER_RULE", a->rule);
	entry_add_str(e, "SAKER_PRIORITY", priority_to_display(a->priority));
	entry_add_tags(e, a);
	/* as alert_render_json() names them */
	entry_add_str(e, "SAKER_SOURCE", a->source ? a->source : "syscall");
	entry_add_str(e, "SAKER_HOSTNAME", a->hostname ? a->hostname : "");
	entry_add(e, "SAKER_JSON", e->json.buf, e->json.len);

	for (i = 0; i < nfields; i++) {
		const AlertField *f = &a->fields[i];

		entry_name_field(e, i, f->name);
		entry_add(e, e->names[i], f->value, f->value ? f->len : 0);
	}
	if (e->error < 0)
		return e->error;

	/* The buffer stopped moving: point the iovecs into it. */
	for (i = 0, start = 0; i < e->niov; i++) {
		e->iov[i] = (struct iovec){ .iov_base = e->fields.buf + start,
					    .iov_len = e->ends[i] - start };
		start = e->ends[i];
	}
	return 0;
}

/* ---- the sink ---- */

typedef struct JournaldSink {
	int facility;
	JournaldEntry entry;
	bool stderr_is_journal; /* prefix our stderr lines with <N> for journald */
	bool down;		/* the last send failed */
	uint64_t down_lost;	/* alerts lost since it went down */
} JournaldSink;

/* Whether stderr is the journal's stream (JOURNAL_STREAM names its device:inode). */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
	       st.st_dev == dev && st.st_ino == ino;
}

/* One line on stderr, as sakerd's own messages are written. */
_printf_(3, 4) static void journald_report(const JournaldSink *j, int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (j->stderr_is_journal)
		fprintf(stderr, "<%d>journald output: %s\n", level, buf);
	else
		fprintf(stderr, "journald output: %s\n", buf);
}

/*
 * sd_journal_sendv() returns 0 without sending anything when the socket
 * does not exist (journald never started, or its runtime directory was
 * removed): look for it first, so that case is counted like the others.
 * What disappears between the check and the send is lost uncounted.
 */
static int journald_send(const JournaldEntry *e)
{
	struct stat st;

	if (stat(JOURNALD_SOCKET_PATH, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	return sd_journal_sendv(e->iov, (int)e->niov);
}

static int journald_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	JournaldSink *j = userdata;
	int r;

	(void)line;
	(void)len;
	r = journald_entry_build(&j->entry, a, j->facility);
	if (r < 0)
		return r; /* this alert only: counted as an error by the queue */

	r = journald_send(&j->entry);
	if (r < 0) {
		if (!j->down)
			journald_report(j, LOG_WARNING,
					"cannot send to journald (%s): alerts are lost until it is "
					"back",
					strerror(-r));
		j->down = true;
		j->down_lost++;
		return r;
	}
	if (j->down) {
		journald_report(j, LOG_NOTICE, "journald is back; %" PRIu64 " alerts were lost",
				j->down_lost);
		j->down = false;
		j->down_lost = 0;
	}
	return 0;
}

static void journald_close(void *userdata)
{
	JournaldSink *j = userdata;

	if (!j)
		return;
	if (j->down)
		journald_report(j, LOG_WARNING, "journald still unreachable at stop; %" PRIu64
				" alerts were lost", j->down_lost);
	journald_entry_done(&j->entry);
	free(j);
}

static const OutputSinkOps journald_ops = {
	.no_line = true,
	.name = "journald",
	.write = journald_write,
	.close = journald_close,
};

int outputs_add_journald(Outputs *o, const char *facility, char *errbuf, size_t errlen)
{
	int num = journald_facility_from_name(facility ? facility : JOURNALD_DEFAULT_FACILITY);
	JournaldSink *j;

	if (num < 0) {
		snprintf(errbuf, errlen, "journald output: unknown facility '%s'", facility);
		return num;
	}
	j = new0(JournaldSink, 1);
	if (!j)
		return -ENOMEM;
	j->facility = num;
	j->stderr_is_journal = stderr_is_journal();
	return outputs_add_sink(o, &journald_ops, j, errbuf, errlen);
}
