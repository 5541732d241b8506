load helpers

# vmc-pack --format kdump: makedumpfile's kdump-compressed format, judged
# by check.py's own parser, libkdumpfile, drgn and crash, compared byte for
# byte with makedumpfile's output, then its reports and its failures.

# ---- every codec at dump levels 0 and 1 ----

@test "no compression, dump level 0: every reader reads it back" {
	check_spec kdump-none-0.spec
}

@test "no compression, dump level 1: every reader reads it back" {
	check_spec kdump-none-1.spec
}

@test "zlib level 1, dump level 0: every reader reads it back" {
	check_spec kdump-zlib-0.spec
}

@test "zlib and dump level by default (6 and 1): every reader reads it back" {
	check_spec kdump-zlib-1.spec
}

@test "lzo, dump level 0: every reader reads it back" {
	check_spec kdump-lzo-0.spec
}

@test "lzo on one thread, dump level 1: every reader reads it back" {
	check_spec kdump-lzo-1.spec
}

@test "snappy on two threads, dump level 0: every reader reads it back" {
	check_spec kdump-snappy-0.spec
}

@test "snappy, dump level 1: every reader reads it back" {
	check_spec kdump-snappy-1.spec
}

@test "zstd level 19, dump level 0: every reader reads it back" {
	check_spec kdump-zstd-0.spec
}

@test "zstd level -5, dump level 1: every reader reads it back" {
	check_spec kdump-zstd-1.spec
}

@test "--page-size without PAGESIZE: 16 KiB blocks, every reader reads it back" {
	check_spec kdump-page-size.spec
}

@test "64 CPUs: notes over several blocks, every reader reads them back" {
	check_spec kdump-many-cpus.spec
}

@test "no CPU, no VMCOREINFO, 100 bytes: every reader reads it back" {
	check_spec kdump-bare.spec
}

@test "zero blocks off page boundaries: every reader reads them back" {
	check_spec kdump-zero-records.spec
}

@test "zero blocks off page boundaries, from files or as ZERO records: the same file" {
	check_same_file kdump-zero-records.spec
}

@test "a sparse file: the same file as from its dense copy, every byte read back" {
	truncate -s 8M sparse
	head -c 10000 /dev/urandom | dd of=sparse bs=4096 seek=256 conv=notrunc status=none
	head -c 5000 /dev/urandom | dd of=sparse bs=1 seek=$((0x400123)) conv=notrunc status=none
	cat sparse >dense
	for level in 0 1; do
		for f in sparse dense; do
			vmc-seg --phys 0x1000000 "$f" </dev/null |
				SOURCE_DATE_EPOCH=1 vmc-pack --format kdump --dump-level "$level" -o "$f-$level"
		done
		run cmp "sparse-$level" "dense-$level"
		assert_success
	done
	run "$SYSPY" -c 'import kdumpfile, sys
k = kdumpfile.kdumpfile("sparse-1")
sys.exit(bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, 0x1000000, 8 << 20)) != open("dense", "rb").read())'
	assert_success
}

@test "stream out of canonical order, segments sharing a page: every reader reads it back" {
	check_spec kdump-reordered.spec
}

# ---- the flattened format ----

# vmc-pack with SPEC's options, and more, on the stream of build_spec
# --python.
pack_spec() { # SPEC VMC-PACK OPTION...
	local args
	args=$(spec_fact "$1" pack-args)
	mapfile -t args <<<"$args"
	vmc-pack "${args[@]}" "${@:2}" <"${DUMP%/*}/stream.vmc"
}

# ---- --split: the pages in several files, as makedumpfile --split ----

# The sub-header of each file of a split dump, as "split start_pfn end_pfn
# start_pfn_64 end_pfn_64 max_mapnr_64 descriptors", the descriptors being
# those that are set.
split_facts() { # FILE...
	"$SYSPY" - "$@" <<'PY'
import struct, sys
for name in sys.argv[1:]:
    m = open(name, 'rb').read()
    block = struct.unpack_from('<i', m, 428)[0]
    sub_hdr_size, bitmap_blocks = struct.unpack_from('<iI', m, 432)
    split, start, end = struct.unpack_from('<iQQ', m, block + 12)
    start64, end64, max64 = struct.unpack_from('<QQQ', m, block + 80)
    desc_at = (1 + sub_hdr_size + bitmap_blocks) * block
    n = 0
    while desc_at + 24 * (n + 1) <= len(m) and struct.unpack_from('<q', m, desc_at + 24 * n)[0]:
        n += 1
    print(split, start, end, start64, end64, max64, n)
PY
}

