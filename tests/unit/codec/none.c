/* codec/none.c: no compression: flag 0, no levels, no state, and no page
 * ever shrinks, so that the compressor stores every one raw. */
#include "codec-check.h"

static const struct kdl_codec *const c = &kdl_codec_none;

static void test_entry(void)
{
	CHECK_STR(c->info.name, "none");
	CHECK(c->info.alias == NULL);
	CHECK_STR(c->info.summary, "pages stored as they are");
	CHECK_EQ(c->info.is_default, 0);
	/* the header's status has no compression bit set */
	CHECK_EQ(c->flag, 0);
	CHECK(c->new_state == NULL);
	/* its pages are raw: nothing to undo */
	CHECK(c->decompress == NULL);
}

static void test_levels(void)
{
	CHECK_EQ(c->info.has_levels, 0);
	CHECK_EQ(c->info.default_level, 0);
}

static void test_bound(void)
{
	CHECK_EQ(c->bound(PAGE), PAGE);
	CHECK_EQ(c->bound(BIG_PAGE), BIG_PAGE);
}

static void test_nothing_shrinks(void)
{
	static uint8_t in[BIG_PAGE], out[BIG_PAGE];

	/* not even zeros: every page goes in raw */
	for (enum kind k = 0; k < KINDS; k++) {
		make_page(in, sizeof(in), k, (uint32_t)k);
		CHECK_EQ(c->compress(NULL, in, PAGE, out, c->bound(PAGE)), 0);
		CHECK_EQ(c->compress(NULL, in, BIG_PAGE, out, c->bound(BIG_PAGE)), 0);
	}
}

int main(void)
{
	test_entry();
	test_levels();
	test_bound();
	test_nothing_shrinks();
	return check_done("codec/none");
}
