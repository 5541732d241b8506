#!/usr/bin/env bats
# vmc-cat: a record stream shown a line per record, and checked.

load helpers
bats_require_minimum_version 1.5.0

# N bytes of a fixed, non-repeating pattern
pattern() {
	"$SYSPY" -c 'import hashlib, sys
n = int(sys.argv[1]); out = b""; i = 0
while len(out) < n:
    out += hashlib.sha256(b"%d" % i).digest(); i += 1
sys.stdout.buffer.write(out[:n])' "$1" >"$2"
}

quiet() {
	"$@" >out
}

on_tty() {
	script -qec "$* 2>tty.err" /dev/null </dev/null >tty.out
}

# A stream with something of every kind: two CPUs, VMCOREINFO, a note,
# metadata and an annotation, 256 KiB of memory
make_stream() {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nCRASHTIME=1700000000\n' >vi
	pattern 262144 mem
	vmc-note --vmcoreinfo vi --note ACME:0x10:hello --metadata collector=tests \
		--annotation hostname=web-7 </dev/null 2>/dev/null |
		vmc-seg --phys 0x100000 --virt 0xffff888000100000 mem |
		vmc-prstatus --cpu 1 --pid 2 --utime 1.5 rip=0x20 |
		vmc-prstatus --cpu 0 --pid 1 --ppid -1 --signo 11 --cursig 11 --stime 0.000001 \
			rip=0xffffffff81001234 rsp=0xffff888000010000 >stream
}

# vmc-cat --json ARG..., its one object {"records": [...]} shown as the
# line of each record, as vmc-cat writes them, without the commas
# between them; its messages after them, as on a terminal
cat_json() {
	vmc-cat --json "$@" 2>&1 | sed '1{/^{"records": \[$/d}; ${/^]}$/d}; s/},$/}/'
	return "${PIPESTATUS[0]}"
}

@test "--help prints the synopsis first and succeeds" {
	run vmc-cat --help
	assert_success
	assert_line --index 0 "usage: vmc-cat [--json] [--hexdump ADDR:LEN]..."
	assert_output --partial "--hexdump ADDR:LEN"
}

@test "--version prints the program and version" {
	run vmc-cat --version
	assert_success
	assert_output --regexp '^vmc-cat \(kdumpling\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option or an argument is a usage error" {
	run vmc-cat --bogus </dev/null
	assert_failure 2
	assert_output "vmc-cat: unknown option '--bogus'
Try 'vmc-cat --help' for more information."
	run vmc-cat stream </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: unexpected argument 'stream'"
}

@test "a malformed --hexdump is a usage error naming it" {
	run vmc-cat --hexdump 0x1000 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: '0x1000' is not ADDR:LEN"
	run vmc-cat --hexdump :16 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: ':16' is not ADDR:LEN"
	run vmc-cat --hexdump 0x1g:16 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: '0x1g' is not a number"
	run vmc-cat --hexdump 0:16Q </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: '16Q' is not a size (a number with an optional K, M, G or T)"
	run vmc-cat --hexdump 0:0 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: '0:0': LEN is 1 to 16777216 bytes"
	run vmc-cat --hexdump 0:17M </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: '0:17M': LEN is 1 to 16777216 bytes"
	run vmc-cat --hexdump 0xfffffffffffffff0:17 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-cat: --hexdump: '0xfffffffffffffff0:17' goes past the end of the address space"
}

@test "refuses to read the stream from a terminal" {
	run on_tty vmc-cat
	assert_failure 2
	[ ! -s tty.out ]
	assert_equal "$(head -n 1 tty.err)" "vmc-cat: refusing to read a binary stream from a terminal; pipe a vmc- program into it"
}

@test "an empty stdin is an empty stream" {
	run --separate-stderr vmc-cat </dev/null
	assert_success
	assert_output "empty stream: no header, no records"
	assert_equal "$stderr" ""
	run cat_json </dev/null
	assert_success
	assert_output '{"kind": "empty"}'
	run vmc-cat --json </dev/null
	assert_output $'{"records": [\n{"kind": "empty"}\n]}'
}

