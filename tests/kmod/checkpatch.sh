#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.pl --strict --no-tree over the module source, with the checkpatch of
# Debian's linux-source-6.1 (only scripts/checkpatch.pl and its two data files are
# unpacked, into $SAKER_LAB/checkpatch, once).
#
# Usage: checkpatch.sh [FILE...]      (default: kmod/*.c kmod/*.h)
# Prints checkpatch's report on stderr and one "PASS: checkpatch" or
# "FAIL: checkpatch: ..." line on stdout; exits non-zero on any error, warning or check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LOG_TAG=checkpatch

cp_dir=$SAKER_LAB/checkpatch
fetch() {
	local tmp deb
	suite_lists "$HOST_SUITE"
	tmp=$(mktemp -d "$SAKER_LAB/.checkpatch.XXXXXX")
	log "apt-get download linux-source-6.1 (checkpatch.pl only is kept)"
	(cd "$tmp" && apt-get download -q linux-source-6.1 >/dev/null 2>&1) || { rm -rf "$tmp"; die "cannot download linux-source-6.1"; }
	deb=$(ls "$tmp"/linux-source-6.1_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/src/linux-source-6.1.tar.xz |
		tar -xJf - -C "$tmp" --wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	rm -rf "$cp_dir"
	mkdir -p "$cp_dir"
	mv "$tmp"/linux-source-6.1/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$cp_dir/"
	dpkg-deb -f "$deb" Version >"$cp_dir/version"
	rm -rf "$tmp"
}

mkdir -p "$SAKER_LAB"
(
	flock 9
	[ -f "$cp_dir/checkpatch.pl" ] || fetch
) 9>"$SAKER_LAB/.checkpatch.lock"

if [ $# -eq 0 ]; then
	# the sources, not what an in-tree build generated (saker.mod.c): ask git when it can
	if files=$(git -C "$SAKER_KMOD_DIR" ls-files -co --exclude-standard -- '*.[ch]' 2>/dev/null) &&
		[ -n "$files" ]; then
		while IFS= read -r f; do
			case $f in */*) ;; *) set -- "$@" "$SAKER_KMOD_DIR/$f" ;; esac
		done <<<"$files"
	else
		shopt -s nullglob
		for f in "$SAKER_KMOD_DIR"/*.[ch]; do
			case $f in *.mod.c) ;; *) set -- "$@" "$f" ;; esac
		done
	fi
	[ $# -gt 0 ] || { echo "FAIL: checkpatch: no source files in $SAKER_KMOD_DIR"; exit 1; }
fi
rc=0
report=$(perl "$cp_dir/checkpatch.pl" --strict --no-tree --no-color --show-types -f "$@" 2>&1) || rc=$?
if [ $rc -eq 0 ]; then
	echo "PASS: checkpatch"
else
	printf '%s\n' "$report" >&2
	n=$(printf '%s\n' "$report" | grep -cE '^(ERROR|WARNING|CHECK):' || true)
	echo "FAIL: checkpatch: $n findings in $# files (linux-source $(cat "$cp_dir/version"))"
fi
exit $rc
