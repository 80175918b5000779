#!/bin/bash
# SPDX-License-Identifier: MIT
# imsaker and sakerd's rsyslog output against real rsyslogd instances, each
# started here with a generated configuration (*.conf.in) and a work
# directory of its own: the module build and its version pin, alerts from
# sakerd and from the outputs API checked through templates on $!saker,
# 100,000 alerts end to end with none lost, malformed datagrams and the
# impstats counters, rate limiting, and forwarding over TCP and RELP between
# two network namespaces.  Needs root; removes everything it made.  Prints
# PASS:/FAIL:/SKIP: lines (tests/cli/test-rsyslog.sh runs it).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/rsyslog
build=${SAKER_BUILD:-$top/build}
sakerd=$build/sakerd
saker=$build/saker
send=$build/rsyslog-send
moddir=$build/rsyslog-plugin
bulk=${SAKER_RSYSLOG_BULK:-100000}

ok() { echo "PASS: rsyslog: $1"; }
ko() { echo "FAIL: rsyslog: $1${2:+: $2}"; }
skip() { echo "SKIP: rsyslog: $1"; }
check() { # name command...
	local name=$1; shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}

if [ "$(id -u)" != 0 ]; then skip "needs root (rsyslogd instances, network namespaces)"; exit 0; fi
if ! command -v rsyslogd >/dev/null; then ko "rsyslogd is installed" "run scripts/deps.sh --test"; exit 0; fi
[ -x "$send" ] || make -s -C "$build" rsyslog-send >/dev/null 2>&1
if [ ! -x "$send" ]; then ko "rsyslog-send is built" "make -C $build rsyslog-send"; exit 0; fi

