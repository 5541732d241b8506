#!/usr/bin/env bats
# vmc-note: VMCOREINFO, custom notes, metadata and annotations.  Most
# dumps here hold notes and no memory, which vmc-pack writes only with
# --allow-empty.

load helpers
bats_require_minimum_version 1.5.0

# One line per note in the PT_NOTE of dump $1, in file order:
# name namesz type descsz desc-in-hex
notes() {
	"$SYSPY" - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
for i in range(phnum):
    t, _, off, _, _, size = struct.unpack_from('<IIQQQQ', d, phoff + 56 * i)
    if t != 4:
        continue
    pos, end = off, off + size
    while pos < end:
        namesz, descsz, ntype = struct.unpack_from('<III', d, pos)
        name = d[pos + 12:pos + 12 + namesz]
        desc = pos + 12 + (namesz + 3) // 4 * 4
        print(name.rstrip(b'\0').decode(), namesz, ntype, descsz,
              d[desc:desc + descsz].hex())
        pos = desc + (descsz + 3) // 4 * 4
    if pos != end:
        sys.exit('notes overrun their PT_NOTE')
EOF
}

hex() {
	od -An -v -tx1 "$@" | tr -d ' \n'
}

quiet() {
	"$@" >out
}

on_tty() {
	script -qec "$* 2>tty.err" /dev/null </dev/null >tty.out
}

vmcoreinfo_ok() {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n'
}

@test "--help prints the synopsis first and succeeds" {
	run vmc-note --help
	assert_success
	assert_line --index 0 --regexp '^usage: vmc-note \[--vmcoreinfo FILE\] \[--note NAME:TYPE:TEXT\]\.\.\. '
	assert_output --partial "--annotation KEY=VALUE"
}

@test "--version prints the program and version" {
	run vmc-note --version
	assert_success
	assert_output --regexp '^vmc-note \(kdumpling\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option or an argument is a usage error" {
	run quiet vmc-note --bogus </dev/null
	assert_failure 2
	assert_output "vmc-note: unknown option '--bogus'
Try 'vmc-note --help' for more information."
	run quiet vmc-note extra </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: unexpected argument 'extra'"
}

@test "a malformed --metadata or --annotation is a usage error naming it" {
	run quiet vmc-note --metadata novalue </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --metadata: 'novalue' is not KEY=VALUE"
	run quiet vmc-note --annotation =v </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --annotation: '=v' is not KEY=VALUE"
}

@test "a malformed --note or --note-file is a usage error naming it" {
	run quiet vmc-note --note ACME:1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note: 'ACME:1' is not NAME:TYPE:TEXT"
	run quiet vmc-note --note :1:text </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note: ':1:text' is not NAME:TYPE:TEXT"
	run quiet vmc-note --note-file ACME </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note-file: 'ACME' is not NAME:TYPE:FILE"
	run quiet vmc-note --note ACME:12q:text </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note: '12q' is not a number"
	run quiet vmc-note --note ACME:0x100000000:text </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note: '0x100000000' does not fit in 32 bits"
}

@test "notes that are not custom notes are refused" {
	run quiet vmc-note --note CORE:1:regs </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note: CORE notes of type 1 (NT_PRSTATUS) are CPU contexts, not custom notes"
	run quiet vmc-note --note VMCOREINFO:0:OSRELEASE=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --note: a VMCOREINFO note is set as vmcoreinfo, not as a custom note"
}

@test "--vendor cannot be empty, --vmcoreinfo cannot be given twice" {
	run quiet vmc-note --vendor '' </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --vendor: the vendor name is empty"
	vmcoreinfo_ok >vi
	run quiet vmc-note --vmcoreinfo vi --vmcoreinfo vi </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --vmcoreinfo is given twice"
}

@test "refuses to write the stream to a terminal" {
	run on_tty vmc-note --annotation a=b
	assert_failure 2
	[ ! -s tty.out ]
	assert_equal "$(head -n 1 tty.err)" "vmc-note: refusing to write a binary stream to a terminal; pipe it into another vmc- program"
}

