#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel module's CI entry point: build the lab (cached), build saker.ko for each
# guest suite's Debian kernel, build the guest test programs (static, on the host),
# boot each suite's kernel under QEMU and run every test as root, then build the
# module for sid (build only) and run checkpatch and sparse.  With sakerd shipped
# (SAKER_BUILD_DIR), a second bookworm guest on the noise image runs the benign
# workload of guest/noise.sh against the default rules ("bookworm-noise:" lines).
#
# Usage: run.sh [--suite bookworm|trixie|all] [--quick]
#   --quick   skip sid, checkpatch and sparse; SAKER_QUICK=1 for the guest tests
# Prints every result as "SUITE: PASS: name" / "SUITE: FAIL: name: why" and ends with
# one line "N passed, M failed"; exits non-zero when anything failed or broke.
# Results and logs: $SAKER_LAB/runs/<time>/ (SAKER_KMOD_OUT overrides).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
LOG_TAG=kmod

suites=() quick=
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suites+=("${2:?--suite needs a value}"); shift ;;
	--suite=*) suites+=("${1#*=}") ;;
	--quick) quick=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done
[ ${#suites[@]} -gt 0 ] || suites=(all)
list=()
for s in "${suites[@]}"; do
	case $s in
	all) list+=(bookworm trixie) ;;
	bookworm | trixie) list+=("$s") ;;
	*) echo "run.sh: unknown suite $s" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (apt-get, debootstrap, chroot)" >&2; exit 2; }

T0=$(date +%s.%N)
OUT=${SAKER_KMOD_OUT:-$SAKER_LAB/runs/$(date +%Y%m%d-%H%M%S)-$$}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
: >"$OUT/results.txt"
pass=0 fail=0