@test "--split 3: makedumpfile --reassemble makes the very file vmc-pack writes whole, vmc-unpack reads the parts back into it, crash reads the first" {
	build_spec kdump-lzo-1.spec --python
	pack_spec kdump-lzo-1.spec -o whole
	pack_spec kdump-lzo-1.spec --split 3 -o part
	run ls
	assert_output --partial $'part.1\npart.2\npart.3\n'
	refute [ -e part ]
	run makedumpfile --reassemble part.1 part.2 part.3 reassembled
	assert_success
	cmp whole reassembled
	vmc-unpack part.2 part.3 part.1 | vmc-pack --format kdump --compress lzo -o again
	cmp whole again
	# each a third of the pages, the ranges one after the other from 0 to
	# max_mapnr, the whole dump's bitmaps in each
	run split_facts whole part.1 part.2 part.3
	assert_success
	local max pages
	max=$(awk 'NR == 1 { print $6 }' <<<"$output")
	pages=$(awk 'NR == 1 { print $7 }' <<<"$output")
	assert_line --index 0 "0 0 0 0 0 $max $pages"
	"$SYSPY" -c 'import sys
rows = [list(map(int, l.split())) for l in sys.stdin.read().split("\n")[1:] if l]
mx, pages = int(sys.argv[1]), int(sys.argv[2])
assert [r[0] for r in rows] == [1, 1, 1], rows
assert rows[0][1] == 0 and rows[-1][2] == mx, rows
assert all(a[2] == b[1] for a, b in zip(rows, rows[1:])), rows
assert all(r[1] == r[3] and r[2] == r[4] and r[5] == mx for r in rows), rows
assert sum(r[6] for r in rows) == pages and max(r[6] for r in rows) - min(r[6] for r in rows) <= 1, rows
' "$max" "$pages" <<<"$output"
	cmp -n 4096 whole part.2
	run crash --osrelease part.1
	assert_success
	assert_output "$(spec_fact kdump-lzo-1.spec osrelease)"
}

@test "--split of a stream out of order, parts of a page in two segments: reassembled, the file written whole" {
	build_spec kdump-reordered.spec
	pack_spec kdump-reordered.spec -o whole
	pack_spec kdump-reordered.spec --split 2 -o part
	run makedumpfile --reassemble part.1 part.2 reassembled
	assert_success
	cmp whole reassembled
}

@test "--split: each part's bytes as --threads 1 and 2 write them" {
	build_spec kdump-zstd-1.spec --python
	pack_spec kdump-zstd-1.spec --split 2 --threads 1 -o one
	pack_spec kdump-zstd-1.spec --split 2 --threads 2 -o two
	cmp one.1 two.1
	cmp one.2 two.2
}

@test "--split with more files than pages: the empty ones hold no pages, and the dump reads back" {
	make_stream
	vmc-pack --format kdump --split 100 -o out/vmcore <stream
	[ -e out/vmcore.100 ]
	run split_facts out/vmcore.1 out/vmcore.100
	assert_line --index 0 --regexp '^1 0 256 0 256 [0-9]+ 0$'
	vmc-unpack out/vmcore.* | vmc-pack --format kdump -o whole
	vmc-pack --format kdump -o direct <stream
	cmp whole direct
}

@test "--split refused with ELF, --flat, -o - or too many files: usage error, no file" {
	make_stream
	run vmc-pack --split 2 -o out/vmcore <stream
	assert_failure 2
	assert_output --partial 'vmc-pack: the elf format cannot be split into files; use the kdump format'
	run vmc-pack --format kdump --split 2 --flat -o out/vmcore <stream
	assert_failure 2
	assert_output --partial 'vmc-pack: a dump split into files cannot be flattened'
	run vmc-pack --format kdump --split 2 -o - <stream
	assert_failure 2
	assert_output --partial 'cannot be written to stdout; give a file name'
	run vmc-pack --format kdump --split 257 -o out/vmcore <stream
	assert_failure 2
	assert_output --partial 'vmc-pack: --split: 257 files is too many to split a dump into (at most 256)'
	run ls -A out
	assert_output ''
}

