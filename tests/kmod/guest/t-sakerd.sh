#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sakerd end to end in the guest: the daemon (shipped in /job/sakerd with its
# libraries) reads the loaded module with the rules of tests/kmod/e2e/rules.yaml
# while this script reads /etc/shadow, starts a shell from a process named nginx,
# connects to a listed address, writes below /etc and runs cat in new namespaces
# inside a docker-style cgroup with Docker metadata on disk.  Checks the alerts
# sakerd wrote (JSON lines, file output), a second instance being refused,
# `saker stats`, and records a capture of the whole run that the host replays
# (/out/sakerd-alerts.json and /out/sakerd.cap; see tests/kmod/run.sh).
BB=/lab/busybox
SD=/job/sakerd
W=$(pwd)
export LD_LIBRARY_PATH=$SD/lib
pass() { echo "PASS: sakerd: $*"; }
fail() { echo "FAIL: sakerd: $*"; }
. /job/sakerd-lib.sh
if [ ! -x "$SD/sakerd" ]; then
	echo "SKIP: sakerd: not shipped (no build directory given to tests/kmod/run.sh)"
	exit 0
fi

ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SHORT=$(echo "$ID" | $BB cut -c1-12)
mkdir -p "/var/lib/docker/containers/$ID"
cat >"/var/lib/docker/containers/$ID/config.v2.json" <<EOF
{"ID": "$ID", "Name": "/e2e-web", "Created": "2026-11-30T10:00:00.000000000Z",
 "Config": {"Image": "nginx:1.25", "Labels": {"app": "e2e"}},
 "Image": "sha256:1111111111111111111111111111111111111111111111111111111111111111"}
EOF

cat >"$W/saker.yaml" <<EOF
rules_files: [$SD/rules.yaml]
json_output: true
buffered_outputs: false
stdout_output: {enabled: false}
file_output: {enabled: true, filename: $W/alerts.json, keep_alive: true}
dns: {enabled: false}
journald_output: {enabled: false}
syslog_output: {enabled: false}
stats_interval: 0
EOF
"$SD/sakerd" -c "$W/saker.yaml" --config-dir "$W/none" --socket "$W/ctl.sock" \
	--lock "$W/sakerd.pid" >"$W/sakerd.log" 2>&1 &
spid=$!
if ! sakerd_ready $spid; then
	fail "did not start"
	cat "$W/sakerd.log"
	exit 1
fi
pass "started, answers on its control socket"
# after start-up: CAP_DAC_OVERRIDE (1), CAP_DAC_READ_SEARCH (2), CAP_SYS_PTRACE (19) only
eff=$(grep '^CapEff:' /proc/$spid/status | $BB awk '{print $2}')
bnd=$(grep '^CapBnd:' /proc/$spid/status | $BB awk '{print $2}')
if [ "$eff" = 0000000000080006 ] && [ "$bnd" = 0000000000080006 ]; then
	pass "capabilities reduced after start-up (CapEff $eff)"
else
	fail "capabilities after start-up: CapEff $eff CapBnd $bnd"
fi

if "$SD/sakerd" -c "$W/saker.yaml" --config-dir "$W/none" --socket "$W/ctl2.sock" \
	--lock "$W/sakerd.pid" >"$W/second.log" 2>&1; then
	fail "a second instance started"
elif grep -q "already running" "$W/second.log"; then
	pass "a second instance is refused"
else
	fail "a second instance failed without saying why: $(cat "$W/second.log")"
fi

"$SD/saker" capture -w /out/sakerd.cap -s "$W/ctl.sock" >"$W/capture.log" 2>&1 &
cpid=$!
i=0
while [ "$($BB stat -c %s /out/sakerd.cap 2>/dev/null || echo 0)" -lt 200 ]; do
	i=$((i + 1))
	[ $i -le 100 ] || break
	$BB sleep 0.1
done

