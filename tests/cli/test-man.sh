#!/bin/bash
# SPDX-License-Identifier: MIT
# The manual pages in docs/man: they format without a warning (man --warnings
# as lintian runs it, groff, mandoc when installed), are installed by
# Makefile.am, and cannot drift from the programs: every option of
# "sakerd --help", every command of "saker --help" with the options of its own
# --help, and every configuration key "sakerd --dry-run" prints is described
# in the matching page.  Prints PASS:/FAIL: lines (tests/run.sh counts them).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SAKER_BUILD:-$top/build}
sakerd=$build/sakerd
saker=$build/saker
man=$top/docs/man
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

ok() { echo "PASS: man: $1"; }
ko() { echo "FAIL: man: $1${2:+: $2}"; }

pages="sakerd.8 saker.8 saker.yaml.5 saker-rules.5"

# The page's roff source as plain words: "\-" is "-", font changes and
# zero-width escapes go, so an option or key reads as it is typed.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' \
	      -e 's/\\&//g' -e 's/\\%//g' -e 's/"//g' "$1"; }
# The tag lines of .TP paragraphs (where options, commands and keys are described).
tags() { plain "$1" | awk 'prev == ".TP" { print } { prev = $0 }'; }
# Lines of the .SS section named $2 in the plain text $1, up to the next heading.
section() { S="$2" awk '$0 == ".SS " ENVIRON["S"] { f = 1; next } /^\.S[HS]/ { f = 0 } f' "$1"; }
# Whether the exact word (option, key) $1 is in file $2: not a prefix of a longer one.
has_word() { grep -qE -- "(^|[^A-Za-z0-9_.-])$(printf '%s' "$1" | sed 's/[.[\]*^$]/\\&/g')([^A-Za-z0-9_-]|\$)" "$2"; }
# The -x and --long options of a --help text's option lines.
help_options() { grep -E '^[[:space:]]+-' | grep -oE -- '(^|[[:space:],])--?[A-Za-z][A-Za-z-]*' |
	sed 's/^[[:space:],]*//' | sort -u; }

for p in $pages; do
	if [ -f "$man/$p" ]; then ok "$p exists"; else ko "$p exists"; fi
done

# ---- formatting --------------------------------------------------------------

if command -v man >/dev/null 2>&1; then
	for p in $pages; do
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$man/$p" 2>&1 >/dev/null)
		if [ -z "$out" ]; then ok "$p: man --warnings is silent"
		else ko "$p: man --warnings is silent" "$(printf '%s\n' "$out" | head -5)"; fi
	done
else
	echo "SKIP: man: man --warnings (man-db is not installed)"
fi
if command -v groff >/dev/null 2>&1; then
	for p in $pages; do
		out=$(groff -man -ww -z "$man/$p" 2>&1)
		if [ -z "$out" ]; then ok "$p: groff -ww is silent"
		else ko "$p: groff -ww is silent" "$(printf '%s\n' "$out" | head -5)"; fi
	done
fi
if command -v mandoc >/dev/null 2>&1; then
	for p in $pages; do
		out=$(mandoc -Tlint "$man/$p" 2>&1)
		if [ -z "$out" ]; then ok "$p: mandoc -Tlint is silent"
		else ko "$p: mandoc -Tlint is silent" "$(printf '%s\n' "$out" | head -5)"; fi
	done
fi
if command -v lexgrog >/dev/null 2>&1; then
	for p in $pages; do
		if out=$(lexgrog "$man/$p" 2>&1); then ok "$p: whatis entry ($out)"
		else ko "$p: whatis entry" "$out"; fi
	done
fi

