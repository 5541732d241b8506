/* LZO1X-1: what makedumpfile -l writes (raw LZO1X, no header). */
#include <lzo/lzo1x.h>
#include <stdlib.h>

#include "codec/codec.h"

static void *lzo_new(int level)
{
	(void)level;
	if (lzo_init() != LZO_E_OK)
		return NULL;
	return malloc(LZO1X_1_MEM_COMPRESS);
}

static size_t lzo_compress(void *state, const void *src, size_t n, void *dst,
                           size_t cap)
{
	lzo_uint out = cap;

	if (lzo1x_1_compress(src, n, dst, &out, state) != LZO_E_OK)
		return 0;
	return out;
}

static size_t lzo_bound(size_t n)
{
	/* the worst case lzo1x documents */
	return n + n / 16 + 64 + 3;
}

const struct kdl_codec kdl_codec_lzo = {
	.info = {
		.name = "lzo",
		.summary = "LZO1X-1 per page, as makedumpfile -l",
	},
	.flag = 0x2,
	.bound = lzo_bound,
	.new_state = lzo_new,
	.free_state = free,
	.compress = lzo_compress,
};
