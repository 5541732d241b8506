#!/usr/bin/env bats
# vmc-prstatus: one CPU's NT_PRSTATUS note.  Most dumps here hold notes
# and no memory, which vmc-pack writes only with --allow-empty.

load helpers
bats_require_minimum_version 1.5.0

X86_64_REGS="r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs"
AARCH64_REGS="x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 (fp) x30 (lr) sp pc pstate"

# The NT_PRSTATUS note number $2 (from 0, in file order) of dump $1, read
# at the offsets of the kernel's struct elf_prstatus: e_machine, descsz,
# signo code errno cursig pid ppid pgrp sid, the four times as sec.usec,
# then "clear" if sigpend, sighold, the padding and pr_fpvalid are zero
prstatus() {
	"$SYSPY" - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
machine, = struct.unpack_from('<H', d, 18)
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
cores = []
for i in range(phnum):
    t, _, off, _, _, size = struct.unpack_from('<IIQQQQ', d, phoff + 56 * i)
    pos = off
    while t == 4 and pos < off + size:
        namesz, descsz, ntype = struct.unpack_from('<III', d, pos)
        name = d[pos + 12:pos + 12 + namesz]
        desc = pos + 12 + (namesz + 3) // 4 * 4
        if name == b'CORE\0' and ntype == 1:
            cores.append(d[desc:desc + descsz])
        pos = desc + (descsz + 3) // 4 * 4
p = cores[int(sys.argv[2])]
regs_end = len(p) - 8
fields = struct.unpack_from('<iii', p, 0) + struct.unpack_from('<H', p, 12) + \
    struct.unpack_from('<iiii', p, 32)
times = ['%d.%06d' % struct.unpack_from('<qq', p, 48 + 16 * i) for i in range(4)]
clear = p[14:32] == bytes(18) and p[regs_end:] == bytes(8)
print(machine, len(p), *fields, *times, 'clear' if clear else 'dirty')
EOF
}

# pr_reg slot $3 (8 bytes each from offset 112) of NT_PRSTATUS note $2 of
# dump $1, in hex
prreg() {
	"$SYSPY" - "$1" "$2" "$3" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
cores = []
for i in range(phnum):
    t, _, off, _, _, size = struct.unpack_from('<IIQQQQ', d, phoff + 56 * i)
    pos = off
    while t == 4 and pos < off + size:
        namesz, descsz, ntype = struct.unpack_from('<III', d, pos)
        desc = pos + 12 + (namesz + 3) // 4 * 4
        if d[pos + 12:pos + 12 + namesz] == b'CORE\0' and ntype == 1:
            cores.append(d[desc:desc + descsz])
        pos = desc + (descsz + 3) // 4 * 4
print('%x' % struct.unpack_from('<Q', cores[int(sys.argv[2])], 112 + 8 * int(sys.argv[3]))[0])
EOF
}

quiet() {
	"$@" >out
}

on_tty() {
	script -qec "$* 2>tty.err" /dev/null </dev/null >tty.out
}

@test "--help prints the synopsis first, the x86_64 registers last" {
	run vmc-prstatus --help
	assert_success
	assert_line --index 0 "usage: vmc-prstatus --cpu N [--pid N] [--ppid N] [--pgrp N] [--sid N]"
	assert_equal "${lines[-1]}" "x86_64 registers: $X86_64_REGS"
}

@test "--arch aarch64 --help lists the aarch64 registers" {
	run vmc-prstatus --arch aarch64 --help
	assert_success
	assert_line --index 0 --regexp '^usage: vmc-prstatus '
	assert_equal "${lines[-1]}" "aarch64 registers: $AARCH64_REGS"
}

@test "--version prints the program and version" {
	run vmc-prstatus --version
	assert_success
	assert_output --regexp '^vmc-prstatus \(kdumpling\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "--list-registers lists the registers, aliases in parentheses" {
	run vmc-prstatus --list-registers
	assert_success
	assert_output "x86_64 registers: $X86_64_REGS"
	run vmc-prstatus --arch aarch64 --list-registers
	assert_success
	assert_output "aarch64 registers: $AARCH64_REGS"
	run vmc-prstatus --arch arm64 --list-registers
	assert_output "aarch64 registers: $AARCH64_REGS"
}

