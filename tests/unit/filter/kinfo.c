/* filter/kinfo.c: VMCOREINFO entries as numbers, as the kernel prints
 * them; what a dump level takes of them, and what it finds wrong. */
#include "filter-check.h"

static kdl_ctx *ctx;

static int get(const char *text, const char *key, uint64_t *v)
{
	return kdl_kinfo_get(ctx, text, strlen(text), key, v);
}

static void test_numbers(void)
{
	const char *text =
		"SYMBOL(init_top_pgt)=ffffffff9e410000\n"
		"SYMBOL(upper)=FFFF8B91CFFD5000\n"
		"KERNELOFFSET=1ba00000\n"
		"NUMBER(phys_base)=-392167424\n"
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
		"NUMBER(least)=-9223372036854775808\n"
		"NUMBER(less)=-9223372036854775809\n"
		"SIZE(page)=64\n"
		"SIZE(most)=18446744073709551615\n"
		"SIZE(more)=18446744073709551616\n"
		"NUMBER(hex)=12a\n"
		"NUMBER(empty)=\n"
		"NUMBER(minus)=-\n"
		"SYMBOL(x)=0xffff\n";
	uint64_t v = 7;

	CHECK_EQ(get(text, "SYMBOL(init_top_pgt)", &v), 1);
	CHECK_EQ(v, 0xffffffff9e410000u);
	CHECK_EQ(get(text, "SYMBOL(upper)", &v), 1);
	CHECK_EQ(v, 0xffff8b91cffd5000u);
	CHECK_EQ(get(text, "KERNELOFFSET", &v), 1);
	CHECK_EQ(v, 0x1ba00000);
	/* negative: two's complement, as the kernel's long */
	CHECK_EQ(get(text, "NUMBER(phys_base)", &v), 1);
	CHECK_EQ(v, (uint64_t)-392167424);
	CHECK_EQ(get(text, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &v), 1);
	CHECK_EQ((uint32_t)v, 0xffffff7fu);
	CHECK_EQ(get(text, "NUMBER(least)", &v), 1);
	CHECK_EQ(v, 1ull << 63);
	CHECK_EQ(get(text, "SIZE(page)", &v), 1);
	CHECK_EQ(v, 64);
	CHECK_EQ(get(text, "SIZE(most)", &v), 1);
	CHECK_EQ(v, UINT64_MAX);
	/* absent: 0, v untouched */
	v = 7;
	CHECK_EQ(get(text, "SIZE(none)", &v), 0);
	CHECK_EQ(v, 7);
	CHECK_EQ(get(text, "SIZE(pag)", &v), 0);
	/* no numbers */
	static const char *const bad[] = {
		"NUMBER(less)", "SIZE(more)", "NUMBER(hex)", "NUMBER(empty)",
		"NUMBER(minus)", "SYMBOL(x)",
	};
	for (size_t i = 0; i < KDL_ARRAY_SIZE(bad); i++) {
		if (!CHECK_EQ(get(text, bad[i], &v), -1))
			fprintf(stderr, "  %s\n", bad[i]);
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
		CHECK_HAS(kdl_ctx_error(ctx), bad[i]);
		CHECK_HAS(kdl_ctx_error(ctx), "is not a number");
	}
}

static int read_kernel(struct fake_kernel *k, int level, struct kdl_kernel *out)
{
	size_t len;
	const char *text = fk_text(k, &len);

	return kdl_kernel_read(ctx, text, len, 4096, level, out);
}

static void fresh(struct fake_kernel *k)
{
	memset(k, 0, sizeof(*k));
	k->direct = UINT64_C(0xffff888000000000);
	fk_vmcoreinfo(k, 4);
}

