/* arch/x86_64.c: the x86_64 entry, the default architecture, its
 * pr_reg laid out as struct user_regs_struct of
 * arch/x86/include/asm/user_64.h, and the walk of 4- and 5-level page
 * tables built in a fake memory. */
#include "arch-check.h"
#include "x86_64-fake.h"

static const struct kdl_arch *const x86 = &kdl_arch_x86_64;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "x86_64",
		.summary = "64-bit x86",
		.is_default = 1,
		.e_machine = 62, /* EM_X86_64 */
		.big_endian = false,
		.page_size = 4096,
		.uts_machine = "x86_64",
		.phys_bits = 52, /* MAX_PHYSMEM_BITS with 5-level paging */
		.pr_reg_size = 27 * 8,
		.prstatus_size = 336,
	};

	check_entry(x86, &want);
}

static void test_registers(void)
{
	static const struct kdl_reg_def want[] = {
		{"r15", 0, 8, false},       {"r14", 8, 8, false},
		{"r13", 16, 8, false},      {"r12", 24, 8, false},
		{"rbp", 32, 8, false},      {"rbx", 40, 8, false},
		{"r11", 48, 8, false},      {"r10", 56, 8, false},
		{"r9", 64, 8, false},       {"r8", 72, 8, false},
		{"rax", 80, 8, false},      {"rcx", 88, 8, false},
		{"rdx", 96, 8, false},      {"rsi", 104, 8, false},
		{"rdi", 112, 8, false},     {"orig_rax", 120, 8, false},
		{"rip", 128, 8, false},     {"cs", 136, 8, false},
		{"eflags", 144, 8, false},  {"rflags", 144, 8, true},
		{"rsp", 152, 8, false},     {"ss", 160, 8, false},
		{"fs_base", 168, 8, false}, {"fs.base", 168, 8, true},
		{"gs_base", 176, 8, false}, {"gs.base", 176, 8, true},
		{"ds", 184, 8, false},      {"es", 192, 8, false},
		{"fs", 200, 8, false},      {"gs", 208, 8, false},
	};

	check_regs(x86, want, KDL_ARRAY_SIZE(want));
	/* every 8-byte slot of pr_reg has exactly one register */
	check_layout(x86, 27);
}

/* Where gdb and crash look for the registers in NT_PRSTATUS. */
static void test_prstatus_offsets(void)
{
	CHECK_EQ(KDL_PRSTATUS_FIXED, 112);
	CHECK_EQ(desc_at(x86, "rip"), 112 + 16 * 8);
	CHECK_EQ(desc_at(x86, "rsp"), 112 + 19 * 8);
	CHECK_EQ(desc_at(x86, "gs"), 112 + 26 * 8);
	CHECK_EQ(desc_at(x86, "r15"), 112);
	CHECK_EQ(desc_at(x86, "eflags"), 112 + 18 * 8);
	CHECK_EQ(desc_at(x86, "RFLAGS"), 112 + 18 * 8);
	CHECK_EQ(desc_at(x86, "fs.base"), 112 + 21 * 8);
	CHECK_EQ(desc_at(x86, "gs_base"), 112 + 22 * 8);
	CHECK(kdl_arch_reg(x86, "rflags")->alias);
	CHECK(!kdl_arch_reg(x86, "eflags")->alias);
	CHECK(kdl_arch_reg(x86, "x0") == NULL);
}


/* ---- the page-table walk ---- */

static kdl_ctx *ctx;

/* A VMCOREINFO as the filter would answer for it: key=value pairs, the
 * values already numbers. */
struct info {
	const char *key[8];
	uint64_t value[8];
	bool broken; /* every lookup fails, as a malformed entry would */
};

static int info_get(kdl_ctx *c, void *arg, const char *key, uint64_t *value)
{
	const struct info *in = arg;

	if (in->broken)
		return kdl_err(c, KDL_ERR_CORRUPT, "the VMCOREINFO's %s=x is not a number", key);
	for (size_t i = 0; i < 8 && in->key[i]; i++)
		if (!strcmp(in->key[i], key)) {
			*value = in->value[i];
			return 1;
		}
	return 0;
}

/* init_top_pgt at 0xffffffff82c0a000; with phys_base -16 MiB, its page
 * is at physical 0x1c0a000 */
#define TOP_SYM 0xffffffff82c0a000ull
#define PHYS_BASE ((uint64_t)-0x1000000)
#define TOP_PHYS 0x1c0a000ull

static struct kdl_vtop vtop_for(struct fake_mem *m)
{
	return (struct kdl_vtop){.read = fake_read, .arg = m, .page_size = 4096};
}

