/* A fake x86_64 kernel for the tests of filter/: Debian 12's 6.1 as its
 * VMCOREINFO describes it (each entry changeable), its page tables, its
 * mem_section (SPARSEMEM_EXTREME with vmemmap, plain SPARSEMEM) or
 * FLATMEM's mem_map, and its struct pages, built in a fake memory. */
#ifndef FILTER_CHECK_H
#define FILTER_CHECK_H

#include <inttypes.h>
#include <stdarg.h>

#include "arch/x86_64-fake.h"
#include "filter/kernel.h"

/* Debian 12's kernel: struct page and its flags */
#define SP 64 /* SIZE(page) */
#define PG_LRU (1ull << 4)
#define PG_SLAB (1ull << 9)
#define PG_SWAPCACHE (1ull << 10)
#define PG_PRIVATE (1ull << 13)
#define PG_HEAD (1ull << 16)
#define PG_SWAPBACKED (1ull << 19)
#define PG_HWPOISON (1ull << 23)
#define BUDDY 0xffffff7fu   /* PAGE_BUDDY_MAPCOUNT_VALUE, -129 */
#define OFFLINE 0xfffffeffu /* PAGE_OFFLINE_MAPCOUNT_VALUE, -257 */
#define FILE_MAPPING UINT64_C(0xffff888001234560)
#define ANON_MAPPING UINT64_C(0xffff888001234561)
#define PER_SECTION 32768u /* pages of 2^27 bytes */

/* where things are, physical */
#define K_TOP_SYM UINT64_C(0xffffffff82c0a000)
#define K_TOP_PHYS UINT64_C(0x1c0a000) /* with phys_base -16 MiB */
#define K_TABLES UINT64_C(0x1d00000)
#define K_ROOTS UINT64_C(0x1e00000)    /* mem_section's roots */
#define K_SECTIONS UINT64_C(0x1e01000) /* the struct mem_sections */
#define K_VAR UINT64_C(0xffffffff82f00000) /* kernel variables: mem_map, a pointer */
#define K_VAR_PHYS UINT64_C(0x1f00000)
#define K_MEMMAP UINT64_C(0x2000000)   /* the struct pages */

enum fake_model { FAKE_EXTREME, FAKE_SPARSE, FAKE_FLAT, FAKE_EXTREME_POINTER };

struct fake_kernel {
	struct fake_mem m;
	uint64_t npfns;
	uint64_t direct, vmemmap; /* the direct map's and vmemmap's bases */
	/* the VMCOREINFO: its keys, in order, and their values */
	const char *key[128];
	char value[128][40];
	bool gone[128];
	size_t nkeys;
	char text[8192];
};

static inline void fk_set(struct fake_kernel *k, const char *key, const char *fmt, ...)
	KDL_FMT(3, 4);
static inline void fk_set(struct fake_kernel *k, const char *key, const char *fmt, ...)
{
	size_t i;
	va_list ap;

	for (i = 0; i < k->nkeys && strcmp(k->key[i], key); i++)
		;
	if (i == k->nkeys)
		k->key[k->nkeys++] = key;
	k->gone[i] = !fmt;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(k->value[i], sizeof(k->value[i]), fmt, ap);
		va_end(ap);
	}
}

/* The entry is left out of the VMCOREINFO. */
static inline void fk_unset(struct fake_kernel *k, const char *key)
{
	fk_set(k, key, NULL);
}

static inline const char *fk_text(struct fake_kernel *k, size_t *len)
{
	size_t n = 0;

	for (size_t i = 0; i < k->nkeys; i++)
		if (!k->gone[i])
			n += (size_t)snprintf(k->text + n, sizeof(k->text) - n, "%s=%s\n",
			                      k->key[i], k->value[i]);
	*len = n;
	return k->text;
}

