# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Settings and helpers shared by the guest test lab scripts (lab.sh, build-module.sh,
# vm.sh, run.sh, checkpatch.sh) and bench/driver/run.sh.  Sourced, never run.
#
# Everything large lives in $SAKER_LAB, outside the source tree, and is cached there.
# Guests boot Debian's own cloud kernels; a suite other than the host's gets its own
# apt lists (the kernel image) and a debootstrap chroot (compiler and headers), both
# resolved from the same private lists so the module is built for the kernel that boots.

KMOD_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAKER_ROOT=$(cd "$KMOD_TESTS/../.." && pwd)

: "${SAKER_LAB:=/var/tmp/saker-lab}"
: "${SAKER_KMOD_DIR:=$SAKER_ROOT/kmod}"			# module source (Kbuild)
: "${SAKER_INCLUDE_DIR:=$SAKER_ROOT/include}"		# include/saker/ lives here
: "${SAKER_GUEST_DIR:=$KMOD_TESTS/guest}"		# t-*.c, t-*.sh, reader.[ch]
: "${SAKER_FLAVOUR:=cloud-amd64}"
: "${SAKER_ROOTFS_SUITE:=bookworm}"			# userland of every guest
: "${SAKER_LAB_EXTRA_PKGS:=}"				# more debs in the test rootfs
SAKER_ROOTFS_PKGS="kmod,procps,strace${SAKER_LAB_EXTRA_PKGS:+,$SAKER_LAB_EXTRA_PKGS}"
SAKER_BENCH_PKGS="sysdig"				# added to the bench rootfs
# The noise rootfs (lab.sh --noise): the base rootfs plus the programs of the benign
# workload of guest/noise.sh, and a local APT repository (/srv/noise-repo) holding
# SAKER_NOISE_REPO_PKGS with the dependencies the image lacks.
SAKER_NOISE_PKGS="build-essential cron logrotate adduser openssh-server openssh-client"
SAKER_NOISE_REPO_PKGS="uuid-runtime libblas3 jq less"
SAKER_TEST_USER=tester					# unprivileged user in the rootfs
SAKER_TEST_UID=1000
export DEBIAN_FRONTEND=noninteractive

HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

# The comment block at the top of the calling script, as its --help.
usage() { sed -n '3,/^[^#]/ { /^#/ { s/^# \{0,1\}//; p } }' "$0"; }

log() { printf '[%s %s] %s\n' "${LOG_TAG:-lab}" "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Debian mirror the host's apt already uses (deb822 or one-line format).
host_mirror() {
	local m
	m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
	[ -n "$m" ] || m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}
: "${SAKER_MIRROR:=$(host_mirror)}"

suite_is_host() { [ "$1" = "$HOST_SUITE" ]; }

# apt options for the private lists of a non-host suite: nothing of the host's apt
# state (sources, lists, cache, dpkg status) is read or written.
suite_apt_opts() {
	local a=$SAKER_LAB/apt/$1
	APT_OPTS=(-o "Dir::Etc::sourcelist=$a/sources.list" -o "Dir::Etc::sourceparts=$a/sources.list.d"
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o "Dir::State::status=$a/status"
		-o "Dir::Etc::preferencesparts=$a/preferences.d" -o Acquire::Languages=none)
}

# Run apt-get/apt-cache for SUITE: the host's apt for the host suite, else private lists.
suite_apt() {
	local suite=$1 tool=$2
	shift 2
	if suite_is_host "$suite"; then
		"$tool" "$@"
	else
		suite_apt_opts "$suite"
		"$tool" "${APT_OPTS[@]}" "$@"
	fi
}

# Make sure SUITE's package lists exist (refresh them with SAKER_LAB_REFRESH=1).
suite_lists() {
	local suite=$1 a=$SAKER_LAB/apt/$1
	if suite_is_host "$suite"; then
		if [ -n "${SAKER_LAB_REFRESH:-}" ] || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
			log "apt-get update (host)"
			apt-get update -qq >&2 || die "apt-get update failed"
		fi
		return
	fi
	if [ -n "${SAKER_LAB_REFRESH:-}" ] || ! ls "$a"/lists/*_Packages* >/dev/null 2>&1; then
		mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/sources.list.d" "$a/preferences.d"
		: >"$a/status"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $SAKER_MIRROR $suite main" \
			>"$a/sources.list"
		log "apt-get update ($suite, private lists in $a)"
		suite_apt "$suite" apt-get update -qq >&2 || die "apt-get update for $suite failed"
	fi
}

# The kernel version (package suffix) of SUITE's linux-headers-$SAKER_FLAVOUR, which is
# also the version of its linux-image-$SAKER_FLAVOUR.  SAKER_KVER_<SUITE> pins it.
suite_kver() {
	local suite=$1 pin k
	pin=SAKER_KVER_$(echo "$suite" | tr '[:lower:]-' '[:upper:]_')
	if [ -n "${!pin:-}" ]; then
		echo "${!pin}"
		return
	fi
	suite_lists "$suite"
	k=$(suite_apt "$suite" apt-cache depends "linux-headers-$SAKER_FLAVOUR" 2>/dev/null |
		sed -n "s/^ *Depends: linux-headers-\(.*-$SAKER_FLAVOUR\)\$/\1/p" | head -n 1)
	[ -n "$k" ] || die "cannot resolve the $SAKER_FLAVOUR kernel of $suite"
	echo "$k"
}

# Per-suite settings written by lab.sh (SUITE, KVER, KHEADERS, CHROOT) and the
# paths derived from KVER: KERNEL, INITRD, ROOTIMG, BENCHIMG, NOISEIMG.
suite_env() { echo "$SAKER_LAB/suite/$1.env"; }
load_suite_env() {
	local f
	f=$(suite_env "$1")
	[ -f "$f" ] || die "no $f: run tests/kmod/lab.sh --suite $1"
	# shellcheck disable=SC1090
	. "$f"
	KERNEL=$SAKER_LAB/kernel/$KVER/vmlinuz
	INITRD=$SAKER_LAB/initrd/$KVER.img
	ROOTIMG=$SAKER_LAB/img/base-$KVER.img
	BENCHIMG=$SAKER_LAB/img/bench-$KVER.img
	NOISEIMG=$SAKER_LAB/img/noise-$KVER.img
}

# Hash of files and strings, to tell whether a cached artefact is still current.
stamp_of() {
	local x
	for x in "$@"; do
		if [ -f "$x" ]; then sha256sum <"$x"; else echo "$x"; fi
	done | sha256sum | cut -c1-16
}

# Mount /proc in a chroot for the duration of CMD (the 7.x objtool reads it); the
# chroot is locked so concurrent users never unmount under each other.
in_chroot() {
	local root=$1 rc
	shift
	(
		flock 9
		mounted=
		if ! mountpoint -q "$root/proc"; then
			mount -t proc proc "$root/proc" && mounted=1
		fi
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
		rc=$?
		[ -z "$mounted" ] || umount "$root/proc" || umount -l "$root/proc"
		exit $rc
	) 9>"$root.lock"
}

# rm -rf a chroot-like tree, first unmounting whatever an interrupted run left
# mounted inside it (proc, sys).
rm_tree() {
	local d=$1 m
	[ -e "$d" ] || return 0
	d=$(realpath "$d")
	for m in $(awk -v d="$d/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	rm -rf "$d"
}

# Human-readable seconds since $1 (an epoch with fraction).
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
