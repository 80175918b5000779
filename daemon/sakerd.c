// SPDX-License-Identifier: MIT
/*
 * sakerd: runtime threat detection.  Reads the kernel module's events (or a
 * capture file with -e), keeps the process/fd/container state, evaluates
 * the rules and writes alerts to the configured outputs.  Runs in the
 * foreground, as systemd's Type=notify service.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "sakerd/daemon.h"
#include "sakerd/log.h"

#define SAKERD_MAX_OVERRIDES 256 /* -o options */

static void usage(FILE *f)
{
	fputs("Usage: sakerd [OPTION]...\n"
	      "Detect threats from the saker kernel module's events and write alerts.\n\n"
	      "  -c, --config FILE     main configuration file (default " CONFIG_DEFAULT_PATH ")\n"
	      "                        drop-ins are read from " CONFIG_DEFAULT_DROPIN_DIR "\n"
	      "      --config-dir DIR  drop-in directory instead\n"
	      "  -r, --rules PATH      rule file or directory, replaces rules_files (repeatable)\n"
	      "  -o, --option KEY=VAL  set a configuration key, e.g. -o json_output=true\n"
	      "  -U, --unbuffered      flush outputs after every alert\n"
	      "      --dry-run         check the configuration and rules, print the configuration\n"
	      "  -e, --capture FILE    read events from a capture file instead of the module\n"
	      "      --device PATH     the module's device (default " SAKER_DEVICE_PATH ")\n"
	      "      --socket PATH     control socket (default: control.socket)\n"
	      "      --lock PATH       lock file (default " SAKERD_LOCK_FILE ")\n"
	      "      --proc-root DIR   read processes from DIR instead of /proc\n"
	      "      --host-root DIR   read passwd, group and container files below DIR\n"
	      "      --keep-caps       keep every capability\n"
	      "  -v, --verbose         debug messages\n"
	      "  -h, --help            this text\n"
	      "      --version         the version\n",
	      f);
}

static int push(char ***v, size_t *n, size_t max, const char *s, const char *what)
{
	char **nv;

	if (*n >= max) {
		fprintf(stderr, "sakerd: too many %s options (at most %zu)\n", what, max);
		return -E2BIG;
	}
	nv = reallocarray(*v, *n + 1, sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = (char *)s;
	*v = nv;
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		OPT_DRY_RUN = 256,
		OPT_CONFIG_DIR,
		OPT_DEVICE,
		OPT_SOCKET,
		OPT_LOCK,
		OPT_PROC_ROOT,
		OPT_HOST_ROOT,
		OPT_KEEP_CAPS,
		OPT_VERSION,
	};
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
		{ "rules", required_argument, NULL, 'r' },
		{ "option", required_argument, NULL, 'o' },
		{ "unbuffered", no_argument, NULL, 'U' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "capture", required_argument, NULL, 'e' },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "lock", required_argument, NULL, OPT_LOCK },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
		{ "keep-caps", no_argument, NULL, OPT_KEEP_CAPS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{},
	};
	DaemonArgs args = { 0 };
	Daemon d = { 0 };
	Config *c = NULL;
	int o, r;

	log_setup();
	while ((o = getopt_long(argc, argv, "c:r:o:Ue:vh", opts, NULL)) >= 0) {
		switch (o) {
		case 'c':
			args.config_path = optarg;
			break;
		case OPT_CONFIG_DIR:
			args.dropin_dir = optarg;
			break;
		case 'r':
			if (push(&args.rules, &args.nrules, SAKERD_MAX_RULE_PATHS, optarg, "-r") < 0)
				return 2;
			break;
		case 'o':
			if (push(&args.overrides, &args.noverrides, SAKERD_MAX_OVERRIDES, optarg,
				 "-o") < 0)
				return 2;
			break;
		case 'U':
			args.unbuffered = true;
			break;
		case OPT_DRY_RUN:
			args.dry_run = true;
			break;
		case 'e':
			args.capture_file = optarg;
			break;
		case OPT_DEVICE:
			args.device = optarg;
			break;
		case OPT_SOCKET:
			args.control_socket = optarg;
			break;
		case OPT_LOCK:
			args.lock_file = optarg;
			break;
		case OPT_PROC_ROOT:
			args.proc_root = optarg;
			break;
		case OPT_HOST_ROOT:
			args.host_root = optarg;
			break;
		case OPT_KEEP_CAPS:
			args.keep_caps = true;
			break;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			puts("sakerd " PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sakerd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	r = daemon_load_config(&args, &c);
	if (r < 0)
		goto out;
	if (args.dry_run) {
		Engine *e = NULL;

		r = daemon_build_engine(&args, c, &e);
		engine_free(e);
		if (r >= 0)
			config_dump(c, stdout);
		config_free(c);
		goto out;
	}
	if (sd_watchdog_enabled(0, &d.watchdog_usec) <= 0)
		d.watchdog_usec = 0;
	r = daemon_init(&d, &args, c);
	if (r >= 0)
		r = daemon_run(&d);
	else
		daemon_notify("STATUS=Failed to start: %s\nERRNO=%d", strerror(-r), -r);
	daemon_done(&d);
out:
	free(args.rules);
	free(args.overrides);
	return r < 0 ? 1 : r;
}
