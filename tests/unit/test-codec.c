/* codec.c, codec-*.c and compress.c: what each codec writes, its library's
 * own decompressor reads back; a page that does not shrink is stored raw;
 * the compressor hands pages on in order, whatever the threads. */
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "check.h"
#include "internal.h"

#define PAGE 4096
#define BIG_PAGE 65536

static kdl_ctx *ctx;

static void test_table(void)
{
	char *names = kdl_codec_names();
	const struct kdl_codec *c;

	CHECK_STR(names, "none zlib lzo snappy zstd");
	free(names);
	CHECK(kdl_codec_find("gzip") == NULL);
	CHECK(kdl_codec_find("ZLIB") == NULL);
	/* the flags of makedumpfile's diskdump_mod.h */
	CHECK_EQ(kdl_codec_find("none")->flag, 0);
	CHECK_EQ(kdl_codec_find("zlib")->flag, 0x1);
	CHECK_EQ(kdl_codec_find("lzo")->flag, 0x2);
	CHECK_EQ(kdl_codec_find("snappy")->flag, 0x4);
	CHECK_EQ(kdl_codec_find("zstd")->flag, 0x20);
	c = kdl_codec_find("zlib");
	CHECK(c->has_levels);
	CHECK_EQ(c->min_level, 1);
	CHECK_EQ(c->max_level, 9);
	CHECK_EQ(c->default_level, 6);
	c = kdl_codec_find("zstd");
	CHECK(c->has_levels);
	CHECK_EQ(c->min_level, -131072);
	CHECK_EQ(c->max_level, 22);
	CHECK_EQ(c->default_level, 1);
	CHECK(!kdl_codec_find("none")->has_levels);
	CHECK(!kdl_codec_find("lzo")->has_levels);
	CHECK(!kdl_codec_find("snappy")->has_levels);
}

/* Pages of every kind: text, one byte repeated, zeros, counting words,
 * and noise that no codec shrinks. */
enum kind { TEXT, FILL, ZERO, COUNTER, NOISE, KINDS };

static void make_page(uint8_t *p, size_t n, enum kind kind, uint32_t seed)
{
	static const char words[] = "the kernel page cache dentry inode lock ";
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		switch (kind) {
		case TEXT: p[i] = (uint8_t)words[(i + seed) % (sizeof(words) - 1)]; break;
		case FILL: p[i] = 0x5a; break;
		case ZERO: p[i] = 0; break;
		case COUNTER: p[i] = (uint8_t)((i & 7) ? 0 : i / 8 + seed); break;
		default: p[i] = (uint8_t)(x >> 23); break;
		}
	}
}

/* Decompresses with the library makedumpfile, crash and libkdumpfile
 * use; the length, or 0 on failure. */
static size_t decompress(const char *codec, const uint8_t *in, size_t n,
                         uint8_t *out, size_t cap)
{
	if (!strcmp(codec, "zlib")) {
		uLongf len = cap;

		return uncompress(out, &len, in, n) == Z_OK ? len : 0;
	}
	if (!strcmp(codec, "lzo")) {
		lzo_uint len = cap;

		return lzo1x_decompress_safe(in, n, out, &len, NULL) == LZO_E_OK ? len : 0;
	}
	if (!strcmp(codec, "snappy")) {
		size_t len = cap;

		return snappy_uncompress((const char *)in, n, (char *)out, &len) == SNAPPY_OK ? len : 0;
	}
	if (!strcmp(codec, "zstd")) {
		size_t len = ZSTD_decompress(out, cap, in, n);

		/* one frame that says its size, as makedumpfile writes it */
		if (ZSTD_getFrameContentSize(in, n) != cap)
			return 0;
		return ZSTD_isError(len) ? 0 : len;
	}
	return 0;
}

static void round_trip(const char *name, int level, size_t page)
{
	const struct kdl_codec *c = kdl_codec_find(name);
	uint8_t *in = malloc(page), *out = NULL, *back = malloc(page);
	void *state = NULL;

	if (!CHECK(c && in && back))
		goto done;
	out = malloc(c->bound(page));
	state = c->new_state(level);
	if (!CHECK(out && state))
		goto done;
	for (enum kind k = 0; k < KINDS; k++) {
		size_t n;

		make_page(in, page, k, (uint32_t)k);
		n = c->compress(state, in, page, out, c->bound(page));
		if (k == NOISE) {
			/* it does not shrink: the compressor stores it raw */
			CHECK(n == 0 || n >= page);
			continue;
		}
		if (!CHECK(n > 0 && n < page)) {
			fprintf(stderr, "  %s level %d, page kind %d of %zu bytes: %zu\n",
			        name, level, k, page, n);
			continue;
		}
		if (CHECK_EQ(decompress(name, out, n, back, page), page))
			CHECK_MEM(back, in, page);
	}
done:
	if (state)
		c->free_state(state);
	free(in);
	free(out);
	free(back);
}

static void test_round_trips(void)
{
	round_trip("zlib", 1, PAGE);
	round_trip("zlib", 6, PAGE);
	round_trip("zlib", 9, BIG_PAGE);
	round_trip("lzo", 0, PAGE);
	round_trip("lzo", 0, BIG_PAGE);
	round_trip("snappy", 0, PAGE);
	round_trip("snappy", 0, BIG_PAGE);
	round_trip("zstd", -5, PAGE);
	round_trip("zstd", 1, PAGE);
	round_trip("zstd", 19, BIG_PAGE);
}

