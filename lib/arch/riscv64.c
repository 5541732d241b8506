/* riscv64: pr_reg is struct user_regs_struct
 * (arch/riscv/include/uapi/asm/ptrace.h): pc, then x1 to x31, so that xN
 * is at index N. */
#include "arch/arch.h"

#define R(name, index) {name, (index) * 8, 8, false}
#define ALIAS(name, index) {name, (index) * 8, 8, true}

static const struct kdl_reg_def regs[] = {
	R("pc", 0),
	R("ra", 1), ALIAS("x1", 1), R("sp", 2), ALIAS("x2", 2),
	R("gp", 3), ALIAS("x3", 3), R("tp", 4), ALIAS("x4", 4),
	R("t0", 5), ALIAS("x5", 5), R("t1", 6), ALIAS("x6", 6),
	R("t2", 7), ALIAS("x7", 7),
	R("s0", 8), ALIAS("fp", 8), ALIAS("x8", 8), R("s1", 9), ALIAS("x9", 9),
	R("a0", 10), ALIAS("x10", 10), R("a1", 11), ALIAS("x11", 11),
	R("a2", 12), ALIAS("x12", 12), R("a3", 13), ALIAS("x13", 13),
	R("a4", 14), ALIAS("x14", 14), R("a5", 15), ALIAS("x15", 15),
	R("a6", 16), ALIAS("x16", 16), R("a7", 17), ALIAS("x17", 17),
	R("s2", 18), ALIAS("x18", 18), R("s3", 19), ALIAS("x19", 19),
	R("s4", 20), ALIAS("x20", 20), R("s5", 21), ALIAS("x21", 21),
	R("s6", 22), ALIAS("x22", 22), R("s7", 23), ALIAS("x23", 23),
	R("s8", 24), ALIAS("x24", 24), R("s9", 25), ALIAS("x25", 25),
	R("s10", 26), ALIAS("x26", 26), R("s11", 27), ALIAS("x27", 27),
	R("t3", 28), ALIAS("x28", 28), R("t4", 29), ALIAS("x29", 29),
	R("t5", 30), ALIAS("x30", 30), R("t6", 31), ALIAS("x31", 31),
};

const struct kdl_arch kdl_arch_riscv64 = {
	.info = {
		.name = "riscv64",
		.summary = "64-bit RISC-V",
	},
	.e_machine = 243,
	.page_size = 4096,
	.uts_machine = "riscv64",
	.pr_reg_size = 32 * 8,
	.regs = regs,
	.nregs = sizeof(regs) / sizeof(regs[0]),
};
