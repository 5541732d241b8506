/* filter/filter.c: the pages each dump level leaves out of a fake 6.1
 * kernel's memory, class by class as makedumpfile 1.7.2 tells them; the
 * memory models and page-table depths that reach the same struct pages;
 * what is refused for want of VMCOREINFO entries, and what is corrupt. */
#include "filter-check.h"

static kdl_ctx *ctx;
static char warned[256];
static int warnings;

static void collect(void *arg, const char *message)
{
	(void)arg;
	snprintf(warned, sizeof(warned), "%s", message);
	warnings++;
}

/* One page, or compound page, of each kind, in the first section. */
static void kinds(struct fake_kernel *k)
{
	fk_page(k, 0x100, PG_LRU, FILE_MAPPING, 0xffffffffu, 0);              /* cache */
	fk_page(k, 0x101, PG_LRU | PG_PRIVATE, FILE_MAPPING, 0xffffffffu, 0); /* private cache */
	fk_page(k, 0x102, PG_SWAPCACHE | PG_SWAPBACKED, FILE_MAPPING, 0, 0);  /* swap cache */
	fk_page(k, 0x103, PG_SWAPCACHE, FILE_MAPPING, 0, 0); /* not swap cache: no swapbacked */
	fk_page(k, 0x104, PG_LRU, ANON_MAPPING, 0, 0);       /* user, though on the LRU */
	fk_page(k, 0x105, 0, ANON_MAPPING, 0, 0);            /* user */
	fk_page(k, 0x108, 0, 0, BUDDY, 3);                   /* free: 0x108 to 0x10f */
	fk_page(k, 0x110, PG_SLAB, 0, BUDDY, 0);             /* slab: not free */
	fk_page(k, 0x111, PG_HWPOISON, 0, 0, 0);             /* hwpoison */
	fk_page(k, 0x112, 0, 0, OFFLINE, 0);                 /* offline */
	fk_page(k, 0x113, PG_SLAB, 0, OFFLINE, 0);           /* slab: not offline */
	fk_page(k, 0x114, PG_HWPOISON | PG_LRU, FILE_MAPPING, 0, 0); /* cache first */
	fk_compound(k, 0x200, 2, 0, PG_LRU, FILE_MAPPING);   /* cache: 0x200 to 0x203 */
	fk_compound(k, 0x400, 9, 2, 0, FILE_MAPPING);        /* hugetlb: 0x400 to 0x5ff */
	fk_compound(k, 0x600, 1, 0, 0, ANON_MAPPING);        /* user: 0x600, 0x601 */
	fk_compound(k, 0x602, 1, 0, PG_SLAB, 0);             /* slab, its tail poisoned: */
	fake_put64(&k->m, K_MEMMAP + 0x603 * SP, PG_HWPOISON); /* a tail is its head's */
	fk_compound(k, 0x605, 1, 0, PG_LRU, FILE_MAPPING);   /* odd: of order 0 */
	fk_compound(k, 0x800, 3, 0, PG_LRU, FILE_MAPPING);   /* cache: 0x800 to 0x807 */
	fk_page(k, 0x900, 0, 0, BUDDY, 11);                  /* no order the kernel has */
}

static void check_counts(const struct kdl_exclusion *ex, uint64_t cache,
                         uint64_t private_, uint64_t user, uint64_t free_,
                         uint64_t hwpoison, uint64_t offline)
{
	uint64_t want[] = {cache, private_, user, free_, hwpoison, offline};

	for (int c = 0; c < KDL_EXCLUDED_CLASSES; c++)
		if (!CHECK_EQ(ex->pages[c], want[c]))
			fprintf(stderr, "  class %d\n", c);
	CHECK_EQ(excluded_count(ex), cache + private_ + user + free_ + hwpoison + offline);
}

