/* arch.c and arch-*.c: the register tables and the NT_PRSTATUS layout
 * they give. */
#include <stdlib.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static void test_names(void)
{
	char *s;

	CHECK_STR(kdl_arch_canonical("x86_64"), "x86_64");
	CHECK_STR(kdl_arch_canonical("aarch64"), "aarch64");
	CHECK_STR(kdl_arch_canonical("arm64"), "aarch64");
	CHECK(kdl_arch_canonical("X86_64") == NULL);
	CHECK(kdl_arch_canonical("amd64") == NULL);
	CHECK(kdl_arch_canonical("") == NULL);
	CHECK(kdl_arch_find("arm64") == &kdl_arch_aarch64);
	CHECK(kdl_arch_find("x86_64") == &kdl_arch_x86_64);

	s = kdl_arch_names();
	CHECK_STR(s, "x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64");
	free(s);
}

static void test_register_lists(void)
{
	char *s;

	s = kdl_arch_register_list("x86_64");
	CHECK_STR(s, "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs");
	free(s);
	s = kdl_arch_register_list("arm64");
	CHECK_STR(s, "x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 (fp) x30 (lr) sp pc pstate");
	free(s);
	CHECK(kdl_arch_register_list("sparc") == NULL);

	CHECK(kdl_register_known_anywhere("rip"));
	CHECK(kdl_register_known_anywhere("RIP"));
	CHECK(kdl_register_known_anywhere("x0"));
	CHECK(kdl_register_known_anywhere("Lr"));
	CHECK(kdl_register_known_anywhere("fs.base"));
	CHECK(!kdl_register_known_anywhere("foo"));
	CHECK(!kdl_register_known_anywhere("x32"));
	CHECK(!kdl_register_known_anywhere(""));
}

static uint32_t reg_at(const struct kdl_arch *arch, const char *name)
{
	const struct kdl_reg_def *def = kdl_arch_reg(arch, name);

	return def ? KDL_PRSTATUS_FIXED + def->offset : 0;
}

/* Every slot of pr_reg has exactly one register that is not an alias. */
static void check_table(const struct kdl_arch *arch, size_t slots)
{
	size_t primary = 0;
	uint8_t *seen = calloc(slots, 1);

	if (!CHECK(seen))
		return;
	for (size_t i = 0; i < arch->nregs; i++) {
		const struct kdl_reg_def *r = &arch->regs[i];

		CHECK_EQ(r->size, 8);
		CHECK_EQ(r->offset % 8, 0);
		if (!CHECK(r->offset / 8u < slots))
			continue;
		if (r->alias) {
			CHECK(i > 0 && arch->regs[i - 1].offset == r->offset);
			continue;
		}
		primary++;
		CHECK_EQ(seen[r->offset / 8], 0);
		seen[r->offset / 8] = 1;
	}
	CHECK_EQ(primary, slots);
	free(seen);
}

static void test_layout(void)
{
	const struct kdl_arch *x86 = &kdl_arch_x86_64, *arm = &kdl_arch_aarch64;

	CHECK_EQ(KDL_PRSTATUS_FIXED, 112);
	CHECK_EQ(x86->e_machine, 62);
	CHECK_EQ(arm->e_machine, 183);
	CHECK(!x86->big_endian);
	CHECK(!arm->big_endian);
	CHECK_EQ(x86->pr_reg_size, 27 * 8);
	CHECK_EQ(arm->pr_reg_size, 34 * 8);
	/* the exact sizes gdb, eu-readelf and crash insist on */
	CHECK_EQ(kdl_prstatus_size(x86), 336);
	CHECK_EQ(kdl_prstatus_size(arm), 392);
	check_table(x86, 27);
	check_table(arm, 34);

	CHECK_EQ(reg_at(x86, "rip"), 112 + 16 * 8);
	CHECK_EQ(reg_at(x86, "rsp"), 112 + 19 * 8);
	CHECK_EQ(reg_at(x86, "gs"), 112 + 26 * 8);
	CHECK_EQ(reg_at(x86, "r15"), 112);
	CHECK_EQ(reg_at(x86, "eflags"), 112 + 18 * 8);
	CHECK_EQ(reg_at(x86, "RFLAGS"), 112 + 18 * 8);
	CHECK_EQ(reg_at(x86, "fs.base"), 112 + 21 * 8);
	CHECK_EQ(reg_at(x86, "gs_base"), 112 + 22 * 8);
	CHECK(kdl_arch_reg(x86, "rflags")->alias);
	CHECK(!kdl_arch_reg(x86, "eflags")->alias);
	CHECK(kdl_arch_reg(x86, "x0") == NULL);

	CHECK_EQ(reg_at(arm, "x0"), 112);
	CHECK_EQ(reg_at(arm, "sp"), 112 + 31 * 8);
	CHECK_EQ(reg_at(arm, "pstate"), 112 + 33 * 8);
	CHECK_EQ(reg_at(arm, "pc"), 112 + 32 * 8);
	CHECK_EQ(reg_at(arm, "fp"), reg_at(arm, "x29"));
	CHECK_EQ(reg_at(arm, "LR"), 112 + 30 * 8);
	CHECK(kdl_arch_reg(arm, "rip") == NULL);
}