@test "garbage on stdin is not taken for a stream" {
	run bash -c 'printf "OSRELEASE=6.1\n" | vmc-note --annotation a=b >out'
	assert_failure 1
	assert_output "vmc-note: stdin is not a vmc record stream; to read raw memory use vmc-seg -"
}

@test "a truncated upstream stream fails, and nothing downstream packs it" {
	vmc-note --annotation a=b </dev/null >full
	head -c 20 full >cut
	run bash -c 'vmc-note --annotation c=d <cut >out'
	assert_failure 1
	assert_output "vmc-note: stdin: truncated stream: it ends inside a record header (did a program before this one fail?)"
	run bash -c 'vmc-note --annotation c=d <cut | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output --partial "vmc-pack: stdin: truncated stream"
	[ ! -e dump ]
}

@test "an empty stdin is an empty stream" {
	vmc-note --annotation a=b </dev/null | vmc-pack --allow-empty -o dump
	run notes dump
	assert_success
	assert_output "KDUMPLING 10 1262767106 4 $(printf 'a=b\n' | hex)"
}

@test "vmcoreinfo without a final newline gets one, and nothing else changes" {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000' >vi
	run --separate-stderr vmc-note --vmcoreinfo vi </dev/null
	assert_success
	assert_equal "$stderr" ""
	vmc-note --vmcoreinfo vi </dev/null | vmc-pack --allow-empty -o dump
	run notes dump
	# namesz 11: "VMCOREINFO" and its NUL, as drgn requires
	assert_output "VMCOREINFO 11 0 70 $( (cat vi; echo) | hex)"
}

@test "vmcoreinfo with its final newline is taken byte for byte" {
	vmcoreinfo_ok >vi
	printf 'CRASHTIME=1700000000\nNUMBER(phys_base)=0\n' >>vi
	vmc-note --vmcoreinfo vi </dev/null | vmc-pack --allow-empty -o dump
	run notes dump
	assert_output "VMCOREINFO 11 0 $(wc -c <vi) $(hex vi)"
}

@test "libkdumpfile and eu-readelf read the vmcoreinfo text" {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000' >vi
	# libkdumpfile opens no dump without memory
	head -c 4096 /dev/zero >mem
	vmc-note --vmcoreinfo vi </dev/null | vmc-seg --phys 0 mem | vmc-pack --allow-empty -o dump
	run "$SYSPY" -c 'import kdumpfile as K, sys
k = K.kdumpfile("dump")
sys.stdout.write(bytes(k.attr["linux.vmcoreinfo.raw"]).hex())'
	assert_success
	assert_output "$( (cat vi; echo) | hex)"
	run eu-readelf -n dump
	assert_output --regexp 'VMCOREINFO +70 '
	assert_line --regexp '^ +SYMBOL\(swapper_pg_dir\)=ffffffff8260a000$'
}

@test "vmcoreinfo without what drgn needs warns for each missing key" {
	printf 'NUMBER(phys_base)=0\n' >vi
	run --separate-stderr vmc-note --vmcoreinfo vi </dev/null
	assert_success
	assert_equal "${stderr_lines[0]}" "vmc-note: warning: vmcoreinfo has no OSRELEASE: drgn will not open the dump"
	assert_equal "${stderr_lines[1]}" "vmc-note: warning: vmcoreinfo has no PAGESIZE: drgn will not open the dump"
	assert_equal "${stderr_lines[2]}" "vmc-note: warning: vmcoreinfo has no SYMBOL(swapper_pg_dir): drgn will not open the dump"
	assert_equal "${#stderr_lines[@]}" 3
}

@test "a PAGESIZE that is not decimal warns" {
	printf 'OSRELEASE=6.1.0\nPAGESIZE=0x1000\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\n' >vi
	run --separate-stderr vmc-note --vmcoreinfo vi </dev/null
	assert_success
	assert_equal "$stderr" "vmc-note: warning: vmcoreinfo PAGESIZE=0x1000 is not decimal: libkdumpfile ignores it"
}

