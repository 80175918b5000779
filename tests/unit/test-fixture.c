// SPDX-License-Identifier: MIT
/*
 * Unit tests for the JSON-lines event format: encoding into raw records,
 * context lines, error messages with line and field, and writer/reader
 * round trips down to the record bytes.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event/fixture.h"
#include "event/sockaddr.h"
#include "state/state.h"

static FixtureReader *reader(void)
{
	FixtureReader *r = fixture_reader_new("events.jsonl");

	assert_non_null(r);
	return r;
}

/* Parse one line that must succeed. */
static FixtureEvent *parse_ok(FixtureReader *r, const char *line)
{
	FixtureEvent *fe = NULL;
	int rc = fixture_reader_parse_line(r, line, strlen(line), &fe);

	if (rc != 1)
		fail_msg("'%s': %d %s", line, rc, fixture_reader_error(r));
	assert_non_null(fe);
	return fe;
}

/* Parse one line that must fail with message msg. */
static void parse_err(const char *line, const char *msg)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	FixtureEvent *fe = NULL;
	int rc = fixture_reader_parse_line(r, line, strlen(line), &fe);

	if (rc >= 0)
		fail_msg("'%s' was accepted", line);
	assert_null(fe);
	if (strcmp(fixture_reader_error(r), msg) != 0)
		fail_msg("'%s':\n got  '%s'\n want '%s'", line, fixture_reader_error(r), msg);
}

static int64_t arg_s64(const FixtureEvent *fe, const char *name)
{
	unsigned idx;
	int64_t v;

	assert_int_equal(sk_event_param_by_name(&fe->evt, name, &idx), 0);
	assert_int_equal(sk_event_get_s64(&fe->evt, idx, &v), 0);
	return v;
}

static const char *arg_str(const FixtureEvent *fe, const char *name)
{
	const char *s;
	unsigned idx;

	assert_int_equal(sk_event_param_by_name(&fe->evt, name, &idx), 0);
	assert_int_equal(sk_event_get_str(&fe->evt, idx, &s), 0);
	return s;
}

static const SkParam *arg(const FixtureEvent *fe, const char *name)
{
	unsigned idx;

	assert_int_equal(sk_event_param_by_name(&fe->evt, name, &idx), 0);
	return &fe->evt.params[idx];
}

static void test_encode_openat(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	FixtureEvent *fe;
	const struct saker_event_hdr *h;

	(void)state;
	fe = parse_ok(r, "{\"type\":\"openat\",\"ts\":123,\"tid\":11,\"pid\":10,\"cpu\":3,"
			 "\"args\":{\"fd\":3,\"dirfd\":-100,\"name\":\"/etc/shadow\","
			 "\"name_abs\":\"/etc/shadow\",\"flags\":\"O_RDONLY|O_CLOEXEC\",\"mode\":\"0644\","
			 "\"ino\":\"18446744073709551615\"}}");
	assert_true(fe->has_event);
	h = (const void *)fe->record;
	assert_int_equal(fe->record_len % SAKER_EVENT_ALIGN, 0);
	assert_int_equal(h->len, fe->record_len);
	assert_int_equal(h->ts, 123);
	assert_int_equal(h->tid, 11);
	assert_int_equal(h->pid, 10);
	assert_int_equal(h->cpu, 3);
	assert_int_equal(h->type, SAKER_EVT_OPENAT);
	assert_int_equal(h->nparams, SAKER_NPARAMS_OPENAT);
	assert_int_equal(h->flags, 0);
	assert_int_equal(arg_s64(fe, "fd"), 3);
	assert_int_equal(arg_s64(fe, "dirfd"), -100);
	assert_string_equal(arg_str(fe, "name"), "/etc/shadow");
	assert_int_equal(arg(fe, "name")->len, 12); /* with the NUL */
	assert_int_equal(arg_s64(fe, "flags"), O_CLOEXEC);
	assert_int_equal(arg_s64(fe, "mode"), 0644);
	assert_int_equal((uint64_t)arg_s64(fe, "ino"), UINT64_MAX);
	/* a parameter not given is empty, not faulted */
	assert_null(arg(fe, "dev")->data);
	assert_false(arg(fe, "dev")->faulted);
	fixture_event_free(fe);
}

