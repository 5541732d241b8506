/* ppc64le: 64-bit POWER, little-endian; ppc64 but for the byte order
 * and the machine name. */
#include "arch/ppc64-regs.h"

const struct kdl_arch kdl_arch_ppc64le = {
	.info = {
		.name = "ppc64le",
		.summary = "64-bit POWER, little-endian",
	},
	.e_machine = 21,
	.page_size = 65536,
	.uts_machine = "ppc64le",
	.phys_bits = 51,
	.pr_reg_size = PPC64_PR_REG_SIZE,
	.regs = ppc64_regs,
	.nregs = KDL_ARRAY_SIZE(ppc64_regs),
};