@test "a stream of no records: its version and its end" {
	pystream empty <<<'stream()'
	run vmc-cat <empty
	assert_success
	assert_output "stream version 1
end: records 0, segments 0, memory 0x0 (0 B), cpus 0"
}

@test "a line per record: CPUs, VMCOREINFO and its lines, notes, metadata, the segment, the totals" {
	make_stream
	run --separate-stderr vmc-cat <stream
	assert_success
	assert_equal "$stderr" ""
	assert_output "stream version 1
cpu 0: pid 1, ppid -1, pgrp 0, sid 0, signo 11, sigcode 0, errno 0, cursig 11, utime 0.000000, stime 0.000001, cutime 0.000000, cstime 0.000000; registers rip=0xffffffff81001234 rsp=0xffff888000010000
cpu 1: pid 2, ppid 0, pgrp 0, sid 0, signo 0, sigcode 0, errno 0, cursig 0, utime 1.500000, stime 0.000000, cutime 0.000000, cstime 0.000000; registers rip=0x20
vmcoreinfo 51 bytes, 3 lines
  OSRELEASE=6.1.0
  PAGESIZE=4096
  CRASHTIME=1700000000
note ACME type 0x10 size 5
metadata KDUMPLING collector=tests
annotation KDUMPLING hostname=web-7
extent phys 0x100000 length 0x40000
segment phys 0x100000 virt 0xffff888000100000 length 0x40000: data 0x40000, zero 0x0 in 1 record
end: records 10, segments 1, memory 0x40000 (256.0 KiB), cpus 2"
}

@test "--json prints the same, one object of a record a line, addresses as hex strings" {
	make_stream
	run cat_json <stream
	assert_success
	assert_line --index 0 '{"kind": "stream", "version": 1}'
	assert_line --index 1 '{"kind": "cpu", "cpu": 0, "pid": 1, "ppid": -1, "pgrp": 0, "sid": 0, "signo": 11, "sigcode": 0, "errno": 0, "cursig": 11, "utime": "0.000000", "stime": "0.000001", "cutime": "0.000000", "cstime": "0.000000", "registers": [{"name": "rip", "value": "0xffffffff81001234"}, {"name": "rsp", "value": "0xffff888000010000"}]}'
	assert_line --index 3 '{"kind": "vmcoreinfo", "size": 51, "line_count": 3, "lines": ["OSRELEASE=6.1.0", "PAGESIZE=4096", "CRASHTIME=1700000000"]}'
	assert_line --index 4 '{"kind": "note", "name": "ACME", "type": 16, "size": 5}'
	assert_line --index 5 '{"kind": "metadata", "type": 1262767105, "vendor": "KDUMPLING", "key": "collector", "value": "tests"}'
	assert_line --index 6 '{"kind": "annotation", "type": 1262767106, "vendor": "KDUMPLING", "key": "hostname", "value": "web-7"}'
	assert_line --index 7 '{"kind": "extent", "phys": "0x100000", "length": 262144}'
	assert_line --index 8 '{"kind": "segment", "phys": "0x100000", "virt": "0xffff888000100000", "length": 262144, "length_announced": true, "data": 262144, "zero": 0, "records": 1}'
	assert_line --index 9 '{"kind": "end", "records": 10, "segments": 1, "memory": 262144, "cpus": 2}'
	assert_equal "${#lines[@]}" 10
	# one JSON object, its records saying what the text says
	run vmc-cat --json <stream
	run "$SYSPY" -c 'import json, sys
objs = json.load(sys.stdin)["records"]
cpu = objs[1]
print(len(objs), objs[2]["cpu"], {r["name"]: int(r["value"], 16) for r in cpu["registers"]}["rip"] == 0xffffffff81001234,
      int(objs[8]["virt"], 16) - int(objs[8]["phys"], 16) == 0xffff888000000000)' <<<"$output"
	assert_output "10 1 True True"
}

