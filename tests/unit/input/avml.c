/* input/avml.c: an AVML capture's ranges, each a snappy frame stream and
 * its length, as segments, from a file and from a pipe; every kind of
 * chunk; a chunk that fails its CRC or does not decompress lost alone
 * (and left out with --keep-going); a stream that cannot be followed
 * said with the file, the byte and the problem.  The captures are built
 * here with libsnappy's raw blocks and a CRC-32C of the test's own. */
#include <snappy-c.h>

#include "input-check.h"

#define AVML_MAGIC 0x4C4D5641

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

/* CRC-32C bit by bit, apart from the library's table */
static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFF;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82F63B78 & -(c & 1));
	}
	return ~c;
}

static uint32_t masked_crc(const uint8_t *p, size_t n)
{
	uint32_t c = crc32c(p, n);

	return ((c >> 15) | (c << 17)) + 0xA282EAD8;
}

static void chunk(struct bytes *c, uint8_t type, const void *body, size_t n)
{
	uint8_t h[4] = {type, (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16)};

	append(c, h, 4);
	append(c, body, n);
}

static void stream_id(struct bytes *c)
{
	chunk(c, 0xff, "sNaPpY", 6);
}

/* A data chunk of these bytes, compressed (type 0) or stored (1), with
 * crc as its CRC. */
static void data_with_crc(struct bytes *c, uint8_t type, const uint8_t *data,
                          size_t n, uint32_t crc)
{
	size_t cap = snappy_max_compressed_length(n), zn = cap;
	uint8_t *body = malloc(4 + cap);

	if (!body)
		abort();
	kdl_put32(body, crc, false);
	if (type == 0x00) {
		if (snappy_compress((const char *)data, n, (char *)body + 4, &zn) != SNAPPY_OK)
			abort();
	} else {
		memcpy(body + 4, data, n);
		zn = n;
	}
	chunk(c, type, body, 4 + zn);
	free(body);
}

static void data(struct bytes *c, uint8_t type, const uint8_t *bytes, size_t n)
{
	data_with_crc(c, type, bytes, n, masked_crc(bytes, n));
}

/* The frame stream's length, for a range whose stream began at begin. */
static void trailer(struct bytes *c, size_t begin)
{
	uint8_t len[8];

	kdl_put64(len, c->n - begin, false);
	append(c, len, 8);
}

/* A range as AVML writes it: its header, the stream identifier, its
 * bytes compressed 64 KiB at a time, the frame stream's length. */
static void range(struct bytes *c, uint64_t start, const uint8_t *bytes, size_t n)
{
	size_t begin;

	header(c, AVML_MAGIC, 2, start, start + n - 1);
	begin = c->n;
	stream_id(c);
	for (size_t done = 0; done < n; done += 65536)
		data(c, 0x00, bytes + done, n - done < 65536 ? n - done : 65536);
	trailer(c, begin);
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(i * 7 + i / 251 + seed) | 1;
	return p;
}

static const char no_vmcoreinfo[] =
	": like every AVML capture, it holds no VMCOREINFO and names no architecture: add the VMCOREINFO with vmc-note --vmcoreinfo FILE (crash and drgn need it), and name the machine with vmc-pack --arch\n";

static int unpack(const struct bytes *c, bool piped,
                  const struct kdl_unpack_options *opts, uint64_t *lost)
{
	static const char *const name = "cap";

	return unpack_inputs(c, &name, 1, piped, opts, lost);
}

/* From a file and from a pipe: this message (after the input's name),
 * class CORRUPT, and no whole stream. */
static void fails(const struct bytes *c, const char *message)
{
	for (int piped = 0; piped < 2; piped++) {
		char want[1024];

		snprintf(want, sizeof(want), "%s%s", piped ? "stdin" : "cap", message);
		unpack_fails(c, "cap", piped, KDL_ERR_CORRUPT, want);
	}
}

/* The test's CRC is the one the format means. */
static void test_crc(void)
{
	CHECK_EQ(crc32c((const uint8_t *)"123456789", 9), 0xE3069283);
	CHECK_EQ(crc32c((const uint8_t[32]){0}, 32), 0x8A9136AA);
}

/* Two ranges as AVML writes them, the first of three chunks, the last
 * one short, with zero pages among them; read the same from a pipe. */