static void test_encode_types(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	FixtureEvent *fe;
	SkSockaddr a;
	SkTuple t;
	const SkParam *p;

	(void)state;
	/* errno names, faulted params, the header flag */
	fe = parse_ok(r, "{\"type\":\"unlink\",\"tid\":5,\"args\":{\"res\":\"ENOENT\","
			 "\"path\":{\"faulted\":true}}}");
	assert_int_equal(arg_s64(fe, "res"), -2);
	assert_true(arg(fe, "path")->faulted);
	assert_true(((const struct saker_event_hdr *)fe->record)->flags & SAKER_EF_FAULTED);
	fixture_event_free(fe);

	/* sockaddr and tuple forms */
	fe = parse_ok(r, "{\"type\":\"connect\",\"tid\":5,\"args\":{\"res\":0,\"fd\":3,"
			 "\"addr\":\"[2001:db8::1]:443\","
			 "\"tuple\":{\"tuple\":\"10.0.0.1:5353->8.8.8.8:53\",\"proto\":\"udp\"}}}");
	p = arg(fe, "addr");
	assert_int_equal(sk_sockaddr_decode(p->data, p->len, &a), 0);
	assert_int_equal(a.family, SAKER_AF_INET6);
	assert_int_equal(a.port, 443);
	assert_int_equal(a.addr[0], 0x20);
	p = arg(fe, "tuple");
	assert_int_equal(p->len, sizeof(struct saker_tuple_in));
	assert_int_equal(sk_tuple_decode(p->data, p->len, &t), 0);
	assert_int_equal(t.l4proto, 17);
	assert_int_equal(t.sport, 5353);
	assert_memory_equal(t.daddr, ((uint8_t[]){ 8, 8, 8, 8 }), 4);
	fixture_event_free(fe);

	fe = parse_ok(r, "{\"type\":\"connect\",\"tid\":5,\"args\":{\"addr\":\"@abstract\","
			 "\"tuple\":\"ffff0001->ffff0002 /run/x.sock\"}}");
	p = arg(fe, "addr");
	assert_int_equal(sk_sockaddr_decode(p->data, p->len, &a), 0);
	assert_int_equal(a.family, SAKER_AF_UNIX);
	assert_int_equal(a.path_len, 9);
	p = arg(fe, "tuple");
	assert_int_equal(sk_tuple_decode(p->data, p->len, &t), 0);
	assert_int_equal(t.usrc, 0xffff0001);
	assert_int_equal(t.udst, 0xffff0002);
	assert_memory_equal(t.path, "/run/x.sock", 11);
	fixture_event_free(fe);

	/* string arrays, bytes, signals, 64-bit flags */
	fe = parse_ok(r, "{\"type\":\"execve\",\"tid\":5,\"args\":{\"res\":0,"
			 "\"args\":[\"-c\",\"\",\"id\"],\"env\":[],\"cap_effective\":\"CAP_SYS_ADMIN\"}}");
	p = arg(fe, "args");
	assert_int_equal(p->len, 7);
	assert_memory_equal(p->data, "-c\0\0id\0", 7);
	assert_null(arg(fe, "env")->data); /* no strings: empty */
	assert_int_equal(arg_s64(fe, "cap_effective"), 1ll << 21);
	fixture_event_free(fe);

	fe = parse_ok(r, "{\"type\":\"write\",\"tid\":5,\"args\":{\"res\":3,\"fd\":1,"
			 "\"data\":{\"hex\":\"00ff41\"}}}");
	assert_int_equal(arg(fe, "data")->len, 3);
	assert_memory_equal(arg(fe, "data")->data, "\0\xff" "A", 3);
	fixture_event_free(fe);

	fe = parse_ok(r, "{\"type\":\"kill\",\"tid\":5,\"args\":{\"res\":0,\"pid\":9,\"sig\":\"SIGKILL\"}}");
	assert_int_equal(arg_s64(fe, "sig"), 9);
	fixture_event_free(fe);
}

