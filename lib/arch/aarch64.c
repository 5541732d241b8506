/* aarch64: pr_reg is struct user_pt_regs (arch/arm64/include/uapi/asm/ptrace.h). */
#include "arch/arch.h"

static const struct kdl_reg_def regs[] = {
	KDL_REG64("x0", 0), KDL_REG64("x1", 1), KDL_REG64("x2", 2), KDL_REG64("x3", 3),
	KDL_REG64("x4", 4), KDL_REG64("x5", 5), KDL_REG64("x6", 6), KDL_REG64("x7", 7),
	KDL_REG64("x8", 8), KDL_REG64("x9", 9), KDL_REG64("x10", 10), KDL_REG64("x11", 11),
	KDL_REG64("x12", 12), KDL_REG64("x13", 13), KDL_REG64("x14", 14), KDL_REG64("x15", 15),
	KDL_REG64("x16", 16), KDL_REG64("x17", 17), KDL_REG64("x18", 18), KDL_REG64("x19", 19),
	KDL_REG64("x20", 20), KDL_REG64("x21", 21), KDL_REG64("x22", 22), KDL_REG64("x23", 23),
	KDL_REG64("x24", 24), KDL_REG64("x25", 25), KDL_REG64("x26", 26), KDL_REG64("x27", 27),
	KDL_REG64("x28", 28), KDL_REG64("x29", 29), KDL_ALIAS64("fp", 29),
	KDL_REG64("x30", 30), KDL_ALIAS64("lr", 30),
	KDL_REG64("sp", 31), KDL_REG64("pc", 32), KDL_REG64("pstate", 33),
};

const struct kdl_arch kdl_arch_aarch64 = {
	.info = {
		.name = "aarch64",
		.alias = "arm64",
		.summary = "64-bit Arm",
	},
	.e_machine = 183,
	.page_size = 4096,
	.uts_machine = "aarch64",
	.phys_bits = 52,
	.pr_reg_size = 34 * 8,
	.regs = regs,
	.nregs = KDL_ARRAY_SIZE(regs),
};
