/* model/source.c: byte sources, a segment's bytes as whoever reads them
 * takes them; each kind reads, copies and skips exactly what it is asked
 * for, and a file that shrank says by how much. */
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "model/model.h"

static kdl_ctx *ctx;

/* A scratch file of these bytes, open for reading and writing. */
static int file_of(const char *name, const void *bytes, size_t n)
{
	char path[4096];

	if (write_file(scratch_path(name, path, sizeof(path)), bytes, n))
		return -1;
	return open(path, O_RDWR);
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

static void test_buffer(void)
{
	static const uint8_t zeros[5];
	uint8_t bytes[100], got[100], file[20];
	struct kdl_source src;
	int fd = file_of("buffer-out", "", 0);

	if (!CHECK(fd >= 0))
		return;
	fill(bytes, sizeof(bytes), 1);
	kdl_source_buffer(&src, ctx, bytes, sizeof(bytes));
	CHECK_EQ(src.len, 100);
	CHECK_EQ(src.total, 100);
	CHECK(!kdl_source_is_zero(&src));

	CHECK_EQ(kdl_source_read(&src, got, 30), 0);
	CHECK_MEM(got, bytes, 30);
	CHECK_EQ(src.len, 70);
	/* the copy lands at its offset, from where the read stopped */
	CHECK_EQ(kdl_source_copy(&src, 10, fd, "buffer-out", 5), 0);
	CHECK_EQ(src.len, 60);
	CHECK_EQ(pread(fd, file, sizeof(file), 0), 15);
	CHECK_MEM(file, zeros, 5);
	CHECK_MEM(file + 5, bytes + 30, 10);
	CHECK_EQ(kdl_source_skip(&src, 20), 0);
	CHECK_EQ(src.len, 40);
	CHECK_EQ(kdl_source_read(&src, got, 40), 0);
	CHECK_MEM(got, bytes + 60, 40);
	CHECK_EQ(src.len, 0);
	CHECK_EQ(src.total, 100);
	close(fd);
}

static void test_fd(void)
{
	uint8_t bytes[5000], got[5000], file[3000];
	struct kdl_source src;
	int in, out;

	fill(bytes, sizeof(bytes), 3);
	in = file_of("fd-in", bytes, sizeof(bytes));
	out = file_of("fd-out", "", 0);
	if (!CHECK(in >= 0) || !CHECK(out >= 0))
		goto out;
	/* from the offset on, whatever the descriptor's own position */
	kdl_source_fd(&src, ctx, in, "fd-in", 1000, 4000);
	CHECK_EQ(src.len, 4000);
	CHECK_EQ(src.pos, 1000);
	CHECK(!kdl_source_is_zero(&src));
	CHECK_EQ(kdl_source_read(&src, got, 500), 0);
	CHECK_MEM(got, bytes + 1000, 500);
	CHECK_EQ(src.len, 3500);
	CHECK_EQ(src.pos, 1500);
	CHECK_EQ(kdl_source_copy(&src, 2000, out, "fd-out", 1000), 0);
	CHECK_EQ(src.len, 1500);
	CHECK_EQ(src.pos, 3500);
	CHECK_EQ(pread(out, file, sizeof(file), 0), 3000);
	CHECK_MEM(file + 1000, bytes + 1500, 2000);
	/* a skip reads nothing: only the position moves */
	CHECK_EQ(kdl_source_skip(&src, 1000), 0);
	CHECK_EQ(src.len, 500);
	CHECK_EQ(src.pos, 4500);
	CHECK_EQ(kdl_source_read(&src, got, 500), 0);
	CHECK_MEM(got, bytes + 4500, 500);
	CHECK_EQ(src.len, 0);
	CHECK_EQ(lseek(in, 0, SEEK_CUR), 0);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void test_zero(void)
{
	static const uint8_t zeros[64];
	uint8_t got[64], ones[200];
	struct kdl_source src;
	int fd;
	struct stat st;

	memset(ones, 0xff, sizeof(ones));
	fd = file_of("zero-out", ones, sizeof(ones));
	if (!CHECK(fd >= 0))
		return;
	kdl_source_zero(&src, ctx, 1000);
	CHECK_EQ(src.len, 1000);
	CHECK(kdl_source_is_zero(&src));
	memset(got, 0xff, sizeof(got));
	CHECK_EQ(kdl_source_read(&src, got, 64), 0);
	CHECK_MEM(got, zeros, 64);
	CHECK_EQ(src.len, 936);
	/* nothing is written, so that the range stays a hole: what was
	 * there is still there, and the file does not grow */
	CHECK_EQ(kdl_source_copy(&src, 500, fd, "zero-out", 100), 0);
	CHECK_EQ(src.len, 436);
	CHECK_EQ(pread(fd, got, 64, 100), 64);
	CHECK_MEM(got, ones, 64);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 200);
	CHECK_EQ(kdl_source_skip(&src, 436), 0);
	CHECK_EQ(src.len, 0);
	close(fd);
}

/* What the ops of test_custom were asked. */
struct calls {
	unsigned reads, copies, skips;
	size_t read_n;
	uint64_t copy_n, copy_off, skip_n;
	int copy_fd;
	const char *copy_name;
	bool fail;
};

static int custom_read(struct kdl_source *src, void *dst, size_t n)
{
	struct calls *c = src->arg;

	c->reads++;
	c->read_n = n;
	if (c->fail)
		return kdl_err(src->ctx, KDL_ERR_IO, "custom: no more");
	memset(dst, 0x77, n);
	return 0;
}

static int custom_copy(struct kdl_source *src, uint64_t n,
                       const struct kdl_copy_end *to)
{
	struct calls *c = src->arg;

	c->copies++;
	c->copy_n = n;
	c->copy_fd = to->fd;
	c->copy_name = to->name;
	c->copy_off = *to->off;
	return c->fail ? -1 : 0;
}

static int custom_skip(struct kdl_source *src, uint64_t n)
{
	struct calls *c = src->arg;

	c->skips++;
	c->skip_n = n;
	return c->fail ? -1 : 0;
}

static void test_custom(void)
{
	static const struct kdl_source_ops ops = {custom_read, custom_copy, custom_skip};
	static const struct kdl_source_ops no_skip = {custom_read, custom_copy, NULL};
	struct calls c = {0};
	struct kdl_source src;
	uint8_t got[16], want[16];

	kdl_source_custom(&src, ctx, &ops, &c, 100);
	CHECK(src.arg == &c);
	CHECK(src.ops == &ops);
	CHECK(src.ctx == ctx);
	CHECK_EQ(src.len, 100);
	CHECK_EQ(src.total, 100);
	CHECK(!kdl_source_is_zero(&src));

	memset(want, 0x77, sizeof(want));
	CHECK_EQ(kdl_source_read(&src, got, 16), 0);
	CHECK_EQ(c.reads, 1);
	CHECK_EQ(c.read_n, 16);
	CHECK_MEM(got, want, 16);
	CHECK_EQ(src.len, 84);
	CHECK_EQ(kdl_source_copy(&src, 40, 42, "out", 0x1234), 0);
	CHECK_EQ(c.copies, 1);
	CHECK_EQ(c.copy_n, 40);
	CHECK_EQ(c.copy_fd, 42);
	CHECK_STR(c.copy_name, "out");
	CHECK_EQ(c.copy_off, 0x1234);
	CHECK_EQ(src.len, 44);
	CHECK_EQ(kdl_source_skip(&src, 4), 0);
	CHECK_EQ(c.skips, 1);
	CHECK_EQ(c.skip_n, 4);
	CHECK_EQ(src.len, 40);

	/* a failure takes nothing, and its message is the ops' */
	c.fail = true;
	CHECK_EQ(kdl_source_read(&src, got, 10), -1);
	CHECK_STR(kdl_ctx_error(ctx), "custom: no more");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_EQ(kdl_source_copy(&src, 10, 42, "out", 0), -1);
	CHECK_EQ(kdl_source_skip(&src, 10), -1);
	CHECK_EQ(c.reads, 2);
	CHECK_EQ(c.copies, 2);
	CHECK_EQ(c.skips, 2);
	CHECK_EQ(src.len, 40);

	/* without a skip of its own, bytes passed over are not asked for */
	c = (struct calls){0};
	kdl_source_custom(&src, ctx, &no_skip, &c, 30);
	CHECK_EQ(kdl_source_skip(&src, 30), 0);
	CHECK_EQ(c.reads + c.copies + c.skips, 0);
	CHECK_EQ(src.len, 0);
}

/* A file shorter than its segment says: what it had is taken, and the
 * message tells how far it got. */
static void test_shrank(void)
{
	uint8_t bytes[6000], got[10000], file[6000];
	struct kdl_source src;
	int in, out;

	fill(bytes, sizeof(bytes), 5);
	in = file_of("shrank-in", bytes, sizeof(bytes));
	out = file_of("shrank-out", "", 0);
	if (!CHECK(in >= 0) || !CHECK(out >= 0))
		goto out;

	kdl_source_fd(&src, ctx, in, "shrank-in", 0, 10000);
	CHECK_EQ(kdl_source_read(&src, got, 10000), -1);
	CHECK_STR(kdl_ctx_error(ctx), "shrank-in: shrank while being read (6000 of 10000 bytes)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(src.len, 4000);
	CHECK_MEM(got, bytes, 6000);

	/* counted from the source's start, across the calls before */
	kdl_source_fd(&src, ctx, in, "shrank-in", 1000, 8000);
	CHECK_EQ(kdl_source_read(&src, got, 2000), 0);
	CHECK_EQ(kdl_source_read(&src, got, 6000), -1);
	CHECK_STR(kdl_ctx_error(ctx), "shrank-in: shrank while being read (5000 of 8000 bytes)");
	CHECK_EQ(src.len, 3000);
	CHECK_MEM(got, bytes + 3000, 3000);

	kdl_source_fd(&src, ctx, in, "shrank-in", 0, 10000);
	CHECK_EQ(kdl_source_skip(&src, 1000), 0);
	CHECK_EQ(kdl_source_copy(&src, 9000, out, "shrank-out", 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "shrank-in: shrank while being read (6000 of 10000 bytes)");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_EQ(src.len, 4000);
	CHECK_EQ(pread(out, file, sizeof(file), 0), 5000);
	CHECK_MEM(file, bytes + 1000, 5000);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

/* A descriptor that cannot be read is the system's refusal, not a short
 * file. */
static void test_unreadable(void)
{
	struct kdl_source src;
	uint8_t got[10];
	char path[4096];
	int fd = open(scratch_path("", path, sizeof(path)), O_RDONLY | O_DIRECTORY);

	if (!CHECK(fd >= 0))
		return;
	kdl_source_fd(&src, ctx, fd, "dir", 0, 10);
	CHECK_EQ(kdl_source_read(&src, got, 10), -1);
	CHECK_STR(kdl_ctx_error(ctx), "dir: Is a directory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_EQ(src.len, 10);
	close(fd);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_buffer();
	test_fd();
	test_zero();
	test_custom();
	test_shrank();
	test_unreadable();
	kdl_ctx_free(ctx);
	return check_done("model/source");
}