@test "segment bytes are never printed unless asked for" {
	make_stream
	# the memory's first bytes, as text or hex, appear nowhere
	marker=$(head -c 8 mem | od -An -v -tx1 | tr -d ' \n')
	run vmc-cat <stream
	refute_output --partial "$marker"
	[ "${#output}" -lt 2048 ]
	run cat_json <stream
	refute_output --partial "$marker"
	[ "${#output}" -lt 4096 ]
}

@test "a segment's DATA and ZERO records make one line: its split and its record count" {
	# 8 DATA records of 24 KiB, 4 ZERO records of 16 KiB, interleaved
	pystream split <<'PY'
body = []
for i in range(12):
    body.append(rec(0x11, bytes([i]) * 0x6000) if i % 3 != 2 else rec(0x12, u64(0x4000)))
stream(rec(0x10, u64(0x100000, 0xffff888000100000, 0x40000)), *body, rec(0x13, u64(0x40000)))
PY
	run vmc-cat <split
	assert_success
	assert_output "stream version 1
segment phys 0x100000 virt 0xffff888000100000 length 0x40000: data 0x30000, zero 0x10000 in 12 records
end: records 14, segments 1, memory 0x40000 (256.0 KiB), cpus 0"
}

@test "a sparse file's holes come as ZERO records, a pipe's length at the segment's end" {
	truncate -s 64K sparse
	pattern 4096 page
	dd if=page of=sparse bs=4096 seek=4 conv=notrunc status=none
	vmc-seg --phys 0 sparse </dev/null >holes
	run vmc-cat <holes
	assert_success
	# the file system keeps the page and the holes apart (tmpfs, ext4 do)
	assert_line --index 1 "extent phys 0x0 length 0x10000"
	assert_line --index 2 "segment phys 0x0 virt 0x0 length 0x10000: data 0x1000, zero 0xf000 in 3 records"
	cat sparse | vmc-seg --phys 0x2000 --virt 0x5000 - >piped
	run vmc-cat <piped
	assert_line --index 1 "segment phys 0x2000 virt 0x5000 length 0x10000 (unknown until its end): data 0x10000, zero 0x0 in 1 record"
	run cat_json <piped
	assert_line --index 1 '{"kind": "segment", "phys": "0x2000", "virt": "0x5000", "length": 65536, "length_announced": false, "data": 65536, "zero": 0, "records": 1}'
}

@test "records of unknown types by type, flags and length; META of another kind" {
	pystream private <<'PY'
stream(rec(0x8000, b"hello", 0), rec(0x9abc, b"", 1), rec(0x7000, bytes(300), 6),
       rec(0x06, struct.pack("<III", 0x4b444c7f, 4, 1) + b"ACMEkv"))
PY
	run vmc-cat <private
	assert_success
	assert_output "stream version 1
unknown record type 0x8000 flags 0x0 length 5
unknown record type 0x9abc flags 0x1 length 0
unknown record type 0x7000 flags 0x6 length 300
meta of type 0x4b444c7f ACME k=v
end: records 4, segments 0, memory 0x0 (0 B), cpus 0"
	run cat_json <private
	assert_line --index 1 '{"kind": "unknown", "type": 32768, "flags": 0, "length": 5}'
	assert_line --index 4 '{"kind": "meta", "type": 1262767231, "vendor": "ACME", "key": "k", "value": "v"}'
}

