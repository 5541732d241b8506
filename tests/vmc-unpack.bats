#!/usr/bin/env bats
# vmc-unpack: every input format read back, our own dumps byte for byte
# through vmc-pack, those of the kernel, QEMU, makedumpfile, LiME and
# AVML as libkdumpfile reads them; damaged files refused with the file,
# the byte and the problem, and nothing written downstream.  A section
# per input format: ELF, kdump-compressed and flattened, captures.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	kdump_files
	capture_files
}

# ==== ELF core files ====

# vmc-unpack reading ELF core files: our own dumps come back through
# vmc-pack byte for byte; a /proc/vmcore whose kernel text is mapped twice
# and a QEMU 7.2 dump read as libkdumpfile reads them; damaged files fail
# with the file, the offset and the problem, and vmc-pack downstream
# writes nothing.


# An ELF core file built here byte by byte, as the kernel or QEMU lays it
# out: KIND vmcore (/proc/vmcore as kdump saves it: a PT_NOTE, the kernel
# text, then the direct map of two RAM ranges, the second holding the
# text; ranges that end inside a page) or qemu (QEMU 7.2 dump-guest-memory
# with paging off: section headers at 0x40, e_ehsize 8, p_vaddr 0, QEMU
# notes, memory above 4 GiB).  With "differ", the text's copy of one byte
# is not the direct map's.
build_core() { # KIND OUT [differ]
	"$SYSPY" - "$@" <<'EOF'
import random, struct, sys

kind, out = sys.argv[1], sys.argv[2]
differ = sys.argv[3:] == ['differ']
PAGE = 4096

def memory(phys, n):
    # the same bytes at the same physical address in every mapping;
    # every fifth page zero
    out = bytearray()
    for page in range(phys // PAGE, (phys + n + PAGE - 1) // PAGE):
        out += bytes(PAGE) if page % 5 == 0 else random.Random(page).randbytes(PAGE)
    skip = phys % PAGE
    return bytes(out[skip:skip + n])

def note(name, ntype, desc):
    name = name.encode() + b'\0'
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack('<III', len(name), len(desc), ntype) + pad(name) + pad(desc)

def prstatus(pid, rip, rsp):
    regs = [0] * 27
    regs[16], regs[19] = rip, rsp  # rip, rsp in x86_64's user_regs_struct
    return (bytes(32) + struct.pack('<i', pid) + bytes(112 - 36) +
            struct.pack('<27Q', *regs) + bytes(8))

def phdr(ptype, offset, vaddr, paddr, size):
    return struct.pack('<IIQQQQQQ', ptype, 7 if ptype == 1 else 0, offset, vaddr,
                       paddr, size, size, 0)

if kind == 'vmcore':
    notes = (note('CORE', 1, prstatus(101, 0xffffffff81001234, 0xffffc90000013f00)) +
             note('CORE', 1, prstatus(102, 0xffffffff81005678, 0xffffc90000023f00)) +
             note('VMCOREINFO', 0, b'OSRELEASE=6.1.0\nPAGESIZE=4096\n'
                  b'SYMBOL(swapper_pg_dir)=ffffffff8260a000\nSYMBOL(_stext)=ffffffff81000000\n'
                  b'NUMBER(phys_base)=0\n'))
    # (paddr, vaddr, size, file offset)
    loads = [(0x1000000, 0xffffffff81000000, 0x200000, 0x2000),
             (0x1000, 0xffff888000001000, 0x9e400, 0x202000),
             (0x100000, 0xffff888000100000, 0x1f00123, 0x2a1000)]
    phoff, shdrs, ehsize, machine = 64, b'', 64, 62
    note_off = 0x1000
else:
    notes = (note('CORE', 1, prstatus(1, 0xfff0, 0)) +
             note('CORE', 1, prstatus(2, 0x7c00, 0x6f00)) +
             note('QEMU', 0, bytes(range(256)) * 1 + bytes(0x1b8 - 256)) +
             note('QEMU', 0, bytes(0x1b8)))
    loads = [(0, 0, 0xa0000, 0x1000),
             (0x100000, 0, 0xf00000, 0xa1000),
             (0x100000000, 0, 0x100000, 0xfa1000)]
    phoff, ehsize, machine = 0xc0, 8, 62
    strtab = b'\0.shstrtab\0'
    note_off = phoff + 56 * (1 + len(loads))
    shdrs = bytes(64) + struct.pack('<IIQQQQIIQQ', 1, 3, 0, note_off + len(notes),
                                    len(strtab), 0, 0, 0, 1, 0)
f = bytearray(struct.pack('<4sBBBB8xHHIQQQIHHHHHH', b'\x7fELF', 2, 1, 1, 0, 4, machine,
                          1, 0, phoff, 0x40 if shdrs else 0, 0, ehsize, 56,
                          1 + len(loads), 64 if shdrs else 0, 2 if shdrs else 0,
                          1 if shdrs else 0))
def put(off, data):
    global f
    if len(f) < off + len(data):
        f += bytes(off + len(data) - len(f))
    f[off:off + len(data)] = data
put(0x40, shdrs)
put(phoff, phdr(4, note_off, 0, 0, len(notes)) +
    b''.join(phdr(1, off, virt, phys, size) for phys, virt, size, off in loads))
put(note_off, notes)
if kind == 'qemu':
    put(note_off + len(notes), strtab)
for phys, virt, size, off in loads:
    put(off, memory(phys, size))
if differ:
    f[0x2000 + 0x12345] ^= 0x40
open(out, 'wb').write(f)
EOF
}

# libkdumpfile reads from each dump after the first what it reads from
# the first: the memory of every PT_LOAD of the first, each CPU's
# registers, the VMCOREINFO.
same_to_libkdumpfile() { # ORIGINAL CONVERTED...
	"$SYSPY" - "$@" <<'EOF'
import struct, sys
import kdumpfile

first, rest = sys.argv[1], sys.argv[2:]
d = open(first, 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
ranges = []
for i in range(phnum):
    t, _, _, _, pa, fs, _, _ = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t == 1:
        ranges.append((pa, fs))

def seen(path):
    k = kdumpfile.kdumpfile(path)
    a = k.attr
    mem = [bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pa, n)) for pa, n in ranges]
    cpus = [{r: a['cpu'][str(i)]['reg'][r] for r in a['cpu'][str(i)]['reg'].keys()}
            for i in range(a['cpu.number'])]
    info = bytes(a['linux.vmcoreinfo.raw']) if 'linux.vmcoreinfo.raw' in a else None
    return mem, cpus, info

want = seen(first)
if not want[1] or not any(want[1][0].values()):
    sys.exit('%s: libkdumpfile reads no registers' % first)
for path in rest:
    got = seen(path)
    for (pa, n), w, g in zip(ranges, want[0], got[0]):
        if w != g:
            sys.exit('%s: the memory at %#x differs' % (path, pa))
    if got[1] != want[1]:
        sys.exit('%s: registers %s, not %s' % (path, got[1], want[1]))
    if got[2] != want[2]:
        sys.exit('%s: VMCOREINFO %r, not %r' % (path, got[2], want[2]))
print('%d ranges, %d CPUs' % (len(ranges), len(want[1])))
EOF
}

# Sets the field of FMT (struct's, little-endian) at OFFSET of FILE.
patch() { # FILE OFFSET FMT VALUE
	"$SYSPY" -c 'import struct, sys
f = open(sys.argv[1], "r+b"); d = bytearray(f.read())
struct.pack_into("<" + sys.argv[3], d, int(sys.argv[2], 0), int(sys.argv[4], 0))
f.seek(0); f.write(d)' "$@"
}

# vmc-unpack FILE fails, exit 1, saying MESSAGE; vmc-pack after it writes
# nothing.
unpacks_to_nothing() { # FILE MESSAGE [VMC-UNPACK OPTION]...
	mkdir -p out
	run bash -c 'vmc-unpack "${@:2}" "$1" >/dev/null' _ "$1" "${@:3}"
	assert_failure 1
	assert_output "vmc-unpack: $2"
	run bash -c 'vmc-unpack "${@:2}" "$1" | vmc-pack -o out/vmcore' _ "$1" "${@:3}"
	assert_failure 1
	assert_line --index 0 "vmc-unpack: $2"
	assert_line --index 1 "vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)"
	run ls -A out
	assert_output ''
}

@test "vmc-unpack: every ELF dump of the specs packs back into the same file, read from the file and from a pipe" {
	local spec name args n=0
	for spec in "$TESTS"/specs/*.spec; do
		name=${spec##*/}
		[ "$(spec_fact "$name" format)" = elf ] || continue
		build_spec "$name"
		mapfile -t args < <(spec_fact "$name" pack-args | sed '/^$/d')
		vmc-unpack "$DUMP" | vmc-pack -o again "${args[@]}"
		cmp "$DUMP" again || fail "$name: not the same file"
		cat "$DUMP" | vmc-unpack - | vmc-pack -o again "${args[@]}"
		cmp "$DUMP" again || fail "$name: not the same file from a pipe"
		rm -r "${DUMP%/vmcore}" again
		n=$((n + 1))
	done
	[ "$n" -ge 16 ] || fail "only $n ELF specs"
}

