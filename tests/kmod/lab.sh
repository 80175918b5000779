#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (or reuse) the guest lab under $SAKER_LAB (default /var/tmp/saker-lab):
# per suite, Debian's cloud kernel image unpacked (never installed on the host), a
# busybox initramfs that loads its virtio modules and an ext4 image of the guest
# rootfs (a debootstrap minbase of bookworm); and the build environment for the
# module: the host's linux-headers for the host suite, a debootstrap chroot of the
# suite at $SAKER_LAB/chroot/SUITE otherwise.  Every step is cached; a second run
# takes seconds.
#
# Usage: lab.sh [--suite SUITE|all]... [--buildenv] [--bench] [--noise] [--force] [--refresh]
#   --suite     bookworm, trixie, sid, ... or all (= bookworm trixie); default all
#   --buildenv  only what building the module needs (headers or chroot)
#   --bench     also the bench rootfs (adds sysdig) and its image
#   --noise     also the noise rootfs (compilers, cron, logrotate, OpenSSH and a local
#               APT repository, for guest/noise.sh) and its image, for bookworm only
#   --force     rebuild the kernel, rootfs, initramfs and images
#   --refresh   apt-get update the package lists (may move to a newer kernel)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
LOG_TAG=lab

suites=() buildenv_only= bench= noise= force=
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suites+=("${2:?--suite needs a value}"); shift ;;
	--suite=*) suites+=("${1#*=}") ;;
	--buildenv) buildenv_only=1 ;;
	--bench) bench=1 ;;
	--noise) noise=1 ;;
	--force) force=1 ;;
	--refresh) export SAKER_LAB_REFRESH=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument: $1" ;;
	esac
	shift
