/* arch: the machines whose dumps can be written, one file each, listed
 * in arch.c.  An architecture gives the ELF header its machine and byte
 * order, the dump its default page size, the kdump-compressed header its
 * utsname machine and the bound of its bitmaps, and NT_PRSTATUS the
 * layout of its registers. */
#ifndef KDL_ARCH_H
#define KDL_ARCH_H

#include "base/base.h"

struct kdl_reg_def {
	const char *name;
	uint16_t offset; /* within pr_reg */
	uint8_t size;    /* bytes */
	bool alias;      /* another name for the entry before it */
};

/* The index-th 8-byte word of pr_reg, and another name for the one
 * before: how most architectures lay their registers out. */
#define KDL_REG64(name, index) {name, (index) * 8, 8, false}
#define KDL_ALIAS64(name, index) {name, (index) * 8, 8, true}

struct kdl_arch {
	struct kdl_entry info; /* first: the table holds &info */
	uint16_t e_machine;
	bool big_endian;
	uint32_t page_size;
	const char *uts_machine;
	/* the kernel's MAX_PHYSMEM_BITS at its largest: no RAM lies above
	 * 2^phys_bits */
	unsigned phys_bits;
	uint32_t pr_reg_size;
	const struct kdl_reg_def *regs;
	size_t nregs;
};

extern const struct kdl_arch kdl_arch_x86_64;
extern const struct kdl_arch kdl_arch_aarch64;
extern const struct kdl_arch kdl_arch_s390x;
extern const struct kdl_arch kdl_arch_ppc64;
extern const struct kdl_arch kdl_arch_ppc64le;
extern const struct kdl_arch kdl_arch_riscv64;

/* By name or alias, or NULL. */
const struct kdl_arch *kdl_arch_find(const char *name);
/* The one an ELF header names: its e_machine, and its byte order (which
 * alone tells ppc64 from ppc64le); or NULL. */
const struct kdl_arch *kdl_arch_by_machine(uint16_t e_machine, bool big_endian);
/* What a dump without a named architecture is. */
const struct kdl_arch *kdl_arch_default(void);
/* A register by name or alias, any case, or NULL. */
const struct kdl_reg_def *kdl_arch_reg(const struct kdl_arch *arch,
                                       const char *name);
/* Whether some architecture has a register of this name. */
bool kdl_register_known_anywhere(const char *reg);

#endif
