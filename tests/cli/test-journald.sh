#!/bin/bash
# SPDX-License-Identifier: MIT
# The journald output against a real systemd-journald: the entries and every
# field (journalctl -o json, matches on MESSAGE_ID and SAKER_RULE, -p), the
# message catalog (saker catalog, journalctl --update-catalog, -x), and what
# happens when journald is gone (stale or missing socket), comes back, or is
# frozen.  Runs as root in a private mount namespace with a journald of its
# own on a fresh /run, so a journald the host may run is never touched and
# nothing is left behind.  Prints PASS:/FAIL:/SKIP: lines (tests/run.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SAKER_BUILD:-$top/build}
sakerd=$build/sakerd
saker=$build/saker
driver=$build/journald-send

ok() { echo "PASS: journald: $1"; }
ko() { echo "FAIL: journald: $1${2:+: $2}"; }
skip() { echo "SKIP: journald: $1"; }
check() { # name command...
	local name=$1; shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}

journald_bin=
for p in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
	[ -x "$p" ] && { journald_bin=$p; break; }
done

# ---- into a mount namespace of our own ----------------------------------------
if [ -z "${SAKER_JOURNALD_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then skip "needs root (a journald of its own)"; exit 0; fi
	if [ -z "$journald_bin" ] || ! command -v journalctl >/dev/null; then
		skip "systemd-journald or journalctl missing (scripts/deps.sh --test)"; exit 0
	fi
	if ! unshare --mount --propagation private true 2>/dev/null; then
		skip "cannot create a mount namespace (unshare --mount)"; exit 0
	fi
	SAKER_JOURNALD_NS=1 unshare --mount --propagation private "$BASH" "$0" "$@"
	exit $?
fi

tmp=$(mktemp -d)
jd_pid=
cleanup() {
	if [ -n "$jd_pid" ]; then
		kill -CONT "$jd_pid" 2>/dev/null; kill "$jd_pid" 2>/dev/null; wait "$jd_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Only this namespace sees these: the host's /run, journals and catalog stay as they are.
mount -t tmpfs -o mode=0755 tmpfs /run || { ko "private /run"; exit 1; }
mkdir -p /run/systemd/journal /run/log/journal /run/saker
if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi

jd_sockets="/run/systemd/journal/socket /run/systemd/journal/stdout /run/systemd/journal/dev-log
	/run/systemd/journal/io.systemd.journal"

# Starts journald (systemd 252 binds its sockets itself without socket activation); stale
# sockets of a previous one go first, or the wait below would pass at once.
jd_start() {
	local i
	# shellcheck disable=SC2086
	rm -f $jd_sockets
	"$journald_bin" >>"$tmp/journald.out" 2>&1 &
	jd_pid=$!
	for i in $(seq 200); do
		[ -S /run/systemd/journal/io.systemd.journal ] && journalctl --sync 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
# Stops it; its sockets stay behind (as they do when journald dies).
jd_stop() {
	kill "$jd_pid" 2>/dev/null; wait "$jd_pid" 2>/dev/null; jd_pid=
}

if ! jd_start; then ko "start systemd-journald" "$(tail -3 "$tmp/journald.out")"; exit 0; fi
ok "systemd-journald started in a private namespace"

# ---- checks on journal entries (python3: JSON, and the documented derivations) --------
cat >"$tmp/check.py" <<'EOF'
import json, re, sys, uuid

NS = uuid.UUID("997d1101-3503-49d9-8e8f-2e33585d8163")
PRI = {"Emergency": 0, "Alert": 1, "Critical": 2, "Error": 3, "Warning": 4, "Notice": 5,
       "Informational": 6, "Debug": 7}
FIXED = {"SAKER_RULE", "SAKER_PRIORITY", "SAKER_TAGS", "SAKER_SOURCE", "SAKER_HOSTNAME",
         "SAKER_JSON"}

def raw(v):
    """A journal field as bytes (journalctl -o json gives byte arrays for binary values)."""
    if isinstance(v, list):
        return bytes(v)
    return v.encode()

def text(v):
    return raw(v).decode("utf-8", "replace")

def field_name(name):
    """docs/journald.md: a-z upper-cased, runs of other bytes one '_', SAKER_ prefix, 64."""
    b = bytes(c - 32 if 97 <= c <= 122 else c for c in name.encode())
    s = "SAKER_" + (re.sub(rb"[^A-Z0-9]+", b"_", b).strip(b"_").decode() or "FIELD")
    return s[:64].rstrip("_")

def load(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]

def fail(msg):
    print(msg)
    sys.exit(1)

def check_entry(e, alert, facility):
    """e: a journal entry; alert: the alert object the same alert has as JSON."""
    rule = alert["rule"]
    want = {
        "MESSAGE": alert["output"], "PRIORITY": str(PRI[alert["priority"]]),
        "SYSLOG_IDENTIFIER": "sakerd", "SYSLOG_FACILITY": str(facility),
        "MESSAGE_ID": uuid.uuid5(NS, rule).hex, "SAKER_RULE": rule,
        "SAKER_PRIORITY": alert["priority"], "SAKER_TAGS": ",".join(alert["tags"]),
        "SAKER_SOURCE": alert["source"], "SAKER_HOSTNAME": alert["hostname"],
    }
    for k, v in want.items():
        if text(e.get(k, "<missing>")) != v:
            fail("%s: %s is %r, not %r" % (rule, k, e.get(k), v))
    if json.loads(text(e["SAKER_JSON"])) != alert:
        fail("%s: SAKER_JSON differs: %s" % (rule, text(e["SAKER_JSON"])))
    taken = set(FIXED)
    for name, value in alert["output_fields"].items():
        base = field_name(name)
        jname, k = base, 2
        while jname in taken:
            jname = base[:64 - len("_%d" % k)].rstrip("_") + "_%d" % k
            k += 1
        taken.add(jname)
        got = text(e.get(jname, "<missing>"))
        if got != ("<NA>" if value is None else value):
            fail("%s: %s is %r, not %r" % (rule, jname, got, value))
    extra = [k for k in e if (k.startswith("SAKER_") and k not in taken) or k.startswith("CODE_")]
    if extra:
        fail("%s: unexpected fields %s" % (rule, extra))

mode = sys.argv[1]
if mode == "alerts":
    # alerts.json (saker replay --json) against the journal's entries, in order
    alerts, entries, facility = load(sys.argv[2]), load(sys.argv[3]), int(sys.argv[4])
    if len(alerts) != len(entries) or not alerts:
        fail("%d alerts, %d journal entries" % (len(alerts), len(entries)))
    for a, e in zip(alerts, entries):
        check_entry(e, a, facility)
    print("%d entries" % len(entries))
elif mode == "driver":
    # journald-send's alerts: the binary value and the collisions
    entries, count, facility = load(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    if len(entries) != count:
        fail("%d entries, not %d" % (len(entries), count))
    seqs = []
    for e in entries:
        if raw(e["SAKER_PROC_CMDLINE"]) != b"line one\nline two\0after NUL \xff\xfe end":
            fail("binary value: %r" % e["SAKER_PROC_CMDLINE"])
        a = json.loads(text(e["SAKER_JSON"]))
        want = {"SYSLOG_FACILITY": facility, "PRIORITY": "4", "SAKER_FD_NAME": "/etc/shadow",
                "SAKER_FD_NAME_2": "second", "SAKER_JSON_2": "not the JSON",
                "SAKER_CONTAINER_ID": "<NA>", "SAKER_HOSTNAME": "driverhost",
                "MESSAGE_ID": uuid.uuid5(NS, a["rule"]).hex, "SAKER_RULE": a["rule"],
                "SAKER_TAGS": "T1059,host,mitre_execution,test"}
        for k, v in want.items():
            if text(e.get(k, "<missing>")) != v:
                fail("%s is %r, not %r" % (k, e.get(k), v))
        if a["output_fields"]["container.id"] is not None or a["hostname"] != "driverhost":
            fail("SAKER_JSON: %r" % a)
        seqs.append(int(text(e["SAKER_EVT_NUM"])))
    if seqs != list(range(count)):
        fail("alerts out of order or missing: %s" % seqs)
    print("%d entries" % count)
elif mode == "warnings":
    # alerts of priority warning or higher (journalctl -p warning)
    print(sum(PRI[a["priority"]] <= 4 for a in load(sys.argv[2])))
elif mode == "id":
    print(uuid.uuid5(NS, sys.argv[2]).hex)
EOF

# journal entries as JSON lines: jq_entries OUT MATCHES...
jq_entries() {
	local out=$1; shift
	journalctl --sync
	journalctl -a -o json --no-pager "$@" >"$out" 2>/dev/null
}
count_entries() { journalctl --sync; journalctl -a -o json --no-pager "$@" 2>/dev/null | wc -l; }

# ---- the sink in one process: journald-send ---------------------------------------
drv_cmd() { # command -> the driver's answer in $reply
	echo "$1" >&"${DRV[1]}"
	reply=
	read -r -t 60 -u "${DRV[0]}" reply
}
drv_lines() { grep -c "$1" "$tmp/driver.err"; }
drv_end() { # end of input: the driver drains, stops and exits
	local fd=${DRV[1]} pid=$DRV_PID
	exec {fd}>&-
	wait "$pid" 2>/dev/null
}

if [ ! -x "$driver" ]; then
	skip "journald-send not built (make check TESTS=)"
else
	coproc DRV { "$driver" -f local4 2>"$tmp/driver.err"; }
	drv_cmd "send 3 driver-up-$$"; drv_cmd "drain 5000"
	jq_entries "$tmp/up.json" SAKER_RULE="driver-up-$$"
	if out=$(python3 "$tmp/check.py" driver "$tmp/up.json" 3 20); then
		ok "entries with every field, a binary value and renamed collisions ($out)"
	else ko "entries with every field, a binary value and renamed collisions" "$out"; fi
	id=$(python3 "$tmp/check.py" id "driver-up-$$")
	n=$(count_entries MESSAGE_ID="$id")
	check "journalctl MESSAGE_ID=<uuid5 of the rule> finds them" test "$n" = 3

	# journald stops: its socket stays behind (connection refused)
	jd_stop
	drv_cmd "send 5 driver-down-$$"; drv_cmd "drain 5000"; drv_cmd stats
	if [ "$reply" = "written=3 lost=0 errors=5 queued=0" ]; then
		ok "journald stopped: the 5 alerts are counted as errors"
	else ko "journald stopped: the 5 alerts are counted as errors" "$reply"; fi
	if [ "$(drv_lines 'cannot send to journald (Connection refused)')" = 1 ] &&
		[ "$(wc -l <"$tmp/driver.err")" = 1 ]; then
		ok "journald stopped: one line on stderr, not one per alert"
	else ko "journald stopped: one line on stderr, not one per alert" "$(cat "$tmp/driver.err")"; fi

	# journald back: the next alerts arrive, the loss is reported once
	jd_start || ko "restart systemd-journald"
	drv_cmd "send 4 driver-back-$$"; drv_cmd "drain 5000"
	n=$(count_entries SAKER_RULE="driver-back-$$"); lost=$(count_entries SAKER_RULE="driver-down-$$")
	if [ "$n" = 4 ] && [ "$lost" = 0 ] && [ "$(drv_lines 'journald is back; 5 alerts were lost')" = 1 ]
	then ok "journald back: newer alerts arrive, the loss is reported"
	else ko "journald back: newer alerts arrive, the loss is reported" "n=$n lost=$lost $(cat "$tmp/driver.err")"; fi

	# journald gone with its socket: libsystemd would return success, the sink counts it
	jd_stop
	# shellcheck disable=SC2086
	rm -f $jd_sockets
	drv_cmd "send 2 driver-nosocket-$$"; drv_cmd "drain 5000"; drv_cmd stats
	if [ "$reply" = "written=7 lost=0 errors=7 queued=0" ] &&
		[ "$(drv_lines 'cannot send to journald (No such file or directory)')" = 1 ]; then
		ok "no journald socket: counted and reported, not silently lost"
	else ko "no journald socket: counted and reported, not silently lost" "$reply $(cat "$tmp/driver.err")"; fi
	jd_start || ko "restart systemd-journald"
	drv_cmd "send 1 driver-back2-$$"; drv_cmd "drain 5000"
	n=$(count_entries SAKER_RULE="driver-back2-$$")
	if [ "$n" = 1 ] && [ "$(drv_lines 'journald is back; 2 alerts were lost')" = 1 ]; then
		ok "second recovery in the same process"
	else ko "second recovery in the same process" "n=$n $(cat "$tmp/driver.err")"; fi
	drv_end

	# journald frozen: sends block in the sink's thread once its socket queue is full; the
	# queue absorbs (oldest lost, counted), submitting never waits, stopping is bounded
	coproc DRV { "$driver" -q 16 2>"$tmp/driver2.err"; }
	kill -STOP "$jd_pid"
	t0=$(date +%s%N)
	drv_cmd "send 200 driver-frozen-$$"
	t1=$(date +%s%N)
	drv_cmd "drain 1000"; frozen_drain=$reply
	drv_cmd stats; frozen=$reply
	kill -CONT "$jd_pid"
	drv_cmd "drain 20000"; thawed_drain=$reply
	drv_cmd stats; thawed=$reply
	n=$(count_entries SAKER_RULE="driver-frozen-$$")
	w=$(echo "$thawed" | sed -n 's/^written=\([0-9]*\) lost=\([0-9]*\) errors=\([0-9]*\).*/\1 \2 \3/p')
	set -- $w
	if [ $(((t1 - t0) / 1000000)) -lt 1000 ] && [ "$frozen_drain" = timeout ] &&
		[ "$thawed_drain" = drained ] && [ "${2:-0}" -gt 0 ] && [ "${3:-1}" = 0 ] &&
		[ $(($1 + $2)) = 200 ] && [ "$n" = "$1" ]; then
		ok "journald frozen: submit did not wait, $2 of 200 lost from the queue, $1 arrived later"
	else ko "journald frozen" "submit $(((t1 - t0) / 1000000)) ms, $frozen_drain/$frozen," \
		"$thawed_drain/$thawed, journal $n"; fi
	drv_end

	# stopping while journald is frozen: the stuck thread is left behind, the process ends
	kill -STOP "$jd_pid"
	t0=$(date +%s%N)
	printf 'send 100 driver-stuck-%s\n' "$$" | timeout 30 "$driver" >"$tmp/stuck.out" 2>&1; rc=$?
	t1=$(date +%s%N)
	kill -CONT "$jd_pid"
	ms=$(((t1 - t0) / 1000000))
	if [ "$rc" = 0 ] && [ "$ms" -lt 10000 ] && grep -q "^stopped in" "$tmp/stuck.out"; then
		ok "journald frozen at exit: the process still ends ($ms ms)"
	else ko "journald frozen at exit: the process still ends" "rc=$rc $ms ms $(cat "$tmp/stuck.out")"; fi
fi

# ---- the catalog ---------------------------------------------------------------------
root=$tmp/root
mkdir -p "$root/usr/lib/systemd/catalog"
if "$saker" catalog --internal --require-advice --advice "$top/rules/advice" \
	-o "$root/usr/lib/systemd/catalog/saker.catalog" "$top/rules" 2>"$tmp/catalog.err"; then
	ok "saker catalog: every default rule has advice"
else ko "saker catalog: every default rule has advice" "$(head -5 "$tmp/catalog.err")"; fi
nrules=$("$saker" validate --stats "$top/rules" 2>&1 | sed -n 's/.* files, \([0-9]*\) rules.*/\1/p')
journalctl --root="$root" --update-catalog 2>"$tmp/update.err"
journalctl --root="$root" --list-catalog --no-pager >"$tmp/list" 2>>"$tmp/update.err"
wid=$(python3 "$tmp/check.py" id "Write below etc")
if [ -n "$nrules" ] && [ "$(grep -c ' saker: ' "$tmp/list")" = $((nrules + 2)) ] &&
	grep -q "^$wid saker: Write below etc$" "$tmp/list" && [ ! -s "$tmp/update.err" ]; then
	ok "journalctl --update-catalog takes it: $nrules rules and 2 of sakerd's own alerts"
else ko "journalctl --update-catalog takes it" "rules=$nrules $(head -3 "$tmp/update.err") $(head -3 "$tmp/list")"; fi
printf -- '- rule: No such rule\n  advice: text\n' >"$tmp/typo.yaml"
"$saker" catalog --advice "$tmp/typo.yaml" -o "$tmp/typo.catalog" "$top/rules" 2>"$tmp/typo.err"; rc=$?
if [ "$rc" = 0 ] && grep -qF "typo.yaml:1:9: warning: advice for rule 'No such rule', which is not loaded" "$tmp/typo.err"
then ok "advice for an unknown rule is a warning with its position"
else ko "advice for an unknown rule is a warning with its position" "rc=$rc $(cat "$tmp/typo.err")"; fi
printf -- '- rule: Write below etc\n  advise: text\n' >"$tmp/bad.yaml"
"$saker" catalog --advice "$tmp/bad.yaml" -o "$tmp/bad.catalog" "$top/rules" 2>"$tmp/bad.err"; rc=$?
if [ "$rc" = 1 ] && grep -qF "bad.yaml:2:3: error: unknown key 'advise'" "$tmp/bad.err" &&
	[ ! -e "$tmp/bad.catalog" ]; then ok "a bad advice file is an error, nothing written"
else ko "a bad advice file is an error, nothing written" "rc=$rc $(cat "$tmp/bad.err")"; fi

# journalctl -x reads the catalog database of the system: in this namespace, ours
catalog_db=/var/lib/systemd/catalog
catalog_ok=
if [ -d "$catalog_db" ] && mount --bind "$root$catalog_db" "$catalog_db"; then catalog_ok=1
else skip "no $catalog_db to mount the test catalog on: journalctl -x not checked"; fi

# ---- sakerd with the journald output ---------------------------------------------------
: >"$tmp/empty.yaml"
sd() { # runs sakerd over the demo capture with the journald output; sets $sd_pid, $sd_rc
	"$sakerd" -c "$tmp/empty.yaml" --config-dir "$tmp/none" --lock "$tmp/sakerd.pid" \
		--socket "$tmp/control.sock" -e "$tmp/demo.cap" -r "$top/rules" \
		-o stdout_output.enabled=false -o journald_output.enabled=true "$@" \
		>/dev/null 2>"$tmp/sakerd.err" &
	sd_pid=$!
	wait "$sd_pid"; sd_rc=$?
}
"$saker" replay --write-capture "$tmp/demo.cap" --hostname demohost "$top/examples/demo.jsonl" ||
	ko "write the demo capture"
"$saker" replay --json -r "$top/rules" "$tmp/demo.cap" >"$tmp/replay.json"
nalerts=$(wc -l <"$tmp/replay.json")

sd -o journald_output.facility=local3
if grep -q "no output is enabled" "$tmp/sakerd.err"; then
	skip "sakerd does not have the journald output yet (journald_output.enabled is ignored)"
	exit 0
fi
check "sakerd with the journald output exits 0" test "$sd_rc" = 0
jq_entries "$tmp/sakerd.json" _PID="$sd_pid"
if out=$(python3 "$tmp/check.py" alerts "$tmp/replay.json" "$tmp/sakerd.json" 19); then
	ok "sakerd: one entry per alert, every field as documented, SAKER_JSON = saker replay ($out)"
else ko "sakerd: one entry per alert, every field as documented" "$out"; fi
n=$(count_entries _PID="$sd_pid" SAKER_RULE="Write below etc")
m=$(count_entries _PID="$sd_pid" MESSAGE_ID="$wid")
check "journalctl SAKER_RULE= and MESSAGE_ID= select a rule's alerts" test "$n:$m" = "1:1"
want=$(python3 "$tmp/check.py" warnings "$tmp/replay.json")
journalctl --sync
n=$(journalctl -p warning -o json --no-pager _PID="$sd_pid" | wc -l)
check "journalctl -p warning: the $want alerts of priority warning or higher" test "$n" = "$want"

if [ -n "$catalog_ok" ]; then
	journalctl -x --no-pager _PID="$sd_pid" MESSAGE_ID="$wid" >"$tmp/x.txt" 2>&1
	if grep -q "Subject: Write below etc" "$tmp/x.txt" && grep -q "What to do:" "$tmp/x.txt" &&
		grep -q "user_known_write_etc" "$tmp/x.txt" && grep -q "File below /etc opened" "$tmp/x.txt"
	then ok "journalctl -x explains the alert from the catalog"
	else ko "journalctl -x explains the alert from the catalog" "$(head -20 "$tmp/x.txt")"; fi
fi

# journald down: sakerd neither hangs nor fails; one line on the way down, the count at stop
jd_stop
sd
n=$(grep -c "journald output:" "$tmp/sakerd.err")
# the alerts, and possibly sakerd's own "Outputs dropped" alert, which went the same way
lost=$(sed -n 's/.*journald still unreachable at stop; \([0-9]*\) alerts were lost.*/\1/p' "$tmp/sakerd.err")
if [ "$sd_rc" = 0 ] && [ "$n" = 2 ] &&
	grep -q "journald output: cannot send to journald (Connection refused)" "$tmp/sakerd.err" &&
	{ [ "$lost" = "$nalerts" ] || [ "$lost" = $((nalerts + 1)) ]; }
then ok "journald down: sakerd exits 0, the $nalerts lost alerts reported in two lines"
else ko "journald down: sakerd exits 0, lost alerts reported" "rc=$sd_rc $(cat "$tmp/sakerd.err")"; fi
jd_start || ko "restart systemd-journald"
sd
n=$(count_entries _PID="$sd_pid")
if [ "$sd_rc" = 0 ] && [ "$n" = "$nalerts" ] && ! grep -q "journald output:" "$tmp/sakerd.err"; then
	ok "journald back: the next sakerd's alerts arrive"
else ko "journald back: the next sakerd's alerts arrive" "rc=$sd_rc n=$n"; fi
sd -o journald_output.facility=nosuch
check "an unknown facility is refused" test "$sd_rc" != 0
exit 0
