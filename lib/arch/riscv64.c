/* riscv64: pr_reg is struct user_regs_struct
 * (arch/riscv/include/uapi/asm/ptrace.h): pc, then x1 to x31, so that xN
 * is at index N. */
#include "arch/arch.h"

static const struct kdl_reg_def regs[] = {
	KDL_REG64("pc", 0),
	KDL_REG64("ra", 1), KDL_ALIAS64("x1", 1), KDL_REG64("sp", 2), KDL_ALIAS64("x2", 2),
	KDL_REG64("gp", 3), KDL_ALIAS64("x3", 3), KDL_REG64("tp", 4), KDL_ALIAS64("x4", 4),
	KDL_REG64("t0", 5), KDL_ALIAS64("x5", 5), KDL_REG64("t1", 6), KDL_ALIAS64("x6", 6),
	KDL_REG64("t2", 7), KDL_ALIAS64("x7", 7),
	KDL_REG64("s0", 8), KDL_ALIAS64("fp", 8), KDL_ALIAS64("x8", 8), KDL_REG64("s1", 9), KDL_ALIAS64("x9", 9),
	KDL_REG64("a0", 10), KDL_ALIAS64("x10", 10), KDL_REG64("a1", 11), KDL_ALIAS64("x11", 11),
	KDL_REG64("a2", 12), KDL_ALIAS64("x12", 12), KDL_REG64("a3", 13), KDL_ALIAS64("x13", 13),
	KDL_REG64("a4", 14), KDL_ALIAS64("x14", 14), KDL_REG64("a5", 15), KDL_ALIAS64("x15", 15),
	KDL_REG64("a6", 16), KDL_ALIAS64("x16", 16), KDL_REG64("a7", 17), KDL_ALIAS64("x17", 17),
	KDL_REG64("s2", 18), KDL_ALIAS64("x18", 18), KDL_REG64("s3", 19), KDL_ALIAS64("x19", 19),
	KDL_REG64("s4", 20), KDL_ALIAS64("x20", 20), KDL_REG64("s5", 21), KDL_ALIAS64("x21", 21),
	KDL_REG64("s6", 22), KDL_ALIAS64("x22", 22), KDL_REG64("s7", 23), KDL_ALIAS64("x23", 23),
	KDL_REG64("s8", 24), KDL_ALIAS64("x24", 24), KDL_REG64("s9", 25), KDL_ALIAS64("x25", 25),
	KDL_REG64("s10", 26), KDL_ALIAS64("x26", 26), KDL_REG64("s11", 27), KDL_ALIAS64("x27", 27),
	KDL_REG64("t3", 28), KDL_ALIAS64("x28", 28), KDL_REG64("t4", 29), KDL_ALIAS64("x29", 29),
	KDL_REG64("t5", 30), KDL_ALIAS64("x30", 30), KDL_REG64("t6", 31), KDL_ALIAS64("x31", 31),
};

const struct kdl_arch kdl_arch_riscv64 = {
	.info = {
		.name = "riscv64",
		.summary = "64-bit RISC-V",
	},
	.e_machine = 243,
	.page_size = 4096,
	.uts_machine = "riscv64",
	.phys_bits = 56,
	.pr_reg_size = 32 * 8,
	.regs = regs,
	.nregs = KDL_ARRAY_SIZE(regs),
};
