// SPDX-License-Identifier: MIT
/*
 * Unit tests for the field extractors, part two: proc.*, thread.*, user.*,
 * group.*, fd.*, fs.path.*, container.* and k8s.* over a real State
 * (processes, fd tables, users, containers).  Run by test-fields.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fieldtest.h"

/* ---- proc.*, thread.*, user.*, group.* ---- */

static void test_proc_basic(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "proc.name"), "python3");
	assert_string_equal(S(t, "proc.exe"), "/usr/bin/python3");
	assert_string_equal(S(t, "proc.exepath"), "/usr/bin/python3.11");
	assert_string_equal(S(t, "proc.args"), "-c print(1)");
	assert_string_equal(S(t, "proc.cmdline"), "python3 -c print(1)");
	assert_string_equal(S(t, "proc.exeline"), "/usr/bin/python3 -c print(1)");
	assert_int_equal(U(t, "proc.cmdnargs"), 2);
	assert_int_equal(U(t, "proc.cmdlenargs"), 10);
	assert_string_equal(S(t, "proc.env"), "A=1 B=2 HOME=/root");
	assert_string_equal(S(t, "proc.env[B]"), "2");
	assert_string_equal(S(t, "proc.env[HOME]"), "/root");
	assert_string_equal(S(t, "proc.env[C]"), "");
	assert_string_equal(S(t, "proc.env[A=1]"), "");
	assert_string_equal(S(t, "proc.cwd"), "/srv/app");
	assert_int_equal(N(t, "proc.pid"), 400);
	assert_int_equal(N(t, "proc.ppid"), 300);
	assert_int_equal(N(t, "proc.vpid"), 400);
	assert_int_equal(N(t, "proc.pvpid"), 300);
	assert_int_equal(N(t, "thread.tid"), 400);
	assert_int_equal(N(t, "thread.vtid"), 400);
	assert_true(B(t, "thread.ismain"));
	assert_int_equal(U(t, "proc.tty"), 34816);
	assert_int_equal(N(t, "proc.sid"), 200);
	assert_int_equal(N(t, "proc.vpgid"), 300);
	assert_false(B(t, "proc.is_sid_leader"));
	assert_false(B(t, "proc.is_vpgid_leader"));
	assert_true(B(t, "proc.is_exe_writable"));
	assert_true(B(t, "proc.is_exe_upper_layer"));
	assert_false(B(t, "proc.is_exe_from_memfd"));
	assert_false(B(t, "proc.is_exe_lower_layer"));
	assert_int_equal(N(t, "proc.exe_ino"), 777);
	NA(t, "proc.exe_ino.ctime");
	NA(t, "proc.pidns_init_start_ts");
	assert_false(B(t, "proc.is_container_healthcheck"));
	assert_int_equal(U(t, "proc.duration"), TS - 400000000ull);
	assert_int_equal(U(t, "proc.pid.ts"), BOOT_TO_REAL + 400000000ull);
	NA(t, "proc.ppid.duration"); /* the parent's start is unknown */
	assert_string_equal(S(t, "thread.cap_effective"), "CAP_DAC_OVERRIDE CAP_SYS_ADMIN");
	assert_string_equal(S(t, "thread.cap_permitted"), "");
	NA(t, "thread.cgroups");
	assert_int_equal(U(t, "proc.fdopencount"), 0);
	t_free(t);
}