static void test_times_and_ids(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	FixtureEvent *fe;

	(void)state;
	fe = parse_ok(r, "{\"type\":\"close\",\"ts\":\"1970-01-01T00:00:01.5Z\",\"pid\":7,"
			 "\"args\":{\"res\":0,\"fd\":1}}");
	assert_int_equal(fe->evt.ts, 1500000000);
	assert_int_equal(fe->evt.tid, 7); /* tid defaults to pid */
	fixture_event_free(fe);
	/* no ts: just after the previous event */
	fe = parse_ok(r, "{\"type\":\"close\",\"proc\":{\"pid\":8},\"args\":{\"res\":0}}");
	assert_int_equal(fe->evt.ts, 1500001000);
	assert_int_equal(fe->evt.tid, 8); /* the thread "proc" describes */
	fixture_event_free(fe);
	/* a header moves the clock: ts - boot_ns */
	{
		static const char hdr[] =
			"{\"format\":\"saker-events\",\"version\":1,\"boot_ns\":1000000000}";

		assert_int_equal(fixture_reader_parse_line(r, hdr, strlen(hdr), &fe), 0);
		assert_null(fe);
	}
	assert_int_equal(fixture_reader_boot_ns(r), 1000000000);
	fe = parse_ok(r, "{\"type\":\"close\",\"ts\":1000000042,\"pid\":7,\"args\":{}}");
	assert_int_equal(fe->evt.ts, 42);
	fixture_event_free(fe);
}

static void test_errors(void **state)
{
	(void)state;
	parse_err("{\"type\":\"openat\",\"tid\":1,\"args\":{\"flags\":\"O_RDONLY|O_FOO\"}}",
		  "events.jsonl:1: args.flags: unknown flag 'O_FOO' for openat");
	parse_err("{\"type\":\"opennat\",\"tid\":1}", "events.jsonl:1: type: unknown event type 'opennat'");
	parse_err("{\"type\":\"close\",\"tid\":1,\"args\":{\"fdd\":3}}",
		  "events.jsonl:1: args.fdd: close has no parameter 'fdd' (it has: res fd)");
	parse_err("{\"type\":\"close\",\"args\":{}}",
		  "events.jsonl:1: an event needs \"tid\" or \"pid\" (or proc.pid)");
	parse_err("{\"type\":\"close\",\"tid\":1,", "events.jsonl:1: invalid JSON: the object is not closed");
	parse_err("{\"type\":\"close\",\"tid\":1} x",
		  "events.jsonl:1: invalid JSON at column 26: text after the object (one object per line)");
	parse_err("{\"type\":\"close\",\"tid\":1} {}",
		  "events.jsonl:1: invalid JSON at column 26: text after the object (one object per line)");
	parse_err("{\"type\":\"close\",\"tid\":1,,}",
		  "events.jsonl:1: invalid JSON at column 25: quoted object property name expected");
	parse_err("[1]", "events.jsonl:1: expected a JSON object");
	parse_err("{\"type\":\"setuid\",\"tid\":1,\"args\":{\"uid\":4294967296}}",
		  "events.jsonl:1: args.uid: 4294967296 is out of range");
	parse_err("{\"type\":\"close\",\"tid\":1,\"args\":{\"fd\":1.5}}",
		  "events.jsonl:1: args.fd: expected an integer, got a fractional number");
	parse_err("{\"type\":\"unlink\",\"tid\":1,\"args\":{\"path\":\"a\\u0000b\"}}",
		  "events.jsonl:1: args.path: the string contains a NUL byte; write it as {\"hex\": ...}");
	parse_err("{\"type\":\"connect\",\"tid\":1,\"args\":{\"tuple\":\"1.2.3.4->5.6.7.8:9\"}}",
		  "events.jsonl:1: args.tuple: \"1.2.3.4->5.6.7.8:9\" is not a tuple "
		  "(10.0.0.1:40000->1.2.3.4:443, [::1]:40000->[::1]:22, or unix \"ADDR->ADDR /path\")");
	parse_err("{\"type\":\"ptrace\",\"tid\":1,\"args\":{\"request\":\"PTRACE_NOPE\"}}",
		  "events.jsonl:1: args.request: unknown value 'PTRACE_NOPE' for ptrace");
	parse_err("{\"tid\":1,\"proc\":{\"comm\":\"x\",\"cmd\":\"y\"}}",
		  "events.jsonl:1: proc.cmd: unknown process field 'cmd'");
	parse_err("{\"proc\":{\"pid\":2,\"ancestors\":[{\"comm\":\"a\"},{\"uid\":\"root\"}]}}",
		  "events.jsonl:1: proc.ancestors[1].uid: expected an integer, got \"root\"");
	parse_err("{\"tid\":1,\"fd\":{\"name\":\"/x\"}}",
		  "events.jsonl:1: fd: needs an fd number (\"fd\", or args.fd)");
	parse_err("{\"tid\":1,\"container\":{\"name\":\"x\"}}", "events.jsonl:1: container: needs an \"id\"");
	parse_err("{\"tid\":1}", "events.jsonl:1: the line has neither \"type\" nor any context");
	parse_err("{\"args\":{}}", "events.jsonl:1: args: only valid with \"type\"");
	parse_err("{\"type\":\"close\",\"tid\":1,\"color\":\"red\"}",
		  "events.jsonl:1: color: unknown key 'color'");
	parse_err("{\"format\":\"saker-events\",\"version\":2}",
		  "events.jsonl:1: version: version 2 is not supported (this saker reads version 1)");
	parse_err("{\"type\":\"close\",\"tid\":1,\"ts\":\"yesterday\"}",
		  "events.jsonl:1: ts: \"yesterday\" is not a time (ns, or like "
		  "2026-11-30T08:00:00.000000000Z)");
}

