/* The table of output formats: adding one is its file plus one line here. */
#include "format/format.h"

static const struct kdl_entry *const formats[] = {
	&kdl_format_elf.info,
	&kdl_format_kdump.info,
};

const struct kdl_registry kdl_formats = {"format", formats, KDL_ARRAY_SIZE(formats)};

const struct kdl_format_ops *kdl_format_find(const char *name)
{
	return (const struct kdl_format_ops *)kdl_registry_find(&kdl_formats, name);
}

const struct kdl_format_ops *kdl_format_default(void)
{
	return (const struct kdl_format_ops *)kdl_entry_default(&kdl_formats);
}