static void test_proc_parents(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "proc.pname"), "sudo");
	assert_string_equal(S(t, "proc.pexe"), "sudo");
	assert_string_equal(S(t, "proc.pexepath"), "/usr/bin/sudo");
	assert_string_equal(S(t, "proc.pcmdline"), "sudo");
	assert_string_equal(S(t, "proc.aname[0]"), "python3");
	assert_string_equal(S(t, "proc.aname[1]"), "sudo");
	assert_string_equal(S(t, "proc.aname[2]"), "bash");
	assert_string_equal(S(t, "proc.aname[3]"), "sshd");
	assert_string_equal(S(t, "proc.aname[4]"), "systemd");
	NA(t, "proc.aname[5]");
	NA(t, "proc.aname[64]");
	NA(t, "proc.aname[1000]");
	assert_string_equal(S(t, "proc.acmdline[2]"), "bash -l");
	assert_string_equal(S(t, "proc.aexe[2]"), "-bash");
	assert_string_equal(S(t, "proc.aexepath[3]"), "/usr/sbin/sshd");
	assert_int_equal(N(t, "proc.apid[3]"), 100);
	/* without an index: every ancestor, not the process itself */
	assert_string_equal(MS(t, "proc.aname"), "sudo,bash,sshd,systemd");
	assert_string_equal(MS(t, "proc.aexepath"),
			    "/usr/bin/sudo,/usr/bin/bash,/usr/sbin/sshd,/usr/lib/systemd/systemd");
	assert_int_equal(X(t, "proc.apid")->n, 4);
	assert_int_equal(X(t, "proc.apid")->v[1].num, 200);
	/* environment lookups in the lineage */
	assert_string_equal(S(t, "proc.aenv[SHELL]"), "/bin/bash");
	assert_string_equal(S(t, "proc.aenv[NOPE]"), "");
	assert_string_equal(S(t, "proc.aenv[2]"), "HOME=/home/alice SHELL=/bin/bash");
	assert_string_equal(S(t, "proc.aenv[0]"), "A=1 B=2 HOME=/root");
	/* session and process group leaders */
	assert_string_equal(S(t, "proc.sname"), "bash");
	assert_string_equal(S(t, "proc.sid.exe"), "-bash");
	assert_string_equal(S(t, "proc.sid.exepath"), "/usr/bin/bash");
	assert_string_equal(S(t, "proc.vpgid.name"), "sudo");
	assert_string_equal(S(t, "proc.vpgid.exepath"), "/usr/bin/sudo");
	assert_int_equal(N(t, "proc.loginshellid"), 200);

	/* a second thread: its own name and tid, the process's relatives */
	kill_event(t, 401, 400, 1, 0);
	assert_string_equal(S(t, "proc.name"), "worker");
	assert_int_equal(N(t, "proc.pid"), 400);
	assert_int_equal(N(t, "thread.tid"), 401);
	assert_false(B(t, "thread.ismain"));
	assert_string_equal(S(t, "proc.aname[0]"), "python3");
	assert_string_equal(S(t, "proc.pname"), "sudo");
	assert_int_equal(N(t, "proc.ppid"), 300);
	assert_string_equal(MS(t, "proc.aname"), "sudo,bash,sshd,systemd");
	assert_int_equal(U(t, "proc.duration"), TS - 600000000ull);

	/* the session leader itself */
	kill_event(t, 200, 200, 1, 0);
	assert_true(B(t, "proc.is_sid_leader"));
	assert_true(B(t, "proc.is_vpgid_leader"));
	assert_string_equal(S(t, "proc.sname"), "bash");
	assert_int_equal(N(t, "proc.loginshellid"), 200);
	assert_string_equal(S(t, "proc.aenv[0]"), "HOME=/home/alice SHELL=/bin/bash");

	/* the top of the tree: no parent, no ancestors */
	kill_event(t, 1, 1, 1, 0);
	NA(t, "proc.pname");
	NA(t, "proc.pcmdline");
	NA(t, "proc.aname");
	NA(t, "proc.aname[1]");
	assert_string_equal(S(t, "proc.aname[0]"), "systemd");
	NA(t, "proc.loginshellid");
	t_free(t);
}

static void test_proc_loop_and_missing(void **state)
{
	T *t = t_new();

	/* a corrupted chain: 10 and 11 are each other's parent */
	mkproc(t, &(ProcSpec){ .tid = 10, .ptid = 11, .comm = "a" });
	mkproc(t, &(ProcSpec){ .tid = 11, .ptid = 10, .comm = "b" });
	kill_event(t, 10, 10, 1, 0);
	assert_string_equal(MS(t, "proc.aname"), "b");
	assert_string_equal(S(t, "proc.aname[1]"), "b");
	NA(t, "proc.aname[2]");
	assert_string_equal(S(t, "proc.sname"), "a");

	/* an event of a thread the table does not know */
	kill_event(t, 77, 77, 1, 0);
	NA(t, "proc.name");
	NA(t, "proc.pid");
	NA(t, "proc.cmdline");
	NA(t, "proc.aname");
	NA(t, "user.name");
	NA(t, "container.id");
	NA(t, "thread.vtid");
	assert_int_equal(N(t, "thread.tid"), 77); /* from the event itself */
	assert_string_equal(S(t, "evt.type"), "kill");
	t_free(t);
}

static void test_proc_empty_strings(void **state)
{
	T *t = t_new();

	mkproc(t, &(ProcSpec){ .tid = 5, .comm = "k" });
	kill_event(t, 5, 5, 1, 0);
	assert_string_equal(S(t, "proc.args"), "");
	assert_string_equal(S(t, "proc.cmdline"), "k");
	assert_string_equal(S(t, "proc.exeline"), "k ");
	assert_int_equal(U(t, "proc.cmdnargs"), 0);
	assert_string_equal(S(t, "proc.env"), "");
	assert_string_equal(S(t, "proc.exepath"), "");
	NA(t, "proc.exe_ino");
	NA(t, "proc.duration");
	/* one empty argument is still an argument */
	{
		static const char one_empty[] = "";
		ProcSpec ps = { .tid = 6, .comm = "sh", .args = one_empty, .args_len = 1 };

		mkproc(t, &ps);
		kill_event(t, 6, 6, 1, 0);
		assert_string_equal(S(t, "proc.cmdline"), "sh ");
		assert_int_equal(U(t, "proc.cmdnargs"), 1);
	}
	t_free(t);
}