done
[ ${#suites[@]} -gt 0 ] || suites=(all)
list=()
for s in "${suites[@]}"; do
	for x in ${s//,/ }; do
		if [ "$x" = all ]; then list+=(bookworm trixie); else list+=("$x"); fi
	done
done
[ "$(id -u)" = 0 ] || die "needs root (apt-get, debootstrap, chroot)"
mkdir -p "$SAKER_LAB"/{debs,kernel,initrd,rootfs,img,suite,chroot}

# locked NAME CMD...: run CMD holding $SAKER_LAB/.lock-NAME, so that concurrent lab.sh
# runs (say, a background sid build) wait only for the part they share.
locked() {
	local name=$1
	shift
	(
		flock 9
		"$@"
	) 9>"$SAKER_LAB/.lock-$name"
}
APT_LOCK=(-o DPkg::Lock::Timeout=600)

# ---- host tools --------------------------------------------------------------------
host_deps() {
	local need=(qemu-system-x86 debootstrap busybox-static cpio e2fsprogs kmod build-essential
		xz-utils zstd util-linux) missing=() p
	for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -gt 0 ] || return 0
	log "apt-get install ${missing[*]}"
	suite_lists "$HOST_SUITE"
	apt-get "${APT_LOCK[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update -qq >&2 &&
			apt-get "${APT_LOCK[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2; } ||
		die "cannot install ${missing[*]}"
}

# debootstrap SUITE into DIR with PKGS (comma list), output to LOG.  dpkg runs with
# force-unsafe-io during the second stage (no fsync per file: ~40 % faster here);
# the setting is removed afterwards.
bootstrap() {
	local suite=$1 dir=$2 pkgs=$3 logf=$4 cfg=$2/etc/dpkg/dpkg.cfg.d/saker-unsafe-io
	rm_tree "$dir"
	{
		debootstrap --foreign --variant=minbase --include="$pkgs" "$suite" "$dir" "$SAKER_MIRROR" &&
			mkdir -p "${cfg%/*}" && echo force-unsafe-io >"$cfg" &&
			chroot "$dir" /debootstrap/debootstrap --second-stage
	} >"$logf" 2>&1 || { tail -n 20 "$logf" >&2; die "debootstrap $suite failed (log: $logf)"; }
	rm -f "$cfg" "$dir"/var/cache/apt/archives/*.deb
}

# ---- build environment -------------------------------------------------------------
host_headers() {
	local kver=$1
	dpkg -s "linux-headers-$kver" >/dev/null 2>&1 && return 0
	log "apt-get install linux-headers-$kver"
	apt-get "${APT_LOCK[@]}" install -y -qq --no-install-recommends "linux-headers-$kver" >&2 ||
		die "cannot install linux-headers-$kver"
}

# debootstrap chroot of SUITE with the compiler and kbuild the suite's kernel was built with.
suite_chroot() {
	local suite=$1 kver=$2 c=$SAKER_LAB/chroot/$1 t0
	if [ ! -f "$c/.saker-chroot" ]; then
		t0=$(date +%s.%N)
		log "debootstrap $suite chroot with linux-headers-$kver (a few minutes)"
		bootstrap "$suite" "$c.tmp" "build-essential,linux-headers-$SAKER_FLAVOUR,linux-headers-$kver,kmod" \
			"$SAKER_LAB/chroot/$suite.log"
		echo "$suite" >"$c.tmp/.saker-chroot"
		rm_tree "$c"
		mv "$c.tmp" "$c"
		log "chroot $suite ready in $(since "$t0") s"
	fi
	if [ ! -d "$c/usr/src/linux-headers-$kver" ]; then
		# the lists moved on since the chroot was made: install the new headers
		log "chroot $suite: apt-get install linux-headers-$kver"
		in_chroot "$c" sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends \
			-o Dpkg::Options::=--force-unsafe-io \
			linux-headers-$SAKER_FLAVOUR linux-headers-$kver && apt-get clean" >&2 ||
			die "cannot install linux-headers-$kver in $c"
	fi
}

# ---- guest kernel ------------------------------------------------------------------
# Unpack linux-image-KVER into $SAKER_LAB/kernel/KVER: vmlinuz, config, lib/modules/KVER.
guest_kernel() {
	local suite=$1 kver=$2 k=$SAKER_LAB/kernel/$2 x deb mdir
	[ -z "$force" ] || rm -f "$k/.done"
	[ -f "$k/.done" ] && return 0
	log "kernel $kver: apt-get download + dpkg -x"
	(cd "$SAKER_LAB/debs" && rm -f "linux-image-${kver}"_*.deb &&
		suite_apt "$suite" apt-get download -q "linux-image-$kver" >/dev/null 2>&1) ||
		die "cannot download linux-image-$kver"
	deb=$(ls "$SAKER_LAB/debs/linux-image-${kver}"_*.deb)
	x=$k.x
	rm -rf "$k" "$x"
	mkdir -p "$x" "$k/lib/modules"
	dpkg -x "$deb" "$x"
	mdir=$x/lib/modules/$kver
	[ -d "$mdir" ] || mdir=$x/usr/lib/modules/$kver
	[ -d "$mdir" ] || die "no modules in $deb"
	mv "$mdir" "$k/lib/modules/$kver"
	mv "$x/boot/vmlinuz-$kver" "$k/vmlinuz"
	mv "$x/boot/config-$kver" "$k/config"
	rm -rf "$x"
	depmod -b "$k" "$kver"
	rm -f "$deb"
	touch "$k/.done"
}

# busybox initramfs holding the (decompressed) modules needed to reach /dev/vda.
guest_initrd() {
	local kver=$1 k=$SAKER_LAB/kernel/$1 out=$SAKER_LAB/initrd/$1.img st ir m f b
	st=$(stamp_of "$KMOD_TESTS/lab/initramfs-init" /bin/busybox "$kver")
	[ -z "$force" ] && [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$st" ] && return 0
	log "initramfs for $kver"
	ir=$(mktemp -d "$SAKER_LAB/initrd/.tmp.XXXXXX")
	mkdir -p "$ir"/{bin,dev,proc,sys,newroot,lib/modules}
	cp /bin/busybox "$ir/bin/busybox"
	install -m755 "$KMOD_TESTS/lab/initramfs-init" "$ir/init"
	: >"$ir/lib/modules/load.order"
	for m in virtio_pci virtio_blk ext4; do
		modprobe -d "$k" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r f; do
		b=$(basename "$f")
		b=${b%%.ko*}
		case $f in
		*.ko.xz) xz -dc "$f" >"$ir/lib/modules/$b.ko" ;;
		*.ko.zst) zstd -q -dc "$f" >"$ir/lib/modules/$b.ko" ;;
		*.ko.gz) gzip -dc "$f" >"$ir/lib/modules/$b.ko" ;;
		*) cp "$f" "$ir/lib/modules/$b.ko" ;;
		esac
		echo "$b" >>"$ir/lib/modules/load.order"
	done
	(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	rm -rf "$ir"
	mv "$out.tmp" "$out"
	echo "$st" >"$out.stamp"
}

# ---- guest rootfs ------------------------------------------------------------------
# The rootfs tree shared by every kernel: minbase + tools + the unprivileged test user.
rootfs_base() {
	local r=$SAKER_LAB/rootfs/base st t0
	st=$(stamp_of "$SAKER_ROOTFS_SUITE" "$SAKER_ROOTFS_PKGS" "$SAKER_TEST_USER:$SAKER_TEST_UID")
	[ -z "$force" ] && [ "$(cat "$r.stamp" 2>/dev/null)" = "$st" ] && return 0
	t0=$(date +%s.%N)
	log "debootstrap $SAKER_ROOTFS_SUITE rootfs ($SAKER_ROOTFS_PKGS)"
	bootstrap "$SAKER_ROOTFS_SUITE" "$r.tmp" "$SAKER_ROOTFS_PKGS" "$SAKER_LAB/rootfs/base.log"
	chroot "$r.tmp" useradd -u "$SAKER_TEST_UID" -U -m -s /bin/sh "$SAKER_TEST_USER"
	echo saker-guest >"$r.tmp/etc/hostname"
	printf '127.0.0.1 localhost saker-guest\n::1 localhost\n' >"$r.tmp/etc/hosts"
	: >"$r.tmp/etc/fstab"
	rootfs_trim "$r.tmp"
	rm_tree "$r"
	mv "$r.tmp" "$r"
	echo "$st" >"$r.stamp"
	log "rootfs ready in $(since "$t0") s"
}

# The bench rootfs: the base tree plus the reference tracer (sysdig).
rootfs_bench() {
	local b=$SAKER_LAB/rootfs/bench st t0
	st=$(stamp_of "$(cat "$SAKER_LAB/rootfs/base.stamp")" "$SAKER_BENCH_PKGS")
	[ -z "$force" ] && [ "$(cat "$b.stamp" 2>/dev/null)" = "$st" ] && return 0
	t0=$(date +%s.%N)
	log "bench rootfs (+ $SAKER_BENCH_PKGS)"
	rm_tree "$b.tmp"
	cp -a "$SAKER_LAB/rootfs/base" "$b.tmp"
	cp /etc/resolv.conf "$b.tmp/etc/resolv.conf"
	in_chroot "$b.tmp" sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Options::=--force-unsafe-io \
		$SAKER_BENCH_PKGS" >"$SAKER_LAB/rootfs/bench.log" 2>&1 ||
		{ tail -n 20 "$SAKER_LAB/rootfs/bench.log" >&2; die "cannot install $SAKER_BENCH_PKGS"; }
	rm -f "$b.tmp.lock"
	rootfs_trim "$b.tmp"
	rm_tree "$b"
	mv "$b.tmp" "$b"
	echo "$st" >"$b.stamp"
	log "bench rootfs ready in $(since "$t0") s"
}

# The noise rootfs: the base tree plus the programs of the benign workload
# (guest/noise.sh) and the local APT repository it installs from
# (lab/noise-rootfs.sh, run in the tree).
rootfs_noise() {
	local n=$SAKER_LAB/rootfs/noise st t0
	st=$(stamp_of "$(cat "$SAKER_LAB/rootfs/base.stamp")" "$SAKER_NOISE_PKGS" \
		"$SAKER_NOISE_REPO_PKGS" "$KMOD_TESTS/lab/noise-rootfs.sh")
	[ -z "$force" ] && [ "$(cat "$n.stamp" 2>/dev/null)" = "$st" ] && return 0
	t0=$(date +%s.%N)
	log "noise rootfs (+ $SAKER_NOISE_PKGS; local repository of $SAKER_NOISE_REPO_PKGS)"
	rm_tree "$n.tmp"
	cp -a "$SAKER_LAB/rootfs/base" "$n.tmp"
	cp /etc/resolv.conf "$n.tmp/etc/resolv.conf"
	install -m755 "$KMOD_TESTS/lab/noise-rootfs.sh" "$n.tmp/tmp/noise-rootfs.sh"
	in_chroot "$n.tmp" sh /tmp/noise-rootfs.sh "$SAKER_NOISE_PKGS" "$SAKER_NOISE_REPO_PKGS" \
		>"$SAKER_LAB/rootfs/noise.log" 2>&1 ||
		{ tail -n 20 "$SAKER_LAB/rootfs/noise.log" >&2; die "cannot build the noise rootfs"; }
	rm -f "$n.tmp.lock" "$n.tmp/tmp/noise-rootfs.sh"
	rootfs_trim "$n.tmp"
	rm_tree "$n"
	mv "$n.tmp" "$n"
	echo "$st" >"$n.stamp"
	log "noise rootfs ready in $(since "$t0") s"
}

rootfs_trim() {
	rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*_* \
		"$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/* "$1"/usr/share/info/*
}

# ext4 image of a rootfs tree plus KVER's modules and the lab's PID 1, made with
# mke2fs -d (no loop device); guests open it with snapshot=on so every run is pristine.
guest_image() {
	local kind=$1 kver=$2 tree=$SAKER_LAB/rootfs/$1 img=$SAKER_LAB/img/$1-$2.img st stage mb
	st=$(stamp_of "$(cat "$tree.stamp")" "$KMOD_TESTS/lab/guest-init" /bin/busybox "$kver")
	[ -z "$force" ] && [ -f "$img" ] && [ "$(cat "$img.stamp" 2>/dev/null)" = "$st" ] && return 0
	log "image $kind-$kver"
	stage=$(mktemp -d "$SAKER_LAB/img/.stage.XXXXXX")
	# hard links: the stage only adds new paths, it never writes through to the tree
	cp -al "$tree/." "$stage/"
	rm -rf "$stage"/usr/lib/modules/*
	mkdir -p "$stage/usr/lib/modules" "$stage/lab"
	cp -al "$SAKER_LAB/kernel/$kver/lib/modules/$kver" "$stage/usr/lib/modules/"
	install -m755 "$KMOD_TESTS/lab/guest-init" "$stage/lab/guest-init"
	install -m755 /bin/busybox "$stage/lab/busybox"
	mb=$(($(du -sm "$stage" | cut -f1) + 512))
	rm -f "$img.tmp"
	mke2fs -q -t ext4 -L sakerroot -d "$stage" "$img.tmp" "${mb}M" >/dev/null || die "mke2fs failed"
	rm -rf "$stage"
	mv "$img.tmp" "$img"
	echo "$st" >"$img.stamp"
}

# ---- per suite ---------------------------------------------------------------------
# What does not need the rootfs: kernel version, build environment, kernel, initramfs.
suite_prepare() {
	local suite=$1 kver env
	kver=$(locked "apt-$suite" suite_kver "$suite")
	log "$suite: kernel $kver"
	if suite_is_host "$suite"; then
		locked host host_headers "$kver"
	else
		locked "chroot-$suite" suite_chroot "$suite" "$kver"
	fi
	env=$(suite_env "$suite")
	{
		echo "SUITE=$suite"
		echo "KVER=$kver"
		echo "KHEADERS=/usr/src/linux-headers-$kver"
		if suite_is_host "$suite"; then echo "CHROOT="; else echo "CHROOT=$SAKER_LAB/chroot/$suite"; fi
	} >"$env.$BASHPID"
	mv "$env.$BASHPID" "$env"
	[ -n "$buildenv_only" ] && return 0
	locked "kernel-$kver" guest_kernel "$suite" "$kver"
	locked "kernel-$kver" guest_initrd "$kver"
}

# The images (need the rootfs trees).
suite_images() {
	local kver
	# shellcheck disable=SC1090
	kver=$(. "$(suite_env "$1")" && echo "$KVER")
	locked "kernel-$kver" guest_image base "$kver"
	[ -z "$bench" ] || locked "kernel-$kver" guest_image bench "$kver"
	[ -z "$noise" ] || [ "$1" != bookworm ] || locked "kernel-$kver" guest_image noise "$kver"
}

# run_all CMD ARG...: CMD ARG for every ARG at once; fails if any failed.
run_all() {
	local cmd=$1 pids=() p rc=0
	shift
	for a in "$@"; do
		"$cmd" "$a" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return $rc
}

t0=$(date +%s.%N)
locked host host_deps
# the debootstraps mostly wait for the mirror and dpkg: run them side by side
rootfs_trees() {
	locked rootfs rootfs_base
	[ -z "$bench" ] || locked rootfs rootfs_bench
	[ -z "$noise" ] || locked rootfs rootfs_noise
}
pids=()
if [ -z "$buildenv_only" ]; then
	rootfs_trees &
	pids+=($!)
fi
run_all suite_prepare "${list[@]}" &
pids+=($!)
for p in "${pids[@]}"; do wait "$p" || die "lab build failed"; done
[ -n "$buildenv_only" ] || run_all suite_images "${list[@]}" || die "lab build failed"
log "lab ready in $(since "$t0") s (${list[*]}; $SAKER_LAB)"
