// SPDX-License-Identifier: MIT
/*
 * saker reload: have the running sakerd reload its configuration and rules
 * (as SIGHUP does) and say whether the new set is active.
 */
#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control.h"
#include "tool/tool.h"

/* Compiling a large ruleset can take a while; the daemon answers once done. */
#define RELOAD_TIMEOUT_MS 120000

int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *path = CONTROL_DEFAULT_SOCKET;
	_cleanup_free_ char *text = NULL;
	struct fjson_object *reply = NULL, *err = NULL;
	ControlStatus status;
	int o, r, rc = 1;

	optind = 1;
	while ((o = getopt_long(argc, argv, "s:h", opts, NULL)) >= 0) {
		switch (o) {
		case 's':
			path = optarg;
			break;
		case 'h':
			puts("Usage: saker reload [-s SOCKET]\n"
			     "Reload the running sakerd's configuration and rules. When they have\n"
			     "errors, sakerd keeps running the previous ones and this exits 1.\n"
			     "  -s, --socket PATH   control socket (default " CONTROL_DEFAULT_SOCKET ")");
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "saker reload: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	r = control_call(path, "{\"cmd\":\"reload\"}", -1, RELOAD_TIMEOUT_MS, NULL, NULL, &text);
	if (r < 0) {
		tool_control_error("reload", path, r);
		return 1;
	}
	if (control_parse(text, strlen(text), &reply) < 0 ||
	    control_reply_status(reply, &status) < 0) {
		tool_control_error("reload", path, -EBADMSG);
		goto out;
	}
	if (status == CONTROL_STATUS_OK) {
		puts("sakerd reloaded its configuration and rules");
		rc = 0;
	} else if (fjson_object_object_get_ex(reply, "error", &err) &&
		   fjson_object_is_type(err, fjson_type_string)) {
		fprintf(stderr, "saker reload: %.400s\n", fjson_object_get_string(err));
	} else {
		fprintf(stderr, "saker reload: sakerd reported an error\n");
	}
out:
	if (reply)
		fjson_object_put(reply);
	return rc;
}
