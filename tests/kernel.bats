#!/usr/bin/env bats
# vmc-unpack on what real producers wrote of a real kernel, Debian's: the
# fixtures of tests/fixtures/kernel.sh (QEMU's dump-guest-memory of a
# booted guest, that guest's /proc/kcore read in it by vmc-unpack, the
# /proc/vmcore of a real panic and makedumpfile's files made from it),
# which tests/run builds first into $KDL_FIXTURES.  Each goes through
# vmc-unpack | vmc-pack, to ELF and to kdump (zlib); libkdumpfile reads
# from the result every byte the original holds, its notes, CPUs and
# VMCOREINFO, and the pattern the guest wrote; crash and drgn, with the
# kernel's debug symbols, read the results as the kernel they come from.

load helpers
bats_require_minimum_version 1.5.0

FIX=${KDL_FIXTURES:-$TESTS/../build/fixtures}
DUMPS=$TESTS/fixtures/dumps.py

setup_file() {
	local f
	for f in stamp-kcore stamp-panic release vmlinux; do
		if [ ! -e "$FIX/$f" ]; then
			echo "no $FIX/$f: tests/fixtures/kernel.sh $FIX builds the fixtures" >&2
			return 1
		fi
	done
	# libkdumpfile reads neither flattened nor split files: makedumpfile
	# reassembles the originals
	makedumpfile -R "$BATS_FILE_TMPDIR/qemu.kdump-zlib" <"$FIX/qemu.kdump-zlib" >/dev/null
	makedumpfile -R "$BATS_FILE_TMPDIR/mdf-flat" <"$FIX/mdf-flat" >/dev/null
	makedumpfile --reassemble "$FIX/mdf-split.1" "$FIX/mdf-split.2" "$BATS_FILE_TMPDIR/mdf-split" >/dev/null
}

# The fixture as libkdumpfile reads it.
original() { # FIXTURE
	case $1 in
	qemu.kdump-zlib | mdf-flat | mdf-split) echo "$BATS_FILE_TMPDIR/$1" ;;
	*) echo "$FIX/$1" ;;
	esac
}

# What the guest of FIXTURE wrote its pattern to.
pattern_of() { # FIXTURE
	case $1 in
	qemu.* | kcore.*) echo "$FIX/qemu.pattern" ;;
	*) echo "$FIX/vmcore.pattern" ;;
	esac
}

# vmc-unpack FIXTURE | vmc-pack into ./dump, in ELF or in the kdump format
# with zlib; --pipe: vmc-unpack reads the fixture from a pipe.
pack_fixture() { # FIXTURE elf|kdump [--pipe]
	local pack="-o dump" inputs=("$FIX/$1")
	# level 1: the codec is what matters here, and level 6 takes twice as long
	[ "$2" = elf ] || pack+=" --format kdump --compress zlib --level 1"
	[ "$1" != mdf-split ] || inputs=("$FIX/mdf-split.1" "$FIX/mdf-split.2")
	if [ "${3:-}" = --pipe ]; then
		run bash -c 'set -o pipefail; cat "$2" | vmc-unpack - | vmc-pack $1' _ "$pack" "${inputs[@]}"
	else
		run bash -c 'set -o pipefail; vmc-unpack "${@:2}" | vmc-pack $1' _ "$pack" "${inputs[@]}"
	fi
	assert_success
	[ -f dump ]
}

# ./dump holds what the original FIXTURE holds, byte for byte, with its
# notes, CPUs and VMCOREINFO; the guest's pattern where the guest put it
# (-d 31 leaves out user pages: not there at all); crash and drgn read it.
holds_fixture() { # FIXTURE
	local absent=()
	[ "$1" != mdf-d31 ] || absent=(--absent)
	run "$SYSPY" "$DUMPS" same "$(original "$1")" dump
	assert_success
	assert_output ''
	run "$SYSPY" "$DUMPS" pattern dump "$(pattern_of "$1")" "${absent[@]}"
	assert_success
	assert_output ''
	kernel_reads "$1"
}

