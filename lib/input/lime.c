/* a LiME capture (lime format, version 1). */
#include <string.h>

#include "input/input.h"

/* LiME's lime_mem_range_header: the little-endian magic 0x4C694D45
 * ("EMiL"), then version 1. */
static bool lime_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && kdl_get32le(head) == 0x4C694D45 && kdl_get32le(head + 4) == 1;
}

static int lime_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	(void)n;
	return kdl_err(kdl_unpack_ctx(u), KDL_ERR_UNSUPPORTED, "%s: the lime format cannot be read yet", ins->name);
}

const struct kdl_input_ops kdl_input_lime = {
	.info = {
		.name = "lime",
		.summary = "a LiME capture (lime format, version 1)",
	},
	.probe = lime_probe,
	.unpack = lime_unpack,
};
