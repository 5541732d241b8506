/* codec/zstd.c: makedumpfile -z's codec: flag 0x20, levels -131072 to 22,
 * each page one zstd frame that says its size, which ZSTD_decompress()
 * reads back. */
#include "codec-check.h"

static const struct kdl_codec *const c = &kdl_codec_zstd;

static void test_entry(void)
{
	CHECK_STR(c->info.name, "zstd");
	CHECK(c->info.alias == NULL);
	CHECK_STR(c->info.summary, "a zstd frame per page, as makedumpfile -z");
	CHECK_EQ(c->info.is_default, 0);
	/* DUMP_DH_COMPRESSED_ZSTD of makedumpfile's diskdump_mod.h */
	CHECK_EQ(c->flag, 0x20);
}

static void test_levels(void)
{
	CHECK_EQ(c->info.has_levels, 1);
	CHECK_EQ(c->info.min_level, -131072);
	CHECK_EQ(c->info.max_level, 22);
	CHECK_EQ(c->info.default_level, 1);
	/* every level offered is one the library takes */
	CHECK((int64_t)c->info.min_level >= ZSTD_minCLevel());
	CHECK((int64_t)c->info.max_level <= ZSTD_maxCLevel());
}

static void test_bound(void)
{
	CHECK_EQ(c->bound(PAGE), ZSTD_compressBound(PAGE));
	CHECK_EQ(c->bound(BIG_PAGE), ZSTD_compressBound(BIG_PAGE));
}

static void test_round_trips(void)
{
	round_trip(c, -5, PAGE);
	round_trip(c, 1, PAGE);
	round_trip(c, 19, BIG_PAGE);
	round_trip(c, 22, PAGE);
}

static size_t zstd_page(const uint8_t *src, size_t n, uint8_t *dst,
                        size_t cap, int level)
{
	size_t len = ZSTD_compress(dst, cap, src, n, level);

	return ZSTD_isError(len) ? 0 : len;
}

static void test_same_as_zstd_compress(void)
{
	check_same_as(c, -5, PAGE, zstd_page);
	check_same_as(c, 1, PAGE, zstd_page);
	check_same_as(c, 19, BIG_PAGE, zstd_page);
	check_same_as(c, -131072, PAGE, zstd_page);
}

/* ZSTD_compress's frames (makedumpfile -z) back, at any level; what has
 * no frame magic is refused. */
static void test_decompress(void)
{
	uint8_t in[PAGE], out[5000], back[PAGE];
	size_t n;

	decompress_round_trip(c, -5, PAGE);
	decompress_round_trip(c, 19, BIG_PAGE);
	decompress_refuses(c, 1, PAGE);
	make_page(in, PAGE, TEXT, 5);
	n = zstd_page(in, PAGE, out, sizeof(out), 1);
	CHECK_EQ(c->decompress(out, n, back, PAGE), 0);
	CHECK_MEM(back, in, PAGE);
	out[0] ^= 1;
	CHECK_EQ(c->decompress(out, n, back, PAGE), -1);
}

int main(void)
{
	test_entry();
	test_levels();
	test_bound();
	test_round_trips();
	test_same_as_zstd_compress();
	test_decompress();
	return check_done("codec/zstd");
}