# crash --osrelease sees the release in ./dump, and drgn a Linux kernel's;
# in a kdump-compressed ./dump drgn reads with the kernel's symbols its
# tasks and, after a panic, the crashed stack.  (In an ELF file drgn 0.0.22
# finds the kernel's page tables only through a PT_LOAD that maps the
# kernel text, which QEMU's ELF with paging off and the kdump-compressed
# format do not have; /proc/vmcore and /proc/kcore have it: the tests of
# those below.)
kernel_reads() { # FIXTURE
	local release
	release=$(cat "$FIX/release")
	run crash --osrelease dump
	assert_success
	assert_output "$release"
	run "$SYSPY" "$DUMPS" drgn dump
	assert_success
	assert_output "$(printf 'flags ProgramFlags.IS_LINUX_KERNEL\nrelease %s' "$release")"
	[ "$(head -c 4 dump)" != $'\x7fELF' ] || return 0
	run "$SYSPY" "$DUMPS" drgn dump "$FIX/vmlinux"
	assert_success
	assert_line 'init_task swapper/0'
	assert_line 'task pattern'
	[ "$(pattern_of "$1")" = "$FIX/vmcore.pattern" ] || return 0
	assert_line 'crashed sysrq_handle_crash'
	assert_line 'crashed write_sysrq_trigger'
}

# ---- QEMU's dump-guest-memory of a booted guest ----

@test "QEMU's ELF dump | vmc-pack: every byte, note, CPU, the VMCOREINFO and the pattern survive; crash and drgn read it" {
	pack_fixture qemu.elf elf
	holds_fixture qemu.elf
}

@test "QEMU's ELF dump | vmc-pack --format kdump: the same" {
	pack_fixture qemu.elf kdump
	holds_fixture qemu.elf
}

@test "QEMU's flattened kdump dump | vmc-pack: the same" {
	pack_fixture qemu.kdump-zlib elf
	holds_fixture qemu.kdump-zlib
}

@test "QEMU's flattened kdump dump, from a pipe | vmc-pack --format kdump: the same" {
	pack_fixture qemu.kdump-zlib kdump --pipe
	holds_fixture qemu.kdump-zlib
}

@test "drgn cannot open QEMU's own kdump dump (its utsname is empty), hence the conversion" {
	run "$SYSPY" -c 'import drgn, sys; drgn.Program().set_core_dump(sys.argv[1])' \
		"$BATS_FILE_TMPDIR/qemu.kdump-zlib"
	assert_failure
	assert_line --partial 'KDUMP_ATTR_ARCH_NAME'
}

# ---- the same guest's /proc/kcore, read by vmc-unpack in it ----

@test "/proc/kcore: vmc-unpack read it in the guest, a whole stream, leaving out what has no physical address and folding the kernel text" {
	run cat "$FIX/kcore.status"
	assert_output 0
	# warnings only
	run grep -v '^vmc-unpack: warning: /proc/kcore: ' "$FIX/kcore.err"
	assert_output ''
	run cat "$FIX/kcore.err"
	assert_line --regexp '^vmc-unpack: warning: /proc/kcore: .*no physical address'
	assert_line --regexp '^vmc-unpack: warning: /proc/kcore: .*folded'
	run vmc-cat <"$FIX/kcore.stream"
	assert_success
	assert_line --regexp '^end: .*, segments [0-9]+, '
}

@test "/proc/kcore | vmc-pack: the guest's System RAM, its pattern and the VMCOREINFO QEMU saw; crash and drgn read it" {
	local range start end expected=()
	run bash -c "vmc-pack -o dump <'$FIX/kcore.stream'"
	assert_success
	# System RAM in whole pages, as /proc/kcore shows it
	while IFS=- read -r start end; do
		range=$(printf '%#x-%#x' $(((0x$start + 4095) / 4096 * 4096)) $(((0x$end + 1) / 4096 * 4096 - 1)))
		expected+=("$range")
	done <"$FIX/kcore.ram"
	run "$SYSPY" "$DUMPS" ranges dump
	assert_success
	assert_output "$(printf '%s\n' "${expected[@]}")"
	run "$SYSPY" "$DUMPS" pattern dump "$FIX/qemu.pattern"
	assert_success
	assert_output ''
	"$SYSPY" "$DUMPS" vmcoreinfo dump >vmcoreinfo
	"$SYSPY" "$DUMPS" vmcoreinfo "$FIX/qemu.elf" >qemu.vmcoreinfo
	run cmp vmcoreinfo qemu.vmcoreinfo
	assert_success
	kernel_reads kcore.stream
}

