/* output/flat.c: makedumpfile's flattened format, byte for byte: the
 * 4096-byte header, records of a big-endian offset and size and the
 * bytes, and the end marker of 16 bytes of 0xff. */
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "output/output.h"

static kdl_ctx *ctx;

/* What fn wrote on a pipe, into buf; its length, or -1 if fn failed. */
static ssize_t written(int (*fn)(int fd), uint8_t *buf, size_t size)
{
	ssize_t n = -1;
	int fds[2], failed;

	if (!CHECK_EQ(pipe(fds), 0))
		return -1;
	failed = fn(fds[1]);
	close(fds[1]);
	if (!failed)
		n = kdl_read_full(ctx, fds[0], "pipe", buf, size, NULL);
	close(fds[0]);
	return n;
}

static int header(int fd)
{
	return kdl_flat_header(ctx, fd, "pipe");
}

static int records(int fd)
{
	return kdl_flat_record(ctx, fd, "pipe", "abc", 3, 0x0102030405060708) ||
	       kdl_flat_record(ctx, fd, "pipe", "", 0, 0x10) ||
	       kdl_flat_record(ctx, fd, "pipe", "z", 1, 0);
}

static int end(int fd)
{
	return kdl_flat_end(ctx, fd, "pipe");
}

static void test_header(void)
{
	uint8_t got[8192], want[4096] = "makedumpfile";

	/* type 1 and version 1, big-endian u64s at 16 and 24 */
	want[16 + 7] = 1;
	want[24 + 7] = 1;
	if (CHECK_EQ(written(header, got, sizeof(got)), 4096))
		CHECK_MEM(got, want, sizeof(want));
}

static void test_records(void)
{
	static const uint8_t want[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c',
		0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'z',
	};
	uint8_t got[256];

	if (CHECK_EQ(written(records, got, sizeof(got)), sizeof(want)))
		CHECK_MEM(got, want, sizeof(want));
}

static void test_end(void)
{
	uint8_t got[64], want[16];

	memset(want, 0xff, sizeof(want));
	if (CHECK_EQ(written(end, got, sizeof(got)), 16))
		CHECK_MEM(got, want, sizeof(want));
}

/* More than a chunk still goes under one header. */
static void test_big_record(void)
{
	char path[4096];
	size_t n = 3 * KDL_CHUNK / 2, len;
	uint8_t *buf = malloc(n), *f;
	int fd = open(scratch_path("big", path, sizeof(path)),
	              O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (!CHECK(buf) || !CHECK(fd >= 0))
		goto out;
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i % 251);
	CHECK_EQ(kdl_flat_record(ctx, fd, path, buf, n, 0x2000), 0);
	f = read_file(path, &len);
	if (CHECK(f) && CHECK_EQ(len, 16 + n)) {
		CHECK_MEM(f, "\0\0\0\0\0\0\x20\0\0\0\0\0\0\x18\0\0", 16);
		CHECK_MEM(f + 16, buf, n);
	}
	free(f);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
}

static void test_write_fails(void)
{
	CHECK_EQ(kdl_flat_header(ctx, -1, "stdout"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdout: Bad file descriptor");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_EQ(kdl_flat_record(ctx, -1, "dump", "x", 1, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dump: Bad file descriptor");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_EQ(kdl_flat_end(ctx, -1, "end"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "end: Bad file descriptor");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_header();
	test_records();
	test_end();
	test_big_record();
	test_write_fails();
	kdl_ctx_free(ctx);
	return check_done("output/flat");
}