@test "vmcoreinfo that is not KEY=VALUE lines fails" {
	printf 'OSRELEASE=6.1.0\nnot a pair\n' >vi
	run bash -c 'vmc-note --vmcoreinfo vi </dev/null >out'
	assert_failure 1
	assert_output "vmc-note: vi: vmcoreinfo line 2 is not KEY=VALUE: 'not a pair'"
}

@test "files that do not exist fail with the system's message" {
	run bash -c 'vmc-note --vmcoreinfo nope </dev/null >out'
	assert_failure 1
	assert_output "vmc-note: nope: No such file or directory"
	run bash -c 'vmc-note --note-file ACME:1:nope </dev/null >out'
	assert_failure 1
	assert_output "vmc-note: nope: No such file or directory"
}

@test "a failing vmc-note leaves a stream that nothing downstream packs" {
	run bash -c 'vmc-note --vmcoreinfo nope </dev/null | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_line --index 1 "vmc-pack: stdin: truncated stream: it ends without its end record (did a program before this one fail?)"
	[ ! -e dump ]
}

@test "--note puts its text in the dump byte for byte" {
	vmc-note --note 'ACME:0x10:text: with colons' </dev/null | vmc-pack --allow-empty -o dump
	run notes dump
	assert_output "ACME 5 16 17 $(printf 'text: with colons' | hex)"
}

@test "--note-file bytes land exactly, of any length" {
	printf '\000\001\377ab\000cd\n\000\000\000z' >blob
	: >empty
	vmc-note --note-file LINUX:0x201:blob --note-file EMPTY:3:empty </dev/null | vmc-pack --allow-empty -o dump
	run notes dump
	assert_line --index 0 "EMPTY 6 3 0 "
	assert_line --index 1 "LINUX 6 513 13 $(hex blob)"
}

@test "eu-readelf shows custom notes with their owner and size" {
	vmc-note --note 'ACME:256:hello' </dev/null | vmc-pack --allow-empty -o dump
	run eu-readelf -n dump
	assert_output --regexp 'ACME +5 '
}

@test "metadata and annotations become one sorted note per vendor and kind" {
	vmc-note --metadata zone=3 --metadata arch=x86 --annotation why=oops </dev/null |
		vmc-note --metadata host=box --annotation a=1 --vendor ACME |
		vmc-note --metadata build=42 | vmc-pack --allow-empty -o dump
	run notes dump
	assert_line --index 0 "ACME 5 1262767105 9 $(printf 'host=box\n' | hex)"
	assert_line --index 1 "ACME 5 1262767106 4 $(printf 'a=1\n' | hex)"
	assert_line --index 2 "KDUMPLING 10 1262767105 25 $(printf 'arch=x86\nbuild=42\nzone=3\n' | hex)"
	assert_line --index 3 "KDUMPLING 10 1262767106 9 $(printf 'why=oops\n' | hex)"
	assert_equal "${#lines[@]}" 4
}

@test "values keep '=' and spaces; the same key twice with one value is one line" {
	vmc-note --metadata 'cmd=a=b c' --metadata 'cmd=a=b c' </dev/null |
		vmc-note --metadata 'cmd=a=b c' | vmc-pack --allow-empty -o dump
	run notes dump
	assert_output "KDUMPLING 10 1262767105 10 $(printf 'cmd=a=b c\n' | hex)"
}

@test "a key given two values in one vmc-note is a usage error" {
	run quiet vmc-note --metadata a=1 --metadata a=2 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --metadata: a is given twice, as '1' and as '2'"
}

@test "a key given two values in two vmc-notes fails at vmc-pack" {
	run bash -c 'vmc-note --metadata a=1 </dev/null | vmc-note --metadata a=2 | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: a is given twice, as '2' and as '1'"
	[ ! -e dump ]
}