@test "/proc/kcore | vmc-pack: drgn reads the kernel with its symbols as from the kdump-compressed one" {
	run bash -c "vmc-pack --format kdump --compress zlib --level 1 -o kcore.kdump <'$FIX/kcore.stream'"
	assert_success
	run "$SYSPY" "$DUMPS" drgn kcore.kdump "$FIX/vmlinux"
	assert_success
	assert_line 'task pattern'
	local want=$output
	run bash -c "vmc-pack -o dump <'$FIX/kcore.stream'"
	assert_success
	run "$SYSPY" "$DUMPS" drgn dump "$FIX/vmlinux"
	assert_success
	assert_output "$want"
}

@test "/proc/kcore | vmc-pack --format kdump: the memory of the ELF one, its pattern; crash and drgn read it" {
	run bash -c "vmc-pack -o kcore.elf <'$FIX/kcore.stream'"
	assert_success
	run bash -c "vmc-pack --format kdump --compress zlib --level 1 -o dump <'$FIX/kcore.stream'"
	assert_success
	run "$SYSPY" "$DUMPS" same kcore.elf dump
	assert_success
	assert_output ''
	run "$SYSPY" "$DUMPS" pattern dump "$FIX/qemu.pattern"
	assert_success
	assert_output ''
	kernel_reads kcore.stream
}

# ---- /proc/vmcore after a real panic, and makedumpfile's files of it ----

@test "/proc/vmcore | vmc-pack: every byte, note, CPU, the VMCOREINFO and the pattern survive; the kernel text's PT_LOAD folds into the direct map" {
	pack_fixture vmcore elf
	assert_line --regexp '^vmc-unpack: warning: .*/vmcore: PT_LOAD 1 \(phys 0x[0-9a-f]+-0x[0-9a-f]+, virt 0xffffffff[0-9a-f]+\) is the same memory as PT_LOAD [0-9]+: folded$'
	holds_fixture vmcore
}

@test "/proc/vmcore | vmc-pack: drgn reads the kernel with its symbols, its tasks and the crashed stack, as from /proc/vmcore" {
	run "$SYSPY" "$DUMPS" drgn "$FIX/vmcore" "$FIX/vmlinux"
	assert_success
	assert_line 'crashed sysrq_handle_crash'
	local want=$output
	pack_fixture vmcore elf
	run "$SYSPY" "$DUMPS" drgn dump "$FIX/vmlinux"
	assert_success
	assert_output "$want"
}

@test "/proc/vmcore | vmc-pack --format kdump: the same" {
	pack_fixture vmcore kdump
	holds_fixture vmcore
}

@test "/proc/vmcore | vmc-pack: crash shows the panic" {
	pack_fixture vmcore elf
	crash_shows_panic
}

@test "/proc/vmcore | vmc-pack --format kdump: crash shows the panic" {
	pack_fixture vmcore kdump
	crash_shows_panic
}

# crash, with the kernel's symbols, on ./dump (or the files of a split
# dump): the panic, the release, both CPUs, and the stack of the task that
# wrote to /proc/sysrq-trigger
crash_shows_panic() { # [FILE...]
	local files=("${@:-dump}")
	run bash -c "printf 'sys\nbt\nquit\n' | crash -s '$FIX/vmlinux' ${files[*]}"
	assert_success
	assert_line --regexp '^ +PANIC: "Kernel panic - not syncing: sysrq triggered crash"$'
	assert_line --regexp "^ +RELEASE: $(cat "$FIX/release")\$"
	assert_line --regexp '^ +CPUS: 2$'
	assert_line --regexp '^ #[0-9]+ \[[0-9a-f]+\] sysrq_handle_crash at [0-9a-f]+$'
}

@test "/proc/vmcore | vmc-pack --split 2: crash reads the two files as one dump and shows the panic; reassembled, every byte is there" {
	run bash -c "set -o pipefail; vmc-unpack '$FIX/vmcore' | vmc-pack --format kdump --compress zlib --level 1 --split 2 -o dump"
	assert_success
	crash_shows_panic dump.1 dump.2
	makedumpfile --reassemble dump.1 dump.2 whole >/dev/null
	run "$SYSPY" "$DUMPS" same "$FIX/vmcore" whole
	assert_success
	assert_output ''
}

@test "vmc-unpack --phys cuts one page out of the real vmcore" {
	local phys
	phys=$(awk '$1 == 3 { print $2 }' "$FIX/vmcore.pattern")
	run bash -c "set -o pipefail; vmc-unpack --phys $phys+4096 '$FIX/vmcore' | vmc-pack -o dump"
	assert_success
	run "$SYSPY" "$DUMPS" ranges dump
	assert_output "$(printf '%#x-%#x' "$phys" $((phys + 4095)))"
	run "$SYSPY" "$DUMPS" read dump "$((phys + 4080))" 16
	assert_output 'kdl pattern 0003'
}

