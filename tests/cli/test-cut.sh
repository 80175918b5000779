#!/bin/bash
# SPDX-License-Identifier: MIT
# saker cut from the outside: a capture made from a scenario of JSON lines is cut
# to one alert, the piece is smaller and replays to the same alert text; bad input
# gives a sentence and exit 1, usage errors exit 2; case files read pieces with
# `capture:` (tests/rules/default-captured.yaml passes), and a missing or damaged
# capture fails its case with the reason.  Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
saker=${SAKER_BUILD:-$top/build}/saker
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ok() { echo "PASS: cli: cut: $1"; }
ko() { echo "FAIL: cli: cut: $1${2:+: $2}"; }
check() { # name command...
	local name=$1; shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}
# expect_error NAME RC TEXT COMMAND...: exit status RC and TEXT on stderr
expect_error() {
	local name=$1 want=$2 text=$3 rc; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$text" "$tmp/err"; then ok "$name"
	else ko "$name" "exit $rc: $(head -3 "$tmp/err")"; fi
}

rules=(-r "$top/rules")
"$saker" replay --write-capture "$tmp/scenario.cap" --hostname cut-test \
	"$top/tests/rules/data/container-intrusion.jsonl" 2>"$tmp/err"
check "a capture made from container-intrusion.jsonl" test -s "$tmp/scenario.cap"
"$saker" replay --json "${rules[@]}" "$tmp/scenario.cap" >"$tmp/full.json" 2>>"$tmp/err"

# each rule of the scenario: the piece is smaller and raises the alert with the same text
for rule in "Shell spawned by server process" "Connection to mining pool port" \
	    "Namespace change by unexpected program"; do
	want=$(grep -F "\"rule\":\"$rule\"" "$tmp/full.json" | head -1 |
		sed 's/.*"output":"\(\([^"\\]\|\\.\)*\)".*/\1/')
	"$saker" cut "${rules[@]}" --rule "$rule" -w "$tmp/piece.cap" "$tmp/scenario.cap" \
		2>"$tmp/err"; rc=$?
	check "'$rule': cut exits 0" test "$rc" = 0
	check "'$rule': cut says what it kept" grep -q 'events\? (.* bytes) of .* bytes in all' "$tmp/err"
	check "'$rule': the piece is smaller" \
		test "$(wc -c <"$tmp/piece.cap")" -lt "$(wc -c <"$tmp/scenario.cap")"
	"$saker" replay --json "${rules[@]}" "$tmp/piece.cap" >"$tmp/piece.json" 2>"$tmp/err"
	if [ -n "$want" ] && grep -F "\"rule\":\"$rule\"" "$tmp/piece.json" |
		grep -qF "\"output\":\"$want\""; then ok "'$rule': the piece raises the same alert"
	else ko "'$rule': the piece raises the same alert" "$(cat "$tmp/piece.json" "$tmp/err")"; fi
done
cp "$tmp/piece.cap" "$tmp/ns.cap"

# --nth: the second alert of a rule that raises only one
expect_error "--nth beyond the alerts of the rule" 1 "raises 1 alert, not 2" \
	"$saker" cut "${rules[@]}" --rule "Connection to mining pool port" --nth 2 \
	-w "$tmp/x.cap" "$tmp/scenario.cap"

# bad input: a sentence and exit 1, no output file
expect_error "unknown rule" 1 "no rule named 'No such rule'" \
	"$saker" cut "${rules[@]}" --rule "No such rule" -w "$tmp/x.cap" "$tmp/scenario.cap"
expect_error "a rule that never fires" 1 "rule 'Kernel module load attempt' raises no alert" \
	"$saker" cut "${rules[@]}" --rule "Kernel module load attempt" -w "$tmp/x.cap" \
	"$tmp/scenario.cap"
head -c $(($(wc -c <"$tmp/scenario.cap") - 40)) "$tmp/scenario.cap" >"$tmp/truncated.cap"
expect_error "a truncated capture" 1 "damaged at byte" \
	"$saker" cut "${rules[@]}" --rule "Namespace change by unexpected program" \
	-w "$tmp/x.cap" "$tmp/truncated.cap"
head -c 3000 /dev/urandom | tr -d 'S{' >"$tmp/garbage.cap"
expect_error "a garbage file" 1 "not a saker capture file" \
	"$saker" cut "${rules[@]}" --rule "Namespace change by unexpected program" \
	-w "$tmp/x.cap" "$tmp/garbage.cap"