static void test_debian_6_1(void)
{
	struct fake_kernel k;
	struct kdl_kernel kk;

	fresh(&k);
	if (!CHECK_EQ(read_kernel(&k, 31, &kk), 0))
		return;
	CHECK_EQ(kk.dump_level, 31);
	CHECK_EQ(kk.page_shift, 12);
	CHECK_EQ(kk.version, KDL_KERNEL_VERSION(6, 1, 0));
	CHECK_EQ(kk.model, KDL_SPARSEMEM_EXTREME);
	CHECK_EQ(kk.mem_section, UINT64_C(0xffff888001e00000));
	CHECK_EQ(kk.mem_section_size, 32);
	CHECK_EQ(kk.section_mem_map, 0);
	CHECK_EQ(kk.section_size_bits, 27);
	CHECK_EQ(kk.page_struct, 64);
	CHECK_EQ(kk.flags, 0);
	CHECK(kk.mapping.has && kk.mapping.v == 24);
	CHECK(kk.mapcount.has && kk.mapcount.v == 48);
	CHECK(kk.private_.has && kk.private_.v == 40);
	CHECK(kk.compound_head.has && kk.compound_head.v == 8);
	CHECK(kk.compound_order.has && kk.compound_order.v == 17);
	CHECK(kk.compound_dtor.has && kk.compound_dtor.v == 16);
	CHECK(!kk.wide_compound);
	CHECK_EQ(kk.pg_head_mask, 65536);
	CHECK(kk.pg_lru.has && kk.pg_lru.v == 4);
	CHECK(kk.pg_hwpoison.has && kk.pg_hwpoison.v == 23);
	CHECK(!kk.pg_buddy.has);
	CHECK(kk.buddy);
	CHECK(kk.offline);
	CHECK(kk.free_area_length.has && kk.free_area_length.v == 11);
	CHECK(kk.hugetlb_dtor.has && kk.hugetlb_dtor.v == 2);
	/* a level without free pages does not tell them */
	if (CHECK_EQ(read_kernel(&k, 14, &kk), 0))
		CHECK(!kk.buddy);
}

static void test_versions(void)
{
	static const struct {
		const char *release;
		unsigned version;
		bool wide;
	} cases[] = {
		{"6.1.0-57-amd64", KDL_KERNEL_VERSION(6, 1, 0), false},
		{"4.16.0", KDL_KERNEL_VERSION(4, 16, 0), false},
		{"4.15.18-1-pve", KDL_KERNEL_VERSION(4, 15, 18), true},
		{"4.4", KDL_KERNEL_VERSION(4, 4, 0), true},
		{"5.10.0-rc3", KDL_KERNEL_VERSION(5, 10, 0), false},
		{"6.12.9+bpo-amd64", KDL_KERNEL_VERSION(6, 12, 9), false},
	};
	struct fake_kernel k;
	struct kdl_kernel kk;

	fresh(&k);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		fk_set(&k, "OSRELEASE", "%s", cases[i].release);
		if (!CHECK_EQ(read_kernel(&k, 2, &kk), 0)) {
			fprintf(stderr, "  %s: %s\n", cases[i].release, kdl_ctx_error(ctx));
			continue;
		}
		CHECK_EQ(kk.version, cases[i].version);
		CHECK_EQ(kk.wide_compound, cases[i].wide);
	}
	fk_set(&k, "OSRELEASE", "4.3.6");
	CHECK_EQ(read_kernel(&k, 2, &kk), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_HAS(kdl_ctx_error(ctx), "before 4.4");
	fk_set(&k, "OSRELEASE", "x.y");
	CHECK_EQ(read_kernel(&k, 2, &kk), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
}

static void test_models(void)
{
	struct fake_kernel k;
	struct kdl_kernel kk;

	/* LENGTH(mem_section) is the roots' count, or the sections' */
	fresh(&k);
	fk_set(&k, "LENGTH(mem_section)", "524288");
	if (CHECK_EQ(read_kernel(&k, 2, &kk), 0))
		CHECK_EQ(kk.model, KDL_SPARSEMEM);
	/* without it, extreme, and MAX_PHYSMEM_BITS is not needed */
	fk_unset(&k, "LENGTH(mem_section)");
	fk_unset(&k, "NUMBER(MAX_PHYSMEM_BITS)");
	if (CHECK_EQ(read_kernel(&k, 2, &kk), 0))
		CHECK_EQ(kk.model, KDL_SPARSEMEM_EXTREME);
	/* with it, it is */
	fk_set(&k, "LENGTH(mem_section)", "4096");
	CHECK_EQ(read_kernel(&k, 2, &kk), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "NUMBER(MAX_PHYSMEM_BITS)");
	/* FLATMEM */
	fresh(&k);
	fk_unset(&k, "SYMBOL(mem_section)");
	fk_set(&k, "SYMBOL(mem_map)", "ffffffff82f00000");
	if (CHECK_EQ(read_kernel(&k, 2, &kk), 0)) {
		CHECK_EQ(kk.model, KDL_FLATMEM);
		CHECK_EQ(kk.mem_map, UINT64_C(0xffffffff82f00000));
	}
	/* SPARSEMEM comes first */
	fresh(&k);
	fk_set(&k, "SYMBOL(mem_map)", "ffffffff82f00000");
	if (CHECK_EQ(read_kernel(&k, 2, &kk), 0))
		CHECK_EQ(kk.model, KDL_SPARSEMEM_EXTREME);
	/* a mem_map per node */
	fresh(&k);
	fk_set(&k, "OFFSET(pglist_data.node_mem_map)", "176");
	CHECK_EQ(read_kernel(&k, 2, &kk), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_HAS(kdl_ctx_error(ctx), "DISCONTIGMEM");
	fk_unset(&k, "LENGTH(node_data)");
	CHECK_EQ(read_kernel(&k, 2, &kk), 0);
}

/* Offsets and bits the struct page cannot have. */
static void test_nonsense(void)
{
	static const struct {
		const char *key, *value, *says;
	} cases[] = {
		{"SIZE(page)", "0", "SIZE(page)=0"},
		{"SIZE(page)", "4096", "SIZE(page)=4096"},
		{"OFFSET(page.mapping)", "60", "OFFSET(page.mapping)=60"},
		{"OFFSET(page.compound_order)", "64", "OFFSET(page.compound_order)=64"},
		{"OFFSET(page._mapcount)", "61", "OFFSET(page._mapcount)=61"},
		{"NUMBER(PG_lru)", "64", "NUMBER(PG_lru)=64"},
		{"NUMBER(PG_slab)", "-1", "NUMBER(PG_slab)=-1"},
		{"NUMBER(SECTION_SIZE_BITS)", "12", "SECTION_SIZE_BITS)=12"},
		{"NUMBER(MAX_PHYSMEM_BITS)", "20", "MAX_PHYSMEM_BITS)=20"},
		{"SIZE(mem_section)", "4", "SIZE(mem_section)=4"},
		{"OFFSET(mem_section.section_mem_map)", "30", "section_mem_map)=30"},
	};
	struct fake_kernel k;
	struct kdl_kernel kk;

	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		fresh(&k);
		fk_set(&k, cases[i].key, "%s", cases[i].value);
		if (!CHECK_EQ(read_kernel(&k, 31, &kk), -1) ||
		    !CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT) ||
		    !CHECK_HAS(kdl_ctx_error(ctx), cases[i].says))
			fprintf(stderr, "  %s=%s\n", cases[i].key, cases[i].value);
	}
	/* a PAGESIZE that is not the dump's */
	fresh(&k);
	{
		size_t len;
		const char *text = fk_text(&k, &len);

		CHECK_EQ(kdl_kernel_read(ctx, text, len, 65536, 2, &kk), -1);
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
		CHECK_HAS(kdl_ctx_error(ctx), "PAGESIZE=4096 is not the dump's page size 65536");
		/* none at all: the dump's */
		fk_unset(&k, "PAGESIZE");
		text = fk_text(&k, &len);
		CHECK_EQ(kdl_kernel_read(ctx, text, len, 4096, 2, &kk), 0);
	}
}

