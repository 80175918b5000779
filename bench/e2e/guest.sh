#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the bench guest (cwd /job, one vCPU, QEMU instruction counting): the
# storms of bench/driver with no module, with saker.ko and sakerd evaluating the
# default rules plus bench/e2e/storm-rules.yaml, and with the reference (scap.ko
# and sysdig -w /dev/null), all in one boot.  Appends to /out/results.txt:
#   none   storm WORKLOAD N NS_PER_OP TOTAL_NS
#   sakerd storm WORKLOAD N NS_PER_OP TOTAL_NS events=E bad=B kevents=K drops=D
#          cpu_ns=C cpu_in_ns=I stats_cpu_ns=S rss_kib=R alerts=A hits=H lag=L
#   ref    storm WORKLOAD N NS_PER_OP TOTAL_NS events=E drops=D cpu_ns=C cpu_in_ns=I
#          rss_kib=R
# sakerd's counters are deltas of `saker stats --json` around the storm, the second
# taken once sakerd has read what the module wrote (stats_cpu_ns: its process.cpu_s,
# 10 ms steps); sysdig's are its driver counters at exit.  cpu_ns is, for both, the
# CPU time of the consumer's threads (/proc/PID/task/*/schedstat, in ns) from just
# before the storm until the consumer has caught up, cpu_in_ns until the storm's end.
# Prints FAIL: lines when a step broke.
# env: GN ON FN (getppid, openat+close, fork+exec counts)
BB=/lab/busybox
R=/out/results.txt
SD=/job/sakerd
W=/tmp/e2e
: >$R
mkdir -p $W /out/sakerd
echo "INFO: kernel $(uname -r), $($BB nproc) cpu, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

count() {
	case $1 in
	getppid) echo "$GN" ;;
	openclose) echo "$ON" ;;
	forkexec) echo "$FN" ;;
	esac
}

