#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build the Debian packages saker, saker-dkms and rsyslog-saker for one suite, in a
# chroot of that suite, from a clean export of this repository; then run lintian.
#
# Usage: packaging/deb/build.sh [--head] [--revision N] [-o DIR] SUITE
#   SUITE         bookworm, trixie (or sid): the suite the packages are built in and for
#   -o DIR        where the packages, the source package, build.log and lintian.txt go
#                 (default /var/tmp/saker-deb/SUITE; earlier saker files there are replaced)
#   --head        export the committed tree (git archive HEAD) instead of the working tree
#   --revision N  Debian revision (default 1); the version is VERSION-N~debXX, VERSION
#                 from configure.ac, ~debXX the suite's release (none for sid)
#
# The source: by default every file git knows of or would add (tracked files with their
# working-tree content, plus untracked files not ignored), so uncommitted work is
# built; --head builds exactly the last commit, which is what a release should use
# (the same orig tarball byte for byte on every run).  Either way the tarball is
# made without the build directories, generated files or git metadata.
#
# The rsyslog source imsaker is compiled against is fetched here, before the build,
# with apt-get source for the rsyslog version installed in the chroot (that suite's
# newest, security updates included), and handed to the build as the second upstream
# tarball saker_VERSION.orig-rsyslog.tar.xz (Debian's patches applied, debian/
# removed).  dpkg-buildpackage then runs without network (its own network namespace).
#
# The chroot is $SAKER_DEB_CACHE/chroot/SUITE (default /var/tmp/saker-deb): a copy of
# the kernel-module lab's chroot $SAKER_LAB/chroot/SUITE when there is one (that one is
# never modified), a debootstrap minbase otherwise; it is kept between builds, and the
# build dependencies are installed into it by apt-get build-dep.  Needs root,
# debootstrap, git, xz and unshare.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${SAKER_DEB_CACHE:-/var/tmp/saker-deb}
lab=${SAKER_LAB:-/var/tmp/saker-lab}

log() { printf '[deb %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '3,/^[^#]/ { /^#/ { s/^# \{0,1\}//; p } }' "$0"; }

suite='' out='' head='' revision=1
while [ $# -gt 0 ]; do
	case $1 in
	-o | --out) out=${2:?-o needs a directory}; shift ;;
	--head) head=1 ;;
	--revision) revision=${2:?--revision needs a value}; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) [ -z "$suite" ] || die "one suite only"; suite=$1 ;;
	esac
	shift
done
[ -n "$suite" ] || { usage >&2; exit 2; }
case $suite in
bookworm) release=~deb12 ;;
trixie) release=~deb13 ;;
forky) release=~deb14 ;;
sid | unstable) release= ;;
*) die "unknown suite '$suite' (bookworm, trixie, forky, sid)" ;;
esac
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
for t in debootstrap git xz unshare; do
	command -v "$t" >/dev/null || die "$t is needed"
done
out=${out:-$cache/$suite}
mkdir -p "$out" "$cache/chroot" "$cache/rsyslog"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^AC_INIT(\[saker\],[[:space:]]*\[\([^]]*\)\].*/\1/p' "$root/configure.ac")
[ -n "$version" ] || die "no version in configure.ac"
debversion=$version-$revision$release
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /^https?:/ { print $2; exit }' \
	/etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
chr=$cache/chroot/$suite
t0=$(date +%s)

# Run a command in the chroot with /proc and /dev/pts mounted; one user at a time.
in_chroot() {
	(
		flock 9
		for m in proc dev/pts; do
			mountpoint -q "$chr/$m" || mount --bind "/$m" "$chr/$m"
		done
		trap 'umount "$chr/dev/pts" "$chr/proc" 2>/dev/null || true' EXIT
		pre=()
		# NONET=1: a network namespace of its own, with only a loopback interface
		[ -z "${NONET:-}" ] || pre=(unshare -n sh -c 'ip link set lo up; exec "$@"' sh)
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-}" \
			"${pre[@]}" chroot "$chr" "$@"
	) 9>"$chr.lock"
}