@test "--list-registers --json: one object per architecture, the same names, sizes that the registers take" {
	run vmc-prstatus --list-registers --json
	assert_success
	assert_output --partial '{"architecture": "x86_64", "registers": [{"name": "r15", "bytes": 8, "aliases": []}, '
	assert_output --partial '{"name": "eflags", "bytes": 8, "aliases": ["rflags"]}'
	for arch in x86_64 aarch64 s390x ppc64 ppc64le riscv64; do
		text=$(vmc-prstatus --arch "$arch" --list-registers)
		vmc-prstatus --arch "$arch" --list-registers --json >"$arch.json"
		run "$SYSPY" - "$arch.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print('%s registers: %s' % (d['architecture'], ' '.join(
    r['name'] + ''.join(' (%s)' % a for a in r['aliases']) for r in d['registers'])))
EOF
		assert_success
		assert_output "$text"
	done
	# every register takes the largest value of its size, on its own
	# architecture
	for arch in x86_64 aarch64 s390x ppc64 ppc64le riscv64; do
		args=$("$SYSPY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s=%d" % (r["name"], (1 << 8 * r["bytes"]) - 1) for r in d["registers"]))' "$arch.json")
		# shellcheck disable=SC2086 # one word per register
		vmc-prstatus --arch "$arch" --cpu 0 $args </dev/null | vmc-pack --allow-empty --arch "$arch" -o "$arch.dump"
	done
	run quiet vmc-prstatus --json --cpu 0 rip=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --json goes with --list-registers"
}

@test "--cpu is required" {
	run quiet vmc-prstatus rip=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --cpu is required"
	assert_line --index 1 "Try 'vmc-prstatus --help' for more information."
}

@test "a bad --cpu is a usage error naming it" {
	run quiet vmc-prstatus --cpu 4294967296 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --cpu: '4294967296' does not fit in 32 bits"
	run quiet vmc-prstatus --cpu -1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --cpu: '-1' is not a number"
}

@test "REG=VALUE that is malformed is a usage error" {
	run quiet vmc-prstatus --cpu 0 rip= </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: rip: '' is not a number"
	run quiet vmc-prstatus --cpu 0 =5 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: '=5' is not REG=VALUE"
	run quiet vmc-prstatus --cpu 0 rip </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: 'rip' is not REG=VALUE"
	run quiet vmc-prstatus --cpu 0 rip=0x1g </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: rip: '0x1g' is not a number"
}

@test "an unknown register fails with the list of valid names" {
	run quiet vmc-prstatus --cpu 0 rip=1 foo=2 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: unknown register 'foo' for x86_64; valid registers: $X86_64_REGS"
	run quiet vmc-prstatus --cpu 0 --arch aarch64 rip=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: unknown register 'rip' for aarch64; valid registers: $AARCH64_REGS"
}

@test "a value too wide for its field is a usage error naming it" {
	run quiet vmc-prstatus --cpu 0 rip=0x10000000000000000 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: rip: '0x10000000000000000' does not fit in 64 bits"
	run quiet vmc-prstatus --cpu 0 --pid 2147483648 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --pid: '2147483648' does not fit in 32 bits"
	run quiet vmc-prstatus --cpu 0 --sigcode -2147483649 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --sigcode: '-2147483649' does not fit in 32 bits"
}

@test "a --cursig too wide for pr_cursig's 16 bits is a usage error" {
	run quiet vmc-prstatus --cpu 0 --cursig 65536 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: cursig 65536 does not fit in 16 bits"
}

@test "a bad time is a usage error naming the option" {
	run quiet vmc-prstatus --cpu 0 --utime -1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --utime: '-1' is not a time in seconds"
	run quiet vmc-prstatus --cpu 0 --cstime 1.1234567 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --cstime: '1.1234567' is not a time in seconds (at most 6 decimals)"
	run quiet vmc-prstatus --cpu 0 --stime 1. </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --stime: '1.' is not a time in seconds"
}

@test "an unknown --arch is a usage error listing the known ones" {
	run quiet vmc-prstatus --cpu 0 --arch sparc </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: --arch: unknown architecture 'sparc' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)"
}

@test "refuses to write the stream to a terminal" {
	run on_tty vmc-prstatus --cpu 0 rip=1
	assert_failure 2
	[ ! -s tty.out ]
	assert_equal "$(head -n 1 tty.err)" "vmc-prstatus: refusing to write a binary stream to a terminal; pipe it into another vmc- program"
}

@test "garbage on stdin is not taken for a stream" {
	run bash -c 'head -c 64 /dev/zero | vmc-prstatus --cpu 0 >out'
	assert_failure 1
	assert_output "vmc-prstatus: stdin is not a vmc record stream; to read raw memory use vmc-seg -"
}

