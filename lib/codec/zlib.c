/* zlib: a zlib stream per page (RFC 1950), what makedumpfile -c writes.
 * libdeflate makes and reads the same format as zlib, in about half the
 * time at level 1 (README.md, Benchmark); its streams are not zlib's byte
 * for byte, but every reader inflates them. */
#include <libdeflate.h>

#include "codec/codec.h"

static void *zlib_new(int level)
{
	return libdeflate_alloc_compressor(level);
}

static void zlib_free(void *state)
{
	libdeflate_free_compressor(state);
}

static size_t zlib_compress(void *state, const void *src, size_t n, void *dst,
                            size_t cap)
{
	/* 0 when it does not fit: stored raw */
	return libdeflate_zlib_compress(state, src, n, dst, cap);
}

static int zlib_decompress(const void *src, size_t n, void *dst, size_t size)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t in_used, out_len;
	int ok;

	if (!d)
		return -1;
	/* the whole of src one stream, inflating to exactly size bytes */
	ok = libdeflate_zlib_decompress_ex(d, src, n, dst, size, &in_used, &out_len) ==
	             LIBDEFLATE_SUCCESS &&
	     in_used == n && out_len == size;
	libdeflate_free_decompressor(d);
	return ok ? 0 : -1;
}

static size_t zlib_bound(size_t n)
{
	return libdeflate_zlib_compress_bound(NULL, n);
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
