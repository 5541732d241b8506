/* codec/zlib.c: makedumpfile -c's codec, the default: flag 0x1, levels 1
 * to 9, each page one zlib stream (RFC 1950) that zlib's uncompress()
 * reads back, made by libdeflate. */
#include <libdeflate.h>

#include "codec-check.h"

static const struct kdl_codec *const c = &kdl_codec_zlib;

static void test_entry(void)
{
	CHECK_STR(c->info.name, "zlib");
	CHECK(c->info.alias == NULL);
	CHECK_STR(c->info.summary, "a zlib stream per page, as makedumpfile -c");
	CHECK_EQ(c->info.is_default, 1);
	/* DUMP_DH_COMPRESSED_ZLIB of makedumpfile's diskdump_mod.h */
	CHECK_EQ(c->flag, 0x1);
}

static void test_levels(void)
{
	CHECK_EQ(c->info.has_levels, 1);
	CHECK_EQ(c->info.min_level, Z_BEST_SPEED);
	CHECK_EQ(c->info.max_level, Z_BEST_COMPRESSION);
	CHECK_EQ(c->info.min_level, 1);
	CHECK_EQ(c->info.max_level, 9);
	/* what Z_DEFAULT_COMPRESSION stands for */
	CHECK_EQ(c->info.default_level, 6);
}

static void test_bound(void)
{
	CHECK_EQ(c->bound(PAGE), libdeflate_zlib_compress_bound(NULL, PAGE));
	/* room for a page stored raw in its stream */
	CHECK(c->bound(PAGE) >= PAGE + 11);
	CHECK(c->bound(BIG_PAGE) >= BIG_PAGE + 11);
}

static void test_round_trips(void)
{
	round_trip(c, 1, PAGE);
	round_trip(c, 6, PAGE);
	round_trip(c, 9, PAGE);
	round_trip(c, 9, BIG_PAGE);
}

static size_t compress2_page(const uint8_t *src, size_t n, uint8_t *dst,
                             size_t cap, int level)
{
	uLongf len = cap;

	return compress2(dst, &len, src, n, level) == Z_OK ? len : 0;
}

/* Not zlib's bytes, but no bigger: over every kind of page, at most 1%
 * more than compress2() at the same level. */
static void test_size_of_compress2(int level, size_t page)
{
	size_t cap = c->bound(page), ours = 0, theirs = 0;
	uint8_t *in = malloc(page), *out = malloc(cap);
	void *state = codec_state(c, level);

	if (!CHECK(in && out && state))
		goto done;
	for (unsigned i = 0; i < 2 * KINDS; i++) {
		size_t n, m;

		make_page(in, page, (enum kind)(i % KINDS), i);
		n = c->compress(state, in, page, out, cap);
		m = compress2_page(in, page, out, cap, level);
		CHECK(n > 0 && m > 0);
		ours += n;
		theirs += m;
	}
	if (!CHECK(ours * 100 <= theirs * 101))
		fprintf(stderr, "  level %d: %zu bytes, compress2 %zu\n", level, ours, theirs);
done:
	codec_state_free(c, state);
	free(in);
	free(out);
}

static void test_sizes(void)
{
	test_size_of_compress2(1, PAGE);
	test_size_of_compress2(6, PAGE);
	test_size_of_compress2(9, BIG_PAGE);
}

/* makedumpfile's pages back, from any level, and damaged ones refused:
 * a changed byte fails the stream's Adler-32. */
static void test_decompress(void)
{
	uint8_t in[PAGE], out[5000], back[PAGE];
	size_t n;

	decompress_round_trip(c, 1, PAGE);
	decompress_round_trip(c, 9, BIG_PAGE);
	decompress_refuses(c, 6, PAGE);
	make_page(in, PAGE, TEXT, 1);
	n = compress2_page(in, PAGE, out, sizeof(out), 1);
	CHECK_EQ(c->decompress(out, n, back, PAGE), 0);
	CHECK_MEM(back, in, PAGE);
	out[n / 2] ^= 0x40;
	CHECK_EQ(c->decompress(out, n, back, PAGE), -1);
}

/* A level libdeflate does not take gives no state, for the compressor
 * to report; kdl_codec_level keeps such levels from it. */
static void test_no_state_for_a_bad_level(void)
{
	CHECK(c->new_state(13) == NULL);
	CHECK(c->new_state(-1) == NULL);
}

int main(void)
{
	test_entry();
	test_levels();
	test_bound();
	test_round_trips();
	test_sizes();
	test_decompress();
	test_no_state_for_a_bad_level();
	return check_done("codec/zlib");
}
