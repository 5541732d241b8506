/* aarch64: pr_reg is struct user_pt_regs (arch/arm64/include/uapi/asm/ptrace.h). */
#include "arch/arch.h"

#define R(name, index) {name, (index) * 8, 8, false}
#define ALIAS(name, index) {name, (index) * 8, 8, true}

static const struct kdl_reg_def regs[] = {
	R("x0", 0), R("x1", 1), R("x2", 2), R("x3", 3),
	R("x4", 4), R("x5", 5), R("x6", 6), R("x7", 7),
	R("x8", 8), R("x9", 9), R("x10", 10), R("x11", 11),
	R("x12", 12), R("x13", 13), R("x14", 14), R("x15", 15),
	R("x16", 16), R("x17", 17), R("x18", 18), R("x19", 19),
	R("x20", 20), R("x21", 21), R("x22", 22), R("x23", 23),
	R("x24", 24), R("x25", 25), R("x26", 26), R("x27", 27),
	R("x28", 28), R("x29", 29), ALIAS("fp", 29),
	R("x30", 30), ALIAS("lr", 30),
	R("sp", 31), R("pc", 32), R("pstate", 33),
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
	.pr_reg_size = 34 * 8,
	.regs = regs,
	.nregs = sizeof(regs) / sizeof(regs[0]),
};