static void test_ranges(void)
{
	static const char want[] =
		"SEGMENT 0x1000 0x1000 163840\nDATA 65536\nZERO 65536\nDATA 32768\nEND 163840\n"
		"SEGMENT 0x100000 0x100000 3072\nDATA 3072\nEND 3072\n";
	uint8_t *low = pattern(163840, 1), *edge = pattern(3072, 2);
	uint8_t *all = malloc(65536 + 32768 + 3072);
	struct bytes c = {0};
	char want_warning[400];

	if (!CHECK(low && edge && all))
		goto out;
	memset(low + 65536, 0, 65536);
	range(&c, 0x1000, low, 163840);
	range(&c, 0x100000, edge, 3072);
	memcpy(all, low, 65536);
	memcpy(all + 65536, low + 131072, 32768);
	memcpy(all + 98304, edge, 3072);
	CHECK_STR(kdl_input_detect(c.p, c.n)->name, "avml");
	for (int piped = 0; piped < 2; piped++) {
		char *lines;

		if (!CHECK_EQ(unpack(&c, piped, NULL, NULL), 0))
			fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
		snprintf(want_warning, sizeof(want_warning), "%s%s", piped ? "stdin" : "cap", no_vmcoreinfo);
		CHECK_STR(warning, want_warning);
		lines = stream_lines();
		CHECK_STR(lines, want);
		if (CHECK_EQ(unpacked_len, 65536 + 32768 + 3072))
			CHECK_MEM(unpacked_bytes, all, unpacked_len);
		free(lines);
	}
out:
	free(low);
	free(edge);
	free(all);
	free(c.p);
}

/* Chunks of every kind the framing allows: stored ones, padding and
 * skippable chunks passed over, the stream identifier again (streams
 * concatenated), chunks of any size up to 64 KiB. */
static void test_chunk_kinds(void)
{
	uint8_t *bytes = pattern(12288, 3);
	struct bytes c = {0};
	size_t begin;
	char *lines;

	if (!CHECK(bytes))
		return;
	header(&c, AVML_MAGIC, 2, 0x5000, 0x5000 + 12288 - 1);
	begin = c.n;
	stream_id(&c);
	data(&c, 0x01, bytes, 100);
	chunk(&c, 0xfe, (uint8_t[300]){0}, 300);
	data(&c, 0x00, bytes + 100, 5000);
	chunk(&c, 0x80, "skip me", 7);
	stream_id(&c);
	data(&c, 0x01, bytes + 5100, 0);
	data(&c, 0x00, bytes + 5100, 12288 - 5100);
	trailer(&c, begin);
	for (int piped = 0; piped < 2; piped++) {
		CHECK_EQ(unpack(&c, piped, NULL, NULL), 0);
		lines = stream_lines();
		CHECK_STR(lines, "SEGMENT 0x5000 0x5000 12288\nDATA 100\nDATA 3996\nDATA 1004\nDATA 3092\nDATA 4096\nEND 12288\n");
		if (CHECK_EQ(unpacked_len, 12288))
			CHECK_MEM(unpacked_bytes, bytes, 12288);
		free(lines);
	}
	free(bytes);
	free(c.p);
}

/* Three chunks, the middle one damaged as given: lost alone, the read
 * failing with a message naming it, or with --keep-going going on
 * without it. */
enum damage { WRONG_CRC, STORED_CHANGED, NO_DECOMPRESS };

