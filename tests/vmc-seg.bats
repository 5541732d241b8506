#!/usr/bin/env bats
# vmc-seg: one memory segment into the record stream.

load helpers
bats_require_minimum_version 1.5.0

teardown() {
	if [ -n "${LOOPDEV:-}" ]; then
		losetup -d "$LOOPDEV"
	fi
}

# N bytes of a fixed, non-repeating pattern, so that an off-by-one in any
# offset shows as different bytes
pattern() {
	"$SYSPY" -c 'import hashlib, sys
n = int(sys.argv[1]); out = b""; i = 0
while len(out) < n:
    out += hashlib.sha256(b"%d" % i).digest(); i += 1
sys.stdout.buffer.write(out[:n])' "$1" >"$2"
}

# One line per PT_LOAD of dump $1, in program header order:
# paddr vaddr filesz memsz offset flags align, in hex
loads() {
	"$SYSPY" - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
for i in range(phnum):
    t, fl, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t == 1:
        print('%x %x %x %x %x %x %x' % (pa, va, fs, ms, off, fl, al))
EOF
}

# The file bytes of the PT_LOAD of dump $1 at physical address $2
load_bytes() {
	"$SYSPY" - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
want = int(sys.argv[2], 0)
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
for i in range(phnum):
    t, fl, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t == 1 and pa == want:
        sys.stdout.buffer.write(d[off:off + fs])
        sys.exit(0)
sys.exit('no PT_LOAD at 0x%x' % want)
EOF
}

# Runs a command with its stdout in the file out: $output is then what it
# said on stderr, whatever a failing producer leaves on stdout
quiet() {
	"$@" >out
}

# Runs a command line with stdout on a terminal (script gives it a pty):
# what reached the terminal lands in tty.out, stderr in tty.err
on_tty() {
	script -qec "$* 2>tty.err" /dev/null </dev/null >tty.out
}

@test "--help prints the synopsis first and succeeds" {
	run vmc-seg --help
	assert_success
	assert_line --index 0 "usage: vmc-seg --phys ADDR [--virt ADDR] [--offset N] [--length N] FILE|-"
	assert_output --partial "--offset N"
}

@test "--version prints the program and version" {
	run vmc-seg --version
	assert_success
	assert_output --regexp '^vmc-seg \(kdumpling\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a bad number for --phys is a usage error naming the option" {
	pattern 4096 mem
	run quiet vmc-seg --phys 12q mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --phys: '12q' is not a number"
	assert_line --index 1 "Try 'vmc-seg --help' for more information."
}

@test "an address takes no size suffix, --offset and --length do" {
	pattern 4096 mem
	run quiet vmc-seg --phys 1M mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --phys: '1M' is not a number"
	run quiet vmc-seg --phys 0 --length 1KB mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --length: '1KB' is not a size (a number with an optional K, M, G or T)"
	run quiet vmc-seg --phys 0 --offset -1 mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --offset: '-1' is not a number"
	run quiet vmc-seg --phys 0 --virt 0x mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --virt: '0x' is not a number"
}

@test "--phys is required" {
	pattern 4096 mem
	run quiet vmc-seg mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --phys is required"
}

@test "FILE is required, and only one" {
	pattern 4096 mem
	run quiet vmc-seg --phys 0 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: give one FILE, or - for raw bytes on stdin"
	run quiet vmc-seg --phys 0 mem mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: give one FILE, or - for raw bytes on stdin"
}

@test "--length 0 is a usage error" {
	pattern 4096 mem
	run quiet vmc-seg --phys 0 --length 0 mem </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-seg: --length: no data for the segment at 0x0: a segment cannot be empty"
}

@test "an unknown option is a usage error, said once" {
	run quiet vmc-seg --phys 0 --bogus mem </dev/null
	assert_failure 2
	assert_output "vmc-seg: unknown option '--bogus'
Try 'vmc-seg --help' for more information."
	run quiet vmc-seg -x --phys 0 mem </dev/null
	assert_failure 2
	assert_output "vmc-seg: unknown option '-x'
Try 'vmc-seg --help' for more information."
}

@test "an option without its argument is a usage error, said once" {
	run quiet vmc-seg mem --phys </dev/null
	assert_failure 2
	assert_output "vmc-seg: option '--phys' requires an argument
Try 'vmc-seg --help' for more information."
}