@test "ARCH, and bytes that are not printable, escaped" {
	pystream odd <<'PY'
stream(rec(0x02, b"aarch64"),
       rec(0x03, b"OSRELEASE=6.1\tx\nKEY=\"q\\\"\n\xff=1"),
       rec(0x04, struct.pack("<II", 2, 4) + b"A\x01\"Z" + b"desc"),
       rec(0x05, struct.pack("<I8iI", 3, -5, 0, 0, 0, 0, 0, 0, 0, 0) + bytes(64) + struct.pack("<I", 1) + b"\x02x\x07" + struct.pack("<Q", 7)))
PY
	run vmc-cat <odd
	assert_success
	assert_output 'stream version 1
arch aarch64
vmcoreinfo 28 bytes, 3 lines
  OSRELEASE=6.1\x09x
  KEY="q\\"
  \xff=1
note A\x01"Z type 0x2 size 4
cpu 3: pid -5, ppid 0, pgrp 0, sid 0, signo 0, sigcode 0, errno 0, cursig 0, utime 0.000000, stime 0.000000, cutime 0.000000, cstime 0.000000; registers x\x07=0x7
end: records 4, segments 0, memory 0x0 (0 B), cpus 1'
	run cat_json <odd
	assert_success
	assert_line --index 1 '{"kind": "arch", "name": "aarch64"}'
	assert_line --index 2 '{"kind": "vmcoreinfo", "size": 28, "line_count": 3, "lines": ["OSRELEASE=6.1\u0009x", "KEY=\"q\\\"", "\u00ff=1"]}'
	assert_line --index 3 '{"kind": "note", "name": "A\u0001\"Z", "type": 2, "size": 4}'
	"$SYSPY" -c 'import json, sys; [json.loads(l) for l in sys.stdin]' <<<"$output"
}

@test "a CPU with no registers, and times no kernel writes" {
	pystream cpu <<'PY'
times = struct.pack("<8q", -1, 0, 2, 1000000, 0, -3, 0, 0)
stream(rec(0x05, struct.pack("<I8iI", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) + times + struct.pack("<I", 0)))
PY
	run vmc-cat <cpu
	assert_success
	assert_line --index 1 "cpu 0: pid 0, ppid 0, pgrp 0, sid 0, signo 0, sigcode 0, errno 0, cursig 0, utime -1.000000, stime 2s+1000000us, cutime 0s-3us, cstime 0.000000; no registers"
	run cat_json <cpu
	assert_line --index 1 --partial '"utime": "-1.000000", "stime": "2s+1000000us", "cutime": "0s-3us", "cstime": "0.000000", "registers": []}'
}

# ---- --hexdump ----

@test "--hexdump prints physical bytes as xxd does" {
	make_stream
	run vmc-cat --hexdump 0x101000:0x45 <stream
	assert_success
	assert_line --index 13 "hexdump phys 0x101000 length 0x45"
	xxd -s 0x1000 -l 0x45 -o 0x100000 mem >want
	assert_equal "$(printf '%s\n' "${lines[@]:14}")" "$(cat want)"
	assert_equal "${#lines[@]}" $((14 + 5))
}

@test "--hexdump shows ZERO records' bytes, and says which bytes no segment holds" {
	pystream holes <<'PY'
stream(rec(0x10, u64(0x1000, 0x1000, 0x20)), rec(0x11, b"0123456789abcdef"), rec(0x12, u64(0x10)), rec(0x13, u64(0x20)),
       rec(0x10, u64(0x1030, 0x1030, 0x8)), rec(0x11, b"ABCDEFGH"), rec(0x13, u64(0x8)))
PY
	run vmc-cat --hexdump 0xff8:0x58 <holes
	assert_success
	assert_output "stream version 1
segment phys 0x1000 virt 0x1000 length 0x20: data 0x10, zero 0x10 in 2 records
segment phys 0x1030 virt 0x1030 length 0x8: data 0x8, zero 0x0 in 1 record
end: records 7, segments 2, memory 0x28 (40 B), cpus 0
hexdump phys 0xff8 length 0x58
00000ff8: ---- ---- ---- ---- 3031 3233 3435 3637          01234567
00001008: 3839 6162 6364 6566 0000 0000 0000 0000  89abcdef........
00001018: 0000 0000 0000 0000 ---- ---- ---- ----  ........        
00001028: ---- ---- ---- ---- 4142 4344 4546 4748          ABCDEFGH
no segment holds 0xff8-0xfff
no segment holds 0x1020-0x102f
no segment holds 0x1038-0x104f"
	run cat_json --hexdump 0x101c:0x18 <holes
	assert_line --index 4 '{"kind": "hexdump", "phys": "0x101c", "length": 24, "bytes": "00000000--------------------------------41424344", "missing": [{"start": "0x1020", "end": "0x102f"}]}'
}