@test "makedumpfile -c | vmc-pack: every byte, note, CPU, the VMCOREINFO and the pattern survive" {
	pack_fixture mdf-zlib elf
	holds_fixture mdf-zlib
}

@test "makedumpfile -c, from a pipe | vmc-pack --format kdump: the same" {
	pack_fixture mdf-zlib kdump --pipe
	holds_fixture mdf-zlib
}

@test "makedumpfile -l | vmc-pack: the same" {
	pack_fixture mdf-lzo elf
	holds_fixture mdf-lzo
}

@test "makedumpfile -l | vmc-pack --format kdump: the same" {
	pack_fixture mdf-lzo kdump
	holds_fixture mdf-lzo
}

@test "makedumpfile -d 31 | vmc-pack: the pages it keeps, and not the user pages it left out" {
	pack_fixture mdf-d31 elf
	holds_fixture mdf-d31
}

@test "makedumpfile -d 31 | vmc-pack --format kdump: the same" {
	pack_fixture mdf-d31 kdump
	holds_fixture mdf-d31
}

@test "makedumpfile -F (flattened) | vmc-pack: the same" {
	pack_fixture mdf-flat elf
	holds_fixture mdf-flat
}

@test "makedumpfile -F (flattened), from a pipe | vmc-pack --format kdump: the same" {
	pack_fixture mdf-flat kdump --pipe
	holds_fixture mdf-flat
}

@test "makedumpfile --split, both files given | vmc-pack: the same" {
	pack_fixture mdf-split elf
	holds_fixture mdf-split
}

@test "makedumpfile --split, both files given | vmc-pack --format kdump: the same" {
	pack_fixture mdf-split kdump
	holds_fixture mdf-split
}

# ---- dump levels 2 to 31: what makedumpfile -d N leaves out ----

# makedumpfile -l -d LEVEL of the ELF dump ./elf into ./theirs, and
# vmc-unpack ./elf | vmc-pack --dump-level LEVEL into ./ours (lzo, both);
# the same pages kept, byte for byte, and the same counts of each class
# left out.  (makedumpfile cannot read QEMU's ELF, with its section
# headers, itself: ./elf is QEMU's dump through vmc-pack.  Pages a
# PT_LOAD holds only part of do not count: makedumpfile leaves them out
# at every level, -d 0 too, and vmc-pack keeps them.)
same_level_as_makedumpfile() { # LEVEL [VMC-PACK ARG]...
	# makedumpfile writes no file that exists
	rm -f theirs
	makedumpfile --message-level 16 -l -d "$1" elf theirs >report 2>&1 || fail "$(cat report)"
	run --separate-stderr bash -c 'set -o pipefail; vmc-unpack elf | vmc-pack --format kdump --compress lzo --dump-level "$@" --json -o ours' _ "$@"
	assert_success
	json=$output
	run "$SYSPY" "$DUMPS" kept theirs ours elf
	assert_success
	assert_output ''
	# makedumpfile's report: "Non-private cache pages : 0x..." and so on
	run "$SYSPY" - report "$json" <<'PY'
import json, re, sys
report = open(sys.argv[1]).read()
ours = json.loads(sys.argv[2])['pages_excluded']
for key, label in (('cache', 'Non-private cache pages'), ('cache_private', 'Private cache pages'),
                   ('user', 'User process data pages'), ('free', 'Free pages'),
                   ('hwpoison', 'Hwpoison pages'), ('offline', 'Offline pages')):
    theirs = int(re.search(label + r' *: *(0x[0-9a-f]+)', report).group(1), 16)
    if theirs != ours[key]:
        print('%s: makedumpfile %d, vmc-pack %d' % (key, theirs, ours[key]))
PY
	assert_success
	assert_output ''
}

@test "QEMU's ELF dump | vmc-pack --dump-level 2, 4, 8, 16, 31: the pages makedumpfile -d N keeps, byte for byte, and its counts" {
	vmc-unpack "$FIX/qemu.elf" | vmc-pack -o elf
	for level in 2 4 8 16 31; do
		same_level_as_makedumpfile "$level"
	done
	# the pattern the guest's process wrote is user data
	run "$SYSPY" "$DUMPS" pattern ours "$FIX/qemu.pattern" --absent
	assert_success
	assert_output ''
}

