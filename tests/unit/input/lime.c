/* input/lime.c: a LiME capture's ranges as segments at their physical
 * addresses, from a file and from a pipe alike; a capture of LiME's
 * other formats refused with what to do instead; and every damaged
 * header or range said with the file, the byte and the problem. */
#include "input-check.h"

#define LIME_MAGIC 0x4C694D45

/* lime_mem_range_header: magic, version, first and last address. */
static void header(struct bytes *c, uint32_t magic, uint32_t version,
                   uint64_t start, uint64_t last)
{
	uint8_t h[32] = {0};

	kdl_put32(h, magic, false);
	kdl_put32(h + 4, version, false);
	kdl_put64(h + 8, start, false);
	kdl_put64(h + 16, last, false);
	append(c, h, sizeof(h));
}

static void range(struct bytes *c, uint64_t start, const void *data, size_t n)
{
	header(c, LIME_MAGIC, 1, start, start + n - 1);
	append(c, data, n);
}

/* n bytes that differ from page to page and are never a zero page */
static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(i * 7 + i / 251 + seed) | 1;
	return p;
}

/* Unpacks the capture, saved as "cap", from the file or through a pipe
 * (cat, so that nothing can seek); the stream goes to "stream". */
static int unpack(const struct bytes *c, bool piped,
                  const struct kdl_unpack_options *opts, uint64_t *lost)
{
	static const char *const name = "cap";

	return unpack_inputs(c, &name, 1, piped, opts, lost);
}

/* The capture fails to unpack, from a file and from a pipe, with this
 * message (NAME standing for the input's name) of class CORRUPT, and
 * what the stream got is no whole stream. */
static void fails(const struct bytes *c, const char *message)
{
	for (int piped = 0; piped < 2; piped++) {
		char want[1024];

		snprintf(want, sizeof(want), "%s%s", piped ? "stdin" : "cap", message);
		unpack_fails(c, "cap", piped, KDL_ERR_CORRUPT, want);
	}
}

/* Ranges as LiME writes them from /proc/iomem: one of whole pages, zero
 * pages among them; one that ends off a page boundary (x86's 0x9fbff);
 * one larger than a pipe holds at once. */
static void test_ranges(void)
{
	static const char want[] =
		"SEGMENT 0x1000 0x1000 16384\nDATA 4096\nZERO 8192\nDATA 4096\nEND 16384\n"
		"SEGMENT 0x9f000 0x9f000 3072\nDATA 3072\nEND 3072\n"
		"SEGMENT 0x100000 0x100000 262144\nDATA 262144\nEND 262144\n";
	uint8_t *low = pattern(16384, 1), *edge = pattern(3072, 2), *big = pattern(262144, 3);
	uint8_t *all = malloc(16384 + 3072 + 262144);
	struct bytes c = {0};

	if (!CHECK(low && edge && big && all))
		goto out;
	memset(low + 4096, 0, 8192);
	range(&c, 0x1000, low, 16384);
	range(&c, 0x9f000, edge, 3072);
	range(&c, 0x100000, big, 262144);
	memcpy(all, low, 4096);
	memcpy(all + 4096, low + 12288, 4096);
	memcpy(all + 8192, edge, 3072);
	memcpy(all + 11264, big, 262144);
	for (int piped = 0; piped < 2; piped++) {
		char *lines;

		if (!CHECK_EQ(unpack(&c, piped, NULL, NULL), 0))
			fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
		CHECK_STR(warning, piped ? "stdin: like every LiME capture, it holds no VMCOREINFO and names no architecture: add the VMCOREINFO with vmc-note --vmcoreinfo FILE (crash and drgn need it), and name the machine with vmc-pack --arch\n"
		                         : "cap: like every LiME capture, it holds no VMCOREINFO and names no architecture: add the VMCOREINFO with vmc-note --vmcoreinfo FILE (crash and drgn need it), and name the machine with vmc-pack --arch\n");
		lines = stream_lines();
		CHECK_STR(lines, want);
		if (CHECK_EQ(unpacked_len, 4096 + 4096 + 3072 + 262144))
			CHECK_MEM(unpacked_bytes, all, unpacked_len);
		free(lines);
	}
out:
	free(low);
	free(edge);
	free(big);
	free(all);
	free(c.p);
}

/* A range that touches the one before it is a range of its own; --phys
 * cuts them as any input's segments. */
static void test_adjacent_and_cut(void)
{
	uint8_t *a = pattern(8192, 4), *b = pattern(4096, 5);
	struct kdl_range keep = {0x2000, 0x3fff};
	struct kdl_unpack_options opts = {.ranges = &keep, .nranges = 1};
	struct bytes c = {0};
	char *lines;

	if (!CHECK(a && b))
		goto out;
	range(&c, 0x1000, a, 8192);
	range(&c, 0x3000, b, 4096);
	CHECK_EQ(unpack(&c, false, NULL, NULL), 0);
	lines = stream_lines();
	CHECK_STR(lines, "SEGMENT 0x1000 0x1000 8192\nDATA 8192\nEND 8192\n"
	                 "SEGMENT 0x3000 0x3000 4096\nDATA 4096\nEND 4096\n");
	free(lines);
	CHECK_EQ(unpack(&c, true, &opts, NULL), 0);
	lines = stream_lines();
	CHECK_STR(lines, "SEGMENT 0x2000 0x2000 4096\nDATA 4096\nEND 4096\n"
	                 "SEGMENT 0x3000 0x3000 4096\nDATA 4096\nEND 4096\n");
	if (CHECK_EQ(unpacked_len, 8192)) {
		CHECK_MEM(unpacked_bytes, a + 4096, 4096);
		CHECK_MEM(unpacked_bytes + 4096, b, 4096);
	}
	free(lines);
out:
	free(a);
	free(b);
	free(c.p);
}

