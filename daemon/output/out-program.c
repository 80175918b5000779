// SPDX-License-Identifier: MIT
/*
 * The program output (falco.yaml's program_output): alert lines on the
 * stdin of `/bin/sh -c COMMAND`, stdout and stderr inherited.  With
 * keep_alive one process takes every alert and is restarted, with a growing
 * delay, when it exits; without, each alert gets a process of its own.
 * Children are always reaped here, by pid: the daemon's signals stay its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "output/outputs.h"

/* Bytes of the command: sh gets it as one argument, which Linux caps at 32 pages. */
#define PROGRAM_COMMAND_MAX (128u * 1024u - 1)
/* A child that neither reads its stdin nor exits for this long is killed. */
#define PROGRAM_TIMEOUT_MS 30000
/* At shutdown (and after a broken pipe) a child gets this long to exit on EOF. */
#define PROGRAM_EXIT_WAIT_MS 2000
/* Restart delays of the keep_alive process: doubled after each quick exit. */
#define PROGRAM_RESTART_MIN_MS 1000
#define PROGRAM_RESTART_MAX_MS 60000
/* A keep_alive process that ran this long was not failing: delay back to the minimum. */
#define PROGRAM_STABLE_MS 10000

extern char **environ;

typedef struct ProgramSink {
	char *command;
	bool keep_alive;
	pid_t pid; /* keep_alive: the running child, else 0 */
	int fd;	   /* our end of its stdin */
	uint64_t started_ms;
	uint64_t next_start_ms; /* no restart before */
	uint64_t delay_ms;
} ProgramSink;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Starts /bin/sh -c command with a pipe on its stdin; *ret_fd is our (non-blocking) end. */
static int program_spawn(const char *command, pid_t *ret_pid, int *ret_fd)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)command, NULL };
	_cleanup_close_ int rfd = -1, wfd = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	pid_t pid;
	int p[2], r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	rfd = p[0];
	wfd = p[1];
	if (rfd <= STDIN_FILENO) {
		/* dup2() onto itself would leave close-on-exec set. */
		int fd = fcntl(rfd, F_DUPFD_CLOEXEC, 3);

		if (fd < 0)
			return -errno;
		close(rfd);
		rfd = fd;
	}
	if (fcntl(wfd, F_SETFL, O_NONBLOCK) < 0)
		return -errno;

	r = posix_spawn_file_actions_init(&fa);
	if (r)
		return -r;
	r = posix_spawnattr_init(&attr);
	if (r) {
		posix_spawn_file_actions_destroy(&fa);
		return -r;
	}
	/*
	 * The sink thread blocks every signal and the daemon ignores SIGPIPE;
	 * the command gets what a shell would give it.
	 */
	sigemptyset(&none);
	sigfillset(&all);
	r = posix_spawn_file_actions_adddup2(&fa, rfd, STDIN_FILENO);
	if (!r)
		r = posix_spawnattr_setsigmask(&attr, &none);
	if (!r)
		r = posix_spawnattr_setsigdefault(&attr, &all);
	if (!r)
		r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!r)
		r = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	*ret_pid = pid;
	*ret_fd = TAKE_FD(wfd);
	return 0;
}

/* Whether pid has exited (reaping it); *ret_status its wait status. */
static bool child_exited(pid_t pid, int *ret_status)
{
	int status = 0;
	pid_t r;

	do
		r = waitpid(pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	/* r < 0: ECHILD, somebody else reaped it; it is gone all the same. */
	*ret_status = r == pid ? status : 0;
	return true;
}

/* A descriptor that polls readable once pid exited (Linux 5.3), or -1. */
static int child_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	return -1;
#endif
}

/*
 * Waits up to timeout_ms for pid to exit, then kills it: no zombie is left
 * behind.  Returns its wait status.
 */
static int child_reap(pid_t pid, unsigned timeout_ms)
{
	_cleanup_close_ int pidfd = child_pidfd(pid);
	uint64_t now, deadline = now_ms() + timeout_ms;
	unsigned pause_us = 100;
	int status = 0;
	pid_t r;

	while (!child_exited(pid, &status)) {
		now = now_ms();
		if (now >= deadline) {
			kill(pid, SIGKILL);
			do
				r = waitpid(pid, &status, 0);
			while (r < 0 && errno == EINTR);
			return status;
		}
		if (pidfd >= 0) {
			struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

			if (poll(&pfd, 1, (int)MIN(deadline - now, (uint64_t)INT32_MAX)) >= 0 ||
			    errno == EINTR)
				continue;
			close(TAKE_FD(pidfd));
		}
		/* Without pidfd (older kernels): look again a little later each time. */
		nanosleep(&(struct timespec){ 0, (long)pause_us * 1000 }, NULL);
		pause_us = MIN(pause_us * 2, 10000u);
	}
	return status;
}