# Title, section and file name agree; each page points to the others.
for p in $pages; do
	name=${p%.*} sec=${p##*.}
	th=$(plain "$man/$p" | sed -n 's/^\.TH \([^ ]*\) \([0-9]\) .*/\1 \2/p' | tr '[:upper:]' '[:lower:]')
	if [ "$th" = "$name $sec" ]; then ok "$p: .TH names $name($sec)"
	else ko "$p: .TH names $name($sec)" "found '$th'"; fi
	plain "$man/$p" | awk '/^\.SH SEE ALSO/ { f = 1; next } /^\.SH/ { f = 0 } f' >"$tmp/see"
	missing=
	for q in $pages; do
		[ "$q" = "$p" ] && continue
		grep -qF "${q%.*} (${q##*.})" "$tmp/see" || missing="$missing ${q%.*}(${q##*.})"
	done
	if [ -z "$missing" ]; then ok "$p: SEE ALSO names the other pages"
	else ko "$p: SEE ALSO names the other pages" "missing:$missing"; fi
done

# ---- installation --------------------------------------------------------------

# Every page is installed: dist_man_MANS in Makefile.am lists docs/man/*.
listed=$(sed -n '/^dist_man_MANS *[+]*=/,/[^\\]$/p' "$top/Makefile.am" | tr -s ' \t\134' '\n')
for p in "$man"/*.[1-8]; do
	p=docs/man/${p##*/}
	if printf '%s\n' "$listed" | grep -qxF "$p"; then ok "$p is in dist_man_MANS"
	else ko "$p is in dist_man_MANS" "add it in Makefile.am"; fi
done

# ---- sakerd(8) and sakerd --help ------------------------------------------------

if ! "$sakerd" --help >"$tmp/sakerd.help" 2>&1; then
	ko "sakerd --help runs" "$(head -3 "$tmp/sakerd.help")"
else
	tags "$man/sakerd.8" >"$tmp/sakerd.tags"
	opts=$(help_options <"$tmp/sakerd.help")
	if [ -n "$opts" ]; then ok "sakerd --help lists options"; else ko "sakerd --help lists options"; fi
	for o in $opts; do
		if has_word "$o" "$tmp/sakerd.tags"; then ok "sakerd.8 describes sakerd $o"
		else ko "sakerd.8 describes sakerd $o" "no .TP entry for it"; fi
	done
fi

# ---- saker(8) and saker --help, saker COMMAND --help ----------------------------

if ! "$saker" --help >"$tmp/saker.help" 2>&1; then
	ko "saker --help runs" "$(head -3 "$tmp/saker.help")"
else
	plain "$man/saker.8" >"$tmp/saker.plain"
	tags "$man/saker.8" >"$tmp/saker.tags"
	for o in --help --version; do
		if has_word "$o" "$tmp/saker.tags"; then ok "saker.8 describes saker $o"
		else ko "saker.8 describes saker $o"; fi
	done
	# "Commands:" lines are "  NAME [ARGS]", their descriptions indented deeper.
	cmds=$(awk '/^Commands:/ { f = 1; next } /^[^ ]/ { f = 0 }
		    f && /^  [a-z]/ { print $1 }' "$tmp/saker.help")
	if [ -n "$cmds" ]; then ok "saker --help lists commands"; else ko "saker --help lists commands"; fi
	for c in $cmds; do
		section "$tmp/saker.plain" "$c" >"$tmp/cmd"
		if [ -s "$tmp/cmd" ]; then ok "saker.8 has a section for saker $c"
		else ko "saker.8 has a section for saker $c" "no '.SS $c'"; continue; fi
		if grep -qE "(^|[ ,])$c( |,|\$)" <(plain "$man/saker.8" |
			awk '/^\.SH SYNOPSIS/ { f = 1; next } /^\.SH/ { f = 0 } f' | tr '\n' ' '); then
			ok "saker.8 SYNOPSIS names $c"
		else ko "saker.8 SYNOPSIS names $c"; fi
		"$saker" "$c" --help >"$tmp/cmd.help" 2>&1
		awk 'prev == ".TP" { print } { prev = $0 }' "$tmp/cmd" >"$tmp/cmd.tags"
		for o in $(help_options <"$tmp/cmd.help"); do
			[ "$o" = -h ] || [ "$o" = --help ] && continue
			if has_word "$o" "$tmp/cmd.tags"; then ok "saker.8 describes saker $c $o"
			else ko "saker.8 describes saker $c $o" "no .TP entry in section $c"; fi
		done
	done
	# and no section for a command the tool does not have
	sed -n '/^\.SH COMMANDS/,/^\.SH [^C]/s/^\.SS //p' "$tmp/saker.plain" |
	while read -r s; do
		printf '%s\n' "$cmds" | grep -qxF "$s" ||
			ko "saker.8 section $s is a command of saker --help"
	done
fi

# ---- saker.yaml(5) and the configuration schema ---------------------------------

# Every key the parser accepts, as "sakerd --dry-run" prints it with nothing
# configured: "key: value" at the top, "section:" then "  key: value".
mkdir "$tmp/empty"
"$sakerd" --dry-run -c /dev/null --config-dir "$tmp/empty" -r "$tmp/empty" \
	>"$tmp/dump" 2>"$tmp/dump.err"; rc=$?
keys=$(awk '/^[a-z_]+:/ { k = $0; sub(/:.*/, "", k)
			     if ($0 ~ /:[[:space:]]*$/) sec = k; else print k; next }
	    /^  [a-z_]+:/ { k = $1; sub(/:.*/, "", k); print sec "." k }' "$tmp/dump")
# the top-level keys, sections included
tops=$(grep -oE '^[a-z_]+:' "$tmp/dump" | tr -d ':')
if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$keys" | grep -c .)" -ge 30 ]; then
	ok "sakerd --dry-run lists the configuration keys ($(printf '%s\n' "$keys" | grep -c .))"
