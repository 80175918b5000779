#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The noise test of the default rules: sakerd runs with rules/*.yaml exactly as shipped
# and its default settings (priority debug, rule_matching first) while this script
# runs a fixed, benign workload of the kind every Debian server sees, and there must
# be no alert at all.  Runs in the noise image (tests/kmod/lab.sh --noise), booted by
# tests/kmod/run.sh after the bookworm guest; never in the base image's test loop.
#
# The workload, in order (the measured window: sakerd sees it all):
#  1. cron and sshd start as daemons, the real /usr/sbin/cron and /usr/sbin/sshd, as
#     an init system starts them at boot.
#  2. apt-get update, then apt-get install of uuid-runtime, libblas3 and jq from the
#     local repository /srv/noise-repo: dpkg unpacks, maintainer scripts run,
#     uuid-runtime's postinst creates the uuidd system user and group with addgroup
#     and adduser, libblas3's postinst registers an alternative with
#     update-alternatives, the libraries activate libc-bin's ldconfig trigger.
#  3. dpkg --unpack of less's .deb, then dpkg --configure -a (an interrupted
#     upgrade finished by hand; less's postinst calls update-alternatives).
#  4. The unprivileged user tester, in a login shell (runuser -l), writes a small C
#     program in ~/src/hello, builds it with make and gcc (cc1, as, collect2, ld)
#     and runs it: a developer's everyday work in a build tree in /home.
#  5. logrotate -f /etc/logrotate.conf, as cron.daily runs it: the packages' own
#     entries (apt, dpkg, alternatives, btmp, wtmp) and a web application's
#     /etc/logrotate.d/webapp (create, compress with gzip, copytruncate, a
#     postrotate script).
#  6. SSH logins over loopback with keys: root runs `ssh tester@127.0.0.1 'ls; id;
#     cat /etc/os-release'`, then an interactive login shell as root on a terminal
#     (ssh -tt) that runs a few commands; sshd runs PAM, the session, the shell.
#  7. The cron jobs of /etc/cron.d/webapp (one as root, one as tester) run when
#     the minute turns; the script waits until both have run.
#  8. apt-get remove --purge of uuid-runtime (prerm, postrm, dpkg database).
# The set-up the workload needs (keys, known_hosts, the cron and logrotate files,
# logs to rotate) is done before sakerd starts, so it is not part of the window.
#
# Results: PASS/FAIL per workload step (a step that did not happen is a FAIL), one
# for zero alerts (each alert's rule and output shown as INFO lines otherwise), one
# for sakerd logging no error.  /out gets noise-alerts.json, noise.cap (a capture of
# the window, for replay), noise-sakerd.log and noise-steps.log.  Ends with DONE.
BB=/lab/busybox
SD=/job/sakerd
W=/tmp/noise
U=tester
UH=/home/$U
pass() { echo "PASS: noise: $*"; }
fail() { echo "FAIL: noise: $*"; }
info() { echo "INFO: noise: $*"; }
. /job/sakerd-lib.sh
# sakerd and saker use the libraries shipped with them; the workload does not
RUN_SD="$BB env LD_LIBRARY_PATH=$SD/lib"

if [ ! -x "$SD/sakerd" ] || [ ! -d "$SD/rules" ]; then
	echo "SKIP: noise: sakerd or the default rules not shipped"
	echo DONE
	exit 0
fi
if [ ! -d /srv/noise-repo ]; then
	fail "not the noise image (no /srv/noise-repo): boot it with vm.sh --image noise"
	echo DONE
	exit 0
fi
$BB mkdir -p "$W"
export DEBIAN_FRONTEND=noninteractive

if $BB grep -q '^saker ' /proc/modules; then
	pass "saker.ko already loaded"
elif msg=$(insmod /job/saker.ko 2>&1); then
	pass "insmod saker.ko"
else
	fail "insmod saker.ko: $msg"
	echo DONE
	exit 0
fi

# ---- set-up, before sakerd runs ---------------------------------------------------
# sshd's privilege separation directory (made by its unit or init script at boot)
$BB mkdir -p -m 755 /run/sshd
# one key for root, allowed to log in as root and as the user; the host's key known
$BB mkdir -p -m 700 /root/.ssh "$UH/.ssh"
ssh-keygen -q -t ed25519 -N '' -C root@saker-guest -f /root/.ssh/id_ed25519
$BB cat /root/.ssh/id_ed25519.pub >/root/.ssh/authorized_keys
$BB cat /root/.ssh/id_ed25519.pub >"$UH/.ssh/authorized_keys"
echo "127.0.0.1 $($BB cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)" >/root/.ssh/known_hosts
$BB chmod 600 /root/.ssh/authorized_keys "$UH/.ssh/authorized_keys"
$BB chown -R "$U:$U" "$UH/.ssh"
# a web application's logs and state, its logrotate entry and its cron jobs
$BB mkdir -p /var/log/webapp /var/lib/webapp/sessions
for f in access error worker; do
	i=0
	while [ $i -lt 50 ]; do
		echo "127.0.0.1 - - [30/Nov/2026:10:00:$((i % 60))] \"GET /item/$i HTTP/1.1\" 200 512"
		i=$((i + 1))
	done >"/var/log/webapp/$f.log"
