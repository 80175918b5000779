#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what saker needs to build and test on Debian 12 or 13 (run as root).
#   scripts/deps.sh           build dependencies
#   scripts/deps.sh --test    plus test tools (cmocka, clang for fuzzing, QEMU guest tools)
set -eu
pkgs="build-essential autoconf automake libtool pkg-config
      libyaml-dev libfastjson-dev libsystemd-dev libestr-dev libelf-dev libcmocka-dev"
if [ "${1:-}" = --test ]; then
	pkgs="$pkgs clang libclang-rt-dev python3 qemu-system-x86 qemu-utils debootstrap
	      busybox-static cpio e2fsprogs kmod bc flex bison systemd rsyslog man-db mandoc
	      rsyslog-relp dpkg-dev iproute2 zlib1g-dev
	      git xz-utils apt-utils gpg openssl util-linux"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
