#!/bin/bash
# SPDX-License-Identifier: MIT
# saker stats and saker capture against a stand-in for sakerd's control
# socket (a small Python server speaking docs/control.md): output, exit codes,
# Ctrl-C handling and the messages when no daemon runs or access is denied.
# Prints PASS:/FAIL: lines (tests/run.sh counts them).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
saker=${SAKER_BUILD:-$top/build}/saker
tmp=$(mktemp -d); chmod 755 "$tmp"
fake_pid=
cleanup() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

ok() { echo "PASS: control: $1"; }
ko() { echo "FAIL: control: $1${2:+: $2}"; }
check() { # name command...
	local name=$1; shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}

if ! command -v python3 >/dev/null; then
	ko "python3 is needed for the stand-in daemon"; exit 0
fi

# The stand-in daemon: stats from a file, captures written into the passed
# descriptor with a progress reply every 100 ms; every request is logged.
cat >"$tmp/fake.py" <<'EOF'
import json, os, select, socket, sys, time
path, mode, stats_file, log = sys.argv[1:5]
stats = open(stats_file, "rb").read().strip()
srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
old = os.umask(0o177); srv.bind(path); os.umask(old)
srv.listen(4)
conns = {}
def send(c, obj):
    try: c.send(json.dumps(obj).encode())
    except OSError: pass
def finish(c, st):
    os.close(st.pop("fd"))
    send(c, {"status": "ok", "events": st["events"], "bytes": 8 + st["events"], "dropped": 0})
while True:
    r, _, _ = select.select([srv] + list(conns), [], [], 0.05)
    now = time.monotonic()
    for s in r:
        if s is srv:
            c, _ = srv.accept(); conns[c] = {}; continue
        try: msg, fds, _, _ = socket.recv_fds(s, 65536, 4)
        except OSError: msg, fds = b"", []
        st = conns[s]
        if not msg:
            for fd in fds: os.close(fd)
            if "fd" in st: os.close(st["fd"])
            s.close(); del conns[s]; continue
        req = json.loads(msg)
        with open(log, "a") as f: f.write(json.dumps(req, sort_keys=True) + (" +fd" if fds else "") + "\n")
        cmd = req.get("cmd")
        if cmd == "stats":
            s.send(stats)
        elif cmd == "capture" and mode != "refuse" and fds:
            d = req.get("duration_ms", 0)
            st.update(fd=fds[0], events=0, end=now + d / 1000 if d else None, next=now + 0.1)
            os.write(fds[0], b"SAKERCAP")
        elif cmd == "capture":
            for fd in fds: os.close(fd)
            send(s, {"status": "error", "error": "a capture is already running"})
        elif cmd == "stop" and "fd" in st:
            finish(s, st)
        else:
            send(s, {"status": "error", "error": "unknown command"})
    for s, st in list(conns.items()):
        if "fd" not in st: continue
        if st["end"] and now >= st["end"]: finish(s, st)
        elif now >= st["next"]:
            st["events"] += 10; os.write(st["fd"], b"x" * 10); st["next"] = now + 0.1
            send(s, {"status": "progress", "events": st["events"], "bytes": 8 + st["events"]})
EOF

# by_type: 25 types (only 20 shown), a rule name with an escape sequence, a
# key this tool does not know, and no "process" section
{
	printf '{"status":"ok","stats":{"uptime_s":93784.5,"future_key":{"x":1},'
	printf '"events":{"total":123456,"per_s":12.5,"by_type":{'
	for i in $(seq 1 25); do printf '"type%02d":%d%s' "$i" "$((i * 100))" "$([ "$i" -lt 25 ] && echo ,)"; done
	printf '}},"drops":{"total":7,"buffer_full":5,"fault":2},'
	printf '"rules":{"loaded":12,"enabled":10,"hits":{"Shell in container":3,"Write below etc":9,"Esc\\u001b[31mred":1}},'
	printf '"alerts":{"total":13,"suppressed":2},'
	printf '"state":{"threads":321,"containers":4,"fds":999,"evictions":0},'
	printf '"outputs":[{"name":"stdout","written":13,"lost":0,"errors":0,"queued":0,"capacity":1024},'
	printf '{"name":"file","written":11,"lost":2,"errors":1,"queued":3}]}}\n'
} >"$tmp/stats.json"

start_fake() { # mode
	rm -f "$tmp/ctl.sock" "$tmp/log"
	python3 "$tmp/fake.py" "$tmp/ctl.sock" "$1" "$tmp/stats.json" "$tmp/log" &
	fake_pid=$!
	for _ in $(seq 1 100); do [ -S "$tmp/ctl.sock" ] && return 0; sleep 0.05; done
	ko "stand-in daemon did not start"; exit 0
}
stop_fake() { kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; fake_pid=; }

sock=$tmp/ctl.sock

# ---- no daemon ----
"$saker" stats -s "$sock" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "stats without a daemon exits 1" test "$rc" = 1
check "stats without a daemon says so" grep -qF "sakerd is not running (no socket at $sock)" "$tmp/err"
"$saker" capture -w "$tmp/cap" -s "$sock" 2>"$tmp/err"; rc=$?
check "capture without a daemon exits 1" test "$rc" = 1
check "capture without a daemon creates no file" test ! -e "$tmp/cap"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET); s.bind(sys.argv[1])' "$sock"
"$saker" stats -s "$sock" 2>"$tmp/err"; rc=$?
check "stats on a stale socket exits 1" test "$rc" = 1
check "stats on a stale socket says not running" grep -qF "sakerd is not running" "$tmp/err"
rm -f "$sock"