@test "refuses to write the stream to a terminal" {
	pattern 4096 mem
	run on_tty vmc-seg --phys 0 mem
	assert_failure 2
	[ ! -s tty.out ]
	assert_equal "$(head -n 1 tty.err)" "vmc-seg: refusing to write a binary stream to a terminal; pipe it into another vmc- program"
}

@test "garbage on stdin is not taken for a stream" {
	pattern 4096 mem
	run bash -c 'echo garbage | vmc-seg --phys 0 mem >out'
	assert_failure 1
	assert_output "vmc-seg: stdin is not a vmc record stream; to read raw memory use vmc-seg -"
}

@test "a truncated upstream stream fails, and nothing downstream packs it" {
	pattern 4096 mem
	vmc-note --annotation a=b </dev/null >full
	head -c 40 full >cut
	run bash -c 'vmc-seg --phys 0 mem <cut >out'
	assert_failure 1
	assert_output "vmc-seg: stdin: truncated stream: it ends inside a record (did a program before this one fail?)"
	run bash -c 'vmc-seg --phys 0 mem <cut | vmc-pack -o dump'
	assert_failure 1
	assert_output --partial "truncated stream"
	[ ! -e dump ]
}

@test "an upstream stream without its end record is truncated" {
	pattern 4096 mem
	vmc-note --annotation a=b </dev/null >full
	head -c -24 full >cut
	run bash -c 'vmc-seg --phys 0 mem <cut >out'
	assert_failure 1
	assert_output "vmc-seg: stdin: truncated stream: it ends without its end record (did a program before this one fail?)"
}

@test "a file becomes one PT_LOAD at --phys with its bytes" {
	pattern 10000 mem
	vmc-seg --phys 0x100000 mem </dev/null | vmc-pack -o dump
	run loads dump
	assert_success
	# p_flags 7 (RWX), p_align 0, offset on the data's page
	assert_output "100000 100000 2710 2710 1000 7 0"
	load_bytes dump 0x100000 >got
	cmp got mem
}

@test "an empty stdin is an empty stream" {
	pattern 4096 mem
	vmc-seg --phys 0x2000 mem </dev/null >stream
	vmc-pack -o dump <stream
	run loads dump
	assert_output "2000 2000 1000 1000 1000 7 0"
	# what comes first is nothing but the header, the extent that
	# tells of the segment, and the segment
	run "$SYSPY" -c 'import sys; d = open("stream", "rb").read(); print(d[:8].hex(), len(d))'
	assert_output "89564d430d0a1a0a $((16 + 32 + 40 + 16 + 4096 + 24 + 24))"
}

@test "--virt sets the virtual address, and it defaults to --phys" {
	pattern 4096 a
	pattern 8192 b
	vmc-seg --phys 0x1000 --virt 0xffff888000001000 a </dev/null |
		vmc-seg --phys 0x10000 b | vmc-pack -o dump
	run loads dump
	assert_line --index 0 "1000 ffff888000001000 1000 1000 1000 7 0"
	assert_line --index 1 "10000 10000 2000 2000 2000 7 0"
}

@test "numbers are decimal or 0x-hex" {
	pattern 4096 mem
	vmc-seg --phys 65536 --virt 0X20000 mem </dev/null | vmc-pack -o dump
	run loads dump
	assert_output "10000 20000 1000 1000 1000 7 0"
}

@test "an unaligned segment keeps p_offset congruent to p_paddr" {
	pattern 5000 mem
	vmc-seg --phys 0x12345 mem </dev/null | vmc-pack -o dump
	run loads dump
	assert_output "12345 12345 1388 1388 1345 7 0"
	load_bytes dump 0x12345 >got
	cmp got mem
}

@test "--offset and --length take a slice of the file" {
	pattern 10000 mem
	vmc-seg --phys 0 --offset 1K --length 2K mem </dev/null | vmc-pack -o dump
	run loads dump
	assert_output "0 0 800 800 1000 7 0"
	load_bytes dump 0 >got
	tail -c +1025 mem | head -c 2048 >want
	cmp got want
}

@test "--offset alone takes the rest of the file" {
	pattern 10000 mem
	vmc-seg --phys 0 --offset 0x10 mem </dev/null | vmc-pack -o dump
	load_bytes dump 0 >got
	tail -c +17 mem >want
	cmp got want
}

