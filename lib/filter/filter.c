/* Which pages a dump level leaves out: each struct page of the dump's
 * pages read and classified as makedumpfile 1.7.2's
 * __exclude_unnecessary_pages classifies it, in its order and with its
 * quirks, so that the pages left out are the very ones makedumpfile -d
 * leaves out of the same memory:
 *  - a compound page's tail is passed over: its head decides for all of
 *    it;
 *  - a free page (buddy) is left out with its whole block, 2^private
 *    pages;
 *  - page cache (on the LRU, or in the swap cache) that no process maps
 *    anonymously: non-private (level bit 2) or private too (bit 4);
 *  - user data (bit 8): anonymous pages and hugetlbfs pages;
 *  - hwpoison and offline pages whatever the level;
 *  and a compound head's class takes its 2^order pages with it.
 * Struct pages are read 512 at a time from a pfn aligned to 512, as
 * makedumpfile reads them (its PGMM_CACHED): a head's order is in the
 * struct page after it, which makedumpfile looks for in the same 512. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernel.h"

#define CACHED 512u

struct walk {
	kdl_ctx *ctx;
	const struct kdl_kernel *k;
	struct kdl_kmem *km;
	const struct kdl_phys *mem;
	struct kdl_exclusion *ex;
	uint64_t end_pfn; /* nothing at or above it is left out */
	uint8_t *buf;     /* CACHED struct pages */
};

/* What one struct page says. */
struct page {
	uint64_t flags, mapping, private_, compound_head, dtor;
	uint32_t mapcount;
	unsigned order;
};

/* makedumpfile's test_bit: its mask an int, 1 << (nr % 32), widened
 * with its sign to the flags' width */
static bool test_bit(const struct kdl_opt *nr, uint64_t flags)
{
	uint64_t mask = nr->v % 32 == 31 ? ~0ull << 31 : 1ull << (nr->v % 32);

	return nr->has && (flags & mask);
}

static bool has_bit(const struct kdl_opt *nr, uint64_t flags)
{
	return flags >> nr->v & 1;
}

static bool is_cache(const struct kdl_kernel *k, const struct page *p)
{
	if (test_bit(&k->pg_lru, p->flags))
		return true;
	/* PG_swapcache means so only with PG_swapbacked, where the kernel
	 * has it (since 4.10) */
	return (!k->pg_swapbacked.has || test_bit(&k->pg_swapbacked, p->flags)) &&
	       test_bit(&k->pg_swapcache, p->flags);
}

static bool is_anon(const struct page *p)
{
	return p->mapping & 1; /* PAGE_MAPPING_ANON */
}

static bool is_hugetlb(const struct kdl_kernel *k, const struct page *p)
{
	return (k->hugetlb_dtor.has && k->hugetlb_dtor.v == p->dtor) ||
	       (k->free_huge_page.has && k->free_huge_page.v == p->dtor);
}

/* makedumpfile's page_is_buddy_v2 and _v3 */
static bool is_buddy(const struct kdl_kernel *k, const struct page *p)
{
	if (k->pg_buddy.has)
		return has_bit(&k->pg_buddy, p->flags);
	return !has_bit(&k->pg_slab, p->flags) &&
	       p->mapcount == (uint32_t)k->buddy_mapcount.v;
}

static bool is_offline(const struct kdl_kernel *k, const struct page *p)
{
	return k->offline && !has_bit(&k->pg_slab, p->flags) &&
	       p->mapcount == (uint32_t)k->offline_mapcount.v;
}

static uint64_t field(const uint8_t *sp, const struct kdl_opt *off, unsigned width)
{
	if (!off->has)
		return 0;
	switch (width) {
	case 1:
		return sp[off->v];
	case 2:
		return kdl_get16(sp + off->v, false);
	case 4:
		return kdl_get32le(sp + off->v);
	default:
		return kdl_get64le(sp + off->v);
	}
}

/* The struct page at sp, of pfn; next the one after it, or NULL where
 * makedumpfile would not look (the last of its 512). */
static void decode(const struct kdl_kernel *k, const uint8_t *sp,
                   const uint8_t *next, uint64_t pfn, struct page *p)
{
	/* an offset of 0 makedumpfile takes for none */
	static const struct kdl_opt none;
	const struct kdl_opt *order = k->compound_order.v ? &k->compound_order : &none;
	const struct kdl_opt *dtor = k->compound_dtor.v ? &k->compound_dtor : &none;
	unsigned width = k->wide_compound ? 2 : 1;

	memset(p, 0, sizeof(*p));
	p->flags = kdl_get64le(sp + k->flags);
	p->mapping = field(sp, &k->mapping, 8);
	if (next && (p->flags & k->pg_head_mask)) {
		uint64_t o = field(next, order, width);

		p->dtor = field(next, dtor, width);
		/* an order the head's pfn is not aligned to is none */
		p->order = o >= 64 || pfn & ((1ull << o) - 1) ? 0 : (unsigned)o;
	}
	p->compound_head = field(sp, &k->compound_head, 8);
	p->mapcount = (uint32_t)field(sp, &k->mapcount, 4);
	p->private_ = field(sp, &k->private_, 8);
}

