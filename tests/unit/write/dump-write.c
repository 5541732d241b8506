/* write/dump-write.c: kdl_dump_write reads each segment from where it was
 * given, writes one dump as often and in as many formats as asked, and
 * leaves no file when it fails; kdl_dump_stats lays the dump out only. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "write-check.h"

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
	uint8_t *f, *p;
	size_t len, n;
	int fd;

	if (!CHECK(d))
		return;
	fill(buf, sizeof(buf), 3);
	fill(file, sizeof(file), 5);
	write_file(scratch_path("src", src, sizeof(src)), file, sizeof(file));
	fd = open(src, O_RDONLY);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, buf, sizeof(buf)), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x10000, 0x10000, src, 100, 5000), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x20000, 0x20000, src, 19000, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x30000, 0x30000, fd, 7, 12345), 0);
	CHECK_EQ(kdl_dump_add_segment_fd(d, 0x40000, 0x40000, fd, 0, KDL_LENGTH_UNKNOWN), 0);
	/* the descriptor is read where the segment says, whatever its
	 * position */
	CHECK_EQ(lseek(fd, 999, SEEK_SET), 999);
	CHECK_EQ(kdl_dump_write(d, scratch_path("out", out, sizeof(out)), NULL, NULL), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 999);
	f = read_file(out, &len);
	if (CHECK(f)) {
		p = load_at(f, len, 0x1000, &n);
		CHECK(p && n == sizeof(buf) && !memcmp(p, buf, sizeof(buf)));
		p = load_at(f, len, 0x10000, &n);
		CHECK(p && n == 5000 && !memcmp(p, file + 100, 5000));
		p = load_at(f, len, 0x20000, &n);
		CHECK(p && n == 1000 && !memcmp(p, file + 19000, 1000));
		p = load_at(f, len, 0x30000, &n);
		CHECK(p && n == 12345 && !memcmp(p, file + 7, 12345));
		p = load_at(f, len, 0x40000, &n);
		CHECK(p && n == sizeof(file) && !memcmp(p, file, sizeof(file)));
	}
	free(f);
	/* the descriptor stays the caller's */
	CHECK_EQ(close(fd), 0);
	kdl_dump_free(d);
}

/* One dump written as ELF, as kdump, and as ELF again over a file that
 * was there: each write stands alone. */
static void test_rewrite(void)
{
	static uint8_t a[5000], b[100], big[40000];
	kdl_dump *d = kdl_dump_new(ctx, NULL), *other = kdl_dump_new(ctx, NULL);
	struct kdl_options kd;
	struct kdl_stats st;
	char one[4096], two[4096], k1[4096], k2[4096];
	uint8_t *x, *y;
	size_t xl, yl, n;

	if (!CHECK(d && other))
		goto out;
	fill(a, sizeof(a), 7);
	fill(b, sizeof(b), 9);
	/* a larger file where the dump will go */
	CHECK_EQ(kdl_dump_add_segment_buffer(other, 0, 0, big, sizeof(big)), 0);
	CHECK_EQ(kdl_dump_write(other, scratch_path("one", one, sizeof(one)), NULL, NULL), 0);

	kdl_options_init(&kd);
	kd.format = "kdump";
	kd.has_timestamp = 1;
	kd.timestamp = 1600000000;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x9000, 0x9000, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x10, 0x10, b, sizeof(b)), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("k1", k1, sizeof(k1)), &kd, NULL), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("two", two, sizeof(two)), NULL, NULL), 0);
	CHECK_EQ(kdl_dump_write(d, scratch_path("k2", k2, sizeof(k2)), &kd, &st), 0);
	CHECK_STR(st.format, "kdump");
	/* an existing file is replaced whole */
	CHECK_EQ(kdl_dump_write(d, one, NULL, &st), 0);
	CHECK_STR(st.format, "elf");
	CHECK_EQ(st.actual_size, 4 * 4096);
	x = read_file(one, &xl);
	y = read_file(two, &yl);
	if (CHECK(x && y) && CHECK_EQ(xl, yl))
		CHECK_MEM(x, y, xl);
	if (y && CHECK_EQ(yl, 4 * 4096)) {
		CHECK(load_at(y, yl, 0x10, &n) == y + 4096 + 0x10);
		CHECK_MEM(y + 4096 + 0x10, b, sizeof(b));
		CHECK(load_at(y, yl, 0x9000, &n) == y + 2 * 4096);
		CHECK_MEM(y + 2 * 4096, a, sizeof(a));
	}
	free(x);
	free(y);
	/* the ELF write between the two changed nothing of the kdump */
	x = read_file(k1, &xl);
	y = read_file(k2, &yl);
	if (CHECK(x && y) && CHECK_EQ(xl, yl) && CHECK_MEM(x, y, xl) && CHECK(xl > 416))
		CHECK_EQ(kdl_get64le(x + 408), 1600000000);
	free(x);
	free(y);
	/* written, the dump is settled */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, b, sizeof(b)), -1);
	check_error(KDL_ERR_INVALID, "the dump cannot change once it is frozen (laid out or written)");
	CHECK_EQ(kdl_dump_segment_count(d), 2);
