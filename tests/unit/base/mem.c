/* base/mem.c: allocations, and that each one that fails says "out of
 * memory" on the context with the class KDL_ERR_NOMEM. */
#include <stdlib.h>

#include "base/base.h"
#include "check.h"

/* AddressSanitizer aborts on an allocation it cannot make; what is
 * checked here is that the library returns NULL and says so. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static kdl_ctx *ctx;

static void check_out_of_memory(int line)
{
	check_str(kdl_ctx_error(ctx), "out of memory", "error", "\"out of memory\"",
	          __FILE__, line);
	check_eq(kdl_ctx_status(ctx), KDL_ERR_NOMEM, "status", "KDL_ERR_NOMEM",
	         __FILE__, line);
	/* so that the next check sees only a failure of its own */
	kdl_err(ctx, KDL_OK, "%s", "");
}

static void test_alloc(void)
{
	uint8_t *p = kdl_alloc(ctx, 4096), zero[4096] = {0};

	if (CHECK(p))
		CHECK_MEM(p, zero, sizeof(zero));
	free(p);
	/* nothing asked is still a pointer to free, not a failure */
	p = kdl_alloc(ctx, 0);
	CHECK(p != NULL);
	free(p);

	CHECK(kdl_alloc(ctx, SIZE_MAX) == NULL);
	check_out_of_memory(__LINE__);
	/* without a context, only the NULL */
	CHECK(kdl_alloc(NULL, SIZE_MAX) == NULL);
}

static void test_memdup(void)
{
	char *p = kdl_memdup(ctx, "ab\0cd", 5);

	if (CHECK(p))
		CHECK_MEM(p, "ab\0cd\0", 6);
	free(p);
	p = kdl_memdup(ctx, NULL, 0);
	CHECK_STR(p, "");
	free(p);
	/* no room for the NUL: refused before anything is read */
	CHECK(kdl_memdup(ctx, "", SIZE_MAX) == NULL);
	check_out_of_memory(__LINE__);
}

static void test_strdup(void)
{
	const char *text = "text";
	char *s = kdl_strdup(ctx, text);

	CHECK_STR(s, "text");
	CHECK(s != text);
	free(s);
	s = kdl_strdup(ctx, "");
	CHECK_STR(s, "");
	free(s);
}

static void test_grow(void)
{
	int *array = NULL;
	size_t cap = 0;

	for (size_t n = 0; n < 100; n++) {
		size_t before = cap;

		if (!CHECK_EQ(kdl_grow(ctx, &array, &cap, n, sizeof(*array)), 0))
			break;
		/* 8 to start with, then doubled when full, else untouched */
		CHECK_EQ(cap, n == 0 ? 8 : n == before ? 2 * before : before);
		array[n] = (int)n;
	}
	CHECK_EQ(cap, 128);
	CHECK_EQ(array[99] + array[0], 99);
	free(array);
}

/* A capacity whose double does not fit leaves the array as it was. */
static void test_grow_too_far(void)
{
	int *array = kdl_alloc(ctx, 8 * sizeof(*array)), *kept = array;
	size_t cap = SIZE_MAX / 2 + 1;

	CHECK_EQ(kdl_grow(ctx, &array, &cap, cap, sizeof(*array)), -1);
	check_out_of_memory(__LINE__);
	CHECK(array == kept);
	CHECK_EQ(cap, SIZE_MAX / 2 + 1);
	/* the double fits, its size in bytes does not */
	cap = SIZE_MAX / 16;
	CHECK_EQ(kdl_grow(ctx, &array, &cap, cap, 16), -1);
	check_out_of_memory(__LINE__);
	CHECK(array == kept);
	CHECK_EQ(cap, SIZE_MAX / 16);
	free(array);
}

static void test_asprintf(void)
{
	char *f = kdl_asprintf(ctx, "%s-%03d", "n", 7);

	CHECK_STR(f, "n-007");
	free(f);
	f = kdl_asprintf(ctx, "%s", "");
	CHECK_STR(f, "");
	free(f);
}

int main(void)
{
	ctx = kdl_ctx_new();
	if (!CHECK(ctx))
		return 1;
	test_alloc();
	test_memdup();
	test_strdup();
	test_grow();
	test_grow_too_far();
	test_asprintf();
	kdl_ctx_free(ctx);
	return check_done("base/mem");
}
