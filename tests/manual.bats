#!/usr/bin/env bats
# The manual pages: one per program, the library and the stream; each
# program's --help synopsis is its page's SYNOPSIS, every option of
# --help is in its page, and the committed roff is what scdoc makes of
# the source.

load helpers

ROOT=$TESTS/..
PROGS="vmc-seg vmc-note vmc-prstatus vmc-pack vmc-unpack vmc-cat"
PAGES="$ROOT/cmd/man/vmc-seg.1 $ROOT/cmd/man/vmc-note.1 $ROOT/cmd/man/vmc-prstatus.1
	$ROOT/cmd/man/vmc-pack.1 $ROOT/cmd/man/vmc-unpack.1 $ROOT/cmd/man/vmc-cat.1
	$ROOT/lib/man/kdumpling.3 $ROOT/lib/man/vmc-stream.5"

# The page as man shows it, in plain text, on lines long enough that
# nothing wraps but what the page breaks itself.
rendered() { # PAGE
	MANWIDTH=250 man -l "$1" 2>/dev/null | col -bx
}

# The text of one section of a rendered page, in one line of single
# spaces.
section() { # PAGE HEADING
	rendered "$1" | awk -v h="$2" '$0 == h {on = 1; next} on && /^[A-Z][A-Z ]*$/ {exit} on' |
		tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

@test "a manual page for each program, the library and the stream, with EXIT STATUS (RETURN VALUE) and EXAMPLES" {
	for page in $PAGES; do
		[ -f "$page" ] || fail "missing: $page"
		headings=$(rendered "$page" | grep -E '^[A-Z][A-Z ]*$')
		grep -qx NAME <<<"$headings" || fail "$page: no NAME"
		grep -qx SYNOPSIS <<<"$headings" || fail "$page: no SYNOPSIS"
		grep -qx EXAMPLES <<<"$headings" || fail "$page: no EXAMPLES"
		case $page in
		*.3) grep -qx 'RETURN VALUE' <<<"$headings" || fail "$page: no RETURN VALUE" ;;
		*) grep -qx 'EXIT STATUS' <<<"$headings" || fail "$page: no EXIT STATUS" ;;
		esac
	done
}

@test "each program's --help synopsis is its manual's SYNOPSIS" {
	for prog in $PROGS; do
		help=$("$prog" --help | awk 'NR == 1 {sub(/^usage: /, "")} /^$/ {exit} {print}' |
			tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
		run section "$ROOT/cmd/man/$prog.1" SYNOPSIS
		assert_output "$help"
	done
}

@test "every option of each program's --help is in its manual, and only those" {
	for prog in $PROGS; do
		# the synopsis, and the first option of each option line
		{
			"$prog" --help | awk '/^$/ {u = 1} !u {print} u && /^  -/ && !/--help/ {sub(/^  (-., )?/, ""); print $1}'
			echo --help --version
		} | grep -oE -- '--[a-z][a-z-]*' | sort -u >help
		section "$ROOT/cmd/man/$prog.1" OPTIONS | grep -oE -- '--[a-z][a-z-]*' | sort -u >page
		run comm -3 help page
		assert_output ''
	done
}

@test "every page names this version and renders without a warning" {
	version=$(vmc-pack --version | sed 's/.* //')
	for page in $PAGES; do
		run groff -ww -z -man "$page"
		assert_output ''
		grep -q "^\.TH \"[a-z-]*\" \"[135]\" \"[0-9-]*\" \"kdumpling $version\"" "$page" ||
			fail "$page: $(grep '^\.TH' "$page")"
	done
}

@test "the committed roff is what scdoc makes of its source" {
	epoch=$(sed -n 's/^MAN_EPOCH = //p' "$ROOT/Makefile")
	for page in $PAGES; do
		SOURCE_DATE_EPOCH=$epoch scdoc <"$page.scd" >made
		cmp made "$page" || fail "$page is not what scdoc makes of $page.scd: make man"
	done
}

@test "the JSON of --list-registers is the one the manual shows" {
	run vmc-prstatus --list-registers --json
	assert_output --partial '{"architecture": "x86_64", "registers": [{"name": "r15", "bytes": 8, "aliases": []}'
	run section "$ROOT/cmd/man/vmc-prstatus.1" "JSON OUTPUT"
	assert_output --partial '{"architecture": "x86_64", "registers": [ {"name": "r15", "bytes": 8, "aliases": []},'
}
