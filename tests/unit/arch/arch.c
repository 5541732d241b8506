/* arch/arch.c: the table of architectures: an entry by name or alias and
 * no other spelling, the default, a register by name in any case, and the
 * lists of names that messages and --help print. */
#include <stdlib.h>

#include "arch/arch.h"
#include "check.h"

#define KNOWN "x86_64 aarch64 (arm64) s390x ppc64 ppc64le riscv64"

static kdl_ctx *ctx;

static const struct kdl_arch *const in_order[] = {
	&kdl_arch_x86_64, &kdl_arch_aarch64, &kdl_arch_s390x,
	&kdl_arch_ppc64,  &kdl_arch_ppc64le, &kdl_arch_riscv64,
};

static void test_table_order(void)
{
	char *s;

	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		CHECK(kdl_entry_at(&kdl_arches, i) == &in_order[i]->info);
	CHECK(kdl_entry_at(&kdl_arches, KDL_ARRAY_SIZE(in_order)) == NULL);
	s = kdl_names(&kdl_arches);
	CHECK_STR(s, KNOWN);
	free(s);
}

static void test_find_by_name_and_alias(void)
{
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		CHECK(kdl_arch_find(in_order[i]->info.name) == in_order[i]);
	CHECK(kdl_arch_find("arm64") == &kdl_arch_aarch64);
	CHECK(kdl_arch_find("x86_64") == &kdl_arch_x86_64);
	/* names are exact: what readers and uname print */
	CHECK(kdl_arch_find("X86_64") == NULL);
	CHECK(kdl_arch_find("ARM64") == NULL);
	CHECK(kdl_arch_find("amd64") == NULL);
	CHECK(kdl_arch_find("ppc") == NULL);
	CHECK(kdl_arch_find("") == NULL);
}

static void test_default(void)
{
	size_t defaults = 0;

	CHECK(kdl_arch_default() == &kdl_arch_x86_64);
	CHECK(kdl_entry_default(&kdl_arches) == &kdl_arch_x86_64.info);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		defaults += in_order[i]->info.is_default != 0;
	CHECK_EQ(defaults, 1);
}

static void check_unknown(const char *name, const char *message)
{
	CHECK(kdl_lookup(ctx, &kdl_arches, name) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), message);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_lookup(void)
{
	const struct kdl_entry *e;

	CHECK_STR(kdl_lookup(ctx, &kdl_arches, "x86_64")->name, "x86_64");
	CHECK_STR(kdl_lookup(ctx, &kdl_arches, "aarch64")->name, "aarch64");
	e = kdl_lookup(ctx, &kdl_arches, "arm64");
	CHECK(e == &kdl_arch_aarch64.info);
	CHECK_STR(e->name, "aarch64");
	CHECK(kdl_lookup(ctx, &kdl_arches, "riscv64") == &kdl_arch_riscv64.info);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_OK);

	check_unknown("sparc", "unknown architecture 'sparc' (known: " KNOWN ")");
	check_unknown("X86_64", "unknown architecture 'X86_64' (known: " KNOWN ")");
	check_unknown("amd64", "unknown architecture 'amd64' (known: " KNOWN ")");
	check_unknown("", "unknown architecture '' (known: " KNOWN ")");
}

static void test_reg_any_case(void)
{
	const struct kdl_arch *x86 = &kdl_arch_x86_64;
	const struct kdl_reg_def *rip = kdl_arch_reg(x86, "rip");

	if (CHECK(rip)) {
		CHECK_STR(rip->name, "rip");
		CHECK_EQ(rip->offset, 16 * 8);
	}
	CHECK(kdl_arch_reg(x86, "RIP") == rip);
	CHECK(kdl_arch_reg(x86, "rIp") == rip);
	/* an alias finds its own row, which says it is one */
	CHECK(kdl_arch_reg(x86, "RFlags") == &x86->regs[19]);
	CHECK(kdl_arch_reg(x86, "FS.BASE") == &x86->regs[23]);
	CHECK(kdl_arch_reg(x86, "ri") == NULL);
	CHECK(kdl_arch_reg(x86, "rip ") == NULL);
	CHECK(kdl_arch_reg(x86, "") == NULL);
	/* each architecture has only its own */
	CHECK(kdl_arch_reg(x86, "pswa") == NULL);
	CHECK(kdl_arch_reg(&kdl_arch_s390x, "PSWA") == &kdl_arch_s390x.regs[2]);
}

static void test_register_known_anywhere(void)
{
	CHECK(kdl_register_known_anywhere("rip"));
	CHECK(kdl_register_known_anywhere("RIP"));
	CHECK(kdl_register_known_anywhere("x0"));
	CHECK(kdl_register_known_anywhere("Lr"));
	CHECK(kdl_register_known_anywhere("fs.base"));
	/* one of each of the others' */
	CHECK(kdl_register_known_anywhere("psw.addr"));
	CHECK(kdl_register_known_anywhere("DSISR"));
	CHECK(kdl_register_known_anywhere("t6"));
	CHECK(!kdl_register_known_anywhere("foo"));
	CHECK(!kdl_register_known_anywhere("x32"));
	CHECK(!kdl_register_known_anywhere(""));
}

static void test_register_lists(void)
{
	char *s, *t;

	s = kdl_arch_register_list("x86_64");
	CHECK_STR(s, "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags (rflags) rsp ss fs_base (fs.base) gs_base (gs.base) ds es fs gs");
	free(s);
	s = kdl_arch_register_list("arm64");
	CHECK_STR(s, "x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 (fp) x30 (lr) sp pc pstate");
	free(s);
	/* two aliases of one register follow it in turn */
	s = kdl_arch_register_list("riscv64");
	CHECK_STR(s, "pc ra (x1) sp (x2) gp (x3) tp (x4) t0 (x5) t1 (x6) t2 (x7) s0 (fp) (x8) s1 (x9) a0 (x10) a1 (x11) a2 (x12) a3 (x13) a4 (x14) a5 (x15) a6 (x16) a7 (x17) s2 (x18) s3 (x19) s4 (x20) s5 (x21) s6 (x22) s7 (x23) s8 (x24) s9 (x25) s10 (x26) s11 (x27) t3 (x28) t4 (x29) t5 (x30) t6 (x31)");
	free(s);
	s = kdl_arch_register_list("ppc64");
	t = kdl_arch_register_list("ppc64le");
	CHECK_STR(s, "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31 nip (pc) msr orig_gpr3 (or3) ctr link (lr) xer ccr (cr) softe trap dar dsisr result (res)");
	CHECK_STR(t, s);
	free(s);
	free(t);
	s = kdl_arch_register_list("s390x");
	CHECK_STR(s, "pswm (psw.mask) pswa (psw.addr) r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 orig_gpr2 (orig_r2)");
	free(s);
	CHECK(kdl_arch_register_list("sparc") == NULL);
	CHECK(kdl_arch_register_list("X86_64") == NULL);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_table_order();
	test_find_by_name_and_alias();
	test_default();
	test_lookup();
	test_reg_any_case();
	test_register_known_anywhere();
	test_register_lists();
	kdl_ctx_free(ctx);
	return check_done("arch/arch");
}