static int status_to_errno(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -EIO;
}

/* The keep_alive child ended (or is ended): forget it and schedule the restart. */
static void program_child_gone(ProgramSink *p, bool reaped)
{
	uint64_t now = now_ms();

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (!reaped)
		child_reap(p->pid, PROGRAM_EXIT_WAIT_MS);
	p->pid = 0;

	if (now - p->started_ms >= PROGRAM_STABLE_MS || p->delay_ms == 0)
		p->delay_ms = PROGRAM_RESTART_MIN_MS;
	else
		p->delay_ms = MIN(p->delay_ms * 2, (uint64_t)PROGRAM_RESTART_MAX_MS);
	p->next_start_ms = p->started_ms + p->delay_ms;
}

static int program_start(ProgramSink *p)
{
	int r;

	p->started_ms = now_ms();
	r = program_spawn(p->command, &p->pid, &p->fd);
	if (r < 0) {
		p->pid = 0;
		p->fd = -1;
		p->delay_ms = MIN(MAX(p->delay_ms * 2, (uint64_t)PROGRAM_RESTART_MIN_MS),
				  (uint64_t)PROGRAM_RESTART_MAX_MS);
		p->next_start_ms = p->started_ms + p->delay_ms;
	}
	return r;
}

static int program_open(void *userdata, char *errbuf, size_t errlen)
{
	ProgramSink *p = userdata;
	int r;

	if (access("/bin/sh", X_OK) < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "program output: cannot run /bin/sh: %s", strerror(-r));
		return r;
	}
	if (!p->keep_alive)
		return 0;
	r = program_start(p);
	if (r < 0)
		snprintf(errbuf, errlen, "program output: cannot start '%s': %s", p->command,
			 strerror(-r));
	return r;
}

static int program_write_once(ProgramSink *p, const char *line, size_t len)
{
	int status, r, fd = -1;
	pid_t pid;

	r = program_spawn(p->command, &pid, &fd);
	if (r < 0)
		return r;
	r = output_write_full(fd, line, len, PROGRAM_TIMEOUT_MS);
	close(fd);
	/* After EOF on its stdin the command has the whole timeout to finish. */
	status = child_reap(pid, PROGRAM_TIMEOUT_MS);
	if (r < 0)
		return r;
	return status_to_errno(status);
}

static int program_write(void *userdata, const Alert *a, const char *line, size_t len)
{
	ProgramSink *p = userdata;
	int status, r;

	if (!p->keep_alive)
		return program_write_once(p, line, len);

	if (p->pid > 0 && child_exited(p->pid, &status))
		program_child_gone(p, true);
	if (p->pid == 0) {
		if (now_ms() < p->next_start_ms)
			return -ECHILD; /* the line is lost while the restart waits */
		r = program_start(p);
		if (r < 0)
			return r;
	}
	r = output_write_full(p->fd, line, len, PROGRAM_TIMEOUT_MS);
	if (r < 0)
		/* Gone (EPIPE) or stuck (ETIMEDOUT): end it; the next alert restarts it. */
		program_child_gone(p, false);
	return r;
}

static int program_idle(void *userdata)
{
	ProgramSink *p = userdata;
	int status;

	/* Reap an exited keep_alive child now rather than at the next alert. */
	if (p->pid > 0 && child_exited(p->pid, &status))
		program_child_gone(p, true);
	return 0;
}

static void program_close(void *userdata)
{
	ProgramSink *p = userdata;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->pid > 0)
		child_reap(p->pid, PROGRAM_EXIT_WAIT_MS);
	free(p->command);
	free(p);
}

static const OutputSinkOps program_ops = {
	.name = "program",
	.open = program_open,
	.write = program_write,
	.close = program_close,
	.idle = program_idle,
};

int outputs_add_program(Outputs *o, const char *command, bool keep_alive, char *errbuf,
			size_t errlen)
{
	ProgramSink *p;

	if (!command || !command[0]) {
		snprintf(errbuf, errlen, "program output: no command");
		return -EINVAL;
	}
	if (strlen(command) > PROGRAM_COMMAND_MAX) {
		snprintf(errbuf, errlen, "program output: command longer than %u bytes",
			 PROGRAM_COMMAND_MAX);
		return -E2BIG;
	}
	p = new0(ProgramSink, 1);
	if (!p)
		return -ENOMEM;
	p->fd = -1;
	p->keep_alive = keep_alive;
	p->command = strdup(command);
	if (!p->command) {
		free(p);
		return -ENOMEM;
	}
	return outputs_add_sink(o, &program_ops, p, errbuf, errlen);
}
