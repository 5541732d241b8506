/* input/io.c: an input keeps its first bytes to tell its format by and
 * gives them again to reading in order; a file reads at any offset, a
 * pipe only in order; where it ends, and what it cannot do, is said with
 * its name and the byte. */
#include <pthread.h>

#include "input-check.h"

static int file_of(const char *name, const void *data, size_t n)
{
	if (write_file(scratch_file(name), data, n))
		return -1;
	return open(scratch_file(name), O_RDONLY);
}

struct feeder {
	pthread_t thread;
	int fd;
	const uint8_t *data;
	size_t n;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;

	kdl_write_all(NULL, f->fd, "pipe", f->data, f->n);
	close(f->fd);
	return NULL;
}

/* The read end of a pipe that a thread fills with data, then closes. */
static int pipe_of(struct feeder *f, const uint8_t *data, size_t n)
{
	int p[2];

	if (pipe(p))
		return -1;
	f->fd = p[1];
	f->data = data;
	f->n = n;
	if (pthread_create(&f->thread, NULL, feed, f)) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	return p[0];
}

static uint8_t *pattern(size_t n)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(i * 7 + i / 251);
	return p;
}

static void test_file(void)
{
	size_t n = 3 * KDL_INPUT_HEAD + 100;
	uint8_t *data = pattern(n), buf[2 * KDL_INPUT_HEAD];
	struct kdl_input in;
	int fd = data ? file_of("file", data, n) : -1;

	if (!CHECK(fd >= 0) || !CHECK_EQ(kdl_input_open(ctx, &in, fd, "file"), 0))
		goto out;
	CHECK(in.seekable);
	CHECK_EQ(in.size, n);
	CHECK_EQ(in.head_len, KDL_INPUT_HEAD);
	CHECK_MEM(in.head, data, KDL_INPUT_HEAD);
	/* in order from the start, over the head */
	CHECK_EQ(kdl_input_read(&in, buf, 10, "x"), 0);
	CHECK_MEM(buf, data, 10);
	CHECK_EQ(kdl_input_read(&in, buf, KDL_INPUT_HEAD, "x"), 0);
	CHECK_MEM(buf, data + 10, KDL_INPUT_HEAD);
	/* anywhere */
	CHECK_EQ(kdl_input_pread(&in, buf, 50, n - 50, "x"), 0);
	CHECK_MEM(buf, data + n - 50, 50);
	CHECK_EQ(kdl_input_seek(&in, 5, "x"), 0);
	CHECK_EQ(kdl_input_read(&in, buf, 5, "x"), 0);
	CHECK_MEM(buf, data + 5, 5);
	/* past the end */
	CHECK_EQ(kdl_input_pread(&in, buf, 51, n - 50, "the last page"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "file: truncated: it ends at byte 12388, inside the last page");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	close(fd);
out:
	free(data);
}

static void test_pipe(void)
{
	size_t n = 3 * KDL_INPUT_HEAD + 100;
	uint8_t *data = pattern(n), buf[KDL_INPUT_HEAD];
	struct kdl_input in;
	struct feeder f;
	int fd = data ? pipe_of(&f, data, n) : -1;

	if (!CHECK(fd >= 0))
		goto out;
	CHECK_EQ(kdl_input_open(ctx, &in, fd, "stdin"), 0);
	CHECK(!in.seekable);
	CHECK_EQ(in.size, KDL_LENGTH_UNKNOWN);
	CHECK_EQ(in.head_len, KDL_INPUT_HEAD);
	CHECK_MEM(in.head, data, KDL_INPUT_HEAD);
	CHECK_EQ(kdl_input_read(&in, buf, 100, "x"), 0);
	CHECK_MEM(buf, data, 100);
	/* the rest of the head, and on into what the pipe still holds */
	CHECK_EQ(kdl_input_read(&in, buf, KDL_INPUT_HEAD, "x"), 0);
	CHECK_MEM(buf, data + 100, KDL_INPUT_HEAD);
	CHECK_EQ(kdl_input_seek(&in, 2 * KDL_INPUT_HEAD + 10, "x"), 0);
	CHECK_EQ(in.pos, 2 * KDL_INPUT_HEAD + 10);
	CHECK_EQ(kdl_input_read(&in, buf, 10, "x"), 0);
	CHECK_MEM(buf, data + 2 * KDL_INPUT_HEAD + 10, 10);
	/* back, or anywhere: only a file can */
	CHECK_EQ(kdl_input_seek(&in, 0, "x"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: reading it out of order, which a pipe cannot give; save it to a file and read that");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	CHECK_EQ(kdl_input_pread(&in, buf, 1, 0, "x"), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	/* its end, where it was: 80 bytes after these */
	CHECK_EQ(kdl_input_read(&in, buf, KDL_INPUT_HEAD, "x"), 0);
	CHECK_EQ(kdl_input_read(&in, buf, 100, "a range"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: truncated: it ends at byte 12388, inside a range");
	pthread_join(f.thread, NULL);
	close(fd);
out:
	free(data);
}

/* Shorter than a head: all of it is the head. */
static void test_short(void)
{
	struct kdl_input in;
	struct feeder f;
	uint8_t buf[8];
	int fd = pipe_of(&f, (const uint8_t *)"KDUMP", 5);

	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(kdl_input_open(ctx, &in, fd, "stdin"), 0);
	CHECK_EQ(in.head_len, 5);
	CHECK_EQ(kdl_input_read(&in, buf, 5, "x"), 0);
	CHECK_MEM(buf, "KDUMP", 5);
	CHECK_EQ(kdl_input_read(&in, buf, 1, "the header"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: truncated: it ends at byte 5, inside the header");
	pthread_join(f.thread, NULL);
	close(fd);
}

/* Bytes of an input as a byte source: read, skipped, or copied into a
 * file, from a file at any offset and from a pipe in order. */
static void test_source(void)
{
	size_t n = 2 * KDL_INPUT_HEAD;
	uint8_t *data = pattern(n), buf[64];
	struct kdl_input in, piped;
	struct kdl_source src;
	struct feeder f;
	int fd = data ? file_of("source", data, n) : -1, out, pfd;
	uint8_t *copied;
	size_t len;

	if (!CHECK(fd >= 0) || !CHECK_EQ(kdl_input_open(ctx, &in, fd, "source"), 0))
		goto out;
	kdl_input_source(&in, &src, 100, 64);
	CHECK_EQ(kdl_source_read(&src, buf, 32), 0);
	CHECK_MEM(buf, data + 100, 32);
	CHECK_EQ(kdl_source_skip(&src, 16), 0);
	CHECK_EQ(kdl_source_read(&src, buf, 16), 0);
	CHECK_MEM(buf, data + 148, 16);
	CHECK_EQ(src.len, 0);
	out = open(scratch_file("copy"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	kdl_input_source(&in, &src, 10, n - 10);
	CHECK_EQ(kdl_source_copy(&src, n - 10, out, "copy", 0), 0);
	close(out);
	copied = read_file(scratch_file("copy"), &len);
	CHECK(copied && len == n - 10 && !memcmp(copied, data + 10, n - 10));
	free(copied);
	close(fd);

	pfd = pipe_of(&f, data, n);
	if (!CHECK(pfd >= 0) || !CHECK_EQ(kdl_input_open(ctx, &piped, pfd, "stdin"), 0))
		goto out;
	CHECK_EQ(kdl_input_seek(&piped, 8, "x"), 0);
	kdl_input_source(&piped, &src, 8, KDL_INPUT_HEAD);
	CHECK_EQ(kdl_source_skip(&src, 8), 0);
	CHECK_EQ(kdl_source_read(&src, buf, 64), 0);
	CHECK_MEM(buf, data + 16, 64);
	pthread_join(f.thread, NULL);
	close(pfd);
out:
	free(data);
}

/* At an offset: any on a file, forward on a pipe; a whole range in a
 * buffer of its own, which a size beyond the file's cannot make; up to
 * n bytes, fewer at the end. */
static void test_read_at_fetch_upto(void)
{
	size_t n = 3 * KDL_CHUNK + 10;
	uint8_t *data = pattern(n), buf[64], *got;
	struct kdl_input in, piped;
	struct feeder f;
	int fd = data ? file_of("fetch", data, n) : -1, pfd;

	if (!CHECK(fd >= 0) || !CHECK_EQ(kdl_input_open(ctx, &in, fd, "fetch"), 0))
		goto out;
	CHECK_EQ(kdl_input_read_at(&in, buf, 8, n - 8, "x"), 0);
	CHECK_MEM(buf, data + n - 8, 8);
	CHECK_EQ(kdl_input_read_at(&in, buf, 8, 0, "x"), 0);
	CHECK_MEM(buf, data, 8);
	got = kdl_input_fetch(&in, 5, n - 5, "the bitmaps");
	CHECK(got && !memcmp(got, data + 5, n - 5) && got[n - 5] == 0);
	free(got);
	CHECK(kdl_input_fetch(&in, 5, n, "the bitmaps") == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "fetch: truncated: it ends at byte 3145738, inside the bitmaps");
	CHECK(kdl_input_fetch(&in, UINT64_MAX, 1, "x") == NULL);
	in.pos = n - 4;
	CHECK_EQ(kdl_input_read_upto(&in, buf, 64), 4);
	CHECK_MEM(buf, data + n - 4, 4);
	CHECK_EQ(kdl_input_read_upto(&in, buf, 64), 0);
	close(fd);

	pfd = pipe_of(&f, data, n);
	if (!CHECK(pfd >= 0) || !CHECK_EQ(kdl_input_open(ctx, &piped, pfd, "stdin"), 0))
		goto out;
	CHECK_EQ(kdl_input_read_at(&piped, buf, 8, 100, "x"), 0);
	CHECK_MEM(buf, data + 100, 8);
	got = kdl_input_fetch(&piped, 108, 2 * KDL_CHUNK, "x");
	CHECK(got && !memcmp(got, data + 108, 2 * KDL_CHUNK));
	free(got);
	CHECK_EQ(kdl_input_read_at(&piped, buf, 8, 0, "x"), -1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	/* a pipe's size is unknown: what it holds bounds the buffer */
	got = kdl_input_fetch(&piped, piped.pos, UINT64_MAX / 2, "the descriptors");
	CHECK(got == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "stdin: truncated: it ends at byte 3145738, inside the descriptors");
	CHECK_EQ(kdl_input_read_upto(&piped, buf, 64), 0);
	pthread_join(f.thread, NULL);
	close(pfd);
out:
	free(data);
}

static void test_messages(void)
{
	struct kdl_input in;

	kdl_input_init(&in, ctx, "dump.flat", NULL, NULL, false, KDL_LENGTH_UNKNOWN);
	CHECK_EQ(kdl_input_corrupt(&in, 4096, "page %d does not decompress", 7), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dump.flat: at byte 4096: page 7 does not decompress");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(kdl_input_truncated(&in, "a descriptor"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dump.flat: truncated: it ends inside a descriptor");
	CHECK_EQ(kdl_input_needs_file(&in, "its descriptors point back"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dump.flat: its descriptors point back, which a pipe cannot give; save it to a file and read that");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_file();
	test_pipe();
	test_short();
	test_source();
	test_read_at_fetch_upto();
	test_messages();
	kdl_ctx_free(ctx);
	return check_done("input/io");
}