else
	ko "sakerd --dry-run lists the configuration keys" "exit $rc: $(head -3 "$tmp/dump.err")"
fi
tags "$man/saker.yaml.5" >"$tmp/yaml.tags"
plain "$man/saker.yaml.5" >"$tmp/yaml.plain"
for k in $keys; do
	if grep -qxE "\.B $(printf '%s' "$k" | sed 's/\./\\./g')" "$tmp/yaml.tags"; then
		ok "saker.yaml.5 describes $k"
	else ko "saker.yaml.5 describes $k" "no '.TP' / '.B $k' entry"; fi
done
for t in $tops; do
	if has_word "$t" "$tmp/yaml.plain"; then ok "saker.yaml.5 names top-level key $t"
	else ko "saker.yaml.5 names top-level key $t"; fi
done
# and describes no key the parser would refuse
sed -n 's/^\.B \([a-z_]*\(\.[a-z_]*\)\?\)$/\1/p' "$tmp/yaml.tags" | while read -r k; do
	printf '%s\n' "$keys" | grep -qxF "$k" || ko "saker.yaml.5 key $k is accepted by the parser"
done

# The file the Debian package ships only sets keys the parser knows.
shipped=$top/packaging/deb/debian/extra/saker.yaml
if [ -f "$shipped" ]; then
	if out=$("$sakerd" --dry-run -c "$shipped" --config-dir "$tmp/empty" -r "$tmp/empty" \
		2>&1 >/dev/null); then ok "the shipped saker.yaml loads"
	else ko "the shipped saker.yaml loads" "$(printf '%s\n' "$out" | grep error | head -3)"; fi
fi

# ---- saker-rules(5): its examples load ---------------------------------------------

# The YAML of each example that starts with a rule-file item, with the roff
# escapes of its characters undone.
sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\&//g' -e 's/\\e/\\/g' \
	"$man/saker-rules.5" |
	awk -v dir="$tmp" '/^\.EX/ { n++; f = 1; next } /^\.EE/ { f = 0 }
			  f { print > (dir "/ex" n ".yaml") }'
nex=0
for ex in "$tmp"/ex*.yaml; do
	[ -e "$ex" ] || continue
	grep -qE '^(# .*|- (rule|list|macro):.*)$' <(head -1 "$ex") || continue
	grep -q '^- ' "$ex" || continue
	nex=$((nex + 1))
	out=$("$saker" validate "$top/rules" "$ex" 2>&1); rc=$?
	if [ "$rc" = 0 ]; then ok "saker-rules.5 example $(head -1 "$ex") validates"
	else ko "saker-rules.5 example $(head -1 "$ex") validates" "$(printf '%s\n' "$out" | head -3)"; fi
done
if [ "$nex" -ge 2 ]; then ok "saker-rules.5 has rule-file examples ($nex)"
else ko "saker-rules.5 has rule-file examples" "found $nex"; fi