/* format=raw and format=padded have no headers: not told for LiME by
 * their magic, and refused, with what reads them, when named. */
static void test_raw_refused(void)
{
	struct kdl_unpack_options lime = {.format = "lime"};
	uint8_t *raw = pattern(8192, 6);
	struct bytes padded = {0}, c = {0};
	static const char refusal[] =
		": no LiME range header at byte 0, so not LiME's format=lime; its format=raw and format=padded hold no addresses: a padded capture is memory from physical address 0 (vmc-seg --phys 0 FILE), a raw one needs the ranges it was taken from (vmc-seg --phys ADDR --offset N --length N for each)";
	char want[600];

	if (!CHECK(raw))
		return;
	append(&c, raw, 8192);
	append(&padded, (uint8_t[4096]){0}, 4096);
	append(&padded, raw, 4096);
	CHECK(kdl_input_detect(raw, 8192) == NULL);
	CHECK(kdl_input_detect(padded.p, padded.n) == NULL);
	for (int piped = 0; piped < 2; piped++) {
		snprintf(want, sizeof(want), "%s%s", piped ? "stdin" : "cap", refusal);
		CHECK_EQ(unpack(&c, piped, &lime, NULL), -1);
		CHECK_STR(kdl_ctx_error(ctx), want);
		CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
		CHECK_EQ(unpack(&padded, piped, &lime, NULL), -1);
		CHECK_STR(kdl_ctx_error(ctx), want);
	}
	/* without --format, the driver's refusal */
	CHECK_EQ(unpack(&c, false, NULL, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "cap: not a dump or capture that can be read (known: elf kdump flat lime avml); raw memory goes through vmc-seg");
	free(raw);
	free(padded.p);
	free(c.p);
}

/* Each header that cannot be right, after a good range. */
static void test_bad_headers(void)
{
	uint8_t *page = pattern(4096, 7);
	struct bytes c;

	if (!CHECK(page))
		return;
	/* ends before it starts */
	c = (struct bytes){0};
	range(&c, 0x1000, page, 4096);
	header(&c, LIME_MAGIC, 1, 0x3000, 0x2fff);
	fails(&c, ": at byte 4128: LiME range 0x3000-0x2fff ends before it starts");
	free(c.p);
	/* another header in the middle: AVML's, or none at all */
	c = (struct bytes){0};
	range(&c, 0x1000, page, 4096);
	header(&c, 0x4C4D5641, 2, 0x3000, 0x3fff);
	append(&c, page, 4096);
	fails(&c, ": at byte 4128: no LiME range header here: magic 0x4c4d5641, version 2, not 0x4c694d45, version 1");
	free(c.p);
	c = (struct bytes){0};
	range(&c, 0x1000, page, 4096);
	header(&c, LIME_MAGIC, 2, 0x3000, 0x3fff);
	fails(&c, ": at byte 4128: no LiME range header here: magic 0x4c694d45, version 2, not 0x4c694d45, version 1");
	free(c.p);
	/* overlapping, and going back */
	c = (struct bytes){0};
	range(&c, 0x1000, page, 4096);
	range(&c, 0x1800, page, 4096);
	fails(&c, ": at byte 4128: LiME range 0x1800-0x27ff comes after range 0x1000-0x1fff: the ranges of a capture, read in the order they come, must ascend without overlapping");
	free(c.p);
	c = (struct bytes){0};
	range(&c, 0x10000, page, 4096);
	range(&c, 0x1000, page, 4096);
	fails(&c, ": at byte 4128: LiME range 0x1000-0x1fff comes after range 0x10000-0x10fff: the ranges of a capture, read in the order they come, must ascend without overlapping");
	free(c.p);
	/* 2^64 bytes */
	c = (struct bytes){0};
	header(&c, LIME_MAGIC, 1, 0, UINT64_MAX);
	append(&c, page, 4096);
	fails(&c, ": at byte 0: LiME range 0x0-0xffffffffffffffff covers the whole address space, more than a capture can hold");
	free(c.p);
	free(page);
}

/* Cut short anywhere: in a header, in a range's bytes; and a range
 * longer than the file (from a pipe, found where the pipe ends). */
static void test_truncated(void)
{
	uint8_t *bytes = pattern(12288, 8);
	struct bytes c = {0};

	if (!CHECK(bytes))
		return;
	range(&c, 0x1000, bytes, 4096);
	range(&c, 0x100000, bytes, 8192);
	c.n = 4128 + 20;
	fails(&c, ": truncated: it ends at byte 4148, inside a range header");
	c.n = 4128 + 32 + 5000;
	fails(&c, ": truncated: it ends at byte 9160, inside range 0x100000-0x101fff, whose 8192 bytes start at byte 4160");
	/* the head a pipe's format is told by is 4096 bytes: cut inside it too */
	c.n = 1000;
	fails(&c, ": truncated: it ends at byte 1000, inside range 0x1000-0x1fff, whose 4096 bytes start at byte 32");
	c.n = 20;
	fails(&c, ": truncated: it ends at byte 20, inside a range header");
	free(c.p);
	c = (struct bytes){0};
	header(&c, LIME_MAGIC, 1, 0x1000, 0xffffffffffff);
	append(&c, bytes, 12288);
	fails(&c, ": truncated: it ends at byte 12320, inside range 0x1000-0xffffffffffff, whose 281474976706560 bytes start at byte 32");
	free(c.p);
	free(bytes);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	kdl_ctx_set_warn(ctx, collect_warnings, &warning);
	test_ranges();
	test_adjacent_and_cut();
	test_raw_refused();
	test_bad_headers();
	test_truncated();
	free(warning);
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/lime");
}