@test "an offset past the end of the file fails" {
	pattern 10000 mem
	run bash -c 'vmc-seg --phys 0 --offset 10001 mem </dev/null >out'
	assert_failure 1
	assert_output "vmc-seg: mem: offset 10001 is past its end (10000 bytes)"
}

@test "an offset at the end of the file leaves an empty segment, which fails" {
	pattern 10000 mem
	run bash -c 'vmc-seg --phys 0 --offset 10000 mem </dev/null >out'
	assert_failure 1
	assert_output "vmc-seg: mem: no data for the segment at 0x0: a segment cannot be empty"
}

@test "a length past the end of the file fails" {
	pattern 10000 mem
	run bash -c 'vmc-seg --phys 0 --offset 100 --length 9901 mem </dev/null >out'
	assert_failure 1
	assert_output "vmc-seg: mem: 9901 bytes at offset 100 go past its end (10000 bytes)"
}

@test "a file that does not exist fails with the system's message" {
	run bash -c 'vmc-seg --phys 0 nope </dev/null >out'
	assert_failure 1
	assert_output "vmc-seg: nope: No such file or directory"
}

@test "a failing vmc-seg leaves a stream that nothing downstream packs" {
	run quiet vmc-seg --phys 12q mem </dev/null
	assert_failure 2
	# the bare stream header: a truncated stream, not an empty one
	run od -An -v -tx1 out
	assert_output " 89 56 4d 43 0d 0a 1a 0a 01 00 00 00 00 00 00 00"
	run bash -c 'vmc-seg --phys 0 nope </dev/null | vmc-pack -o dump'
	assert_failure 1
	assert_line --index 0 "vmc-seg: nope: No such file or directory"
	assert_line --index 1 "vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)"
	[ ! -e dump ]
}

@test "an empty file fails: a segment cannot be empty" {
	: >empty
	run bash -c 'vmc-seg --phys 0 empty </dev/null >out'
	assert_failure 1
	assert_output "vmc-seg: empty: no data for the segment at 0x0: a segment cannot be empty"
}

@test "- reads raw memory of unknown length from a pipe and starts the pipeline" {
	pattern 10000 mem
	cat mem | vmc-seg --phys 0x3000 - >stream
	# the segment record says the length is unknown
	run "$SYSPY" -c 'import struct; d = open("stream", "rb").read(); print("%x %x %x" % struct.unpack_from("<QQQ", d, 32))'
	assert_output "3000 3000 ffffffffffffffff"
	vmc-pack -o dump <stream
	run loads dump
	assert_output "3000 3000 2710 2710 1000 7 0"
	load_bytes dump 0x3000 >got
	cmp got mem
}

@test "- with --offset and --length reads a slice of the pipe" {
	pattern 10000 mem
	cat mem | vmc-seg --phys 0 --offset 3000 --length 4K - | vmc-pack -o dump
	run loads dump
	assert_output "0 0 1000 1000 1000 7 0"
	load_bytes dump 0 >got
	tail -c +3001 mem | head -c 4096 >want
	cmp got want
}

@test "- from a regular file knows its length and bounds --offset by it" {
	pattern 10000 mem
	vmc-seg --phys 0 --offset 100 - <mem >stream
	# the EXTENT that tells of it, then the SEGMENT
	run "$SYSPY" -c 'import struct; d = open("stream", "rb").read(); print("%x %x %x %x %x" % (struct.unpack_from("<QQ", d, 32) + struct.unpack_from("<QQQ", d, 64)))'
	assert_output "0 26ac 0 0 26ac"
	vmc-pack -o dump <stream
	load_bytes dump 0 >got
	tail -c +101 mem >want
	cmp got want
	run bash -c 'vmc-seg --phys 0 --offset 20000 - <mem >out'
	assert_failure 1
	assert_output "vmc-seg: stdin: offset 20000 is past its end (10000 bytes)"
}

@test "- with a length longer than the pipe fails" {
	pattern 10000 mem
	run bash -c 'cat mem | vmc-seg --phys 0 --length 20000 - >out'
	assert_failure 1
	assert_output "vmc-seg: stdin: ended after 10000 of 20000 bytes"
}

