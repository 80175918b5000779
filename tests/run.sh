#!/bin/bash
# SPDX-License-Identifier: MIT
# The whole saker test suite.  Installs its dependencies (Debian, as root),
# builds with warnings as errors, runs every suite and ends with one line
# "N passed, M failed".
#
#   tests/run.sh                 everything (unit, ASan+UBSan, fuzz replays,
#                                tool and rule tests, kernel-module guests,
#                                Debian packages: build, install, upgrade, boot)
#   tests/run.sh --fast          skip the ASan build, the guests and the packages
#   SAKER_SUITES="unit cli"      run only the named suites
#
# Suites: unit asan fuzz cli rules kmod deb bench
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${SAKER_BUILD:-$top/build}
build_asan=${SAKER_BUILD_ASAN:-$top/build-asan}
suites=${SAKER_SUITES:-unit asan fuzz cli rules kmod deb bench}
[ "${1:-}" = --fast ] && suites=${SAKER_SUITES:-unit fuzz cli rules}
jobs=$(nproc 2>/dev/null || echo 2)
passed=0 failed=0
results=$(mktemp); trap 'rm -f "$results"' EXIT

say() { printf '== %s\n' "$*"; }
record() { # suite name ok|fail [detail]
	if [ "$3" = ok ]; then passed=$((passed + 1)); echo "PASS: $1: $2"
	else failed=$((failed + 1)); echo "FAIL: $1: $2${4:+: $4}"; fi
	echo "$1 $2 $3" >> "$results"
}
# Add a suite's own "N passed, M failed" summary to the totals.
add_counts() { # suite n m
	passed=$((passed + $2)); failed=$((failed + $3))
	echo "$1: $2 passed, $3 failed"
}

scripts/deps.sh --test || { echo "FAIL: setup: installing dependencies failed"; echo "0 passed, 1 failed"; exit 1; }

configure_build() { # dir extra-configure-args...
	local dir=$1; shift
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ configure -nt "$dir/Makefile" ]; then
		(cd "$dir" && "$top/configure" -q --enable-werror "$@") || return 1
	fi
	make -s -C "$dir" -j"$jobs" all >/dev/null && make -s -C "$dir" -j"$jobs" check TESTS= >/dev/null
}

