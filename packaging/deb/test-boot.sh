#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Booted test: a Debian system with saker installed from the repository boots under
# QEMU with systemd as PID 1, and saker works there as an admin would see it.
#
# Usage: packaging/deb/test-boot.sh [-d DIR] [-n DIR] [--keep] [SUITE]
#   SUITE   bookworm (default) or trixie: the root's release and the kernel booted
#           (the kernel-module lab's cloud kernel of that suite, tests/kmod/lab.sh)
#   -d DIR  the packages (default /var/tmp/saker-deb/SUITE)
#   -n DIR  a newer build (test-upgrade.sh builds one): the guest also upgrades to it
#           from a repository on its disk, DKMS building the new module in the guest
#   --keep  keep the root, the image and the guest's output
#
# On the host: a minimal root of SUITE gets systemd, udev, rsyslog, the cloud kernel's
# headers and saker, saker-dkms and rsyslog-saker from the signed repository served on
# 127.0.0.1 (DKMS builds the module there); then the kernel's modules, the lab's job
# unit (it runs the checks once the boot has finished and powers off) and an ext4
# image of it all.  In the guest (boot-checks.sh): the boot finishes cleanly, the
# module is loaded by systemd-modules-load, saker.service runs with reduced
# capabilities, rsyslog runs with imsaker; a read of /etc/shadow by an unexpected
# program gives an alert in `journalctl -u saker` (with its SAKER_* fields) and in
# rsyslog's /var/log/saker/alerts.json; the boot itself gives no other alert;
# `systemctl reload saker`; with -n the upgrade (sakerd stopped, the old module
# unloaded, the new one built and loaded, the new sakerd started) and the attack
# again; `apt-get remove saker-dkms` unloads and removes the module.
# Prints one line per check and "N passed, M failed".
set -euo pipefail
LOG_TAG=test-boot
. "$(dirname "$0")/lib.sh"
KMOD_TESTS=$PKG_ROOT/tests/kmod

parse_args -n -- "$@"
nupstream=''
if [ -n "$next" ]; then
	nchanges=$(changes_of "$next")
	nupstream=$(version_of "$nchanges")
	nupstream=${nupstream%-*}
fi

log "the lab's $suite kernel (tests/kmod/lab.sh)"
"$KMOD_TESTS/lab.sh" --suite "$suite" >/dev/null 2>&1 || die "tests/kmod/lab.sh --suite $suite failed"
work_init
serve_repo repo "$changes"
root_init
root_add_repo repo
in_root apt-get -q update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; die "apt-get update failed"; }
check "apt-get install systemd udev rsyslog linux-headers-$kver saker saker-dkms rsyslog-saker" \
	in_root "${APT_INSTALL[@]}" systemd udev rsyslog "linux-headers-$kver" \
	saker saker-dkms rsyslog-saker
[ -n "$(root_module)" ] || die "DKMS built no module for $kver"

# ---- the root as a booted system sees it ---------------------------------------------
rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
echo saker-guest >"$root/etc/hostname"
: >"$root/etc/fstab"
# no network in the guest: the package lists' daily refresh has nothing to reach
ln -sf /dev/null "$root/etc/systemd/system/apt-daily.timer"
ln -sf /dev/null "$root/etc/systemd/system/apt-daily-upgrade.timer"
mkdir -p "$root/lab"
install -m755 "$KMOD_TESTS/lab/guest-init" "$root/lab/guest-init"
install -m755 /bin/busybox "$root/lab/busybox"
# the lab's job (unpack /dev/vdb, run its cmd.sh, results onto /dev/vdc, power off) as a
# unit that starts once everything else has
cat >"$root/etc/systemd/system/saker-lab-job.service" <<'EOF'
[Unit]
Description=saker package test job
After=multi-user.target

[Service]
Type=simple
ExecStart=/lab/guest-init
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
in_root systemctl enable saker-lab-job.service >/dev/null 2>&1 || die "cannot enable the job unit"
if [ -n "$next" ]; then
	# N+1 in a repository on the guest's disk, signed with the same key
	"$PKG_HERE/make-repo" --url file:///srv/saker-next "$work/www/repo" "$nchanges" \
		>>"$work/make-repo.log" 2>&1 || die "make-repo failed"
	cp -a "$work/www/repo" "$root/srv/saker-next"
	rm -rf "$root/srv/saker-next/.gnupg"
	sed "s|$url/repo|file:///srv/saker-next|" "$work/www/repo/saker-$suite.sources" \
		>"$root/etc/apt/sources.list.d/saker.sources"
fi
rm -f "$root/etc/apt/sources.list"
in_root apt-get -q update >"$work/apt-offline.log" 2>&1 ||
	{ cat "$work/apt-offline.log" >&2; die "apt-get update of the offline sources failed"; }
# the kernel's own modules next to the one DKMS installed
src=$lab/kernel/$kver/lib/modules/$kver
[ -d "$src" ] || die "no modules of $kver in $lab (tests/kmod/lab.sh --suite $suite)"
(cd "$src" && find . -path ./updates -prune -o -print | cpio -pdmu --quiet "$root/usr/lib/modules/$kver")
depmod -b "$root" "$kver"
for m in proc dev/pts; do umount "$root/$m"; done

img=$work/root.img
mb=$(($(du -sm "$root" | cut -f1) + 768))
mke2fs -q -t ext4 -L sakerroot -d "$root" "$img" "${mb}M" >/dev/null || die "mke2fs failed"
log "image: $img (${mb} MiB)"

# ---- the boot --------------------------------------------------------------------------
ship=$work/ship
mkdir -p "$ship"
install -m755 "$PKG_HERE/boot-checks.sh" "$ship/"
t0=$(date +%s)
while IFS= read -r line; do
	line=${line%$'\r'}
	printf '%s\n' "$line" >>"$work/guest.log"
	case $line in
	PASS:*) pass=$((pass + 1)); echo "ok   ${line#PASS: }" ;;
	FAIL:*) fail=$((fail + 1)); echo "FAIL ${line#FAIL: }" ;;
	INFO:*) echo "     ${line#INFO: }" ;;
	esac
done < <(rc=0; "$KMOD_TESTS/vm.sh" --suite "$suite" --image "$img" --ship "$ship" \
	--out "$work/out" --smp 2 --mem 2048 --timeout "${SAKER_BOOT_TIMEOUT:-1200}" \
	--append "saker.init=/lib/systemd/systemd" -- "sh ./boot-checks.sh $upstream $nupstream" \
	2>"$work/vm.log" || rc=$?; echo "rc=$rc" >"$work/vm.rc")
log "guest: $(cat "$work/vm.rc"), $(($(date +%s) - t0)) s"
if ! grep -q '^rc=0$' "$work/vm.rc"; then
	fail=$((fail + 1))
	echo "FAIL the guest ran the checks to the end ($(cat "$work/vm.rc"); console: $work/out/console.log)"
	tail -n 30 "$work/vm.log" >&2
	keep=1
fi
[ "$fail" = 0 ] || keep=1
summary
