/* Where the struct page of each pfn is, found as makedumpfile's
 * get_mem_map finds it.  SPARSEMEM: mem_section is an array of struct
 * mem_section, one a section of 2^SECTION_SIZE_BITS bytes of memory;
 * with SPARSEMEM_EXTREME, an array of pointers to pages of them (its
 * roots).  A section's section_mem_map holds flags in its low bits and,
 * above them, the address of its struct page array minus its first
 * pfn's struct page (the kernel's sparse_encode_mem_map).  FLATMEM:
 * mem_map points at one array for every pfn. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "filter/kernel.h"

/* the kernel's section_mem_map flags */
#define SECTION_MARKED_PRESENT 1ull
/* below SECTION_MAP_LAST_BIT, the flags: makedumpfile's mask */
#define SECTION_MAP_MASK (~((1ull << 5) - 1))

static int read_word(struct kdl_kmem *km, uint64_t vaddr, uint64_t *value,
                     const char *what)
{
	uint8_t raw[8];

	if (kdl_kmem_read(km, vaddr, raw, sizeof(raw), what))
		return -1;
	*value = kdl_get64le(raw);
	return 0;
}

/* makedumpfile's validate_mem_section, from the roots at roots_at (or
 * the array there): *valid when some section has a mem_map and every
 * one that has is a kernel address. */
static int read_sections(struct kdl_kmem *km, const struct kdl_kernel *k,
                         uint64_t array, struct kdl_memmap *mm, bool *valid)
{
	bool extreme = k->model == KDL_SPARSEMEM_EXTREME;
	uint64_t per_root = extreme ? k->page_size / k->mem_section_size : 1;
	uint64_t nroots = (mm->nsections + per_root - 1) / per_root;
	uint64_t *roots = NULL;
	int ret = -1;

	*valid = false;
	if (extreme) {
		uint8_t *raw = kdl_alloc(km->ctx, nroots * 8);

		roots = kdl_alloc(km->ctx, nroots * sizeof(*roots));
		if (!raw || !roots ||
		    kdl_kmem_read(km, array, raw, nroots * 8, "mem_section's roots")) {
			free(raw);
			goto out;
		}
		for (uint64_t i = 0; i < nroots; i++)
			roots[i] = kdl_get64le(raw + i * 8);
		free(raw);
	}
	for (uint64_t nr = 0; nr < mm->nsections; nr++) {
		uint64_t at, map;

		mm->mem_map[nr] = 0;
		if (extreme) {
			if (!roots[nr / per_root])
				continue;
			at = roots[nr / per_root] + nr % per_root * k->mem_section_size;
		} else {
			at = array + nr * k->mem_section_size;
		}
		if (!kdl_kmem_is_kernel(km, at))
			continue;
		if (read_word(km, at + k->section_mem_map, &map, "a struct mem_section"))
			goto out;
		if (!(map & SECTION_MARKED_PRESENT))
			continue;
		/* the encoded address is the array's minus the section's
		 * first pfn's place in it */
		map = (map & SECTION_MAP_MASK) +
		      nr * mm->pages_per_section * k->page_struct;
		if (!kdl_kmem_is_kernel(km, map)) {
			*valid = false;
			ret = 0;
			goto out;
		}
		mm->mem_map[nr] = map;
		*valid = true;
	}
	ret = 0;
out:
	free(roots);
	return ret;
}

static int find_sparse(struct kdl_kmem *km, const struct kdl_kernel *k,
                       uint64_t npfns, struct kdl_memmap *mm)
{
	uint64_t pointer;
	bool valid;

	mm->pages_per_section = 1ull << (k->section_size_bits - k->page_shift);
	mm->nsections = (npfns + mm->pages_per_section - 1) / mm->pages_per_section;
	mm->mem_map = kdl_alloc(km->ctx, mm->nsections * sizeof(*mm->mem_map));
	if (!mm->mem_map || read_sections(km, k, k->mem_section, mm, &valid))
		return -1;
	/* kernels 4.15 before its first fix gave the address of the
	 * pointer to the roots, not the roots' */
	if (!valid && k->model == KDL_SPARSEMEM_EXTREME) {
		if (read_word(km, k->mem_section, &pointer, "mem_section") ||
		    read_sections(km, k, pointer, mm, &valid))
			return -1;
	}
	if (!valid)
		return kdl_err(km->ctx, KDL_ERR_CORRUPT,
		               "no memory section of SYMBOL(mem_section)=%" PRIx64
		               " has struct pages at a kernel address",
		               k->mem_section);
	return 0;
}

static int find_flat(struct kdl_kmem *km, const struct kdl_kernel *k,
                     uint64_t npfns, struct kdl_memmap *mm)
{
	uint64_t map;

	mm->nsections = 1;
	mm->pages_per_section = npfns;
	mm->mem_map = kdl_alloc(km->ctx, sizeof(*mm->mem_map));
	if (!mm->mem_map || read_word(km, k->mem_map, &map, "mem_map"))
		return -1;
	if (!map)
		return kdl_err(km->ctx, KDL_ERR_CORRUPT, "the kernel's mem_map is NULL");
	mm->mem_map[0] = map;
	return 0;
}

int kdl_memmap_find(struct kdl_kmem *km, const struct kdl_kernel *k,
                    uint64_t npfns, struct kdl_memmap *mm)
{
	int r;

	memset(mm, 0, sizeof(*mm));
	r = k->model == KDL_FLATMEM ? find_flat(km, k, npfns, mm)
	                             : find_sparse(km, k, npfns, mm);
	if (r) {
		kdl_memmap_free(mm);
		return kdl_err_prefix(km->ctx, "dump level %d", k->dump_level);
	}
	/* makedumpfile's max_mapnr: to the end of the last section with
	 * struct pages */
	for (uint64_t nr = 0; nr < mm->nsections; nr++)
		if (mm->mem_map[nr])
			mm->end_pfn = (nr + 1) * mm->pages_per_section;
	if (mm->end_pfn > npfns)
		mm->end_pfn = npfns;
	return 0;
}

void kdl_memmap_free(struct kdl_memmap *mm)
{
	free(mm->mem_map);
	mm->mem_map = NULL;
}