@test "a truncated upstream stream fails, and nothing downstream packs it" {
	vmc-prstatus --cpu 0 rip=1 </dev/null >full
	head -c 60 full >cut
	run bash -c 'vmc-prstatus --cpu 1 <cut >out'
	assert_failure 1
	assert_output "vmc-prstatus: stdin: truncated stream: it ends inside a record (did a program before this one fail?)"
	run bash -c 'vmc-prstatus --cpu 1 <cut | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output --partial "vmc-pack: stdin: truncated stream"
	[ ! -e dump ]
}

@test "a failing vmc-prstatus leaves a stream that nothing downstream packs" {
	run bash -c 'vmc-prstatus --cpu 0 foo=1 </dev/null | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_line --index 0 --partial "vmc-prstatus: unknown register 'foo'"
	assert_line --index 2 "vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)"
	[ ! -e dump ]
}

@test "the stream is the one STREAM.md shows" {
	vmc-prstatus --cpu 0 rip=0x10 </dev/null >stream
	run od -An -v -tx1 stream
	assert_equal "$(echo "$output" | tr -d ' \n')" \
		"89564d430d0a1a0a0100000000000000""0500000001000000""7800000000000000""$(printf '0%.0s' {1..208})""01000000""03726970""1000000000000000""0100000001000000""0800000000000000""0100000000000000"
}

@test "an empty stdin is an empty stream: a CPU with no registers" {
	vmc-prstatus --cpu 0 </dev/null | vmc-pack --allow-empty -o dump
	run prstatus dump 0
	assert_output "62 336 0 0 0 0 0 0 0 0 0.000000 0.000000 0.000000 0.000000 clear"
	for i in 0 16 26; do
		run prreg dump 0 $i
		assert_output "0"
	done
}

@test "every field lands at its offset in NT_PRSTATUS" {
	vmc-prstatus --cpu 0 --signo 11 --sigcode -6 --errno 14 --cursig 9 \
		--pid 4242 --ppid -1 --pgrp 2147483647 --sid -2147483648 \
		--utime 1.5 --stime 2.000001 --cutime 0x10 --cstime 7.123456 </dev/null |
		vmc-pack --allow-empty -o dump
	run prstatus dump 0
	assert_output "62 336 11 -6 14 9 4242 -1 2147483647 -2147483648 1.500000 2.000001 16.000000 7.123456 clear"
}

@test "eu-readelf shows the fields and the registers by name" {
	vmc-prstatus --cpu 0 --pid 77 --ppid 1 --signo 11 --cursig 11 --utime 3.25 \
		rip=0xffffffff81000010 rsp=0xffffc90000123f00 rax=0x1234 \
		eflags=0x246 fs_base=0x7f0000001000 gs.base=0xffff888000000000 \
		cs=0x10 gs=0x2b </dev/null | vmc-pack --allow-empty -o dump
	run eu-readelf -n dump
	assert_success
	assert_output --regexp 'CORE +336 +PRSTATUS'
	assert_output --partial "info.si_signo: 11, info.si_code: 0, info.si_errno: 0, cursig: 11"
	assert_output --partial "pid: 77, ppid: 1, pgrp: 0, sid: 0"
	assert_output --partial "utime: 3.250000, stime: 0.000000"
	assert_output --regexp 'rip: +0xffffffff81000010'
	assert_output --regexp 'rsp: +0xffffc90000123f00'
	assert_output --regexp 'rax: +4660( |$)'
	assert_output --regexp 'rflags: +0x0000000000000246'
	assert_output --regexp 'fs\.base: +0x00007f0000001000'
	assert_output --regexp 'gs\.base: +0xffff888000000000'
	assert_output --regexp 'cs: 0x0010 '
	assert_output --regexp 'gs: 0x002b'
}

@test "x86_64 registers sit in pr_reg in the kernel's order" {
	vmc-prstatus --cpu 0 r15=0xf15 rbp=0xb0 orig_rax=0x0a1 rip=0x1a rsp=0x5a gs=0x26 \
		</dev/null | vmc-pack --allow-empty -o dump
	for pair in 0:f15 4:b0 15:a1 16:1a 19:5a 26:26 1:0 25:0; do
		run prreg dump 0 "${pair%%:*}"
		assert_output "${pair#*:}"
	done
}

@test "register names are case-insensitive and take their aliases" {
	vmc-prstatus --cpu 0 RIP=0x1 Rflags=0x202 FS.BASE=0x3 GS_Base=0x4 </dev/null |
		vmc-pack --allow-empty -o dump
	for pair in 16:1 18:202 21:3 22:4; do
		run prreg dump 0 "${pair%%:*}"
		assert_output "${pair#*:}"
	done
	vmc-prstatus --cpu 0 eflags=0x202 </dev/null | vmc-pack --allow-empty -o eflags
	run prreg eflags 0 18
	assert_output "202"
}