@test "vmc-unpack: /proc/vmcore's kernel text is folded into the direct map, and libkdumpfile reads the same from what vmc-pack makes of it" {
	build_core vmcore vmcore
	run bash -c 'vmc-unpack vmcore 2>&1 >stream'
	assert_success
	assert_output "vmc-unpack: warning: vmcore: PT_LOAD 1 (phys 0x1000000-0x11fffff, virt 0xffffffff81000000) is the same memory as PT_LOAD 3: folded"
	run vmc-cat <stream
	assert_line "alias phys 0x1000000 virt 0xffffffff81000000 length 0x200000"
	vmc-pack -o out.elf <stream
	SOURCE_DATE_EPOCH=1700000000 vmc-pack --format kdump -o out.kdump <stream
	SOURCE_DATE_EPOCH=1700000000 vmc-pack --format kdump --compress zstd --dump-level 0 -o out.zstd <stream
	run same_to_libkdumpfile vmcore out.elf out.kdump out.zstd
	assert_success
	assert_output "3 ranges, 2 CPUs"
	# one PT_LOAD per RAM range, the text folded, and the text's mapping
	# kept as a PT_LOAD over the direct map's bytes, which drgn needs
	run eu-readelf -l out.elf
	assert_line --regexp '^  LOAD +0x[0-9a-f]+ 0xffff888000001000 0x0000000000001000 0x09e400 0x09e400 RWE 0x0$'
	assert_line --regexp '^  LOAD +0x[0-9a-f]+ 0xffff888000100000 0x0000000000100000 0x1f00123 0x1f00123 RWE 0x0$'
	assert_line --regexp '^  LOAD +0x[0-9a-f]+ 0xffffffff81000000 0x0000000001000000 0x200000 0x200000 RWE 0x0$'
	[ "$(grep -c '^  LOAD' <<<"$output")" -eq 3 ]
	text=$(awk '$3 == "0xffffffff81000000" { print $2 }' <<<"$output")
	ram=$(awk '$3 == "0xffff888000100000" { print $2 }' <<<"$output")
	[ -n "$ram" ] && [ $((text)) -eq $((ram + 0x1000000 - 0x100000)) ]
	run crash --osrelease out.elf
	assert_success
	assert_output 6.1.0
}

@test "vmc-unpack: PT_LOADs that map the same memory with different bytes are an error naming both" {
	build_core vmcore vmcore differ
	unpacks_to_nothing vmcore "vmcore: at byte 82757: PT_LOAD 1 (phys 0x1000000-0x11fffff, virt 0xffffffff81000000) and PT_LOAD 3 (phys 0x100000-0x2000122, virt 0xffff888000100000) map the same memory, but their bytes differ at phys 0x1012345"
}

@test "vmc-unpack: PT_LOADs that map the same memory cannot be folded from a pipe" {
	build_core vmcore vmcore
	run bash -c 'cat vmcore | vmc-unpack - >/dev/null'
	assert_failure 1
	assert_output "vmc-unpack: stdin: folding its overlapping PT_LOADs, which reads their bytes twice, which a pipe cannot give; save it to a file and read that"
}

@test "vmc-unpack: a QEMU 7.2 dump (section headers at 0x40, e_ehsize 8, p_vaddr 0) reads as libkdumpfile reads it, from a file or a pipe" {
	build_core qemu guest.elf
	run bash -c 'vmc-unpack guest.elf 2>&1 >stream'
	assert_success
	assert_output ''
	vmc-pack -o out.elf <stream
	SOURCE_DATE_EPOCH=1700000000 vmc-pack --format kdump -o out.kdump <stream
	cat guest.elf | vmc-unpack - | vmc-pack -o piped.elf
	cmp out.elf piped.elf
	run same_to_libkdumpfile guest.elf out.elf out.kdump
	assert_success
	assert_output "3 ranges, 2 CPUs"
	# the QEMU notes pass as they are
	run readelf -n out.elf
	assert_line --regexp '^  QEMU +0x000001b8	Unknown note type: \(0x00000000\)$'
	[ "$(grep -c '^  QEMU' <<<"$output")" -eq 2 ]
}

@test "vmc-unpack: a dump truncated anywhere fails with where it ends, and vmc-pack after it writes nothing" {
	build_spec main.spec
	head -c 40 "$DUMP" >cut
	unpacks_to_nothing cut "cut: truncated: it ends at byte 40, inside the ELF header"
	head -c 300 "$DUMP" >cut
	unpacks_to_nothing cut "cut: at byte 56: 6 program headers: 336 bytes at byte 64 run past the end of the file (300 bytes)"
	head -c 4196 "$DUMP" >cut
	unpacks_to_nothing cut "cut: at byte 64: PT_NOTE 0: 2728 bytes at byte 4096 run past the end of the file (4196 bytes)"
	head -c 28672 "$DUMP" >cut
	unpacks_to_nothing cut "cut: truncated: it ends at byte 28672, inside PT_LOAD 1 (phys 0x100000-0x19ffff, virt 0x100000), whose bytes run to byte 663552"
	# from a pipe, the end is known when it comes
	run bash -c 'head -c 28672 "$1" | vmc-unpack - | vmc-pack -o out/vmcore' _ "$DUMP"
	assert_failure 1
	assert_line --index 0 "vmc-unpack: stdin: truncated: it ends at byte 28672, inside a segment"
	run bash -c 'head -c 4196 "$1" | vmc-unpack - | vmc-pack -o out/vmcore' _ "$DUMP"
	assert_failure 1
	assert_line --index 0 "vmc-unpack: stdin: truncated: it ends at byte 4196, inside the notes of PT_NOTE 0"
	run ls -A out
	assert_output ''
}

@test "vmc-unpack: absurd headers fail naming the field's offset" {
	build_spec main.spec
	cp "$DUMP" bad
	patch bad 56 H 0xfffe
	unpacks_to_nothing bad "bad: at byte 56: 65534 program headers: 3669904 bytes at byte 64 run past the end of the file (2326528 bytes)"
	cp "$DUMP" bad
	patch bad 54 H 32
	unpacks_to_nothing bad "bad: at byte 54: e_phentsize 32: not the 56 bytes of an ELF64 program header"
	# p_offset + p_filesz of PT_LOAD 2 past the end
	cp "$DUMP" bad
	patch bad $((64 + 2 * 56 + 8)) Q 0x230000
	unpacks_to_nothing bad "bad: truncated: it ends at byte 2326528, inside PT_LOAD 2 (phys 0x1000000-0x117ffff, virt 0x1000000), whose bytes run to byte 3866624"
	# a note that runs past its PT_NOTE
	cp "$DUMP" bad
	patch bad $((64 + 32)) Q 0xaa0
	run bash -c 'vmc-unpack bad >/dev/null'
	assert_failure 1
	assert_output --regexp '^vmc-unpack: bad: at byte [0-9]+: a note of [0-9]+ bytes in the [0-9]+ left of the notes$'
	unpacks_to_nothing bad "${output#vmc-unpack: }"
}

@test "vmc-unpack: --keep-going keeps what a truncated dump holds, and says what it left out" {
	build_spec main.spec
	head -c 28672 "$DUMP" >cut
	run bash -c 'vmc-unpack --keep-going cut 2>&1 >stream'
	assert_success
	assert_line --index 0 "vmc-unpack: warning: cut: truncated: it ends at byte 28672, inside PT_LOAD 1 (phys 0x100000-0x19ffff, virt 0x100000), whose bytes run to byte 663552; 634880 bytes at 0x105000 left out"
	assert_line --index 1 --regexp '^vmc-unpack: warning: cut: truncated: it ends at byte 28672, before PT_LOAD 2 '
	assert_line --index -1 "vmc-unpack: warning: 2290625 bytes could not be read and were left out"
	# what is left is the dump cut to the bytes before the end
	vmc-pack -o salvaged <stream
	vmc-unpack --phys 0x100000+0x5000 "$DUMP" | vmc-pack -o want
	cmp want salvaged
}

# ==== kdump-compressed and flattened files ====

# vmc-unpack: kdump-compressed and flattened files, ours and those
# makedumpfile and QEMU write, from files and pipes: our own come back
# byte for byte through vmc-pack; of the others libkdumpfile reads the
# same memory, registers and VMCOREINFO from the original and from what
# vmc-unpack | vmc-pack makes of it; damaged files are refused with the
# file, the byte and the problem.