@test "the same key as metadata and as annotation, or for two vendors, is no conflict" {
	vmc-note --metadata a=1 --annotation a=2 </dev/null |
		vmc-note --vendor ACME --metadata a=3 | vmc-pack --allow-empty -o dump
	run notes dump
	assert_line --index 0 "ACME 5 1262767105 4 $(printf 'a=3\n' | hex)"
	assert_line --index 1 "KDUMPLING 10 1262767105 4 $(printf 'a=1\n' | hex)"
	assert_line --index 2 "KDUMPLING 10 1262767106 4 $(printf 'a=2\n' | hex)"
}

@test "a second vmcoreinfo in the pipeline fails at vmc-pack" {
	vmcoreinfo_ok >vi
	run bash -c 'vmc-note --vmcoreinfo vi </dev/null | vmc-note --vmcoreinfo vi | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: VMCOREINFO is given twice"
	[ ! -e dump ]
}

@test "the dump does not depend on the order of vmc-note programs" {
	vmcoreinfo_ok >vi
	vmc-note --note B:1:x --metadata k=1 </dev/null | vmc-note --note A:1:y --vmcoreinfo vi |
		vmc-pack --allow-empty -o one
	vmc-note --vmcoreinfo vi --note A:1:y </dev/null | vmc-note --metadata k=1 --note B:1:x |
		vmc-pack --allow-empty -o two
	cmp one two
	run notes one
	assert_line --index 0 --regexp '^VMCOREINFO 11 0 '
	assert_line --index 1 "A 2 1 1 79"
	assert_line --index 2 "B 2 1 1 78"
	assert_line --index 3 "KDUMPLING 10 1262767105 4 $(printf 'k=1\n' | hex)"
}

@test "upstream records pass through, segments after the notes" {
	head -c 4096 /dev/zero >mem
	vmc-seg --phys 0x1000 mem </dev/null | vmc-note --annotation a=b >stream
	# vmc-note's own record comes first: type 6 (META) at offset 16
	run "$SYSPY" -c 'import struct; d = open("stream", "rb").read(); print(struct.unpack_from("<I", d, 16)[0])'
	assert_output "6"
	vmc-pack --allow-empty -o dump <stream
	run eu-readelf -l dump
	assert_output --regexp 'LOAD +0x002000 0x0000000000001000 0x0000000000001000 0x001000 0x001000 RWE 0x0'
}

# ---- --replace and --drop ----

vmcoreinfo_new() {
	printf 'OSRELEASE=6.2.0-new\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8260a000\nCRASHTIME=1700000000\n'
}

@test "--replace needs --vmcoreinfo; --drop takes NAME or NAME:TYPE" {
	run quiet vmc-note --replace </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --replace replaces the VMCOREINFO: give it with --vmcoreinfo FILE"
	run quiet vmc-note --drop :1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --drop: ':1' is not NAME or NAME:TYPE"
	run quiet vmc-note --drop '' </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --drop: '' is not NAME or NAME:TYPE"
	run quiet vmc-note --drop ACME:x </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --drop: 'x' is not a number"
}

@test "--drop leaves CPUs to vmc-prstatus, and the VMCOREINFO has no type" {
	run quiet vmc-note --drop CORE:1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --drop: CORE notes of type 1 (NT_PRSTATUS) are CPU contexts: vmc-prstatus --replace --cpu N replaces one"
	run quiet vmc-note --drop VMCOREINFO:0 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-note: --drop: VMCOREINFO takes no TYPE: --drop VMCOREINFO drops it"
}

@test "--vmcoreinfo --replace: the dump holds the new VMCOREINFO, not the old" {
	vmcoreinfo_ok >old
	vmcoreinfo_new >new
	head -c 4096 /dev/zero >mem
	vmc-note --vmcoreinfo old --annotation a=b </dev/null | vmc-seg --phys 0 mem |
		vmc-note --vmcoreinfo new --replace | vmc-pack --allow-empty -o dump
	run notes dump
	assert_line --index 0 "VMCOREINFO 11 0 $(wc -c <new) $(hex new)"
	assert_line --index 1 "KDUMPLING 10 1262767106 4 $(printf 'a=b\n' | hex)"
	assert_equal "${#lines[@]}" 2
	run eu-readelf -n dump
	assert_line --regexp '^ +OSRELEASE=6\.2\.0-new$'
	refute_output --partial "OSRELEASE=6.1.0"
	run "$SYSPY" -c 'import kdumpfile as K, sys
sys.stdout.write(bytes(K.kdumpfile("dump").attr["linux.vmcoreinfo.raw"]).decode())'
	assert_success
	assert_output "$(cat new)"
	# the same bytes as a pipeline that never had the old one
	vmc-note --vmcoreinfo new --annotation a=b </dev/null | vmc-seg --phys 0 mem | vmc-pack --allow-empty -o direct
	cmp dump direct
}

