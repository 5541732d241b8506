/* The table of architectures: adding one is its file plus one line here. */
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct kdl_arch *const arches[] = {
	&kdl_arch_x86_64,
	&kdl_arch_aarch64,
	&kdl_arch_s390x,
	&kdl_arch_ppc64,
	&kdl_arch_ppc64le,
	&kdl_arch_riscv64,
};

#define NARCHES (sizeof(arches) / sizeof(arches[0]))

const struct kdl_arch *kdl_arch_find(const char *name)
{
	for (size_t i = 0; i < NARCHES; i++)
		if (!strcmp(arches[i]->name, name) ||
		    (arches[i]->alias && !strcmp(arches[i]->alias, name)))
			return arches[i];
	return NULL;
}

const char *kdl_arch_canonical(const char *name)
{
	const struct kdl_arch *arch = kdl_arch_find(name);

	return arch ? arch->name : NULL;
}

char *kdl_arch_names(void)
{
	struct kdl_str list = {0};

	for (size_t i = 0; i < NARCHES; i++) {
		kdl_str_add(&list, "%s%s", i ? " " : "", arches[i]->name);
		if (arches[i]->alias)
			kdl_str_add(&list, " (%s)", arches[i]->alias);
	}
	return kdl_str_finish(NULL, &list);
}

const struct kdl_reg_def *kdl_arch_reg(const struct kdl_arch *arch,
                                       const char *name)
{
	for (size_t i = 0; i < arch->nregs; i++)
		if (!strcasecmp(arch->regs[i].name, name))
			return &arch->regs[i];
	return NULL;
}

int kdl_register_known_anywhere(const char *reg)
{
	for (size_t i = 0; i < NARCHES; i++)
		if (kdl_arch_reg(arches[i], reg))
			return 1;
	return 0;
}

char *kdl_arch_register_list(const char *name)
{
	const struct kdl_arch *arch = kdl_arch_find(name);
	struct kdl_str list = {0};

	if (!arch)
		return NULL;
	for (size_t i = 0; i < arch->nregs; i++) {
		const struct kdl_reg_def *r = &arch->regs[i];

		if (r->alias)
			kdl_str_add(&list, " (%s)", r->name);
		else
			kdl_str_add(&list, "%s%s", i ? " " : "", r->name);
	}
	return kdl_str_finish(NULL, &list);
}

uint32_t kdl_prstatus_size(const struct kdl_arch *arch)
{
	/* pr_reg, then the 4-byte pr_fpvalid, padded to 8 */
	return (uint32_t)kdl_round_up(KDL_PRSTATUS_FIXED + arch->pr_reg_size + 4, 8);
}