kdump_files() {
	# mem.py DUMP [KDUMP]: one line per run of pages a kdump-compressed
	# file (DUMP, or KDUMP) has in its bitmap of pages dumped: where, and a
	# digest of the bytes libkdumpfile reads there of DUMP
	cat >"$BATS_FILE_TMPDIR/mem.py" <<'EOF'
import hashlib, kdumpfile, struct, sys

def dumped_runs(path):
    d = open(path, 'rb').read()
    e = '<' if struct.unpack_from('<I', d, 428)[0] in (4096, 16384, 65536) else '>'
    version, = struct.unpack_from(e + 'i', d, 8)
    block, sub, blocks, mapnr = struct.unpack_from(e + 'iiII', d, 428)
    if version >= 6:
        mapnr, = struct.unpack_from(e + 'Q', d, block + 96)
    at = (1 + sub) * block + (blocks // 2 * block if mapnr <= blocks // 2 * block * 8 else 0)
    run = None
    for i, byte in enumerate(d[at:at + (mapnr + 7) // 8]):
        # whole bytes that go on as the bits before them
        if byte == (0 if run is None else 255):
            continue
        for b in range(8):
            if byte >> b & 1 and run is None:
                run = i * 8 + b
            elif not byte >> b & 1 and run is not None:
                yield run * block, (i * 8 + b) * block
                run = None
    if run is not None:
        yield run * block, mapnr * block

k = kdumpfile.kdumpfile(sys.argv[1])
for start, end in dumped_runs(sys.argv[-1]):
    data = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, start, end - start))
    print('%#x-%#x %s' % (start, end - 1, hashlib.sha256(data).hexdigest()[:16]))
EOF
	# facts.py DUMP: what libkdumpfile tells of its CPUs and VMCOREINFO
	cat >"$BATS_FILE_TMPDIR/facts.py" <<'EOF'
import hashlib, kdumpfile, sys
a = kdumpfile.kdumpfile(sys.argv[1]).attr
print('arch', a['arch.name'] if 'arch.name' in a else '-')
print('vmcoreinfo', hashlib.sha256(bytes(a['linux.vmcoreinfo.raw'])).hexdigest()[:16]
      if 'linux.vmcoreinfo.raw' in a else '-')
for i in range(a['cpu.number'] if 'cpu.number' in a else 0):
    c = a['cpu'][str(i)]
    print('cpu', i, 'pid', c['pid'], ' '.join('%s=%#x' % (r, c['reg'][r]) for r in ('rip', 'rsp', 'rflags')))
EOF
	# kernel.py DIR: the memory of a machine as makedumpfile -d 31 wants
	# it, for tests/specs/x86_64.vmcoreinfo: page tables at init_top_pgt
	# (1 GiB pages for the kernel and the direct map, a 2 MiB one for the
	# vmemmap), the utsname at init_uts_ns, node 0 online, mem_section's
	# roots pointing at section 0's struct pages; and 64 pages under test
	# from 1 MiB, whose struct pages make every eighth a cache page, or
	# a user page, or a free page, or a zero page
	cat >"$BATS_FILE_TMPDIR/kernel.py" <<'EOF'
import hashlib, os, struct, sys
PAGE, DIRECT = 4096, 0xffff888000000000
segs = {0x100000: bytearray(64 * PAGE), 0x2600000: bytearray(0x600000),
        0x3000000: bytearray(0x200000), 0x13fff9000: bytearray(5 * PAGE)}
def put(addr, data):
    for base, buf in segs.items():
        if base <= addr and addr + len(data) <= base + len(buf):
            buf[addr - base:addr - base + len(data)] = data
            return
    raise SystemExit('no segment holds %#x' % addr)
def q(addr, v): put(addr, struct.pack('<Q', v % (1 << 64)))
P, PSE, pgd = 0x63, 0xe3, 0x260a000
q(pgd + 8 * 511, 0x260b000 | P); q(0x260b000 + 8 * 510, PSE)
q(pgd + 8 * 273, 0x260c000 | P)
for i in range(8):
    q(0x260c000 + 8 * i, i << 30 | PSE)
q(pgd + 8 * 468, 0x260d000 | P); q(0x260d000, 0x260e000 | P); q(0x260e000, 0x3000000 | PSE)
uts = [b'Linux', b'kdl-test', b'6.1.0-18-amd64', b'#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1', b'x86_64', b'(none)']
put(0x2a13100, b''.join(s.ljust(65, b'\0') for s in uts))
q(0x2b4d8e8, 1)
q(0x2b4a8e0, DIRECT + 0x2b00000)
q(0x2b00000 + 174072, 0x140000)
q(0x2a6e5b0, 0xffffffff82a6e5b0); q(0x2a6e5b8, 0xffffffff82a6e5b0)
q(0x13fff9000, DIRECT + 0x13fffd000)
q(0x13fffd000, 0xffffea0000000000 | 3)
kinds = ['kernel', 'zero', 'cache', 'user', 'free', 'kernel', 'cache', 'kernel']
for i in range(64):
    pfn, kind = 0x100 + i, kinds[i % 8]
    if kind != 'zero':
        noise = (hashlib.sha256(b'%d' % i).digest() * 128)[:PAGE // 2]
        put(pfn * PAGE, (noise + b'%s page %d ' % (kind.encode(), i) * 200)[:PAGE])
    page = 0x3000000 + pfn * 64
    if kind == 'cache':
        q(page, 1 << 4); q(page + 24, DIRECT + 0x2b40000)
    elif kind == 'user':
        q(page, 1 << 4 | 1 << 19); q(page + 24, DIRECT + 0x2b40001)
    elif kind == 'free':
        put(page + 48, struct.pack('<i', -129))
for base, buf in segs.items():
    open(os.path.join(sys.argv[1], 'seg-%x' % base), 'wb').write(buf)
EOF
	local d=$BATS_FILE_TMPDIR
	"$SYSPY" "$d/kernel.py" "$d" || return 1
	# its ELF dump, with VMCOREINFO, and one without it (of the same
	# memory but the page tables, which makedumpfile then does not read)
	{ vmc-note --vmcoreinfo "$TESTS/specs/x86_64.vmcoreinfo" </dev/null 2>/dev/null |
		vmc-seg --phys 0x100000 "$d/seg-100000" | vmc-seg --phys 0x2600000 "$d/seg-2600000" |
		vmc-seg --phys 0x3000000 "$d/seg-3000000" | vmc-seg --phys 0x13fff9000 "$d/seg-13fff9000" |
		vmc-prstatus --cpu 0 --pid 1 rip=0xffffffff81001234 rsp=0xffff888000010000 rflags=0x246 |
		vmc-prstatus --cpu 1 --pid 2 rip=0xffffffff81005678 rsp=0xffff888000020000 |
		vmc-pack -o "$d/kernel.elf"; } || return 1
	vmc-seg --phys 0x100000 "$d/seg-100000" </dev/null |
		vmc-prstatus --cpu 0 --pid 1 rip=0xffffffff81001234 rsp=0xffff888000010000 rflags=0x246 |
		vmc-pack -o "$d/plain.elf" || return 1
	# the dumps of the specs whose format is kdump (or flat), built once,
	# and vmc-pack's options for each
	local spec name
	mkdir "$d/specs"
	for spec in "$TESTS"/specs/*.spec; do
		name=${spec##*/}
		case $(spec_fact "$name" format) in kdump | flat) ;; *) continue ;; esac
		"$SYSPY" "$CHECK" build "$spec" "$d/specs/${name%.spec}" >/dev/null || return 1
		spec_fact "$name" pack-args >"$d/specs/${name%.spec}/pack-args"
	done
}

mem_of() { # DUMP [KDUMP]
	"$SYSPY" "$BATS_FILE_TMPDIR/mem.py" "$@"
}

facts_of() { # DUMP
	"$SYSPY" "$BATS_FILE_TMPDIR/facts.py" "$1"
}

export SOURCE_DATE_EPOCH=1700000000