static void test_classes(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	kinds(&k);

	if (CHECK_EQ(fk_filter(ctx, &k, 2, &ex), 0)) {
		CHECK_EQ(ex.npfns, 0x8000);
		CHECK_EQ(ex.end_pfn, 0x8000);
		check_counts(&ex, 16, 0, 0, 0, 1, 1);
		CHECK(excluded_run(&ex, 0x100, 0x101));
		CHECK(!kdl_excluded(&ex, 0x101));
		CHECK(excluded_run(&ex, 0x102, 0x103));
		CHECK(!kdl_excluded(&ex, 0x103));
		CHECK(!kdl_excluded(&ex, 0x104));
		CHECK(excluded_run(&ex, 0x111, 0x113));
		CHECK(!kdl_excluded(&ex, 0x113));
		CHECK(excluded_run(&ex, 0x114, 0x115));
		CHECK(excluded_run(&ex, 0x200, 0x204));
		CHECK(!kdl_excluded(&ex, 0x400));
		CHECK(excluded_run(&ex, 0x605, 0x606));
		CHECK(excluded_run(&ex, 0x800, 0x808));
		CHECK_EQ(ex.bad_free_order, 0);
		kdl_exclusion_free(&ex);
		CHECK(ex.bits == NULL);
	}
	if (CHECK_EQ(fk_filter(ctx, &k, 4, &ex), 0)) {
		check_counts(&ex, 16, 1, 0, 0, 1, 1);
		CHECK(excluded_run(&ex, 0x100, 0x103));
		kdl_exclusion_free(&ex);
	}
	if (CHECK_EQ(fk_filter(ctx, &k, 8, &ex), 0)) {
		/* 0x114 is hwpoison now that cache is kept */
		check_counts(&ex, 0, 0, 516, 0, 2, 1);
		CHECK(excluded_run(&ex, 0x104, 0x106));
		CHECK(excluded_run(&ex, 0x400, 0x602));
		CHECK(!kdl_excluded(&ex, 0x603));
		kdl_exclusion_free(&ex);
	}
	warnings = 0;
	if (CHECK_EQ(fk_filter(ctx, &k, 16, &ex), 0)) {
		check_counts(&ex, 0, 0, 0, 8, 2, 1);
		CHECK(excluded_run(&ex, 0x108, 0x110));
		CHECK(!kdl_excluded(&ex, 0x900));
		CHECK_EQ(ex.bad_free_order, 1);
		CHECK_EQ(warnings, 1);
		CHECK_HAS(warned, "1 free pages of an order above the kernel's largest");
		kdl_exclusion_free(&ex);
	}
	if (CHECK_EQ(fk_filter(ctx, &k, 31, &ex), 0)) {
		check_counts(&ex, 16, 1, 516, 8, 1, 1);
		CHECK(excluded_run(&ex, 0x100, 0x103));
		CHECK(excluded_run(&ex, 0x104, 0x106));
		CHECK(excluded_run(&ex, 0x108, 0x110));
		CHECK(!kdl_excluded(&ex, 0x110));
		CHECK(excluded_run(&ex, 0x111, 0x113));
		CHECK(!kdl_excluded(&ex, 0x113));
		CHECK(excluded_run(&ex, 0x114, 0x115));
		CHECK(kdl_excluded(&ex, 0x600) && kdl_excluded(&ex, 0x601));
		CHECK(!kdl_excluded(&ex, 0x602));
		CHECK(!kdl_excluded(&ex, 0x603));
		kdl_exclusion_free(&ex);
	}
	/* level 30 is 31 less zero pages, which are not the filter's */
	if (CHECK_EQ(fk_filter(ctx, &k, 30, &ex), 0)) {
		check_counts(&ex, 16, 1, 516, 8, 1, 1);
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);
}