@test "--split: when a later file cannot be given its name, the ones named before are taken back" {
	make_stream
	# the second rename of the two that name the files fails
	run strace -f -o /dev/null -e inject=rename:error=EIO:when=2 \
		vmc-pack --format kdump --split 2 -o out/vmcore <stream
	assert_failure 1
	assert_output 'vmc-pack: out/vmcore.2: Input/output error'
	run ls -A out
	assert_output ''
}

@test "--split, the files written side by side: one that cannot be written fails the dump, named, and none is left" {
	make_stream
	# the first copy of pages into a file fails, in whichever thread
	run strace -f -o /dev/null -e inject=copy_file_range:error=ENOSPC:when=1 \
		vmc-pack --format kdump --split 2 --threads 2 -o out/vmcore <stream
	assert_failure 1
	assert_output --regexp '^vmc-pack: scratch file to out/vmcore\.[12]: No space left on device$'
	run ls -A out
	assert_output ''
}

@test "--split: a stream cut short leaves none of the files" {
	make_stream
	run bash -c 'head -c 100000 stream | vmc-pack --format kdump --split 3 -o out/vmcore'
	assert_failure 1
	run ls -A out
	assert_output ''
}

# More pages than vmc-pack keeps entries for in memory (65536): the page
# list goes to a scratch file in sorted runs, merged when the descriptors
# are written; the higher segment first, so that the runs interleave.
@test "320 MiB of pages, the higher segment first: the page list in runs on disk, every page read back" {
	head -c $((160 << 20)) /dev/urandom >low
	# half of each page random, so that lzo stores them compressed
	"$SYSPY" -c 'import os, sys
out = sys.stdout.buffer
for _ in range(160 * 256):
    out.write(os.urandom(2048) + bytes(2048))' >high
	vmc-seg --phys 0x20000000 high </dev/null | vmc-seg --phys 0x1000 low |
		vmc-pack --format kdump --compress lzo --json -o vmcore >json
	run "$SYSPY" - vmcore <<'PY'
import sys
import kdumpfile

k = kdumpfile.kdumpfile(sys.argv[1])
for name, phys in (('low', 0x1000), ('high', 0x20000000)):
    with open(name, 'rb') as f:
        at = 0
        while True:
            want = f.read(1 << 20)
            if not want:
                break
            got = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, phys + at, len(want)))
            if got != want:
                sys.exit('%s: differs within %#x+1 MiB' % (name, phys + at))
            at += len(want)
print('same')
PY
	assert_success
	assert_output same
	run "$SYSPY" -c 'import json, sys
j = json.load(open("json"))
print(j["pages_total"], j["pages_dumped"], j["pages_zero"])'
	assert_output '81920 81920 0'
}

# ---- memory high in the address space: bitmaps span every page frame
# below it, so it costs file holes, not memory ----

@test "memory at 1 TiB: a sparse file written in bounded memory, and libkdumpfile reads it back" {
	echo -n 'seventeen bytes!!' >mem
	vmc-seg --phys 0x10000000000 mem </dev/null >stream
	limited vmc-pack --format kdump -o vmcore <stream
	# two bitmaps of 32 MiB each in a file of a few blocks
	run stat -c '%s %b' vmcore
	[ "${output% *}" -gt $((64 << 20)) ] && [ "${output#* }" -lt 1024 ]
	run "$SYSPY" -c 'import kdumpfile
k = kdumpfile.kdumpfile("vmcore")
print(bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, 0x10000000000, 17)).decode())'
	assert_output 'seventeen bytes!!'
}