# result PREFIX LINE: print and count one PASS:/FAIL: line (SKIP:/INFO: only print).
result() {
	printf '%s: %s\n' "$1" "$2" | tee -a "$OUT/results.txt"
	case $2 in
	PASS:*) pass=$((pass + 1)) ;;
	FAIL:*) fail=$((fail + 1)) ;;
	esac
}
finish() {
	log "logs in $OUT; $(since "$T0") s in all"
	ls -1dt "$SAKER_LAB"/runs/*/ 2>/dev/null | tail -n +11 | xargs -r rm -rf
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
trap 'result host "FAIL: interrupted"; kill $(jobs -p) 2>/dev/null; finish' INT TERM

# sid is built only: in the background from the start, so that its chroot (first run)
# and its build overlap the lab and the guests
sid_pid=
if [ -z "$quick" ] && [ "${SAKER_KMOD_SID:-1}" != 0 ]; then
	"$KMOD_TESTS/build-module.sh" sid "$OUT/sid" >"$OUT/sid.log" 2>&1 &
	sid_pid=$!
fi

# the noise test needs sakerd and the bookworm kernel, and the noise image (lab.sh --noise)
noise=
if [ -n "${SAKER_BUILD_DIR:-}" ] && [ -x "$SAKER_BUILD_DIR/sakerd" ] && [ -x "$SAKER_BUILD_DIR/saker" ]; then
	case " ${list[*]} " in *" bookworm "*) noise=--noise ;; esac
fi

# 1. the lab
lab_ok=1
t=$(date +%s.%N)
"$KMOD_TESTS/lab.sh" "${list[@]/#/--suite=}" $noise 2>&1 | tee "$OUT/lab.log" >&2
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
	# a noise image that cannot be built must not cost the other guests
	if [ -n "$noise" ] && "$KMOD_TESTS/lab.sh" "${list[@]/#/--suite=}" >>"$OUT/lab.log" 2>&1; then
		result host "FAIL: lab: cannot build the noise image (see $OUT/lab.log)"
		noise=
	else
		result host "FAIL: lab: cannot build the guest lab (see $OUT/lab.log)"
		lab_ok=
	fi
fi
log "lab: $(since "$t") s"

# checkpatch and sparse in the background too (sparse is a second build of the module)
checks_pid=
if [ -z "$quick" ]; then
	{
		"$KMOD_TESTS/checkpatch.sh" >"$OUT/checkpatch.line" 2>"$OUT/checkpatch.log"
		"$KMOD_TESTS/sparse.sh" "$OUT/sparse" >"$OUT/sparse.line" 2>"$OUT/sparse.log"
	} &
	checks_pid=$!
fi

# 2. guest test programs, static, built once on the host
bin=$OUT/bin
mkdir -p "$bin"
shopt -s nullglob
progs=("$SAKER_GUEST_DIR"/t-*.c)
scripts=("$SAKER_GUEST_DIR"/t-*.sh)
reader=()
[ ! -f "$SAKER_GUEST_DIR/reader.c" ] || reader=("$SAKER_GUEST_DIR/reader.c")
[ $((${#progs[@]} + ${#scripts[@]})) -gt 0 ] || result host "FAIL: no guest tests in $SAKER_GUEST_DIR"
ncc=0
for c in "${progs[@]}"; do
	p=$(basename "$c" .c)
	if gcc -static -O2 -Wall -Wextra -Werror -I "$SAKER_INCLUDE_DIR" -I "$SAKER_GUEST_DIR" \
		"$c" "${reader[@]}" -o "$bin/$p" >"$OUT/cc-$p.log" 2>&1; then
		ncc=$((ncc + 1))
	else
		result host "FAIL: compile $p"
		head -n 30 "$OUT/cc-$p.log" >&2
	fi
done
for s in "${scripts[@]}"; do install -m755 "$s" "$bin/"; done
# static helper programs the tests run (no t- prefix: not tests themselves)
for c in "$SAKER_GUEST_DIR"/rules-helper.c; do
	p=$(basename "$c" .c)
	gcc -static -O2 -Wall -Wextra -Werror "$c" -o "$bin/$p" >"$OUT/cc-$p.log" 2>&1 ||
		{ result host "FAIL: compile $p"; head -n 30 "$OUT/cc-$p.log" >&2; }
done
[ ${#progs[@]} -eq 0 ] || [ $ncc -ne ${#progs[@]} ] || result host "PASS: compile $ncc guest programs"

# sakerd and the saker tool for the end-to-end test (t-sakerd.sh), with the shared
# libraries they use beyond libc: the guest rootfs is the same Debian release as the host
sakerd_dir=
if [ -n "${SAKER_BUILD_DIR:-}" ] && [ -x "$SAKER_BUILD_DIR/sakerd" ] && [ -x "$SAKER_BUILD_DIR/saker" ]; then
	sakerd_dir=$OUT/sakerd
	mkdir -p "$sakerd_dir/lib"
	cp "$SAKER_BUILD_DIR/sakerd" "$SAKER_BUILD_DIR/saker" "$KMOD_TESTS/e2e/rules.yaml" "$sakerd_dir/"
	# the default ruleset, for the live attack test (t-rules.sh)
	mkdir -p "$sakerd_dir/rules"
	cp "$SAKER_ROOT"/rules/*.yaml "$sakerd_dir/rules/"
	ldd "$SAKER_BUILD_DIR/sakerd" "$SAKER_BUILD_DIR/saker" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
		grep -Ev '/(libc|libm|ld-linux[^/]*)\.so' | sort -u | xargs -r cp -L -t "$sakerd_dir/lib/"
	result host "PASS: ship sakerd ($(ls "$sakerd_dir/lib" | wc -l) libraries)"
fi

# check_replay SUITE DIR: the capture taken in the guest replays on the host to the
# alerts sakerd wrote live
check_replay() {
	local g=$2/guest
	if [ ! -s "$g/sakerd.cap" ] || [ ! -s "$g/sakerd-alerts.json" ]; then
		result "$1" "FAIL: sakerd replay: the guest left no capture or no alerts"
		return
	fi
	if ! "$SAKER_BUILD_DIR/saker" replay --json -r "$KMOD_TESTS/e2e/rules.yaml" "$g/sakerd.cap" \
		>"$2/replay.json" 2>"$2/replay.err"; then
		result "$1" "FAIL: sakerd replay: saker replay failed: $(head -c 300 "$2/replay.err")"
	# drop alerts come from the module's counters, which a capture does not replay
	elif diff <(grep -v '"source":"internal"' "$g/sakerd-alerts.json" | sort) <(sort "$2/replay.json") \
		>"$2/replay.diff"; then
		result "$1" "PASS: sakerd replay: the capture gives the $(wc -l <"$2/replay.json") live alerts on the host"
	else
		result "$1" "FAIL: sakerd replay: alerts differ from the live ones (see $2/replay.diff)"
		head -n 10 "$2/replay.diff" >&2
	fi
}

# check_rules_replay SUITE DIR: the default rules' attack run (t-rules.sh) replays on the
# host to the alerts sakerd wrote live in the guest
check_rules_replay() {
	local g=$2/guest
	[ -s "$g/rules.cap" ] || return 0
	if ! "$SAKER_BUILD_DIR/saker" replay --json -o rule_matching=all -r "$sakerd_dir/rules" \
		-r "$g/rules-site.yaml" "$g/rules.cap" >"$2/rules-replay.json" 2>"$2/rules-replay.err"; then
		result "$1" "FAIL: rules replay: saker replay failed: $(head -c 300 "$2/rules-replay.err")"
	elif diff <(grep -v '"source":"internal"' "$g/rules-alerts.json" | sort) \
		<(sort "$2/rules-replay.json") >"$2/rules-replay.diff"; then
		result "$1" "PASS: rules replay: the attack capture gives the $(wc -l <"$2/rules-replay.json") live alerts on the host"
	else
		result "$1" "FAIL: rules replay: alerts differ from the live ones (see $2/rules-replay.diff)"
		head -n 10 "$2/rules-replay.diff" >&2
	fi
}

# run_guest PREFIX DIR TIMEOUT VM.SH-ARGUMENTS...: boot a guest with vm.sh (what it leaves
# in DIR/guest, its log in DIR/vm.log and DIR/guest.log) and count its PASS:/FAIL: lines
# under PREFIX; a guest that did not get to DONE is one more FAIL.
run_guest() {
	local prefix=$1 d=$2 tmo=$3 line done_seen='' why
	shift 3
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$d/guest.log"
		case $line in
		PASS:* | FAIL:* | SKIP:*) result "$prefix" "$line" ;;
		DONE) done_seen=1 ;;
		INFO:\ noise:\ alert:*) printf '%s: %s\n' "$prefix" "$line" | cut -c1-400 >&2 ;;
		INFO:*) [ -z "${SAKER_VERBOSE:-}" ] || printf '%s: %s\n' "$prefix" "$line" ;;
		*) [ -z "${SAKER_VERBOSE:-}" ] || printf '%s:   %s\n' "$prefix" "$line" ;;
		esac
	done < <("$KMOD_TESTS/vm.sh" --out "$d/guest" --smp 2 --timeout "$tmo" "$@" \
		2>"$d/vm.log"; echo "$?" >"$d/vm.rc")
	[ -z "$done_seen" ] || return 0
	case $(cat "$d/vm.rc") in
	124) why="timed out after $tmo s" ;;
	125) why="the guest died (panic, lockup or crash)" ;;
	*) why="the test run stopped early (rc=$(cat "$d/vm.rc"))" ;;
	esac
	result "$prefix" "FAIL: guest: $why; console: $d/guest/console.log"
	tail -n 25 "$d/vm.log" >&2
}

# 3. per suite: build the module (all suites at once), boot, run the tests
declare -A build_pid
for suite in "${list[@]}"; do
	mkdir -p "$OUT/$suite"
	"$KMOD_TESTS/build-module.sh" "$suite" "$OUT/$suite" 2>"$OUT/$suite/build-module.log" &
	build_pid[$suite]=$!
done
for suite in "${list[@]}"; do
	d=$OUT/$suite
	if ! wait "${build_pid[$suite]}"; then
		cat "$d/build-module.log" >&2
		result "$suite" "FAIL: build $(cat "$d/kver" 2>/dev/null): see $d/build.log"
		continue
	fi
	result "$suite" "PASS: build $(cat "$d/kver")"
	[ -n "$lab_ok" ] || continue
	ship=$d/ship
	mkdir -p "$ship/bin"
	cp "$d/saker.ko" "$ship/"
	cp -a "$bin/." "$ship/bin/"
	[ -z "$sakerd_dir" ] || cp -a "$sakerd_dir" "$ship/sakerd"
	install -m755 "$KMOD_TESTS/lab/guest-tests.sh" "$ship/"
	install -m644 "$SAKER_GUEST_DIR/sakerd-lib.sh" "$ship/"
	t=$(date +%s.%N)
	# trixie's 6.12 under multi-threaded TCG: a vCPU can still run the int3 that the
	# kernel's text patching put on a jump label (flipped when the module attaches its
	# tracepoints) after the patch is done, and the kernel dies of "Oops: int3" in
	# syscall_exit_to_user_mode_prepare (2 of 2 runs; never on 6.1).  One TCG thread for
	# both vCPUs runs the same tests in the same wall time here.
	tcg=${SAKER_TCG_THREAD:-}
	[ -n "$tcg" ] || [ "$suite" = bookworm ] || tcg=single
	SAKER_TCG_THREAD=$tcg run_guest "$suite" "$d" "${SAKER_GUEST_TIMEOUT:-900}" --suite "$suite" \
		--ship "$ship" -- \
		"SAKER_QUICK=$quick SAKER_TEST_TIMEOUT=${SAKER_TEST_TIMEOUT:-300} sh ./guest-tests.sh"
	log "$suite: guest run $(since "$t") s"
	[ -z "$sakerd_dir" ] || check_replay "$suite" "$d"
	[ -z "$sakerd_dir" ] || check_rules_replay "$suite" "$d"
done

# check_noise_replay DIR: the capture of the noise workload gives no alert on the host
# either (the guest stops the capture before it stops sakerd)
check_noise_replay() {
	local g=$1/guest
	if [ ! -s "$g/noise.cap" ]; then
		result bookworm-noise "FAIL: noise replay: the guest left no capture"
	elif ! "$SAKER_BUILD_DIR/saker" replay --json -r "$sakerd_dir/rules" "$g/noise.cap" \
		>"$1/replay.json" 2>"$1/replay.err"; then
		result bookworm-noise "FAIL: noise replay: saker replay failed: $(head -c 300 "$1/replay.err")"
	elif [ -s "$1/replay.json" ]; then
		result bookworm-noise "FAIL: noise replay: $(wc -l <"$1/replay.json") alerts on the host (see $1/replay.json)"
		cut -c1-400 "$1/replay.json" | head -n 5 >&2
	else
		result bookworm-noise "PASS: noise replay: the capture gives no alert on the host either"
	fi
}

# 3b. the noise test: the bookworm module and sakerd on the noise image, the benign
# workload of guest/noise.sh, zero alerts expected; its capture, alerts and logs are
# kept in $OUT/bookworm-noise/guest
if [ -n "$noise" ] && [ -n "$lab_ok" ] && [ -n "$sakerd_dir" ] && [ -s "$OUT/bookworm/saker.ko" ]; then
	d=$OUT/bookworm-noise
	mkdir -p "$d/ship"
	cp "$OUT/bookworm/saker.ko" "$d/ship/"
	cp -a "$sakerd_dir" "$d/ship/sakerd"
	install -m755 "$SAKER_GUEST_DIR/noise.sh" "$d/ship/"
	install -m644 "$SAKER_GUEST_DIR/sakerd-lib.sh" "$d/ship/"
	t=$(date +%s.%N)
	run_guest bookworm-noise "$d" "${SAKER_NOISE_TIMEOUT:-600}" --suite bookworm --image noise \
		--ship "$d/ship" -- 'sh ./noise.sh'
	log "bookworm-noise: guest run $(since "$t") s"
	check_noise_replay "$d"
fi

# 4. what ran in the background: sid (build only), checkpatch, sparse
if [ -n "$sid_pid" ]; then
	if wait "$sid_pid"; then
		result sid "PASS: build $(cat "$OUT/sid/kver")"
	else
		tail -n 30 "$OUT/sid.log" >&2
		result sid "FAIL: build $(cat "$OUT/sid/kver" 2>/dev/null): see $OUT/sid.log"
	fi
fi
if [ -n "$checks_pid" ]; then
	wait "$checks_pid"
	for c in checkpatch sparse; do
		line=$(cat "$OUT/$c.line" 2>/dev/null)
		[ -n "$line" ] || line="FAIL: $c: did not run (see $OUT/$c.log)"
		result host "$line"
		case $line in FAIL:*) tail -n 60 "$OUT/$c.log" >&2 ;; esac
	done
fi
finish
