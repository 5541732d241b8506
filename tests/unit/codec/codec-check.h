/* Pages of every kind, and the libraries makedumpfile, crash and
 * libkdumpfile read them back with: shared by the tests of the codecs
 * and of the compressor. */
#ifndef CODEC_CHECK_H
#define CODEC_CHECK_H

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "check.h"
#include "codec/codec.h"

#define PAGE 4096
#define BIG_PAGE 65536

/* Text, one byte repeated, zeros, counting words, and noise that no
 * codec shrinks. */
enum kind { TEXT, FILL, ZERO, COUNTER, NOISE, KINDS };

static inline void make_page(uint8_t *p, size_t n, enum kind kind,
                             uint32_t seed)
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

/* The length, or 0 on failure (or for none, which has nothing to undo). */
static inline size_t decompress(const struct kdl_codec *c, const uint8_t *in,
                                size_t n, uint8_t *out, size_t cap)
{
	if (c == &kdl_codec_zlib) {
		uLongf len = cap;

		return uncompress(out, &len, in, n) == Z_OK ? len : 0;
	}
	if (c == &kdl_codec_lzo) {
		lzo_uint len = cap;

		return lzo1x_decompress_safe(in, n, out, &len, NULL) == LZO_E_OK ? len : 0;
	}
	if (c == &kdl_codec_snappy) {
		size_t len = cap;

		return snappy_uncompress((const char *)in, n, (char *)out, &len) == SNAPPY_OK ? len : 0;
	}
	if (c == &kdl_codec_zstd) {
		size_t len = ZSTD_decompress(out, cap, in, n);

		/* one frame that says its size, as makedumpfile writes it */
		if (ZSTD_getFrameContentSize(in, n) != cap)
			return 0;
		return ZSTD_isError(len) ? 0 : len;
	}
	return 0;
}

static inline void *codec_state(const struct kdl_codec *c, int level)
{
	return c->new_state ? c->new_state(level) : NULL;
}

static inline void codec_state_free(const struct kdl_codec *c, void *state)
{
	if (state)
		c->free_state(state);
}

/* Every kind of page through one state, into bound() bytes, back through
 * the codec's library.  Noise does not shrink, yet fits in bound() and
 * decompresses too: bound() covers the worst case. */
static inline void round_trip(const struct kdl_codec *c, int level,
                              size_t page)
{
	size_t cap = c->bound(page);
	uint8_t *in = malloc(page), *out = malloc(cap), *back = malloc(page);
	void *state = codec_state(c, level);

	if (!CHECK(in && out && back) || !CHECK(state || !c->new_state))
		goto done;
	for (enum kind k = 0; k < KINDS; k++) {
		size_t n;

		make_page(in, page, k, (uint32_t)k);
		n = c->compress(state, in, page, out, cap);
		if (!CHECK(k == NOISE ? n >= page && n <= cap : n > 0 && n < page)) {
			fprintf(stderr, "  %s level %d, page kind %d of %zu bytes: %zu\n",
			        c->info.name, level, k, page, n);
			continue;
		}
		if (CHECK_EQ(decompress(c, out, n, back, page), page))
			CHECK_MEM(back, in, page);
	}
done:
	codec_state_free(c, state);
	free(in);
	free(out);
	free(back);
}

/* The codec's own decompress reads back every kind of page it wrote,
 * in exactly the page's size. */
static inline void decompress_round_trip(const struct kdl_codec *c, int level,
                                         size_t page)
{
	size_t cap = c->bound(page);
	uint8_t *in = malloc(page), *out = malloc(cap), *back = malloc(page);
	void *state = codec_state(c, level);

	if (!CHECK(in && out && back) || !CHECK(state || !c->new_state))
		goto done;
	for (enum kind k = 0; k < KINDS; k++) {
		size_t n;

		make_page(in, page, k, (uint32_t)k + 100);
		n = c->compress(state, in, page, out, cap);
		memset(back, 0xee, page);
		if (CHECK(n > 0) && CHECK_EQ(c->decompress(out, n, back, page), 0))
			CHECK_MEM(back, in, page);
	}
done:
	codec_state_free(c, state);
	free(in);
	free(out);
	free(back);
}

/* What a damaged page gives: -1, whether it is cut short, empty, noise,
 * or asked for in another size. */
static inline void decompress_refuses(const struct kdl_codec *c, int level,
                                      size_t page)
{
	size_t cap = c->bound(page);
	uint8_t *in = malloc(page), *out = malloc(cap), *back = malloc(2 * page);
	void *state = codec_state(c, level);
	size_t n;

	if (!CHECK(in && out && back) || !CHECK(state || !c->new_state))
		goto done;
	make_page(in, page, TEXT, 7);
	n = c->compress(state, in, page, out, cap);
	if (!CHECK(n > 2))
		goto done;
	CHECK_EQ(c->decompress(out, n - 1, back, page), -1);
	CHECK_EQ(c->decompress(out, n / 2, back, page), -1);
	CHECK_EQ(c->decompress(out, 0, back, page), -1);
	/* a page of another size is not this one, and what is written
	 * stays within the size given */
	memset(back, 0xee, 2 * page);
	CHECK_EQ(c->decompress(out, n, back, page / 2), -1);
	for (size_t i = page / 2; i < 2 * page; i++)
		if (!CHECK_EQ(back[i], 0xee))
			break;
	CHECK_EQ(c->decompress(out, n, back, 2 * page), -1);
	/* noise is no compressed page */
	make_page(out, n, NOISE, 3);
	CHECK_EQ(c->decompress(out, n, back, page), -1);
done:
	codec_state_free(c, state);
	free(in);
	free(out);
	free(back);
}

/* What the library itself writes for a page, as makedumpfile calls it;
 * its length, or 0. */
typedef size_t reference_fn(const uint8_t *src, size_t n, uint8_t *dst,
                            size_t cap, int level);

/* The codec writes what makedumpfile writes, byte for byte, for every
 * kind of page in turn through one state: nothing of a page carries
 * over to the next. */
static inline void check_same_as(const struct kdl_codec *c, int level,
                                 size_t page, reference_fn *reference)
{
	size_t cap = c->bound(page);
	uint8_t *in = malloc(page), *out = malloc(cap), *want = malloc(cap);
	void *state = codec_state(c, level);

	if (!CHECK(in && out && want) || !CHECK(state || !c->new_state))
		goto done;
	for (unsigned i = 0; i < 2 * KINDS; i++) {
		enum kind k = (enum kind)(i % KINDS);
		size_t n, m;

		make_page(in, page, k, i);
		n = c->compress(state, in, page, out, cap);
		m = reference(in, page, want, cap, level);
		if (!CHECK(m > 0) || !CHECK_EQ(n, m) || !CHECK_MEM(out, want, n))
			fprintf(stderr, "  %s level %d, page kind %d of %zu bytes\n",
			        c->info.name, level, k, page);
	}
done:
	codec_state_free(c, state);
	free(in);
	free(out);
	free(want);
}

#endif