@test "memory past the architecture's physical addresses: refused for kdump at once, the limit named; ELF takes it" {
	echo -n 'seventeen bytes!!' >mem
	vmc-seg --phys 0xfffffffe00001000 mem </dev/null >stream
	mkdir out
	run limited vmc-pack --format kdump -o out/vmcore <stream
	assert_failure 1
	assert_output "vmc-pack: the segment at 0xfffffffe00001000 ends past 2^52, where x86_64's physical addresses end: the kdump format's bitmaps would span all of it; write ELF"
	run ls -A out
	assert_output ''
	# a dry run says the same; each architecture has its own limit
	run limited vmc-pack --format kdump --dry-run <stream
	assert_failure 1
	assert_output --partial "ends past 2^52, where x86_64's"
	vmc-seg --phys 0x800000000000 mem </dev/null >stream47
	run vmc-pack --arch s390x --format kdump --dry-run <stream47
	assert_failure 1
	assert_output "vmc-pack: the segment at 0x800000000000 ends past 2^46, where s390x's physical addresses end: the kdump format's bitmaps would span all of it; write ELF"
	# a segment of a length told only at its end crosses it as it comes
	run bash -c 'head -c 8192 /dev/zero | vmc-seg --phys 0xfffffffffff000 - | vmc-pack --arch riscv64 --format kdump -o out/vmcore'
	assert_failure 1
	assert_output --partial "vmc-pack: the segment at 0xfffffffffff000 ends past 2^56, where riscv64's"
	limited vmc-pack -o elf <stream
	run bash -c 'vmc-unpack elf | vmc-cat --hexdump 0xfffffffe00001000:17 | tail -n 2'
	assert_output "$(xxd -o 0xfffffffe00001000 mem)"
}

@test "--flat -o FILE: check.py reassembles it, every reader reads it back" {
	check_spec kdump-flat.spec
}

@test "-o -: makedumpfile -R reassembles the very file -o FILE writes" {
	build_spec kdump-zlib-1.spec --python
	pack_spec kdump-zlib-1.spec -o - >flat
	run makedumpfile -R out <flat
	assert_success
	run cmp out "$DUMP"
	assert_success
}

@test "--flat -o FILE writes what -o - writes, and crash reads it" {
	build_spec kdump-lzo-0.spec --python
	pack_spec kdump-lzo-0.spec -o - >flat
	pack_spec kdump-lzo-0.spec --flat -o flat-file
	run cmp flat flat-file
	assert_success
	run crash --osrelease flat-file
	assert_success
	assert_output "$(spec_fact kdump-lzo-0.spec osrelease)"
}

# ---- the same file every time ----

@test "filters in another order, or check.py's own stream: the same file" {
	check_same_file kdump-zstd-0.spec
}

@test "--threads 1, 2 and 4: the same file, and every reader reads it back" {
	check_spec kdump-threads.spec
	build_spec kdump-threads.spec --python
	for threads in 1 2 4; do
		pack_spec kdump-threads.spec --threads "$threads" -o "threads-$threads"
		run cmp "threads-$threads" "$DUMP"
		assert_success
	done
}

# ---- makedumpfile, the reference writer ----

# vmc-pack --format kdump --dump-level LEVEL with OPTIONS writes ours-LEVEL,
# and makedumpfile FLAG -d LEVEL theirs-LEVEL from this project's ELF dump
# of the same stream; makedumpfile leaves the utsname empty without
# VMCOREINFO (so the timestamp is 0 as well).
pack_like_makedumpfile() { # LEVEL FLAG|"" VMC-PACK OPTION...
	local flag=()
	[ -z "$2" ] || flag=("$2")
	build_spec kdump-reference.spec --python
	SOURCE_DATE_EPOCH=0 vmc-pack --format kdump --dump-level "$1" "${@:3}" \
		-o "ours-$1" <"${DUMP%/*}/stream.vmc"
	run makedumpfile "${flag[@]}" -d "$1" --message-level 1 "$DUMP" "theirs-$1"
	assert_success
	run cmp -n 390 -i 12:0 "theirs-$1" /dev/zero
	assert_success
}

# The two are the same file, byte for byte, but for the utsname.
same_as_makedumpfile() { # LEVEL FLAG|"" VMC-PACK OPTION...
	pack_like_makedumpfile "$@"
	run cmp -n 12 "ours-$1" "theirs-$1"
	assert_success
	run cmp -i 402 "ours-$1" "theirs-$1"
	assert_success
}

# libdeflate's zlib streams are not zlib's: the same file but for the
# compressed bytes of each page, which decompress to the same page.
@test "zlib level 1 at dump levels 0 and 1: makedumpfile -c's header, bitmaps, descriptors and pages" {
	local level
	for level in 0 1; do
		pack_like_makedumpfile $level -c --compress zlib --level 1
		run "$SYSPY" "$CHECK" same-pages zlib "ours-$level" "theirs-$level"
		assert_success
	done
}

