/* makedumpfile's kdump-compressed format, whole or in --split parts, from makedumpfile, QEMU or us. */
#include <string.h>

#include "input/input.h"

/* makedumpfile's signature, or that of diskdump, its ancestor. */
static bool kdump_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && (!memcmp(head, "KDUMP   ", 8) || !memcmp(head, "DISKDUMP", 8));
}

static int kdump_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	(void)n;
	return kdl_err(kdl_unpack_ctx(u), KDL_ERR_UNSUPPORTED, "%s: the kdump format cannot be read yet", ins->name);
}

const struct kdl_input_ops kdl_input_kdump = {
	.info = {
		.name = "kdump",
		.summary = "makedumpfile's kdump-compressed format, whole or in --split parts, from makedumpfile, QEMU or us",
	},
	.probe = kdump_probe,
	.unpack = kdump_unpack,
	.takes_parts = true,
};