/* Every architecture: the exact descriptor size gdb, eu-readelf and crash
 * insist on, and where three registers sit (formats.md section 2). */
static void test_every_arch(void)
{
	static const struct {
		const char *name;
		uint16_t machine;
		bool big_endian;
		uint32_t page_size, prstatus;
		const char *uts;
		const char *reg[3];
		uint32_t at[3];
	} t[] = {
		{"x86_64", 62, false, 4096, 336, "x86_64",
		 {"rip", "rsp", "gs"}, {112 + 16 * 8, 112 + 19 * 8, 112 + 26 * 8}},
		{"aarch64", 183, false, 4096, 392, "aarch64",
		 {"x0", "sp", "pstate"}, {112, 112 + 31 * 8, 112 + 33 * 8}},
		/* psw, 16 general registers, 16 4-byte access registers */
		{"s390x", 22, true, 4096, 336, "s390x",
		 {"pswa", "a0", "orig_gpr2"}, {120, 256, 320}},
		{"ppc64", 21, true, 65536, 504, "ppc64",
		 {"nip", "link", "result"}, {112 + 32 * 8, 112 + 36 * 8, 112 + 43 * 8}},
		{"ppc64le", 21, false, 65536, 504, "ppc64le",
		 {"pc", "lr", "dsisr"}, {112 + 32 * 8, 112 + 36 * 8, 112 + 42 * 8}},
		{"riscv64", 243, false, 4096, 376, "riscv64",
		 {"pc", "ra", "t6"}, {112, 112 + 8, 112 + 31 * 8}},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct kdl_arch *arch = kdl_arch_find(t[i].name);

		if (!CHECK(arch))
			continue;
		CHECK_EQ(arch->e_machine, t[i].machine);
		CHECK_EQ(arch->big_endian, t[i].big_endian);
		CHECK_EQ(arch->page_size, t[i].page_size);
		CHECK_STR(arch->uts_machine, t[i].uts);
		CHECK_EQ(kdl_prstatus_size(arch), t[i].prstatus);
		for (size_t j = 0; j < 3; j++)
			if (!CHECK_EQ(reg_at(arch, t[i].reg[j]), t[i].at[j]))
				fprintf(stderr, "  %s %s\n", t[i].name, t[i].reg[j]);
	}
	CHECK_EQ(kdl_arch_reg(&kdl_arch_s390x, "a15")->size, 4);
	CHECK_EQ(kdl_arch_reg(&kdl_arch_s390x, "r15")->size, 8);
	CHECK_EQ(reg_at(&kdl_arch_s390x, "psw.addr"), reg_at(&kdl_arch_s390x, "pswa"));
	CHECK_EQ(reg_at(&kdl_arch_s390x, "orig_r2"), 320);
	CHECK_EQ(reg_at(&kdl_arch_ppc64, "or3"), 112 + 34 * 8);
	CHECK_EQ(reg_at(&kdl_arch_ppc64, "cr"), 112 + 38 * 8);
	CHECK_EQ(reg_at(&kdl_arch_riscv64, "x31"), reg_at(&kdl_arch_riscv64, "t6"));
	CHECK_EQ(reg_at(&kdl_arch_riscv64, "fp"), 112 + 8 * 8);
	CHECK(kdl_arch_reg(&kdl_arch_riscv64, "x0") == NULL);
	check_table(&kdl_arch_riscv64, 32);
	/* pt_regs has 44 slots of ELF_NGREG's 48: the rest stays zero */
	CHECK_EQ(kdl_arch_ppc64.pr_reg_size, 48 * 8);
	CHECK_EQ(kdl_arch_ppc64.regs[kdl_arch_ppc64.nregs - 1].offset, 43 * 8);
}

