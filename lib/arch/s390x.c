/* s390x: pr_reg is s390_regs (arch/s390/include/asm/elf.h): the PSW, 16
 * general registers, 16 32-bit access registers and orig_gpr2. */
#include "arch/arch.h"

#define R(name, off, size) {name, off, size, false}
#define ALIAS(name, off, size) {name, off, size, true}
#define GPR(n) R("r" #n, 16 + 8 * (n), 8)
#define ACR(n) R("a" #n, 144 + 4 * (n), 4)

static const struct kdl_reg_def regs[] = {
	R("pswm", 0, 8), ALIAS("psw.mask", 0, 8),
	R("pswa", 8, 8), ALIAS("psw.addr", 8, 8),
	GPR(0), GPR(1), GPR(2), GPR(3), GPR(4), GPR(5), GPR(6), GPR(7),
	GPR(8), GPR(9), GPR(10), GPR(11), GPR(12), GPR(13), GPR(14), GPR(15),
	ACR(0), ACR(1), ACR(2), ACR(3), ACR(4), ACR(5), ACR(6), ACR(7),
	ACR(8), ACR(9), ACR(10), ACR(11), ACR(12), ACR(13), ACR(14), ACR(15),
	R("orig_gpr2", 208, 8), ALIAS("orig_r2", 208, 8),
};

const struct kdl_arch kdl_arch_s390x = {
	.info = {
		.name = "s390x",
		.summary = "IBM Z",
	},
	.e_machine = 22,
	.big_endian = true,
	.page_size = 4096,
	.uts_machine = "s390x",
	.phys_bits = 46,
	.pr_reg_size = 216,
	.regs = regs,
	.nregs = KDL_ARRAY_SIZE(regs),
};
