/* arch/s390x.c: the s390x entry, and its pr_reg laid out as s390_regs of
 * arch/s390/include/asm/elf.h: the PSW, 16 general registers, 16 4-byte
 * access registers and orig_gpr2. */
#include "arch-check.h"

static const struct kdl_arch *const s390x = &kdl_arch_s390x;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "s390x",
		.summary = "IBM Z",
		.e_machine = 22, /* EM_S390 */
		.big_endian = true,
		.page_size = 4096,
		.uts_machine = "s390x",
		.phys_bits = 46, /* MAX_PHYSMEM_BITS */
		.pr_reg_size = 216,
		.prstatus_size = 336,
	};

	check_entry(s390x, &want);
}

static void test_registers(void)
{
	static const struct kdl_reg_def want[] = {
		{"pswm", 0, 8, false}, {"psw.mask", 0, 8, true},
		{"pswa", 8, 8, false}, {"psw.addr", 8, 8, true},
		{"r0", 16, 8, false},   {"r1", 24, 8, false},  {"r2", 32, 8, false},
		{"r3", 40, 8, false},   {"r4", 48, 8, false},  {"r5", 56, 8, false},
		{"r6", 64, 8, false},   {"r7", 72, 8, false},  {"r8", 80, 8, false},
		{"r9", 88, 8, false},   {"r10", 96, 8, false}, {"r11", 104, 8, false},
		{"r12", 112, 8, false}, {"r13", 120, 8, false}, {"r14", 128, 8, false},
		{"r15", 136, 8, false},
		{"a0", 144, 4, false},  {"a1", 148, 4, false},  {"a2", 152, 4, false},
		{"a3", 156, 4, false},  {"a4", 160, 4, false},  {"a5", 164, 4, false},
		{"a6", 168, 4, false},  {"a7", 172, 4, false},  {"a8", 176, 4, false},
		{"a9", 180, 4, false},  {"a10", 184, 4, false}, {"a11", 188, 4, false},
		{"a12", 192, 4, false}, {"a13", 196, 4, false}, {"a14", 200, 4, false},
		{"a15", 204, 4, false},
		{"orig_gpr2", 208, 8, false}, {"orig_r2", 208, 8, true},
	};

	check_regs(s390x, want, KDL_ARRAY_SIZE(want));
	/* pswm, pswa, 16 + 16 registers and orig_gpr2 fill pr_reg */
	check_layout(s390x, 35);
}

/* Where crash looks for the registers in NT_PRSTATUS. */
static void test_prstatus_offsets(void)
{
	CHECK_EQ(desc_at(s390x, "pswa"), 120);
	CHECK_EQ(desc_at(s390x, "a0"), 256);
	CHECK_EQ(desc_at(s390x, "orig_gpr2"), 320);
	CHECK_EQ(kdl_arch_reg(s390x, "a15")->size, 4);
	CHECK_EQ(kdl_arch_reg(s390x, "r15")->size, 8);
	CHECK_EQ(desc_at(s390x, "psw.addr"), desc_at(s390x, "pswa"));
	CHECK_EQ(desc_at(s390x, "orig_r2"), 320);
}

int main(void)
{
	test_entry();
	test_registers();
	test_prstatus_offsets();
	return check_done("arch/s390x");
}