@test "a register given under two of its names fails at vmc-pack" {
	run bash -c 'vmc-prstatus --cpu 0 rflags=2 eflags=3 </dev/null | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: CPU 0: register eflags is given twice (also as rflags)"
	[ ! -e dump ]
}

@test "aarch64 registers, aliases and all, land in a 392-byte note" {
	vmc-prstatus --cpu 0 --arch aarch64 --pid 5 x0=0xa0 X1=0xa1 fp=0xf9 lr=0x130 \
		sp=0x5b pc=0xffff800008010000 pstate=0x3c5 </dev/null | vmc-pack --allow-empty -o dump
	run prstatus dump 0
	assert_output "183 392 0 0 0 0 5 0 0 0 0.000000 0.000000 0.000000 0.000000 clear"
	for pair in 0:a0 1:a1 29:f9 30:130 31:5b 32:ffff800008010000 33:3c5 2:0; do
		run prreg dump 0 "${pair%%:*}"
		assert_output "${pair#*:}"
	done
	run eu-readelf -n dump
	assert_output --regexp 'CORE +392 +PRSTATUS'
	assert_output --regexp 'pc: +0xffff800008010000'
}

@test "arm64 names the same architecture as aarch64" {
	vmc-prstatus --cpu 0 --arch arm64 x0=1 </dev/null |
		vmc-prstatus --cpu 1 --arch aarch64 x0=2 | vmc-pack --allow-empty -o dump
	run prstatus dump 1
	assert_output "183 392 0 0 0 0 0 0 0 0 0.000000 0.000000 0.000000 0.000000 clear"
}

@test "aarch64 registers without --arch fail at vmc-pack, which defaults to x86_64" {
	run bash -c 'vmc-prstatus --cpu 0 x0=1 </dev/null | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: CPU 0: unknown register 'x0' for x86_64; valid registers: $X86_64_REGS"
	vmc-prstatus --cpu 0 x0=1 </dev/null | vmc-pack --allow-empty --arch aarch64 -o dump
	run prreg dump 0 0
	assert_output "1"
}

@test "two architectures in one pipeline conflict" {
	run bash -c 'vmc-prstatus --cpu 0 --arch aarch64 </dev/null | vmc-prstatus --cpu 1 --arch x86_64 | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: architecture conflict: both x86_64 and aarch64 are named"
	[ ! -e dump ]
}

@test "notes come in CPU order whatever order vmc-prstatus ran in" {
	vmc-prstatus --cpu 2 --pid 20 rip=0x2 </dev/null | vmc-prstatus --cpu 0 --pid 10 rip=0x0 |
		vmc-prstatus --cpu 1 --pid 15 rip=0x1 | vmc-pack --allow-empty -o one
	vmc-prstatus --cpu 0 --pid 10 rip=0x0 </dev/null | vmc-prstatus --cpu 1 --pid 15 rip=0x1 |
		vmc-prstatus --cpu 2 --pid 20 rip=0x2 | vmc-pack --allow-empty -o two
	cmp one two
	for i in 0 1 2; do
		run prreg one $i 16
		assert_output "$i"
	done
	run prstatus one 1
	assert_output "62 336 0 0 0 0 15 0 0 0 0.000000 0.000000 0.000000 0.000000 clear"
}

@test "two CPUs with the same number fail at vmc-pack" {
	run bash -c 'vmc-prstatus --cpu 3 rip=1 </dev/null | vmc-prstatus --cpu 3 rip=2 | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: CPU 3 is given twice"
	[ ! -e dump ]
}

@test "libkdumpfile reads the CPUs and their registers" {
	head -c 4096 /dev/zero >mem
	vmc-prstatus --cpu 0 --pid 1 rip=0xffffffff81000010 rflags=0x246 </dev/null |
		vmc-prstatus --cpu 1 --pid 2 rip=0x20 | vmc-seg --phys 0 mem | vmc-pack --allow-empty -o dump
	run "$SYSPY" -c 'import kdumpfile as K
a = K.kdumpfile("dump").attr
print(a["cpu.number"], hex(a["cpu"]["0"]["reg"]["rip"]), hex(a["cpu"]["0"]["reg"]["rflags"]),
      a["cpu"]["1"]["pid"], hex(a["cpu"]["1"]["reg"]["rip"]))'
	assert_success
	assert_output "2 0xffffffff81000010 0x246 2 0x20"
}

# ---- --replace ----

