// SPDX-License-Identifier: GPL-2.0-only
/*
 * Keys, kernel-changing calls (modules, bpf, kexec, reboot, perf,
 * userfaultfd, io_uring), executable mappings only (mmap/mprotect without
 * PROT_EXEC are not events), and read/write: absent from the default
 * selection, captured with snaplen-bounded data once selected.
 */
#define _GNU_SOURCE
#include "check.h"
#include "sysdefs.h"

#include <fcntl.h>
#include <sys/mman.h>

static long sc6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r < 0 ? -errno : r;
}

static long sc(long nr, long a, long b, long c, long d, long e)
{
	long r = syscall(nr, a, b, c, d, e);

	return r < 0 ? -errno : r;
}

#define P(x) ((long)(x))

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

static size_t count(struct t_session *s, int type)
{
	size_t i, n = 0;

	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == type && (pid_t)s->l.ev[i]->tid == s->tid)
			n++;
	return n;
}

static bool data_is(const char *name, const struct saker_event_hdr *h,
		    const char *want)
{
	uint16_t len;
	const char *p = saker_param(h, "data", &len, NULL);

	if (!p || len != strlen(want) || memcmp(p, want, len)) {
		t_fail(name, "%s.data: %u bytes, want \"%s\"",
		       saker_event_name(h->type), len, want);
		return false;
	}
	return true;
}

