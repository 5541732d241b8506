/* codec/compressor.c: pages go in, one or several at a time, and reach the
 * sink in the same order whatever the threads: compressed, stored raw
 * where they do not shrink, left out when zero only if asked, zero runs
 * as one entry, pages given in part marked so; a flush delivers all given
 * so far, and a sink's failure comes back to the caller. */
#include "codec-check.h"

#define MAX_PAGES 1200

static kdl_ctx *ctx;

static const struct kdl_codec *const codecs[] = {
	&kdl_codec_none, &kdl_codec_zlib, &kdl_codec_lzo,
	&kdl_codec_snappy, &kdl_codec_zstd,
};

/* What the sink received: every page in order, its data copied. */
struct received {
	size_t n;
	size_t calls;
	size_t fail_at; /* the sink refuses its call of this number; 0 never */
	uint64_t pfn[MAX_PAGES], count[MAX_PAGES];
	bool zero[MAX_PAGES], partial[MAX_PAGES];
	uint32_t size[MAX_PAGES], flags[MAX_PAGES];
	uint8_t *data;
};

static int sink(void *arg, const struct kdl_page *page)
{
	struct received *r = arg;

	if (++r->calls == r->fail_at || r->n == MAX_PAGES)
		return -1;
	r->pfn[r->n] = page->pfn;
	r->count[r->n] = page->count;
	r->zero[r->n] = page->zero;
	r->partial[r->n] = page->partial;
	r->size[r->n] = page->size;
	r->flags[r->n] = page->flags;
	if (!page->zero)
		memcpy(r->data + r->n * PAGE, page->data, page->size);
	r->n++;
	return 0;
}

static struct received *new_received(void)
{
	struct received *r = calloc(1, sizeof(*r));

	if (!CHECK(r))
		return NULL;
	if (!CHECK(r->data = malloc((size_t)MAX_PAGES * PAGE))) {
		free(r);
		return NULL;
	}
	return r;
}

static void free_received(struct received *r)
{
	if (r)
		free(r->data);
	free(r);
}

/* The next page, when one is asked for at a time. */
static uint8_t *one_page(struct kdl_compressor *c, uint64_t pfn)
{
	uint64_t got = 0;
	uint8_t *p = kdl_compressor_pages(c, pfn, 1, &got);

	return p && CHECK_EQ(got, 1) ? p : NULL;
}

/* Page i of what the sink received is page pfn, of kind k made from
 * seed, as the codec gives it: left out when zero and exclude_zero,
 * else compressed and back to the same bytes, or stored raw. */
static void check_page(const struct kdl_codec *codec, const struct received *r,
                       size_t i, uint64_t pfn, enum kind k, uint32_t seed,
                       bool exclude_zero)
{
	uint8_t page[PAGE], back[PAGE];
	const uint8_t *got = r->data + i * PAGE;

	CHECK_EQ(r->pfn[i], pfn);
	CHECK_EQ(r->count[i], 1);
	make_page(page, PAGE, k, seed);
	if (!CHECK_EQ(r->zero[i], exclude_zero && k == ZERO) || r->zero[i])
		return;
	if (k == NOISE || !codec->flag) {
		CHECK_EQ(r->flags[i], 0);
		CHECK_EQ(r->size[i], PAGE);
		CHECK_MEM(got, page, PAGE);
	} else if (CHECK_EQ(r->flags[i], codec->flag) && CHECK(r->size[i] < PAGE) &&
	           CHECK_EQ(decompress(codec, got, r->size[i], back, PAGE), PAGE)) {
		CHECK_MEM(back, page, PAGE);
	}
}

/* 1100 pages one at a time, more than the batches of 4 threads hold at
 * once; their kind goes round, their PFNs go down. */
static struct received *compress_pages(const struct kdl_codec *codec,
                                       unsigned threads, bool exclude_zero)
{
	struct received *r = new_received();
	struct kdl_compressor *c;

	if (!r)
		return NULL;
	c = kdl_compressor_new(ctx, codec, 1, PAGE, threads, exclude_zero, sink, r);
	if (!CHECK(c)) {
		free_received(r);
		return NULL;
	}
	for (unsigned i = 0; i < 1100; i++) {
		uint8_t *p = one_page(c, 5000 - i);

		if (!CHECK(p))
			break;
		make_page(p, PAGE, (enum kind)(i % KINDS), i);
	}
	CHECK_EQ(kdl_compressor_flush(c), 0);
	kdl_compressor_free(c);
	return r;
}