static void exclude(struct walk *w, enum kdl_excluded class, uint64_t pfn,
                    uint64_t n)
{
	uint64_t end = n > w->end_pfn - pfn ? w->end_pfn : pfn + n;

	for (uint64_t p = pfn; p < end; p++)
		w->ex->bits[p / 64] |= 1ull << (p % 64);
	w->ex->pages[class] += end - pfn;
}

enum verdict { KEEP, EXCLUDE, BAD_ORDER };

/* The class of the page, and through *n how many pages from it share
 * it; KEEP for a page that stays, BAD_ORDER for a free one that stays. */
static enum verdict classify(const struct kdl_kernel *k, const struct page *p,
                             enum kdl_excluded *class, uint64_t *n)
{
	int level = k->dump_level;

	*n = 1ull << p->order;
	if (p->compound_head & 1) /* a tail: its head has decided */
		return KEEP;
	if (level & KDL_DL_FREE && k->buddy && is_buddy(k, p)) {
		if (k->free_area_length.has ? p->private_ >= k->free_area_length.v
		                            : p->private_ >= 63)
			return BAD_ORDER;
		*n = 1ull << p->private_;
		*class = KDL_EXCLUDED_FREE;
	} else if (level & KDL_DL_CACHE && is_cache(k, p) &&
	           !test_bit(&k->pg_private, p->flags) && !is_anon(p)) {
		*class = KDL_EXCLUDED_CACHE;
	} else if (level & KDL_DL_CACHE_PRIVATE && is_cache(k, p) && !is_anon(p)) {
		*class = test_bit(&k->pg_private, p->flags) ? KDL_EXCLUDED_CACHE_PRIVATE
		                                             : KDL_EXCLUDED_CACHE;
	} else if (level & KDL_DL_USER && (is_anon(p) || is_hugetlb(k, p))) {
		*class = KDL_EXCLUDED_USER;
	} else if (test_bit(&k->pg_hwpoison, p->flags)) {
		*class = KDL_EXCLUDED_HWPOISON;
	} else if (is_offline(k, p)) {
		*class = KDL_EXCLUDED_OFFLINE;
	} else {
		return KEEP;
	}
	return EXCLUDE;
}

/* Whether the dump holds the first byte of page pfn: makedumpfile looks
 * at no other page (its is_in_segs). */
static int present(struct walk *w, uint64_t pfn, bool *yes)
{
	uint8_t byte;
	int r = w->mem->read(w->mem->arg, pfn * w->k->page_size, &byte, 1);

	*yes = r == 0;
	return r < 0 ? -1 : 0;
}

/* The struct pages of count pfns from pfn into the buffer, as
 * makedumpfile reads them: from the first of those pages the dump holds,
 * where it lacks some of their struct pages or the kernel does not map
 * them all.  *first gets that pfn, or pfn + count where the dump holds
 * none of them. */
static int read_pages(struct walk *w, uint64_t start, uint64_t mem_map,
                      uint64_t pfn, uint64_t count, uint64_t *first)
{
	uint64_t size = w->k->page_struct;
	uint8_t *sp = w->buf + pfn % CACHED * size;
	bool yes = false;
	int r;

	*first = pfn;
	r = kdl_kmem_read_some(w->km, mem_map + (pfn - start) * size, sp,
	                       count * size, "struct pages", NULL);
	if (r == 0 || (r < 0 && kdl_ctx_status(w->ctx) != KDL_ERR_CORRUPT))
		return r;
	for (; *first < pfn + count; ++*first) {
		if (present(w, *first, &yes))
			return -1;
		if (yes)
			break;
	}
	if (!yes)
		return 0;
	sp = w->buf + *first % CACHED * size;
	return kdl_kmem_read(w->km, mem_map + (*first - start) * size, sp,
	                     (pfn + count - *first) * size, "struct pages");
}

/* The pfns start to end of one section (or of FLATMEM's mem_map), whose
 * struct pages begin at mem_map.  Unlike makedumpfile, pages the dump
 * lacks are looked at too, but only those it holds are left out or
 * leave others out with them: the same pages, with a look at the dump
 * for each page that would be left out rather than for every page. */
