/* model/segment.c: segment checks, feeds, input lengths and opened bytes. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "model-check.h"

static kdl_ctx *ctx;

static void test_segment_check(void)
{
	CHECK_EQ(kdl_segment_check(ctx, 0x9000, 1), 0);
	CHECK_EQ(kdl_segment_check(ctx, 0x9000, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x9000: a segment cannot be empty");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_segment_check(ctx, UINT64_MAX - 2, 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0xfffffffffffffffd of 4 bytes goes past the end of the address space");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	/* up to the very last byte is fine */
	CHECK_EQ(kdl_segment_check(ctx, UINT64_MAX - 3, 4), 0);
	CHECK_EQ(kdl_segment_check(ctx, UINT64_MAX, 1), 0);
	CHECK_EQ(kdl_segment_check(ctx, 0, UINT64_MAX), 0);
	CHECK_EQ(kdl_segment_check(ctx, 1, UINT64_MAX), 0);
	CHECK_EQ(kdl_segment_check(ctx, 2, UINT64_MAX), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x2 of 18446744073709551615 bytes goes past the end of the address space");
}

/* Both orders give the same verdict; a message names its first argument
 * first. */
static void check_overlap_both_ways(struct kdl_segment_info a,
                                    struct kdl_segment_info b,
                                    const char *a_first, const char *b_first)
{
	if (!a_first) {
		CHECK_EQ(kdl_segment_check_overlap(ctx, &a, &b), 0);
		CHECK_EQ(kdl_segment_check_overlap(ctx, &b, &a), 0);
		return;
	}
	CHECK_EQ(kdl_segment_check_overlap(ctx, &a, &b), -1);
	CHECK_STR(kdl_ctx_error(ctx), a_first);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_segment_check_overlap(ctx, &b, &a), -1);
	CHECK_STR(kdl_ctx_error(ctx), b_first);
}

static void test_overlap(void)
{
	/* touching is not overlapping */
	check_overlap_both_ways((struct kdl_segment_info){0x1000, 0, 0x1000},
	                        (struct kdl_segment_info){0x2000, 0, 0x1000}, NULL, NULL);
	check_overlap_both_ways((struct kdl_segment_info){0x1000, 0, 1},
	                        (struct kdl_segment_info){0x9000, 0, 1}, NULL, NULL);
	check_overlap_both_ways((struct kdl_segment_info){0x2000, 0, 0x1000},
	                        (struct kdl_segment_info){0x2fff, 0, 2},
	                        "segment 0x2000-0x2fff overlaps segment 0x2fff-0x3000",
	                        "segment 0x2fff-0x3000 overlaps segment 0x2000-0x2fff");
	/* one inside the other, and the same start */
	check_overlap_both_ways((struct kdl_segment_info){0x1000, 0, 0x3000},
	                        (struct kdl_segment_info){0x2000, 0, 0x10},
	                        "segment 0x1000-0x3fff overlaps segment 0x2000-0x200f",
	                        "segment 0x2000-0x200f overlaps segment 0x1000-0x3fff");
	check_overlap_both_ways((struct kdl_segment_info){0x5000, 0, 1},
	                        (struct kdl_segment_info){0x5000, 0x5000, 0x1000},
	                        "segment 0x5000-0x5000 overlaps segment 0x5000-0x5fff",
	                        "segment 0x5000-0x5fff overlaps segment 0x5000-0x5000");
	/* at the top of the address space, without wrapping */
	check_overlap_both_ways((struct kdl_segment_info){UINT64_MAX - 1, 0, 2},
	                        (struct kdl_segment_info){UINT64_MAX, 0, 1},
	                        "segment 0xfffffffffffffffe-0xffffffffffffffff overlaps segment 0xffffffffffffffff-0xffffffffffffffff",
	                        "segment 0xffffffffffffffff-0xffffffffffffffff overlaps segment 0xfffffffffffffffe-0xffffffffffffffff");
	check_overlap_both_ways((struct kdl_segment_info){0, 0, UINT64_MAX},
	                        (struct kdl_segment_info){UINT64_MAX, 0, 1}, NULL, NULL);
}

static void test_feed_known_length(void)
{
	struct kdl_feed f = {0};

	CHECK_EQ(kdl_feed_begin(ctx, &f, 0x1000, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x1000: a segment cannot be empty");
	CHECK(!f.open);
	CHECK_EQ(kdl_feed_begin(ctx, &f, UINT64_MAX - 2, 4), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0xfffffffffffffffd of 4 bytes goes past the end of the address space");
	CHECK(!f.open);

	f.filled = 99;
	CHECK_EQ(kdl_feed_begin(ctx, &f, 0x1000, 10), 0);
	CHECK(f.open);
	CHECK_EQ(f.phys, 0x1000);
	CHECK_EQ(f.len, 10);
	CHECK_EQ(f.filled, 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 0), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 10), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 11), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x1000 has more data than its length (10 bytes)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	f.filled = 4;
	CHECK_EQ(kdl_feed_room(ctx, &f, 6), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 7), -1);
	CHECK_EQ(kdl_feed_end(ctx, &f), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x1000 ended after 4 of its 10 bytes");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK(f.open);
	f.filled = 10;
	CHECK_EQ(kdl_feed_room(ctx, &f, 0), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 1), -1);
	CHECK_EQ(kdl_feed_end(ctx, &f), 0);
	CHECK(!f.open);
	CHECK_EQ(f.len, 10);

	/* the last byte of the address space is the last a feed takes */
	CHECK_EQ(kdl_feed_begin(ctx, &f, UINT64_MAX - 3, 4), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 4), 0);
}