/* Free pages by PG_buddy, before 2.6.38's _mapcount; offline pages only
 * with _mapcount. */
static void test_buddy_and_offline(void)
{
	struct fake_kernel k;
	struct kdl_kernel kk;

	fresh(&k);
	fk_unset(&k, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	CHECK_EQ(read_kernel(&k, 16, &kk), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "dump level 16 needs the VMCOREINFO's NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	fk_set(&k, "NUMBER(PG_buddy)", "19");
	if (CHECK_EQ(read_kernel(&k, 16, &kk), 0))
		CHECK(kk.buddy && kk.pg_buddy.has);
	fresh(&k);
	fk_unset(&k, "OFFSET(page._mapcount)");
	fk_unset(&k, "NUMBER(PG_slab)");
	if (CHECK_EQ(read_kernel(&k, 8, &kk), 0))
		CHECK(!kk.offline);
	fk_set(&k, "OFFSET(page._mapcount)", "48");
	CHECK_EQ(read_kernel(&k, 8, &kk), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "NUMBER(PG_slab)");
	/* hugetlb by the old free_huge_page's address */
	fresh(&k);
	fk_unset(&k, "NUMBER(HUGETLB_PAGE_DTOR)");
	CHECK_EQ(read_kernel(&k, 8, &kk), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "NUMBER(HUGETLB_PAGE_DTOR)");
	fk_set(&k, "SYMBOL(free_huge_page)", "ffffffff81234560");
	if (CHECK_EQ(read_kernel(&k, 8, &kk), 0))
		CHECK(kk.free_huge_page.has && !kk.hugetlb_dtor.has);
	/* no VMCOREINFO */
	CHECK_EQ(kdl_kernel_read(ctx, NULL, 0, 4096, 4, &kk), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_HAS(kdl_ctx_error(ctx), "dump level 4 needs the kernel's VMCOREINFO");
}

int main(void)
{
	ctx = kdl_ctx_new();
	test_numbers();
	test_debian_6_1();
	test_versions();
	test_models();
	test_nonsense();
	test_buddy_and_offline();
	kdl_ctx_free(ctx);
	return check_done("filter/kinfo");
}
