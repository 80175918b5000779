#!/bin/sh
# SPDX-License-Identifier: MIT
# The checks of test-boot.sh, inside the booted guest: systemd is PID 1 and saker,
# saker-dkms and rsyslog-saker were installed from the repository before the boot.
# Runs as root from the lab's job unit once the boot has finished; prints PASS:/FAIL:/
# INFO: lines.  Leaves the journal and rsyslog's alert file in /out.
#   $1  the version the packages have (the upstream part)
#   $2  the upgrade's version, when /srv/saker-next holds a repository of it (optional)
want=$1
next=${2:-}
RULE="Read sensitive file by untrusted program"
ALERTS=/var/log/saker/alerts.json
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
info() { echo "INFO: $*"; }
# wait_for SECONDS CMD...: until CMD succeeds, every half second
wait_for() {
	n=$(($1 * 2))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.5
	done
}
saker_alerts() { # [RULE]: "RULE | MESSAGE" for each alert in the journal (of RULE)
	journalctl --sync 2>/dev/null
	journalctl -q -b -u saker.service -F SAKER_RULE | while IFS= read -r r; do
		[ -z "${1:-}" ] || [ "$r" = "$1" ] || continue
		journalctl -q -b -u saker.service -o cat SAKER_RULE="$r" | sed "s/^/$r | /"
	done
}
alert_seen() { saker_alerts "$RULE" | grep -q -- "$1"; }
rsyslog_seen() { grep -F "\"rule\":\"$RULE\"" "$ALERTS" 2>/dev/null | grep -q -- "$1"; }

# ---- the boot ------------------------------------------------------------------------
state=$(systemctl is-system-running --wait 2>&1)
if [ "$(cat /proc/1/comm)" = systemd ] && [ "$state" = running ]; then
	pass "systemd booted the system: $state"
else
	fail "systemd booted the system: PID 1 $(cat /proc/1/comm), state $state"
	systemctl --failed --no-legend --plain | sed 's/^/INFO: failed unit: /'
fi
v=$(cat /sys/module/saker/version 2>/dev/null)
if [ "$v" = "$want" ] && systemctl -q is-active systemd-modules-load.service; then
	pass "systemd-modules-load loaded saker.ko $v (DKMS build, /usr/lib/modules-load.d/saker.conf)"
else
	fail "saker.ko loaded at boot: version '$v', want $want"
fi
[ -c /dev/saker ] && pass "/dev/saker exists" || fail "/dev/saker exists"
pid=$(systemctl show -p MainPID --value saker.service)
if systemctl -q is-active saker.service && [ "$(readlink "/proc/$pid/exe")" = /usr/sbin/sakerd ]; then
	pass "saker.service is active (sakerd pid $pid, $(systemctl show -p NRestarts --value saker.service) restarts)"
else
	fail "saker.service is active: $(systemctl is-active saker.service)"
	journalctl -b -u saker.service --no-pager | tail -n 20 | sed 's/^/INFO: /'
fi
grep -q '^CapEff:[[:space:]]*0*80006$' "/proc/$pid/status" 2>/dev/null &&
	pass "sakerd kept only CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE" ||
	fail "sakerd's capabilities: $(grep CapEff "/proc/$pid/status" 2>/dev/null)"
if systemctl -q is-active rsyslog.service && [ -S /run/saker/rsyslog.sock ]; then
	pass "rsyslog is active with imsaker's socket /run/saker/rsyslog.sock"
else
	fail "rsyslog with imsaker: $(systemctl is-active rsyslog.service), $(ls -l /run/saker 2>&1)"
fi
if wait_for 60 sh -c 'saker stats | grep -q .'; then
	pass "saker stats talks to the running sakerd"
else
	fail "saker stats: $(saker stats 2>&1 | head -n 3)"
fi

