#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build saker.ko for one Debian suite's cloud kernel, warnings as errors.
#
# Usage: build-module.sh SUITE OUTDIR
# The host suite builds against the host's /usr/src/linux-headers-KVER; any other
# suite builds inside its debootstrap chroot ($SAKER_LAB/chroot/SUITE, made by
# lab.sh --buildenv), whose compiler and kbuild match that kernel.  A copy of kmod/
# and include/saker/ is built (Kbuild finds include/ next to kmod/), never the tree.
# Writes OUTDIR/saker.ko, OUTDIR/build.log and OUTDIR/kver; exits non-zero when the
# build fails or prints any warning.  SAKER_MAKE_ARGS adds make arguments (C=2).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LOG_TAG=build

[ $# -eq 2 ] || { usage >&2; exit 2; }
suite=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
[ -f "$SAKER_KMOD_DIR/Kbuild" ] || [ -f "$SAKER_KMOD_DIR/Makefile" ] || die "no module source in $SAKER_KMOD_DIR"
[ -d "$SAKER_INCLUDE_DIR/saker" ] || die "no $SAKER_INCLUDE_DIR/saker"

"$KMOD_TESTS/lab.sh" --buildenv --suite "$suite" || die "no build environment for $suite"
load_suite_env "$suite"
rm -f "$out/saker.ko" "$out/build.log" "$out/kver"

if [ -n "$CHROOT" ]; then
	rel=/build/saker.$$
	src=$CHROOT$rel
else
	rel=
	src=$out/src
fi
rm -rf "$src"
mkdir -p "$src/kmod" "$src/include"
# the source files only: never objects or probe results of an earlier in-tree build
if files=$(git -C "$SAKER_KMOD_DIR" ls-files -co --exclude-standard . 2>/dev/null) && [ -n "$files" ]; then
	printf '%s\n' "$files" | tar -C "$SAKER_KMOD_DIR" -cf - -T - | tar -C "$src/kmod" -xf -
else
	tar -C "$SAKER_KMOD_DIR" --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.symvers' --exclude='*.order' --exclude='.tmp_*' \
		--exclude=compat/config.h -cf - . | tar -C "$src/kmod" -xf -
fi
cp -a "$SAKER_INCLUDE_DIR/saker" "$src/include/"

read -ra extra <<<"${SAKER_MAKE_ARGS:-}"
make_args=(-C "$KHEADERS" SAKER_WERROR=1 -j"$(nproc)" "${extra[@]}" modules)
t0=$(date +%s.%N)
rc=0
if [ -n "$CHROOT" ]; then
	in_chroot "$CHROOT" make M="$rel/kmod" "${make_args[@]}" >"$out/build.log" 2>&1 || rc=$?
else
	make M="$src/kmod" "${make_args[@]}" >"$out/build.log" 2>&1 || rc=$?
fi
[ ! -f "$src/kmod/saker.ko" ] || cp "$src/kmod/saker.ko" "$out/saker.ko"
[ -z "$CHROOT" ] || rm -rf "$src"
echo "$KVER" >"$out/kver"

warn=$(grep -iE '(^|[ :])warning:' "$out/build.log" || true)
if [ $rc -ne 0 ] || [ ! -f "$out/saker.ko" ] || [ -n "$warn" ]; then
	log "$suite ($KVER): build failed (make rc=$rc); $out/build.log:"
	grep -iE 'error|warning' "$out/build.log" | head -n 40 >&2 || tail -n 20 "$out/build.log" >&2
	rm -f "$out/saker.ko"
	exit 1
fi
log "$suite ($KVER): saker.ko built in $(since "$t0") s"