@test "- with an offset past the end of the pipe fails" {
	pattern 10000 mem
	run bash -c 'cat mem | vmc-seg --phys 0 --offset 20000 - >out'
	assert_failure 1
	assert_output "vmc-seg: stdin: ends before offset"
}

@test "- with nothing on the pipe fails" {
	run bash -c ': | vmc-seg --phys 0 - >out'
	assert_failure 1
	assert_output "vmc-seg: stdin: no data for the segment at 0x0: a segment cannot be empty"
}

@test "a character device needs --length and gives its bytes" {
	vmc-seg --phys 0x8000 --length 4K /dev/zero </dev/null | vmc-pack -o dump
	run loads dump
	assert_output "8000 8000 1000 1000 1000 7 0"
	load_bytes dump 0x8000 >got
	head -c 4096 /dev/zero >want
	cmp got want
}

@test "a block device is read to its end, and its size bounds --offset" {
	if ! command -v losetup >/dev/null; then
		skip "losetup (Debian package mount) is not installed: no block device to read"
	fi
	pattern 16384 disk
	LOOPDEV=$(losetup -f --show disk)
	[ -b "$LOOPDEV" ]
	vmc-seg --phys 0x100000 "$LOOPDEV" </dev/null | vmc-pack -o dump
	run loads dump
	assert_output "100000 100000 4000 4000 1000 7 0"
	load_bytes dump 0x100000 >got
	cmp got disk
	vmc-seg --phys 0 --offset 4K --length 8K "$LOOPDEV" </dev/null | vmc-pack -o slice
	load_bytes slice 0 >got
	tail -c +4097 disk | head -c 8192 >want
	cmp got want
	run bash -c "vmc-seg --phys 0 --offset 20K $LOOPDEV </dev/null >out"
	assert_failure 1
	assert_output "vmc-seg: $LOOPDEV: offset 20480 is past its end (16384 bytes)"
	run bash -c "vmc-seg --phys 0 --offset 4K --length 16K $LOOPDEV </dev/null >out"
	assert_failure 1
	assert_output "vmc-seg: $LOOPDEV: 16384 bytes at offset 4096 go past its end (16384 bytes)"
}

@test "segments are in physical order whatever order vmc-seg ran in" {
	pattern 4096 a
	pattern 8192 b
	pattern 100 c
	vmc-seg --phys 0x10000 b </dev/null | vmc-seg --phys 0 a >ba
	vmc-seg --phys 0 a </dev/null | vmc-seg --phys 0x10000 b >ab
	cmp ab ba
	vmc-seg --phys 0x20000 c </dev/null | vmc-seg --phys 0x10000 b | vmc-seg --phys 0 a >cba
	vmc-seg --phys 0 a </dev/null | vmc-seg --phys 0x20000 c | vmc-seg --phys 0x10000 b >acb
	vmc-seg --phys 0x10000 b </dev/null | vmc-seg --phys 0 a | vmc-seg --phys 0x20000 c >bac
	cmp cba acb
	cmp cba bac
	vmc-pack -o dump <cba
	run loads dump
	assert_line --index 0 "0 0 1000 1000 1000 7 0"
	assert_line --index 1 "10000 10000 2000 2000 2000 7 0"
	assert_line --index 2 "20000 20000 64 64 4000 7 0"
	load_bytes dump 0x10000 >got
	cmp got b
}

@test "a segment goes in its place before an upstream one of unknown length" {
	pattern 4096 a
	pattern 8192 b
	cat b | vmc-seg --phys 0x10000 - | vmc-seg --phys 0 a | vmc-pack -o dump
	run loads dump
	assert_line --index 0 "0 0 1000 1000 1000 7 0"
	assert_line --index 1 "10000 10000 2000 2000 2000 7 0"
	load_bytes dump 0x10000 >got
	cmp got b
}

@test "a segment overlapping an upstream one fails with both ranges" {
	pattern 8192 a
	pattern 8192 b
	run bash -c 'vmc-seg --phys 0x1000 b </dev/null | vmc-seg --phys 0 a >out'
	assert_failure 1
	assert_output "vmc-seg: a: segment 0x0-0x1fff overlaps segment 0x1000-0x2fff"
}

