// SPDX-License-Identifier: GPL-2.0-only
/*
 * Syscall storms for the driver benchmark: one workload per run, timed with
 * CLOCK_MONOTONIC.  Under QEMU's -icount shift=0 one virtual nanosecond is one
 * guest instruction, so the per-operation figure is an instruction count and the
 * ratio between two runs in the same boot is stable to about 1 %.
 *
 * Usage: storm getppid|openclose|forkexec N [PATH]
 * Prints "storm WORKLOAD N NS_PER_OP TOTAL_NS".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int storm_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int storm_openclose(long n, const char *path)
{
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);

		if (fd < 0) {
			fprintf(stderr, "storm: %s: %s\n", path, strerror(errno));
			return 1;
		}
		close(fd);
	}
	return 0;
}

/* fork, exec this same static binary in "exit" mode, wait: a process lifecycle. */
static int storm_forkexec(long n)
{
	char *const argv[] = { "storm", "exit", NULL };
	char *const envp[] = { NULL };

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("storm: fork");
			return 1;
		}
		if (pid == 0) {
			execve("/proc/self/exe", argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "storm: child failed (status %#x)\n", status);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *path = argc > 3 ? argv[3] : "/etc/hostname";
	long long t0, t1;
	long n;
	int rc;

	if (!strcmp(mode, "exit"))
		return 0;
	if (argc < 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: storm getppid|openclose|forkexec N [PATH]\n");
		return 2;
	}
	t0 = now_ns();
	if (!strcmp(mode, "getppid"))
		rc = storm_getppid(n);
	else if (!strcmp(mode, "openclose"))
		rc = storm_openclose(n, path);
	else if (!strcmp(mode, "forkexec"))
		rc = storm_forkexec(n);
	else {
		fprintf(stderr, "storm: unknown workload %s\n", mode);
		return 2;
	}
	t1 = now_ns();
	if (rc)
		return rc;
	printf("storm %s %ld %.1f %lld\n", mode, n, (double)(t1 - t0) / n, t1 - t0);
	return 0;
}
