# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Shared by the package tests (test-install.sh, test-upgrade.sh, test-boot.sh):
# sourced, never run.  A test gets a work directory, a repository of the packages
# made with make-repo and served on 127.0.0.1, and a root of the suite (a copy of a
# cached debootstrap minbase) that uses Debian's mirror and that repository.
#
# The caller sets LOG_TAG and suite, then calls work_init, serve_repo, root_init.

PKG_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKG_ROOT=$(cd "$PKG_HERE/../.." && pwd)
cache=${SAKER_DEB_CACHE:-/var/tmp/saker-deb}
lab=${SAKER_LAB:-/var/tmp/saker-lab}
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
keep=''

log() { printf '[%s %s] %s\n' "${LOG_TAG:-deb}" "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '3,/^[^#]/ { /^#/ { s/^# \{0,1\}//; p } }' "$0"; }

# check WHAT CMD...: run CMD, print "ok   WHAT" or "FAIL WHAT" and the tail of its output.
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
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

# The .changes file of the build in DIR, and the version it carries.
changes_of() {
	local c
	c=$(ls "$1"/saker_*_amd64.changes 2>/dev/null | head -n 1)
	[ -n "$c" ] || die "no saker_*_amd64.changes in $1 (run build.sh)"
	echo "$c"
}
version_of() { sed -n 's/^Version: //p' "$1"; }

# parse_args [-n] -- ARGS...: the tests' common arguments [-d DIR] [-n DIR] [--keep]
# [SUITE] (-n only when the first argument is -n); sets suite, dir, next, keep, and
# changes, version and upstream of the build in dir.  Needs root.
parse_args() {
	local with_next=''
	[ "$1" != -n ] || with_next=1
	shift
	[ "$1" != -- ] || shift
	suite=bookworm dir='' next=''
	while [ $# -gt 0 ]; do
		case $1 in
		-d) dir=${2:?-d needs a directory}; shift ;;
		-n) [ -n "$with_next" ] || { echo "unknown option $1" >&2; exit 2; }
		    next=${2:?-n needs a directory}; shift ;;
		--keep) keep=1 ;;
		-h | --help) usage; exit 0 ;;
		-*) echo "unknown option $1" >&2; exit 2 ;;
		*) suite=$1 ;;
		esac
		shift
	done
	dir=${dir:-$cache/$suite}
	[ "$(id -u)" = 0 ] || die "needs root"
	changes=$(changes_of "$dir")
	version=$(version_of "$changes")
	upstream=${version%-*}
}

# ---- work directory, cleaned up at exit (--keep: kept) -------------------------------
work_init() {
	work=$(mktemp -d /var/tmp/saker-deb-test.XXXXXX)
	root=$work/root
	server=''
	trap work_cleanup EXIT
}
work_cleanup() {
	local m
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

# ---- the repositories, served on 127.0.0.1 -------------------------------------------
# serve_repo NAME CHANGES...: make (or add to) the repository $work/www/NAME and serve
# $work/www at $url; the repository is $url/NAME.
serve_repo() {
	local name=$1 i
	shift
	if [ -z "$server" ]; then
		port=$((20000 + RANDOM % 20000))
		url=http://127.0.0.1:$port
		mkdir -p "$work/www"
		python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$port" \
			>"$work/http.log" 2>&1 &
		server=$!
	fi
	"$PKG_HERE/make-repo" --url "$url/$name" "$work/www/$name" "$@" >>"$work/make-repo.log" 2>&1 ||
		{ cat "$work/make-repo.log" >&2; die "make-repo failed"; }
	for i in $(seq 50); do
		python3 -c "import urllib.request; urllib.request.urlopen('$url/$name/dists/$suite/Release')" \
			2>/dev/null && return 0
		sleep 0.1
	done
	die "the repository is not served at $url/$name"
}

# ---- the root ------------------------------------------------------------------------
in_root() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}

# root_init: $root = a copy of the cached minimal root of $suite, /proc and /dev/pts
# mounted, no service started by maintainer scripts, Debian's mirror in its sources,
# apt-get update done; kver = the cloud kernel the module lab boots for the suite.
root_init() {
	local base=$cache/rootfs/$suite
	if [ ! -f "$base/.saker-deb-rootfs" ]; then
		mkdir -p "$cache/rootfs"
		rm -rf "$base.tmp"
		if [ "$suite" = bookworm ] && [ -f "$lab/rootfs/base.stamp" ]; then
			log "root: copy of $lab/rootfs/base"
			cp -a --one-file-system "$lab/rootfs/base" "$base.tmp"
		else
			log "root: debootstrap $suite minbase"
			debootstrap --variant=minbase --include=ca-certificates "$suite" "$base.tmp" \
				"$mirror" >"$cache/rootfs/$suite.log" 2>&1 ||
				die "debootstrap failed ($cache/rootfs/$suite.log)"
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
	log "root: apt-get update (Debian)"
	in_root apt-get -q update >"$work/apt.log" 2>&1 ||
		{ cat "$work/apt.log" >&2; die "apt-get update failed"; }
	# the kernel the module lab boots for this suite, else the suite's current cloud kernel
	# shellcheck disable=SC1090
	kver=$(. "$lab/suite/$suite.env" 2>/dev/null && echo "${KVER:-}") || true
	if [ -z "$kver" ]; then
		kver=$(in_root apt-cache depends linux-headers-cloud-amd64 |
			sed -n 's/^ *Depends: linux-headers-\(.*-cloud-amd64\)$/\1/p' | head -n 1)
	fi
	[ -n "$kver" ] || die "cannot find $suite's cloud kernel version"
}

# root_add_repo NAME: the served repository NAME in the root's apt sources, with its key.
root_add_repo() {
	install -D -m 0644 "$work/www/$1/saker-archive-keyring.gpg" \
		"$root/etc/apt/keyrings/saker-archive-keyring.gpg"
	cp "$work/www/$1/saker-$suite.sources" "$root/etc/apt/sources.list.d/saker.sources"
}

# The saker.ko DKMS installed for $kver in the root (empty when none).
root_module() { ls "$root/lib/modules/$kver/updates/dkms/"saker.ko* 2>/dev/null | head -n 1; }

# sakerd_version VERSION: the root's sakerd says it is VERSION.
sakerd_version() {
	local o
	o=$(in_root sakerd --version)
	echo "$o"
	[ "$o" = "sakerd $1" ]
}

# apt-get install in the root, answering dpkg's conffile questions as an unattended
# upgrade does: keep the local file, install the package's new one as .dpkg-dist.
APT_INSTALL=(apt-get install -y -q --no-install-recommends
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
