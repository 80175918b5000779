#!/bin/bash
# SPDX-License-Identifier: MIT
# Firing cases of the default rules from real driver output: cuts, from the capture
# of a guest run of tests/kmod/guest/t-rules.sh, one small capture per default rule
# that fired there (saker cut: the alerting process, the ancestors it needs, their
# original records up to the alert) into tests/rules/data/captured/RULE.cap, and
# writes tests/rules/default-captured.yaml with one case per rule expecting what
# that alert showed.  Rerun it after changing the driver's event records, the
# capture format or t-rules.sh, and commit the results with the change.
#
#   tests/rules/cut-captures.sh [--kernel VERSION] [--suite NAME] [GUEST_DIR]
#
# GUEST_DIR holds the run's rules.cap and rules-site.yaml; default: the newest
# /var/tmp/saker-lab/runs/*/bookworm/guest (tests/kmod/run.sh --suite bookworm).
# The kernel version and suite named in the YAML header are read from the run
# directory (../kver, dmesg.txt, the directory names) unless given.  SAKER_BUILD
# names the build directory (default: build).  Needs jq.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
saker=${SAKER_BUILD:-$top/build}/saker
cases=$top/tests/rules
out_dir=$cases/data/captured
out_yaml=$cases/default-captured.yaml
site=$cases/data/site-guest.yaml

kver='' suite=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kver=$2; shift 2 ;;
	--suite) suite=$2; shift 2 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "cut-captures.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -gt 0 ]; then
	dir=$1