static void kernel_and_keys(void)
{
	struct t_session s;
	struct t_perf_attr pa = { .type = T_PERF_TYPE_SOFTWARE, .size = sizeof(pa),
				  .config = T_PERF_COUNT_SW_CPU_CLOCK };
	struct t_uring_params up = { .flags = 16 /* IORING_SETUP_CLAMP */ };
	const struct saker_event_hdr *h;
	long key, rkey, kc, im, fm, dm, bpf, kl, kfl, rb, perf, uffd, ring;
	long mx, mnx, mpx, mpnx, mfile;
	void *a, *b;
	int fd;

	if (t_start(&s, "misc"))
		return;
	key = sc(SYS_add_key, P("user"), P("saker-key"), P("x"), 1, T_KEY_SPEC_PROCESS_KEYRING);
	rkey = sc(SYS_request_key, P("user"), P("saker-missing"), 0, T_KEY_SPEC_PROCESS_KEYRING, 0);
	kc = sc(SYS_keyctl, T_KEYCTL_GET_KEYRING_ID, T_KEY_SPEC_PROCESS_KEYRING, 1, 0, 0);
	im = sc(SYS_init_module, 0, 0, P("saker=1"), 0, 0);
	fd = open("/etc/hostname", O_RDONLY);
	fm = sc(SYS_finit_module, fd, P("opt=2"), 0, 0, 0);
	dm = sc(SYS_delete_module, P("saker_no_such"), O_NONBLOCK, 0, 0, 0);
	bpf = sc(SYS_bpf, 0, 0, 0, 0, 0);
	kl = sc(SYS_kexec_load, 0x1234, 0, 0, 0xffff0000, 0);
	kfl = sc(SYS_kexec_file_load, -1, -1, 6, P("quiet"), 0);
	rb = sc(SYS_reboot, T_LINUX_REBOOT_MAGIC1, 12345, 0xdeadbeef, 0, 0);
	perf = sc(SYS_perf_event_open, P(&pa), 0, -1, -1, 0);
	uffd = sc(SYS_userfaultfd, O_CLOEXEC, 0, 0, 0, 0);
	ring = sc(SYS_io_uring_setup, 4, P(&up), 0, 0, 0);

	mx = sc6(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a = (void *)mx;
	mnx = sc6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = (void *)mnx;
	mpx = sc(SYS_mprotect, P(b), 4096, PROT_READ | PROT_EXEC, 0, 0);
	mpnx = sc(SYS_mprotect, P(a), 4096, PROT_READ, 0, 0);
	close(fd);
	fd = open("/bin/true", O_RDONLY);
	mfile = P(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 4096));
	if (!t_collect(&s, "misc"))
		return;

	h = ev(&s, SAKER_EVT_ADD_KEY, NULL, 0);
	T_CHECK(&s, h, "add_key", t_int("add_key", h, "res", key) && key > 0 &&
		t_str("add_key", h, "type", "user") &&
		t_str("add_key", h, "description", "saker-key") &&
		t_int("add_key", h, "keyring", T_KEY_SPEC_PROCESS_KEYRING));
	h = ev(&s, SAKER_EVT_REQUEST_KEY, NULL, 0);
	T_CHECK(&s, h, "request_key: failure", t_int("request_key", h, "res", rkey) &&
		rkey < 0 && t_str("request_key", h, "description", "saker-missing"));
	h = ev(&s, SAKER_EVT_KEYCTL, NULL, 0);
	T_CHECK(&s, h, "keyctl", t_int("keyctl", h, "res", kc) &&
		t_int("keyctl", h, "operation", T_KEYCTL_GET_KEYRING_ID) &&
		t_int("keyctl", h, "arg2", T_KEY_SPEC_PROCESS_KEYRING) &&
		t_int("keyctl", h, "arg3", 1));
	h = ev(&s, SAKER_EVT_INIT_MODULE, NULL, 0);
	T_CHECK(&s, h, "init_module: failure", im < 0 &&
		t_int("init_module", h, "res", im) &&
		t_int("init_module", h, "length", 0) &&
		t_str("init_module", h, "uargs", "saker=1"));
	h = ev(&s, SAKER_EVT_FINIT_MODULE, NULL, 0);
	T_CHECK(&s, h, "finit_module: failure with the file's path", fm < 0 &&
		t_int("finit_module", h, "res", fm) &&
		t_str("finit_module", h, "uargs", "opt=2") &&
		t_str("finit_module", h, "path", "/etc/hostname"));
	h = ev(&s, SAKER_EVT_DELETE_MODULE, NULL, 0);
	T_CHECK(&s, h, "delete_module: failure", dm == -ENOENT &&
		t_int("delete_module", h, "res", -ENOENT) &&
		t_str("delete_module", h, "name", "saker_no_such") &&
		t_int("delete_module", h, "flags", O_NONBLOCK));
	h = ev(&s, SAKER_EVT_BPF, NULL, 0);
	T_CHECK(&s, h, "bpf", t_int("bpf", h, "res", bpf) && t_int("bpf", h, "cmd", 0));
	h = ev(&s, SAKER_EVT_KEXEC_LOAD, NULL, 0);
	T_CHECK(&s, h, "kexec_load: failure", kl < 0 &&
		t_int("kexec_load", h, "res", kl) &&
		t_int("kexec_load", h, "entry", 0x1234) &&
		t_int("kexec_load", h, "flags", (int32_t)0xffff0000));
	h = ev(&s, SAKER_EVT_KEXEC_FILE_LOAD, NULL, 0);
	T_CHECK(&s, h, "kexec_file_load: failure", kfl < 0 &&
		t_int("kexec_file_load", h, "res", kfl) &&
		t_int("kexec_file_load", h, "kernel_fd", -1) &&
		t_str("kexec_file_load", h, "cmdline", "quiet"));
	h = ev(&s, SAKER_EVT_REBOOT, NULL, 0);
	T_CHECK(&s, h, "reboot: failure", rb == -EINVAL &&
		t_int("reboot", h, "res", -EINVAL) &&
		t_int("reboot", h, "cmd", (int32_t)0xdeadbeef));
	h = ev(&s, SAKER_EVT_PERF_EVENT_OPEN, NULL, 0);
	T_CHECK(&s, h, "perf_event_open", t_int("perf_event_open", h, "res", perf) &&
		t_int("perf_event_open", h, "type", T_PERF_TYPE_SOFTWARE) &&
		t_int("perf_event_open", h, "config", T_PERF_COUNT_SW_CPU_CLOCK) &&
		t_int("perf_event_open", h, "pid", 0) &&
		t_int("perf_event_open", h, "cpu", -1));
	h = ev(&s, SAKER_EVT_USERFAULTFD, NULL, 0);
	T_CHECK(&s, h, "userfaultfd", t_int("userfaultfd", h, "res", uffd) &&
		t_int("userfaultfd", h, "flags", O_CLOEXEC));
	h = ev(&s, SAKER_EVT_IO_URING_SETUP, NULL, 0);
	T_CHECK(&s, h, "io_uring_setup", t_int("io_uring_setup", h, "res", ring) &&
		t_int("io_uring_setup", h, "entries", 4) &&
		t_int("io_uring_setup", h, "flags", 16));

	h = ev(&s, SAKER_EVT_MMAP, "res", mx);
	T_CHECK(&s, h, "mmap: PROT_EXEC", mx > 0 && t_int("mmap", h, "length", 4096) &&
		t_int("mmap", h, "prot", PROT_READ | PROT_EXEC) &&
		t_int("mmap", h, "flags", MAP_PRIVATE | MAP_ANONYMOUS) &&
		t_int("mmap", h, "fd", -1));
	T_ASSERT("mmap: without PROT_EXEC no event",
		!ev(&s, SAKER_EVT_MMAP, "res", mnx));
	h = ev(&s, SAKER_EVT_MMAP, "res", mfile);
	T_CHECK(&s, h, "mmap: file with offset", t_int("mmap", h, "fd", fd) &&
		t_int("mmap", h, "offset", 4096));
	h = ev(&s, SAKER_EVT_MPROTECT, "addr", mnx);
	T_CHECK(&s, h, "mprotect: PROT_EXEC", mpx == 0 &&
		t_int("mprotect", h, "res", 0) &&
		t_int("mprotect", h, "prot", PROT_READ | PROT_EXEC));
	T_ASSERT("mprotect: without PROT_EXEC no event",
		mpnx == 0 && !ev(&s, SAKER_EVT_MPROTECT, "addr", mx));
	t_end(&s);
}