static int init(struct kdl_vtop *vt, struct info *in)
{
	return x86->vtop_init(ctx, vt, info_get, in);
}

static void test_vtop_init(void)
{
	struct fake_mem m = {0};
	struct kdl_vtop vt = vtop_for(&m);
	struct info in = {
		.key = {"SYMBOL(init_top_pgt)", "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)",
		 "NUMBER(sme_mask)"},
		.value = {TOP_SYM, PHYS_BASE, 0, 0},
	};

	if (CHECK_EQ(init(&vt, &in), 0)) {
		CHECK_EQ(vt.root, TOP_PHYS);
		CHECK_EQ(vt.levels, 4);
		CHECK_EQ(vt.entry_mask, 0x000ffffffffff000ull);
		CHECK_EQ(vt.kernel_start, 0xffff880000000000ull);
	}
	/* 5 levels; SME's bit is no address bit */
	in.value[2] = 1;
	in.value[3] = 1ull << 47;
	if (CHECK_EQ(init(&vt, &in), 0)) {
		CHECK_EQ(vt.levels, 5);
		CHECK_EQ(vt.entry_mask, 0x000ffffffffff000ull & ~(1ull << 47));
		CHECK_EQ(vt.kernel_start, 0xff10000000000000ull);
	}
	/* pgtable_l5_enabled and sme_mask may be missing: 4 levels, no SME */
	in.key[2] = NULL;
	if (CHECK_EQ(init(&vt, &in), 0)) {
		CHECK_EQ(vt.levels, 4);
		CHECK_EQ(vt.entry_mask, 0x000ffffffffff000ull);
	}
	/* the older name first, swapper_pg_dir last */
	in = (struct info){.key = {"SYMBOL(swapper_pg_dir)", "NUMBER(phys_base)"}, .value = {TOP_SYM, 0}};
	if (CHECK_EQ(init(&vt, &in), 0))
		CHECK_EQ(vt.root, TOP_SYM - FAKE_KERNEL_MAP);
	in = (struct info){
		.key = {"SYMBOL(swapper_pg_dir)", "NUMBER(phys_base)", "SYMBOL(init_level4_pgt)"},
		.value = {TOP_SYM, 0, TOP_SYM + 4096},
	};
	if (CHECK_EQ(init(&vt, &in), 0))
		CHECK_EQ(vt.root, TOP_SYM + 4096 - FAKE_KERNEL_MAP);
	/* what is missing is named */
	in = (struct info){.key = {"NUMBER(phys_base)"}, .value = {0}};
	CHECK_EQ(init(&vt, &in), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_HAS(kdl_ctx_error(ctx), "SYMBOL(init_top_pgt)");
	in = (struct info){.key = {"SYMBOL(init_top_pgt)"}, .value = {TOP_SYM}};
	CHECK_EQ(init(&vt, &in), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_HAS(kdl_ctx_error(ctx), "NUMBER(phys_base)");
	/* a top table outside the kernel's image */
	in = (struct info){.key = {"SYMBOL(init_top_pgt)", "NUMBER(phys_base)"},
	                   .value = {0xffff888001000000ull, 0}};
	CHECK_EQ(init(&vt, &in), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	/* a malformed entry's failure is passed on */
	in.broken = true;
	CHECK_EQ(init(&vt, &in), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "is not a number");
	/* x86_64 has 4 KiB pages only */
	vt.page_size = 65536;
	in = (struct info){.key = {"SYMBOL(init_top_pgt)", "NUMBER(phys_base)"}, .value = {TOP_SYM, 0}};
	CHECK_EQ(init(&vt, &in), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	fake_free(&m);
}

static void check_vtop(const struct kdl_vtop *vt, uint64_t va, uint64_t pa,
                       uint64_t len)
{
	uint64_t got = 0, n = 0;

	if (!CHECK_EQ(x86->vtop(ctx, vt, va, &got, &n), 0)) {
		fprintf(stderr, "  0x%" PRIx64 ": %s\n", va, kdl_ctx_error(ctx));
		return;
	}
	if (!CHECK_EQ(got, pa) || !CHECK_EQ(n, len))
		fprintf(stderr, "  at 0x%" PRIx64 "\n", va);
}

static void walk_sizes(unsigned levels, uint64_t sme)
{
	struct fake_mem m = {0};
	struct kdl_vtop vt = vtop_for(&m);
	struct info in = {
		.key = {"SYMBOL(init_top_pgt)", "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)",
		 "NUMBER(sme_mask)"},
		.value = {TOP_SYM, PHYS_BASE, levels == 5, sme},
	};
	uint64_t direct = levels == 5 ? 0xff11000000000000ull : 0xffff888000000000ull;

	m.entry_bits = sme;
	fake_tables(&m, levels, TOP_PHYS, 0x2000000);
	/* 4 KiB, 2 MiB and 1 GiB pages */
	fake_map(&m, 0xffffea0000000000ull, 0x5000000, 1);
	fake_map(&m, 0xffffea0000001000ull, 0x7000000, 1);
	fake_map(&m, 0xffffffff81000000ull, 0x1000000, 2);
	fake_map(&m, direct, 0x40000000, 3);
	if (!CHECK_EQ(init(&vt, &in), 0))
		return;
	check_vtop(&vt, 0xffffea0000000000ull, 0x5000000, 4096);
	check_vtop(&vt, 0xffffea0000000123ull, 0x5000123, 4096 - 0x123);
	check_vtop(&vt, 0xffffea0000001ff8ull, 0x7000ff8, 8);
	check_vtop(&vt, 0xffffffff81000000ull, 0x1000000, 2u << 20);
	check_vtop(&vt, 0xffffffff811fffffull, 0x11fffff, 1);
	check_vtop(&vt, direct + 0x12345678, 0x52345678, (1u << 30) - 0x12345678);
	fake_free(&m);
}

static void test_vtop_sizes(void)
{
	walk_sizes(4, 0);
	walk_sizes(5, 0);
	walk_sizes(4, 1ull << 47);
	walk_sizes(5, 1ull << 51);
}

/* A large page's PAT bit (bit 12) is no address bit: makedumpfile masks
 * the entry with the page's size. */
static void test_vtop_large_pat(void)
{
	struct fake_mem m = {0};
	struct kdl_vtop vt = vtop_for(&m);
	struct info in = {.key = {"SYMBOL(init_top_pgt)", "NUMBER(phys_base)"}, .value = {TOP_SYM, PHYS_BASE}};
	uint64_t va = 0xffffffff81000000ull, pmd;

	fake_tables(&m, 4, TOP_PHYS, 0x2000000);
	fake_map(&m, va, 0x1000000, 2);
	/* the PMD table is the third made: PGD's PUD, then the PMD */
	pmd = 0x2000000 + FAKE_PAGE + (va >> 21) % 512 * 8;
	fake_put64(&m, pmd, 0x1000000 | 0x1000 | 0xe3);
	if (CHECK_EQ(init(&vt, &in), 0))
		check_vtop(&vt, va + 0x10, 0x1000010, (2u << 20) - 0x10);
	fake_free(&m);
}

static void test_vtop_failures(void)
{
	struct fake_mem m = {0};
	struct kdl_vtop vt = vtop_for(&m);
	struct info in = {.key = {"SYMBOL(init_top_pgt)", "NUMBER(phys_base)"}, .value = {TOP_SYM, PHYS_BASE}};
	uint64_t pa, len;

	fake_tables(&m, 4, TOP_PHYS, 0x2000000);
	fake_map(&m, 0xffffea0000000000ull, 0x5000000, 1);
	if (!CHECK_EQ(init(&vt, &in), 0))
		return;
	/* not mapped: the entry that is not present is named */
	CHECK_EQ(x86->vtop(ctx, &vt, 0xffffea0000200000ull, &pa, &len), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_HAS(kdl_ctx_error(ctx), "0xffffea0000200000 is not mapped");
	CHECK_HAS(kdl_ctx_error(ctx), "PMD");
	CHECK_EQ(x86->vtop(ctx, &vt, 0xffffc90000000000ull, &pa, &len), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "PGD");
	/* a page table the dump lacks: its address is named */
	fake_drop(&m, 0x2000000 + 2 * FAKE_PAGE); /* the PTE table */
	CHECK_EQ(x86->vtop(ctx, &vt, 0xffffea0000000000ull, &pa, &len), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_HAS(kdl_ctx_error(ctx), "PTE page table at physical 0x2002000 is not in the dump");
	fake_drop(&m, TOP_PHYS);
	CHECK_EQ(x86->vtop(ctx, &vt, 0xffffea0000000000ull, &pa, &len), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "PGD page table at physical 0x1c0a000");
	fake_free(&m);
}

int main(void)
{
	ctx = kdl_ctx_new();
	test_entry();
	test_registers();
	test_prstatus_offsets();
	test_vtop_init();
	test_vtop_sizes();
	test_vtop_large_pat();
	test_vtop_failures();
	kdl_ctx_free(ctx);
	return check_done("arch/x86_64");
}