static void test_limits(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	size_t n = SAKER_PARAM_MAX + 100, i;
	char *line = malloc(3 * 32000 + 200), *p;
	FixtureEvent *fe = NULL;

	(void)state;
	/* one string over the parameter limit */
	p = line + sprintf(line, "{\"type\":\"unlink\",\"tid\":1,\"args\":{\"path\":\"");
	memset(p, 'a', n);
	strcpy(p + n, "\"}}");
	assert_true(fixture_reader_parse_line(r, line, strlen(line), &fe) < 0);
	assert_string_equal(fixture_reader_error(r),
			    "events.jsonl:1: args.path: value too long (32868 bytes, at most 32767)");
	/* two near the limit: the record would be too large */
	p = line + sprintf(line, "{\"type\":\"rename\",\"tid\":1,\"args\":{\"oldpath\":\"");
	memset(p, 'a', 32000);
	p += 32000;
	p += sprintf(p, "\",\"newpath\":\"");
	memset(p, 'b', 32000);
	p += 32000;
	p += sprintf(p, "\",\"oldpath_abs\":\"");
	memset(p, 'c', 32000);
	strcpy(p + 32000, "\"}}");
	assert_true(fixture_reader_parse_line(r, line, strlen(line), &fe) < 0);
	assert_non_null(strstr(fixture_reader_error(r), "event too large"));
	free(line);
	/* line length */
	line = malloc(FIXTURE_MAX_LINE + 2);
	memset(line, ' ', FIXTURE_MAX_LINE + 1);
	assert_int_equal(fixture_reader_parse_line(r, line, FIXTURE_MAX_LINE + 1, &fe), -E2BIG);
	assert_string_equal(fixture_reader_error(r), "events.jsonl:3: line longer than 1048576 bytes");
	free(line);
	/* nesting */
	line = malloc(200);
	p = line + sprintf(line, "{\"tid\":1,\"proc\":{\"comm\":");
	for (i = 0; i < FIXTURE_MAX_DEPTH; i++)
		*p++ = '[';
	strcpy(p, "]}}");
	assert_true(fixture_reader_parse_line(r, line, strlen(line), &fe) < 0);
	assert_non_null(strstr(fixture_reader_error(r), "events.jsonl:4: invalid JSON"));
	free(line);
}

