/* filter: which pages a dump level leaves out, decided as makedumpfile
 * -d decides, from the kernel's own page structures found in the dump's
 * memory through its VMCOREINFO: mem_map or mem_section, the page
 * tables that map them, and each struct page. */
#ifndef KDL_FILTER_H
#define KDL_FILTER_H

#include "arch/arch.h"

/* The dumped machine's physical memory, as the filter reads it: page
 * tables, mem_section and the struct pages, in pieces of up to 32 KiB;
 * and the first byte of each page a struct page says to leave out, to
 * know whether the dump holds it (makedumpfile looks at no other). */
struct kdl_phys {
	/* n bytes at phys into buf: 0; 1 when some of them are not in the
	 * dump; -1 on a failure, with a message on ctx */
	int (*read)(void *arg, uint64_t phys, void *buf, size_t n);
	void *arg;
};

/* What makedumpfile's --message-level reports, in its order. */
enum kdl_excluded {
	KDL_EXCLUDED_CACHE,         /* non-private page cache (dump level bit 2) */
	KDL_EXCLUDED_CACHE_PRIVATE, /* private page cache (bit 4) */
	KDL_EXCLUDED_USER,          /* user process data (bit 8) */
	KDL_EXCLUDED_FREE,          /* free pages (bit 16) */
	KDL_EXCLUDED_HWPOISON,      /* poisoned pages, whatever the level */
	KDL_EXCLUDED_OFFLINE,       /* offline pages, whatever the level */
	KDL_EXCLUDED_CLASSES
};

struct kdl_exclusion {
	uint64_t npfns;  /* the bitmap's pages: 0 to npfns - 1 */
	uint64_t *bits;  /* bit pfn set: left out */
	/* left out, by class, counted as makedumpfile counts them: every
	 * page of a free block or compound page, whether the dump holds it
	 * or not */
	uint64_t pages[KDL_EXCLUDED_CLASSES];
	/* Where the kernel's memory map ends, no more than npfns: the end
	 * of the last memory section that has struct pages (makedumpfile's
	 * max_mapnr, which it cuts the dump at, whatever the level: no page
	 * at or above it is written, and none is in a class here).  npfns
	 * for levels 0 and 1, which read nothing. */
	uint64_t end_pfn;
	/* pages makedumpfile warns of and keeps: free, by _mapcount, but
	 * of an order above the kernel's largest */
	uint64_t bad_free_order;
};

/* The pages that dump_level (0 to 31) leaves out of the dump, of the
 * npfns pages of page_size bytes the dump may hold.  Zero pages (bit 1)
 * are not its concern: the writers see them.  A level above 1 needs the
 * VMCOREINFO's entries about pages and the architecture's page-table
 * walk: where one is missing, fails with KDL_ERR_UNSUPPORTED naming it;
 * memory the kernel's structures say is there but the dump lacks is
 * KDL_ERR_CORRUPT.  The bitmap is ex's until kdl_exclusion_free; for
 * levels 0 and 1 it is NULL: nothing left out. */
int kdl_filter_pages(kdl_ctx *ctx, const struct kdl_arch *arch,
                     const char *vmcoreinfo, size_t vmcoreinfo_len,
                     const struct kdl_phys *mem, uint32_t page_size,
                     uint64_t npfns, int dump_level, struct kdl_exclusion *ex);
void kdl_exclusion_free(struct kdl_exclusion *ex);

/* Whether the page is in a class the level leaves out; ex NULL: none is. */
static inline bool kdl_excluded(const struct kdl_exclusion *ex, uint64_t pfn)
{
	return ex && ex->bits && pfn < ex->npfns && (ex->bits[pfn / 64] >> (pfn % 64) & 1);
}

/* Whether a writer leaves the page out: in such a class, or past the
 * kernel's memory map, as makedumpfile cuts its dumps there. */
static inline bool kdl_left_out(const struct kdl_exclusion *ex, uint64_t pfn)
{
	return ex && ex->bits && (pfn >= ex->end_pfn || kdl_excluded(ex, pfn));
}

#endif
