// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unloading during a syscall storm: while a reader has /dev/saker open and
 * capture runs, delete_module() and rmmod fail (the module is in use); as
 * soon as the reader closes, unloading succeeds at once.  The module is
 * loaded again from $SAKER_KO for the tests that follow.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define STORM 3

static long delete_saker(void)
{
	return syscall(SYS_delete_module, "saker", O_NONBLOCK) ? -errno : 0;
}

static bool loaded(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	while (f && fgets(line, sizeof(line), f))
		found |= !strncmp(line, "saker ", 6);
	if (f)
		fclose(f);
	return found;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int main(void)
{
	const char *ko = getenv("SAKER_KO");
	struct t_session s;
	pid_t storm[STORM];
	long busy, gone = -1;
	int i, rc, tries = 0;

	/* the storm first: children must not inherit the reader's descriptor */
	for (i = 0; i < STORM; i++) {
		storm[i] = fork();
		if (storm[i] == 0) {
			for (;;) {
				close(open("/etc/hostname", O_RDONLY));
				getppid();
			}
		}
	}
	memset(&s.l, 0, sizeof(s.l));
	if (saker_reader_open(&s.r)) {
		t_fail("unload", "%s", s.r.why);
		return 1;
	}
	saker_reader_start(&s.r);
	sleep_ms(300);
	saker_reader_collect(&s.r, &s.l);
	saker_evlist_free(&s.l);

	busy = delete_saker();
	T_ASSERT("unload: delete_module refused while open",
		 (busy == -EBUSY || busy == -EAGAIN) && loaded());
	rc = system("rmmod saker 2>/dev/null");
	T_ASSERT("unload: rmmod fails while open", rc != 0 && loaded());

	saker_reader_close(&s.r);
	while (tries++ < 100 && (gone = delete_saker()) != 0)
		sleep_ms(20);
	T_ASSERT("unload: unloads as soon as the reader closed, during the storm",
		 gone == 0 && tries == 1 && !loaded());
	if (gone || tries != 1)
		printf("INFO: delete_module: %s after %d tries\n", strerror(-gone), tries);
	sleep_ms(300);
	for (i = 0; i < STORM; i++) {
		kill(storm[i], SIGKILL);
		waitpid(storm[i], NULL, 0);
	}

	if (ko && !loaded()) {
		int fd = open(ko, O_RDONLY | O_CLOEXEC);

		T_ASSERT("unload: loads again",
			 fd >= 0 && !syscall(SYS_finit_module, fd, "", 0) && loaded() &&
			 !access(SAKER_DEVICE_PATH, F_OK));
		if (fd >= 0)
			close(fd);
	}
	return t_done();
}
