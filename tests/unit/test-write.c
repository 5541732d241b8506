/* write.c: kdl_dump_write reads each segment from its source, and leaves
 * no file when it fails. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

/* The file offset of the PT_LOAD at phys, or 0. */
static uint64_t load_offset(const uint8_t *f, uint64_t phys)
{
	unsigned phnum = (unsigned)(f[56] | f[57] << 8);

	for (unsigned i = 1; i < phnum; i++) {
		const uint8_t *p = f + 64 + 56 * i;

		if (kdl_get64le(p + 24) == phys)
			return kdl_get64le(p + 8);
	}
	return 0;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * seed + i / 256 + seed);
}

static void test_sources(void)
{
	static uint8_t buf[3000], file[20000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char src[4096], out[4096];
	uint8_t *f;
	size_t len;
	uint64_t off;
	int fd;

	if (!CHECK(d))
		return;
	fill(buf, sizeof(buf), 3);
	fill(file, sizeof(file), 5);
	write_file(scratch_path("src", src, sizeof(src)), file, sizeof(file));
	fd = open(src, O_RDONLY);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, buf, sizeof(buf)), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x10000, 0x10000, src, 100, 5000), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x20000, 0x20000, src, 19000, KDL_LEN_ALL), 0);
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x30000, 0x30000, fd, 7, 12345), 0);
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x40000, 0x40000, fd, 0, KDL_LEN_ALL), 0);
	/* the descriptor is read where the segment says, whatever its
	 * position */
	CHECK_EQ(lseek(fd, 999, SEEK_SET), 999);
	CHECK_EQ(kdl_dump_write(d, scratch_path("out", out, sizeof(out)), "elf", NULL), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 999);
	f = read_file(out, &len);
	if (CHECK(f)) {
		off = load_offset(f, 0x1000);
		CHECK(off && off + sizeof(buf) <= len && !memcmp(f + off, buf, sizeof(buf)));
		off = load_offset(f, 0x10000);
		CHECK(off && off + 5000 <= len && !memcmp(f + off, file + 100, 5000));
		off = load_offset(f, 0x20000);
		CHECK(off && off + 1000 <= len && !memcmp(f + off, file + 19000, 1000));
		off = load_offset(f, 0x30000);
		CHECK(off && off + 12345 <= len && !memcmp(f + off, file + 7, 12345));
		off = load_offset(f, 0x40000);
		CHECK(off && off + sizeof(file) <= len && !memcmp(f + off, file, sizeof(file)));
	}
	free(f);
	/* the descriptor stays the caller's */
	CHECK_EQ(close(fd), 0);
	kdl_dump_free(d);
}

static void test_rewrite(void)
{
	static uint8_t a[5000], b[100];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char one[4096], two[4096];
	uint8_t *x, *y;
	size_t xl, yl;

	if (!CHECK(d))
		return;
	fill(a, sizeof(a), 7);
	fill(b, sizeof(b), 9);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x9000, 0x9000, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("one", one, sizeof(one)), "elf", NULL), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x10, 0x10, b, sizeof(b)), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("two", two, sizeof(two)), "elf", NULL), 0);
	/* an existing file is replaced whole */
	CHECK_EQ(kdl_dump_write(d, one, "elf", NULL), 0);
	x = read_file(one, &xl);
	y = read_file(two, &yl);
	if (CHECK(x && y) && CHECK_EQ(xl, yl))
		CHECK_MEM(x, y, xl);
	if (y) {
		CHECK_EQ(load_offset(y, 0x10), 4096 + 0x10);
		CHECK_MEM(y + 4096 + 0x10, b, sizeof(b));
		CHECK_MEM(y + 2 * 4096 + 0x9000 % 4096, a, sizeof(a));
	}
	free(x);
	free(y);
	kdl_dump_free(d);
}

static void test_overlap_leaves_nothing(void)
{
	static uint8_t a[0x3000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096];
	int before = scratch_entries();

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x10000, 0x10000, a, 0x1000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x2000, 0x2000, a, 0x3000), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x4000, 0x4000, a, 0x1000), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("overlap", path, sizeof(path)), "elf", NULL), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment 0x2000-0x4fff overlaps segment 0x4000-0x4fff");
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ(scratch_entries(), before);
	kdl_dump_free(d);
}

static void test_shrunk_source_leaves_nothing(void)
{
	static uint8_t file[10000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char src[4096], out[4096], want[8192];
	int before;

	if (!CHECK(d))
		return;
	write_file(scratch_path("shrinks", src, sizeof(src)), file, sizeof(file));
	before = scratch_entries();
	CHECK_EQ(kdl_dump_add_segment_path(d, 0, 0, src, 0, KDL_LEN_ALL), 0);
	CHECK_EQ(truncate(src, 6000), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("shrunk", out, sizeof(out)), "elf", NULL), -1);
	snprintf(want, sizeof(want), "%s: shrank while being read (6000 of 10000 bytes)", src);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK(access(out, F_OK) != 0);
	CHECK_EQ(scratch_entries(), before);

	/* gone altogether */
	CHECK_EQ(unlink(src), 0);
	CHECK_EQ(kdl_dump_write(d, out, "elf", NULL), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", src);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(scratch_entries(), before - 1);
	kdl_dump_free(d);
}

static void test_top_of_address_space(void)
{
	static uint8_t a[8192];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096];
	uint8_t *f;
	size_t len;

	if (!CHECK(d))
		return;
	fill(a, sizeof(a), 11);
	/* accepted when added: it ends at the last byte there is */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0xffffffffffffe000, 0xffffffffffffe000, a, sizeof(a)), 0);
	if (!CHECK_EQ(kdl_dump_write(d, scratch_path("top", path, sizeof(path)), "elf", NULL), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	f = read_file(path, &len);
	if (f && CHECK_EQ(len, 4096 + sizeof(a))) {
		CHECK_EQ(load_offset(f, 0xffffffffffffe000), 4096);
		CHECK_MEM(f + 4096, a, sizeof(a));
	}
	free(f);
	kdl_dump_free(d);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_sources();
	test_rewrite();
	test_overlap_leaves_nothing();
	test_shrunk_source_leaves_nothing();
	test_top_of_address_space();
	kdl_ctx_free(ctx);
	return check_done("write");
}
