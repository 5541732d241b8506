/* filter/kmem.c: the kernel's virtual memory read through its page
 * tables, a page at a time whatever maps the next; the last page
 * remembered; what the dump lacks named. */
#include "filter-check.h"

static kdl_ctx *ctx;

struct setup {
	struct fake_kernel k;
	struct kdl_kernel kk;
	struct kdl_kmem km;
	struct kdl_phys mem;
};

static bool set_up(struct setup *s)
{
	size_t len;
	const char *text;

	fk_init(&s->k, FAKE_EXTREME, 4, 0x8000);
	text = fk_text(&s->k, &len);
	s->mem = fk_phys(&s->k);
	return CHECK_EQ(kdl_kernel_read(ctx, text, len, 4096, 31, &s->kk), 0) &&
	       CHECK_EQ(kdl_kmem_init(ctx, &s->km, &kdl_arch_x86_64, &s->mem, &s->kk), 0);
}

static void test_init(void)
{
	struct setup s;

	if (set_up(&s)) {
		CHECK_EQ(s.km.vt.root, K_TOP_PHYS);
		CHECK_EQ(s.km.vt.levels, 4);
		CHECK(kdl_kmem_is_kernel(&s.km, UINT64_C(0xffff880000000000)));
		CHECK(kdl_kmem_is_kernel(&s.km, UINT64_C(0xffffffff81000000)));
		CHECK(!kdl_kmem_is_kernel(&s.km, UINT64_C(0xffff87ffffffffff)));
		CHECK(!kdl_kmem_is_kernel(&s.km, 0x1000));
	}
	/* another architecture: not done */
	CHECK_EQ(kdl_kmem_init(ctx, &s.km, &kdl_arch_riscv64, &s.mem, &s.kk), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_STR(kdl_ctx_error(ctx), "dump levels above 1 are not done for riscv64 yet");
	/* the architecture's complaint, with the level */
	fk_unset(&s.k, "NUMBER(phys_base)");
	fk_text(&s.k, &s.kk.vmcoreinfo_len);
	CHECK_EQ(kdl_kmem_init(ctx, &s.km, &kdl_arch_x86_64, &s.mem, &s.kk), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_STR(kdl_ctx_error(ctx), "dump level 31: the VMCOREINFO has no NUMBER(phys_base)");
	fake_free(&s.k.m);
}

static void test_reads(void)
{
	struct setup s;
	uint8_t want[64], got[64];
	uint64_t va;

	if (!set_up(&s))
		return;
	for (int i = 0; i < 64; i++)
		want[i] = (uint8_t)(i * 7 + 1);
	/* the 4 KiB pages of the vmemmap's first 2 MiB, and the 2 MiB page
	 * after them: the same memory, however mapped */
	fake_write(&s.k.m, K_MEMMAP + 0x1ff000 + 0xfe0, want, 32);
	fake_write(&s.k.m, K_MEMMAP + 0x200000, want + 32, 32);
	fake_map_range(&s.k.m, s.k.vmemmap + (2u << 20), K_MEMMAP + (2u << 20),
	               2u << 20, 2);
	va = s.k.vmemmap + 0x200000 - 32;
	if (CHECK_EQ(kdl_kmem_read(&s.km, va, got, 64, "test"), 0))
		CHECK_MEM(got, want, 64);
	/* an unrelated page maps the next 4 KiB: read from where it maps */
	fake_map(&s.k.m, s.k.vmemmap + 0x1000, 0x30000000, 1);
	fake_write(&s.k.m, 0x30000000, want + 32, 32);
	fake_write(&s.k.m, K_MEMMAP + 0xfe0, want, 32);
	fake_ram(&s.k.m, 0x30000000, 0x30001000);
	if (CHECK_EQ(kdl_kmem_read(&s.km, s.k.vmemmap + 0xfe0, got, 64, "test"), 0))
		CHECK_MEM(got, want, 64);
	/* the page found is remembered: another read in it walks nothing */
	s.k.m.reads = 0;
	CHECK_EQ(kdl_kmem_read(&s.km, s.k.vmemmap + 0x1008, got, 8, "test"), 0);
	CHECK_EQ(s.k.m.reads, 1);
	CHECK_EQ(kdl_kmem_read(&s.km, s.k.vmemmap + 0x2000, got, 8, "test"), 0);
	CHECK_EQ(s.k.m.reads, 1 + 4 + 1);
	fake_free(&s.k.m);
}

static void test_missing(void)
{
	struct setup s;
	uint8_t buf[3 * 4096];
	uint64_t at = 0;

	if (!set_up(&s))
		return;
	/* of three pages, the second is not in the dump */
	fake_drop(&s.k.m, K_MEMMAP + 0x11000);
	CHECK_EQ(kdl_kmem_read_some(&s.km, s.k.vmemmap + 0x10000, buf, sizeof(buf), "x", &at), 1);
	CHECK_EQ(at, s.k.vmemmap + 0x11000); /* the 4 KiB page that holds it */
	CHECK_EQ(kdl_kmem_read(&s.km, s.k.vmemmap + 0x10000, buf, sizeof(buf), "the things"), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_STR(kdl_ctx_error(ctx),
	          "the things at kernel address 0xffffea0000011000 (physical 0x2011000) is not in the dump");
	/* within a 2 MiB page, the first page missing is named */
	fake_map_range(&s.k.m, s.k.vmemmap + (2u << 20), K_MEMMAP + (2u << 20),
	               2u << 20, 2);
	fake_drop(&s.k.m, K_MEMMAP + 0x203000);
	CHECK_EQ(kdl_kmem_read(&s.km, s.k.vmemmap + 0x201800, buf, sizeof(buf), "more"), -1);
	CHECK_STR(kdl_ctx_error(ctx),
	          "more at kernel address 0xffffea0000203000 (physical 0x2203000) is not in the dump");
	/* an address not mapped: the walk's words, and what was read */
	CHECK_EQ(kdl_kmem_read(&s.km, UINT64_C(0xffffc90000000000), buf, 8, "vmalloc"), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_HAS(kdl_ctx_error(ctx), "reading vmalloc at 0xffffc90000000000: kernel address");
	CHECK_HAS(kdl_ctx_error(ctx), "is not mapped");
	fake_free(&s.k.m);
}

int main(void)
{
	ctx = kdl_ctx_new();
	test_init();
	test_reads();
	test_missing();
	kdl_ctx_free(ctx);
	return check_done("filter/kmem");
}
