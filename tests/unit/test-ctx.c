/* ctx.c: messages, warnings, allocation and full-length I/O. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static void test_errors(void)
{
	char long_name[2000];

	CHECK_STR(kdl_ctx_error(ctx), "");
	CHECK_EQ(kdl_err(ctx, "bad %s %d", "thing", 7), -1);
	CHECK_STR(kdl_ctx_error(ctx), "bad thing 7");

	errno = ENOENT;
	CHECK_EQ(kdl_err_sys(ctx, "%s", "some/path"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "some/path: No such file or directory");
	/* the caller may still look at errno */
	CHECK_EQ(errno, ENOENT);

	kdl_err(ctx, "inner");
	CHECK_EQ(kdl_err_prefix(ctx, "outer %d", 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "outer 1: inner");
	kdl_err_prefix(ctx, "top");
	CHECK_STR(kdl_ctx_error(ctx), "top: outer 1: inner");

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	kdl_err(ctx, "%s", long_name);
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
	errno = EACCES;
	kdl_err_sys(ctx, "%s", long_name);
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
	kdl_err_prefix(ctx, "%s", long_name);
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
}

static char warned[256];
static int warnings;

static void collect(void *arg, const char *message)
{
	CHECK(arg == &warnings);
	warnings++;
	snprintf(warned, sizeof(warned), "%s", message);
}

static void test_warnings(void)
{
	kdl_warn(ctx, "nobody listens %d", 1);
	kdl_ctx_set_warn(ctx, collect, &warnings);
	kdl_warn(ctx, "careful: %s", "edge");
	CHECK_EQ(warnings, 1);
	CHECK_STR(warned, "careful: edge");
	/* a warning is not an error */
	kdl_err(ctx, "kept");
	kdl_warn(ctx, "again");
	CHECK_STR(kdl_ctx_error(ctx), "kept");
	kdl_ctx_set_warn(ctx, NULL, NULL);
	kdl_warn(ctx, "silent");
	CHECK_EQ(warnings, 2);
}

static void test_alloc(void)
{
	char *p = kdl_memdup(ctx, "ab\0cd", 5), *s, *f;
	int *array = NULL;
	size_t cap = 0;

	if (CHECK(p)) {
		CHECK_MEM(p, "ab\0cd\0", 6);
		free(p);
	}
	s = kdl_strdup(ctx, "text");
	CHECK_STR(s, "text");
	free(s);
	p = kdl_memdup(ctx, NULL, 0);
	CHECK_STR(p, "");
	free(p);
	p = kdl_alloc(ctx, 0);
	CHECK(p != NULL);
	free(p);
	f = kdl_asprintf(ctx, "%s-%03d", "n", 7);
	CHECK_STR(f, "n-007");
	free(f);

	for (size_t n = 0; n < 100; n++) {
		if (!CHECK_EQ(kdl_grow(ctx, &array, &cap, n, sizeof(*array)), 0))
			break;
		CHECK(cap > n);
		array[n] = (int)n;
	}
	CHECK_EQ(array[99] + array[0], 99);
	free(array);
}

static void test_io(void)
{
	int fds[2];
	char buf[16] = {0};
	char path[512];
	int fd;

	if (!CHECK_EQ(pipe(fds), 0))
		return;
	CHECK_EQ(kdl_write_all(ctx, fds[1], "pipe", "hello", 5), 0);
	close(fds[1]);
	/* the count read at the end of input, short of what was asked */
	CHECK_EQ(kdl_read_full(ctx, fds[0], "pipe", buf, sizeof(buf)), 5);
	CHECK_STR(buf, "hello");
	CHECK_EQ(kdl_read_full(ctx, fds[0], "pipe", buf, sizeof(buf)), 0);
	close(fds[0]);

	CHECK_EQ(kdl_write_all(ctx, -1, "nowhere", "x", 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "nowhere: Bad file descriptor");
	CHECK_EQ(kdl_read_full(ctx, -1, "nothing", buf, 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "nothing: Bad file descriptor");

	fd = open(scratch_path("pw", path, sizeof(path)), O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!CHECK(fd >= 0))
		return;
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "pw", "tail", 4, 8), 0);
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "pw", "head", 4, 0), 0);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 12);
	CHECK_MEM(buf, "head\0\0\0\0tail", 12);
	close(fd);
	CHECK_EQ(kdl_pwrite_all(ctx, fd, "closed", "x", 1, 0), -1);
	CHECK_STR(kdl_ctx_error(ctx), "closed: Bad file descriptor");
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_errors();
	test_warnings();
	test_alloc();
	test_io();
	kdl_ctx_free(ctx);
	return check_done("ctx");
}
