/* arch/riscv64.c: the riscv64 entry, and its pr_reg laid out as struct
 * user_regs_struct of arch/riscv/include/uapi/asm/ptrace.h: pc, then x1
 * to x31 under their ABI names, xN answering as an alias. */
#include "arch-check.h"

static const struct kdl_arch *const rv = &kdl_arch_riscv64;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "riscv64",
		.summary = "64-bit RISC-V",
		.e_machine = 243, /* EM_RISCV */
		.big_endian = false,
		.page_size = 4096,
		.uts_machine = "riscv64",
		.phys_bits = 56, /* MAX_PHYSMEM_BITS */
		.pr_reg_size = 32 * 8,
		.prstatus_size = 376,
	};

	check_entry(rv, &want);
}

static void test_registers(void)
{
	static const struct kdl_reg_def want[] = {
		{"pc", 0, 8, false},
		{"ra", 8, 8, false},   {"x1", 8, 8, true},
		{"sp", 16, 8, false},  {"x2", 16, 8, true},
		{"gp", 24, 8, false},  {"x3", 24, 8, true},
		{"tp", 32, 8, false},  {"x4", 32, 8, true},
		{"t0", 40, 8, false},  {"x5", 40, 8, true},
		{"t1", 48, 8, false},  {"x6", 48, 8, true},
		{"t2", 56, 8, false},  {"x7", 56, 8, true},
		{"s0", 64, 8, false},  {"fp", 64, 8, true}, {"x8", 64, 8, true},
		{"s1", 72, 8, false},  {"x9", 72, 8, true},
		{"a0", 80, 8, false},  {"x10", 80, 8, true},
		{"a1", 88, 8, false},  {"x11", 88, 8, true},
		{"a2", 96, 8, false},  {"x12", 96, 8, true},
		{"a3", 104, 8, false}, {"x13", 104, 8, true},
		{"a4", 112, 8, false}, {"x14", 112, 8, true},
		{"a5", 120, 8, false}, {"x15", 120, 8, true},
		{"a6", 128, 8, false}, {"x16", 128, 8, true},
		{"a7", 136, 8, false}, {"x17", 136, 8, true},
		{"s2", 144, 8, false}, {"x18", 144, 8, true},
		{"s3", 152, 8, false}, {"x19", 152, 8, true},
		{"s4", 160, 8, false}, {"x20", 160, 8, true},
		{"s5", 168, 8, false}, {"x21", 168, 8, true},
		{"s6", 176, 8, false}, {"x22", 176, 8, true},
		{"s7", 184, 8, false}, {"x23", 184, 8, true},
		{"s8", 192, 8, false}, {"x24", 192, 8, true},
		{"s9", 200, 8, false}, {"x25", 200, 8, true},
		{"s10", 208, 8, false}, {"x26", 208, 8, true},
		{"s11", 216, 8, false}, {"x27", 216, 8, true},
		{"t3", 224, 8, false}, {"x28", 224, 8, true},
		{"t4", 232, 8, false}, {"x29", 232, 8, true},
		{"t5", 240, 8, false}, {"x30", 240, 8, true},
		{"t6", 248, 8, false}, {"x31", 248, 8, true},
	};

	check_regs(rv, want, KDL_ARRAY_SIZE(want));
	/* every 8-byte slot of pr_reg has exactly one register */
	check_layout(rv, 32);
}

/* Where gdb and crash look for the registers in NT_PRSTATUS. */
static void test_prstatus_offsets(void)
{
	CHECK_EQ(desc_at(rv, "pc"), 112);
	CHECK_EQ(desc_at(rv, "ra"), 112 + 8);
	CHECK_EQ(desc_at(rv, "t6"), 112 + 31 * 8);
	CHECK_EQ(desc_at(rv, "x31"), desc_at(rv, "t6"));
	CHECK_EQ(desc_at(rv, "fp"), 112 + 8 * 8);
	/* x0 is hardwired to zero: pr_reg has pc in its place */
	CHECK(kdl_arch_reg(rv, "x0") == NULL);
}

int main(void)
{
	test_entry();
	test_registers();
	test_prstatus_offsets();
	return check_done("arch/riscv64");
}