# ---- the chroot ----------------------------------------------------------------------
if [ ! -f "$chr/.saker-deb-chroot" ]; then
	rm -rf "$chr.tmp"
	if [ -f "$lab/chroot/$suite/.saker-chroot" ]; then
		log "chroot $suite: copy of $lab/chroot/$suite"
		(flock 9; cp -a --one-file-system "$lab/chroot/$suite" "$chr.tmp") \
			9>"$lab/chroot/$suite.lock"
		mkdir -p "$chr.tmp/proc" "$chr.tmp/dev/pts"
	else
		log "chroot $suite: debootstrap (a few minutes)"
		debootstrap --variant=minbase --include=build-essential,fakeroot,ca-certificates \
			"$suite" "$chr.tmp" "$mirror" >"$cache/chroot/$suite.log" 2>&1 ||
			die "debootstrap failed (see $cache/chroot/$suite.log)"
	fi
	echo "$suite" >"$chr.tmp/.saker-deb-chroot"
	rm -rf "$chr"
	mv "$chr.tmp" "$chr"
fi
# apt sources with deb-src and the suite's updates, so rsyslog is the version users get;
# no service is started inside the chroot.
{
	echo "deb $mirror $suite main"
	echo "deb-src $mirror $suite main"
	case $suite in
	sid | unstable) ;;
	*)
		echo "deb $mirror $suite-updates main"
		echo "deb-src $mirror $suite-updates main"
		echo "deb http://deb.debian.org/debian-security $suite-security main"
		echo "deb-src http://deb.debian.org/debian-security $suite-security main"
		;;
	esac
} >"$chr/etc/apt/sources.list"
printf '#!/bin/sh\nexit 101\n' >"$chr/usr/sbin/policy-rc.d"
chmod 0755 "$chr/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$chr/etc/resolv.conf"
log "chroot $suite: apt-get update, upgrade, rsyslog, lintian"
in_chroot sh -c 'apt-get -q update && apt-get -y -q dist-upgrade &&
	apt-get -y -q install --no-install-recommends rsyslog lintian dpkg-dev iproute2' \
	>"$cache/chroot/$suite.apt.log" 2>&1 ||
	{ tail -n 20 "$cache/chroot/$suite.apt.log" >&2; die "apt-get in the chroot failed"; }

# ---- the sources ---------------------------------------------------------------------
work=/build/saker-$suite
rm -rf "${chr:?}$work"
mkdir -p "$chr$work"
if [ -n "$head" ]; then
	export SOURCE_DATE_EPOCH
	SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct HEAD)
	desc="git $(git -C "$root" rev-parse --short HEAD)"
	log "source: git archive HEAD ($desc)"
	git -C "$root" archive --format=tar --prefix="saker-$version/" HEAD |
		xz -6 -T1 >"$chr$work/saker_$version.orig.tar.xz"
else
	export SOURCE_DATE_EPOCH
	SOURCE_DATE_EPOCH=$(date +%s)
	desc="the working tree at git $(git -C "$root" rev-parse --short HEAD)"
	log "source: working tree (tracked and untracked, not ignored)"
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
			--transform "s|^|saker-$version/|" --no-recursion --null -T - -cf -) |
		xz -6 -T1 >"$chr$work/saker_$version.orig.tar.xz"
fi