static void test_reader_next(void **state)
{
	static const char text[] = "# a comment\n"
				   "\n"
				   "{\"type\":\"close\",\"tid\":1,\"args\":{\"res\":0,\"fd\":3}}\r\n"
				   "   \n"
				   "{\"type\":\"nope\",\"tid\":1}\n"
				   "{\"users\":[{\"uid\":0,\"name\":\"root\",\"home\":\"/root\"}],"
				   "\"groups\":[{\"gid\":0,\"name\":\"root\"}]}\n"
				   "{\"type\":\"close\",\"tid\":2,\"args\":{\"res\":0,\"fd\":4}}";
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	_cleanup_(state_freep) State *s = state_new();
	FixtureEvent *fe;

	(void)state;
	fixture_reader_set_input(r, text, strlen(text));
	assert_int_equal(fixture_reader_next(r, &fe), 1);
	assert_int_equal(fe->line, 3);
	assert_int_equal(fe->evt.tid, 1);
	fixture_event_free(fe);
	/* an error names its line; reading goes on after it */
	assert_true(fixture_reader_next(r, &fe) < 0);
	assert_string_equal(fixture_reader_error(r), "events.jsonl:5: type: unknown event type 'nope'");
	assert_int_equal(fixture_reader_next(r, &fe), 1);
	assert_false(fe->has_event);
	assert_int_equal(fixture_event_apply(fe, s), 0);
	assert_string_equal(userdb_user_name(s->users, 0), "root");
	assert_string_equal(userdb_user_home(s->users, 0), "/root");
	assert_string_equal(userdb_group_name(s->users, 0), "root");
	fixture_event_free(fe);
	assert_int_equal(fixture_reader_next(r, &fe), 1);
	assert_int_equal(fe->line, 7);
	fixture_event_free(fe);
	assert_int_equal(fixture_reader_next(r, &fe), 0);
	assert_null(fe);
}

static void test_context(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	_cleanup_(state_freep) State *s = state_new();
	FixtureEvent *fe;
	Proc *p, *a;
	FdInfo *f;

	(void)state;
	fe = parse_ok(r, "{\"type\":\"read\",\"tid\":101,\"pid\":100,\"args\":{\"res\":5,\"fd\":7},"
			 "\"proc\":{\"comm\":\"nginx\",\"exe\":\"nginx\",\"args\":[\"-g\",\"daemon off;\"],"
			 "\"uid\":33,\"cap_effective\":\"CAP_NET_BIND_SERVICE\",\"cwd\":\"/\","
			 "\"ancestors\":[{\"comm\":\"containerd-shim\"},{\"comm\":\"systemd\",\"pid\":1}]},"
			 "\"fd\":{\"type\":\"ipv4\",\"tuple\":\"10.0.0.5:80->10.0.0.9:41000\","
			 "\"is_server\":false},"
			 "\"container\":{\"id\":\"" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
			 "\",\"name\":\"web\",\"image\":\"nginx:1.25\",\"labels\":{\"app\":\"web\"}}}");
	assert_int_equal(fe->nprocs, 3);
	assert_int_equal(fixture_event_apply(fe, s), 0);
	p = state_get_thread(s, 101);
	assert_non_null(p);
	assert_int_equal(p->pid, 100);
	assert_string_equal(p->comm, "nginx");
	assert_int_equal(p->args_len, strlen("-g") + 1 + strlen("daemon off;"));
	assert_int_equal(p->uid, 33);
	assert_int_equal(p->cap_effective, 1ull << 10);
	a = state_ancestor(s, p, 1);
	assert_non_null(a);
	assert_string_equal(a->comm, "containerd-shim");
	assert_true(a->pid >= FIXTURE_SYNTHETIC_PID_BASE);
	a = state_ancestor(s, p, 2);
	assert_string_equal(a->comm, "systemd");
	assert_int_equal(a->pid, 1);
	assert_null(state_ancestor(s, p, 3));
	/* the thread joined the line's container */
	assert_non_null(p->container);
	assert_string_equal(p->container->id, "0123456789ab");
	assert_string_equal(p->container->name, "web");
	assert_string_equal(p->container->image_tag, "1.25");
	assert_int_equal(p->container->nlabels, 1);
	/* the fd took the event's fd number and Falco's socket name */
	f = fdtable_get(p->fds, 7);
	assert_non_null(f);
	assert_int_equal(f->type, FD_IPV4_SOCK);
	assert_string_equal(f->name, "10.0.0.5:80->10.0.0.9:41000");
	assert_int_equal(f->dport, 41000);
	/* the same line again reuses the synthetic ancestors */
	assert_int_equal(fixture_event_apply(fe, s), 0);
	assert_int_equal(state_nthreads(s), 4); /* 1, the shim, 100 and 101 */
	fixture_event_free(fe);
}