/* Levels 0 and 1 read nothing and need nothing. */
static void test_levels_without_pages(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;
	struct kdl_phys mem;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	mem = fk_phys(&k);
	for (int level = 0; level <= 1; level++) {
		k.m.reads = 0;
		CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_aarch64, NULL, 0, &mem, 4096, 0x8000,
		                          level, &ex), 0);
		CHECK(ex.bits == NULL);
		CHECK_EQ(ex.npfns, 0x8000);
		CHECK_EQ(ex.end_pfn, 0x8000);
		CHECK(!kdl_excluded(&ex, 0));
		CHECK_EQ(k.m.reads, 0);
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);
}

static void check_refused(struct fake_kernel *k, int level, enum kdl_status status,
                          const char *part)
{
	struct kdl_exclusion ex;

	if (!CHECK_EQ(fk_filter(ctx, k, level, &ex), -1)) {
		fprintf(stderr, "  level %d, wanted \"%s\"\n", level, part);
		kdl_exclusion_free(&ex);
		return;
	}
	CHECK(ex.bits == NULL);
	if (!CHECK_EQ(kdl_ctx_status(ctx), status) || !CHECK_HAS(kdl_ctx_error(ctx), part))
		fprintf(stderr, "  level %d: %s\n", level, kdl_ctx_error(ctx));
}

static void check_works(struct fake_kernel *k, int level)
{
	struct kdl_exclusion ex;

	if (!CHECK_EQ(fk_filter(ctx, k, level, &ex), 0))
		fprintf(stderr, "  level %d: %s\n", level, kdl_ctx_error(ctx));
	kdl_exclusion_free(&ex);
}

/* Each entry a level needs is named when it is missing, with the level;
 * one it does not need may be missing. */
static void test_missing_entries(void)
{
	static const struct {
		const char *key;
		int needs;    /* a level that needs it */
		int spares;   /* one that does not, or 0 */
	} cases[] = {
		{"OSRELEASE", 2, 0},
		{"SIZE(page)", 16, 0},
		{"OFFSET(page.flags)", 8, 0},
		{"NUMBER(PG_head_mask)", 2, 0},
		{"OFFSET(page.compound_order)", 16, 0},
		{"NUMBER(SECTION_SIZE_BITS)", 2, 0},
		{"OFFSET(page.mapping)", 2, 16},
		{"OFFSET(page.mapping)", 8, 0},
		{"NUMBER(PG_lru)", 2, 8},
		{"NUMBER(PG_lru)", 4, 0},
		{"NUMBER(PG_swapcache)", 4, 24},
		{"NUMBER(PG_private)", 2, 16},
		{"OFFSET(page.compound_dtor)", 8, 22},
		{"NUMBER(HUGETLB_PAGE_DTOR)", 8, 6},
		{"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", 16, 14},
		{"OFFSET(page.private)", 16, 14},
		{"NUMBER(PG_slab)", 16, 0},
		{"NUMBER(phys_base)", 2, 0},
	};
	struct fake_kernel k;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		char level[32];

		fk_unset(&k, cases[i].key);
		/* PG_slab is needed for offline pages too */
		if (!strcmp(cases[i].key, "NUMBER(PG_slab)"))
			fk_unset(&k, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)");
		check_refused(&k, cases[i].needs, KDL_ERR_UNSUPPORTED, cases[i].key);
		snprintf(level, sizeof(level), "dump level %d", cases[i].needs);
		CHECK_HAS(kdl_ctx_error(ctx), level);
		if (cases[i].spares)
			check_works(&k, cases[i].spares);
		fk_reset(&k, FAKE_EXTREME, 4, 0x8000);
	}
	/* the top page table by any of its names; neither at all */
	fk_unset(&k, "SYMBOL(init_top_pgt)");
	check_works(&k, 31);
	fk_unset(&k, "SYMBOL(swapper_pg_dir)");
	check_refused(&k, 31, KDL_ERR_UNSUPPORTED, "SYMBOL(init_top_pgt)");
	CHECK_HAS(kdl_ctx_error(ctx), "dump level 31");
	/* the hwpoison and offline numbers may be missing: no such pages */
	fk_reset(&k, FAKE_EXTREME, 4, 0x8000);
	fk_unset(&k, "NUMBER(PG_hwpoison)");
	fk_unset(&k, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)");
	fk_unset(&k, "NUMBER(PG_swapbacked)");
	fk_unset(&k, "LENGTH(zone.free_area)");
	fk_unset(&k, "OFFSET(page.compound_head)");
	check_works(&k, 31);
	/* neither mem_section nor mem_map */
	fk_unset(&k, "SYMBOL(mem_section)");
	check_refused(&k, 2, KDL_ERR_UNSUPPORTED, "SYMBOL(mem_section)");
	fk_reset(&k, FAKE_EXTREME, 4, 0x8000);
	fk_unset(&k, "SIZE(mem_section)");
	check_refused(&k, 2, KDL_ERR_UNSUPPORTED, "SIZE(mem_section)");
	/* no VMCOREINFO at all */
	{
		struct kdl_exclusion ex;
		struct kdl_phys mem = fk_phys(&k);

		CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_x86_64, NULL, 0, &mem, 4096, 0x8000,
		                          2, &ex), -1);
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
		CHECK_HAS(kdl_ctx_error(ctx), "dump level 2 needs the kernel's VMCOREINFO");
	}
	fake_free(&k.m);
}