# The dumps of the kdump specs, as setup_file built them
kdump_dumps() {
	ls -d "$BATS_FILE_TMPDIR"/specs/*/
}

# vmc-unpack | vmc-pack of the dump in DIR (from a pipe with -) gives it
# again byte for byte.
same_again() { # DIR [-]
	local args DUMP=$1/vmcore
	mapfile -t args <"$1/pack-args"
	if [ "${2:-}" = - ]; then
		run bash -c 'cat "$1" | vmc-unpack - | vmc-pack "${@:2}" -o again' _ "$DUMP" "${args[@]}"
	else
		run bash -c 'vmc-unpack "$1" | vmc-pack "${@:2}" -o again' _ "$DUMP" "${args[@]}"
	fi
	assert_success
	run cmp "$DUMP" again
	assert_success
}

# Another producer's kdump-compressed FILE (or the parts of it, or another
# form of it, given after it) unpacked and packed in both formats,
# ours.kdump and ours.elf: libkdumpfile reads the same memory from FILE
# and from each.
same_memory() { # FILE [INPUT...]
	local want ref=$1
	[ $# -gt 1 ] && shift
	run bash -c 'vmc-unpack "$@" | vmc-pack --format kdump -o ours.kdump' _ "$@"
	assert_success
	run bash -c 'vmc-unpack "$@" | vmc-pack -o ours.elf' _ "$@"
	assert_success
	run mem_of "$ref"
	assert_success
	want=$output
	[ -n "$want" ]
	run mem_of ours.kdump
	assert_output "$want"
	run mem_of ours.elf "$ref"
	assert_output "$want"
}

# The same, and libkdumpfile reads the same CPUs and VMCOREINFO from FILE
# and ours.kdump.
same_dump() { # FILE [INPUT...]
	local want
	same_memory "$@"
	run facts_of "$1"
	want=$output
	run facts_of ours.kdump
	assert_output "$want"
}

# ---- our own files, byte for byte ----

@test "vmc-unpack | vmc-pack gives every kdump spec's dump again, byte for byte" {
	local dir
	[ "$(kdump_dumps | wc -l)" -ge 20 ]
	for dir in $(kdump_dumps); do
		same_again "$dir" || { echo "not the same: $dir"; return 1; }
	done
}

@test "vmc-unpack gives back a dump's metadata and annotations as lines that vmc-note adds to, in each format" {
	head -c 65536 /dev/urandom >mem
	for format in elf kdump; do
		vmc-seg --phys 0x100000 mem </dev/null |
			vmc-note --metadata collector=tests --annotation hostname=web-7 |
			vmc-pack --format $format -o first
		run bash -c 'vmc-unpack first | vmc-cat | grep -E "^(metadata|annotation|note)"'
		assert_output "metadata KDUMPLING collector=tests
annotation KDUMPLING hostname=web-7"
		# packed again with a line more: one note of each kind, all lines in it
		vmc-unpack first | vmc-note --annotation case=42 | vmc-pack --format $format -o again
		run bash -c 'vmc-unpack again | vmc-cat | grep -E "^(metadata|annotation|note)"'
		assert_output "metadata KDUMPLING collector=tests
annotation KDUMPLING case=42
annotation KDUMPLING hostname=web-7"
		if [ $format = elf ]; then
			run bash -c 'eu-readelf -n again | grep -c "^  KDUMPLING  *[0-9]*  <unknown>: 1262767106$"'
			assert_output 1
		fi
		# the same key again with another value is seen, not kept twice
		run bash -c 'vmc-unpack first | vmc-note --annotation hostname=db-1 | vmc-pack --format '$format' -o third'
		assert_failure 1
		assert_output "vmc-pack: hostname is given twice, as 'db-1' and as 'web-7'"
		[ ! -e third ]
		# unless the old lines are dropped first
		vmc-unpack first | vmc-note --drop KDUMPLING:0x4b444c02 --annotation hostname=db-1 |
			vmc-pack --format $format -o third
		run bash -c 'vmc-unpack third | vmc-cat | grep -E "^(metadata|annotation|note)"'
		assert_output "metadata KDUMPLING collector=tests
annotation KDUMPLING hostname=db-1"
		rm -f first again third
	done
}

@test "vmc-unpack reads our kdump and flattened files from a pipe: the same bytes again" {
	local spec
	for spec in kdump-zlib-1 kdump-none-0 kdump-flat arch-s390x-kdump kdump-page-size; do
		same_again "$BATS_FILE_TMPDIR/specs/$spec" - || { echo "not the same: $spec"; return 1; }
	done
}

@test "vmc-unpack reads vmc-pack -o - as it comes, through a pipe" {
	DUMP=$BATS_FILE_TMPDIR/specs/kdump-zstd-1/vmcore
	run bash -c 'vmc-unpack "$1" | vmc-pack --format kdump -o - | vmc-unpack - | vmc-pack --format kdump --compress zstd --level -5 -o again' _ "$DUMP"
	assert_success
	run cmp "$DUMP" again
	assert_success
}

@test "vmc-unpack turns every kdump spec's dump into ELF with the same memory" {
	local dir want
	for dir in $(kdump_dumps); do
		run bash -c 'vmc-unpack "$1" | vmc-pack -o elf' _ "$dir/vmcore"
		assert_success
		# libkdumpfile 0.5.1 reads no flattened file
		grep -qx -- --flat "$dir/pack-args" && continue
		run mem_of "$dir/vmcore"
		assert_success
		want=$output
		run mem_of elf "$dir/vmcore"
		assert_success
		assert_output "$want"
	done
}

# ---- makedumpfile's files ----

@test "vmc-unpack reads makedumpfile -c, -l and uncompressed: the same memory, CPUs and VMCOREINFO" {
	local flag
	for flag in -c -l ''; do
		rm -f md
		run makedumpfile $flag -d 1 --message-level 1 "$BATS_FILE_TMPDIR/kernel.elf" md
		assert_success
		same_dump md
	done
	run facts_of md
	assert_line "arch x86_64"
	assert_line "cpu 0 pid 1 rip=0xffffffff81001234 rsp=0xffff888000010000 rflags=0x246"
	assert_line "cpu 1 pid 2 rip=0xffffffff81005678 rsp=0xffff888000020000 rflags=0x0"
	refute_line "vmcoreinfo -"
}

@test "vmc-unpack reads makedumpfile -p and -z, where this makedumpfile has them" {
	local flag name
	for flag in -p -z; do
		name=$([ "$flag" = -p ] && echo snappy || echo zstd)
		makedumpfile -v 2>&1 | grep -q "^$name[[:space:]]*enabled" || continue
		rm -f md
		run makedumpfile $flag -d 1 --message-level 1 "$BATS_FILE_TMPDIR/kernel.elf" md
		assert_success
		same_dump md
	done
	makedumpfile -v 2>&1 | grep -qE '^(snappy|zstd)[[:space:]]*enabled' || skip "makedumpfile $(makedumpfile -v 2>&1 | sed -n 's/.*version \([^ ]*\).*/\1/p') has neither snappy nor zstd"
}

@test "vmc-unpack reads makedumpfile -d 31: the pages it left out stay out" {
	run makedumpfile -c -d 31 --message-level 1 "$BATS_FILE_TMPDIR/kernel.elf" md
	assert_success
	same_dump md
	# of the 64 pages under test: 8 cache, 8 user, 8 free pages gone; the
	# 8 zero pages are kept, as ZERO
	run bash -c 'vmc-unpack md | vmc-cat | grep "^segment phys 0x1[0-3]"'
	assert_success
	assert_equal "${#lines[@]}" 17
	assert_line --index 0 "segment phys 0x100000 virt 0x100000 length 0x2000: data 0x1000, zero 0x1000 in 2 records"
	assert_line --index 1 "segment phys 0x105000 virt 0x105000 length 0x1000: data 0x1000, zero 0x0 in 1 record"
	run bash -c 'vmc-unpack md | vmc-cat | tail -1'
	assert_output "end: records 83, segments 19, memory 0x820000 (8.1 MiB), cpus 2"
	# and from a pipe, as it is laid out
	run bash -c 'vmc-unpack md | vmc-pack --format kdump -o want && cat md | vmc-unpack - | vmc-pack --format kdump -o got && cmp want got'
	assert_success
}

@test "vmc-unpack reads makedumpfile -F from a file and from a pipe" {
	run bash -c 'makedumpfile -F -c -d 31 --message-level 0 "$1" >md.flat' _ "$BATS_FILE_TMPDIR/kernel.elf"
	assert_success
	run makedumpfile -c -d 31 --message-level 0 "$BATS_FILE_TMPDIR/kernel.elf" md
	assert_success
	same_memory md
	run bash -c 'vmc-unpack md | vmc-pack --format kdump -o want'
	assert_success
	run bash -c 'vmc-unpack md.flat | vmc-pack --format kdump -o got'
	assert_success
	run cmp want got
	assert_success
	rm got
	run bash -c 'makedumpfile -F -l -d 31 --message-level 0 "$1" | vmc-unpack - | vmc-pack --format kdump -o got' _ "$BATS_FILE_TMPDIR/kernel.elf"
	assert_success
	run cmp want got
	assert_success
}

@test "vmc-unpack refuses makedumpfile -E -F from a pipe: its program headers come again at the end" {
	run bash -c 'makedumpfile -E -F -d 31 --message-level 0 "$1" >e.flat' _ "$BATS_FILE_TMPDIR/kernel.elf"
	assert_success
	run bash -c 'makedumpfile -E -d 31 --message-level 0 "$1" e.elf' _ "$BATS_FILE_TMPDIR/kernel.elf"
	assert_success
	run bash -c 'vmc-unpack e.flat | vmc-pack -o from-flat && vmc-unpack e.elf | vmc-pack -o from-elf && cmp from-flat from-elf'
	assert_success
	mkdir out
	run bash -c 'cat e.flat | vmc-unpack - 2>err | vmc-pack -o out/vmcore 2>/dev/null; echo ${PIPESTATUS[1]}; cat err'
	assert_line --index 0 1
	assert_line --regexp '^vmc-unpack: stdin: the record at byte [0-9]+ writes bytes 64 to [0-9]+ again after they were read, which a pipe cannot give; save it to a file and read that$'
	run ls -A out
	assert_output ''
}

@test "vmc-unpack reads the parts of makedumpfile --split given together, in any order" {
	run makedumpfile -c -d 31 --message-level 0 "$BATS_FILE_TMPDIR/kernel.elf" md
	assert_success
	run makedumpfile --split -c -d 31 --message-level 0 "$BATS_FILE_TMPDIR/kernel.elf" part1 part2
	assert_success
	run bash -c 'vmc-unpack md | vmc-pack --format kdump -o want'
	assert_success
	run bash -c 'vmc-unpack part1 part2 | vmc-pack --format kdump -o got'
	assert_success
	run cmp want got
	assert_success
	rm got
	run bash -c 'vmc-unpack part2 part1 | vmc-pack --format kdump -o got'
	assert_success
	run cmp want got
	assert_success
	same_dump md part1 part2
}

@test "vmc-unpack refuses a part of makedumpfile --split alone, or with a part of another dump" {
	run makedumpfile --split -c -d 31 --message-level 0 "$BATS_FILE_TMPDIR/kernel.elf" part1 part2
	assert_success
	run makedumpfile --split -c -d 1 --message-level 0 "$BATS_FILE_TMPDIR/kernel.elf" other1 other2
	assert_success
	run bash -c 'vmc-unpack part2 >/dev/null'
	assert_failure 2
	assert_line --index 0 --regexp '^vmc-unpack: no part given holds the pages from 0x0 to 0x[0-9a-f]+ \(before part2\): give every part of the makedumpfile --split dump$'
	run bash -c 'vmc-unpack part1 other2 >/dev/null'
	assert_failure 2
	assert_line --index 0 "vmc-unpack: part1 and other2 are not parts of one dump: their sub headers differ in phys_base, dump_level or max_mapnr_64"
	run makedumpfile -c -d 31 --message-level 0 "$BATS_FILE_TMPDIR/kernel.elf" md
	assert_success
	run bash -c 'vmc-unpack part1 md >/dev/null'
	assert_failure 2
	assert_line --index 0 "vmc-unpack: md is a whole dump, not a part of a makedumpfile --split dump: it is read alone"
}

@test "vmc-unpack names the machine from NT_PRSTATUS when makedumpfile leaves the utsname empty" {
	run makedumpfile -c -d 1 --message-level 1 "$BATS_FILE_TMPDIR/plain.elf" md
	assert_success
	run facts_of md
	assert_line "arch -"
	run bash -c 'vmc-unpack md | vmc-cat | head -2'
	assert_line --index 1 "arch x86_64"
	run bash -c 'vmc-unpack md | vmc-pack --format kdump -o ours.kdump'
	assert_success
	run facts_of ours.kdump
	assert_line "arch x86_64"
	assert_line "cpu 0 pid 1 rip=0xffffffff81001234 rsp=0xffff888000010000 rflags=0x246"
	same_memory md
}

