/* What the test of each architecture checks of its entry and of its
 * register table, shared by tests/unit/arch/<arch>.c. */
#ifndef ARCH_CHECK_H
#define ARCH_CHECK_H

#include <ctype.h>

#include "check.h"
#include "model/model.h"

struct want_arch {
	const char *name, *alias, *summary;
	int is_default;
	uint16_t e_machine;
	bool big_endian;
	uint32_t page_size;
	const char *uts_machine;
	unsigned phys_bits;
	uint32_t pr_reg_size;
	/* the exact NT_PRSTATUS size gdb, eu-readelf and crash insist on */
	uint32_t prstatus_size;
};

static inline void check_entry(const struct kdl_arch *arch,
                               const struct want_arch *w)
{
	CHECK_STR(arch->info.name, w->name);
	if (w->alias)
		CHECK_STR(arch->info.alias, w->alias);
	else
		CHECK(arch->info.alias == NULL);
	CHECK_STR(arch->info.summary, w->summary);
	CHECK_EQ(arch->info.is_default, w->is_default);
	CHECK_EQ(arch->info.has_levels, 0);
	CHECK_EQ(arch->e_machine, w->e_machine);
	CHECK_EQ(arch->big_endian, w->big_endian);
	CHECK_EQ(arch->page_size, w->page_size);
	CHECK_STR(arch->uts_machine, w->uts_machine);
	CHECK_EQ(arch->phys_bits, w->phys_bits);
	CHECK_EQ(arch->pr_reg_size, w->pr_reg_size);
	CHECK_EQ(kdl_prstatus_size(arch), w->prstatus_size);
	/* what the table answers to is this very entry */
	CHECK(kdl_arch_find(w->name) == arch);
	if (w->alias)
		CHECK(kdl_arch_find(w->alias) == arch);
}

/* The table is exactly want, and each name finds its own row in any
 * case. */
static inline void check_regs(const struct kdl_arch *arch,
                              const struct kdl_reg_def *want, size_t n)
{
	if (!CHECK_EQ(arch->nregs, n))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct kdl_reg_def *r = &arch->regs[i];
		char upper[32];
		size_t j;

		if (!CHECK_STR(r->name, want[i].name))
			continue;
		if (!CHECK_EQ(r->offset, want[i].offset) ||
		    !CHECK_EQ(r->size, want[i].size) ||
		    !CHECK_EQ(r->alias, want[i].alias))
			fprintf(stderr, "  %s %s\n", arch->info.name, r->name);
		for (j = 0; r->name[j] && j < sizeof(upper) - 1; j++)
			upper[j] = (char)toupper((unsigned char)r->name[j]);
		upper[j] = 0;
		CHECK(kdl_arch_reg(arch, r->name) == r);
		CHECK(kdl_arch_reg(arch, upper) == r);
	}
}

/* Within pr_reg no byte belongs to two registers that are not aliases,
 * each register is aligned to its size, and an alias names the row
 * before it; primary is how many registers are not aliases. */
static inline void check_layout(const struct kdl_arch *arch, size_t primary)
{
	uint8_t *seen = calloc(arch->pr_reg_size, 1);
	size_t count = 0;

	if (!CHECK(seen))
		return;
	for (size_t i = 0; i < arch->nregs; i++) {
		const struct kdl_reg_def *r = &arch->regs[i];
		bool clash;

		if (!CHECK(r->size > 0 && r->offset % r->size == 0) ||
		    !CHECK((uint32_t)r->offset + r->size <= arch->pr_reg_size)) {
			fprintf(stderr, "  %s %s\n", arch->info.name, r->name);
			continue;
		}
		if (r->alias) {
			CHECK(i > 0 && arch->regs[i - 1].offset == r->offset &&
			      arch->regs[i - 1].size == r->size);
			continue;
		}
		count++;
		clash = false;
		for (unsigned b = 0; b < r->size; b++) {
			clash |= seen[r->offset + b];
			seen[r->offset + b] = 1;
		}
		if (!CHECK(!clash))
			fprintf(stderr, "  %s %s\n", arch->info.name, r->name);
	}
	CHECK_EQ(count, primary);
	free(seen);
}

/* Where a register sits in the NT_PRSTATUS descriptor; 0 if unknown. */
static inline uint32_t desc_at(const struct kdl_arch *arch, const char *name)
{
	const struct kdl_reg_def *def = kdl_arch_reg(arch, name);

	return def ? KDL_PRSTATUS_FIXED + def->offset : 0;
}

#endif
