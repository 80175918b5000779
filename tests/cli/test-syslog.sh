#!/bin/bash
# SPDX-License-Identifier: MIT
# The syslog output into a real rsyslogd, started here with its own
# configuration and work directory: imuxsock on a private socket (never
# /dev/log), imudp and imptcp on a free loopback port.  Alerts go out in
# RFC 5424 over unix, udp and tcp (octet counting) and in RFC 3164 over a
# unix socket and udp; every line rsyslog writes is compared with the one
# expected, structured data and escapes included.  Once sakerd wires the
# output, alerts from a capture (sakerd -e) are checked too.  Prints
# PASS:/FAIL: lines (tests/run.sh counts them).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SAKER_BUILD:-$top/build}
send=$build/syslog-send
N=20 # alerts per transport

ok() { echo "PASS: syslog: $1"; }
ko() { echo "FAIL: syslog: $1${2:+: $2}"; }

if ! command -v rsyslogd >/dev/null; then
	ko "rsyslogd is not installed" "scripts/deps.sh --test installs it"
	exit 0
fi
if [ ! -x "$send" ]; then
	ko "no $send" "make check TESTS= builds it"
	exit 0
fi

tmp=$(mktemp -d)
rpid=
cleanup() {
	if [ -n "$rpid" ]; then
		kill "$rpid" 2>/dev/null
		wait "$rpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# A loopback port free for tcp and udp alike.
port=$(python3 - <<'EOF'
import socket
for _ in range(50):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        t.close(); u.close()
    print(p); break
EOF
)
if [ -z "$port" ]; then ko "no free loopback port"; exit 0; fi

mkdir -p "$tmp/work"
cat >"$tmp/rsyslog.conf" <<EOF
global(workDirectory="$tmp/work" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
module(load="imudp")
module(load="imptcp")
# RFC 5424 on a unix socket: the regular parser chain, the hostname taken from the message.
input(type="imuxsock" Socket="$tmp/log.sock" UseSpecialParser="off" ParseHostname="on"
      RateLimit.Interval="0" ruleset="alerts")
# The classic local form (what /dev/log gets): imuxsock's own parser.
input(type="imuxsock" Socket="$tmp/legacy.sock" RateLimit.Interval="0" ruleset="alerts")
input(type="imudp" address="127.0.0.1" port="$port" ruleset="alerts")
input(type="imptcp" address="127.0.0.1" port="$port" ruleset="alerts")
template(name="fields" type="string"
         string="%inputname%|%pri%|%hostname%|%app-name%|%procid%|%msgid%|%structured-data%|%msg%\n")
ruleset(name="alerts") {
	action(type="omfile" file="$tmp/out.log" template="fields")
}
EOF

if rsyslogd -N1 -f "$tmp/rsyslog.conf" >"$tmp/check.out" 2>&1; then ok "rsyslogd accepts the configuration"
else ko "rsyslogd accepts the configuration" "$(tail -3 "$tmp/check.out")"; exit 0; fi
rsyslogd -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslogd.pid" >"$tmp/rsyslogd.out" 2>&1 &
rpid=$!
up=
for _ in $(seq 100); do
	if [ -S "$tmp/log.sock" ] && [ -S "$tmp/legacy.sock" ] &&
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
	kill -0 "$rpid" 2>/dev/null || break
	sleep 0.1
done
if [ -n "$up" ]; then ok "rsyslogd listens on unix, udp and tcp"
else ko "rsyslogd listens on unix, udp and tcp" "$(tail -3 "$tmp/rsyslogd.out")"; exit 0; fi

# name  format  destination  inputname  hostname-in-output
runs="unix rfc5424 $tmp/log.sock imuxsock host-unix
udp rfc5424 udp://127.0.0.1:$port imudp host-udp
tcp rfc5424 tcp://127.0.0.1:$port imptcp host-tcp
unix3164 rfc3164 $tmp/legacy.sock imuxsock LOCAL
udp3164 rfc3164 udp://127.0.0.1:$port imudp host-udp3164"
total=0
while read -r name format dest _ _; do
	if out=$("$send" -f "$format" -F local3 -H "host-$name" -n "$N" "$dest" 2>&1); then
		ok "$name: $N alerts sent ($out)"
	else ko "$name: $N alerts sent" "$out"; fi
	total=$((total + N))
done <<<"$runs"
# One alert with a 100 KiB field over tcp and 20 KiB over udp: cut to the limits.
"$send" -f rfc5424 -F local3 -H host-bigtcp -n 1 -l 100000 "tcp://127.0.0.1:$port" >/dev/null 2>&1 ||
	ko "a 100 KiB alert over tcp"
"$send" -f rfc5424 -F local3 -H host-bigudp -n 1 -l 20000 "udp://127.0.0.1:$port" >/dev/null 2>&1 ||
	ko "a 20 KiB alert over udp"
total=$((total + 2))

for _ in $(seq 100); do
	[ "$(wc -l <"$tmp/out.log" 2>/dev/null || echo 0)" -ge "$total" ] && break
	sleep 0.1
done
lines=$(wc -l <"$tmp/out.log" 2>/dev/null || echo 0)
if [ "$lines" = "$total" ]; then ok "rsyslog wrote every alert ($lines lines)"
else ko "rsyslog wrote every alert" "$lines of $total lines"; fi

# The lines expected for each run; the PROCID (syslog-send's pid) is checked apart.
displays=(Emergency Alert Critical Error Warning Notice Informational Debug)
fd='/tmp/we\"ird\]na\\me-caf\xe9.txt'        # as a PARAM-VALUE: escaped, \xNN for the byte
msgfd='/tmp/we"ird]na\me-caf\xe9.txt'         # in MSG: only the byte replaced
localhost=$(awk -F'|' '$1 == "imuxsock" && $7 == "-" { print $3; exit }' "$tmp/out.log")
while read -r name format _ input host; do
	[ "$host" = LOCAL ] && host=$localhost
	for i in $(seq 0 $((N - 1))); do
		pri=$((19 * 8 + i % 8))
		if [ "$format" = rfc5424 ]; then
			printf '%s|%s|%s|saker|PID|alert|[saker@32473 rule="Syslog test alert" priority="%s" source="syscall" tags="filesystem,test" evt.num="%s" fd.name="%s" proc.aname.2="bash"]|Test alert %s (file=%s proc=bash)\n' \
				"$input" "$pri" "$host" "${displays[i % 8]}" "$i" "$fd" "$i" "$msgfd"
		else
			# rsyslog keeps the space after "TAG:" in %msg%.
			printf '%s|%s|%s|saker|PID|-|-| Test alert %s (file=%s proc=bash)\n' \
				"$input" "$pri" "$host" "$i" "$msgfd"
		fi
	done | sort >"$tmp/want.$name"
	awk -F'|' -v h="$host" -v i="$input" 'BEGIN { OFS = "|" }
		$1 == i && $3 == h { if ($5 ~ /^[0-9]+$/) $5 = "PID"; print }' "$tmp/out.log" |
		sort >"$tmp/got.$name"
	if [ -s "$tmp/want.$name" ] && cmp -s "$tmp/want.$name" "$tmp/got.$name"; then
		ok "$name ($format): every line as expected, structured data and escapes intact"
	else
		ko "$name ($format): every line as expected" "$(diff "$tmp/want.$name" "$tmp/got.$name" | head -4)"
	fi
done <<<"$runs"

# The cut alerts: the long value ends in "...", the rest is whole, the size is in bounds.
check_big() { # hostname max-bytes
	local line len
	line=$(awk -F'|' -v h="$1" '$3 == h' "$tmp/out.log")
	len=$(printf '%s' "$line" | LC_ALL=C awk -F'|' '{ n = 0; for (f = 2; f <= NF; f++) n += length($f); print n }')
	if printf '%s' "$line" | grep -q 'proc\.cmdline="AAAA*\.\.\."\]|Test alert 0 ' &&
		printf '%s' "$line" | grep -qF 'fd.name="/tmp/we\"ird\]na\\me-caf\xe9.txt"' &&
		[ "${len:-0}" -gt $(($2 - 300)) ] && [ "${len:-0}" -le "$2" ]; then
		ok "$1: a long value is cut to fit $2 bytes, the other params whole"
	else ko "$1: a long value is cut to fit $2 bytes" "length ${len:-none}"; fi
}
check_big host-bigtcp 65536
check_big host-bigudp 8192

# sakerd itself over a capture, once setup.c wires the output.
if grep -q 'outputs_add_syslog' "$top/daemon/sakerd/setup.c" 2>/dev/null; then
	: >"$tmp/empty.yaml"
	: >"$tmp/out.log"
	"$build/saker" replay --write-capture "$tmp/demo.cap" --hostname demohost \
		"$top/examples/demo.jsonl" || ko "write the demo capture"
	"$build/sakerd" -c "$tmp/empty.yaml" --config-dir "$tmp/none" -e "$tmp/demo.cap" -o journald_output.enabled=false \
		-r "$top/rules" -o stdout_output.enabled=false -o json_output=true \
		-o file_output.enabled=true -o file_output.filename="$tmp/alerts.json" \
		-o syslog_output.enabled=true -o syslog_output.format=rfc5424 \
		-o syslog_output.destination="$tmp/log.sock" -o syslog_output.facility=local4 \
		>"$tmp/sakerd.out" 2>&1
	rc=$?
	want=$(wc -l <"$tmp/alerts.json" 2>/dev/null || echo 0)
	for _ in $(seq 50); do
		[ "$(grep -c '|demohost|' "$tmp/out.log")" -ge "$want" ] && break
		sleep 0.1
	done
	python3 - "$tmp/alerts.json" "$tmp/out.log" >"$tmp/cmp.out" 2>&1 <<'EOF'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="replace")]