# ---- usage errors ----
"$saker" stats --bogus >/dev/null 2>&1; rc=$?
check "stats with an unknown option exits 2" test "$rc" = 2
"$saker" stats extra >/dev/null 2>&1; rc=$?
check "stats with an argument exits 2" test "$rc" = 2
"$saker" capture -s "$sock" >/dev/null 2>&1; rc=$?
check "capture without -w exits 2" test "$rc" = 2
for d in -1 abc 1e9 nan; do
	"$saker" capture -w "$tmp/cap" -d "$d" -s "$sock" >/dev/null 2>&1; rc=$?
	check "capture -d $d exits 2" test "$rc" = 2
done
check "stats --help exits 0" bash -c "'$saker' stats --help | grep -q Usage"

# ---- stats ----
start_fake ok
"$saker" stats -s "$sock" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "stats exits 0" test "$rc" = 0
check "stats prints no error" test ! -s "$tmp/err"
check "uptime as days and time" grep -qE '^uptime +1d 02:03:04$' "$tmp/out"
check "events summary" grep -qE '^events +123456 total, 12.5/s$' "$tmp/out"
first=$(grep -E '^  type[0-9]+ ' "$tmp/out" | head -1 | awk '{print $1}')
check "by_type sorted by count" test "$first" = type25
check "by_type shows the top 20" test "$(grep -cE '^  type[0-9]+ ' "$tmp/out")" = 20
check "by_type says what was left out" grep -qE '^  \(5 more\)$' "$tmp/out"
check "drop reasons listed" grep -qE '^  buffer_full +5$' "$tmp/out"
check "drop total not repeated" test "$(grep -cE '^  total ' "$tmp/out")" = 0
check "rule counts" grep -qE '^rules +12 loaded, 10 enabled$' "$tmp/out"
hit=$(grep -A1 '^  hits$' "$tmp/out" | tail -1 | awk '{print $1}')
check "hits sorted by count" test "$hit" = Write
check "control characters are not printed" bash -c "! grep -q \$'\\e' '$tmp/out' && grep -q 'Esc?\\[31mred' '$tmp/out'"
check "alerts" grep -qE '^alerts +13 total, 2 suppressed$' "$tmp/out"
check "state" grep -qE '^state +321 threads, 4 containers, 999 fds, 0 evictions$' "$tmp/out"
check "outputs table" grep -qE '^  stdout +13 +0 +0 +0/1024$' "$tmp/out"
check "output without capacity" grep -qE '^  file +11 +2 +1 +3$' "$tmp/out"
check "missing process section skipped" bash -c "! grep -q '^process' '$tmp/out'"
"$saker" stats --json -s "$sock" >"$tmp/out"; rc=$?
check "stats --json exits 0" test "$rc" = 0
check "stats --json is the reply verbatim" cmp -s "$tmp/out" "$tmp/stats.json"

# ---- capture ----
"$saker" capture -w "$tmp/cap" -d 0.35 -s "$sock" 2>"$tmp/err"; rc=$?
check "timed capture exits 0" test "$rc" = 0
check "timed capture asks for the duration with a descriptor" \
	grep -qF '{"cmd": "capture", "duration_ms": 350} +fd' "$tmp/log"
check "timed capture wrote through the descriptor" grep -q '^SAKERCAP' "$tmp/cap"
check "capture file is 0600" test "$(stat -c %a "$tmp/cap")" = 600
check "timed capture prints a summary" grep -qE '^saker capture: captured [0-9]+ events \(.*\) to .*/cap, 0 dropped$' "$tmp/err"
n=$(sed -n 's/.*captured \([0-9]*\) events.*/\1/p' "$tmp/err")
check "summary matches the file" test "$(stat -c %s "$tmp/cap")" = "$((8 + n))"

: >"$tmp/log"
"$saker" capture -w "$tmp/cap2" -s "$sock" 2>"$tmp/err" &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"; rc=$?
check "interrupted capture exits 0" test "$rc" = 0
check "interrupted capture sends stop" grep -qF '{"cmd": "stop"}' "$tmp/log"
check "interrupted capture asks until stopped" grep -qF '"duration_ms": 0}' "$tmp/log"
check "interrupted capture prints a summary" grep -q 'captured [0-9]* events' "$tmp/err"

"$saker" capture -w - -d 0.2 -s "$sock" >"$tmp/stdout.cap" 2>"$tmp/err"; rc=$?
check "capture to stdout (not a terminal)" test "$rc" = 0
check "capture to stdout wrote the data" grep -q '^SAKERCAP' "$tmp/stdout.cap"
check "capture summary names stdout" grep -q 'to stdout' "$tmp/err"
stop_fake

start_fake refuse
"$saker" capture -w "$tmp/refused" -s "$sock" 2>"$tmp/err"; rc=$?
check "refused capture exits 1" test "$rc" = 1
check "refused capture prints the daemon's reason" grep -qF 'saker capture: a capture is already running' "$tmp/err"
check "refused capture leaves no file behind" test ! -e "$tmp/refused"
echo keep >"$tmp/existing"
"$saker" capture -w "$tmp/existing" -s "$sock" 2>/dev/null
check "an existing file is kept" test -e "$tmp/existing"
stop_fake

# ---- permissions: the socket is root's alone ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
   setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups test -x "$saker" 2>/dev/null; then
	start_fake ok
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$saker" stats -s "$sock" \
		2>"$tmp/err" >/dev/null; rc=$?
	check "stats as nobody exits 1" test "$rc" = 1
	check "stats as nobody: permission denied" grep -qF "permission denied: $sock (root only)" "$tmp/err"
	stop_fake
fi
exit 0