@test "--hexdump is repeatable; a range no segment touches is all missing" {
	make_stream
	run vmc-cat --hexdump 0x13fffe:4 --hexdump 0:0x10 <stream
	assert_success
	assert_line --index 13 "hexdump phys 0x13fffe length 0x4"
	# the pattern's last two bytes, then two that no segment holds
	assert_equal "$(tail -c 2 mem | od -An -tx1)" " f0 53"
	assert_line --index 14 "0013fffe: f053 ----$(printf '%30s' '')  .S  "
	assert_line --index 15 "no segment holds 0x140000-0x140001"
	assert_line --index 16 "hexdump phys 0x0 length 0x10"
	assert_line --index 17 "no segment holds 0x0-0xf"
	assert_equal "${#lines[@]}" 18
}

# ---- bad streams: the record and the byte offset ----

@test "garbage is not taken for a stream" {
	run vmc-cat <<<"OSRELEASE=6.1"
	assert_failure 1
	assert_output "vmc-cat: stdin is not a vmc record stream; to read raw memory use vmc-seg -"
}

@test "a stream truncated anywhere fails with the record and its offset" {
	make_stream
	size=$(stat -c %s stream)
	for cut in 10:"truncated stream: it ends inside its header" \
		16:"record 1 at byte 16: truncated stream: it ends without its end record" \
		30:"record 1 at byte 16: truncated stream: it ends inside a record header" \
		100:"record 1 at byte 16: truncated stream: it ends inside a record" \
		560:"record 8 at byte 533: truncated stream: it ends inside a record" \
		600:"record 9 at byte 573: truncated stream: it ends inside a record" \
		$((size - 30)):"record 10 at byte $((size - 48)): truncated stream: it ends inside a record" \
		$((size - 24)):"record 11 at byte $((size - 24)): truncated stream: it ends without its end record" \
		$((size - 1)):"record 11 at byte $((size - 24)): truncated stream: it ends inside its end record"; do
		head -c "${cut%%:*}" stream >cut
		run vmc-cat <cut
		assert_failure 1
		assert_line --index -1 "vmc-cat: stdin: ${cut#*:} (did a program before this one fail?)"
	done
	# what came before the cut is shown
	head -c 600 stream | vmc-cat 2>/dev/null >shown || true
	run tail -n 1 shown
	assert_output "extent phys 0x100000 length 0x40000"
}

@test "data after the end, a wrong count, a corrupt record: the record and its offset" {
	make_stream
	cat stream stream >twice
	run vmc-cat <twice
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 11 at byte $(($(stat -c %s stream) - 24)): data after the end of the stream"
	pystream count <<<'stream(rec(0x02, b"x86_64"), count=2)'
	run vmc-cat <count
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 2 at byte 38: corrupt stream: 1 records before the end record, which counts 2"
	pystream note <<<'stream(rec(0x02, b"x86_64"), rec(0x04, struct.pack("<II", 1, 99) + b"name"))'
	run vmc-cat <note
	assert_failure 1
	assert_output "stream version 1
arch x86_64
vmc-cat: stdin: record 2 at byte 38: corrupt stream: bad note record"
	pystream cpu <<<'stream(rec(0x05, bytes(100)))'
	run cat_json <cpu
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 1 at byte 16: corrupt stream: short CPU record"
	pystream big <<<'stream(rec(0x01, u64(0, 0)))'
	run vmc-cat <big
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 1 at byte 16: corrupt stream: end record of 16 bytes"
}

@test "a record inside a segment that should not be there fails" {
	pystream inside <<'PY'
stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x11, b"abcd"), rec(0x04, struct.pack("<II", 1, 4) + b"ACME"),
       rec(0x11, b"efgh"), rec(0x13, u64(8)))
PY
	run vmc-cat <inside
	assert_failure 1
	assert_output "stream version 1
