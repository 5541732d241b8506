/* LZO1X-1: what makedumpfile -l writes (raw LZO1X, no header). */
#include <lzo/lzo1x.h>
#include <pthread.h>
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

static pthread_once_t lzo_ready = PTHREAD_ONCE_INIT;
static bool lzo_usable;

static void lzo_setup(void)
{
	lzo_usable = lzo_init() == LZO_E_OK;
}

static int lzo_decompress(const void *src, size_t n, void *dst, size_t size)
{
	lzo_uint len = size;

	/* the library wants lzo_init() before anything else, once */
	pthread_once(&lzo_ready, lzo_setup);
	if (!lzo_usable)
		return -1;
	/* the safe decoder: it never reads or writes past the buffers */
	return lzo1x_decompress_safe(src, n, dst, &len, NULL) == LZO_E_OK &&
	       len == size ? 0 : -1;
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
	.fast = true,
	.bound = lzo_bound,
	.new_state = lzo_new,
	.free_state = free,
	.compress = lzo_compress,
	.decompress = lzo_decompress,
};
