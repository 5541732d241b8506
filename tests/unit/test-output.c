/* output.c: a dump file appears at its path only when committed. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static kdl_ctx *ctx;

static void test_commit(void)
{
	struct kdl_out out;
	char path[4096];
	uint8_t *f;
	size_t len;

	scratch_path("dump", path, sizeof(path));
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false), 0))
		return;
	CHECK(out.fd >= 0);
	CHECK_EQ(write(out.fd, "partial", 7), 7);
	/* not there, under its name or any other, until committed */
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ(scratch_entries(), out.tmp_path ? 1 : 0);
	CHECK_EQ(kdl_out_commit(&out), 0);
	CHECK_EQ(out.fd, -1);
	f = read_file(path, &len);
	if (CHECK(f) && CHECK_EQ(len, 7))
		CHECK_MEM(f, "partial", 7);
	free(f);
	CHECK_EQ(scratch_entries(), 1);
}

static void test_abort_keeps_the_old_file(void)
{
	struct kdl_out out;
	char path[4096];
	uint8_t *f;
	size_t len;

	write_file(scratch_path("old", path, sizeof(path)), "old dump", 8);
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false), 0))
		return;
	CHECK_EQ(write(out.fd, "new", 3), 3);
	kdl_out_abort(&out);
	CHECK_EQ(out.fd, -1);
	f = read_file(path, &len);
	if (CHECK(f) && CHECK_EQ(len, 8))
		CHECK_MEM(f, "old dump", 8);
	free(f);

	/* and a commit replaces it */
	if (!CHECK_EQ(kdl_out_open(ctx, &out, path, false), 0))
		return;
	CHECK_EQ(write(out.fd, "new", 3), 3);
	CHECK_EQ(kdl_out_commit(&out), 0);
	f = read_file(path, &len);
	if (CHECK(f) && CHECK_EQ(len, 3))
		CHECK_MEM(f, "new", 3);
	free(f);
}

static void test_refused(void)
{
	struct kdl_out out;
	char path[4096], want[8192];

	scratch_path("", path, sizeof(path));
	path[strlen(path) - 1] = 0;
	CHECK_EQ(kdl_out_open(ctx, &out, path, false), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
	CHECK_EQ(kdl_out_open(ctx, &out, "/dev/null", false), -1);
	CHECK_STR(kdl_ctx_error(ctx), "/dev/null: not a regular file");
	scratch_path("no/such/dir/dump", path, sizeof(path));
	CHECK_EQ(kdl_out_open(ctx, &out, path, false), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(kdl_ctx_error(ctx), want);
}

static void test_relative_path(void)
{
	struct kdl_out out;
	char dir[4096], cwd[4096];

	scratch_path("sub", dir, sizeof(dir));
	if (!CHECK(getcwd(cwd, sizeof(cwd))) || !CHECK_EQ(mkdir(dir, 0700), 0) ||
	    !CHECK_EQ(chdir(dir), 0))
		return;
	if (CHECK_EQ(kdl_out_open(ctx, &out, "here", false), 0)) {
		CHECK_EQ(write(out.fd, "x", 1), 1);
		CHECK_EQ(kdl_out_commit(&out), 0);
		CHECK_EQ(access("here", F_OK), 0);
	}
	CHECK_EQ(chdir(cwd), 0);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_commit();
	test_abort_keeps_the_old_file();
	test_refused();
	test_relative_path();
	kdl_ctx_free(ctx);
	return check_done("output");
}
