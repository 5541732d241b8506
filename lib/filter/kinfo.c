/* The VMCOREINFO entries a dump level uses, as numbers, and the check
 * that it has those the level needs: what makedumpfile reads of a kernel
 * it is given no vmlinux of. */
#include <inttypes.h>
#include <string.h>

#include "filter/kernel.h"
#include "model/model.h"

/* the kernel prints SYMBOL()s and KERNELOFFSET with %lx, the rest with
 * %ld or %lu */
static bool is_hex_key(const char *key)
{
	return !strncmp(key, "SYMBOL(", 7) || !strcmp(key, "KERNELOFFSET");
}

static int digit(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kdl_kinfo_get(kdl_ctx *ctx, const char *text, size_t len, const char *key,
                  uint64_t *value)
{
	size_t vlen, i = 0;
	const char *v = kdl_vmcoreinfo_get(text, len, key, &vlen);
	bool hex = is_hex_key(key), negative = false;
	unsigned base = hex ? 16 : 10;
	uint64_t x = 0;

	if (!v)
		return 0;
	if (!hex && vlen > 0 && v[0] == '-') {
		negative = true;
		i = 1;
	}
	if (i == vlen)
		goto bad;
	for (; i < vlen; i++) {
		int d = digit(v[i], hex);

		if (d < 0 || x > (UINT64_MAX - (unsigned)d) / base)
			goto bad;
		x = x * base + (unsigned)d;
	}
	if (negative && x > (uint64_t)INT64_MAX + 1)
		goto bad;
	/* two's complement, as the kernel's long */
	*value = negative ? ~x + 1 : x;
	return 1;
bad:
	return kdl_err(ctx, KDL_ERR_CORRUPT, "the VMCOREINFO's %s=%.*s is not a number",
	               key, (int)(vlen > 40 ? 40 : vlen), v);
}

int kdl_kinfo_lookup(kdl_ctx *ctx, void *arg, const char *key, uint64_t *value)
{
	const struct kdl_kernel *k = arg;

	return kdl_kinfo_get(ctx, k->vmcoreinfo, k->vmcoreinfo_len, key, value);
}

static int opt(kdl_ctx *ctx, const struct kdl_kernel *k, const char *key,
               struct kdl_opt *o)
{
	int r = kdl_kinfo_lookup(ctx, (void *)k, key, &o->v);

	o->has = r > 0;
	return r < 0 ? -1 : 0;
}

static int missing(kdl_ctx *ctx, const struct kdl_kernel *k, const char *key)
{
	return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
	               "dump level %d needs the VMCOREINFO's %s, which this dump's lacks",
	               k->dump_level, key);
}

static int need(kdl_ctx *ctx, const struct kdl_kernel *k, const char *key,
                uint64_t *value)
{
	int r = kdl_kinfo_lookup(ctx, (void *)k, key, value);

	return r > 0 ? 0 : r < 0 ? -1 : missing(ctx, k, key);
}

static int need_opt(kdl_ctx *ctx, const struct kdl_kernel *k, const char *key,
                    const struct kdl_opt *o)
{
	return o->has ? 0 : missing(ctx, k, key);
}

/* OSRELEASE's major.minor[.patch]: makedumpfile tells the compound
 * fields' widths by it. */
static int read_version(kdl_ctx *ctx, struct kdl_kernel *k)
{
	size_t len, i = 0;
	const char *v = kdl_vmcoreinfo_get(k->vmcoreinfo, k->vmcoreinfo_len,
	                                   "OSRELEASE", &len);
	unsigned part[3] = {0, 0, 0};

	if (!v)
		return missing(ctx, k, "OSRELEASE");
	for (int n = 0; n < 3; n++) {
		size_t start = i;

		while (i < len && v[i] >= '0' && v[i] <= '9' && part[n] < 100000)
			part[n] = part[n] * 10 + (unsigned)(v[i++] - '0');
		if (i == start) {
			if (n < 2)
				return kdl_err(ctx, KDL_ERR_CORRUPT,
				               "the VMCOREINFO's OSRELEASE=%.*s is no kernel version",
				               (int)(len > 40 ? 40 : len), v);
			break;
		}
		if (n == 2 || i == len || v[i] != '.')
			break;
		i++;
	}
	k->version = KDL_KERNEL_VERSION(part[0] > 255 ? 255 : part[0],
	                                part[1] > 255 ? 255 : part[1],
	                                part[2] > 255 ? 255 : part[2]);
	if (k->version < KDL_KERNEL_VERSION(4, 4, 0))
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "dump levels above 1 are not done for kernels before 4.4 (OSRELEASE=%.*s)",
		               (int)(len > 40 ? 40 : len), v);
	return 0;
}