tmp=$(mktemp -d /tmp/saker-rsyslog.XXXXXX)
chmod 0755 "$tmp"
pids=()
namespaces=()
veth=skr$$a
cleanup() {
	local p n
	for p in "${pids[@]}"; do stop_pid "$p"; done
	for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null; done
	ip link del "$veth" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Stops a process this script started: TERM, then KILL after 10 s.
stop_pid() {
	local i
	kill "$1" 2>/dev/null || return 0
	for i in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# Waits up to $1 tenths of a second for a command to succeed.
wait_for() {
	local n=$1 i; shift
	for i in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	"$@"
}
lines_at_least() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

# A configuration from a template: @WORK@, @MODULE@ and NAME=VALUE pairs substituted.
gen_conf() { # template output [NAME=VALUE...]
	local in=$1 out=$2 kv; shift 2
	local args=(-e "s|@WORK@|$tmp|g" -e "s|@MODULE@|$module|g")
	for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
	sed "${args[@]}" "$in" >"$out"
}

# Starts rsyslogd on a configuration, in a network namespace if one is named.
start_rsyslogd() { # name conf [netns]
	local name=$1 conf=$2 ns=${3:-}
	if [ -n "$ns" ]; then
		ip netns exec "$ns" rsyslogd -n -f "$conf" -i "$tmp/$name.pid" >"$tmp/$name.out" 2>&1 &
	else
		rsyslogd -n -f "$conf" -i "$tmp/$name.pid" >"$tmp/$name.out" 2>&1 &
	fi
	pids+=($!)
	last_pid=$!
}

# The last value of an impstats counter of the imsaker input on socket $1.
counter() { # socket name
	local name
	name=$(printf '%s' "$1" | sed 's|/|\\/|g') # impstats writes "\/" for "/"
	grep -F "\"imsaker($name)\"" "$tmp/stats.log" 2>/dev/null | tail -n 1 |
		sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p"
}
counter_is() { [ "$(counter "$1" "$2")" = "$3" ]; }

# Whether two files hold the same JSON objects, one a line (in any order).
same_json() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
def load(p):
    with open(p) as f:
        return sorted(json.dumps(json.loads(l), sort_keys=True) for l in f if l.strip())
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    print(f"{len(a)} vs {len(b)} objects; first difference: "
          f"{next((x, y) for x, y in zip(a + [''], b + ['']) if x != y)}", file=sys.stderr)
    sys.exit(1)
EOF
}

sevname=(emerg alert crit err warning notice info debug)

# ---- the module ------------------------------------------------------------------
# The source of the installed rsyslog is fetched and unpacked once into the cache.
if IMSAKER_WERROR=1 "$top/rsyslog-plugin/build.sh" -o "$moddir" >"$tmp/build.out" 2>&1; then
	ok "imsaker builds against the installed rsyslog ($(rsyslogd -v | head -n 1 | awk '{print $2}'))"
else
	ko "imsaker builds" "$(tail -n 5 "$tmp/build.out")"
	exit 0
fi
module=$moddir/imsaker.so
quiet() { "$@" >/dev/null 2>&1; }
check "build.sh --check accepts the module" quiet "$top/rsyslog-plugin/build.sh" --check "$module"

# A module pinned to another version is refused by build.sh and by rsyslogd itself.
mkdir -p "$tmp/pinned"
"$top/rsyslog-plugin/build.sh" --pin 0.0.0-test -o "$tmp/pinned" >/dev/null 2>&1
installed=$(rsyslogd -v | sed -n '1s/^rsyslogd *\([0-9.]*\).*/\1/p')
out=$("$top/rsyslog-plugin/build.sh" --check "$tmp/pinned/imsaker.so" 2>&1); rc=$?
if [ $rc = 1 ] && [ "$out" = "imsaker was built for rsyslog 0.0.0-test, this is $installed: rebuild" ]; then
	ok "build.sh --check refuses a module of another version"
else ko "build.sh --check refuses a module of another version" "rc=$rc $out"; fi
printf 'module(load="%s")\ninput(type="imsaker" socket="%s/pinned/x.sock")\n' \
	"$tmp/pinned/imsaker.so" "$tmp" >"$tmp/pinned.conf"
out=$(rsyslogd -N1 -f "$tmp/pinned.conf" 2>&1); rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -qF "imsaker was built for rsyslog 0.0.0-test, this is $installed: rebuild"; then
	ok "rsyslogd refuses to load a module built for another version"
else ko "rsyslogd refuses to load a module built for another version" "rc=$rc $out"; fi

# ---- one rsyslogd with two imsaker inputs ------------------------------------------
sock=$tmp/run/saker/rsyslog.sock
limited=$tmp/run/limited.sock
mkdir -p "$tmp/spool"
gen_conf "$here/local.conf.in" "$tmp/local.conf"
if out=$(rsyslogd -N1 -f "$tmp/local.conf" 2>&1); then ok "the test configuration validates (rsyslogd -N1)"
else ko "the test configuration validates (rsyslogd -N1)" "$out"; fi
start_rsyslogd local "$tmp/local.conf"
if ! wait_for 100 test -S "$sock" || ! wait_for 50 test -S "$limited"; then
	ko "rsyslogd listens on the imsaker sockets" "$(cat "$tmp/local.out" "$tmp/internal.log" 2>/dev/null | tail -n 5)"
	exit 0
fi
ok "rsyslogd listens on the imsaker sockets"
check "the socket is root-only (0600)" test "$(stat -c %a "$sock")" = 600
check "its missing directories were made 0755" \
	test "$(stat -c %a "$tmp/run"):$(stat -c %a "$tmp/run/saker")" = 755:755

# sakerd over a capture: the alerts rsyslog writes are the alerts saker replay finds.
"$saker" replay --write-capture "$tmp/demo.cap" --hostname demohost "$top/examples/demo.jsonl" \
	>/dev/null 2>&1
"$saker" replay --json -r "$top/rules" "$tmp/demo.cap" >"$tmp/replay.json" 2>/dev/null
: >"$tmp/empty.yaml"
"$sakerd" -c "$tmp/empty.yaml" --config-dir /nonexistent -r "$top/rules" -e "$tmp/demo.cap" -o journald_output.enabled=false -o syslog_output.enabled=false \
	-o stdout_output.enabled=false -o rsyslog_output.enabled=true \
	-o "rsyslog_output.socket=$sock" >"$tmp/sakerd.out" 2>&1; rc=$?
n=$(grep -c . "$tmp/replay.json")
if grep -q "no output is enabled" "$tmp/sakerd.out"; then
	skip "sakerd -o rsyslog_output.enabled=true: this sakerd does not have the rsyslog output yet"
elif [ "$rc" != 0 ] || [ "$n" = 0 ]; then
	ko "sakerd sends the capture's alerts to rsyslog" "rc=$rc alerts=$n $(tail -n 3 "$tmp/sakerd.out")"
elif wait_for 100 lines_at_least "$tmp/alerts.json" "$n" && same_json "$tmp/replay.json" "$tmp/alerts.json"; then
	ok "sakerd's $n alerts reach rsyslog whole (\$!saker equals saker replay --json)"
else
	ko "sakerd's alerts reach rsyslog whole" "$(cat "$tmp/alerts.json" 2>/dev/null | wc -l) of $n"
fi
before=$(cat "$tmp/alerts.txt" 2>/dev/null | wc -l)

# Through the outputs API: every property the templates use, every priority.
"$send" --socket "$sock" --count 16 --rule "fields" >"$tmp/send16.out" 2>&1 ||
	ko "rsyslog-send 16 alerts" "$(cat "$tmp/send16.out")"
for i in $(seq 0 15); do
	echo "fields|cat|$i|$((i % 8))|${sevname[$((i % 8))]}|authpriv|sakerd:|sakerd|alerthost|imsaker|alert $i of 16 (proc.name=cat saker.seq=$i)"
done >"$tmp/fields.want"
wait_for 100 lines_at_least "$tmp/alerts.txt" $((before + 16))
grep '^fields|' "$tmp/alerts.txt" >"$tmp/fields.got"
if cmp -s "$tmp/fields.want" "$tmp/fields.got"; then
	ok "rule, output_fields, severity, facility, tag, hostname and msg in templates"
else ko "rule, output_fields, severity, facility, tag, hostname and msg in templates" \
	"$(diff "$tmp/fields.want" "$tmp/fields.got" | head -n 4)"; fi

# 100,000 distinct alerts end to end: none lost.
before=$(grep -c '^bulk|' "$tmp/alerts.txt" 2>/dev/null)
start=$(date +%s.%N)
"$send" --socket "$sock" --count "$bulk" --rule bulk >"$tmp/bulk.out" 2>&1; rc=$?
wait_for 1200 test "$(grep -c '^bulk|' "$tmp/alerts.txt")" -ge $((before + bulk))
end=$(date +%s.%N)
got=$(grep '^bulk|' "$tmp/alerts.txt" | cut -d'|' -f3 | sort -u | wc -l)
rate=$(awk -v n="$bulk" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
if [ $rc = 0 ] && [ "$got" = "$bulk" ]; then
	ok "$bulk alerts end to end, none lost: $rate alerts/s into the file (sink: $(cat "$tmp/bulk.out"))"
else ko "$bulk alerts end to end, none lost" "rc=$rc distinct=$got sink: $(cat "$tmp/bulk.out")"; fi

# Not alerts: counted, and passed on as plain messages with the raw text; a datagram
# above imsaker's 256 KiB limit is cut, then cut again at rsyslog's maxMessageSize.
"$send" --socket "$sock" --raw --raw-fill 300000 'not json at all' '{"rule":"x"}' '[1,2,3]' \
	'{"rule":"nl","output":"line one\nline two","priority":"Error","hostname":"h1"}'
wait_for 100 lines_at_least "$tmp/malformed.txt" 4
host=$(hostname)
printf '%s\n' "authpriv.warning|sakerd:|$host|not json at all" \
	"authpriv.warning|sakerd:|$host|{\"rule\":\"x\"}" "authpriv.warning|sakerd:|$host|[1,2,3]" \
	>"$tmp/malformed.want"
head -n 3 "$tmp/malformed.txt" 2>/dev/null >"$tmp/malformed.got"
if cmp -s "$tmp/malformed.want" "$tmp/malformed.got"; then ok "malformed datagrams are passed on as plain messages"
else ko "malformed datagrams are passed on as plain messages" "$(cat "$tmp/malformed.txt" 2>/dev/null)"; fi
cut=$(sed -n "4s/^authpriv.warning|sakerd:|$host|\(x*\)\$/\1/p" "$tmp/malformed.txt" | wc -c)
if [ "$cut" -gt 1000 ] && [ "$cut" -le 8193 ]; then ok "an oversized datagram is passed on cut ($((cut - 1)) bytes)"
else ko "an oversized datagram is passed on cut" "$((cut - 1)) bytes"; fi
if wait_for 50 counter_is "$sock" malformed 4; then ok "impstats counts them (malformed=4)"
else ko "impstats counts them (malformed=4)" "malformed=$(counter "$sock" malformed)"; fi
check "a line feed in an alert's sentence is escaped (#012)" \
	grep -qxF "nl|||3|err|authpriv|sakerd:|sakerd|h1|imsaker|line one#012line two" "$tmp/alerts.txt"
want=$(grep -c . "$tmp/alerts.txt")
want=$((want + 4))
if wait_for 50 counter_is "$sock" submitted "$want"; then ok "impstats: submitted counts every message ($want)"
else ko "impstats: submitted counts every message" "submitted=$(counter "$sock" submitted), want $want"; fi

# The second input's rate limiter: 5 of 20 pass, 15 are counted as discarded.
"$send" --socket "$limited" --count 20 --rule limited >/dev/null 2>&1
wait_for 50 counter_is "$limited" ratelimit.discarded 15
if [ "$(grep -c '^limited|' "$tmp/limited.txt" 2>/dev/null)" = 5 ] &&
   counter_is "$limited" ratelimit.discarded 15 && counter_is "$limited" submitted 5; then
	ok "ratelimit.interval/burst: 5 of 20 written, ratelimit.discarded=15"
else ko "ratelimit.interval/burst" "written=$(grep -c . "$tmp/limited.txt" 2>/dev/null) discarded=$(counter "$limited" ratelimit.discarded)"; fi
check "the input's facility (local3)" grep -q '^limited|cat|0|0|emerg|local3|' "$tmp/limited.txt"

stop_pid "$last_pid"
check "rsyslogd removes its socket at exit" test ! -e "$sock"

# ---- the example drop-in, as shipped but for its paths ------------------------------
mkdir -p "$tmp/ex-spool"
sed -e "s|load=\"imsaker\"|load=\"$module\"|" -e "s|/run/saker/rsyslog.sock|$tmp/ex/rsyslog.sock|" \
	-e "s|/var/log/saker/|$tmp/exlog/|" "$top/rsyslog-plugin/examples/saker.conf" >"$tmp/example.conf"
printf 'global(workDirectory="%s/ex-spool")\ninclude(file="%s/example.conf")\n' "$tmp" "$tmp" \
	>"$tmp/example-main.conf"
start_rsyslogd example "$tmp/example-main.conf"
if wait_for 100 test -S "$tmp/ex/rsyslog.sock" &&
   "$send" --socket "$tmp/ex/rsyslog.sock" --count 8 --rule example >/dev/null 2>&1 &&
   wait_for 100 lines_at_least "$tmp/exlog/alerts.json" 8 &&
   python3 - "$tmp/exlog/alerts.json" <<'EOF'
import json, sys
sev = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
pri = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"]
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 8, lines
for i, line in enumerate(lines):
    a = json.loads(line)
    want = {"host": "alerthost", "facility": "authpriv", "severity": sev[i], "rule": "example",
            "priority": pri[i], "output": f"alert {i} of 8 (proc.name=cat saker.seq={i})",
            "proc_name": "cat", "output_fields": {"proc.name": "cat", "saker.seq": str(i)},
            "tags": ["saker_test"]}
    for k, v in want.items():
        assert a[k] == v, (k, a[k], v)
    assert a["time"][:2] == "20" and "T" in a["time"], a["time"]
EOF
then
	ok "examples/saker.conf writes one JSON object per alert from \$!saker"
else ko "examples/saker.conf writes one JSON object per alert from \$!saker" \
	"$(head -n 2 "$tmp/exlog/alerts.json" "$tmp/example.out" 2>/dev/null)"; fi
check "examples/saker.conf: the alert file is 0640 in a 0750 directory" \
	test "$(stat -c %a "$tmp/exlog" 2>/dev/null):$(stat -c %a "$tmp/exlog/alerts.json" 2>/dev/null)" = 750:640
stop_pid "$last_pid"

# ---- forwarding between two network namespaces --------------------------------------
hns=saker-rsl-h-$$
cns=saker-rsl-c-$$
if ! ip netns add "$hns" 2>/dev/null; then skip "forwarding: cannot create network namespaces"; exit 0; fi
namespaces+=("$hns")
ip netns add "$cns" && namespaces+=("$cns")
ip link add "$veth" type veth peer name skr$$b &&
	ip link set "$veth" netns "$hns" && ip link set skr$$b netns "$cns" &&
	ip -n "$hns" addr add 10.200.0.1/24 dev "$veth" && ip -n "$cns" addr add 10.200.0.2/24 dev skr$$b &&
	ip -n "$hns" link set "$veth" up && ip -n "$cns" link set skr$$b up &&
	ip -n "$hns" link set lo up && ip -n "$cns" link set lo up
if [ $? != 0 ]; then ko "forwarding: a veth pair between two namespaces"; exit 0; fi

relp=no
if [ -e "$(dirname "$(dpkg -L rsyslog 2>/dev/null | grep '/imuxsock\.so$' | head -n 1)")/omrelp.so" ]; then
	relp=yes
else
	skip "forwarding over RELP: rsyslog-relp is not installed"
fi
if [ $relp = yes ]; then
	relp_module='module(load="omrelp")'
	relp_action='action(type="omrelp" target="10.200.0.2" port="20514" template="SakerForward")'
	relp_input='module(load="imrelp") input(type="imrelp" port="20514" ruleset="relp")'
else
	relp_module='# no rsyslog-relp' relp_action='# no rsyslog-relp' relp_input='# no rsyslog-relp'
fi
mkdir -p "$tmp/host-spool" "$tmp/coll-spool"
gen_conf "$here/collector.conf.in" "$tmp/collector.conf" "RELP_INPUT=$relp_input"
gen_conf "$here/host.conf.in" "$tmp/host.conf" COLLECTOR=10.200.0.2 \
	"RELP_MODULE=$relp_module" "RELP_ACTION=$relp_action"
start_rsyslogd collector "$tmp/collector.conf" "$cns"
listening() { ip netns exec "$cns" ss -Hltn "sport = :$1" | grep -q .; }
if ! wait_for 100 listening 10514 || { [ $relp = yes ] && ! wait_for 50 listening 20514; }; then
	ko "forwarding: the collector listens" "$(tail -n 5 "$tmp/collector.out" "$tmp/coll-internal.log" 2>/dev/null)"
	exit 0
fi
start_rsyslogd host "$tmp/host.conf" "$hns"
if ! wait_for 100 test -S "$tmp/host.sock"; then
	ko "forwarding: the host listens" "$(tail -n 5 "$tmp/host.out" "$tmp/host-internal.log" 2>/dev/null)"
	exit 0
fi
nf=200
"$send" --socket "$tmp/host.sock" --count $nf --rule forwarded --hostname web-7 >"$tmp/fwd.out" 2>&1 ||
	ko "forwarding: rsyslog-send" "$(cat "$tmp/fwd.out")"
for i in $(seq 0 $((nf - 1))); do
	echo "web-7|sakerd|authpriv|${sevname[$((i % 8))]}|forwarded|cat|$i|alert $i of $nf (proc.name=cat saker.seq=$i)"
done | sort >"$tmp/fwd.want"
for proto in tcp relp; do
	[ $proto = relp ] && [ $relp = no ] && continue
	wait_for 200 lines_at_least "$tmp/coll-$proto.txt" $nf
	sort "$tmp/coll-$proto.txt" 2>/dev/null >"$tmp/fwd.got"
	if cmp -s "$tmp/fwd.want" "$tmp/fwd.got"; then
		ok "forwarding over $proto: hostname, app-name, facility, severity and \$!saker properties arrive"
	else ko "forwarding over $proto: properties arrive" "$(diff "$tmp/fwd.want" "$tmp/fwd.got" | head -n 4)"; fi
	if wait_for 50 lines_at_least "$tmp/host.json" $nf && same_json "$tmp/host.json" "$tmp/coll-$proto.json"; then
		ok "forwarding over $proto: the collector's \$!saker equals the host's"
	else ko "forwarding over $proto: the collector's \$!saker equals the host's"; fi
done
exit 0