@test "lzo at dump levels 0 and 1: byte for byte makedumpfile -l" {
	same_as_makedumpfile 0 -l --compress lzo
	same_as_makedumpfile 1 -l --compress lzo
}

@test "no compression at dump levels 0 and 1: byte for byte makedumpfile without a codec" {
	same_as_makedumpfile 0 '' --compress none
	same_as_makedumpfile 1 '' --compress none
}

# ---- what vmc-pack reports ----

# 10000 bytes of text at 1 MiB (three pages, the last one partial) and
# 8192 zero bytes at 4 KiB (two zero pages), a CPU and 70 bytes of
# VMCOREINFO: one block each for the header, the sub-header with the notes
# and each bitmap, 5 page descriptors, then the pages.
stats_stream() {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000' >vmcoreinfo
	head -c 10000 /dev/zero | tr '\0' Z >a
	head -c 8192 /dev/zero >b
	vmc-note --vmcoreinfo vmcoreinfo </dev/null |
		vmc-seg --phys 0x100000 a |
		vmc-seg --phys 0x1000 --virt 0xffff888000001000 b |
		vmc-prstatus --cpu 0 --pid 1 rip=0x1 >stream
	mkdir -p out
}

STATS_HEAD='Architecture:    x86_64
Format:          kdump
Segments:        2
CPU contexts:    1
Total memory:    18192 bytes (17.8 KiB)
VMCOREINFO size: 70 bytes'
SEGMENTS='Segment 0:       phys 0x1000 virt 0xffff888000001000 size 0x2000 (8.0 KiB)
Segment 1:       phys 0x100000 virt 0x100000 size 0x2710 (9.8 KiB)'

@test "--stats: raw pages, the zero pages left out for the shared one" {
	stats_stream
	run vmc-pack --format kdump --compress none -o out/vmcore --stats <stream
	assert_success
	# 16504 bytes before the data, the shared zero page, 3 pages
	assert_output "$STATS_HEAD
Size at most:    41080 bytes (40.1 KiB), every page stored uncompressed
Actual size:     32888 bytes (32.1 KiB)
Compression:     none
Dump level:      1
Pages:           5 total, 3 dumped, 2 excluded as zero
Compressed size: 12288 bytes (12.0 KiB, ratio 0.675)
$SEGMENTS"
	run stat -c %s out/vmcore
	assert_output 32888
}

@test "--stats at dump level 0: every page stored" {
	stats_stream
	run vmc-pack --format kdump --compress none --dump-level 0 -o out/vmcore --stats <stream
	assert_success
	assert_output "$STATS_HEAD
Size at most:    36984 bytes (36.1 KiB), every page stored uncompressed
Actual size:     36984 bytes (36.1 KiB)
Compression:     none
Dump level:      0
Pages:           5 total, 5 dumped, 0 excluded as zero
Compressed size: 20480 bytes (20.0 KiB, ratio 1.126)
$SEGMENTS"
}

@test "--dry-run: the pages, but no compression figures it has not measured" {
	stats_stream
	run vmc-pack --format kdump --compress none --dry-run <stream
	assert_success
	assert_output "$STATS_HEAD
Size at most:    41080 bytes (40.1 KiB), every page stored uncompressed
Compression:     none
Dump level:      1
Pages:           5 total
$SEGMENTS"
	run bash -c 'vmc-pack --format kdump --dry-run --json <stream'
	assert_success
	assert_output --partial '"pages_total": 5, "pages_dumped": null, "pages_zero": null, "compressed_size": null, "compression_ratio": null,'
	run ls -A out
	assert_output ''
}

# --json of SPEC's stream: the codec, the levels, the pages, and as the
# compressed size the bytes the page descriptors give (the shared zero
# page aside).
json_matches() { # SPEC LEVEL DUMP-LEVEL
	local pages
	build_spec "$1" --python
	pages=$(spec_fact "$1" pages "$DUMP")
	run pack_spec "$1" -o vmcore --json
	assert_success
	run "$SYSPY" -c 'import json, sys
d = json.loads(sys.argv[1])
print(d["compression"], d["level"], d["dump_level"], d["pages_total"], d["pages_dumped"],
      d["pages_zero"], d["compressed_size"], d["actual_file_size"],
      "%.6f" % (d["compressed_size"] / d["total_memory"]) == "%.6f" % d["compression_ratio"])' "$output"
	assert_success
	assert_output "$2 $3 $pages $(stat -c %s vmcore) True"
}

