/* x86_64: pr_reg is struct user_regs_struct (arch/x86/include/asm/user_64.h);
 * kernel virtual addresses through 4- or 5-level page tables, walked as
 * makedumpfile's __vtop4_x86_64 walks them. */
#include <inttypes.h>

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

/* where the kernel's image is mapped (__START_KERNEL_map) */
#define KERNEL_MAP 0xffffffff80000000ull
/* the direct map's lowest address with 4 and 5 levels: makedumpfile's
 * __PAGE_OFFSET_2_6_27 and __PAGE_OFFSET_5LEVEL */
#define PAGE_OFFSET_L4 0xffff880000000000ull
#define PAGE_OFFSET_L5 0xff10000000000000ull
/* an entry's physical address: bits 12 to 51 */
#define ENTRY_MASK 0x000ffffffffff000ull
#define PAGE_PRESENT 0x001u
#define PAGE_PSE 0x080u /* a 2 MiB or 1 GiB page */

/* The kernel's first page table: its virtual address is in the kernel's
 * image, which phys_base (KASLR's physical offset) places. */
static int x86_64_vtop_init(kdl_ctx *ctx, struct kdl_vtop *vt,
                            kdl_kinfo_fn *info, void *info_arg)
{
	/* the name the kernel gave it before 4.13, then the two of now */
	static const char *const tops[] = {
		"SYMBOL(init_level4_pgt)", "SYMBOL(init_top_pgt)",
		"SYMBOL(swapper_pg_dir)",
	};
	uint64_t top = 0, phys_base, l5 = 0, sme = 0;
	const char *name = NULL;
	int r;

	if (vt->page_size != 4096)
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "x86_64 pages are 4096 bytes, not %" PRIu32,
		               vt->page_size);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(tops) && !name; i++) {
		r = info(ctx, info_arg, tops[i], &top);
		if (r < 0)
			return -1;
		if (r)
			name = tops[i];
	}
	if (!name)
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "the VMCOREINFO has no SYMBOL(init_top_pgt)");
	r = info(ctx, info_arg, "NUMBER(phys_base)", &phys_base);
	if (r <= 0)
		return r ? -1 : kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		                        "the VMCOREINFO has no NUMBER(phys_base)");
	if (info(ctx, info_arg, "NUMBER(pgtable_l5_enabled)", &l5) < 0 ||
	    info(ctx, info_arg, "NUMBER(sme_mask)", &sme) < 0)
		return -1;
	if (top < KERNEL_MAP || top % 4096)
		return kdl_err(ctx, KDL_ERR_CORRUPT,
		               "the VMCOREINFO's %s=%" PRIx64 " is no page of the kernel's image",
		               name, top);
	/* phys_base may be negative: the sum wraps as the kernel's does */
	vt->root = top - KERNEL_MAP + phys_base;
	vt->levels = l5 ? 5 : 4;
	/* memory encryption's bit is no address bit */
	vt->entry_mask = ENTRY_MASK & ~sme;
	vt->kernel_start = l5 ? PAGE_OFFSET_L5 : PAGE_OFFSET_L4;
	return 0;
}

static const char *table_name(unsigned level, unsigned levels)
{
	static const char *const names[] = {"PTE", "PMD", "PUD", "P4D", "PGD"};

	return level == levels ? "PGD" : names[level - 1];
}

/* From the top table down, 9 bits of the address a level; a PUD or PMD
 * entry with PSE maps a 1 GiB or 2 MiB page, a PTE a 4 KiB one. */
static int x86_64_vtop(kdl_ctx *ctx, const struct kdl_vtop *vt,
                       uint64_t vaddr, uint64_t *paddr, uint64_t *len)
{
	uint64_t table = vt->root;

	for (unsigned level = vt->levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t at = table + (vaddr >> shift) % 512 * 8, entry, size;
		uint8_t raw[8];
		int r = vt->read(vt->arg, at, raw, sizeof(raw));

		if (r < 0)
			return -1;
		if (r)
			return kdl_err(ctx, KDL_ERR_CORRUPT,
			               "the %s page table at physical 0x%" PRIx64
			               " is not in the dump (translating 0x%" PRIx64 ")",
			               table_name(level, vt->levels), at & ~(uint64_t)4095, vaddr);
		entry = kdl_get64le(raw);
		if (!(entry & PAGE_PRESENT))
			return kdl_err(ctx, KDL_ERR_CORRUPT,
			               "kernel address 0x%" PRIx64 " is not mapped: its %s entry"
			               " at physical 0x%" PRIx64 " is 0x%" PRIx64,
			               vaddr, table_name(level, vt->levels), at, entry);
		if (level == 1 || (level <= 3 && (entry & PAGE_PSE))) {
			size = 1ull << shift;
			*paddr = (entry & vt->entry_mask & ~(size - 1)) + vaddr % size;
			*len = size - vaddr % size;
			return 0;
		}
		table = entry & vt->entry_mask;
	}
	return kdl_err(ctx, KDL_ERR_INVALID, "no page-table levels to walk");
}

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
	.vtop_init = x86_64_vtop_init,
	.vtop = x86_64_vtop,
};