# rsyslog: the installed version's source, patched, without debian/; cached per version.
rs_deb=$(in_chroot dpkg-query -W -f='${Version}' rsyslog)
rs_up=$(echo "$rs_deb" | sed 's/^[0-9]*://; s/-[^-]*$//')
rs_tar=$cache/rsyslog/$suite-rsyslog_$rs_deb.tar.xz
if [ ! -f "$rs_tar" ]; then
	log "rsyslog $rs_deb: apt-get source"
	cands=$(in_chroot apt-cache showsrc rsyslog | sed -n 's/^Version: //p' | sort -u)
	ok=
	for v in "$rs_deb" $cands; do
		case $v in "$rs_deb" | *:"$rs_up"-* | "$rs_up"-*) ;; *) continue ;; esac
		rm -rf "$chr/build/rsyslog-src"
		mkdir -p "$chr/build/rsyslog-src"
		if in_chroot sh -c "cd /build/rsyslog-src && apt-get -q -o APT::Sandbox::User=root \
			source --only-source rsyslog=$v" >"$cache/rsyslog/$suite.log" 2>&1 &&
			[ -f "$chr/build/rsyslog-src/rsyslog-$rs_up/configure.ac" ]; then
			ok=$v
			break
		fi
		log "rsyslog=$v: $(grep -E '^E:' "$cache/rsyslog/$suite.log" | head -n 1)"
	done
	[ -n "$ok" ] || die "cannot fetch the source of rsyslog $rs_up"
	(cd "$chr/build/rsyslog-src" &&
		tar --exclude="rsyslog-$rs_up/debian" --exclude="rsyslog-$rs_up/.pc" --sort=name \
			--mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "rsyslog-$rs_up") |
		xz -6 -T1 >"$rs_tar.tmp"
	mv "$rs_tar.tmp" "$rs_tar"
	echo "$ok" >"$rs_tar.source"
	rm -rf "$chr/build/rsyslog-src"
fi
cp "$rs_tar" "$chr$work/saker_$version.orig-rsyslog.tar.xz"
log "rsyslog component: $rs_up (source $(cat "$rs_tar.source"), installed $rs_deb)"

# The tree dpkg-buildpackage sees: both components, debian/, the changelog.
src=$chr$work/saker-$version
mkdir -p "$src/rsyslog"
tar -xJf "$chr$work/saker_$version.orig.tar.xz" -C "$chr$work"
tar -xJf "$chr$work/saker_$version.orig-rsyslog.tar.xz" -C "$src/rsyslog" --strip-components=1
rm -rf "$src/debian"
cp -a "$here/debian" "$src/debian"
maint=$(sed -n 's/^Maintainer: //p' "$here/debian/control")
{
	echo "saker ($debversion) $suite; urgency=medium"
	echo
	echo "  * saker $version for $suite, from $desc."
	echo "  * imsaker built against rsyslog $rs_up."
	echo
	echo " -- $maint  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
} >"$src/debian/changelog"

# ---- build ---------------------------------------------------------------------------
log "apt-get build-dep"
in_chroot sh -c "cd $work/saker-$version && apt-get -y -q build-dep ./" \
	>"$out/build-dep.log" 2>&1 ||
	{ tail -n 20 "$out/build-dep.log" >&2; die "apt-get build-dep failed"; }
log "dpkg-buildpackage $debversion (no network)"
rc=0
NONET=1 in_chroot sh -c "cd $work/saker-$version && dpkg-buildpackage -us -uc -sa" \
	>"$out/build.log" 2>&1 || rc=$?
if [ $rc != 0 ]; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed (see $out/build.log)"
fi

changes=saker_${debversion}_amd64.changes
log "lintian"
in_chroot sh -c "cd $work && lintian --info --display-info --show-overrides --pedantic \
	--tag-display-limit 0 $changes" >"$out/lintian.txt" 2>&1 || true

rm -f "$out"/saker_* "$out"/saker-dkms_* "$out"/rsyslog-saker_*
(cd "$chr$work" && cp -- *.deb *.dsc *.tar.xz *.changes *.buildinfo "$out/")
rm -rf "${chr:?}$work"

errors=$(grep -c '^E: ' "$out/lintian.txt" || true)
warnings=$(grep -c '^W: ' "$out/lintian.txt" || true)
log "built in $(($(date +%s) - t0)) s: $out"
(cd "$out" && ls -1 -- *.deb *.dsc)
log "lintian: $errors errors, $warnings warnings ($out/lintian.txt)"
grep -E '^[EW]: ' "$out/lintian.txt" >&2 || true
[ "$errors" = 0 ] && [ "$warnings" = 0 ] || exit 3