done
$BB chmod 640 /var/log/webapp/*.log
$BB touch -d '2026-11-29 08:00' /var/lib/webapp/sessions/sess_old1 /var/lib/webapp/sessions/sess_old2
$BB touch /var/lib/webapp/sessions/sess_new
$BB cat >/etc/logrotate.d/webapp <<'EOF'
/var/log/webapp/access.log /var/log/webapp/error.log {
	weekly
	rotate 4
	compress
	missingok
	notifempty
	create 0640 root adm
	sharedscripts
	postrotate
		[ ! -s /run/webapp.pid ] || kill -HUP "$(cat /run/webapp.pid)"
	endscript
}

/var/log/webapp/worker.log {
	daily
	rotate 7
	copytruncate
	compress
	delaycompress
	missingok
}
EOF
$BB cat >/etc/cron.d/webapp <<EOF
# Housekeeping of the web application: expired sessions, disk use of the uploads
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
MAILTO=""
* * * * *	root	find /var/lib/webapp/sessions -type f -mmin +60 -delete && date -u +\%FT\%TZ >/var/lib/webapp/last-cleanup
* * * * *	$U	cd $UH && du -sk . >$UH/.disk-usage 2>/dev/null
EOF
$BB chmod 644 /etc/logrotate.d/webapp /etc/cron.d/webapp
$BB rm -f /var/lib/webapp/last-cleanup "$UH/.disk-usage"
uuidd_before=$(getent passwd uuidd)

# ---- sakerd with the default rules and settings --------------------------------------
# Only the outputs are configured (a JSON file instead of the journal and syslog,
# which the guest does not run); priority and rule_matching keep their defaults.
cat >"$W/saker.yaml" <<EOF
rules_files: [$SD/rules]
json_output: true
stdout_output: {enabled: false}
file_output: {enabled: true, filename: $W/alerts.json, keep_alive: true}
journald_output: {enabled: false}
syslog_output: {enabled: false}
EOF
: >"$W/alerts.json"
# sakerd prefixes its messages with their syslog level ("<3>") when stderr is the
# journal's stream: naming the log file's device and inode as that stream gets the
# levels into the log, so that errors can be told from other messages.
: >"$W/sakerd.log"
$RUN_SD JOURNAL_STREAM="$($BB stat -c '%d:%i' "$W/sakerd.log")" \
	"$SD/sakerd" -c "$W/saker.yaml" --config-dir "$W/none" --socket "$W/ctl.sock" \
	--lock "$W/sakerd.pid" >/dev/null 2>>"$W/sakerd.log" &
spid=$!
if ! sakerd_ready $spid; then
	fail "sakerd did not start with the default rules"
	$BB sed 's/^/INFO: /' "$W/sakerd.log"
	echo DONE
	exit 0
fi
rules_all_enabled
capture_start /out/noise.cap

# ---- the workload (the measured window) ------------------------------------------------
now() { $BB cut -d' ' -f1 /proc/uptime; }
since() { $BB awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# step NAME CMD...: one step of the workload, killed after 300 s; its output and exit
# status are kept for the checks after the window
step() {
	name=$1
	shift
	ts=$(now)
	# coreutils' timeout: busybox's would run sh as its own applet, and that shell
	# would run busybox's applets (dpkg...) instead of the system's programs
	timeout -s KILL 300 "$@" >"$W/step-$name.log" 2>&1
	echo $? >"$W/step-$name.rc"
	info "step $name: $(since "$ts") s, exit status $($BB cat "$W/step-$name.rc")"
}
# wait_pid PID SECONDS: wait for a child, killing it when it takes longer
wait_pid() {
	( $BB sleep "$2" && kill -KILL "$1" ) 2>/dev/null &
	wd=$!
	wait "$1"
	wrc=$?
	kill "$wd" 2>/dev/null
	return $wrc
}
t0=$(now)

# 1. the daemons (each forks into the background and writes its pid file)
step daemons sh -c '/usr/sbin/cron && /usr/sbin/sshd'
# 2. packages from the local repository
step apt-install sh -c 'apt-get update && apt-get install -y uuid-runtime libblas3 jq'
# 3. a package unpacked by hand, then configured with whatever else is pending
step dpkg-configure sh -c 'dpkg --unpack /srv/noise-repo/less_*.deb && dpkg --configure -a'
# 4. a developer builds and runs a program in their home directory
step build runuser -l "$U" <<'EOF'
set -e
mkdir -p ~/src/hello
cd ~/src/hello
cat >greet.c <<'SRC'
#include <stdio.h>
#include "greet.h"

void greet(const char *who)
{
	printf("hello, %s\n", who);
}
SRC
cat >greet.h <<'SRC'
void greet(const char *who);
SRC
cat >main.c <<'SRC'
#include <stdlib.h>
#include "greet.h"

int main(int argc, char **argv)
{
	greet(argc > 1 ? argv[1] : "world");
	return EXIT_SUCCESS;
}
SRC
printf 'CFLAGS = -O2 -Wall -g\nhello: main.o greet.o\n\t$(CC) $(CFLAGS) -o $@ main.o greet.o\nmain.o greet.o: greet.h\nclean:\n\trm -f hello *.o\n' >Makefile
make
./hello tester
EOF
# 5. log rotation as the daily cron job runs it, forced
step logrotate /usr/sbin/logrotate -f /etc/logrotate.conf
# 6. logins over SSH: a command as the user, an interactive login shell as root
SSH="ssh -o BatchMode=yes -p 22"
# shellcheck disable=SC2086
step ssh-user $SSH "$U@127.0.0.1" 'ls; id; cat /etc/os-release'
step ssh-root sh -c "printf 'id\\nls -a /root\\nuptime\\nexit\\n' | $SSH -tt root@127.0.0.1"
# 7. the cron jobs run when the minute turns (cron started in step 1)
i=0
while { [ ! -s /var/lib/webapp/last-cleanup ] || [ ! -s "$UH/.disk-usage" ]; } && [ $i -lt 750 ]; do
	i=$((i + 1))
	$BB sleep 0.1
done
# 8. a package removed with its configuration
step apt-remove apt-get remove --purge -y uuid-runtime

info "workload window: $(since "$t0") s"
# The end of the window: sakerd has read everything before it once the open of this
# file is in the capture (records reach the file in order, as sakerd reads them, and
# the file each second).  The pattern is not the name itself, which the execve of
# grep would put in the capture too.
: >"$W/window-end-$$"
i=0
until $BB tail -c 1048576 /out/noise.cap | $BB tr '\0' '\n' | $BB grep -q "noise/window[-]end-$$"; do
	i=$((i + 1))
	if [ $i -ge 60 ]; then
		info "the end of the window was not in the capture after 30 s"
		break
	fi
	$BB sleep 0.5
done
$BB sleep 0.5
$RUN_SD "$SD/saker" stats --json -s "$W/ctl.sock" >/out/noise-stats.json 2>&1
nevents=$($BB sed -n 's/.*"events":{"total":\([0-9]*\).*/\1/p' /out/noise-stats.json)
ndrops=$($BB sed -n 's/.*"drops":{[^}]*"total":\([0-9]*\).*/\1/p' /out/noise-stats.json)
kill -INT $cpid
wait_pid $cpid 60
crc=$?
kill -TERM $spid
wait_pid $spid 60
src=$?