/* Encode line, write it back, read that again: same record bytes, same text. */
static void roundtrip(FixtureReader *r, const char *line)
{
	_cleanup_(fixture_event_freep) FixtureEvent *a = NULL, *b = NULL;
	StrBuf w1 = { 0 }, w2 = { 0 };

	a = parse_ok(r, line);
	assert_true(a->has_event);
	assert_int_equal(fixture_write_event(&w1, &a->evt, 0), 0);
	b = parse_ok(r, strbuf_str(&w1));
	if (a->record_len != b->record_len || memcmp(a->record, b->record, a->record_len) != 0)
		fail_msg("record differs after round trip:\n in:  %s\n out: %s", line,
			 strbuf_str(&w1));
	assert_int_equal(fixture_write_event(&w2, &b->evt, 0), 0);
	assert_string_equal(strbuf_str(&w1), strbuf_str(&w2));
	strbuf_done(&w1);
	strbuf_done(&w2);
}

static void test_roundtrip(void **state)
{
	static const char *const lines[] = {
		"{\"type\":\"openat\",\"ts\":5,\"tid\":1,\"pid\":1,\"args\":{\"fd\":3,\"dirfd\":-100,"
		"\"name\":\"/etc/shadow\",\"name_abs\":\"/etc/shadow\",\"flags\":\"O_RDONLY|O_CLOEXEC\","
		"\"mode\":\"0\",\"dev\":2049,\"ino\":12}}",
		"{\"type\":\"execve\",\"ts\":6,\"tid\":2,\"pid\":2,\"cpu\":7,\"args\":{\"res\":0,"
		"\"filename\":\"/bin/sh\",\"exe\":\"sh\",\"args\":[\"-c\",\"echo \\\"hi\\\"\\n\"],"
		"\"env\":[\"A=1\"],\"cwd\":\"/\",\"exepath\":\"/usr/bin/dash\","
		"\"exe_flags\":\"EXE_WRITABLE|EXE_UPPER_LAYER\",\"uid\":-1,\"cap_effective\":"
		"\"CAP_CHOWN|CAP_SYS_ADMIN\",\"cgroups\":\"0::/\",\"comm\":\"sh\",\"ptid\":1}}",
		"{\"type\":\"connect\",\"ts\":7,\"tid\":3,\"pid\":3,\"args\":{\"res\":-115,\"fd\":4,"
		"\"addr\":\"[::1]:22\",\"tuple\":\"[::1]:40000->[::1]:22\"}}",
		"{\"type\":\"connect\",\"ts\":8,\"tid\":3,\"pid\":3,\"args\":{\"res\":0,\"fd\":5,"
		"\"addr\":\"/run/a b.sock\",\"tuple\":\"1->2 /run/a b.sock\"}}",
		"{\"type\":\"sendto\",\"ts\":9,\"tid\":3,\"pid\":3,\"truncated\":true,\"args\":{\"res\":4,"
		"\"fd\":5,\"size\":4,\"addr\":\"family:16\",\"data\":{\"hex\":\"00010203\"}}}",
		"{\"type\":\"accept4\",\"ts\":10,\"tid\":3,\"pid\":3,\"args\":{\"fd\":6,\"listen_fd\":3,"
		"\"tuple\":{\"tuple\":\"1.1.1.1:1->2.2.2.2:2\",\"proto\":\"udp\"},\"flags\":0}}",
		"{\"type\":\"unlink\",\"ts\":11,\"tid\":3,\"pid\":3,\"args\":{\"res\":-13,"
		"\"path\":{\"hex\":\"2f746d702fff\"},\"path_abs\":{\"faulted\":true}}}",
		"{\"type\":\"procexit\",\"ts\":12,\"tid\":3,\"pid\":3,\"args\":{\"status\":9,\"ret\":0,"
		"\"sig\":\"SIGKILL\",\"core\":0,\"reaper_tid\":1}}",
		"{\"type\":\"mmap\",\"ts\":13,\"tid\":3,\"pid\":3,\"compat\":true,\"args\":{"
		"\"res\":\"18446744073709551615\",\"prot\":\"PROT_READ|PROT_EXEC\",\"fd\":-1}}",
		"{\"type\":\"execve_e\",\"ts\":14,\"tid\":3,\"pid\":3,\"args\":{\"filename\":\"\xc3\xa9t\xc3\xa9\"}}",
	};
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	size_t i;

	(void)state;
	for (i = 0; i < ELEMENTSOF(lines); i++)
		roundtrip(r, lines[i]);
}