static void test_feed_unknown_length(void)
{
	struct kdl_feed f;

	CHECK_EQ(kdl_feed_begin(ctx, &f, 0x2000, KDL_LENGTH_UNKNOWN), 0);
	CHECK(f.open);
	CHECK_EQ(f.len, KDL_LENGTH_UNKNOWN);
	CHECK_EQ(kdl_feed_room(ctx, &f, UINT64_MAX - 0x2000), 0);
	/* nothing came */
	CHECK_EQ(kdl_feed_end(ctx, &f), -1);
	CHECK_STR(kdl_ctx_error(ctx), "no data for the segment at 0x2000: a segment cannot be empty");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	f.filled = 5;
	CHECK_EQ(kdl_feed_end(ctx, &f), 0);
	CHECK(!f.open);
	CHECK_EQ(f.len, 5);

	/* the length is what came, up to the end of the address space */
	CHECK_EQ(kdl_feed_begin(ctx, &f, UINT64_MAX - 9, KDL_LENGTH_UNKNOWN), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 10), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 11), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0xfffffffffffffff6 goes past the end of the address space");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(kdl_feed_room(ctx, &f, UINT64_MAX), -1);
	f.filled = 6;
	CHECK_EQ(kdl_feed_room(ctx, &f, 4), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 5), -1);
	f.filled = 10;
	CHECK_EQ(kdl_feed_room(ctx, &f, 0), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 1), -1);
	CHECK_EQ(kdl_feed_end(ctx, &f), 0);
	CHECK_EQ(f.len, 10);

	/* a length is 64 bits, so a feed from 0 takes every byte but the
	 * last, as kdl_segment_check does: 2^64 bytes would wrap filled */
	CHECK_EQ(kdl_feed_begin(ctx, &f, 0, KDL_LENGTH_UNKNOWN), 0);
	f.filled = UINT64_MAX - 1;
	CHECK_EQ(kdl_feed_room(ctx, &f, 1), 0);
	CHECK_EQ(kdl_feed_room(ctx, &f, 2), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x0 goes past the end of the address space");
	f.filled = UINT64_MAX;
	CHECK_EQ(kdl_feed_room(ctx, &f, 1), -1);
}

static void test_input_length_file(void)
{
	static const uint8_t bytes[3000];
	uint64_t len;
	char path[4096];
	int fd;

	if (!CHECK_EQ(write_file(scratch_path("mem", path, sizeof(path)), bytes, sizeof(bytes)), 0))
		return;
	fd = open(path, O_RDONLY);
	if (!CHECK(fd >= 0))
		return;
	len = KDL_LENGTH_UNKNOWN;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 0, &len), 0);
	CHECK_EQ(len, 3000);
	len = KDL_LENGTH_UNKNOWN;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 1000, &len), 0);
	CHECK_EQ(len, 2000);
	/* nothing left is a length of 0: empty is the segment's to refuse */
	len = KDL_LENGTH_UNKNOWN;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 3000, &len), 0);
	CHECK_EQ(len, 0);
	len = 2000;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 1000, &len), 0);
	CHECK_EQ(len, 2000);

	len = KDL_LENGTH_UNKNOWN;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 3001, &len), -1);
	CHECK_STR(kdl_ctx_error(ctx), "mem: offset 3001 is past its end (3000 bytes)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(len, KDL_LENGTH_UNKNOWN);
	len = 2001;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 1000, &len), -1);
	CHECK_STR(kdl_ctx_error(ctx), "mem: 2001 bytes at offset 1000 go past its end (3000 bytes)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	/* a length that would wrap around past the end */
	len = UINT64_MAX - 1;
	CHECK_EQ(kdl_input_length(ctx, fd, "mem", 1000, &len), -1);
	CHECK_STR(kdl_ctx_error(ctx), "mem: 18446744073709551614 bytes at offset 1000 go past its end (3000 bytes)");
	close(fd);

	CHECK_EQ(kdl_input_length(ctx, fd, "closed", 0, &len), -1);
	CHECK_STR(kdl_ctx_error(ctx), "closed: Bad file descriptor");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
}

