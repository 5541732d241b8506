/* model/prstatus.c: registers checked and encoded as NT_PRSTATUS. */
#include "model-check.h"

static kdl_ctx *ctx;

/* The expected bytes are built here from the layout of struct
 * elf_prstatus, not by the encoder's own helpers. */
static void put(uint8_t *p, uint64_t v, unsigned n, bool be)
{
	for (unsigned i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void want_status(uint8_t *want, size_t size,
                        const struct kdl_prstatus *s, bool be)
{
	const struct kdl_time *times[] = {&s->utime, &s->stime, &s->cutime, &s->cstime};

	memset(want, 0, size);
	put(want + 0, (uint32_t)s->signo, 4, be);
	put(want + 4, (uint32_t)s->code, 4, be);
	put(want + 8, (uint32_t)s->err, 4, be);
	put(want + 12, (uint16_t)s->cursig, 2, be);
	put(want + 32, (uint32_t)s->pid, 4, be);
	put(want + 36, (uint32_t)s->ppid, 4, be);
	put(want + 40, (uint32_t)s->pgrp, 4, be);
	put(want + 44, (uint32_t)s->sid, 4, be);
	for (int i = 0; i < 4; i++) {
		put(want + 48 + 16 * i, (uint64_t)times[i]->sec, 8, be);
		put(want + 56 + 16 * i, (uint64_t)times[i]->usec, 8, be);
	}
}

static void test_size(void)
{
	/* the exact sizes gdb, eu-readelf and crash insist on */
	static const struct {
		const char *arch;
		uint32_t size;
	} t[] = {
		{"x86_64", 336}, {"aarch64", 392}, {"s390x", 336},
		{"ppc64", 504}, {"ppc64le", 504}, {"riscv64", 376},
	};

	CHECK_EQ(KDL_PRSTATUS_FIXED, 112);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct kdl_arch *arch = kdl_arch_find(t[i].arch);

		if (CHECK(arch) && !CHECK_EQ(kdl_prstatus_size(arch), t[i].size))
			fprintf(stderr, "  %s\n", t[i].arch);
	}
}

static void test_check_regs(void)
{
	struct kdl_reg ok[] = {{"rip", 1}, {"RSP", 2}, {"fs.base", 3}};
	struct kdl_reg unknown[] = {{"rip", 1}, {"x0", 2}};
	struct kdl_reg twice[] = {{"rflags", 1}, {"rsp", 2}, {"eflags", 3}};
	struct kdl_reg same[] = {{"lr", 1}, {"X30", 2}};
	struct kdl_reg acr[] = {{"a0", 0xffffffff}, {"r0", UINT64_MAX}};
	struct kdl_reg acr_wide[] = {{"a0", 0x100000000}};

	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_x86_64, ok, 3), 0);
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_x86_64, NULL, 0), 0);
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_x86_64, unknown, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown register 'x0' for x86_64; valid registers: " X86_REGS);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_x86_64, twice, 3), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register eflags is given twice (also as rflags)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_aarch64, same, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register X30 is given twice (also as lr)");
	/* s390x's access registers are 32 bits, its general ones 64 */
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_s390x, acr, 2), 0);
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &kdl_arch_s390x, acr_wide, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register a0 is 32 bits wide: 0x100000000 does not fit");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_check_with_arch(void)
{
	struct kdl_prstatus s = {.cpu = 7, .cursig = 11};
	struct kdl_reg ok[] = {{"rip", 1}, {"RSP", 2}};
	struct kdl_reg unknown[] = {{"x0", 2}};
	struct kdl_reg twice[] = {{"lr", 1}, {"X30", 2}};

	CHECK_EQ(kdl_prstatus_check(ctx, "x86_64", &s, ok, 2), 0);
	CHECK_EQ(kdl_prstatus_check(ctx, "x86_64", &s, NULL, 0), 0);
	/* no "CPU 7: " prefix: that is kdl_dump_add_cpu's */
	CHECK_EQ(kdl_prstatus_check(ctx, "x86_64", &s, unknown, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown register 'x0' for x86_64; valid registers: " X86_REGS);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_prstatus_check(ctx, "arm64", &s, unknown, 1), 0);
	CHECK_EQ(kdl_prstatus_check(ctx, "arm64", &s, twice, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register X30 is given twice (also as lr)");
	CHECK_EQ(kdl_prstatus_check(ctx, "sparc", &s, NULL, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "unknown architecture 'sparc' (known: x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_check_without_arch(void)
{
	struct kdl_prstatus s = {0};
	struct kdl_reg anywhere[] = {{"rip", 1}, {"x0", 2}, {"LR", 3}, {"a15", 4}};
	/* what only the architecture can tell waits until it is known:
	 * two names of one register, a value too wide for it */
	struct kdl_reg later[] = {{"eflags", 1}, {"rflags", 2}, {"a0", 0x100000000}};
	struct kdl_reg twice[] = {{"rip", 1}, {"RIP", 2}};
	struct kdl_reg nowhere[] = {{"rip", 1}, {"foo", 2}};

	CHECK_EQ(kdl_prstatus_check(ctx, NULL, &s, anywhere, 4), 0);
	CHECK_EQ(kdl_prstatus_check(ctx, NULL, &s, later, 3), 0);
	/* one name twice is wrong on every architecture */
	CHECK_EQ(kdl_prstatus_check(ctx, NULL, &s, twice, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register RIP is given twice (also as rip)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_prstatus_check(ctx, NULL, &s, nowhere, 2), -1);
	/* against the default architecture, the likeliest to be meant */
	CHECK_STR(kdl_ctx_error(ctx), "unknown register 'foo' for x86_64; valid registers: " X86_REGS);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_cursig_range(void)
{
	struct kdl_prstatus s = {0};

	/* a 16-bit field, taken signed or unsigned */
	s.cursig = 65535;
	CHECK_EQ(kdl_prstatus_check(ctx, "x86_64", &s, NULL, 0), 0);
	s.cursig = -32768;
	CHECK_EQ(kdl_prstatus_check(ctx, NULL, &s, NULL, 0), 0);
	s.cursig = 65536;
	CHECK_EQ(kdl_prstatus_check(ctx, "x86_64", &s, NULL, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "cursig 65536 does not fit in 16 bits");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	s.cursig = -32769;
	CHECK_EQ(kdl_prstatus_check(ctx, NULL, &s, NULL, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "cursig -32769 does not fit in 16 bits");
}

/* A made-up big-endian machine with a 32-bit register, small enough to
 * check the encoding byte by byte. */
static const struct kdl_reg_def narrow_regs[] = {
	{"wide", 0, 8, false},
	{"narrow", 8, 4, false},
};
static const struct kdl_arch narrow = {
	.info = {.name = "narrow"},
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
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &narrow, wide, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "register narrow is 32 bits wide: 0x100000000 does not fit");
	CHECK_EQ(kdl_prstatus_check_regs(ctx, &narrow, fits, 2), 0);

	cpu.status.pid = 0x11223344;
	cpu.status.cursig = 0x0506;
	cpu.status.utime.sec = 1;
	memset(desc, 0xaa, sizeof(desc));
	kdl_prstatus_encode(&narrow, &cpu, desc);
	CHECK_MEM(desc + 32, "\x11\x22\x33\x44", 4);
	CHECK_MEM(desc + 12, "\x05\x06\x00\x00", 4);
	CHECK_MEM(desc + 48, "\0\0\0\0\0\0\0\x01", 8);
	CHECK_MEM(desc + 112, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	CHECK_MEM(desc + 120, "\xff\xff\xff\xff\0\0\0\0", 8);
	CHECK_MEM(desc + 128, "\0\0\0\0\0\0\0\0", 8);
}

static void test_encode_little_endian(void)
{
	struct kdl_reg regs[] = {
		{"rip", 0xffffffff81000010}, {"RSP", 0xffffc90000123f00},
		{"rflags", 0x246}, {"gs", 0x2b}, {"r15", 0x15},
	};
	struct kdl_cpu cpu = {.regs = regs, .nregs = 5};
	struct kdl_prstatus *s = &cpu.status;
	uint8_t desc[336], want[336], arm_desc[392];
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
	kdl_prstatus_encode(&kdl_arch_x86_64, &cpu, desc);
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
	/* and nothing else: the CPU number is not in the note */
	want_status(want, sizeof(want), s, false);
	put(want + 112, 0x15, 8, false);
	put(want + 112 + 16 * 8, 0xffffffff81000010, 8, false);
	put(want + 112 + 18 * 8, 0x246, 8, false);
	put(want + 112 + 19 * 8, 0xffffc90000123f00, 8, false);
	put(want + 112 + 26 * 8, 0x2b, 8, false);
	CHECK_MEM(desc, want, sizeof(want));

	memset(arm_desc, 0xaa, sizeof(arm_desc));
	kdl_prstatus_encode(&kdl_arch_aarch64, &arm_cpu, arm_desc);
	CHECK_EQ(kdl_get64le(arm_desc + 112), 1);
	CHECK_EQ(kdl_get64le(arm_desc + 112 + 31 * 8), 2);
	CHECK_EQ(kdl_get64le(arm_desc + 112 + 33 * 8), 3);
	CHECK_EQ(kdl_get64le(arm_desc + 112 + 29 * 8), 4);
	CHECK_EQ(kdl_get64le(arm_desc + 384), 0);
	CHECK_EQ(kdl_get32le(arm_desc + 32), 0);
}

static void test_encode_big_endian(void)
{
	struct kdl_reg regs[] = {
		{"psw.mask", 0x0705000180000000}, {"pswa", 0x123456},
		{"r15", 0xf}, {"a0", 0xffffffff}, {"A15", 0x12345678},
		{"orig_r2", 2},
	};
	struct kdl_cpu cpu = {.regs = regs, .nregs = 6};
	struct kdl_prstatus *s = &cpu.status;
	uint8_t desc[336], want[336];

	s->cpu = 1;
	s->signo = 11;
	s->code = -6;
	s->err = 14;
	s->cursig = -1;
	s->pid = 0x11223344;
	s->ppid = -2;
	s->pgrp = 7;
	s->sid = 8;
	s->utime = (struct kdl_time){1, 500000};
	s->stime = (struct kdl_time){2, 1};
	s->cutime = (struct kdl_time){3, 0};
	s->cstime = (struct kdl_time){4, 999999};
	CHECK_EQ(kdl_prstatus_check(ctx, "s390x", s, regs, 6), 0);
	memset(desc, 0xaa, sizeof(desc));
	kdl_prstatus_encode(&kdl_arch_s390x, &cpu, desc);
	CHECK_MEM(desc + 12, "\xff\xff\0\0", 4);
	CHECK_MEM(desc + 32, "\x11\x22\x33\x44\xff\xff\xff\xfe", 8);
	CHECK_MEM(desc + 48, "\0\0\0\0\0\0\0\x01\0\0\0\0\0\x07\xa1\x20", 16);
	CHECK_MEM(desc + 112, "\x07\x05\0\x01\x80\0\0\0\0\0\0\0\0\x12\x34\x56", 16);
	CHECK_MEM(desc + 112 + 16 + 15 * 8, "\0\0\0\0\0\0\0\x0f", 8);
	/* 4-byte access registers, side by side */
	CHECK_MEM(desc + 112 + 144, "\xff\xff\xff\xff\0\0\0\0", 8);
	CHECK_MEM(desc + 112 + 144 + 15 * 4, "\x12\x34\x56\x78", 4);
	CHECK_MEM(desc + 112 + 208, "\0\0\0\0\0\0\0\x02", 8);
	want_status(want, sizeof(want), s, true);
	put(want + 112, 0x0705000180000000, 8, true);
	put(want + 112 + 8, 0x123456, 8, true);
	put(want + 112 + 16 + 15 * 8, 0xf, 8, true);
	put(want + 112 + 144, 0xffffffff, 4, true);
	put(want + 112 + 144 + 15 * 4, 0x12345678, 4, true);
	put(want + 112 + 208, 2, 8, true);
	CHECK_MEM(desc, want, sizeof(want));
}

/* Decoding gives back every field and register encoding wrote, and
 * encoding what it gives writes the same bytes: the round trip an input
 * that is unpacked and packed again makes. */
static void check_decodes_back(const struct kdl_arch *arch, const struct kdl_cpu *cpu)
{
	uint32_t size = kdl_prstatus_size(arch);
	uint8_t *desc = malloc(size), *again = malloc(size);
	struct kdl_reg *regs = calloc(arch->nregs, sizeof(*regs));
	struct kdl_cpu back = {.regs = regs};
	bool dropped = true;
	size_t names = 0;

	if (!CHECK(desc && again && regs))
		goto out;
	kdl_prstatus_encode(arch, cpu, desc);
	if (!CHECK_EQ(kdl_prstatus_decode(ctx, arch, desc, size, &back.status, regs,
	                                  &back.nregs, &dropped), 0))
		goto out;
	CHECK(!dropped);
	/* every register, by its own name, none by an alias */
	for (size_t i = 0; i < arch->nregs; i++)
		names += !arch->regs[i].alias;
	CHECK_EQ(back.nregs, names);
	for (size_t i = 0; i < back.nregs; i++)
		CHECK(!kdl_arch_reg(arch, regs[i].name)->alias);
	CHECK_EQ(back.status.pid, cpu->status.pid);
	CHECK_EQ(back.status.ppid, cpu->status.ppid);
	CHECK_EQ(back.status.pgrp, cpu->status.pgrp);
	CHECK_EQ(back.status.sid, cpu->status.sid);
	CHECK_EQ(back.status.signo, cpu->status.signo);
	CHECK_EQ(back.status.code, cpu->status.code);
	CHECK_EQ(back.status.err, cpu->status.err);
	CHECK_EQ((uint16_t)back.status.cursig, (uint16_t)cpu->status.cursig);
	CHECK_EQ(back.status.utime.sec, cpu->status.utime.sec);
	CHECK_EQ(back.status.utime.usec, cpu->status.utime.usec);
	CHECK_EQ(back.status.cstime.sec, cpu->status.cstime.sec);
	CHECK_EQ(back.status.cstime.usec, cpu->status.cstime.usec);
	/* the note is not where the CPU number is */
	CHECK_EQ(back.status.cpu, 0);
	for (size_t i = 0; i < cpu->nregs; i++) {
		const struct kdl_reg_def *def = kdl_arch_reg(arch, cpu->regs[i].name);
		size_t j = 0;

		while (j < back.nregs && kdl_arch_reg(arch, regs[j].name)->offset != def->offset)
			j++;
		if (CHECK(j < back.nregs))
			CHECK_EQ(regs[j].value, cpu->regs[i].value);
	}
	kdl_prstatus_encode(arch, &back, again);
	CHECK_MEM(again, desc, size);
out:
	free(desc);
	free(again);
	free(regs);
}

static void test_decode(void)
{
	struct kdl_reg x86[] = {{"rip", 0xffffffff81000010}, {"rflags", 0x246}, {"gs", 0x2b}};
	struct kdl_reg s390[] = {{"pswa", 0x123456}, {"a15", 0x12345678}, {"orig_r2", 2}};
	struct kdl_cpu cpu = {.regs = x86, .nregs = 3};
	struct kdl_prstatus *s = &cpu.status;

	s->cpu = 5;
	s->pid = 4242;
	s->ppid = -1;
	s->pgrp = 7;
	s->sid = 8;
	s->signo = 11;
	s->code = -6;
	s->err = 14;
	s->cursig = -1;
	s->utime = (struct kdl_time){1, 500000};
	s->cstime = (struct kdl_time){-4, 999999};
	check_decodes_back(&kdl_arch_x86_64, &cpu);
	cpu.regs = s390;
	check_decodes_back(&kdl_arch_s390x, &cpu);
	cpu.nregs = 0;
	check_decodes_back(&kdl_arch_ppc64, &cpu);
	check_decodes_back(&kdl_arch_riscv64, &cpu);
}

/* Bytes the stream has no field for are told, so that a reader can say
 * they are dropped; a note of another size is refused. */
static void test_decode_refusals(void)
{
	uint8_t desc[336] = {0};
	struct kdl_reg regs[64];
	struct kdl_prstatus st;
	size_t n;
	bool dropped;

	CHECK_EQ(kdl_prstatus_decode(ctx, &kdl_arch_x86_64, desc, sizeof(desc), &st, regs, &n, &dropped), 0);
	CHECK(!dropped);
	desc[16] = 1; /* pr_sigpend */
	CHECK_EQ(kdl_prstatus_decode(ctx, &kdl_arch_x86_64, desc, sizeof(desc), &st, regs, &n, &dropped), 0);
	CHECK(dropped);
	desc[16] = 0;
	desc[328] = 1; /* pr_fpvalid */
	CHECK_EQ(kdl_prstatus_decode(ctx, &kdl_arch_x86_64, desc, sizeof(desc), &st, regs, &n, &dropped), 0);
	CHECK(dropped);
	desc[328] = 0;
	desc[14] = 1; /* the padding after pr_cursig */
	CHECK_EQ(kdl_prstatus_decode(ctx, &kdl_arch_x86_64, desc, sizeof(desc), &st, regs, &n, &dropped), 0);
	CHECK(dropped);
	CHECK_EQ(kdl_prstatus_decode(ctx, &kdl_arch_x86_64, desc, 392, &st, regs, &n, &dropped), -1);
	CHECK_STR(kdl_ctx_error(ctx), "NT_PRSTATUS of 392 bytes: x86_64's has 336");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
}

/* The architecture a note's size and byte order tell, where only one
 * architecture fits. */
static void test_arch_from_size(void)
{
	CHECK(kdl_prstatus_arch(336, false) == &kdl_arch_x86_64);
	CHECK(kdl_prstatus_arch(336, true) == &kdl_arch_s390x);
	CHECK(kdl_prstatus_arch(392, false) == &kdl_arch_aarch64);
	CHECK(kdl_prstatus_arch(504, true) == &kdl_arch_ppc64);
	CHECK(kdl_prstatus_arch(504, false) == &kdl_arch_ppc64le);
	CHECK(kdl_prstatus_arch(376, false) == &kdl_arch_riscv64);
	CHECK(kdl_prstatus_arch(392, true) == NULL);
	CHECK(kdl_prstatus_arch(100, false) == NULL);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_size();
	test_check_regs();
	test_check_with_arch();
	test_check_without_arch();
	test_cursig_range();
	test_narrow_and_big_endian();
	test_encode_little_endian();
	test_encode_big_endian();
	test_decode();
	test_decode_refusals();
	test_arch_from_size();
	kdl_ctx_free(ctx);
	return check_done("model/prstatus");
}
