#!/bin/bash
# SPDX-License-Identifier: MIT
# sakerd without the kernel module: command line, --dry-run and its errors,
# captures as the event source (-e) with every output kind, per-rule rate
# limiting, and the process-table memory load test.  The daemon on a live
# module is tested in the guests (tests/kmod/guest/t-sakerd.sh).  Prints
# PASS:/FAIL: lines (tests/run.sh counts them).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SAKER_BUILD:-$top/build}
sakerd=$build/sakerd
saker=$build/saker
data=$top/tests/cli/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ok() { echo "PASS: sakerd: $1"; }
ko() { echo "FAIL: sakerd: $1${2:+: $2}"; }
check() { # name command...
	local name=$1; shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}
# run sakerd with no configuration file of the system and no drop-ins
sd() { "$sakerd" -c "$tmp/empty.yaml" --config-dir "$tmp/none" -o journald_output.enabled=false \
	-o syslog_output.enabled=false "$@"; }
: >"$tmp/empty.yaml"

check "help exits 0" bash -c "'$sakerd' --help | grep -q -- --dry-run"
check "version" bash -c "'$sakerd' --version | grep -q '^sakerd [0-9]'"
"$sakerd" --frobnicate >/dev/null 2>&1; rc=$?
check "unknown option exits 2" test "$rc" = 2

# --dry-run: configuration and rules checked, effective configuration printed
out=$(sd --dry-run -r "$top/rules" -o json_output=true 2>"$tmp/err"); rc=$?
check "dry-run of the default rules exits 0" test "$rc" = 0
if printf '%s\n' "$out" | grep -q '^json_output: true'; then ok "dry-run prints the effective configuration"
else ko "dry-run prints the effective configuration" "$out"; fi

printf 'priorty: warning\njson_output: maybe\n' >"$tmp/bad.yaml"
"$sakerd" -c "$tmp/bad.yaml" --config-dir "$tmp/none" --dry-run -r "$top/rules" >/dev/null 2>"$tmp/err"; rc=$?
check "bad configuration exits 1" test "$rc" = 1
for want in "bad.yaml:1:1: error: unknown key 'priorty' (did you mean 'priority'?)" \
	    "bad.yaml:2:14: error: json_output must be a boolean"; do
	if grep -qF "$want" "$tmp/err"; then ok "configuration error '$want'"
	else ko "configuration error '$want'" "$(cat "$tmp/err")"; fi
done
sd --dry-run -o 'outputs.rate=-1' >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -q '^-o' "$tmp/err"; then ok "bad -o value names -o"
else ko "bad -o value names -o" "rc=$rc $(cat "$tmp/err")"; fi
sd --dry-run -r "$data/bad-rules.yaml" >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -qF "bad-rules.yaml:8:5: error: unknown field 'proc.nme'" "$tmp/err" &&
	grep -qF "bad-rules.yaml:16:13: error: invalid priority" "$tmp/err"; then
	ok "bad rules exit 1 with their position"
else ko "bad rules exit 1 with their position" "rc=$rc $(cat "$tmp/err")"; fi
sd --dry-run -r "$tmp/missing.yaml" >/dev/null 2>"$tmp/err"; rc=$?
check "a missing -r file exits 1" test "$rc" = 1

# -e: a capture as the event source gives what saker replay gives, on every output
"$saker" replay --write-capture "$tmp/demo.cap" --hostname demohost "$top/examples/demo.jsonl" ||
	ko "write the demo capture"
"$saker" replay --json -r "$top/rules" "$tmp/demo.cap" >"$tmp/replay.json"
"$saker" replay -r "$top/rules" "$tmp/demo.cap" >"$tmp/replay.txt"
sd -e "$tmp/demo.cap" -r "$top/rules" -o json_output=true -o stdout_output.enabled=false \
	-o file_output.enabled=true -o file_output.filename="$tmp/alerts.json" \
	-o program_output.enabled=true -o "program_output.program=\"cat >>$tmp/program.json\"" \
	>"$tmp/stdout" 2>"$tmp/err"; rc=$?
check "-e exits 0 at the end of the capture" test "$rc" = 0
check "-e: no alert on stdout when stdout_output is off" test ! -s "$tmp/stdout"
if [ -s "$tmp/replay.json" ] && cmp -s "$tmp/replay.json" "$tmp/alerts.json"; then
	ok "-e: file output equals saker replay ($(wc -l <"$tmp/alerts.json") alerts)"
