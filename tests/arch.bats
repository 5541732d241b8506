load helpers

# Every architecture in both formats, judged by the readers within their
# limits (check.py knows them: libkdumpfile 0.5.1 has no riscv64, drgn
# opens no riscv64 kdump-compressed file, nor an s390x one without a
# lowcore, and Debian's crash reads x86_64 dumps only), then the register
# names vmc-prstatus knows.

@test "x86_64 ELF: every reader reads it back" {
	check_spec arch-x86_64-elf.spec
}

@test "x86_64 kdump-compressed: every reader reads it back" {
	check_spec arch-x86_64-kdump.spec
}

@test "aarch64 ELF: every reader reads it back" {
	check_spec arch-aarch64-elf.spec
}

@test "aarch64 kdump-compressed: every reader reads it back" {
	check_spec arch-aarch64-kdump.spec
}

@test "s390x ELF, big-endian: every reader reads it back" {
	check_spec arch-s390x-elf.spec
}

@test "s390x kdump-compressed, big-endian, with a lowcore: every reader reads it back" {
	check_spec arch-s390x-kdump.spec
}

@test "s390x kdump-compressed without a lowcore: libkdumpfile reads it, drgn cannot open it" {
	check_spec s390x-no-lowcore.spec
}

@test "ppc64 ELF, big-endian, 64 KiB pages: every reader reads it back" {
	check_spec arch-ppc64-elf.spec
}

@test "ppc64 kdump-compressed, big-endian, 64 KiB pages: every reader reads it back" {
	check_spec arch-ppc64-kdump.spec
}

@test "ppc64le ELF, 64 KiB pages: every reader reads it back" {
	check_spec arch-ppc64le-elf.spec
}

@test "ppc64le kdump-compressed, 64 KiB pages: every reader reads it back" {
	check_spec arch-ppc64le-kdump.spec
}

@test "riscv64 ELF: every reader reads it back, libkdumpfile only its memory" {
	check_spec arch-riscv64-elf.spec
}

@test "riscv64 kdump-compressed: libkdumpfile reads its memory, drgn cannot open it" {
	check_spec arch-riscv64-kdump.spec
}

# ---- register names ----

S390X_REGS='pswm (psw.mask) pswa (psw.addr) r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 orig_gpr2 (orig_r2)'
PPC64_REGS='r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31 nip (pc) msr orig_gpr3 (or3) ctr link (lr) xer ccr (cr) softe trap dar dsisr result (res)'
RISCV64_REGS='pc ra (x1) sp (x2) gp (x3) tp (x4) t0 (x5) t1 (x6) t2 (x7) s0 (fp) (x8) s1 (x9) a0 (x10) a1 (x11) a2 (x12) a3 (x13) a4 (x14) a5 (x15) a6 (x16) a7 (x17) s2 (x18) s3 (x19) s4 (x20) s5 (x21) s6 (x22) s7 (x23) s8 (x24) s9 (x25) s10 (x26) s11 (x27) t3 (x28) t4 (x29) t5 (x30) t6 (x31)'
X86_64_REGS='r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs'
AARCH64_REGS='x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 (fp) x30 (lr) sp pc pstate'

lists() { # ARCH NAME REGS
	run vmc-prstatus --arch "$1" --list-registers
	assert_success
	assert_output "$2 registers: $3"
}

@test "--list-registers: the names of each architecture, aliases in parentheses" {
	lists x86_64 x86_64 "$X86_64_REGS"
	lists aarch64 aarch64 "$AARCH64_REGS"
	lists arm64 aarch64 "$AARCH64_REGS"
	lists s390x s390x "$S390X_REGS"
	lists ppc64 ppc64 "$PPC64_REGS"
	lists ppc64le ppc64le "$PPC64_REGS"
	lists riscv64 riscv64 "$RISCV64_REGS"
}

# A failing producer still writes a stream header (so that the consumer
# fails too): only stderr is of interest.
quiet() {
	"$@" >/dev/null
}

@test "an unknown register: vmc-prstatus --arch lists that architecture's names" {
	run quiet vmc-prstatus --arch s390x --cpu 0 rip=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: unknown register 'rip' for s390x; valid registers: $S390X_REGS"
	run quiet vmc-prstatus --arch ppc64le --cpu 0 pswa=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: unknown register 'pswa' for ppc64le; valid registers: $PPC64_REGS"
	# x0 is the zero register, not in pr_reg: x1 to x31 are
	run quiet vmc-prstatus --arch riscv64 --cpu 0 x0=1 </dev/null
	assert_failure 2
	assert_line --index 0 "vmc-prstatus: unknown register 'x0' for riscv64; valid registers: $RISCV64_REGS"
}

@test "an unknown register: vmc-pack --arch lists that architecture's names" {
	mkdir out
	run bash -c 'vmc-prstatus --cpu 0 rip=1 </dev/null | vmc-pack --arch riscv64 -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output "vmc-pack: CPU 0: unknown register 'rip' for riscv64; valid registers: $RISCV64_REGS
exit 0 1"
	run bash -c 'vmc-prstatus --cpu 0 rip=1 </dev/null | vmc-pack --arch ppc64 --format kdump -o out/vmcore; echo "exit ${PIPESTATUS[*]}"'
	assert_output "vmc-pack: CPU 0: unknown register 'rip' for ppc64; valid registers: $PPC64_REGS
exit 0 1"
	run ls -A out
	assert_output ''
}

@test "s390x access registers are 32 bits wide" {
	run quiet vmc-prstatus --arch s390x --cpu 0 a15=0x100000000 </dev/null
	assert_failure 2
	assert_line --index 0 'vmc-prstatus: register a15 is 32 bits wide: 0x100000000 does not fit'
}
