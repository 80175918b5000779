#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the guest (cwd /job, as root): load /job/saker.ko, run every test in
# /job/bin (t-*: static programs and /bin/sh scripts; a name ending in -user runs as
# the unprivileged test user), unload, then check the kernel log and the taint mask.
# Prints PASS:/FAIL:/SKIP: lines as the tests run and DONE when it got to the end.
# env: SAKER_TEST_TIMEOUT (s per test, default 300), SAKER_QUICK (passed to tests).
BB=/lab/busybox
export SAKER_KO=/job/saker.ko SAKER_TEST_USER=tester SAKER_TEST_UID=1000
export PATH="/job/bin:$PATH" SAKER_QUICK="${SAKER_QUICK:-}"
TMO=${SAKER_TEST_TIMEOUT:-300}

loaded() { $BB grep -q '^saker ' /proc/modules; }

# Names of the taint bits (Documentation/admin-guide/tainted-kernels.rst).
taint_flags() {
	t=$1 i=0 s=
	for f in P F S R M B U D A W C I O E L K X T N; do
		[ $((t >> i & 1)) -eq 0 ] || s=$s$f
		i=$((i + 1))
	done
	echo "${s:--}"
}

echo "INFO: kernel $(uname -r), $($BB nproc) cpus, taint before load $(cat /proc/sys/kernel/tainted)"
if msg=$(insmod "$SAKER_KO" 2>&1); then
	echo "PASS: insmod"
else
	echo "FAIL: insmod: $msg"
fi

for t in /job/bin/t-*; do
	[ -f "$t" ] || continue
	name=${t##*/}
	name=${name%.sh}
	if ! loaded && ! msg=$(insmod "$SAKER_KO" 2>&1); then
		echo "FAIL: $name: saker.ko is not loaded and insmod failed: $msg"
		continue
	fi
	run=
	case $t in *.sh) run=/bin/sh ;; esac
	dir=/tmp/work.$name
	$BB mkdir -p "$dir"
	asuser= home=/root
	case $name in
	*-user)
		$BB chown "$SAKER_TEST_USER:$SAKER_TEST_USER" "$dir"
		asuser="setpriv --reuid=$SAKER_TEST_UID --regid=$SAKER_TEST_UID --init-groups"
		home=/home/$SAKER_TEST_USER
		;;
	esac
	echo "INFO: run $name"
	start=$($BB cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086
	(cd "$dir" && HOME=$home TMPDIR=$dir timeout -k 10 "$TMO" $asuser $run "$t" </dev/null 2>&1
		echo $? >"/tmp/rc.$name") | $BB tee "/tmp/log.$name"
	rc=$(cat "/tmp/rc.$name" 2>/dev/null || echo 255)
	secs=$($BB awk -v a="$start" -v b="$($BB cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
	npass=$($BB grep -c '^PASS:' "/tmp/log.$name")
	nfail=$($BB grep -c '^FAIL:' "/tmp/log.$name")
	nskip=$($BB grep -c '^SKIP:' "/tmp/log.$name")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAIL: $name: timed out after $TMO s"
	elif [ "$rc" -gt 128 ]; then
		echo "FAIL: $name: killed by signal $((rc - 128))"
	elif [ "$rc" != 0 ] && [ "$nfail" = 0 ]; then
		echo "FAIL: $name: exit status $rc"
	elif [ $((npass + nfail + nskip)) = 0 ]; then
		echo "FAIL: $name: printed no PASS/FAIL line"
	fi
	echo "INFO: $name took $secs s"
	$BB cp "/tmp/log.$name" /out/ 2>/dev/null
done

if ! loaded && ! msg=$(insmod "$SAKER_KO" 2>&1); then
	echo "FAIL: rmmod: saker.ko not loaded at the end and insmod failed: $msg"
elif msg=$(rmmod saker 2>&1); then
	echo "PASS: rmmod"
else
	echo "FAIL: rmmod: $msg"
fi

bad=$(dmesg | $BB grep -E 'BUG|WARNING|Oops|Call Trace|general protection|soft lockup|blocked for more than|rcu.*(stall|INFO)|UBSAN|refcount_t|list_(add|del) corruption')
if [ -z "$bad" ]; then
	echo "PASS: dmesg-clean"
else
	echo "$bad" | $BB head -n 20 | $BB sed 's/^/INFO: dmesg: /'
	echo "FAIL: dmesg-clean: $(echo "$bad" | $BB wc -l) BUG/WARNING/Oops/Call Trace lines"
fi
t=$(cat /proc/sys/kernel/tainted)
echo "INFO: taint after unload $t ($(taint_flags "$t"))"
if [ $((t & ~12288)) -eq 0 ]; then
	echo "PASS: taint"
else
	echo "FAIL: taint: $t ($(taint_flags "$t")): only O and E are allowed"
fi
dmesg >/out/dmesg.txt
echo DONE