else ko "-e: file output equals saker replay" "$(diff "$tmp/replay.json" "$tmp/alerts.json" | head -5)"; fi
if cmp -s "$tmp/replay.json" "$tmp/program.json"; then ok "-e: program output equals saker replay"
else ko "-e: program output equals saker replay" "$(diff "$tmp/replay.json" "$tmp/program.json" | head -5)"; fi
sd -e "$tmp/demo.cap" -r "$top/rules" >"$tmp/stdout.txt" 2>/dev/null
if cmp -s "$tmp/replay.txt" "$tmp/stdout.txt"; then ok "-e: text on stdout equals saker replay"
else ko "-e: text on stdout equals saker replay" "$(diff "$tmp/replay.txt" "$tmp/stdout.txt" | head -5)"; fi

# a damaged capture: the offset, exit 1, the alerts before the damage still written
size=$(stat -c %s "$tmp/demo.cap")
head -c $((size - 40)) "$tmp/demo.cap" >"$tmp/cut.cap"
sd -e "$tmp/cut.cap" -r "$top/rules" >"$tmp/cut.txt" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -q "cut.cap: damaged at byte [0-9]" "$tmp/err"; then ok "-e: a truncated capture reports the offset"
else ko "-e: a truncated capture reports the offset" "rc=$rc $(cat "$tmp/err")"; fi

# rate limiting: 40 reads of /etc/shadow in one second, 1 alert/s with a burst of 5 per rule
{
	head -n 1 "$top/examples/demo.jsonl"
	printf '%s\n' '{"type":"execve","ts":"2026-11-30T09:00:00.000000000Z","tid":700,"pid":700,"args":{"res":0,"filename":"/usr/bin/cat","exe":"cat","args":["/etc/shadow"],"cwd":"/","exepath":"/usr/bin/cat","uid":33,"gid":33,"euid":33,"egid":33,"ptid":1,"comm":"cat"},"proc":{"pid":700,"ptid":1,"uid":33,"gid":33},"users":[{"uid":33,"name":"www-data"}]}'
	for i in $(seq 10 49); do
		printf '{"type":"openat","ts":"2026-11-30T09:00:00.%02d0000000Z","tid":700,"pid":700,"args":{"fd":3,"dirfd":-100,"name":"/etc/shadow","flags":"O_RDONLY","mode":0}}\n' "$i"
		printf '{"type":"close","ts":"2026-11-30T09:00:00.%02d5000000Z","tid":700,"pid":700,"args":{"res":0,"fd":3}}\n' "$i"
	done
} >"$tmp/flood.jsonl"
"$saker" replay --write-capture "$tmp/flood.cap" "$tmp/flood.jsonl" || ko "write the flood capture"
sd -e "$tmp/flood.cap" -r "$top/rules" -o json_output=true -o outputs.rate=1 -o outputs.max_burst=5 \
	>"$tmp/flood.json" 2>"$tmp/err"
n=$(grep -c '"rule":"Read sensitive file by untrusted program"' "$tmp/flood.json")
if [ "$n" = 6 ] && grep -q '"output":"35 similar alerts suppressed' "$tmp/flood.json" &&
	grep -q '"saker.suppressed":"35"' "$tmp/flood.json"; then
	ok "rate limit: 5 alerts, then '35 similar alerts suppressed'"
else ko "rate limit: 5 alerts, then '35 similar alerts suppressed'" "$n alerts: $(cut -c1-200 "$tmp/flood.json")"; fi
sd -e "$tmp/flood.cap" -r "$top/rules" -o json_output=true >"$tmp/flood-all.json" 2>/dev/null
n=$(grep -c '"rule":"Read sensitive file by untrusted program"' "$tmp/flood-all.json")
check "no rate limit by default: 40 alerts" test "$n" = 40