/* makedumpfile's get_mem_type: a node's own mem_map (DISCONTIGMEM, or
 * FLATMEM with NUMA), SPARSEMEM, then FLATMEM. */
static int read_model(kdl_ctx *ctx, struct kdl_kernel *k)
{
	struct kdl_opt node_data, node_data_len, pgdat_list, pgdat_next,
		pgdat_list_len, pglist_size, node_mem_map, node_start, node_spanned,
		sym, size, off, bits, length, maxbits, mem_map;

	if (opt(ctx, k, "SYMBOL(node_data)", &node_data) ||
	    opt(ctx, k, "LENGTH(node_data)", &node_data_len) ||
	    opt(ctx, k, "SYMBOL(pgdat_list)", &pgdat_list) ||
	    opt(ctx, k, "OFFSET(pglist_data.pgdat_next)", &pgdat_next) ||
	    opt(ctx, k, "LENGTH(pgdat_list)", &pgdat_list_len) ||
	    opt(ctx, k, "SIZE(pglist_data)", &pglist_size) ||
	    opt(ctx, k, "OFFSET(pglist_data.node_mem_map)", &node_mem_map) ||
	    opt(ctx, k, "OFFSET(pglist_data.node_start_pfn)", &node_start) ||
	    opt(ctx, k, "OFFSET(pglist_data.node_spanned_pages)", &node_spanned) ||
	    opt(ctx, k, "SYMBOL(mem_section)", &sym) ||
	    opt(ctx, k, "SIZE(mem_section)", &size) ||
	    opt(ctx, k, "OFFSET(mem_section.section_mem_map)", &off) ||
	    opt(ctx, k, "SYMBOL(mem_map)", &mem_map))
		return -1;
	if (((node_data.has && node_data_len.has) ||
	     (pgdat_list.has && (pgdat_next.has || pgdat_list_len.has))) &&
	    pglist_size.has && node_mem_map.has && node_start.has && node_spanned.has)
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "dump levels above 1 are not done for a kernel with a mem_map per node (DISCONTIGMEM)");
	if (sym.has && size.has && off.has) {
		if (need(ctx, k, "NUMBER(SECTION_SIZE_BITS)", &bits.v) ||
		    opt(ctx, k, "LENGTH(mem_section)", &length))
			return -1;
		if (size.v < 8 || size.v > k->page_size || off.v > size.v - 8)
			return kdl_err(ctx, KDL_ERR_CORRUPT,
			               "the VMCOREINFO's SIZE(mem_section)=%" PRIu64
			               " and OFFSET(mem_section.section_mem_map)=%" PRIu64 " do not fit",
			               size.v, off.v);
		if (bits.v <= k->page_shift || bits.v >= 64)
			return kdl_err(ctx, KDL_ERR_CORRUPT,
			               "the VMCOREINFO's NUMBER(SECTION_SIZE_BITS)=%" PRIu64
			               " is not between the page shift and 64", bits.v);
		k->model = KDL_SPARSEMEM_EXTREME;
		if (length.has) {
			uint64_t per_root = k->page_size / size.v, roots;

			if (need(ctx, k, "NUMBER(MAX_PHYSMEM_BITS)", &maxbits.v))
				return -1;
			if (maxbits.v < bits.v || maxbits.v >= 64)
				return kdl_err(ctx, KDL_ERR_CORRUPT,
				               "the VMCOREINFO's NUMBER(MAX_PHYSMEM_BITS)=%" PRIu64
				               " is not between SECTION_SIZE_BITS and 64", maxbits.v);
			/* makedumpfile's is_sparsemem_extreme: the roots of
			 * the sections, a page of them each */
			roots = ((1ull << (maxbits.v - bits.v)) + per_root - 1) / per_root;
			if (length.v != roots)
				k->model = KDL_SPARSEMEM;
		}
		k->mem_section = sym.v;
		k->mem_section_size = size.v;
		k->section_mem_map = off.v;
		k->section_size_bits = (unsigned)bits.v;
		return 0;
	}
	if (mem_map.has) {
		k->model = KDL_FLATMEM;
		k->mem_map = mem_map.v;
		return 0;
	}
	return missing(ctx, k, !sym.has ? "SYMBOL(mem_section)" :
	                       !size.has ? "SIZE(mem_section)" :
	                       "OFFSET(mem_section.section_mem_map)");
}

