#!/bin/bash
# SPDX-License-Identifier: MIT
# The saker tool from the outside: exit codes, error positions, golden
# replay output.  Prints PASS:/FAIL: lines (tests/run.sh counts them).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
saker=${SAKER_BUILD:-$top/build}/saker
data=$top/tests/cli/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ok() { echo "PASS: cli: $1"; }
ko() { echo "FAIL: cli: $1${2:+: $2}"; }
check() { # name command...
	local name=$1; shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}

# --help and --version
check "help exits 0" bash -c "'$saker' --help >/dev/null"
check "version" bash -c "'$saker' --version | grep -q '^saker [0-9]'"
"$saker" frobnicate >/dev/null 2>&1; rc=$?
check "unknown command exits 2" test "$rc" = 2

# validate: the default rules are clean, without warnings
out=$("$saker" validate "$top/rules" 2>&1); rc=$?
check "default rules validate" test "$rc" = 0
if printf '%s\n' "$out" | grep -q 'warning:'; then ko "default rules have no warnings" "$out"
else ok "default rules have no warnings"; fi

# validate: every error with FILE:LINE:COL, exit 1
"$saker" validate "$data/bad-rules.yaml" 2>"$tmp/err" >/dev/null; rc=$?
check "bad rules exit 1" test "$rc" = 1
for want in "bad-rules.yaml:8:5: error: unknown field 'proc.nme'" \
	    "bad-rules.yaml:16:13: error: invalid priority 'LOUD'" \
	    "bad-rules.yaml:20:14: error: unbalanced parenthesis"; do
	if grep -qF "$want" "$tmp/err"; then ok "validate reports '$want'"
	else ko "validate reports '$want'" "$(cat "$tmp/err")"; fi
done
"$saker" validate "$data/does-not-exist.yaml" 2>"$tmp/err" >/dev/null; rc=$?
check "missing file exits 1" test "$rc" = 1

# list-fields: text and JSON
check "list-fields text has proc.name" bash -c "'$saker' list-fields | grep -q '^proc.name'"
check "list-fields json parses" bash -c "'$saker' list-fields --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(f[\"name\"]==\"fd.name\" for f in d)'"

# replay: golden text and JSON output of the shipped example
"$saker" replay "$top/examples/demo.jsonl" -r "$top/rules" >"$tmp/demo.txt" 2>"$tmp/err"
if diff -u "$data/demo.txt" "$tmp/demo.txt" >"$tmp/diff"; then ok "replay demo text matches golden"
else ko "replay demo text matches golden" "$(head -20 "$tmp/diff")"; fi
"$saker" replay --json "$top/examples/demo.jsonl" -r "$top/rules" 2>>"$tmp/err" |
	sed 's/"hostname":"[^"]*"/"hostname":"H"/' >"$tmp/demo.json"
sed 's/"hostname":"[^"]*"/"hostname":"H"/' "$data/demo.json" >"$tmp/golden.json"
if diff -u "$tmp/golden.json" "$tmp/demo.json" >"$tmp/diff"; then ok "replay demo JSON matches golden"
else ko "replay demo JSON matches golden" "$(head -20 "$tmp/diff")"; fi
check "replay demo prints no errors" test ! -s "$tmp/err"

# replay: a bad line is reported with file and line, the rest still runs
{ head -3 "$top/examples/demo.jsonl"; echo '{"type":"openat","tid":1,"pid":1,"args":{"flags":"O_BOGUS"}}'; tail -n +4 "$top/examples/demo.jsonl"; } >"$tmp/bad.jsonl"
"$saker" replay "$tmp/bad.jsonl" -r "$top/rules" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "replay with a bad line exits 1" test "$rc" = 1
check "bad line reported with file:line" grep -q 'bad.jsonl:4: ' "$tmp/err"
n=$(wc -l <"$tmp/out"); g=$(wc -l <"$data/demo.txt")
check "replay continues after a bad line" test "$n" = "$g"

# replay: an overlong line is refused with its number, the next lines still run
{ head -1 "$top/examples/demo.jsonl"; printf '{"type":"openat","tid":1,"pid":1,"args":{"name":"'
  head -c 2100000 /dev/zero | tr '\0' A; printf '"}}\n'; sed -n 4p "$top/examples/demo.jsonl"; } >"$tmp/long.jsonl"
"$saker" replay "$tmp/long.jsonl" -r "$top/rules" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "overlong line reported with its number" grep -q 'long.jsonl:2: line longer than' "$tmp/err"
check "replay continues after an overlong line" test "$(wc -l <"$tmp/out")" = 1
exit 0