@test "records from upstream pass through in front of the segment" {
	pattern 4096 mem
	vmc-note --annotation who=me </dev/null | vmc-seg --phys 0 mem | vmc-pack -o dump
	run loads dump
	assert_output "0 0 1000 1000 2000 7 0"
	run eu-readelf -n dump
	assert_output --regexp 'KDUMPLING +7 +<unknown>: 1262767106'
}

@test "libkdumpfile reads the segment's bytes at its physical address" {
	pattern 8192 mem
	vmc-seg --phys 0x100000 mem </dev/null | vmc-pack -o dump
	run "$SYSPY" -c 'import kdumpfile as K, sys
k = K.kdumpfile("dump")
sys.stdout.write(bytes(k.read(K.KDUMP_MACHPHYSADDR, 0x100ff0, 32)).hex())'
	assert_success
	assert_output "$(tail -c +4081 mem | head -c 32 | od -An -v -tx1 | tr -d ' \n')"
}

@test "a segment ending at the last byte of the address space packs" {
	pattern 8192 mem
	vmc-seg --phys 0xffffffffffffe000 mem </dev/null >stream
	run vmc-pack -o dump <stream
	assert_success
	run loads dump
	assert_output "ffffffffffffe000 ffffffffffffe000 2000 2000 1000 7 0"
}

@test "a segment past the end of the address space is refused" {
	pattern 8192 mem
	run bash -c 'vmc-seg --phys 0xfffffffffffff000 mem </dev/null >stream'
	assert_failure 1
	assert_output "vmc-seg: mem: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space"
	# from a pipe, its length is known only at its end
	run bash -c 'cat mem | vmc-seg --phys 0xfffffffffffff000 - >stream'
	assert_failure 1
	assert_output "vmc-seg: stdin: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space"
}

@test "a segment past the end of the address space does not pack" {
	mkdir out
	# a stream that another producer wrote: SEGMENT of 8 KiB at the last
	# page, then its 8 KiB, or a length it learns only at the end
	"$SYSPY" -c 'import struct, sys
rec = lambda t, p: struct.pack("<IIQ", t, 1, len(p)) + p
for name, length in (("known", 8192), ("unknown", 2**64 - 1)):
    with open(name, "wb") as f:
        f.write(b"\x89VMC\r\n\x1a\n" + struct.pack("<II", 1, 0)
                + rec(0x10, struct.pack("<QQQ", 2**64 - 4096, 0, length))
                + rec(0x11, bytes(8192)) + rec(0x13, struct.pack("<Q", 8192))
                + rec(0x01, struct.pack("<Q", 3)))'
	run vmc-pack -o out/vmcore <known
	assert_failure 1
	assert_output "vmc-pack: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space"
	run vmc-pack -o out/vmcore <unknown
	assert_failure 1
	assert_output "vmc-pack: segment at 0xfffffffffffff000 goes past the end of the address space"
	run ls -A out
	assert_output ''
}

@test "a dump that vmc-unpack reads is named in a warning, and still packed as raw memory" {
	pattern 8192 mem
	vmc-seg --phys 0 mem </dev/null | vmc-pack -o guest.elf
	run --separate-stderr bash -c 'vmc-seg --phys 0 guest.elf </dev/null >stream'
	assert_success
	assert_equal "$stderr" "vmc-seg: warning: guest.elf looks like an ELF core file (elf); vmc-unpack reads it"
	# the warning changes nothing: the file's bytes are the segment's
	vmc-pack -o dump <stream
	run loads dump
	assert_output "0 0 $(printf '%x' "$(stat -c %s guest.elf)") $(printf '%x' "$(stat -c %s guest.elf)") 1000 7 0"
	load_bytes dump 0 >got
	cmp got guest.elf
	# from stdin that is the file itself, too
	run --separate-stderr bash -c 'vmc-seg --phys 0 - <guest.elf >stream2'
	assert_success
	assert_equal "$stderr" "vmc-seg: warning: stdin looks like an ELF core file (elf); vmc-unpack reads it"
	cmp stream stream2
}

