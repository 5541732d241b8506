/* ppc64 and ppc64le: pr_reg is struct pt_regs padded to ELF_NGREG (48)
 * (arch/powerpc/include/uapi/asm/ptrace.h, elf.h).  The two differ only in
 * byte order and the machine name. */
#include "arch/arch.h"

#define R(name, index) {name, (index) * 8, 8, false}
#define ALIAS(name, index) {name, (index) * 8, 8, true}

static const struct kdl_reg_def regs[] = {
	R("r0", 0), R("r1", 1), R("r2", 2), R("r3", 3),
	R("r4", 4), R("r5", 5), R("r6", 6), R("r7", 7),
	R("r8", 8), R("r9", 9), R("r10", 10), R("r11", 11),
	R("r12", 12), R("r13", 13), R("r14", 14), R("r15", 15),
	R("r16", 16), R("r17", 17), R("r18", 18), R("r19", 19),
	R("r20", 20), R("r21", 21), R("r22", 22), R("r23", 23),
	R("r24", 24), R("r25", 25), R("r26", 26), R("r27", 27),
	R("r28", 28), R("r29", 29), R("r30", 30), R("r31", 31),
	R("nip", 32), ALIAS("pc", 32),
	R("msr", 33),
	R("orig_gpr3", 34), ALIAS("or3", 34),
	R("ctr", 35),
	R("link", 36), ALIAS("lr", 36),
	R("xer", 37),
	R("ccr", 38), ALIAS("cr", 38),
	R("softe", 39),
	R("trap", 40),
	R("dar", 41),
	R("dsisr", 42),
	R("result", 43), ALIAS("res", 43),
};

const struct kdl_arch kdl_arch_ppc64 = {
	.info = {
		.name = "ppc64",
		.summary = "64-bit POWER, big-endian",
	},
	.e_machine = 21,
	.big_endian = true,
	.page_size = 65536,
	.uts_machine = "ppc64",
	.pr_reg_size = 48 * 8,
	.regs = regs,
	.nregs = sizeof(regs) / sizeof(regs[0]),
};

const struct kdl_arch kdl_arch_ppc64le = {
	.info = {
		.name = "ppc64le",
		.summary = "64-bit POWER, little-endian",
	},
	.e_machine = 21,
	.page_size = 65536,
	.uts_machine = "ppc64le",
	.pr_reg_size = 48 * 8,
	.regs = regs,
	.nregs = sizeof(regs) / sizeof(regs[0]),
};
