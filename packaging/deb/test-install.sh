#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Install test of the packages from a signed repository, in a minimal Debian root.
#
# Usage: packaging/deb/test-install.sh [-d DIR] [SUITE]
#   SUITE   bookworm (default) or trixie
#   -d DIR  the packages (default /var/tmp/saker-deb/SUITE, as build.sh writes them)
#   --keep  keep the root and the repository (printed at the end) for a look inside
#
# Makes a repository of DIR's .changes with make-repo (throwaway key), serves it with
# python's http.server on 127.0.0.1, and in a copy of a debootstrap minbase root of SUITE
# (cached in /var/tmp/saker-deb/rootfs/SUITE; for bookworm the kernel-module lab's
# rootfs when there is one, copied, never modified):
#   - adds the repository with the exported key and a deb822 .sources file, apt-get update;
#   - serves a copy whose InRelease was altered and checks that apt-get update rejects it;
#   - apt-get install saker saker-dkms rsyslog-saker with the headers of SUITE's cloud
#     kernel (and openssl): DKMS must build, sign and install saker.ko for it (version,
#     and the signer checked against the MOK DKMS made, /var/lib/dkms/mok.pub);
#   - sakerd --version, saker validate of the packaged rules, rsyslogd -N1 with the
#     drop-in, the conffiles, the manual pages, systemd-analyze verify of saker.service;
#   - apt-get purge, then nothing of the packages is left.
# Prints one line per check and "N passed, M failed"; exits 1 if any failed.  Needs
# root, debootstrap, python3, apt-ftparchive and gpg on the host, and the network
# (Debian's mirror) for the root's own packages.
set -euo pipefail
LOG_TAG=test-install
. "$(dirname "$0")/lib.sh"

parse_args -- "$@"

work_init
serve_repo good "$changes"
cp -a "$work/www/good" "$work/www/bad"
# an altered index line inside the signed InRelease: its signature no longer verifies
sed -i '0,/^ [0-9a-f]\{64\} /s/^ \([0-9a-f]\)/ f\1/' "$work/www/bad/dists/$suite/InRelease"
rm -f "$work/www/bad/dists/$suite/Release.gpg"
root_init

# ---- the checks ----------------------------------------------------------------------
root_add_repo good
repo_update() {
	local o rc=0
	o=$(in_root apt-get update 2>&1) || rc=$?
	echo "$o"
	[ $rc = 0 ] && ! echo "$o" | grep -qE '^(W|E):' && echo "$o" | grep -q "$url/good $suite InRelease"
}
check "apt-get update with the repository (signature verified)" repo_update
policy() {
	local o
	o=$(in_root apt-cache policy saker)
	echo "$o"
	echo "$o" | grep -q "Candidate: $version"
}
check "apt-cache policy: saker $version from the repository" policy

sed "s|$url/good|$url/bad|" "$work/www/good/saker-$suite.sources" \
	>"$root/etc/apt/sources.list.d/saker-bad.sources"
tampered() {
	local o
	o=$(in_root apt-get update 2>&1) && { echo "$o"; echo "apt-get update succeeded"; return 1; }
	echo "$o" | grep -E "$url/bad.*(BADSIG|invalid|not signed)" ||
		echo "$o" | grep -E "(BADSIG|signatures were invalid|is not signed)"
}
check "a tampered InRelease is rejected" tampered
rm -f "$root/etc/apt/sources.list.d/saker-bad.sources"
in_root apt-get -q update >"$work/apt.log" 2>&1 || true

log "apt-get install linux-headers-$kver saker saker-dkms rsyslog-saker (DKMS builds the module)"
# openssl: what DKMS makes its signing key (MOK) with, as on a Secure Boot host
check "apt-get install saker saker-dkms rsyslog-saker" \
	in_root apt-get install -y -q --no-install-recommends "linux-headers-$kver" openssl \
	saker saker-dkms rsyslog-saker