static void test_check(void)
{
	struct kdl_reg ok[] = {{"rip", 1}, {"RSP", 2}, {"fs.base", 3}};
	struct kdl_reg unknown[] = {{"rip", 1}, {"x0", 2}};
	struct kdl_reg twice[] = {{"rflags", 1}, {"rsp", 2}, {"eflags", 3}};
	struct kdl_reg same[] = {{"lr", 1}, {"X30", 2}};

	CHECK_EQ(kdl_prstatus_check(ctx, &kdl_arch_x86_64, ok, 3), 0);
	CHECK_EQ(kdl_prstatus_check(ctx, &kdl_arch_x86_64, NULL, 0), 0);
	CHECK_EQ(kdl_prstatus_check(ctx, &kdl_arch_x86_64, unknown, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown register 'x0' for x86_64; valid registers: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs");
	CHECK_EQ(kdl_prstatus_check(ctx, &kdl_arch_x86_64, twice, 3), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register eflags is given twice (also as rflags)");
	CHECK_EQ(kdl_prstatus_check(ctx, &kdl_arch_aarch64, same, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register X30 is given twice (also as lr)");
}

/* A made-up big-endian machine with a 32-bit register, small enough to
 * check the encoding byte by byte. */
static const struct kdl_reg_def narrow_regs[] = {
	{"wide", 0, 8, false},
	{"narrow", 8, 4, false},
};
static const struct kdl_arch narrow = {
	.name = "narrow",
	.e_machine = 1,
	.big_endian = true,
	.page_size = 4096,
	.uts_machine = "narrow",
	.pr_reg_size = 16,
	.regs = narrow_regs,
	.nregs = 2,
};

static void test_narrow_and_big_endian(void)
{
	struct kdl_reg fits[] = {{"narrow", 0xffffffff}, {"wide", 0x0102030405060708}};
	struct kdl_reg wide[] = {{"narrow", 0x100000000}};
	struct kdl_cpu cpu = {.regs = fits, .nregs = 2};
	uint8_t desc[136];

	CHECK_EQ(kdl_prstatus_size(&narrow), 136);
	CHECK_EQ(kdl_prstatus_check(ctx, &narrow, wide, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register narrow is 32 bits wide: 0x100000000 does not fit");
	CHECK_EQ(kdl_prstatus_check(ctx, &narrow, fits, 2), 0);

	cpu.status.pid = 0x11223344;
	cpu.status.cursig = 0x0506;
	cpu.status.utime.sec = 1;
	memset(desc, 0xaa, sizeof(desc));
	CHECK_EQ(kdl_prstatus_encode(ctx, &narrow, &cpu, desc), 0);
	CHECK_MEM(desc + 32, "\x11\x22\x33\x44", 4);
	CHECK_MEM(desc + 12, "\x05\x06\x00\x00", 4);
	CHECK_MEM(desc + 48, "\0\0\0\0\0\0\0\x01", 8);
	CHECK_MEM(desc + 112, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	CHECK_MEM(desc + 120, "\xff\xff\xff\xff\0\0\0\0", 8);
	CHECK_MEM(desc + 128, "\0\0\0\0\0\0\0\0", 8);
}

static void test_encode(void)
{
	struct kdl_reg regs[] = {
		{"rip", 0xffffffff81000010}, {"RSP", 0xffffc90000123f00},
		{"rflags", 0x246}, {"gs", 0x2b}, {"r15", 0x15},
	};
	struct kdl_cpu cpu = {.regs = regs, .nregs = 5};
	struct kdl_prstatus *s = &cpu.status;
	uint8_t desc[336], arm_desc[392];
	struct kdl_reg arm_regs[] = {{"x0", 1}, {"sp", 2}, {"pstate", 3}, {"fp", 4}};
	struct kdl_cpu arm_cpu = {.regs = arm_regs, .nregs = 4};

	s->cpu = 3;
	s->signo = 11;
	s->code = -6;
	s->err = 14;
	s->cursig = 9;
	s->pid = 4242;
	s->ppid = -1;
	s->pgrp = 7;
	s->sid = 8;
	s->utime = (struct kdl_time){1, 500000};
	s->stime = (struct kdl_time){2, 1};
	s->cutime = (struct kdl_time){3, 0};
	s->cstime = (struct kdl_time){4, 999999};
	memset(desc, 0xaa, sizeof(desc));
	CHECK_EQ(kdl_prstatus_encode(ctx, &kdl_arch_x86_64, &cpu, desc), 0);
	CHECK_EQ(kdl_get32le(desc + 0), 11);
	CHECK_EQ(kdl_get32le(desc + 4), (uint32_t)-6);
	CHECK_EQ(kdl_get32le(desc + 8), 14);
	CHECK_EQ(kdl_get32le(desc + 12), 9); /* u16 cursig, then 2 bytes of padding */
	for (int i = 14; i < 32; i++)
		CHECK_EQ(desc[i], 0);
	CHECK_EQ(kdl_get32le(desc + 32), 4242);
	CHECK_EQ(kdl_get32le(desc + 36), 0xffffffff);
	CHECK_EQ(kdl_get32le(desc + 40), 7);
	CHECK_EQ(kdl_get32le(desc + 44), 8);
	CHECK_EQ(kdl_get64le(desc + 48), 1);
	CHECK_EQ(kdl_get64le(desc + 56), 500000);
	CHECK_EQ(kdl_get64le(desc + 64), 2);
	CHECK_EQ(kdl_get64le(desc + 72), 1);
	CHECK_EQ(kdl_get64le(desc + 80), 3);
	CHECK_EQ(kdl_get64le(desc + 88), 0);
	CHECK_EQ(kdl_get64le(desc + 96), 4);
	CHECK_EQ(kdl_get64le(desc + 104), 999999);
	CHECK_EQ(kdl_get64le(desc + 112), 0x15);
	CHECK_EQ(kdl_get64le(desc + 112 + 16 * 8), 0xffffffff81000010);
	CHECK_EQ(kdl_get64le(desc + 112 + 18 * 8), 0x246);
	CHECK_EQ(kdl_get64le(desc + 112 + 19 * 8), 0xffffc90000123f00);
	CHECK_EQ(kdl_get64le(desc + 112 + 26 * 8), 0x2b);
	CHECK_EQ(kdl_get64le(desc + 112 + 1 * 8), 0);
	/* pr_fpvalid and the tail */
	CHECK_EQ(kdl_get64le(desc + 328), 0);

	memset(arm_desc, 0xaa, sizeof(arm_desc));
	CHECK_EQ(kdl_prstatus_encode(ctx, &kdl_arch_aarch64, &arm_cpu, arm_desc), 0);
	CHECK_EQ(kdl_get64le(arm_desc + 112), 1);
	CHECK_EQ(kdl_get64le(arm_desc + 112 + 31 * 8), 2);
	CHECK_EQ(kdl_get64le(arm_desc + 112 + 33 * 8), 3);
	CHECK_EQ(kdl_get64le(arm_desc + 112 + 29 * 8), 4);
	CHECK_EQ(kdl_get64le(arm_desc + 384), 0);
	CHECK_EQ(kdl_get32le(arm_desc + 32), 0);

	/* the names are checked again when encoding: the architecture may
	 * have been named after the CPU was added */
	regs[1].name = "x0";
	CHECK_EQ(kdl_prstatus_encode(ctx, &kdl_arch_x86_64, &cpu, desc), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "unknown register 'x0' for x86_64");
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_names();
	test_register_lists();
	test_layout();
	test_every_arch();
	test_check();
	test_narrow_and_big_endian();
	test_encode();
	kdl_ctx_free(ctx);
	return check_done("arch");
}