/* Records the text forms cannot carry must still come back byte for byte. */
static void test_roundtrip_raw(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	/* unlink: res 8 bytes, path (invalid UTF-8), path_abs (sockaddr-like garbage irrelevant) */
	uint8_t rec[128] = { 0 };
	struct saker_event_hdr *h = (void *)rec;
	uint16_t lens[3] = { 8, 4, 3 };
	int64_t res = -1;
	SkEvent e;
	StrBuf w = { 0 };
	_cleanup_(fixture_event_freep) FixtureEvent *fe = NULL;

	(void)state;
	h->ts = 99;
	h->tid = h->pid = 4;
	h->type = SAKER_EVT_UNLINK;
	h->nparams = 3;
	memcpy(rec + 32, lens, sizeof(lens));
	memcpy(rec + 38, &res, 8);
	memcpy(rec + 46, "\xff\xfe\x80", 4);
	memcpy(rec + 50, "/a", 3);
	h->len = (uint32_t)ALIGN_TO((size_t)53, 8);
	assert_int_equal(sk_event_decode(rec, sizeof(rec), &e), (int)h->len);
	assert_int_equal(fixture_write_event(&w, &e, 0), 0);
	assert_non_null(strstr(strbuf_str(&w), "\"path\":{\"hex\":\"fffe80\"}"));
	fe = parse_ok(r, strbuf_str(&w));
	assert_int_equal(fe->record_len, h->len);
	assert_memory_equal(fe->record, rec, h->len);
	strbuf_done(&w);
}

