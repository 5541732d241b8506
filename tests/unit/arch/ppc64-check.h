/* What ppc64 and ppc64le share, for tests/unit/arch/ppc64.c and
 * ppc64le.c: pr_reg is struct pt_regs of
 * arch/powerpc/include/uapi/asm/ptrace.h padded to ELF_NGREG (48) slots. */
#ifndef PPC64_CHECK_H
#define PPC64_CHECK_H

#include "arch-check.h"

static const struct kdl_reg_def ppc64_want[] = {
	{"r0", 0, 8, false},    {"r1", 8, 8, false},    {"r2", 16, 8, false},
	{"r3", 24, 8, false},   {"r4", 32, 8, false},   {"r5", 40, 8, false},
	{"r6", 48, 8, false},   {"r7", 56, 8, false},   {"r8", 64, 8, false},
	{"r9", 72, 8, false},   {"r10", 80, 8, false},  {"r11", 88, 8, false},
	{"r12", 96, 8, false},  {"r13", 104, 8, false}, {"r14", 112, 8, false},
	{"r15", 120, 8, false}, {"r16", 128, 8, false}, {"r17", 136, 8, false},
	{"r18", 144, 8, false}, {"r19", 152, 8, false}, {"r20", 160, 8, false},
	{"r21", 168, 8, false}, {"r22", 176, 8, false}, {"r23", 184, 8, false},
	{"r24", 192, 8, false}, {"r25", 200, 8, false}, {"r26", 208, 8, false},
	{"r27", 216, 8, false}, {"r28", 224, 8, false}, {"r29", 232, 8, false},
	{"r30", 240, 8, false}, {"r31", 248, 8, false},
	{"nip", 256, 8, false}, {"pc", 256, 8, true},
	{"msr", 264, 8, false},
	{"orig_gpr3", 272, 8, false}, {"or3", 272, 8, true},
	{"ctr", 280, 8, false},
	{"link", 288, 8, false}, {"lr", 288, 8, true},
	{"xer", 296, 8, false},
	{"ccr", 304, 8, false}, {"cr", 304, 8, true},
	{"softe", 312, 8, false},
	{"trap", 320, 8, false},
	{"dar", 328, 8, false},
	{"dsisr", 336, 8, false},
	{"result", 344, 8, false}, {"res", 344, 8, true},
};

static inline void check_ppc64_registers(const struct kdl_arch *arch)
{
	check_regs(arch, ppc64_want, KDL_ARRAY_SIZE(ppc64_want));
	/* pt_regs has 44 slots of ELF_NGREG's 48: the rest stays zero */
	check_layout(arch, 44);
	CHECK_EQ(arch->regs[arch->nregs - 1].offset, 43 * 8);
}

/* Where gdb and crash look for the registers in NT_PRSTATUS, by name
 * and by alias. */
static inline void check_ppc64_prstatus_offsets(const struct kdl_arch *arch)
{
	CHECK_EQ(desc_at(arch, "nip"), 112 + 32 * 8);
	CHECK_EQ(desc_at(arch, "pc"), 112 + 32 * 8);
	CHECK_EQ(desc_at(arch, "link"), 112 + 36 * 8);
	CHECK_EQ(desc_at(arch, "lr"), 112 + 36 * 8);
	CHECK_EQ(desc_at(arch, "or3"), 112 + 34 * 8);
	CHECK_EQ(desc_at(arch, "cr"), 112 + 38 * 8);
	CHECK_EQ(desc_at(arch, "dsisr"), 112 + 42 * 8);
	CHECK_EQ(desc_at(arch, "result"), 112 + 43 * 8);
}

#endif
