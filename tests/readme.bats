load helpers

# The C example of README.md, the block after "<!-- example: builder -->",
# compiled against the library under test, run, and its dump read back.

RIP=0xffffffff81001234

# Extracts the block to $BATS_FILE_TMPDIR/example.c and builds it there,
# once for the whole file.
build_example() {
	local dir=$BATS_FILE_TMPDIR flags=() libs
	[ -x "$dir/example" ] && return 0
	awk '
		$0 == "<!-- example: builder -->" { marked = 1; next }
		marked == 1 && $0 == "```c" { marked = 2; next }
		marked == 1 && $0 != "" { exit 1 }
		marked == 2 && $0 == "```" { found = 1; exit }
		marked == 2 { print }
		END { if (!found) exit 1 }
	' "$TESTS/../README.md" >"$dir/example.c" || {
		echo "README.md: no \`\`\`c block after <!-- example: builder -->" >&2
		return 1
	}
	# shellcheck disable=SC2054 # one option, its value has commas
	case $KDL_BUILD in
	*build-asan) flags=(-fsanitize=address,undefined -fno-sanitize-recover=all) ;;
	esac
	# libraries the Makefile links with (compression codecs)
	libs=$(sed -n 's/^LIBS *= *//p' "$TESTS/../Makefile")
	# shellcheck disable=SC2086
	cc -Wall -Wextra -Werror "${flags[@]}" -I"$TESTS/../lib" \
		-o "$dir/example" "$dir/example.c" "$KDL_BUILD/libkdumpling.a" $libs
}

# Runs it once: $BATS_FILE_TMPDIR/vmcore and its output in stats.txt.
make_dump() {
	local dir=$BATS_FILE_TMPDIR
	build_example || return 1
	[ -f "$dir/vmcore" ] && return 0
	"$dir/example" "$dir/vmcore" >"$dir/stats.txt"
}

@test "README builder example compiles against the library" {
	run build_example
	assert_success
	assert [ -x "$BATS_FILE_TMPDIR/example" ]
}

@test "README builder example writes a dump and prints its stats" {
	make_dump
	run cat "$BATS_FILE_TMPDIR/stats.txt"
	assert_line "Architecture:    x86_64"
	assert_line "CPU contexts:    1"
	assert_line --regexp '^Actual size: +[0-9]+ bytes'
	assert_line --partial "phys 0x100000"
}

@test "README builder example fails with a message on an unwritable path" {
	build_example
	run "$BATS_FILE_TMPDIR/example" /nonexistent/dir/vmcore
	assert_failure
	assert_output --partial "/nonexistent/dir/vmcore"
	refute [ -e /nonexistent/dir/vmcore ]
}

@test "README builder dump: libkdumpfile reads its memory and rip" {
	make_dump
	run "$SYSPY" - "$BATS_FILE_TMPDIR/vmcore" "$RIP" <<'PY'
import sys
import kdumpfile

k = kdumpfile.kdumpfile(sys.argv[1])
attr = k.attr
assert attr["arch.name"] == "x86_64", attr["arch.name"]
size = 1 << 20
want = bytes(i % 251 for i in range(size))
got = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, 0x100000, size))
assert got == want, "memory at 0x100000 differs"
rip = attr["cpu"]["0"]["reg"]["rip"]
assert rip == int(sys.argv[2], 16), hex(rip)
print("ok")
PY
	assert_success
	assert_output "ok"
}

@test "README builder dump: eu-readelf shows rip, VMCOREINFO and the annotation" {
	make_dump
	run eu-readelf -n "$BATS_FILE_TMPDIR/vmcore"
	assert_success
	assert_output --regexp "rip: +$RIP"
	assert_output --partial "OSRELEASE=6.1.0"
	assert_output --partial "KDUMPLING"
	run grep -c -a "hostname=web-7" "$BATS_FILE_TMPDIR/vmcore"
	assert_output "1"
}

# ---- README's tables against what the programs print ----

# The rows of every table after a "<!-- help: PROGRAM WHAT -->" line of
# README.md, as "NAME<TAB>DESCRIPTION" (the first two columns, backticks
# dropped), against the lines the same program's --help prints under
# WHAT: "options" are the lines of "  --option  description" (wrapped
# lines joined; --help and --version left out), anything else the lines
# after the heading "WHAT:".
help_matches_readme() { # PROGRAM WHAT
	"$SYSPY" - "$TESTS/../README.md" "$1" "$2" <<'PY'
import re, subprocess, sys

readme, prog, what = sys.argv[1:]
marker = '<!-- help: %s %s -->' % (prog, what)
want, lines = [], open(readme).read().split('\n')
for i, line in enumerate(lines):
    if line != marker:
        continue
    rows = [l for l in lines[i + 1:] if not l.startswith('<!--')]
    for row in rows[2:]:
        if not row.startswith('|'):
            break
        cells = [c.strip().replace('`', '') for c in row.strip('|').split('|')]
        want.append('%s\t%s' % (cells[0], cells[1]))
if not want:
    sys.exit('README.md: no table after %s' % marker)

out = subprocess.run([prog, '--help'], capture_output=True, text=True, check=True).stdout
got, inside = [], what == 'options'
for line in out.split('\n'):
    if what != 'options' and line == what + ':':
        inside = True
        continue
    if not inside:
        continue
    m = re.match(r'^  (\S.*?)(?:  +(\S.*))?$', line)
    if line.startswith(' ' * 21) and got:
        got[-1] += (' ' if got[-1][-1] != '\t' else '') + line.strip()
    elif m and (what != 'options' or m.group(1).startswith('-')):
        got.append('%s\t%s' % (m.group(1), m.group(2) or ''))
    elif what != 'options' and got:
        break
got = [g for g in got if not g.startswith('-h, --help, -V, --version')]
for g, w in zip(got, want):
    if g != w:
        print('--help:    %r\nREADME.md: %r' % (g, w))
if len(got) != len(want):
    print('--help has %d rows, README.md %d' % (len(got), len(want)))
sys.exit(got != want)
PY
}