static void test_user_group(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 200, 200, 1, 0);
	assert_int_equal(U(t, "user.uid"), 1000);
	assert_string_equal(S(t, "user.name"), "alice");
	assert_string_equal(S(t, "user.homedir"), "/home/alice");
	assert_string_equal(S(t, "user.shell"), "/bin/bash");
	assert_int_equal(N(t, "user.loginuid"), 1000);
	assert_string_equal(S(t, "user.loginname"), "alice");
	assert_int_equal(U(t, "group.gid"), 1000);
	assert_string_equal(S(t, "group.name"), "alice");

	kill_event(t, 100, 100, 1, 0);
	assert_int_equal(N(t, "user.loginuid"), -1); /* unset: 4294967295 */
	assert_string_equal(S(t, "user.loginname"), "<NA>");
	assert_string_equal(S(t, "user.name"), "root");
	assert_string_equal(S(t, "group.name"), "root"); /* gid 0 without an entry */

	mkproc(t, &(ProcSpec){ .tid = 9, .comm = "x", .euid = 4242, .egid = 4242 });
	kill_event(t, 9, 9, 1, 0);
	assert_string_equal(S(t, "user.name"), "<NA>");
	assert_string_equal(S(t, "user.homedir"), "<NA>");
	assert_string_equal(S(t, "user.shell"), "<NA>");
	assert_string_equal(S(t, "group.name"), "<NA>");
	t_free(t);
}

static void test_proc_stdio(void **state)
{
	T *t = t_new();
	FdInfo *f;

	tree(t);
	mkfd(t, 400, 0, FD_PIPE, "pipe:[1234]");
	f = mkfd(t, 400, 1, FD_IPV4_SOCK, "10.0.0.5:40000->1.2.3.4:4444");
	(void)f;
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "proc.stdin.type"), "pipe");
	assert_string_equal(S(t, "proc.stdout.type"), "ipv4");
	NA(t, "proc.stderr.type");
	assert_string_equal(S(t, "proc.stdin.name"), "pipe:[1234]");
	assert_string_equal(S(t, "proc.stdout.name"), "10.0.0.5:40000->1.2.3.4:4444");
	assert_int_equal(U(t, "proc.fdopencount"), 2);
	assert_string_equal(S(t, "fd.types[1]"), "ipv4");
	NA(t, "fd.types[2]");
	assert_int_equal(X(t, "fd.types")->n, 2);
	t_free(t);
}

/* ---- fd.* ---- */

static FdInfo *mksock(T *t, int64_t tid, int64_t fd, const char *name, bool server,
		      bool connected)
{
	FdInfo tmpl = { .fd = fd, .type = FD_IPV4_SOCK, .name = (char *)name, .l4proto = 6,
			.family = 2, .is_server = server, .connected = connected },
	       *f = NULL;

	if (server) { /* accepted: the client is remote */
		set_ip4(tmpl.saddr, 5, 6, 7, 8);
		tmpl.sport = 5555;
		set_ip4(tmpl.daddr, 10, 0, 0, 5);
		tmpl.dport = 22;
	} else {
		set_ip4(tmpl.saddr, 10, 0, 0, 5);
		tmpl.sport = 40000;
		set_ip4(tmpl.daddr, 1, 2, 3, 4);
		tmpl.dport = 443;
	}
	assert_int_equal(state_upsert_fd_snapshot(t->s, tid, &tmpl, &f), 0);
	return f;
}

static void connect_event(T *t, int64_t tid, int64_t res, int64_t fd)
{
	evbuild_begin(SAKER_EVT_CONNECT, TS, (uint32_t)tid, (uint32_t)tid);
	evbuild_s64(res);
	evbuild_s64(fd);
	evbuild_sockaddr_in("1.2.3.4", 443);
	if (res == 0 || res == -115)
		evbuild_tuple_in(6, "10.0.0.5", 40000, "1.2.3.4", 443);
	else
		evbuild_empty();
	t_event(t, tid);
	t_fd(t, fd);
}

static void test_dns(void *ud, const IpAddr *ip, uint64_t ts, FieldDnsNames *names)
{
	(void)ts;
	if (ip->family == 4 && ip->addr[0] == 1 && ip->addr[3] == 4)
		field_dns_names_add(names, ud, strlen(ud));
}

