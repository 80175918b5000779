#!/bin/sh
# SPDX-License-Identifier: MIT
# Fresh Debian 12/13 machine, as root: install build dependencies, build
# saker, and run its main job on the shipped example: replay a recorded
# event stream through the default ruleset and print the alerts.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -s -j"$(nproc)" >/dev/null
exec ./saker replay ../examples/demo.jsonl -r ../rules