@test "each format vmc-unpack knows is named by what it is" {
	pattern 8192 mem
	vmc-seg --phys 0 mem </dev/null >stream
	vmc-pack --format kdump -o dump.kdump <stream
	vmc-pack --format kdump --flat -o dump.flat <stream
	# LiME and AVML range headers: magic, version, start, end, 8 reserved bytes
	"$SYSPY" -c 'import struct, sys
for name, magic, version in (("cap.lime", 0x4C694D45, 1), ("cap.avml", 0x4C4D5641, 2)):
    open(name, "wb").write(struct.pack("<IIQQQ", magic, version, 0x1000, 0x1fff, 0) + bytes(4096))'
	for pair in dump.kdump:"makedumpfile's kdump-compressed format (kdump)" \
		dump.flat:"makedumpfile's flattened format (flat)" \
		cap.lime:"a LiME capture (lime)" cap.avml:"an AVML capture (avml)"; do
		run --separate-stderr bash -c "vmc-seg --phys 0 ${pair%%:*} </dev/null >out"
		assert_success
		assert_equal "$stderr" "vmc-seg: warning: ${pair%%:*} looks like ${pair#*:}; vmc-unpack reads it"
	done
}

@test "no warning for raw memory, a pipe, or a dump's bytes from an offset" {
	pattern 8192 mem
	vmc-seg --phys 0 mem </dev/null | vmc-pack -o guest.elf
	run --separate-stderr bash -c 'vmc-seg --phys 0 mem </dev/null >out'
	assert_success
	assert_equal "$stderr" ""
	# a pipe's first bytes are the segment's: they are not read ahead
	run --separate-stderr bash -c 'cat guest.elf | vmc-seg --phys 0 - >out'
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr bash -c 'vmc-seg --phys 0 --offset 4096 guest.elf </dev/null >out'
	assert_success
	assert_equal "$stderr" ""
}

# ---- live capture: --iomem ----

# The System RAM ranges of tests/fixtures/iomem, as the dump must hold
# them, and a file standing in for the RAM device, past their end.
RAM="0x1000-0x9fbff 0x100000-0x3dffff 0x400000-0x41ffff"
device() {
	head -c $((0x420000)) /dev/urandom >dev
}

# Dump $1 holds, through libkdumpfile, the bytes of ./dev at their own
# addresses in each range of $2, and nothing at the ends of those of $3.
# A kdump-compressed dump, whose bitmaps say exactly which pages are
# there: libkdumpfile reads the page before an ELF dump's PT_LOAD as
# zeros.
holds_device() { # DUMP "START-END..." "START-END..."
	run "$SYSPY" - "$@" <<'EOF'
import kdumpfile as K, sys
from kdumpfile.exceptions import NoDataException
k = K.kdumpfile(sys.argv[1])
dev = open('dev', 'rb').read()
for r in sys.argv[2].split():
    s, e = (int(x, 0) for x in r.split('-'))
    got = bytes(k.read(K.KDUMP_MACHPHYSADDR, s, e - s + 1))
    print(r, 'same' if got == dev[s:e + 1] else 'differs')
for r in sys.argv[3].split():
    for a in (int(x, 0) for x in r.split('-')):
        try:
            k.read(K.KDUMP_MACHPHYSADDR, a, 1)
            print(hex(a), 'present')
        except NoDataException:
            print(hex(a), 'absent')
EOF
	assert_success
}

@test "--iomem: a segment per top-level System RAM range, read from the device at its address" {
	device
	vmc-seg --iomem "$TESTS/fixtures/iomem" dev </dev/null >stream
	run vmc-cat <stream
	assert_line --index 1 "extent phys 0x1000 length 0x9ec00"
	assert_line --index 2 "extent phys 0x100000 length 0x2e0000"
	assert_line --index 3 "extent phys 0x400000 length 0x20000"
	assert_line --index 7 "end: records 14, segments 3, memory 0x39ec00 (3.6 MiB), cpus 0"
	vmc-pack --format kdump -o dump <stream
	holds_device dump "$RAM" "0x0-0xfff 0xa0000-0xfffff 0x3e0000-0x3fffff 0x420000-0xfeffc000"
	assert_output - <<-EOF
		0x1000-0x9fbff same
		0x100000-0x3dffff same
		0x400000-0x41ffff same
		0x0 absent
		0xfff absent
		0xa0000 absent
		0xfffff absent
		0x3e0000 absent
		0x3fffff absent
		0x420000 absent
		0xfeffc000 absent
	EOF
	vmc-pack -o elf <stream
	run loads elf
	assert_output - <<-EOF
		1000 1000 9ec00 9ec00 1000 7 0
		100000 100000 2e0000 2e0000 a0000 7 0
		400000 400000 20000 20000 380000 7 0
	EOF
	run "$SYSPY" -c 'import sys; d = open("elf", "rb").read(); v = open("dev", "rb").read()
print(d[0x1000:0x9fc00] == v[0x1000:0x9fc00], d[0xa0000:0x380000] == v[0x100000:0x3e0000], d[0x380000:0x3a0000] == v[0x400000:0x420000])'
	assert_output "True True True"
}

