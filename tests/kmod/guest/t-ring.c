// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring and the device: geometry and online flags, read-only mappings
 * that mprotect() cannot make writable, one opener at a time and only with
 * CAP_SYS_ADMIN, event selection (unselected calls only counted), tgid
 * exclusion, a stalled consumer (drops counted per reason, a DROP record
 * afterwards, nothing corrupted), and tails the consumer got wrong (ahead
 * of the head, too far behind, misaligned): counted, never trusted.
 */
#define _GNU_SOURCE
#include "check.h"
#include "sysdefs.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#define NAME_LEN 200

static char longname[NAME_LEN + 1];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static uint64_t stat_drops(struct saker_reader *r, int reason)
{
	struct saker_ioc_stats st;

	saker_reader_stats(r, &st);
	return st.drops[reason];
}

/* One openat that fails (a long name: big records) and one close. */
static void churn(void)
{
	int fd = openat(AT_FDCWD, longname, O_RDONLY);

	close(fd);
}

static void geometry(struct saker_reader *r)
{
	unsigned int cpu, online_ok = 1;
	uint64_t size = r->info.ring_size;

	T_ASSERT("info: geometry", r->ri->magic == SAKER_ABI_MAGIC &&
		 r->ri->abi_version == SAKER_ABI_VERSION &&
		 size >= 65536 && !(size & (size - 1)) &&
		 r->info.nr_cpus >= (unsigned int)sysconf(_SC_NPROCESSORS_CONF) &&
		 r->info.nr_events == SAKER_EVT_MAX &&
		 r->info.info_size % SAKER_PAGE_SIZE == 0 &&
		 r->ri->ring_size == size);
	for (cpu = 0; cpu < r->info.nr_cpus; cpu++) {
		char p[96];
		int fd, on = 1;

		snprintf(p, sizeof(p), "/sys/devices/system/cpu/cpu%u/online", cpu);
		fd = open(p, O_RDONLY);
		if (fd >= 0) {
			char c = '1';

			if (read(fd, &c, 1) == 1)
				on = c == '1';
			close(fd);
		} else if (access(p, F_OK) && cpu) {
			continue;	/* not a possible CPU */
		}
		if (!r->ri->cpus[cpu].present || (unsigned int)on != r->ri->cpus[cpu].online)
			online_ok = 0;
	}
	T_ASSERT("info: present and online flags", online_ok);
}

static void mappings(struct saker_reader *r)
{
	void *p;
	long pg = SAKER_PAGE_SIZE;

	p = mmap(NULL, r->info.ring_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 r->fd, SAKER_MMAP_RING(0));
	T_ASSERT("mmap: writable ring refused", p == MAP_FAILED && errno == EACCES);
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		 SAKER_MMAP_INFO);
	T_ASSERT("mmap: writable info page refused", p == MAP_FAILED && errno == EACCES);
	p = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_SHARED, r->fd,
		 SAKER_MMAP_RING(0));
	T_ASSERT("mmap: executable ring refused", p == MAP_FAILED);
	T_ASSERT("mprotect: ring cannot become writable",
		 mprotect((void *)r->rings[0], r->info.ring_size,
			  PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
	T_ASSERT("mprotect: info page cannot become writable",
		 mprotect((void *)r->ri, r->info.info_size,
			  PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, r->fd,
		 SAKER_MMAP_CONSUMER);
	T_ASSERT("mmap: private consumer page refused", p == MAP_FAILED && errno == EINVAL);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, r->fd,
		 SAKER_MMAP_RING(r->info.nr_cpus));
	T_ASSERT("mmap: ring of no CPU refused", p == MAP_FAILED && errno == ENXIO);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, r->fd, 3 * pg);
	T_ASSERT("mmap: unknown offset refused", p == MAP_FAILED && errno == EINVAL);
	p = mmap(NULL, 2 * r->info.ring_size, PROT_READ, MAP_SHARED, r->fd,
		 SAKER_MMAP_RING(0));
	T_ASSERT("mmap: longer than the ring refused", p == MAP_FAILED && errno == EINVAL);
	{
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			/* a write through the read-only mapping must fault */
			*(volatile char *)r->rings[0] = 1;
			_exit(0);
		}
		waitpid(pid, &st, 0);
		T_ASSERT("ring: a store through the mapping faults",
			 WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	}
}

