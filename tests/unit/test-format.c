/* format.c: the table of formats, and the calls that keep count of each
 * segment's bytes whatever the format. */
#include <stdlib.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static void test_table(void)
{
	char *names = kdl_format_names();

	CHECK_STR(names, "elf kdump");
	free(names);
	CHECK(kdl_format_known("elf"));
	CHECK(!kdl_format_known("ELF"));
	CHECK(kdl_format_known("kdump"));
	CHECK(!kdl_format_known("flat"));
	CHECK(kdl_format_find(ctx, "elf") == &kdl_format_elf);
	CHECK(kdl_format_find(ctx, "flat") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "unknown format 'flat' (known: elf kdump)");
}

/* A segment fed through a writer state that only lays the dump out. */
struct feed {
	kdl_dump *dump;
	struct kdl_writer_state ws;
	struct kdl_seg *seg;
};

static int feed_begin(struct feed *f, uint64_t phys, uint64_t len)
{
	f->dump = kdl_dump_new(ctx, NULL);
	if (!f->dump || kdl_ws_begin(&f->ws, f->dump, NULL, NULL, &kdl_format_elf))
		return -1;
	f->seg = kdl_dump_new_segment(f->dump, phys, phys);
	if (!f->seg)
		return -1;
	f->seg->source = SRC_STREAM;
	f->seg->len = len;
	return kdl_ws_segment_begin(&f->ws, f->seg);
}

static void feed_end(struct feed *f)
{
	kdl_ws_free(&f->ws);
	kdl_dump_free(f->dump);
}

static void test_counting(void)
{
	static const uint8_t bytes[100];
	struct feed f;
	struct kdl_stats st;

	if (!CHECK_EQ(feed_begin(&f, 0x1000, 250), 0))
		return;
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 100), 0);
	CHECK_EQ(kdl_ws_zero(&f.ws, 50), 0);
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 100), 0);
	CHECK_EQ(f.ws.seg_filled, 250);
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x1000 has more data than its length (250 bytes)");
	CHECK_EQ(kdl_ws_zero(&f.ws, 1), -1);
	CHECK_EQ(f.ws.seg_filled, 250);
	CHECK_EQ(kdl_ws_segment_end(&f.ws), 0);
	CHECK(f.ws.seg == NULL);
	CHECK_EQ(kdl_ws_finish(&f.ws, &st), 0);
	CHECK_EQ(st.total_memory, 250);
	CHECK_EQ(st.segments, 1);
	CHECK_EQ(st.estimated_size, 2 * 4096);
	feed_end(&f);

	if (!CHECK_EQ(feed_begin(&f, 0x1000, 250), 0))
		return;
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 100), 0);
	CHECK_EQ(kdl_ws_segment_end(&f.ws), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x1000 ended after 100 of its 250 bytes");
	feed_end(&f);
}

static void test_unknown_length(void)
{
	static const uint8_t bytes[100];
	struct feed f;

	if (!CHECK_EQ(feed_begin(&f, 0x2000, KDL_LENGTH_UNKNOWN), 0))
		return;
	CHECK_EQ(kdl_ws_segment_end(&f.ws), -1);
	CHECK_STR(kdl_ctx_error(ctx), "empty segment at 0x2000");
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 100), 0);
	CHECK_EQ(kdl_ws_zero(&f.ws, 1u << 30), 0);
	CHECK_EQ(kdl_ws_segment_end(&f.ws), 0);
	/* the length is known once the segment ends */
	CHECK_EQ(f.seg->len, 100 + (1u << 30));
	feed_end(&f);
}

static void test_address_space(void)
{
	static const uint8_t bytes[0x2000];
	struct feed f;

	if (!CHECK_EQ(feed_begin(&f, 0xfffffffffffff000, KDL_LENGTH_UNKNOWN), 0))
		return;
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 0x1001), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0xfffffffffffff000 goes past the end of the address space");
	feed_end(&f);

	/* up to and including the last byte */
	if (!CHECK_EQ(feed_begin(&f, 0xffffffffffffe000, KDL_LENGTH_UNKNOWN), 0))
		return;
	CHECK_EQ(kdl_ws_data(&f.ws, bytes, 0x1000), 0);
	if (!CHECK_EQ(kdl_ws_zero(&f.ws, 0x1000), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	CHECK_EQ(kdl_ws_zero(&f.ws, 1), -1);
	feed_end(&f);

	if (!CHECK_EQ(feed_begin(&f, 0xffffffffffffe000, 0x2000), 0))
		return;
	if (!CHECK_EQ(kdl_ws_data(&f.ws, bytes, 0x2000), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	feed_end(&f);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_table();
	test_counting();
	test_unknown_length();
	test_address_space();
	kdl_ctx_free(ctx);
	return check_done("format");
}
