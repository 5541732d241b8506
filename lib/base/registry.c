/* Tables of named entries: architectures, codecs, output formats.  One
 * lookup, one list of names and one "unknown X (known: ...)" serve them
 * all. */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

const struct kdl_entry *kdl_entry_at(const kdl_registry *reg, size_t i)
{
	return i < reg->count ? reg->entries[i] : NULL;
}

const struct kdl_entry *kdl_registry_find(const struct kdl_registry *reg,
                                          const char *name)
{
	for (size_t i = 0; i < reg->count; i++) {
		const struct kdl_entry *e = reg->entries[i];

		if (!strcmp(e->name, name) || (e->alias && !strcmp(e->alias, name)))
			return e;
	}
	return NULL;
}

const struct kdl_entry *kdl_entry_default(const kdl_registry *reg)
{
	for (size_t i = 0; i < reg->count; i++)
		if (reg->entries[i]->is_default)
			return reg->entries[i];
	return reg->count ? reg->entries[0] : NULL;
}

char *kdl_names(const kdl_registry *reg)
{
	struct kdl_str list = {0};

	for (size_t i = 0; i < reg->count; i++) {
		kdl_str_add(&list, "%s%s", i ? " " : "", reg->entries[i]->name);
		if (reg->entries[i]->alias)
			kdl_str_add(&list, " (%s)", reg->entries[i]->alias);
	}
	return kdl_str_finish(NULL, &list);
}

const struct kdl_entry *kdl_lookup(kdl_ctx *ctx, const kdl_registry *reg,
                                   const char *name)
{
	const struct kdl_entry *e = kdl_registry_find(reg, name);
	char *names;

	if (e)
		return e;
	names = kdl_names(reg);
	kdl_err(ctx, KDL_ERR_INVALID, "unknown %s '%s' (known: %s)", reg->what,
	        name, names ? names : "?");
	free(names);
	return NULL;
}