static void test_none(void)
{
	const struct kdl_codec *c = kdl_codec_find("none");
	uint8_t in[PAGE], out[PAGE];
	void *state = c->new_state(0);

	memset(in, 0, sizeof(in));
	if (!CHECK(state))
		return;
	/* not even zeros shrink: every page goes in raw */
	CHECK_EQ(c->compress(state, in, sizeof(in), out, sizeof(out)), 0);
	c->free_state(state);
}

/* What the sink received: every page in order, its data copied. */
struct received {
	size_t n;
	uint64_t pfn[1200], count[1200];
	bool zero[1200];
	uint32_t size[1200], flags[1200];
	uint8_t *data;
};

static int sink(void *arg, const struct kdl_page *page)
{
	struct received *r = arg;

	if (r->n == 1200)
		return -1;
	r->pfn[r->n] = page->pfn;
	r->count[r->n] = page->count;
	r->zero[r->n] = page->zero;
	r->size[r->n] = page->size;
	r->flags[r->n] = page->flags;
	if (!page->zero)
		memcpy(r->data + r->n * PAGE, page->data, page->size);
	r->n++;
	return 0;
}

/* 1100 pages, more than the batches of 4 threads hold at once, through
 * the compressor; their kind goes round, their PFNs go down. */
static struct received *compress_pages(const char *name, unsigned threads,
                                       bool exclude_zero)
{
	struct received *r = calloc(1, sizeof(*r));
	struct kdl_compressor *c;

	if (!CHECK(r) || !CHECK(r->data = malloc(1200 * PAGE))) {
		free(r);
		return NULL;
	}
	c = kdl_compressor_new(ctx, kdl_codec_find(name), 1, PAGE, threads,
	                       exclude_zero, sink, r);
	if (!CHECK(c)) {
		free(r->data);
		free(r);
		return NULL;
	}
	for (unsigned i = 0; i < 1100; i++) {
		uint8_t *p = kdl_compressor_page(c, 5000 - i);

		if (!CHECK(p))
			break;
		make_page(p, PAGE, (enum kind)(i % KINDS), i);
	}
	CHECK_EQ(kdl_compressor_flush(c), 0);
	kdl_compressor_free(c);
	return r;
}

static void free_received(struct received *r)
{
	if (r)
		free(r->data);
	free(r);
}

static void check_pages(const char *name, struct received *r, bool exclude_zero)
{
	uint8_t page[PAGE], back[PAGE];
	uint32_t flag = kdl_codec_find(name)->flag;

	if (!r || !CHECK_EQ(r->n, 1100))
		return;
	for (unsigned i = 0; i < 1100; i++) {
		enum kind k = (enum kind)(i % KINDS);
		const uint8_t *got = r->data + i * PAGE;

		CHECK_EQ(r->pfn[i], 5000 - i);
		CHECK_EQ(r->count[i], 1);
		make_page(page, PAGE, k, i);
		if (!CHECK_EQ(r->zero[i], exclude_zero && k == ZERO) || r->zero[i])
			continue;
		if (k == NOISE || !flag) {
			CHECK_EQ(r->flags[i], 0);
			CHECK_EQ(r->size[i], PAGE);
			CHECK_MEM(got, page, PAGE);
		} else if (CHECK_EQ(r->flags[i], flag) && CHECK(r->size[i] < PAGE) &&
		           CHECK_EQ(decompress(name, got, r->size[i], back, PAGE), PAGE)) {
			CHECK_MEM(back, page, PAGE);
		}
	}
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

static void test_compressor(void)
{
	const char *names[] = {"none", "zlib", "lzo", "snappy", "zstd"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct received *one = compress_pages(names[i], 1, true);
		struct received *four = compress_pages(names[i], 4, true);
		struct received *kept = compress_pages(names[i], 2, false);

		check_pages(names[i], one, true);
		check_pages(names[i], kept, false);
		if (!CHECK(same(one, four)))
			fprintf(stderr, "  %s: 4 threads differ from 1\n", names[i]);
		free_received(one);
		free_received(four);
		free_received(kept);
	}
}

/* A run of zero pages given as such reaches the sink as one entry, after
 * the pages before it and before those after it. */
static void test_zero_run(void)
{
	struct received *r = calloc(1, sizeof(*r));
	struct kdl_compressor *c;
	uint8_t *p;

	if (!CHECK(r) || !CHECK(r->data = malloc(1200 * PAGE))) {
		free(r);
		return;
	}
	c = kdl_compressor_new(ctx, kdl_codec_find("lzo"), 0, PAGE, 2, true, sink, r);
	if (CHECK(c)) {
		if (CHECK(p = kdl_compressor_page(c, 10)))
			make_page(p, PAGE, TEXT, 1);
		CHECK_EQ(kdl_compressor_zero_run(c, 11, 1000), 0);
		if (CHECK(p = kdl_compressor_page(c, 1011)))
			make_page(p, PAGE, NOISE, 2);
		CHECK_EQ(kdl_compressor_flush(c), 0);
		kdl_compressor_free(c);
		if (CHECK_EQ(r->n, 3)) {
			CHECK(r->pfn[0] == 10 && r->count[0] == 1 && !r->zero[0] && r->flags[0] == 0x2);
			CHECK(r->pfn[1] == 11 && r->count[1] == 1000 && r->zero[1]);
			CHECK(r->pfn[2] == 1011 && r->count[2] == 1 && !r->zero[2] && r->flags[2] == 0);
		}
	}
	free_received(r);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_table();
	test_round_trips();
	test_none();
	test_compressor();
	test_zero_run();
	kdl_ctx_free(ctx);
	return check_done("codec");
}