# the scenarios
cat /etc/shadow >/dev/null
cp /bin/dash "$W/nginx"
"$W/nginx" -c '/bin/sh -c "exit 0"; exit 0'
$BB nc -l -p 4444 >/dev/null 2>&1 &
npid=$!
$BB sleep 0.5
$BB nc -w 2 127.0.0.42 4444 </dev/null >/dev/null 2>&1
kill $npid 2>/dev/null
echo e2e >/etc/saker-e2e-write
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
CG=/sys/fs/cgroup/system.slice/docker-$ID.scope
mkdir -p "$CG"
sh -c "echo \$\$ >$CG/cgroup.procs && exec unshare --pid --mount --uts --net --fork --mount-proc cat /etc/shadow" >/dev/null
$BB sleep 2

kill -INT $cpid
wait $cpid
crc=$?
if [ $crc -eq 0 ] && [ -s /out/sakerd.cap ]; then
	pass "saker capture: $(tail -n 1 "$W/capture.log")"
else
	fail "saker capture exited $crc: $(cat "$W/capture.log")"
fi
"$SD/saker" stats --json -s "$W/ctl.sock" >"$W/stats.json" 2>&1
if grep -q '"enabled":5' "$W/stats.json" && grep -q '"openat":[1-9]' "$W/stats.json"; then
	pass "saker stats: 5 rules enabled, openat events counted"
else
	fail "saker stats: $(head -c 600 "$W/stats.json")"
fi
kill -TERM $spid
wait $spid
rc=$?
[ $rc -eq 0 ] && pass "SIGTERM: clean exit" || fail "SIGTERM: exit status $rc"
cp "$W/alerts.json" /out/sakerd-alerts.json 2>/dev/null
cp "$W/sakerd.log" /out/sakerd.log 2>/dev/null
# CI shows the numbers
grep -h "stats\|capture\|rules" "$W/sakerd.log" | sed 's/^/INFO: sakerd: /' | head -n 5

# expect RULE PATTERN...: one alert of RULE whose line has every fixed string
expect() {
	rule=$1
	shift
	grep -F "\"rule\":\"$rule\"" "$W/alerts.json" >"$W/match" 2>/dev/null
	for p in "$@"; do
		grep -F -- "$p" "$W/match" >"$W/match.next"
		mv "$W/match.next" "$W/match"
	done
	if [ -s "$W/match" ]; then
		pass "alert: $rule ($*)"
	else
		fail "alert: $rule with $*: not found; alerts of that rule:"
		grep -F "\"rule\":\"$rule\"" "$W/alerts.json" | head -n 5
	fi
}
expect "E2E shadow read" '"proc.name":"cat"' '"user.name":"root"' '"fd.name":"/etc/shadow"' \
	'"container.id":"host"'
expect "E2E shell from web server" '"proc.name":"sh"' '"proc.pname":"nginx"' \
	'"proc.cmdline":"sh -c exit 0"'
expect "E2E connect to listed IP" '"fd.sip":"127.0.0.42"' '"fd.sport":"4444"' \
	'"fd.l4proto":"tcp"' '"proc.name":"busybox"'
expect "E2E write below etc" '"fd.name":"/etc/saker-e2e-write"' '"proc.name":"sh"'
expect "E2E namespaced process" "\"container.id\":\"$SHORT\"" '"container.name":"e2e-web"' \
	'"container.image.repository":"nginx"' '"container.type":"docker"' '"proc.vpid":"1"'
expect "E2E shadow read" "\"container.id\":\"$SHORT\"" '"container.name":"e2e-web"' \
	'"proc.vpid":"1"'
n=$(grep -c . "$W/alerts.json" 2>/dev/null || echo 0)
echo "INFO: sakerd wrote $n alerts"

