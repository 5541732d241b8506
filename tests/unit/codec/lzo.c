/* codec/lzo.c: makedumpfile -l's codec: flag 0x2, no levels, each page
 * raw LZO1X-1 without a header, which lzo1x_decompress_safe() reads back. */
#include "codec-check.h"

static const struct kdl_codec *const c = &kdl_codec_lzo;

static void test_entry(void)
{
	CHECK_STR(c->info.name, "lzo");
	CHECK(c->info.alias == NULL);
	CHECK_STR(c->info.summary, "LZO1X-1 per page, as makedumpfile -l");
	CHECK_EQ(c->info.is_default, 0);
	/* DUMP_DH_COMPRESSED_LZO of makedumpfile's diskdump_mod.h */
	CHECK_EQ(c->flag, 0x2);
}

static void test_levels(void)
{
	CHECK_EQ(c->info.has_levels, 0);
	CHECK_EQ(c->info.default_level, 0);
}

static void test_bound(void)
{
	/* the worst case lzo1x documents: n + n / 16 + 64 + 3 */
	CHECK_EQ(c->bound(PAGE), 4419);
	CHECK_EQ(c->bound(BIG_PAGE), 69699);
}

static void test_round_trips(void)
{
	round_trip(c, 0, PAGE);
	round_trip(c, 0, BIG_PAGE);
}

static size_t lzo1x_1_page(const uint8_t *src, size_t n, uint8_t *dst,
                           size_t cap, int level)
{
	static lzo_align_t work[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1) /
	                        sizeof(lzo_align_t)];
	lzo_uint len = cap;

	(void)level;
	return lzo1x_1_compress(src, n, dst, &len, work) == LZO_E_OK ? len : 0;
}

static void test_same_as_lzo1x_1(void)
{
	check_same_as(c, 0, PAGE, lzo1x_1_page);
	check_same_as(c, 0, BIG_PAGE, lzo1x_1_page);
}

/* What lzo1x_1_compress wrote (makedumpfile -l) back, and damaged pages
 * refused by the decoder that checks every bound. */
static void test_decompress(void)
{
	uint8_t in[PAGE], out[5000], back[PAGE];
	size_t n;

	decompress_round_trip(c, 0, PAGE);
	decompress_round_trip(c, 0, BIG_PAGE);
	decompress_refuses(c, 0, PAGE);
	make_page(in, PAGE, COUNTER, 5);
	n = lzo1x_1_page(in, PAGE, out, sizeof(out), 0);
	CHECK_EQ(c->decompress(out, n, back, PAGE), 0);
	CHECK_MEM(back, in, PAGE);
	/* one literal byte, then a match 2048 bytes back: before the page */
	CHECK_EQ(c->decompress("\x12" "A\xff\xff\x11\x00\x00", 7, back, PAGE), -1);
}

int main(void)
{
	test_entry();
	test_levels();
	test_bound();
	test_round_trips();
	test_same_as_lzo1x_1();
	test_decompress();
	return check_done("codec/lzo");
}