static void check_pages(const struct kdl_codec *codec,
                        const struct received *r, bool exclude_zero)
{
	if (!r || !CHECK_EQ(r->n, 1100))
		return;
	for (unsigned i = 0; i < 1100; i++)
		check_page(codec, r, i, 5000 - i, (enum kind)(i % KINDS), i,
		           exclude_zero);
}

static bool same(const struct received *a, const struct received *b)
{
	if (!a || !b || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->pfn[i] != b->pfn[i] || a->zero[i] != b->zero[i] ||
		    (!a->zero[i] && (a->size[i] != b->size[i] || a->flags[i] != b->flags[i] ||
		                     memcmp(a->data + i * PAGE, b->data + i * PAGE, a->size[i]))))
			return false;
	return true;
}

static void test_in_order_whatever_the_threads(void)
{
	for (size_t i = 0; i < KDL_ARRAY_SIZE(codecs); i++) {
		const struct kdl_codec *codec = codecs[i];
		struct received *one = compress_pages(codec, 1, true);
		struct received *four = compress_pages(codec, 4, true);
		struct received *kept = compress_pages(codec, 2, false);
		/* 0 threads is one */
		struct received *zero_threads = compress_pages(codec, 0, true);

		check_pages(codec, one, true);
		check_pages(codec, kept, false);
		if (!CHECK(same(one, four)))
			fprintf(stderr, "  %s: 4 threads differ from 1\n", codec->info.name);
		if (!CHECK(same(one, zero_threads)))
			fprintf(stderr, "  %s: 0 threads differ from 1\n", codec->info.name);
		free_received(one);
		free_received(four);
		free_received(kept);
		free_received(zero_threads);
	}
}

static enum kind kind_of(uint64_t pfn)
{
	return (enum kind)(pfn % KINDS);
}

/* kdl_compressor_pages gives as many consecutive pages as asked for
 * while its batch has room, and the rest in later calls. */
static void test_several_pages_at_once(void)
{
	struct received *r = new_received();
	struct kdl_compressor *c;
	uint64_t pfn, got = 0;
	unsigned calls = 0, most = 0;
	uint8_t *p;

	if (!r)
		return;
	c = kdl_compressor_new(ctx, &kdl_codec_zlib, 1, PAGE, 2, true, sink, r);
	if (!CHECK(c)) {
		free_received(r);
		return;
	}
	if (CHECK(p = kdl_compressor_pages(c, 7, 3, &got)) && CHECK_EQ(got, 3))
		for (uint64_t i = 0; i < 3; i++)
			make_page(p + i * PAGE, PAGE, kind_of(7 + i), (uint32_t)(7 + i));
	for (pfn = 100; pfn < 1100; pfn += got, calls++) {
		p = kdl_compressor_pages(c, pfn, 1100 - pfn, &got);
		if (!CHECK(p) || !CHECK(got >= 1 && got <= 1100 - pfn))
			break;
		/* the pages follow one another in memory */
		for (uint64_t i = 0; i < got; i++)
			make_page(p + i * PAGE, PAGE, kind_of(pfn + i), (uint32_t)(pfn + i));
		if (got > most)
			most = (unsigned)got;
	}
	CHECK(most > 1);
	CHECK(calls < 1000);
	CHECK_EQ(kdl_compressor_flush(c), 0);
	kdl_compressor_free(c);
	if (CHECK_EQ(r->n, 3 + 1000))
		for (size_t i = 0; i < r->n; i++) {
			uint64_t want = i < 3 ? 7 + i : 100 + (i - 3);

			check_page(&kdl_codec_zlib, r, i, want, kind_of(want),
			           (uint32_t)want, true);
		}
	free_received(r);
}

/* A run of zero pages given as such reaches the sink as one entry, after
 * the pages before it and before those after it. */