# Phase 2, on a module with the smallest rings: drops, SIGHUP reloads, SIGUSR1 reopens.
# wait_log PATTERN: until sakerd's log has the pattern (10 s at most)
wait_log() {
	i=0
	while ! grep -q "$1" "$W/sakerd2.log"; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		$BB sleep 0.1
	done
}
rmmod saker && insmod "$SAKER_KO" ring_size_kb=64 || { fail "cannot reload the module with 64 KiB rings"; exit 1; }
mkdir -p "$W/rules.d"
cp "$SD/rules.yaml" "$W/rules.d/10-e2e.yaml"
cat >"$W/saker2.yaml" <<EOF
rules_files: [$W/rules.d]
json_output: true
buffered_outputs: false
stdout_output: {enabled: false}
file_output: {enabled: true, filename: $W/alerts2.json, keep_alive: true}
syscall_event_drops: {actions: [log, alert], rate: 1, max_burst: 1}
dns: {enabled: false}
journald_output: {enabled: false}
syslog_output: {enabled: false}
stats_interval: 0
EOF
"$SD/sakerd" -c "$W/saker2.yaml" --config-dir "$W/none" --socket "$W/ctl.sock" \
	--lock "$W/sakerd.pid" >"$W/sakerd2.log" 2>&1 &
spid=$!
wait_log "sakerd running" || { fail "did not start on the small rings"; cat "$W/sakerd2.log"; exit 1; }

# drops: the daemon stopped while the system opens thousands of directories
kill -STOP $spid
for i in 1 2 3; do find / -xdev >/dev/null 2>&1; done
kill -CONT $spid
i=0
while ! grep -q '"rule":"Event drops detected"' "$W/alerts2.json" 2>/dev/null && [ $i -lt 50 ]; do
	i=$((i + 1))
	$BB sleep 0.2
done
if grep '"rule":"Event drops detected"' "$W/alerts2.json" | grep -q '"ring_full":"[1-9]'; then
	pass "drops: 'Event drops detected' alert with the ring_full count"
else
	fail "drops: no drop alert; log: $(tail -n 3 "$W/sakerd2.log")"
fi
grep -q "Event drops detected" "$W/sakerd2.log" && pass "drops: logged too" || fail "drops: not logged"

# SIGHUP with a broken rule file: reported, the running rules stay
printf -- '- rule: E2E broken\n  desc: x\n  condition: proc.nme = x\n  output: x\n  priority: INFO\n' \
	>"$W/rules.d/20-reload.yaml"
kill -HUP $spid
if wait_log "reload failed" && grep -q "20-reload.yaml:3:14: error: unknown field 'proc.nme'" "$W/sakerd2.log"; then
	pass "SIGHUP: a broken ruleset is reported with its position"
else
	fail "SIGHUP: a broken ruleset: $(tail -n 5 "$W/sakerd2.log")"
fi
cat /etc/shadow >/dev/null
$BB sleep 1
if grep -q '"rule":"E2E shadow read"' "$W/alerts2.json"; then
	pass "SIGHUP: the previous rules keep running"
else
	fail "SIGHUP: no alert after a failed reload"
fi
# SIGHUP with a good new rule: it fires
printf -- '- rule: E2E reload marker\n  desc: x\n  condition: evt.type in (open, openat) and fd.name = /etc/hostname\n  output: "marker read by %%proc.name"\n  priority: INFO\n' \
	>"$W/rules.d/20-reload.yaml"
kill -HUP $spid
wait_log "reloaded:" || fail "SIGHUP: no 'reloaded' after a good ruleset"
cat /etc/hostname >/dev/null
$BB sleep 1
if grep -q '"rule":"E2E reload marker"' "$W/alerts2.json"; then
	pass "SIGHUP: a new rule is active after the reload"
else
	fail "SIGHUP: the new rule did not fire: $(tail -n 3 "$W/sakerd2.log")"
fi
# SIGUSR1: logrotate moves the file away, new alerts go to a new file
mv "$W/alerts2.json" "$W/alerts2.json.1"
kill -USR1 $spid
wait_log "reopening"
$BB sleep 0.5
cat /etc/shadow >/dev/null
$BB sleep 1
if grep -q '"rule":"E2E shadow read"' "$W/alerts2.json" 2>/dev/null; then
	pass "SIGUSR1: alerts go to the reopened file"
else
	fail "SIGUSR1: no alert in the new file"
fi
kill -TERM $spid
wait $spid
cp "$W/sakerd2.log" /out/ 2>/dev/null
rmmod saker && insmod "$SAKER_KO" || fail "cannot load the module with its defaults again"