static void test_refusals(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;
	struct kdl_phys mem;
	size_t len;
	const char *text;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	mem = fk_phys(&k);
	text = fk_text(&k, &len);
	/* architectures without a page-table walk */
	CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_aarch64, text, len, &mem, 4096, 0x8000, 31,
	                          &ex), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_STR(kdl_ctx_error(ctx), "dump levels above 1 are not done for aarch64 yet");
	CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_s390x, text, len, &mem, 4096, 0x8000, 2,
	                          &ex), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dump levels above 1 are not done for s390x yet");
	/* levels that are none */
	CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_x86_64, text, len, &mem, 4096, 0x8000, 32,
	                          &ex), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_x86_64, text, len, &mem, 4096, 0x8000, -1,
	                          &ex), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* pages the VMCOREINFO does not have */
	CHECK_EQ(kdl_filter_pages(ctx, &kdl_arch_x86_64, text, len, &mem, 8192, 0x8000, 2,
	                          &ex), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "PAGESIZE=4096");
	/* kernels before 4.4 */
	fk_set(&k, "OSRELEASE", "3.10.0-1160.el7.x86_64");
	check_refused(&k, 2, KDL_ERR_UNSUPPORTED, "before 4.4 (OSRELEASE=3.10.0-1160.el7.x86_64)");
	fk_set(&k, "OSRELEASE", "linux");
	check_refused(&k, 2, KDL_ERR_CORRUPT, "OSRELEASE=linux");
	/* a value that is no number */
	fk_reset(&k, FAKE_EXTREME, 4, 0x8000);
	fk_set(&k, "SIZE(page)", "64x");
	check_refused(&k, 2, KDL_ERR_CORRUPT, "SIZE(page)=64x is not a number");
	/* a node's own mem_map */
	fk_reset(&k, FAKE_EXTREME, 4, 0x8000);
	fk_set(&k, "OFFSET(pglist_data.node_mem_map)", "176");
	check_refused(&k, 2, KDL_ERR_UNSUPPORTED, "DISCONTIGMEM");
	fake_free(&k.m);
}

/* The same pages whether mem_section is extreme or plain, with the
 * roots' address or a pointer to them (4.15), FLATMEM's mem_map, 4 or 5
 * levels of page tables, SME's bit in their entries. */
