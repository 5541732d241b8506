/* zlib: what makedumpfile -c writes (a zlib stream per page, RFC 1950). */
#include <stdlib.h>
#include <zlib.h>

#include "codec/codec.h"

static void *zlib_new(int level)
{
	z_stream *z = calloc(1, sizeof(*z));

	if (z && deflateInit(z, level) != Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

static void zlib_free(void *state)
{
	deflateEnd(state);
	free(state);
}

static size_t zlib_compress(void *state, const void *src, size_t n, void *dst,
                            size_t cap)
{
	z_stream *z = state;

	/* deflateReset keeps the level: each page is one compress2() stream */
	if (deflateReset(z) != Z_OK)
		return 0;
	z->next_in = (Bytef *)src;
	z->avail_in = (uInt)n;
	z->next_out = dst;
	z->avail_out = (uInt)cap;
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		return 0;
	return cap - z->avail_out;
}

static int zlib_decompress(const void *src, size_t n, void *dst, size_t size)
{
	uLongf len = size;

	/* more than size bytes is Z_BUF_ERROR */
	return uncompress(dst, &len, src, (uLong)n) == Z_OK && len == size ? 0 : -1;
}

static size_t zlib_bound(size_t n)
{
	return compressBound((uLong)n);
}

const struct kdl_codec kdl_codec_zlib = {
	.info = {
		.name = "zlib",
		.summary = "a zlib stream per page, as makedumpfile -c",
		.is_default = 1,
		.min_level = 1,
		.max_level = 9,
		.default_level = 6,
		.has_levels = 1,
	},
	.flag = 0x1,
	.bound = zlib_bound,
	.new_state = zlib_new,
	.free_state = zlib_free,
	.compress = zlib_compress,
	.decompress = zlib_decompress,
};
