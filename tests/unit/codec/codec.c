/* codec/codec.c: the table of page codecs: a codec by its exact name, the
 * default, the list of names, and the levels each takes. */
#include <stdlib.h>

#include "check.h"
#include "codec/codec.h"

#define KNOWN "none zlib lzo snappy zstd"

static kdl_ctx *ctx;

static const struct kdl_codec *const in_order[] = {
	&kdl_codec_none, &kdl_codec_zlib, &kdl_codec_lzo,
	&kdl_codec_snappy, &kdl_codec_zstd,
};

static void test_table_order(void)
{
	char *names = kdl_names(&kdl_codecs);

	CHECK_STR(names, KNOWN);
	free(names);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		CHECK(kdl_entry_at(&kdl_codecs, i) == &in_order[i]->info);
	CHECK(kdl_entry_at(&kdl_codecs, KDL_ARRAY_SIZE(in_order)) == NULL);
}

static void test_find(void)
{
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		CHECK(kdl_codec_find(in_order[i]->info.name) == in_order[i]);
	CHECK(kdl_codec_find("gzip") == NULL);
	CHECK(kdl_codec_find("ZLIB") == NULL);
	CHECK(kdl_codec_find("") == NULL);
}

static void test_lookup(void)
{
	CHECK(kdl_lookup(ctx, &kdl_codecs, "lzo") == &kdl_codec_lzo.info);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_OK);
	CHECK(kdl_lookup(ctx, &kdl_codecs, "gzip") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown compression 'gzip' (known: " KNOWN ")");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(kdl_lookup(ctx, &kdl_codecs, "ZLIB") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown compression 'ZLIB' (known: " KNOWN ")");
}

static void test_default(void)
{
	size_t defaults = 0;

	CHECK(kdl_codec_default() == &kdl_codec_zlib);
	CHECK(kdl_entry_default(&kdl_codecs) == &kdl_codec_zlib.info);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		defaults += in_order[i]->info.is_default != 0;
	CHECK_EQ(defaults, 1);
}

/* A page descriptor's flags tell its codec apart from the others. */
static void test_flags_distinct(void)
{
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		for (size_t j = 0; j < i; j++)
			CHECK(!(in_order[i]->flag & in_order[j]->flag) &&
			      in_order[i]->flag != in_order[j]->flag);
}

/* A page descriptor's flags give back its codec; none is 0, and flags
 * no codec has (makedumpfile's 0x8 is a header status) give none. */
static void test_by_flag(void)
{
	for (size_t i = 0; i < KDL_ARRAY_SIZE(in_order); i++)
		CHECK(kdl_codec_by_flag(in_order[i]->flag) == in_order[i]);
	CHECK(kdl_codec_by_flag(0) == &kdl_codec_none);
	CHECK(kdl_codec_by_flag(0x8) == NULL);
	CHECK(kdl_codec_by_flag(0x3) == NULL);
	CHECK(kdl_codec_by_flag(0x10) == NULL);
	CHECK(kdl_codec_by_flag(UINT32_MAX) == NULL);
}

static void check_level(const struct kdl_codec *c, int level, int want)
{
	int got = 12345;

	CHECK_EQ(kdl_codec_level(ctx, c, level, true, &got), 0);
	CHECK_EQ(got, want);
}

static void check_default_level(const struct kdl_codec *c, int want)
{
	int got = 12345;

	/* the level passed is not looked at */
	CHECK_EQ(kdl_codec_level(ctx, c, 99, false, &got), 0);
	CHECK_EQ(got, want);
}

static void check_bad_level(const struct kdl_codec *c, int level,
                            const char *message)
{
	int got;

	CHECK_EQ(kdl_codec_level(ctx, c, level, true, &got), -1);
	CHECK_STR(kdl_ctx_error(ctx), message);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_levels(void)
{
	check_default_level(&kdl_codec_zlib, 6);
	check_level(&kdl_codec_zlib, 1, 1);
	check_level(&kdl_codec_zlib, 9, 9);
	check_bad_level(&kdl_codec_zlib, 0, "zlib levels are 1 to 9, not 0");
	check_bad_level(&kdl_codec_zlib, 10, "zlib levels are 1 to 9, not 10");
	check_bad_level(&kdl_codec_zlib, -1, "zlib levels are 1 to 9, not -1");

	check_default_level(&kdl_codec_zstd, 1);
	check_level(&kdl_codec_zstd, -131072, -131072);
	check_level(&kdl_codec_zstd, 0, 0);
	check_level(&kdl_codec_zstd, 22, 22);
	check_bad_level(&kdl_codec_zstd, 23, "zstd levels are -131072 to 22, not 23");
	check_bad_level(&kdl_codec_zstd, -131073, "zstd levels are -131072 to 22, not -131073");

	/* without levels: no level, not even 0, may be named */
	check_default_level(&kdl_codec_lzo, 0);
	check_default_level(&kdl_codec_snappy, 0);
	check_default_level(&kdl_codec_none, 0);
	check_bad_level(&kdl_codec_lzo, 1, "lzo has no compression levels");
	check_bad_level(&kdl_codec_lzo, 0, "lzo has no compression levels");
	check_bad_level(&kdl_codec_snappy, 1, "snappy has no compression levels");
	check_bad_level(&kdl_codec_none, 6, "none has no compression levels");
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_table_order();
	test_find();
	test_lookup();
	test_default();
	test_flags_distinct();
	test_by_flag();
	test_levels();
	kdl_ctx_free(ctx);
	return check_done("codec/codec");
}