static int walk_range(struct walk *w, uint64_t start, uint64_t end,
                      uint64_t mem_map)
{
	uint64_t size = w->k->page_struct, read_start = UINT64_MAX, read_end = 0;

	/* what makedumpfile's fresh buffer for each holds, made the same */
	memset(w->buf, 0, CACHED * size);
	for (uint64_t pfn = start; pfn < end; pfn++) {
		uint64_t index, n;
		enum kdl_excluded class = KDL_EXCLUDED_CACHE;
		enum verdict verdict;
		struct page p;
		bool yes;

		if (pfn < read_start || read_end < pfn) {
			uint64_t count = (pfn / CACHED + 1) * CACHED < end
			                 ? CACHED - pfn % CACHED : end - pfn, first;

			if (read_pages(w, start, mem_map, pfn, count, &first))
				return -1;
			read_start = first;
			read_end = pfn + count - 1;
			if (first > read_end) {
				pfn = read_end; /* none of them is in the dump */
				continue;
			}
			pfn = first;
		}
		index = pfn % CACHED;
		decode(w->k, w->buf + index * size,
		       index < CACHED - 1 ? w->buf + (index + 1) * size : NULL, pfn, &p);
		verdict = classify(w->k, &p, &class, &n);
		if (verdict == KEEP)
			continue;
		if (present(w, pfn, &yes))
			return -1;
		if (!yes)
			continue;
		if (verdict == BAD_ORDER) {
			w->ex->bad_free_order++;
			continue;
		}
		exclude(w, class, pfn, n);
		/* the rest of a block or compound page are not looked at */
		pfn += n - 1;
	}
	return 0;
}

static int walk(kdl_ctx *ctx, struct kdl_kmem *km, const struct kdl_kernel *k,
                const struct kdl_phys *mem, const struct kdl_memmap *mm,
                struct kdl_exclusion *ex)
{
	struct walk w = {ctx, k, km, mem, ex, mm->end_pfn, NULL};
	int ret = 0;

	w.buf = kdl_alloc(ctx, CACHED * k->page_struct);
	if (!w.buf)
		return -1;
	for (uint64_t nr = 0; nr < mm->nsections && !ret; nr++) {
		uint64_t start = nr * mm->pages_per_section;
		uint64_t end = start + mm->pages_per_section;

		if (!mm->mem_map[nr])
			continue;
		if (end > ex->npfns)
			end = ex->npfns;
		ret = walk_range(&w, start, end, mm->mem_map[nr]);
	}
	free(w.buf);
	return ret;
}

int kdl_filter_pages(kdl_ctx *ctx, const struct kdl_arch *arch,
                     const char *vmcoreinfo, size_t vmcoreinfo_len,
                     const struct kdl_phys *mem, uint32_t page_size,
                     uint64_t npfns, int dump_level, struct kdl_exclusion *ex)
{
	struct kdl_kernel k;
	struct kdl_kmem km;
	struct kdl_memmap mm;

	memset(ex, 0, sizeof(*ex));
	ex->npfns = npfns;
	ex->end_pfn = npfns;
	if (dump_level < 0 || dump_level > 31)
		return kdl_err(ctx, KDL_ERR_INVALID, "dump level %d is not 0 to 31", dump_level);
	if (page_size < 512 || page_size & (page_size - 1))
		return kdl_err(ctx, KDL_ERR_INVALID, "page size %" PRIu32 " is no power of two",
		               page_size);
	if (dump_level <= KDL_DL_ZERO)
		return 0;
	if (!arch->vtop_init || !arch->vtop)
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "dump levels above 1 are not done for %s yet", arch->info.name);
	if (npfns > UINT64_MAX / page_size)
		return kdl_err(ctx, KDL_ERR_INVALID, "%" PRIu64 " pages are too many", npfns);
	if (kdl_kernel_read(ctx, vmcoreinfo, vmcoreinfo_len, page_size, dump_level, &k) ||
	    kdl_kmem_init(ctx, &km, arch, mem, &k))
		return -1;
	ex->bits = kdl_alloc(ctx, (npfns + 63) / 64 * sizeof(uint64_t));
	if (!ex->bits)
		return -1;
	if (!npfns)
		return 0;
	if (kdl_memmap_find(&km, &k, npfns, &mm))
		goto fail;
	ex->end_pfn = mm.end_pfn;
	if (walk(ctx, &km, &k, mem, &mm, ex)) {
		kdl_memmap_free(&mm);
		kdl_err_prefix(ctx, "dump level %d", dump_level);
		goto fail;
	}
	kdl_memmap_free(&mm);
	if (ex->bad_free_order)
		kdl_warn(ctx, "%" PRIu64 " free pages of an order above the kernel's largest"
		         " are kept, as makedumpfile keeps them", ex->bad_free_order);
	return 0;
fail:
	kdl_exclusion_free(ex);
	return -1;
}

void kdl_exclusion_free(struct kdl_exclusion *ex)
{
	free(ex->bits);
	ex->bits = NULL;
}
