#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Upgrade test: version N of the packages from the repository, a locally changed
# configuration, then version N+1 from the same repository.
#
# Usage: packaging/deb/test-upgrade.sh [-d DIR] [-n DIR] [--keep] [SUITE]
#   SUITE   bookworm (default) or trixie
#   -d DIR  version N's packages (default /var/tmp/saker-deb/SUITE, as build.sh writes them)
#   -n DIR  version N+1's packages; when DIR holds none, N+1 is built there first (see
#           below); without -n it is built in the work directory
#   --keep  keep the root and the repository
#
# Version N+1 is this tree with configure.ac's version raised by one patch level and a
# changed default in the shipped /etc/saker/saker.yaml (a new comment line), built with
# build.sh like any release, so the upgrade replaces every file, the DKMS module
# (a new /usr/src/saker-VERSION) and a conffile the admin has changed.
#
# In a minimal root of SUITE: apt-get install saker saker-dkms rsyslog-saker N with
# the headers of the suite's cloud kernel; change /etc/saker/saker.yaml and add a
# rules.d file; add N+1 to the repository; apt-get update and apt-get upgrade, with
# dpkg told to keep changed conffiles (--force-confdef --force-confold, what an
# unattended upgrade does).  Checks: all three packages at N+1; sakerd --version is
# N+1; DKMS has N+1 built and installed for the kernel and N gone; the changed
# saker.yaml and the local rules file are kept, N+1's saker.yaml waits next to it as
# saker.yaml.dpkg-dist; sakerd --dry-run accepts the kept configuration.  Prints one
# line per check and "N passed, M failed".  Needs root and the network (Debian's
# mirror) for the root's own packages.
set -euo pipefail
LOG_TAG=test-upgrade
. "$(dirname "$0")/lib.sh"

parse_args -n -- "$@"

# build_next: N+1 from a copy of this tree (the files build.sh would export), in $next.
build_next() {
	local src=$work/next-src nextup rc=0
	nextup=$(echo "$upstream" | awk -F. -v OFS=. '{ $NF = $NF + 1; print }')
	log "building $nextup (N+1) in $next"
	mkdir -p "$src"
	(cd "$PKG_ROOT" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null --no-recursion -T - -cf -) | tar -xf - -C "$src"
	sed -i "s/^\(AC_INIT(\[saker\],[[:space:]]*\[\)$upstream\]/\1$nextup]/" "$src/configure.ac"
	grep -q "^AC_INIT(\[saker\],[[:space:]]*\[$nextup\]" "$src/configure.ac" ||
		die "cannot raise the version in configure.ac"
	printf '\n# Changed in %s.\n' "$nextup" >>"$src/packaging/deb/debian/extra/saker.yaml"
	git -C "$src" init -q
	git -C "$src" add -A
	git -C "$src" -c user.name=saker -c user.email=saker@localhost commit -q -m "saker $nextup"
	DEB_BUILD_OPTIONS=nocheck "$src/packaging/deb/build.sh" --head -o "$next" "$suite" \
		>"$work/build-next.log" 2>&1 || rc=$?
	# 3: built, but lintian has something to say; the build of N reports that
	[ $rc = 0 ] || [ $rc = 3 ] || { tail -n 30 "$work/build-next.log" >&2; die "building N+1 failed"; }
}

work_init
next=${next:-$work/next}
ls "$next"/saker_*_amd64.changes >/dev/null 2>&1 || build_next
nchanges=$(changes_of "$next")
nversion=$(version_of "$nchanges")
nupstream=${nversion%-*}
dpkg --compare-versions "$nversion" gt "$version" || die "$nversion is not newer than $version"
log "upgrade $version -> $nversion"

serve_repo repo "$changes"
root_init
root_add_repo repo
in_root apt-get -q update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; die "apt-get update failed"; }

# ---- version N -----------------------------------------------------------------------
check "apt-get install saker saker-dkms rsyslog-saker $version" \
	in_root "${APT_INSTALL[@]}" "linux-headers-$kver" saker saker-dkms rsyslog-saker
sed -i 's/^priority: debug$/priority: notice/' "$root/etc/saker/saker.yaml"
grep -q '^priority: notice$' "$root/etc/saker/saker.yaml" || die "cannot change saker.yaml"
cat >"$root/etc/saker/rules.d/50-local.yaml" <<'EOF'
# A site's own list addition, kept over upgrades.
- list: credential_readers
  items: [backup-agent]
  override:
    items: append
EOF
cp "$root/etc/saker/saker.yaml" "$work/saker.yaml.local"

# ---- version N+1 ---------------------------------------------------------------------
serve_repo repo "$nchanges"
check "apt-get update sees $nversion" \
	sh -c "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot '$root' apt-get -q update >/dev/null &&
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot '$root' apt-cache policy saker |
		grep -q 'Candidate: $nversion'"
log "apt-get upgrade to $nversion (DKMS builds the new module)"
check "apt-get upgrade (changed conffiles kept, unattended)" \
	in_root apt-get upgrade -y -q -o Dpkg::Options::=--force-confdef \
	-o Dpkg::Options::=--force-confold
versions() {
	local p v bad=0
	for p in saker saker-dkms rsyslog-saker; do
		v=$(in_root dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$p")
		echo "$p $v"
		[ "$v" = "$nversion ii " ] || bad=1
	done
	return $bad
}
check "saker, saker-dkms and rsyslog-saker are $nversion" versions
check "sakerd --version says $nupstream" sakerd_version "$nupstream"
dkms_moved() {
	local st m v
	st=$(in_root dkms status saker)
	echo "$st"
	echo "$st" | grep -q "^saker/$nupstream, $kver, x86_64: installed" || return 1
	! echo "$st" | grep -q "^saker/$upstream[,:]" || return 1
	[ ! -e "$root/usr/src/saker-$upstream" ] || { echo "/usr/src/saker-$upstream is left"; return 1; }
	m=$(root_module)
	v=$(in_root modinfo -F version "${m#"$root"}")
	echo "installed module: $m, version $v"
	[ "$v" = "$nupstream" ]
}
check "DKMS: saker $nupstream built and installed for $kver, $upstream removed" dkms_moved
conffile_kept() {
	cmp "$work/saker.yaml.local" "$root/etc/saker/saker.yaml" || return 1
	[ -f "$root/etc/saker/saker.yaml.dpkg-dist" ] || { echo "no saker.yaml.dpkg-dist"; return 1; }
	grep -q "^# Changed in $nupstream\.$" "$root/etc/saker/saker.yaml.dpkg-dist"
}
check "the changed saker.yaml is kept, $nupstream's is saker.yaml.dpkg-dist" conffile_kept
check "the local rules.d file is kept" grep -q backup-agent "$root/etc/saker/rules.d/50-local.yaml"
check "sakerd --dry-run accepts the kept configuration and local rules" \
	env -i PATH=/usr/sbin:/usr/bin chroot "$root" sakerd --dry-run
summary