vmc-cat: stdin: record 3 at byte 76: corrupt stream: a NOTE record inside the segment at 0x1000, before its end"
	pystream nested <<'PY'
stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x10, u64(0x2000, 0x2000, 8)))
PY
	run vmc-cat <nested
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 2 at byte 56: corrupt stream: a SEGMENT record inside the segment at 0x1000, before its end"
	pystream private <<'PY'
stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x8000, b"", 0))
PY
	run vmc-cat <private
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 2 at byte 56: corrupt stream: a type 0x8000 record inside the segment at 0x1000, before its end"
	pystream open <<<'stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x11, b"abcdefgh"))'
	run vmc-cat <open
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 3 at byte 80: corrupt stream: the stream ends inside the segment at 0x1000"
}

@test "segment records outside a segment fail" {
	for what in 0x11:DATA:'b"abcd"' 0x12:ZERO:'u64(8)' 0x13:SEGMENT_END:'u64(8)'; do
		IFS=: read -r type name payload <<<"$what"
		pystream outside <<<"stream(rec(0x02, b\"x86_64\"), rec($type, $payload))"
		run vmc-cat <outside
		assert_failure 1
		assert_line --index -1 "vmc-cat: stdin: record 2 at byte 38: corrupt stream: a $name record outside a segment"
	done
}

@test "a segment whose records do not add up fails at the record that shows it" {
	pystream short <<<'stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x11, b"abcd"), rec(0x13, u64(8)))'
	run vmc-cat <short
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 3 at byte 76: corrupt stream: the segment at 0x1000 ends at 8 bytes, and its records hold 4"
	pystream announced <<<'stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x11, b"abcd"), rec(0x13, u64(4)))'
	run vmc-cat <announced
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 3 at byte 76: corrupt stream: the segment at 0x1000 holds 4 of the 8 bytes it announced"
	pystream long <<<'stream(rec(0x10, u64(0x1000, 0x1000, 8)), rec(0x11, b"abcd"), rec(0x12, u64(5)), rec(0x13, u64(9)))'
	run vmc-cat <long
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 3 at byte 76: corrupt stream: the segment at 0x1000 holds more than the 8 bytes it announced"
	pystream empty <<<'stream(rec(0x10, u64(0x1000, 0x1000, 2**64 - 1)), rec(0x13, u64(0)))'
	run vmc-cat <empty
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 2 at byte 56: corrupt stream: the segment at 0x1000 is empty"
	pystream none <<<'stream(rec(0x10, u64(0x1000, 0x1000, 0)))'
	run vmc-cat <none
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 1 at byte 16: corrupt stream: no data for the segment at 0x1000: a segment cannot be empty"
}

@test "an extent that no segment could fill fails, as vmc-pack fails it" {
	pystream empty <<<'stream(rec(0x08, u64(0x1000, 0), flags=0))'
	run vmc-cat <empty
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 1 at byte 16: corrupt stream: extent record: no data for the segment at 0x1000: a segment cannot be empty"
	pystream past <<<'stream(rec(0x08, u64(2**64 - 4096, 8192), flags=0))'
	run vmc-cat <past
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 1 at byte 16: corrupt stream: extent record: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space"
}

@test "a segment past the end of the address space fails" {
	pystream known <<<'stream(rec(0x10, u64(2**64 - 4096, 0, 8192)))'
	run vmc-cat <known
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 1 at byte 16: corrupt stream: segment at 0xfffffffffffff000 of 8192 bytes goes past the end of the address space"
	# of unknown length: seen at the ZERO that crosses it, whatever its size
	pystream unknown <<<'stream(rec(0x10, u64(2**64 - 4096, 0, 2**64 - 1)), rec(0x12, u64(4096)), rec(0x12, u64(2**64 - 1)))'
	run vmc-cat <unknown
	assert_failure 1
	assert_line --index -1 "vmc-cat: stdin: record 3 at byte 80: corrupt stream: the segment at 0xfffffffffffff000 goes past the end of the address space"
	# to its last byte is fine
	pystream last <<<'stream(rec(0x10, u64(2**64 - 4096, 0, 2**64 - 1)), rec(0x12, u64(4096)), rec(0x13, u64(4096)))'
	run vmc-cat --hexdump 0xfffffffffffffff0:16 <last
	assert_success
	assert_line --index 1 "segment phys 0xfffffffffffff000 virt 0x0 length 0x1000 (unknown until its end): data 0x0, zero 0x1000 in 1 record"
	assert_line --index 4 "fffffffffffffff0: 0000 0000 0000 0000 0000 0000 0000 0000  ................"
}

