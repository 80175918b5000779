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

# capture files: JSON lines turned into a capture replay to the same alerts
"$saker" replay --write-capture "$tmp/demo.cap" --hostname capturehost "$top/examples/demo.jsonl" \
	2>"$tmp/err"; rc=$?
check "write-capture exits 0" test "$rc" = 0
check "write-capture prints nothing" test ! -s "$tmp/err"
check "capture starts with its magic" test "$(head -c 8 "$tmp/demo.cap")" = SAKERCAP
"$saker" replay "$tmp/demo.cap" -r "$top/rules" >"$tmp/cap.txt" 2>"$tmp/err"; rc=$?
check "capture replay exits 0" test "$rc" = 0
check "capture replay prints no errors" test ! -s "$tmp/err"
if cmp -s "$tmp/demo.txt" "$tmp/cap.txt"; then ok "capture replay text identical to JSON lines"
else ko "capture replay text identical to JSON lines" "$(diff "$tmp/demo.txt" "$tmp/cap.txt" | head -10)"; fi
"$saker" replay --json "$top/examples/demo.jsonl" -r "$top/rules" >"$tmp/a.json" 2>/dev/null
"$saker" replay --json "$tmp/demo.cap" -r "$top/rules" >"$tmp/b.json" 2>/dev/null
n=$(wc -l <"$tmp/b.json")
check "capture alerts carry the capture's host name" \
	test "$n" -gt 0 -a "$(grep -c '"hostname":"capturehost"' "$tmp/b.json")" = "$n"
if cmp -s <(sed 's/"hostname":"[^"]*"/"hostname":"H"/' "$tmp/a.json") \
	  <(sed 's/"hostname":"[^"]*"/"hostname":"H"/' "$tmp/b.json"); then
	ok "capture replay JSON identical to JSON lines"
else ko "capture replay JSON identical to JSON lines"; fi
"$saker" replay - -r "$top/rules" <"$tmp/demo.cap" >"$tmp/out" 2>&1
check "capture replay from a redirected stdin" cmp -s "$tmp/out" "$tmp/demo.txt"
cat "$tmp/demo.cap" | "$saker" replay - -r "$top/rules" >"$tmp/out" 2>&1
check "capture replay from a pipe" cmp -s "$tmp/out" "$tmp/demo.txt"
"$saker" replay --stats "$tmp/demo.cap" -r "$top/rules" >/dev/null 2>"$tmp/err"
check "capture --stats counts" grep -q "demo.cap: 10 events, $(wc -l <"$data/demo.txt") alerts, " "$tmp/err"
check "capture --stats names the host" grep -q 'demo.cap: captured on capturehost' "$tmp/err"

# capture files: cut short or damaged -> the offset, the alerts before it, exit 1
size=$(stat -c %s "$tmp/demo.cap")
cuts_ok=1
for cut in 1 5 60 111 112 120 400 $((size / 2)) $((size - 17)) $((size - 1)); do
	head -c "$cut" "$tmp/demo.cap" >"$tmp/cut.cap"
	"$saker" replay "$tmp/cut.cap" -r "$top/rules" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" != 1 ] || ! grep -q "cut.cap: damaged at byte [0-9]*: " "$tmp/err" ||
	   ! head -n "$(wc -l <"$tmp/out")" "$data/demo.txt" | cmp -s - "$tmp/out"; then
		cuts_ok=0; ko "capture cut at $cut bytes" "rc=$rc $(head -3 "$tmp/err")"
	fi
done
[ "$cuts_ok" = 1 ] && ok "capture cut short: offset reported, earlier alerts kept, exit 1"
head -c $((size - 16)) "$tmp/demo.cap" >"$tmp/cut.cap"
"$saker" replay "$tmp/cut.cap" -r "$top/rules" >"$tmp/out" 2>"$tmp/err"
check "capture without its end block keeps every alert" cmp -s "$tmp/out" "$data/demo.txt"
check "capture without its end block names the spot" \
	grep -q "cut.cap: damaged at byte $((size - 16)): file ends without its end block" "$tmp/err"
cp "$tmp/demo.cap" "$tmp/flip.cap"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[200]^=4; open(p,"wb").write(b)' \
	"$tmp/flip.cap"
"$saker" replay "$tmp/flip.cap" -r "$top/rules" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "flipped bit exits 1" test "$rc" = 1
check "flipped bit reported as a checksum mismatch" \
	grep -q 'flip.cap: damaged at byte 112: block payload checksum mismatch' "$tmp/err"
head -c 300 /dev/urandom | tr -d '{#[:space:]S' >"$tmp/noise.bin"
"$saker" replay "$tmp/noise.bin" -r "$top/rules" >/dev/null 2>"$tmp/err"; rc=$?
check "unknown format refused" test "$rc" = 1
check "unknown format named" grep -q 'noise.bin: neither a saker capture nor JSON lines' "$tmp/err"
exit 0