# the process-table load test: 10,000 tracked processes within 32 MiB
if [ -x "$build/state-rss" ]; then
	out=$("$build/state-rss" -r "$top/rules" -n 10000 --max-rss-mib 32 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/INFO: /'
	check "10,000 processes tracked within 32 MiB" test "$rc" = 0
fi

# systemd notifications (Type=notify): READY=1 once running, STOPPING=1 at the end
if command -v python3 >/dev/null; then
	python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write(msg.replace("\n", "|") + "\n")
            out.flush()
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
	npid=$!
	for _ in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$tmp/notify.sock sd -e "$tmp/demo.cap" -r "$top/rules" >/dev/null 2>&1
	wait "$npid"
	if grep -q 'READY=1' "$tmp/notify.log" && grep -q 'STATUS=Watching, [0-9]* rules enabled' "$tmp/notify.log" &&
		grep -q 'STOPPING=1' "$tmp/notify.log"; then ok "sd_notify: READY=1 with a status, then STOPPING=1"
	else ko "sd_notify: READY=1 with a status, then STOPPING=1" "$(cat "$tmp/notify.log")"; fi
fi

# a slow output loses its oldest alerts (counted), and the loss is reported to the others
sd -e "$tmp/flood.cap" -r "$top/rules" -o json_output=true -o stdout_output.enabled=false \
	-o outputs_queue.capacity=16 -o file_output.enabled=true -o file_output.filename="$tmp/fast.json" \
	-o program_output.enabled=true -o 'program_output.program="sleep 1"' >/dev/null 2>"$tmp/err"; rc=$?
lost=$(grep "\"rule\":\"Outputs dropped alerts\"" "$tmp/fast.json" | grep -o "\"program\":\"[0-9]*\"" | tr -dc 0-9)
if [ "$rc" = 0 ] && [ "${lost:-0}" -ge 23 ] && grep -q 'outputs dropped [0-9]* alerts (.*program=' "$tmp/err"; then
	ok "slow output: its loss ($lost alerts) is logged and reported as an alert to the others"
else ko "slow output: its loss is logged and reported to the others" "rc=$rc lost=$lost $(grep -i dropped "$tmp/fast.json" "$tmp/err" | head -3)"; fi

# A blocked sink does not slow the capture path: 20,000 alerting events with the file output
# alone, then with an rsyslog output whose socket nobody reads (it fills at once, the sink waits
# on every alert). The events/s of the two runs are printed; only a gross slowdown fails.
if command -v python3 >/dev/null; then
	{
		head -n 2 "$tmp/flood.jsonl"
		awk 'BEGIN { for (i = 0; i < 20000; i++) {
			s = 10 + int(i / 1000000); u = i % 1000000
			printf "{\"type\":\"openat\",\"ts\":\"2026-11-30T09:00:%02d.%06d000Z\",\"tid\":700,\"pid\":700,\"args\":{\"fd\":3,\"dirfd\":-100,\"name\":\"/etc/shadow\",\"flags\":\"O_RDONLY\",\"mode\":0}}\n", s, u
			printf "{\"type\":\"close\",\"ts\":\"2026-11-30T09:00:%02d.%06d500Z\",\"tid\":700,\"pid\":700,\"args\":{\"res\":0,\"fd\":3}}\n", s, u } }'
	} >"$tmp/big.jsonl"
	"$saker" replay --write-capture "$tmp/big.cap" "$tmp/big.jsonl" || ko "write the 20,000-alert capture"
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(120)' \
		"$tmp/stuck.sock" &
	spy=$!
	for _ in $(seq 50); do [ -S "$tmp/stuck.sock" ] && break; sleep 0.1; done
	rate() { sed -n 's/.*end of capture: .* alerts in .* s (\([0-9]*\) events\/s).*/\1/p' "$1"; }
	sd -e "$tmp/big.cap" -r "$top/rules" -o stdout_output.enabled=false -o file_output.enabled=true \
		-o file_output.filename="$tmp/big1.txt" >/dev/null 2>"$tmp/healthy.err"
	sd -e "$tmp/big.cap" -r "$top/rules" -o stdout_output.enabled=false -o file_output.enabled=true \
		-o file_output.filename="$tmp/big2.txt" -o rsyslog_output.enabled=true \
		-o rsyslog_output.socket="$tmp/stuck.sock" >/dev/null 2>"$tmp/blocked.err"; rc=$?
	kill "$spy" 2>/dev/null
	h=$(rate "$tmp/healthy.err") b=$(rate "$tmp/blocked.err")
	echo "INFO: sakerd: 40,000 events with 20,000 alerts: ${h:-?} events/s healthy, ${b:-?} events/s with a blocked rsyslog sink"
	if [ "$rc" = 0 ] && [ -n "$h" ] && [ -n "$b" ] && [ $((b * 4)) -ge "$h" ] &&
		grep -q 'outputs dropped [0-9]* alerts (.*rsyslog=' "$tmp/blocked.err"; then
		ok "a blocked sink does not hold up the events (its losses are reported)"
	else ko "a blocked sink does not hold up the events" "rc=$rc healthy=$h blocked=$b $(tail -3 "$tmp/blocked.err")"; fi
fi