out:
	kdl_dump_free(d);
	kdl_dump_free(other);
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
	CHECK_EQ(kdl_dump_write(d, scratch_path("overlap", path, sizeof(path)), NULL, NULL), -1);
	check_error(KDL_ERR_INVALID, "segment 0x2000-0x4fff overlaps segment 0x4000-0x4fff");
	CHECK(!exists(path));
	CHECK_EQ(scratch_entries(), before);
	kdl_dump_free(d);
}

/* Writes that fail for what they were given, before or after the file
 * was begun: nothing at the path. */
static void test_failures_leave_nothing(void)
{
	static uint8_t a[4096];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_options o;
	struct kdl_stats st;
	char path[4096], want[8192];
	int before = scratch_entries();

	if (!CHECK(d))
		return;
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x1000, 0x1000, a, sizeof(a)), 0);
	CHECK_EQ(kdl_dump_write(d, NULL, NULL, NULL), -1);
	check_error(KDL_ERR_INVALID, "no path to write the dump to");

	kdl_options_init(&o);
	o.format = "qcow";
	CHECK_EQ(kdl_dump_write(d, scratch_path("fmt", path, sizeof(path)), &o, NULL), -1);
	check_error(KDL_ERR_INVALID, "unknown format 'qcow' (known: elf kdump)");
	CHECK(!exists(path));
	CHECK_EQ(kdl_dump_stats(d, &o, &st), -1);
	check_error(KDL_ERR_INVALID, "unknown format 'qcow' (known: elf kdump)");

	/* the elf format needs a file it can go back into */
	kdl_options_init(&o);
	o.flat = 1;
	CHECK_EQ(kdl_dump_write(d, path, &o, NULL), -1);
	snprintf(want, sizeof(want), "%s: the elf format cannot be flattened: its headers are written last; give a file name, or use the kdump format", path);
	check_error(KDL_ERR_INVALID, want);
	CHECK(!exists(path));

	/* a directory that is not there */
	scratch_path("no-dir/dump", path, sizeof(path));
	CHECK_EQ(kdl_dump_write(d, path, NULL, NULL), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	check_error(KDL_ERR_IO, want);
	/* a directory where the file would be */
	scratch_path("", path, sizeof(path));
	CHECK_EQ(kdl_dump_write(d, path, NULL, NULL), -1);
	snprintf(want, sizeof(want), "%s: Is a directory", path);
	check_error(KDL_ERR_IO, want);
	CHECK_EQ(scratch_entries(), before);
	kdl_dump_free(d);
}

/* A file that shrank between the segment's adding and the write: each
 * format reads it its own way (ELF copies, kdump reads), and both leave
 * nothing behind. */
static void test_shrunk_source_leaves_nothing(void)
{
	const char *formats[] = {"elf", "kdump"};
	static uint8_t file[10000];
	struct kdl_options o;
	char src[4096], out[4096], want[8192];
	int before;

	kdl_options_init(&o);
	scratch_path("shrinks", src, sizeof(src));
	for (size_t i = 0; i < 2; i++) {
		kdl_dump *d = kdl_dump_new(ctx, NULL);

		if (!CHECK(d))
			return;
		fill(file, sizeof(file), 13);
		write_file(src, file, sizeof(file));
		before = scratch_entries();
		o.format = formats[i];
		CHECK_EQ(kdl_dump_add_segment_path(d, 0, 0, src, 0, KDL_LENGTH_UNKNOWN), 0);
		CHECK_EQ(truncate(src, 6000), 0);
		CHECK_EQ(kdl_dump_write(d, scratch_path("shrunk", out, sizeof(out)), &o, NULL), -1);
		snprintf(want, sizeof(want), "%s: shrank while being read (6000 of 10000 bytes)", src);
		check_error(KDL_ERR_CORRUPT, want);
		CHECK(!exists(out));
		CHECK_EQ(scratch_entries(), before);

		/* gone altogether */
		CHECK_EQ(unlink(src), 0);
		CHECK_EQ(kdl_dump_write(d, out, &o, NULL), -1);
		snprintf(want, sizeof(want), "%s: No such file or directory", src);
		check_error(KDL_ERR_IO, want);
		CHECK(!exists(out));
		CHECK_EQ(scratch_entries(), before - 1);
		kdl_dump_free(d);
	}
}