static void openers(void)
{
	int fd = open(SAKER_DEVICE_PATH, O_RDWR);
	pid_t pid;
	int st;

	T_ASSERT("open: second opener gets EBUSY", fd < 0 && errno == EBUSY);
	if (fd >= 0)
		close(fd);

	pid = fork();
	if (pid == 0) {
		struct t_cap_header h = { .version = T_CAP_VERSION_3 };
		struct t_cap_data d[2];

		/* root without CAP_SYS_ADMIN (21) */
		syscall(SYS_capget, &h, d);
		d[0].effective &= ~(1u << 21);
		d[0].permitted &= ~(1u << 21);
		if (syscall(SYS_capset, &h, d))
			_exit(2);
		fd = open(SAKER_DEVICE_PATH, O_RDWR);
		_exit(fd < 0 && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	T_ASSERT("open: needs CAP_SYS_ADMIN", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void selection(struct t_session *s)
{
	struct saker_ioc_stats a, b;
	int only = SAKER_EVT_UNLINKAT;
	size_t i, others = 0, mine = 0;
	int fd;

	saker_reader_select(&s->r, &only, 1);
	saker_reader_stats(&s->r, &a);
	saker_reader_start(&s->r);
	fd = open("sel-file", O_CREAT | O_WRONLY, 0600);
	close(fd);
	unlinkat(AT_FDCWD, "sel-file", 0);
	saker_reader_stop(&s->r);
	saker_reader_stats(&s->r, &b);
	if (saker_reader_collect(&s->r, &s->l) < 0) {
		t_fail("selection", "%s", s->r.why);
		return;
	}
	for (i = 0; i < s->l.n; i++) {
		if (s->l.ev[i]->type == SAKER_EVT_UNLINKAT)
			mine += (pid_t)s->l.ev[i]->tid == s->tid;
		else if (s->l.ev[i]->type != SAKER_EVT_DROP)
			others++;
	}
	T_ASSERT("selection: only the selected type is sent", mine == 1 && !others);
	T_ASSERT("selection: unselected calls are counted as filtered",
		 b.filtered >= a.filtered + 2);
	saker_evlist_free(&s->l);
}

static void exclusion(struct t_session *s)
{
	uint32_t bad = 0x7ffffff0;
	const struct saker_event_hdr *h;
	pid_t pid;
	int fd;

	T_ASSERT("exclude: unknown tgid refused",
		 ioctl(s->r.fd, SAKER_IOC_EXCLUDE_TGID, &bad) == -1 && errno == ESRCH);
	saker_reader_select_all(&s->r);
	saker_reader_exclude(&s->r, getpid());
	saker_reader_start(&s->r);
	fd = open("excluded-parent", O_RDONLY);
	pid = fork();
	if (pid == 0) {
		fd = open("excluded-child", O_RDONLY);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	saker_reader_stop(&s->r);
	saker_reader_exclude(&s->r, 0);
	saker_reader_collect(&s->r, &s->l);
	h = t_find_tid(s, 0, SAKER_EVT_OPENAT, "name", "excluded-parent");
	T_ASSERT("exclude: the excluded tgid sends nothing", !h);
	h = t_find_tid(s, pid, SAKER_EVT_OPENAT, "name", "excluded-child");
	T_CHECK(s, h, "exclude: other processes still send", 1);
	saker_evlist_free(&s->l);
	(void)fd;
}

/* Drain CPU 0 into the list; -1 when anything there is malformed. */
static long drain(struct t_session *s)
{
	return saker_reader_collect(&s->r, &s->l);
}

static void stalled_consumer(struct t_session *s)
{
	int sel[] = { SAKER_EVT_OPENAT, SAKER_EVT_CLOSE };
	const struct saker_event_hdr *h, *drop = NULL;
	uint64_t drops0, drops;
	int64_t lost = 0;
	double t0 = now();
	long n, iters = 0;
	size_t i;

	saker_reader_select(&s->r, sel, 2);
	drops0 = stat_drops(&s->r, SAKER_DROP_RING_FULL);
	saker_reader_start(&s->r);
	while (stat_drops(&s->r, SAKER_DROP_RING_FULL) < drops0 + 100 &&
	       now() - t0 < 120) {
		for (i = 0; i < 64; i++)
			churn();
		iters += 64;
	}
	drops = stat_drops(&s->r, SAKER_DROP_RING_FULL) - drops0;
	printf("INFO: ring filled after %ld iterations, %.1f s, %llu drops\n", iters,
	       now() - t0, (unsigned long long)drops);
	T_ASSERT("stalled consumer: full ring drops and counts", drops >= 100);

	n = drain(s);
	T_ASSERT("stalled consumer: every record intact", n > 0);
	/* DROP records go out as soon as one fits, even while still full */
	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == SAKER_EVT_DROP && s->l.ev[i]->cpu == 0)
			lost += saker_param_int(s->l.ev[i], "lost");
	saker_evlist_free(&s->l);

	/* the next record is preceded by a DROP record with the rest */
	if (open("after-drop", O_RDONLY) >= 0)
		t_fail("stalled consumer", "after-drop exists");
	saker_reader_stop(&s->r);
	drain(s);
	for (i = 0; i < s->l.n; i++) {
		h = s->l.ev[i];
		if (h->type == SAKER_EVT_DROP && h->cpu == 0) {
			lost += saker_param_int(h, "lost");
			drop = h;
		}
	}
	printf("INFO: DROP records report %lld lost, %llu drops counted\n",
	       (long long)lost, (unsigned long long)drops);
	T_CHECK(s, drop, "stalled consumer: DROP records report the loss",
		lost >= (int64_t)drops &&
		t_int("drop", drop, "reason", SAKER_DROP_RING_FULL));
	h = t_find(s, SAKER_EVT_OPENAT, "name", "after-drop");
	T_CHECK(s, h, "stalled consumer: capture goes on after draining", 1);
	saker_evlist_free(&s->l);
}

static void bad_tails(struct t_session *s)
{
	struct saker_reader *r = &s->r;
	uint64_t size = r->info.ring_size, head, bad0, bad1;
	uint64_t *tail = &r->tails[0];
	const struct saker_event_hdr *h;
	int sel = SAKER_EVT_OPENAT;
	size_t i;
	bool dropped = false;

	saker_reader_select(r, &sel, 1);
	saker_reader_start(r);
	churn();
	drain(s);
	saker_evlist_free(&s->l);

	head = __atomic_load_n(&r->ri->cpus[0].head, __ATOMIC_ACQUIRE);
	bad0 = stat_drops(r, SAKER_DROP_BAD_TAIL);
	__atomic_store_n(tail, head + 4096, __ATOMIC_RELEASE);	/* ahead */
	churn();
	__atomic_store_n(tail, head - size - 8, __ATOMIC_RELEASE);	/* too far */
	churn();
	__atomic_store_n(tail, ~0ull, __ATOMIC_RELEASE);
	churn();
	bad1 = stat_drops(r, SAKER_DROP_BAD_TAIL);
	T_ASSERT("bad tail: counted, nothing written",
		 bad1 >= bad0 + 3 &&
		 __atomic_load_n(&r->ri->cpus[0].head, __ATOMIC_ACQUIRE) == head);

	/* a sane tail again: the loss is reported, capture resumes */
	__atomic_store_n(tail, head, __ATOMIC_RELEASE);
	if (open("after-bad-tail", O_RDONLY) >= 0)
		t_fail("bad tail", "after-bad-tail exists");
	drain(s);
	for (i = 0; i < s->l.n; i++)
		if (s->l.ev[i]->type == SAKER_EVT_DROP && s->l.ev[i]->cpu == 0 &&
		    saker_param_int(s->l.ev[i], "reason") == SAKER_DROP_BAD_TAIL &&
		    saker_param_int(s->l.ev[i], "lost") >= 3)
			dropped = true;
	h = t_find(s, SAKER_EVT_OPENAT, "name", "after-bad-tail");
	T_CHECK(s, h, "bad tail: capture resumes after a DROP record", dropped);
	saker_evlist_free(&s->l);

	/* misaligned but in range: the producer carries on from its head */
	head = __atomic_load_n(&r->ri->cpus[0].head, __ATOMIC_ACQUIRE);
	__atomic_store_n(tail, head - 3, __ATOMIC_RELEASE);
	churn();
	T_ASSERT("bad tail: a misaligned tail does not move the head back",
		 __atomic_load_n(&r->ri->cpus[0].head, __ATOMIC_ACQUIRE) > head);
	saker_reader_stop(r);
	__atomic_store_n(tail, __atomic_load_n(&r->ri->cpus[0].head,
					       __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
}

static void sysfs_stats(struct t_session *s)
{
	struct saker_ioc_stats st;
	unsigned long long ev = 0, drops = 0;
	FILE *f;

	saker_reader_stats(&s->r, &st);
	f = fopen("/sys/module/saker/stats/events", "r");
	if (f) {
		if (fscanf(f, "%llu", &ev) != 1)
			ev = 0;
		fclose(f);
	}
	f = fopen("/sys/module/saker/stats/drops_ring_full", "r");
	if (f) {
		if (fscanf(f, "%llu", &drops) != 1)
			drops = 0;
		fclose(f);
	}
	T_ASSERT("sysfs: counters match GET_STATS", ev == st.events && ev > 0 &&
		 drops == st.drops[SAKER_DROP_RING_FULL]);
}

static void late_selection(struct t_session *s)
{
	int sel = SAKER_EVT_OPENAT, both[] = { SAKER_EVT_OPENAT, SAKER_EVT_EXECVE_E };
	const struct saker_event_hdr *h;
	pid_t pid;

	/* an entry record selected while capturing, without its exec event */
	saker_reader_select(&s->r, &sel, 1);
	saker_reader_start(&s->r);
	saker_reader_select(&s->r, both, 2);
	pid = fork();
	if (pid == 0) {
		char path[] = "/no/such/late";

		execl(path, "late", NULL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	saker_reader_stop(&s->r);
	drain(s);
	h = t_find_tid(s, pid, SAKER_EVT_EXECVE_E, "filename", "/no/such/late");
	T_CHECK(s, h, "selection: entry records selected while capturing", 1);
	saker_evlist_free(&s->l);
}

int main(void)
{
	struct t_session s;

	memset(longname, 'n', NAME_LEN);
	pin_cpu0();
	memset(&s.l, 0, sizeof(s.l));
	s.tid = t_gettid();
	if (saker_reader_open(&s.r)) {
		t_fail("ring", "%s", s.r.why);
		return 1;
	}
	geometry(&s.r);
	mappings(&s.r);
	openers();
	selection(&s);
	exclusion(&s);
	stalled_consumer(&s);
	bad_tails(&s);
	sysfs_stats(&s);
	late_selection(&s);
	t_end(&s);
	return t_done();
}
