/* filter/memmap.c: each section's struct page array from mem_section as
 * the kernel encodes it, its roots or its plain array, the pointer to the
 * roots that 4.15 gave; FLATMEM's mem_map; where the map ends. */
#include "filter-check.h"

static kdl_ctx *ctx;

struct setup {
	struct kdl_kernel kk;
	struct kdl_kmem km;
	struct kdl_phys mem;
	struct kdl_memmap mm;
};

static int find(struct fake_kernel *k, struct setup *s)
{
	size_t len;
	const char *text = fk_text(k, &len);

	s->mem = fk_phys(k);
	if (!CHECK_EQ(kdl_kernel_read(ctx, text, len, 4096, 31, &s->kk), 0) ||
	    !CHECK_EQ(kdl_kmem_init(ctx, &s->km, &kdl_arch_x86_64, &s->mem, &s->kk), 0))
		return -1;
	return kdl_memmap_find(&s->km, &s->kk, k->npfns, &s->mm);
}

/* Sections 0 to 299: two roots and some; arrays of each's own. */
static void test_extreme(void)
{
	struct fake_kernel k;
	struct setup s;
	uint64_t nsec = 300;

	fk_init(&k, FAKE_EXTREME, 4, nsec * PER_SECTION);
	/* section 5's array elsewhere, encoded minus its first pfn's */
	fk_section(&k, 5, (UINT64_C(0xffff888004000000) - 5 * PER_SECTION * SP) | 0x1f);
	fk_section(&k, 6, 0);                       /* none */
	fk_section(&k, 7, k.vmemmap | 0x1e);        /* not marked present */
	/* sections 128 to 255: no root */
	fake_put64(&k.m, K_ROOTS + 8, 0);
	/* 256 to 299: a root that is no kernel address */
	fake_put64(&k.m, K_ROOTS + 16, 0x1000);
	if (!CHECK_EQ(find(&k, &s), 0)) {
		fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
		fake_free(&k.m);
		return;
	}
	CHECK_EQ(s.mm.nsections, nsec);
	CHECK_EQ(s.mm.pages_per_section, PER_SECTION);
	CHECK_EQ(s.mm.mem_map[0], k.vmemmap);
	CHECK_EQ(s.mm.mem_map[1], k.vmemmap + PER_SECTION * SP);
	CHECK_EQ(s.mm.mem_map[5], UINT64_C(0xffff888004000000));
	CHECK_EQ(s.mm.mem_map[6], 0);
	CHECK_EQ(s.mm.mem_map[7], 0);
	CHECK_EQ(s.mm.mem_map[127], k.vmemmap + 127ull * PER_SECTION * SP);
	CHECK_EQ(s.mm.mem_map[128], 0);
	CHECK_EQ(s.mm.mem_map[299], 0);
	CHECK_EQ(s.mm.end_pfn, 128ull * PER_SECTION);
	kdl_memmap_free(&s.mm);
	CHECK(s.mm.mem_map == NULL);
	fake_free(&k.m);
}

static void test_plain_and_pointer(void)
{
	struct fake_kernel k;
	struct setup s;

	fk_init(&k, FAKE_SPARSE, 4, 3 * PER_SECTION);
	fk_section(&k, 2, 0);
	if (CHECK_EQ(find(&k, &s), 0)) {
		CHECK_EQ(s.kk.model, KDL_SPARSEMEM);
		CHECK_EQ(s.mm.mem_map[0], k.vmemmap);
		CHECK_EQ(s.mm.mem_map[1], k.vmemmap + PER_SECTION * SP);
		CHECK_EQ(s.mm.mem_map[2], 0);
		CHECK_EQ(s.mm.end_pfn, 2 * PER_SECTION);
		kdl_memmap_free(&s.mm);
	}
	fake_free(&k.m);

	fk_init(&k, FAKE_EXTREME_POINTER, 4, 3 * PER_SECTION);
	if (CHECK_EQ(find(&k, &s), 0)) {
		CHECK_EQ(s.mm.mem_map[2], k.vmemmap + 2 * PER_SECTION * SP);
		CHECK_EQ(s.mm.end_pfn, 3 * PER_SECTION);
		kdl_memmap_free(&s.mm);
	}
	fake_free(&k.m);
}

static void test_flat(void)
{
	struct fake_kernel k;
	struct setup s;

	fk_init(&k, FAKE_FLAT, 4, 0x1234);
	if (CHECK_EQ(find(&k, &s), 0)) {
		CHECK_EQ(s.mm.nsections, 1);
		CHECK_EQ(s.mm.pages_per_section, 0x1234);
		CHECK_EQ(s.mm.mem_map[0], k.vmemmap);
		CHECK_EQ(s.mm.end_pfn, 0x1234);
		kdl_memmap_free(&s.mm);
	}
	fake_put64(&k.m, K_VAR_PHYS, 0);
	CHECK_EQ(find(&k, &s), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_STR(kdl_ctx_error(ctx), "dump level 31: the kernel's mem_map is NULL");
	fake_free(&k.m);
}

/* A section whose array is at no kernel address spoils the lot, as in
 * makedumpfile; so does having none. */
static void test_invalid(void)
{
	struct fake_kernel k;
	struct setup s;

	fk_init(&k, FAKE_EXTREME, 4, 2 * PER_SECTION);
	fk_section(&k, 1, 0x1000 | 1);
	CHECK_EQ(find(&k, &s), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_HAS(kdl_ctx_error(ctx), "no memory section of SYMBOL(mem_section)=ffff888001e00000");
	fake_free(&k.m);

	fk_init(&k, FAKE_SPARSE, 4, 2 * PER_SECTION);
	fk_section(&k, 0, 0);
	fk_section(&k, 1, 0);
	CHECK_EQ(find(&k, &s), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "no memory section");
	fake_free(&k.m);
}

int main(void)
{
	ctx = kdl_ctx_new();
	test_extreme();
	test_plain_and_pointer();
	test_flat();
	test_invalid();
	kdl_ctx_free(ctx);
	return check_done("filter/memmap");
}