/* What Debian 12's 6.1 says of itself, less printk's and the zones'. */
static inline void fk_vmcoreinfo(struct fake_kernel *k, unsigned levels)
{
	fk_set(k, "OSRELEASE", "6.1.0-57-amd64");
	fk_set(k, "PAGESIZE", "4096");
	fk_set(k, "SYMBOL(swapper_pg_dir)", "%" PRIx64, K_TOP_SYM);
	fk_set(k, "SYMBOL(mem_section)", "%" PRIx64, k->direct + K_ROOTS);
	fk_set(k, "LENGTH(mem_section)", "%u", levels == 5 ? 262144u : 4096u);
	fk_set(k, "SIZE(mem_section)", "32");
	fk_set(k, "OFFSET(mem_section.section_mem_map)", "0");
	fk_set(k, "NUMBER(SECTION_SIZE_BITS)", "27");
	fk_set(k, "NUMBER(MAX_PHYSMEM_BITS)", "%u", levels == 5 ? 52u : 46u);
	fk_set(k, "SIZE(page)", "64");
	fk_set(k, "SIZE(pglist_data)", "174208");
	fk_set(k, "OFFSET(page.flags)", "0");
	fk_set(k, "OFFSET(page._refcount)", "52");
	fk_set(k, "OFFSET(page.mapping)", "24");
	fk_set(k, "OFFSET(page.lru)", "8");
	fk_set(k, "OFFSET(page._mapcount)", "48");
	fk_set(k, "OFFSET(page.private)", "40");
	fk_set(k, "OFFSET(page.compound_dtor)", "16");
	fk_set(k, "OFFSET(page.compound_order)", "17");
	fk_set(k, "OFFSET(page.compound_head)", "8");
	fk_set(k, "OFFSET(pglist_data.node_zones)", "0");
	fk_set(k, "OFFSET(pglist_data.node_start_pfn)", "171560");
	fk_set(k, "OFFSET(pglist_data.node_spanned_pages)", "171576");
	fk_set(k, "LENGTH(zone.free_area)", "11");
	fk_set(k, "NUMBER(PG_lru)", "4");
	fk_set(k, "NUMBER(PG_private)", "13");
	fk_set(k, "NUMBER(PG_swapcache)", "10");
	fk_set(k, "NUMBER(PG_swapbacked)", "19");
	fk_set(k, "NUMBER(PG_slab)", "9");
	fk_set(k, "NUMBER(PG_hwpoison)", "23");
	fk_set(k, "NUMBER(PG_head_mask)", "65536");
	fk_set(k, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "-129");
	fk_set(k, "NUMBER(HUGETLB_PAGE_DTOR)", "2");
	fk_set(k, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", "-257");
	fk_set(k, "NUMBER(phys_base)", "-16777216");
	fk_set(k, "SYMBOL(init_top_pgt)", "%" PRIx64, K_TOP_SYM);
	fk_set(k, "NUMBER(pgtable_l5_enabled)", "%u", levels == 5);
	fk_set(k, "SYMBOL(node_data)", "ffffffff82e393a0");
	fk_set(k, "LENGTH(node_data)", "1024");
	fk_set(k, "KERNELOFFSET", "1000000");
	fk_set(k, "NUMBER(sme_mask)", "0");
}

/* The raw section_mem_map of section nr. */
static inline void fk_section(struct fake_kernel *k, uint64_t nr, uint64_t value)
{
	fake_put64(&k->m, K_SECTIONS + nr * 32, value);
}

/* A kernel of npfns pages, all in the dump, each struct page zero: no
 * page it would leave out. */
static inline void fk_init(struct fake_kernel *k, enum fake_model model,
                           unsigned levels, uint64_t npfns)
{
	uint64_t nsec = (npfns + PER_SECTION - 1) / PER_SECTION;
	uint64_t map = (npfns * SP + (2u << 20) - 1) & ~(uint64_t)((2u << 20) - 1);
	uint64_t ram = npfns * FAKE_PAGE;

	memset(k, 0, sizeof(*k));
	k->npfns = npfns;
	k->direct = levels == 5 ? UINT64_C(0xff11000000000000) : UINT64_C(0xffff888000000000);
	k->vmemmap = levels == 5 ? UINT64_C(0xffd4000000000000) : UINT64_C(0xffffea0000000000);
	fake_tables(&k->m, levels, K_TOP_PHYS, K_TABLES);
	/* the kernel's image, 64 MiB of the direct map, the vmemmap: its
	 * first 2 MiB in 4 KiB pages, the rest in 2 MiB ones */
	fake_map_range(&k->m, UINT64_C(0xffffffff82c00000), 0x1c00000, 4u << 20, 2);
	fake_map_range(&k->m, k->direct, 0, 64u << 20, 2);
	fake_map_range(&k->m, k->vmemmap, K_MEMMAP, 2u << 20, 1);
	if (map > (2u << 20))
		fake_map_range(&k->m, k->vmemmap + (2u << 20), K_MEMMAP + (2u << 20),
		               map - (2u << 20), 2);
	if (ram < K_MEMMAP + map)
		ram = K_MEMMAP + map;
	fake_ram(&k->m, 0, ram);
	fk_vmcoreinfo(k, levels);
	/* every section present, its mem_map the vmemmap's from its first
	 * pfn: encoded, it is the vmemmap's start */
	for (uint64_t nr = 0; nr < nsec; nr++)
		fk_section(k, nr, k->vmemmap | 0x7);
	switch (model) {
	case FAKE_EXTREME:
	case FAKE_EXTREME_POINTER:
		for (uint64_t r = 0; r * 128 < nsec; r++)
			fake_put64(&k->m, K_ROOTS + r * 8, k->direct + K_SECTIONS + r * FAKE_PAGE);
		if (model == FAKE_EXTREME_POINTER) {
			fake_put64(&k->m, K_VAR_PHYS + 8, k->direct + K_ROOTS);
			fk_set(k, "SYMBOL(mem_section)", "%" PRIx64, K_VAR + 8);
		}
		break;
	case FAKE_SPARSE:
		fk_set(k, "SYMBOL(mem_section)", "%" PRIx64, k->direct + K_SECTIONS);
		fk_set(k, "LENGTH(mem_section)", "%u", levels == 5 ? 1u << 25 : 1u << 19);
		break;
	case FAKE_FLAT:
		fk_unset(k, "SYMBOL(mem_section)");
		fk_unset(k, "LENGTH(mem_section)");
		fk_unset(k, "SIZE(mem_section)");
		fk_unset(k, "OFFSET(mem_section.section_mem_map)");
		fk_set(k, "SYMBOL(mem_map)", "%" PRIx64, K_VAR);
		fake_put64(&k->m, K_VAR_PHYS, k->vmemmap);
		break;
	}
}

/* The same, once k was made: its memory freed first. */
static inline void fk_reset(struct fake_kernel *k, enum fake_model model,
                            unsigned levels, uint64_t npfns)
{
	fake_free(&k->m);
	fk_init(k, model, levels, npfns);
}

static inline uint64_t fk_page_va(const struct fake_kernel *k, uint64_t pfn)
{
	return k->vmemmap + pfn * SP;
}

/* The struct page of pfn. */
static inline void fk_page(struct fake_kernel *k, uint64_t pfn, uint64_t flags,
                           uint64_t mapping, uint32_t mapcount, uint64_t private_)
{
	uint8_t sp[SP] = {0};

	kdl_put64(sp + 0, flags, false);
	kdl_put64(sp + 24, mapping, false);
	kdl_put64(sp + 40, private_, false);
	kdl_put32(sp + 48, mapcount, false);
	fake_write(&k->m, K_MEMMAP + pfn * SP, sp, sizeof(sp));
}

/* A compound page of 2^order pages at pfn: its head's flags and
 * mapping; dtor and order in the first tail, every tail pointing at the
 * head. */
static inline void fk_compound(struct fake_kernel *k, uint64_t pfn, unsigned order,
                               uint8_t dtor, uint64_t flags, uint64_t mapping)
{
	fk_page(k, pfn, flags | PG_HEAD, mapping, 0xffffffffu, 0);
	for (uint64_t t = 1; t < (1ull << order); t++) {
		fk_page(k, pfn + t, 0, 0x400 /* TAIL_MAPPING */, 0xffffffffu, 0);
		fake_put64(&k->m, K_MEMMAP + (pfn + t) * SP + 8, fk_page_va(k, pfn) | 1);
	}
	if (order) {
		uint8_t b[2] = {dtor, (uint8_t)order};

		fake_write(&k->m, K_MEMMAP + (pfn + 1) * SP + 16, b, 2);
	}
}

static inline struct kdl_phys fk_phys(struct fake_kernel *k)
{
	return (struct kdl_phys){fake_read, &k->m};
}

static inline int fk_filter(kdl_ctx *on, struct fake_kernel *k, int level,
                            struct kdl_exclusion *ex)
{
	struct kdl_phys mem = fk_phys(k);
	size_t len;
	const char *text = fk_text(k, &len);

	return kdl_filter_pages(on, &kdl_arch_x86_64, text, len, &mem, 4096, k->npfns,
	                        level, ex);
}

/* The pages from..to - 1 left out, and none around them. */
static inline bool excluded_run(const struct kdl_exclusion *ex, uint64_t from,
                                uint64_t to)
{
	bool ok = true;

	for (uint64_t p = from; p < to; p++)
		ok &= kdl_excluded(ex, p);
	if (from > 0)
		ok &= !kdl_excluded(ex, from - 1);
	return ok && !kdl_excluded(ex, to);
}

static inline uint64_t excluded_count(const struct kdl_exclusion *ex)
{
	uint64_t n = 0;

	for (uint64_t p = 0; p < ex->npfns; p++)
		n += kdl_excluded(ex, p);
	return n;
}

#endif