# ---- QEMU's ----

# QEMU's dump-guest-memory of a guest stopped before it ran (-S), RAM from
# 2 MiB holding $BATS_TEST_TMPDIR/blob: FORMAT into FILE
qemu_dump() { # FORMAT FILE
	"$SYSPY" - "$@" <<'EOF'
import json, os, socket, subprocess, sys, time
sock = os.path.abspath('qmp.sock')
q = subprocess.Popen(['qemu-system-x86_64', '-S', '-m', '32', '-display', 'none', '-nodefaults',
                      '-device', 'loader,file=blob,addr=0x200000',
                      '-qmp', 'unix:%s,server=on,wait=off' % sock])
for _ in range(100):
    if os.path.exists(sock):
        break
    time.sleep(0.05)
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
f = s.makefile('rw')
def cmd(c, **a):
    f.write(json.dumps({'execute': c, 'arguments': a}) + '\n')
    f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            return r
f.readline()
cmd('qmp_capabilities')
r = cmd('dump-guest-memory', paging=False, protocol='file:' + os.path.abspath(sys.argv[2]), format=sys.argv[1])
cmd('quit')
q.wait()
sys.exit('QEMU: %s' % r['error']['desc'] if 'error' in r else 0)
EOF
}

@test "vmc-unpack reads QEMU's flattened kdump-zlib, from a file and from a pipe" {
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	"$SYSPY" -c 'import hashlib, sys
page = lambda i: (hashlib.sha256(b"%d" % i).digest() * 128 if i % 3 else b"guest page %d " % i * 400)[:4096]
sys.stdout.buffer.write(b"".join(page(i) if i % 5 else bytes(4096) for i in range(256)))' >blob
	run qemu_dump kdump-zlib qemu.flat
	assert_success
	# its vCPUs, stopped at reset, are not in 64-bit mode: QEMU writes
	# i386's NT_PRSTATUS under the x86_64 machine
	run bash -c 'vmc-unpack qemu.flat >/dev/null'
	assert_failure 1
	assert_output --partial "vmc-unpack: qemu.flat (reassembled): at byte 4200: NT_PRSTATUS of 144 bytes: x86_64's has 336"
	# with those notes of another type, the rest reads
	"$SYSPY" - <<'EOF'
import struct
d = bytearray(open('qemu.flat', 'rb').read())
pos = 4096
while True:
    off, size = struct.unpack_from('>qq', d, pos)
    if off < 0:
        break
    if off <= 4200 < off + size:
        n = pos + 16 + 4200 - off
        while n < pos + 16 + size:
            namesz, descsz, typ = struct.unpack_from('<III', d, n)
            if namesz == 0:
                break
            if typ == 1:
                struct.pack_into('<I', d, n + 8, 0x4b444d01)
            n += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    pos += 16 + size
open('qemu2.flat', 'wb').write(d)
EOF
	run makedumpfile -R qemu.kdump <qemu2.flat
	assert_success
	run bash -c 'vmc-unpack qemu2.flat | vmc-pack --format kdump -o want'
	assert_success
	run bash -c 'cat qemu2.flat | vmc-unpack - | vmc-pack --format kdump -o got'
	assert_success
	run cmp want got
	assert_success
	run bash -c 'vmc-unpack qemu.kdump | vmc-pack --format kdump -o got2'
	assert_success
	run cmp want got2
	assert_success
	same_memory qemu.kdump
	run "$SYSPY" -c 'import kdumpfile as K
k = K.kdumpfile("ours.kdump")
print(bytes(k.read(K.KDUMP_MACHPHYSADDR, 0x200000, 256 * 4096)) == open("blob", "rb").read())'
	assert_output True
	# QEMU's utsname has no sysname: libkdumpfile names no architecture
	# for its file, and x86_64 for ours
	run facts_of qemu.kdump
	assert_line "arch -"
	run facts_of ours.kdump
	assert_line "arch x86_64"
}

# ---- pipes ----

@test "vmc-unpack asks for a file when a kdump file's pages come before those already read" {
	DUMP=$BATS_FILE_TMPDIR/specs/kdump-none-0/vmcore
	# the first two pages' data swapped, and their descriptors
	"$SYSPY" - "$DUMP" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
sub, bitmaps = struct.unpack_from('<iI', d, 432)
descs = (1 + sub + bitmaps) * 4096
(a, sa), (b, sb) = struct.unpack_from('<QI', d, descs), struct.unpack_from('<QI', d, descs + 24)
assert sa == sb == 4096 and b == a + 4096
d[a:a + 4096], d[b:b + 4096] = d[b:b + 4096], d[a:a + 4096]
struct.pack_into('<Q', d, descs, b)
struct.pack_into('<Q', d, descs + 24, a)
open('swapped', 'wb').write(d)
print(descs + 24, a)
EOF
	run bash -c 'vmc-unpack swapped | vmc-pack --format kdump --compress none --dump-level 0 -o again'
	assert_success
	run cmp "$DUMP" again
	assert_success
	read -r desc at < <("$SYSPY" -c 'import struct,sys; d=open("swapped","rb").read(); s,b=struct.unpack_from("<iI",d,432); o=(1+s+b)*4096; print(o+24, struct.unpack_from("<Q",d,o+24)[0])')
	mkdir out
	run bash -c 'cat swapped | vmc-unpack - 2>err | vmc-pack -o out/vmcore 2>/dev/null; echo ${PIPESTATUS[1]}; cat err'
	assert_line --index 0 1
	assert_line --index 1 "vmc-unpack: stdin: the page descriptor at byte $desc points back to byte $at, which a pipe cannot give; save it to a file and read that"
	run ls -A out
	assert_output ''
}

