/* base/strbuf.c: growing strings; once out of memory a string takes no
 * more, and finishing it says so. */
#include <stdlib.h>

#include "base/base.h"
#include "check.h"

static void test_add(void)
{
	struct kdl_str b = {0};
	char *s;

	kdl_str_add(&b, "%s=%d", "a", 1);
	kdl_str_add(&b, "%s", "");
	kdl_str_add(&b, ",%c", 'z');
	CHECK_EQ(b.len, 5);
	s = kdl_str_finish(NULL, &b);
	CHECK_STR(s, "a=1,z");
	free(s);
}

/* Many appends, some longer than everything before them. */
static void test_growth(void)
{
	struct kdl_str b = {0};
	char *want = calloc(1, 200000), *s;
	size_t len = 0;

	if (!CHECK(want))
		return;
	for (int i = 0; i < 2000; i++) {
		int n = i % 97 == 0 ? 1000 : i % 7;

		kdl_str_add(&b, "%*d|", n, i);
		len += (size_t)sprintf(want + len, "%*d|", n, i);
	}
	CHECK_EQ(b.len, len);
	CHECK(!b.failed);
	CHECK(b.cap > b.len);
	s = kdl_str_finish(NULL, &b);
	CHECK_STR(s, want);
	free(s);
	free(want);
}

static void test_empty(void)
{
	struct kdl_str b = {0};
	char *s = kdl_str_finish(NULL, &b);

	/* nothing added is the empty string, not a failure */
	CHECK_STR(s, "");
	free(s);
}

/* The same with a context: no failure on it either. */
static void test_empty_with_a_context(void)
{
	kdl_ctx *ctx = kdl_ctx_new();
	struct kdl_str b = {0};
	char *s;

	if (!CHECK(ctx))
		return;
	s = kdl_str_finish(ctx, &b);
	CHECK_STR(s, "");
	CHECK_STR(kdl_ctx_error(ctx), "");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_OK);
	free(s);
	kdl_ctx_free(ctx);
}

static void test_failed(void)
{
	kdl_ctx *ctx = kdl_ctx_new();
	struct kdl_str b = {0};

	if (!CHECK(ctx))
		return;
	kdl_str_add(&b, "before");
	b.failed = true;
	kdl_str_add(&b, "after");
	CHECK_EQ(b.len, 6);
	CHECK_MEM(b.s, "before", 7);
	CHECK(kdl_str_finish(ctx, &b) == NULL);
	CHECK_STR(kdl_ctx_error(ctx), "out of memory");
	CHECK_EQ(kdl_ctx_status(ctx), KDL_ERR_NOMEM);

	/* without a context, only the NULL; the string is freed all the same */
	b = (struct kdl_str){0};
	kdl_str_add(&b, "lost");
	b.failed = true;
	CHECK(kdl_str_finish(NULL, &b) == NULL);
	kdl_ctx_free(ctx);
}

int main(void)
{
	test_add();
	test_growth();
	test_empty();
	test_empty_with_a_context();
	test_failed();
	return check_done("base/strbuf");
}
