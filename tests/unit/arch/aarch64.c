/* arch/aarch64.c: the aarch64 entry, also called arm64, and its pr_reg
 * laid out as struct user_pt_regs of arch/arm64/include/uapi/asm/ptrace.h. */
#include "arch-check.h"

static const struct kdl_arch *const arm = &kdl_arch_aarch64;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "aarch64",
		.alias = "arm64",
		.summary = "64-bit Arm",
		.e_machine = 183, /* EM_AARCH64 */
		.big_endian = false,
		.page_size = 4096,
		.uts_machine = "aarch64",
		.phys_bits = 52, /* with 52-bit physical addresses (FEAT_LPA) */
		.pr_reg_size = 34 * 8,
		.prstatus_size = 392,
	};

	check_entry(arm, &want);
}

static void test_registers(void)
{
	static const struct kdl_reg_def want[] = {
		{"x0", 0, 8, false},   {"x1", 8, 8, false},   {"x2", 16, 8, false},
		{"x3", 24, 8, false},  {"x4", 32, 8, false},  {"x5", 40, 8, false},
		{"x6", 48, 8, false},  {"x7", 56, 8, false},  {"x8", 64, 8, false},
		{"x9", 72, 8, false},  {"x10", 80, 8, false}, {"x11", 88, 8, false},
		{"x12", 96, 8, false}, {"x13", 104, 8, false}, {"x14", 112, 8, false},
		{"x15", 120, 8, false}, {"x16", 128, 8, false}, {"x17", 136, 8, false},
		{"x18", 144, 8, false}, {"x19", 152, 8, false}, {"x20", 160, 8, false},
		{"x21", 168, 8, false}, {"x22", 176, 8, false}, {"x23", 184, 8, false},
		{"x24", 192, 8, false}, {"x25", 200, 8, false}, {"x26", 208, 8, false},
		{"x27", 216, 8, false}, {"x28", 224, 8, false},
		{"x29", 232, 8, false}, {"fp", 232, 8, true},
		{"x30", 240, 8, false}, {"lr", 240, 8, true},
		{"sp", 248, 8, false},  {"pc", 256, 8, false},  {"pstate", 264, 8, false},
	};

	check_regs(arm, want, KDL_ARRAY_SIZE(want));
	/* every 8-byte slot of pr_reg has exactly one register */
	check_layout(arm, 34);
}

/* Where gdb and crash look for the registers in NT_PRSTATUS. */
static void test_prstatus_offsets(void)
{
	CHECK_EQ(desc_at(arm, "x0"), 112);
	CHECK_EQ(desc_at(arm, "sp"), 112 + 31 * 8);
	CHECK_EQ(desc_at(arm, "pstate"), 112 + 33 * 8);
	CHECK_EQ(desc_at(arm, "pc"), 112 + 32 * 8);
	CHECK_EQ(desc_at(arm, "fp"), desc_at(arm, "x29"));
	CHECK_EQ(desc_at(arm, "LR"), 112 + 30 * 8);
	CHECK(kdl_arch_reg(arm, "rip") == NULL);
}

int main(void)
{
	test_entry();
	test_registers();
	test_prstatus_offsets();
	return check_done("arch/aarch64");
}