@test "vmc-unpack reads a sparse kdump file (pages at 0 and 4 TiB) in little memory, from a file and a pipe" {
	head -c 4096 /dev/urandom >page
	vmc-seg --phys 0 page </dev/null | vmc-seg --phys 0x40000000000 page |
		vmc-pack --format kdump -o sparse
	# 2 x 128 MiB of bitmaps, holes but for two blocks
	[ "$(stat -c %s sparse)" -gt 268435456 ]
	run "$SYSPY" - <<'EOF'
import resource, subprocess
def peak(cmd):
    subprocess.run(['bash', '-c', cmd + ' >/dev/null'], check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
small = peak('vmc-seg --phys 0 page </dev/null | vmc-pack --format kdump -o small && vmc-unpack small')
print('file', peak('vmc-unpack sparse') - small < 16384)
print('pipe', peak('cat sparse | vmc-unpack -') - small < 16384)
EOF
	assert_success
	assert_output "file True
pipe True"
	run bash -c 'vmc-unpack sparse | vmc-cat | grep ^segment'
	assert_output "segment phys 0x0 virt 0x0 length 0x1000: data 0x1000, zero 0x0 in 1 record
segment phys 0x40000000000 virt 0x40000000000 length 0x1000: data 0x1000, zero 0x0 in 1 record"
}

# ---- damage ----

# ./dump: the kdump-zlib-1 spec's dump; $BITMAPS and $DESCS: where its
# bitmaps and descriptors begin; $SIZE, its size
damaged_setup() {
	DUMP=$BATS_FILE_TMPDIR/specs/kdump-zlib-1/vmcore
	cp "$DUMP" dump
	read -r BITMAPS DESCS SIZE < <("$SYSPY" -c 'import struct
d = open("dump", "rb").read()
sub, bitmaps = struct.unpack_from("<iI", d, 432)
print(4096 * (1 + sub), 4096 * (1 + sub + bitmaps), len(d))')
	mkdir -p out
}

# Python's bytes of ./dump edited by EXPR (on d, a bytearray) into ./bad
edit() { # EXPR
	"$SYSPY" -c 'import struct, sys
d = bytearray(open("dump", "rb").read())
exec(sys.argv[1])
open("bad", "wb").write(d)' "$1"
}

# vmc-unpack of FILE (- for ./bad through a pipe) fails, exit 1, with
# MESSAGE; vmc-pack after it writes nothing.
refuses_kdump() { # FILE|- MESSAGE [vmc-unpack OPTION]...
	local src=$1 message=$2
	shift 2
	if [ "$src" = - ]; then
		run bash -c 'cat bad | vmc-unpack "$@" - 2>err | vmc-pack -o out/vmcore 2>/dev/null; echo "${PIPESTATUS[1]} ${PIPESTATUS[2]}"; cat err' _ "$@"
	else
		run bash -c 'vmc-unpack "$@" 2>err | vmc-pack -o out/vmcore 2>/dev/null; echo "${PIPESTATUS[0]} ${PIPESTATUS[1]}"; cat err' _ "$@" "$src"
	fi
	assert_line --index 0 "1 1"
	assert_line --index 1 "vmc-unpack: $message"
	assert_equal "${#lines[@]}" 2
	run ls -A out
	assert_output ''
}

@test "vmc-unpack refuses a kdump file cut short in its header, sub header, notes, bitmaps, descriptors or a page" {
	damaged_setup
	head -c 300 dump >bad
	refuses_kdump bad "bad: truncated: it ends at byte 300, inside the header"
	refuses_kdump - "stdin: truncated: it ends at byte 300, inside the header"
	head -c 4150 dump >bad
	refuses_kdump bad "bad: at byte 432: sub_hdr_size 1 puts the sub header's blocks up to byte 8192, past the end of the file (4150 bytes)"
	refuses_kdump - "stdin: truncated: it ends at byte 4150, inside the sub header"
	head -c 4500 dump >bad
	refuses_kdump - "stdin: truncated: it ends at byte 4500, inside the notes"
	head -c $((BITMAPS + 100)) dump >bad
	refuses_kdump bad "bad: at byte 436: bitmap_blocks 2 puts the bitmaps at bytes $BITMAPS to $DESCS, past the end of the file ($((BITMAPS + 100)) bytes)"
	refuses_kdump - "stdin: truncated: it ends at byte $((BITMAPS + 100)), inside the bitmap of pages that exist"
	head -c $((DESCS + 50)) dump >bad
	refuses_kdump bad "bad: truncated: it ends at byte $((DESCS + 50)), inside the page descriptors"
	refuses_kdump - "stdin: truncated: it ends at byte $((DESCS + 50)), inside the page descriptors"
	head -c $((SIZE - 10)) dump >bad
	refuses_kdump - "stdin: truncated: it ends at byte $((SIZE - 10)), inside a page"
}

@test "vmc-unpack refuses a kdump file whose last page is cut short; --keep-going leaves it out and says so" {
	damaged_setup
	head -c $((SIZE - 10)) dump >bad
	run bash -c 'vmc-unpack bad 2>err | vmc-pack --format kdump -o out/vmcore 2>/dev/null; echo "${PIPESTATUS[0]}"; cat err'
	assert_line --index 0 1
	assert_line --index 1 --regexp "^vmc-unpack: bad: at byte [0-9]+: the page at 0x[0-9a-f]+: its descriptor points at bytes [0-9]+ to $SIZE, past the end of the file \\($((SIZE - 10)) bytes\\)\$"
	run bash -c 'vmc-unpack --keep-going bad 2>err | vmc-pack --format kdump -o out/vmcore; echo "${PIPESTATUS[0]}"; cat err'
	assert_line --index 0 0
	assert_line --index 1 --regexp "^vmc-unpack: warning: bad: at byte [0-9]+: the page at 0x[0-9a-f]+: its descriptor points at bytes [0-9]+ to $SIZE, past the end of the file \\($((SIZE - 10)) bytes\\); 4096 bytes at 0x[0-9a-f]+ left out\$"
	assert_line --index 2 "vmc-unpack: warning: 4096 bytes could not be read and were left out"
	[ -f out/vmcore ]
}

@test "vmc-unpack refuses a descriptor that points past the end, or a page that does not decompress; --keep-going leaves them out" {
	local page=0x101000
	damaged_setup
	# the second descriptor: the page at 1 MiB + 4 KiB (counter data)
	edit "struct.pack_into('<Q', d, $DESCS + 24, len(d) + 100)"
	refuses_kdump bad "bad: at byte $((DESCS + 24)): the page at $page: its descriptor points at bytes $((SIZE + 100)) to $((SIZE + 100 + $(od -An -tu4 -j $((DESCS + 32)) -N4 dump))), past the end of the file ($SIZE bytes)"
	edit "o, n = struct.unpack_from('<QI', d, $DESCS + 24); d[o + n // 2] ^= 0xff"
	at=$(od -An -tu8 -j $((DESCS + 24)) -N8 dump | tr -d ' ')
	size=$(od -An -tu4 -j $((DESCS + 32)) -N4 dump | tr -d ' ')
	refuses_kdump bad "bad: at byte $at: the page at $page: its $size bytes of zlib data do not decompress to 4096"
	refuses_kdump - "stdin: at byte $at: the page at $page: its $size bytes of zlib data do not decompress to 4096"
	run bash -c 'vmc-unpack --keep-going bad 2>err | vmc-pack --format kdump -o out/vmcore; echo "${PIPESTATUS[0]}"; cat err'
	assert_line --index 0 0
	assert_line --index 1 "vmc-unpack: warning: bad: at byte $at: the page at $page: its $size bytes of zlib data do not decompress to 4096; 4096 bytes at $page left out"
	assert_line --index 2 "vmc-unpack: warning: 4096 bytes could not be read and were left out"
	# libkdumpfile reads the rest, and not that page
	run "$SYSPY" -c 'import kdumpfile as K, sys
k = K.kdumpfile("out/vmcore")
print(bytes(k.read(K.KDUMP_MACHPHYSADDR, 0x100000, 8)).hex())
try:
    k.read(K.KDUMP_MACHPHYSADDR, 0x101000, 8)
except Exception as e:
    print(e)
print(bytes(k.read(K.KDUMP_MACHPHYSADDR, 0x102000, 8)).hex())'
	assert_success
	assert_output "0000100000000000
Excluded page
0020100000000000"
}

@test "vmc-unpack refuses absurd kdump header sizes: a block size that is no page size, bitmaps past the file, a huge max_mapnr" {
	damaged_setup
	edit "struct.pack_into('<I', d, 428, 6000)"
	refuses_kdump bad "bad: at byte 428: block_size 6000 (1880555520 in the other byte order) is not a page size: a power of two from 4096 to 262144"
	refuses_kdump - "stdin: at byte 428: block_size 6000 (1880555520 in the other byte order) is not a page size: a power of two from 4096 to 262144"
	edit "struct.pack_into('<I', d, 436, 0x10000000)"
	refuses_kdump bad "bad: at byte 436: bitmap_blocks 268435456 puts the bitmaps at bytes $BITMAPS to $((BITMAPS + 0x10000000 * 4096)), past the end of the file ($SIZE bytes)"
	edit "struct.pack_into('<Q', d, 4096 + 96, 1 << 62)"
	refuses_kdump bad "bad: at byte 4192: max_mapnr 4611686018427387904: pages of 4096 bytes that far go past the end of the address space"
	refuses_kdump - "stdin: at byte 4192: max_mapnr 4611686018427387904: pages of 4096 bytes that far go past the end of the address space"
	edit "struct.pack_into('<Q', d, 4096 + 96, 1 << 40)"
	refuses_kdump bad "bad: at byte 436: bitmap_blocks 2 holds 65536 bits, fewer than max_mapnr 1099511627776 pages"
	edit "struct.pack_into('<i', d, 8, -1)"
	refuses_kdump bad "bad: at byte 8: header_version -1"
}

@test "vmc-unpack refuses a flattened file whose records are damaged or cut short" {
	DUMP=$BATS_FILE_TMPDIR/specs/kdump-flat/vmcore
	cp "$DUMP" dump
	mkdir -p out
	head -c 5000 dump >bad
	refuses_kdump bad "bad: truncated: it ends at byte 5000, inside a record"
	refuses_kdump - "stdin: truncated: it ends at byte 5000, inside a record"
	head -c $(($(stat -c %s dump) - 16)) dump >bad
	refuses_kdump bad "bad: truncated: it ends at byte $(($(stat -c %s dump) - 16)), inside a record header (the records end with a marker)"
	refuses_kdump - "stdin: truncated: it ends at byte $(($(stat -c %s dump) - 16)), inside a record header (the records end with a marker)"
	edit "struct.pack_into('>q', d, 4096 + 8, -5)"
	refuses_kdump bad "bad: at byte 4096: a record of -5 bytes at byte 0: records are of at least one byte, within 2^63, and only the end marker has -1"
	refuses_kdump - "stdin: at byte 4096: a record of -5 bytes at byte 0: records are of at least one byte, within 2^63, and only the end marker has -1"
}

# ==== LiME and AVML captures ====

# vmc-unpack: LiME and AVML captures, made here from their published
# layouts (LiME's lime.h, AVML's image.rs), read back through vmc-pack by
# libkdumpfile byte for byte at their physical addresses; and every
# damaged capture refused with the file, the byte and the problem.


# capture.py: the captures and what libkdumpfile must read of them.
# python3-snappy's own framing (StreamCompressor) fails on this python
# (its CRC-32C is an extension built without PY_SSIZE_T_CLEAN), so the
# frames are written here around snappy's raw blocks.
capture_files() {
	cat >"$BATS_FILE_TMPDIR/capture.py" <<'EOF'
"""capture.py make KIND OUT [DAMAGE]: a capture of the memory below, in
KIND lime, avml, raw or padded; prints where its ranges are.
capture.py check DUMP [--padded] [--phys S-E] [--lost S-E]...:
libkdumpfile reads the memory back from DUMP at its physical addresses
(only what --phys keeps), nothing in the gaps (zeros, --padded), and
nothing where bytes were --lost."""
import hashlib, struct, sys

PAGE = 4096


def pattern(n, seed):
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(b'%d-%d' % (seed, i)).digest()
        i += 1
    return bytes(out[:n])


def memory():
    """System RAM as /proc/iomem shows it on x86: the first range ends off
    a page boundary; zero pages, text and noise among them."""
    low = bytearray(pattern(0x9fc00 - 0x1000, 1))
    low[16 * PAGE:48 * PAGE] = bytes(32 * PAGE)
    text = b''.join(b'kernel text line %06d\n' % i for i in range(0x40000 // 24 + 1))[:0x40000]
    mid = text + pattern(0x40000, 2) + bytes(0x40000)
    return [(0x1000, bytes(low)), (0x100000, mid), (0x400000, pattern(0x10000, 3))]


CRC = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC.append(c)


def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = CRC[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(b):
    c = crc32c(b)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


assert crc32c(b'123456789') == 0xE3069283


def chunk(kind, body):
    return struct.pack('<I', kind | len(body) << 8) + body


def frames(data, damage, out, at):
    """snap's FrameEncoder: the stream identifier, then 64 KiB blocks,
    compressed unless that saves less than an eighth."""
    import snappy
    s = chunk(0xff, b'sNaPpY')
    if damage == 'reserved':
        print('reserved chunk at', at + len(s))
        s += chunk(0x02, b'data')
    for i in range(0, len(data), 65536):
        block = data[i:i + 65536]
        z = snappy.compress(block)
        kind, body = (0, z) if len(z) < len(block) - len(block) // 8 else (1, block)
        crc = masked(block)
        if damage == 'crc' and i == 65536:
            print('damaged chunk at', at + len(s), 'stored 0x%08x computed 0x%08x' % (crc ^ 1, crc))
            crc ^= 1
        s += chunk(kind, struct.pack('<I', crc) + body)
    return s


def make(kind, path, damage=None):
    ranges = memory()
    magic, version = (0x4C694D45, 1) if kind in ('lime', 'raw', 'padded') else (0x4C4D5641, 2)
    if damage == 'backwards':
        ranges = [ranges[0], ranges[2], ranges[1]]
    out = bytearray()
    for n, (start, data) in enumerate(ranges):
        last = start + len(data) - 1
        m, v = magic, version
        if n == 1 and damage == 'reversed':
            last = start - 1
        if n == 1 and damage == 'overlap':
            start, last = start - 0x61000, last - 0x61000
        if n == 1 and damage == 'wrong-magic':
            m, v = (0x4C4D5641, 2) if kind == 'lime' else (0x4C694D45, 1)
        if n == 2 and damage == 'absurd':
            last = 0xffffffffffff
        if kind == 'padded':
            out += bytes(start - len(out)) + data
            continue
        if kind != 'raw':
            print('range 0x%x-0x%x header at %d' % (start, last, len(out)))
            out += struct.pack('<IIQQ8x', m, v, start, last)
        if kind == 'avml':
            s = frames(data, damage if n == 1 else None, out, len(out))
            if n == 1 and damage == 'trailer':
                print('trailer at %d is %d says %d' % (len(out) + len(s), len(s), len(s) + 1))
                out += s + struct.pack('<Q', len(s) + 1)
            else:
                out += s + struct.pack('<Q', len(s))
        else:
            out += data
    print('size', len(out))
    open(path, 'wb').write(out)


def check(path, args):
    import kdumpfile
    from kdumpfile.exceptions import NoDataException
    keep, lost = [(0, 2**64 - 1)], []
    padded = args[:1] == ['--padded']
    args = args[padded:]
    while args:
        opt, (s, e) = args[0], [int(x, 0) for x in args[1].split('-')]
        (keep if opt == '--phys' else lost).append((s, e))
        args = args[2:]
    if len(keep) > 1:
        keep = keep[1:]
    k = kdumpfile.kdumpfile(path)
    bad = 0

    def absent(addr, why):
        nonlocal bad
        try:
            k.read(kdumpfile.KDUMP_MACHPHYSADDR, addr, 16)
            print('%#x (%s) should not be there' % (addr, why))
            bad += 1
        except NoDataException:
            pass

    for start, data in memory():
        last = start + len(data) - 1
        for ks, ke in keep:
            s, e = max(start, ks), min(last, ke)
            # what was lost is left out, the rest is there
            cuts = sorted(x for x in lost if x[0] <= e and x[1] >= s)
            at = s
            for ls, le in cuts + [(e + 1, e)]:
                if at < ls:
                    got = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, at, ls - at))
                    if got != data[at - start:ls - start]:
                        print('%#x-%#x differs' % (at, ls - 1))
                        bad += 1
                if ls <= le:
                    absent(ls, 'lost')
                at = max(at, le + 1)
        # the first whole page of each part --phys leaves out
        at = start
        for ks, ke in sorted(keep) + [(last + 1, last + 1)]:
            page = (at + PAGE - 1) & ~(PAGE - 1)
            if page < min(ks, last + 1) and page + PAGE - 1 <= last:
                absent(page, 'cut by --phys')
            at = max(at, ke + 1)
    # not the page before a range: libkdumpfile reads it as zeros once it
    # knows the dump is Linux's
    absent(0x410000, 'past the end')
    for gap in (0xa0000, 0xc0000, 0x1c0000):
        if padded:
            if bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, gap, PAGE)) != bytes(PAGE):
                print('%#x (a gap) is not zeros' % gap)
                bad += 1
        else:
            absent(gap, 'a gap')
    sys.exit(1 if bad else 0)


if sys.argv[1] == 'make':
    make(*sys.argv[2:])
else:
    check(sys.argv[2], sys.argv[3:])
EOF
	# the other end of a TCP connection, as nc -l would give it: the
	# capture sent in pieces of uneven sizes, COMMAND reading the socket
	cat >"$BATS_FILE_TMPDIR/netsend.py" <<'EOF'
import socket, subprocess, sys, threading
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
def send():
    c = socket.create_connection(srv.getsockname())
    data, i, n = open(sys.argv[1], 'rb').read(), 0, 1
    while i < len(data):
        c.sendall(data[i:i + n])
        i, n = i + n, n * 7 % 9973 + 1
    c.close()
threading.Thread(target=send).start()
conn, _ = srv.accept()
sys.exit(subprocess.call(sys.argv[2:], stdin=conn))
EOF
	# the captures undamaged, made once; what `make` said of them in .out
	for kind in lime avml raw padded; do
		capture make $kind "$BATS_FILE_TMPDIR/$kind" >"$BATS_FILE_TMPDIR/$kind.out" || return 1
	done
}

# ./NAME: the undamaged capture of KIND (lime, avml, raw, padded); what
# capture.py said of it in $output and $lines
made() { # KIND [NAME]
	cp "$BATS_FILE_TMPDIR/$1" "${2:-cap}"
	run cat "$BATS_FILE_TMPDIR/$1.out"
}

capture() { # make KIND OUT [DAMAGE] | check DUMP [--phys S-E] [--lost S-E]...
	"$SYSPY" "$BATS_FILE_TMPDIR/capture.py" "$@"
}

NO_VMCOREINFO="holds no VMCOREINFO and names no architecture: add the VMCOREINFO with vmc-note --vmcoreinfo FILE (crash and drgn need it), and name the machine with vmc-pack --arch"

# FILE (-: ./cap, through a pipe) unpacked and packed in both formats,
# each read back by libkdumpfile; vmc-unpack warns what a capture of KIND
# (LiME, AVML) lacks.
reads_back() { # KIND FILE|- [vmc-unpack OPTION]... -- [check OPTION]...
	local kind=$1 src=$2 name format opts=() checks=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	checks=("$@")
	name=$src
	[ "$src" = - ] && name=stdin
	for format in elf kdump; do
		rm -f out.$format
		if [ "$src" = - ]; then
			run bash -c 'cat cap | vmc-unpack "${@:3}" - 2>unpack.err | vmc-pack --format $1 -o $2' _ $format out.$format "${opts[@]}"
		else
			run bash -c 'vmc-unpack "${@:4}" "$3" 2>unpack.err | vmc-pack --format $1 -o $2' _ $format out.$format "$src" "${opts[@]}"
		fi
		assert_success
		run cat unpack.err
		assert_line --index 0 "vmc-unpack: warning: $name: like every $kind capture, it $NO_VMCOREINFO"
		run capture check out.$format "${checks[@]}"
		assert_success
	done
}

# vmc-unpack of FILE (-: ./cap, through a pipe) fails with MESSAGE, exit
# 1; vmc-pack after it sees a stream cut short and writes no file.
refuses_capture() { # FILE|- MESSAGE [vmc-unpack OPTION]...
	local src=$1 message=$2
	shift 2
	mkdir -p out
	if [ "$src" = - ]; then
		# cat may see the pipe closed before it is done
		run bash -c 'cat cap | vmc-unpack "$@" - 2>unpack.err | vmc-pack -o out/vmcore 2>pack.err; echo "${PIPESTATUS[1]} ${PIPESTATUS[2]}"' _ "$@"
		assert_output "1 1"
	else
		run bash -c 'vmc-unpack "$@" 2>unpack.err | vmc-pack -o out/vmcore 2>pack.err; echo "${PIPESTATUS[@]}"' _ "$@" "$src"
		assert_output "1 1"
	fi
	run cat unpack.err
	assert_output "vmc-unpack: $message"
	run cat pack.err
	assert_output --partial "vmc-pack: stdin: truncated stream"
	run ls -A out
	assert_output ''
}

# Where capture.py's `make` said a range's header is.
header_at() { # MAKE-OUTPUT START
	sed -n "s/^range $2-[0-9a-fx]* header at //p" <<<"$1"
}

@test "vmc-unpack reads a LiME capture: libkdumpfile reads its memory back from ELF and kdump" {
	made lime
	assert_line "range 0x1000-0x9fbff header at 0"
	assert_line "range 0x100000-0x1bffff header at 650272"
	assert_line "range 0x400000-0x40ffff header at 1436736"
	reads_back LiME cap
}

@test "vmc-unpack reads a LiME capture from a pipe" {
	made lime
	reads_back LiME -
}

@test "vmc-unpack reads a LiME capture from a socket that brings it in uneven pieces" {
	made lime
	run "$SYSPY" "$BATS_FILE_TMPDIR/netsend.py" cap bash -c 'vmc-unpack - 2>unpack.err | vmc-pack --format kdump -o out.kdump'
	assert_success
	run capture check out.kdump
	assert_success
}

@test "vmc-unpack --phys keeps only part of a LiME capture" {
	made lime
	reads_back LiME cap --phys 0x9e000-0x140fff -- --phys 0x9e000-0x140fff
}

@test "vmc-unpack reads an AVML capture: libkdumpfile reads its memory back from ELF and kdump" {
	made avml
	assert_line "range 0x1000-0x9fbff header at 0"
	reads_back AVML cap
}

@test "vmc-unpack reads an AVML capture from a pipe and from a socket" {
	made avml
	reads_back AVML -
	run "$SYSPY" "$BATS_FILE_TMPDIR/netsend.py" cap bash -c 'vmc-unpack - 2>unpack.err | vmc-pack -o out.elf'
	assert_success
	run capture check out.elf
	assert_success
}

@test "vmc-unpack gives a LiME capture to vmc-note and vmc-pack: the dump has its VMCOREINFO" {
	made lime
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\n' >vmcoreinfo
	run bash -c 'vmc-unpack cap 2>/dev/null | vmc-note --vmcoreinfo vmcoreinfo | vmc-pack -o out.elf'
	assert_success
	run "$SYSPY" -c 'import kdumpfile, sys
k = kdumpfile.kdumpfile(sys.argv[1])
print(k.attr["linux.uts.release"])' out.elf
	assert_success
	assert_output 6.1.0
	run capture check out.elf
	assert_success
}

@test "vmc-unpack says a LiME capture of format=raw or format=padded is no format it knows" {
	made raw raw
	made padded padded
	refuses_capture raw "raw: not a dump or capture that can be read (known: elf kdump flat lime avml); raw memory goes through vmc-seg"
	refuses_capture padded "padded: not a dump or capture that can be read (known: elf kdump flat lime avml); raw memory goes through vmc-seg"
}

@test "vmc-unpack --format lime refuses format=raw and format=padded: they hold no addresses" {
	local why="no LiME range header at byte 0, so not LiME's format=lime; its format=raw and format=padded hold no addresses: a padded capture is memory from physical address 0 (vmc-seg --phys 0 FILE), a raw one needs the ranges it was taken from (vmc-seg --phys ADDR --offset N --length N for each)"
	made raw raw
	made padded padded
	refuses_capture raw "raw: $why" --format lime
	refuses_capture padded "padded: $why" --format lime
	cp raw cap
	refuses_capture - "stdin: $why" --format lime
	# what it says to do reads the padded capture
	run bash -c 'vmc-seg --phys 0 padded | vmc-pack -o out.elf'
	assert_success
	run capture check out.elf --padded
	assert_success
}

@test "vmc-unpack refuses a LiME range that ends before it starts" {
	capture make lime cap reversed >/dev/null
	refuses_capture cap "cap: at byte 650272: LiME range 0x100000-0xfffff ends before it starts"
	refuses_capture - "stdin: at byte 650272: LiME range 0x100000-0xfffff ends before it starts"
}

@test "vmc-unpack refuses LiME ranges that overlap or go backwards" {
	capture make lime cap overlap >/dev/null
	refuses_capture cap "cap: at byte 650272: LiME range 0x9f000-0x15efff comes after range 0x1000-0x9fbff: the ranges of a capture, read in the order they come, must ascend without overlapping"
	capture make lime cap backwards >/dev/null
	refuses_capture - "stdin: at byte 715840: LiME range 0x100000-0x1bffff comes after range 0x400000-0x40ffff: the ranges of a capture, read in the order they come, must ascend without overlapping"
}

@test "vmc-unpack refuses a header that is not LiME's in the middle of a capture" {
	capture make lime cap wrong-magic >/dev/null
	refuses_capture cap "cap: at byte 650272: no LiME range header here: magic 0x4c4d5641, version 2, not 0x4c694d45, version 1"
	refuses_capture - "stdin: at byte 650272: no LiME range header here: magic 0x4c4d5641, version 2, not 0x4c694d45, version 1"
}

@test "vmc-unpack refuses a LiME range longer than the file, from a file and from a pipe" {
	capture make lime cap absurd >/dev/null
	refuses_capture cap "cap: truncated: it ends at byte 1502304, inside range 0x400000-0xffffffffffff, whose 281474972516352 bytes start at byte 1436768"
	refuses_capture - "stdin: truncated: it ends at byte 1502304, inside range 0x400000-0xffffffffffff, whose 281474972516352 bytes start at byte 1436768"
}

@test "vmc-unpack refuses a LiME capture cut short anywhere" {
	made lime full
	head -c 20 full >cap
	refuses_capture cap "cap: truncated: it ends at byte 20, inside a range header"
	refuses_capture - "stdin: truncated: it ends at byte 20, inside a range header"
	head -c 5000 full >cap
	refuses_capture cap "cap: truncated: it ends at byte 5000, inside range 0x1000-0x9fbff, whose 650240 bytes start at byte 32"
	refuses_capture - "stdin: truncated: it ends at byte 5000, inside range 0x1000-0x9fbff, whose 650240 bytes start at byte 32"
	head -c 650290 full >cap
	refuses_capture cap "cap: truncated: it ends at byte 650290, inside a range header"
	refuses_capture - "stdin: truncated: it ends at byte 650290, inside a range header"
	head -c 1500000 full >cap
	refuses_capture cap "cap: truncated: it ends at byte 1500000, inside range 0x400000-0x40ffff, whose 65536 bytes start at byte 1436768"
	refuses_capture - "stdin: truncated: it ends at byte 1500000, inside range 0x400000-0x40ffff, whose 65536 bytes start at byte 1436768"
}

@test "vmc-unpack refuses an AVML chunk that fails its CRC; --keep-going leaves it out" {
	local at stored computed
	run capture make avml cap crc
	assert_success
	read -r at stored computed < <(sed -n 's/^damaged chunk at \([0-9]*\) stored \(0x[0-9a-f]*\) computed \(0x[0-9a-f]*\)$/\1 \2 \3/p' <<<"$output")
	[ -n "$computed" ]
	local message="at byte $at: the snappy chunk of range 0x100000-0x1bffff fails its CRC-32C ($stored stored, $computed computed)"
	refuses_capture cap "cap: $message"
	refuses_capture - "stdin: $message"
	run bash -c 'vmc-unpack --keep-going cap 2>unpack.err | vmc-pack --format kdump -o out.kdump'
	assert_success
	run cat unpack.err
	assert_line --index 0 "vmc-unpack: warning: cap: $message; 65536 bytes at 0x110000 left out"
	assert_line --index 1 "vmc-unpack: warning: cap: like every AVML capture, it $NO_VMCOREINFO"
	assert_line --index 2 "vmc-unpack: warning: 65536 bytes could not be read and were left out"
	run capture check out.kdump --lost 0x110000-0x11ffff
	assert_success
}

@test "vmc-unpack refuses an AVML capture whose frame stream cannot be followed" {
	local at is says
	run capture make avml cap reserved
	assert_success
	at=$(sed -n 's/^reserved chunk at //p' <<<"$output")
	refuses_capture cap "cap: at byte $at: a snappy chunk of reserved type 0x02 in range 0x100000-0x1bffff, which cannot be passed over"
	run capture make avml cap trailer
	assert_success
	read -r at is says < <(sed -n 's/^trailer at \([0-9]*\) is \([0-9]*\) says \([0-9]*\)$/\1 \2 \3/p' <<<"$output")
	refuses_capture - "stdin: at byte $at: the snappy data of range 0x100000-0x1bffff is $is bytes, but the length after it says $says"
	run capture make avml cap wrong-magic
	assert_success
	at=$(header_at "$output" 0x100000)
	refuses_capture cap "cap: at byte $at: no AVML range header here: magic 0x4c694d45, version 1, not 0x4c4d5641, version 2"
}

@test "vmc-unpack refuses an AVML capture cut short anywhere" {
	local second size
	made avml full
	second=$(header_at "$output" 0x100000)
	size=$(sed -n 's/^size //p' <<<"$output")
	head -c 38 full >cap
	refuses_capture cap "cap: truncated: it ends at byte 38, inside the snappy data of range 0x1000-0x9fbff"
	head -c 5000 full >cap
	refuses_capture - "stdin: truncated: it ends at byte 5000, inside the snappy data of range 0x1000-0x9fbff"
	head -c $((second - 4)) full >cap
	refuses_capture cap "cap: truncated: it ends at byte $((second - 4)), inside the length after the snappy data of range 0x1000-0x9fbff"
	refuses_capture - "stdin: truncated: it ends at byte $((second - 4)), inside the length after the snappy data of range 0x1000-0x9fbff"
	head -c $((second + 31)) full >cap
	refuses_capture - "stdin: truncated: it ends at byte $((second + 31)), inside a range header"
	head -c $((size - 100)) full >cap
	refuses_capture cap "cap: truncated: it ends at byte $((size - 100)), inside the snappy data of range 0x400000-0x40ffff"
}

# ---- faults ----

@test "the input fails to read at an offset (EIO): exit 1, the file named; nothing packed downstream" {
	head -c 3M /dev/urandom >mem
	vmc-seg --phys 0 mem </dev/null | vmc-pack -o dump
	mkdir out
	n=$(calls_before pread64 '"dump"' vmc-unpack dump)
	for k in 1 4; do
		run bash -c 'strace -f -qq -o /dev/null -e trace=pread64 -e inject=pread64:error=EIO:when=$(('$n' + '$k')) \
			vmc-unpack dump | vmc-pack -o out/vmcore'
		assert_failure 1
		assert_line --index 0 "vmc-unpack: dump: Input/output error"
		assert_line --index 1 --partial "vmc-pack: stdin: truncated stream"
		run ls -A out
		assert_output ''
	done
}

@test "stdout full, at the first write or a later one: exit 1, stdout named" {
	head -c 3M /dev/urandom >mem
	vmc-seg --phys 0 mem </dev/null | vmc-pack -o dump
	for n in 1 2 3; do
		fails_on_full_stdout $n vmc-unpack dump
	done
}

@test "downstream gone: killed by SIGPIPE, quietly" {
	head -c 3M /dev/urandom >mem
	vmc-seg --phys 0 mem </dev/null | vmc-pack -o dump
	dies_quietly_of_sigpipe vmc-unpack dump
}