run_cmocka() { # suite binary
	local out rc p f
	out=$("$2" 2>&1); rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	if [ -z "$p$f" ]; then
		printf '%s\n' "$out" | tail -20
		record "$1" "$(basename "$2")" fail "exit $rc without a cmocka summary"
		return
	fi
	[ "${f:-0}" -gt 0 ] || [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -E '^\[  (FAILED|  ERROR)|^\[  FAILED  \]|error|Error' | head -20
	add_counts "$1 $(basename "$2")" "${p:-0}" "${f:-0}"
	[ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ] && record "$1" "$(basename "$2")" fail "exit $rc"
	return 0
}

list_tests() { make -s -C "$1" print-tests VAR="$2" 2>/dev/null; }

say build
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || { record build autoreconf fail; }
fi
if configure_build "$build"; then record build "gcc -Werror" ok
else record build "gcc -Werror" fail "see make output above"; make -C "$build" 2>&1 | grep -E 'error|warning' | head -30; fi

for suite in $suites; do
	case $suite in
	unit)
		say "unit tests"
		for t in $(list_tests "$build" UNIT_TESTS); do run_cmocka unit "$build/$t"; done
		;;
	asan)
		say "unit tests and fuzz replays under ASan+UBSan"
		if CC=${SAKER_ASAN_CC:-gcc} configure_build "$build_asan" --enable-sanitizers; then
			export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
			for t in $(list_tests "$build_asan" UNIT_TESTS); do run_cmocka asan "$build_asan/$t"; done
			for t in $(list_tests "$build_asan" FUZZ_REPLAYS); do
				c=tests/fuzz/corpus/${t#fuzz-}; c=${c%-replay}
				if "$build_asan/$t" "$c" >/dev/null 2>&1; then record asan "$t" ok
				else record asan "$t" fail "crash replaying $c"; fi
			done
		else
			record asan build fail
		fi
		;;
	fuzz)
		say "fuzz corpus replays"
		for t in $(list_tests "$build" FUZZ_REPLAYS); do
			c=tests/fuzz/corpus/${t#fuzz-}; c=${c%-replay}
			if "$build/$t" "$c" >/dev/null 2>&1; then record fuzz "$t" ok
			else record fuzz "$t" fail "crash replaying $c"; fi
		done
		;;
	cli)
		say "tool tests"
		for t in tests/cli/*.sh; do
			[ -e "$t" ] || continue
			out=$(SAKER_BUILD="$build" bash "$t" 2>&1); rc=$?
			printf '%s\n' "$out" | grep -E '^(PASS|FAIL):' || true
			n=$(printf '%s\n' "$out" | grep -c '^PASS:'); m=$(printf '%s\n' "$out" | grep -c '^FAIL:')
			[ $rc -ne 0 ] && [ "$m" -eq 0 ] && m=1 && printf '%s\n' "$out" | tail -5
			passed=$((passed + n)); failed=$((failed + m))
		done
		;;
	rules)
		say "rule tests"
		# every default rule needs a firing and a near-miss case (--coverage)
		cases=$(ls tests/rules/*.yaml 2>/dev/null | grep -v -- '-rules\.yaml$')
		if [ -n "$cases" ] && [ -x "$build/saker" ]; then
			# shellcheck disable=SC2086
			out=$("$build/saker" test --coverage rules $cases 2>&1); rc=$?
			printf '%s\n' "$out" | grep -E '^(PASS|FAIL)' | grep -v '^PASS' || true
			sum=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
			if [ -n "$sum" ]; then add_counts rules "${sum%% *}" "$(echo "$sum" | awk '{print $3}')"
			else record rules "saker test" fail "exit $rc"; printf '%s\n' "$out" | tail -5; fi
		fi
		;;
	kmod)
		say "kernel module in QEMU guests"
		if [ -x tests/kmod/run.sh ]; then
			kmodlog=$(mktemp)
			SAKER_BUILD_DIR=$build tests/kmod/run.sh 2>&1 | tee "$kmodlog"; rc=${PIPESTATUS[0]}
			sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$kmodlog" | tail -1)
			rm -f "$kmodlog"
			if [ -n "$sum" ]; then add_counts kmod "${sum%% *}" "$(echo "$sum" | awk '{print $3}')"
			else record kmod "tests/kmod/run.sh" fail "exit $rc without a summary"; fi
		fi
		;;
	deb)
		say "Debian packages: build per suite, install, upgrade, booted system"
		deblog=$(mktemp)
		packaging/deb/test-all.sh 2>&1 | tee "$deblog"; rc=${PIPESTATUS[0]}
		sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$deblog" | tail -1)
		rm -f "$deblog"
		if [ -n "$sum" ]; then add_counts deb "${sum%% *}" "$(echo "$sum" | awk '{print $3}')"
		else record deb "packaging/deb/test-all.sh" fail "exit $rc without a summary"; fi
		;;
	bench)
		# smoke runs: they prove the benchmarks work; their numbers are
		# printed, never asserted (noisy machines)
		say "benchmark smoke runs"
		if out=$("$build/bench-rules" -r rules -n 300000 2>&1); then
			printf '%s\n' "$out"; record bench "bench-rules" ok
		else
			printf '%s\n' "$out" | tail -5; record bench "bench-rules" fail
		fi
		if out=$("$build/bench-outputs" -n 20000 2>&1); then
			printf '%s\n' "$out"; record bench "bench-outputs" ok
		else
			printf '%s\n' "$out" | tail -5; record bench "bench-outputs" fail
		fi
		if [ -x bench/driver/run.sh ]; then
			if bench/driver/run.sh --smoke; then record bench "bench/driver --smoke" ok
			else record bench "bench/driver --smoke" fail; fi
		fi
		if [ -x bench/e2e/run.sh ]; then
			if SAKER_BUILD_DIR=$build bench/e2e/run.sh --smoke; then record bench "bench/e2e --smoke" ok
			else record bench "bench/e2e --smoke" fail; fi
		fi
		;;
	*) echo "unknown suite $suite"; failed=$((failed + 1));;
	esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