/* Inputs of no size: the length stays as given, known or not. */
static void check_length_stays(int fd, const char *name)
{
	uint64_t len = KDL_LENGTH_UNKNOWN;

	CHECK_EQ(kdl_input_length(ctx, fd, name, 0, &len), 0);
	CHECK_EQ(len, KDL_LENGTH_UNKNOWN);
	len = 1u << 30;
	CHECK_EQ(kdl_input_length(ctx, fd, name, 1u << 20, &len), 0);
	CHECK_EQ(len, 1u << 30);
}

static void test_input_length_pipe_and_device(void)
{
	int fds[2], fd;

	if (CHECK_EQ(pipe(fds), 0)) {
		check_length_stays(fds[0], "pipe");
		close(fds[0]);
		close(fds[1]);
	}
	fd = open("/dev/null", O_RDONLY);
	if (CHECK(fd >= 0)) {
		check_length_stays(fd, "/dev/null");
		close(fd);
	}
}

static void test_seg_open_buffer(void)
{
	static const uint8_t bytes[16] = "0123456789abcdef";
	struct kdl_seg seg = {.phys = 0x1000, .len = 16, .origin = KDL_ORIGIN_BUFFER,
	                      .buf = bytes, .fd = -1};
	struct kdl_seg_bytes b;

	CHECK_EQ(kdl_seg_open(ctx, &seg, &b), 0);
	CHECK(b.buf == bytes);
	CHECK_EQ(b.fd, -1);
	CHECK(b.name == NULL);
	CHECK_EQ(b.offset, 0);
	CHECK(!b.opened);
	kdl_seg_close(&b);
}

static void test_seg_open_fd(void)
{
	struct kdl_seg seg = {.phys = 0x2000, .len = 16, .origin = KDL_ORIGIN_FD,
	                      .offset = 5};
	struct kdl_seg_bytes b;
	char name[32];
	int fds[2];

	if (!CHECK_EQ(pipe(fds), 0))
		return;
	seg.fd = fds[0];
	/* the caller's descriptor: used as it is, and left open */
	CHECK_EQ(kdl_seg_open(ctx, &seg, &b), 0);
	CHECK(b.buf == NULL);
	CHECK_EQ(b.fd, fds[0]);
	snprintf(name, sizeof(name), "fd %d", fds[0]);
	CHECK_STR(b.name, name);
	CHECK_EQ(b.offset, 5);
	CHECK(!b.opened);
	kdl_seg_close(&b);
	CHECK(fd_is_open(fds[0]));
	close(fds[0]);
	close(fds[1]);
}

static void test_seg_open_path(void)
{
	char path[4096], got[4];
	struct kdl_seg seg = {.phys = 0x3000, .len = 4, .origin = KDL_ORIGIN_PATH,
	                      .fd = -1, .path = path, .offset = 2};
	struct kdl_seg_bytes b;
	int fd;

	if (!CHECK_EQ(write_file(scratch_path("seg", path, sizeof(path)), "..abcd", 6), 0))
		return;
	/* opened when asked for, and closed by kdl_seg_close */
	CHECK_EQ(kdl_seg_open(ctx, &seg, &b), 0);
	CHECK(b.buf == NULL);
	CHECK(b.opened);
	CHECK_STR(b.name, path);
	CHECK_EQ(b.offset, 2);
	fd = b.fd;
	if (CHECK(fd >= 0)) {
		CHECK_EQ(pread(fd, got, 4, (off_t)b.offset), 4);
		CHECK_MEM(got, "abcd", 4);
	}
	kdl_seg_close(&b);
	CHECK(!b.opened);
	CHECK(!fd_is_open(fd));
	CHECK_EQ(errno, EBADF);

	scratch_path("gone", path, sizeof(path));
	CHECK_EQ(kdl_seg_open(ctx, &seg, &b), -1);
	CHECK_HAS(kdl_ctx_error(ctx), "/gone: No such file or directory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK(!b.opened);
	kdl_seg_close(&b);
}

static void test_seg_open_none(void)
{
	struct kdl_seg seg = {.phys = 0x4000, .len = 4096, .origin = KDL_ORIGIN_NONE,
	                      .fd = -1};
	struct kdl_seg_bytes b;

	CHECK_EQ(kdl_seg_open(ctx, &seg, &b), -1);
	CHECK_STR(kdl_ctx_error(ctx), "segment at 0x4000: its bytes were not kept (the stream it came from went straight to a file, or was only laid out; kdl_dump_read_stream keeps them)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
	CHECK_EQ(b.fd, -1);
	CHECK(!b.opened);
	kdl_seg_close(&b);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_segment_check();
	test_overlap();
	test_feed_known_length();
	test_feed_unknown_length();
	test_input_length_file();
	test_input_length_pipe_and_device();
	test_seg_open_buffer();
	test_seg_open_fd();
	test_seg_open_path();
	test_seg_open_none();
	kdl_ctx_free(ctx);
	return check_done("model/segment");
}
