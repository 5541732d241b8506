/* makedumpfile's flattened format, from a file or a pipe. */
#include <string.h>

#include "input/input.h"

/* makedumpfile_header: "makedumpfile" NUL-padded to 16 bytes, then a
 * big-endian type 1 (TYPE_FLAT_HEADER). */
static bool flat_probe(const uint8_t *head, size_t n)
{
	static const uint8_t signature[16] = "makedumpfile";

	return n >= 24 && !memcmp(head, signature, sizeof(signature)) &&
	       kdl_get64(head + 16, true) == 1;
}

static int flat_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	(void)n;
	return kdl_err(kdl_unpack_ctx(u), KDL_ERR_UNSUPPORTED, "%s: the flat format cannot be read yet", ins->name);
}

const struct kdl_input_ops kdl_input_flat = {
	.info = {
		.name = "flat",
		.summary = "makedumpfile's flattened format, from a file or a pipe",
	},
	.probe = flat_probe,
	.unpack = flat_unpack,
};