else
	dir=$(ls -d /var/tmp/saker-lab/runs/*/bookworm/guest 2>/dev/null | sort | tail -1)
	[ -n "$dir" ] || { echo "cut-captures.sh: no guest run found; give its directory" >&2; exit 2; }
fi
for f in "$dir/rules.cap" "$dir/rules-site.yaml"; do
	[ -r "$f" ] || { echo "cut-captures.sh: $f: not found (a run of t-rules.sh leaves it)" >&2; exit 1; }
done
[ -x "$saker" ] || { echo "cut-captures.sh: $saker not built (set SAKER_BUILD)" >&2; exit 1; }
command -v jq >/dev/null || { echo "cut-captures.sh: needs jq" >&2; exit 1; }

# The cases load data/site-guest.yaml in place of the run's own site file: the same items.
if ! diff <(grep -v '^#' "$site") "$dir/rules-site.yaml" >/dev/null; then
	echo "cut-captures.sh: $dir/rules-site.yaml differs from ${site#"$top"/}; update that file first:" >&2
	diff <(grep -v '^#' "$site") "$dir/rules-site.yaml" >&2 || true
	exit 1
fi
if [ -z "$kver" ] && [ -r "$dir/../kver" ]; then kver=$(cat "$dir/../kver"); fi
if [ -z "$kver" ] && [ -r "$dir/dmesg.txt" ]; then
	kver=$(sed -n 's/.*Linux version \([^ ]*\).*/\1/p' "$dir/dmesg.txt" | head -1)
fi
if [ -z "$suite" ] && [ "$(basename "$dir")" = guest ]; then suite=$(basename "$(dirname "$dir")"); fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rules=(-r "$top/rules" -r "$site")
# rule_matching as the other default-*.yaml: first (the default), so no options here
"$saker" replay --json "${rules[@]}" "$dir/rules.cap" >"$tmp/first.json"
"$saker" replay --json -o rule_matching=all "${rules[@]}" "$dir/rules.cap" >"$tmp/all.json"
date=$(jq -r .time "$tmp/first.json" | head -1 | cut -c1-10)

count() { jq -s --arg r "$2" 'map(select(.rule == $r)) | length' "$1"; } # FILE RULE
slug() { tr '[:upper:]' '[:lower:]' <<<"$1" | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//'; }
q() { jq -Rn --arg s "$1" '$s'; } # a YAML double-quoted scalar (JSON string syntax)
# a rule name as it is (plain words) or quoted
plain() { if [[ $1 =~ ^[A-Za-z][A-Za-z0-9\ ,.-]*$ ]]; then printf '%s' "$1"; else q "$1"; fi; }

rm -f "$out_dir"/*.cap
mkdir -p "$out_dir"
: >"$tmp/cases" ; : >"$tmp/missing"
ncases=0
while IFS= read -r rule; do
	n=$(count "$tmp/first.json" "$rule")
	if [ "$n" = 0 ]; then
		if [ "$(count "$tmp/all.json" "$rule")" != 0 ]; then
			why="an earlier rule alerts for the same event (it fires with rule_matching: all)"
		else
			why="t-rules.sh does not produce the behaviour"
		fi
		printf '#   %s: %s\n' "$rule" "$why" >>"$tmp/missing"
		continue
	fi
	piece=$out_dir/$(slug "$rule").cap
	cut=
	for nth in $(seq 1 "$n"); do
		if "$saker" cut "${rules[@]}" --rule "$rule" --nth "$nth" -w "$piece" \
			"$dir/rules.cap" 2>"$tmp/err"; then
			cut=$nth; break
		fi
	done
	if [ -z "$cut" ]; then
		printf '#   %s: no alert of it reproduces from its processes alone (%s)\n' "$rule" \
			"$(tail -1 "$tmp/err")" >>"$tmp/missing"
		continue
	fi
	sed 's/^saker cut: //' "$tmp/err" >&2
	target=$(jq -r --arg r "$rule" 'select(.rule == $r) | .output' "$tmp/first.json" |
		sed -n "${cut}p")
	"$saker" replay --json "${rules[@]}" "$piece" >"$tmp/piece.json"
	cmdline=$(jq -r --arg r "$rule" --arg o "$target" \
		'select(.rule == $r and .output == $o) | .output_fields["proc.cmdline"] // empty' \
		"$tmp/piece.json" | head -1)
	{
		printf '\n  - name: %s\n' "$(q "guest capture: ${cmdline:-$rule}")"
		printf '    rule: %s\n' "$(plain "$rule")"
		printf '    capture: data/captured/%s\n' "$(basename "$piece")"
		printf '    expect:\n'
		# every alert of the piece in order; the cut one with the fields an analyst reads
		jq -r --arg r "$rule" --arg o "$target" '
			def fields: to_entries | map(select(.key | test(
				"^(proc\\.(cmdline|pname|pcmdline|aname\\[[0-9]+\\])|user\\.(name|loginname)" +
				"|fd\\.(name|[scdlr]ip|[scdlr]port)|container\\.(id|name))$")));
			def plain: if test("^[A-Za-z][A-Za-z0-9 ,.-]*$") then . else tojson end;
			"      - rule: \(.rule | plain)",
			"        priority: \(.priority | ascii_upcase)",
			if .rule == $r and .output == $o then
				"        output_fields:",
				(.output_fields | fields[] |
				 "          \(.key | if test("^[a-z._]+$") then . else tojson end): " +
				 (.value | tojson))
			else empty end' "$tmp/piece.json"
	} >>"$tmp/cases"
	ncases=$((ncases + 1))
done < <(grep -h '^- rule: ' "$top"/rules/*.yaml | sed 's/^- rule: *//; s/^"\(.*\)"$/\1/')

{
	cat <<EOF
# Generated by tests/rules/cut-captures.sh: do not edit, rerun it.
# Firing cases of the default rules from real driver output, cut from the capture
# of a guest run of tests/kmod/guest/t-rules.sh: $date, saker.ko and sakerd in a
# Debian ${suite:-?} guest, kernel ${kver:-?}.
# Each data/captured/*.cap (made by saker cut) holds a snapshot of the alerting
# process and of the ancestors its alert needs, then their original records up to
# the alert.  Each case expects every alert of its capture, the cut one with the
# fields it showed in the guest.  The rules load the run's site file
# (data/site-guest.yaml); rule_matching is first, as in the other default-*.yaml.
# Rerun after changing the driver's event records, the capture format or t-rules.sh:
#   SAKER_BUILD_DIR=\$PWD/build tests/kmod/run.sh --suite bookworm --quick
#   tests/rules/cut-captures.sh
# No case here for:
EOF
	cat "$tmp/missing"
	printf '# Format: docs/rule-tests.md.\n'
	printf 'rules: [../../rules, data/site-guest.yaml]\n\ncases:'
	cat "$tmp/cases"
} >"$out_yaml"

"$saker" test "$out_yaml" >"$tmp/test" || { cat "$tmp/test"; echo "cut-captures.sh: the cases fail" >&2; exit 1; }
echo "cut-captures.sh: $ncases cases in ${out_yaml#"$top"/}, $(cat "$out_dir"/*.cap | wc -c) bytes of captures in ${out_dir#"$top"/}"
sed 's/^#   /cut-captures.sh: no case: /' "$tmp/missing"