static void io(void)
{
	struct saker_reader *r;
	const struct saker_event_hdr *h;
	struct t_session s;
	int p[2];
	char buf[16];

	memset(&s.l, 0, sizeof(s.l));
	s.tid = t_gettid();
	if (saker_reader_open(&s.r)) {
		t_fail("io", "%s", s.r.why);
		return;
	}
	r = &s.r;
	if (pipe(p))
		return;
	/* the default selection of a fresh reader has no read/write */
	saker_reader_start(r);
	if (write(p[1], "quiet", 5) != 5 || read(p[0], buf, sizeof(buf)) != 5)
		t_fail("io", "pipe i/o");
	saker_reader_stop(r);
	saker_reader_collect(r, &s.l);
	T_ASSERT("read/write: not captured by default",
		!count(&s, SAKER_EVT_READ) && !count(&s, SAKER_EVT_WRITE));
	saker_evlist_free(&s.l);

	saker_reader_select_all(r);
	saker_reader_start(r);
	if (write(p[1], "hello", 5) != 5 || read(p[0], buf, sizeof(buf)) != 5)
		t_fail("io", "pipe i/o");
	saker_reader_snaplen(r, 3);
	if (write(p[1], "world", 5) != 5)
		t_fail("io", "pipe i/o");
	saker_reader_stop(r);
	saker_reader_collect(r, &s.l);
	h = ev(&s, SAKER_EVT_WRITE, "fd", p[1]);
	T_CHECK(&s, h, "write: data", t_int("write", h, "res", 5) &&
		t_int("write", h, "size", 5) && data_is("write", h, "hello") &&
		!(h->flags & SAKER_EF_TRUNCATED));
	h = ev(&s, SAKER_EVT_READ, "fd", p[0]);
	T_CHECK(&s, h, "read: data", t_int("read", h, "res", 5) &&
		t_int("read", h, "size", sizeof(buf)) && data_is("read", h, "hello"));
	h = NULL;
	for (size_t i = 0; i < s.l.n; i++)
		if (s.l.ev[i]->type == SAKER_EVT_WRITE &&
		    (pid_t)s.l.ev[i]->tid == s.tid)
			h = s.l.ev[i];
	T_CHECK(&s, h, "write: snaplen cuts data", data_is("write", h, "wor") &&
		(h->flags & SAKER_EF_TRUNCATED));
	{
		uint32_t big = SAKER_SNAPLEN_MAX + 1;

		T_ASSERT("snaplen: over the maximum refused",
			ioctl(r->fd, SAKER_IOC_SET_SNAPLEN, &big) == -1 &&
			errno == EINVAL);
	}
	t_end(&s);
}

int main(void)
{
	kernel_and_keys();
	io();
	return t_done();
}