static void test_models(void)
{
	static const struct {
		enum fake_model model;
		unsigned levels;
		uint64_t sme;
	} cases[] = {
		{FAKE_EXTREME, 4, 0}, {FAKE_EXTREME, 5, 0},  {FAKE_SPARSE, 4, 0},
		{FAKE_SPARSE, 5, 0},  {FAKE_FLAT, 4, 0},     {FAKE_EXTREME_POINTER, 4, 0},
		{FAKE_EXTREME, 4, 1ull << 47},
	};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		struct fake_kernel k;
		struct kdl_exclusion ex;

		fk_init(&k, cases[i].model, cases[i].levels, 0x8000);
		if (cases[i].sme) {
			/* tables made again, with the bit in each entry */
			fake_free(&k.m);
			k.m.entry_bits = cases[i].sme;
			fake_tables(&k.m, 4, K_TOP_PHYS, K_TABLES);
			fake_map_range(&k.m, UINT64_C(0xffffffff82c00000), 0x1c00000, 4u << 20, 2);
			fake_map_range(&k.m, k.direct, 0, 64u << 20, 2);
			fake_map_range(&k.m, k.vmemmap, K_MEMMAP, 2u << 20, 1);
			fake_ram(&k.m, 0, UINT64_C(0x8000) * FAKE_PAGE);
			fake_put64(&k.m, K_ROOTS, k.direct + K_SECTIONS);
			fk_section(&k, 0, k.vmemmap | 0x7);
			fk_set(&k, "NUMBER(sme_mask)", "%" PRIu64, cases[i].sme);
		}
		kinds(&k);
		if (CHECK_EQ(fk_filter(ctx, &k, 31, &ex), 0)) {
			check_counts(&ex, 16, 1, 516, 8, 1, 1);
			CHECK(excluded_run(&ex, 0x400, 0x602));
		} else {
			fprintf(stderr, "  case %zu: %s\n", i, kdl_ctx_error(ctx));
		}
		kdl_exclusion_free(&ex);
		fake_free(&k.m);
	}
}

/* Sections without struct pages are passed over; the memory map ends
 * with the last that has them, and nothing at or past it is left out. */
static void test_sections(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;

	/* four sections and a bit; the second and the last two have none */
	fk_init(&k, FAKE_EXTREME, 4, 4 * PER_SECTION + 0x100);
	fk_section(&k, 1, 0);
	fk_section(&k, 3, k.vmemmap | 0x6); /* not marked present */
	fk_section(&k, 4, 0);
	fk_page(&k, PER_SECTION + 8, 0, 0, BUDDY, 3);    /* no section: kept */
	fk_page(&k, 2 * PER_SECTION, 0, 0, BUDDY, 10);   /* free */
	fk_page(&k, 3 * PER_SECTION, 0, 0, BUDDY, 10);   /* no section: kept */
	/* the flags in section_mem_map's low 5 bits are no address */
	fk_section(&k, 2, k.vmemmap | 0x1f);
	if (CHECK_EQ(fk_filter(ctx, &k, 16, &ex), 0)) {
		CHECK_EQ(ex.end_pfn, 3 * PER_SECTION);
		CHECK_EQ(ex.npfns, 4 * PER_SECTION + 0x100);
		check_counts(&ex, 0, 0, 0, 1024, 0, 0);
		CHECK(excluded_run(&ex, 2 * PER_SECTION, 2 * PER_SECTION + 1024));
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);

	/* a block past the end of the map is cut there, and so counted */
	fk_init(&k, FAKE_EXTREME, 4, PER_SECTION + 0x100);
	fk_page(&k, PER_SECTION, 0, 0, BUDDY, 10);
	if (CHECK_EQ(fk_filter(ctx, &k, 16, &ex), 0)) {
		CHECK_EQ(ex.end_pfn, PER_SECTION + 0x100);
		check_counts(&ex, 0, 0, 0, 0x100, 0, 0);
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);

	/* a free block past the end of the map's last section, which is
	 * not npfns, is cut at its end */
	fk_init(&k, FAKE_EXTREME, 4, 2 * PER_SECTION);
	fk_section(&k, 1, 0);
	fk_page(&k, PER_SECTION - 4, 0, 0, BUDDY, 3);
	if (CHECK_EQ(fk_filter(ctx, &k, 16, &ex), 0)) {
		CHECK_EQ(ex.end_pfn, PER_SECTION);
		check_counts(&ex, 0, 0, 0, 4, 0, 0);
		CHECK(excluded_run(&ex, PER_SECTION - 4, PER_SECTION));
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);

	/* no section at all */
	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fk_section(&k, 0, 0);
	check_refused(&k, 2, KDL_ERR_CORRUPT, "no memory section");
	fake_free(&k.m);
}