@test "--json: pages, zero pages and compressed size as the file has them" {
	json_matches kdump-zlib-1.spec 'zlib 6' 1
	json_matches kdump-zstd-0.spec 'zstd 19' 0
	json_matches kdump-snappy-1.spec 'snappy 0' 1
}

# The seconds of the header's timestamp, and its microseconds.
timestamp() { # FILE
	od -An -td8 -j408 -N16 "$1" | xargs
}

@test "the timestamp: CRASHTIME, else SOURCE_DATE_EPOCH, else the time of writing" {
	local before after
	stats_stream
	run bash -c 'SOURCE_DATE_EPOCH=1234567890 vmc-pack --format kdump -o out/epoch <stream'
	assert_success
	run timestamp out/epoch
	assert_output '1234567890 0'
	before=$(date +%s)
	run bash -c 'SOURCE_DATE_EPOCH= vmc-pack --format kdump -o out/now <stream'
	assert_success
	after=$(date +%s)
	run timestamp out/now
	[ "${output% 0}" -ge "$before" ] && [ "${output% 0}" -le "$after" ]
	# the file has no final newline
	printf '\nCRASHTIME=1700000099\n' >>vmcoreinfo
	vmc-note --vmcoreinfo vmcoreinfo </dev/null | vmc-seg --phys 0x100000 a >crash-stream
	run bash -c 'SOURCE_DATE_EPOCH=1234567890 vmc-pack --format kdump -o out/crashtime <crash-stream'
	assert_success
	run timestamp out/crashtime
	assert_output '1700000099 0'
}

# ---- failures: a message naming the problem, and no file ----

# vmc-pack with OPTIONS on ./stream is a usage error: exit 2, MESSAGE, no file.
refuses() { # MESSAGE VMC-PACK OPTION...
	run vmc-pack -o out/vmcore "${@:2}" <stream
	assert_failure 2
	assert_output "vmc-pack: $1
Try 'vmc-pack --help' for more information."
	run ls -A out
	assert_output ''
}

@test "unknown codec: usage error, the known ones listed" {
	make_stream
	refuses "--compress: unknown compression 'lz4' (known: none zlib lzo snappy zstd)" \
		--format kdump --compress lz4
}

@test "a level out of the codec's range: usage error, the range named" {
	make_stream
	refuses '--level: zlib levels are 1 to 9, not 0' --format kdump --level 0
	refuses '--level: zlib levels are 1 to 9, not 10' --format kdump --compress zlib --level 10
	refuses '--level: zstd levels are -131072 to 22, not 23' --format kdump --compress zstd --level 23
	refuses '--level: zstd levels are -131072 to 22, not -131073' --format kdump --compress zstd --level -131073
}

@test "--level for a codec without levels: usage error" {
	make_stream
	refuses '--level: lzo has no compression levels' --format kdump --compress lzo --level 1
	refuses '--level: snappy has no compression levels' --format kdump --level 1 --compress snappy
	refuses '--level: none has no compression levels' --format kdump --compress none --level 6
}

@test "dump levels past 0 to 31: usage error" {
	make_stream
	refuses '--dump-level: dump levels are 0 to 31, not 32' --format kdump --dump-level 32
	refuses '--dump-level: dump levels are 0 to 31, not -1' --format kdump --dump-level -1
}

@test "--page-size that is no page size, or too many threads: usage error" {
	make_stream
	refuses '--page-size: page size 5000 is not a power of two from 4096 to 262144' --format kdump --page-size 5000
	refuses '--page-size: page size 2048 is not a power of two from 4096 to 262144' --format kdump --page-size 2048
	refuses '--threads: 65 threads is too many (at most 64)' --format kdump --threads 65
}

@test "--page-size against PAGESIZE in the vmcoreinfo: exit 1, both named, no file" {
	make_stream
	run vmc-pack --format kdump --page-size 16384 -o out/vmcore <stream
	assert_failure 1
	assert_output 'vmc-pack: page size 16384 conflicts with PAGESIZE=4096 in the vmcoreinfo'
	run ls -A out
	assert_output ''
}