static void test_zero_run(void)
{
	struct received *r = new_received();
	struct kdl_compressor *c;
	uint8_t *p;

	if (!r)
		return;
	c = kdl_compressor_new(ctx, &kdl_codec_lzo, 0, PAGE, 2, true, sink, r);
	if (CHECK(c)) {
		if (CHECK(p = one_page(c, 10)))
			make_page(p, PAGE, TEXT, 1);
		CHECK_EQ(kdl_compressor_zero_run(c, 11, 1000), 0);
		if (CHECK(p = one_page(c, 1011)))
			make_page(p, PAGE, NOISE, 2);
		CHECK_EQ(kdl_compressor_zero_run(c, 1012, 1), 0);
		CHECK_EQ(kdl_compressor_zero_run(c, 1013, 5), 0);
		CHECK_EQ(kdl_compressor_flush(c), 0);
		kdl_compressor_free(c);
		if (CHECK_EQ(r->n, 5)) {
			CHECK(r->pfn[0] == 10 && r->count[0] == 1 && !r->zero[0] && r->flags[0] == 0x2);
			CHECK(r->pfn[1] == 11 && r->count[1] == 1000 && r->zero[1]);
			CHECK(r->pfn[2] == 1011 && r->count[2] == 1 && !r->zero[2] && r->flags[2] == 0);
			/* runs one after the other stay apart: the sink joins them */
			CHECK(r->pfn[3] == 1012 && r->count[3] == 1 && r->zero[3]);
			CHECK(r->pfn[4] == 1013 && r->count[4] == 5 && r->zero[4]);
		}
	}
	free_received(r);
}

static void test_flush(void)
{
	struct received *r = new_received();
	struct kdl_compressor *c;
	uint64_t got = 0;
	uint8_t *p;

	if (!r)
		return;
	c = kdl_compressor_new(ctx, &kdl_codec_snappy, 0, PAGE, 3, false, sink, r);
	if (!CHECK(c)) {
		free_received(r);
		return;
	}
	CHECK_EQ(kdl_compressor_flush(c), 0);
	CHECK_EQ(r->calls, 0);
	/* a batch far from full goes out too */
	for (unsigned i = 0; i < 5; i++)
		if (CHECK(p = one_page(c, i)))
			make_page(p, PAGE, kind_of(i), i);
	CHECK_EQ(kdl_compressor_flush(c), 0);
	CHECK_EQ(r->n, 5);
	CHECK_EQ(kdl_compressor_flush(c), 0);
	CHECK_EQ(r->n, 5);
	/* and the compressor goes on after a flush */
	if (CHECK(p = kdl_compressor_pages(c, 5, 2, &got)) && CHECK_EQ(got, 2)) {
		make_page(p, PAGE, kind_of(5), 5);
		make_page(p + PAGE, PAGE, kind_of(6), 6);
	}
	CHECK_EQ(kdl_compressor_flush(c), 0);
	kdl_compressor_free(c);
	if (CHECK_EQ(r->n, 7))
		for (unsigned i = 0; i < 7; i++)
			check_page(&kdl_codec_snappy, r, i, i, kind_of(i), i, false);
	free_received(r);
}

/* The sink's failure stops the pages and comes back from whatever call
 * made the sink run. */
static void test_sink_failure(void)
{
	struct received *r = new_received();
	struct kdl_compressor *c;
	unsigned i;
	uint8_t *p;

	if (!r)
		return;
	r->fail_at = 3;
	c = kdl_compressor_new(ctx, &kdl_codec_zstd, 1, PAGE, 2, false, sink, r);
	if (CHECK(c)) {
		for (i = 0; i < 10; i++)
			if (CHECK(p = one_page(c, i)))
				make_page(p, PAGE, TEXT, i);
		CHECK_EQ(kdl_compressor_flush(c), -1);
		CHECK_EQ(r->calls, 3);
		CHECK_EQ(r->n, 2);
		kdl_compressor_free(c);
	}

	/* a full ring is drained to make room: the page is refused */
	r->n = r->calls = 0;
	r->fail_at = 1;
	c = kdl_compressor_new(ctx, &kdl_codec_none, 0, PAGE, 1, false, sink, r);
	if (CHECK(c)) {
		for (i = 0; i < 1100 && (p = one_page(c, i)); i++)
			make_page(p, PAGE, COUNTER, i);
		CHECK(i < 1100);
		CHECK_EQ(r->calls, 1);
		CHECK_EQ(r->n, 0);
		/* pages given and never delivered are freed with it */
		kdl_compressor_free(c);
	}

	r->n = r->calls = 0;
	r->fail_at = 2;
	c = kdl_compressor_new(ctx, &kdl_codec_lzo, 0, PAGE, 1, true, sink, r);
	if (CHECK(c)) {
		if (CHECK(p = one_page(c, 0)))
			make_page(p, PAGE, TEXT, 0);
		CHECK_EQ(kdl_compressor_zero_run(c, 1, 10), -1);
		CHECK_EQ(r->calls, 2);
		CHECK_EQ(r->n, 1);
		kdl_compressor_free(c);
	}
	free_received(r);
}