/* Each struct page field read must lie within SIZE(page). */
static int check_field(kdl_ctx *ctx, const struct kdl_kernel *k,
                       const char *name, const struct kdl_opt *o, unsigned width)
{
	if (o->has && (o->v > k->page_struct || k->page_struct - o->v < width))
		return kdl_err(ctx, KDL_ERR_CORRUPT,
		               "the VMCOREINFO's OFFSET(page.%s)=%" PRIu64
		               " does not fit in SIZE(page)=%" PRIu64,
		               name, o->v, k->page_struct);
	return 0;
}

static int check_bit(kdl_ctx *ctx, const char *name, const struct kdl_opt *o)
{
	if (o->has && o->v > 63)
		return kdl_err(ctx, KDL_ERR_CORRUPT,
		               "the VMCOREINFO's NUMBER(%s)=%" PRId64 " is no bit of page.flags",
		               name, (int64_t)o->v);
	return 0;
}

static int read_page(kdl_ctx *ctx, struct kdl_kernel *k)
{
	struct kdl_opt flags = {true, 0};
	unsigned cw;
	int level = k->dump_level;

	if (need(ctx, k, "SIZE(page)", &k->page_struct) ||
	    need(ctx, k, "OFFSET(page.flags)", &flags.v) ||
	    opt(ctx, k, "OFFSET(page.mapping)", &k->mapping) ||
	    opt(ctx, k, "OFFSET(page._mapcount)", &k->mapcount) ||
	    opt(ctx, k, "OFFSET(page.private)", &k->private_) ||
	    opt(ctx, k, "OFFSET(page.compound_head)", &k->compound_head) ||
	    opt(ctx, k, "OFFSET(page.compound_order)", &k->compound_order) ||
	    opt(ctx, k, "OFFSET(page.compound_dtor)", &k->compound_dtor) ||
	    need(ctx, k, "NUMBER(PG_head_mask)", &k->pg_head_mask) ||
	    opt(ctx, k, "NUMBER(PG_lru)", &k->pg_lru) ||
	    opt(ctx, k, "NUMBER(PG_private)", &k->pg_private) ||
	    opt(ctx, k, "NUMBER(PG_swapcache)", &k->pg_swapcache) ||
	    opt(ctx, k, "NUMBER(PG_swapbacked)", &k->pg_swapbacked) ||
	    opt(ctx, k, "NUMBER(PG_slab)", &k->pg_slab) ||
	    opt(ctx, k, "NUMBER(PG_hwpoison)", &k->pg_hwpoison) ||
	    opt(ctx, k, "NUMBER(PG_buddy)", &k->pg_buddy) ||
	    opt(ctx, k, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &k->buddy_mapcount) ||
	    opt(ctx, k, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", &k->offline_mapcount) ||
	    opt(ctx, k, "NUMBER(HUGETLB_PAGE_DTOR)", &k->hugetlb_dtor) ||
	    opt(ctx, k, "SYMBOL(free_huge_page)", &k->free_huge_page) ||
	    opt(ctx, k, "LENGTH(zone.free_area)", &k->free_area_length))
		return -1;
	k->flags = flags.v;
	/* the head's order is in the struct page after it */
	if (need_opt(ctx, k, "OFFSET(page.compound_order)", &k->compound_order))
		return -1;
	if (k->page_struct == 0 || k->page_struct > 1024)
		return kdl_err(ctx, KDL_ERR_CORRUPT,
		               "the VMCOREINFO's SIZE(page)=%" PRIu64 " is no struct page's",
		               k->page_struct);
	k->wide_compound = k->version < KDL_KERNEL_VERSION(4, 16, 0);
	cw = k->wide_compound ? 2 : 1;
	if (check_field(ctx, k, "flags", &flags, 8) ||
	    check_field(ctx, k, "mapping", &k->mapping, 8) ||
	    check_field(ctx, k, "_mapcount", &k->mapcount, 4) ||
	    check_field(ctx, k, "private", &k->private_, 8) ||
	    check_field(ctx, k, "compound_head", &k->compound_head, 8) ||
	    check_field(ctx, k, "compound_order", &k->compound_order, cw) ||
	    check_field(ctx, k, "compound_dtor", &k->compound_dtor, cw) ||
	    check_bit(ctx, "PG_lru", &k->pg_lru) ||
	    check_bit(ctx, "PG_private", &k->pg_private) ||
	    check_bit(ctx, "PG_swapcache", &k->pg_swapcache) ||
	    check_bit(ctx, "PG_swapbacked", &k->pg_swapbacked) ||
	    check_bit(ctx, "PG_slab", &k->pg_slab) ||
	    check_bit(ctx, "PG_hwpoison", &k->pg_hwpoison) ||
	    check_bit(ctx, "PG_buddy", &k->pg_buddy))
		return -1;

	if (level & (KDL_DL_CACHE | KDL_DL_CACHE_PRIVATE | KDL_DL_USER) &&
	    need_opt(ctx, k, "OFFSET(page.mapping)", &k->mapping))
		return -1;
	if (level & (KDL_DL_CACHE | KDL_DL_CACHE_PRIVATE) &&
	    (need_opt(ctx, k, "NUMBER(PG_lru)", &k->pg_lru) ||
	     need_opt(ctx, k, "NUMBER(PG_swapcache)", &k->pg_swapcache) ||
	     need_opt(ctx, k, "NUMBER(PG_private)", &k->pg_private)))
		return -1;
	if (level & KDL_DL_USER &&
	    (need_opt(ctx, k, "OFFSET(page.compound_dtor)", &k->compound_dtor) ||
	     (!k->free_huge_page.has &&
	      need_opt(ctx, k, "NUMBER(HUGETLB_PAGE_DTOR)", &k->hugetlb_dtor))))
		return -1;

	/* makedumpfile's setup_page_is_buddy: by PG_buddy before 2.6.38,
	 * by _mapcount since; without either it walks the free lists,
	 * which this does not */
	if (level & KDL_DL_FREE) {
		if (need_opt(ctx, k, "OFFSET(page.private)", &k->private_))
			return -1;
		if (!k->pg_buddy.has &&
		    (need_opt(ctx, k, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &k->buddy_mapcount) ||
		     need_opt(ctx, k, "OFFSET(page._mapcount)", &k->mapcount) ||
		     need_opt(ctx, k, "NUMBER(PG_slab)", &k->pg_slab)))
			return -1;
		k->buddy = true;
	}
	/* without _mapcount makedumpfile reads it as 0: never offline */
	k->offline = k->offline_mapcount.has && k->mapcount.has;
	if (k->offline && need_opt(ctx, k, "NUMBER(PG_slab)", &k->pg_slab))
		return -1;
	return 0;
}

int kdl_kernel_read(kdl_ctx *ctx, const char *vmcoreinfo, size_t len,
                    uint32_t page_size, int dump_level, struct kdl_kernel *k)
{
	uint64_t vmci_page;
	int r;

	memset(k, 0, sizeof(*k));
	k->dump_level = dump_level;
	k->page_size = page_size;
	while ((1u << k->page_shift) < page_size)
		k->page_shift++;
	k->vmcoreinfo = vmcoreinfo;
	k->vmcoreinfo_len = vmcoreinfo ? len : 0;
	if (!vmcoreinfo || !len)
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "dump level %d needs the kernel's VMCOREINFO, which this dump lacks",
		               dump_level);
	r = kdl_kinfo_lookup(ctx, k, "PAGESIZE", &vmci_page);
	if (r < 0)
		return -1;
	if (r && vmci_page != page_size)
		return kdl_err(ctx, KDL_ERR_INVALID,
		               "the VMCOREINFO's PAGESIZE=%" PRIu64 " is not the dump's page size %" PRIu32,
		               vmci_page, page_size);
	if (read_version(ctx, k) || read_model(ctx, k) || read_page(ctx, k))
		return -1;
	return 0;
}
