/* x86_64: pr_reg is struct user_regs_struct (arch/x86/include/asm/user_64.h). */
#include "arch/arch.h"

#define R(name, index) {name, (index) * 8, 8, false}
#define ALIAS(name, index) {name, (index) * 8, 8, true}

static const struct kdl_reg_def regs[] = {
	R("r15", 0), R("r14", 1), R("r13", 2), R("r12", 3),
	R("rbp", 4), R("rbx", 5), R("r11", 6), R("r10", 7),
	R("r9", 8), R("r8", 9), R("rax", 10), R("rcx", 11),
	R("rdx", 12), R("rsi", 13), R("rdi", 14), R("orig_rax", 15),
	R("rip", 16), R("cs", 17), R("eflags", 18), ALIAS("rflags", 18),
	R("rsp", 19), R("ss", 20),
	R("fs_base", 21), ALIAS("fs.base", 21),
	R("gs_base", 22), ALIAS("gs.base", 22),
	R("ds", 23), R("es", 24), R("fs", 25), R("gs", 26),
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
	.pr_reg_size = 27 * 8,
	.regs = regs,
	.nregs = sizeof(regs) / sizeof(regs[0]),
};