static void damaged_middle(enum damage how)
{
	/* its length, 65536, then a copy from before the first byte */
	static const uint8_t bad[] = {0, 0, 0, 0, 0x80, 0x80, 0x04, 0x01, 0x10};
	uint8_t *bytes = pattern(3 * 65536, 4);
	struct kdl_unpack_options keep = {.keep_going = 1};
	struct bytes c = {0};
	char message[512], warned[1000];
	uint64_t lost = 0;
	size_t begin, middle;

	if (!CHECK(bytes))
		return;
	header(&c, AVML_MAGIC, 2, 0x1000, 0x1000 + 3 * 65536 - 1);
	begin = c.n;
	stream_id(&c);
	data(&c, 0x00, bytes, 65536);
	middle = c.n;
	if (how == WRONG_CRC)
		data_with_crc(&c, 0x00, bytes + 65536, 65536, 0x12345678);
	else if (how == STORED_CHANGED)
		data_with_crc(&c, 0x01, bytes + 65536, 65536, masked_crc(bytes, 65536));
	else
		chunk(&c, 0x00, bad, sizeof(bad));
	data(&c, 0x00, bytes + 131072, 65536);
	trailer(&c, begin);
	if (how == NO_DECOMPRESS)
		snprintf(message, sizeof(message), ": at byte %zu: the snappy chunk of range 0x1000-0x30fff does not decompress", middle);
	else
		snprintf(message, sizeof(message), ": at byte %zu: the snappy chunk of range 0x1000-0x30fff fails its CRC-32C (0x%08x stored, 0x%08x computed)",
		         middle, how == WRONG_CRC ? 0x12345678 : masked_crc(bytes, 65536), masked_crc(bytes + 65536, 65536));
	fails(&c, message);
	for (int piped = 0; piped < 2; piped++) {
		char *lines;

		const char *name = piped ? "stdin" : "cap";

		snprintf(warned, sizeof(warned), "%s%s; 65536 bytes at 0x11000 left out\n%s%s", name, message, name, no_vmcoreinfo);
		if (!CHECK_EQ(unpack(&c, piped, &keep, &lost), 0))
			fprintf(stderr, "  %s\n", kdl_ctx_error(ctx));
		CHECK_EQ(lost, 65536);
		CHECK_STR(warning, warned);
		lines = stream_lines();
		CHECK_STR(lines, "SEGMENT 0x1000 0x1000 ?\nDATA 65536\nEND 65536\n"
		                 "SEGMENT 0x21000 0x21000 ?\nDATA 65536\nEND 65536\n");
		if (CHECK_EQ(unpacked_len, 131072)) {
			CHECK_MEM(unpacked_bytes, bytes, 65536);
			CHECK_MEM(unpacked_bytes + 65536, bytes + 131072, 65536);
		}
		free(lines);
	}
	free(bytes);
	free(c.p);
}

static void test_damaged_chunks(void)
{
	damaged_middle(WRONG_CRC);
	damaged_middle(STORED_CHANGED);
	damaged_middle(NO_DECOMPRESS);
}

/* A range of n bytes at 0x1000 whose frame stream is what add puts
 * after its header (and its length, with trailed). */
static struct bytes broken(size_t n, void (*add)(struct bytes *c), bool trailed)
{
	struct bytes c = {0};
	size_t begin;

	header(&c, AVML_MAGIC, 2, 0x1000, 0x1000 + n - 1);
	begin = c.n;
	add(&c);
	if (trailed)
		trailer(&c, begin);
	return c;
}

static void no_identifier(struct bytes *c)
{
	data(c, 0x00, (const uint8_t *)"memory", 6);
}

static void wrong_identifier(struct bytes *c)
{
	chunk(c, 0xff, "sNaPpX", 6);
}

static void long_identifier(struct bytes *c)
{
	chunk(c, 0xff, "sNaPpYY", 7);
}

static void reserved_type(struct bytes *c)
{
	stream_id(c);
	chunk(c, 0x02, "data", 4);
}

static void chunk_too_long(struct bytes *c)
{
	uint8_t h[4] = {0x00, 0xcf, 0x2a, 0x01}; /* 76495 bytes */

	stream_id(c);
	append(c, h, 4);
}

static void chunk_too_short(struct bytes *c)
{
	stream_id(c);
	chunk(c, 0x01, "abc", 3);
}

static void block_too_big(struct bytes *c)
{
	uint8_t *bytes = pattern(65537, 9);

	stream_id(c);
	data(c, 0x01, bytes, 65537);
	free(bytes);
}

static void past_the_range(struct bytes *c)
{
	uint8_t *bytes = pattern(8192, 9);

	stream_id(c);
	data(c, 0x00, bytes, 8192);
	free(bytes);
}

static void length_unknown(struct bytes *c)
{
	stream_id(c);
	chunk(c, 0x00, "\0\0\0\0\xff\xff\xff\xff\xff\xff", 10);
}

