#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds imsaker.so for the rsyslogd installed here.  rsyslog has no stable
# plugin ABI and Debian ships no rsyslog-dev, so the module is compiled
# against the source of exactly the installed rsyslog version, fetched once
# with `apt-get source` into a cache, and the version is pinned into it.
#
#   rsyslog-plugin/build.sh [-o DIR] [--cache DIR] [--source DIR] [--configure]
#   rsyslog-plugin/build.sh --check [FILE]     was FILE built for this rsyslogd?
#   rsyslog-plugin/build.sh --install [-o DIR]  build, then copy into rsyslog's modules
#
#   -o DIR        where imsaker.so is written (default: the current directory)
#   --cache DIR   source cache (default $SAKER_RSYSLOG_CACHE or /var/tmp/saker-rsyslog-src);
#                 holds <version>/rsyslog-<version> and a private apt state
#   --source DIR  an unpacked rsyslog source tree to use instead of the cache
#   --configure   use rsyslog's own ./configure (run once in the cached tree) instead of
#                 rsyslog-config.h; chosen by itself when that file does not cover the
#                 headers of this rsyslog version
#   --pin VERSION embed VERSION instead of the source's (only to test the load-time check)
#
# Needs: a C compiler, pkg-config, libestr-dev, libfastjson-dev, and for the
# first build of a version apt-get and dpkg-dev (dpkg-source).  The system's
# apt sources are left alone: without deb-src entries there, a private apt
# state in the cache gets them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=.
cache=${SAKER_RSYSLOG_CACHE:-/var/tmp/saker-rsyslog-src}
source_dir=
configure=no
check=
install=no
pin=

die() { echo "build.sh: $*" >&2; exit 1; }
say() { echo "build.sh: $*" >&2; }

while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:?}; shift 2 ;;
	--cache) cache=${2:?}; shift 2 ;;
	--source) source_dir=${2:?}; shift 2 ;;
	--configure) configure=yes; shift ;;
	--pin) pin=${2:?}; shift 2 ;;
	--check) check=${2:-imsaker.so}; shift; [ $# -gt 0 ] && shift ;;
	--install) install=yes; shift ;;
	-h|--help) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

# The upstream version of the installed rsyslogd: "8.2302.0".
installed_version() {
	v=$(rsyslogd -v 2>/dev/null | sed -n '1s/^rsyslogd[[:space:]]*\([0-9][0-9.]*\).*/\1/p')
	if [ -z "$v" ]; then
		v=$(dpkg-query -W -f='${Version}' rsyslog 2>/dev/null | sed 's/^[0-9]*://; s/-[^-]*$//')
	fi
	[ -n "$v" ] || die "rsyslog is not installed (no rsyslogd -v, no dpkg package)"
	echo "$v"
}

# The version an imsaker.so was built for, from the string it carries.
built_version() {
	tr '\0' '\n' <"$1" | sed -n 's/^imsaker-built-for-rsyslog=//p' | head -n 1
}

rsyslog=$(installed_version)

if [ -n "$check" ]; then
	[ -f "$check" ] || die "$check: no such file"
	b=$(built_version "$check")
	[ -n "$b" ] || die "$check is not an imsaker module"
	if [ "$b" != "$rsyslog" ]; then
		echo "imsaker was built for rsyslog $b, this is $rsyslog: rebuild" >&2
		exit 1
	fi
	echo "$check: built for rsyslog $b, the installed version"
	exit 0
fi

# ---- the source --------------------------------------------------------------