/* A codec state that cannot be had fails the compressor at once. */
static void test_no_state(void)
{
	struct received *r = new_received();

	if (!r)
		return;
	/* libdeflate takes no level 13 */
	CHECK(kdl_compressor_new(ctx, &kdl_codec_zlib, 13, PAGE, 3, true, sink, r) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "cannot set up zlib compression at level 13");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_NOMEM);
	CHECK_EQ(r->calls, 0);
	free_received(r);
}

/* Pages given in part reach the sink marked so, in their place among the
 * others, zero or not; whole pages in the same batch are not. */
static void test_partial_pages(void)
{
	struct received *r = new_received();
	struct kdl_compressor *c;
	uint8_t *p;

	if (!r)
		return;
	c = kdl_compressor_new(ctx, &kdl_codec_lzo, 0, PAGE, 2, true, sink, r);
	if (!CHECK(c)) {
		free_received(r);
		return;
	}
	if ((p = one_page(c, 1)))
		make_page(p, PAGE, TEXT, 1);
	if ((p = kdl_compressor_partial_page(c, 2)))
		make_page(p, PAGE, COUNTER, 2);
	if ((p = kdl_compressor_partial_page(c, 3)))
		make_page(p, PAGE, ZERO, 3);
	if ((p = one_page(c, 4)))
		make_page(p, PAGE, ZERO, 4);
	CHECK_EQ(kdl_compressor_flush(c), 0);
	if (CHECK_EQ(r->n, 4)) {
		for (size_t i = 0; i < 4; i++)
			CHECK_EQ(r->pfn[i], i + 1);
		CHECK(!r->partial[0] && r->partial[1] && r->partial[2] && !r->partial[3]);
		CHECK(!r->zero[1] && r->zero[2] && r->zero[3]);
		check_page(&kdl_codec_lzo, r, 1, 2, COUNTER, 2, true);
	}
	kdl_compressor_free(c);
	free_received(r);
}

static void test_page_is_zero(void)
{
	static uint8_t p[PAGE], big[65536];
	static const size_t sizes[] = {4096, 16384, 65536};

	CHECK(kdl_page_is_zero(p, PAGE));
	/* one bit set, low or high, in the first byte, the last, and on
	 * either side of every 8-byte boundary, in every page size */
	for (size_t s = 0; s < KDL_ARRAY_SIZE(sizes); s++) {
		size_t n = sizes[s];

		CHECK(kdl_page_is_zero(big, n));
		for (size_t at = 0; at < n; at += at % 8 == 7 ? 1 : 7)
			for (unsigned bit = 0; bit < 8; bit += 7) {
				big[at] = (uint8_t)(1u << bit);
				if (!CHECK(!kdl_page_is_zero(big, n)))
					fprintf(stderr, "  bit %u of byte %zu of a %zu-byte page\n", bit, at, n);
				big[at] = 0;
			}
	}
	/* every word equal to the next is not enough */
	make_page(p, PAGE, FILL, 0);
	CHECK(!kdl_page_is_zero(p, PAGE));
	make_page(p, PAGE, ZERO, 0);
	CHECK(kdl_page_is_zero(p, PAGE));
	/* only n bytes are looked at */
	p[16] = 1;
	CHECK(kdl_page_is_zero(p, 16));
	CHECK(!kdl_page_is_zero(p, 24));
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_partial_pages();
	test_page_is_zero();
	test_in_order_whatever_the_threads();
	test_several_pages_at_once();
	test_zero_run();
	test_flush();
	test_sink_failure();
	test_no_state();
	kdl_ctx_free(ctx);
	return check_done("codec/compressor");
}
