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
#     kernel: DKMS must build and install saker.ko for it (version and, when DKMS signed
#     it, the signer checked against /var/lib/dkms/mok.pub);
#   - sakerd --version, saker validate of the packaged rules, rsyslogd -N1 with the
#     drop-in, systemd-analyze verify of saker.service, the conffiles;
#   - apt-get purge, then nothing of the packages is left.
# Prints one line per check and "N passed, M failed"; exits 1 if any failed.  Needs
# root, debootstrap, python3, apt-ftparchive and gpg on the host, and the network
# (Debian's mirror) for the root's own packages.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SAKER_DEB_CACHE:-/var/tmp/saker-deb}
lab=${SAKER_LAB:-/var/tmp/saker-lab}
suite=bookworm dir='' keep=''
while [ $# -gt 0 ]; do
	case $1 in
	-d) dir=${2:?-d needs a directory}; shift ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '3,/^[^#]/ { /^#/ { s/^# \{0,1\}//; p } }' "$0"; exit 0 ;;
	-*) echo "unknown option $1" >&2; exit 2 ;;
	*) suite=$1 ;;
	esac
	shift
done
dir=${dir:-$cache/$suite}
log() { printf '[test-install %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
changes=$(ls "$dir"/saker_*_amd64.changes 2>/dev/null | head -n 1)
[ -n "$changes" ] || die "no saker_*_amd64.changes in $dir (run build.sh $suite)"
version=$(sed -n 's/^Version: //p' "$changes")
upstream=${version%-*}
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}

pass=0 fail=0
check() {
	local what=$1
	shift
	if "$@" >"$work/check.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $what"
	else
		fail=$((fail + 1))
		echo "FAIL $what"
		sed 's/^/     /' "$work/check.log" | tail -n 15
	fi
}

work=$(mktemp -d /var/tmp/saker-deb-test.XXXXXX)
root=$work/root
server=
cleanup() {
	[ -z "$server" ] || kill "$server" 2>/dev/null || true
	for m in "$root/proc" "$root/dev/pts"; do
		if mountpoint -q "$m"; then
			umount "$m" 2>/dev/null || { sleep 1; umount "$m" 2>/dev/null; } || umount -l "$m" || true
		fi
	done
	if [ -n "$keep" ]; then
		log "kept $work"
	elif ! grep -q " $work/" /proc/self/mounts; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT

in_root() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}

# ---- the repository, served on 127.0.0.1 --------------------------------------------
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
"$here/make-repo" --url "$url/good" "$work/www/good" "$changes" >"$work/make-repo.log" 2>&1 ||
	{ cat "$work/make-repo.log" >&2; die "make-repo failed"; }
cp -a "$work/www/good" "$work/www/bad"
# an altered index line inside the signed InRelease: its signature no longer verifies
sed -i '0,/^ [0-9a-f]\{64\} /s/^ \([0-9a-f]\)/ f\1/' "$work/www/bad/dists/$suite/InRelease"
rm -f "$work/www/bad/dists/$suite/Release.gpg"
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$port" >"$work/http.log" 2>&1 &
server=$!
for _ in $(seq 50); do
	python3 -c "import urllib.request; urllib.request.urlopen('$url/good/dists/$suite/Release')" \
		2>/dev/null && break
	sleep 0.1
done

# ---- the root ------------------------------------------------------------------------
base=$cache/rootfs/$suite
if [ ! -f "$base/.saker-deb-rootfs" ]; then
	mkdir -p "$cache/rootfs"
	rm -rf "$base.tmp"
	if [ "$suite" = bookworm ] && [ -f "$lab/rootfs/base.stamp" ]; then
		log "root: copy of $lab/rootfs/base"
		cp -a --one-file-system "$lab/rootfs/base" "$base.tmp"
	else
		log "root: debootstrap $suite minbase"
		debootstrap --variant=minbase --include=ca-certificates "$suite" "$base.tmp" "$mirror" \
			>"$cache/rootfs/$suite.log" 2>&1 || die "debootstrap failed ($cache/rootfs/$suite.log)"
	fi
	touch "$base.tmp/.saker-deb-rootfs"
	mv "$base.tmp" "$base"
fi
log "root: copy of $base"
cp -a "$base" "$root"
mkdir -p "$root/proc" "$root/dev/pts"
mount -t proc proc "$root/proc"
mount --bind /dev/pts "$root/dev/pts"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
{
	echo "deb $mirror $suite main"
	echo "deb $mirror $suite-updates main"
	echo "deb http://deb.debian.org/debian-security $suite-security main"
} >"$root/etc/apt/sources.list"
# the kernel the module lab boots for this suite, else the suite's current cloud kernel
# shellcheck disable=SC1090
kver=$(. "$lab/suite/$suite.env" 2>/dev/null && echo "${KVER:-}") || true
log "root: apt-get update (Debian)"
in_root apt-get -q update >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; die "apt-get update failed"; }
if [ -z "$kver" ]; then
	kver=$(in_root apt-cache depends linux-headers-cloud-amd64 |
		sed -n 's/^ *Depends: linux-headers-\(.*-cloud-amd64\)$/\1/p' | head -n 1)
fi
[ -n "$kver" ] || die "cannot find $suite's cloud kernel version"

# ---- the checks ----------------------------------------------------------------------
install -D -m 0644 "$work/www/good/saker-archive-keyring.gpg" \
	"$root/etc/apt/keyrings/saker-archive-keyring.gpg"
cp "$work/www/good/saker-$suite.sources" "$root/etc/apt/sources.list.d/saker.sources"
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
check "apt-get install saker saker-dkms rsyslog-saker" \
	in_root apt-get install -y -q --no-install-recommends "linux-headers-$kver" \
	saker saker-dkms rsyslog-saker
mod() { ls "$root/lib/modules/$kver/updates/dkms/"saker.ko* 2>/dev/null | head -n 1; }
built() { in_root dkms status saker; [ -n "$(mod)" ]; }
check "DKMS built and installed saker.ko for $kver" built
modversion() {
	local m v
	m=$(mod)
	[ -n "$m" ] || return 1
	v=$(in_root modinfo -F version "${m#"$root"}")
	echo "module version $v, want $upstream"
	[ "$v" = "$upstream" ]
}
check "the module's MODULE_VERSION is $upstream" modversion
signer() {
	local m id pub
	m=$(mod)
	[ -n "$m" ] || return 1
	id=$(in_root modinfo -F sig_key "${m#"$root"}" | tr -d ':' | tr 'A-F' 'a-f')
	if [ ! -f "$root/var/lib/dkms/mok.pub" ]; then
		echo "no /var/lib/dkms/mok.pub: DKMS did not sign (sig_key '$id')"
		[ -z "$id" ]
		return
	fi
	pub=$(openssl x509 -inform DER -in "$root/var/lib/dkms/mok.pub" -noout -serial 2>/dev/null |
		sed 's/^serial=//' | tr 'A-F' 'a-f')
	echo "module signed by $id, mok.pub serial $pub"
	[ -n "$id" ] && [ "$id" = "$pub" ]
}
check "the module is unsigned or signed with /var/lib/dkms/mok.pub" signer
sakerd_version() {
	local o
	o=$(in_root sakerd --version)
	echo "$o"
	[ "$o" = "sakerd $upstream" ]
}
check "sakerd --version says $upstream" sakerd_version
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
if in_root apt-get install -y -q --no-install-recommends systemd >"$work/systemd.log" 2>&1; then
	# --man=no: the unit's man:sakerd(8) has no manual page yet
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

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
