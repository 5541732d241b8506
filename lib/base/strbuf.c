/* Growing strings for lists and reports. */
#include <stdlib.h>

#include "base/base.h"

void kdl_str_add(struct kdl_str *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->failed = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

char *kdl_str_finish(kdl_ctx *ctx, struct kdl_str *b)
{
	/* nothing added is the empty string */
	char *s = b->failed ? NULL : b->s ? b->s : calloc(1, 1);

	if (!s) {
		free(b->s);
		if (ctx)
			kdl_err(ctx, KDL_ERR_NOMEM, "out of memory");
	}
	return s;
}
