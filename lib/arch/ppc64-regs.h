/* pt_regs of 64-bit POWER, which ppc64 and ppc64le share: pr_reg is
 * struct pt_regs padded to ELF_NGREG (48)
 * (arch/powerpc/include/uapi/asm/ptrace.h, elf.h).  Each includes its own
 * copy. */
#ifndef KDL_ARCH_PPC64_REGS_H
#define KDL_ARCH_PPC64_REGS_H

#include "arch/arch.h"

static const struct kdl_reg_def ppc64_regs[] = {
	KDL_REG64("r0", 0), KDL_REG64("r1", 1), KDL_REG64("r2", 2), KDL_REG64("r3", 3),
	KDL_REG64("r4", 4), KDL_REG64("r5", 5), KDL_REG64("r6", 6), KDL_REG64("r7", 7),
	KDL_REG64("r8", 8), KDL_REG64("r9", 9), KDL_REG64("r10", 10), KDL_REG64("r11", 11),
	KDL_REG64("r12", 12), KDL_REG64("r13", 13), KDL_REG64("r14", 14), KDL_REG64("r15", 15),
	KDL_REG64("r16", 16), KDL_REG64("r17", 17), KDL_REG64("r18", 18), KDL_REG64("r19", 19),
	KDL_REG64("r20", 20), KDL_REG64("r21", 21), KDL_REG64("r22", 22), KDL_REG64("r23", 23),
	KDL_REG64("r24", 24), KDL_REG64("r25", 25), KDL_REG64("r26", 26), KDL_REG64("r27", 27),
	KDL_REG64("r28", 28), KDL_REG64("r29", 29), KDL_REG64("r30", 30), KDL_REG64("r31", 31),
	KDL_REG64("nip", 32), KDL_ALIAS64("pc", 32),
	KDL_REG64("msr", 33),
	KDL_REG64("orig_gpr3", 34), KDL_ALIAS64("or3", 34),
	KDL_REG64("ctr", 35),
	KDL_REG64("link", 36), KDL_ALIAS64("lr", 36),
	KDL_REG64("xer", 37),
	KDL_REG64("ccr", 38), KDL_ALIAS64("cr", 38),
	KDL_REG64("softe", 39),
	KDL_REG64("trap", 40),
	KDL_REG64("dar", 41),
	KDL_REG64("dsisr", 42),
	KDL_REG64("result", 43), KDL_ALIAS64("res", 43),
};

#define PPC64_PR_REG_SIZE (48 * 8)

#endif