# ---- an attack -------------------------------------------------------------------------
# attack TAG: read /etc/shadow with a program that has no business doing so; the alert
# must reach the journal (native fields) and rsyslog's alert file
attack() {
	mkdir -p /srv/tools
	cp /usr/bin/head "/srv/tools/peek-$1"
	"/srv/tools/peek-$1" -c 16 /etc/shadow >/dev/null
	if wait_for 90 alert_seen "peek-$1"; then
		pass "$1: journalctl -u saker has the alert: $(saker_alerts "$RULE" | grep -- "peek-$1" | head -n 1)"
	else
		fail "$1: no '$RULE' alert in journalctl -u saker"
	fi
	f=$(journalctl -q -b -u saker.service -o verbose SAKER_RULE="$RULE" |
		grep -E '^ *(PRIORITY|SAKER_PRIORITY|SAKER_FD_NAME|SAKER_PROC_EXEPATH|SYSLOG_IDENTIFIER)=' |
		sort -u | tr -d ' ' | tr '\n' ' ')
	case $f in
	*PRIORITY=4*SAKER_FD_NAME=/etc/shadow*SAKER_PRIORITY=Warning*SYSLOG_IDENTIFIER=sakerd*)
		pass "$1: the journal entry's fields: $f" ;;
	*) fail "$1: the journal entry's fields: $f" ;;
	esac
	if wait_for 60 rsyslog_seen "peek-$1"; then
		pass "$1: rsyslog wrote the alert to $ALERTS"
	else
		fail "$1: no '$RULE' alert in $ALERTS"
	fi
}
attack boot

# A normal boot of a Debian system under systemd (journald, rsyslog, cron, the
# package manager's timers, getty) must not alert: every alert but the attack's is a
# false positive.
other=$(saker_alerts | grep -v "^$RULE | .*peek-")
if ! systemctl -q is-active saker.service || ! alert_seen peek-boot; then
	fail "no other alert from the boot: sakerd is not running or saw nothing"
elif [ -z "$other" ]; then
	pass "no other alert from the boot and the services ($(saker_alerts | wc -l) alert in all)"
else
	fail "alerts from a normal boot: $(echo "$other" | wc -l)"
	echo "$other" | head -n 20 | sed 's/^/INFO: alert: /'
fi

if systemctl reload saker.service && wait_for 30 sh -c \
	'journalctl -q -b -u saker.service -o cat | grep -qi "reload"'; then
	pass "systemctl reload saker: $(journalctl -q -b -u saker.service -o cat | grep -i reload | tail -n 1)"
else
	fail "systemctl reload saker"
fi

# ---- the upgrade: the old module never meets the new daemon ----------------------------
if [ -n "$next" ]; then
	info "apt-get upgrade to $next (DKMS builds the module in the guest)"
	t0=$(cut -d. -f1 /proc/uptime)
	t0w=$(date +%s)
	if DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold upgrade -y >/out/upgrade.log 2>&1; then
		pass "apt-get upgrade to $next ($(($(cut -d. -f1 /proc/uptime) - t0)) s)"
	else
		fail "apt-get upgrade to $next: $(tail -n 5 /out/upgrade.log)"
	fi
	# sakerd stopped once, before the old module was unloaded, and started once, by the
	# new saker's postinst: no sakerd ran on a module of another version in between
	starts=$(journalctl -q -b -u saker.service -o cat --since "@$t0w" | grep -c '^sakerd running')
	if [ "$starts" = 1 ]; then
		pass "during the upgrade sakerd started once, on the new module"
	else
		fail "during the upgrade sakerd started $starts times"
	fi
	v=$(cat /sys/module/saker/version 2>/dev/null)
	npid=$(systemctl show -p MainPID --value saker.service)
	if [ "$v" = "$next" ] && systemctl -q is-active saker.service && [ "$npid" != "$pid" ] &&
		[ "$(/usr/sbin/sakerd --version)" = "sakerd $next" ]; then
		pass "after the upgrade: module $v loaded, the new sakerd running (pid $npid)"
	else
		fail "after the upgrade: module '$v', saker.service $(systemctl is-active saker.service), pid $pid -> $npid"
	fi
	attack upgrade
fi

# ---- removal ---------------------------------------------------------------------------
if DEBIAN_FRONTEND=noninteractive apt-get -q remove -y saker-dkms >/out/remove.log 2>&1; then
	pass "apt-get remove saker-dkms (and saker, which needs it)"
else
	fail "apt-get remove saker-dkms: $(tail -n 5 /out/remove.log)"
fi
k=$(find /lib/modules -name 'saker.ko*' 2>/dev/null)
if [ ! -d /sys/module/saker ] && [ -z "$k" ] && ! systemctl -q is-active saker.service; then
	pass "the module is unloaded and removed, sakerd stopped"
else
	fail "after removal: /sys/module/saker $([ -d /sys/module/saker ] && echo present || echo gone), files: $k, saker.service $(systemctl is-active saker.service)"
fi

journalctl -b --no-pager -o short-monotonic >/out/journal.txt 2>&1
cp "$ALERTS" /out/ 2>/dev/null
exit 0
