/* x86_64: pr_reg is struct user_regs_struct (arch/x86/include/asm/user_64.h). */
#include "arch/arch.h"

static const struct kdl_reg_def regs[] = {
	KDL_REG64("r15", 0), KDL_REG64("r14", 1), KDL_REG64("r13", 2), KDL_REG64("r12", 3),
	KDL_REG64("rbp", 4), KDL_REG64("rbx", 5), KDL_REG64("r11", 6), KDL_REG64("r10", 7),
	KDL_REG64("r9", 8), KDL_REG64("r8", 9), KDL_REG64("rax", 10), KDL_REG64("rcx", 11),
	KDL_REG64("rdx", 12), KDL_REG64("rsi", 13), KDL_REG64("rdi", 14), KDL_REG64("orig_rax", 15),
	KDL_REG64("rip", 16), KDL_REG64("cs", 17), KDL_REG64("eflags", 18), KDL_ALIAS64("rflags", 18),
	KDL_REG64("rsp", 19), KDL_REG64("ss", 20),
	KDL_REG64("fs_base", 21), KDL_ALIAS64("fs.base", 21),
	KDL_REG64("gs_base", 22), KDL_ALIAS64("gs.base", 22),
	KDL_REG64("ds", 23), KDL_REG64("es", 24), KDL_REG64("fs", 25), KDL_REG64("gs", 26),
};

const struct kdl_arch kdl_arch_x86_64 = {
	.info = {
		.name = "x86_64",
		.summary = "64-bit x86",
		.is_default = 1,
	},
	.e_machine = 62,
	.page_size = 4096,
	.uts_machine = "x86_64",
	.phys_bits = 52,
	.pr_reg_size = 27 * 8,
	.regs = regs,
	.nregs = KDL_ARRAY_SIZE(regs),
};
