/* arch: the machines whose dumps can be written, one file each, listed
 * in arch.c.  An architecture gives the ELF header its machine and byte
 * order, the dump its default page size, the kdump-compressed header its
 * utsname machine and the bound of its bitmaps, NT_PRSTATUS the layout
 * of its registers, and, where done, the walk of the dumped kernel's page
 * tables that turns its virtual addresses into physical ones. */
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

/* ---- the dumped kernel's virtual addresses ---- */

/* n bytes of the dumped machine's physical memory at phys into buf: 0; 1
 * when some of them are not in the dump; -1 on a failure, with a message
 * on the context the reader was made for. */
typedef int kdl_phys_read_fn(void *arg, uint64_t phys, void *buf, size_t n);

/* A VMCOREINFO entry as a number: SYMBOL(...) and KERNELOFFSET in hex,
 * the rest in decimal, a negative one in two's complement.  1 with
 * *value set; 0 when the VMCOREINFO has no such entry; -1 when its value
 * is no number, with a message on ctx. */
typedef int kdl_kinfo_fn(kdl_ctx *ctx, void *arg, const char *key,
                         uint64_t *value);

/* A kernel's address translation: the caller sets read, arg and
 * page_size, the architecture's vtop_init the rest from the VMCOREINFO. */
struct kdl_vtop {
	kdl_phys_read_fn *read;
	void *arg;
	uint32_t page_size; /* of the dump */
	uint64_t root;        /* physical address of the top page table */
	unsigned levels;      /* of page tables */
	uint64_t entry_mask;  /* the address bits of a page-table entry */
	/* the lowest kernel virtual address: what lies below is no kernel
	 * pointer (makedumpfile's KVBASE) */
	uint64_t kernel_start;
};

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
	/* The kernel's page-table walk, NULL where not done.  vtop_init
	 * reads what the walk needs of the VMCOREINFO through info (a
	 * missing entry is KDL_ERR_UNSUPPORTED naming it); vtop turns vaddr
	 * into *paddr, *len the bytes from it to the end of the page that
	 * maps it, whatever that page's size.  A page table the dump lacks
	 * or an address not mapped is KDL_ERR_CORRUPT naming the address. */
	int (*vtop_init)(kdl_ctx *ctx, struct kdl_vtop *vt, kdl_kinfo_fn *info,
	                 void *info_arg);
	int (*vtop)(kdl_ctx *ctx, const struct kdl_vtop *vt, uint64_t vaddr,
	            uint64_t *paddr, uint64_t *len);
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