@test "--replace where the stream has no VMCOREINFO sets it" {
	vmcoreinfo_new >new
	vmc-note --annotation a=b </dev/null | vmc-note --vmcoreinfo new --replace | vmc-pack --allow-empty -o dump
	run notes dump
	assert_line --index 0 "VMCOREINFO 11 0 $(wc -c <new) $(hex new)"
	run bash -c 'vmc-note --vmcoreinfo new --replace </dev/null | vmc-pack --allow-empty -o alone'
	assert_success
}

@test "--replace drops every upstream VMCOREINFO, even two; vmc-cat shows one" {
	vmcoreinfo_ok >old
	vmcoreinfo_new >new
	vmc-note --vmcoreinfo old </dev/null | vmc-note --vmcoreinfo old |
		vmc-note --vmcoreinfo new --replace >stream
	run vmc-cat <stream
	assert_success
	assert_output "stream version 1
vmcoreinfo 95 bytes, 4 lines
  OSRELEASE=6.2.0-new
  PAGESIZE=4096
  SYMBOL(swapper_pg_dir)=ffffffff8260a000
  CRASHTIME=1700000000
end: records 1, segments 0, memory 0x0 (0 B), cpus 0"
	vmc-pack --allow-empty -o dump <stream
}

@test "--drop NAME drops that name's notes of every type, NAME:TYPE only that type" {
	vmc-note --note ACME:1:a --note ACME:0x20:b --note ACME:0x21:c --note ZETA:1:z </dev/null >stream
	vmc-note --drop ACME <stream | vmc-pack --allow-empty -o all
	run notes all
	assert_output "ZETA 5 1 1 7a"
	vmc-note --drop ACME:0x20 --drop ZETA:2 <stream | vmc-pack --allow-empty -o one
	run notes one
	assert_line --index 0 "ACME 5 1 1 61"
	assert_line --index 1 "ACME 5 33 1 63"
	assert_line --index 2 "ZETA 5 1 1 7a"
	assert_equal "${#lines[@]}" 3
}

@test "--drop drops upstream notes only: notes of the same name given with it stay" {
	vmc-note --note ACME:0x20:old </dev/null | vmc-note --drop ACME --note ACME:0x20:new | vmc-pack --allow-empty -o dump
	run notes dump
	assert_output "ACME 5 32 3 $(printf 'new' | hex)"
}

@test "--drop VENDOR drops that vendor's metadata and annotations; by type, one kind" {
	vmc-note --metadata k=1 --annotation a=2 </dev/null |
		vmc-note --vendor ACME --metadata k=3 --annotation a=4 >stream
	vmc-note --drop ACME <stream | vmc-pack --allow-empty -o vendor
	run notes vendor
	assert_line --index 0 "KDUMPLING 10 1262767105 4 $(printf 'k=1\n' | hex)"
	assert_line --index 1 "KDUMPLING 10 1262767106 4 $(printf 'a=2\n' | hex)"
	assert_equal "${#lines[@]}" 2
	vmc-note --drop KDUMPLING:0x4b444c02 <stream | vmc-pack --allow-empty -o kind
	run notes kind
	assert_line --index 0 "ACME 5 1262767105 4 $(printf 'k=3\n' | hex)"
	assert_line --index 1 "ACME 5 1262767106 4 $(printf 'a=4\n' | hex)"
	assert_line --index 2 "KDUMPLING 10 1262767105 4 $(printf 'k=1\n' | hex)"
	assert_equal "${#lines[@]}" 3
}