lines = [l.rstrip("\n").split("|") for l in open(sys.argv[2], encoding="utf-8", errors="replace")]
lines = [l for l in lines if len(l) >= 8 and l[2] == "demohost"]
sev = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"]
assert alerts and len(alerts) == len(lines), f"{len(alerts)} alerts, {len(lines)} syslog lines"
for a, l in zip(alerts, lines):
    rule = a["rule"].replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")
    assert f'[saker@32473 rule="{rule}" priority="{a["priority"]}"' in l[6], (a["rule"], l[6])
    assert int(l[1]) == 20 * 8 + sev.index(a["priority"]), l[1]
    assert l[3] == "saker" and l[5] == "alert", l
print(len(lines), "alerts")
EOF
	if [ "$rc" = 0 ] && [ "$want" -gt 0 ] && grep -q ' alerts$' "$tmp/cmp.out"; then
		ok "sakerd -e: every alert of the capture in rsyslog ($(cat "$tmp/cmp.out"))"
	else ko "sakerd -e: every alert of the capture in rsyslog" "rc=$rc $(tail -2 "$tmp/cmp.out") $(tail -2 "$tmp/sakerd.out")"; fi
else
	echo "SKIP: syslog: sakerd -e (daemon/sakerd/setup.c does not call outputs_add_syslog yet)"
fi

kill "$rpid" 2>/dev/null
wait "$rpid" 2>/dev/null
rpid=
if [ ! -e "$tmp/rsyslogd.pid" ]; then ok "rsyslogd stopped"
else ko "rsyslogd stopped" "its pid file is still there"; fi