built() { in_root dkms status saker; [ -n "$(root_module)" ]; }
check "DKMS built and installed saker.ko for $kver" built
modversion() {
	local m v
	m=$(root_module)
	[ -n "$m" ] || return 1
	v=$(in_root modinfo -F version "${m#"$root"}")
	echo "module version $v, want $upstream"
	[ "$v" = "$upstream" ]
}
check "the module's MODULE_VERSION is $upstream" modversion
signer() {
	local m id pub
	m=$(root_module)
	[ -n "$m" ] || return 1
	[ -f "$root/var/lib/dkms/mok.pub" ] || { echo "DKMS made no /var/lib/dkms/mok.pub"; return 1; }
	id=$(in_root modinfo -F sig_key "${m#"$root"}" | tr -d ':' | tr 'A-F' 'a-f')
	[ -n "$id" ] || { echo "the module has no signature"; return 1; }
	pub=$(openssl x509 -inform DER -in "$root/var/lib/dkms/mok.pub" -noout -serial 2>/dev/null |
		sed 's/^serial=//' | tr 'A-F' 'a-f')
	echo "module signed by $id, mok.pub serial $pub"
	[ "$id" = "$pub" ]
}
check "the module is signed with DKMS's MOK key /var/lib/dkms/mok.pub" signer
check "sakerd --version says $upstream" sakerd_version "$upstream"
check "saker validate /usr/share/saker/rules/*.yaml" \
	env -i PATH=/usr/sbin:/usr/bin chroot "$root" sh -c 'saker validate /usr/share/saker/rules/*.yaml'
rsyslog_check() {
	local o rc=0
	o=$(in_root rsyslogd -N1 2>&1) || rc=$?
	echo "$o"
	[ $rc = 0 ] && ! echo "$o" | grep -qiE 'error|could not load'
}
check "rsyslogd -N1 with /etc/rsyslog.d/30-saker.conf (imsaker loads)" rsyslog_check
conffiles() {
	local c f
	c=$(in_root dpkg-query -W -f='${Conffiles}\n' saker rsyslog-saker)
	echo "$c"
	for f in /etc/saker/saker.yaml /etc/saker/rules.d/README /etc/saker/config.d/README \
		/etc/logrotate.d/saker /etc/rsyslog.d/30-saker.conf /etc/saker/config.d/rsyslog.yaml; do
		echo "$c" | grep -q "^ $f " || { echo "$f is not a conffile"; return 1; }
	done
}
check "conffiles are marked" conffiles
check "sakerd --dry-run accepts the packaged configuration" \
	env -i PATH=/usr/sbin:/usr/bin chroot "$root" sakerd --dry-run
manpages() {
	local p
	for p in man8/sakerd.8 man8/saker.8 man5/saker.yaml.5 man5/saker-rules.5; do
		ls -l "$root/usr/share/man/$p.gz" || return 1
	done
}
check "manual pages sakerd(8), saker(8), saker.yaml(5), saker-rules(5)" manpages
if in_root apt-get install -y -q --no-install-recommends systemd >"$work/systemd.log" 2>&1; then
	# --man=no: no man-db in the minimal root to look man:sakerd(8) up with
	check "systemd-analyze verify saker.service" \
		in_root systemd-analyze verify --man=no saker.service
else
	check "systemd installs for systemd-analyze" false
fi

log "apt-get purge"
check "apt-get purge saker saker-dkms rsyslog-saker" \
	in_root apt-get purge -y -q saker saker-dkms rsyslog-saker
leftovers() {
	local l
	l=$(cd "$root" && ls -d etc/saker var/log/saker usr/src/saker-* var/lib/dkms/saker \
		usr/lib/x86_64-linux-gnu/rsyslog/imsaker.so etc/rsyslog.d/30-saker.conf \
		usr/lib/modules-load.d/saker.conf "lib/modules/$kver/updates/dkms/"saker.ko* \
		lib/systemd/system/saker.service usr/lib/systemd/system/saker.service 2>/dev/null || true)
	[ -z "$l" ] || { echo "left behind: $l"; return 1; }
}
check "purge leaves nothing of the packages" leftovers

summary
