/* input/unpack.c: what an input format tells comes out as records in
 * order; whole zero pages become ZERO; the --phys ranges cut segments and
 * aliases; --keep-going leaves bytes out and splits around them. */
#include "input-check.h"

#define PAGE 4096

static int stream_fd;
static kdl_writer *w;
static struct kdl_unpacker *u;

static void begin(const struct kdl_unpack_options *opts)
{
	struct kdl_unpack_options none = {0};

	w = stream_to(&stream_fd);
	u = w ? kdl_unpacker_new(ctx, w, opts ? opts : &none) : NULL;
}

/* Ends the stream, and what it holds; finished false leaves the unpacker
 * as it is (after a failure). */
static char *finish(bool finished)
{
	uint64_t lost = 0;

	if (finished)
		CHECK_EQ(kdl_unpacker_done(u, &lost), 0);
	kdl_unpacker_free(u);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(stream_fd);
	return stream_lines();
}

static void check_lines(char *got, const char *want, int line)
{
	check_str(got, want, "lines", "want", __FILE__, line);
	free(got);
}

static int put_buffer(const void *p, size_t n)
{
	struct kdl_source src;

	kdl_source_buffer(&src, ctx, p, n);
	return kdl_unpack_bytes(u, &src);
}

static void test_description_then_segments(void)
{
	static uint8_t page[PAGE];
	struct kdl_prstatus s = {.pid = 7, .cpu = 9};
	struct kdl_reg regs[] = {{"rip", 0x10}, {"rsp", 0}};

	memset(page, 'x', sizeof(page));
	begin(NULL);
	CHECK_EQ(kdl_unpack_arch(u, &kdl_arch_x86_64), 0);
	CHECK_EQ(kdl_unpack_vmcoreinfo(u, "OSRELEASE=6.1\n", 14), 0);
	CHECK_EQ(kdl_unpack_cpu(u, &s, regs, 2), 0);
	/* CPUs are numbered as they come, whatever was in status */
	CHECK_EQ(s.cpu, 0);
	CHECK_EQ(kdl_unpack_cpu(u, &s, regs, 1), 0);
	CHECK_EQ(s.cpu, 1);
	CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)"ACMExyz", 4, 256, "hello", 5), 0);
	CHECK_EQ(kdl_unpack_segment(u, 0x1000, 0xffff888000001000, PAGE), 0);
	CHECK_EQ(put_buffer(page, PAGE), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	check_lines(finish(true),
	            "ARCH x86_64\n"
	            "VMCOREINFO 14\n"
	            "CPU 0 pid 7 rip=0x10\n"
	            "CPU 1 pid 7 rip=0x10\n"
	            "NOTE ACME 256 5\n"
	            "SEGMENT 0x1000 0xffff888000001000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
	CHECK(unpacked_len == PAGE && !memcmp(unpacked_bytes, page, PAGE));
}

/* Metadata and annotation notes of key=value lines, of any vendor, go
 * back to META records, a line each; one holding anything else, or with
 * no name, stays a note. */
static void test_meta_notes(void)
{
	static const char lines[] = "collector=tests\nurl=a=b\n";
	static const struct {
		const char *text;
		size_t len;
	} not_lines[] = {
		{"", 0}, {"no newline=x", 12}, {"no equals\n", 10}, {"=empty key\n", 11},
		{"nul=a\0b\n", 8}, {"k=v\n\n", 5},
	};
	const char *name = "ACME";

	begin(NULL);
	CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)name, 4, KDL_NOTE_METADATA, lines,
	                         sizeof(lines) - 1), 0);
	CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)"KDUMPLING", 9, KDL_NOTE_ANNOTATIONS,
	                         "case=42\n", 8), 0);
	for (size_t i = 0; i < KDL_ARRAY_SIZE(not_lines); i++)
		CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)name, 4, KDL_NOTE_ANNOTATIONS,
		                         not_lines[i].text, not_lines[i].len), 0);
	CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)"", 0, KDL_NOTE_METADATA, "k=v\n", 4), 0);
	CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)"A\0B", 3, KDL_NOTE_METADATA, "k=v\n", 4), 0);
	CHECK_EQ(kdl_unpack_note(u, (const uint8_t *)name, 4, KDL_NOTE_FILE_INFO, "k=v\n", 4), 0);
	check_lines(finish(true),
	            "META ACME 1262767105 collector=tests\n"
	            "META ACME 1262767105 url=a=b\n"
	            "META KDUMPLING 1262767106 case=42\n"
	            "NOTE ACME 1262767106 0\n"
	            "NOTE ACME 1262767106 12\n"
	            "NOTE ACME 1262767106 10\n"
	            "NOTE ACME 1262767106 11\n"
	            "NOTE ACME 1262767106 8\n"
	            "NOTE ACME 1262767106 5\n"
	            "NOTE  1262767105 4\n"
	            "NOTE A 1262767105 4\n"
	            "NOTE ACME 1262767107 4\n", __LINE__);
}

