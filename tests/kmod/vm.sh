#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a lab guest (built by lab.sh) and run one shell command in it as root, with
# stdout and stderr streamed back; exit with the command's exit code.
#
# Usage: vm.sh --suite SUITE [options] -- 'shell command'
#   --ship DIR     DIR's contents are unpacked at /job in the guest (the command's cwd)
#   --out DIR      what the command writes under /out comes back here, with .rc,
#                  .dmesg, .tainted, console.log and qemu.log
#   --image KIND   base (default), bench (lab.sh --bench), noise (lab.sh --noise,
#                  bookworm only), or the path of an ext4
#                  image of a root with /lab/guest-init (the package tests' booted root)
#   --timeout S    kill the guest after S seconds (default 600)
#   --smp N        vCPUs (default 2)           --mem MiB  (default 2048)
#   --icount       deterministic instruction counting: -icount shift=0,sleep=off,
#                  single-threaded TCG and one vCPU (1 virtual ns = 1 instruction)
#   --append ARGS  more kernel command line
# Exit code: the command's; 124 = timeout; 125 = the guest died without reporting.
# TCG by default (SAKER_TCG_THREAD=single: one host thread for every vCPU, else one
# each): KVM only with SAKER_LAB_KVM=1 (it hangs with Debian kernels on
# hosts whose KVM is a PVM hypervisor).  The rootfs is opened with snapshot=on.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
LOG_TAG=vm

suite= ship= out= image=base tmo=600 smp=2 mem=2048 icount= append=
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=$2; shift ;;
	--ship) ship=$2; shift ;;
	--out) out=$2; shift ;;
	--image) image=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--icount) icount=1 ;;
	--append) append=$2; shift ;;
	--) shift; break ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument: $1" ;;
	esac
	shift
done
[ -n "$suite" ] && [ $# -gt 0 ] || { usage >&2; exit 2; }
load_suite_env "$suite"
case $image in
base) img=${ROOTIMG:-} ;;
bench) img=${BENCHIMG:-} ;;
noise) img=${NOISEIMG:-} ;;
*) [ -f "$image" ] && img=$image || die "unknown image $image" ;;
esac
[ -n "$img" ] && [ -f "$img" ] && [ -f "${KERNEL:-}" ] || { log "no $image image for $suite: run lab.sh"; exit 125; }

tmp=$(mktemp -d /var/tmp/saker-vm.XXXXXX)
qpid=
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%s\n' "$*" >"$tmp/cmd.sh"
if [ -n "$ship" ]; then
	tar -cf "$tmp/payload.tar" -C "$ship" . && tar -rf "$tmp/payload.tar" -C "$tmp" cmd.sh
else
	tar -cf "$tmp/payload.tar" -C "$tmp" cmd.sh
fi || die "cannot pack $ship"
truncate -s "${SAKER_VM_OUTSIZE:-256M}" "$tmp/out.img"
: >"$tmp/stdout"
: >"$tmp/stderr"

if [ -n "${SAKER_LAB_KVM:-}" ]; then
	accel=(-accel kvm -cpu host)
elif [ -n "$icount" ]; then
	smp=1	# icount runs single-threaded TCG; with two vCPUs the guest hangs at boot
	accel=(-accel tcg,thread=single -cpu max -icount shift=0,sleep=off)
else
	accel=(-accel "tcg,thread=${SAKER_TCG_THREAD:-multi}" -cpu max)
fi
bios=()
[ ! -f /usr/share/qemu/qboot.rom ] || bios=(-bios /usr/share/qemu/qboot.rom)

t0=$(date +%s.%N)
# shellcheck disable=SC2086
timeout -k 5 "$tmo" qemu-system-x86_64 "${accel[@]}" "${bios[@]}" -M pc -smp "$smp" -m "$mem" \
	-nodefaults -no-user-config -display none -monitor none -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 quiet loglevel=4 panic=-1 softlockup_panic=1 rdinit=/init $append" \
	-drive "file=$img,if=virtio,format=raw,snapshot=on,cache=unsafe" \
	-drive "file=$tmp/payload.tar,if=virtio,format=raw,readonly=on" \
	-drive "file=$tmp/out.img,if=virtio,format=raw,cache=unsafe" \
	-serial "file:$tmp/console.log" -serial "file:$tmp/stdout" -serial "file:$tmp/stderr" \
	${SAKER_QEMU_EXTRA:-} </dev/null >"$tmp/qemu.log" 2>&1 &
qpid=$!
tail -n +1 -s 0.2 -f --pid=$qpid "$tmp/stdout" &
t1=$!
tail -n +1 -s 0.2 -f --pid=$qpid "$tmp/stderr" >&2 &
t2=$!
wait $qpid
qrc=$?
qpid=
wait $t1 $t2 2>/dev/null

mkdir -p "$tmp/o"
tar -xf "$tmp/out.img" -C "$tmp/o" 2>/dev/null
if [ -f "$tmp/o/.rc" ]; then
	rc=$(cat "$tmp/o/.rc")
elif [ $qrc -eq 124 ]; then
	rc=124
else
	rc=125
fi
if [ -n "$out" ]; then
	mkdir -p "$out"
	cp -a "$tmp/o/." "$out/"
	cp "$tmp/console.log" "$tmp/qemu.log" "$out/"
fi
if [ "$rc" = 124 ] || [ "$rc" = 125 ] || [ -n "${SAKER_VERBOSE:-}" ]; then
	log "qemu rc=$qrc guest rc=$rc; console tail:"
	tail -n 40 "$tmp/console.log" "$tmp/qemu.log" >&2
fi
log "$suite: rc=$rc wall=$(since "$t0")s"
exit "$rc"
