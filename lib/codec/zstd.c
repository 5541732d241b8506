/* zstd: one zstd frame per page. */
#include <stdlib.h>
#include <zstd.h>

#include "codec/codec.h"

struct zstd_state {
	ZSTD_CCtx *cctx;
	int level;
};

static void *zstd_new(int level)
{
	struct zstd_state *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->cctx = ZSTD_createCCtx();
	s->level = level;
	if (!s->cctx) {
		free(s);
		return NULL;
	}
	return s;
}

static void zstd_free(void *state)
{
	struct zstd_state *s = state;

	ZSTD_freeCCtx(s->cctx);
	free(s);
}

static size_t zstd_compress(void *state, const void *src, size_t n, void *dst,
                            size_t cap)
{
	struct zstd_state *s = state;
	size_t out = ZSTD_compressCCtx(s->cctx, dst, cap, src, n, s->level);

	return ZSTD_isError(out) ? 0 : out;
}

static int zstd_decompress(const void *src, size_t n, void *dst, size_t size)
{
	size_t len = ZSTD_decompress(dst, size, src, n);

	return !ZSTD_isError(len) && len == size ? 0 : -1;
}

const struct kdl_codec kdl_codec_zstd = {
	.info = {
		.name = "zstd",
		.summary = "a zstd frame per page, as makedumpfile -z",
		.min_level = -131072, /* ZSTD_minCLevel() of libzstd 1.5 */
		.max_level = 22,
		.default_level = 1,
		.has_levels = 1,
	},
	.flag = 0x20,
	.bound = ZSTD_compressBound,
	.new_state = zstd_new,
	.free_state = zstd_free,
	.compress = zstd_compress,
	.decompress = zstd_decompress,
};