@test "--iomem without FILE reads /proc/iomem" {
	device
	run bash -c 'vmc-seg --iomem --keep-going dev </dev/null 2>&1 >a; echo "status $?"'
	want=$output
	run bash -c 'vmc-seg --iomem --keep-going /proc/iomem dev </dev/null 2>&1 >b; echo "status $?"'
	assert_output "$want"
	cmp a b
}

@test "--iomem: the ranges of other vmc-seg programs go in physical order, whichever ran first" {
	device
	head -c 8192 /dev/urandom >rom
	vmc-seg --iomem "$TESTS/fixtures/iomem" dev </dev/null | vmc-seg --phys 0xc0000 rom | vmc-pack -o a
	vmc-seg --phys 0xc0000 rom </dev/null | vmc-seg --iomem "$TESTS/fixtures/iomem" dev | vmc-pack -o b
	cmp a b
	run loads a
	assert_output - <<-EOF
		1000 1000 9ec00 9ec00 1000 7 0
		c0000 c0000 2000 2000 a0000 7 0
		100000 100000 2e0000 2e0000 a2000 7 0
		400000 400000 20000 20000 382000 7 0
	EOF
}

@test "--iomem: a segment from upstream inside a System RAM range is refused" {
	device
	head -c 8192 /dev/urandom >mem
	run bash -c 'vmc-seg --phys 0x200000 mem </dev/null | vmc-seg --iomem "$TESTS/fixtures/iomem" dev >stream'
	assert_failure 1
	assert_line --index 0 "vmc-seg: dev: segment 0x100000-0x3dffff overlaps segment 0x200000-0x201fff"
}

@test "--iomem: a range the device cannot read fails, naming it, and vmc-pack downstream writes nothing" {
	device
	sed 's/^00400000-0041ffff/00400000-0047ffff/' "$TESTS/fixtures/iomem" >iomem
	mkdir out
	run bash -c 'vmc-seg --iomem iomem dev </dev/null | vmc-pack -o out/vmcore'
	assert_failure 1
	assert_line --index 0 "vmc-seg: dev: ended after 131072 of 524288 bytes, in System RAM 0x400000-0x47ffff (--keep-going leaves out what cannot be read)"
	assert_line --index 1 --partial "vmc-pack: stdin: truncated stream"
	run ls -A out
	assert_output ''
}

@test "--iomem --keep-going: what the device cannot read is left out with a warning, the rest kept" {
	device
	sed 's/^00400000-0041ffff/00400000-0047ffff/' "$TESTS/fixtures/iomem" >iomem
	run --separate-stderr bash -c 'vmc-seg --iomem --keep-going iomem dev </dev/null | vmc-pack --format kdump -o dump'
	assert_success
	assert_equal "$stderr" "vmc-seg: warning: dev: 0x420000-0x47ffff cannot be read (past the end of it); left out
vmc-seg: warning: 393216 bytes of dev could not be read and were left out"
	holds_device dump "$RAM" "0x420000-0x47ffff"
	assert_output - <<-EOF
		0x1000-0x9fbff same
		0x100000-0x3dffff same
		0x400000-0x41ffff same
		0x420000 absent
		0x47ffff absent
	EOF
}

@test "--iomem --keep-going: reads that fail (EIO) leave out their pages, the segment cut around them" {
	device
	# the first read of the second range fails, and so does the first
	# page read again after it: that page is left out
	n=$(calls_before pread64 '"dev"' vmc-seg --iomem "$TESTS/fixtures/iomem" dev)
	run --separate-stderr bash -c 'strace -f -qq -o /dev/null -e trace=pread64 \
		-e inject=pread64:error=EIO:when=$(('$n' + 2))..$(('$n' + 3)) \
		vmc-seg --iomem --keep-going "$TESTS/fixtures/iomem" dev </dev/null | vmc-pack --format kdump -o dump'
	assert_success
	assert_equal "$stderr" "vmc-seg: warning: dev: 0x100000-0x100fff cannot be read (Input/output error); left out
vmc-seg: warning: 4096 bytes of dev could not be read and were left out"
	holds_device dump "0x1000-0x9fbff 0x101000-0x3dffff 0x400000-0x41ffff" "0x100000-0x100fff"
	assert_output - <<-EOF
		0x1000-0x9fbff same
		0x101000-0x3dffff same
		0x400000-0x41ffff same
		0x100000 absent
		0x100fff absent
	EOF
}