static void test_fd_connect(void **state)
{
	T *t = t_new();
	const FieldValues *v;

	tree(t);
	mksock(t, 400, 5, "10.0.0.5:40000->1.2.3.4:443", false, true);
	connect_event(t, 400, 0, 5);
	assert_int_equal(N(t, "fd.num"), 5);
	assert_string_equal(S(t, "fd.name"), "10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "fd.type"), "ipv4");
	assert_string_equal(S(t, "fd.typechar"), "4");
	assert_string_equal(IP(t, "fd.cip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.sip"), "4:1.2.3.4/32");
	assert_string_equal(IP(t, "fd.lip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.rip"), "4:1.2.3.4/32");
	assert_string_equal(IP(t, "fd.snet"), "4:1.2.3.4/32");
	assert_int_equal(X(t, "fd.snet")->v[0].type, FT_IPNET);
	assert_int_equal(U(t, "fd.cport"), 40000);
	assert_int_equal(U(t, "fd.sport"), 443);
	assert_int_equal(U(t, "fd.lport"), 40000);
	assert_int_equal(U(t, "fd.rport"), 443);
	assert_string_equal(S(t, "fd.sproto"), "443");
	assert_string_equal(S(t, "fd.lproto"), "40000");
	v = X(t, "fd.ip");
	assert_int_equal(v->n, 2);
	assert_int_equal(v->v[0].ip.addr[0], 10);
	assert_int_equal(v->v[1].ip.addr[0], 1);
	v = X(t, "fd.port");
	assert_int_equal(v->n, 2);
	assert_int_equal(v->v[0].unum, 40000);
	assert_int_equal(v->v[1].unum, 443);
	assert_int_equal(X(t, "fd.net")->n, 2);
	assert_string_equal(S(t, "fd.l4proto"), "tcp");
	assert_string_equal(S(t, "fd.sockfamily"), "ip");
	assert_false(B(t, "fd.is_server"));
	assert_true(B(t, "fd.connected"));
	assert_false(B(t, "fd.name_changed"));
	NA(t, "fd.directory");
	NA(t, "fd.filename");
	assert_string_equal(S(t, "fd.uid"), "4005");
	assert_string_equal(S(t, "fd.containername"), "host:10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "evt.arg.tuple"), "10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "evt.arg.addr"), "1.2.3.4:443");
	assert_string_equal(S(t, "evt.arg.fd"), "<4t>10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "evt.res"), "SUCCESS");

	/* domain names only through the DNS hook */
	NA(t, "fd.sip.name");
	field_set_dns_names(test_dns, (void *)"api.example.com");
	assert_string_equal(S(t, "fd.sip.name"), "api.example.com");
	assert_string_equal(S(t, "fd.rip.name"), "api.example.com");
	NA(t, "fd.cip.name");
	field_set_dns_names(NULL, NULL);
	NA(t, "fd.sip.name");

	/* in progress: the tuple from the event */
	connect_event(t, 400, -115, 5);
	assert_string_equal(S(t, "evt.res"), "EINPROGRESS");
	assert_string_equal(S(t, "fd.name"), "10.0.0.5:40000->1.2.3.4:443");
	assert_string_equal(S(t, "fd.typechar"), "4");

	/* refused, no tuple: the address the program asked for */
	connect_event(t, 400, -111, 5);
	assert_string_equal(S(t, "evt.res"), "ECONNREFUSED");
	assert_string_equal(S(t, "fd.name"), "1.2.3.4:443");
	t_free(t);
}

static void test_fd_accept_and_listen(void **state)
{
	T *t = t_new();
	FdInfo tmpl = { .fd = 3, .type = FD_IPV4_SOCK, .name = "0.0.0.0:22", .l4proto = 6,
			.is_server = true },
	       *f;
	const FieldValues *v;

	tree(t);
	mksock(t, 400, 8, "5.6.7.8:5555->10.0.0.5:22", true, true);
	evbuild_begin(SAKER_EVT_ACCEPT4, TS, 400, 400);
	evbuild_s64(8);
	evbuild_s64(3);
	evbuild_tuple_in(6, "5.6.7.8", 5555, "10.0.0.5", 22);
	evbuild_u32(02000000);
	t_event(t, 400);
	t_fd(t, 8);
	assert_int_equal(N(t, "fd.num"), 8);
	assert_true(B(t, "fd.is_server"));
	assert_string_equal(IP(t, "fd.cip"), "4:5.6.7.8/32");
	assert_string_equal(IP(t, "fd.sip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.lip"), "4:10.0.0.5/32");
	assert_string_equal(IP(t, "fd.rip"), "4:5.6.7.8/32");
	assert_int_equal(U(t, "fd.lport"), 22);
	assert_int_equal(U(t, "fd.rport"), 5555);
	assert_int_equal(U(t, "fd.sport"), 22);
	assert_string_equal(S(t, "evt.arg.flags"), "SOCK_CLOEXEC");
	assert_string_equal(S(t, "evt.arg.listen_fd"), "3");

	/* a listening socket knows only its own (server) address */
	set_ip4(tmpl.daddr, 0, 0, 0, 0);
	tmpl.dport = 22;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &tmpl, &f), 0);
	evbuild_begin(SAKER_EVT_LISTEN, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(3);
	evbuild_s32(128);
	t_event(t, 400);
	t_fd(t, 3);
	assert_true(B(t, "fd.is_server"));
	assert_string_equal(IP(t, "fd.sip"), "4:0.0.0.0/32");
	NA(t, "fd.cip");
	NA(t, "fd.lip");
	NA(t, "fd.cport");
	assert_int_equal(U(t, "fd.sport"), 22);
	v = X(t, "fd.ip");
	assert_int_equal(v->n, 1);
	v = X(t, "fd.port");
	assert_int_equal(v->n, 1);
	assert_int_equal(v->v[0].unum, 22);
	assert_string_equal(S(t, "evt.arg.backlog"), "128");

	/* accept that failed: no fd, the typechar Falco guesses */
	evbuild_begin(SAKER_EVT_ACCEPT, TS, 400, 400);
	evbuild_s64(-11);
	evbuild_s64(3);
	evbuild_empty();
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), -1);
	assert_string_equal(S(t, "fd.typechar"), "4");
	assert_string_equal(S(t, "fd.name"), "");
	NA(t, "fd.type");
	NA(t, "fd.directory");
	t_free(t);
}