@test "truncated stream: exit 1, where it ends, no file" {
	local size
	make_stream
	size=$(stat -c %s stream)
	packs_truncated 100 'inside a record' --format kdump
	packs_truncated 100000 'inside a record' --format kdump --compress lzo
	packs_truncated $((size - 24)) 'without its end record' --format kdump --flat
	packs_truncated $((size - 4)) 'inside its end record' --format kdump --compress none
}

@test "truncated stream with -o -: exit 1, and no end marker on stdout" {
	make_stream
	run bash -c "head -c 100000 stream | vmc-pack --format kdump -o - >flat"
	assert_failure 1
	assert_output 'vmc-pack: stdin: truncated stream: it ends inside a record (did a program before this one fail?)'
	run bash -c 'tail -c 16 flat | od -An -tx1 | tr -d " \n"'
	refute_output ffffffffffffffffffffffffffffffff
}

@test "the ELF format flattened: a usage error, no file" {
	make_stream
	run vmc-pack -o - <stream
	assert_failure 2
	assert_line --index 0 'vmc-pack: -: the elf format cannot be written to a pipe: its headers are written last; give a file name, or use the kdump format'
	run vmc-pack --flat -o out/vmcore <stream
	assert_failure 2
	assert_line --index 0 'vmc-pack: out/vmcore: the elf format cannot be flattened: its headers are written last; give a file name, or use the kdump format'
	run ls -A out
	assert_output ''
}

@test "-o - to a terminal, or with --stats: usage error" {
	make_stream
	run script -qec "vmc-pack --format kdump -o - <stream 2>tty.err" /dev/null </dev/null
	assert_failure 2
	assert_output ''
	assert_equal "$(cat tty.err)" "vmc-pack: refusing to write a dump to a terminal
Try 'vmc-pack --help' for more information."
	refuses '--stats and --json print to stdout, where -o - writes the dump' \
		--format kdump -o - --stats
}

# ---- the zero-page check: a page with one bit set is not a zero page ----

# pages of SIZE bytes, each zero but for one byte (01 or 80 in turn) at
# each of the offsets AT..., packed at dump level 1 for ARCH with
# PAGESIZE=SIZE; libkdumpfile reads every page back, and none is left out.
one_byte_pages() { # ARCH SIZE AT...
	local arch=$1 size=$2
	shift 2
	printf 'OSRELEASE=6.1.0\nPAGESIZE=%s\n' "$size" >vmcoreinfo
	"$SYSPY" -c 'import sys
size, ats = int(sys.argv[1]), [int(a) for a in sys.argv[2:]]
out = sys.stdout.buffer
for i, at in enumerate(ats):
    page = bytearray(size)
    page[at] = 0x80 if i % 2 else 0x01
    out.write(page)' "$size" "$@" >mem
	vmc-note --vmcoreinfo vmcoreinfo </dev/null | vmc-seg --phys 0 mem |
		vmc-pack --arch "$arch" --format kdump --dump-level 1 --json -o vmcore >json
	run "$SYSPY" -c 'import json; j = json.load(open("json")); print(j["pages_total"], j["pages_dumped"], j["pages_zero"])'
	assert_output "$# $# 0"
	run "$SYSPY" - "$size" "$@" <<'PY'
import sys
import kdumpfile
size, ats = int(sys.argv[1]), [int(a) for a in sys.argv[2:]]
k = kdumpfile.kdumpfile('vmcore')
mem = open('mem', 'rb').read()
bad = [i for i in range(len(ats))
       if bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, i * size, size)) != mem[i * size:(i + 1) * size]]
print('pages read back differ:', bad[:10] if bad else 'none')
PY
	assert_output 'pages read back differ: none'
}

@test "one bit in a page, at its first byte, its last, or either side of any 8-byte boundary: not a zero page (4 KiB pages)" {
	one_byte_pages x86_64 4096 $(seq 0 8 4088 | while read -r a; do echo "$a $((a + 7))"; done)
}

@test "the same in 64 KiB pages, at the first, the last and the bytes about each 4 KiB" {
	one_byte_pages aarch64 65536 0 7 8 $(seq 4096 4096 61440 | while read -r a; do echo "$((a - 1)) $a"; done) 65528 65535
}
