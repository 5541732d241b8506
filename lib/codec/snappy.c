/* snappy: a raw snappy block per page (not the framing format), what
 * makedumpfile -p writes. */
#include <snappy-c.h>

#include "codec/codec.h"

static size_t snappy_compress_page(void *state, const void *src, size_t n,
                                   void *dst, size_t cap)
{
	size_t out = cap;

	(void)state; /* snappy keeps no state between calls */
	if (snappy_compress(src, n, dst, &out) != SNAPPY_OK)
		return 0;
	return out;
}

static int snappy_decompress(const void *src, size_t n, void *dst, size_t size)
{
	size_t len;

	/* the block says its length first: another one is not this page */
	if (snappy_uncompressed_length(src, n, &len) != SNAPPY_OK || len != size)
		return -1;
	return snappy_uncompress(src, n, dst, &len) == SNAPPY_OK && len == size ? 0 : -1;
}

const struct kdl_codec kdl_codec_snappy = {
	.info = {
		.name = "snappy",
		.summary = "a snappy block per page, as makedumpfile -p",
	},
	.flag = 0x4,
	.fast = true,
	.bound = snappy_max_compressed_length,
	.compress = snappy_compress_page,
	.decompress = snappy_decompress,
};
