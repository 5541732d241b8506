/* The table of page codecs: adding one is its file plus one line here. */
#include "codec/codec.h"

static const struct kdl_entry *const codecs[] = {
	&kdl_codec_none.info,
	&kdl_codec_zlib.info,
	&kdl_codec_lzo.info,
	&kdl_codec_snappy.info,
	&kdl_codec_zstd.info,
};

const struct kdl_registry kdl_codecs = {"compression", codecs, KDL_ARRAY_SIZE(codecs)};

const struct kdl_codec *kdl_codec_find(const char *name)
{
	return (const struct kdl_codec *)kdl_registry_find(&kdl_codecs, name);
}

const struct kdl_codec *kdl_codec_by_flag(uint32_t flags)
{
	for (size_t i = 0; i < kdl_codecs.count; i++) {
		const struct kdl_codec *c = (const struct kdl_codec *)codecs[i];

		if (c->flag == flags)
			return c;
	}
	return NULL;
}

const struct kdl_codec *kdl_codec_default(void)
{
	return (const struct kdl_codec *)kdl_entry_default(&kdl_codecs);
}

int kdl_codec_level(kdl_ctx *ctx, const struct kdl_codec *codec, int level,
                    bool has_level, int *out)
{
	const struct kdl_entry *e = &codec->info;

	if (!has_level) {
		*out = e->default_level;
		return 0;
	}
	if (!e->has_levels)
		return kdl_err(ctx, KDL_ERR_INVALID, "%s has no compression levels", e->name);
	if (level < e->min_level || level > e->max_level)
		return kdl_err(ctx, KDL_ERR_INVALID, "%s levels are %d to %d, not %d",
		               e->name, e->min_level, e->max_level, level);
	*out = level;
	return 0;
}