@test "--replace --cpu N: the dump holds CPU N's new context, not the old" {
	head -c 4096 /dev/zero >mem
	vmc-prstatus --cpu 0 --pid 1 rip=0x10 rsp=0x100 </dev/null |
		vmc-prstatus --cpu 1 --pid 2 rip=0x20 rsp=0x200 | vmc-seg --phys 0 mem |
		vmc-prstatus --replace --cpu 1 --pid 9 rip=0x99 | vmc-pack --allow-empty -o dump
	run "$SYSPY" -c 'import kdumpfile as K
a = K.kdumpfile("dump").attr
print(a["cpu.number"], a["cpu"]["0"]["pid"], hex(a["cpu"]["0"]["reg"]["rip"]), hex(a["cpu"]["0"]["reg"]["rsp"]),
      a["cpu"]["1"]["pid"], hex(a["cpu"]["1"]["reg"]["rip"]), hex(a["cpu"]["1"]["reg"]["rsp"]))'
	assert_success
	assert_output "2 1 0x10 0x100 9 0x99 0x0"
	run eu-readelf -n dump
	assert_output --regexp 'rip: +0x0*99'
	refute_output --regexp 'rip: +0x0*20$'
	assert_equal "$(grep -c 'CORE .*PRSTATUS' <<<"$output")" 2
	# the same bytes as a pipeline that never had the old one
	vmc-prstatus --cpu 0 --pid 1 rip=0x10 rsp=0x100 </dev/null |
		vmc-prstatus --cpu 1 --pid 9 rip=0x99 | vmc-seg --phys 0 mem | vmc-pack --allow-empty -o direct
	cmp dump direct
}

@test "--replace drops every upstream context of CPU N and no other" {
	vmc-prstatus --cpu 3 rip=1 </dev/null | vmc-prstatus --cpu 3 rip=2 |
		vmc-prstatus --cpu 30 rip=30 | vmc-prstatus --replace --cpu 3 rip=3 >stream
	run vmc-cat <stream
	assert_success
	assert_line --index 1 --regexp '^cpu 3: .*; registers rip=0x3$'
	assert_line --index 2 --regexp '^cpu 30: .*; registers rip=0x1e$'
	assert_line --index 3 "end: records 2, segments 0, memory 0x0 (0 B), cpus 2"
	vmc-pack --allow-empty -o dump <stream
	run prreg dump 0 16
	assert_output "3"
}

@test "--replace where the stream has no CPU N adds it" {
	vmc-prstatus --cpu 0 rip=1 </dev/null | vmc-prstatus --replace --cpu 1 rip=2 | vmc-pack --allow-empty -o dump
	run prreg dump 1 16
	assert_output "2"
	vmc-prstatus --replace --cpu 0 rip=5 </dev/null | vmc-pack --allow-empty -o alone
	run prreg alone 0 16
	assert_output "5"
}

@test "--replace keeps the other CPUs' records as they were" {
	vmc-prstatus --cpu 0 --signo 11 --utime 1.5 RIP=0x10 eflags=0x246 </dev/null >up
	vmc-prstatus --cpu 1 rip=2 <up >plain
	vmc-prstatus --replace --cpu 1 rip=2 <up >replaced
	cmp plain replaced
}

@test "a corrupt CPU upstream fails where --replace reads it" {
	"$SYSPY" -c 'import struct, sys
rec = lambda t, p: struct.pack("<IIQ", t, 1, len(p)) + p
sys.stdout.buffer.write(b"\x89VMC\r\n\x1a\n" + struct.pack("<II", 1, 0)
    + rec(0x05, bytes(100)) + rec(0x01, struct.pack("<Q", 1)))' >bad
	run bash -c 'vmc-prstatus --replace --cpu 0 <bad >out'
	assert_failure 1
	assert_output "vmc-prstatus: stdin: corrupt stream: short CPU record"
}

# ---- faults ----

@test "upstream dead, the stream cut short anywhere: exit 1, told; nothing packed downstream" {
	fails_on_truncated_upstream vmc-prstatus --cpu 1 rip=0x10
}

@test "stdout full, at the first write or a later one: exit 1, stdout named" {
	make_stream
	for n in 1 2 3; do
		fails_on_full_stdout $n vmc-prstatus --cpu 1 rip=0x10 <stream
	done
}

@test "downstream gone: killed by SIGPIPE, quietly" {
	make_big_stream
	dies_quietly_of_sigpipe vmc-prstatus --cpu 1 rip=0x10 <bigstream
}

@test "one register name twice, in any case: a usage error at once, whatever the architecture" {
	run --separate-stderr vmc-prstatus --cpu 0 rax=1 RAX=2 </dev/null
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "vmc-prstatus: register RAX is given twice (also as rax)"
}
