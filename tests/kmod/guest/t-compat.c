// SPDX-License-Identifier: GPL-2.0-only
/*
 * 32-bit compat syscalls (int $0x80 from this 64-bit program, arguments in
 * memory below 4 GiB): the same event types as native calls, flagged
 * SAKER_EF_COMPAT, with ia32's own argument shapes decoded (16-bit ids,
 * truncate64's split length, socketcall, mmap2's page offset, old mmap's
 * argument block).
 */
#define _GNU_SOURCE
#include "check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

/* ia32 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR32_open	5
#define NR32_execve	11
#define NR32_setuid16	23
#define NR32_mmap	90
#define NR32_socketcall	102
#define NR32_chown16	182
#define NR32_mmap2	192
#define NR32_truncate64	193

static long arg6;

static long int80(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;

	arg6 = f;
	asm volatile("push %%rbp\n\t"
		     "movl %[f], %%ebp\n\t"
		     "int $0x80\n\t"
		     "pop %%rbp"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e),
		       [f] "m"(arg6)
		     : "memory", "r8", "r9", "r10", "r11", "cc");
	return ret;
}

/* Memory the 32-bit calls can address. */
static char *low;

static long L(const char *s)
{
	static size_t off;
	char *p = low + off;

	strcpy(p, s);
	off += strlen(s) + 1;
	return (long)p;
}

static const struct saker_event_hdr *ev(struct t_session *s, int type,
					const char *param, long v)
{
	size_t i;

	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == type && (pid_t)s->l.ev[i]->tid == s->tid &&
		    (!param || saker_param_int(s->l.ev[i], param) == v))
			return s->l.ev[i];
	return NULL;
}

static bool compat(const char *name, const struct saker_event_hdr *h)
{
	if (!(h->flags & SAKER_EF_COMPAT)) {
		t_fail(name, "%s lacks SAKER_EF_COMPAT", saker_event_name(h->type));
		return false;
	}
	return true;
}

