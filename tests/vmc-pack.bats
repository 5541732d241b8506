load helpers
bats_require_minimum_version 1.5.0

# vmc-pack: the dump a record stream describes, judged by real readers
# (libkdumpfile, drgn, eu-readelf, binutils readelf, gdb, crash,
# makedumpfile), then its reports and its failures.

@test "main pipeline: every reader reads it back" {
	check_spec main.spec
}

@test "aarch64: every reader reads it back" {
	check_spec aarch64.spec
}

@test "aarch64 with 64 KiB pages: every reader reads it back" {
	check_spec aarch64-64k.spec
}

@test "64 CPUs: every reader reads them back in CPU order" {
	check_spec many-cpus.spec
}

@test "no VMCOREINFO: the readers read it, drgn and crash see no kernel" {
	check_spec no-vmcoreinfo.spec
}

@test "stream out of canonical order: every reader reads it back" {
	check_spec reordered.spec
}

@test "stream out of canonical order, VMCOREINFO with 64 KiB pages last: every reader reads it back" {
	check_spec late-pagesize.spec
}

@test "PN_XNUM, 65534 segments: every reader reads it back" {
	check_spec xnum.spec
}

@test "payloads across vmc-pack's input buffer: every reader reads it back" {
	check_spec straddle.spec
}

@test "filters in another order, or check.py's own stream: the same file" {
	check_same_file main.spec
}

@test "makedumpfile converts a dump without VMCOREINFO, keeping every byte" {
	check_makedumpfile no-vmcoreinfo.spec
}

@test "metadata and annotation notes are not CPU state to crash and gdb" {
	head -c 8192 /dev/zero >mem
	vmc-note --metadata collector=tests --annotation hostname=web-7 </dev/null |
		vmc-seg --phys 0x100000 --virt 0xffff888000100000 mem |
		vmc-prstatus --cpu 0 --pid 1 rip=0xffffffff81001234 |
		vmc-pack -o vmcore
	run crash -d 1 --osrelease vmcore
	assert_line --regexp '^ +num_prstatus_notes: 1$'
	run gdb-multiarch -nx -batch -ex 'set architecture i386:x86-64' \
		-ex 'core-file vmcore' -ex 'info threads'
	assert_success
	assert_line --regexp '^\* 1 +LWP 1 +0xffffffff81001234 in '
	refute_output --partial warning
}

@test "--virt 0xffffffffffffffff is kept or refused, never replaced" {
	head -c 8192 /dev/zero >mem
	# kexec-tools writes p_vaddr -1 for memory without a kernel address
	run bash -c 'vmc-seg --phys 0x100000 --virt 0xffffffffffffffff mem </dev/null | vmc-pack -o vmcore'
	if [ "$status" -ne 0 ]; then
		[ ! -e vmcore ]
		return
	fi
	run eu-readelf -l vmcore
	assert_line --regexp '^  LOAD +0x[0-9a-f]+ 0xffffffffffffffff 0x0000000000100000 '
}

# ---- what vmc-pack reports ----

# Two segments (one with a virtual address of its own, one of 10000
# bytes), a CPU and 70 bytes of VMCOREINFO (the file lacks the final
# newline, which vmc-note adds): 8 KiB of headers and notes, 8 KiB and
# 12 KiB of segment pages.
stats_stream() {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000' >vmcoreinfo
	head -c 10000 /dev/zero >a
	head -c 8192 /dev/zero >b
	vmc-note --vmcoreinfo vmcoreinfo </dev/null |
		vmc-seg --phys 0x100000 a |
		vmc-seg --phys 0x1000 --virt 0xffff888000001000 b |
		vmc-prstatus --cpu 0 --pid 1 rip=0x1 >stream
	mkdir -p out
}

STATS='Architecture:    x86_64
Format:          elf
Segments:        2
CPU contexts:    1
Total memory:    18192 bytes (17.8 KiB)
VMCOREINFO size: 70 bytes
Estimated size:  28672 bytes (28.0 KiB)'
SEGMENTS='Segment 0:       phys 0x1000 virt 0xffff888000001000 size 0x2000 (8.0 KiB)
Segment 1:       phys 0x100000 virt 0x100000 size 0x2710 (9.8 KiB)'
JSON_HEAD='{"architecture": "x86_64", "format": "elf", "segment_count": 2, "cpu_contexts": 1, "total_memory": 18192, "total_memory_human": "17.8 KiB", "vmcoreinfo_size": 70, "estimated_file_size": 28672'
JSON_SEGMENTS='"segments": [{"phys": "0x1000", "virt": "0xffff888000001000", "size": 8192}, {"phys": "0x100000", "virt": "0x100000", "size": 10000}]}'