static void test_fd_ipv6_and_unix(void **state)
{
	T *t = t_new();
	FdInfo v6 = { .fd = 6, .type = FD_IPV6_SOCK, .name = "x", .l4proto = 17, .connected = true },
	       ux = { .fd = 7, .type = FD_UNIX_SOCK, .name = "/run/docker.sock" }, *f;
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 9 };

	tree(t);
	v6.saddr[15] = 1; /* ::1 */
	v6.sport = 1000;
	memcpy(v6.daddr, mapped, 16);
	v6.dport = 53;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &v6, &f), 0);
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &ux, &f), 0);

	evbuild_begin(SAKER_EVT_SENDTO, TS, 400, 400);
	evbuild_s64(10);
	evbuild_s64(6);
	evbuild_u64(10);
	evbuild_sockaddr_in6("::ffff:192.168.1.9", 53);
	evbuild_bytes("0123456789", 10);
	t_event(t, 400);
	t_fd(t, 6);
	assert_string_equal(IP(t, "fd.cip"), "6:0000..01/128");
	assert_string_equal(IP(t, "fd.sip"), "4:192.168.1.9/32"); /* mapped: as IPv4 */
	assert_string_equal(S(t, "fd.l4proto"), "udp");
	assert_string_equal(S(t, "fd.typechar"), "6");
	assert_false(B(t, "fd.name_changed")); /* connected */
	assert_string_equal(S(t, "evt.arg.addr"), "192.168.1.9:53");
	assert_true(B(t, "evt.is_io_write"));
	assert_int_equal(U(t, "evt.buflen"), 10);
	assert_int_equal(U(t, "evt.count.error.net"), 0);

	evbuild_begin(SAKER_EVT_CONNECT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(7);
	evbuild_sockaddr_un("/run/docker.sock");
	evbuild_tuple_un(0xffff1, 0xffff2, "/run/docker.sock");
	t_event(t, 400);
	t_fd(t, 7);
	assert_string_equal(S(t, "fd.sockfamily"), "unix");
	assert_string_equal(S(t, "fd.l4proto"), "<NA>");
	assert_string_equal(S(t, "fd.typechar"), "u");
	assert_string_equal(S(t, "fd.name"), "/run/docker.sock");
	NA(t, "fd.sip");
	NA(t, "fd.ip");
	NA(t, "fd.sport");
	assert_false(B(t, "fd.is_server"));
	assert_string_equal(S(t, "evt.arg.tuple"), "ffff1->ffff2 /run/docker.sock");
	assert_string_equal(S(t, "evt.arg.addr"), "/run/docker.sock");
	t_free(t);
}

static void test_fd_name_changed(void **state)
{
	T *t = t_new();
	FdInfo u = { .fd = 6, .type = FD_IPV4_SOCK, .name = "x", .l4proto = 17 }, *f;

	tree(t);
	set_ip4(u.saddr, 10, 0, 0, 5);
	u.sport = 999;
	set_ip4(u.daddr, 8, 8, 8, 8);
	u.dport = 53;
	assert_int_equal(state_upsert_fd_snapshot(t->s, 400, &u, &f), 0);
	evbuild_begin(SAKER_EVT_SENDTO, TS, 400, 400);
	evbuild_s64(10);
	evbuild_s64(6);
	evbuild_u64(10);
	evbuild_sockaddr_in("8.8.8.8", 53);
	t_event(t, 400);
	t_fd(t, 6);
	assert_true(B(t, "fd.name_changed"));
	assert_false(B(t, "fd.connected"));
	assert_string_equal(S(t, "fd.l4proto"), "udp");
	t_free(t);
}