# damage in the middle: one byte of the last events flipped
cp "$tmp/scenario.cap" "$tmp/flipped.cap"
size=$(wc -c <"$tmp/flipped.cap")
printf '\xff' | dd of="$tmp/flipped.cap" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
expect_error "a damaged capture" 1 "damaged at byte" \
	"$saker" cut "${rules[@]}" --rule "Namespace change by unexpected program" \
	-w "$tmp/x.cap" "$tmp/flipped.cap"
expect_error "JSON lines instead of a capture" 1 "JSON lines, not a capture" \
	"$saker" cut "${rules[@]}" --rule "Namespace change by unexpected program" \
	-w "$tmp/x.cap" "$top/tests/rules/data/container-intrusion.jsonl"
expect_error "a missing capture" 1 "No such file or directory" \
	"$saker" cut "${rules[@]}" --rule "Namespace change by unexpected program" \
	-w "$tmp/x.cap" "$tmp/none.cap"
check "no piece written on errors" test ! -e "$tmp/x.cap"

# usage errors: exit 2
expect_error "no --rule" 2 "--rule NAME is needed" "$saker" cut -w "$tmp/x.cap" "$tmp/scenario.cap"
expect_error "no -w" 2 "-w OUT is needed" "$saker" cut --rule x "$tmp/scenario.cap"
expect_error "no capture" 2 "one capture file is needed" "$saker" cut --rule x -w "$tmp/x.cap"
expect_error "a bad --nth" 2 "--nth takes a number" \
	"$saker" cut --rule x --nth 0 -w "$tmp/x.cap" "$tmp/scenario.cap"
check "cut --help exits 0" bash -c "'$saker' cut --help | grep -q -- '--rule NAME'"
check "saker --help lists cut" bash -c "'$saker' --help | grep -q '^  cut '"

# case files: capture: PATH, relative to the case file
mkdir -p "$tmp/cases/data"
cp "$tmp/ns.cap" "$tmp/cases/data/ns.cap"
cp "$tmp/garbage.cap" "$tmp/truncated.cap" "$tmp/cases/data/"
cat >"$tmp/cases/cases.yaml" <<EOF
rules: [$top/rules]
cases:
  - name: the piece replays to its alert
    rule: Namespace change by unexpected program
    capture: data/ns.cap
    expect:
      - rule: Namespace change by unexpected program
        priority: NOTICE
        output_fields: {proc.cmdline: nsenter -t 1 -m -u -n -i sh, container.id: f5ac13205eb4}
  - name: a missing capture
    rule: Namespace change by unexpected program
    capture: data/missing.cap
    expect: []
  - name: a garbage capture
    rule: Namespace change by unexpected program
    capture: data/garbage.cap
    expect: []
  - name: a truncated capture
    rule: Namespace change by unexpected program
    capture: data/truncated.cap
    expect: []
  - name: a capture that is not a file name
    rule: Namespace change by unexpected program
    capture: [data/ns.cap]
    expect: []
EOF
"$saker" test "$tmp/cases/cases.yaml" >"$tmp/out" 2>&1; rc=$?
check "case file with bad captures exits 1 (no crash)" test "$rc" = 1
for want in "PASS: $tmp/cases/cases.yaml: the piece replays to its alert" \
	    "FAIL: $tmp/cases/cases.yaml: a missing capture: capture: data/missing.cap: No such file or directory" \
	    "FAIL: $tmp/cases/cases.yaml: a garbage capture: capture: data/garbage.cap: cannot be read (byte 0): not a saker capture file" \
	    "FAIL: $tmp/cases/cases.yaml: a truncated capture: capture: data/truncated.cap: damaged at byte" \
	    "FAIL: $tmp/cases/cases.yaml: a capture that is not a file name: " \
	    "1 passed, 4 failed"; do
	if grep -qF -- "$want" "$tmp/out"; then ok "saker test: ${want#*cases.yaml: }"
	else ko "saker test: ${want#*cases.yaml: }" "$(cat "$tmp/out")"; fi
done

# the committed pieces of the guest run
"$saker" test "$top/tests/rules/default-captured.yaml" >"$tmp/out" 2>&1; rc=$?
if [ "$rc" = 0 ] && grep -q '^[1-9][0-9]* passed, 0 failed$' "$tmp/out"; then
	ok "tests/rules/default-captured.yaml passes"
else
	ko "tests/rules/default-captured.yaml passes" "$(grep -v '^PASS' "$tmp/out" | head -5)"
fi