# ---- what happened ---------------------------------------------------------------------
for f in "$W"/step-*.log; do
	echo "== ${f#"$W"/step-}: exit $($BB cat "${f%.log}.rc")"
	$BB cat "$f"
done >/out/noise-steps.log 2>&1
$BB cp "$W/alerts.json" /out/noise-alerts.json
# The harness's own SIGTERM to sakerd, after the window, is "Attempt to stop sakerd"
# by this script: not part of the workload.
stop_alert='"proc.cmdline":"sh ./noise.sh".*"rule":"Attempt to stop sakerd"'
$BB grep -v -- "$stop_alert" "$W/alerts.json" >"$W/window-alerts.json"
$BB cp "$W/sakerd.log" /out/noise-sakerd.log
# check NAME TEXT CONDITION...: PASS when step NAME exited 0 and CONDITION holds
check() {
	name=$1 what=$2
	shift 2
	rc=$($BB cat "$W/step-$name.rc" 2>/dev/null || echo none)
	if [ "$rc" = 0 ] && "$@"; then
		pass "$name: $what"
	else
		fail "$name: $what (exit status $rc)"
		$BB tail -n 8 "$W/step-$name.log" 2>/dev/null | $BB sed 's/^/INFO:   /'
	fi
}
installed() {
	for p in "$@"; do
		[ "$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || return 1
	done
}
pidof_file() { [ -s "$1" ] && kill -0 "$($BB cat "$1")" 2>/dev/null; }
check daemons "cron running" pidof_file /run/crond.pid
check daemons "sshd running" pidof_file /run/sshd.pid
# (uuid-runtime is removed again in step 8)
check apt-install "libblas3 and jq installed" installed libblas3 jq
if [ -z "$uuidd_before" ] && getent passwd uuidd >/dev/null && getent group uuidd >/dev/null; then
	pass "apt-install: uuid-runtime's postinst created the uuidd user and group (adduser)"
else
	fail "apt-install: no uuidd user made by the postinst (before: '$uuidd_before')"
fi
check apt-install "libblas3's alternative registered (update-alternatives)" sh -c \
	'update-alternatives --query libblas.so.3-x86_64-linux-gnu >/dev/null'
check apt-install "the ldconfig trigger ran (libjq in the cache)" \
	sh -c 'ldconfig -p | grep -q libjq.so.1'
check dpkg-configure "less unpacked and configured, /usr/bin/pager is less" sh -c \
	'[ "$(dpkg-query -W -f "\${Status}" less)" = "install ok installed" ] &&
	 [ "$(readlink -f /usr/bin/pager)" = /usr/bin/less ]'
check build "the program built and ran in $UH/src/hello" \
	$BB grep -qx 'hello, tester' "$W/step-build.log"
check logrotate "webapp logs rotated (gzip, create, copytruncate)" sh -c \
	'[ -s /var/log/webapp/access.log.1.gz ] && [ -e /var/log/webapp/access.log ] &&
	 [ -s /var/log/webapp/worker.log.1 ] && [ ! -s /var/log/webapp/worker.log ] &&
	 [ "$(stat -c %a /var/log/webapp/error.log)" = 640 ]'
check ssh-user "command run over ssh as $U" $BB grep -q "uid=1000($U)" "$W/step-ssh-user.log"
check ssh-root "interactive login shell over ssh as root" $BB grep -q 'uid=0(root)' \
	"$W/step-ssh-root.log"
if [ -s /var/lib/webapp/last-cleanup ] && [ -s "$UH/.disk-usage" ] &&
	[ ! -e /var/lib/webapp/sessions/sess_old1 ] && [ -e /var/lib/webapp/sessions/sess_new ]; then
	pass "cron: the jobs of /etc/cron.d/webapp ran as root and as $U"
else
	fail "cron: the jobs of /etc/cron.d/webapp did not run within 75 s"
fi
check apt-remove "uuid-runtime removed and purged" sh -c \
	"grep -q '^Purging configuration files for uuid-runtime' $W/step-apt-remove.log &&
	 ! dpkg-query -W -f '\${Status}' uuid-runtime 2>/dev/null | grep -q 'ok installed\|config-files'"

# ---- the verdict -------------------------------------------------------------------------------
if [ $crc -eq 0 ] && [ -s /out/noise.cap ]; then
	pass "saker capture: $($BB tail -n 1 "$W/capture.log")"
else
	fail "saker capture exited $crc: $($BB cat "$W/capture.log")"
fi
[ $src -eq 0 ] || fail "sakerd: exit status $src after SIGTERM"
# events lost would make "no alert" mean nothing
if [ -n "$nevents" ] && [ "$ndrops" = 0 ]; then
	pass "sakerd read $nevents events of the window, none dropped"
else
	fail "sakerd: ${ndrops:-?} events dropped of ${nevents:-?} (saker stats: $($BB head -c 300 /out/noise-stats.json))"
fi
errs=$($BB grep -E '^<[0-3]>' "$W/sakerd.log")
if [ -z "$errs" ]; then
	pass "sakerd logged no error"
else
	fail "sakerd logged $(echo "$errs" | $BB wc -l) errors"
	echo "$errs" | $BB head -n 10 | $BB sed 's/^/INFO:   /'
fi
$BB grep -E '^<4>' "$W/sakerd.log" | $BB head -n 10 | $BB sed 's/^/INFO: noise: sakerd warning: /'
n=$($BB grep -c . "$W/window-alerts.json")
if [ "$n" = 0 ]; then
	pass "no alert from the default rules during the benign workload"
else
	fail "$n alerts during the benign workload"
	# rule and output of each, one INFO line per alert
	$BB sed 's/^.*"output":"\(.*\)","output_fields":.*"priority":"\([^"]*\)","rule":"\([^"]*\)".*$/INFO: noise: alert: \3 (\2): \1/' \
		"$W/window-alerts.json" | $BB cut -c1-700
fi
echo DONE