static void test_fd_files_and_misc(void **state)
{
	T *t = t_new();
	FdInfo *f;

	tree(t);
	f = mkfd(t, 400, 3, FD_FILE, "/var/log/syslog");
	f->dev = (8u << 8) | 3u;
	f->ino = 99;
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(3);
	t_event(t, 400);
	t_fd(t, 3);
	assert_int_equal(N(t, "fd.num"), 3);
	assert_string_equal(S(t, "fd.name"), "/var/log/syslog");
	assert_string_equal(S(t, "fd.nameraw"), "/var/log/syslog");
	assert_string_equal(S(t, "fd.directory"), "/var/log");
	assert_string_equal(S(t, "fd.filename"), "syslog");
	assert_string_equal(S(t, "fd.containerdirectory"), "host:/var/log");
	assert_int_equal(N(t, "fd.dev"), (8 << 8) | 3);
	assert_int_equal(N(t, "fd.dev.major"), 8);
	assert_int_equal(N(t, "fd.dev.minor"), 3);
	assert_int_equal(N(t, "fd.ino"), 99);
	assert_string_equal(S(t, "fd.l4proto"), "<NA>");
	NA(t, "fd.sockfamily");
	NA(t, "fd.cip");
	assert_false(B(t, "fd.is_server"));
	NA(t, "fs.path.name"); /* close is no path operation */

	/* the table is used when the updater did not point at the fd */
	evbuild_begin(SAKER_EVT_FCHMOD, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(3);
	evbuild_u32(0600);
	t_event(t, 400);
	assert_string_equal(S(t, "fd.name"), "/var/log/syslog");
	assert_string_equal(S(t, "fs.path.name"), "/var/log/syslog");
	assert_string_equal(S(t, "evt.arg.mode"), "S_IWUSR|S_IRUSR");

	/* names edge cases of fd.directory and fd.filename */
	mkfd(t, 400, 4, FD_FILE, "/top");
	mkfd(t, 400, 5, FD_DIRECTORY, "/etc/ssh");
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(4);
	t_event(t, 400);
	assert_string_equal(S(t, "fd.directory"), "/");
	assert_string_equal(S(t, "fd.filename"), "top");
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(5);
	t_event(t, 400);
	assert_string_equal(S(t, "fd.directory"), "/etc/ssh");
	assert_string_equal(S(t, "fd.typechar"), "d");
	NA(t, "fd.filename");

	/* an fd event on an unknown fd: its number only */
	evbuild_begin(SAKER_EVT_CLOSE, TS, 400, 400);
	evbuild_s64(-9);
	evbuild_s64(42);
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), 42);
	assert_string_equal(S(t, "fd.name"), "");
	assert_string_equal(S(t, "fd.typechar"), "o");
	NA(t, "fd.type");
	NA(t, "fd.directory");
	assert_string_equal(S(t, "evt.res"), "EBADF");

	/* pipe: the first fd */
	evbuild_begin(SAKER_EVT_PIPE2, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(10);
	evbuild_s64(11);
	evbuild_u64(5555);
	evbuild_u32(02000000);
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), 10);
	assert_string_equal(S(t, "fd.typechar"), "p");
	assert_string_equal(S(t, "evt.arg.flags"), "O_CLOEXEC");

	/* dup onto stdout: the new fd */
	mksock(t, 400, 5, "10.0.0.5:40000->1.2.3.4:443", false, true);
	evbuild_begin(SAKER_EVT_DUP2, TS, 400, 400);
	evbuild_s64(1);
	evbuild_s64(5);
	evbuild_s64(1);
	t_event(t, 400);
	assert_int_equal(N(t, "fd.num"), 1);
	assert_int_equal(N(t, "evt.rawres"), 1);

	/* mmap's fd does not make it an fd event (as in Falco) */
	evbuild_begin(SAKER_EVT_MMAP, TS, 400, 400);
	evbuild_u64(0x7f0000000000ull);
	evbuild_u64(0);
	evbuild_u64(4096);
	evbuild_u32(5);
	evbuild_u32(2);
	evbuild_s64(3);
	evbuild_u64(0);
	t_event(t, 400);
	NA(t, "fd.name");
	assert_string_equal(S(t, "evt.arg.prot"), "PROT_READ|PROT_EXEC");
	assert_string_equal(S(t, "evt.arg.flags"), "MAP_PRIVATE");
	assert_string_equal(S(t, "evt.category"), "memory");
	assert_false(B(t, "evt.failed"));
	t_free(t);
}