@test "--iomem: a listing read without root, a bad line, no System RAM: each a clear error" {
	device
	sed 's/^[0-9a-f]*-[0-9a-f]*/00000000-00000000/' "$TESTS/fixtures/iomem" >zeros
	run quiet vmc-seg --iomem zeros dev </dev/null
	assert_failure 1
	assert_output "vmc-seg: zeros: every address reads as 0: only root sees them"
	printf '00000000-00000fff : Reserved\nSystem RAM\n' >bad
	run quiet vmc-seg --iomem bad dev </dev/null
	assert_failure 1
	assert_output "vmc-seg: bad: line 2 is not 'START-END : NAME' as /proc/iomem writes it: 'System RAM'"
	grep -v 'System RAM' "$TESTS/fixtures/iomem" >none
	run quiet vmc-seg --iomem none dev </dev/null
	assert_failure 1
	assert_output "vmc-seg: none: no top-level System RAM range"
	printf '00100000-001fffff : System RAM\n00001000-0009ffff : System RAM\n' >order
	run quiet vmc-seg --iomem order dev </dev/null
	assert_failure 1
	assert_output "vmc-seg: order: line 2: System RAM 0x1000-0x9ffff is not after the range before it"
	run quiet vmc-seg --iomem missing dev </dev/null
	assert_failure 1
	assert_output "vmc-seg: missing: No such file or directory"
}

@test "--iomem usage errors: exit 2, one message" {
	device
	for args in "--iomem --phys 0 dev" "--iomem --length 4096 dev" "--keep-going --phys 0 dev" \
		"--iomem" "--iomem a b dev" "--iomem -"; do
		run quiet vmc-seg $args </dev/null
		assert_failure 2
		assert_line --index 1 "Try 'vmc-seg --help' for more information."
		[ "${#lines[@]}" -eq 2 ]
	done
	run quiet vmc-seg --iomem --phys 0 dev </dev/null
	assert_line --index 0 "vmc-seg: --iomem reads each range at its own address; --phys, --virt, --offset and --length do not go with it"
	run quiet vmc-seg --keep-going --phys 0 dev </dev/null
	assert_line --index 0 "vmc-seg: --keep-going goes with --iomem"
	run quiet vmc-seg --iomem - </dev/null
	assert_line --index 0 "vmc-seg: a DEVICE is read at its physical addresses: not stdin"
}

# ---- faults ----

@test "the file fails to read at an offset (EIO): exit 1, the file named; vmc-pack downstream writes nothing" {
	head -c 3M /dev/urandom >mem
	mkdir out
	n=$(calls_before splice '"mem"' vmc-seg --phys 0 mem)
	run bash -c 'strace -f -qq -o /dev/null -e trace=splice -e inject=splice:error=EIO:when=$(('$n' + 2)) \
		vmc-seg --phys 0 mem </dev/null | vmc-pack -o out/vmcore'
	assert_failure 1
	assert_line --index 0 "vmc-seg: mem to stdout: Input/output error"
	assert_line --index 1 --partial "vmc-pack: stdin: truncated stream"
	run ls -A out
	assert_output ''
}

@test "stdout full, at the first write or a later one: exit 1, stdout named" {
	head -c 3M /dev/urandom >mem
	for n in 1 2; do
		fails_on_full_stdout $n vmc-seg --phys 0 mem </dev/null
	done
	run bash -c 'vmc-seg --phys 0 mem </dev/null >/dev/full'
	assert_failure 1
	assert_output "vmc-seg: stdout: No space left on device"
}

@test "downstream gone: killed by SIGPIPE, quietly" {
	head -c 3M /dev/urandom >mem
	dies_quietly_of_sigpipe vmc-seg --phys 0 mem
}
