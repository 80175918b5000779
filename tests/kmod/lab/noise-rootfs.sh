#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside a copy of the base rootfs (chroot, with the mirror reachable) when lab.sh
# builds the noise rootfs: installs the programs of the benign workload of
# tests/kmod/guest/noise.sh, then fills a local APT repository with the packages the
# workload installs (and the dependencies the image lacks), because guests have no
# network.  The image's only APT source is that repository afterwards.
#
# Usage: noise-rootfs.sh "PKGS" "REPO_PKGS"
set -eu
pkgs=$1
repo_pkgs=$2
repo=/srv/noise-repo
apt_opts="-y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io"

# maintainer scripts must not start cron or sshd inside the chroot, on the host
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT

apt-get update -qq
# shellcheck disable=SC2086
apt-get install $apt_opts $pkgs
for p in $repo_pkgs; do
	if dpkg -s "$p" >/dev/null 2>&1; then
		echo "noise-rootfs: $p is already in the image: the workload could not install it" >&2
		exit 1
	fi
done

# what installing them needs that the image lacks: exactly what apt would download
apt-get clean
# shellcheck disable=SC2086
apt-get install $apt_opts --download-only $repo_pkgs
rm -rf "$repo"
mkdir -p "$repo"
mv /var/cache/apt/archives/*.deb "$repo/"
cd "$repo"
dpkg-scanpackages --multiversion . >Packages 2>/dev/null
{
	echo "Origin: saker-noise"
	echo "Label: saker-noise"
	echo "Date: $(date -Ru)"
	echo "Architectures: amd64"
	echo "SHA256:"
	printf ' %s %s Packages\n' "$(sha256sum Packages | cut -d' ' -f1)" "$(stat -c %s Packages)"
} >Release
chmod -R a+rX "$repo"
# the only source: the local repository, unsigned, trusted as such
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
echo "deb [trusted=yes] file:$repo ./" >/etc/apt/sources.list.d/noise-repo.list
apt-get clean
ls "$repo"
