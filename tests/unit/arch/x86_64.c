/* arch/x86_64.c: the x86_64 entry, the default architecture, and its
 * pr_reg laid out as struct user_regs_struct of
 * arch/x86/include/asm/user_64.h. */
#include "arch-check.h"

static const struct kdl_arch *const x86 = &kdl_arch_x86_64;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "x86_64",
		.summary = "64-bit x86",
		.is_default = 1,
		.e_machine = 62, /* EM_X86_64 */
		.big_endian = false,
		.page_size = 4096,
		.uts_machine = "x86_64",
		.phys_bits = 52, /* MAX_PHYSMEM_BITS with 5-level paging */
		.pr_reg_size = 27 * 8,
		.prstatus_size = 336,
	};

	check_entry(x86, &want);
}

static void test_registers(void)
{
	static const struct kdl_reg_def want[] = {
		{"r15", 0, 8, false},       {"r14", 8, 8, false},
		{"r13", 16, 8, false},      {"r12", 24, 8, false},
		{"rbp", 32, 8, false},      {"rbx", 40, 8, false},
		{"r11", 48, 8, false},      {"r10", 56, 8, false},
		{"r9", 64, 8, false},       {"r8", 72, 8, false},
		{"rax", 80, 8, false},      {"rcx", 88, 8, false},
		{"rdx", 96, 8, false},      {"rsi", 104, 8, false},
		{"rdi", 112, 8, false},     {"orig_rax", 120, 8, false},
		{"rip", 128, 8, false},     {"cs", 136, 8, false},
		{"eflags", 144, 8, false},  {"rflags", 144, 8, true},
		{"rsp", 152, 8, false},     {"ss", 160, 8, false},
		{"fs_base", 168, 8, false}, {"fs.base", 168, 8, true},
		{"gs_base", 176, 8, false}, {"gs.base", 176, 8, true},
		{"ds", 184, 8, false},      {"es", 192, 8, false},
		{"fs", 200, 8, false},      {"gs", 208, 8, false},
	};

	check_regs(x86, want, KDL_ARRAY_SIZE(want));
	/* every 8-byte slot of pr_reg has exactly one register */
	check_layout(x86, 27);
}

/* Where gdb and crash look for the registers in NT_PRSTATUS. */
static void test_prstatus_offsets(void)
{
	CHECK_EQ(KDL_PRSTATUS_FIXED, 112);
	CHECK_EQ(desc_at(x86, "rip"), 112 + 16 * 8);
	CHECK_EQ(desc_at(x86, "rsp"), 112 + 19 * 8);
	CHECK_EQ(desc_at(x86, "gs"), 112 + 26 * 8);
	CHECK_EQ(desc_at(x86, "r15"), 112);
	CHECK_EQ(desc_at(x86, "eflags"), 112 + 18 * 8);
	CHECK_EQ(desc_at(x86, "RFLAGS"), 112 + 18 * 8);
	CHECK_EQ(desc_at(x86, "fs.base"), 112 + 21 * 8);
	CHECK_EQ(desc_at(x86, "gs_base"), 112 + 22 * 8);
	CHECK(kdl_arch_reg(x86, "rflags")->alias);
	CHECK(!kdl_arch_reg(x86, "eflags")->alias);
	CHECK(kdl_arch_reg(x86, "x0") == NULL);
}

int main(void)
{
	test_entry();
	test_registers();
	test_prstatus_offsets();
	return check_done("arch/x86_64");
}
