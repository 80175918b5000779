#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Driver overhead benchmark: syscall storms (getppid, openat+close, fork+exec) in one
# bookworm guest under QEMU instruction counting (-icount shift=0,sleep=off, one
# vCPU, single-threaded TCG: 1 virtual ns = 1 guest instruction, ratios repeat
# within about 1 %), with no module, saker.ko loaded with capture stopped, capture on
# with the storm's syscalls filtered out, capture on with a reader draining, and the
# reference: Debian's falcosecurity-scap-dkms module idle and with sysdig -w /dev/null.
# Prints ns per operation, ratios to "no module" of the same boot, events/s and drops.
#
# Usage: bench/driver/run.sh [--smoke] [--reps N] [--no-ref]
#   --smoke   tiny storms (CI: proves the pipeline, the numbers mean little)
#   --no-ref  skip the scap/sysdig reference
# env: SAKER_BENCH_GETPPID, SAKER_BENCH_OPENCLOSE, SAKER_BENCH_FORKEXEC override the
# counts (default 2000000, 20000, 500).  Results: $SAKER_LAB/bench/<time>/.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../tests/kmod/lib.sh"
LOG_TAG=bench

smoke= reps=1 ref=1
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	--reps) reps=$2; shift ;;
	--no-ref) ref= ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ -n "$smoke" ]; then
	gn=${SAKER_BENCH_GETPPID:-20000} on=${SAKER_BENCH_OPENCLOSE:-1000} fn=${SAKER_BENCH_FORKEXEC:-20}
else
	gn=${SAKER_BENCH_GETPPID:-2000000} on=${SAKER_BENCH_OPENCLOSE:-20000} fn=${SAKER_BENCH_FORKEXEC:-500}
fi
suite=$HOST_SUITE
T0=$(date +%s.%N)
out=$SAKER_LAB/bench/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$out/ship"
failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}

"$KMOD_TESTS/lab.sh" --suite "$suite" --bench || { echo "FAIL: lab"; exit 1; }
load_suite_env "$suite"
cflags=(-static -O2 -Wall -Wextra -Werror)
gcc "${cflags[@]}" "$HERE/storm.c" -o "$out/ship/storm" || { echo "FAIL: storm.c"; exit 1; }
install -m755 "$HERE/guest.sh" "$out/ship/"

if [ -d "$SAKER_KMOD_DIR" ]; then
	if "$KMOD_TESTS/build-module.sh" "$suite" "$out/saker"; then
		cp "$out/saker/saker.ko" "$out/ship/"
	else
		fail "saker.ko does not build: module phases skipped"
	fi
	if [ -f "$SAKER_GUEST_DIR/reader.c" ]; then
		gcc "${cflags[@]}" -I "$SAKER_INCLUDE_DIR" -I "$SAKER_GUEST_DIR" "$HERE/drain.c" \
			"$SAKER_GUEST_DIR/reader.c" -o "$out/ship/drain" || fail "drain.c does not build"
	else
		log "no $SAKER_GUEST_DIR/reader.c: filtered and drained phases skipped"
	fi
else
	log "no $SAKER_KMOD_DIR: module phases skipped"
fi
if [ -n "$ref" ]; then
	"$HERE/build-scap.sh" "$out/ship" || fail "scap.ko does not build: reference skipped"
fi

log "guest: getppid x$gn, openat+close x$on, fork+exec x$fn, $reps repetition(s)"
t=$(date +%s.%N)
"$KMOD_TESTS/vm.sh" --suite "$suite" --image bench --icount --ship "$out/ship" --out "$out/guest" \
	--timeout "${SAKER_BENCH_TIMEOUT:-3600}" -- "GN=$gn ON=$on FN=$fn REPS=$reps sh ./guest.sh" \
	>"$out/guest.log" 2>"$out/vm.log"
rc=$?
grep -E '^(FAIL|INFO):' "$out/guest.log"
grep -q '^DONE$' "$out/guest.log" || { fail "guest run incomplete (rc=$rc)"; tail -n 30 "$out/vm.log"; }
grep -q '^FAIL:' "$out/guest.log" && failed=1
log "guest run $(since "$t") s"

res=$out/guest/results.txt
[ -s "$res" ] || { echo "FAIL: no results"; exit 1; }
awk -v kver="$KVER" -f "$HERE/report.awk" "$res" | tee "$out/report.txt"
log "results in $out; $(since "$T0") s in all"
exit $failed
