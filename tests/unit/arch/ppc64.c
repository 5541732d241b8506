/* arch/ppc64.c: the ppc64 entry and its pr_reg. */
#include "ppc64-check.h"

static const struct kdl_arch *const arch = &kdl_arch_ppc64;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "ppc64",
		.summary = "64-bit POWER, big-endian",
		.e_machine = 21, /* EM_PPC64 */
		.big_endian = true,
		.page_size = 65536,
		.uts_machine = "ppc64",
		.phys_bits = 51, /* MAX_PHYSMEM_BITS of book3s64 */
		.pr_reg_size = 48 * 8,
		.prstatus_size = 504,
	};

	check_entry(arch, &want);
	/* the same registers as ppc64le, not the same entry */
	CHECK(arch != &kdl_arch_ppc64le);
}

int main(void)
{
	test_entry();
	check_ppc64_registers(arch);
	check_ppc64_prstatus_offsets(arch);
	return check_done("arch/ppc64");
}