static void test_broken_streams(void)
{
	static const struct {
		size_t n;
		void (*add)(struct bytes *c);
		const char *message;
	} cases[] = {
		{4096, no_identifier, ": at byte 32: the snappy data of range 0x1000-0x1fff does not begin with a stream identifier (chunk type 0x00)"},
		{4096, wrong_identifier, ": at byte 32: a snappy stream identifier that is not \"sNaPpY\" in range 0x1000-0x1fff"},
		{4096, long_identifier, ": at byte 32: a snappy stream identifier of 7 bytes, not 6, in range 0x1000-0x1fff"},
		{4096, reserved_type, ": at byte 42: a snappy chunk of reserved type 0x02 in range 0x1000-0x1fff, which cannot be passed over"},
		{4096, chunk_too_long, ": at byte 42: a snappy chunk of 76495 bytes in range 0x1000-0x1fff, more than any 65536 bytes compress to"},
		{4096, chunk_too_short, ": at byte 42: a snappy chunk of 3 bytes in range 0x1000-0x1fff, too short for its CRC"},
		{131072, block_too_big, ": at byte 42: the snappy chunk of range 0x1000-0x20fff holds 65537 bytes, more than a chunk may (65536)"},
		{4096, past_the_range, ": at byte 42: the snappy chunk of range 0x1000-0x1fff holds 8192 bytes, more than are left of the range"},
		{4096, length_unknown, ": at byte 42: the snappy chunk of range 0x1000-0x1fff does not tell its length"},
	};

	for (size_t i = 0; i < KDL_ARRAY_SIZE(cases); i++) {
		struct bytes c = broken(cases[i].n, cases[i].add, true);

		fails(&c, cases[i].message);
		free(c.p);
	}
}

/* The frame stream's length after it, wrong; a header after a range
 * that is not AVML's; ranges out of order. */
static void test_bad_framing(void)
{
	uint8_t *bytes = pattern(8192, 10);
	struct bytes c = {0};
	size_t end;
	char want[300];

	if (!CHECK(bytes))
		return;
	range(&c, 0x1000, bytes, 4096);
	end = c.n;
	kdl_put64(c.p + end - 8, 12345, false);
	snprintf(want, sizeof(want), ": at byte %zu: the snappy data of range 0x1000-0x1fff is %zu bytes, but the length after it says 12345",
	         end - 8, end - 8 - 32);
	fails(&c, want);
	free(c.p);
	c = (struct bytes){0};
	range(&c, 0x1000, bytes, 4096);
	end = c.n;
	header(&c, 0x4C694D45, 1, 0x2000, 0x2fff);
	append(&c, bytes, 4096);
	snprintf(want, sizeof(want), ": at byte %zu: no AVML range header here: magic 0x4c694d45, version 1, not 0x4c4d5641, version 2", end);
	fails(&c, want);
	free(c.p);
	c = (struct bytes){0};
	range(&c, 0x10000, bytes, 4096);
	end = c.n;
	range(&c, 0x1000, bytes, 8192);
	snprintf(want, sizeof(want), ": at byte %zu: AVML range 0x1000-0x2fff comes after range 0x10000-0x10fff: the ranges of a capture, read in the order they come, must ascend without overlapping", end);
	fails(&c, want);
	free(c.p);
	free(bytes);
}

/* Cut short in a chunk's header, in its bytes, in the length after the
 * stream; and a LiME capture named as AVML. */
static void test_truncated(void)
{
	uint8_t *bytes = pattern(4096, 11);
	struct kdl_unpack_options avml = {.format = "avml"};
	struct bytes c = {0}, lime = {0};
	size_t full;
	char want[300];

	if (!CHECK(bytes))
		return;
	range(&c, 0x1000, bytes, 4096);
	full = c.n;
	c.n = 32 + 10 + 2;
	fails(&c, ": truncated: it ends at byte 44, inside the snappy data of range 0x1000-0x1fff");
	c.n = 32 + 10 + 100;
	fails(&c, ": truncated: it ends at byte 142, inside the snappy data of range 0x1000-0x1fff");
	c.n = full - 3;
	snprintf(want, sizeof(want), ": truncated: it ends at byte %zu, inside the length after the snappy data of range 0x1000-0x1fff", full - 3);
	fails(&c, want);
	c.n = full;
	header(&lime, 0x4C694D45, 1, 0x1000, 0x1fff);
	append(&lime, bytes, 4096);
	CHECK_EQ(unpack(&lime, false, &avml, NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "cap: at byte 0: no AVML range header here: magic 0x4c694d45, version 1, not 0x4c4d5641, version 2");
	free(lime.p);
	free(c.p);
	free(bytes);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	kdl_ctx_set_warn(ctx, collect_warnings, &warning);
	test_crc();
	test_ranges();
	test_chunk_kinds();
	test_damaged_chunks();
	test_broken_streams();
	test_bad_framing();
	test_truncated();
	free(warning);
	free(unpacked_bytes);
	kdl_ctx_free(ctx);
	return check_done("input/avml");
}