/* Pages the dump lacks are looked at but leave out nothing; a free block
 * or compound page whose head the dump holds is left out whole, and
 * counted whole, as makedumpfile counts it. */
static void test_holes(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	/* RAM to 0x2e00, then from 0x3100 */
	k.m.ram[0][1] = UINT64_C(0x2e00) * FAKE_PAGE;
	fake_ram(&k.m, UINT64_C(0x3100) * FAKE_PAGE, UINT64_C(0x8000) * FAKE_PAGE);
	fk_page(&k, 0x2c00, 0, 0, BUDDY, 10);                /* into the hole */
	fk_page(&k, 0x3000, 0, 0, BUDDY, 8);                 /* its head not there */
	fk_page(&k, 0x30f0, PG_LRU, FILE_MAPPING, 0, 0);     /* not there either */
	fk_page(&k, 0x3100, PG_LRU, FILE_MAPPING, 0, 0);     /* there */
	if (CHECK_EQ(fk_filter(ctx, &k, 18, &ex), 0)) {
		check_counts(&ex, 1, 0, 0, 1024, 0, 0);
		CHECK(excluded_run(&ex, 0x2c00, 0x3000));
		CHECK(excluded_run(&ex, 0x3100, 0x3101));
		kdl_exclusion_free(&ex);
	}
	/* of the struct pages of 0x3000 to 0x31ff, the dump lacks those of
	 * 0x3000 to 0x30ff, the pages that are not in it: no matter */
	for (uint64_t p = 0x3000; p < 0x3100; p += FAKE_PAGE / SP)
		fake_drop(&k.m, K_MEMMAP + p * SP);
	if (CHECK_EQ(fk_filter(ctx, &k, 18, &ex), 0)) {
		check_counts(&ex, 1, 0, 0, 1024, 0, 0);
		CHECK(excluded_run(&ex, 0x2c00, 0x3000));
		CHECK(excluded_run(&ex, 0x3100, 0x3101));
		kdl_exclusion_free(&ex);
	}
	/* nor of a whole 512 of them: the next page after is looked at */
	k.m.ram[1][0] = 0x3400ull * FAKE_PAGE;
	fake_ram(&k.m, 0x3100ull * FAKE_PAGE, 0x3200ull * FAKE_PAGE);
	for (uint64_t p = 0x3200; p < 0x3400; p += FAKE_PAGE / SP)
		fake_drop(&k.m, K_MEMMAP + p * SP);
	fk_page(&k, 0x3400, PG_LRU, FILE_MAPPING, 0, 0);
	if (CHECK_EQ(fk_filter(ctx, &k, 18, &ex), 0)) {
		check_counts(&ex, 2, 0, 0, 1024, 0, 0);
		CHECK(excluded_run(&ex, 0x3400, 0x3401));
		kdl_exclusion_free(&ex);
	}
	/* nor is it if the kernel does not map them */
	for (uint64_t p = 0x3000; p < 0x3100; p += FAKE_PAGE / SP)
		fake_unmap(&k.m, fk_page_va(&k, p));
	if (CHECK_EQ(fk_filter(ctx, &k, 18, &ex), 0)) {
		check_counts(&ex, 2, 0, 0, 1024, 0, 0);
		kdl_exclusion_free(&ex);
	}
	/* but a page the dump holds needs its struct page */
	fake_drop(&k.m, K_MEMMAP + 0x3100 * SP);
	check_refused(&k, 18, KDL_ERR_CORRUPT,
	              "struct pages at kernel address 0xffffea00000c4000 (physical 0x20c4000) is not in the dump");
	CHECK_HAS(kdl_ctx_error(ctx), "dump level 18");
	fake_free(&k.m);
}