# apt-get and apt-cache, on the private state when the system has no deb-src for rsyslog.
apt_opts=
private_apt() {
	a=$cache/apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/sources.list.d"
	. /etc/os-release
	codename=${VERSION_CODENAME:-}
	[ "${ID:-}" = debian ] && [ -n "$codename" ] ||
		die "no deb-src entry for rsyslog in apt's sources, and this is not Debian: add one
(deb-src URI SUITE main) and run build.sh again"
	# The mirror the system uses, so proxies and local mirrors keep working.
	mirror=$(grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null |
		 head -n 1 | tr -d ' ')
	mirror=${mirror:-http://deb.debian.org/debian}
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	{
		echo "deb-src [signed-by=$key] $mirror $codename main"
		echo "deb-src [signed-by=$key] $mirror $codename-updates main"
		echo "deb-src [signed-by=$key] http://deb.debian.org/debian-security $codename-security main"
	} >"$a/sources.list"
	apt_opts="-o Dir::Etc::SourceList=$a/sources.list -o Dir::Etc::SourceParts=$a/sources.list.d
		  -o Dir::State::Lists=$a/lists -o Dir::Cache=$a/cache -o Debug::NoLocking=1"
	say "fetching the Debian source index (private apt state in $a)"
	# shellcheck disable=SC2086
	apt-get -q $apt_opts update >"$a/update.log" 2>&1 ||
		die "apt-get update failed (see $a/update.log)"
}

# Debian versions of the rsyslog source whose upstream version is $rsyslog, best first.
source_versions() {
	exact=$(dpkg-query -W -f='${Version}' rsyslog 2>/dev/null || true)
	# shellcheck disable=SC2086
	all=$(apt-cache $apt_opts showsrc rsyslog 2>/dev/null | sed -n 's/^Version: //p' | sort -u)
	for v in $all; do [ "$v" = "$exact" ] && echo "$v"; done
	for v in $all; do
		up=$(echo "$v" | sed 's/^[0-9]*://; s/-[^-]*$//')
		[ "$up" = "$rsyslog" ] && [ "$v" != "$exact" ] && echo "$v"
	done
	return 0
}

fetch_source() {
	dir=$cache/$rsyslog
	[ -f "$dir/.complete" ] && [ -d "$dir/rsyslog-$rsyslog" ] && return 0
	command -v apt-get >/dev/null || die "apt-get is needed to fetch the rsyslog source"
	command -v dpkg-source >/dev/null || die "dpkg-source is needed: apt-get install dpkg-dev"
	mkdir -p "$dir"
	versions=$(source_versions)
	if [ -z "$versions" ]; then
		private_apt
		versions=$(source_versions)
	fi
	[ -n "$versions" ] || die "no source package of rsyslog $rsyslog in apt's sources"
	for v in $versions; do
		tmp=$(mktemp -d "$dir/fetch.XXXXXX")
		say "apt-get source rsyslog=$v"
		# shellcheck disable=SC2086
		if (cd "$tmp" && apt-get -q $apt_opts -o APT::Sandbox::User=root source \
			--only-source "rsyslog=$v") >"$tmp.log" 2>&1 &&
		   [ -f "$tmp/rsyslog-$rsyslog/configure.ac" ]; then
			rm -rf "$dir/rsyslog-$rsyslog"
			mv "$tmp/rsyslog-$rsyslog" "$dir/"
			rm -rf "$tmp" "$tmp.log"
			echo "$v" >"$dir/.complete"
			return 0
		fi
		# The security pool may not serve an older upload: try the next version.
		say "rsyslog=$v: $(grep -E '^E:' "$tmp.log" | head -n 1)"
		rm -rf "$tmp" "$tmp.log"
	done
	die "could not fetch the source of rsyslog $rsyslog (tried: $(echo $versions))"
}

if [ -n "$source_dir" ]; then
	src=$(cd "$source_dir" && pwd)
else
	mkdir -p "$cache"
	# One fetch at a time per cache (parallel test runs).
	exec 9>"$cache/.lock"
	command -v flock >/dev/null && flock 9
	fetch_source
	src=$cache/$rsyslog/rsyslog-$rsyslog
fi

srcver=$(sed -n 's/^AC_INIT(\[rsyslog\],[[:space:]]*\[\([^]]*\)\].*/\1/p' "$src/configure.ac")
[ -n "$srcver" ] || die "$src is not an rsyslog source tree"
[ "$srcver" = "$rsyslog" ] ||
	die "the rsyslog source in $src is $srcver, this rsyslogd is $rsyslog: use the matching source"

# ---- config.h ------------------------------------------------------------------

incs="-I$here -I$src -I$src/runtime -I$src/grammar $(pkg-config --cflags libestr libfastjson)" ||
	die "pkg-config, libestr-dev and libfastjson-dev are needed"
cc=${CC:-cc}

# config.h macros tested by the headers imsaker includes that rsyslog-config.h leaves open.
undecided() {
	hdrs=$($cc -M -DIMSAKER_RSYSLOG_VERSION='"x"' $incs "$here/imsaker.c" |
	       tr ' \\' '\n\n' | grep -E "^$src/.*\.h$" | sort -u)
	# shellcheck disable=SC2086
	tested=$(grep -hE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)' $hdrs |
		 grep -oE '\b[A-Za-z_][A-Za-z0-9_]*\b' | sort -u)
	decided=$(sed -n 's/^#define \([A-Za-z_0-9]*\).*/\1/p; s/^ \* IMSAKER_UNDEFINED://p' \
		  "$here/rsyslog-config.h" | tr ' ' '\n')
	for m in $tested; do
		grep -qE "^#undef $m\$" "$src/config.h.in" || continue
		echo "$decided" | grep -qx "$m" || echo "$m"
	done
}

