/* codec/snappy.c: makedumpfile -p's codec: flag 0x4, no levels, no state,
 * each page a raw snappy block (not the framing format), which
 * snappy_uncompress() reads back. */
#include "codec-check.h"

static const struct kdl_codec *const c = &kdl_codec_snappy;

static void test_entry(void)
{
	CHECK_STR(c->info.name, "snappy");
	CHECK(c->info.alias == NULL);
	CHECK_STR(c->info.summary, "a snappy block per page, as makedumpfile -p");
	CHECK_EQ(c->info.is_default, 0);
	/* DUMP_DH_COMPRESSED_SNAPPY of makedumpfile's diskdump_mod.h */
	CHECK_EQ(c->flag, 0x4);
	/* snappy keeps nothing between pages: compress gets NULL */
	CHECK(c->new_state == NULL);
}

static void test_levels(void)
{
	CHECK_EQ(c->info.has_levels, 0);
	CHECK_EQ(c->info.default_level, 0);
}

static void test_bound(void)
{
	CHECK_EQ(c->bound(PAGE), snappy_max_compressed_length(PAGE));
	CHECK_EQ(c->bound(BIG_PAGE), snappy_max_compressed_length(BIG_PAGE));
	/* 32 + n + n / 6 */
	CHECK_EQ(c->bound(PAGE), 4810);
}

static void test_round_trips(void)
{
	round_trip(c, 0, PAGE);
	round_trip(c, 0, BIG_PAGE);
}

static size_t snappy_page(const uint8_t *src, size_t n, uint8_t *dst,
                          size_t cap, int level)
{
	size_t len = cap;

	(void)level;
	return snappy_compress((const char *)src, n, (char *)dst, &len) == SNAPPY_OK ? len : 0;
}

static void test_same_as_snappy_compress(void)
{
	check_same_as(c, 0, PAGE, snappy_page);
	check_same_as(c, 0, BIG_PAGE, snappy_page);
}

/* snappy_compress's blocks (makedumpfile -p) back; a block that says
 * another length is not the page. */
static void test_decompress(void)
{
	uint8_t in[PAGE], out[5000], back[PAGE];
	size_t n;

	decompress_round_trip(c, 0, PAGE);
	decompress_round_trip(c, 0, BIG_PAGE);
	decompress_refuses(c, 0, PAGE);
	make_page(in, PAGE, FILL, 5);
	n = snappy_page(in, PAGE, out, sizeof(out), 0);
	CHECK_EQ(c->decompress(out, n, back, PAGE), 0);
	CHECK_MEM(back, in, PAGE);
	/* the length, a varint first: 4096 is 0x80 0x20; say 4097 */
	CHECK_EQ(out[0], 0x80);
	out[0] = 0x81;
	CHECK_EQ(c->decompress(out, n, back, PAGE), -1);
}

int main(void)
{
	test_entry();
	test_levels();
	test_bound();
	test_round_trips();
	test_same_as_snappy_compress();
	test_decompress();
	return check_done("codec/snappy");
}
