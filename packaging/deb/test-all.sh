#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The packaging's part of the test suite (tests/run.sh, suite "deb"): build the packages
# for every suite, then the install test per suite, the upgrade test and the booted
# test.  Prints "PASS: deb SUITE: ..." / "FAIL: deb SUITE: ..." lines and ends with
# "N passed, M failed".
#
# Usage: packaging/deb/test-all.sh [SUITE...]     (default: bookworm trixie)
#   SAKER_DEB_UPGRADE_SUITE   the suite of the upgrade and booted tests (default bookworm)
#   SAKER_DEB_OUT             where the packages go (default /var/tmp/saker-deb/ci/SUITE)
# Logs of each step go next to the packages.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
usuite=${SAKER_DEB_UPGRADE_SUITE:-bookworm}
out=${SAKER_DEB_OUT:-/var/tmp/saker-deb/ci}
pass=0 fail=0

result() { # SUITE ok|fail WHAT
	if [ "$2" = ok ]; then pass=$((pass + 1)); echo "PASS: deb $1: $3"
	else fail=$((fail + 1)); echo "FAIL: deb $1: $3"; fi
}
# run_test SUITE LOG CMD...: a test script's "ok"/"FAIL" lines as results
run_test() {
	local s=$1 logf=$2 line rc
	shift 2
	"$@" >"$logf" 2>"$logf.err"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok   "*) result "$s" ok "${line#ok   }" ;;
		"FAIL "*) result "$s" fail "${line#FAIL }" ;;
		"     "*) echo "$line" ;;
		esac
	done <"$logf"
	if [ $rc != 0 ] && ! grep -q '^FAIL ' "$logf"; then
		result "$s" fail "$(basename "$2") stopped: $(tail -n 3 "$logf.err" | tr '\n' ' ')"
	fi
}

# the suites' builds side by side (each compiles on one core), then their install tests
declare -A bpid t0
for s in "${suites[@]}"; do
	rm -rf "${out:?}/$s"
	mkdir -p "$out/$s"
	t0[$s]=$(date +%s)
	"$here/build.sh" -o "$out/$s" "$s" >"$out/$s/build.out" 2>&1 &
	bpid[$s]=$!
done
for s in "${suites[@]}"; do
	wait "${bpid[$s]}"
	rc=$?
	case $rc in
	0) result "$s" ok "build saker, saker-dkms, rsyslog-saker ($(($(date +%s) - t0[$s])) s), lintian clean" ;;
	3) result "$s" ok "build saker, saker-dkms, rsyslog-saker ($(($(date +%s) - t0[$s])) s)"
	   result "$s" fail "lintian: $(grep -cE '^[EW]: ' "$out/$s/lintian.txt") errors or warnings not overridden"
	   grep -E '^[EW]: ' "$out/$s/lintian.txt" | head -n 10 ;;
	*) result "$s" fail "build (see $out/$s/build.out)"; tail -n 15 "$out/$s/build.out"; continue ;;
	esac
	run_test "$s" "$out/$s/test-install.log" "$here/test-install.sh" -d "$out/$s" "$s"
done

if [ -f "$out/$usuite/build.log" ] && ls "$out/$usuite"/saker_*.changes >/dev/null 2>&1; then
	rm -rf "${out:?}/$usuite-next"
	mkdir -p "$out/$usuite-next"
	run_test "$usuite" "$out/$usuite/test-upgrade.log" \
		"$here/test-upgrade.sh" -d "$out/$usuite" -n "$out/$usuite-next" "$usuite"
	nxt=()
	ls "$out/$usuite-next"/saker_*.changes >/dev/null 2>&1 && nxt=(-n "$out/$usuite-next")
	run_test "$usuite" "$out/$usuite/test-boot.log" \
		"$here/test-boot.sh" -d "$out/$usuite" "${nxt[@]}" "$usuite"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
