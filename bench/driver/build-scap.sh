#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The reference driver for the benchmark: Debian's falcosecurity-scap-dkms source
# (the module sysdig uses) built by hand against the host suite's kernel headers,
# without DKMS and without installing anything.  Cached per kernel version.
#
# Usage: build-scap.sh OUTDIR      (writes OUTDIR/scap.ko)
set -euo pipefail
. "$(dirname "$0")/../../tests/kmod/lib.sh"
LOG_TAG=scap

[ $# -eq 1 ] || { usage >&2; exit 2; }
load_suite_env "$HOST_SUITE"
cache=$SAKER_LAB/scap/$KVER
if [ ! -f "$cache/scap.ko" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	log "apt-get download falcosecurity-scap-dkms; build against $KVER"
	(cd "$cache" && apt-get download -q falcosecurity-scap-dkms >/dev/null 2>&1) ||
		die "cannot download falcosecurity-scap-dkms"
	dpkg -x "$cache"/falcosecurity-scap-dkms_*.deb "$cache/x"
	mv "$cache"/x/usr/src/scap-* "$cache/src"
	rm -rf "$cache/x" "$cache"/*.deb
	make -C "$KHEADERS" M="$cache/src" -j"$(nproc)" modules >"$cache/build.log" 2>&1 ||
		{ tail -n 20 "$cache/build.log" >&2; die "scap.ko build failed"; }
	cp "$cache/src/scap.ko" "$cache/scap.ko"
fi
mkdir -p "$1"
cp "$cache/scap.ko" "$1/scap.ko"