@test "--stats: what the dump holds, and the size of the file written" {
	stats_stream
	run vmc-pack -o out/vmcore --stats <stream
	assert_success
	assert_output "$STATS
Actual size:     28672 bytes (28.0 KiB)
$SEGMENTS"
	run stat -c %s out/vmcore
	assert_output 28672
}

@test "--json: the same as JSON" {
	stats_stream
	run vmc-pack -o out/vmcore --json <stream
	assert_success
	assert_output "$JSON_HEAD, \"actual_file_size\": 28672, $JSON_SEGMENTS"
	run "$SYSPY" -c 'import json, sys; d = json.load(sys.stdin); print(d["segments"][0]["virt"], d["actual_file_size"])' <<<"$output"
	assert_success
	assert_output '0xffff888000001000 28672'
}

@test "--dry-run: the stats, and no file" {
	stats_stream
	run vmc-pack -o out/vmcore --dry-run <stream
	assert_success
	assert_output "$STATS
$SEGMENTS"
	run vmc-pack -o out/vmcore --dry-run --json <stream
	assert_success
	assert_output "$JSON_HEAD, \"actual_file_size\": null, $JSON_SEGMENTS"
	run vmc-pack --dry-run <stream
	assert_success
	assert_output "$STATS
$SEGMENTS"
	run ls -A out
	assert_output ''
}

# ---- failures: a message naming the problem, and no file ----

@test "truncated stream: exit 1, where it ends, no file" {
	local size
	make_stream
	size=$(stat -c %s stream)
	packs_truncated 10 'inside its header'
	packs_truncated 16 'without its end record'
	packs_truncated 20 'inside a record header'
	packs_truncated 100 'inside a record'
	packs_truncated 100000 'inside a record'
	packs_truncated $((size - 24)) 'without its end record'
	packs_truncated $((size - 4)) 'inside its end record'
}

@test "a program upstream that fails leaves vmc-pack a truncated stream" {
	mkdir out
	run bash -c 'vmc-seg --phys 0x1000 missing </dev/null | vmc-pack -o out/vmcore'
	assert_failure 1
	assert_output "vmc-seg: missing: No such file or directory
vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)"
	run ls -A out
	assert_output ''
}

@test "garbage or raw memory on stdin: exit 1, told to use vmc-seg -" {
	make_stream
	run bash -c 'printf "not a record stream" | vmc-pack -o out/vmcore'
	assert_failure 1
	assert_output 'vmc-pack: stdin is not a vmc record stream; to read raw memory use vmc-seg -'
	run vmc-pack -o out/vmcore <mem
	assert_failure 1
	assert_output 'vmc-pack: stdin is not a vmc record stream; to read raw memory use vmc-seg -'
	run ls -A out
	assert_output ''
}

@test "overlapping segments: the message names both ranges" {
	mkdir out
	head -c 10000 /dev/zero >a
	head -c 8192 /dev/zero >b
	# both lengths known: vmc-seg sees it
	run bash -c 'vmc-seg --phys 0x1000 a </dev/null | vmc-seg --phys 0x2000 b | vmc-pack -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	# the first vmc-seg may still be writing when the second one quits:
	# then it dies of SIGPIPE (141) rather than finishing (0)
	assert_output --regexp "^vmc-seg: b: segment 0x2000-0x3fff overlaps segment 0x1000-0x370f
vmc-pack: stdin: truncated stream: it ends without its end record \\(did a program before this one fail\\?\\)
exit (0|141) 1 1\$"
	# from a pipe the length is known only at its end: vmc-pack sees it
	run bash -c 'cat a | vmc-seg --phys 0x1000 - | vmc-seg --phys 0x2000 b | vmc-pack -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output "vmc-pack: segment 0x1000-0x370f overlaps segment 0x2000-0x3fff
exit 0 0 0 1"
	run ls -A out
	assert_output ''
}

