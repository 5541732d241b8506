/* Memory: every allocation that fails says so on the context. */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void *out_of_memory(kdl_ctx *ctx)
{
	if (ctx)
		kdl_err(ctx, KDL_ERR_NOMEM, "out of memory");
	return NULL;
}

void *kdl_alloc(kdl_ctx *ctx, size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		return out_of_memory(ctx);
	return p;
}

char *kdl_memdup(kdl_ctx *ctx, const void *p, size_t n)
{
	char *copy = n == SIZE_MAX ? out_of_memory(ctx) : kdl_alloc(ctx, n + 1);

	if (copy && n)
		memcpy(copy, p, n);
	return copy;
}

char *kdl_strdup(kdl_ctx *ctx, const char *s)
{
	return kdl_memdup(ctx, s, strlen(s));
}

int kdl_grow(kdl_ctx *ctx, void *array_ptr, size_t *cap, size_t count,
             size_t elem)
{
	void **array = array_ptr;
	size_t new_cap;
	void *p;

	if (count < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 8;
	p = new_cap < *cap || new_cap > SIZE_MAX / elem ? NULL
	                                               : realloc(*array, new_cap * elem);
	if (!p)
		return out_of_memory(ctx), -1;
	*array = p;
	*cap = new_cap;
	return 0;
}

char *kdl_asprintf(kdl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? out_of_memory(ctx) : s;
}
