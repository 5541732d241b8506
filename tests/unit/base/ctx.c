/* base/ctx.c: a failure leaves its message and its class on the context,
 * and warnings go to the callback, never into the error. */
#include <errno.h>

#include "base/base.h"
#include "check.h"

static kdl_ctx *ctx;

static void test_nothing_failed_yet(void)
{
	CHECK_STR(kdl_ctx_error(ctx), "");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_OK);
}

static void test_message_and_class(void)
{
	CHECK_EQ(kdl_err(ctx, KDL_ERR_CORRUPT, "bad %s %d", "thing", 7), -1);
	CHECK_STR(kdl_ctx_error(ctx), "bad thing 7");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	/* the next failure replaces both */
	kdl_err(ctx, KDL_ERR_INVALID, "second");
	CHECK_STR(kdl_ctx_error(ctx), "second");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_INVALID);
}

static void test_system_errors(void)
{
	errno = ENOENT;
	CHECK_EQ(kdl_err_sys(ctx, "%s", "some/path"), -1);
	CHECK_STR(kdl_ctx_error(ctx), "some/path: No such file or directory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	/* the caller may still look at errno */
	CHECK_EQ(errno, ENOENT);

	errno = ENOMEM;
	CHECK_EQ(kdl_err_sys(ctx, "mapping %d", 3), -1);
	CHECK_STR(kdl_ctx_error(ctx), "mapping 3: Cannot allocate memory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_NOMEM);
	CHECK_EQ(errno, ENOMEM);

	errno = ENOSPC;
	kdl_err_sys(ctx, "dump");
	CHECK_STR(kdl_ctx_error(ctx), "dump: No space left on device");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
}

static void test_prefix_keeps_the_class(void)
{
	kdl_err(ctx, KDL_ERR_UNSUPPORTED, "inner");
	CHECK_EQ(kdl_err_prefix(ctx, "outer %d", 1), -1);
	CHECK_STR(kdl_ctx_error(ctx), "outer 1: inner");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);
	kdl_err_prefix(ctx, "top");
	CHECK_STR(kdl_ctx_error(ctx), "top: outer 1: inner");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_UNSUPPORTED);

	errno = ENOMEM;
	kdl_err_sys(ctx, "read");
	kdl_err_prefix(ctx, "segment 2");
	CHECK_STR(kdl_ctx_error(ctx), "segment 2: read: Cannot allocate memory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_NOMEM);
}

static void test_reclass(void)
{
	kdl_err(ctx, KDL_ERR_INVALID, "size 0");
	kdl_err_reclass(ctx, KDL_ERR_INVALID, KDL_ERR_CORRUPT);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);
	CHECK_STR(kdl_ctx_error(ctx), "size 0");

	/* only a failure of the class named changes */
	kdl_err(ctx, KDL_ERR_IO, "disk");
	kdl_err_reclass(ctx, KDL_ERR_INVALID, KDL_ERR_CORRUPT);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	CHECK_STR(kdl_ctx_error(ctx), "disk");
}

/* Messages longer than the context holds are cut, never overflow it. */
static void test_long_messages(void)
{
	char long_name[2000];

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	kdl_err(ctx, KDL_ERR_INVALID, "%s", long_name);
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
	errno = EACCES;
	kdl_err_sys(ctx, "%s", long_name);
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);
	kdl_err_prefix(ctx, "%s", long_name);
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_IO);

	/* a short prefix keeps the start of a long message */
	kdl_err(ctx, KDL_ERR_CORRUPT, "%s", long_name);
	kdl_err_prefix(ctx, "p");
	CHECK_EQ(strlen(kdl_ctx_error(ctx)), sizeof(ctx->error) - 1);
	CHECK_MEM(kdl_ctx_error(ctx), "p: xxx", 6);
}

static char warned[2048];
static int warnings;

static void collect(void *arg, const char *message)
{
	CHECK(arg == &warnings);
	warnings++;
	snprintf(warned, sizeof(warned), "%s", message);
}

static void test_warnings(void)
{
	char long_name[2000];

	kdl_warn(ctx, "nobody listens %d", 1);
	kdl_ctx_set_warn(ctx, collect, &warnings);
	kdl_warn(ctx, "careful: %s", "edge");
	CHECK_EQ(warnings, 1);
	CHECK_STR(warned, "careful: edge");
	/* a warning is not an error */
	kdl_err(ctx, KDL_ERR_CORRUPT, "kept");
	kdl_warn(ctx, "again");
	CHECK_EQ(warnings, 2);
	CHECK_STR(warned, "again");
	CHECK_STR(kdl_ctx_error(ctx), "kept");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_CORRUPT);

	memset(long_name, 'w', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	kdl_warn(ctx, "%s", long_name);
	CHECK_EQ(warnings, 3);
	CHECK_EQ(strlen(warned), 1023);

	kdl_ctx_set_warn(ctx, NULL, NULL);
	kdl_warn(ctx, "silent");
	CHECK_EQ(warnings, 3);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_nothing_failed_yet();
	test_message_and_class();
	test_system_errors();
	test_prefix_keeps_the_class();
	test_reclass();
	test_long_messages();
	test_warnings();
	kdl_ctx_free(ctx);
	return check_done("base/ctx");
}
