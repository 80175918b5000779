// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU hotplug during a syscall storm: cpu1 goes offline and back a few
 * times while children hammer openat/close and the reader drains.  The
 * info page's online flag follows, the ring stays present, every record
 * stays intact, and cpu1 produces again once it is back.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define ONLINE "/sys/devices/system/cpu/cpu1/online"
#define ROUNDS 3
#define STORM 2

static int set_online(int on)
{
	int fd = open(ONLINE, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Wait (draining) until cpu1's online flag is @on; false after 5 s. */
static bool wait_flag(struct t_session *s, unsigned int on, bool *intact)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (saker_reader_collect(&s->r, &s->l) < 0)
			*intact = false;
		saker_evlist_free(&s->l);
		if (__atomic_load_n(&s->r.ri->cpus[1].online, __ATOMIC_ACQUIRE) == on)
			return true;
		sleep_ms(10);
	}
	return false;
}

int main(void)
{
	int sel[] = { SAKER_EVT_OPENAT, SAKER_EVT_CLOSE };
	struct t_session s;
	pid_t storm[STORM];
	bool intact = true, flags_ok = true, present = true, back = false;
	int i, round;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || access(ONLINE, W_OK)) {
		printf("SKIP: hotplug: needs cpu1 and %s\n", ONLINE);
		return 0;
	}
	memset(&s.l, 0, sizeof(s.l));
	s.tid = t_gettid();
	if (saker_reader_open(&s.r)) {
		t_fail("hotplug", "%s", s.r.why);
		return 1;
	}
	saker_reader_select(&s.r, sel, 2);
	saker_reader_start(&s.r);
	for (i = 0; i < STORM; i++) {
		storm[i] = fork();
		if (storm[i] == 0) {
			for (;;)
				close(open("/etc/hostname", O_RDONLY));
		}
	}
	for (round = 0; round < ROUNDS; round++) {
		if (set_online(0)) {
			t_fail("hotplug", "cannot take cpu1 offline: %s", strerror(errno));
			break;
		}
		flags_ok &= wait_flag(&s, 0, &intact);
		present &= s.r.ri->cpus[1].present == 1;
		sleep_ms(200);
		if (set_online(1)) {
			t_fail("hotplug", "cannot bring cpu1 back: %s", strerror(errno));
			break;
		}
		flags_ok &= wait_flag(&s, 1, &intact);
		sleep_ms(200);
	}
	/* cpu1 produces again */
	for (i = 0; i < 300 && !back; i++) {
		size_t j;

		sleep_ms(10);
		if (saker_reader_collect(&s.r, &s.l) < 0)
			intact = false;
		for (j = 0; j < s.l.n; j++)
			back |= s.l.ev[j]->cpu == 1;
		saker_evlist_free(&s.l);
	}
	for (i = 0; i < STORM; i++) {
		kill(storm[i], SIGKILL);
		waitpid(storm[i], NULL, 0);
	}
	saker_reader_stop(&s.r);
	if (saker_reader_collect(&s.r, &s.l) < 0)
		intact = false;
	set_online(1);
	T_ASSERT("hotplug: online flag follows cpu1", flags_ok);
	T_ASSERT("hotplug: the ring stays present", present);
	T_ASSERT("hotplug: records intact", intact);
	if (!intact)
		printf("INFO: %s\n", s.r.why);
	T_ASSERT("hotplug: cpu1 produces again", back);
	t_end(&s);
	return t_done();
}
