/* snappy: a raw snappy block per page (not the framing format). */
#include <snappy-c.h>
#include <stdlib.h>

#include "internal.h"

static void *snappy_new(int level)
{
	(void)level;
	return malloc(1); /* snappy keeps no state between calls */
}

static size_t snappy_compress_page(void *state, const void *src, size_t n,
                                   void *dst, size_t cap)
{
	size_t out = cap;

	(void)state;
	if (snappy_compress(src, n, dst, &out) != SNAPPY_OK)
		return 0;
	return out;
}

const struct kdl_codec kdl_codec_snappy = {
	.name = "snappy",
	.flag = 0x4,
	.bound = snappy_max_compressed_length,
	.new_state = snappy_new,
	.free_state = free,
	.compress = snappy_compress_page,
};
