/* codec: how the kdump-compressed format compresses pages, one file per
 * codec, listed in codec.c; and the compressor, which runs a codec over a
 * stream of pages on worker threads (compressor.c). */
#ifndef KDL_CODEC_H
#define KDL_CODEC_H

#include "base/base.h"

struct kdl_codec {
	struct kdl_entry info; /* first: the table holds &info */
	uint32_t flag;         /* in the header's status and the page descriptors */
	/* Compresses a page in about the time the reading thread takes to
	 * bring one: a thread per CPU would leave that thread none, and be
	 * slower than one fewer. */
	bool fast;
	/* Room the compressed form of n bytes may need. */
	size_t (*bound)(size_t n);
	/* A worker's state for a level, or NULL if it cannot be had;
	 * optional: without it, compress gets NULL. */
	void *(*new_state)(int level);
	void (*free_state)(void *state);
	/* The compressed size, or 0 if the codec failed or gave up. */
	size_t (*compress)(void *state, const void *src, size_t n, void *dst,
	                   size_t cap);
	/* What compress made of a page: the n bytes at src back into exactly
	 * size bytes at dst.  0, or -1 when they are damaged or give another
	 * size; keeps no state, so any thread may call it.  NULL for none,
	 * whose pages are raw. */
	int (*decompress)(const void *src, size_t n, void *dst, size_t size);
};

extern const struct kdl_codec kdl_codec_none;
extern const struct kdl_codec kdl_codec_zlib;
extern const struct kdl_codec kdl_codec_lzo;
extern const struct kdl_codec kdl_codec_snappy;
extern const struct kdl_codec kdl_codec_zstd;

const struct kdl_codec *kdl_codec_find(const char *name);
const struct kdl_codec *kdl_codec_default(void);
/* The codec a page descriptor's flags name (none for 0), or NULL. */
const struct kdl_codec *kdl_codec_by_flag(uint32_t flags);
/* A level the codec takes; has_level 0 gives its default. */
int kdl_codec_level(kdl_ctx *ctx, const struct kdl_codec *codec, int level,
                    bool has_level, int *out);

/* Pages in, pages out in the same order: compressed, or stored raw where
 * that is no larger, or (with exclude_zero) left out when all zero. */
struct kdl_page {
	uint64_t pfn;
	bool zero;      /* all zero, to be left out */
	uint64_t count; /* pages from pfn on: more than 1 only for zero runs */
	uint32_t size;
	uint32_t flags; /* the codec's flag, or 0 when stored raw */
	bool partial;   /* given by kdl_compressor_partial_page */
	const uint8_t *data;
};
typedef int kdl_page_sink(void *arg, const struct kdl_page *page);

bool kdl_page_is_zero(const uint8_t *p, size_t n);

struct kdl_compressor;
struct kdl_compressor *kdl_compressor_new(kdl_ctx *ctx,
                                          const struct kdl_codec *codec,
                                          int level, uint32_t page_size,
                                          unsigned threads, bool exclude_zero,
                                          kdl_page_sink *sink, void *sink_arg);
/* Room for up to n (at least 1) consecutive pages from pfn on, one after
 * the other in memory; *got (at least 1) tells how many.  The caller fills them all
 * before it asks again or flushes. */
uint8_t *kdl_compressor_pages(struct kdl_compressor *c, uint64_t pfn,
                              uint64_t n, uint64_t *got);
/* Room for the page at pfn, of which the caller has only some bytes
 * (the rest zero): the sink sees it marked partial, so that other parts
 * that come later can be merged into it. */
uint8_t *kdl_compressor_partial_page(struct kdl_compressor *c, uint64_t pfn);
/* count zero pages from pfn on, when zero pages are left out: handed to
 * the sink as one run, without a byte of them touched. */
int kdl_compressor_zero_run(struct kdl_compressor *c, uint64_t pfn,
                            uint64_t count);
/* Every page given so far reaches the sink. */
int kdl_compressor_flush(struct kdl_compressor *c);
void kdl_compressor_free(struct kdl_compressor *c);

#endif
