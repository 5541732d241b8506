/* arch/ppc64le.c: the ppc64le entry and its pr_reg. */
#include "ppc64-check.h"

static const struct kdl_arch *const arch = &kdl_arch_ppc64le;

static void test_entry(void)
{
	static const struct want_arch want = {
		.name = "ppc64le",
		.summary = "64-bit POWER, little-endian",
		.e_machine = 21, /* EM_PPC64 */
		.big_endian = false,
		.page_size = 65536,
		.uts_machine = "ppc64le",
		.phys_bits = 51, /* MAX_PHYSMEM_BITS of book3s64 */
		.pr_reg_size = 48 * 8,
		.prstatus_size = 504,
	};

	check_entry(arch, &want);
	/* the same registers as ppc64, not the same entry */
	CHECK(arch != &kdl_arch_ppc64);
}

int main(void)
{
	test_entry();
	check_ppc64_registers(arch);
	check_ppc64_prstatus_offsets(arch);
	return check_done("arch/ppc64le");
}