static void test_write_context(void **state)
{
	_cleanup_(fixture_reader_freep) FixtureReader *r = reader();
	_cleanup_(state_freep) State *s = state_new(), *s2 = state_new();
	FixtureEvent *fe;
	StrBuf w = { 0 };
	Proc *p, *q;
	FdInfo *f;
	size_t i;

	(void)state;
	fe = parse_ok(r, "{\"proc\":{\"tid\":9,\"pid\":9,\"ptid\":1,\"comm\":\"sshd\",\"exe\":\"/usr/sbin/sshd\","
			 "\"args\":[\"-D\",\"\"],\"env\":[\"LANG=C\"],\"cwd\":\"/\",\"uid\":0,\"loginuid\":-1,"
			 "\"cgroups\":\"/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\","
			 "\"exe_flags\":\"EXE_UPPER_LAYER\",\"pidns\":4026531836,\"clone_ts\":77,\"tty\":34816},"
			 "\"fds\":[{\"fd\":3,\"type\":\"ipv6\",\"tuple\":\"[::1]:22->[::2]:5000\",\"is_server\":true},"
			 "{\"fd\":4,\"name\":\"/var/log/auth.log\",\"flags\":\"O_WRONLY|O_APPEND\",\"ino\":5}]}");
	assert_int_equal(fixture_event_apply(fe, s), 0);
	fixture_event_free(fe);
	p = state_get_thread(s, 9);
	assert_non_null(p);
	/* write the state out as context lines, read them into another state */
	assert_int_equal(fixture_write_container(&w, p->container), 0);
	strbuf_putc(&w, '\n');
	assert_int_equal(fixture_write_proc(&w, p, 0), 0);
	for (i = 3; i <= 4; i++) {
		strbuf_putc(&w, '\n');
		assert_int_equal(fixture_write_fd(&w, 9, 9, fdtable_get(p->fds, (int64_t)i)), 0);
	}
	fixture_reader_set_input(r, strbuf_str(&w), w.len);
	while (fixture_reader_next(r, &fe) == 1) {
		assert_int_equal(fixture_event_apply(fe, s2), 0);
		fixture_event_free(fe);
	}
	if (fixture_reader_error(r)[0])
		fail_msg("%s\n%s", fixture_reader_error(r), strbuf_str(&w));
	q = state_get_thread(s2, 9);
	assert_non_null(q);
	assert_string_equal(q->comm, "sshd");
	assert_int_equal(q->args_len, p->args_len);
	assert_memory_equal(q->args, p->args, p->args_len + 1);
	assert_int_equal(q->env_len, p->env_len);
	assert_int_equal(q->loginuid, UINT32_MAX);
	assert_int_equal(q->ptid, 1);
	assert_int_equal(q->exe_flags, SAKER_EXE_UPPER_LAYER);
	assert_int_equal(q->pidns, 4026531836ull);
	assert_int_equal(q->clone_ts, 77);
	assert_int_equal(q->tty, 34816);
	assert_non_null(q->container);
	assert_string_equal(q->container->full_id, p->container->full_id);
	assert_string_equal(q->container->runtime, "docker");
	f = fdtable_get(q->fds, 3);
	assert_non_null(f);
	assert_int_equal(f->type, FD_IPV6_SOCK);
	assert_string_equal(f->name, "::1:22->::2:5000");
	assert_true(f->is_server);
	assert_int_equal(f->l4proto, 6);
	f = fdtable_get(q->fds, 4);
	assert_string_equal(f->name, "/var/log/auth.log");
	assert_int_equal(f->flags, O_WRONLY | O_APPEND);
	assert_int_equal(f->ino, 5);
	strbuf_done(&w);
}

static void test_sockaddr_text(void **state)
{
	StrBuf sb = { 0 };
	SkSockaddr a;
	SkTuple t;

	(void)state;
	assert_int_equal(sk_sockaddr_parse("1.2.3.4:80", &a), 0);
	assert_int_equal(a.family, SAKER_AF_INET);
	assert_int_equal(sk_sockaddr_parse("[fe80::1]:0", &a), 0);
	assert_int_equal(sk_sockaddr_format(&sb, &a, true), 0);
	assert_string_equal(strbuf_str(&sb), "[fe80::1]:0");
	strbuf_reset(&sb);
	assert_int_equal(sk_sockaddr_format(&sb, &a, false), 0);
	assert_string_equal(strbuf_str(&sb), "fe80::1:0");
	assert_true(sk_sockaddr_parse("1.2.3.4", &a) < 0);
	assert_true(sk_sockaddr_parse("1.2.3.4:65536", &a) < 0);
	assert_true(sk_sockaddr_parse("fe80::1:22", &a) < 0); /* needs brackets */
	assert_true(sk_sockaddr_parse("[fe80::1]22", &a) < 0);
	assert_true(sk_sockaddr_parse("family:2", &a) < 0);
	assert_int_equal(sk_tuple_parse("0x10->0x20", &t), 0);
	assert_int_equal(t.family, SAKER_AF_UNIX);
	assert_int_equal(t.path_len, 0);
	assert_true(sk_tuple_parse("1.2.3.4:1->[::1]:2", &t) < 0);
	assert_true(sk_tuple_parse("1.2.3.4:1", &t) < 0);
	/* truncated payloads are rejected */
	assert_true(sk_tuple_decode("\x02\x00\x06\x00\x01", 5, &t) < 0);
	assert_true(sk_sockaddr_decode("\x0a\x00\x01", 3, &a) < 0);
	strbuf_done(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_openat),
		cmocka_unit_test(test_encode_types),
		cmocka_unit_test(test_times_and_ids),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_reader_next),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_raw),
		cmocka_unit_test(test_write_context),
		cmocka_unit_test(test_sockaddr_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
