#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sparse over the module (make C=2) against the host suite's kernel headers.
# Usage: sparse.sh [OUTDIR]
# Prints the build log's findings on stderr and one "PASS: sparse" or
# "FAIL: sparse: ..." line on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LOG_TAG=sparse

out=${1:-$(mktemp -d /var/tmp/saker-sparse.XXXXXX)}
if ! dpkg -s sparse >/dev/null 2>&1; then
	suite_lists "$HOST_SUITE"
	apt-get install -y -qq --no-install-recommends sparse >&2 || { echo "FAIL: sparse: cannot install sparse"; exit 1; }
fi
if SAKER_MAKE_ARGS="C=2" "$KMOD_TESTS/build-module.sh" "$HOST_SUITE" "$out"; then
	echo "PASS: sparse ($(sparse --version 2>/dev/null))"
else
	n=$(grep -cE '(warning|error):' "$out/build.log" || true)
	echo "FAIL: sparse: $n findings; $out/build.log"
	exit 1
fi