@test "a stream of no segment, or nothing on stdin: refused, unless --allow-empty" {
	mkdir out
	vmc-prstatus --cpu 0 rip=1 </dev/null >cpu
	for input in /dev/null cpu; do
		for format in elf kdump; do
			run vmc-pack --format $format -o out/empty <$input
			assert_failure 1
			assert_output "vmc-pack: the dump would hold no memory: no segment came (an empty dump is written only when asked for: --allow-empty)"
		done
	done
	run ls -A out
	assert_output ''
	run --separate-stderr vmc-pack --allow-empty -o out/empty </dev/null
	assert_success
	assert_equal "$stderr" ""
	run eu-readelf -l out/empty
	assert_output --partial "NOTE"
	refute_output --partial "LOAD"
}

@test "empty segment: refused, no file" {
	mkdir out
	: >empty
	run bash -c 'vmc-seg --phys 0x1000 empty </dev/null | vmc-pack -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output "vmc-seg: empty: no data for the segment at 0x1000: a segment cannot be empty
vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)
exit 1 1"
	run bash -c ': | vmc-seg --phys 0x1000 - | vmc-pack -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output "vmc-seg: stdin: no data for the segment at 0x1000: a segment cannot be empty
vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)
exit 0 1 1"
	# an empty SEGMENT record that another producer wrote
	"$SYSPY" -c 'import struct, sys
rec = lambda t, p: struct.pack("<IIQ", t, 1, len(p)) + p
sys.stdout.buffer.write(b"\x89VMC\r\n\x1a\n" + struct.pack("<II", 1, 0)
    + rec(0x10, struct.pack("<QQQ", 0x1000, 0x1000, 0))
    + rec(0x13, struct.pack("<Q", 0)) + rec(0x01, struct.pack("<Q", 2)))' >stream
	run vmc-pack -o out/vmcore <stream
	assert_failure 1
	assert_output 'vmc-pack: no data for the segment at 0x1000: a segment cannot be empty'
	run ls -A out
	assert_output ''
}

@test "an extent that no segment could fill: refused in each format, no file" {
	mkdir out
	pystream empty <<<'stream(rec(0x08, u64(0x1000, 0), flags=0))'
	pystream past <<<'stream(rec(0x08, u64(2**64 - 4096, 8192), flags=0))'
	for format in elf kdump; do
		run vmc-pack --format $format -o out/vmcore <empty
		assert_failure 1
		assert_output "vmc-pack: stdin: corrupt stream: extent record: no data for the segment at 0x1000: a segment cannot be empty"
		run vmc-pack --format $format -o out/vmcore <past
		assert_failure 1
		assert_output "vmc-pack: stdin: corrupt stream: extent record: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space"
	done
	run ls -A out
	assert_output ''
}

@test "a record inside a segment, of a type known or not, critical or not: refused, no file" {
	mkdir out
	for inside in 'rec(0x04, b"note"):description record' 'rec(0x8000, b"private", flags=0):a record of type 0x8000' \
		'rec(0x8000, b"private"):a record of type 0x8000'; do
		pystream stream <<<"stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x11, b\"abcd\"), ${inside%%:*}, rec(0x11, b\"efgh\"), rec(0x13, u64(8)))"
		run vmc-pack -o out/vmcore <stream
		assert_failure 1
		assert_output "vmc-pack: stdin: corrupt stream: ${inside#*:} inside a segment"
	done
	run ls -A out
	assert_output ''
}

@test "a register of another architecture: vmc-pack lists the valid ones" {
	mkdir out
	run bash -c 'vmc-prstatus --cpu 0 x0=1 </dev/null | vmc-pack -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output "vmc-pack: CPU 0: unknown register 'x0' for x86_64; valid registers: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs
exit 0 1"
	run ls -A out
	assert_output ''
}

@test "architecture conflict: the message names both" {
	mkdir out
	run bash -c 'vmc-prstatus --arch aarch64 --cpu 0 x0=1 </dev/null | vmc-pack --arch x86_64 -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output 'vmc-pack: architecture conflict: both x86_64 and aarch64 are named
exit 0 1'
	run ls -A out
	assert_output ''
}

# ---- a dump holds every secret of the machine ----

