# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Sourced by the guest scripts that run sakerd (t-sakerd.sh, t-rules.sh, noise.sh);
# shipped at /job/sakerd-lib.sh.  They set BB (busybox), SD (the shipped
# sakerd directory), W (their work directory) and pass/fail.

# sakerd_ready SPID: wait (up to a minute) until sakerd, pid SPID, answers on
# $W/ctl.sock; 1 when it exited or did not answer.
sakerd_ready() {
	_i=0
	while ! $BB env LD_LIBRARY_PATH="$SD/lib" "$SD/saker" stats -s "$W/ctl.sock" >/dev/null 2>&1; do
		_i=$((_i + 1))
		if [ $_i -gt 300 ] || ! kill -0 "$1" 2>/dev/null; then
			return 1
		fi
		$BB sleep 0.2
	done
}

# rules_all_enabled: PASS when $W/sakerd.log says every rule of $SD/rules is enabled.
rules_all_enabled() {
	_n=$($BB cat "$SD"/rules/*.yaml | $BB grep -c '^- rule:')
	if $BB grep -q ": $_n rules, $_n enabled" "$W/sakerd.log"; then
		pass "sakerd started with all $_n default rules enabled"
	else
		fail "sakerd: not all $_n default rules enabled: $($BB grep -m1 'loaded' "$W/sakerd.log")"
	fi
}

# capture_start FILE: have sakerd record into FILE (saker capture, in the background,
# its pid in cpid) and wait until the capture has begun.
capture_start() {
	$BB env LD_LIBRARY_PATH="$SD/lib" "$SD/saker" capture -w "$1" -s "$W/ctl.sock" \
		>"$W/capture.log" 2>&1 &
	cpid=$!
	_i=0
	while [ "$($BB stat -c %s "$1" 2>/dev/null || echo 0)" -lt 200 ] && [ $_i -lt 100 ]; do
		_i=$((_i + 1))
		$BB sleep 0.1
	done
}