static void test_top_of_address_space(void)
{
	static uint8_t a[8192];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	char path[4096];
	uint8_t *f;
	size_t len, n;

	if (!CHECK(d))
		return;
	fill(a, sizeof(a), 11);
	/* accepted when added: it ends at the last byte there is */
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0xffffffffffffe000, 0xffffffffffffe000, a, sizeof(a)), 0);
	if (!CHECK_EQ(kdl_dump_write(d, scratch_path("top", path, sizeof(path)), NULL, NULL), 0))
		fprintf(stderr, "  error: %s\n", kdl_ctx_error(ctx));
	f = read_file(path, &len);
	if (f && CHECK_EQ(len, 4096 + sizeof(a))) {
		CHECK(load_at(f, len, 0xffffffffffffe000, &n) == f + 4096);
		CHECK_MEM(f + 4096, a, sizeof(a));
	}
	free(f);
	kdl_dump_free(d);
}

/* kdl_dump_stats lays the dump out: no file, no bytes read, and the dump
 * frozen as a write would leave it. */
static void test_stats(void)
{
	static const uint8_t bytes[5000];
	kdl_dump *d = kdl_dump_new(ctx, NULL);
	struct kdl_prstatus s = {0};
	struct kdl_options o;
	struct kdl_stats st;
	char src[4096];
	int before;

	if (!CHECK(d))
		return;
	write_file(scratch_path("stats-src", src, sizeof(src)), bytes, 10);
	before = scratch_entries();
	CHECK_EQ(kdl_dump_add_segment_buffer(d, 0x100000, 0x100000, bytes, 5000), 0);
	CHECK_EQ(kdl_dump_add_segment_path(d, 0x1800, 0x1800, src, 0, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_dump_add_cpu(d, &s, NULL, 0), 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "OSRELEASE=1", 11), 0);
	/* the file is not read: it may be gone */
	CHECK_EQ(unlink(src), 0);
	memset(&st, 0xa5, sizeof(st));
	CHECK_EQ(kdl_dump_stats(d, NULL, &st), 0);
	CHECK_STR(st.arch, "x86_64");
	CHECK_STR(st.format, "elf");
	CHECK_EQ(st.segments, 2);
	CHECK_EQ(st.cpus, 1);
	CHECK_EQ(st.total_memory, 5010);
	CHECK_EQ(st.vmcoreinfo_size, 12);
	/* a page of headers, a page of notes, 2 pages + 1 page of data */
	CHECK_EQ(st.estimated_size, 5 * 4096);
	CHECK_EQ(st.actual_size, 0);
	CHECK_EQ(st.written, 0);
	CHECK(st.codec == NULL);
	CHECK_EQ(scratch_entries(), before - 1);

	kdl_options_init(&o);
	o.format = "kdump";
	CHECK_EQ(kdl_dump_stats(d, &o, &st), 0);
	CHECK_STR(st.format, "kdump");
	CHECK_STR(st.codec, "zlib");
	CHECK_EQ(st.level, 6);
	CHECK_EQ(st.dump_level, 1);
	CHECK_EQ(st.pages_total, 3);
	CHECK_EQ(st.pages_dumped, 0);
	CHECK_EQ(st.compressed_size, 0);
	CHECK_EQ(st.written, 0);
	CHECK_EQ(kdl_dump_set_vmcoreinfo(d, "A=1", 3), -1);
	check_error(KDL_ERR_INVALID, "the dump cannot change once it is frozen (laid out or written)");
	CHECK_EQ(scratch_entries(), before - 1);
	kdl_dump_free(d);
}

int main(void)
{
	if (!write_setup())
		return 1;
	test_sources();
	test_rewrite();
	test_overlap_leaves_nothing();
	test_failures_leave_nothing();
	test_shrunk_source_leaves_nothing();
	test_top_of_address_space();
	test_stats();
	kdl_ctx_free(ctx);
	return check_done("write/dump-write");
}
