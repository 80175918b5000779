#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the bench guest (cwd /job, one vCPU, QEMU instruction counting): the
# same storms under every driver configuration, all in one boot so the ratios
# compare like with like.  Appends "PHASE storm WORKLOAD N NS_PER_OP TOTAL_NS
# [events=E drops=D]" lines to /out/results.txt; prints FAIL: lines when a step broke.
#   none      no module
#   loaded    saker.ko loaded, capture stopped
#   filtered  capture on, the storm's own syscalls not selected in the bitmap
#   drained   capture on, every event selected, drain consuming
#   ref-idle  scap.ko (falcosecurity-scap-dkms) loaded, no consumer
#   ref       scap.ko with sysdig -w /dev/null
# env: GN ON FN (getppid, openat+close, fork+exec counts), REPS
BB=/lab/busybox
R=/out/results.txt
REPS=${REPS:-1}
: >$R
echo "INFO: kernel $(uname -r), $($BB nproc) cpu, clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

count() {
	case $1 in
	getppid) echo "$GN" ;;
	openclose) echo "$ON" ;;
	forkexec) echo "$FN" ;;
	esac
}

# Events the storm itself makes, left out of the bitmap in the filtered phase.
own_events() {
	case $1 in
	getppid) echo "" ;;	# getppid has no event type: only the bitmap test runs
	openclose) echo "open,openat,close" ;;
	forkexec) echo "clone,clone3,fork,vfork,execve,execveat,execve_e,execveat_e,procfork,procexit" ;;
	esac
}

# storm PHASE WORKLOAD [EXTRA]: one timed run, appended to the results.
storm() {
	if line=$(./storm "$2" "$(count "$2")"); then
		echo "$1 $line${3:+ $3}" >>$R
	else
		echo "FAIL: storm $2 ($1)"
	fi
}

wait_file() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 600 ]; do
		$BB sleep 0.05
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# drained/filtered: a consumer around each storm; its counters ride on the result line.
with_drain() {
	phase=$1 w=$2
	shift 2
	rm -f /tmp/ready
	./drain --ready /tmp/ready "$@" >/tmp/drain.out 2>/tmp/drain.err &
	dp=$!
	if ! wait_file /tmp/ready; then
		echo "FAIL: drain did not start ($phase $w): $(cat /tmp/drain.err)"
		kill $dp 2>/dev/null
		return
	fi
	line=$(./storm "$w" "$(count "$w")")
	kill -INT $dp
	wait $dp
	stats=$($BB grep '^drain ' /tmp/drain.out | $BB sed 's/^drain //')
	if [ -n "$line" ] && [ -n "$stats" ]; then
		echo "$phase $line $stats" >>$R
	else
		echo "FAIL: $phase $w: storm or drain failed: $(cat /tmp/drain.err)"
	fi
}

scap_refcnt() { cat /sys/module/scap/refcnt 2>/dev/null || echo 0; }

# ref: sysdig -w /dev/null around each storm; its driver counters at exit ride along.
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
	line=$(./storm "$w" "$(count "$w")")
	kill -INT $sp
	wait $sp
	ev=$($BB sed -n 's/.*Driver Events:[[:space:]]*\([0-9]*\).*/\1/p' /tmp/sd.out | $BB head -n 1)
	dr=$($BB sed -n 's/.*Driver Drops:[[:space:]]*\([0-9]*\).*/\1/p' /tmp/sd.out | $BB head -n 1)
	if [ -n "$line" ]; then
		echo "ref $line events=${ev:-?} drops=${dr:-?}" >>$R
	else
		echo "FAIL: ref $w: storm failed"
	fi
	$BB cp /tmp/sd.out "/out/sysdig-$w.txt"
}

WL="getppid openclose forkexec"
r=0
while [ $r -lt "$REPS" ]; do
	r=$((r + 1))
	echo "INFO: repetition $r"
	for w in $WL; do storm none "$w"; done
	if [ -f saker.ko ]; then
		if insmod ./saker.ko; then
			for w in $WL; do storm loaded "$w"; done
			if [ -x drain ]; then
				for w in $WL; do
					ex=$(own_events "$w")
					with_drain filtered "$w" ${ex:+--exclude "$ex"}
				done
				for w in $WL; do with_drain drained "$w"; done
			fi
			rmmod saker || echo "FAIL: rmmod saker"
		else
			echo "FAIL: insmod saker.ko"
		fi
	fi
	if [ -f scap.ko ]; then
		if insmod ./scap.ko; then
			for w in $WL; do storm ref-idle "$w"; done
			for w in $WL; do with_sysdig "$w"; done
			rmmod scap || echo "FAIL: rmmod scap"
		else
			echo "FAIL: insmod scap.ko"
		fi
	fi
done
cat $R
dmesg | $BB grep -E 'BUG|WARNING|Oops|Call Trace' | $BB sed 's/^/FAIL: dmesg: /'
echo DONE