@test "README's option tables are what each program's --help says" {
	for prog in vmc-seg vmc-note vmc-prstatus vmc-pack vmc-unpack vmc-cat; do
		run help_matches_readme "$prog" options
		assert_success
	done
}

@test "README's formats, codecs and architectures are what vmc-pack --help lists, and the input formats what vmc-unpack's does" {
	for what in Formats Codecs Architectures; do
		run help_matches_readme vmc-pack "$what"
		assert_success
	done
	run help_matches_readme vmc-unpack "Input formats"
	assert_success
}

@test "README's register lists are what vmc-prstatus --list-registers prints" {
	"$SYSPY" - "$TESTS/../README.md" <<'PY' >tables
import sys

lines = open(sys.argv[1]).read().split('\n')
start = lines.index('<!-- registers -->') + 1
head = [c.strip() for c in lines[start].strip('|').split('|')]
col = head.index('registers (aliases in parentheses)')
for row in lines[start + 2:]:
    if not row.startswith('|'):
        break
    cells = [c.strip() for c in row.strip('|').split('|')]
    print('%s\t%s' % (cells[0].split()[0], cells[col]))
PY
	[ "$(wc -l <tables)" -eq 6 ]
	while IFS=$'\t' read -r arch regs; do
		run vmc-prstatus --arch "$arch" --list-registers
		assert_success
		assert_output "$arch registers: $regs"
	done <tables
}

# ---- README's conversion recipes, run as written ----

# The recipes after "<!-- recipes -->", one command per line, comments
# dropped; those reading the network or this machine's /proc/kcore
# (tests/vmc-unpack.bats and tests/kernel.bats run them on their own
# inputs) left out.
recipes() {
	awk '
		$0 == "<!-- recipes -->" { inside = 1; next }
		inside && !/^    / { exit }
		inside { sub(/^    /, ""); sub(/ +#[^#]*$/, ""); print }
	' "$TESTS/../README.md" | grep -v -e '^nc ' -e '/proc/kcore'
}

@test "README's conversion recipes run as written: memory, VMCOREINFO and CPUs come through" {
	local line lines
	build_spec no-vmcoreinfo.spec
	cp "$DUMP" guest.elf
	cp "$TESTS/specs/x86_64.vmcoreinfo" vmcoreinfo.txt
	build_spec kdump-flat.spec
	cp "$DUMP" dump.flat
	build_spec main.spec
	cp "$DUMP" big.vmcore
	mapfile -t lines < <(recipes)
	[ "${#lines[@]}" -eq 4 ] || fail "README.md has ${#lines[@]} recipes to run here, expected 4"
	# nothing on stdin: each recipe starts its own stream
	for line in "${lines[@]}"; do
		run bash -o pipefail -c "$line" </dev/null
		assert_success
	done

	# guest.elf with the VMCOREINFO, in zstd: the same dump once the
	# VMCOREINFO is dropped again
	run "$SYSPY" "$TESTS/fixtures/dumps.py" vmcoreinfo vmcore
	assert_success
	assert_output "$(cat vmcoreinfo.txt)"
	vmc-unpack vmcore | vmc-note --drop VMCOREINFO | vmc-pack -o back.elf
	cmp guest.elf back.elf

	# dump.flat as ELF: what libkdumpfile reads of the reassembled file
	makedumpfile -R whole.kdump <dump.flat >/dev/null
	run "$SYSPY" "$TESTS/fixtures/dumps.py" same whole.kdump vmcore.elf
	assert_success
	assert_output ''

	# the cut: big.vmcore's segment at 16 MiB, and nothing else
	run "$SYSPY" "$TESTS/fixtures/dumps.py" ranges small.vmcore
	assert_output '0x1000000-0x117ffff'
	cmp <("$SYSPY" "$TESTS/fixtures/dumps.py" read big.vmcore 0x1000000 0x180000) \
		<("$SYSPY" "$TESTS/fixtures/dumps.py" read small.vmcore 0x1000000 0x180000)

	# what vmc-cat shows of vmcore
	run bash -c 'vmc-unpack vmcore | vmc-cat'
	assert_success
	assert_line --index 0 'stream version 1'
	assert_line --partial 'vmcoreinfo '
	assert_line --regexp '^cpu 0: pid 1, '
	assert_line --regexp '^cpu 1: pid 0, '
	assert_line --regexp '^end: records [0-9]+, segments 3, memory 0x32000 '
}

@test "-h and -V are --help and --version in every program" {
	for p in vmc-seg vmc-note vmc-prstatus vmc-pack vmc-unpack vmc-cat; do
		run "$p" -h
		assert_success
		assert_output "$("$p" --help)"
		run "$p" -V
		assert_success
		assert_output "$p (kdumpling) $("$p" --version | sed 's/.* //')"
	done
}

@test "the README's set-up commands, verbatim, need no sudo where everything is installed" {
	cd "$TESTS/.."
	run grep -Fx '    bash .ci/deps build && make example' README.md
	assert_success
	run grep -Fx '    bash .ci/run' README.md
	assert_success
	# .ci/run has installed the test packages, which hold the build's
	run bash .ci/deps build
	assert_success
	assert_output '# packages: all installed'
	run bash .ci/deps test
	assert_output '# packages: all installed'
	run bash .ci/deps everything
	assert_failure 2
	assert_output 'usage: .ci/deps build|test'
}