static void test_corrupt(void)
{
	struct fake_kernel k;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fake_drop(&k.m, K_SECTIONS);
	check_refused(&k, 2, KDL_ERR_CORRUPT, "a struct mem_section at kernel address 0xffff888001e01000");
	fake_free(&k.m);

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fake_drop(&k.m, K_ROOTS);
	check_refused(&k, 2, KDL_ERR_CORRUPT, "mem_section's roots");
	fake_free(&k.m);

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fake_drop(&k.m, K_TOP_PHYS);
	check_refused(&k, 2, KDL_ERR_CORRUPT, "PGD page table at physical 0x1c0a000 is not in the dump");
	fake_free(&k.m);

	/* a struct page array that is not mapped */
	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fk_section(&k, 0, (k.vmemmap + (1ull << 30)) | 1);
	check_refused(&k, 2, KDL_ERR_CORRUPT, "is not mapped");
	fake_free(&k.m);
}

/* Before 4.16 the order and dtor are 16 bits; before 2.6.38, PG_buddy. */
static void test_older_kernels(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;
	uint8_t b[4] = {2, 0, 9, 0};

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fk_set(&k, "OSRELEASE", "4.15.0-213-generic");
	fk_set(&k, "OFFSET(page.compound_dtor)", "16");
	fk_set(&k, "OFFSET(page.compound_order)", "18");
	fk_compound(&k, 0x400, 9, 0, 0, FILE_MAPPING);
	fake_write(&k.m, K_MEMMAP + 0x401 * SP + 16, b, 4);
	if (CHECK_EQ(fk_filter(ctx, &k, 8, &ex), 0)) {
		check_counts(&ex, 0, 0, 512, 0, 0, 0);
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fk_unset(&k, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	fk_set(&k, "NUMBER(PG_buddy)", "19");
	fk_page(&k, 0x100, 1ull << 19, 0, 0, 2);
	fk_page(&k, 0x200, 0, 0, BUDDY, 2);
	if (CHECK_EQ(fk_filter(ctx, &k, 16, &ex), 0)) {
		check_counts(&ex, 0, 0, 0, 4, 0, 0);
		CHECK(excluded_run(&ex, 0x100, 0x104));
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);
}

/* makedumpfile's quirks, kept: without LENGTH(zone.free_area) any order
 * goes; its test_bit of bit 31 tests every bit from 31 up. */
static void test_quirks(void)
{
	struct fake_kernel k;
	struct kdl_exclusion ex;

	fk_init(&k, FAKE_EXTREME, 4, 0x8000);
	fk_unset(&k, "LENGTH(zone.free_area)");
	fk_page(&k, 0x2800, 0, 0, BUDDY, 11);
	fk_set(&k, "NUMBER(PG_lru)", "31");
	fk_page(&k, 0x100, 1ull << 40, FILE_MAPPING, 0, 0);
	if (CHECK_EQ(fk_filter(ctx, &k, 18, &ex), 0)) {
		check_counts(&ex, 1, 0, 0, 2048, 0, 0);
		CHECK(excluded_run(&ex, 0x2800, 0x3000));
		CHECK(kdl_excluded(&ex, 0x100));
		kdl_exclusion_free(&ex);
	}
	fake_free(&k.m);
}

int main(void)
{
	ctx = kdl_ctx_new();
	kdl_ctx_set_warn(ctx, collect, NULL);
	test_classes();
	test_levels_without_pages();
	test_missing_entries();
	test_refusals();
	test_models();
	test_sections();
	test_holes();
	test_corrupt();
	test_older_kernels();
	test_quirks();
	kdl_ctx_free(ctx);
	return check_done("filter/filter");
}
