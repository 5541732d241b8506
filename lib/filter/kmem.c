/* The dumped kernel's virtual memory, read through its page tables by
 * the architecture's walk, page by page: what maps one page of it says
 * nothing of the next.  The last page found is remembered, so that an
 * array read in pieces walks the tables once a page. */
#include <inttypes.h>

#include "filter/kernel.h"

int kdl_kmem_init(kdl_ctx *ctx, struct kdl_kmem *km, const struct kdl_arch *arch,
                  const struct kdl_phys *mem, struct kdl_kernel *k)
{
	*km = (struct kdl_kmem){.ctx = ctx, .arch = arch};
	km->vt.read = mem->read;
	km->vt.arg = mem->arg;
	km->vt.page_size = k->page_size;
	if (!arch->vtop_init || !arch->vtop)
		return kdl_err(ctx, KDL_ERR_UNSUPPORTED,
		               "dump levels above 1 are not done for %s yet", arch->info.name);
	if (arch->vtop_init(ctx, &km->vt, kdl_kinfo_lookup, k))
		return kdl_err_prefix(ctx, "dump level %d", k->dump_level);
	return 0;
}

bool kdl_kmem_is_kernel(const struct kdl_kmem *km, uint64_t vaddr)
{
	return vaddr >= km->vt.kernel_start;
}

/* Where vaddr is, and how many bytes from it its page maps. */
static int translate(struct kdl_kmem *km, uint64_t vaddr, uint64_t *paddr,
                     uint64_t *len)
{
	if (!km->cached || vaddr < km->cache_va ||
	    vaddr - km->cache_va >= km->cache_len) {
		uint64_t pa, n;

		if (km->arch->vtop(km->ctx, &km->vt, vaddr, &pa, &n))
			return -1;
		/* the page the walk found, from its start */
		km->cache_va = vaddr;
		km->cache_pa = pa;
		km->cache_len = n;
		km->cached = true;
	}
	*paddr = km->cache_pa + (vaddr - km->cache_va);
	*len = km->cache_len - (vaddr - km->cache_va);
	return 0;
}

/* Of the chunk read whole that the dump lacks some of, the first page
 * that it lacks, for the message. */
static int missing(struct kdl_kmem *km, const char *what, uint64_t va,
                   uint64_t pa, size_t n)
{
	uint64_t page = km->vt.page_size, off = 0;
	uint8_t byte;

	while (off < n) {
		int r = km->vt.read(km->vt.arg, pa + off, &byte, 1);

		if (r < 0)
			return -1;
		if (r)
			break;
		off = (pa + off) / page * page + page - pa;
	}
	if (off >= n)
		off = 0;
	return kdl_err(km->ctx, KDL_ERR_CORRUPT,
	               "%s at kernel address 0x%" PRIx64 " (physical 0x%" PRIx64
	               ") is not in the dump",
	               what, va + off, pa + off);
}

int kdl_kmem_read_some(struct kdl_kmem *km, uint64_t vaddr, void *buf, size_t n,
                       const char *what, uint64_t *lacking)
{
	uint8_t *out = buf;
	uint64_t at = vaddr;

	while (n) {
		uint64_t pa, len;
		size_t chunk;
		int r;

		if (translate(km, at, &pa, &len))
			return kdl_err_prefix(km->ctx, "reading %s at 0x%" PRIx64, what, vaddr);
		chunk = len < n ? (size_t)len : n;
		r = km->vt.read(km->vt.arg, pa, out, chunk);
		if (r < 0)
			return -1;
		if (r) {
			if (lacking)
				*lacking = at;
			return 1;
		}
		out += chunk;
		at += chunk;
		n -= chunk;
	}
	return 0;
}

int kdl_kmem_read(struct kdl_kmem *km, uint64_t vaddr, void *buf, size_t n,
                  const char *what)
{
	uint64_t at, pa, len;
	int r = kdl_kmem_read_some(km, vaddr, buf, n, what, &at);

	if (r <= 0)
		return r;
	n -= (size_t)(at - vaddr);
	if (translate(km, at, &pa, &len))
		return -1;
	return missing(km, what, at, pa, len < n ? (size_t)len : n);
}
