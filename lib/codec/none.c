/* No compression: every page is stored raw. */
#include "codec/codec.h"

static size_t none_compress(void *state, const void *src, size_t n, void *dst,
                            size_t cap)
{
	(void)state;
	(void)src;
	(void)n;
	(void)dst;
	(void)cap;
	return 0; /* "did not shrink": the page goes in raw */
}

static size_t none_bound(size_t n)
{
	return n;
}

const struct kdl_codec kdl_codec_none = {
	.info = {
		.name = "none",
		.summary = "pages stored as they are",
	},
	.flag = 0,
	.fast = true,
	.bound = none_bound,
	.compress = none_compress,
};