@test "a dump is its owner's alone whatever the umask, an old one's mode goes with it; --mode sets another" {
	make_stream
	for mask in 022 000; do
		rm -f out/vmcore
		(umask $mask && vmc-pack -o out/vmcore <stream)
		run stat -c %a out/vmcore
		assert_output 600
	done
	chmod 644 out/vmcore
	(umask 022 && vmc-pack -o out/vmcore <stream)
	run stat -c %a out/vmcore
	assert_output 600
	# as asked, past a umask that would take the group's read away
	(umask 077 && vmc-pack --mode 640 -o out/vmcore <stream)
	run stat -c %a out/vmcore
	assert_output 640
	(umask 077 && vmc-pack --mode 0604 --format kdump --split 2 -o out/split <stream)
	run stat -c %a out/split.1 out/split.2
	assert_output "604
604"
	(umask 000 && vmc-pack --format kdump --flat -o out/flat2 <stream)
	run stat -c %a out/flat2
	assert_output 600
}

@test "--mode: octal permissions only, else a usage error and no file" {
	make_stream
	for bad in 8 0999 10000 rw-r--r-- '' 0x180 -1; do
		run vmc-pack --mode "$bad" -o out/vmcore <stream
		assert_failure 2
		assert_line --index 0 "vmc-pack: --mode: '$bad' is not an octal mode such as 600 or 0640"
	done
	run ls -A out
	assert_output ''
}

@test "a symlink at the output path is replaced by the dump, never followed" {
	make_stream
	echo precious >target
	chmod 644 target
	ln -s ../target out/vmcore
	vmc-pack -o out/vmcore <stream
	[ ! -L out/vmcore ]
	run stat -c %a out/vmcore
	assert_output 600
	run cat target
	assert_output precious
	run ls -A out
	assert_output vmcore
}

@test "output in a directory that does not exist" {
	make_stream
	run vmc-pack -o nodir/vmcore <stream
	assert_failure 1
	assert_output 'vmc-pack: nodir/vmcore: No such file or directory'
	[ ! -e nodir ]
}

@test "output where even root cannot write" {
	make_stream
	run vmc-pack -o /sys/kdumpling-vmcore <stream
	assert_failure 1
	assert_output 'vmc-pack: /sys/kdumpling-vmcore: Permission denied'
	[ ! -e /sys/kdumpling-vmcore ]
}

@test "output on a full file system: no space, and nothing left behind" {
	make_stream
	mkdir full
	run unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs full &&
		vmc-pack -o full/vmcore <stream; echo "exit $?"; ls -A full'
	assert_output 'vmc-pack: full/vmcore: No space left on device
exit 1'
}

@test "--stats on a full stdout: exit 1" {
	make_stream
	run bash -c 'vmc-pack -o out/vmcore --stats <stream >/dev/full'
	assert_failure 1
	assert_output 'vmc-pack: stdout: No space left on device'
}

@test "--compress or --level for the ELF format, which compresses nothing: a usage error" {
	make_stream
	run vmc-pack --compress zstd -o out/vmcore <stream
	assert_failure 2
	assert_line --index 0 "vmc-pack: --compress: pages are compressed in the kdump format only; add --format kdump"
	run vmc-pack --format elf --level 3 -o out/vmcore <stream
	assert_failure 2
	assert_line --index 0 "vmc-pack: --level: pages are compressed in the kdump format only; add --format kdump"
	run ls -A out
	assert_output ''
}

@test "unknown --format: usage error, exit 2" {
	make_stream
	run vmc-pack -o out/vmcore --format qcow2 <stream
	assert_failure 2
	assert_output "vmc-pack: --format: unknown format 'qcow2' (known: elf kdump)
Try 'vmc-pack --help' for more information."
	run ls -A out
	assert_output ''
}

# vmc-pack stopped by SIG while half of ./stream has come in and some
# data is in the file it writes: no file in out/, not even a hidden one.
killed_midway() { # SIG
	local pid fd size=0
	mkfifo fifo
	vmc-pack -o out/vmcore <fifo &
	pid=$!
	exec 4>fifo
	head -c 100000 stream >&4
	for _ in $(seq 200); do
		fd=$(find /proc/$pid/fd -lname '*/out/*' 2>/dev/null | head -n 1)
		size=$( [ -n "$fd" ] && stat -L -c %s "$fd" 2>/dev/null || echo 0)
		[ "$size" -gt 0 ] && break
		sleep 0.05
	done
	kill -"$1" $pid
	run wait $pid
	exec 4>&-
	assert_failure
	[ "$size" -gt 0 ]
	run ls -A out
	assert_output ''
}

@test "killed by SIGTERM while writing: nothing left behind" {
	make_stream
	killed_midway TERM
}

@test "killed by SIGINT while writing: nothing left behind" {
	make_stream
	killed_midway INT
}

