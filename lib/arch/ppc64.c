/* ppc64: 64-bit POWER, big-endian. */
#include "arch/ppc64-regs.h"

const struct kdl_arch kdl_arch_ppc64 = {
	.info = {
		.name = "ppc64",
		.summary = "64-bit POWER, big-endian",
	},
	.e_machine = 21,
	.big_endian = true,
	.page_size = 65536,
	.uts_machine = "ppc64",
	.phys_bits = 51,
	.pr_reg_size = PPC64_PR_REG_SIZE,
	.regs = ppc64_regs,
	.nregs = KDL_ARRAY_SIZE(ppc64_regs),
};