@test "--drop VMCOREINFO leaves a dump without one; CPUs and memory pass untouched" {
	vmcoreinfo_ok >vi
	head -c 8192 /dev/urandom >mem
	vmc-note --vmcoreinfo vi --note ACME:0x20:x </dev/null | vmc-seg --phys 0x1000 mem |
		vmc-prstatus --cpu 0 rip=0x10 | vmc-note --drop VMCOREINFO --drop ACME | vmc-pack --allow-empty -o dump
	run eu-readelf -n dump
	assert_success
	refute_output --partial VMCOREINFO
	refute_output --partial ACME
	assert_output --regexp 'rip: +0x0*10'
	vmc-seg --phys 0x1000 mem </dev/null | vmc-prstatus --cpu 0 rip=0x10 | vmc-pack --allow-empty -o direct
	cmp dump direct
}

@test "without --replace a second VMCOREINFO still fails at vmc-pack" {
	vmcoreinfo_ok >vi
	vmcoreinfo_new >new
	run bash -c 'vmc-note --vmcoreinfo vi </dev/null | vmc-note --vmcoreinfo new --drop ACME | vmc-pack --allow-empty -o dump'
	assert_failure 1
	assert_output "vmc-pack: VMCOREINFO is given twice"
	[ ! -e dump ]
}

@test "a corrupt note upstream fails where --drop reads it" {
	"$SYSPY" -c 'import struct, sys
rec = lambda t, p: struct.pack("<IIQ", t, 1, len(p)) + p
sys.stdout.buffer.write(b"\x89VMC\r\n\x1a\n" + struct.pack("<II", 1, 0)
    + rec(0x04, struct.pack("<II", 1, 99) + b"name") + rec(0x01, struct.pack("<Q", 1)))' >bad
	run bash -c 'vmc-note --drop ACME <bad >out'
	assert_failure 1
	assert_output "vmc-note: stdin: corrupt stream: bad note record"
}

# ---- faults ----

@test "upstream dead, the stream cut short anywhere: exit 1, told; nothing packed downstream" {
	fails_on_truncated_upstream vmc-note --note ACME:0x10:hi
}

@test "stdout full, at the first write or a later one: exit 1, stdout named" {
	make_stream
	for n in 1 2 3; do
		fails_on_full_stdout $n vmc-note --note ACME:0x10:hi <stream
	done
}

@test "downstream gone: killed by SIGPIPE, quietly" {
	make_big_stream
	dies_quietly_of_sigpipe vmc-note --note ACME:0x10:hi <bigstream
}

@test "--vmcoreinfo /sys/kernel/vmcoreinfo, which holds where the note is, not its text: told where the text is" {
	printf '0x0000000100b86000 1024\n' >sysfs-vmcoreinfo
	run --separate-stderr vmc-note --vmcoreinfo sysfs-vmcoreinfo </dev/null
	assert_failure 1
	assert_equal "$stderr" "vmc-note: sysfs-vmcoreinfo: this is where the kernel keeps its VMCOREINFO note (address and size, as /sys/kernel/vmcoreinfo tells), not the text: the note is in /proc/kcore and /proc/vmcore, which vmc-unpack reads (vmc-unpack /proc/kcore | vmc-cat shows it), and makedumpfile -g FILE -x vmlinux writes the text"
	if [ -r /sys/kernel/vmcoreinfo ]; then
		run --separate-stderr vmc-note --vmcoreinfo /sys/kernel/vmcoreinfo </dev/null
		assert_failure 1
		assert_equal "$stderr" "vmc-note: /sys/kernel/vmcoreinfo: this is where the kernel keeps its VMCOREINFO note (address and size, as /sys/kernel/vmcoreinfo tells), not the text: the note is in /proc/kcore and /proc/vmcore, which vmc-unpack reads (vmc-unpack /proc/kcore | vmc-cat shows it), and makedumpfile -g FILE -x vmlinux writes the text"
	fi
}