configured=
if [ "$configure" = no ]; then
	open=$(undecided)
	if [ -n "$open" ]; then
		say "rsyslog $rsyslog's headers test $(echo $open), which rsyslog-config.h does not" \
		    "decide: using rsyslog's own configure"
		configure=yes
	fi
fi
if [ "$configure" = yes ]; then
	if [ ! -f "$src/.imsaker-configured" ]; then
		say "running rsyslog's configure in $src (once; a few minutes)"
		(cd "$src" && ./configure --enable-imdiag --disable-libgcrypt --disable-uuid \
			--disable-libsystemd --disable-generate-man-pages --disable-fmhttp \
			--disable-liblogging-stdlog --disable-libcurl --disable-klog) \
			>"$src/.imsaker-configure.log" 2>&1 ||
			die "rsyslog's configure failed (see $src/.imsaker-configure.log)"
		touch "$src/.imsaker-configured"
	fi
	configured=-DIMSAKER_RSYSLOG_CONFIGURED
fi

# ---- the module ------------------------------------------------------------------

mkdir -p "$out"
out=$(cd "$out" && pwd)
pin=${pin:-$rsyslog}
# Only modInit is exported (rsyslog looks it up by name); -z now: a function this
# rsyslogd lacks fails the load at once instead of later.
# shellcheck disable=SC2086,SC2046
$cc ${CFLAGS:--O2 -g} -std=gnu11 -fPIC -shared -pthread \
	-Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wundef \
	-Wimplicit-fallthrough -Wvla \
	${IMSAKER_WERROR:+-Werror} \
	$configured -DIMSAKER_RSYSLOG_VERSION="\"$pin\"" $incs \
	"$here/imsaker.c" "$here/alert-parse.c" -o "$out/imsaker.so.tmp" \
	-Wl,--version-script="$here/imsaker.map" -Wl,-z,relro -Wl,-z,now \
	$(pkg-config --libs libfastjson)
mv "$out/imsaker.so.tmp" "$out/imsaker.so"
how=
[ -z "$configured" ] || how=" (config.h from rsyslog's configure)"
say "built $out/imsaker.so for rsyslog $pin$how"

if [ "$install" = yes ]; then
	imuxsock=$(dpkg -L rsyslog 2>/dev/null | grep '/imuxsock\.so$' | head -n 1)
	[ -n "$imuxsock" ] || die "cannot find rsyslog's module directory"
	moddir=$(dirname "$imuxsock")
	install -m 0644 "$out/imsaker.so" "$moddir/imsaker.so"
	say "installed $moddir/imsaker.so"
fi
