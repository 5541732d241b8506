/* filter/ within: what the dump levels need to know of the dumped kernel
 * (kinfo.c: its VMCOREINFO's entries, as numbers, checked for a level),
 * how its virtual memory is read (kmem.c: through the architecture's
 * page-table walk) and where its struct pages are (memmap.c: mem_section
 * or mem_map).  filter.c classifies the pages. */
#ifndef KDL_FILTER_KERNEL_H
#define KDL_FILTER_KERNEL_H

#include "filter/filter.h"

/* the dump level's bits, makedumpfile's DL_EXCLUDE_* */
enum {
	KDL_DL_ZERO = 1,
	KDL_DL_CACHE = 2,
	KDL_DL_CACHE_PRIVATE = 4,
	KDL_DL_USER = 8,
	KDL_DL_FREE = 16,
};

/* makedumpfile's KERNEL_VERSION() */
#define KDL_KERNEL_VERSION(a, b, c) ((a) * 65536u + (b) * 256u + (c))

/* A VMCOREINFO entry the filter may do without. */
struct kdl_opt {
	bool has;
	uint64_t v;
};

enum kdl_mem_model { KDL_SPARSEMEM, KDL_SPARSEMEM_EXTREME, KDL_FLATMEM };

/* The entries a dump level uses; kdl_kernel_read checks that the level
 * has those it needs. */
struct kdl_kernel {
	int dump_level;
	uint32_t page_size;
	unsigned page_shift;
	unsigned version; /* OSRELEASE's, as KDL_KERNEL_VERSION */
	const char *vmcoreinfo;
	size_t vmcoreinfo_len;

	/* where the struct pages are */
	enum kdl_mem_model model;
	uint64_t mem_section;      /* SYMBOL(mem_section) */
	uint64_t mem_section_size; /* SIZE(mem_section) */
	uint64_t section_mem_map;  /* OFFSET(mem_section.section_mem_map) */
	unsigned section_size_bits;
	uint64_t mem_map;          /* SYMBOL(mem_map), FLATMEM's */

	/* struct page */
	uint64_t page_struct; /* SIZE(page) */
	uint64_t flags;       /* OFFSET(page.flags) */
	struct kdl_opt mapping, mapcount, private_, compound_head;
	struct kdl_opt compound_order, compound_dtor;
	bool wide_compound; /* before 4.16 order and dtor are 16 bits */

	/* page flags: bit numbers, and the head's mask */
	struct kdl_opt pg_lru, pg_private, pg_swapcache, pg_swapbacked;
	struct kdl_opt pg_slab, pg_hwpoison, pg_buddy;
	uint64_t pg_head_mask;

	/* what _mapcount holds for a free (buddy) and an offline page */
	struct kdl_opt buddy_mapcount, offline_mapcount;
	struct kdl_opt hugetlb_dtor, free_huge_page;
	struct kdl_opt free_area_length; /* LENGTH(zone.free_area) */
	bool buddy;   /* free pages are told by page_is_buddy */
	bool offline; /* offline pages are told by _mapcount */
};

/* The VMCOREINFO entry key as a number (kdl_kinfo_fn's rules). */
int kdl_kinfo_get(kdl_ctx *ctx, const char *text, size_t len, const char *key,
                  uint64_t *value);
/* kdl_kinfo_fn over the kdl_kernel arg's VMCOREINFO. */
int kdl_kinfo_lookup(kdl_ctx *ctx, void *arg, const char *key, uint64_t *value);
/* The entries dump_level (2 to 31) uses, into k; one it needs that the
 * VMCOREINFO lacks is KDL_ERR_UNSUPPORTED naming it. */
int kdl_kernel_read(kdl_ctx *ctx, const char *vmcoreinfo, size_t len,
                    uint32_t page_size, int dump_level, struct kdl_kernel *k);

/* Reads of the kernel's virtual memory, remembering the last page the
 * walk found. */
struct kdl_kmem {
	kdl_ctx *ctx;
	const struct kdl_arch *arch;
	struct kdl_vtop vt;
	bool cached;
	uint64_t cache_va, cache_pa, cache_len;
};

/* Sets up the architecture's walk from k's VMCOREINFO; the arch must
 * have one. */
int kdl_kmem_init(kdl_ctx *ctx, struct kdl_kmem *km, const struct kdl_arch *arch,
                  const struct kdl_phys *mem, struct kdl_kernel *k);
/* n bytes at vaddr into buf; what names them in messages: memory the
 * kernel maps that the dump lacks is KDL_ERR_CORRUPT. */
int kdl_kmem_read(struct kdl_kmem *km, uint64_t vaddr, void *buf, size_t n,
                  const char *what);
/* The same, but 1 when the dump lacks some of the memory, *lacking (if
 * not NULL) the address of the piece that holds it; no message then. */
int kdl_kmem_read_some(struct kdl_kmem *km, uint64_t vaddr, void *buf, size_t n,
                       const char *what, uint64_t *lacking);
/* Whether vaddr may be a kernel pointer (makedumpfile's is_kvaddr). */
bool kdl_kmem_is_kernel(const struct kdl_kmem *km, uint64_t vaddr);

/* Where each pfn's struct page is: the virtual address of its section's
 * (or FLATMEM's one) array, 0 where there is none. */
struct kdl_memmap {
	uint64_t nsections;
	uint64_t pages_per_section;
	uint64_t *mem_map;  /* nsections, each the struct page of its first pfn */
	/* where the kernel's memory map ends: the end of the last section
	 * with a mem_map, no more than npfns (makedumpfile's max_mapnr) */
	uint64_t end_pfn;
};

/* The sections of the npfns pages, or FLATMEM's mem_map. */
int kdl_memmap_find(struct kdl_kmem *km, const struct kdl_kernel *k,
                    uint64_t npfns, struct kdl_memmap *mm);
void kdl_memmap_free(struct kdl_memmap *mm);

#endif