/* Zero pages by the address they are at: a segment that starts inside a
 * page keeps the rest of that page as data, whatever it holds. */
static void test_zero_pages(void)
{
	uint8_t *mem = calloc(1, 6 * PAGE);

	if (!CHECK(mem))
		return;
	mem[10] = 1;             /* page 0 */
	mem[3 * PAGE + 5] = 2;   /* page 3 */
	begin(NULL);
	CHECK_EQ(kdl_unpack_segment(u, 0x10000, 0x10000, 6 * PAGE), 0);
	CHECK_EQ(put_buffer(mem, 6 * PAGE), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	CHECK_EQ(kdl_unpack_segment(u, 0x30100, 0x30100, 2 * PAGE), 0);
	CHECK_EQ(put_buffer(mem + PAGE, 2 * PAGE), 0);
	/* zeros told as zeros join those found */
	CHECK_EQ(kdl_unpack_end(u), 0);
	CHECK_EQ(kdl_unpack_segment(u, 0x40000, 0x40000, 3 * PAGE), 0);
	CHECK_EQ(put_buffer(mem + PAGE, PAGE), 0);
	CHECK_EQ(kdl_unpack_zero(u, PAGE), 0);
	CHECK_EQ(put_buffer(mem + 4 * PAGE, PAGE), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	check_lines(finish(true),
	            "SEGMENT 0x10000 0x10000 24576\n"
	            "DATA 4096\n"
	            "ZERO 8192\n"
	            "DATA 4096\n"
	            "ZERO 8192\n"
	            "END 24576\n"
	            "SEGMENT 0x30100 0x30100 8192\n"
	            "DATA 3840\n"
	            "ZERO 4096\n"
	            "DATA 256\n"
	            "END 8192\n"
	            "SEGMENT 0x40000 0x40000 12288\n"
	            "ZERO 12288\n"
	            "END 12288\n", __LINE__);
	free(mem);
}

/* A bigger page size makes bigger zero pages: 64 KiB of zeros with a
 * byte in its second 4 KiB is one data page. */
static void test_page_size(void)
{
	uint8_t *mem = calloc(1, 0x20000);

	if (!CHECK(mem))
		return;
	mem[0x1000] = 1;
	begin(NULL);
	kdl_unpack_page_size(u, 0x10000);
	CHECK_EQ(kdl_unpack_segment(u, 0, 0, 0x20000), 0);
	CHECK_EQ(put_buffer(mem, 0x20000), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	check_lines(finish(true),
	            "SEGMENT 0x0 0x0 131072\n"
	            "DATA 65536\n"
	            "ZERO 65536\n"
	            "END 131072\n", __LINE__);
	free(mem);
}

/* --phys: only what the ranges hold, each piece a segment of its own with
 * its virtual address moved along; ranges that touch are one. */
static void test_ranges(void)
{
	struct kdl_range ranges[] = {
		{0x5000, 0x5fff}, {0x2800, 0x2fff}, {0x3000, 0x37ff}, {0x9000, 0x9fff},
	};
	struct kdl_unpack_options opts = {.ranges = ranges, .nranges = 4};
	uint8_t *mem = malloc(0x8000);

	if (!CHECK(mem))
		return;
	for (size_t i = 0; i < 0x8000; i++)
		mem[i] = (uint8_t)(i / PAGE + 1);
	begin(&opts);
	/* an alias is cut as its memory is, and so is an extent; one no
	 * range holds is none */
	CHECK_EQ(kdl_unpack_alias(u, 0x1000, 0xffffffff81000000, 0x6000), 0);
	CHECK_EQ(kdl_unpack_alias(u, 0x7000, 0xffffffffa0000000, 0x1000), 0);
	CHECK_EQ(kdl_unpack_extent(u, 0x1000, 0x6000), 0);
	CHECK_EQ(kdl_unpack_extent(u, 0x7000, 0x1000), 0);
	CHECK_EQ(kdl_unpack_segment(u, 0x1000, 0xffff888000001000, 0x6000), 0);
	CHECK_EQ(put_buffer(mem, 0x6000), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	/* a segment no range holds leaves nothing */
	CHECK_EQ(kdl_unpack_segment(u, 0x7000, 0x7000, 0x1000), 0);
	CHECK_EQ(put_buffer(mem, 0x1000), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	check_lines(finish(true),
	            "ALIAS 0x2800 0xffffffff81001800 4096\n"
	            "ALIAS 0x5000 0xffffffff81004000 4096\n"
	            "EXTENT 0x2800 4096\n"
	            "EXTENT 0x5000 4096\n"
	            "SEGMENT 0x2800 0xffff888000002800 4096\n"
	            "DATA 4096\n"
	            "END 4096\n"
	            "SEGMENT 0x5000 0xffff888000005000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
	CHECK_EQ(unpacked_len, 0x2000);
	if (unpacked_len == 0x2000) {
		CHECK_MEM(unpacked_bytes, mem + 0x1800, 0x1000);
		CHECK_MEM(unpacked_bytes + 0x1000, mem + 0x4000, 0x1000);
	}
	free(mem);
}

/* A range to the top of the address space, and one that ends before it
 * starts. */
static void test_range_edges(void)
{
	struct kdl_range top[] = {{0xfffffffffffff000, UINT64_MAX}, {0, 0xfff}};
	struct kdl_range bad[] = {{0x2000, 0x1fff}};
	struct kdl_unpack_options opts = {.ranges = top, .nranges = 2};
	static uint8_t page[PAGE] = {1};
	int fd;

	begin(&opts);
	CHECK_EQ(kdl_unpack_segment(u, 0xffffffffffffe000, 0, 2 * PAGE), 0);
	CHECK_EQ(put_buffer(page, PAGE), 0);
	CHECK_EQ(put_buffer(page, PAGE), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	check_lines(finish(true),
	            "SEGMENT 0xfffffffffffff000 0x1000 4096\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);

	opts.ranges = bad;
	opts.nranges = 1;
	w = stream_to(&fd);
	CHECK(kdl_unpacker_new(ctx, w, &opts) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "range 0x2000-0x1fff ends before it starts");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	kdl_writer_free(w);
	close(fd);
}

/* Bytes that cannot be read: a failure; with --keep-going left out, and
 * the segment goes on as another, of a length told at its end. */
static void test_lost(void)
{
	struct kdl_unpack_options opts = {.keep_going = 1};
	static uint8_t page[PAGE] = {7};
	char *warned = NULL;
	uint64_t lost = 0;

	begin(NULL);
	CHECK_EQ(kdl_unpack_segment(u, 0, 0, 3 * PAGE), 0);
	CHECK_EQ(put_buffer(page, PAGE), 0);
	CHECK_EQ(kdl_unpack_lost(u, PAGE, "dump: at byte %d: page 1 does not decompress", 8192), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dump: at byte 8192: page 1 does not decompress");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	free(finish(false));

	kdl_ctx_set_warn(ctx, collect_warnings, &warned);
	begin(&opts);
	/* a segment may be cut short: no extent tells of it */
	CHECK_EQ(kdl_unpack_extent(u, 0, 3 * PAGE), 0);
	CHECK_EQ(kdl_unpack_segment(u, 0, 0, 3 * PAGE), 0);
	CHECK_EQ(put_buffer(page, PAGE), 0);
	CHECK_EQ(kdl_unpack_lost(u, PAGE, "dump: at byte %d: page 1 does not decompress", 8192), 0);
	CHECK_EQ(put_buffer(page, PAGE), 0);
	CHECK_EQ(kdl_unpack_end(u), 0);
	CHECK_EQ(kdl_unpacker_done(u, &lost), 0);
	CHECK_EQ(lost, PAGE);
	CHECK_STR(warned, "dump: at byte 8192: page 1 does not decompress; 4096 bytes at 0x1000 left out\n");
	kdl_ctx_set_warn(ctx, NULL, NULL);
	free(warned);
	kdl_unpacker_free(u);
	CHECK_EQ(kdl_writer_finish(w), 0);
	close(stream_fd);
	check_lines(stream_lines(),
	            "SEGMENT 0x0 0x0 ?\n"
	            "DATA 4096\n"
	            "END 4096\n"
	            "SEGMENT 0x2000 0x2000 ?\n"
	            "DATA 4096\n"
	            "END 4096\n", __LINE__);
}

/* What a format may not do: describe after a segment began, give bytes
 * outside a segment, more than a segment holds, or end it short. */
static void test_misuse(void)
{
	static uint8_t page[PAGE];

	begin(NULL);
	CHECK_EQ(kdl_unpack_segment(u, 0, 0, PAGE), 0);
	CHECK_EQ(kdl_unpack_segment(u, PAGE, PAGE, PAGE), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a segment begins inside another");
	CHECK_EQ(kdl_unpack_vmcoreinfo(u, "A=1\n", 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a description after segments: the input format tells them first");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_unpack_alias(u, 0, 0xffffffff81000000, PAGE), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a description after segments: the input format tells them first");
	CHECK_EQ(kdl_unpack_extent(u, PAGE, PAGE), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a description after segments: the input format tells them first");
	CHECK_EQ(kdl_unpack_zero(u, 2 * PAGE), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x0 has more data than its length (4096 bytes)");
	CHECK_EQ(kdl_unpack_zero(u, 100), 0);
	CHECK_EQ(kdl_unpack_end(u), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x0 ended after 100 of its 4096 bytes");
	CHECK_EQ(kdl_unpacker_done(u, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "the input ended inside a segment");
	free(finish(false));

	begin(NULL);
	CHECK_EQ(put_buffer(page, PAGE), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment bytes outside a segment");
	CHECK_EQ(kdl_unpack_end(u), -1);
	CHECK_STR(kdl_ctx_error(ctx), "a segment ends that did not begin");
	CHECK_EQ(kdl_unpack_segment(u, 0x1000, 0, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x1000: a segment cannot be empty");
	CHECK_EQ(kdl_unpack_alias(u, 0x1000, 0xffffffff81000000, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "alias of 0x1000 at 0xffffffff81000000: an alias cannot be empty");
	CHECK_EQ(kdl_unpack_extent(u, 0x1000, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x1000: a segment cannot be empty");
	free(finish(false));
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_description_then_segments();
	test_meta_notes();
	test_zero_pages();
	test_page_size();
	test_ranges();
	test_range_edges();
	test_lost();
	test_misuse();
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/unpack");
}