@test "a huge ZERO record is counted, not read" {
	pystream huge <<<'stream(rec(0x10, u64(0, 0, 2**63)), rec(0x12, u64(2**63)), rec(0x13, u64(2**63)))'
	run timeout 10 vmc-cat <huge
	assert_success
	assert_line --index 1 "segment phys 0x0 virt 0x0 length 0x8000000000000000: data 0x0, zero 0x8000000000000000 in 1 record"
	assert_line --index 2 "end: records 3, segments 1, memory 0x8000000000000000 (8.0 EiB), cpus 0"
}

@test "check.py's own stream of main.spec: every segment, CPU and note" {
	build_spec main.spec --python
	run vmc-cat <"${DUMP%/vmcore}/stream.vmc"
	assert_success
	assert_line --index 0 "stream version 1"
	assert_line "note ACME type 0x100 size 10"
	assert_line "annotation KDUMPLING hostname=web-7"
	assert_line "annotation KDUMPLING reason=panic: kernel BUG at mm/slub.c:431"
	assert_line "metadata KDUMPLING collector=kdumpling-tests"
	assert_line --regexp '^cpu 0: pid 1, ppid 0, pgrp 1, sid 1, signo 11, sigcode 1, errno 14, cursig 11, utime 1\.500000, stime 0\.250000, cutime 3\.000000, cstime 4\.000001; registers .*rip=0xffffffff81001234 '
	assert_line --regexp '^cpu 1: pid 2, .*; registers .*rdi=0x2a'
	assert_line --regexp '^segment phys 0x100000 virt 0x100000 length 0xa0000: data 0xa0000, zero 0x0 in 1 record$'
	assert_line --regexp '^segment phys 0x1000000 virt 0x1000000 length 0x180000: data 0x180000, zero 0x0 in 2 records$'
	assert_line --regexp '^segment phys 0x2000000 virt 0xffff888002000000 length 0x10000: '
	assert_line --regexp '^segment phys 0x3000123 virt 0xffff888003000123 length 0x1388: '
	assert_line --regexp '^segment phys 0x4000000 virt 0x4000000 length 0x3039: '
	assert_line --index -1 --regexp '^end: records [0-9]+, segments 5, memory 0x2343c1 \(2\.2 MiB\), cpus 2$'
	# and the bytes at an address are the dump's
	run vmc-cat --hexdump 0x3000123:16 <"${DUMP%/vmcore}/stream.vmc"
	"$SYSPY" -c 'import kdumpfile as K, sys
k = K.kdumpfile(sys.argv[1])
b = bytes(k.read(K.KDUMP_MACHPHYSADDR, 0x3000123, 16))
print("03000123: " + " ".join(b[i:i + 2].hex() for i in range(0, 16, 2)) + "  " +
      "".join(chr(c) if 32 <= c < 127 else "." for c in b))' "$DUMP" >want
	assert_line --index -1 "$(cat want)"
}

# ---- faults ----

@test "stdout full: exit 1, stdout named" {
	make_stream
	fails_on_full_stdout 1 vmc-cat <stream
	run bash -c 'vmc-cat --hexdump 0x100000:0x40000 <stream >/dev/full'
	assert_failure 1
	assert_output "vmc-cat: stdout: No space left on device"
}

@test "downstream gone: killed by SIGPIPE, quietly" {
	make_stream
	dies_quietly_of_sigpipe vmc-cat --hexdump 0x100000:0x40000 <stream
}