# CPU time of every thread of PID in ns (the scheduler's own accounting).
task_cpu_ns() {
	$BB cat /proc/"$1"/task/*/schedstat 2>/dev/null | $BB awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# ---- sakerd -----------------------------------------------------------------------

saker_stats() {
	LD_LIBRARY_PATH=$SD/lib "$SD/saker" stats --json -s $W/ctl.sock >"$1" 2>&1
}

# load_stats FILE: EV BAD DR KEV CPU RSS AL HITS from a `saker stats --json` reply
# (HITS: alerts of the bench rules); returns 1 when a counter is missing.
load_stats() {
	# shellcheck disable=SC2046 # one word per counter
	set -- $($BB awk '
	function num(s, key,    i) {
		i = index(s, key)
		if (!i)
			return -1
		s = substr(s, i + length(key))
		if (!match(s, /^[0-9.]+/))
			return -1
		return substr(s, 1, RLENGTH)
	}
	{ j = j $0 }
	END {
		d = index(j, "\"drops\":{")
		h = index(j, "\"hits\":{")
		hs = h ? substr(j, h) : ""
		hits = 0
		while ((i = index(hs, "\"Bench ")) > 0) {
			hs = substr(hs, i + 1)
			hits += num(hs, "\":")
		}
		c = num(j, "\"cpu_s\":")
		printf "%s %s %s %s %.0f %s %s %d\n", num(j, "\"events\":{\"total\":"),
			num(j, "\"bad\":"), num(d ? substr(j, d) : "", "\"total\":"),
			num(j, "\"kernel_events\":"), c < 0 ? -1 : c * 1e9, num(j, "\"rss_kib\":"),
			num(j, "\"alerts\":{\"total\":"), hits
	}' "$1")
	EV=$1 BAD=$2 DR=$3 KEV=$4 CPU=$5 RSS=$6 AL=$7 HITS=$8
	case " $* " in *" -1 "*) return 1 ;; esac
	[ $# -eq 8 ]
}

# settle FILE: query the stats until sakerd has read what the module wrote (its lag,
# events written but not yet read, back to the idle value LAG0); 60 tries at most.
settle() {
	i=0
	while :; do
		saker_stats "$1" && load_stats "$1" || return 1
		LAG=$((KEV - EV - BAD - LAG0))
		[ $LAG -gt 500 ] || return 0
		i=$((i + 1))
		[ $i -lt 60 ] || return 0
		$BB sleep 0.5
	done
}

start_sakerd() {
	cat >$W/saker.yaml <<EOF
json_output: true
buffered_outputs: false
stdout_output: {enabled: false}
syslog_output: {enabled: false}
file_output: {enabled: true, filename: /out/sakerd/alerts.json, keep_alive: true}
dns: {enabled: false}
journald_output: {enabled: false}
stats_interval: 0
EOF
	LD_LIBRARY_PATH=$SD/lib "$SD/sakerd" -c $W/saker.yaml --config-dir /nonexistent \
		--socket $W/ctl.sock --lock $W/sakerd.pid -r "$SD/rules" -r "$SD/storm-rules.yaml" \
		>/out/sakerd/sakerd.log 2>&1 &
	SPID=$!
	i=0
	while ! $BB grep -q "sakerd running" /out/sakerd/sakerd.log; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 $SPID 2>/dev/null; then
			echo "FAIL: sakerd did not start: $($BB tail -n 5 /out/sakerd/sakerd.log)"
			return 1
		fi
		$BB sleep 0.1
	done
	echo "INFO: $($BB grep "sakerd running" /out/sakerd/sakerd.log | $BB head -n 1)"
	$BB sleep 2	# the first batch: what happened while it started
	LAG0=0
	if ! saker_stats $W/idle.json || ! load_stats $W/idle.json; then
		echo "FAIL: saker stats: $($BB head -c 300 $W/idle.json)"
		return 1
	fi
	LAG0=$((KEV - EV - BAD))
	$BB cp $W/idle.json /out/sakerd/stats-idle.json
	echo "INFO: sakerd idle: rss $RSS KiB, $EV events read, lag $LAG0"
}

# with_sakerd WORKLOAD: one storm between two stats queries.
with_sakerd() {
	w=$1
	if ! saker_stats $W/s0.json || ! load_stats $W/s0.json; then
		echo "FAIL: sakerd $w: saker stats: $($BB head -c 300 $W/s0.json)"
		return
	fi
	ev0=$EV bad0=$BAD dr0=$DR kev0=$KEV cpu0=$CPU al0=$AL hits0=$HITS
	sch0=$(task_cpu_ns $SPID)
	line=$(./storm "$w" "$(count "$w")")
	schs=$(task_cpu_ns $SPID)
	if [ -z "$line" ]; then
		echo "FAIL: sakerd $w: storm failed"
		return
	fi
	if ! settle $W/s1.json; then
		echo "FAIL: sakerd $w: saker stats after the storm: $($BB head -c 300 $W/s1.json)"
		return
	fi
	sch1=$(task_cpu_ns $SPID)
	$BB cp $W/s0.json "/out/sakerd/stats-$w-before.json"
	$BB cp $W/s1.json "/out/sakerd/stats-$w-after.json"
	echo "sakerd $line events=$((EV - ev0)) bad=$((BAD - bad0)) kevents=$((KEV - kev0))" \
		"drops=$((DR - dr0)) cpu_ns=$((sch1 - sch0)) cpu_in_ns=$((schs - sch0))" \
		"stats_cpu_ns=$((CPU - cpu0)) rss_kib=$RSS" \
		"alerts=$((AL - al0)) hits=$((HITS - hits0)) lag=$LAG" >>$R
}

stop_sakerd() {
	kill -TERM $SPID
	wait $SPID
	rc=$?
	[ $rc -eq 0 ] || echo "FAIL: sakerd exited with status $rc after SIGTERM"
	$BB grep -E "warning|error" /out/sakerd/sakerd.log | $BB head -n 5 | $BB sed 's/^/INFO: sakerd: /'
}

# ---- the reference ------------------------------------------------------------------

scap_refcnt() { cat /sys/module/scap/refcnt 2>/dev/null || echo 0; }

# with_sysdig WORKLOAD: sysdig -w /dev/null around one storm; its driver counters at
# exit, the CPU time of its threads from just before the storm until 1 s after it (its
# buffers drained), its resident memory then.
with_sysdig() {
	w=$1
	sysdig -v -w /dev/null >/tmp/sd.out 2>&1 &
	sp=$!
	i=0
	while [ "$(scap_refcnt)" -eq 0 ] && [ $i -lt 600 ]; do
		$BB sleep 0.05
		i=$((i + 1))
	done
	$BB sleep 1	# sysdig opens the devices before it starts reading them
	c0=$(task_cpu_ns $sp)
	line=$(./storm "$w" "$(count "$w")")
	cs=$(task_cpu_ns $sp)
	$BB sleep 1
	c1=$(task_cpu_ns $sp)
	rss=$($BB awk '/^VmRSS:/ { print $2 }' /proc/$sp/status 2>/dev/null)
	kill -INT $sp
	wait $sp
	ev=$($BB sed -n 's/.*Driver Events:[[:space:]]*\([0-9]*\).*/\1/p' /tmp/sd.out | $BB head -n 1)
	dr=$($BB sed -n 's/.*Driver Drops:[[:space:]]*\([0-9]*\).*/\1/p' /tmp/sd.out | $BB head -n 1)
	if [ -n "$line" ] && [ -n "$ev" ] && [ -n "$dr" ]; then
		echo "ref $line events=$ev drops=$dr cpu_ns=$((c1 - c0))" \
			"cpu_in_ns=$((cs - c0)) rss_kib=${rss:-0}" >>$R
	else
		echo "FAIL: ref $w: storm or sysdig failed: $($BB tail -n 3 /tmp/sd.out)"
	fi
	$BB cp /tmp/sd.out "/out/sysdig-$w.txt"
}

# ---- the runs -------------------------------------------------------------------------

WL="getppid openclose forkexec"
for w in $WL; do
	if line=$(./storm "$w" "$(count "$w")"); then
		echo "none $line" >>$R
	else
		echo "FAIL: storm $w (no module)"
	fi
done
if [ -f saker.ko ] && [ -x "$SD/sakerd" ]; then
	if insmod ./saker.ko; then
		if start_sakerd; then
			for w in $WL; do with_sakerd "$w"; done
			stop_sakerd
		else
			kill -TERM $SPID 2>/dev/null
			wait $SPID
		fi
		rmmod saker || echo "FAIL: rmmod saker"
	else
		echo "FAIL: insmod saker.ko"
	fi
else
	echo "FAIL: saker.ko or sakerd not shipped"
fi
if [ -f scap.ko ]; then
	if insmod ./scap.ko; then
		for w in $WL; do with_sysdig "$w"; done
		rmmod scap || echo "FAIL: rmmod scap"
	else
		echo "FAIL: insmod scap.ko"
	fi
fi
cat $R
dmesg | $BB grep -E 'BUG|WARNING|Oops|Call Trace' | $BB sed 's/^/FAIL: dmesg: /'
echo DONE
