#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# End-to-end overhead benchmark: the syscall storms of bench/driver (getppid,
# openat+close, fork+exec) in one bookworm guest under QEMU instruction counting (one
# vCPU, 1 virtual ns = 1 guest instruction, ratios repeat within about 1 %), with no
# module, with saker.ko and sakerd evaluating the default rules (rules/) plus
# bench/e2e/storm-rules.yaml, and with the reference: Debian's scap module and
# sysdig -w /dev/null.  Prints per storm ns per operation, the ratio to "no module" of
# the same boot, events/s, drop %, the consumer's CPU share and resident memory, side
# by side with the reference, and ends with one verdict line per storm: lower overhead
# than the reference and at most half its drop %.
#
# Usage: bench/e2e/run.sh [--smoke]
#   --smoke   tiny storms (CI): proves the pipeline (sakerd starts, counts events, a
#             table is printed); the targets are shown, not asserted
# Without --smoke a missed target makes the exit status 1.
# env: SAKER_BUILD_DIR (sakerd and saker; default the tree's build/),
# SAKER_E2E_GETPPID, SAKER_E2E_OPENCLOSE, SAKER_E2E_FORKEXEC (storm sizes; default
# 2000000, 200000, 2000; with --smoke 20000, 1000, 20), SAKER_E2E_TIMEOUT (guest, s).
# Results: $SAKER_LAB/bench/e2e-<time>/ (results.txt, report.txt, guest/: the raw
# stats replies, sakerd's log, sysdig's output).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../tests/kmod/lib.sh"
LOG_TAG=e2e
DRIVER=$HERE/../driver

smoke=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "e2e: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ -n "$smoke" ]; then
	gn=${SAKER_E2E_GETPPID:-20000} on=${SAKER_E2E_OPENCLOSE:-1000} fn=${SAKER_E2E_FORKEXEC:-20}
	tmo=${SAKER_E2E_TIMEOUT:-900}
else
	gn=${SAKER_E2E_GETPPID:-2000000} on=${SAKER_E2E_OPENCLOSE:-200000} fn=${SAKER_E2E_FORKEXEC:-2000}
	tmo=${SAKER_E2E_TIMEOUT:-3600}
fi
build=${SAKER_BUILD_DIR:-$SAKER_ROOT/build}
suite=$HOST_SUITE
T0=$(date +%s.%N)
out=$SAKER_LAB/bench/e2e-$(date +%Y%m%d-%H%M%S)-$$
ship=$out/ship
mkdir -p "$ship/sakerd/lib" "$ship/sakerd/rules"

for b in sakerd saker; do
	[ -x "$build/$b" ] || { echo "FAIL: no $build/$b (SAKER_BUILD_DIR: a built tree)"; exit 1; }
done
"$KMOD_TESTS/lab.sh" --suite "$suite" --bench || { echo "FAIL: lab"; exit 1; }
load_suite_env "$suite"

# the module builds while the rest is put together
"$KMOD_TESTS/build-module.sh" "$suite" "$out/saker" 2>"$out/build-module.log" &
kpid=$!
"$DRIVER/build-scap.sh" "$ship" 2>"$out/build-scap.log" &
spid=$!

gcc -static -O2 -Wall -Wextra -Werror "$DRIVER/storm.c" -o "$ship/storm" || { echo "FAIL: storm.c"; exit 1; }
install -m755 "$HERE/guest.sh" "$ship/"
# sakerd and saker with the shared libraries they use beyond libc: the guest rootfs
# is the host's Debian release
cp "$build/sakerd" "$build/saker" "$HERE/storm-rules.yaml" "$ship/sakerd/"
cp "$SAKER_ROOT"/rules/*.yaml "$ship/sakerd/rules/"
ldd "$build/sakerd" "$build/saker" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
	grep -Ev '/(libc|libm|ld-linux[^/]*)\.so' | sort -u | xargs -r cp -L -t "$ship/sakerd/lib/"
log "sakerd shipped with $(ls "$ship/sakerd/lib" | wc -l) libraries, $(ls "$ship/sakerd/rules" | wc -l) rule files"

failed=0
if wait $kpid; then
	cp "$out/saker/saker.ko" "$ship/"
else
	cat "$out/build-module.log" >&2
	echo "FAIL: saker.ko does not build"
	exit 1
fi
wait $spid || { cat "$out/build-scap.log" >&2; echo "FAIL: scap.ko does not build: no reference"; failed=1; }

log "guest: getppid x$gn, openat+close x$on, fork+exec x$fn"
t=$(date +%s.%N)
"$KMOD_TESTS/vm.sh" --suite "$suite" --image bench --icount --ship "$ship" --out "$out/guest" \
	--timeout "$tmo" -- "GN=$gn ON=$on FN=$fn sh ./guest.sh" >"$out/guest.log" 2>"$out/vm.log"
rc=$?
grep -E '^(FAIL|INFO):' "$out/guest.log"
grep -q '^DONE$' "$out/guest.log" || { echo "FAIL: guest run incomplete (rc=$rc)"; tail -n 30 "$out/vm.log"; failed=1; }
grep -q '^FAIL:' "$out/guest.log" && failed=1
log "guest run $(since "$t") s"

res=$out/guest/results.txt
[ -s "$res" ] || { echo "FAIL: no results"; exit 1; }
cp "$res" "$out/results.txt"
awk -v kver="$KVER" -v smoke="$smoke" -f "$HERE/report.awk" "$res" >"$out/report.txt"
cat "$out/report.txt"
# the pipeline: every configuration ran every storm, and sakerd read the open storm's events
for ph in none sakerd ref; do
	for w in getppid openclose forkexec; do
		grep -q "^$ph storm $w " "$res" || { echo "FAIL: no result for $ph $w"; failed=1; }
	done
done
awk -v on="$on" '$1 == "sakerd" && $3 == "openclose" {
	for (i = 7; i <= NF; i++) if ($i ~ /^(events|drops)=/) { split($i, kv, "="); n += kv[2] }
	ok = n >= 2 * on
} END { exit !ok }' "$res" || { echo "FAIL: sakerd did not count the openat+close storm's events"; failed=1; }
grep -q '^verdict ' "$out/report.txt" || { echo "FAIL: no verdict in the report"; failed=1; }
[ -n "$smoke" ] || ! grep -q '^verdict .*MISSED' "$out/report.txt" || failed=1
log "results in $out; $(since "$T0") s in all"
exit $failed
