/* The table of architectures: adding one is its file plus one line here. */
#include <string.h>
#include <strings.h>

#include "arch/arch.h"

static const struct kdl_entry *const arches[] = {
	&kdl_arch_x86_64.info,
	&kdl_arch_aarch64.info,
	&kdl_arch_s390x.info,
	&kdl_arch_ppc64.info,
	&kdl_arch_ppc64le.info,
	&kdl_arch_riscv64.info,
};

const struct kdl_registry kdl_arches = {"architecture", arches, KDL_ARRAY_SIZE(arches)};

const struct kdl_arch *kdl_arch_find(const char *name)
{
	return (const struct kdl_arch *)kdl_registry_find(&kdl_arches, name);
}

const struct kdl_arch *kdl_arch_default(void)
{
	return (const struct kdl_arch *)kdl_entry_default(&kdl_arches);
}

const struct kdl_arch *kdl_arch_by_machine(uint16_t e_machine, bool big_endian)
{
	for (size_t i = 0; i < kdl_arches.count; i++) {
		const struct kdl_arch *arch = (const struct kdl_arch *)arches[i];

		if (arch->e_machine == e_machine && arch->big_endian == big_endian)
			return arch;
	}
	return NULL;
}

const struct kdl_reg_def *kdl_arch_reg(const struct kdl_arch *arch,
                                       const char *name)
{
	for (size_t i = 0; i < arch->nregs; i++)
		if (!strcasecmp(arch->regs[i].name, name))
			return &arch->regs[i];
	return NULL;
}

bool kdl_register_known_anywhere(const char *reg)
{
	for (size_t i = 0; i < kdl_arches.count; i++)
		if (kdl_arch_reg((const struct kdl_arch *)arches[i], reg))
			return true;
	return false;
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

char *kdl_arch_register_json(const char *name)
{
	const struct kdl_arch *arch = kdl_arch_find(name);
	struct kdl_str json = {0};

	if (!arch)
		return NULL;
	kdl_str_add(&json, "{\"architecture\": \"%s\", \"registers\": [", arch->info.name);
	for (size_t i = 0; i < arch->nregs; i++) {
		const struct kdl_reg_def *r = &arch->regs[i];

		if (r->alias)
			continue;
		kdl_str_add(&json, "%s{\"name\": \"%s\", \"bytes\": %u, \"aliases\": [", i ? ", " : "",
		            r->name, r->size);
		for (size_t a = i + 1; a < arch->nregs && arch->regs[a].alias; a++)
			kdl_str_add(&json, "%s\"%s\"", a > i + 1 ? ", " : "", arch->regs[a].name);
		kdl_str_add(&json, "]}");
	}
	kdl_str_add(&json, "]}\n");
	return kdl_str_finish(NULL, &json);
}
