#!/bin/sh
# SPDX-License-Identifier: MIT
# Fresh Debian 12/13 machine, as root: install build dependencies, build
# saker, and run its main job on the shipped example: sakerd reads a
# recorded event stream (turned into a capture file, as `saker capture`
# records them) through the default ruleset and prints the alerts.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -s -j"$(nproc)" >/dev/null
./saker replay --write-capture demo.cap --hostname demo-host ../examples/demo.jsonl
exec ./sakerd -c /dev/null --config-dir /nonexistent -o journald_output.enabled=false -o syslog_output.enabled=false \
	-r ../rules -e demo.cap