static void test_fs_path(void **state)
{
	T *t = t_new();

	tree(t);
	evbuild_begin(SAKER_EVT_UNLINKAT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_s64(-100);
	evbuild_str("tmp//x");
	evbuild_str("/srv/app/tmp//x");
	evbuild_u32(0x200);
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.name"), "/srv/app/tmp/x");
	assert_string_equal(S(t, "fs.path.nameraw"), "tmp//x");
	NA(t, "fs.path.source");
	assert_string_equal(S(t, "evt.arg.flags"), "AT_REMOVEDIR");
	NA(t, "fd.name");
	NA(t, "fd.num");

	/* absolute paths as passed (Falco does not normalize them here) */
	evbuild_begin(SAKER_EVT_MKDIR, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/a//b/../c");
	evbuild_str("/a/c");
	evbuild_u32(0755);
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.name"), "/a//b/../c");
	assert_string_equal(S(t, "evt.arg.path"), "/a/c");
	assert_string_equal(S(t, "evt.arg.mode"), "0755");

	/* failed calls have none */
	evbuild_begin(SAKER_EVT_MKDIR, TS, 400, 400);
	evbuild_s64(-17);
	evbuild_str("/a");
	t_event(t, 400);
	NA(t, "fs.path.name");
	assert_string_equal(S(t, "evt.res"), "EEXIST");

	/* link: the new name is the source, the existing file the target */
	evbuild_begin(SAKER_EVT_LINK, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/etc/shadow");
	evbuild_str("/etc/shadow");
	evbuild_str("copy");
	evbuild_str("/srv/app/copy");
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.source"), "/srv/app/copy");
	assert_string_equal(S(t, "fs.path.sourceraw"), "copy");
	assert_string_equal(S(t, "fs.path.target"), "/etc/shadow");
	assert_string_equal(S(t, "evt.arg.oldpath"), "/etc/shadow");
	assert_string_equal(S(t, "evt.arg.newpath"), "/srv/app/copy");

	/* symlink: the link is the source; a relative target is taken from the cwd */
	evbuild_begin(SAKER_EVT_SYMLINKAT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("../../etc/passwd");
	evbuild_s64(-100);
	evbuild_str("/tmp/p");
	evbuild_str("/tmp/p");
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.source"), "/tmp/p");
	assert_string_equal(S(t, "fs.path.targetraw"), "../../etc/passwd");
	assert_string_equal(S(t, "fs.path.target"), "/etc/passwd");
	assert_string_equal(S(t, "evt.arg.target"), "/etc/passwd");
	assert_string_equal(S(t, "evt.rawarg.target"), "../../etc/passwd");
	assert_string_equal(S(t, "evt.arg.linkpath"), "/tmp/p");

	/* mount: device and directory */
	evbuild_begin(SAKER_EVT_MOUNT, TS, 400, 400);
	evbuild_s64(0);
	evbuild_str("/dev/sda1");
	evbuild_str("/mnt");
	evbuild_str("/mnt");
	evbuild_str("ext4");
	evbuild_u32(4096 | 16384);
	t_event(t, 400);
	assert_string_equal(S(t, "fs.path.source"), "/dev/sda1");
	assert_string_equal(S(t, "fs.path.target"), "/mnt");
	assert_string_equal(S(t, "evt.arg.flags"), "BIND|REC");
	assert_string_equal(S(t, "evt.arg.type"), "ext4");
	t_free(t);
}

/* ---- container.*, k8s.* ---- */

static void test_container_host(void **state)
{
	T *t = t_new();

	tree(t);
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "container.id"), "host");
	assert_string_equal(S(t, "container.full_id"), "host");
	assert_string_equal(S(t, "container.name"), "host");
	assert_string_equal(S(t, "container.type"), "host");
	assert_string_equal(S(t, "container.info"), "container_id=host container_name=host");
	NA(t, "container.image");
	NA(t, "container.image.repository");
	NA(t, "container.privileged");
	NA(t, "container.start_ts");
	NA(t, "container.labels");
	NA(t, "container.label[a]");
	NA(t, "k8s.ns.name");
	NA(t, "k8s.pod.name");
	NA(t, "k8s.pod.labels");
	NA(t, "k8s.pod.label[app]");
	t_free(t);
}

static void test_container_k8s(void **state)
{
	static const char full[] = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";
	char *labels[] = { "app=web", "io.kubernetes.pod.name=web-1", "team=blue" };
	Container tmpl = { .full_id = (char *)full, .id = "3ad7b26ded6d", .runtime = "containerd",
			   .name = "web", .image = "docker.io/library/nginx:1.25",
			   .k8s_pod_name = "web-1", .k8s_ns_name = "shop", .k8s_pod_uid = "uid-1",
			   .privileged = true, .created_ns = BOOT_TO_REAL, .labels = labels,
			   .nlabels = 3 },
		  *c = NULL;
	T *t = t_new();

	tree(t);
	assert_int_equal(state_upsert_container(t->s, &tmpl, &c), 0);
	state_set_container(t->s, state_get_thread(t->s, 400), c);
	t->s->host_pidns = 4026531836ull;
	state_get_thread(t->s, 400)->pidns = 4026532000ull;
	kill_event(t, 400, 400, 1, 0);
	assert_string_equal(S(t, "container.id"), "3ad7b26ded6d");
	assert_string_equal(S(t, "container.full_id"), full);
	assert_string_equal(S(t, "container.name"), "web");
	assert_string_equal(S(t, "container.type"), "containerd");
	assert_string_equal(S(t, "container.image"), "docker.io/library/nginx:1.25");
	assert_string_equal(S(t, "container.image.repository"), "docker.io/library/nginx");
	assert_string_equal(S(t, "container.image.tag"), "1.25");
	NA(t, "container.image.digest");
	NA(t, "container.image.id");
	assert_true(B(t, "container.privileged"));
	assert_false(B(t, "container.host_pid"));
	assert_int_equal(U(t, "container.start_ts"), BOOT_TO_REAL);
	assert_int_equal(U(t, "container.duration"), TS);
	assert_string_equal(S(t, "container.label[team]"), "blue");
	assert_string_equal(S(t, "container.label.app"), "web");
	NA(t, "container.label[nope]");
	assert_string_equal(S(t, "container.labels"), "app:web,io.kubernetes.pod.name:web-1,team:blue");
	assert_string_equal(S(t, "container.info"), "container_id=3ad7b26ded6d container_name=web");
	assert_string_equal(S(t, "k8s.ns.name"), "shop");
	assert_string_equal(S(t, "k8s.pod.name"), "web-1");
	assert_string_equal(S(t, "k8s.pod.uid"), "uid-1");
	assert_string_equal(S(t, "k8s.pod.id"), "uid-1");
	assert_string_equal(S(t, "k8s.pod.label[app]"), "web");
	assert_string_equal(S(t, "k8s.pod.label.team"), "blue");
	assert_string_equal(S(t, "k8s.pod.labels"), "app:web,team:blue");
	NA(t, "k8s.pod.ip");
	NA(t, "container.healthcheck");

	/* a file the container opened */
	mkfd(t, 400, 3, FD_FILE, "/etc/passwd");
	openat_event(t, 400, 3, "/etc/passwd", "/etc/passwd", 0, 0);
	t_fd(t, 3);
	assert_string_equal(S(t, "fd.containername"), "3ad7b26ded6d:/etc/passwd");
	assert_string_equal(S(t, "fd.containerdirectory"), "3ad7b26ded6d:/etc");

	/* metadata not looked up yet: the id only */
	{
		Container bare = { .full_id = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
				   .id = "b0b0b0b0b0b0", .runtime = "docker" },
			  *c2 = NULL;

		assert_int_equal(state_upsert_container(t->s, &bare, &c2), 0);
		state_set_container(t->s, state_get_thread(t->s, 200), c2);
		kill_event(t, 200, 200, 1, 0);
		assert_string_equal(S(t, "container.id"), "b0b0b0b0b0b0");
		NA(t, "container.name");
		assert_false(B(t, "container.privileged"));
		NA(t, "k8s.pod.name");
		NA(t, "k8s.pod.labels");
		NA(t, "container.start_ts");
		assert_string_equal(S(t, "container.info"),
				    "container_id=b0b0b0b0b0b0 container_name=<NA>");
	}
	t_free(t);
}

const struct CMUnitTest field_state_tests[] = {
	cmocka_unit_test(test_proc_basic),
	cmocka_unit_test(test_proc_parents),
	cmocka_unit_test(test_proc_loop_and_missing),
	cmocka_unit_test(test_proc_empty_strings),
	cmocka_unit_test(test_user_group),
	cmocka_unit_test(test_proc_stdio),
	cmocka_unit_test(test_fd_connect),
	cmocka_unit_test(test_fd_accept_and_listen),
	cmocka_unit_test(test_fd_ipv6_and_unix),
	cmocka_unit_test(test_fd_name_changed),
	cmocka_unit_test(test_fd_files_and_misc),
	cmocka_unit_test(test_fs_path),
	cmocka_unit_test(test_container_host),
	cmocka_unit_test(test_container_k8s),
};
const size_t field_state_ntests = sizeof(field_state_tests) / sizeof(field_state_tests[0]);
