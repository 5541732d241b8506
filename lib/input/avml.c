/* an AVML capture (version 2, snappy-compressed ranges). */
#include <string.h>

#include "input/input.h"

/* AVML's range header: LiME's layout with the magic 0x4C4D5641 ("AVML"),
 * version 2 for snappy-compressed ranges. */
static bool avml_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && kdl_get32le(head) == 0x4C4D5641 && kdl_get32le(head + 4) == 2;
}

static int avml_unpack(struct kdl_unpacker *u, struct kdl_input *ins, size_t n)
{
	(void)n;
	return kdl_err(kdl_unpack_ctx(u), KDL_ERR_UNSUPPORTED, "%s: the avml format cannot be read yet", ins->name);
}

const struct kdl_input_ops kdl_input_avml = {
	.info = {
		.name = "avml",
		.summary = "an AVML capture (version 2, snappy-compressed ranges)",
	},
	.probe = avml_probe,
	.unpack = avml_unpack,
};