@test "/proc/vmcore | vmc-pack --dump-level 2, 4, 8, 16, 31: the same" {
	vmc-unpack "$FIX/vmcore" | vmc-pack -o elf
	for level in 2 4 8 16 31; do
		same_level_as_makedumpfile "$level"
	done
	# -d 31: crash shows the release, drgn the tasks and the crashed stack
	mv ours dump
	kernel_reads vmcore
}

@test "a LiME capture of the guest's memory, its VMCOREINFO added by vmc-note | vmc-pack --dump-level 31: the pages makedumpfile -d 31 keeps of the ELF" {
	vmc-unpack "$FIX/qemu.elf" | vmc-pack -o elf
	run "$SYSPY" "$DUMPS" lime elf capture.lime
	assert_success
	"$SYSPY" "$DUMPS" vmcoreinfo elf >vmcoreinfo.txt
	# makedumpfile reads no LiME capture at all
	run makedumpfile -l -d 31 capture.lime theirs
	assert_failure
	rm -f theirs
	makedumpfile -l -d 31 elf theirs >/dev/null 2>&1
	run --separate-stderr bash -c 'set -o pipefail; vmc-unpack capture.lime | vmc-note --vmcoreinfo vmcoreinfo.txt |
		vmc-pack --format kdump --compress lzo --dump-level 31 -o ours'
	assert_success
	run "$SYSPY" "$DUMPS" kept theirs ours elf
	assert_success
	assert_output ''
}

@test "/proc/vmcore | vmc-pack --dump-level 31: the same bytes with 1, 2 and 3 threads, and makedumpfile's own -d 31 of it read as the kernel" {
	for t in 1 2 3; do
		vmc-unpack "$FIX/vmcore" | vmc-pack --format kdump --dump-level 31 --threads "$t" -o "d$t"
	done
	cmp d1 d2
	cmp d1 d3
	run "$SYSPY" "$DUMPS" kept "$FIX/mdf-d31" d1 "$FIX/vmcore"
	assert_success
	assert_output ''
}

@test "QEMU's ELF dump | vmc-pack --dump-level 2, 4, 8, 16, 31 to ELF: the PT_LOADs' pages makedumpfile -E -d N writes, byte for byte" {
	vmc-unpack "$FIX/qemu.elf" | vmc-pack -o elf
	for level in 2 4 8 16 31; do
		rm -f theirs
		makedumpfile -E -d "$level" elf theirs >report 2>&1 || fail "$(cat report)"
		run --separate-stderr bash -c 'set -o pipefail; vmc-unpack elf | vmc-pack --dump-level "$1" -o ours' _ "$level"
		assert_success
		# the same PT_LOADs: cut at runs of 256 pages or more left out
		[ "$(readelf -lW theirs | grep -c LOAD)" = "$(readelf -lW ours | grep -c LOAD)" ]
		# below the end of the kernel's memory map: past it, at bit 1,
		# makedumpfile also leaves out the end of the BIOS's ROM at
		# 0xfffc0000, which is not zero
		run "$SYSPY" "$DUMPS" kept theirs ours elf 0x10000000
		assert_success
		assert_output ''
	done
}

@test "/proc/vmcore | vmc-pack --dump-level 2, 4, 8, 16, 31 to ELF: the pages makedumpfile -E -d N writes, the kernel text's alias cut with its segment" {
	for level in 2 4 8 16 31; do
		rm -f theirs
		makedumpfile -E -d "$level" "$FIX/vmcore" theirs >report 2>&1 || fail "$(cat report)"
		run --separate-stderr bash -c 'set -o pipefail; vmc-unpack "$1" | vmc-pack --dump-level "$2" -o ours' _ "$FIX/vmcore" "$level"
		assert_success
		run "$SYSPY" "$DUMPS" kept theirs ours "$FIX/vmcore"
		assert_success
		assert_output ''
	done
	mv ours dump
	kernel_reads vmcore
}

@test "a dump level above 1 without the VMCOREINFO: refused, naming why, and nothing written" {
	mkdir out
	for format in kdump elf; do
		run bash -c 'vmc-unpack "$1" | vmc-note --drop VMCOREINFO | vmc-pack --format "$2" --dump-level 31 -o out/vmcore' _ "$FIX/qemu.elf" "$format"
		assert_failure 1
		assert_output "vmc-pack: dump level 31 needs the kernel's VMCOREINFO, which this dump lacks"
	done
	run ls -A out
	assert_output ''
}