int main(void)
{
	const struct saker_event_hdr *h;
	struct t_session s;
	char cwd[PATH_MAX], want[PATH_MAX + 16];
	long fd, fail, fault, ch, tr, sock, conn, m2, om, ex, su;
	uint32_t *args;
	struct sockaddr_in *sin;
	uint16_t dead_port;
	int tmp;

	low = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED || !getcwd(cwd, sizeof(cwd))) {
		t_fail("compat", "setup: %s", strerror(errno));
		return 1;
	}
	/* a closed local port for the refused connect */
	tmp = socket(AF_INET, SOCK_STREAM, 0);
	sin = (void *)(low + 0x8000);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &sin->sin_addr);
	bind(tmp, (void *)sin, sizeof(*sin));
	{
		socklen_t l = sizeof(*sin);

		getsockname(tmp, (void *)sin, &l);
	}
	dead_port = ntohs(sin->sin_port);
	close(tmp);
	close(open("f32", O_CREAT | O_WRONLY, 0644));

	if (t_start(&s, "compat"))
		return 1;
	fd = int80(NR32_open, L("/etc/hostname"), O_RDONLY, 0, 0, 0, 0);
	fail = int80(NR32_open, L("missing32"), O_RDONLY, 0, 0, 0, 0);
	fault = int80(NR32_open, 1, O_RDONLY, 0, 0, 0, 0);
	ch = int80(NR32_chown16, L("f32"), 0xffff, 0, 0, 0, 0);
	tr = int80(NR32_truncate64, L("f32"), 0x100, 0x1, 0, 0, 0);
	args = (uint32_t *)(low + 0x9000);
	args[0] = AF_INET;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	sock = int80(NR32_socketcall, 1 /* SYS_SOCKET */, (long)args, 0, 0, 0, 0);
	args[0] = sock;
	args[1] = (uint32_t)(long)sin;
	args[2] = sizeof(*sin);
	conn = int80(NR32_socketcall, 3 /* SYS_CONNECT */, (long)args, 0, 0, 0, 0);
	m2 = int80(NR32_mmap2, 0, 4096, PROT_READ | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	args[0] = 0;
	args[1] = 8192;
	args[2] = PROT_READ | PROT_EXEC;
	args[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	args[4] = -1;
	args[5] = 0;
	om = int80(NR32_mmap, (long)args, 0, 0, 0, 0, 0);
	ex = int80(NR32_execve, L("/no/such/exe32"), 0, 0, 0, 0, 0);
	su = int80(NR32_setuid16, 0, 0, 0, 0, 0, 0);
	if (!t_collect(&s, "compat"))
		return 1;

	h = t_find(&s, SAKER_EVT_OPEN, "name", "/etc/hostname");
	T_CHECK(&s, h, "compat open", fd >= 0 && compat("open", h) &&
		t_int("open", h, "fd", fd) &&
		t_str("open", h, "name_abs", "/etc/hostname"));
	h = t_find(&s, SAKER_EVT_OPEN, "name", "missing32");
	snprintf(want, sizeof(want), "%s/missing32", cwd);
	T_CHECK(&s, h, "compat open: failure", compat("open", h) &&
		t_int("open", h, "fd", fail) && fail == -ENOENT &&
		t_str("open", h, "name_abs", want));
	h = ev(&s, SAKER_EVT_OPEN, "fd", -EFAULT);
	T_CHECK(&s, h, "compat open: faulted", fault == -EFAULT &&
		t_faulted("open", h, "name"));
	h = t_find(&s, SAKER_EVT_CHOWN, "path", "f32");
	T_CHECK(&s, h, "compat chown16: 0xffff is -1", compat("chown", h) &&
		t_int("chown", h, "res", ch) && ch == 0 &&
		t_int("chown", h, "uid", -1) && t_int("chown", h, "gid", 0));
	h = t_find(&s, SAKER_EVT_TRUNCATE, "path", "f32");
	T_CHECK(&s, h, "compat truncate64: split length", compat("truncate", h) &&
		t_int("truncate", h, "res", tr) &&
		t_int("truncate", h, "length", 0x100000100ll));
	h = ev(&s, SAKER_EVT_SOCKET, "fd", sock);
	T_CHECK(&s, h, "compat socketcall: socket", sock >= 0 && compat("socket", h) &&
		t_int("socket", h, "domain", AF_INET) &&
		t_int("socket", h, "type", SOCK_STREAM));
	h = ev(&s, SAKER_EVT_CONNECT, "fd", sock);
	{
		uint16_t len;
		const uint8_t *p = h ? saker_param(h, "addr", &len, NULL) : NULL;

		T_CHECK(&s, h, "compat socketcall: connect", compat("connect", h) &&
			t_int("connect", h, "res", conn) && conn == -ECONNREFUSED &&
			p && len == 8 && (p[2] | p[3] << 8) == dead_port);
	}
	h = ev(&s, SAKER_EVT_MMAP, "length", 4096);
	T_CHECK(&s, h, "compat mmap2", compat("mmap", h) && m2 > 0 &&
		t_int("mmap", h, "res", m2) &&
		t_int("mmap", h, "prot", PROT_READ | PROT_EXEC));
	h = ev(&s, SAKER_EVT_MMAP, "length", 8192);
	T_CHECK(&s, h, "compat old mmap: argument block", compat("mmap", h) &&
		om > 0 && t_int("mmap", h, "res", om) &&
		t_int("mmap", h, "flags", MAP_PRIVATE | MAP_ANONYMOUS));
	h = t_find(&s, SAKER_EVT_EXECVE, "filename", "/no/such/exe32");
	T_CHECK(&s, h, "compat execve: failure", compat("execve", h) &&
		t_int("execve", h, "res", ex) && ex == -ENOENT);
	h = ev(&s, SAKER_EVT_SETUID, NULL, 0);
	T_CHECK(&s, h, "compat setuid16", compat("setuid", h) &&
		t_int("setuid", h, "res", su) && t_int("setuid", h, "uid_arg", 0));
	t_end(&s);
	return t_done();
}