@test "killed by SIGHUP while writing: nothing left behind" {
	make_stream
	killed_midway HUP
}

@test "a write of the dump that fails with ENOSPC, early or late, each format: exit 1, the file named, an old dump untouched" {
	make_stream
	echo old >out/vmcore
	for format in elf kdump; do
		# the first of each call, and the last pwrite, the headers'
		last=$(calls_before pwrite64 '' vmc-pack --format $format -o out/counted)
		rm out/counted
		for fault in "$DUMP_WRITES 1" "pwrite64 $last"; do
			run inject ${fault% *} ENOSPC ${fault#* } vmc-pack --format $format -o out/vmcore <stream
			assert_failure 1
			assert_output --regexp "^vmc-pack: (stdin to )?out/vmcore: No space left on device$"
			run ls -A out
			assert_output vmcore
			run cat out/vmcore
			assert_output old
		done
	done
	run inject "$DUMP_WRITES" EIO 3 vmc-pack --format kdump --split 2 -o out/split <stream
	assert_failure 1
	assert_output --regexp "^vmc-pack: out/split\.[12]: Input/output error$"
	run ls -A out
	assert_output vmcore
}

@test "reads of the stream interrupted (EINTR) are taken up again: the same dump" {
	make_stream
	# the header's time the same, whatever second each run ends in
	export SOURCE_DATE_EPOCH=1
	vmc-pack --format kdump -o out/plain <stream
	n=$(calls_before read 'read(0,' vmc-pack --format kdump -o out/counted)
	inject read EINTR $((n + 1))..$((n + 6)) vmc-pack --format kdump -o out/interrupted <stream
	cmp out/plain out/interrupted
}

@test "output path a directory, or on a read-only file system: exit 1, the cause, nothing written" {
	make_stream
	mkdir out/dir
	run vmc-pack -o out/dir <stream
	assert_failure 1
	assert_output 'vmc-pack: out/dir: Is a directory'
	mkdir ro
	run unshare -m sh -c 'mount -t tmpfs -o ro,size=64k tmpfs ro &&
		vmc-pack -o ro/vmcore <stream; echo "exit $?"; ls -A ro'
	assert_output 'vmc-pack: ro/vmcore: Read-only file system
exit 1'
}

@test "killed by SIGKILL while writing: nothing left behind" {
	make_stream
	killed_midway KILL
}

# ---- progress on stderr ----

# vmc-pack fed 16 MiB through vmc-seg in two halves 1.3 s apart, so that
# it draws a line between them; with --length the stream tells the
# total ahead.  ARGS go to vmc-pack.
slow_pack() { # [--length 16M] -- VMC-PACK ARG...
	local seg=()
	while [ "$1" != -- ]; do
		seg+=("$1")
		shift
	done
	shift
	head -c 16M /dev/urandom >mem
	{ head -c 8M mem; sleep 1.3; tail -c 8M mem; } | vmc-seg --phys 0 "${seg[@]}" - | vmc-pack "$@"
}
export -f slow_pack

# The dump holds mem, byte for byte, as libkdumpfile reads it.
holds_mem() { # DUMP
	run "$SYSPY" -c 'import kdumpfile as K, sys
k = K.kdumpfile(sys.argv[1])
print(bytes(k.read(K.KDUMP_MACHPHYSADDR, 0, 16 << 20)) == open("mem", "rb").read())' "$1"
	assert_output True
}

@test "--progress: a line a second where stderr is no terminal, with percent and time left when the stream told the total" {
	run --separate-stderr slow_pack --length 16M -- --progress -o dump
	assert_success
	[ "${#stderr_lines[@]}" -ge 2 ] || fail "stderr: $stderr"
	for line in "${stderr_lines[@]:0:${#stderr_lines[@]}-1}"; do
		[[ "$line" =~ ^vmc-pack:\ [0-9.]+\ (B|KiB|MiB)\ of\ 16.0\ MiB\ \([0-9]+%\),\ [0-9.]+\ (B|KiB|MiB|GiB)/s,\ [0-9]+:[0-9][0-9]\ left$ ]] ||
			fail "line: $line"
	done
	[[ "${stderr_lines[-1]}" =~ ^vmc-pack:\ 16.0\ MiB\ in\ [0-9]+\.[0-9]\ s,\ [0-9.]+\ (KiB|MiB|GiB)/s$ ]] ||
		fail "last line: ${stderr_lines[-1]}"
	holds_mem dump
}

@test "--progress without a total: bytes and rate only" {
	run --separate-stderr slow_pack -- --format kdump --progress -o dump
	assert_success
	[ "${#stderr_lines[@]}" -ge 2 ] || fail "stderr: $stderr"
	[[ "${stderr_lines[0]}" =~ ^vmc-pack:\ [0-9.]+\ (B|KiB|MiB),\ [0-9.]+\ (B|KiB|MiB|GiB)/s$ ]] ||
		fail "line: ${stderr_lines[0]}"
	[[ "${stderr_lines[-1]}" =~ ^vmc-pack:\ 16.0\ MiB\ in\ [0-9]+\.[0-9]\ s, ]] || fail "last line: ${stderr_lines[-1]}"
	holds_mem dump
}

@test "no progress where stderr is no terminal, unless asked for" {
	run --separate-stderr slow_pack --length 16M -- -o dump
	assert_success
	assert_equal "$stderr" ""
}

# Runs CMD on a terminal of its own (script(1)); $output is what the
# terminal showed, stdout and stderr together.
on_terminal() { # CMD
	run script -qec "$1" /dev/null
}

@test "on a terminal: one line redrawn in place, at most 4 times a second, ended by a newline" {
	head -c 32M /dev/urandom >mem
	start=$(date +%s.%N)
	# 32 pieces of 1 MiB, 0.1 s apart: a redraw after each would be 32
	on_terminal 'for i in $(seq 0 31); do tail -c +$((i * 1048576 + 1)) mem | head -c 1M; sleep 0.1; done |
		vmc-seg --phys 0 --length 32M - | vmc-pack -o dump'
	end=$(date +%s.%N)
	assert_success
	draws=$(grep -o $'\r''vmc-pack: ' <<<"$output" | wc -l)
	[ "$draws" -ge 3 ] || fail "$draws redraws: $output"
	[ "$draws" -le "$(awk -v s="$start" -v e="$end" 'BEGIN {print int((e - s) * 4 + 2)}')" ] ||
		fail "$draws redraws in $start-$end: $output"
	# the pty turns the closing newline into CR LF
	[[ "$output" =~ $'\r'vmc-pack:\ 32.0\ MiB\ in\ [0-9.]+\ s,\ [0-9.]+\ [KMG]iB/s$'\e'\[K$'\r'$ ]] || fail "end: $output"
}

@test "on a terminal: --no-progress silences it; a message takes the line's place" {
	head -c 16M /dev/urandom >mem
	on_terminal '{ head -c 8M mem; sleep 1.3; tail -c 8M mem; } | vmc-seg --phys 0 --length 16M - | vmc-pack --no-progress -o dump'
	assert_success
	assert_output ''
	# a stream cut short after the line was drawn: the message starts on
	# a line cleared of it
	vmc-seg --phys 0 mem </dev/null >stream
	on_terminal '{ head -c 8M stream; sleep 1.3; tail -c +8388609 stream | head -c 4M; } | vmc-pack -o cut'
	assert_failure 1
	[[ "$output" =~ $'\r'vmc-pack:\ [^$'\r']*\ left$'\e'\[K$'\r'$'\e'\[Kvmc-pack:\ stdin:\ truncated\ stream ]] || fail "output: $output"
	[ ! -e cut ]
}

@test "--progress and --no-progress together: a usage error" {
	run vmc-pack --progress --no-progress -o dump </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-pack: --progress and --no-progress ask for opposites; give one"
}

# ---- memcheck ----

@test "valgrind memcheck: no error and no leak, packing ELF, kdump on two threads, a split dump; unpacking one" {
	ldd "$(command -v vmc-pack)" | grep -q libasan && skip "AddressSanitizer's build checks the same, its own way"
	head -c 1M /dev/urandom >mem
	vmc-seg --phys 0 mem </dev/null | vmc-prstatus --cpu 0 rip=0x10 >stream
	mkdir out
	memcheck=(valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect)
	for args in "-o out/elf" "--format kdump --compress lzo --threads 2 -o out/kdump" \
		"--format kdump --compress zstd --split 2 -o out/split"; do
		run "${memcheck[@]}" vmc-pack $args <stream
		assert_success
		assert_output ''
	done
	run bash -c '"$@" vmc-unpack out/kdump </dev/null | cmp - <(vmc-unpack out/kdump </dev/null)' _ "${memcheck[@]}"
	assert_success
	assert_output ''
}
