#!/bin/bash
# SPDX-License-Identifier: MIT
# The rsyslog input module (rsyslog-plugin/) and sakerd's rsyslog output
# against real rsyslogd instances: tests/rsyslog/run.sh, which builds the
# module against the installed rsyslog's source (cached), starts and stops
# its own rsyslogd instances and network namespaces.  Prints PASS:/FAIL:/SKIP:
# lines (tests/run.sh counts them).
top=$(cd "$(dirname "$0")/../.." && pwd)
exec bash "$top/tests/rsyslog/run.sh" "$@"
